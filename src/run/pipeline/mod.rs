//! The pipeline of one run, as a library: [`prepare`] loads and checks everything a scenario needs once
//! (landscape, per-cell inputs, weather, fixed debris fields and their ignition maps, the spread context with its
//! cached parameters and GPU buffers); [`Prepared::run_member`] then runs one member: a debris realisation from
//! its seed, its ignitions and its fire, returning typed results. Products are written from a [`MemberResult`]
//! by [`crate::run::products::write_member`]. `emberfall run`, `spread` and `demo` are thin callers of these.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Serialize;

use crate::debris::ignition::{self, CellIgnition, IgnitionMaps, SampledIgnition};
use crate::debris::{self, DebrisField};
use crate::error::{Error, Result};
use crate::gpu::Engine;
use crate::landscape::Landscape;
use crate::physics::behavior::Cells;
use crate::run::scenario::{DebrisSpec, IgnitionSpec, Scenario};
use crate::spread::clock::BurnClock;
use crate::spread::sources::{self, Shape, Source};
use crate::spread::{Fire, SpreadContext, SpreadOptions, SpreadResult};
use crate::units::{frac_from_pct, M2_PER_HA, MIN_PER_H};
use crate::weather::conditioning::{self, Mode, MoistureGrid, TerrainClasses};
use crate::weather::{self, WeatherStream, WindGrid};

mod weather_inputs;
use weather_inputs::{burn_periods, pick};
pub use weather_inputs::{moisture_grids, read_stream, StreamRead};

/// What varies from one member to the next besides its seed.
#[derive(Clone, Debug, Default)]
pub struct Variation {
    /// A weather stream replacing the scenario's (a forecast ensemble member, another day).
    pub weather: Option<WeatherStream>,
    /// A break-up state replacing the scenario's failure event (a failure time along the trajectory).
    pub event: Option<crate::debris::BreakUp>,
    /// Fragment counts per class of the failure event's catalogue, replacing the catalogue's.
    pub class_counts: Option<Vec<usize>>,
    /// Winds aloft replacing the scenario's `[[debris.winds_aloft]]` (a launch-window candidate's forecast).
    pub winds_aloft: Option<Vec<crate::debris::WindLayer>>,
    /// A factor on the spotting rate (`embers_per_ha_per_mw`): the sensitivity runs of an ensemble.
    pub spotting_rate_factor: Option<f64>,
    /// Skip the per-cell ignition maps of a flown event (an ensemble member needs only its ignitions).
    pub skip_maps: bool,
}

/// A scenario made ready to run members: everything that does not depend on the member.
pub struct Prepared {
    pub scenario: Scenario,
    pub engine: Engine,
    pub landscape: Landscape,
    pub cells: Cells,
    /// The weather in fire time (compressed to the burn periods when there are some).
    pub stream: WeatherStream,
    wind_grids: Vec<Option<Arc<WindGrid>>>,
    /// Dead moistures per class of cells per period (terrain conditioning).
    pub moisture_grids: Vec<Option<Arc<MoistureGrid>>>,
    /// Burn periods of the weather (a FARSITE .input's): the fire runs in fire time, and its results are turned
    /// back into clock time.
    pub clock: Option<BurnClock>,
    cell_ignition: CellIgnition,
    /// Debris field and ignition maps of the forms that do not depend on the seed (fragment list, impact raster).
    fixed_debris: Option<(Arc<DebrisField>, Arc<IgnitionMaps>)>,
    /// Ignitions given directly.
    fixed_sources: Vec<Source>,
    /// Spread contexts: one on a GPU (its buffers), a pool on the CPU (one per member running at once).
    spread: Mutex<Vec<SpreadContext>>,
    /// The assets (`[[asset]]`, `--assets`) on the grid.
    pub assets: Vec<crate::run::assets::Asset>,
    /// The clock time of minute 0 (`start`, `--start`, the weather's start, FARSITE_START_TIME), if given.
    pub start: Option<crate::run::start::StartTime>,
    /// What loading noticed (landscape, debris).
    pub notes: Vec<String>,
    /// Seconds spent preparing (reading and checking inputs).
    pub prepare_s: f64,
    /// The scenario's failure event already flown with this seed (a paged run's plan flew it to place the window):
    /// a member of that seed without a variation of the event takes it instead of flying it again.
    pub preflown: Option<(u64, Arc<DebrisField>)>,
}

