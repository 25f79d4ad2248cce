//! The spread kernels on a GPU: `shaders/spread_relax.wgsl`, `spread_commit.wgsl` and `spread_prepare.wgsl`
//! run a sweep each, sized by indirect dispatch from the active list the previous sweep wrote, so a batch of
//! sweeps runs without the host; the host reads the list length back between batches.
//!
//! The device holds the tiles around the fire, not the grid ([`super::pool`]): a tile's parameters are uploaded
//! to a slot when the fire comes within a tile of it, its state starts there unreached, and the buffers grow (by
//! doubling, contents kept) when the slots run out. Between batches the host reads which tiles the sweeps listed
//! cells in and makes the tiles around them resident; a batch runs at most [`MAX_SWEEPS_UNSEEN`] sweeps, so it
//! cannot reach beyond them. The host's side of every exchange (seeds, gathers, burn counts, the final state) is in
//! the grid's cells, as the CPU twin's.

use std::sync::Arc;

use bytemuck::Zeroable;

use super::kernel::{Dom, Param, State, NO_ANCHOR};
use super::params::ParamField;
use super::pool::{TilePool, MAX_SWEEPS_UNSEEN, TILE, TILE_CELLS};
use super::Sweeper;
use crate::error::{Error, Result};
use crate::gpu::{groups_1d, Gpu, Kernel};
use crate::physics::behavior::Cells;

const SPREAD_COMMON: &str = include_str!("../../shaders/spread_common.wgsl");
const SPREAD_TILES: &str = include_str!("../../shaders/spread_tiles.wgsl");

/// Slots the device's buffers hold at first (then doubled as the fire needs).
pub const FIRST_SLOTS: usize = 64;

/// Bytes of the device's buffers per cell (parameters, heat, mask) and per entry (state, anchor id, front values,
/// the two lists, scratch state and id, stamps, frozen list).
const BYTES_PER_CELL: usize = 16 + 4 + 4;
const BYTES_PER_ENTRY: usize = 16 + 4 + 16 + 8 + 16 + 4 + 8 + 4;

/// The device's buffers sized by tile slots: per cell (parameters, heat, mask) and per entry (cell and run).
struct Slots {
    /// Slots held.
    slots: usize,
    params: wgpu::Buffer,
    heat: wgpu::Buffer,
    mask: wgpu::Buffer,
    state: wgpu::Buffer,
    ids: wgpu::Buffer,
    front: wgpu::Buffer,
    /// The two active lists, interleaved: list k's entry i at 2 i + k.
    lists: wgpu::Buffer,
    scratch: wgpu::Buffer,
    scratch_ids: wgpu::Buffer,
    /// Per entry x: the last sweep that listed it (2 x) and the last window that froze it (2 x + 1).
    stamps: wgpu::Buffer,
    frozen: wgpu::Buffer,
}

impl Slots {
    fn new(gpu: &Gpu, slots: usize, runs: usize) -> Slots {
        let cells = slots * TILE_CELLS;
        let n = cells * runs;
        let b = |label: &str, bytes: usize| storage(gpu, label, bytes, wgpu::BufferUsages::empty());
        // Zeroed (wgpu zero-initialises buffers): every cell unreached (anchor id NO_ANCHOR = 0).
        Slots {
            slots,
            params: b("params", cells * 16),
            heat: b("heat", cells * 4),
            mask: b("mask", cells * 4),
            state: b("state", n * 16),
            ids: b("ids", n * 4),
            front: b("front", n * 16),
            lists: b("lists", n * 2 * 4),
            scratch: b("scratch", n * 16),
            scratch_ids: b("scratch ids", n * 4),
            stamps: b("stamps", n * 2 * 4),
            frozen: b("frozen", n * 4),
        }
    }

    /// Buffers whose contents outlive a sweep (copied when the slots grow; entries keep their index).
    fn kept(&self) -> [&wgpu::Buffer; 9] {
        [
            &self.params,
            &self.heat,
            &self.mask,
            &self.state,
            &self.ids,
            &self.front,
            &self.lists,
            &self.stamps,
            &self.frozen,
        ]
    }
}

