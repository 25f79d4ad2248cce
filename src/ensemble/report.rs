//! The hazard report of an ensemble: report.md (beside its PNGs) and a self-contained report.html (images inline
//! as data URLs, styles inline, a Content-Security-Policy that forbids any request outside the file), and
//! summary.json. Verdicts, burn probability map with the assets, response-window figures, asset reach, inputs with
//! their SHA-256, version, seed, member count, backend and run time.

use std::path::Path;

use base64::Engine as _;
use serde::Serialize;
use serde_json::json;

use crate::ensemble::accumulate::Accumulator;
use crate::ensemble::outcomes::{AssetArrival, AssetReach, CriterionOutcome};
use crate::ensemble::stats::{fmt_minutes, quantile_with_interval};
use crate::ensemble::Ensemble;
use crate::error::{Error, Result};
use crate::units::M_PER_KM;

/// What the report is made from.
pub struct ReportContext<'a> {
    pub ens: &'a Ensemble,
    pub acc: &'a Accumulator,
    pub reach: &'a [AssetReach],
    pub arrivals: &'a [AssetArrival],
    pub criteria: &'a [CriterionOutcome],
    /// The launch-window sweep: per candidate, the criteria's outcomes.
    pub sweep: &'a [(String, Vec<CriterionOutcome>)],
    pub backend: &'a str,
    pub timing: crate::run::Timing,
    pub run_time_s: f64,
    pub out: &'a Path,
}

/// Response-window figures: quantiles over members of the burned area, perimeter and separate fires at the
/// response time, and the share of members with any ignition.
fn response_rows(c: &ReportContext) -> Vec<(String, String, String, String)> {
    let acc = c.acc;
    let sc = &c.ens.prepared.scenario;
    let k = acc.time_index(sc.ensemble.response_time_min).unwrap_or(0);
    let last = acc.times_min.len() - 1;
    let q = |mut v: Vec<f64>| -> (String, String, String) {
        v.sort_by(f64::total_cmp);
        let f = |p: f64| quantile_with_interval(&v, p).map_or("-".into(), |x| format!("{:.2}", x.0));
        (f(0.5), f(0.9), f(0.99))
    };
    let rows = [
        ("Ignitions", acc.records.iter().map(|r| r.ignitions as f64).collect::<Vec<_>>()),
        ("Burned area at response time (ha)", acc.records.iter().map(|r| r.area_ha[k]).collect()),
        ("Perimeter at response time (km)", acc.records.iter().map(|r| r.perimeter_m[k] / M_PER_KM).collect()),
        ("Separate fires at response time", acc.records.iter().map(|r| r.fires[k] as f64).collect()),
        ("Burned area at the end (ha)", acc.records.iter().map(|r| r.area_ha[last]).collect()),
    ];
    rows.into_iter()
        .map(|(name, v)| {
            let (a, b, cc) = q(v);
            (name.to_string(), a, b, cc)
        })
        .collect()
}

/// summary.json.
pub fn summary_json(c: &ReportContext) -> serde_json::Value {
    let sc = &c.ens.prepared.scenario;
    json!({
        "emberfall_version": env!("CARGO_PKG_VERSION"),
        "scenario": sc.name,
        "seed": sc.seed,
        "members": c.acc.members,
        "ensemble_members": c.acc.ensemble_members,
        "backend": c.backend,
        "duration_min": c.acc.duration_min,
        "response_time_min": sc.ensemble.response_time_min,
        "failure_probability": sc.ensemble.failure_probability,
        "times_min": c.acc.times_min,
        "arrival_bin_min": c.acc.arrival_bin_min(),
        "members_with_ignitions": c.acc.records.iter().filter(|r| r.ignitions > 0).count(),
        "criteria": c.criteria,
        "launch_window": c.sweep.iter().map(|(t, cs)| json!({"launch_time": t, "criteria": cs})).collect::<Vec<_>>(),
        "assets": c.reach,
        "asset_arrival": c.arrivals,
        "boundaries": boundary_counts(c.ens, c.acc).into_iter().map(|(a, n, cr, wb, bo)| json!({
            "asset": a, "members": n, "fire_crossing": cr, "reached_with_debris_beyond": wb, "debris_beyond_only": bo,
        })).collect::<Vec<_>>(),
        "inputs": c.ens.inputs,
        "fingerprint": c.acc.fingerprint,
        "notes": c.ens.prepared.notes,
    })
}

