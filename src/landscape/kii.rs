//! The synthetic Spaceport Kii landscape of the demo (dem/kii_synthetic.tif).
//!
//! Emberfall makes it itself: nothing is copied from a real DEM or fuel map. It is placed on the real site
//! (33.5508 N, 135.8797 E, Kushimoto, Wakayama) in JGD2011 / UTM zone 53N (EPSG:6690; the site at 135.88 E lies in zone 53, 132-138 E), 10 m cells, 4 km x 4 km,
//! and imitates the setting described in ../shared/KAIROS_FACTS.md: open sea to the south, steep forested
//! coastal ridges, a pad of about 15 ha on a levelled terrace, access roads. Terrain is a deterministic sum of
//! ridges and hashed value noise; fuels follow elevation, slope and distance to the sea. It is a stand-in for
//! testing and demonstration, not a map of the site.

use std::path::Path;

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};

use crate::error::Result;
use crate::landscape::Grid;

/// Launch site position (ja.wikipedia, via KAIROS_FACTS.md).
pub const SITE_LAT: f64 = 33.5508;
pub const SITE_LON: f64 = 135.8797;
/// JGD2011 / UTM zone 53N.
pub const EPSG: u32 = 6690;
const CELL_M: f64 = 10.0;
const SIZE: usize = 400;

/// Site position in EPSG:6691 metres.
pub fn site_xy() -> Result<(f64, f64)> {
    let mut geo = SpatialRef::from_epsg(4326)?;
    geo.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut utm = SpatialRef::from_epsg(EPSG)?;
    utm.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let t = CoordTransform::new(&geo, &utm)?;
    let mut x = [SITE_LON];
    let mut y = [SITE_LAT];
    t.transform_coords(&mut x, &mut y, &mut [])?;
    Ok((x[0], y[0]))
}

