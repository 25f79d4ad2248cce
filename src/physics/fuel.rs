//! Surface fuel models: the 53 standard models and custom models read from a file.
//!
//! Sources of the standard tables:
//! - Anderson 13 (codes 1-13): Anderson, H.E. 1982, "Aids to determining fuel models for estimating fire
//!   behavior", USDA FS GTR INT-122, table 1 (loads as published by Albini 1976, INT-30, in lb/ft2;
//!   surface-area-to-volume ratios in 1/ft, depths in ft).
//! - Scott & Burgan 40 (codes 101-204) and non-burnable NB1-NB9 (91-99): Scott, J.H. and Burgan, R.E. 2005,
//!   "Standard fire behavior fuel models", USDA FS RMRS-GTR-153, table 7 (loads in tons/acre).
//!
//! Values are stored here in SI units (kg/m2, 1/m, m, kJ/kg); the published units are converted once when the
//! table is built.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::units::{
    frac_from_pct, FT_PER_M, KG_PER_M2_PER_LB_PER_FT2, KG_PER_M2_PER_TONNE_PER_HA, KG_PER_M2_PER_TON_PER_ACRE,
    KJ_PER_KG_PER_BTU_PER_LB, M_PER_CM, M_PER_FT, PER_M_PER_PER_CM,
};

/// Fuel size classes in the order used throughout the crate.
pub const CLASS_NAMES: [&str; 5] = ["1-h", "10-h", "100-h", "live herbaceous", "live woody"];

/// Surface-area-to-volume ratio of 10-h dead fuel, 1/ft (Rothermel 1972; Albini 1976 INT-30).
pub const SAV_10H_PER_FT: f64 = 109.0;
/// Surface-area-to-volume ratio of 100-h dead fuel, 1/ft.
pub const SAV_100H_PER_FT: f64 = 30.0;

/// One surface fuel model, in SI units.
#[derive(Clone, Debug, PartialEq)]
pub struct FuelModel {
    /// Fuel model number (LANDFIRE code).
    pub number: u16,
    /// Short code such as `GR2` or `FM4`.
    pub code: String,
    /// Descriptive name.
    pub name: String,
    /// Dynamic model: live herbaceous load is transferred to dead as it cures (Scott & Burgan 2005).
    pub dynamic: bool,
    /// Fuel bed depth, m.
    pub depth_m: f64,
    /// Dead fuel moisture of extinction, fraction of dry weight.
    pub mx_dead_frac: f64,
    /// Low heat content of dead fuel, kJ/kg.
    pub h_dead_kj_per_kg: f64,
    /// Low heat content of live fuel, kJ/kg.
    pub h_live_kj_per_kg: f64,
    /// Oven-dry loads: 1-h, 10-h, 100-h, live herbaceous, live woody; kg/m2.
    pub load_kg_per_m2: [f64; 5],
    /// Surface-area-to-volume ratio of 1-h dead fuel, 1/m.
    pub sav_1h_per_m: f64,
    /// Surface-area-to-volume ratio of live herbaceous fuel, 1/m.
    pub sav_herb_per_m: f64,
    /// Surface-area-to-volume ratio of live woody fuel, 1/m.
    pub sav_woody_per_m: f64,
}

impl FuelModel {
    /// True when the model carries no burnable load (NB models, or a custom model with zero load or depth).
    pub fn is_burnable(&self) -> bool {
        self.depth_m > 0.0 && self.load_kg_per_m2.iter().any(|&w| w > 0.0)
    }
}

