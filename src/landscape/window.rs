//! Windows of a landscape: the part of its grid a run reads. A run whose cost follows the fire reads only the window
//! that holds its ignitions, assets and fire (with a margin), tile-aligned on the landscape's grid, and grows it
//! when the fire or an ember comes near its edge ([`crate::run::paging`]). Rasters written over a window overlay
//! the landscape's cells exactly: the window's origin is a whole number of the landscape's cells from its own.

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform};

use crate::error::Result;
use crate::io::grid::Grid;

/// Side of the tiles windows are aligned to, cells (the products' GeoTIFF block size).
pub const TILE_CELLS: usize = 256;

/// A rectangle of cells of a grid: columns `col0 .. col0 + cols`, rows `row0 .. row0 + rows`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CellWindow {
    pub col0: usize,
    pub row0: usize,
    pub cols: usize,
    pub rows: usize,
}

impl CellWindow {
    /// The whole of `grid`.
    pub fn whole(grid: &Grid) -> CellWindow {
        CellWindow { col0: 0, row0: 0, cols: grid.cols, rows: grid.rows }
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.cols * self.rows
    }

    /// True for a window without cells.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The window of the cells `(c0..=c1, r0..=r1)` (any order, possibly outside), widened by `margin` cells, clipped
    /// to `grid`; none when nothing of it lies on the grid.
    pub fn around(grid: &Grid, c0: i64, r0: i64, c1: i64, r1: i64, margin: i64) -> Option<CellWindow> {
        let (a, b) = (c0.min(c1) - margin, c0.max(c1) + margin);
        let (c, d) = (r0.min(r1) - margin, r0.max(r1) + margin);
        let (a, b) = (a.max(0), b.min(grid.cols as i64 - 1));
        let (c, d) = (c.max(0), d.min(grid.rows as i64 - 1));
        (a <= b && c <= d).then(|| CellWindow {
            col0: a as usize,
            row0: c as usize,
            cols: (b - a + 1) as usize,
            rows: (d - c + 1) as usize,
        })
    }

    /// The smallest window holding this one whose edges lie on `tile`-cell boundaries of `grid` (or its edges).
    pub fn aligned(&self, grid: &Grid, tile: usize) -> CellWindow {
        let c0 = self.col0 / tile * tile;
        let r0 = self.row0 / tile * tile;
        let c1 = (self.col0 + self.cols).div_ceil(tile) * tile;
        let r1 = (self.row0 + self.rows).div_ceil(tile) * tile;
        let (c1, r1) = (c1.min(grid.cols), r1.min(grid.rows));
        CellWindow { col0: c0, row0: r0, cols: c1 - c0, rows: r1 - r0 }
    }

    /// This window widened by `n` cells on every side, clipped to `grid`.
    pub fn expand(&self, grid: &Grid, n: usize) -> CellWindow {
        let c0 = self.col0.saturating_sub(n);
        let r0 = self.row0.saturating_sub(n);
        let c1 = (self.col0 + self.cols + n).min(grid.cols);
        let r1 = (self.row0 + self.rows + n).min(grid.rows);
        CellWindow { col0: c0, row0: r0, cols: c1 - c0, rows: r1 - r0 }
    }

    /// The smallest window holding both.
    pub fn union(&self, o: &CellWindow) -> CellWindow {
        let c0 = self.col0.min(o.col0);
        let r0 = self.row0.min(o.row0);
        let c1 = (self.col0 + self.cols).max(o.col0 + o.cols);
        let r1 = (self.row0 + self.rows).max(o.row0 + o.rows);
        CellWindow { col0: c0, row0: r0, cols: c1 - c0, rows: r1 - r0 }
    }

    /// True when `o` lies within this window.
    pub fn contains(&self, o: &CellWindow) -> bool {
        o.col0 >= self.col0
            && o.row0 >= self.row0
            && o.col0 + o.cols <= self.col0 + self.cols
            && o.row0 + o.rows <= self.row0 + self.rows
    }

    /// The grid of this window's cells: `grid`'s cells, its origin moved to the window's corner.
    pub fn grid_of(&self, grid: &Grid) -> Grid {
        let g = &grid.geotransform;
        let mut gt = *g;
        gt[0] = g[0] + g[1] * self.col0 as f64 + g[2] * self.row0 as f64;
        gt[3] = g[3] + g[4] * self.col0 as f64 + g[5] * self.row0 as f64;
        Grid { rows: self.rows, cols: self.cols, geotransform: gt, wkt: grid.wkt.clone() }
    }

    /// The values of this window's cells from `values` laid out on `outer` (a window holding this one).
    pub fn crop<T: Copy>(&self, outer: &CellWindow, values: &[T]) -> Vec<T> {
        let (dc, dr) = (self.col0 - outer.col0, self.row0 - outer.row0);
        let mut out = Vec::with_capacity(self.len());
        for r in 0..self.rows {
            let start = (r + dr) * outer.cols + dc;
            out.extend_from_slice(&values[start..start + self.cols]);
        }
        out
    }

    /// The cell (column, row) of `full` at map point (x, y) when it lies on `full` (the landscape this window is
    /// of) but outside this window; none on the window or off the landscape.
    pub fn beyond(&self, full: &Grid, x: f64, y: f64) -> Option<(usize, usize)> {
        let (fr, fc) = full.fractional_cell(x, y);
        if !(fr >= 0.0 && fc >= 0.0 && fr < full.rows as f64 && fc < full.cols as f64) {
            return None;
        }
        let (c, r) = (fc.floor() as usize, fr.floor() as usize);
        let inside = c >= self.col0 && r >= self.row0 && c < self.col0 + self.cols && r < self.row0 + self.rows;
        (!inside).then_some((c, r))
    }

