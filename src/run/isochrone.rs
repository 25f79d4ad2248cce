//! Fire perimeters (isochrones) from an arrival-time raster: the boundary of the region `arrival <= t` for each time
//! `t`, traced with GDAL's contour generator (marching squares through cell centres, linear interpolation) in one
//! line-mode pass for all times, with the area it encloses and its length, written as GeoPackage (GDAL) and GeoJSON
//! (the `geojson` crate: GDAL 3.6's GeoJSON writer formats each coordinate through json-c and took 10 s for the 2.5
//! million vertices of a 10-day fire's isochrones) layers of MultiLineStrings with their time, area and perimeter.

use std::ffi::CString;
use std::path::Path;

use gdal::vector::{FieldValue, Geometry, LayerAccess, LayerOptions};
use gdal::DriverManager;
use gdal_sys::OGRFieldType;

use crate::error::{Error, Result};
use crate::io::write_atomic;
use crate::landscape::{srs_from_wkt, Grid};
use crate::run::start::StartTime;
use crate::units::{M2_PER_HA, MIN_PER_H};

/// Value standing for "not burned" in the contoured raster.
const NOT_BURNED: f32 = 1.0e9;

/// The fire's perimeter at one time.
pub struct Isochrone {
    pub time_min: f64,
    /// The closed rings bounding the region burned by this time in the grid's CRS (outer boundaries and holes; none
    /// when nothing burned yet): the MultiLineString of the files.
    pub rings: Vec<Vec<(f64, f64)>>,
    /// Area burned by this time (enclosed by the rings), m2.
    pub area_m2: f64,
    /// Length of every ring (outer boundaries and holes), m.
    pub perimeter_m: f64,
}

/// Trace the burned region at each of `times` from `arrival` (min, `nodata` where unburned).
pub fn trace(grid: &Grid, arrival: &[f32], nodata: f32, times: &[f64]) -> Result<Vec<Isochrone>> {
    let empty = |t: f64| Isochrone { time_min: t, rings: Vec::new(), area_m2: 0.0, perimeter_m: 0.0 };
    let Some(window) = BurnedWindow::of(grid, arrival, nodata) else {
        return Ok(times.iter().map(|&t| empty(t)).collect());
    };
    let vds = contour_lines(grid, window, times)?;
    let band_of = |v: f64| times.iter().position(|&t| (t - v).abs() <= 1e-6 * t.abs().max(1.0));
    let mut out: Vec<Isochrone> = times.iter().map(|&t| empty(t)).collect();
    let mut layer = vds.layer(0)?;
    for f in layer.features() {
        let level = f.field_as_double(1).ok().flatten().unwrap_or(f64::MAX);
        let (Some(k), Some(geom)) = (band_of(level), f.geometry()) else { continue };
        let mut pts = Vec::new();
        geom.get_points(&mut pts);
        let ring: Vec<(f64, f64)> = pts.into_iter().map(|(x, y, _)| (x, y)).collect();
        let iso = &mut out[k];
        iso.area_m2 += ring.windows(2).map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1).sum::<f64>() / 2.0;
        iso.perimeter_m += ring.windows(2).map(|w| (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1)).sum::<f64>();
        iso.rings.push(ring);
    }
    for iso in &mut out {
        iso.area_m2 = iso.area_m2.max(0.0);
    }
    Ok(out)
}

/// The burned cells' bounding window plus a ring of unburned padding (outside the grid too), so that perimeters
/// close: arrival times (unburned [`NOT_BURNED`]), its size and geotransform.
struct BurnedWindow {
    data: Vec<f32>,
    w: usize,
    h: usize,
    geotransform: [f64; 6],
}

impl BurnedWindow {
    fn of(grid: &Grid, arrival: &[f32], nodata: f32) -> Option<BurnedWindow> {
        let burned = |t: f32| t != nodata && t.is_finite();
        let (mut r0, mut c0, mut r1, mut c1) = (usize::MAX, usize::MAX, 0usize, 0usize);
        for r in 0..grid.rows {
            for c in 0..grid.cols {
                if burned(arrival[r * grid.cols + c]) {
                    (r0, c0, r1, c1) = (r0.min(r), c0.min(c), r1.max(r), c1.max(c));
                }
            }
        }
        if r0 == usize::MAX {
            return None;
        }
        let pad = 2i64;
        let (w, h) = ((c1 - c0 + 1) as i64 + 2 * pad, (r1 - r0 + 1) as i64 + 2 * pad);
        let mut data = vec![NOT_BURNED; (w * h) as usize];
        for rr in 0..h {
            for cc in 0..w {
                let (r, c) = (r0 as i64 + rr - pad, c0 as i64 + cc - pad);
                if r >= 0 && c >= 0 && (r as usize) < grid.rows && (c as usize) < grid.cols {
                    let t = arrival[r as usize * grid.cols + c as usize];
                    if burned(t) {
                        data[(rr * w + cc) as usize] = t;
                    }
                }
            }
        }
        let g = grid.geotransform;
        let geotransform =
            [g[0] + g[1] * (c0 as f64 - pad as f64), g[1], 0.0, g[3] + g[5] * (r0 as f64 - pad as f64), 0.0, g[5]];
        Some(BurnedWindow { data, w: w as usize, h: h as usize, geotransform })
    }
}