/// Anderson 13 row: number, code, name, depth ft, Mx %, loads lb/ft2 (1h,10h,100h,herb,woody), SAV 1h 1/ft.
type AndersonRow = (u16, &'static str, &'static str, f64, f64, [f64; 5], f64);
#[rustfmt::skip]
const ANDERSON_13: [AndersonRow; 13] = [
    (1, "FM1", "Short grass [1]", 1.0, 12.0, [0.034, 0.0, 0.0, 0.0, 0.0], 3500.0),
    (2, "FM2", "Timber grass and understory [2]", 1.0, 15.0, [0.092, 0.046, 0.023, 0.023, 0.0], 3000.0),
    (3, "FM3", "Tall grass [3]", 2.5, 25.0, [0.138, 0.0, 0.0, 0.0, 0.0], 1500.0),
    (4, "FM4", "Chaparral [4]", 6.0, 20.0, [0.230, 0.184, 0.092, 0.0, 0.230], 2000.0),
    (5, "FM5", "Brush [5]", 2.0, 20.0, [0.046, 0.023, 0.0, 0.0, 0.092], 2000.0),
    (6, "FM6", "Dormant brush, hardwood slash [6]", 2.5, 25.0, [0.069, 0.115, 0.092, 0.0, 0.0], 1750.0),
    (7, "FM7", "Southern rough [7]", 2.5, 40.0, [0.052, 0.086, 0.069, 0.0, 0.017], 1750.0),
    (8, "FM8", "Short needle litter [8]", 0.2, 30.0, [0.069, 0.046, 0.115, 0.0, 0.0], 2000.0),
    (9, "FM9", "Long needle or hardwood litter [9]", 0.2, 25.0, [0.134, 0.019, 0.007, 0.0, 0.0], 2500.0),
    (10, "FM10", "Timber litter & understory [10]", 1.0, 25.0, [0.138, 0.092, 0.230, 0.0, 0.092], 2000.0),
    (11, "FM11", "Light logging slash [11]", 1.0, 15.0, [0.069, 0.207, 0.253, 0.0, 0.0], 1500.0),
    (12, "FM12", "Medium logging slash [12]", 2.3, 20.0, [0.184, 0.644, 0.759, 0.0, 0.0], 1500.0),
    (13, "FM13", "Heavy logging slash [13]", 3.0, 25.0, [0.322, 1.058, 1.288, 0.0, 0.0], 1500.0),
];

