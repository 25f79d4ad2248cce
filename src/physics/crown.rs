//! Crown fire in f64: Van Wagner's (1977) initiation and active-spread criteria, Rothermel's (1991) crown spread rate,
//! the fire type, and the final fire behaviour by two methods, each written once here and used by the point
//! calculator (`crown --csv`, [`crown_fire`]), the behaviour maps and the spread's CPU twin ([`finney`],
//! [`scott_reinhardt`], called per cell by `physics::behavior::cell_behavior`); `shaders/surface_fire.wgsl` mirrors
//! them step by step.
//!
//! - `finney`: Finney (1998) as FARSITE and FlamMap compute it (their default), with their conventions (FARSITE
//!   source, `Crown::CrownIgnite`, `Crown::CrownBurn`, `Crown::CrownSpread`, `Crown::CrownIntensity` in
//!   fsxwcrwn.cpp and `BurnThread::CrownFire` in fsxwburn4.cpp): crown fire only where canopy cover and canopy
//!   height are both above 0; a base height of 0 taken as 0.01 m, a bulk density of 0 as 0.01 kg/m3, a canopy
//!   whose height is not above its base taken as 1 m deep; crown fraction burned at least 0.01 once the crown
//!   ignites; canopy heat content 18 000 kJ/kg.
//! - `scott-reinhardt`: Scott & Reinhardt (2001) with behave's conventions (see ../shared/oracle/README.md): foliar
//!   moisture floored at 30 %, canopy base height at 0.1 m, 8000 Btu/lb canopy heat content, FM10 without slope.
//! - Both: crown fire flame length by Thomas (1963), crown fire length-to-breadth ratio 1 + 0.125 U20 (mi/h).
//!
//! References:
//! - Van Wagner, C.E. 1977. Conditions for the start and spread of crown fire. Can. J. For. Res. 7: 23-34.
//!   `VW77`: critical surface intensity I0 = (0.010 CBH (460 + 25.9 FMC))^1.5 kW/m, CBH m, FMC % (eq. 4);
//!   critical crown spread rate R0 = 3.0 / CBD m/min, CBD kg/m3 (eq. 9).
//! - Van Wagner, C.E. 1993. Prediction of crown fire behavior in two stands of jack pine. Can. J. For. Res. 23:
//!   442-449. `VW93`: surface fuel consumption SFC = I / (300 R) kg/m2 (I kW/m, R m/min: 18 000 kJ/kg / 60 s/min)
//!   and the surface rate at initiation R'0 = I0 / (300 SFC), m/min.
//! - Rothermel, R.C. 1991. Predicting behavior and size of crown fires in the Northern Rocky Mountains. INT-438.
//!   `R91`: crown spread rate 3.34 x the FM10 rate at wind adjustment 0.4 (eq. 5); length-to-breadth 1 + 0.125 U20
//!   (eq. 10); area pi D^2 / (4 LB) and perimeter pi D (1 + 1/LB) / 2 (eq. 11, 13).
//! - Thomas, P.H. 1963. The size of flames from natural fires. 9th Symp. (Int.) on Combustion: 844-859. Flame length
//!   L = 0.2 I^(2/3), L in ft and I in Btu/ft/s (as Rothermel 1991, p. 10, writes it), that is L = 0.0266 I^(2/3)
//!   with L in m and I in kW/m.
//! - Finney, M.A. 1998. FARSITE: Fire Area Simulator. RMRS-RP-4. `F98`: crown fraction burned
//!   CFB = 1 - exp(-a (R - R'0)), a = -ln(0.1) / (0.9 (R0 - R'0)) (so CFB = 0.9 when R reaches R0); crown spread
//!   R_cactual = R + CFB (R_crown - R) (Van Wagner's two-equation model), active when R_cactual >= R0; fireline
//!   intensity (SFC + CFB x canopy load) x 18 000 kJ/kg x R / 60, with R the surface rate for a passive crown fire
//!   and R_cactual for an active one.
//! - Scott, J.H.; Reinhardt, E.D. 2001. Assessing crown fire potential by linking models of surface and crown fire
//!   behavior. RMRS-RP-29. `SR01`: R'initiation (eq. 11), crowning index O'active (eq. 20), crown fraction burned
//!   (eq. 22), passive crown fire spread and intensity (eq. 23-24).

