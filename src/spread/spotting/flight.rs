//! Ember flight: how many embers a cell launches, how far each flies (ELMFIRE's or Sardoy's lognormal, capped by
//! behave's maximum spotting distance) and where it lands across the wind; each cell's draws from its own stream.

use super::*;

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
