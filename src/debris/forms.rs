//! The first two forms of a debris field: fragment lists (CSV or any vector file GDAL reads) and impact rasters
//! (probability or expected count per cell, with a default fragment class). Errors name the file, row and field.

use std::path::Path;

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::vector::LayerAccess;
use gdal::Dataset;

use super::{DebrisField, Footprint, Fragment, FragmentClassSpec, Material, ThermalState};
use crate::error::{Error, Result};
use crate::landscape::{srs_from_wkt, Grid, Landscape};

/// Looks a field of a record up by name.
type Getter<'a> = Box<dyn Fn(&str) -> Option<String> + 'a>;

/// Named values of one record (CSV row or vector feature), for checked parsing with row and field in errors.
struct Record<'a> {
    file: &'a Path,
    row: String,
    get: Getter<'a>,
}

impl Record<'_> {
    fn err(&self, field: &str, msg: impl std::fmt::Display) -> Error {
        Error::input(self.file.display(), format!("{}, field `{field}`: {msg}", self.row))
    }
    fn opt_f64(&self, field: &str) -> Result<Option<f64>> {
        match (self.get)(field).filter(|s| !s.trim().is_empty()) {
            None => Ok(None),
            Some(s) => s
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(Some)
                .ok_or_else(|| self.err(field, format!("`{s}` is not a number"))),
        }
    }
    fn f64(&self, field: &str) -> Result<f64> {
        self.opt_f64(field)?.ok_or_else(|| self.err(field, "missing"))
    }
    fn positive(&self, field: &str) -> Result<f64> {
        let v = self.f64(field)?;
        if v <= 0.0 {
            return Err(self.err(field, format!("{v} must be positive")));
        }
        Ok(v)
    }
}

/// Latest impact time a fragment list may give, s after the failure: a day (fragments fall in minutes).
pub const MAX_IMPACT_TIME_S: f64 = 86_400.0;

/// A record's position: x and y (landscape CRS), or lon and lat (WGS 84) projected by `to_grid`.
fn record_position(rec: &Record, to_grid: &dyn Fn(f64, f64) -> Result<(f64, f64)>) -> Result<(f64, f64)> {
    match (rec.opt_f64("x")?, rec.opt_f64("y")?, rec.opt_f64("lon")?, rec.opt_f64("lat")?) {
        (Some(_), Some(_), Some(_), Some(_)) => {
            Err(rec.err("x/y and lon/lat", "both positions given: give x and y or lon and lat, not both"))
        }
        (Some(x), Some(y), _, _) => Ok((x, y)),
        (_, _, Some(lon), Some(lat)) => {
            if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
                return Err(rec.err("lon/lat", format!("{lon}, {lat} is not a longitude/latitude")));
            }
            to_grid(lon, lat)
        }
        _ => Err(rec.err("x/y", "give the position as x and y (landscape CRS) or lon and lat")),
    }
}

/// A record's thermal state: burning with a burn time, or hot at a plausible temperature (not both).
fn record_thermal(rec: &Record) -> Result<ThermalState> {
    let burning = match (rec.get)("burning").map(|s| s.trim().to_ascii_lowercase()) {
        None => false,
        Some(s) if s.is_empty() || s == "false" || s == "0" || s == "no" => false,
        Some(s) if s == "true" || s == "1" || s == "yes" => true,
        Some(s) => return Err(rec.err("burning", format!("`{s}` is not true or false"))),
    };
    if burning {
        if let Some(t) = rec.opt_f64("temperature_c")? {
            return Err(rec.err(
                "temperature_c",
                format!(
                    "{t} C given for a burning fragment: a burning fragment has a burn time, a hot one a temperature"
                ),
            ));
        }
        let t = rec.f64("burn_time_s")?;
        if t < 0.0 {
            return Err(rec.err("burn_time_s", format!("{t} is negative")));
        }
        Ok(ThermalState::Burning { burn_time_s: t })
    } else {
        let t = rec
            .opt_f64("temperature_c")?
            .ok_or_else(|| rec.err("temperature_c", "missing (or set burning = true with burn_time_s)"))?;
        if !(-50.0..=3500.0).contains(&t) {
            return Err(rec.err("temperature_c", format!("{t} C is implausible")));
        }
        Ok(ThermalState::Hot { temperature_c: t })
    }
}

