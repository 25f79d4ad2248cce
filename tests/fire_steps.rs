//! The fire that steps (`emberfall::spread::Fire`): sources added while it burns, a fire that stops in a wet spell
//! and starts again where it stood, and one spread context reused by several fires on the CPU and the GPU.

use emberfall::gpu::{Backend, Engine};
use emberfall::landscape::Landscape;
use emberfall::physics::behavior::{Cells, Weather, WindHeight, NODATA};
use emberfall::physics::surface::Moisture;
use emberfall::spread::sources::{Shape, Source};
use emberfall::spread::{simulate, Fire, SpreadContext, SpreadOptions, SpreadRasters};
use emberfall::weather::{Period, WeatherStream};

const GR2: u16 = 102;

fn weather(wind_kmh: f64, from_deg: f64, m: [f64; 5]) -> Weather {
    Weather {
        moisture: Moisture::from_percent(m),
        wind_speed_m_per_min: wind_kmh * 1000.0 / 60.0,
        wind_from_deg: from_deg,
        wind_height: WindHeight::TwentyFt,
    }
}

const DRY: [f64; 5] = [2.0, 3.0, 4.0, 60.0, 90.0];
/// Dead fuel moisture far above GR2's 15 % moisture of extinction: nothing spreads.
const WET: [f64; 5] = [60.0, 60.0, 60.0, 60.0, 90.0];

fn stream(periods: &[(f64, Weather)]) -> WeatherStream {
    WeatherStream { periods: periods.iter().map(|&(start_min, weather)| Period { start_min, weather }).collect() }
}

fn run(ls: &Landscape, sources: &[Source], w: &WeatherStream, minutes: f64) -> SpreadRasters {
    let cells = Cells::from_landscape(ls).unwrap();
    let opts = SpreadOptions { duration_min: minutes, ..Default::default() };
    simulate(&Engine::Cpu, ls, &cells, sources, w, &opts, &mut |_, _| {}).unwrap().rasters()
}

fn pct(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * q) as usize]
}

fn burned(r: &SpreadRasters) -> usize {
    r.arrival_min.iter().filter(|&&t| t != NODATA).count()
}

/// A non-burning hour from t1 to t2 delays everything that burns after t1 by t2 - t1: the front waits where it
/// stood and resumes (as FARSITE's burn periods need).
#[test]
fn a_fire_stopped_by_a_wet_hour_starts_again_where_it_stood() {
    let n = 120;
    let ls = Landscape::uniform(n, n, 30.0, 32611, GR2, 0.0, -1.0).unwrap();
    let dry = weather(30.0, 250.0, DRY);
    let wet = weather(30.0, 250.0, WET);
    let (x, y) = ls.grid.cell_center(70, 30);
    let src = [Source { shape: Shape::Point(x + 3.1, y - 7.7), t_min: 0.0 }];
    let (t1, t2) = (60.0, 120.0);
    let with_wet = run(&ls, &src, &stream(&[(0.0, dry), (t1, wet), (t2, dry)]), 180.0);
    // References without the wet hour: the weather restated at t1 (the same re-anchoring of the front at t1), and
    // no change at all.
    let restated = run(&ls, &src, &stream(&[(0.0, dry), (t1, dry)]), 120.0);
    let plain = run(&ls, &src, &stream(&[(0.0, dry)]), 120.0);
    println!(
        "burned cells: {} with the wet hour at 180 min, {} without it at 120 min",
        burned(&with_wet),
        burned(&plain)
    );
    assert!(burned(&plain) > 400, "set-up: the fire must grow ({} cells)", burned(&plain));
    let (mut worst_restated, mut worst_plain, mut compared, mut mismatched) = (0f64, 0f64, 0usize, 0usize);
    let mut diffs = Vec::new();
    for i in 0..n * n {
        let (w, r, p) = (with_wet.arrival_min[i], restated.arrival_min[i], plain.arrival_min[i]);
        if r == NODATA {
            // Not burned within 120 min without the wet hour: not within 180 min with it (cells reached in the
            // last instants may fall either side).
            if w != NODATA {
                mismatched += 1;
            }
            continue;
        }
        if r as f64 <= t1 {
            assert_eq!(w, r, "cell {i} burned before the wet hour: unchanged");
            continue;
        }
        if w == NODATA {
            mismatched += 1;
            continue;
        }
        compared += 1;
        let shifted = w as f64 - (t2 - t1);
        // Relative to the time since t1, with a floor of a minute: times just after t1 differ by f32 rounding of
        // times 60 min apart (ulp 8e-6 .. 1.5e-5 min).
        let d = (shifted - r as f64).abs() / (r as f64 - t1).max(1.0);
        worst_restated = worst_restated.max(d);
        diffs.push(d);
        if p != NODATA {
            worst_plain = worst_plain.max((shifted - p as f64).abs() / p as f64);
        }
    }
    println!(
        "{compared} cells burned after the wet hour; shifted arrival times vs the restated run: worst {worst_restated:.2e} \
         of the time since t1 (median {:.1e}, 99th percentile {:.1e}); vs the run without any change: worst {worst_plain:.2e} relative; {mismatched} cells on one side only",
        pct(&mut diffs, 0.5),
        pct(&mut diffs, 0.99)
    );
    assert!(compared > 300, "the fire must resume after the wet hour ({compared} cells)");
    // The anchored sweeps settle on a state that depends a little on rounding (times 60 min apart round
    // differently): a few cells take another anchor of the front.
    assert!(
        pct(&mut diffs, 0.99) < 1e-5,
        "wet hour vs restated weather: 99th percentile {:.2e}",
        pct(&mut diffs, 0.99)
    );
    assert!(worst_restated < 5e-3, "wet hour vs restated weather: {worst_restated:.2e}");
    // A restated weather itself moves arrival times by up to ~1 % (tests/spread_accuracy.rs).
    assert!(worst_plain < 0.015, "wet hour vs no change: {worst_plain:.2e}");
    assert!(mismatched <= 2, "{mismatched} cells burned in one run only");
}

