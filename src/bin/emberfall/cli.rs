//! Command-line argument types of the `emberfall` binary, mapped onto the library's types (which know nothing of
//! clap).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use emberfall::gpu::Backend;
use emberfall::landscape::{LandscapeSpec, SlopeUnits};
use emberfall::physics::behavior::{Weather, WindHeight};
use emberfall::physics::options::{CrownMethod, CROWN_METHODS};
use emberfall::physics::surface::SurfaceOptions;
use emberfall::run::scenario::WeatherSpec;
use emberfall::{quantity, Error, Result};

/// `--backend`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BackendArg {
    /// A hardware GPU when one exists, otherwise the CPU twin (in parallel). Software GPUs are not used.
    Auto,
    /// Any GPU adapter wgpu finds, software ones (lavapipe) included.
    Gpu,
    /// GPU through Vulkan only.
    Vulkan,
    /// GPU through OpenGL/GLES only.
    Gl,
    /// The CPU twin of each kernel, in f64.
    Cpu,
}

impl From<BackendArg> for Backend {
    fn from(b: BackendArg) -> Backend {
        match b {
            BackendArg::Auto => Backend::Auto,
            BackendArg::Gpu => Backend::Gpu,
            BackendArg::Vulkan => Backend::Vulkan,
            BackendArg::Gl => Backend::Gl,
            BackendArg::Cpu => Backend::Cpu,
        }
    }
}

/// `--wind-height`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum WindHeightArg {
    /// Wind at midflame height: used as it is.
    #[value(name = "midflame")]
    Midflame,
    /// 20-ft (6.1 m) wind: reduced to midflame by the wind adjustment factor.
    #[value(name = "20ft")]
    TwentyFt,
    /// 10-m wind: U20ft = U10m / 1.15, then as 20 ft.
    #[value(name = "10m")]
    TenM,
}

impl From<WindHeightArg> for WindHeight {
    fn from(h: WindHeightArg) -> WindHeight {
        match h {
            WindHeightArg::Midflame => WindHeight::Midflame,
            WindHeightArg::TwentyFt => WindHeight::TwentyFt,
            WindHeightArg::TenM => WindHeight::TenM,
        }
    }
}

/// `--slope-units`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SlopeUnitsArg {
    Degrees,
    Percent,
}

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
    pub slope_units: Option<SlopeUnitsArg>,
    /// Custom fuel models (CSV; see README) added to the 53 standard ones.
    #[arg(long, value_name = "FILE")]
    pub fuel_models: Option<PathBuf>,
    /// CRS of layers that carry none (a FARSITE .lcp): EPSG:N, WKT or PROJ string.
    #[arg(long, value_name = "EPSG:N")]
    pub assign_crs: Option<String>,
    /// A FARSITE fuel model conversion file (.cnv): rows `landscape_code fuel_model`.
    #[arg(long, value_name = "FILE.cnv")]
    pub fuel_conversion: Option<PathBuf>,
    /// Read every cell of the landscape (runs otherwise read the window their fire reaches, tile by tile).
    #[arg(long)]
    pub whole_landscape: bool,
    /// Memory a run may use: 2GiB, 800MiB (default: half the memory available); a run needing more is refused.
    #[arg(long, value_name = "SIZE")]
    pub memory_budget: Option<String>,
}

impl LandscapeArgs {
    pub fn spec(&self) -> Result<LandscapeSpec> {
        if self.lcp.is_none() && (self.elevation.is_none() || self.fuel.is_none()) {
            return Err(Error::value(
                "no landscape",
                "",
                "give --lcp FILE, or --elevation FILE and --fuel FILE (plus optional layers)",
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
            slope_units: self.slope_units.map(|u| match u {
                SlopeUnitsArg::Degrees => SlopeUnits::Degrees,
                SlopeUnitsArg::Percent => SlopeUnits::Percent,
            }),
            fuel_models: self.fuel_models.clone(),
            fuel_conversion: self.fuel_conversion.clone(),
            assign_crs: self.assign_crs.clone(),
            whole: self.whole_landscape,
            memory_budget: self.memory_budget.clone(),
            window: None,
            ground: None,
        })
    }
}

/// Weather inputs of a constant-weather run.
#[derive(Args, Clone, Debug)]
pub struct WeatherArgs {
    /// Fuel moistures in percent: 1-h, 10-h, 100-h dead, live herbaceous, live woody.
    #[arg(long, value_name = "M1,M10,M100,MHERB,MWOODY")]
    pub moisture: Option<String>,
    /// Wind speed, km/h, at --wind-height [default: 0, calm, said in a note].
    #[arg(long)]
    pub wind_speed_kmh: Option<f64>,
    /// Direction the wind blows from, degrees clockwise from north.
    #[arg(long, default_value_t = 0.0)]
    pub wind_from_deg: f64,
    /// Height of the wind speed: midflame, 20ft (reduced by the wind adjustment factor) or 10m.
    #[arg(long, value_enum, default_value = "20ft")]
    pub wind_height: WindHeightArg,
}

impl WeatherArgs {
    /// A note when no wind was given and no stream gives one: the run is calm, which a user should not learn from
    /// a round fire.
    pub fn calm_note(&self, stream_given: bool) -> Option<String> {
        (self.wind_speed_kmh.is_none() && !stream_given).then(|| {
            "no wind given (--wind-speed-kmh): the fire burns in calm air (0 km/h); give --wind-speed-kmh and \
             --wind-from-deg, or --weather FILE"
                .to_string()
        })
    }

