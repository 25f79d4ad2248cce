//! Vector layers onto a landscape's grid: the transform from a layer's CRS, refused by name when the layer's
//! coordinates cannot be in the CRS it claims (a GeoJSON written in UTM without a `crs` member is WGS 84 by its
//! standard, RFC 7946), and the layer's extent for errors that say where the file's features are.

use std::path::Path;

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::vector::{Layer, LayerAccess};

use crate::error::{Error, Result};

/// The extent of a layer's features, (x0, y0, x1, y1) in its own coordinates; None for an empty layer.
pub fn layer_extent(layer: &Layer) -> Option<(f64, f64, f64, f64)> {
    layer.try_get_extent().ok().flatten().or_else(|| layer.get_extent().ok()).map(|e| (e.MinX, e.MinY, e.MaxX, e.MaxY))
}

/// The extent in words: `x 258377..318377, y 3778911..3838911`.
pub fn describe_extent((x0, y0, x1, y1): (f64, f64, f64, f64)) -> String {
    let f = |v: f64| if v.abs() >= 1000.0 { format!("{v:.0}") } else { format!("{v:.6}") };
    format!("x {}..{}, y {}..{}", f(x0), f(x1), f(y0), f(y1))
}

/// The transform from `layer`'s CRS to `target`; None when the layer has no CRS (its coordinates are then read in
/// the landscape's). A layer in geographic coordinates whose extent is not longitudes and latitudes is refused,
/// naming the file's extent and the fix, before PROJ sees a coordinate.
pub fn layer_transform(path: &Path, layer: &Layer, target: &SpatialRef) -> Result<Option<CoordTransform>> {
    let Some(mut srs) = layer.spatial_ref() else { return Ok(None) };
    if srs.is_geographic() {
        if let Some(e @ (x0, y0, x1, y1)) = layer_extent(layer) {
            let lonlat = |x: f64, y: f64| x.abs() <= 180.0 && y.abs() <= 90.0;
            if !(lonlat(x0, y0) && lonlat(x1, y1)) {
                let target_name = target.name().unwrap_or_else(|| "the landscape's".into());
                let epsg = target.auth_code().map(|c| format!("EPSG:{c}")).unwrap_or_else(|_| "EPSG:N".into());
                return Err(Error::input(
                    path.display(),
                    format!(
                        "layer `{}`: its coordinates ({}) are not longitudes and latitudes, yet its CRS is {} \
                         (a GeoJSON without a `crs` member is WGS 84 by RFC 7946). If they are in the landscape's CRS \
                         ({target_name}), give the file that CRS: ogr2ogr -a_srs {epsg} OUT.gpkg {}",
                        layer.name(),
                        describe_extent(e),
                        srs.name().unwrap_or_else(|| "geographic".into()),
                        path.display()
                    ),
                ));
            }
        }
    }
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    Ok(Some(CoordTransform::new(&srs, target)?))
}