/// Scott & Burgan row: number, code, name, dynamic, depth ft, Mx %, heat Btu/lb (dead = live),
/// loads t/ac (1h,10h,100h,herb,woody), SAV 1/ft (1h, herb, woody).
type ScottBurganRow = (u16, &'static str, &'static str, bool, f64, f64, f64, [f64; 5], [f64; 3]);
#[rustfmt::skip]
const SCOTT_BURGAN_40: [ScottBurganRow; 40] = [
    (101, "GR1", "Short, sparse, dry climate grass (D)", true, 0.4, 15.0, 8000.0, [0.10, 0.0, 0.0, 0.30, 0.0], [2200.0, 2000.0, 1500.0]),
    (102, "GR2", "Low load, dry climate grass (D)", true, 1.0, 15.0, 8000.0, [0.10, 0.0, 0.0, 1.00, 0.0], [2000.0, 1800.0, 1500.0]),
    (103, "GR3", "Low load, very coarse, humid climate grass (D)", true, 2.0, 30.0, 8000.0, [0.10, 0.40, 0.0, 1.50, 0.0], [1500.0, 1300.0, 1500.0]),
    (104, "GR4", "Moderate load, dry climate grass (D)", true, 2.0, 15.0, 8000.0, [0.25, 0.0, 0.0, 1.90, 0.0], [2000.0, 1800.0, 1500.0]),
    (105, "GR5", "Low load, humid climate grass (D)", true, 1.5, 40.0, 8000.0, [0.40, 0.0, 0.0, 2.50, 0.0], [1800.0, 1600.0, 1500.0]),
    (106, "GR6", "Moderate load, humid climate grass (D)", true, 1.5, 40.0, 9000.0, [0.10, 0.0, 0.0, 3.40, 0.0], [2200.0, 2000.0, 1500.0]),
    (107, "GR7", "High load, dry climate grass (D)", true, 3.0, 15.0, 8000.0, [1.00, 0.0, 0.0, 5.40, 0.0], [2000.0, 1800.0, 1500.0]),
    (108, "GR8", "High load, very coarse, humid climate grass (D)", true, 4.0, 30.0, 8000.0, [0.50, 1.00, 0.0, 7.30, 0.0], [1500.0, 1300.0, 1500.0]),
    (109, "GR9", "Very high load, humid climate grass (D)", true, 5.0, 40.0, 8000.0, [1.00, 1.00, 0.0, 9.00, 0.0], [1800.0, 1600.0, 1500.0]),
    (121, "GS1", "Low load, dry climate grass-shrub (D)", true, 0.9, 15.0, 8000.0, [0.20, 0.0, 0.0, 0.50, 0.65], [2000.0, 1800.0, 1800.0]),
    (122, "GS2", "Moderate load, dry climate grass-shrub (D)", true, 1.5, 15.0, 8000.0, [0.50, 0.50, 0.0, 0.60, 1.00], [2000.0, 1800.0, 1800.0]),
    (123, "GS3", "Moderate load, humid climate grass-shrub (D)", true, 1.8, 40.0, 8000.0, [0.30, 0.25, 0.0, 1.45, 1.25], [1800.0, 1600.0, 1600.0]),
    (124, "GS4", "High load, humid climate grass-shrub (D)", true, 2.1, 40.0, 8000.0, [1.90, 0.30, 0.10, 3.40, 7.10], [1800.0, 1600.0, 1600.0]),
    (141, "SH1", "Low load, dry climate shrub (D)", true, 1.0, 15.0, 8000.0, [0.25, 0.25, 0.0, 0.15, 1.30], [2000.0, 1800.0, 1600.0]),
    (142, "SH2", "Moderate load, dry climate shrub (S)", true, 1.0, 15.0, 8000.0, [1.35, 2.40, 0.75, 0.0, 3.85], [2000.0, 1800.0, 1600.0]),
    (143, "SH3", "Moderate load, humid climate shrub (S)", true, 2.4, 40.0, 8000.0, [0.45, 3.00, 0.0, 0.0, 6.20], [1600.0, 1800.0, 1400.0]),
    (144, "SH4", "Low load, humid climate timber-shrub (S)", true, 3.0, 30.0, 8000.0, [0.85, 1.15, 0.20, 0.0, 2.55], [2000.0, 1800.0, 1600.0]),
    (145, "SH5", "High load, dry climate shrub (S)", true, 6.0, 15.0, 8000.0, [3.60, 2.10, 0.0, 0.0, 2.90], [750.0, 1800.0, 1600.0]),
    (146, "SH6", "Low load, humid climate shrub (S)", true, 2.0, 30.0, 8000.0, [2.90, 1.45, 0.0, 0.0, 1.40], [750.0, 1800.0, 1600.0]),
    (147, "SH7", "Very high load, dry climate shrub (S)", true, 6.0, 15.0, 8000.0, [3.50, 5.30, 2.20, 0.0, 3.40], [750.0, 1800.0, 1600.0]),
    (148, "SH8", "High load, humid climate shrub (S)", true, 3.0, 40.0, 8000.0, [2.05, 3.40, 0.85, 0.0, 4.35], [750.0, 1800.0, 1600.0]),
    (149, "SH9", "Very high load, humid climate shrub (D)", true, 4.4, 40.0, 8000.0, [4.50, 2.45, 0.0, 1.55, 7.00], [750.0, 1800.0, 1500.0]),
    (161, "TU1", "Light load, dry climate timber-grass-shrub (D)", true, 0.6, 20.0, 8000.0, [0.20, 0.90, 1.50, 0.20, 0.90], [2000.0, 1800.0, 1600.0]),
    (162, "TU2", "Moderate load, humid climate timber-shrub (S)", true, 1.0, 30.0, 8000.0, [0.95, 1.80, 1.25, 0.0, 0.20], [2000.0, 1800.0, 1600.0]),
    (163, "TU3", "Moderate load, humid climate timber-grass-shrub (D)", true, 1.3, 30.0, 8000.0, [1.10, 0.15, 0.25, 0.65, 1.10], [1800.0, 1600.0, 1400.0]),
    (164, "TU4", "Dwarf conifer understory (S)", true, 0.5, 12.0, 8000.0, [4.50, 0.0, 0.0, 0.0, 2.00], [2300.0, 1800.0, 2000.0]),
    (165, "TU5", "Very high load, dry climate timber-shrub (S)", true, 1.0, 25.0, 8000.0, [4.00, 4.00, 3.00, 0.0, 3.00], [1500.0, 1800.0, 750.0]),
    (181, "TL1", "Low load, compact conifer litter (S)", true, 0.2, 30.0, 8000.0, [1.00, 2.20, 3.60, 0.0, 0.0], [2000.0, 1800.0, 1600.0]),
    (182, "TL2", "Low load broadleaf litter (S)", true, 0.2, 25.0, 8000.0, [1.40, 2.30, 2.20, 0.0, 0.0], [2000.0, 1800.0, 1600.0]),
    (183, "TL3", "Moderate load conifer litter (S)", true, 0.3, 20.0, 8000.0, [0.50, 2.20, 2.80, 0.0, 0.0], [2000.0, 1800.0, 1600.0]),
    (184, "TL4", "Small downed logs (S)", true, 0.4, 25.0, 8000.0, [0.50, 1.50, 4.20, 0.0, 0.0], [2000.0, 1800.0, 1600.0]),
    (185, "TL5", "High load conifer litter (S)", true, 0.6, 25.0, 8000.0, [1.15, 2.50, 4.40, 0.0, 0.0], [2000.0, 1800.0, 1600.0]),
    (186, "TL6", "High load broadleaf litter (S)", true, 0.3, 25.0, 8000.0, [2.40, 1.20, 1.20, 0.0, 0.0], [2000.0, 1800.0, 1600.0]),
    (187, "TL7", "Large downed logs (S)", true, 0.4, 25.0, 8000.0, [0.30, 1.40, 8.10, 0.0, 0.0], [2000.0, 1800.0, 1600.0]),
    (188, "TL8", "Long-needle litter (S)", true, 0.3, 35.0, 8000.0, [5.80, 1.40, 1.10, 0.0, 0.0], [1800.0, 1800.0, 1600.0]),
    (189, "TL9", "Very high load broadleaf litter (S)", true, 0.6, 35.0, 8000.0, [6.65, 3.30, 4.15, 0.0, 0.0], [1800.0, 1800.0, 1600.0]),
    (201, "SB1", "Low load activity fuel (S)", true, 1.0, 25.0, 8000.0, [1.50, 3.00, 11.00, 0.0, 0.0], [2000.0, 1800.0, 1600.0]),
    (202, "SB2", "Moderate load activity or low load blowdown (S)", true, 1.0, 25.0, 8000.0, [4.50, 4.25, 4.00, 0.0, 0.0], [2000.0, 1800.0, 1600.0]),
    (203, "SB3", "High load activity fuel or moderate load blowdown (S)", true, 1.2, 25.0, 8000.0, [5.50, 2.75, 3.00, 0.0, 0.0], [2000.0, 1800.0, 1600.0]),
    (204, "SB4", "High load blowdown (S)", true, 2.7, 25.0, 8000.0, [5.25, 3.50, 5.25, 0.0, 0.0], [2000.0, 1800.0, 1600.0]),
];

