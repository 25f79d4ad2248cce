// Spread: write the state of listed cells (ignition seeds, re-anchoring at weather changes).

@group(0) @binding(0) var<storage, read> idx: array<u32>;
@group(0) @binding(1) var<storage, read> vals: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> vids: array<u32>;
@group(0) @binding(3) var<storage, read> vfront: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> state: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> ids: array<u32>;
@group(0) @binding(6) var<storage, read_write> front: array<vec4<f32>>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let i = flat_index(wg, nwg, li);
    // The host pads idx with NO_INDEX to whole 16-byte words: the padding writes nothing.
    if (i >= arrayLength(&idx) || idx[i] == NO_INDEX) { return; }
    state[idx[i]] = vals[i];
    ids[idx[i]] = vids[i];
    front[idx[i]] = vfront[i];
}
