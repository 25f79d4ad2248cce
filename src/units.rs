//! Every unit conversion Emberfall makes, named once. Emberfall is SI inside (m, kg, kJ, kW, min, degrees Celsius,
//! fractions); the empirical relations it carries were fitted in the units of their papers (feet, pounds, Btu,
//! miles per hour, degrees Fahrenheit) and take their conversions from here, at their edges. The WGSL mirror is
//! `shaders/units.wgsl` (same names, f32), prepended to every kernel; `tests/units.rs` checks each derived
//! constant against the exact definitions below and the WGSL values against these.
//!
//! Exact definitions:
//! - international foot: 1 ft = 0.3048 m (International Yard and Pound Agreement, 1959);
//! - avoirdupois pound: 1 lb = 0.45359237 kg (same agreement);
//! - International Table Btu: 1 Btu = 1055.05585262 J (Fifth International Conference on the Properties of Steam,
//!   1956), so that 1 Btu/lb = 2.326 kJ/kg exactly;
//! - statute mile: 5280 ft; chain (Gunter's): 66 ft; inch: 1/12 ft; short ton: 2000 lb; acre: 43 560 ft2;
//! - 0 degrees C = 273.15 K; degrees F = 9/5 degrees C + 32.

/// Metres per foot (exact).
pub const M_PER_FT: f64 = 0.3048;
/// Feet per metre.
pub const FT_PER_M: f64 = 1.0 / M_PER_FT;
/// Feet per metre as FARSITE's code writes it (3.2808: `FmsThread::SiteSpecific`'s lapse rates and the solar air
/// mass): used only inside the models carried over from that code, so that their numbers stay FARSITE's.
pub const FT_PER_M_FARSITE: f64 = 3.2808;
/// Kilograms per pound (exact).
pub const KG_PER_LB: f64 = 0.453_592_37;
/// Kilojoules per International Table Btu (exact).
pub const KJ_PER_BTU: f64 = 1.055_055_852_62;
/// Seconds per minute.
pub const S_PER_MIN: f64 = 60.0;
/// Minutes per hour.
pub const MIN_PER_H: f64 = 60.0;
/// Metres per kilometre.
pub const M_PER_KM: f64 = 1000.0;
/// Feet per statute mile (exact).
pub const FT_PER_MI: f64 = 5280.0;
/// Metres per statute mile (exact: 5280 x 0.3048).
pub const M_PER_MI: f64 = FT_PER_MI * M_PER_FT;
/// Feet per chain (exact).
pub const FT_PER_CHAIN: f64 = 66.0;
/// Millimetres per inch (exact).
pub const MM_PER_IN: f64 = M_PER_FT / 12.0 * MM_PER_M;
/// Square metres per hectare.
pub const M2_PER_HA: f64 = 10_000.0;
/// Millimetres per metre.
pub const MM_PER_M: f64 = 1000.0;
/// kW per MW (and kW/m per MW/m).
pub const KW_PER_MW: f64 = 1000.0;
/// Metres per centimetre.
pub const M_PER_CM: f64 = 0.01;
/// 1/m per 1/cm (surface-area-to-volume ratios).
pub const PER_M_PER_PER_CM: f64 = 100.0;
/// kg/m2 per tonne per hectare.
pub const KG_PER_M2_PER_TONNE_PER_HA: f64 = 1000.0 / M2_PER_HA;
/// Pounds per short ton (exact).
pub const LB_PER_TON: f64 = 2000.0;
/// Square feet per acre (exact).
pub const FT2_PER_ACRE: f64 = 43_560.0;

/// kJ/kg per Btu/lb (2.326 exactly).
pub const KJ_PER_KG_PER_BTU_PER_LB: f64 = KJ_PER_BTU / KG_PER_LB;
/// kg/m2 per lb/ft2.
pub const KG_PER_M2_PER_LB_PER_FT2: f64 = KG_PER_LB / (M_PER_FT * M_PER_FT);
/// kg/m2 per short ton per acre.
pub const KG_PER_M2_PER_TON_PER_ACRE: f64 = LB_PER_TON * KG_PER_LB / (FT2_PER_ACRE * M_PER_FT * M_PER_FT);
/// kg/m3 per lb/ft3.
pub const KG_PER_M3_PER_LB_PER_FT3: f64 = KG_PER_LB / (M_PER_FT * M_PER_FT * M_PER_FT);
/// kJ/m2 per Btu/ft2.
pub const KJ_PER_M2_PER_BTU_PER_FT2: f64 = KJ_PER_BTU / (M_PER_FT * M_PER_FT);
/// kW/m2 per Btu/ft2/min.
pub const KW_PER_M2_PER_BTU_PER_FT2_MIN: f64 = KJ_PER_M2_PER_BTU_PER_FT2 / S_PER_MIN;
/// kW/m per Btu/ft/s (fireline intensity).
pub const KW_PER_M_PER_BTU_PER_FT_S: f64 = KJ_PER_BTU / M_PER_FT;

