//! Spotting during spread: cells that burn as torching or crown fire, and surface fire cells above an intensity
//! threshold, launch embers at their arrival time; each ember flies downwind a lognormal distance and sideways a
//! normal offset, and lands; a landing ember ignites the cell it falls on with the probability of a burning firebrand
//! there (or FARSITE's spot probability), after a delay. Spot fires are sources added to the fire while it burns
//! ([`crate::spread::fire::Fire::add_source`]) and merge with it; a cell starts at most one spot fire.
//!
//! Every default below says where it comes from; README.md ("Spotting") tabulates how the demo responds to each.
//! - Launching cells (`launch`): `emberfall` (default) launches from passive and active crown fire cells, as FARSITE
//!   and ELMFIRE do by default (ELMFIRE user guide, Spotting: "only pixels that burn as passive or active crown
//!   fire trigger the spotting algorithm"), and from surface fire cells whose fireline intensity reaches
//!   `surface_intensity_kw_per_m` when it is above 0 (off by default; ELMFIRE documents 2000 kW/m for its
//!   `CRITICAL_SPOTTING_FIRELINE_INTENSITY`). Measured on the Thomas Fire landscape under the Santa Ana command of
//!   README.md ("Spotting"): crown fire launching burns 17 300 ha in 12 h, against the ~12 500 ha (31 000 acres)
//!   reported the morning after the Thomas Fire's ignition; surface launching from 2000 kW/m burns 30 700 ha.
//!   `farsite` launches from torching and crowning cells only, as FARSITE does (`BurnThread::CrownFire` calls
//!   `SpotFire` for active and passive crown fire, never for surface fire), with FARSITE's number of trees torching
//!   together (`Embers::Plume`: 1, 2 when CFB > 0.5 and cover > 50 %, and with CFB > 0.8 one more, 6 over 50 %
//!   cover, 10 over 80 %; an active crown fire's front of trees 5 m apart).
//! - Ember count: `embers_per_ha_per_mw` x (cell area, ha) x (fireline intensity, MW/m) expected per cell, drawn as
//!   its integer part plus one more with the probability of its fractional part, at most `max_embers_per_cell`.
//!   The defaults (10 per ha per MW/m, at most 50) are Emberfall's calibration parameters: no published value
//!   gives embers per launching cell, FARSITE lofts up to 16 ember sizes per perimeter point per time step and
//!   ELMFIRE draws NEMBERS_MIN..NEMBERS_MAX per spotting cell (1..1 by default). README.md's table gives the demo's
//!   response to each.
//! - Downwind distance (`distance_model`): lognormal, ln X ~ N(mu, sigma^2).
//!   - `elmfire` (default): mean m = a I^b U^c (I kW/m, U the 20-ft wind in mi/h, m in metres) and variance v = m d,
//!     mu = ln(m^2 / sqrt(v + m^2)), sigma = sqrt(ln(1 + v / m^2)), with ELMFIRE's published defaults a = 5,
//!     b = 0.3, c = 0.7, d = 250 m (ELMFIRE user guide, Spotting; Lautenberger 2017, Fire Safety J. 91: 768-775,
//!     calibrated on observed fire progressions). Under 40-55 km/h winds over a 14 MW/m shrub fire the mean is
//!     about 1 km, the distances behave's maximum spotting distance and the Santa Ana fires show.
//!   - `sardoy`: mu and sigma from the fireline intensity I (MW/m) and the 20-ft wind U (m/s) by Sardoy et al.
//!     (2008, Combustion and Flame 154: 478-488, eq. 14-15 as fitted in their fig. 9): buoyancy-dominated plumes
//!     (Froude number Fr <= 1) mu = 1.47 I^0.54 U^-0.55 + 1.14, sigma = 0.86 I^-0.21 U^0.44 + 0.19; wind-driven
//!     plumes (Fr > 1) mu = 1.32 I^0.26 U^0.11 - 0.02, sigma = 4.95 I^-0.01 U^-0.02 - 3.48. Fr = U / sqrt(g L_c),
//!     L_c = (I / (rho c_p T sqrt(g)))^(2/3) the plume's characteristic length (rho 1.1 kg/m3, c_p 1.0 kJ/kg/K,
//!     T 300 K). Sardoy's firebrands are the short-range ones of a line fire (a median of ~34 m at 14 MW/m and
//!     15 m/s): they rarely leave the burning front.
//! - Crosswind offset: normal, mean 0, standard deviation sigma_y = 0.92 D with D = (0.47 / 0.88^2) Var[X] / E[X]
//!   (Himoto & Tanaka 2005, Fire Safety Science 8: 433-444: sigma_y = 0.92 D, E[X] = 0.47 D^a, sigma_X = 0.88 D^b,
//!   solved for D from the downwind distribution's own moments).
//! - Maximum distance: behave's maximum spotting distance for the source ([`crate::physics::spot`]): torching trees
//!   (`torching_species`, `torching_dbh_m`, `torching_trees`, the cell's canopy height) for torching and crown fire
//!   cells, a wind-driven surface fire of the cell's flame length for surface fire cells, over the cell's canopy,
//!   flat terrain. Embers drawn beyond it burn out in flight (Albini's distance is where a firebrand can still
//!   ignite) and do not land. The run's summary gives the share of landed embers beyond half of it.
//! - Ignition: Schroeder's (1969) probability of ignition by a burning firebrand, the relation debris ignition uses
//!   ([`crate::physics::firebrand::schroeder_probability`]), with the cell's fuel temperature and the 1-h moisture of
//!   the weather period at landing; zero on cells that cannot burn or are wetter than extinction. With
//!   `spot_probability` (FARSITE's `FARSITE_SPOT_PROBABILITY`) a landed ember on burnable fuel ignites with that
//!   probability instead (FARSITE `Embers::Flight`: `PercentIgnition`). An ember landing nearer its source than
//!   `min_spot_distance_m` (`FARSITE_MINIMUM_SPOT_DISTANCE`) starts nothing. A landing ember that ignites starts a
//!   spot fire `spot_delay_min` after its launch (FARSITE's `FARSITE_SPOT_IGNITION_DELAY`; flight time is not
//!   modelled), unless the fire or an earlier spot fire reached the cell first (fate `overrun`). The fire advances in
//!   steps of the delay, at least [`MIN_STEP_MIN`]: with a shorter delay a spot fire starts at the end of the step
//!   in which its ember was launched, at most that step late (the run's notes say so).
//!
//! Randomness: each launching cell draws from its own stream keyed by the run's seed and the cell's index, so the
//! embers of a cell are the same whatever the backend, the thread count or the order in which cells are visited.

