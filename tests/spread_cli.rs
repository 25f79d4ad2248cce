//! `emberfall spread` end to end on the landscapes of ../shared: outputs GIS tools open in the landscape's CRS,
//! ignitions from a vector file in another CRS, a weather stream, and clear errors for bad input.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::vector::LayerAccess;
use gdal::Dataset;

fn emberfall() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_emberfall"));
    c.env("XDG_RUNTIME_DIR", std::env::temp_dir());
    c
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("emberfall-spread-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "emberfall failed: {err}");
    assert!(!err.contains('\r'), "progress bar drawn although stderr is not a terminal");
    err
}

/// EPSG code of a dataset's CRS.
fn epsg_of(path: &Path) -> String {
    let ds = Dataset::open(path).unwrap();
    let srs = ds.spatial_ref().unwrap_or_else(|_| ds.layer(0).unwrap().spatial_ref().unwrap());
    let mut s = srs.clone();
    let _ = s.auto_identify_epsg();
    s.auth_code().map(|c| c.to_string()).unwrap_or_else(|_| s.to_wkt().unwrap())
}

/// Every product exists, opens in GDAL in `epsg` on the landscape's grid, and the summary is consistent.
fn check_products(out: &Path, epsg: &str, grid_from: &Path) -> serde_json::Value {
    let reference = Dataset::open(grid_from).unwrap();
    for name in [
        "arrival_time_min",
        "ros_m_per_min",
        "fireline_intensity_kw_per_m",
        "flame_length_m",
        "spread_direction_deg",
        "crown_fire_type",
    ] {
        let p = out.join(format!("{name}.tif"));
        let ds = Dataset::open(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        assert_eq!(epsg_of(&p), epsg, "{name}: CRS");
        // On the landscape's cells: the window the run read, a whole number of cells from the landscape's corner.
        let (g, r) = (ds.geo_transform().unwrap(), reference.geo_transform().unwrap());
        for k in [1, 2, 4, 5] {
            assert!((g[k] - r[k]).abs() < 1e-6 * (1.0 + r[k].abs()), "{name}: geotransform {g:?} vs {r:?}");
        }
        let (c0, r0) = ((g[0] - r[0]) / r[1], (g[3] - r[3]) / r[5]);
        assert!((c0 - c0.round()).abs() < 1e-6 && (r0 - r0.round()).abs() < 1e-6, "{name}: {g:?} off {r:?}'s cells");
        let ((w, h), (rw, rh)) = (ds.raster_size(), reference.raster_size());
        assert!(c0 >= -1e-6 && r0 >= -1e-6, "{name}: window outside the landscape");
        assert!(c0.round() as usize + w <= rw && r0.round() as usize + h <= rh, "{name}: window outside the landscape");
        let nodata = if name == "crown_fire_type" { 255.0 } else { -9999.0 };
        assert_eq!(ds.rasterband(1).unwrap().no_data_value(), Some(nodata), "{name}: nodata");
    }
    for name in ["isochrones.gpkg", "isochrones.geojson"] {
        let p = out.join(name);
        let ds = Dataset::open(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        assert_eq!(epsg_of(&p), epsg, "{name}: CRS");
        let mut layer = ds.layer(0).unwrap();
        let mut last_area = -1.0;
        let mut n = 0;
        for f in layer.features() {
            let area = f.field_as_double(f.field_index("area_ha").unwrap()).unwrap().unwrap();
            let t = f.field_as_double(f.field_index("time_min").unwrap()).unwrap().unwrap();
            assert!(t > 0.0);
            assert!(area >= last_area, "{name}: burned area must not shrink ({area} after {last_area})");
            last_area = area;
            n += 1;
        }
        assert!(n >= 2, "{name}: {n} isochrones");
        assert!(last_area > 0.0, "{name}: the last perimeter encloses nothing");
    }
    let info = Command::new("ogrinfo").args(["-so", "-al"]).arg(out.join("isochrones.gpkg")).output().unwrap();
    assert!(info.status.success() && String::from_utf8_lossy(&info.stdout).contains("time_min"));
    assert!(image::open(out.join("arrival_time.png")).unwrap().width() > 300);
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    for key in ["backend", "adapter", "run_time_s", "burned_area_ha", "perimeter_m", "max_ros_m_per_min", "isochrones"]
    {
        assert!(s.get(key).is_some(), "summary.json lacks {key}");
    }
    // --backend auto takes a hardware GPU when there is one, else the CPU twin; never a software GPU (lavapipe).
    let adapter = s["adapter"].as_str().unwrap();
    match s["backend"].as_str().unwrap() {
        "cpu" => assert!(adapter.starts_with("cpu"), "{adapter}"),
        "gpu" => assert!(!adapter.contains("(Cpu,"), "--backend auto took a software GPU: {adapter}"),
        other => panic!("backend {other}"),
    }
    assert!(s["burned_area_ha"].as_f64().unwrap() > 0.0);
    let leftovers: Vec<_> = std::fs::read_dir(out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    s
}

#[test]
fn missoula_with_a_weather_stream() {
    let lcp = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    let d = tmpdir("missoula");
    let weather = d.join("weather.csv");
    std::fs::write(&weather, "# wind shift after 2 h\ntime_min,wind_speed_kmh,wind_from_deg\n0,30,250\n120,25,320\n")
        .unwrap();
    let out = d.join("out");
    run_ok(
        emberfall()
            .args(["spread", "--lcp"])
            .arg(&lcp)
            .args(["--moisture", "3,4,5,30,60", "--ignite", "718012.3,5170004.1", "--ignite", "712000,5176000,45"])
            .arg("--weather")
            .arg(&weather)
            .args(["--duration", "4h", "--isochrone-interval", "30min", "--out"])
            .arg(&out),
    );
    let s = check_products(&out, "32611", &lcp);
    assert_eq!(s["run"]["weather_periods"], 2);
    assert_eq!(s["isochrones"].as_array().unwrap().len(), 8);
}

#[test]
fn worcester_with_ignitions_from_a_vector_file_in_another_crs() {
    let dir = common::shared("landscapes/worcester_vt");
    let fuel = dir.join("LF2022_FBFM40_230_CONUS/LC22_F40_230.tif");
    // A point and a small square polygon near the landscape's centre, in WGS 84 longitude/latitude.
    let ds = Dataset::open(&fuel).unwrap();
    let (w, h) = ds.raster_size();
    let g = ds.geo_transform().unwrap();
    let mut src = ds.spatial_ref().unwrap();
    src.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut geo = SpatialRef::from_epsg(4326).unwrap();
    geo.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let tr = CoordTransform::new(&src, &geo).unwrap();
    let (cx, cy) = (g[0] + g[1] * w as f64 * 0.5, g[3] + g[5] * h as f64 * 0.5);
    let mut xs = [cx, cx + 600.0, cx + 690.0, cx + 690.0, cx + 600.0];
    let mut ys = [cy, cy + 300.0, cy + 300.0, cy + 390.0, cy + 390.0];
    tr.transform_coords(&mut xs, &mut ys, &mut []).unwrap();
    let d = tmpdir("worcester");
    let ign = d.join("ignitions.geojson");
    let ring: Vec<String> = [1, 2, 3, 4, 1].iter().map(|&k| format!("[{},{}]", xs[k], ys[k])).collect();
    std::fs::write(
        &ign,
        format!(
            r#"{{"type":"FeatureCollection","features":[
{{"type":"Feature","properties":{{"time_min":0}},"geometry":{{"type":"Point","coordinates":[{},{}]}}}},
{{"type":"Feature","properties":{{"time_min":20}},"geometry":{{"type":"Polygon","coordinates":[[{}]]}}}}]}}"#,
            xs[0],
            ys[0],
            ring.join(",")
        ),
    )
    .unwrap();
    let out = d.join("out");
    let arg = |k: &str, rel: &str| [k.to_string(), dir.join(rel).display().to_string()];
    let mut cmd = emberfall();
    cmd.arg("spread");
    for (k, rel) in [
        ("--elevation", "LF2020_Elev_220_CONUS/LC20_Elev_220.tif"),
        ("--slope", "LF2020_SlpP_220_CONUS/LC20_SlpP_220.tif"),
        ("--aspect", "LF2020_Asp_220_CONUS/LC20_Asp_220.tif"),
        ("--fuel", "LF2022_FBFM40_230_CONUS/LC22_F40_230.tif"),
        ("--canopy-cover", "LF2022_CC_230_CONUS/LC22_CC_230.tif"),
        ("--canopy-height", "LF2022_CH_230_CONUS/LC22_CH_230.tif"),
        ("--canopy-base-height", "LF2022_CBH_230_CONUS/LC22_CBH_230.tif"),
    ] {
        cmd.args(arg(k, rel));
    }
    run_ok(
        cmd.args(["--slope-units", "percent", "--moisture", "4,5,6,40,70", "--wind-speed-kmh", "25"])
            .args(["--wind-from-deg", "270", "--duration", "3h", "--ignitions"])
            .arg(&ign)
            .arg("--out")
            .arg(&out),
    );
    let s = check_products(&out, "5070", &fuel);
    assert_eq!(s["ignitions"], 2);
    // Cells inside the polygon burn at its start time (where the fuel can burn).
    let ds = Dataset::open(out.join("arrival_time_min.tif")).unwrap();
    let band = ds.rasterband(1).unwrap();
    let (px, py) = (((cx + 645.0 - g[0]) / g[1]) as isize, ((cy + 345.0 - g[3]) / g[5]) as isize);
    let v = band.read_as::<f32>((px, py), (1, 1), (1, 1), None).unwrap().data()[0];
    let fuel_ds = Dataset::open(&fuel).unwrap();
    let code = fuel_ds.rasterband(1).unwrap().read_as::<f32>((px, py), (1, 1), (1, 1), None).unwrap().data()[0];
    assert!(
        code > 100.0 && !(91.0..=99.0).contains(&code),
        "set-up: the polygon's centre cell must be burnable ({code})"
    );
    // It burns, at the polygon's start time (20 min) or earlier if the point's fire got there first.
    assert!(v != -9999.0 && v <= 20.0 + 1e-3, "cell inside the ignition polygon: arrival {v}");
}

