//! The engine as a library: 50 members of the Kairos scenario through `Prepared::run_member`, on the CPU twin and
//! on the GPU (lavapipe here) in one process with one GPU context, against 50 separate `emberfall run --seed`
//! processes: the same ignitions, the same arrival times cell for cell.

use std::path::PathBuf;
use std::process::Command;

use emberfall::gpu::{Backend, Engine};
use emberfall::physics::behavior::NODATA;
use emberfall::run::pipeline::{prepare, MemberResult, Variation};
use emberfall::run::scenario::Scenario;

const MEMBERS: u64 = 50;

fn scenario() -> Scenario {
    Scenario::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/kairos_2024.toml")).unwrap()
}

/// (ignitions as x, y, t_min; arrival times) of `emberfall run --seed SEED` on the CPU.
fn cli_run(seed: u64, out: &std::path::Path) -> (Vec<(f64, f64, f64)>, Vec<f32>) {
    let sc = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/kairos_2024.toml");
    let o = Command::new(env!("CARGO_BIN_EXE_emberfall"))
        .env("XDG_RUNTIME_DIR", std::env::temp_dir())
        .arg("run")
        .arg(&sc)
        .args(["--seed", &seed.to_string(), "--backend", "cpu", "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "seed {seed}: {}", String::from_utf8_lossy(&o.stderr));
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let ign = s["debris"]["sampled_ignitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["x"].as_f64().unwrap(), i["y"].as_f64().unwrap(), i["t_min"].as_f64().unwrap()))
        .collect();
    let arrival = match gdal::Dataset::open(out.join("arrival_time_min.tif")) {
        Ok(ds) => {
            let (w, h) = ds.raster_size();
            ds.rasterband(1).unwrap().read_as::<f32>((0, 0), (w, h), (w, h), None).unwrap().data().to_vec()
        }
        Err(_) => Vec::new(),
    };
    (ign, arrival)
}

fn ignitions(m: &MemberResult) -> Vec<(f64, f64, f64)> {
    m.debris.as_ref().unwrap().ignitions.iter().map(|i| (i.x, i.y, i.t_min)).collect()
}

fn arrival(m: &MemberResult) -> Vec<f32> {
    m.fire.as_ref().map(|f| f.rasters().arrival_min).unwrap_or_default()
}

/// Worst relative difference of two arrival rasters, cells burned in one only, and cells that differ by more than
/// 1e-4 relative.
fn diff(a: &[f32], b: &[f32]) -> (f64, usize, usize) {
    if a.is_empty() || b.is_empty() {
        let burned = |v: &[f32]| v.iter().filter(|&&t| t != NODATA).count();
        return (0.0, burned(a) + burned(b), 0);
    }
    let (mut worst, mut one, mut off) = (0f64, 0usize, 0usize);
    for (x, y) in a.iter().zip(b) {
        match (*x != NODATA, *y != NODATA) {
            (true, true) => {
                let d = (*x as f64 - *y as f64).abs() / (*x as f64).max(1.0);
                worst = worst.max(d);
                off += (d > 1e-4) as usize;
            }
            (false, false) => {}
            _ => one += 1,
        }
    }
    (worst, one, off)
}

#[test]
fn fifty_members_equal_fifty_separate_runs_on_cpu_and_gpu() {
    let tmp = std::env::temp_dir().join(format!("emberfall-members-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let cpu = prepare(scenario(), &Engine::Cpu).unwrap();
    let gpu_engine = Engine::select(Backend::Gpu).expect("a wgpu adapter (lavapipe)");
    // One GPU context per process: selecting again gives the same device.
    match (&gpu_engine, &Engine::select(Backend::Gpu).unwrap()) {
        (Engine::Gpu(a), Engine::Gpu(b)) => assert!(std::sync::Arc::ptr_eq(a, b), "a second GPU context was made"),
        _ => panic!("not a GPU engine"),
    }
    let gpu = prepare(scenario(), &gpu_engine).unwrap();
    let (mut worst_cpu, mut worst_gpu, mut one_gpu, mut burned, mut fires) = (0f64, 0f64, 0usize, 0usize, 0usize);
    let (mut off_gpu, mut embers, mut spot_fires, mut ember_diff) = (0usize, 0usize, 0usize, 0usize);
    for seed in 1..=MEMBERS {
        let (cli_ign, cli_arrival) = cli_run(seed, &tmp.join(seed.to_string()));
        let c = cpu.run_member(seed, &Variation::default()).unwrap();
        let g = gpu.run_member(seed, &Variation::default()).unwrap();
        assert_eq!(ignitions(&c), cli_ign, "seed {seed}: CPU member ignitions differ from `emberfall run --seed`");
        assert_eq!(ignitions(&g), cli_ign, "seed {seed}: GPU member ignitions differ from `emberfall run --seed`");
        let (wc, oc, _) = diff(&arrival(&c), &cli_arrival);
        assert_eq!(oc, 0, "seed {seed}: {oc} cells burned in the CPU member or the separate run only");
        let (wg, og, offg) = diff(&arrival(&g), &cli_arrival);
        worst_cpu = worst_cpu.max(wc);
        worst_gpu = worst_gpu.max(wg);
        one_gpu += og;
        burned += c.burned_cells();
        fires += c.fire.is_some() as usize;
        assert!(wc <= 1e-4, "seed {seed}: arrival times differ by {wc:.2e} (CPU)");
        // Spotting: the same embers on both backends (launching cell, landing point, fate).
        let key = |m: &MemberResult| -> Vec<(usize, u64, u64, &'static str)> {
            m.spotting.as_ref().map_or(Vec::new(), |s| {
                s.embers.iter().map(|e| (e.source_cell, e.x.to_bits(), e.y.to_bits(), e.fate.name())).collect()
            })
        };
        let (kc, kg) = (key(&c), key(&g));
        embers += kc.len();
        spot_fires += c.spotting.as_ref().map_or(0, |s| s.counts().spot_fires);
        ember_diff += kc.len().abs_diff(kg.len()) + kc.iter().zip(&kg).filter(|(a, b)| a != b).count();
        off_gpu += offg;
    }
    println!(
        "{MEMBERS} members, {fires} with a fire, {burned} burned cells in all: worst arrival-time difference from the \
         separate runs {worst_cpu:.2e} (CPU), {worst_gpu:.2e} (GPU); {one_gpu} cells burned on the GPU or the CPU only"
    );
    assert!(fires >= MEMBERS as usize / 2, "set-up: most members must start a fire ({fires})");
    // On the GPU, spread parameters come from the f32 kernel: where spot fires meet the main front, a few cells
    // settle on another anchor, as with any source added while a fire burns (tests/fire_steps.rs). All other cells
    // agree within 1e-4.
    println!("{off_gpu} cells differ by more than 1e-4 on the GPU");
    println!("{embers} embers and {spot_fires} spot fires on the CPU; {ember_diff} embers differ on the GPU");
    assert!(embers > 100, "set-up: the members must spot ({embers} embers)");
    assert_eq!(ember_diff, 0, "embers differ between the CPU and the GPU");
    assert!(off_gpu as f64 <= 1e-3 * burned as f64, "{off_gpu} cells off by more than 1e-4 on the GPU (of {burned})");
    // Cells reached within rounding of the end of the run may fall either side of it on the GPU.
    assert!(one_gpu as f64 <= 1e-3 * burned as f64, "{one_gpu} cells burned on one backend only (of {burned})");
    let _ = std::fs::remove_dir_all(&tmp);
}
