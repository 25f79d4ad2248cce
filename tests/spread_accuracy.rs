//! Spread accuracy against analytical solutions (CPU twin; the GPU kernels are compared with it in
//! tests/spread_gpu.rs):
//! - flat uniform fuel, constant wind, point ignition: the ellipse with the ignition at its rear focus,
//!   R(theta) = R_head (1 - e) / (1 - e cos theta), for winds from 0 to 77 degrees;
//! - uniform slope, no wind: up- and downslope rates of the point calculator (Rothermel, f64);
//! - a wind shift and a moisture change: Huygens' principle makes the fire after the change the Minkowski sum
//!   of the fire at the change and the new ellipse, so its extent in any direction is the sum of the two
//!   ellipses' support functions;
//! - two fuels meeting at a straight edge, no wind (isotropic): Fermat's refraction, and the error's order in
//!   the cell size;
//! - one-cell non-burnable barriers, straight and diagonal.

use emberfall::gpu::Engine;
use emberfall::landscape::Landscape;
use emberfall::physics::behavior::{Cells, Weather, WindHeight, NODATA};
use emberfall::physics::surface::{surface_fire, Moisture, SiteInputs, SurfaceOptions};
use emberfall::run::isochrone;
use emberfall::spread::sources::{Shape, Source};
use emberfall::spread::{simulate, SpreadOptions, SpreadRasters};
use emberfall::weather::{Period, WeatherStream};

const GR2: u16 = 102;

fn weather(wind_kmh: f64, from_deg: f64, m: [f64; 5]) -> Weather {
    Weather {
        moisture: Moisture::from_percent(m),
        wind_speed_m_per_min: wind_kmh * 1000.0 / 60.0,
        wind_from_deg: from_deg,
        wind_height: WindHeight::Midflame,
    }
}

const DRY: [f64; 5] = [6.0, 7.0, 8.0, 60.0, 90.0];

/// Head rate (m/min), eccentricity and head azimuth (rad) of the point calculator (f64, checked against
/// BehavePlus in tests/surface_oracle.rs) on flat ground or a slope.
fn point(ls: &Landscape, fuel: u16, w: &Weather, slope_tan: f64, upslope_az_deg: f64) -> (f64, f64, f64) {
    let model = ls.catalog.get(fuel).unwrap();
    let site = SiteInputs {
        midflame_wind_m_per_min: w.wind_speed_m_per_min,
        wind_dir_rel_upslope_deg: w.wind_toward_deg() - upslope_az_deg,
        slope_tan,
    };
    let f = surface_fire(model, &w.moisture, &site, &SurfaceOptions::default());
    let lw = f.length_to_breadth;
    let e = (lw * lw - 1.0).sqrt() / lw;
    (f.ros_m_per_min, e, (upslope_az_deg + f.dir_max_spread_deg_rel_upslope).to_radians())
}

fn run(ls: &Landscape, sources: &[Source], stream: &WeatherStream, minutes: f64) -> SpreadRasters {
    let cells = Cells::from_landscape(ls).unwrap();
    let opts = SpreadOptions { duration_min: minutes, ..Default::default() };
    simulate(&Engine::Cpu, ls, &cells, sources, stream, &opts, &mut |_, _| {}).unwrap().rasters()
}

/// Analytical arrival time at (x, y) from a point ignition at (ix, iy): r / R(theta).
fn ellipse_time(r_head: f64, e: f64, head: f64, ix: f64, iy: f64, x: f64, y: f64) -> f64 {
    let (de, dn) = (x - ix, y - iy);
    let d = (de * de + dn * dn).sqrt();
    if d == 0.0 {
        return 0.0;
    }
    let c = (de * head.sin() + dn * head.cos()) / d;
    d * (1.0 - e * c) / (r_head * (1.0 - e))
}

