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
//! Work follows the front: only cells next to a change are relaxed, spread parameters are computed one 32 x 32
//! tile at a time as the fire arrives, and a GPU holds only the tiles around the fire ([`pool`]).

pub mod clock;
pub mod fire;
pub mod gpu;
pub mod kernel;
pub mod params;
pub mod pool;
pub mod sources;
pub mod spotting;

pub use fire::{Fire, SpreadContext};
use kernel::{CpuKernel, Dom, Param, State, NO_ANCHOR, T_UNSET};
use params::ParamField;
use sources::Source;

use crate::error::{Error, Result};
use crate::gpu::Engine;
use crate::landscape::{Grid, Landscape};
use crate::physics::behavior::{Cells, NODATA};
use crate::physics::surface::SurfaceOptions;
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
    /// Dead moistures per class of cells per weather period (terrain conditioning; missing or `None`: the period's
    /// uniform moistures).
    pub moisture_grids: Vec<Option<std::sync::Arc<crate::weather::conditioning::MoistureGrid>>>,
}

impl Default for SpreadOptions {
    fn default() -> Self {
        SpreadOptions {
            duration_min: 360.0,
            tolerance: 0.05,
            surface: SurfaceOptions::default(),
            wind_grids: Vec::new(),
            moisture_grids: Vec::new(),
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
    /// On a GPU: the tiles its spread buffers held ([`pool`]); None on the CPU.
    pub device_tiles: Option<DeviceTiles>,
}

/// What a GPU's spread buffers held: tiles of [`pool::TILE`] x [`pool::TILE`] cells.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct DeviceTiles {
    /// Tiles the fire made resident.
    pub resident: usize,
    /// Tiles of the grid.
    pub grid: usize,
    /// Tiles the buffers had room for (grown by doubling).
    pub slots: usize,
    /// Bytes of the spread buffers, and what they would take holding the whole grid.
    pub buffer_bytes: u64,
    pub whole_grid_bytes: u64,
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
    /// Crown fire type of each burned cell at its arrival (FlamMap's codes; see [`crown_type_at_arrival`]) and the
    /// crown method, when the run modelled crown fire.
    crown: Option<(Vec<f32>, crate::physics::crown::CrownMethod)>,
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
    /// Flame length at front passage, m: Byram's for surface fire, the crown method's (Thomas) where the cell
    /// torched or crowned.
    pub flame_length_m: Vec<f32>,
    /// Crown fire type at arrival (FlamMap's codes: 1 surface, 2 passive, 3 active; 1 everywhere without crown fire).
    pub fire_type: Vec<f32>,
}

impl SpreadResult {
    fn reached_cells(&self) -> Vec<u32> {
        match &self.reached {
            Some(r) => r.iter().copied().filter(|&i| self.ids[i as usize] != NO_ANCHOR).collect(),
            None => (0..self.ids.len() as u32).filter(|&i| self.ids[i as usize] != NO_ANCHOR).collect(),
        }
    }

    /// Columns and rows (first and last, inclusive) spanned by the cells the fire reached, within the run or just
    /// beyond (the cells its front was about to enter): what a run on a window of the landscape must hold.
    pub fn reached_extent(&self) -> Option<[usize; 4]> {
        let cols = self.grid.cols;
        let mut e: Option<[usize; 4]> = None;
        for i in self.reached_cells() {
            let (c, r) = (i as usize % cols, i as usize / cols);
            e = Some(match e {
                None => [c, r, c, r],
                Some([c0, r0, c1, r1]) => [c0.min(c), r0.min(r), c1.max(c), r1.max(r)],
            });
        }
        e
    }

    /// (cell, arrival time min) of every cell burned within the run, in cell order.
    pub fn burned(&self) -> Vec<(usize, f32)> {
        let dur = self.duration_min as f32;
        let mut v: Vec<(usize, f32)> = self
            .reached_cells()
            .into_iter()
            .map(|i| (i as usize, self.state[i as usize][0]))
            .filter(|&(_, t)| t <= dur)
            .collect();
        v.sort_unstable_by_key(|e| e.0);
        v
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
            fire_type: vec![NODATA; n],
        };
        let dur = self.duration_min as f32;
        for i in self.reached_cells() {
            let i = i as usize;
            let t = self.state[i][0];
            r.arrival_contour_min[i] = t;
            if t <= dur {
                let b = self.behaviour_at(i);
                r.arrival_min[i] = t;
                r.ros_m_per_min[i] = b.ros_m_per_min;
                r.direction_deg[i] = b.direction_deg;
                r.intensity_kw_per_m[i] = b.intensity_kw_per_m;
                r.fire_type[i] = b.fire_type;
                r.flame_length_m[i] = b.flame_length_m;
            }
        }
        r
    }