/// m/min per km/h.
pub const M_PER_MIN_PER_KM_PER_H: f64 = M_PER_KM / MIN_PER_H;
/// m/min per m/s.
pub const M_PER_MIN_PER_M_PER_S: f64 = S_PER_MIN;
/// m/min per mi/h.
pub const M_PER_MIN_PER_MI_PER_H: f64 = M_PER_MI / MIN_PER_H;
/// ft/min per mi/h (88 exactly).
pub const FT_PER_MIN_PER_MI_PER_H: f64 = FT_PER_MI / MIN_PER_H;
/// m/min per chain/h.
pub const M_PER_MIN_PER_CHAIN_PER_H: f64 = FT_PER_CHAIN * M_PER_FT / MIN_PER_H;
/// km/h per mi/h.
pub const KM_PER_H_PER_MI_PER_H: f64 = M_PER_MI / M_PER_KM;
/// m/min per ft/min.
pub const M_PER_MIN_PER_FT_PER_MIN: f64 = M_PER_FT;

/// The 10-m wind per unit of 20-ft wind: U20ft = U10m / 1.15 (Turner, J.A. & Lawson, B.D. 1978, Weather in the
/// Canadian Forest Fire Danger Rating System, BC-X-177; as BehavePlus and FARSITE take it). Not a unit conversion
/// but a height conversion of the same wind, named here so that every wind is converted in one place.
pub const WIND_10M_PER_WIND_20FT: f64 = 1.15;

/// Kelvin at 0 degrees C (exact).
pub const KELVIN_AT_0C: f64 = 273.15;
/// The same offset as Nelson's (2000) dead fuel moisture code writes it (273.2, `DeadFuelMoisture::Kelvin` in the
/// FARSITE/FlamMap sources); used only inside that model so that its sticks stay those of the reference code.
pub const KELVIN_AT_0C_NELSON: f64 = 273.2;
/// Degrees F per degree C (a temperature difference).
pub const F_PER_C: f64 = 9.0 / 5.0;
/// Degrees F at 0 degrees C.
pub const F_AT_0C: f64 = 32.0;

/// Fraction per percent.
pub const FRAC_PER_PCT: f64 = 0.01;
/// Percent per fraction.
pub const PCT_PER_FRAC: f64 = 100.0;

/// LANDFIRE canopy height and base height are stored in m x 10: metres per stored unit.
pub const LANDFIRE_M_PER_HEIGHT_UNIT: f64 = 0.1;
/// LANDFIRE canopy bulk density is stored in kg/m3 x 100: kg/m3 per stored unit.
pub const LANDFIRE_KG_PER_M3_PER_CBD_UNIT: f64 = 0.01;
/// FARSITE `.lcp` bulk density in lb/ft3 x 1000: kg/m3 per stored unit.
pub const LCP_KG_PER_M3_PER_CBD_ENGLISH_UNIT: f64 = KG_PER_M3_PER_LB_PER_FT3 / 1000.0;

/// Degrees C from degrees F.
pub fn c_from_f(f: f64) -> f64 {
    (f - F_AT_0C) / F_PER_C
}
/// Degrees F from degrees C.
pub fn f_from_c(c: f64) -> f64 {
    c * F_PER_C + F_AT_0C
}
/// Kelvin from degrees C.
pub fn k_from_c(c: f64) -> f64 {
    c + KELVIN_AT_0C
}
/// Degrees C from kelvin.
pub fn c_from_k(k: f64) -> f64 {
    k - KELVIN_AT_0C
}
/// m/min from km/h.
pub fn m_per_min_from_km_per_h(v: f64) -> f64 {
    v * M_PER_MIN_PER_KM_PER_H
}
/// km/h from m/min.
pub fn km_per_h_from_m_per_min(v: f64) -> f64 {
    v / M_PER_MIN_PER_KM_PER_H
}
/// mi/h from m/min.
pub fn mi_per_h_from_m_per_min(v: f64) -> f64 {
    v / M_PER_MIN_PER_MI_PER_H
}
/// The 20-ft wind from a 10-m wind (any speed unit): [`WIND_10M_PER_WIND_20FT`].
pub fn wind_20ft_from_10m(u10: f64) -> f64 {
    u10 / WIND_10M_PER_WIND_20FT
}
/// Fraction from percent.
pub fn frac_from_pct(p: f64) -> f64 {
    p / PCT_PER_FRAC
}
/// Percent from fraction.
pub fn pct_from_frac(f: f64) -> f64 {
    f * PCT_PER_FRAC
}

