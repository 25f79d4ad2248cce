//! Weather over time: a stream of rows (time, wind, optionally moistures), each applied from its time until the
//! next row's, uniform over the landscape.
//!
//! CSV columns (header required, any order; `#` starts a comment line):
//! `time_min` (or `time_h`), `wind_speed_kmh`, `wind_from_deg`, and optionally `m1h_pct, m10h_pct, m100h_pct,
//! mherb_pct, mwoody_pct` (all five or none). Rows without moistures keep the previous (or the run's) ones.
//!
//! Conditioned dead fuel moisture: a stream without moisture columns that gives `air_temp_c` and `rh_pct` (and
//! optionally `precip_mm`, the rain of the interval ending at the row, and `solar_w_m2`; or `cloud_pct` with the
//! row's local clock time in `valid_time` (RFC 3339), from which the radiation is derived as FARSITE does at the
//! landscape's latitude ([`crate::physics::moisture::clear_sky_radiation_w_m2`]); else 0) conditions
//! the 1-h, 10-h and 100-h moistures through its rows with Nelson's model ([`crate::physics::moisture`]), from the
//! run's moistures at time 0: each period burns with the sticks' moisture at its start. Live moistures stay the
//! run's.

pub mod conditioning;
pub mod forecast;
mod table;

use std::path::Path;

use crate::csv_rows::{self, Table};
use crate::error::{Error, Result};
use crate::physics::behavior::{Weather, WindHeight};
use crate::quantity;
use crate::units::{MIN_PER_H, M_PER_MIN_PER_KM_PER_H, M_PER_MIN_PER_MI_PER_H, M_PER_MIN_PER_M_PER_S, S_PER_MIN};

/// One row of a weather CSV (extra columns, such as the gridded wind's, are read separately).
#[derive(Clone, Default, serde::Deserialize)]
pub(crate) struct WeatherRow {
    time_min: Option<f64>,
    time_h: Option<f64>,
    wind_speed_kmh: Option<f64>,
    wind_from_deg: Option<f64>,
    m1h_pct: Option<f64>,
    m10h_pct: Option<f64>,
    m100h_pct: Option<f64>,
    mherb_pct: Option<f64>,
    mwoody_pct: Option<f64>,
    air_temp_c: Option<f64>,
    rh_pct: Option<f64>,
    precip_mm: Option<f64>,
    solar_w_m2: Option<f64>,
    cloud_pct: Option<f64>,
    valid_time: Option<String>,
}

/// Every column a weather CSV may have: [`WeatherRow`]'s and the gridded wind's.
pub const WEATHER_COLUMNS: [&str; 18] = [
    "time_min",
    "time_h",
    "wind_speed_kmh",
    "wind_from_deg",
    "m1h_pct",
    "m10h_pct",
    "m100h_pct",
    "mherb_pct",
    "mwoody_pct",
    "air_temp_c",
    "rh_pct",
    "precip_mm",
    "solar_w_m2",
    "cloud_pct",
    "valid_time",
    "wind_speed_raster",
    "wind_from_raster",
    "wind_raster_units",
];

/// The gridded-wind columns of a weather CSV row.
#[derive(serde::Deserialize)]
struct WindRasterRow {
    wind_speed_raster: Option<String>,
    wind_from_raster: Option<String>,
    wind_raster_units: Option<String>,
}

/// When a time-stamped stream's fire starts and its fuels start conditioning.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StreamTimes {
    /// Clock time of the start of the fire: rows are re-timed from it by their `valid_time` (default: the stream's
    /// own time 0).
    pub fire_start: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Where the dead fuels start conditioning from the initial moistures (FlamMap's conditioning period): rows
    /// before it are not used (default: the stream's first row).
    pub conditioning_start: Option<ConditioningStart>,
}

/// The start of the conditioning period.
#[derive(Clone, Debug, PartialEq)]
pub enum ConditioningStart {
    /// A clock time (matched against the rows' `valid_time`).
    At(chrono::DateTime<chrono::FixedOffset>),
    /// Minutes before the start of the fire.
    Before(f64),
}

