//! The `emberfall` command.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

mod cli;

use cli::{BackendArg, CrownOptArgs, LandscapeArgs, SpottingArgs, WeatherArgs, WindHeightArg};
use emberfall::gpu::{limits_report, Engine, Gpu};
use emberfall::landscape::{write_synthetic, Landscape, SynthSpec, FUEL_NODATA};
use emberfall::physics::behavior::{field, WindHeight};
use emberfall::physics::fuel::FuelCatalog;
use emberfall::physics::surface::{surface_fire, SiteInputs, SurfaceOptions};
use emberfall::run::scenario::{IgnitionSpec, OutputSpec, Scenario, SpreadSpec};
use emberfall::spread::sources;
use emberfall::units::{frac_from_pct, km_per_h_from_m_per_min, pct_from_frac, wind_20ft_from_10m, MIN_PER_H};
use emberfall::{quantity, Error, Result};

#[derive(Parser)]
#[command(name = "emberfall", version, about = "GPU wildfire spread for fires lit by launch-vehicle debris")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
    Behavior(BehaviorArgs),
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
enum LandscapeCommand {
    /// Print grid, CRS, cell size, extent, fuel histogram, elevation and slope ranges, nodata share.
    Info {
        #[command(flatten)]
        landscape: LandscapeArgs,
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
struct CrownArgs {
    /// Input CSV with the input columns of crown_fire_reference.csv (see README, "Point calculators").
    #[arg(long, value_name = "IN.csv")]
    csv: PathBuf,
    /// Output CSV: case_id and every output column (standard output when absent).
    #[arg(long, value_name = "OUT.csv")]
    out: Option<PathBuf>,
    /// Foliar moisture content, percent, for inputs without a foliar_moisture_pct column.
    #[arg(long, value_name = "PCT")]
    foliar_moisture: Option<f64>,
    /// Custom fuel models CSV (columns of ../shared/oracle/fuel_models.csv).
    #[arg(long)]
    fuel_models: Option<PathBuf>,
    /// Do not cap the effective wind speed at 0.9 x reaction intensity (behave's default keeps the cap).
    #[arg(long)]
    no_wind_limit: bool,
}

#[derive(clap::Args)]
struct SurfaceArgs {
    /// Batch input CSV with the columns of BehavePlus reference tables (see README).
    #[arg(long, value_name = "IN.csv")]
    csv: Option<PathBuf>,
    /// Output CSV (standard output when absent).
    #[arg(long, value_name = "OUT.csv")]
    out: Option<PathBuf>,
    /// Single case: fuel model code or number.
    #[arg(long, conflicts_with = "csv")]
    fuel: Option<String>,
    /// Single case: moistures in percent, 1-h,10-h,100-h,herb,woody.
    #[arg(long, conflicts_with = "csv")]
    moisture: Option<String>,
    /// Single case: wind speed, km/h, at --wind-height.
    #[arg(long, default_value_t = 0.0, conflicts_with = "csv")]
    wind_speed_kmh: f64,
    #[arg(long, value_enum, default_value = "midflame", conflicts_with = "csv")]
    wind_height: WindHeightArg,
    /// Single case: direction the wind blows toward, degrees clockwise from upslope.
    #[arg(long, default_value_t = 0.0, conflicts_with = "csv")]
    wind_dir_rel_upslope_deg: f64,
    /// Single case: slope, percent.
    #[arg(long, default_value_t = 0.0, conflicts_with = "csv")]
    slope_pct: f64,
    /// Custom fuel models (CSV).
    #[arg(long)]
    fuel_models: Option<PathBuf>,
    /// Turn BehavePlus's wind limit off.
    #[arg(long)]
    no_wind_limit: bool,
}

#[derive(clap::Args)]
struct BehaviorArgs {
    #[command(flatten)]
    landscape: LandscapeArgs,
    #[command(flatten)]
    weather: WeatherArgs,
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
    /// Write Cloud Optimized GeoTIFFs.
    #[arg(long)]
    cog: bool,
    /// Turn BehavePlus's wind limit off.
    #[arg(long)]
    no_wind_limit: bool,
    #[command(flatten)]
    crown: CrownOptArgs,
    #[arg(long, value_enum, default_value = "auto")]
    backend: BackendArg,
    /// Maps in a conditioned state: a weather stream (CSV, .wxs, .input, GRIB2/NetCDF) conditioning the dead fuels
    /// from --moisture; the maps take the weather and moistures of the period in force at --at.
    #[arg(long = "weather", value_name = "FILE")]
    weather_stream: Option<PathBuf>,
    /// Time of the conditioned state, from the start of the stream's time 0 (6h, 90min; default: its last row).
    #[arg(long, value_name = "DURATION", requires = "weather_stream")]
    at: Option<String>,
    /// `station` or `terrain` conditioning (as for spread).
    #[arg(long, value_enum, requires = "weather_stream")]
    conditioning: Option<emberfall::weather::conditioning::Mode>,
    /// Elevation of the weather station, m (terrain conditioning).
    #[arg(long, value_name = "M")]
    station_elevation: Option<f64>,
    /// Initial fuel moistures per fuel model (.fms).
    #[arg(long, value_name = "FILE.fms")]
    fuel_moistures: Option<PathBuf>,
}

#[derive(clap::Args)]
struct SpreadArgs {
    #[command(flatten)]
    landscape: LandscapeArgs,
    #[command(flatten)]
    weather: WeatherArgs,
    /// Weather stream CSV (time_min or time_h, wind_speed_kmh, wind_from_deg, optional m1h_pct .. mwoody_pct);
    /// replaces the constant wind; --moisture applies to rows without moistures.
    #[arg(long = "weather", value_name = "FILE.csv")]
    weather_csv: Option<PathBuf>,
    /// A FARSITE inputs file (.input): start and end times, burn periods (the fire spreads only within them; times
    /// in the outputs are clock minutes from FARSITE_START_TIME), hourly RAWS weather (conditioning the dead fuels
    /// from its first row), initial fuel moistures, foliar moisture, crown fire method, spotting; what Emberfall
    /// does not model is listed. Replaces --weather and --duration.
    #[arg(long, value_name = "FILE.input", conflicts_with_all = ["weather_csv"])]
    farsite_input: Option<PathBuf>,
    /// Clock time the fire starts in a time-stamped weather stream (RFC 3339): rows are re-timed from it by their
    /// `valid_time`; earlier rows condition the fuels.
    #[arg(long, value_name = "TIME")]
    weather_start: Option<String>,
    /// Start of the fuel conditioning period (FlamMap's): an RFC 3339 time, or a duration before the fire (48h);
    /// earlier rows are not used. Default: the stream's first row.
    #[arg(long, value_name = "TIME|DURATION")]
    conditioning_start: Option<String>,
    /// How a conditioning stream's weather reaches the fuels: `station` (its weather on open flat ground
    /// everywhere) or `terrain` (per class of cells: lapse rates to each elevation from --station-elevation, the sun
    /// on each slope and aspect through each canopy). Default: station; terrain with --farsite-input.
    #[arg(long, value_enum)]
    conditioning: Option<emberfall::weather::conditioning::Mode>,
    /// Elevation of the weather station, m (terrain conditioning's lapse rates; --farsite-input: RAWS_ELEVATION).
    #[arg(long, value_name = "M")]
    station_elevation: Option<f64>,
    /// Initial fuel moistures per fuel model: a FARSITE / FlamMap .fms file (rows `model 1h 10h 100h herb woody`,
    /// percent; model 0 replaces --moisture). --farsite-input: its FUEL_MOISTURES_DATA rows.
    #[arg(long, value_name = "FILE.fms")]
    fuel_moistures: Option<PathBuf>,
    /// Also write the dead fuel moistures of every weather period: moisture/dead_moisture_t{MIN}min.tif (bands
    /// 1-h, 10-h, 100-h, percent; clock minutes from the start).
    #[arg(long)]
    write_moisture: bool,
    /// Ignition point X,Y[,T_MIN] in the landscape's CRS (repeatable).
    #[arg(long, value_name = "X,Y[,T_MIN]", allow_hyphen_values = true)]
    ignite: Vec<String>,
    /// Ignition point LON,LAT[,T_MIN] in WGS 84 degrees (repeatable).
    #[arg(long, value_name = "LON,LAT[,T_MIN]", allow_hyphen_values = true)]
    ignite_lonlat: Vec<String>,
    /// Ignitions from a vector file (points, lines, polygons; optional `time_min` attribute).
    #[arg(long, value_name = "FILE")]
    ignitions: Option<PathBuf>,
    /// Length of the run: 6h, 90min, 3600s, or minutes.
    #[arg(long, default_value = "6h")]
    duration: String,
    /// Time between isochrones: a duration, or auto (1 h for fires up to a day, else the duration / 24 in whole
    /// hours).
    #[arg(long, default_value = "auto")]
    isochrone_interval: String,
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
    /// Write Cloud Optimized GeoTIFFs.
    #[arg(long)]
    cog: bool,
    /// Turn BehavePlus's wind limit off.
    #[arg(long)]
    no_wind_limit: bool,
    /// Relative change of spread conditions along a ray beyond which it is re-anchored (see README).
    #[arg(long, default_value_t = 0.05)]
    tolerance: f64,
    #[command(flatten)]
    crown: CrownOptArgs,
    #[command(flatten)]
    spotting: SpottingArgs,
    #[arg(long, value_enum, default_value = "auto")]
    backend: BackendArg,
}

/// Crown fire area and spotting counts of a fire, through `say` (standard error where standard output lists files).
fn print_fire_extras(sp: &emberfall::run::pipeline::FireSummary, say: fn(&str)) {
    if let Some(a) = sp.areas.last() {
        say(&format!(
            "crown fire: {:.2} ha ({} cells, {} active)",
            a.crown_area_ha, a.crown_cells, a.active_crown_cells
        ));
    }
    if let Some(s) = &sp.spotting {
        say(&format!(
            "spotting: {} cells launched {} embers, {} landed, {} spot fires",
            s.launching_cells, s.embers_launched, s.embers_landed, s.spot_fires
        ));
    }
}

/// What an ensemble run or merge wrote, and its verdicts, on standard output.
fn print_ensemble(run: &emberfall::ensemble::EnsembleRun) {
    let a = &run.accumulator;
    let with_fire = a.records.iter().filter(|r| r.area_ha.last().is_some_and(|&x| x > 0.0)).count();
    println!(
        "{} members ({} of the ensemble's {}): {} ignited a fire; backend {}",
        a.members,
        a.records.len(),
        a.ensemble_members,
        with_fire,
        run.backend
    );
    let t = &run.timing;
    // Members run: the ensemble's and the launch-window sweep's.
    let ran = a.members as usize + a.window.iter().map(|w| w.1.len()).sum::<usize>();
    if ran > a.members as usize {
        println!("launch window: {} candidate times, {} members", a.window.len(), ran - a.members as usize);
    }
    println!(
        "time: inputs {:.2} s, members {:.2} s ({:.1} members/s over all {ran} run), products {:.2} s",
        t.inputs_s,
        t.compute_s,
        ran as f64 / t.compute_s.max(1e-9),
        t.products_s
    );
    // Peak resident memory of the process (Linux), to show it does not grow with the member count.
    if let Some(kb) = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.to_string()))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse::<f64>().ok()))
    {
        println!("memory: peak {:.0} MiB", kb / 1024.0);
    }
    for c in &run.criteria {
        println!(
            "{:9}  P({} | failure) = {:.3e} [{:.3e}, {:.3e}], limit {:.0e}{}",
            c.verdict.word(),
            c.name,
            c.probability,
            c.ci95_low,
            c.ci95_high,
            c.limit,
            c.members_needed.map_or(String::new(), |m| format!(" ({m} members would decide it)"))
        );
    }
    println!("wrote {} files to {}", run.files.len(), run.out_dir.display());
}

