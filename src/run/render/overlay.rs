//! What maps draw over their raster: named features (assets: lines, outlines, points) and a launch pad with its
//! trajectory's ground track. Everything stays inside the map's frame, and every label is placed whole inside it
//! and clear of the labels before it (on a white box, so that it reads over any colour).

use super::{map_layout, Canvas, Weight};
use crate::landscape::Grid;

/// A named feature to draw: lines (and polygon outlines) and points in the map grid's CRS.
pub struct MapFeature<'a> {
    pub label: String,
    pub lines: &'a [Vec<(f64, f64)>],
    pub points: &'a [(f64, f64)],
}

const LABEL_PX: f32 = 15.0;
const LABEL_H: i64 = 21;

/// The map's frame in pixels and a function from grid coordinates to pixels.
struct Frame {
    ox: f64,
    oy: f64,
    w: f64,
    h: f64,
}

impl Frame {
    fn of(grid: &Grid) -> (Frame, impl Fn(f64, f64) -> (f64, f64) + '_) {
        let (ox, oy, scale) = map_layout(grid);
        let f = Frame { ox: ox as f64, oy: oy as f64, w: grid.cols as f64 * scale, h: grid.rows as f64 * scale };
        let to_px = move |x: f64, y: f64| {
            let (r, c) = grid.fractional_cell(x, y);
            (ox as f64 + c * scale, oy as f64 + r * scale)
        };
        (f, to_px)
    }
    fn inside(&self, x: f64, y: f64) -> bool {
        x >= self.ox && y >= self.oy && x < self.ox + self.w && y < self.oy + self.h
    }
    /// The box (x, y, w, h) lies whole inside the frame.
    fn holds(&self, b: (i64, i64, i64, i64)) -> bool {
        b.0 as f64 >= self.ox + 2.0
            && b.1 as f64 >= self.oy + 2.0
            && (b.0 + b.2) as f64 <= self.ox + self.w - 2.0
            && (b.1 + b.3) as f64 <= self.oy + self.h - 2.0
    }
}

/// Labels placed on a map so far (their boxes), so that the next one avoids them.
#[derive(Default)]
pub struct Labels {
    placed: Vec<(i64, i64, i64, i64)>,
}

impl Labels {
    /// Place `text` next to the map pixel (ax, ay): to its right, left, above or below, the first spot whole in the
    /// frame and clear of the labels placed; else the first spot moved into the frame. Drawn on a white box.
    fn place(&mut self, cv: &mut Canvas, frame: &Frame, (ax, ay): (f64, f64), text: &str, ink: [u8; 3]) {
        let w = Canvas::text_width(text, LABEL_PX, Weight::Bold) + 8;
        let (ax, ay) = (ax.round() as i64, ay.round() as i64);
        let spots = [
            (ax + 9, ay - LABEL_H - 3),
            (ax + 9, ay + 5),
            (ax - 9 - w, ay - LABEL_H - 3),
            (ax - 9 - w, ay + 5),
            (ax - w / 2, ay - LABEL_H - 12),
            (ax - w / 2, ay + 12),
        ];
        let clear = |b: (i64, i64, i64, i64), placed: &[(i64, i64, i64, i64)]| {
            placed.iter().all(|p| b.0 + b.2 <= p.0 || p.0 + p.2 <= b.0 || b.1 + b.3 <= p.1 || p.1 + p.3 <= b.1)
        };
        let boxes = spots.map(|(x, y)| (x, y, w, LABEL_H));
        let b = boxes
            .iter()
            .copied()
            .find(|&b| frame.holds(b) && clear(b, &self.placed))
            .or_else(|| boxes.iter().copied().find(|&b| frame.holds(b)))
            .unwrap_or_else(|| {
                // Move the first spot into the frame (a label wider than the map is cut: nothing else to do).
                let x = (boxes[0].0 as f64).clamp(frame.ox + 2.0, (frame.ox + frame.w - w as f64 - 2.0).max(frame.ox));
                let y = (boxes[0].1 as f64)
                    .clamp(frame.oy + 2.0, (frame.oy + frame.h - LABEL_H as f64 - 2.0).max(frame.oy));
                (x as i64, y as i64, w, LABEL_H)
            });
        cv.rect(b.0, b.1, b.2, b.3, [255, 255, 255]);
        cv.frame(b.0, b.1, b.2, b.3, ink);
        cv.text(b.0 + 4, b.1 + 2, text, LABEL_PX, Weight::Bold, ink);
        self.placed.push(b);
    }
}

