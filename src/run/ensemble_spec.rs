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
    pub candidates: Vec<DateTime<FixedOffset>>,
    pub members: usize,
}

impl LaunchWindow {
    /// The weather stream of a launch at `t0` for `duration_min`: the forecast row in force at `t0` from time 0,
    /// then every later row (minutes after `t0`) until the end of the run.
    pub fn stream(&self, t0: DateTime<FixedOffset>, duration_min: f64) -> WeatherStream {
        let k = self.rows.partition_point(|r| r.0 <= t0).max(1) - 1;
        let mut periods = vec![Period { start_min: 0.0, weather: self.rows[k].1 }];
        for r in &self.rows[k + 1..] {
            let m = (r.0 - t0).num_milliseconds() as f64 / 60_000.0;
            if m >= duration_min {
                break;
            }
            periods.push(Period { start_min: m, weather: r.1 });
        }
        WeatherStream { periods }
    }
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
}

#[derive(Deserialize)]
struct TrajectoryRow {
    time_s: Option<f64>,
    x: Option<f64>,
    y: Option<f64>,
    lon: Option<f64>,
    lat: Option<f64>,
    altitude_agl_m: Option<f64>,
    ve_m_s: Option<f64>,
    vn_m_s: Option<f64>,
    vu_m_s: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LaunchWindowFile {
    /// Forecast CSV: valid_time (RFC 3339), wind_speed_kmh, wind_from_deg, optional m1h_pct .. mwoody_pct.
    forecast: PathBuf,
    /// Candidate launch times (RFC 3339) ...
    #[serde(default)]
    candidates: Vec<String>,
    /// ... or every `step` from `start` to `end`.
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    end: Option<String>,
    #[serde(default)]
    step: Option<String>,
    /// Members per candidate (default: the ensemble's).
    #[serde(default)]
    members: Option<usize>,
}

#[derive(Deserialize)]
struct ForecastRow {
    valid_time: Option<String>,
    wind_speed_kmh: Option<f64>,
    wind_from_deg: Option<f64>,
    m1h_pct: Option<f64>,
    m10h_pct: Option<f64>,
    m100h_pct: Option<f64>,
    mherb_pct: Option<f64>,
    mwoody_pct: Option<f64>,
}

fn rfc3339(s: &str, what: &str) -> Result<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s.trim()).map_err(|e| {
        Error::Invalid(format!("{what} `{s}`: not an RFC 3339 time such as 2024-03-13T11:01:12+09:00 ({e})"))
    })
}

