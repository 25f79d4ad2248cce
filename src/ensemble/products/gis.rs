//! The GIS products: styled rasters and the QGIS project, the assets layer.

use super::*;

/// For GIS import: a style beside each raster, the hillshade, the assets as a GeoPackage with its styles, and
/// `ensemble.qgz` holding them all over the hillshade.
pub(super) fn write_gis(
    ens: &Ensemble,
    acc: &Accumulator,
    out: &Path,
    rs: &[(String, Vec<f32>, String)],
) -> Result<Vec<PathBuf>> {
    use crate::run::qgis::{self, Layer, Style};
    let ls = &ens.prepared.landscape;
    let sc = &ens.prepared.scenario;
    let mut files = Vec::new();
    let mut layers = Vec::new();
    let ink = [30, 30, 140];
    if !ens.assets.is_empty() {
        let p = out.join("assets.gpkg");
        let styles = [
            ("asset_points", Style::Points { color: ink, label_field: "name".into() }, "Assets (points)"),
            ("asset_lines", Style::Lines { color: ink, label_field: "name".into() }, "Assets (lines and outlines)"),
        ];
        write_assets(&p, ens, &styles.iter().map(|s| (s.0, qgis::qml(&s.1))).collect::<Vec<_>>())?;
        files.push(p);
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
    }
    for (stem, _, desc) in rs {
        let style = raster_style(stem, acc, sc.spread.isochrone_interval_min);
        let f = out.join(format!("{stem}.tif"));
        files.push(qgis::write_qml(&f, &style)?);
        layers.push(Layer {
            file: format!("{stem}.tif").into(),
            layer: None,
            name: desc.clone(),
            style,
            visible: stem == "burn_probability",
        });
    }
    let shade = render::hillshade(&ls.grid, &ls.elevation_m);
    let p = out.join("hillshade.tif");
    io::write_raster(
        &p,
        &ls.grid,
        &shade,
        "hillshade of the landscape's DEM (sun at 315 deg, 45 deg)",
        -9999.0,
        sc.output.cog,
    )?;
    files.push(p.clone());
    let style = Style::Grey { min: 0.0, max: 1.0 };
    files.push(qgis::write_qml(&p, &style)?);
    layers.push(Layer { file: "hillshade.tif".into(), layer: None, name: "Hillshade".into(), style, visible: true });
    let p = out.join("ensemble.qgz");
    let title = format!("{}: ensemble of {} members", sc.name.as_deref().unwrap_or("Emberfall"), acc.members);
    qgis::write_qgz(&p, &title, &ls.grid, &layers)?;
    files.push(p);
    Ok(files)
}

/// The assets as a GeoPackage in the landscape's CRS: layers `asset_points` and `asset_lines` (polygons as their
/// outlines), field `name`; each layer's QGIS style (`styles`: layer, QML) in the `layer_styles` table QGIS reads
/// as the layer's default style.
pub(super) fn write_assets(path: &Path, ens: &Ensemble, styles: &[(&str, String)]) -> Result<()> {
    use gdal::vector::{FieldValue, Geometry, LayerAccess, LayerOptions, OGRFieldType};
    let grid = &ens.prepared.landscape.grid;
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
            for a in &ens.assets {
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
