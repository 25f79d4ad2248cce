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

pub mod assets;
mod debris;
pub mod field_package;
pub mod gis;
mod map;

pub use debris::ignition_classes;
use debris::*;
pub use map::{arrival_classes as map_arrival_classes, arrival_map, cut, cut_raster, window_around, ArrivalOverlay};

/// The fire types at arrival (FlamMap's codes) with their names and colours: crown_fire_type.tif's categories and
/// its QGIS style.
pub const FIRE_TYPES: [io::Category<'static>; 3] = [
    io::Category { value: 1, name: "surface fire", rgb: [250, 210, 110] },
    io::Category { value: 2, name: "passive crown fire (torching)", rgb: [240, 120, 40] },
    io::Category { value: 3, name: "active crown fire", rgb: [170, 20, 20] },
];

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
    sc: &crate::run::scenario::Scenario,
    out: &Path,
    overlay: &ArrivalOverlay,
    phases: &mut Phases,
) -> Result<SpreadProducts> {
    let grid = &ls.grid;
    let (interval_min, cog) = (sc.spread.isochrone_interval_min, sc.output.cog);
    let r =
        phases.run("front-passage behaviour", "front-passage behaviour of the burned cells", || Ok(res.rasters()))?;
    let rasters: Vec<(PathBuf, &[f32], &str)> = [
        ("arrival_time_min", &r.arrival_min, "arrival time, minutes since the start of the run"),
        ("ros_m_per_min", &r.ros_m_per_min, "spread rate in the direction of travel at front passage, m/min"),
        ("fireline_intensity_kw_per_m", &r.intensity_kw_per_m, "fireline intensity at front passage, kW/m"),
        ("flame_length_m", &r.flame_length_m, "flame length at front passage, m"),
        ("spread_direction_deg", &r.direction_deg, "direction of travel of the front, azimuth degrees"),
    ]
    .into_iter()
    .map(|(name, data, desc)| (out.join(format!("{name}.tif")), data.as_slice(), desc))
    .collect();
    phases.run("rasters", &format!("{} rasters", rasters.len()), || {
        io::write_rasters(grid, &rasters, NODATA as f64, cog)
    })?;
    let mut files: Vec<PathBuf> = rasters.iter().map(|r| r.0.clone()).collect();
    // The fire type at arrival: a Byte raster of FlamMap's codes with their names and colours.
    let crown = out.join("crown_fire_type.tif");
    phases.run("rasters", "crown_fire_type.tif", || {
        io::write_categories(&crown, grid, &r.fire_type, "fire type at arrival (FlamMap codes)", &FIRE_TYPES, cog)
    })?;
    files.push(crown);
    let times = isochrone_times(res.duration_min, interval_min);
    let isos: Vec<Isochrone> = phases.run("isochrones", &format!("tracing {} isochrones", times.len()), || {
        isochrone::trace(grid, &r.arrival_contour_min, NODATA, &times)
    })?;
    let (gpkg, geojson) = (out.join("isochrones.gpkg"), out.join("isochrones.geojson"));
    let start = overlay.start;
    phases.run("isochrone files", "writing isochrones.gpkg", || isochrone::write_gpkg(&gpkg, grid, &isos, start))?;
    phases.run("isochrone files", "writing isochrones.geojson", || {
        isochrone::write_geojson(&geojson, grid, &isos, start)
    })?;
    files.extend([gpkg, geojson]);
    let png = out.join("arrival_time.png");
    phases.run("map", "the arrival-time map", || {
        arrival_map(ls, res, &r, sources, interval_min, overlay).save_png(&png)
    })?;
    files.push(png);
    Ok(SpreadProducts { files, isochrones: isos, window: map::map_window(ls, &r, sources, overlay) })
}

