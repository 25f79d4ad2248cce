//! Products of a spread run: arrival time and front-passage rasters, isochrone polygons, the arrival-time map
//! and summary.json, all in the landscape's CRS and grid and written atomically.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::debris::ignition::{self, CellIgnition, IgnitionParams, SampledIgnition};
use crate::debris::{DebrisField, ThermalState};
use crate::error::Result;
use crate::io;
use crate::landscape::Landscape;
use crate::physics::behavior::NODATA;
use crate::run::isochrone::{self, Isochrone};
use crate::run::pipeline::{isochrone_times, FireSummary, MemberDebris, MemberResult, Prepared};
use crate::run::render::{self, map_layout, render_map, Canvas, LegendClass};
use crate::spread::sources::{Shape, Source};
use crate::spread::{SpreadRasters, SpreadResult};
use crate::units::{pct_from_frac, M2_PER_HA, MIN_PER_H};

/// Arrival-time classes (hours) for the map legend: a sequential ramp from yellow (early) to dark red (late).
fn arrival_classes(duration_h: f64) -> Vec<LegendClass> {
    let step = if duration_h <= 8.0 { 1.0 } else { (duration_h / 8.0).ceil() };
    let n = (duration_h / step).ceil().max(1.0) as usize;
    let colors = render::ramp(colorous::YELLOW_ORANGE_RED, n);
    (0..n)
        .map(|k| {
            let lo = k as f64 * step;
            let hi = ((k + 1) as f64 * step).min(duration_h);
            LegendClass {
                lo: if k == 0 { -1e-6 } else { lo as f32 },
                hi: if k + 1 == n { f32::INFINITY } else { hi as f32 },
                color: colors[k],
                label: format!("{} \u{2013} {} h", fmt(lo), fmt(hi)),
            }
        })
        .collect()
}

