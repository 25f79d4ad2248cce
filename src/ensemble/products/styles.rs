//! Legends and styles of the ensemble maps and rasters, and the burn probability map.

use super::*;

/// Classes of `edges` (n + 1 increasing values, the last may be infinite) with `labels`, coloured by `gradient`.
pub(super) fn classes_of(edges: &[f64], labels: &[String], gradient: colorous::Gradient) -> Vec<LegendClass> {
    let colors = render::ramp(gradient, labels.len());
    (0..labels.len())
        .map(|k| LegendClass {
            lo: edges[k] as f32,
            hi: edges[k + 1] as f32,
            color: colors[k],
            label: labels[k].clone(),
        })
        .collect()
}

/// Arrival time classes, min: one per isochrone interval.
pub(super) fn arrival_classes(duration_min: f64, step_min: f64) -> Vec<LegendClass> {
    let n = ((duration_min / step_min).ceil() as usize).clamp(1, 12);
    let step = duration_min / n as f64;
    let mut edges: Vec<f64> = (0..=n).map(|k| k as f64 * step).collect();
    edges[0] = -1e-6;
    edges[n] = f64::INFINITY;
    let labels: Vec<String> = (0..n)
        .map(|k| {
            format!(
                "{} \u{2013} {} min",
                crate::format::plain(k as f64 * step, 2),
                crate::format::plain((k + 1) as f64 * step, 2)
            )
        })
        .collect();
    classes_of(&edges, &labels, colorous::YELLOW_ORANGE_RED)
}

/// Fireline intensity classes, kW/m: the hauling chart's 100, 500, 1000 and 2000 Btu/ft/s (Andrews & Rothermel
/// 1982, INT-131) in SI.
pub(super) fn intensity_classes() -> Vec<LegendClass> {
    let edges = [1e-6, 346.0, 1730.0, 3460.0, 6920.0, f64::INFINITY];
    let labels = [
        "< 346 kW/m (hand crews)",
        "346 \u{2013} 1730 kW/m (equipment)",
        "1730 \u{2013} 3460 kW/m (aircraft)",
        "3460 \u{2013} 6920 kW/m",
        "> 6920 kW/m (no direct attack)",
    ]
    .map(String::from);
    let mut c = classes_of(&edges, &labels, colorous::RED_YELLOW_GREEN);
    let colors: Vec<[u8; 3]> = c.iter().rev().map(|x| x.color).collect();
    for (x, col) in c.iter_mut().zip(colors) {
        x.color = col;
    }
    c
}

/// Ignition density classes, ignitions per member and cell.
pub(super) fn density_classes() -> Vec<LegendClass> {
    let edges = [1e-9, 0.001, 0.01, 0.1, 1.0, f64::INFINITY];
    let labels = ["< 0.001", "0.001 \u{2013} 0.01", "0.01 \u{2013} 0.1", "0.1 \u{2013} 1", "> 1"].map(String::from);
    classes_of(&edges, &labels, colorous::PURPLES)
}

/// The QGIS style of an ensemble raster (by file stem), as its PNG map draws it where there is one.
pub fn raster_style(stem: &str, acc: &Accumulator, interval_min: f64) -> crate::run::qgis::Style {
    use crate::run::qgis::Style;
    let classes = if stem.starts_with("burn_probability") {
        probability_classes()
    } else if stem.starts_with("arrival_time") {
        arrival_classes(acc.duration_min, interval_min)
    } else if stem.starts_with("flame_length") {
        render::flame_length_classes()
    } else if stem.starts_with("fireline_intensity") {
        intensity_classes()
    } else {
        density_classes()
    };
    let clear_below = if stem.starts_with("arrival_time") { -1.0 } else { 1e-9 };
    Style::Classes { classes, clear_below }
}

/// Burn probability classes for the map.
pub(super) fn probability_classes() -> Vec<LegendClass> {
    let edges = [1e-9, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0 + 1e-6];
    let labels = [
        "< 1 %",
        "1 \u{2013} 5 %",
        "5 \u{2013} 10 %",
        "10 \u{2013} 25 %",
        "25 \u{2013} 50 %",
        "50 \u{2013} 75 %",
        "75 \u{2013} 100 %",
    ];
    let colors = render::ramp(colorous::YELLOW_ORANGE_RED, labels.len());
    (0..labels.len())
        .map(|k| LegendClass {
            lo: edges[k] as f32,
            hi: edges[k + 1] as f32,
            color: colors[k],
            label: labels[k].into(),
        })
        .collect()
}

/// A point in the landscape's CRS.
type Xy = (f64, f64);
/// The pad and the ground track.
type PadAndTrack = (Option<Xy>, Vec<Xy>);

/// The pad (the failure event's position) and the trajectory's ground track, in the landscape's CRS, when the
/// scenario has them.
fn pad_and_track(ens: &Ensemble) -> PadAndTrack {
    use crate::run::ensemble_spec::Position;
    let grid = &ens.prepared.landscape.grid;
    let Ok(tr) = crate::debris::forms::lonlat_to(grid) else { return (None, Vec::new()) };
    let to_map = |lon: f64, lat: f64| {
        let (mut x, mut y) = ([lon], [lat]);
        tr.transform_coords(&mut x, &mut y, &mut []).ok().map(|_| (x[0], y[0]))
    };
    let pad = ens.event().and_then(|e| match (e.x, e.y, e.lon, e.lat) {
        (Some(x), Some(y), _, _) => Some((x, y)),
        (_, _, Some(lon), Some(lat)) => to_map(lon, lat),
        _ => None,
    });
    let track = ens.prepared.scenario.ensemble.trajectory.as_ref().map_or_else(Vec::new, |t| {
        t.points
            .iter()
            .filter_map(|p| match p.pos {
                Position::Map { x, y } => Some((x, y)),
                Position::LonLat { lon, lat } => to_map(lon, lat),
            })
            .collect()
    });
    (pad.or(track.first().copied()), track)
}