/// The debris of one member.
pub struct MemberDebris {
    pub form: &'static str,
    pub field: Arc<DebrisField>,
    /// Per-cell ignition maps (none when the member skipped them: [`Variation::skip_maps`]).
    pub maps: Option<Arc<IgnitionMaps>>,
    /// Sum over cells of the expected ignitions.
    pub expected_ignitions: f64,
    pub max_cell_probability: f32,
    /// This member's ignitions.
    pub ignitions: Vec<SampledIgnition>,
    /// Time this member spent on its debris (a failure event's flights, the ignition maps, the draw), s.
    pub debris_s: f64,
    /// On a window of the landscape (paging): the landscape's cells (column, row) where fragments of this
    /// realisation landed beyond the window (the run must grow it: `run::paging::Plan::beyond`).
    pub landed_beyond: Vec<(usize, usize)>,
}

/// Burned area at one time of the run, from cell counts.
#[derive(Clone, Debug, Serialize)]
pub struct AreaAt {
    pub time_min: f64,
    pub cells_burned: usize,
    pub cells_area_ha: f64,
    /// Cells that burned as passive (torching) or active crown fire by then, and their area.
    pub crown_cells: usize,
    pub crown_area_ha: f64,
    /// Of those, active crown fire.
    pub active_crown_cells: usize,
}

/// Summary of a member's fire.
#[derive(Clone, Debug, Serialize)]
pub struct FireSummary {
    pub backend: String,
    pub adapter: String,
    pub run_time_s: f64,
    pub duration_min: f64,
    pub burned_cells: usize,
    pub burned_area_ha: f64,
    pub burned_cells_per_s: f64,
    pub max_ros_m_per_min: f32,
    pub max_fireline_intensity_kw_per_m: f32,
    pub max_flame_length_m: f32,
    /// Burned area at every isochrone time (each interval and the end).
    pub areas: Vec<AreaAt>,
    pub sweeps: u64,
    pub relaxations: u64,
    pub cells_parameterised: u64,
    pub ignition_points_on_unburnable_cells: usize,
    /// On a GPU: the tiles its spread buffers held.
    pub device_tiles: Option<crate::spread::DeviceTiles>,
    /// Embers and spot fires, when the run spotted.
    pub spotting: Option<crate::spread::spotting::SpottingCounts>,
}

/// One member's results.
pub struct MemberResult {
    pub seed: u64,
    /// The debris realisation (runs from a debris field).
    pub debris: Option<MemberDebris>,
    /// The fire's sources: debris ignitions and direct ignitions.
    pub sources: Vec<Source>,
    /// The fire (none when nothing ignited).
    pub fire: Option<SpreadResult>,
    pub summary: Option<FireSummary>,
    /// The weather the fire ran under.
    pub stream: WeatherStream,
    pub notes: Vec<String>,
    /// Embers and spot fires, when the run spotted.
    pub spotting: Option<crate::spread::spotting::SpottingRun>,
}

impl MemberResult {
    /// Cells burned within the run (0 without a fire).
    pub fn burned_cells(&self) -> usize {
        self.summary.as_ref().map_or(0, |s| s.burned_cells)
    }
}

pub use crate::quantity::{auto_isochrone_interval_min, isochrone_interval_min};

/// Times of the isochrones: every `interval_min` up to the duration, and the duration itself.
pub fn isochrone_times(duration_min: f64, interval_min: f64) -> Vec<f64> {
    let mut t: Vec<f64> = Vec::new();
    let mut k = 1;
    while interval_min > 0.0 && (k as f64) * interval_min < duration_min - 1e-9 {
        t.push(k as f64 * interval_min);
        k += 1;
    }
    t.push(duration_min);
    t
}