impl ConditioningStart {
    /// An RFC 3339 time, or a duration before the fire (`48h`, `2days`); `what` names it in errors.
    pub fn parse(s: &str, what: &str) -> Result<ConditioningStart> {
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s.trim()) {
            return Ok(ConditioningStart::At(t));
        }
        let m = quantity::duration_min(s, what).map_err(|_| {
            Error::value(
                what,
                format!("`{s}`"),
                "give an RFC 3339 time (2024-03-12T00:00:00+09:00) or a duration before the fire (48h)",
            )
        })?;
        Ok(ConditioningStart::Before(m))
    }
}

/// Gridded wind per weather period (`None`: the period's uniform wind).
pub type WindGrids = Vec<Option<std::sync::Arc<WindGrid>>>;

/// One period of constant weather starting at `start_min`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Period {
    pub start_min: f64,
    pub weather: Weather,
}

/// Weather periods in time order; the first starts at 0.
#[derive(Clone, Debug, PartialEq)]
pub struct WeatherStream {
    pub periods: Vec<Period>,
}

impl WeatherStream {
    /// Constant weather for the whole run.
    pub fn constant(w: Weather) -> WeatherStream {
        WeatherStream { periods: vec![Period { start_min: 0.0, weather: w }] }
    }

    /// Index of the period in force at time `t_min`.
    pub fn period_at(&self, t_min: f64) -> usize {
        self.periods.iter().rposition(|p| p.start_min <= t_min).unwrap_or(0)
    }

    /// Read a weather CSV. `base` supplies the wind height and the moistures of rows that give none.
    pub fn from_csv(path: &Path, base: &Weather) -> Result<WeatherStream> {
        Self::from_csv_noted(path, base, None).map(|(s, _)| s)
    }

    /// [`WeatherStream::from_csv`] at latitude `lat_deg` (for radiation derived from cloud cover and clock time),
    /// with what it did (moistures conditioned, and how).
    pub fn from_csv_noted(path: &Path, base: &Weather, lat_deg: Option<f64>) -> Result<(WeatherStream, Vec<String>)> {
        Self::from_csv_timed(path, base, lat_deg, &StreamTimes::default())
    }

    /// [`WeatherStream::from_csv_noted`] with the fire's start and the conditioning period's start ([`StreamTimes`]).
    pub fn from_csv_timed(
        path: &Path,
        base: &Weather,
        lat_deg: Option<f64>,
        times: &StreamTimes,
    ) -> Result<(WeatherStream, Vec<String>)> {
        Self::from_file(path, None, base, lat_deg, times, &mut Vec::new())
    }