/// What [`write_spread_products`] wrote: its files, the isochrones, the arrival map's window.
pub struct SpreadProducts {
    pub files: Vec<PathBuf>,
    pub isochrones: Vec<Isochrone>,
    pub window: map::Window,
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
    start: Option<&crate::run::start::StartTime>,
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
            let mut v = json!({
                "time_min": a.time_min,
                "area_ha": iso.area_m2 / M2_PER_HA,
                "cells_burned": a.cells_burned,
                "cells_area_ha": a.cells_area_ha,
                "crown_fire_area_ha": a.crown_area_ha,
                "crown_fire_cells": a.crown_cells,
                "active_crown_fire_cells": a.active_crown_cells,
                "perimeter_m": iso.perimeter_m,
            });
            if let Some(s) = start {
                v["time_local"] = json!(s.local_iso(a.time_min));
                v["time_utc"] = json!(s.utc_iso(a.time_min));
            }
            v
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
            // The window read (paging): the rasters' rows and columns above are its.
            "read_window": ls.paged.as_ref().map(|p| json!({
                "col0": p.window.col0,
                "row0": p.window.row0,
                "cols": p.window.cols,
                "rows": p.window.rows,
                "landscape_cols": p.full.cols,
                "landscape_rows": p.full.rows,
            })),
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
        "device_tiles": fs.device_tiles,
        "spotting": fs.spotting,
        "run": extra,
        "files": files.iter().filter_map(|f| f.file_name()).map(|f| f.to_string_lossy().into_owned()).collect::<Vec<_>>(),
    })
}

