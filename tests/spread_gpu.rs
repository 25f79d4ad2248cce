//! The spread kernels on the GPU (WGSL through wgpu: lavapipe here) against their CPU twin on a real
//! landscape (../shared Missoula LCP: mixed fuels, steep terrain, canopy), with two ignitions (one delayed)
//! and a wind shift: arrival times agree within 0.1 %. The GPU holds only the tiles around the fires (its tile pool),
//! growing its buffers as they spread.

mod common;

use emberfall::gpu::{Backend, Engine};
use emberfall::landscape::{Landscape, LandscapeSpec};
use emberfall::physics::behavior::{Cells, Weather, WindHeight, NODATA};
use emberfall::physics::surface::Moisture;
use emberfall::spread::sources::{Shape, Source};
use emberfall::spread::{simulate, SpreadOptions, SpreadRasters, SpreadResult};
use emberfall::weather::{Period, WeatherStream};

fn run(engine: &Engine, ls: &Landscape, sources: &[Source], stream: &WeatherStream) -> SpreadResult {
    let cells = Cells::from_landscape(ls).unwrap();
    let opts = SpreadOptions { duration_min: 480.0, ..Default::default() };
    simulate(engine, ls, &cells, sources, stream, &opts, &mut |_, _| {}).unwrap()
}

#[test]
fn gpu_arrival_times_match_the_cpu_twin_within_a_tenth_of_a_percent() {
    let spec =
        LandscapeSpec { lcp: Some(common::shared("landscapes/missoula_lcp/example_lcp.tif")), ..Default::default() };
    let mut ls = Landscape::load(&spec).unwrap();
    ls.ensure_terrain(&Engine::Cpu).unwrap();
    let m = Moisture::from_percent([3.0, 4.0, 5.0, 30.0, 60.0]);
    let w = |speed_kmh: f64, from: f64| Weather {
        moisture: m,
        wind_speed_m_per_min: speed_kmh * 1000.0 / 60.0,
        wind_from_deg: from,
        wind_height: WindHeight::TwentyFt,
    };
    let stream = WeatherStream {
        periods: vec![
            Period { start_min: 0.0, weather: w(30.0, 250.0) },
            Period { start_min: 200.0, weather: w(25.0, 320.0) },
        ],
    };
    let sources = vec![
        Source { shape: Shape::Point(718_012.3, 5_170_004.1), t_min: 0.0 },
        Source { shape: Shape::Point(712_000.0, 5_176_000.0), t_min: 45.0 },
    ];
    let cpu_run = run(&Engine::Cpu, &ls, &sources, &stream);
    let gpu_run = run(&Engine::select(Backend::Gpu).expect("a wgpu adapter (lavapipe)"), &ls, &sources, &stream);
    assert_eq!(gpu_run.stats.backend, "gpu");
    let (cpu, gpu): (SpreadRasters, SpreadRasters) = (cpu_run.rasters(), gpu_run.rasters());
    let (mut both, mut only, mut worst, mut worst_abs) = (0usize, 0usize, 0f64, 0f64);
    for (c, g) in cpu.arrival_min.iter().zip(&gpu.arrival_min) {
        match (*c != NODATA, *g != NODATA) {
            (true, true) => {
                both += 1;
                let d = (*c as f64 - *g as f64).abs();
                worst_abs = worst_abs.max(d);
                if *c > 1.0 {
                    worst = worst.max(d / *c as f64);
                }
            }
            (false, false) => {}
            _ => only += 1,
        }
    }
    println!(
        "{both} cells burned on both, {only} on one only; worst relative difference {worst:.2e}, absolute {worst_abs:.2e} min; \
         cpu {:.3} s, gpu {:.3} s ({})",
        cpu_run.stats.wall_s, gpu_run.stats.wall_s, gpu_run.stats.adapter
    );
    assert!(both > 1500, "set-up: the fires must grow ({both} cells)");
    assert!(worst < 1e-3, "GPU and CPU arrival times differ by {:.3} %", 100.0 * worst);
    // Cells reached within rounding of the end of the run may fall on either side of it.
    assert!(only as f64 <= 1e-3 * both as f64, "{only} cells burned on one backend only (of {both})");
    for (name, a, b) in [
        ("ros", &cpu.ros_m_per_min, &gpu.ros_m_per_min),
        ("intensity", &cpu.intensity_kw_per_m, &gpu.intensity_kw_per_m),
    ] {
        let mut w = 0f64;
        for (x, y) in a.iter().zip(b.iter()) {
            if *x != NODATA && *y != NODATA && *x > 0.01 {
                w = w.max(((x - y) / x).abs() as f64);
            }
        }
        println!("{name}: worst relative difference {w:.2e}");
        assert!(w < 1e-3, "{name} differs by {w:.2e}");
    }
}

