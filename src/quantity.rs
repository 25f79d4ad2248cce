//! One validator per input quantity, for the command line, scenario files and weather files alike: each takes
//! the value and the name the user gave it (`--moisture`, `weather.moisture_pct`, `row 3, column m1h_pct`), and
//! returns the value in SI or an error naming it, the value and the accepted range.

use crate::error::{Error, Result};
use crate::physics::surface::Moisture;
use crate::units::{m_per_min_from_km_per_h, BYTES_PER_GIB, S_PER_MIN};

/// Names of the five moisture classes, in order.
pub const MOISTURE_NAMES: [&str; 5] = ["1-h", "10-h", "100-h", "live herbaceous", "live woody"];

/// Plausible range of moisture class `k` (0..5), percent: dead fuels 1..100 %, live fuels 0..400 %.
pub fn moisture_range_pct(k: usize) -> (f64, f64) {
    if k < 3 {
        (1.0, 100.0)
    } else {
        (0.0, 400.0)
    }
}

/// One moisture, percent, of class `k` (see [`MOISTURE_NAMES`]).
pub fn moisture_one_pct(v: f64, k: usize, what: &str) -> Result<f64> {
    let (lo, hi) = moisture_range_pct(k);
    if !(v.is_finite() && v >= lo && v <= hi) {
        return Err(Error::value(
            what,
            "",
            format!("{} moisture {v} % is outside the plausible range {lo}..{hi} %", MOISTURE_NAMES[k]),
        ));
    }
    Ok(v)
}

/// Five moistures, percent, in the order 1-h, 10-h, 100-h, live herbaceous, live woody.
pub fn moisture_pct(v: [f64; 5], what: &str) -> Result<Moisture> {
    for (k, &x) in v.iter().enumerate() {
        moisture_one_pct(x, k, what)?;
    }
    Ok(Moisture::from_percent(v))
}

/// Five moistures written `6,8,10,75,60`, percent (checked).
pub fn moisture_list(s: &str, what: &str) -> Result<[f64; 5]> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    if parts.len() != 5 {
        return Err(Error::value(
            what,
            s,
            "give five percentages: 1-h, 10-h, 100-h, live herbaceous, live woody (e.g. 6,8,10,75,60)",
        ));
    }
    let mut v = [0.0; 5];
    for (k, p) in parts.iter().enumerate() {
        v[k] = p
            .parse()
            .map_err(|_| Error::value(what, "", format!("{} moisture `{p}` is not a number", MOISTURE_NAMES[k])))?;
    }
    moisture_pct(v, what)?;
    Ok(v)
}

/// Wind speed, km/h (0..300), returned in m/min.
pub fn wind_speed_kmh(v: f64, what: &str) -> Result<f64> {
    if !(v.is_finite() && (0.0..=300.0).contains(&v)) {
        return Err(Error::value(what, v, "wind speed must be between 0 and 300 km/h"));
    }
    Ok(m_per_min_from_km_per_h(v))
}

/// A direction, degrees, folded into 0..360.
pub fn direction_deg(v: f64, what: &str) -> Result<f64> {
    if !v.is_finite() {
        return Err(Error::value(what, v, "not a direction in degrees"));
    }
    Ok(v.rem_euclid(360.0))
}

/// Foliar moisture content, percent (30..300: Van Wagner's relation was fitted from 70 to 135 %; behave floors it at
/// 30 %).
pub fn foliar_moisture_pct(v: f64, what: &str) -> Result<f64> {
    if !(v.is_finite() && (30.0..=300.0).contains(&v)) {
        return Err(Error::value(what, format!("{v} %"), "foliar moisture must be between 30 and 300 %"));
    }
    Ok(v)
}

/// Air temperature, C (-60..60).
pub fn air_temp_c(v: f64, what: &str) -> Result<f64> {
    if !(v.is_finite() && (-60.0..=60.0).contains(&v)) {
        return Err(Error::value(what, format!("{v} C"), "air temperature must be between -60 and 60 C"));
    }
    Ok(v)
}

/// Relative slowness tolerance of the spread's anchors (0..1).
pub fn tolerance(v: f64, what: &str) -> Result<f32> {
    if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
        return Err(Error::value(what, v, "must be in 0..1"));
    }
    Ok(v as f32)
}

/// A duration with its unit, as `humantime` reads it (`6h`, `90min`, `3600s`, `1h 30min`, `2days`). A plain number
/// is refused: `--duration 6` would silently be six minutes to one reader and six hours to another. Returns
/// minutes, positive and below 1e6.
pub fn duration_min(s: &str, what: &str) -> Result<f64> {
    let t = s.trim();
    if let Ok(v) = t.parse::<f64>() {
        return Err(Error::value(
            what,
            format!("`{s}`"),
            format!("a duration needs its unit: write {v}min or {v}h (or 90min, 1h 30min, 3600s)"),
        ));
    }
    let minutes = match humantime::parse_duration(t) {
        Ok(d) => d.as_secs_f64() / S_PER_MIN,
        Err(e) => {
            return Err(Error::value(
                what,
                format!("`{s}`"),
                format!("not a duration ({e}; use e.g. 6h, 90min, 1h 30min or 3600s)"),
            ))
        }
    };
    if !(minutes.is_finite() && minutes > 0.0 && minutes < 1.0e6) {
        return Err(Error::value(what, format!("`{s}`"), "must be positive and below 1e6 minutes"));
    }
    Ok(minutes)
}