    /// The result in clock time: a fire run in fire time under burn periods ([`clock::BurnClock`]) gets its arrival
    /// and anchor times, and its duration, turned into clock minutes from the start of the run.
    pub fn into_clock(mut self, clock: &clock::BurnClock) -> SpreadResult {
        for i in self.reached_cells() {
            let s = &mut self.state[i as usize];
            s[0] = clock.to_clock(s[0] as f64) as f32;
            s[3] = clock.to_clock(s[3] as f64) as f32;
        }
        self.duration_min = clock.clock_duration_min();
        self
    }

    /// Front-passage behaviour of reached cell `i`.
    fn behaviour_at(&self, i: usize) -> CellBehaviour {
        let f = self.front[i];
        let kind = self.crown.as_ref().map_or(1.0, |c| c.0[i]);
        let flame_length_m = crate::physics::crown::flame_length_m(kind as f64, f[2] as f64) as f32;
        CellBehaviour {
            cell: i,
            arrival_min: self.state[i][0],
            ros_m_per_min: f[0],
            direction_deg: f[1],
            intensity_kw_per_m: f[2],
            flame_length_m,
            fire_type: kind,
        }
    }

    /// Front-passage behaviour of every cell burned within the run, in cell order: what [`SpreadResult::rasters`]
    /// holds, without whole-grid rasters (an ensemble member's cost stays that of its fire).
    pub fn burned_behaviour(&self) -> Vec<CellBehaviour> {
        self.burned().into_iter().map(|(i, _)| self.behaviour_at(i)).collect()
    }
}

/// Arrival time and front-passage behaviour of one burned cell (units as [`SpreadRasters`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CellBehaviour {
    pub cell: usize,
    pub arrival_min: f32,
    pub ros_m_per_min: f32,
    pub direction_deg: f32,
    pub intensity_kw_per_m: f32,
    pub flame_length_m: f32,
    pub fire_type: f32,
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
    /// Take the current weather's parameters `pf` (of cells `cells`; a GPU computes those of its resident tiles).
    fn set_params(&mut self, pf: &mut ParamField, cells: &Cells) -> Result<()>;
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
    /// Per cell, the number of runs that reached it by `t_end` ([`kernel::count_burned`]).
    fn count_burned(&mut self, dom: Dom, t_end: f32) -> Result<Vec<u32>>;
    /// Write `vals` and front values `front` to entries `idx` (run * cells + cell) of the fire with domain `dom` and
    /// parameters `pf` of cells `cells` (a GPU makes their tiles, and their anchors', resident).
    #[allow(clippy::too_many_arguments)]
    fn scatter(
        &mut self,
        dom: Dom,
        pf: &mut ParamField,
        cells: &Cells,
        idx: &[u32],
        vals: &[(State, u32)],
        front: &[[f32; 4]],
    ) -> Result<()>;
    /// The state of every cell (moved out when `take`, else copied), the reached cells, sweeps, relaxations.
    fn finish(&mut self, take: bool) -> Result<Finished>;
    /// (state index, arrival time) of the entries (all runs) reached after `t_lo` and by `t_hi`, without copying
    /// the whole state (the CPU keeps the reached entries in a list, a GPU compacts them on the device).
    fn reached_between(&mut self, dom: Dom, t_lo: f32, t_hi: f32) -> Result<Vec<(u32, f32)>>;
    /// State indices of the entries first reached since `*cursor` (advanced past them), where the backend keeps the
    /// reached entries in the order they were reached; None where it does not (the caller reads every entry).
    fn reached_since(&mut self, cursor: &mut usize) -> Option<Vec<u32>>;
}