    /// Whether `self` sits on the edge of `grid` on each side: (west, north, east, south).
    pub fn on_grid_edges(&self, grid: &Grid) -> (bool, bool, bool, bool) {
        (self.col0 == 0, self.row0 == 0, self.col0 + self.cols == grid.cols, self.row0 + self.rows == grid.rows)
    }
}

/// Where `sub` (a grid in the same CRS with the same cells) lies within `grid`: its window, when its origin is a
/// whole number of cells from `grid`'s and it lies within it.
pub fn subgrid_window(grid: &Grid, sub: &Grid) -> Option<CellWindow> {
    let (g, s) = (&grid.geotransform, &sub.geotransform);
    let same_cells = (g[1] - s[1]).abs() <= 1e-9 * g[1].abs() && (g[5] - s[5]).abs() <= 1e-9 * g[5].abs();
    if !same_cells || g[2] != 0.0 || g[4] != 0.0 || s[2] != 0.0 || s[4] != 0.0 {
        return None;
    }
    let (fc, fr) = ((s[0] - g[0]) / g[1], (s[3] - g[3]) / g[5]);
    let (c, r) = (fc.round(), fr.round());
    if (fc - c).abs() > 1e-6 || (fr - r).abs() > 1e-6 || c < 0.0 || r < 0.0 {
        return None;
    }
    let w = CellWindow { col0: c as usize, row0: r as usize, cols: sub.cols, rows: sub.rows };
    (w.col0 + w.cols <= grid.cols && w.row0 + w.rows <= grid.rows && same_crs(grid, sub)).then_some(w)
}

fn same_crs(a: &Grid, b: &Grid) -> bool {
    crate::io::warp::same_crs(&a.wkt, &b.wkt)
}

/// The window of `src` (a source layer's grid) that covers `target` (in any CRS), widened by `margin` source cells
/// for the resampling kernel; none when they do not overlap. Found from 21 points along each edge of `target`
/// transformed into `src`'s CRS.
pub fn source_window(src: &Grid, target: &Grid, margin: i64) -> Result<Option<CellWindow>> {
    let (x0, y0, x1, y1) = target.extent();
    let n = 20;
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for k in 0..=n {
        let f = k as f64 / n as f64;
        for (x, y) in
            [(x0 + f * (x1 - x0), y0), (x0 + f * (x1 - x0), y1), (x0, y0 + f * (y1 - y0)), (x1, y0 + f * (y1 - y0))]
        {
            xs.push(x);
            ys.push(y);
        }
    }
    if !same_crs(src, target) {
        let mut from = crate::io::srs_from_wkt(&target.wkt)?;
        let mut to = crate::io::srs_from_wkt(&src.wkt)?;
        from.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        to.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        let tr = CoordTransform::new(&from, &to)?;
        tr.transform_coords(&mut xs, &mut ys, &mut [])?;
    }
    let (mut c0, mut r0, mut c1, mut r1) = (i64::MAX, i64::MAX, i64::MIN, i64::MIN);
    for (&x, &y) in xs.iter().zip(&ys) {
        if !(x.is_finite() && y.is_finite()) {
            continue;
        }
        let (fr, fc) = src.fractional_cell(x, y);
        c0 = c0.min(fc.floor() as i64);
        c1 = c1.max(fc.floor() as i64);
        r0 = r0.min(fr.floor() as i64);
        r1 = r1.max(fr.floor() as i64);
    }
    if c0 > c1 {
        return Ok(None);
    }
    Ok(CellWindow::around(src, c0, r0, c1, r1, margin))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(cols: usize, rows: usize) -> Grid {
        Grid { rows, cols, geotransform: [1000.0, 30.0, 0.0, 9000.0, 0.0, -30.0], wkt: String::new() }
    }

    #[test]
    fn windows_align_to_tiles_and_crop_their_cells() {
        let g = grid(1000, 600);
        let w = CellWindow::around(&g, 300, 20, 310, 25, 4).unwrap();
        assert_eq!(w, CellWindow { col0: 296, row0: 16, cols: 19, rows: 14 });
        assert_eq!(w.aligned(&g, 256), CellWindow { col0: 256, row0: 0, cols: 256, rows: 256 });
        // Clipped at the grid's far edges, and off the grid entirely.
        assert_eq!(CellWindow::around(&g, 990, 590, 995, 599, 10).unwrap().aligned(&g, 256).cols, 1000 - 768);
        assert_eq!(CellWindow::around(&g, -50, 0, -20, 5, 3), None);
        // A window's grid: the origin moves by whole cells.
        let sub = w.grid_of(&g);
        assert_eq!(sub.geotransform[0], 1000.0 + 30.0 * 296.0);
        assert_eq!(sub.geotransform[3], 9000.0 - 30.0 * 16.0);
        assert_eq!(subgrid_window(&g, &sub), Some(w));
        // Cropping: cell (col, row) of the outer window holds col + 1000 row.
        let outer = CellWindow { col0: 290, row0: 10, cols: 40, rows: 30 };
        let values: Vec<u32> = (0..outer.len()).map(|i| ((i % 40 + 290) + 1000 * (i / 40 + 10)) as u32).collect();
        let inner = w.crop(&outer, &values);
        assert_eq!(inner[0], 296 + 1000 * 16);
        assert_eq!(inner[w.cols + 1], 297 + 1000 * 17);
        assert_eq!(*inner.last().unwrap(), (296 + 18) as u32 + 1000 * (16 + 13));
    }
}
