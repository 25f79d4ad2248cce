//! The point calculator behind `emberfall crown`: a CSV batch with the input columns of
//! ../shared/oracle/crown_fire_reference.csv (BehavePlus CROWN's inputs; extra columns ignored), written back as
//! `case_id` plus every output column of that file, under the same names and units (SI and US).

use std::path::Path;

use crate::error::{Error, Result};
use crate::physics::crown::{crown_fire, torching_index_m_per_min, CrownFire, CrownInputs};
use crate::physics::fuel::FuelCatalog;
use crate::physics::surface::{Moisture, SurfaceOptions};
use crate::run::calculator::{row_fuel, row_moistures, OutTable};
use crate::units::{
    frac_from_pct, km_per_h_from_m_per_min, m_per_min_from_km_per_h, mi_per_h_from_m_per_min, FT2_PER_ACRE,
    FT_PER_CHAIN, KG_PER_M2_PER_LB_PER_FT2, KJ_PER_M2_PER_BTU_PER_FT2, KW_PER_M_PER_BTU_PER_FT_S, M2_PER_HA, M_PER_FT,
    M_PER_KM, M_PER_MIN_PER_CHAIN_PER_H, M_PER_MIN_PER_FT_PER_MIN,
};

/// Input columns (besides `fuel_model` or `fuel_code`, and the optional `case_id`).
pub const INPUT_COLUMNS: [&str; 12] = [
    "m1h_pct",
    "m10h_pct",
    "m100h_pct",
    "mherb_pct",
    "mwoody_pct",
    "foliar_moisture_pct",
    "wind20ft_km_h",
    "wind_dir_rel_upslope_deg",
    "slope_pct",
    "canopy_cover_pct",
    "canopy_height_m",
    "canopy_base_height_m",
];

/// Upper end of the torching-index search, km/h (as the reference table searched): a fire that does not torch in a
/// 300 km/h 20-ft wind gets NaN.
pub const TORCHING_INDEX_MAX_KM_H: f64 = 300.0;

// The reference table's English columns, from SI (src/units.rs).
const FT: f64 = M_PER_FT;
const KW_M_PER_BTU_FT_S: f64 = KW_PER_M_PER_BTU_PER_FT_S;
const KJ_M2_PER_BTU_FT2: f64 = KJ_PER_M2_PER_BTU_PER_FT2;
const KG_M2_PER_LB_FT2: f64 = KG_PER_M2_PER_LB_PER_FT2;
const M2_PER_ACRE: f64 = FT2_PER_ACRE * M_PER_FT * M_PER_FT;

fn km_h(m_per_min: f64) -> f64 {
    km_per_h_from_m_per_min(m_per_min)
}
fn mph(m_per_min: f64) -> f64 {
    mi_per_h_from_m_per_min(m_per_min)
}
fn ft_min(m_per_min: f64) -> f64 {
    m_per_min / M_PER_MIN_PER_FT_PER_MIN
}
fn ch_h(m_per_min: f64) -> f64 {
    m_per_min / M_PER_MIN_PER_CHAIN_PER_H
}

/// One input row.
#[derive(serde::Deserialize)]
struct CrownRow {
    case_id: Option<String>,
    fuel_model: Option<String>,
    fuel_code: Option<String>,
    m1h_pct: f64,
    m10h_pct: f64,
    m100h_pct: f64,
    mherb_pct: f64,
    mwoody_pct: f64,
    foliar_moisture_pct: Option<f64>,
    wind20ft_km_h: f64,
    wind_dir_rel_upslope_deg: f64,
    slope_pct: f64,
    canopy_cover_pct: f64,
    canopy_height_m: f64,
    canopy_base_height_m: f64,
    canopy_bulk_density_kg_m3: f64,
}