#[test]
fn thomas_fire_outputs_open_in_its_crs() {
    let d = common::shared("landscapes/thomas_fire");
    let out = tmpdir("thomas").join("out");
    let mut cmd = emberfall();
    cmd.arg("spread").args(common::thomas_layer_args());
    run_ok(
        cmd.args(["--moisture", "3,4,6,40,70", "--wind-speed-kmh", "40", "--wind-from-deg", "45"])
            .args(["--ignite-lonlat", "-119.0883,34.4086", "--duration", "3h", "--out"])
            .arg(&out),
    );
    let s = check_products(&out, "32611", &d.join("fbfm40.tif"));
    // Crown fire and spotting are on by default: the fire type at arrival, crown fire area, embers.
    let ds = Dataset::open(out.join("crown_fire_type.tif")).unwrap();
    let (w, h) = ds.raster_size();
    let kinds = ds.rasterband(1).unwrap().read_as::<f32>((0, 0), (w, h), (w, h), None).unwrap().data().to_vec();
    let crown_cells = kinds.iter().filter(|&&k| k == 2.0 || k == 3.0).count();
    assert!(kinds.iter().all(|&k| k == 255.0 || (1.0..=3.0).contains(&k)), "fire type codes");
    // A Byte raster whose classes carry their names and colours for any GIS tool.
    let band = ds.rasterband(1).unwrap();
    assert_eq!(band.band_type(), gdal::raster::GdalDataType::UInt8);
    let table = band.color_table().expect("a colour table");
    assert!(table.entry_count() >= 4);
    let info = Command::new("gdalinfo").arg(out.join("crown_fire_type.tif")).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    for (k, name) in ["surface fire", "passive crown fire (torching)", "active crown fire"].iter().enumerate() {
        assert!(info.contains(&format!("CLASS_{}={name}", k + 1)), "class `{name}` missing: {info}");
    }
    let last = s["isochrones"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["crown_fire_cells"].as_u64().unwrap() as usize, crown_cells, "crown cells: summary vs raster");
    assert!(crown_cells > 0, "set-up: the Santa Ana fire must torch or crown somewhere");
    let sp = &s["spotting"];
    assert!(sp["embers_launched"].as_u64().unwrap() > 0, "{sp}");
    let spots = Dataset::open(out.join("spot_fires.gpkg")).unwrap();
    assert_eq!(epsg_of(&out.join("spot_fires.gpkg")), "32611");
    let mut layer = spots.layer_by_name("spot_fires").unwrap();
    assert_eq!(layer.feature_count(), sp["embers_launched"].as_u64().unwrap());
    let ignited: i64 =
        layer.features().map(|f| f.field_as_integer(f.field_index("ignited").unwrap()).unwrap().unwrap() as i64).sum();
    assert_eq!(ignited as u64, sp["spot_fires"].as_u64().unwrap(), "spot fires: summary vs gpkg");
    let report_free = Command::new("ogrinfo").args(["-so", "-al"]).arg(out.join("spot_fires.gpkg")).output().unwrap();
    let info = String::from_utf8_lossy(&report_free.stdout);
    for field in ["launch_min", "spot_min", "source_cell", "distance_m", "ignited", "fate"] {
        assert!(info.contains(field), "spot_fires.gpkg lacks {field}: {info}");
    }
}