/// The command line, with negative numbers taken as values wherever a flag takes a number (`--cell-size -30` then
/// gets the flag's own check, `--wind-from-deg -45` is read), on every subcommand.
fn parse_cli() -> Cli {
    fn negatives(c: clap::Command) -> clap::Command {
        c.allow_negative_numbers(true).mut_subcommands(negatives)
    }
    let m = negatives(Cli::command()).get_matches();
    Cli::from_arg_matches(&m).unwrap_or_else(|e| e.exit())
}

fn main() -> ExitCode {
    // Standard output closed early (`emberfall surface --csv F | head`): end quietly, as command-line tools do, instead
    // of panicking on the failed write (Rust ignores SIGPIPE by default).
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to its default before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // SIGINT/SIGTERM: stop, remove unfinished outputs, leave every output folder with its last complete set.
    if let Err(e) = emberfall::io::interrupt::install() {
        eprintln!("note: SIGINT and SIGTERM are not handled ({e}): an interrupted run may leave its staging folder");
    }
    // GDAL and PROJ report through Emberfall's errors (their text is in them), not as raw lines before them.
    emberfall::io::route_gdal_messages();
    // Mesa's software Vulkan driver warns on stderr without it; point it at the temporary folder.
    if std::env::var_os("XDG_RUNTIME_DIR").is_none() {
        std::env::set_var("XDG_RUNTIME_DIR", std::env::temp_dir());
    }
    let cli = parse_cli();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Landscape { command } => match command {
            LandscapeCommand::Info { landscape } => landscape_info(&landscape),
            LandscapeCommand::Synth { fuel, rows, cols, cell_size, slope_pct, aspect_deg, epsg, origin, out } => {
                let cat = FuelCatalog::standard();
                let model =
                    cat.find(&fuel).ok_or_else(|| Error::Invalid(format!("--fuel {fuel}: unknown fuel model")))?;
                let o: Vec<f64> = origin
                    .split(',')
                    .map(|s| {
                        s.trim().parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(|| {
                            Error::Invalid(format!("--origin {origin}: `{}` is not a number; give X,Y", s.trim()))
                        })
                    })
                    .collect::<Result<_>>()?;
                if o.len() != 2 {
                    return Err(Error::Invalid(format!("--origin {origin}: give X,Y")));
                }
                quantity::slope_pct(slope_pct, "--slope-pct")?;
                if !(cell_size.is_finite() && cell_size > 0.0 && cell_size <= 10_000.0) {
                    return Err(Error::Invalid(format!("--cell-size {cell_size}: must be a length in m, 0..10000")));
                }
                if rows == 0 || cols == 0 {
                    return Err(Error::Invalid("--rows and --cols must be at least 1".into()));
                }
                // 8 Float32 bands in memory and their copy for writing.
                quantity::grid_fits(rows as u128 * cols as u128, 64, "landscape synth")?;
                let srs = gdal::spatial_ref::SpatialRef::from_epsg(epsg)
                    .map_err(|_| Error::Invalid(format!("--epsg {epsg}: not an EPSG code of a CRS that PROJ knows")))?;
                if !srs.is_projected() || (srs.linear_units() - 1.0).abs() > 1e-9 {
                    return Err(Error::Invalid(format!(
                        "--epsg {epsg}: give a projected CRS in metres (a UTM zone, say); this one is {}",
                        if srs.is_projected() { "projected in other units" } else { "geographic (degrees)" }
                    )));
                }
                let spec = SynthSpec {
                    fuel_code: model.number,
                    rows,
                    cols,
                    cell_size_m: cell_size,
                    slope_pct,
                    aspect_deg,
                    epsg,
                    origin: (o[0], o[1]),
                };
                write_synthetic(&spec, &out)?;
                println!(
                    "wrote {} ({rows} x {cols} cells of {cell_size} m, fuel {}, EPSG:{epsg})",
                    out.display(),
                    model.code
                );
                Ok(())
            }
            LandscapeCommand::Kii { out } => {
                emberfall::landscape::kii::write_kii_landscape(&out)?;
                println!("wrote {}", out.display());
                Ok(())
            }
        },
        Command::Surface(args) => surface(args),
        Command::Crown(args) => crown(args),
        Command::Spot { csv, out } => {
            let n = emberfall::run::spot_calculator::run_csv(&csv, out.as_deref())?;
            if let Some(o) = &out {
                eprintln!("{n} cases written to {}", o.display());
            }
            Ok(())
        }
        Command::Moisture { weather, initial, out } => {
            let initial = initial
                .as_deref()
                .map(|s| emberfall::run::moisture_calculator::parse_initial(s, "--initial"))
                .transpose()?;
            let n = emberfall::run::moisture_calculator::run_csv(&weather, initial.as_deref(), out.as_deref())?;
            if let Some(o) = &out {
                eprintln!("{n} hours written to {}", o.display());
            }
            Ok(())
        }
        Command::Behavior(args) => behavior(args),
        Command::Spread(args) => spread(*args),
        Command::GpuInfo { backend } => gpu_info(backend),
        Command::Run { scenario, out, seed, backend } => run_scenario(&scenario, out, seed, backend),
        Command::Demo { out, backend, behavior_maps, members } => demo(&out, backend, behavior_maps, members),
        Command::Ensemble { scenario, members, out, shard, seed, cog, backend } => {
            let opts = emberfall::ensemble::EnsembleOptions {
                members,
                out,
                shard: shard.as_deref().map(emberfall::ensemble::Shard::parse).transpose()?,
                backend: backend.map(Into::into),
                cog,
                seed,
            };
            let run = emberfall::ensemble::run_file(&scenario, &opts, &mut |m| eprintln!("{m}"))?;
            print_ensemble(&run);
            Ok(())
        }
        Command::Merge { shards, out, scenario, cog, backend } => {
            let opts =
                emberfall::ensemble::EnsembleOptions { backend: backend.map(Into::into), cog, ..Default::default() };
            let run = emberfall::ensemble::merge(scenario.as_deref(), &shards, &opts, &out, &mut |m| eprintln!("{m}"))?;
            print_ensemble(&run);
            Ok(())
        }
    }
}

