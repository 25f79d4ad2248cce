//! Reading landscape layers through GDAL: opening and checking a raster, reading a band onto the landscape grid
//! (warped where it differs), setting implausible values aside, FARSITE .lcp units, the layers of a landscape read
//! in parallel, FARSITE fuel conversion files, and the check of a slope layer's units against the DEM.

use super::*;
use crate::units::{
    frac_from_pct, pct_from_frac, KG_PER_M3_PER_LB_PER_FT3, LANDFIRE_KG_PER_M3_PER_CBD_UNIT,
    LANDFIRE_M_PER_HEIGHT_UNIT, LCP_KG_PER_M3_PER_CBD_ENGLISH_UNIT, M_PER_FT,
};

/// A GDAL virtual file system path (`/vsicurl/https://...`, `/vsis3/...`, `/vsizip/...`): GDAL reads it, the local
/// file system knows nothing of it.
pub fn is_gdal_virtual(path: &Path) -> bool {
    path.to_str().is_some_and(|s| s.starts_with("/vsi"))
}

pub(super) fn open(path: &Path) -> Result<Dataset> {
    if !is_gdal_virtual(path) {
        let meta = std::fs::metadata(path).map_err(|_| Error::input(path.display(), "file not found"))?;
        if meta.is_dir() {
            return Err(Error::input(path.display(), "is a folder, not a raster file"));
        }
        if meta.len() == 0 {
            return Err(Error::input(path.display(), "is empty (0 bytes), not a raster"));
        }
    }
    Dataset::open(path).map_err(|e| {
        let e = e.to_string();
        // GDAL's own wording for a file no driver recognises says nothing to a user.
        let why = if e.contains("NULL pointer") { "no GDAL raster driver recognises it".to_string() } else { e };
        Error::input(path.display(), format!("GDAL cannot open it as a raster: {why}"))
    })
}

pub(super) fn dataset_grid(path: &Path, ds: &Dataset, assign: Option<&str>) -> Result<Grid> {
    let mut wkt = ds.projection();
    if wkt.trim().is_empty() {
        match assign {
            Some(a) => wkt = a.to_string(),
            None => {
                return Err(Error::input(
                    path.display(),
                    "has no CRS (coordinate reference system; a FARSITE .lcp never holds one): give it with --assign-crs EPSG:N (or `assign_crs` in [landscape]), or assign one to the file, e.g. `gdal_edit.py -a_srs EPSG:32611 FILE`",
                ));
            }
        }
    }
    let gt = ds.geo_transform().map_err(|_| Error::input(path.display(), "has no geotransform (not georeferenced)"))?;
    let (cols, rows) = ds.raster_size();
    let grid = Grid { rows, cols, geotransform: gt, wkt };
    if !grid.is_north_up() {
        return Err(Error::input(path.display(), "is rotated or not north-up; warp it first (gdalwarp)"));
    }
    Ok(grid)
}

pub(super) fn read_band_f32(path: &Path, ds: &Dataset, band: usize) -> Result<(Vec<f32>, Option<f64>)> {
    let b = ds.rasterband(band).map_err(|e| Error::input(path.display(), format!("band {band}: {e}")))?;
    let (cols, rows) = ds.raster_size();
    let buf = b
        .read_as::<f32>((0, 0), (cols, rows), (cols, rows), None)
        .map_err(|e| Error::input(path.display(), format!("cannot read band {band}: {e}")))?;
    Ok((buf.into_shape_and_vec().1, b.no_data_value()))
}

/// The cells of `win` of band `band`.
pub(super) fn read_band_window(
    path: &Path,
    ds: &Dataset,
    band: usize,
    win: super::window::CellWindow,
) -> Result<(Vec<f32>, Option<f64>)> {
    let b = ds.rasterband(band).map_err(|e| Error::input(path.display(), format!("band {band}: {e}")))?;
    let buf = b
        .read_as::<f32>((win.col0 as isize, win.row0 as isize), (win.cols, win.rows), (win.cols, win.rows), None)
        .map_err(|e| Error::input(path.display(), format!("cannot read band {band}: {e}")))?;
    Ok((buf.into_shape_and_vec().1, b.no_data_value()))
}

