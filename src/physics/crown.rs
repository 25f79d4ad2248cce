//! Crown fire, as BehavePlus's CROWN module (the behave library) computes it, in f64: the surface fire under the
//! canopy, Rothermel's (1991) crown spread rate, Van Wagner's (1977) initiation and active-spread criteria, the fire
//! type, and the final fire behaviour by two methods (Finney 1998 as FARSITE and FlamMap use it, here called
//! `finney`, which is Rothermel's method in behave; and Scott & Reinhardt 2001). Conventions are behave's (see
//! ../shared/oracle/README.md): foliar moisture floored at 30 %, canopy base height at 0.1 m, 8000 Btu/lb canopy
//! heat content, crown fire length-to-breadth ratio 1 + 0.125 U20 (mi/h).
//!
//! References:
//! - Van Wagner, C.E. 1977. Conditions for the start and spread of crown fire. Can. J. For. Res. 7: 23-34.
//!   `VW77`: critical surface intensity I0 = (0.010 CBH (460 + 25.9 FMC))^1.5 kW/m (eq. 4); critical crown spread
//!   rate R0 = 3.0 / CBD m/min (eq. 9).
//! - Rothermel, R.C. 1991. Predicting behavior and size of crown fires in the Northern Rocky Mountains. INT-438.
//!   `R91`: crown spread rate 3.34 x the FM10 rate at wind adjustment 0.4 (eq. 5); length-to-breadth 1 + 0.125 U20
//!   (eq. 10); area pi D^2 / (4 LB) and perimeter pi D (1 + 1/LB) / 2 (eq. 11, 13).
//! - Thomas, P.H. 1963. The size of flames from natural fires. Crown flame length 0.2 I^(2/3) (ft, Btu/ft/s).
//! - Scott, J.H.; Reinhardt, E.D. 2001. Assessing crown fire potential by linking models of surface and crown fire
//!   behavior. RMRS-RP-29. `SR01`: R'initiation (eq. 11), crowning index O'active (eq. 20), crown fraction burned
//!   (eq. 22), passive crown fire spread and intensity (eq. 23-24).
//! - Finney, M.A. 1998. FARSITE: Fire Area Simulator. RMRS-RP-4 (crown fire as FARSITE uses it).

use crate::physics::fuel::{FuelModel, FT_TO_M};
use crate::physics::surface::{surface_fire, FuelBed, Moisture, SiteInputs, SurfaceFire, SurfaceOptions};

/// Btu per lb of canopy fuel (behave's low heat of combustion of foliage).
pub const CANOPY_HEAT_BTU_PER_LB: f64 = 8000.0;
/// kW/m per Btu/ft/s.
const KW_PER_M_PER_BTU_FT_S: f64 = 1.055_055_852_62 / 0.3048;

/// Foliar moisture content when none is given: 100 %, fraction.
pub const DEFAULT_FOLIAR_MOISTURE_FRAC: f64 = 1.0;

/// How a cell's final fire behaviour is computed once its surface fire torches (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CrownMethod {
    /// Surface fire only.
    #[serde(rename = "none")]
    None,
    /// Finney (1998) as FARSITE and FlamMap compute it (their default).
    #[serde(rename = "finney")]
    Finney,
    /// Scott & Reinhardt (2001) with behave's conventions.
    #[serde(rename = "scott-reinhardt")]
    ScottReinhardt,
}

impl CrownMethod {
    /// The name used on the command line and in scenario files.
    pub fn label(self) -> &'static str {
        match self {
            CrownMethod::None => "none",
            CrownMethod::Finney => "finney",
            CrownMethod::ScottReinhardt => "scott-reinhardt",
        }
    }
    /// The kernel's code (`RunRow::crown_method`).
    pub fn code(self) -> u32 {
        match self {
            CrownMethod::None => 0,
            CrownMethod::Finney => 1,
            CrownMethod::ScottReinhardt => 2,
        }
    }
}

