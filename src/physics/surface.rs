//! Rothermel (1972) surface fire behaviour with Albini (1976) revisions, in f64: the CPU twin of
//! `shaders/surface_fire.wgsl`.
//!
//! Split by physical quantity, after the behave library (BehavePlus core): fuel bed ([`FuelBed`]), reaction
//! intensity, no-wind no-slope spread rate, wind and slope factors and their vector combination, fire shape,
//! and Byram's intensity and flame length. Conventions are BehavePlus's (see ../shared/oracle/README.md and
//! README.md of this project): wind limit on by default, dynamic herbaceous transfer, live moisture of
//! extinction floored at the dead one, wind and slope added as vectors.
//!
//! Rothermel's correlations were fitted in English units, so the equations below are evaluated in lb, ft,
//! min and Btu exactly as published; inputs and outputs of this module are SI.
//!
//! References:
//! - Rothermel, R.C. 1972. A mathematical model for predicting fire spread in wildland fuels. USDA FS
//!   Research Paper INT-115. Equation numbers `R72 (n)` below.
//! - Albini, F.A. 1976. Estimating wildfire behavior and effects. USDA FS GTR INT-30 (revised A, size-class
//!   weighting, live moisture of extinction). `A76`.
//! - Andrews, P.L. 2018. The Rothermel surface fire spread model and associated developments: a comprehensive
//!   explanation. USDA FS RMRS-GTR-371. `A18 (n)`.
//! - Scott, J.H. and Burgan, R.E. 2005. RMRS-GTR-153 (dynamic fuel load transfer). `SB05`.
//! - Byram, G.M. 1959 (fireline intensity, flame length); Anderson, H.E. 1983 INT-305 (length-to-breadth).

use crate::physics::fuel::{FuelModel, SAV_100H_PER_FT, SAV_10H_PER_FT};
use crate::units::{
    frac_from_pct, FT_PER_MIN_PER_MI_PER_H, KG_PER_M2_PER_LB_PER_FT2, KJ_PER_KG_PER_BTU_PER_LB,
    KJ_PER_M2_PER_BTU_PER_FT2, KW_PER_M2_PER_BTU_PER_FT2_MIN, KW_PER_M_PER_BTU_PER_FT_S, M_PER_FT, S_PER_MIN,
};

/// Oven-dry particle density, lb/ft3 (R72, table of constants).
pub const PARTICLE_DENSITY_LB_PER_FT3: f64 = 32.0;
/// Total mineral content, fraction (R72).
pub const TOTAL_SILICA: f64 = 0.0555;
/// Effective (silica-free) mineral content, fraction (R72).
pub const EFFECTIVE_SILICA: f64 = 0.01;

/// Fuel moistures, fractions of dry weight.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Moisture {
    pub dead_1h: f64,
    pub dead_10h: f64,
    pub dead_100h: f64,
    pub live_herb: f64,
    pub live_woody: f64,
}

impl Moisture {
    /// From percentages in the order 1-h, 10-h, 100-h, live herbaceous, live woody.
    pub fn from_percent(p: [f64; 5]) -> Self {
        Moisture {
            dead_1h: frac_from_pct(p[0]),
            dead_10h: frac_from_pct(p[1]),
            dead_100h: frac_from_pct(p[2]),
            live_herb: frac_from_pct(p[3]),
            live_woody: frac_from_pct(p[4]),
        }
    }
    /// As fractions in the order 1-h, 10-h, 100-h, live herbaceous, live woody.
    pub fn as_array(&self) -> [f64; 5] {
        [self.dead_1h, self.dead_10h, self.dead_100h, self.live_herb, self.live_woody]
    }
}

pub use crate::physics::options::SurfaceOptions;

/// Site inputs of one surface fire calculation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SiteInputs {
    /// Wind speed at midflame height, m/min.
    pub midflame_wind_m_per_min: f64,
    /// Direction the wind blows toward, degrees clockwise from the upslope direction.
    pub wind_dir_rel_upslope_deg: f64,
    /// Slope steepness as rise over run (tan of the slope angle).
    pub slope_tan: f64,
}