/// A layer that covers none of `target`: nodata there when it overlaps the landscape (`full`) elsewhere, else the
/// error saying it misses the landscape.
fn missed(path: &Path, grid: &Grid, target: &Grid, full: &Grid) -> LayerRead {
    if target != full && super::window::source_window(grid, full, 0)?.is_some() {
        return Ok((vec![f32::NAN; target.len()], Vec::new()));
    }
    Err(no_overlap(path, grid, full))
}

/// The error of a layer that does not overlap the fuel grid (`target`).
fn no_overlap(path: &Path, grid: &Grid, t: &Grid) -> Error {
    let (a, b, c, d) = grid.extent();
    let (xmin, ymin, xmax, ymax) = t.extent();
    Error::input(
        path.display(),
        format!(
            "does not overlap the fuel raster: its extent {a:.1},{b:.1} .. {c:.1},{d:.1} in {} lies outside {xmin:.1},{ymin:.1} .. {xmax:.1},{ymax:.1} in {}",
            grid.crs_name(),
            t.crs_name()
        ),
    )
}

/// Counts of values set aside while sanitising one layer.
#[derive(Default)]
pub(super) struct Dropped {
    nodata: usize,
    implausible: usize,
    example: Option<f64>,
}

/// Replace nodata-tagged and implausible values with NaN.
pub(super) fn sanitize(values: &mut [f32], nodata: Option<f64>, lo: f64, hi: f64) -> Dropped {
    let mut d = Dropped::default();
    for v in values.iter_mut() {
        let x = *v as f64;
        if x.is_nan() || nodata.is_some_and(|nd| x == nd) {
            *v = f32::NAN;
            d.nodata += 1;
        } else if !x.is_finite() || x < lo || x > hi {
            d.example.get_or_insert(x);
            *v = f32::NAN;
            d.implausible += 1;
        }
    }
    d
}

/// The LCP band header's unit key of a layer (GDAL's LCP driver).
fn lcp_unit_key(kind: Kind) -> &'static str {
    match kind {
        Kind::Elevation => "ELEVATION_UNIT",
        Kind::Slope => "SLOPE_UNIT",
        Kind::Aspect => "ASPECT_UNIT",
        Kind::Fuel => "FUEL_MODEL_OPTION",
        Kind::CanopyCover => "CANOPY_COV_UNIT",
        Kind::CanopyHeight => "CANOPY_HT_UNIT",
        Kind::CanopyBaseHeight => "CBH_UNIT",
        Kind::CanopyBulkDensity => "CBD_UNIT",
    }
}

/// A value converter from an LCP header's unit code to the LANDFIRE convention of the layer; None when the code
/// is not one Emberfall reads. Codes: elevation 0 m, 1 ft; slope 0 degrees, 1 percent; aspect 1 GRASS degrees, 2
/// azimuth degrees; cover 1 percent; heights 1 m, 2 ft, 3 m x 10, 4 ft x 10; bulk density 1 kg/m3, 2 lb/ft3,
/// 3 kg/m3 x 100, 4 lb/ft3 x 1000.
fn lcp_unit_conversion(kind: Kind, unit: i64, slope_units: SlopeUnits) -> Option<Box<dyn Fn(f64) -> f64 + Sync>> {
    let height = |m: f64| m / LANDFIRE_M_PER_HEIGHT_UNIT;
    let cbd = |kg_m3: f64| kg_m3 / LANDFIRE_KG_PER_M3_PER_CBD_UNIT;
    Some(match (kind, unit) {
        (Kind::Elevation, 1) => Box::new(|v| v * M_PER_FT),
        (Kind::Elevation, _) | (Kind::Fuel, _) => Box::new(|v| v),
        (Kind::Slope, _) => match (unit == 1, slope_units) {
            (true, SlopeUnits::Degrees) => Box::new(|v: f64| frac_from_pct(v).atan().to_degrees()),
            (false, SlopeUnits::Percent) => Box::new(|v: f64| pct_from_frac(v.to_radians().tan())),
            _ => Box::new(|v| v),
        },
        (Kind::Aspect, 2) => Box::new(|v| v),
        // GRASS degrees: counterclockwise from east, 0 undefined (flat).
        (Kind::Aspect, 1) => Box::new(|v| if v == 0.0 { -1.0 } else { (450.0 - v).rem_euclid(360.0) }),
        (Kind::CanopyCover, 1) => Box::new(|v| v),
        (Kind::CanopyHeight | Kind::CanopyBaseHeight, 1) => Box::new(height),
        (Kind::CanopyHeight | Kind::CanopyBaseHeight, 2) => Box::new(move |v| height(v * M_PER_FT)),
        (Kind::CanopyHeight | Kind::CanopyBaseHeight, 3) => Box::new(|v| v),
        // Feet x 10 to metres x 10.
        (Kind::CanopyHeight | Kind::CanopyBaseHeight, 4) => Box::new(|v| v * M_PER_FT),
        (Kind::CanopyBulkDensity, 1) => Box::new(cbd),
        (Kind::CanopyBulkDensity, 2) => Box::new(move |v| cbd(v * KG_PER_M3_PER_LB_PER_FT3)),
        (Kind::CanopyBulkDensity, 3) => Box::new(|v| v),
        (Kind::CanopyBulkDensity, 4) => Box::new(move |v| cbd(v * LCP_KG_PER_M3_PER_CBD_ENGLISH_UNIT)),
        _ => return None,
    })
}

