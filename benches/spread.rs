//! Spread benchmark: `cargo bench --bench spread`. Prints wall time and burned cells per second for both
//! backends, with ratios against a baseline measured in the same run: a plain 8-neighbour minimum travel time
//! (Dijkstra) over the same per-cell spread parameters, the classic raster method, whose area error it also
//! prints.
//! 1. Flat GR2, 1024 x 1024 cells of 30 m, moisture 6/7/8/60/90 %, midflame wind 10 km/h from 30 deg, centre
//!    ignition, 12 h of fire.
//! 2. A 6 h fire on ../shared/landscapes/thomas_fire (2000 x 2000), lit near the Thomas Fire's origin under a
//!    Santa Ana wind.

mod common;

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

use emberfall::gpu::{Backend, Engine};
use emberfall::landscape::{Landscape, LandscapeSpec};
use emberfall::physics::behavior::{Cells, Weather, WindHeight, NODATA};
use emberfall::physics::surface::{Moisture, SurfaceOptions};
use emberfall::run::isochrone;
use emberfall::spread::params::ParamField;
use emberfall::spread::sources::{lonlat_point, Shape, Source};
use emberfall::spread::{burnable_mask, simulate, SpreadOptions, SpreadResult};
use emberfall::weather::WeatherStream;

/// Baseline: 8-neighbour Dijkstra with elliptical edge costs (trapezoid of the end cells' slowness), the
/// ignition cell burning at t = 0. Returns arrival times (NODATA beyond the duration) and seconds.
fn dijkstra_8(ls: &Landscape, cells: &Cells, w: &Weather, ignition: (f64, f64), duration: f64) -> (Vec<f32>, f64) {
    let t0 = Instant::now();
    let g = &ls.grid;
    let (rows, cols) = (g.rows, g.cols);
    let mut pf = ParamField::new(rows, cols);
    pf.set_weather(cells, w, None, None, SurfaceOptions::default()).unwrap();
    let mask = burnable_mask(cells);
    let mut t = vec![f64::INFINITY; rows * cols];
    let (r, c) = g.fractional_cell(ignition.0, ignition.1);
    let start = r.floor() as usize * cols + c.floor() as usize;
    t[start] = 0.0;
    let mut heap = BinaryHeap::new();
    heap.push(Reverse((0u64, start)));
    let (ce, cn) = (g.geotransform[1], g.geotransform[5]);
    // Time to cross (de, dn) of length d in a cell: d / R(theta), see emberfall::spread::kernel::delay.
    let slow = |p: [f32; 4], de: f64, dn: f64, d: f64| p[3] as f64 * (d - de * p[1] as f64 - dn * p[2] as f64);
    while let Some(Reverse((bits, x))) = heap.pop() {
        let tx = f64::from_bits(bits);
        if tx > t[x] || tx > duration {
            continue;
        }
        pf.ensure(cells, [x]);
        let (xr, xc) = ((x / cols) as i64, (x % cols) as i64);
        for (dc, dr) in [(0, -1), (1, -1), (1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1)] {
            let (nr, nc) = (xr + dr, xc + dc);
            if nr < 0 || nc < 0 || nr >= rows as i64 || nc >= cols as i64 {
                continue;
            }
            let n = nr as usize * cols + nc as usize;
            // A diagonal step between two non-burnable cells crosses a barrier.
            let blocked = |r: i64, c: i64| mask[r as usize * cols + c as usize] == 0;
            if mask[n] == 0 || (dc != 0 && dr != 0 && blocked(xr, nc) && blocked(nr, xc)) {
                continue;
            }
            pf.ensure(cells, [n]);
            let (px, pn) = (pf.params[x], pf.params[n]);
            if px[0] <= 0.0 || pn[0] <= 0.0 {
                continue;
            }
            let (de, dn) = (dc as f64 * ce, dr as f64 * cn);
            let d = (de * de + dn * dn).sqrt();
            let tn = tx + 0.5 * (slow(px, de, dn, d) + slow(pn, de, dn, d));
            if tn < t[n] {
                t[n] = tn;
                heap.push(Reverse((tn.to_bits(), n)));
            }
        }
    }
    let out = t.iter().map(|&v| if v <= duration { v as f32 } else { NODATA }).collect();
    (out, t0.elapsed().as_secs_f64())
}

