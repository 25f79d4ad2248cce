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
use crate::units::{frac_from_pct, pct_from_frac, MIN_PER_H};

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
                let cover = ls.canopy_cover_frac.as_ref().map_or(0.0, |c| pct_from_frac(c[i] as f64).clamp(0.0, 100.0));
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

/// Where the classes' dead moistures come from: given (one value per class, every period), or Nelson's sticks run
/// per class through the stream's rows, each class on first use (a fire reaches a small share of a landscape's
/// classes) and kept.
#[derive(Debug)]
enum Source {
    Given(Vec<[f64; 3]>),
    Conditioned {
        rows: Vec<RowObs>,
        station_elevation_m: Option<f64>,
        lat_deg: f64,
        /// Per class: the moistures after each row.
        series: Vec<std::sync::OnceLock<Vec<[f64; 3]>>>,
    },
}

/// The moistures of a landscape's classes of cells through a stream, computed lazily and shared by its periods.
#[derive(Debug)]
pub struct ClassSeries {
    pub classes: TerrainClasses,
    /// Initial moistures (fractions: 1-h, 10-h, 100-h, herb, woody) of each set.
    initial: Vec<[f64; 5]>,
    source: Source,
}

impl ClassSeries {
    /// Dead moistures of class `k` after row `row`.
    fn dead(&self, k: usize, row: usize) -> [f64; 3] {
        match &self.source {
            Source::Given(v) => v[k],
            Source::Conditioned { rows, station_elevation_m, lat_deg, series } => series[k].get_or_init(|| {
                condition_site(&self.classes.sites[k], rows, *station_elevation_m, *lat_deg, &self.initial)
            })[row],
        }
    }

    /// Condition every class now (in parallel), as a whole-landscape product needs them.
    pub fn condition_all(&self) {
        if let Source::Conditioned { .. } = &self.source {
            (0..self.classes.sites.len()).into_par_iter().for_each(|k| {
                self.dead(k, 0);
            });
        }
    }

    /// Classes conditioned so far (all of them for given moistures).
    pub fn conditioned(&self) -> usize {
        match &self.source {
            Source::Given(v) => v.len(),
            Source::Conditioned { series, .. } => series.iter().filter(|s| s.get().is_some()).count(),
        }
    }
}

/// Dead fuel moistures of one weather period per class of cells (a row of a [`ClassSeries`]).
#[derive(Debug, Clone)]
pub struct MoistureGrid {
    pub series: Arc<ClassSeries>,
    pub row: usize,
}

impl PartialEq for MoistureGrid {
    fn eq(&self, o: &MoistureGrid) -> bool {
        Arc::ptr_eq(&self.series, &o.series) && self.row == o.row
    }
}

impl MoistureGrid {
    /// Number of classes.
    pub fn classes(&self) -> usize {
        self.series.classes.sites.len()
    }

    /// Class of cell `i`, if it has one.
    pub fn class_of(&self, i: usize) -> Option<usize> {
        self.series.classes.class_of_cell.get(i).copied().filter(|&k| k != u32::MAX).map(|k| k as usize)
    }

    /// Dead moistures (fractions) of cell `i`, if it has a class.
    pub fn at(&self, i: usize) -> Option<[f64; 3]> {
        self.class_of(i).map(|k| self.series.dead(k, self.row))
    }

    /// A period's moistures `m` with class `k`'s: its dead moistures, and its set's live moistures (the period's
    /// for the run's own set).
    pub fn moisture_of_class(
        &self,
        k: usize,
        m: &crate::physics::surface::Moisture,
    ) -> crate::physics::surface::Moisture {
        let d = self.series.dead(k, self.row);
        let set = self.series.classes.sites[k].set as usize;
        let (live_herb, live_woody) = if set == 0 {
            (m.live_herb, m.live_woody)
        } else {
            (self.series.initial[set][3], self.series.initial[set][4])
        };
        crate::physics::surface::Moisture { dead_1h: d[0], dead_10h: d[1], dead_100h: d[2], live_herb, live_woody }
    }

    /// A period's moistures `m` at cell `i` (the cell's class's, if it has one).
    pub fn moisture_at(
        &self,
        i: usize,
        m: &crate::physics::surface::Moisture,
    ) -> Option<crate::physics::surface::Moisture> {
        self.class_of(i).map(|k| self.moisture_of_class(k, m))
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

/// The classes' moistures through `rows`, conditioned from each set's initial moistures (fractions) at the first
/// row, lazily per class: the station lies at `station_elevation_m` (None: every class gets the station's
/// temperature and humidity), latitude `lat_deg`. Returns, for each row, the grid with which the period starting
/// there burns.
pub fn condition(
    classes: TerrainClasses,
    rows: &[RowObs],
    station_elevation_m: Option<f64>,
    lat_deg: f64,
    initial: &[[f64; 5]],
) -> Vec<Arc<MoistureGrid>> {
    let n = classes.sites.len();
    let series = Arc::new(ClassSeries {
        classes,
        initial: initial.to_vec(),
        source: Source::Conditioned {
            rows: rows.to_vec(),
            station_elevation_m,
            lat_deg,
            series: (0..n).map(|_| std::sync::OnceLock::new()).collect(),
        },
    });
    (0..rows.len()).map(|row| Arc::new(MoistureGrid { series: series.clone(), row })).collect()
}

/// The classes' moistures held at each set's initial values (no conditioning stream).
pub fn given(classes: TerrainClasses, initial: &[[f64; 5]]) -> Arc<MoistureGrid> {
    let dead = classes.sites.iter().map(|s| {
        let m = initial[s.set as usize];
        [m[0], m[1], m[2]]
    });
    let dead = dead.collect();
    Arc::new(MoistureGrid {
        series: Arc::new(ClassSeries { classes, initial: initial.to_vec(), source: Source::Given(dead) }),
        row: 0,
    })
}

/// One class conditioned through `rows`: its moistures after each row.
fn condition_site(
    site: &Site,
    rows: &[RowObs],
    station_elevation_m: Option<f64>,
    lat_deg: f64,
    initial: &[[f64; 5]],
) -> Vec<[f64; 3]> {
    let mut sticks: Vec<Stick> = moisture::RADII_CM[..3].iter().map(|&r| Stick::new(r)).collect();
    let mut out = Vec::with_capacity(rows.len());
    let mut prev_t: Option<f64> = None;
    let init = initial[site.set as usize];
    for r in rows {
        let rise = match station_elevation_m {
            Some(e) if site.elevation_m.is_finite() => site.elevation_m - e,
            _ => 0.0,
        };
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
                    s.update((r.t_min - p) / MIN_PER_H, &obs);
                }
            }
        }
        prev_t = Some(r.t_min);
        out.push([sticks[0].moisture(), sticks[1].moisture(), sticks[2].moisture()]);
    }
    out
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
        (Some(s), _, None) => s * (1.0 - frac_from_pct(site.cover_pct)),
        (None, Some(c), Some(_)) => on(c, site.slope_deg, site.aspect_deg, z, site.cover_pct).unwrap_or(0.0),
        _ => 0.0,
    }
}