/// Load and check everything `scenario` needs on `engine`, once.
pub fn prepare(scenario: Scenario, engine: &Engine) -> Result<Prepared> {
    let t0 = Instant::now();
    let engine = engine.clone();
    let mut landscape = Landscape::load(&scenario.landscape)?;
    landscape.ensure_terrain(&engine)?;
    let cells = Cells::from_landscape(&landscape)?;
    let mut notes = scenario.notes.clone();
    notes.extend(landscape.notes.iter().cloned());
    let w = &scenario.weather;
    let lat = landscape.full_grid().centre_lonlat().ok().map(|c| c.1);
    let (stream, wind_grids, moisture_grids, clock) = weather_inputs(&scenario, &landscape, &cells, lat, &mut notes)?;
    let gridded = wind_grids.iter().filter(|g| g.is_some()).count();
    if gridded > 0 {
        notes.push(format!("gridded wind in {gridded} of {} weather periods", wind_grids.len()));
    }
    let m1h = w.base.moisture.dead_1h;
    let cell_ignition = CellIgnition::new(&landscape, &cells, m1h, &scenario.ignition);
    let fixed_debris = fixed_debris(&scenario, &engine, &landscape, &cell_ignition, &mut notes)?;
    let fixed_sources = fixed_sources(&scenario, &landscape.grid, &mut notes)?;
    let start = scenario.start_time()?;
    let assets = scenario
        .ensemble
        .assets
        .iter()
        .map(|a| crate::run::assets::load(a, &landscape.grid))
        .collect::<Result<Vec<_>>>()?;
    let burnable = crate::spread::burnable_mask(&cells);
    for a in &assets {
        notes.extend(crate::run::assets::unburnable_note(a, &burnable, landscape.grid.dx()));
    }
    let spread = Mutex::new(vec![spread_context(&engine, &landscape, &cells, 1)?]);
    Ok(Prepared {
        scenario,
        engine,
        landscape,
        cells,
        stream,
        wind_grids,
        moisture_grids,
        clock,
        cell_ignition,
        fixed_debris,
        fixed_sources,
        spread,
        assets,
        start,
        notes,
        prepare_s: t0.elapsed().as_secs_f64(),
        preflown: None,
    })
}

/// A spread context over the landscape for batches of `runs` fires; on a window of the landscape (paging), its
/// positions counted from the landscape's corner.
fn spread_context(engine: &Engine, landscape: &Landscape, cells: &Cells, runs: usize) -> Result<SpreadContext> {
    let mut ctx = SpreadContext::with_runs(engine, &landscape.grid, cells, runs)?;
    if let Some(p) = &landscape.paged {
        ctx.origin = (p.window.col0, p.window.row0);
    }
    Ok(ctx)
}

/// The run's weather in fire time: the stream, its wind and moisture grids per period, the burn periods' clock.
type RunWeather = (WeatherStream, crate::weather::WindGrids, Vec<Option<Arc<MoistureGrid>>>, Option<BurnClock>);

/// The run's weather: the stream (or the constant weather), its wind grids and conditioned moisture grids, and the
/// burn periods' clock (the stream compressed to fire time) when the scenario has burn periods.
fn weather_inputs(
    scenario: &Scenario,
    landscape: &Landscape,
    cells: &Cells,
    lat: Option<f64>,
    notes: &mut Vec<String>,
) -> Result<RunWeather> {
    let w = &scenario.weather;
    let mut obs = Vec::new();
    let (stream, wind_grids) = match &w.stream {
        Some(p) => {
            let read = read_stream(p, w, &landscape.grid, lat)?;
            notes.extend(read.notes);
            obs = read.obs;
            (read.stream, read.wind_grids)
        }
        None => (WeatherStream::constant(w.base), Vec::new()),
    };
    let moisture_grids = moisture_grids(landscape, cells, w, &stream, &obs, lat, notes);
    // Burn periods: the fire spreads only within them, in fire time; the stream was conditioned in clock time.
    let (stream, wind_grids, moisture_grids, clock) = match burn_periods(
        w.stream.as_deref(),
        w.farsite.as_deref(),
        scenario.spread.duration_min,
    )? {
        Some(clock) => {
            let (fire_stream, kept) = clock.compress(&stream);
            let (grids, mgrids) = (pick(&kept, &wind_grids), pick(&kept, &moisture_grids));
            notes.push(format!(
                    "burn periods: the fire spreads {:.1} h of the run's {:.1} h, in {} periods; fuels condition throughout; times in the outputs are clock minutes from the start",
                    clock.fire_duration_min() / MIN_PER_H,
                    clock.clock_duration_min() / MIN_PER_H,
                    clock.intervals().len()
                ));
            (fire_stream, grids, mgrids, Some(clock))
        }
        None => (stream, wind_grids, moisture_grids, None),
    };
    Ok((stream, wind_grids, moisture_grids, clock))
}

