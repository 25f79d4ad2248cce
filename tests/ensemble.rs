//! Ensembles: burn probabilities against the ignition probabilities that make them (one fragment, two
//! independent fragments), asset reach against per-member arrival rasters, interval widths against 1/sqrt(N),
//! verdicts against their intervals, shards merged against one unsharded run (separate processes), CPU against GPU.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use emberfall::ensemble::stats::{wilson, Verdict};
use emberfall::ensemble::{Ensemble, Shard};
use emberfall::gpu::Engine;
use emberfall::landscape::{write_synthetic, SynthSpec};
use emberfall::run::scenario::Scenario;

const ORIGIN: (f64, f64) = (500000.0, 4000000.0);
const CELL: f64 = 10.0;
const N: usize = 60;

/// A flat 60 x 60 landscape of GR4 (grass) cells of 10 m in UTM 11N.
fn landscape(dir: &Path) -> PathBuf {
    let p = dir.join("grass.tif");
    let spec = SynthSpec {
        fuel_code: 104,
        rows: N,
        cols: N,
        cell_size_m: CELL,
        slope_pct: 0.0,
        aspect_deg: 0.0,
        epsg: 32611,
        origin: ORIGIN,
    };
    write_synthetic(&spec, &p).unwrap();
    p
}

/// Centre of cell (row, col).
fn centre(r: usize, c: usize) -> (f64, f64) {
    (ORIGIN.0 + (c as f64 + 0.5) * CELL, ORIGIN.1 - (r as f64 + 0.5) * CELL)
}

/// A hot steel fragment at (x, y) landing with `p`: at 3000 C on dry grass its ignition probability is 1 to
/// within 1e-12 (the hot-particle relation's critical temperature is below 1000 C), so the cell ignites with
/// probability `p`, the impact probability.
fn fragment_row(id: &str, x: f64, y: f64, p: f64) -> String {
    format!("{id},{x},{y},0.02,0.01,steel,3000,{p}\n")
}

/// A scenario `name` on the grass: fragment list `fragments_csv` (header and rows), weather `wind` (TOML lines),
/// 60 min fires, no spotting, no crown fire, then `extra` tables.
fn write_scenario(dir: &Path, name: &str, seed: u64, wind: &str, fragments_csv: &str, extra: &str) -> PathBuf {
    let ls = landscape(dir);
    let frag = dir.join(format!("{name}.csv"));
    std::fs::write(&frag, fragments_csv).unwrap();
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(
        &p,
        format!(
            r#"name = "{name}"
seed = {seed}
[landscape]
lcp = "{}"
[weather]
moisture_pct = [5, 6, 8, 60, 90]
{wind}
[debris]
fragments = "{}"
[spread]
duration = "60min"
isochrone_interval = "30min"
crown_method = "none"
[spotting]
enabled = false
[output]
dir = "{}"
{extra}
"#,
            ls.display(),
            frag.display(),
            dir.join("out").display()
        ),
    )
    .unwrap();
    p
}

/// A scenario of fragments `rows` on the grass, calm.
fn scenario(dir: &Path, name: &str, rows: &[String], extra: &str) -> PathBuf {
    let csv = format!("id,x,y,mass_kg,size_m,material,temperature_c,impact_probability\n{}", rows.concat());
    write_scenario(dir, name, 11, "wind_speed_kmh = 0", &csv, extra)
}

fn ensemble(path: &Path, members: usize, engine: &Engine) -> (Ensemble, emberfall::ensemble::accumulate::Accumulator) {
    let mut ens = Ensemble::prepare(Scenario::load(path).unwrap(), engine, Some(members)).unwrap();
    let acc = ens.run(Shard::WHOLE, &|_| {}).unwrap();
    (ens, acc)
}

/// The cells a fire from (x, y) reaches: a member of the same scenario with impact probability 1 (every member
/// ignites; no other randomness: the reach is the same in every member).
fn reach(dir: &Path, name: &str, x: f64, y: f64) -> Vec<bool> {
    let p = scenario(dir, name, &[fragment_row("f", x, y, 1.0)], "");
    let ens = Ensemble::prepare(Scenario::load(&p).unwrap(), &Engine::Cpu, Some(1)).unwrap();
    let o = ens.run_member(0).unwrap();
    let mut r = vec![false; N * N];
    for c in &o.burned {
        r[c.cell] = true;
    }
    assert!(r.iter().filter(|&&b| b).count() > 20, "the fire must reach some cells");
    r
}

/// Whether the share k/n is consistent with probability p: p inside the 99.9 % Wilson interval of k/n.
fn consistent(k: u32, n: u64, p: f64) -> bool {
    let (lo, hi) = wilson(k as u64, n, 3.290_526_731_491_926);
    lo <= p && p <= hi
}

#[test]
fn one_fragment_burns_its_reach_with_its_probability() {
    let dir = common::tmpdir("ens-one");
    let (x, y) = centre(30, 30);
    let reached = reach(&dir, "one_sure", x, y);
    let p = 0.3;
    let s = scenario(&dir, "one", &[fragment_row("f", x, y, p)], "");
    let (_, acc) = ensemble(&s, 400, &Engine::Cpu);
    let last = acc.burned.last().unwrap();
    let n = acc.members;
    let (mut inside, mut outside) = (0, 0);
    for i in 0..N * N {
        if reached[i] {
            assert!(consistent(last[i], n, p), "cell {i}: {} of {n} members burned it, p = {p}", last[i]);
            inside += 1;
        } else {
            assert_eq!(last[i], 0, "cell {i} lies beyond the fire's reach but burned");
            outside += 1;
        }
    }
    assert!(inside > 20 && outside > 1000);
    // The ignition density is p in the fragment's cell and 0 elsewhere.
    let cell = 30 * N + 30;
    assert!(consistent(acc.ignitions[cell], n, p));
    assert_eq!(acc.ignitions.iter().map(|&c| c as u64).sum::<u64>(), acc.ignitions[cell] as u64);
}

