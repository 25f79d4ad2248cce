//! Maps as PNG: a raster in classes over a hillshade, with a title, a legend with units, a north arrow, a scale
//! bar and the CRS named, drawn on the [`Canvas`] every map and plot shares (plotters, text in Noto Sans); colour
//! ramps from `colorous`.

mod canvas;
pub mod overlay;

pub use canvas::{Canvas, Weight};

use crate::landscape::Grid;

/// Hillshade (0..1) of a DEM, sun from azimuth 315 deg at 45 deg elevation (Horn gradients). NaN elevations give
/// 0.5.
pub fn hillshade(grid: &Grid, elev: &[f32]) -> Vec<f32> {
    use rayon::prelude::*;
    let (rows, cols) = (grid.rows, grid.cols);
    let (az, alt) = (315f64.to_radians(), 45f64.to_radians());
    (0..rows * cols)
        .into_par_iter()
        .map(|k| {
            let (s, a) =
                crate::landscape::terrain::horn_cell(elev, rows, cols, grid.dx(), grid.dy(), k / cols, k % cols);
            if !s.is_finite() {
                return 0.5;
            }
            let slope = s.atan();
            let aspect = if a < 0.0 { 0.0 } else { a.to_radians() };
            let v = alt.sin() * slope.cos() + alt.cos() * slope.sin() * (az - aspect).cos();
            v.clamp(0.0, 1.0) as f32
        })
        .collect()
}

/// What the ground of a map cell is, besides its value: maps draw water blue and non-burnable land hatched, each
/// with its legend entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Ground {
    Burnable = 0,
    Water = 1,
    NonBurnable = 2,
}

/// The ground of each cell from its fuel code: water (NB8), other non-burnable codes (NB1-NB9), burnable.
pub fn ground_of(fuel: &[u16]) -> Vec<Ground> {
    use crate::physics::fuel::{is_non_burnable_code, WATER_CODE};
    fuel.iter()
        .map(|&f| {
            if f == WATER_CODE {
                Ground::Water
            } else if is_non_burnable_code(f) {
                Ground::NonBurnable
            } else {
                Ground::Burnable
            }
        })
        .collect()
}

/// A class of a map legend: values in [lo, hi) get `color`.
#[derive(Clone, Debug, PartialEq)]
pub struct LegendClass {
    pub lo: f32,
    pub hi: f32,
    pub color: [u8; 3],
    pub label: String,
}

/// `n` colours of a `colorous` sequential ramp, from its light end (t = 0.15) to its dark end (t = 1).
pub fn ramp(gradient: colorous::Gradient, n: usize) -> Vec<[u8; 3]> {
    (0..n)
        .map(|k| {
            let t = if n <= 1 { 0.6 } else { 0.15 + 0.85 * k as f64 / (n - 1) as f64 };
            let c = gradient.eval_continuous(t);
            [c.r, c.g, c.b]
        })
        .collect()
}

const MARGIN: i64 = 20;
const TITLE_H: i64 = 48;
const PANEL_W: i64 = 270;
const FOOTER_H: i64 = 44;

/// Where [`render_map`] draws the map: left and top offsets (px) and pixels per cell.
pub fn map_layout(grid: &Grid) -> (i64, i64, f64) {
    let longest = grid.rows.max(grid.cols) as f64;
    (MARGIN, MARGIN + TITLE_H, (1000.0 / longest).min(4.0))
}