/// GPU buffers and pipelines of spread over one grid, reused by every fire on it ([`GpuSpread::reset`] clears them
/// for the next). Holds up to a number of fires side by side (runs: entries device index * runs + run), swept in
/// the same dispatches. Holds no state beyond the current fires' buffers.
pub struct GpuSpread {
    gpu: Arc<Gpu>,
    /// Most fires the buffers hold side by side.
    max_runs: usize,
    /// Fires of the current batch (entries are device index * runs + run).
    runs: usize,
    /// Cells of the grid (of one run).
    cells: usize,
    /// The grid's burnable mask (uploaded tile by tile).
    mask: Vec<u32>,
    pool: TilePool,
    slots: Slots,
    count: Kernel,
    reached: Kernel,
    relax: Kernel,
    commit: Kernel,
    prepare: Kernel,
    gather: Kernel,
    scatter: Kernel,
    uniforms: [wgpu::Buffer; 2],
    /// Tile -> slot + 1, slot -> tile, and per tile whether the last sweeps listed a cell in it.
    table: wgpu::Buffer,
    owner: wgpu::Buffer,
    touched: wgpu::Buffer,
    counters: wgpu::Buffer,
    indirect: wgpu::Buffer,
    params_version: u64,
    sweeps: u64,
    /// Not counted on the GPU (the lists stay on the device): always 0.
    relaxations: u64,
    /// The counter and list of `spread_reached.wgsl` and the entries the list holds, allocated at first use (a
    /// spotting fire reads them every step; other fires never do).
    reached_out: Option<(wgpu::Buffer, wgpu::Buffer, usize)>,
}

fn storage(gpu: &Gpu, label: &str, bytes: usize, extra: wgpu::BufferUsages) -> wgpu::Buffer {
    gpu.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: (bytes as u64).max(16),
        usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST | extra,
        mapped_at_creation: false,
    })
}

/// A spread kernel's source as the host compiles it (after [`crate::gpu::COMMON_WGSL`]): the spread helpers first,
/// then for the kernels that walk the grid (`tiled`) the tile pool's, with its tile edge from [`super::pool`].
pub fn spread_wgsl(src: &str, tiled: bool) -> String {
    if tiled {
        format!("{SPREAD_COMMON}\nconst TILE: u32 = {TILE}u;\n{SPREAD_TILES}\n{src}")
    } else {
        format!("{SPREAD_COMMON}\n{src}")
    }
}

/// Entries `idx` padded with NO_INDEX to whole 16-byte words. A kernel bound by `arrayLength` sees a buffer's whole
/// size, and buffers are made in 16-byte steps: without this, the zeros padding one to three entries were entry 0, and
/// a scatter of one seed wrote the zeros of the values' padding over entry 0 (the first tile's corner cell).
fn padded(idx: &[u32]) -> Vec<u32> {
    let mut v = idx.to_vec();
    v.resize(idx.len().next_multiple_of(4).max(4), u32::MAX);
    v
}

/// Cells of a grid of `rows` x `cols` counted in whole tiles (what the tile pool holds when every tile is resident).
fn padded_cells(rows: usize, cols: usize) -> usize {
    rows.div_ceil(TILE) * cols.div_ceil(TILE) * TILE_CELLS
}

impl GpuSpread {
    /// Most fires on a grid of `rows` x `cols` cells one context can hold side by side on `gpu` (its largest binding
    /// holds the state of every run: 16 bytes per cell and run, every tile resident).
    pub fn max_runs(gpu: &Gpu, rows: usize, cols: usize) -> usize {
        let cells = padded_cells(rows, cols).max(1);
        (gpu.max_binding_bytes() as usize / (16 * cells)).min(u32::MAX as usize / (2 * cells))
    }

