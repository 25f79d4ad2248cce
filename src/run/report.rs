//! report.md of a run: inputs, ignitions, the fire's growth and reach, maps and notes, from
//! `templates/run_report.md`; the figures are formatted here, the layout is the template's.

use serde::Serialize;

use crate::error::Result;
use crate::run::pipeline::{MemberDebris, MemberResult, Prepared};
use crate::units::MIN_PER_H;

/// What `templates/run_report.md` shows.
#[derive(Serialize)]
struct RunReportView {
    title: String,
    description: Option<String>,
    scenario: Option<String>,
    seed: u64,
    landscape: String,
    weather: String,
    form: String,
    fragments_on: usize,
    fragments_off: usize,
    expected: String,
    ignitions: usize,
    /// The first 30 ignitions: fragment, x, y, time (min), probability.
    ignition_rows: Vec<[String; 5]>,
    more_ignitions: usize,
    fire: Option<FireView>,
    notes: Vec<String>,
}

/// The fire of a run, from its summary.json's `spread` object.
#[derive(Serialize)]
struct FireView {
    /// Per isochrone: time (h), burned area (ha), crown fire area (ha), perimeter (m).
    isochrones: Vec<[String; 4]>,
    spotting: Option<String>,
    max_ros: String,
    max_intensity: String,
    max_flame: String,
    backend: String,
    run_time: String,
    reach: Option<String>,
}

/// Ignitions listed in the report; the rest are counted.
const LISTED_IGNITIONS: usize = 30;

/// report.md of a member with debris: inputs, ignitions, burned area and perimeter over time, maps, notes.
pub fn report_md(
    p: &Prepared,
    m: &MemberResult,
    d: &MemberDebris,
    spread: Option<&serde_json::Value>,
    notes: &[String],
) -> Result<String> {
    let sc = &p.scenario;
    let g = &p.landscape.grid;
    let w = &sc.weather;
    let view = RunReportView {
        title: sc.name.clone().unwrap_or_else(|| "Emberfall scenario run".into()),
        description: sc.description.clone(),
        scenario: sc.path.as_ref().map(|p| p.display().to_string()),
        seed: m.seed,
        landscape: format!("{} x {} cells of {} m, {}", g.rows, g.cols, g.dx(), g.crs_name()),
        weather: format!(
            "moisture {:?} % (1-h, 10-h, 100-h, herb, woody), wind {} km/h ({}) from {} deg, air {} C{}",
            w.moisture_pct,
            w.wind_speed_kmh,
            w.base.wind_height.label(),
            w.base.wind_from_deg,
            w.air_temp_c,
            w.stream.as_ref().map(|p| format!(", stream {}", p.display())).unwrap_or_default()
        ),
        form: d.form.to_string(),
        fragments_on: d.field.fragments.len(),
        fragments_off: d.field.off_landscape.len(),
        expected: format!("{:.2}", d.expected_ignitions),
        ignitions: d.ignitions.len(),
        ignition_rows: d
            .ignitions
            .iter()
            .take(LISTED_IGNITIONS)
            .map(|i| {
                [
                    i.fragment.to_string(),
                    format!("{:.1}", i.x),
                    format!("{:.1}", i.y),
                    format!("{:.2}", i.t_min),
                    format!("{:.3}", i.probability),
                ]
            })
            .collect(),
        more_ignitions: d.ignitions.len().saturating_sub(LISTED_IGNITIONS),
        fire: spread.map(fire_view),
        notes: notes.to_vec(),
    };
    crate::run::template::render("run_report.md", include_str!("../../templates/run_report.md"), &view)
}

