//! The point calculator behind `emberfall surface`: one case from flags, or a CSV batch with the columns of
//! ../shared/oracle/surface_fire_reference.csv (BehavePlus's units: km/h, %, m/min, kW/m, kJ/m2).

use std::path::Path;

use crate::error::{Error, Result};
use crate::physics::fuel::{FuelCatalog, FuelModel};
use crate::physics::surface::{surface_fire, Moisture, SiteInputs, SurfaceFire, SurfaceOptions};
use crate::units::{frac_from_pct, km_per_h_from_m_per_min, m_per_min_from_km_per_h};

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
        km_per_h_from_m_per_min(f.effective_wind_m_per_min),
        f.length_to_breadth,
        f.fireline_intensity_kw_per_m,
        f.flame_length_m,
        f.heat_per_area_kj_per_m2,
        f.reaction_intensity_kw_per_m2,
        if f.wind_limit_exceeded { 1.0 } else { 0.0 },
    ]
}

/// The fuel model of row `line` of `file`: its `fuel_model` (number or code), else its `fuel_code`.
pub(crate) fn row_fuel<'a>(
    catalog: &'a FuelCatalog,
    file: &str,
    line: usize,
    fuel_model: Option<&str>,
    fuel_code: Option<&str>,
) -> Result<&'a FuelModel> {
    let code = fuel_code.unwrap_or("").trim();
    let key = fuel_model.map(str::trim).filter(|k| !k.is_empty()).unwrap_or(code);
    let model = catalog
        .find(key)
        .or_else(|| catalog.find(code))
        .ok_or_else(|| Error::input(file, format!("line {line}: unknown fuel model `{key}`")))?;
    // Both columns given: they must name the same model.
    if !code.is_empty() && key != code {
        match catalog.find(code) {
            Some(other) if other.number == model.number => {}
            Some(other) => {
                return Err(Error::input(
                    file,
                    format!(
                        "line {line}: fuel_model `{key}` is {} {} but fuel_code `{code}` is {} {}: give one, or make them agree",
                        model.number, model.code, other.number, other.code
                    ),
                ))
            }
            None => {
                return Err(Error::input(
                    file,
                    format!("line {line}: fuel_code `{code}` is not a fuel model (fuel_model `{key}` is {})", model.code),
                ))
            }
        }
    }
    Ok(model)
}

/// The five moistures of a row, percent, each within 0..400; `bad(column, message)` makes the error.
pub(crate) fn row_moistures(pct: [f64; 5], bad: impl Fn(&str, String) -> Error) -> Result<[f64; 5]> {
    const COLUMNS: [&str; 5] = ["m1h_pct", "m10h_pct", "m100h_pct", "mherb_pct", "mwoody_pct"];
    for (p, col) in pct.iter().zip(COLUMNS) {
        if !(p.is_finite() && (0.0..=400.0).contains(p)) {
            return Err(bad(col, format!("{p} % is outside 0..400")));
        }
    }
    Ok(pct)
}

/// A point calculator's output table: a header, then one record per case, written by the csv crate (a field with a
/// comma, a quote or a line break is quoted), to a file atomically or to standard output. The skeleton every point
/// calculator (`surface`, `crown`, `spot`, `moisture`) writes through.
pub(crate) struct OutTable {
    w: csv::Writer<Vec<u8>>,
    columns: usize,
}

impl OutTable {
    pub(crate) fn new<S: AsRef<str>>(header: impl IntoIterator<Item = S>) -> Result<OutTable> {
        let header: Vec<String> = header.into_iter().map(|h| h.as_ref().to_string()).collect();
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
        w.write_record(&header).map_err(|e| Error::output("the output table", e.to_string()))?;
        Ok(OutTable { w, columns: header.len() })
    }

    /// One case: as many fields as the header has.
    pub(crate) fn row<S: AsRef<str>>(&mut self, fields: impl IntoIterator<Item = S>) -> Result<()> {
        let fields: Vec<String> = fields.into_iter().map(|f| f.as_ref().to_string()).collect();
        debug_assert_eq!(fields.len(), self.columns, "a row of the output table has the header's width");
        self.w.write_record(&fields).map_err(|e| Error::output("the output table", e.to_string()))
    }

