//! The hazard report's assumptions in the words a board reads: how failures, fragments, winds aloft, surface
//! weather and its perturbations, the fire models and the landscape were taken, each with its figures and source
//! file. Both report.md and report.html list them (templates/report.md, templates/report.html).

use serde::Serialize;

use crate::debris::{BreakUp, FragmentClass, WindLayer};
use crate::ensemble::Ensemble;
use crate::run::ensemble_spec::FailureTime;
use crate::run::scenario::DebrisSpec;

/// One assumption: what it is about, and what was assumed.
#[derive(Serialize, Clone, Debug)]
pub struct Assumption {
    pub topic: &'static str,
    pub text: String,
}

fn file_name(p: &std::path::Path) -> String {
    p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// A number without trailing zeros, up to 3 decimals.
fn num(v: f64) -> String {
    crate::format::trimmed(v, 3)
}

/// The assumptions of `ens`, in report order.
pub fn assumptions(ens: &Ensemble) -> Vec<Assumption> {
    let sc = &ens.prepared.scenario;
    let e = &sc.ensemble;
    let mut out = Vec::new();
    let mut say = |topic: &'static str, text: String| out.push(Assumption { topic, text });
    say("Failure", failure(ens));
    match &sc.debris {
        Some(DebrisSpec::Event { event, classes, winds_aloft }) => {
            say("Break-up", break_up(ens, event));
            say("Fragments", fragments(classes, e.poisson_counts));
            say("Winds aloft", winds(winds_aloft));
        }
        Some(DebrisSpec::Fragments(p)) => say(
            "Fragments",
            format!("the fragment list {} as given (each row's impact probability and thermal state)", file_name(p)),
        ),
        Some(DebrisSpec::Raster { path, expected_count, .. }) => say(
            "Fragments",
            format!(
                "the impact raster {} read as {} per cell, each cell one fragment of the default class",
                file_name(path),
                if *expected_count {
                    "the expected number of hot fragments"
                } else {
                    "the probability of a hot fragment"
                }
            ),
        ),
        None => {}
    }
    say("Surface weather", surface_weather(ens));
    let p = &e.perturb;
    say(
        "Perturbations",
        if p.is_none() {
            "none: every member burns in the same weather".into()
        } else {
            format!(
                "each member draws its own: wind speed x max(0, 1 + N(0, {} %)), wind direction + N(0, {} deg), dead \
                 fuel moistures x max(0.05, 1 + N(0, {} %)) (normal draws from the member's seed)",
                num(p.wind_speed_sd_pct),
                num(p.wind_direction_sd_deg),
                num(p.dead_moisture_sd_pct)
            )
        },
    );
    say("Fire", fire(ens));
    say("Landscape", landscape(ens));
    out
}

fn failure(ens: &Ensemble) -> String {
    let e = &ens.prepared.scenario.ensemble;
    let when = match &e.failure_time {
        Some(FailureTime::Uniform { from_s, to_s }) => {
            format!(
                "the vehicle fails at a time drawn uniformly between {} s and {} s after lift-off",
                num(*from_s),
                num(*to_s)
            )
        }
        Some(FailureTime::Table(v)) => format!(
            "the vehicle fails at one of {} tabulated times from {} s to {} s after lift-off, drawn by their weights",
            v.len(),
            num(v[0].0),
            num(v[v.len() - 1].0)
        ),
        None => "one failure, as the scenario describes it".into(),
    };
    let per = match e.failure_probability {
        Some(p) => {
            format!("; a launch fails with probability {p} (per-launch risks are the conditional ones times it)")
        }
        None => "; probabilities are conditional on a failure (no failure_probability given)".into(),
    };
    format!("{when}{per}")
}

fn break_up(ens: &Ensemble, b: &BreakUp) -> String {
    let e = &ens.prepared.scenario.ensemble;
    let state = match (&e.trajectory, &e.failure_time) {
        (Some(t), Some(_)) => format!(
            "the vehicle's position, height and velocity at the failure time, from the trajectory {} ({} points, {} to {} s)",
            file_name(&t.path),
            t.points.len(),
            num(t.points[0].time_s),
            num(t.points[t.points.len() - 1].time_s)
        ),
        _ => format!(
            "{} m above the ground at {} s after lift-off, velocity (east, north, up) ({}, {}, {}) m/s",
            num(b.altitude_agl_m),
            num(b.time_after_liftoff_s),
            num(b.velocity_enu_m_s[0]),
            num(b.velocity_enu_m_s[1]),
            num(b.velocity_enu_m_s[2])
        ),
    };
    format!(
        "{state}; each fragment leaves with that velocity plus a normal spread of {} m/s per axis, flown {} times \
         (each sample carries 1/{} of its probability); air at {} C",
        num(b.dispersion_m_s),
        b.samples_per_fragment,
        b.samples_per_fragment,
        num(b.air_temp_c)
    )
}

fn fragments(classes: &[FragmentClass], poisson: bool) -> String {
    let list: Vec<String> = classes
        .iter()
        .map(|c| {
            let heat = match (c.burning, c.burn_time_s, c.temperature_c) {
                (true, Some(b), _) => format!("burning for {} s", num(b)),
                (_, _, Some(t)) => format!("hot at {} C", num(t)),
                _ => "inert".into(),
            };
            format!(
                "{} x {} ({}, {} kg, {} mm, {heat})",
                c.count,
                c.name,
                c.material,
                num(c.mass_kg),
                num(c.size_m * 1000.0)
            )
        })
        .collect();
    let counts = if poisson {
        "counts drawn per member from a Poisson law around these"
    } else {
        "these counts in every member"
    };
    format!("{} classes: {}; {counts}", classes.len(), list.join("; "))
}

pub(crate) fn winds(layers: &[WindLayer]) -> String {
    if layers.is_empty() {
        return "calm aloft: no winds_aloft layers given".into();
    }
    let l: Vec<String> = layers
        .iter()
        .map(|w| format!("{} m/s from {} deg at {} m", num(w.speed_m_s), num(w.from_deg), num(w.altitude_m)))
        .collect();
    format!("{} (linear between layers, constant beyond)", l.join(", "))
}

pub(crate) fn surface_weather(ens: &Ensemble) -> String {
    let sc = &ens.prepared.scenario;
    let w = &sc.weather;
    let m = w.moisture_pct;
    let base = match &w.stream {
        Some(p) => format!("the weather stream {}", file_name(p)),
        None => format!(
            "wind {} km/h ({}) from {} deg, air {} C, constant",
            num(w.wind_speed_kmh),
            w.base.wind_height.label(),
            num(w.base.wind_from_deg),
            num(w.air_temp_c)
        ),
    };
    let members = if sc.ensemble.weather.is_empty() {
        String::new()
    } else {
        let total: f64 = sc.ensemble.weather.iter().map(|m| m.weight).sum();
        let list: Vec<String> =
            sc.ensemble.weather.iter().map(|m| format!("{} ({:.0} %)", m.name, 100.0 * m.weight / total)).collect();
        format!("; weather members drawn by weight: {}", list.join(", "))
    };
    format!(
        "{base}{members}; fuel moistures 1-h {} %, 10-h {} %, 100-h {} %, live herbaceous {} %, live woody {} %{}",
        num(m[0]),
        num(m[1]),
        num(m[2]),
        num(m[3]),
        num(m[4]),
        if w.stream.is_some() {
            " (dead ones conditioned through the stream where it gives temperature and humidity)"
        } else {
            ""
        }
    )
}

fn fire(ens: &Ensemble) -> String {
    let sc = &ens.prepared.scenario;
    let crown = sc.spread.crown.entry();
    let spotting = if sc.spotting.enabled {
        format!(
            "spotting on: {} embers per ha per MW of fireline, {:?} distance model, spot fires {} min after launch",
            num(sc.spotting.embers_per_ha_per_mw),
            sc.spotting.distance_model,
            num(sc.spotting.spot_delay_min)
        )
    } else {
        "spotting off".into()
    };
    format!(
        "Rothermel surface fire{}; crown fire: {} ({}); {spotting}; each member burns {} (response time {})",
        if sc.spread.wind_limit { " with the wind limit" } else { "" },
        crown.label,
        crown.summary,
        crate::quantity::fmt_minutes(sc.spread.duration_min),
        crate::quantity::fmt_minutes(sc.ensemble.response_time_min)
    )
}

fn landscape(ens: &Ensemble) -> String {
    let p = &ens.prepared;
    let g = &p.landscape.grid;
    let l = &p.scenario.landscape;
    let source = l.lcp.as_ref().or(l.fuel.as_ref());
    let dated = source
        .and_then(|s| std::fs::metadata(s).ok())
        .and_then(|m| m.modified().ok())
        .map(|t| chrono::DateTime::<chrono::Utc>::from(t).format("%Y-%m-%d").to_string());
    format!(
        "{}{}, {} x {} cells of {} m, {}",
        source.map_or_else(|| "the landscape".into(), |s| file_name(s)),
        dated.map(|d| format!(" (file dated {d})")).unwrap_or_default(),
        g.cols,
        g.rows,
        num(g.dx()),
        g.crs_name()
    )
}