/// Surface fire behaviour of one case, SI units.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SurfaceFire {
    /// Head fire spread rate, m/min.
    pub ros_m_per_min: f64,
    /// Backing spread rate, m/min.
    pub backing_ros_m_per_min: f64,
    /// Flanking spread rate (ellipse semi-minor axis growth), m/min.
    pub flanking_ros_m_per_min: f64,
    /// No-wind, no-slope spread rate, m/min.
    pub ros0_m_per_min: f64,
    /// Direction of maximum spread, degrees clockwise from upslope, 0..360.
    pub dir_max_spread_deg_rel_upslope: f64,
    /// Effective midflame wind speed (wind and slope combined, after the wind limit), m/min.
    pub effective_wind_m_per_min: f64,
    /// Fire length-to-breadth ratio.
    pub length_to_breadth: f64,
    /// Fire ellipse eccentricity.
    pub eccentricity: f64,
    /// Byram's fireline intensity at the head, kW/m.
    pub fireline_intensity_kw_per_m: f64,
    /// Byram's flame length at the head, m.
    pub flame_length_m: f64,
    /// Heat per unit area, kJ/m2.
    pub heat_per_area_kj_per_m2: f64,
    /// Reaction intensity, kW/m2.
    pub reaction_intensity_kw_per_m2: f64,
    /// The effective wind was capped at the wind limit.
    pub wind_limit_exceeded: bool,
}

/// One fuel particle class of the fuel bed, English units as in R72.
#[derive(Clone, Copy, Debug, Default)]
struct Particle {
    load_lb_per_ft2: f64,
    sav_per_ft: f64,
    moisture: f64,
    heat_btu_per_lb: f64,
}

/// Fuel bed properties that do not depend on wind or slope (R72 and A76), English units.
#[derive(Clone, Debug)]
pub struct FuelBed {
    /// Characteristic surface-area-to-volume ratio sigma, 1/ft (R72 eq. 71-72).
    pub sigma_per_ft: f64,
    /// Packing ratio beta (R72 eq. 74).
    pub packing_ratio: f64,
    /// Optimum packing ratio beta_op = 3.348 sigma^-0.8189 (R72 eq. 37).
    pub optimum_packing_ratio: f64,
    /// Oven-dry bulk density, lb/ft3 (R72 eq. 40).
    pub bulk_density_lb_per_ft3: f64,
    /// Reaction intensity, Btu/ft2/min (R72 eq. 27).
    pub reaction_intensity_btu_per_ft2_min: f64,
    /// Propagating flux ratio xi (R72 eq. 42).
    pub propagating_flux_ratio: f64,
    /// Heat sink rho_b eps Q_ig, Btu/ft3 (R72 eq. 77).
    pub heat_sink_btu_per_ft3: f64,
    /// No-wind, no-slope spread rate, ft/min (R72 eq. 52).
    pub ros0_ft_per_min: f64,
    /// Residence time 384/sigma, min (Anderson 1969; A76).
    pub residence_time_min: f64,
}

/// Fraction of herbaceous load cured (transferred to dead) in dynamic models, SB05 p. 12 / behave:
/// 1.333 - 1.11 x live herbaceous moisture (fraction), clamped to 0..1.
pub fn cured_fraction(live_herb_moisture: f64) -> f64 {
    (1.333 - 1.11 * live_herb_moisture).clamp(0.0, 1.0)
}

/// Albini (1976) size-class bin of a surface-area-to-volume ratio (1/ft), used to weight net loads.
fn size_class(sav_per_ft: f64) -> usize {
    if sav_per_ft >= 1200.0 {
        0
    } else if sav_per_ft >= 192.0 {
        1
    } else if sav_per_ft >= 96.0 {
        2
    } else if sav_per_ft >= 48.0 {
        3
    } else if sav_per_ft >= 16.0 {
        4
    } else {
        5
    }
}

/// Moisture damping coefficient eta_M = 1 - 2.59 r + 5.11 r^2 - 3.52 r^3, r = M/Mx (R72 eq. 29), 0 at r >= 1.
pub fn moisture_damping(moisture: f64, extinction: f64) -> f64 {
    if extinction <= 0.0 {
        return 0.0;
    }
    let r = moisture / extinction;
    if r >= 1.0 {
        0.0
    } else {
        1.0 - 2.59 * r + 5.11 * r * r - 3.52 * r * r * r
    }
}