/// A fragment list or impact raster (fixed for every member), read, with its ignition maps.
fn fixed_debris(
    scenario: &Scenario,
    engine: &Engine,
    landscape: &Landscape,
    cell_ignition: &CellIgnition,
    notes: &mut Vec<String>,
) -> Result<Option<(Arc<DebrisField>, Arc<ignition::IgnitionMaps>)>> {
    let field = match &scenario.debris {
        Some(DebrisSpec::Fragments(p)) => debris::read_fragments(p, landscape.full_grid())?,
        Some(DebrisSpec::Raster { path, expected_count, fragment }) => {
            debris::read_impact_raster(path, *expected_count, fragment, landscape)?
        }
        _ => return Ok(None),
    };
    let m1h = scenario.weather.base.moisture.dead_1h;
    let (maps, expected) =
        ignition::maps_and_expected(engine, &landscape.grid, cell_ignition, &field.fragments, m1h, &scenario.ignition)?;
    notes.extend(debris_notes(&field, &expected));
    Ok(Some((Arc::new(field), Arc::new(maps))))
}

/// The scenario's direct ignitions (points, lon/lat points, vector files), each checked to lie on the landscape
/// and start within the run; a run without debris needs at least one.
pub(crate) fn fixed_sources(
    scenario: &Scenario,
    grid: &crate::landscape::Grid,
    notes: &mut Vec<String>,
) -> Result<Vec<Source>> {
    let mut fixed = Vec::new();
    for s in &scenario.ignitions {
        match s {
            IgnitionSpec::Point { x, y, t_min } => fixed.push(Source { shape: Shape::Point(*x, *y), t_min: *t_min }),
            IgnitionSpec::LonLat { lon, lat, t_min } => fixed.push(sources::lonlat_point(*lon, *lat, *t_min, grid)?),
            IgnitionSpec::File(p) => {
                let (from_file, file_notes) = sources::read_vector_noted(p, grid)?;
                // A file without a CRS that misses the landscape: its own note (its extent, the fix) says why.
                let no_crs: String =
                    file_notes.iter().filter(|n| n.contains("has no CRS")).map(|n| format!("; {n}")).collect();
                notes.extend(file_notes);
                for (k, s) in from_file.iter().enumerate() {
                    sources::seeds(s, grid)
                        .map_err(|e| Error::input(p.display(), format!("shape {k}: {e}{no_crs}")))?;
                }
                fixed.extend(from_file)
            }
        }
    }
    // Every direct ignition must lie on the landscape and start within the run: checked now, not in the middle of
    // a run.
    for s in &fixed {
        sources::seeds(s, grid)?;
        if s.t_min > scenario.spread.duration_min {
            return Err(Error::value(
                "an ignition",
                format!("at {} min", s.t_min),
                format!("starts after the end of the run ({} min)", scenario.spread.duration_min),
            ));
        }
    }
    if scenario.debris.is_none() && fixed.is_empty() {
        return Err(Error::value("no ignitions", "", "give --ignite, --ignite-lonlat or --ignitions"));
    }
    Ok(fixed)
}

/// Notes of a debris field: what reading it noticed, hot fragments outside the hot-particle relation's range, and
/// where the expected ignitions come from (`expected`: each fragment's, [`ignition::expected_by_fragment`]).
fn debris_notes(field: &DebrisField, expected: &[f64]) -> Vec<String> {
    let mut notes = field.notes.clone();
    let outside = |f: &crate::debris::Fragment| f.hot_relation_extrapolated();
    let extrapolated = field.fragments.iter().filter(|f| outside(f)).count();
    if extrapolated > 0 {
        notes.push(format!(
            "{extrapolated} hot fragments lie outside the 6-14 mm range of the hot-particle relation (extrapolated)"
        ));
    }
    // Where the expected ignitions come from, per class: the share of each class, and within it the shares from
    // fragments that burned out in flight (landing as cooling residues) and from the extrapolated relation.
    let total: f64 = expected.iter().sum();
    if total > 0.0 {
        let mut classes: Vec<&str> = field.fragments.iter().map(|f| f.class.as_str()).collect();
        classes.sort_unstable();
        classes.dedup();
        for c in classes {
            let (mut all, mut burned_out, mut extra) = (0.0, 0.0, 0.0);
            for (f, e) in field.fragments.iter().zip(expected).filter(|(f, _)| f.class == c) {
                all += e;
                if f.burned_out_in_flight {
                    burned_out += e;
                }
                if outside(f) {
                    extra += e;
                }
            }
            let pct = |x: f64| if all > 0.0 { 100.0 * x / all } else { 0.0 };
            notes.push(format!(
                "debris class {c}: {:.1} % of the {total:.2} expected ignitions; of its own, {:.1} % from fragments that \
                 burned out in flight (landing as cooling residues), {:.1} % from the hot-particle relation extrapolated \
                 beyond 6-14 mm",
                100.0 * all / total,
                pct(burned_out),
                pct(extra)
            ));
        }
    }
    notes
}

