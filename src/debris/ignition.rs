//! From debris to ignitions: the probability that a fragment ignites the fuel bed it lands in, per-cell ignition
//! probability and expected ignitions (`shaders/ignition_probability.wgsl` and its CPU twin here), and one
//! seeded realisation of ignitions for the spread engine.
//!
//! Relations (each overridable in the scenario's `[ignition]` table):
//! - Burning fragments (burning propellant, embers): probability of ignition of Schroeder (1969), as BehavePlus
//!   and FARSITE use it (behave library): heat of preignition Q = 144.51 - 0.266 T - 0.00058 T^2 - T M +
//!   18.54 (1 - exp(-15.1 M)) + 640 M cal/g (T fuel temperature C, M 1-h moisture fraction), capped at 400;
//!   X = (400 - Q)/10; P = 0.000048 X^4.3 / 50, clipped to 0..1. Fuel temperature (F) = air temperature (F) +
//!   25 - 20 x shade (BehavePlus), shade taken as the cell's canopy cover. Holds for fine dead fuels, 1-h
//!   moisture 2-20 %, air 0-45 C (the BehavePlus table of ../shared/oracle).
//! - Hot inert particles: flaming/smouldering ignition needs the particle hotter than a critical temperature
//!   that falls with size and rises with fuel moisture: T_crit = 1800 (1 + 4 FMC) / d + 500 C, d in mm, FMC the
//!   fuel moisture fraction (Wang, Huang, Chen & Liu 2017, IJWF 26:71, steel spheres 6-14 mm, 600-1100 C on pine
//!   needles, FMC 6-32 %; the hyperbolic size-temperature boundary of Hadden et al. 2011, Fire Technol. 47:341
//!   and Urban et al. 2017, PROCI 36:3211). Emberfall turns the boundary into a probability with a logistic of
//!   width `hot_width_c` (25 C), and adds the latent heat of fusion of molten aluminium as sensible-equivalent
//!   temperature (L / c = 441 C; Urban et al. 2019 found melting aluminium igniting at lower particle
//!   temperatures than steel). Outside 6-14 mm the relation is extrapolated (flagged in the run notes).
//! - Zero on non-burnable cells and where the 1-h moisture reaches the fuel model's dead moisture of extinction.

use rayon::prelude::*;

use crate::debris::{Fragment, Material, ThermalState};
use crate::error::{Error, Result};
use crate::gpu::layout::{FragmentRow, IgnitionUniform};
use crate::gpu::{groups_1d, Engine, Gpu};
use crate::landscape::{Grid, Landscape};
use crate::physics::behavior::Cells;
use crate::rng::Rng;
use crate::units::{MM_PER_M, S_PER_MIN};

/// Parameters of the ignition relations.
#[derive(Clone, Copy, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IgnitionParams {
    /// Air temperature, C.
    pub air_temp_c: f64,
    /// Wang et al. (2017): T_crit = a (1 + b FMC) / d_mm + c.
    pub hot_a_c_mm: f64,
    pub hot_b: f64,
    pub hot_c_c: f64,
    /// Width of the logistic around T_crit, C.
    pub hot_width_c: f64,
    /// Sensible-equivalent temperature of molten aluminium's latent heat, C.
    pub aluminium_latent_c: f64,
}

impl Default for IgnitionParams {
    fn default() -> Self {
        IgnitionParams {
            air_temp_c: 20.0,
            hot_a_c_mm: 1800.0,
            hot_b: 4.0,
            hot_c_c: 500.0,
            hot_width_c: 25.0,
            aluminium_latent_c: 397_000.0 / 900.0,
        }
    }
}

pub use crate::physics::firebrand::{fuel_temperature_c, heat_of_preignition_cal_g, schroeder_probability};

/// Critical particle temperature, C, for ignition by a hot particle of diameter `d_mm` on fuel of moisture
/// `fmc` (fraction): Wang et al. (2017).
pub fn hot_particle_critical_c(p: &IgnitionParams, d_mm: f64, fmc: f64) -> f64 {
    p.hot_a_c_mm * (1.0 + p.hot_b * fmc) / d_mm.max(1e-3) + p.hot_c_c
}