/// Non-burnable codes (Scott & Burgan 2005, p. 9): number, code, name. 94-97 are reserved and treated alike.
const NON_BURNABLE: [(u16, &str, &str); 9] = [
    (91, "NB1", "Urban/developed"),
    (92, "NB2", "Snow/ice"),
    (93, "NB3", "Agricultural"),
    (94, "NB4", "Non-burnable (reserved)"),
    (95, "NB5", "Non-burnable (reserved)"),
    (96, "NB6", "Non-burnable (reserved)"),
    (97, "NB7", "Non-burnable (reserved)"),
    (98, "NB8", "Open water"),
    (99, "NB9", "Bare ground"),
];

/// Open water's fuel code (NB8).
pub const WATER_CODE: u16 = 98;

/// A non-burnable code (NB1-NB9, 91-99), water included.
pub fn is_non_burnable_code(code: u16) -> bool {
    NON_BURNABLE.iter().any(|n| n.0 == code)
}

/// A set of fuel models keyed by their number.
#[derive(Clone, Debug)]
pub struct FuelCatalog {
    models: BTreeMap<u16, FuelModel>,
}

impl Default for FuelCatalog {
    fn default() -> Self {
        Self::standard()
    }
}

impl FuelCatalog {
    /// The 53 standard models plus the non-burnable codes 91-99.
    pub fn standard() -> Self {
        let mut models = BTreeMap::new();
        for (number, code, name, depth_ft, mx_pct, loads_lb_ft2, sav_1h) in ANDERSON_13 {
            models.insert(
                number,
                FuelModel {
                    number,
                    code: code.into(),
                    name: name.into(),
                    dynamic: false,
                    depth_m: depth_ft * M_PER_FT,
                    mx_dead_frac: frac_from_pct(mx_pct),
                    h_dead_kj_per_kg: 8000.0 * KJ_PER_KG_PER_BTU_PER_LB,
                    h_live_kj_per_kg: 8000.0 * KJ_PER_KG_PER_BTU_PER_LB,
                    load_kg_per_m2: loads_lb_ft2.map(|w| w * KG_PER_M2_PER_LB_PER_FT2),
                    sav_1h_per_m: sav_1h / M_PER_FT,
                    sav_herb_per_m: 1500.0 / M_PER_FT,
                    sav_woody_per_m: 1500.0 / M_PER_FT,
                },
            );
        }
        for (number, code, name, dynamic, depth_ft, mx_pct, heat, loads_t_ac, sav) in SCOTT_BURGAN_40 {
            models.insert(
                number,
                FuelModel {
                    number,
                    code: code.into(),
                    name: name.into(),
                    dynamic,
                    depth_m: depth_ft * M_PER_FT,
                    mx_dead_frac: frac_from_pct(mx_pct),
                    h_dead_kj_per_kg: heat * KJ_PER_KG_PER_BTU_PER_LB,
                    h_live_kj_per_kg: heat * KJ_PER_KG_PER_BTU_PER_LB,
                    load_kg_per_m2: loads_t_ac.map(|w| w * KG_PER_M2_PER_TON_PER_ACRE),
                    sav_1h_per_m: sav[0] / M_PER_FT,
                    sav_herb_per_m: sav[1] / M_PER_FT,
                    sav_woody_per_m: sav[2] / M_PER_FT,
                },
            );
        }
        for (number, code, name) in NON_BURNABLE {
            models.insert(
                number,
                FuelModel {
                    number,
                    code: code.into(),
                    name: name.into(),
                    dynamic: false,
                    depth_m: 0.0,
                    mx_dead_frac: 0.0,
                    h_dead_kj_per_kg: 0.0,
                    h_live_kj_per_kg: 0.0,
                    load_kg_per_m2: [0.0; 5],
                    sav_1h_per_m: 0.0,
                    sav_herb_per_m: 0.0,
                    sav_woody_per_m: 0.0,
                },
            );
        }
        FuelCatalog { models }
    }

