//! What an ensemble is made of, as a scenario file gives it: the `[ensemble]` table (members, response time,
//! failure probability, failure-time distribution, fragment-count variation, weather members and perturbations),
//! the `[trajectory]` a failure time is taken from, `[[asset]]` entries and hazard `[[criterion]]` entries. Read
//! by [`crate::run::scenario::Scenario::load`] and checked here: errors name the table and key.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use chrono::{DateTime, FixedOffset};

use crate::csv_rows::{self, Table};
use crate::error::{Error, Result};
use crate::physics::behavior::Weather;
use crate::quantity;
use crate::units::m_per_min_from_km_per_h;
use crate::weather::{Period, WeatherStream};

mod inputs;
use inputs::*;
pub use inputs::{read_trajectory, LaunchWindowFile};

/// Members when neither the scenario nor the command says.
pub const DEFAULT_MEMBERS: usize = 200;
/// Crews' response time when the scenario does not say, min (Kairos 2024: crews could act after ~30 min).
pub const DEFAULT_RESPONSE_MIN: f64 = 30.0;

/// A checked ensemble.
#[derive(Clone, Debug)]
pub struct EnsembleSpec {
    /// Whether the scenario had an `[ensemble]` table (without one, members vary only by their seeds).
    pub given: bool,
    pub members: usize,
    /// When crews can act, min.
    pub response_time_min: f64,
    /// Probability of a failure per launch: absolute risks are the conditional ones times it.
    pub failure_probability: Option<f64>,
    /// Failure times (s after lift-off), drawn per member; with a trajectory.
    pub failure_time: Option<FailureTime>,
    pub trajectory: Option<Trajectory>,
    /// Fragment counts per class drawn from a Poisson distribution around the catalogue's.
    pub poisson_counts: bool,
    /// Weather members (empty: the scenario's weather for every member).
    pub weather: Vec<WeatherMember>,
    pub perturb: Perturbation,
    pub assets: Vec<AssetSpec>,
    pub criteria: Vec<CriterionSpec>,
    /// Candidate launch times with their weather (`[launch_window]`).
    pub launch_window: Option<LaunchWindow>,
}

/// A launch-window sweep: candidate launch times, the weather each would fly under (from a forecast keyed by valid
/// time), and the members run per candidate.
#[derive(Clone, Debug, PartialEq)]
pub struct LaunchWindow {
    pub forecast: PathBuf,
    /// Forecast rows: valid time and weather (wind height and missing moistures from the scenario's weather).
    pub rows: Vec<(DateTime<FixedOffset>, Weather)>,
    /// Winds aloft per row (`aloft_{H}m_speed_m_s`, `aloft_{H}m_from_deg` columns); empty when the forecast has
    /// none (then every candidate's debris flies in the scenario's `[[debris.winds_aloft]]`).
    pub aloft: Vec<Vec<crate::debris::WindLayer>>,
    pub candidates: Vec<DateTime<FixedOffset>>,
    pub members: usize,
}

impl LaunchWindow {
    /// The weather stream of a launch at `t0` for `duration_min`: the forecast row in force at `t0` from time 0,
    /// then every later row (minutes after `t0`) until the end of the run.
    pub fn stream(&self, t0: DateTime<FixedOffset>, duration_min: f64) -> WeatherStream {
        self.launch(t0, duration_min).stream.unwrap_or_else(|| WeatherStream { periods: Vec::new() })
    }

    /// The forecast row in force at `t0`.
    pub fn row_at(&self, t0: DateTime<FixedOffset>) -> usize {
        self.rows.partition_point(|r| r.0 <= t0).max(1) - 1
    }

