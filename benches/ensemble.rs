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

mod common;

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
            // Columns found by name in the header (members.csv gains columns).
            let rows = std::fs::read_to_string(out.join("members.csv")).unwrap_or_default();
            let header: Vec<&str> = rows.lines().next().unwrap_or("").split(',').collect();
            let col = |name: &str| header.iter().position(|h| *h == name).expect("members.csv column");
            let (ci, ca) = (col("ignitions"), col("burned_area_end_ha"));
            let (mut n, mut ign, mut area) = (0.0, 0.0, 0.0);
            for l in rows.lines().skip(1) {
                let f: Vec<&str> = l.split(',').collect();
                n += 1.0;
                ign += f[ci].parse::<f64>().unwrap_or(0.0);
                area += f[ca].parse::<f64>().unwrap_or(0.0);
            }
            println!("      per member: {:.1} ignitions, {:.1} ha burned in 2 h (means)", ign / n, area / n);
        }
    }
    thomas_memory(&shared, &dir);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Peak memory of a large-landscape ensemble: 150 members of 6 h fires on the Thomas Fire landscape (2000 x 2000
/// cells) under a Santa Ana stream with perturbed wind and moisture, three assets and five criteria (the hazard
/// issue's case; README "Memory model").
fn thomas_memory(shared: &Path, dir: &Path) {
    let t = shared.join("landscapes/thomas_fire");
    if !t.exists() {
        println!("\nthomas_fire: skipped, {} not found", t.display());
        return;
    }
    std::fs::write(
        dir.join("thomas_fragments.csv"),
        "id,lon,lat,mass_kg,size_m,material,temperature_c,burning,burn_time_s,impact_probability,impact_time_s,sigma_along_m,sigma_cross_m,azimuth_deg\n\
         p1,-119.0883,34.4086,1.2,0.1,solid_propellant,,true,35,0.7,60,300,200,45\n\
         p2,-119.0853,34.4066,1.2,0.1,solid_propellant,,true,35,0.7,60,300,200,45\n\
         p3,-119.0913,34.4106,0.8,0.08,solid_propellant,,true,25,0.6,60,300,200,45\n\
         h1,-119.0870,34.4096,0.03,0.012,steel,1050,false,,0.8,60,200,150,45\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("santa_ana.csv"),
        "time_h,wind_speed_kmh,wind_from_deg\n0,40,45\n1,45,40\n2,50,35\n3,45,40\n4,40,45\n5,35,50\n",
    )
    .unwrap();
    let mut assets = String::new();
    for (name, lon, lat, within) in [
        ("santa_paula", -119.0593, 34.3542, r#"["1h", "3h"]"#),
        ("ojai", -119.2429, 34.4480, r#"["2h"]"#),
        ("highway", -119.10, 34.37, r#"["30min", "90min"]"#),
    ] {
        std::fs::write(
            dir.join(format!("{name}.geojson")),
            format!(r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{}},"geometry":{{"type":"Point","coordinates":[{lon},{lat}]}}}}]}}"#),
        )
        .unwrap();
        assets += &format!("\n[[asset]]\nname = \"{name}\"\nfile = \"{name}.geojson\"\nwithin = {within}\n");
    }
    let layers = common::thomas_toml(&t);
    let toml = format!(
        "name = \"Thomas memory case\"\nseed = 7\n[landscape]\n{layers}[weather]\nmoisture_pct = [3, 4, 6, 40, 70]\n\
         wind_speed_kmh = 40\nwind_from_deg = 45\nstream = \"santa_ana.csv\"\n[debris]\nfragments = \"thomas_fragments.csv\"\n\
         [spread]\nduration = \"6h\"\nisochrone_interval = \"1h\"\n[output]\ndir = \"out\"\n[ensemble]\nmembers = 150\n\
         response_time = \"30min\"\n\n[ensemble.perturb]\nwind_speed_sd_pct = 20\nwind_direction_sd_deg = 15\n\
         dead_moisture_sd_pct = 10\n{assets}\n[[criterion]]\nasset = \"santa_paula\"\nwithin = \"3h\"\nlimit = 0.01\n\n\
         [[criterion]]\nasset = \"highway\"\nwithin = \"90min\"\nlimit = 0.1\n\n[[criterion]]\nburned_area_ha_above = 1000\n\
         at = \"end\"\nlimit = 0.05\n\n[[criterion]]\nfires_above = 2\nat = \"response\"\nlimit = 0.1\n\n\
         [[criterion]]\nany_ignition = true\nlimit = 0.5\n"
    );
    let sc = dir.join("thomas.toml");
    std::fs::write(&sc, toml).unwrap();
    let out = dir.join("thomas-ens");
    let (t, stdout) =
        emberfall(&["ensemble", sc.to_str().unwrap(), "--backend", "cpu", "--out", out.to_str().unwrap()]);
    println!(
        "\nthomas_fire 2000 x 2000 cells, 150 members of 6 h fires, Santa Ana stream, perturbations, 3 assets, 5 criteria (cpu):\n      whole process {t:.1} s\n      {}\n      {} (goal: below 1024 MiB)",
        line(&stdout, "time:"),
        line(&stdout, "memory:")
    );
}
