//! FARSITE inputs files (`.input`, as FARSITE's and FlamMap's command-line tools read them): keyword lines
//! `KEY: value`, and blocks whose keyword gives a row count (`FARSITE_BURN_PERIODS: N`, `FUEL_MOISTURES_DATA: N`,
//! `RAWS: N`). What Emberfall models is taken; everything else is listed in [`FarsiteInput::ignored`] so a run can
//! say what it left out.
//!
//! Units: `RAWS_UNITS: English` rows are F, %, inches of rain in the hour, mph at 20 ft, degrees, % cloud;
//! `Metric` rows are C, %, mm, km/h at 20 ft. Times have no year in `FARSITE_START_TIME` / `FARSITE_END_TIME`
//! (`M D HHMM`): the year is the weather's.

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;

use crate::error::{Error, Result};
use crate::units::{c_from_f, wind_20ft_from_10m, KM_PER_H_PER_MI_PER_H, MM_PER_IN, M_PER_FT, S_PER_MIN};

mod scan;
use scan::{burn_periods, Scan};

/// One hourly weather observation, SI.
#[derive(Clone, Debug)]
pub struct RawsRow {
    pub line: usize,
    pub time: NaiveDateTime,
    pub air_temp_c: f64,
    pub rh_pct: f64,
    pub precip_mm: f64,
    pub wind_kmh: f64,
    pub wind_from_deg: f64,
    pub cloud_pct: f64,
}

/// What a FARSITE inputs file says, in SI.
#[derive(Clone, Debug)]
pub struct FarsiteInput {
    pub path: PathBuf,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    /// Initial moistures (percent: 1-h, 10-h, 100-h, live herbaceous, live woody) of fuel model 0 (all models not
    /// listed in `model_moisture_pct`).
    pub moisture_pct: Option<[f64; 5]>,
    /// Initial moistures of particular fuel models (FUEL_MOISTURES_DATA rows, or a FUEL_MOISTURES_FILE .fms).
    pub model_moisture_pct: Vec<(u16, [f64; 5])>,
    pub foliar_moisture_pct: Option<f64>,
    /// `Finney` or `ScottReinhardt`.
    pub crown_fire_method: Option<String>,
    pub spot_probability: Option<f64>,
    pub spot_delay_min: Option<f64>,
    /// `FARSITE_MINIMUM_SPOT_DISTANCE`, m.
    pub min_spot_distance_m: Option<f64>,
    pub raws: Vec<RawsRow>,
    /// Custom fuel models (`CUSTOM_FUELS_DATA` rows, .fmd format; read by [`crate::physics::fuel::read_fmd`]).
    pub custom_fuel_rows: Vec<(usize, String)>,
    /// Units of the custom fuel models (`CUSTOM_FUELS_UNITS`, English by default).
    pub custom_fuels_english: bool,
    /// Gridded winds (`FARSITE_ATM_FILE`): the ATM file, read by [`read_atm`].
    pub atm_file: Option<PathBuf>,
    /// Elevation of the weather station (`RAWS_ELEVATION`, feet in English units), m.
    pub raws_elevation_m: Option<f64>,
    /// Burn periods (start, end) of the file, clock times: FARSITE's `M D HHMM HHMM` rows, each burning from its
    /// start through its end minute (so `1200 1959` ends at 20:00).
    pub burn_periods: Vec<(NaiveDateTime, NaiveDateTime)>,
    /// What the file gives that Emberfall does not model, one line each.
    pub ignored: Vec<String>,
    /// Values Emberfall took otherwise than written (FARSITE's own limits), one line each.
    pub notes: Vec<String>,
}