    /// What a launch at `t0` flies and burns under: the weather stream (as [`LaunchWindow::stream`]) and the winds
    /// aloft of the row in force at `t0` (none when the forecast gives none).
    pub fn launch(&self, t0: DateTime<FixedOffset>, duration_min: f64) -> Launch {
        let k = self.rows.partition_point(|r| r.0 <= t0).max(1) - 1;
        let mut periods = vec![Period { start_min: 0.0, weather: self.rows[k].1 }];
        for r in &self.rows[k + 1..] {
            let m = (r.0 - t0).num_milliseconds() as f64 / 60_000.0;
            if m >= duration_min {
                break;
            }
            periods.push(Period { start_min: m, weather: r.1 });
        }
        Launch {
            stream: Some(WeatherStream { periods }),
            winds_aloft: self.aloft.get(k).cloned(),
            spotting_rate_factor: None,
        }
    }
}

/// What a sweep of an ensemble's members changes: a launch-window candidate's weather stream and the winds aloft
/// its debris flies in, or a sensitivity run's spotting rate (none: the scenario's, or the member's own draw).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Launch {
    pub stream: Option<WeatherStream>,
    pub winds_aloft: Option<Vec<crate::debris::WindLayer>>,
    pub spotting_rate_factor: Option<f64>,
}

impl Default for EnsembleSpec {
    fn default() -> Self {
        EnsembleSpec {
            given: false,
            members: DEFAULT_MEMBERS,
            response_time_min: DEFAULT_RESPONSE_MIN,
            failure_probability: None,
            failure_time: None,
            trajectory: None,
            poisson_counts: false,
            weather: Vec::new(),
            perturb: Perturbation::default(),
            assets: Vec::new(),
            criteria: Vec::new(),
            launch_window: None,
        }
    }
}

/// How failure times are drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum FailureTime {
    /// Uniform over [from, to], s after lift-off.
    Uniform { from_s: f64, to_s: f64 },
    /// Discrete times with weights (normalised).
    Table(Vec<(f64, f64)>),
}

impl FailureTime {
    /// Failure times spanning the distribution, for placing a paged ensemble's first window: `n` evenly over a
    /// uniform range (its ends included), or a table's times (`n` of them evenly by row when it has more).
    pub fn span(&self, n: usize) -> Vec<f64> {
        match self {
            FailureTime::Uniform { from_s, to_s } => {
                let n = n.max(2);
                (0..n).map(|k| from_s + (to_s - from_s) * k as f64 / (n - 1) as f64).collect()
            }
            FailureTime::Table(v) if v.len() <= n.max(2) => v.iter().map(|p| p.0).collect(),
            FailureTime::Table(v) => {
                let n = n.max(2);
                (0..n).map(|k| v[k * (v.len() - 1) / (n - 1)].0).collect()
            }
        }
    }
}

/// A nominal trajectory: points in time order, interpolated linearly.
#[derive(Clone, Debug, PartialEq)]
pub struct Trajectory {
    pub path: PathBuf,
    pub points: Vec<TrajectoryPoint>,
}

/// One point of a trajectory: time after lift-off s, position (map x, y or lon, lat), height above the ground below,
/// m, velocity east, north, up m/s.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrajectoryPoint {
    pub time_s: f64,
    pub pos: Position,
    pub altitude_agl_m: f64,
    pub velocity_enu_m_s: [f64; 3],
}

/// A position as the trajectory gives it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Position {
    Map { x: f64, y: f64 },
    LonLat { lon: f64, lat: f64 },
}

/// One weather member: a stream (none: the scenario's weather) and its weight.
#[derive(Clone, Debug, PartialEq)]
pub struct WeatherMember {
    pub name: String,
    pub stream: Option<PathBuf>,
    pub weight: f64,
}

/// Perturbations drawn per member and applied to every period of its weather (zero: none).
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Perturbation {
    /// Standard deviation of a multiplicative normal factor on wind speed, percent.
    #[serde(default)]
    pub wind_speed_sd_pct: f64,
    /// Standard deviation of a normal shift of wind direction, degrees.
    #[serde(default)]
    pub wind_direction_sd_deg: f64,
    /// Standard deviation of a multiplicative normal factor on the dead fuel moistures, percent.
    #[serde(default)]
    pub dead_moisture_sd_pct: f64,
}

