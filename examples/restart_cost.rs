//! Development aid: cost of a weather change (restart of the sweeps from the waiting front).
use emberfall::behavior::{Cells, Weather, WindHeight};
use emberfall::gpu::Engine;
use emberfall::landscape::Landscape;
use emberfall::spread::sources::{Shape, Source};
use emberfall::spread::{simulate, SpreadOptions};
use emberfall::surface::Moisture;
use emberfall::weather::{Period, WeatherStream};

fn main() {
    let n = 1024;
    let ls = Landscape::uniform(n, n, 30.0, 32611, 102, 0.0, -1.0).unwrap();
    let cells = Cells::from_landscape(&ls).unwrap();
    let w = |from: f64| Weather {
        moisture: Moisture::from_percent([6.0, 7.0, 8.0, 60.0, 90.0]),
        wind_speed_m_per_min: 10_000.0 / 60.0,
        wind_from_deg: from,
        wind_height: WindHeight::Midflame,
    };
    let (cx, cy) = ls.grid.cell_center(n / 2, n / 2);
    let src = Source { shape: Shape::Point(cx, cy), t_min: 0.0 };
    for (label, stream) in [
        ("constant", WeatherStream::constant(w(30.0))),
        (
            "same weather restated at 6 h",
            WeatherStream {
                periods: vec![
                    Period { start_min: 0.0, weather: w(30.0) },
                    Period { start_min: 360.0, weather: w(30.0) },
                ],
            },
        ),
        (
            "shift at 6 h",
            WeatherStream {
                periods: vec![
                    Period { start_min: 0.0, weather: w(30.0) },
                    Period { start_min: 360.0, weather: w(120.0) },
                ],
            },
        ),
    ] {
        let opts = SpreadOptions { duration_min: 720.0, ..Default::default() };
        let r = simulate(&Engine::Cpu, &ls, &cells, &[src.clone()], &stream, &opts, &mut |_, _| {}).unwrap();
        println!(
            "{label:30} {:.3} s, {} burned, {} sweeps, {} relaxations",
            r.stats.wall_s, r.stats.burned_cells, r.stats.sweeps, r.stats.relaxations
        );
    }
}
