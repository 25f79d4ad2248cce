//! The arrival-time kernel: CPU twin of `shaders/spread_relax.wgsl` and `shaders/spread_commit.wgsl`.
//!
//! Method (anchored travel times; see the module docs of [`crate::spread`]): every reached cell holds its
//! arrival time `t` and an *anchor*, a point with a known arrival time from which a straight ray reaches the
//! cell centre. A cell relaxes from its 8 neighbours, taking the least of
//! - (a) the neighbour itself as anchor: `T(n) + |x - n| s(theta)`, and
//! - (b) the neighbour's anchor `a`, if still valid: `T(a) + |x - a| s(theta)`,
//!
//! where `s(theta)` is the elliptical slowness (1 / spread rate) of Richards (1990) / Anderson (1983) in the
//! ray's direction, averaged (trapezoid) between the anchor's cell and the cell itself. With uniform fuel,
//! slope and wind every cell keeps the ignition point as anchor, so arrival times equal the analytical
//! `r / R(theta)` at every cell centre. Where conditions change, rays are re-anchored at cell centres (a
//! Huygens secondary source), as in minimum travel time methods (Finney 2002).
//!
//! Anchors are inherited only (1) within a weather period, (2) when the slowness at the anchor and at the cell,
//! in the ray's direction, differ by at most the tolerance, and (3) when the ray is visible: the cell next to
//! `x` on the way to the anchor holds the same anchor (so rays do not pass through non-burnable barriers or
//! around corners).
//!
//! Iterations are Jacobi sweeps over an active list (cells whose neighbours changed): every cell reads the state
//! of the previous sweep and writes only itself, so the result does not depend on the order of the list, and
//! the GPU and this twin compute the same sweeps.

use crate::units::S_PER_MIN;
use rayon::prelude::*;

/// Arrival time of a cell not (yet) reached, min. (WGSL has no infinity literal.)
pub const T_UNSET: f32 = 3.0e38;
/// Anchor id of a cell not reached yet. Zero, so that state starts as zeroed memory (untouched pages of a
/// large grid cost nothing); a cell's arrival time means something only when its anchor id is not zero.
pub const NO_ANCHOR: u32 = 0;
/// Anchor id kinds (top two bits; the rest is a cell index): a cell centre, an ignition point, a point on the
/// front at a weather change.
pub const KIND_CENTRE: u32 = 1 << 30;
pub const KIND_IGNITION: u32 = 2 << 30;
pub const KIND_SHIFT: u32 = 3 << 30;
/// Cells burned (arrival time at most `t_end`) in each cell over the `runs` fires of `state`/`ids`: the reduction
/// an ensemble needs without reading every fire back (`shaders/spread_count.wgsl` on the GPU).
pub fn count_burned(state: &[State], ids: &[u32], ncell: usize, runs: usize, t_end: f32) -> Vec<u32> {
    (0..ncell)
        .map(|c| {
            (0..runs).filter(|&k| ids[k * ncell + c] != NO_ANCHOR && state[k * ncell + c][0] <= t_end).count() as u32
        })
        .collect()
}

/// Largest grid (cells) the anchor ids can address.
pub const MAX_CELLS: usize = (1 << 30) - 1;
/// A new arrival time replaces the old one when it is smaller by more than this relative amount
/// (or by [`EPS_ABS_MIN`] minutes).
pub const EPS_REL: f32 = 1e-6;
pub const EPS_ABS_MIN: f32 = 1e-5;
/// tan(22.5 deg): octant test for the cell next to `x` toward its anchor.
const TAN_22_5: f32 = 0.414_213_57;

/// The 8 neighbours, in the order both backends visit them: (dcol, drow).
pub const NEIGHBOURS: [(i32, i32); 8] = [(0, -1), (1, -1), (1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1)];