/// Effective particle temperature: molten aluminium carries its latent heat.
pub fn effective_temperature_c(p: &IgnitionParams, material: Material, temperature_c: f64) -> f64 {
    if material == Material::Aluminium && temperature_c >= material.thermo().melting_c {
        temperature_c + p.aluminium_latent_c
    } else {
        temperature_c
    }
}

/// Probability that `f` ignites a burnable cell of fuel temperature `fuel_temp_c` and 1-h moisture `m1h_frac`.
pub fn fragment_ignition_probability(p: &IgnitionParams, f: &Fragment, fuel_temp_c: f64, m1h_frac: f64) -> f64 {
    match f.thermal {
        ThermalState::Burning { burn_time_s } if burn_time_s > 0.0 => schroeder_probability(fuel_temp_c, m1h_frac),
        ThermalState::Burning { .. } => 0.0,
        ThermalState::Hot { temperature_c } => {
            let t = effective_temperature_c(p, f.material, temperature_c);
            let crit = hot_particle_critical_c(p, f.size_m * MM_PER_M, m1h_frac);
            1.0 / (1.0 + (-(t - crit) / p.hot_width_c).exp())
        }
    }
}

/// Per-cell inputs: whether fuel can ignite (burnable and drier than extinction) and the fuel temperature.
pub struct CellIgnition {
    pub can_ignite: Vec<bool>,
    pub fuel_temp_c: Vec<f32>,
}

impl CellIgnition {
    pub fn new(ls: &Landscape, cells: &Cells, m1h_frac: f64, p: &IgnitionParams) -> CellIgnition {
        let n = ls.grid.len();
        let can_ignite = (0..n)
            .into_par_iter()
            .map(|i| {
                let k = cells.fuel_index(i);
                k != u32::MAX && {
                    let m = &cells.fuels[k as usize];
                    m.is_burnable() && m1h_frac < m.mx_dead_frac
                }
            })
            .collect();
        let fuel_temp_c = (0..n)
            .map(|i| {
                let shade = ls.canopy_cover_frac.as_ref().map_or(0.0, |c| c[i] as f64);
                fuel_temperature_c(p.air_temp_c, if shade.is_finite() { shade } else { 0.0 }) as f32
            })
            .collect();
        CellIgnition { can_ignite, fuel_temp_c }
    }
}

/// Ignition probability (at least one ignition) and expected ignitions per cell.
pub struct IgnitionMaps {
    pub probability: Vec<f32>,
    pub expected: Vec<f32>,
}

/// Fragment as the kernel reads it, with its landing window.
fn pack(f: &Fragment, grid: &Grid, p: &IgnitionParams) -> FragmentRow {
    let (fr, fc) = grid.fractional_cell(f.x, f.y);
    let (kind, temp) = match f.thermal {
        ThermalState::Burning { burn_time_s } => (if burn_time_s > 0.0 { 1 } else { 2 }, 0.0),
        ThermalState::Hot { temperature_c } => (0, effective_temperature_c(p, f.material, temperature_c)),
    };
    let (sa, sc, az) =
        f.footprint.map_or((0.0, 0.0, 0.0), |fp| (fp.sigma_along_m, fp.sigma_cross_m, fp.azimuth_deg.to_radians()));
    // Half-width (cells) of the window the fragment can land in: 4 sigma of its footprint, or its own cell.
    let (reach_cols, reach_rows) = if sa > 0.0 {
        let r = 4.0 * (sa as f32).max(sc as f32) as f64;
        ((r / grid.dx()).ceil() as u32 + 1, (r / grid.dy()).ceil() as u32 + 1)
    } else {
        (0, 0)
    };
    FragmentRow {
        x_cells: fc as f32,
        y_cells: fr as f32,
        p_impact: f.impact_probability as f32,
        kind,
        temperature_c: temp as f32,
        size_mm: (f.size_m * MM_PER_M) as f32,
        sigma_along_m: sa as f32,
        sigma_cross_m: sc as f32,
        sin_az: az.sin() as f32,
        cos_az: az.cos() as f32,
        reach_cols,
        reach_rows,
        ..Default::default()
    }
}