/// Every product of one member into `out`: debris products (ignition probability and expected ignitions
/// rasters, map, impacts.gpkg) when the run has debris, the spread products when there is a fire, summary.json,
/// and report.md for debris runs. Returns the files and the summary.
/// The dead fuel moistures of every weather period of a member, in percent. Where they vary across the landscape
/// (terrain conditioning, initial moistures per fuel model) one raster per period on burnable cells,
/// `moisture/dead_moisture_t{MIN}min.tif` (MIN the period's start, clock minutes from the start of the run; bands
/// 1-h, 10-h and 100-h); where every cell has the same (station conditioning of one series), one row per period in
/// `moisture/dead_moisture.csv` (no constant rasters).
fn write_moisture_rasters(p: &Prepared, m: &MemberResult, out: &Path) -> Result<Vec<PathBuf>> {
    let dir = out.join("moisture");
    std::fs::create_dir_all(&dir).map_err(|e| crate::error::Error::io(&dir, e))?;
    let grid = &p.landscape.grid;
    let own = std::ptr::eq(&m.stream, &p.stream) || m.stream == p.stream;
    let classes_of = |k: usize| if own { p.moisture_grids.get(k).and_then(|g| g.as_deref()) } else { None };
    let clock = |start_min: f64| p.clock.as_ref().map_or(start_min, |c| c.to_clock(start_min));
    if (0..m.stream.periods.len()).all(|k| classes_of(k).is_none()) {
        let path = dir.join("dead_moisture.csv");
        let start = p.start.as_ref();
        let rows: Vec<Vec<String>> = m
            .stream
            .periods
            .iter()
            .map(|period| {
                let t = clock(period.start_min);
                let w = &period.weather.moisture;
                vec![
                    format!("{t}"),
                    start.map(|s| s.local_iso(t)).unwrap_or_default(),
                    start.and_then(|s| s.utc_iso(t)).unwrap_or_default(),
                    format!("{}", pct_from_frac(w.dead_1h)),
                    format!("{}", pct_from_frac(w.dead_10h)),
                    format!("{}", pct_from_frac(w.dead_100h)),
                ]
            })
            .collect();
        let header = ["period_start_min", "time_local", "time_utc", "m1h_pct", "m10h_pct", "m100h_pct"];
        io::write_csv(&path, &header, &rows)?;
        return Ok(vec![path]);
    }
    let mut files = Vec::new();
    for (k, period) in m.stream.periods.iter().enumerate() {
        let classes = classes_of(k);
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
        let t = clock(period.start_min);
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
    let start = p.start.as_ref();
    let burnable = crate::spread::burnable_mask(&p.cells);
    let arrivals = assets::arrivals(&p.assets, &ls.grid, m.fire.as_ref(), &burnable, start);
    if !arrivals.is_empty() {
        let path = out.join("assets.csv");
        let rows: Vec<Vec<String>> = arrivals.iter().map(|a| a.row()).collect();
        phases.run("assets", "assets.csv", || io::write_csv(&path, &assets::ASSET_COLUMNS, &rows))?;
        files.push(path);
    }
    let mut window = None;
    let spread = match (&m.fire, &m.summary) {
        (Some(res), Some(fs)) => {
            let overlay = ArrivalOverlay {
                features: p
                    .assets
                    .iter()
                    .zip(&arrivals)
                    .map(|(a, arr)| crate::run::render::overlay::MapFeature {
                        label: arr.label(start),
                        lines: &a.lines,
                        points: &a.points,
                    })
                    .collect(),
                spot_fires: m.spotting.as_ref().map_or_else(Vec::new, |s| {
                    s.embers
                        .iter()
                        .filter(|e| e.fate == crate::spread::spotting::EmberFate::Ignited)
                        .map(|e| (e.x, e.y))
                        .collect()
                }),
                start,
                extent: sc.output.map_extent,
            };
            let SpreadProducts { files: f, isochrones: isos, window: win } =
                write_spread_products(ls, res, &m.sources, sc, out, &overlay, phases)?;
            files.extend(f);
            window = Some(win);
            let kmz = out.join("field_package.kmz");
            let ignitions: Vec<(f64, f64, f64)> =
                m.sources.iter().filter_map(|s| map::marker(s).map(|(x, y)| (x, y, s.t_min))).collect();
            phases.run("field package", "field_package.kmz", || {
                field_package::write_kmz(&kmz, &ls.grid, &isos, &p.assets, &arrivals, &ignitions, start)
            })?;
            files.push(kmz);
            let isos: Vec<IsochroneFigures> = isos
                .iter()
                .map(|i| IsochroneFigures { time_min: i.time_min, area_m2: i.area_m2, perimeter_m: i.perimeter_m })
                .collect();
            if let Some(sp) = &m.spotting {
                let path = out.join("spot_fires.gpkg");
                phases.run("spot fires", &format!("spot_fires.gpkg ({} embers)", sp.embers.len()), || {
                    write_spot_fires(&path, ls, &sp.embers)
                })?;
                files.push(path);
            }
            let mut listed = files.clone();
            listed.extend(["summary.json", "report.md", "report.html"].map(|f| out.join(f)));
            let mut s = spread_summary_json(ls, start, fs, m.sources.len(), &isos, &listed, extra);
            if let Some(d) = &m.debris {
                s["reach"] = reach(ls, res, &d.ignitions);
            }
            Some(s)
        }
        _ => None,
    };
    // For GIS: styles, the mapped window's hillshade, the assets and the QGIS project.
    let win = window.unwrap_or((0, 0, ls.grid.rows, ls.grid.cols));
    let clock_labels = start.is_some();
    let gis = phases
        .run("gis", "QGIS project run.qgz", || gis::write_run_gis(ls, &p.assets, out, &files, win, clock_labels, sc))?;
    files.extend(gis);
    let mut summary = match &m.debris {
        None => {
            let mut s = spread.clone().ok_or_else(|| crate::Error::Internal("no fire to write".into()))?;
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
    // Every file the run writes, the GIS ones too (the fire's summary lists them).
    let names = |fs: &[PathBuf]| -> Vec<String> {
        fs.iter().filter_map(|f| f.file_name()).map(|f| f.to_string_lossy().into_owned()).collect()
    };
    let mut all = names(&files);
    all.extend(["summary.json", "report.md", "report.html"].map(String::from));
    let fire = if summary.get("spread").is_some() { &mut summary["spread"] } else { &mut summary };
    if let Some(f) = fire.get_mut("files") {
        *f = json!(all);
    }
    if let Some(s) = start {
        summary["start"] = json!({"local": s.local_iso(0.0), "utc": s.utc_iso(0.0), "from": s.from});
    }
    if !arrivals.is_empty() {
        summary["assets"] = json!(arrivals);
    }
    let sp = out.join("summary.json");
    io::write_text(&sp, &serde_json::to_string_pretty(&summary).unwrap_or_default())?;
    files.push(sp);
    // The report (Markdown, and HTML with its maps embedded): every run's, with or without debris.
    let md = crate::run::report::report_md(p, m, spread.as_ref(), &arrivals, &notes)?;
    let report = out.join("report.md");
    io::write_text(&report, &md)?;
    let title = sc.name.clone().unwrap_or_else(|| "Emberfall run".into());
    let html = out.join("report.html");
    io::write_text(&html, &crate::run::report::report_html(&md, &title, out)?)?;
    files.extend([report, html]);
    Ok((files, summary))
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
