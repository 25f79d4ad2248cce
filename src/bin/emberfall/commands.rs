//! Each subcommand: its arguments turned into library calls, and what it prints.

use std::path::{Path, PathBuf};

use crate::cli::{BackendArg, LandscapeArgs, WeatherArgs};
use emberfall::gpu::{limits_report, Engine, Gpu};
use emberfall::landscape::{Landscape, FUEL_NODATA};
use emberfall::physics::behavior::{field, WindHeight};
use emberfall::physics::fuel::FuelCatalog;
use emberfall::physics::surface::{surface_fire, SiteInputs, SurfaceOptions};
use emberfall::run::scenario::{IgnitionSpec, OutputSpec, Scenario, SpreadSpec};
use emberfall::spread::sources;
use emberfall::units::{frac_from_pct, km_per_h_from_m_per_min, pct_from_frac, MIN_PER_H};
use emberfall::{quantity, Error, Result};

use crate::args::*;

/// Crown fire area and spotting counts of a fire, through `say` (standard error where standard output lists files).
pub fn print_fire_extras(sp: &emberfall::run::pipeline::FireSummary, say: fn(&str)) {
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
pub fn print_ensemble(run: &emberfall::ensemble::EnsembleRun) {
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
    // Members run: the ensemble's, the launch-window sweep's and the sensitivity runs'.
    let window: usize = a.window.iter().map(|w| w.1.len()).sum();
    let sensitivity: usize = a.sensitivity.iter().map(|w| w.2.len()).sum();
    let ran = a.members as usize + window + sensitivity;
    if window > 0 {
        println!("launch window: {} candidate times, {window} members", a.window.len());
    }
    if sensitivity > 0 {
        println!(
            "sensitivity runs: {} ({sensitivity} members)",
            a.sensitivity.iter().map(|w| w.0.as_str()).collect::<Vec<_>>().join(", ")
        );
    }
    // A merge runs no member: no rate to give.
    let rate = if t.compute_s > 0.0 {
        format!(" ({:.1} members/s over all {ran} run)", ran as f64 / t.compute_s)
    } else {
        " (none run here: merged)".to_string()
    };
    println!("time: inputs {:.2} s, members {:.2} s{rate}, products {:.2} s", t.inputs_s, t.compute_s, t.products_s);
    // Peak resident memory of the process (Linux), to show it does not grow with the member count.
    if let Some(m) = peak_memory_line() {
        println!("{m}");
    }
    for c in &run.criteria {
        println!(
            "{:9}  P({}{}) = {:.3e} [{:.3e}, {:.3e}], limit {:.0e}{}",
            c.verdict.word(),
            c.name,
            if c.per_launch { "" } else { " | failure" },
            c.probability,
            c.ci95_low,
            c.ci95_high,
            c.limit,
            c.members_needed.map_or(String::new(), |m| format!(" ({m} members would decide it)"))
        );
    }
    println!("wrote {} files to {}", run.files.len(), run.out_dir.display());
}

/// `landscape info` of a landscape too large to read whole: the grid, and each layer's sampled values.
fn landscape_info_sampled(spec: &emberfall::landscape::LandscapeSpec) -> Result<()> {
    let s = Landscape::sample(spec, 32)?;
    let g = &s.grid;
    let (xmin, ymin, xmax, ymax) = g.extent();
    println!("grid        {} rows x {} cols = {} cells", g.rows, g.cols, g.len());
    println!("crs         {}", g.crs_name());
    println!("cell size   {} x {} m", g.dx(), g.dy());
    println!("extent      x {xmin:.2} .. {xmax:.2}, y {ymin:.2} .. {ymax:.2}");
    println!(
        "sampled     {0} x {0} cells spread over the whole extent (the landscape has over {1} cells: not read whole; values \
         in the sources' own units)",
        s.side,
        emberfall::landscape::sample::SAMPLED_INFO_CELLS
    );
    for l in &s.layers {
        let range = l.range.map_or("no data in the sample".to_string(), |(lo, hi)| format!("{lo} .. {hi}"));
        println!("{:<20}{range}  ({}, band {} of {})", l.layer, l.data_type, l.band, l.path.display());
    }
    let n: usize = s.fuel_codes.iter().map(|c| c.1).sum();
    println!("fuel codes in the sample:");
    for (code, count) in &s.fuel_codes {
        println!("  {code:>5}  {:>6.2} %", 100.0 * *count as f64 / n.max(1) as f64);
    }
    Ok(())
}

pub fn landscape_info(args: &LandscapeArgs) -> Result<()> {
    let spec = args.spec()?;
    if Landscape::grid_of(&spec)?.len() > emberfall::landscape::sample::SAMPLED_INFO_CELLS {
        return landscape_info_sampled(&spec);
    }
    let mut ls = Landscape::load(&spec)?;
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

/// The standard fuel models and those of `--fuel-models` (each replaced model named on standard error).
fn catalog(fuel_models: Option<&std::path::Path>) -> Result<FuelCatalog> {
    let mut cat = FuelCatalog::standard();
    if let Some(p) = fuel_models {
        cat.load_custom_noted(p)?;
    }
    Ok(cat)
}

pub fn crown(args: CrownArgs) -> Result<()> {
    let cat = catalog(args.fuel_models.as_deref())?;
    let opts = SurfaceOptions { wind_limit: !args.no_wind_limit, ..Default::default() };
    let foliar = match args.foliar_moisture {
        Some(v) if !(v.is_finite() && v >= 0.0) => {
            return Err(Error::value("--foliar-moisture", v, "must be a non-negative percentage"))
        }
        v => v,
    };
    let n = emberfall::run::crown_calculator::run_csv(&args.csv, args.out.as_deref(), &cat, &opts, foliar)?;
    if let Some(o) = &args.out {
        eprintln!("{n} cases written to {}", o.display());
    }
    Ok(())
}

pub fn surface(args: SurfaceArgs) -> Result<()> {
    let cat = catalog(args.fuel_models.as_deref())?;
    let opts = SurfaceOptions { wind_limit: !args.no_wind_limit, ..Default::default() };
    if let Some(csv) = &args.csv {
        let n = emberfall::run::calculator::run_csv(csv, args.out.as_deref(), &cat, &opts)?;
        if let Some(o) = &args.out {
            eprintln!("{n} cases written to {}", o.display());
        }
        return Ok(());
    }
    let (Some(fuel), Some(moist)) = (&args.fuel, &args.moisture) else {
        return Err(Error::value(
            "surface",
            "",
            "give --csv IN.csv, or a single case with --fuel CODE --moisture M1,M10,M100,MHERB,MWOODY",
        ));
    };
    let model = cat.find(fuel).ok_or_else(|| Error::value("--fuel", fuel, "unknown fuel model"))?;
    let moisture = emberfall::physics::surface::Moisture::from_percent(quantity::moisture_list(moist, "--moisture")?);
    let speed = quantity::wind_speed_kmh(args.wind_speed_kmh, "--wind-speed-kmh")?;
    let wind = emberfall::physics::behavior::Weather {
        moisture,
        wind_speed_m_per_min: speed,
        wind_from_deg: 0.0,
        wind_height: WindHeight::from(args.wind_height),
    };
    let midflame = wind.midflame_in_the_open_m_per_min(model.depth_m);
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

pub fn behavior(mut args: BehaviorArgs) -> Result<()> {
    // Without a stream, the weather given; with one, the stream's period in force at --at, its moistures per class
    // where conditioned so.
    enum State {
        Given(emberfall::physics::behavior::Weather),
        Stream(PathBuf, Box<emberfall::run::scenario::WeatherSpec>),
    }
    if let Some(n) = args.weather.calm_note(args.weather_stream.is_some()) {
        eprintln!("note: {n}");
    }
    let state = match args.weather_stream.clone() {
        None => State::Given(args.weather.weather()?),
        Some(stream_path) => {
            let model_moistures = read_fuel_moistures(args.fuel_moistures.as_deref(), &mut args.weather)?;
            let spec = args
                .weather
                .spec(Some(stream_path.clone()), 100.0)?
                .with_conditioning(
                    args.conditioning.unwrap_or_default(),
                    args.station_elevation,
                    "--station-elevation",
                )?
                .with_model_moistures(model_moistures, "--fuel-moistures")?;
            State::Stream(stream_path, Box::new(spec))
        }
    };
    let mut ls = Landscape::load(&args.landscape.spec()?)?;
    let engine = Engine::select(args.backend.into())?;
    eprintln!("backend: {}", engine.name());
    ls.ensure_terrain(&engine)?;
    let opts = args.crown.options(!args.no_wind_limit)?;
    let t = std::time::Instant::now();
    let (beh, files, notes) = match state {
        State::Given(weather) => {
            let (beh, files) =
                emberfall::run::maps::write_behavior_maps(&ls, &weather, &opts, &engine, &args.out, args.cog)?;
            (beh, files, Vec::new())
        }
        State::Stream(stream_path, spec) => {
            let at = args.at.as_deref().map(|a| quantity::duration_min(a, "--at")).transpose()?;
            let (w, grid, notes) = emberfall::run::maps::conditioned_state(&ls, &spec, &stream_path, at)?;
            let (beh, files) = emberfall::run::maps::write_conditioned_behavior_maps(
                &ls,
                &w,
                grid.as_deref(),
                &opts,
                &engine,
                &args.out,
                args.cog,
            )?;
            (beh, files, notes)
        }
    };
    behavior_done(&ls, &notes, &beh, t, files)
}

/// The moistures of a `--fuel-moistures` .fms file: model 0's replace `--moisture`, the others are returned (per
/// fuel model, percent).
pub fn read_fuel_moistures(fms: Option<&std::path::Path>, weather: &mut WeatherArgs) -> Result<Vec<(u16, [f64; 5])>> {
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
pub fn behavior_done(
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

/// `--ignite`, `--ignite-lonlat` and `--ignitions`.
fn ignitions_of(args: &SpreadArgs) -> Result<Vec<IgnitionSpec>> {
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
    Ok(ignitions)
}

/// What the command line gives itself, so that a FARSITE `.input` does not override it.
fn farsite_given(args: &SpreadArgs) -> emberfall::run::farsite_settings::FarsiteGiven {
    emberfall::run::farsite_settings::FarsiteGiven {
        moisture: args.weather.moisture.is_some(),
        crown_method: args.crown.given(),
        fuel_models: args.landscape.fuel_models.is_some(),
        fuel_moistures: args.fuel_moistures.is_some(),
        conditioning: args.conditioning.is_some(),
        station_elevation: args.station_elevation.is_some(),
        spot_probability: args.spotting.no_spotting || args.spotting.spot_probability.is_some(),
        min_spot_distance: args.spotting.min_spot_distance > 0.0,
        ..Default::default()
    }
}

/// What a spread run says when it is done: the time split, the fire, and the files (on standard output).
fn say_spread(rep: emberfall::run::RunReport, duration_min: f64) {
    eprintln!("time: {}", rep.timing.split());
    if let Some(m) = peak_memory_line() {
        eprintln!("{m}");
    }
    if let Some(s) = &rep.member.summary {
        eprintln!(
            "burned {} cells ({:.1} ha) in {:.1} h of fire; {:.2} s on {}",
            s.burned_cells,
            s.burned_area_ha,
            duration_min / MIN_PER_H,
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
}

pub fn spread(args: SpreadArgs) -> Result<()> {
    let ignitions = ignitions_of(&args)?;
    let mut args = args;
    let crown_method = args.crown.method();
    let spotting = args.spotting.params()?;
    let foliar = args.crown.foliar_moisture_pct()?;
    let model_moistures = read_fuel_moistures(args.fuel_moistures.as_deref(), &mut args.weather)?;
    let given = farsite_given(&args);
    // FARSITE's own file gives what it holds (physics and weather: run::farsite_settings); the command line still
    // gives the landscape and the ignitions, and the flags below win over the file.
    let input = args.farsite_input.as_deref().map(emberfall::farsite::FarsiteInput::read).transpose()?;
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
        output: OutputSpec {
            dir: args.out.clone(),
            cog: args.cog,
            write_moisture: args.write_moisture,
            map_extent: args.map_extent,
        },
        ensemble: Default::default(),
        start: args.start.as_deref().map(|s| emberfall::run::start::StartTime::parse(s, "--start")).transpose()?,
        notes: Vec::new(),
    };
    sc.add_asset_files(&args.assets)?;
    if let Some(i) = input {
        let notes = sc.apply_farsite_input(i, &given)?;
        sc.notes.extend(notes);
    } else {
        sc.notes.extend(args.weather.calm_note(args.weather_csv.is_some()));
        sc.notes.extend(sc.spotting.notes());
    }
    sc.spread.isochrone_interval_min = emberfall::run::pipeline::isochrone_interval_min(
        &args.isochrone_interval,
        sc.spread.duration_min,
        "--isochrone-interval",
    )?;
    if sc.ignitions.is_empty() {
        return Err(Error::value("no ignitions", "", "give --ignite, --ignite-lonlat or --ignitions"));
    }
    let duration = sc.spread.duration_min;
    let rep = emberfall::run::run_scenario(sc, &mut |m| eprintln!("{m}"))?;
    say_spread(rep, duration);
    Ok(())
}

pub fn gpu_info(backend: BackendArg) -> Result<()> {
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

pub fn run_scenario(path: &std::path::Path, ov: &emberfall::run::Overrides) -> Result<()> {
    let rep = emberfall::run::run_file(path, ov, &mut |m| eprintln!("{m}"))?;
    eprintln!("time: {}", rep.timing.split());
    if let Some(m) = peak_memory_line() {
        eprintln!("{m}");
    }
    for f in &rep.files {
        println!("{}", f.display());
    }
    Ok(())
}

pub fn demo(out: &std::path::Path, backend: BackendArg, behavior_maps: bool, members: Option<usize>) -> Result<()> {
    // The inputs are built into the binary: written beside the outputs, they run from any folder.
    let scenario = emberfall::run::demo::unpack(&out.join("inputs"))?;
    println!("Emberfall demo: a Kairos-like launch failure over Spaceport Kii");
    println!("SYNTHETIC: the landscape (dem/README.md), the debris catalogue and the weather are made up for the");
    println!("demonstration; see examples/kairos_2024.toml and ../shared/KAIROS_FACTS.md for what is known.");
    println!("scenario:  {}", scenario.display());
    let ov = emberfall::run::Overrides {
        backend: Some(backend.into()),
        out_dir: Some(out.to_path_buf()),
        seed: None,
        ..Default::default()
    };
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
    if let Some(m) = peak_memory_line() {
        println!("{m}");
    }
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

pub fn moisture(weather: &Path, initial: Option<&str>, out: Option<&Path>) -> Result<()> {
    let initial = initial.map(|s| emberfall::run::moisture_calculator::parse_initial(s, "--initial")).transpose()?;
    let n = emberfall::run::moisture_calculator::run_csv(weather, initial.as_deref(), out)?;
    if let Some(o) = out {
        eprintln!("{n} hours written to {}", o.display());
    }
    Ok(())
}

pub fn ensemble(scenario: &Path, opts: &emberfall::ensemble::EnsembleOptions) -> Result<()> {
    let run = emberfall::ensemble::run_file(scenario, opts, &mut |m| eprintln!("{m}"))?;
    print_ensemble(&run);
    Ok(())
}

pub fn merge(
    shards: &[PathBuf],
    out: &Path,
    scenario: Option<&Path>,
    opts: &emberfall::ensemble::EnsembleOptions,
) -> Result<()> {
    let run = emberfall::ensemble::merge(scenario, shards, opts, out, &mut |m| eprintln!("{m}"))?;
    print_ensemble(&run);
    Ok(())
}

/// `memory: peak N MiB`: the process's peak resident memory (Linux VmHWM).
fn peak_memory_line() -> Option<String> {
    let kb = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.to_string()))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse::<f64>().ok()))?;
    Some(format!("memory: peak {:.0} MiB", kb / 1024.0))
}
