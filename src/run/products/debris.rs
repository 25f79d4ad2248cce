//! The debris products of a run: ignition probability and expected ignitions rasters, the ignition map,
//! impacts.gpkg (every fragment and this realisation's ignitions) and the debris part of summary.json.

use super::*;
use crate::debris::Fragment;

pub(super) fn debris_json(d: &MemberDebris, seed: u64) -> serde_json::Value {
    json!({
        "form": d.form,
        "fragments_on_landscape": d.field.fragments.len(),
        "fragments_off_landscape": d.field.off_landscape.len(),
        "expected_ignitions": d.expected_ignitions,
        "max_cell_ignition_probability": d.max_cell_probability,
        "seed": seed,
        "sampled_ignitions": d.ignitions.iter().map(|s| json!({"fragment": s.fragment, "x": s.x, "y": s.y, "t_min": s.t_min, "p_ignition": s.probability})).collect::<Vec<_>>(),
    })
}

/// Debris products: ignition probability and expected ignitions (nodata outside the landscape), the ignition
/// probability map, impacts.gpkg.
pub(super) fn write_debris_products(p: &Prepared, d: &MemberDebris, out: &Path) -> Result<Vec<PathBuf>> {
    let ls = &p.landscape;
    let mut files = Vec::new();
    let maps = d.maps.as_ref().ok_or_else(|| crate::Error::Internal("the member skipped its ignition maps".into()))?;
    let mut prob = maps.probability.clone();
    let mut expct = maps.expected.clone();
    for i in 0..ls.grid.len() {
        if ls.fuel[i] == crate::landscape::FUEL_NODATA {
            prob[i] = NODATA;
            expct[i] = NODATA;
        }
    }
    for (name, data, desc) in [
        ("ignition_probability", &prob, "probability of at least one ignition in the cell"),
        ("expected_ignitions", &expct, "expected number of ignitions in the cell"),
    ] {
        let f = out.join(format!("{name}.tif"));
        io::write_raster(&f, &ls.grid, data, desc, NODATA as f64, p.scenario.output.cog)?;
        files.push(f);
    }
    let png = out.join("ignition_probability.png");
    ignition_map(ls, &prob, &d.field, p.scenario.output.map_extent).save_png(&png)?;
    files.push(png);
    let impacts = out.join("impacts.gpkg");
    let m1h = p.scenario.weather.base.moisture.dead_1h;
    write_impacts(&impacts, ls, &d.field, p.cell_ignition(), m1h, &p.scenario.ignition, &d.ignitions)?;
    files.push(impacts);
    Ok(files)
}

/// Map of the probability of at least one ignition per cell, with the impact points.
/// Classes of the probability of at least one ignition per cell (map and QGIS style).
pub fn ignition_classes() -> Vec<LegendClass> {
    let colors = render::ramp(colorous::YELLOW_ORANGE_RED, 5);
    let c = |k: usize, lo: f32, hi: f32, label: &str| LegendClass { lo, hi, color: colors[k], label: label.into() };
    vec![
        c(0, 1e-4, 0.01, "0.0001 \u{2013} 0.01"),
        c(1, 0.01, 0.05, "0.01 \u{2013} 0.05"),
        c(2, 0.05, 0.2, "0.05 \u{2013} 0.2"),
        c(3, 0.2, 0.5, "0.2 \u{2013} 0.5"),
        c(4, 0.5, f32::INFINITY, "> 0.5"),
    ]
}

pub(super) fn ignition_map(
    ls: &Landscape,
    prob: &[f32],
    field: &DebrisField,
    extent: crate::run::scenario::MapExtent,
) -> Canvas {
    let classes = ignition_classes();
    let points: Vec<(f64, f64)> = field.fragments.iter().map(|f| (f.x, f.y)).collect();
    let win = window_around(ls, prob, &points, extent);
    let (grid, elevation, water) = cut(ls, win);
    let p = cut_raster(ls.grid.cols, win, prob);
    let mut cv = render_map(
        &grid,
        &elevation,
        &p,
        NODATA,
        &classes,
        "Probability of at least one ignition per cell; fragment impacts as dots",
        "P(ignition)",
        Some(&water),
    );
    let (ox, oy, scale) = map_layout(&grid);
    for f in &field.fragments {
        let (r, col) = grid.fractional_cell(f.x, f.y);
        if r >= 0.0 && col >= 0.0 && r < grid.rows as f64 && col < grid.cols as f64 {
            cv.set(ox + (col * scale) as i64, oy + (r * scale) as i64, [0, 0, 0]);
        }
    }
    cv
}

