//! Weather over time: a stream of rows (time, wind, optionally moistures), each applied from its time until the
//! next row's, uniform over the landscape.
//!
//! CSV columns (header required, any order; `#` starts a comment line):
//! `time_min` (or `time_h`), `wind_speed_kmh`, `wind_from_deg`, and optionally `m1h_pct, m10h_pct, m100h_pct,
//! mherb_pct, mwoody_pct` (all five or none). Rows without moistures keep the previous (or the run's) ones.

use std::path::Path;

use crate::behavior::{Weather, WindHeight};
use crate::error::{Error, Result};
use crate::surface::Moisture;

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
        let err = |msg: String| Error::input(path.display(), msg);
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let mut rdr = csv::ReaderBuilder::new().comment(Some(b'#')).trim(csv::Trim::All).from_reader(text.as_bytes());
        let headers = rdr.headers().map_err(|e| err(format!("cannot read the header: {e}")))?.clone();
        let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
        let (time_col, time_scale) = match (col("time_min"), col("time_h")) {
            (Some(c), _) => (c, 1.0),
            (None, Some(c)) => (c, 60.0),
            _ => return Err(err("no `time_min` (or `time_h`) column".into())),
        };
        let speed_col = col("wind_speed_kmh").ok_or_else(|| err("no `wind_speed_kmh` column".into()))?;
        let dir_col = col("wind_from_deg").ok_or_else(|| err("no `wind_from_deg` column".into()))?;
        let mnames = ["m1h_pct", "m10h_pct", "m100h_pct", "mherb_pct", "mwoody_pct"];
        let mcols: Vec<Option<usize>> = mnames.iter().map(|n| col(n)).collect();
        let nm = mcols.iter().filter(|c| c.is_some()).count();
        if nm != 0 && nm != 5 {
            return Err(err(format!("give all five moisture columns ({}) or none", mnames.join(", "))));
        }
        let mut periods: Vec<Period> = Vec::new();
        let mut moisture = base.moisture;
        for (k, rec) in rdr.records().enumerate() {
            let row = k + 2;
            let rec = rec.map_err(|e| err(format!("row {row}: {e}")))?;
            let num = |c: usize, name: &str| -> Result<f64> {
                let s = rec.get(c).unwrap_or("");
                s.parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| err(format!("row {row}, column `{name}`: `{s}` is not a number")))
            };
            let t = num(time_col, headers.get(time_col).unwrap_or("time"))? * time_scale;
            let speed = num(speed_col, "wind_speed_kmh")?;
            let dir = num(dir_col, "wind_from_deg")?;
            if t < 0.0 {
                return Err(err(format!("row {row}: time {t} min is negative")));
            }
            if let Some(prev) = periods.last() {
                if t <= prev.start_min {
                    return Err(err(format!("row {row}: times must increase ({t} min after {} min)", prev.start_min)));
                }
            }
            if !(0.0..=300.0).contains(&speed) {
                return Err(err(format!("row {row}, column `wind_speed_kmh`: {speed} is outside 0..300")));
            }
            if nm == 5 {
                let mut v = [0.0; 5];
                for (i, c) in mcols.iter().enumerate() {
                    v[i] = num(c.unwrap(), mnames[i])?;
                    let max = if i < 3 { 100.0 } else { 400.0 };
                    if !(if i < 3 { 1.0 } else { 0.0 }..=max).contains(&v[i]) {
                        return Err(err(format!("row {row}, column `{}`: {} % is implausible", mnames[i], v[i])));
                    }
                }
                moisture = Moisture::from_percent(v);
            }
            periods.push(Period {
                start_min: t,
                weather: Weather {
                    moisture,
                    wind_speed_m_per_min: speed * 1000.0 / 60.0,
                    wind_from_deg: dir.rem_euclid(360.0),
                    wind_height: base.wind_height,
                },
            });
        }
        if periods.is_empty() {
            return Err(err("no weather rows".into()));
        }
        if periods[0].start_min > 0.0 {
            return Err(err(format!("the first row must be at time 0 (it is at {} min)", periods[0].start_min)));
        }
        Ok(WeatherStream { periods })
    }

    /// Wind height of the stream.
    pub fn wind_height(&self) -> WindHeight {
        self.periods[0].weather.wind_height
    }
}
