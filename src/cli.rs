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