/// A criterion's row: name, limit, events / members, probability with its interval, verdict, notes.
#[derive(Serialize)]
struct CriterionRow {
    name: String,
    limit: String,
    events: String,
    probability: String,
    verdict: &'static str,
    note: String,
}

fn criteria_rows(c: &ReportContext) -> Vec<CriterionRow> {
    let pf = c.ens.prepared.scenario.ensemble.failure_probability;
    c.criteria
        .iter()
        .map(|o| {
            let mut note = String::new();
            if let Some(m) = o.members_needed {
                note = format!("about {} more members needed to decide", m.saturating_sub(o.members));
            }
            if let (Some(p), Some(a), Some(h)) = (pf, o.absolute_probability, o.absolute_ci95_high) {
                if !note.is_empty() {
                    note += "; ";
                }
                note += &format!(
                    "per launch (x P(failure) = {p}): {} (95 % upper {})",
                    crate::format::probability(a),
                    crate::format::probability(h)
                );
            }
            CriterionRow {
                name: o.name.clone(),
                limit: crate::format::probability(o.limit),
                events: format!("{} / {}", o.events, o.members),
                probability: with_interval(o.probability, o.ci95_low, o.ci95_high),
                verdict: o.verdict.word(),
                note,
            }
        })
        .collect()
}

/// `p [low, high]`.
fn with_interval(p: f64, low: f64, high: f64) -> String {
    format!(
        "{} [{}, {}]",
        crate::format::probability(p),
        crate::format::probability(low),
        crate::format::probability(high)
    )
}

#[derive(Serialize)]
struct ResponseRow {
    name: String,
    p50: String,
    p90: String,
    p99: String,
}

#[derive(Serialize)]
struct ReachRow {
    asset: String,
    within: String,
    reached: u64,
    members: u64,
    probability: String,
}

#[derive(Serialize)]
struct ArrivalRow {
    asset: String,
    reached: u64,
    p10: String,
    p50: String,
    p90: String,
}

/// One of the earliest members to reach an asset, with what it drew.
#[derive(Serialize)]
struct EarlyRow {
    asset: String,
    member: u64,
    arrival_min: String,
    failure_time_s: String,
    ignitions: u32,
    weather: String,
}

/// Members listed per asset among the earliest to reach it.
const EARLIEST: usize = 3;

/// The earliest members to reach each asset (by arrival, then member number), with their failure time, ignitions
/// and weather draw: what the worst cases were made of.
fn earliest_rows(c: &ReportContext) -> Vec<EarlyRow> {
    let mut rows = Vec::new();
    for (k, a) in c.ens.assets.iter().enumerate() {
        let mut reached: Vec<_> = c
            .acc
            .records
            .iter()
            .filter_map(|r| r.asset_arrival_min.get(k).copied().flatten().map(|t| (t, r)))
            .collect();
        reached.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.member.cmp(&y.1.member)));
        for (t, r) in reached.into_iter().take(EARLIEST) {
            let draw = r.perturb.map_or(String::new(), |p| {
                format!(", wind x{:.2}, direction {:+.0} deg, dead moisture x{:.2}", p.0, p.2, p.1)
            });
            rows.push(EarlyRow {
                asset: a.spec.name.clone(),
                member: r.member,
                arrival_min: format!("{t:.1}"),
                failure_time_s: r.failure_time_s.map_or("-".into(), |f| format!("{f:.1}")),
                ignitions: r.ignitions,
                weather: format!("{}{draw}", r.weather_member.as_deref().unwrap_or("scenario")),
            });
        }
    }
    rows
}

