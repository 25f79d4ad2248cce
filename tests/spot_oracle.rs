//! `emberfall spot --csv` against BehavePlus SPOT (behave library) reference values in ../shared/oracle.

mod common;

use std::process::Command;

#[test]
fn spot_calculator_matches_every_reference_row() {
    let reference = common::shared("oracle/spotting_reference.csv");
    let dir = common::tmpdir("spot");
    let out = dir.join("spot.csv");
    let st = Command::new(env!("CARGO_BIN_EXE_emberfall"))
        .args(["spot", "--csv"])
        .arg(&reference)
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap();
    assert!(st.success());
    let want_header = csv::Reader::from_path(&reference).unwrap().headers().unwrap().clone();
    let got_header = csv::Reader::from_path(&out).unwrap().headers().unwrap().clone();
    let first = want_header.iter().position(|h| h == "firebrand_height_m").unwrap();
    let want_cols: Vec<&str> = std::iter::once("case_id").chain(want_header.iter().skip(first)).collect();
    assert_eq!(got_header.iter().collect::<Vec<_>>(), want_cols);
    let n = common::compare_tables(&out, &reference, "case_id", 0.005, 0.01, &["firebrand_factor_row"], &[]);
    let rows = common::read_csv_rows(&reference);
    assert_eq!(rows.len(), 527);
    // The cases cover every source, every terrain position and both canopy modes, and some distances are long
    // enough that 0.01 m absolute cannot hide an error.
    for s in ["surface_fire", "torching_trees", "burning_pile"] {
        assert!(rows.iter().any(|r| r["source"] == s && r["mountain_distance_m"].parse::<f64>().unwrap() > 100.0));
    }
    for l in ["0", "1", "2", "3"] {
        assert!(rows.iter().any(|r| r["location"] == l && r["terrain"] == "mountain"));
    }
    eprintln!("{n} values compared over {} rows", rows.len());
}

#[test]
fn bad_spot_inputs_are_named() {
    let dir = common::tmpdir("spot-bad");
    let header = "case_id,source,location,ridge_to_valley_distance_km,ridge_to_valley_elevation_m,\
                  downwind_cover_height_m,canopy_mode,wind20ft_km_h,flame_length_m,species,dbh_cm,tree_height_m,\
                  n_trees,pile_flame_height_m";
    for (row, needle) in [
        ("1,torching_trees,0,0,0,10,1,20,,4,30,20,,", "n_trees"),
        ("1,torching_trees,0,0,0,10,1,20,,oak,30,20,1,", "species"),
        ("1,meteor,0,0,0,10,1,20,,,,,,", "source"),
        ("1,burning_pile,7,0,0,10,1,20,,,,,,2", "location"),
        ("1,surface_fire,0,0,0,10,1,-3,2,,,,,", "wind20ft_km_h"),
    ] {
        let p = dir.join("in.csv");
        std::fs::write(&p, format!("{header}\n{row}\n")).unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_emberfall"))
            .args(["spot", "--csv"])
            .arg(&p)
            .arg("--out")
            .arg(dir.join("o.csv"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{row} must fail");
        assert!(err.contains(needle) && err.contains("line 2"), "error for {row} names {needle}: {err}");
        assert!(!dir.join("o.csv").exists());
    }
}
