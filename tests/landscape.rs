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

/// Write a FARSITE v4 landscape file (.lcp) as GDAL's LCP driver documents it: a 7316-byte header (crown fuels
/// flag, latitude, extent, per-band statistics slots, grid size and extent, cell size, unit codes, file names,
/// description), then Int16 values interleaved by pixel, rows from the north. Written here from the format's
/// description, so that Emberfall's reading is checked against the format rather than against itself.
fn write_lcp(path: &Path, gt: [f64; 6], cols: usize, rows: usize, bands: &[Vec<i16>], units: [i16; 10]) {
    let mut h = vec![0u8; 7316];
    let put_i32 = |h: &mut Vec<u8>, at: usize, v: i32| h[at..at + 4].copy_from_slice(&v.to_le_bytes());
    let put_f64 = |h: &mut Vec<u8>, at: usize, v: f64| h[at..at + 8].copy_from_slice(&v.to_le_bytes());
    let (west, north) = (gt[0], gt[3]);
    let (east, south) = (west + gt[1] * cols as f64, north + gt[5] * rows as f64);
    put_i32(&mut h, 0, if bands.len() >= 8 { 21 } else { 20 });
    put_i32(&mut h, 4, 20);
    put_i32(&mut h, 8, 46);
    for (k, v) in [west, east, south, north].into_iter().enumerate() {
        put_f64(&mut h, 12 + 8 * k, v);
    }
    put_i32(&mut h, 4164, cols as i32);
    put_i32(&mut h, 4168, rows as i32);
    for (k, v) in [east, west, north, south].into_iter().enumerate() {
        put_f64(&mut h, 4172 + 8 * k, v);
    }
    put_i32(&mut h, 4204, 0);
    put_f64(&mut h, 4208, gt[1]);
    put_f64(&mut h, 4216, -gt[5]);
    for (k, u) in units.iter().enumerate() {
        h[4224 + 2 * k..4226 + 2 * k].copy_from_slice(&u.to_le_bytes());
    }
    let mut data = Vec::with_capacity(rows * cols * bands.len() * 2);
    for i in 0..rows * cols {
        for b in bands {
            data.extend_from_slice(&b[i].to_le_bytes());
        }
    }
    h.extend(data);
    std::fs::write(path, h).unwrap();
}