impl Perturbation {
    pub fn is_none(&self) -> bool {
        self.wind_speed_sd_pct == 0.0 && self.wind_direction_sd_deg == 0.0 && self.dead_moisture_sd_pct == 0.0
    }
}

/// An asset: cells of a vector layer (points, lines, polygons; optionally buffered; a polygon's outline when
/// `boundary`), and the times within which its reach is asked.
#[derive(Clone, Debug, PartialEq)]
pub struct AssetSpec {
    pub name: String,
    pub file: PathBuf,
    pub layer: Option<String>,
    /// Only the features whose `name` attribute is this (one asset per name of an incident run's `--assets`).
    pub feature: Option<String>,
    pub buffer_m: f64,
    /// Use polygons' outlines (a range boundary: reached when the fire reaches the line).
    pub boundary: bool,
    /// Times of the reach probabilities besides the run's duration, min.
    pub within_min: Vec<f64>,
}

/// What a criterion bounds: the probability, given a failure, of an event.
#[derive(Clone, Debug, PartialEq)]
pub enum CriterionEvent {
    /// The asset is reached within the time.
    AssetReached { asset: String, within_min: f64 },
    /// More than `ha` burned by the time.
    BurnedAreaAbove { ha: f64, at_min: f64 },
    /// More than `n` separate fires by the time (crews split).
    FiresAbove { n: u32, at_min: f64 },
    /// At least one ignition.
    AnyIgnition,
}

/// A hazard criterion: P(event | failure) < limit.
#[derive(Clone, Debug, PartialEq)]
pub struct CriterionSpec {
    pub name: String,
    pub event: CriterionEvent,
    pub limit: f64,
    /// The limit bounds the probability per launch (P(failure) x P(event | failure)), not given a failure.
    pub per_launch: bool,
}

impl CriterionSpec {
    /// The time the event is judged at, min (none for ignitions).
    pub fn time_min(&self) -> Option<f64> {
        match &self.event {
            CriterionEvent::AssetReached { within_min, .. } => Some(*within_min),
            CriterionEvent::BurnedAreaAbove { at_min, .. } | CriterionEvent::FiresAbove { at_min, .. } => Some(*at_min),
            CriterionEvent::AnyIgnition => None,
        }
    }
}