#[derive(Serialize)]
struct SweepCell {
    text: String,
    verdict: &'static str,
}

#[derive(Serialize)]
struct SweepRow {
    time: String,
    /// The candidate's forecast at launch: surface wind, dead fuel moisture, winds aloft.
    weather: String,
    cells: Vec<SweepCell>,
}

/// The weather the headline verdicts are for (the scenario's, with its members and perturbations).
fn verdict_weather(ens: &Ensemble) -> String {
    use crate::run::scenario::DebrisSpec;
    let sc = &ens.prepared.scenario;
    let aloft = match &sc.debris {
        Some(DebrisSpec::Event { winds_aloft, .. }) => {
            format!("; debris flown in winds aloft {}", crate::ensemble::assumptions::winds(winds_aloft))
        }
        _ => String::new(),
    };
    let p = &sc.ensemble.perturb;
    let perturb = if p.is_none() {
        String::new()
    } else {
        format!(
            "; perturbed per member (wind speed sd {} %, direction sd {} deg, dead moisture sd {} %)",
            p.wind_speed_sd_pct, p.wind_direction_sd_deg, p.dead_moisture_sd_pct
        )
    };
    let window = if sc.ensemble.launch_window.is_some() {
        " The launch window below gives them for each candidate launch time under its own forecast."
    } else {
        ""
    };
    format!(
        "These verdicts are for failures under the scenario's weather: {}{perturb}{aloft}.{window}",
        crate::ensemble::assumptions::surface_weather(ens)
    )
}

/// A launch candidate's forecast at its launch time, for a reader.
fn candidate_weather(ens: &Ensemble, time: &str) -> String {
    let Some(lw) = &ens.prepared.scenario.ensemble.launch_window else { return String::new() };
    let Ok(t) = chrono::DateTime::parse_from_rfc3339(time) else { return String::new() };
    let k = lw.row_at(t);
    let w = &lw.rows[k].1;
    let aloft = match lw.aloft.get(k) {
        Some(l) => crate::ensemble::assumptions::winds(l),
        None => "the scenario's".into(),
    };
    format!(
        "wind {} km/h from {} deg, dead 1-h moisture {} %; aloft: {aloft}",
        crate::format::plain(crate::units::km_per_h_from_m_per_min(w.wind_speed_m_per_min), 0),
        crate::format::plain(w.wind_from_deg, 0),
        crate::format::plain(crate::units::pct_from_frac(w.moisture.dead_1h), 1)
    )
}

#[derive(Serialize)]
struct RunRow {
    version: &'static str,
    backend: String,
    members_of: String,
    run_time_s: String,
    inputs_s: String,
    compute_s: String,
    cols: usize,
    rows: usize,
    cell_m: String,
}

#[derive(Serialize)]
struct InputRow {
    role: String,
    path: String,
    sha256: String,
}

/// A figure of the HTML report: a PNG of the run folder inline.
#[derive(Serialize)]
struct Figure {
    alt: &'static str,
    png_base64: String,
}

/// The figures of report.html by section.
#[derive(Serialize, Default)]
struct Figures {
    burn: Vec<Figure>,
    maps: Vec<Figure>,
    sensitivity: Vec<Figure>,
    response: Vec<Figure>,
    launch: Vec<Figure>,
}

/// The maps beside the burn probability (file, caption), as `ensemble::products` writes them.
const MORE_MAPS: [(&str, &str); 4] = [
    ("ignition_density.png", "Ignitions per member and cell, with the pad and the ground track"),
    ("arrival_time_p10_min.png", "Arrival time, 10th percentile over the members that burned each cell"),
    ("arrival_time_p50_min.png", "Arrival time, median over the members that burned each cell"),
    ("flame_length_p90_m.png", "Flame length, 90th percentile over the members that burned each cell"),
];