#[test]
fn two_independent_fragments_combine() {
    let dir = common::tmpdir("ens-two");
    let (a, b) = (centre(30, 28), centre(30, 32));
    let (ra, rb) = (reach(&dir, "a_sure", a.0, a.1), reach(&dir, "b_sure", b.0, b.1));
    let (p1, p2) = (0.3, 0.5);
    let s = scenario(&dir, "two", &[fragment_row("a", a.0, a.1, p1), fragment_row("b", b.0, b.1, p2)], "");
    let (_, acc) = ensemble(&s, 400, &Engine::Cpu);
    let last = acc.burned.last().unwrap();
    let n = acc.members;
    let mut classes = [(0usize, 0usize); 4];
    for i in 0..N * N {
        let (expect, k) = match (ra[i], rb[i]) {
            (true, true) => (1.0 - (1.0 - p1) * (1.0 - p2), 0),
            (true, false) => (p1, 1),
            (false, true) => (p2, 2),
            (false, false) => (0.0, 3),
        };
        classes[k].0 += 1;
        let ok = if expect == 0.0 { last[i] == 0 } else { consistent(last[i], n, expect) };
        if ok {
            classes[k].1 += 1;
        }
    }
    assert!(classes[0].0 > 10, "the reaches must overlap: {classes:?}");
    // Where the two fires meet, the front of the joint fire may settle a cell differently from either alone: allow
    // 2 % of each class.
    for (k, (all, ok)) in classes.iter().enumerate() {
        assert!(*ok as f64 >= 0.98 * *all as f64, "class {k}: {ok} of {all} cells as expected ({classes:?})");
    }
}

/// A polygon asset and a point asset; fragments with a footprint so that members differ.
fn asset_scenario(dir: &Path, members: usize, criteria: &str) -> PathBuf {
    let (x, y) = centre(30, 30);
    let frag = format!("f,{x},{y},0.02,0.01,steel,3000,0.8,150,150,0\n");
    let poly = dir.join("village.geojson");
    // Rectangle over rows 10..=14, columns 40..=45 (edges at cell centres: every touched cell is in those rows and
    // columns).
    let (x0, y0) = centre(14, 40);
    let (x1, y1) = centre(10, 45);
    std::fs::write(
        &poly,
        format!(
            r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::32611"}}}},"features":[{{"type":"Feature","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]}}}}]}}"#
        ),
    )
    .unwrap();
    let pt = dir.join("pad.geojson");
    let (px, py) = centre(36, 24);
    std::fs::write(
        &pt,
        format!(
            r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::32611"}}}},"features":[{{"type":"Feature","properties":{{}},"geometry":{{"type":"Point","coordinates":[{px},{py}]}}}}]}}"#
        ),
    )
    .unwrap();
    let extra = format!(
        r#"[ensemble]
members = {members}
response_time = "15min"

[[asset]]
name = "village"
file = "{}"
within = ["15min"]

[[asset]]
name = "pad"
file = "{}"
{criteria}"#,
        // Relative to the scenario's folder, as users write them.
        poly.file_name().unwrap().to_str().unwrap(),
        pt.file_name().unwrap().to_str().unwrap()
    );
    let csv = format!(
        "id,x,y,mass_kg,size_m,material,temperature_c,impact_probability,sigma_along_m,sigma_cross_m,azimuth_deg\n{frag}"
    );
    write_scenario(dir, "assets", 5, "wind_speed_kmh = 10\nwind_from_deg = 250", &csv, &extra)
}

#[test]
fn asset_probabilities_are_shares_of_member_arrival_rasters() {
    let dir = common::tmpdir("ens-assets");
    let s = asset_scenario(&dir, 80, "");
    let (ens, acc) = ensemble(&s, 80, &Engine::Cpu);
    let (reach, _) = emberfall::ensemble::products::asset_reach(&ens, &acc);
    // Independently: each member's arrival raster from the pipeline, checked over the asset's cells as the test
    // finds them (the rectangle's rows and columns, the point's cell).
    let village: Vec<usize> = (10..=14).flat_map(|r| (40..=45).map(move |c| r * N + c)).collect();
    let pad = [36 * N + 24];
    let (mut v15, mut v60, mut p60) = (0, 0, 0);
    for r in &acc.records {
        let m = ens.prepared.run_member(r.seed, &emberfall::run::pipeline::Variation::default()).unwrap();
        let arr = m.fire.as_ref().map(|f| f.rasters().arrival_min).unwrap_or_else(|| vec![f32::MAX; N * N]);
        let first = |cells: &[usize]| {
            cells
                .iter()
                .map(|&i| arr[i])
                .filter(|&t| t != emberfall::physics::behavior::NODATA)
                .fold(f32::MAX, f32::min)
        };
        let (tv, tp) = (first(&village), first(&pad));
        v15 += (tv <= 15.0) as u64;
        v60 += (tv <= 60.0) as u64;
        p60 += (tp <= 60.0) as u64;
    }
    let get = |a: &str, t: f64| reach.iter().find(|r| r.asset == a && (r.within_min - t).abs() < 1e-9).unwrap().reached;
    assert_eq!(get("village", 15.0), v15);
    assert_eq!(get("village", 60.0), v60);
    assert_eq!(get("pad", 60.0), p60);
    assert!(v15 < v60 && v60 < 80 && p60 > 0, "members must differ: village {v15} / {v60}, pad {p60} of 80");
}

