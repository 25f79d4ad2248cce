//! The field package of a run for crews without GIS: `field_package.kmz` (KML in a zip, through GDAL's LIBKML
//! driver, which turns the landscape's CRS into WGS 84 longitudes and latitudes as KML requires), opened by Google
//! Earth, phones' map apps and any GIS. Folders: `perimeters` (the isochrones, named by their time and clock time),
//! `assets` (named with the fire's arrival, or "not reached"), `ignitions` (points, named by their time).

use std::path::Path;

use gdal::vector::{Geometry, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType};

use crate::error::Result;
use crate::io;
use crate::landscape::Grid;
use crate::run::assets::Asset;
use crate::run::isochrone::Isochrone;
use crate::run::products::assets::AssetArrival;
use crate::run::start::StartTime;

/// A feature to write: geometry, name, description.
type Placemark = (Geometry, String, String);

/// Write `path` (.kmz) atomically: perimeters, assets with their arrival, ignitions (x, y, minute).
pub fn write_kmz(
    path: &Path,
    grid: &Grid,
    isochrones: &[Isochrone],
    assets: &[Asset],
    arrivals: &[AssetArrival],
    ignitions: &[(f64, f64, f64)],
    start: Option<&StartTime>,
) -> Result<()> {
    let when = |t: f64| match start {
        Some(s) => format!("{} min ({})", crate::format::plain(t, 0), s.label(t)),
        None => format!("{} min", crate::format::plain(t, 0)),
    };
    let mut perimeters: Vec<Placemark> = Vec::new();
    for iso in isochrones {
        let mut g = Geometry::empty(OGRwkbGeometryType::wkbMultiLineString)?;
        for ring in &iso.rings {
            let mut l = Geometry::empty(OGRwkbGeometryType::wkbLineString)?;
            for &p in ring {
                l.add_point_2d(p);
            }
            g.add_geometry(l)?;
        }
        let desc = format!(
            "fire perimeter at {}: {} ha",
            when(iso.time_min),
            crate::format::plain(iso.area_m2 / crate::units::M2_PER_HA, 1)
        );
        perimeters.push((g, format!("perimeter {}", when(iso.time_min)), desc));
    }
    let mut marks: Vec<Placemark> = Vec::new();
    for (a, arr) in assets.iter().zip(arrivals) {
        let label = arr.label(start);
        for l in &a.lines {
            let mut g = Geometry::empty(OGRwkbGeometryType::wkbLineString)?;
            for &p in l {
                g.add_point_2d(p);
            }
            marks.push((g, label.clone(), label.clone()));
        }
        for &p in &a.points {
            let mut g = Geometry::empty(OGRwkbGeometryType::wkbPoint)?;
            g.add_point_2d(p);
            marks.push((g, label.clone(), label.clone()));
        }
    }
    let mut ign: Vec<Placemark> = Vec::new();
    for &(x, y, t) in ignitions {
        let mut g = Geometry::empty(OGRwkbGeometryType::wkbPoint)?;
        g.add_point_2d((x, y));
        ign.push((g, format!("ignition {}", when(t)), format!("ignition at {}", when(t))));
    }
    io::write_atomic(path, |tmp| {
        let drv = gdal::DriverManager::get_driver_by_name("LIBKML")?;
        let mut ds = drv.create_vector_only(tmp)?;
        let srs = crate::landscape::srs_from_wkt(&grid.wkt)?;
        for (name, ty, items) in [
            ("perimeters", OGRwkbGeometryType::wkbMultiLineString, &perimeters),
            ("assets", OGRwkbGeometryType::wkbUnknown, &marks),
            ("ignitions", OGRwkbGeometryType::wkbPoint, &ign),
        ] {
            let layer = ds.create_layer(LayerOptions { name, srs: Some(&srs), ty, options: None })?;
            layer.create_defn_fields(&[("Name", OGRFieldType::OFTString), ("Description", OGRFieldType::OFTString)])?;
            for (g, n, d) in items {
                let mut f = gdal::vector::Feature::new(layer.defn())?;
                f.set_geometry(g.clone())?;
                f.set_field_string(0, n)?;
                f.set_field_string(1, d)?;
                f.create(&layer)?;
            }
        }
        ds.close()?;
        Ok(())
    })
}
