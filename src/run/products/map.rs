//! The arrival-time map of a run: colours over a hillshade in the window the fire burned, isochrone lines,
//! ignition markers, legend, scale, north arrow and CRS.

use super::*;

/// Arrival-time classes (hours) for the map legend: a sequential ramp from yellow (early) to dark red (late).
pub fn arrival_classes(duration_h: f64) -> Vec<LegendClass> {
    let step = if duration_h <= 8.0 { 1.0 } else { (duration_h / 8.0).ceil() };
    let n = (duration_h / step).ceil().max(1.0) as usize;
    let colors = render::ramp(colorous::YELLOW_ORANGE_RED, n);
    (0..n)
        .map(|k| {
            let lo = k as f64 * step;
            let hi = ((k + 1) as f64 * step).min(duration_h);
            LegendClass {
                lo: if k == 0 { -1e-6 } else { lo as f32 },
                hi: if k + 1 == n { f32::INFINITY } else { hi as f32 },
                color: colors[k],
                label: format!("{} \u{2013} {} h", crate::format::plain(lo, 1), crate::format::plain(hi, 1)),
            }
        })
        .collect()
}

/// A point to mark for each source.
pub(super) fn marker(s: &Source) -> Option<(f64, f64)> {
    match &s.shape {
        Shape::Point(x, y) => Some((*x, *y)),
        Shape::Line(p) => p.first().copied(),
        Shape::Polygon(r) => r.first().and_then(|r| r.first().copied()),
    }
}

/// A window of the grid: first row, first column, rows, columns.
pub type Window = (usize, usize, usize, usize);

/// The window of the map: the burned cells, ignitions and assets with a margin (the whole grid for large fires).
pub(super) fn map_window(
    ls: &Landscape,
    r: &SpreadRasters,
    sources: &[Source],
    overlay: &ArrivalOverlay,
) -> (usize, usize, usize, usize) {
    let mut points: Vec<(f64, f64)> = sources.iter().filter_map(marker).collect();
    for f in &overlay.features {
        points.extend(f.points.iter().copied());
        points.extend(f.lines.iter().flatten().copied());
    }
    window_around(ls, &r.arrival_min, &points, overlay.extent)
}

/// What the arrival map draws over the arrival times: assets (named, with their arrival), spot fires, the start's
/// clock time in the title.
#[derive(Default)]
pub struct ArrivalOverlay<'a> {
    pub features: Vec<render::overlay::MapFeature<'a>>,
    /// Where spot fires started.
    pub spot_fires: Vec<(f64, f64)>,
    pub start: Option<&'a crate::run::start::StartTime>,
    /// What the map frames.
    pub extent: crate::run::scenario::MapExtent,
}

/// A window (row, col, rows, cols) framing the cells with a value (not [`NODATA`], above 0) and `points`, with a
/// margin; the whole grid when there is nothing, or when `extent` asks for the landscape.
pub fn window_around(
    ls: &Landscape,
    values: &[f32],
    points: &[(f64, f64)],
    extent: crate::run::scenario::MapExtent,
) -> (usize, usize, usize, usize) {
    let g = &ls.grid;
    if extent == crate::run::scenario::MapExtent::Landscape {
        return (0, 0, g.rows, g.cols);
    }
    let (mut r0, mut c0, mut r1, mut c1) = (usize::MAX, usize::MAX, 0usize, 0usize);
    let mut add = |row: usize, col: usize| {
        (r0, c0, r1, c1) = (r0.min(row), c0.min(col), r1.max(row), c1.max(col));
    };
    for (i, &t) in values.iter().enumerate() {
        if t != NODATA && t > 0.0 {
            add(i / g.cols, i % g.cols);
        }
    }
    for &(x, y) in points {
        let (fr, fc) = g.fractional_cell(x, y);
        if fr >= 0.0 && fc >= 0.0 && (fr as usize) < g.rows && (fc as usize) < g.cols {
            add(fr as usize, fc as usize);
        }
    }
    if r0 == usize::MAX {
        return (0, 0, g.rows, g.cols);
    }
    let size = (r1 - r0).max(c1 - c0) + 1;
    let margin = (size / 3).max(40);
    let (r0, c0) = (r0.saturating_sub(margin), c0.saturating_sub(margin));
    let (r1, c1) = ((r1 + margin + 1).min(g.rows), (c1 + margin + 1).min(g.cols));
    (r0, c0, r1 - r0, c1 - c0)
}