/// One RAWS row, `Year Mth Day Time Temp RH HrlyPcp WindSpd WindDir CloudCov` (Time as HHMM), in SI: English rows
/// are F, inches and mph, Metric rows C, mm and km/h (winds at 20 ft). The error says what is wrong with the row.
pub fn raws_row(line: usize, text: &str, english: bool) -> std::result::Result<RawsRow, String> {
    let tok: Vec<&str> = text.split_whitespace().collect();
    if tok.len() != 10 {
        return Err(format!(
            "{} values; a RAWS row has 10: Year Mth Day Time Temp RH HrlyPcp WindSpd WindDir CloudCov",
            tok.len()
        ));
    }
    let mut v = [0.0; 10];
    for (i, t) in tok.iter().enumerate() {
        v[i] = t.parse::<f64>().map_err(|_| format!("value {} `{t}` is not a number", i + 1))?;
    }
    let (y, mo, d, hhmm) = (v[0] as i32, v[1] as u32, v[2] as u32, v[3] as u32);
    let time = chrono::NaiveDate::from_ymd_opt(y, mo, d)
        .and_then(|date| date.and_hms_opt(hhmm / 100, hhmm % 100, 0))
        .ok_or_else(|| format!("{y} {mo} {d} {hhmm:04} is not a date and time"))?;
    // F to C, inches to mm, mph to km/h by their definitions.
    let (air_temp_c, precip_mm, wind_kmh) =
        if english { (c_from_f(v[4]), v[6] * MM_PER_IN, v[7] * KM_PER_H_PER_MI_PER_H) } else { (v[4], v[6], v[7]) };
    Ok(RawsRow { line, time, air_temp_c, rh_pct: v[5], precip_mm, wind_kmh, wind_from_deg: v[8], cloud_pct: v[9] })
}

/// A FARSITE / FlamMap fuel moisture file (.fms): rows `model 1h 10h 100h herb woody` (percent; model 0 stands for
/// every model not listed). Errors name the file and line.
pub fn read_fms(path: &Path) -> Result<Vec<(u16, [f64; 5])>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut out = Vec::new();
    for (k, l) in text.lines().enumerate() {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let v: Vec<f64> = t
            .split_whitespace()
            .map(|w| w.parse::<f64>().ok().filter(|x| x.is_finite()))
            .collect::<Option<_>>()
            .ok_or_else(|| Error::input(path.display(), format!("line {}: `{t}` is not a row of numbers", k + 1)))?;
        if v.len() != 6 || v[0] < 0.0 || v[0] > 65535.0 || v[0].fract() != 0.0 {
            return Err(Error::input(
                path.display(),
                format!("line {}: expected 6 values: model (a fuel code) 1h 10h 100h herb woody, percent", k + 1),
            ));
        }
        out.push((v[0] as u16, [v[1], v[2], v[3], v[4], v[5]]));
    }
    if out.is_empty() {
        return Err(Error::input(path.display(), "no fuel moisture rows"));
    }
    Ok(out)
}

/// A file named in `file` (a FARSITE input): relative to `file`'s folder when it exists there, else as given
/// (relative to the working folder, as FARSITE's own examples write their paths).
fn beside(file: &Path, name: &str) -> PathBuf {
    let here = file.parent().unwrap_or(Path::new(".")).join(name);
    if here.exists() {
        here
    } else {
        PathBuf::from(name)
    }
}

/// One time of a FARSITE ATM file: from `time` on, wind speed and direction rasters (paths resolved).
#[derive(Clone, Debug)]
pub struct AtmRow {
    pub line: usize,
    pub time: NaiveDateTime,
    pub speed: PathBuf,
    pub direction: PathBuf,
}

