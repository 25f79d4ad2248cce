//! Ensemble throughput and whole-process time: `cargo bench --bench ensemble`.
//!
//! 1000 members of 2 h fires on ../shared/landscapes/missoula_lcp (515 x 502 cells of 30 m) lit from a fragment list
//! (40 fragments around the centre, impact probability 0.3 each, 200 m footprints), spotting on, CPU twin (and the
//! GPU where one exists). Each figure is the whole `emberfall ensemble` process as a user runs it, with its own split
//! (inputs, members, products) and its peak memory; ratios are against the baseline measured in the same run: one
//! `emberfall run` of the same scenario (one member with every single-run product). 250 and 1000 members show that
//! memory does not grow with the member count.
//!
//! Landscape: $EMBERFALL_SHARED/landscapes/missoula_lcp or ../shared/landscapes/missoula_lcp.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn emberfall(args: &[&str]) -> (f64, String) {
    let t = Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_emberfall"))
        .env("XDG_RUNTIME_DIR", std::env::temp_dir())
        .args(args)
        .output()
        .expect("run emberfall");
    let s = t.elapsed().as_secs_f64();
    if !o.status.success() {
        eprintln!("{args:?} failed: {}", String::from_utf8_lossy(&o.stderr));
        std::process::exit(1);
    }
    (s, String::from_utf8_lossy(&o.stdout).into_owned())
}

fn line<'a>(out: &'a str, start: &str) -> &'a str {
    out.lines().find(|l| l.starts_with(start)).unwrap_or("")
}

fn scenario(dir: &Path, lcp: &Path) -> PathBuf {
    let ds = gdal::Dataset::open(lcp).expect("missoula landscape");
    let g = ds.geo_transform().unwrap();
    let (w, h) = ds.raster_size();
    let (cx, cy) = (g[0] + g[1] * w as f64 / 2.0, g[3] + g[5] * h as f64 / 2.0);
    let mut csv = String::from(
        "id,x,y,mass_kg,size_m,material,temperature_c,burning,burn_time_s,impact_probability,sigma_along_m,sigma_cross_m,azimuth_deg\n",
    );
    let mut rng = emberfall::rng::Rng::new(2024);
    for k in 0..40 {
        let (x, y) = (cx + (rng.uniform() - 0.5) * 2000.0, cy + (rng.uniform() - 0.5) * 2000.0);
        if k % 2 == 0 {
            csv += &format!("f{k},{x},{y},0.02,0.012,steel,950,false,,0.3,200,200,0\n");
        } else {
            csv += &format!("f{k},{x},{y},0.5,0.08,solid_propellant,,true,30,0.3,200,200,0\n");
        }
    }
    std::fs::write(dir.join("fragments.csv"), csv).unwrap();
    let p = dir.join("missoula.toml");
    std::fs::write(
        &p,
        format!(
            r#"name = "Missoula fragment-list benchmark"
seed = 1
[landscape]
lcp = "{}"
[weather]
moisture_pct = [6, 8, 10, 60, 90]
wind_speed_kmh = 20
wind_from_deg = 240
[debris]
fragments = "fragments.csv"
[spread]
duration = "2h"
isochrone_interval = "30min"
[output]
dir = "out"
[ensemble]
members = 1000
response_time = "30min"
[[criterion]]
burned_area_ha_above = 10
at = "response"
limit = 0.1
"#,
            lcp.display()
        ),
    )
    .unwrap();
    p
}

fn main() {
    let shared = std::env::var_os("EMBERFALL_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let lcp = shared.join("landscapes/missoula_lcp/example_lcp.tif");
    if !lcp.exists() {
        eprintln!("benchmark needs {} (set EMBERFALL_SHARED)", lcp.display());
        std::process::exit(2);
    }
    let dir = std::env::temp_dir().join(format!("emberfall-bench-ensemble-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sc = scenario(&dir, &lcp);
    let s = sc.to_str().unwrap();
    println!(
        "missoula_lcp 515 x 502 cells, 2 h fires, 40 fragments; {} threads",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let (base, _) = emberfall(&["run", s, "--backend", "cpu", "--out", dir.join("single").to_str().unwrap()]);
    println!("baseline: one `emberfall run` (one member, all single-run products): {base:.2} s");
    let mut backends = vec!["cpu"];
    // A hardware GPU only (`auto` never picks a software one such as lavapipe, which is for tests, not speed).
    if matches!(emberfall::gpu::Engine::select(emberfall::gpu::Backend::Auto), Ok(emberfall::gpu::Engine::Gpu(_))) {
        backends.push("gpu");
    }
    for b in backends {
        for m in [250, 1000] {
            let out = dir.join(format!("ens-{b}-{m}"));
            let (t, stdout) = emberfall(&[
                "ensemble",
                s,
                "--backend",
                b,
                "--members",
                &m.to_string(),
                "--out",
                out.to_str().unwrap(),
            ]);
            println!(
                "{b:>3} {m:>5} members: whole process {t:.2} s = {:.1} baseline runs ({:.1} members/s; {:.4} baseline runs per member)\n      {}\n      {}",
                t / base,
                m as f64 / t,
                t / base / m as f64,
                line(&stdout, "time:"),
                line(&stdout, "memory:")
            );
            let rows = std::fs::read_to_string(out.join("members.csv")).unwrap_or_default();
            let (mut n, mut ign, mut area) = (0.0, 0.0, 0.0);
            for l in rows.lines().skip(1) {
                let f: Vec<&str> = l.split(',').collect();
                n += 1.0;
                ign += f[4].parse::<f64>().unwrap_or(0.0);
                area += f[6].parse::<f64>().unwrap_or(0.0);
            }
            println!("      per member: {:.1} ignitions, {:.1} ha burned in 2 h (means)", ign / n, area / n);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
