//! Files through GDAL and the file system, below every stage: CRS from WKT, GeoTIFF and Cloud Optimized GeoTIFF
//! rasters (sparse, windowed, in parallel) and text. Every file is written under a temporary name in its
//! destination folder and renamed when complete, so a failed run leaves no half-written file; a run's products
//! are staged and moved into place together ([`staging`]); SIGINT and SIGTERM remove what is unfinished
//! ([`interrupt`]). Maps are drawn by [`crate::run::render`].

pub mod grid;
pub mod interrupt;
pub mod progress;
pub mod staging;
pub mod vector;
pub mod warp;

pub use staging::Staging;

use std::path::{Path, PathBuf};

use gdal::raster::RasterCreationOptions;
use gdal::spatial_ref::SpatialRef;
use gdal::{DriverManager, Metadata};

use crate::error::{Error, Result};
use grid::Grid;

/// Temporary sibling path of `path` (same folder, so the final rename is atomic).
pub fn temp_path(path: &Path) -> PathBuf {
    // Keep the extension: some GDAL drivers (GeoPackage) check it.
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    match path.extension() {
        Some(ext) => path.with_file_name(format!(".{stem}.partial-{}.{}", std::process::id(), ext.to_string_lossy())),
        None => path.with_file_name(format!(".{stem}.partial-{}", std::process::id())),
    }
}

/// Write `path` through `write` to a temporary file, then rename it into place. The temporary file is removed
/// when `write` fails. A destination that exists and is not a regular file (a device such as /dev/stdout or
/// /dev/full, a pipe) is written in place, never replaced, and its write errors are errors; a folder is an error.
pub fn write_atomic(path: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.is_dir() {
            return Err(Error::output(path.display(), "is a folder, not a file"));
        }
        if !meta.is_file() {
            return write(path);
        }
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::output(dir.display(), format!("cannot create the folder: {e}")))?;
    }
    if interrupt::interrupted() {
        return Err(Error::output(path.display(), "not written: the run was interrupted"));
    }
    let tmp = temp_path(path);
    let _ = std::fs::remove_file(&tmp);
    interrupt::register(&tmp);
    let result = match write(&tmp) {
        Ok(()) => std::fs::rename(&tmp, path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::io(path, e)
        }),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    };
    interrupt::unregister(&tmp);
    result
}

/// Check, before any work, that `dir` can receive a run's outputs: not a file, creatable, writable (a probe file is
/// written and removed).
pub fn check_output_dir(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::output(dir.display(), "the output folder is a file"));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::output(dir.display(), format!("cannot create the output folder: {e}")))?;
    let probe = dir.join(format!(".emberfall-write-check-{}", std::process::id()));
    std::fs::write(&probe, b"")
        .map_err(|e| Error::output(dir.display(), format!("cannot write in the output folder: {e}")))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// Write a CSV through `csv` atomically.
pub fn write_csv<H: AsRef<str>>(path: &Path, header: &[H], rows: &[Vec<String>]) -> Result<()> {
    write_atomic(path, |tmp| {
        let mut w = csv::Writer::from_path(tmp).map_err(|e| Error::output(path.display(), e.to_string()))?;
        let werr = |e: csv::Error| Error::output(path.display(), e.to_string());
        w.write_record(header.iter().map(|h| h.as_ref())).map_err(werr)?;
        for r in rows {
            w.write_record(r).map_err(werr)?;
        }
        w.flush().map_err(|e| Error::io(path, e))
    })
}

/// Write text atomically; the data are flushed to the file, so a full disk is an error here.
pub fn write_text(path: &Path, text: &str) -> Result<()> {
    write_atomic(path, |tmp| {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(tmp)
            .map_err(|e| Error::io(path, e))?;
        f.write_all(text.as_bytes()).and_then(|_| f.flush()).map_err(|e| Error::io(path, e))?;
        if std::fs::metadata(tmp).map(|m| m.is_file()).unwrap_or(false) {
            f.sync_all().map_err(|e| Error::io(path, e))?;
        }
        Ok(())
    })
}

