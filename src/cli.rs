//! Command-line argument types shared by the subcommands.

use std::path::PathBuf;

use clap::Args;

use crate::behavior::{Weather, WindHeight};
use crate::error::{Error, Result};
use crate::landscape::{LandscapeSpec, SlopeUnits};
use crate::surface::Moisture;

/// Landscape inputs: an 8-band LCP raster or separate layers.
#[derive(Args, Clone, Debug, Default)]
pub struct LandscapeArgs {
    /// 8-band landscape in LCP band order (GeoTIFF, FARSITE .lcp or any raster GDAL reads).
    #[arg(long, value_name = "FILE")]
    pub lcp: Option<PathBuf>,
    /// Elevation raster, m.
    #[arg(long, value_name = "FILE")]
    pub elevation: Option<PathBuf>,
    /// Fuel model raster (Anderson 13 / Scott & Burgan 40 codes); defines the grid.
    #[arg(long, value_name = "FILE")]
    pub fuel: Option<PathBuf>,
    /// Slope raster (degrees, or percent with --slope-units percent); derived from the DEM when absent.
    #[arg(long, value_name = "FILE")]
    pub slope: Option<PathBuf>,
    /// Aspect raster, degrees clockwise from north (-1 flat); derived from the DEM when absent.
    #[arg(long, value_name = "FILE")]
    pub aspect: Option<PathBuf>,
    /// Canopy cover raster, percent.
    #[arg(long, value_name = "FILE")]
    pub canopy_cover: Option<PathBuf>,
    /// Canopy height raster, m x 10.
    #[arg(long, value_name = "FILE")]
    pub canopy_height: Option<PathBuf>,
    /// Canopy base height raster, m x 10.
    #[arg(long, value_name = "FILE")]
    pub canopy_base_height: Option<PathBuf>,
    /// Canopy bulk density raster, kg/m3 x 100.
    #[arg(long, value_name = "FILE")]
    pub canopy_bulk_density: Option<PathBuf>,
    /// Units of the slope layer.
    #[arg(long, value_enum)]
    pub slope_units: Option<SlopeUnits>,
    /// Custom fuel models (CSV; see README) added to the 53 standard ones.
    #[arg(long, value_name = "FILE")]
    pub fuel_models: Option<PathBuf>,
}

impl LandscapeArgs {
    pub fn spec(&self) -> Result<LandscapeSpec> {
        if self.lcp.is_none() && (self.elevation.is_none() || self.fuel.is_none()) {
            return Err(Error::Invalid(
                "give a landscape: --lcp FILE, or --elevation FILE and --fuel FILE (plus optional layers)".into(),
            ));
        }
        Ok(LandscapeSpec {
            lcp: self.lcp.clone(),
            elevation: self.elevation.clone(),
            fuel: self.fuel.clone(),
            slope: self.slope.clone(),
            aspect: self.aspect.clone(),
            canopy_cover: self.canopy_cover.clone(),
            canopy_height: self.canopy_height.clone(),
            canopy_base_height: self.canopy_base_height.clone(),
            canopy_bulk_density: self.canopy_bulk_density.clone(),
            slope_units: self.slope_units,
            fuel_models: self.fuel_models.clone(),
        })
    }
}

/// Weather inputs of a constant-weather run.
#[derive(Args, Clone, Debug)]
pub struct WeatherArgs {
    /// Fuel moistures in percent: 1-h, 10-h, 100-h dead, live herbaceous, live woody.
    #[arg(long, value_name = "M1,M10,M100,MHERB,MWOODY")]
    pub moisture: String,
    /// Wind speed, km/h, at --wind-height.
    #[arg(long, default_value_t = 0.0)]
    pub wind_speed_kmh: f64,
    /// Direction the wind blows from, degrees clockwise from north.
    #[arg(long, default_value_t = 0.0)]
    pub wind_from_deg: f64,
    /// Height of the wind speed: midflame, 20ft (reduced by the wind adjustment factor) or 10m.
    #[arg(long, value_enum, default_value = "20ft")]
    pub wind_height: WindHeight,
}

