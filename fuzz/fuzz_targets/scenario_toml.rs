//! Scenario files: any bytes give a scenario or an error naming the file, never a panic.
#![no_main]
#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let p = common::file("fuzz_scenario.toml", data);
    if let Err(e) = emberfall::run::scenario::Scenario::load(&p) {
        common::names_scenario_or_its_file(&e, "fuzz_scenario.toml");
    }
});
