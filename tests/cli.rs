//! The `emberfall` command end to end: the point calculator against BehavePlus, and fire behaviour maps that GIS
//! tools open.

mod common;

use std::path::PathBuf;
use std::process::Command;

fn emberfall() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_emberfall"));
    c.env("XDG_RUNTIME_DIR", std::env::temp_dir());
    c
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("emberfall-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn surface_csv_matches_every_reference_row() {
    let reference = common::shared("oracle/surface_fire_reference.csv");
    let out = tmpdir("surface").join("out.csv");
    let st = emberfall().args(["surface", "--csv"]).arg(&reference).arg("--out").arg(&out).status().unwrap();
    assert!(st.success());
    let read = |p: &PathBuf| {
        let mut r = csv::Reader::from_path(p).unwrap();
        let h = r.headers().unwrap().clone();
        let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
        (h, rows)
    };
    let (hw, want) = read(&reference);
    let (hg, got) = read(&out);
    assert_eq!(hw, hg, "output columns must repeat the reference's names and order");
    assert_eq!(want.len(), got.len());
    let mut bad = Vec::new();
    for (n, (w, g)) in want.iter().zip(&got).enumerate() {
        for (k, name) in hw.iter().enumerate().skip(10) {
            let (a, b): (f64, f64) = (w[k].parse().unwrap(), g[k].parse().unwrap());
            let ok = if name == "dir_max_spread_deg_rel_upslope" {
                let d = (a - b).rem_euclid(360.0);
                d.min(360.0 - d) <= 0.5 || w[10].parse::<f64>().unwrap() == 0.0
            } else {
                (a - b).abs() <= 0.01 || (a - b).abs() <= 0.005 * a.abs()
            };
            if !ok {
                bad.push(format!("row {}: {name} {b} vs {a}", n + 2));
            }
        }
    }
    assert!(bad.is_empty(), "{} mismatches: {:?}", bad.len(), &bad[..bad.len().min(20)]);
}

#[test]
fn surface_csv_errors_name_line_and_column() {
    let d = tmpdir("badcsv");
    let p = d.join("bad.csv");
    std::fs::write(
        &p,
        "fuel_model,fuel_code,m1h_pct,m10h_pct,m100h_pct,mherb_pct,mwoody_pct,midflame_wind_km_h,wind_dir_rel_upslope_deg,slope_pct\n\
         102,GR2,6,7,8,60,90,abc,0,0\n",
    )
    .unwrap();
    let o = emberfall().args(["surface", "--csv"]).arg(&p).output().unwrap();
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("line 2") && e.contains("midflame_wind_km_h") && e.contains("abc"), "{e}");
}

#[test]
fn behavior_maps_open_in_gdal_with_crs_nodata_and_compression() {
    let d = tmpdir("behavior");
    let ls = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    let o = emberfall()
        .args(["behavior", "--lcp"])
        .arg(&ls)
        .args([
            "--moisture",
            "6,8,10,75,60",
            "--wind-speed-kmh",
            "15",
            "--wind-from-deg",
            "240",
            "--wind-height",
            "20ft",
            "--backend",
            "gpu",
            "--out",
        ])
        .arg(&d)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for stem in [
        "ros_m_per_min",
        "spread_direction_deg",
        "fireline_intensity_kw_per_m",
        "flame_length_m",
        "heat_per_area_kj_per_m2",
        "reaction_intensity_kw_per_m2",
    ] {
        let p = d.join(format!("{stem}.tif"));
        let info = Command::new("gdalinfo").arg(&p).output().unwrap();
        let text = String::from_utf8_lossy(&info.stdout);
        assert!(text.contains("UTM zone 11N"), "{stem}: CRS missing\n{text}");
        assert!(text.contains("NoData Value=-9999"), "{stem}: nodata missing");
        assert!(text.contains("COMPRESSION=DEFLATE"), "{stem}: not compressed");
        assert!(text.contains("Size is 502, 515"), "{stem}: wrong grid");
    }
    assert!(d.join("flame_length_m.png").exists());
    // No temporary files left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".partial"))
        .collect();
    assert!(leftovers.is_empty());
    // Spread direction on flat ground points downwind: the wind blows from 240, toward 60 degrees. Flat cells: the
    // LCP's slope band (degrees) is 0.
    let read = |p: &std::path::Path, band: usize| {
        let ds = gdal::Dataset::open(p).unwrap();
        let (w, h) = ds.raster_size();
        ds.rasterband(band).unwrap().read_as::<f32>((0, 0), (w, h), (w, h), None).unwrap().data().to_vec()
    };
    let slope = read(&ls, 2);
    let dir = read(&d.join("spread_direction_deg.tif"), 1);
    let ros = read(&d.join("ros_m_per_min.tif"), 1);
    let mut flat = 0;
    for i in 0..slope.len() {
        if slope[i] == 0.0 && ros[i] > 0.0 {
            flat += 1;
            assert!((dir[i] - 60.0).abs() < 0.01, "flat cell {i}: spread direction {} instead of 60 deg", dir[i]);
        }
    }
    assert!(flat > 100, "set-up: the landscape must have burnable flat cells ({flat})");
}

