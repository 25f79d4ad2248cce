// Spread, step 2 of a sweep: write the cells that changed, record front-passage behaviour, and list the
// neighbours to relax next, and the cell as frozen when it is reached after the window. CPU twin:
// kernel::CpuKernel::sweep_once. Cells are found through the tile pool (spread_tiles.wgsl): entry = device index
// of the cell * runs + run.

@group(0) @binding(0) var<uniform> dom: Dom;
@group(0) @binding(1) var<storage, read> params: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> heat: array<f32>;
@group(0) @binding(3) var<storage, read> mask: array<u32>;
@group(0) @binding(4) var<storage, read_write> state: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> ids: array<u32>;
@group(0) @binding(6) var<storage, read_write> front: array<vec4<f32>>;
@group(0) @binding(7) var<storage, read_write> lists: array<u32>;
@group(0) @binding(8) var<storage, read_write> counters: array<atomic<u32>>;
@group(0) @binding(9) var<storage, read> scratch: array<vec4<f32>>;
@group(0) @binding(10) var<storage, read> scratch_ids: array<u32>;
// stamps[2 x]: last sweep that listed entry x; stamps[2 x + 1]: last window that froze x.
@group(0) @binding(11) var<storage, read_write> stamps: array<atomic<u32>>;
@group(0) @binding(12) var<storage, read_write> frozen: array<u32>;
@group(0) @binding(13) var<storage, read> table: array<u32>;
@group(0) @binding(14) var<storage, read> owner: array<u32>;
// Per tile of the grid: 1 once a cell of it was listed (the host makes the tiles around it resident).
@group(0) @binding(15) var<storage, read_write> touched: array<atomic<u32>>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let i = flat_index(wg, nwg, li);
    if (i >= atomicLoad(&counters[dom.cur])) { return; }
    let s = scratch[i];
    if (s.x < 0.0) { return; }
    let x = lists[2u * i + dom.cur];
    let cell = x / dom.runs;
    let run = x % dom.runs;
    let cr = cell_xy(cell);
    state[x] = s;
    ids[x] = scratch_ids[i];
    front[x] = front_values(dom, params[cell], heat[cell], s, cr);
    // Neighbours read this cell (as a source, or to check a ray's visibility): relax them next, also when
    // this cell waits for a later window.
    let tag = atomicLoad(&counters[3]);
    for (var k = 0u; k < 8u; k = k + 1u) {
        let nb = cr + neighbour(k);
        let n = phys_at(nb.x, nb.y);
        if (n == NO_INDEX) { continue; }
        if (mask[n] == 0u) { continue; }
        let e = n * dom.runs + run;
        if (atomicMax(&stamps[2u * e], tag) < tag) {
            let slot = atomicAdd(&counters[dom.next], 1u);
            lists[2u * slot + dom.next] = e;
            atomicStore(&touched[(u32(nb.y) / TILE) * dom.tiles_x + u32(nb.x) / TILE], 1u);
        }
    }
    if (s.x > dom.t_end) {
        if (atomicMax(&stamps[2u * x + 1u], dom.window) < dom.window) {
            let slot = atomicAdd(&counters[2], 1u);
            frozen[slot] = x;
        }
    }
}