use crate::physics::fuel::FuelModel;
use crate::physics::surface::{surface_fire, FuelBed, Moisture, SiteInputs, SurfaceFire, SurfaceOptions};
use crate::units::{
    mi_per_h_from_m_per_min, pct_from_frac, KJ_PER_KG_PER_BTU_PER_LB, KW_PER_M_PER_BTU_PER_FT_S, MIN_PER_H, M_PER_FT,
    S_PER_MIN,
};

/// Btu per lb of canopy fuel (behave's low heat of combustion of foliage).
pub const CANOPY_HEAT_BTU_PER_LB: f64 = 8000.0;

pub use crate::physics::options::{CrownMethod, DEFAULT_FOLIAR_MOISTURE_FRAC};

/// FlamMap's crown fire codes, as the behaviour maps write them (`crown_fire_type.tif`).
pub mod map_code {
    pub const NON_BURNABLE: f64 = 0.0;
    pub const SURFACE: f64 = 1.0;
    pub const PASSIVE: f64 = 2.0;
    pub const ACTIVE: f64 = 3.0;
}

/// FARSITE and FlamMap's canopy heat content, kJ/kg (CROWN_METHODS.md).
pub const FINNEY_CANOPY_HEAT_KJ_PER_KG: f64 = 18_000.0;
/// behave's 8000 Btu/lb in kJ/kg.
pub const BEHAVE_CANOPY_HEAT_KJ_PER_KG: f64 = CANOPY_HEAT_BTU_PER_LB * KJ_PER_KG_PER_BTU_PER_LB;

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

/// Thomas's (1963) flame length, m, of a crown fire of fireline intensity `intensity_kw_per_m`: L = 0.2 I^(2/3) with L
/// in ft and I in Btu/ft/s (Rothermel 1991, p. 10; FARSITE `Crown::CrownIntensity`), evaluated in those units. In SI
/// this is L = 0.0266 I^(2/3) (m, kW/m): 10 MW/m gives 12.4 m. The one crown flame length of every method and path.
pub fn thomas_flame_length_m(intensity_kw_per_m: f64) -> f64 {
    if intensity_kw_per_m <= 0.0 {
        return 0.0;
    }
    let i_btu_per_ft_s = intensity_kw_per_m / KW_PER_M_PER_BTU_PER_FT_S;
    0.2 * i_btu_per_ft_s.powf(2.0 / 3.0) * M_PER_FT
}

/// Flame length, m, at a cell of crown fire type `map_code_value` ([`map_code`]) and fireline intensity `i` kW/m:
/// Thomas (1963) for passive and active crown fire, Byram (1959) for surface fire.
pub fn flame_length_m(map_code_value: f64, intensity_kw_per_m: f64) -> f64 {
    if map_code_value >= map_code::PASSIVE {
        thomas_flame_length_m(intensity_kw_per_m)
    } else {
        crate::physics::surface::byram_flame_length_m(intensity_kw_per_m)
    }
}

/// behave converts Van Wagner's critical intensity from kW/m to its base unit Btu/ft/s with 0.2886719, not the
/// exact 1 / 3.4614693 (behaveUnits.cpp), and compares surface fires with it there: the transition ratio, R'initiation
/// and the critical flame length see I0 x 0.2886719 x 3.4614693 = 0.99923 I0. Kept, so fire types match behave's
/// at the boundary.
pub const BEHAVE_I0_FACTOR: f64 = 0.288_671_9 * KW_PER_M_PER_BTU_PER_FT_S;

/// Van Wagner's (1977, eq. 4) critical surface fireline intensity for crown ignition, kW/m, as written: canopy base
/// height in m, foliar moisture in percent.
pub fn van_wagner_critical_intensity_kw_per_m(canopy_base_height_m: f64, foliar_moisture_pct: f64) -> f64 {
    (0.010 * canopy_base_height_m * (460.0 + 25.9 * foliar_moisture_pct)).powf(1.5)
}

