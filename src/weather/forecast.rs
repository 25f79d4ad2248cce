//! Gridded numerical weather prediction as a weather stream: GRIB2 (as JMA's mesoscale model MSM, NCEP's GFS or
//! ECMWF write it) and NetCDF (CF names, or ERA5's short names), read through GDAL, warped onto the landscape and
//! interpolated in time.
//!
//! Fields, per forecast (valid) time:
//! - wind: 10-m u and v (GRIB `UGRD`/`VGRD` at `10-HTGL`; NetCDF `eastward_wind`/`northward_wind`, `u10`/`v10`),
//!   m/s, taken as east and north components (true of latitude-longitude grids such as MSM's);
//! - 2-m air temperature (`TMP` at `2-HTGL`; `air_temperature`, `t2m`), C (GDAL's GRIB reader gives C; K is
//!   converted);
//! - 2-m relative humidity (`RH` at `2-HTGL`; `relative_humidity`, `r2`), %, or else the 2-m dew point (`DPT`;
//!   `dew_point_temperature`, `d2m`) with the humidity from the Magnus formula over water (Alduchov and Eskridge
//!   1996, eq. 21: e_s(T) = 6.1094 exp(17.625 T / (T + 243.04)) hPa, T in C);
//! - precipitation (`APCP`; `precipitation_amount`, `tp`), kg/m2 = mm (m converted): an accumulation ending at the
//!   valid time, over the hours GDAL's GRIB reader names (`APCP03`: 3 h; product template 4.8), else over the
//!   interval since the previous forecast time (MSM's and ERA5's hourly sums). The rain between two forecast times
//!   is the accumulation when its window starts at the earlier time, the difference of two accumulations that start
//!   together (GFS's 0-3 h, 0-6 h buckets), else the accumulation's rate times the interval; absent: no rain, noted;
//! - total cloud cover (`TCDC`; `cloud_area_fraction`, `tcc`), % (fractions converted); absent: clear sky, noted.
//!
//! Each field is warped onto the landscape's grid (bilinear). The wind stays gridded (per cell speed and direction
//! from u and v, at 10 m); temperature, humidity, rain and cloud condition the dead fuels as the landscape's mean
//! (the moisture model runs once per stream, not per cell, so far). Forecast times more than an hour apart are
//! filled hourly by linear interpolation in time (u and v per cell, the other fields' means); an interval's rain is
//! shared evenly between its hours. The fire starts at the first forecast time; the clock time that places the sun
//! is local mean solar time at the landscape's centre (UTC + lon/15 h, to the minute).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use gdal::{Dataset, Metadata};

use super::{WeatherRow, WindGrid};
use crate::csv_rows::Table;
use crate::error::{Error, Result};
use crate::landscape::Grid;
use crate::units::{km_per_h_from_m_per_min, KELVIN_AT_0C, MIN_PER_H, M_PER_MIN_PER_M_PER_S, S_PER_MIN};

/// What a forecast band holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    U10,
    V10,
    Temp,
    Rh,
    Dew,
    Precip,
    Cloud,
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::U10 => "10-m u wind",
            Field::V10 => "10-m v wind",
            Field::Temp => "2-m temperature",
            Field::Rh => "2-m relative humidity",
            Field::Dew => "2-m dew point",
            Field::Precip => "precipitation",
            Field::Cloud => "total cloud cover",
        }
    }
}

/// One band of a forecast to read: where it is, what it holds, when, and how to convert it to SI (`a * v + b`).
struct BandRef {
    /// Dataset (GDAL name) and band index.
    source: String,
    band: usize,
    field: Field,
    valid_s: i64,
    /// Accumulation window, s (precipitation whose window is known).
    window_s: Option<i64>,
    scale: f64,
    offset: f64,
}

/// Whether `path` is a gridded forecast (by its extension): GRIB (`.grib2`, `.grb2`, `.grib`, `.grb`) or NetCDF
/// (`.nc`, `.nc4`, `.netcdf`).
pub fn is_forecast(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(e.to_ascii_lowercase().as_str(), "grib2" | "grb2" | "grib" | "grb" | "nc" | "nc4" | "netcdf")
    })
}