impl Prepared {
    /// The spotting parameters of a member: the scenario's, its rate scaled by the variation's factor.
    pub fn spotting_of(&self, v: &Variation) -> crate::spread::spotting::SpottingParams {
        let mut s = self.scenario.spotting;
        if let Some(p) = &self.landscape.paged {
            s.grid_origin = [p.window.col0, p.window.row0, p.full.cols];
        }
        let s = &s;
        match v.spotting_rate_factor {
            Some(f) => {
                crate::spread::spotting::SpottingParams { embers_per_ha_per_mw: s.embers_per_ha_per_mw * f, ..*s }
            }
            None => *s,
        }
    }

    /// Per-cell ignition inputs (burnable and drier than extinction, fuel temperature).
    pub fn cell_ignition(&self) -> &CellIgnition {
        &self.cell_ignition
    }

    /// Spread options of the scenario for weather `stream` (gridded wind applies to the scenario's own stream).
    fn spread_options(&self, own_stream: bool) -> SpreadOptions {
        let sp = &self.scenario.spread;
        SpreadOptions {
            duration_min: self.clock.as_ref().map_or(sp.duration_min, |c| c.fire_duration_min()),
            tolerance: sp.tolerance,
            surface: self.scenario.surface_options(),
            wind_grids: if own_stream { self.wind_grids.clone() } else { Vec::new() },
            moisture_grids: if own_stream { self.moisture_grids.clone() } else { Vec::new() },
        }
    }

    /// Run one member: its debris realisation (seed), ignitions and fire.
    pub fn run_member(&self, seed: u64, variation: &Variation) -> Result<MemberResult> {
        self.run_member_with(seed, variation, &mut |_, _| {})
    }

    /// [`Prepared::run_member`] reporting the fire's progress (fire time, duration; minutes).
    pub fn run_member_with(
        &self,
        seed: u64,
        variation: &Variation,
        progress: &mut dyn FnMut(f64, f64),
    ) -> Result<MemberResult> {
        let sc = &self.scenario;
        let grid = &self.landscape.grid;
        let (debris, sources, notes) = self.member_sources(seed, variation)?;
        let stream = variation.weather.clone().unwrap_or_else(|| self.stream.clone());
        let spot = self.spotting_of(variation);
        // On a window of the landscape (paging), a fragment landing on the landscape beyond it sends the member to a
        // larger window (`run::paging::Plan::beyond`): its fire is not spread on this one.
        let fell_beyond = debris.as_ref().is_some_and(|d| !d.landed_beyond.is_empty());
        let (fire, summary, spotting) = if sources.is_empty() || fell_beyond {
            (None, None, None)
        } else {
            let opts = self.spread_options(variation.weather.is_none());
            let (res, spotting) = self.with_context(|ctx| {
                let mut fire = Fire::new(ctx, &self.engine, &self.cells, &stream, &opts)?;
                for s in &sources {
                    match &self.clock {
                        // Clock time to fire time: an ignition outside the burn periods waits for the next.
                        Some(c) => fire.add_source(&Source { t_min: c.to_fire(s.t_min), ..s.clone() })?,
                        None => fire.add_source(s)?,
                    }
                }
                let total = opts.duration_min;
                let spotting = if sc.spotting.enabled {
                    Some(crate::spread::spotting::burn_with_spotting(
                        &mut fire,
                        grid,
                        &self.cell_ignition.fuel_temp_c,
                        &spot,
                        seed,
                        total,
                        &mut |t| progress(t, total),
                    )?)
                } else {
                    fire.advance_to(total, &mut |t| progress(t, total))?;
                    None
                };
                let res = fire.finish()?;
                Ok(match &self.clock {
                    Some(c) => (res.into_clock(c), spotting.map(|s| s.into_clock(c))),
                    None => (res, spotting),
                })
            })?;
            let mut summary = self.fire_summary(&res);
            summary.spotting = spotting.as_ref().map(|s| s.counts());
            (Some(res), Some(summary), spotting)
        };
        Ok(MemberResult { seed, debris, sources, fire, summary, stream, notes, spotting })
    }