/// Missoula's landscape written as a FARSITE .lcp in feet, percent slope and azimuth aspect with -9999 for flat
/// cells, no CRS: refused without --assign-crs (the error says how), read with it on the GeoTIFF's grid with the
/// same fuels, canopy and flat cells, elevation and slope within the rounding of the units written.
#[test]
fn a_farsite_lcp_reads_in_its_header_units_with_an_assigned_crs() {
    let tif = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    let ds = gdal::Dataset::open(&tif).unwrap();
    let (cols, rows) = ds.raster_size();
    let gt = ds.geo_transform().unwrap();
    let band = |k: usize| -> Vec<f64> {
        ds.rasterband(k)
            .unwrap()
            .read_as::<f64>((0, 0), (cols, rows), (cols, rows), None)
            .unwrap()
            .into_shape_and_vec()
            .1
    };
    let (elev, slope, aspect) = (band(1), band(2), band(3));
    let i16s = |v: &[f64], f: &dyn Fn(f64) -> f64| -> Vec<i16> {
        v.iter().map(|&x| if x == -9999.0 { -9999 } else { f(x).round() as i16 }).collect()
    };
    let bands = vec![
        i16s(&elev, &|m| m / 0.3048),                            // feet
        i16s(&slope, &|d| 100.0 * d.to_radians().tan()),         // percent
        i16s(&aspect, &|a| if a == -1.0 { -9999.0 } else { a }), // azimuth, flat -9999
        i16s(&band(4), &|x| x),
        i16s(&band(5), &|x| x),
        i16s(&band(6), &|x| x),
        i16s(&band(7), &|x| x),
        i16s(&band(8), &|x| x),
    ];
    let d = tmpdir("lcp");
    let lcp = d.join("missoula.lcp");
    // Units: elevation feet, slope percent, aspect azimuth, fuel option 0, cover percent, heights m x 10, CBD
    // kg/m3 x 100.
    write_lcp(&lcp, gt, cols, rows, &bands, [1, 1, 2, 0, 1, 3, 3, 3, 0, 0]);
    let err = Landscape::load(&LandscapeSpec { lcp: Some(lcp.clone()), ..Default::default() }).unwrap_err().to_string();
    assert!(err.contains("missoula.lcp") && err.contains("no CRS") && err.contains("--assign-crs"), "{err}");
    let got = Landscape::load(&LandscapeSpec {
        lcp: Some(lcp.clone()),
        assign_crs: Some("EPSG:32611".into()),
        ..Default::default()
    })
    .unwrap();
    let want = Landscape::load(&LandscapeSpec { lcp: Some(tif), ..Default::default() }).unwrap();
    assert_eq!((got.grid.rows, got.grid.cols), (want.grid.rows, want.grid.cols));
    for k in 0..6 {
        assert!((got.grid.geotransform[k] - want.grid.geotransform[k]).abs() < 1e-6);
    }
    assert!(got.grid.crs_name().contains("32611") || got.grid.crs_name().contains("UTM zone 11N"));
    assert_eq!(got.fuel, want.fuel, "fuels differ (flat cells of aspect -9999 must stay burnable)");
    let flat = want.aspect_deg.as_ref().unwrap().iter().filter(|&&a| a == -1.0).count();
    assert!(flat > 100, "the test needs flat cells: {flat}");
    assert_eq!(got.aspect_deg, want.aspect_deg);
    for i in 0..got.fuel.len() {
        if want.elevation_m[i].is_finite() {
            assert!((got.elevation_m[i] - want.elevation_m[i]).abs() <= 0.16, "elevation {i}");
        }
        let (a, b) = (got.slope_tan.as_ref().unwrap()[i], want.slope_tan.as_ref().unwrap()[i]);
        if b.is_finite() {
            assert!((a - b).abs() <= 0.0051, "slope {i}: {a} {b}");
        }
    }
    assert_eq!(got.canopy_cover_frac, want.canopy_cover_frac);
    assert_eq!(got.canopy_height_m, want.canopy_height_m);
    assert_eq!(got.canopy_base_height_m, want.canopy_base_height_m);
    assert_eq!(got.canopy_bulk_density_kg_per_m3, want.canopy_bulk_density_kg_per_m3);
    assert!(got.notes.iter().any(|n| n.contains("aspect -9999 read as flat")), "{:?}", got.notes);
    assert!(got.notes.iter().any(|n| n.contains("--assign-crs")), "{:?}", got.notes);
    // A geographic CRS is refused: cells are metres.
    let err =
        Landscape::load(&LandscapeSpec { lcp: Some(lcp), assign_crs: Some("EPSG:4326".into()), ..Default::default() })
            .unwrap_err()
            .to_string();
    assert!(err.contains("--assign-crs") && err.contains("projected"), "{err}");
}