/// Parse one fragment from a record. `xy` is the position already in map coordinates when the geometry gave it.
fn fragment_from(
    rec: &Record,
    xy: Option<(f64, f64)>,
    to_grid: &dyn Fn(f64, f64) -> Result<(f64, f64)>,
) -> Result<Fragment> {
    let id = (rec.get)("id").filter(|s| !s.trim().is_empty()).ok_or_else(|| rec.err("id", "missing"))?;
    let (x, y) = match xy {
        Some(p) => p,
        None => record_position(rec, to_grid)?,
    };
    let mass_kg = rec.positive("mass_kg")?;
    let size_m = rec.positive("size_m")?;
    let mat = (rec.get)("material").unwrap_or_default();
    let material = Material::parse(&mat).ok_or_else(|| {
        rec.err("material", format!("unknown material `{mat}` (known: {})", Material::NAMES.join(", ")))
    })?;
    material.check_mass(mass_kg, size_m).map_err(|why| rec.err("mass_kg/size_m", why))?;
    let thermal = record_thermal(rec)?;
    let p = rec.f64("impact_probability")?;
    if !(0.0..=1.0).contains(&p) {
        return Err(rec.err("impact_probability", format!("{p} is outside 0..1")));
    }
    let impact_time_s = rec.opt_f64("impact_time_s")?.unwrap_or(0.0);
    if impact_time_s < 0.0 {
        return Err(rec.err("impact_time_s", format!("{impact_time_s} is negative")));
    }
    if impact_time_s > MAX_IMPACT_TIME_S {
        return Err(rec.err(
            "impact_time_s",
            format!(
                "{impact_time_s} s is more than {} h after the failure: no fragment falls that long (seconds expected)",
                MAX_IMPACT_TIME_S / 3600.0
            ),
        ));
    }
    let footprint = match (rec.opt_f64("sigma_along_m")?, rec.opt_f64("sigma_cross_m")?) {
        (None, None) => None,
        (Some(a), Some(c)) if a > 0.0 && c > 0.0 => Some(Footprint {
            sigma_along_m: a,
            sigma_cross_m: c,
            azimuth_deg: rec.opt_f64("azimuth_deg")?.unwrap_or(0.0),
        }),
        _ => return Err(rec.err("sigma_along_m/sigma_cross_m", "give both, positive")),
    };
    Ok(Fragment {
        id,
        x,
        y,
        mass_kg,
        size_m,
        material,
        thermal,
        impact_probability: p,
        impact_time_s,
        footprint,
        class: "fragment list".into(),
        burned_out_in_flight: false,
    })
}

/// WGS 84 longitude/latitude to the grid's CRS.
pub(crate) fn lonlat_to(grid: &Grid) -> Result<CoordTransform> {
    let mut geo = SpatialRef::from_epsg(4326)?;
    geo.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    Ok(CoordTransform::new(&geo, &srs_from_wkt(&grid.wkt)?)?)
}

