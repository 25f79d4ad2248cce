// Helpers shared by every Emberfall kernel. The host prepends this file to each kernel's source.

// Value written for cells outside the landscape (nodata).
const NODATA: f32 = -9999.0;
// Marker of a nodata cell in index arrays.
const NO_INDEX: u32 = 0xffffffffu;
const PI: f32 = 3.14159265358979;
const DEG: f32 = 0.0174532925199433; // radians per degree

// Flat invocation index of a 1-D kernel dispatched as an (x, y) grid of 256-wide workgroups
// (see gpu::groups_1d on the host).
fn flat_index(wg: vec3<u32>, nwg: vec3<u32>, local: u32) -> u32 {
    return (wg.y * nwg.x + wg.x) * 256u + local;
}

// x^y for x > 0, 0 otherwise (WGSL pow is undefined for x <= 0).
fn safe_pow(x: f32, y: f32) -> f32 {
    if (x <= 0.0) { return 0.0; }
    return pow(x, y);
}

// Angle in degrees folded into [0, 360).
fn wrap360(a: f32) -> f32 {
    var r = a - 360.0 * floor(a / 360.0);
    if (r >= 360.0) { r = r - 360.0; }
    return r;
}