fn fire_view(sp: &serde_json::Value) -> FireView {
    let f = |v: &serde_json::Value| v.as_f64().unwrap_or(0.0);
    let isochrones = sp["isochrones"]
        .as_array()
        .map(|isos| {
            isos.iter()
                .map(|i| {
                    [
                        format!("{:.2}", f(&i["time_min"]) / MIN_PER_H),
                        format!("{:.2}", f(&i["area_ha"])),
                        format!("{:.2}", f(&i["crown_fire_area_ha"])),
                        format!("{:.0}", f(&i["perimeter_m"])),
                    ]
                })
                .collect()
        })
        .unwrap_or_default();
    let spot = &sp["spotting"];
    let spotting = spot.is_object().then(|| {
        format!(
            "{} cells launched {} embers; {} landed on the landscape within reach and {} started spot fires (`spot_fires.gpkg`).",
            spot["launching_cells"].as_u64().unwrap_or(0),
            spot["embers_launched"].as_u64().unwrap_or(0),
            spot["embers_landed"].as_u64().unwrap_or(0),
            spot["spot_fires"].as_u64().unwrap_or(0)
        )
    });
    let r = &sp["reach"];
    let reach = match (r["farthest_m"].as_f64(), r["farthest_azimuth_deg"].as_f64(), r["farthest_arrival_min"].as_f64())
    {
        (Some(d), Some(az), Some(t)) => {
            let extent: Vec<f64> = r["burned_extent"]
                .as_array()
                .map(|a| a.iter().map(|v| v.as_f64().unwrap_or(0.0).round()).collect())
                .unwrap_or_default();
            Some(format!(
                "the fire reached {d:.0} m from the ignitions' centroid toward {az:.0} deg (azimuth) after {t:.0} min; \
                 burned extent {extent:?} (landscape CRS). Map `arrival_time.png`, arrival times \
                 `arrival_time_min.tif`, perimeters `isochrones.gpkg`."
            ))
        }
        _ => None,
    };
    FireView {
        isochrones,
        spotting,
        max_ros: format!("{:.1}", f(&sp["max_ros_m_per_min"])),
        max_intensity: format!("{:.0}", f(&sp["max_fireline_intensity_kw_per_m"])),
        max_flame: format!("{:.1}", f(&sp["max_flame_length_m"])),
        backend: sp["backend"].as_str().unwrap_or("?").to_string(),
        run_time: format!("{:.2}", f(&sp["run_time_s"])),
        reach,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The branches the demo does not take: a description, no ignition, no fire, no notes; and more ignitions
    /// than are listed.
    #[test]
    fn a_run_without_fire_reads_as_one() {
        let mut view = RunReportView {
            title: "T".into(),
            description: Some("D".into()),
            scenario: None,
            seed: 7,
            landscape: "L".into(),
            weather: "W".into(),
            form: "fragment list".into(),
            fragments_on: 2,
            fragments_off: 1,
            expected: "0.00".into(),
            ignitions: 0,
            ignition_rows: Vec::new(),
            more_ignitions: 0,
            fire: None,
            notes: Vec::new(),
        };
        let md = crate::run::template::render("run_report.md", include_str!("../../templates/run_report.md"), &view)
            .unwrap();
        assert!(md.starts_with("# T\n\nD\n\n## Inputs\n\n- Seed 7\n- Landscape: L\n"), "{md}");
        assert!(md.contains("This realisation: 0 ignitions.\n\n\nMaps: `ignition_probability.tif`"), "{md}");
        assert!(md.ends_with("## Fire\n\nNo ignition in this realisation: no fire.\n"), "{md}");
        view.ignitions = 31;
        view.ignition_rows = vec![["f".into(), "1.0".into(), "2.0".into(), "3.00".into(), "0.500".into()]];
        view.more_ignitions = 1;
        view.notes = vec!["n".into()];
        let md = crate::run::template::render("run_report.md", include_str!("../../templates/run_report.md"), &view)
            .unwrap();
        assert!(
            md.contains(
                "| --- | --- | --- | --- | --- |\n| f | 1.0 | 2.0 | 3.00 | 0.500 |\n| ... 1 more | | | | |\n\nMaps"
            ),
            "{md}"
        );
        assert!(md.ends_with("no fire.\n\n## Notes\n\n- n\n"), "{md}");
    }
}