use rayon::prelude::*;

use serde::Deserialize;

use crate::error::Result;
use crate::landscape::Grid;
use crate::physics::behavior::{field, wind20_m_per_min};
use crate::physics::firebrand::schroeder_probability;
use crate::physics::spot::{self, Location, SpotSite, SpotSource};
use crate::rng::Rng;
use crate::spread::fire::Fire;
use crate::spread::params::behavior_at_arrival;
use crate::spread::sources::{Shape, Source};
use crate::units::{mi_per_h_from_m_per_min, pct_from_frac, KW_PER_MW, M2_PER_HA, M_PER_MIN_PER_M_PER_S};

/// How ember flight distances are drawn (module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DistanceModel {
    /// ELMFIRE's lognormal of mean a I^b U^c and variance m d.
    Elmfire,
    /// Sardoy et al. (2008).
    Sardoy,
}

/// Which cells launch embers, and how many trees torch together for the maximum distance (module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LaunchRule {
    /// Crown fire cells, and surface fire cells at or above `surface_intensity_kw_per_m`; `torching_trees` trees.
    Emberfall,
    /// FARSITE's: torching and crowning cells only, its number of trees torching together.
    Farsite,
}

/// The shortest step of a spotting run, min: the fire advances in steps of the spot delay, at least this.
pub const MIN_STEP_MIN: f64 = 1.0;

/// Spotting parameters (scenario `[spotting]`, command line `--spot-*`).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SpottingParams {
    /// Spotting on (`--no-spotting` turns it off).
    pub enabled: bool,
    /// Delay between an ember's launch and the spot fire it starts, min (0..1440; FARSITE's SPOT_IGNITION_DELAY).
    /// Scenario key `spot_delay`: a duration (`10min`) or minutes.
    #[serde(rename = "spot_delay", deserialize_with = "delay_de")]
    pub spot_delay_min: f64,
    /// Expected embers per hectare of launching cell per MW/m of fireline intensity.
    pub embers_per_ha_per_mw: f64,
    /// At most this many embers per cell.
    pub max_embers_per_cell: u32,
    /// Surface fire cells launch embers too where their fireline intensity reaches this, kW/m (0: never).
    pub surface_intensity_kw_per_m: f64,
    /// Which cells launch embers.
    pub launch: LaunchRule,
    /// How flight distances are drawn.
    pub distance_model: DistanceModel,
    /// ELMFIRE's distance coefficients: mean a I^b U^c m (I kW/m, U mi/h), variance m d (d in m).
    pub elmfire_a: f64,
    pub elmfire_b: f64,
    pub elmfire_c: f64,
    pub elmfire_d_m: f64,
    /// Probability that a landed ember on burnable fuel ignites (FARSITE_SPOT_PROBABILITY); none: Schroeder's.
    pub spot_probability: Option<f64>,
    /// Embers landing nearer their source than this start nothing, m (FARSITE_MINIMUM_SPOT_DISTANCE).
    pub min_spot_distance_m: f64,
    /// Torching trees for behave's maximum spotting distance: species (A79 Table 1 name or code), diameter at breast
    /// height (m), number of trees torching together.
    #[serde(deserialize_with = "species_de", serialize_with = "species_ser")]
    pub torching_species: usize,
    pub torching_dbh_m: f64,
    pub torching_trees: f64,
}

