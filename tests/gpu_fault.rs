//! GPU faults on the real wgpu/Vulkan device (lavapipe here): a lost device is an error naming what was being done
//! and the kernel, and with `--backend auto` the run is redone on the CPU twins, which the notes and summary say.
//! The fault is real: the device is destroyed through wgpu (`Device::destroy`), as a driver reset or a removed GPU
//! would leave it.

mod common;

use std::sync::Arc;

use emberfall::gpu::{Backend, Engine, Gpu};
use emberfall::run::scenario::Scenario;

fn lost_device() -> Engine {
    let gpu = Gpu::new(Backend::Gpu).expect("a wgpu adapter (lavapipe: apt-get install mesa-vulkan-drivers)");
    gpu.device.destroy();
    Engine::Gpu(Arc::new(gpu))
}

fn scenario(dir: &std::path::Path, backend: &str) -> Scenario {
    std::fs::create_dir_all(dir).unwrap();
    let lcp = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    let p = dir.join("s.toml");
    std::fs::write(
        &p,
        format!(
            "seed = 3\nbackend = \"{backend}\"\n[landscape]\nlcp = {:?}\n[weather]\nmoisture_pct = [4, 5, 7, 40, 70]\n\
             wind_speed_kmh = 15\nwind_from_deg = 250\n[debris]\nfragments = {:?}\n[spread]\nduration = \"40min\"\n[spotting]\nenabled = false\n[output]\ndir = \"out\"\n",
            lcp.display().to_string(),
            concat!(env!("CARGO_MANIFEST_DIR"), "/examples/missoula_fragments.csv")
        ),
    )
    .unwrap();
    Scenario::load(&p).unwrap()
}

#[test]
fn a_lost_gpu_is_an_error_naming_the_work_and_auto_falls_back_to_the_cpu() {
    let d = std::env::temp_dir().join(format!("emberfall-gpufault-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    // An explicit GPU choice: an error that says what failed, no fallback, no products.
    let err = match emberfall::run::run_scenario_on(scenario(&d.join("gpu"), "gpu"), lost_device(), &mut |_| {}) {
        Ok(_) => panic!("a run on a destroyed device succeeded"),
        Err(e) => e.to_string(),
    };
    eprintln!("explicit GPU choice on a lost device: {err}");
    assert!(err.starts_with("GPU: "), "{err}");
    assert!(err.to_lowercase().contains("lost") || err.contains("kernel"), "{err}");
    assert!(!d.join("gpu/out/summary.json").exists());
    // `auto`: the CPU twins redo the run; the notes and the summary say so.
    let mut logged = Vec::new();
    let rep = emberfall::run::run_scenario_on(scenario(&d.join("auto"), "auto"), lost_device(), &mut |m| {
        logged.push(m.to_string())
    })
    .unwrap();
    let s = rep.member.summary.as_ref().expect("a fire");
    assert_eq!(s.backend, "cpu");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("auto/out/summary.json")).unwrap()).unwrap();
    let notes = summary["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n.as_str().unwrap().contains("the GPU failed")), "{summary}");
    assert_eq!(summary["spread"]["backend"], "cpu");
    assert!(logged.iter().any(|l| l.contains("the GPU failed") && l.contains("CPU twins")), "{logged:?}");
    // The same fire as a run on the CPU from the start.
    let cpu = emberfall::run::run_scenario(scenario(&d.join("cpu"), "cpu"), &mut |_| {}).unwrap();
    assert_eq!(cpu.member.summary.as_ref().unwrap().burned_cells, s.burned_cells);
    assert!(s.burned_cells > 10);
}

/// An ensemble under `auto` on a lost device: redone on the CPU twins, with the note in its summary and report.
#[test]
fn an_ensemble_on_a_lost_gpu_falls_back_under_auto() {
    let d = std::env::temp_dir().join(format!("emberfall-gpufault-ens-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    let opts = emberfall::ensemble::EnsembleOptions { members: Some(4), ..Default::default() };
    let out = d.join("ens");
    let run =
        emberfall::ensemble::run_scenario_on(scenario(&d, "auto"), lost_device(), &opts, &out, &mut |_| {}).unwrap();
    assert!(run.backend.starts_with("cpu"), "{}", run.backend);
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(summary.contains("the GPU failed"), "{summary}");
    assert!(std::fs::read_to_string(out.join("report.md")).unwrap().contains("the GPU failed"));
}
