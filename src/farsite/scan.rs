//! Scanning a FARSITE .input file: its keyword lines and blocks ([`Scan`]), then its weather rows, run times and
//! burn periods, each error naming the file and line.

use std::path::Path;

use chrono::NaiveDateTime;

use super::{beside, daily_to_hourly, month_day_time, raws_row, read_fms, RawsRow};
use crate::error::{Error, Result};

/// An error at `line` of the .input file `path`.
fn line_err(path: &Path, line: usize, msg: String) -> Error {
    Error::input(path.display(), format!("line {line}: {msg}"))
}

/// A number of a `KEYWORD: value` line.
fn number(path: &Path, line: usize, key: &str, v: &str) -> Result<f64> {
    v.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| line_err(path, line, format!("{key} `{}` is not a number", v.trim())))
}

/// English (true) or Metric (false), as FARSITE's unit keywords give them.
fn english_units(path: &Path, line: usize, key: &str, value: &str) -> Result<bool> {
    match value.to_ascii_lowercase().as_str() {
        "english" => Ok(true),
        "metric" => Ok(false),
        _ => Err(line_err(path, line, format!("{key} `{value}`: English or Metric"))),
    }
}

/// The lines of a .input file, read one by one; a block keyword takes the rows after it.
struct Cursor<'a> {
    lines: Vec<&'a str>,
    i: usize,
}

impl Cursor<'_> {
    /// The `count` non-blank rows after the keyword of line `n` (line number, row).
    fn block(&mut self, path: &Path, n: usize, key: &str, count: &str) -> Result<Vec<(usize, String)>> {
        let c =
            count.parse::<usize>().map_err(|_| line_err(path, n, format!("{key}: `{count}` is not a row count")))?;
        let mut rows = Vec::with_capacity(c);
        while rows.len() < c {
            let Some(l) = self.lines.get(self.i) else {
                return Err(line_err(path, n, format!("{key}: {c} rows announced, {} found", rows.len())));
            };
            self.i += 1;
            if !l.trim().is_empty() {
                rows.push((self.i, l.trim().to_string()));
            }
        }
        Ok(rows)
    }

    /// Skip the rows of a block Emberfall does not read (a count, then rows without a keyword); returns how many.
    fn skip_block(&mut self, value: &str) -> usize {
        let mut rows = 0;
        if let Ok(c) = value.parse::<usize>() {
            while rows < c && self.lines.get(self.i).is_some_and(|l| !l.contains(':')) {
                self.i += 1;
                rows += 1;
            }
        }
        rows
    }
}

/// What the keyword lines of a .input file say, before its weather, times and burn periods are built.
pub(super) struct Scan {
    pub(super) start_s: Option<(usize, String)>,
    pub(super) end_s: Option<(usize, String)>,
    pub(super) moisture_pct: Option<[f64; 5]>,
    pub(super) model_moisture_pct: Vec<(u16, [f64; 5])>,
    pub(super) foliar: Option<f64>,
    pub(super) crown: Option<String>,
    pub(super) spot_p: Option<f64>,
    pub(super) spot_d: Option<f64>,
    pub(super) spot_min: Option<f64>,
    pub(super) english: Option<bool>,
    pub(super) raws_lines: Vec<(usize, String)>,
    pub(super) burn_rows: Vec<(usize, String)>,
    pub(super) raws_elevation: Option<f64>,
    pub(super) custom_fuel_rows: Vec<(usize, String)>,
    pub(super) custom_fuels_english: bool,
    pub(super) raws_file: Option<(usize, String)>,
    pub(super) atm_file: Option<std::path::PathBuf>,
    pub(super) weather_lines: Vec<(usize, String)>,
    pub(super) wind_lines: Vec<(usize, String)>,
    pub(super) weather_english: bool,
    pub(super) wind_english: bool,
    pub(super) ignored: Vec<String>,
    pub(super) notes: Vec<String>,
}