/// A FARSITE atmosphere file (`FARSITE_ATM_FILE`, as WindNinja writes it): an optional header word
/// (`WINDS_AND_CLOUDS`) and units (`ENGLISH`: mph, the default; `METRIC`: km/h), then rows `Month Day HHMM
/// speed.asc direction.asc [cloud.asc]` (paths relative to the ATM file's folder, else the working folder; the
/// cloud grid is not used). Winds at 20 ft, as FARSITE takes them. Rows of six grids (temperature, humidity and rain
/// grids first) are refused with the reason. Returns the rows (year `year`, the next after December) and whether
/// the speeds are in km/h.
pub fn read_atm(path: &Path, year: i32) -> Result<(Vec<AtmRow>, bool)> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let err = |line: usize, msg: String| Error::input(path.display(), format!("line {line}: {msg}"));
    let resolve = |f: &str| beside(path, f);
    let (mut metric, mut rows, mut year, mut last_month) = (false, Vec::new(), year, 0);
    for (k, l) in text.lines().enumerate() {
        let n = k + 1;
        let tok: Vec<&str> = l.split_whitespace().collect();
        if tok.is_empty() || tok[0].starts_with('#') {
            continue;
        }
        if tok[0].parse::<u32>().is_err() {
            // The header word and the units.
            for t in &tok {
                match t.to_ascii_uppercase().as_str() {
                    "METRIC" => metric = true,
                    "ENGLISH" => metric = false,
                    _ => {}
                }
            }
            continue;
        }
        if tok.len() > 6 {
            return Err(err(n, "rows of temperature, humidity and rain grids are not read: give wind grids only (Month Day HHMM speed direction [cloud])".into()));
        }
        if tok.len() < 5 {
            return Err(err(
                n,
                format!("{} values; a row is Month Day HHMM speed.asc direction.asc [cloud.asc]", tok.len()),
            ));
        }
        let num = |i: usize| tok[i].parse::<u32>().map_err(|_| err(n, format!("`{}` is not a whole number", tok[i])));
        let (m, d, hhmm) = (num(0)?, num(1)?, num(2)?);
        if m < last_month {
            year += 1;
        }
        last_month = m;
        let time = chrono::NaiveDate::from_ymd_opt(year, m, d)
            .and_then(|date| date.and_hms_opt(hhmm / 100, hhmm % 100, 0))
            .ok_or_else(|| err(n, format!("{m} {d} {hhmm:04} is not a date and time")))?;
        rows.push(AtmRow { line: n, time, speed: resolve(tok[3]), direction: resolve(tok[4]) });
    }
    if rows.is_empty() {
        return Err(Error::input(path.display(), "no rows of wind grids"));
    }
    Ok((rows, metric))
}

/// The year given to daily WEATHER_DATA / WIND_DATA tables, which have none (as FARSITE, a year that is not a
/// leap year; the year only places the sun).
pub const DAILY_WEATHER_YEAR: i32 = 2001;

/// Hourly weather (SI) from FARSITE's daily tables, as FARSITE makes it (FE2::HumTemp_Stu): temperature and
/// humidity follow a half sine from each day's minimum temperature (and maximum humidity) at its `MinTempHour` to
/// its maximum temperature (and minimum humidity) at `MaxTempHour`, and another half sine from there to the next
/// day's minimum (T = (Tmax + Tmin)/2 +- (Tmax - Tmin)/2 sin(pi (dt/span - 1/2)), dt the time since the last
/// extreme, span the time between the two); a day's rain falls evenly over its `PrecipStart`..`PrecipEnd` hours
/// (all day when they give no interval); wind speed, direction and cloud are each wind row's until the next.
/// WEATHER_DATA rows: `Mth Day Precip MinTempHour MaxTempHour MinTemp MaxTemp MaxHumidity MinHumidity Elevation
/// [PrecipStart PrecipEnd]`: English F and hundredths of an inch, Metric C and mm. WIND_DATA rows: `Mth Day HHMM
/// Speed Dir CloudCover`: English mph at 20 ft, Metric km/h at 10 m (taken to 20 ft by 1/1.15, as FARSITE does).
/// The rows carry no year: [`DAILY_WEATHER_YEAR`], the next one after December. Errors give the line and what is
/// wrong. Returns the rows and a note of what was made.
/// Hourly rows made from daily tables, the note saying how, and the values taken otherwise than written.
type Hourly = (Vec<RawsRow>, String, Vec<String>);

