//! Ignition files' `time_min` attribute: any text, as a GeoJSON string property, gives a start time or an error
//! naming the file and the feature.
#![no_main]
#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let direct = emberfall::spread::sources::time_attribute(Some(text));
    if let Ok(t) = direct {
        assert!(t.is_finite() && t >= 0.0);
    }
    let value = serde_json::to_string(text).unwrap();
    let json = format!(
        r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::32611"}}}},"features":[{{"type":"Feature","properties":{{"time_min":{value}}},"geometry":{{"type":"Point","coordinates":[500300,3999700]}}}}]}}"#
    );
    let p = common::file("fuzz_ignitions.geojson", json.as_bytes());
    match emberfall::spread::sources::read_vector(&p, common::grid()) {
        Ok(s) => assert!(s.iter().all(|s| s.t_min.is_finite() && s.t_min >= 0.0)),
        Err(e) => {
            common::names(&e, "fuzz_ignitions.geojson");
            common::names(&e, "feature 0");
        }
    }
});