#[test]
fn bad_input_gets_a_clear_error_and_leaves_no_files() {
    let lcp = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    let d = tmpdir("bad");
    let out = d.join("out");
    let fail = |args: &[&str], extra: &[PathBuf], want: &[&str]| {
        let o = emberfall()
            .args(["spread", "--lcp"])
            .arg(&lcp)
            .args(["--moisture", "6,7,8,60,90", "--out"])
            .arg(&out)
            .args(args)
            .args(extra)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{args:?} should fail");
        for w in want {
            assert!(err.contains(w), "{args:?}: error `{err}` should mention `{w}`");
        }
        assert!(!out.join("arrival_time_min.tif").exists(), "{args:?}: output written despite the error");
    };
    fail(&["--ignite", "1,2"], &[], &["outside the landscape"]);
    fail(&["--ignite", "718000"], &[], &["--ignite", "two coordinates"]);
    fail(&[], &[], &["no ignitions"]);
    fail(&["--ignite", "718012,5170004", "--duration", "soon"], &[], &["--duration", "soon"]);
    let bad_weather = d.join("bad_weather.csv");
    std::fs::write(&bad_weather, "time_min,wind_speed_kmh,wind_from_deg\n0,10,200\n60,fast,200\n").unwrap();
    fail(
        &["--ignite", "718012,5170004", "--weather"],
        std::slice::from_ref(&bad_weather),
        &["bad_weather.csv", "row 3", "wind_speed_kmh"],
    );
    let no_time = d.join("no_time.csv");
    std::fs::write(&no_time, "wind_speed_kmh,wind_from_deg\n10,200\n").unwrap();
    fail(&["--ignite", "718012,5170004", "--weather"], &[no_time], &["no_time.csv", "time_min"]);
    fail(&["--ignite", "718012,5170004", "--ignitions"], &[d.join("missing.gpkg")], &["missing.gpkg", "not found"]);
    fail(&["--ignite", "718012,5170004", "--foliar-moisture", "10"], &[], &["--foliar-moisture", "10"]);
    fail(&["--ignite", "718012,5170004", "--spot-delay", "1500min"], &[], &["--spot-delay", "0 and 1440"]);
    fail(&["--ignite", "718012,5170004", "--embers-per-ha-per-mw=-1"], &[], &["--embers-per-ha-per-mw", "-1"]);
    fail(&["--ignite", "718012,5170004", "--torching-species", "oak"], &[], &["--torching-species", "oak"]);
    // A duration without its unit is ambiguous: refused, both readings offered.
    fail(&["--ignite", "718012,5170004", "--duration", "6"], &[], &["--duration `6`", "6min or 6h"]);
    // Degrees given to --ignite on a landscape in metres: the error says so and names --ignite-lonlat.
    fail(&["--ignite", "-114.05,46.72"], &[], &["outside the landscape", "--ignite-lonlat -114.05,46.72"]);
    // Error rows are the file's lines as an editor shows them: comments and the header counted.
    let commented = d.join("commented.csv");
    std::fs::write(
        &commented,
        "# station KMSO\n# units: km/h\ntime_min,wind_speed_kmh,wind_from_deg\n0,10,200\n60,fast,200\n",
    )
    .unwrap();
    fail(&["--ignite", "718012,5170004", "--weather"], &[commented], &["commented.csv", "row 5", "wind_speed_kmh"]);
}

/// A vector file whose coordinates cannot be in the CRS it claims, or that has none and misses the landscape, is an
/// error that says where the file's features are and how to give it its CRS; PROJ's raw messages are not shown.
#[test]
fn vector_files_in_the_wrong_crs_say_so() {
    let lcp = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    let d = tmpdir("wrongcrs");
    let run = |file: &Path| {
        let o = emberfall()
            .args(["spread", "--lcp"])
            .arg(&lcp)
            .args(["--moisture", "6,7,8,60,90", "--duration", "10min", "--no-spotting", "--backend", "cpu"])
            .arg("--ignitions")
            .arg(file)
            .arg("--out")
            .arg(d.join("out"))
            .output()
            .unwrap();
        assert!(!o.status.success());
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    // UTM coordinates in a GeoJSON without a `crs` member (WGS 84 by RFC 7946).
    let utm = d.join("utm.geojson");
    std::fs::write(
        &utm,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[718012,5170004]}}]}"#,
    )
    .unwrap();
    let err = run(&utm);
    assert!(err.contains("utm.geojson") && err.contains("not longitudes and latitudes"), "{err}");
    assert!(err.contains("x 718012..718012, y 5170004..5170004") && err.contains("ogr2ogr -a_srs EPSG:"), "{err}");
    assert!(!err.contains("PROJ:") && !err.contains("OGR_G_Transform"), "raw GDAL messages: {err}");
    // A shapefile without its .prj whose coordinates are degrees: read in the landscape's CRS, it misses it; the
    // error gives the file's extent and says it has no CRS.
    // Degrees in a shapefile without .prj.
    let deg = d.join("deg.geojson");
    std::fs::write(
        &deg,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[-114.05,46.72]}}]}"#,
    )
    .unwrap();
    let shp = d.join("deg.shp");
    assert!(std::process::Command::new("ogr2ogr")
        .args(["-f", "ESRI Shapefile"])
        .arg(&shp)
        .arg(&deg)
        .status()
        .unwrap()
        .success());
    std::fs::remove_file(d.join("deg.prj")).unwrap();
    let err = run(&shp);
    assert!(err.contains("deg.shp") && err.contains("outside the landscape"), "{err}");
    assert!(err.contains("has no CRS") && err.contains("x -114.050000..-114.050000, y 46.720000..46.720000"), "{err}");
}

