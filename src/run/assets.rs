//! Assets: the cells a vector layer covers (GDAL rasterization with every touched cell; points, lines and polygons,
//! optionally buffered; a polygon's outline when the asset is a boundary), on the landscape's grid.

use gdal::raster::{rasterize, RasterizeOptions};

use gdal::vector::{Geometry, LayerAccess, OGRwkbGeometryType};
use gdal::DriverManager;
use std::path::Path;

use crate::error::{Error, Result};
use crate::landscape::{srs_from_wkt, Grid};
use crate::run::ensemble_spec::AssetSpec;

/// An asset on the grid.
#[derive(Clone, Debug)]
pub struct Asset {
    pub spec: AssetSpec,
    /// Cells it covers, increasing.
    pub cells: Vec<u32>,
    /// Its geometries in the landscape's CRS (for maps), as rings and lines of points.
    pub lines: Vec<Vec<(f64, f64)>>,
    pub points: Vec<(f64, f64)>,
}

impl Asset {
    /// For a boundary asset (polygon outlines): whether (x, y) lies inside it (even-odd rule over its rings); none
    /// for other assets.
    pub fn inside_boundary(&self, x: f64, y: f64) -> Option<bool> {
        if !self.spec.boundary {
            return None;
        }
        let mut inside = false;
        for ring in &self.lines {
            for k in 0..ring.len().saturating_sub(1) {
                let ((x0, y0), (x1, y1)) = (ring[k], ring[k + 1]);
                if (y0 > y) != (y1 > y) && x < x0 + (y - y0) / (y1 - y0) * (x1 - x0) {
                    inside = !inside;
                }
            }
        }
        Some(inside)
    }
}

/// Polygon outlines as line strings (a boundary asset is reached where the fire meets the line).
fn outlines(g: &Geometry, out: &mut Vec<Geometry>) -> Result<()> {
    use OGRwkbGeometryType::*;
    let t = gdal::vector::geometry_type_flatten(g.geometry_type());
    if t == wkbPolygon {
        for i in 0..g.geometry_count() {
            let ring = g.get_geometry(i);
            let mut line = Geometry::empty(wkbLineString)?;
            let mut pts = Vec::new();
            ring.get_points(&mut pts);
            for (x, y, _) in pts {
                line.add_point_2d((x, y));
            }
            out.push(line);
        }
    } else if t == wkbMultiPolygon || t == wkbGeometryCollection {
        for i in 0..g.geometry_count() {
            outlines(&g.get_geometry(i), out)?;
        }
    } else {
        out.push(g.clone());
    }
    Ok(())
}

/// Points and lines of a geometry for drawing.
fn shapes(g: &Geometry, lines: &mut Vec<Vec<(f64, f64)>>, points: &mut Vec<(f64, f64)>) {
    use OGRwkbGeometryType::*;
    let t = gdal::vector::geometry_type_flatten(g.geometry_type());
    if t == wkbPoint {
        let (x, y, _) = g.get_point(0);
        points.push((x, y));
    } else if t == wkbLineString || t == wkbLinearRing {
        let mut pts = Vec::new();
        g.get_points(&mut pts);
        lines.push(pts.into_iter().map(|(x, y, _)| (x, y)).collect());
    } else {
        for i in 0..g.geometry_count() {
            shapes(&g.get_geometry(i), lines, points);
        }
    }
}

/// A note when a third or more of an asset's cells cannot burn (a road on urban cells, a building on a pad): the
/// fire reaches the asset only through its burnable cells, so "reached" understates the hazard. Suggests a
/// `buffer_m` of two cells, which counts fire that comes within it; says nothing when `buffer_m` is set.
pub fn unburnable_note(asset: &Asset, burnable: &[u32], cell_m: f64) -> Option<String> {
    let n = asset.cells.len();
    let unburnable = asset.cells.iter().filter(|&&c| burnable[c as usize] == 0).count();
    if n == 0 || asset.spec.buffer_m > 0.0 || (unburnable as f64) < n as f64 / 3.0 {
        return None;
    }
    Some(format!(
        "asset `{}`: {unburnable} of its {n} cells cannot burn (non-burnable fuel such as urban, water or rock): it \
         counts as reached only when fire reaches its burnable cells{}; give it buffer_m = {} to count fire within \
         two cells of it",
        asset.spec.name,
        if unburnable == n { " (it has none: it can never be reached)" } else { "" },
        (2.0 * cell_m).round()
    ))
}