/// A row of the sensitivity table: criterion, input, its low end and probability, its high end and probability,
/// whether its range flips the verdict.
#[derive(Serialize)]
struct SensitivityRow {
    criterion: String,
    input: String,
    low: String,
    high: String,
    flips: bool,
}

/// What both reports show, computed once (`templates/report.md`, `templates/report.html` lay it out).
#[derive(Serialize)]
struct ReportView {
    title: String,
    description: Option<String>,
    members: u64,
    seed: u64,
    duration: String,
    criteria: Vec<CriterionRow>,
    crs: String,
    response_time: String,
    response: Vec<ResponseRow>,
    reach: Vec<ReachRow>,
    arrivals: Vec<ArrivalRow>,
    earliest: Vec<EarlyRow>,
    sweep_members: u64,
    /// The weather the headline verdicts are for.
    verdict_weather: String,
    /// The launch-window rows (none without criteria).
    sweep: Vec<SweepRow>,
    run: RunRow,
    /// What was assumed, in words (ensemble::assumptions).
    assumptions: Vec<crate::ensemble::assumptions::Assumption>,
    inputs: Vec<InputRow>,
    notes: Vec<String>,
    /// Each criterion's inputs, widest swing first, and the inputs that did not vary.
    sensitivity: Vec<SensitivityRow>,
    not_varied: Vec<String>,
    /// The maps beside the burn probability, as files (report.md).
    maps: Vec<(String, String)>,
    /// Ignitions per fragment class over all members: class, ignitions, share, per member; and where they came from.
    ignition_classes: Vec<[String; 4]>,
    ignition_provenance: Option<String>,
    /// Per boundary asset: fire crossing it and debris landing beyond it, told apart.
    boundaries: Vec<String>,
    figures: Figures,
}

fn view(c: &ReportContext) -> ReportView {
    let sc = &c.ens.prepared.scenario;
    let (acc, grid, e) = (c.acc, &c.ens.prepared.landscape.grid, &sc.ensemble);
    let percentile = |a: &AssetArrival, k: usize| {
        a.percentiles.get(k).map_or("-".to_string(), |p| format!("{:.1} [{:.1}, {:.1}]", p.1, p.2, p.3))
    };
    let sensitivity = crate::ensemble::sensitivity::sensitivity(c.ens, acc);
    ReportView {
        title: sc.name.clone().unwrap_or_else(|| "Emberfall ensemble".into()),
        description: sc.description.clone(),
        members: acc.members,
        seed: sc.seed,
        duration: fmt_minutes(acc.duration_min),
        criteria: criteria_rows(c),
        crs: grid.crs_name(),
        response_time: fmt_minutes(e.response_time_min),
        response: response_rows(c)
            .into_iter()
            .map(|(name, p50, p90, p99)| ResponseRow { name, p50, p90, p99 })
            .collect(),
        reach: c
            .reach
            .iter()
            .map(|r| ReachRow {
                asset: r.asset.clone(),
                within: fmt_minutes(r.within_min),
                reached: r.reached,
                members: r.members,
                probability: with_interval(r.probability, r.ci95_low, r.ci95_high),
            })
            .collect(),
        earliest: earliest_rows(c),
        arrivals: c
            .arrivals
            .iter()
            .map(|a| ArrivalRow {
                asset: a.asset.clone(),
                reached: a.reached,
                p10: percentile(a, 0),
                p50: percentile(a, 1),
                p90: percentile(a, 2),
            })
            .collect(),
        verdict_weather: verdict_weather(c.ens),
        sweep_members: c.sweep.first().and_then(|s| s.1.first()).map_or(0, |o| o.members),
        sweep: if c.criteria.is_empty() {
            Vec::new()
        } else {
            c.sweep
                .iter()
                .map(|(t, cs)| SweepRow {
                    time: t.clone(),
                    weather: candidate_weather(c.ens, t),
                    cells: cs
                        .iter()
                        .map(|o| SweepCell {
                            text: with_interval(o.probability, o.ci95_low, o.ci95_high),
                            verdict: o.verdict.word(),
                        })
                        .collect(),
                })
                .collect()
        },
        run: RunRow {
            version: env!("CARGO_PKG_VERSION"),
            backend: c.backend.to_string(),
            members_of: if acc.members != acc.ensemble_members {
                format!(" of {}", acc.ensemble_members)
            } else {
                String::new()
            },
            run_time_s: format!("{:.1}", c.run_time_s),
            inputs_s: format!("{:.1}", c.timing.inputs_s),
            compute_s: format!("{:.1}", c.timing.compute_s),
            cols: grid.cols,
            rows: grid.rows,
            cell_m: format!("{}", grid.dx()),
        },
        assumptions: crate::ensemble::assumptions::assumptions(c.ens),
        inputs: c
            .ens
            .inputs
            .iter()
            .map(|i| InputRow { role: i.role.clone(), path: i.path.display().to_string(), sha256: i.sha256.clone() })
            .collect(),
        notes: c.ens.prepared.notes.clone(),
        ignition_classes: ignition_class_rows(acc),
        boundaries: boundary_lines(c.ens, acc),
        ignition_provenance: ignition_provenance(acc),
        sensitivity: sensitivity_rows(&sensitivity.0),
        not_varied: sensitivity.1,
        maps: MORE_MAPS
            .iter()
            .filter(|(f, _)| c.out.join(f).exists())
            .map(|(f, a)| (f.to_string(), a.to_string()))
            .collect(),
        figures: Figures::default(),
    }
}