// The tables as written.

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EnsembleFile {
    #[serde(default)]
    members: Option<usize>,
    #[serde(default)]
    response_time: Option<String>,
    #[serde(default)]
    failure_probability: Option<f64>,
    #[serde(default)]
    failure_time: Option<FailureTimeFile>,
    /// "fixed" (default) or "poisson".
    #[serde(default)]
    fragment_counts: Option<String>,
    #[serde(default)]
    weather: Vec<WeatherMemberFile>,
    #[serde(default)]
    perturb: Option<Perturbation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FailureTimeFile {
    #[serde(default)]
    from_s: Option<f64>,
    #[serde(default)]
    to_s: Option<f64>,
    /// CSV with columns time_s, weight.
    #[serde(default)]
    table: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WeatherMemberFile {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    stream: Option<PathBuf>,
    #[serde(default = "one")]
    weight: f64,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrajectoryFile {
    file: PathBuf,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetFile {
    name: String,
    file: PathBuf,
    #[serde(default)]
    layer: Option<String>,
    #[serde(default)]
    buffer_m: f64,
    #[serde(default)]
    boundary: bool,
    #[serde(default)]
    within: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionFile {
    #[serde(default)]
    name: Option<String>,
    /// The asset reached (with `within`).
    #[serde(default)]
    asset: Option<String>,
    #[serde(default)]
    within: Option<String>,
    /// Burned area above this, ha (with `at`).
    #[serde(default)]
    burned_area_ha_above: Option<f64>,
    /// Separate fires above this (with `at`).
    #[serde(default)]
    fires_above: Option<u32>,
    /// Any ignition.
    #[serde(default)]
    any_ignition: bool,
    /// "response" (default), "end", or a duration.
    #[serde(default)]
    at: Option<String>,
    limit: f64,
    /// "failure" (default: the limit bounds P(event | failure)) or "launch" (P(event) per launch, with
    /// ensemble.failure_probability).
    #[serde(default)]
    per: Option<String>,
}

/// The scenario file's ensemble tables, as written.
pub struct Tables {
    pub ensemble: Option<EnsembleFile>,
    pub launch_window: Option<LaunchWindowFile>,
    pub trajectory: Option<TrajectoryFile>,
    pub assets: Vec<AssetFile>,
    pub criteria: Vec<CriterionFile>,
}

fn resolve(base: &Path, p: PathBuf) -> PathBuf {
    if p.is_relative() {
        base.join(p)
    } else {
        p
    }
}

/// Check the tables of a scenario (relative paths from `base`), for a run of `duration_min`.
pub fn check(t: Tables, base: &Path, duration_min: f64, has_event: bool, weather: &Weather) -> Result<EnsembleSpec> {
    let mut spec = EnsembleSpec { given: t.ensemble.is_some(), ..EnsembleSpec::default() };
    let e = t.ensemble.unwrap_or_default();
    check_members(&e, &mut spec, duration_min, has_event)?;
    if let Some(tr) = t.trajectory {
        spec.trajectory = Some(read_trajectory(&resolve(base, tr.file))?);
    }
    if let Some(ft) = e.failure_time {
        spec.failure_time = Some(check_failure_time(ft, spec.trajectory.as_ref(), base, has_event)?);
    } else if spec.trajectory.is_some() {
        return Err(Error::value("[trajectory]", "", "it is used with ensemble.failure_time: give one"));
    }
    for (k, w) in e.weather.into_iter().enumerate() {
        if !(w.weight.is_finite() && w.weight > 0.0) {
            return Err(Error::value(format!("ensemble.weather[{k}].weight"), w.weight, "must be positive"));
        }
        let name = w.name.unwrap_or_else(|| {
            w.stream
                .as_ref()
                .and_then(|p| p.file_stem())
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "scenario".into())
        });
        spec.weather.push(WeatherMember { name, stream: w.stream.map(|p| resolve(base, p)), weight: w.weight });
    }
    if let Some(p) = e.perturb {
        for (k, v, max) in [
            ("wind_speed_sd_pct", p.wind_speed_sd_pct, 100.0),
            ("wind_direction_sd_deg", p.wind_direction_sd_deg, 180.0),
            ("dead_moisture_sd_pct", p.dead_moisture_sd_pct, 100.0),
        ] {
            if !(v.is_finite() && (0.0..=max).contains(&v)) {
                return Err(Error::value(format!("ensemble.perturb.{k}"), v, format!("must be in 0..{max}")));
            }
        }
        spec.perturb = p;
    }
    for (k, a) in t.assets.into_iter().enumerate() {
        let asset = check_asset(k, a, &spec.assets, base, duration_min)?;
        spec.assets.push(asset);
    }
    for (k, c) in t.criteria.into_iter().enumerate() {
        let criterion = check_criterion(k, c, &spec, duration_min)?;
        spec.criteria.push(criterion);
    }
    if let Some(lw) = t.launch_window {
        spec.launch_window = Some(read_launch_window(lw, base, weather, spec.members)?);
    }
    Ok(spec)
}

/// `[ensemble]`'s members, response time, failure probability and fragment counts.
fn check_members(e: &EnsembleFile, spec: &mut EnsembleSpec, duration_min: f64, has_event: bool) -> Result<()> {
    if let Some(m) = e.members {
        spec.members = quantity::members(m, "ensemble.members")?;
    }
    if let Some(r) = &e.response_time {
        spec.response_time_min = quantity::duration_min(r, "ensemble.response_time")?;
    }
    if spec.response_time_min > duration_min {
        return Err(Error::value(
            "ensemble.response_time",
            format!("{} min", spec.response_time_min),
            format!("after the end of the run ({duration_min} min)"),
        ));
    }
    if let Some(p) = e.failure_probability {
        if !(p.is_finite() && p > 0.0 && p <= 1.0) {
            return Err(Error::value("ensemble.failure_probability", p, "must be in (0, 1]"));
        }
        spec.failure_probability = Some(p);
    }
    spec.poisson_counts = match e.fragment_counts.as_deref() {
        None | Some("fixed") => false,
        Some("poisson") => true,
        Some(o) => {
            return Err(Error::value("ensemble.fragment_counts", format!("`{o}`"), "use \"fixed\" or \"poisson\""))
        }
    };
    if spec.poisson_counts && !has_event {
        return Err(Error::value(
            "ensemble.fragment_counts = \"poisson\"",
            "",
            "it varies a failure event's catalogue: the scenario has no [debris.event]",
        ));
    }
    Ok(())
}

/// `ensemble.failure_time`: uniform or tabulated, within the trajectory, with a failure event to fly.
fn check_failure_time(
    ft: FailureTimeFile,
    traj: Option<&Trajectory>,
    base: &Path,
    has_event: bool,
) -> Result<FailureTime> {
    const WHAT: &str = "ensemble.failure_time";
    let ft = match (ft.from_s, ft.to_s, ft.table) {
        (Some(a), Some(b), None) => {
            if !(a.is_finite() && b.is_finite() && a >= 0.0 && b > a) {
                return Err(Error::value(
                    WHAT,
                    format!("from_s {a} and to_s {b}"),
                    "must be finite with 0 <= from_s < to_s",
                ));
            }
            FailureTime::Uniform { from_s: a, to_s: b }
        }
        (None, None, Some(p)) => FailureTime::Table(read_weights(&resolve(base, p))?),
        _ => return Err(Error::value(WHAT, "", "give from_s and to_s (uniform), or table (a CSV of time_s, weight)")),
    };
    let traj = traj.ok_or_else(|| Error::value(WHAT, "", "it needs a [trajectory] to take the break-up state from"))?;
    if !has_event {
        return Err(Error::value(
            WHAT,
            "",
            "it needs a [debris.event] (its catalogue, dispersion and samples; the trajectory gives position and velocity)",
        ));
    }
    let (t0, t1) = (traj.points[0].time_s, traj.points[traj.points.len() - 1].time_s);
    let (lo, hi) = match &ft {
        FailureTime::Uniform { from_s, to_s } => (*from_s, *to_s),
        FailureTime::Table(v) => (v[0].0, v[v.len() - 1].0),
    };
    if lo < t0 - 1e-9 || hi > t1 + 1e-9 {
        return Err(Error::value(
            WHAT,
            format!("{lo} to {hi} s"),
            format!("lies outside the trajectory ({}: {t0} to {t1} s)", traj.path.display()),
        ));
    }
    Ok(ft)
}

/// The `k`-th `[[asset]]`, checked against those before it.
fn check_asset(k: usize, a: AssetFile, before: &[AssetSpec], base: &Path, duration_min: f64) -> Result<AssetSpec> {
    let what = format!("asset[{k}] ({})", a.name);
    if a.name.trim().is_empty() {
        return Err(Error::value(format!("asset[{k}].name"), "", "empty"));
    }
    if before.iter().any(|b| b.name == a.name) {
        return Err(Error::value(what, "", "two assets have this name"));
    }
    if !(a.buffer_m.is_finite() && (0.0..=1.0e5).contains(&a.buffer_m)) {
        return Err(Error::value(format!("{what}.buffer_m"), a.buffer_m, "must be in 0..100000 m"));
    }
    let mut within = Vec::new();
    for w in &a.within {
        let m = quantity::duration_min(w, &format!("{what}.within"))?;
        if m > duration_min {
            return Err(Error::value(
                format!("{what}.within"),
                format!("`{w}`"),
                format!("after the end of the run ({duration_min} min)"),
            ));
        }
        within.push(m);
    }
    Ok(AssetSpec {
        name: a.name,
        file: resolve(base, a.file),
        layer: a.layer,
        feature: None,
        buffer_m: a.buffer_m,
        boundary: a.boundary,
        within_min: within,
    })
}

/// The `k`-th `[[criterion]]`: one event, its time, its limit.
fn check_criterion(k: usize, c: CriterionFile, spec: &EnsembleSpec, duration_min: f64) -> Result<CriterionSpec> {
    let what = format!("criterion[{k}]");
    if !(c.limit.is_finite() && c.limit > 0.0 && c.limit <= 1.0) {
        return Err(Error::value(format!("{what}.limit"), c.limit, "a probability in (0, 1]"));
    }
    let at = |s: &Option<String>, key: &str| -> Result<f64> {
        match s.as_deref() {
            None | Some("response") => Ok(spec.response_time_min),
            Some("end") => Ok(duration_min),
            Some(d) => {
                let m = quantity::duration_min(d, &format!("{what}.{key}"))?;
                if m > duration_min {
                    return Err(Error::value(
                        format!("{what}.{key}"),
                        format!("`{d}`"),
                        format!("after the end of the run ({duration_min} min)"),
                    ));
                }
                Ok(m)
            }
        }
    };
    let kinds = [c.asset.is_some(), c.burned_area_ha_above.is_some(), c.fires_above.is_some(), c.any_ignition];
    if kinds.iter().filter(|&&b| b).count() != 1 {
        return Err(Error::value(
            what,
            "",
            "give exactly one of `asset` (with `within`), `burned_area_ha_above` or `fires_above` (with `at`), `any_ignition = true`",
        ));
    }
    let event = if let Some(a) = &c.asset {
        if !spec.assets.iter().any(|x| &x.name == a) {
            return Err(Error::value(
                format!("{what}.asset"),
                format!("`{a}`"),
                format!(
                    "no [[asset]] of that name (assets: {})",
                    spec.assets.iter().map(|x| x.name.as_str()).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        let within_min = match &c.within {
            None => duration_min,
            Some(_) => at(&c.within, "within")?,
        };
        CriterionEvent::AssetReached { asset: a.clone(), within_min }
    } else if let Some(ha) = c.burned_area_ha_above {
        if !(ha.is_finite() && ha >= 0.0) {
            return Err(Error::value(format!("{what}.burned_area_ha_above"), ha, "must be >= 0"));
        }
        CriterionEvent::BurnedAreaAbove { ha, at_min: at(&c.at, "at")? }
    } else if let Some(n) = c.fires_above {
        CriterionEvent::FiresAbove { n, at_min: at(&c.at, "at")? }
    } else {
        CriterionEvent::AnyIgnition
    };
    let per_launch = match c.per.as_deref() {
        None | Some("failure") => false,
        Some("launch") if spec.failure_probability.is_some() => true,
        Some("launch") => {
            return Err(Error::value(
                format!("{what}.per"),
                "`launch`",
                "a per-launch limit needs ensemble.failure_probability (the probability that a launch fails)",
            ))
        }
        Some(o) => return Err(Error::value(format!("{what}.per"), format!("`{o}`"), "use \"failure\" or \"launch\"")),
    };
    let name = c.name.unwrap_or_else(|| {
        let d = describe(&event);
        if per_launch {
            format!("{d}, per launch")
        } else {
            d
        }
    });
    Ok(CriterionSpec { name, event, limit: c.limit, per_launch })
}

/// A criterion's event in words.
pub fn describe(e: &CriterionEvent) -> String {
    let t = |m: f64| crate::quantity::fmt_minutes(m);
    match e {
        CriterionEvent::AssetReached { asset, within_min } => format!("'{asset}' reached within {}", t(*within_min)),
        CriterionEvent::BurnedAreaAbove { ha, at_min } => format!("more than {ha} ha burned at {}", t(*at_min)),
        CriterionEvent::FiresAbove { n, at_min } => format!("more than {n} separate fires at {}", t(*at_min)),
        CriterionEvent::AnyIgnition => "at least one ignition".into(),
    }
}
