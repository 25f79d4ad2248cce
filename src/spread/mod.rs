//! Fire spread: arrival times from ignitions over a landscape under a weather stream, on the GPU
//! (`shaders/spread_*.wgsl`) or the CPU twin ([`kernel`]).
//!
//! ## Method
//! Huygens' principle with elliptical wavelets (Anderson et al. 1982; Richards 1990): the fire spreads from
//! each point of its front as an ellipse with the ignition at its rear focus, whose head rate, direction and
//! length-to-breadth ratio come from the Rothermel (1972) surface fire kernel of each cell ([`params`]). Under
//! constant weather this is a minimum travel time problem (Finney 2002), solved here by *anchored* travel
//! times: each cell keeps the point (anchor) from which a straight ray reaches it in least time, so rays are
//! not bent to the 8 grid directions, and in uniform conditions every cell gets the exact `r / R(theta)` of the
//! analytical ellipse. See [`kernel`] for the rules and `README.md` for the accuracy measured.
//!
//! Time runs in windows, one per weather period: cells reached after the window's end wait (frozen) until the
//! window moves on, so weather periods apply in time order. Ignitions are seeded at the start of the period their
//! start time falls in (arrival times are absolute, so a later start needs no window of its own). At a weather change the front is re-anchored where it stands: each
//! waiting cell's ray from its anchor is cut at the point the fire reached at the change, and spreads on from
//! there with the new weather.
//!
//! Work follows the front: only cells next to a change are relaxed, and (CPU) spread parameters are computed
//! one 32 x 32 tile at a time as the fire arrives.

pub mod gpu;
pub mod kernel;
pub mod params;
pub mod sources;

use std::time::Instant;

use kernel::{CpuKernel, Dom, Param, State, KIND_SHIFT, NO_ANCHOR, T_UNSET};
use params::ParamField;
use sources::Source;

use crate::behavior::{Cells, NODATA};
use crate::error::{Error, Result};
use crate::gpu::Engine;
use crate::landscape::{Grid, Landscape};
use crate::surface::SurfaceOptions;
use crate::weather::WeatherStream;

/// Options of a spread run.
#[derive(Clone, Debug)]
pub struct SpreadOptions {
    /// Length of the run, min.
    pub duration_min: f64,
    /// Relative slowness tolerance for keeping a ray's anchor across changing conditions.
    pub tolerance: f32,
    pub surface: SurfaceOptions,
    /// Gridded wind per weather period (same order as the stream's periods; missing or `None`: uniform wind).
    pub wind_grids: Vec<Option<std::sync::Arc<crate::weather::WindGrid>>>,
}

impl Default for SpreadOptions {
    fn default() -> Self {
        SpreadOptions {
            duration_min: 360.0,
            tolerance: 0.05,
            surface: SurfaceOptions::default(),
            wind_grids: Vec::new(),
        }
    }
}

/// Counters of a run.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct RunStats {
    pub backend: String,
    pub adapter: String,
    pub wall_s: f64,
    pub sweeps: u64,
    pub relaxations: u64,
    pub cells_parameterised: u64,
    pub burned_cells: usize,
    pub seeds_skipped_unburnable: usize,
}

/// Result of a run: the kernel's final state, from which [`SpreadResult::rasters`] makes the rasters.
pub struct SpreadResult {
    pub grid: Grid,
    pub duration_min: f64,
    pub stats: RunStats,
    state: Vec<State>,
    ids: Vec<u32>,
    front: Vec<[f32; 4]>,
    /// Cells the fire reached (arrival time set), when the backend tracked them (else every cell is scanned).
    reached: Option<Vec<u32>>,
}

/// Arrival times and front-passage fire behaviour, raster order; [`NODATA`] where the fire did not arrive.
pub struct SpreadRasters {
    pub arrival_min: Vec<f32>,
    /// Arrival times for contouring: as `arrival_min` plus the cells the front was about to reach at the end of
    /// the run (their times exceed the duration), so that the last perimeter is traced between true times.
    pub arrival_contour_min: Vec<f32>,
    /// Spread rate in the direction the front travelled, m/min.
    pub ros_m_per_min: Vec<f32>,
    /// Direction the front travelled, azimuth deg.
    pub direction_deg: Vec<f32>,
    pub intensity_kw_per_m: Vec<f32>,
    pub flame_length_m: Vec<f32>,
}