/// A thick line from p to q in pixels, inside the frame only; dashed when `dash` > 0 (pixels on, then off).
fn line(cv: &mut Canvas, frame: &Frame, p: (f64, f64), q: (f64, f64), ink: [u8; 3], dash: i64) {
    let steps = ((q.0 - p.0).abs().max((q.1 - p.1).abs()).ceil() as i64).max(1);
    for k in 0..=steps {
        if dash > 0 && (k / dash) % 2 == 1 {
            continue;
        }
        let f = k as f64 / steps as f64;
        let (x, y) = (p.0 + f * (q.0 - p.0), p.1 + f * (q.1 - p.1));
        if !frame.inside(x, y) {
            continue;
        }
        for d in -1..=1 {
            cv.set(x as i64 + d, y as i64, ink);
            cv.set(x as i64, y as i64 + d, ink);
        }
    }
}

/// Draw `features` on a map of `grid` (as [`super::render_map`] lays it out) in `ink`, each labelled.
pub fn draw_features(cv: &mut Canvas, grid: &Grid, features: &[MapFeature], ink: [u8; 3], labels: &mut Labels) {
    let (frame, to_px) = Frame::of(grid);
    for f in features {
        let mut visible: Vec<(f64, f64)> = Vec::new();
        for l in f.lines {
            for s in l.windows(2) {
                line(cv, &frame, to_px(s[0].0, s[0].1), to_px(s[1].0, s[1].1), ink, 0);
            }
            visible.extend(l.iter().map(|p| to_px(p.0, p.1)).filter(|p| frame.inside(p.0, p.1)));
        }
        for p in f.points {
            let (x, y) = to_px(p.0, p.1);
            if !frame.inside(x, y) {
                continue;
            }
            cv.rect(x as i64 - 5, y as i64 - 5, 11, 11, ink);
            cv.rect(x as i64 - 3, y as i64 - 3, 7, 7, [255, 255, 255]);
            visible.push((x, y));
        }
        // The label sits by the feature's middle visible point (a line's middle, not its end at the frame).
        if let Some(&at) = visible.get(visible.len() / 2) {
            labels.place(cv, &frame, at, &f.label, ink);
        }
    }
}

/// The launch pad (a ringed dot, labelled `pad_label`) and the trajectory's ground track (dashed, with a label at
/// its last point on the map) on a map of `grid`.
pub fn draw_pad_and_track(
    cv: &mut Canvas,
    grid: &Grid,
    pad: (f64, f64),
    pad_label: &str,
    track: &[(f64, f64)],
    labels: &mut Labels,
) {
    let ink = [90, 20, 110];
    let (frame, to_px) = Frame::of(grid);
    let px: Vec<(f64, f64)> = track.iter().map(|p| to_px(p.0, p.1)).collect();
    for s in px.windows(2) {
        line(cv, &frame, s[0], s[1], ink, 6);
    }
    let (x, y) = to_px(pad.0, pad.1);
    if frame.inside(x, y) {
        let (x, y) = (x.round() as i64, y.round() as i64);
        for dy in -8i64..=8 {
            for dx in -8i64..=8 {
                let r2 = dx * dx + dy * dy;
                if r2 <= 64 {
                    cv.set(x + dx, y + dy, if r2 <= 9 || r2 >= 36 { ink } else { [255, 255, 255] });
                }
            }
        }
        labels.place(cv, &frame, (x as f64, y as f64), pad_label, ink);
    }
    if let Some(&last) = px.iter().rev().find(|p| frame.inside(p.0, p.1)) {
        if (last.0 - x).abs() + (last.1 - y).abs() > 30.0 {
            labels.place(cv, &frame, last, "ground track", ink);
        }
    }
}