/// Read a fragment list: CSV (header; columns `id, x, y` or `lon, lat`, `mass_kg, size_m, material`,
/// `temperature_c` or `burning, burn_time_s`, `impact_probability`, optional `impact_time_s, sigma_along_m,
/// sigma_cross_m, azimuth_deg`), or any vector format GDAL reads (points; the same attributes).
pub fn read_fragments(path: &Path, grid: &Grid) -> Result<DebrisField> {
    if !path.exists() {
        return Err(Error::input(path.display(), "file not found"));
    }
    let tr = lonlat_to(grid)?;
    let to_grid = |lon: f64, lat: f64| -> Result<(f64, f64)> {
        let (mut x, mut y) = ([lon], [lat]);
        tr.transform_coords(&mut x, &mut y, &mut [])?;
        Ok((x[0], y[0]))
    };
    let mut frags = Vec::new();
    let is_csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let mut rdr = csv::ReaderBuilder::new().comment(Some(b'#')).trim(csv::Trim::All).from_reader(text.as_bytes());
        let headers: Vec<String> = rdr
            .headers()
            .map_err(|e| Error::input(path.display(), format!("cannot read the header: {e}")))?
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        for need in ["id", "mass_kg", "size_m", "material", "impact_probability"] {
            if !headers.iter().any(|h| h == need) {
                return Err(Error::input(path.display(), format!("missing column `{need}`")));
            }
        }
        let mut progress = crate::io::progress::ReadProgress::new(path, text.len() as u64);
        for (k, rec) in rdr.records().enumerate() {
            // Rows are named by their line in the file, as an editor shows it (comments and the header counted).
            let rec = rec.map_err(|e| {
                Error::input(path.display(), format!("row {}: {e}", e.position().map_or(0, |p| p.line())))
            })?;
            let line = rec.position().map_or(0, |p| p.line());
            if k % 8192 == 0 {
                progress.update(rec.position().map(|p| p.byte()).unwrap_or(0), k);
            }
            let h = &headers;
            let r = Record {
                file: path,
                row: format!("row {line}"),
                get: Box::new(move |name: &str| {
                    h.iter().position(|x| x == name).and_then(|i| rec.get(i)).map(String::from)
                }),
            };
            frags.push(fragment_from(&r, None, &to_grid)?);
        }
        progress.finish(frags.len(), "fragments");
    } else {
        let ds = crate::io::open_vector(path)?;
        let target = srs_from_wkt(&grid.wkt)?;
        // An Emberfall impacts.gpkg holds its fragments in layer `impacts` (and sampled ignitions beside them).
        let only_impacts = ds.layers().any(|l| l.name() == "impacts");
        for mut layer in ds.layers() {
            if only_impacts && layer.name() != "impacts" {
                continue;
            }
            let tr_layer = match layer.spatial_ref() {
                Some(mut s) => {
                    s.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
                    Some(CoordTransform::new(&s, &target)?)
                }
                None => None,
            };
            let names: Vec<String> = layer.defn().fields().map(|f| f.name().to_ascii_lowercase()).collect();
            for (k, f) in layer.features().enumerate() {
                let xy = match f.geometry() {
                    Some(g) => {
                        let (mut xs, mut ys) = ([g.get_point(0).0], [g.get_point(0).1]);
                        if let Some(t) = &tr_layer {
                            t.transform_coords(&mut xs, &mut ys, &mut [])?;
                        }
                        Some((xs[0], ys[0]))
                    }
                    None => None,
                };
                let names = &names;
                let f = &f;
                let r = Record {
                    file: path,
                    row: format!("feature {k}"),
                    get: Box::new(move |name: &str| {
                        names.iter().position(|x| x == name).and_then(|i| f.field_as_string(i).ok().flatten())
                    }),
                };
                frags.push(fragment_from(&r, xy, &to_grid)?);
            }
        }
    }
    if frags.is_empty() {
        return Err(Error::input(path.display(), "no fragments"));
    }
    Ok(DebrisField::from_fragments(frags, grid))
}