fn mem_multiband(
    grid: &Grid,
    bands: &[Vec<f32>],
    names: &[&str],
    nodata: f64,
    metadata: &[(&str, &str)],
) -> Result<gdal::Dataset> {
    let driver = DriverManager::get_driver_by_name("MEM")?;
    let mut ds = driver.create_with_band_type::<f32, _>("", grid.cols, grid.rows, bands.len())?;
    ds.set_geo_transform(&grid.geotransform)?;
    ds.set_spatial_ref(&srs_from_wkt(&grid.wkt)?)?;
    for (key, value) in metadata {
        ds.set_metadata_item(key, value, "")?;
    }
    for (i, data) in bands.iter().enumerate() {
        if data.len() != grid.len() {
            return Err(Error::Internal(format!(
                "band {} has {} values for a {}-cell grid",
                i + 1,
                data.len(),
                grid.len()
            )));
        }
        let mut band = ds.rasterband(i + 1)?;
        band.set_no_data_value(Some(nodata))?;
        if let Some(name) = names.get(i) {
            band.set_description(name)?;
        }
        let clean: Vec<f32> = data.iter().map(|&v| if v.is_finite() { v } else { nodata as f32 }).collect();
        let mut buf = gdal::raster::Buffer::new((grid.cols, grid.rows), clean);
        band.write((0, 0), (grid.cols, grid.rows), &mut buf)?;
    }
    Ok(ds)
}

/// Write a Float32 GeoTIFF (DEFLATE, tiled, predictor 3) with several bands, atomically.
pub fn write_multiband_geotiff(
    path: &Path,
    grid: &Grid,
    bands: &[Vec<f32>],
    names: &[&str],
    nodata: f64,
    metadata: &[(&str, &str)],
) -> Result<()> {
    let mem = mem_multiband(grid, bands, names, nodata, metadata)?;
    let driver = DriverManager::get_driver_by_name("GTiff")?;
    let opts = tiff_options(true)?;
    write_atomic(path, |tmp| {
        mem.create_copy(&driver, tmp, &opts)
            .map(|_| ())
            .map_err(|e| Error::output(path.display(), format!("cannot write GeoTIFF: {e}")))
    })
}

/// The window (row, col, rows, cols) holding every value of `data` that is not `nodata` (None when all are).
fn data_window(grid: &Grid, data: &[f32], nodata: f32) -> Option<(usize, usize, usize, usize)> {
    let (mut r0, mut c0, mut r1, mut c1) = (usize::MAX, usize::MAX, 0, 0);
    for (r, row) in data.chunks(grid.cols.max(1)).enumerate() {
        let first = row.iter().position(|&v| v != nodata && !v.is_nan());
        if let Some(f) = first {
            let last = row.iter().rposition(|&v| v != nodata && !v.is_nan()).unwrap_or(f);
            (r0, r1, c0, c1) = (r0.min(r), r1.max(r), c0.min(f), c1.max(last));
        }
    }
    (r0 != usize::MAX).then(|| (r0, c0, r1 - r0 + 1, c1 - c0 + 1))
}

/// Write one Float32 raster: a tiled DEFLATE GeoTIFF, or a Cloud Optimized GeoTIFF when `cog`; NaN becomes
/// `nodata`. Tiles holding only nodata are not written (GDAL sparse files: `SPARSE_OK`), and a GeoTIFF is written
/// only over the window holding data: a small fire on a large landscape costs little to write.
pub fn write_raster(path: &Path, grid: &Grid, data: &[f32], name: &str, nodata: f64, cog: bool) -> Result<()> {
    check_cells(path, grid, data.len())?;
    let fail = |e: gdal::errors::GdalError| Error::output(path.display(), format!("cannot write raster: {e}"));
    if cog {
        let mem = mem_multiband(grid, &[data.to_vec()], &[name], nodata, &[])?;
        let mut o = RasterCreationOptions::new();
        o.set_name_value("COMPRESS", "DEFLATE")?;
        o.set_name_value("PREDICTOR", "YES")?;
        o.set_name_value("BLOCKSIZE", "256")?;
        o.set_name_value("BIGTIFF", "IF_SAFER")?;
        o.set_name_value("SPARSE_OK", "TRUE")?;
        let driver = DriverManager::get_driver_by_name("COG")?;
        return write_atomic(path, |tmp| mem.create_copy(&driver, tmp, &o).map(|_| ()).map_err(fail));
    }
    let driver = DriverManager::get_driver_by_name("GTiff")?;
    let mut opts = tiff_options(true)?;
    opts.set_name_value("SPARSE_OK", "TRUE")?;
    let window = data_window(grid, data, nodata as f32);
    write_atomic(path, |tmp| {
        let mut ds =
            driver.create_with_band_type_with_options::<f32, _>(tmp, grid.cols, grid.rows, 1, &opts).map_err(fail)?;
        ds.set_geo_transform(&grid.geotransform).map_err(fail)?;
        ds.set_spatial_ref(&srs_from_wkt(&grid.wkt)?).map_err(fail)?;
        {
            let mut band = ds.rasterband(1).map_err(fail)?;
            band.set_no_data_value(Some(nodata)).map_err(fail)?;
            band.set_description(name).map_err(fail)?;
        }
        if let Some((r0, c0, h, w)) = window {
            let mut band = ds.rasterband(1).map_err(fail)?;
            let mut cut = Vec::with_capacity(w * h);
            for row in data.chunks(grid.cols).skip(r0).take(h) {
                cut.extend(row[c0..c0 + w].iter().map(|&v| if v.is_finite() { v } else { nodata as f32 }));
            }
            let mut buf = gdal::raster::Buffer::new((w, h), cut);
            band.write((c0 as isize, r0 as isize), (w, h), &mut buf).map_err(fail)?;
        }
        ds.close().map_err(fail)?;
        Ok(())
    })
}

