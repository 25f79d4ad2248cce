// Spread: copy the state of listed cells out (window changes, seeding). CPU twin: CpuKernel::gather.

@group(0) @binding(0) var<storage, read> idx: array<u32>;
@group(0) @binding(1) var<storage, read> state: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> ids: array<u32>;
@group(0) @binding(3) var<storage, read_write> out_state: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> out_ids: array<u32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let i = flat_index(wg, nwg, li);
    // The host pads idx with NO_INDEX to whole 16-byte words: the padding reads nothing.
    if (i >= arrayLength(&idx) || idx[i] == NO_INDEX) { return; }
    out_state[i] = state[idx[i]];
    out_ids[i] = ids[idx[i]];
}
