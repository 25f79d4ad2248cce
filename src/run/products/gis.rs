//! For GIS import of a run: the assets as a styled GeoPackage, a style (.qml) beside each raster and vector product,
//! the hillshade of the mapped window, and `run.qgz`, a QGIS project holding them all.

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::io;
use crate::landscape::{Grid, Landscape};
use crate::run::assets::Asset;
use crate::run::qgis::{self, Layer, Style};
use crate::run::render::{self, LegendClass};
use crate::units::MIN_PER_H;

/// The assets' two layers and their styles: (layer, style, layer title).
pub fn asset_styles() -> [(&'static str, Style, &'static str); 2] {
    let ink = [30, 30, 140];
    [
        ("asset_points", Style::Points { color: ink, label_field: "name".into() }, "Assets (points)"),
        ("asset_lines", Style::Lines { color: ink, label_field: "name".into() }, "Assets (lines and outlines)"),
    ]
}

/// The assets for GIS: `assets.gpkg` (its layers' styles inside it) and a .qml beside it per layer; returns the
/// files and the project layers.
pub fn write_asset_layers(out: &Path, grid: &Grid, assets: &[Asset]) -> Result<(Vec<PathBuf>, Vec<Layer>)> {
    let p = out.join("assets.gpkg");
    let styles = asset_styles();
    write_assets(&p, grid, assets, &styles.iter().map(|s| (s.0, qgis::qml(&s.1))).collect::<Vec<_>>())?;
    let mut files = vec![p];
    let mut layers = Vec::new();
    for (layer, style, what) in styles {
        let q = out.join(format!("assets_{layer}.qml"));
        io::write_text(&q, &qgis::qml(&style))?;
        files.push(q);
        layers.push(Layer {
            file: "assets.gpkg".into(),
            layer: Some(layer.into()),
            name: what.into(),
            style,
            visible: true,
        });
    }
    Ok((files, layers))
}

/// The styled products of a run's folder `out`, as `files` lists them, in a QGIS project `run.qgz` over the
/// hillshade of `window` (row, col, rows, cols: the arrival map's), with a .qml beside each: arrival time (classes
/// in minutes, as the map's hours), flame length, crown fire type, ignition probability, isochrones (labelled by
/// clock time when the run has a start), spot fires, the assets. Returns the files written.
pub fn write_run_gis(
    ls: &Landscape,
    assets: &[Asset],
    out: &Path,
    files: &[PathBuf],
    window: (usize, usize, usize, usize),
    clock_labels: bool,
    sc: &crate::run::scenario::Scenario,
) -> Result<Vec<PathBuf>> {
    let (duration_min, cog) = (sc.spread.duration_min, sc.output.cog);
    let has = |f: &str| files.iter().any(|p| p.file_name().is_some_and(|n| n == f));
    let mut written = Vec::new();
    let mut layers = Vec::new();
    if !assets.is_empty() {
        let (files, asset_layers) = write_asset_layers(out, &ls.grid, assets)?;
        written.extend(files);
        layers.extend(asset_layers);
    }
    let vectors = [
        (
            "isochrones.gpkg",
            "isochrones",
            Style::Lines {
                color: [40, 40, 40],
                label_field: if clock_labels { "time_local" } else { "time_h" }.into(),
            },
            "Isochrones",
        ),
        (
            "spot_fires.gpkg",
            "spot_fires",
            Style::Points { color: [0, 90, 200], label_field: String::new() },
            "Embers and spot fires",
        ),
    ];
    for (file, layer, style, name) in vectors {
        if has(file) {
            let q = out.join(format!("{layer}.qml"));
            io::write_text(&q, &qgis::qml(&style))?;
            written.push(q);
            layers.push(Layer {
                file: file.into(),
                layer: Some(layer.into()),
                name: name.into(),
                style,
                visible: true,
            });
        }
    }
    let arrival: Vec<LegendClass> = crate::run::products::map_arrival_classes(duration_min / MIN_PER_H)
        .into_iter()
        .map(|c| LegendClass { lo: c.lo * MIN_PER_H as f32, hi: c.hi * MIN_PER_H as f32, ..c })
        .collect();
    let crown = crate::run::products::FIRE_TYPES
        .map(|c| LegendClass { lo: c.value as f32 - 0.5, hi: c.value as f32 + 0.5, color: c.rgb, label: c.name.into() })
        .to_vec();
    let rasters: [(&str, Vec<LegendClass>, &str, bool); 4] = [
        ("arrival_time_min", arrival, "Arrival time (min)", true),
        ("flame_length_m", render::flame_length_classes(), "Flame length (m)", false),
        ("crown_fire_type", crown, "Fire type at arrival", false),
        ("ignition_probability", crate::run::products::ignition_classes(), "P(ignition) per cell", false),
    ];
    for (stem, classes, name, visible) in rasters {
        let f = format!("{stem}.tif");
        if has(&f) {
            let style = Style::Classes { classes, clear_below: if stem == "arrival_time_min" { -1.0 } else { 1e-9 } };
            written.push(qgis::write_qml(&out.join(&f), &style)?);
            layers.push(Layer { file: f.into(), layer: None, name: name.into(), style, visible });
        }
    }
    // The hillshade of the mapped window only (it overlays the products exactly: the same grid's cells).
    let (grid, elevation, _) = crate::run::products::cut(ls, window);
    let shade = render::hillshade(&grid, &elevation);
    let p = out.join("hillshade.tif");
    io::write_raster(&p, &grid, &shade, "hillshade of the landscape's DEM (sun at 315 deg, 45 deg)", -9999.0, cog)?;
    written.push(p);
    let style = Style::Grey { min: 0.0, max: 1.0 };
    written.push(qgis::write_qml(&out.join("hillshade.tif"), &style)?);
    layers.push(Layer { file: "hillshade.tif".into(), layer: None, name: "Hillshade".into(), style, visible: true });
    let p = out.join("run.qgz");
    qgis::write_qgz(&p, "Emberfall run", &ls.grid, &layers)?;
    written.push(p);
    Ok(written)
}

