//! Property tests of every parser of user input (scenario TOML, weather CSV, fragment CSV, fuel model CSV, ignition
//! attributes, durations and command-line values): whatever the input, a value or an error that names the input,
//! never a panic. Inputs are built from the parsers' own column and key names with values drawn from numbers,
//! extremes (NaN, infinities, 1e308, negative), empty cells, words and quoting, and from arbitrary bytes. The same
//! parsers are fuzzed with `cargo fuzz` (fuzz/, README.md "Fuzzing").

use std::path::PathBuf;

use emberfall::physics::behavior::{Weather, WindHeight};
use proptest::prelude::*;

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("emberfall-props-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Write `text` to a file named `name` (unique to this test process) and return its path.
fn file(name: &str, text: &[u8]) -> PathBuf {
    let p = dir().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn assert_names(err: &emberfall::Error, what: &str) -> Result<(), TestCaseError> {
    let msg = err.to_string();
    prop_assert!(msg.contains(what), "the error does not name `{}`: {}", what, msg);
    prop_assert!(msg.len() < 2000, "an error of {} characters", msg.len());
    Ok(())
}

fn grid() -> &'static emberfall::landscape::Grid {
    static G: std::sync::OnceLock<emberfall::landscape::Grid> = std::sync::OnceLock::new();
    G.get_or_init(|| emberfall::landscape::Landscape::uniform(20, 20, 30.0, 32611, 102, 0.0, -1.0).unwrap().grid)
}

/// A CSV cell: a plausible number, an extreme, empty, a word, a boolean, a quoted field with a comma.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (-1.0e4f64..1.0e4).prop_map(|v| format!("{v}")),
        2 => (0u32..400).prop_map(|v| v.to_string()),
        1 => prop::sample::select(vec!["", "NaN", "nan", "inf", "-inf", "1e308", "-1e308", "-0", "1e-320", "0x10", "1,5"])
            .prop_map(String::from),
        1 => "[a-zA-Z_ ]{0,10}",
        1 => prop::sample::select(vec!["true", "false", "aluminium", "steel", "GR2", "102", "\"a,\"\"b\""]).prop_map(String::from),
    ]
}

/// A CSV table whose header is a random choice (and order) of `columns` plus perhaps an unknown column, with up to
/// five rows of cells, sometimes ragged, sometimes with a comment line.
fn csv_of(columns: &'static [&'static str]) -> impl Strategy<Value = String> {
    (prop::sample::subsequence(columns, 0..=columns.len()), any::<bool>(), any::<bool>()).prop_flat_map(
        |(mut cols, extra, ragged)| {
            if extra {
                cols.push("unknown_column");
            }
            let n = cols.len().max(1);
            let width = if ragged { 0..n + 2 } else { n..n + 1 };
            let rows = prop::collection::vec(prop::collection::vec(cell(), width), 0..5);
            (Just(cols), rows, any::<bool>()).prop_map(|(cols, rows, comment)| {
                let mut s = cols.join(",") + "\n";
                if comment {
                    s += "# a comment\n";
                }
                for r in rows {
                    s += &r.join(",");
                    s.push('\n');
                }
                s
            })
        },
    )
}

const WEATHER_COLUMNS: &[&str] = &[
    "time_min",
    "time_h",
    "wind_speed_kmh",
    "wind_from_deg",
    "m1h_pct",
    "m10h_pct",
    "m100h_pct",
    "mherb_pct",
    "mwoody_pct",
    "air_temp_c",
    "wind_grid",
];

const FRAGMENT_COLUMNS: &[&str] = &[
    "id",
    "x",
    "y",
    "lon",
    "lat",
    "mass_kg",
    "size_m",
    "material",
    "temperature_c",
    "burning",
    "burn_time_s",
    "impact_probability",
    "impact_time_s",
    "sigma_along_m",
    "sigma_cross_m",
    "azimuth_deg",
];

const MOISTURE_COLUMNS: &[&str] =
    &["scenario", "hour", "air_temp_c", "rh_pct", "precip_mm", "solar_w_m2", "m1h_pct", "m10h_pct", "m100h_pct"];