fn daily_to_hourly(
    weather: &[(usize, String)],
    wind: &[(usize, String)],
    weather_english: bool,
    wind_english: bool,
) -> std::result::Result<Hourly, (usize, String)> {
    let mut capped = Vec::new();
    let days = read_days(weather, weather_english, &mut capped)?;
    let winds = read_winds(wind, wind_english)?;
    let mut rows = Vec::new();
    for (k, day) in days.iter().enumerate() {
        let prev = &days[k.saturating_sub(1)];
        let next = &days[(k + 1).min(days.len() - 1)];
        let rain_hours: Vec<i64> = (0..24)
            .filter(|h| day.rain_to > day.rain_from && (day.rain_from..day.rain_to).contains(&(h * 60)))
            .collect();
        let rain_hours_n = if rain_hours.is_empty() { 24 } else { rain_hours.len() };
        for h in 0..24i64 {
            let (air_temp_c, rh_pct) = day.temperature_and_humidity(h * 60, prev, next);
            let in_rain = rain_hours.is_empty() || rain_hours.contains(&h);
            let precip_mm = if in_rain { day.rain_mm / rain_hours_n as f64 } else { 0.0 };
            let time = day.date.and_hms_opt(h as u32, 0, 0).expect("an hour");
            let w = winds.iter().rev().find(|w| w.time <= time).or(winds.first()).expect("wind rows");
            rows.push(RawsRow {
                line: weather[k].0,
                time,
                air_temp_c,
                rh_pct,
                precip_mm,
                wind_kmh: w.kmh,
                wind_from_deg: w.from_deg,
                cloud_pct: w.cloud_pct,
            });
        }
    }
    let note = format!(
        "WEATHER_DATA / WIND_DATA: {} days and {} wind rows made hourly as FARSITE does (sine between daily extremes); the tables carry no year: {} is used; their elevations are not used (no lapse rates yet)",
        days.len(),
        winds.len(),
        DAILY_WEATHER_YEAR
    );
    Ok((rows, note, capped))
}

/// A daily table's row of numbers: `want` gives the accepted counts; errors name line `ln` and the table.
fn numbers(ln: usize, row: &str, want: &[usize], what: &str) -> std::result::Result<Vec<f64>, (usize, String)> {
    let v: Vec<f64> = row
        .split_whitespace()
        .map(|t| {
            t.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or((ln, format!("{what} row: `{t}` is not a number")))
        })
        .collect::<std::result::Result<_, _>>()?;
    if !want.contains(&v.len()) {
        return Err((ln, format!("{what} row of {} values; {want:?} expected", v.len())));
    }
    Ok(v)
}

/// Dates of a table without years: [`DAILY_WEATHER_YEAR`], rolling over to the next year after December.
struct Dates {
    year: i32,
    last_month: u32,
}

impl Dates {
    fn new() -> Dates {
        Dates { year: DAILY_WEATHER_YEAR, last_month: 0 }
    }
    fn date(
        &mut self,
        ln: usize,
        m: f64,
        d: f64,
        what: &str,
    ) -> std::result::Result<chrono::NaiveDate, (usize, String)> {
        let (m, d) = (m as u32, d as u32);
        if m < self.last_month {
            self.year += 1;
        }
        self.last_month = m;
        chrono::NaiveDate::from_ymd_opt(self.year, m, d).ok_or((ln, format!("{what}: month {m} day {d} is not a date")))
    }
}

/// Minutes since midnight of an `HHMM` time.
fn minutes_of_hhmm(hhmm: f64) -> i64 {
    (hhmm as i64 / 100) * 60 + hhmm as i64 % 100
}

/// One WEATHER_DATA day in SI: extremes and their times (min of the day), rain and its interval.
struct Day {
    date: chrono::NaiveDate,
    rain_mm: f64,
    tmin_at: i64,
    tmax_at: i64,
    tmin: f64,
    tmax: f64,
    rh_max: f64,
    rh_min: f64,
    rain_from: i64,
    rain_to: i64,
}