/// [`van_wagner_critical_intensity_kw_per_m`] with behave's floors: canopy base height at least 0.1 m, foliar
/// moisture (fraction) at least 0.30.
pub fn critical_surface_intensity_kw_per_m(canopy_base_height_m: f64, foliar_moisture_frac: f64) -> f64 {
    van_wagner_critical_intensity_kw_per_m(canopy_base_height_m.max(0.1), pct_from_frac(foliar_moisture_frac).max(30.0))
}

/// Van Wagner's (1977, eq. 9) critical crown spread rate for active crowning, m/min, from canopy bulk density,
/// kg/m3 (infinite without canopy fuel).
pub fn critical_crown_ros_m_per_min(canopy_bulk_density_kg_per_m3: f64) -> f64 {
    if canopy_bulk_density_kg_per_m3 > 0.0 {
        3.0 / canopy_bulk_density_kg_per_m3
    } else {
        f64::INFINITY
    }
}

/// The surface spread rate, m/min, at which a fire of heat per unit area `heat_per_area_kj_per_m2` reaches the
/// critical intensity `i0_kw_per_m`: R'0 = 60 I0 / H_A (VW93 I0 / (300 SFC); SR01 eq. 11 R'initiation).
pub fn initiation_ros_m_per_min(i0_kw_per_m: f64, heat_per_area_kj_per_m2: f64) -> f64 {
    if heat_per_area_kj_per_m2 > 0.0 {
        S_PER_MIN * i0_kw_per_m / heat_per_area_kj_per_m2
    } else {
        f64::INFINITY
    }
}

/// Rothermel's (1991, eq. 10) crown fire length-to-breadth ratio from the 20-ft wind, m/min (1 + 0.125 U20 mi/h).
pub fn crown_length_to_breadth(wind20_m_per_min: f64) -> f64 {
    1.0 + 0.125 * mi_per_h_from_m_per_min(wind20_m_per_min)
}

/// Does FARSITE/FlamMap see a canopy that can burn? Both cover and height above 0 (`BurnThread`, fsxwburn4.cpp).
pub fn has_canopy(canopy_cover_frac: f64, canopy_height_m: f64) -> bool {
    canopy_cover_frac > 0.0 && canopy_height_m > 0.0
}

/// A canopy as FARSITE's `Crown::CrownIgnite` holds it: base height 0 -> 0.01 m, bulk density 0 -> 0.01 kg/m3,
/// height not above the base -> base + 1 m.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FarsiteCanopy {
    pub height_m: f64,
    pub base_height_m: f64,
    pub bulk_density_kg_per_m3: f64,
}

impl FarsiteCanopy {
    pub fn new(height_m: f64, base_height_m: f64, bulk_density_kg_per_m3: f64) -> Self {
        let base_height_m = if base_height_m == 0.0 { 0.01 } else { base_height_m };
        let bulk_density_kg_per_m3 = if bulk_density_kg_per_m3 == 0.0 { 0.01 } else { bulk_density_kg_per_m3 };
        let height_m = if height_m <= base_height_m { base_height_m + 1.0 } else { height_m };
        FarsiteCanopy { height_m, base_height_m, bulk_density_kg_per_m3 }
    }
    /// Canopy fuel load, kg/m2: CBD x (CH - CBH).
    pub fn fuel_load_kg_per_m2(&self) -> f64 {
        self.bulk_density_kg_per_m3 * (self.height_m - self.base_height_m).abs()
    }
}

/// The surface fire a crown method starts from, SI.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SurfaceHead {
    pub ros_m_per_min: f64,
    pub heat_per_area_kj_per_m2: f64,
    pub fireline_intensity_kw_per_m: f64,
}

/// What a crown method gives a cell whose surface fire has reached the critical intensity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CrownOutcome {
    /// Active crown fire (else passive).
    pub active: bool,
    pub crown_fraction_burned: f64,
    /// The final values: spread rate, heat per area, fireline intensity and flame length.
    pub fire: Final,
}

