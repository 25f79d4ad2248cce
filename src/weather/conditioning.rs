//! Dead fuel moisture conditioned per class of cells, as FARSITE and FlamMap condition it: the station's
//! temperature and humidity taken to each class's elevation (FARSITE's lapse rates,
//! [`crate::physics::moisture::site_weather`]), the sun on each class's slope and aspect through its canopy
//! ([`crate::physics::moisture::terrain_radiation_w_m2`]), and Nelson's sticks stepped through the stream per class.
//!
//! Classes (burnable cells only): elevation in bands of [`ELEVATION_BAND_M`], slope in classes of [`SLOPE_CLASS_DEG`]
//! (their centres), aspect in eight 45-degree classes (flat below 5 degrees of slope: no aspect), canopy cover in
//! classes of [`COVER_CLASS_PCT`]; each class is conditioned at its centre values. The run's notes say how many
//! classes there were.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::landscape::Landscape;
use crate::physics::moisture::{self, Observation, Stick};

/// How a conditioning stream's weather reaches the fuels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The station's weather on open flat ground, everywhere (one set of moistures per period).
    #[default]
    Station,
    /// Per class of cells: lapse rates to each elevation, sun on each slope and aspect through each canopy.
    Terrain,
}

/// Elevation band of a class, m.
pub const ELEVATION_BAND_M: f64 = 300.0;
/// Slope class width, degrees.
pub const SLOPE_CLASS_DEG: f64 = 10.0;
/// Canopy cover class width, percent.
pub const COVER_CLASS_PCT: f64 = 25.0;

/// One class of cells: where its sticks lie.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Site {
    pub elevation_m: f64,
    pub slope_deg: f64,
    /// Downslope direction, degrees from north (0 on flat ground).
    pub aspect_deg: f64,
    pub cover_pct: f64,
    /// Set of initial moistures (fuel models given their own, FARSITE's FUEL_MOISTURES_DATA rows; 0: the run's).
    pub set: u32,
    /// Cells in the class.
    pub cells: usize,
}

/// The classes of a landscape's burnable cells.
#[derive(Debug)]
pub struct TerrainClasses {
    /// Class of each cell (`u32::MAX`: not burnable, not conditioned).
    pub class_of_cell: Arc<Vec<u32>>,
    pub sites: Vec<Site>,
}

impl TerrainClasses {
    /// Classes of the cells of `ls` for which `burnable` holds, split by the set of initial moistures of each
    /// cell (`set_of`); by terrain too when `terrain` (else every class is the station's open flat ground).
    pub fn new(
        ls: &Landscape,
        burnable: impl Fn(usize) -> bool,
        set_of: impl Fn(usize) -> u32,
        terrain: bool,
    ) -> TerrainClasses {
        let n = ls.grid.len();
        let mut index: HashMap<(i64, i64, i64, i64, u32), u32> = HashMap::new();
        let mut sites: Vec<Site> = Vec::new();
        let mut class_of_cell = vec![u32::MAX; n];
        for (i, class) in class_of_cell.iter_mut().enumerate() {
            let z = ls.elevation_m[i] as f64;
            if !burnable(i) || !z.is_finite() {
                continue;
            }
            let set = set_of(i);
            let key = if terrain {
                let slope = ls.slope_tan.as_ref().map_or(0.0, |s| (s[i] as f64).atan().to_degrees());
                let slope = if slope.is_finite() { slope } else { 0.0 };
                let aspect = ls.aspect_deg.as_ref().map_or(0.0, |a| a[i] as f64);
                let cover = ls.canopy_cover_frac.as_ref().map_or(0.0, |c| (c[i] as f64 * 100.0).clamp(0.0, 100.0));
                let ka = if slope < 5.0 || !aspect.is_finite() {
                    -1
                } else {
                    ((aspect.rem_euclid(360.0) + 22.5) / 45.0) as i64 % 8
                };
                (
                    (z / ELEVATION_BAND_M).floor() as i64,
                    (slope / SLOPE_CLASS_DEG).floor() as i64,
                    ka,
                    (cover / COVER_CLASS_PCT).round() as i64,
                    set,
                )
            } else {
                (i64::MIN, 0, -1, 0, set)
            };
            let k = *index.entry(key).or_insert_with(|| {
                let (ke, ks, ka, kc, _) = key;
                sites.push(Site {
                    elevation_m: if terrain { (ke as f64 + 0.5) * ELEVATION_BAND_M } else { f64::NAN },
                    slope_deg: if ka < 0 { 0.0 } else { (ks as f64 + 0.5) * SLOPE_CLASS_DEG },
                    aspect_deg: if ka < 0 { 0.0 } else { ka as f64 * 45.0 },
                    cover_pct: kc as f64 * COVER_CLASS_PCT,
                    set,
                    cells: 0,
                });
                (sites.len() - 1) as u32
            });
            sites[k as usize].cells += 1;
            *class = k;
        }
        TerrainClasses { class_of_cell: Arc::new(class_of_cell), sites }
    }
}

/// Dead fuel moistures of one weather period per class of cells.
#[derive(Debug, PartialEq)]
pub struct MoistureGrid {
    /// Class of each cell (`u32::MAX`: the period's uniform moistures).
    pub class_of_cell: Arc<Vec<u32>>,
    /// 1-h, 10-h, 100-h dead moisture (fractions) of each class.
    pub dead: Vec<[f64; 3]>,
    /// Live herbaceous and woody moisture (fractions) of each class (its set's; None: the period's).
    pub live: Vec<Option<[f64; 2]>>,
}

