//! What an ensemble keeps: integer accumulators over members (per-cell burn counts at each reported time, ignition
//! counts, and for the cells that ever burned binned arrival times, flame lengths and intensities) and one small
//! record per member. Memory grows with the window of the landscape the members reach (the whole landscape
//! when not paged) and the burned footprint, not with the member count.
//! Counts add exactly, so accumulators of shards merge into the accumulators of one unsharded run, bit for bit.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::landscape::window::CellWindow;
use crate::spread::CellBehaviour;

/// Format version of the saved state.
pub const STATE_VERSION: u32 = 4;
/// File a run's state is saved to (shards write it; `emberfall merge` reads it).
pub const STATE_FILE: &str = "ensemble_state.bin";

/// Logarithmic bins between `lo` and `hi` (values below go to the first, above to the last).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogBins {
    pub lo: f64,
    pub hi: f64,
    pub n: usize,
}

impl LogBins {
    pub fn index(&self, v: f64) -> usize {
        if v.is_nan() || v <= self.lo {
            return 0;
        }
        let f = (v / self.lo).ln() / (self.hi / self.lo).ln();
        ((f * self.n as f64) as usize).min(self.n - 1)
    }
    pub fn edge(&self, i: usize) -> f64 {
        self.lo * (self.hi / self.lo).powf(i as f64 / self.n as f64)
    }
}

/// Flame length bins, m: 0.01 to 1000 m, 12 % wide.
pub const FLAME_BINS: LogBins = LogBins { lo: 0.01, hi: 1000.0, n: 100 };
/// Fireline intensity bins, kW/m: 1 to 10^6 kW/m, 12 % wide.
pub const INTENSITY_BINS: LogBins = LogBins { lo: 1.0, hi: 1.0e6, n: 120 };
/// Most arrival-time bins (their width is the duration over this, at least 1 min).
pub const MAX_ARRIVAL_BINS: usize = 240;

/// One member's record: its draws and the figures of its fire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberRecord {
    pub member: u64,
    pub seed: u64,
    pub failure_time_s: Option<f64>,
    pub weather_member: Option<String>,
    /// The member's drawn perturbation: wind speed factor, dead moisture factor, wind direction shift (deg); none
    /// without perturbations.
    #[serde(default)]
    pub perturb: Option<(f64, f64, f64)>,
    /// Fragments flown per class (the drawn counts; the catalogue's without Poisson counts; none without an event).
    #[serde(default)]
    pub class_counts: Option<Vec<usize>>,
    pub ignitions: u32,
    /// Burned area, ha, at each of the accumulator's times.
    pub area_ha: Vec<f64>,
    /// Perimeter of the burned cells, m, at each time (cell edges x pi/4: see [`outline`]).
    pub perimeter_m: Vec<f64>,
    /// Separate fires (8-connected groups of burned cells) at each time.
    pub fires: Vec<u32>,
    /// Earliest arrival at each asset, min (none: not reached within the run).
    pub asset_arrival_min: Vec<Option<f64>>,
    /// Per asset: a boundary with a debris ignition outside it (debris landed beyond the boundary; false for
    /// other assets).
    pub asset_debris_beyond: Vec<bool>,
    pub spot_fires: u32,
    pub crown_area_ha: f64,
    /// Where its debris ignitions came from: per fragment class (in first-seen order), and of all, those from
    /// fragments that burned out in flight and those whose probability extrapolated the hot-particle relation.
    pub ignitions_by_class: Vec<(String, u32)>,
    pub ignitions_burned_out: u32,
    pub ignitions_extrapolated: u32,
}

/// What one member adds to the accumulators, besides its record.
pub struct MemberOutcome {
    pub record: MemberRecord,
    pub burned: Vec<CellBehaviour>,
    pub ignition_cells: Vec<u32>,
    /// On a window of the landscape: what took the member beyond it (it must run again on a larger one; none when
    /// the window held its fire, or the whole landscape was read).
    pub beyond: Option<crate::run::paging::Beyond>,
}

