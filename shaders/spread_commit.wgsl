// Spread, step 2 of a sweep: write the cells that changed, record front-passage behaviour, and list the
// neighbours to relax next, and the cell as frozen when it is reached after the window. CPU twin:
// kernel::CpuKernel::sweep_once.

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
// stamps[x]: last sweep that listed entry x; stamps[list_cap + x]: last window that froze x.
@group(0) @binding(11) var<storage, read_write> stamps: array<atomic<u32>>;
@group(0) @binding(12) var<storage, read_write> frozen: array<u32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let i = flat_index(wg, nwg, li);
    if (i >= atomicLoad(&counters[dom.cur])) { return; }
    let s = scratch[i];
    if (s.x < 0.0) { return; }
    let x = lists[dom.cur * dom.list_cap + i];
    let cell = x % (dom.cols * dom.rows);
    let base = x - cell;
    state[x] = s;
    ids[x] = scratch_ids[i];
    front[x] = front_values(dom, params[cell], heat[cell], s, cell);
    // Neighbours read this cell (as a source, or to check a ray's visibility): relax them next, also when
    // this cell waits for a later window.
    let tag = atomicLoad(&counters[3]);
    let c = i32(cell % dom.cols);
    let r = i32(cell / dom.cols);
    for (var k = 0u; k < 8u; k = k + 1u) {
        let n = offset(dom, c, r, neighbour(k));
        if (n == NO_INDEX) { continue; }
        if (mask[n] == 0u) { continue; }
        if (atomicMax(&stamps[base + n], tag) < tag) {
            let slot = atomicAdd(&counters[dom.next], 1u);
            lists[dom.next * dom.list_cap + slot] = base + n;
        }
    }
    if (s.x > dom.t_end) {
        if (atomicMax(&stamps[dom.list_cap + x], dom.window) < dom.window) {
            let slot = atomicAdd(&counters[2], 1u);
            frozen[slot] = x;
        }
    }
}
