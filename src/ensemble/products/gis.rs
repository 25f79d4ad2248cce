//! The GIS products: styled rasters and the QGIS project, the assets layer.

use super::*;

/// For GIS import: a style beside each raster, the hillshade, the assets as a GeoPackage with its styles, and
/// `ensemble.qgz` holding them all over the hillshade.
pub(super) fn write_gis(ens: &Ensemble, acc: &Accumulator, out: &Path, specs: &[RasterSpec]) -> Result<Vec<PathBuf>> {
    use crate::run::qgis::{self, Layer, Style};
    let ls = &ens.prepared.landscape;
    let sc = &ens.prepared.scenario;
    let mut files = Vec::new();
    let mut layers = Vec::new();
    if !ens.assets.is_empty() {
        let (f, l) = crate::run::products::gis::write_asset_layers(out, &ens.prepared.landscape.grid, &ens.assets)?;
        files.extend(f);
        layers.extend(l);
    }
    for RasterSpec { stem, desc, .. } in specs {
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