/// The accumulators of an ensemble (or of a shard of it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Accumulator {
    pub version: u32,
    /// Fingerprint of what the members ran on (scenario, inputs, member count, seed): shards merge only when equal.
    pub fingerprint: String,
    /// Members of the whole ensemble (all shards).
    pub ensemble_members: u64,
    /// The scenario file the members ran (absolute), and the seed: what `emberfall merge` reloads.
    pub scenario: Option<std::path::PathBuf>,
    pub seed: u64,
    /// The cells accumulated: a window of `rows` x `cols` cells at column `col0`, row `row0` of a landscape of
    /// `full_rows` x `full_cols` (the whole landscape unless the ensemble was paged: [`crate::run::paging`]). Cell
    /// indices below are the window's.
    pub rows: usize,
    pub cols: usize,
    pub col0: usize,
    pub row0: usize,
    pub full_rows: usize,
    pub full_cols: usize,
    pub duration_min: f64,
    /// Times of the burn counts, min, increasing; the last is the duration.
    pub times_min: Vec<f64>,
    pub arrival_bins: usize,
    /// Members accumulated.
    pub members: u64,
    /// Per time, per cell: members in which the cell burned by then.
    pub burned: Vec<Vec<u32>>,
    /// Per cell: ignitions over all members.
    pub ignitions: Vec<u32>,
    /// Cells that ever burned, increasing (canonical order), and per cell the burns of the members that burned it:
    /// each a packed (arrival bin, flame bin, intensity bin) ([`pack_burn`]), sorted (canonical order). Four bytes
    /// per member and burned cell: dense histograms of 460 bins per cell cost 1.8 KB for every cell any member
    /// burned (hundreds of MB on a 4-million-cell landscape).
    pub hist_cells: Vec<u32>,
    pub burns: Vec<Vec<u32>>,
    /// Records of the members, by member index.
    pub records: Vec<MemberRecord>,
    /// Launch-window sweep: per candidate launch time (RFC 3339), its members' records.
    pub window: Vec<(String, Vec<MemberRecord>)>,
    /// Sensitivity runs of inputs the members do not draw: per run (its label and factor), the records of the same
    /// first members rerun with the input so scaled ([`crate::ensemble::sensitivity`]).
    pub sensitivity: Vec<(String, f64, Vec<MemberRecord>)>,
    #[serde(skip)]
    slot_of: HashMap<u32, u32>,
}

impl Accumulator {
    pub fn new(
        fingerprint: String,
        ensemble_members: u64,
        rows: usize,
        cols: usize,
        duration_min: f64,
        times_min: Vec<f64>,
    ) -> Accumulator {
        let n = rows * cols;
        let arrival_bins = (duration_min.ceil() as usize).clamp(1, MAX_ARRIVAL_BINS);
        Accumulator {
            version: STATE_VERSION,
            fingerprint,
            ensemble_members,
            scenario: None,
            seed: 0,
            rows,
            cols,
            col0: 0,
            row0: 0,
            full_rows: rows,
            full_cols: cols,
            duration_min,
            burned: vec![vec![0; n]; times_min.len()],
            times_min,
            arrival_bins,
            members: 0,
            ignitions: vec![0; n],
            hist_cells: Vec::new(),
            burns: Vec::new(),
            records: Vec::new(),
            window: Vec::new(),
            sensitivity: Vec::new(),
            slot_of: HashMap::new(),
        }
    }

    /// Width of an arrival-time bin, min.
    pub fn arrival_bin_min(&self) -> f64 {
        self.duration_min / self.arrival_bins as f64
    }

    fn slot(&mut self, cell: u32) -> usize {
        let next = self.hist_cells.len() as u32;
        let s = *self.slot_of.entry(cell).or_insert(next);
        if s == next {
            self.hist_cells.push(cell);
            self.burns.push(Vec::new());
        }
        s as usize
    }

