//! wgpu context and small helpers to run WGSL compute kernels on storage buffers.
//!
//! A [`Gpu`] holds no per-run state: kernels take all run parameters through buffers, so several runs can
//! share one device (and, later, one dispatch).

use std::fmt;

pub mod layout;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::error::{Error, Result};

/// Which engine computes a kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A hardware GPU when one exists, otherwise the CPU twin (in parallel). Software GPUs are not used.
    Auto,
    /// Any GPU adapter wgpu finds, software ones (lavapipe) included.
    Gpu,
    /// GPU through Vulkan only.
    Vulkan,
    /// GPU through OpenGL/GLES only.
    Gl,
    /// The CPU twin of each kernel, in f64.
    Cpu,
}

impl Backend {
    /// Every backend, by name.
    pub const ALL: [(Backend, &'static str); 5] = [
        (Backend::Auto, "auto"),
        (Backend::Gpu, "gpu"),
        (Backend::Vulkan, "vulkan"),
        (Backend::Gl, "gl"),
        (Backend::Cpu, "cpu"),
    ];

    /// The backend named `s` (case-insensitive).
    pub fn parse(s: &str) -> Option<Backend> {
        Backend::ALL.iter().find(|(_, n)| n.eq_ignore_ascii_case(s.trim())).map(|(b, _)| *b)
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Backend::Auto => "auto",
            Backend::Gpu => "gpu",
            Backend::Vulkan => "vulkan",
            Backend::Gl => "gl",
            Backend::Cpu => "cpu",
        };
        f.write_str(s)
    }
}

/// WGSL helpers shared by every kernel (prepended to each kernel's source): the unit conversions
/// (`shaders/units.wgsl`, mirror of [`crate::units`]), then `shaders/common.wgsl`.
pub const COMMON_WGSL: &str =
    concat!(include_str!("../../shaders/units.wgsl"), "\n", include_str!("../../shaders/common.wgsl"));

/// A GPU device and queue with the adapter's description, the kernels compiled so far (each once per device) and
/// the first validation error wgpu reported (taken by [`Gpu::check`], so an invalid dispatch or buffer becomes an
/// error naming what was being done, not a panic).
pub struct Gpu {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub info: wgpu::AdapterInfo,
    pub limits: wgpu::Limits,
    pipelines: Mutex<HashMap<String, Kernel>>,
    errors: Arc<Mutex<Option<String>>>,
    /// Kernels recorded since the last wait: a failure is reported with their names.
    pending: Mutex<Vec<&'static str>>,
}

/// A compiled kernel: its pipeline and the name errors give it.
#[derive(Clone)]
pub struct Kernel {
    pub label: &'static str,
    pipeline: wgpu::ComputePipeline,
}

impl std::ops::Deref for Kernel {
    type Target = wgpu::ComputePipeline;
    fn deref(&self) -> &wgpu::ComputePipeline {
        &self.pipeline
    }
}

/// Devices opened so far in this process, per backend choice: one GPU context per process.
static DEVICES: Mutex<Vec<(Backend, Arc<Gpu>)>> = Mutex::new(Vec::new());

const INSTALL_HINT: &str = "no usable GPU adapter: wgpu found no Vulkan or OpenGL driver. Install one \
(Debian/Ubuntu: `apt-get install libvulkan1 mesa-vulkan-drivers` gives lavapipe, a software Vulkan driver; or \
your GPU vendor's Vulkan driver), or run with `--backend cpu`";

