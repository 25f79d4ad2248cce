//! Maximum spotting distance, as BehavePlus's SPOT module (the behave library) computes it: firebrands lofted by a
//! surface fire, by torching trees or by a burning pile, carried by the 20-ft wind over a downwind canopy, on flat
//! ground and in ridge-valley terrain. The published equations are in US units (ft, mi, mi/h); they are kept in
//! those units inside each function, with SI at the interface.
//!
//! References:
//! - Albini, F.A. 1979. Spot fire distance from burning trees: a predictive model. INT-56. `A79`: steady flame
//!   height and duration of torching trees (Table 1 species coefficients), firebrand lofting height (Table 2 factor
//!   rows), flat-terrain distance over a canopy (eq. 29-31).
//! - Albini, F.A. 1981. Spot fire distance from isolated sources: extensions of a predictive model. INT-309.
//!   `A81`: burning piles (lofting height 12.2 x flame height).
//! - Albini, F.A. 1983 (as Chase 1981, INT-310, programs it): spotting from wind-driven surface fires (firebrand
//!   height from Byram's intensity recovered from flame length, drift 0.000278 U H^0.643).
//! - Chase, C.H. 1981. Spot fire distance equations for pocket calculators. INT-310. `C81`: critical cover height
//!   2.2 H^0.337 - 4 (ft), and the ridge-valley terrain correction (six fixed-point iterations).

use crate::units::{MM_PER_IN, MM_PER_M, M_PER_FT, M_PER_MI, M_PER_MIN_PER_MI_PER_H};

/// Chase (1981) firebrand loft height coefficient, ft per sqrt(Btu/ft/s) (eq. in C81; as behave writes it).
const CHASE_LOFT_HEIGHT_COEF: f64 = 1.055;

/// Where the firebrand source stands in ridge-valley terrain (behave's codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    MidslopeWindward = 0,
    ValleyBottom = 1,
    MidslopeLeeward = 2,
    RidgeTop = 3,
}

impl Location {
    pub const ALL: [Location; 4] =
        [Location::MidslopeWindward, Location::ValleyBottom, Location::MidslopeLeeward, Location::RidgeTop];
    pub fn name(self) -> &'static str {
        match self {
            Location::MidslopeWindward => "midslope_windward",
            Location::ValleyBottom => "valley_bottom",
            Location::MidslopeLeeward => "midslope_leeward",
            Location::RidgeTop => "ridge_top",
        }
    }
    /// From behave's code (0..3) or the name.
    pub fn parse(s: &str) -> Option<Location> {
        let s = s.trim();
        Location::ALL.into_iter().find(|l| s.eq_ignore_ascii_case(l.name()) || s.parse::<u8>().ok() == Some(*l as u8))
    }
}

/// Tree species of A79's Table 1, in behave's order (codes 0..13).
pub const SPECIES: [&str; 14] = [
    "engelmann_spruce",
    "douglas_fir",
    "subalpine_fir",
    "western_hemlock",
    "ponderosa_pine",
    "lodgepole_pine",
    "western_white_pine",
    "grand_fir",
    "balsam_fir",
    "slash_pine",
    "longleaf_pine",
    "pond_pine",
    "shortleaf_pine",
    "loblolly_pine",
];

/// A79 Table 1: steady flame height (ft) = a DBH(in)^b N^0.4.
const FLAME_HEIGHT: [(f64, f64); 14] = [
    (15.7, 0.451),
    (15.7, 0.451),
    (15.7, 0.451),
    (15.7, 0.451),
    (12.9, 0.453),
    (12.9, 0.453),
    (12.9, 0.453),
    (16.5, 0.515),
    (16.5, 0.515),
    (2.71, 1.000),
    (2.71, 1.000),
    (2.71, 1.000),
    (2.71, 1.000),
    (2.71, 1.000),
];
/// A79 Table 1: steady flame duration (min) = a DBH(in)^b N^-0.2.
const FLAME_DURATION: [(f64, f64); 14] = [
    (12.6, -0.256),
    (10.7, -0.278),
    (10.7, -0.278),
    (6.30, -0.249),
    (12.6, -0.256),
    (12.6, -0.256),
    (10.7, -0.278),
    (10.7, -0.278),
    (10.7, -0.278),
    (11.9, -0.389),
    (11.9, -0.389),
    (7.91, -0.344),
    (7.91, -0.344),
    (13.5, -0.544),
];
/// A79 Table 2: firebrand height factors (a, b) by flame ratio / duration row: z = a T^b H_flame + H_tree / 2.
const FIREBRAND_FACTORS: [(f64, f64); 4] = [(4.24, 0.332), (3.64, 0.391), (2.78, 0.418), (4.70, 0.000)];

/// Species code from its code (0..13) or name.
pub fn species_parse(s: &str) -> Option<usize> {
    let s = s.trim();
    if let Ok(n) = s.parse::<usize>() {
        return (n < SPECIES.len()).then_some(n);
    }
    SPECIES.iter().position(|n| n.eq_ignore_ascii_case(s))
}