/// The assets as a GeoPackage in the landscape's CRS: layers `asset_points` and `asset_lines` (polygons as their
/// outlines), field `name`; each layer's QGIS style (`styles`: layer, QML) in the `layer_styles` table QGIS reads
/// as the layer's default style.
pub fn write_assets(path: &Path, grid: &Grid, assets: &[Asset], styles: &[(&str, String)]) -> Result<()> {
    use gdal::vector::{FieldValue, Geometry, LayerAccess, LayerOptions, OGRFieldType};
    // A fixed timestamp in the GeoPackage's metadata (this thread only): the same run gives the same bytes, so merged
    // shards equal one unsharded run.
    gdal::config::set_thread_local_config_option("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z")?;
    let written = io::write_atomic(path, |tmp| {
        let drv = gdal::DriverManager::get_driver_by_name("GPKG")?;
        let mut ds = drv.create_vector_only(tmp)?;
        let srs = io::srs_from_wkt(&grid.wkt)?;
        for (name, ty) in [
            ("asset_points", gdal_sys::OGRwkbGeometryType::wkbPoint),
            ("asset_lines", gdal_sys::OGRwkbGeometryType::wkbLineString),
        ] {
            let layer = ds.create_layer(LayerOptions { name, srs: Some(&srs), ty, options: None })?;
            layer.create_defn_fields(&[("name", OGRFieldType::OFTString)])?;
            for a in assets {
                let geoms: Vec<Geometry> = if ty == gdal_sys::OGRwkbGeometryType::wkbPoint {
                    a.points
                        .iter()
                        .map(|p| {
                            let mut g = Geometry::empty(ty)?;
                            g.add_point_2d(*p);
                            Ok(g)
                        })
                        .collect::<Result<_>>()?
                } else {
                    a.lines
                        .iter()
                        .map(|l| {
                            let mut g = Geometry::empty(ty)?;
                            for p in l {
                                g.add_point_2d(*p);
                            }
                            Ok(g)
                        })
                        .collect::<Result<_>>()?
                };
                for g in geoms {
                    let mut f = gdal::vector::Feature::new(layer.defn())?;
                    f.set_geometry(g)?;
                    f.set_field(0, &FieldValue::StringValue(a.spec.name.clone()))?;
                    f.create(&layer)?;
                }
            }
        }
        // QGIS's layer_styles table (the schema QGIS creates when it saves a style into a GeoPackage).
        ds.execute_sql(
            "CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), \
             f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), \
             styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), \
             update_time DATETIME DEFAULT CURRENT_TIMESTAMP)",
            None,
            gdal::vector::sql::Dialect::DEFAULT,
        )?;
        for (layer, qml) in styles {
            ds.execute_sql(
                format!(
                    "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, \
                     styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) VALUES \
                     ('', '', '{layer}', 'geom', '{layer}', '{}', '', 1, 'Emberfall', '', NULL, '2000-01-01T00:00:00Z')",
                    qml.replace('\'', "''")
                ),
                None,
                gdal::vector::sql::Dialect::DEFAULT,
            )?;
        }
        ds.close()?;
        Ok(())
    });
    gdal::config::clear_thread_local_config_option("OGR_CURRENT_DATE")?;
    written
}