/// Heat of preignition Q_ig = 250 + 1116 M, Btu/lb (R72 eq. 12).
fn heat_of_preignition(moisture: f64) -> f64 {
    250.0 + 1116.0 * moisture
}

/// Sums over one category (dead or live) of particles.
struct Category {
    area: f64,
    weights: [f64; 4],
    sigma: f64,
    heat: f64,
    moisture: f64,
    net_load: f64,
    heat_sink_part: f64,
}

fn category(particles: &[Particle]) -> Category {
    let areas: Vec<f64> =
        particles.iter().map(|p| p.load_lb_per_ft2 * p.sav_per_ft / PARTICLE_DENSITY_LB_PER_FT3).collect();
    let area: f64 = areas.iter().sum();
    let mut weights = [0.0; 4];
    let mut c = Category { area, weights, sigma: 0.0, heat: 0.0, moisture: 0.0, net_load: 0.0, heat_sink_part: 0.0 };
    if area <= 0.0 {
        return c;
    }
    // f_ij: surface-area weights within the category (R72 eq. 53-56).
    for (w, a) in weights.iter_mut().zip(&areas) {
        *w = a / area;
    }
    // Albini 1976: net load weighted by the summed area fraction of particles in the same size class.
    let mut class_fraction = [0.0; 6];
    for (p, w) in particles.iter().zip(&weights) {
        class_fraction[size_class(p.sav_per_ft)] += w;
    }
    for (p, &f) in particles.iter().zip(&weights) {
        if p.load_lb_per_ft2 <= 0.0 {
            continue;
        }
        c.sigma += f * p.sav_per_ft;
        c.heat += f * p.heat_btu_per_lb;
        c.moisture += f * p.moisture;
        c.net_load += class_fraction[size_class(p.sav_per_ft)] * p.load_lb_per_ft2 * (1.0 - TOTAL_SILICA);
        // Effective heating number exp(-138/sigma) (R72 eq. 14) times heat of preignition.
        c.heat_sink_part += f * (-138.0 / p.sav_per_ft).exp() * heat_of_preignition(p.moisture);
    }
    c.weights = weights;
    c
}

/// The fuel bed's particles in English units: dead (1-h, 10-h, 100-h, cured herbaceous) and live (herbaceous,
/// woody). Dynamic load transfer (SB05): the cured part of the herbaceous load becomes dead herbaceous fuel,
/// keeping the herbaceous SAV and taking the 1-h moisture.
fn particles(model: &FuelModel, moisture: &Moisture) -> ([Particle; 4], [Particle; 2]) {
    let load = model.load_kg_per_m2.map(|w| w / KG_PER_M2_PER_LB_PER_FT2);
    let h_dead = model.h_dead_kj_per_kg / KJ_PER_KG_PER_BTU_PER_LB;
    let h_live = model.h_live_kj_per_kg / KJ_PER_KG_PER_BTU_PER_LB;
    let sav_1h = model.sav_1h_per_m * M_PER_FT;
    let sav_herb = model.sav_herb_per_m * M_PER_FT;
    let sav_woody = model.sav_woody_per_m * M_PER_FT;
    let cured = if model.dynamic { cured_fraction(moisture.live_herb) } else { 0.0 };
    let particle = |load_lb_per_ft2: f64, sav_per_ft: f64, moisture: f64, heat_btu_per_lb: f64| Particle {
        load_lb_per_ft2,
        sav_per_ft,
        moisture,
        heat_btu_per_lb,
    };
    let dead = [
        particle(load[0], sav_1h, moisture.dead_1h, h_dead),
        particle(load[1], SAV_10H_PER_FT, moisture.dead_10h, h_dead),
        particle(load[2], SAV_100H_PER_FT, moisture.dead_100h, h_dead),
        particle(load[3] * cured, sav_herb, moisture.dead_1h, h_dead),
    ];
    let live = [
        particle(load[3] * (1.0 - cured), sav_herb, moisture.live_herb, h_live),
        particle(load[4], sav_woody, moisture.live_woody, h_live),
    ];
    (dead, live)
}

