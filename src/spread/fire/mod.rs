//! A fire that steps: [`Fire`] grows over a [`SpreadContext`] (one per landscape, shared by every fire on it),
//! takes sources at any time, including while it burns, and advances to any time.
//!
//! Time runs in windows ([`Fire::advance_to`]): a window ends at the next weather change or at the run's horizon;
//! cells reached after its end wait (are frozen) until a later window. The three steps of the loop are separate
//! functions:
//! - [`Fire::seed_pending`]: sources whose start time falls in the window are seeded at its start (their arrival
//!   times are absolute, so a later start needs no window of its own);
//! - [`Fire::run_window`]: the waiting cells the window reaches, then Jacobi sweeps until nothing changes;
//! - [`Fire::reanchor`]: at a weather change each waiting cell's ray is cut at the point the fire reached at the
//!   change, and spreads on from there with the new weather. A point whose cell cannot spread in the new weather
//!   (fuel wetter than extinction, a calm over a wind-driven front) waits where it stands and resumes at the first
//!   later change that lets it: a fire stopped by a wet night starts again from where it stood.

use std::time::Instant;

use super::gpu::GpuSpread;
use super::kernel::{self, CpuKernel, Dom, Param, State, KIND_IGNITION, KIND_SHIFT, NO_ANCHOR, T_UNSET};
use super::params::ParamField;
use super::sources::{self, Seed, Source};
use super::{burnable_mask, clear_ray, RunStats, SpreadOptions, SpreadResult, Sweeper};
use crate::error::{Error, Result};
use crate::gpu::Engine;
use crate::landscape::Grid;
use crate::physics::behavior::Cells;
use crate::weather::WeatherStream;

mod read;

/// Where [`Fire::newly_burned_by_run`] got to: the reached entries read so far, those reached beyond the time of the
/// last call (read again next time), and on a GPU the time of the last call and the entries already given.
#[derive(Clone, Debug, Default)]
pub struct BurnTracker {
    cursor: usize,
    pending: Vec<u32>,
    given: Option<Vec<bool>>,
    last_t: Option<f32>,
}

/// What every fire on one landscape shares: the grid, the burnable mask, the spread parameters computed so far
/// (per weather, kept across fires), and on a GPU the kernels' buffers, allocated once.
pub struct SpreadContext {
    pub grid: Grid,
    mask: Vec<u32>,
    params: ParamField,
    gpu: Option<GpuSpread>,
    /// Most fires a batch may hold on this context.
    runs: usize,
    /// Column and row of the grid's first cell in the whole landscape, when the grid is a window of it (paging):
    /// the kernel counts positions from the landscape's corner ([`kernel::Dom::col0`]).
    pub origin: (usize, usize),
}

impl SpreadContext {
    /// Set up spread over `grid` (the landscape's) with per-cell inputs `cells`, on `engine`, for one fire at a time.
    pub fn new(engine: &Engine, grid: &Grid, cells: &Cells) -> Result<SpreadContext> {
        SpreadContext::with_runs(engine, grid, cells, 1)
    }

    /// As [`SpreadContext::new`], for batches of up to `runs` fires swept side by side ([`Fire::batch`]).
    pub fn with_runs(engine: &Engine, grid: &Grid, cells: &Cells, runs: usize) -> Result<SpreadContext> {
        let g = grid.geotransform;
        if g[2] != 0.0 || g[4] != 0.0 {
            return Err(Error::value(
                "the landscape's grid",
                "",
                "spread needs a grid without rotation (geotransform terms 2 and 4 zero)",
            ));
        }
        if grid.len() > kernel::MAX_CELLS {
            return Err(Error::value(
                "the landscape's grid",
                "",
                format!("{} cells exceed the spread kernel's {}", grid.len(), kernel::MAX_CELLS),
            ));
        }
        if cells.n != grid.len() {
            return Err(Error::Internal(format!("{} cells of inputs for a grid of {} cells", cells.n, grid.len())));
        }
        let mask = burnable_mask(cells);
        let runs = runs.max(1);
        if grid.len().saturating_mul(runs) > u32::MAX as usize / 2 {
            return Err(Error::value(
                "a batch",
                runs,
                format!("fires of {} cells exceed the spread state's indices", grid.len()),
            ));
        }
        let gpu = match engine {
            Engine::Cpu => None,
            Engine::Gpu(g) => Some(GpuSpread::new(g.clone(), grid.rows, grid.cols, &mask, runs)?),
        };
        Ok(SpreadContext {
            grid: grid.clone(),
            mask,
            params: ParamField::new(grid.rows, grid.cols),
            gpu,
            runs,
            origin: (0, 0),
        })
    }

