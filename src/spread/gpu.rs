//! The spread kernels on a GPU: `shaders/spread_relax.wgsl`, `spread_commit.wgsl` and `spread_prepare.wgsl`
//! run a sweep each, sized by indirect dispatch from the active list the previous sweep wrote, so a batch of
//! sweeps runs without the host; the host reads the list length back between batches.

use std::sync::Arc;

use bytemuck::Zeroable;

use super::kernel::{Dom, State};
use super::params::ParamField;
use super::Sweeper;
use crate::error::{Error, Result};
use crate::gpu::{groups_1d, Gpu, Kernel};
use crate::physics::behavior::Cells;

const SPREAD_COMMON: &str = include_str!("../../shaders/spread_common.wgsl");

/// GPU buffers and pipelines of spread over one landscape, allocated once and reused by every fire on it
/// ([`GpuSpread::reset`] clears them for the next). Holds up to a number of fires side by side (runs: entries
/// run * cells + cell), swept in the same dispatches. Holds no state beyond the current fires' buffers.
pub struct GpuSpread {
    gpu: Arc<Gpu>,
    /// Entries: cells times runs.
    n: usize,
    /// Cells of one run.
    cells: usize,
    count: Kernel,
    reached: Kernel,
    relax: Kernel,
    commit: Kernel,
    prepare: Kernel,
    gather: Kernel,
    scatter: Kernel,
    uniforms: [wgpu::Buffer; 2],
    params: wgpu::Buffer,
    heat: wgpu::Buffer,
    mask: wgpu::Buffer,
    state: wgpu::Buffer,
    ids: wgpu::Buffer,
    front: wgpu::Buffer,
    lists: wgpu::Buffer,
    counters: wgpu::Buffer,
    scratch: wgpu::Buffer,
    scratch_ids: wgpu::Buffer,
    stamps: wgpu::Buffer,
    frozen: wgpu::Buffer,
    indirect: wgpu::Buffer,
    params_version: u64,
    sweeps: u64,
    /// Not counted on the GPU (the lists stay on the device): always 0.
    relaxations: u64,
    /// The counter and list of `spread_reached.wgsl`, allocated at its first use (a spotting fire reads them every
    /// step; other fires never do).
    reached_out: Option<(wgpu::Buffer, wgpu::Buffer)>,
}

fn storage(gpu: &Gpu, label: &str, bytes: usize, extra: wgpu::BufferUsages) -> wgpu::Buffer {
    gpu.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: (bytes as u64).max(16),
        usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST | extra,
        mapped_at_creation: false,
    })
}

impl GpuSpread {
    /// Most fires of `cells` cells one context can hold side by side on `gpu` (its largest binding holds the state
    /// of every run: 16 bytes per cell and run).
    pub fn max_runs(gpu: &Gpu, cells: usize) -> usize {
        (gpu.max_binding_bytes() as usize / (16 * cells.max(1))).min(u32::MAX as usize / (2 * cells.max(1)))
    }