impl Gpu {
    /// Open a device. `backend` must be a GPU choice (`Gpu`, `Vulkan`, `Gl`, or `Auto`, which here accepts any
    /// adapter). `WGPU_BACKEND` in the environment narrows the APIs tried, as wgpu documents.
    pub fn new(backend: Backend) -> Result<Gpu> {
        let mut desc = wgpu::InstanceDescriptor::new_without_display_handle().with_env();
        match backend {
            Backend::Vulkan => desc.backends = wgpu::Backends::VULKAN,
            Backend::Gl => desc.backends = wgpu::Backends::GL,
            Backend::Cpu => return Err(Error::Gpu("the cpu backend has no GPU device".into())),
            _ => {}
        }
        let instance = wgpu::Instance::new(desc);
        let adapter = pollster::block_on(instance.request_adapter(&wgpu::RequestAdapterOptions {
            power_preference: wgpu::PowerPreference::HighPerformance,
            force_fallback_adapter: false,
            compatible_surface: None,
            apply_limit_buckets: false,
        }))
        .map_err(|e| Error::Gpu(format!("{INSTALL_HINT} ({e})")))?;
        let info = adapter.get_info();
        let limits = adapter.limits();
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            label: Some("emberfall"),
            required_features: wgpu::Features::empty(),
            required_limits: limits.clone(),
            experimental_features: wgpu::ExperimentalFeatures::disabled(),
            memory_hints: wgpu::MemoryHints::Performance,
            trace: wgpu::Trace::Off,
        }))
        .map_err(|e| Error::Gpu(format!("cannot open a device on {} ({:?}): {e}", info.name, info.backend)))?;
        let errors: Arc<Mutex<Option<String>>> = Arc::default();
        let sink = errors.clone();
        device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
            // wgpu's message and its causes ("Validation Error" alone says little).
            let mut text = e.to_string().trim().to_string();
            let mut cause = std::error::Error::source(&e);
            while let Some(c) = cause {
                text += &format!(": {}", c.to_string().trim());
                cause = c.source();
            }
            let mut slot = sink.lock().unwrap_or_else(|p| p.into_inner());
            slot.get_or_insert(text);
        }));
        let sink = errors.clone();
        device.set_device_lost_callback(move |reason, msg| {
            // A lost device explains every error after it: it replaces them.
            let mut slot = sink.lock().unwrap_or_else(|p| p.into_inner());
            *slot = Some(format!(
                "the GPU device was lost ({reason:?}{})",
                if msg.is_empty() { String::new() } else { format!(": {msg}") }
            ));
        });
        Ok(Gpu { device, queue, info, limits, pipelines: Mutex::default(), errors, pending: Mutex::default() })
    }

    /// The process's device for `backend`, opened on first use and shared after: kernels compile once per
    /// process and every run uses the same context.
    pub fn shared(backend: Backend) -> Result<Arc<Gpu>> {
        let mut devices = DEVICES.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, g)) = devices.iter().find(|(b, _)| *b == backend) {
            return Ok(g.clone());
        }
        let g = Arc::new(Gpu::new(backend)?);
        devices.push((backend, g.clone()));
        Ok(g)
    }

    /// The first wgpu error since the last check (a validation error, an out-of-memory, a lost device), as an
    /// error naming `what` was being done and the kernels recorded since the last wait.
    pub fn check(&self, what: &str) -> Result<()> {
        let mut slot = self.errors.lock().unwrap_or_else(|p| p.into_inner());
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let kernels = std::mem::take(&mut *pending);
        match slot.take() {
            Some(e) if kernels.is_empty() => Err(Error::Gpu(format!("{what}: {e}"))),
            Some(e) => Err(Error::Gpu(format!("{what} (kernel {}): {e}", kernels.join(", ")))),
            None => Ok(()),
        }
    }

    /// Note that `kernels` were recorded (for errors; see [`Gpu::check`]).
    pub fn note_kernels(&self, kernels: &[&'static str]) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        for k in kernels {
            if !pending.contains(k) {
                pending.push(k);
            }
        }
    }

    /// True for a hardware adapter (not a CPU/software rasteriser such as lavapipe or llvmpipe).
    pub fn is_hardware(&self) -> bool {
        !matches!(self.info.device_type, wgpu::DeviceType::Cpu)
    }

    /// One line naming the adapter, its type and API.
    pub fn describe(&self) -> String {
        format!(
            "{} ({:?}, {:?}, driver {} {})",
            self.info.name, self.info.device_type, self.info.backend, self.info.driver, self.info.driver_info
        )
    }

    /// Largest storage binding usable by one kernel argument, bytes.
    pub fn max_binding_bytes(&self) -> u64 {
        self.limits.max_storage_buffer_binding_size.min(self.limits.max_buffer_size)
    }

    /// Compile a kernel: [`COMMON_WGSL`] followed by `source`, entry point `main`, layout taken from the shader.
    /// Each kernel (by label) is compiled once per device and reused.
    pub fn pipeline(&self, label: &'static str, source: &str) -> Result<Kernel> {
        if let Some(p) = self.pipelines.lock().unwrap_or_else(|p| p.into_inner()).get(label) {
            return Ok(p.clone());
        }
        let full = format!("{COMMON_WGSL}\n{source}");
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let module = self.device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some(label),
            source: wgpu::ShaderSource::Wgsl(full.into()),
        });
        let pipeline = self.device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some(label),
            layout: None,
            module: &module,
            entry_point: Some("main"),
            compilation_options: Default::default(),
            cache: None,
        });
        if let Some(err) = pollster::block_on(scope.pop()) {
            return Err(Error::Gpu(format!("kernel {label} failed to compile: {err}")));
        }
        self.check(&format!("compiling kernel {label}"))?;
        let kernel = Kernel { label, pipeline };
        self.pipelines.lock().unwrap_or_else(|p| p.into_inner()).insert(label.to_string(), kernel.clone());
        Ok(kernel)
    }

    /// A read-only storage buffer holding `data`.
    pub fn upload<T: bytemuck::Pod>(&self, label: &str, data: &[T]) -> wgpu::Buffer {
        let bytes: &[u8] = bytemuck::cast_slice(data);
        // Zero-sized bindings are invalid: pad empty inputs to one element.
        let padded;
        let contents = if bytes.is_empty() {
            padded = [0u8; 16];
            &padded[..]
        } else {
            bytes
        };
        self.upload_bytes(label, contents, wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC)
    }

    /// A buffer of `usage` (plus COPY_DST) holding `contents`, written through the queue. Not wgpu's
    /// `create_buffer_init`, which maps the buffer at creation and panics when the device is lost: here a lost
    /// device becomes an error at the next [`Gpu::check`].
    pub fn upload_bytes(&self, label: &str, contents: &[u8], usage: wgpu::BufferUsages) -> wgpu::Buffer {
        let size = (contents.len() as u64).next_multiple_of(wgpu::COPY_BUFFER_ALIGNMENT).max(16);
        let buffer = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size,
            usage: usage | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let whole = contents.len() as u64 / wgpu::COPY_BUFFER_ALIGNMENT * wgpu::COPY_BUFFER_ALIGNMENT;
        if whole > 0 {
            self.queue.write_buffer(&buffer, 0, &contents[..whole as usize]);
        }
        if whole < contents.len() as u64 {
            let mut tail = [0u8; 4];
            tail[..contents.len() - whole as usize].copy_from_slice(&contents[whole as usize..]);
            self.queue.write_buffer(&buffer, whole, &tail);
        }
        buffer
    }

    /// A storage buffer of `len` elements of `T`, for kernel outputs.
    pub fn output<T: bytemuck::Pod>(&self, label: &str, len: usize) -> wgpu::Buffer {
        self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size: ((len * std::mem::size_of::<T>()) as u64).max(16),
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    }

    /// Bind `buffers` to bindings 0.. of group 0 of `pipeline`.
    pub fn bind(&self, pipeline: &wgpu::ComputePipeline, buffers: &[&wgpu::Buffer]) -> wgpu::BindGroup {
        let layout = pipeline.get_bind_group_layout(0);
        let entries: Vec<wgpu::BindGroupEntry> = buffers
            .iter()
            .enumerate()
            .map(|(i, b)| wgpu::BindGroupEntry { binding: i as u32, resource: b.as_entire_binding() })
            .collect();
        self.device.create_bind_group(&wgpu::BindGroupDescriptor { label: None, layout: &layout, entries: &entries })
    }

    /// Record one dispatch of `pipeline` with `bind_group` into `encoder`.
    pub fn record(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        pipeline: &Kernel,
        bind_group: &wgpu::BindGroup,
        workgroups: [u32; 3],
    ) {
        self.note_kernels(&[pipeline.label]);
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor { label: None, timestamp_writes: None });
        pass.set_pipeline(pipeline);
        pass.set_bind_group(0, bind_group, &[]);
        pass.dispatch_workgroups(workgroups[0], workgroups[1], workgroups[2]);
    }

    /// Run one dispatch and wait for it.
    pub fn run(&self, pipeline: &Kernel, buffers: &[&wgpu::Buffer], workgroups: [u32; 3]) -> Result<()> {
        let bg = self.bind(pipeline, buffers);
        let mut encoder = self.device.create_command_encoder(&Default::default());
        self.record(&mut encoder, pipeline, &bg, workgroups);
        self.queue.submit([encoder.finish()]);
        self.wait()
    }

    /// Block until the queue is idle; a validation error of anything submitted becomes an error here.
    pub fn wait(&self) -> Result<()> {
        self.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map(|_| ())
            .map_err(|e| Error::Gpu(format!("device poll failed: {e}")))?;
        self.check("GPU work")
    }

    /// Copy `len` elements of `T` back from `buffer`.
    pub fn download<T: bytemuck::Pod>(&self, buffer: &wgpu::Buffer, len: usize) -> Result<Vec<T>> {
        let size = (len * std::mem::size_of::<T>()) as u64;
        if size == 0 {
            return Ok(Vec::new());
        }
        let staging = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("staging"),
            size,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut encoder = self.device.create_command_encoder(&Default::default());
        encoder.copy_buffer_to_buffer(buffer, 0, &staging, 0, size);
        self.queue.submit([encoder.finish()]);
        let (tx, rx) = std::sync::mpsc::channel();
        staging.map_async(wgpu::MapMode::Read, .., move |r| {
            let _ = tx.send(r);
        });
        self.wait()?;
        rx.recv()
            .map_err(|_| Error::Gpu("buffer map callback never ran".into()))?
            .map_err(|e| Error::Gpu(format!("cannot map buffer: {e}")))?;
        let out = {
            let view = staging.get_mapped_range(..).map_err(|e| Error::Gpu(format!("cannot read buffer: {e}")))?;
            bytemuck::cast_slice::<u8, T>(&view).to_vec()
        };
        staging.unmap();
        Ok(out)
    }
}

