//! How each verdict moves with the ensemble's most uncertain inputs, from the members' own draws (a one-at-a-time
//! split, as a tornado chart shows it): for each input that varies across the members (failure time, wind speed
//! and direction, dead fuel moisture, fragment count, weather member), the criterion's event probability among
//! the members with the input's low values and among those with its high values (split at the median; a weather
//! member's bar spans its members' lowest and highest probability). The spotting rate, which the members do not
//! draw, comes from extra runs of the first members with it halved and doubled ([`crate::ensemble::SPOTTING_RATE_RUNS`]).
//! A bar that crosses the limit marks an input whose plausible range would flip the verdict. Inputs that vary in
//! neither way are named, so that a board knows what the chart cannot show.

use serde::Serialize;

use crate::ensemble::accumulate::{Accumulator, MemberRecord};
use crate::ensemble::outcomes::event_in;
use crate::ensemble::Ensemble;

/// One input's effect on one criterion.
#[derive(Clone, Debug, Serialize)]
pub struct InputEffect {
    /// The input, with its unit.
    pub input: String,
    /// What its two ends are (`factor < 0.98`, `factor >= 0.98`; a weather member's names).
    pub low_label: String,
    pub high_label: String,
    /// Event probability among the members at the low end, and at the high end; members in each.
    pub low_probability: f64,
    pub high_probability: f64,
    pub low_members: u64,
    pub high_members: u64,
    /// One end above the limit and the other at or below it: this input's range flips the verdict.
    pub flips: bool,
}

impl InputEffect {
    /// Width of the bar (for ordering).
    pub fn swing(&self) -> f64 {
        (self.high_probability - self.low_probability).abs()
    }
}

/// The sensitivity of one criterion.
#[derive(Clone, Debug, Serialize)]
pub struct CriterionSensitivity {
    pub criterion: String,
    /// The criterion's limit and probability given a failure (per-launch criteria: their conditional limit).
    pub limit: f64,
    pub probability: f64,
    /// Widest first.
    pub inputs: Vec<InputEffect>,
}