    /// Buffers for up to `runs` fires side by side on a grid of `rows` x `cols` cells.
    pub fn new(gpu: Arc<Gpu>, rows: usize, cols: usize, mask: &[u32], runs: usize) -> Result<GpuSpread> {
        let cells = rows * cols;
        let runs = runs.max(1);
        let max = GpuSpread::max_runs(&gpu, cells);
        if runs > max {
            return Err(Error::Gpu(format!(
                "{runs} fires of {cells} cells need {} bytes of state in one binding; {} allows {} bytes ({max} fires); \
                 run them in smaller batches or on the CPU",
                16 * cells * runs,
                gpu.info.name,
                gpu.max_binding_bytes()
            )));
        }
        let n = cells * runs;
        let pipe = |label: &'static str, src: &str| gpu.pipeline(label, &format!("{SPREAD_COMMON}\n{src}"));
        let relax = pipe("spread_relax", include_str!("../../shaders/spread_relax.wgsl"))?;
        let commit = pipe("spread_commit", include_str!("../../shaders/spread_commit.wgsl"))?;
        let prepare = pipe("spread_prepare", include_str!("../../shaders/spread_prepare.wgsl"))?;
        let gather = pipe("spread_gather", include_str!("../../shaders/spread_gather.wgsl"))?;
        let scatter = pipe("spread_scatter", include_str!("../../shaders/spread_scatter.wgsl"))?;
        let uniform =
            || gpu.upload_bytes("spread dom", bytemuck::bytes_of(&Dom::zeroed()), wgpu::BufferUsages::UNIFORM);
        let g: &Gpu = &gpu;
        let count = pipe("spread_count", include_str!("../../shaders/spread_count.wgsl"))?;
        let reached = pipe("spread_reached", include_str!("../../shaders/spread_reached.wgsl"))?;
        let k = GpuSpread {
            n,
            cells,
            count,
            reached,
            relax,
            commit,
            prepare,
            gather,
            scatter,
            uniforms: [uniform(), uniform()],
            params: storage(g, "params", cells * 16, wgpu::BufferUsages::empty()),
            heat: storage(g, "heat", cells * 4, wgpu::BufferUsages::empty()),
            mask: gpu.upload("mask", mask),
            // Zeroed (wgpu zero-initialises buffers): every cell unreached (anchor id NO_ANCHOR = 0).
            state: storage(g, "state", n * 16, wgpu::BufferUsages::empty()),
            ids: storage(g, "ids", n * 4, wgpu::BufferUsages::empty()),
            front: storage(g, "front", n * 16, wgpu::BufferUsages::empty()),
            lists: storage(g, "lists", n * 2 * 4, wgpu::BufferUsages::empty()),
            counters: storage(g, "counters", 16, wgpu::BufferUsages::empty()),
            scratch: storage(g, "scratch", n * 16, wgpu::BufferUsages::empty()),
            scratch_ids: storage(g, "scratch ids", n * 4, wgpu::BufferUsages::empty()),
            stamps: storage(g, "stamps", n * 2 * 4, wgpu::BufferUsages::empty()),
            frozen: storage(g, "frozen", n * 4, wgpu::BufferUsages::empty()),
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

    /// Clear the state for a new fire: every cell unreached, lists and stamps empty.
    pub fn reset(&mut self) -> Result<()> {
        let mut enc = self.gpu.device.create_command_encoder(&Default::default());
        for b in [&self.state, &self.ids, &self.front, &self.stamps, &self.counters, &self.frozen] {
            enc.clear_buffer(b, 0, None);
        }
        self.gpu.queue.submit([enc.finish()]);
        self.sweeps = 0;
        self.relaxations = 0;
        self.gpu.wait()
    }

    fn counters(&self) -> Result<[u32; 4]> {
        let v: Vec<u32> = self.gpu.download(&self.counters, 4)?;
        Ok([v[0], v[1], v[2], v[3]])
    }
}

impl GpuSpread {
    /// A sweep's inputs on the device: the two uniforms (the state buffers swapped), the active list, the counters
    /// (with the sweep's tag) and the first dispatch's group counts.
    fn upload_sweep(&self, dom: Dom, active: &[u32]) {
        let q = &self.gpu.queue;
        let u0 = Dom { cur: 0, next: 1, list_cap: self.n as u32, ..dom };
        let u1 = Dom { cur: 1, next: 0, ..u0 };
        q.write_buffer(&self.uniforms[0], 0, bytemuck::bytes_of(&u0));
        q.write_buffer(&self.uniforms[1], 0, bytemuck::bytes_of(&u1));
        q.write_buffer(&self.lists, 0, bytemuck::cast_slice(active));
        let tag = (self.sweeps + 1) as u32;
        q.write_buffer(&self.counters, 0, bytemuck::cast_slice(&[active.len() as u32, 0, 0, tag]));
        let groups = active.len().div_ceil(256) as u32;
        q.write_buffer(&self.indirect, 0, bytemuck::cast_slice(&[groups.min(65_535), groups.div_ceil(65_535), 1, 0]));
    }

    /// The relax, commit and prepare kernels' bind groups with uniform `k` (0 or 1: which state buffer is current).
    fn bind_groups(&self, k: usize) -> (wgpu::BindGroup, wgpu::BindGroup, wgpu::BindGroup) {
        let gpu = &self.gpu;
        let relax = gpu.bind(
            &self.relax,
            &[
                &self.uniforms[k],
                &self.params,
                &self.mask,
                &self.state,
                &self.ids,
                &self.lists,
                &self.counters,
                &self.scratch,
                &self.scratch_ids,
            ],
        );
        let commit = gpu.bind(
            &self.commit,
            &[
                &self.uniforms[k],
                &self.params,
                &self.heat,
                &self.mask,
                &self.state,
                &self.ids,
                &self.front,
                &self.lists,
                &self.counters,
                &self.scratch,
                &self.scratch_ids,
                &self.stamps,
                &self.frozen,
            ],
        );
        let prepare = gpu.bind(&self.prepare, &[&self.uniforms[k], &self.counters, &self.indirect]);
        (relax, commit, prepare)
    }
}

impl Sweeper for GpuSpread {
    fn set_params(&mut self, pf: &ParamField) -> Result<()> {
        if pf.version != self.params_version {
            self.gpu.queue.write_buffer(&self.params, 0, bytemuck::cast_slice(&pf.params));
            self.gpu.queue.write_buffer(&self.heat, 0, bytemuck::cast_slice(&pf.heat));
            self.params_version = pf.version;
        }
        Ok(())
    }

    fn sweep(
        &mut self,
        dom: Dom,
        pf: &mut ParamField,
        _: &Cells,
        _: &[u32],
        active: Vec<u32>,
        _progress: &mut dyn FnMut(f64),
    ) -> Result<Vec<u32>> {
        self.set_params(pf)?;
        if active.is_empty() {
            return Ok(Vec::new());
        }
        let gpu = self.gpu.clone();
        let q = &gpu.queue;
        self.upload_sweep(dom, &active);
        let groups = [self.bind_groups(0), self.bind_groups(1)];
        let mut slot = 0usize;
        let mut batch = 4u32;
        let mut c: [u32; 4];
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
            // counters[3] counts sweeps dispatched (each prepare adds one), empty ones at the end of a batch included.
            if c[slot] == 0 {
                self.sweeps = c[3] as u64 - 1;
                break;
            }
            batch = (batch * 2).min(64);
        }
        let frozen: Vec<u32> = if c[2] > 0 { gpu.download(&self.frozen, c[2] as usize)? } else { Vec::new() };
        Ok(frozen)
    }

    fn gather(&mut self, idx: &[u32]) -> Result<Vec<(State, u32)>> {
        if idx.is_empty() {
            return Ok(Vec::new());
        }
        let gpu = &self.gpu;
        let ib = gpu.upload("gather idx", idx);
        let os = gpu.output::<State>("gathered", idx.len());
        let oi = gpu.output::<u32>("gathered ids", idx.len());
        let g = groups_1d(idx.len(), 256, gpu.limits.max_compute_workgroups_per_dimension);
        gpu.run(&self.gather, &[&ib, &self.state, &self.ids, &os, &oi], g)?;
        let s: Vec<State> = gpu.download(&os, idx.len())?;
        let i: Vec<u32> = gpu.download(&oi, idx.len())?;
        Ok(s.into_iter().zip(i).map(|(s, i)| super::normalised(s, i)).collect())
    }

    fn scatter(&mut self, idx: &[u32], vals: &[(State, u32)], front: &[[f32; 4]]) -> Result<()> {
        if idx.is_empty() {
            return Ok(());
        }
        let gpu = &self.gpu;
        let s: Vec<State> = vals.iter().map(|v| v.0).collect();
        let i: Vec<u32> = vals.iter().map(|v| v.1).collect();
        let b = [gpu.upload("idx", idx), gpu.upload("vals", &s), gpu.upload("vids", &i), gpu.upload("vfront", front)];
        let g = groups_1d(idx.len(), 256, gpu.limits.max_compute_workgroups_per_dimension);
        gpu.run(&self.scatter, &[&b[0], &b[1], &b[2], &b[3], &self.state, &self.ids, &self.front], g)
    }

    fn count_burned(&mut self, dom: Dom, t_end: f32) -> Result<Vec<u32>> {
        let gpu = &self.gpu;
        let u = Dom { t_end, ..dom };
        gpu.queue.write_buffer(&self.uniforms[0], 0, bytemuck::bytes_of(&u));
        let out = gpu.output::<u32>("burn counts", self.cells);
        let g = groups_1d(self.cells, 256, gpu.limits.max_compute_workgroups_per_dimension);
        gpu.run(&self.count, &[&self.uniforms[0], &self.state, &self.ids, &out], g)?;
        gpu.download(&out, self.cells)
    }

    fn reached_since(&mut self, _cursor: &mut usize) -> Option<Vec<u32>> {
        None
    }

    fn reached_between(&mut self, dom: Dom, t_lo: f32, t_hi: f32) -> Result<Vec<(u32, f32)>> {
        let gpu = &self.gpu;
        let u = Dom { t_start: t_lo, t_end: t_hi, ..dom };
        gpu.queue.write_buffer(&self.uniforms[0], 0, bytemuck::bytes_of(&u));
        // The list can hold every entry; the counter starts each read at 0.
        let n = self.n;
        let (count, found) = self
            .reached_out
            .get_or_insert_with(|| (gpu.output::<u32>("reached count", 1), gpu.output::<[u32; 2]>("reached", n)));
        gpu.queue.write_buffer(count, 0, bytemuck::bytes_of(&0u32));
        let (count, found) = (&*count, &*found);
        let g = groups_1d(self.n, 256, gpu.limits.max_compute_workgroups_per_dimension);
        gpu.run(&self.reached, &[&self.uniforms[0], &self.state, &self.ids, count, found], g)?;
        let k = gpu.download::<u32>(count, 1)?[0] as usize;
        let mut out: Vec<(u32, f32)> =
            gpu.download::<[u32; 2]>(found, k.min(n))?.into_iter().map(|[i, t]| (i, f32::from_bits(t))).collect();
        out.sort_unstable_by_key(|e| e.0);
        Ok(out)
    }

    fn finish(&mut self, _take: bool) -> Result<super::Finished> {
        let s: Vec<State> = self.gpu.download(&self.state, self.n)?;
        let i: Vec<u32> = self.gpu.download(&self.ids, self.n)?;
        let f: Vec<[f32; 4]> = self.gpu.download(&self.front, self.n)?;
        Ok((s, i, f, None, self.sweeps, self.relaxations))
    }
}
