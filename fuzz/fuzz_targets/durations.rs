//! Values given on the command line or in a scenario: durations, X,Y[,T] triplets, moisture lists. A value or an
//! error naming the option.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    match emberfall::quantity::duration_min(s, "--duration") {
        Ok(m) => assert!(m.is_finite() && m > 0.0 && m < 1e6),
        Err(e) => assert!(e.to_string().contains("--duration")),
    }
    match emberfall::spread::sources::parse_triplet(s, "--ignite") {
        Ok((x, y, t)) => assert!(x.is_finite() && y.is_finite() && t.is_finite() && t >= 0.0),
        Err(e) => assert!(e.to_string().contains("--ignite")),
    }
    if let Err(e) = emberfall::quantity::moisture_list(s, "--moisture") {
        assert!(e.to_string().contains("--moisture"));
    }
});
