//! Runs whose cost follows the fire (`src/run/paging.rs`): a run reads the window of the landscape its fire reaches,
//! growing it as the fire nears its edge, and burns as the run over the whole landscape (`--whole-landscape`).
//! Small tiles (`EMBERFALL_PAGE_TILE_CELLS`) make the Thomas landscape's fire cross many tile edges and land spot
//! fires in tiles not read yet; on the CPU twins and on the GPU (lavapipe in CI).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{burned, tmpdir};

fn emberfall() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_emberfall"));
    c.env("XDG_RUNTIME_DIR", std::env::temp_dir());
    c
}

/// Band 1 of a raster, its size and origin (x0, y0).
fn raster(p: &Path) -> (Vec<f32>, usize, usize, f64, f64) {
    let ds = gdal::Dataset::open(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let (c, r) = ds.raster_size();
    let g = ds.geo_transform().unwrap();
    let v = ds.rasterband(1).unwrap().read_as::<f32>((0, 0), (c, r), (c, r), None).unwrap().into_shape_and_vec().1;
    (v, c, r, g[0], g[3])
}

/// The cells of `paged`'s raster `name` and of `whole`'s over the same cells (the paged raster lies within the
/// whole one, on its cells), with the cells the whole run burned outside the paged window.
fn overlay(paged: &Path, whole: &Path, name: &str, cell_m: f64) -> (Vec<f32>, Vec<f32>, usize) {
    let (p, pc, pr, px, py) = raster(&paged.join(name));
    let (w, wc, wr, wx, wy) = raster(&whole.join(name));
    let (c0, r0) = (((px - wx) / cell_m).round() as usize, ((wy - py) / cell_m).round() as usize);
    assert!((px - wx - c0 as f64 * cell_m).abs() < 1e-6, "the window is aligned on the landscape's cells");
    assert!(c0 + pc <= wc && r0 + pr <= wr);
    let mut inside = Vec::with_capacity(p.len());
    for r in 0..pr {
        inside.extend_from_slice(&w[(r0 + r) * wc + c0..(r0 + r) * wc + c0 + pc]);
    }
    let outside = w.iter().filter(|v| burned(**v)).count() - inside.iter().filter(|v| burned(**v)).count();
    (p, inside, outside)
}

fn thomas_args() -> Vec<String> {
    let mut a = vec!["spread".to_string()];
    a.extend(common::thomas_layer_args());
    for s in ["--moisture", "3,4,5,30,60", "--wind-speed-kmh", "30", "--wind-from-deg", "45", "--wind-height", "10m"] {
        a.push(s.into());
    }
    for s in ["--ignite-lonlat=-119.0883,34.4086", "--duration", "6h", "--backend", "cpu"] {
        a.push(s.into());
    }
    a
}

fn run(args: &[String], extra: &[&str], out: &Path, tile: Option<usize>) -> String {
    let mut c = emberfall();
    c.args(args).args(extra).arg("--out").arg(out);
    if let Some(t) = tile {
        c.env("EMBERFALL_PAGE_TILE_CELLS", t.to_string());
    }
    let o = c.output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{err}");
    err
}

/// Two fires' arrival times agree within `tol_min` on the same burned cells; returns the burned cells.
fn assert_close_fire(a: &[f32], b: &[f32], tol_min: f32, what: &str) -> usize {
    let mut n = 0;
    for (p, w) in a.iter().zip(b) {
        assert_eq!(burned(*p), burned(*w), "{what}: burned in one run only ({p} vs {w})");
        if burned(*p) {
            n += 1;
            assert!((p - w).abs() <= tol_min, "{what}: {p} vs {w} min");
        }
    }
    assert!(n > 0, "{what}: the fire burned");
    n
}

/// The paged run's raster `name` holds exactly the whole run's values over the same cells (the kernel counts
/// positions from the landscape's corner in both, and every input of a cell is the same).
fn assert_identical(paged: &Path, whole: &Path, name: &str, cell_m: f64) -> Vec<f32> {
    let (p, w, outside) = overlay(paged, whole, name, cell_m);
    let differ = p.iter().zip(&w).filter(|(a, b)| a.to_bits() != b.to_bits()).count();
    assert_eq!(differ, 0, "{name}: {differ} of {} cells differ between the paged and the whole run", p.len());
    if name.starts_with("arrival") {
        assert_eq!(outside, 0, "the whole run burned no cell outside the paged window");
    }
    p
}

/// The Thomas Fire landscape with crown fire and spotting (on by default), 6 h: paged on 16-cell tiles (the fire
/// crosses dozens of tile edges and the window grows) and read whole give the same burned cells, arrival times,
/// flame lengths, crown fire types and spot fires; the paged products cover the window only, on the landscape's
/// cells. Every raster is the whole run's, bit for bit, over the window.
#[test]
fn a_paged_thomas_fire_burns_as_on_the_whole_landscape() {
    let d = tmpdir("paging-thomas");
    let args = thomas_args();
    let (paged, whole) = (d.join("paged"), d.join("whole"));
    let log = run(&args, &[], &paged, Some(16));
    run(&args, &["--whole-landscape"], &whole, None);
    assert!(log.contains("paging: the fire neared the window's edge"), "the window grew: {log}");
    assert!(log.contains("an ember landed beyond it"), "a spot fire's ember landed in a tile not read yet: {log}");
    let pa = assert_identical(&paged, &whole, "arrival_time_min.tif", 30.0);
    let n = pa.iter().filter(|v| burned(**v)).count();
    assert!(n > 5000, "{n} cells burned");
    assert!(pa.len() * 20 < 2000 * 2000, "the paged rasters cover a window: {} cells", pa.len());
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(paged.join("summary.json")).unwrap()).unwrap();
    let w = &summary["landscape"]["read_window"];
    assert_eq!((w["landscape_cols"].as_u64(), w["landscape_rows"].as_u64()), (Some(2000), Some(2000)), "{w}");
    assert_eq!(w["cols"].as_u64().unwrap() * w["rows"].as_u64().unwrap(), pa.len() as u64, "{w}");
    assert_same_behaviour_and_spotting(&paged, &whole);
}

