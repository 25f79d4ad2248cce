//! Custom fuel model CSV files: models or an error naming the file.
#![no_main]
#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let p = common::file("fuzz_fuels.csv", data);
    if let Err(e) = emberfall::physics::fuel::read_custom_fuel_models(&p) {
        common::names(&e, "fuzz_fuels.csv");
    }
});