    /// [`WeatherStream::from_csv_timed`], also giving the station's observations of a conditioning stream (for
    /// conditioning per class of cells, [`conditioning`]).
    /// `farsite`: the stream's FARSITE inputs file already parsed (a `.input` stream), else it is read here.
    pub fn from_file(
        path: &Path,
        farsite: Option<&crate::farsite::FarsiteInput>,
        base: &Weather,
        lat_deg: Option<f64>,
        times: &StreamTimes,
        obs_out: &mut Vec<conditioning::RowObs>,
    ) -> Result<(WeatherStream, Vec<String>)> {
        if forecast::is_forecast(path) {
            return Err(Error::input(
                path.display(),
                "a gridded forecast (GRIB2, NetCDF) is warped onto a landscape: give it as the run's weather stream (`--weather`, `[weather] stream`)",
            ));
        }
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("input")) {
            let read;
            let input = match farsite {
                Some(i) => i,
                None => {
                    read = crate::farsite::FarsiteInput::read(path)?;
                    &read
                }
            };
            if times.fire_start.is_some() {
                return Err(Error::input(
                    path.display(),
                    "FARSITE_START_TIME gives the start of the fire: no other start",
                ));
            }
            let rows =
                input.raws.iter().map(|r| si_row(r, (r.time - input.start).num_seconds() as f64 / S_PER_MIN)).collect();
            let base = Weather { wind_height: WindHeight::TwentyFt, ..*base };
            let mut table = Table { headers: si_headers(), rows };
            let mut notes = retime(path, &mut table, times)?;
            let (stream, more) = Self::from_table(path, table, &base, lat_deg, obs_out)?;
            notes.extend(more);
            return Ok((stream, notes));
        }
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("wxs")) {
            let (mut table, mut notes) = read_wxs(path)?;
            notes.extend(retime(path, &mut table, times)?);
            let base = Weather { wind_height: WindHeight::TwentyFt, ..*base };
            let (stream, more) = Self::from_table(path, table, &base, lat_deg, obs_out)?;
            notes.extend(more);
            return Ok((stream, notes));
        }
        let mut table: Table<WeatherRow> = csv_rows::read(path, "row")?;
        let mut notes = csv_rows::columns_note(path, &table.headers, &WEATHER_COLUMNS);
        notes.extend(retime(path, &mut table, times)?);
        let (stream, more) = Self::from_table(path, table, base, lat_deg, obs_out)?;
        notes.extend(more);
        Ok((stream, notes))
    }

    /// A gridded forecast (GRIB2, NetCDF; [`forecast`]) on `grid`: the stream (10-m wind, dead fuels conditioned by
    /// its temperature, humidity, rain and cloud from `base`'s moistures), each period's wind grid, and notes.
    pub fn from_forecast(
        path: &Path,
        base: &Weather,
        grid: &crate::landscape::Grid,
        times: &StreamTimes,
    ) -> Result<(WeatherStream, WindGrids, Vec<String>, Vec<conditioning::RowObs>)> {
        let (mut table, mut grids, mut notes) = forecast::read(path, grid)?;
        let before = table.rows.len();
        notes.extend(retime(path, &mut table, times)?);
        // Rows dropped before the conditioning start take their wind grids with them.
        grids.drain(..before - table.rows.len());
        let lat = grid.centre_lonlat().ok().map(|c| c.1);
        let base = Weather { wind_height: WindHeight::TenM, ..*base };
        let mut obs = Vec::new();
        let (stream, more) = Self::from_table(path, table, &base, lat, &mut obs)?;
        notes.extend(more);
        Ok((stream, grids, notes, obs))
    }

    /// Wind height of the stream.
    pub fn wind_height(&self) -> WindHeight {
        self.periods[0].weather.wind_height
    }
}