/// Optimum reaction velocity Gamma' (1/min) at characteristic SAV `sigma` (1/ft) and relative packing ratio
/// `beta_ratio` (R72 eq. 36, 38; A76 exponent A = 133 sigma^-0.7913).
fn optimum_reaction_velocity_per_min(sigma: f64, beta_ratio: f64) -> f64 {
    let sigma15 = sigma.powf(1.5);
    let gamma_max = sigma15 / (495.0 + 0.0594 * sigma15);
    let a = 133.0 * sigma.powf(-0.7913);
    gamma_max * beta_ratio.powf(a) * (a * (1.0 - beta_ratio)).exp()
}

/// Live fuel moisture of extinction (A76; behave): 2.9 W' (1 - Mf/Mx_dead) - 0.226, floored at Mx_dead; W' the
/// ratio of fine dead to fine live load, Mf the fine dead fuel's moisture (fractions).
fn live_extinction_moisture(dead: &[Particle], live: &[Particle], mx_dead: f64) -> f64 {
    let mut fine_dead = 0.0;
    let mut fine_dead_moist = 0.0;
    for p in dead.iter().filter(|p| p.load_lb_per_ft2 > 0.0) {
        let w = p.load_lb_per_ft2 * (-138.0 / p.sav_per_ft).exp();
        fine_dead += w;
        fine_dead_moist += w * p.moisture;
    }
    let fine_live: f64 = live
        .iter()
        .filter(|p| p.load_lb_per_ft2 > 0.0)
        .map(|p| p.load_lb_per_ft2 * (-500.0 / p.sav_per_ft).exp())
        .sum();
    if fine_live > 0.0 {
        let w_ratio = fine_dead / fine_live;
        let mf_dead = if fine_dead > 0.0 { fine_dead_moist / fine_dead } else { 0.0 };
        (2.9 * w_ratio * (1.0 - mf_dead / mx_dead) - 0.226).max(mx_dead)
    } else {
        mx_dead
    }
}

impl FuelBed {
    /// Fuel bed of `model` at `moisture` (R72, A76, SB05). Returns `None` for non-burnable models.
    pub fn new(model: &FuelModel, moisture: &Moisture) -> Option<FuelBed> {
        if !model.is_burnable() {
            return None;
        }
        let depth_ft = model.depth_m / M_PER_FT;
        let (dead, live) = particles(model, moisture);
        let d = category(&dead);
        let l = category(&live);
        let total_area = d.area + l.area;
        if total_area <= 0.0 || depth_ft <= 0.0 {
            return None;
        }
        // f_i: category weights (R72 eq. 57-58); characteristic SAV (R72 eq. 71-72).
        let f_dead = d.area / total_area;
        let f_live = l.area / total_area;
        let sigma = f_dead * d.sigma + f_live * l.sigma;
        // Bulk density and packing ratio (R72 eq. 40, 74), optimum packing ratio (R72 eq. 37).
        let total_load: f64 = dead.iter().chain(live.iter()).map(|p| p.load_lb_per_ft2).sum();
        let bulk_density = total_load / depth_ft;
        let beta = bulk_density / PARTICLE_DENSITY_LB_PER_FT3;
        let beta_op = 3.348 * sigma.powf(-0.8189);
        let beta_ratio = beta / beta_op;
        let gamma = optimum_reaction_velocity_per_min(sigma, beta_ratio);
        let mx_dead = model.mx_dead_frac;
        let mx_live = live_extinction_moisture(&dead, &live, mx_dead);
        // Mineral damping eta_s = 0.174 Se^-0.19, at most 1 (R72 eq. 30).
        let eta_s = (0.174 * EFFECTIVE_SILICA.powf(-0.19)).min(1.0);
        // Reaction intensity I_R = Gamma' sum_i W_n,i h_i eta_M,i eta_s,i (R72 eq. 27, 59-60).
        let ir_dead = d.net_load * d.heat * moisture_damping(d.moisture, mx_dead) * eta_s;
        let ir_live = l.net_load * l.heat * moisture_damping(l.moisture, mx_live) * eta_s;
        let reaction_intensity = gamma * (ir_dead + ir_live);
        // Propagating flux ratio (R72 eq. 42).
        let xi = ((0.792 + 0.681 * sigma.sqrt()) * (beta + 0.1)).exp() / (192.0 + 0.2595 * sigma);
        // Heat sink rho_b sum_i f_i sum_j f_ij eps_ij Q_ig,ij (R72 eq. 77).
        let heat_sink = bulk_density * (f_dead * d.heat_sink_part + f_live * l.heat_sink_part);
        let ros0 = if heat_sink > 0.0 { reaction_intensity * xi / heat_sink } else { 0.0 };
        Some(FuelBed {
            sigma_per_ft: sigma,
            packing_ratio: beta,
            optimum_packing_ratio: beta_op,
            bulk_density_lb_per_ft3: bulk_density,
            reaction_intensity_btu_per_ft2_min: reaction_intensity,
            propagating_flux_ratio: xi,
            heat_sink_btu_per_ft3: heat_sink,
            ros0_ft_per_min: ros0,
            residence_time_min: 384.0 / sigma,
        })
    }