#[test]
fn point_ignition_grows_the_exact_ellipse_for_every_wind_direction() {
    let n = 200;
    let cell = 30.0;
    let ls = Landscape::uniform(n, n, cell, 32611, GR2, 0.0, -1.0).unwrap();
    for from in [0.0, 22.5, 30.0, 45.0, 60.0, 77.0, 141.0, 233.0] {
        let w = weather(10.0, from, DRY);
        let (r, e, head) = point(&ls, GR2, &w, 0.0, 0.0);
        let g = ls.grid.geotransform;
        // Ignition off any cell centre, upwind of the middle so that the head has room.
        let off = 0.3 * n as f64 * cell;
        let (ix, iy) = (
            g[0] + g[1] * n as f64 / 2.0 + 7.3 - head.sin() * off,
            g[3] + g[5] * n as f64 / 2.0 - 11.1 - head.cos() * off,
        );
        let res = run(&ls, &[Source { shape: Shape::Point(ix, iy), t_min: 0.0 }], &WeatherStream::constant(w), 180.0);
        let times: Vec<f64> = vec![60.0, 120.0, 180.0];
        let isos = isochrone::trace(&ls.grid, &res.arrival_contour_min, NODATA, &times).unwrap();
        for (iso, &t) in isos.iter().zip(&times) {
            // Analytical ellipse: head R t, back R t (1 - e) / (1 + e), b = a sqrt(1 - e^2).
            let a = r * t * (1.0 + (1.0 - e) / (1.0 + e)) / 2.0;
            let area = std::f64::consts::PI * a * a * (1.0 - e * e).sqrt();
            assert!(2.0 * a / cell >= 20.0, "test set-up: the fire must span 20 cells at {t} min");
            let err = (iso.area_m2 - area) / area;
            // Burned cells: the model's against the analytical set of cell centres reached by time t.
            let (mut m, mut x, mut both) = (0usize, 0usize, 0usize);
            let mut worst: f64 = 0.0;
            for row in 0..n {
                for col in 0..n {
                    let (cx, cy) = ls.grid.cell_center(row, col);
                    let te = ellipse_time(r, e, head, ix, iy, cx, cy);
                    let tm = res.arrival_min[row * n + col];
                    let in_m = tm != NODATA && tm as f64 <= t;
                    let in_x = te <= t;
                    m += in_m as usize;
                    x += in_x as usize;
                    both += (in_m && in_x) as usize;
                    if tm != NODATA && te > 1.0 {
                        worst = worst.max((tm as f64 - te).abs() / te);
                    }
                }
            }
            let sorensen = 2.0 * both as f64 / (m + x) as f64;
            println!(
                "wind from {from:5.1}: {t:3.0} min area {:9.1} m2 vs ellipse {area:9.1} ({:+.3} %), Sorensen {sorensen:.5}, worst arrival-time error {worst:.1e}",
                iso.area_m2,
                100.0 * err
            );
            assert!(err.abs() < 0.005, "wind from {from}: area error {:.3} % at {t} min", 100.0 * err);
            assert!(sorensen >= 0.99, "wind from {from}: Sorensen {sorensen} at {t} min");
            assert!(worst < 1e-4, "wind from {from}: arrival times off the ellipse by {worst:.2e} (relative)");
        }
    }
}

#[test]
fn uniform_slope_spreads_up_and_down_at_the_point_calculator_rates() {
    let n = 160;
    let cell = 30.0;
    // 40 % slope facing south: upslope is north.
    let ls = Landscape::uniform(n, n, cell, 32611, GR2, 0.4, 180.0).unwrap();
    let w = weather(0.0, 0.0, DRY);
    let model = ls.catalog.get(GR2).unwrap();
    let site = SiteInputs { midflame_wind_m_per_min: 0.0, wind_dir_rel_upslope_deg: 0.0, slope_tan: 0.4 };
    let f = surface_fire(model, &w.moisture, &site, &SurfaceOptions::default());
    let (up, down) = (f.ros_m_per_min, f.backing_ros_m_per_min);
    let row0 = 110;
    let col = 80;
    let (ix, iy) = ls.grid.cell_center(row0, col);
    let res = run(&ls, &[Source { shape: Shape::Point(ix, iy), t_min: 0.0 }], &WeatherStream::constant(w), 300.0);
    let rate = |row: usize| {
        let t = res.arrival_min[row * n + col] as f64;
        assert!(t != NODATA as f64, "cell in row {row} not reached");
        (row as f64 - row0 as f64).abs() * cell / t
    };
    let up_model = rate(row0 - 25);
    let down_model = rate(row0 + 8);
    println!("upslope {up_model:.4} vs {up:.4} m/min; downslope {down_model:.4} vs {down:.4} m/min");
    assert!((up_model - up).abs() / up < 0.005, "upslope rate {up_model} vs point calculator {up}");
    assert!((down_model - down).abs() / down < 0.005, "downslope rate {down_model} vs point calculator {down}");
}