/// One pass of GDAL's contour generator in line mode for all the times at once: per time, the level lines (closed
/// rings, thanks to the unburned padding), in an in-memory layer with the level in field 1. GDAL orients them with
/// the region below the level on their left, so the shoelace sum of a level's rings is the area burned by then
/// (holes count negative); their length is the perimeter. Polygon mode would build the same regions with a
/// ring-nesting search per level, which on a fragmented fire (thousands of spot fires and unburned islands) costs
/// hundreds of seconds.
fn contour_lines(grid: &Grid, window: BurnedWindow, levels: &[f64]) -> Result<gdal::Dataset> {
    let (w, h) = (window.w, window.h);
    let srs = srs_from_wkt(&grid.wkt)?;
    let mem = DriverManager::get_driver_by_name("MEM")?;
    let mut ds = mem.create_with_band_type::<f32, _>("", w, h, 1)?;
    ds.set_geo_transform(&window.geotransform)?;
    ds.set_spatial_ref(&srs)?;
    {
        let mut band = ds.rasterband(1)?;
        let mut buf = gdal::raster::Buffer::new((w, h), window.data);
        band.write((0, 0), (w, h), &mut buf)?;
    }
    let band = ds.rasterband(1)?;
    let level_list = levels.iter().map(|t| format!("{t}")).collect::<Vec<_>>().join(",");
    let vdrv = DriverManager::get_driver_by_name("Memory")?;
    let mut vds = vdrv.create_vector_only("")?;
    let layer = vds.create_layer(LayerOptions {
        name: "c",
        srs: Some(&srs),
        ty: gdal_sys::OGRwkbGeometryType::wkbLineString,
        options: None,
    })?;
    layer.create_defn_fields(&[("id", OGRFieldType::OFTInteger), ("level", OGRFieldType::OFTReal)])?;
    let opts = [format!("FIXED_LEVELS={level_list}"), "ID_FIELD=0".to_string(), "ELEV_FIELD=1".to_string()];
    let cstr: Vec<CString> = opts
        .iter()
        .map(|s| CString::new(s.as_str()).map_err(|_| Error::Internal("contour option with a NUL byte".into())))
        .collect::<Result<_>>()?;
    let mut ptrs: Vec<*mut std::ffi::c_char> = cstr.iter().map(|s| s.as_ptr() as *mut _).collect();
    ptrs.push(std::ptr::null_mut());
    // SAFETY: the band and the layer are live GDAL handles owned by `ds` and `vds` for the whole call; `ptrs` is a
    // NULL-terminated list of C strings that `cstr` keeps alive; no progress callback is passed.
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
        return Err(Error::Internal(format!("GDAL contouring failed at the isochrone times {level_list}")));
    }
    Ok(vds)
}

/// The attributes of an isochrone in the files, in order.
const FIELDS: [&str; 4] = ["time_min", "time_h", "area_ha", "perimeter_m"];

/// An isochrone's values of [`FIELDS`].
fn attributes(iso: &Isochrone) -> [f64; 4] {
    [iso.time_min, iso.time_min / MIN_PER_H, iso.area_m2 / M2_PER_HA, iso.perimeter_m]
}

/// Clock times of an isochrone when the run has a start: local (ISO 8601 with its offset when known) and UTC.
fn clock(iso: &Isochrone, start: Option<&StartTime>) -> (Option<String>, Option<String>) {
    (start.map(|s| s.local_iso(iso.time_min)), start.and_then(|s| s.utc_iso(iso.time_min)))
}