/// A source added through the stepping API at t = 60 min gives the arrival times of the same ignition given at
/// the start with time 60 min; both fires share one spread context (its buffers and cached parameters).
fn added_while_burning(engine: &Engine) -> (Vec<f32>, Vec<f32>) {
    let n = 100;
    let ls = Landscape::uniform(n, n, 30.0, 32611, GR2, 0.0, -1.0).unwrap();
    let cells = Cells::from_landscape(&ls).unwrap();
    let w = stream(&[(0.0, weather(15.0, 230.0, DRY)), (90.0, weather(20.0, 300.0, DRY))]);
    let opts = SpreadOptions { duration_min: 150.0, ..Default::default() };
    let (x1, y1) = ls.grid.cell_center(60, 25);
    let (x2, y2) = ls.grid.cell_center(30, 60);
    let a = Source { shape: Shape::Point(x1 + 4.0, y1 + 2.0), t_min: 0.0 };
    let b = Source { shape: Shape::Point(x2 - 6.0, y2 + 9.0), t_min: 60.0 };
    let mut ctx = SpreadContext::new(engine, &ls.grid, &cells).unwrap();
    let at_start = {
        let mut f = Fire::new(&mut ctx, engine, &cells, &w, &opts).unwrap();
        f.add_source(&a).unwrap();
        f.add_source(&b).unwrap();
        f.advance_to(150.0, &mut |_| {}).unwrap();
        f.finish().unwrap().rasters().arrival_min
    };
    let stepped = {
        let mut f = Fire::new(&mut ctx, engine, &cells, &w, &opts).unwrap();
        f.add_source(&a).unwrap();
        f.advance_to(60.0, &mut |_| {}).unwrap();
        assert_eq!(f.time_min(), 60.0);
        let before = f.result().unwrap().rasters().arrival_min;
        assert!(before.iter().all(|&t| t == NODATA || t <= 60.0));
        // A source in the past cannot be added.
        let past = Source { t_min: 30.0, ..b.clone() };
        assert!(f.add_source(&past).unwrap_err().to_string().contains("30 min"));
        f.add_source(&b).unwrap();
        f.advance_to(100.0, &mut |_| {}).unwrap();
        f.advance_to(150.0, &mut |_| {}).unwrap();
        f.finish().unwrap().rasters().arrival_min
    };
    (at_start, stepped)
}

fn compare(label: &str, a: &[f32], b: &[f32], tol: f64) {
    let (mut both, mut worst, mut one) = (0usize, 0f64, Vec::new());
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        if (*x == NODATA) != (*y == NODATA) {
            one.push((i, *x, *y));
            continue;
        }
        if *x != NODATA {
            both += 1;
            worst = worst.max((*x as f64 - *y as f64).abs() / (*x as f64).max(1.0));
        }
    }
    println!("{label}: {both} cells, worst relative difference {worst:.2e}; burned in one run only: {one:?}");
    // Cells reached within rounding of the end of the run may fall on either side of it.
    assert!(one.iter().all(|&(_, x, y)| x.max(y) > 149.99), "{label}: cells burned in one run only: {one:?}");
    assert!(both > 50, "{label}: set-up: the fires must grow");
    assert!(worst <= tol, "{label}: {worst:.2e}");
}

