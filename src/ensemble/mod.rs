//! Ensembles: many members of one scenario (failure times along a trajectory, fragment counts, debris
//! realisations, ignition draws, weather members and perturbations), reduced into burn probabilities, arrival
//! percentiles, asset reach probabilities and hazard criteria with their intervals.
//!
//! - [`spec`]: the scenario's `[ensemble]`, `[trajectory]`, `[[asset]]` and `[[criterion]]` tables;
//! - [`draw`]: what each member draws, from the ensemble's seed and its index alone;
//! - [`accumulate`]: integer accumulators and member records (exact to merge across shards);
//! - [`assets`]: asset cells on the grid; [`stats`]: Wilson intervals, quantiles, verdicts;
//! - [`products`]: rasters, tables, plots, maps and the hazard report.
//!
//! [`Ensemble`] is one prepared scenario (the landscape loaded once, one GPU context); [`run_file`] runs a
//! scenario file's ensemble (or one shard of it) end to end, [`merge`] combines shards. An ensemble reads the window
//! of the landscape its members reach ([`crate::run::paging`]): members that go beyond it run again on a grown one,
//! and the accumulators cover the first window and every cell reached, the same for a run and its merged shards.

pub mod accumulate;
pub use crate::run::assets;

/// The sensitivity runs of the spotting rate (`embers_per_ha_per_mw`): label and factor.
pub const SPOTTING_RATE_RUNS: [(&str, f64); 2] = [("spotting rate x0.5", 0.5), ("spotting rate x2", 2.0)];
/// Most members rerun per sensitivity run.
pub const SENSITIVITY_MEMBERS: usize = 50;
pub mod assumptions;
pub mod draw;
pub mod outcomes;
pub mod products;
pub mod report;
pub mod sensitivity;
/// The ensemble tables of a scenario, read with the scenario (`run` owns them: a scenario holds them).
pub use crate::run::ensemble_spec as spec;
pub mod stats;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::debris::BreakUp;
use crate::error::{Error, Result};
use crate::gpu::{Backend, Engine};
use crate::run::pipeline::{isochrone_times, prepare, Prepared};
use crate::run::scenario::{DebrisSpec, Scenario};
use crate::units::M2_PER_HA;
use crate::weather::WeatherStream;
use accumulate::{outline, Accumulator, MemberOutcome, MemberRecord, STATE_FILE};
use assets::Asset;

/// Prepare `sc` on `engine`, on the window of `plan` when paged.
fn prepare_on(mut sc: Scenario, engine: &Engine, plan: Option<&crate::run::paging::Plan>) -> Result<Prepared> {
    if let Some(p) = plan {
        sc.landscape.window = Some(p.window);
        sc.landscape.ground = p.ground.clone();
    }
    let mut prepared = prepare(sc, engine)?;
    if let Some(p) = plan {
        prepared.notes.push(p.ensemble_note());
    }
    Ok(prepared)
}

/// Check an ensemble's working set against the memory budget (`--memory-budget`, default half the memory available)
/// before any member runs: the members running at once (the CPU's threads, or the fires of a GPU batch) and the
/// accumulators over `times` reported times ([`crate::run::paging::ensemble_bytes_per_cell`]). GPU batches are made
/// smaller to fit (a note says so); otherwise a working set beyond the budget is refused, naming both figures. Returns
/// the most fires per GPU batch; sets the plan's working set per cell, for the windows it grows to.
fn fit_memory(prepared: &mut Prepared, plan: Option<&mut crate::run::paging::Plan>, times: usize) -> Result<usize> {
    use crate::run::paging::{ensemble_bytes_per_cell, BYTES_PER_CELL_PER_MEMBER};
    let sc = &prepared.scenario;
    let given = sc.landscape.memory_budget.is_some();
    let budget = crate::run::paging::memory_budget(sc.landscape.memory_budget.as_deref())?;
    let full = prepared.landscape.full_grid().clone();
    let window = plan.as_ref().map_or(crate::landscape::window::CellWindow::whole(&full), |p| p.window);
    let threads = rayon::current_num_threads().max(1);
    let batched = sc.ensemble.perturb.is_none() && prepared.max_batch() > 1;
    let per_cell = |batch: usize| ensemble_bytes_per_cell(if batched { batch } else { threads }, times);
    let mut batch = prepared.max_batch();
    let cells = window.len().max(1) as u64;
    if batched && cells * per_cell(batch) > budget {
        let spare = (budget / cells).saturating_sub(per_cell(1));
        let fit = (1 + spare / BYTES_PER_CELL_PER_MEMBER) as usize;
        if fit < batch {
            prepared.notes.push(format!(
                "GPU batches of {fit} fires (of the {batch} the device holds): the host keeps each fire's result, and more \
                 would exceed the memory budget of {}",
                bytesize::ByteSize(budget).display().iec()
            ));
            batch = fit.max(1);
        }
    }
    let bytes = per_cell(batch);
    crate::run::paging::check_budget_per_cell(&window, &full, budget, given, bytes).map_err(|e| {
        let at_once = if batched {
            format!("{batch} fires per GPU batch")
        } else {
            format!("{threads} members at once, one per thread: RAYON_NUM_THREADS sets fewer")
        };
        e.within(format!("the ensemble ({at_once}; {times} reported times)"))
    })?;
    if let Some(p) = plan {
        p.per_cell_bytes = bytes;
    }
    Ok(batch)
}