impl SpreadResult {
    fn reached_cells(&self) -> Vec<u32> {
        match &self.reached {
            Some(r) => r.clone(),
            None => (0..self.ids.len() as u32).filter(|&i| self.ids[i as usize] != NO_ANCHOR).collect(),
        }
    }

    /// Kernel state of cell `i` (arrival time, anchor x, y in cell units, anchor time) and its anchor id, if the
    /// fire reached it (within the run or just beyond).
    pub fn anchor(&self, i: usize) -> Option<(State, u32)> {
        (self.ids[i] != NO_ANCHOR).then_some((self.state[i], self.ids[i]))
    }

    /// Arrival time of cell `i`, min, if the fire reached it within the run.
    pub fn arrival(&self, i: usize) -> Option<f32> {
        (self.ids[i] != NO_ANCHOR && self.state[i][0] <= self.duration_min as f32).then_some(self.state[i][0])
    }

    /// The rasters of the run.
    pub fn rasters(&self) -> SpreadRasters {
        let n = self.grid.len();
        let mut r = SpreadRasters {
            arrival_min: vec![NODATA; n],
            arrival_contour_min: vec![NODATA; n],
            ros_m_per_min: vec![NODATA; n],
            direction_deg: vec![NODATA; n],
            intensity_kw_per_m: vec![NODATA; n],
            flame_length_m: vec![NODATA; n],
        };
        let dur = self.duration_min as f32;
        for i in self.reached_cells() {
            let i = i as usize;
            let t = self.state[i][0];
            r.arrival_contour_min[i] = t;
            if t <= dur {
                let f = self.front[i];
                r.arrival_min[i] = t;
                r.ros_m_per_min[i] = f[0];
                r.direction_deg[i] = f[1];
                r.intensity_kw_per_m[i] = f[2];
                r.flame_length_m[i] = flame_length_m(f[2]);
            }
        }
        r
    }
}

/// Final state of a run: per-cell state, anchor ids, front-passage values, reached cells (if tracked), sweeps,
/// relaxations.
type Finished = (Vec<State>, Vec<u32>, Vec<[f32; 4]>, Option<Vec<u32>>, u64, u64);

/// A gathered state as the driver reads it: arrival time T_UNSET where the cell has not been reached.
fn normalised(s: State, id: u32) -> (State, u32) {
    if id == NO_ANCHOR {
        ([T_UNSET, s[1], s[2], s[3]], id)
    } else {
        (s, id)
    }
}

/// Backend of the sweeps: the CPU twin or the GPU kernels.
trait Sweeper {
    fn set_params(&mut self, pf: &ParamField) -> Result<()>;
    /// Sweep until nothing changes; `progress` now and then receives the earliest arrival time that changed.
    #[allow(clippy::too_many_arguments)]
    fn sweep(
        &mut self,
        dom: Dom,
        pf: &mut ParamField,
        cells: &Cells,
        mask: &[u32],
        active: Vec<u32>,
        progress: &mut dyn FnMut(f64),
    ) -> Result<Vec<u32>>;
    fn gather(&mut self, idx: &[u32]) -> Result<Vec<(State, u32)>>;
    fn scatter(&mut self, idx: &[u32], vals: &[(State, u32)], front: &[[f32; 4]]) -> Result<()>;
    fn finish(&mut self) -> Result<Finished>;
}

impl Sweeper for CpuKernel {
    fn set_params(&mut self, _: &ParamField) -> Result<()> {
        Ok(())
    }
    fn sweep(
        &mut self,
        dom: Dom,
        pf: &mut ParamField,
        cells: &Cells,
        mask: &[u32],
        active: Vec<u32>,
        progress: &mut dyn FnMut(f64),
    ) -> Result<Vec<u32>> {
        self.dom = dom;
        Ok(self.sweep_lazy(pf, cells, mask, active, progress))
    }
    fn gather(&mut self, idx: &[u32]) -> Result<Vec<(State, u32)>> {
        Ok(idx.iter().map(|&i| normalised(self.state[i as usize], self.ids[i as usize])).collect())
    }
    fn scatter(&mut self, idx: &[u32], vals: &[(State, u32)], front: &[[f32; 4]]) -> Result<()> {
        for ((&i, v), f) in idx.iter().zip(vals).zip(front) {
            if self.ids[i as usize] == NO_ANCHOR && v.1 != NO_ANCHOR {
                self.reached.push(i);
            }
            self.state[i as usize] = v.0;
            self.ids[i as usize] = v.1;
            self.front[i as usize] = *f;
        }
        Ok(())
    }
    fn finish(&mut self) -> Result<Finished> {
        Ok((
            std::mem::take(&mut self.state),
            std::mem::take(&mut self.ids),
            std::mem::take(&mut self.front),
            Some(std::mem::take(&mut self.reached)),
            self.iterations,
            self.relaxations,
        ))
    }
}