/// Read a launch window: its forecast and candidates. `base` gives the wind height and moistures of rows without.
fn read_launch_window(f: LaunchWindowFile, base_dir: &Path, base: &Weather, members: usize) -> Result<LaunchWindow> {
    let path = resolve(base_dir, f.forecast);
    let err = |m: String| Error::input(path.display(), m);
    let table: Table<ForecastRow> = csv_rows::read(&path, "row")?;
    for c in ["valid_time", "wind_speed_kmh", "wind_from_deg"] {
        if !table.has(c) {
            return Err(err(format!("no `{c}` column")));
        }
    }
    let mut rows: Vec<(DateTime<FixedOffset>, Weather)> = Vec::new();
    for (row, r) in &table.rows {
        let vt = r.valid_time.as_deref().ok_or_else(|| err(format!("row {row}, column `valid_time`: missing")))?;
        let t = rfc3339(vt, &format!("row {row}, column `valid_time`")).map_err(|e| err(e.to_string()))?;
        let speed = r.wind_speed_kmh.ok_or_else(|| err(format!("row {row}, column `wind_speed_kmh`: missing")))?;
        let dir = r.wind_from_deg.ok_or_else(|| err(format!("row {row}, column `wind_from_deg`: missing")))?;
        quantity::wind_speed_kmh(speed, &format!("row {row}, column `wind_speed_kmh`"))
            .map_err(|e| err(e.to_string()))?;
        quantity::direction_deg(dir, &format!("row {row}, column `wind_from_deg`")).map_err(|e| err(e.to_string()))?;
        let given = [r.m1h_pct, r.m10h_pct, r.m100h_pct, r.mherb_pct, r.mwoody_pct];
        let moisture = if given.iter().all(|g| g.is_some()) {
            let v = given.map(|g| g.unwrap_or(0.0));
            quantity::moisture_pct(v, &format!("row {row}, moisture columns")).map_err(|e| err(e.to_string()))?
        } else if given.iter().any(|g| g.is_some()) {
            return Err(err(format!("row {row}: give all five moisture columns or none")));
        } else {
            base.moisture
        };
        if rows.last().is_some_and(|p| t <= p.0) {
            return Err(err(format!("row {row}: valid times must increase")));
        }
        rows.push((
            t,
            Weather {
                moisture,
                wind_speed_m_per_min: m_per_min_from_km_per_h(speed),
                wind_from_deg: dir,
                wind_height: base.wind_height,
            },
        ));
    }
    if rows.is_empty() {
        return Err(err("no rows".into()));
    }
    let mut candidates = Vec::new();
    for c in &f.candidates {
        candidates.push(rfc3339(c, "launch_window.candidates")?);
    }
    match (&f.start, &f.end, &f.step) {
        (Some(a), Some(b), Some(st)) => {
            let (a, b) = (rfc3339(a, "launch_window.start")?, rfc3339(b, "launch_window.end")?);
            let step = quantity::duration_min(st, "launch_window.step")?;
            if b < a {
                return Err(Error::Invalid("launch_window: end before start".into()));
            }
            let mut t = a;
            while t <= b && candidates.len() < 1000 {
                candidates.push(t);
                t += chrono::Duration::milliseconds((step * 60_000.0).round() as i64);
            }
        }
        (None, None, None) => {}
        _ => return Err(Error::Invalid("launch_window: give start, end and step together".into())),
    }
    if candidates.is_empty() {
        return Err(Error::Invalid("launch_window: give candidates, or start, end and step".into()));
    }
    candidates.sort();
    candidates.dedup();
    let first = rows[0].0;
    if let Some(c) = candidates.iter().find(|c| **c < first) {
        return Err(Error::Invalid(format!(
            "launch_window: candidate {} is before the forecast's first valid time {first} ({})",
            c.to_rfc3339(),
            path.display()
        )));
    }
    let members = match f.members {
        Some(m) => quantity::members(m, "launch_window.members")?,
        None => members,
    };
    Ok(LaunchWindow { forecast: path, rows, candidates, members })
}