impl Scan {
    /// Read every `KEYWORD: value` line (and the rows of its block) of `text`, the file `path`.
    pub(super) fn of(path: &Path, text: &str) -> Result<Scan> {
        let mut scan = Scan {
            start_s: None,
            end_s: None,
            moisture_pct: None,
            model_moisture_pct: Vec::new(),
            foliar: None,
            crown: None,
            spot_p: None,
            spot_d: None,
            spot_min: None,
            english: None,
            raws_lines: Vec::new(),
            burn_rows: Vec::new(),
            raws_elevation: None,
            custom_fuel_rows: Vec::new(),
            custom_fuels_english: true,
            raws_file: None,
            atm_file: None,
            weather_lines: Vec::new(),
            wind_lines: Vec::new(),
            weather_english: true,
            wind_english: true,
            ignored: Vec::new(),
            notes: Vec::new(),
        };
        let mut cur = Cursor { lines: text.lines().collect(), i: 0 };
        while cur.i < cur.lines.len() {
            let n = cur.i + 1;
            let line = cur.lines[cur.i].trim();
            cur.i += 1;
            if line.is_empty() || line.starts_with('#') || line.to_ascii_uppercase().starts_with("FARSITE INPUTS FILE")
            {
                continue;
            }
            let Some((key, value)) = line.split_once(':') else {
                return Err(line_err(path, n, format!("`{line}` is not a `KEYWORD: value` line")));
            };
            scan.keyword(path, &mut cur, n, &key.trim().to_ascii_uppercase(), value.trim())?;
        }
        Ok(scan)
    }

    /// One keyword line `n`: its value, or the rows of its block from `cur`.
    fn keyword(&mut self, path: &Path, cur: &mut Cursor, n: usize, key: &str, value: &str) -> Result<()> {
        match key {
            "FARSITE_START_TIME" => self.start_s = Some((n, value.to_string())),
            "FARSITE_END_TIME" => self.end_s = Some((n, value.to_string())),
            "FOLIAR_MOISTURE_CONTENT" => self.foliar = Some(number(path, n, key, value)?),
            "CROWN_FIRE_METHOD" => {
                self.crown = Some(match value.to_ascii_lowercase().as_str() {
                    "finney" => "Finney".to_string(),
                    "scottreinhardt" | "scott_reinhardt" | "scott-reinhardt" => "ScottReinhardt".to_string(),
                    _ => {
                        return Err(line_err(path, n, format!("CROWN_FIRE_METHOD `{value}`: Finney or ScottReinhardt")))
                    }
                })
            }
            "FARSITE_SPOT_PROBABILITY" => self.spot_p = Some(number(path, n, key, value)?),
            "FARSITE_SPOT_IGNITION_DELAY" => self.spot_d = Some(number(path, n, key, value)?),
            "FARSITE_MINIMUM_SPOT_DISTANCE" => self.spot_min = Some(number(path, n, key, value)?),
            "RAWS_UNITS" => self.english = Some(english_units(path, n, key, value)?),
            "RAWS" => self.raws_lines.extend(cur.block(path, n, key, value)?),
            "FUEL_MOISTURES_DATA" => {
                for (ln, row) in cur.block(path, n, key, value)? {
                    let (model, m) = fuel_moisture_row(path, ln, &row)?;
                    if model == 0 || self.moisture_pct.is_none() {
                        self.moisture_pct = Some(m);
                    }
                    if model != 0 {
                        self.model_moisture_pct.push((model, m));
                    }
                }
            }
            "FUEL_MOISTURES_FILE" => {
                let file = beside(path, value);
                let rows = read_fms(&file).map_err(|e| line_err(path, n, format!("FUEL_MOISTURES_FILE: {e}")))?;
                for (model, m) in rows {
                    if model == 0 {
                        self.moisture_pct = Some(m);
                    } else {
                        self.model_moisture_pct.push((model, m));
                    }
                }
            }
            "FARSITE_BURN_PERIODS" => self.burn_rows.extend(cur.block(path, n, key, value)?),
            "WEATHER_DATA" => self.weather_lines.extend(cur.block(path, n, key, value)?),
            "WIND_DATA" => self.wind_lines.extend(cur.block(path, n, key, value)?),
            "WEATHER_DATA_UNITS" => self.weather_english = english_units(path, n, key, value)?,
            "WIND_DATA_UNITS" => self.wind_english = english_units(path, n, key, value)?,
            "RAWS_ELEVATION" => self.raws_elevation = Some(number(path, n, key, value)?),
            "CUSTOM_FUELS_DATA" => self.custom_fuel_rows.extend(cur.block(path, n, key, value)?),
            "CUSTOM_FUELS_UNITS" => self.custom_fuels_english = !value.eq_ignore_ascii_case("metric"),
            "RAWS_FILE" => self.raws_file = Some((n, value.to_string())),
            "FARSITE_ATM_FILE" => self.atm_file = Some(beside(path, value)),
            _ => {
                let rows = cur.skip_block(value);
                let what = if rows > 0 { format!(" ({rows} rows)") } else { String::new() };
                self.ignored.push(format!("{key} {value}{what}: not used by Emberfall's raster spread"))
            }
        }
        Ok(())
    }