fn landscape_info(args: &LandscapeArgs) -> Result<()> {
    let mut ls = Landscape::load(&args.spec()?)?;
    ls.ensure_terrain(&Engine::Cpu)?;
    let g = &ls.grid;
    let (xmin, ymin, xmax, ymax) = g.extent();
    println!("grid        {} rows x {} cols = {} cells", g.rows, g.cols, g.len());
    println!("crs         {}", g.crs_name());
    println!("cell size   {} x {} m", g.dx(), g.dy());
    println!("extent      x {xmin:.2} .. {xmax:.2}, y {ymin:.2} .. {ymax:.2}");
    let range = |v: &[f32]| {
        let f: Vec<f32> = v.iter().copied().filter(|x| x.is_finite()).collect();
        let lo = f.iter().copied().fold(f32::INFINITY, f32::min);
        let hi = f.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        (lo, hi)
    };
    let valid = |v: &[f32]| -> Vec<f32> {
        v.iter().zip(&ls.fuel).filter(|(_, &f)| f != FUEL_NODATA).map(|(x, _)| *x).collect()
    };
    let (elo, ehi) = range(&valid(&ls.elevation_m));
    println!("elevation   {elo:.1} .. {ehi:.1} m");
    if let Some(s) = &ls.slope_tan {
        let (slo, shi) = range(&valid(s));
        println!(
            "slope       {:.1} .. {:.1} % ({:.1} .. {:.1} deg)",
            pct_from_frac(slo as f64),
            pct_from_frac(shi as f64),
            slo.atan().to_degrees(),
            shi.atan().to_degrees()
        );
    }
    println!("nodata      {} cells ({:.2} %)", ls.nodata_cells, 100.0 * ls.nodata_cells as f64 / g.len().max(1) as f64);
    for (name, layer) in [
        ("canopy cover", &ls.canopy_cover_frac),
        ("canopy height", &ls.canopy_height_m),
        ("canopy base height", &ls.canopy_base_height_m),
        ("canopy bulk density", &ls.canopy_bulk_density_kg_per_m3),
    ] {
        if let Some(v) = layer {
            let (lo, hi) = range(v);
            println!(
                "{name:<20}{lo:.2} .. {hi:.2} {}",
                match name {
                    "canopy cover" => "(fraction)",
                    "canopy bulk density" => "kg/m3",
                    _ => "m",
                }
            );
        }
    }
    println!("fuel models:");
    for (code, count) in ls.fuel_histogram() {
        let name = if code == FUEL_NODATA {
            "nodata".to_string()
        } else {
            ls.catalog.get(code).map(|m| format!("{} {}", m.code, m.name)).unwrap_or_default()
        };
        println!("  {code:>5}  {count:>9} cells  {:>6.2} %  {name}", 100.0 * count as f64 / g.len() as f64);
    }
    for n in &ls.notes {
        println!("note: {n}");
    }
    Ok(())
}

