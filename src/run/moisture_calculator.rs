//! The point calculator behind `emberfall moisture`: dead fuel moisture conditioned through a weather sequence by
//! Nelson's model ([`crate::physics::moisture`]). Input: a CSV with columns `hour, air_temp_c, rh_pct, precip_mm,
//! solar_w_m2` (extra columns ignored; `hour` increasing, hourly or finer; `precip_mm` the rain of the interval
//! ending at the row). A `scenario` column, when present, splits the file into sequences, each conditioned from
//! its own first row. Output: `hour, m1h_pct, m10h_pct, m100h_pct, m1000h_pct` (with `scenario` first when the
//! input has it), row 0 of each sequence being its initial state.
//!
//! Initial moistures: `--initial M1,M10,M100[,M1000]` (percent); otherwise the first row's `m1h_pct, m10h_pct,
//! m100h_pct, m1000h_pct` when the file has them; otherwise Nelson's equilibrium moisture at the first row's air
//! temperature and humidity. The 1000-h stick starts at the 100-h value when nothing gives its own.

use std::path::Path;

use crate::csv_rows::{self, Table};
use crate::error::{Error, Result};
use crate::physics::moisture::{condition, equilibrium_moisture_pct, Observation};
use crate::quantity;

/// Output columns after `hour`.
pub const OUTPUT_COLUMNS: [&str; 4] = ["m1h_pct", "m10h_pct", "m100h_pct", "m1000h_pct"];

#[derive(serde::Deserialize)]
struct Row {
    scenario: Option<String>,
    hour: f64,
    air_temp_c: f64,
    rh_pct: f64,
    precip_mm: Option<f64>,
    solar_w_m2: Option<f64>,
    m1h_pct: Option<f64>,
    m10h_pct: Option<f64>,
    m100h_pct: Option<f64>,
    m1000h_pct: Option<f64>,
}

/// `M1,M10,M100[,M1000]` (percent), checked.
pub fn parse_initial(s: &str, what: &str) -> Result<Vec<f64>> {
    let v: Vec<f64> =
        s.split(',').map(|t| t.trim().parse::<f64>()).collect::<std::result::Result<_, _>>().map_err(|_| {
            Error::value(what, format!("`{s}`"), "expected M1,M10,M100 or M1,M10,M100,M1000 in percent")
        })?;
    if !(3..=4).contains(&v.len()) {
        return Err(Error::value(what, format!("`{s}`"), "expected 3 or 4 moistures (1-h, 10-h, 100-h[, 1000-h])"));
    }
    for (k, &m) in v.iter().enumerate() {
        quantity::moisture_one_pct(m, k.min(2), what)?;
    }
    Ok(v)
}

/// Condition the sticks through `weather` and write the moistures to `out` (standard output when None).
/// Returns the number of rows written.
pub fn run_csv(weather: &Path, initial: Option<&[f64]>, out: Option<&Path>) -> Result<usize> {
    let table: Table<Row> = csv_rows::read(weather, "row")?;
    let err = |n: usize, msg: String| Error::input(weather.display(), format!("row {n}: {msg}"));
    if table.rows.is_empty() {
        return Err(Error::input(weather.display(), "no weather rows"));
    }
    let with_scenario = table.has("scenario");
    // Sequences: consecutive rows of one scenario.
    let mut sequences: Vec<Vec<&(usize, Row)>> = Vec::new();
    for r in &table.rows {
        match sequences.last_mut() {
            Some(seq) if seq[0].1.scenario == r.1.scenario => seq.push(r),
            _ => sequences.push(vec![r]),
        }
    }
    let header = with_scenario.then_some("scenario").into_iter().chain(std::iter::once("hour")).chain(OUTPUT_COLUMNS);
    let mut table_out = crate::run::calculator::OutTable::new(header)?;
    let mut written = 0;
    for seq in &sequences {
        let mut hours = Vec::with_capacity(seq.len());
        let mut obs = Vec::with_capacity(seq.len());
        for (k, (n, r)) in seq.iter().map(|x| (x.0, &x.1)).enumerate() {
            if !r.hour.is_finite() {
                return Err(err(n, format!("hour {} is not a number", r.hour)));
            }
            if k > 0 && r.hour <= hours[k - 1] {
                return Err(err(n, format!("hour {} does not follow hour {}", r.hour, hours[k - 1])));
            }
            let o = Observation {
                air_temp_c: r.air_temp_c,
                rh_pct: r.rh_pct,
                precip_mm: r.precip_mm.unwrap_or(0.0),
                solar_w_m2: r.solar_w_m2.unwrap_or(0.0),
            };
            o.check().map_err(|m| err(n, m))?;
            hours.push(r.hour);
            obs.push(o);
        }
        let first = &seq[0].1;
        let emc = equilibrium_moisture_pct(first.air_temp_c, first.rh_pct).clamp(1.0, 100.0);
        let given = [first.m1h_pct, first.m10h_pct, first.m100h_pct];
        let mut init = [0.0; 4];
        for k in 0..3 {
            init[k] = match (initial, given[k]) {
                (Some(v), _) => v[k],
                (None, Some(m)) => {
                    quantity::moisture_one_pct(m, k, &format!("{}, row {}", weather.display(), seq[0].0))?
                }
                (None, None) => emc,
            };
        }
        init[3] = match (initial.and_then(|v| v.get(3)), first.m1000h_pct) {
            (Some(&m), _) => m,
            (None, Some(m)) if initial.is_none() => {
                quantity::moisture_one_pct(m, 2, &format!("{}, row {}", weather.display(), seq[0].0))?
            }
            _ => init[2],
        };
        let m = condition(&hours, &obs, init);
        for (k, row) in m.iter().enumerate() {
            let scenario = with_scenario.then(|| seq[0].1.scenario.clone().unwrap_or_default());
            let values = row.iter().map(|v| format!("{v:.8}"));
            table_out.row(scenario.into_iter().chain(std::iter::once(format!("{}", hours[k]))).chain(values))?;
            written += 1;
        }
    }
    table_out.emit(out)?;
    Ok(written)
}