/// Workgroup counts for `n` invocations of a 1-D kernel with `wg` threads per group, folded into x and y so that
/// no dimension exceeds the 65 535 limit. Kernels rebuild the flat index with [`COMMON_WGSL`]'s `flat_index`.
pub fn groups_1d(n: usize, wg: u32, max_per_dim: u32) -> [u32; 3] {
    let groups = n.div_ceil(wg as usize).max(1) as u64;
    let max = max_per_dim.max(1) as u64;
    if groups <= max {
        [groups as u32, 1, 1]
    } else {
        [max as u32, groups.div_ceil(max) as u32, 1]
    }
}

/// Print-friendly limits of interest.
pub fn limits_report(l: &wgpu::Limits) -> Vec<(&'static str, u64)> {
    vec![
        ("max_storage_buffer_binding_size", l.max_storage_buffer_binding_size),
        ("max_buffer_size", l.max_buffer_size),
        ("max_storage_buffers_per_shader_stage", l.max_storage_buffers_per_shader_stage as u64),
        ("max_compute_workgroup_size_x", l.max_compute_workgroup_size_x as u64),
        ("max_compute_invocations_per_workgroup", l.max_compute_invocations_per_workgroup as u64),
        ("max_compute_workgroups_per_dimension", l.max_compute_workgroups_per_dimension as u64),
        ("max_compute_workgroup_storage_size", l.max_compute_workgroup_storage_size as u64),
    ]
}