    /// The weather, checked (the same validators as scenario files).
    pub fn weather(&self) -> Result<Weather> {
        Ok(self.spec(None, 100.0)?.base)
    }

    /// As a scenario's weather, with an optional weather stream CSV.
    pub fn spec(&self, stream: Option<PathBuf>, foliar_moisture_pct: f64) -> Result<WeatherSpec> {
        let Some(m) = &self.moisture else {
            return Err(Error::value(
                "no fuel moistures",
                "",
                "give --moisture M1,M10,M100,MHERB,MWOODY (or --farsite-input FILE for spread)",
            ));
        };
        let pct = quantity::moisture_list(m, "--moisture")?;
        WeatherSpec::new(
            pct,
            self.wind_speed_kmh.unwrap_or(0.0),
            self.wind_from_deg,
            self.wind_height.into(),
            20.0,
            stream,
            ["--moisture", "--wind-speed-kmh", "--wind-from-deg", "air temperature"],
        )?
        .with_foliar_moisture(foliar_moisture_pct, "--foliar-moisture")
    }
}

/// `--crown-method`: the registry's methods (`physics::options::CROWN_METHODS`) but `none` (`--no-crown`).
fn crown_method_parser() -> impl clap::builder::TypedValueParser<Value = CrownMethod> {
    let values = CROWN_METHODS
        .iter()
        .filter(|e| e.method != CrownMethod::None)
        .map(|e| clap::builder::PossibleValue::new(e.label).help(e.summary));
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(values)
        .map(|label: String| CrownMethod::from_label(&label).expect("a possible value is a registered label"))
}

/// Crown fire options of the behaviour maps and spread.
#[derive(Args, Clone, Debug)]
pub struct CrownOptArgs {
    /// How torching and crowning cells' final behaviour is computed [default: finney].
    #[arg(long, value_parser = crown_method_parser())]
    pub crown_method: Option<CrownMethod>,
    /// Surface fire only: no crown fire.
    #[arg(long, conflicts_with = "crown_method")]
    pub no_crown: bool,
    /// Foliar moisture content, percent (Van Wagner's critical intensity); 100 % when absent.
    #[arg(long, value_name = "PCT")]
    pub foliar_moisture: Option<f64>,
}

impl CrownOptArgs {
    /// The crown method (None with --no-crown; Finney, FARSITE's and FlamMap's default, when not given).
    pub fn method(&self) -> CrownMethod {
        match (self.no_crown, self.crown_method) {
            (true, _) => CrownMethod::None,
            (false, m) => m.unwrap_or(CrownMethod::Finney),
        }
    }
    /// Whether the command line chose the crown method (so that a FARSITE `.input` does not override it).
    pub fn given(&self) -> bool {
        self.no_crown || self.crown_method.is_some()
    }

    /// Foliar moisture, percent, checked (100 % when absent).
    pub fn foliar_moisture_pct(&self) -> Result<f64> {
        quantity::foliar_moisture_pct(self.foliar_moisture.unwrap_or(100.0), "--foliar-moisture")
    }

    /// Options of a run with BehavePlus's wind limit on or off.
    pub fn options(&self, wind_limit: bool) -> Result<SurfaceOptions> {
        Ok(SurfaceOptions {
            wind_limit,
            crown: self.method(),
            foliar_moisture_frac: self.foliar_moisture_pct()? / 100.0,
        })
    }
}

/// Launching rules of `--spot-launch`.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum SpotLaunch {
    Emberfall,
    Farsite,
}

/// Distance models of `--spot-distance-model`.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum SpotDistance {
    Elmfire,
    Sardoy,
}

