// Spread, step 1 of a sweep: relax every cell of the active list from its 8 neighbours (Jacobi: reads the
// state of the previous sweep, writes only its own scratch entry). CPU twin: kernel::relax_cell. Cells are found
// through the tile pool (spread_tiles.wgsl): entry = device index of the cell * runs + run.

@group(0) @binding(0) var<uniform> dom: Dom;
@group(0) @binding(1) var<storage, read> params: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> mask: array<u32>;
@group(0) @binding(3) var<storage, read> state: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> ids: array<u32>;
@group(0) @binding(5) var<storage, read> lists: array<u32>;
@group(0) @binding(6) var<storage, read_write> counters: array<atomic<u32>>;
@group(0) @binding(7) var<storage, read_write> scratch: array<vec4<f32>>;
@group(0) @binding(8) var<storage, read_write> scratch_ids: array<u32>;
@group(0) @binding(9) var<storage, read> table: array<u32>;
@group(0) @binding(10) var<storage, read> owner: array<u32>;

fn blocked_cell(i: u32) -> bool {
    return i == NO_INDEX || mask[i] == 0u;
}

// A diagonal step crosses a barrier when both cells beside it are non-burnable.
fn diagonal_blocked(c: i32, r: i32, d: vec2<i32>) -> bool {
    if (d.x == 0 || d.y == 0) { return false; }
    return blocked_cell(offset(c, r, vec2<i32>(d.x, 0))) && blocked_cell(offset(c, r, vec2<i32>(0, d.y)));
}

// Whether a cell holding anchor cid (state cs) vouches for the visibility of anchor aid (state s): the same
// anchor, or a neighbouring one of the same front (ignition line or re-anchored front: same kind and time).
// CPU twin: kernel::same_source.
fn same_source(aid: u32, s: vec4<f32>, cid: u32, cs: vec4<f32>) -> bool {
    if (cid == aid) { return true; }
    let kind = aid & KIND_SHIFT;
    return (kind == KIND_SHIFT || kind == KIND_IGNITION) && (cid & KIND_SHIFT) == kind && cs.w == s.w
        && abs(cs.y - s.y) <= FRONT_VOUCH_CELLS && abs(cs.z - s.z) <= FRONT_VOUCH_CELLS;
}

// Entries are cell * runs + run: every fire of a batch is relaxed in the same dispatch, each within its run.
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let i = flat_index(wg, nwg, li);
    if (i >= atomicLoad(&counters[dom.cur])) { return; }
    let x = lists[2u * i + dom.cur];
    scratch[i] = vec4<f32>(-1.0, 0.0, 0.0, 0.0);
    let cell = x / dom.runs;
    let run = x % dom.runs;
    let px = params[cell];
    if (px.x <= 0.0 || mask[cell] == 0u) { return; }
    let cr = cell_xy(cell);
    let c = cr.x;
    let r = cr.y;
    let xc = f32(c + i32(dom.col0)) + 0.5;
    let yc = f32(r + i32(dom.row0)) + 0.5;
    var old = state[x];
    let best_id0 = ids[x];
    if (best_id0 == NO_ANCHOR) { old.x = T_UNSET; }
    var best_t = old.x;
    var best = old;
    var best_id = best_id0;
    var found = false;
    for (var k = 0u; k < 8u; k = k + 1u) {
        let d = neighbour(k);
        let n = offset(c, r, d);
        if (n == NO_INDEX) { continue; }
        let aid = ids[n * dom.runs + run];
        if (mask[n] == 0u || aid == NO_ANCHOR) { continue; }
        let sn = state[n * dom.runs + run];
        let tn = sn.x;
        if (tn > dom.t_end || diagonal_blocked(c, r, d)) { continue; }
        // (b) the neighbour's anchor (not x's own anchor, nor one that burned after the best time so far).
        if (!(aid == best_id0 && sn.w == old.w) && sn.w >= dom.t_start && sn.w < best_t) {
            let ax = sn.y;
            let ay = sn.z;
            let at = sn.w;
            let vx = ax - xc;
            let vy = ay - yc;
            let avx = abs(vx);
            let avy = abs(vy);
            var ok = true;
            if (max(avx, avy) >= 1.5) {
                var q = vec2<i32>(0, 0);
                if (avx >= TAN_22_5 * avy) { q.x = i32(sign(vx)); }
                if (avy >= TAN_22_5 * avx) { q.y = i32(sign(vy)); }
                let cn = offset(c, r, q);
                if (cn == NO_INDEX) {
                    ok = false;
                } else {
                    let ce = cn * dom.runs + run;
                    ok = mask[cn] != 0u && same_source(aid, sn, ids[ce], state[ce]) && !diagonal_blocked(c, r, q);
                }
            } else {
                let ac = col_row_of(ax, ay);
                let dcol = ac.x - c;
                let drow = ac.y - r;
                if (abs(dcol) == 1 && abs(drow) == 1 && diagonal_blocked(c, r, vec2<i32>(dcol, drow))) {
                    ok = false;
                }
            }
            var ai = NO_INDEX;
            if (ok) {
                let ar = col_row_of(ax, ay);
                ai = phys_at(ar.x, ar.y);
            }
            if (ai != NO_INDEX) {
                let pa = params[ai];
                if (pa.x > 0.0) {
                    let de = (xc - ax) * dom.cell_e;
                    let dn = (yc - ay) * dom.cell_n;
                    let dist = sqrt(de * de + dn * dn);
                    let sa = delay(pa, de, dn, dist);
                    let sx = delay(px, de, dn, dist);
                    let cand = at + 0.5 * (sa + sx);
                    if (abs(sa - sx) <= dom.tol * min(sa, sx) && cand < best_t) {
                        best_t = cand;
                        best = vec4<f32>(cand, ax, ay, at);
                        best_id = aid;
                        found = true;
                    }
                }
            }
        }
        // (a) the neighbour itself (not when it burned after the best time so far).
        if (tn >= dom.t_start && tn < best_t) {
            let pn = params[n];
            if (pn.x > 0.0) {
                let nx = xc + f32(d.x);
                let ny = yc + f32(d.y);
                let de = (xc - nx) * dom.cell_e;
                let dn = (yc - ny) * dom.cell_n;
                let dist = sqrt(de * de + dn * dn);
                let sa = delay(pn, de, dn, dist);
                let sx = delay(px, de, dn, dist);
                let cand = tn + 0.5 * (sa + sx);
                if (cand < best_t) {
                    best_t = cand;
                    best = vec4<f32>(cand, nx, ny, tn);
                    best_id = KIND_CENTRE | n;
                    found = true;
                }
            }
        }
    }
    if (found && improves(best_t, old.x)) {
        scratch[i] = best;
        scratch_ids[i] = best_id;
    }
}