/// The terrain and canopy downwind of a source.
#[derive(Clone, Copy, Debug)]
pub struct SpotSite {
    /// 20-ft open wind, m/min.
    pub wind20_m_per_min: f64,
    /// Height of the downwind tree cover, m.
    pub downwind_cover_height_m: f64,
    /// Open (true) canopy: behave halves the cover height.
    pub open_canopy: bool,
    pub location: Location,
    /// Horizontal ridge-to-valley distance, m, and elevation difference, m (0 for flat terrain).
    pub ridge_to_valley_distance_m: f64,
    pub ridge_to_valley_elevation_m: f64,
}

/// A firebrand source.
#[derive(Clone, Copy, Debug)]
pub enum SpotSource {
    /// A wind-driven surface fire of this flame length, m.
    SurfaceFire { flame_length_m: f64 },
    /// `n_trees` trees of `species` (index into [`SPECIES`]) torching together.
    TorchingTrees { species: usize, dbh_m: f64, tree_height_m: f64, n_trees: f64 },
    /// A burning pile with this flame height, m.
    BurningPile { flame_height_m: f64 },
}

/// Maximum spotting distance and its intermediate values, SI. Values a source does not have are `None`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Spotting {
    pub firebrand_height_m: f64,
    pub cover_height_used_m: f64,
    /// Surface fire only: firebrand drift, m.
    pub firebrand_drift_m: Option<f64>,
    /// Torching trees only: steady flame height (m), ratio of tree to flame height, flame duration (min) and the
    /// A79 Table 2 row used.
    pub torch_flame_height_m: Option<f64>,
    pub torch_flame_ratio: Option<f64>,
    pub torch_flame_duration_min: Option<f64>,
    pub firebrand_factor_row: Option<usize>,
    /// Maximum spotting distance on flat ground and in the ridge-valley terrain, m.
    pub flat_distance_m: f64,
    pub mountain_distance_m: f64,
}

/// C81: the cover height used over the downwind canopy, ft: at least 2.2 z^0.337 - 4 for a firebrand height z (ft).
pub fn cover_height_used_ft(firebrand_height_ft: f64, cover_height_ft: f64) -> f64 {
    let critical = if firebrand_height_ft < 1e-7 { 0.0 } else { 2.2 * firebrand_height_ft.powf(0.337) - 4.0 };
    cover_height_ft.max(critical)
}

/// A79 eq. 29-31 (C81 form): flat-terrain distance, mi, of a firebrand lofted to `z_ft` over cover `h_ft` in a 20-ft
/// wind `u_mph`. Not clamped: slightly negative for tall cover over a low firebrand, as behave has it.
pub fn flat_distance_mi(z_ft: f64, h_ft: f64, u_mph: f64) -> f64 {
    if h_ft <= 1e-7 {
        return 0.0;
    }
    let r = z_ft / h_ft;
    0.000718 * u_mph * h_ft.sqrt() * (0.362 + r.sqrt() / 2.0 * r.ln())
}

/// C81: distance, mi, in ridge-valley terrain from the flat distance, mi (ridge-to-valley distance in mi, elevation
/// difference in ft), by behave's six fixed-point iterations.
pub fn mountain_distance_mi(flat_mi: f64, location: Location, rv_distance_mi: f64, rv_elevation_ft: f64) -> f64 {
    if !(rv_elevation_ft > 1e-7 && rv_distance_mi > 1e-7) {
        return flat_mi;
    }
    let pi = std::f64::consts::PI;
    let a1 = flat_mi / rv_distance_mi;
    let b1 = rv_elevation_ft / (10.0 * pi) / 1000.0;
    let loc = location as u8 as f64 * pi / 2.0;
    let mut x = a1;
    for _ in 0..6 {
        x = a1 - b1 * ((pi * x - loc).cos() - loc.cos());
    }
    x * rv_distance_mi
}

