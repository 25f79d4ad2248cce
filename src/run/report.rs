//! report.md of a run: inputs, ignitions, the fire's growth and reach, maps and notes, in Markdown.

use crate::run::pipeline::{MemberDebris, MemberResult, Prepared};
use crate::units::MIN_PER_H;

/// report.md of a member with debris: inputs, ignitions, burned area and perimeter over time, maps, notes.
pub fn report_md(
    p: &Prepared,
    m: &MemberResult,
    d: &MemberDebris,
    spread: Option<&serde_json::Value>,
    notes: &[String],
) -> String {
    let sc = &p.scenario;
    let g = &p.landscape.grid;
    let (form, field, expected, ign, seed) = (d.form, &d.field, d.expected_ignitions, &d.ignitions, m.seed);
    let mut s = String::new();
    s += &format!("# {}\n\n", sc.name.clone().unwrap_or_else(|| "Emberfall scenario run".into()));
    if let Some(d) = &sc.description {
        s += &format!("{d}\n\n");
    }
    s += "## Inputs\n\n";
    match &sc.path {
        Some(path) => s += &format!("- Scenario: `{}`; seed {seed}\n", path.display()),
        None => s += &format!("- Seed {seed}\n"),
    }
    s += &format!("- Landscape: {} x {} cells of {} m, {}\n", g.rows, g.cols, g.dx(), g.crs_name());
    let w = &sc.weather;
    s += &format!(
        "- Weather: moisture {:?} % (1-h, 10-h, 100-h, herb, woody), wind {} km/h ({}) from {} deg, air {} C{}\n",
        w.moisture_pct,
        w.wind_speed_kmh,
        w.base.wind_height.label(),
        w.base.wind_from_deg,
        w.air_temp_c,
        w.stream.as_ref().map(|p| format!(", stream {}", p.display())).unwrap_or_default()
    );
    s += &format!(
        "- Debris ({form}): {} fragments on the landscape, {} off it\n",
        field.fragments.len(),
        field.off_landscape.len()
    );
    s += "\n## Ignition\n\n";
    s += &format!(
        "Expected ignitions over the landscape: {expected:.2}. This realisation: {} ignitions.\n\n",
        ign.len()
    );
    if !ign.is_empty() {
        s += "| fragment | x | y | time (min) | P(ignition) |\n| --- | --- | --- | --- | --- |\n";
        for i in ign.iter().take(30) {
            s += &format!("| {} | {:.1} | {:.1} | {:.2} | {:.3} |\n", i.fragment, i.x, i.y, i.t_min, i.probability);
        }
        if ign.len() > 30 {
            s += &format!("| ... {} more | | | | |\n", ign.len() - 30);
        }
    }
    s += "\nMaps: `ignition_probability.tif`, `expected_ignitions.tif`, `impacts.gpkg` (layers `impacts`, `ignitions`).\n\n";
    s += "![ignition probability](ignition_probability.png)\n\n";
    s += "## Fire\n\n";
    match spread {
        None => s += "No ignition in this realisation: no fire.\n",
        Some(sp) => {
            s += "| time (h) | burned area (ha) | crown fire area (ha) | perimeter (m) |\n| --- | --- | --- | --- |\n";
            if let Some(isos) = sp["isochrones"].as_array() {
                for i in isos {
                    s += &format!(
                        "| {:.2} | {:.2} | {:.2} | {:.0} |\n",
                        i["time_min"].as_f64().unwrap_or(0.0) / MIN_PER_H,
                        i["area_ha"].as_f64().unwrap_or(0.0),
                        i["crown_fire_area_ha"].as_f64().unwrap_or(0.0),
                        i["perimeter_m"].as_f64().unwrap_or(0.0)
                    );
                }
            }
            s += "\nCrown fire area: cells that burned as passive (torching) or active crown fire, map `crown_fire_type.tif`.\n";
            let spot = &sp["spotting"];
            if spot.is_object() {
                s += &format!(
                    "\nSpotting: {} cells launched {} embers; {} landed on the landscape within reach and {} started spot fires (`spot_fires.gpkg`).\n",
                    spot["launching_cells"].as_u64().unwrap_or(0),
                    spot["embers_launched"].as_u64().unwrap_or(0),
                    spot["embers_landed"].as_u64().unwrap_or(0),
                    spot["spot_fires"].as_u64().unwrap_or(0)
                );
            } else {
                s += "\nSpotting: off.\n";
            }
            s += &format!(
                "\nMaximum spread rate {:.1} m/min, fireline intensity {:.0} kW/m, flame length {:.1} m. Run on {} in {:.2} s.\n\n",
                sp["max_ros_m_per_min"].as_f64().unwrap_or(0.0),
                sp["max_fireline_intensity_kw_per_m"].as_f64().unwrap_or(0.0),
                sp["max_flame_length_m"].as_f64().unwrap_or(0.0),
                sp["backend"].as_str().unwrap_or("?"),
                sp["run_time_s"].as_f64().unwrap_or(0.0)
            );
            let r = &sp["reach"];
            if let (Some(d), Some(az), Some(t)) =
                (r["farthest_m"].as_f64(), r["farthest_azimuth_deg"].as_f64(), r["farthest_arrival_min"].as_f64())
            {
                s += &format!(
                    "Where and when: the fire reached {d:.0} m from the ignitions' centroid toward {az:.0} deg (azimuth) \
                     after {t:.0} min; burned extent {:?} (landscape CRS). Map `arrival_time.png`, arrival times \
                     `arrival_time_min.tif`, perimeters `isochrones.gpkg`.\n\n",
                    r["burned_extent"].as_array().map(|a| a.iter().map(|v| v.as_f64().unwrap_or(0.0).round()).collect::<Vec<_>>()).unwrap_or_default()
                );
            }
            s += "![arrival time](arrival_time.png)\n";
        }
    }
    if !notes.is_empty() {
        s += "\n## Notes\n\n";
        for n in notes {
            s += &format!("- {n}\n");
        }
    }
    s
}