    /// Buffers for up to `runs` fires side by side on a grid of `rows` x `cols` cells.
    pub fn new(gpu: Arc<Gpu>, rows: usize, cols: usize, mask: &[u32], runs: usize) -> Result<GpuSpread> {
        let cells = rows * cols;
        let runs = runs.max(1);
        let max = GpuSpread::max_runs(&gpu, rows, cols);
        if runs > max {
            return Err(Error::Gpu(format!(
                "{runs} fires of {cells} cells need {} bytes of state in one binding; {} allows {} bytes ({max} fires); \
                 run them in smaller batches or on the CPU",
                16 * padded_cells(rows, cols) * runs,
                gpu.info.name,
                gpu.max_binding_bytes()
            )));
        }
        let pool = TilePool::new(rows, cols);
        let tiles = pool.tiles();
        let pipe = |label: &'static str, src: &str| gpu.pipeline(label, &spread_wgsl(src, false));
        let tiled = |label: &'static str, src: &str| gpu.pipeline(label, &spread_wgsl(src, true));
        let relax = tiled("spread_relax", include_str!("../../shaders/spread_relax.wgsl"))?;
        let commit = tiled("spread_commit", include_str!("../../shaders/spread_commit.wgsl"))?;
        let prepare = pipe("spread_prepare", include_str!("../../shaders/spread_prepare.wgsl"))?;
        let gather = pipe("spread_gather", include_str!("../../shaders/spread_gather.wgsl"))?;
        let scatter = pipe("spread_scatter", include_str!("../../shaders/spread_scatter.wgsl"))?;
        let count = pipe("spread_count", include_str!("../../shaders/spread_count.wgsl"))?;
        let reached = pipe("spread_reached", include_str!("../../shaders/spread_reached.wgsl"))?;
        let uniform =
            || gpu.upload_bytes("spread dom", bytemuck::bytes_of(&Dom::zeroed()), wgpu::BufferUsages::UNIFORM);
        let g: &Gpu = &gpu;
        let first = FIRST_SLOTS.min(tiles).max(1);
        let k = GpuSpread {
            max_runs: runs,
            runs,
            cells,
            mask: mask.to_vec(),
            slots: Slots::new(g, first, runs),
            pool,
            count,
            reached,
            relax,
            commit,
            prepare,
            gather,
            scatter,
            uniforms: [uniform(), uniform()],
            table: storage(g, "tile table", tiles * 4, wgpu::BufferUsages::empty()),
            owner: storage(g, "tile owners", tiles * 4, wgpu::BufferUsages::empty()),
            touched: storage(g, "tiles touched", tiles * 4, wgpu::BufferUsages::empty()),
            counters: storage(g, "counters", 32, wgpu::BufferUsages::empty()),
            indirect: storage(g, "indirect", 16, wgpu::BufferUsages::INDIRECT),
            params_version: u64::MAX,
            sweeps: 0,
            relaxations: 0,
            reached_out: None,
            gpu: gpu.clone(),
        };
        k.gpu.check("allocating the spread buffers")?;
        Ok(k)
    }

    /// Clear the state for a new batch of `runs` fires (at most those the buffers were made for): no tile resident,
    /// every cell unreached, lists and stamps empty.
    pub fn reset(&mut self, runs: usize) -> Result<()> {
        if runs == 0 || runs > self.max_runs {
            return Err(Error::Internal(format!("a batch of {runs} fires on buffers for {}", self.max_runs)));
        }
        self.runs = runs;
        let mut enc = self.gpu.device.create_command_encoder(&Default::default());
        let s = &self.slots;
        for b in [&s.state, &s.ids, &s.front, &s.stamps, &s.frozen, &self.counters, &self.table, &self.touched] {
            enc.clear_buffer(b, 0, None);
        }
        self.gpu.queue.submit([enc.finish()]);
        self.pool.clear();
        self.sweeps = 0;
        self.relaxations = 0;
        self.gpu.wait()
    }