/// Hash of an integer lattice point to [0, 1).
fn hash(ix: i64, iy: i64, seed: u64) -> f64 {
    let mut h =
        (ix as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (iy as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F) ^ seed;
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^= h >> 33;
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// Smooth value noise in [0, 1) with feature size `scale` (m).
fn noise(x: f64, y: f64, scale: f64, seed: u64) -> f64 {
    let (fx, fy) = (x / scale, y / scale);
    let (ix, iy) = (fx.floor() as i64, fy.floor() as i64);
    let (tx, ty) = (fx - ix as f64, fy - iy as f64);
    let s = |t: f64| t * t * (3.0 - 2.0 * t);
    let (sx, sy) = (s(tx), s(ty));
    let a = hash(ix, iy, seed) * (1.0 - sx) + hash(ix + 1, iy, seed) * sx;
    let b = hash(ix, iy + 1, seed) * (1.0 - sx) + hash(ix + 1, iy + 1, seed) * sx;
    a * (1.0 - sy) + b * sy
}

/// The demo landscape's layers, LANDFIRE units: elevation m, fuel code, canopy cover %, height m x 10, base
/// height m x 10, bulk density kg/m3 x 100.
pub struct KiiLayers {
    pub grid: Grid,
    pub elevation_m: Vec<f32>,
    pub fuel: Vec<f32>,
    pub canopy: [Vec<f32>; 4],
}

/// A point of the demo landscape, (dx, dy) m from the site: its terrain and where it lies.
struct SitePoint {
    dx: f64,
    dy: f64,
    /// Elevation, m.
    z: f64,
    /// Metres north of the coast (negative: sea); the coast's offset south of the site, m.
    inland: f64,
    coast_y: f64,
    /// Where it lies on the pad terrace's ellipse (< 1 on the pad).
    pad: f64,
}

impl SitePoint {
    fn at(x: f64, y: f64, dx: f64, dy: f64) -> SitePoint {
        // Wavy coastline about 450 m south of the pad.
        let coast_y = -450.0
            + 120.0 * (dx / 700.0).sin()
            + 60.0 * (dx / 230.0 + 1.3).sin()
            + 80.0 * (noise(x, 0.0, 500.0, 7) - 0.5);
        let inland = dy - coast_y;
        // Terrain rises inland to ~350 m with NE-SW ridges and valleys cut across them.
        let along = (dx * 0.8 + dy * 0.6) / 1.0;
        let across = -dx * 0.6 + dy * 0.8;
        let rise = 350.0 * (1.0 - (-inland.max(0.0) / 1400.0).exp());
        let ridges = 55.0 * (across / 260.0).sin() * (0.6 + 0.4 * (along / 900.0).cos());
        let rough = 70.0 * (noise(x, y, 600.0, 11) - 0.5)
            + 25.0 * (noise(x, y, 180.0, 13) - 0.5)
            + 8.0 * (noise(x, y, 50.0, 17) - 0.5);
        let cliff = if inland > 0.0 { 25.0 * (1.0 - (-inland / 60.0).exp()) } else { 0.0 };
        let mut z =
            if inland > 0.0 { rise + cliff + (ridges + rough) * (inland / 400.0).min(1.0) } else { inland / 20.0 };
        // Levelled pad terrace (about 15 ha) at the site.
        let pad = (dx / 220.0).powi(2) + (dy / 170.0).powi(2);
        let pad_level = 45.0;
        if pad < 1.0 {
            z = pad_level;
        } else if pad < 2.0 {
            let t = pad - 1.0;
            z = pad_level * (1.0 - t) + z * t;
        }
        SitePoint { dx, dy, z, inland, coast_y, pad }
    }

    /// Roads: one from the pad north-west up the valley, one east along the coast.
    fn on_road(&self) -> bool {
        let (dx, dy) = (self.dx, self.dy);
        // Along the unit direction u (azimuth 326.6 deg), meandering by 60 m along v, perpendicular to u.
        let (ux, uy) = (-(33.4f64.to_radians().sin()), 33.4f64.to_radians().cos());
        let t = (dx * ux + dy * uy).clamp(0.0, 2500.0);
        let off = 60.0 * (t / 400.0).sin();
        let (px, py) = (ux * t + uy * off, uy * t - ux * off);
        let valley_road = ((dx - px).powi(2) + (dy - py).powi(2)).sqrt() < 6.0;
        let coast_road = dx > 0.0 && (dy - (self.coast_y + 70.0)).abs() < 5.0 && self.inland > 0.0;
        valley_road || coast_road
    }

    /// The LANDFIRE fuel code here, `n1` a noise value in 0..1 that patches the vegetation.
    fn fuel_code(&self, n1: f64) -> u16 {
        let (inland, pad, z) = (self.inland, self.pad, self.z);
        if inland <= 0.0 {
            98 // open water
        } else if pad < 1.0 || self.on_road() {
            91 // pad, buildings and roads
        } else if inland < 40.0 {
            99 // rocky shore
        } else if pad < 1.6 {
            102 // mown grass around the pad (GR2)
        } else if inland < 160.0 {
            // Wind-clipped coastal shrub (SH2) and grass-shrub (GS2).
            if n1 > 0.5 {
                142
            } else {
                122
            }
        } else if n1 < 0.12 {
            102 // grassy clearings (GR2)
        } else if z > 250.0 && n1 > 0.7 {
            183 // conifer litter on high ground (TL3)
        } else if n1 > 0.45 {
            165 // evergreen broadleaf forest with dense understory (TU5)
        } else {
            162 // conifer plantation with shrubs (TU2)
        }
    }
}

/// Build the layers.
pub fn kii_layers() -> Result<KiiLayers> {
    let (sx, sy) = site_xy()?;
    // The site sits south of centre, 700 m from the southern edge: most of the domain is the land behind it.
    let x0 = (sx - SIZE as f64 * CELL_M / 2.0).round();
    let y0 = (sy + SIZE as f64 * CELL_M - 900.0).round();
    let grid = Grid {
        rows: SIZE,
        cols: SIZE,
        geotransform: [x0, CELL_M, 0.0, y0, 0.0, -CELL_M],
        wkt: SpatialRef::from_epsg(EPSG)?.to_wkt()?,
    };
    let n = grid.len();
    let mut elev = vec![0f32; n];
    let mut fuel = vec![0f32; n];
    let mut canopy = [vec![0f32; n], vec![0f32; n], vec![0f32; n], vec![0f32; n]];
    for r in 0..SIZE {
        for c in 0..SIZE {
            let i = r * SIZE + c;
            let (x, y) = grid.cell_center(r, c);
            let site = SitePoint::at(x, y, x - sx, y - sy);
            elev[i] = site.z.max(-5.0) as f32;
            let code = site.fuel_code(noise(x, y, 150.0, 23));
            fuel[i] = code as f32;
            if matches!(code, 162 | 165 | 183) {
                canopy[0][i] = (60.0 + 25.0 * noise(x, y, 90.0, 29)).round() as f32;
                canopy[1][i] = (150.0 + 80.0 * noise(x, y, 120.0, 31)).round() as f32;
                canopy[2][i] = (30.0 + 30.0 * noise(x, y, 110.0, 37)).round() as f32;
                canopy[3][i] = (10.0 + 8.0 * noise(x, y, 100.0, 41)).round() as f32;
            }
        }
    }
    Ok(KiiLayers { grid, elevation_m: elev, fuel, canopy })
}

/// Write dem/kii_synthetic.tif: 8 bands in LCP order, LANDFIRE units, slope and aspect by Horn (1981).
pub fn write_kii_landscape(out: &Path) -> Result<()> {
    let l = kii_layers()?;
    let (slope, aspect) = crate::landscape::terrain::slope_aspect_cpu(&l.grid, &l.elevation_m);
    let slope_deg: Vec<f32> = slope.iter().map(|s| s.atan().to_degrees().round()).collect();
    let aspect_deg: Vec<f32> = aspect.iter().map(|a| if *a < 0.0 { -1.0 } else { a.round() % 360.0 }).collect();
    let elev: Vec<f32> = l.elevation_m.iter().map(|z| z.round()).collect();
    let [cc, ch, cbh, cbd] = l.canopy;
    let bands = [elev, slope_deg, aspect_deg, l.fuel, cc, ch, cbh, cbd];
    crate::io::write_multiband_geotiff(
        out,
        &l.grid,
        &bands,
        &crate::landscape::LCP_BAND_NAMES,
        -9999.0,
        &[
            ("EMBERFALL_SYNTHETIC", "YES"),
            (
                "EMBERFALL_DESCRIPTION",
                "SYNTHETIC landscape generated by `emberfall landscape kii` (src/kii.rs): procedural terrain and \
                 fuels placed around Spaceport Kii (33.5508 N, 135.8797 E) for the demo. Not real elevation or fuel data.",
            ),
        ],
    )
}