/// Support function h(u) of the spread ellipse grown for `t` min from a focus at the origin: the largest u.x
/// over the ellipse.
fn support(r: f64, e: f64, head: f64, t: f64, ue: f64, un: f64) -> f64 {
    let a = r * t * (1.0 + (1.0 - e) / (1.0 + e)) / 2.0;
    let b = a * (1.0 - e * e).sqrt();
    let (he, hn) = (head.sin(), head.cos());
    let centre = a * e; // along the head direction
    let along = ue * he + un * hn;
    let across = -ue * hn + un * he;
    centre * along + (a * a * along * along + b * b * across * across).sqrt()
}

/// Extent of the burned region at time t in direction (ue, un) from (ix, iy): largest u.(x - i) over cell
/// centres reached by t.
fn extent(ls: &Landscape, res: &SpreadRasters, ix: f64, iy: f64, t: f64, ue: f64, un: f64) -> f64 {
    let mut best = f64::MIN;
    for row in 0..ls.grid.rows {
        for col in 0..ls.grid.cols {
            let v = res.arrival_min[row * ls.grid.cols + col];
            if v != NODATA && v as f64 <= t {
                let (x, y) = ls.grid.cell_center(row, col);
                best = best.max(ue * (x - ix) + un * (y - iy));
            }
        }
    }
    best
}

fn check_change(before: Weather, after: Weather, label: &str) {
    let n = 220;
    let cell = 30.0;
    let ls = Landscape::uniform(n, n, cell, 32611, GR2, 0.0, -1.0).unwrap();
    let (r1, e1, h1) = point(&ls, GR2, &before, 0.0, 0.0);
    let (r2, e2, h2) = point(&ls, GR2, &after, 0.0, 0.0);
    let (ix, iy) = ls.grid.cell_center(n / 2, n / 2);
    let (ix, iy) = (ix + 4.1, iy - 6.7);
    let stream = WeatherStream {
        periods: vec![Period { start_min: 0.0, weather: before }, Period { start_min: 60.0, weather: after }],
    };
    let res = run(&ls, &[Source { shape: Shape::Point(ix, iy), t_min: 0.0 }], &stream, 150.0);
    for t in [100.0, 150.0] {
        for k in 0..16 {
            let az = (k as f64 * 22.5).to_radians();
            let (ue, un) = (az.sin(), az.cos());
            let exact = support(r1, e1, h1, 60.0, ue, un) + support(r2, e2, h2, t - 60.0, ue, un);
            let got = extent(&ls, &res, ix, iy, t, ue, un);
            // Cell centres sample the region: the extent may fall short by up to a cell diagonal.
            let short = (exact - got) / cell;
            assert!(
                (-0.25..=1.5).contains(&short),
                "{label}: extent toward {:.1} deg at {t} min: {got:.1} m vs Huygens {exact:.1} m ({short:.2} cells short)",
                az.to_degrees()
            );
        }
    }
}

#[test]
fn a_wind_shift_turns_the_head_as_huygens_principle_requires() {
    // Wind from the north (head south) for an hour, then from the east (head west).
    check_change(weather(10.0, 0.0, DRY), weather(10.0, 90.0, DRY), "wind shift");
}

#[test]
fn a_moisture_change_changes_the_rates() {
    // Wetter fuel after an hour: the fire slows to the new rates.
    check_change(weather(10.0, 200.0, DRY), weather(10.0, 200.0, [12.0, 13.0, 14.0, 90.0, 120.0]), "moisture change");
}

