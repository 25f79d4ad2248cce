// Spread: per cell, the number of fires of a batch that reached it by dom.t_end (an ensemble's burn count,
// reduced on the device), per device index of the tile pool (the host maps them to the grid's cells). CPU twin:
// kernel::count_burned.

@group(0) @binding(0) var<uniform> dom: Dom;
@group(0) @binding(1) var<storage, read> state: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> ids: array<u32>;
@group(0) @binding(3) var<storage, read_write> counts: array<u32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let cell = flat_index(wg, nwg, li);
    if (cell >= dom.pool) { return; }
    var n = 0u;
    for (var k = 0u; k < dom.runs; k = k + 1u) {
        let x = cell * dom.runs + k;
        if (ids[x] != NO_ANCHOR && state[x].x <= dom.t_end) { n = n + 1u; }
    }
    counts[cell] = n;
}
