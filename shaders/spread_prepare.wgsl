// Spread, step 3 of a sweep: size the next sweep's dispatch from the list just written, empty the list just
// read, advance the sweep counter.

@group(0) @binding(0) var<uniform> dom: Dom;
@group(0) @binding(1) var<storage, read_write> counters: array<atomic<u32>>;
@group(0) @binding(2) var<storage, read_write> indirect: array<u32>;

@compute @workgroup_size(1)
fn main() {
    let n = atomicLoad(&counters[dom.next]);
    // Workgroups of 256, folded into x and y so that neither exceeds 65 535 (kernels use flat_index).
    let groups = (n + 255u) / 256u;
    indirect[0] = min(groups, 65535u);
    indirect[1] = (groups + 65534u) / 65535u;
    indirect[2] = 1u;
    atomicStore(&counters[dom.cur], 0u);
    atomicAdd(&counters[3], 1u);
}