impl Default for SpottingParams {
    fn default() -> Self {
        SpottingParams {
            enabled: true,
            // Emberfall's default; FARSITE takes it from FARSITE_SPOT_IGNITION_DELAY.
            spot_delay_min: 10.0,
            embers_per_ha_per_mw: 10.0,
            max_embers_per_cell: 50,
            surface_intensity_kw_per_m: 0.0,
            launch: LaunchRule::Emberfall,
            distance_model: DistanceModel::Elmfire,
            elmfire_a: 5.0,
            elmfire_b: 0.3,
            elmfire_c: 0.7,
            elmfire_d_m: 250.0,
            spot_probability: None,
            min_spot_distance_m: 0.0,
            // Emberfall's default torching source for behave's maximum distance: Albini's (1979, INT-56, table 1)
            // Douglas-fir, 0.3 m DBH, 5 trees torching together.
            torching_species: 1,
            torching_dbh_m: 0.3,
            torching_trees: 5.0,
        }
    }
}

impl SpottingParams {
    /// Check the parameters; `name` gives each parameter's name in errors from its scenario key (`spotting.x` in
    /// scenarios, the flag on the command line).
    pub fn check(&self, name: impl Fn(&str) -> String) -> crate::Result<()> {
        let bad = |key: &str, v: f64, rule: &str| Err(crate::Error::Invalid(format!("{} {v}: {rule}", name(key))));
        if !(self.spot_delay_min.is_finite() && self.spot_delay_min >= 0.0 && self.spot_delay_min <= 1440.0) {
            return bad("spot_delay", self.spot_delay_min, "must be between 0 and 1440 min");
        }
        if !(self.embers_per_ha_per_mw.is_finite() && self.embers_per_ha_per_mw >= 0.0) {
            return bad("embers_per_ha_per_mw", self.embers_per_ha_per_mw, "must be finite and not negative");
        }
        if self.max_embers_per_cell > 100_000 {
            return bad("max_embers_per_cell", self.max_embers_per_cell as f64, "must be at most 100000");
        }
        if !(self.surface_intensity_kw_per_m.is_finite() && self.surface_intensity_kw_per_m >= 0.0) {
            return bad("surface_intensity_kw_per_m", self.surface_intensity_kw_per_m, "must be finite, >= 0");
        }
        for (key, v) in [("elmfire_a", self.elmfire_a), ("elmfire_d_m", self.elmfire_d_m)] {
            if !(v.is_finite() && v > 0.0) {
                return bad(key, v, "must be positive");
            }
        }
        for (key, v) in [("elmfire_b", self.elmfire_b), ("elmfire_c", self.elmfire_c)] {
            if !(v.is_finite() && (0.0..=3.0).contains(&v)) {
                return bad(key, v, "must be an exponent between 0 and 3");
            }
        }
        if let Some(p) = self.spot_probability {
            if !(p.is_finite() && (0.0..=1.0).contains(&p)) {
                return bad("spot_probability", p, "must be a probability between 0 and 1");
            }
        }
        if !(self.min_spot_distance_m.is_finite() && self.min_spot_distance_m >= 0.0) {
            return bad("min_spot_distance_m", self.min_spot_distance_m, "must be finite, >= 0");
        }
        if self.torching_species >= spot::SPECIES.len() {
            return bad("torching_species", self.torching_species as f64, "unknown species code (0..13)");
        }
        if !(self.torching_dbh_m.is_finite() && self.torching_dbh_m > 0.0 && self.torching_dbh_m < 5.0) {
            return bad("torching_dbh_m", self.torching_dbh_m, "must be between 0 and 5 m");
        }
        if !(self.torching_trees.is_finite() && self.torching_trees >= 1.0 && self.torching_trees <= 1000.0) {
            return bad("torching_trees", self.torching_trees, "must be between 1 and 1000");
        }
        Ok(())
    }

    /// The fire's step between launches, min: the spot delay, at least [`MIN_STEP_MIN`].
    pub fn step_min(&self) -> f64 {
        self.spot_delay_min.max(MIN_STEP_MIN)
    }