/// Write isochrones to a GeoPackage (layer `isochrones`), atomically; with a `start`, fields `time_local` and
/// `time_utc` (when its offset is known) follow [`FIELDS`].
pub fn write_gpkg(path: &Path, grid: &Grid, isochrones: &[Isochrone], start: Option<&StartTime>) -> Result<()> {
    write_atomic(path, |tmp| {
        let drv = DriverManager::get_driver_by_name("GPKG")?;
        let mut ds = drv.create_vector_only(tmp)?;
        let srs = srs_from_wkt(&grid.wkt)?;
        let mut txn = ds.start_transaction()?;
        let layer = txn.create_layer(LayerOptions {
            name: "isochrones",
            srs: Some(&srs),
            ty: gdal_sys::OGRwkbGeometryType::wkbMultiLineString,
            options: None,
        })?;
        let fields = FIELDS.map(|name| (name, OGRFieldType::OFTReal));
        layer.create_defn_fields(&fields)?;
        let utc = start.is_some_and(|s| s.offset.is_some());
        if start.is_some() {
            layer.create_defn_fields(&[("time_local", OGRFieldType::OFTString)])?;
        }
        if utc {
            layer.create_defn_fields(&[("time_utc", OGRFieldType::OFTString)])?;
        }
        for iso in isochrones {
            let mut lines = Geometry::empty(gdal_sys::OGRwkbGeometryType::wkbMultiLineString)?;
            for ring in &iso.rings {
                let mut line = Geometry::empty(gdal_sys::OGRwkbGeometryType::wkbLineString)?;
                for &p in ring {
                    line.add_point_2d(p);
                }
                lines.add_geometry(line)?;
            }
            let mut f = gdal::vector::Feature::new(layer.defn())?;
            f.set_geometry(lines)?;
            for (k, v) in attributes(iso).into_iter().enumerate() {
                f.set_field(k, &FieldValue::RealValue(v))?;
            }
            let (local, utc) = clock(iso, start);
            for (k, v) in [local, utc].into_iter().enumerate() {
                if let Some(v) = v {
                    f.set_field_string(FIELDS.len() + k, &v)?;
                }
            }
            f.create(&layer)?;
        }
        txn.commit()?;
        ds.close()?;
        Ok(())
    })
}

/// A feature of isochrones.geojson: its properties in the order of [`FIELDS`] (a JSON map would sort them).
#[derive(serde::Serialize)]
struct GeoJsonIsochrone {
    geometry: geojson::Geometry,
    time_min: f64,
    time_h: f64,
    area_ha: f64,
    perimeter_m: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_local: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_utc: Option<String>,
}

/// GeoJSON coordinates are written to the millimetre: projected metres to 3 decimals (GDAL's
/// `COORDINATE_PRECISION=3`).
const GEOJSON_DECIMALS: i32 = 3;

/// Write isochrones to a GeoJSON FeatureCollection named `isochrones`, atomically, in the grid's CRS, named by its
/// EPSG code in the 2008 `crs` member as GDAL writes it (RFC 7946 readers assume WGS 84 without one; GDAL, QGIS
/// and ArcGIS read the member). A CRS without an EPSG code is left unnamed.
pub fn write_geojson(path: &Path, grid: &Grid, isochrones: &[Isochrone], start: Option<&StartTime>) -> Result<()> {
    let scale = 10f64.powi(GEOJSON_DECIMALS);
    let round = |v: f64| (v * scale).round() / scale;
    let srs = srs_from_wkt(&grid.wkt)?;
    let epsg = srs.auth_name().filter(|a| a.eq_ignore_ascii_case("EPSG")).and_then(|_| srs.auth_code().ok());
    write_atomic(path, |tmp| {
        let file = std::fs::File::create(tmp).map_err(|e| Error::io(tmp, e))?;
        let mut w = geojson::FeatureWriter::from_writer(std::io::BufWriter::new(file));
        let geojson_err = |e: geojson::Error| Error::output(tmp.display(), e.to_string());
        w.write_foreign_member("name", "isochrones").map_err(geojson_err)?;
        if let Some(code) = epsg {
            let crs =
                serde_json::json!({"type": "name", "properties": {"name": format!("urn:ogc:def:crs:EPSG::{code}")}});
            w.write_foreign_member("crs", &crs).map_err(geojson_err)?;
        }
        for iso in isochrones {
            let lines: Vec<Vec<geojson::Position>> = iso
                .rings
                .iter()
                .map(|ring| ring.iter().map(|&(x, y)| geojson::Position::from([round(x), round(y)])).collect())
                .collect();
            let [time_min, time_h, area_ha, perimeter_m] = attributes(iso);
            let (time_local, time_utc) = clock(iso, start);
            let feature = GeoJsonIsochrone {
                geometry: geojson::Geometry::new(geojson::GeometryValue::MultiLineString { coordinates: lines }),
                time_min,
                time_h,
                area_ha,
                perimeter_m,
                time_local,
                time_utc,
            };
            w.serialize(&feature).map_err(geojson_err)?;
        }
        w.finish().map_err(geojson_err)?;
        w.flush().map_err(geojson_err)?;
        Ok(())
    })
}