/// Probability that fragment `f` lands in cell (row, col): its own cell for a point, else the Gaussian footprint
/// integrated by 3 x 3 midpoints over the cell. Same arithmetic in the WGSL kernel.
fn hit_probability(f: &FragmentRow, row: i64, col: i64, cell_e: f64, cell_n: f64) -> f64 {
    let p = f.p_impact as f64;
    if f.sigma_along_m <= 0.0 {
        let own = (f.x_cells as f64).floor() as i64 == col && (f.y_cells as f64).floor() as i64 == row;
        return if own { p } else { 0.0 };
    }
    let (sa, sc, s, c) = (f.sigma_along_m as f64, f.sigma_cross_m as f64, f.sin_az as f64, f.cos_az as f64);
    let norm = 1.0 / (2.0 * std::f64::consts::PI * sa * sc);
    let mut acc = 0.0;
    for i in 0..3 {
        for j in 0..3 {
            let sx = col as f64 + (j as f64 + 0.5) / 3.0;
            let sy = row as f64 + (i as f64 + 0.5) / 3.0;
            let de = (sx - f.x_cells as f64) * cell_e;
            let dn = (sy - f.y_cells as f64) * cell_n;
            let along = de * s + dn * c;
            let cross = de * c - dn * s;
            acc += (-0.5 * (along * along / (sa * sa) + cross * cross / (sc * sc))).exp();
        }
    }
    p * acc * norm * (cell_e * cell_n).abs() / 9.0
}

/// Ignition probability of a packed fragment on a cell that can ignite (kernel form).
fn packed_ignition(f: &FragmentRow, fuel_temp_c: f64, m1h: f64, p: &IgnitionParams) -> f64 {
    match f.kind {
        1 => schroeder_probability(fuel_temp_c, m1h),
        2 => 0.0,
        _ => {
            let crit = hot_particle_critical_c(p, f.size_mm as f64, m1h);
            1.0 / (1.0 + (-(f.temperature_c as f64 - crit) / p.hot_width_c).exp())
        }
    }
}

/// Rows per band of the CPU scatter: bands are computed in parallel, each from the fragments whose window
/// reaches it, in list order, so every cell adds its terms in the order of a serial scatter whatever the thread
/// count.
const BAND_ROWS: usize = 4;
/// Window cells (summed over the fragments) from which the scatter reports its progress: about 10 s of work.
const SHOW_PROGRESS_FROM_CELLS: u64 = 200_000_000;

/// What the CPU scatter computes: the maps, and each fragment's expected ignitions (the sum over its window of
/// the terms it adds to [`IgnitionMaps::expected`]).
struct Scatter {
    maps: IgnitionMaps,
    per_fragment: Vec<f64>,
}