/// impacts.gpkg: layer `impacts` (every fragment: id, material, thermal state, impact probability, ignition
/// probability where it lands) and layer `ignitions` (this realisation's).
pub(super) fn write_impacts(
    path: &Path,
    ls: &Landscape,
    field: &DebrisField,
    ci: &CellIgnition,
    m1h: f64,
    p: &IgnitionParams,
    ign: &[SampledIgnition],
) -> Result<()> {
    io::write_atomic(path, |tmp| {
        let drv = gdal::DriverManager::get_driver_by_name("GPKG")?;
        let mut ds = drv.create_vector_only(tmp)?;
        // One transaction: SQLite commits (and syncs) once, not once per feature.
        let mut txn = ds.start_transaction()?;
        let srs = crate::landscape::srs_from_wkt(&ls.grid.wkt)?;
        let ignition_probability = |f: &Fragment| {
            let g = &ls.grid;
            let (fr, fc) = g.fractional_cell(f.x, f.y);
            if !(fr >= 0.0 && fc >= 0.0 && fr < g.rows as f64 && fc < g.cols as f64) {
                return 0.0;
            }
            let i = fr as usize * g.cols + fc as usize;
            if ci.can_ignite[i] {
                ignition::fragment_ignition_probability(p, f, ci.fuel_temp_c[i] as f64, m1h)
            } else {
                0.0
            }
        };
        impacts_layer(&mut txn, &srs, &field.fragments, &ignition_probability)?;
        ignitions_layer(&mut txn, &srs, ign)?;
        txn.commit()?;
        ds.close()?;
        Ok(())
    })
}

/// A point feature at (x, y) on `layer`, its fields set by `fill`.
fn point_feature(
    layer: &gdal::vector::Layer,
    (x, y): (f64, f64),
    fill: impl FnOnce(&mut gdal::vector::Feature) -> gdal::errors::Result<()>,
) -> Result<()> {
    use gdal::vector::LayerAccess;
    let mut feat = gdal::vector::Feature::new(layer.defn())?;
    let mut pt = gdal::vector::Geometry::empty(gdal_sys::OGRwkbGeometryType::wkbPoint)?;
    pt.add_point_2d((x, y));
    feat.set_geometry(pt)?;
    fill(&mut feat)?;
    feat.create(layer)?;
    Ok(())
}

/// Layer `impacts`: every fragment (no R-tree: a fragment list may hold a million rows, see write_spot_fires).
fn impacts_layer(
    txn: &mut gdal::vector::Transaction,
    srs: &gdal::spatial_ref::SpatialRef,
    fragments: &[Fragment],
    ignition_probability: &dyn Fn(&Fragment) -> f64,
) -> Result<()> {
    use gdal::vector::{FieldValue, LayerAccess, LayerOptions};
    use gdal_sys::OGRFieldType;
    let layer = txn.create_layer(LayerOptions {
        name: "impacts",
        srs: Some(srs),
        ty: gdal_sys::OGRwkbGeometryType::wkbPoint,
        options: Some(&["SPATIAL_INDEX=NO"]),
    })?;
    layer.create_defn_fields(&[
        ("id", OGRFieldType::OFTString),
        ("material", OGRFieldType::OFTString),
        ("burning", OGRFieldType::OFTInteger),
        ("temperature_c", OGRFieldType::OFTReal),
        ("mass_kg", OGRFieldType::OFTReal),
        ("size_m", OGRFieldType::OFTReal),
        ("impact_probability", OGRFieldType::OFTReal),
        ("impact_time_s", OGRFieldType::OFTReal),
        ("ignition_probability", OGRFieldType::OFTReal),
        ("burn_time_s", OGRFieldType::OFTReal),
    ])?;
    for f in fragments {
        let (burning, temp, burn) = match f.thermal {
            ThermalState::Burning { burn_time_s } => (1, f64::NAN, burn_time_s),
            ThermalState::Hot { temperature_c } => (0, temperature_c, f64::NAN),
        };
        point_feature(&layer, (f.x, f.y), |feat| {
            feat.set_field_string(0, &f.id)?;
            feat.set_field_string(1, f.material.name())?;
            feat.set_field(2, &FieldValue::IntegerValue(burning))?;
            if temp.is_finite() {
                feat.set_field_double(3, temp)?;
            }
            feat.set_field_double(4, f.mass_kg)?;
            feat.set_field_double(5, f.size_m)?;
            feat.set_field_double(6, f.impact_probability)?;
            feat.set_field_double(7, f.impact_time_s)?;
            feat.set_field_double(8, ignition_probability(f))?;
            if burn.is_finite() {
                feat.set_field_double(9, burn)?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// Layer `ignitions`: this realisation's.
fn ignitions_layer(
    txn: &mut gdal::vector::Transaction,
    srs: &gdal::spatial_ref::SpatialRef,
    ign: &[SampledIgnition],
) -> Result<()> {
    use gdal::vector::{LayerAccess, LayerOptions};
    use gdal_sys::OGRFieldType;
    let layer = txn.create_layer(LayerOptions {
        name: "ignitions",
        srs: Some(srs),
        ty: gdal_sys::OGRwkbGeometryType::wkbPoint,
        options: None,
    })?;
    layer.create_defn_fields(&[
        ("fragment", OGRFieldType::OFTString),
        ("time_min", OGRFieldType::OFTReal),
        ("ignition_probability", OGRFieldType::OFTReal),
    ])?;
    for s in ign {
        point_feature(&layer, (s.x, s.y), |feat| {
            feat.set_field_string(0, &s.fragment)?;
            feat.set_field_double(1, s.t_min)?;
            feat.set_field_double(2, s.probability)
        })?;
    }
    Ok(())
}