fn crown(args: CrownArgs) -> Result<()> {
    let mut cat = FuelCatalog::standard();
    if let Some(p) = &args.fuel_models {
        cat.load_custom_noted(p)?;
    }
    let opts = SurfaceOptions { wind_limit: !args.no_wind_limit, ..Default::default() };
    let foliar = match args.foliar_moisture {
        Some(v) if !(v.is_finite() && v >= 0.0) => {
            return Err(Error::Invalid(format!("--foliar-moisture {v}: must be a non-negative percentage")))
        }
        v => v,
    };
    let n = emberfall::run::crown_calculator::run_csv(&args.csv, args.out.as_deref(), &cat, &opts, foliar)?;
    if let Some(o) = &args.out {
        eprintln!("{n} cases written to {}", o.display());
    }
    Ok(())
}

fn surface(args: SurfaceArgs) -> Result<()> {
    let mut cat = FuelCatalog::standard();
    if let Some(p) = &args.fuel_models {
        cat.load_custom_noted(p)?;
    }
    let opts = SurfaceOptions { wind_limit: !args.no_wind_limit, ..Default::default() };
    if let Some(csv) = &args.csv {
        let n = emberfall::run::calculator::run_csv(csv, args.out.as_deref(), &cat, &opts)?;
        if let Some(o) = &args.out {
            eprintln!("{n} cases written to {}", o.display());
        }
        return Ok(());
    }
    let (Some(fuel), Some(moist)) = (&args.fuel, &args.moisture) else {
        return Err(Error::Invalid(
            "give --csv IN.csv, or a single case with --fuel CODE --moisture M1,M10,M100,MHERB,MWOODY".into(),
        ));
    };
    let model = cat.find(fuel).ok_or_else(|| Error::Invalid(format!("--fuel {fuel}: unknown fuel model")))?;
    let moisture = emberfall::physics::surface::Moisture::from_percent(quantity::moisture_list(moist, "--moisture")?);
    let speed = quantity::wind_speed_kmh(args.wind_speed_kmh, "--wind-speed-kmh")?;
    let midflame = match WindHeight::from(args.wind_height) {
        WindHeight::Midflame => speed,
        WindHeight::TwentyFt => {
            speed * emberfall::physics::behavior::wind_adjustment_factor(model.depth_m, 0.0, 0.0, 0.0)
        }
        WindHeight::TenM => {
            wind_20ft_from_10m(speed)
                * emberfall::physics::behavior::wind_adjustment_factor(model.depth_m, 0.0, 0.0, 0.0)
        }
    };
    let site = SiteInputs {
        midflame_wind_m_per_min: midflame,
        wind_dir_rel_upslope_deg: quantity::direction_deg(args.wind_dir_rel_upslope_deg, "--wind-dir-rel-upslope-deg")?,
        slope_tan: frac_from_pct(quantity::slope_pct(args.slope_pct, "--slope-pct")?),
    };
    let f = surface_fire(model, &moisture, &site, &opts);
    println!("fuel model                  {} {} ({})", model.number, model.code, model.name);
    println!("midflame wind               {:.3} km/h", km_per_h_from_m_per_min(midflame));
    let vals = emberfall::run::calculator::output_values(&f);
    let units = ["m/min", "m/min", "m/min", "deg from upslope", "km/h", "", "kW/m", "m", "kJ/m2", "kW/m2", ""];
    for ((name, v), u) in emberfall::run::calculator::OUTPUT_COLUMNS.iter().zip(vals).zip(units) {
        println!("{name:<28}{v:.4} {u}");
    }
    Ok(())
}