    /// Look a model up by number.
    pub fn get(&self, number: u16) -> Option<&FuelModel> {
        self.models.get(&number)
    }

    /// Look a model up by its code (`GR2`, `FM4`, `NB8`), case-insensitive, or by its number written as text.
    pub fn find(&self, key: &str) -> Option<&FuelModel> {
        if let Ok(n) = key.trim().parse::<u16>() {
            return self.get(n);
        }
        self.models.values().find(|m| m.code.eq_ignore_ascii_case(key.trim()))
    }

    /// All models in number order.
    pub fn iter(&self) -> impl Iterator<Item = &FuelModel> {
        self.models.values()
    }

    /// Number of models (non-burnable codes included).
    pub fn len(&self) -> usize {
        self.models.len()
    }

    /// True when the catalogue is empty.
    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
    }

    /// Add or replace a model.
    pub fn insert(&mut self, model: FuelModel) {
        self.models.insert(model.number, model);
    }

    /// Add the custom models of a CSV file (see README: "Custom fuel models"), replacing models of the same number.
    /// Returns how many were read and a line per model replaced (`102 GR2 replaced by 102 MYGR`), for the notes.
    pub fn load_custom(&mut self, path: &Path) -> Result<(usize, Vec<String>)> {
        let models = read_custom_fuel_models(path)?;
        let n = models.len();
        let mut replaced = Vec::new();
        for m in models {
            if let Some(old) = self.models.get(&m.number) {
                replaced.push(format!(
                    "fuel model {} {} ({}) replaced by the custom {} {} of {}",
                    old.number,
                    old.code,
                    old.name,
                    m.number,
                    m.code,
                    path.display()
                ));
            }
            self.insert(m);
        }
        Ok((n, replaced))
    }

    /// [`FuelCatalog::load_custom`], its notes printed on standard error (the point calculators).
    pub fn load_custom_noted(&mut self, path: &Path) -> Result<usize> {
        let (n, replaced) = self.load_custom(path)?;
        for r in replaced {
            eprintln!("note: {r}");
        }
        Ok(n)
    }
}

