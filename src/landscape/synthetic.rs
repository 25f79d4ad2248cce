//! Synthetic landscapes (`emberfall landscape synth`): a uniform 8-band LCP-ordered raster on a plane.

use super::*;

/// Parameters of `landscape synth`.
#[derive(Clone, Debug)]
pub struct SynthSpec {
    pub fuel_code: u16,
    pub rows: usize,
    pub cols: usize,
    pub cell_size_m: f64,
    pub slope_pct: f64,
    pub aspect_deg: f64,
    pub epsg: u32,
    /// Upper-left corner (x, y) in the CRS.
    pub origin: (f64, f64),
}

/// Write a uniform 8-band landscape (LCP band order, Float32, LANDFIRE units) whose DEM is the plane of the given
/// slope and aspect, so derived and given slopes agree.
pub fn write_synthetic(spec: &SynthSpec, out: &Path) -> Result<()> {
    if spec.rows == 0 || spec.cols == 0 || spec.cell_size_m <= 0.0 {
        return Err(Error::Invalid("synth: rows, cols and cell size must be positive".into()));
    }
    let srs = SpatialRef::from_epsg(spec.epsg).map_err(|e| Error::Invalid(format!("--epsg {}: {e}", spec.epsg)))?;
    let grid = Grid {
        rows: spec.rows,
        cols: spec.cols,
        geotransform: [spec.origin.0, spec.cell_size_m, 0.0, spec.origin.1, 0.0, -spec.cell_size_m],
        wkt: srs.to_wkt()?,
    };
    let n = grid.len();
    // Plane rising toward the upslope azimuth (aspect + 180) with gradient slope_pct / 100.
    let up = (spec.aspect_deg + 180.0).to_radians();
    let g = frac_from_pct(spec.slope_pct);
    let mut elev = vec![0f32; n];
    let (cx, cy) = grid.cell_center(spec.rows / 2, spec.cols / 2);
    for r in 0..spec.rows {
        for c in 0..spec.cols {
            let (x, y) = grid.cell_center(r, c);
            elev[r * spec.cols + c] = (500.0 + g * ((x - cx) * up.sin() + (y - cy) * up.cos())) as f32;
        }
    }
    let slope_deg = (g.atan().to_degrees()) as f32;
    let aspect = if spec.slope_pct > 0.0 { spec.aspect_deg.rem_euclid(360.0) as f32 } else { -1.0 };
    let bands: [Vec<f32>; 8] = [
        elev,
        vec![slope_deg; n],
        vec![aspect; n],
        vec![spec.fuel_code as f32; n],
        vec![0.0; n],
        vec![0.0; n],
        vec![0.0; n],
        vec![0.0; n],
    ];
    crate::io::write_multiband_geotiff(
        out,
        &grid,
        &bands,
        &LCP_BAND_NAMES,
        -9999.0,
        &[("EMBERFALL_SYNTHETIC", "uniform landscape from `emberfall landscape synth`")],
    )
}