/// Members whose fire reached each boundary asset within the run, told apart: from ignitions all inside it (the
/// fire crossing it), with debris that ignited beyond it (reached from outside), and debris beyond it without the
/// fire reaching the line; (asset, members, crossing, reached with debris beyond, debris beyond only).
pub fn boundary_counts(ens: &Ensemble, acc: &Accumulator) -> Vec<(String, u64, u64, u64, u64)> {
    ens.assets
        .iter()
        .enumerate()
        .filter(|(_, a)| a.spec.boundary)
        .map(|(k, a)| {
            let (mut crossing, mut with_beyond, mut beyond_only) = (0, 0, 0);
            for r in &acc.records {
                let reached = r.asset_arrival_min.get(k).copied().flatten().is_some();
                let beyond = r.asset_debris_beyond.get(k).copied().unwrap_or(false);
                match (reached, beyond) {
                    (true, false) => crossing += 1,
                    (true, true) => with_beyond += 1,
                    (false, true) => beyond_only += 1,
                    _ => {}
                }
            }
            (a.spec.name.clone(), acc.records.len() as u64, crossing, with_beyond, beyond_only)
        })
        .collect()
}

fn boundary_lines(ens: &Ensemble, acc: &Accumulator) -> Vec<String> {
    boundary_counts(ens, acc)
        .into_iter()
        .map(|(name, n, crossing, with_beyond, beyond_only)| {
            format!(
                "`{name}` is a boundary: of {n} members, {crossing} reached it with every ignition inside it (the fire \
                 crossing it), {with_beyond} reached it with debris that had ignited beyond it (the fire may have come \
                 from outside), and in {beyond_only} debris ignited beyond it without the fire reaching it. \
                 \"Reached\" above counts the first two."
            )
        })
        .collect()
}

/// Ignitions per fragment class over all members (class, ignitions, share of all, mean per member), most first.
fn ignition_class_rows(acc: &Accumulator) -> Vec<[String; 4]> {
    let mut by: Vec<(String, u64)> = Vec::new();
    for r in &acc.records {
        for (c, n) in &r.ignitions_by_class {
            match by.iter_mut().find(|(x, _)| x == c) {
                Some(e) => e.1 += *n as u64,
                None => by.push((c.clone(), *n as u64)),
            }
        }
    }
    let total: u64 = by.iter().map(|b| b.1).sum();
    by.sort_by_key(|b| std::cmp::Reverse(b.1));
    let members = acc.records.len().max(1) as f64;
    by.into_iter()
        .map(|(c, n)| {
            [
                c,
                n.to_string(),
                format!("{:.1} %", 100.0 * n as f64 / total.max(1) as f64),
                crate::format::significant(n as f64 / members, 3),
            ]
        })
        .collect()
}