#[test]
fn intervals_shrink_as_one_over_sqrt_n_and_verdicts_follow_them() {
    let dir = common::tmpdir("ens-sqrt");
    let (x, y) = centre(30, 30);
    let crit = r#"
[[criterion]]
any_ignition = true
limit = 0.5

[[criterion]]
any_ignition = true
limit = 0.3

[[criterion]]
any_ignition = true
limit = 0.1
"#;
    let s = scenario(&dir, "sqrt", &[fragment_row("f", x, y, 0.3)], &format!("[ensemble]\nmembers = 100\n{crit}"));
    let mut widths = Vec::new();
    for n in [100, 400, 1600] {
        let (ens, acc) = ensemble(&s, n, &Engine::Cpu);
        let c = emberfall::ensemble::products::criteria(&ens, &acc);
        assert_eq!(c.len(), 3);
        widths.push(c[0].ci95_high - c[0].ci95_low);
        for o in &c {
            let want = if o.ci95_high < o.limit {
                Verdict::Pass
            } else if o.ci95_low >= o.limit {
                Verdict::Fail
            } else {
                Verdict::Undecided
            };
            assert_eq!(o.verdict, want, "{o:?}");
            assert_eq!(o.members_needed.is_some(), o.verdict == Verdict::Undecided, "{o:?}");
        }
        if n == 1600 {
            assert_eq!(c[0].verdict, Verdict::Pass);
            assert_eq!(c[2].verdict, Verdict::Fail);
        }
    }
    for k in 0..2 {
        let ratio = widths[k] / widths[k + 1];
        assert!((ratio - 2.0).abs() < 0.25, "width ratio {ratio} for 4x the members ({widths:?})");
    }
}

fn emberfall(args: &[&str]) -> std::process::Output {
    let o = Command::new(env!("CARGO_BIN_EXE_emberfall"))
        .env("XDG_RUNTIME_DIR", std::env::temp_dir())
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    o
}