fn behavior(args: BehaviorArgs) -> Result<()> {
    let Some(stream_path) = args.weather_stream.clone() else {
        let weather = args.weather.weather()?;
        let mut ls = Landscape::load(&args.landscape.spec()?)?;
        let engine = Engine::select(args.backend.into())?;
        eprintln!("backend: {}", engine.name());
        ls.ensure_terrain(&engine)?;
        let opts = args.crown.options(!args.no_wind_limit)?;
        let t = std::time::Instant::now();
        let (beh, files) =
            emberfall::run::maps::write_behavior_maps(&ls, &weather, &opts, &engine, &args.out, args.cog)?;
        return behavior_done(&ls, &[], &beh, t, files);
    };
    // A conditioned state: the stream's period in force at --at, its moistures per class where conditioned so.
    let mut args = args;
    let model_moistures = read_fuel_moistures(args.fuel_moistures.as_deref(), &mut args.weather)?;
    let spec = args
        .weather
        .spec(Some(stream_path.clone()), 100.0)?
        .with_conditioning(args.conditioning.unwrap_or_default(), args.station_elevation, "--station-elevation")?
        .with_model_moistures(model_moistures, "--fuel-moistures")?;
    let mut ls = Landscape::load(&args.landscape.spec()?)?;
    let engine = Engine::select(args.backend.into())?;
    eprintln!("backend: {}", engine.name());
    ls.ensure_terrain(&engine)?;
    let opts = args.crown.options(!args.no_wind_limit)?;
    let t = std::time::Instant::now();
    let cells = emberfall::physics::behavior::Cells::from_landscape(&ls)?;
    let lat = ls.grid.centre_lonlat().ok().map(|c| c.1);
    let mut obs = Vec::new();
    let stream_path = stream_path.as_path();
    let (stream, mut notes) = if emberfall::weather::forecast::is_forecast(stream_path) {
        let (s, _, n, o) =
            emberfall::weather::WeatherStream::from_forecast(stream_path, &spec.base, &ls.grid, &spec.times)?;
        obs = o;
        (s, n)
    } else {
        emberfall::weather::WeatherStream::from_file(
            stream_path,
            spec.farsite.as_deref(),
            &spec.base,
            lat,
            &spec.times,
            &mut obs,
        )?
    };
    let grids = emberfall::run::pipeline::moisture_grids(&ls, &cells, &spec, &stream, &obs, lat, &mut notes);
    let at = match &args.at {
        Some(a) => quantity::duration_min(a, "--at")?,
        None => stream.periods.last().map_or(0.0, |p| p.start_min),
    };
    let k = stream.period_at(at);
    let w = stream.periods[k].weather;
    let m = &w.moisture;
    notes.push(format!(
        "conditioned state at {at:.0} min: the period from {:.0} min, dead moistures {:.1}/{:.1}/{:.1} %{}",
        stream.periods[k].start_min,
        pct_from_frac(m.dead_1h),
        pct_from_frac(m.dead_10h),
        pct_from_frac(m.dead_100h),
        if grids.get(k).is_some_and(|g| g.is_some()) { " at the station, per class of cells on the maps" } else { "" }
    ));
    let grid = grids.get(k).cloned().flatten();
    let (beh, files) = emberfall::run::maps::write_conditioned_behavior_maps(
        &ls,
        &w,
        grid.as_deref(),
        &opts,
        &engine,
        &args.out,
        args.cog,
    )?;
    behavior_done(&ls, &notes, &beh, t, files)
}