/// Where kernels run: a GPU device (shared: cloning an engine shares its device), or their CPU twins.
#[derive(Clone)]
pub enum Engine {
    Cpu,
    Gpu(Arc<Gpu>),
}

impl Engine {
    /// Choose an engine for `backend`. `Auto` takes a hardware GPU when wgpu finds one, else the CPU twins. The
    /// device is the process's ([`Gpu::shared`]).
    pub fn select(backend: Backend) -> Result<Engine> {
        match backend {
            Backend::Cpu => Ok(Engine::Cpu),
            Backend::Auto => match Gpu::shared(Backend::Auto) {
                Ok(g) if g.is_hardware() => Ok(Engine::Gpu(g)),
                _ => Ok(Engine::Cpu),
            },
            b => Ok(Engine::Gpu(Gpu::shared(b)?)),
        }
    }

    /// Human-readable name: `cpu (N threads)` or the GPU adapter.
    pub fn name(&self) -> String {
        match self {
            Engine::Cpu => format!("cpu ({} threads)", rayon::current_num_threads()),
            Engine::Gpu(g) => format!("gpu: {}", g.describe()),
        }
    }

    /// Short backend label for summaries: `cpu` or `gpu`.
    pub fn label(&self) -> &'static str {
        match self {
            Engine::Cpu => "cpu",
            Engine::Gpu(_) => "gpu",
        }
    }
}
