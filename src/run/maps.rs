//! Fire behaviour maps: per-cell surface and crown fire behaviour of a landscape under one weather, written as rasters in
//! the landscape's grid and CRS, plus a flame length map over a hillshade.

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::gpu::Engine;
use crate::io;
use crate::landscape::Landscape;
use crate::physics::behavior::{self, field, Behavior, Cells, Weather, NODATA};
use crate::physics::surface::{FuelBed, SurfaceOptions};
use crate::weather::conditioning::MoistureGrid;

/// Behaviour of every cell with its class's moistures (the CPU twin), fuel beds built once per class and model.
fn conditioned_behavior(cells: &Cells, weather: &Weather, g: &MoistureGrid, opts: &SurfaceOptions) -> Behavior {
    use rayon::prelude::*;
    g.series.condition_all();
    let beds: Vec<(Vec<Option<FuelBed>>, Option<FuelBed>, Weather)> = (0..g.classes())
        .into_par_iter()
        .map(|k| {
            let m = g.moisture_of_class(k, &weather.moisture);
            (
                cells.fuels.iter().map(|f| FuelBed::new(f, &m)).collect(),
                FuelBed::new(behavior::fuel_model_10(), &m),
                Weather { moisture: m, ..*weather },
            )
        })
        .collect();
    let uniform = (
        cells.fuels.iter().map(|f| FuelBed::new(f, &weather.moisture)).collect::<Vec<_>>(),
        FuelBed::new(behavior::fuel_model_10(), &weather.moisture),
    );
    let mut data = vec![0f32; cells.n * behavior::OUT_STRIDE];
    data.par_chunks_mut(behavior::OUT_STRIDE).enumerate().for_each(|(i, out)| {
        let k = cells.fuel_index(i);
        if k == u32::MAX {
            out.iter_mut().for_each(|v| *v = NODATA);
            return;
        }
        let k = k as usize;
        let (b, b10, w) = match g.class_of(i).and_then(|c| beds.get(c)) {
            Some((b, b10, w)) => (b[k].as_ref(), b10.as_ref(), w),
            None => (uniform.0[k].as_ref(), uniform.1.as_ref(), weather),
        };
        let o = behavior::cell_behavior(b, b10, &cells.fuels[k], &cells.rows[i], w, opts);
        for (d, v) in out.iter_mut().zip(o) {
            *d = v as f32;
        }
    });
    Behavior { n: cells.n, data }
}

/// Fields written by [`write_behavior_maps`], each under its stem and description in [`field::ALL`] (the one list).
pub const MAP_FIELDS: [usize; 8] = [
    field::ROS,
    field::SPREAD_DIRECTION,
    field::FIRELINE_INTENSITY,
    field::FLAME_LENGTH,
    field::HEAT_PER_AREA,
    field::REACTION_INTENSITY,
    field::CROWN_FIRE_TYPE,
    field::CROWN_FRACTION_BURNED,
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
    write_conditioned_behavior_maps(landscape, weather, None, opts, engine, out_dir, cog)
}

/// [`write_behavior_maps`] in a conditioned state: each cell with a class in `moisture` burns with its class's
/// moistures (computed by the CPU twin of the behaviour kernel, cell by cell), the others with `weather`'s.
pub fn write_conditioned_behavior_maps(
    landscape: &Landscape,
    weather: &Weather,
    moisture: Option<&MoistureGrid>,
    opts: &SurfaceOptions,
    engine: &Engine,
    out_dir: &Path,
    cog: bool,
) -> Result<(Behavior, Vec<PathBuf>)> {
    let staging = io::Staging::begin(out_dir)?;
    let cells = Cells::from_landscape(landscape)?;
    let beh = match moisture {
        None => behavior::compute(engine, &cells, std::slice::from_ref(weather), opts)?.remove(0),
        Some(g) => conditioned_behavior(&cells, weather, g, opts),
    };
    let out_dir = staging.dir();
    let mut files = Vec::new();
    for (k, stem, desc) in field::ALL.into_iter().filter(|f| MAP_FIELDS.contains(&f.0)) {
        let path = out_dir.join(format!("{stem}.tif"));
        io::write_raster(&path, &landscape.grid, &beh.field(k), desc, NODATA as f64, cog)?;
        files.push(path);
    }
    let flame = beh.field(field::FLAME_LENGTH);
    let water = crate::run::render::ground_of(&landscape.fuel);
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

/// The conditioned state `behavior --weather-stream` maps: the period of the stream (read by
/// [`crate::run::pipeline::read_stream`], as `run` reads it) in force at `at_min` (default: the last period's
/// start), its weather, its moistures per class of cells where the stream conditions them, and what was noticed.
pub fn conditioned_state(
    landscape: &Landscape,
    spec: &crate::run::scenario::WeatherSpec,
    stream_path: &Path,
    at_min: Option<f64>,
) -> Result<(Weather, Option<std::sync::Arc<MoistureGrid>>, Vec<String>)> {
    use crate::units::pct_from_frac;
    let cells = Cells::from_landscape(landscape)?;
    let lat = landscape.full_grid().centre_lonlat().ok().map(|c| c.1);
    let read = crate::run::pipeline::read_stream(stream_path, spec, &landscape.grid, lat)?;
    let (stream, mut notes) = (read.stream, read.notes);
    let grids = crate::run::pipeline::moisture_grids(landscape, &cells, spec, &stream, &read.obs, lat, &mut notes);
    let at = at_min.unwrap_or_else(|| stream.periods.last().map_or(0.0, |p| p.start_min));
    let k = stream.period_at(at);
    let w = stream.periods[k].weather;
    let m = &w.moisture;
    notes.push(format!(
        "conditioned state at {at:.0} min: the period from {:.0} min, dead moistures {:.1}/{:.1}/{:.1} %{}",
        stream.periods[k].start_min,
        pct_from_frac(m.dead_1h),
        pct_from_frac(m.dead_10h),
        pct_from_frac(m.dead_100h),
        if grids.get(k).is_some_and(|g| g.is_some()) { " at the station, per class of cells on the maps" } else { "" }
    ));
    Ok((w, grids.get(k).cloned().flatten(), notes))
}
