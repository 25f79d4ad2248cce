//! Landscape loading through GDAL: units, alignment, and the errors promised for bad input.

mod common;

use std::path::{Path, PathBuf};

use emberfall::gpu::Engine;
use emberfall::landscape::{write_synthetic, Landscape, LandscapeSpec, SlopeUnits, SynthSpec, FUEL_NODATA};

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("emberfall-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn thomas(layer: &str) -> PathBuf {
    common::shared(&format!("landscapes/thomas_fire/{layer}.tif"))
}

#[test]
fn thomas_ocean_filled_with_minus_10000_is_nodata_not_a_canyon() {
    let spec = LandscapeSpec {
        elevation: Some(thomas("dem")),
        fuel: Some(thomas("fbfm40")),
        slope: Some(thomas("slp")),
        aspect: Some(thomas("asp")),
        ..Default::default()
    };
    let ls = Landscape::load(&spec).unwrap();
    // The README of the data says the ocean is 15.7 % of cells, stored as -10000 under a -9999 tag.
    let share = ls.nodata_cells as f64 / ls.grid.len() as f64;
    assert!((share - 0.157).abs() < 0.01, "nodata share {share}");
    let lowest = ls.elevation_m.iter().copied().filter(|z| z.is_finite()).fold(f32::INFINITY, f32::min);
    assert!(lowest > -100.0, "lowest elevation {lowest} m: the -10000 fill leaked in");
    assert!(
        ls.notes.iter().any(|n| n.contains("outside the plausible range") && n.contains("-10000")),
        "{:?}",
        ls.notes
    );
    assert_eq!(ls.grid.rows, 2000);
    assert!((ls.grid.dx() - 30.0).abs() < 1e-9);
}

#[test]
fn worcester_percent_slope_is_converted() {
    let d = common::shared("landscapes/worcester_vt");
    let spec = LandscapeSpec {
        elevation: Some(d.join("LF2020_Elev_220_CONUS/LC20_Elev_220.tif")),
        fuel: Some(d.join("LF2022_FBFM40_230_CONUS/LC22_F40_230.tif")),
        slope: Some(d.join("LF2020_SlpP_220_CONUS/LC20_SlpP_220.tif")),
        slope_units: Some(SlopeUnits::Percent),
        ..Default::default()
    };
    let mut ls = Landscape::load(&spec).unwrap();
    // Corners outside the clip box are nodata (README: about 32 %).
    let share = ls.nodata_cells as f64 / ls.grid.len() as f64;
    assert!((0.25..0.40).contains(&share), "nodata share {share}");
    // The given percent slope and Horn's slope of the same DEM agree on average.
    let given = ls.slope_tan.clone().unwrap();
    ls.slope_tan = None;
    ls.ensure_terrain(&Engine::Cpu).unwrap();
    let derived = ls.slope_tan.as_ref().unwrap();
    let (mut sum, mut n) = (0.0, 0);
    for i in 0..given.len() {
        if ls.fuel[i] != FUEL_NODATA {
            sum += (given[i] - derived[i]).abs() as f64;
            n += 1;
        }
    }
    assert!(sum / (n as f64) < 0.03, "mean |given - derived| slope {:.4}", sum / n as f64);
}

/// Worcester's slope is in percent: read as degrees, the notes say it fits the DEM in percent; read as percent, they
/// say nothing of units; the note on derived terrain names what was derived.
#[test]
fn a_percent_slope_read_as_degrees_is_noticed() {
    let d = common::shared("landscapes/worcester_vt");
    let spec = |units| LandscapeSpec {
        elevation: Some(d.join("LF2020_Elev_220_CONUS/LC20_Elev_220.tif")),
        fuel: Some(d.join("LF2022_FBFM40_230_CONUS/LC22_F40_230.tif")),
        slope: Some(d.join("LF2020_SlpP_220_CONUS/LC20_SlpP_220.tif")),
        slope_units: units,
        ..Default::default()
    };
    let mut ls = Landscape::load(&spec(None)).unwrap();
    assert!(
        ls.notes.iter().any(|n| n.contains("read in degrees but fits the DEM's slope in percent")),
        "{:?}",
        ls.notes
    );
    ls.ensure_terrain(&Engine::Cpu).unwrap();
    assert!(ls.notes.iter().any(|n| n.starts_with("aspect (the slope layer was given) derived")), "{:?}", ls.notes);
    let ok = Landscape::load(&spec(Some(SlopeUnits::Percent))).unwrap();
    assert!(!ok.notes.iter().any(|n| n.contains("fits the DEM")), "{:?}", ok.notes);
    // Missoula's LCP slope is in degrees, as read.
    let m = Landscape::load(&LandscapeSpec {
        lcp: Some(common::shared("landscapes/missoula_lcp/example_lcp.tif")),
        ..Default::default()
    })
    .unwrap();
    assert!(!m.notes.iter().any(|n| n.contains("fits the DEM")), "{:?}", m.notes);
}