#[derive(Deserialize)]
struct WeightRow {
    time_s: Option<f64>,
    weight: Option<f64>,
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
    if let Some(m) = e.members {
        spec.members = quantity::members(m, "ensemble.members")?;
    }
    if let Some(r) = &e.response_time {
        spec.response_time_min = quantity::duration_min(r, "ensemble.response_time")?;
    }
    if spec.response_time_min > duration_min {
        return Err(Error::Invalid(format!(
            "ensemble.response_time {} min: after the end of the run ({duration_min} min)",
            spec.response_time_min
        )));
    }
    if let Some(p) = e.failure_probability {
        if !(p.is_finite() && p > 0.0 && p <= 1.0) {
            return Err(Error::Invalid(format!("ensemble.failure_probability {p}: must be in (0, 1]")));
        }
        spec.failure_probability = Some(p);
    }
    spec.poisson_counts = match e.fragment_counts.as_deref() {
        None | Some("fixed") => false,
        Some("poisson") => true,
        Some(o) => return Err(Error::Invalid(format!("ensemble.fragment_counts `{o}`: use \"fixed\" or \"poisson\""))),
    };
    if spec.poisson_counts && !has_event {
        return Err(Error::Invalid(
            "ensemble.fragment_counts = \"poisson\" varies a failure event's catalogue: the scenario has no [debris.event]"
                .into(),
        ));
    }
    if let Some(tr) = t.trajectory {
        spec.trajectory = Some(read_trajectory(&resolve(base, tr.file))?);
    }
    if let Some(ft) = e.failure_time {
        let ft = match (ft.from_s, ft.to_s, ft.table) {
            (Some(a), Some(b), None) => {
                if !(a.is_finite() && b.is_finite() && a >= 0.0 && b > a) {
                    return Err(Error::Invalid(format!(
                        "ensemble.failure_time: from_s {a} and to_s {b} must be finite with 0 <= from_s < to_s"
                    )));
                }
                FailureTime::Uniform { from_s: a, to_s: b }
            }
            (None, None, Some(p)) => FailureTime::Table(read_weights(&resolve(base, p))?),
            _ => {
                return Err(Error::Invalid(
                    "ensemble.failure_time: give from_s and to_s (uniform), or table (a CSV of time_s, weight)".into(),
                ))
            }
        };
        let traj = spec.trajectory.as_ref().ok_or_else(|| {
            Error::Invalid("ensemble.failure_time needs a [trajectory] to take the break-up state from".into())
        })?;
        if !has_event {
            return Err(Error::Invalid(
                "ensemble.failure_time needs a [debris.event] (its catalogue, dispersion and samples; the trajectory gives position and velocity)"
                    .into(),
            ));
        }
        let (t0, t1) = (traj.points[0].time_s, traj.points[traj.points.len() - 1].time_s);
        let (lo, hi) = match &ft {
            FailureTime::Uniform { from_s, to_s } => (*from_s, *to_s),
            FailureTime::Table(v) => (v[0].0, v[v.len() - 1].0),
        };
        if lo < t0 - 1e-9 || hi > t1 + 1e-9 {
            return Err(Error::Invalid(format!(
                "ensemble.failure_time: {lo} to {hi} s lies outside the trajectory ({}: {t0} to {t1} s)",
                traj.path.display()
            )));
        }
        spec.failure_time = Some(ft);
    } else if spec.trajectory.is_some() {
        return Err(Error::Invalid("[trajectory] is used with ensemble.failure_time: give one".into()));
    }
    for (k, w) in e.weather.into_iter().enumerate() {
        if !(w.weight.is_finite() && w.weight > 0.0) {
            return Err(Error::Invalid(format!("ensemble.weather[{k}].weight {}: must be positive", w.weight)));
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
                return Err(Error::Invalid(format!("ensemble.perturb.{k} {v}: must be in 0..{max}")));
            }
        }
        spec.perturb = p;
    }
    for (k, a) in t.assets.into_iter().enumerate() {
        let what = format!("asset[{k}] ({})", a.name);
        if a.name.trim().is_empty() {
            return Err(Error::Invalid(format!("asset[{k}].name: empty")));
        }
        if spec.assets.iter().any(|b: &AssetSpec| b.name == a.name) {
            return Err(Error::Invalid(format!("{what}: two assets have this name")));
        }
        if !(a.buffer_m.is_finite() && (0.0..=1.0e5).contains(&a.buffer_m)) {
            return Err(Error::Invalid(format!("{what}.buffer_m {}: must be in 0..100000 m", a.buffer_m)));
        }
        let mut within = Vec::new();
        for w in &a.within {
            let m = quantity::duration_min(w, &format!("{what}.within"))?;
            if m > duration_min {
                return Err(Error::Invalid(format!(
                    "{what}.within `{w}`: after the end of the run ({duration_min} min)"
                )));
            }
            within.push(m);
        }
        spec.assets.push(AssetSpec {
            name: a.name,
            file: resolve(base, a.file),
            layer: a.layer,
            buffer_m: a.buffer_m,
            boundary: a.boundary,
            within_min: within,
        });
    }
    for (k, c) in t.criteria.into_iter().enumerate() {
        let what = format!("criterion[{k}]");
        if !(c.limit.is_finite() && c.limit > 0.0 && c.limit <= 1.0) {
            return Err(Error::Invalid(format!("{what}.limit {}: a probability in (0, 1]", c.limit)));
        }
        let at = |s: &Option<String>, key: &str| -> Result<f64> {
            match s.as_deref() {
                None | Some("response") => Ok(spec.response_time_min),
                Some("end") => Ok(duration_min),
                Some(d) => {
                    let m = quantity::duration_min(d, &format!("{what}.{key}"))?;
                    if m > duration_min {
                        return Err(Error::Invalid(format!(
                            "{what}.{key} `{d}`: after the end of the run ({duration_min} min)"
                        )));
                    }
                    Ok(m)
                }
            }
        };
        let kinds = [c.asset.is_some(), c.burned_area_ha_above.is_some(), c.fires_above.is_some(), c.any_ignition];
        if kinds.iter().filter(|&&b| b).count() != 1 {
            return Err(Error::Invalid(format!(
                "{what}: give exactly one of `asset` (with `within`), `burned_area_ha_above` or `fires_above` (with `at`), `any_ignition = true`"
            )));
        }
        let event = if let Some(a) = &c.asset {
            if !spec.assets.iter().any(|x| &x.name == a) {
                return Err(Error::Invalid(format!(
                    "{what}.asset `{a}`: no [[asset]] of that name (assets: {})",
                    spec.assets.iter().map(|x| x.name.as_str()).collect::<Vec<_>>().join(", ")
                )));
            }
            let within_min = match &c.within {
                None => duration_min,
                Some(_) => at(&c.within, "within")?,
            };
            CriterionEvent::AssetReached { asset: a.clone(), within_min }
        } else if let Some(ha) = c.burned_area_ha_above {
            if !(ha.is_finite() && ha >= 0.0) {
                return Err(Error::Invalid(format!("{what}.burned_area_ha_above {ha}: must be >= 0")));
            }
            CriterionEvent::BurnedAreaAbove { ha, at_min: at(&c.at, "at")? }
        } else if let Some(n) = c.fires_above {
            CriterionEvent::FiresAbove { n, at_min: at(&c.at, "at")? }
        } else {
            CriterionEvent::AnyIgnition
        };
        let name = c.name.unwrap_or_else(|| describe(&event));
        spec.criteria.push(CriterionSpec { name, event, limit: c.limit });
    }
    if let Some(lw) = t.launch_window {
        spec.launch_window = Some(read_launch_window(lw, base, weather, spec.members)?);
    }
    Ok(spec)
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

