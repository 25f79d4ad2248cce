//! Fragment lists (CSV): a debris field or an error naming the file.
#![no_main]
#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let p = common::file("fuzz_fragments.csv", data);
    if let Err(e) = emberfall::debris::forms::read_fragments(&p, common::grid()) {
        common::names(&e, "fuzz_fragments.csv");
    }
});