/// Fermat's principle across a straight edge between two fuels, isotropic spread (flat, no wind): the exact
/// arrival time at x beyond the edge is min over edge points p of |s - p| / v1 + |p - x| / v2.
fn refraction_error(cell: f64) -> f64 {
    let size_m = 2400.0;
    let n = (size_m / cell) as usize;
    let edge_m = 960.0;
    let (slow, fast) = (104, 107); // GR4, GR7
    let mut ls = Landscape::uniform(n, n, cell, 32611, slow, 0.0, -1.0).unwrap();
    for r in 0..n {
        for c in 0..n {
            if (c as f64 + 0.5) * cell > edge_m {
                ls.fuel[r * n + c] = fast;
            }
        }
    }
    let w = weather(0.0, 0.0, DRY);
    let (v1, e1, _) = point(&ls, slow, &w, 0.0, 0.0);
    let (v2, e2, _) = point(&ls, fast, &w, 0.0, 0.0);
    assert!(e1 < 1e-9 && e2 < 1e-9 && v2 > 1.5 * v1, "set-up: isotropic spread, contrasting fuels ({v1}, {v2})");
    let g = ls.grid.geotransform;
    let (sx, sy) = (g[0] + 690.3, g[3] - 1201.7);
    let res = run(&ls, &[Source { shape: Shape::Point(sx, sy), t_min: 0.0 }], &WeatherStream::constant(w), 720.0);
    let xe = g[0] + edge_m;
    let mut sum = 0.0;
    let mut count = 0;
    for r in 0..n {
        for c in 0..n {
            let (x, y) = ls.grid.cell_center(r, c);
            let t = res.arrival_min[r * n + c];
            if x <= xe + 100.0 || t == NODATA {
                continue;
            }
            // Ternary search over the crossing point on the edge (the travel time is convex in it).
            let f = |py: f64| {
                ((xe - sx).powi(2) + (py - sy).powi(2)).sqrt() / v1 + ((x - xe).powi(2) + (y - py).powi(2)).sqrt() / v2
            };
            let (mut lo, mut hi) = (sy.min(y) - 10.0, sy.max(y) + 10.0);
            for _ in 0..200 {
                let (m1, m2) = (lo + (hi - lo) / 3.0, hi - (hi - lo) / 3.0);
                if f(m1) < f(m2) {
                    hi = m2;
                } else {
                    lo = m1;
                }
            }
            let exact = f(0.5 * (lo + hi));
            if exact < 700.0 {
                sum += (t as f64 - exact).abs() / exact;
                count += 1;
            }
        }
    }
    assert!(count > 50, "set-up: cells beyond the edge reached ({count})");
    sum / count as f64
}

#[test]
fn halving_the_cell_size_reduces_the_error_across_a_fuel_edge() {
    let cells = [60.0, 30.0, 15.0];
    let errs: Vec<f64> = cells.iter().map(|&c| refraction_error(c)).collect();
    for (c, e) in cells.iter().zip(&errs) {
        println!("cell {c:4.0} m: mean relative arrival-time error beyond the fuel edge {:.4} %", 100.0 * e);
    }
    for k in 1..errs.len() {
        let order = (errs[k - 1] / errs[k]).log2();
        println!("observed order {:.0} -> {:.0} m: {order:.2}", cells[k - 1], cells[k]);
        assert!(errs[k] < errs[k - 1], "error did not fall when the cell size was halved: {errs:?}");
        assert!(order > 0.5, "observed order {order:.2} below 0.5: {errs:?}");
    }
    assert!(errs[0] < 0.05, "error at 60 m cells {:.3} % is too large", 100.0 * errs[0]);
}

