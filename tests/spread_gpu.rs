//! The spread kernels on the GPU (WGSL through wgpu: lavapipe here) against their CPU twin on a real
//! landscape (../shared Missoula LCP: mixed fuels, steep terrain, canopy), with two ignitions (one delayed)
//! and a wind shift: arrival times agree within 0.1 %.

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
