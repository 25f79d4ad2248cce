//! The cost of crown fire and of spotting on the Thomas Fire landscape (2000 x 2000 cells of 30 m):
//! `cargo bench --bench crown_spotting`.
//! 1. The per-cell behaviour kernel with and without crown fire (Finney, Scott & Reinhardt, none): CPU twin and,
//!    where one exists, the GPU, with ratios against surface fire only measured in the same run.
//! 2. A 6 h fire, the whole `emberfall spread` process, with and without spotting: wall time, the command's own
//!    split (inputs, compute, products), embers launched and spot fires (from its summary.json), ratio.
//!
//! Landscape: $EMBERFALL_SHARED/landscapes/thomas_fire or ../shared/landscapes/thomas_fire.

use std::time::Instant;

use emberfall::gpu::{Backend, Engine, Gpu};
use emberfall::landscape::{Landscape, LandscapeSpec};
use emberfall::physics::behavior::{compute_cpu, compute_gpu, field, Cells, Weather, WindHeight};
use emberfall::physics::crown::CrownMethod;
use emberfall::physics::surface::{Moisture, SurfaceOptions};

fn best_of<T>(reps: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::MAX;
    let mut out = None;
    for _ in 0..reps {
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed().as_secs_f64());
        out = Some(v);
    }
    (best, out.expect("at least one repetition"))
}

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
    let mut ls = Landscape::load(&LandscapeSpec::from_elmfire_dir(&d)).expect("Thomas Fire landscape");
    ls.ensure_terrain(&Engine::Cpu).unwrap();
    let cells = Cells::from_landscape(&ls).unwrap();
    // Santa Ana conditions: 40 km/h 20-ft wind from the north-east, moisture 3/4/6/40/70 %.
    let w = Weather {
        moisture: Moisture::from_percent([3.0, 4.0, 6.0, 40.0, 70.0]),
        wind_speed_m_per_min: 40_000.0 / 60.0,
        wind_from_deg: 45.0,
        wind_height: WindHeight::TwentyFt,
    };
    let methods = [CrownMethod::None, CrownMethod::Finney, CrownMethod::ScottReinhardt];
    println!("thomas_fire {} cells; cpu twin {} threads", cells.n, rayon::current_num_threads());
    println!("\n1. per-cell behaviour kernel, best of 3 (ratio: time / surface fire only):");
    let mut base = 0.0;
    for m in methods {
        let opts = SurfaceOptions { crown: m, ..Default::default() };
        let (s, b) = best_of(3, || compute_cpu(&cells, &w, &opts));
        if m == CrownMethod::None {
            base = s;
        }
        let crown = (0..cells.n).filter(|&i| b.get(i, field::CROWN_FIRE_TYPE) >= 2.0).count();
        println!(
            "  cpu twin, crown {:<16} {s:7.3} s  {:6.2} M cells/s  ratio {:.2}  ({crown} torching or crowning cells)",
            m.label(),
            cells.n as f64 / s / 1e6,
            s / base
        );
    }
    match Gpu::new(Backend::Gpu) {
        Ok(gpu) => {
            let mut base = 0.0;
            for m in methods {
                let opts = SurfaceOptions { crown: m, ..Default::default() };
                compute_gpu(&gpu, &cells, &[w], &opts).unwrap();
                let (s, _) = best_of(3, || compute_gpu(&gpu, &cells, &[w], &opts).unwrap());
                if m == CrownMethod::None {
                    base = s;
                }
                println!(
                    "  gpu {}, crown {:<16} {s:7.3} s (upload and download included)  ratio {:.2}",
                    gpu.describe(),
                    m.label(),
                    s / base
                );
            }
        }
        Err(e) => println!("  gpu: not available ({e})"),
    }

    println!("\n2. 6 h fire near the Thomas Fire's origin, whole `emberfall spread` process (cpu), best of 3:");
    let mut args: Vec<String> = Vec::new();
    for (flag, f) in [
        ("--elevation", "dem"),
        ("--slope", "slp"),
        ("--aspect", "asp"),
        ("--fuel", "fbfm40"),
        ("--canopy-cover", "cc"),
        ("--canopy-height", "ch"),
        ("--canopy-base-height", "cbh"),
        ("--canopy-bulk-density", "cbd"),
    ] {
        args.push(flag.into());
        args.push(d.join(format!("{f}.tif")).display().to_string());
    }
    args.push("--ignite-lonlat=-119.0883,34.4086".into());
    for a in ["--moisture", "3,4,6,40,70", "--wind-speed-kmh", "40", "--wind-from-deg", "45", "--duration", "6h"] {
        args.push(a.into());
    }
    let mut base = 0.0;
    for (label, extra) in [
        ("surface fire only", vec!["--no-crown", "--no-spotting"]),
        ("crown fire, no spotting", vec!["--no-spotting"]),
        ("crown fire and spotting", vec![]),
    ] {
        let out = std::env::temp_dir().join(format!("emberfall-bench-crown-{}", std::process::id()));
        let (s, (split, summary)) = best_of(3, || {
            let o = std::process::Command::new(env!("CARGO_BIN_EXE_emberfall"))
                .arg("spread")
                .args(&args)
                .args(&extra)
                .args(["--backend", "cpu", "--out"])
                .arg(&out)
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&o.stderr).into_owned();
            assert!(o.status.success(), "{err}");
            let split = err.lines().find(|l| l.starts_with("time:")).unwrap_or("").to_string();
            let summary: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
            (split, summary)
        });
        if base == 0.0 {
            base = s;
        }
        let last = summary["isochrones"].as_array().and_then(|a| a.last().cloned()).unwrap_or_default();
        let sp = &summary["spotting"];
        println!(
            "  {label:<24} {s:7.2} s wall, ratio {:.2}; {:.0} ha burned, {:.0} ha crown fire; embers {}, spot fires {}; {split}",
            s / base,
            summary["burned_area_ha"].as_f64().unwrap_or(0.0),
            last["crown_fire_area_ha"].as_f64().unwrap_or(0.0),
            sp["embers_launched"].as_u64().map_or("-".into(), |v| v.to_string()),
            sp["spot_fires"].as_u64().map_or("-".into(), |v| v.to_string()),
        );
        let _ = std::fs::remove_dir_all(&out);
    }
}
