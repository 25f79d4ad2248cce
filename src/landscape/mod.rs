//! Landscapes through GDAL: an 8-band LCP-ordered raster (GeoTIFF or FARSITE .lcp) or separate layers, checked,
//! converted from LANDFIRE units to SI and aligned on the fuel raster's grid.
//!
//! Every cell ends either valid (a known fuel code and plausible terrain) or nodata (fuel code 0, treated as
//! non-burnable). What was warped, dropped or derived is recorded in [`Landscape::notes`].

use std::collections::BTreeMap;
use std::ffi::CString;
use std::path::{Path, PathBuf};

use gdal::spatial_ref::SpatialRef;
use gdal::{Dataset, DriverManager};

use crate::error::{Error, Result};

pub mod grid;
pub mod kii;
pub mod terrain;

pub use crate::io::{srs_from_wkt, tiff_options};
use crate::physics::fuel::FuelCatalog;
use crate::units::{frac_from_pct, pct_from_frac, M_PER_FT};
pub use grid::Grid;

/// Band descriptions of an 8-band landscape in LCP order, LANDFIRE units.
pub const LCP_BAND_NAMES: [&str; 8] = [
    "elevation (m)",
    "slope (degrees)",
    "aspect (degrees)",
    "fuel model",
    "canopy cover (%)",
    "canopy height (m x 10)",
    "canopy base height (m x 10)",
    "canopy bulk density (kg/m3 x 100)",
];

/// Fuel code of a nodata cell (outside the landscape, or with implausible inputs): never burns.
pub const FUEL_NODATA: u16 = 0;

impl Grid {
    /// Short CRS name with EPSG code where known.
    pub fn crs_name(&self) -> String {
        match SpatialRef::from_wkt(&self.wkt) {
            Ok(srs) => {
                let name = srs.name().unwrap_or_else(|| "unnamed CRS".into());
                match srs.auth_code() {
                    Ok(code) => format!("{name} (EPSG:{code})"),
                    Err(_) => name,
                }
            }
            Err(_) => "unknown CRS".into(),
        }
    }
}

/// Units of a slope raster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlopeUnits {
    Degrees,
    Percent,
}

/// The landscape layers to read. Either `lcp` or `elevation` + `fuel`. Also the `[landscape]` table of a scenario.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LandscapeSpec {
    /// 8-band raster in LCP band order (elevation, slope, aspect, fuel, canopy cover, canopy height, canopy base
    /// height, canopy bulk density).
    pub lcp: Option<PathBuf>,
    pub elevation: Option<PathBuf>,
    pub fuel: Option<PathBuf>,
    pub slope: Option<PathBuf>,
    pub aspect: Option<PathBuf>,
    pub canopy_cover: Option<PathBuf>,
    pub canopy_height: Option<PathBuf>,
    pub canopy_base_height: Option<PathBuf>,
    pub canopy_bulk_density: Option<PathBuf>,
    /// Units of the slope layer (LANDFIRE: degrees by default; SlpP products are percent).
    pub slope_units: Option<SlopeUnits>,
    /// Custom fuel models (CSV) added to the standard ones.
    pub fuel_models: Option<PathBuf>,
    /// A FARSITE fuel model conversion file (.cnv): landscape fuel codes to the fuel models they stand for.
    #[serde(default)]
    pub fuel_conversion: Option<PathBuf>,
    /// CRS for layers that carry none (a FARSITE .lcp): `EPSG:N`, WKT or a PROJ string.
    #[serde(default)]
    pub assign_crs: Option<String>,
}

/// A checked landscape on one grid, SI units.
#[derive(Clone, Debug)]
pub struct Landscape {
    pub grid: Grid,
    /// Elevation, m (NaN where nodata).
    pub elevation_m: Vec<f32>,
    /// Slope as rise over run (tan of the slope angle); NaN where nodata. Derived from the DEM when not given.
    pub slope_tan: Option<Vec<f32>>,
    /// Aspect: azimuth the slope faces (downslope), degrees clockwise from grid north; -1 where flat.
    pub aspect_deg: Option<Vec<f32>>,
    /// Fuel model number per cell; [`FUEL_NODATA`] where nodata.
    pub fuel: Vec<u16>,
    /// Canopy cover, fraction 0..1.
    pub canopy_cover_frac: Option<Vec<f32>>,
    /// Canopy (stand) height, m.
    pub canopy_height_m: Option<Vec<f32>>,
    /// Canopy base height, m.
    pub canopy_base_height_m: Option<Vec<f32>>,
    /// Canopy bulk density, kg/m3.
    pub canopy_bulk_density_kg_per_m3: Option<Vec<f32>>,
    /// The fuel models the landscape may use.
    pub catalog: FuelCatalog,
    /// What loading did: warps, dropped values, derived layers.
    pub notes: Vec<String>,
    /// Cells that are nodata (outside the landscape or with implausible values).
    pub nodata_cells: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Elevation,
    Slope,
    Aspect,
    Fuel,
    CanopyCover,
    CanopyHeight,
    CanopyBaseHeight,
    CanopyBulkDensity,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Elevation => "elevation",
            Kind::Slope => "slope",
            Kind::Aspect => "aspect",
            Kind::Fuel => "fuel model",
            Kind::CanopyCover => "canopy cover",
            Kind::CanopyHeight => "canopy height",
            Kind::CanopyBaseHeight => "canopy base height",
            Kind::CanopyBulkDensity => "canopy bulk density",
        }
    }
    /// Categorical and circular layers are resampled by nearest neighbour, the rest bilinearly.
    fn resampling(self) -> &'static str {
        match self {
            Kind::Fuel | Kind::Aspect => "near",
            _ => "bilinear",
        }
    }
    /// Plausible raw values (LANDFIRE units) and their description.
    fn plausible(self, slope_units: SlopeUnits) -> (f64, f64, &'static str) {
        match self {
            Kind::Elevation => (-450.0, 9000.0, "m (-450..9000)"),
            Kind::Slope => match slope_units {
                SlopeUnits::Degrees => (0.0, 89.9, "degrees (0..90)"),
                SlopeUnits::Percent => (0.0, 1000.0, "percent (0..1000)"),
            },
            Kind::Aspect => (-1.0, 360.0, "degrees (-1 flat, 0..360)"),
            Kind::Fuel => (1.0, 65535.0, "fuel codes (1..65535)"),
            Kind::CanopyCover => (0.0, 100.0, "percent (0..100)"),
            Kind::CanopyHeight => (0.0, 1500.0, "m x 10 (0..1500)"),
            Kind::CanopyBaseHeight => (0.0, 1000.0, "m x 10 (0..1000)"),
            Kind::CanopyBulkDensity => (0.0, 100.0, "kg/m3 x 100 (0..100)"),
        }
    }
}