    /// The tiles the device holds now, and the bytes of its spread buffers (against the whole grid's).
    pub fn tiles(&self) -> super::DeviceTiles {
        let bytes = |cells: usize| (cells * (BYTES_PER_CELL + BYTES_PER_ENTRY * self.max_runs)) as u64;
        super::DeviceTiles {
            resident: self.pool.resident(),
            grid: self.pool.tiles(),
            slots: self.slots.slots,
            buffer_bytes: bytes(self.slots.slots * TILE_CELLS) + (self.pool.tiles() * 12) as u64,
            whole_grid_bytes: bytes(self.cells),
        }
    }

    /// Counters: list 0 and 1 lengths, frozen entries, sweeps dispatched, reads that missed the pool.
    fn counters(&self) -> Result<[u32; 5]> {
        let v: Vec<u32> = self.gpu.download(&self.counters, 5)?;
        Ok([v[0], v[1], v[2], v[3], v[4]])
    }

    /// `dom` with the pool's figures (tiles per row, cells of the slots, entries).
    fn pooled(&self, dom: Dom) -> Dom {
        let cells = self.slots.slots * TILE_CELLS;
        Dom { tiles_x: self.pool.tiles_x as u32, pool: cells as u32, list_cap: (cells * self.runs) as u32, ..dom }
    }

    /// The device's entry of grid entry `e` (run * cells + cell), if its tile is resident.
    fn entry(&self, e: u32) -> Option<u32> {
        let (run, cell) = (e as usize / self.cells, e as usize % self.cells);
        self.pool.phys(cell).map(|p| (p * self.runs + run) as u32)
    }

    /// The grid entry of device entry `x`.
    fn grid_entry(&self, x: u32) -> Option<u32> {
        let (p, run) = (x as usize / self.runs, x as usize % self.runs);
        self.pool.cell(p).map(|cell| (run * self.cells + cell) as u32)
    }

    /// Make `tiles` resident: their parameters, heat and mask uploaded to the next free slots (the buffers grown
    /// when full). Returns whether the buffers were replaced (bind groups must be made again).
    fn admit(&mut self, tiles: impl IntoIterator<Item = usize>, pf: &mut ParamField, cells: &Cells) -> Result<bool> {
        self.set_params(pf, cells)?;
        let new = self.pool.admit(tiles);
        if new.is_empty() {
            return Ok(false);
        }
        // Their parameters, computed now if not yet (the parameters' tiles are the pool's).
        pf.ensure(cells, new.iter().map(|&(t, _)| self.pool.first_cell(t)));
        let grew = self.pool.resident() > self.slots.slots;
        if grew {
            self.grow(self.pool.resident())?;
        }
        let q = &self.gpu.queue;
        q.write_buffer(&self.table, 0, bytemuck::cast_slice(self.pool.table()));
        q.write_buffer(&self.owner, 0, bytemuck::cast_slice(self.pool.owner()));
        // New slots are consecutive: one write per buffer.
        let first = new[0].1;
        let (params, heat, mask) = self.tile_inputs(new.iter().map(|&(t, _)| t), pf);
        let s = &self.slots;
        q.write_buffer(&s.params, (first * TILE_CELLS * 16) as u64, bytemuck::cast_slice(&params));
        q.write_buffer(&s.heat, (first * TILE_CELLS * 4) as u64, bytemuck::cast_slice(&heat));
        q.write_buffer(&s.mask, (first * TILE_CELLS * 4) as u64, bytemuck::cast_slice(&mask));
        Ok(grew)
    }

    /// Parameters, heat and mask of `tiles`, slot after slot (zero beyond the grid's edge).
    fn tile_inputs(&self, tiles: impl Iterator<Item = usize>, pf: &ParamField) -> (Vec<Param>, Vec<f32>, Vec<u32>) {
        let (mut params, mut heat, mut mask) = (Vec::new(), Vec::new(), Vec::new());
        for (k, t) in tiles.enumerate() {
            params.resize((k + 1) * TILE_CELLS, [0.0; 4]);
            heat.resize((k + 1) * TILE_CELLS, 0.0);
            mask.resize((k + 1) * TILE_CELLS, 0);
            for (local, cell) in self.pool.cells_of_tile(t) {
                let i = k * TILE_CELLS + local;
                (params[i], heat[i], mask[i]) = (pf.params[cell], pf.heat[cell], self.mask[cell]);
            }
        }
        (params, heat, mask)
    }