/// FARSITE custom fuel models (.fmd): the 53 standard models of ../shared/oracle/fuel_models.csv written in its
/// English columns (tons/acre, 1/ft, ft, BTU/lb) under new numbers read back equal to the built-in models (1e-6
/// relative); a metric file likewise; bad fields named by line.
#[test]
fn farsite_fmd_custom_models_read_in_english_and_metric_units() {
    use emberfall::physics::fuel::{read_custom_fuel_models, FuelCatalog};
    let mut rdr = csv::Reader::from_path(common::shared("oracle/fuel_models.csv")).unwrap();
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap_or_else(|| panic!("{n}"));
    let (mut english, mut metric) = (String::from("ENGLISH\n"), String::from("METRIC\n"));
    let mut numbers = Vec::new();
    for r in rdr.records() {
        let r = r.unwrap();
        let f = |n: &str| r[col(n)].parse::<f64>().unwrap();
        let number: u16 = r[col("number")].parse().unwrap();
        let kind = if &r[col("is_dynamic")] == "True" { "dynamic" } else { "static" };
        english += &format!(
            "{} X{} {} {} {} {} {} {kind} {} {} {} {} {} {} {} {}\n",
            1000 + number,
            number,
            f("w_1h_ton_ac"),
            f("w_10h_ton_ac"),
            f("w_100h_ton_ac"),
            f("w_herb_ton_ac"),
            f("w_woody_ton_ac"),
            f("sav_1h_1_ft"),
            f("sav_herb_1_ft"),
            f("sav_woody_1_ft"),
            f("depth_ft"),
            f("mx_dead_pct"),
            f("h_dead_btu_lb"),
            f("h_live_btu_lb"),
            &r[col("name")]
        );
        metric += &format!(
            "{} M{} {} {} {} {} {} {kind} {} {} {} {} {} {} {}\n",
            2000 + number,
            number,
            f("w_1h_kg_m2") * 10.0,
            f("w_10h_kg_m2") * 10.0,
            f("w_100h_kg_m2") * 10.0,
            f("w_herb_kg_m2") * 10.0,
            f("w_woody_kg_m2") * 10.0,
            f("sav_1h_1_m") / 100.0,
            f("sav_herb_1_m") / 100.0,
            f("sav_woody_1_m") / 100.0,
            f("depth_m") * 100.0,
            f("mx_dead_pct"),
            f("h_dead_kJ_kg"),
            f("h_live_kJ_kg"),
        );
        numbers.push(number);
    }
    assert_eq!(numbers.len(), 53);
    let d = tmpdir("fmd");
    std::fs::write(d.join("english.fmd"), english).unwrap();
    std::fs::write(d.join("metric.fmd"), metric).unwrap();
    let cat = FuelCatalog::standard();
    for (file, offset) in [("english.fmd", 1000u16), ("metric.fmd", 2000)] {
        let models = read_custom_fuel_models(&d.join(file)).unwrap();
        assert_eq!(models.len(), 53, "{file}");
        for m in &models {
            let want = cat.get(m.number - offset).unwrap();
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * b.abs().max(1e-9);
            assert!(close(m.depth_m, want.depth_m) && close(m.mx_dead_frac, want.mx_dead_frac), "{file} {}", m.number);
            assert!(
                close(m.h_dead_kj_per_kg, want.h_dead_kj_per_kg) && close(m.h_live_kj_per_kg, want.h_live_kj_per_kg)
            );
            for k in 0..5 {
                assert!(close(m.load_kg_per_m2[k], want.load_kg_per_m2[k]), "{file} {} load {k}", m.number);
            }
            // The live woody ratio matters only where there is live woody load (the reference table and the
            // built-in one differ on unused ratios, as tests/surface_oracle.rs allows).
            assert!(close(m.sav_1h_per_m, want.sav_1h_per_m) && close(m.sav_herb_per_m, want.sav_herb_per_m));
            assert!(want.load_kg_per_m2[4] == 0.0 || close(m.sav_woody_per_m, want.sav_woody_per_m), "{}", m.number);
            assert_eq!(m.dynamic, want.dynamic);
        }
    }
    std::fs::write(d.join("bad.fmd"), "ENGLISH\n150 X 0.1 0 0 1 0 sometimes 2000 1800 1500 1 15 8000 8000\n").unwrap();
    let e = read_custom_fuel_models(&d.join("bad.fmd")).unwrap_err().to_string();
    assert!(e.contains("bad.fmd") && e.contains("line 2") && e.contains("sometimes"), "{e}");
}

