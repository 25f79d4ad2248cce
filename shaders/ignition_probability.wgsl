// Per-cell ignition probability (at least one ignition) and expected ignitions from a debris impact field.
// Each cell gathers over the fragments whose landing window overlaps its 16 x 16 tile (lists built on the host,
// in fragment order). CPU twin: ignition::maps_cpu.
// Relations: Schroeder (1969) for burning fragments; Wang et al. (2017) critical temperature for hot particles.

// IgnitionUniform and FragmentRow are defined once in src/gpu/layout.rs (tests/layout.rs checks them).
struct IgnitionUniform {
    cols: u32,
    rows: u32,
    nfrag: u32,
    tiles_x: u32,
    cell_e: f32,
    cell_n: f32,
    m1h: f32,
    hot_a: f32,
    hot_b: f32,
    hot_c: f32,
    hot_w: f32,
    spare0: f32,
    spare1: f32,
    spare2: f32,
    spare3: f32,
    spare4: f32,
}

struct FragmentRow {
    x_cells: f32,          // position, cell units
    y_cells: f32,
    p_impact: f32,
    kind: u32,             // 0 hot, 1 burning, 2 burnt out
    temperature_c: f32,    // effective temperature, C
    size_mm: f32,
    sigma_along_m: f32,    // footprint (0: a point)
    sigma_cross_m: f32,
    sin_az: f32,
    cos_az: f32,
    reach_cols: u32,       // landing window half-widths, cells
    reach_rows: u32,
    spare0: f32,
    spare1: f32,
    spare2: f32,
    spare3: f32,
}

@group(0) @binding(0) var<storage, read> uni: IgnitionUniform;
@group(0) @binding(1) var<storage, read> frags: array<FragmentRow>;
@group(0) @binding(2) var<storage, read> cells: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read_write> out: array<vec2<f32>>;
// Fragments per tile: tile t lists tile_frags[tile_start[t] .. tile_start[t + 1]].
@group(0) @binding(4) var<storage, read> tile_start: array<u32>;
@group(0) @binding(5) var<storage, read> tile_frags: array<u32>;

const TILE: u32 = 16u;

fn schroeder(t: f32, m: f32) -> f32 {
    let q = min(144.51 - 0.266 * t - 0.00058 * t * t - t * m + 18.54 * (1.0 - exp(-15.1 * m)) + 640.0 * m, 400.0);
    let x = max((400.0 - q) / 10.0, 0.0);
    return clamp(0.000048 * safe_pow(x, 4.3) / 50.0, 0.0, 1.0);
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let i = flat_index(wg, nwg, li);
    if (i >= uni.cols * uni.rows) { return; }
    out[i] = vec2<f32>(0.0, 0.0);
    let cell = cells[i];
    if (cell.x < 0.5) { return; }
    let col = i32(i % uni.cols);
    let row = i32(i / uni.cols);
    var log_none = 0.0;
    var expected = 0.0;
    let tile = (u32(row) / TILE) * uni.tiles_x + u32(col) / TILE;
    for (var j = tile_start[tile]; j < tile_start[tile + 1u]; j = j + 1u) {
        let f = frags[tile_frags[j]];
        let c0 = i32(floor(f.x_cells));
        let r0 = i32(floor(f.y_cells));
        if (abs(col - c0) > i32(f.reach_cols) || abs(row - r0) > i32(f.reach_rows)) { continue; }
        var hit = 0.0;
        if (f.sigma_along_m <= 0.0) {
            if (col == c0 && row == r0) { hit = f.p_impact; }
        } else {
            let sa = f.sigma_along_m;
            let sc = f.sigma_cross_m;
            let s = f.sin_az;
            let c = f.cos_az;
            var acc = 0.0;
            for (var a = 0; a < 3; a = a + 1) {
                for (var b = 0; b < 3; b = b + 1) {
                    let sx = f32(col) + (f32(b) + 0.5) / 3.0;
                    let sy = f32(row) + (f32(a) + 0.5) / 3.0;
                    let de = (sx - f.x_cells) * uni.cell_e;
                    let dn = (sy - f.y_cells) * uni.cell_n;
                    let along = de * s + dn * c;
                    let cross = de * c - dn * s;
                    acc = acc + exp(-0.5 * (along * along / (sa * sa) + cross * cross / (sc * sc)));
                }
            }
            hit = f.p_impact * acc / (2.0 * PI * sa * sc) * abs(uni.cell_e * uni.cell_n) / 9.0;
        }
        if (hit <= 0.0) { continue; }
        var p = 0.0;
        let kind = f.kind;
        if (kind == 1u) {
            p = schroeder(cell.y, uni.m1h);
        } else if (kind == 0u) {
            let crit = uni.hot_a * (1.0 + uni.hot_b * uni.m1h) / max(f.size_mm, 1e-3) + uni.hot_c;
            p = 1.0 / (1.0 + exp(-(f.temperature_c - crit) / uni.hot_w));
        }
        let q = min(hit * p, 1.0);
        log_none = log_none + log(max(1.0 - q, 1e-30));
        expected = expected + q;
    }
    out[i] = vec2<f32>(1.0 - exp(log_none), expected);
}
