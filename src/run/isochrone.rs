//! Fire perimeters (isochrones) from an arrival-time raster: the region `arrival <= t` for each time `t`, traced
//! with GDAL's contour generator (marching squares through cell centres, linear interpolation) in polygon
//! mode, written as GeoPackage and GeoJSON layers with their time, area and perimeter.

use std::ffi::CString;
use std::path::Path;

use gdal::vector::{FieldValue, Geometry, LayerAccess, LayerOptions};
use gdal::DriverManager;
use gdal_sys::OGRFieldType;

use crate::error::{Error, Result};
use crate::io::write_atomic;
use crate::landscape::{srs_from_wkt, Grid};
use crate::units::{M2_PER_HA, MIN_PER_H};

/// Value standing for "not burned" in the contoured raster.
const NOT_BURNED: f32 = 1.0e9;

/// The burned region at one time.
pub struct Isochrone {
    pub time_min: f64,
    /// MultiPolygon in the grid's CRS (empty when nothing burned yet).
    pub geometry: Geometry,
    pub area_m2: f64,
    /// Length of every ring (outer boundaries and holes), m.
    pub perimeter_m: f64,
}

/// Trace the burned region at each of `times` from `arrival` (min, `nodata` where unburned).
pub fn trace(grid: &Grid, arrival: &[f32], nodata: f32, times: &[f64]) -> Result<Vec<Isochrone>> {
    // Crop to the burned cells plus a ring of unburned padding (outside the grid too), so perimeters close.
    let (mut r0, mut c0, mut r1, mut c1) = (usize::MAX, usize::MAX, 0usize, 0usize);
    for r in 0..grid.rows {
        for c in 0..grid.cols {
            let t = arrival[r * grid.cols + c];
            if t != nodata && t.is_finite() {
                (r0, c0, r1, c1) = (r0.min(r), c0.min(c), r1.max(r), c1.max(c));
            }
        }
    }
    let mut out = Vec::new();
    let empty = || Geometry::empty(gdal_sys::OGRwkbGeometryType::wkbMultiPolygon);
    if r0 == usize::MAX {
        for &t in times {
            out.push(Isochrone { time_min: t, geometry: empty()?, area_m2: 0.0, perimeter_m: 0.0 });
        }
        return Ok(out);
    }
    let pad = 2i64;
    let (w, h) = ((c1 - c0 + 1) as i64 + 2 * pad, (r1 - r0 + 1) as i64 + 2 * pad);
    let mut data = vec![NOT_BURNED; (w * h) as usize];
    for rr in 0..h {
        for cc in 0..w {
            let (r, c) = (r0 as i64 + rr - pad, c0 as i64 + cc - pad);
            if r >= 0 && c >= 0 && (r as usize) < grid.rows && (c as usize) < grid.cols {
                let t = arrival[r as usize * grid.cols + c as usize];
                if t != nodata && t.is_finite() {
                    data[(rr * w + cc) as usize] = t;
                }
            }
        }
    }
    let g = grid.geotransform;
    let gt = [g[0] + g[1] * (c0 as f64 - pad as f64), g[1], 0.0, g[3] + g[5] * (r0 as f64 - pad as f64), 0.0, g[5]];
    let srs = srs_from_wkt(&grid.wkt)?;
    let mem = DriverManager::get_driver_by_name("MEM")?;
    let mut ds = mem.create_with_band_type::<f32, _>("", w as usize, h as usize, 1)?;
    ds.set_geo_transform(&gt)?;
    ds.set_spatial_ref(&srs)?;
    {
        let mut band = ds.rasterband(1)?;
        let mut buf = gdal::raster::Buffer::new((w as usize, h as usize), data);
        band.write((0, 0), (w as usize, h as usize), &mut buf)?;
    }
    let band = ds.rasterband(1)?;
    let vdrv = DriverManager::get_driver_by_name("Memory")?;
    for &t in times {
        let mut vds = vdrv.create_vector_only("")?;
        let layer = vds.create_layer(LayerOptions {
            name: "c",
            srs: Some(&srs),
            ty: gdal_sys::OGRwkbGeometryType::wkbMultiPolygon,
            options: None,
        })?;
        layer.create_defn_fields(&[
            ("id", OGRFieldType::OFTInteger),
            ("lo", OGRFieldType::OFTReal),
            ("hi", OGRFieldType::OFTReal),
        ])?;
        let opts = [
            format!("FIXED_LEVELS={t}"),
            "POLYGONIZE=YES".to_string(),
            "ID_FIELD=0".to_string(),
            "ELEV_FIELD_MIN=1".to_string(),
            "ELEV_FIELD_MAX=2".to_string(),
        ];
        let cstr: Vec<CString> = opts.iter().map(|s| CString::new(s.as_str()).unwrap()).collect();
        let mut ptrs: Vec<*mut std::ffi::c_char> = cstr.iter().map(|s| s.as_ptr() as *mut _).collect();
        ptrs.push(std::ptr::null_mut());
        let rc = unsafe {
            gdal_sys::GDALContourGenerateEx(
                band.c_rasterband(),
                layer.c_layer(),
                ptrs.as_ptr() as gdal_sys::CSLConstList,
                None,
                std::ptr::null_mut(),
            )
        };
        if rc != gdal_sys::CPLErr::CE_None {
            return Err(Error::Invalid(format!("GDAL contouring failed for the {t} min isochrone")));
        }
        let mut layer = vds.layer(0)?;
        let mut mp = empty()?;
        for f in layer.features() {
            let hi = f.field_as_double(2).ok().flatten().unwrap_or(f64::MAX);
            if hi > t + 1e-9 {
                continue;
            }
            if let Some(geom) = f.geometry() {
                for k in 0..geom.geometry_count() {
                    mp.add_geometry(geom.get_geometry(k).clone())?;
                }
            }
        }
        let area = mp.area();
        let mut perim = 0.0;
        for k in 0..mp.geometry_count() {
            let poly = mp.get_geometry(k);
            for j in 0..poly.geometry_count() {
                perim += ring_length(&poly.get_geometry(j));
            }
        }
        out.push(Isochrone { time_min: t, geometry: mp, area_m2: area, perimeter_m: perim });
    }
    Ok(out)
}

