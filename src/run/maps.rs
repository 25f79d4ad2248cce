//! Fire behaviour maps: per-cell surface and crown fire behaviour of a landscape under one weather, written as rasters in
//! the landscape's grid and CRS, plus a flame length map over a hillshade.

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::gpu::Engine;
use crate::io;
use crate::landscape::Landscape;
use crate::physics::behavior::{self, field, Behavior, Cells, Weather, NODATA};
use crate::physics::surface::SurfaceOptions;

/// Rasters written by [`write_behavior_maps`]: (field, file stem).
pub const MAP_FIELDS: [(usize, &str); 8] = [
    (field::ROS, "ros_m_per_min"),
    (field::SPREAD_DIRECTION, "spread_direction_deg"),
    (field::FIRELINE_INTENSITY, "fireline_intensity_kw_per_m"),
    (field::FLAME_LENGTH, "flame_length_m"),
    (field::HEAT_PER_AREA, "heat_per_area_kj_per_m2"),
    (field::REACTION_INTENSITY, "reaction_intensity_kw_per_m2"),
    (field::CROWN_FIRE_TYPE, "crown_fire_type"),
    (field::CROWN_FRACTION_BURNED, "crown_fraction_burned"),
];

/// Compute behaviour for every cell and write the maps into `out_dir`. Returns the behaviour and the files. The
/// landscape needs its slope and aspect ([`Landscape::ensure_terrain`]).
pub fn write_behavior_maps(
    landscape: &Landscape,
    weather: &Weather,
    opts: &SurfaceOptions,
    engine: &Engine,
    out_dir: &Path,
    cog: bool,
) -> Result<(Behavior, Vec<PathBuf>)> {
    let staging = io::Staging::begin(out_dir)?;
    let cells = Cells::from_landscape(landscape)?;
    let beh = behavior::compute(engine, &cells, std::slice::from_ref(weather), opts)?.remove(0);
    let out_dir = staging.dir();
    let mut files = Vec::new();
    for (k, stem) in MAP_FIELDS {
        let path = out_dir.join(format!("{stem}.tif"));
        let desc = field::ALL.iter().find(|f| f.0 == k).map(|f| f.2).unwrap_or(stem);
        io::write_raster(&path, &landscape.grid, &beh.field(k), desc, NODATA as f64, cog)?;
        files.push(path);
    }
    let flame = beh.field(field::FLAME_LENGTH);
    let water: Vec<bool> = landscape.fuel.iter().map(|&f| f == 98).collect();
    let canvas = crate::run::render::render_map(
        &landscape.grid,
        &landscape.elevation_m,
        &flame,
        NODATA,
        &crate::run::render::flame_length_classes(),
        "Flame length at the head (surface and crown fire)",
        "Flame length (m)",
        Some(&water),
    );
    let png = out_dir.join("flame_length_m.png");
    canvas.save_png(&png)?;
    files.push(png);
    let files = staging.final_paths(&files);
    staging.commit()?;
    Ok((beh, files))
}