/// A numeric input of the members' records: name with unit, the value of a record (none: not drawn).
type Input = (&'static str, fn(&MemberRecord) -> Option<f64>);

const INPUTS: [Input; 5] = [
    ("failure time (s after lift-off)", |r| r.failure_time_s),
    ("wind speed factor", |r| r.perturb.map(|p| p.0)),
    ("wind direction shift (deg)", |r| r.perturb.map(|p| p.2)),
    ("dead fuel moisture factor", |r| r.perturb.map(|p| p.1)),
    ("fragments flown", |r| r.class_counts.as_ref().map(|c| c.iter().sum::<usize>() as f64)),
];

/// Members with the event among `recs`: (events, members).
fn share(recs: &[&MemberRecord], event: impl Fn(&MemberRecord) -> bool) -> (f64, u64) {
    let n = recs.len() as u64;
    let k = recs.iter().filter(|r| event(r)).count() as f64;
    (if n > 0 { k / n as f64 } else { 0.0 }, n)
}

/// Every criterion's sensitivity, and the inputs that did not vary across the members (so none of their effect
/// is in the chart).
pub fn sensitivity(ens: &Ensemble, acc: &Accumulator) -> (Vec<CriterionSensitivity>, Vec<String>) {
    let sc = &ens.prepared.scenario;
    let recs: Vec<&MemberRecord> = acc.records.iter().collect();
    let mut constant: Vec<String> = Vec::new();
    // Split points of the numeric inputs that vary: the median (members at it go high).
    let mut splits: Vec<(Input, f64)> = Vec::new();
    for (name, get) in INPUTS {
        let mut v: Vec<f64> = recs.iter().filter_map(|r| get(r)).collect();
        v.sort_by(f64::total_cmp);
        if v.len() < 4 || v[0] == v[v.len() - 1] {
            constant.push(name.to_string());
            continue;
        }
        let median = v[v.len() / 2];
        // A median equal to the minimum would leave the low end empty: split above it instead.
        let split = if median == v[0] { v.iter().copied().find(|&x| x > median).unwrap_or(median) } else { median };
        splits.push(((name, get), split));
    }
    let mut weather: Vec<String> = recs.iter().filter_map(|r| r.weather_member.clone()).collect();
    weather.sort();
    weather.dedup();
    if weather.len() < 2 {
        constant.push("weather member".into());
    }
    let spot_runs = acc.sensitivity.len() == 2 && acc.sensitivity.iter().all(|r| !r.2.is_empty());
    if spot_runs {
        constant.push("ember distances (not drawn per member)".into());
    } else {
        constant.push(
            "spotting rate and ember distances (not drawn per member; no sensitivity runs without spotting)".into(),
        );
    }
    if sc.ensemble.perturb.is_none() {
        constant.push("(no [ensemble.perturbation]: wind and moisture are the weather members' own)".into());
    }
    let out = crate::ensemble::outcomes::criteria(ens, acc)
        .into_iter()
        .zip(&sc.ensemble.criteria)
        .map(|(outcome, c)| {
            let limit = if c.per_launch { c.limit / sc.ensemble.failure_probability.unwrap_or(1.0) } else { c.limit };
            let event = |r: &MemberRecord| event_in(acc, ens, &c.event, r);
            let flips = |a: f64, b: f64| (a > limit) != (b > limit);
            let mut inputs: Vec<InputEffect> = splits
                .iter()
                .map(|&((name, get), split)| {
                    let (lo, hi): (Vec<&MemberRecord>, Vec<&MemberRecord>) =
                        recs.iter().filter(|r| get(r).is_some()).partition(|r| get(r).unwrap_or(0.0) < split);
                    let ((pl, nl), (ph, nh)) = (share(&lo, event), share(&hi, event));
                    let s = crate::format::significant(split, 3);
                    InputEffect {
                        input: name.into(),
                        low_label: format!("< {s}"),
                        high_label: format!(">= {s}"),
                        low_probability: pl,
                        high_probability: ph,
                        low_members: nl,
                        high_members: nh,
                        flips: flips(pl, ph),
                    }
                })
                .collect();
            if weather.len() >= 2 {
                let per: Vec<(String, f64, u64)> = weather
                    .iter()
                    .map(|w| {
                        let of: Vec<&MemberRecord> =
                            recs.iter().copied().filter(|r| r.weather_member.as_deref() == Some(w)).collect();
                        let (p, n) = share(&of, event);
                        (w.clone(), p, n)
                    })
                    .collect();
                let lo = per.iter().min_by(|a, b| a.1.total_cmp(&b.1)).cloned().unwrap_or_default();
                let hi = per.iter().max_by(|a, b| a.1.total_cmp(&b.1)).cloned().unwrap_or_default();
                inputs.push(InputEffect {
                    input: "weather member".into(),
                    low_label: lo.0,
                    high_label: hi.0,
                    low_probability: lo.1,
                    high_probability: hi.1,
                    low_members: lo.2,
                    high_members: hi.2,
                    flips: flips(lo.1, hi.1),
                });
            }
            if spot_runs {
                // The sensitivity runs: the same first members with the spotting rate halved and doubled.
                let (lo, hi) = (&acc.sensitivity[0], &acc.sensitivity[1]);
                let (pl, nl) = share(&lo.2.iter().collect::<Vec<_>>(), event);
                let (ph, nh) = share(&hi.2.iter().collect::<Vec<_>>(), event);
                inputs.push(InputEffect {
                    input: "spotting rate (embers per ha and MW; extra runs)".into(),
                    low_label: format!("x{}", lo.1),
                    high_label: format!("x{}", hi.1),
                    low_probability: pl,
                    high_probability: ph,
                    low_members: nl,
                    high_members: nh,
                    flips: flips(pl, ph),
                });
            }
            inputs.sort_by(|a, b| b.swing().total_cmp(&a.swing()));
            CriterionSensitivity {
                criterion: outcome.name.clone(),
                limit,
                probability: if outcome.members > 0 { outcome.events as f64 / outcome.members as f64 } else { 0.0 },
                inputs,
            }
        })
        .collect();
    (out, constant)
}
