//! Burn periods (FARSITE's `FARSITE_BURN_PERIODS`): the fire spreads only within them; outside, the fuels keep
//! conditioning under the weather. The engine runs in *fire time* (minutes of burning); a [`BurnClock`] maps
//! clock time (minutes from the start of the run) to fire time and back, compresses a clock-time weather stream to
//! fire time (each period's weather, including its conditioned moistures, applies from where burning reaches it),
//! and turns a fire's arrival times back into clock time.
//!
//! FARSITE's rule (Farsite5::InquireInBurnPeriod): a day's period `HHMM HHMM` burns from its start through the
//! end minute inclusive, so `1200 1959` burns from 12:00 to 20:00 and `0000 2359` burns the whole day; a day
//! without a period does not burn.

use crate::error::{Error, Result};
use crate::weather::{Period, WeatherStream};

/// The burning intervals of a run, in clock minutes from its start: sorted, disjoint, within the run.
#[derive(Clone, Debug, PartialEq)]
pub struct BurnClock {
    /// (start, end) clock minutes.
    intervals: Vec<(f64, f64)>,
    /// Length of the run, clock minutes.
    duration_min: f64,
}

impl BurnClock {
    /// Burning intervals (clock minutes from the start, in any order; parts outside `[0, duration_min]` are cut
    /// off) of a run of `duration_min` clock minutes. Overlapping intervals are an error naming them.
    pub fn new(intervals: &[(f64, f64)], duration_min: f64) -> Result<BurnClock> {
        let mut v: Vec<(f64, f64)> = Vec::new();
        for &(s, e) in intervals {
            if !(s.is_finite() && e.is_finite()) || e <= s {
                return Err(Error::value("burn period", format!("{s}..{e} min"), "its end must come after its start"));
            }
            v.push((s, e));
        }
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        for w in v.windows(2) {
            if w[1].0 < w[0].1 {
                return Err(Error::value(
                    "burn periods",
                    "",
                    format!("{}..{} min and {}..{} min overlap", w[0].0, w[0].1, w[1].0, w[1].1),
                ));
            }
        }
        let intervals = v.into_iter().map(|(s, e)| (s.max(0.0), e.min(duration_min))).filter(|(s, e)| e > s).collect();
        Ok(BurnClock { intervals, duration_min })
    }

    /// The burning intervals within the run, clock minutes.
    pub fn intervals(&self) -> &[(f64, f64)] {
        &self.intervals
    }

    /// Length of the run, clock minutes.
    pub fn clock_duration_min(&self) -> f64 {
        self.duration_min
    }

    /// Minutes of burning within the run.
    pub fn fire_duration_min(&self) -> f64 {
        self.intervals.iter().map(|(s, e)| e - s).sum()
    }

    /// Fire time reached at clock time `t`: the minutes of burning before it.
    pub fn to_fire(&self, t: f64) -> f64 {
        self.intervals.iter().map(|&(s, e)| (t.min(e) - s).max(0.0)).sum()
    }

    /// Clock time at which fire time `f` is reached: the earliest clock time with `f` minutes of burning before
    /// it (a fire time at the end of a burn period is that period's end). Fire times beyond the run's burning lie
    /// beyond the end of the run, by as much.
    pub fn to_clock(&self, f: f64) -> f64 {
        let mut acc = 0.0;
        for &(s, e) in &self.intervals {
            if f <= acc + (e - s) {
                return s + (f - acc).max(0.0);
            }
            acc += e - s;
        }
        self.duration_min + (f - acc)
    }

    /// A clock-time weather stream in fire time: each period starts where burning reaches its start; of the periods
    /// that start at the same fire time (those that begin outside the burn periods), the last (the one in force
    /// when burning resumes) is kept. Also returns, for each kept period, its index in `stream` (for per-period
    /// inputs such as gridded wind).
    pub fn compress(&self, stream: &WeatherStream) -> (WeatherStream, Vec<usize>) {
        let mut periods: Vec<Period> = Vec::new();
        let mut index: Vec<usize> = Vec::new();
        for (k, p) in stream.periods.iter().enumerate() {
            let f = self.to_fire(p.start_min);
            match periods.last_mut() {
                Some(last) if last.start_min == f => {
                    last.weather = p.weather;
                    *index.last_mut().expect("one index per period") = k;
                }
                _ => {
                    periods.push(Period { start_min: f, weather: p.weather });
                    index.push(k);
                }
            }
        }
        (WeatherStream { periods }, index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_and_fire_time_round_trip() {
        // Two days burning 12:00..20:00, the run starting at 06:00 of the first and ending at 18:00 of the second.
        let c = BurnClock::new(&[(1800.0, 2280.0), (360.0, 840.0)], 2160.0).unwrap();
        assert_eq!(c.intervals(), &[(360.0, 840.0), (1800.0, 2160.0)]);
        assert_eq!(c.fire_duration_min(), 480.0 + 360.0);
        assert_eq!(c.to_fire(0.0), 0.0);
        assert_eq!(c.to_fire(600.0), 240.0);
        assert_eq!(c.to_fire(1000.0), 480.0);
        assert_eq!(c.to_fire(1900.0), 580.0);
        assert_eq!(c.to_clock(0.0), 360.0);
        assert_eq!(c.to_clock(240.0), 600.0);
        assert_eq!(c.to_clock(480.0), 840.0, "the end of a burn day, not the start of the next");
        assert_eq!(c.to_clock(481.0), 1801.0);
        assert_eq!(c.to_clock(900.0), 2160.0 + 60.0);
        for f in [0.0, 10.0, 479.0, 500.0, 839.0] {
            assert!((c.to_fire(c.to_clock(f)) - f).abs() < 1e-9);
        }
        // Burning that ends before the run does: fire times beyond it lie beyond the run.
        let c = BurnClock::new(&[(0.0, 60.0)], 600.0).unwrap();
        assert_eq!(c.to_clock(60.0), 60.0);
        assert_eq!(c.to_clock(61.0), 601.0);
    }

    #[test]
    fn overlapping_periods_are_refused() {
        let e = BurnClock::new(&[(0.0, 100.0), (50.0, 150.0)], 200.0).unwrap_err().to_string();
        assert!(e.contains("overlap"), "{e}");
        assert!(BurnClock::new(&[(100.0, 100.0)], 200.0).is_err());
    }
}