/// A feature's name: its `name` attribute (any case), else `feature K`.
fn feature_name(f: &gdal::vector::Feature, k: usize) -> Option<String> {
    let named = f.fields().find(|(n, _)| n.eq_ignore_ascii_case("name")).and_then(|(_, v)| v?.into_string());
    match named {
        Some(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => Some(format!("feature {k}")),
    }
}

/// The assets of an incident run's `--assets FILE`: one per distinct `name` attribute of its first layer (features
/// without one are `feature K`), in the file's order.
pub fn specs_of_file(file: &Path) -> Result<Vec<AssetSpec>> {
    let what = format!("--assets {}", file.display());
    if !file.exists() {
        return Err(Error::input(&what, "file not found"));
    }
    let ds = crate::io::open_vector(file)?;
    let mut layer = ds.layer(0).map_err(|e| Error::input(&what, format!("no layer: {e}")))?;
    let mut names: Vec<String> = Vec::new();
    for (k, f) in layer.features().enumerate() {
        if f.geometry().is_none() {
            continue;
        }
        if let Some(n) = feature_name(&f, k) {
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    if names.is_empty() {
        return Err(Error::input(&what, "no features with a geometry"));
    }
    Ok(names
        .into_iter()
        .map(|n| AssetSpec {
            name: n.clone(),
            file: file.to_path_buf(),
            layer: None,
            feature: Some(n),
            buffer_m: 0.0,
            boundary: false,
            within_min: Vec::new(),
        })
        .collect())
}

/// Read an asset's layer and find its cells on `grid`.
pub fn load(spec: &AssetSpec, grid: &Grid) -> Result<Asset> {
    let what = format!("asset `{}` ({})", spec.name, spec.file.display());
    let err = |m: String| Error::input(&what, m);
    let Geometries { geoms, file_extent, file_crs, has_crs } = geometries(spec, grid)?;
    let target = srs_from_wkt(&grid.wkt)?;
    let driver = DriverManager::get_driver_by_name("MEM")?;
    let mut mem = driver.create_with_band_type::<u8, _>("", grid.cols, grid.rows, 1)?;
    mem.set_geo_transform(&grid.geotransform)?;
    mem.set_spatial_ref(&target)?;
    let burn = vec![1.0; geoms.len()];
    let opts = RasterizeOptions { all_touched: true, ..Default::default() };
    rasterize(&mut mem, &[1], &geoms, &burn, Some(opts)).map_err(|e| err(format!("cannot rasterize: {e}")))?;
    let band = mem.rasterband(1)?;
    let buf = band.read_as::<u8>((0, 0), (grid.cols, grid.rows), (grid.cols, grid.rows), None)?;
    let cells: Vec<u32> = buf.data().iter().enumerate().filter(|(_, &v)| v != 0).map(|(i, _)| i as u32).collect();
    if cells.is_empty() {
        let (x0, y0, x1, y1) = grid.extent();
        return Err(err(format!(
            "covers no cell of the landscape: the file's features span {} ({file_crs}); the landscape spans x {x0:.0}..{x1:.0}, \
             y {y0:.0}..{y1:.0} ({}){}",
            file_extent.unwrap_or_else(|| "nothing".into()),
            grid.crs_name(),
            if !has_crs { "; if the file is in another CRS, give it that CRS (ogr2ogr -a_srs EPSG:N OUT.gpkg FILE)" } else { "" }
        )));
    }
    let (mut lines, mut points) = (Vec::new(), Vec::new());
    for g in &geoms {
        shapes(g, &mut lines, &mut points);
    }
    Ok(Asset { spec: spec.clone(), cells, lines, points })
}

/// An asset's geometries in the grid's CRS (buffered, or outlined for a boundary), with the file's extent and CRS
/// as reading said them.
struct Geometries {
    geoms: Vec<gdal::vector::Geometry>,
    file_extent: Option<String>,
    file_crs: String,
    has_crs: bool,
}

fn geometries(spec: &AssetSpec, grid: &Grid) -> Result<Geometries> {
    let what = format!("asset `{}` ({})", spec.name, spec.file.display());
    let err = |m: String| Error::input(&what, m);
    if !spec.file.exists() {
        return Err(err("file not found".into()));
    }
    let ds = crate::io::open_vector(&spec.file)?;
    let mut layer = match &spec.layer {
        Some(l) => ds.layer_by_name(l).map_err(|_| {
            err(format!("no layer `{l}` (layers: {})", ds.layers().map(|l| l.name()).collect::<Vec<_>>().join(", ")))
        })?,
        None => ds.layer(0).map_err(|e| err(format!("no layer: {e}")))?,
    };
    let target = srs_from_wkt(&grid.wkt)?;
    let tr = crate::io::vector::layer_transform(&spec.file, &layer, &target).map_err(|e| e.within(&what))?;
    let file_extent = crate::io::vector::layer_extent(&layer).map(crate::io::vector::describe_extent);
    let file_crs = match &tr {
        Some(_) => layer.spatial_ref().and_then(|s| s.name()).unwrap_or_else(|| "its CRS".into()),
        None => format!("no CRS: read in the landscape's, {}", grid.crs_name()),
    };
    let mut geoms = Vec::new();
    for (k, f) in layer.features().enumerate() {
        if let Some(want) = &spec.feature {
            if feature_name(&f, k).as_deref() != Some(want.as_str()) {
                continue;
            }
        }
        let Some(g) = f.geometry() else { continue };
        let mut g = match &tr {
            Some(tr) => g.transform(tr).map_err(|e| err(format!("feature {k}: cannot reproject: {e}")))?,
            None => g.clone(),
        };
        if spec.boundary {
            let mut o = Vec::new();
            outlines(&g, &mut o)?;
            geoms.extend(o);
            continue;
        }
        if spec.buffer_m > 0.0 {
            g = g.buffer(spec.buffer_m, 8).map_err(|e| err(format!("feature {k}: cannot buffer: {e}")))?;
        }
        geoms.push(g);
    }
    if geoms.is_empty() {
        return Err(err("no features with a geometry".into()));
    }
    if spec.boundary && spec.buffer_m > 0.0 {
        geoms = geoms
            .into_iter()
            .map(|g| g.buffer(spec.buffer_m, 8))
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| err(format!("cannot buffer: {e}")))?;
    }
    Ok(Geometries { geoms, file_extent, file_crs, has_crs: tr.is_some() })
}

/// The extent (xmin, ymin, xmax, ymax) of an asset in the grid's CRS, read without placing it on the grid's cells
/// (the window a run reads must hold it).
pub fn extent(spec: &AssetSpec, grid: &Grid) -> Result<(f64, f64, f64, f64)> {
    let g = geometries(spec, grid)?;
    let mut e = (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
    for geom in &g.geoms {
        let env = geom.envelope();
        e = (e.0.min(env.MinX), e.1.min(env.MinY), e.2.max(env.MaxX), e.3.max(env.MaxY));
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn road(buffer_m: f64, cells: Vec<u32>) -> Asset {
        let spec = AssetSpec {
            name: "road".into(),
            file: "road.geojson".into(),
            layer: None,
            feature: None,
            buffer_m,
            boundary: false,
            within_min: Vec::new(),
        };
        Asset { spec, cells, lines: Vec::new(), points: Vec::new() }
    }

    #[test]
    fn an_asset_mostly_on_unburnable_cells_is_said_with_a_buffer_to_give() {
        // Cells 0..4 burnable, 4..8 not (a road through a town).
        let burnable = [1, 1, 1, 1, 0, 0, 0, 0];
        let note = unburnable_note(&road(0.0, vec![2, 3, 4, 5, 6]), &burnable, 30.0).expect("3 of 5 cannot burn");
        assert!(note.contains("`road`: 3 of its 5 cells cannot burn") && note.contains("buffer_m = 60"), "{note}");
        let never = unburnable_note(&road(0.0, vec![4, 5]), &burnable, 30.0).unwrap();
        // A boundary: inside its ring or not; another asset has no inside.
        let mut ring = road(0.0, Vec::new());
        assert_eq!(ring.inside_boundary(0.5, 0.5), None);
        ring.spec.boundary = true;
        ring.lines = vec![vec![(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (0.0, 0.0)]];
        assert_eq!(ring.inside_boundary(0.5, 1.5), Some(true));
        assert_eq!(ring.inside_boundary(2.5, 1.0), Some(false));
        assert!(never.contains("can never be reached"), "{never}");
        // Mostly burnable, or already buffered: nothing to say.
        assert_eq!(unburnable_note(&road(0.0, vec![0, 1, 2, 4]), &burnable, 30.0), None);
        assert_eq!(unburnable_note(&road(60.0, vec![4, 5]), &burnable, 30.0), None);
    }
}