/// An impact raster as a density of expected hot fragments per m2 on its own grid (in memory, for warping), and
/// how many cells held NaN or infinite values (taken as no impact). A probability p is taken as -ln(1 - p)
/// expected fragments (Poisson).
fn impact_density(path: &Path, expected_count: bool) -> Result<(Dataset, usize)> {
    let ds = Dataset::open(path).map_err(|e| Error::input(path.display(), format!("GDAL cannot open it: {e}")))?;
    let gt = ds.geo_transform().map_err(|_| Error::input(path.display(), "no geotransform"))?;
    let band = ds.rasterband(1)?;
    let nodata = band.no_data_value();
    let (w, h) = ds.raster_size();
    let buf = band.read_as::<f64>((0, 0), (w, h), (w, h), None)?;
    let src_area = (gt[1] * gt[5]).abs();
    let mut density = vec![0f32; w * h];
    let mut not_finite = 0usize;
    for (i, &v) in buf.data().iter().enumerate() {
        if nodata.is_some_and(|nd| v == nd) {
            continue;
        }
        if !v.is_finite() {
            not_finite += 1;
            continue;
        }
        if v < 0.0 || (!expected_count && v > 1.0) {
            return Err(Error::input(
                path.display(),
                format!(
                    "cell (row {}, col {}): {v} is outside {}",
                    i / w,
                    i % w,
                    if expected_count { "0.." } else { "0..1 (a probability)" }
                ),
            ));
        }
        // Expected hot fragments in the cell; a probability p is taken as -ln(1 - p) expected (Poisson).
        let n = if expected_count { v } else { -(1.0 - v.min(0.999_999)).ln() };
        density[i] = (n / src_area) as f32;
    }
    let wkt = ds.spatial_ref().and_then(|s| s.to_wkt()).ok().filter(|w| !w.is_empty()).ok_or_else(|| {
        Error::input(path.display(), "the impact raster has no CRS: assign one (gdal_edit.py -a_srs EPSG:N FILE)")
    })?;
    let src_grid = Grid { rows: h, cols: w, geotransform: gt, wkt };
    Ok((crate::landscape::mem_dataset(&src_grid, &density)?, not_finite))
}

/// Read an impact raster (per cell: the probability of a hot fragment landing, or the expected number of hot
/// fragments) onto the landscape's grid: values are turned into a density per m2, warped (bilinear) and scaled to
/// the landscape's cells. Each cell with a value becomes one fragment of `class` at the cell centre.
pub fn read_impact_raster(
    path: &Path,
    expected_count: bool,
    class: &FragmentClassSpec,
    ls: &Landscape,
) -> Result<DebrisField> {
    if !path.exists() {
        return Err(Error::input(path.display(), "file not found"));
    }
    let (material, thermal) = class.thermal("debris.default_fragment")?;
    let (mem, not_finite) = impact_density(path, expected_count)?;
    let g = &ls.grid;
    let warped = crate::landscape::warp_onto(&mem, g, "bilinear")
        .map_err(|e| Error::input(path.display(), format!("cannot warp it onto the landscape: {e}")))?;
    let wb = warped.rasterband(1)?;
    let vals = wb.read_as::<f32>((0, 0), (g.cols, g.rows), (g.cols, g.rows), None)?;
    let cell_area = g.dx() * g.dy();
    let mut frags = Vec::new();
    let mut total = 0.0;
    for (i, &d) in vals.data().iter().enumerate() {
        if d.is_nan() || d <= 0.0 || !d.is_finite() {
            continue;
        }
        let n = d as f64 * cell_area;
        total += n;
        let (x, y) = g.cell_center(i / g.cols, i % g.cols);
        frags.push(Fragment {
            id: format!("cell_{}_{}", i / g.cols, i % g.cols),
            x,
            y,
            mass_kg: class.mass_kg,
            size_m: class.size_m,
            material,
            thermal,
            impact_probability: 1.0 - (-n).exp(),
            impact_time_s: 0.0,
            footprint: None,
            class: "impact raster".into(),
            burned_out_in_flight: false,
        });
    }
    let mut field = DebrisField::from_fragments(frags, g);
    if not_finite > 0 {
        field.notes.push(format!(
            "impact raster {}: {not_finite} cells hold NaN or infinite values (not its nodata value): taken as no impact",
            path.display()
        ));
    }
    field.notes.push(format!(
        "impact raster {}: {:.2} expected hot fragments on the landscape over {} cells",
        path.display(),
        total,
        field.fragments.len()
    ));
    Ok(field)
}