/// The output columns and their values for one case, in the reference file's order.
pub fn output_row(c: &CrownInputs, f: &CrownFire, torching_index_m_per_min: f64) -> Vec<(&'static str, String)> {
    let mut o: Vec<(&'static str, String)> = Vec::with_capacity(90);
    surface_columns(&mut o, c, f);
    crown_columns(&mut o, f);
    final_columns(&mut o, c, f, torching_index_m_per_min);
    o
}

type Columns = Vec<(&'static str, String)>;

fn push(o: &mut Columns, name: &'static str, v: f64) {
    o.push((name, crate::format::significant(v, 11)));
}

/// The surface fire's columns (and the 10-h fuel model's for the crown spread rate).
fn surface_columns(o: &mut Columns, c: &CrownInputs, f: &CrownFire) {
    let mut num = |name: &'static str, v: f64| push(o, name, v);
    let crown_ratio = if c.canopy_height_m > 0.0 {
        ((c.canopy_height_m - c.canopy_base_height_m) / c.canopy_height_m).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let s = &f.surface;
    let mid = c.wind20_m_per_min * f.surface_waf;
    num("crown_ratio", crown_ratio);
    num("surface_waf", f.surface_waf);
    num("surface_midflame_wind_km_h", km_h(mid));
    num("surface_midflame_wind_mph", mph(mid));
    num("surface_eff_wind_km_h", km_h(s.effective_wind_m_per_min));
    num("surface_eff_wind_mph", mph(s.effective_wind_m_per_min));
    num("surface_wind_limit_exceeded", s.wind_limit_exceeded as u8 as f64);
    num("surface_ros_m_min", s.ros_m_per_min);
    num("surface_ros_ft_min", ft_min(s.ros_m_per_min));
    num("surface_ros_ch_h", ch_h(s.ros_m_per_min));
    num("surface_fireline_intensity_kW_m", s.fireline_intensity_kw_per_m);
    num("surface_fireline_intensity_btu_ft_s", s.fireline_intensity_kw_per_m / KW_M_PER_BTU_FT_S);
    num("surface_flame_length_m", s.flame_length_m);
    num("surface_flame_length_ft", s.flame_length_m / FT);
    num("surface_hpua_kJ_m2", s.heat_per_area_kj_per_m2);
    num("surface_hpua_btu_ft2", s.heat_per_area_kj_per_m2 / KJ_M2_PER_BTU_FT2);
    num("surface_lwr", s.length_to_breadth);
    num("surface_dir_max_spread_deg_rel_upslope", s.dir_max_spread_deg_rel_upslope);
    num("fm10_ros_m_min", f.fm10.ros_m_per_min);
    num("fm10_ros_ft_min", ft_min(f.fm10.ros_m_per_min));
    num("fm10_midflame_wind_km_h", km_h(f.fm10_midflame_wind_m_per_min));
    num("fm10_wind_limit_exceeded", f.fm10.wind_limit_exceeded as u8 as f64);
}

/// The crown fire's columns: spread rate, canopy fuel and heat, intensity, the critical values, the fire type and
/// the 1-h crown fire's shape.
fn crown_columns(o: &mut Columns, f: &CrownFire) {
    let mut num = |name: &'static str, v: f64| push(o, name, v);
    num("crown_ros_m_min", f.crown_ros_m_per_min);
    num("crown_ros_ft_min", ft_min(f.crown_ros_m_per_min));
    num("crown_ros_ch_h", ch_h(f.crown_ros_m_per_min));
    num("canopy_fuel_load_kg_m2", f.canopy_fuel_load_kg_per_m2);
    num("canopy_fuel_load_lb_ft2", f.canopy_fuel_load_kg_per_m2 / KG_M2_PER_LB_FT2);
    num("canopy_hpua_kJ_m2", f.canopy_heat_per_area_kj_per_m2);
    num("canopy_hpua_btu_ft2", f.canopy_heat_per_area_kj_per_m2 / KJ_M2_PER_BTU_FT2);
    num("crown_hpua_kJ_m2", f.crown_heat_per_area_kj_per_m2);
    num("crown_hpua_btu_ft2", f.crown_heat_per_area_kj_per_m2 / KJ_M2_PER_BTU_FT2);
    num("crown_fireline_intensity_kW_m", f.crown_fireline_intensity_kw_per_m);
    num("crown_fireline_intensity_btu_ft_s", f.crown_fireline_intensity_kw_per_m / KW_M_PER_BTU_FT_S);
    num("crown_flame_length_m", f.crown_flame_length_m);
    num("crown_flame_length_ft", f.crown_flame_length_m / FT);
    num("critical_surface_intensity_kW_m", f.critical_surface_intensity_kw_per_m);
    num("critical_surface_intensity_btu_ft_s", f.critical_surface_intensity_kw_per_m / KW_M_PER_BTU_FT_S);
    num("critical_surface_flame_length_m", f.critical_surface_flame_length_m);
    num("critical_surface_flame_length_ft", f.critical_surface_flame_length_m / FT);
    num("critical_crown_ros_m_min", f.critical_crown_ros_m_per_min);
    num("critical_crown_ros_ft_min", ft_min(f.critical_crown_ros_m_per_min));
    num("transition_ratio", f.transition_ratio);
    num("active_ratio", f.active_ratio);
    num("fire_type", f.fire_type as u8 as f64);
    o.push(("fire_type_name", f.fire_type.name().to_string()));
    let mut num = |name: &'static str, v: f64| push(o, name, v);
    num("crown_lwr", f.crown_length_to_breadth);
    num("crown_area_1h_ha", f.crown_area_1h_m2 / M2_PER_HA);
    num("crown_area_1h_ac", f.crown_area_1h_m2 / M2_PER_ACRE);
    num("crown_perimeter_1h_km", f.crown_perimeter_1h_m / M_PER_KM);
    num("crown_perimeter_1h_ch", f.crown_perimeter_1h_m / (FT_PER_CHAIN * M_PER_FT));
}

/// The final behaviour by each method (Rothermel/Finney, passive, Scott & Reinhardt), the indices, and the
/// reference's harness columns.
fn final_columns(o: &mut Columns, c: &CrownInputs, f: &CrownFire, torching_index_m_per_min: f64) {
    let mut num = |name: &'static str, v: f64| push(o, name, v);
    let fin = |num: &mut dyn FnMut(&'static str, f64), names: [&'static str; 8], v: &crate::physics::crown::Final| {
        num(names[0], v.ros_m_per_min);
        num(names[1], ft_min(v.ros_m_per_min));
        num(names[2], v.heat_per_area_kj_per_m2);
        num(names[3], v.heat_per_area_kj_per_m2 / KJ_M2_PER_BTU_FT2);
        num(names[4], v.fireline_intensity_kw_per_m);
        num(names[5], v.fireline_intensity_kw_per_m / KW_M_PER_BTU_FT_S);
        num(names[6], v.flame_length_m);
        num(names[7], v.flame_length_m / FT);
    };
    fin(
        &mut num,
        [
            "rothermel_final_ros_m_min",
            "rothermel_final_ros_ft_min",
            "rothermel_final_hpua_kJ_m2",
            "rothermel_final_hpua_btu_ft2",
            "rothermel_final_fireline_intensity_kW_m",
            "rothermel_final_fireline_intensity_btu_ft_s",
            "rothermel_final_flame_length_m",
            "rothermel_final_flame_length_ft",
        ],
        &f.finney,
    );
    num("crowning_index_km_h", km_h(f.crowning_index_m_per_min));
    num("crowning_index_mph", mph(f.crowning_index_m_per_min));
    num("r_initiation_m_min", f.r_initiation_m_per_min);
    num("r_initiation_ft_min", ft_min(f.r_initiation_m_per_min));
    num("r_sa_m_min", f.r_sa_m_per_min);
    num("r_sa_ft_min", ft_min(f.r_sa_m_per_min));
    num("crown_fraction_burned", f.crown_fraction_burned);
    fin(
        &mut num,
        [
            "passive_ros_m_min",
            "passive_ros_ft_min",
            "passive_hpua_kJ_m2",
            "passive_hpua_btu_ft2",
            "passive_fireline_intensity_kW_m",
            "passive_fireline_intensity_btu_ft_s",
            "passive_flame_length_m",
            "passive_flame_length_ft",
        ],
        &f.passive,
    );
    fin(
        &mut num,
        [
            "sr_final_ros_m_min",
            "sr_final_ros_ft_min",
            "sr_final_hpua_kJ_m2",
            "sr_final_hpua_btu_ft2",
            "sr_final_fireline_intensity_kW_m",
            "sr_final_fireline_intensity_btu_ft_s",
            "sr_final_flame_length_m",
            "sr_final_flame_length_ft",
        ],
        &f.scott_reinhardt,
    );
    num("derived_torching_index_km_h", km_h(torching_index_m_per_min));
    num("derived_torching_index_mph", mph(torching_index_m_per_min));
    // The reference's last two columns describe its own harness (whether a fresh behave object saw the case's
    // wind); Emberfall computes every case with the case's own 20-ft wind.
    num("sr_fresh_object_wind20_km_h", km_h(c.wind20_m_per_min));
    num("sr_fresh_object_differs", 0.0);
}

/// Run every row of `input`; write `case_id` and the outputs to `out` (or standard output). Returns rows done.
pub fn run_csv(
    input: &Path,
    out: Option<&Path>,
    catalog: &FuelCatalog,
    opts: &SurfaceOptions,
    default_foliar_pct: Option<f64>,
) -> Result<usize> {
    let file = input.display().to_string();
    if !input.exists() {
        return Err(Error::input(&file, "file not found"));
    }
    let table: crate::csv_rows::Table<CrownRow> = crate::csv_rows::read(input, "line")?;
    for name in INPUT_COLUMNS.iter().chain(["canopy_bulk_density_kg_m3"].iter()) {
        let defaulted = *name == "foliar_moisture_pct" && default_foliar_pct.is_some();
        if !table.has(name) && !defaulted {
            return Err(Error::input(
                &file,
                format!(
                    "missing column `{name}` (need: fuel_model or fuel_code, {}, canopy_bulk_density_kg_m3)",
                    INPUT_COLUMNS.join(", ")
                ),
            ));
        }
    }
    if !table.has("fuel_model") && !table.has("fuel_code") {
        return Err(Error::input(&file, "needs a `fuel_model` or a `fuel_code` column"));
    }
    let fm10 = catalog.get(10).ok_or_else(|| Error::input(&file, "the fuel catalogue lacks fuel model 10"))?;
    let mut table_out: Option<OutTable> = None;
    let mut rows = 0;
    for (line, r) in &table.rows {
        let line = *line;
        let bad = |col: &str, msg: String| Error::input(&file, format!("line {line}, column `{col}`: {msg}"));
        let model = row_fuel(catalog, &file, line, r.fuel_model.as_deref(), r.fuel_code.as_deref())?;
        let pct = row_moistures([r.m1h_pct, r.m10h_pct, r.m100h_pct, r.mherb_pct, r.mwoody_pct], bad)?;
        let nonneg = |col: &str, v: f64| {
            if v.is_finite() && v >= 0.0 {
                Ok(v)
            } else {
                Err(bad(col, format!("{v} must be a non-negative number")))
            }
        };
        let foliar = nonneg("foliar_moisture_pct", r.foliar_moisture_pct.or(default_foliar_pct).unwrap_or(100.0))?;
        let wind = nonneg("wind20ft_km_h", r.wind20ft_km_h)?;
        let slope = nonneg("slope_pct", r.slope_pct)?;
        let cover = nonneg("canopy_cover_pct", r.canopy_cover_pct)?;
        if cover > 100.0 {
            return Err(bad("canopy_cover_pct", format!("{cover} % is above 100")));
        }
        let ch = nonneg("canopy_height_m", r.canopy_height_m)?;
        let cbh = nonneg("canopy_base_height_m", r.canopy_base_height_m)?;
        if cbh > ch && ch > 0.0 {
            return Err(bad("canopy_base_height_m", format!("{cbh} m is above the canopy height {ch} m")));
        }
        let cbd = nonneg("canopy_bulk_density_kg_m3", r.canopy_bulk_density_kg_m3)?;
        let dir = r.wind_dir_rel_upslope_deg;
        if !dir.is_finite() {
            return Err(bad("wind_dir_rel_upslope_deg", format!("{dir} is not a number")));
        }
        let c = CrownInputs {
            wind20_m_per_min: m_per_min_from_km_per_h(wind),
            wind_dir_rel_upslope_deg: dir,
            slope_tan: frac_from_pct(slope),
            canopy_cover_frac: frac_from_pct(cover),
            canopy_height_m: ch,
            canopy_base_height_m: cbh,
            canopy_bulk_density_kg_per_m3: cbd,
            foliar_moisture_frac: frac_from_pct(foliar),
        };
        let m = Moisture::from_percent(pct);
        let f = crown_fire(model, fm10, &m, &c, opts);
        let ti = torching_index_m_per_min(model, &m, &c, opts, m_per_min_from_km_per_h(TORCHING_INDEX_MAX_KM_H));
        let row = output_row(&c, &f, ti);
        let t = match &mut table_out {
            Some(t) => t,
            None => table_out.insert(OutTable::new(std::iter::once("case_id").chain(row.iter().map(|(n, _)| *n)))?),
        };
        let id = r.case_id.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| (line - 1).to_string());
        t.row(std::iter::once(id).chain(row.into_iter().map(|(_, v)| v)))?;
        rows += 1;
    }
    match table_out {
        Some(t) => t.emit(out)?,
        None => OutTable::new(["case_id"])?.emit(out)?,
    }
    Ok(rows)
}
