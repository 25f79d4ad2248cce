//! What the benchmarks share: the Thomas Fire landscape's layers.
#![allow(dead_code)]

use std::path::Path;

/// The Thomas Fire landscape's eight layers (`shared/landscapes/thomas_fire`): the scenario's `[landscape]` key and
/// the file's stem; the command-line flag is the key with dashes (`--canopy-cover`).
pub const THOMAS_LAYERS: [(&str, &str); 8] = [
    ("elevation", "dem"),
    ("slope", "slp"),
    ("aspect", "asp"),
    ("fuel", "fbfm40"),
    ("canopy_cover", "cc"),
    ("canopy_height", "ch"),
    ("canopy_base_height", "cbh"),
    ("canopy_bulk_density", "cbd"),
];

/// The `[landscape]` lines of the eight layers in `dir`.
pub fn thomas_toml(dir: &Path) -> String {
    THOMAS_LAYERS.iter().map(|(k, f)| format!("{k} = \"{}\"\n", dir.join(format!("{f}.tif")).display())).collect()
}

/// The `--flag FILE` arguments of the eight layers in `dir`.
pub fn thomas_args(dir: &Path) -> Vec<String> {
    THOMAS_LAYERS
        .iter()
        .flat_map(|(k, f)| [format!("--{}", k.replace('_', "-")), dir.join(format!("{f}.tif")).display().to_string()])
        .collect()
}