/// A shard: members `index`, `index + count`, ... of the ensemble.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Parse `I/N` (0 <= I < N).
    pub fn parse(s: &str) -> Result<Shard> {
        let bad = || Error::value("--shard", format!("`{s}`"), "give I/N with 0 <= I < N (members I, I+N, ... run)");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (usize, usize) =
            (i.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// An input file of the run and its SHA-256.
#[derive(Clone, Debug, serde::Serialize)]
pub struct InputFile {
    pub role: String,
    pub path: PathBuf,
    pub sha256: String,
}

/// Members done, reported to a progress callback.
struct Tally<'a> {
    progress: &'a (dyn Fn(usize) + Sync),
    done: AtomicUsize,
}

impl Tally<'_> {
    /// A member done; not one that went beyond the window (it runs again: [`Ensemble::run`]).
    fn tick_unless_beyond(&self, o: Option<&MemberOutcome>) {
        if o.is_none_or(|o| o.beyond.is_none()) {
            (self.progress)(self.done.fetch_add(1, Ordering::Relaxed) + 1);
        }
    }
}

/// One prepared ensemble.
pub struct Ensemble {
    pub prepared: Prepared,
    pub assets: Vec<Asset>,
    /// Weather members' streams, as the spec lists them.
    pub streams: Vec<WeatherStream>,
    /// Times of the burn counts and member figures, min: each isochrone time, the response time, every asset and
    /// criterion time; increasing; the last is the duration.
    pub times_min: Vec<f64>,
    pub members: usize,
    pub inputs: Vec<InputFile>,
    pub fingerprint: String,
    /// The window of the landscape the members run on, when paged ([`crate::run::paging`]); none: the whole.
    pub plan: Option<crate::run::paging::Plan>,
    /// What paging did during [`Ensemble::run`] (windows grown), for the log.
    pub paging_log: Vec<String>,
    /// Most fires of a GPU batch the memory budget allows ([`fit_memory`]).
    max_batch: usize,
}

/// What a member runs for: the ensemble, a launch-window candidate (its index), a sensitivity run (its index).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Sweep {
    Members,
    Launch(usize),
    Sensitivity(usize),
}

fn sha256_file(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h).map_err(|e| Error::io(path, e))?;
    Ok(format!("{:x}", h.finalize()))
}

/// Every input file of a scenario with its role.
fn input_files(sc: &Scenario) -> Vec<(String, PathBuf)> {
    let mut v: Vec<(String, PathBuf)> = Vec::new();
    if let Some(p) = &sc.path {
        v.push(("scenario".into(), p.clone()));
    }
    let l = &sc.landscape;
    for (role, p) in [
        ("landscape", &l.lcp),
        ("elevation", &l.elevation),
        ("fuel", &l.fuel),
        ("slope", &l.slope),
        ("aspect", &l.aspect),
        ("canopy cover", &l.canopy_cover),
        ("canopy height", &l.canopy_height),
        ("canopy base height", &l.canopy_base_height),
        ("canopy bulk density", &l.canopy_bulk_density),
        ("fuel models", &l.fuel_models),
        ("weather", &sc.weather.stream),
    ] {
        if let Some(p) = p {
            v.push((role.into(), p.clone()));
        }
    }
    match &sc.debris {
        Some(DebrisSpec::Fragments(p)) => v.push(("fragment list".into(), p.clone())),
        Some(DebrisSpec::Raster { path, .. }) => v.push(("impact raster".into(), path.clone())),
        _ => {}
    }
    let e = &sc.ensemble;
    if let Some(t) = &e.trajectory {
        v.push(("trajectory".into(), t.path.clone()));
    }
    for w in &e.weather {
        if let Some(p) = &w.stream {
            v.push((format!("weather member {}", w.name), p.clone()));
        }
    }
    for a in &e.assets {
        v.push((format!("asset {}", a.name), a.file.clone()));
    }
    if let Some(lw) = &e.launch_window {
        v.push(("launch-window forecast".into(), lw.forecast.clone()));
    }
    v
}

/// What makes two runs of an ensemble the same ensemble: the version, the settings, the member count, the seed and
/// the input files' contents; never how their paths were spelled (a shard run with `scenario.toml` merges with one
/// run with `/abs/path/scenario.toml`): each input's path in the settings is replaced by its role, and its content
/// enters by its SHA-256.
fn fingerprint(sc: &Scenario, members: usize, inputs: &[InputFile]) -> String {
    let mut settings = format!(
        "{:?}|{:?}|{:?}|{:?}|{members}|{}|{:?}",
        sc.ensemble, sc.spread, sc.spotting, sc.ignition, sc.seed, sc.weather
    );
    // Longest first, so that a path that extends another is replaced whole.
    let mut by_length: Vec<&InputFile> = inputs.iter().collect();
    by_length.sort_by_key(|i| std::cmp::Reverse(i.path.as_os_str().len()));
    for i in by_length {
        settings = settings.replace(&format!("{:?}", i.path), &format!("<{}>", i.role));
    }
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION"));
    h.update(settings);
    for i in inputs {
        h.update(&i.sha256);
    }
    format!("{:x}", h.finalize())
}