    /// The table to `out` (atomically), or to standard output.
    pub(crate) fn emit(self, out: Option<&Path>) -> Result<()> {
        let bytes = self.w.into_inner().map_err(|e| Error::output("the output table", e.to_string()))?;
        let text = String::from_utf8(bytes).map_err(|e| Error::output("the output table", e.to_string()))?;
        match out {
            Some(p) => crate::io::write_text(p, &text),
            None => {
                use std::io::Write;
                let mut o = std::io::stdout().lock();
                o.write_all(text.as_bytes()).and_then(|_| o.flush()).map_err(|e| Error::io("standard output", e))
            }
        }
    }
}

/// One input row: the columns of BehavePlus reference tables (extra columns ignored).
#[derive(serde::Deserialize)]
struct CaseRow {
    fuel_model: Option<String>,
    fuel_code: Option<String>,
    m1h_pct: f64,
    m10h_pct: f64,
    m100h_pct: f64,
    mherb_pct: f64,
    mwoody_pct: f64,
    midflame_wind_km_h: f64,
    wind_dir_rel_upslope_deg: f64,
    slope_pct: f64,
}

/// Run every row of `input`; write the inputs and outputs to `out` (or standard output). Returns rows done.
pub fn run_csv(input: &Path, out: Option<&Path>, catalog: &FuelCatalog, opts: &SurfaceOptions) -> Result<usize> {
    let file = input.display().to_string();
    if !input.exists() {
        return Err(Error::input(&file, "file not found"));
    }
    let table: crate::csv_rows::Table<CaseRow> = crate::csv_rows::read(input, "line")?;
    for name in INPUT_COLUMNS {
        if !table.has(name) && name != "fuel_code" && name != "fuel_model" {
            return Err(Error::input(&file, format!("missing column `{name}` (need: {})", INPUT_COLUMNS.join(", "))));
        }
    }
    if !table.has("fuel_model") && !table.has("fuel_code") {
        return Err(Error::input(&file, "needs a `fuel_model` or a `fuel_code` column"));
    }
    let mut table_out = OutTable::new(INPUT_COLUMNS.iter().chain(OUTPUT_COLUMNS.iter()))?;
    let mut rows = 0;
    for (line, r) in &table.rows {
        let line = *line;
        let bad = |col: &str, msg: String| Error::input(&file, format!("line {line}, column `{col}`: {msg}"));
        let model = row_fuel(catalog, &file, line, r.fuel_model.as_deref(), r.fuel_code.as_deref())?;
        let pct = row_moistures([r.m1h_pct, r.m10h_pct, r.m100h_pct, r.mherb_pct, r.mwoody_pct], bad)?;
        let (wind, slope, dir) = (r.midflame_wind_km_h, r.slope_pct, r.wind_dir_rel_upslope_deg);
        if !(wind.is_finite() && wind >= 0.0) {
            return Err(bad("midflame_wind_km_h", format!("{wind} must be a non-negative number")));
        }
        if !(slope.is_finite() && slope >= 0.0) {
            return Err(bad("slope_pct", format!("{slope} must be a non-negative number")));
        }
        if !dir.is_finite() {
            return Err(bad("wind_dir_rel_upslope_deg", format!("{dir} is not a number")));
        }
        let site = SiteInputs {
            midflame_wind_m_per_min: m_per_min_from_km_per_h(wind),
            wind_dir_rel_upslope_deg: dir,
            slope_tan: frac_from_pct(slope),
        };
        let f = surface_fire(model, &Moisture::from_percent(pct), &site, opts);
        let inputs = [
            model.number.to_string(),
            model.code.clone(),
            crate::format::trimmed(pct[0], 6),
            crate::format::trimmed(pct[1], 6),
            crate::format::trimmed(pct[2], 6),
            crate::format::trimmed(pct[3], 6),
            crate::format::trimmed(pct[4], 6),
            crate::format::trimmed(wind, 6),
            crate::format::trimmed(dir, 6),
            crate::format::trimmed(slope, 6),
        ];
        let outputs = output_values(&f).map(|v| crate::format::trimmed(v, 6));
        table_out.row(inputs.into_iter().chain(outputs))?;
        rows += 1;
    }
    table_out.emit(out)?;
    Ok(rows)
}