    /// A member's debris realisation (its seed; the variation's break-up and counts) and the fire's sources: its
    /// ignitions and the scenario's direct ignitions; with what it noticed.
    pub fn member_sources(
        &self,
        seed: u64,
        variation: &Variation,
    ) -> Result<(Option<MemberDebris>, Vec<Source>, Vec<String>)> {
        let sc = &self.scenario;
        let grid = &self.landscape.grid;
        let m1h = sc.weather.base.moisture.dead_1h;
        let mut notes = Vec::new();
        let started = std::time::Instant::now();
        let debris = match (&sc.debris, &self.fixed_debris) {
            (None, _) => None,
            (Some(spec), fixed) => {
                let (field, maps) = match (spec, fixed) {
                    (_, Some((f, m))) => (f.clone(), Some(m.clone())),
                    (DebrisSpec::Event { event, classes, winds_aloft }, None) => {
                        let event = variation.event.as_ref().unwrap_or(event);
                        let classes: Vec<crate::debris::FragmentClass> = match &variation.class_counts {
                            Some(counts) => classes
                                .iter()
                                .zip(counts)
                                .map(|(c, &n)| crate::debris::FragmentClass { count: n, ..c.clone() })
                                .collect(),
                            None => classes.clone(),
                        };
                        let winds = variation.winds_aloft.as_deref().unwrap_or(winds_aloft);
                        let as_flown = variation.event.is_none()
                            && variation.class_counts.is_none()
                            && variation.winds_aloft.is_none();
                        let field = match &self.preflown {
                            Some((s, f)) if *s == seed && as_flown => f.clone(),
                            _ => Arc::new(debris::fly_event(event, &classes, winds, &self.landscape, seed)?),
                        };
                        let (ci, frags) = (&self.cell_ignition, &field.fragments);
                        let (maps, expected) = if variation.skip_maps {
                            (None, ignition::expected_by_fragment(grid, ci, frags, m1h, &sc.ignition))
                        } else {
                            let (maps, expected) =
                                ignition::maps_and_expected(&self.engine, grid, ci, frags, m1h, &sc.ignition)?;
                            (Some(Arc::new(maps)), expected)
                        };
                        notes.extend(debris_notes(&field, &expected));
                        (field, maps)
                    }
                    (_, None) => return Err(Error::Internal("debris field not prepared".into())),
                };
                let ignitions = ignition::sample(grid, &self.cell_ignition, &field.fragments, m1h, &sc.ignition, seed);
                let late: Vec<f64> =
                    ignitions.iter().map(|s| s.t_min).filter(|&t| t > sc.spread.duration_min).collect();
                if !late.is_empty() {
                    notes.push(format!(
                        "{} ignition{} from fragments landing after the end of the run (first at {:.1} min; the run ends at {} min): {} not spread",
                        late.len(),
                        if late.len() == 1 { "" } else { "s" },
                        late.iter().copied().fold(f64::INFINITY, f64::min),
                        sc.spread.duration_min,
                        if late.len() == 1 { "it is" } else { "they are" }
                    ));
                }
                let expected_ignitions = maps.as_ref().map_or(f64::NAN, |m| m.expected.iter().map(|&v| v as f64).sum());
                let max_cell_probability =
                    maps.as_ref().map_or(f32::NAN, |m| m.probability.iter().copied().fold(0f32, f32::max));
                // Paged: where fragments land beyond the window (their draws are the member's, whatever was read).
                let landed_beyond = match &self.landscape.paged {
                    Some(p) => ignition::landing_points(&field.fragments, seed)
                        .into_iter()
                        .filter_map(|(x, y)| p.window.beyond(&p.full, x, y))
                        .collect(),
                    None => Vec::new(),
                };
                Some(MemberDebris {
                    form: spec.form(),
                    field,
                    maps,
                    expected_ignitions,
                    max_cell_probability,
                    ignitions,
                    debris_s: started.elapsed().as_secs_f64(),
                    landed_beyond,
                })
            }
        };
        let mut sources: Vec<Source> = debris
            .as_ref()
            .map(|d| d.ignitions.iter().map(|s| Source { shape: Shape::Point(s.x, s.y), t_min: s.t_min }).collect())
            .unwrap_or_default();
        sources.extend(self.fixed_sources.iter().cloned());
        Ok((debris, sources, notes))
    }