impl Ensemble {
    /// Prepare `sc` on `engine` for `members` members (the scenario's count when none).
    pub fn prepare(sc: Scenario, engine: &Engine, members: Option<usize>) -> Result<Ensemble> {
        Ensemble::prepare_paged(sc, engine, members, None)
    }

    /// [`Ensemble::prepare`] on the window of a paging plan (none: the whole landscape).
    pub fn prepare_paged(
        sc: Scenario,
        engine: &Engine,
        members: Option<usize>,
        mut plan: Option<crate::run::paging::Plan>,
    ) -> Result<Ensemble> {
        let members = match members {
            Some(m) => crate::quantity::members(m, "--members")?,
            None => sc.ensemble.members,
        };
        let mut inputs = Vec::new();
        for (role, path) in input_files(&sc) {
            inputs.push(InputFile { sha256: sha256_file(&path)?, role, path });
        }
        let fingerprint = fingerprint(&sc, members, &inputs);
        let streams = sc
            .ensemble
            .weather
            .iter()
            .map(|w| match &w.stream {
                Some(p) => WeatherStream::from_csv(p, &sc.weather.base),
                None => Ok(WeatherStream::constant(sc.weather.base)),
            })
            .collect::<Result<Vec<_>>>()?;
        let prepared = prepare_on(sc, engine, plan.as_ref())?;
        if prepared.clock.is_some() && prepared.scenario.ensemble.launch_window.is_some() {
            return Err(Error::value(
                "[launch_window]",
                "",
                "the weather's burn periods (FARSITE_BURN_PERIODS) and a launch window's forecast do not go together: the launch window gives each candidate its own weather",
            ));
        }
        let assets = prepared.assets.clone();
        let sc = &prepared.scenario;
        let dur = sc.spread.duration_min;
        let mut times = isochrone_times(dur, sc.spread.isochrone_interval_min);
        times.push(sc.ensemble.response_time_min);
        for a in &sc.ensemble.assets {
            times.extend(a.within_min.iter().copied());
        }
        times.extend(sc.ensemble.criteria.iter().filter_map(|c| c.time_min()));
        times.sort_by(f64::total_cmp);
        times.dedup_by(|a, b| (*a - *b).abs() < 1e-6);
        let mut prepared = prepared;
        let max_batch = fit_memory(&mut prepared, plan.as_mut(), times.len())?;
        Ok(Ensemble {
            max_batch,
            prepared,
            assets,
            streams,
            times_min: times,
            members,
            inputs,
            fingerprint,
            plan,
            paging_log: Vec::new(),
        })
    }

    /// Prepare the scenario again on window `w` of the landscape (the plan's, grown; or the products' window).
    fn repage(&mut self, w: crate::landscape::window::CellWindow) -> Result<()> {
        let Some(plan) = self.plan.as_mut() else { return Ok(()) };
        plan.window = w;
        let prepared = prepare_on(self.prepared.scenario.clone(), &self.prepared.engine, Some(plan))?;
        self.assets = prepared.assets.clone();
        self.prepared = prepared;
        Ok(())
    }

    fn event(&self) -> Option<&BreakUp> {
        match &self.prepared.scenario.debris {
            Some(DebrisSpec::Event { event, .. }) => Some(event),
            _ => None,
        }
    }