/// A forecast read onto `grid`: the rows of a weather table (SI columns, times from the first forecast time) and
/// the wind grid of each row, with notes.
pub(super) fn read(path: &Path, grid: &Grid) -> Result<(Table<WeatherRow>, super::WindGrids, Vec<String>)> {
    let err = |msg: String| Error::input(path.display(), msg);
    if !path.exists() {
        return Err(err("file not found".into()));
    }
    let ds = Dataset::open(path).map_err(|e| err(format!("GDAL cannot open it as a forecast: {e}")))?;
    let driver = ds.driver().short_name();
    let mut bands = Vec::new();
    let mut notes = Vec::new();
    match driver.as_str() {
        "GRIB" => grib_bands(path, &ds, &mut bands)?,
        "netCDF" => netcdf_bands(path, &ds, &mut bands, &mut notes)?,
        d => return Err(err(format!("read by GDAL's {d} driver; a forecast must be GRIB2 or NetCDF"))),
    }
    let by_time = fields_by_time(path, &bands)?;
    let warped = warp_bands(path, &bands, grid, &mut notes)?;
    let at = forecast_times(&by_time, &warped);
    let (rows, grids) = hourly_rows(&at, grid);
    notes.push(format!(
        "{}: {} forecast of {} times from {} to {} ({} rows hourly), warped onto the landscape; wind gridded at 10 m, temperature {:.1}..{:.1} C and humidity {:.0}..{:.0} % (landscape means) condition the dead fuels",
        path.display(),
        driver,
        at.len(),
        utc(at[0].t),
        utc(at[at.len() - 1].t),
        rows.len(),
        at.iter().map(|a| a.temp).fold(f64::INFINITY, f64::min),
        at.iter().map(|a| a.temp).fold(f64::NEG_INFINITY, f64::max),
        at.iter().map(|a| a.rh).fold(f64::INFINITY, f64::min),
        at.iter().map(|a| a.rh).fold(f64::NEG_INFINITY, f64::max),
    ));
    let no_rain = by_time.values().filter(|f| !f.contains_key(&Field::Precip)).count();
    if no_rain > 0 {
        notes.push(format!("{}: no precipitation at {no_rain} forecast times: no rain assumed there", path.display()));
    }
    let no_cloud = by_time.values().filter(|f| !f.contains_key(&Field::Cloud)).count();
    if no_cloud > 0 {
        notes.push(format!("{}: no cloud cover at {no_cloud} forecast times: clear sky assumed there", path.display()));
    }
    let headers =
        ["time_min", "wind_speed_kmh", "wind_from_deg", "air_temp_c", "rh_pct", "precip_mm", "cloud_pct", "valid_time"]
            .map(String::from)
            .to_vec();
    Ok((Table { headers, rows }, grids, notes))
}

/// The fields of each valid time (the first band of each), checked: wind, temperature and humidity (or dew point)
/// at every time.
fn fields_by_time<'a>(path: &Path, bands: &'a [BandRef]) -> Result<BTreeMap<i64, BTreeMap<Field, &'a BandRef>>> {
    let err = |msg: String| Error::input(path.display(), msg);
    let mut by_time: BTreeMap<i64, BTreeMap<Field, &BandRef>> = BTreeMap::new();
    for b in bands {
        by_time.entry(b.valid_s).or_default().entry(b.field).or_insert(b);
    }
    if by_time.is_empty() {
        return Err(err(
            "no forecast fields found: it needs 10-m u and v wind, 2-m temperature and 2-m relative humidity (or dew point)"
                .into(),
        ));
    }
    for (t, f) in &by_time {
        let mut missing: Vec<&str> =
            [Field::U10, Field::V10, Field::Temp].into_iter().filter(|k| !f.contains_key(k)).map(Field::name).collect();
        if !f.contains_key(&Field::Rh) && !f.contains_key(&Field::Dew) {
            missing.push("2-m relative humidity (or dew point)");
        }
        if !missing.is_empty() {
            return Err(err(format!("forecast time {}: no {}", utc(*t), missing.join(", "))));
        }
    }
    Ok(by_time)
}

