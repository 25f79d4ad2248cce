// Spread: the entries (all runs) reached in (dom.t_start, dom.t_end], compacted into `found` as (entry, arrival time
// bits) in no particular order (the host sorts them), so that a spotting fire reads the cells each step reached, not
// the whole state. CPU twin: the CPU kernel's list of reached entries (`Sweeper::reached_between`).

@group(0) @binding(0) var<uniform> dom: Dom;
@group(0) @binding(1) var<storage, read> state: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> ids: array<u32>;
@group(0) @binding(3) var<storage, read_write> found_count: atomic<u32>;
@group(0) @binding(4) var<storage, read_write> found: array<vec2<u32>>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let x = flat_index(wg, nwg, li);
    if (x >= dom.pool * dom.runs) { return; }
    let t = state[x].x;
    if (ids[x] != NO_ANCHOR && t > dom.t_start && t <= dom.t_end) {
        let k = atomicAdd(&found_count, 1u);
        found[k] = vec2<u32>(x, bitcast<u32>(t));
    }
}
