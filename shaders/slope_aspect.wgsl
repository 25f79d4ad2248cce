// Slope and aspect from a DEM by Horn's (1981) third-order finite difference. CPU twin: src/landscape/terrain.rs.
//
// Horn, B.K.P. 1981. Hill shading and the reflectance map. Proc. IEEE 69(1): 14-47.
// With the 3x3 window  a b c / d e f / g h i  (top row to the north):
//   dz/dx = ((c + 2f + i) - (a + 2d + g)) / (8 dx),   dz/dy(north) = ((a + 2b + c) - (g + 2h + i)) / (8 dy).
// Slope is |grad z| (rise over run); aspect is the azimuth of -grad z (the way the slope faces), -1 when flat.
// Nodata cells hold MISSING; a missing neighbour takes the centre value; edges repeat the edge cell.

@group(0) @binding(0) var<storage, read> elev: array<f32>;
@group(0) @binding(1) var<storage, read> params: array<f32>; // rows, cols, dx, dy
@group(0) @binding(2) var<storage, read_write> slope: array<f32>;
@group(0) @binding(3) var<storage, read_write> aspect: array<f32>;

const MISSING: f32 = -1.0e30;

fn z(r: i32, c: i32, rows: i32, cols: i32, centre: f32) -> f32 {
    let v = elev[u32(clamp(r, 0, rows - 1) * cols + clamp(c, 0, cols - 1))];
    if (v <= -1.0e29) { return centre; }
    return v;
}

@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    let rows = i32(params[0]);
    let cols = i32(params[1]);
    let r = i32(id.y);
    let c = i32(id.x);
    if (r >= rows || c >= cols) { return; }
    let i = u32(r * cols + c);
    let e = elev[i];
    if (e <= -1.0e29) { slope[i] = MISSING; aspect[i] = MISSING; return; }
    let a = z(r - 1, c - 1, rows, cols, e);
    let b = z(r - 1, c, rows, cols, e);
    let cc = z(r - 1, c + 1, rows, cols, e);
    let d = z(r, c - 1, rows, cols, e);
    let f = z(r, c + 1, rows, cols, e);
    let g = z(r + 1, c - 1, rows, cols, e);
    let h = z(r + 1, c, rows, cols, e);
    let ii = z(r + 1, c + 1, rows, cols, e);
    // Differences first (pairwise), so f32 keeps the precision of small relief on high ground.
    let dzdx = ((cc - a) + 2.0 * (f - d) + (ii - g)) / (8.0 * params[2]);
    let dzdn = ((a - g) + 2.0 * (b - h) + (cc - ii)) / (8.0 * params[3]);
    slope[i] = sqrt(dzdx * dzdx + dzdn * dzdn);
    if (dzdx == 0.0 && dzdn == 0.0) {
        aspect[i] = -1.0;
    } else {
        aspect[i] = wrap360(atan2(-dzdx, -dzdn) / DEG);
    }
}
