//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The reference data folder `../shared` (or `$EMBERFALL_SHARED`). Panics with a clear message when missing:
/// these tests compare against independent references and must not pass silently without them.
pub fn shared_dir() -> PathBuf {
    let dir = std::env::var_os("EMBERFALL_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("shared"));
    if !dir.join("oracle").is_dir() {
        panic!(
            "reference data not found at {}: these tests need the project's ../shared folder \
             (or set EMBERFALL_SHARED to its path)",
            dir.display()
        );
    }
    dir
}

/// A file inside the shared folder.
pub fn shared(rel: &str) -> PathBuf {
    let p = shared_dir().join(rel);
    assert!(p.exists(), "shared reference file missing: {}", p.display());
    p
}

/// A CSV file as rows of (header -> field).
pub fn read_csv_rows(path: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut rdr = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let h = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            h.iter().zip(r.iter()).map(|(a, b)| (a.to_string(), b.to_string())).collect()
        })
        .collect()
}

/// Compare every column of `got` (rows keyed by `key`) with the same column of `want`: within `rel` relative or
/// `abs` absolute, NaN and infinities exactly where the reference has them, columns in `exact` equal, columns in
/// `skip` not compared, empty cells exactly where the reference has them. Every reference row must be present. Returns the number of values compared; panics with the
/// first ten mismatches (row, column, got, want).
pub fn compare_tables(
    got: &std::path::Path,
    want: &std::path::Path,
    key: &str,
    rel: f64,
    abs: f64,
    exact: &[&str],
    skip: &[&str],
) -> usize {
    let got_rows = read_csv_rows(got);
    let want_rows = read_csv_rows(want);
    let by_key: std::collections::HashMap<&str, &std::collections::HashMap<String, String>> =
        got_rows.iter().map(|r| (r[key].as_str(), r)).collect();
    assert_eq!(got_rows.len(), want_rows.len(), "row count");
    let mut bad = Vec::new();
    let mut compared = 0;
    for w in &want_rows {
        let id = &w[key];
        let g = by_key.get(id.as_str()).unwrap_or_else(|| panic!("{key} {id} missing from the output"));
        for (col, gv) in g.iter() {
            if col == key || skip.contains(&col.as_str()) {
                continue;
            }
            let wv = w.get(col).unwrap_or_else(|| panic!("output column `{col}` is not in the reference"));
            compared += 1;
            let ok = if exact.contains(&col.as_str()) {
                gv == wv || gv.parse::<f64>().ok() == wv.parse::<f64>().ok()
            } else if gv.is_empty() || wv.is_empty() {
                gv == wv
            } else {
                let (a, b): (f64, f64) = (gv.parse().unwrap(), wv.parse().unwrap());
                if b.is_nan() {
                    a.is_nan()
                } else if b.is_infinite() {
                    a == b
                } else {
                    a.is_finite() && ((a - b).abs() <= abs || (a - b).abs() <= rel * b.abs())
                }
            };
            if !ok {
                bad.push(format!("{key} {id} `{col}`: got {gv}, reference {wv}"));
            }
        }
    }
    assert!(bad.is_empty(), "{} of {compared} values differ:\n{}", bad.len(), bad[..bad.len().min(10)].join("\n"));
    compared
}