    /// Most fires a batch may hold on this context.
    pub fn runs(&self) -> usize {
        self.runs
    }

    /// Burnable cells (1) of the grid.
    pub fn mask(&self) -> &[u32] {
        &self.mask
    }
}

/// The fire's sweeps: its own CPU twin, or the context's GPU kernels.
enum Sweeps<'a> {
    Cpu(Box<CpuKernel>),
    Gpu(&'a mut GpuSpread),
}

/// A fire growing over a [`SpreadContext`]; or a batch of fires (runs) under one weather stream, swept side by side
/// in the same dispatches and reduced on the device ([`Fire::burn_counts`]).
pub struct Fire<'a> {
    runs: usize,
    /// Cells of one run.
    ncell: usize,
    grid: &'a Grid,
    mask: &'a [u32],
    pf: &'a mut ParamField,
    sweeps: Sweeps<'a>,
    engine: &'a Engine,
    cells: &'a Cells,
    weather: WeatherStream,
    opts: SpreadOptions,
    dom: Dom,
    /// Time the fire has been advanced to, min.
    t_now: f64,
    /// End of the windows computed so far, min (at or after `t_now`).
    w_end: f64,
    /// Weather period in force for the sweeps.
    period: usize,
    /// Cells reached after the last window's end, waiting for a later one.
    frozen: Vec<u32>,
    /// Points of the front that cannot spread in the current weather: (cell, x, y), cell units.
    stalled: Vec<(u32, f32, f32)>,
    /// Sources not seeded yet: start time, run and seeds.
    pending: Vec<(f64, usize, Vec<Seed>)>,
    sources: usize,
    /// Ignition points on cells that cannot burn, per run.
    skipped: Vec<usize>,
    started: Instant,
    computed_at_start: u64,
    /// Windows end at the times asked for ([`Fire::end_windows_at_steps`]).
    stepped: bool,
}

