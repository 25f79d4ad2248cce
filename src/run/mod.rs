//! Runs and their products: scenarios ([`scenario`]), the pipeline of one member ([`pipeline`]), the products
//! written from a member ([`products`], [`isochrone`], [`report`]), fire behaviour maps ([`maps`]), the point
//! calculator ([`calculator`]), maps ([`render`]) and progress ([`progress`]). Files are written through
//! [`crate::io`].
//! [`run_file`] and [`run_scenario`] are what `emberfall run`, `spread` and `demo` call.

pub mod assets;
pub mod calculator;
pub mod crown_calculator;
pub mod demo;
pub mod ensemble_spec;
pub mod isochrone;
pub mod maps;
pub mod moisture_calculator;
pub mod paging;
pub mod pipeline;
pub mod products;
pub mod progress;
pub mod qgis;
pub mod render;
pub mod report;
pub mod scenario;
pub mod template;
/// A FARSITE .input's settings applied to a scenario (part of the scenario: [`scenario::farsite_settings`]).
pub use scenario::farsite_settings;
pub mod spot_calculator;
pub mod start;

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::debris::ignition::SampledIgnition;
use crate::error::Result;
use crate::gpu::{Backend, Engine};
use pipeline::{prepare, MemberResult, Prepared, Variation};
use scenario::Scenario;

/// Command-line overrides of a scenario file.
#[derive(Default)]
pub struct Overrides {
    pub backend: Option<Backend>,
    pub out_dir: Option<PathBuf>,
    pub seed: Option<u64>,
    /// Clock time of minute 0 (`--start`), replacing the scenario's `start`.
    pub start: Option<start::StartTime>,
    /// Asset files (`--assets`), beside the scenario's `[[asset]]` entries.
    pub assets: Vec<PathBuf>,
    /// What the maps frame (`--map-extent`), replacing the scenario's.
    pub map_extent: Option<scenario::MapExtent>,
    /// Read the whole landscape (`--whole-landscape`), not the window the fire reaches.
    pub whole_landscape: bool,
    /// Memory the run may use (`--memory-budget`), replacing the scenario's.
    pub memory_budget: Option<String>,
}

