//! Ground elevation anywhere on a landscape of which only a window was read (paging): debris flies over the whole
//! landscape, wherever its fragments fall. The DEM is read on demand, one 256 x 256 tile of the landscape's grid at
//! a time, through the same reading as the load (windowed GDAL reads, warps, units, nodata), and kept; so the
//! ground under a fragment is the whole landscape's, value for value.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use super::window::{CellWindow, TILE_CELLS};
use super::*;

/// Tiles read, by (tile column, tile row): their cells' elevations, m.
type Tiles = HashMap<(usize, usize), Arc<Vec<f32>>>;

/// The DEM of a landscape, read tile by tile as asked.
pub struct Ground {
    full: Grid,
    spec: LandscapeSpec,
    /// The elevation layer's source, the CRS assigned to files without one and the open file: found and opened at
    /// the first tile read (a mosaic's VRT is parsed at each open), then kept.
    source: Mutex<Option<(Job, Option<String>, Dataset)>>,
    tiles: RwLock<Tiles>,
    error: Mutex<Option<Error>>,
}

impl std::fmt::Debug for Ground {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ground({} x {} cells, {} tiles read)", self.full.cols, self.full.rows, self.tiles_read())
    }
}

impl Ground {
    /// The DEM of the landscape `spec` names, nothing read yet.
    pub fn new(spec: &LandscapeSpec) -> Result<Ground> {
        Ok(Ground::over(spec, Landscape::grid_of(spec)?))
    }

    /// The DEM of the landscape `spec` names, whose grid `full` is known, nothing read or opened yet.
    pub fn over(spec: &LandscapeSpec, full: Grid) -> Ground {
        let spec = LandscapeSpec { window: None, ground: None, ..spec.clone() };
        Ground { full, spec, source: Mutex::new(None), tiles: RwLock::new(HashMap::new()), error: Mutex::new(None) }
    }

    /// Read tile `win` of the DEM (the caller holds the tiles' lock).
    fn read_tile(&self, win: &CellWindow) -> Result<Vec<f32>> {
        let mut source = self.source.lock().map_err(|_| Error::Internal("ground source lock poisoned".into()))?;
        if source.is_none() {
            let mut notes = Vec::new();
            let mut src = LayerSources::of(&self.spec, &mut notes)?;
            let (_, assign) = target_grid(&self.spec, &src.fuel.0, src.fuel.1, src.fuel_dataset(), &mut notes)?;
            let job = src
                .jobs(&self.spec)
                .into_iter()
                .find(|j| j.kind == Kind::Elevation)
                .ok_or_else(|| Error::value("no elevation raster", "", "give --lcp FILE or --elevation FILE"))?;
            let ds = match src.opened.iter().position(|(p, _)| *p == job.path) {
                Some(k) => src.opened.swap_remove(k).1,
                None => open(&job.path)?,
            };
            *source = Some((job, assign, ds));
        }
        let Some((job, assign, ds)) = source.as_ref() else { return Err(Error::Internal("no ground source".into())) };
        let units = self.spec.slope_units.unwrap_or(SlopeUnits::Degrees);
        // One layer read on this thread (no parallel reader under the lock: a rayon worker waiting in it could be
        // handed another flight that asks for this lock).
        Ok(read_layer(ds, job, &win.grid_of(&self.full), &self.full, units, assign.as_deref())?.0)
    }

    /// The landscape's grid.
    pub fn grid(&self) -> &Grid {
        &self.full
    }

    /// Tiles read so far.
    pub fn tiles_read(&self) -> usize {
        self.tiles.read().map_or(0, |t| t.len())
    }

    /// The first error reading a tile met, if any (the ground there was taken as sea level meanwhile).
    pub fn take_error(&self) -> Option<Error> {
        self.error.lock().ok().and_then(|mut e| e.take())
    }

    /// Elevation of cell (row, col) of the landscape, m (NaN where nodata).
    pub fn cell(&self, r: usize, c: usize) -> f32 {
        let key = (c / TILE_CELLS, r / TILE_CELLS);
        let win = CellWindow { col0: key.0 * TILE_CELLS, row0: key.1 * TILE_CELLS, cols: TILE_CELLS, rows: TILE_CELLS };
        let win = CellWindow {
            cols: win.cols.min(self.full.cols - win.col0),
            rows: win.rows.min(self.full.rows - win.row0),
            ..win
        };
        // Tiles read are shared by readers (flights run in parallel); a missing one is read under the write lock.
        let cached =
            self.tiles.read().ok().and_then(|t| t.get(&key).map(|t| t[(r - win.row0) * win.cols + (c - win.col0)]));
        if let Some(v) = cached {
            return v;
        }
        let tile = {
            let Ok(mut tiles) = self.tiles.write() else { return f32::NAN };
            match tiles.get(&key) {
                Some(t) => t.clone(),
                None => match self.read_tile(&win) {
                    Ok(v) => {
                        let t = Arc::new(v);
                        tiles.insert(key, t.clone());
                        t
                    }
                    Err(e) => {
                        if let Ok(mut slot) = self.error.lock() {
                            slot.get_or_insert(e);
                        }
                        return f32::NAN;
                    }
                },
            }
        };
        tile[(r - win.row0) * win.cols + (c - win.col0)]
    }

    /// Ground elevation at map point (x, y), m: [`bilinear`] over the landscape's cells.
    pub fn at(&self, x: f64, y: f64) -> f64 {
        bilinear(&self.full, x, y, |r, c| self.cell(r, c))
    }
}

/// Bilinear interpolation at map point (x, y) between the centres of the grid's cells, whose values `e(row, col)`
/// gives (NaN, nodata, counts as 0: sea level); 0 off the grid.
pub fn bilinear(g: &Grid, x: f64, y: f64, e: impl Fn(usize, usize) -> f32) -> f64 {
    let (fr, fc) = g.fractional_cell(x, y);
    let (r, c) = (fr - 0.5, fc - 0.5);
    if !(r >= -0.5 && c >= -0.5 && r <= g.rows as f64 - 0.5 && c <= g.cols as f64 - 0.5) {
        return 0.0;
    }
    let (r0, c0) = (r.floor().max(0.0) as usize, c.floor().max(0.0) as usize);
    let (r1, c1) = ((r0 + 1).min(g.rows - 1), (c0 + 1).min(g.cols - 1));
    let (ar, ac) = ((r - r0 as f64).clamp(0.0, 1.0), (c - c0 as f64).clamp(0.0, 1.0));
    let v = |r: usize, c: usize| {
        let v = e(r, c) as f64;
        if v.is_finite() {
            v
        } else {
            0.0
        }
    };
    (v(r0, c0) * (1.0 - ac) + v(r0, c1) * ac) * (1.0 - ar) + (v(r1, c0) * (1.0 - ac) + v(r1, c1) * ac) * ar
}