/// Maximum spotting distance from `source` over `site` (behave SPOT).
pub fn spotting(source: &SpotSource, site: &SpotSite) -> Spotting {
    let u = site.wind20_m_per_min / M_PER_MIN_PER_MI_PER_H;
    let cover_ft = site.downwind_cover_height_m / M_PER_FT * if site.open_canopy { 0.5 } else { 1.0 };
    let rv_mi = site.ridge_to_valley_distance_m / M_PER_MI;
    let rv_ft = site.ridge_to_valley_elevation_m / M_PER_FT;
    let mut s = Spotting::default();
    let finish = |s: &mut Spotting, z_ft: f64, extra_mi: f64| {
        let h = cover_height_used_ft(z_ft, cover_ft);
        s.firebrand_height_m = z_ft * M_PER_FT;
        s.cover_height_used_m = h * M_PER_FT;
        if h > 1e-7 {
            let flat = flat_distance_mi(z_ft, h, u) + extra_mi;
            s.flat_distance_m = flat * M_PER_MI;
            s.mountain_distance_m = mountain_distance_mi(flat, site.location, rv_mi, rv_ft) * M_PER_MI;
        }
    };
    match *source {
        SpotSource::SurfaceFire { flame_length_m } => {
            s.firebrand_drift_m = Some(0.0);
            let fl_ft = flame_length_m / M_PER_FT;
            if u > 1e-7 && fl_ft > 1e-7 {
                // C81: f relates thermal energy to wind; Byram's intensity (Btu/ft/s) from flame length (ft).
                let f = 322.0 * (0.474 * u).powf(-1.01);
                let byram = (fl_ft / 0.45).powf(1.0 / 0.46);
                // C81: initial firebrand height z = 1.055 sqrt(f I_B) ft (a fitted coefficient, not a unit).
                let z = if f * byram < 1e-7 { 0.0 } else { CHASE_LOFT_HEIGHT_COEF * (f * byram).sqrt() };
                let h = cover_height_used_ft(z, cover_ft);
                let drift_mi = if h > 1e-7 { 0.000278 * u * z.powf(0.643) } else { 0.0 };
                s.firebrand_drift_m = Some(drift_mi * M_PER_MI);
                finish(&mut s, z, drift_mi);
            }
        }
        SpotSource::TorchingTrees { species, dbh_m, tree_height_m, n_trees } => {
            let dbh_in = dbh_m * MM_PER_M / MM_PER_IN;
            let tree_ft = tree_height_m / M_PER_FT;
            s.torch_flame_height_m = Some(0.0);
            s.torch_flame_ratio = Some(0.0);
            s.torch_flame_duration_min = Some(0.0);
            if u > 1e-7 && dbh_in > 1e-7 && n_trees >= 1.0 && species < SPECIES.len() {
                let (a, b) = FLAME_HEIGHT[species];
                let flame_ft = a * dbh_in.powf(b) * n_trees.powf(0.4);
                let ratio = tree_ft / flame_ft;
                let (c, d) = FLAME_DURATION[species];
                let duration = c * dbh_in.powf(d) * n_trees.powf(-0.2);
                let row = if ratio >= 1.0 {
                    0
                } else if ratio >= 0.5 {
                    1
                } else if duration < 3.5 {
                    2
                } else {
                    3
                };
                let (fa, fb) = FIREBRAND_FACTORS[row];
                let z = fa * duration.powf(fb) * flame_ft + tree_ft / 2.0;
                s.torch_flame_height_m = Some(flame_ft * M_PER_FT);
                s.torch_flame_ratio = Some(ratio);
                s.torch_flame_duration_min = Some(duration);
                s.firebrand_factor_row = Some(row);
                finish(&mut s, z, 0.0);
            }
        }
        SpotSource::BurningPile { flame_height_m } => {
            let fh_ft = flame_height_m / M_PER_FT;
            if u > 1e-7 && fh_ft > 1e-7 {
                finish(&mut s, 12.2 * fh_ft, 0.0);
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// C81's terrain correction (Chase 1981) leaves the distance unchanged when the firebrand lands on the same
    /// phase of the terrain: a flat distance of one full ridge-valley wavelength (twice the ridge-to-valley
    /// distance) is a fixed point of the iteration from every position (cos(2 pi - phi) = cos(phi)).
    #[test]
    fn a_full_wavelength_is_unchanged_by_the_mountain_correction() {
        for loc in [Location::MidslopeWindward, Location::ValleyBottom, Location::MidslopeLeeward, Location::RidgeTop] {
            let d = mountain_distance_mi(1.2, loc, 0.6, 1968.5);
            assert!((d - 1.2).abs() < 1e-12, "{loc:?}: {d} mi");
        }
        // No relief, or no ridge-valley distance: flat terrain.
        assert_eq!(mountain_distance_mi(0.4, Location::RidgeTop, 0.0, 1000.0), 0.4);
        assert_eq!(mountain_distance_mi(0.4, Location::ValleyBottom, 1.0, 0.0), 0.4);
    }

    /// Within a wavelength the position matters: behave's SPOT (the BehavePlus core, ../shared/oracle
    /// spotting_reference.csv cases 250, 254, 256 and 260) takes a 0.0855 mi flat distance to these distances over
    /// ridges 0.62 mi (1.24 mi from the valley bottom and ridge top) from their valleys, 984 ft (1969 ft) above them.
    #[test]
    fn positions_in_the_terrain_give_behaves_distances() {
        let flat = 0.0855152947;
        for (loc, rv_mi, rv_ft, want) in [
            (Location::MidslopeWindward, 0.6213711922, 984.2519685, 0.08738454956),
            (Location::ValleyBottom, 1.242742384, 1968.503937, 0.07151498136),
            (Location::MidslopeLeeward, 0.6213711922, 984.2519685, 0.08379422772),
            (Location::RidgeTop, 1.242742384, 1968.503937, 0.1061627161),
        ] {
            let got = mountain_distance_mi(flat, loc, rv_mi, rv_ft);
            assert!((got - want).abs() < 1e-8, "{loc:?}: {got} mi vs behave's {want} mi");
        }
    }

    #[test]
    fn codes_and_names_parse() {
        assert_eq!(Location::parse("3"), Some(Location::RidgeTop));
        assert_eq!(Location::parse("valley_bottom"), Some(Location::ValleyBottom));
        assert_eq!(Location::parse("9"), None);
        assert_eq!(species_parse("loblolly_pine"), Some(13));
        assert_eq!(species_parse("14"), None);
    }
}