#[test]
fn a_source_added_while_the_fire_burns_equals_one_given_at_the_start() {
    let (a, b) = added_while_burning(&Engine::Cpu);
    compare("cpu: added at 60 min vs given at the start", &a, &b, 1e-5);
    let gpu = Engine::select(Backend::Gpu).expect("a wgpu adapter (lavapipe)");
    let (ga, gb) = added_while_burning(&gpu);
    compare("gpu: added at 60 min vs given at the start", &ga, &gb, 1e-5);
    // Spread parameters come from the f32 WGSL surface kernel on the GPU, from the f64 twin on the CPU: after the
    // weather change a few cells settle on another anchor of the re-anchored front.
    compare("gpu vs cpu", &a, &ga, 5e-3);
}

/// Several fires side by side in one batch (one state, the same dispatches; `SpreadContext::with_runs`) give the
/// arrival times of each fire run alone, on the CPU twin (exactly) and on the GPU; the per-cell count of fires that
/// burned, reduced where the fires are, equals the count taken from each fire's own raster.
#[test]
fn a_batch_of_fires_equals_each_fire_alone_and_counts_on_the_device() {
    let dem = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dem/kii_synthetic.tif");
    let mut ls =
        Landscape::load(&emberfall::landscape::LandscapeSpec { lcp: Some(dem), ..Default::default() }).unwrap();
    ls.ensure_terrain(&Engine::Cpu).unwrap();
    let cells = Cells::from_landscape(&ls).unwrap();
    let w = stream(&[(0.0, weather(20.0, 200.0, DRY)), (40.0, weather(30.0, 250.0, DRY))]);
    let opts = SpreadOptions { duration_min: 90.0, ..Default::default() };
    // Six fires, each from its own ignitions near the pad (seeded draws), one of them starting late.
    let runs = 6;
    let mut rng = emberfall::rng::Rng::new(42);
    let (sx, sy) = ls.grid.cell_center(250, 200);
    let fires: Vec<Vec<Source>> = (0..runs)
        .map(|k| {
            (0..1 + k % 3)
                .map(|j| Source {
                    shape: Shape::Point(sx + 900.0 * (rng.uniform() - 0.5), sy + 600.0 * (rng.uniform() - 0.5)),
                    t_min: if j == 1 { 25.0 } else { 0.0 },
                })
                .collect()
        })
        .collect();
    let alone: Vec<Vec<f32>> = fires
        .iter()
        .map(|f| simulate(&Engine::Cpu, &ls, &cells, f, &w, &opts, &mut |_, _| {}).unwrap().rasters().arrival_min)
        .collect();
    let batch = |engine: &Engine| -> (Vec<Vec<f32>>, Vec<u32>) {
        let mut ctx = SpreadContext::with_runs(engine, &ls.grid, &cells, runs).unwrap();
        let mut fire = Fire::batch(&mut ctx, engine, &cells, &w, &opts, runs).unwrap();
        for (k, f) in fires.iter().enumerate() {
            for s in f {
                fire.add_source_to(k, s).unwrap();
            }
        }
        fire.advance_to(90.0, &mut |_| {}).unwrap();
        let counts = fire.burn_counts().unwrap();
        let res = fire.finish_all().unwrap();
        (res.into_iter().map(|r| r.rasters().arrival_min).collect(), counts)
    };
    let count_of = |rasters: &[Vec<f32>]| -> Vec<u32> {
        (0..ls.grid.len()).map(|i| rasters.iter().filter(|r| r[i] != NODATA).count() as u32).collect()
    };
    let (cpu, cpu_counts) = batch(&Engine::Cpu);
    for k in 0..runs {
        compare(&format!("cpu batch, fire {k} vs alone"), &alone[k], &cpu[k], 0.0);
    }
    assert_eq!(cpu_counts, count_of(&alone), "CPU burn counts vs the fires' own rasters");
    let gpu_engine = Engine::select(Backend::Gpu).expect("a wgpu adapter (lavapipe)");
    let (gpu, gpu_counts) = batch(&gpu_engine);
    for k in 0..runs {
        compare(&format!("gpu batch, fire {k} vs cpu alone"), &alone[k], &gpu[k], 1e-3);
    }
    assert_eq!(gpu_counts, count_of(&gpu), "GPU burn counts (reduced on the device) vs the fires' own rasters");
    let most = *gpu_counts.iter().max().unwrap();
    println!(
        "burn counts: {} cells burned in at least one fire, at most {most} fires in one cell",
        gpu_counts.iter().filter(|&&c| c > 0).count()
    );
    assert!(most >= 2, "set-up: some cells must burn in several fires");
}

