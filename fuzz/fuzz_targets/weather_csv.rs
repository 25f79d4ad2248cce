//! Weather CSV streams: a stream or an error naming the file.
#![no_main]
#[path = "common.rs"]
mod common;

use emberfall::physics::behavior::{Weather, WindHeight};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let p = common::file("fuzz_weather.csv", data);
    let base = Weather {
        moisture: emberfall::quantity::moisture_pct([6.0, 8.0, 10.0, 60.0, 90.0], "base").unwrap(),
        wind_speed_m_per_min: 100.0,
        wind_from_deg: 0.0,
        wind_height: WindHeight::TwentyFt,
    };
    if let Err(e) = emberfall::weather::WeatherStream::from_csv(&p, &base) {
        common::names(&e, "fuzz_weather.csv");
    }
});