#[test]
fn shards_merged_in_separate_processes_equal_one_run() {
    let dir = common::tmpdir("ens-shards");
    let s = asset_scenario(&dir, 40, "\n[[criterion]]\nasset = \"village\"\nwithin = \"60min\"\nlimit = 0.5\n");
    let s = s.to_str().unwrap();
    let whole = dir.join("whole");
    emberfall(&["ensemble", s, "--backend", "cpu", "--out", whole.to_str().unwrap()]);
    let mut shards = Vec::new();
    // Half the shards are given the scenario by its absolute path, half (as everyone types it, and as the cluster
    // examples do) by a path relative to the folder they run in: the merge does not care how it was spelled.
    let (folder, file) = (Path::new(s).parent().unwrap(), Path::new(s).file_name().unwrap().to_str().unwrap());
    for i in 0..4 {
        let d = dir.join(format!("shard{i}"));
        let (shard, out) = (format!("{i}/4"), d.to_str().unwrap().to_string());
        if i < 2 {
            emberfall(&["ensemble", s, "--backend", "cpu", "--shard", &shard, "--out", &out]);
        } else {
            let o = Command::new(env!("CARGO_BIN_EXE_emberfall"))
                .current_dir(folder)
                .env("XDG_RUNTIME_DIR", std::env::temp_dir())
                .args(["ensemble", file, "--backend", "cpu", "--shard", &shard, "--out", &out])
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        shards.push(d.to_str().unwrap().to_string());
    }
    let merged = dir.join("merged");
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(|s| s.as_str()));
    args.extend(["--out", merged.to_str().unwrap()]);
    let o = emberfall(&args);
    // A merge runs no member: it gives no members/s rate.
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(!said.contains("members/s") && said.contains("merged"), "{said}");
    let compared = common::assert_same_products(&whole, &merged, "the merged shards");
    assert!(compared >= 15, "{compared} files compared");
    // A shard merged twice is refused.
    let o = Command::new(env!("CARGO_BIN_EXE_emberfall"))
        .args(["merge", &shards[0], &shards[0], "--out", dir.join("bad").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("two shards"), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn cpu_and_gpu_members_agree() {
    let Ok(engine) = Engine::select(emberfall::gpu::Backend::Vulkan) else {
        panic!("no Vulkan adapter (lavapipe: mesa-vulkan-drivers); scripts/install-deps.sh installs it")
    };
    let dir = common::tmpdir("ens-gpu");
    let s = asset_scenario(&dir, 24, "");
    let (_, cpu) = ensemble(&s, 24, &Engine::Cpu);
    let (_, gpu) = ensemble(&s, 24, &engine);
    assert_eq!(cpu.ignitions, gpu.ignitions, "ignitions differ between CPU and GPU");
    for (a, b) in cpu.records.iter().zip(&gpu.records) {
        assert_eq!((a.member, a.seed, a.ignitions), (b.member, b.seed, b.ignitions));
    }
    // Burn probabilities within one member's share.
    let (c, g) = (cpu.burned.last().unwrap(), gpu.burned.last().unwrap());
    let off = c.iter().zip(g).filter(|(a, b)| a.abs_diff(**b) > 1).count();
    assert_eq!(off, 0, "{off} cells differ by more than one member");
    // On the GPU the members ran as one batch of fires, their burn counts reduced on the device: the counts equal
    // those of the same members run one at a time on the GPU, counted here from each member's arrival raster.
    let ens = Ensemble::prepare(Scenario::load(&s).unwrap(), &engine, Some(24)).unwrap();
    assert!(ens.prepared.max_batch() > 1, "lavapipe holds a batch");
    let mut counts = vec![vec![0u32; N * N]; gpu.times_min.len()];
    for r in &gpu.records {
        let m = ens.prepared.run_member(r.seed, &emberfall::run::pipeline::Variation::default()).unwrap();
        if let Some(f) = &m.fire {
            for (i, t) in f.burned() {
                for (k, &tk) in gpu.times_min.iter().enumerate() {
                    counts[k][i] += (t as f64 <= tk) as u32;
                }
            }
        }
    }
    for (k, (a, b)) in counts.iter().zip(&gpu.burned).enumerate() {
        let off = a.iter().zip(b).filter(|(x, y)| x != y).count();
        assert!(off <= 2, "time {}: {off} cells counted differently on the device", gpu.times_min[k]);
    }
}

#[test]
fn report_html_renders_in_a_real_browser_with_no_outside_request() {
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success()))
        .unwrap_or_else(|| panic!("no chromium: scripts/install-deps.sh installs Debian's chromium"));
    let dir = common::tmpdir("ens-html");
    // Perturbed wind and moisture: inputs that vary across the members, for the sensitivity section.
    let extra = "\n[[criterion]]\nasset = \"village\"\nlimit = 0.01\n\n[ensemble.perturb]\nwind_speed_sd_pct = 30\n";
    let s = asset_scenario(&dir, 20, extra);
    let out = dir.join("ens");
    emberfall(&["ensemble", s.to_str().unwrap(), "--backend", "cpu", "--out", out.to_str().unwrap()]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    // A copy that, once loaded, writes what the page holds into its title: images and whether each decoded, and
    // every resource the page fetched (the Resource Timing API lists each request; data: URLs are not requests).
    let probe = r#"<script>window.addEventListener('load',()=>{const im=[...document.images];
document.title='PROBE '+JSON.stringify({images:im.length,loaded:im.filter(i=>i.complete&&i.naturalWidth>0).length,
resources:performance.getEntriesByType('resource').map(e=>e.name),h1:document.querySelector('h1').textContent,
verdicts:[...document.querySelectorAll('td.PASS,td.FAIL,td.UNDECIDED')].length,
sections:[...document.querySelectorAll('h2')].map(h=>h.textContent),alts:im.map(i=>i.alt),
sensitivity:[...document.querySelectorAll('table.sensitivity tr')].length,
assumptions:[...document.querySelectorAll('dl.assumptions dt')].map(d=>d.textContent)});});</script>"#;
    // The report's own policy forbids scripts; the probe copy drops it to run, and so also shows that nothing in the
    // page itself needs it to stay inside the file.
    let start = html.find("<meta http-equiv=\"Content-Security-Policy\"").expect("the report states a CSP");
    let end = start + html[start..].find('>').unwrap() + 1;
    let probed = format!("{}{}", &html[..start], &html[end..]).replace("</body>", &format!("{probe}</body>"));
    let page = dir.join("probe.html");
    std::fs::write(&page, probed).unwrap();
    let o = Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000", "--dump-dom"])
        .arg(format!("file://{}", page.display()))
        .env("XDG_RUNTIME_DIR", std::env::temp_dir())
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&o.stdout);
    let t0 = dom.find("<title>PROBE ").unwrap_or_else(|| panic!("the page did not load: {dom:.2000}"));
    let json = &dom[t0 + 13..t0 + dom[t0..].find("</title>").unwrap()];
    let json = json.replace("&quot;", "\"").replace("&amp;", "&");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let images = v["images"].as_u64().unwrap();
    assert!(images >= 6, "{v}");
    assert_eq!(v["loaded"].as_u64().unwrap(), images, "every image must load: {v}");
    assert_eq!(v["resources"].as_array().unwrap().len(), 0, "the page fetched: {v}");
    assert!(v["h1"].as_str().unwrap().contains("Hazard report"));
    assert_eq!(v["verdicts"].as_u64().unwrap(), 1);
    // Every section and figure a board reads.
    let sections: Vec<&str> = v["sections"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    for h in ["Verdicts", "Burn probability", "Sensitivity", "Assets", "Run", "Assumptions"] {
        assert!(sections.iter().any(|s| s.starts_with(h)), "no `{h}` section in the browser: {sections:?}");
    }
    let alts: Vec<&str> = v["alts"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    for a in [
        "Burn probability within",
        "Ignitions per member",
        "Arrival time, 10th",
        "Arrival time, median",
        "Flame length, 90th",
        "What moves each verdict",
    ] {
        assert!(alts.iter().any(|x| x.starts_with(a)), "no `{a}` figure in the browser: {alts:?}");
    }
    // The sensitivity table: a header and a row per varying input (wind speed) of the one criterion.
    assert_eq!(v["sensitivity"].as_u64().unwrap(), 2, "{v}");
    // The assumptions a board reads, in words (no Rust debug text in either report).
    let topics: Vec<&str> = v["assumptions"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    for t in ["Failure", "Fragments", "Surface weather", "Perturbations", "Fire", "Landscape"] {
        assert!(topics.contains(&t), "no `{t}` assumption in the browser: {topics:?}");
    }
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("## Assumptions") && md.contains("- **Fire**: Rothermel surface fire"), "{md}");
    for debug in ["Uniform {", "Perturbation {", "Some(", "PathBuf"] {
        assert!(!md.contains(debug) && !html.contains(debug), "debug text `{debug}` in the report");
    }
    // A screenshot of the report as the browser draws it: a PNG of the page, not blank (the maps and plots drawn).
    let shot = dir.join("report.png");
    let o = Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,3000"])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", out.join("report.html").display()))
        .env("XDG_RUNTIME_DIR", std::env::temp_dir())
        .output()
        .unwrap();
    assert!(shot.is_file(), "no screenshot: {}", String::from_utf8_lossy(&o.stderr));
    let png = image::open(&shot).unwrap().to_rgb8();
    assert_eq!(png.dimensions(), (1280, 3000));
    let coloured = png.pixels().filter(|p| p.0.iter().max().unwrap() - p.0.iter().min().unwrap() > 40).count();
    assert!(coloured > 20_000, "the screenshot shows no coloured map or plot ({coloured} coloured pixels)");
    // And statically: every src and href points inside the file.
    for attr in ["src=\"", "href=\""] {
        for (k, _) in html.match_indices(attr) {
            let rest = &html[k + attr.len()..];
            assert!(rest.starts_with("data:") || rest.starts_with('#'), "outside reference: {:.80}", rest);
        }
    }
}

