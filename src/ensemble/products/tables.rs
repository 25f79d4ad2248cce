//! The CSV tables: members, criteria (one writer, the csv crate).

use super::*;

/// Columns of a criterion's outcome, as `criteria.csv` and `launch_window.csv` give them.
pub(super) const CRITERION_COLUMNS: [&str; 8] =
    ["criterion", "limit", "members", "events", "probability", "ci95_low", "ci95_high", "verdict"];

/// A criterion's outcome in [`CRITERION_COLUMNS`].
pub(super) fn criterion_cells(c: &CriterionOutcome) -> Vec<String> {
    vec![
        c.name.clone(),
        format!("{}", c.limit),
        c.members.to_string(),
        c.events.to_string(),
        format!("{}", c.probability),
        format!("{}", c.ci95_low),
        format!("{}", c.ci95_high),
        c.verdict.word().into(),
    ]
}

pub(super) use crate::io::write_csv;

pub(super) fn opt(v: Option<f64>) -> String {
    v.map_or(String::new(), |x| format!("{x}"))
}

/// members.csv: one row per member.
pub fn write_members_csv(ens: &Ensemble, acc: &Accumulator, out: &Path) -> Result<PathBuf> {
    let resp = acc.time_index(ens.prepared.scenario.ensemble.response_time_min).unwrap_or(0);
    let last = acc.times_min.len() - 1;
    let mut header: Vec<String> = [
        "member",
        "seed",
        "failure_time_s",
        "weather_member",
        "wind_speed_factor",
        "wind_direction_shift_deg",
        "dead_moisture_factor",
        "fragments",
        "ignitions",
        "burned_area_response_ha",
        "burned_area_end_ha",
        "perimeter_response_m",
        "perimeter_end_m",
        "fires_response",
        "fires_end",
        "spot_fires",
        "crown_area_end_ha",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for a in &ens.assets {
        header.push(format!("arrival_{}_min", a.spec.name));
    }
    let rows: Vec<Vec<String>> = acc
        .records
        .iter()
        .map(|r| {
            let mut v = vec![
                r.member.to_string(),
                r.seed.to_string(),
                opt(r.failure_time_s),
                r.weather_member.clone().unwrap_or_default(),
                r.perturb.map_or("1".into(), |p| format!("{:.4}", p.0)),
                r.perturb.map_or("0".into(), |p| format!("{:.2}", p.2)),
                r.perturb.map_or("1".into(), |p| format!("{:.4}", p.1)),
                r.class_counts.as_ref().map_or(String::new(), |c| c.iter().sum::<usize>().to_string()),
                r.ignitions.to_string(),
                format!("{}", r.area_ha[resp]),
                format!("{}", r.area_ha[last]),
                format!("{:.1}", r.perimeter_m[resp]),
                format!("{:.1}", r.perimeter_m[last]),
                r.fires[resp].to_string(),
                r.fires[last].to_string(),
                r.spot_fires.to_string(),
                format!("{}", r.crown_area_ha),
            ];
            v.extend(r.asset_arrival_min.iter().map(|t| opt(*t)));
            v
        })
        .collect();
    let p = out.join("members.csv");
    write_csv(&p, &header, &rows)?;
    Ok(p)
}

/// assets.csv: per asset and time, the members reaching it, the probability and its interval, and the earliest
/// arrival percentiles over the members that reached it.
pub(super) fn write_assets_csv(out: &Path, reach: &[AssetReach], arrivals: &[AssetArrival]) -> Result<PathBuf> {
    let p = out.join("assets.csv");
    let header = [
        "asset",
        "within_min",
        "members",
        "reached",
        "probability",
        "ci95_low",
        "ci95_high",
        "arrival_p10_min",
        "arrival_p50_min",
        "arrival_p90_min",
    ];
    let rows: Vec<Vec<String>> = reach
        .iter()
        .map(|r| {
            let arr = arrivals.iter().find(|a| a.asset == r.asset);
            let q = |k: usize| arr.and_then(|a| a.percentiles.get(k)).map_or(String::new(), |p| format!("{:.2}", p.1));
            vec![
                r.asset.clone(),
                format!("{}", r.within_min),
                r.members.to_string(),
                r.reached.to_string(),
                format!("{}", r.probability),
                format!("{}", r.ci95_low),
                format!("{}", r.ci95_high),
                q(0),
                q(1),
                q(2),
            ]
        })
        .collect();
    write_csv(&p, &header, &rows)?;
    Ok(p)
}

/// criteria.csv: each criterion's outcome, the members needed to decide it and the per-launch probability.
pub(super) fn write_criteria_csv(out: &Path, crit: &[CriterionOutcome]) -> Result<PathBuf> {
    let p = out.join("criteria.csv");
    let mut header = CRITERION_COLUMNS.to_vec();
    header.extend(["members_needed", "absolute_probability", "absolute_ci95_high"]);
    let rows: Vec<Vec<String>> = crit
        .iter()
        .map(|c| {
            let mut row = criterion_cells(c);
            row.extend([
                c.members_needed.map_or(String::new(), |m| m.to_string()),
                opt(c.absolute_probability),
                opt(c.absolute_ci95_high),
            ]);
            row
        })
        .collect();
    write_csv(&p, &header, &rows)?;
    Ok(p)
}

/// launch_window.csv: each candidate launch time's criteria outcomes.
pub(super) fn write_launch_window_csv(out: &Path, sweep: &[(String, Vec<CriterionOutcome>)]) -> Result<PathBuf> {
    let p = out.join("launch_window.csv");
    let mut header = vec!["launch_time"];
    header.extend(CRITERION_COLUMNS);
    let mut rows = Vec::new();
    for (t, cs) in sweep {
        for c in cs {
            let mut row = vec![t.clone()];
            row.extend(criterion_cells(c));
            rows.push(row);
        }
    }
    write_csv(&p, &header, &rows)?;
    Ok(p)
}
