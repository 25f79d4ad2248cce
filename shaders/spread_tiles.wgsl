// Helpers of the kernels that walk the grid through the tile pool (prepended after spread_common.wgsl to
// spread_relax and spread_commit, which declare `dom`, `table`, `owner` and `counters`; the host prepends
// `const TILE: u32` from src/spread/pool.rs). Cells live in slots of TILE x TILE cells: a cell's device index is
// slot * TILE * TILE + its position in the tile, row by row; `table` gives a tile's slot + 1 (0: not resident),
// `owner` a slot's tile. Host twin: src/spread/pool.rs (TilePool).

// Column and row (of this grid) of the cell at device index p.
fn cell_xy(p: u32) -> vec2<i32> {
    let t = owner[p / (TILE * TILE)];
    let local = p % (TILE * TILE);
    return vec2<i32>(i32((t % dom.tiles_x) * TILE + local % TILE), i32((t / dom.tiles_x) * TILE + local / TILE));
}

// Device index of the cell at column c, row r: NO_INDEX outside the grid. A cell of the grid whose tile is not
// resident is a miss (the host makes tiles resident before sweeps can reach them, so none should occur): counted in
// counters[4], which the host checks, and read as outside.
fn phys_at(c: i32, r: i32) -> u32 {
    if (c < 0 || r < 0 || c >= i32(dom.cols) || r >= i32(dom.rows)) { return NO_INDEX; }
    let uc = u32(c);
    let ur = u32(r);
    let s = table[(ur / TILE) * dom.tiles_x + uc / TILE];
    if (s == 0u) {
        atomicAdd(&counters[4], 1u);
        return NO_INDEX;
    }
    return (s - 1u) * (TILE * TILE) + (ur % TILE) * TILE + uc % TILE;
}

// Device index of the cell at (c, r) + d, or NO_INDEX outside the grid.
fn offset(c: i32, r: i32, d: vec2<i32>) -> u32 {
    return phys_at(c + d.x, r + d.y);
}

// Column and row of the cell holding point (x, y) (cells from the landscape's corner), clamped to the grid.
fn col_row_of(x: f32, y: f32) -> vec2<i32> {
    let c = clamp(i32(floor(x)) - i32(dom.col0), 0, i32(dom.cols) - 1);
    let r = clamp(i32(floor(y)) - i32(dom.row0), 0, i32(dom.rows) - 1);
    return vec2<i32>(c, r);
}