/// FlamMap's crown fire codes, as the behaviour maps write them (`crown_fire_type.tif`).
pub mod map_code {
    pub const NON_BURNABLE: f64 = 0.0;
    pub const SURFACE: f64 = 1.0;
    pub const PASSIVE: f64 = 2.0;
    pub const ACTIVE: f64 = 3.0;
}

/// FARSITE and FlamMap's canopy heat content, kJ/kg (CROWN_METHODS.md).
pub const FINNEY_CANOPY_HEAT_KJ_PER_KG: f64 = 18_000.0;
/// behave's 8000 Btu/lb in kJ/kg (1 Btu/lb = 2.326 kJ/kg exactly).
pub const BEHAVE_CANOPY_HEAT_KJ_PER_KG: f64 = 8000.0 * 2.326;

/// Fire types, as behave codes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FireType {
    Surface = 0,
    Torching = 1,
    ConditionalCrown = 2,
    Crowning = 3,
}

impl FireType {
    pub fn name(self) -> &'static str {
        match self {
            FireType::Surface => "surface",
            FireType::Torching => "torching",
            FireType::ConditionalCrown => "conditional_crown_fire",
            FireType::Crowning => "crowning",
        }
    }
}

/// Canopy and crown inputs of one case.
#[derive(Clone, Copy, Debug)]
pub struct CrownInputs {
    /// 20-ft open wind, m/min.
    pub wind20_m_per_min: f64,
    /// Direction the wind blows toward, degrees clockwise from upslope.
    pub wind_dir_rel_upslope_deg: f64,
    /// Slope, rise over run.
    pub slope_tan: f64,
    pub canopy_cover_frac: f64,
    pub canopy_height_m: f64,
    pub canopy_base_height_m: f64,
    pub canopy_bulk_density_kg_per_m3: f64,
    /// Foliar moisture content, fraction.
    pub foliar_moisture_frac: f64,
}

/// Final fire behaviour of one method.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Final {
    pub ros_m_per_min: f64,
    pub heat_per_area_kj_per_m2: f64,
    pub fireline_intensity_kw_per_m: f64,
    pub flame_length_m: f64,
}

/// Crown fire behaviour of one case, SI.
#[derive(Clone, Copy, Debug)]
pub struct CrownFire {
    /// The surface fire under the canopy (wind adjustment from the canopy).
    pub surface: SurfaceFire,
    /// Wind adjustment factor of the surface fire.
    pub surface_waf: f64,
    /// Fuel model 10 at wind adjustment 0.4, no slope.
    pub fm10: SurfaceFire,
    pub fm10_midflame_wind_m_per_min: f64,
    /// Rothermel (1991) crown spread rate, m/min.
    pub crown_ros_m_per_min: f64,
    pub canopy_fuel_load_kg_per_m2: f64,
    pub canopy_heat_per_area_kj_per_m2: f64,
    pub crown_heat_per_area_kj_per_m2: f64,
    pub crown_fireline_intensity_kw_per_m: f64,
    /// Thomas (1963).
    pub crown_flame_length_m: f64,
    /// Van Wagner (1977) critical surface intensity, kW/m, and its (Byram) flame length, m.
    pub critical_surface_intensity_kw_per_m: f64,
    pub critical_surface_flame_length_m: f64,
    /// Van Wagner (1977) critical crown spread rate 3.0 / CBD, m/min.
    pub critical_crown_ros_m_per_min: f64,
    pub transition_ratio: f64,
    pub active_ratio: f64,
    pub fire_type: FireType,
    /// 1 + 0.125 U20 (mi/h).
    pub crown_length_to_breadth: f64,
    /// Crown fire area, m2, and perimeter, m, after one hour (Rothermel 1991).
    pub crown_area_1h_m2: f64,
    pub crown_perimeter_1h_m: f64,
    /// Finney (1998) / Rothermel method final values.
    pub finney: Final,
    /// Scott & Reinhardt (2001): crowning index (20-ft wind of active crowning), m/min; R'initiation and R'sa, m/min;
    /// crown fraction burned; passive crown fire values; final values.
    pub crowning_index_m_per_min: f64,
    pub r_initiation_m_per_min: f64,
    pub r_sa_m_per_min: f64,
    pub crown_fraction_burned: f64,
    pub passive: Final,
    pub scott_reinhardt: Final,
}