/// Scatter each fragment over its window, band by band of rows (see [`BAND_ROWS`]), with progress for long lists.
fn scatter_cpu(grid: &Grid, ci: &CellIgnition, frags: &[Fragment], m1h: f64, p: &IgnitionParams) -> Scatter {
    let (rows, cols) = (grid.rows as i64, grid.cols as i64);
    let (ce, cn) = (grid.geotransform[1], grid.geotransform[5]);
    let packed: Vec<FragmentRow> = frags.par_iter().map(|f| pack(f, grid, p)).collect();
    // Each fragment's window (rows, columns) clipped to the grid; the fragments of each band, in list order.
    let window = |pf: &FragmentRow| {
        let (rc, rr) = (pf.reach_cols as i64, pf.reach_rows as i64);
        let (c0, r0) = ((pf.x_cells as f64).floor() as i64, (pf.y_cells as f64).floor() as i64);
        ((r0 - rr).max(0), (r0 + rr).min(rows - 1), (c0 - rc).max(0), (c0 + rc).min(cols - 1))
    };
    let nbands = grid.rows.div_ceil(BAND_ROWS);
    let mut in_band: Vec<Vec<u32>> = vec![Vec::new(); nbands];
    let mut work = 0u64;
    for (k, pf) in packed.iter().enumerate() {
        let (rlo, rhi, clo, chi) = window(pf);
        if rlo > rhi || clo > chi {
            continue;
        }
        work += ((rhi - rlo + 1) * (chi - clo + 1)) as u64;
        for band in in_band.iter_mut().take(rhi as usize / BAND_ROWS + 1).skip(rlo as usize / BAND_ROWS) {
            band.push(k as u32);
        }
    }
    let progress = crate::io::progress::WorkProgress::new(
        &format!("ignition maps of {} fragments", frags.len()),
        "row bands",
        nbands as u64,
        work >= SHOW_PROGRESS_FROM_CELLS,
    );
    // Per band: its rows' log P(no ignition) and expected ignitions, and each fragment's share within it.
    type Band = (Vec<f64>, Vec<f64>, Vec<(u32, f64)>);
    let bands: Vec<Band> = in_band
        .par_iter()
        .enumerate()
        .map(|(b, list)| {
            let (b0, b1) = ((b * BAND_ROWS) as i64, (((b + 1) * BAND_ROWS) as i64).min(rows) - 1);
            let len = ((b1 - b0 + 1) * cols) as usize;
            let (mut log_none, mut expected) = (vec![0f64; len], vec![0f64; len]);
            let mut shares = Vec::with_capacity(list.len());
            for &k in list {
                let pf = &packed[k as usize];
                let (rlo, rhi, clo, chi) = window(pf);
                let mut sum = 0.0;
                for row in rlo.max(b0)..=rhi.min(b1) {
                    for col in clo..=chi {
                        let i = (row * cols + col) as usize;
                        if !ci.can_ignite[i] {
                            continue;
                        }
                        let hit = hit_probability(pf, row, col, ce, cn);
                        if hit <= 0.0 {
                            continue;
                        }
                        let q = (hit * packed_ignition(pf, ci.fuel_temp_c[i] as f64, m1h, p)).min(1.0);
                        let j = i - (b0 * cols) as usize;
                        log_none[j] += (1.0 - q).max(1e-300).ln();
                        expected[j] += q;
                        sum += q;
                    }
                }
                shares.push((k, sum));
            }
            progress.inc(1);
            (log_none, expected, shares)
        })
        .collect();
    progress.finish();
    let n = grid.len();
    let (mut probability, mut expected) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let mut per_fragment = vec![0f64; frags.len()];
    for (log_none, exp, shares) in bands {
        probability.extend(log_none.iter().map(|&l| (1.0 - l.exp()) as f32));
        expected.extend(exp.iter().map(|&e| e as f32));
        for (k, v) in shares {
            per_fragment[k as usize] += v;
        }
    }
    Scatter { maps: IgnitionMaps { probability, expected }, per_fragment }
}

/// CPU twin of the kernel (f64): scatter each fragment over its window.
pub fn maps_cpu(grid: &Grid, ci: &CellIgnition, frags: &[Fragment], m1h: f64, p: &IgnitionParams) -> IgnitionMaps {
    scatter_cpu(grid, ci, frags, m1h, p).maps
}

/// Expected ignitions from each fragment (the sum over cells of P(lands there) x P(ignites there), the terms the
/// maps add up), in the order of `frags`: what each fragment contributes to the expected number of ignitions.
pub fn expected_by_fragment(
    grid: &Grid,
    ci: &CellIgnition,
    frags: &[Fragment],
    m1h: f64,
    p: &IgnitionParams,
) -> Vec<f64> {
    scatter_cpu(grid, ci, frags, m1h, p).per_fragment
}

/// The maps on `engine` and each fragment's expected ignitions ([`expected_by_fragment`]): one scatter on the CPU.
pub fn maps_and_expected(
    engine: &Engine,
    grid: &Grid,
    ci: &CellIgnition,
    frags: &[Fragment],
    m1h: f64,
    p: &IgnitionParams,
) -> Result<(IgnitionMaps, Vec<f64>)> {
    match engine {
        Engine::Cpu => {
            let s = scatter_cpu(grid, ci, frags, m1h, p);
            Ok((s.maps, s.per_fragment))
        }
        Engine::Gpu(g) => Ok((maps_gpu(g, grid, ci, frags, m1h, p)?, expected_by_fragment(grid, ci, frags, m1h, p))),
    }
}