/// The moistures of a `--fuel-moistures` .fms file: model 0's replace `--moisture`, the others are returned (per
/// fuel model, percent).
fn read_fuel_moistures(fms: Option<&std::path::Path>, weather: &mut WeatherArgs) -> Result<Vec<(u16, [f64; 5])>> {
    let mut per_model = Vec::new();
    for (code, m) in fms.map(emberfall::farsite::read_fms).transpose()?.unwrap_or_default() {
        if code == 0 {
            weather.moisture = Some(m.map(|v| v.to_string()).join(","));
        } else {
            per_model.push((code, m));
        }
    }
    Ok(per_model)
}

/// What a behaviour run reports: notes, cells and time, the files.
fn behavior_done(
    ls: &Landscape,
    notes: &[String],
    beh: &emberfall::physics::behavior::Behavior,
    t: std::time::Instant,
    files: Vec<PathBuf>,
) -> Result<()> {
    for n in ls.notes.iter().chain(notes) {
        eprintln!("note: {n}");
    }
    let ros = beh.field(field::ROS);
    let max = ros.iter().copied().fold(0f32, f32::max);
    eprintln!("{} cells in {:.2} s; max head spread rate {max:.2} m/min", ls.grid.len(), t.elapsed().as_secs_f64());
    for f in files {
        println!("{}", f.display());
    }
    Ok(())
}