    /// Wind coefficients C, B, E of phi_w = C U^B (beta/beta_op)^-E (R72 eq. 47-50).
    pub fn wind_coefficients(&self) -> (f64, f64, f64) {
        let s = self.sigma_per_ft;
        (7.47 * (-0.133 * s.powf(0.55)).exp(), 0.02526 * s.powf(0.54), 0.715 * (-3.59e-4 * s).exp())
    }
}

/// Length-to-breadth ratio of Anderson (1983) as BehavePlus uses it, effective wind in mi/h; at most 8.
pub fn length_to_breadth(effective_wind_mph: f64) -> f64 {
    let u = effective_wind_mph;
    (0.936 * (0.1147 * u).exp() + 0.461 * (-0.0692 * u).exp() - 0.397).clamp(1.0, 8.0)
}

/// Ellipse eccentricity from the length-to-breadth ratio: sqrt(LW^2 - 1) / LW.
pub fn eccentricity(lw: f64) -> f64 {
    if lw <= 1.0 {
        0.0
    } else {
        (lw * lw - 1.0).sqrt() / lw
    }
}

/// Surface fire behaviour of `model` at `moisture` and `site` (see module docs for sources).
pub fn surface_fire(model: &FuelModel, moisture: &Moisture, site: &SiteInputs, opts: &SurfaceOptions) -> SurfaceFire {
    let Some(bed) = FuelBed::new(model, moisture) else {
        return SurfaceFire { length_to_breadth: 1.0, ..Default::default() };
    };
    surface_fire_on_bed(&bed, site, opts)
}

