//! Slope and aspect from a DEM (Horn 1981): CPU twin of `shaders/slope_aspect.wgsl`, and its GPU dispatch.

use rayon::prelude::*;

use crate::error::Result;
use crate::gpu::Engine;
use crate::landscape::Grid;

/// Value the kernel uses for nodata (NaN is not portable in WGSL).
const MISSING: f32 = -1.0e30;

/// Horn's slope (rise over run) and aspect (azimuth faced, degrees; -1 flat) at one cell, in f64.
/// `elev` holds NaN for nodata; a nodata neighbour takes the centre value, edges repeat the edge cell.
pub fn horn_cell(elev: &[f32], rows: usize, cols: usize, dx: f64, dy: f64, r: usize, c: usize) -> (f64, f64) {
    let e = elev[r * cols + c] as f64;
    if !e.is_finite() {
        return (f64::NAN, f64::NAN);
    }
    let z = |dr: isize, dc: isize| -> f64 {
        let rr = (r as isize + dr).clamp(0, rows as isize - 1) as usize;
        let cc = (c as isize + dc).clamp(0, cols as isize - 1) as usize;
        let v = elev[rr * cols + cc] as f64;
        if v.is_finite() {
            v
        } else {
            e
        }
    };
    let (a, b, cc, d, f, g, h, i) = (z(-1, -1), z(-1, 0), z(-1, 1), z(0, -1), z(0, 1), z(1, -1), z(1, 0), z(1, 1));
    let dzdx = ((cc - a) + 2.0 * (f - d) + (i - g)) / (8.0 * dx);
    let dzdn = ((a - g) + 2.0 * (b - h) + (cc - i)) / (8.0 * dy);
    let slope = (dzdx * dzdx + dzdn * dzdn).sqrt();
    let aspect = if dzdx == 0.0 && dzdn == 0.0 { -1.0 } else { (-dzdx).atan2(-dzdn).to_degrees().rem_euclid(360.0) };
    (slope, aspect)
}

/// Slope (tan) and aspect (deg) of every cell; NaN where the elevation is nodata.
pub fn slope_aspect(engine: &Engine, grid: &Grid, elev: &[f32]) -> Result<(Vec<f32>, Vec<f32>)> {
    match engine {
        Engine::Cpu => Ok(slope_aspect_cpu(grid, elev)),
        Engine::Gpu(gpu) => slope_aspect_gpu(gpu, grid, elev),
    }
}

/// CPU twin, in parallel over rows.
pub fn slope_aspect_cpu(grid: &Grid, elev: &[f32]) -> (Vec<f32>, Vec<f32>) {
    let (rows, cols) = (grid.rows, grid.cols);
    let res: Vec<(f32, f32)> = (0..rows * cols)
        .into_par_iter()
        .map(|k| {
            let (s, a) = horn_cell(elev, rows, cols, grid.dx(), grid.dy(), k / cols, k % cols);
            (s as f32, a as f32)
        })
        .collect();
    res.into_iter().unzip()
}

fn slope_aspect_gpu(gpu: &crate::gpu::Gpu, grid: &Grid, elev: &[f32]) -> Result<(Vec<f32>, Vec<f32>)> {
    let n = grid.len();
    let input: Vec<f32> = elev.iter().map(|&v| if v.is_finite() { v } else { MISSING }).collect();
    let pipeline = gpu.pipeline("slope_aspect", include_str!("../../shaders/slope_aspect.wgsl"))?;
    let params = [grid.rows as f32, grid.cols as f32, grid.dx() as f32, grid.dy() as f32];
    let b_elev = gpu.upload("elevation", &input);
    let b_params = gpu.upload("params", &params);
    let b_slope = gpu.output::<f32>("slope", n);
    let b_aspect = gpu.output::<f32>("aspect", n);
    let groups = [grid.cols.div_ceil(16) as u32, grid.rows.div_ceil(16) as u32, 1];
    gpu.run(&pipeline, &[&b_elev, &b_params, &b_slope, &b_aspect], groups)?;
    let fix = |v: Vec<f32>| v.into_iter().map(|x| if x <= -1.0e29 { f32::NAN } else { x }).collect::<Vec<_>>();
    Ok((fix(gpu.download(&b_slope, n)?), fix(gpu.download(&b_aspect, n)?)))
}