    /// An empty accumulator for this ensemble.
    pub fn accumulator(&self) -> Accumulator {
        let g = &self.prepared.landscape.grid;
        let sc = &self.prepared.scenario;
        let mut acc = Accumulator::new(
            self.fingerprint.clone(),
            self.members as u64,
            g.rows,
            g.cols,
            self.prepared.scenario.spread.duration_min,
            self.times_min.clone(),
        );
        acc.scenario = sc.path.as_ref().map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()));
        acc.seed = sc.seed;
        if let Some(p) = &self.plan {
            (acc.col0, acc.row0, acc.full_rows, acc.full_cols) =
                (p.window.col0, p.window.row0, p.full.rows, p.full.cols);
        }
        acc
    }

    /// Run member `k`.
    pub fn run_member(&self, k: usize) -> Result<MemberOutcome> {
        self.run_member_under(k, None)
    }

    /// Run member `k`, under a launch-window candidate's weather when given.
    pub fn run_member_under(
        &self,
        k: usize,
        launch: Option<&crate::run::ensemble_spec::Launch>,
    ) -> Result<MemberOutcome> {
        let (d, v) = self.draw(k, launch);
        let m = self.prepared.run_member(d.seed, &v)?;
        Ok(self.outcome(&d, &m))
    }

    /// Member `k`'s draws and its variation of the scenario (under a launch candidate's weather when given).
    fn draw(
        &self,
        k: usize,
        launch: Option<&crate::run::ensemble_spec::Launch>,
    ) -> (draw::Draw, crate::run::pipeline::Variation) {
        let sc = &self.prepared.scenario;
        let classes = match &sc.debris {
            Some(DebrisSpec::Event { classes, .. }) => classes.as_slice(),
            _ => &[],
        };
        let d = draw::draw(&sc.ensemble, sc.seed, k, classes);
        let v = draw::variation(&sc.ensemble, &d, self.event(), &self.streams, &self.prepared.stream, launch);
        (d, v)
    }

    /// What member `d` adds to the accumulators: its burned cells, ignition cells and record.
    fn outcome(&self, d: &draw::Draw, m: &crate::run::pipeline::MemberResult) -> MemberOutcome {
        let sc = &self.prepared.scenario;
        let grid = &self.prepared.landscape.grid;
        let burned = m.fire.as_ref().map(|f| f.burned_behaviour()).unwrap_or_default();
        let cell_of = |x: f64, y: f64| {
            let (r, c) = grid.fractional_cell(x, y);
            (r >= 0.0 && c >= 0.0 && r < grid.rows as f64 && c < grid.cols as f64)
                .then(|| (r.floor() as usize * grid.cols + c.floor() as usize) as u32)
        };
        let ignition_cells: Vec<u32> = match &m.debris {
            Some(dd) => dd.ignitions.iter().filter_map(|s| cell_of(s.x, s.y)).collect(),
            None => Vec::new(),
        };
        let cell_ha = grid.dx() * grid.dy() / M2_PER_HA;
        let cells: Vec<(usize, f32)> = burned.iter().map(|c| (c.cell, c.arrival_min)).collect();
        let area_ha = self
            .times_min
            .iter()
            .map(|&t| burned.iter().filter(|c| c.arrival_min as f64 <= t).count() as f64 * cell_ha)
            .collect();
        let (fires, perimeter_m) = outline(&cells, grid.rows, grid.cols, grid.dx(), &self.times_min);
        // Earliest arrival at each asset: both lists are in cell order.
        let asset_arrival_min = self
            .assets
            .iter()
            .map(|a| {
                let (mut i, mut j, mut best) = (0, 0, f32::INFINITY);
                while i < burned.len() && j < a.cells.len() {
                    let (b, c) = (burned[i].cell, a.cells[j] as usize);
                    if b == c {
                        best = best.min(burned[i].arrival_min);
                        i += 1;
                        j += 1;
                    } else if b < c {
                        i += 1;
                    } else {
                        j += 1;
                    }
                }
                best.is_finite().then_some(best as f64)
            })
            .collect();
        let crown_area_ha = burned.iter().filter(|c| c.fire_type >= 2.0).count() as f64 * cell_ha;
        let record = MemberRecord {
            member: d.member as u64,
            seed: d.seed,
            failure_time_s: d.failure_time_s,
            weather_member: Some(d.weather_member.map_or("scenario".into(), |w| sc.ensemble.weather[w].name.clone())),
            perturb: d.perturb,
            class_counts: d.class_counts.clone().or_else(|| match &sc.debris {
                Some(crate::run::scenario::DebrisSpec::Event { classes, .. }) => {
                    Some(classes.iter().map(|c| c.count).collect())
                }
                _ => None,
            }),
            ignitions: m.debris.as_ref().map_or(m.sources.len(), |dd| dd.ignitions.len()) as u32,
            area_ha,
            perimeter_m,
            fires,
            asset_arrival_min,
            asset_debris_beyond: self
                .assets
                .iter()
                .map(|a| {
                    m.debris
                        .as_ref()
                        .is_some_and(|dd| dd.ignitions.iter().any(|i| a.inside_boundary(i.x, i.y) == Some(false)))
                })
                .collect(),
            spot_fires: m.spotting.as_ref().map_or(0, |s| s.counts().spot_fires as u32),
            crown_area_ha,
            ignitions_by_class: m.debris.as_ref().map_or_else(Vec::new, |dd| {
                let mut by: Vec<(String, u32)> = Vec::new();
                for i in &dd.ignitions {
                    match by.iter_mut().find(|(c, _)| c == &i.class) {
                        Some(e) => e.1 += 1,
                        None => by.push((i.class.clone(), 1)),
                    }
                }
                by
            }),
            ignitions_burned_out: m
                .debris
                .as_ref()
                .map_or(0, |dd| dd.ignitions.iter().filter(|i| i.burned_out_in_flight).count() as u32),
            ignitions_extrapolated: m
                .debris
                .as_ref()
                .map_or(0, |dd| dd.ignitions.iter().filter(|i| i.extrapolated).count() as u32),
        };
        let beyond = self.plan.as_ref().and_then(|p| p.beyond(m));
        MemberOutcome { record, burned, ignition_cells, beyond }
    }

    /// Run members `ks` (under a launch candidate's weather when given), adding each to `add` in member order with
    /// its device-reduced burn counts when it ran in a batch. On the CPU members run in parallel; on a GPU members that
    /// share a weather stream run as batches of fires swept in the same dispatches ([`Prepared::run_batch`]).
    fn run_members(
        &self,
        ks: &[usize],
        launch: Option<&crate::run::ensemble_spec::Launch>,
        batch_ctx: &mut Option<crate::spread::SpreadContext>,
        add: &mut dyn FnMut(MemberOutcome, bool),
        add_counts: &mut dyn FnMut(&[Vec<u32>]),
        tally: &Tally,
    ) -> Result<()> {
        let sc = &self.prepared.scenario;
        // Members share a weather stream unless each draws its own perturbation.
        let shared_weather = sc.ensemble.perturb.is_none();
        let batch = if shared_weather { self.batch().min(ks.len()) } else { 1 };
        let label = |k: usize| match launch {
            Some(l) if l.stream.is_some() => format!("launch-window member {k}"),
            Some(_) => format!("sensitivity-run member {k}"),
            None => format!("member {k}"),
        };
        if batch <= 1 {
            // Chunks bound memory: a chunk's outcomes are held, then added in member order.
            let chunk = 4 * rayon::current_num_threads().max(1);
            for part in ks.chunks(chunk) {
                let outcomes: Vec<MemberOutcome> = part
                    .par_iter()
                    .map(|&k| {
                        let o = self.run_member_under(k, launch).map_err(|e| e.within(label(k)));
                        tally.tick_unless_beyond(o.as_ref().ok());
                        o
                    })
                    .collect::<Result<_>>()?;
                for o in outcomes {
                    add(o, true);
                }
            }
            return Ok(());
        }
        let ctx = match batch_ctx {
            Some(c) => c,
            None => batch_ctx.insert(self.prepared.batch_context(batch)?),
        };
        for part in ks.chunks(4 * batch) {
            // Group the chunk's members by weather; each group runs in batches.
            let draws: Vec<_> = part.iter().map(|&k| self.draw(k, launch)).collect();
            let mut groups: Vec<Vec<usize>> = Vec::new();
            for (i, (_, v)) in draws.iter().enumerate() {
                match groups.iter_mut().find(|g| draws[g[0]].1.weather == v.weather) {
                    Some(g) => g.push(i),
                    None => groups.push(vec![i]),
                }
            }
            // (index in the chunk, outcome, whether its burn counts are its own: it ran alone).
            let mut outcomes: Vec<(usize, MemberOutcome, bool)> = Vec::new();
            for g in groups {
                for b in g.chunks(batch) {
                    if b.len() == 1 {
                        // A batch of one: the member alone on the prepared context.
                        let (d, v) = &draws[b[0]];
                        let m = self.prepared.run_member(d.seed, v).map_err(|e| e.within(label(d.member)))?;
                        let o = self.outcome(d, &m);
                        tally.tick_unless_beyond(Some(&o));
                        outcomes.push((b[0], o, true));
                        continue;
                    }
                    let items: Vec<(u64, crate::run::pipeline::Variation)> =
                        b.iter().map(|&i| (draws[i].0.seed, draws[i].1.clone())).collect();
                    let (results, counts) = self
                        .prepared
                        .run_batch(ctx, &items, &self.times_min)
                        .map_err(|e| e.within(format!("{}..", label(draws[b[0]].0.member))))?;
                    let batch: Vec<MemberOutcome> =
                        b.iter().zip(&results).map(|(&i, m)| self.outcome(&draws[i].0, m)).collect();
                    // A member that went beyond the window runs again: the batch's device counts hold its cut
                    // fire, so the others count their own.
                    let own = batch.iter().any(|o| o.beyond.is_some());
                    if !own {
                        add_counts(&counts);
                    }
                    for (&i, o) in b.iter().zip(batch) {
                        tally.tick_unless_beyond(Some(&o));
                        outcomes.push((i, o, own));
                    }
                }
            }
            outcomes.sort_by_key(|o| o.0);
            for (_, o, own_counts) in outcomes {
                add(o, own_counts);
            }
        }
        Ok(())
    }

    /// Run the members of `shard` into a fresh accumulator; `progress` receives the count done after each member.
    /// Paged ([`Ensemble::plan`]), members that go beyond the window run again on a grown one, and the accumulators
    /// cover the first window and every cell reached, tile-aligned ([`crate::run::paging::Plan::holding`]): the same
    /// window for an ensemble and its merged shards, its values the whole landscape's.
    pub fn run(&mut self, shard: Shard, progress: &(dyn Fn(usize) + Sync)) -> Result<Accumulator> {
        let mut acc = self.accumulator();
        let mine = |m: usize| -> Vec<usize> { (shard.index..m).step_by(shard.count).collect() };
        let mut todo: Vec<(Sweep, Vec<usize>)> = vec![(Sweep::Members, mine(self.members))];
        // The launch-window sweep: the same member draws under each candidate's weather (common random numbers:
        // candidates differ by their weather alone).
        if let Some(lw) = &self.prepared.scenario.ensemble.launch_window {
            for (i, c) in lw.candidates.iter().enumerate() {
                acc.window.push((c.to_rfc3339(), Vec::new()));
                todo.push((Sweep::Launch(i), mine(lw.members)));
            }
        }
        // Sensitivity runs: the first members again with the spotting rate halved and doubled (the members do not
        // draw it), for the verdicts' sensitivity.
        let k_sens = self.sensitivity_members();
        if k_sens > 0 {
            for (i, (label, f)) in SPOTTING_RATE_RUNS.iter().enumerate() {
                acc.sensitivity.push((label.to_string(), *f, Vec::new()));
                todo.push((Sweep::Sensitivity(i), mine(k_sens)));
            }
        }
        let tally = Tally { progress, done: AtomicUsize::new(0) };
        let mut batch_ctx = None;
        // Paged, members run a chunk at a time: those of a chunk that go beyond the window grow it at once, so that
        // the members after them run on the grown window (not cut off too and run twice).
        let chunk = if self.plan.is_some() { self.chunk_len() } else { usize::MAX };
        for (sweep, ks) in todo {
            let launch = self.launch(sweep);
            let within = match sweep {
                Sweep::Launch(i) => Some(format!("launch {}", acc.window[i].0)),
                _ => None,
            };
            let mut queue: std::collections::VecDeque<usize> = ks.into();
            while !queue.is_empty() {
                let part: Vec<usize> = queue.drain(..chunk.min(queue.len())).collect();
                let mut redo = Vec::new();
                let mut beyond = crate::run::paging::Beyond::default();
                let acc_cell = std::cell::RefCell::new(&mut acc);
                self.run_members(
                    &part,
                    launch.as_ref(),
                    &mut batch_ctx,
                    &mut |o, with_counts| {
                        if let Some(b) = o.beyond {
                            beyond.extend(b);
                            redo.push(o.record.member as usize);
                            return;
                        }
                        let mut acc = acc_cell.borrow_mut();
                        match sweep {
                            Sweep::Members => acc.add(&o, with_counts),
                            Sweep::Launch(i) => acc.window[i].1.push(o.record),
                            Sweep::Sensitivity(i) => acc.sensitivity[i].2.push(o.record),
                        }
                    },
                    &mut |c| acc_cell.borrow_mut().add_counts(c),
                    &tally,
                )
                .map_err(|e| match &within {
                    Some(w) => e.within(w.clone()),
                    None => e,
                })?;
                if redo.is_empty() {
                    continue;
                }
                // Members went beyond the window: grow it around what they reached; they run again first.
                let Some(plan) = self.plan.as_mut() else {
                    return Err(Error::Internal("a member went beyond a whole landscape".into()));
                };
                let why = plan.grow_around(&beyond, self.prepared.scenario.landscape.memory_budget.is_some())?;
                let grown = plan.window;
                let n = redo.len();
                self.paging_log.push(format!("{why} ({n} member run{} again)", if n == 1 { "" } else { "s" }));
                self.repage(grown)?;
                batch_ctx = None;
                acc = acc.reframed(grown);
                for k in redo.into_iter().rev() {
                    queue.push_front(k);
                }
            }
        }
        // The products' window: the first one and every cell reached, tile-aligned (what merged shards hold too).
        if let Some(plan) = &self.plan {
            let w = plan.holding(acc.reached_cells());
            if w != acc.cell_window() {
                acc = acc.reframed(w);
            }
        }
        acc.canonicalise();
        Ok(acc)
    }

    /// Most fires per GPU batch: the device's, within the memory budget.
    fn batch(&self) -> usize {
        self.max_batch.min(self.prepared.max_batch())
    }

    /// Members run at a time when paged: what [`Ensemble::run_members`] holds at once (a chunk of CPU members, or of
    /// GPU batches).
    fn chunk_len(&self) -> usize {
        let batch = if self.prepared.scenario.ensemble.perturb.is_none() { self.batch() } else { 1 };
        4 * if batch <= 1 { rayon::current_num_threads().max(1) } else { batch }
    }

    /// Prepare the products on the accumulators' window (a paged run's members may have run on a larger one).
    pub fn frame_products(&mut self, acc: &Accumulator) -> Result<()> {
        if self.plan.as_ref().is_some_and(|p| p.window != acc.cell_window()) {
            self.repage(acc.cell_window())?;
        }
        Ok(())
    }

    /// What members of `sweep` run under (none: the scenario's weather).
    fn launch(&self, sweep: Sweep) -> Option<crate::run::ensemble_spec::Launch> {
        match sweep {
            Sweep::Members => None,
            Sweep::Launch(i) => {
                let lw = self.prepared.scenario.ensemble.launch_window.as_ref()?;
                Some(lw.launch(lw.candidates[i], self.prepared.scenario.spread.duration_min))
            }
            Sweep::Sensitivity(i) => Some(crate::run::ensemble_spec::Launch {
                spotting_rate_factor: Some(SPOTTING_RATE_RUNS[i].1),
                ..Default::default()
            }),
        }
    }

    /// Members rerun in each sensitivity run: the first quarter of the members, at most 50 (none without spotting).
    pub fn sensitivity_members(&self) -> usize {
        if self.prepared.scenario.spotting.enabled {
            (self.members / 4).min(SENSITIVITY_MEMBERS)
        } else {
            0
        }
    }

    /// Members a shard runs in all (the ensemble's, the launch-window sweep's and the sensitivity runs').
    pub fn shard_members(&self, shard: Shard) -> usize {
        let mine = |m: usize| (shard.index..m).step_by(shard.count).count();
        SPOTTING_RATE_RUNS.len() * mine(self.sensitivity_members())
            + mine(self.members)
            + self
                .prepared
                .scenario
                .ensemble
                .launch_window
                .as_ref()
                .map_or(0, |lw| lw.candidates.len() * mine(lw.members))
    }
}