/// Colour a raster over a hillshade and add a title, a legend titled `legend_title` (with units), a north arrow, a
/// scale bar and the CRS. Cells whose value is NaN, `nodata`, or in no class show the hillshade in grey; with a
/// `ground` mask, water is blue and non-burnable land hatched (each in the legend when the map shows it).
#[allow(clippy::too_many_arguments)]
pub fn render_map(
    grid: &Grid,
    elevation: &[f32],
    values: &[f32],
    nodata: f32,
    classes: &[LegendClass],
    title: &str,
    legend_title: &str,
    ground: Option<&[Ground]>,
) -> Canvas {
    let shade = hillshade(grid, elevation);
    let (ox, oy, scale) = map_layout(grid);
    let map_w = ((grid.cols as f64 * scale).round() as i64).max(1);
    let map_h = ((grid.rows as f64 * scale).round() as i64).max(1);
    let width = (map_w + PANEL_W + 3 * MARGIN) as u32;
    let panel_h = 40 + 28 * (classes.len() as i64 + 2) + 200;
    let height = (oy + map_h.max(panel_h) + FOOTER_H + MARGIN) as u32;
    let mut cv = Canvas::new(width, height, [255, 255, 255]);
    let raster = shaded_raster(grid, &shade, values, nodata, classes, ground, (map_w, map_h, scale));
    cv.blit(ox, oy, map_w as u32, map_h as u32, &raster);
    cv.frame(ox - 1, oy - 1, map_w + 2, map_h + 2, [0, 0, 0]);
    cv.text(MARGIN, 14, title, 24.0, Weight::Bold, [20, 20, 20]);
    // Footer: CRS and grid.
    let crs = format!(
        "{} \u{2022} {} \u{00d7} {} cells of {} m \u{2022} hillshade from the landscape's DEM",
        grid.crs_name(),
        grid.cols,
        grid.rows,
        crate::format::plain(grid.dx(), 1)
    );
    cv.text(MARGIN, oy + map_h + 10, &crs, 15.0, Weight::Regular, [60, 60, 60]);
    let lx = 2 * MARGIN + map_w;
    let shown = |g: Ground| ground.is_some_and(|m| m.contains(&g));
    let ly = legend(&mut cv, lx, oy, legend_title, classes, [shown(Ground::Water), shown(Ground::NonBurnable)]);
    north_arrow(&mut cv, lx, ly + 18);
    scale_bar(&mut cv, grid, scale, lx, ly + 96);
    cv
}

const WATER: [u8; 3] = [150, 190, 230];
const NON_BURNABLE: [u8; 3] = [222, 216, 204];
const HATCH: [u8; 3] = [140, 132, 120];
const INK: [u8; 3] = [20, 20, 20];

/// Non-burnable land's colour at map pixel (px, py): a light warm grey with diagonal hatching every 7 px.
fn non_burnable_px(px: i64, py: i64, s: f32) -> [u8; 3] {
    if (px + py).rem_euclid(7) == 0 {
        HATCH
    } else {
        NON_BURNABLE.map(|a| (a as f32 * (0.75 + 0.25 * s)) as u8)
    }
}

/// The map's pixels (RGB, `map_w` x `map_h` at `scale` px per cell): each value's class colour shaded by the
/// hillshade, water blue, non-burnable land hatched, no data and unclassed values the hillshade in grey.
fn shaded_raster(
    grid: &Grid,
    shade: &[f32],
    values: &[f32],
    nodata: f32,
    classes: &[LegendClass],
    ground: Option<&[Ground]>,
    (map_w, map_h, scale): (i64, i64, f64),
) -> Vec<u8> {
    let mut raster = Vec::with_capacity((map_w * map_h * 3) as usize);
    for py in 0..map_h {
        let r = ((py as f64 + 0.5) / scale) as usize;
        for px in 0..map_w {
            let c = ((px as f64 + 0.5) / scale) as usize;
            let i = r.min(grid.rows - 1) * grid.cols + c.min(grid.cols - 1);
            let s = 0.35 + 0.65 * shade[i];
            let v = values[i];
            let grey = || {
                let g = (s * 235.0) as u8;
                [g, g, g]
            };
            let g = ground.map_or(Ground::Burnable, |m| m[i]);
            let class =
                (v.is_finite() && v != nodata).then(|| classes.iter().find(|cl| v >= cl.lo && v < cl.hi)).flatten();
            // Water, then a value in a class, then non-burnable land (hatched, whatever value it holds: a zero
            // probability there is no class), then the hillshade in grey.
            let base = if g == Ground::Water {
                WATER
            } else if let Some(cl) = class {
                let mix = |a: u8| (a as f32 * (0.55 + 0.45 * s)) as u8;
                [mix(cl.color[0]), mix(cl.color[1]), mix(cl.color[2])]
            } else if g == Ground::NonBurnable {
                non_burnable_px(px, py, s)
            } else {
                grey()
            };
            raster.extend_from_slice(&base);
        }
    }
    raster
}