/// A raster of `n` values must cover `grid`: anything else is a bug of the caller.
fn check_cells(path: &Path, grid: &Grid, n: usize) -> Result<()> {
    if n != grid.len() {
        return Err(Error::Internal(format!("{}: {n} values for a {}-cell grid", path.display(), grid.len())));
    }
    Ok(())
}

/// A class of a categorical raster: its value, name and colour.
pub struct Category<'a> {
    pub value: u8,
    pub name: &'a str,
    pub rgb: [u8; 3],
}

/// Nodata of categorical (Byte) rasters.
pub const CATEGORY_NODATA: u8 = 255;

/// Write a categorical raster as Byte with a colour table and its class names as band metadata (GIS tools show the
/// classes in colour without a style file): `data` holds the class values, anything else (NaN, nodata, a value of no
/// class) becomes [`CATEGORY_NODATA`]. A tiled DEFLATE GeoTIFF, or a COG when `cog`.
pub fn write_categories(
    path: &Path,
    grid: &Grid,
    data: &[f32],
    name: &str,
    classes: &[Category],
    cog: bool,
) -> Result<()> {
    use gdal::raster::{ColorEntry, ColorTable, PaletteInterpretation};
    check_cells(path, grid, data.len())?;
    let fail = |e: gdal::errors::GdalError| Error::output(path.display(), format!("cannot write raster: {e}"));
    let bytes: Vec<u8> = data
        .iter()
        .map(|&v| classes.iter().find(|c| v == c.value as f32).map_or(CATEGORY_NODATA, |c| c.value))
        .collect();
    let mem_driver = DriverManager::get_driver_by_name("MEM")?;
    let mut mem = mem_driver.create_with_band_type::<u8, _>("", grid.cols, grid.rows, 1).map_err(fail)?;
    mem.set_geo_transform(&grid.geotransform).map_err(fail)?;
    mem.set_spatial_ref(&srs_from_wkt(&grid.wkt)?).map_err(fail)?;
    {
        let mut band = mem.rasterband(1).map_err(fail)?;
        band.set_no_data_value(Some(CATEGORY_NODATA as f64)).map_err(fail)?;
        band.set_description(name).map_err(fail)?;
        let mut buf = gdal::raster::Buffer::new((grid.cols, grid.rows), bytes);
        band.write((0, 0), (grid.cols, grid.rows), &mut buf).map_err(fail)?;
        let mut table = ColorTable::new(PaletteInterpretation::Rgba);
        for c in classes {
            let [r, g, b] = c.rgb;
            table.set_color_entry(c.value as u16, &ColorEntry::rgba(r as i16, g as i16, b as i16, 255));
        }
        table.set_color_entry(CATEGORY_NODATA as u16, &ColorEntry::rgba(0, 0, 0, 0));
        band.set_color_table(&table);
        // The class names as band metadata (CLASS_1=surface fire, ...): GeoTIFF keeps it in its GDAL_METADATA tag,
        // inside the file (GDAL's category names would go to a .aux.xml beside it).
        for c in classes {
            band.set_metadata_item(&format!("CLASS_{}", c.value), c.name, "").map_err(fail)?;
        }
    }
    let (driver, opts) = if cog {
        let mut o = RasterCreationOptions::new();
        o.set_name_value("COMPRESS", "DEFLATE")?;
        o.set_name_value("BLOCKSIZE", "256")?;
        (DriverManager::get_driver_by_name("COG")?, o)
    } else {
        (DriverManager::get_driver_by_name("GTiff")?, tiff_options(false)?)
    };
    write_atomic(path, |tmp| {
        let ds = mem.create_copy(&driver, tmp, &opts).map_err(fail)?;
        ds.close().map_err(fail)?;
        Ok(())
    })
}