crate::gpu::layout::gpu_struct! {
    /// Uniform parameters of a sweep, laid out as the kernels' `Dom` uniform (`shaders/spread_common.wgsl`).
    pub struct Dom {
        pub cols: u32,
        pub rows: u32,
        /// Metres east per column step (`geotransform[1]`).
        pub cell_e: f32,
        /// Metres north per row step (`geotransform[5]`, negative for north-up grids).
        pub cell_n: f32,
        /// Start of the current weather period, min: anchors older than this are not used.
        pub t_start: f32,
        /// End of the current window, min: cells reached later wait (are frozen) until the window moves.
        pub t_end: f32,
        /// Relative slowness tolerance for inheriting an anchor.
        pub tol: f32,
        /// Slot of the list being read (0/1) and of the list being written (GPU only).
        pub cur: u32,
        pub next: u32,
        /// Window number (GPU frozen-list stamps).
        pub window: u32,
        /// Capacity of each list, entries: cells times runs (GPU only).
        pub list_cap: u32,
        /// Fires (runs) held side by side: run k's cells are entries k * cols * rows .. (k + 1) * cols * rows of the
        /// state (on a GPU, device index * runs + k: [`super::pool`]), and lists and anchors' neighbours stay within
        /// their run.
        pub runs: u32,
        /// Column and row of the grid's first cell in the whole landscape (a window of it; 0 otherwise): positions
        /// are counted in cells from the landscape's corner, so a window's run computes the whole grid's positions,
        /// bit for bit.
        pub col0: u32,
        pub row0: u32,
        /// Tiles per row of the grid (the GPU's tile pool, [`super::pool`]; 0 on the CPU).
        pub tiles_x: u32,
        /// Cells of the device's tile slots (the GPU's tile pool: its entries are device index * runs + run; 0 on
        /// the CPU).
        pub pool: u32,
    }
}

/// Per-cell spread parameters of one weather period: head rate m/min (0: does not burn), eccentricity times
/// the unit vector of the head direction (east, north), and k = 1 / (R_head (1 - e)) min/m.
pub type Param = [f32; 4];
/// Per-cell state: arrival time, anchor x (columns), anchor y (rows), anchor arrival time (min).
/// Positions are in cell units: cell (col, row) spans [col, col + 1) x [row, row + 1).
pub type State = [f32; 4];

/// Time (min) to spread along the displacement (de, dn) m of length `dist` in a cell with parameters `p`, from
/// the polar equation of the ellipse about its rear focus, R(theta) = R_head (1 - e) / (1 - e cos theta)
/// (Anderson 1983 INT-305; Richards 1990; ../shared/SPREAD_METHODS.md):
/// dist / R(theta) = (dist - e (d . h)) / (R_head (1 - e)), without a division.
#[inline]
pub fn delay(p: Param, de: f32, dn: f32, dist: f32) -> f32 {
    p[3] * (dist - (de * p[1] + dn * p[2]))
}

/// Centre of cell `i`, cell units (from the landscape's corner: [`Dom::col0`]).
#[inline]
pub fn centre(d: &Dom, i: usize) -> (f32, f32) {
    position(d, (i % d.cols as usize) as i64, (i / d.cols as usize) as i64)
}

/// Centre of the cell at column `c`, row `r` of the grid, cell units from the landscape's corner.
#[inline]
pub fn position(d: &Dom, c: i64, r: i64) -> (f32, f32) {
    ((c + d.col0 as i64) as f32 + 0.5, (r + d.row0 as i64) as f32 + 0.5)
}

/// Cell holding point (x, y), cell units from the landscape's corner (clamped to the grid).
#[inline]
pub fn cell_of(d: &Dom, x: f32, y: f32) -> usize {
    let c = (x.floor() as i64 - d.col0 as i64).clamp(0, d.cols as i64 - 1) as usize;
    let r = (y.floor() as i64 - d.row0 as i64).clamp(0, d.rows as i64 - 1) as usize;
    r * d.cols as usize + c
}

/// Neighbour of cell (c, r) by (dc, dr), if inside the grid.
#[inline]
fn offset(d: &Dom, c: i64, r: i64, dc: i32, dr: i32) -> Option<usize> {
    let (nc, nr) = (c + dc as i64, r + dr as i64);
    (nc >= 0 && nr >= 0 && nc < d.cols as i64 && nr < d.rows as i64).then(|| (nr * d.cols as i64 + nc) as usize)
}

