//! Drive the library directly: make a small synthetic landscape, compute surface fire behaviour for every cell
//! under two weathers in one batch, and print the head fire spread rate of the centre cell.
//! `cargo run --example behavior_api [-- --backend cpu|gpu]`

use emberfall::gpu::{Backend, Engine};
use emberfall::landscape::{write_synthetic, Landscape, LandscapeSpec, SynthSpec};
use emberfall::physics::behavior::{compute, field, Cells, Weather, WindHeight};
use emberfall::physics::surface::{Moisture, SurfaceOptions};

fn main() -> emberfall::Result<()> {
    let backend = if std::env::args().any(|a| a == "gpu") { Backend::Gpu } else { Backend::Cpu };
    let path = std::env::temp_dir().join("emberfall_example_gr2.tif");
    let spec = SynthSpec {
        fuel_code: 102,
        rows: 64,
        cols: 64,
        cell_size_m: 30.0,
        slope_pct: 30.0,
        aspect_deg: 180.0,
        epsg: 32611,
        origin: (500000.0, 4000000.0),
    };
    write_synthetic(&spec, &path)?;
    let mut ls = Landscape::load(&LandscapeSpec { lcp: Some(path), ..Default::default() })?;
    let engine = Engine::select(backend)?;
    ls.ensure_terrain(&engine)?;
    let cells = Cells::from_landscape(&ls)?;
    let dry = Weather {
        moisture: Moisture::from_percent([3.0, 4.0, 5.0, 30.0, 60.0]),
        wind_speed_m_per_min: 300.0,
        wind_from_deg: 180.0,
        wind_height: WindHeight::TwentyFt,
    };
    let moist = Weather { moisture: Moisture::from_percent([12.0, 13.0, 14.0, 120.0, 150.0]), ..dry };
    let runs = compute(&engine, &cells, &[dry, moist], &SurfaceOptions::default())?;
    let centre = 32 * 64 + 32;
    for (name, b) in ["dry", "moist"].iter().zip(&runs) {
        println!(
            "{name:>5}: head ROS {:.2} m/min toward {:.0} deg, flame length {:.2} m ({})",
            b.get(centre, field::ROS),
            b.get(centre, field::SPREAD_DIRECTION),
            b.get(centre, field::FLAME_LENGTH),
            engine.name()
        );
    }
    Ok(())
}