#[test]
fn launch_window_runs_the_same_members_under_each_candidates_forecast() {
    let dir = common::tmpdir("ens-window");
    let forecast = dir.join("forecast.csv");
    std::fs::write(
        &forecast,
        "valid_time,wind_speed_kmh,wind_from_deg\n\
         2024-03-13T10:00:00+09:00,0,250\n\
         2024-03-13T11:00:00+09:00,20,250\n\
         2024-03-13T12:00:00+09:00,30,250\n",
    )
    .unwrap();
    let crit = format!(
        r#"
[launch_window]
forecast = "{}"
candidates = ["2024-03-13T10:00:00+09:00", "2024-03-13T11:30:00+09:00"]
members = 30

[[criterion]]
burned_area_ha_above = 3
at = "end"
limit = 0.1
"#,
        forecast.display()
    );
    let s = asset_scenario(&dir, 30, &crit);
    let sc = Scenario::load(&s).unwrap();
    let lw = sc.ensemble.launch_window.clone().unwrap();
    // The candidate at 11:30 flies under the 11:00 row from time 0 and the 12:00 row from 30 min; the 10:00 one
    // under the calm row alone within its 60 min.
    let kmh = |v: f64| v * 1000.0 / 60.0;
    let late = lw.stream(lw.candidates[1], 60.0);
    assert_eq!(late.periods.iter().map(|p| p.start_min).collect::<Vec<_>>(), vec![0.0, 30.0]);
    assert!((late.periods[0].weather.wind_speed_m_per_min - kmh(20.0)).abs() < 1e-9);
    assert!((late.periods[1].weather.wind_speed_m_per_min - kmh(30.0)).abs() < 1e-9);
    let early = lw.stream(lw.candidates[0], 60.0);
    assert_eq!(early.periods.len(), 1);
    assert_eq!(early.periods[0].weather.wind_speed_m_per_min, 0.0);
    let (ens, acc) = ensemble(&s, 30, &Engine::Cpu);
    assert_eq!(acc.window.len(), 2);
    // Each sweep member's burned area equals that of the same member seed run directly under the candidate's
    // weather, built here from the forecast rows.
    let cell_ha = CELL * CELL / 1e4;
    for ((_, recs), stream) in acc.window.iter().zip([early, late]) {
        assert_eq!(recs.len(), 30);
        for r in recs.iter().take(10) {
            let v = emberfall::run::pipeline::Variation { weather: Some(stream.clone()), ..Default::default() };
            let m = ens.prepared.run_member(r.seed, &v).unwrap();
            let cells = m.fire.as_ref().map_or(0, |f| f.burned().len());
            assert!((r.area_ha.last().unwrap() - cells as f64 * cell_ha).abs() < 1e-9, "member {}", r.member);
        }
    }
    // The same draws: ignitions agree member by member; the wind makes the late fires larger.
    for (a, b) in acc.window[0].1.iter().zip(&acc.window[1].1) {
        assert_eq!((a.member, a.seed, a.ignitions), (b.member, b.seed, b.ignitions));
    }
    let mean = |k: usize| acc.window[k].1.iter().map(|r| r.area_ha.last().unwrap()).sum::<f64>() / 30.0;
    assert!(mean(1) > 2.0 * mean(0), "{} vs {}", mean(1), mean(0));
    let sweep = emberfall::ensemble::products::launch_window(&ens, &acc);
    assert!(sweep[1].1[0].events > sweep[0].1[0].events);
}

#[test]
fn qgis_project_holds_every_product_styled_as_the_maps() {
    let dir = common::tmpdir("ens-qgis");
    let s = asset_scenario(&dir, 30, "");
    let out = dir.join("ens");
    emberfall(&["ensemble", s.to_str().unwrap(), "--backend", "cpu", "--out", out.to_str().unwrap()]);
    // The project: a zip holding one .qgs whose every layer's source exists and opens in GDAL.
    let mut z = zip::ZipArchive::new(std::fs::File::open(out.join("ensemble.qgz")).unwrap()).unwrap();
    assert_eq!(z.len(), 1);
    let mut qgs = String::new();
    std::io::Read::read_to_string(&mut z.by_index(0).unwrap(), &mut qgs).unwrap();
    let sources: Vec<String> = qgs
        .match_indices("<datasource>")
        .map(|(k, _)| {
            let rest = &qgs[k + 12..];
            rest[..rest.find("</datasource>").unwrap()].to_string()
        })
        .collect();
    let tifs: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tif"))
        .collect();
    assert_eq!(sources.len(), tifs.len() + 2, "every raster, two asset layers: {sources:?}");
    for src in &sources {
        let (file, layer) = match src.split_once("|layername=") {
            Some((f, l)) => (f, Some(l)),
            None => (src.as_str(), None),
        };
        let ds = gdal::Dataset::open(out.join(file.trim_start_matches("./"))).unwrap();
        match layer {
            Some(l) => assert!(ds.layer_by_name(l).is_ok(), "{src}"),
            None => assert_eq!(ds.raster_count(), 1, "{src}"),
        }
    }
    for t in &tifs {
        assert!(tifs.iter().any(|x| x == t) && out.join(t.replace(".tif", ".qml")).exists(), "{t} has no style");
        assert!(sources.iter().any(|s| s == &format!("./{t}")), "{t} is not in the project");
    }
    // The burn probability style: the colours of the PNG map's legend (each found in the PNG as a swatch).
    let qml = std::fs::read_to_string(out.join("burn_probability.qml")).unwrap();
    let png = image::open(out.join("burn_probability.png")).unwrap().to_rgb8();
    let mut colours = 0;
    for (k, _) in qml.match_indices("alpha=\"255\"") {
        let c = &qml[k..];
        let c = &c[c.find("color=\"#").unwrap() + 8..][..6];
        let rgb = [0, 2, 4].map(|i| u8::from_str_radix(&c[i..i + 2], 16).unwrap());
        let n = png.pixels().filter(|p| p.0 == rgb).count();
        assert!(n >= 100, "colour #{c} of the style is not a legend swatch of the PNG ({n} pixels)");
        colours += 1;
    }
    assert_eq!(colours, 7);
    // The asset layers carry their style inside the GeoPackage, as QGIS stores a default style.
    let ds = gdal::Dataset::open(out.join("assets.gpkg")).unwrap();
    let mut rs = ds
        .execute_sql(
            "SELECT f_table_name FROM layer_styles WHERE useAsDefault = 1 ORDER BY f_table_name",
            None,
            gdal::vector::sql::Dialect::DEFAULT,
        )
        .unwrap()
        .unwrap();
    let names: Vec<String> = gdal::vector::LayerAccess::features(&mut *rs)
        .map(|f| f.field_as_string(0).unwrap().unwrap_or_default())
        .collect();
    assert_eq!(names, vec!["asset_lines", "asset_points"]);
}

