//! `emberfall crown --csv` against BehavePlus CROWN (behave library) reference values in ../shared/oracle.

mod common;

use std::process::Command;

fn emberfall() -> Command {
    Command::new(env!("CARGO_BIN_EXE_emberfall"))
}

/// Columns the reference file carries about its own harness, not about the model (see the README's "Point
/// calculators"): whether a fresh behave object saw the case's wind. Emberfall has no such state.
const HARNESS_COLUMNS: [&str; 2] = ["sr_fresh_object_wind20_km_h", "sr_fresh_object_differs"];

#[test]
fn crown_calculator_matches_every_reference_row() {
    let reference = common::shared("oracle/crown_fire_reference.csv");
    let dir = common::tmpdir(concat!(module_path!(), line!()));
    let out = dir.as_path().join("crown.csv");
    let st = emberfall().args(["crown", "--csv"]).arg(&reference).arg("--out").arg(&out).status().unwrap();
    assert!(st.success());
    // Every output column of the reference (from crown_ratio on) must be written.
    let want_header = csv::Reader::from_path(&reference).unwrap().headers().unwrap().clone();
    let got_header = csv::Reader::from_path(&out).unwrap().headers().unwrap().clone();
    let first = want_header.iter().position(|h| h == "crown_ratio").unwrap();
    let want_cols: Vec<&str> = std::iter::once("case_id").chain(want_header.iter().skip(first)).collect();
    assert_eq!(got_header.iter().collect::<Vec<_>>(), want_cols);
    let n = common::compare_tables(
        &out,
        &reference,
        "case_id",
        0.005,
        0.01,
        &["fire_type", "fire_type_name", "surface_wind_limit_exceeded", "fm10_wind_limit_exceeded"],
        &HARNESS_COLUMNS,
    );
    let rows = common::read_csv_rows(&reference);
    assert_eq!(rows.len(), 1010);
    // Every fire type occurs, so the classification is exercised in all four branches.
    for t in ["0", "1", "2", "3"] {
        assert!(rows.iter().any(|r| r["fire_type"] == t), "fire type {t} in the reference");
    }
    eprintln!("{n} values compared over {} rows", rows.len());
}

#[test]
fn bad_crown_inputs_are_named() {
    let dir = common::tmpdir(concat!(module_path!(), line!()));
    let header = "case_id,fuel_code,m1h_pct,m10h_pct,m100h_pct,mherb_pct,mwoody_pct,foliar_moisture_pct,wind20ft_km_h,\
                  wind_dir_rel_upslope_deg,slope_pct,canopy_cover_pct,canopy_height_m,canopy_base_height_m,\
                  canopy_bulk_density_kg_m3";
    let cases = [
        ("1,TU5,6,7,8,60,90,100,20,0,30,50,10,12,0.1", "canopy_base_height_m"),
        ("1,TU5,6,7,8,60,90,100,20,0,30,150,10,2,0.1", "canopy_cover_pct"),
        ("1,TU5,6,7,8,60,90,100,-5,0,30,50,10,2,0.1", "wind20ft_km_h"),
        ("1,XX9,6,7,8,60,90,100,20,0,30,50,10,2,0.1", "XX9"),
        ("1,TU5,6,7,8,60,90,wet,20,0,30,50,10,2,0.1", "foliar_moisture_pct"),
    ];
    for (row, needle) in cases {
        let p = dir.as_path().join("in.csv");
        std::fs::write(&p, format!("{header}\n{row}\n")).unwrap();
        let o = emberfall()
            .args(["crown", "--csv"])
            .arg(&p)
            .arg("--out")
            .arg(dir.as_path().join("o.csv"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{row} must fail");
        assert!(err.contains(needle) && err.contains("in.csv"), "error for {row} names {needle}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(!dir.as_path().join("o.csv").exists(), "no output on error");
    }
    // A missing column is named.
    let p = dir.as_path().join("in.csv");
    std::fs::write(&p, "fuel_code,m1h_pct\nTU5,6\n").unwrap();
    let o = emberfall().args(["crown", "--csv"]).arg(&p).output().unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing column `m10h_pct`"));
}