fn ring_length(ring: &Geometry) -> f64 {
    let mut pts = Vec::new();
    ring.get_points(&mut pts);
    pts.windows(2).map(|w| ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt()).sum()
}

/// Write isochrones to a vector file with `driver` (`GPKG` or `GeoJSON`), atomically.
pub fn write(path: &Path, driver: &str, grid: &Grid, isochrones: &[Isochrone]) -> Result<()> {
    write_atomic(path, |tmp| {
        let drv = DriverManager::get_driver_by_name(driver)?;
        let mut ds = drv.create_vector_only(tmp)?;
        let srs = srs_from_wkt(&grid.wkt)?;
        let layer = ds.create_layer(LayerOptions {
            name: "isochrones",
            srs: Some(&srs),
            ty: gdal_sys::OGRwkbGeometryType::wkbMultiPolygon,
            options: None,
        })?;
        layer.create_defn_fields(&[
            ("time_min", OGRFieldType::OFTReal),
            ("time_h", OGRFieldType::OFTReal),
            ("area_ha", OGRFieldType::OFTReal),
            ("perimeter_m", OGRFieldType::OFTReal),
        ])?;
        for iso in isochrones {
            let mut f = gdal::vector::Feature::new(layer.defn())?;
            f.set_geometry(iso.geometry.clone())?;
            for (k, v) in [iso.time_min, iso.time_min / MIN_PER_H, iso.area_m2 / M2_PER_HA, iso.perimeter_m]
                .into_iter()
                .enumerate()
            {
                f.set_field(k, &FieldValue::RealValue(v))?;
            }
            f.create(&layer)?;
        }
        ds.close()?;
        Ok(())
    })
}