/// A fire whose windows end at every 10-min step (as a spotting fire's do, `Fire::end_windows_at_steps`) keeps the
/// arrival times of one window over the whole run on a varied landscape (the demo's terrain, fuels and canopy):
/// windows change only which anchors the sweeps settle on, never the spread rates, so times agree within the
/// anchored method's own re-anchoring error (a fraction of a percent), and the same cells burn.
#[test]
fn windows_ending_at_every_step_keep_the_arrival_times_of_one_window() {
    let dem = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dem/kii_synthetic.tif");
    let mut ls =
        Landscape::load(&emberfall::landscape::LandscapeSpec { lcp: Some(dem), ..Default::default() }).unwrap();
    ls.ensure_terrain(&Engine::Cpu).unwrap();
    let cells = Cells::from_landscape(&ls).unwrap();
    let w = stream(&[(0.0, weather(30.0, 220.0, DRY)), (185.0, weather(40.0, 260.0, DRY))]);
    let end = 360.0;
    let opts = SpreadOptions { duration_min: end, ..Default::default() };
    let (sx, sy) = ls.grid.cell_center(250, 200);
    let src = Source { shape: Shape::Point(sx + 7.0, sy - 4.0), t_min: 0.0 };
    let mut ctx = SpreadContext::new(&Engine::Cpu, &ls.grid, &cells).unwrap();
    let one = {
        let mut f = Fire::new(&mut ctx, &Engine::Cpu, &cells, &w, &opts).unwrap();
        f.add_source(&src).unwrap();
        f.advance_to(end, &mut |_| {}).unwrap();
        f.finish().unwrap().rasters().arrival_min
    };
    let stepped = {
        let mut f = Fire::new(&mut ctx, &Engine::Cpu, &cells, &w, &opts).unwrap();
        f.end_windows_at_steps();
        f.add_source(&src).unwrap();
        let mut t = 0.0;
        while t < end {
            t = (t + 10.0f64).min(end);
            f.advance_to(t, &mut |_| {}).unwrap();
            let r = f.result().unwrap().rasters().arrival_min;
            assert!(r.iter().all(|&a| a == NODATA || a as f64 <= t + 1e-3), "a cell reported beyond {t} min");
        }
        f.finish().unwrap().rasters().arrival_min
    };
    let mut rel: Vec<f64> = one
        .iter()
        .zip(&stepped)
        .filter(|(a, b)| **a != NODATA && **b != NODATA)
        .map(|(a, b)| (*a as f64 - *b as f64).abs() / (*a as f64).max(1.0))
        .collect();
    let only_one = one.iter().zip(&stepped).filter(|(a, b)| (**a == NODATA) != (**b == NODATA)).count();
    let n = rel.len();
    let (p50, p99, worst) = (pct(&mut rel, 0.5), pct(&mut rel, 0.99), pct(&mut rel, 1.0));
    println!(
        "{n} cells; relative difference median {p50:.1e}, 99th {p99:.1e}, worst {worst:.1e}; {only_one} in one only"
    );
    assert!(n > 2000, "set-up: the fire must grow ({n} cells)");
    assert!(p99 < 0.01 && worst < 0.05, "stepped windows moved arrival times: 99th {p99:.1e}, worst {worst:.1e}");
    assert!(only_one * 200 < n, "{only_one} of {n} cells burned in one run only");
}