/// Bands warped onto the landscape (bilinear), in SI, keyed by (dataset, band); each dataset warped once.
type Warped = BTreeMap<(String, usize), Vec<f32>>;

/// Warp every band onto `grid`, once per dataset (one without a CRS is read as WGS 84, with a note).
fn warp_bands(path: &Path, bands: &[BandRef], grid: &Grid, notes: &mut Vec<String>) -> Result<Warped> {
    let err = |msg: String| Error::input(path.display(), msg);
    let mut warped = Warped::new();
    let mut sources: Vec<&str> = bands.iter().map(|b| b.source.as_str()).collect();
    sources.sort_unstable();
    sources.dedup();
    for s in sources {
        let src = Dataset::open(Path::new(s)).map_err(|e| err(format!("GDAL cannot open {s}: {e}")))?;
        let assumed = src.spatial_ref().is_err();
        let w = crate::landscape::warp_onto_from(&src, assumed.then_some("EPSG:4326"), grid, "bilinear")
            .map_err(|e| err(format!("cannot warp the forecast onto the landscape: {e}")))?;
        if assumed {
            notes.push(format!("{}: {s} has no CRS; read as WGS 84 longitude/latitude", path.display()));
        }
        for b in bands.iter().filter(|b| b.source == s) {
            let band = w.rasterband(b.band)?;
            let buf = band.read_as::<f32>((0, 0), (grid.cols, grid.rows), (grid.cols, grid.rows), None)?;
            let v: Vec<f32> = buf
                .data()
                .iter()
                .map(|&x| if x.is_finite() { (b.scale * x as f64 + b.offset) as f32 } else { f32::NAN })
                .collect();
            if v.iter().all(|x| !x.is_finite()) {
                return Err(err(format!(
                    "{} at {}: the forecast does not cover the landscape",
                    b.field.name(),
                    utc(b.valid_s)
                )));
            }
            warped.insert((b.source.clone(), b.band), v);
        }
    }
    Ok(warped)
}

/// Mean of the finite values.
fn mean(v: &[f32]) -> f64 {
    let (s, n) = v.iter().filter(|x| x.is_finite()).fold((0.0, 0usize), |(s, n), &x| (s + x as f64, n + 1));
    s / n.max(1) as f64
}

/// One forecast time: (u, v per cell; landscape-mean temperature, humidity, rain, cloud).
struct At {
    t: i64,
    u: Vec<f32>,
    v: Vec<f32>,
    temp: f64,
    rh: f64,
    /// Accumulated rain (mm) and its window start (s), if given.
    acc: Option<(f64, Option<i64>)>,
    cloud: f64,
}

/// Each valid time's fields (humidity from the dew point where only it is given).
fn forecast_times(by_time: &BTreeMap<i64, BTreeMap<Field, &BandRef>>, warped: &Warped) -> Vec<At> {
    let mut at: Vec<At> = Vec::new();
    for (&t, f) in by_time {
        let get = |k: Field| f.get(&k).map(|b| &warped[&(b.source.clone(), b.band)]);
        let temp = mean(get(Field::Temp).expect("checked"));
        let rh = match get(Field::Rh) {
            Some(r) => mean(r),
            None => {
                let td = mean(get(Field::Dew).expect("checked"));
                // Magnus formula over water (Alduchov and Eskridge 1996, eq. 21): RH = e_s(Td) / e_s(T).
                let es = |c: f64| 6.1094 * (17.625 * c / (c + 243.04)).exp();
                100.0 * es(td) / es(temp)
            }
        };
        at.push(At {
            t,
            u: get(Field::U10).expect("checked").clone(),
            v: get(Field::V10).expect("checked").clone(),
            temp,
            rh: rh.clamp(0.0, 100.0),
            acc: f
                .get(&Field::Precip)
                .map(|b| (mean(get(Field::Precip).expect("present")).max(0.0), b.window_s.map(|w| t - w))),
            cloud: get(Field::Cloud).map_or(0.0, |c| mean(c).clamp(0.0, 100.0)),
        });
    }
    at
}