/// A paged Thomas fire's behaviour rasters (spread rate, intensity, flame length, direction, crown fire type) are the
/// whole run's over the window, crown fire burned, and both runs started the same spot fires (some).
fn assert_same_behaviour_and_spotting(paged: &Path, whole: &Path) {
    for name in ["ros_m_per_min", "fireline_intensity_kw_per_m", "flame_length_m", "spread_direction_deg"] {
        assert_identical(paged, whole, &format!("{name}.tif"), 30.0);
    }
    let types = assert_identical(paged, whole, "crown_fire_type.tif", 30.0);
    assert!(types.iter().any(|&k| k == 2.0 || k == 3.0), "crown fire burned");
    let spots = |p: &Path| {
        let ds = gdal::Dataset::open(p.join("spot_fires.gpkg")).unwrap();
        let n = gdal::vector::LayerAccess::feature_count(&ds.layer(0).unwrap());
        n
    };
    let (sp, sw) = (spots(paged), spots(whole));
    assert!(sw > 0, "the whole run spotted");
    assert_eq!(sp, sw, "the same spot fires");
}

/// The same Thomas fire on the GPU (lavapipe in CI): paged on 16-cell tiles (the window grows twice, embers land in
/// tiles not read yet) and read whole, every raster identical over the window, the same spot fires.
#[test]
fn a_paged_thomas_fire_on_the_gpu_burns_as_on_the_whole_landscape() {
    let d = tmpdir("paging-thomas-gpu");
    let mut args = thomas_args();
    let b = args.iter().position(|a| a == "--backend").unwrap();
    args[b + 1] = "gpu".into();
    let (paged, whole) = (d.join("paged"), d.join("whole"));
    let log = run(&args, &[], &paged, Some(16));
    run(&args, &["--whole-landscape"], &whole, None);
    assert!(log.contains("backend: gpu"), "{log}");
    assert!(log.contains("paging: the fire neared the window's edge"), "the window grew: {log}");
    let pa = assert_identical(&paged, &whole, "arrival_time_min.tif", 30.0);
    assert!(pa.iter().filter(|v| burned(**v)).count() > 5000, "the fire burned");
    assert_same_behaviour_and_spotting(&paged, &whole);
}