/// Thomas's (1963) flame length, m, from fireline intensity, kW/m: 0.2 I^(2/3) in ft and Btu/ft/s.
pub fn thomas_flame_length_m(intensity_kw_per_m: f64) -> f64 {
    if intensity_kw_per_m <= 0.0 {
        return 0.0;
    }
    0.2 * (intensity_kw_per_m / KW_PER_M_PER_BTU_FT_S).powf(2.0 / 3.0) * FT_TO_M
}

/// Flame length, m, of a torching or crowning fire of intensity `i` kW/m as `method` gives it: Thomas (1963) as
/// FARSITE and FlamMap write it (0.2 I^(2/3), m and kW/m; CROWN_METHODS.md) for Finney, as behave writes it (ft and
/// Btu/ft/s) for Scott & Reinhardt; Byram's surface flame length for no crown method.
pub fn crown_flame_length_m(method: CrownMethod, intensity_kw_per_m: f64) -> f64 {
    match method {
        CrownMethod::Finney => 0.2 * intensity_kw_per_m.max(0.0).powf(2.0 / 3.0),
        CrownMethod::ScottReinhardt => thomas_flame_length_m(intensity_kw_per_m),
        CrownMethod::None => crate::physics::surface::byram_flame_length_m(intensity_kw_per_m),
    }
}

/// behave converts Van Wagner's critical intensity from kW/m to its base unit Btu/ft/s with 0.2886719, not the
/// exact 1 / 3.4614693 (behaveUnits.cpp), and compares surface fires with it there: the transition ratio, R'initiation
/// and the critical flame length see I0 x 0.2886719 x 3.4614693 = 0.99923 I0. Kept, so fire types match behave's
/// at the boundary.
pub const BEHAVE_I0_FACTOR: f64 = 0.288_671_9 * KW_PER_M_PER_BTU_FT_S;

/// Van Wagner's (1977, eq. 4) critical surface fireline intensity for crown ignition, kW/m: canopy base height
/// (m, floored at 0.1) and foliar moisture (fraction, floored at 0.30).
pub fn critical_surface_intensity_kw_per_m(canopy_base_height_m: f64, foliar_moisture_frac: f64) -> f64 {
    let fmc_pct = (foliar_moisture_frac * 100.0).max(30.0);
    let cbh = canopy_base_height_m.max(0.1);
    (0.010 * cbh * (460.0 + 25.9 * fmc_pct)).powf(1.5)
}

/// Surface fire of `model` under a canopy: the 20-ft wind reduced by the canopy's wind adjustment factor.
fn surface_under_canopy(
    model: &FuelModel,
    m: &Moisture,
    c: &CrownInputs,
    wind20: f64,
    opts: &SurfaceOptions,
) -> (SurfaceFire, f64) {
    let waf = crate::physics::behavior::wind_adjustment_factor(
        model.depth_m,
        c.canopy_cover_frac,
        c.canopy_height_m,
        c.canopy_base_height_m,
    );
    let site = SiteInputs {
        midflame_wind_m_per_min: wind20 * waf,
        wind_dir_rel_upslope_deg: c.wind_dir_rel_upslope_deg,
        slope_tan: c.slope_tan,
    };
    (surface_fire(model, m, &site, opts), waf)
}

