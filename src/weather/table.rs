//! A weather table's rows made into the periods of a stream: the columns checked, each row's time, wind and
//! (given or conditioned) dead fuel moistures.

use std::path::Path;

use super::{conditioning, Period, WeatherRow, WeatherStream};
use crate::csv_rows::Table;
use crate::error::{Error, Result};
use crate::physics::behavior::Weather;
use crate::physics::moisture::{clear_sky_radiation_w_m2, Observation, Stick, RADII_CM};
use crate::physics::surface::Moisture;
use crate::quantity;
use crate::units::{m_per_min_from_km_per_h, pct_from_frac, MIN_PER_H, S_PER_MIN};

/// The moisture columns: all five or none.
const MOISTURE_COLUMNS: [&str; 5] = ["m1h_pct", "m10h_pct", "m100h_pct", "mherb_pct", "mwoody_pct"];

/// What a table's columns say about its rows.
struct Columns {
    /// Minutes per unit of the time column (`time_min` 1, `time_h` 60).
    time_scale: f64,
    /// The five moisture columns are given.
    moistures: bool,
    /// No moisture columns, but air temperature and humidity: the dead fuels are conditioned through the rows.
    conditioning: bool,
    /// One of the two conditioning columns without the other: what is missing.
    half_conditioning: Option<&'static str>,
}

impl Columns {
    fn of(table: &Table<WeatherRow>, err: &impl Fn(String) -> Error) -> Result<Columns> {
        let time_scale = if table.has("time_min") {
            1.0
        } else if table.has("time_h") {
            MIN_PER_H
        } else {
            return Err(err("no `time_min` (or `time_h`) column".into()));
        };
        for need in ["wind_speed_kmh", "wind_from_deg"] {
            if !table.has(need) {
                return Err(err(format!("no `{need}` column")));
            }
        }
        let nm = MOISTURE_COLUMNS.iter().filter(|n| table.has(n)).count();
        if nm != 0 && nm != 5 {
            return Err(err(format!("give all five moisture columns ({}) or none", MOISTURE_COLUMNS.join(", "))));
        }
        let conditioning = nm == 0 && table.has("air_temp_c") && table.has("rh_pct");
        let half = match (table.has("air_temp_c"), table.has("rh_pct")) {
            (true, false) => Some("air_temp_c without rh_pct"),
            (false, true) => Some("rh_pct without air_temp_c"),
            _ => None,
        };
        Ok(Columns { time_scale, moistures: nm == 5, conditioning, half_conditioning: half.filter(|_| nm == 0) })
    }
}

/// The 1-h, 10-h and 100-h sticks a conditioned stream carries through its rows.
struct Sticks(Vec<Stick>);

impl Sticks {
    fn new() -> Sticks {
        Sticks(RADII_CM[..3].iter().map(|&r| Stick::new(r)).collect())
    }
    /// Start at the run's moistures under the first row's weather, or carry on `hours` under `obs`.
    fn advance(&mut self, base: &Moisture, since: Option<f64>, obs: &Observation) {
        match since {
            None => {
                let m0 = [base.dead_1h, base.dead_10h, base.dead_100h];
                for (s, m) in self.0.iter_mut().zip(m0) {
                    s.initialise(obs.air_temp_c, obs.rh_pct, obs.solar_w_m2, m);
                }
            }
            Some(hours) => {
                for s in self.0.iter_mut() {
                    s.update(hours, obs);
                }
            }
        }
    }
    fn moisture(&self, base: &Moisture) -> Moisture {
        Moisture {
            dead_1h: self.0[0].moisture(),
            dead_10h: self.0[1].moisture(),
            dead_100h: self.0[2].moisture(),
            ..*base
        }
    }
}