/// A memory budget below the working set of the window the fire needs is refused with both figures, before
/// anything is written; the whole landscape under the same budget too.
#[test]
fn a_memory_budget_below_the_working_set_is_refused_naming_it() {
    let d = tmpdir("paging-budget");
    let args = thomas_args();
    let o = emberfall().args(&args).args(["--memory-budget", "20MiB", "--out"]).arg(d.join("out")).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains("--memory-budget") && err.contains("20.0 MiB") && err.contains("needs about"), "{err}");
    assert!(err.contains("of the landscape's 2000 x 2000"), "the window's own figure: {err}");
    assert!(!d.join("out").join("arrival_time_min.tif").exists());
    let o = emberfall()
        .args(&args)
        .args(["--whole-landscape", "--memory-budget", "100MiB", "--out"])
        .arg(d.join("out2"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains("the landscape (2000 x 2000 cells) needs about 610.4 MiB"), "{err}");
    // A budget that is no size at all.
    let o = emberfall().args(&args).args(["--memory-budget", "lots", "--out"]).arg(d.join("o3")).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("--memory-budget") && err.contains("lots"), "{err}");
}

/// A GR2 hillside (`landscape synth`, 200 x 200 cells) on the GPU (lavapipe in CI): paged on 16-cell tiles (the
/// window grows) and read whole, the same fire; and the GPU's paged fire is the CPU twin's.
#[test]
fn a_paged_fire_on_the_gpu_burns_as_on_the_whole_landscape() {
    let d = tmpdir("paging-gpu");
    let lcp = d.join("hill.tif");
    let o = emberfall()
        .args(["landscape", "synth", "--fuel", "GR2", "--rows", "200", "--cols", "200", "--slope-pct", "20"])
        .args(["--aspect-deg", "135", "--out"])
        .arg(&lcp)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let args: Vec<String> = ["spread", "--lcp", lcp.to_str().unwrap(), "--ignite", "503000,3997000"]
        .iter()
        .chain(&["--wind-speed-kmh", "30", "--wind-from-deg", "250", "--moisture", "5,6,7,50,80", "--duration", "1h"])
        .map(|s| s.to_string())
        .collect();
    let gpu_paged = d.join("gpu_paged");
    let log = run(&args, &["--backend", "gpu"], &gpu_paged, Some(16));
    assert!(log.contains("paging: the fire neared the window's edge"), "{log}");
    run(&args, &["--backend", "gpu", "--whole-landscape"], &d.join("gpu_whole"), None);
    run(&args, &["--backend", "cpu"], &d.join("cpu_paged"), Some(16));
    assert_identical(&gpu_paged, &d.join("gpu_whole"), "arrival_time_min.tif", 30.0);
    assert_identical(&gpu_paged, &d.join("gpu_whole"), "flame_length_m.tif", 30.0);
    // The GPU's f32 spread parameters against the CPU twin's (README: ~1e-5 relative).
    let (g, c, _) = overlay(&gpu_paged, &d.join("cpu_paged"), "arrival_time_min.tif", 30.0);
    assert_close_fire(&g, &c, 0.05, "gpu vs cpu, paged");
}