fn spread(args: SpreadArgs) -> Result<()> {
    let mut ignitions = Vec::new();
    for s in &args.ignite {
        let (x, y, t_min) = sources::parse_triplet(s, "--ignite")?;
        ignitions.push(IgnitionSpec::Point { x, y, t_min });
    }
    for s in &args.ignite_lonlat {
        let (lon, lat, t_min) = sources::parse_triplet(s, "--ignite-lonlat")?;
        ignitions.push(IgnitionSpec::LonLat { lon, lat, t_min });
    }
    if let Some(p) = &args.ignitions {
        ignitions.push(IgnitionSpec::File(p.clone()));
    }
    let mut args = args;
    let crown_method = args.crown.method();
    let spotting = args.spotting.params()?;
    let foliar = args.crown.foliar_moisture_pct()?;
    let model_moistures = read_fuel_moistures(args.fuel_moistures.as_deref(), &mut args.weather)?;
    // FARSITE's own file gives what it holds (physics and weather: run::farsite_settings); the command line still
    // gives the landscape and the ignitions, and the flags below win over the file.
    let input = args.farsite_input.as_deref().map(emberfall::farsite::FarsiteInput::read).transpose()?;
    let given = emberfall::run::farsite_settings::FarsiteGiven {
        moisture: args.weather.moisture.is_some(),
        crown_method: args.crown.no_crown,
        fuel_models: args.landscape.fuel_models.is_some(),
        fuel_moistures: args.fuel_moistures.is_some(),
        conditioning: args.conditioning.is_some(),
        station_elevation: args.station_elevation.is_some(),
        spot_probability: args.spotting.no_spotting || args.spotting.spot_probability.is_some(),
        min_spot_distance: args.spotting.min_spot_distance > 0.0,
        ..Default::default()
    };
    if let (Some(i), None) = (&input, &args.weather.moisture) {
        // The weather spec needs moistures: model 0's of the file (checked again when the file is applied).
        if let Some(m) = i.moisture_pct {
            args.weather.moisture = Some(m.map(|v| v.to_string()).join(","));
        }
    }
    let stream = if input.is_some() { None } else { args.weather_csv.clone() };
    let mut sc = Scenario {
        path: None,
        name: None,
        description: None,
        seed: 0,
        backend: args.backend.into(),
        landscape: args.landscape.spec()?,
        weather: args
            .weather
            .spec(stream, foliar)?
            .with_times(
                args.weather_start.as_deref(),
                args.conditioning_start.as_deref(),
                ["--weather-start", "--conditioning-start"],
            )?
            .with_conditioning(args.conditioning.unwrap_or_default(), args.station_elevation, "--station-elevation")?
            .with_model_moistures(model_moistures, "--fuel-moistures")?,
        debris: None,
        ignitions,
        ignition: Default::default(),
        spread: SpreadSpec {
            duration_min: quantity::duration_min(&args.duration, "--duration")?,
            isochrone_interval_min: 0.0, // resolved below, once the duration is known

            tolerance: quantity::tolerance(args.tolerance, "--tolerance")?,
            wind_limit: !args.no_wind_limit,
            crown: crown_method,
        },
        spotting,
        output: OutputSpec { dir: args.out.clone(), cog: args.cog, write_moisture: args.write_moisture },
        ensemble: Default::default(),
        notes: Vec::new(),
    };
    if let Some(i) = input {
        let notes = sc.apply_farsite_input(i, &given)?;
        sc.notes.extend(notes);
    } else {
        sc.notes.extend(sc.spotting.notes());
    }
    sc.spread.isochrone_interval_min = emberfall::run::pipeline::isochrone_interval_min(
        &args.isochrone_interval,
        sc.spread.duration_min,
        "--isochrone-interval",
    )?;
    if sc.ignitions.is_empty() {
        return Err(Error::Invalid("no ignitions: give --ignite, --ignite-lonlat or --ignitions".into()));
    }
    let duration = sc.spread.duration_min;
    let rep = emberfall::run::run_scenario(sc, &mut |m| eprintln!("{m}"))?;
    eprintln!("time: {}", rep.timing.split());
    if let Some(s) = &rep.member.summary {
        eprintln!(
            "burned {} cells ({:.1} ha) in {:.1} h of fire; {:.2} s on {}",
            s.burned_cells,
            s.burned_area_ha,
            duration / MIN_PER_H,
            s.run_time_s,
            s.backend
        );
        print_fire_extras(s, |m| eprintln!("{m}"));
        if s.ignition_points_on_unburnable_cells > 0 {
            eprintln!(
                "note: {} ignition points fell on non-burnable cells or fuel too wet to burn",
                s.ignition_points_on_unburnable_cells
            );
        }
    }
    for f in rep.files {
        println!("{}", f.display());
    }
    Ok(())
}