/// A fresh, empty folder under the system's temporary folder, unique to this process and `name`.
pub fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("emberfall-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A uniform forest made from one row of ../shared/oracle/crown_fire_reference.csv: the row, a flat landscape of its
/// fuel and canopy, its weather (20-ft wind from `wind_from_deg`) and Scott & Reinhardt options at its foliar
/// moisture.
pub struct CrownCase {
    pub row: std::collections::HashMap<String, String>,
    pub ls: emberfall::landscape::Landscape,
    pub weather: emberfall::physics::behavior::Weather,
    pub surface: emberfall::physics::surface::SurfaceOptions,
}

impl CrownCase {
    /// Column `k` of the row as a number.
    pub fn num(&self, k: &str) -> f64 {
        self.row[k].parse::<f64>().unwrap_or_else(|_| panic!("column {k}: {}", self.row[k]))
    }
}

/// [`CrownCase`] of reference case `case_id` on `rows` x `cols` cells of `cell_m`.
pub fn crown_case(case_id: &str, rows: usize, cols: usize, cell_m: f64, wind_from_deg: f64) -> CrownCase {
    use emberfall::physics::behavior::{Weather, WindHeight};
    use emberfall::physics::surface::{Moisture, SurfaceOptions};
    let table = read_csv_rows(&shared("oracle/crown_fire_reference.csv"));
    let row = table.into_iter().find(|r| r["case_id"] == case_id).expect("case in the crown fire reference");
    let num = |k: &str| row[k].parse::<f64>().unwrap_or_else(|_| panic!("column {k}: {}", row[k]));
    let mut ls =
        emberfall::landscape::Landscape::uniform(rows, cols, cell_m, 32611, num("fuel_model") as u16, 0.0, -1.0)
            .unwrap();
    let n = rows * cols;
    ls.canopy_cover_frac = Some(vec![(num("canopy_cover_pct") / 100.0) as f32; n]);
    ls.canopy_height_m = Some(vec![num("canopy_height_m") as f32; n]);
    ls.canopy_base_height_m = Some(vec![num("canopy_base_height_m") as f32; n]);
    ls.canopy_bulk_density_kg_per_m3 = Some(vec![num("canopy_bulk_density_kg_m3") as f32; n]);
    let weather = Weather {
        moisture: Moisture::from_percent(["m1h_pct", "m10h_pct", "m100h_pct", "mherb_pct", "mwoody_pct"].map(num)),
        wind_speed_m_per_min: num("wind20ft_km_h") * 1000.0 / 60.0,
        wind_from_deg,
        wind_height: WindHeight::TwentyFt,
    };
    let surface = SurfaceOptions {
        crown: emberfall::physics::crown::CrownMethod::ScottReinhardt,
        foliar_moisture_frac: num("foliar_moisture_pct") / 100.0,
        ..Default::default()
    };
    CrownCase { row, ls, weather, surface }
}

/// Band 1 of a raster as f32, in raster order.
pub fn raster_f32(path: &std::path::Path) -> Vec<f32> {
    let ds = gdal::Dataset::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (c, r) = ds.raster_size();
    ds.rasterband(1).unwrap().read_as::<f32>((0, 0), (c, r), (c, r), None).unwrap().into_shape_and_vec().1
}

/// Longitude and latitude of the centre of a raster, degrees.
pub fn centre_lonlat(path: &std::path::Path) -> (f64, f64) {
    use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
    let ds = gdal::Dataset::open(path).unwrap();
    let g = ds.geo_transform().unwrap();
    let (c, r) = ds.raster_size();
    let (mut x, mut y) = ([g[0] + g[1] * c as f64 / 2.0], [g[3] + g[5] * r as f64 / 2.0]);
    let mut geo = SpatialRef::from_epsg(4326).unwrap();
    geo.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    CoordTransform::new(&ds.spatial_ref().unwrap(), &geo).unwrap().transform_coords(&mut x, &mut y, &mut []).unwrap();
    (x[0], y[0])
}

/// Whether an arrival time (minutes) is a burned cell's (nodata and the far-future times are not).
pub fn burned(v: f32) -> bool {
    (0.0..1e6).contains(&v)
}

/// Two arrival-time rasters burn the same cells, at times within `tol_min`; returns the number of burned cells.
pub fn assert_same_fire(a: &[f32], b: &[f32], tol_min: f32) -> usize {
    assert_eq!(a.len(), b.len());
    for (p, q) in a.iter().zip(b) {
        assert_eq!(burned(*p), burned(*q), "{p} {q}");
        if burned(*p) {
            assert!((p - q).abs() < tol_min, "{p} {q}");
        }
    }
    a.iter().filter(|v| burned(**v)).count()
}

/// Every product of `whole` (but the reports, which state each run's own run time) is byte-identical in `merged`;
/// returns how many files were compared.
pub fn assert_same_products(whole: &std::path::Path, merged: &std::path::Path, what: &str) -> usize {
    let mut compared = 0;
    for e in std::fs::read_dir(whole).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name.starts_with("report") {
            continue;
        }
        let (a, b) = (std::fs::read(whole.join(&name)).unwrap(), std::fs::read(merged.join(&name)).unwrap());
        assert!(a == b, "{name} differs between the unsharded run and {what}");
        compared += 1;
    }
    compared
}

/// A local HTTP server with byte ranges (`tests/data/range_server.py`) serving `dir` on 127.0.0.1: the process
/// and its port. It logs the bytes of each response to `dir/served.log`.
pub fn range_server(dir: &std::path::Path) -> (std::process::Child, u16) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut server = std::process::Command::new("python3")
        .arg(root.join("tests/data/range_server.py"))
        .arg(dir)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 (scripts/install-deps.sh --test installs it)");
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(server.stdout.take().unwrap()), &mut line).unwrap();
    (server, line.trim().parse().unwrap())
}

/// The Thomas Fire landscape's eight layers as `spread` arguments (`--elevation FILE --fuel FILE ...`).
pub fn thomas_layer_args() -> Vec<String> {
    let d = shared("landscapes/thomas_fire");
    let mut a = Vec::new();
    for (k, f) in [
        ("--elevation", "dem.tif"),
        ("--fuel", "fbfm40.tif"),
        ("--slope", "slp.tif"),
        ("--aspect", "asp.tif"),
        ("--canopy-cover", "cc.tif"),
        ("--canopy-height", "ch.tif"),
        ("--canopy-base-height", "cbh.tif"),
        ("--canopy-bulk-density", "cbd.tif"),
    ] {
        a.push(k.to_string());
        a.push(d.join(f).display().to_string());
    }
    a
}
