//! A landscape described without reading it whole: `landscape info` on a landscape too large to load (a national
//! VRT mosaic of tiles). The grid it would be read onto, and for each layer its source, GDAL data type and the
//! values at `side` x `side` cells spread over the whole extent (one decimated read per row of them: GDAL reads
//! only the blocks they fall in), in the source's own units; the fuel codes' shares among them.

use super::*;

/// One layer's source and sampled values.
pub struct LayerSample {
    pub layer: &'static str,
    pub path: PathBuf,
    pub band: usize,
    pub data_type: String,
    /// Smallest and largest sampled value that is not the band's nodata (none: every sample point is nodata).
    pub range: Option<(f64, f64)>,
}

/// What a sample of a landscape says.
pub struct Sampled {
    /// The grid the landscape would be read onto (the fuel layer's).
    pub grid: Grid,
    pub layers: Vec<LayerSample>,
    /// Fuel codes in the sample and how many sample points hold each, most first (nodata points not counted).
    pub fuel_codes: Vec<(i64, usize)>,
    /// Sample points per side.
    pub side: usize,
}

/// Above this many cells `landscape info` samples the layers instead of reading them whole.
pub const SAMPLED_INFO_CELLS: usize = 100_000_000;

impl Landscape {
    /// The grid the landscape of `spec` would be read onto (the fuel layer's, warped to UTM when geographic), without
    /// reading any layer: the grid windows are taken on. Only the fuel raster is opened (a mosaic's VRT is parsed at
    /// each open); the load checks the rest.
    pub fn grid_of(spec: &LandscapeSpec) -> Result<Grid> {
        let (path, band) = match (&spec.fuel, &spec.lcp) {
            (Some(f), _) => (f.clone(), 1),
            (None, Some(l)) => (l.clone(), 4),
            (None, None) => return Err(Error::value("no fuel raster", "", "give --lcp FILE or --fuel FILE")),
        };
        Ok(target_grid(spec, &path, band, None, &mut Vec::new())?.0)
    }

    /// Describe the landscape of `spec` from a `side` x `side` sample of each layer, without reading every cell.
    pub fn sample(spec: &LandscapeSpec, side: usize) -> Result<Sampled> {
        let mut notes = Vec::new();
        let src = LayerSources::of(spec, &mut notes)?;
        let (grid, _) = target_grid(spec, &src.fuel.0, src.fuel.1, src.fuel_dataset(), &mut notes)?;
        let mut layers = Vec::new();
        let mut fuel_codes: Vec<(i64, usize)> = Vec::new();
        // Each source opened once (a mosaic's VRT of thousands of tiles takes a while to parse).
        let mut open: Vec<(PathBuf, Dataset)> = Vec::new();
        for job in src.jobs(spec) {
            if !open.iter().any(|(p, _)| *p == job.path) {
                open.push((job.path.clone(), read::open(&job.path)?));
            }
            let ds = &open.iter().find(|(p, _)| *p == job.path).expect("opened above").1;
            let band = ds.rasterband(job.band)?;
            let (cols, rows) = ds.raster_size();
            // Cells on side rows evenly spread over the raster, side cells per row.
            let (w, h) = (side.min(cols).max(1), side.min(rows).max(1));
            let mut values = Vec::with_capacity(w * h);
            for r in 0..h {
                // A row across the raster, decimated to w cells by GDAL (nearest): one read per row touches only
                // the sources that row crosses.
                let y = (r * rows + rows / 2) / h;
                let v = band
                    .read_as::<f64>(
                        (0, y as isize),
                        (cols, 1),
                        (w, 1),
                        Some(gdal::raster::ResampleAlg::NearestNeighbour),
                    )
                    .map_err(|e| Error::input(job.path.display(), format!("cannot sample band {}: {e}", job.band)))?;
                values.extend_from_slice(v.data());
            }
            let nodata = band.no_data_value();
            let valid: Vec<f64> = values.into_iter().filter(|v| v.is_finite() && Some(*v) != nodata).collect();
            let range = (!valid.is_empty()).then(|| {
                (
                    valid.iter().copied().fold(f64::INFINITY, f64::min),
                    valid.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                )
            });
            if job.kind == Kind::Fuel {
                for v in &valid {
                    let code = v.round() as i64;
                    match fuel_codes.iter_mut().find(|(c, _)| *c == code) {
                        Some(e) => e.1 += 1,
                        None => fuel_codes.push((code, 1)),
                    }
                }
            }
            layers.push(LayerSample {
                layer: job.kind.name(),
                path: job.path.clone(),
                band: job.band,
                data_type: band.band_type().name(),
                range,
            });
        }
        fuel_codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(Sampled { grid, layers, fuel_codes, side })
    }
}
