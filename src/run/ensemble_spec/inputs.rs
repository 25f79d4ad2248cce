//! The files an ensemble's tables name: the launch trajectory (CSV), the launch window's forecast (CSV) and the
//! weather members' weights, read and checked with the file and row in every error.

use super::*;

#[derive(Deserialize)]
pub(super) struct TrajectoryRow {
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
pub(super) struct ForecastRow {
    valid_time: Option<String>,
    wind_speed_kmh: Option<f64>,
    wind_from_deg: Option<f64>,
    m1h_pct: Option<f64>,
    m10h_pct: Option<f64>,
    m100h_pct: Option<f64>,
    mherb_pct: Option<f64>,
    mwoody_pct: Option<f64>,
}

pub(super) fn rfc3339(s: &str, what: &str) -> Result<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s.trim()).map_err(|e| {
        Error::value(what, format!("`{s}`"), format!("not an RFC 3339 time such as 2024-03-13T11:01:12+09:00 ({e})"))
    })
}

/// Read a launch window: its forecast and candidates. `base` gives the wind height and moistures of rows without.
pub(super) fn read_launch_window(
    f: LaunchWindowFile,
    base_dir: &Path,
    base: &Weather,
    members: usize,
) -> Result<LaunchWindow> {
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
                return Err(Error::value("launch_window", "", "end before start"));
            }
            let mut t = a;
            while t <= b && candidates.len() < 1000 {
                candidates.push(t);
                t += chrono::Duration::milliseconds((step * 60_000.0).round() as i64);
            }
        }
        (None, None, None) => {}
        _ => return Err(Error::value("launch_window", "", "give start, end and step together")),
    }
    if candidates.is_empty() {
        return Err(Error::value("launch_window", "", "give candidates, or start, end and step"));
    }
    candidates.sort();
    candidates.dedup();
    let first = rows[0].0;
    if let Some(c) = candidates.iter().find(|c| **c < first) {
        return Err(Error::value(
            "launch_window",
            "",
            format!(
                "candidate {} is before the forecast's first valid time {first} ({})",
                c.to_rfc3339(),
                path.display()
            ),
        ));
    }
    let members = match f.members {
        Some(m) => quantity::members(m, "launch_window.members")?,
        None => members,
    };
    let aloft = read_forecast_aloft(&path, rows.len())?;
    Ok(LaunchWindow { forecast: path, rows, aloft, candidates, members })
}

/// The winds aloft of a forecast, per row: columns `aloft_{H}m_speed_m_s` and `aloft_{H}m_from_deg` in pairs, H the
/// height above the ground in metres (any number of heights); none without such columns. Checked as
/// `[[debris.winds_aloft]]` layers are.
fn read_forecast_aloft(path: &Path, rows: usize) -> Result<Vec<Vec<crate::debris::WindLayer>>> {
    let err = |m: String| Error::input(path.display(), m);
    let mut r = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| err(e.to_string()))?;
    let headers = r.headers().map_err(|e| err(e.to_string()))?.clone();
    // (height, speed column, direction column)
    let mut levels: Vec<(f64, usize, usize)> = Vec::new();
    for (k, h) in headers.iter().enumerate() {
        let Some(rest) = h.strip_prefix("aloft_") else { continue };
        let Some(height) = rest.strip_suffix("m_speed_m_s") else {
            if !rest.ends_with("m_from_deg") {
                return Err(err(format!(
                    "column `{h}`: winds aloft are columns aloft_{{H}}m_speed_m_s and aloft_{{H}}m_from_deg (H in m)"
                )));
            }
            continue;
        };
        let z: f64 = height.parse().map_err(|_| err(format!("column `{h}`: `{height}` is not a height in m")))?;
        let dir = format!("aloft_{height}m_from_deg");
        let d = headers.iter().position(|x| x == dir).ok_or_else(|| err(format!("column `{h}` without `{dir}`")))?;
        levels.push((z, k, d));
    }
    for h in headers.iter().filter(|h| h.starts_with("aloft_") && h.ends_with("m_from_deg")) {
        let speed = h.replace("m_from_deg", "m_speed_m_s");
        if !headers.iter().any(|x| x == speed) {
            return Err(err(format!("column `{h}` without `{speed}`")));
        }
    }
    levels.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = Vec::new();
    if levels.is_empty() {
        return Ok(out);
    }
    for (k, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| err(e.to_string()))?;
        let line = rec.position().map_or(k + 2, |p| p.line() as usize);
        let mut layers = Vec::new();
        for &(z, si, di) in &levels {
            let num = |i: usize| -> Result<f64> {
                rec.get(i).unwrap_or("").parse().map_err(|_| {
                    err(format!("row {line}, column `{}`: `{}` is not a number", &headers[i], rec.get(i).unwrap_or("")))
                })
            };
            layers.push(crate::debris::WindLayer { altitude_m: z, speed_m_s: num(si)?, from_deg: num(di)? });
        }
        crate::debris::flight::check_winds(&layers).map_err(|e| e.within(format!("{}, row {line}", path.display())))?;
        out.push(layers);
    }
    if out.len() != rows {
        return Err(Error::Internal(format!("{}: {} rows of winds aloft for {rows} rows", path.display(), out.len())));
    }
    Ok(out)
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
    /// Break-up `ev` (its catalogue, dispersion and samples) at failure time `t_s` on this trajectory: the position,
    /// height and velocity there.
    pub fn break_up(&self, ev: &crate::debris::BreakUp, t_s: f64) -> crate::debris::BreakUp {
        let s = self.at(t_s);
        let (mut x, mut y, mut lon, mut lat) = (None, None, None, None);
        match s.pos {
            Position::Map { x: a, y: b } => (x, y) = (Some(a), Some(b)),
            Position::LonLat { lon: a, lat: b } => (lon, lat) = (Some(a), Some(b)),
        }
        crate::debris::BreakUp {
            x,
            y,
            lon,
            lat,
            altitude_agl_m: s.altitude_agl_m,
            velocity_enu_m_s: s.velocity_enu_m_s,
            time_after_liftoff_s: t_s,
            ..ev.clone()
        }
    }

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
pub(super) fn read_weights(path: &Path) -> Result<Vec<(f64, f64)>> {
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

#[derive(Deserialize)]
pub(super) struct WeightRow {
    time_s: Option<f64>,
    weight: Option<f64>,
}