/// The landscape cut to a window: its grid, elevation and ground (water, non-burnable land).
pub fn cut(ls: &Landscape, w: (usize, usize, usize, usize)) -> (crate::landscape::Grid, Vec<f32>, Vec<render::Ground>) {
    let (wr, wc, wh, ww) = w;
    let full = &ls.grid;
    let gt = full.geotransform;
    let grid = crate::landscape::Grid {
        rows: wh,
        cols: ww,
        geotransform: [gt[0] + gt[1] * wc as f64, gt[1], 0.0, gt[3] + gt[5] * wr as f64, 0.0, gt[5]],
        wkt: full.wkt.clone(),
    };
    let elevation = cut_raster(full.cols, w, &ls.elevation_m);
    let water = (wr..wr + wh)
        .flat_map(|row| render::ground_of(&ls.fuel[row * full.cols + wc..row * full.cols + wc + ww]))
        .collect();
    (grid, elevation, water)
}

/// `v` (raster order on a grid of `cols` columns) cut to window `w`.
pub fn cut_raster(cols: usize, w: (usize, usize, usize, usize), v: &[f32]) -> Vec<f32> {
    let (wr, wc, wh, ww) = w;
    (wr..wr + wh).flat_map(|row| v[row * cols + wc..row * cols + wc + ww].iter().copied()).collect()
}

/// The arrival-time map: colours over a hillshade, isochrone lines every `interval_min`, ignition markers; framed
/// on the fire.
pub fn arrival_map(
    ls: &Landscape,
    res: &SpreadResult,
    r: &SpreadRasters,
    sources: &[Source],
    interval_min: f64,
    overlay: &ArrivalOverlay,
) -> Canvas {
    let win = map_window(ls, r, sources, overlay);
    let (cut_grid, elevation, water) = cut(ls, win);
    let grid = &cut_grid;
    let arrival = cut_raster(ls.grid.cols, win, &r.arrival_min);
    let hours: Vec<f32> = arrival.iter().map(|&t| if t == NODATA { NODATA } else { t / MIN_PER_H as f32 }).collect();
    let title = format!(
        "Fire arrival time, {} h run{}, isochrones every {} min",
        crate::format::plain(res.duration_min / MIN_PER_H, 1),
        overlay.start.map(|s| format!(" from {}", s.label(0.0))).unwrap_or_default(),
        crate::format::plain(interval_min, 1)
    );
    let classes = arrival_classes(res.duration_min / MIN_PER_H);
    let mut cv = render_map(grid, &elevation, &hours, NODATA, &classes, &title, "Arrival time (h)", Some(&water));
    let fire_type = cut_raster(ls.grid.cols, win, &r.fire_type);
    let (ox, oy, scale) = map_layout(grid);
    let (w, h) = ((grid.cols as f64 * scale).round() as i64, (grid.rows as f64 * scale).round() as i64);
    // Arrival time at a map pixel, bilinear between cell centres (unburned: infinity).
    let t_at = |px: i64, py: i64| -> f64 {
        let (fc, fr) = ((px as f64 + 0.5) / scale - 0.5, (py as f64 + 0.5) / scale - 0.5);
        let (c0, r0) = (fc.floor(), fr.floor());
        let (ax, ay) = (fc - c0, fr - r0);
        let get = |r: f64, c: f64| {
            let (r, c) = (r.clamp(0.0, grid.rows as f64 - 1.0) as usize, c.clamp(0.0, grid.cols as f64 - 1.0) as usize);
            let t = arrival[r * grid.cols + c];
            if t == NODATA {
                f64::INFINITY
            } else {
                t as f64
            }
        };
        let v = [get(r0, c0), get(r0, c0 + 1.0), get(r0 + 1.0, c0), get(r0 + 1.0, c0 + 1.0)];
        if v.iter().any(|x| x.is_infinite()) {
            // Near the perimeter: nearest cell.
            return get(fr.round(), fc.round());
        }
        (v[0] * (1.0 - ax) + v[1] * ax) * (1.0 - ay) + (v[2] * (1.0 - ax) + v[3] * ax) * ay
    };
    let level = |t: f64| if t.is_finite() { (t / interval_min).floor() as i64 } else { i64::MAX };
    let mut levels = vec![0i64; (w * h) as usize];
    for py in 0..h {
        for px in 0..w {
            levels[(py * w + px) as usize] = level(t_at(px, py));
        }
    }
    for py in 0..h {
        for px in 0..w {
            let l = levels[(py * w + px) as usize];
            let right = if px + 1 < w { levels[(py * w + px + 1) as usize] } else { l };
            let down = if py + 1 < h { levels[((py + 1) * w + px) as usize] } else { l };
            if l != right || l != down {
                cv.set(ox + px, oy + py, [40, 40, 40]);
            } else if px % 4 == 0 && py % 4 == 0 {
                // Crown fire (passive or active) stippled.
                let (c, rr) = ((px as f64 / scale) as usize, (py as f64 / scale) as usize);
                let i = rr.min(grid.rows - 1) * grid.cols + c.min(grid.cols - 1);
                if fire_type[i] >= 2.0 {
                    cv.rect(ox + px, oy + py, 2, 2, [20, 20, 20]);
                }
            }
        }
    }
    let (frame_x, frame_y) = (ox, oy);
    for &(x, y) in &overlay.spot_fires {
        let (r, c) = grid.fractional_cell(x, y);
        if r < 0.0 || c < 0.0 || r >= grid.rows as f64 || c >= grid.cols as f64 {
            continue;
        }
        let (px, py) = (ox + (c * scale) as i64, oy + (r * scale) as i64);
        ring(&mut cv, px, py, [0, 90, 200]);
    }
    for s in sources {
        if let Some((x, y)) = marker(s) {
            let (r, c) = grid.fractional_cell(x, y);
            let (px, py) = (ox + (c * scale) as i64, oy + (r * scale) as i64);
            for k in -6..=6 {
                for d in -1..=1 {
                    cv.set(px + k, py + d, [0, 0, 0]);
                    cv.set(px + d, py + k, [0, 0, 0]);
                }
            }
            for k in -4..=4 {
                cv.set(px + k, py, [255, 255, 255]);
                cv.set(px, py + k, [255, 255, 255]);
            }
        }
    }
    let mut labels = render::overlay::Labels::default();
    render::overlay::draw_features(&mut cv, grid, &overlay.features, [30, 30, 140], &mut labels);
    key(&mut cv, (frame_x, frame_y + h), overlay, fire_type.iter().any(|&t| t >= 2.0));
    cv
}