impl<'a> Fire<'a> {
    /// A fire with no source yet at time 0 over `ctx`, under `weather` (its first period starts at 0).
    pub fn new(
        ctx: &'a mut SpreadContext,
        engine: &'a Engine,
        cells: &'a Cells,
        weather: &WeatherStream,
        opts: &SpreadOptions,
    ) -> Result<Fire<'a>> {
        Fire::batch(ctx, engine, cells, weather, opts, 1)
    }

    /// `runs` fires side by side under one weather stream (at most the context's [`SpreadContext::runs`]); each
    /// takes its own sources ([`Fire::add_source_to`]).
    pub fn batch(
        ctx: &'a mut SpreadContext,
        engine: &'a Engine,
        cells: &'a Cells,
        weather: &WeatherStream,
        opts: &SpreadOptions,
        runs: usize,
    ) -> Result<Fire<'a>> {
        let started = Instant::now();
        if runs == 0 || runs > ctx.runs {
            return Err(Error::Internal(format!(
                "a batch of {runs} fires: the spread context holds 1 to {} (SpreadContext::with_runs)",
                ctx.runs
            )));
        }
        if weather.periods.is_empty() || weather.periods[0].start_min != 0.0 {
            return Err(Error::value("the weather stream", "", "must start at time 0"));
        }
        if !(opts.tolerance >= 0.0 && opts.tolerance <= 1.0) {
            return Err(Error::value("tolerance", opts.tolerance, "must be in 0..1"));
        }
        let n = ctx.grid.len();
        for (k, g) in opts.wind_grids.iter().enumerate() {
            if let Some(g) = g {
                if g.speed_m_per_min.len() != n || g.from_deg.len() != n || k >= weather.periods.len() {
                    return Err(Error::value(
                        format!("gridded wind {k}"),
                        "",
                        "does not match the landscape grid or weather stream",
                    ));
                }
            }
        }
        let g = ctx.grid.geotransform;
        let dom = Dom {
            cols: ctx.grid.cols as u32,
            rows: ctx.grid.rows as u32,
            cell_e: g[1] as f32,
            cell_n: g[5] as f32,
            t_start: 0.0,
            t_end: 0.0,
            tol: opts.tolerance,
            cur: 0,
            next: 1,
            window: 0,
            list_cap: (n * runs) as u32,
            runs: runs as u32,
            col0: ctx.origin.0 as u32,
            row0: ctx.origin.1 as u32,
            tiles_x: 0,
            pool: 0,
        };
        let SpreadContext { grid, mask, params, gpu, .. } = ctx;
        let sweeps = match (engine, gpu.as_mut()) {
            (Engine::Cpu, _) => Sweeps::Cpu(Box::new(CpuKernel::new(dom))),
            (Engine::Gpu(_), Some(g)) => {
                g.reset(runs)?;
                Sweeps::Gpu(g)
            }
            (Engine::Gpu(_), None) => {
                return Err(Error::Gpu("the spread context was set up for the CPU; make one on the GPU engine".into()))
            }
        };
        let computed_at_start = params.cells_computed;
        let mut fire = Fire {
            runs,
            ncell: n,
            grid,
            mask,
            pf: params,
            sweeps,
            engine,
            cells,
            weather: weather.clone(),
            opts: opts.clone(),
            dom,
            t_now: 0.0,
            w_end: 0.0,
            period: 0,
            frozen: Vec::new(),
            stalled: Vec::new(),
            pending: Vec::new(),
            sources: 0,
            skipped: vec![0; runs],
            started,
            computed_at_start,
            stepped: false,
        };
        fire.set_weather(0)?;
        Ok(fire)
    }

    /// Time the fire has been computed to, min.
    pub fn time_min(&self) -> f64 {
        self.t_now
    }

    /// Sources added so far.
    pub fn source_count(&self) -> usize {
        self.sources
    }

    fn sweeper(&mut self) -> &mut dyn Sweeper {
        match &mut self.sweeps {
            Sweeps::Cpu(k) => k.as_mut(),
            Sweeps::Gpu(g) => &mut **g,
        }
    }

    /// Fires in the batch.
    pub fn runs(&self) -> usize {
        self.runs
    }

    /// Add a source starting at its time (not before the fire's current time). Fails when it lies off the
    /// landscape.
    pub fn add_source(&mut self, s: &Source) -> Result<()> {
        self.add_source_to(0, s)
    }

    /// [`Fire::add_source`] to fire `run` of the batch.
    pub fn add_source_to(&mut self, run: usize, s: &Source) -> Result<()> {
        if run >= self.runs {
            return Err(Error::Internal(format!("fire {run} of a batch of {}", self.runs)));
        }
        if !(s.t_min.is_finite() && s.t_min >= self.t_now - 1e-9) {
            return Err(Error::value(
                "ignition",
                format!("at {} min", s.t_min),
                format!("the fire has already been computed to {} min; add sources at or after it", self.t_now),
            ));
        }
        let seeds = sources::seeds_from(s, self.grid, (self.dom.col0 as usize, self.dom.row0 as usize))?;
        self.pending.push((s.t_min.max(self.t_now), run, seeds));
        self.sources += 1;
        Ok(())
    }

    /// Grow the fire to `t_min`; `progress` now and then receives the fire time reached.
    ///
    /// Windows end only at weather changes and at the run's horizon (`opts.duration_min`; beyond it, at the
    /// times asked for), never at the times asked for within it: the sweeps of the anchored method settle on a
    /// state that depends a little on where windows end, so stepping a fire must not end any. A window may so
    /// compute arrival times beyond `t_min`; [`Fire::result`] reports only those up to `t_min`, and a source added
    /// at or after `t_min` but inside the window computed is seeded into it and the window swept again.
    pub fn advance_to(&mut self, t_min: f64, progress: &mut dyn FnMut(f64)) -> Result<()> {
        if !(t_min.is_finite() && t_min < 1.0e6) {
            return Err(Error::value("time", format!("{t_min} min"), "must be finite and below 1e6 min"));
        }
        loop {
            // Sources added since the current window ran, starting inside it.
            if self.pending.iter().any(|p| p.0 < self.w_end) {
                self.run_window(self.w_end, progress)?;
            }
            if self.w_end >= t_min {
                break;
            }
            // A weather change the windows have reached: re-anchor the front before spreading on.
            let p = self.weather.period_at(self.w_end);
            if p != self.period {
                self.reanchor(p, self.w_end)?;
            }
            let next_change =
                self.weather.periods.iter().map(|p| p.start_min).find(|&s| s > self.w_end + 1e-9).unwrap_or(f64::MAX);
            let horizon = self.opts.duration_min;
            let end =
                if self.w_end < horizon && !self.stepped { next_change.min(horizon) } else { next_change.min(t_min) };
            self.run_window(end, progress)?;
            self.w_end = end;
            progress(end.min(t_min));
        }
        self.t_now = self.t_now.max(t_min);
        Ok(())
    }

    /// End windows at the times [`Fire::advance_to`] is asked for, as a fire that changes while it grows needs (a
    /// spotting fire adds sources every step): a window's sweeps then stop one cell beyond its end, so a source
    /// added at the next step improves only the cells reached within that step, not every cell the fire would
    /// reach by the horizon (whose cost grows with the product of spot fires and burned cells). Arrival times
    /// depend a little on where windows end (see [`Fire::advance_to`]).
    pub fn end_windows_at_steps(&mut self) {
        self.stepped = true;
    }

    fn set_weather(&mut self, period: usize) -> Result<()> {
        let wind = self.opts.wind_grids.get(period).cloned().flatten();
        let moisture = self.opts.moisture_grids.get(period).cloned().flatten();
        let w = self.weather.periods[period].weather;
        self.pf.set_weather(self.cells, &w, wind, moisture, self.opts.surface)?;
        self.period = period;
        let (pf, cells): (&mut ParamField, &Cells) = (self.pf, self.cells);
        match &mut self.sweeps {
            Sweeps::Cpu(k) => k.set_params(pf, cells),
            Sweeps::Gpu(g) => g.set_params(pf, cells),
        }
    }

    /// Write the seeds of the sources starting before `t_end` (the end of the window about to run). Returns the
    /// cells seeded within the window; those seeded beyond it join the waiting cells.
    fn seed_pending(&mut self, t_end: f64) -> Result<Vec<u32>> {
        let mut changed = Vec::new();
        let (now, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending).into_iter().partition(|p| p.0 < t_end);
        self.pending = later;
        let dom = self.dom;
        let ncell = self.ncell;
        for (_, run, ss) in now {
            let base = (run * ncell) as u32;
            self.pf.ensure(self.cells, ss.iter().map(|s| s.cell));
            let (mask, sweeper): (&[u32], &mut dyn Sweeper) = match &mut self.sweeps {
                Sweeps::Cpu(k) => (self.mask, k.as_mut()),
                Sweeps::Gpu(g) => (self.mask, &mut **g),
            };
            sweeper.set_params(self.pf, self.cells)?;
            let pf: &ParamField = self.pf;
            let idx: Vec<u32> = ss.iter().map(|s| base + s.cell as u32).collect();
            let cur = sweeper.gather(&idx)?;
            // Best seed per cell: (state, id, front values).
            let mut best_of: std::collections::HashMap<u32, ((State, u32), [f32; 4])> =
                std::collections::HashMap::new();
            for (s, c) in ss.iter().zip(cur) {
                let p = pf.params[s.cell];
                let (ax, ay) = seed_anchor(&dom, p, s);
                let own = kernel::cell_of(&dom, ax, ay) == s.cell;
                if mask[s.cell] == 0 || p[0] <= 0.0 {
                    if own && s.segment_end.is_none() {
                        self.skipped[run] += 1;
                    }
                    continue;
                }
                // A seed from a point in another cell (around an ignition line): only along a clear ray.
                if !own && !clear_ray(&dom, mask, &pf.params, ax, ay, s.cell) {
                    continue;
                }
                // Trapezoid of the anchor's cell and this cell, as in the kernel.
                let t = if s.centre {
                    s.t_anchor
                } else {
                    let (xc, yc) = kernel::centre(&dom, s.cell);
                    let pa = pf.params[kernel::cell_of(&dom, ax, ay)];
                    s.t_anchor + kernel::seed_delay(&dom, pa, p, ax, ay, xc, yc)
                };
                let g = base + s.cell as u32;
                let best = best_of.get(&g).map_or(c.0[0], |b| b.0 .0[0]);
                if kernel::improves(t, best) {
                    let st = [t, ax, ay, s.t_anchor];
                    let id = KIND_IGNITION | s.cell as u32;
                    best_of.insert(g, ((st, id), kernel::front_values(&dom, p, pf.heat[s.cell], st, s.cell)));
                }
            }
            let mut upd: Vec<(u32, (State, u32), [f32; 4])> = best_of.into_iter().map(|(k, v)| (k, v.0, v.1)).collect();
            upd.sort_by_key(|u| u.0);
            let idx: Vec<u32> = upd.iter().map(|u| u.0).collect();
            let vals: Vec<(State, u32)> = upd.iter().map(|u| u.1).collect();
            let fronts: Vec<[f32; 4]> = upd.iter().map(|u| u.2).collect();
            sweeper.scatter(dom, self.pf, self.cells, &idx, &vals, &fronts)?;
            for u in &upd {
                if u.1 .0[0] <= dom.t_end {
                    changed.push(u.0);
                } else {
                    self.frozen.push(u.0);
                }
            }
        }
        Ok(changed)
    }

    /// One window ending at `t_end`: seed the sources that start in it, release the waiting cells it reaches,
    /// sweep until nothing changes.
    fn run_window(&mut self, t_end: f64, progress: &mut dyn FnMut(f64)) -> Result<()> {
        self.dom.window += 1;
        self.dom.t_end = t_end as f32;
        let mut changed = self.seed_pending(t_end)?;
        // Cells waiting for this window.
        let mut frozen = std::mem::take(&mut self.frozen);
        frozen.sort_unstable();
        frozen.dedup();
        let dom = self.dom;
        let st = self.sweeper().gather(&frozen)?;
        let mut still = Vec::with_capacity(frozen.len());
        for (&i, s) in frozen.iter().zip(&st) {
            if s.0[0] <= dom.t_end {
                changed.push(i);
            } else if s.0[0] < T_UNSET {
                still.push(i);
            }
        }
        let mut active = kernel::neighbourhood(&dom, self.mask, &changed);
        active.sort_unstable();
        active.dedup();
        let (t_lo, t_hi) = (self.w_end.min(t_end), t_end);
        let (cells, mask) = (self.cells, self.mask);
        let sweeper: &mut dyn Sweeper = match &mut self.sweeps {
            Sweeps::Cpu(k) => k.as_mut(),
            Sweeps::Gpu(g) => &mut **g,
        };
        let newly = sweeper.sweep(dom, self.pf, cells, mask, active, &mut |t: f64| {
            // The earliest time still changing: a lower bound of the settled time.
            progress(t.clamp(t_lo, t_hi))
        })?;
        still.extend(newly);
        still.sort_unstable();
        still.dedup();
        self.frozen = still;
        Ok(())
    }

    /// Weather change at `t_change` to `period`: each waiting cell is re-anchored on the front where it
    /// stands; points that cannot spread in the new weather wait (with those stalled earlier) for a later change.
    fn reanchor(&mut self, period: usize, t_change: f64) -> Result<()> {
        self.set_weather(period)?;
        let tc = t_change as f32;
        self.dom.t_start = tc;
        let dom = self.dom;
        let frozen = std::mem::take(&mut self.frozen);
        let stalled = std::mem::take(&mut self.stalled);
        let st = self.sweeper().gather(&frozen)?;
        // Candidates: (cell, point on the front) from the waiting cells, then from the stalled points.
        let mut cand: Vec<(u32, f32, f32)> = Vec::with_capacity(frozen.len() + stalled.len());
        let ncell = self.ncell;
        for (&i, s) in frozen.iter().zip(&st) {
            let (t, ax, ay, at) = (s.0[0], s.0[1], s.0[2], s.0[3]);
            // Listed as waiting in an earlier window but reached before the change since: burned, not waiting.
            if s.1 == NO_ANCHOR || t <= tc {
                continue;
            }
            let (xc, yc) = kernel::centre(&dom, i as usize % ncell);
            let f = if t > at { ((tc - at) / (t - at)).clamp(0.0, 1.0) } else { 1.0 };
            cand.push((i, ax + f * (xc - ax), ay + f * (yc - ay)));
        }
        if !stalled.is_empty() {
            // A stalled point whose cell has burned meanwhile has nothing left to do.
            let idx: Vec<u32> = stalled.iter().map(|s| s.0).collect();
            let cur = self.sweeper().gather(&idx)?;
            for (s, c) in stalled.into_iter().zip(cur) {
                if c.1 == NO_ANCHOR || c.0[0] > tc {
                    cand.push(s);
                }
            }
        }
        self.pf.ensure(self.cells, cand.iter().map(|c| c.0 as usize % ncell));
        self.pf.ensure(self.cells, cand.iter().map(|&(_, x, y)| kernel::cell_of(&dom, x, y)));
        // Best candidate per cell.
        let mut best: std::collections::BTreeMap<u32, (State, u32, [f32; 4])> = std::collections::BTreeMap::new();
        let mut stalled_next = Vec::new();
        for &(i, px, py) in &cand {
            let iu = i as usize % ncell;
            let p: Param = self.pf.params[iu];
            if p[0] <= 0.0 || self.mask[iu] == 0 {
                stalled_next.push((i, px, py));
                best.entry(i).or_insert(([T_UNSET, 0.0, 0.0, 0.0], NO_ANCHOR, [0.0; 4]));
                continue;
            }
            let pp: Param = self.pf.params[kernel::cell_of(&dom, px, py)];
            let (xc, yc) = kernel::centre(&dom, iu);
            let s = [tc + kernel::seed_delay(&dom, pp, p, px, py, xc, yc), px, py, tc];
            let e = best.entry(i).or_insert(([T_UNSET, 0.0, 0.0, 0.0], NO_ANCHOR, [0.0; 4]));
            if e.1 == NO_ANCHOR || s[0] < e.0[0] {
                *e = (s, KIND_SHIFT | iu as u32, kernel::front_values(&dom, p, self.pf.heat[iu], s, iu));
            }
        }
        let idx: Vec<u32> = best.keys().copied().collect();
        let vals: Vec<(State, u32)> = best.values().map(|v| (v.0, v.1)).collect();
        let fronts: Vec<[f32; 4]> = best.values().map(|v| v.2).collect();
        let sweeper: &mut dyn Sweeper = match &mut self.sweeps {
            Sweeps::Cpu(k) => k.as_mut(),
            Sweeps::Gpu(g) => &mut **g,
        };
        sweeper.set_params(self.pf, self.cells)?;
        sweeper.scatter(dom, self.pf, self.cells, &idx, &vals, &fronts)?;
        self.frozen = idx.into_iter().zip(&vals).filter(|(_, v)| v.1 != NO_ANCHOR).map(|(i, _)| i).collect();
        self.stalled = stalled_next;
        Ok(())
    }
}