fn spread(engine: &Engine, ls: &Landscape, cells: &Cells, src: &Source, w: Weather, minutes: f64) -> SpreadResult {
    let opts = SpreadOptions { duration_min: minutes, ..Default::default() };
    simulate(engine, ls, cells, std::slice::from_ref(src), &WeatherStream::constant(w), &opts, &mut |_, _| {}).unwrap()
}

fn report(label: &str, r: &SpreadResult, baseline_s: f64) {
    let s = &r.stats;
    println!(
        "  {label:<28} {:8.3} s  {:>8} burned cells  {:>6.2} M burned cells/s  {:7.2}x the baseline's speed  \
         ({} sweeps, {} relaxations, {} cells parameterised)",
        s.wall_s,
        s.burned_cells,
        s.burned_cells as f64 / s.wall_s / 1e6,
        baseline_s / s.wall_s,
        s.sweeps,
        if s.backend == "gpu" { "uncounted".to_string() } else { s.relaxations.to_string() },
        s.cells_parameterised
    );
}

/// The whole process of `emberfall spread` as a user waits for it: the command run as its own process (best of
/// three), with the split into inputs, spread and products it prints.
fn whole_process(label: &str, landscape_args: &[String], weather_args: &[&str], minutes: f64, quoted_s: f64) {
    let out = std::env::temp_dir().join(format!("emberfall-bench-{}-{label}", std::process::id()));
    let mut best: Option<(f64, String)> = None;
    for _ in 0..3 {
        let t = Instant::now();
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_emberfall"))
            .arg("spread")
            .args(landscape_args)
            .args(weather_args)
            .args(["--duration", &format!("{minutes}min"), "--backend", "cpu", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        let total = t.elapsed().as_secs_f64();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{err}");
        let split = err.lines().find(|l| l.starts_with("time:")).unwrap_or("").to_string();
        if best.as_ref().is_none_or(|b| total < b.0) {
            best = Some((total, split));
        }
    }
    let (total, split) = best.unwrap_or_default();
    println!(
        "  whole process, `emberfall spread` (cpu), best of 3: {total:.3} s wall; the command's own split: {split}"
    );
    println!(
        "    vs pyretechnics as quoted in issue 8 ({quoted_s} s on this machine; not run here): {:.1}x faster",
        quoted_s / total
    );
    let _ = std::fs::remove_dir_all(&out);
}

/// One run of `emberfall spread` (cpu): wall seconds, its `time:` and `memory:` lines, and the burned cells of its
/// arrival raster.
fn spread_cli(args: &[String], out: &std::path::Path) -> (f64, String, String, usize) {
    let _ = std::fs::remove_dir_all(out);
    let t = Instant::now();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_emberfall"))
        .arg("spread")
        .args(args)
        .args(["--backend", "cpu", "--out"])
        .arg(out)
        .output()
        .unwrap();
    let wall = t.elapsed().as_secs_f64();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{err}");
    let line = |p: &str| err.lines().find(|l| l.starts_with(p)).unwrap_or("").to_string();
    let ds = gdal::Dataset::open(out.join("arrival_time_min.tif")).unwrap();
    let (c, r) = ds.raster_size();
    let v = ds.rasterband(1).unwrap().read_as::<f32>((0, 0), (c, r), (c, r), None).unwrap().into_shape_and_vec().1;
    let burned = v.iter().filter(|t| (0.0..1e6).contains(*t)).count();
    (wall, line("time:"), line("memory:"), burned)
}

/// A national-scale landscape: a GDAL VRT mosaic of 100 x 100 flat GR2 tiles of 1024 x 1024 cells (102 400 x
/// 102 400 cells, 1e10), the fill case's 12 h fire at the centre of tile (50, 50); against the same fire on that
/// one 1024 x 1024 tile. The run reads only the window its fire reaches.
fn mosaic(tmp: &std::path::Path, minutes: f64) {
    use gdal::DriverManager;
    let (n, tiles, cell) = (1024usize, 100usize, 30.0);
    let (x0, y0) = (500_000.0, 4_000_000.0);
    let (tx, ty) = (x0 + 50.0 * n as f64 * cell, y0 - 50.0 * n as f64 * cell);
    let srs = gdal::spatial_ref::SpatialRef::from_epsg(32611).unwrap();
    let opts = emberfall::landscape::tiff_options(false).unwrap();
    for (name, value) in [("fuel", 102.0f32), ("dem", 100.0)] {
        let drv = DriverManager::get_driver_by_name("GTiff").unwrap();
        let mut ds = drv
            .create_with_band_type_with_options::<f32, _>(tmp.join(format!("{name}_tile.tif")), n, n, 1, &opts)
            .unwrap();
        ds.set_geo_transform(&[tx, cell, 0.0, ty, 0.0, -cell]).unwrap();
        ds.set_spatial_ref(&srs).unwrap();
        let mut buf = gdal::raster::Buffer::new((n, n), vec![value; n * n]);
        ds.rasterband(1).unwrap().write((0, 0), (n, n), &mut buf).unwrap();
        let mut xml = format!(
            "<VRTDataset rasterXSize=\"{0}\" rasterYSize=\"{0}\"><SRS>EPSG:32611</SRS>\
             <GeoTransform>{x0}, {cell}, 0, {y0}, 0, -{cell}</GeoTransform>\
             <VRTRasterBand dataType=\"Float32\" band=\"1\">",
            n * tiles
        );
        for k in 0..tiles * tiles {
            let (c, r) = (k % tiles * n, k / tiles * n);
            xml.push_str(&format!(
                "<SimpleSource><SourceFilename relativeToVRT=\"1\">{name}_tile.tif</SourceFilename><SourceBand>1</SourceBand>\
                 <SourceProperties RasterXSize=\"{n}\" RasterYSize=\"{n}\" DataType=\"Float32\" BlockXSize=\"256\" BlockYSize=\"256\"/>\
                 <SrcRect xOff=\"0\" yOff=\"0\" xSize=\"{n}\" ySize=\"{n}\"/><DstRect xOff=\"{c}\" yOff=\"{r}\" xSize=\"{n}\" ySize=\"{n}\"/></SimpleSource>"
            ));
        }
        xml.push_str("</VRTRasterBand></VRTDataset>");
        std::fs::write(tmp.join(format!("{name}.vrt")), xml).unwrap();
    }
    let (cx, cy) = (tx + (n as f64 / 2.0 + 0.5) * cell, ty - (n as f64 / 2.0 + 0.5) * cell);
    let weather = ["--moisture", "6,7,8,60,90", "--wind-speed-kmh", "10", "--wind-from-deg", "30"];
    let args = |fuel: &str, dem: &str| -> Vec<String> {
        let mut a: Vec<String> = vec!["--fuel".into(), tmp.join(fuel).display().to_string()];
        a.extend(["--elevation".into(), tmp.join(dem).display().to_string()]);
        a.extend(["--ignite".into(), format!("{cx},{cy}"), "--duration".into(), format!("{minutes}min")]);
        a.extend(weather.iter().map(|s| s.to_string()));
        a.extend(["--wind-height".into(), "midflame".into()]);
        a
    };
    println!(
        "\nnational mosaic: GDAL VRT of {tiles} x {tiles} flat GR2 tiles, {0} x {0} cells (1.05e10), the fill case's \
         12 h fire at a tile's centre (cpu, best of 2):",
        n * tiles
    );
    let best = |a: &[String], out: &str| {
        let (r1, r2) = (spread_cli(a, &tmp.join(out)), spread_cli(a, &tmp.join(out)));
        if r1.0 <= r2.0 {
            r1
        } else {
            r2
        }
    };
    let one = best(&args("fuel_tile.tif", "dem_tile.tif"), "tile");
    let big = best(&args("fuel.vrt", "dem.vrt"), "mosaic");
    println!("  1024 x 1024 tile alone: {:.3} s wall, {} burned cells; {}; {}", one.0, one.3, one.1, one.2);
    println!("  102400 x 102400 mosaic: {:.3} s wall, {} burned cells; {}; {}", big.0, big.3, big.1, big.2);
    println!(
        "  mosaic / tile: {:.2}x the whole process (goal: at most 2x), same burned cells: {}",
        big.0 / one.0,
        if big.3 == one.3 { "yes" } else { "NO" }
    );
}

fn main() {
    std::env::set_var("XDG_RUNTIME_DIR", std::env::temp_dir());
    let gpu = Engine::select(Backend::Gpu).ok();
    let gpu_name = gpu.as_ref().map_or("none".to_string(), |g| g.name());
    println!("cpu twin: {} threads; gpu: {gpu_name}", rayon::current_num_threads());

    // 1. Flat GR2.
    let n = 1024;
    let ls = Landscape::uniform(n, n, 30.0, 32611, 102, 0.0, -1.0).unwrap();
    let cells = Cells::from_landscape(&ls).unwrap();
    let w = Weather {
        moisture: Moisture::from_percent([6.0, 7.0, 8.0, 60.0, 90.0]),
        wind_speed_m_per_min: 10_000.0 / 60.0,
        wind_from_deg: 30.0,
        wind_height: WindHeight::Midflame,
    };
    let (cx, cy) = ls.grid.cell_center(n / 2, n / 2);
    let src = Source { shape: Shape::Point(cx, cy), t_min: 0.0 };
    let minutes = 720.0;
    println!("\nflat GR2 {n} x {n} x 30 m, 12 h, centre ignition:");
    let (base, base_s) = dijkstra_8(&ls, &cells, &w, (cx, cy), minutes);
    let base_cells = base.iter().filter(|&&t| t != NODATA).count();
    println!(
        "  {:<28} {base_s:8.3} s  {base_cells:>8} burned cells  {:>6.2} M burned cells/s",
        "baseline 8-neighbour MTT",
        base_cells as f64 / base_s / 1e6
    );
    let cpu = spread(&Engine::Cpu, &ls, &cells, &src, w, minutes);
    report("emberfall cpu twin", &cpu, base_s);
    // Area against the analytical ellipse (head R t, back R t (1-e)/(1+e)).
    let model = ls.catalog.get(102).unwrap();
    let f = emberfall::physics::surface::surface_fire(
        model,
        &w.moisture,
        &emberfall::physics::surface::SiteInputs {
            midflame_wind_m_per_min: w.wind_speed_m_per_min,
            wind_dir_rel_upslope_deg: 0.0,
            slope_tan: 0.0,
        },
        &SurfaceOptions::default(),
    );
    let e = (f.length_to_breadth.powi(2) - 1.0).sqrt() / f.length_to_breadth;
    let a = f.ros_m_per_min * minutes * (1.0 + (1.0 - e) / (1.0 + e)) / 2.0;
    let exact = std::f64::consts::PI * a * a * (1.0 - e * e).sqrt();
    let area = |t: &[f32]| isochrone::trace(&ls.grid, t, NODATA, &[minutes]).unwrap()[0].area_m2;
    println!(
        "  area vs analytical ellipse: emberfall {:+.3} %, baseline {:+.3} %",
        100.0 * (area(&cpu.rasters().arrival_contour_min) - exact) / exact,
        100.0 * (area(&base) - exact) / exact
    );
    if let Some(g) = &gpu {
        let r = spread(g, &ls, &cells, &src, w, minutes);
        report(
            &format!(
                "emberfall gpu ({})",
                if matches!(g, Engine::Gpu(x) if x.is_hardware()) { "hardware" } else { "software" }
            ),
            &r,
            base_s,
        );
    }

    // The cost of a weather change: the same weather restated at 6 h restarts the sweeps from the front.
    let stream = WeatherStream {
        periods: vec![
            emberfall::weather::Period { start_min: 0.0, weather: w },
            emberfall::weather::Period { start_min: 360.0, weather: w },
        ],
    };
    let opts = SpreadOptions { duration_min: minutes, ..Default::default() };
    let r = simulate(&Engine::Cpu, &ls, &cells, std::slice::from_ref(&src), &stream, &opts, &mut |_, _| {}).unwrap();
    report("cpu, weather restated at 6 h", &r, base_s);
    println!(
        "  area with the restart vs analytical ellipse: {:+.3} %",
        100.0 * (area(&r.rasters().arrival_contour_min) - exact) / exact
    );

    // Whole process from an 8-band GeoTIFF of the same landscape, as `emberfall spread` runs it.
    let tmp = std::env::temp_dir().join(format!("emberfall-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let lcp = tmp.join("flat1024.tif");
    let synth = emberfall::landscape::SynthSpec {
        fuel_code: 102,
        rows: n,
        cols: n,
        cell_size_m: 30.0,
        slope_pct: 0.0,
        aspect_deg: 0.0,
        epsg: 32611,
        origin: (500_000.0, 4_000_000.0),
    };
    emberfall::landscape::write_synthetic(&synth, &lcp).unwrap();
    let g = ls.grid.geotransform;
    let (fx, fy) = (cx - g[0] + 500_000.0, cy - g[3] + 4_000_000.0);
    whole_process(
        "flat",
        &["--lcp".to_string(), lcp.display().to_string(), "--ignite".into(), format!("{fx},{fy}")],
        &["--moisture", "6,7,8,60,90", "--wind-speed-kmh", "10", "--wind-from-deg", "30", "--wind-height", "midflame"],
        minutes,
        1.2,
    );
    mosaic(&tmp, minutes);
    let _ = std::fs::remove_dir_all(&tmp);

    // 2. Thomas Fire landscape.
    let shared = std::env::var_os("EMBERFALL_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let d = shared.join("landscapes/thomas_fire");
    if !d.is_dir() {
        println!("\nthomas_fire: skipped, {} not found (set EMBERFALL_SHARED)", d.display());
        return;
    }
    let mut ls = Landscape::load(&LandscapeSpec::from_elmfire_dir(&d)).expect("Thomas Fire landscape");
    ls.ensure_terrain(&Engine::Cpu).unwrap();
    let cells = Cells::from_landscape(&ls).unwrap();
    // Near the Thomas Fire's origin above Santa Paula, 4 December 2017; Santa Ana wind from the north-east.
    let src = lonlat_point(-119.0883, 34.4086, 0.0, &ls.grid).unwrap();
    let w = Weather {
        moisture: Moisture::from_percent([3.0, 4.0, 6.0, 40.0, 70.0]),
        wind_speed_m_per_min: 40_000.0 / 60.0,
        wind_from_deg: 45.0,
        wind_height: WindHeight::TwentyFt,
    };
    let minutes = 360.0;
    println!(
        "\nthomas_fire {} x {} x 30 m, 6 h, Santa Ana wind 40 km/h (20 ft) from 45 deg:",
        ls.grid.rows, ls.grid.cols
    );
    let Shape::Point(ix, iy) = src.shape else { unreachable!() };
    let (base, base_s) = dijkstra_8(&ls, &cells, &w, (ix, iy), minutes);
    let base_cells = base.iter().filter(|&&t| t != NODATA).count();
    println!(
        "  {:<28} {base_s:8.3} s  {base_cells:>8} burned cells  {:>6.2} M burned cells/s",
        "baseline 8-neighbour MTT",
        base_cells as f64 / base_s / 1e6
    );
    let cpu = spread(&Engine::Cpu, &ls, &cells, &src, w, minutes);
    report("emberfall cpu twin", &cpu, base_s);
    if let Some(g) = &gpu {
        let r = spread(g, &ls, &cells, &src, w, minutes);
        report(
            &format!(
                "emberfall gpu ({})",
                if matches!(g, Engine::Gpu(x) if x.is_hardware()) { "hardware" } else { "software" }
            ),
            &r,
            base_s,
        );
    }
    // Whole process, issue 8's case: 30 km/h 10-m wind from 45 deg, moisture 3/4/5/30/60 %, 6 h.
    println!("\nthomas_fire whole process, 10-m wind 30 km/h from 45 deg, moisture 3/4/5/30/60 %, 6 h:");
    let mut args = common::thomas_args(&d);
    args.push("--ignite-lonlat=-119.0883,34.4086".into());
    whole_process(
        "thomas",
        &args,
        &["--moisture", "3,4,5,30,60", "--wind-speed-kmh", "30", "--wind-from-deg", "45", "--wind-height", "10m"],
        minutes,
        3.5,
    );
    ensemble(&d);
}

/// A paged ensemble against the same ensemble reading the whole landscape: 40 members on the Thomas Fire
/// landscape, one hot fragment at the fire's origin (impact probability 1), 6 h, crown fire and spotting on, each
/// member drawing wind speed, direction and dead moisture; the whole `emberfall ensemble` process (cpu), wall time
/// and peak memory (`memory:` line), and whether the burn probabilities agree over the window.
fn ensemble(d: &std::path::Path) {
    let tmp = std::env::temp_dir().join(format!("emberfall-bench-ens-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut src = gdal::spatial_ref::SpatialRef::from_epsg(4326).unwrap();
    let mut dst = gdal::spatial_ref::SpatialRef::from_epsg(32611).unwrap();
    src.set_axis_mapping_strategy(gdal::spatial_ref::AxisMappingStrategy::TraditionalGisOrder);
    dst.set_axis_mapping_strategy(gdal::spatial_ref::AxisMappingStrategy::TraditionalGisOrder);
    let (mut x, mut y, mut z) = ([-119.0883], [34.4086], [0.0]);
    gdal::spatial_ref::CoordTransform::new(&src, &dst).unwrap().transform_coords(&mut x, &mut y, &mut z).unwrap();
    let frag = tmp.join("fragment.csv");
    std::fs::write(
        &frag,
        format!(
            "id,x,y,mass_kg,size_m,material,temperature_c,impact_probability\nf0,{},{},0.02,0.01,steel,3000,1\n",
            x[0], y[0]
        ),
    )
    .unwrap();
    let layers = common::thomas_toml(d);
    let scenario = tmp.join("ensemble.toml");
    std::fs::write(
        &scenario,
        format!(
            "name = \"bench ensemble\"\nseed = 5\n[landscape]\n{layers}[weather]\nmoisture_pct = [3, 4, 5, 30, 60]\n\
             wind_speed_kmh = 30\nwind_from_deg = 45\nwind_height = \"10m\"\n[debris]\nfragments = \"{}\"\n[spread]\n\
             duration = \"6h\"\nisochrone_interval = \"1h\"\n[output]\ndir = \"{}\"\n[ensemble]\nmembers = 40\n\
             [ensemble.perturb]\nwind_speed_sd_pct = 20\nwind_direction_sd_deg = 20\ndead_moisture_sd_pct = 10\n",
            frag.display(),
            tmp.join("out").display()
        ),
    )
    .unwrap();
    println!("\nthomas_fire ensemble, 40 members (+ 20 sensitivity runs), whole `emberfall ensemble` process (cpu):");
    let run = |extra: &[&str], out: &str| -> (f64, String, String) {
        let out = tmp.join(out);
        let _ = std::fs::remove_dir_all(&out);
        let t = Instant::now();
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_emberfall"))
            .arg("ensemble")
            .arg(&scenario)
            .args(["--backend", "cpu", "--out"])
            .arg(&out)
            .args(extra)
            .output()
            .unwrap();
        let wall = t.elapsed().as_secs_f64();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{err}");
        // `ensemble` says its times on standard output.
        let said = format!("{}{err}", String::from_utf8_lossy(&o.stdout));
        let line = |p: &str| said.lines().find(|l| l.starts_with(p)).unwrap_or("").to_string();
        (wall, line("time:"), line("memory:"))
    };
    let paged = run(&[], "paged");
    let whole = run(&["--whole-landscape"], "whole");
    println!("  paged:                  {:.2} s wall; {}; {}", paged.0, paged.1, paged.2);
    println!("  --whole-landscape:      {:.2} s wall; {}; {}", whole.0, whole.1, whole.2);
    let read = |p: &str| {
        let ds = gdal::Dataset::open(tmp.join(p).join("burn_probability.tif")).unwrap();
        let g = ds.geo_transform().unwrap();
        let (c, r) = ds.raster_size();
        let v = ds.rasterband(1).unwrap().read_as::<f32>((0, 0), (c, r), (c, r), None).unwrap().into_shape_and_vec().1;
        (v, c, r, g)
    };
    let ((pv, pc, pr, pg), (wv, wc, wr, wg)) = (read("paged"), read("whole"));
    let (c0, r0) = (((pg[0] - wg[0]) / wg[1]).round() as usize, ((pg[3] - wg[3]) / wg[5]).round() as usize);
    let same = (0..pr).all(|r| (0..pc).all(|c| pv[r * pc + c].to_bits() == wv[(r0 + r) * wc + c0 + c].to_bits()));
    println!(
        "  paged / whole: {:.2}x faster; window {pc} x {pr} of {wc} x {wr}; burn probability identical over it: {}",
        whole.0 / paged.0,
        if same { "yes" } else { "NO" }
    );
    let _ = std::fs::remove_dir_all(&tmp);
}