fn gpu_info(backend: BackendArg) -> Result<()> {
    let gpu = Gpu::new(backend.into())?;
    println!("adapter   {}", gpu.info.name);
    println!(
        "type      {:?}{}",
        gpu.info.device_type,
        if gpu.is_hardware() { "" } else { " (software: for tests, not speed)" }
    );
    println!("backend   {:?}", gpu.info.backend);
    println!("driver    {} {}", gpu.info.driver, gpu.info.driver_info);
    for (k, v) in limits_report(&gpu.limits) {
        println!("{k:<40}{v}");
    }
    Ok(())
}

fn run_scenario(
    path: &std::path::Path,
    out: Option<PathBuf>,
    seed: Option<u64>,
    backend: Option<BackendArg>,
) -> Result<()> {
    let ov = emberfall::run::Overrides { backend: backend.map(Into::into), out_dir: out, seed };
    let rep = emberfall::run::run_file(path, &ov, &mut |m| eprintln!("{m}"))?;
    eprintln!("time: {}", rep.timing.split());
    for f in &rep.files {
        println!("{}", f.display());
    }
    Ok(())
}

fn demo(out: &std::path::Path, backend: BackendArg, behavior_maps: bool, members: Option<usize>) -> Result<()> {
    // The inputs are built into the binary: written beside the outputs, they run from any folder.
    let scenario = emberfall::run::demo::unpack(&out.join("inputs"))?;
    println!("Emberfall demo: a Kairos-like launch failure over Spaceport Kii");
    println!("SYNTHETIC: the landscape (dem/README.md), the debris catalogue and the weather are made up for the");
    println!("demonstration; see examples/kairos_2024.toml and ../shared/KAIROS_FACTS.md for what is known.");
    println!("scenario:  {}", scenario.display());
    let ov = emberfall::run::Overrides { backend: Some(backend.into()), out_dir: Some(out.to_path_buf()), seed: None };
    let rep = emberfall::run::run_file(&scenario, &ov, &mut |m| println!("{m}"))?;
    if let Some(sp) = &rep.member.summary {
        println!(
            "fire after {:.1} h: {:.2} ha burned, max spread rate {:.1} m/min, max flame length {:.1} m",
            sp.duration_min / MIN_PER_H,
            sp.burned_area_ha,
            sp.max_ros_m_per_min,
            sp.max_flame_length_m
        );
        print_fire_extras(sp, |m| println!("{m}"));
    }
    if behavior_maps {
        // The fire behaviour of the whole landscape under the scenario's weather.
        let p = &rep.prepared;
        let (_, files) = emberfall::run::maps::write_behavior_maps(
            &p.landscape,
            &p.scenario.weather.base,
            &p.scenario.surface_options(),
            &p.engine,
            &out.join("behavior"),
            false,
        )?;
        println!("behaviour maps: {}", files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", "));
    }
    println!("time: {}", rep.timing.split());
    println!("outputs (report: {}):", rep.out_dir.join("report.md").display());
    for f in &rep.files {
        println!("  {}", f.display());
    }
    if members == Some(0) {
        return Ok(());
    }
    // The hazard ensemble beside the single realisation: failures over the first 20 s of flight.
    println!();
    println!("hazard ensemble: a failure at any time in the first 20 s of flight (examples/kairos_trajectory.csv)");
    let opts = emberfall::ensemble::EnsembleOptions {
        members,
        out: Some(out.join("ensemble")),
        backend: Some(backend.into()),
        ..Default::default()
    };
    let run = emberfall::ensemble::run_file(&scenario, &opts, &mut |m| println!("{m}"))?;
    print_ensemble(&run);
    println!("hazard report: {}", run.out_dir.join("report.html").display());
    Ok(())
}