/// Read custom fuel models from a CSV file with a header row. Required columns (SI units):
/// `number, code, depth_m, mx_dead_pct, h_dead_kJ_kg, h_live_kJ_kg, w_1h_kg_m2, w_10h_kg_m2, w_100h_kg_m2,
/// w_herb_kg_m2, w_woody_kg_m2, sav_1h_1_m, sav_herb_1_m, sav_woody_1_m`; optional `name` and `is_dynamic`
/// (true/false). Other columns are ignored.
pub fn read_custom_fuel_models(path: &Path) -> Result<Vec<FuelModel>> {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("fmd") || e.eq_ignore_ascii_case("input")) {
        return read_fmd(path);
    }
    let file_err = |msg: String| Error::Input { file: path.display().to_string(), msg };
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| file_err(format!("cannot read custom fuel model file: {e}")))?;
    let headers = rdr.headers().map_err(|e| file_err(format!("bad header row: {e}")))?.clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let mut idx = [0usize; CUSTOM_COLUMNS.len()];
    for (k, name) in CUSTOM_COLUMNS.iter().enumerate() {
        idx[k] = col(name).ok_or_else(|| file_err(format!("missing column `{name}`")))?;
    }
    let cols = CustomColumns { idx, name: col("name"), dynamic: col("is_dynamic").or_else(|| col("dynamic")) };
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| file_err(format!("line {line}: {e}")))?;
        out.push(custom_model(&rec, &cols).map_err(|msg| file_err(format!("line {line}: {msg}")))?);
    }
    if out.is_empty() {
        return Err(file_err("no fuel models in file".into()));
    }
    Ok(out)
}

/// The required columns of a custom fuel model CSV, in [`custom_model`]'s order.
const CUSTOM_COLUMNS: [&str; 14] = [
    "number",
    "code",
    "depth_m",
    "mx_dead_pct",
    "h_dead_kJ_kg",
    "h_live_kJ_kg",
    "w_1h_kg_m2",
    "w_10h_kg_m2",
    "w_100h_kg_m2",
    "w_herb_kg_m2",
    "w_woody_kg_m2",
    "sav_1h_1_m",
    "sav_herb_1_m",
    "sav_woody_1_m",
];