/// Command-line settings of an ensemble run.
#[derive(Clone, Debug, Default)]
pub struct EnsembleOptions {
    pub members: Option<usize>,
    pub out: Option<PathBuf>,
    pub shard: Option<Shard>,
    pub backend: Option<Backend>,
    pub cog: bool,
    pub seed: Option<u64>,
    /// What the maps frame (`--map-extent`), replacing the scenario's.
    pub map_extent: Option<crate::run::scenario::MapExtent>,
    /// Read the whole landscape (`--whole-landscape`), not the window the members' fires reach.
    pub whole_landscape: bool,
    /// `--memory-budget`, replacing the scenario's `[landscape] memory_budget`.
    pub memory_budget: Option<String>,
}

/// What an ensemble run produced.
pub struct EnsembleRun {
    pub out_dir: PathBuf,
    pub files: Vec<PathBuf>,
    pub accumulator: Accumulator,
    pub timing: crate::run::Timing,
    pub backend: String,
    /// Verdicts of the scenario's criteria (none for a shard).
    pub criteria: Vec<products::CriterionOutcome>,
}

/// A progress bar over members (members done, members/s, time left), on a terminal only.
fn member_bar(total: usize) -> indicatif::ProgressBar {
    crate::io::progress::bar(total as u64, "[{bar:30}] {pos}/{len} members  {per_sec}  elapsed {elapsed}  left ~{eta}")
}