/// A ring 5 px across at (px, py): a spot fire.
fn ring(cv: &mut Canvas, px: i64, py: i64, c: [u8; 3]) {
    for dy in -4i64..=4 {
        for dx in -4i64..=4 {
            let r2 = dx * dx + dy * dy;
            if (9..=20).contains(&r2) {
                cv.set(px + dx, py + dy, c);
            }
        }
    }
}

/// The key of the symbols drawn over the arrival times, in the map's lower-left corner (`corner`): isochrones,
/// ignitions, and crown fire, spot fires and assets where the map shows them.
fn key(cv: &mut Canvas, corner: (i64, i64), overlay: &ArrivalOverlay, crown: bool) {
    let mut rows: Vec<&str> = vec!["isochrone", "ignition"];
    if crown {
        rows.push("crown fire (stippled)");
    }
    if !overlay.spot_fires.is_empty() {
        rows.push("spot fire");
    }
    if !overlay.features.is_empty() {
        rows.push("asset");
    }
    let w = 40 + rows.iter().map(|r| Canvas::text_width(r, 14.0, render::Weight::Regular)).max().unwrap_or(0) + 10;
    let h = 8 + 20 * rows.len() as i64;
    let (x0, y0) = (corner.0 + 6, corner.1 - h - 6);
    cv.rect(x0, y0, w, h, [255, 255, 255]);
    cv.frame(x0, y0, w, h, [60, 60, 60]);
    for (k, r) in rows.iter().enumerate() {
        let (sx, sy) = (x0 + 18, y0 + 14 + 20 * k as i64);
        match *r {
            "isochrone" => cv.rect(sx - 10, sy, 20, 2, [40, 40, 40]),
            "ignition" => {
                cv.rect(sx - 6, sy - 1, 13, 3, [0, 0, 0]);
                cv.rect(sx - 1, sy - 6, 3, 13, [0, 0, 0]);
            }
            "spot fire" => ring(cv, sx, sy, [0, 90, 200]),
            "asset" => {
                cv.rect(sx - 5, sy - 5, 11, 11, [30, 30, 140]);
                cv.rect(sx - 3, sy - 3, 7, 7, [255, 255, 255]);
            }
            _ => {
                for dy in [-4, 0, 4] {
                    for dx in [-8, -4, 0, 4, 8] {
                        cv.rect(sx + dx, sy + dy, 2, 2, [20, 20, 20]);
                    }
                }
            }
        }
        cv.text(x0 + 36, sy - 9, r, 14.0, render::Weight::Regular, [20, 20, 20]);
    }
}
