//! The GPU's tile pool: which tiles of the grid the spread kernels hold on the device, and where.
//!
//! The grid (a landscape, or the window of it a paged run reads) is cut into [`TILE`] x [`TILE`] tiles; a tile is
//! made resident (its parameters uploaded to a free slot of the device's buffers) when the fire comes within a tile
//! of it, so the device holds the tiles around the fire, not the grid. The kernels find a cell through the
//! indirection table (`table`: tile -> slot + 1, 0 where not resident) and a slot's tile through `owner`
//! (`shaders/spread_tiles.wgsl`); the host keeps the same two tables here, and maps the cells it gathers, scatters
//! and reads back. Tiles stay resident until the next fire ([`TilePool::clear`]): a fire's cells never move.
//!
//! Why a ring of one tile is enough: a sweep changes only cells of the active list and lists only their
//! neighbours, so `k` sweeps reach at most `k` cells beyond the cells listed when they began. With at most [`TILE`]
//! sweeps between two visits of the host ([`MAX_SWEEPS_UNSEEN`]), every cell they read or write lies in a tile
//! next to (or in) a tile holding a listed cell; the host makes those tiles resident before the sweeps run.

/// Tile edge, cells: the parameters' tiles ([`super::params::TILE`]).
pub const TILE: usize = super::params::TILE;
/// Cells of a tile (a slot of the device's buffers).
pub const TILE_CELLS: usize = TILE * TILE;
/// Most sweeps the device runs between two visits of the host (see the module's note).
pub const MAX_SWEEPS_UNSEEN: u32 = TILE as u32;

/// Which tiles are resident and in which slot.
#[derive(Clone, Debug)]
pub struct TilePool {
    pub cols: usize,
    pub rows: usize,
    pub tiles_x: usize,
    pub tiles_y: usize,
    /// Tile -> slot + 1 (0: not resident), as the device's `table`.
    table: Vec<u32>,
    /// Slot -> tile, as the device's `owner`.
    owner: Vec<u32>,
}

impl TilePool {
    pub fn new(rows: usize, cols: usize) -> TilePool {
        let (tiles_x, tiles_y) = (cols.div_ceil(TILE), rows.div_ceil(TILE));
        TilePool { cols, rows, tiles_x, tiles_y, table: vec![0; tiles_x * tiles_y], owner: Vec::new() }
    }

    /// Tiles of the grid.
    pub fn tiles(&self) -> usize {
        self.table.len()
    }

    /// Tiles resident (slots in use).
    pub fn resident(&self) -> usize {
        self.owner.len()
    }

    /// Whether every tile of the grid is resident.
    pub fn complete(&self) -> bool {
        self.owner.len() == self.table.len()
    }

    /// Forget every tile (a new fire).
    pub fn clear(&mut self) {
        self.table.iter_mut().for_each(|t| *t = 0);
        self.owner.clear();
    }

    /// The tile holding cell `cell` (row-major index of the grid).
    pub fn tile_of(&self, cell: usize) -> usize {
        let (r, c) = (cell / self.cols, cell % self.cols);
        (r / TILE) * self.tiles_x + c / TILE
    }

    /// The slot of tile `t`, if resident.
    pub fn slot_of(&self, t: usize) -> Option<usize> {
        self.table[t].checked_sub(1).map(|s| s as usize)
    }

    /// The device's index of cell `cell` (slot * TILE_CELLS + position in the tile), if its tile is resident.
    pub fn phys(&self, cell: usize) -> Option<usize> {
        let (r, c) = (cell / self.cols, cell % self.cols);
        self.slot_of(self.tile_of(cell)).map(|s| s * TILE_CELLS + (r % TILE) * TILE + c % TILE)
    }

    /// The grid cell at device index `p`: None where its slot is unused or the position lies beyond the grid's
    /// edge (the last tiles of a row or column are partial).
    pub fn cell(&self, p: usize) -> Option<usize> {
        let t = *self.owner.get(p / TILE_CELLS)? as usize;
        let local = p % TILE_CELLS;
        let c = (t % self.tiles_x) * TILE + local % TILE;
        let r = (t / self.tiles_x) * TILE + local / TILE;
        (c < self.cols && r < self.rows).then(|| r * self.cols + c)
    }