/// A diagonal step from (c, r) by (dc, dr) crosses a barrier when both cells beside it are non-burnable.
#[inline]
fn diagonal_blocked(d: &Dom, mask: &[u32], c: i64, r: i64, dc: i32, dr: i32) -> bool {
    if dc == 0 || dr == 0 {
        return false;
    }
    let a = offset(d, c, r, dc, 0).is_none_or(|i| mask[i] == 0);
    let b = offset(d, c, r, 0, dr).is_none_or(|i| mask[i] == 0);
    a && b
}

/// How far apart (cells, each axis) two anchors of one front may be and still vouch for each other's rays.
pub const FRONT_VOUCH_CELLS: f32 = 3.0;

/// Whether a cell holding anchor `cid` (state `cs`) vouches for the visibility of anchor `aid` (of state `s`):
/// the same anchor, or, for anchors placed along a front (points of an ignition line, or the front re-anchored
/// at a weather change: same kind and same time), one within [`FRONT_VOUCH_CELLS`] of it. Such anchors are a cell
/// or two apart, so the cell next to x on the way to its best one often holds a neighbouring one; demanding the
/// very same would send the rays back to cell centres (8-neighbour paths) beyond every weather change (1 % of
/// area lost 6 h after a restated weather with 1.5 cells, 0.01 % with 3).
#[inline]
fn same_source(aid: u32, s: State, cid: u32, cs: State) -> bool {
    if cid == aid {
        return true;
    }
    let kind = aid & KIND_SHIFT;
    (kind == KIND_SHIFT || kind == KIND_IGNITION)
        && cid & KIND_SHIFT == kind
        && cs[3] == s[3]
        && (cs[1] - s[1]).abs() <= FRONT_VOUCH_CELLS
        && (cs[2] - s[2]).abs() <= FRONT_VOUCH_CELLS
}

/// Threshold below which a new arrival time replaces `old`.
#[inline]
pub fn improves(new_t: f32, old_t: f32) -> bool {
    new_t < old_t - (old_t * EPS_REL).max(EPS_ABS_MIN)
}

/// Travel time (min) from point (ax, ay) (cell units, parameters `pa`) to the centre (xc, yc) of a cell with
/// parameters `px`: trapezoid of the two slownesses along the straight ray. Also returns both delays.
#[inline]
fn travel(d: &Dom, pa: Param, px: Param, ax: f32, ay: f32, xc: f32, yc: f32) -> (f32, f32, f32) {
    let de = (xc - ax) * d.cell_e;
    let dn = (yc - ay) * d.cell_n;
    let dist = (de * de + dn * dn).sqrt();
    let sa = delay(pa, de, dn, dist);
    let sx = delay(px, de, dn, dist);
    (0.5 * (sa + sx), sa, sx)
}

/// Arrival delay (min) at the centre (xc, yc) of a cell with parameters `px` from point (ax, ay) in a cell with
/// parameters `pa`: [`travel`]'s trapezoid, or `px` alone when the anchor's cell does not burn (seeds and
/// re-anchored fronts, whose points may lie in such a cell).
pub fn seed_delay(d: &Dom, pa: Param, px: Param, ax: f32, ay: f32, xc: f32, yc: f32) -> f32 {
    travel(d, if pa[0] > 0.0 { pa } else { px }, px, ax, ay, xc, yc).0
}

/// Cells of one run.
#[inline]
pub fn run_cells(d: &Dom) -> usize {
    d.cols as usize * d.rows as usize
}