/// Crown fire behaviour of `model` (the surface fuel) with `fm10` (fuel model 10) at moistures `m`.
pub fn crown_fire(
    model: &FuelModel,
    fm10: &FuelModel,
    m: &Moisture,
    c: &CrownInputs,
    opts: &SurfaceOptions,
) -> CrownFire {
    let (surface, surface_waf) = surface_under_canopy(model, m, c, c.wind20_m_per_min, opts);
    // R91 eq. 5: FM10 at wind adjustment 0.4, no slope, wind upslope; crown rate 3.34 x its rate.
    let fm10_mid = 0.4 * c.wind20_m_per_min;
    let fm10_fire = surface_fire(
        fm10,
        m,
        &SiteInputs { midflame_wind_m_per_min: fm10_mid, wind_dir_rel_upslope_deg: 0.0, slope_tan: 0.0 },
        opts,
    );
    let crown_ros = 3.34 * fm10_fire.ros_m_per_min;
    // Canopy fuel load = CBD x (CH - CBH); its heat at 8000 Btu/lb; crown heat = surface + canopy.
    let load = c.canopy_bulk_density_kg_per_m3 * (c.canopy_height_m - c.canopy_base_height_m);
    let kj_per_kg = CANOPY_HEAT_BTU_PER_LB * 1.055_055_852_62 / 0.453_592_37;
    let canopy_hpa = load * kj_per_kg;
    let crown_hpa = surface.heat_per_area_kj_per_m2 + canopy_hpa;
    let crown_i = crown_ros / 60.0 * crown_hpa;
    let crown_fl = thomas_flame_length_m(crown_i);
    let i0 = critical_surface_intensity_kw_per_m(c.canopy_base_height_m, c.foliar_moisture_frac);
    // I0 as behave holds it (see BEHAVE_I0_FACTOR), for every comparison with the surface fire.
    let i0_b = i0 * BEHAVE_I0_FACTOR;
    let i0_fl = crate::physics::surface::byram_flame_length_m(i0_b);
    let r0 = if c.canopy_bulk_density_kg_per_m3 < 1e-7 { 0.0 } else { 3.0 / c.canopy_bulk_density_kg_per_m3 };
    let active_ratio = if r0 < 1e-7 { 0.0 } else { crown_ros / r0 };
    let transition_ratio = if i0_b < 1e-7 { 0.0 } else { surface.fireline_intensity_kw_per_m / i0_b };
    let fire_type = match (transition_ratio >= 1.0, active_ratio >= 1.0) {
        (false, false) => FireType::Surface,
        (false, true) => FireType::ConditionalCrown,
        (true, false) => FireType::Torching,
        (true, true) => FireType::Crowning,
    };
    let u20_mph = c.wind20_m_per_min / FT_TO_M / 88.0;
    let lb = 1.0 + 0.125 * u20_mph;
    let d = crown_ros * 60.0;
    let area = std::f64::consts::PI * d * d / (4.0 * lb);
    let perimeter = 0.5 * std::f64::consts::PI * d * (1.0 + 1.0 / lb);
    let surface_final = Final {
        ros_m_per_min: surface.ros_m_per_min,
        heat_per_area_kj_per_m2: surface.heat_per_area_kj_per_m2,
        fireline_intensity_kw_per_m: surface.fireline_intensity_kw_per_m,
        flame_length_m: surface.flame_length_m,
    };
    let crown_final = Final {
        ros_m_per_min: crown_ros,
        heat_per_area_kj_per_m2: crown_hpa,
        fireline_intensity_kw_per_m: crown_i,
        flame_length_m: crown_fl,
    };
    let finney = match fire_type {
        FireType::Surface | FireType::ConditionalCrown => surface_final,
        // Torching: the surface rate with the crown fire's heat, intensity and flame (as behave).
        FireType::Torching => Final { ros_m_per_min: surface.ros_m_per_min, ..crown_final },
        FireType::Crowning => crown_final,
    };
    // SR01 eq. 20: O'active, the 20-ft wind at which FM10's rate makes the crown rate equal 3.0 / CBD, from FM10's
    // no-wind rate and its wind factor phi_w = K U^B (K, B of FM10 as behave hard-codes them; WAF 0.4).
    let bed10 = FuelBed::new(fm10, m);
    let crowning_index = match &bed10 {
        Some(b) => {
            let r_active_ft = (3.0 / c.canopy_bulk_density_kg_per_m3) / FT_TO_M;
            let r10 = r_active_ft / 3.34;
            let ros0 = b.reaction_intensity_btu_per_ft2_min * 0.048_317_062_998_571_636 / b.heat_sink_btu_per_ft3;
            let a = ((r10 / ros0) - 1.0) / 0.001_610_212_859_651_548;
            let u_mid = a.powf(1.0 / 1.430_825_632_472_987_3);
            u_mid / 0.4 * FT_TO_M
        }
        None => f64::NAN,
    };
    // SR01 eq. 11: R'initiation = 60 I'initiation / H_surface.
    let hpa_btu = surface.heat_per_area_kj_per_m2 / (1.055_055_852_62 / (0.3048 * 0.3048));
    let i0_btu = i0_b / KW_PER_M_PER_BTU_FT_S;
    let r_init = if hpa_btu > 0.0 { 60.0 * i0_btu / hpa_btu * FT_TO_M } else { f64::INFINITY };
    // R'sa: the surface rate under the crowning index's 20-ft wind.
    let r_sa = surface_under_canopy(model, m, c, crowning_index, opts).0.ros_m_per_min;
    let r_sa = if crowning_index.is_nan() { f64::NAN } else { r_sa };
    // SR01 eq. 22: crown fraction burned, 0..1.
    let den = r_sa - r_init;
    let cfb =
        if den > 1e-7 / FT_TO_M * FT_TO_M { ((surface.ros_m_per_min - r_init) / den).clamp(0.0, 1.0) } else { 0.0 };
    let passive_ros = surface.ros_m_per_min + cfb * (crown_ros - surface.ros_m_per_min);
    let passive_hpa = surface.heat_per_area_kj_per_m2 + canopy_hpa * cfb;
    let passive_i = passive_hpa * passive_ros / 60.0;
    let passive = Final {
        ros_m_per_min: passive_ros,
        heat_per_area_kj_per_m2: passive_hpa,
        fireline_intensity_kw_per_m: passive_i,
        flame_length_m: thomas_flame_length_m(passive_i),
    };
    let scott_reinhardt = match fire_type {
        FireType::Surface | FireType::ConditionalCrown => surface_final,
        FireType::Torching => passive,
        FireType::Crowning => crown_final,
    };
    CrownFire {
        surface,
        surface_waf,
        fm10: fm10_fire,
        fm10_midflame_wind_m_per_min: fm10_mid,
        crown_ros_m_per_min: crown_ros,
        canopy_fuel_load_kg_per_m2: load,
        canopy_heat_per_area_kj_per_m2: canopy_hpa,
        crown_heat_per_area_kj_per_m2: crown_hpa,
        crown_fireline_intensity_kw_per_m: crown_i,
        crown_flame_length_m: crown_fl,
        critical_surface_intensity_kw_per_m: i0,
        critical_surface_flame_length_m: i0_fl,
        critical_crown_ros_m_per_min: r0,
        transition_ratio,
        active_ratio,
        fire_type,
        crown_length_to_breadth: lb,
        crown_area_1h_m2: area,
        crown_perimeter_1h_m: perimeter,
        finney,
        crowning_index_m_per_min: crowning_index,
        r_initiation_m_per_min: r_init,
        r_sa_m_per_min: r_sa,
        crown_fraction_burned: cfb,
        passive,
        scott_reinhardt,
    }
}

/// The 20-ft wind (m/min) at which the transition ratio reaches 1 (the torching index), by bisection on the surface
/// model: 0 when the fire already torches without wind, NaN when no wind up to `max_m_per_min` makes it torch.
pub fn torching_index_m_per_min(
    model: &FuelModel,
    m: &Moisture,
    c: &CrownInputs,
    opts: &SurfaceOptions,
    max_m_per_min: f64,
) -> f64 {
    let i0 = critical_surface_intensity_kw_per_m(c.canopy_base_height_m, c.foliar_moisture_frac) * BEHAVE_I0_FACTOR;
    let tr = |u: f64| surface_under_canopy(model, m, c, u, opts).0.fireline_intensity_kw_per_m / i0;
    if tr(0.0) >= 1.0 {
        return 0.0;
    }
    if tr(max_m_per_min) < 1.0 {
        return f64::NAN;
    }
    let (mut lo, mut hi) = (0.0, max_m_per_min);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if tr(mid) >= 1.0 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    0.5 * (lo + hi)
}