    /// Add one member; its burn counts too unless they were reduced elsewhere (a batch on the device:
    /// [`Accumulator::add_counts`]).
    pub fn add(&mut self, o: &MemberOutcome, with_counts: bool) {
        self.members += 1;
        let bw = self.arrival_bin_min();
        let ab = self.arrival_bins;
        for c in &o.burned {
            if with_counts {
                for (k, &t) in self.times_min.iter().enumerate() {
                    if c.arrival_min as f64 <= t {
                        self.burned[k][c.cell] += 1;
                    }
                }
            }
            let s = self.slot(c.cell as u32);
            let a = ((c.arrival_min.max(0.0) as f64 / bw) as usize).min(ab - 1);
            let f = FLAME_BINS.index(c.flame_length_m as f64);
            let i = INTENSITY_BINS.index(c.intensity_kw_per_m as f64);
            self.burns[s].push(pack_burn(a, f, i));
        }
        for &i in &o.ignition_cells {
            self.ignitions[i as usize] += 1;
        }
        self.records.push(o.record.clone());
    }

    /// Add burn counts reduced elsewhere: per time of the accumulator, per cell.
    pub fn add_counts(&mut self, counts: &[Vec<u32>]) {
        for (a, b) in self.burned.iter_mut().zip(counts) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }

    /// Add the accumulators of another shard of the same ensemble.
    pub fn merge(&mut self, other: &Accumulator) -> Result<()> {
        if other.fingerprint != self.fingerprint
            || other.ensemble_members != self.ensemble_members
            || other.full_rows != self.full_rows
            || other.full_cols != self.full_cols
            || other.times_min != self.times_min
            || other.arrival_bins != self.arrival_bins
        {
            return Err(Error::value(
                "merge",
                "",
                "the shards ran different scenarios, inputs, seeds or member counts: they cannot be merged",
            ));
        }
        // Shards of a paged ensemble may hold different windows of the landscape: both go onto the window holding
        // both (cells beyond a shard's window never burned in its members).
        let (mine, theirs) = (self.cell_window(), other.cell_window());
        let both = mine.union(&theirs);
        if both != mine {
            *self = self.reframed(both);
        }
        let other = &if both != theirs { other.reframed(both) } else { other.clone() };
        self.members += other.members;
        for (a, b) in self.burned.iter_mut().zip(&other.burned) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        for (x, y) in self.ignitions.iter_mut().zip(&other.ignitions) {
            *x += y;
        }
        for (k, &cell) in other.hist_cells.iter().enumerate() {
            let s = self.slot(cell);
            self.burns[s].extend_from_slice(&other.burns[k]);
        }
        self.records.extend(other.records.iter().cloned());
        if self.window.len() != other.window.len() {
            return Err(Error::value("merge", "", "the shards swept different launch windows"));
        }
        for (a, b) in self.window.iter_mut().zip(&other.window) {
            if a.0 != b.0 {
                return Err(Error::value("merge", "", "the shards swept different launch windows"));
            }
            a.1.extend(b.1.iter().cloned());
        }
        if self.sensitivity.len() != other.sensitivity.len()
            || self.sensitivity.iter().zip(&other.sensitivity).any(|(a, b)| a.0 != b.0 || a.1 != b.1)
        {
            return Err(Error::value("merge", "", "the shards ran different sensitivity runs"));
        }
        for (a, b) in self.sensitivity.iter_mut().zip(&other.sensitivity) {
            a.2.extend(b.2.iter().cloned());
        }
        Ok(())
    }

    /// The window of the landscape the accumulators cover.
    pub fn cell_window(&self) -> CellWindow {
        CellWindow { col0: self.col0, row0: self.row0, cols: self.cols, rows: self.rows }
    }

    /// The cells (column, row of the landscape) that burned or were ignited in any member.
    pub fn reached_cells(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let lit = self.ignitions.iter().enumerate().filter(|(_, &n)| n > 0).map(|(i, _)| i as u32);
        self.hist_cells
            .iter()
            .copied()
            .chain(lit)
            .map(|i| (self.col0 + i as usize % self.cols, self.row0 + i as usize / self.cols))
    }

