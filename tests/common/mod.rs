//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The reference data folder `../shared` (or `$EMBERFALL_SHARED`). Panics with a clear message when missing:
/// these tests compare against independent references and must not pass silently without them.
pub fn shared_dir() -> PathBuf {
    let dir = std::env::var_os("EMBERFALL_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("shared"));
    if !dir.join("oracle").is_dir() {
        panic!(
            "reference data not found at {}: these tests need the project's ../shared folder \
             (or set EMBERFALL_SHARED to its path)",
            dir.display()
        );
    }
    dir
}

/// A file inside the shared folder.
pub fn shared(rel: &str) -> PathBuf {
    let p = shared_dir().join(rel);
    assert!(p.exists(), "shared reference file missing: {}", p.display());
    p
}
