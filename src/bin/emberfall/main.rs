//! The `emberfall` command: parses the command line (`args.rs`, `cli.rs`) and runs a subcommand (`commands.rs`);
//! everything it computes is in the library.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use emberfall::landscape::{parse_origin, write_synthetic, SynthSpec};
use emberfall::physics::fuel::FuelCatalog;
use emberfall::{Error, Result};

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
                let model = cat.find(&fuel).ok_or_else(|| Error::value("--fuel", &fuel, "unknown fuel model"))?;
                let spec = SynthSpec {
                    fuel_code: model.number,
                    rows,
                    cols,
                    cell_size_m: cell_size,
                    slope_pct,
                    aspect_deg,
                    epsg,
                    origin: parse_origin(&origin, "--origin")?,
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
        Command::Moisture { weather, initial, out } => moisture(&weather, initial.as_deref(), out.as_deref()),
        Command::Behavior(args) => behavior(*args),
        Command::Spread(args) => spread(*args),
        Command::GpuInfo { backend } => gpu_info(backend),
        Command::Run { scenario, out, seed, backend, start, assets, map_extent, whole_landscape, memory_budget } => {
            let ov = emberfall::run::Overrides {
                backend: backend.map(Into::into),
                out_dir: out,
                seed,
                start: start.as_deref().map(|s| emberfall::run::start::StartTime::parse(s, "--start")).transpose()?,
                assets,
                map_extent,
                whole_landscape,
                memory_budget,
            };
            run_scenario(&scenario, &ov)
        }
        Command::Demo { out, backend, behavior_maps, members } => demo(&out, backend, behavior_maps, members),
        Command::Ensemble {
            scenario,
            members,
            out,
            shard,
            seed,
            cog,
            backend,
            map_extent,
            whole_landscape,
            memory_budget,
        } => {
            let opts = emberfall::ensemble::EnsembleOptions {
                members,
                out,
                shard: shard.as_deref().map(emberfall::ensemble::Shard::parse).transpose()?,
                backend: backend.map(Into::into),
                cog,
                seed,
                map_extent,
                whole_landscape,
                memory_budget,
            };
            ensemble(&scenario, &opts)
        }
        Command::Merge { shards, out, scenario, cog, backend, map_extent } => {
            let opts = emberfall::ensemble::EnsembleOptions {
                backend: backend.map(Into::into),
                cog,
                map_extent,
                ..Default::default()
            };
            merge(&shards, &out, scenario.as_deref(), &opts)
        }
    }
}