    /// Grow the buffers to hold at least `need` slots (doubling, at most every tile), contents kept.
    fn grow(&mut self, need: usize) -> Result<()> {
        let slots = need.max(2 * self.slots.slots).min(self.pool.tiles());
        let bigger = Slots::new(&self.gpu, slots, self.max_runs);
        let mut enc = self.gpu.device.create_command_encoder(&Default::default());
        for (from, to) in self.slots.kept().into_iter().zip(bigger.kept()) {
            enc.copy_buffer_to_buffer(from, 0, to, 0, from.size());
        }
        self.gpu.queue.submit([enc.finish()]);
        self.slots = bigger;
        self.reached_out = None;
        self.gpu.check(&format!("growing the spread buffers to {slots} tiles of {TILE_CELLS} cells"))
    }

    /// The tiles around the tiles holding grid entries `entries`.
    fn rings(&self, entries: impl Iterator<Item = u32>) -> Vec<usize> {
        let mut tiles: Vec<usize> = entries.map(|e| self.pool.tile_of(e as usize % self.cells)).collect();
        tiles.sort_unstable();
        tiles.dedup();
        tiles.iter().flat_map(|&t| self.pool.ring(t)).collect()
    }

    /// Make the tiles around those the last sweeps listed cells in resident, and forget the marks.
    fn admit_touched(&mut self, pf: &mut ParamField, cells: &Cells) -> Result<bool> {
        let touched: Vec<u32> = self.gpu.download(&self.touched, self.pool.tiles())?;
        let mut enc = self.gpu.device.create_command_encoder(&Default::default());
        enc.clear_buffer(&self.touched, 0, None);
        self.gpu.queue.submit([enc.finish()]);
        let ring: Vec<usize> = (0..touched.len())
            .filter(|&t| touched[t] != 0)
            .flat_map(|t| self.pool.ring(t).collect::<Vec<_>>())
            .collect();
        self.admit(ring, pf, cells)
    }
}

impl GpuSpread {
    /// A sweep's inputs on the device: the two uniforms (the state buffers swapped), the active list (device
    /// entries), the counters (with the sweep's tag) and the first dispatch's group counts.
    fn upload_sweep(&self, dom: Dom, active: &[u32]) {
        let q = &self.gpu.queue;
        self.write_uniforms(dom);
        // List 0 holds the even places of the interleaved lists (the odd ones, list 1's, are written before read).
        let list: Vec<u32> = active.iter().flat_map(|&x| [x, 0]).collect();
        q.write_buffer(&self.slots.lists, 0, bytemuck::cast_slice(&list));
        let tag = (self.sweeps + 1) as u32;
        q.write_buffer(&self.counters, 0, bytemuck::cast_slice(&[active.len() as u32, 0, 0, tag, 0]));
        let groups = active.len().div_ceil(256) as u32;
        q.write_buffer(&self.indirect, 0, bytemuck::cast_slice(&[groups.min(65_535), groups.div_ceil(65_535), 1, 0]));
    }

    /// The sweep's two uniforms (list 0 current, then list 1), with the pool's figures as they stand (written again
    /// after the buffers grew).
    fn write_uniforms(&self, dom: Dom) {
        let q = &self.gpu.queue;
        let u0 = Dom { cur: 0, next: 1, ..self.pooled(dom) };
        let u1 = Dom { cur: 1, next: 0, ..u0 };
        q.write_buffer(&self.uniforms[0], 0, bytemuck::bytes_of(&u0));
        q.write_buffer(&self.uniforms[1], 0, bytemuck::bytes_of(&u1));
    }

