//! The hazard report of an ensemble: report.md (beside its PNGs) and a self-contained report.html (images inline
//! as data URLs, styles inline, a Content-Security-Policy that forbids any request outside the file), and
//! summary.json. Verdicts, burn probability map with the assets, response-window figures, asset reach, inputs with
//! their SHA-256, version, seed, member count, backend and run time.

use std::path::Path;

use base64::Engine as _;
use serde_json::json;

use crate::ensemble::accumulate::Accumulator;
use crate::ensemble::products::{AssetArrival, AssetReach, CriterionOutcome};
use crate::ensemble::stats::{fmt_minutes, quantile_with_interval, Verdict};
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

fn sci(p: f64) -> String {
    if p == 0.0 {
        "0".into()
    } else if p >= 0.01 {
        format!("{p:.3}")
    } else {
        format!("{p:.2e}")
    }
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
        "inputs": c.ens.inputs,
        "fingerprint": c.acc.fingerprint,
        "notes": c.ens.prepared.notes,
    })
}

fn verdict_md(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "**PASS**",
        Verdict::Fail => "**FAIL**",
        Verdict::Undecided => "**UNDECIDED**",
    }
}

fn criteria_lines(c: &ReportContext) -> Vec<[String; 6]> {
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
                note += &format!("per launch (x P(failure) = {p}): {} (95 % upper {})", sci(a), sci(h));
            }
            [
                o.name.clone(),
                format!("< {}", sci(o.limit)),
                format!("{} / {}", o.events, o.members),
                format!("{} [{}, {}]", sci(o.probability), sci(o.ci95_low), sci(o.ci95_high)),
                o.verdict.word().to_string(),
                note,
            ]
        })
        .collect()
}