    /// Most members [`Prepared::run_batch`] sweeps side by side: on a GPU as many fires as its largest binding holds
    /// (at most 64), on the CPU 1 (members run in parallel instead); 1 under burn periods.
    pub fn max_batch(&self) -> usize {
        // Under burn periods members run one at a time (their results turned into clock time one by one).
        if self.clock.is_some() {
            return 1;
        }
        match &self.engine {
            Engine::Gpu(g) => {
                let grid = &self.landscape.grid;
                crate::spread::gpu::GpuSpread::max_runs(g, grid.rows, grid.cols)
            }
            .clamp(1, 64),
            Engine::Cpu => 1,
        }
    }

    /// A spread context for batches of up to `runs` members ([`Prepared::run_batch`]).
    pub fn batch_context(&self, runs: usize) -> Result<SpreadContext> {
        spread_context(&self.engine, &self.landscape, &self.cells, runs)
    }

    /// Members under one weather as one batch of fires, swept side by side (on a GPU, in the same dispatches): each
    /// member's debris and ignitions from its seed (on the CPU, in parallel), then the batch's fires with their own
    /// spotting; per-cell counts of the members that burned each cell by each of `count_times` are reduced where the
    /// fires are (on the device). Returns the members' results and the counts.
    pub fn run_batch(
        &self,
        ctx: &mut SpreadContext,
        members: &[(u64, Variation)],
        count_times: &[f64],
    ) -> Result<(Vec<MemberResult>, Vec<Vec<u32>>)> {
        use rayon::prelude::*;
        let sc = &self.scenario;
        let grid = &self.landscape.grid;
        let Some((_, first)) = members.first() else { return Ok((Vec::new(), Vec::new())) };
        if self.clock.is_some() {
            return Err(Error::Internal("batches of members do not run under burn periods yet".into()));
        }
        if members
            .iter()
            .any(|(_, v)| v.weather != first.weather || v.spotting_rate_factor != first.spotting_rate_factor)
        {
            return Err(Error::Internal("a batch of members must share one weather stream and spotting rate".into()));
        }
        let spot = self.spotting_of(first);
        let stream = first.weather.clone().unwrap_or_else(|| self.stream.clone());
        let own_stream = first.weather.is_none();
        let prepared: Vec<_> =
            members.par_iter().map(|(seed, v)| self.member_sources(*seed, v)).collect::<Result<Vec<_>>>()?;
        // Members with sources are the batch's fires, in member order.
        let fires: Vec<usize> = (0..members.len()).filter(|&k| !prepared[k].1.is_empty()).collect();
        let mut counts = vec![vec![0u32; grid.len()]; count_times.len()];
        let mut results: Vec<Option<(SpreadResult, Option<crate::spread::spotting::SpottingRun>)>> =
            (0..members.len()).map(|_| None).collect();
        if !fires.is_empty() {
            let opts = self.spread_options(own_stream);
            let mut fire = Fire::batch(ctx, &self.engine, &self.cells, &stream, &opts, fires.len())?;
            for (r, &k) in fires.iter().enumerate() {
                for s in &prepared[k].1 {
                    fire.add_source_to(r, s)?;
                }
            }
            let total = opts.duration_min;
            let spotting = if sc.spotting.enabled {
                let seeds: Vec<u64> = fires.iter().map(|&k| members[k].0).collect();
                let runs = crate::spread::spotting::burn_batch_with_spotting(
                    &mut fire,
                    grid,
                    &self.cell_ignition.fuel_temp_c,
                    &spot,
                    &seeds,
                    total,
                    &mut |_| {},
                )?;
                runs.into_iter().map(Some).collect()
            } else {
                fire.advance_to(total, &mut |_| {})?;
                vec![None; fires.len()]
            };
            for (k, &t) in count_times.iter().enumerate() {
                counts[k] = fire.burn_counts_at(t)?;
            }
            for ((res, sp), &k) in fire.finish_all()?.into_iter().zip(spotting).zip(&fires) {
                results[k] = Some((res, sp));
            }
        }
        let out = prepared
            .into_iter()
            .zip(results)
            .zip(members)
            .map(|(((debris, sources, notes), r), (seed, _))| {
                let (fire, summary, spotting) = match r {
                    Some((res, sp)) => {
                        let mut s = self.fire_summary(&res);
                        s.spotting = sp.as_ref().map(|x| x.counts());
                        (Some(res), Some(s), sp)
                    }
                    None => (None, None, None),
                };
                MemberResult { seed: *seed, debris, sources, fire, summary, stream: stream.clone(), notes, spotting }
            })
            .collect();
        Ok((out, counts))
    }