/// Rain between consecutive forecast times `a` and `b`, from the accumulations (mm).
fn rain_between(a: &At, b: &At) -> f64 {
    let Some((acc, start)) = b.acc else { return 0.0 };
    let start = start.unwrap_or(a.t);
    if start == a.t {
        acc
    } else if let Some((prev, Some(prev_start))) = a.acc.filter(|_| start < a.t) {
        if prev_start == start {
            (acc - prev).max(0.0)
        } else {
            acc * (b.t - a.t) as f64 / (b.t - start) as f64
        }
    } else {
        acc * (b.t - a.t) as f64 / (b.t - start).max(1) as f64
    }
}

/// The forecast hour by hour (linear between forecast times; each interval's rain shared equally among its hours):
/// weather rows and their wind grids.
fn hourly_rows(at: &[At], grid: &Grid) -> (Vec<(usize, WeatherRow)>, super::WindGrids) {
    // Clock time for the sun: local mean solar time, UTC + lon/15 h (to the minute), as the radiation model takes.
    let lon = grid.centre_lonlat().map(|c| c.0).unwrap_or(0.0);
    let offset = chrono::FixedOffset::east_opt((lon * 4.0).round() as i32 * 60).expect("an offset within a day");
    let t0 = at[0].t;
    let mut rows = Vec::new();
    let mut grids = Vec::new();
    let mut push = |t: i64, u: Vec<f32>, v: Vec<f32>, temp: f64, rh: f64, precip: f64, cloud: f64| {
        let (mu, mv) = (mean(&u), mean(&v));
        let valid = chrono::DateTime::from_timestamp(t, 0).expect("a forecast time").with_timezone(&offset);
        rows.push((
            rows.len() + 1,
            WeatherRow {
                time_min: Some((t - t0) as f64 / S_PER_MIN),
                wind_speed_kmh: Some(km_per_h_from_m_per_min(mu.hypot(mv) * M_PER_MIN_PER_M_PER_S)),
                wind_from_deg: Some((-mu).atan2(-mv).to_degrees().rem_euclid(360.0)),
                air_temp_c: Some(temp),
                rh_pct: Some(rh),
                precip_mm: Some(precip),
                cloud_pct: Some(cloud),
                valid_time: Some(valid.to_rfc3339()),
                ..WeatherRow::default()
            },
        ));
        grids.push(Some(Arc::new(wind_grid(&u, &v))));
    };
    let a0 = &at[0];
    let rain0 = a0.acc.map_or(0.0, |(v, _)| v);
    push(a0.t, a0.u.clone(), a0.v.clone(), a0.temp, a0.rh, rain0, a0.cloud);
    for w in at.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        let rain = rain_between(a, b);
        let gap = b.t - a.t;
        let steps = (gap as f64 / (S_PER_MIN * MIN_PER_H)).ceil().max(1.0) as i64;
        for j in 1..=steps {
            let t = a.t + gap * j / steps;
            let f = (t - a.t) as f64 / gap as f64;
            let lerp = |x: f64, y: f64| x + (y - x) * f;
            let lerp_v = |x: &[f32], y: &[f32]| -> Vec<f32> {
                x.iter().zip(y).map(|(p, q)| (*p as f64 + (*q as f64 - *p as f64) * f) as f32).collect()
            };
            push(
                t,
                lerp_v(&a.u, &b.u),
                lerp_v(&a.v, &b.v),
                lerp(a.temp, b.temp),
                lerp(a.rh, b.rh),
                rain / steps as f64,
                lerp(a.cloud, b.cloud),
            );
        }
    }
    (rows, grids)
}

/// A wind grid from 10-m (u, v) in m/s: speed (m/min) and the direction the wind blows from (the opposite of the
/// vector's azimuth).
fn wind_grid(u: &[f32], v: &[f32]) -> WindGrid {
    let speed: Vec<f32> = u.iter().zip(v).map(|(a, b)| a.hypot(*b) * M_PER_MIN_PER_M_PER_S as f32).collect();
    let from: Vec<f32> = u
        .iter()
        .zip(v)
        .map(
            |(a, b)| {
                if a.is_finite() && b.is_finite() {
                    (-a).atan2(-b).to_degrees().rem_euclid(360.0)
                } else {
                    f32::NAN
                }
            },
        )
        .collect();
    WindGrid { speed_m_per_min: speed, from_deg: from }
}

