//! Outcomes a board reads: the criteria and their verdicts (per launch time too), and when each asset is reached.

use serde::Serialize;

use crate::ensemble::accumulate::Accumulator;
use crate::ensemble::spec::CriterionEvent;
use crate::ensemble::stats::{self, quantile_with_interval, wilson, Verdict, Z95};
use crate::ensemble::Ensemble;

/// Reach of one asset within one time.
#[derive(Clone, Debug, Serialize)]
pub struct AssetReach {
    pub asset: String,
    pub within_min: f64,
    pub members: u64,
    pub reached: u64,
    pub probability: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
}

/// Earliest arrival percentiles at an asset over the members that reached it: (q, value, 95 % low, high), min.
#[derive(Clone, Debug, Serialize)]
pub struct AssetArrival {
    pub asset: String,
    pub reached: u64,
    pub percentiles: Vec<(f64, f64, f64, f64)>,
}

/// A criterion's outcome.
#[derive(Clone, Debug, Serialize)]
pub struct CriterionOutcome {
    pub name: String,
    /// The limit, probability and interval are per launch (`per = "launch"`), not given a failure.
    pub per_launch: bool,
    pub limit: f64,
    pub members: u64,
    pub events: u64,
    pub probability: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
    pub verdict: Verdict,
    /// Members in all that would decide it if the observed share held (undecided only).
    pub members_needed: Option<u64>,
    /// Per launch: the conditional probability and its upper bound times P(failure).
    pub absolute_probability: Option<f64>,
    pub absolute_ci95_high: Option<f64>,
}

/// Whether member record `r` has the criterion's event.
pub(super) fn event_in(
    acc: &Accumulator,
    ens: &Ensemble,
    e: &CriterionEvent,
    r: &crate::ensemble::accumulate::MemberRecord,
) -> bool {
    let ti = |t: f64| acc.time_index(t).unwrap_or(acc.times_min.len() - 1);
    match e {
        CriterionEvent::AssetReached { asset, within_min } => {
            let k = ens.assets.iter().position(|a| &a.spec.name == asset).unwrap_or(0);
            r.asset_arrival_min.get(k).copied().flatten().is_some_and(|t| t <= *within_min + 1e-9)
        }
        CriterionEvent::BurnedAreaAbove { ha, at_min } => r.area_ha[ti(*at_min)] > *ha,
        CriterionEvent::FiresAbove { n, at_min } => r.fires[ti(*at_min)] > *n,
        CriterionEvent::AnyIgnition => r.ignitions > 0,
    }
}

/// Every criterion's outcome over the ensemble's members.
pub fn criteria(ens: &Ensemble, acc: &Accumulator) -> Vec<CriterionOutcome> {
    criteria_of(ens, acc, &acc.records)
}

/// Every criterion's outcome over `records`.
pub fn criteria_of(
    ens: &Ensemble,
    acc: &Accumulator,
    records: &[crate::ensemble::accumulate::MemberRecord],
) -> Vec<CriterionOutcome> {
    let n = records.len() as u64;
    let pf = ens.prepared.scenario.ensemble.failure_probability;
    ens.prepared
        .scenario
        .ensemble
        .criteria
        .iter()
        .map(|c| {
            let k = records.iter().filter(|r| event_in(acc, ens, &c.event, r)).count() as u64;
            let (lo, hi) = wilson(k, n, Z95);
            // A per-launch criterion: its probability and interval are P(failure) times the conditional ones, and
            // its verdict is the conditional one against limit / P(failure).
            let scale = if c.per_launch { pf.unwrap_or(1.0) } else { 1.0 };
            let conditional_limit = c.limit / scale;
            let verdict = Verdict::of(k, n, conditional_limit);
            CriterionOutcome {
                name: c.name.clone(),
                per_launch: c.per_launch,
                limit: c.limit,
                members: n,
                events: k,
                probability: scale * if n > 0 { k as f64 / n as f64 } else { 0.0 },
                ci95_low: scale * lo,
                ci95_high: scale * hi,
                verdict,
                members_needed: if verdict == Verdict::Undecided {
                    stats::members_needed(k, n, conditional_limit)
                } else {
                    None
                },
                absolute_probability: pf.filter(|_| !c.per_launch).map(|p| p * k as f64 / n.max(1) as f64),
                absolute_ci95_high: pf.filter(|_| !c.per_launch).map(|p| p * hi),
            }
        })
        .collect()
}

/// The launch-window sweep: per candidate launch time (RFC 3339), every criterion's outcome under its weather.
pub fn launch_window(ens: &Ensemble, acc: &Accumulator) -> Vec<(String, Vec<CriterionOutcome>)> {
    acc.window.iter().map(|(t, recs)| (t.clone(), criteria_of(ens, acc, recs))).collect()
}

/// Reach of every asset within each of its times and the run's duration.
pub fn asset_reach(ens: &Ensemble, acc: &Accumulator) -> (Vec<AssetReach>, Vec<AssetArrival>) {
    let n = acc.records.len() as u64;
    let dur = acc.duration_min;
    let mut reach = Vec::new();
    let mut arrivals = Vec::new();
    for (k, a) in ens.assets.iter().enumerate() {
        let mut times = a.spec.within_min.clone();
        times.push(dur);
        times.sort_by(f64::total_cmp);
        times.dedup();
        let mut t_first: Vec<f64> = acc.records.iter().filter_map(|r| r.asset_arrival_min[k]).collect();
        t_first.sort_by(f64::total_cmp);
        for t in times {
            let hit = t_first.iter().filter(|&&x| x <= t + 1e-9).count() as u64;
            let (lo, hi) = wilson(hit, n, Z95);
            reach.push(AssetReach {
                asset: a.spec.name.clone(),
                within_min: t,
                members: n,
                reached: hit,
                probability: if n > 0 { hit as f64 / n as f64 } else { 0.0 },
                ci95_low: lo,
                ci95_high: hi,
            });
        }
        let percentiles = [0.1, 0.5, 0.9]
            .iter()
            .filter_map(|&q| quantile_with_interval(&t_first, q).map(|(v, l, h)| (q, v, l, h)))
            .collect();
        arrivals.push(AssetArrival { asset: a.spec.name.clone(), reached: t_first.len() as u64, percentiles });
    }
    (reach, arrivals)
}