/// A FARSITE .lcp band (GDAL's LCP driver) in the units its header gives, converted to the LANDFIRE conventions the
/// rest of the loader reads (elevation m, slope in `slope_units`, aspect azimuth degrees with -1 flat, canopy cover
/// percent, heights m x 10, bulk density kg/m3 x 100). FARSITE writes -9999 for nodata, and for the aspect of flat
/// cells: there it is flat. Returns what it noticed. Header codes: GDAL's LCP driver documentation.
pub(super) fn lcp_to_landfire_units(
    path: &Path,
    ds: &Dataset,
    band: usize,
    kind: Kind,
    slope_units: SlopeUnits,
    values: &mut [f32],
) -> Result<Vec<String>> {
    use gdal::Metadata;
    let b = ds.rasterband(band)?;
    let key = lcp_unit_key(kind);
    let unit: i64 = b.metadata_item(key, "").and_then(|v| v.trim().parse().ok()).unwrap_or(-1);
    let name = b.metadata_item(&format!("{key}_NAME"), "").unwrap_or_else(|| format!("code {unit}"));
    let convert = lcp_unit_conversion(kind, unit, slope_units).ok_or_else(|| {
        Error::input(
            path.display(),
            format!("{}: the LCP header's unit `{name}` ({key} {unit}) is not supported", kind.name()),
        )
    })?;
    let mut notes = Vec::new();
    let mut flat = 0usize;
    for v in values.iter_mut() {
        if *v == -9999.0 {
            if kind == Kind::Aspect {
                *v = -1.0;
                flat += 1;
            } else {
                *v = f32::NAN;
            }
        } else if v.is_finite() {
            *v = convert(*v as f64) as f32;
        }
    }
    if flat > 0 {
        notes.push(format!("{}: {flat} cells of aspect -9999 read as flat (FARSITE's convention)", path.display()));
    }
    let as_landfire = match kind {
        Kind::Elevation => unit == 0,
        Kind::Slope => (unit == 1) == (slope_units == SlopeUnits::Percent),
        Kind::Aspect => unit == 2,
        Kind::Fuel => true,
        Kind::CanopyCover => unit == 1,
        _ => unit == 3,
    };
    if !as_landfire {
        notes.push(format!("{}: {} converted from the LCP header's unit, {name}", path.display(), kind.name()));
    }
    Ok(notes)
}

/// One layer to read: its kind, file and band.
pub(super) struct Job {
    pub(super) kind: Kind,
    pub(super) path: PathBuf,
    pub(super) band: usize,
}