/// report.md.
pub fn markdown(c: &ReportContext) -> String {
    let sc = &c.ens.prepared.scenario;
    let acc = c.acc;
    let mut s = String::new();
    s += &format!("# Hazard report: {}\n\n", sc.name.as_deref().unwrap_or("Emberfall ensemble"));
    if let Some(d) = &sc.description {
        s += &format!("{d}\n\n");
    }
    s += &format!(
        "{} members (seed {}), fires of {} each; probabilities are conditional on a failure unless stated. \
         Intervals are 95 % Wilson score intervals; a criterion passes only when the upper bound is below its limit.\n\n",
        acc.members,
        sc.seed,
        fmt_minutes(acc.duration_min)
    );
    s += "## Verdicts\n\n";
    if c.criteria.is_empty() {
        s += "No `[[criterion]]` in the scenario.\n\n";
    } else {
        s += "| Criterion | Limit | Members with the event | P(event | failure) [95 % CI] | Verdict | Notes |\n|---|---|---|---|---|---|\n";
        for (l, o) in criteria_lines(c).iter().zip(c.criteria) {
            s += &format!("| {} | {} | {} | {} | {} | {} |\n", l[0], l[1], l[2], l[3], verdict_md(o.verdict), l[5]);
        }
        s += "\n";
    }
    s += "## Burn probability\n\n![Burn probability](burn_probability.png)\n\n";
    s += &format!(
        "![Burn probability at the response time](burn_probability_response.png)\n\nRasters: `burn_probability.tif`, `burn_probability_response.tif`, `burn_probability_t*min.tif`, `arrival_time_p10_min.tif`, `arrival_time_p50_min.tif`, `arrival_time_p90_min.tif`, `flame_length_p90_m.tif`, `fireline_intensity_p90_kw_per_m.tif`, `ignition_density.tif` ({}).\n\n",
        c.ens.prepared.landscape.grid.crs_name()
    );
    s += &format!("## Response window ({})\n\n", fmt_minutes(sc.ensemble.response_time_min));
    s += "| Quantity (over members) | Median | 90th percentile | 99th percentile |\n|---|---|---|---|\n";
    for r in response_rows(c) {
        s += &format!("| {} | {} | {} | {} |\n", r.0, r.1, r.2, r.3);
    }
    s += "\n![Burned area at response time](burned_area_response.png)\n\n![Separate fires at response time](fires_response.png)\n\n![Ignitions](ignitions.png)\n\n![Burned area at the end](burned_area_end.png)\n\n![Perimeter at the end](perimeter_end.png)\n\n";
    if !c.reach.is_empty() {
        s += "## Assets\n\n| Asset | Within | Members reaching it | P(reached | failure) [95 % CI] |\n|---|---|---|---|\n";
        for r in c.reach {
            s += &format!(
                "| {} | {} | {} / {} | {} [{}, {}] |\n",
                r.asset,
                fmt_minutes(r.within_min),
                r.reached,
                r.members,
                sci(r.probability),
                sci(r.ci95_low),
                sci(r.ci95_high)
            );
        }
        s += "\nEarliest arrival over the members that reached each asset (min; 95 % interval from order statistics):\n\n| Asset | Members | p10 | p50 | p90 |\n|---|---|---|---|---|\n";
        for a in c.arrivals {
            let f = |k: usize| {
                a.percentiles.get(k).map_or("-".to_string(), |p| format!("{:.1} [{:.1}, {:.1}]", p.1, p.2, p.3))
            };
            s += &format!("| {} | {} | {} | {} | {} |\n", a.asset, a.reached, f(0), f(1), f(2));
        }
        s += "\n";
    }
    if !c.sweep.is_empty() && !c.criteria.is_empty() {
        s += &format!(
            "## Launch window\n\n{} members per candidate launch time, each under the forecast weather from its time (the same member draws for every candidate).\n\n| Launch time |",
            c.sweep[0].1.first().map_or(0, |o| o.members)
        );
        for o in c.criteria {
            s += &format!(" {} (< {}) |", o.name, sci(o.limit));
        }
        s += "\n|---|";
        s += &"---|".repeat(c.criteria.len());
        s += "\n";
        for (t, cs) in c.sweep {
            s += &format!("| {t} |");
            for o in cs {
                s += &format!(
                    " {} [{}, {}] {} |",
                    sci(o.probability),
                    sci(o.ci95_low),
                    sci(o.ci95_high),
                    verdict_md(o.verdict)
                );
            }
            s += "\n";
        }
        s += "\n![Launch window](launch_window.png)\n\n";
    }
    s += "## Run\n\n";
    s += &format!(
        "- Emberfall {}; backend {}; seed {}; {} members{}\n- Run time {:.1} s (inputs {:.1} s, members {:.1} s)\n- Landscape {} x {} cells of {} m, {}\n",
        env!("CARGO_PKG_VERSION"),
        c.backend,
        sc.seed,
        acc.members,
        if acc.members != acc.ensemble_members { format!(" of {}", acc.ensemble_members) } else { String::new() },
        c.run_time_s,
        c.timing.inputs_s,
        c.timing.compute_s,
        c.ens.prepared.landscape.grid.cols,
        c.ens.prepared.landscape.grid.rows,
        c.ens.prepared.landscape.grid.dx(),
        c.ens.prepared.landscape.grid.crs_name()
    );
    let e = &sc.ensemble;
    if let Some(ft) = &e.failure_time {
        s += &format!("- Failure time: {ft:?} (s after lift-off) along the trajectory\n");
    }
    if e.poisson_counts {
        s += "- Fragment counts per class: Poisson around the catalogue's\n";
    }
    if !e.weather.is_empty() {
        s += &format!(
            "- Weather members: {}\n",
            e.weather.iter().map(|w| format!("{} (weight {})", w.name, w.weight)).collect::<Vec<_>>().join(", ")
        );
    }
    if !e.perturb.is_none() {
        s += &format!("- Weather perturbations: {:?}\n", e.perturb);
    }
    s += "\n### Inputs\n\n| Role | File | SHA-256 |\n|---|---|---|\n";
    for i in &c.ens.inputs {
        s += &format!("| {} | `{}` | `{}` |\n", i.role, i.path.display(), i.sha256);
    }
    if !c.ens.prepared.notes.is_empty() {
        s += "\n### Notes\n\n";
        for n in &c.ens.prepared.notes {
            s += &format!("- {n}\n");
        }
    }
    s += "\nPer-member figures: `members.csv`; asset and criterion tables: `assets.csv`, `criteria.csv`.\n";
    s
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A PNG of the run folder as an inline image.
fn img(out: &Path, name: &str, alt: &str) -> Result<String> {
    let p = out.join(name);
    let bytes = std::fs::read(&p).map_err(|e| Error::io(&p, e))?;
    Ok(format!(
        "<figure><img alt=\"{}\" src=\"data:image/png;base64,{}\"><figcaption>{}</figcaption></figure>\n",
        esc(alt),
        base64::engine::general_purpose::STANDARD.encode(bytes),
        esc(alt)
    ))
}

/// report.html: one file, nothing fetched from outside it.
pub fn html(c: &ReportContext) -> Result<String> {
    let sc = &c.ens.prepared.scenario;
    let acc = c.acc;
    let title = sc.name.clone().unwrap_or_else(|| "Emberfall ensemble".into());
    let mut h = String::new();
    h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
    h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n";
    h += &format!("<title>Hazard report: {}</title>\n", esc(&title));
    h += "<style>body{font-family:'Noto Sans',Arial,sans-serif;max-width:1200px;margin:2em auto;color:#222}\
          table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:4px 8px;text-align:left}\
          th{background:#eee}.PASS{background:#d8f0d8;font-weight:bold}.FAIL{background:#f6d0d0;font-weight:bold}\
          .UNDECIDED{background:#fbeec8;font-weight:bold}img{max-width:100%}figure{margin:1em 0}\
          figcaption{color:#555;font-size:90%}code{font-size:85%}</style></head><body>\n";
    h += &format!("<h1>Hazard report: {}</h1>\n", esc(&title));
    if let Some(d) = &sc.description {
        h += &format!("<p>{}</p>\n", esc(d));
    }
    h += &format!(
        "<p>{} members (seed {}), fires of {} each; probabilities are conditional on a failure unless stated. Intervals are 95&nbsp;% Wilson score intervals; a criterion passes only when the upper bound is below its limit.</p>\n",
        acc.members,
        sc.seed,
        esc(&fmt_minutes(acc.duration_min))
    );
    h += "<h2>Verdicts</h2>\n";
    if c.criteria.is_empty() {
        h += "<p>No criteria in the scenario.</p>\n";
    } else {
        h += "<table><tr><th>Criterion</th><th>Limit</th><th>Members with the event</th><th>P(event | failure) [95&nbsp;% CI]</th><th>Verdict</th><th>Notes</th></tr>\n";
        for l in criteria_lines(c) {
            h += &format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td></tr>\n",
                esc(&l[0]),
                esc(&l[1]),
                esc(&l[2]),
                esc(&l[3]),
                l[4],
                l[4],
                esc(&l[5])
            );
        }
        h += "</table>\n";
    }
    h += "<h2>Burn probability</h2>\n";
    h += &img(c.out, "burn_probability.png", "Burn probability within the run, with the assets")?;
    h += &img(c.out, "burn_probability_response.png", "Burn probability at the response time")?;
    h += &format!("<h2>Response window ({})</h2>\n", esc(&fmt_minutes(sc.ensemble.response_time_min)));
    h += "<table><tr><th>Quantity (over members)</th><th>Median</th><th>90th percentile</th><th>99th percentile</th></tr>\n";
    for r in response_rows(c) {
        h += &format!("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", esc(&r.0), r.1, r.2, r.3);
    }
    h += "</table>\n";
    for (f, alt) in [
        ("burned_area_response.png", "Burned area at the response time"),
        ("fires_response.png", "Separate fires at the response time"),
        ("perimeter_response.png", "Perimeter at the response time"),
        ("ignitions.png", "Ignitions per failure"),
        ("burned_area_end.png", "Burned area at the end of the run"),
        ("perimeter_end.png", "Perimeter at the end of the run"),
    ] {
        h += &img(c.out, f, alt)?;
    }
    if !c.reach.is_empty() {
        h += "<h2>Assets</h2>\n<table><tr><th>Asset</th><th>Within</th><th>Members reaching it</th><th>P(reached | failure) [95&nbsp;% CI]</th></tr>\n";
        for r in c.reach {
            h += &format!(
                "<tr><td>{}</td><td>{}</td><td>{} / {}</td><td>{} [{}, {}]</td></tr>\n",
                esc(&r.asset),
                esc(&fmt_minutes(r.within_min)),
                r.reached,
                r.members,
                sci(r.probability),
                sci(r.ci95_low),
                sci(r.ci95_high)
            );
        }
        h += "</table>\n<table><tr><th>Asset</th><th>Members</th><th>Earliest arrival p10 (min)</th><th>p50</th><th>p90</th></tr>\n";
        for a in c.arrivals {
            let f = |k: usize| {
                a.percentiles.get(k).map_or("-".to_string(), |p| format!("{:.1} [{:.1}, {:.1}]", p.1, p.2, p.3))
            };
            h += &format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                esc(&a.asset),
                a.reached,
                f(0),
                f(1),
                f(2)
            );
        }
        h += "</table>\n";
    }
    if !c.sweep.is_empty() && !c.criteria.is_empty() {
        h += &format!(
            "<h2>Launch window</h2>\n<p>{} members per candidate launch time, each under the forecast weather from its time (the same member draws for every candidate).</p>\n<table><tr><th>Launch time</th>",
            c.sweep[0].1.first().map_or(0, |o| o.members)
        );
        for o in c.criteria {
            h += &format!("<th>{} (&lt; {})</th>", esc(&o.name), sci(o.limit));
        }
        h += "</tr>\n";
        for (t, cs) in c.sweep {
            h += &format!("<tr><td>{}</td>", esc(t));
            for o in cs {
                let v = o.verdict.word();
                h += &format!(
                    "<td class=\"{v}\">{} [{}, {}] {v}</td>",
                    sci(o.probability),
                    sci(o.ci95_low),
                    sci(o.ci95_high)
                );
            }
            h += "</tr>\n";
        }
        h += "</table>\n";
        h += &img(c.out, "launch_window.png", "Hazard over the launch window")?;
    }
    h += "<h2>Run</h2>\n<ul>\n";
    h += &format!(
        "<li>Emberfall {}; backend {}; seed {}; {} members</li>\n<li>Run time {:.1} s (inputs {:.1} s, members {:.1} s)</li>\n<li>Landscape {} x {} cells of {} m, {}</li>\n",
        env!("CARGO_PKG_VERSION"),
        esc(c.backend),
        sc.seed,
        acc.members,
        c.run_time_s,
        c.timing.inputs_s,
        c.timing.compute_s,
        c.ens.prepared.landscape.grid.cols,
        c.ens.prepared.landscape.grid.rows,
        c.ens.prepared.landscape.grid.dx(),
        esc(&c.ens.prepared.landscape.grid.crs_name())
    );
    h += "</ul>\n<h3>Inputs</h3>\n<table><tr><th>Role</th><th>File</th><th>SHA-256</th></tr>\n";
    for i in &c.ens.inputs {
        h += &format!(
            "<tr><td>{}</td><td><code>{}</code></td><td><code>{}</code></td></tr>\n",
            esc(&i.role),
            esc(&i.path.display().to_string()),
            i.sha256
        );
    }
    h += "</table>\n";
    if !c.ens.prepared.notes.is_empty() {
        h += "<h3>Notes</h3>\n<ul>\n";
        for n in &c.ens.prepared.notes {
            h += &format!("<li>{}</li>\n", esc(n));
        }
        h += "</ul>\n";
    }
    h += "</body></html>\n";
    Ok(h)
}
