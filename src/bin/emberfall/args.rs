//! The command line's types (clap): the subcommands and their flags, converted into library types at the edge
//! (`cli.rs`) and run by `commands.rs`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::cli::{BackendArg, CrownOptArgs, LandscapeArgs, SpottingArgs, WeatherArgs, WindHeightArg};

#[derive(Parser)]
#[command(name = "emberfall", version, about = "GPU wildfire spread for fires lit by launch-vehicle debris")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Inspect or make landscapes.
    Landscape {
        #[command(subcommand)]
        command: LandscapeCommand,
    },
    /// Surface fire point calculator (Rothermel, BehavePlus conventions): a CSV batch or one case.
    Surface(SurfaceArgs),
    /// Crown fire point calculator (BehavePlus CROWN: Van Wagner, Rothermel 1991, Scott & Reinhardt): a CSV batch.
    Crown(CrownArgs),
    /// Maximum spotting distance point calculator (BehavePlus SPOT: Albini 1979, 1981; Chase 1981): a CSV batch.
    Spot {
        /// Input CSV with the input columns of spotting_reference.csv (see README, "Point calculators").
        #[arg(long, value_name = "IN.csv")]
        csv: PathBuf,
        /// Output CSV: case_id and every output column (standard output when absent).
        #[arg(long, value_name = "OUT.csv")]
        out: Option<PathBuf>,
    },
    /// Dead fuel moisture conditioned through a weather sequence (Nelson 2000, as FARSITE and FlamMap): 1-h, 10-h,
    /// 100-h and 1000-h sticks, hour by hour.
    Moisture {
        /// Weather CSV: hour, air_temp_c, rh_pct, precip_mm, solar_w_m2 (extra columns ignored; see README).
        #[arg(long, value_name = "FILE.csv")]
        weather: PathBuf,
        /// Initial moistures, percent: M1,M10,M100[,M1000] (default: the first row's m1h_pct.. columns, else the
        /// equilibrium moisture of the first row's weather).
        #[arg(long, value_name = "M1,M10,M100[,M1000]")]
        initial: Option<String>,
        /// Output CSV: hour, m1h_pct, m10h_pct, m100h_pct, m1000h_pct (standard output when absent).
        #[arg(long, value_name = "OUT.csv")]
        out: Option<PathBuf>,
    },
    /// Fire behaviour maps of a landscape under constant weather.
    Behavior(Box<BehaviorArgs>),
    /// Grow fires from ignitions: arrival times, front-passage behaviour, isochrones, map and summary.
    Spread(Box<SpreadArgs>),
    /// Describe the GPU adapter wgpu finds.
    GpuInfo {
        /// Which GPU API to try.
        #[arg(long, value_enum, default_value = "gpu")]
        backend: BackendArg,
    },
    /// Run a scenario file: debris -> ignition -> spread, with every product, summary.json and report.md.
    Run {
        /// Scenario (TOML).
        scenario: PathBuf,
        /// Output folder (overrides the scenario's [output] dir).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Seed (overrides the scenario's).
        #[arg(long)]
        seed: Option<u64>,
        #[arg(long, value_enum)]
        backend: Option<BackendArg>,
        /// Clock time of the run's minute 0 (overrides the scenario's `start`): RFC 3339 with its UTC offset
        /// (2024-03-13T11:01:12+09:00), or a local time (2024-03-13T11:01) for local clock times only.
        #[arg(long, value_name = "TIME")]
        start: Option<String>,
        /// Assets to time the fire's arrival at: a vector file, one asset per `name` attribute (repeatable; beside
        /// the scenario's [[asset]] entries).
        #[arg(long, value_name = "FILE")]
        assets: Vec<PathBuf>,
        /// What the PNG maps frame: the fire (burned cells, impacts, assets, with a margin) or the whole landscape.
        #[arg(long, value_enum)]
        map_extent: Option<emberfall::run::scenario::MapExtent>,
        /// Read every cell of the landscape (a run otherwise reads the window its fire reaches, tile by tile).
        #[arg(long)]
        whole_landscape: bool,
        /// Memory the run may use: 2GiB, 800MiB (default: half the memory available); a run needing more is refused.
        #[arg(long, value_name = "SIZE")]
        memory_budget: Option<String>,
    },
    /// Run a scenario's ensemble: burn probability, arrival percentiles, assets, hazard criteria and report.
    Ensemble {
        /// Scenario (TOML) with optional [ensemble], [trajectory], [[asset]] and [[criterion]] tables.
        scenario: PathBuf,
        /// Members (overrides the scenario's [ensemble] members).
        #[arg(long)]
        members: Option<usize>,
        /// Output folder (default: the scenario's [output] dir followed by /ensemble).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Run only members I, I+N, I+2N, ... (0 <= I < N) and write their exact partial accumulators.
        #[arg(long, value_name = "I/N")]
        shard: Option<String>,
        /// Seed (overrides the scenario's).
        #[arg(long)]
        seed: Option<u64>,
        /// Write Cloud Optimized GeoTIFFs.
        #[arg(long)]
        cog: bool,
        #[arg(long, value_enum)]
        backend: Option<BackendArg>,
        /// What the PNG maps frame: the fire (burned probability, assets, pad, with a margin) or the whole landscape.
        #[arg(long, value_enum)]
        map_extent: Option<emberfall::run::scenario::MapExtent>,
        /// Read every cell of the landscape (an ensemble otherwise reads the window its members' fires reach).
        #[arg(long)]
        whole_landscape: bool,
        /// Memory the run may use: 2GiB, 800MiB (default: half the memory available); a window needing more is
        /// refused.
        #[arg(long, value_name = "SIZE")]
        memory_budget: Option<String>,
    },
    /// Merge ensemble shards (folders written by `ensemble --shard`) into the products of the whole ensemble.
    Merge {
        /// Shard folders.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Scenario file (default: the one the shards name).
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Write Cloud Optimized GeoTIFFs.
        #[arg(long)]
        cog: bool,
        #[arg(long, value_enum)]
        backend: Option<BackendArg>,
        /// What the PNG maps frame: the fire (burned cells, assets, pad, with a margin) or the whole landscape.
        #[arg(long, value_enum)]
        map_extent: Option<emberfall::run::scenario::MapExtent>,
    },
    /// The demo: a Kairos-like failure over the synthetic Spaceport Kii landscape in dem/ (examples/kairos_2024.toml).
    Demo {
        /// Output folder.
        #[arg(long, default_value = "out/demo")]
        out: PathBuf,
        /// Also write the fire behaviour maps of the landscape (into OUT/behavior).
        #[arg(long)]
        behavior_maps: bool,
        #[arg(long, value_enum, default_value = "auto")]
        backend: BackendArg,
        /// Members of the hazard ensemble (the scenario's 400 when absent; 0 skips it).
        #[arg(long)]
        members: Option<usize>,
    },
}