/// Run a scenario file's ensemble (or one shard of it) and write its products (a shard writes its state and
/// member table only; `emberfall merge` makes the products).
pub fn run_file(path: &Path, opts: &EnsembleOptions, log: &mut dyn FnMut(&str)) -> Result<EnsembleRun> {
    // By its absolute path, as `merge` reloads it from the shards: the products name the same files however the
    // path was typed, and a merged ensemble's equal an unsharded one's.
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut sc = Scenario::load(&path)?;
    if let Some(b) = opts.backend {
        sc.backend = b;
    }
    if let Some(s) = opts.seed {
        sc.seed = s;
    }
    if let Some(e) = opts.map_extent {
        sc.output.map_extent = e;
    }
    if opts.cog {
        sc.output.cog = true;
    }
    sc.landscape.whole |= opts.whole_landscape;
    if let Some(b) = &opts.memory_budget {
        sc.landscape.memory_budget = Some(b.clone());
    }
    let out = opts.out.clone().unwrap_or_else(|| sc.output.dir.join("ensemble"));
    run_scenario(sc, opts, &out, log)
}

/// [`run_file`] for a scenario already loaded, into `out`.
pub fn run_scenario(
    sc: Scenario,
    opts: &EnsembleOptions,
    out: &Path,
    log: &mut dyn FnMut(&str),
) -> Result<EnsembleRun> {
    let engine = Engine::select(sc.backend)?;
    run_scenario_on(sc, engine, opts, out, log)
}