/// Write several rasters on one grid in parallel (see [`write_raster`]): (path, data, description).
pub fn write_rasters(grid: &Grid, rasters: &[(PathBuf, &[f32], &str)], nodata: f64, cog: bool) -> Result<()> {
    use rayon::prelude::*;
    let results: Vec<Result<()>> =
        rasters.par_iter().map(|(p, data, desc)| write_raster(p, grid, data, desc, nodata, cog)).collect();
    results.into_iter().collect()
}

/// Open `path` with GDAL's vector drivers only, and, for the common extensions, with the driver the extension names
/// first. GDAL identifies formats by magic strings in a file's first bytes, so a value in an attribute could decide
/// the format: "^QUBE" made a GeoJSON look like an ISIS raster cube, "<kml" like a KML document (both found by
/// `cargo fuzz`). The error names the file and says what GDAL said, in words.
pub fn open_vector(path: &Path) -> Result<gdal::Dataset> {
    if !path.exists() {
        return Err(Error::input(path.display(), "file not found"));
    }
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let by_extension: &[&str] = match ext.as_str() {
        "geojson" | "json" => &["GeoJSON", "ESRIJSON", "TopoJSON"],
        "geojsonl" | "geojsons" => &["GeoJSONSeq"],
        "gpkg" => &["GPKG"],
        "shp" | "dbf" | "shx" => &["ESRI Shapefile"],
        "kml" | "kmz" => &["LIBKML", "KML"],
        "csv" => &["CSV"],
        "fgb" => &["FlatGeobuf"],
        "gml" => &["GML"],
        "gpx" => &["GPX"],
        "sqlite" => &["SQLite"],
        _ => &[],
    };
    let open = |drivers: Option<&[&str]>| {
        let opts = gdal::DatasetOptions {
            open_flags: gdal::GdalOpenFlags::GDAL_OF_VECTOR,
            allowed_drivers: drivers,
            ..Default::default()
        };
        gdal::Dataset::open_ex(path, opts)
    };
    let first = if by_extension.is_empty() { open(None) } else { open(Some(by_extension)) };
    // A file whose extension does not say what it is: any vector driver.
    let result = match first {
        Ok(ds) => Ok(ds),
        Err(e) if !by_extension.is_empty() => open(None).map_err(|_| e),
        Err(e) => Err(e),
    };
    result.map_err(|e| {
        let e = e.to_string();
        let why = if e.contains("NULL pointer") { "no GDAL vector driver reads it".to_string() } else { e };
        Error::input(path.display(), format!("GDAL cannot open it as a vector file: {why}"))
    })
}

/// A spatial reference from WKT in traditional GIS axis order (x = easting/longitude), as datasets store it.
pub fn srs_from_wkt(wkt: &str) -> Result<SpatialRef> {
    let mut srs = SpatialRef::from_wkt(wkt)?;
    srs.set_axis_mapping_strategy(gdal::spatial_ref::AxisMappingStrategy::TraditionalGisOrder);
    Ok(srs)
}

/// Creation options for DEFLATE-compressed tiled GeoTIFFs.
pub fn tiff_options(predictor_float: bool) -> Result<RasterCreationOptions> {
    let mut o = RasterCreationOptions::new();
    o.set_name_value("COMPRESS", "DEFLATE")?;
    o.set_name_value("TILED", "YES")?;
    o.set_name_value("BLOCKXSIZE", "256")?;
    o.set_name_value("BLOCKYSIZE", "256")?;
    o.set_name_value("BIGTIFF", "IF_SAFER")?;
    if predictor_float {
        o.set_name_value("PREDICTOR", "3")?;
    }
    Ok(o)
}

/// Route GDAL's (and PROJ's, through GDAL) messages away from standard error: an error GDAL raises reaches the
/// caller as a `gdal` error carrying its text, which Emberfall turns into one line naming the file and what is
/// wrong; warnings Emberfall checks for itself (nodata, CRS, geometry validity) are said in its own notes. With
/// `EMBERFALL_GDAL_MESSAGES=1` every message is also printed as GDAL gives it, for debugging.
pub fn route_gdal_messages() {
    let verbose = std::env::var_os("EMBERFALL_GDAL_MESSAGES").is_some_and(|v| v != "0");
    gdal::config::set_error_handler(move |class, code, msg| {
        if verbose {
            eprintln!("GDAL {class:?} {code}: {}", msg.trim_end());
        }
    });
}
