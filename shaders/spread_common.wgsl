// Helpers of the spread kernels (prepended after common.wgsl). CPU twin: src/spread/kernel.rs.

// Arrival time of a cell not yet reached, min.
const T_UNSET: f32 = 3.0e38;
// Anchor id of a cell not reached yet (zeroed buffers start unreached); kinds in the top two bits.
const NO_ANCHOR: u32 = 0u;
const KIND_CENTRE: u32 = 0x40000000u;
const KIND_IGNITION: u32 = 0x80000000u;
const KIND_SHIFT: u32 = 0xc0000000u;
const EPS_REL: f32 = 1e-6;
const EPS_ABS_MIN: f32 = 1e-5;
const TAN_22_5: f32 = 0.41421357;
// How far apart (cells, each axis) two anchors of one front may be and still vouch for each other's rays.
const FRONT_VOUCH_CELLS: f32 = 3.0;

struct Dom {
    cols: u32,
    rows: u32,
    cell_e: f32,   // metres east per column step
    cell_n: f32,   // metres north per row step (negative for north-up grids)
    t_start: f32,  // start of the weather period, min
    t_end: f32,    // end of the window, min
    tol: f32,      // relative slowness tolerance for inheriting an anchor
    cur: u32,      // list slot read
    next: u32,     // list slot written
    window: u32,   // window number
    list_cap: u32, // entries of the state: cells times runs
    runs: u32,     // fires side by side
    col0: u32,     // column and row of the grid's first cell in the whole landscape: positions are cells from
    row0: u32,     // the landscape's corner
    tiles_x: u32,  // tiles per row of the grid (the GPU's tile pool; 0 on the CPU)
    pool: u32,     // cells of the device's tile slots (the GPU's tile pool: entry = cell * runs + run; 0 on the CPU)
}

// The 8 neighbours (dcol, drow) in the order of the CPU twin.
fn neighbour(k: u32) -> vec2<i32> {
    switch k {
        case 0u: { return vec2<i32>(0, -1); }
        case 1u: { return vec2<i32>(1, -1); }
        case 2u: { return vec2<i32>(1, 0); }
        case 3u: { return vec2<i32>(1, 1); }
        case 4u: { return vec2<i32>(0, 1); }
        case 5u: { return vec2<i32>(-1, 1); }
        case 6u: { return vec2<i32>(-1, 0); }
        default: { return vec2<i32>(-1, -1); }
    }
}

// Time (min) to spread along displacement (de, dn) m of length dist: dist / R(theta) with
// R(theta) = R (1 - e) / (1 - e cos theta) (Anderson 1983; Richards 1990), i.e. k (dist - e d.h).
// p = (head rate m/min, e * head unit east, e * head unit north, k = 1 / (R (1 - e))).
fn delay(p: vec4<f32>, de: f32, dn: f32, dist: f32) -> f32 {
    return p.w * (dist - (de * p.y + dn * p.z));
}

fn improves(new_t: f32, old_t: f32) -> bool {
    return new_t < old_t - max(old_t * EPS_REL, EPS_ABS_MIN);
}

// Spread rate along the direction of travel, its azimuth and the intensity where the front passes the cell at
// column and row cr of the grid.
fn front_values(dom: Dom, p: vec4<f32>, heat: f32, s: vec4<f32>, cr: vec2<i32>) -> vec4<f32> {
    let xc = f32(u32(cr.x) + dom.col0) + 0.5;
    let yc = f32(u32(cr.y) + dom.row0) + 0.5;
    let de = (xc - s.y) * dom.cell_e;
    let dn = (yc - s.z) * dom.cell_n;
    let dist = sqrt(de * de + dn * dn);
    var u = vec2<f32>(p.y, p.z);
    if (dist > 1e-3) { u = vec2<f32>(de / dist, dn / dist); }
    let ros = 1.0 / delay(p, u.x, u.y, 1.0);
    var az = atan2(u.x, u.y) / DEG;
    if (az < 0.0) { az = az + 360.0; }
    if (az >= 360.0) { az = az - 360.0; }
    return vec4<f32>(ros, az, heat * ros / S_PER_MIN, 0.0);
}