/// [`run_scenario`] on an engine the caller chose (a device it opened); the scenario's backend still decides
/// whether a failed GPU falls back to the CPU twins (`auto` only).
pub fn run_scenario_on(
    sc: Scenario,
    first: Engine,
    opts: &EnsembleOptions,
    out: &Path,
    log: &mut dyn FnMut(&str),
) -> Result<EnsembleRun> {
    let t0 = Instant::now();
    let staging = crate::io::Staging::begin(out)?;
    let shard = opts.shard.unwrap_or(Shard::WHOLE);
    let auto = sc.backend == crate::gpu::Backend::Auto;
    let (mut inputs_s, mut compute_s) = (0.0, 0.0);
    let mut attempt = |sc: Scenario, engine: &Engine, log: &mut dyn FnMut(&str)| -> Result<(Ensemble, Accumulator)> {
        let t0 = Instant::now();
        log(&format!("backend: {}", engine.name()));
        // The window of the landscape the members' fires reach (paging); none: the whole landscape.
        let plan = crate::run::paging::plan_ensemble(&sc)?;
        let mut ens = Ensemble::prepare_paged(sc, engine, opts.members, plan)?;
        for n in &ens.prepared.notes {
            log(&format!("note: {n}"));
        }
        inputs_s += t0.elapsed().as_secs_f64();
        let t1 = Instant::now();
        let mine = ens.shard_members(shard);
        log(&format!(
            "ensemble: {} members{}, seed {}",
            ens.members,
            if shard.count > 1 {
                format!(", shard {}/{} runs {mine}", shard.index, shard.count)
            } else {
                String::new()
            },
            ens.prepared.scenario.seed
        ));
        let bar = member_bar(mine);
        let acc = ens.run(shard, &|_| bar.inc(1));
        bar.finish_and_clear();
        for l in ens.paging_log.drain(..) {
            log(&format!("paging: {l}"));
        }
        compute_s += t1.elapsed().as_secs_f64();
        let acc = acc?;
        if shard.count == 1 {
            ens.frame_products(&acc)?;
        }
        Ok((ens, acc))
    };
    // `--backend auto` chose a GPU and it failed (a validation error, a lost device): the CPU twins redo the run.
    let (ens, mut acc, engine) = match attempt(sc.clone(), &first, log) {
        Err(Error::Gpu(msg)) if auto && matches!(first, Engine::Gpu(_)) => {
            let note = crate::run::gpu_fallback_note(&msg);
            log(&format!("note: {note}"));
            let (mut ens, acc) = attempt(sc, &Engine::Cpu, log)?;
            ens.prepared.notes.insert(0, note);
            (ens, acc, Engine::Cpu)
        }
        other => {
            let (ens, acc) = other?;
            (ens, acc, first)
        }
    };
    let t2 = Instant::now();
    let mut files = Vec::new();
    let (final_out, out) = (out, staging.dir());
    let state = out.join(STATE_FILE);
    acc.save(&state)?;
    files.push(state);
    let backend = engine.name();
    let mut criteria = Vec::new();
    if shard.count > 1 {
        files.push(products::write_members_csv(&ens, &acc, out)?);
    } else {
        let timing = crate::run::Timing { inputs_s, compute_s, products_s: 0.0, ..Default::default() };
        files.extend(products::write_all(&ens, &acc, out, &backend, timing, t0)?);
        criteria = products::criteria(&ens, &acc);
    }
    let files = staging.final_paths(&files);
    staging.commit()?;
    let timing =
        crate::run::Timing { inputs_s, compute_s, products_s: t2.elapsed().as_secs_f64(), ..Default::default() };
    Ok(EnsembleRun { out_dir: final_out.to_path_buf(), files, accumulator: acc, timing, backend, criteria })
}