impl Day {
    /// Temperature (C) and humidity (%) at minute `t` of the day: the half sine between the extremes around it
    /// (from the previous day's maximum before this day's minimum, to the next day's minimum after its maximum).
    fn temperature_and_humidity(&self, t: i64, prev: &Day, next: &Day) -> (f64, f64) {
        // (low, high extremes; time since the last extreme, time between the extremes; rising)
        let (tlow, thigh, hhigh, hlow, dt, span, rising) = if t >= self.tmin_at && t <= self.tmax_at {
            (self.tmin, self.tmax, self.rh_max, self.rh_min, t - self.tmin_at, self.tmax_at - self.tmin_at, true)
        } else if t > self.tmax_at {
            (
                next.tmin,
                self.tmax,
                next.rh_max,
                self.rh_min,
                t - self.tmax_at,
                1440 - self.tmax_at + next.tmin_at,
                false,
            )
        } else {
            (
                self.tmin,
                prev.tmax,
                self.rh_max,
                prev.rh_min,
                1440 - prev.tmax_at + t,
                1440 - prev.tmax_at + self.tmin_at,
                false,
            )
        };
        let s = (std::f64::consts::PI * (dt as f64 / span as f64 - 0.5)).sin();
        let sign = if rising { 1.0 } else { -1.0 };
        ((thigh + tlow) / 2.0 + sign * (thigh - tlow) / 2.0 * s, (hhigh + hlow) / 2.0 + sign * (hlow - hhigh) / 2.0 * s)
    }
}

/// The WEATHER_DATA rows as consecutive days; humidities over 99 % are capped as FARSITE does, each said in `capped`.
fn read_days(
    weather: &[(usize, String)],
    english: bool,
    capped: &mut Vec<String>,
) -> std::result::Result<Vec<Day>, (usize, String)> {
    let mut dates = Dates::new();
    let mut days = Vec::new();
    for (ln, row) in weather {
        let v = numbers(*ln, row, &[10, 12], "WEATHER_DATA")?;
        let c = |f: f64| if english { c_from_f(f) } else { f };
        let (tmin_at, tmax_at) = (minutes_of_hhmm(v[3]), minutes_of_hhmm(v[4]));
        if !(0..1440).contains(&tmin_at) || !(0..1440).contains(&tmax_at) || tmax_at <= tmin_at {
            return Err((*ln, format!("WEATHER_DATA: the minimum temperature's hour ({:04}) must come before the maximum's ({:04}) within the day", v[3], v[4])));
        }
        if v[5] > v[6] || v[8] > v[7] {
            return Err((*ln, "WEATHER_DATA: a minimum above its maximum".to_string()));
        }
        let (rain_from, rain_to) =
            if v.len() == 12 { (minutes_of_hhmm(v[10]), minutes_of_hhmm(v[11])) } else { (0, 0) };
        // FARSITE holds daily humidities at 99 % at most: say so where a row gives more.
        for (what, rh) in [("maximum", v[7]), ("minimum", v[8])] {
            if rh > 99.0 {
                capped.push(format!("WEATHER_DATA line {ln}: {what} humidity {rh} % taken as 99 % (FARSITE's limit)"));
            }
        }
        days.push(Day {
            date: dates.date(*ln, v[0], v[1], "WEATHER_DATA")?,
            // Hundredths of an inch to mm (25.4 mm per inch); Metric rows in mm (FARSITE's factor 3.93 to
            // hundredths of an inch).
            rain_mm: if english { v[2] * MM_PER_IN / 100.0 } else { v[2] },
            tmin_at,
            tmax_at,
            tmin: c(v[5]),
            tmax: c(v[6]),
            rh_max: v[7].min(99.0),
            rh_min: v[8].min(99.0),
            rain_from,
            rain_to,
        });
    }
    for w in days.windows(2) {
        if w[1].date != w[0].date.succ_opt().expect("a next day") {
            return Err((
                weather[0].0,
                format!("WEATHER_DATA: days must follow each other ({} then {})", w[0].date, w[1].date),
            ));
        }
    }
    Ok(days)
}

/// One WIND_DATA row: from its time on, the wind (km/h at 20 ft, degrees from) and cloud cover (%).
struct WindRow {
    time: chrono::NaiveDateTime,
    kmh: f64,
    from_deg: f64,
    cloud_pct: f64,
}