/// The anchor of a seed: the point itself, or a line segment's point of earliest arrival at the seed's cell (the
/// delay is convex along the segment: golden-section search).
fn seed_anchor(dom: &Dom, p: Param, s: &Seed) -> (f32, f32) {
    match s.segment_end {
        None => (s.ax, s.ay),
        Some((bx, by)) if p[0] > 0.0 => {
            let (xc, yc) = kernel::centre(dom, s.cell);
            let delay_from = |ax: f32, ay: f32| {
                let de = (xc - ax) * dom.cell_e;
                let dn = (yc - ay) * dom.cell_n;
                let dist = (de * de + dn * dn).sqrt();
                kernel::delay(p, de, dn, dist)
            };
            let at = |f: f32| (s.ax + f * (bx - s.ax), s.ay + f * (by - s.ay));
            let (mut lo, mut hi) = (0f32, 1f32);
            const G: f32 = 0.618_034;
            for _ in 0..40 {
                let (m1, m2) = (hi - G * (hi - lo), lo + G * (hi - lo));
                let (p1, p2) = (at(m1), at(m2));
                if delay_from(p1.0, p1.1) <= delay_from(p2.0, p2.1) {
                    hi = m2;
                } else {
                    lo = m1;
                }
            }
            at(0.5 * (lo + hi))
        }
        Some(_) => (s.ax, s.ay),
    }
}
