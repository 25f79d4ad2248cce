//! The `emberfall` command: parses the command line (`args.rs`, `cli.rs`) and runs a subcommand (`commands.rs`);
//! everything it computes is in the library.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use emberfall::landscape::{write_synthetic, SynthSpec};
use emberfall::physics::fuel::FuelCatalog;
use emberfall::{quantity, Error, Result};

mod args;
mod cli;
mod commands;

use args::*;
use commands::*;

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
