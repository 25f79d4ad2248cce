//! The clock time of a run's minute 0, and the clock times of its results (summary, report, isochrone attributes):
//! local time as given (with its UTC offset when known) and UTC.
//!
//! Where it comes from, first given first: the scenario's `start` or `--start`; a time-stamped weather stream's
//! fire start (`[weather] start`, `--weather-start`); a FARSITE `.input`'s FARSITE_START_TIME (local time without
//! an offset: FARSITE's times are the station's local time). Two given starts must agree.

use chrono::{DateTime, Duration, FixedOffset, NaiveDateTime, Utc};

use crate::error::{Error, Result};
use crate::units::S_PER_MIN;

/// The clock time of minute 0 of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct StartTime {
    /// Local time of minute 0.
    pub local: NaiveDateTime,
    /// Its offset from UTC, when known (a FARSITE `.input` does not say it).
    pub offset: Option<FixedOffset>,
    /// Where it was given (`--start`, `start`, `weather.start`, the FARSITE file).
    pub from: String,
}

/// Accepted spellings without an offset (local time of an unknown zone).
const LOCAL_FORMATS: [&str; 4] = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"];

impl StartTime {
    /// A clock time with its offset (RFC 3339, `2024-03-13T11:01:12+09:00`).
    pub fn with_offset(t: DateTime<FixedOffset>, from: impl Into<String>) -> StartTime {
        StartTime { local: t.naive_local(), offset: Some(*t.offset()), from: from.into() }
    }

    /// Local time without an offset (FARSITE's).
    pub fn local_only(local: NaiveDateTime, from: impl Into<String>) -> StartTime {
        StartTime { local, offset: None, from: from.into() }
    }

    /// `s` as RFC 3339 (with its offset), or as a local time without one (`2024-03-13T11:01`, then no UTC times);
    /// `what` names it in errors.
    pub fn parse(s: &str, what: &str) -> Result<StartTime> {
        let t = s.trim();
        if let Ok(d) = DateTime::parse_from_rfc3339(t) {
            return Ok(StartTime::with_offset(d, what));
        }
        for f in LOCAL_FORMATS {
            if let Ok(n) = NaiveDateTime::parse_from_str(t, f) {
                return Ok(StartTime::local_only(n, what));
            }
        }
        Err(Error::value(
            what,
            format!("`{s}`"),
            "not a clock time: give RFC 3339 with the UTC offset (2024-03-13T11:01:12+09:00), or a local time \
             (2024-03-13T11:01) for local clock times only",
        ))
    }

    /// Local time `min` minutes after minute 0 (rounded to the second).
    pub fn local_at(&self, min: f64) -> NaiveDateTime {
        self.local + Duration::seconds((min * S_PER_MIN).round() as i64)
    }

    /// UTC time `min` minutes after minute 0, when the offset is known.
    pub fn utc_at(&self, min: f64) -> Option<DateTime<Utc>> {
        let o = self.offset?;
        let local = self.local_at(min).and_local_timezone(o).single()?;
        Some(local.with_timezone(&Utc))
    }

    /// Local clock time, ISO 8601 with its offset when known: `2024-03-13T11:31:12+09:00` (`2024-03-13T11:31:12`).
    pub fn local_iso(&self, min: f64) -> String {
        let l = self.local_at(min);
        match self.offset.and_then(|o| l.and_local_timezone(o).single()) {
            Some(t) => t.to_rfc3339(),
            None => l.format("%Y-%m-%dT%H:%M:%S").to_string(),
        }
    }

    /// UTC clock time, ISO 8601: `2024-03-13T02:31:12Z`.
    pub fn utc_iso(&self, min: f64) -> Option<String> {
        self.utc_at(min).map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
    }

    /// For a reader: `11:31 (+09:00), 02:31 UTC` on the start's day, with the date when it is another day.
    pub fn label(&self, min: f64) -> String {
        let l = self.local_at(min);
        let day = |d: chrono::NaiveDate| if d == self.local.date() { String::new() } else { format!("{} ", d) };
        let local = format!("{}{}", day(l.date()), l.format("%H:%M"));
        match (self.offset, self.utc_at(min)) {
            (Some(o), Some(u)) => {
                let ud = u.naive_utc().date();
                let uday = if ud == l.date() { String::new() } else { format!("{ud} ") };
                format!("{local} ({o}), {uday}{} UTC", u.format("%H:%M"))
            }
            _ => format!("{local} local"),
        }
    }