/// Apply [`StreamTimes`] to a weather table: re-time the rows from the fire's start by their `valid_time`, and
/// drop the rows before the conditioning start. Returns notes of what it did.
fn retime(path: &Path, table: &mut Table<WeatherRow>, times: &StreamTimes) -> Result<Vec<String>> {
    let err = |msg: String| Error::input(path.display(), msg);
    let mut notes = Vec::new();
    if times.fire_start.is_none() && times.conditioning_start.is_none() {
        return Ok(notes);
    }
    let valid = |row: usize, r: &WeatherRow| -> Result<chrono::DateTime<chrono::FixedOffset>> {
        let v = r.valid_time.as_deref().ok_or_else(|| {
            err(format!("row {row}: no `valid_time`; a start given as a clock time needs the rows' clock times"))
        })?;
        chrono::DateTime::parse_from_rfc3339(v.trim())
            .map_err(|e| err(format!("row {row}, column `valid_time`: `{v}` is not an RFC 3339 time ({e})")))
    };
    if let Some(start) = times.fire_start {
        for (row, r) in table.rows.iter_mut() {
            let t = valid(*row, r)?;
            r.time_min = Some((t - start).num_seconds() as f64 / S_PER_MIN);
            r.time_h = None;
        }
        if !table.has("time_min") {
            table.headers.push("time_min".into());
        }
        table.headers.retain(|h| h != "time_h");
        // A start between rows: the row in force then also starts the fire (the weather is a step function).
        let at_zero = table.rows.iter().any(|(_, r)| r.time_min == Some(0.0));
        if let Some(k) = table.rows.iter().rposition(|(_, r)| r.time_min.is_some_and(|t| t < 0.0)) {
            if !at_zero && k + 1 < table.rows.len() {
                let (row, mut r) = table.rows[k].clone();
                r.time_min = Some(0.0);
                table.rows.insert(k + 1, (row, r));
            }
        }
        notes.push(format!("{}: the fire starts at {start}; rows re-timed from it", path.display()));
    }
    let Some(cs) = &times.conditioning_start else { return Ok(notes) };
    let time_of = |r: &WeatherRow| r.time_min.or(r.time_h.map(|h| h * MIN_PER_H));
    let cs_min = match cs {
        ConditioningStart::Before(m) => -m,
        ConditioningStart::At(t) => {
            let Some((row, r)) = table.rows.first() else { return Ok(notes) };
            let t0 = time_of(r).ok_or_else(|| err(format!("row {row}: no time")))?;
            t0 + (*t - valid(*row, r)?).num_seconds() as f64 / S_PER_MIN
        }
    };
    if cs_min > 0.0 {
        return Err(err(format!("conditioning_start is {:.0} min after the start of the fire", cs_min)));
    }
    let first = table.rows.first().and_then(|(_, r)| time_of(r)).unwrap_or(0.0);
    if cs_min < first - 1e-9 {
        return Err(err(format!(
            "conditioning_start is {:.1} h before the fire, but the stream starts {:.1} h before it",
            -cs_min / MIN_PER_H,
            -first / MIN_PER_H
        )));
    }
    let n = table.rows.len();
    table.rows.retain(|(_, r)| time_of(r).is_some_and(|t| t >= cs_min - 1e-9));
    notes.push(format!(
        "{}: conditioning starts {:.1} h before the fire ({} earlier rows not used)",
        path.display(),
        -cs_min / MIN_PER_H,
        n - table.rows.len()
    ));
    Ok(notes)
}

/// The columns of a weather table read from a FARSITE file.
fn si_headers() -> Vec<String> {
    ["time_min", "wind_speed_kmh", "wind_from_deg", "air_temp_c", "rh_pct", "precip_mm", "cloud_pct", "valid_time"]
        .map(String::from)
        .to_vec()
}

