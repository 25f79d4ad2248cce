//! Gridded wind (one speed and one direction raster per weather row, as WindNinja writes): a uniform grid equals
//! the uniform wind; a grid with opposite winds in two halves drives the two fires opposite ways; bad files are
//! named.

use std::path::{Path, PathBuf};

use emberfall::gpu::Engine;
use emberfall::landscape::Landscape;
use emberfall::physics::behavior::{Cells, Weather, WindHeight, NODATA};
use emberfall::physics::surface::Moisture;
use emberfall::spread::sources::{Shape, Source};
use emberfall::spread::{simulate, SpreadOptions};
use emberfall::weather::{wind_grids_from_csv, WeatherStream};

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("emberfall-wind-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A raster on a coarser 60 m grid over the landscape (UTM 11N), values from `f(col, row)`.
fn raster(path: &Path, f: impl Fn(usize, usize) -> f32) {
    let drv = gdal::DriverManager::get_driver_by_name("GTiff").unwrap();
    let (w, h) = (60, 60);
    let mut ds = drv.create_with_band_type::<f32, _>(path, w, h, 1).unwrap();
    ds.set_geo_transform(&[500_000.0, 60.0, 0.0, 4_000_000.0, 0.0, -60.0]).unwrap();
    ds.set_spatial_ref(&gdal::spatial_ref::SpatialRef::from_epsg(32611).unwrap()).unwrap();
    let v: Vec<f32> = (0..w * h).map(|i| f(i % w, i / w)).collect();
    let mut buf = gdal::raster::Buffer::new((w, h), v);
    ds.rasterband(1).unwrap().write((0, 0), (w, h), &mut buf).unwrap();
}

fn base() -> Weather {
    Weather {
        moisture: Moisture::from_percent([6.0, 7.0, 8.0, 60.0, 90.0]),
        wind_speed_m_per_min: 10_000.0 / 60.0,
        wind_from_deg: 30.0,
        wind_height: WindHeight::Midflame,
    }
}

type Grids = Vec<Option<std::sync::Arc<emberfall::weather::WindGrid>>>;

fn spread_on(engine: &Engine, ls: &Landscape, sources: &[Source], stream: &WeatherStream, grids: Grids) -> Vec<f32> {
    let cells = Cells::from_landscape(ls).unwrap();
    let opts = SpreadOptions { duration_min: 120.0, wind_grids: grids, ..Default::default() };
    simulate(engine, ls, &cells, sources, stream, &opts, &mut |_, _| {}).unwrap().rasters().arrival_min
}

fn spread(ls: &Landscape, sources: &[Source], stream: &WeatherStream, grids: Grids) -> Vec<f32> {
    spread_on(&Engine::Cpu, ls, sources, stream, grids)
}

#[test]
fn a_uniform_wind_grid_equals_the_uniform_wind() {
    let d = tmpdir("uniform");
    raster(&d.join("speed.tif"), |_, _| 10.0);
    raster(&d.join("dir.tif"), |_, _| 30.0);
    let csv = d.join("weather.csv");
    std::fs::write(
        &csv,
        "time_min,wind_speed_kmh,wind_from_deg,wind_speed_raster,wind_from_raster\n0,0,0,speed.tif,dir.tif\n",
    )
    .unwrap();
    let ls = Landscape::uniform(100, 100, 30.0, 32611, 102, 0.0, -1.0).unwrap();
    let (x, y) = ls.grid.cell_center(60, 60);
    let src = [Source { shape: Shape::Point(x + 3.0, y - 2.0), t_min: 0.0 }];
    let stream = WeatherStream::from_csv(&csv, &base()).unwrap();
    let grids = wind_grids_from_csv(&csv, &ls.grid).unwrap();
    assert!(grids[0].is_some());
    let gridded = spread(&ls, &src, &stream, grids.clone());
    let uniform = spread(&ls, &src, &WeatherStream::constant(base()), Vec::new());
    // The GPU sweeps with gridded wind (its spread parameters then come from the CPU twin).
    let gpu = emberfall::gpu::Engine::select(emberfall::gpu::Backend::Gpu).expect("a wgpu adapter (lavapipe)");
    let on_gpu = spread_on(&gpu, &ls, &src, &stream, grids);
    for (a, b) in on_gpu.iter().zip(&gridded) {
        assert_eq!(*a == NODATA, *b == NODATA);
        assert!((a - b).abs() <= 1e-3 * b.max(1.0), "gpu {a} vs cpu {b}");
    }
    let mut n = 0;
    for (a, b) in gridded.iter().zip(&uniform) {
        assert_eq!(*a == NODATA, *b == NODATA);
        if *a != NODATA {
            assert!((a - b).abs() <= 1e-4 * b.max(1.0), "{a} vs {b}");
            n += 1;
        }
    }
    assert!(n > 500, "set-up: fire of {n} cells");
}

#[test]
fn opposite_winds_in_two_halves_drive_the_fires_opposite_ways() {
    let d = tmpdir("halves");
    // 60 m raster cells: the west half (x < 1800 m) wind from the north, the east half from the south.
    raster(&d.join("speed.tif"), |_, _| 15.0);
    raster(&d.join("dir.tif"), |c, _| if c < 30 { 0.0 } else { 180.0 });
    let csv = d.join("weather.csv");
    std::fs::write(
        &csv,
        "time_min,wind_speed_kmh,wind_from_deg,wind_speed_raster,wind_from_raster\n0,0,0,speed.tif,dir.tif\n",
    )
    .unwrap();
    let ls = Landscape::uniform(120, 120, 30.0, 32611, 102, 0.0, -1.0).unwrap();
    let (wx, wy) = ls.grid.cell_center(60, 30);
    let (ex, ey) = ls.grid.cell_center(60, 90);
    let src = [Source { shape: Shape::Point(wx, wy), t_min: 0.0 }, Source { shape: Shape::Point(ex, ey), t_min: 0.0 }];
    let stream = WeatherStream::from_csv(&csv, &base()).unwrap();
    let arr = spread(&ls, &src, &stream, wind_grids_from_csv(&csv, &ls.grid).unwrap());
    // Rows reached north and south of each ignition.
    let reach = |col: usize| {
        let rows: Vec<usize> = (0..120).filter(|&r| arr[r * 120 + col] != NODATA).collect();
        (60 - rows.first().unwrap(), rows.last().unwrap() - 60)
    };
    let (w_north, w_south) = reach(30);
    let (e_north, e_south) = reach(90);
    assert!(w_south > 3 * w_north, "west fire (wind from the north): {w_north} cells north, {w_south} south");
    assert!(e_north > 3 * e_south, "east fire (wind from the south): {e_north} cells north, {e_south} south");
}

#[test]
fn bad_wind_grids_are_named() {
    let d = tmpdir("bad");
    let ls = Landscape::uniform(20, 20, 30.0, 32611, 102, 0.0, -1.0).unwrap();
    let check = |body: &str, want: &[&str]| {
        let csv = d.join("w.csv");
        std::fs::write(&csv, body).unwrap();
        let e = wind_grids_from_csv(&csv, &ls.grid).unwrap_err().to_string();
        for w in want {
            assert!(e.contains(w), "error `{e}` should mention `{w}`");
        }
    };
    check(
        "time_min,wind_speed_kmh,wind_from_deg,wind_speed_raster,wind_from_raster\n0,5,0,missing.tif,dir.tif\n",
        &["missing.tif", "row 2", "wind_speed_raster", "not found"],
    );
    check("time_min,wind_speed_kmh,wind_from_deg,wind_speed_raster\n0,5,0,speed.tif\n", &["w.csv", "row 2", "both"]);
}