impl WeatherStream {
    /// Periods from the rows of a weather table (a CSV, or a .wxs read into the same columns).
    pub(super) fn from_table(
        path: &Path,
        table: Table<WeatherRow>,
        base: &Weather,
        lat_deg: Option<f64>,
        obs_out: &mut Vec<conditioning::RowObs>,
    ) -> Result<(WeatherStream, Vec<String>)> {
        let err = |msg: String| Error::input(path.display(), msg);
        let cols = Columns::of(&table, &err)?;
        let mut sticks = Sticks::new();
        let mut notes = Vec::new();
        if let Some(what) = cols.half_conditioning {
            notes.push(format!(
                "{}: {what}: the dead fuels are NOT conditioned (the run's moistures hold throughout); give both to condition them",
                path.display()
            ));
        }
        let mut no_sun = 0usize;
        let mut periods: Vec<Period> = Vec::new();
        let mut moisture = base.moisture;
        for (row, r) in &table.rows {
            let (t, speed, dir) = time_and_wind(*row, r, &cols, periods.last(), &err)?;
            if cols.moistures {
                moisture = given_moisture(*row, r, &err)?;
            }
            if cols.conditioning {
                let (obs, row_obs, sun) = observation(*row, r, t, lat_deg, &err)?;
                no_sun += usize::from(!sun);
                obs_out.push(row_obs);
                sticks.advance(&base.moisture, periods.last().map(|p| (t - p.start_min) / MIN_PER_H), &obs);
                moisture = sticks.moisture(&base.moisture);
            }
            periods.push(Period {
                start_min: t,
                weather: Weather {
                    moisture,
                    wind_speed_m_per_min: m_per_min_from_km_per_h(speed),
                    wind_from_deg: dir.rem_euclid(360.0),
                    wind_height: base.wind_height,
                },
            });
        }
        start_at_zero(path, &mut periods, &mut notes)?;
        if cols.conditioning {
            notes.push(format!(
                "{}: dead fuel moistures conditioned by Nelson's model through {} rows from {:.1}/{:.1}/{:.1} % (now {:.1}/{:.1}/{:.1} % at {:.0} min)",
                path.display(),
                periods.len(),
                pct_from_frac(base.moisture.dead_1h),
                pct_from_frac(base.moisture.dead_10h),
                pct_from_frac(base.moisture.dead_100h),
                pct_from_frac(moisture.dead_1h),
                pct_from_frac(moisture.dead_10h),
                pct_from_frac(moisture.dead_100h),
                periods.last().map_or(0.0, |p| p.start_min)
            ));
        }
        if cols.conditioning && no_sun > 0 {
            notes.push(format!(
                "{}: {no_sun} rows give no solar radiation (`solar_w_m2`, or `cloud_pct` with `valid_time`): the sticks conditioned without sun there",
                path.display()
            ));
        }
        Ok((WeatherStream { periods }, notes))
    }
}

/// A row's time (min), wind speed (km/h) and direction (deg from), checked against the previous period.
fn time_and_wind(
    row: usize,
    r: &WeatherRow,
    cols: &Columns,
    prev: Option<&Period>,
    err: &impl Fn(String) -> Error,
) -> Result<(f64, f64, f64)> {
    let missing = |name: &str| err(format!("row {row}, column `{name}`: missing"));
    let t = if cols.time_scale == 1.0 {
        r.time_min.ok_or_else(|| missing("time_min"))?
    } else {
        r.time_h.ok_or_else(|| missing("time_h"))? * cols.time_scale
    };
    let speed = r.wind_speed_kmh.ok_or_else(|| missing("wind_speed_kmh"))?;
    let dir = r.wind_from_deg.ok_or_else(|| missing("wind_from_deg"))?;
    for (name, v) in [("time", t), ("wind_speed_kmh", speed), ("wind_from_deg", dir)] {
        if !v.is_finite() {
            return Err(err(format!("row {row}, column `{name}`: {v} is not a number")));
        }
    }
    if t < 0.0 && !cols.conditioning {
        return Err(err(format!(
            "row {row}: time {t} min is negative (rows before 0 condition the fuels: give air_temp_c and rh_pct, and no moisture columns)"
        )));
    }
    if let Some(prev) = prev {
        if t <= prev.start_min {
            return Err(err(format!("row {row}: times must increase ({t} min after {} min)", prev.start_min)));
        }
    }
    quantity::wind_speed_kmh(speed, &format!("row {row}, column `wind_speed_kmh`")).map_err(|e| err(e.to_string()))?;
    Ok((t, speed, dir))
}