/// An ensemble whose weather is a FARSITE .input with burn periods: members run one at a time in fire time and
/// come back in clock time, so every arrival lies within a burn period (the first starts 60 min into the run),
/// nothing burns by 30 min, and with an ignition certain in every member each cell burns in all members or none.
#[test]
fn an_ensemble_under_burn_periods_burns_only_within_them() {
    let d = std::env::temp_dir().join(format!("emberfall-ens-burn-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let mut raws = String::new();
    for h in 0..30 {
        raws += &format!("2022 8 {} {:02}00 80 25 0.00 8 270 10\n", 14 + h / 24, h % 24);
    }
    std::fs::write(
        d.join("w.input"),
        format!(
            "FARSITE INPUTS FILE VERSION 1.0\nFARSITE_START_TIME: 08 14 1000\nFARSITE_END_TIME: 08 14 1400\n\
             FARSITE_BURN_PERIODS: 1\n08 14 1100 1229\nFUEL_MOISTURES_DATA: 1\n0 5 6 8 60 90\nRAWS_UNITS: English\n\
             RAWS: 30\n{raws}"
        ),
    )
    .unwrap();
    let (x, y) = centre(30, 20);
    let csv =
        format!("id,x,y,mass_kg,size_m,material,temperature_c,impact_probability\n{}", fragment_row("f", x, y, 1.0));
    let p = write_scenario(&d, "burn", 5, &format!("stream = \"{}\"", d.join("w.input").display()), &csv, "");
    let text = std::fs::read_to_string(&p).unwrap().replace("duration = \"60min\"", "duration = \"4h\"");
    std::fs::write(&p, text).unwrap();
    let (ens, acc) = ensemble(&p, 4, &Engine::Cpu);
    assert_eq!(acc.members, 4);
    let o = ens.run_member(0).unwrap();
    assert!(o.burned.len() > 20, "{}", o.burned.len());
    for c in &o.burned {
        assert!(
            (60.0..=150.0 + 1e-3).contains(&(c.arrival_min as f64)),
            "arrival {} outside 60..150 min",
            c.arrival_min
        );
    }
    let end = acc.times_min.iter().position(|&t| t == acc.duration_min).unwrap();
    assert!(acc.burned[end].iter().all(|&k| k == 0 || k == 4));
    assert_eq!(acc.burned[end].iter().filter(|&&k| k == 4).count(), o.burned.len());
    let early = acc.times_min.iter().position(|&t| t == 30.0).unwrap();
    assert!(acc.burned[early].iter().all(|&k| k == 0), "nothing burns before the burn period");
}

/// The weather keys of a scenario file: `start`, `conditioning_start`, `conditioning`, `station_elevation_m` and
/// `fuel_moistures` reach the run (the member burns, conditioned per class from 12 h before the fire), and a bad
/// value is an error that names the key.
#[test]
fn scenario_weather_keys_for_conditioning() {
    let d = std::env::temp_dir().join(format!("emberfall-ens-keys-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let mut csv = String::from("time_min,wind_speed_kmh,wind_from_deg,air_temp_c,rh_pct,cloud_pct,valid_time\n");
    for h in 0..=30 {
        csv += &format!("{},10,270,25,30,20,2022-08-{:02}T{:02}:00:00-07:00\n", h * 60, 14 + h / 24, h % 24);
    }
    std::fs::write(d.join("w.csv"), csv).unwrap();
    std::fs::write(d.join("m.fms"), "104 3 4 5 50 80\n").unwrap();
    let (x, y) = centre(30, 30);
    let frag =
        format!("id,x,y,mass_kg,size_m,material,temperature_c,impact_probability\n{}", fragment_row("f", x, y, 1.0));
    let weather = |cs: &str| {
        format!(
            "stream = \"{}\"\nstart = \"2022-08-15T01:00:00-07:00\"\nconditioning_start = \"{cs}\"\nconditioning = \"terrain\"\n\
             station_elevation_m = 300\nfuel_moistures = \"{}\"",
            d.join("w.csv").display(),
            d.join("m.fms").display()
        )
    };
    let p = write_scenario(&d, "keys", 3, &weather("12h"), &frag, "");
    let sc = Scenario::load(&p).unwrap();
    assert_eq!(sc.weather.station_elevation_m, Some(300.0));
    assert_eq!(sc.weather.model_moisture_pct, vec![(104, [3.0, 4.0, 5.0, 50.0, 80.0])]);
    assert_eq!(sc.weather.conditioning, emberfall::weather::conditioning::Mode::Terrain);
    let ens = Ensemble::prepare(sc, &Engine::Cpu, Some(1)).unwrap();
    let notes = ens.prepared.notes.join("\n");
    for want in [
        "the fire starts at 2022-08-15 01:00:00 -07:00",
        "conditioning starts 12.0 h before the fire (13 earlier rows not used)",
        "terrain conditioning: dead fuels conditioned in 1 classes",
        "initial fuel moistures per fuel model: 1 of the landscape's 1 fuel models have their own",
    ] {
        assert!(notes.contains(want), "`{want}` not in {notes}");
    }
    assert!(ens.run_member(0).unwrap().burned.len() > 20);
    let bad = write_scenario(&d, "bad", 3, &weather("yesterday"), &frag, "");
    let e = Scenario::load(&bad).unwrap_err().to_string();
    assert!(e.contains("weather.conditioning_start") && e.contains("yesterday"), "{e}");
}

/// members.csv records what each member drew (weather member, perturbation factors, fragments), so that the
/// sensitivity of a verdict can be computed afterwards; the draws have the spreads the scenario asks.
#[test]
fn members_csv_records_each_members_draws() {
    let dir = common::tmpdir("ens-draws");
    let perturb =
        "\n[ensemble.perturb]\nwind_speed_sd_pct = 20\nwind_direction_sd_deg = 15\ndead_moisture_sd_pct = 10\n";
    let s = asset_scenario(&dir, 60, perturb);
    let out = dir.join("ens");
    emberfall(&["ensemble", s.to_str().unwrap(), "--backend", "cpu", "--out", out.to_str().unwrap()]);
    let rows = common::read_csv_rows(&out.join("members.csv"));
    assert_eq!(rows.len(), 60);
    let col = |k: &str| -> Vec<f64> { rows.iter().map(|r| r[k].parse::<f64>().unwrap()).collect() };
    let sd = |v: &[f64], centre: f64| (v.iter().map(|x| (x - centre).powi(2)).sum::<f64>() / v.len() as f64).sqrt();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (speed, shift, moist) =
        (col("wind_speed_factor"), col("wind_direction_shift_deg"), col("dead_moisture_factor"));
    // Normal draws of 60 members: the sample sd within about 30 % of the asked one, the mean near its centre.
    assert!((0.14..0.26).contains(&sd(&speed, 1.0)) && (mean(&speed) - 1.0).abs() < 0.08, "{speed:?}");
    assert!((10.5..19.5).contains(&sd(&shift, 0.0)) && mean(&shift).abs() < 6.0, "{shift:?}");
    assert!((0.07..0.13).contains(&sd(&moist, 1.0)) && (mean(&moist) - 1.0).abs() < 0.04, "{moist:?}");
    assert!(rows.iter().all(|r| r["weather_member"] == "scenario"));
}

/// A criterion may bound the risk per launch (`per = "launch"`, with the ensemble's failure probability): its
/// probability and interval are P(failure) times the conditional ones, and its verdict the conditional verdict
/// against limit / P(failure).
#[test]
fn per_launch_criteria_scale_by_the_failure_probability() {
    let dir = common::tmpdir("ens-per-launch");
    let (x, y) = centre(30, 30);
    let csv =
        format!("id,x,y,mass_kg,size_m,material,temperature_c,impact_probability\n{}", fragment_row("f", x, y, 0.6));
    let extra = "[ensemble]\nmembers = 40\nfailure_probability = 0.1\n\
                 [[criterion]]\nany_ignition = true\nlimit = 0.5\n\
                 [[criterion]]\nany_ignition = true\nlimit = 0.05\nper = \"launch\"\n";
    let s = write_scenario(&dir, "perlaunch", 3, "wind_speed_kmh = 5\nwind_from_deg = 250", &csv, extra);
    let out = dir.join("ens");
    emberfall(&["ensemble", s.to_str().unwrap(), "--backend", "cpu", "--out", out.to_str().unwrap()]);
    let rows = common::read_csv_rows(&out.join("criteria.csv"));
    assert_eq!(rows.len(), 2);
    let p = |r: &std::collections::HashMap<String, String>, k: &str| r[k].parse::<f64>().unwrap();
    assert!(rows[1]["criterion"].ends_with("per launch"), "{:?}", rows[1]);
    for k in ["probability", "ci95_low", "ci95_high"] {
        assert!((p(&rows[1], k) - 0.1 * p(&rows[0], k)).abs() < 1e-9, "{k}: {:?} vs {:?}", rows[1], rows[0]);
    }
    assert_eq!(rows[0]["verdict"], rows[1]["verdict"], "the same bound, said per failure and per launch");
    // Without the failure probability a per-launch limit means nothing: refused by name.
    let bad = write_scenario(
        &dir,
        "nopf",
        3,
        "",
        &csv,
        "[[criterion]]\nany_ignition = true\nlimit = 0.05\nper = \"launch\"\n",
    );
    let e = Scenario::load(&bad).unwrap_err().to_string();
    assert!(e.contains("criterion[0].per") && e.contains("failure_probability"), "{e}");
}

/// The sensitivity table recomputed from members.csv alone: for the wind speed factor, the members below and at or
/// above its median, and the share of each whose burned area at the end exceeds the criterion's; more wind burns
/// more (a higher share at the high end).
#[test]
fn sensitivity_splits_the_members_by_their_own_draws() {
    let dir = common::tmpdir("ens-sens");
    let extra = "\n[[criterion]]\nburned_area_ha_above = 0.3\nat = \"end\"\nlimit = 0.5\n\n[ensemble.perturb]\nwind_speed_sd_pct = 45\n";
    let s = asset_scenario(&dir, 40, extra);
    // Spotting on (surface fires spot from 100 kW/m): the spotting rate's sensitivity runs.
    let text = std::fs::read_to_string(&s).unwrap();
    std::fs::write(&s, text.replace("enabled = false", "enabled = true\nsurface_intensity_kw_per_m = 100")).unwrap();
    let out = dir.join("ens");
    emberfall(&["ensemble", s.to_str().unwrap(), "--backend", "cpu", "--out", out.to_str().unwrap()]);
    let members = common::read_csv_rows(&out.join("members.csv"));
    let mut wind: Vec<f64> = members.iter().map(|r| r["wind_speed_factor"].parse().unwrap()).collect();
    wind.sort_by(f64::total_cmp);
    let median = wind[wind.len() / 2];
    let share = |high: bool| {
        let of: Vec<_> =
            members.iter().filter(|r| (r["wind_speed_factor"].parse::<f64>().unwrap() >= median) == high).collect();
        let events = of.iter().filter(|r| r["burned_area_end_ha"].parse::<f64>().unwrap() > 0.3).count();
        (events as f64 / of.len() as f64, of.len())
    };
    let rows = common::read_csv_rows(&out.join("sensitivity.csv"));
    let row = rows.iter().find(|r| r["input"] == "wind speed factor").expect("a wind speed row");
    let ((lo, nlo), (hi, nhi)) = (share(false), share(true));
    assert_eq!(row["low_members"].parse::<usize>().unwrap(), nlo);
    assert_eq!(row["high_members"].parse::<usize>().unwrap(), nhi);
    assert!((row["low_probability"].parse::<f64>().unwrap() - lo).abs() < 1e-12, "{row:?} vs {lo}");
    assert!((row["high_probability"].parse::<f64>().unwrap() - hi).abs() < 1e-12, "{row:?} vs {hi}");
    assert!(hi > lo, "more wind, more fire: low end {lo}, high end {hi}");
    assert_eq!(row["flips"], if (lo > 0.5) != (hi > 0.5) { "1" } else { "0" });
    // The spotting rate's extra runs: the first 10 members (a quarter) with the rate halved and doubled; their
    // shares recomputed from the runs' own records are not in members.csv, so check their member counts and that
    // more embers do not make less fire.
    let spot = rows.iter().find(|r| r["input"].starts_with("spotting rate")).expect("a spotting rate row");
    assert_eq!((spot["low_end"].as_str(), spot["high_end"].as_str()), ("x0.5", "x2"));
    assert_eq!((spot["low_members"].as_str(), spot["high_members"].as_str()), ("10", "10"));
    assert!(spot["high_probability"].parse::<f64>().unwrap() >= spot["low_probability"].parse::<f64>().unwrap());
    // Inputs that did not vary are named in the report.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("Not varied across the members, so not in the chart: failure time"), "{md}");
    // Sharded, the sensitivity runs merge into the same table (members split over shards as the ensemble's).
    let mut shards = Vec::new();
    for i in 0..3 {
        let d = dir.join(format!("shard{i}"));
        emberfall(&[
            "ensemble",
            s.to_str().unwrap(),
            "--backend",
            "cpu",
            "--shard",
            &format!("{i}/3"),
            "--out",
            d.to_str().unwrap(),
        ]);
        shards.push(d.to_str().unwrap().to_string());
    }
    let merged = dir.join("merged");
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(|s| s.as_str()));
    args.extend(["--out", merged.to_str().unwrap()]);
    emberfall(&args);
    assert_eq!(
        std::fs::read_to_string(merged.join("sensitivity.csv")).unwrap(),
        std::fs::read_to_string(out.join("sensitivity.csv")).unwrap()
    );
}

/// A boundary reached by the fire crossing it is told apart from one reached after debris ignited beyond it: the
/// fragment lands inside one ring (every ignition inside: crossing) and outside the other (debris beyond).
#[test]
fn a_boundary_tells_fire_crossing_from_debris_beyond() {
    let dir = common::tmpdir("ens-boundary");
    let ring = |name: &str, r0: usize, c0: usize, r1: usize, c1: usize| {
        let ((x0, y0), (x1, y1)) = (centre(r1, c0), centre(r0, c1));
        std::fs::write(
            dir.join(format!("{name}.geojson")),
            format!(
                r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::32611"}}}},"features":[{{"type":"Feature","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]}}}}]}}"#
            ),
        )
        .unwrap();
        format!("\n[[asset]]\nname = \"{name}\"\nfile = \"{name}.geojson\"\nboundary = true\n")
    };
    // The fragment lands exactly at cell (30, 30) (no footprint): inside the ring around it, outside the ring to
    // the north-west.
    let extra = format!("[ensemble]\nmembers = 12\n{}{}", ring("around", 26, 26, 34, 34), ring("away", 4, 4, 20, 20));
    let (x, y) = centre(30, 30);
    let csv =
        format!("id,x,y,mass_kg,size_m,material,temperature_c,impact_probability\n{}", fragment_row("f", x, y, 0.8));
    let s = write_scenario(&dir, "boundary", 5, "wind_speed_kmh = 10\nwind_from_deg = 250", &csv, &extra);
    let out = dir.join("ens");
    emberfall(&["ensemble", s.to_str().unwrap(), "--backend", "cpu", "--out", out.to_str().unwrap()]);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let ignited = v["members_with_ignitions"].as_u64().unwrap();
    assert!(ignited > 0);
    let b = |name: &str| v["boundaries"].as_array().unwrap().iter().find(|b| b["asset"] == name).unwrap().clone();
    let (around, away) = (b("around"), b("away"));
    assert_eq!(around["reached_with_debris_beyond"], 0, "{around}");
    assert_eq!(around["debris_beyond_only"], 0, "{around}");
    assert_eq!(away["fire_crossing"], 0, "{away}");
    let beyond = away["reached_with_debris_beyond"].as_u64().unwrap() + away["debris_beyond_only"].as_u64().unwrap();
    assert_eq!(beyond, ignited, "every ignition lies outside `away`: {away}");
    // The ring around the ignition is reached by the fire crossing it in the members whose fire grew 4 cells.
    let rows = common::read_csv_rows(&out.join("members.csv"));
    let reached = rows.iter().filter(|r| !r["arrival_around_min"].is_empty()).count() as u64;
    assert_eq!(around["fire_crossing"].as_u64().unwrap(), reached);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("`away` is a boundary: of 12 members, 0 reached it with every ignition inside it"), "{md}");
}