    /// The relax, commit and prepare kernels' bind groups with uniform `k` (0 or 1: which list is current).
    fn bind_groups(&self, k: usize) -> (wgpu::BindGroup, wgpu::BindGroup, wgpu::BindGroup) {
        let gpu = &self.gpu;
        let s = &self.slots;
        let relax = gpu.bind(
            &self.relax,
            &[
                &self.uniforms[k],
                &s.params,
                &s.mask,
                &s.state,
                &s.ids,
                &s.lists,
                &self.counters,
                &s.scratch,
                &s.scratch_ids,
                &self.table,
                &self.owner,
            ],
        );
        let commit = gpu.bind(
            &self.commit,
            &[
                &self.uniforms[k],
                &s.params,
                &s.heat,
                &s.mask,
                &s.state,
                &s.ids,
                &s.front,
                &s.lists,
                &self.counters,
                &s.scratch,
                &s.scratch_ids,
                &s.stamps,
                &s.frozen,
                &self.table,
                &self.owner,
                &self.touched,
            ],
        );
        let prepare = gpu.bind(&self.prepare, &[&self.uniforms[k], &self.counters, &self.indirect]);
        (relax, commit, prepare)
    }
}

impl Sweeper for GpuSpread {
    fn set_params(&mut self, pf: &mut ParamField, cells: &Cells) -> Result<()> {
        if pf.weather_version != self.params_version {
            // A new weather: every resident tile's parameters, computed if not yet (new tiles are computed and
            // uploaded as they come: [`GpuSpread::admit`]).
            let tiles: Vec<usize> = self.pool.owner().iter().map(|&t| t as usize).collect();
            pf.ensure(cells, tiles.iter().map(|&t| self.pool.first_cell(t)));
            if !tiles.is_empty() {
                let (params, heat, _) = self.tile_inputs(tiles.into_iter(), pf);
                self.gpu.queue.write_buffer(&self.slots.params, 0, bytemuck::cast_slice(&params));
                self.gpu.queue.write_buffer(&self.slots.heat, 0, bytemuck::cast_slice(&heat));
            }
            self.params_version = pf.weather_version;
        }
        Ok(())
    }

    fn sweep(
        &mut self,
        dom: Dom,
        pf: &mut ParamField,
        cells: &Cells,
        _: &[u32],
        active: Vec<u32>,
        _progress: &mut dyn FnMut(f64),
    ) -> Result<Vec<u32>> {
        self.set_params(pf, cells)?;
        if active.is_empty() {
            return Ok(Vec::new());
        }
        let ring = self.rings(active.iter().copied());
        self.admit(ring, pf, cells)?;
        let active: Vec<u32> = active.iter().filter_map(|&e| self.entry(e)).collect();
        let gpu = self.gpu.clone();
        let q = &gpu.queue;
        self.upload_sweep(dom, &active);
        let mut groups = [self.bind_groups(0), self.bind_groups(1)];
        let mut slot = 0usize;
        let mut batch = 4u32;
        let mut c: [u32; 5];
        loop {
            let mut enc = gpu.device.create_command_encoder(&Default::default());
            {
                let mut pass =
                    enc.begin_compute_pass(&wgpu::ComputePassDescriptor { label: None, timestamp_writes: None });
                for _ in 0..batch {
                    let (r, c, p) = &groups[slot];
                    pass.set_pipeline(&self.relax);
                    pass.set_bind_group(0, r, &[]);
                    pass.dispatch_workgroups_indirect(&self.indirect, 0);
                    pass.set_pipeline(&self.commit);
                    pass.set_bind_group(0, c, &[]);
                    pass.dispatch_workgroups_indirect(&self.indirect, 0);
                    pass.set_pipeline(&self.prepare);
                    pass.set_bind_group(0, p, &[]);
                    pass.dispatch_workgroups(1, 1, 1);
                    slot ^= 1;
                }
            }
            gpu.note_kernels(&[self.relax.label, self.commit.label, self.prepare.label]);
            q.submit([enc.finish()]);
            c = self.counters()?;
            if c[4] > 0 {
                return Err(Error::Internal(format!(
                    "the GPU's spread sweeps read {} cells of tiles not resident on the device (the tile pool must \
                     hold every tile within {TILE} cells of the front)",
                    c[4]
                )));
            }
            if c[slot] == 0 {
                // counters[3] counts sweeps dispatched (each prepare adds one), empty ones at the end of a batch
                // included.
                self.sweeps = c[3] as u64 - 1;
                break;
            }
            // The next batch may reach a tile beyond the cells listed now: make the tiles around them resident.
            if !self.pool.complete() && self.admit_touched(pf, cells)? {
                self.write_uniforms(dom);
                groups = [self.bind_groups(0), self.bind_groups(1)];
            }
            batch = (batch * 2).min(MAX_SWEEPS_UNSEEN);
        }
        let frozen: Vec<u32> = if c[2] > 0 { gpu.download(&self.slots.frozen, c[2] as usize)? } else { Vec::new() };
        Ok(frozen.into_iter().filter_map(|x| self.grid_entry(x)).collect())
    }