fn utc(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map_or_else(|| t.to_string(), |d| d.format("%Y-%m-%d %H:%M UTC").to_string())
}

/// The leading integer of a GRIB time item (`1710298800`, or `1710298800 sec UTC` in older GDAL).
fn leading_int(s: &str) -> Option<i64> {
    s.split_whitespace().next()?.parse().ok()
}

/// The bands of a GRIB file that Emberfall reads.
fn grib_bands(path: &Path, ds: &Dataset, out: &mut Vec<BandRef>) -> Result<()> {
    let name = path.to_string_lossy().into_owned();
    for k in 1..=ds.raster_count() {
        let b = ds.rasterband(k)?;
        let md = |key: &str| b.metadata_item(key, "").map(|s| s.trim().to_string());
        let (Some(element), Some(level)) = (md("GRIB_ELEMENT"), md("GRIB_SHORT_NAME")) else { continue };
        let Some(valid_s) = md("GRIB_VALID_TIME").as_deref().and_then(leading_int) else {
            return Err(Error::input(path.display(), format!("band {k} ({element}): no valid time")));
        };
        let unit = md("GRIB_UNIT").unwrap_or_default();
        let (field, scale, offset) = match (element.as_str(), level.as_str()) {
            ("UGRD", "10-HTGL") => (Field::U10, 1.0, 0.0),
            ("VGRD", "10-HTGL") => (Field::V10, 1.0, 0.0),
            ("TMP", "2-HTGL") if unit.contains('K') => (Field::Temp, 1.0, -KELVIN_AT_0C),
            ("TMP", "2-HTGL") => (Field::Temp, 1.0, 0.0),
            ("DPT", "2-HTGL") if unit.contains('K') => (Field::Dew, 1.0, -KELVIN_AT_0C),
            ("DPT", "2-HTGL") => (Field::Dew, 1.0, 0.0),
            ("RH", "2-HTGL") => (Field::Rh, 1.0, 0.0),
            (e, _) if e.starts_with("APCP") => (Field::Precip, 1.0, 0.0),
            ("TCDC", _) => (Field::Cloud, 1.0, 0.0),
            _ => continue,
        };
        // `APCP03`: a 3-h accumulation ending at the valid time.
        let window_s =
            element.strip_prefix("APCP").and_then(|h| h.parse::<i64>().ok()).filter(|h| *h > 0).map(|h| h * 3600);
        out.push(BandRef { source: name.clone(), band: k, field, valid_s, window_s, scale, offset });
    }
    Ok(())
}