    /// What this spotting takes from Emberfall's own models rather than FARSITE's, and where it departs from the
    /// delay asked for: lines for the run's notes (empty when spotting is off).
    pub fn notes(&self) -> Vec<String> {
        if !self.enabled {
            return Vec::new();
        }
        let mut n = Vec::new();
        if self.launch == LaunchRule::Farsite {
            n.push(format!(
                "spotting: FARSITE's launching rule (torching and crowning cells) and spot probability{}; ember counts \
                 ({} per ha per MW/m) and flight distances ({}) are Emberfall's, not FARSITE's flight of 16 ember \
                 sizes through Albini's plume",
                self.spot_probability.map_or(String::new(), |p| format!(" {p}")),
                self.embers_per_ha_per_mw,
                match self.distance_model {
                    DistanceModel::Elmfire => "ELMFIRE's lognormal",
                    DistanceModel::Sardoy => "Sardoy's lognormal",
                }
            ));
        }
        if self.spot_delay_min < MIN_STEP_MIN {
            n.push(format!(
                "spotting: spot ignition delay {} min is below the {MIN_STEP_MIN} min step: a spot fire starts at the \
                 end of the step its ember was launched in, at most {} min after launch + delay",
                self.spot_delay_min,
                MIN_STEP_MIN - self.spot_delay_min
            ));
        }
        n
    }
}

fn delay_de<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<f64, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum T {
        Minutes(f64),
        Text(String),
    }
    match T::deserialize(d)? {
        T::Minutes(m) => Ok(m),
        T::Text(t) => crate::quantity::duration_min(&t, "spotting.spot_delay").map_err(serde::de::Error::custom),
    }
}

fn species_de<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<usize, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum S {
        Code(usize),
        Name(String),
    }
    let s = match S::deserialize(d)? {
        S::Code(c) => c.to_string(),
        S::Name(n) => n,
    };
    spot::species_parse(&s).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "torching_species `{s}`: use a code 0..13 or one of {}",
            spot::SPECIES.join(", ")
        ))
    })
}

fn species_ser<S: serde::Serializer>(v: &usize, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(spot::SPECIES.get(*v).copied().unwrap_or("?"))
}

/// Air density (kg/m3), specific heat (kJ/kg/K), temperature (K) and gravity (m/s2) of Sardoy's plume scaling.
const RHO_AIR: f64 = 1.1;
const CP_AIR: f64 = 1.0;
const T_AIR: f64 = 300.0;
const G: f64 = 9.81;

/// Froude number of the plume (Sardoy et al. 2008): U / sqrt(g L_c), L_c = (I / (rho c_p T sqrt(g)))^(2/3);
/// fireline intensity kW/m, 20-ft wind m/s.
pub fn froude_number(intensity_kw_per_m: f64, wind20_m_per_s: f64) -> f64 {
    let lc = (intensity_kw_per_m.max(1e-9) / (RHO_AIR * CP_AIR * T_AIR * G.sqrt())).powf(2.0 / 3.0);
    wind20_m_per_s / (G * lc).sqrt()
}

/// (mu, sigma) of ln(downwind distance / 1 m), Sardoy et al. (2008); fireline intensity kW/m, 20-ft wind m/s
/// (floored at 0.1 m/s, where the fits' powers of U stay finite).
pub fn sardoy_lognormal(intensity_kw_per_m: f64, wind20_m_per_s: f64) -> (f64, f64) {
    let i = (intensity_kw_per_m / KW_PER_MW).max(1e-6);
    let u = wind20_m_per_s.max(0.1);
    if froude_number(intensity_kw_per_m, u) <= 1.0 {
        (1.47 * i.powf(0.54) * u.powf(-0.55) + 1.14, 0.86 * i.powf(-0.21) * u.powf(0.44) + 0.19)
    } else {
        (1.32 * i.powf(0.26) * u.powf(0.11) - 0.02, 4.95 * i.powf(-0.01) * u.powf(-0.02) - 3.48)
    }
}

/// Mean and standard deviation of a lognormal with parameters (mu, sigma).
pub fn lognormal_mean_sd(mu: f64, sigma: f64) -> (f64, f64) {
    let mean = (mu + 0.5 * sigma * sigma).exp();
    (mean, mean * ((sigma * sigma).exp() - 1.0).sqrt())
}

/// (mu, sigma) of ln(downwind distance / 1 m) by ELMFIRE's lognormal (module docs): mean m = a I^b U^c (I kW/m,
/// U the 20-ft wind in mi/h), at least 1 m, and variance v = m d.
pub fn elmfire_lognormal(p: &SpottingParams, intensity_kw_per_m: f64, wind20_m_per_min: f64) -> (f64, f64) {
    let u_mph = mi_per_h_from_m_per_min(wind20_m_per_min.max(0.0));
    let m = (p.elmfire_a * intensity_kw_per_m.max(0.0).powf(p.elmfire_b) * u_mph.powf(p.elmfire_c)).max(1.0);
    let v = m * p.elmfire_d_m;
    ((m * m / (v + m * m).sqrt()).ln(), (1.0 + v / (m * m)).ln().sqrt())
}