#[test]
fn one_cell_barriers_stop_the_fire_straight_and_diagonal() {
    let n = 120;
    let cell = 30.0;
    for (diagonal, shift) in [(false, false), (true, false), (false, true), (true, true)] {
        let mut ls = Landscape::uniform(n, n, cell, 32611, GR2, 0.0, -1.0).unwrap();
        // A one-cell-wide non-burnable line (NB 91) across the whole grid.
        for k in 0..n {
            let (r, c) = if diagonal { (k, k) } else { (k, 60) };
            ls.fuel[r * n + c] = 91;
        }
        // Fire left (below the diagonal) of the line, wind pushing it across.
        let (ix, iy) = ls.grid.cell_center(80, 30);
        let w = weather(20.0, if diagonal { 225.0 } else { 270.0 }, DRY);
        // With `shift`, the wind turns after 2 h (the front is re-anchored on new points near the barrier).
        let w2 = weather(25.0, if diagonal { 250.0 } else { 240.0 }, DRY);
        let stream = if shift {
            WeatherStream {
                periods: vec![Period { start_min: 0.0, weather: w }, Period { start_min: 120.0, weather: w2 }],
            }
        } else {
            WeatherStream::constant(w)
        };
        let res = run(&ls, &[Source { shape: Shape::Point(ix, iy), t_min: 0.0 }], &stream, 600.0);
        let mut near = 0;
        let mut across = 0;
        for r in 0..n {
            for c in 0..n {
                let burned = res.arrival_min[r * n + c] != NODATA;
                let beyond = if diagonal { c > r } else { c > 60 };
                if burned && beyond {
                    across += 1;
                }
                let next_to = if diagonal { r == c + 1 } else { c == 59 };
                if burned && next_to {
                    near += 1;
                }
            }
        }
        assert!(
            near > n / 2,
            "diagonal={diagonal} shift={shift}: the fire must reach the barrier ({near} cells next to it)"
        );
        assert_eq!(across, 0, "diagonal={diagonal} shift={shift}: {across} cells burned beyond a one-cell barrier");
    }
}

#[test]
fn restating_the_weather_leaves_the_fire_nearly_unchanged() {
    // A weather "change" to the same weather re-anchors the front on new points: the fire must stay the
    // analytical ellipse (the Minkowski sum of two homothetic ellipses is the ellipse of the summed time).
    let n = 200;
    let cell = 30.0;
    let ls = Landscape::uniform(n, n, cell, 32611, GR2, 0.0, -1.0).unwrap();
    let w = weather(10.0, 30.0, DRY);
    let (r, e, head) = point(&ls, GR2, &w, 0.0, 0.0);
    let g = ls.grid.geotransform;
    let off = 0.3 * n as f64 * cell;
    let (ix, iy) = (g[0] + g[1] * n as f64 / 2.0 - head.sin() * off, g[3] + g[5] * n as f64 / 2.0 - head.cos() * off);
    let stream =
        WeatherStream { periods: vec![Period { start_min: 0.0, weather: w }, Period { start_min: 60.0, weather: w }] };
    let res = run(&ls, &[Source { shape: Shape::Point(ix, iy), t_min: 0.0 }], &stream, 180.0);
    let isos = isochrone::trace(&ls.grid, &res.arrival_contour_min, NODATA, &[120.0, 180.0]).unwrap();
    for iso in &isos {
        let t = iso.time_min;
        let a = r * t * (1.0 + (1.0 - e) / (1.0 + e)) / 2.0;
        let area = std::f64::consts::PI * a * a * (1.0 - e * e).sqrt();
        let err = (iso.area_m2 - area) / area;
        println!("weather restated at 60 min: {t} min area error {:+.3} %", 100.0 * err);
        assert!(err.abs() < 0.005, "area error {:.3} % at {t} min after restating the weather", 100.0 * err);
    }
}

#[test]
fn a_delayed_second_ignition_grows_its_own_ellipse_and_the_fires_merge() {
    let n = 200;
    let cell = 30.0;
    let ls = Landscape::uniform(n, n, cell, 32611, GR2, 0.0, -1.0).unwrap();
    let w = weather(10.0, 300.0, DRY);
    let (r, e, head) = point(&ls, GR2, &w, 0.0, 0.0);
    let (ax, ay) = ls.grid.cell_center(60, 40);
    let (bx, by) = ls.grid.cell_center(130, 70);
    let (bx, by) = (bx + 9.0, by - 4.0);
    let sources =
        [Source { shape: Shape::Point(ax, ay), t_min: 0.0 }, Source { shape: Shape::Point(bx, by), t_min: 40.0 }];
    let res = run(&ls, &sources, &WeatherStream::constant(w), 180.0);
    let (mut worst, mut cells, mut second) = (0f64, 0, 0);
    for row in 0..n {
        for col in 0..n {
            let t = res.arrival_min[row * n + col];
            if t == NODATA {
                continue;
            }
            let (x, y) = ls.grid.cell_center(row, col);
            let ta = ellipse_time(r, e, head, ax, ay, x, y);
            let tb = 40.0 + ellipse_time(r, e, head, bx, by, x, y);
            let exact = ta.min(tb);
            if exact > 1.0 {
                worst = worst.max((t as f64 - exact).abs() / exact);
            }
            cells += 1;
            second += (tb < ta) as usize;
        }
    }
    println!(
        "two ignitions (second at 40 min): {cells} cells, {second} from the second; worst relative error {worst:.2e}"
    );
    assert!(second > 500 && cells - second > 500, "set-up: both fires must grow ({cells}, {second})");
    assert!(worst < 1e-3, "arrival times off the two ellipses by {worst:.2e} (relative)");
}