/// Finney (1998) as FARSITE and FlamMap compute it, for a surface fire that has reached the critical intensity
/// `i0_kw_per_m` (Van Wagner 1977 from the [`FarsiteCanopy`] base height, no floors on the foliar moisture) under
/// `canopy`, with `crown_ros_m_per_min` Rothermel's (1991) crown rate 3.34 x R10 (FM10 with the cell's slope and
/// the 20-ft wind at adjustment 0.4, vectored as the surface fire's). Sources in the module docs (F98, VW93).
pub fn finney(
    surface: &SurfaceHead,
    i0_kw_per_m: f64,
    crown_ros_m_per_min: f64,
    canopy: &FarsiteCanopy,
) -> CrownOutcome {
    let ros_s = surface.ros_m_per_min;
    let r_active = critical_crown_ros_m_per_min(canopy.bulk_density_kg_per_m3);
    // R'0 = I0 / (300 SFC) with SFC = I / (300 R) (VW93): the surface rate at initiation.
    let r_init = initiation_ros_m_per_min(i0_kw_per_m, surface.heat_per_area_kj_per_m2);
    // F98: a = -ln(0.1) / (0.9 (R0 - R'0)); CFB = 1 - exp(-a (R - R'0)), at least 0.01 once the crown ignites.
    let cfb = if r_active > r_init {
        let a = std::f64::consts::LN_10 / (0.9 * (r_active - r_init));
        let c = 1.0 - (-a * (ros_s - r_init)).exp();
        if c <= 0.0 {
            0.01
        } else {
            c.min(1.0)
        }
    } else {
        1.0
    };
    // Van Wagner's two-equation model: R_cactual = R + CFB (R_crown - R); active when it reaches R0.
    let r_actual = ros_s + cfb * (crown_ros_m_per_min - ros_s);
    let active = r_actual >= r_active;
    // A passive crown fire spreads at the surface rate; an active one at R_cactual (never below the surface rate).
    let ros = if active { r_actual.max(ros_s) } else { ros_s };
    // Heat per area: the surface fire's (SFC x 18 000 kJ/kg) plus the canopy fuel burned, CFB x CBD x (CH - CBH).
    crown_final(surface, active, cfb, ros, canopy.fuel_load_kg_per_m2(), FINNEY_CANOPY_HEAT_KJ_PER_KG)
}

/// Scott & Reinhardt's (2001) crowning index O'active (eq. 20), the 20-ft wind (m/min) at which FM10's rate makes
/// the crown rate 3.34 R10 equal R0 = 3.0 / CBD, from FM10's bed (its no-wind rate and wind factor
/// phi_w = C U^B (beta/beta_op)^-E, R72 eq. 47) at wind adjustment 0.4. 0 when FM10 already spreads fast enough
/// without wind; infinite without canopy fuel (as behave).
pub fn crowning_index_m_per_min(fm10: &FuelBed, canopy_bulk_density_kg_per_m3: f64) -> f64 {
    let r_active = critical_crown_ros_m_per_min(canopy_bulk_density_kg_per_m3);
    if !r_active.is_finite() {
        return f64::INFINITY;
    }
    let r10_ft_per_min = r_active / 3.34 / M_PER_FT;
    let (c, b, e) = fm10.wind_coefficients();
    let ratio = fm10.packing_ratio / fm10.optimum_packing_ratio;
    let phi = (r10_ft_per_min / fm10.ros0_ft_per_min - 1.0) / (c * ratio.powf(-e));
    let midflame_ft_per_min = if phi > 0.0 { phi.powf(1.0 / b) } else { 0.0 };
    midflame_ft_per_min / 0.4 * M_PER_FT
}