/// One row of a weather table from a RAWS row, `time_min` from the start (its clock time gives the radiation).
fn si_row(r: &crate::farsite::RawsRow, time_min: f64) -> (usize, WeatherRow) {
    (
        r.line,
        WeatherRow {
            time_min: Some(time_min),
            time_h: None,
            wind_speed_kmh: Some(r.wind_kmh),
            wind_from_deg: Some(r.wind_from_deg),
            m1h_pct: None,
            m10h_pct: None,
            m100h_pct: None,
            mherb_pct: None,
            mwoody_pct: None,
            air_temp_c: Some(r.air_temp_c),
            rh_pct: Some(r.rh_pct),
            precip_mm: Some(r.precip_mm),
            solar_w_m2: None,
            cloud_pct: Some(r.cloud_pct),
            valid_time: Some(r.time.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
        },
    )
}

/// A FARSITE / FlamMap weather stream (.wxs): `RAWS_ELEVATION: E`, `RAWS_UNITS: English|Metric`, an optional
/// `RAWS: N` count, an optional header line of column names, then rows `Year Mth Day Time Temp RH HrlyPcp WindSpd
/// WindDir CloudCov` (Time as HHMM). English: F, inches, mph; Metric: C, mm, km/h; winds at 20 ft, as FARSITE
/// reads them. Read into the weather CSV's columns (SI): times from the first row, `valid_time` the row's clock
/// time, so that radiation is derived from cloud cover; rows are numbered by their line in the file.
fn read_wxs(path: &Path) -> Result<(Table<WeatherRow>, Vec<String>)> {
    let err = |line: usize, msg: String| Error::input(path.display(), format!("line {line}: {msg}"));
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut english = None;
    let mut rows = Vec::new();
    let mut t0: Option<chrono::NaiveDateTime> = None;
    for (k, raw) in text.lines().enumerate() {
        let n = k + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((key, value)) = line.split_once(':') {
            match key.trim().to_ascii_uppercase().as_str() {
                "RAWS_UNITS" => {
                    english = Some(match value.trim().to_ascii_lowercase().as_str() {
                        "english" => true,
                        "metric" => false,
                        o => return Err(err(n, format!("RAWS_UNITS `{o}`: use English or Metric"))),
                    })
                }
                "RAWS_ELEVATION" | "RAWS" | "RAWS_COUNT" => {}
                o => return Err(err(n, format!("unknown keyword `{o}`"))),
            }
            continue;
        }
        if line.split_whitespace().next().is_some_and(|t| t.parse::<f64>().is_err()) {
            continue; // the column-name header
        }
        let english =
            english.ok_or_else(|| err(n, "RAWS_UNITS (English or Metric) must come before the rows".into()))?;
        let r = crate::farsite::raws_row(n, line, english).map_err(|m| err(n, m))?;
        let start = *t0.get_or_insert(r.time);
        rows.push(si_row(&r, (r.time - start).num_seconds() as f64 / S_PER_MIN));
    }
    if rows.is_empty() {
        return Err(Error::input(path.display(), "no weather rows"));
    }
    let headers = si_headers();
    let notes = vec![format!(
        "{}: FARSITE weather stream of {} rows ({} units, winds at 20 ft), from {}",
        path.display(),
        rows.len(),
        if english == Some(true) { "English" } else { "Metric" },
        t0.map(|t| t.to_string()).unwrap_or_default()
    )];
    Ok((Table { headers, rows }, notes))
}

/// Wind over the landscape for one weather period, from gridded wind rasters (as WindNinja writes: one speed and
/// one direction raster per time step), on the landscape's grid. NaN where the rasters have no data: the period's
/// uniform wind applies there.
#[derive(Debug)]
pub struct WindGrid {
    /// Wind speed at the stream's wind height, m/min.
    pub speed_m_per_min: Vec<f32>,
    /// Direction the wind blows from, degrees.
    pub from_deg: Vec<f32>,
}

/// Gridded winds of a weather CSV, one entry per row (period): the optional columns `wind_speed_raster` and
/// `wind_from_raster` (paths relative to the CSV; any raster GDAL reads, any CRS) and `wind_raster_units` (`kmh`,
/// the default, `mph` or `mps`, for the speed raster). Speed is warped bilinearly, direction by nearest neighbour.
pub fn wind_grids_from_csv(
    path: &Path,
    grid: &crate::landscape::Grid,
) -> Result<Vec<Option<std::sync::Arc<WindGrid>>>> {
    let err = |msg: String| Error::input(path.display(), msg);
    let table: Table<WindRasterRow> = csv_rows::read(path, "row")?;
    let base = path.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    for (row, r) in &table.rows {
        let row = *row;
        let get = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let (sc, dc, uc) = (get(&r.wind_speed_raster), get(&r.wind_from_raster), get(&r.wind_raster_units));
        match (sc.as_deref(), dc.as_deref()) {
            (None, None) => out.push(None),
            (Some(s), Some(d)) => {
                let scale = match uc.as_deref().unwrap_or("kmh").to_ascii_lowercase().as_str() {
                    "kmh" | "km/h" => M_PER_MIN_PER_KM_PER_H,
                    "mph" => M_PER_MIN_PER_MI_PER_H,
                    "mps" | "m/s" => M_PER_MIN_PER_M_PER_S,
                    o => {
                        return Err(err(format!("row {row}, column `wind_raster_units`: `{o}` (use kmh, mph or mps)")))
                    }
                };
                let speed = warp_to_grid(&base.join(s), grid, "bilinear", row, "wind_speed_raster")?;
                let from = warp_to_grid(&base.join(d), grid, "near", row, "wind_from_raster")?;
                if let Some(v) = speed.iter().find(|v| v.is_finite() && (**v < 0.0 || **v > 400.0)) {
                    return Err(err(format!("row {row}, column `wind_speed_raster`: speed {v} is implausible")));
                }
                out.push(Some(std::sync::Arc::new(WindGrid {
                    speed_m_per_min: speed.iter().map(|v| (*v as f64 * scale) as f32).collect(),
                    from_deg: from.iter().map(|v| if v.is_finite() { v.rem_euclid(360.0) } else { f32::NAN }).collect(),
                })));
            }
            _ => {
                return Err(err(format!("row {row}: give both `wind_speed_raster` and `wind_from_raster`, or neither")))
            }
        }
    }
    Ok(out)
}

/// Gridded winds of a FARSITE inputs file's `FARSITE_ATM_FILE`, one entry per RAWS row (the ATM row in force at the
/// row's time; none before the first): speed warped bilinearly, direction by nearest neighbour, each grid once.
pub fn wind_grids_from_atm(
    input: &crate::farsite::FarsiteInput,
    grid: &crate::landscape::Grid,
) -> Result<(WindGrids, Vec<String>)> {
    let Some(atm) = &input.atm_file else { return Ok((Vec::new(), Vec::new())) };
    let year = input.raws.first().map_or(2000, |r| chrono::Datelike::year(&r.time));
    let (rows, metric) = crate::farsite::read_atm(atm, year)?;
    let scale = if metric { M_PER_MIN_PER_KM_PER_H } else { M_PER_MIN_PER_MI_PER_H };
    let mut warped: Vec<Option<std::sync::Arc<WindGrid>>> = vec![None; rows.len()];
    let mut out = Vec::with_capacity(input.raws.len());
    let mut used = 0;
    for r in &input.raws {
        let Some(k) = rows.iter().rposition(|a| a.time <= r.time) else {
            out.push(None);
            continue;
        };
        if warped[k].is_none() {
            let a = &rows[k];
            let speed = warp_to_grid(&a.speed, grid, "bilinear", a.line, "speed")?;
            let from = warp_to_grid(&a.direction, grid, "near", a.line, "direction")?;
            warped[k] = Some(std::sync::Arc::new(WindGrid {
                speed_m_per_min: speed.iter().map(|v| (*v as f64 * scale) as f32).collect(),
                from_deg: from.iter().map(|v| if v.is_finite() { v.rem_euclid(360.0) } else { f32::NAN }).collect(),
            }));
            used += 1;
        }
        out.push(warped[k].clone());
    }
    let note = format!(
        "{}: gridded winds from {} ({} of its {} times used; {}, 20 ft)",
        input.path.display(),
        atm.display(),
        used,
        rows.len(),
        if metric { "km/h" } else { "mph" }
    );
    Ok((out, vec![note]))
}

/// A raster warped onto `grid` (NaN where it has no data).
fn warp_to_grid(
    path: &Path,
    grid: &crate::landscape::Grid,
    resampling: &str,
    row: usize,
    column: &str,
) -> Result<Vec<f32>> {
    let bad = |msg: String| Error::input(path.display(), format!("(row {row}, column `{column}`) {msg}"));
    if !path.exists() {
        return Err(bad("file not found".into()));
    }
    let ds = gdal::Dataset::open(path).map_err(|e| bad(format!("GDAL cannot open it: {e}")))?;
    if ds.spatial_ref().is_err() {
        return Err(bad("the raster has no CRS (a WindNinja .asc needs its .prj beside it)".into()));
    }
    let warped = crate::landscape::warp_onto(&ds, grid, resampling)
        .map_err(|e| bad(format!("cannot warp it onto the landscape: {e}")))?;
    let band = warped.rasterband(1)?;
    let buf = band.read_as::<f32>((0, 0), (grid.cols, grid.rows), (grid.cols, grid.rows), None)?;
    Ok(buf.data().to_vec())
}