/// The five moistures a row gives, checked.
fn given_moisture(row: usize, r: &WeatherRow, err: &impl Fn(String) -> Error) -> Result<Moisture> {
    let given = [r.m1h_pct, r.m10h_pct, r.m100h_pct, r.mherb_pct, r.mwoody_pct];
    let mut v = [0.0; 5];
    for (i, g) in given.iter().enumerate() {
        v[i] = g.ok_or_else(|| err(format!("row {row}, column `{}`: missing", MOISTURE_COLUMNS[i])))?;
        quantity::moisture_one_pct(v[i], i, &format!("row {row}, column `{}`", MOISTURE_COLUMNS[i]))
            .map_err(|e| err(e.to_string()))?;
    }
    Ok(Moisture::from_percent(v))
}

/// A conditioning row's observation (solar radiation given, or derived from cloud cover at its clock time and the
/// landscape's latitude), its record, and whether it had any sun to give.
fn observation(
    row: usize,
    r: &WeatherRow,
    t: f64,
    lat_deg: Option<f64>,
    err: &impl Fn(String) -> Error,
) -> Result<(Observation, conditioning::RowObs, bool)> {
    let missing = |name: &str| err(format!("row {row}, column `{name}`: missing"));
    let ta = r.air_temp_c.ok_or_else(|| missing("air_temp_c"))?;
    let rh = r.rh_pct.ok_or_else(|| missing("rh_pct"))?;
    let precip = r.precip_mm.unwrap_or(0.0);
    let clock = match r.valid_time.as_deref() {
        Some(vt) => {
            let t = chrono::DateTime::parse_from_rfc3339(vt.trim())
                .map_err(|e| err(format!("row {row}, column `valid_time`: `{vt}` is not an RFC 3339 time ({e})")))?;
            use chrono::{Datelike, Timelike};
            let l = t.naive_local();
            let hour = l.hour() as f64 + (l.minute() as f64 + l.second() as f64 / S_PER_MIN) / MIN_PER_H;
            Some((l.year(), l.month(), l.day(), hour))
        }
        None => None,
    };
    let solar = match (r.solar_w_m2, r.cloud_pct, clock, lat_deg) {
        (Some(s), _, _, _) => Some(s),
        (None, Some(cloud), Some((y, m, d, hour)), Some(lat)) => {
            if !(0.0..=100.0).contains(&cloud) {
                return Err(err(format!("row {row}, column `cloud_pct`: {cloud} is outside 0..100")));
            }
            Some(clear_sky_radiation_w_m2(y, m, d, hour, lat, cloud))
        }
        _ => None,
    };
    let obs = Observation { air_temp_c: ta, rh_pct: rh, precip_mm: precip, solar_w_m2: solar.unwrap_or(0.0) };
    obs.check().map_err(|m| err(format!("row {row}: {m}")))?;
    let record = conditioning::RowObs {
        t_min: t,
        air_temp_c: ta,
        rh_pct: rh,
        precip_mm: precip,
        solar_w_m2: r.solar_w_m2,
        cloud_pct: r.cloud_pct,
        clock,
    };
    Ok((obs, record, solar.is_some()))
}

/// Rows before 0 are a conditioning period before the fire (as FlamMap's conditioning), not periods of the fire:
/// drop them (a row at 0 must follow); the first period starts at 0.
fn start_at_zero(path: &Path, periods: &mut Vec<Period>, notes: &mut Vec<String>) -> Result<()> {
    let err = |msg: String| Error::input(path.display(), msg);
    let Some(first) = periods.first() else {
        return Err(err("no weather rows".into()));
    };
    let conditioning_from = first.start_min;
    if conditioning_from < 0.0 {
        let Some(zero) = periods.iter().position(|p| p.start_min == 0.0) else {
            return Err(err(format!(
                "rows before 0 condition the fuels, and a row at time 0 (the start of the fire) is needed after them (times run from {conditioning_from} min)"
            )));
        };
        periods.drain(..zero);
        notes.push(format!(
            "{}: fuels conditioned from {:.1} h before the fire (rows before time 0)",
            path.display(),
            -conditioning_from / MIN_PER_H
        ));
    }
    if periods[0].start_min > 0.0 {
        return Err(err(format!("the first row must be at time 0 (it is at {} min)", periods[0].start_min)));
    }
    Ok(())
}