/// Merge the states of shard folders into the products of the whole ensemble in `out`; the scenario is read
/// again from the file the shards name (or `scenario`), and the shards' fingerprint must match it.
pub fn merge(
    scenario: Option<&Path>,
    dirs: &[PathBuf],
    opts: &EnsembleOptions,
    out: &Path,
    log: &mut dyn FnMut(&str),
) -> Result<EnsembleRun> {
    let t0 = Instant::now();
    if dirs.is_empty() {
        return Err(Error::value("merge", "", "give the shard folders"));
    }
    let staging = crate::io::Staging::begin(out)?;
    let mut acc: Option<Accumulator> = None;
    for d in dirs {
        let a = Accumulator::load(&d.join(STATE_FILE))?;
        match &mut acc {
            None => acc = Some(a),
            Some(x) => x.merge(&a).map_err(|e| Error::input(d.display(), e.to_string()))?,
        }
    }
    let mut acc = acc.unwrap_or_else(|| unreachable!());
    acc.canonicalise();
    let mut seen = std::collections::BTreeSet::new();
    for r in &acc.records {
        if !seen.insert(r.member) {
            return Err(Error::value("merge", "", format!("member {} appears in two shards", r.member)));
        }
    }
    let scenario = match (scenario, &acc.scenario) {
        (Some(p), _) => p.to_path_buf(),
        (None, Some(p)) => p.clone(),
        (None, None) => {
            return Err(Error::value("merge", "", "the shards do not name their scenario file: give --scenario"))
        }
    };
    let scenario = scenario.as_path();
    let mut sc = Scenario::load(scenario)?;
    if let Some(b) = opts.backend {
        sc.backend = b;
    }
    sc.seed = acc.seed;
    if let Some(e) = opts.map_extent {
        sc.output.map_extent = e;
    }
    if opts.cog {
        sc.output.cog = true;
    }
    let engine = Engine::select(sc.backend)?;
    // The products cover the shards' window (the whole landscape, or the window a paged ensemble reached).
    let plan = crate::run::paging::on_window(&sc, acc.cell_window(), acc.full_rows, acc.full_cols)
        .map_err(|e| e.within(format!("the shards' landscape window (merging into {})", out.display())))?;
    if plan.is_none() && acc.cols * acc.rows != acc.full_cols * acc.full_rows {
        acc = acc.reframed(crate::landscape::window::CellWindow {
            col0: 0,
            row0: 0,
            cols: acc.full_cols,
            rows: acc.full_rows,
        });
    }
    let ens = Ensemble::prepare_paged(sc, &engine, Some(acc.ensemble_members as usize), plan)?;
    if ens.fingerprint != acc.fingerprint {
        return Err(Error::value("merge", "", format!(
            "the shards were run from another scenario, other input files, seed or member count than {} (merge the shards of one `ensemble` command, run with the same scenario, --members and --seed)",
            scenario.display()
        )));
    }
    if acc.records.len() != ens.members {
        log(&format!("note: the shards hold {} of the ensemble's {} members", acc.records.len(), ens.members));
    }
    let timing = crate::run::Timing { inputs_s: t0.elapsed().as_secs_f64(), ..Default::default() };
    let mut files = products::write_all(&ens, &acc, staging.dir(), &engine.name(), timing.clone(), t0)?;
    let state = staging.dir().join(STATE_FILE);
    acc.save(&state)?;
    files.push(state);
    let files = staging.final_paths(&files);
    staging.commit()?;
    let criteria = products::criteria(&ens, &acc);
    Ok(EnsembleRun { out_dir: out.to_path_buf(), files, accumulator: acc, timing, backend: engine.name(), criteria })
}