/// The GPU's tile pool: fires from seven ignitions spread over a 480 x 480 landscape (225 tiles of 32 x 32 cells) hold
/// the tiles around them on the device, not the grid: every tile with a reached cell is resident, no tile more than
/// two tiles from one is, and the buffers grew past their first size (the pool's growth, contents kept). Arrival
/// times are the CPU twin's.
#[test]
fn the_gpu_holds_the_tiles_around_the_fire_and_burns_as_the_cpu_twin() {
    use emberfall::spread::pool::TILE;
    let n = 480;
    let ls = Landscape::uniform(n, n, 30.0, 32611, 102, 0.0, -1.0).unwrap();
    let w = Weather {
        moisture: Moisture::from_percent([4.0, 5.0, 6.0, 60.0, 90.0]),
        wind_speed_m_per_min: 15.0 * 1000.0 / 60.0,
        wind_from_deg: 250.0,
        wind_height: WindHeight::TwentyFt,
    };
    let stream = WeatherStream { periods: vec![Period { start_min: 0.0, weather: w }] };
    let sources: Vec<Source> = [(60, 60), (60, 400), (240, 240), (400, 60), (400, 400), (240, 60), (60, 240)]
        .iter()
        .map(|&(r, c)| {
            let (x, y) = ls.grid.cell_center(r, c);
            Source { shape: Shape::Point(x, y), t_min: 0.0 }
        })
        .collect();
    let cells = Cells::from_landscape(&ls).unwrap();
    let opts = SpreadOptions { duration_min: 150.0, ..Default::default() };
    let go = |e: &Engine| simulate(e, &ls, &cells, &sources, &stream, &opts, &mut |_, _| {}).unwrap();
    let cpu = go(&Engine::Cpu);
    let gpu = go(&Engine::select(Backend::Gpu).expect("a wgpu adapter (lavapipe)"));
    let (c, g) = (cpu.rasters(), gpu.rasters());
    let (mut both, mut only) = (0, 0);
    for (a, b) in c.arrival_min.iter().zip(&g.arrival_min) {
        match (*a != NODATA, *b != NODATA) {
            (true, true) => {
                both += 1;
                assert!((a - b).abs() <= 1e-3 * a.max(1.0), "arrival {a} (CPU) vs {b} (GPU) min");
            }
            (false, false) => {}
            // Cells reached within rounding of the end of the run may fall on either side of it.
            _ => only += 1,
        }
    }
    assert!(only as f64 <= 1e-3 * both as f64, "{only} cells burned on one backend only (of {both})");
    let tiles_x = n.div_ceil(TILE);
    let tile = |i: usize| (i / n / TILE) * tiles_x + (i % n) / TILE;
    let mut reached = vec![false; tiles_x * tiles_x];
    // The cells the GPU reached, and those it was about to reach at the end (listed on the device).
    for (i, &a) in g.arrival_contour_min.iter().enumerate() {
        if a != NODATA {
            reached[tile(i)] = true;
        }
    }
    let near = |t: usize, d: i64| {
        let (tx, ty) = ((t % tiles_x) as i64, (t / tiles_x) as i64);
        (0..reached.len())
            .any(|u| reached[u] && ((u % tiles_x) as i64 - tx).abs() <= d && ((u / tiles_x) as i64 - ty).abs() <= d)
    };
    let within2 = (0..reached.len()).filter(|&t| near(t, 2)).count();
    let held = gpu.stats.device_tiles.expect("the GPU reports its tiles");
    let n_reached = reached.iter().filter(|&&r| r).count();
    println!(
        "{both} cells reached; tiles: {n_reached} reached, {} resident, {within2} within two tiles of a reached one, \
         {} of the grid; buffers for {} tiles: {:.1} MiB against {:.1} MiB for the whole grid",
        held.resident,
        held.grid,
        held.slots,
        held.buffer_bytes as f64 / 1048576.0,
        held.whole_grid_bytes as f64 / 1048576.0
    );
    assert!(both > 5_000, "set-up: the fires must grow ({both} cells)");
    assert_eq!(held.grid, tiles_x * tiles_x);
    assert!(held.resident >= n_reached && held.resident <= within2, "resident tiles follow the fire");
    assert!(held.resident < held.grid, "set-up: the fires leave tiles unreached");
    assert!(held.slots > emberfall::spread::gpu::FIRST_SLOTS, "set-up: the buffers grew");
    assert!(held.buffer_bytes < held.whole_grid_bytes);
}