/// Bytes in a gibibyte (2^30, IEC 80000-13), for memory figures. Host only: no kernel sizes memory.
pub const BYTES_PER_GIB: f64 = 1_073_741_824.0;

/// Every constant above with its name, as `shaders/units.wgsl` must mirror it (the test compares the two).
pub const ALL: &[(&str, f64)] = &[
    ("M_PER_FT", M_PER_FT),
    ("FT_PER_M", FT_PER_M),
    ("FT_PER_M_FARSITE", FT_PER_M_FARSITE),
    ("KG_PER_LB", KG_PER_LB),
    ("KJ_PER_BTU", KJ_PER_BTU),
    ("S_PER_MIN", S_PER_MIN),
    ("MIN_PER_H", MIN_PER_H),
    ("M_PER_KM", M_PER_KM),
    ("FT_PER_MI", FT_PER_MI),
    ("M_PER_MI", M_PER_MI),
    ("FT_PER_CHAIN", FT_PER_CHAIN),
    ("MM_PER_IN", MM_PER_IN),
    ("M2_PER_HA", M2_PER_HA),
    ("MM_PER_M", MM_PER_M),
    ("KW_PER_MW", KW_PER_MW),
    ("M_PER_CM", M_PER_CM),
    ("PER_M_PER_PER_CM", PER_M_PER_PER_CM),
    ("KG_PER_M2_PER_TONNE_PER_HA", KG_PER_M2_PER_TONNE_PER_HA),
    ("LB_PER_TON", LB_PER_TON),
    ("FT2_PER_ACRE", FT2_PER_ACRE),
    ("KJ_PER_KG_PER_BTU_PER_LB", KJ_PER_KG_PER_BTU_PER_LB),
    ("KG_PER_M2_PER_LB_PER_FT2", KG_PER_M2_PER_LB_PER_FT2),
    ("KG_PER_M2_PER_TON_PER_ACRE", KG_PER_M2_PER_TON_PER_ACRE),
    ("KG_PER_M3_PER_LB_PER_FT3", KG_PER_M3_PER_LB_PER_FT3),
    ("KJ_PER_M2_PER_BTU_PER_FT2", KJ_PER_M2_PER_BTU_PER_FT2),
    ("KW_PER_M2_PER_BTU_PER_FT2_MIN", KW_PER_M2_PER_BTU_PER_FT2_MIN),
    ("KW_PER_M_PER_BTU_PER_FT_S", KW_PER_M_PER_BTU_PER_FT_S),
    ("M_PER_MIN_PER_KM_PER_H", M_PER_MIN_PER_KM_PER_H),
    ("M_PER_MIN_PER_M_PER_S", M_PER_MIN_PER_M_PER_S),
    ("M_PER_MIN_PER_MI_PER_H", M_PER_MIN_PER_MI_PER_H),
    ("FT_PER_MIN_PER_MI_PER_H", FT_PER_MIN_PER_MI_PER_H),
    ("M_PER_MIN_PER_CHAIN_PER_H", M_PER_MIN_PER_CHAIN_PER_H),
    ("KM_PER_H_PER_MI_PER_H", KM_PER_H_PER_MI_PER_H),
    ("M_PER_MIN_PER_FT_PER_MIN", M_PER_MIN_PER_FT_PER_MIN),
    ("WIND_10M_PER_WIND_20FT", WIND_10M_PER_WIND_20FT),
    ("KELVIN_AT_0C", KELVIN_AT_0C),
    ("KELVIN_AT_0C_NELSON", KELVIN_AT_0C_NELSON),
    ("F_PER_C", F_PER_C),
    ("F_AT_0C", F_AT_0C),
    ("FRAC_PER_PCT", FRAC_PER_PCT),
    ("PCT_PER_FRAC", PCT_PER_FRAC),
    ("LANDFIRE_M_PER_HEIGHT_UNIT", LANDFIRE_M_PER_HEIGHT_UNIT),
    ("LANDFIRE_KG_PER_M3_PER_CBD_UNIT", LANDFIRE_KG_PER_M3_PER_CBD_UNIT),
    ("LCP_KG_PER_M3_PER_CBD_ENGLISH_UNIT", LCP_KG_PER_M3_PER_CBD_ENGLISH_UNIT),
];