const FUEL_COLUMNS: &[&str] = &[
    "number",
    "code",
    "depth_m",
    "mx_dead_pct",
    "h_dead_kJ_kg",
    "h_live_kJ_kg",
    "w_1h_kg_m2",
    "w_10h_kg_m2",
    "w_100h_kg_m2",
    "w_herb_kg_m2",
    "w_woody_kg_m2",
    "sav_1h_1_m",
    "sav_herb_1_m",
    "sav_woody_1_m",
    "name",
    "is_dynamic",
];

fn base_weather() -> Weather {
    Weather {
        moisture: emberfall::quantity::moisture_pct([6.0, 8.0, 10.0, 60.0, 90.0], "base").unwrap(),
        wind_speed_m_per_min: 100.0,
        wind_from_deg: 0.0,
        wind_height: WindHeight::TwentyFt,
    }
}

/// A TOML value: numbers (with TOML's nan and inf), strings, booleans, arrays, durations.
fn toml_value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (-1.0e5f64..1.0e5).prop_map(|v| format!("{v:?}")),
        1 => prop::sample::select(vec!["nan", "inf", "-inf", "1e308", "-1", "0", "true", "\"\"", "\"6h\"", "\"soon\"", "[]", "[1, 2]", "[6, 8, 10, 60, 90]", "{}"])
            .prop_map(String::from),
        1 => "[a-z0-9 ]{0,8}".prop_map(|s| format!("{s:?}")),
    ]
}

/// Scenario keys as the README documents them (a sample, section by section).
const SCENARIO_KEYS: &[(&str, &str)] = &[
    ("", "seed"),
    ("", "backend"),
    ("", "name"),
    ("landscape", "lcp"),
    ("landscape", "slope_units"),
    ("weather", "moisture_pct"),
    ("weather", "wind_speed_kmh"),
    ("weather", "wind_from_deg"),
    ("weather", "wind_height"),
    ("weather", "air_temp_c"),
    ("weather", "foliar_moisture_pct"),
    ("spread", "duration"),
    ("spread", "isochrone_interval"),
    ("spread", "tolerance"),
    ("spread", "crown_method"),
    ("ignition", "hot_width_c"),
    ("ignition", "hot_a_c_mm"),
    ("ignition", "aluminium_latent_c"),
    ("spotting", "enabled"),
    ("spotting", "spot_delay"),
    ("debris.event", "altitude_m"),
    ("debris.event", "ve_m_s"),
    ("debris.event", "lat"),
    ("debris.event", "lon"),
    ("debris.event", "time_s"),
    ("ensemble", "members"),
    ("ensemble", "response_time"),
    ("ensemble", "failure_probability"),
    ("output", "dir"),
    ("output", "cog"),
];

