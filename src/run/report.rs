//! report.md and report.html of a run (`run`, `spread`): inputs, ignitions, the fire's growth and reach, the
//! assets' arrival times, clock times, maps and notes, from `templates/run_report.md`; the figures are formatted
//! here, the layout is the template's. report.html is the same Markdown rendered (pulldown-cmark), its maps
//! embedded.

use serde::Serialize;

use crate::error::Result;
use crate::run::pipeline::{MemberDebris, MemberResult, Prepared};
use crate::run::products::assets::AssetArrival;
use crate::run::start::StartTime;
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
    /// The clock time of minute 0, for a reader (none without a start).
    start: Option<String>,
    /// Direct ignitions (`spread`): how many and where.
    sources: Option<String>,
    debris: Option<DebrisView>,
    /// Per asset: name, arrival (min), clock time, what else (cells burned, or the distance left).
    assets: Vec<[String; 4]>,
    fire: Option<FireView>,
    notes: Vec<String>,
}

/// The debris of a run.
#[derive(Serialize)]
struct DebrisView {
    form: String,
    fragments_on: usize,
    fragments_off: usize,
    expected: String,
    ignitions: usize,
    /// The first 30 ignitions: fragment, x, y, time (min), probability.
    ignition_rows: Vec<[String; 5]>,
    more_ignitions: usize,
}

/// The fire of a run, from its summary.json's `spread` object.
#[derive(Serialize)]
struct FireView {
    /// Per isochrone: time (h), clock time (empty without a start), burned area (ha), crown fire area (ha),
    /// perimeter (m).
    isochrones: Vec<[String; 5]>,
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

/// report.md of a member: inputs, ignitions (debris or given), the assets' arrival times, burned area and
/// perimeter over time, maps, notes.
pub fn report_md(
    p: &Prepared,
    m: &MemberResult,
    spread: Option<&serde_json::Value>,
    arrivals: &[AssetArrival],
    notes: &[String],
) -> Result<String> {
    let sc = &p.scenario;
    let g = &p.landscape.grid;
    let w = &sc.weather;
    let start = p.start.as_ref();
    let view = RunReportView {
        title: sc.name.clone().unwrap_or_else(|| {
            if m.debris.is_some() { "Emberfall scenario run" } else { "Emberfall fire spread run" }.into()
        }),
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
        start: start.map(|s| s.describe()),
        sources: m.debris.is_none().then(|| {
            let first = m.sources.iter().map(|s| s.t_min).fold(f64::INFINITY, f64::min);
            format!(
                "{} given ignition{}, the first at {} min{}",
                m.sources.len(),
                if m.sources.len() == 1 { "" } else { "s" },
                crate::format::plain(first, 1),
                start.map(|s| format!(" ({})", s.label(first))).unwrap_or_default()
            )
        }),
        debris: m.debris.as_ref().map(debris_view),
        assets: arrivals
            .iter()
            .map(|a| {
                let (t, clock, more) = match a.arrival_min {
                    Some(t) => (
                        crate::format::plain(t, 0),
                        start.map(|s| s.label(t)).unwrap_or_default(),
                        format!("{} of {} cells burned", a.cells_burned, a.cells),
                    ),
                    None => (
                        "not reached".into(),
                        String::new(),
                        a.nearest_fire_m
                            .map(|d| format!("fire {} km away at the end", crate::format::plain(d / 1000.0, 2)))
                            .unwrap_or_else(|| "no fire".into()),
                    ),
                };
                [a.asset.clone(), t, clock, more]
            })
            .collect(),
        fire: spread.map(|sp| fire_view(sp, start)),
        notes: notes.to_vec(),
    };
    crate::run::template::render("run_report.md", include_str!("../../templates/run_report.md"), &view)
}

fn debris_view(d: &MemberDebris) -> DebrisView {
    DebrisView {
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
    }
}

/// report.html: the report's Markdown rendered to HTML (tables on), in a page with a small style sheet, each map
/// image of `dir` embedded (any raw HTML in the text shown as text) (a PNG as a data URI), so that the file stands alone.
pub fn report_html(md: &str, title: &str, dir: &std::path::Path) -> Result<String> {
    use base64::Engine as _;
    use pulldown_cmark::{html, Event, Options, Parser, Tag};
    let mut body = String::new();
    let events = Parser::new_ext(md, Options::ENABLE_TABLES).map(|e| match e {
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            let path = dir.join(dest_url.as_ref());
            let dest_url = match std::fs::read(&path) {
                Ok(bytes) if dest_url.ends_with(".png") => {
                    format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes)).into()
                }
                _ => dest_url,
            };
            Event::Start(Tag::Image { link_type, dest_url, title, id })
        }
        // The report holds no HTML of its own: any (a note quoting `<...>`) is text.
        Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
        other => other,
    });
    html::push_html(&mut body, events);
    let view = serde_json::json!({ "title": title, "body": body });
    crate::run::template::render("run_report.html", include_str!("../../templates/run_report.html"), &view)
}

