//! Per-cell surface fire kernel throughput on the Thomas Fire landscape (4 M cells): GPU backend against the CPU
//! twin, as a ratio, measured in the same run. `cargo bench --bench behavior`.
//! Landscape: $EMBERFALL_SHARED/landscapes/thomas_fire or ../shared/landscapes/thomas_fire.

use std::time::Instant;

use emberfall::gpu::{Backend, Engine, Gpu};
use emberfall::landscape::{Landscape, LandscapeSpec};
use emberfall::physics::behavior::{compute_cpu, compute_gpu, Cells, Weather, WindHeight};
use emberfall::physics::surface::{Moisture, SurfaceOptions};

fn main() {
    std::env::set_var("XDG_RUNTIME_DIR", std::env::temp_dir());
    let shared = std::env::var_os("EMBERFALL_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let d = shared.join("landscapes/thomas_fire");
    if !d.is_dir() {
        eprintln!("benchmark needs {} (set EMBERFALL_SHARED)", d.display());
        std::process::exit(2);
    }
    let spec = LandscapeSpec::from_elmfire_dir(&d);
    let mut ls = Landscape::load(&spec).expect("load Thomas Fire landscape");
    ls.ensure_terrain(&Engine::Cpu).unwrap();
    let cells = Cells::from_landscape(&ls).unwrap();
    let w = Weather {
        moisture: Moisture::from_percent([6.0, 8.0, 10.0, 75.0, 60.0]),
        wind_speed_m_per_min: 250.0,
        wind_from_deg: 240.0,
        wind_height: WindHeight::TwentyFt,
    };
    let opts = SurfaceOptions::default();
    let reps = 3;
    let t = Instant::now();
    for _ in 0..reps {
        std::hint::black_box(compute_cpu(&cells, &w, &opts));
    }
    let cpu_s = t.elapsed().as_secs_f64() / reps as f64;
    println!("cells: {}", cells.n);
    println!(
        "cpu twin ({} threads): {:.3} s per pass, {:.2} M cells/s",
        rayon::current_num_threads(),
        cpu_s,
        cells.n as f64 / cpu_s / 1e6
    );
    match Gpu::new(Backend::Gpu) {
        Ok(gpu) => {
            // Warm-up compiles the pipeline; then time full passes including upload and download.
            compute_gpu(&gpu, &cells, &[w], &opts).unwrap();
            let t = Instant::now();
            for _ in 0..reps {
                std::hint::black_box(compute_gpu(&gpu, &cells, &[w], &opts).unwrap());
            }
            let gpu_s = t.elapsed().as_secs_f64() / reps as f64;
            println!("gpu {}: {:.3} s per pass, {:.2} M cells/s", gpu.describe(), gpu_s, cells.n as f64 / gpu_s / 1e6);
            // A batch of 8 weather runs in one dispatch.
            let ws = vec![w; 8];
            let t = Instant::now();
            std::hint::black_box(compute_gpu(&gpu, &cells, &ws, &opts).unwrap());
            let batch_s = t.elapsed().as_secs_f64() / 8.0;
            println!(
                "gpu, 8 runs per dispatch: {:.3} s per run, {:.2} M cells/s",
                batch_s,
                cells.n as f64 / batch_s / 1e6
            );
            println!("ratio gpu/cpu throughput: {:.2}x (single run), {:.2}x (batched)", cpu_s / gpu_s, cpu_s / batch_s);
        }
        Err(e) => println!("gpu: not available ({e})"),
    }
}