#[test]
fn a_line_ignition_burns_as_the_envelope_of_its_points() {
    // Huygens: the fire from a line is the union of the ellipses from its points; the exact arrival time at x is
    // the least r/R(theta) over the line's points (here sampled every 0.5 m).
    let n = 160;
    let cell = 30.0;
    let ls = Landscape::uniform(n, n, cell, 32611, GR2, 0.0, -1.0).unwrap();
    let w = weather(10.0, 250.0, DRY);
    let (r, e, head) = point(&ls, GR2, &w, 0.0, 0.0);
    let (ax, ay) = ls.grid.cell_center(40, 30);
    let (bx, by) = ls.grid.cell_center(110, 55);
    let (ax, ay, bx, by) = (ax + 3.3, ay - 7.1, bx - 5.2, by + 2.9);
    let res = run(
        &ls,
        &[Source { shape: Shape::Line(vec![(ax, ay), (bx, by)]), t_min: 0.0 }],
        &WeatherStream::constant(w),
        90.0,
    );
    let len = ((bx - ax).powi(2) + (by - ay).powi(2)).sqrt();
    let k = (len / 0.5) as usize;
    let (mut worst, mut cells) = (0f64, 0);
    for row in 0..n {
        for col in 0..n {
            let t = res.arrival_min[row * n + col];
            if t == NODATA {
                continue;
            }
            let (x, y) = ls.grid.cell_center(row, col);
            let exact = (0..=k)
                .map(|j| {
                    let f = j as f64 / k as f64;
                    ellipse_time(r, e, head, ax + f * (bx - ax), ay + f * (by - ay), x, y)
                })
                .fold(f64::INFINITY, f64::min);
            if exact > 5.0 {
                worst = worst.max((t as f64 - exact).abs() / exact);
            }
            cells += 1;
        }
    }
    println!("line ignition: {cells} cells burned in 90 min, worst relative arrival-time error {worst:.2e}");
    assert!(cells > 2000);
    assert!(worst < 0.01, "arrival times off the envelope by {worst:.3e}");
}

#[test]
fn a_line_ignition_beside_a_one_cell_barrier_does_not_seed_across_it() {
    let n = 100;
    let cell = 30.0;
    for diagonal in [false, true] {
        let mut ls = Landscape::uniform(n, n, cell, 32611, GR2, 0.0, -1.0).unwrap();
        for k in 0..n {
            let (r, c) = if diagonal { (k, k) } else { (k, 50) };
            ls.fuel[r * n + c] = 91;
        }
        // A line two cells from the barrier, on its lower-left side, wind blowing across the barrier.
        let (p0, p1) = if diagonal {
            (ls.grid.cell_center(20, 18), ls.grid.cell_center(80, 78))
        } else {
            (ls.grid.cell_center(10, 48), ls.grid.cell_center(90, 48))
        };
        let w = weather(20.0, if diagonal { 225.0 } else { 270.0 }, DRY);
        let res =
            run(&ls, &[Source { shape: Shape::Line(vec![p0, p1]), t_min: 0.0 }], &WeatherStream::constant(w), 300.0);
        let mut across = 0;
        let mut burned = 0;
        for r in 0..n {
            for c in 0..n {
                if res.arrival_min[r * n + c] != NODATA {
                    burned += 1;
                    if if diagonal { c > r } else { c > 50 } {
                        across += 1;
                    }
                }
            }
        }
        assert!(burned > 200, "set-up: the line must burn ({burned} cells)");
        assert_eq!(across, 0, "diagonal={diagonal}: {across} cells burned beyond the barrier");
    }
}