fn scenario_text() -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(SCENARIO_KEYS), toml_value()), 0..12).prop_map(|kv| {
        let mut by_section: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
        for ((sec, key), v) in kv {
            by_section.entry(sec).or_default().push(format!("{key} = {v}"));
        }
        let mut s = String::new();
        for (sec, lines) in by_section {
            if !sec.is_empty() {
                s += &format!("[{sec}]\n");
            }
            // A key given twice is a TOML error, which is fine: it must be named like any other.
            for l in lines {
                s += &l;
                s.push('\n');
            }
        }
        s
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn scenario_toml_gives_a_scenario_or_names_the_file(text in scenario_text()) {
        let p = file("prop_scenario.toml", text.as_bytes());
        if let Err(e) = emberfall::run::scenario::Scenario::load(&p) {
            let msg = e.to_string();
            // An error names the scenario, or a file it names (resolved beside it).
            prop_assert!(msg.contains("prop_scenario.toml") || msg.contains(&dir().display().to_string()), "{}", msg);
        }
    }

    #[test]
    fn scenario_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let p = file("prop_scenario_bytes.toml", &bytes);
        if let Err(e) = emberfall::run::scenario::Scenario::load(&p) {
            assert_names(&e, "prop_scenario_bytes.toml")?;
        }
    }

    #[test]
    fn weather_csv_gives_a_stream_or_names_the_file(text in csv_of(WEATHER_COLUMNS)) {
        let p = file("prop_weather.csv", text.as_bytes());
        match emberfall::weather::WeatherStream::from_csv(&p, &base_weather()) {
            Ok(s) => {
                for w in &s.periods {
                    prop_assert!(w.start_min.is_finite() && w.start_min >= 0.0, "start {}", w.start_min);
                }
            }
            Err(e) => assert_names(&e, "prop_weather.csv")?,
        }
    }

    #[test]
    fn fuel_model_csv_gives_models_or_names_the_file(text in csv_of(FUEL_COLUMNS)) {
        let p = file("prop_fuels.csv", text.as_bytes());
        if let Err(e) = emberfall::physics::fuel::read_custom_fuel_models(&p) {
            assert_names(&e, "prop_fuels.csv")?;
        }
    }

    #[test]
    fn moisture_weather_csv_gives_moistures_or_names_the_file(text in csv_of(MOISTURE_COLUMNS)) {
        let p = file("prop_moisture.csv", text.as_bytes());
        let out = dir().join("prop_moisture.out.csv");
        match emberfall::run::moisture_calculator::run_csv(&p, None, Some(&out)) {
            Ok(_) => {
                let back = std::fs::read_to_string(&out).unwrap();
                for line in back.lines().skip(1) {
                    for v in line.split(',').rev().take(4) {
                        let m: f64 = v.parse().unwrap();
                        prop_assert!(m.is_finite() && (0.0..=100.0).contains(&m), "{}", line);
                    }
                }
            }
            Err(e) => assert_names(&e, "prop_moisture.csv")?,
        }
    }

    #[test]
    fn farsite_wxs_gives_a_stream_or_names_the_file(
        lines in prop::collection::vec(prop_oneof![
            Just("RAWS_UNITS: English".to_string()),
            Just("RAWS_UNITS: Metric".to_string()),
            Just("RAWS_ELEVATION: 1200".to_string()),
            Just("Year Mth Day Time Temp RH HrlyPcp WindSpd WindDir CloudCov".to_string()),
            (2000i32..2030, 0u32..14, 0u32..33, 0u32..2500, cell(), cell(), cell(), cell(), cell(), cell())
                .prop_map(|(y, m, d, t, a, b, c, e, f, g)| format!("{y} {m} {d} {t:04} {a} {b} {c} {e} {f} {g}")),
            "[ -~]{0,40}",
        ], 0..8)
    ) {
        let p = file("prop_weather.wxs", lines.join("\n").as_bytes());
        if let Err(e) = emberfall::weather::WeatherStream::from_csv(&p, &base_weather()) {
            assert_names(&e, "prop_weather.wxs")?;
        }
    }

    #[test]
    fn farsite_fmd_gives_models_or_names_the_file(
        lines in prop::collection::vec(prop_oneof![
            Just("ENGLISH".to_string()),
            Just("METRIC".to_string()),
            prop::collection::vec(cell(), 13..17).prop_map(|v| format!("150 X1 {}", v.join(" "))),
            "[ -~]{0,60}",
        ], 0..6)
    ) {
        let p = file("prop_fuels.fmd", lines.join("\n").as_bytes());
        if let Err(e) = emberfall::physics::fuel::read_custom_fuel_models(&p) {
            assert_names(&e, "prop_fuels.fmd")?;
        }
    }

    #[test]
    fn farsite_input_gives_a_run_or_names_the_file(
        lines in prop::collection::vec(prop_oneof![
            Just("FARSITE INPUTS FILE VERSION 1.0".to_string()),
            (0u32..14, 0u32..33, 0u32..2500).prop_map(|(m, d, t)| format!("FARSITE_START_TIME: {m} {d} {t:04}")),
            (0u32..14, 0u32..33, 0u32..2500).prop_map(|(m, d, t)| format!("FARSITE_END_TIME: {m} {d} {t:04}")),
            prop::sample::select(vec!["RAWS_UNITS: English", "RAWS_UNITS: Metric", "RAWS_UNITS: Kelvin", "FOLIAR_MOISTURE_CONTENT: 100",
                "CROWN_FIRE_METHOD: Finney", "CROWN_FIRE_METHOD: Other", "FARSITE_BURN_PERIODS: 1", "FUEL_MOISTURES_DATA: 1",
                "RAWS: 2", "RAWS: x", "FARSITE_SPOT_PROBABILITY: nan", "WIND_DATA: 1", "0 3 4 6 70 100",
                "WEATHER_DATA: 1", "WEATHER_DATA_UNITS: Metric", "WIND_DATA_UNITS: Furlongs", "8 14 10 0600 1500 52 85 70 20 4000",
                "8 14 0000 5 220 10", "8 14 1200 1959", "8 14 2000 1200", "CUSTOM_FUELS_DATA: 1", "RAWS_FILE: missing.raws",
                "FUEL_MOISTURES_FILE: missing.fms", "FARSITE_ATM_FILE: missing.atm", "RAWS_ELEVATION: -12",
                "28 FM1 0.74 0 0 0 0 static 3500 1800 1500 1.0 12 8000 8000 Grass", "SOME_BLOCK: 3"]).prop_map(String::from),
            (2000i32..2030, 0u32..14, 0u32..33, 0u32..2500, cell(), cell(), cell(), cell(), cell(), cell())
                .prop_map(|(y, m, d, t, a, b, c, e, f, g)| format!("{y} {m} {d} {t:04} {a} {b} {c} {e} {f} {g}")),
            "[ -~]{0,40}",
        ], 0..12)
    ) {
        let p = file("prop_fire.input", lines.join("\n").as_bytes());
        if let Err(e) = emberfall::farsite::FarsiteInput::read(&p) {
            assert_names(&e, "prop_fire.input")?;
        }
        if let Err(e) = emberfall::weather::WeatherStream::from_csv(&p, &base_weather()) {
            assert_names(&e, "prop_fire.input")?;
        }
    }

    #[test]
    fn fms_cnv_and_atm_files_give_values_or_name_the_file(
        lines in prop::collection::vec(prop_oneof![
            (cell(), cell(), cell(), cell(), cell(), cell()).prop_map(|(a, b, c, d, e, f)| format!("{a} {b} {c} {d} {e} {f}")),
            (cell(), cell()).prop_map(|(a, b)| format!("{a} {b}")),
            (0u32..14, 0u32..33, 0u32..2500, "[a-z]{0,5}\\.asc", "[a-z]{0,5}\\.asc")
                .prop_map(|(m, d, t, a, b)| format!("{m} {d} {t:04} {a} {b}")),
            Just("WINDS_AND_CLOUDS".to_string()),
            Just("METRIC".to_string()),
            "[ -~]{0,40}",
        ], 0..6)
    ) {
        let text = lines.join("\n");
        let p = file("prop_moist.fms", text.as_bytes());
        if let Err(e) = emberfall::farsite::read_fms(&p) {
            assert_names(&e, "prop_moist.fms")?;
        }
        let p = file("prop_conv.cnv", text.as_bytes());
        if let Err(e) = emberfall::landscape::read_fuel_conversion(&p) {
            assert_names(&e, "prop_conv.cnv")?;
        }
        let p = file("prop_winds.atm", text.as_bytes());
        if let Err(e) = emberfall::farsite::read_atm(&p, 2020) {
            assert_names(&e, "prop_winds.atm")?;
        }
    }

    #[test]
    fn burn_periods_give_a_clock_or_an_error(
        periods in prop::collection::vec((prop_oneof![Just(f64::NAN), -1e4f64..1e5], prop_oneof![Just(f64::INFINITY), -1e4f64..1e5]), 0..6),
        duration in 0.0f64..1e5,
        t in -1e5f64..2e5,
    ) {
        if let Ok(c) = emberfall::spread::clock::BurnClock::new(&periods, duration) {
            let f = c.to_fire(t);
            prop_assert!(f >= 0.0 && f <= c.fire_duration_min() + 1e-9);
            prop_assert!(c.to_clock(f) <= t.max(0.0) + 1e-6 || f == 0.0);
        }
    }

    #[test]
    fn csv_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let p = file("prop_bytes.csv", &bytes);
        if let Err(e) = emberfall::weather::WeatherStream::from_csv(&p, &base_weather()) {
            assert_names(&e, "prop_bytes.csv")?;
        }
        if let Err(e) = emberfall::physics::fuel::read_custom_fuel_models(&p) {
            assert_names(&e, "prop_bytes.csv")?;
        }
        if let Err(e) = emberfall::debris::forms::read_fragments(&p, grid()) {
            assert_names(&e, "prop_bytes.csv")?;
        }
    }

    #[test]
    fn duration_gives_positive_minutes_or_names_the_option(s in prop_oneof![
        any::<String>(),
        (any::<f64>(), prop::sample::select(vec!["", "h", "min", "s", "days", " h", "ms", "weeks", "y"]))
            .prop_map(|(v, u)| format!("{v}{u}")),
        "[0-9]{1,25}(h|min|s|d) ?[0-9]{0,5}(min|s)?",
    ]) {
        match emberfall::quantity::duration_min(&s, "--duration") {
            Ok(m) => prop_assert!(m.is_finite() && m > 0.0 && m < 1.0e6, "{} -> {}", s, m),
            Err(e) => assert_names(&e, "--duration")?,
        }
    }

    #[test]
    fn command_line_values_parse_or_name_the_option(s in prop_oneof![
        any::<String>(),
        prop::collection::vec(cell(), 0..7).prop_map(|v| v.join(",")),
    ]) {
        match emberfall::spread::sources::parse_triplet(&s, "--ignite") {
            Ok((x, y, t)) => prop_assert!(x.is_finite() && y.is_finite() && t.is_finite() && t >= 0.0),
            Err(e) => assert_names(&e, "--ignite")?,
        }
        if let Err(e) = emberfall::quantity::moisture_list(&s, "--moisture") {
            assert_names(&e, "--moisture")?;
        }
    }

    #[test]
    fn ignition_time_attribute_is_a_start_time_or_says_what_is_wrong(s in prop_oneof![
        any::<String>(),
        cell(),
    ]) {
        match emberfall::spread::sources::time_attribute(Some(&s)) {
            Ok(t) => prop_assert!(t.is_finite() && t >= 0.0),
            Err(m) => prop_assert!(m.contains("time_min"), "{}", m),
        }
    }
}