/// A map of an ensemble raster: `classes` over the hillshade (water and non-burnable land in the legend), the pad
/// and the trajectory's ground track, the assets drawn and named (labels whole and apart), legend titled
/// `legend_title`, north arrow, scale bar and CRS; framed on the values above 0, the pad and the assets.
pub fn ensemble_map(
    ens: &Ensemble,
    values: &[f32],
    classes: &[LegendClass],
    title: &str,
    legend_title: &str,
) -> Canvas {
    let ls = &ens.prepared.landscape;
    let (pad, track) = pad_and_track(ens);
    let mut pts: Vec<(f64, f64)> = pad.into_iter().collect();
    for a in &ens.assets {
        pts.extend(a.points.iter().copied());
        for l in &a.lines {
            pts.extend(l.iter().copied());
        }
    }
    let shown: Vec<f32> = values.iter().map(|&p| if p > 0.0 && p != NODATA { p } else { NODATA }).collect();
    let win = window_around(ls, &shown, &pts, ens.prepared.scenario.output.map_extent);
    let (grid, elevation, ground) = cut(ls, win);
    let vals = crate::run::products::cut_raster(ls.grid.cols, win, &shown);
    let mut cv = render_map(&grid, &elevation, &vals, NODATA, classes, title, legend_title, Some(&ground));
    let mut labels = render::overlay::Labels::default();
    if let Some(p) = pad {
        render::overlay::draw_pad_and_track(&mut cv, &grid, p, "pad", &track, &mut labels);
    }
    let features: Vec<render::overlay::MapFeature> = ens
        .assets
        .iter()
        .map(|a| render::overlay::MapFeature { label: a.spec.name.clone(), lines: &a.lines, points: &a.points })
        .collect();
    render::overlay::draw_features(&mut cv, &grid, &features, [30, 30, 140], &mut labels);
    cv
}

/// The burn probability map ([`ensemble_map`] in probability classes).
pub fn probability_map(ens: &Ensemble, prob: &[f32], title: &str) -> Canvas {
    ensemble_map(ens, prob, &probability_classes(), title, "Burn probability (given a failure)")
}

/// The maps beside the burn probability: ignition density, arrival time percentiles (p10: the early fires; p50),
/// flame length p90.
pub(super) fn write_more_maps(ens: &Ensemble, acc: &Accumulator, out: &Path) -> Result<Vec<PathBuf>> {
    let interval = ens.prepared.scenario.spread.isochrone_interval_min;
    let n = acc.members;
    let maps: [(&str, Vec<LegendClass>, String, &str); 4] = [
        (
            "ignition_density",
            density_classes(),
            format!("Ignitions per member and cell, {n} members"),
            "Ignitions per member",
        ),
        (
            "arrival_time_p10_min",
            arrival_classes(acc.duration_min, interval),
            format!("Arrival time, 10th percentile over the members that burned the cell, {n} members"),
            "Arrival time p10 (min)",
        ),
        (
            "arrival_time_p50_min",
            arrival_classes(acc.duration_min, interval),
            format!("Arrival time, median over the members that burned the cell, {n} members"),
            "Arrival time p50 (min)",
        ),
        (
            "flame_length_p90_m",
            render::flame_length_classes(),
            format!("Flame length, 90th percentile over the members that burned the cell, {n} members"),
            "Flame length p90 (m)",
        ),
    ];
    let mut files = Vec::new();
    for (stem, classes, title, legend) in maps {
        let Some(v) = raster_named(ens, acc, stem) else { continue };
        // Arrival times of 0 (an ignition at minute 0) are shown: values at or above 0 where burned.
        let shown: Vec<f32> = if stem.starts_with("arrival") {
            v.iter().map(|&t| if t == NODATA { NODATA } else { t.max(1e-3) }).collect()
        } else {
            v
        };
        let p = out.join(format!("{stem}.png"));
        ensemble_map(ens, &shown, &classes, &title, legend).save_png(&p)?;
        files.push(p);
    }
    Ok(files)
}

/// The burn probability maps: within the run, and at the response time.
pub(super) fn write_probability_maps(ens: &Ensemble, acc: &Accumulator, out: &Path) -> Result<Vec<PathBuf>> {
    let rt = fmt_minutes(ens.prepared.scenario.ensemble.response_time_min);
    let mut files = Vec::new();
    if let Some(prob) = raster_named(ens, acc, "burn_probability") {
        let p = out.join("burn_probability.png");
        probability_map(
            ens,
            &prob,
            &format!("Burn probability within {}, {} members", fmt_minutes(acc.duration_min), acc.members),
        )
        .save_png(&p)?;
        files.push(p);
    }
    if let Some(v) = raster_named(ens, acc, "burn_probability_response") {
        let p = out.join("burn_probability_response.png");
        probability_map(ens, &v, &format!("Burn probability at the response time ({rt}), {} members", acc.members))
            .save_png(&p)?;
        files.push(p);
    }
    Ok(files)
}