/// Surface fire behaviour on a precomputed fuel bed.
pub fn surface_fire_on_bed(bed: &FuelBed, site: &SiteInputs, opts: &SurfaceOptions) -> SurfaceFire {
    let r0 = bed.ros0_ft_per_min;
    let ir = bed.reaction_intensity_btu_per_ft2_min;
    let beta_ratio = bed.packing_ratio / bed.optimum_packing_ratio;
    let (c, b, e) = bed.wind_coefficients();
    let wind_ft_min = (site.midflame_wind_m_per_min / M_PER_FT).max(0.0);
    // Wind factor (R72 eq. 47) and slope factor phi_s = 5.275 beta^-0.3 tan^2 (R72 eq. 51).
    let phi_w = if wind_ft_min > 0.0 { c * wind_ft_min.powf(b) * beta_ratio.powf(-e) } else { 0.0 };
    let phi_s = 5.275 * bed.packing_ratio.powf(-0.3) * site.slope_tan * site.slope_tan;
    // Vector addition of wind and slope (A18 section 5.3; behave): slope along 0, wind at its direction.
    let dir = site.wind_dir_rel_upslope_deg.to_radians();
    let x = r0 * phi_s + r0 * phi_w * dir.cos();
    let y = r0 * phi_w * dir.sin();
    let vector = (x * x + y * y).sqrt();
    let mut dir_deg = if vector > 1e-12 { y.atan2(x).to_degrees() } else { 0.0 };
    if dir_deg < 0.0 {
        dir_deg += 360.0;
    }
    let mut phi_e = if r0 > 0.0 { vector / r0 } else { 0.0 };
    // Effective wind speed: the wind that alone would give phi_e (A18 eq. 87).
    let mut eff_wind = if phi_e > 0.0 { (phi_e * beta_ratio.powf(e) / c).powf(1.0 / b) } else { 0.0 };
    // Wind limit: U_eff <= 0.9 I_R, ft/min vs Btu/ft2/min (R72 p. 33).
    let limit = 0.9 * ir;
    let mut limited = false;
    if opts.wind_limit && eff_wind > limit {
        limited = true;
        eff_wind = limit;
        phi_e = c * limit.powf(b) * beta_ratio.powf(-e);
    }
    let ros = r0 * (1.0 + phi_e);
    let lw = length_to_breadth(eff_wind / FT_PER_MIN_PER_MI_PER_H);
    let ecc = eccentricity(lw);
    let backing = ros * (1.0 - ecc) / (1.0 + ecc);
    let flanking = (ros + backing) / (2.0 * lw);
    // Heat per unit area H_A = I_R t_r (A76), Byram's intensity I_B = H_A R / 60 (Btu/ft/s),
    // flame length L_f = 0.45 I_B^0.46 ft (Byram 1959).
    let hpua = ir * bed.residence_time_min;
    let ib = hpua * ros / S_PER_MIN;
    SurfaceFire {
        ros_m_per_min: ros * M_PER_FT,
        backing_ros_m_per_min: backing * M_PER_FT,
        flanking_ros_m_per_min: flanking * M_PER_FT,
        ros0_m_per_min: r0 * M_PER_FT,
        dir_max_spread_deg_rel_upslope: dir_deg,
        effective_wind_m_per_min: eff_wind * M_PER_FT,
        length_to_breadth: lw,
        eccentricity: ecc,
        fireline_intensity_kw_per_m: ib * KW_PER_M_PER_BTU_PER_FT_S,
        flame_length_m: byram_flame_length_m(ib * KW_PER_M_PER_BTU_PER_FT_S),
        heat_per_area_kj_per_m2: hpua * KJ_PER_M2_PER_BTU_PER_FT2,
        reaction_intensity_kw_per_m2: ir * KW_PER_M2_PER_BTU_PER_FT2_MIN,
        wind_limit_exceeded: limited,
    }
}

/// Byram's (1959) flame length, m, from fireline intensity, kW/m: L = 0.45 I^0.46 with L in ft and I in Btu/ft/s
/// (as BehavePlus). The one flame length of Emberfall: surface fire, front passage and crown fire use it.
pub fn byram_flame_length_m(intensity_kw_per_m: f64) -> f64 {
    if intensity_kw_per_m <= 0.0 {
        return 0.0;
    }
    let ib = intensity_kw_per_m / KW_PER_M_PER_BTU_PER_FT_S;
    0.45 * ib.powf(0.46) * M_PER_FT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moisture_damping_end_points() {
        // R72 eq. 29: 1 for dry fuel, 0 at extinction.
        assert_eq!(moisture_damping(0.0, 0.25), 1.0);
        assert_eq!(moisture_damping(0.25, 0.25), 0.0);
        assert!((moisture_damping(0.125, 0.25) - (1.0 - 2.59 * 0.5 + 5.11 * 0.25 - 3.52 * 0.125)).abs() < 1e-12);
    }

    #[test]
    fn fire_shape_without_wind_is_a_circle() {
        assert!((length_to_breadth(0.0) - 1.0).abs() < 1e-12);
        assert_eq!(eccentricity(1.0), 0.0);
        assert_eq!(length_to_breadth(100.0), 8.0);
    }

    #[test]
    fn curing_follows_scott_burgan() {
        assert_eq!(cured_fraction(0.30), 1.0);
        assert_eq!(cured_fraction(1.25), 0.0);
        assert!((cured_fraction(0.60) - (1.333 - 0.666)).abs() < 1e-12);
    }
}