/// Of all members' debris ignitions, the shares from fragments that burned out in flight and from the
/// hot-particle relation extrapolated beyond its range (none without debris ignitions).
fn ignition_provenance(acc: &Accumulator) -> Option<String> {
    let total: u64 = acc.records.iter().flat_map(|r| r.ignitions_by_class.iter().map(|c| c.1 as u64)).sum();
    if total == 0 {
        return None;
    }
    let burned_out: u64 = acc.records.iter().map(|r| r.ignitions_burned_out as u64).sum();
    let extrapolated: u64 = acc.records.iter().map(|r| r.ignitions_extrapolated as u64).sum();
    let pct = |k: u64| format!("{:.1} %", 100.0 * k as f64 / total as f64);
    Some(format!(
        "Of the {total} ignitions over all members, {burned_out} ({}) came from fragments that burned out in flight \
         (landing as cooling residues) and {extrapolated} ({}) from hot fragments outside the 6-14 mm range of the \
         hot-particle relation, whose ignition probability is extrapolated.",
        pct(burned_out),
        pct(extrapolated)
    ))
}

fn sensitivity_rows(sens: &[crate::ensemble::sensitivity::CriterionSensitivity]) -> Vec<SensitivityRow> {
    sens.iter()
        .flat_map(|s| {
            s.inputs.iter().map(|i| SensitivityRow {
                criterion: s.criterion.clone(),
                input: i.input.clone(),
                low: format!(
                    "{}: {} ({} members)",
                    i.low_label,
                    crate::format::probability(i.low_probability),
                    i.low_members
                ),
                high: format!(
                    "{}: {} ({} members)",
                    i.high_label,
                    crate::format::probability(i.high_probability),
                    i.high_members
                ),
                flips: i.flips,
            })
        })
        .collect()
}

/// report.md.
pub fn markdown(c: &ReportContext) -> Result<String> {
    crate::run::template::render("report.md", include_str!("../../templates/report.md"), &view(c))
}

/// A PNG of the run folder, base64, for a data URL.
fn figure(out: &Path, name: &str, alt: &'static str) -> Result<Figure> {
    let p = out.join(name);
    let bytes = std::fs::read(&p).map_err(|e| Error::io(&p, e))?;
    Ok(Figure { alt, png_base64: base64::engine::general_purpose::STANDARD.encode(bytes) })
}

/// report.html: one file, nothing fetched from outside it.
pub fn html(c: &ReportContext) -> Result<String> {
    let mut v = view(c);
    let out = c.out;
    v.figures.burn = vec![
        figure(out, "burn_probability.png", "Burn probability within the run, with the assets")?,
        figure(out, "burn_probability_response.png", "Burn probability at the response time")?,
    ];
    for (f, alt) in MORE_MAPS {
        if out.join(f).exists() {
            v.figures.maps.push(figure(out, f, alt)?);
        }
    }
    if out.join("sensitivity.png").exists() {
        v.figures.sensitivity.push(figure(out, "sensitivity.png", "What moves each verdict (tornado chart)")?);
    }
    for (f, alt) in [
        ("burned_area_response.png", "Burned area at the response time"),
        ("fires_response.png", "Separate fires at the response time"),
        ("perimeter_response.png", "Perimeter at the response time"),
        ("ignitions.png", "Ignitions per failure"),
        ("burned_area_end.png", "Burned area at the end of the run"),
        ("perimeter_end.png", "Perimeter at the end of the run"),
    ] {
        v.figures.response.push(figure(out, f, alt)?);
    }
    if !v.sweep.is_empty() {
        v.figures.launch.push(figure(out, "launch_window.png", "Hazard over the launch window")?);
    }
    crate::run::template::render("report.html", include_str!("../../templates/report.html"), &v)
}
