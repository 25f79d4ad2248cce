//! Scratch check of the spread kernel against the analytical ellipse (development aid).
use emberfall::behavior::{Cells, Weather, WindHeight};
use emberfall::gpu::{Backend, Engine};
use emberfall::landscape::Landscape;
use emberfall::spread::sources::{Shape, Source};
use emberfall::spread::{simulate, SpreadOptions};
use emberfall::surface::{surface_fire, FuelBed, Moisture, SiteInputs, SurfaceOptions};
use emberfall::weather::WeatherStream;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let from: f64 = args.get(1).map_or(30.0, |s| s.parse().unwrap());
    let backend = if args.get(2).map(|s| s.as_str()) == Some("gpu") { Backend::Gpu } else { Backend::Cpu };
    let n: usize = args.get(3).map_or(220, |s| s.parse().unwrap());
    let hours: f64 = args.get(4).map_or(3.0, |s| s.parse().unwrap());
    let cell = 30.0;
    let ls = Landscape::uniform(n, n, cell, 32611, 102, 0.0, -1.0).unwrap();
    let cells = Cells::from_landscape(&ls).unwrap();
    let m = Moisture::from_percent([6.0, 7.0, 8.0, 60.0, 90.0]);
    let w = Weather {
        moisture: m,
        wind_speed_m_per_min: 10_000.0 / 60.0,
        wind_from_deg: from,
        wind_height: WindHeight::Midflame,
    };
    let fuel = ls.catalog.get(102).unwrap();
    let site = SiteInputs {
        midflame_wind_m_per_min: w.wind_speed_m_per_min,
        wind_dir_rel_upslope_deg: w.wind_toward_deg(),
        slope_tan: 0.0,
    };
    let f = surface_fire(fuel, &m, &site, &SurfaceOptions::default());
    let _ = FuelBed::new(fuel, &m);
    let (r, lw) = (f.ros_m_per_min, f.length_to_breadth);
    let e = (lw * lw - 1.0).sqrt() / lw;
    let head = (w.wind_toward_deg()).to_radians();
    let (he, hn) = (head.sin(), head.cos());
    // Ignition: upwind of the centre so the head has room.
    let g = ls.grid.geotransform;
    let (cx, cy) = (g[0] + g[1] * n as f64 / 2.0 + 7.3, g[3] + g[5] * n as f64 / 2.0 - 11.1);
    let off = 0.3 * n as f64 * cell;
    let (ix, iy) = (cx - he * off, cy - hn * off);
    let src = Source { shape: Shape::Point(ix, iy), t_min: 0.0 };
    let engine = Engine::select(backend).unwrap();
    let opts = SpreadOptions { duration_min: hours * 60.0, ..Default::default() };
    let t0 = std::time::Instant::now();
    let res = simulate(&engine, &ls, &cells, &[src], &WeatherStream::constant(w), &opts, &mut |_, _| {}).unwrap();
    let wall = t0.elapsed().as_secs_f64();
    if std::env::var_os("ONLY_RUN").is_some() {
        println!("wall {wall:.3}s {:?}", res.stats);
        return;
    }
    let ras = res.rasters();
    let mut worst: f64 = 0.0;
    for h in 1..=(hours as usize) {
        let t = h as f64 * 60.0;
        let (mut a, mut b, mut both) = (0usize, 0usize, 0usize);
        for row in 0..n {
            for col in 0..n {
                let (x, y) = ls.grid.cell_center(row, col);
                let (de, dn) = (x - ix, y - iy);
                let d = (de * de + dn * dn).sqrt();
                let c = if d > 0.0 { (de * he + dn * hn) / d } else { 0.0 };
                let te = d * (1.0 - e * c) / (r * (1.0 - e));
                let tm = ras.arrival_min[row * n + col];
                let inm = tm >= 0.0 && (tm as f64) <= t;
                let ine = te <= t;
                if inm {
                    a += 1
                }
                if ine {
                    b += 1
                }
                if inm && ine {
                    both += 1
                }
                if tm >= 0.0 && te > 5.0 {
                    worst = worst.max(((tm as f64) - te).abs() / te);
                }
            }
        }
        let ell = std::f64::consts::PI * (r * t * (1.0 + (1.0 - e) / (1.0 + e)) / 2.0).powi(2) / lw / (cell * cell);
        println!(
            "from {from} h{h}: model {a} exact-set {b} ellipse {ell:.1} sorensen {:.5} area_err {:+.3}%",
            2.0 * both as f64 / (a + b) as f64,
            100.0 * (a as f64 - ell) / ell
        );
    }
    println!("worst rel err of arrival times {worst:.2e}; wall {wall:.3}s; stats {:?}", res.stats);
}