impl CpuKernel {
    /// [`CpuKernel::sweep`] computing spread parameters of the tiles it reaches first.
    fn sweep_lazy(
        &mut self,
        pf: &mut ParamField,
        cells: &Cells,
        mask: &[u32],
        active: Vec<u32>,
        progress: &mut dyn FnMut(f64),
    ) -> Vec<u32> {
        let mut frozen = Vec::new();
        let mut active = active;
        // One sweep at a time so that parameters can be computed for the cells each sweep reaches.
        while !active.is_empty() {
            pf.ensure(cells, active.iter().map(|&i| i as usize));
            let (f, next, front_min) = self.sweep_once(&pf.params, &pf.heat, mask, active);
            if front_min < T_UNSET && self.iterations % 8 == 0 {
                progress(front_min as f64);
            }
            frozen.extend(f);
            active = next;
        }
        frozen
    }
}

/// Burnable cells: a burnable fuel model and complete terrain.
pub fn burnable_mask(cells: &Cells) -> Vec<u32> {
    use rayon::prelude::*;
    (0..cells.n)
        .into_par_iter()
        .map(|i| {
            let k = cells.fuel_index(i);
            u32::from(k != u32::MAX && cells.fuels[k as usize].is_burnable())
        })
        .collect()
}

/// Byram's (1959) flame length, m, from fireline intensity, kW/m: L = 0.45 I^0.46 in ft and Btu/ft/s
/// (as BehavePlus).
pub fn flame_length_m(intensity_kw_per_m: f32) -> f32 {
    if intensity_kw_per_m <= 0.0 {
        return 0.0;
    }
    let ib = intensity_kw_per_m as f64 / 3.461_472_8; // kW/m -> Btu/ft/s
    (0.45 * ib.powf(0.46) * 0.3048) as f32
}

/// Whether the straight segment from point (ax, ay) (cell units) to the centre of cell `to` crosses only burnable
/// cells whose spread, along the segment, is within the tolerance of `to`'s: the condition under which the kernel
/// itself would carry an anchor that far. Every cell the segment enters is visited (Amanatides & Woo 1987 grid
/// traversal); passing exactly through a corner between two non-burnable cells counts as crossing a barrier, as
/// a diagonal step does in the kernel.
fn clear_ray(d: &Dom, mask: &[u32], params: &[Param], ax: f32, ay: f32, to: usize) -> bool {
    let (xc, yc) = kernel::centre(d, to);
    let (de, dn) = ((xc - ax) * d.cell_e, (yc - ay) * d.cell_n);
    let dist = (de * de + dn * dn).sqrt();
    let sx = kernel::delay(params[to], de, dn, dist);
    let cols = d.cols as i64;
    let rows = d.rows as i64;
    let ok = |c: i64, r: i64| -> bool {
        if c < 0 || r < 0 || c >= cols || r >= rows {
            return false;
        }
        let i = (r * cols + c) as usize;
        let pc = params[i];
        mask[i] != 0 && pc[0] > 0.0 && {
            let sc = kernel::delay(pc, de, dn, dist);
            (sc - sx).abs() <= d.tol * sc.min(sx)
        }
    };
    let blocked = |c: i64, r: i64| c < 0 || r < 0 || c >= cols || r >= rows || mask[(r * cols + c) as usize] == 0;
    let (mut c, mut r) = (ax.floor() as i64, ay.floor() as i64);
    let (tc, tr) = ((to as i64) % cols, (to as i64) / cols);
    let (vx, vy) = (xc - ax, yc - ay);
    let (stx, sty) = (if vx > 0.0 { 1 } else { -1 }, if vy > 0.0 { 1 } else { -1 });
    let next = |p: f32, v: f32, cell: i64, step: i64| -> f32 {
        if v == 0.0 {
            f32::INFINITY
        } else {
            let boundary = if step > 0 { cell as f32 + 1.0 } else { cell as f32 };
            (boundary - p) / v
        }
    };
    let (mut tmx, mut tmy) = (next(ax, vx, c, stx), next(ay, vy, r, sty));
    let (dtx, dty) = (
        if vx == 0.0 { f32::INFINITY } else { 1.0 / vx.abs() },
        if vy == 0.0 { f32::INFINITY } else { 1.0 / vy.abs() },
    );
    for _ in 0..(4 * (cols + rows)) {
        if !ok(c, r) {
            return false;
        }
        if c == tc && r == tr {
            return true;
        }
        if (tmx - tmy).abs() <= 1e-6 {
            // Through a corner: blocked when both cells beside it are non-burnable.
            if blocked(c + stx, r) && blocked(c, r + sty) {
                return false;
            }
            c += stx;
            r += sty;
            tmx += dtx;
            tmy += dty;
        } else if tmx < tmy {
            c += stx;
            tmx += dtx;
        } else {
            r += sty;
            tmy += dty;
        }
        if tmx.min(tmy) > 1.0 + 1e-4 && !(c == tc && r == tr) {
            // Past the end without reaching the target cell (rounding): check it and stop.
            return ok(tc, tr);
        }
    }
    false
}

