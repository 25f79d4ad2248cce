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

/// The burn probability map: classes over the hillshade, the assets drawn and named, legend, north arrow, scale
/// bar and CRS.
pub fn probability_map(ens: &Ensemble, prob: &[f32], title: &str) -> Canvas {
    let ls = &ens.prepared.landscape;
    let mut pts: Vec<(f64, f64)> = Vec::new();
    for a in &ens.assets {
        pts.extend(a.points.iter().copied());
        for l in &a.lines {
            pts.extend(l.iter().copied());
        }
    }
    let shown: Vec<f32> = prob.iter().map(|&p| if p > 0.0 && p != NODATA { p } else { NODATA }).collect();
    let win = window_around(ls, &shown, &pts);
    let (grid, elevation, water) = cut(ls, win);
    let vals = crate::run::products::cut_raster(ls.grid.cols, win, &shown);
    let mut cv = render_map(
        &grid,
        &elevation,
        &vals,
        NODATA,
        &probability_classes(),
        title,
        "Burn probability (given a failure)",
        Some(&water),
    );
    let (ox, oy, scale) = map_layout(&grid);
    let to_px = |x: f64, y: f64| {
        let (r, c) = grid.fractional_cell(x, y);
        (ox as f64 + c * scale, oy as f64 + r * scale)
    };
    let ink = [30, 30, 140];
    // Assets are drawn within the map's frame only.
    let (mw, mh) = (grid.cols as f64 * scale, grid.rows as f64 * scale);
    let inside = |x: f64, y: f64| x >= ox as f64 && y >= oy as f64 && x < ox as f64 + mw && y < oy as f64 + mh;
    for a in &ens.assets {
        let mut label_at = None;
        for l in &a.lines {
            for s in l.windows(2) {
                let (p, q) = (to_px(s[0].0, s[0].1), to_px(s[1].0, s[1].1));
                let steps = ((q.0 - p.0).abs().max((q.1 - p.1).abs()).ceil() as i64).max(1);
                for k in 0..=steps {
                    let f = k as f64 / steps as f64;
                    let (x, y) = (p.0 + f * (q.0 - p.0), p.1 + f * (q.1 - p.1));
                    if !inside(x, y) {
                        continue;
                    }
                    for d in -1..=1 {
                        cv.set(x as i64 + d, y as i64, ink);
                        cv.set(x as i64, y as i64 + d, ink);
                    }
                }
            }
            label_at = label_at.or(l.iter().map(|p| to_px(p.0, p.1)).find(|p| inside(p.0, p.1)));
        }
        for p in &a.points {
            let (x, y) = to_px(p.0, p.1);
            if !inside(x, y) {
                continue;
            }
            cv.rect(x as i64 - 5, y as i64 - 5, 11, 11, ink);
            cv.rect(x as i64 - 3, y as i64 - 3, 7, 7, [255, 255, 255]);
            label_at = label_at.or(Some((x, y)));
        }
        if let Some((x, y)) = label_at {
            cv.text(x as i64 + 8, y as i64 - 22, &a.spec.name, 16.0, Weight::Bold, ink);
        }
    }
    cv
}

/// The burn probability maps: within the run, and at the response time.
pub(super) fn write_probability_maps(
    ens: &Ensemble,
    acc: &Accumulator,
    rs: &[(String, Vec<f32>, String)],
    out: &Path,
) -> Result<Vec<PathBuf>> {
    let rt = fmt_minutes(ens.prepared.scenario.ensemble.response_time_min);
    let mut files = Vec::new();
    let prob = &rs[0].1;
    let p = out.join("burn_probability.png");
    probability_map(
        ens,
        prob,
        &format!("Burn probability within {}, {} members", fmt_minutes(acc.duration_min), acc.members),
    )
    .save_png(&p)?;
    files.push(p);
    if let Some((_, v, _)) = rs.iter().find(|r| r.0 == "burn_probability_response") {
        let p = out.join("burn_probability_response.png");
        probability_map(ens, v, &format!("Burn probability at the response time ({rt}), {} members", acc.members))
            .save_png(&p)?;
        files.push(p);
    }
    Ok(files)
}