    /// Run `f` on a spread context: on the CPU each member running at once takes one of its own from the pool (made
    /// when none is free) and gives it back, so members run in parallel; on a GPU the one context (its buffers) is
    /// held while `f` runs.
    fn with_context<R>(&self, f: impl FnOnce(&mut SpreadContext) -> Result<R>) -> Result<R> {
        let lock = || self.spread.lock().unwrap_or_else(|p| p.into_inner());
        if matches!(self.engine, Engine::Cpu) {
            let taken = lock().pop();
            let mut ctx = match taken {
                Some(c) => c,
                None => spread_context(&self.engine, &self.landscape, &self.cells, 1)?,
            };
            let r = f(&mut ctx);
            lock().push(ctx);
            r
        } else {
            let mut guard = lock();
            f(&mut guard[0])
        }
    }

    /// Typed summary of a fire: burned area per isochrone time from cell counts, maxima at front passage.
    fn fire_summary(&self, res: &SpreadResult) -> FireSummary {
        let grid = &self.landscape.grid;
        let cell_ha = grid.dx() * grid.dy() / M2_PER_HA;
        let cells = res.burned_behaviour();
        let max = |f: fn(&crate::spread::CellBehaviour) -> f32| cells.iter().map(f).fold(0f32, f32::max);
        let times = isochrone_times(res.duration_min, self.scenario.spread.isochrone_interval_min);
        let mut arrivals: Vec<f32> = cells.iter().map(|c| c.arrival_min).collect();
        arrivals.sort_by(f32::total_cmp);
        let areas = times
            .iter()
            .map(|&t| {
                let n = arrivals.partition_point(|&a| a as f64 <= t);
                let by = |k: f32| cells.iter().filter(|c| c.arrival_min as f64 <= t && c.fire_type >= k).count();
                let (crown, active) = (by(2.0), by(3.0));
                AreaAt {
                    time_min: t,
                    cells_burned: n,
                    cells_area_ha: n as f64 * cell_ha,
                    crown_cells: crown,
                    crown_area_ha: crown as f64 * cell_ha,
                    active_crown_cells: active,
                }
            })
            .collect();
        let st = &res.stats;
        FireSummary {
            backend: st.backend.clone(),
            adapter: st.adapter.clone(),
            run_time_s: st.wall_s,
            duration_min: res.duration_min,
            burned_cells: st.burned_cells,
            burned_area_ha: st.burned_cells as f64 * cell_ha,
            burned_cells_per_s: st.burned_cells as f64 / st.wall_s.max(1e-9),
            max_ros_m_per_min: max(|c| c.ros_m_per_min),
            max_fireline_intensity_kw_per_m: max(|c| c.intensity_kw_per_m),
            max_flame_length_m: max(|c| c.flame_length_m),
            areas,
            sweeps: st.sweeps,
            relaxations: st.relaxations,
            cells_parameterised: st.cells_parameterised,
            ignition_points_on_unburnable_cells: st.seeds_skipped_unburnable,
            device_tiles: st.device_tiles,
            spotting: None,
        }
    }
}