fn fire_view(sp: &serde_json::Value, start: Option<&StartTime>) -> FireView {
    let f = |v: &serde_json::Value| v.as_f64().unwrap_or(0.0);
    let isochrones = sp["isochrones"]
        .as_array()
        .map(|isos| {
            isos.iter()
                .map(|i| {
                    [
                        format!("{:.2}", f(&i["time_min"]) / MIN_PER_H),
                        start.map(|s| s.label(f(&i["time_min"]))).unwrap_or_default(),
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

    fn render(view: &RunReportView) -> String {
        crate::run::template::render("run_report.md", include_str!("../../templates/run_report.md"), view).unwrap()
    }

    /// The branches the demo does not take: a description, no ignition, no fire, no notes; and more ignitions
    /// than are listed; a spread run without debris, with a start and assets.
    #[test]
    fn a_run_without_fire_reads_as_one() {
        let debris = DebrisView {
            form: "fragment list".into(),
            fragments_on: 2,
            fragments_off: 1,
            expected: "0.00".into(),
            ignitions: 0,
            ignition_rows: Vec::new(),
            more_ignitions: 0,
        };
        let mut view = RunReportView {
            title: "T".into(),
            description: Some("D".into()),
            scenario: None,
            seed: 7,
            landscape: "L".into(),
            weather: "W".into(),
            start: None,
            sources: None,
            debris: Some(debris),
            assets: Vec::new(),
            fire: None,
            notes: Vec::new(),
        };
        let md = render(&view);
        assert!(md.starts_with("# T\n\nD\n\n## Inputs\n\n- Seed 7\n- Landscape: L\n"), "{md}");
        assert!(md.contains("This realisation: 0 ignitions.\n\n\nMaps: `ignition_probability.tif`"), "{md}");
        assert!(md.ends_with("## Fire\n\nNo ignition in this realisation: no fire.\n"), "{md}");
        let d = view.debris.as_mut().unwrap();
        d.ignitions = 31;
        d.ignition_rows = vec![["f".into(), "1.0".into(), "2.0".into(), "3.00".into(), "0.500".into()]];
        d.more_ignitions = 1;
        view.notes = vec!["n".into()];
        let md = render(&view);
        assert!(
            md.contains(
                "| --- | --- | --- | --- | --- |\n| f | 1.0 | 2.0 | 3.00 | 0.500 |\n| ... 1 more | | | | |\n\nMaps"
            ),
            "{md}"
        );
        assert!(md.ends_with("no fire.\n\n## Notes\n\n- n\n"), "{md}");
        // A spread run: no debris section, its ignitions, the start and the assets' table.
        view.debris = None;
        view.sources = Some("1 given ignition, the first at 0 min".into());
        view.start = Some("2024-03-13 11:01:12 +09:00".into());
        view.assets =
            vec![["village".into(), "61".into(), "12:02 (+09:00), 03:02 UTC".into(), "3 of 9 cells burned".into()]];
        let md = render(&view);
        assert!(!md.contains("## Ignition"), "{md}");
        assert!(md.contains("- Start (minute 0): 2024-03-13 11:01:12 +09:00\n- Ignitions: 1 given ignition"), "{md}");
        assert!(md.contains("| village | 61 | 12:02 (+09:00), 03:02 UTC | 3 of 9 cells burned |"), "{md}");
    }

    #[test]
    fn the_html_report_embeds_its_maps_and_escapes_text() {
        let dir = std::env::temp_dir().join(format!("emberfall-report-html-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("m.png"), [137u8, 80, 78, 71]).unwrap();
        let md = "# A <b> & C\n\n| x | y |\n| --- | --- |\n| 1 | 2 |\n\n![map](m.png)\n";
        let html = report_html(md, "A & B", &dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(html.contains("<title>A &amp; B</title>") && html.contains("A &lt;b&gt; &amp; C"), "{html}");
        assert!(html.contains("<td>1</td>"), "a table: {html}");
        assert!(html.contains("src=\"data:image/png;base64,iVBORw==\""), "embedded: {html}");
    }
}