/// A landscape served over HTTP (`/vsicurl/`, byte ranges from a local server) as a Cloud Optimized GeoTIFF of 8192 x 8192
/// cells: a small fire reads only the tiles around it, a small share of the file's bytes, and burns as from disk.
#[test]
fn a_fire_over_vsicurl_reads_only_the_tiles_it_reaches() {
    let d = tmpdir("paging-vsicurl");
    let www = d.join("www");
    std::fs::create_dir_all(&www).unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let big = www.join("kii_8192.tif");
    let o = Command::new("gdal_translate")
        .args(["-q", "-of", "COG", "-outsize", "8192", "8192", "-r", "near", "-co", "COMPRESS=DEFLATE"])
        .args(["-co", "OVERVIEWS=NONE", "-co", "BLOCKSIZE=256"])
        .arg(root.join("dem/kii_synthetic.tif"))
        .arg(&big)
        .output()
        .expect("gdal_translate (gdal-bin)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let size = std::fs::metadata(&big).unwrap().len();
    let (mut server, port) = common::range_server(&www);
    let spread = |lcp: &str, out: &Path| {
        emberfall()
            .args(["spread", "--lcp", lcp, "--ignite-lonlat", "135.8775,33.5535", "--wind-speed-kmh", "20"])
            .args(["--moisture", "6,7,8,60,90", "--duration", "5min", "--no-spotting", "--backend", "cpu", "--out"])
            .arg(out)
            .env("NO_PROXY", "127.0.0.1,localhost")
            .env("no_proxy", "127.0.0.1,localhost")
            .output()
            .unwrap()
    };
    let remote = spread(&format!("/vsicurl/http://127.0.0.1:{port}/kii_8192.tif"), &d.join("remote"));
    let _ = server.kill();
    let _ = server.wait();
    assert!(remote.status.success(), "{}", String::from_utf8_lossy(&remote.stderr));
    let local = spread(big.to_str().unwrap(), &d.join("local"));
    assert!(local.status.success(), "{}", String::from_utf8_lossy(&local.stderr));
    let served: u64 = std::fs::read_to_string(www.join("served.log"))
        .unwrap()
        .lines()
        .map(|l| l.trim().parse::<u64>().unwrap())
        .sum();
    println!("{served} bytes requested of the {size}-byte file ({:.2} %)", 100.0 * served as f64 / size as f64);
    assert!(served * 10 < size, "{served} bytes requested of the {size}-byte file: more than a tenth");
    let (a, b) = (raster(&d.join("remote/arrival_time_min.tif")), raster(&d.join("local/arrival_time_min.tif")));
    assert!(a.0.iter().any(|v| burned(*v)), "the fire burned");
    assert_eq!(a.0, b.0, "the same arrival times over /vsicurl/ as from disk");
    assert!(a.1 < 8192 && a.2 < 8192, "the products cover the window read: {} x {}", a.1, a.2);
}

/// The demo's single failure (`examples/kairos_2024.toml`: a failure event flown over the Kii landscape, its
/// fragments igniting, crown fire and spotting), paged on 16-cell tiles and read whole: the same debris (fragments,
/// expected ignitions, the realisation's ignitions), and every raster the same, bit for bit, over the window; on the CPU
/// twins and on the GPU.
#[test]
fn the_demo_failure_pages_as_on_the_whole_landscape() {
    let d = tmpdir("paging-demo");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let scenario = root.join("examples/kairos_2024.toml");
    // The CPU twins, then the GPU (lavapipe in CI).
    for backend in ["cpu", "gpu"] {
        let args: Vec<String> = vec!["run".into(), scenario.display().to_string(), "--backend".into(), backend.into()];
        let (paged, whole) = (d.join(backend).join("paged"), d.join(backend).join("whole"));
        let log = run(&args, &[], &paged, Some(16));
        run(&args, &["--whole-landscape"], &whole, None);
        assert!(log.contains("of the landscape's 400 x 400"), "{backend}: a window was read: {log}");
        assert!(log.contains(&format!("backend: {backend}")), "{log}");
        let json = |p: &Path| -> serde_json::Value {
            serde_json::from_str(&std::fs::read_to_string(p.join("summary.json")).unwrap()).unwrap()
        };
        let (sp, sw) = (json(&paged), json(&whole));
        for key in ["fragments_on_landscape", "fragments_off_landscape", "expected_ignitions", "sampled_ignitions"] {
            assert_eq!(sp["debris"][key], sw["debris"][key], "{backend}: debris {key}");
        }
        assert!(sw["debris"]["sampled_ignitions"].as_array().is_some_and(|a| !a.is_empty()), "{}", sw["debris"]);
        assert_eq!(sp["spread"]["burned_cells"], sw["spread"]["burned_cells"], "{backend}");
        for name in ["arrival_time_min", "flame_length_m", "crown_fire_type", "ignition_probability"] {
            assert_identical(&paged, &whole, &format!("{name}.tif"), 10.0);
        }
    }
}

/// A layer that covers only part of the landscape (here canopy cover over its western half) and none of the window
/// a fire in the east reads gives nodata there, as the whole landscape's read does: no "does not overlap" error.
#[test]
fn a_layer_missing_only_the_window_reads_as_nodata_there() {
    let d = tmpdir("paging-partial");
    let lcp = d.join("flat.tif");
    let o = emberfall()
        .args(["landscape", "synth", "--fuel", "GR2", "--rows", "200", "--cols", "200", "--out"])
        .arg(&lcp)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let west = d.join("cover_west.tif");
    let o = Command::new("gdal_translate")
        .args(["-q", "-b", "5", "-srcwin", "0", "0", "100", "200"])
        .arg(&lcp)
        .arg(&west)
        .output()
        .expect("gdal_translate (gdal-bin)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let args: Vec<String> = ["spread", "--lcp", lcp.to_str().unwrap(), "--canopy-cover", west.to_str().unwrap()]
        .iter()
        .chain(&["--ignite", "505000,3997000", "--wind-speed-kmh", "10", "--moisture", "6,7,8,60,90"])
        .chain(&["--duration", "30min", "--backend", "cpu"])
        .map(|s| s.to_string())
        .collect();
    let (paged, whole) = (d.join("paged"), d.join("whole"));
    let log = run(&args, &[], &paged, Some(16));
    assert!(log.contains("of the landscape's 200 x 200"), "{log}");
    run(&args, &["--whole-landscape"], &whole, None);
    assert_identical(&paged, &whole, "arrival_time_min.tif", 30.0);
    // A layer that misses the whole landscape is still an error.
    let far = d.join("far.tif");
    let o = Command::new("gdal_translate")
        .args(["-q", "-b", "5", "-a_ullr", "100000", "100000", "106000", "94000"])
        .arg(&lcp)
        .arg(&far)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut bad = args.clone();
    bad[4] = far.display().to_string();
    let o =
        emberfall().args(&bad).arg("--out").arg(d.join("bad")).env("EMBERFALL_PAGE_TILE_CELLS", "16").output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && err.contains("far.tif") && err.contains("does not overlap the fuel raster"),
        "{err}"
    );
}

/// An ensemble pages as one run: 12 members of a fragment list on a 256 x 256 grass landscape (10 m cells), wind
/// 25 km/h, on 16-cell tiles. The members' fires outgrow the first window, which grows and they run again; the
/// products cover the first window and every cell reached, and equal the whole landscape's ensemble
/// (`--whole-landscape`) bit for bit there, with nothing beyond; two shards, each growing its own window, merge
/// into the unsharded products byte for byte.
#[test]
fn an_ensemble_pages_as_on_the_whole_landscape_and_its_shards_merge_alike() {
    let d = tmpdir("paging-ensemble");
    let ls = d.join("grass.tif");
    let spec = emberfall::landscape::SynthSpec {
        fuel_code: 102,
        rows: 256,
        cols: 256,
        cell_size_m: 10.0,
        slope_pct: 0.0,
        aspect_deg: 0.0,
        epsg: 32611,
        origin: (500000.0, 4000000.0),
    };
    emberfall::landscape::write_synthetic(&spec, &ls).unwrap();
    let centre = |r: f64, c: f64| (500000.0 + (c + 0.5) * 10.0, 4000000.0 - (r + 0.5) * 10.0);
    let mut csv = String::from("id,x,y,mass_kg,size_m,material,temperature_c,impact_probability\n");
    for (i, (r, c)) in [(40.0, 40.0), (90.0, 50.0), (60.0, 80.0)].into_iter().enumerate() {
        let (x, y) = centre(r, c);
        csv.push_str(&format!("f{i},{x},{y},0.02,0.01,steel,3000,0.6\n"));
    }
    std::fs::write(d.join("fragments.csv"), csv).unwrap();
    let scenario = d.join("ensemble.toml");
    std::fs::write(
        &scenario,
        format!(
            "name = \"paged ensemble\"\nseed = 7\n[landscape]\nlcp = \"{}\"\n[weather]\nmoisture_pct = [5, 6, 8, 60, 90]\n\
             wind_speed_kmh = 25\nwind_from_deg = 250\n[debris]\nfragments = \"{}\"\n[spread]\nduration = \"60min\"\n\
             isochrone_interval = \"20min\"\ncrown_method = \"none\"\n[output]\ndir = \"{}\"\n",
            ls.display(),
            d.join("fragments.csv").display(),
            d.join("out").display()
        ),
    )
    .unwrap();
    let args_on = |backend: &str| -> Vec<String> {
        ["ensemble", scenario.to_str().unwrap(), "--members", "12", "--backend", backend]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    let args = args_on("cpu");
    let (paged, whole) = (d.join("paged"), d.join("whole"));
    // The CPU twins, then the GPU (lavapipe: members in batches, their burn counts reduced on the device unless a
    // member of the batch went beyond the window).
    for backend in ["cpu", "gpu"] {
        let (paged, whole) = (paged.join(backend), whole.join(backend));
        let log = run(&args_on(backend), &[], &paged, Some(16));
        run(&args_on(backend), &["--whole-landscape"], &whole, None);
        let said = |log: &str| log.lines().filter(|l| l.starts_with("paging:")).count();
        assert!(said(&log) >= 1, "{backend}: the members' fires outgrew the first window: {log}");
        let (_, pc, pr, _, _) = raster(&paged.join("burn_probability.tif"));
        assert!(pc < 256 && pr < 256, "{backend}: a window was written: {pc} x {pr}");
        for name in [
            "burn_probability",
            "burn_probability_t20min",
            "burn_probability_response",
            "arrival_time_p50_min",
            "arrival_time_p90_min",
            "flame_length_p90_m",
            "fireline_intensity_p90_kw_per_m",
            "ignition_density",
        ] {
            let (p, w, _) = overlay(&paged, &whole, &format!("{name}.tif"), 10.0);
            let differ = p.iter().zip(&w).filter(|(a, b)| a.to_bits() != b.to_bits()).count();
            assert_eq!(differ, 0, "{backend} {name}: {differ} of {} cells differ from the whole ensemble", p.len());
        }
        // Nothing burned beyond the paged window in the whole ensemble.
        let (p, w, _) = overlay(&paged, &whole, "burn_probability.tif", 10.0);
        let positive = |v: &[f32]| v.iter().filter(|x| **x > 0.0).count();
        let (all, ..) = raster(&whole.join("burn_probability.tif"));
        assert!(positive(&p) > 500, "{backend}: the members burned: {} cells", positive(&p));
        assert_eq!(positive(&w), positive(&all), "{backend}: the whole ensemble burned beyond the paged window");
        assert_eq!(
            std::fs::read_to_string(paged.join("members.csv")).unwrap(),
            std::fs::read_to_string(whole.join("members.csv")).unwrap(),
            "{backend}: the members' records"
        );
    }
    let paged = paged.join("cpu");
    // Two shards, each growing its own window, merge into the unsharded paged products.
    let mut shards = Vec::new();
    for i in 0..2 {
        let s = d.join(format!("shard{i}"));
        run(&args, &["--shard", &format!("{i}/2")], &s, Some(16));
        shards.push(s);
    }
    let merged = d.join("merged");
    let mut m = vec!["merge".to_string()];
    m.extend(shards.iter().map(|s| s.display().to_string()));
    run(&m, &[], &merged, Some(16));
    let compared = common::assert_same_products(&paged, &merged, "the merged paged shards");
    assert!(compared >= 20, "{compared} files compared");
    // An ensemble's working set (two members at once, the accumulators) beyond the budget is refused, naming it.
    let o = emberfall()
        .env("RAYON_NUM_THREADS", "2")
        .args(&args)
        .args(["--whole-landscape", "--memory-budget", "16MiB", "--out"])
        .arg(d.join("refused"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "refused");
    assert!(err.contains("2 members at once") && err.contains("16.0 MiB") && err.contains("needs about"), "{err}");
    assert!(!d.join("refused").exists(), "nothing written");
    // Merged with `--map-extent landscape`, the shards' windows go onto the whole landscape: the whole ensemble's
    // burn probability, cell for cell.
    let framed = d.join("merged-landscape");
    m.extend(["--map-extent".to_string(), "landscape".to_string()]);
    run(&m, &[], &framed, Some(16));
    let (p, pc, pr, _, _) = raster(&framed.join("burn_probability.tif"));
    let (w, ..) = raster(&whole.join("cpu").join("burn_probability.tif"));
    assert_eq!((pc, pr), (256, 256), "the merge covers the landscape");
    assert!(p.iter().zip(&w).all(|(a, b)| a.to_bits() == b.to_bits()), "the whole ensemble's burn probability");
}

/// The demo's hazard ensemble (failures over the first 20 s of flight along `examples/kairos_trajectory.csv`,
/// Poisson fragment counts, perturbed weather; without its launch-window sweep), 8 members on 16-cell tiles: the
/// first window holds the debris of failures spread over the failure times; every member's record and the burn
/// probabilities are the whole landscape's.
#[test]
fn the_demo_ensemble_pages_as_on_the_whole_landscape() {
    let d = tmpdir("paging-demo-ensemble");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("examples/kairos_2024.toml")).unwrap();
    let (a, b) = (text.find("[launch_window]").unwrap(), text.find("[[asset]]").unwrap());
    let ex = root.join("examples");
    let text = format!("{}{}", &text[..a], &text[b..])
        .replace("\"../dem/", &format!("\"{}/dem/", root.display()))
        .replace("\"kairos_trajectory.csv\"", &format!("\"{}\"", ex.join("kairos_trajectory.csv").display()))
        .replace("\"kii_assets/", &format!("\"{}/kii_assets/", ex.display()))
        .replace("\"../out/kairos_2024\"", &format!("\"{}\"", d.join("out").display()));
    let scenario = d.join("hazard.toml");
    std::fs::write(&scenario, text).unwrap();
    let args: Vec<String> = ["ensemble", scenario.to_str().unwrap(), "--members", "8", "--backend", "cpu"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let (paged, whole) = (d.join("paged"), d.join("whole"));
    let log = run(&args, &[], &paged, Some(16));
    run(&args, &["--whole-landscape"], &whole, None);
    assert!(log.contains("of the landscape's 400 x 400"), "a window was read: {log}");
    assert_eq!(
        std::fs::read_to_string(paged.join("members.csv")).unwrap(),
        std::fs::read_to_string(whole.join("members.csv")).unwrap(),
        "the members' records"
    );
    for name in ["burn_probability", "ignition_density", "arrival_time_p50_min"] {
        let (p, w, _) = overlay(&paged, &whole, &format!("{name}.tif"), 10.0);
        let differ = p.iter().zip(&w).filter(|(a, b)| a.to_bits() != b.to_bits()).count();
        assert_eq!(differ, 0, "{name}: {differ} of {} cells differ from the whole ensemble", p.len());
    }
    let (p, w, _) = overlay(&paged, &whole, "burn_probability.tif", 10.0);
    let (all, ..) = raster(&whole.join("burn_probability.tif"));
    let positive = |v: &[f32]| v.iter().filter(|x| **x > 0.0).count();
    assert!(positive(&p) > 100, "the members burned");
    assert_eq!(positive(&w), positive(&all), "the whole ensemble burned beyond the paged window");
}