/// Tile edge (cells) of the kernel's per-tile fragment lists (`TILE` in the WGSL).
const GPU_TILE: usize = 16;

/// The kernel on a GPU: each cell gathers over the fragments whose window holds it.
pub fn maps_gpu(
    gpu: &Gpu,
    grid: &Grid,
    ci: &CellIgnition,
    frags: &[Fragment],
    m1h: f64,
    p: &IgnitionParams,
) -> Result<IgnitionMaps> {
    let n = grid.len();
    let packed: Vec<FragmentRow> = frags.iter().map(|f| pack(f, grid, p)).collect();
    let cellv: Vec<[f32; 2]> = (0..n).map(|i| [if ci.can_ignite[i] { 1.0 } else { 0.0 }, ci.fuel_temp_c[i]]).collect();
    // Fragments per 16 x 16 tile, in fragment order (so each cell sums in the CPU twin's order).
    let (tiles_x, tiles_y) = (grid.cols.div_ceil(GPU_TILE), grid.rows.div_ceil(GPU_TILE));
    let mut per_tile: Vec<Vec<u32>> = vec![Vec::new(); tiles_x * tiles_y];
    for (k, pf) in packed.iter().enumerate() {
        let (c0, r0) = ((pf.x_cells as f64).floor() as i64, (pf.y_cells as f64).floor() as i64);
        let (rc, rr) = (pf.reach_cols as i64, pf.reach_rows as i64);
        let clamp_t = |v: i64, cells: usize| (v.clamp(0, cells as i64 - 1) as usize) / GPU_TILE;
        if c0 + rc < 0 || r0 + rr < 0 || c0 - rc >= grid.cols as i64 || r0 - rr >= grid.rows as i64 {
            continue;
        }
        for ty in clamp_t(r0 - rr, grid.rows)..=clamp_t(r0 + rr, grid.rows) {
            for tx in clamp_t(c0 - rc, grid.cols)..=clamp_t(c0 + rc, grid.cols) {
                per_tile[ty * tiles_x + tx].push(k as u32);
            }
        }
    }
    let mut tile_start = Vec::with_capacity(per_tile.len() + 1);
    let mut tile_frags = Vec::new();
    for t in &per_tile {
        tile_start.push(tile_frags.len() as u32);
        tile_frags.extend_from_slice(t);
    }
    tile_start.push(tile_frags.len() as u32);
    let uni = IgnitionUniform {
        cols: grid.cols as u32,
        rows: grid.rows as u32,
        nfrag: packed.len() as u32,
        tiles_x: tiles_x as u32,
        cell_e: grid.geotransform[1] as f32,
        cell_n: grid.geotransform[5] as f32,
        m1h: m1h as f32,
        hot_a: p.hot_a_c_mm as f32,
        hot_b: p.hot_b as f32,
        hot_c: p.hot_c_c as f32,
        hot_w: p.hot_width_c as f32,
        ..Default::default()
    };
    let pipe = gpu.pipeline("ignition_probability", include_str!("../../shaders/ignition_probability.wgsl"))?;
    let ub = gpu.upload("uni", std::slice::from_ref(&uni));
    let fb = gpu.upload("frags", &packed);
    let cb = gpu.upload("cells", &cellv);
    let ob = gpu.output::<[f32; 2]>("out", n);
    let need = (n * 8) as u64;
    if need > gpu.max_binding_bytes() {
        return Err(Error::Gpu(format!("{n} cells exceed the device's binding size for the ignition kernel")));
    }
    let (sb, tb) = (gpu.upload("tile start", &tile_start), gpu.upload("tile fragments", &tile_frags));
    let groups = groups_1d(n, 256, gpu.limits.max_compute_workgroups_per_dimension);
    gpu.run(&pipe, &[&ub, &fb, &cb, &ob, &sb, &tb], groups)?;
    let out: Vec<[f32; 2]> = gpu.download(&ob, n)?;
    Ok(IgnitionMaps { probability: out.iter().map(|o| o[0]).collect(), expected: out.iter().map(|o| o[1]).collect() })
}