/// (mu, sigma) of ln(downwind distance / 1 m) by the parameters' distance model, from the fireline intensity, kW/m,
/// and the 20-ft wind, m/min.
pub fn downwind_lognormal(p: &SpottingParams, intensity_kw_per_m: f64, wind20_m_per_min: f64) -> (f64, f64) {
    match p.distance_model {
        DistanceModel::Elmfire => elmfire_lognormal(p, intensity_kw_per_m, wind20_m_per_min),
        DistanceModel::Sardoy => sardoy_lognormal(intensity_kw_per_m, wind20_m_per_min / M_PER_MIN_PER_M_PER_S),
    }
}

/// FARSITE's number of trees torching together (`Embers::Plume`): for a passive crown fire 1, plus 1 when the crown
/// fraction burned exceeds 0.5 and canopy cover 50 %; with CFB above 0.8 one more, 6 over 50 % cover, 10 over 80 %;
/// for an active crown fire the trees along the front, 5 m apart (`front_m` / 5, at least 1).
pub fn farsite_torching_trees(active: bool, crown_fraction_burned: f64, canopy_cover_pct: f64, front_m: f64) -> f64 {
    if active {
        return (front_m / 5.0).floor().max(1.0);
    }
    let mut n: f64 = 1.0;
    if crown_fraction_burned > 0.5 && canopy_cover_pct > 50.0 {
        n += 1.0;
    }
    if crown_fraction_burned > 0.8 {
        n += 1.0;
        if canopy_cover_pct > 50.0 {
            n = 6.0;
        }
        if canopy_cover_pct > 80.0 {
            n = 10.0;
        }
    }
    n
}

/// Crosswind standard deviation, m (Himoto & Tanaka 2005; see the module docs).
pub fn crosswind_sigma_m(mu: f64, sigma: f64) -> f64 {
    let (mean, sd) = lognormal_mean_sd(mu, sigma);
    0.92 * (0.47 / (0.88 * 0.88)) * sd * sd / mean
}

/// Expected embers from a cell of `cell_area_m2` burning at `intensity_kw_per_m`.
pub fn expected_embers(p: &SpottingParams, intensity_kw_per_m: f64, cell_area_m2: f64) -> f64 {
    p.embers_per_ha_per_mw * (cell_area_m2 / M2_PER_HA) * (intensity_kw_per_m.max(0.0) / KW_PER_MW)
}

/// behave's maximum spotting distance, m, from a launching cell: `torching_trees` trees of the cell's canopy height
/// torching together for torching and crown fire, a surface fire of `flame_length_m` otherwise, over the cell's
/// canopy, flat terrain.
pub fn max_distance_m(
    p: &SpottingParams,
    crown: bool,
    torching_trees: f64,
    flame_length_m: f64,
    canopy_height_m: f64,
    canopy_cover_frac: f64,
    wind20_m_per_min: f64,
) -> f64 {
    let source = if crown {
        SpotSource::TorchingTrees {
            species: p.torching_species,
            dbh_m: p.torching_dbh_m,
            tree_height_m: canopy_height_m,
            n_trees: torching_trees,
        }
    } else {
        SpotSource::SurfaceFire { flame_length_m }
    };
    let site = SpotSite {
        wind20_m_per_min,
        downwind_cover_height_m: canopy_height_m,
        open_canopy: canopy_cover_frac < 0.5,
        location: Location::MidslopeWindward,
        ridge_to_valley_distance_m: 0.0,
        ridge_to_valley_elevation_m: 0.0,
    };
    spot::spotting(&source, &site).flat_distance_m.max(0.0)
}

/// The random stream of launching cell `cell` in the run of `seed`.
pub fn cell_stream(seed: u64, cell: usize) -> Rng {
    Rng::stream(seed ^ (cell as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(17), "spotting")
}

/// One ember's flight: downwind distance and crosswind offset, m (positive to the right of the wind).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Flight {
    pub downwind_m: f64,
    pub crosswind_m: f64,
}

/// The embers a cell launches: their count (from `expected`, capped) and flights, from the cell's own stream. The
/// same stream then draws each ember's ignition: [`Rng::uniform`] once per ember, in order, after the flights.
pub fn launch(p: &SpottingParams, rng: &mut Rng, expected: f64, mu: f64, sigma: f64, sigma_y_m: f64) -> Vec<Flight> {
    let whole = expected.floor();
    let extra = (rng.uniform() < expected - whole) as u32;
    let n = ((whole.min(u32::MAX as f64) as u32).saturating_add(extra)).min(p.max_embers_per_cell);
    (0..n)
        .map(|_| Flight { downwind_m: (mu + sigma * rng.normal()).exp(), crosswind_m: sigma_y_m * rng.normal() })
        .collect()
}