/// The legend from (lx, ly): its title, a swatch and label per class, then water and non-burnable land where the
/// map shows them (`ground`: [water, non-burnable]). Returns the y below it.
fn legend(cv: &mut Canvas, lx: i64, mut ly: i64, title: &str, classes: &[LegendClass], ground: [bool; 2]) -> i64 {
    cv.text(lx, ly, title, 17.0, Weight::Bold, INK);
    ly += 30;
    for (color, label) in classes.iter().map(|cl| (cl.color, cl.label.as_str())) {
        cv.rect(lx, ly, 30, 20, color);
        cv.frame(lx, ly, 30, 20, [60, 60, 60]);
        cv.text(lx + 40, ly + 1, label, 16.0, Weight::Regular, INK);
        ly += 28;
    }
    if ground[0] {
        cv.rect(lx, ly, 30, 20, WATER);
        cv.frame(lx, ly, 30, 20, [60, 60, 60]);
        cv.text(lx + 40, ly + 1, "Water", 16.0, Weight::Regular, INK);
        ly += 28;
    }
    if ground[1] {
        for y in 0..20 {
            for x in 0..30 {
                cv.set(lx + x, ly + y, non_burnable_px(lx + x, ly + y, 1.0));
            }
        }
        cv.frame(lx, ly, 30, 20, [60, 60, 60]);
        cv.text(lx + 40, ly + 1, "Non-burnable (urban, rock, ...)", 16.0, Weight::Regular, INK);
        ly += 28;
    }
    ly
}

/// A north arrow at (lx, ly) (grid north: the map is north-up).
fn north_arrow(cv: &mut Canvas, lx: i64, ly: i64) {
    let (ax, aw, ah) = (lx as f64 + 18.0, 12.0, 34.0);
    let top = ly as f64 + 24.0;
    cv.text(lx + 11, ly, "N", 20.0, Weight::Bold, INK);
    cv.triangle([(ax, top), (ax - aw, top + ah), (ax, top + ah * 0.72)], INK);
    cv.triangle([(ax, top), (ax + aw, top + ah), (ax, top + ah * 0.72)], [150, 150, 150]);
}

/// A scale bar at (lx, ly): a round length near a quarter of the map width (and within the panel), in four
/// alternating segments, labelled at 0, the middle and the end.
fn scale_bar(cv: &mut Canvas, grid: &Grid, scale: f64, lx: i64, ly: i64) {
    let map_width_m = grid.cols as f64 * grid.dx();
    let fits = (PANEL_W as f64 - 40.0) / scale * grid.dx();
    let target = (map_width_m / 4.0).min(fits);
    let pow10 = 10f64.powf(target.log10().floor());
    let nice = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * pow10).rfind(|&l| l <= target).unwrap_or(pow10);
    let bar_px = (nice / grid.dx() * scale).round() as i64;
    for k in 0..4 {
        let (x0, x1) = (lx + bar_px * k / 4, lx + bar_px * (k + 1) / 4);
        let c = if k % 2 == 0 { INK } else { [255, 255, 255] };
        cv.rect(x0, ly + 20, x1 - x0, 8, c);
    }
    cv.frame(lx, ly + 20, bar_px + 1, 8, INK);
    let unit = |m: f64| if nice >= 1000.0 { crate::format::plain(m / 1000.0, 1) } else { crate::format::plain(m, 1) };
    let u = if nice >= 1000.0 { "km" } else { "m" };
    let width = |s: &str| Canvas::text_width(s, 14.0, Weight::Regular);
    cv.text(lx - 3, ly, "0", 14.0, Weight::Regular, INK);
    let mid = unit(nice / 2.0);
    cv.text(lx + bar_px / 2 - width(&mid) / 2, ly, &mid, 14.0, Weight::Regular, INK);
    let end = format!("{} {u}", unit(nice));
    cv.text(lx + bar_px - width(&unit(nice)) / 2, ly, &end, 14.0, Weight::Regular, INK);
}

/// Flame length classes (m) of the fire behaviour hauling chart (Andrews & Rothermel 1982, INT-131: 4, 8 and
/// 11 ft suppression thresholds), with a finer class below 0.6 m; colours from green to red (colorous).
pub fn flame_length_classes() -> Vec<LegendClass> {
    let colors = ramp(colorous::RED_YELLOW_GREEN, 5);
    let c = |k: usize, lo: f32, hi: f32, label: &str| LegendClass { lo, hi, color: colors[4 - k], label: label.into() };
    vec![
        c(0, 1e-6, 0.6, "0 \u{2013} 0.6 m (hand crews)"),
        c(1, 0.6, 1.2, "0.6 \u{2013} 1.2 m"),
        c(2, 1.2, 2.4, "1.2 \u{2013} 2.4 m (equipment)"),
        c(3, 2.4, 3.4, "2.4 \u{2013} 3.4 m (aircraft)"),
        c(4, 3.4, f32::INFINITY, "> 3.4 m (no direct attack)"),
    ]
}
