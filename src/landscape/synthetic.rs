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

impl SynthSpec {
    /// The spec, checked (each value named by its `landscape synth` flag): a slope of 0..1000 %, a cell of
    /// 0..10 km, at least one row and column, a grid that fits in memory, a projected CRS in metres.
    pub fn check(&self) -> Result<SpatialRef> {
        crate::quantity::slope_pct(self.slope_pct, "--slope-pct")?;
        if !(self.cell_size_m.is_finite() && self.cell_size_m > 0.0 && self.cell_size_m <= 10_000.0) {
            return Err(Error::value("--cell-size", self.cell_size_m, "must be a length in m, 0..10000"));
        }
        if self.rows == 0 || self.cols == 0 {
            return Err(Error::value("--rows and --cols", "", "must be at least 1"));
        }
        if !(self.origin.0.is_finite() && self.origin.1.is_finite()) {
            return Err(Error::value("--origin", format!("{},{}", self.origin.0, self.origin.1), "not a point"));
        }
        // 8 Float32 bands in memory and their copy for writing.
        crate::quantity::grid_fits(self.rows as u128 * self.cols as u128, 64, "landscape synth")?;
        let epsg = self.epsg;
        let srs = SpatialRef::from_epsg(epsg)
            .map_err(|_| Error::value("--epsg", epsg, "not an EPSG code of a CRS that PROJ knows"))?;
        if !srs.is_projected() || (srs.linear_units() - 1.0).abs() > 1e-9 {
            return Err(Error::value(
                "--epsg",
                epsg,
                format!(
                    "give a projected CRS in metres (a UTM zone, say); this one is {}",
                    if srs.is_projected() { "projected in other units" } else { "geographic (degrees)" }
                ),
            ));
        }
        Ok(srs)
    }
}

/// An upper-left corner written `X,Y` (`what` names the flag).
pub fn parse_origin(s: &str, what: &str) -> Result<(f64, f64)> {
    let o: Vec<f64> = s
        .split(',')
        .map(|p| {
            p.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| Error::value(what, s, format!("`{}` is not a number; give X,Y", p.trim())))
        })
        .collect::<Result<_>>()?;
    match o[..] {
        [x, y] => Ok((x, y)),
        _ => Err(Error::value(what, s, "give X,Y")),
    }
}

/// Write a uniform 8-band landscape (LCP band order, Float32, LANDFIRE units) whose DEM is the plane of the given
/// slope and aspect, so derived and given slopes agree. The spec is checked first ([`SynthSpec::check`]).
pub fn write_synthetic(spec: &SynthSpec, out: &Path) -> Result<()> {
    let srs = spec.check()?;
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