/// Scott & Reinhardt's (2001) passive crown fire of a surface fire that has reached the critical intensity
/// `i0_kw_per_m`: CFB = (R - R'initiation) / (R'sa - R'initiation) (eq. 22, R'initiation eq. 11), `r_sa_m_per_min`
/// the surface rate under the crowning index's wind; rate R + CFB (R_crown - R) (eq. 23), `crown_ros_m_per_min`
/// 3.34 x FM10's rate; heat per area with CFB of the canopy fuel load (CBD x (CH - CBH)) at behave's 8000 Btu/lb
/// (eq. 24).
pub fn scott_reinhardt_passive(
    surface: &SurfaceHead,
    i0_kw_per_m: f64,
    crown_ros_m_per_min: f64,
    canopy_fuel_load_kg_per_m2: f64,
    r_sa_m_per_min: f64,
) -> CrownOutcome {
    let ros_s = surface.ros_m_per_min;
    let r_init = initiation_ros_m_per_min(i0_kw_per_m, surface.heat_per_area_kj_per_m2);
    let den = r_sa_m_per_min - r_init;
    let cfb = if den > 1e-7 { ((ros_s - r_init) / den).clamp(0.0, 1.0) } else { 0.0 };
    let ros = ros_s + cfb * (crown_ros_m_per_min - ros_s);
    crown_final(surface, false, cfb, ros, canopy_fuel_load_kg_per_m2, BEHAVE_CANOPY_HEAT_KJ_PER_KG)
}

/// Scott & Reinhardt (2001) with behave's conventions, for a surface fire that has reached the critical intensity:
/// active (CFB 1, the crown rate, all the canopy's heat) when `crown_ros_m_per_min` (3.34 x FM10's rate, no slope)
/// reaches R0 = 3.0 / CBD, otherwise [`scott_reinhardt_passive`].
pub fn scott_reinhardt(
    surface: &SurfaceHead,
    i0_kw_per_m: f64,
    crown_ros_m_per_min: f64,
    canopy_bulk_density_kg_per_m3: f64,
    canopy_fuel_load_kg_per_m2: f64,
    r_sa_m_per_min: f64,
) -> CrownOutcome {
    if crown_ros_m_per_min >= critical_crown_ros_m_per_min(canopy_bulk_density_kg_per_m3) {
        crown_final(surface, true, 1.0, crown_ros_m_per_min, canopy_fuel_load_kg_per_m2, BEHAVE_CANOPY_HEAT_KJ_PER_KG)
    } else {
        scott_reinhardt_passive(surface, i0_kw_per_m, crown_ros_m_per_min, canopy_fuel_load_kg_per_m2, r_sa_m_per_min)
    }
}

/// Final values of a crown fire spreading at `ros` with a fraction `cfb` of the canopy's fuel burning at
/// `canopy_heat_kj_per_kg` (SR01 eq. 24; F98): heat per area, Byram's intensity HPA R / 60, Thomas's flame length.
fn crown_final(
    surface: &SurfaceHead,
    active: bool,
    cfb: f64,
    ros: f64,
    canopy_fuel_load_kg_per_m2: f64,
    canopy_heat_kj_per_kg: f64,
) -> CrownOutcome {
    let heat = surface.heat_per_area_kj_per_m2 + cfb * canopy_fuel_load_kg_per_m2 * canopy_heat_kj_per_kg;
    let intensity = heat * ros / S_PER_MIN;
    CrownOutcome {
        active,
        crown_fraction_burned: cfb,
        fire: Final {
            ros_m_per_min: ros,
            heat_per_area_kj_per_m2: heat,
            fireline_intensity_kw_per_m: intensity,
            flame_length_m: thomas_flame_length_m(intensity),
        },
    }
}