impl WeatherArgs {
    pub fn weather(&self) -> Result<Weather> {
        let moisture = parse_moisture(&self.moisture)?;
        if !self.wind_speed_kmh.is_finite() || self.wind_speed_kmh < 0.0 || self.wind_speed_kmh > 300.0 {
            return Err(Error::Invalid(format!("--wind-speed-kmh {}: must be between 0 and 300", self.wind_speed_kmh)));
        }
        if !self.wind_from_deg.is_finite() {
            return Err(Error::Invalid(format!("--wind-from-deg {}: not a number", self.wind_from_deg)));
        }
        Ok(Weather {
            moisture,
            wind_speed_m_per_min: self.wind_speed_kmh * 1000.0 / 60.0,
            wind_from_deg: self.wind_from_deg.rem_euclid(360.0),
            wind_height: self.wind_height,
        })
    }
}

/// Parse "6,8,10,75,60" (percent) into moistures, checking ranges.
pub fn parse_moisture(s: &str) -> Result<Moisture> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    if parts.len() != 5 {
        return Err(Error::Invalid(format!(
            "--moisture {s}: give five percentages: 1-h, 10-h, 100-h, live herbaceous, live woody (e.g. 6,8,10,75,60)"
        )));
    }
    let mut v = [0.0; 5];
    let names = ["1-h", "10-h", "100-h", "live herbaceous", "live woody"];
    for (i, p) in parts.iter().enumerate() {
        let x: f64 = p
            .parse()
            .map_err(|_| Error::Invalid(format!("--moisture: {} moisture `{p}` is not a number", names[i])))?;
        let max = if i < 3 { 100.0 } else { 400.0 };
        if !x.is_finite() || !(0.0..=max).contains(&x) || (i < 3 && x < 1.0) {
            return Err(Error::Invalid(format!(
                "--moisture: {} moisture {x} % is outside the plausible range {}..{max} %",
                names[i],
                if i < 3 { 1 } else { 0 }
            )));
        }
        v[i] = x;
    }
    Ok(Moisture::from_percent(v))
}

/// Parse a duration: `6h`, `90min` (or `90m`), `3600s`, `1.5d`, or a plain number of minutes. Returns minutes.
pub fn parse_duration_min(s: &str, what: &str) -> Result<f64> {
    let t = s.trim().to_ascii_lowercase();
    let (num, scale) = if let Some(v) = t.strip_suffix("min") {
        (v, 1.0)
    } else if let Some(v) = t.strip_suffix('h') {
        (v, 60.0)
    } else if let Some(v) = t.strip_suffix('m') {
        (v, 1.0)
    } else if let Some(v) = t.strip_suffix('s') {
        (v, 1.0 / 60.0)
    } else if let Some(v) = t.strip_suffix('d') {
        (v, 1440.0)
    } else {
        (t.as_str(), 1.0)
    };
    let v: f64 = num
        .trim()
        .parse()
        .map_err(|_| Error::Invalid(format!("{what} `{s}`: not a duration (use e.g. 6h, 90min, 3600s or minutes)")))?;
    if !(v.is_finite() && v > 0.0) {
        return Err(Error::Invalid(format!("{what} `{s}`: must be positive")));
    }
    Ok(v * scale)
}

/// A progress bar on standard error with an estimate of the time left; silent when stderr is not a terminal.
pub struct Progress {
    start: std::time::Instant,
    enabled: bool,
    last: f64,
}

impl Progress {
    pub fn new() -> Progress {
        use std::io::IsTerminal;
        Progress { start: std::time::Instant::now(), enabled: std::io::stderr().is_terminal(), last: -1.0 }
    }

    /// Report that the simulated clock reached `t` of `total` minutes.
    pub fn update(&mut self, t: f64, total: f64) {
        if !self.enabled {
            return;
        }
        let frac = (t / total).clamp(0.0, 1.0);
        let el = self.start.elapsed().as_secs_f64();
        if frac < 1.0 && el - self.last < 0.1 {
            return;
        }
        self.last = el;
        let width = 30;
        let filled = (frac * width as f64).round() as usize;
        let left = if frac > 0.0 { el * (1.0 - frac) / frac } else { 0.0 };
        eprint!(
            "\r[{}{}] {:5.1} %  fire time {:.1} / {:.1} h  elapsed {:.1} s  left ~{:.1} s ",
            "#".repeat(filled),
            " ".repeat(width - filled),
            frac * 100.0,
            t / 60.0,
            total / 60.0,
            el,
            left
        );
        if frac >= 1.0 {
            eprintln!();
        }
    }
}

impl Default for Progress {
    fn default() -> Self {
        Progress::new()
    }
}