/// Ignition maps on `engine`.
pub fn maps(
    engine: &Engine,
    grid: &Grid,
    ci: &CellIgnition,
    frags: &[Fragment],
    m1h: f64,
    p: &IgnitionParams,
) -> Result<IgnitionMaps> {
    match engine {
        Engine::Cpu => Ok(maps_cpu(grid, ci, frags, m1h, p)),
        Engine::Gpu(g) => maps_gpu(g, grid, ci, frags, m1h, p),
    }
}

/// One sampled ignition.
#[derive(Clone, Debug, PartialEq)]
pub struct SampledIgnition {
    pub fragment: String,
    /// The fragment's class, whether it burned out in flight (landing as a cooling residue), and whether its
    /// probability came from the hot-particle relation extrapolated beyond its 6-14 mm range.
    pub class: String,
    pub burned_out_in_flight: bool,
    pub extrapolated: bool,
    pub x: f64,
    pub y: f64,
    pub t_min: f64,
    pub probability: f64,
}

/// One realisation of ignitions from `seed` (f64 on the CPU for every backend, so the same seed gives the same
/// ignitions everywhere): each fragment lands with its impact probability (at a point drawn from its footprint)
/// and ignites the cell it lands in with its ignition probability there.
pub fn sample(
    grid: &Grid,
    ci: &CellIgnition,
    frags: &[Fragment],
    m1h: f64,
    p: &IgnitionParams,
    seed: u64,
) -> Vec<SampledIgnition> {
    let mut out = Vec::new();
    for (f, (x, y), u_ign) in landed(frags, seed) {
        let (fr, fc) = grid.fractional_cell(x, y);
        if !(fr >= 0.0 && fc >= 0.0 && fr < grid.rows as f64 && fc < grid.cols as f64) {
            continue;
        }
        let i = fr.floor() as usize * grid.cols + fc.floor() as usize;
        if !ci.can_ignite[i] {
            continue;
        }
        let q = fragment_ignition_probability(p, f, ci.fuel_temp_c[i] as f64, m1h);
        if u_ign < q {
            out.push(SampledIgnition {
                fragment: f.id.clone(),
                class: f.class.clone(),
                burned_out_in_flight: f.burned_out_in_flight,
                extrapolated: f.hot_relation_extrapolated(),
                x,
                y,
                t_min: f.impact_time_s / S_PER_MIN,
                probability: q,
            });
        }
    }
    out
}

/// The fragments of a realisation (`seed`) that land, where, and the draw that decides whether each ignites: the
/// draws [`sample`] makes (four per fragment, in order, landing or not), without the landscape.
fn landed(frags: &[Fragment], seed: u64) -> impl Iterator<Item = (&Fragment, (f64, f64), f64)> {
    let mut rng = Rng::stream(seed, "ignition.sample");
    frags.iter().filter_map(move |f| {
        let (u_land, n1, n2, u_ign) = (rng.uniform(), rng.normal(), rng.normal(), rng.uniform());
        if u_land >= f.impact_probability {
            return None;
        }
        let (x, y) = match f.footprint {
            Some(fp) => {
                let az = fp.azimuth_deg.to_radians();
                let (a, c) = (n1 * fp.sigma_along_m, n2 * fp.sigma_cross_m);
                (f.x + a * az.sin() + c * az.cos(), f.y + a * az.cos() - c * az.sin())
            }
            None => (f.x, f.y),
        };
        Some((f, (x, y), u_ign))
    })
}

/// Where the fragments of a realisation (`seed`) land, whether or not they ignite (map coordinates).
pub fn landing_points(frags: &[Fragment], seed: u64) -> Vec<(f64, f64)> {
    landed(frags, seed).map(|(_, p, _)| p).collect()
}