#[test]
fn layers_on_another_grid_are_warped_and_reported() {
    // Thomas DEM reprojected to geographic coordinates and coarsened: must come back onto the fuel grid.
    let dir = tmpdir("warp");
    let dem_ll = dir.join("dem_ll.tif");
    let st = std::process::Command::new("gdalwarp")
        .args(["-q", "-t_srs", "EPSG:4326", "-tr", "0.0006", "0.0006", "-r", "bilinear"])
        .arg(thomas("dem"))
        .arg(&dem_ll)
        .status()
        .expect("gdalwarp (gdal-bin) is installed");
    assert!(st.success());
    let spec = LandscapeSpec { elevation: Some(dem_ll), fuel: Some(thomas("fbfm40")), ..Default::default() };
    let ls = Landscape::load(&spec).unwrap();
    assert_eq!((ls.grid.rows, ls.grid.cols), (2000, 2000));
    assert!(ls.notes.iter().any(|n| n.starts_with("warped elevation")), "{:?}", ls.notes);
    // Compare with the original DEM where both are valid: bilinear on ~60 m cells keeps most cells within 40 m.
    let orig = Landscape::load(&LandscapeSpec {
        elevation: Some(thomas("dem")),
        fuel: Some(thomas("fbfm40")),
        ..Default::default()
    })
    .unwrap();
    let (mut close, mut n) = (0, 0);
    for i in (0..ls.grid.len()).step_by(97) {
        if orig.elevation_m[i].is_finite() && ls.elevation_m[i].is_finite() && orig.fuel[i] != FUEL_NODATA {
            n += 1;
            if (orig.elevation_m[i] - ls.elevation_m[i]).abs() < 40.0 {
                close += 1;
            }
        }
    }
    assert!(close as f64 / n as f64 > 0.9, "{close} of {n} cells within 40 m");
}

#[test]
fn geographic_fuel_raster_goes_to_local_utm() {
    let dir = tmpdir("geo");
    let fuel_ll = dir.join("fuel_ll.tif");
    let st = std::process::Command::new("gdal_translate")
        .args(["-q", "-srcwin", "900", "900", "200", "200"])
        .arg(thomas("fbfm40"))
        .arg(dir.join("crop.tif"))
        .status()
        .unwrap();
    assert!(st.success());
    let st = std::process::Command::new("gdalwarp")
        .args(["-q", "-t_srs", "EPSG:4326", "-r", "near"])
        .arg(dir.join("crop.tif"))
        .arg(&fuel_ll)
        .status()
        .unwrap();
    assert!(st.success());
    let spec = LandscapeSpec { elevation: Some(thomas("dem")), fuel: Some(fuel_ll), ..Default::default() };
    let ls = Landscape::load(&spec).unwrap();
    assert!(ls.grid.crs_name().contains("32611"), "{}", ls.grid.crs_name());
    assert!(ls.notes.iter().any(|n| n.contains("geographic CRS")));
}

fn expect_err(spec: &LandscapeSpec, needles: &[&str]) {
    let err = Landscape::load(spec).expect_err("load must fail").to_string();
    for n in needles {
        assert!(err.contains(n), "error `{err}` should mention `{n}`");
    }
}

#[test]
fn unknown_fuel_codes_are_listed_with_counts() {
    let dir = tmpdir("unknown");
    let p = dir.join("fuel_bad.tif");
    write_synthetic(
        &SynthSpec {
            fuel_code: 102,
            rows: 20,
            cols: 20,
            cell_size_m: 30.0,
            slope_pct: 0.0,
            aspect_deg: 0.0,
            epsg: 32611,
            origin: (300000.0, 3800000.0),
        },
        &p,
    )
    .unwrap();
    recode_band(&p, 4, 57.0);
    expect_err(
        &LandscapeSpec { lcp: Some(p.clone()), ..Default::default() },
        &[&p.display().to_string(), "unknown fuel model codes", "57 (400 cells)"],
    );
}