    /// The start itself for a reader: `2024-03-13 11:01:12 +09:00 (02:01:12 UTC), from --start`.
    pub fn describe(&self) -> String {
        let utc = self.utc_at(0.0).map(|u| format!(" ({} UTC)", u.format("%Y-%m-%d %H:%M:%S"))).unwrap_or_default();
        let off = self.offset.map(|o| format!(" {o}")).unwrap_or_else(|| " local time (UTC offset not given)".into());
        format!("{}{off}{utc}, from {}", self.local.format("%Y-%m-%d %H:%M:%S"), self.from)
    }

    /// The same instant? Two starts without offsets compare their local times; one with and one without compare
    /// local times too (the one without takes the other's offset).
    pub fn agrees(&self, other: &StartTime) -> bool {
        match (self.offset, other.offset) {
            (Some(_), Some(_)) => self.utc_at(0.0) == other.utc_at(0.0),
            _ => self.local == other.local,
        }
    }

    /// The first of `starts`, checked against the others; an offset that only a later one gives is kept.
    pub fn resolve(starts: Vec<StartTime>) -> Result<Option<StartTime>> {
        let mut it = starts.into_iter();
        let Some(mut first) = it.next() else { return Ok(None) };
        for s in it {
            if !first.agrees(&s) {
                return Err(Error::value(
                    format!("{} and {}", first.from, s.from),
                    format!("{} and {}", first.local_iso(0.0), s.local_iso(0.0)),
                    "two different start times: give one, or the same",
                ));
            }
            if first.offset.is_none() {
                first.offset = s.offset;
            }
        }
        Ok(Some(first))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times_follow_the_offset() {
        // Kairos lifted off at 11:01:12 JST (UTC+9): 02:01:12 UTC.
        let s = StartTime::parse("2024-03-13T11:01:12+09:00", "--start").unwrap();
        assert_eq!(s.utc_iso(0.0).unwrap(), "2024-03-13T02:01:12Z");
        assert_eq!(s.local_iso(30.0), "2024-03-13T11:31:12+09:00");
        assert_eq!(s.label(30.0), "11:31 (+09:00), 02:31 UTC");
        // Past midnight UTC-side: 23:30 local on the 13th is 14:30 UTC; 13 h later is the 14th in both.
        let s = StartTime::parse("2024-03-13T23:30:00+09:00", "start").unwrap();
        assert_eq!(s.label(60.0), "2024-03-14 00:30 (+09:00), 2024-03-13 15:30 UTC");
        // A local time without offset has no UTC.
        let l = StartTime::parse("2024-03-13 11:01", "start").unwrap();
        assert_eq!(l.utc_iso(0.0), None);
        assert_eq!(l.local_iso(1.5), "2024-03-13T11:02:30");
        assert_eq!(l.label(0.0), "11:01 local");
        assert!(StartTime::parse("13/03/2024", "--start").unwrap_err().to_string().contains("RFC 3339"));
    }

    #[test]
    fn two_starts_must_agree() {
        let a = StartTime::parse("2024-03-13T11:01:12+09:00", "--start").unwrap();
        let b = StartTime::parse("2024-03-13T02:01:12Z", "weather.start").unwrap();
        let c = StartTime::parse("2024-03-13T11:01:12", "FARSITE").unwrap();
        let r = StartTime::resolve(vec![c.clone(), a.clone(), b.clone()]).unwrap().unwrap();
        assert_eq!((r.from.as_str(), r.offset), ("FARSITE", a.offset), "the local one takes the offset");
        let d = StartTime::parse("2024-03-13T12:00:00+09:00", "weather.start").unwrap();
        let e = StartTime::resolve(vec![a, d]).unwrap_err().to_string();
        assert!(e.contains("--start and weather.start") && e.contains("two different start times"), "{e}");
        assert_eq!(StartTime::resolve(Vec::new()).unwrap(), None);
    }
}