fn fmt(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// A point to mark for each source.
fn marker(s: &Source) -> Option<(f64, f64)> {
    match &s.shape {
        Shape::Point(x, y) => Some((*x, *y)),
        Shape::Line(p) => p.first().copied(),
        Shape::Polygon(r) => r.first().and_then(|r| r.first().copied()),
    }
}

/// The window of the map: the burned cells and ignitions with a margin (the whole grid for large fires).
fn map_window(ls: &Landscape, r: &SpreadRasters, sources: &[Source]) -> (usize, usize, usize, usize) {
    let points: Vec<(f64, f64)> = sources.iter().filter_map(marker).collect();
    window_around(ls, &r.arrival_min, &points)
}

/// A window (row, col, rows, cols) framing the cells with a value (not [`NODATA`], above 0) and `points`, with a
/// margin; the whole grid when there is nothing.
pub fn window_around(ls: &Landscape, values: &[f32], points: &[(f64, f64)]) -> (usize, usize, usize, usize) {
    let g = &ls.grid;
    let (mut r0, mut c0, mut r1, mut c1) = (usize::MAX, usize::MAX, 0usize, 0usize);
    let mut add = |row: usize, col: usize| {
        (r0, c0, r1, c1) = (r0.min(row), c0.min(col), r1.max(row), c1.max(col));
    };
    for (i, &t) in values.iter().enumerate() {
        if t != NODATA && t > 0.0 {
            add(i / g.cols, i % g.cols);
        }
    }
    for &(x, y) in points {
        let (fr, fc) = g.fractional_cell(x, y);
        if fr >= 0.0 && fc >= 0.0 && (fr as usize) < g.rows && (fc as usize) < g.cols {
            add(fr as usize, fc as usize);
        }
    }
    if r0 == usize::MAX {
        return (0, 0, g.rows, g.cols);
    }
    let size = (r1 - r0).max(c1 - c0) + 1;
    let margin = (size / 3).max(40);
    let (r0, c0) = (r0.saturating_sub(margin), c0.saturating_sub(margin));
    let (r1, c1) = ((r1 + margin + 1).min(g.rows), (c1 + margin + 1).min(g.cols));
    (r0, c0, r1 - r0, c1 - c0)
}

/// The landscape cut to a window: its grid, elevation and water mask, and a function cutting any raster.
pub fn cut(ls: &Landscape, w: (usize, usize, usize, usize)) -> (crate::landscape::Grid, Vec<f32>, Vec<bool>) {
    let (wr, wc, wh, ww) = w;
    let full = &ls.grid;
    let gt = full.geotransform;
    let grid = crate::landscape::Grid {
        rows: wh,
        cols: ww,
        geotransform: [gt[0] + gt[1] * wc as f64, gt[1], 0.0, gt[3] + gt[5] * wr as f64, 0.0, gt[5]],
        wkt: full.wkt.clone(),
    };
    let elevation = cut_raster(full.cols, w, &ls.elevation_m);
    let water = (wr..wr + wh)
        .flat_map(|row| ls.fuel[row * full.cols + wc..row * full.cols + wc + ww].iter().map(|&f| f == 98))
        .collect();
    (grid, elevation, water)
}

/// `v` (raster order on a grid of `cols` columns) cut to window `w`.
pub fn cut_raster(cols: usize, w: (usize, usize, usize, usize), v: &[f32]) -> Vec<f32> {
    let (wr, wc, wh, ww) = w;
    (wr..wr + wh).flat_map(|row| v[row * cols + wc..row * cols + wc + ww].iter().copied()).collect()
}

/// The arrival-time map: colours over a hillshade, isochrone lines every `interval_min`, ignition markers; framed
/// on the fire.
pub fn arrival_map(
    ls: &Landscape,
    res: &SpreadResult,
    r: &SpreadRasters,
    sources: &[Source],
    interval_min: f64,
) -> Canvas {
    let win = map_window(ls, r, sources);
    let (cut_grid, elevation, water) = cut(ls, win);
    let grid = &cut_grid;
    let arrival = cut_raster(ls.grid.cols, win, &r.arrival_min);
    let hours: Vec<f32> = arrival.iter().map(|&t| if t == NODATA { NODATA } else { t / MIN_PER_H as f32 }).collect();
    let title = format!(
        "Fire arrival time, {} h run, isochrones every {} min",
        fmt(res.duration_min / MIN_PER_H),
        fmt(interval_min)
    );
    let classes = arrival_classes(res.duration_min / MIN_PER_H);
    let mut cv = render_map(grid, &elevation, &hours, NODATA, &classes, &title, "Arrival time (h)", Some(&water));
    let (ox, oy, scale) = map_layout(grid);
    let (w, h) = ((grid.cols as f64 * scale).round() as i64, (grid.rows as f64 * scale).round() as i64);
    // Arrival time at a map pixel, bilinear between cell centres (unburned: infinity).
    let t_at = |px: i64, py: i64| -> f64 {
        let (fc, fr) = ((px as f64 + 0.5) / scale - 0.5, (py as f64 + 0.5) / scale - 0.5);
        let (c0, r0) = (fc.floor(), fr.floor());
        let (ax, ay) = (fc - c0, fr - r0);
        let get = |r: f64, c: f64| {
            let (r, c) = (r.clamp(0.0, grid.rows as f64 - 1.0) as usize, c.clamp(0.0, grid.cols as f64 - 1.0) as usize);
            let t = arrival[r * grid.cols + c];
            if t == NODATA {
                f64::INFINITY
            } else {
                t as f64
            }
        };
        let v = [get(r0, c0), get(r0, c0 + 1.0), get(r0 + 1.0, c0), get(r0 + 1.0, c0 + 1.0)];
        if v.iter().any(|x| x.is_infinite()) {
            // Near the perimeter: nearest cell.
            return get(fr.round(), fc.round());
        }
        (v[0] * (1.0 - ax) + v[1] * ax) * (1.0 - ay) + (v[2] * (1.0 - ax) + v[3] * ax) * ay
    };
    let level = |t: f64| if t.is_finite() { (t / interval_min).floor() as i64 } else { i64::MAX };
    let mut levels = vec![0i64; (w * h) as usize];
    for py in 0..h {
        for px in 0..w {
            levels[(py * w + px) as usize] = level(t_at(px, py));
        }
    }
    for py in 0..h {
        for px in 0..w {
            let l = levels[(py * w + px) as usize];
            let right = if px + 1 < w { levels[(py * w + px + 1) as usize] } else { l };
            let down = if py + 1 < h { levels[((py + 1) * w + px) as usize] } else { l };
            if l != right || l != down {
                cv.set(ox + px, oy + py, [40, 40, 40]);
            }
        }
    }
    for s in sources {
        if let Some((x, y)) = marker(s) {
            let (r, c) = grid.fractional_cell(x, y);
            let (px, py) = (ox + (c * scale) as i64, oy + (r * scale) as i64);
            for k in -6..=6 {
                for d in -1..=1 {
                    cv.set(px + k, py + d, [0, 0, 0]);
                    cv.set(px + d, py + k, [0, 0, 0]);
                }
            }
            for k in -4..=4 {
                cv.set(px + k, py, [255, 255, 255]);
                cv.set(px, py + k, [255, 255, 255]);
            }
        }
    }
    cv
}

/// The spread products of a fire: arrival time and front-passage rasters, isochrones (GeoPackage and GeoJSON)
/// and the arrival-time map. Returns the files and the isochrones' figures per time.
/// Time spent per product phase, s, in order (the run's split says it), with a line on standard error as each
/// phase of a long run starts (`log`).
pub struct Phases<'a> {
    pub done: Vec<(&'static str, f64)>,
    log: &'a mut dyn FnMut(&str),
    /// Say each phase as it starts (a run whose products take a while).
    pub verbose: bool,
}

impl<'a> Phases<'a> {
    pub fn new(log: &'a mut dyn FnMut(&str), verbose: bool) -> Phases<'a> {
        Phases { done: Vec::new(), log, verbose }
    }
    /// Run `f` as phase `name` (`what` says what it writes, for the line a long run prints).
    pub fn run<T>(&mut self, name: &'static str, what: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
        if self.verbose {
            (self.log)(&format!("products: {what}"));
        }
        let t = std::time::Instant::now();
        let v = f()?;
        let dt = t.elapsed().as_secs_f64();
        match self.done.iter_mut().find(|(n, _)| *n == name) {
            Some(e) => e.1 += dt,
            None => self.done.push((name, dt)),
        }
        Ok(v)
    }
    /// `name s, ...` of every phase.
    pub fn split(&self) -> String {
        self.done.iter().map(|(n, t)| format!("{n} {t:.2} s")).collect::<Vec<_>>().join(", ")
    }
}

pub fn write_spread_products(
    ls: &Landscape,
    res: &SpreadResult,
    sources: &[Source],
    interval_min: f64,
    out: &Path,
    cog: bool,
    phases: &mut Phases,
) -> Result<(Vec<PathBuf>, Vec<IsochroneFigures>)> {
    let grid = &ls.grid;
    let r =
        phases.run("front-passage behaviour", "front-passage behaviour of the burned cells", || Ok(res.rasters()))?;
    let rasters: Vec<(PathBuf, &[f32], &str)> = [
        ("arrival_time_min", &r.arrival_min, "arrival time, minutes since the start of the run"),
        ("ros_m_per_min", &r.ros_m_per_min, "spread rate in the direction of travel at front passage, m/min"),
        ("fireline_intensity_kw_per_m", &r.intensity_kw_per_m, "fireline intensity at front passage, kW/m"),
        ("flame_length_m", &r.flame_length_m, "flame length at front passage, m"),
        ("spread_direction_deg", &r.direction_deg, "direction of travel of the front, azimuth degrees"),
        (
            "crown_fire_type",
            &r.fire_type,
            "fire type at arrival (FlamMap codes): 1 surface, 2 passive crown fire, 3 active crown fire",
        ),
    ]
    .into_iter()
    .map(|(name, data, desc)| (out.join(format!("{name}.tif")), data.as_slice(), desc))
    .collect();
    phases.run("rasters", &format!("{} rasters", rasters.len()), || {
        io::write_rasters(grid, &rasters, NODATA as f64, cog)
    })?;
    let mut files: Vec<PathBuf> = rasters.iter().map(|r| r.0.clone()).collect();
    let times = isochrone_times(res.duration_min, interval_min);
    let isos: Vec<Isochrone> = phases.run("isochrones", &format!("tracing {} isochrones", times.len()), || {
        isochrone::trace(grid, &r.arrival_contour_min, NODATA, &times)
    })?;
    let (gpkg, geojson) = (out.join("isochrones.gpkg"), out.join("isochrones.geojson"));
    phases.run("isochrone files", "writing isochrones.gpkg", || isochrone::write_gpkg(&gpkg, grid, &isos))?;
    phases.run("isochrone files", "writing isochrones.geojson", || isochrone::write_geojson(&geojson, grid, &isos))?;
    files.extend([gpkg, geojson]);
    let png = out.join("arrival_time.png");
    phases.run("map", "the arrival-time map", || arrival_map(ls, res, &r, sources, interval_min).save_png(&png))?;
    files.push(png);
    let figures =
        isos.iter().map(|i| IsochroneFigures { time_min: i.time_min, area_m2: i.area_m2, perimeter_m: i.perimeter_m });
    Ok((files, figures.collect()))
}

/// Area and perimeter of the isochrone polygon at one time.
#[derive(Clone, Copy, Debug)]
pub struct IsochroneFigures {
    pub time_min: f64,
    pub area_m2: f64,
    pub perimeter_m: f64,
}

/// The spread part of summary.json: the typed fire summary with the isochrones' polygon figures beside the cell
/// counts.
fn spread_summary_json(
    ls: &Landscape,
    fs: &FireSummary,
    sources: usize,
    isos: &[IsochroneFigures],
    files: &[PathBuf],
    extra: serde_json::Value,
) -> serde_json::Value {
    let grid = &ls.grid;
    let per_interval: Vec<serde_json::Value> = fs
        .areas
        .iter()
        .zip(isos)
        .map(|(a, iso)| {
            json!({
                "time_min": a.time_min,
                "area_ha": iso.area_m2 / M2_PER_HA,
                "cells_burned": a.cells_burned,
                "cells_area_ha": a.cells_area_ha,
                "crown_fire_area_ha": a.crown_area_ha,
                "crown_fire_cells": a.crown_cells,
                "active_crown_fire_cells": a.active_crown_cells,
                "perimeter_m": iso.perimeter_m,
            })
        })
        .collect();
    json!({
        "backend": fs.backend,
        "adapter": fs.adapter,
        "run_time_s": fs.run_time_s,
        "duration_min": fs.duration_min,
        "landscape": {
            "crs": grid.crs_name(),
            "rows": grid.rows,
            "cols": grid.cols,
            "cell_size_m": [grid.dx(), grid.dy()],
        },
        "ignitions": sources,
        "burned_cells": fs.burned_cells,
        "burned_area_ha": fs.burned_area_ha,
        "burned_cells_per_s": fs.burned_cells_per_s,
        "perimeter_m": isos.last().map_or(0.0, |i| i.perimeter_m),
        "max_ros_m_per_min": fs.max_ros_m_per_min,
        "max_fireline_intensity_kw_per_m": fs.max_fireline_intensity_kw_per_m,
        "max_flame_length_m": fs.max_flame_length_m,
        "isochrones": per_interval,
        "sweeps": fs.sweeps,
        "relaxations": fs.relaxations,
        "cells_parameterised": fs.cells_parameterised,
        "ignition_points_on_unburnable_cells": fs.ignition_points_on_unburnable_cells,
        "spotting": fs.spotting,
        "run": extra,
        "files": files.iter().filter_map(|f| f.file_name()).map(|f| f.to_string_lossy().into_owned()).collect::<Vec<_>>(),
    })
}

/// Every product of one member into `out`: debris products (ignition probability and expected ignitions
/// rasters, map, impacts.gpkg) when the run has debris, the spread products when there is a fire, summary.json,
/// and report.md for debris runs. Returns the files and the summary.
/// The dead fuel moistures of every weather period of a member, in percent, on burnable cells:
/// `moisture/dead_moisture_t{MIN}min.tif` (MIN the period's start, clock minutes from the start of the run), bands
/// 1-h, 10-h and 100-h; per class of cells under terrain conditioning, else the period's moistures everywhere.
fn write_moisture_rasters(p: &Prepared, m: &MemberResult, out: &Path) -> Result<Vec<PathBuf>> {
    let dir = out.join("moisture");
    std::fs::create_dir_all(&dir).map_err(|e| crate::error::Error::io(&dir, e))?;
    let grid = &p.landscape.grid;
    let own = std::ptr::eq(&m.stream, &p.stream) || m.stream == p.stream;
    let mut files = Vec::new();
    for (k, period) in m.stream.periods.iter().enumerate() {
        let classes = if own { p.moisture_grids.get(k).and_then(|g| g.as_deref()) } else { None };
        if let Some(g) = classes {
            g.series.condition_all();
        }
        let w = &period.weather.moisture;
        let mut bands = vec![vec![NODATA; grid.len()]; 3];
        for i in 0..grid.len() {
            if p.cells.fuel_index(i) == u32::MAX {
                continue;
            }
            let d = classes.and_then(|g| g.at(i)).unwrap_or([w.dead_1h, w.dead_10h, w.dead_100h]);
            for (b, v) in bands.iter_mut().zip(d) {
                b[i] = (pct_from_frac(v)) as f32;
            }
        }
        let t = p.clock.as_ref().map_or(period.start_min, |c| c.to_clock(period.start_min));
        let path = dir.join(format!("dead_moisture_t{:.0}min.tif", t));
        let start = format!("{t:.0}");
        io::write_multiband_geotiff(
            &path,
            grid,
            &bands,
            &["m1h_pct", "m10h_pct", "m100h_pct"],
            NODATA as f64,
            &[("PERIOD_START_MIN", start.as_str())],
        )?;
        files.push(path);
    }
    Ok(files)
}

pub fn write_member(
    p: &Prepared,
    m: &MemberResult,
    out: &Path,
    phases: &mut Phases,
) -> Result<(Vec<PathBuf>, serde_json::Value)> {
    let sc = &p.scenario;
    let ls = &p.landscape;
    let mut files = Vec::new();
    let mut notes = p.notes.clone();
    notes.extend(m.notes.iter().cloned());
    if let Some(d) = &m.debris {
        let what = format!("debris products (impacts.gpkg: {} fragments)", d.field.fragments.len());
        files.extend(phases.run("debris", &what, || write_debris_products(p, d, out))?);
    }
    let extra = json!({
        "weather_periods": m.stream.periods.len(),
        "wind_height": m.stream.wind_height().label(),
        "tolerance": sc.spread.tolerance,
        "isochrone_interval_min": sc.spread.isochrone_interval_min,
    });
    if sc.output.write_moisture {
        files.extend(phases.run("moisture", "moisture rasters", || write_moisture_rasters(p, m, out))?);
    }
    let spread = match (&m.fire, &m.summary) {
        (Some(res), Some(fs)) => {
            let (f, isos) = write_spread_products(
                ls,
                res,
                &m.sources,
                sc.spread.isochrone_interval_min,
                out,
                sc.output.cog,
                phases,
            )?;
            files.extend(f);
            if let Some(sp) = &m.spotting {
                let path = out.join("spot_fires.gpkg");
                phases.run("spot fires", &format!("spot_fires.gpkg ({} embers)", sp.embers.len()), || {
                    write_spot_fires(&path, ls, &sp.embers)
                })?;
                files.push(path);
            }
            let mut listed = files.clone();
            listed.push(out.join("summary.json"));
            let mut s = spread_summary_json(ls, fs, m.sources.len(), &isos, &listed, extra);
            if let Some(d) = &m.debris {
                s["reach"] = reach(ls, res, &d.ignitions);
            }
            Some(s)
        }
        _ => None,
    };
    let summary = match &m.debris {
        None => {
            let mut s = spread.clone().ok_or_else(|| crate::Error::Invalid("no fire to write".into()))?;
            s["notes"] = json!(notes);
            s
        }
        Some(d) => {
            let mut s = json!({
                "scenario": sc.path.as_ref().map(|p| p.display().to_string()),
                "name": sc.name,
                "debris": debris_json(d, m.seed),
                "notes": notes,
            });
            if let Some(sp) = &spread {
                s["spread"] = sp.clone();
            }
            s
        }
    };
    let sp = out.join("summary.json");
    io::write_text(&sp, &serde_json::to_string_pretty(&summary).unwrap_or_default())?;
    files.push(sp);
    if let Some(d) = &m.debris {
        let report = out.join("report.md");
        io::write_text(&report, &crate::run::report::report_md(p, m, d, spread.as_ref(), &notes))?;
        files.push(report);
    }
    Ok((files, summary))
}

fn debris_json(d: &MemberDebris, seed: u64) -> serde_json::Value {
    json!({
        "form": d.form,
        "fragments_on_landscape": d.field.fragments.len(),
        "fragments_off_landscape": d.field.off_landscape.len(),
        "expected_ignitions": d.expected_ignitions,
        "max_cell_ignition_probability": d.max_cell_probability,
        "seed": seed,
        "sampled_ignitions": d.ignitions.iter().map(|s| json!({"fragment": s.fragment, "x": s.x, "y": s.y, "t_min": s.t_min, "p_ignition": s.probability})).collect::<Vec<_>>(),
    })
}

/// Debris products: ignition probability and expected ignitions (nodata outside the landscape), the ignition
/// probability map, impacts.gpkg.
fn write_debris_products(p: &Prepared, d: &MemberDebris, out: &Path) -> Result<Vec<PathBuf>> {
    let ls = &p.landscape;
    let mut files = Vec::new();
    let maps = d.maps.as_ref().ok_or_else(|| crate::Error::Invalid("the member skipped its ignition maps".into()))?;
    let mut prob = maps.probability.clone();
    let mut expct = maps.expected.clone();
    for i in 0..ls.grid.len() {
        if ls.fuel[i] == crate::landscape::FUEL_NODATA {
            prob[i] = NODATA;
            expct[i] = NODATA;
        }
    }
    for (name, data, desc) in [
        ("ignition_probability", &prob, "probability of at least one ignition in the cell"),
        ("expected_ignitions", &expct, "expected number of ignitions in the cell"),
    ] {
        let f = out.join(format!("{name}.tif"));
        io::write_raster(&f, &ls.grid, data, desc, NODATA as f64, p.scenario.output.cog)?;
        files.push(f);
    }
    let png = out.join("ignition_probability.png");
    ignition_map(ls, &prob, &d.field).save_png(&png)?;
    files.push(png);
    let impacts = out.join("impacts.gpkg");
    let m1h = p.scenario.weather.base.moisture.dead_1h;
    write_impacts(&impacts, ls, &d.field, p.cell_ignition(), m1h, &p.scenario.ignition, &d.ignitions)?;
    files.push(impacts);
    Ok(files)
}

/// Map of the probability of at least one ignition per cell, with the impact points.
fn ignition_map(ls: &Landscape, prob: &[f32], field: &DebrisField) -> Canvas {
    let colors = render::ramp(colorous::YELLOW_ORANGE_RED, 5);
    let c = |k: usize, lo: f32, hi: f32, label: &str| LegendClass { lo, hi, color: colors[k], label: label.into() };
    let classes = vec![
        c(0, 1e-4, 0.01, "0.0001 \u{2013} 0.01"),
        c(1, 0.01, 0.05, "0.01 \u{2013} 0.05"),
        c(2, 0.05, 0.2, "0.05 \u{2013} 0.2"),
        c(3, 0.2, 0.5, "0.2 \u{2013} 0.5"),
        c(4, 0.5, f32::INFINITY, "> 0.5"),
    ];
    let points: Vec<(f64, f64)> = field.fragments.iter().map(|f| (f.x, f.y)).collect();
    let win = window_around(ls, prob, &points);
    let (grid, elevation, water) = cut(ls, win);
    let p = cut_raster(ls.grid.cols, win, prob);
    let mut cv = render_map(
        &grid,
        &elevation,
        &p,
        NODATA,
        &classes,
        "Probability of at least one ignition per cell; fragment impacts as dots",
        "P(ignition)",
        Some(&water),
    );
    let (ox, oy, scale) = map_layout(&grid);
    for f in &field.fragments {
        let (r, col) = grid.fractional_cell(f.x, f.y);
        if r >= 0.0 && col >= 0.0 && r < grid.rows as f64 && col < grid.cols as f64 {
            cv.set(ox + (col * scale) as i64, oy + (r * scale) as i64, [0, 0, 0]);
        }
    }
    cv
}

/// Where and when the fire went: the burned cell farthest from the ignitions' centroid (distance, azimuth,
/// arrival time) and the burned extent.
fn reach(ls: &Landscape, res: &SpreadResult, ign: &[SampledIgnition]) -> serde_json::Value {
    let n = ign.len().max(1) as f64;
    let (cx, cy) = (ign.iter().map(|i| i.x).sum::<f64>() / n, ign.iter().map(|i| i.y).sum::<f64>() / n);
    let g = &ls.grid;
    let (mut best, mut at) = (-1.0f64, None);
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for i in 0..g.len() {
        if let Some(t) = res.arrival(i) {
            let (x, y) = g.cell_center(i / g.cols, i % g.cols);
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            let d = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt();
            if d > best {
                best = d;
                at = Some((x, y, t));
            }
        }
    }
    match at {
        None => json!(null),
        Some((x, y, t)) => json!({
            "ignition_centroid": [cx, cy],
            "farthest_m": best,
            "farthest_azimuth_deg": (x - cx).atan2(y - cy).to_degrees().rem_euclid(360.0),
            "farthest_arrival_min": t,
            "burned_extent": [x0 - g.dx() / 2.0, y0 - g.dy() / 2.0, x1 + g.dx() / 2.0, y1 + g.dy() / 2.0],
        }),
    }
}

/// spot_fires.gpkg: layer `spot_fires`, one point per ember launched, at its landing point: launch and spot fire
/// times (min), source cell (raster index, row, column), downwind distance flown (m), ignition probability where it
/// landed, `ignited` (1 when it started a spot fire) and its fate (ignited, no_ignition, burned_out, off_landscape).
/// Written without a spatial index: GDAL 3.6 builds the GeoPackage R-tree one row at a time, 10 of the 12 s that the
/// 830 000 embers of a 10-day fire took to write; a GIS adds one on demand (README, Outputs).
fn write_spot_fires(path: &Path, ls: &Landscape, embers: &[crate::spread::spotting::Ember]) -> Result<()> {
    use gdal::vector::{FieldValue, Geometry, LayerAccess, LayerOptions};
    use gdal_sys::OGRFieldType;
    io::write_atomic(path, |tmp| {
        let drv = gdal::DriverManager::get_driver_by_name("GPKG")?;
        let mut ds = drv.create_vector_only(tmp)?;
        // One transaction: SQLite commits (and syncs) once, not once per feature.
        let mut txn = ds.start_transaction()?;
        let srs = crate::landscape::srs_from_wkt(&ls.grid.wkt)?;
        let layer = txn.create_layer(LayerOptions {
            name: "spot_fires",
            srs: Some(&srs),
            ty: gdal_sys::OGRwkbGeometryType::wkbPoint,
            // No R-tree (see above).
            options: Some(&["SPATIAL_INDEX=NO"]),
        })?;
        layer.create_defn_fields(&[
            ("launch_min", OGRFieldType::OFTReal),
            ("spot_min", OGRFieldType::OFTReal),
            ("source_cell", OGRFieldType::OFTInteger64),
            ("source_row", OGRFieldType::OFTInteger),
            ("source_col", OGRFieldType::OFTInteger),
            ("distance_m", OGRFieldType::OFTReal),
            ("ignition_probability", OGRFieldType::OFTReal),
            ("ignited", OGRFieldType::OFTInteger),
            ("fate", OGRFieldType::OFTString),
        ])?;
        let cols = ls.grid.cols;
        for e in embers {
            let mut feat = gdal::vector::Feature::new(layer.defn())?;
            let mut pt = Geometry::empty(gdal_sys::OGRwkbGeometryType::wkbPoint)?;
            pt.add_point_2d((e.x, e.y));
            feat.set_geometry(pt)?;
            feat.set_field_double(0, e.launch_min)?;
            feat.set_field_double(1, e.spot_min)?;
            feat.set_field(2, &FieldValue::Integer64Value(e.source_cell as i64))?;
            feat.set_field(3, &FieldValue::IntegerValue((e.source_cell / cols) as i32))?;
            feat.set_field(4, &FieldValue::IntegerValue((e.source_cell % cols) as i32))?;
            feat.set_field_double(5, e.distance_m)?;
            feat.set_field_double(6, e.ignition_probability)?;
            let ignited = e.fate == crate::spread::spotting::EmberFate::Ignited;
            feat.set_field(7, &FieldValue::IntegerValue(ignited as i32))?;
            feat.set_field_string(8, e.fate.name())?;
            feat.create(&layer)?;
        }
        txn.commit()?;
        ds.close()?;
        Ok(())
    })
}

/// impacts.gpkg: layer `impacts` (every fragment: id, material, thermal state, impact probability, ignition
/// probability where it lands) and layer `ignitions` (this realisation's).
fn write_impacts(
    path: &Path,
    ls: &Landscape,
    field: &DebrisField,
    ci: &CellIgnition,
    m1h: f64,
    p: &IgnitionParams,
    ign: &[SampledIgnition],
) -> Result<()> {
    use gdal::vector::{FieldValue, Geometry, LayerAccess, LayerOptions};
    use gdal_sys::OGRFieldType;
    io::write_atomic(path, |tmp| {
        let drv = gdal::DriverManager::get_driver_by_name("GPKG")?;
        let mut ds = drv.create_vector_only(tmp)?;
        // One transaction: SQLite commits (and syncs) once, not once per feature.
        let mut txn = ds.start_transaction()?;
        let srs = crate::landscape::srs_from_wkt(&ls.grid.wkt)?;
        let g = &ls.grid;
        {
            let layer = txn.create_layer(LayerOptions {
                name: "impacts",
                srs: Some(&srs),
                ty: gdal_sys::OGRwkbGeometryType::wkbPoint,
                // No R-tree: a fragment list may hold a million rows (see write_spot_fires).
                options: Some(&["SPATIAL_INDEX=NO"]),
            })?;
            layer.create_defn_fields(&[
                ("id", OGRFieldType::OFTString),
                ("material", OGRFieldType::OFTString),
                ("burning", OGRFieldType::OFTInteger),
                ("temperature_c", OGRFieldType::OFTReal),
                ("mass_kg", OGRFieldType::OFTReal),
                ("size_m", OGRFieldType::OFTReal),
                ("impact_probability", OGRFieldType::OFTReal),
                ("impact_time_s", OGRFieldType::OFTReal),
                ("ignition_probability", OGRFieldType::OFTReal),
                ("burn_time_s", OGRFieldType::OFTReal),
            ])?;
            for f in &field.fragments {
                let (fr, fc) = g.fractional_cell(f.x, f.y);
                let pi = if fr >= 0.0 && fc >= 0.0 && fr < g.rows as f64 && fc < g.cols as f64 {
                    let i = fr as usize * g.cols + fc as usize;
                    if ci.can_ignite[i] {
                        ignition::fragment_ignition_probability(p, f, ci.fuel_temp_c[i] as f64, m1h)
                    } else {
                        0.0
                    }
                } else {
                    0.0
                };
                let mut feat = gdal::vector::Feature::new(layer.defn())?;
                let mut pt = Geometry::empty(gdal_sys::OGRwkbGeometryType::wkbPoint)?;
                pt.add_point_2d((f.x, f.y));
                feat.set_geometry(pt)?;
                let (burning, temp, burn) = match f.thermal {
                    ThermalState::Burning { burn_time_s } => (1, f64::NAN, burn_time_s),
                    ThermalState::Hot { temperature_c } => (0, temperature_c, f64::NAN),
                };
                feat.set_field_string(0, &f.id)?;
                feat.set_field_string(1, f.material.name())?;
                feat.set_field(2, &FieldValue::IntegerValue(burning))?;
                if temp.is_finite() {
                    feat.set_field_double(3, temp)?;
                }
                feat.set_field_double(4, f.mass_kg)?;
                feat.set_field_double(5, f.size_m)?;
                feat.set_field_double(6, f.impact_probability)?;
                feat.set_field_double(7, f.impact_time_s)?;
                feat.set_field_double(8, pi)?;
                if burn.is_finite() {
                    feat.set_field_double(9, burn)?;
                }
                feat.create(&layer)?;
            }
        }
        {
            let layer = txn.create_layer(LayerOptions {
                name: "ignitions",
                srs: Some(&srs),
                ty: gdal_sys::OGRwkbGeometryType::wkbPoint,
                options: None,
            })?;
            layer.create_defn_fields(&[
                ("fragment", OGRFieldType::OFTString),
                ("time_min", OGRFieldType::OFTReal),
                ("ignition_probability", OGRFieldType::OFTReal),
            ])?;
            for s in ign {
                let mut feat = gdal::vector::Feature::new(layer.defn())?;
                let mut pt = Geometry::empty(gdal_sys::OGRwkbGeometryType::wkbPoint)?;
                pt.add_point_2d((s.x, s.y));
                feat.set_geometry(pt)?;
                feat.set_field_string(0, &s.fragment)?;
                feat.set_field_double(1, s.t_min)?;
                feat.set_field_double(2, s.probability)?;
                feat.create(&layer)?;
            }
        }
        txn.commit()?;
        ds.close()?;
        Ok(())
    })
}