    /// The same accumulators on window `w` of the landscape, which must hold every cell that burned or was ignited
    /// (cells of `w` beyond the present window hold nothing).
    pub fn reframed(&self, w: CellWindow) -> Accumulator {
        let old = self.cell_window();
        let to_new = |i: usize| {
            let (c, r) = (old.col0 + i % old.cols, old.row0 + i / old.cols);
            debug_assert!(c >= w.col0 && r >= w.row0 && c < w.col0 + w.cols && r < w.row0 + w.rows);
            (r - w.row0) * w.cols + (c - w.col0)
        };
        let move_dense = |v: &Vec<u32>| {
            let mut out = vec![0u32; w.len()];
            for (i, &x) in v.iter().enumerate().filter(|(_, &x)| x > 0) {
                out[to_new(i)] = x;
            }
            out
        };
        let mut a = self.clone();
        a.col0 = w.col0;
        a.row0 = w.row0;
        a.cols = w.cols;
        a.rows = w.rows;
        a.burned = self.burned.iter().map(move_dense).collect();
        a.ignitions = move_dense(&self.ignitions);
        a.hist_cells = self.hist_cells.iter().map(|&i| to_new(i as usize) as u32).collect();
        a.canonicalise();
        a
    }

    /// Put histograms in cell order and records in member order: the canonical form saved and merged.
    pub fn canonicalise(&mut self) {
        let mut order: Vec<usize> = (0..self.hist_cells.len()).collect();
        order.sort_unstable_by_key(|&k| self.hist_cells[k]);
        let cells: Vec<u32> = order.iter().map(|&k| self.hist_cells[k]).collect();
        let mut burns: Vec<Vec<u32>> = order.iter().map(|&k| std::mem::take(&mut self.burns[k])).collect();
        for b in &mut burns {
            b.sort_unstable();
        }
        self.hist_cells = cells;
        self.burns = burns;
        self.slot_of = self.hist_cells.iter().enumerate().map(|(k, &c)| (c, k as u32)).collect();
        self.records.sort_by_key(|r| r.member);
        for w in &mut self.window {
            w.1.sort_by_key(|r| r.member);
        }
        for w in &mut self.sensitivity {
            w.2.sort_by_key(|r| r.member);
        }
    }

    /// Histograms of `cell` (arrival, flame, intensity: counts per bin), if it ever burned.
    pub fn histograms(&self, cell: usize) -> Option<(Vec<u32>, Vec<u32>, Vec<u32>)> {
        let s = *self.slot_of.get(&(cell as u32))? as usize;
        let (mut a, mut f, mut i) = (vec![0; self.arrival_bins], vec![0; FLAME_BINS.n], vec![0; INTENSITY_BINS.n]);
        for &b in &self.burns[s] {
            let (x, y, z) = unpack_burn(b);
            a[x] += 1;
            f[y] += 1;
            i[z] += 1;
        }
        Some((a, f, i))
    }

    /// Index of `t` in the times, if it is one of them.
    pub fn time_index(&self, t: f64) -> Option<usize> {
        self.times_min.iter().position(|&x| (x - t).abs() < 1e-6)
    }

    /// Save to `path` (atomically).
    pub fn save(&mut self, path: &Path) -> Result<()> {
        self.canonicalise();
        let bytes = postcard::to_stdvec(self).map_err(|e| Error::input(path.display(), e.to_string()))?;
        crate::io::write_atomic(path, |tmp| std::fs::write(tmp, &bytes).map_err(|e| Error::io(path, e)))
    }

    /// Read a saved state.
    pub fn load(path: &Path) -> Result<Accumulator> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let mut a: Accumulator = postcard::from_bytes(&bytes)
            .map_err(|e| Error::input(path.display(), format!("not an Emberfall ensemble state ({e})")))?;
        if a.version != STATE_VERSION {
            return Err(Error::input(
                path.display(),
                format!("ensemble state version {} (this Emberfall reads {STATE_VERSION})", a.version),
            ));
        }
        let bins_ok = a.burns.iter().flatten().all(|&b| {
            let (x, y, z) = unpack_burn(b);
            x < a.arrival_bins && y < FLAME_BINS.n && z < INTENSITY_BINS.n
        });
        if a.burns.len() != a.hist_cells.len()
            || !bins_ok
            || a.ignitions.len() != a.rows * a.cols
            || a.col0 + a.cols > a.full_cols
            || a.row0 + a.rows > a.full_rows
            || a.burned.iter().any(|b| b.len() != a.rows * a.cols)
        {
            return Err(Error::input(path.display(), "inconsistent ensemble state"));
        }
        a.canonicalise();
        Ok(a)
    }
}