/// What a run was not told is said: no wind means calm air, a weather column Emberfall does not read is named
/// with the one it likely means, and half of the conditioning columns condition nothing.
#[test]
fn what_a_run_was_not_told_is_said() {
    let lcp = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    let d = tmpdir("untold");
    let spread = |extra: &[&str]| {
        let o = emberfall()
            .args(["spread", "--lcp"])
            .arg(&lcp)
            .args(["--moisture", "6,7,8,60,90", "--ignite", "718012,5170004", "--duration", "10min"])
            .args(["--no-spotting", "--backend", "cpu", "--out"])
            .arg(d.join("out"))
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let err = spread(&[]);
    assert!(err.contains("no wind given") && err.contains("calm air"), "{err}");
    let err = spread(&["--wind-speed-kmh", "10"]);
    assert!(!err.contains("no wind given"), "{err}");
    let w = d.join("rh.csv");
    std::fs::write(&w, "time_min,wind_speed_kmh,wind_from_deg,air_temp_c,RH\n0,10,200,25,20\n60,12,210,27,15\n")
        .unwrap();
    let err = spread(&["--weather", w.to_str().unwrap()]);
    assert!(err.contains("columns read: time_min, wind_speed_kmh, wind_from_deg, air_temp_c"), "{err}");
    assert!(err.contains("column `rh` is not read (did you mean `rh_pct`?)"), "{err}");
    assert!(err.contains("air_temp_c without rh_pct") && err.contains("NOT conditioned"), "{err}");
    assert!(!err.contains("no wind given"), "a stream gives the wind: {err}");
}

/// `spread --farsite-input FILE.input`: FARSITE's start and end times, hourly RAWS weather in English units
/// (conditioning the dead fuels from the first row, 37 h before the fire), initial moistures, foliar moisture,
/// crown fire method and spotting are taken from the file, and what Emberfall does not model is listed; the fire
/// equals the one run from the same weather written as an SI weather CSV with the same options on the command line.
#[test]
fn a_farsite_inputs_file_runs_as_its_si_equivalent() {
    let lcp = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    let d = std::env::temp_dir().join(format!("emberfall-farsite-input-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let mut raws = String::new();
    let mut csv =
        String::from("time_min,wind_speed_kmh,wind_from_deg,air_temp_c,rh_pct,precip_mm,cloud_pct,valid_time\n");
    for h in 0..48i64 {
        let temp_f = 55 + ((h + 15) % 24 - 12).abs() * 2;
        let (rh, mph, dir, cloud) = (70 - ((h + 15) % 24 - 12).abs() * 3, 5 + h % 9, 230 + h % 40, 10 * (h % 3));
        let ppt = if h == 3 { 0.05 } else { 0.0 };
        let (day, hour) = (14 + h / 24, h % 24);
        raws += &format!("2022 8 {day} {hour:02}00 {temp_f} {rh} {ppt:.2} {mph} {dir} {cloud}\n");
        csv += &format!(
            "{},{},{dir},{},{rh},{},{cloud},2022-08-{day}T{hour:02}:00:00Z\n",
            (h - 37) * 60,
            mph as f64 * 1.609344,
            (temp_f as f64 - 32.0) * 5.0 / 9.0,
            ppt * 25.4
        );
    }
    let input = format!(
        "FARSITE INPUTS FILE VERSION 1.0\nFARSITE_START_TIME: 08 15 1300\nFARSITE_END_TIME: 08 15 1900\n\
         FARSITE_TIMESTEP: 60\nFARSITE_DISTANCE_RES: 30.0\nFARSITE_PERIMETER_RES: 60.0\nFARSITE_SPOT_PROBABILITY: 0\n\
         FARSITE_BURN_PERIODS: 1\n08 15 1000 2000\n\nFUEL_MOISTURES_DATA: 1\n0 3 4 6 70 100\n\
         FOLIAR_MOISTURE_CONTENT: 120\nCROWN_FIRE_METHOD: ScottReinhardt\nRAWS_ELEVATION: 4159\nRAWS_UNITS: English\n\
         RAWS: 48\n{raws}"
    );
    std::fs::write(d.join("fire.input"), input).unwrap();
    std::fs::write(d.join("same.csv"), csv).unwrap();
    let emberfall = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_emberfall"));
        c.env("XDG_RUNTIME_DIR", std::env::temp_dir());
        c.args(["spread", "--lcp"]).arg(&lcp).args(["--ignite", "716000,5175000", "--backend", "cpu"]);
        c
    };
    let a =
        emberfall().arg("--farsite-input").arg(d.join("fire.input")).arg("--out").arg(d.join("a")).output().unwrap();
    let err = String::from_utf8_lossy(&a.stderr);
    assert!(a.status.success(), "{err}");
    for want in [
        "2022-08-15 13:00:00 to 2022-08-15 19:00:00 (6.0 h)",
        "burn periods: the fire spreads 6.0 h of the run's 6.0 h",
        "FARSITE_TIMESTEP",
        "terrain conditioning: dead fuels conditioned in",
        "the station at 1268 m",
        "conditioned from 37.0 h before the fire",
    ] {
        assert!(err.contains(want), "`{want}` not in {err}");
    }
    let b = emberfall()
        .arg("--weather")
        .arg(d.join("same.csv"))
        .args(["--moisture", "3,4,6,70,100", "--duration", "6h", "--crown-method", "scott-reinhardt"])
        .args(["--foliar-moisture", "120", "--no-spotting", "--wind-height", "20ft"])
        .args(["--conditioning", "terrain", "--station-elevation", &(4159.0 * 0.3048).to_string(), "--out"])
        .arg(d.join("b"))
        .output()
        .unwrap();
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    // A scenario whose weather stream is the same .input gets the same settings from it (crown method, foliar
    // moisture, spotting, terrain conditioning, station elevation) through the library.
    std::fs::write(d.join("f.csv"), "id,x,y,mass_kg,size_m,material,temperature_c,impact_probability\n").unwrap();
    std::fs::write(
        d.join("s.toml"),
        format!(
            "seed = 1\n[landscape]\nlcp = \"{}\"\n[weather]\nmoisture_pct = [3, 4, 6, 70, 100]\nstream = \"fire.input\"\n\
             [debris]\nfragments = \"f.csv\"\n[spread]\nduration = \"6h\"\n[output]\ndir = \"c\"\n",
            lcp.display()
        ),
    )
    .unwrap();
    let mut sc = emberfall::run::scenario::Scenario::load(&d.join("s.toml")).unwrap();
    assert_eq!(sc.spread.crown, emberfall::physics::crown::CrownMethod::ScottReinhardt);
    assert!(!sc.spotting.enabled && sc.weather.foliar_moisture_pct == 120.0);
    assert!(sc.notes.iter().any(|n| n.contains("FARSITE_TIMESTEP")), "{:?}", sc.notes);
    sc.debris = None;
    sc.ignitions = vec![emberfall::run::scenario::IgnitionSpec::Point { x: 716000.0, y: 5175000.0, t_min: 0.0 }];
    sc.backend = emberfall::gpu::Backend::Cpu;
    emberfall::run::run_scenario(sc, &mut |_| {}).unwrap();
    let read = |dir: &str| common::raster_f32(&d.join(dir).join("arrival_time_min.tif"));
    let (x, y, z) = (read("a"), read("b"), read("c"));
    let burned = x.iter().filter(|v| v.is_finite() && **v >= 0.0 && **v < 1e6).count();
    assert!(burned > 20, "{burned}");
    assert_eq!(x.len(), y.len());
    for (p, q) in x.iter().zip(&y) {
        assert!(p == q || (p - q).abs() < 1e-3 || (p.is_nan() && q.is_nan()), "{p} {q}");
    }
    // The scenario's fire is the --farsite-input one, cell by cell.
    assert_eq!(x.len(), z.len());
    for (p, q) in x.iter().zip(&z) {
        assert!(p == q || (p.is_nan() && q.is_nan()), "{p} {q}");
    }
}

/// FARSITE's burn periods: a three-day .input whose fire may burn only 13:00-16:00, 12:00-15:00 and 13:00-15:00
/// (`1300 1559` and so on: the end minute burns) gives the same fire as its weather cut to those hours: a CSV whose
/// rows are the hours in force while burning, re-timed end to end, carrying the moistures the dead fuels have then
/// (conditioned through the nights in between), run for the 8 h of burning. Arrival times come back as clock
/// minutes from FARSITE_START_TIME, and none falls outside a burn period.
#[test]
fn burn_periods_give_the_fire_of_the_weather_cut_to_them() {
    use emberfall::physics::behavior::{Weather, WindHeight};
    let lcp = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    let d = tmpdir("burn-periods");
    let mut raws = String::new();
    for h in 0..96i64 {
        let hod = h % 24;
        let temp_f = 50 + (12 - (hod - 14).abs()).max(0) * 3;
        let rh = 80 - (12 - (hod - 14).abs()).max(0) * 4;
        let (mph, dir, cloud) = (6 + h % 7, 200 + (h * 7) % 60, 20 * (h % 4));
        let ppt = if h == 30 { 0.08 } else { 0.0 };
        raws += &format!("2022 8 {} {hod:02}00 {temp_f} {rh} {ppt:.2} {mph} {dir} {cloud}\n", 14 + h / 24);
    }
    let input = d.join("fire.input");
    std::fs::write(
        &input,
        format!(
            "FARSITE INPUTS FILE VERSION 1.0\nFARSITE_START_TIME: 08 15 1300\nFARSITE_END_TIME: 08 17 1900\n\
             FARSITE_SPOT_PROBABILITY: 0\nFARSITE_BURN_PERIODS: 3\n08 15 1300 1559\n08 16 1200 1459\n08 17 1300 1459\n\
             FUEL_MOISTURES_DATA: 1\n0 3 4 6 70 100\nFOLIAR_MOISTURE_CONTENT: 120\nCROWN_FIRE_METHOD: ScottReinhardt\n\
             RAWS_UNITS: English\nRAWS: 96\n{raws}"
        ),
    )
    .unwrap();
    // Burning intervals in clock minutes from 08-15 13:00, as the test reads FARSITE's rule.
    let burning = [(0.0, 180.0), (1380.0, 1560.0), (2880.0, 3000.0)];
    // The weather the fire meets, conditioned in clock time (rows from 08-14 00:00, 37 h before the fire).
    let base = Weather {
        moisture: emberfall::quantity::moisture_pct([3.0, 4.0, 6.0, 70.0, 100.0], "test").unwrap(),
        wind_speed_m_per_min: 0.0,
        wind_from_deg: 0.0,
        wind_height: WindHeight::TwentyFt,
    };
    let (clock_stream, _) =
        emberfall::weather::WeatherStream::from_csv_noted(&input, &base, Some(common::centre_lonlat(&lcp).1)).unwrap();
    let mut csv =
        String::from("time_min,wind_speed_kmh,wind_from_deg,m1h_pct,m10h_pct,m100h_pct,mherb_pct,mwoody_pct\n");
    let mut fire_t0 = 0.0;
    for &(s, e) in &burning {
        for p in clock_stream.periods.iter().filter(|p| p.start_min == s || (p.start_min > s && p.start_min < e)) {
            let w = p.weather;
            let m = w.moisture;
            csv += &format!(
                "{},{},{},{},{},{},70,100\n",
                fire_t0 + (p.start_min - s),
                w.wind_speed_m_per_min * 60.0 / 1000.0,
                w.wind_from_deg,
                m.dead_1h * 100.0,
                m.dead_10h * 100.0,
                m.dead_100h * 100.0
            );
        }
        fire_t0 += e - s;
    }
    assert_eq!(fire_t0, 480.0);
    assert_eq!(csv.lines().count(), 1 + 8, "one row per burning hour: {csv}");
    std::fs::write(d.join("cut.csv"), &csv).unwrap();
    let run = |extra: &[&str], out: &str| {
        let mut c = emberfall();
        c.args(["spread", "--lcp"]).arg(&lcp).args(["--ignite", "716000,5175000", "--backend", "cpu"]);
        c.args(extra).arg("--out").arg(d.join(out));
        run_ok(&mut c)
    };
    // The station's weather everywhere (the cut stream carries one set of moistures per hour).
    let err = run(&["--farsite-input", input.to_str().unwrap(), "--conditioning", "station"], "periods");
    assert!(err.contains("burn periods: the fire spreads 8.0 h of the run's 54.0 h, in 3 periods"), "{err}");
    run(
        &[
            "--weather",
            d.join("cut.csv").to_str().unwrap(),
            "--moisture",
            "3,4,6,70,100",
            "--duration",
            "480min",
            "--crown-method",
            "scott-reinhardt",
            "--foliar-moisture",
            "120",
            "--no-spotting",
            "--wind-height",
            "20ft",
        ],
        "cut",
    );
    let read = |dir: &str| common::raster_f32(&d.join(dir).join("arrival_time_min.tif"));
    let (a, b) = (read("periods"), read("cut"));
    // Fire time of the cut run to clock time: the earliest clock time with that much burning before it.
    let to_clock = |f: f64| {
        let mut acc = 0.0;
        for &(s, e) in &burning {
            if f <= acc + (e - s) {
                return s + (f - acc);
            }
            acc += e - s;
        }
        unreachable!("{f} beyond the burning")
    };
    let burned = common::burned;
    let mut per_day = [0usize; 3];
    for (p, q) in a.iter().zip(&b) {
        assert_eq!(burned(*p), burned(*q), "{p} {q}");
        if burned(*q) {
            let want = to_clock(*q as f64);
            assert!((*p as f64 - want).abs() < 0.01, "clock {p}, cut run {q} -> {want}");
            let day = burning.iter().position(|&(s, e)| *p as f64 >= s - 1e-3 && *p as f64 <= e + 1e-3);
            per_day[day.unwrap_or_else(|| panic!("arrival {p} min outside the burn periods"))] += 1;
        }
    }
    assert!(per_day.iter().all(|&n| n > 10), "the fire grew on each burn day: {per_day:?}");
}

/// FARSITE's daily `WEATHER_DATA` / `WIND_DATA` tables made hourly as FARSITE does: each day's extremes at their
/// hours exactly, the mean halfway between them (day and night), a day's rain over its rain hours only, each wind
/// row in force until the next, English units converted; and `spread --farsite-input` runs from them.
#[test]
fn daily_farsite_weather_is_made_hourly_as_farsite_does() {
    let d = tmpdir("daily-weather");
    let input = d.join("daily.input");
    std::fs::write(
        &input,
        "FARSITE INPUTS FILE VERSION 1.0\nFARSITE_START_TIME: 08 16 1200\nFARSITE_END_TIME: 08 16 1500\n\
         FARSITE_SPOT_PROBABILITY: 0\nFUEL_MOISTURES_DATA: 1\n0 3 4 6 70 100\n\
         WEATHER_DATA: 3\n8 14 0 0600 1500 52 85 70 20 4000\n8 15 10 0500 1600 50 88 80 15 4000 1800 2000\n\
         8 16 0 0600 1400 55 90 60 12 4000\nWEATHER_DATA_UNITS: English\n\
         WIND_DATA: 4\n8 14 0000 5 220 10\n8 15 1200 12 250 20\n8 16 0600 8 270 0\n8 16 1300 15 240 30\n\
         WIND_DATA_UNITS: English\n",
    )
    .unwrap();
    let f = emberfall::farsite::FarsiteInput::read(&input).unwrap();
    assert_eq!(f.raws.len(), 72);
    let at = |day: usize, hour: usize| &f.raws[(day - 14) * 24 + hour];
    assert_eq!(at(14, 0).time.to_string(), "2001-08-14 00:00:00");
    let c = |fahrenheit: f64| (fahrenheit - 32.0) * 5.0 / 9.0;
    let close = |a: f64, b: f64, what: &str| assert!((a - b).abs() < 1e-9, "{what}: {a} vs {b}");
    // Extremes at their hours.
    close(at(14, 6).air_temp_c, c(52.0), "day 14 minimum");
    close(at(14, 6).rh_pct, 70.0, "day 14 maximum humidity");
    close(at(14, 15).air_temp_c, c(85.0), "day 14 maximum");
    close(at(14, 15).rh_pct, 20.0, "day 14 minimum humidity");
    close(at(15, 5).air_temp_c, c(50.0), "day 15 minimum");
    close(at(15, 16).rh_pct, 15.0, "day 15 minimum humidity");
    // Halfway between day 16's extremes (06:00 and 14:00) and halfway through the night of the 14th (15:00 to 05:00).
    close(at(16, 10).air_temp_c, c((55.0 + 90.0) / 2.0), "day 16 10:00");
    close(at(16, 10).rh_pct, (60.0 + 12.0) / 2.0, "day 16 10:00 humidity");
    close(at(14, 22).air_temp_c, c((85.0 + 50.0) / 2.0), "night of the 14th");
    close(at(14, 22).rh_pct, (20.0 + 80.0) / 2.0, "night of the 14th, humidity");
    // Rising by day, falling by night.
    assert!(at(16, 8).air_temp_c < at(16, 9).air_temp_c && at(14, 18).air_temp_c > at(14, 19).air_temp_c);
    // 0.10 inch of rain on the 15th between 18:00 and 20:00: 1.27 mm in each of those two hours, none elsewhere.
    for (k, r) in f.raws.iter().enumerate() {
        let want = if k == 24 + 18 || k == 24 + 19 { 1.27 } else { 0.0 };
        close(r.precip_mm, want, &format!("rain at row {k}"));
    }
    // Wind rows in force until the next, mph to km/h.
    close(at(15, 11).wind_kmh, 5.0 * 1.609344, "wind before noon of the 15th");
    close(at(15, 12).wind_kmh, 12.0 * 1.609344, "wind from noon of the 15th");
    assert_eq!((at(16, 12).wind_from_deg, at(16, 12).cloud_pct), (270.0, 0.0));
    close(at(16, 13).wind_kmh, 15.0 * 1.609344, "wind from 13:00 of the 16th");
    // The fire runs from them.
    let lcp = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    let mut cmd = emberfall();
    cmd.args(["spread", "--lcp"]).arg(&lcp).args(["--ignite", "716000,5175000", "--backend", "cpu"]);
    cmd.arg("--farsite-input").arg(&input).arg("--out").arg(d.join("out"));
    let err = run_ok(&mut cmd);
    assert!(err.contains("WEATHER_DATA / WIND_DATA: 3 days and 4 wind rows made hourly"), "{err}");
    assert!(err.contains("conditioned from 60.0 h before the fire"), "{err}");
}

/// `--weather-start` re-times a time-stamped stream from the fire's clock start (its `valid_time`s), and
/// `--conditioning-start` (a duration before the fire, or a clock time) drops the rows before it: the fire equals
/// the one from the stream the test cuts and re-times itself. A conditioning start before the stream is an error.
#[test]
fn weather_start_and_conditioning_start_cut_the_stream() {
    let lcp = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    let d = tmpdir("conditioning-start");
    let row = |h: i64, time_min: i64| {
        let hod = h % 24;
        let temp = 12.0 + (12 - (hod - 14).abs()).max(0) as f64 * 1.5;
        let rh = 75.0 - (12 - (hod - 14).abs()).max(0) as f64 * 4.5;
        let rain = if h == 5 { 2.0 } else { 0.0 };
        format!(
            "{time_min},{},{},{temp},{rh},{rain},{},2022-08-{:02}T{hod:02}:00:00-07:00\n",
            10 + h % 5,
            240 + (h * 3) % 40,
            (h * 13) % 60,
            13 + h / 24
        )
    };
    let header = "time_min,wind_speed_kmh,wind_from_deg,air_temp_c,rh_pct,precip_mm,cloud_pct,valid_time\n";
    // The stream as given: times from its first row (08-13 00:00); the fire starts at row 36 (08-14 12:00).
    let given: String = header.to_string() + &(0..=48).map(|h| row(h, h * 60)).collect::<String>();
    // As the test cuts it: conditioning from 24 h before the fire (row 12), times from the fire's start.
    let cut: String = header.to_string() + &(12..=48).map(|h| row(h, (h - 36) * 60)).collect::<String>();
    std::fs::write(d.join("given.csv"), given).unwrap();
    std::fs::write(d.join("cut.csv"), cut).unwrap();
    let run = |csv: &str, extra: &[&str], out: &str| {
        let mut c = emberfall();
        c.args(["spread", "--lcp"]).arg(&lcp).args(["--ignite", "716000,5175000", "--backend", "cpu"]);
        c.args(["--moisture", "8,9,10,70,100", "--duration", "6h", "--no-spotting", "--weather"]).arg(d.join(csv));
        c.args(extra).arg("--out").arg(d.join(out));
        c.output().unwrap()
    };
    let ok = |o: std::process::Output| {
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{err}");
        err
    };
    let err = ok(run(
        "given.csv",
        &["--weather-start", "2022-08-14T12:00:00-07:00", "--conditioning-start", "24h"],
        "duration",
    ));
    assert!(err.contains("conditioning starts 24.0 h before the fire (12 earlier rows not used)"), "{err}");
    ok(run(
        "given.csv",
        &["--weather-start", "2022-08-14T12:00:00-07:00", "--conditioning-start", "2022-08-13T12:00:00-07:00"],
        "clock",
    ));
    ok(run("cut.csv", &[], "cut"));
    let read = |dir: &str| common::raster_f32(&d.join(dir).join("arrival_time_min.tif"));
    let want = read("cut");
    assert!(want.iter().filter(|v| (0.0..1e6).contains(*v)).count() > 20);
    for dir in ["duration", "clock"] {
        assert_eq!(read(dir), want, "{dir}");
    }
    let bad = run("given.csv", &["--weather-start", "2022-08-14T12:00:00-07:00", "--conditioning-start", "48h"], "bad");
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success() && err.contains("the stream starts 36.0 h before it"), "{err}");
    assert!(!d.join("bad").exists());
}

/// FARSITE inputs as FARSITE's own examples write them: custom fuel models in a `CUSTOM_FUELS_DATA` block (read as
/// .fmd rows, English units converted: 0.74 t/ac = 0.74 x 2000 lb x 0.45359237 kg/lb / (43 560 ft2 x 0.3048^2 m2/ft2)
/// = 0.74 x 0.2241702 kg/m2, 3500 1/ft = 3500 / 0.3048 1/m, 1 ft =
/// 0.3048 m), weather in a `RAWS_FILE` beside the file, and a block Emberfall does not read skipped and listed.
#[test]
fn farsite_inputs_with_custom_fuels_and_a_raws_file() {
    let d = tmpdir("farsite-extras");
    let mut raws = String::from("RAWS_ELEVATION: 1000\nRAWS_UNITS: English\nRAWS: 30\n");
    for h in 0..30 {
        raws += &format!("2013 5 {} {:02}00 70 30 0.00 6 225 10\n", 2 + h / 24, h % 24);
    }
    std::fs::write(d.join("station.raws"), raws).unwrap();
    let input = d.join("extras.input");
    std::fs::write(
        &input,
        "FARSITE INPUTS FILE VERSION 1.0\nFARSITE_START_TIME: 05 03 0000\nFARSITE_END_TIME: 05 03 0400\n\
         SOME_FUTURE_BLOCK: 2\n1 2 3\n4 5 6\n\
         CUSTOM_FUELS_DATA: 2\n\
         28 FM1  0.740  0.000  0.000  0.000  0.000 static 3500 1800 1500  1.000 12 8000 8000   Short Grass\n\
         29 FM5  1.000  0.500  0.000  0.000  2.000 static 2000 1800 1500  2.000 20 8000 8000   Short Brush\n\
         FUEL_MOISTURES_DATA: 1\n0 3 4 6 70 100\nRAWS_FILE: station.raws\n",
    )
    .unwrap();
    let f = emberfall::farsite::FarsiteInput::read(&input).unwrap();
    assert_eq!(f.raws.len(), 30);
    assert!((f.raws_elevation_m.unwrap() - 304.8).abs() < 1e-9);
    assert!(f.ignored.iter().any(|i| i.starts_with("SOME_FUTURE_BLOCK 2 (2 rows)")), "{:?}", f.ignored);
    let models = emberfall::physics::fuel::read_fmd(&input).unwrap();
    assert_eq!(models.len(), 2);
    let m = &models[0];
    assert_eq!((m.number, m.code.as_str()), (28, "FM1"));
    let t_per_ac: f64 = 2000.0 * 0.453_592_37 / (43_560.0 * 0.3048 * 0.3048);
    assert!((t_per_ac - 0.224_170_2).abs() < 1e-7);
    assert!((m.load_kg_per_m2[0] - 0.74 * t_per_ac).abs() < 1e-12);
    assert!((m.sav_1h_per_m - 3500.0 / 0.3048).abs() < 1e-6);
    assert!((m.depth_m - 0.3048).abs() < 1e-12 && (m.mx_dead_frac - 0.12).abs() < 1e-12);
    assert!((models[1].load_kg_per_m2[4] - 2.0 * t_per_ac).abs() < 1e-12);
    // A row of a RAWS_FILE that is wrong names that file and line.
    std::fs::write(d.join("station.raws"), "RAWS_UNITS: English\n2013 5 2 0000 70 30 0.00 6 225\n").unwrap();
    let e = emberfall::farsite::FarsiteInput::read(&input).unwrap_err().to_string();
    assert!(e.contains("station.raws") && e.contains("line 2") && e.contains("9 values"), "{e}");
}

/// `FARSITE_ATM_FILE`: gridded winds (WindNinja's ATM file of speed and direction grids, ESRI ASCII with their
/// .prj, written here with GDAL) replace the RAWS winds from their times on: the fire equals the one whose RAWS rows
/// carry those winds themselves.
#[test]
fn farsite_atm_gridded_winds_replace_the_raws_winds() {
    let lcp = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    let d = tmpdir("atm");
    let src = Dataset::open(&lcp).unwrap();
    let (c, r) = src.raster_size();
    let g = src.geo_transform().unwrap();
    let grid = |name: &str, value: f64| {
        let mem = gdal::DriverManager::get_driver_by_name("MEM").unwrap();
        let (gc, gr) = (c / 10 + 2, r / 10 + 2);
        let mut ds = mem.create_with_band_type::<f32, _>("", gc, gr, 1).unwrap();
        ds.set_geo_transform(&[g[0] - 300.0, 300.0, 0.0, g[3] + 300.0, 0.0, -300.0]).unwrap();
        ds.set_spatial_ref(&src.spatial_ref().unwrap()).unwrap();
        let mut buf = gdal::raster::Buffer::new((gc, gr), vec![value as f32; gc * gr]);
        ds.rasterband(1).unwrap().write((0, 0), (gc, gr), &mut buf).unwrap();
        let asc = gdal::DriverManager::get_driver_by_name("AAIGrid").unwrap();
        ds.create_copy(&asc, d.join(name), &gdal::raster::RasterCreationOptions::new()).unwrap();
    };
    grid("s1.asc", 9.0);
    grid("d1.asc", 250.0);
    grid("s2.asc", 14.0);
    grid("d2.asc", 200.0);
    std::fs::write(d.join("w.atm"), "WINDS_AND_CLOUDS\nENGLISH\n08 14 0000 s1.asc d1.asc\n08 15 1500 s2.asc d2.asc\n")
        .unwrap();
    let (mut with_atm, mut as_raws) = (String::new(), String::new());
    for h in 0..42 {
        let (day, hour) = (14 + h / 24, h % 24);
        let (mph, dir) = if (day, hour) >= (15, 15) { (14, 200) } else { (9, 250) };
        with_atm += &format!("2022 8 {day} {hour:02}00 78 28 0.00 3 90 10\n");
        as_raws += &format!("2022 8 {day} {hour:02}00 78 28 0.00 {mph} {dir} 10\n");
    }
    let input = |raws: &str, atm: bool| {
        format!(
            "FARSITE INPUTS FILE VERSION 1.0\nFARSITE_START_TIME: 08 15 1300\nFARSITE_END_TIME: 08 15 1900\n\
             FARSITE_SPOT_PROBABILITY: 0\nFUEL_MOISTURES_DATA: 1\n0 4 5 6 70 100\n{}RAWS_UNITS: English\nRAWS: 42\n{raws}",
            if atm { "FARSITE_ATM_FILE: w.atm\n" } else { "" }
        )
    };
    std::fs::write(d.join("atm.input"), input(&with_atm, true)).unwrap();
    std::fs::write(d.join("raws.input"), input(&as_raws, false)).unwrap();
    let run = |f: &str, out: &str| {
        let mut cmd = emberfall();
        cmd.args(["spread", "--lcp"]).arg(&lcp).args(["--ignite", "716000,5175000", "--backend", "cpu"]);
        cmd.args(["--conditioning", "station", "--farsite-input"]).arg(d.join(f)).arg("--out").arg(d.join(out));
        run_ok(&mut cmd)
    };
    let err = run("atm.input", "atm");
    assert!(err.contains("gridded winds from") && err.contains("(2 of its 2 times used; mph, 20 ft)"), "{err}");
    run("raws.input", "raws");
    let read = |dir: &str| common::raster_f32(&d.join(dir).join("arrival_time_min.tif"));
    let n = common::assert_same_fire(&read("atm"), &read("raws"), 0.05);
    assert!(n > 20, "{n} cells burned");
}

/// A daily humidity above FARSITE's 99 % is taken as 99 % with a note naming the line and the value, not silently.
#[test]
fn a_daily_humidity_above_99_pct_is_noted() {
    let d = tmpdir("daily-rh");
    let input = d.join("wet.input");
    std::fs::write(
        &input,
        "FARSITE INPUTS FILE VERSION 1.0\nFARSITE_START_TIME: 08 15 1200\nFARSITE_END_TIME: 08 15 1500\n\
         FUEL_MOISTURES_DATA: 1\n0 3 4 6 70 100\n\
         WEATHER_DATA: 2\n8 14 0 0600 1500 52 85 100 20 4000\n8 15 0 0600 1500 52 85 70 20 4000\n\
         WEATHER_DATA_UNITS: English\nWIND_DATA: 1\n8 14 0000 5 220 10\nWIND_DATA_UNITS: English\n",
    )
    .unwrap();
    let f = emberfall::farsite::FarsiteInput::read(&input).unwrap();
    assert!(
        f.notes.iter().any(|n| n.contains("line 7") && n.contains("maximum humidity 100 % taken as 99 %")),
        "{:?}",
        f.notes
    );
    assert_eq!(f.notes.len(), 1, "{:?}", f.notes);
}

/// The incident run: assets from a vector file timed from the arrival raster itself, clock times from `--start` in
/// every product, the report (Markdown and HTML), the QGIS project and the field package.
#[test]
fn an_incident_run_times_its_assets_in_clock_time() {
    let lcp = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    let d = tmpdir("incident");
    // "camp" lies 200 m north of the ignition, where the fire goes; "lookout" 5 km to the south-west.
    let assets = d.join("assets.geojson");
    std::fs::write(
        &assets,
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32611"}},
"features":[
{"type":"Feature","properties":{"name":"camp"},"geometry":{"type":"Point","coordinates":[718078.0,5170208.0]}},
{"type":"Feature","properties":{"name":"lookout"},"geometry":{"type":"Point","coordinates":[712500.0,5168500.0]}}]}"#,
    )
    .unwrap();
    let out = d.join("out");
    run_ok(
        emberfall()
            .args(["spread", "--lcp"])
            .arg(&lcp)
            .args(["--moisture", "3,4,5,30,60", "--ignite", "718012.3,5170004.1", "--wind-speed-kmh", "30"])
            .args(["--wind-from-deg", "250", "--duration", "3h", "--isochrone-interval", "1h", "--no-spotting"])
            .args(["--start", "2024-08-01T13:30:00-06:00", "--assets"])
            .arg(&assets)
            .arg("--out")
            .arg(&out),
    );
    let t0 = chrono::DateTime::parse_from_rfc3339("2024-08-01T13:30:00-06:00").unwrap();
    let clock_min = |s: &str| (chrono::DateTime::parse_from_rfc3339(s).unwrap() - t0).num_seconds() as f64 / 60.0;
    // The arrival at the camp is the arrival raster's value in the cell holding its point.
    let ds = Dataset::open(out.join("arrival_time_min.tif")).unwrap();
    let gt = ds.geo_transform().unwrap();
    let (col, row) = (((718078.0 - gt[0]) / gt[1]) as isize, ((5170208.0 - gt[3]) / gt[5]) as isize);
    let want = ds.rasterband(1).unwrap().read_as::<f32>((col, row), (1, 1), (1, 1), None).unwrap().data()[0] as f64;
    assert!(want > 0.0 && want < 180.0, "the camp burns within the run ({want})");
    let rows = common::read_csv_rows(&out.join("assets.csv"));
    assert_eq!(rows.len(), 2);
    let (camp, lookout) = (&rows[0], &rows[1]);
    assert_eq!((camp["asset"].as_str(), camp["reached"].as_str()), ("camp", "1"));
    let got: f64 = camp["arrival_min"].parse().unwrap();
    assert!((got - want).abs() < 1e-3, "camp: {got} vs the raster's {want}");
    assert!((clock_min(&camp["arrival_local"]) - want).abs() <= 0.5 / 60.0 + 1e-9, "{}", camp["arrival_local"]);
    assert!(camp["arrival_local"].ends_with("-06:00") && camp["arrival_utc"].ends_with('Z'));
    assert!((clock_min(&camp["arrival_utc"]) - want).abs() <= 0.5 / 60.0 + 1e-9, "{}", camp["arrival_utc"]);
    assert_eq!(
        (lookout["asset"].as_str(), lookout["reached"].as_str(), lookout["arrival_min"].as_str()),
        ("lookout", "0", "")
    );
    let gap: f64 = lookout["nearest_fire_m"].parse().unwrap();
    assert!(gap > 1000.0, "the lookout is far upwind: {gap} m");
    // summary.json: the start, the assets, clock times of the isochrones.
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["start"]["utc"], "2024-08-01T19:30:00Z");
    assert_eq!(s["assets"][0]["asset"], "camp");
    for iso in s["isochrones"].as_array().unwrap() {
        let t = iso["time_min"].as_f64().unwrap();
        assert!((clock_min(iso["time_local"].as_str().unwrap()) - t).abs() < 1e-9, "{iso}");
    }
    let gj: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("isochrones.geojson")).unwrap()).unwrap();
    let f = &gj["features"][0]["properties"];
    assert_eq!(f["time_local"], "2024-08-01T14:30:00-06:00");
    assert_eq!(f["time_utc"], "2024-08-01T20:30:00Z");
    // The report: the start, the assets' table with clock times; the HTML with the map inside it.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("- Start (minute 0): 2024-08-01 13:30:00 -06:00 (2024-08-01 19:30:00 UTC)"), "{md}");
    assert!(md.contains("## Assets") && md.contains("| camp | ") && md.contains("| lookout | not reached |"), "{md}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<td>camp</td>") && html.contains("src=\"data:image/png;base64,"), "report.html");
    // The QGIS project: every layer's source opens, the assets among them.
    let mut z = zip::ZipArchive::new(std::fs::File::open(out.join("run.qgz")).unwrap()).unwrap();
    let mut qgs = String::new();
    std::io::Read::read_to_string(&mut z.by_index(0).unwrap(), &mut qgs).unwrap();
    let sources: Vec<&str> =
        qgs.split("<datasource>").skip(1).map(|r| &r[..r.find("</datasource>").unwrap()]).collect();
    assert!(sources.len() >= 6, "{sources:?}");
    for src in &sources {
        let (file, layer) = src.split_once("|layername=").map_or((*src, None), |(f, l)| (f, Some(l)));
        let ds = Dataset::open(out.join(file.trim_start_matches("./"))).unwrap();
        if let Some(l) = layer {
            assert!(ds.layer_by_name(l).is_ok(), "{src}");
        }
    }
    assert!(sources.iter().any(|s| s.contains("assets.gpkg")) && sources.contains(&"./arrival_time_min.tif"));
    // The field package: WGS 84 placemarks of the perimeters, the assets named with their arrival, the ignition.
    let kmz = Dataset::open(out.join("field_package.kmz")).unwrap();
    let (lon, lat) = common::centre_lonlat(&lcp);
    let mut perimeters = kmz.layer_by_name("perimeters").unwrap();
    assert_eq!(perimeters.feature_count(), 3);
    for f in perimeters.features() {
        let e = f.geometry().unwrap().envelope();
        assert!((e.MinX - lon).abs() < 1.0 && (e.MinY - lat).abs() < 1.0, "not longitudes and latitudes: {e:?}");
    }
    let mut a = kmz.layer_by_name("assets").unwrap();
    let names: Vec<String> =
        a.features().map(|f| f.field_as_string(f.field_index("Name").unwrap()).unwrap().unwrap()).collect();
    assert!(names[0].starts_with("camp: ") && names[0].contains(" min (") && names[0].contains("UTC"), "{names:?}");
    assert!(names[1].starts_with("lookout: not reached"), "{names:?}");
    assert_eq!(kmz.layer_by_name("ignitions").unwrap().feature_count(), 1);
}

/// `--map-extent landscape` frames the whole landscape whatever the fire; the default frames the fire.
#[test]
fn map_extent_landscape_frames_the_whole_landscape() {
    let lcp = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    let d = tmpdir("extent");
    let run = |ignite: &str, extent: &str, out: &str| {
        run_ok(
            emberfall()
                .args(["spread", "--lcp"])
                .arg(&lcp)
                .args(["--moisture", "3,4,5,30,60", "--ignite", ignite, "--duration", "30min", "--no-spotting"])
                .args(["--map-extent", extent, "--backend", "cpu", "--out"])
                .arg(d.join(out)),
        );
        image::image_dimensions(d.join(out).join("arrival_time.png")).unwrap()
    };
    let a = run("718012.3,5170004.1", "landscape", "a");
    let b = run("712000,5176000", "landscape", "b");
    assert_eq!(a, b, "the whole landscape either way");
    let fire = run("718012.3,5170004.1", "fire", "c");
    assert_ne!(fire, a, "a 30-min fire's map is framed on it");
}