/// Read a trajectory CSV: `time_s`, `x, y` (landscape CRS) or `lon, lat`, `altitude_agl_m`, `ve_m_s, vn_m_s, vu_m_s`.
pub fn read_trajectory(path: &Path) -> Result<Trajectory> {
    let err = |m: String| Error::input(path.display(), m);
    let table: Table<TrajectoryRow> = csv_rows::read(path, "row")?;
    let map = table.has("x") && table.has("y");
    if !(map || table.has("lon") && table.has("lat")) {
        return Err(err("give the position as columns x, y (landscape CRS) or lon, lat".into()));
    }
    for c in ["time_s", "altitude_agl_m", "ve_m_s", "vn_m_s", "vu_m_s"] {
        if !table.has(c) {
            return Err(err(format!("no `{c}` column")));
        }
    }
    let mut points: Vec<TrajectoryPoint> = Vec::new();
    for (row, r) in &table.rows {
        let need = |v: Option<f64>, c: &str| -> Result<f64> {
            let v = v.ok_or_else(|| err(format!("row {row}, column `{c}`: missing")))?;
            if !v.is_finite() {
                return Err(err(format!("row {row}, column `{c}`: {v} is not a number")));
            }
            Ok(v)
        };
        let t = need(r.time_s, "time_s")?;
        let pos = if map {
            Position::Map { x: need(r.x, "x")?, y: need(r.y, "y")? }
        } else {
            let (lon, lat) = (need(r.lon, "lon")?, need(r.lat, "lat")?);
            if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
                return Err(err(format!("row {row}: {lon}, {lat} is not a longitude/latitude")));
            }
            Position::LonLat { lon, lat }
        };
        let alt = need(r.altitude_agl_m, "altitude_agl_m")?;
        if !(0.0..=1.0e5).contains(&alt) {
            return Err(err(format!("row {row}, column `altitude_agl_m`: {alt} m must be in 0..100000")));
        }
        let v = [need(r.ve_m_s, "ve_m_s")?, need(r.vn_m_s, "vn_m_s")?, need(r.vu_m_s, "vu_m_s")?];
        if v.iter().any(|c| c.abs() > 1.0e4) {
            return Err(err(format!("row {row}: a velocity component beyond 10 km/s")));
        }
        if let Some(p) = points.last() {
            if t <= p.time_s {
                return Err(err(format!("row {row}: times must increase ({t} s after {} s)", p.time_s)));
            }
        }
        points.push(TrajectoryPoint { time_s: t, pos, altitude_agl_m: alt, velocity_enu_m_s: v });
    }
    if points.len() < 2 {
        return Err(err("a trajectory needs at least two rows".into()));
    }
    Ok(Trajectory { path: path.to_path_buf(), points })
}

