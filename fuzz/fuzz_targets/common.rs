//! What every fuzz target shares: the input written to a file of this process (the parsers read files, as users
//! give them), and the rule that an error names its input.

#![allow(dead_code)]

use std::path::PathBuf;

/// The folder of this process's inputs.
pub fn dir() -> PathBuf {
    std::env::temp_dir().join(format!("emberfall-fuzz-{}", std::process::id()))
}

/// Write `data` to `NAME` in a folder of this process and return the path.
pub fn file(name: &str, data: &[u8]) -> PathBuf {
    let dir = dir();
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p
}

/// An error must name the file it is about.
pub fn names(err: &emberfall::Error, what: &str) {
    let msg = err.to_string();
    assert!(msg.contains(what), "the error does not name `{what}`: {msg}");
}

/// An error about a scenario names the scenario or a file the scenario names (resolved beside it).
pub fn names_scenario_or_its_file(err: &emberfall::Error, scenario: &str) {
    let msg = err.to_string();
    let beside = dir().display().to_string();
    assert!(msg.contains(scenario) || msg.contains(&beside), "the error names no input: {msg}");
}

/// A small uniform landscape's grid (UTM 11N).
pub fn grid() -> &'static emberfall::landscape::Grid {
    static G: std::sync::OnceLock<emberfall::landscape::Grid> = std::sync::OnceLock::new();
    G.get_or_init(|| emberfall::landscape::Landscape::uniform(20, 20, 30.0, 32611, 102, 0.0, -1.0).unwrap().grid)
}