/// Window boundaries: weather changes, in (0, duration]. Each window restarts the sweeps from the waiting front,
/// which costs extra relaxations, so there are no more windows than needed: ignitions need none, since a seed's
/// arrival times are absolute; each is seeded at the start of the weather period its start time falls in.
fn boundaries(duration: f64, weather: &WeatherStream) -> Vec<f64> {
    let mut b: Vec<f64> = Vec::new();
    b.extend(weather.periods.iter().map(|p| p.start_min));
    b.retain(|&t| t > 0.0 && t < duration);
    b.push(duration);
    b.sort_by(f64::total_cmp);
    b.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    b
}

/// Grow the fire from `sources` for `opts.duration_min` under `weather`.
pub fn simulate(
    engine: &Engine,
    ls: &Landscape,
    cells: &Cells,
    sources: &[Source],
    weather: &WeatherStream,
    opts: &SpreadOptions,
    progress: &mut dyn FnMut(f64, f64),
) -> Result<SpreadResult> {
    let started = Instant::now();
    let grid = &ls.grid;
    let g = grid.geotransform;
    if g[2] != 0.0 || g[4] != 0.0 {
        return Err(Error::Invalid("spread needs a grid without rotation (geotransform terms 2 and 4 zero)".into()));
    }
    if grid.len() > kernel::MAX_CELLS {
        return Err(Error::Invalid(format!(
            "grid of {} cells exceeds the spread kernel's {}",
            grid.len(),
            kernel::MAX_CELLS
        )));
    }
    if !(opts.duration_min > 0.0 && opts.duration_min.is_finite() && opts.duration_min < 1.0e6) {
        return Err(Error::Invalid(format!("duration {} min: must be positive and below 1e6 min", opts.duration_min)));
    }
    if sources.is_empty() {
        return Err(Error::Invalid("no ignitions: give --ignite, --ignite-lonlat or --ignitions".into()));
    }
    let mask = burnable_mask(cells);
    let mut seeds = Vec::new();
    for s in sources {
        seeds.push((s.t_min, sources::seeds(s, grid)?));
    }
    let mut dom = Dom {
        cols: grid.cols as u32,
        rows: grid.rows as u32,
        cell_e: g[1] as f32,
        cell_n: g[5] as f32,
        t_start: 0.0,
        t_end: 0.0,
        tol: opts.tolerance,
        cur: 0,
        next: 1,
        window: 0,
        list_cap: grid.len() as u32,
        _pad: 0,
    };
    let mut pf = ParamField::new(grid.rows, grid.cols, opts.surface);
    let (mut sweeper, backend, adapter): (Box<dyn Sweeper>, &str, String) = match engine {
        Engine::Cpu => (Box::new(CpuKernel::new(dom)), "cpu", engine.name()),
        Engine::Gpu(gpu) => (Box::new(gpu::GpuKernel::new(gpu, dom, &mask)?), "gpu", gpu.describe()),
    };
    let mut period = 0usize;
    let wind_of = |k: usize| opts.wind_grids.get(k).cloned().flatten();
    for (k, g) in opts.wind_grids.iter().enumerate() {
        if let Some(g) = g {
            if g.speed_m_per_min.len() != grid.len() || g.from_deg.len() != grid.len() || k >= weather.periods.len() {
                return Err(Error::Invalid(format!(
                    "gridded wind {k} does not match the landscape grid or weather stream"
                )));
            }
        }
    }
    pf.set_weather(engine, cells, &weather.periods[0].weather, wind_of(0))?;
    sweeper.set_params(&pf)?;
    let mut skipped = 0usize;
    let mut frozen: Vec<u32> = Vec::new();
    let mut t_prev = 0.0f64;
    let bounds = boundaries(opts.duration_min, weather);
    for (w, &t_b) in bounds.iter().enumerate() {
        dom.window = w as u32 + 1;
        dom.t_end = t_b as f32;
        // Seeds of the ignitions starting in this window.
        let mut active: Vec<u32> = Vec::new();
        let mut changed: Vec<u32> = Vec::new();
        for (t0, ss) in &seeds {
            // Seeded in the window (weather period) its start time falls in.
            if !(*t0 >= t_prev && *t0 < t_b) || *t0 >= opts.duration_min {
                continue;
            }
            pf.ensure(cells, ss.iter().map(|s| s.cell));
            sweeper.set_params(&pf)?;
            let idx: Vec<u32> = ss.iter().map(|s| s.cell as u32).collect();
            let cur = sweeper.gather(&idx)?;
            // Best seed per cell: (state, id, front values).
            let mut best_of: std::collections::HashMap<u32, ((State, u32), [f32; 4])> =
                std::collections::HashMap::new();
            for (s, c) in ss.iter().zip(cur) {
                let p = pf.params[s.cell];
                let (xc, yc) = kernel::centre(&dom, s.cell);
                let delay_from = |ax: f32, ay: f32| {
                    let de = (xc - ax) * dom.cell_e;
                    let dn = (yc - ay) * dom.cell_n;
                    let dist = (de * de + dn * dn).sqrt();
                    kernel::delay(p, de, dn, dist)
                };
                // The anchor: the point itself, or a line segment's point of earliest arrival (the delay is
                // convex along the segment: golden-section search).
                let (ax, ay) = match s.segment_end {
                    None => (s.ax, s.ay),
                    Some((bx, by)) if p[0] > 0.0 => {
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
                };
                let own = kernel::cell_of(&dom, ax, ay) == s.cell;
                if mask[s.cell] == 0 || p[0] <= 0.0 {
                    if own && s.segment_end.is_none() {
                        skipped += 1;
                    }
                    continue;
                }
                // A seed from a point in another cell (around an ignition line): only along a clear ray.
                if !own && !clear_ray(&dom, &mask, &pf.params, ax, ay, s.cell) {
                    continue;
                }
                // Trapezoid of the anchor's cell and this cell, as in the kernel.
                let t = if s.centre {
                    s.t_anchor
                } else {
                    let pa = pf.params[kernel::cell_of(&dom, ax, ay)];
                    s.t_anchor + kernel::seed_delay(&dom, pa, p, ax, ay, xc, yc)
                };
                let best = best_of.get(&(s.cell as u32)).map_or(c.0[0], |b| b.0 .0[0]);
                if kernel::improves(t, best) {
                    let st = [t, ax, ay, s.t_anchor];
                    let id = kernel::KIND_IGNITION | s.cell as u32;
                    best_of
                        .insert(s.cell as u32, ((st, id), kernel::front_values(&dom, p, pf.heat[s.cell], st, s.cell)));
                }
            }
            let mut upd: Vec<(u32, (State, u32), [f32; 4])> = best_of.into_iter().map(|(k, v)| (k, v.0, v.1)).collect();
            upd.sort_by_key(|u| u.0);
            let idx: Vec<u32> = upd.iter().map(|u| u.0).collect();
            let vals: Vec<(State, u32)> = upd.iter().map(|u| u.1).collect();
            let fronts: Vec<[f32; 4]> = upd.iter().map(|u| u.2).collect();
            sweeper.scatter(&idx, &vals, &fronts)?;
            for u in &upd {
                if u.1 .0[0] <= dom.t_end {
                    changed.push(u.0);
                } else {
                    frozen.push(u.0);
                }
            }
        }
        // Cells waiting for this window.
        frozen.sort_unstable();
        frozen.dedup();
        let st = sweeper.gather(&frozen)?;
        let mut still = Vec::with_capacity(frozen.len());
        for (&i, s) in frozen.iter().zip(&st) {
            if s.0[0] <= dom.t_end {
                changed.push(i);
            } else if s.0[0] < T_UNSET {
                still.push(i);
            }
        }
        active.extend(kernel::neighbourhood(&dom, &mask, &changed));
        active.sort_unstable();
        active.dedup();
        let (t_lo, t_hi) = (t_prev, t_b);
        let newly = sweeper.sweep(dom, &mut pf, cells, &mask, active, &mut |t: f64| {
            // The earliest time still changing: a lower bound of the settled time.
            progress(t.clamp(t_lo, t_hi), opts.duration_min)
        })?;
        still.extend(newly);
        still.sort_unstable();
        still.dedup();
        frozen = still;
        // Weather change at the end of this window: re-anchor the waiting cells on the front.
        let next_period = weather.period_at(t_b);
        if next_period != period && t_b < opts.duration_min {
            period = next_period;
            pf.set_weather(engine, cells, &weather.periods[period].weather, wind_of(period))?;
            dom.t_start = t_b as f32;
            let st = sweeper.gather(&frozen)?;
            let tc = t_b as f32;
            let mut points = Vec::with_capacity(frozen.len());
            for (&i, s) in frozen.iter().zip(&st) {
                let (t, ax, ay, at) = (s.0[0], s.0[1], s.0[2], s.0[3]);
                let (xc, yc) = kernel::centre(&dom, i as usize);
                let f = if t > at { ((tc - at) / (t - at)).clamp(0.0, 1.0) } else { 1.0 };
                points.push((ax + f * (xc - ax), ay + f * (yc - ay)));
            }
            pf.ensure(cells, frozen.iter().map(|&i| i as usize));
            pf.ensure(cells, points.iter().map(|&(x, y)| kernel::cell_of(&dom, x, y)));
            sweeper.set_params(&pf)?;
            let mut vals = Vec::with_capacity(frozen.len());
            let mut fronts = Vec::with_capacity(frozen.len());
            for (&i, &(px, py)) in frozen.iter().zip(&points) {
                let i = i as usize;
                let p: Param = pf.params[i];
                let pp: Param = pf.params[kernel::cell_of(&dom, px, py)];
                let (xc, yc) = kernel::centre(&dom, i);
                if p[0] <= 0.0 {
                    vals.push(([T_UNSET, 0.0, 0.0, 0.0], NO_ANCHOR));
                    fronts.push([0.0; 4]);
                    continue;
                }
                let s = [tc + kernel::seed_delay(&dom, pp, p, px, py, xc, yc), px, py, tc];
                vals.push((s, KIND_SHIFT | i as u32));
                fronts.push(kernel::front_values(&dom, p, pf.heat[i], s, i));
            }
            sweeper.scatter(&frozen, &vals, &fronts)?;
            frozen = frozen.into_iter().zip(&vals).filter(|(_, v)| v.0[0] < T_UNSET).map(|(i, _)| i).collect();
        }
        progress(t_b, opts.duration_min);
        t_prev = t_b;
    }
    let (state, ids, front, reached, sweeps, relaxations) = sweeper.finish()?;
    let mut out = SpreadResult {
        grid: grid.clone(),
        duration_min: opts.duration_min,
        stats: RunStats::default(),
        state,
        ids,
        front,
        reached,
    };
    let dur = opts.duration_min as f32;
    let burned = out.reached_cells().iter().filter(|&&i| out.state[i as usize][0] <= dur).count();
    out.stats = RunStats {
        backend: backend.into(),
        adapter,
        wall_s: started.elapsed().as_secs_f64(),
        sweeps,
        relaxations,
        cells_parameterised: pf.cells_computed,
        burned_cells: burned,
        seeds_skipped_unburnable: skipped,
    };
    if burned == 0 && skipped > 0 {
        return Err(Error::Invalid(format!(
            "every ignition lies on a non-burnable cell or a fuel too wet to burn ({skipped} ignition points)"
        )));
    }
    Ok(out)
}