impl Trajectory {
    /// The state at `t_s` (linear between points; clamped to the ends).
    pub fn at(&self, t_s: f64) -> TrajectoryPoint {
        let p = &self.points;
        let k = p.partition_point(|q| q.time_s <= t_s).clamp(1, p.len() - 1);
        let (a, b) = (&p[k - 1], &p[k]);
        let f = ((t_s - a.time_s) / (b.time_s - a.time_s)).clamp(0.0, 1.0);
        let lerp = |u: f64, v: f64| u + f * (v - u);
        let pos = match (a.pos, b.pos) {
            (Position::Map { x: x0, y: y0 }, Position::Map { x: x1, y: y1 }) => {
                Position::Map { x: lerp(x0, x1), y: lerp(y0, y1) }
            }
            (Position::LonLat { lon: x0, lat: y0 }, Position::LonLat { lon: x1, lat: y1 }) => {
                Position::LonLat { lon: lerp(x0, x1), lat: lerp(y0, y1) }
            }
            (p0, _) => p0,
        };
        TrajectoryPoint {
            time_s: t_s,
            pos,
            altitude_agl_m: lerp(a.altitude_agl_m, b.altitude_agl_m),
            velocity_enu_m_s: [0, 1, 2].map(|j| lerp(a.velocity_enu_m_s[j], b.velocity_enu_m_s[j])),
        }
    }
}

/// Read a failure-time table: `time_s, weight` (weights positive; times increasing).
fn read_weights(path: &Path) -> Result<Vec<(f64, f64)>> {
    let err = |m: String| Error::input(path.display(), m);
    let table: Table<WeightRow> = csv_rows::read(path, "row")?;
    let mut v: Vec<(f64, f64)> = Vec::new();
    for (row, r) in &table.rows {
        let t = r.time_s.ok_or_else(|| err(format!("row {row}, column `time_s`: missing")))?;
        let w = r.weight.ok_or_else(|| err(format!("row {row}, column `weight`: missing")))?;
        if !(t.is_finite() && t >= 0.0 && w.is_finite() && w > 0.0) {
            return Err(err(format!("row {row}: time_s {t} must be >= 0 and weight {w} positive")));
        }
        if v.last().is_some_and(|p| t <= p.0) {
            return Err(err(format!("row {row}: times must increase")));
        }
        v.push((t, w));
    }
    if v.is_empty() {
        return Err(err("no rows".into()));
    }
    Ok(v)
}