    /// The first cell (top left) of tile `t`.
    pub fn first_cell(&self, t: usize) -> usize {
        (t / self.tiles_x) * TILE * self.cols + (t % self.tiles_x) * TILE
    }

    /// The grid cells of tile `t`, each with its position in the tile (row by row).
    pub fn cells_of_tile(&self, t: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let (c0, r0) = ((t % self.tiles_x) * TILE, (t / self.tiles_x) * TILE);
        (0..TILE_CELLS).filter_map(move |local| {
            let (c, r) = (c0 + local % TILE, r0 + local / TILE);
            (c < self.cols && r < self.rows).then(|| (local, r * self.cols + c))
        })
    }

    /// Tile `t` and the tiles next to it (3 x 3, within the grid).
    pub fn ring(&self, t: usize) -> impl Iterator<Item = usize> + '_ {
        let (tx, ty) = ((t % self.tiles_x) as i64, (t / self.tiles_x) as i64);
        (-1..=1i64).flat_map(move |dy| {
            (-1..=1i64).filter_map(move |dx| {
                let (x, y) = (tx + dx, ty + dy);
                (x >= 0 && y >= 0 && x < self.tiles_x as i64 && y < self.tiles_y as i64)
                    .then(|| y as usize * self.tiles_x + x as usize)
            })
        })
    }

    /// Make tiles `tiles` resident: the new ones, in increasing order, get the next free slots. Returns them as
    /// (tile, slot).
    pub fn admit(&mut self, tiles: impl IntoIterator<Item = usize>) -> Vec<(usize, usize)> {
        let mut new: Vec<usize> = tiles.into_iter().filter(|&t| self.table[t] == 0).collect();
        new.sort_unstable();
        new.dedup();
        new.into_iter()
            .map(|t| {
                let slot = self.owner.len();
                self.owner.push(t as u32);
                self.table[t] = slot as u32 + 1;
                (t, slot)
            })
            .collect()
    }

    /// The device's tables: tile -> slot + 1, and slot -> tile.
    pub fn table(&self) -> &[u32] {
        &self.table
    }
    pub fn owner(&self) -> &[u32] {
        &self.owner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_map_to_the_device_and_back_across_partial_tiles() {
        // 70 x 45 cells: 3 x 2 tiles, the last column of tiles 6 cells wide, the last row 13 cells high.
        let mut p = TilePool::new(45, 70);
        assert_eq!((p.tiles_x, p.tiles_y, p.tiles()), (3, 2, 6));
        assert_eq!(p.admit([5, 0, 5]), vec![(0, 0), (5, 1)]);
        assert_eq!(p.admit([0, 1]), vec![(1, 2)]);
        assert_eq!(p.resident(), 3);
        // Cell (col 69, row 44), the grid's last, lies in tile 5 at (5, 12): slot 1.
        let last = 44 * 70 + 69;
        assert_eq!(p.phys(last), Some(TILE_CELLS + 12 * TILE + 5));
        assert_eq!(p.cell(TILE_CELLS + 12 * TILE + 5), Some(last));
        // Beyond the grid's edge in tile 5, and in an unused slot: no cell.
        assert_eq!(p.cell(TILE_CELLS + 12 * TILE + 6), None);
        assert_eq!(p.cell(3 * TILE_CELLS), None);
        // Tile 4 is not resident.
        assert_eq!(p.phys(40 * 70 + 40), None);
        for cell in 0..45 * 70 {
            if let Some(q) = p.phys(cell) {
                assert_eq!(p.cell(q), Some(cell));
            }
        }
        assert_eq!(p.cells_of_tile(5).count(), 6 * 13);
        assert_eq!(p.ring(0).collect::<Vec<_>>(), vec![0, 1, 3, 4]);
        assert_eq!(p.ring(4).count(), 6);
        p.clear();
        assert_eq!((p.resident(), p.phys(0)), (0, None));
    }
}
