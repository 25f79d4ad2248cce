//! The point calculator behind `emberfall surface`: one case from flags, or a CSV batch with the columns of
//! ../shared/oracle/surface_fire_reference.csv (BehavePlus's units: km/h, %, m/min, kW/m, kJ/m2).

use std::path::Path;

use crate::error::{Error, Result};
use crate::physics::fuel::FuelCatalog;
use crate::physics::surface::{surface_fire, Moisture, SiteInputs, SurfaceFire, SurfaceOptions};

/// Input columns, in order.
pub const INPUT_COLUMNS: [&str; 10] = [
    "fuel_model",
    "fuel_code",
    "m1h_pct",
    "m10h_pct",
    "m100h_pct",
    "mherb_pct",
    "mwoody_pct",
    "midflame_wind_km_h",
    "wind_dir_rel_upslope_deg",
    "slope_pct",
];

/// Output columns, in order.
pub const OUTPUT_COLUMNS: [&str; 11] = [
    "ros_m_min",
    "backing_ros_m_min",
    "flanking_ros_m_min",
    "dir_max_spread_deg_rel_upslope",
    "eff_wind_km_h",
    "lwr",
    "fireline_intensity_kW_m",
    "flame_length_m",
    "hpua_kJ_m2",
    "reaction_intensity_kW_m2",
    "wind_limit_exceeded",
];

/// Output values of one case, in [`OUTPUT_COLUMNS`] order and units.
pub fn output_values(f: &SurfaceFire) -> [f64; 11] {
    [
        f.ros_m_per_min,
        f.backing_ros_m_per_min,
        f.flanking_ros_m_per_min,
        f.dir_max_spread_deg_rel_upslope,
        f.effective_wind_m_per_min * 0.06,
        f.length_to_breadth,
        f.fireline_intensity_kw_per_m,
        f.flame_length_m,
        f.heat_per_area_kj_per_m2,
        f.reaction_intensity_kw_per_m2,
        if f.wind_limit_exceeded { 1.0 } else { 0.0 },
    ]
}

fn fmt(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else {
        let s = format!("{v:.6}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    }
}

/// Run every row of `input`; write the inputs and outputs to `out` (or standard output). Returns rows done.
pub fn run_csv(input: &Path, out: Option<&Path>, catalog: &FuelCatalog, opts: &SurfaceOptions) -> Result<usize> {
    let file = input.display().to_string();
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(input)
        .map_err(|e| Error::input(&file, format!("cannot read: {e}")))?;
    let headers = rdr.headers().map_err(|e| Error::input(&file, format!("bad header: {e}")))?.clone();
    let mut idx = Vec::new();
    for name in INPUT_COLUMNS {
        let pos = headers.iter().position(|h| h == name);
        if pos.is_none() && name != "fuel_code" && name != "fuel_model" {
            return Err(Error::input(&file, format!("missing column `{name}` (need: {})", INPUT_COLUMNS.join(", "))));
        }
        idx.push(pos);
    }
    if idx[0].is_none() && idx[1].is_none() {
        return Err(Error::input(&file, "needs a `fuel_model` or a `fuel_code` column"));
    }
    let mut text = String::new();
    text.push_str(&INPUT_COLUMNS.join(","));
    text.push(',');
    text.push_str(&OUTPUT_COLUMNS.join(","));
    text.push('\n');
    let mut rows = 0;
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| Error::input(&file, format!("line {line}: {e}")))?;
        let get = |k: usize| idx[k].and_then(|p| rec.get(p)).unwrap_or("");
        let num = |k: usize| -> Result<f64> {
            let s = get(k);
            let v: f64 = s.parse().map_err(|_| {
                Error::input(&file, format!("line {line}: column `{}`: `{s}` is not a number", INPUT_COLUMNS[k]))
            })?;
            if !v.is_finite() {
                return Err(Error::input(
                    &file,
                    format!("line {line}: column `{}`: {v} is not finite", INPUT_COLUMNS[k]),
                ));
            }
            Ok(v)
        };
        let key = if get(0).is_empty() { get(1) } else { get(0) };
        let model = catalog
            .find(key)
            .or_else(|| catalog.find(get(1)))
            .ok_or_else(|| Error::input(&file, format!("line {line}: unknown fuel model `{key}`")))?;
        let mut pct = [0.0; 5];
        for (j, p) in pct.iter_mut().enumerate() {
            *p = num(2 + j)?;
            if *p < 0.0 || *p > 400.0 {
                return Err(Error::input(
                    &file,
                    format!("line {line}: column `{}`: {} % is outside 0..400", INPUT_COLUMNS[2 + j], *p),
                ));
            }
        }
        let wind = num(7)?;
        let slope = num(9)?;
        if wind < 0.0 {
            return Err(Error::input(&file, format!("line {line}: column `midflame_wind_km_h`: {wind} is negative")));
        }
        if slope < 0.0 {
            return Err(Error::input(&file, format!("line {line}: column `slope_pct`: {slope} is negative")));
        }
        let site = SiteInputs {
            midflame_wind_m_per_min: wind * 1000.0 / 60.0,
            wind_dir_rel_upslope_deg: num(8)?,
            slope_tan: slope / 100.0,
        };
        let f = surface_fire(model, &Moisture::from_percent(pct), &site, opts);
        let inputs = [
            model.number.to_string(),
            model.code.clone(),
            fmt(pct[0]),
            fmt(pct[1]),
            fmt(pct[2]),
            fmt(pct[3]),
            fmt(pct[4]),
            fmt(wind),
            fmt(num(8)?),
            fmt(slope),
        ];
        let outputs: Vec<String> = output_values(&f).iter().map(|&v| fmt(v)).collect();
        text.push_str(&inputs.join(","));
        text.push(',');
        text.push_str(&outputs.join(","));
        text.push('\n');
        rows += 1;
    }
    match out {
        Some(p) => crate::run::output::write_text(p, &text)?,
        None => print!("{text}"),
    }
    Ok(rows)
}