/// Overwrite every value of band `band` with `value` through GDAL.
fn recode_band(path: &Path, band: usize, value: f32) {
    let ds = gdal::Dataset::open_ex(
        path,
        gdal::DatasetOptions { open_flags: gdal::GdalOpenFlags::GDAL_OF_UPDATE, ..Default::default() },
    )
    .unwrap();
    let (c, r) = ds.raster_size();
    let mut b = ds.rasterband(band).unwrap();
    let mut buf = gdal::raster::Buffer::new((c, r), vec![value; c * r]);
    b.write((0, 0), (c, r), &mut buf).unwrap();
}

#[test]
fn missing_crs_is_an_error_naming_the_file() {
    let dir = tmpdir("nocrs");
    let p = dir.join("nocrs.tif");
    write_synthetic(
        &SynthSpec {
            fuel_code: 102,
            rows: 10,
            cols: 10,
            cell_size_m: 30.0,
            slope_pct: 0.0,
            aspect_deg: 0.0,
            epsg: 32611,
            origin: (0.0, 0.0),
        },
        &p,
    )
    .unwrap();
    let st = std::process::Command::new("gdal_edit.py").args(["-a_srs", ""]).arg(&p).status().expect("gdal_edit.py");
    assert!(st.success());
    expect_err(&LandscapeSpec { lcp: Some(p.clone()), ..Default::default() }, &[&p.display().to_string(), "no CRS"]);
}

#[test]
fn layers_that_do_not_overlap_are_an_error() {
    let dir = tmpdir("overlap");
    let a = dir.join("a.tif");
    let b = dir.join("b.tif");
    let mk = |p: &Path, x: f64| {
        write_synthetic(
            &SynthSpec {
                fuel_code: 102,
                rows: 10,
                cols: 10,
                cell_size_m: 30.0,
                slope_pct: 5.0,
                aspect_deg: 90.0,
                epsg: 32611,
                origin: (x, 4000000.0),
            },
            p,
        )
        .unwrap()
    };
    mk(&a, 500000.0);
    mk(&b, 600000.0);
    let spec = LandscapeSpec { lcp: Some(a), elevation: Some(b.clone()), ..Default::default() };
    expect_err(&spec, &[&b.display().to_string(), "does not overlap"]);
}

#[test]
fn missing_file_and_bad_custom_fuel_file_are_named() {
    expect_err(
        &LandscapeSpec { lcp: Some("/nonexistent/x.tif".into()), ..Default::default() },
        &["/nonexistent/x.tif", "not found"],
    );
    let dir = tmpdir("fuelcsv");
    let csv = dir.join("custom.csv");
    std::fs::write(&csv, "number,code,depth_m\n150,X1,0.3\n").unwrap();
    let p = dir.join("ok.tif");
    write_synthetic(
        &SynthSpec {
            fuel_code: 102,
            rows: 10,
            cols: 10,
            cell_size_m: 30.0,
            slope_pct: 0.0,
            aspect_deg: 0.0,
            epsg: 32611,
            origin: (0.0, 0.0),
        },
        &p,
    )
    .unwrap();
    expect_err(
        &LandscapeSpec { lcp: Some(p), fuel_models: Some(csv.clone()), ..Default::default() },
        &[&csv.display().to_string(), "missing column `mx_dead_pct`"],
    );
}

#[test]
fn synthetic_landscape_round_trips_with_its_slope() {
    let dir = tmpdir("synth");
    let p = dir.join("s.tif");
    write_synthetic(
        &SynthSpec {
            fuel_code: 102,
            rows: 30,
            cols: 40,
            cell_size_m: 30.0,
            slope_pct: 20.0,
            aspect_deg: 135.0,
            epsg: 32611,
            origin: (500000.0, 4000000.0),
        },
        &p,
    )
    .unwrap();
    let mut ls = Landscape::load(&LandscapeSpec { lcp: Some(p), ..Default::default() }).unwrap();
    assert_eq!(ls.fuel[0], 102);
    assert!((ls.slope_tan.as_ref().unwrap()[5] - 0.2).abs() < 1e-6);
    // The DEM is the plane: Horn's slope and aspect recover it exactly in the interior.
    ls.slope_tan = None;
    ls.aspect_deg = None;
    ls.ensure_terrain(&Engine::Cpu).unwrap();
    let i = 15 * 40 + 20;
    assert!((ls.slope_tan.as_ref().unwrap()[i] - 0.2).abs() < 1e-4);
    assert!((ls.aspect_deg.as_ref().unwrap()[i] - 135.0).abs() < 0.01);
}