fn open(path: &Path) -> Result<Dataset> {
    let meta = std::fs::metadata(path).map_err(|_| Error::input(path.display(), "file not found"))?;
    if meta.is_dir() {
        return Err(Error::input(path.display(), "is a folder, not a raster file"));
    }
    if meta.len() == 0 {
        return Err(Error::input(path.display(), "is empty (0 bytes), not a raster"));
    }
    Dataset::open(path).map_err(|e| {
        let e = e.to_string();
        // GDAL's own wording for a file no driver recognises says nothing to a user.
        let why = if e.contains("NULL pointer") { "no GDAL raster driver recognises it".to_string() } else { e };
        Error::input(path.display(), format!("GDAL cannot open it as a raster: {why}"))
    })
}

fn dataset_grid(path: &Path, ds: &Dataset, assign: Option<&str>) -> Result<Grid> {
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

fn same_crs(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match (SpatialRef::from_wkt(a), SpatialRef::from_wkt(b)) {
        // SAFETY: both handles belong to SpatialRefs alive for the call; OSRIsSame only reads them.
        (Ok(sa), Ok(sb)) => unsafe { gdal_sys::OSRIsSame(sa.to_c_hsrs(), sb.to_c_hsrs()) == 1 },
        _ => false,
    }
}

fn same_grid(a: &Grid, b: &Grid) -> bool {
    let tol = 1e-6 * a.dx().max(1e-9);
    a.rows == b.rows
        && a.cols == b.cols
        && a.geotransform.iter().zip(&b.geotransform).all(|(x, y)| (x - y).abs() <= tol.max(1e-9 * x.abs()))
        && same_crs(&a.wkt, &b.wkt)
}

/// An in-memory single-band f32 dataset on `grid` holding `data` (NaN = nodata).
pub fn mem_dataset(grid: &Grid, data: &[f32]) -> Result<Dataset> {
    let driver = DriverManager::get_driver_by_name("MEM")?;
    let mut ds = driver.create_with_band_type::<f32, _>("", grid.cols, grid.rows, 1)?;
    ds.set_geo_transform(&grid.geotransform)?;
    ds.set_spatial_ref(&srs_from_wkt(&grid.wkt)?)?;
    let mut band = ds.rasterband(1)?;
    band.set_no_data_value(Some(f64::NAN))?;
    let mut buf = gdal::raster::Buffer::new((grid.cols, grid.rows), data.to_vec());
    band.write((0, 0), (grid.cols, grid.rows), &mut buf)?;
    Ok(ds)
}

/// Run gdalwarp (the library form, GDALWarp) on `src` with `args`, into an in-memory dataset.
pub fn gdalwarp_mem(src: &Dataset, args: &[String]) -> Result<Dataset> {
    let mut all: Vec<String> = vec!["-of".into(), "MEM".into()];
    all.extend_from_slice(args);
    let cargs: Vec<CString> = all
        .iter()
        .map(|s| {
            CString::new(s.as_str()).map_err(|_| Error::Invalid(format!("gdalwarp argument `{s}` holds a NUL byte")))
        })
        .collect::<Result<_>>()?;
    let mut ptrs: Vec<*mut std::ffi::c_char> = cargs.iter().map(|c| c.as_ptr() as *mut _).collect();
    ptrs.push(std::ptr::null_mut());
    // SAFETY: `ptrs` is a NULL-terminated list of C strings kept alive by `cargs` for the whole block; GDAL copies
    // the options; `src` is a live dataset borrowed for the call; the options are freed once, after GDALWarp; the
    // returned dataset (checked for NULL) is owned by the Dataset that wraps it and closed when it drops.
    unsafe {
        let opts = gdal_sys::GDALWarpAppOptionsNew(ptrs.as_mut_ptr(), std::ptr::null_mut());
        if opts.is_null() {
            return Err(Error::Invalid(format!("bad gdalwarp options: {}", all.join(" "))));
        }
        let mut srcs = [src.c_dataset()];
        let mut usage_err = 0;
        let empty = CString::new("").unwrap();
        let out = gdal_sys::GDALWarp(empty.as_ptr(), std::ptr::null_mut(), 1, srcs.as_mut_ptr(), opts, &mut usage_err);
        gdal_sys::GDALWarpAppOptionsFree(opts);
        if out.is_null() {
            return Err(Error::Invalid(format!("gdalwarp failed ({})", last_gdal_error())));
        }
        Ok(Dataset::from_c_dataset(out))
    }
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

/// Warp `src` onto `grid` (its CRS, extent and cells) with `resampling`, as Float32 with NaN for no data, into an
/// in-memory dataset. Source nodata is the source band's.
pub fn warp_onto(src: &Dataset, grid: &Grid, resampling: &str) -> Result<Dataset> {
    warp_onto_from(src, None, grid, resampling)
}

/// [`warp_onto`], reading `src` in CRS `src_srs` (any definition GDAL reads) when it is given: for a source that
/// carries none.
pub fn warp_onto_from(src: &Dataset, src_srs: Option<&str>, grid: &Grid, resampling: &str) -> Result<Dataset> {
    let (xmin, ymin, xmax, ymax) = grid.extent();
    let mut args: Vec<String> = match src_srs {
        Some(s) => vec!["-s_srs".into(), s.into()],
        None => Vec::new(),
    };
    args.extend(
        [
            "-r",
            resampling,
            "-t_srs",
            &grid.wkt,
            "-te",
            &xmin.to_string(),
            &ymin.to_string(),
            &xmax.to_string(),
            &ymax.to_string(),
            "-ts",
            &grid.cols.to_string(),
            &grid.rows.to_string(),
            "-dstnodata",
            "nan",
            "-ot",
            "Float32",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    gdalwarp_mem(src, &args)
}

fn last_gdal_error() -> String {
    // SAFETY: CPLGetLastErrorMsg returns NULL or a NUL-terminated string owned by GDAL (thread-local), valid until
    // the next GDAL error on this thread; it is copied at once.
    unsafe {
        let msg = gdal_sys::CPLGetLastErrorMsg();
        if msg.is_null() {
            String::from("no message")
        } else {
            std::ffi::CStr::from_ptr(msg).to_string_lossy().into_owned()
        }
    }
}

fn read_band_f32(path: &Path, ds: &Dataset, band: usize) -> Result<(Vec<f32>, Option<f64>)> {
    let b = ds.rasterband(band).map_err(|e| Error::input(path.display(), format!("band {band}: {e}")))?;
    let (cols, rows) = ds.raster_size();
    let buf = b
        .read_as::<f32>((0, 0), (cols, rows), (cols, rows), None)
        .map_err(|e| Error::input(path.display(), format!("cannot read band {band}: {e}")))?;
    Ok((buf.into_shape_and_vec().1, b.no_data_value()))
}

/// Counts of values set aside while sanitising one layer.
#[derive(Default)]
struct Dropped {
    nodata: usize,
    implausible: usize,
    example: Option<f64>,
}

/// Replace nodata-tagged and implausible values with NaN.
fn sanitize(values: &mut [f32], nodata: Option<f64>, lo: f64, hi: f64) -> Dropped {
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

/// A FARSITE .lcp band (GDAL's LCP driver) in the units its header gives, converted to the LANDFIRE conventions the
/// rest of the loader reads (elevation m, slope in `slope_units`, aspect azimuth degrees with -1 flat, canopy cover
/// percent, heights m x 10, bulk density kg/m3 x 100). FARSITE writes -9999 for nodata, and for the aspect of flat
/// cells: there it is flat. Returns what it noticed. Header codes: GDAL's LCP driver documentation.
fn lcp_to_landfire_units(
    path: &Path,
    ds: &Dataset,
    band: usize,
    kind: Kind,
    slope_units: SlopeUnits,
    values: &mut [f32],
) -> Result<Vec<String>> {
    use gdal::Metadata;
    let b = ds.rasterband(band)?;
    let key = match kind {
        Kind::Elevation => "ELEVATION_UNIT",
        Kind::Slope => "SLOPE_UNIT",
        Kind::Aspect => "ASPECT_UNIT",
        Kind::Fuel => "FUEL_MODEL_OPTION",
        Kind::CanopyCover => "CANOPY_COV_UNIT",
        Kind::CanopyHeight => "CANOPY_HT_UNIT",
        Kind::CanopyBaseHeight => "CBH_UNIT",
        Kind::CanopyBulkDensity => "CBD_UNIT",
    };
    let unit: i64 = b.metadata_item(key, "").and_then(|v| v.trim().parse().ok()).unwrap_or(-1);
    let name = b.metadata_item(&format!("{key}_NAME"), "").unwrap_or_else(|| format!("code {unit}"));
    let unsupported = || {
        Error::input(
            path.display(),
            format!("{}: the LCP header's unit `{name}` ({key} {unit}) is not supported", kind.name()),
        )
    };
    let mut notes = Vec::new();
    let mut flat = 0usize;
    let convert: Box<dyn Fn(f64) -> f64 + Sync> = match kind {
        Kind::Elevation => match unit {
            1 => Box::new(|v| v * M_PER_FT),
            _ => Box::new(|v| v),
        },
        Kind::Slope => {
            let from_pct = unit == 1;
            match (from_pct, slope_units) {
                (true, SlopeUnits::Degrees) => Box::new(|v: f64| frac_from_pct(v).atan().to_degrees()),
                (false, SlopeUnits::Percent) => Box::new(|v: f64| 100.0 * v.to_radians().tan()),
                _ => Box::new(|v| v),
            }
        }
        Kind::Aspect => match unit {
            2 => Box::new(|v| v),
            // GRASS degrees: counterclockwise from east, 0 undefined (flat).
            1 => Box::new(|v| if v == 0.0 { -1.0 } else { (450.0 - v).rem_euclid(360.0) }),
            _ => return Err(unsupported()),
        },
        Kind::Fuel => Box::new(|v| v),
        Kind::CanopyCover => match unit {
            1 => Box::new(|v| v),
            _ => return Err(unsupported()),
        },
        Kind::CanopyHeight | Kind::CanopyBaseHeight => match unit {
            1 => Box::new(|v| v * 10.0),
            2 => Box::new(|v| v * 3.048),
            3 => Box::new(|v| v),
            4 => Box::new(|v| v * M_PER_FT),
            _ => return Err(unsupported()),
        },
        Kind::CanopyBulkDensity => match unit {
            1 => Box::new(pct_from_frac),
            2 => Box::new(|v| v * 1601.846),
            3 => Box::new(|v| v),
            4 => Box::new(|v| v * 1.601846),
            _ => return Err(unsupported()),
        },
    };
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

/// UTM zone EPSG code (WGS 84) for a longitude/latitude.
pub fn utm_epsg(lon: f64, lat: f64) -> u32 {
    let zone = (((lon + 180.0) / 6.0).floor() as i32).clamp(0, 59) + 1;
    if lat >= 0.0 {
        32600 + zone as u32
    } else {
        32700 + zone as u32
    }
}

/// One layer to read: its kind, file and band.
struct Job {
    kind: Kind,
    path: PathBuf,
    band: usize,
}

/// Read one layer from an open dataset onto `target`, sanitised (NaN where nodata or implausible). Returns the
/// values and what reading noticed.
fn read_layer(ds: &Dataset, job: &Job, target: &Grid, slope_units: SlopeUnits, assign: Option<&str>) -> LayerRead {
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
    let (mut values, mut nodata) = read_band_f32(path, ds, band)?;
    if ds.driver().short_name() == "LCP" {
        notes.extend(lcp_to_landfire_units(path, ds, band, kind, slope_units, &mut values)?);
        nodata = None;
    }
    let dropped = sanitize(&mut values, nodata, lo, hi);
    let values = if same_grid(&grid, target) {
        values
    } else {
        let mem = mem_dataset(&grid, &values)?;
        let t = target;
        let (xmin, ymin, xmax, ymax) = t.extent();
        let warped = warp_onto(&mem, t, kind.resampling())
            .map_err(|e| Error::input(path.display(), format!("cannot warp onto the fuel grid: {e}")))?;
        let (v, _) = read_band_f32(path, &warped, 1)?;
        let valid = v.iter().filter(|x| x.is_finite()).count();
        if valid == 0 {
            let (a, b, c, d) = grid.extent();
            return Err(Error::input(
                path.display(),
                format!(
                    "does not overlap the fuel raster: its extent {a:.1},{b:.1} .. {c:.1},{d:.1} in {} lies outside {xmin:.1},{ymin:.1} .. {xmax:.1},{ymax:.1} in {}",
                    grid.crs_name(),
                    t.crs_name()
                ),
            ));
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
type LayerRead = Result<(Vec<f32>, Vec<String>)>;

/// Read every job, the files in parallel (each with its own GDAL handle; the bands of one file in order on one
/// handle, so a pixel-interleaved LCP is decoded once). Results and notes in job order; the first error in job
/// order wins.
fn read_layers(
    jobs: &[Job],
    target: &Grid,
    slope_units: SlopeUnits,
    assign: Option<&str>,
) -> Result<(Vec<Vec<f32>>, Vec<String>)> {
    use rayon::prelude::*;
    let mut files: Vec<&Path> = Vec::new();
    for j in jobs {
        if !files.contains(&j.path.as_path()) {
            files.push(&j.path);
        }
    }
    // One file (an LCP): its blocks decoded on every core by GDAL (>= 3.6); several files: one per core here, GDAL's
    // decoding single-threaded (both at once oversubscribe the cores). A GDAL_NUM_THREADS the user set is kept.
    let user_threads = !gdal::config::get_config_option("GDAL_NUM_THREADS", "").unwrap_or_default().is_empty();
    let per_file: Vec<Vec<(usize, LayerRead)>> = files
        .par_iter()
        .map(|f| {
            if !user_threads {
                let threads = if files.len() == 1 { "ALL_CPUS" } else { "1" };
                let _ = gdal::config::set_thread_local_config_option("GDAL_NUM_THREADS", threads);
            }
            let mine: Vec<usize> = (0..jobs.len()).filter(|&k| jobs[k].path.as_path() == *f).collect();
            match open(f) {
                Err(e) => vec![(mine[0], Err(e))],
                Ok(ds) => {
                    mine.into_iter().map(|k| (k, read_layer(&ds, &jobs[k], target, slope_units, assign))).collect()
                }
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

impl LandscapeSpec {
    /// Layers named as ELMFIRE names them in one folder: dem.tif, slp.tif (degrees), asp.tif, fbfm40.tif, cc.tif,
    /// ch.tif, cbh.tif, cbd.tif.
    pub fn from_elmfire_dir(dir: &Path) -> LandscapeSpec {
        let f = |n: &str| Some(dir.join(format!("{n}.tif")));
        LandscapeSpec {
            elevation: f("dem"),
            slope: f("slp"),
            aspect: f("asp"),
            fuel: f("fbfm40"),
            canopy_cover: f("cc"),
            canopy_height: f("ch"),
            canopy_base_height: f("cbh"),
            canopy_bulk_density: f("cbd"),
            ..Default::default()
        }
    }
}

/// Memory a run needs per landscape cell, bytes (estimate): the layers as f32 and f64 working copies, slope and
/// aspect, spread parameters, the spread state and its lists, behaviour at arrival and the product rasters.
pub const BYTES_PER_CELL_TO_RUN: u128 = 160;

impl Landscape {
    /// Read, check and align a landscape.
    pub fn load(spec: &LandscapeSpec) -> Result<Landscape> {
        let mut catalog = FuelCatalog::standard();
        let mut notes = Vec::new();
        if let Some(p) = &spec.fuel_models {
            let (n, replaced) = catalog.load_custom(p)?;
            notes.push(format!("read {n} custom fuel model(s) from {}", p.display()));
            notes.extend(replaced);
        }
        // (path, band) of each layer.
        let lcp = spec.lcp.as_deref();
        let layer = |explicit: &Option<PathBuf>, band: usize| -> Option<(PathBuf, usize)> {
            explicit.clone().map(|p| (p, 1)).or_else(|| lcp.map(|p| (p.to_path_buf(), band)))
        };
        let fuel_src = layer(&spec.fuel, 4)
            .ok_or_else(|| Error::Invalid("no fuel raster: give --lcp FILE or --fuel FILE".into()))?;
        let elev_src = layer(&spec.elevation, 1)
            .ok_or_else(|| Error::Invalid("no elevation raster: give --lcp FILE or --elevation FILE".into()))?;
        let lcp_bands = match lcp {
            Some(p) => {
                let n = open(p)?.raster_count();
                if n < 5 && spec.fuel.is_none() {
                    return Err(Error::input(p.display(), format!("has {n} bands; an LCP landscape needs at least 5 (elevation, slope, aspect, fuel, canopy cover)")));
                }
                n
            }
            None => 0,
        };
        let lcp_band = |explicit: &Option<PathBuf>, band: usize| -> Option<(PathBuf, usize)> {
            explicit.clone().map(|p| (p, 1)).or_else(|| {
                if band <= lcp_bands {
                    lcp.map(|p| (p.to_path_buf(), band))
                } else {
                    None
                }
            })
        };
        // A layer given on its own is one band: a multi-band file there (an LCP given as --fuel, say) would have its
        // first band read as that layer. With an LCP too, the layer given overrides the LCP's band: say so.
        for (name, flag, explicit, band) in [
            ("fuel", "--fuel", &spec.fuel, 4),
            ("elevation", "--elevation", &spec.elevation, 1),
            ("slope", "--slope", &spec.slope, 2),
            ("aspect", "--aspect", &spec.aspect, 3),
            ("canopy cover", "--canopy-cover", &spec.canopy_cover, 5),
            ("canopy height", "--canopy-height", &spec.canopy_height, 6),
            ("canopy base height", "--canopy-base-height", &spec.canopy_base_height, 7),
            ("canopy bulk density", "--canopy-bulk-density", &spec.canopy_bulk_density, 8),
        ] {
            let Some(p) = explicit else { continue };
            let n = open(p)?.raster_count();
            // Its first band is read: right for elevation (an LCP's first band), wrong for any other layer.
            if n > 1 && band != 1 {
                return Err(Error::input(
                    p.display(),
                    format!(
                        "{flag}: this file has {n} bands and its first would be read as the {name} layer (an LCP? \
                         give it as --lcp, or a single-band {name} raster)"
                    ),
                ));
            }
            if let (Some(l), true) = (lcp, band <= lcp_bands) {
                notes.push(format!("{flag} {} overrides band {band} ({name}) of the LCP {}", p.display(), l.display()));
            }
        }
        // The fuel raster defines the grid; a geographic one is taken to its local UTM zone.
        let fuel_ds = open(&fuel_src.0)?;
        let assign = match &spec.assign_crs {
            None => None,
            Some(a) => {
                let srs = SpatialRef::from_definition(a).map_err(|e| {
                    Error::Invalid(format!("--assign-crs `{a}`: not a CRS GDAL knows ({e}); give e.g. EPSG:32611"))
                })?;
                if !srs.is_projected() {
                    return Err(Error::Invalid(format!(
                        "--assign-crs `{a}`: not a projected CRS in metres (a landscape's cells are metres)"
                    )));
                }
                Some(srs.to_wkt()?)
            }
        };
        let assign = assign.as_deref();
        if let (Some(a), Ok(ds)) = (&spec.assign_crs, Dataset::open(&fuel_src.0)) {
            if ds.projection().trim().is_empty() {
                notes.push(format!("{} has no CRS: read in {a} (--assign-crs)", fuel_src.0.display()));
            }
        }
        let mut target = dataset_grid(&fuel_src.0, &fuel_ds, assign)?;
        let srs = SpatialRef::from_wkt(&target.wkt)?;
        if srs.is_geographic() {
            let (xmin, ymin, xmax, ymax) = target.extent();
            let epsg = utm_epsg((xmin + xmax) / 2.0, (ymin + ymax) / 2.0);
            let sub = if fuel_src.1 == 1 { fuel_ds } else { open(&fuel_src.0)? };
            let args: Vec<String> =
                ["-r", "near", "-t_srs", &format!("EPSG:{epsg}")].iter().map(|s| s.to_string()).collect();
            let warped = gdalwarp_mem(&sub, &args)?;
            let mut g = dataset_grid(&fuel_src.0, &warped, assign)?;
            // Square cells of the mean size, so that spread sees an isotropic grid.
            let cell = (g.dx() + g.dy()) / 2.0;
            let (xmin2, ymin2, xmax2, ymax2) = g.extent();
            g.cols = ((xmax2 - xmin2) / cell).round().max(1.0) as usize;
            g.rows = ((ymax2 - ymin2) / cell).round().max(1.0) as usize;
            g.geotransform = [xmin2, cell, 0.0, ymax2, 0.0, -cell];
            notes.push(format!(
                "fuel raster {} is in a geographic CRS ({}); the landscape is warped to WGS 84 / UTM (EPSG:{epsg}) with {cell:.2} m cells",
                fuel_src.0.display(),
                target.crs_name()
            ));
            target = g;
        }
        // Refuse, before reading, a grid whose layers and a run over them cannot fit in memory.
        crate::quantity::grid_fits(
            target.len() as u128,
            BYTES_PER_CELL_TO_RUN,
            &format!("landscape {} ({} x {} cells)", fuel_src.0.display(), target.cols, target.rows),
        )?;
        let slope_units = spec.slope_units.unwrap_or(SlopeUnits::Degrees);
        let job = |kind: Kind, (path, band): (PathBuf, usize)| Job { kind, path, band };
        let mut jobs = vec![job(Kind::Fuel, fuel_src.clone()), job(Kind::Elevation, elev_src)];
        for (explicit, band, kind) in [
            (&spec.slope, 2, Kind::Slope),
            (&spec.aspect, 3, Kind::Aspect),
            (&spec.canopy_cover, 5, Kind::CanopyCover),
            (&spec.canopy_height, 6, Kind::CanopyHeight),
            (&spec.canopy_base_height, 7, Kind::CanopyBaseHeight),
            (&spec.canopy_bulk_density, 8, Kind::CanopyBulkDensity),
        ] {
            if let Some(src) = lcp_band(explicit, band) {
                jobs.push(job(kind, src));
            }
        }
        let kinds: Vec<Kind> = jobs.iter().map(|j| j.kind).collect();
        let (layers, read_notes) = read_layers(&jobs, &target, slope_units, assign)?;
        notes.extend(read_notes);
        let mut layers: Vec<Option<Vec<f32>>> = layers.into_iter().map(Some).collect();
        let mut take = |k: Kind| kinds.iter().position(|&x| x == k).and_then(|i| layers[i].take());
        let fuel_raw = take(Kind::Fuel).unwrap_or_default();
        let elev = take(Kind::Elevation).unwrap_or_default();
        let slope = take(Kind::Slope);
        let aspect = take(Kind::Aspect);
        let canopy = [
            take(Kind::CanopyCover),
            take(Kind::CanopyHeight),
            take(Kind::CanopyBaseHeight),
            take(Kind::CanopyBulkDensity),
        ];
        let n = target.len();
        // A conversion file maps the layer's codes to fuel models first (FARSITE's .cnv).
        let mut fuel_raw = fuel_raw;
        if let Some(p) = &spec.fuel_conversion {
            let table = read_fuel_conversion(p)?;
            let mut converted = 0usize;
            for v in fuel_raw.iter_mut() {
                if v.is_finite() && (*v - v.round()).abs() <= 1e-6 {
                    if let Some(&(_, to)) = table.iter().find(|(from, _)| *from as f32 == v.round()) {
                        *v = to as f32;
                        converted += 1;
                    }
                }
            }
            notes.push(format!("fuel codes converted by {}: {} pairs, {converted} cells", p.display(), table.len()));
        }
        // Fuel codes: integers known to the catalogue; unknown positive codes are an error listing them.
        let mut fuel = vec![FUEL_NODATA; n];
        let mut unknown: BTreeMap<i64, usize> = BTreeMap::new();
        let (mut non_integer, mut non_integer_examples) = (0usize, Vec::<String>::new());
        // Known codes, looked up once per code rather than once per cell.
        let mut known: Vec<Option<bool>> = vec![None; u16::MAX as usize + 1];
        for (i, &v) in fuel_raw.iter().enumerate() {
            if !v.is_finite() {
                continue;
            }
            let code = v.round() as i64;
            if (v - code as f32).abs() > 1e-6 {
                // A float raster of interpolated codes (resampled bilinearly, say): not a code at all.
                non_integer += 1;
                if non_integer_examples.len() < 5 && !non_integer_examples.contains(&v.to_string()) {
                    non_integer_examples.push(v.to_string());
                }
                continue;
            }
            let ok = (v - code as f32).abs() <= 1e-6
                && (1..=u16::MAX as i64).contains(&code)
                && *known[code as usize].get_or_insert_with(|| catalog.get(code as u16).is_some());
            if ok {
                fuel[i] = code as u16;
            } else {
                *unknown.entry(code).or_insert(0) += 1;
            }
        }
        if non_integer > 0 {
            return Err(Error::input(
                fuel_src.0.display(),
                format!(
                    "{non_integer} fuel cells hold values that are not integers (e.g. {}): fuel model codes are whole numbers; was the layer resampled with an interpolating method? Use nearest neighbour",
                    non_integer_examples.join(", ")
                ),
            ));
        }
        if !unknown.is_empty() {
            // At most 12 codes listed (an elevation band given as fuel has thousands).
            let mut list: Vec<String> = unknown.iter().take(12).map(|(c, k)| format!("{c} ({k} cells)")).collect();
            if unknown.len() > 12 {
                list.push(format!("and {} more codes", unknown.len() - 12));
            }
            let bands = Dataset::open(&fuel_src.0).map(|d| d.raster_count()).unwrap_or(1);
            let hint = if spec.lcp.is_none() && bands >= 8 {
                format!(" (the file has {bands} bands: is it a landscape to give as --lcp / lcp = ...?)")
            } else {
                String::new()
            };
            return Err(Error::input(
                fuel_src.0.display(),
                format!(
                    "unknown fuel model codes{hint}: {}. Known: Anderson 1-13, Scott & Burgan 101-204, non-burnable 91-99{}; add custom models with --fuel-models FILE",
                    list.join(", "),
                    if spec.fuel_models.is_some() { ", and the custom models given" } else { "" }
                ),
            ));
        }
        use rayon::prelude::*;
        let elevation_m = elev;
        let slope_tan: Option<Vec<f32>> = slope.map(|mut s| {
            s.par_iter_mut().for_each(|x| {
                *x = match slope_units {
                    SlopeUnits::Degrees => (*x as f64).to_radians().tan() as f32,
                    SlopeUnits::Percent => frac_from_pct(*x as f64) as f32,
                }
            });
            s
        });
        let aspect_deg: Option<Vec<f32>> = aspect;
        if let Some(s) = &slope_tan {
            if let Some(n) = slope_units_note(&target, &elevation_m, s, slope_units) {
                notes.push(n);
            }
        }
        // Canopy layers, from LANDFIRE's scaled integers to SI: nodata means no canopy.
        let [cc, ch, cbh, cbd] = canopy;
        let canopy_f32 = |v: Option<Vec<f32>>, scale: f64| -> Option<Vec<f32>> {
            v.map(|mut v| {
                v.par_iter_mut().for_each(|x| *x = if x.is_finite() { (*x as f64 * scale) as f32 } else { 0.0 });
                v
            })
        };
        let canopy_cover_frac = canopy_f32(cc, 0.01);
        let canopy_height_m = canopy_f32(ch, 0.1);
        let canopy_base_height_m = canopy_f32(cbh, 0.1);
        let canopy_bulk_density_kg_per_m3 = canopy_f32(cbd, 0.01);
        // A cell is valid when its fuel code, elevation and (given) terrain are all valid.
        let mut nodata_cells = 0;
        let mut invalid_terrain = 0;
        for i in 0..n {
            let terrain_ok = elevation_m[i].is_finite()
                && slope_tan.as_ref().is_none_or(|s| s[i].is_finite())
                && aspect_deg.as_ref().is_none_or(|a| a[i].is_finite());
            if fuel[i] != FUEL_NODATA && !terrain_ok {
                invalid_terrain += 1;
                fuel[i] = FUEL_NODATA;
            }
            if fuel[i] == FUEL_NODATA {
                nodata_cells += 1;
            }
        }
        if invalid_terrain > 0 {
            notes.push(format!("{invalid_terrain} cells with a fuel code but nodata or implausible terrain treated as non-burnable nodata"));
        }
        if nodata_cells > 0 {
            notes.push(format!(
                "{nodata_cells} of {n} cells ({:.1} %) are nodata and never burn",
                100.0 * nodata_cells as f64 / n.max(1) as f64
            ));
        }
        Ok(Landscape {
            grid: target,
            elevation_m,
            slope_tan,
            aspect_deg,
            fuel,
            canopy_cover_frac,
            canopy_height_m,
            canopy_base_height_m,
            canopy_bulk_density_kg_per_m3,
            catalog,
            notes,
            nodata_cells,
        })
    }

    /// A uniform landscape held in memory (tests, benchmarks): one fuel model on a north-up grid of `cell_m`
    /// cells in `epsg` (a projected CRS), a plane of slope `slope_tan` facing `aspect_deg` (-1: flat), no canopy.
    pub fn uniform(
        rows: usize,
        cols: usize,
        cell_m: f64,
        epsg: u32,
        fuel_code: u16,
        slope_tan: f32,
        aspect_deg: f32,
    ) -> Result<Landscape> {
        let srs = SpatialRef::from_epsg(epsg)?;
        let grid =
            Grid { rows, cols, geotransform: [500_000.0, cell_m, 0.0, 4_000_000.0, 0.0, -cell_m], wkt: srs.to_wkt()? };
        let catalog = FuelCatalog::standard();
        if catalog.get(fuel_code).is_none() {
            return Err(Error::Invalid(format!("fuel model {fuel_code} is not a standard fuel model")));
        }
        let n = rows * cols;
        // Elevation of the plane: rises toward the azimuth opposite the aspect.
        let mut elevation_m = vec![0f32; n];
        if aspect_deg >= 0.0 {
            let up = ((aspect_deg as f64) + 180.0).to_radians();
            let (ue, un) = (up.sin(), up.cos());
            for r in 0..rows {
                for c in 0..cols {
                    let (e, nn) = (c as f64 * cell_m, -(r as f64) * cell_m);
                    elevation_m[r * cols + c] = (100.0 + slope_tan as f64 * (e * ue + nn * un)) as f32;
                }
            }
        }
        Ok(Landscape {
            grid,
            elevation_m,
            slope_tan: Some(vec![slope_tan; n]),
            aspect_deg: Some(vec![aspect_deg; n]),
            fuel: vec![fuel_code; n],
            canopy_cover_frac: None,
            canopy_height_m: None,
            canopy_base_height_m: None,
            canopy_bulk_density_kg_per_m3: None,
            catalog,
            notes: vec!["uniform landscape made in memory".into()],
            nodata_cells: 0,
        })
    }

    /// Fill slope and aspect from the DEM (Horn 1981) when either was not given, on `engine`.
    pub fn ensure_terrain(&mut self, engine: &crate::gpu::Engine) -> Result<()> {
        if self.slope_tan.is_some() && self.aspect_deg.is_some() {
            return Ok(());
        }
        let (slope, aspect) = crate::landscape::terrain::slope_aspect(engine, &self.grid, &self.elevation_m)?;
        let which = match (self.slope_tan.is_none(), self.aspect_deg.is_none()) {
            (true, true) => "slope and aspect",
            (true, false) => "slope (the aspect layer was given)",
            _ => "aspect (the slope layer was given)",
        };
        self.notes.push(format!("{which} derived from the DEM (Horn 1981) on {}", engine.name()));
        if self.slope_tan.is_none() {
            self.slope_tan = Some(slope);
        }
        if self.aspect_deg.is_none() {
            self.aspect_deg = Some(aspect);
        }
        Ok(())
    }

    /// Histogram of fuel codes: code -> cells (nodata under [`FUEL_NODATA`]).
    pub fn fuel_histogram(&self) -> BTreeMap<u16, usize> {
        let mut h = BTreeMap::new();
        for &f in &self.fuel {
            *h.entry(f).or_insert(0) += 1;
        }
        h
    }
}

/// A note when the slope layer's values fit the DEM's own slope (Horn 1981, on a sample of up to 20 000 cells)
/// clearly better in the other unit than the one they were read in: percent read as degrees, or degrees as percent.
fn slope_units_note(grid: &Grid, elev: &[f32], slope_tan: &[f32], units: SlopeUnits) -> Option<String> {
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

/// Parameters of `landscape synth`.
#[derive(Clone, Debug)]
pub struct SynthSpec {
    pub fuel_code: u16,
    pub rows: usize,
    pub cols: usize,
    pub cell_size_m: f64,
    pub slope_pct: f64,
    pub aspect_deg: f64,
    pub epsg: u32,
    /// Upper-left corner (x, y) in the CRS.
    pub origin: (f64, f64),
}

/// Write a uniform 8-band landscape (LCP band order, Float32, LANDFIRE units) whose DEM is the plane of the given
/// slope and aspect, so derived and given slopes agree.
pub fn write_synthetic(spec: &SynthSpec, out: &Path) -> Result<()> {
    if spec.rows == 0 || spec.cols == 0 || spec.cell_size_m <= 0.0 {
        return Err(Error::Invalid("synth: rows, cols and cell size must be positive".into()));
    }
    let srs = SpatialRef::from_epsg(spec.epsg).map_err(|e| Error::Invalid(format!("--epsg {}: {e}", spec.epsg)))?;
    let grid = Grid {
        rows: spec.rows,
        cols: spec.cols,
        geotransform: [spec.origin.0, spec.cell_size_m, 0.0, spec.origin.1, 0.0, -spec.cell_size_m],
        wkt: srs.to_wkt()?,
    };
    let n = grid.len();
    // Plane rising toward the upslope azimuth (aspect + 180) with gradient slope_pct / 100.
    let up = (spec.aspect_deg + 180.0).to_radians();
    let g = frac_from_pct(spec.slope_pct);
    let mut elev = vec![0f32; n];
    let (cx, cy) = grid.cell_center(spec.rows / 2, spec.cols / 2);
    for r in 0..spec.rows {
        for c in 0..spec.cols {
            let (x, y) = grid.cell_center(r, c);
            elev[r * spec.cols + c] = (500.0 + g * ((x - cx) * up.sin() + (y - cy) * up.cos())) as f32;
        }
    }
    let slope_deg = (g.atan().to_degrees()) as f32;
    let aspect = if spec.slope_pct > 0.0 { spec.aspect_deg.rem_euclid(360.0) as f32 } else { -1.0 };
    let bands: [Vec<f32>; 8] = [
        elev,
        vec![slope_deg; n],
        vec![aspect; n],
        vec![spec.fuel_code as f32; n],
        vec![0.0; n],
        vec![0.0; n],
        vec![0.0; n],
        vec![0.0; n],
    ];
    crate::io::write_multiband_geotiff(
        out,
        &grid,
        &bands,
        &LCP_BAND_NAMES,
        -9999.0,
        &[("EMBERFALL_SYNTHETIC", "uniform landscape from `emberfall landscape synth`")],
    )
}