/// A FARSITE fuel model conversion file (`--fuel-conversion FILE.cnv`): a GR2 landscape whose code 102 is
/// converted to 101 burns exactly as a GR1 landscape; a conversion to a code no model has is the usual clear error.
#[test]
fn a_fuel_conversion_file_maps_landscape_codes_to_models() {
    let d = std::env::temp_dir().join(format!("emberfall-cnv-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let bin = env!("CARGO_BIN_EXE_emberfall");
    let synth = |fuel: &str, name: &str| {
        let st = std::process::Command::new(bin)
            .args(["landscape", "synth", "--fuel", fuel, "--rows", "20", "--cols", "20", "--slope-pct", "30", "--out"])
            .arg(d.join(name))
            .status()
            .unwrap();
        assert!(st.success());
    };
    synth("GR2", "gr2.tif");
    synth("GR1", "gr1.tif");
    std::fs::write(d.join("c.cnv"), "# landscape code, fuel model\n102 101\n").unwrap();
    std::fs::write(d.join("bad.cnv"), "102 5000\n").unwrap();
    let behave = |lcp: &str, extra: &[&str], out: &str| {
        std::process::Command::new(bin)
            .env("XDG_RUNTIME_DIR", std::env::temp_dir())
            .args(["behavior", "--lcp"])
            .arg(d.join(lcp))
            .args(["--moisture", "6,7,8,60,90", "--wind-speed-kmh", "12", "--backend", "cpu"])
            .args(extra)
            .arg("--out")
            .arg(d.join(out))
            .output()
            .unwrap()
    };
    let cnv = d.join("c.cnv");
    let a = behave("gr2.tif", &["--fuel-conversion", cnv.to_str().unwrap()], "a");
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert!(String::from_utf8_lossy(&a.stderr).contains("1 pairs, 400 cells"));
    assert!(behave("gr1.tif", &[], "b").status.success());
    let read = |dir: &str| common::raster_f32(&d.join(dir).join("ros_m_per_min.tif"));
    let (x, y) = (read("a"), read("b"));
    assert!(x.iter().all(|v| *v > 0.0));
    assert_eq!(x, y);
    let bad = behave("gr2.tif", &["--fuel-conversion", d.join("bad.cnv").to_str().unwrap()], "c");
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        !bad.status.success() && err.contains("unknown fuel model codes") && err.contains("5000 (400 cells)"),
        "{err}"
    );
}

/// Errors say their kind, so a caller can act without reading the message: a missing landscape file is an input
/// error, a product that cannot be written (its folder is a file) an output error, a bad duration a value error.
#[test]
fn errors_say_their_kind() {
    use emberfall::ErrorKind;
    let d = std::env::temp_dir().join(format!("emberfall-kinds-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    let missing = LandscapeSpec { lcp: Some(d.join("no_such.tif")), ..Default::default() };
    let e = Landscape::load(&missing).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Input, "{e}");
    assert!(e.to_string().contains("no_such.tif"), "{e}");
    let file = d.join("a_file");
    std::fs::write(&file, "x").unwrap();
    let e = emberfall::io::write_text(&file.join("report.md"), "text").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Output, "{e}");
    assert!(e.to_string().contains("a_file"), "{e}");
    let e = emberfall::quantity::duration_min("soon", "--duration").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Value, "{e}");
    assert!(e.to_string().contains("--duration"), "{e}");
    // A value error carries what, the value and why as fields.
    match &e {
        emberfall::Error::Value { what, value, why } => {
            assert_eq!((what.as_str(), value.as_str()), ("--duration", "`soon`"));
            assert!(why.contains("not a duration"), "{why}");
        }
        other => panic!("not a value error: {other:?}"),
    }
    // A bad value in a scenario file names the file and stays a value error.
    let sc = d.join("bad.toml");
    std::fs::write(
        &sc,
        "seed = 1\n[landscape]\nlcp = \"x.tif\"\n[weather]\nmoisture_pct = [6, 7, 8, 60, 90]\n[debris]\nfragments = \"f.csv\"\n\
         [spread]\nduration = \"2h\"\ntolerance = 2.0\n[output]\ndir = \"out\"\n",
    )
    .unwrap();
    let e = emberfall::run::scenario::Scenario::load(&sc).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Value, "{e}");
    assert!(e.to_string().contains("bad.toml") && e.to_string().contains("spread.tolerance 2"), "{e}");
    // A grid that cannot fit says both figures and is a memory error.
    let e = emberfall::quantity::grid_fits(1u128 << 50, 64, "landscape").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Memory, "{e}");
    assert!(e.to_string().contains("GiB of memory") && e.to_string().contains("available"), "{e}");
}

