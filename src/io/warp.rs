//! GDAL plumbing shared by every stage that reads rasters onto a grid: warping onto a grid (the library form of
//! gdalwarp), in-memory datasets, CRS and grid comparison, the UTM zone of a point.

use std::ffi::CString;

use gdal::spatial_ref::SpatialRef;
use gdal::{Dataset, DriverManager};

use crate::error::{Error, Result};
use crate::io::grid::Grid;
use crate::io::srs_from_wkt;

pub(crate) fn same_crs(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match (SpatialRef::from_wkt(a), SpatialRef::from_wkt(b)) {
        // SAFETY: both handles belong to SpatialRefs alive for the call; OSRIsSame only reads them.
        (Ok(sa), Ok(sb)) => unsafe { gdal_sys::OSRIsSame(sa.to_c_hsrs(), sb.to_c_hsrs()) == 1 },
        _ => false,
    }
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
            CString::new(s.as_str())
                .map_err(|_| Error::value("gdalwarp argument", format!("`{s}`"), "holds a NUL byte"))
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
            return Err(Error::Internal(format!("bad gdalwarp options: {}", all.join(" "))));
        }
        let mut srcs = [src.c_dataset()];
        let mut usage_err = 0;
        let empty = CString::new("").unwrap();
        let out = gdal_sys::GDALWarp(empty.as_ptr(), std::ptr::null_mut(), 1, srcs.as_mut_ptr(), opts, &mut usage_err);
        gdal_sys::GDALWarpAppOptionsFree(opts);
        if out.is_null() {
            return Err(Error::Gdal(gdal::errors::GdalError::CplError {
                class: 3,
                number: 1,
                msg: format!("gdalwarp failed ({})", last_gdal_error()),
            }));
        }
        Ok(Dataset::from_c_dataset(out))
    }
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
            // Exact transforms (no interpolated approximation): a window warped alone gets the cells the whole
            // landscape's warp gives it.
            "-et",
            "0",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    gdalwarp_mem(src, &args)
}

pub(crate) fn last_gdal_error() -> String {
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

/// UTM zone EPSG code (WGS 84) for a longitude/latitude.
pub fn utm_epsg(lon: f64, lat: f64) -> u32 {
    let zone = (((lon + 180.0) / 6.0).floor() as i32).clamp(0, 59) + 1;
    if lat >= 0.0 {
        32600 + zone as u32
    } else {
        32700 + zone as u32
    }
}