/// Spotting options of a spread run (see README, "Spotting").
#[derive(Args, Clone, Debug)]
pub struct SpottingArgs {
    /// No spotting.
    #[arg(long)]
    pub no_spotting: bool,
    /// Delay between an ember's launch and the spot fire it starts: 10min, 5, 0.5, ... (0 to 1440 min).
    #[arg(long, default_value = "10min")]
    pub spot_delay: String,
    /// Expected embers per hectare of launching cell per MW/m of fireline intensity.
    #[arg(long, default_value_t = 10.0)]
    pub embers_per_ha_per_mw: f64,
    /// At most this many embers per cell.
    #[arg(long, default_value_t = 50)]
    pub max_embers_per_cell: u32,
    /// Surface fire cells at or above this fireline intensity (kW/m) launch embers too (0, the default: only
    /// torching and crown fire cells, as FARSITE and ELMFIRE by default; ELMFIRE documents 2000 kW/m).
    #[arg(long, default_value_t = 0.0)]
    pub surface_spotting_intensity: f64,
    /// Which cells launch embers: emberfall (crown fire and intense surface fire) or farsite (torching and crowning
    /// cells, FARSITE's number of trees torching together).
    #[arg(long, value_enum, default_value = "emberfall")]
    pub spot_launch: SpotLaunch,
    /// How ember flight distances are drawn: elmfire (lognormal of mean 5 I^0.3 U^0.7) or sardoy (Sardoy 2008).
    #[arg(long, value_enum, default_value = "elmfire")]
    pub spot_distance_model: SpotDistance,
    /// Probability that a landed ember on burnable fuel ignites (FARSITE_SPOT_PROBABILITY); default Schroeder's
    /// probability of ignition by a firebrand.
    #[arg(long)]
    pub spot_probability: Option<f64>,
    /// Embers landing nearer their source than this (m) start nothing (FARSITE_MINIMUM_SPOT_DISTANCE).
    #[arg(long, default_value_t = 0.0)]
    pub min_spot_distance: f64,
    /// Torching trees for the maximum spotting distance: species (Albini 1979 name or code 0..13).
    #[arg(long, default_value = "douglas_fir")]
    pub torching_species: String,
    /// Diameter at breast height of the torching trees, m.
    #[arg(long, default_value_t = 0.3)]
    pub torching_dbh: f64,
    /// Number of trees torching together.
    #[arg(long, default_value_t = 5.0)]
    pub torching_trees: f64,
}

impl SpottingArgs {
    /// The spotting parameters, checked.
    pub fn params(&self) -> Result<emberfall::spread::spotting::SpottingParams> {
        let species = emberfall::physics::spot::species_parse(&self.torching_species).ok_or_else(|| {
            Error::value(
                "--torching-species",
                format!("`{}`", self.torching_species),
                format!("use a code 0..13 or one of {}", emberfall::physics::spot::SPECIES.join(", ")),
            )
        })?;
        let d = emberfall::spread::spotting::SpottingParams::default();
        let p = emberfall::spread::spotting::SpottingParams {
            enabled: !self.no_spotting,
            spot_delay_min: quantity::duration_min(&self.spot_delay, "--spot-delay")?,
            embers_per_ha_per_mw: self.embers_per_ha_per_mw,
            max_embers_per_cell: self.max_embers_per_cell,
            surface_intensity_kw_per_m: self.surface_spotting_intensity,
            launch: match self.spot_launch {
                SpotLaunch::Emberfall => emberfall::spread::spotting::LaunchRule::Emberfall,
                SpotLaunch::Farsite => emberfall::spread::spotting::LaunchRule::Farsite,
            },
            distance_model: match self.spot_distance_model {
                SpotDistance::Elmfire => emberfall::spread::spotting::DistanceModel::Elmfire,
                SpotDistance::Sardoy => emberfall::spread::spotting::DistanceModel::Sardoy,
            },
            spot_probability: self.spot_probability,
            min_spot_distance_m: self.min_spot_distance,
            torching_species: species,
            torching_dbh_m: self.torching_dbh,
            torching_trees: self.torching_trees,
            ..d
        };
        p.check(|k| match k {
            "surface_intensity_kw_per_m" => "--surface-spotting-intensity".to_string(),
            "torching_dbh_m" => "--torching-dbh".to_string(),
            "min_spot_distance_m" => "--min-spot-distance".to_string(),
            _ => format!("--{}", k.replace('_', "-")),
        })?;
        Ok(p)
    }
}