/// A national-scale mosaic (a VRT of 100 x 100 tiles, 164 million cells: over the sampling threshold, and more than
/// this machine's memory check lets a run load) is described from a sample: `landscape info` gives its grid and the fuel codes of its
/// tiles, whose four quadrants hold different fuel models.
#[test]
fn landscape_info_on_a_mosaic_samples_it() {
    let d = tmpdir("mosaic");
    let tile = |name: &str, code: u16| {
        let p = d.join(format!("{name}.tif"));
        let spec = SynthSpec {
            fuel_code: code,
            rows: 128,
            cols: 128,
            cell_size_m: 30.0,
            slope_pct: 0.0,
            aspect_deg: 0.0,
            epsg: 32611,
            origin: (500_000.0, 4_000_000.0),
        };
        write_synthetic(&spec, &p).unwrap();
        p
    };
    let (gr2, tl3) = (tile("gr2", 102), tile("tl3", 183));
    let n = 100;
    let wkt = gdal::spatial_ref::SpatialRef::from_epsg(32611).unwrap().to_wkt().unwrap();
    let mut vrt = format!(
        "<VRTDataset rasterXSize=\"{0}\" rasterYSize=\"{0}\"><SRS>{1}</SRS><GeoTransform>500000, 30, 0, 4000000, 0, -30</GeoTransform>\n<VRTRasterBand dataType=\"Float32\" band=\"1\">\n",
        n * 128,
        wkt.replace('"', "&quot;")
    );
    for r in 0..n {
        for c in 0..n {
            // The western half GR2, the eastern half TL3.
            let src = if c < n / 2 { &gr2 } else { &tl3 };
            vrt += &format!(
                "<SimpleSource><SourceFilename>{}</SourceFilename><SourceBand>4</SourceBand><SrcRect xOff=\"0\" yOff=\"0\" xSize=\"128\" ySize=\"128\"/><DstRect xOff=\"{}\" yOff=\"{}\" xSize=\"128\" ySize=\"128\"/></SimpleSource>\n",
                src.display(),
                c * 128,
                r * 128
            );
        }
    }
    vrt += "</VRTRasterBand></VRTDataset>\n";
    let fuel = d.join("fuel.vrt");
    std::fs::write(&fuel, &vrt).unwrap();
    std::fs::write(d.join("dem.vrt"), vrt.replace("<SourceBand>4</SourceBand>", "<SourceBand>1</SourceBand>")).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_emberfall"))
        .args(["landscape", "info", "--fuel"])
        .arg(&fuel)
        .arg("--elevation")
        .arg(d.join("dem.vrt"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains("grid        12800 rows x 12800 cols = 163840000 cells"), "{out}");
    assert!(out.contains("sampled     32 x 32 cells"), "{out}");
    // Half the sample in each fuel model, as the tiles are laid.
    assert!(out.contains("    102   50.00 %") && out.contains("    183   50.00 %"), "{out}");
}

/// A landscape read through GDAL's `/vsicurl/` from a local HTTP server (byte ranges, as object stores serve them)
/// burns exactly as the same file read from disk; the server saw ranged requests.
#[test]
fn a_landscape_over_vsicurl_burns_as_the_local_file() {
    let d = tmpdir("vsicurl");
    let www = d.join("www");
    std::fs::create_dir_all(&www).unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("dem/kii_synthetic.tif"), www.join("kii.tif")).unwrap();
    let (mut server, port) = common::range_server(&www);
    let spread = |lcp: &str, out: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_emberfall"))
            .args(["spread", "--lcp", lcp, "--ignite-lonlat", "135.8775,33.5535", "--wind-speed-kmh", "20"])
            .args(["--moisture", "6,7,8,60,90", "--duration", "1h", "--no-spotting", "--backend", "cpu", "--out"])
            .arg(out)
            .env("NO_PROXY", "127.0.0.1,localhost")
            .env("no_proxy", "127.0.0.1,localhost")
            .output()
            .unwrap()
    };
    let url = format!("/vsicurl/http://127.0.0.1:{port}/kii.tif");
    let remote = spread(&url, &d.join("remote"));
    let local = spread(root.join("dem/kii_synthetic.tif").to_str().unwrap(), &d.join("local"));
    let _ = server.kill();
    let _ = server.wait();
    assert!(remote.status.success(), "{}", String::from_utf8_lossy(&remote.stderr));
    assert!(local.status.success(), "{}", String::from_utf8_lossy(&local.stderr));
    let read = |p: PathBuf| {
        let ds = gdal::Dataset::open(&p).unwrap();
        let (w, h) = ds.raster_size();
        ds.rasterband(1).unwrap().read_as::<f32>((0, 0), (w, h), (w, h), None).unwrap().data().to_vec()
    };
    let (a, b) = (read(d.join("remote/arrival_time_min.tif")), read(d.join("local/arrival_time_min.tif")));
    assert!(a.iter().any(|&t| t > 0.0), "the fire burned");
    assert_eq!(a, b, "the same arrival times over /vsicurl/ as from disk");
    let served = std::fs::read_to_string(www.join("served.log")).unwrap();
    assert!(served.lines().count() >= 2, "ranged requests: {served}");
}