/// Relax entry `x` (run `x / cells`, cell `x % cells`) from its neighbours in its run. Returns the new state and
/// anchor id when they improve on the current one.
pub fn relax_cell(
    d: &Dom,
    params: &[Param],
    mask: &[u32],
    state: &[State],
    ids: &[u32],
    x: usize,
) -> Option<(State, u32)> {
    let cell = x % run_cells(d);
    let base = x - cell;
    let px = params[cell];
    if px[0] <= 0.0 || mask[cell] == 0 {
        return None;
    }
    let cols = d.cols as usize;
    let (c, r) = ((cell % cols) as i64, (cell / cols) as i64);
    let (xc, yc) = position(d, c, r);
    let mut old = state[x];
    let old_id = ids[x];
    if old_id == NO_ANCHOR {
        old[0] = T_UNSET;
    }
    let mut best_t = old[0];
    let mut best = (old, old_id);
    let mut found = false;
    for &(dc, dr) in &NEIGHBOURS {
        let Some(n) = offset(d, c, r, dc, dr) else { continue };
        let aid = ids[base + n];
        if mask[n] == 0 || aid == NO_ANCHOR {
            continue;
        }
        let sn = state[base + n];
        let tn = sn[0];
        if tn > d.t_end || diagonal_blocked(d, mask, c, r, dc, dr) {
            continue;
        }
        // (b) the neighbour's anchor (not when it is x's own anchor: that gives x's time again, nor when the
        // anchor burned after the best time so far).
        if !(aid == old_id && sn[3] == old[3]) && sn[3] >= d.t_start && sn[3] < best_t {
            let (ax, ay, at) = (sn[1], sn[2], sn[3]);
            let (vx, vy) = (ax - xc, ay - yc);
            let (avx, avy) = (vx.abs(), vy.abs());
            let mut ok = true;
            if avx.max(avy) >= 1.5 {
                // Visibility: the cell next to x toward the anchor must hold the same anchor.
                let qx = if avx >= TAN_22_5 * avy { vx.signum() as i32 } else { 0 };
                let qy = if avy >= TAN_22_5 * avx { vy.signum() as i32 } else { 0 };
                ok = match offset(d, c, r, qx, qy) {
                    Some(cn) => {
                        mask[cn] != 0
                            && same_source(aid, sn, ids[base + cn], state[base + cn])
                            && !diagonal_blocked(d, mask, c, r, qx, qy)
                    }
                    None => false,
                };
            } else {
                let ac = cell_of(d, ax, ay);
                let (dcol, drow) = ((ac % cols) as i64 - c, (ac / cols) as i64 - r);
                if dcol.abs() == 1 && drow.abs() == 1 && diagonal_blocked(d, mask, c, r, dcol as i32, drow as i32) {
                    ok = false;
                }
            }
            if ok {
                let pa = params[cell_of(d, ax, ay)];
                if pa[0] > 0.0 {
                    let (tt, sa, sx) = travel(d, pa, px, ax, ay, xc, yc);
                    let cand = at + tt;
                    if (sa - sx).abs() <= d.tol * sa.min(sx) && cand < best_t {
                        best_t = cand;
                        best = ([cand, ax, ay, at], aid);
                        found = true;
                    }
                }
            }
        }
        // (a) the neighbour itself (not when it burned after the best time so far).
        if tn >= d.t_start && tn < best_t {
            let pn = params[n];
            if pn[0] > 0.0 {
                let (nx, ny) = (xc + dc as f32, yc + dr as f32);
                let (tt, _, _) = travel(d, pn, px, nx, ny, xc, yc);
                let cand = tn + tt;
                if cand < best_t {
                    best_t = cand;
                    best = ([cand, nx, ny, tn], KIND_CENTRE | n as u32);
                    found = true;
                }
            }
        }
    }
    (found && improves(best_t, old[0])).then_some(best)
}

/// Fire behaviour where the front passes cell `x`, from its state: spread rate in the direction of travel
/// (m/min), that direction (azimuth deg), fireline intensity there (kW/m, Byram 1959: I = H R / 60).
pub fn front_values(d: &Dom, p: Param, heat_kj_per_m2: f32, s: State, x: usize) -> [f32; 4] {
    let (xc, yc) = centre(d, x);
    let de = (xc - s[1]) * d.cell_e;
    let dn = (yc - s[2]) * d.cell_n;
    let dist = (de * de + dn * dn).sqrt();
    // At the anchor itself the direction is the head's.
    let (ue, un) = if dist > 1e-3 { (de / dist, dn / dist) } else { (p[1], p[2]) };
    let ros = 1.0 / delay(p, ue, un, 1.0);
    let mut az = ue.atan2(un).to_degrees();
    if az < 0.0 {
        az += 360.0;
    }
    if az >= 360.0 {
        az -= 360.0;
    }
    [ros, az, heat_kj_per_m2 * ros / S_PER_MIN as f32, 0.0]
}

