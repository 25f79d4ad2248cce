//! Drive the library directly: fly a small break-up over a uniform landscape made in memory, map ignition
//! probability, draw one seeded realisation of ignitions and grow the fire, all without files.
//!
//! `cargo run --release --example debris_api`

use emberfall::debris::ignition::{self, CellIgnition, IgnitionParams};
use emberfall::debris::{self, BreakUp, FragmentClass, WindLayer};
use emberfall::gpu::{Backend, Engine};
use emberfall::landscape::Landscape;
use emberfall::physics::behavior::{Cells, Weather, WindHeight};
use emberfall::physics::surface::Moisture;
use emberfall::spread::sources::{Shape, Source};
use emberfall::spread::{simulate, SpreadOptions};
use emberfall::weather::WeatherStream;

fn main() -> emberfall::Result<()> {
    // 200 x 200 cells of 10 m of grass-shrub (GS2) on a 15 % slope facing south, UTM 11N.
    let ls = Landscape::uniform(200, 200, 10.0, 32611, 122, 0.15, 180.0)?;
    let cells = Cells::from_landscape(&ls)?;
    let engine = Engine::select(Backend::Auto)?;
    println!("backend: {}", engine.name());

    // Break-up 80 m above the middle of the landscape, two fragment classes, light winds aloft.
    let (x, y) = ls.grid.cell_center(100, 100);
    let breakup: BreakUp = toml::from_str(&format!(
        "x = {x}\ny = {y}\naltitude_agl_m = 80.0\nvelocity_enu_m_s = [5.0, 0.0, 20.0]\ndispersion_m_s = 20.0\nsamples_per_fragment = 10"
    ))
    .expect("break-up");
    let classes: Vec<FragmentClass> = vec![
        toml::from_str(
            "name = \"propellant\"\ncount = 10\nmass_kg = 1.0\nsize_m = 0.1\nmaterial = \"solid_propellant\"\nburning = true\nburn_time_s = 30.0",
        )
        .expect("class"),
        toml::from_str("name = \"metal\"\ncount = 10\nmass_kg = 0.01\nsize_m = 0.01\nmaterial = \"steel\"\ntemperature_c = 950.0")
            .expect("class"),
    ];
    let winds = [WindLayer { altitude_m: 10.0, speed_m_s: 3.0, from_deg: 270.0 }];
    let seed = 42;
    let field = debris::fly_event(&breakup, &classes, &winds, &ls, seed)?;
    println!("{} impacts on the landscape, {} off it", field.fragments.len(), field.off_landscape.len());

    // Ignition probability per cell and one realisation.
    let m1h = 0.06;
    let params = IgnitionParams { air_temp_c: 25.0, ..Default::default() };
    let ci = CellIgnition::new(&ls, &cells, m1h, &params);
    let maps = ignition::maps(&engine, &ls.grid, &ci, &field.fragments, m1h, &params)?;
    let expected: f32 = maps.expected.iter().sum();
    println!("expected ignitions {expected:.2}");
    let ign = ignition::sample(&ls.grid, &ci, &field.fragments, m1h, &params, seed);
    println!("seed {seed}: {} ignitions", ign.len());
    if ign.is_empty() {
        return Ok(());
    }

    // Grow the fire for an hour under a 15 km/h 20-ft wind from the south-west.
    let weather = Weather {
        moisture: Moisture::from_percent([6.0, 7.0, 9.0, 60.0, 90.0]),
        wind_speed_m_per_min: 15_000.0 / 60.0,
        wind_from_deg: 225.0,
        wind_height: WindHeight::TwentyFt,
    };
    let sources: Vec<Source> = ign.iter().map(|s| Source { shape: Shape::Point(s.x, s.y), t_min: s.t_min }).collect();
    let opts = SpreadOptions { duration_min: 60.0, ..Default::default() };
    let res = simulate(&engine, &ls, &cells, &sources, &WeatherStream::constant(weather), &opts, &mut |_, _| {})?;
    let burned_ha = res.stats.burned_cells as f64 * ls.grid.dx() * ls.grid.dy() / 1e4;
    println!("after 1 h: {burned_ha:.2} ha burned ({:.3} s on {})", res.stats.wall_s, res.stats.backend);
    Ok(())
}
