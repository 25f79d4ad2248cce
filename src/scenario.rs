//! Scenario runs: one TOML file holds a whole run (landscape, weather, debris field, ignition parameters,
//! spread, outputs, seed); [`run`] goes debris -> ignition -> spread and writes every product with
//! summary.json and report.md. Relative paths resolve from the scenario file's folder. See README.md.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::json;

use crate::behavior::{Cells, Weather, WindHeight, NODATA};
use crate::debris::{self, BreakUp, DebrisField, FragmentClass, FragmentClassSpec, ThermalState, WindLayer};
use crate::error::{Error, Result};
use crate::gpu::{Backend, Engine};
use crate::ignition::{self, CellIgnition, IgnitionParams, SampledIgnition};
use crate::landscape::{Landscape, LandscapeSpec};
use crate::output;
use crate::spread::sources::{Shape, Source};
use crate::spread::{self, SpreadOptions};
use crate::surface::{Moisture, SurfaceOptions};
use crate::weather::WeatherStream;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub seed: u64,
    #[serde(default)]
    pub backend: Option<String>,
    /// As the command-line landscape arguments; `slope_units` is "degrees" or "percent".
    pub landscape: LandscapeSpec,
    pub weather: WeatherTable,
    pub debris: DebrisTable,
    #[serde(default)]
    pub ignition: IgnitionParams,
    pub spread: SpreadTable,
    pub output: OutputTable,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeatherTable {
    /// 1-h, 10-h, 100-h, live herbaceous, live woody, percent.
    pub moisture_pct: [f64; 5],
    #[serde(default)]
    pub wind_speed_kmh: f64,
    #[serde(default)]
    pub wind_from_deg: f64,
    #[serde(default = "default_height")]
    pub wind_height: WindHeight,
    #[serde(default = "default_air")]
    pub air_temp_c: f64,
    /// Weather stream CSV (see README), replacing the constant wind.
    #[serde(default)]
    pub stream: Option<PathBuf>,
}