/// The variables of a NetCDF file that Emberfall reads: by CF standard name, or ERA5's short names; one band per
/// time step, the time from the band's `NETCDF_DIM_time` and the variable's `time#units` (`<unit> since <time>`).
fn netcdf_bands(path: &Path, ds: &Dataset, out: &mut Vec<BandRef>, notes: &mut Vec<String>) -> Result<()> {
    let err = |msg: String| Error::input(path.display(), msg);
    let subs: Vec<String> = ds
        .metadata_domain("SUBDATASETS")
        .unwrap_or_default()
        .into_iter()
        .filter_map(|kv| kv.split_once('=').filter(|(k, _)| k.ends_with("_NAME")).map(|(_, v)| v.to_string()))
        .collect();
    let names: Vec<String> = if subs.is_empty() { vec![path.to_string_lossy().into_owned()] } else { subs };
    for name in names {
        let sub = Dataset::open(Path::new(&name)).map_err(|e| err(format!("GDAL cannot open {name}: {e}")))?;
        let var = name.rsplit(':').next().unwrap_or("").to_string();
        let md = |key: &str| sub.metadata_item(key, "").map(|s| s.trim().to_string());
        // A single-variable file names its variable in its band metadata.
        let var = if var.is_empty() || !name.starts_with("NETCDF:") {
            sub.rasterband(1).ok().and_then(|b| b.metadata_item("NETCDF_VARNAME", "")).unwrap_or_default()
        } else {
            var
        };
        let std_name = md(&format!("{var}#standard_name")).unwrap_or_default();
        let units = md(&format!("{var}#units")).unwrap_or_default();
        let u = units.to_ascii_lowercase();
        let field = match (std_name.as_str(), var.to_ascii_lowercase().as_str()) {
            ("eastward_wind" | "x_wind", _) | (_, "u10") => Field::U10,
            ("northward_wind" | "y_wind", _) | (_, "v10") => Field::V10,
            ("air_temperature", _) | (_, "t2m") => Field::Temp,
            ("dew_point_temperature", _) | (_, "d2m") => Field::Dew,
            ("relative_humidity", _) | (_, "r2") => Field::Rh,
            ("precipitation_amount" | "lwe_thickness_of_precipitation_amount", _) | (_, "tp") => Field::Precip,
            ("cloud_area_fraction", _) | (_, "tcc") => Field::Cloud,
            _ => continue,
        };
        let (scale, offset) = match field {
            Field::Temp | Field::Dew if u == "k" || u == "kelvin" => (1.0, -KELVIN_AT_0C),
            Field::Precip if u == "m" => (1000.0, 0.0),
            Field::Rh | Field::Cloud if u == "1" || u == "0-1" || u == "(0 - 1)" || u.is_empty() => (100.0, 0.0),
            _ => (1.0, 0.0),
        };
        if matches!(field, Field::Rh | Field::Cloud) && u.is_empty() {
            notes.push(format!("{}: {var} has no units; read as a fraction (0..1)", path.display()));
        }
        let time_units = md("time#units").ok_or_else(|| err(format!("{var}: no `time#units` (a time dimension)")))?;
        let (step_s, epoch) = cf_time_units(&time_units).ok_or_else(|| {
            err(format!("time units `{time_units}`: expected `<seconds|minutes|hours|days> since <date time>`"))
        })?;
        for k in 1..=sub.raster_count() {
            let b = sub.rasterband(k)?;
            let t = b
                .metadata_item("NETCDF_DIM_time", "")
                .and_then(|s| s.trim().parse::<f64>().ok())
                .ok_or_else(|| err(format!("{var} band {k}: no time value")))?;
            let valid_s = epoch + (t * step_s).round() as i64;
            out.push(BandRef { source: name.clone(), band: k, field, valid_s, window_s: None, scale, offset });
        }
    }
    Ok(())
}

/// CF time units `<unit> since <date>[ time]`: seconds per unit and the epoch (Unix seconds, UTC).
fn cf_time_units(s: &str) -> Option<(f64, i64)> {
    let (unit, since) = s.split_once(" since ")?;
    let step = match unit.trim().to_ascii_lowercase().as_str() {
        "seconds" | "second" | "s" => 1.0,
        "minutes" | "minute" | "min" => 60.0,
        "hours" | "hour" | "h" => 3600.0,
        "days" | "day" | "d" => 86400.0,
        _ => return None,
    };
    let since = since.trim().trim_end_matches(" UTC").trim_end_matches('Z');
    let t = chrono::DateTime::parse_from_rfc3339(since)
        .map(|d| d.timestamp())
        .ok()
        .or_else(|| {
            ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%d %H"]
                .iter()
                .find_map(|f| chrono::NaiveDateTime::parse_from_str(since, f).ok())
                .map(|d| d.and_utc().timestamp())
        })
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(since, "%Y-%m-%d")
                .ok()
                .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc().timestamp())
        })?;
    Some((step, t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cf_time_units_are_read() {
        assert_eq!(cf_time_units("hours since 1900-01-01 00:00:00.0"), Some((3600.0, -2208988800)));
        assert_eq!(cf_time_units("seconds since 1970-01-01"), Some((1.0, 0)));
        assert_eq!(cf_time_units("days since 2024-03-13T00:00:00Z"), Some((86400.0, 1710288000)));
        assert_eq!(cf_time_units("fortnights since 2024-03-13"), None);
    }
}