    fn gather(&mut self, idx: &[u32]) -> Result<Vec<(State, u32)>> {
        // Cells of tiles not resident were never reached.
        let mut out = vec![super::normalised([0.0; 4], NO_ANCHOR); idx.len()];
        let (at, dev): (Vec<usize>, Vec<u32>) =
            idx.iter().enumerate().filter_map(|(k, &e)| self.entry(e).map(|x| (k, x))).unzip();
        if dev.is_empty() {
            return Ok(out);
        }
        let gpu = &self.gpu;
        let ib = gpu.upload("gather idx", &padded(&dev));
        let os = gpu.output::<State>("gathered", dev.len());
        let oi = gpu.output::<u32>("gathered ids", dev.len());
        let g = groups_1d(dev.len(), 256, gpu.limits.max_compute_workgroups_per_dimension);
        gpu.run(&self.gather, &[&ib, &self.slots.state, &self.slots.ids, &os, &oi], g)?;
        let s: Vec<State> = gpu.download(&os, dev.len())?;
        let i: Vec<u32> = gpu.download(&oi, dev.len())?;
        for ((k, s), i) in at.into_iter().zip(s).zip(i) {
            out[k] = super::normalised(s, i);
        }
        Ok(out)
    }

    fn scatter(
        &mut self,
        dom: Dom,
        pf: &mut ParamField,
        cells: &Cells,
        idx: &[u32],
        vals: &[(State, u32)],
        front: &[[f32; 4]],
    ) -> Result<()> {
        if idx.is_empty() {
            return Ok(());
        }
        // The cells written and the cells of their anchors (the kernels read the anchor's parameters).
        let mut tiles: Vec<usize> = idx.iter().map(|&e| self.pool.tile_of(e as usize % self.cells)).collect();
        let d = Dom { cols: self.pool.cols as u32, rows: self.pool.rows as u32, ..dom };
        tiles.extend(
            vals.iter()
                .filter(|v| v.1 != NO_ANCHOR)
                .map(|v| self.pool.tile_of(super::kernel::cell_of(&d, v.0[1], v.0[2]))),
        );
        self.admit(tiles, pf, cells)?;
        let dev: Vec<u32> = idx.iter().map(|&e| self.entry(e).expect("tile made resident above")).collect();
        let gpu = &self.gpu;
        let s: Vec<State> = vals.iter().map(|v| v.0).collect();
        let i: Vec<u32> = vals.iter().map(|v| v.1).collect();
        let b = [
            gpu.upload("idx", &padded(&dev)),
            gpu.upload("vals", &s),
            gpu.upload("vids", &i),
            gpu.upload("vfront", front),
        ];
        let g = groups_1d(idx.len(), 256, gpu.limits.max_compute_workgroups_per_dimension);
        let sl = &self.slots;
        gpu.run(&self.scatter, &[&b[0], &b[1], &b[2], &b[3], &sl.state, &sl.ids, &sl.front], g)
    }