fn default_height() -> WindHeight {
    WindHeight::TwentyFt
}
fn default_air() -> f64 {
    20.0
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct DebrisTable {
    /// Form 1: fragment list (CSV or vector file).
    pub fragments: Option<PathBuf>,
    /// Form 2: impact raster, with `raster_values` "probability" (default) or "expected_count" and a
    /// `default_fragment` class.
    pub raster: Option<PathBuf>,
    pub raster_values: Option<String>,
    pub default_fragment: Option<FragmentClassSpec>,
    /// Form 3: failure event with its fragment classes and winds aloft.
    pub event: Option<BreakUp>,
    #[serde(default)]
    pub class: Vec<FragmentClass>,
    #[serde(default)]
    pub winds_aloft: Vec<WindLayer>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpreadTable {
    pub duration: String,
    #[serde(default = "default_interval")]
    pub isochrone_interval: String,
    #[serde(default = "default_tol")]
    pub tolerance: f32,
    #[serde(default = "default_true")]
    pub wind_limit: bool,
}

fn default_interval() -> String {
    "1h".into()
}
fn default_tol() -> f32 {
    0.05
}
fn default_true() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputTable {
    pub dir: PathBuf,
    #[serde(default)]
    pub cog: bool,
}

impl Scenario {
    /// Read and check a scenario file; relative paths become relative to its folder.
    pub fn load(path: &Path) -> Result<Scenario> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let mut s: Scenario =
            toml::from_str(&text).map_err(|e| Error::input(path.display(), e.to_string().trim_end()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let fix = |p: &mut Option<PathBuf>| {
            if let Some(q) = p.as_mut() {
                if q.is_relative() {
                    *q = base.join(&*q);
                }
            }
        };
        let l = &mut s.landscape;
        for p in [
            &mut l.lcp,
            &mut l.elevation,
            &mut l.fuel,
            &mut l.slope,
            &mut l.aspect,
            &mut l.canopy_cover,
            &mut l.canopy_height,
            &mut l.canopy_base_height,
            &mut l.canopy_bulk_density,
            &mut l.fuel_models,
        ] {
            fix(p);
        }
        fix(&mut s.weather.stream);
        fix(&mut s.debris.fragments);
        fix(&mut s.debris.raster);
        if s.output.dir.is_relative() {
            s.output.dir = base.join(&s.output.dir);
        }
        let forms = [s.debris.fragments.is_some(), s.debris.raster.is_some(), s.debris.event.is_some()];
        if forms.iter().filter(|&&b| b).count() != 1 {
            return Err(Error::input(
                path.display(),
                "[debris]: give exactly one of `fragments` (a fragment list), `raster` (an impact raster) or `event` (a failure event)",
            ));
        }
        if s.debris.event.is_some() && s.debris.class.is_empty() {
            return Err(Error::input(path.display(), "[debris]: a failure event needs at least one [[debris.class]]"));
        }
        if s.debris.raster.is_some() && s.debris.default_fragment.is_none() {
            return Err(Error::input(path.display(), "[debris]: an impact raster needs a [debris.default_fragment]"));
        }
        if s.landscape.lcp.is_none() && (s.landscape.elevation.is_none() || s.landscape.fuel.is_none()) {
            return Err(Error::input(path.display(), "[landscape]: give `lcp`, or `elevation` and `fuel`"));
        }
        Ok(s)
    }
}

/// What a run produced.
pub struct RunReport {
    pub out_dir: PathBuf,
    pub files: Vec<PathBuf>,
    pub ignitions: Vec<SampledIgnition>,
    pub summary: serde_json::Value,
}

/// Command-line overrides of a scenario.
#[derive(Default)]
pub struct Overrides {
    pub backend: Option<Backend>,
    pub out_dir: Option<PathBuf>,
    pub seed: Option<u64>,
}

fn parse_backend(s: &str) -> Result<Backend> {
    use clap::ValueEnum;
    Backend::from_str(s, true).map_err(|_| Error::Invalid(format!("backend `{s}`: use auto, gpu, vulkan, gl or cpu")))
}

/// Run a scenario file end to end.
pub fn run(path: &Path, ov: &Overrides, log: &mut dyn FnMut(&str)) -> Result<RunReport> {
    let sc = Scenario::load(path)?;
    let key = |k: &str, msg: String| Error::input(path.display(), format!("{k}: {msg}"));
    let backend = match (ov.backend, &sc.backend) {
        (Some(b), _) => b,
        (None, Some(s)) => parse_backend(s).map_err(|e| key("backend", e.to_string()))?,
        (None, None) => Backend::Auto,
    };
    let seed = ov.seed.unwrap_or(sc.seed);
    let out = ov.out_dir.clone().unwrap_or_else(|| sc.output.dir.clone());
    let engine = Engine::select(backend)?;
    log(&format!("backend: {}", engine.name()));
    let mut ls = Landscape::load(&sc.landscape)?;
    ls.ensure_terrain(&engine)?;
    let cells = Cells::from_landscape(&ls)?;
    let mut notes: Vec<String> = ls.notes.clone();
    // Weather.
    let w = &sc.weather;
    for (i, m) in w.moisture_pct.iter().enumerate() {
        let max = if i < 3 { 100.0 } else { 400.0 };
        if !(*m >= if i < 3 { 1.0 } else { 0.0 } && *m <= max) {
            return Err(key("weather.moisture_pct", format!("{m} % (entry {}) is implausible", i + 1)));
        }
    }
    if !(0.0..=300.0).contains(&w.wind_speed_kmh) {
        return Err(key("weather.wind_speed_kmh", format!("{} must be 0..300", w.wind_speed_kmh)));
    }
    if !(-60.0..=60.0).contains(&w.air_temp_c) {
        return Err(key("weather.air_temp_c", format!("{} C is implausible", w.air_temp_c)));
    }
    let base = Weather {
        moisture: Moisture::from_percent(w.moisture_pct),
        wind_speed_m_per_min: w.wind_speed_kmh * 1000.0 / 60.0,
        wind_from_deg: w.wind_from_deg.rem_euclid(360.0),
        wind_height: w.wind_height,
    };
    let stream = match &w.stream {
        Some(p) => WeatherStream::from_csv(p, &base)?,
        None => WeatherStream::constant(base),
    };
    let duration = crate::cli::parse_duration_min(&sc.spread.duration, "spread.duration")?;
    let interval = crate::cli::parse_duration_min(&sc.spread.isochrone_interval, "spread.isochrone_interval")?;
    // Debris.
    let d = &sc.debris;
    let (form, field): (&str, DebrisField) = if let Some(f) = &d.fragments {
        ("fragment list", debris::read_fragments(f, &ls.grid)?)
    } else if let Some(r) = &d.raster {
        let expected = match d.raster_values.as_deref().unwrap_or("probability") {
            "probability" => false,
            "expected_count" => true,
            o => return Err(key("debris.raster_values", format!("`{o}`: use \"probability\" or \"expected_count\""))),
        };
        ("impact raster", debris::read_impact_raster(r, expected, d.default_fragment.as_ref().unwrap(), &ls)?)
    } else {
        let ev = d.event.as_ref().unwrap();
        ("failure event", debris::fly_event(ev, &d.class, &d.winds_aloft, &ls, seed)?)
    };
    notes.extend(field.notes.iter().cloned());
    for n in &field.notes {
        log(&format!("note: {n}"));
    }
    let mut params = sc.ignition;
    params.air_temp_c = w.air_temp_c;
    let m1h = w.moisture_pct[0] / 100.0;
    let extrapolated = field
        .fragments
        .iter()
        .filter(|f| matches!(f.thermal, ThermalState::Hot { .. }) && !(0.006..=0.014).contains(&f.size_m))
        .count();
    if extrapolated > 0 {
        notes.push(format!(
            "{extrapolated} hot fragments lie outside the 6-14 mm range of the hot-particle relation (extrapolated)"
        ));
    }
    // Ignition maps and one realisation.
    let ci = CellIgnition::new(&ls, &cells, m1h, &params);
    let maps = ignition::maps(&engine, &ls.grid, &ci, &field.fragments, m1h, &params)?;
    let mut files = Vec::new();
    let nod = NODATA as f64;
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
        let p = out.join(format!("{name}.tif"));
        output::write_raster(&p, &ls.grid, data, desc, nod, sc.output.cog)?;
        files.push(p);
    }
    let png = out.join("ignition_probability.png");
    ignition_map(&ls, &prob, &field).save_png(&png)?;
    files.push(png);
    let ign = ignition::sample(&ls.grid, &ci, &field.fragments, m1h, &params, seed);
    let impacts = out.join("impacts.gpkg");
    write_impacts(&impacts, &ls, &field, &ci, m1h, &params, &ign)?;
    files.push(impacts);
    let expected_total: f64 = maps.expected.iter().map(|&v| v as f64).sum();
    log(&format!(
        "debris ({form}): {} fragments on the landscape, {} off it; expected ignitions {expected_total:.2}; this realisation (seed {seed}): {} ignitions",
        field.fragments.len(),
        field.off_landscape.len(),
        ign.len()
    ));
    let debris_json = json!({
        "form": form,
        "fragments_on_landscape": field.fragments.len(),
        "fragments_off_landscape": field.off_landscape.len(),
        "expected_ignitions": expected_total,
        "max_cell_ignition_probability": maps.probability.iter().copied().fold(0f32, f32::max),
        "seed": seed,
        "sampled_ignitions": ign.iter().map(|s| json!({"fragment": s.fragment, "x": s.x, "y": s.y, "t_min": s.t_min, "p_ignition": s.probability})).collect::<Vec<_>>(),
    });
    // Spread.
    let sources: Vec<Source> = ign.iter().map(|s| Source { shape: Shape::Point(s.x, s.y), t_min: s.t_min }).collect();
    let mut summary =
        json!({ "scenario": path.display().to_string(), "name": sc.name, "debris": debris_json, "notes": notes });
    let spread_summary = if sources.is_empty() {
        log("no fragment ignited the landscape in this realisation: no fire to spread");
        None
    } else {
        let wind_grids = match &w.stream {
            Some(p) => crate::weather::wind_grids_from_csv(p, &ls.grid)?,
            None => Vec::new(),
        };
        let opts = SpreadOptions {
            duration_min: duration,
            tolerance: sc.spread.tolerance,
            surface: SurfaceOptions { wind_limit: sc.spread.wind_limit },
            wind_grids,
        };
        let mut progress = crate::cli::Progress::new();
        let res = spread::simulate(&engine, &ls, &cells, &sources, &stream, &opts, &mut |t, d| progress.update(t, d))?;
        let extra = json!({ "weather_periods": stream.periods.len(), "isochrone_interval_min": interval });
        let (f, mut s) =
            crate::products::write_spread_products(&ls, &res, &sources, interval, &out, sc.output.cog, extra)?;
        files.extend(f);
        s["reach"] = reach(&ls, &res, &ign);
        Some(s)
    };
    if let Some(s) = &spread_summary {
        summary["spread"] = s.clone();
    }
    let sp = out.join("summary.json");
    output::write_text(&sp, &serde_json::to_string_pretty(&summary).unwrap())?;
    if !files.contains(&sp) {
        files.push(sp);
    }
    let report = out.join("report.md");
    output::write_text(
        &report,
        &report_md(&sc, path, &ls, form, &field, expected_total, &ign, seed, spread_summary.as_ref(), &notes),
    )?;
    files.push(report);
    Ok(RunReport { out_dir: out, files, ignitions: ign, summary })
}

/// Map of the probability of at least one ignition per cell, with the impact points.
fn ignition_map(ls: &Landscape, prob: &[f32], field: &DebrisField) -> output::Canvas {
    let c = |lo: f32, hi: f32, color: [u8; 3], label: &str| output::LegendClass { lo, hi, color, label: label.into() };
    let classes = vec![
        c(1e-4, 0.01, [255, 255, 178], "0.0001 - 0.01"),
        c(0.01, 0.05, [254, 204, 92], "0.01 - 0.05"),
        c(0.05, 0.2, [253, 141, 60], "0.05 - 0.2"),
        c(0.2, 0.5, [240, 59, 32], "0.2 - 0.5"),
        c(0.5, f32::INFINITY, [189, 0, 38], "> 0.5"),
    ];
    let points: Vec<(f64, f64)> = field.fragments.iter().map(|f| (f.x, f.y)).collect();
    let win = crate::products::window_around(ls, prob, &points);
    let (grid, elevation, water) = crate::products::cut(ls, win);
    let p = crate::products::cut_raster(ls.grid.cols, win, prob);
    let mut cv = output::render_map(
        &grid,
        &elevation,
        &p,
        NODATA,
        &classes,
        "IGNITION PROBABILITY, IMPACTS AS DOTS",
        Some(&water),
    );
    let (ox, oy, scale) = output::map_layout(&grid);
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
fn reach(ls: &Landscape, res: &crate::spread::SpreadResult, ign: &[SampledIgnition]) -> serde_json::Value {
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
    output::write_atomic(path, |tmp| {
        let drv = gdal::DriverManager::get_driver_by_name("GPKG")?;
        let mut ds = drv.create_vector_only(tmp)?;
        let srs = crate::landscape::srs_from_wkt(&ls.grid.wkt)?;
        let g = &ls.grid;
        {
            let layer = ds.create_layer(LayerOptions {
                name: "impacts",
                srs: Some(&srs),
                ty: gdal_sys::OGRwkbGeometryType::wkbPoint,
                options: None,
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
            let layer = ds.create_layer(LayerOptions {
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
        ds.close()?;
        Ok(())
    })
}

#[allow(clippy::too_many_arguments)]
fn report_md(
    sc: &Scenario,
    path: &Path,
    ls: &Landscape,
    form: &str,
    field: &DebrisField,
    expected: f64,
    ign: &[SampledIgnition],
    seed: u64,
    spread: Option<&serde_json::Value>,
    notes: &[String],
) -> String {
    let g = &ls.grid;
    let mut s = String::new();
    s += &format!("# {}\n\n", sc.name.clone().unwrap_or_else(|| "Emberfall scenario run".into()));
    if let Some(d) = &sc.description {
        s += &format!("{d}\n\n");
    }
    s += "## Inputs\n\n";
    s += &format!("- Scenario: `{}`; seed {seed}\n", path.display());
    s += &format!("- Landscape: {} x {} cells of {} m, {}\n", g.rows, g.cols, g.dx(), g.crs_name());
    let w = &sc.weather;
    s += &format!(
        "- Weather: moisture {:?} % (1-h, 10-h, 100-h, herb, woody), wind {} km/h ({}) from {} deg, air {} C{}\n",
        w.moisture_pct,
        w.wind_speed_kmh,
        w.wind_height.label(),
        w.wind_from_deg,
        w.air_temp_c,
        w.stream.as_ref().map(|p| format!(", stream {}", p.display())).unwrap_or_default()
    );
    s += &format!(
        "- Debris ({form}): {} fragments on the landscape, {} off it\n",
        field.fragments.len(),
        field.off_landscape.len()
    );
    s += "\n## Ignition\n\n";
    s += &format!(
        "Expected ignitions over the landscape: {expected:.2}. This realisation: {} ignitions.\n\n",
        ign.len()
    );
    if !ign.is_empty() {
        s += "| fragment | x | y | time (min) | P(ignition) |\n| --- | --- | --- | --- | --- |\n";
        for i in ign.iter().take(30) {
            s += &format!("| {} | {:.1} | {:.1} | {:.2} | {:.3} |\n", i.fragment, i.x, i.y, i.t_min, i.probability);
        }
        if ign.len() > 30 {
            s += &format!("| ... {} more | | | | |\n", ign.len() - 30);
        }
    }
    s += "\nMaps: `ignition_probability.tif`, `expected_ignitions.tif`, `impacts.gpkg` (layers `impacts`, `ignitions`).\n\n";
    s += "![ignition probability](ignition_probability.png)\n\n";
    s += "## Fire\n\n";
    match spread {
        None => s += "No ignition in this realisation: no fire.\n",
        Some(sp) => {
            s += "| time (h) | burned area (ha) | perimeter (m) |\n| --- | --- | --- |\n";
            if let Some(isos) = sp["isochrones"].as_array() {
                for i in isos {
                    s += &format!(
                        "| {:.2} | {:.2} | {:.0} |\n",
                        i["time_min"].as_f64().unwrap_or(0.0) / 60.0,
                        i["area_ha"].as_f64().unwrap_or(0.0),
                        i["perimeter_m"].as_f64().unwrap_or(0.0)
                    );
                }
            }
            s += &format!(
                "\nMaximum spread rate {:.1} m/min, fireline intensity {:.0} kW/m, flame length {:.1} m. Run on {} in {:.2} s.\n\n",
                sp["max_ros_m_per_min"].as_f64().unwrap_or(0.0),
                sp["max_fireline_intensity_kw_per_m"].as_f64().unwrap_or(0.0),
                sp["max_flame_length_m"].as_f64().unwrap_or(0.0),
                sp["backend"].as_str().unwrap_or("?"),
                sp["run_time_s"].as_f64().unwrap_or(0.0)
            );
            let r = &sp["reach"];
            if let (Some(d), Some(az), Some(t)) =
                (r["farthest_m"].as_f64(), r["farthest_azimuth_deg"].as_f64(), r["farthest_arrival_min"].as_f64())
            {
                s += &format!(
                    "Where and when: the fire reached {d:.0} m from the ignitions' centroid toward {az:.0} deg (azimuth) \
                     after {t:.0} min; burned extent {:?} (landscape CRS). Map `arrival_time.png`, arrival times \
                     `arrival_time_min.tif`, perimeters `isochrones.gpkg`.\n\n",
                    r["burned_extent"].as_array().map(|a| a.iter().map(|v| v.as_f64().unwrap_or(0.0).round()).collect::<Vec<_>>()).unwrap_or_default()
                );
            }
            s += "![arrival time](arrival_time.png)\n";
        }
    }
    if !notes.is_empty() {
        s += "\n## Notes\n\n";
        for n in notes {
            s += &format!("- {n}\n");
        }
    }
    s
}