/// Read one layer from an open dataset onto `target` (a window of the landscape's grid `full`, or all of it),
/// sanitised (NaN where nodata or implausible). Returns the values and what reading noticed. A layer that misses
/// the landscape is an error; one that misses only the window gives nodata there, as the whole landscape's read
/// would.
pub(super) fn read_layer(
    ds: &Dataset,
    job: &Job,
    target: &Grid,
    full: &Grid,
    slope_units: SlopeUnits,
    assign: Option<&str>,
) -> LayerRead {
    let (path, band, kind) = (job.path.as_path(), job.band, job.kind);
    let mut notes = Vec::new();
    if band > ds.raster_count() {
        return Err(Error::input(
            path.display(),
            format!("has {} band(s); band {band} ({}) is missing", ds.raster_count(), kind.name()),
        ));
    }
    let grid = dataset_grid(path, ds, assign)?;
    let (lo, hi, range) = kind.plausible(slope_units);
    // The source's cells to read: the target's own when it is a window of the source's grid, else those covering
    // it (with a margin for the resampling kernel), warped onto it.
    let direct = super::window::subgrid_window(&grid, target);
    let src_win = match direct {
        Some(w) => w,
        None => match super::window::source_window(&grid, target, 3)? {
            Some(w) => w,
            None => return missed(path, &grid, target, full),
        },
    };
    let (mut values, mut nodata) = read_band_window(path, ds, band, src_win)?;
    if ds.driver().short_name() == "LCP" {
        notes.extend(lcp_to_landfire_units(path, ds, band, kind, slope_units, &mut values)?);
        nodata = None;
    }
    let dropped = sanitize(&mut values, nodata, lo, hi);
    let values = if direct.is_some() {
        values
    } else {
        let t = target;
        let mem = mem_dataset(&src_win.grid_of(&grid), &values)?;
        let warped = warp_onto(&mem, t, kind.resampling())
            .map_err(|e| Error::input(path.display(), format!("cannot warp onto the fuel grid: {e}")))?;
        let (v, _) = read_band_f32(path, &warped, 1)?;
        let valid = v.iter().filter(|x| x.is_finite()).count();
        if valid == 0 {
            return missed(path, &grid, target, full);
        }
        notes.push(format!(
            "warped {} {} ({}, {:.3} x {:.3} cells, {}x{}) onto the fuel grid by {} resampling; {} of {} cells covered",
            kind.name(),
            path.display(),
            grid.crs_name(),
            grid.dx(),
            grid.dy(),
            grid.cols,
            grid.rows,
            kind.resampling(),
            valid,
            v.len()
        ));
        v
    };
    if dropped.implausible > 0 {
        notes.push(format!(
            "{}: {} {} values outside the plausible range {range} (e.g. {}) treated as nodata",
            path.display(),
            dropped.implausible,
            kind.name(),
            dropped.example.unwrap_or(f64::NAN)
        ));
    }
    Ok((values, notes))
}

/// A layer read: its values and what reading noticed.
pub(super) type LayerRead = Result<(Vec<f32>, Vec<String>)>;

/// Read every job, the files in parallel (each with its own GDAL handle; the bands of one file in order on one
/// handle, so a pixel-interleaved LCP is decoded once). Results and notes in job order; the first error in job
/// order wins.
pub(super) fn read_layers(
    jobs: &[Job],
    target: &Grid,
    full: &Grid,
    slope_units: SlopeUnits,
    assign: Option<&str>,
    opened: Vec<(PathBuf, Dataset)>,
) -> Result<(Vec<Vec<f32>>, Vec<String>)> {
    use rayon::prelude::*;
    let mut files: Vec<&Path> = Vec::new();
    for j in jobs {
        if !files.contains(&j.path.as_path()) {
            files.push(&j.path);
        }
    }
    // VRTs already opened (checking the sources) are read on those handles: a mosaic's XML is parsed at each open.
    // Other files are opened again on the reading thread, whose GDAL_NUM_THREADS they take.
    let mut opened: Vec<(PathBuf, Dataset)> =
        opened.into_iter().filter(|(_, ds)| ds.driver().short_name() == "VRT").collect();
    let work: Vec<(&Path, Option<Dataset>)> = files
        .iter()
        .map(|f| (*f, opened.iter().position(|(p, _)| p.as_path() == *f).map(|k| opened.swap_remove(k).1)))
        .collect();
    // One file (an LCP): its blocks decoded on every core by GDAL (>= 3.6); several files: one per core here, GDAL's
    // decoding single-threaded (both at once oversubscribe the cores). A GDAL_NUM_THREADS the user set is kept.
    let user_threads = !gdal::config::get_config_option("GDAL_NUM_THREADS", "").unwrap_or_default().is_empty();
    let nfiles = files.len();
    let per_file: Vec<Vec<(usize, LayerRead)>> = work
        .into_par_iter()
        .map(|(f, ds)| {
            if !user_threads {
                let threads = if nfiles == 1 { "ALL_CPUS" } else { "1" };
                let _ = gdal::config::set_thread_local_config_option("GDAL_NUM_THREADS", threads);
            }
            let mine: Vec<usize> = (0..jobs.len()).filter(|&k| jobs[k].path.as_path() == f).collect();
            match ds.map_or_else(|| open(f), Ok) {
                Err(e) => vec![(mine[0], Err(e))],
                Ok(ds) => mine
                    .into_iter()
                    .map(|k| (k, read_layer(&ds, &jobs[k], target, full, slope_units, assign)))
                    .collect(),
            }
        })
        .collect();
    let mut results: Vec<(usize, LayerRead)> = per_file.into_iter().flatten().collect();
    results.sort_by_key(|r| r.0);
    let mut values = Vec::with_capacity(jobs.len());
    let mut notes = Vec::new();
    for (_, r) in results {
        let (v, n) = r?;
        values.push(v);
        notes.extend(n);
    }
    Ok((values, notes))
}