/// A launched ember and its fate (a feature of spot_fires.gpkg).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Ember {
    /// Launching cell (raster index) and its arrival (launch) time, min.
    pub source_cell: usize,
    pub launch_min: f64,
    /// Landing point, landscape CRS.
    pub x: f64,
    pub y: f64,
    /// Downwind distance flown, m.
    pub distance_m: f64,
    /// behave's maximum spotting distance from its source, m (beyond it an ember burns out in flight).
    pub max_distance_m: f64,
    /// Probability that it ignites where it lands (0 off the landscape, beyond the maximum distance, on unburnable
    /// ground or fuel wetter than extinction).
    pub ignition_probability: f64,
    /// What became of it.
    pub fate: EmberFate,
    /// Time its spot fire starts, min (launch + spot delay).
    pub spot_min: f64,
}

/// The fate of an ember.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EmberFate {
    /// It started a spot fire.
    Ignited,
    /// It landed and did not ignite (dice, unburnable fuel or fuel wetter than extinction).
    NoIgnition,
    /// It landed nearer its source than the minimum spot distance.
    TooClose,
    /// It would have ignited, but the fire or an earlier spot fire reached its cell first.
    Overrun,
    /// It flew beyond behave's maximum spotting distance and burned out.
    BurnedOut,
    /// It landed off the landscape.
    OffLandscape,
}

impl EmberFate {
    pub fn name(self) -> &'static str {
        match self {
            EmberFate::Ignited => "ignited",
            EmberFate::NoIgnition => "no_ignition",
            EmberFate::TooClose => "too_close",
            EmberFate::Overrun => "overrun",
            EmberFate::BurnedOut => "burned_out",
            EmberFate::OffLandscape => "off_landscape",
        }
    }
}

/// Counts of a run's spotting for summaries.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct SpottingCounts {
    pub launching_cells: usize,
    pub embers_launched: usize,
    /// Embers that came down on the landscape within behave's maximum distance.
    pub embers_landed: usize,
    pub spot_fires: usize,
    /// Mean and largest downwind distance of the landed embers, m (0 without any).
    pub landed_mean_distance_m: f64,
    pub landed_max_distance_m: f64,
    /// Share of the landed embers beyond half of behave's maximum spotting distance from their source.
    pub landed_beyond_half_max_share: f64,
}

impl SpottingCounts {
    pub fn of(embers: &[Ember], launching_cells: usize) -> SpottingCounts {
        let landed: Vec<&Ember> = embers
            .iter()
            .filter(|e| {
                matches!(e.fate, EmberFate::Ignited | EmberFate::NoIgnition | EmberFate::TooClose | EmberFate::Overrun)
            })
            .collect();
        let n = landed.len();
        let share = |f: &dyn Fn(&Ember) -> bool| {
            if n == 0 {
                0.0
            } else {
                landed.iter().filter(|e| f(e)).count() as f64 / n as f64
            }
        };
        SpottingCounts {
            launching_cells,
            embers_launched: embers.len(),
            embers_landed: n,
            spot_fires: embers.iter().filter(|e| e.fate == EmberFate::Ignited).count(),
            landed_mean_distance_m: if n == 0 {
                0.0
            } else {
                landed.iter().map(|e| e.distance_m).sum::<f64>() / n as f64
            },
            landed_max_distance_m: landed.iter().map(|e| e.distance_m).fold(0.0, f64::max),
            landed_beyond_half_max_share: share(&|e| e.distance_m > 0.5 * e.max_distance_m),
        }
    }
}

/// A fire's spotting: every ember launched and the number of cells that launched them.
#[derive(Clone, Debug, Default)]
pub struct SpottingRun {
    pub embers: Vec<Ember>,
    pub launching_cells: usize,
    /// Time spent launching, flying and igniting embers and adding spot fires, s (not growing the fire).
    pub launch_s: f64,
}

impl SpottingRun {
    /// The embers' times in clock time (a fire run in fire time under burn periods).
    pub fn into_clock(mut self, clock: &super::clock::BurnClock) -> SpottingRun {
        for e in &mut self.embers {
            e.launch_min = clock.to_clock(e.launch_min);
            e.spot_min = clock.to_clock(e.spot_min);
        }
        self
    }

    pub fn counts(&self) -> SpottingCounts {
        SpottingCounts::of(&self.embers, self.launching_cells)
    }
}