/// The cells a stepping fire newly burned at each step (what spotting launches from), on the CPU twin (its list of
/// reached cells) and on the GPU (compacted on the device, `shaders/spread_reached.wgsl`): each burned cell given
/// once, in the step that reached it, all of them by the end; the two backends agree step by step.
#[test]
fn newly_burned_cells_come_once_each_in_their_step_on_both_backends() {
    let dem = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dem/kii_synthetic.tif");
    let mut ls =
        Landscape::load(&emberfall::landscape::LandscapeSpec { lcp: Some(dem), ..Default::default() }).unwrap();
    ls.ensure_terrain(&Engine::Cpu).unwrap();
    let cells = Cells::from_landscape(&ls).unwrap();
    let w = stream(&[(0.0, weather(30.0, 220.0, DRY))]);
    let end = 240.0;
    let opts = SpreadOptions { duration_min: end, ..Default::default() };
    let (sx, sy) = ls.grid.cell_center(250, 200);
    let src = Source { shape: Shape::Point(sx + 7.0, sy - 4.0), t_min: 0.0 };
    let steps = |engine: &Engine| -> Vec<Vec<(usize, f32)>> {
        let mut ctx = SpreadContext::new(engine, &ls.grid, &cells).unwrap();
        let mut f = Fire::new(&mut ctx, engine, &cells, &w, &opts).unwrap();
        f.end_windows_at_steps();
        f.add_source(&src).unwrap();
        let mut tracker = emberfall::spread::fire::BurnTracker::default();
        let (mut t, mut out) = (0.0, Vec::new());
        let mut seen = std::collections::HashSet::new();
        while t < end {
            let t0 = t;
            t = (t + 30.0f64).min(end);
            f.advance_to(t, &mut |_| {}).unwrap();
            let new = f.newly_burned_by_run(&mut tracker).unwrap().swap_remove(0);
            for &(i, ta) in &new {
                assert!(seen.insert(i), "cell {i} given twice");
                assert!(
                    ta as f64 <= t + 1e-3 && (ta as f64 > t0 - 1e-3 || t0 == 0.0),
                    "cell {i} at {ta} in ({t0}, {t}]"
                );
            }
            out.push(new);
        }
        let all = f.burned_cells().unwrap();
        assert_eq!(all.len(), seen.len(), "the steps gave {} of {} burned cells", seen.len(), all.len());
        out
    };
    let cpu = steps(&Engine::Cpu);
    let gpu = steps(&Engine::select(Backend::Gpu).expect("a wgpu adapter (lavapipe)"));
    let total: usize = cpu.iter().map(Vec::len).sum();
    assert!(total > 500, "set-up: the fire must grow ({total} cells)");
    for (k, (c, g)) in cpu.iter().zip(&gpu).enumerate() {
        let diff = c.len().abs_diff(g.len());
        assert!(diff * 50 <= c.len().max(50), "step {k}: {} cells on the CPU, {} on the GPU", c.len(), g.len());
    }
}

/// A source added while the fire burns writes its own cells and nothing else, on both backends: the fire's first
/// cell keeps its arrival time and the burned area has no hole. On a GPU the first cell of the first tile the fire
/// reached is device entry 0, where a scatter of one to three seeds once also wrote (the zeros padding its index
/// buffer to 16 bytes were entry 0): cells burned there were wiped back to unburned.
#[test]
fn a_late_single_point_source_leaves_the_burned_cells_alone() {
    let n = 96;
    let ls = Landscape::uniform(n, n, 30.0, 32611, GR2, 0.0, -1.0).unwrap();
    let cells = Cells::from_landscape(&ls).unwrap();
    let w = stream(&[(0.0, weather(10.0, 250.0, DRY))]);
    let opts = SpreadOptions { duration_min: 60.0, ..Default::default() };
    // The first source on the grid's corner cell (row 0, column 0), the late one far from it.
    let (x0, y0) = ls.grid.cell_center(0, 0);
    let (x1, y1) = ls.grid.cell_center(80, 80);
    let gpu = Engine::select(Backend::Gpu).expect("a wgpu adapter (lavapipe)");
    for engine in [&Engine::Cpu, &gpu] {
        let mut ctx = SpreadContext::new(engine, &ls.grid, &cells).unwrap();
        let mut fire = Fire::new(&mut ctx, engine, &cells, &w, &opts).unwrap();
        fire.add_source(&Source { shape: Shape::Point(x0, y0), t_min: 0.0 }).unwrap();
        fire.advance_to(30.0, &mut |_| {}).unwrap();
        fire.add_source(&Source { shape: Shape::Point(x1, y1), t_min: 30.0 }).unwrap();
        fire.advance_to(60.0, &mut |_| {}).unwrap();
        let r = fire.finish().unwrap().rasters();
        let name = engine.name();
        assert_eq!(r.arrival_min[0], 0.0, "{name}: the first source's cell burns at its start");
        assert!(r.arrival_min[80 * n + 80] >= 30.0 && r.arrival_min[80 * n + 80] < 31.0, "{name}: the late source");
        // No hole: every cell between two burned cells of a row burned too (the fire from a corner is convex).
        for row in 0..n {
            let burned: Vec<usize> = (0..n).filter(|&c| r.arrival_min[row * n + c] != NODATA).collect();
            if let (Some(&a), Some(&b)) = (burned.first(), burned.last()) {
                assert_eq!(burned.len(), b - a + 1, "{name}: row {row} has a hole between columns {a} and {b}");
            }
        }
    }
}