/// A FARSITE fuel model conversion file (.cnv): rows `landscape_code fuel_model` (whole numbers; `#` comments, and
/// a first line of words is a header). Errors name the file and line.
pub fn read_fuel_conversion(path: &Path) -> Result<Vec<(i64, u16)>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut out: Vec<(i64, u16)> = Vec::new();
    for (k, l) in text.lines().enumerate() {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let tok: Vec<&str> = t.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).collect();
        let nums: Option<Vec<i64>> = tok.iter().map(|w| w.parse::<i64>().ok()).collect();
        match nums {
            None if out.is_empty() && k == 0 => continue,
            Some(v) if v.len() == 2 && (1..=u16::MAX as i64).contains(&v[1]) => {
                if out.iter().any(|(from, _)| *from == v[0]) {
                    return Err(Error::input(path.display(), format!("line {}: code {} converted twice", k + 1, v[0])));
                }
                out.push((v[0], v[1] as u16));
            }
            _ => {
                return Err(Error::input(
                    path.display(),
                    format!("line {}: `{t}`: expected two whole numbers, a landscape fuel code and the fuel model it stands for", k + 1),
                ))
            }
        }
    }
    if out.is_empty() {
        return Err(Error::input(path.display(), "no conversion rows"));
    }
    Ok(out)
}

/// A note when the slope layer's values fit the DEM's own slope (Horn 1981, on a sample of up to 20 000 cells)
/// clearly better in the other unit than the one they were read in: percent read as degrees, or degrees as percent.
pub(super) fn slope_units_note(grid: &Grid, elev: &[f32], slope_tan: &[f32], units: SlopeUnits) -> Option<String> {
    let n = grid.len();
    let step = (n / 20_000).max(1);
    let (mut as_read, mut other) = (Vec::new(), Vec::new());
    let mut samples = Vec::new();
    for i in (0..n).step_by(step) {
        let (r, c) = (i / grid.cols, i % grid.cols);
        if r == 0 || c == 0 || r + 1 >= grid.rows || c + 1 >= grid.cols {
            continue;
        }
        let (dem, _) = terrain::horn_cell(elev, grid.rows, grid.cols, grid.dx(), grid.dy(), r, c);
        let given = slope_tan[i] as f64;
        if !(dem.is_finite() && given.is_finite()) || dem < 0.05 || given <= 0.0 {
            continue;
        }
        // The same raw value in the other unit.
        let alt = match units {
            SlopeUnits::Degrees => given.atan().to_degrees() / 100.0,
            SlopeUnits::Percent => (given * 100.0).min(89.0).to_radians().tan(),
        };
        as_read.push((given / dem).ln().abs());
        other.push((alt / dem).ln().abs());
        samples.push((given, dem));
    }
    if as_read.len() < 50 {
        return None;
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (a, b) = (median(&mut as_read), median(&mut other));
    if a > 0.2 && b < 0.5 * a {
        let (read, fits) = match units {
            SlopeUnits::Degrees => ("degrees", "percent"),
            SlopeUnits::Percent => ("percent", "degrees"),
        };
        let mut g: Vec<f64> = samples.iter().map(|s| s.0).collect();
        let mut d: Vec<f64> = samples.iter().map(|s| s.1).collect();
        return Some(format!(
            "the slope layer was read in {read} but fits the DEM's slope in {fits} (median slope {:.0} % as read, {:.0} % from the DEM): give --slope-units {fits} (slope_units = \"{fits}\") if it is in {fits}",
            100.0 * median(&mut g),
            100.0 * median(&mut d)
        ));
    }
    None
}