    /// Weather in a file of its own (RAWS_FILE: a .raws / .wxs stream), relative to this file's folder or to the
    /// working folder (as FARSITE's examples write it): its rows join the RAWS rows. Returns the file.
    pub(super) fn read_raws_file(&mut self, path: &Path) -> Result<Option<std::path::PathBuf>> {
        let Some((n, f)) = self.raws_file.clone() else { return Ok(None) };
        if !self.raws_lines.is_empty() {
            return Err(line_err(path, n, "RAWS_FILE and RAWS rows: give one".into()));
        }
        let file = beside(path, &f);
        let text = std::fs::read_to_string(&file)
            .map_err(|e| line_err(path, n, format!("RAWS_FILE {}: cannot read it ({e})", file.display())))?;
        for (k, l) in text.lines().enumerate() {
            let t = l.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            if let Some((key, value)) = t.split_once(':') {
                match key.trim().to_ascii_uppercase().as_str() {
                    "RAWS_UNITS" => self.english = Some(!value.trim().eq_ignore_ascii_case("metric")),
                    "RAWS_ELEVATION" => {
                        self.raws_elevation = self.raws_elevation.or(value.trim().parse::<f64>().ok());
                    }
                    _ => {}
                }
                continue;
            }
            if t.split_whitespace().next().is_some_and(|w| w.parse::<f64>().is_err()) {
                continue; // a column-name header
            }
            self.raws_lines.push((k + 1, t.to_string()));
        }
        Ok(Some(file))
    }

    /// The hourly weather rows (from RAWS rows, or from the daily WEATHER_DATA and WIND_DATA tables) and whether
    /// the RAWS units are English.
    pub(super) fn weather_rows(&mut self, path: &Path, raws_source: Option<&Path>) -> Result<(Vec<RawsRow>, bool)> {
        let english = match (self.english, self.raws_lines.is_empty()) {
            (Some(e), _) => e,
            (None, true) => true,
            (None, false) => {
                return Err(Error::input(path.display(), "RAWS rows without RAWS_UNITS (English or Metric)"))
            }
        };
        let rows = match (self.raws_lines.is_empty(), self.weather_lines.is_empty() && self.wind_lines.is_empty()) {
            (false, false) => {
                return Err(Error::input(
                    path.display(),
                    "give hourly RAWS rows or daily WEATHER_DATA and WIND_DATA tables, not both",
                ))
            }
            (true, false) => {
                if self.weather_lines.is_empty() || self.wind_lines.is_empty() {
                    return Err(Error::input(path.display(), "daily weather needs both WEATHER_DATA and WIND_DATA"));
                }
                let (rows, note, capped) =
                    daily_to_hourly(&self.weather_lines, &self.wind_lines, self.weather_english, self.wind_english)
                        .map_err(|(ln, m)| line_err(path, ln, m))?;
                self.ignored.push(note);
                self.notes.extend(capped);
                rows
            }
            _ => self
                .raws_lines
                .iter()
                .map(|(ln, row)| {
                    raws_row(*ln, row, english).map_err(|m| match raws_source {
                        Some(f) => Error::input(f.display(), format!("line {ln}: {m}")),
                        None => line_err(path, *ln, m),
                    })
                })
                .collect::<Result<Vec<_>>>()?,
        };
        Ok((rows, english))
    }