#[test]
fn cog_output_is_a_valid_cloud_optimized_geotiff() {
    let d = tmpdir("cog");
    let synth = d.join("flat.tif");
    let st = emberfall()
        .args(["landscape", "synth", "--fuel", "GR2", "--rows", "600", "--cols", "600", "--cell-size", "30", "--out"])
        .arg(&synth)
        .status()
        .unwrap();
    assert!(st.success());
    let o = emberfall()
        .args(["behavior", "--lcp"])
        .arg(&synth)
        .args([
            "--moisture",
            "6,7,8,60,90",
            "--wind-speed-kmh",
            "10",
            "--wind-from-deg",
            "270",
            "--wind-height",
            "midflame",
            "--backend",
            "cpu",
            "--cog",
            "--out",
        ])
        .arg(d.join("maps"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let info = Command::new("gdalinfo").arg(d.join("maps/ros_m_per_min.tif")).output().unwrap();
    let text = String::from_utf8_lossy(&info.stdout);
    assert!(text.contains("LAYOUT=COG"), "{text}");
    // Uniform flat GR2, wind from the west: every cell spreads toward 90 degrees at the point calculator's rate.
    let o = emberfall()
        .args(["surface", "--fuel", "GR2", "--moisture", "6,7,8,60,90", "--wind-speed-kmh", "10"])
        .output()
        .unwrap();
    let txt = String::from_utf8_lossy(&o.stdout);
    let ros: f64 =
        txt.lines().find(|l| l.starts_with("ros_m_min")).unwrap().split_whitespace().nth(1).unwrap().parse().unwrap();
    let ds = gdal::Dataset::open(d.join("maps/ros_m_per_min.tif")).unwrap();
    let v = ds.rasterband(1).unwrap().read_as::<f32>((300, 300), (1, 1), (1, 1), None).unwrap();
    assert!((v.data()[0] as f64 - ros).abs() < 1e-3 * ros, "{} vs {ros}", v.data()[0]);
    let ds = gdal::Dataset::open(d.join("maps/spread_direction_deg.tif")).unwrap();
    let v = ds.rasterband(1).unwrap().read_as::<f32>((300, 300), (1, 1), (1, 1), None).unwrap();
    assert!((v.data()[0] - 90.0).abs() < 1e-3);
}

#[test]
fn failed_run_leaves_no_outputs() {
    let d = tmpdir("fail");
    let o = emberfall()
        .args(["behavior", "--lcp", "/nonexistent.tif", "--moisture", "6,7,8,60,90", "--out"])
        .arg(d.join("out"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent.tif"));
    assert!(!d.join("out").join("ros_m_per_min.tif").exists());
    let o = emberfall().args(["surface", "--fuel", "GR2", "--moisture", "6,7,8"]).output().unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("five percentages"));
}

/// The demo landscape's properties, on the generator's output and on the committed file the demo runs on:
/// JGD2011 / UTM zone 53N, 4 km x 4 km of 10 m cells around the launch site, the fuel classes of the setting (sea,
/// pad and roads, rocky shore, grass, shrub, forest), sea to the south of the pad and never burnable, canopy only
/// under forest; the generator deterministic.
#[test]
fn demo_landscape_has_the_setting_it_describes() {
    let d = tmpdir("kii");
    let (a, b) = (d.join("a.tif"), d.join("b.tif"));
    for p in [&a, &b] {
        let st = emberfall().args(["landscape", "kii", "--out"]).arg(p).status().unwrap();
        assert!(st.success());
    }
    let bands = |p: &std::path::Path| -> Vec<Vec<f32>> {
        let ds = gdal::Dataset::open(p).unwrap();
        let (c, r) = ds.raster_size();
        (1..=ds.raster_count())
            .map(|k| ds.rasterband(k).unwrap().read_as::<f32>((0, 0), (c, r), (c, r), None).unwrap().data().to_vec())
            .collect()
    };
    assert!(bands(&a) == bands(&b), "the generator must be deterministic");
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dem/kii_synthetic.tif");
    // The site (33.5508 N, 135.8797 E) in EPSG:6690, computed here with GDAL.
    let mut geo = gdal::spatial_ref::SpatialRef::from_epsg(4326).unwrap();
    geo.set_axis_mapping_strategy(gdal::spatial_ref::AxisMappingStrategy::TraditionalGisOrder);
    let mut utm = gdal::spatial_ref::SpatialRef::from_epsg(6690).unwrap();
    utm.set_axis_mapping_strategy(gdal::spatial_ref::AxisMappingStrategy::TraditionalGisOrder);
    let (mut sx, mut sy) = ([135.8797], [33.5508]);
    gdal::spatial_ref::CoordTransform::new(&geo, &utm).unwrap().transform_coords(&mut sx, &mut sy, &mut []).unwrap();
    for p in [&a, &committed] {
        let ds = gdal::Dataset::open(p).unwrap();
        assert!(ds.projection().contains("UTM zone 53N"), "{}: JGD2011 / UTM zone 53N", p.display());
        assert_eq!(ds.raster_size(), (400, 400));
        assert_eq!(ds.raster_count(), 8);
        assert_eq!(gdal::Metadata::metadata_item(&ds, "EMBERFALL_SYNTHETIC", "").as_deref(), Some("YES"));
        let g = ds.geo_transform().unwrap();
        assert_eq!((g[1], g[5]), (10.0, -10.0), "10 m cells");
        let (col, row) = (((sx[0] - g[0]) / g[1]) as usize, ((sy[0] - g[3]) / g[5]) as usize);
        assert!(col > 100 && col < 300 && row > 200 && row < 400, "the site lies in the domain, south of centre");
        let b = bands(p);
        let fuel = &b[3];
        let count = |code: f32| fuel.iter().filter(|&&f| f == code).count();
        for (code, what) in [(98.0, "sea"), (91.0, "pad and roads"), (99.0, "rocky shore"), (102.0, "grass")] {
            assert!(count(code) > 100, "{}: {what} ({code}) missing", p.display());
        }
        assert!(count(122.0) + count(142.0) > 1000, "coastal shrub missing");
        assert!(count(162.0) + count(165.0) + count(183.0) > 40_000, "forest must cover most of the land");
        assert_eq!(fuel[row * 400 + col], 91.0, "the pad is non-burnable");
        // South edge below the site is sea; the sea is non-burnable and at or below sea level.
        assert_eq!(fuel[399 * 400 + col], 98.0, "sea south of the pad");
        for i in 0..fuel.len() {
            if fuel[i] == 98.0 {
                assert!(b[0][i] <= 0.0, "sea cell {i} at {} m", b[0][i]);
            }
            let forest = matches!(fuel[i] as u32, 162 | 165 | 183);
            assert_eq!(b[4][i] > 0.0, forest, "canopy cover only under forest (cell {i})");
        }
    }
}

#[test]
fn demo_runs_the_kairos_scenario_and_its_outputs_open_in_gdal() {
    // As an installed binary would: a copy of it alone in an empty folder, run from there (its inputs are built in).
    let d = tmpdir("demo");
    let bin = d.join("bin").join("emberfall");
    std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_emberfall"), &bin).unwrap();
    let out = d.join("demo");
    let o = Command::new(&bin).current_dir(&d).args(["demo", "--out", "demo"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "demo failed: {}", String::from_utf8_lossy(&o.stderr));
    let scenario = out.join("inputs/examples/kairos_2024.toml");
    assert!(scenario.is_file() && out.join("inputs/dem/kii_synthetic.tif").is_file(), "the demo's inputs");
    assert!(stdout.contains("scenario:  demo/inputs/examples/kairos_2024.toml"), "{stdout}");
    assert!(stdout.contains("SYNTHETIC"), "the demo must say what is synthetic");
    assert!(stdout.contains("demo/report.md"), "the demo must say where its outputs are");
    for f in ["ignition_probability.tif", "expected_ignitions.tif", "arrival_time_min.tif", "flame_length_m.tif"] {
        let ds = gdal::Dataset::open(out.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(ds.projection().contains("UTM zone 53N"), "{f}: CRS of dem/");
    }
    for f in ["impacts.gpkg", "isochrones.gpkg"] {
        let info = Command::new("ogrinfo").args(["-so", "-al"]).arg(out.join(f)).output().unwrap();
        assert!(info.status.success(), "{f} does not open in ogrinfo");
    }
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["debris"]["form"], "failure event");
    assert!(s["spread"]["burned_area_ha"].as_f64().unwrap() > 0.0);
    // The incident products: clock times from the scenario's start (11:01:17 JST is 02:01:17 UTC), the assets, the
    // reports, the QGIS project and the field package.
    assert_eq!(s["start"]["utc"], "2024-03-13T02:01:17Z");
    assert_eq!(s["assets"].as_array().unwrap().len(), 4);
    for f in ["assets.csv", "report.html", "run.qgz", "field_package.kmz", "hillshade.tif"] {
        assert!(out.join(f).is_file(), "the demo's run wrote no {f}");
    }
    // The hazard report: the weather its verdicts are for, each launch candidate's forecast, the new sections.
    let md = std::fs::read_to_string(out.join("ensemble/report.md")).unwrap();
    for want in [
        "These verdicts are for failures under the scenario's weather: wind 15 km/h",
        "| Launch time | Forecast at launch |",
        "aloft: 8 m/s from 200 deg at 100 m",
        "## Ignitions by fragment class",
        "## Sensitivity",
        "`range_boundary` is a boundary",
        "![Arrival time, 10th percentile",
    ] {
        assert!(md.contains(want), "the demo's hazard report has no `{want}`");
    }
}

#[test]
fn run_takes_a_scenario_and_names_bad_keys() {
    let d = tmpdir("run");
    let sc = d.join("s.toml");
    std::fs::write(
        &sc,
        "seed = 1\n[landscape]\nlcp = \"x.tif\"\n[weather]\nmoisture_pct = [6, 8, 10, 75, 100]\nwind_speed = 3\n",
    )
    .unwrap();
    let o = emberfall().arg("run").arg(&sc).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains("s.toml") && err.contains("wind_speed"), "{err}");
}

/// FlamMap's crown fire check: the behaviour maps of Worcester (moistures 6/8/10/75/60 %, no wind, foliar moisture
/// 120 %, Finney method) hold the crown fire type and fraction burned; cells without canopy never crown; the final
/// rate equals the surface rate where the fire is surface or passive (FlamMap's passive rate).
#[test]
fn behavior_maps_hold_the_crown_fire_type_and_fraction_burned() {
    let d = tmpdir("crown");
    let w = common::shared("landscapes/worcester_vt");
    let layer = |p: &str| w.join(p);
    let run = |out: &std::path::Path, extra: &[&str]| {
        let o = emberfall()
            .arg("behavior")
            .arg("--elevation")
            .arg(layer("LF2020_Elev_220_CONUS/LC20_Elev_220.tif"))
            .arg("--slope")
            .arg(layer("LF2020_SlpP_220_CONUS/LC20_SlpP_220.tif"))
            .args(["--slope-units", "percent", "--aspect"])
            .arg(layer("LF2020_Asp_220_CONUS/LC20_Asp_220.tif"))
            .arg("--fuel")
            .arg(layer("LF2022_FBFM40_230_CONUS/LC22_F40_230.tif"))
            .arg("--canopy-cover")
            .arg(layer("LF2022_CC_230_CONUS/LC22_CC_230.tif"))
            .arg("--canopy-height")
            .arg(layer("LF2022_CH_230_CONUS/LC22_CH_230.tif"))
            .arg("--canopy-base-height")
            .arg(layer("LF2022_CBH_230_CONUS/LC22_CBH_230.tif"))
            .arg("--canopy-bulk-density")
            .arg(layer("LF2022_CBD_230_CONUS/LC22_CBD_230.tif"))
            .args(["--moisture", "6,8,10,75,60", "--wind-speed-kmh", "0", "--backend", "cpu"])
            .args(extra)
            .arg("--out")
            .arg(out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let read = |p: std::path::PathBuf| {
        let ds = gdal::Dataset::open(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        let (w, h) = ds.raster_size();
        ds.rasterband(1).unwrap().read_as::<f32>((0, 0), (w, h), (w, h), None).unwrap().data().to_vec()
    };
    let (crown, surface) = (d.join("crown"), d.join("surface"));
    run(&crown, &["--foliar-moisture", "120", "--crown-method", "finney"]);
    run(&surface, &["--no-crown"]);
    let kind = read(crown.join("crown_fire_type.tif"));
    let cfb = read(crown.join("crown_fraction_burned.tif"));
    let ros = read(crown.join("ros_m_per_min.tif"));
    let ros_s = read(surface.join("ros_m_per_min.tif"));
    let cover = read(layer("LF2022_CC_230_CONUS/LC22_CC_230.tif"));
    let fl = read(crown.join("flame_length_m.tif"));
    let fi = read(crown.join("fireline_intensity_kw_per_m.tif"));
    let mut counts = [0usize; 4];
    for i in 0..kind.len() {
        if kind[i] == -9999.0 {
            continue;
        }
        let k = kind[i] as usize;
        counts[k] += 1;
        assert!((0.0..=1.0).contains(&cfb[i]), "cell {i}: crown fraction burned {}", cfb[i]);
        if k <= 1 {
            assert_eq!(cfb[i], 0.0, "cell {i}: surface fire with crown fraction burned");
        }
        if k == 2 {
            assert!(cfb[i] > 0.0 && cfb[i] < 1.0, "cell {i}: passive with CFB {}", cfb[i]);
        }
        if k <= 2 {
            assert_eq!(ros[i], ros_s[i], "cell {i}: type {k} must spread at the surface rate");
        } else {
            assert!(ros[i] >= ros_s[i], "cell {i}: active crown fire slower than the surface fire");
        }
        if k >= 2 {
            // Thomas (1963) in SI: L = 0.02663 I^(2/3), m and kW/m (0.2 in ft and Btu/ft/s).
            let want = 0.02663 * (fi[i] as f64).powf(2.0 / 3.0);
            assert!((fl[i] as f64 / want - 1.0).abs() < 2e-3, "cell {i}: flame {} m at {} kW/m", fl[i], fi[i]);
        }
        if cover[i] == 0.0 && k >= 2 {
            // LANDFIRE cover 0 comes with height, base height and bulk density 0 on this landscape.
            panic!("cell {i}: crown fire without canopy");
        }
    }
    println!(
        "Worcester, Finney, no wind, FMC 120 %: cells by type (non-burnable, surface, passive, active) {counts:?}"
    );
    // ../shared/CROWN_METHODS.md counts 222 371 cells in FlamMap's classes for this landscape and these inputs.
    assert_eq!(counts[1] + counts[2] + counts[3], 222_371, "burnable cells: {counts:?}");
    assert!(counts[2] > 100 && counts[3] > 0, "set-up: passive and active crown fire occur without wind: {counts:?}");
}

#[test]
fn scenario_spotting_and_crown_keys_are_checked() {
    let d = tmpdir("spotkeys");
    let base =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/kairos_2024.toml"))
            .unwrap()
            .replace("\"../dem/", &format!("\"{}/dem/", env!("CARGO_MANIFEST_DIR")));
    for (extra, want) in [
        ("\n[spotting]\nember_rate = 3\n", "ember_rate"),
        ("\n[spotting]\nspot_delay = \"0min\"\n", "spot_delay"),
        ("\n[spotting]\ntorching_species = \"oak\"\n", "oak"),
    ] {
        let sc = d.join("s.toml");
        std::fs::write(&sc, format!("{base}{extra}")).unwrap();
        let o = emberfall().arg("run").arg(&sc).args(["--out"]).arg(d.join("out")).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{extra}: should fail");
        assert!(err.contains("s.toml") && err.contains(want), "{extra}: {err}");
    }
}

/// A full disk is an error naming the file, and a device is written in place, never replaced.
#[test]
fn writing_to_a_full_device_fails_with_the_reason() {
    let input = common::shared("oracle/surface_fire_reference.csv");
    let o = Command::new(env!("CARGO_BIN_EXE_emberfall"))
        .args(["surface", "--csv", input.to_str().unwrap(), "--out", "/dev/full"])
        .output()
        .unwrap();
    assert!(!o.status.success(), "writing to /dev/full must fail");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("/dev/full") && err.to_lowercase().contains("no space"), "{err}");
    assert!(!err.contains("cases written"), "{err}");
    let meta = std::fs::metadata("/dev/full").unwrap();
    assert!(!meta.is_file(), "/dev/full must stay a device");
}

/// Standard output closed early (`| head`): a quiet end, no panic.
#[test]
fn a_closed_standard_output_ends_quietly() {
    use std::io::{BufRead, BufReader};
    let input = common::shared("oracle/surface_fire_reference.csv");
    let mut child = Command::new(env!("CARGO_BIN_EXE_emberfall"))
        .args(["surface", "--csv", input.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    // The reader is dropped here: the pipe closes with most of the output unread.
    let out = child.wait_with_output().unwrap();
    assert!(first.contains("case_id") || first.contains(','), "{first}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{err}");
}

fn fails_with(cmd: &mut Command, want: &[&str]) -> String {
    let o = cmd.output().unwrap();
    assert!(!o.status.success(), "must fail: {:?}", cmd);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    for w in want {
        assert!(err.contains(w), "`{w}` not in: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// The output folder is checked before any work: a file given as the folder fails before the debris flies.
#[test]
fn an_output_folder_that_is_a_file_fails_before_any_work() {
    let d = tmpdir("outfile");
    let f = d.join("taken");
    std::fs::write(&f, "a user's file").unwrap();
    let sc = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/kairos_2024.toml");
    let err = fails_with(emberfall().arg("run").arg(&sc).arg("--out").arg(&f), &["taken", "is a file"]);
    assert!(!err.contains("debris ("), "work was done first: {err}");
    fails_with(emberfall().arg("ensemble").arg(&sc).arg("--members").arg("2").arg("--out").arg(&f), &["is a file"]);
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "a user's file");
}

/// A break-up at 1e9 m or 1e6 m/s is an error naming the field and its range, not a hang or a silent landing.
#[test]
fn failure_event_bounds_name_the_field() {
    let d = tmpdir("bounds");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("examples/kairos_2024.toml")).unwrap();
    let text = text
        .replace("\"../dem/", &format!("\"{}/dem/", root.display()))
        .replace("file = \"", &format!("file = \"{}/examples/", root.display()));
    let text = text.replace("forecast = \"", &format!("forecast = \"{}/examples/", root.display()));
    for (from, to, field) in [
        ("altitude_agl_m = 60", "altitude_agl_m = 1e9", "debris.event.altitude_agl_m"),
        (
            "velocity_enu_m_s = [0.0, 0.0, 24.0]",
            "velocity_enu_m_s = [0.0, 0.0, 1e6]",
            "debris.event.velocity_enu_m_s[2]",
        ),
        ("speed_m_s = 4\n", "speed_m_s = -4\n", "debris.winds_aloft[0].speed_m_s"),
        ("lat = 33.5508", "lat = 133", "debris.event.lat"),
    ] {
        assert!(text.contains(from));
        let p = d.join("bad.toml");
        std::fs::write(&p, text.replace(from, to)).unwrap();
        fails_with(
            emberfall().arg("run").arg(&p).args(["--backend", "cpu", "--out"]).arg(d.join("out")),
            &[field, "must be in"],
        );
    }
}

/// An ignition after the end of the run, or a time_min attribute that is not a number, is an error naming it.
#[test]
fn ignitions_after_the_end_or_with_bad_times_are_errors() {
    let lcp = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    let d = tmpdir("igntime");
    fails_with(
        emberfall()
            .args(["spread", "--lcp"])
            .arg(&lcp)
            .args(["--moisture", "3,4,5,30,60", "--ignite", "718012.3,5170004.1,500", "--duration", "6h", "--out"])
            .arg(d.join("a")),
        &["500 min", "after the end of the run"],
    );
    let ign = d.join("ign.geojson");
    std::fs::write(
        &ign,
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32611"}},"features":[{"type":"Feature","properties":{"time_min":"soon"},"geometry":{"type":"Point","coordinates":[718012.3,5170004.1]}}]}"#,
    )
    .unwrap();
    fails_with(
        emberfall()
            .args(["spread", "--lcp"])
            .arg(&lcp)
            .args(["--moisture", "3,4,5,30,60", "--ignitions"])
            .arg(&ign)
            .arg("--out")
            .arg(d.join("b")),
        &["ign.geojson", "time_min `soon`", "not a number"],
    );
}

/// `landscape synth` refuses a NaN cell size, a geographic CRS and a grid that cannot fit, before writing anything;
/// single-case `surface` refuses a 5000 % slope.
#[test]
fn synth_and_single_case_inputs_are_bounded() {
    let d = tmpdir("synthbad");
    let out = d.join("s.tif");
    let synth = |extra: &[&str]| {
        let mut c = emberfall();
        c.args(["landscape", "synth", "--fuel", "GR2", "--out"]).arg(&out).args(extra);
        c
    };
    fails_with(&mut synth(&["--rows", "10", "--cols", "10", "--cell-size", "NaN"]), &["--cell-size", "NaN"]);
    fails_with(&mut synth(&["--rows", "10", "--cols", "10", "--epsg", "4326"]), &["--epsg 4326", "geographic"]);
    fails_with(&mut synth(&["--rows", "1000000", "--cols", "1000000"]), &["GiB of memory", "available"]);
    assert!(!out.exists(), "nothing may be written");
    fails_with(
        emberfall().args(["surface", "--fuel", "GR2", "--moisture", "6,7,8,60,90", "--slope-pct", "5000"]),
        &["--slope-pct 5000", "0..1000"],
    );
}

/// A fuel raster of interpolated values (102.7) is named as not holding integer codes, not as an unknown code.
#[test]
fn a_float_fuel_raster_is_named_as_not_integers() {
    let d = tmpdir("floatfuel");
    let lcp = d.join("l.tif");
    let o = emberfall()
        .args(["landscape", "synth", "--fuel", "GR2", "--rows", "20", "--cols", "20", "--out"])
        .arg(&lcp)
        .output()
        .unwrap();
    assert!(o.status.success());
    // Band 4 (fuel) gets one interpolated value.
    {
        let ds = gdal::Dataset::open_ex(
            &lcp,
            gdal::DatasetOptions { open_flags: gdal::GdalOpenFlags::GDAL_OF_UPDATE, ..Default::default() },
        )
        .unwrap();
        let mut band = ds.rasterband(4).unwrap();
        let mut buf = gdal::raster::Buffer::new((1, 1), vec![102.7f32]);
        band.write((3, 3), (1, 1), &mut buf).unwrap();
    }
    let err = fails_with(emberfall().args(["landscape", "info", "--lcp"]).arg(&lcp), &["not integers", "102.7"]);
    assert!(!err.contains("unknown fuel model codes"), "{err}");
}

/// A folder or an empty file given as a raster is named as such, not as GDAL's NULL pointer.
#[test]
fn a_folder_or_empty_file_as_a_raster_is_named() {
    let d = tmpdir("notraster");
    let empty = d.join("empty.tif");
    std::fs::write(&empty, b"").unwrap();
    fails_with(emberfall().args(["landscape", "info", "--lcp"]).arg(&d), &["is a folder"]);
    let err =
        fails_with(emberfall().args(["landscape", "info", "--lcp"]).arg(&empty), &["empty.tif", "empty (0 bytes)"]);
    assert!(!err.contains("NULL pointer"), "{err}");
}

/// An 8-band landscape given as the fuel layer: a short error that names the conflict and points at --lcp (not a
/// list of "unknown fuel codes" read from its first band).
#[test]
fn a_landscape_given_as_fuel_gets_a_short_error() {
    let l = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    let err = fails_with(
        emberfall().args(["landscape", "info", "--elevation"]).arg(&l).arg("--fuel").arg(&l),
        &["8 bands", "--lcp", "--fuel", "its first would be read as the fuel layer"],
    );
    assert!(!err.contains("unknown fuel"), "{err}");
    assert!(err.len() < 1000, "{} characters: {err}", err.len());
}

/// Every file under `d` (relative path -> bytes), hidden files included.
fn snapshot(d: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(root: &std::path::Path, d: &std::path::Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(p.strip_prefix(root).unwrap().display().to_string(), std::fs::read(&p).unwrap());
            }
        }
    }
    let mut m = std::collections::BTreeMap::new();
    walk(d, d, &mut m);
    m
}

/// A rerun into a used folder: the products of the earlier run that this one does not write (a `run`'s assets
/// table, ignition probability and impacts before a `spread` without assets) are removed, a file of the user's is
/// kept.
#[test]
fn a_rerun_into_a_used_folder_removes_only_the_earlier_runs_products() {
    let d = tmpdir("rerun");
    let out = d.join("out");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let o = emberfall().arg("run").arg(root.join("examples/kairos_2024.toml")).arg("--out").arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in ["assets.csv", "ignition_probability.tif", "impacts.gpkg", "arrival_time_min.tif"] {
        assert!(out.join(f).exists(), "{f} missing after run");
    }
    std::fs::write(out.join("my_notes.txt"), "the user's own file").unwrap();
    std::fs::write(out.join("report_draft.md"), "also the user's").unwrap();
    let o = emberfall()
        .args(["spread", "--lcp"])
        .arg(root.join("dem/kii_synthetic.tif"))
        .args(["--moisture", "6,8,10,60,90", "--wind-speed-kmh", "10", "--ignite", "581665,3713798,0"])
        .args(["--duration", "30min", "--no-spotting", "--backend", "cpu", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let printed: Vec<String> = String::from_utf8_lossy(&o.stdout).lines().map(|l| l.to_string()).collect();
    let mut have: Vec<String> = snapshot(&out).into_keys().collect();
    have.retain(|f| f != ".emberfall-manifest");
    for f in
        ["assets.csv", "ignition_probability.tif", "ignition_probability.png", "impacts.gpkg", "expected_ignitions.tif"]
    {
        assert!(!have.contains(&f.to_string()), "{f} of the earlier run is still there: {have:?}");
    }
    assert_eq!(std::fs::read_to_string(out.join("my_notes.txt")).unwrap(), "the user's own file");
    assert_eq!(std::fs::read_to_string(out.join("report_draft.md")).unwrap(), "also the user's");
    // What is left is exactly what the spread printed it wrote, plus the user's files.
    let mut want: Vec<String> = printed
        .iter()
        .map(|l| PathBuf::from(l).strip_prefix(&out).unwrap().display().to_string())
        .chain(["my_notes.txt".to_string(), "report_draft.md".to_string()])
        .collect();
    want.sort();
    assert_eq!(have, want);
}

/// SIGINT and SIGTERM during the products step of a large rerun: the process stops, says so and exits non-zero;
/// the folder holds the previous complete run as it was, with no temporary file or staging folder.
#[test]
fn an_interrupted_rerun_leaves_the_previous_complete_set() {
    let d = tmpdir("interrupt");
    let big = d.join("big.tif");
    let o = emberfall()
        .args(["landscape", "synth", "--fuel", "GR2", "--rows", "1500", "--cols", "1500", "--out"])
        .arg(&big)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = d.join("out");
    // 20 ignitions over the 45 km square: most of the landscape burns in 10 h, so the products take seconds.
    let spread = |duration: &str| {
        let mut c = emberfall();
        c.args(["spread", "--lcp"]).arg(&big);
        c.args(["--moisture", "3,4,5,30,60", "--wind-speed-kmh", "30", "--no-spotting", "--backend", "cpu"]);
        for x in [505000, 515000, 525000, 535000, 543000] {
            for y in [3960000, 3970000, 3980000, 3990000] {
                c.arg("--ignite").arg(format!("{x},{y},0"));
            }
        }
        c.args(["--duration", duration, "--isochrone-interval", "5min", "--out"]).arg(&out);
        c
    };
    let o = spread("1h").output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::write(out.join("my_notes.txt"), "the user's own file").unwrap();
    let before = snapshot(&out);
    assert!(before.contains_key("arrival_time_min.tif") && before.contains_key("summary.json"));
    for (sig, name) in [(libc::SIGINT, "SIGINT"), (libc::SIGTERM, "SIGTERM")] {
        let mut child =
            spread("10h").stderr(std::process::Stdio::piped()).stdout(std::process::Stdio::null()).spawn().unwrap();
        // Wait for the first product in the staging folder: the fire is computed and the products step has begun.
        let started = std::time::Instant::now();
        let staged = loop {
            let found = std::fs::read_dir(&out).unwrap().flatten().find(|e| {
                e.file_name().to_string_lossy().starts_with(".emberfall-staging-")
                    && std::fs::read_dir(e.path()).map(|mut r| r.next().is_some()).unwrap_or(false)
            });
            if found.is_some() {
                break true;
            }
            if child.try_wait().unwrap().is_some() || started.elapsed().as_secs() > 300 {
                break false;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        assert!(staged, "the rerun ended before its products step was seen");
        // SAFETY: sending a signal to our own child process.
        assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(128 + sig), "{name}: {err}");
        assert!(err.contains(&format!("interrupted by {name}")), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        let after = snapshot(&out);
        assert_eq!(
            after.keys().collect::<Vec<_>>(),
            before.keys().collect::<Vec<_>>(),
            "{name}: the folder's files changed"
        );
        assert!(after == before, "{name}: a file of the previous run changed");
    }
}

/// Ignition files: coordinates that do not fit the file's CRS, a feature without geometry, and a shape off the
/// landscape are errors naming the file and the feature (with the shape's extent, not its whole geometry).
#[test]
fn ignition_file_geometry_errors_name_the_file_and_feature() {
    let lcp = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    let d = tmpdir("igngeom");
    let run = |name: &str, crs: &str, geom: &str| {
        let f = d.join(name);
        std::fs::write(
            &f,
            format!(
                r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"{crs}"}}}},"features":[{{"type":"Feature","properties":{{}},"geometry":{geom}}}]}}"#
            ),
        )
        .unwrap();
        let mut c = emberfall();
        c.args(["spread", "--lcp"]).arg(&lcp).args(["--moisture", "3,4,5,30,60", "--ignitions"]).arg(&f);
        c.arg("--out").arg(d.join(format!("out-{name}")));
        c
    };
    // Projected metres read as degrees.
    let err = fails_with(
        &mut run(
            "degrees.geojson",
            "urn:ogc:def:crs:EPSG::4326",
            r#"{"type":"Point","coordinates":[718012.3,5170004.1]}"#,
        ),
        &["degrees.geojson", "not longitudes and latitudes", "x 718012..718012", "ogr2ogr -a_srs EPSG:32611"],
    );
    assert!(!err.contains("OGR_G_Transform returned"), "{err}");
    fails_with(
        &mut run("null.geojson", "urn:ogc:def:crs:EPSG::32611", "null"),
        &["null.geojson", "feature 0 has no geometry"],
    );
    // A 400-vertex line 100 km east of the landscape: its extent is named, not its vertices.
    let pts: Vec<String> = (0..400).map(|i| format!("[{},{}]", 820000 + i * 10, 5170000)).collect();
    let err = fails_with(
        &mut run(
            "far.geojson",
            "urn:ogc:def:crs:EPSG::32611",
            &format!(r#"{{"type":"LineString","coordinates":[{}]}}"#, pts.join(",")),
        ),
        &["far.geojson", "line of 400 vertices within x 820000..823990", "outside the landscape"],
    );
    assert!(err.len() < 600, "the error lists the geometry: {} characters", err.len());
}

/// A long fragment list (5 MB) says what it read and how long it took, where it used to be read silently.
#[test]
fn a_long_fragment_list_shows_progress() {
    let d = tmpdir("longlist");
    let mut csv = String::from("id,x,y,mass_kg,size_m,material,temperature_c,burning,burn_time_s,impact_probability\n");
    let mut n = 0;
    while csv.len() < 5 << 20 {
        // Far east of the landscape: read, counted off the landscape, no fire to spread.
        csv += &format!("fragment_{n},{},5170000.5,0.5,0.05,aluminium,600,false,,0.5\n", 900000 + n % 1000);
        n += 1;
    }
    std::fs::write(d.join("long.csv"), csv).unwrap();
    let lcp = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    std::fs::write(
        d.join("s.toml"),
        format!(
            "seed = 1\n[landscape]\nlcp = {:?}\n[weather]\nmoisture_pct = [4, 5, 7, 40, 70]\nwind_speed_kmh = 10\n\
             [debris]\nfragments = \"long.csv\"\n[spread]\nduration = \"30min\"\n[output]\ndir = \"out\"\n",
            lcp.display().to_string()
        ),
    )
    .unwrap();
    let o = emberfall().arg("run").arg(d.join("s.toml")).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("read {n} fragments from")) && err.contains("long.csv"), "{err}");
    assert!(err.contains(&format!("{n} off it")), "{err}");
}

/// A fragment that lands after the end of the run is reported in the notes, not dropped silently.
#[test]
fn a_fragment_landing_after_the_end_is_noted() {
    let d = tmpdir("latefrag");
    std::fs::write(
        d.join("f.csv"),
        "id,x,y,mass_kg,size_m,material,temperature_c,burning,burn_time_s,impact_probability,impact_time_s\n\
         early,716000,5175000,2,0.2,aluminium,,true,300,1,60\n\
         late,716500,5175500,2,0.2,aluminium,,true,300,1,7200\n",
    )
    .unwrap();
    let lcp = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    std::fs::write(
        d.join("s.toml"),
        format!(
            "seed = 1\n[landscape]\nlcp = {:?}\n[weather]\nmoisture_pct = [4, 5, 7, 40, 70]\nwind_speed_kmh = 10\n\
             [debris]\nfragments = \"f.csv\"\n[spread]\nduration = \"30min\"\n[spotting]\nenabled = false\n\
             [output]\ndir = \"out\"\n",
            lcp.display().to_string()
        ),
    )
    .unwrap();
    let o = emberfall().arg("run").arg(d.join("s.toml")).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("1 ignition from fragments landing after the end of the run (first at 120.0 min"), "{err}");
    let summary = std::fs::read_to_string(d.join("out/summary.json")).unwrap();
    assert!(summary.contains("after the end of the run"), "{summary}");
}

/// An ignition file without a CRS is read in the landscape's CRS, and the run says so.
#[test]
fn an_ignition_file_without_a_crs_is_read_in_the_landscapes_with_a_note() {
    let lcp = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    let d = tmpdir("igncrs");
    let f = d.join("points.csv");
    std::fs::write(&f, "WKT,time_min\n\"POINT (716000 5175000)\",0\n").unwrap();
    let o = emberfall()
        .args(["spread", "--lcp"])
        .arg(&lcp)
        .args(["--moisture", "3,4,5,30,60", "--duration", "20min", "--no-spotting", "--ignitions"])
        .arg(&f)
        .arg("--out")
        .arg(d.join("out"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("points.csv") && err.contains("has no CRS") && err.contains("landscape's"), "{err}");
    let summary = std::fs::read_to_string(d.join("out/summary.json")).unwrap();
    assert!(summary.contains("has no CRS"), "{summary}");
}

/// A landscape too large for the memory is refused before it is read, with the figure; the output folder the
/// run would have created is not left behind.
#[test]
fn a_landscape_that_cannot_fit_in_memory_is_refused_with_the_figure() {
    let d = tmpdir("huge");
    let vrt = d.join("huge.vrt");
    // 300 000 x 300 000 cells of 30 m: GDAL opens it at once; reading it would need terabytes.
    std::fs::write(
        &vrt,
        r#"<VRTDataset rasterXSize="300000" rasterYSize="300000"><SRS>EPSG:32611</SRS>
<GeoTransform>500000, 30, 0, 4000000, 0, -30</GeoTransform>
<VRTRasterBand dataType="Int16" band="1"><NoDataValue>-9999</NoDataValue></VRTRasterBand></VRTDataset>"#,
    )
    .unwrap();
    let out = d.join("out");
    let err = fails_with(
        emberfall()
            .args(["spread", "--whole-landscape", "--fuel"])
            .arg(&vrt)
            .arg("--elevation")
            .arg(&vrt)
            .args(["--moisture", "3,4,5,30,60", "--ignite", "510000,3990000", "--out"])
            .arg(&out),
        &["huge.vrt", "300000 x 300000 cells", "GiB of memory", "available"],
    );
    assert!(!err.contains("memory allocation"), "{err}");
    assert!(!out.exists(), "the output folder was left behind");
    // Read as the fire needs (the default), the same landscape is a window of it: its cells hold no fuel, so the
    // run stops at its ignition, not at memory.
    let err = fails_with(
        emberfall()
            .args(["spread", "--fuel"])
            .arg(&vrt)
            .arg("--elevation")
            .arg(&vrt)
            .args(["--moisture", "3,4,5,30,60", "--ignite", "510000,3990000", "--out"])
            .arg(&out),
        &["read 768 x 768 cells of the landscape's 300000 x 300000", "every ignition lies on a non-burnable cell"],
    );
    assert!(!err.contains("GiB of memory"), "{err}");
    assert!(!out.exists(), "the output folder was left behind");
}

/// A GeoJSON ignition whose attribute holds "^QUBE" (the magic string of ISIS raster cubes) is read as the
/// GeoJSON it is: found by `cargo fuzz` (target ignition_attributes), where GDAL's raster sniffing claimed it.
#[test]
fn an_ignition_file_is_opened_by_vector_drivers_only() {
    let lcp = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    let d = tmpdir("qube");
    let f = d.join("ign.geojson");
    std::fs::write(
        &f,
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32611"}},"features":[{"type":"Feature","properties":{"time_min":"^QUBE"},"geometry":{"type":"Point","coordinates":[716000,5175000]}}]}"#,
    )
    .unwrap();
    fails_with(
        emberfall()
            .args(["spread", "--lcp"])
            .arg(&lcp)
            .args(["--moisture", "3,4,5,30,60", "--ignitions"])
            .arg(&f)
            .arg("--out")
            .arg(d.join("out")),
        &["ign.geojson", "feature 0", "time_min `^QUBE` is not a number"],
    );
    // "<kml xmlns" in an attribute: the KML driver claimed the file.
    std::fs::write(
        &f,
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32611"}},"features":[{"type":"Feature","properties":{"time_min":"<kml xmlns="},"geometry":{"type":"Point","coordinates":[716000,5175000]}}]}"#,
    )
    .unwrap();
    fails_with(
        emberfall()
            .args(["spread", "--lcp"])
            .arg(&lcp)
            .args(["--moisture", "3,4,5,30,60", "--ignitions"])
            .arg(&f)
            .arg("--out")
            .arg(d.join("out")),
        &["ign.geojson", "feature 0", "time_min `<kml xmlns=` is not a number"],
    );
}

/// Small silent acceptances made errors: a batch `surface --csv` with single-case flags, a synthetic landscape
/// origin with a word in it; and the point calculators' tables written by a CSV writer, so a case id holding a
/// comma or a quote comes back whole.
#[test]
fn calculators_refuse_mixed_inputs_and_quote_their_tables() {
    let d = tmpdir("calc-csv");
    let surf = d.join("s.csv");
    std::fs::write(
        &surf,
        "fuel_model,m1h_pct,m10h_pct,m100h_pct,mherb_pct,mwoody_pct,midflame_wind_km_h,wind_dir_rel_upslope_deg,slope_pct\n\
         GR2,6,7,8,60,90,5,0,10\n",
    )
    .unwrap();
    let o = emberfall()
        .args(["surface", "--csv"])
        .arg(&surf)
        .args(["--fuel", "GR2", "--moisture", "6,7,8,60,90"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("--csv") && err.contains("--fuel"), "{err}");
    let o = emberfall()
        .args(["landscape", "synth", "--fuel", "GR2", "--rows", "4", "--cols", "4", "--origin", "1,x,2", "--out"])
        .arg(d.join("l.tif"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("--origin") && err.contains("`x`"), "{err}");
    assert!(!d.join("l.tif").exists());
    // A case id with a comma and a quote, through the spot and crown calculators.
    let id = "ridge, \"north\" side";
    let spot = d.join("spot.csv");
    std::fs::write(
        &spot,
        format!(
            "case_id,source,location,ridge_to_valley_distance_km,ridge_to_valley_elevation_m,downwind_cover_height_m,\
             canopy_mode,wind20ft_km_h,flame_length_m,species,dbh_cm,tree_height_m,n_trees,pile_flame_height_m\n\
             \"{}\",surface_fire,0,0,0,10,1,20,2,,,,,\n",
            id.replace('"', "\"\"")
        ),
    )
    .unwrap();
    let crown = d.join("crown.csv");
    std::fs::write(
        &crown,
        format!(
            "case_id,fuel_model,m1h_pct,m10h_pct,m100h_pct,mherb_pct,mwoody_pct,foliar_moisture_pct,wind20ft_km_h,\
             wind_dir_rel_upslope_deg,slope_pct,canopy_cover_pct,canopy_height_m,canopy_base_height_m,\
             canopy_bulk_density_kg_m3\n\"{}\",10,6,7,8,60,90,100,20,0,10,50,20,3,0.15\n",
            id.replace('"', "\"\"")
        ),
    )
    .unwrap();
    for (cmd, input) in [("spot", &spot), ("crown", &crown)] {
        let out = d.join(format!("{cmd}-out.csv"));
        let o = emberfall().args([cmd, "--csv"]).arg(input).arg("--out").arg(&out).output().unwrap();
        assert!(o.status.success(), "{cmd}: {}", String::from_utf8_lossy(&o.stderr));
        let mut r = csv::Reader::from_path(&out).unwrap();
        let width = r.headers().unwrap().len();
        let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
        assert_eq!(rows.len(), 1, "{cmd}");
        assert_eq!(&rows[0][0], id, "{cmd}: the case id comes back whole");
        assert_eq!(rows[0].len(), width, "{cmd}: as many fields as the header");
    }
}

/// The last silent and vague inputs: each now a clear error or a note naming the value (and GDAL's own lines no
/// longer print before Emberfall's error).
#[test]
fn silent_and_vague_inputs_are_named() {
    let d = tmpdir("silent");
    let run = |args: &[&str]| {
        let o = emberfall().args(args).output().unwrap();
        (o.status.success(), String::from_utf8_lossy(&o.stderr).into_owned())
    };
    let ls = d.join("l.tif");
    let (ok, err) =
        run(&["landscape", "synth", "--fuel", "GR2", "--rows", "40", "--cols", "40", "--out", ls.to_str().unwrap()]);
    assert!(ok, "{err}");
    // A negative number after a flag is a value for that flag's own check, not an unknown argument.
    let synth = |extra: &[&str], out: &str| {
        let mut args = vec!["landscape", "synth", "--fuel", "GR2", "--rows", "4", "--cols", "4", "--out", out];
        args.extend_from_slice(extra);
        run(&args)
    };
    let (ok, err) = synth(&["--cell-size", "-30"], "/dev/null/x.tif");
    assert!(!ok && err.contains("--cell-size -30") && !err.contains("unexpected argument"), "{err}");
    let (ok, err) = synth(&["--epsg", "99999"], d.join("e.tif").to_str().unwrap());
    assert!(
        !ok && err.contains("--epsg 99999") && err.contains("not an EPSG code") && !err.contains("returned error"),
        "{err}"
    );
    // A negative coordinate after --ignite reaches the ignition parser (here: off the landscape, said as such).
    let out = d.join("o");
    let (ok, err) = run(&[
        "spread",
        "--lcp",
        ls.to_str().unwrap(),
        "--moisture",
        "6,7,8,60,90",
        "--ignite",
        "-114.17,46.69",
        "--backend",
        "cpu",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!ok && !err.contains("unexpected argument") && err.contains("-114.17"), "{err}");
    // An LCP given as --fuel: the conflict is named, not "unknown fuel model codes".
    let (ok, err) = run(&[
        "behavior",
        "--lcp",
        ls.to_str().unwrap(),
        "--fuel",
        ls.to_str().unwrap(),
        "--moisture",
        "6,7,8,60,90",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!ok && err.contains("--fuel") && err.contains("bands") && !err.contains("unknown fuel"), "{err}");
    // `surface --csv` rows whose fuel_model and fuel_code disagree.
    let csv = d.join("s.csv");
    std::fs::write(
        &csv,
        "fuel_model,fuel_code,m1h_pct,m10h_pct,m100h_pct,mherb_pct,mwoody_pct,midflame_wind_km_h,wind_dir_rel_upslope_deg,slope_pct\n\
         102,GR9,6,7,8,60,90,5,0,10\n",
    )
    .unwrap();
    let (ok, err) = run(&["surface", "--csv", csv.to_str().unwrap()]);
    assert!(!ok && err.contains("line 2") && err.contains("102 GR2") && err.contains("GR9"), "{err}");
    // A custom fuel model replacing a built-in one is named.
    let custom = d.join("custom.csv");
    std::fs::write(
        &custom,
        "number,code,depth_m,mx_dead_pct,h_dead_kJ_kg,h_live_kJ_kg,w_1h_kg_m2,w_10h_kg_m2,w_100h_kg_m2,w_herb_kg_m2,w_woody_kg_m2,sav_1h_1_m,sav_herb_1_m,sav_woody_1_m\n\
         102,MYGR,0.3,15,18608,18608,0.02,0,0,0.2,0,6500,5900,5900\n",
    )
    .unwrap();
    let (ok, err) =
        run(&["surface", "--fuel", "102", "--moisture", "6,7,8,60,90", "--fuel-models", custom.to_str().unwrap()]);
    assert!(ok && err.contains("fuel model 102 GR2") && err.contains("replaced by the custom 102 MYGR"), "{err}");
    // A self-intersecting ignition polygon (a bow tie) is refused by feature.
    let bowtie = d.join("bowtie.geojson");
    std::fs::write(
        &bowtie,
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32611"}},"features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[500300,3999700],[500600,3999400],[500600,3999700],[500300,3999400],[500300,3999700]]]}}]}"#,
    )
    .unwrap();
    let (ok, err) = run(&[
        "spread",
        "--lcp",
        ls.to_str().unwrap(),
        "--moisture",
        "6,7,8,60,90",
        "--ignitions",
        bowtie.to_str().unwrap(),
        "--backend",
        "cpu",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!ok && err.contains("bowtie.geojson") && err.contains("feature 0") && err.contains("not valid"), "{err}");
    assert!(!err.contains("Self-intersection"), "GEOS's own line printed: {err}");
    // A truncated GeoTIFF: one clear error line, no raw GDAL line before it.
    let bytes = std::fs::read(&ls).unwrap();
    let cut = d.join("cut.tif");
    std::fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();
    let (ok, err) =
        run(&["behavior", "--lcp", cut.to_str().unwrap(), "--moisture", "6,7,8,60,90", "--out", out.to_str().unwrap()]);
    assert!(!ok && err.contains("cut.tif"), "{err}");
    assert!(!err.lines().any(|l| l.starts_with("ERROR ") || l.starts_with("Warning ")), "raw GDAL lines: {err}");
    assert!(!out.exists(), "no output folder from failed runs");
}