    fn count_burned(&mut self, dom: Dom, t_end: f32) -> Result<Vec<u32>> {
        let gpu = self.gpu.clone();
        let used = self.pool.resident() * TILE_CELLS;
        // The cells of the resident slots (the kernel's bound: dom.pool).
        let u = Dom { t_end, pool: used as u32, ..self.pooled(dom) };
        gpu.queue.write_buffer(&self.uniforms[0], 0, bytemuck::bytes_of(&u));
        let mut counts = vec![0u32; self.cells];
        if used == 0 {
            return Ok(counts);
        }
        let out = gpu.output::<u32>("burn counts", used);
        let g = groups_1d(used, 256, gpu.limits.max_compute_workgroups_per_dimension);
        gpu.run(&self.count, &[&self.uniforms[0], &self.slots.state, &self.slots.ids, &out], g)?;
        let dev: Vec<u32> = gpu.download(&out, used)?;
        for (slot, &t) in self.pool.owner().iter().enumerate() {
            for (local, cell) in self.pool.cells_of_tile(t as usize) {
                counts[cell] = dev[slot * TILE_CELLS + local];
            }
        }
        Ok(counts)
    }

    fn reached_since(&mut self, _cursor: &mut usize) -> Option<Vec<u32>> {
        None
    }

    fn reached_between(&mut self, dom: Dom, t_lo: f32, t_hi: f32) -> Result<Vec<(u32, f32)>> {
        let gpu = self.gpu.clone();
        let used = self.pool.resident() * TILE_CELLS * self.runs;
        if used == 0 {
            return Ok(Vec::new());
        }
        // The entries of the resident slots (the kernel's bound: dom.pool).
        let u =
            Dom { t_start: t_lo, t_end: t_hi, pool: (self.pool.resident() * TILE_CELLS) as u32, ..self.pooled(dom) };
        gpu.queue.write_buffer(&self.uniforms[0], 0, bytemuck::bytes_of(&u));
        // The list can hold every entry; the counter starts each read at 0.
        if self.reached_out.as_ref().is_none_or(|r| r.2 < used) {
            let n = self.slots.slots * TILE_CELLS * self.max_runs;
            self.reached_out = Some((gpu.output::<u32>("reached count", 1), gpu.output::<[u32; 2]>("reached", n), n));
        }
        let (count, found, _) = self.reached_out.as_ref().expect("allocated above");
        gpu.queue.write_buffer(count, 0, bytemuck::bytes_of(&0u32));
        let g = groups_1d(used, 256, gpu.limits.max_compute_workgroups_per_dimension);
        gpu.run(&self.reached, &[&self.uniforms[0], &self.slots.state, &self.slots.ids, count, found], g)?;
        let k = gpu.download::<u32>(count, 1)?[0] as usize;
        let mut out: Vec<(u32, f32)> = gpu
            .download::<[u32; 2]>(found, k.min(used))?
            .into_iter()
            .filter_map(|[x, t]| self.grid_entry(x).map(|e| (e, f32::from_bits(t))))
            .collect();
        out.sort_unstable_by_key(|e| e.0);
        Ok(out)
    }

    fn finish(&mut self, _take: bool) -> Result<super::Finished> {
        let n = self.cells * self.runs;
        let (mut state, mut ids, mut front) = (vec![[0.0f32; 4]; n], vec![NO_ANCHOR; n], vec![[0.0f32; 4]; n]);
        let used = self.pool.resident() * TILE_CELLS * self.runs;
        if used > 0 {
            let s: Vec<State> = self.gpu.download(&self.slots.state, used)?;
            let i: Vec<u32> = self.gpu.download(&self.slots.ids, used)?;
            let f: Vec<[f32; 4]> = self.gpu.download(&self.slots.front, used)?;
            for (slot, &t) in self.pool.owner().iter().enumerate() {
                for (local, cell) in self.pool.cells_of_tile(t as usize) {
                    let p = slot * TILE_CELLS + local;
                    for run in 0..self.runs {
                        let (x, e) = (p * self.runs + run, run * self.cells + cell);
                        (state[e], ids[e], front[e]) = (s[x], i[x], f[x]);
                    }
                }
            }
        }
        Ok((state, ids, front, None, self.sweeps, self.relaxations))
    }
}