/// Where a custom fuel model CSV holds [`CUSTOM_COLUMNS`], and the optional name and dynamic columns.
struct CustomColumns {
    idx: [usize; CUSTOM_COLUMNS.len()],
    name: Option<usize>,
    dynamic: Option<usize>,
}

/// One row of a custom fuel model CSV, checked; errors say the column and what is wrong.
fn custom_model(rec: &csv::StringRecord, cols: &CustomColumns) -> std::result::Result<FuelModel, String> {
    let num = |k: usize| -> std::result::Result<f64, String> {
        let s = rec.get(cols.idx[k]).unwrap_or("");
        let v: f64 = s.parse().map_err(|_| format!("column `{}`: `{s}` is not a number", CUSTOM_COLUMNS[k]))?;
        if !v.is_finite() || v < 0.0 {
            return Err(format!("column `{}`: {v} must be a finite, non-negative number", CUSTOM_COLUMNS[k]));
        }
        Ok(v)
    };
    let number = num(0)?;
    if number.fract() != 0.0 || !(1.0..=65535.0).contains(&number) {
        return Err(format!("column `number`: {number} is not a fuel code 1..65535"));
    }
    let dynamic = match cols.dynamic.and_then(|c| rec.get(c)) {
        None | Some("") => false,
        Some(s) => match s.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "d" => true,
            "false" | "0" | "no" | "s" => false,
            _ => return Err(format!("column `is_dynamic`: `{s}` is not true/false")),
        },
    };
    let mx = num(3)?;
    if mx <= 0.0 || mx > 100.0 {
        return Err(format!("column `mx_dead_pct`: {mx} must be in (0, 100]"));
    }
    let model = FuelModel {
        number: number as u16,
        code: rec.get(cols.idx[1]).unwrap_or("").to_string(),
        name: cols.name.and_then(|c| rec.get(c)).unwrap_or("").to_string(),
        dynamic,
        depth_m: num(2)?,
        mx_dead_frac: frac_from_pct(mx),
        h_dead_kj_per_kg: num(4)?,
        h_live_kj_per_kg: num(5)?,
        load_kg_per_m2: [num(6)?, num(7)?, num(8)?, num(9)?, num(10)?],
        sav_1h_per_m: num(11)?,
        sav_herb_per_m: num(12)?,
        sav_woody_per_m: num(13)?,
    };
    for (k, sav, load) in [
        (11, model.sav_1h_per_m, model.load_kg_per_m2[0]),
        (12, model.sav_herb_per_m, model.load_kg_per_m2[3]),
        (13, model.sav_woody_per_m, model.load_kg_per_m2[4]),
    ] {
        if load > 0.0 && sav <= 0.0 {
            return Err(format!("column `{}` must be > 0 where the load is > 0", CUSTOM_COLUMNS[k]));
        }
    }
    Ok(model)
}

/// FARSITE / FlamMap custom fuel models (.fmd): an optional first line `ENGLISH` or `METRIC` (English when absent),
/// then one model per line: number, code, 1-h, 10-h, 100-h, live herbaceous and live woody loads, `static` or
/// `dynamic`, 1-h, live herbaceous and live woody surface-area-to-volume ratios, fuel bed depth, dead moisture of
/// extinction (%), dead and live heat contents, then an optional description. English: tons/acre, 1/ft, ft,
/// BTU/lb; Metric: t/ha, 1/cm, cm, kJ/kg. Converted to SI here.
pub fn read_fmd(path: &Path) -> Result<Vec<FuelModel>> {
    // A FARSITE inputs file carries its custom models in a CUSTOM_FUELS_DATA block.
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("input")) {
        let input = crate::farsite::FarsiteInput::read(path)?;
        return fmd_rows(path, &input.custom_fuel_rows, input.custom_fuels_english);
    }
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let rows: Vec<(usize, String)> = text.lines().enumerate().map(|(k, l)| (k + 1, l.to_string())).collect();
    fmd_rows(path, &rows, true)
}