/// A slope, percent: 0 to 1000 % (84 degrees).
pub fn slope_pct(v: f64, what: &str) -> Result<f64> {
    if !(v.is_finite() && (0.0..=1000.0).contains(&v)) {
        return Err(Error::value(what, v, "must be 0..1000 %"));
    }
    Ok(v)
}

/// The memory available to a new process, bytes (Linux MemAvailable); none where unknown.
pub fn memory_available_bytes() -> Option<u128> {
    std::fs::read_to_string("/proc/meminfo").ok().and_then(|s| {
        s.lines()
            .find(|l| l.starts_with("MemAvailable:"))
            .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse::<u128>().ok()))
            .map(|kb| kb * 1024)
    })
}

/// Refuse a grid of `cells` cells needing `bytes_per_cell` bytes each when it would not fit in the memory available
/// (Linux: MemAvailable), naming the figure.
pub fn grid_fits(cells: u128, bytes_per_cell: u128, what: &str) -> Result<()> {
    let need = cells.saturating_mul(bytes_per_cell);
    if let Some(avail) = memory_available_bytes() {
        if need > avail {
            return Err(Error::Memory {
                what: what.into(),
                cells,
                need_gib: need as f64 / BYTES_PER_GIB,
                available_gib: avail as f64 / BYTES_PER_GIB,
            });
        }
    }
    Ok(())
}

/// A member count of an ensemble: 1 to 10 million.
pub fn members(v: usize, what: &str) -> Result<usize> {
    if !(1..=10_000_000).contains(&v) {
        return Err(Error::value(what, v, "must be 1 to 10000000"));
    }
    Ok(v)
}

/// Minutes in words: `45 min`, `2 h`, `1 h 30 min` (the reverse of [`duration_min`] for what reports say).
pub fn fmt_minutes(m: f64) -> String {
    if m >= 60.0 && (m % 60.0).abs() < 1e-6 {
        format!("{} h", (m / 60.0).round())
    } else if m > 60.0 {
        format!("{} h {} min", (m / 60.0).floor(), crate::format::plain(m % 60.0, 1))
    } else {
        format!("{} min", crate::format::plain(m, 1))
    }
}

/// The isochrone interval `auto` stands for, min: 1 h for fires up to a day, else the duration / 24 rounded up to a
/// whole hour (a 10-day fire: 10 h), so that a long fire's products stay about 24 perimeters.
pub fn auto_isochrone_interval_min(duration_min: f64) -> f64 {
    const HOUR: f64 = 60.0;
    if duration_min <= 24.0 * HOUR {
        HOUR
    } else {
        (duration_min / 24.0 / HOUR).ceil() * HOUR
    }
}

/// An isochrone interval as written (`auto`, or a duration: `30min`, `2h`, minutes) for a fire of `duration_min`.
pub fn isochrone_interval_min(text: &str, fire_duration_min: f64, what: &str) -> Result<f64> {
    if text.trim().eq_ignore_ascii_case("auto") {
        Ok(auto_isochrone_interval_min(fire_duration_min))
    } else {
        duration_min(text, what)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_every_accepted_form() {
        assert_eq!(duration_min("6h", "d").unwrap(), 360.0);
        assert_eq!(duration_min("90min", "d").unwrap(), 90.0);
        assert_eq!(duration_min("3600s", "d").unwrap(), 60.0);
        assert_eq!(duration_min("1h 30min", "d").unwrap(), 90.0);
        assert_eq!(duration_min("2days", "d").unwrap(), 2880.0);
        // A plain number has no unit: refused, with both readings offered.
        let e = duration_min("6", "--duration").unwrap_err().to_string();
        assert!(e.contains("--duration `6`") && e.contains("6min or 6h"), "{e}");
        for bad in ["soon", "-5", "0", "nan", "1e9", "0s"] {
            let e = duration_min(bad, "--duration").unwrap_err().to_string();
            assert!(e.contains("--duration") && e.contains(bad), "{e}");
        }
    }

    #[test]
    fn moistures_are_checked_by_class() {
        assert!(moisture_list("6,8,10,75,60", "--moisture").is_ok());
        let e = moisture_list("0.5,8,10,75,60", "--moisture").unwrap_err().to_string();
        assert!(e.contains("1-h") && e.contains("0.5"), "{e}");
        let e = moisture_pct([6.0, 8.0, 10.0, 500.0, 60.0], "weather.moisture_pct").unwrap_err().to_string();
        assert!(e.contains("weather.moisture_pct") && e.contains("live herbaceous"), "{e}");
        assert!(moisture_list("6,8,10", "--moisture").unwrap_err().to_string().contains("five percentages"));
    }
}
