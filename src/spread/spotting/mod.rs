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
//! Randomness: each launching cell draws from its own stream keyed by the run's seed and the cell's index in the whole
//! landscape (whatever window of it a run read), so the embers of a cell are the same whatever the backend, the
//! thread count, the order in which cells are visited or the part of the landscape read.

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
    /// Where the run's grid lies in the whole landscape's, for the launching cells' random streams: column and row
    /// of its first cell and the landscape's columns (0: the run's grid is the landscape's). Set by the pipeline
    /// when only a window of the landscape was read, so that a cell throws the same embers whatever was read.
    #[serde(skip)]
    pub grid_origin: [usize; 3],
}

impl SpottingParams {
    /// Key of cell `i` of a grid of `cols` columns for its random stream: its index in the whole landscape.
    pub fn cell_key(&self, i: usize, cols: usize) -> usize {
        let [c0, r0, full_cols] = self.grid_origin;
        if full_cols == 0 {
            return i;
        }
        (r0 + i / cols) * full_cols + c0 + i % cols
    }
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
            grid_origin: [0; 3],
        }
    }
}

impl SpottingParams {
    /// Check the parameters; `name` gives each parameter's name in errors from its scenario key (`spotting.x` in
    /// scenarios, the flag on the command line).
    pub fn check(&self, name: impl Fn(&str) -> String) -> crate::Result<()> {
        let bad = |key: &str, v: f64, rule: &str| Err(crate::Error::value(name(key), v, rule));
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

mod burn;
mod flight;

pub use burn::*;
pub use flight::*;

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