/// Grow `fire` to `t_end` min with spotting: the fire advances in steps of the spot delay; after each step the cells
/// it reached launch their embers ([`launch`]), and the embers that ignite become sources at launch + delay (never
/// before the fire's current time, which the step length guarantees). `fuel_temp_c` is the per-cell fuel temperature
/// of the ignition relation, `seed` the run's seed.
pub fn burn_with_spotting(
    fire: &mut Fire,
    grid: &Grid,
    fuel_temp_c: &[f32],
    p: &SpottingParams,
    seed: u64,
    t_end: f64,
    progress: &mut dyn FnMut(f64),
) -> Result<SpottingRun> {
    let mut runs = burn_batch_with_spotting(fire, grid, fuel_temp_c, p, &[seed], t_end, progress)?;
    Ok(runs.swap_remove(0))
}

/// [`burn_with_spotting`] for a batch of fires swept side by side ([`Fire::batch`]), fire `r` spotting from
/// `seeds[r]`: each fire's embers are those it would throw alone.
pub fn burn_batch_with_spotting(
    fire: &mut Fire,
    grid: &Grid,
    fuel_temp_c: &[f32],
    p: &SpottingParams,
    seeds: &[u64],
    t_end: f64,
    progress: &mut dyn FnMut(f64),
) -> Result<Vec<SpottingRun>> {
    let n = grid.len();
    let cols = grid.cols;
    let cell_area = grid.dx() * grid.dy();
    let nr = fire.runs();
    if seeds.len() != nr {
        return Err(crate::error::Error::Invalid(format!("{} seeds for a batch of {nr} fires", seeds.len())));
    }
    // The cells each step newly burned: read incrementally (a cost of the new cells, not of all burned ones).
    let mut tracker = crate::spread::fire::BurnTracker::default();
    // Cells where a spot fire was started: a cell starts at most one (the earliest; FARSITE's spot grid too).
    let mut spotted = vec![vec![false; n]; nr];
    let mut runs = vec![SpottingRun::default(); nr];
    let cell_size_m = grid.dx().abs().min(grid.dy().abs());
    let mut t = fire.time_min();
    fire.end_windows_at_steps();
    while t < t_end {
        let t_next = (t + p.step_min()).min(t_end);
        fire.advance_to(t_next, progress)?;
        let t_launch = std::time::Instant::now();
        let reached = fire.newly_burned_by_run(&mut tracker)?;
        let batch_runs = reached.len().max(1) as f64;
        for (r, new) in reached.into_iter().enumerate() {
            let seed = seeds[r];
            let (cells, stream, opts) = fire.setting();
            let beh = behavior_at_arrival(cells, &new, stream, opts);
            let per_cell: Vec<Option<Vec<Ember>>> = new
                .par_iter()
                .zip(beh)
                .map(|(&(i, ta), b)| {
                    let (w, o) = b?;
                    let kind = o[field::CROWN_FIRE_TYPE];
                    let intensity = o[field::FIRELINE_INTENSITY];
                    let crown = kind >= 2.0;
                    let surface = p.launch == LaunchRule::Emberfall
                        && p.surface_intensity_kw_per_m > 0.0
                        && intensity >= p.surface_intensity_kw_per_m;
                    if !(crown || surface) || intensity <= 0.0 {
                        return None;
                    }
                    let row = &cells.rows[i];
                    let fuel = &cells.fuels[row.fuel_index as usize];
                    let u20 = wind20_m_per_min(&w, fuel, row);
                    let (mu, sigma) = downwind_lognormal(p, intensity, u20);
                    let sigma_y = crosswind_sigma_m(mu, sigma);
                    let trees = match p.launch {
                        LaunchRule::Emberfall => p.torching_trees,
                        LaunchRule::Farsite => farsite_torching_trees(
                            kind >= 3.0,
                            o[field::CROWN_FRACTION_BURNED],
                            pct_from_frac(row.canopy_cover_frac as f64),
                            cell_size_m,
                        ),
                    };
                    let cap = max_distance_m(
                        p,
                        crown,
                        trees,
                        o[field::FLAME_LENGTH],
                        row.canopy_height_m as f64,
                        row.canopy_cover_frac as f64,
                        u20,
                    );
                    let mut rng = cell_stream(seed, i);
                    let flights = launch(p, &mut rng, expected_embers(p, intensity, cell_area), mu, sigma, sigma_y);
                    let az = w.wind_toward_deg().to_radians();
                    let (cx, cy) = grid.cell_center(i / cols, i % cols);
                    let t_spot = ta as f64 + p.spot_delay_min;
                    let m1h = stream.periods[stream.period_at(t_spot)].weather.moisture.dead_1h;
                    let embers = flights
                        .iter()
                        .map(|f| {
                            let dice = rng.uniform();
                            let x = cx + f.downwind_m * az.sin() + f.crosswind_m * az.cos();
                            let y = cy + f.downwind_m * az.cos() - f.crosswind_m * az.sin();
                            let mut e = Ember {
                                source_cell: i,
                                launch_min: ta as f64,
                                x,
                                y,
                                distance_m: f.downwind_m,
                                max_distance_m: cap,
                                ignition_probability: 0.0,
                                fate: EmberFate::NoIgnition,
                                spot_min: t_spot,
                            };
                            let (fr, fc) = grid.fractional_cell(x, y);
                            if f.downwind_m > cap {
                                e.fate = EmberFate::BurnedOut;
                            } else if !(fr >= 0.0 && fc >= 0.0 && fr < grid.rows as f64 && fc < cols as f64) {
                                e.fate = EmberFate::OffLandscape;
                            } else if f.downwind_m.hypot(f.crosswind_m) < p.min_spot_distance_m {
                                e.fate = EmberFate::TooClose;
                            } else {
                                let j = fr as usize * cols + fc as usize;
                                let k = cells.fuel_index(j);
                                let can = k != u32::MAX && {
                                    let m = &cells.fuels[k as usize];
                                    m.is_burnable() && m1h < m.mx_dead_frac
                                };
                                // Ground the fire reaches first is sorted out at the end (below): deciding it here
                                // would hinge on arrival times equal to the spot time within rounding.
                                if can {
                                    e.ignition_probability = p
                                        .spot_probability
                                        .unwrap_or_else(|| schroeder_probability(fuel_temp_c[j] as f64, m1h));
                                    if dice < e.ignition_probability {
                                        e.fate = EmberFate::Ignited;
                                    }
                                }
                            }
                            e
                        })
                        .collect();
                    Some(embers)
                })
                .collect();
            let t_now = fire.time_min();
            let first = runs[r].embers.len();
            for embers in per_cell.into_iter().flatten() {
                runs[r].launching_cells += 1;
                runs[r].embers.extend(embers);
            }
            // The step's igniting embers in the order their spot fires start (ties: launching cell, then draw
            // order): the first in a cell starts its spot fire, the others find it burning.
            let mut order: Vec<usize> =
                (first..runs[r].embers.len()).filter(|&k| runs[r].embers[k].fate == EmberFate::Ignited).collect();
            order.sort_by(|&a, &b| runs[r].embers[a].spot_min.total_cmp(&runs[r].embers[b].spot_min).then(a.cmp(&b)));
            for k in order {
                let e = &mut runs[r].embers[k];
                let (fr, fc) = grid.fractional_cell(e.x, e.y);
                let j = fr as usize * cols + fc as usize;
                if spotted[r][j] {
                    e.fate = EmberFate::Overrun;
                } else {
                    spotted[r][j] = true;
                    fire.add_source_to(r, &Source { shape: Shape::Point(e.x, e.y), t_min: e.spot_min.max(t_now) })?;
                }
            }
        }
        let dt = t_launch.elapsed().as_secs_f64() / batch_runs;
        for run in runs.iter_mut() {
            run.launch_s += dt;
        }
        t = t_next;
    }
    // A spot fire whose cell the fire reached before it started did not start a fire of its own.
    for (r, cells_r) in fire.burned_cells_by_run()?.into_iter().enumerate() {
        let mut arrival = vec![f32::INFINITY; n];
        for (i, t) in cells_r {
            arrival[i] = t;
        }
        for e in runs[r].embers.iter_mut().filter(|e| e.fate == EmberFate::Ignited) {
            let (fr, fc) = grid.fractional_cell(e.x, e.y);
            let j = fr as usize * cols + fc as usize;
            if (arrival[j] as f64) < e.spot_min - 1e-3 {
                e.fate = EmberFate::Overrun;
            }
        }
    }
    Ok(runs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sardoy_regimes_follow_the_froude_number() {
        // Strong wind over a weak fire is wind-driven, a calm over an intense fire buoyancy-driven.
        assert!(froude_number(1000.0, 15.0) > 1.0);
        assert!(froude_number(50_000.0, 1.0) < 1.0);
        // Sardoy et al. (2008) fig. 9: at 30 MW/m and 11.17 m/s (Fr > 1), mu about 4.2 and sigma about 1.0.
        let (mu, sigma) = sardoy_lognormal(30_000.0, 11.17);
        assert!((mu - 4.2).abs() < 0.1 && (sigma - 1.0).abs() < 0.15, "{mu} {sigma}");
    }

    #[test]
    fn the_default_parameters_pass_their_check() {
        SpottingParams::default().check(|k| format!("spotting.{k}")).unwrap();
        let bad = SpottingParams { spot_delay_min: -1.0, ..Default::default() };
        let e = bad.check(|k| format!("spotting.{k}")).unwrap_err().to_string();
        assert!(e.contains("spotting.spot_delay"), "{e}");
    }
}
