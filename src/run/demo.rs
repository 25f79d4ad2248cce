//! The demo's inputs, built into the binary: the synthetic Kii landscape (`dem/`), the Kairos scenario and the files
//! it names (`examples/`). `emberfall demo` writes them under its output folder and runs from there, so a binary
//! copied to an operations machine (or `cargo install`ed) runs the demo without the source tree.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// (path relative to the unpacked root, contents), in the layout the scenario's relative paths expect.
const FILES: [(&str, &[u8]); 9] = [
    ("dem/kii_synthetic.tif", include_bytes!("../../dem/kii_synthetic.tif")),
    ("dem/README.md", include_bytes!("../../dem/README.md")),
    ("examples/kairos_2024.toml", include_bytes!("../../examples/kairos_2024.toml")),
    ("examples/kairos_trajectory.csv", include_bytes!("../../examples/kairos_trajectory.csv")),
    ("examples/kii_forecast.csv", include_bytes!("../../examples/kii_forecast.csv")),
    ("examples/kii_assets/village.geojson", include_bytes!("../../examples/kii_assets/village.geojson")),
    ("examples/kii_assets/launch_control.geojson", include_bytes!("../../examples/kii_assets/launch_control.geojson")),
    ("examples/kii_assets/access_road.geojson", include_bytes!("../../examples/kii_assets/access_road.geojson")),
    ("examples/kii_assets/range_boundary.geojson", include_bytes!("../../examples/kii_assets/range_boundary.geojson")),
];

/// The scenario among [`FILES`].
const SCENARIO: &str = "examples/kairos_2024.toml";

/// Write the demo's inputs under `dir` (each file atomically; existing copies are replaced) and return the
/// scenario's path.
pub fn unpack(dir: &Path) -> Result<PathBuf> {
    for (rel, bytes) in FILES {
        let path = dir.join(rel);
        crate::io::write_atomic(&path, |tmp| std::fs::write(tmp, bytes).map_err(|e| Error::io(tmp, e)))?;
    }
    Ok(dir.join(SCENARIO))
}