/// The WIND_DATA rows, in increasing time.
fn read_winds(wind: &[(usize, String)], english: bool) -> std::result::Result<Vec<WindRow>, (usize, String)> {
    let mut dates = Dates::new();
    let mut winds: Vec<WindRow> = Vec::new();
    for (ln, row) in wind {
        let v = numbers(*ln, row, &[6], "WIND_DATA")?;
        let date = dates.date(*ln, v[0], v[1], "WIND_DATA")?;
        let time = date.and_hms_opt(0, 0, 0).expect("midnight") + chrono::Duration::minutes(minutes_of_hhmm(v[2]));
        // mph at 20 ft to km/h; Metric km/h at 10 m to 20 ft by 1/1.15 (FARSITE's _WDSConver).
        let kmh = if english { v[3] * KM_PER_H_PER_MI_PER_H } else { wind_20ft_from_10m(v[3]) };
        if winds.last().is_some_and(|p| p.time >= time) {
            return Err((*ln, format!("WIND_DATA: times must increase ({time})")));
        }
        winds.push(WindRow { time, kmh, from_deg: v[4], cloud_pct: v[5] });
    }
    Ok(winds)
}

fn month_day_time(s: &str, year: i32) -> Option<NaiveDateTime> {
    let t: Vec<&str> = s.split_whitespace().collect();
    if t.len() != 3 {
        return None;
    }
    let (m, d, hhmm): (u32, u32, u32) = (t[0].parse().ok()?, t[1].parse().ok()?, t[2].parse().ok()?);
    chrono::NaiveDate::from_ymd_opt(year, m, d)?.and_hms_opt(hhmm / 100, hhmm % 100, 0)
}

impl FarsiteInput {
    /// Read and check a FARSITE inputs file. Errors name the file, line and keyword.
    pub fn read(path: &Path) -> Result<FarsiteInput> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let mut scan = Scan::of(path, &text)?;
        let raws_source = scan.read_raws_file(path)?;
        let (raws, english) = scan.weather_rows(path, raws_source.as_deref())?;
        let Some(first) = raws.first() else {
            return Err(Error::input(
                path.display(),
                "no RAWS weather rows: give RAWS_UNITS and RAWS: N with N hourly rows",
            ));
        };
        let (start, end) = scan.run_times(path, first.time)?;
        let burn_periods = burn_periods(path, &scan.burn_rows, start)?;
        // Feet in English units (RAWS_UNITS, or the daily tables' WEATHER_DATA_UNITS).
        let elevation_english = if scan.raws_lines.is_empty() { scan.weather_english } else { english };
        let raws_elevation_m = scan.raws_elevation.map(|z| if elevation_english { z * M_PER_FT } else { z });
        Ok(FarsiteInput {
            path: path.to_path_buf(),
            atm_file: scan.atm_file,
            custom_fuel_rows: scan.custom_fuel_rows,
            custom_fuels_english: scan.custom_fuels_english,
            raws_elevation_m,
            start,
            end,
            moisture_pct: scan.moisture_pct,
            model_moisture_pct: scan.model_moisture_pct,
            foliar_moisture_pct: scan.foliar,
            crown_fire_method: scan.crown,
            spot_probability: scan.spot_p,
            spot_delay_min: scan.spot_d,
            min_spot_distance_m: scan.spot_min,
            raws,
            burn_periods,
            ignored: scan.ignored,
            notes: scan.notes,
        })
    }

    /// Burn periods in minutes from the start of the fire (clock time).
    pub fn burn_periods_min(&self) -> Vec<(f64, f64)> {
        let m = |t: NaiveDateTime| (t - self.start).num_seconds() as f64 / S_PER_MIN;
        self.burn_periods.iter().map(|&(s, e)| (m(s), m(e))).collect()
    }

    /// Minutes from the start of the fire to the end.
    pub fn duration_min(&self) -> f64 {
        (self.end - self.start).num_seconds() as f64 / S_PER_MIN
    }
}