/// Fuel models from .fmd rows (line number, text); `ENGLISH` / `METRIC` lines switch the units (from `english`).
fn fmd_rows(path: &Path, rows: &[(usize, String)], english: bool) -> Result<Vec<FuelModel>> {
    let err = |line: usize, msg: String| Error::input(path.display(), format!("line {line}: {msg}"));
    let mut english = english;
    let mut out = Vec::new();
    for (n, raw) in rows {
        let n = *n;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.to_ascii_uppercase().as_str() {
            "ENGLISH" => {
                english = true;
                continue;
            }
            "METRIC" => {
                english = false;
                continue;
            }
            _ => {}
        }
        let tok: Vec<&str> = line.split_whitespace().collect();
        if tok.len() < 15 {
            return Err(err(n, format!("{} fields; a model has 15: number code 1h 10h 100h herb woody static|dynamic sav1h savherb savwoody depth mext heat_dead heat_live [description]", tok.len())));
        }
        let num = |i: usize, what: &str| -> Result<f64> {
            let v: f64 = tok[i].parse().map_err(|_| err(n, format!("{what} `{}` is not a number", tok[i])))?;
            if !v.is_finite() || v < 0.0 {
                return Err(err(n, format!("{what} {v} must be a finite, non-negative number")));
            }
            Ok(v)
        };
        let number = num(0, "number")?;
        if number.fract() != 0.0 || !(1.0..=65535.0).contains(&number) {
            return Err(err(n, format!("number {number} is not a fuel code 1..65535")));
        }
        let dynamic = match tok[7].to_ascii_lowercase().as_str() {
            "dynamic" | "d" => true,
            "static" | "s" => false,
            o => return Err(err(n, format!("`{o}`: the 8th field is `static` or `dynamic`"))),
        };
        // Unit conversions to SI: ton/ac -> kg/m2, 1/ft -> 1/m, ft -> m, BTU/lb -> kJ/kg (or the metric ones:
        // t/ha, 1/cm, cm, kJ/kg).
        let (load, sav, depth, heat) = if english {
            (KG_PER_M2_PER_TON_PER_ACRE, FT_PER_M, M_PER_FT, KJ_PER_KG_PER_BTU_PER_LB)
        } else {
            (KG_PER_M2_PER_TONNE_PER_HA, PER_M_PER_PER_CM, M_PER_CM, 1.0)
        };
        let mx = num(12, "moisture of extinction")?;
        if mx <= 0.0 || mx > 100.0 {
            return Err(err(n, format!("moisture of extinction {mx} % must be in (0, 100]")));
        }
        let model = FuelModel {
            number: number as u16,
            code: tok[1].to_string(),
            name: tok[15..].join(" "),
            dynamic,
            depth_m: num(11, "depth")? * depth,
            mx_dead_frac: frac_from_pct(mx),
            h_dead_kj_per_kg: num(13, "dead heat content")? * heat,
            h_live_kj_per_kg: num(14, "live heat content")? * heat,
            load_kg_per_m2: [
                num(2, "1-h load")? * load,
                num(3, "10-h load")? * load,
                num(4, "100-h load")? * load,
                num(5, "live herbaceous load")? * load,
                num(6, "live woody load")? * load,
            ],
            sav_1h_per_m: num(8, "1-h SAV")? * sav,
            sav_herb_per_m: num(9, "live herbaceous SAV")? * sav,
            sav_woody_per_m: num(10, "live woody SAV")? * sav,
        };
        if model.depth_m <= 0.0 {
            return Err(err(n, "the fuel bed depth must be > 0".into()));
        }
        out.push(model);
    }
    if out.is_empty() {
        return Err(Error::input(path.display(), "no fuel models in file"));
    }
    Ok(out)
}
