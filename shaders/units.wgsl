// Unit conversions: the WGSL mirror of src/units.rs (same names, f32; tests/units.rs checks every value against
// the Rust one). The host prepends it to every kernel, before common.wgsl. Definitions and sources: src/units.rs.

// Metres per foot (exact).
const M_PER_FT: f32 = 0.3048;
// Feet per metre.
const FT_PER_M: f32 = 1.0 / M_PER_FT;
// Feet per metre as FARSITE's code writes it (used only inside the models carried over from that code).
const FT_PER_M_FARSITE: f32 = 3.2808;
// Kilograms per pound (exact).
const KG_PER_LB: f32 = 0.45359237;
// Kilojoules per International Table Btu (exact).
const KJ_PER_BTU: f32 = 1.05505585262;
// Seconds per minute.
const S_PER_MIN: f32 = 60.0;
// Minutes per hour.
const MIN_PER_H: f32 = 60.0;
// Metres per kilometre.
const M_PER_KM: f32 = 1000.0;
// Feet per statute mile (exact).
const FT_PER_MI: f32 = 5280.0;
// Metres per statute mile (exact: 5280 x 0.3048).
const M_PER_MI: f32 = FT_PER_MI * M_PER_FT;
// Feet per chain (exact).
const FT_PER_CHAIN: f32 = 66.0;
// Millimetres per inch (exact).
const MM_PER_IN: f32 = M_PER_FT / 12.0 * MM_PER_M;
// Square metres per hectare.
const M2_PER_HA: f32 = 10000.0;
// Millimetres per metre.
const MM_PER_M: f32 = 1000.0;
// kW per MW (and kW/m per MW/m).
const KW_PER_MW: f32 = 1000.0;
// Metres per centimetre.
const M_PER_CM: f32 = 0.01;
// 1/m per 1/cm (surface-area-to-volume ratios).
const PER_M_PER_PER_CM: f32 = 100.0;
// kg/m2 per tonne per hectare.
const KG_PER_M2_PER_TONNE_PER_HA: f32 = 1000.0 / M2_PER_HA;
// Pounds per short ton (exact).
const LB_PER_TON: f32 = 2000.0;
// Square feet per acre (exact).
const FT2_PER_ACRE: f32 = 43560.0;
// kJ/kg per Btu/lb (2.326 exactly).
const KJ_PER_KG_PER_BTU_PER_LB: f32 = KJ_PER_BTU / KG_PER_LB;
// kg/m2 per lb/ft2.
const KG_PER_M2_PER_LB_PER_FT2: f32 = KG_PER_LB / (M_PER_FT * M_PER_FT);
// kg/m2 per short ton per acre.
const KG_PER_M2_PER_TON_PER_ACRE: f32 = LB_PER_TON * KG_PER_LB / (FT2_PER_ACRE * M_PER_FT * M_PER_FT);
// kg/m3 per lb/ft3.
const KG_PER_M3_PER_LB_PER_FT3: f32 = KG_PER_LB / (M_PER_FT * M_PER_FT * M_PER_FT);
// kJ/m2 per Btu/ft2.
const KJ_PER_M2_PER_BTU_PER_FT2: f32 = KJ_PER_BTU / (M_PER_FT * M_PER_FT);
// kW/m2 per Btu/ft2/min.
const KW_PER_M2_PER_BTU_PER_FT2_MIN: f32 = KJ_PER_M2_PER_BTU_PER_FT2 / S_PER_MIN;
// kW/m per Btu/ft/s (fireline intensity).
const KW_PER_M_PER_BTU_PER_FT_S: f32 = KJ_PER_BTU / M_PER_FT;
// m/min per km/h.
const M_PER_MIN_PER_KM_PER_H: f32 = M_PER_KM / MIN_PER_H;
// m/min per m/s.
const M_PER_MIN_PER_M_PER_S: f32 = S_PER_MIN;
// m/min per mi/h.
const M_PER_MIN_PER_MI_PER_H: f32 = M_PER_MI / MIN_PER_H;
// ft/min per mi/h (88 exactly).
const FT_PER_MIN_PER_MI_PER_H: f32 = FT_PER_MI / MIN_PER_H;
// m/min per chain/h.
const M_PER_MIN_PER_CHAIN_PER_H: f32 = FT_PER_CHAIN * M_PER_FT / MIN_PER_H;
// km/h per mi/h.
const KM_PER_H_PER_MI_PER_H: f32 = M_PER_MI / M_PER_KM;
// m/min per ft/min.
const M_PER_MIN_PER_FT_PER_MIN: f32 = M_PER_FT;
// The 10-m wind per unit of 20-ft wind: U20ft = U10m / 1.15 (Turner & Lawson 1978; as BehavePlus and FARSITE).
const WIND_10M_PER_WIND_20FT: f32 = 1.15;
// Kelvin at 0 degrees C (exact).
const KELVIN_AT_0C: f32 = 273.15;
// 0 degrees C in kelvin as Nelson's (2000) dead fuel moisture code writes it (used only inside that model).
const KELVIN_AT_0C_NELSON: f32 = 273.2;
// Degrees F per degree C (a temperature difference).
const F_PER_C: f32 = 9.0 / 5.0;
// Degrees F at 0 degrees C.
const F_AT_0C: f32 = 32.0;
// Fraction per percent.
const FRAC_PER_PCT: f32 = 0.01;
// Percent per fraction.
const PCT_PER_FRAC: f32 = 100.0;
// LANDFIRE canopy height and base height are stored in m x 10: metres per stored unit.
const LANDFIRE_M_PER_HEIGHT_UNIT: f32 = 0.1;
// LANDFIRE canopy bulk density is stored in kg/m3 x 100: kg/m3 per stored unit.
const LANDFIRE_KG_PER_M3_PER_CBD_UNIT: f32 = 0.01;
// FARSITE `.lcp` bulk density in lb/ft3 x 1000: kg/m3 per stored unit.
const LCP_KG_PER_M3_PER_CBD_ENGLISH_UNIT: f32 = KG_PER_M3_PER_LB_PER_FT3 / 1000.0;