#[derive(Subcommand)]
pub enum LandscapeCommand {
    /// Print grid, CRS, cell size, extent, fuel histogram, elevation and slope ranges, nodata share.
    Info {
        #[command(flatten)]
        landscape: Box<LandscapeArgs>,
    },
    /// Write a uniform 8-band landscape (LCP band order) for verification and benchmarks.
    Synth {
        /// Fuel model code or number (e.g. GR2 or 102).
        #[arg(long)]
        fuel: String,
        #[arg(long)]
        rows: usize,
        #[arg(long)]
        cols: usize,
        /// Cell size, m.
        #[arg(long, default_value_t = 30.0)]
        cell_size: f64,
        /// Slope, percent.
        #[arg(long, default_value_t = 0.0)]
        slope_pct: f64,
        /// Aspect (azimuth the slope faces), degrees.
        #[arg(long, default_value_t = 0.0)]
        aspect_deg: f64,
        /// EPSG code of a projected CRS in metres.
        #[arg(long, default_value_t = 32611)]
        epsg: u32,
        /// Upper-left corner X,Y in the CRS.
        #[arg(long, default_value = "500000,4000000", allow_hyphen_values = true)]
        origin: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Regenerate the synthetic Spaceport Kii demo landscape (dem/kii_synthetic.tif).
    Kii {
        #[arg(long, default_value = "dem/kii_synthetic.tif")]
        out: PathBuf,
    },
}

#[derive(clap::Args)]
pub struct CrownArgs {
    /// Input CSV with the input columns of crown_fire_reference.csv (see README, "Point calculators").
    #[arg(long, value_name = "IN.csv")]
    pub csv: PathBuf,
    /// Output CSV: case_id and every output column (standard output when absent).
    #[arg(long, value_name = "OUT.csv")]
    pub out: Option<PathBuf>,
    /// Foliar moisture content, percent, for inputs without a foliar_moisture_pct column.
    #[arg(long, value_name = "PCT")]
    pub foliar_moisture: Option<f64>,
    /// Custom fuel models CSV (columns of ../shared/oracle/fuel_models.csv).
    #[arg(long)]
    pub fuel_models: Option<PathBuf>,
    /// Do not cap the effective wind speed at 0.9 x reaction intensity (behave's default keeps the cap).
    #[arg(long)]
    pub no_wind_limit: bool,
}

#[derive(clap::Args)]
pub struct SurfaceArgs {
    /// Batch input CSV with the columns of BehavePlus reference tables (see README).
    #[arg(long, value_name = "IN.csv")]
    pub csv: Option<PathBuf>,
    /// Output CSV (standard output when absent).
    #[arg(long, value_name = "OUT.csv")]
    pub out: Option<PathBuf>,
    /// Single case: fuel model code or number.
    #[arg(long, conflicts_with = "csv")]
    pub fuel: Option<String>,
    /// Single case: moistures in percent, 1-h,10-h,100-h,herb,woody.
    #[arg(long, conflicts_with = "csv")]
    pub moisture: Option<String>,
    /// Single case: wind speed, km/h, at --wind-height.
    #[arg(long, default_value_t = 0.0, conflicts_with = "csv")]
    pub wind_speed_kmh: f64,
    #[arg(long, value_enum, default_value = "midflame", conflicts_with = "csv")]
    pub wind_height: WindHeightArg,
    /// Single case: direction the wind blows toward, degrees clockwise from upslope.
    #[arg(long, default_value_t = 0.0, conflicts_with = "csv")]
    pub wind_dir_rel_upslope_deg: f64,
    /// Single case: slope, percent.
    #[arg(long, default_value_t = 0.0, conflicts_with = "csv")]
    pub slope_pct: f64,
    /// Custom fuel models (CSV).
    #[arg(long)]
    pub fuel_models: Option<PathBuf>,
    /// Turn BehavePlus's wind limit off.
    #[arg(long)]
    pub no_wind_limit: bool,
}

#[derive(clap::Args)]
pub struct BehaviorArgs {
    #[command(flatten)]
    pub landscape: LandscapeArgs,
    #[command(flatten)]
    pub weather: WeatherArgs,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
    /// Write Cloud Optimized GeoTIFFs.
    #[arg(long)]
    pub cog: bool,
    /// Turn BehavePlus's wind limit off.
    #[arg(long)]
    pub no_wind_limit: bool,
    #[command(flatten)]
    pub crown: CrownOptArgs,
    #[arg(long, value_enum, default_value = "auto")]
    pub backend: BackendArg,
    /// Maps in a conditioned state: a weather stream (CSV, .wxs, .input, GRIB2/NetCDF) conditioning the dead fuels
    /// from --moisture; the maps take the weather and moistures of the period in force at --at.
    #[arg(long = "weather", value_name = "FILE")]
    pub weather_stream: Option<PathBuf>,
    /// Time of the conditioned state, from the start of the stream's time 0 (6h, 90min; default: its last row).
    #[arg(long, value_name = "DURATION", requires = "weather_stream")]
    pub at: Option<String>,
    /// `station` or `terrain` conditioning (as for spread).
    #[arg(long, value_enum, requires = "weather_stream")]
    pub conditioning: Option<emberfall::weather::conditioning::Mode>,
    /// Elevation of the weather station, m (terrain conditioning).
    #[arg(long, value_name = "M")]
    pub station_elevation: Option<f64>,
    /// Initial fuel moistures per fuel model (.fms).
    #[arg(long, value_name = "FILE.fms")]
    pub fuel_moistures: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct SpreadArgs {
    #[command(flatten)]
    pub landscape: LandscapeArgs,
    #[command(flatten)]
    pub weather: WeatherArgs,
    /// Weather stream CSV (time_min or time_h, wind_speed_kmh, wind_from_deg, optional m1h_pct .. mwoody_pct);
    /// replaces the constant wind; --moisture applies to rows without moistures.
    #[arg(long = "weather", value_name = "FILE.csv")]
    pub weather_csv: Option<PathBuf>,
    /// A FARSITE inputs file (.input): start and end times, burn periods (the fire spreads only within them; times
    /// in the outputs are clock minutes from FARSITE_START_TIME), hourly RAWS weather (conditioning the dead fuels
    /// from its first row), initial fuel moistures, foliar moisture, crown fire method, spotting; what Emberfall
    /// does not model is listed. Replaces --weather and --duration.
    #[arg(long, value_name = "FILE.input", conflicts_with_all = ["weather_csv"])]
    pub farsite_input: Option<PathBuf>,
    /// Clock time the fire starts in a time-stamped weather stream (RFC 3339): rows are re-timed from it by their
    /// `valid_time`; earlier rows condition the fuels.
    #[arg(long, value_name = "TIME")]
    pub weather_start: Option<String>,
    /// Start of the fuel conditioning period (FlamMap's): an RFC 3339 time, or a duration before the fire (48h);
    /// earlier rows are not used. Default: the stream's first row.
    #[arg(long, value_name = "TIME|DURATION")]
    pub conditioning_start: Option<String>,
    /// How a conditioning stream's weather reaches the fuels: `station` (its weather on open flat ground
    /// everywhere) or `terrain` (per class of cells: lapse rates to each elevation from --station-elevation, the sun
    /// on each slope and aspect through each canopy). Default: station; terrain with --farsite-input.
    #[arg(long, value_enum)]
    pub conditioning: Option<emberfall::weather::conditioning::Mode>,
    /// Elevation of the weather station, m (terrain conditioning's lapse rates; --farsite-input: RAWS_ELEVATION).
    #[arg(long, value_name = "M")]
    pub station_elevation: Option<f64>,
    /// Initial fuel moistures per fuel model: a FARSITE / FlamMap .fms file (rows `model 1h 10h 100h herb woody`,
    /// percent; model 0 replaces --moisture). --farsite-input: its FUEL_MOISTURES_DATA rows.
    #[arg(long, value_name = "FILE.fms")]
    pub fuel_moistures: Option<PathBuf>,
    /// Also write the dead fuel moistures of every weather period: moisture/dead_moisture_t{MIN}min.tif (bands
    /// 1-h, 10-h, 100-h, percent; clock minutes from the start).
    #[arg(long)]
    pub write_moisture: bool,
    /// Ignition point X,Y[,T_MIN] in the landscape's CRS (repeatable).
    #[arg(long, value_name = "X,Y[,T_MIN]", allow_hyphen_values = true)]
    pub ignite: Vec<String>,
    /// Ignition point LON,LAT[,T_MIN] in WGS 84 degrees (repeatable).
    #[arg(long, value_name = "LON,LAT[,T_MIN]", allow_hyphen_values = true)]
    pub ignite_lonlat: Vec<String>,
    /// Ignitions from a vector file (points, lines, polygons; optional `time_min` attribute).
    #[arg(long, value_name = "FILE")]
    pub ignitions: Option<PathBuf>,
    /// What the PNG maps frame: the fire (burned cells, ignitions, assets, with a margin) or the whole landscape.
    #[arg(long, value_enum, default_value = "fire")]
    pub map_extent: emberfall::run::scenario::MapExtent,
    /// Assets to time the fire's arrival at (villages, roads, a boundary): a vector file, one asset per `name`
    /// attribute (repeatable). Their arrival times go into summary.json, assets.csv, the report and the map.
    #[arg(long, value_name = "FILE")]
    pub assets: Vec<PathBuf>,
    /// Clock time of the run's minute 0: RFC 3339 with its UTC offset (2024-03-13T11:01:12+09:00), or a local
    /// time (2024-03-13T11:01) for local clock times only. Summary, report and isochrones then carry clock times.
    #[arg(long, value_name = "TIME")]
    pub start: Option<String>,
    /// Length of the run, with its unit: 6h, 90min, 1h 30min, 3600s.
    #[arg(long, default_value = "6h")]
    pub duration: String,
    /// Time between isochrones: a duration, or auto (1 h for fires up to a day, else the duration / 24 in whole
    /// hours).
    #[arg(long, default_value = "auto")]
    pub isochrone_interval: String,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
    /// Write Cloud Optimized GeoTIFFs.
    #[arg(long)]
    pub cog: bool,
    /// Turn BehavePlus's wind limit off.
    #[arg(long)]
    pub no_wind_limit: bool,
    /// Relative change of spread conditions along a ray beyond which it is re-anchored (see README).
    #[arg(long, default_value_t = 0.05)]
    pub tolerance: f64,
    #[command(flatten)]
    pub crown: CrownOptArgs,
    #[command(flatten)]
    pub spotting: SpottingArgs,
    #[arg(long, value_enum, default_value = "auto")]
    pub backend: BackendArg,
}