impl Sweeper for CpuKernel {
    fn reached_since(&mut self, cursor: &mut usize) -> Option<Vec<u32>> {
        let new = self.reached.get(*cursor..).unwrap_or(&[]).to_vec();
        *cursor = self.reached.len();
        Some(new)
    }
    fn set_params(&mut self, _: &mut ParamField, _: &Cells) -> Result<()> {
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
    fn count_burned(&mut self, dom: Dom, t_end: f32) -> Result<Vec<u32>> {
        let ncell = kernel::run_cells(&dom);
        Ok(kernel::count_burned(&self.state, &self.ids, ncell, dom.runs.max(1) as usize, t_end))
    }
    fn scatter(
        &mut self,
        _: Dom,
        _: &mut ParamField,
        _: &Cells,
        idx: &[u32],
        vals: &[(State, u32)],
        front: &[[f32; 4]],
    ) -> Result<()> {
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
    fn reached_between(&mut self, _dom: Dom, t_lo: f32, t_hi: f32) -> Result<Vec<(u32, f32)>> {
        Ok(self
            .reached
            .iter()
            .filter(|&&i| self.ids[i as usize] != NO_ANCHOR)
            .map(|&i| (i, self.state[i as usize][0]))
            .filter(|&(_, t)| t > t_lo && t <= t_hi)
            .collect())
    }
    fn finish(&mut self, take: bool) -> Result<Finished> {
        Ok(if take {
            (
                std::mem::take(&mut self.state),
                std::mem::take(&mut self.ids),
                std::mem::take(&mut self.front),
                Some(std::mem::take(&mut self.reached)),
                self.iterations,
                self.relaxations,
            )
        } else {
            (
                self.state.clone(),
                self.ids.clone(),
                self.front.clone(),
                Some(self.reached.clone()),
                self.iterations,
                self.relaxations,
            )
        })
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
            let ncell = kernel::run_cells(&self.dom);
            pf.ensure(cells, active.iter().map(|&i| i as usize % ncell));
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

/// Whether the straight segment from point (ax, ay) (cell units) to the centre of cell `to` crosses only burnable
/// cells whose spread, along the segment, is within the tolerance of `to`'s: the condition under which the kernel
/// itself would carry an anchor that far. Every cell the segment enters is visited (Amanatides & Woo 1987 grid
/// traversal); passing exactly through a corner between two non-burnable cells counts as crossing a barrier, as
/// a diagonal step does in the kernel.
fn clear_ray(d: &Dom, mask: &[u32], params: &[Param], ax: f32, ay: f32, to: usize) -> bool {
    let (xc, yc) = kernel::centre(d, to);
    // The traversal counts cells of this grid: positions moved to its corner (exact shifts by whole numbers, so the
    // differences below are those of the landscape's frame).
    let (c0, r0) = (d.col0 as f32, d.row0 as f32);
    let (ax, ay, xc, yc) = (ax - c0, ay - r0, xc - c0, yc - r0);
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

/// Grow the fire from `sources` for `opts.duration_min` under `weather`: a [`Fire`] on a context of its own.
pub fn simulate(
    engine: &Engine,
    ls: &Landscape,
    cells: &Cells,
    sources: &[Source],
    weather: &WeatherStream,
    opts: &SpreadOptions,
    progress: &mut dyn FnMut(f64, f64),
) -> Result<SpreadResult> {
    let mut ctx = SpreadContext::new(engine, &ls.grid, cells)?;
    simulate_in(&mut ctx, engine, cells, sources, weather, opts, progress)
}

/// [`simulate`] on an existing context (its buffers and cached spread parameters are reused).
pub fn simulate_in(
    ctx: &mut SpreadContext,
    engine: &Engine,
    cells: &Cells,
    sources: &[Source],
    weather: &WeatherStream,
    opts: &SpreadOptions,
    progress: &mut dyn FnMut(f64, f64),
) -> Result<SpreadResult> {
    if !(opts.duration_min > 0.0 && opts.duration_min.is_finite() && opts.duration_min < 1.0e6) {
        return Err(Error::value(
            "duration",
            format!("{} min", opts.duration_min),
            "must be positive and below 1e6 min",
        ));
    }
    if sources.is_empty() {
        return Err(Error::value("no ignitions", "", "give --ignite, --ignite-lonlat or --ignitions"));
    }
    let mut fire = Fire::new(ctx, engine, cells, weather, opts)?;
    for s in sources {
        fire.add_source(s)?;
    }
    let total = opts.duration_min;
    fire.advance_to(total, &mut |t| progress(t, total))?;
    fire.finish()
}