/// The CPU twin's arrays and sweep loop.
pub struct CpuKernel {
    pub dom: Dom,
    pub state: Vec<State>,
    pub ids: Vec<u32>,
    /// Per cell: ros m/min, direction deg, intensity kW/m at front passage, spare.
    pub front: Vec<[f32; 4]>,
    stamp: Vec<u32>,
    fstamp: Vec<u32>,
    pub iterations: u64,
    pub relaxations: u64,
    /// Cells reached so far, each once.
    pub reached: Vec<u32>,
}

impl CpuKernel {
    /// State for `dom.runs` fires (at least one) side by side.
    pub fn new(dom: Dom) -> CpuKernel {
        let n = run_cells(&dom) * dom.runs.max(1) as usize;
        CpuKernel {
            dom,
            state: vec![[0.0; 4]; n],
            ids: vec![NO_ANCHOR; n],
            front: vec![[0.0; 4]; n],
            stamp: vec![0; n],
            fstamp: vec![0; n],
            iterations: 0,
            relaxations: 0,
            reached: Vec::new(),
        }
    }

    /// One Jacobi sweep over `active` (entries of every run): relax every listed entry from the previous state,
    /// then write the changes.
    /// Returns the cells that changed to a time after `dom.t_end` (frozen until a later window, each listed once
    /// per window), the next active list (burnable neighbours of the cells that changed) and the earliest new
    /// arrival time (T_UNSET when nothing changed).
    pub fn sweep_once(
        &mut self,
        params: &[Param],
        heat: &[f32],
        mask: &[u32],
        active: Vec<u32>,
    ) -> (Vec<u32>, Vec<u32>, f32) {
        let d = self.dom;
        let mut frozen = Vec::new();
        let cols = d.cols as i64;
        let ncell = run_cells(&d);
        self.iterations += 1;
        self.relaxations += active.len() as u64;
        let tag = self.iterations as u32;
        let (state, ids) = (&self.state, &self.ids);
        let results: Vec<Option<(State, u32)>> = if active.len() >= 4096 {
            active
                .par_iter()
                .with_min_len(1024)
                .map(|&x| relax_cell(&d, params, mask, state, ids, x as usize))
                .collect()
        } else {
            active.iter().map(|&x| relax_cell(&d, params, mask, state, ids, x as usize)).collect()
        };
        let mut next = Vec::new();
        let mut front_min = T_UNSET;
        for (&x, res) in active.iter().zip(results) {
            let Some((s, id)) = res else { continue };
            let x = x as usize;
            front_min = front_min.min(s[0]);
            if self.ids[x] == NO_ANCHOR {
                self.reached.push(x as u32);
            }
            self.state[x] = s;
            self.ids[x] = id;
            let cell = x % ncell;
            let base = x - cell;
            self.front[x] = front_values(&d, params[cell], heat[cell], s, cell);
            // Neighbours read this cell (as a source, or to check a ray's visibility): relax them next, also
            // when this cell waits for a later window.
            let (c, r) = (cell as i64 % cols, cell as i64 / cols);
            for &(dc, dr) in &NEIGHBOURS {
                if let Some(n) = offset(&d, c, r, dc, dr) {
                    if mask[n] != 0 && self.stamp[base + n] != tag {
                        self.stamp[base + n] = tag;
                        next.push((base + n) as u32);
                    }
                }
            }
            if s[0] > d.t_end && self.fstamp[x] != d.window {
                self.fstamp[x] = d.window;
                frozen.push(x as u32);
            }
        }
        (frozen, next, front_min)
    }
}

/// Entries to relax after `changed` entries changed: their burnable neighbours in their run, each once.
pub fn neighbourhood(d: &Dom, mask: &[u32], changed: &[u32]) -> Vec<u32> {
    let cols = d.cols as i64;
    let ncell = run_cells(d);
    let mut out: Vec<u32> = Vec::with_capacity(changed.len() * 3);
    for &x in changed {
        let cell = x as usize % ncell;
        let base = x as usize - cell;
        let (c, r) = (cell as i64 % cols, cell as i64 / cols);
        for &(dc, dr) in &NEIGHBOURS {
            if let Some(n) = offset(d, c, r, dc, dr) {
                if mask[n] != 0 {
                    out.push((base + n) as u32);
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}