    /// FARSITE_START_TIME and FARSITE_END_TIME (M D HHMM) in the year of the first weather row at `first` (the
    /// next year when earlier than it), checked: the end after the start, the start not before the weather.
    pub(super) fn run_times(&self, path: &Path, first: NaiveDateTime) -> Result<(NaiveDateTime, NaiveDateTime)> {
        let year = first.date().format("%Y").to_string().parse::<i32>().unwrap_or(2000);
        let time_of = |what: &str, s: Option<(usize, String)>| -> Result<NaiveDateTime> {
            let (n, v) = s.ok_or_else(|| Error::input(path.display(), format!("no {what} (M D HHMM)")))?;
            let mut t = month_day_time(&v, year)
                .ok_or_else(|| line_err(path, n, format!("{what} `{v}`: expected M D HHMM")))?;
            if t < first {
                // A fire starting in January after December weather.
                t = month_day_time(&v, year + 1).unwrap_or(t);
            }
            Ok(t)
        };
        let start = time_of("FARSITE_START_TIME", self.start_s.clone())?;
        let end = time_of("FARSITE_END_TIME", self.end_s.clone())?;
        if end <= start {
            return Err(Error::input(
                path.display(),
                format!("FARSITE_END_TIME {end} is not after FARSITE_START_TIME {start}"),
            ));
        }
        if start < first {
            return Err(Error::input(
                path.display(),
                format!("FARSITE_START_TIME {start} is before the first RAWS row ({first})"),
            ));
        }
        Ok((start, end))
    }
}

/// A FUEL_MOISTURES_DATA row: model, then 1-h, 10-h, 100-h, live herbaceous and live woody moistures (percent).
fn fuel_moisture_row(path: &Path, ln: usize, row: &str) -> Result<(u16, [f64; 5])> {
    let v: Vec<f64> = row
        .split_whitespace()
        .map(|t| {
            t.parse::<f64>().map_err(|_| line_err(path, ln, format!("FUEL_MOISTURES_DATA row: `{t}` is not a number")))
        })
        .collect::<Result<_>>()?;
    if v.len() != 6 {
        return Err(line_err(
            path,
            ln,
            format!("FUEL_MOISTURES_DATA row of {} values; 6 expected: model 1h 10h 100h herb woody", v.len()),
        ));
    }
    Ok((v[0] as u16, [v[1], v[2], v[3], v[4], v[5]]))
}

/// FARSITE_BURN_PERIODS rows (month day HHMM HHMM) as clock intervals; a month and day before the start's fall in
/// the next year (FARSITE's rule); the end minute is included.
pub(super) fn burn_periods(
    path: &Path,
    rows: &[(usize, String)],
    start: NaiveDateTime,
) -> Result<Vec<(NaiveDateTime, NaiveDateTime)>> {
    use chrono::Datelike;
    let mut out = Vec::with_capacity(rows.len());
    for (ln, row) in rows {
        let err = |msg: String| line_err(path, *ln, msg);
        let v: Vec<u32> = row
            .split_whitespace()
            .map(|t| {
                t.parse::<u32>().map_err(|_| err(format!("FARSITE_BURN_PERIODS row: `{t}` is not a whole number")))
            })
            .collect::<Result<_>>()?;
        if v.len() != 4 {
            return Err(err(format!(
                "FARSITE_BURN_PERIODS row of {} values; 4 expected: month day HHMM HHMM",
                v.len()
            )));
        }
        let (m, d) = (v[0], v[1]);
        let y = if (m, d) < (start.month(), start.day()) { start.year() + 1 } else { start.year() };
        let day = chrono::NaiveDate::from_ymd_opt(y, m, d)
            .ok_or_else(|| err(format!("FARSITE_BURN_PERIODS: month {m} day {d} is not a date")))?;
        let at = |hhmm: u32, what: &str| -> Result<NaiveDateTime> {
            day.and_hms_opt(hhmm / 100, hhmm % 100, 0)
                .ok_or_else(|| err(format!("FARSITE_BURN_PERIODS: {what} {hhmm:04} is not a time HHMM")))
        };
        let (s0, e0) = (at(v[2], "start")?, at(v[3], "end")? + chrono::Duration::minutes(1));
        if e0 <= s0 {
            return Err(err(format!(
                "FARSITE_BURN_PERIODS: the period ends ({:04}) before it starts ({:04})",
                v[3], v[2]
            )));
        }
        out.push((s0, e0));
    }
    Ok(out)
}