/// One burn of a cell packed in a u32: arrival bin, flame bin, intensity bin (each below 256).
pub fn pack_burn(arrival: usize, flame: usize, intensity: usize) -> u32 {
    ((arrival as u32) << 16) | ((flame as u32) << 8) | intensity as u32
}

/// The bins of a packed burn.
pub fn unpack_burn(b: u32) -> (usize, usize, usize) {
    ((b >> 16) as usize, ((b >> 8) & 0xff) as usize, (b & 0xff) as usize)
}

/// Separate fires and perimeter at each of `times` of burned cells (`arrival` per cell) on a grid of `cols`
/// columns and `rows` rows: cells are added in arrival order; a union-find over 8-neighbours counts the groups, and
/// the cell edges between burned and unburned cells (or the grid's edge) give the outline. A raster outline
/// overstates a smooth perimeter by 4/pi on average over directions (Cauchy-Crofton), so its length is scaled by
/// pi/4.
pub fn outline(cells: &[(usize, f32)], rows: usize, cols: usize, cell_m: f64, times: &[f64]) -> (Vec<u32>, Vec<f64>) {
    let mut order: Vec<&(usize, f32)> = cells.iter().collect();
    order.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let mut index: HashMap<usize, usize> = HashMap::with_capacity(cells.len());
    let mut parent: Vec<usize> = Vec::with_capacity(cells.len());
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let (mut groups, mut edges) = (0i64, 0i64);
    let (mut fires, mut perims) = (Vec::new(), Vec::new());
    let mut k = 0;
    for &t in times {
        while k < order.len() && order[k].1 as f64 <= t {
            let i = order[k].0;
            let me = parent.len();
            parent.push(me);
            index.insert(i, me);
            groups += 1;
            let (r, c) = ((i / cols) as i64, (i % cols) as i64);
            for dr in -1..=1i64 {
                for dc in -1..=1i64 {
                    if dr == 0 && dc == 0 {
                        continue;
                    }
                    let (rr, cc) = (r + dr, c + dc);
                    let inside = rr >= 0 && cc >= 0 && rr < rows as i64 && cc < cols as i64;
                    let nb = inside.then(|| index.get(&((rr as usize) * cols + cc as usize)).copied()).flatten();
                    if dr == 0 || dc == 0 {
                        edges += if nb.is_some() { -1 } else { 1 };
                    }
                    if let Some(j) = nb {
                        let (a, b) = (find(&mut parent, me), find(&mut parent, j));
                        if a != b {
                            parent[a] = b;
                            groups -= 1;
                        }
                    }
                }
            }
            k += 1;
        }
        fires.push(groups as u32);
        perims.push(edges as f64 * cell_m * std::f64::consts::FRAC_PI_4);
    }
    (fires, perims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outline_counts_groups_and_edges() {
        // Two separate 2x2 blocks on a 6x6 grid, the second arriving later; then a bridge cell diagonal to both.
        let cols = 6;
        let at = |r: usize, c: usize| r * cols + c;
        let cells = vec![
            (at(0, 0), 1.0),
            (at(0, 1), 1.0),
            (at(1, 0), 1.0),
            (at(1, 1), 1.0),
            (at(3, 3), 5.0),
            (at(3, 4), 5.0),
            (at(4, 3), 5.0),
            (at(4, 4), 5.0),
            (at(2, 2), 9.0),
        ];
        let (fires, perim) = outline(&cells, 6, 6, 1.0, &[2.0, 6.0, 10.0]);
        assert_eq!(fires, vec![1, 2, 1]);
        let q = std::f64::consts::FRAC_PI_4;
        // A 2x2 block has 8 outer edges; the single bridge cell adds 4.
        assert!((perim[0] - 8.0 * q).abs() < 1e-9 && (perim[1] - 16.0 * q).abs() < 1e-9);
        assert!((perim[2] - 20.0 * q).abs() < 1e-9);
    }

    /// A member burning landscape cells `(col, row, arrival min)` and igniting `lit`, added to `acc` (on its window).
    fn add_member(acc: &mut Accumulator, member: u64, burned: &[(usize, usize, f32)], lit: &[(usize, usize)]) {
        let local = |c: usize, r: usize| (r - acc.row0) * acc.cols + (c - acc.col0);
        let record = MemberRecord {
            member,
            seed: member,
            failure_time_s: None,
            weather_member: None,
            perturb: None,
            class_counts: None,
            ignitions: lit.len() as u32,
            area_ha: Vec::new(),
            perimeter_m: Vec::new(),
            fires: Vec::new(),
            asset_arrival_min: Vec::new(),
            asset_debris_beyond: Vec::new(),
            spot_fires: 0,
            crown_area_ha: 0.0,
            ignitions_by_class: Vec::new(),
            ignitions_burned_out: 0,
            ignitions_extrapolated: 0,
        };
        let burned = burned
            .iter()
            .map(|&(c, r, t)| CellBehaviour {
                cell: local(c, r),
                arrival_min: t,
                ros_m_per_min: 1.0,
                direction_deg: 0.0,
                intensity_kw_per_m: 50.0 * t,
                flame_length_m: 0.1 * t,
                fire_type: 1.0,
            })
            .collect();
        let ignition_cells = lit.iter().map(|&(c, r)| local(c, r) as u32).collect();
        acc.add(&MemberOutcome { record, burned, ignition_cells, beyond: None }, true);
    }

    fn on(w: CellWindow) -> Accumulator {
        let mut a = Accumulator::new("f".into(), 2, w.rows, w.cols, 60.0, vec![30.0, 60.0]);
        (a.col0, a.row0, a.full_rows, a.full_cols) = (w.col0, w.row0, 40, 40);
        a
    }

    /// Shards on two different windows of a 40 x 40 landscape merge into the accumulators of both members added on
    /// the window holding both (cell indices mapped by the landscape's columns and rows); a window reframed onto a
    /// larger one and back is unchanged.
    #[test]
    fn shards_on_different_windows_merge_as_on_one() {
        let (wa, wb) =
            (CellWindow { col0: 10, row0: 20, cols: 6, rows: 5 }, CellWindow { col0: 14, row0: 8, cols: 9, rows: 4 });
        let m0 = [(11, 21, 10.0), (12, 21, 35.0), (15, 24, 59.0)];
        let m1 = [(14, 8, 5.0), (15, 9, 20.0), (22, 11, 45.0)];
        let (mut a, mut b) = (on(wa), on(wb));
        add_member(&mut a, 0, &m0, &[(11, 21)]);
        add_member(&mut b, 1, &m1, &[(14, 8), (22, 11)]);
        let round = a.reframed(CellWindow { col0: 0, row0: 0, cols: 40, rows: 40 }).reframed(wa);
        a.canonicalise();
        assert_eq!(round, a, "reframed onto the landscape and back");
        a.merge(&b).unwrap();
        a.canonicalise();
        let both = CellWindow { col0: 10, row0: 8, cols: 13, rows: 17 };
        assert_eq!(a.cell_window(), both);
        let mut expect = on(both);
        add_member(&mut expect, 0, &m0, &[(11, 21)]);
        add_member(&mut expect, 1, &m1, &[(14, 8), (22, 11)]);
        expect.canonicalise();
        assert_eq!(a, expect);
        // Landscape cell (22, 11) burned by 45 min: counted at 60 min, not at 30; ignited once.
        let i = (11 - 8) * 13 + (22 - 10);
        assert_eq!((a.burned[0][i], a.burned[1][i], a.ignitions[i]), (0, 1, 1));
        let mut reached: Vec<(usize, usize)> = a.reached_cells().collect();
        reached.sort_unstable();
        reached.dedup();
        assert_eq!(reached.len(), 6, "six cells burned, the ignited ones among them: {reached:?}");
    }

    #[test]
    fn log_bins_round_trip() {
        for v in [0.02, 0.5, 3.0, 40.0, 999.0] {
            let i = FLAME_BINS.index(v);
            assert!(FLAME_BINS.edge(i) <= v && v < FLAME_BINS.edge(i + 1), "{v}");
        }
        assert_eq!(FLAME_BINS.index(0.0), 0);
        assert_eq!(INTENSITY_BINS.index(1e9), INTENSITY_BINS.n - 1);
    }
}