/// Seconds a run spent reading and checking inputs, computing (debris, ignition, spread) and writing products.
#[derive(Clone, Debug, Default)]
pub struct Timing {
    pub inputs_s: f64,
    pub compute_s: f64,
    /// Of `compute_s`, the time spotting spent launching, flying and igniting embers (not growing the fire).
    pub spotting_s: f64,
    /// Of `compute_s`, the time the member's debris took (a failure event's flights, ignition maps, the draw).
    pub debris_s: f64,
    pub products_s: f64,
    /// Of `products_s`, each phase (front-passage behaviour, rasters, isochrones, map, spot fires, debris, ...).
    pub product_phases: Vec<(&'static str, f64)>,
}

impl Timing {
    /// The whole process's split, one line: `inputs X s, spread Y s (spotting Z s), products W s (rasters ..., ...)`.
    pub fn split(&self) -> String {
        let phases = self.product_phases.iter().map(|(n, t)| format!("{n} {t:.2} s")).collect::<Vec<_>>().join(", ");
        let of_which: Vec<String> = [("debris", self.debris_s), ("spotting", self.spotting_s)]
            .iter()
            .filter(|(_, t)| *t > 0.0)
            .map(|(n, t)| format!("{n} {t:.2} s"))
            .collect();
        format!(
            "inputs {:.2} s, spread {:.2} s{}, products {:.2} s{}, total {:.2} s",
            self.inputs_s,
            self.compute_s,
            if of_which.is_empty() { String::new() } else { format!(" (of which {})", of_which.join(", ")) },
            self.products_s,
            if phases.is_empty() { String::new() } else { format!(" ({phases})") },
            self.inputs_s + self.compute_s + self.products_s
        )
    }
}

/// What a run produced.
pub struct RunReport {
    pub out_dir: PathBuf,
    pub files: Vec<PathBuf>,
    pub ignitions: Vec<SampledIgnition>,
    pub summary: serde_json::Value,
    pub prepared: Prepared,
    pub member: MemberResult,
    pub timing: Timing,
}

/// Run a scenario file end to end with `overrides`.
pub fn run_file(path: &Path, overrides: &Overrides, log: &mut dyn FnMut(&str)) -> Result<RunReport> {
    let mut sc = Scenario::load(path)?;
    if let Some(b) = overrides.backend {
        sc.backend = b;
    }
    if let Some(d) = &overrides.out_dir {
        sc.output.dir = d.clone();
    }
    if let Some(s) = overrides.seed {
        sc.seed = s;
    }
    if let Some(t) = &overrides.start {
        sc.start = Some(t.clone());
    }
    if let Some(e) = overrides.map_extent {
        sc.output.map_extent = e;
    }
    sc.landscape.whole |= overrides.whole_landscape;
    if let Some(b) = &overrides.memory_budget {
        sc.landscape.memory_budget = Some(b.clone());
    }
    sc.add_asset_files(&overrides.assets)?;
    run_scenario(sc, log)
}

/// The note of a run that `--backend auto` moved from a failed GPU to the CPU twins.
pub fn gpu_fallback_note(gpu_error: &str) -> String {
    format!("the GPU failed ({gpu_error}); the run was redone on the CPU twins (--backend auto)")
}

/// Run a scenario end to end: prepare it, run its one member (its seed), write every product. With `--backend
/// auto`, a GPU that fails (a validation error, a lost device) is replaced by the CPU twins, which redo the run; the
/// run's notes and summary say so.
pub fn run_scenario(sc: Scenario, log: &mut dyn FnMut(&str)) -> Result<RunReport> {
    let engine = Engine::select(sc.backend)?;
    run_scenario_on(sc, engine, log)
}

/// [`run_scenario`] on an engine the caller chose (a device it opened); the scenario's backend still decides
/// whether a failed GPU falls back to the CPU twins (`auto` only).
pub fn run_scenario_on(sc: Scenario, engine: Engine, log: &mut dyn FnMut(&str)) -> Result<RunReport> {
    let staging = crate::io::Staging::begin(&sc.output.dir)?;
    let (seed, out, backend) = (sc.seed, sc.output.dir.clone(), sc.backend);
    let mut timing = Timing::default();
    let mut compute = |sc: Scenario, engine: &Engine, log: &mut dyn FnMut(&str)| -> Result<(Prepared, MemberResult)> {
        let t0 = Instant::now();
        log(&format!("backend: {}", engine.name()));
        // The window of the landscape the fire reaches (paging), grown and the run redone while the fire nears its
        // edge; none: the whole landscape.
        let mut plan = paging::plan(&sc)?;
        let mut t0 = t0;
        loop {
            let mut sc = sc.clone();
            sc.landscape.window = plan.as_ref().map(|p| p.window);
            sc.landscape.ground = plan.as_ref().and_then(|p| p.ground.clone());
            let mut prepared = prepare(sc, engine)?;
            if let Some(p) = &plan {
                prepared.notes.push(p.note());
                // The failure event the plan flew to place the window: the member takes it (the same flight).
                prepared.preflown = p.flown.clone();
            }
            for n in &prepared.notes {
                log(&format!("note: {n}"));
            }
            timing.inputs_s += t0.elapsed().as_secs_f64();
            let t1 = Instant::now();
            let progress = progress::Progress::new(prepared.scenario.spread.duration_min);
            let member = prepared.run_member_with(seed, &Variation::default(), &mut |t, d| progress.update(t, d));
            progress.finish();
            timing.compute_s += t1.elapsed().as_secs_f64();
            let member = member?;
            t0 = Instant::now();
            if let Some(p) = plan.as_mut() {
                if let Some(why) = p.grow(&prepared, &member)? {
                    log(&format!("paging: {why}"));
                    continue;
                }
            }
            return Ok((prepared, member));
        }
    };
    let (prepared, member) = match compute(sc.clone(), &engine, log) {
        Err(crate::Error::Gpu(msg)) if backend == Backend::Auto && matches!(engine, Engine::Gpu(_)) => {
            let (p, mut m) = compute(sc, &Engine::Cpu, log)?;
            m.notes.insert(0, gpu_fallback_note(&msg));
            (p, m)
        }
        other => other?,
    };
    for n in &member.notes {
        log(&format!("note: {n}"));
    }
    if let Some(d) = &member.debris {
        log(&format!(
            "debris ({}): {} fragments on the landscape, {} off it; expected ignitions {:.2}; this realisation (seed {seed}): {} ignitions",
            d.form,
            d.field.fragments.len(),
            d.field.off_landscape.len(),
            d.expected_ignitions,
            d.ignitions.len()
        ));
        if member.fire.is_none() {
            log("no fragment ignited the landscape in this realisation: no fire to spread");
        }
    }
    let t2 = Instant::now();
    // A long run says each product phase as it starts.
    let embers = member.spotting.as_ref().map_or(0, |s| s.embers.len());
    timing.spotting_s = member.spotting.as_ref().map_or(0.0, |s| s.launch_s);
    timing.debris_s = member.debris.as_ref().map_or(0.0, |d| d.debris_s);
    let fragments = member.debris.as_ref().map_or(0, |d| d.field.fragments.len());
    let verbose = timing.compute_s > 10.0 || member.sources.len() > 1000 || embers > 100_000 || fragments > 100_000;
    let mut phases = products::Phases::new(log, verbose);
    let (files, summary) = products::write_member(&prepared, &member, staging.dir(), &mut phases)?;
    timing.product_phases = phases.done;
    let files = staging.final_paths(&files);
    staging.commit()?;
    timing.products_s = t2.elapsed().as_secs_f64();
    let ignitions = member.debris.as_ref().map(|d| d.ignitions.clone()).unwrap_or_default();
    Ok(RunReport { out_dir: out, files, ignitions, summary, prepared, member, timing })
}