impl MoistureGrid {
    /// Dead moistures (fractions) of cell `i`, if it has a class.
    pub fn at(&self, i: usize) -> Option<[f64; 3]> {
        self.class_of_cell.get(i).and_then(|&k| self.dead.get(k as usize)).copied()
    }

    /// A period's moistures `m` with class `k`'s.
    pub fn moisture_of_class(
        &self,
        k: usize,
        m: &crate::physics::surface::Moisture,
    ) -> crate::physics::surface::Moisture {
        let d = self.dead[k];
        let mut out = crate::physics::surface::Moisture { dead_1h: d[0], dead_10h: d[1], dead_100h: d[2], ..*m };
        if let Some([herb, woody]) = self.live.get(k).copied().flatten() {
            out.live_herb = herb;
            out.live_woody = woody;
        }
        out
    }

    /// A period's moistures `m` at cell `i` (the cell's class's, if it has one).
    pub fn moisture_at(
        &self,
        i: usize,
        m: &crate::physics::surface::Moisture,
    ) -> Option<crate::physics::surface::Moisture> {
        let k = *self.class_of_cell.get(i)?;
        ((k as usize) < self.dead.len()).then(|| self.moisture_of_class(k as usize, m))
    }
}

/// One row of a conditioning stream: the station's observation and what places the sun.
#[derive(Clone, Debug)]
pub struct RowObs {
    /// Minutes from the start of the fire (negative: the conditioning period).
    pub t_min: f64,
    pub air_temp_c: f64,
    pub rh_pct: f64,
    pub precip_mm: f64,
    /// Measured radiation on open flat ground, W/m2, if the row gives it.
    pub solar_w_m2: Option<f64>,
    pub cloud_pct: Option<f64>,
    /// Local clock time (year, month, day, hour) for the sun, if the row gives it.
    pub clock: Option<(i32, u32, u32, f64)>,
}

/// Condition every class through `rows` from the initial dead moistures (fractions) at the first row: the station
/// lies at `station_elevation_m` (None: every class gets the station's temperature and humidity), latitude
/// `lat_deg`. Returns, for each row, the classes' moistures with which the period starting there burns.
pub fn condition(
    classes: &TerrainClasses,
    rows: &[RowObs],
    station_elevation_m: Option<f64>,
    lat_deg: f64,
    initial: &[[f64; 5]],
) -> Vec<Arc<MoistureGrid>> {
    // Per class, per row: [1h, 10h, 100h].
    let per_class: Vec<Vec<[f64; 3]>> = classes
        .sites
        .par_iter()
        .map(|site| {
            let mut sticks: Vec<Stick> = moisture::RADII_CM[..3].iter().map(|&r| Stick::new(r)).collect();
            let mut out = Vec::with_capacity(rows.len());
            let mut prev_t: Option<f64> = None;
            for r in rows {
                let rise = match station_elevation_m {
                    Some(e) if site.elevation_m.is_finite() => site.elevation_m - e,
                    _ => 0.0,
                };
                let init = initial[site.set as usize];
                let (t, rh) = moisture::site_weather(r.air_temp_c, r.rh_pct, rise);
                let solar = site_radiation(r, site, lat_deg);
                let obs = Observation { air_temp_c: t, rh_pct: rh, precip_mm: r.precip_mm, solar_w_m2: solar };
                match prev_t {
                    None => {
                        for (s, m) in sticks.iter_mut().zip(init) {
                            s.initialise(t, rh, solar, m);
                        }
                    }
                    Some(p) => {
                        for s in sticks.iter_mut() {
                            s.update((r.t_min - p) / 60.0, &obs);
                        }
                    }
                }
                prev_t = Some(r.t_min);
                out.push([sticks[0].moisture(), sticks[1].moisture(), sticks[2].moisture()]);
            }
            out
        })
        .collect();
    (0..rows.len())
        .map(|k| {
            Arc::new(MoistureGrid {
                class_of_cell: classes.class_of_cell.clone(),
                dead: per_class.iter().map(|c| c[k]).collect(),
                live: classes
                    .sites
                    .iter()
                    .map(|s| Some([initial[s.set as usize][3], initial[s.set as usize][4]]))
                    .collect(),
            })
        })
        .collect()
}

/// The sun on a class's fuels for one row: from cloud cover and clock time on the class's slope, aspect, elevation
/// and canopy; a measured (open, flat) radiation scaled by the ratio of the class's to open flat ground's; without
/// clock time, the measured radiation through the canopy only; else none.
fn site_radiation(r: &RowObs, site: &Site, lat: f64) -> f64 {
    // The station's own class (no terrain): open flat ground at sea level, as the station's sticks.
    let z = if site.elevation_m.is_finite() { site.elevation_m } else { 0.0 };
    let on = |cloud: f64, slope: f64, aspect: f64, z: f64, cover: f64| {
        r.clock.map(|(y, m, d, h)| moisture::terrain_radiation_w_m2(y, m, d, h, lat, cloud, slope, aspect, z, cover))
    };
    match (r.solar_w_m2, r.cloud_pct, r.clock) {
        (Some(s), _, Some(_)) => {
            let open = on(0.0, 0.0, 0.0, 0.0, 0.0).unwrap_or(0.0);
            let here = on(0.0, site.slope_deg, site.aspect_deg, z, site.cover_pct).unwrap_or(0.0);
            if open > 0.0 {
                s * here / open
            } else {
                0.0
            }
        }
        (Some(s), _, None) => s * (1.0 - site.cover_pct / 100.0),
        (None, Some(c), Some(_)) => on(c, site.slope_deg, site.aspect_deg, z, site.cover_pct).unwrap_or(0.0),
        _ => 0.0,
    }
}