/// Surface fire of `model` under a canopy: the 20-ft wind reduced by the canopy's wind adjustment factor.
fn surface_under_canopy(
    model: &FuelModel,
    m: &Moisture,
    c: &CrownInputs,
    wind20: f64,
    opts: &SurfaceOptions,
) -> (SurfaceFire, f64) {
    let waf = crate::physics::wind::wind_adjustment_factor(
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

/// Area (m2) and perimeter (m) of the crown fire run for one hour at `crown_ros` (m/min) with length-to-breadth
/// ratio `lb`: an ellipse of length D = 60 R (R91 eq. 11, 13).
pub fn crown_fire_shape_1h(crown_ros: f64, lb: f64) -> (f64, f64) {
    let d = crown_ros * MIN_PER_H;
    (std::f64::consts::PI * d * d / (4.0 * lb), 0.5 * std::f64::consts::PI * d * (1.0 + 1.0 / lb))
}

impl FireType {
    /// The fire type of a transition ratio (surface intensity / I0) and an active ratio (crown rate / R0) (SR01).
    pub fn of(transition_ratio: f64, active_ratio: f64) -> FireType {
        match (transition_ratio >= 1.0, active_ratio >= 1.0) {
            (false, false) => FireType::Surface,
            (false, true) => FireType::ConditionalCrown,
            (true, false) => FireType::Torching,
            (true, true) => FireType::Crowning,
        }
    }
}

impl Final {
    /// The surface fire's head as final behaviour.
    fn of_surface(f: &SurfaceFire) -> Final {
        Final {
            ros_m_per_min: f.ros_m_per_min,
            heat_per_area_kj_per_m2: f.heat_per_area_kj_per_m2,
            fireline_intensity_kw_per_m: f.fireline_intensity_kw_per_m,
            flame_length_m: f.flame_length_m,
        }
    }
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
    let canopy_hpa = load * BEHAVE_CANOPY_HEAT_KJ_PER_KG;
    let crown_hpa = surface.heat_per_area_kj_per_m2 + canopy_hpa;
    let crown_i = crown_ros / S_PER_MIN * crown_hpa;
    let crown_fl = thomas_flame_length_m(crown_i);
    let i0 = critical_surface_intensity_kw_per_m(c.canopy_base_height_m, c.foliar_moisture_frac);
    // I0 as behave holds it (see BEHAVE_I0_FACTOR), for every comparison with the surface fire.
    let i0_b = i0 * BEHAVE_I0_FACTOR;
    let i0_fl = crate::physics::surface::byram_flame_length_m(i0_b);
    let r0 = if c.canopy_bulk_density_kg_per_m3 < 1e-7 { 0.0 } else { 3.0 / c.canopy_bulk_density_kg_per_m3 };
    let active_ratio = if r0 < 1e-7 { 0.0 } else { crown_ros / r0 };
    let transition_ratio = if i0_b < 1e-7 { 0.0 } else { surface.fireline_intensity_kw_per_m / i0_b };
    let fire_type = FireType::of(transition_ratio, active_ratio);
    let lb = crown_length_to_breadth(c.wind20_m_per_min);
    let (area, perimeter) = crown_fire_shape_1h(crown_ros, lb);
    let surface_final = Final::of_surface(&surface);
    let crown_final = Final {
        ros_m_per_min: crown_ros,
        heat_per_area_kj_per_m2: crown_hpa,
        fireline_intensity_kw_per_m: crown_i,
        flame_length_m: crown_fl,
    };
    // behave's Rothermel method (its name for the final values FARSITE's Finney method starts from).
    let finney = match fire_type {
        FireType::Surface | FireType::ConditionalCrown => surface_final,
        // Torching: the surface rate with the crown fire's heat, intensity and flame (as behave).
        FireType::Torching => Final { ros_m_per_min: surface.ros_m_per_min, ..crown_final },
        FireType::Crowning => crown_final,
    };
    // SR01 eq. 20, 11, 22-24 through the functions the maps use.
    let crowning_index =
        FuelBed::new(fm10, m).map_or(f64::NAN, |b| crowning_index_m_per_min(&b, c.canopy_bulk_density_kg_per_m3));
    let r_init = initiation_ros_m_per_min(i0_b, surface.heat_per_area_kj_per_m2);
    // R'sa: the surface rate under the crowning index's 20-ft wind.
    let r_sa = surface_under_canopy(model, m, c, crowning_index, opts).0.ros_m_per_min;
    let r_sa = if crowning_index.is_nan() { f64::NAN } else { r_sa };
    let head = SurfaceHead {
        ros_m_per_min: surface.ros_m_per_min,
        heat_per_area_kj_per_m2: surface.heat_per_area_kj_per_m2,
        fireline_intensity_kw_per_m: surface.fireline_intensity_kw_per_m,
    };
    let passive_outcome = scott_reinhardt_passive(&head, i0_b, crown_ros, load, r_sa);
    let cfb = passive_outcome.crown_fraction_burned;
    let passive = passive_outcome.fire;
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