proptest! {
    // Each case goes through GDAL (a coordinate transform, an OGR file): fewer cases.
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn fragment_csv_gives_a_field_or_names_the_file(text in csv_of(FRAGMENT_COLUMNS)) {
        let p = file("prop_fragments.csv", text.as_bytes());
        if let Err(e) = emberfall::debris::forms::read_fragments(&p, grid()) {
            assert_names(&e, "prop_fragments.csv")?;
        }
    }

    #[test]
    fn ignition_attributes_in_a_file_are_read_or_named(s in prop_oneof![any::<String>(), cell()]) {
        let value = serde_json::to_string(&s).unwrap();
        let json = format!(
            r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::32611"}}}},"features":[{{"type":"Feature","properties":{{"time_min":{value}}},"geometry":{{"type":"Point","coordinates":[500300,3999700]}}}}]}}"#
        );
        let p = file("prop_ignitions.geojson", json.as_bytes());
        match emberfall::spread::sources::read_vector(&p, grid()) {
            Ok(src) => {
                prop_assert!(src.iter().all(|x| x.t_min.is_finite() && x.t_min >= 0.0));
                // What the file gives is what the attribute parser gives.
                prop_assert_eq!(Ok(src[0].t_min), emberfall::spread::sources::time_attribute(Some(&s)));
            }
            Err(e) => {
                assert_names(&e, "prop_ignitions.geojson")?;
                assert_names(&e, "feature 0")?;
            }
        }
    }
}
