//! The point calculator behind `emberfall spot`: maximum spotting distance (behave SPOT) for a CSV batch with the
//! input columns of ../shared/oracle/spotting_reference.csv (extra columns ignored), written back as `case_id` plus
//! every output column of that file under the same names and units. Values a source does not have are empty.

use std::path::Path;

use crate::error::{Error, Result};
use crate::physics::spot::{species_parse, spotting, Location, SpotSite, SpotSource, Spotting, SPECIES};
use crate::units::{m_per_min_from_km_per_h, M_PER_CM, M_PER_FT, M_PER_KM, M_PER_MI};

/// Output columns, in the reference file's order.
pub const OUTPUT_COLUMNS: [&str; 17] = [
    "firebrand_height_m",
    "firebrand_height_ft",
    "cover_height_used_m",
    "cover_height_used_ft",
    "firebrand_drift_m",
    "firebrand_drift_mi",
    "torch_flame_height_m",
    "torch_flame_height_ft",
    "torch_flame_ratio",
    "torch_flame_duration",
    "firebrand_factor_row",
    "flat_distance_m",
    "flat_distance_ft",
    "flat_distance_mi",
    "mountain_distance_m",
    "mountain_distance_ft",
    "mountain_distance_mi",
];

const FT: f64 = M_PER_FT;
const MI: f64 = M_PER_MI;

#[derive(serde::Deserialize)]
struct SpotRow {
    case_id: Option<String>,
    source: String,
    location: Option<String>,
    location_name: Option<String>,
    ridge_to_valley_distance_km: Option<f64>,
    ridge_to_valley_elevation_m: Option<f64>,
    downwind_cover_height_m: f64,
    canopy_mode: Option<String>,
    wind20ft_km_h: f64,
    flame_length_m: Option<f64>,
    species: Option<String>,
    species_name: Option<String>,
    dbh_cm: Option<f64>,
    tree_height_m: Option<f64>,
    n_trees: Option<f64>,
    pile_flame_height_m: Option<f64>,
}

/// Output values of one case, in [`OUTPUT_COLUMNS`] order ("" where the source has no such value).
pub fn output_values(s: &Spotting) -> Vec<String> {
    let opt = |v: Option<f64>| v.map(|v| crate::format::significant(v, 11)).unwrap_or_default();
    vec![
        crate::format::significant(s.firebrand_height_m, 11),
        crate::format::significant(s.firebrand_height_m / FT, 11),
        crate::format::significant(s.cover_height_used_m, 11),
        crate::format::significant(s.cover_height_used_m / FT, 11),
        opt(s.firebrand_drift_m),
        opt(s.firebrand_drift_m.map(|v| v / MI)),
        opt(s.torch_flame_height_m),
        opt(s.torch_flame_height_m.map(|v| v / FT)),
        opt(s.torch_flame_ratio),
        opt(s.torch_flame_duration_min),
        s.firebrand_factor_row.map(|r| r.to_string()).unwrap_or_default(),
        crate::format::significant(s.flat_distance_m, 11),
        crate::format::significant(s.flat_distance_m / FT, 11),
        crate::format::significant(s.flat_distance_m / MI, 11),
        crate::format::significant(s.mountain_distance_m, 11),
        crate::format::significant(s.mountain_distance_m / FT, 11),
        crate::format::significant(s.mountain_distance_m / MI, 11),
    ]
}

/// Run every row of `input`; write `case_id` and the outputs to `out` (or standard output). Returns rows done.
pub fn run_csv(input: &Path, out: Option<&Path>) -> Result<usize> {
    let file = input.display().to_string();
    if !input.exists() {
        return Err(Error::input(&file, "file not found"));
    }
    let table: crate::csv_rows::Table<SpotRow> = crate::csv_rows::read(input, "line")?;
    let mut table_out =
        crate::run::calculator::OutTable::new(std::iter::once(&"case_id").chain(OUTPUT_COLUMNS.iter()))?;
    let mut rows = 0;
    for (line, r) in &table.rows {
        let line = *line;
        let bad = |col: &str, msg: String| Error::input(&file, format!("line {line}, column `{col}`: {msg}"));
        let need = |col: &str, v: Option<f64>| -> Result<f64> {
            match v {
                Some(x) if x.is_finite() && x >= 0.0 => Ok(x),
                Some(x) => Err(bad(col, format!("{x} must be a non-negative number"))),
                None => Err(bad(col, format!("needed for source `{}` but empty", r.source))),
            }
        };
        let nonneg = |col: &str, v: f64| need(col, Some(v));
        let location = match r.location.as_deref().filter(|s| !s.is_empty()).or(r.location_name.as_deref()) {
            None | Some("") => Location::MidslopeWindward,
            Some(s) => Location::parse(s).ok_or_else(|| {
                bad(
                    "location",
                    format!(
                        "`{s}` is not 0..3 or one of midslope_windward, valley_bottom, midslope_leeward, ridge_top"
                    ),
                )
            })?,
        };
        let open_canopy = match r.canopy_mode.as_deref().map(str::trim).unwrap_or("") {
            "" | "1" | "closed" => false,
            "2" | "open" => true,
            s => return Err(bad("canopy_mode", format!("`{s}` is not 1 (closed) or 2 (open)"))),
        };
        let site = SpotSite {
            wind20_m_per_min: nonneg("wind20ft_km_h", r.wind20ft_km_h).map(m_per_min_from_km_per_h)?,
            downwind_cover_height_m: nonneg("downwind_cover_height_m", r.downwind_cover_height_m)?,
            open_canopy,
            location,
            ridge_to_valley_distance_m: need(
                "ridge_to_valley_distance_km",
                Some(r.ridge_to_valley_distance_km.unwrap_or(0.0)),
            )? * M_PER_KM,
            ridge_to_valley_elevation_m: need(
                "ridge_to_valley_elevation_m",
                Some(r.ridge_to_valley_elevation_m.unwrap_or(0.0)),
            )?,
        };
        let source = match r.source.trim() {
            "surface_fire" => SpotSource::SurfaceFire { flame_length_m: need("flame_length_m", r.flame_length_m)? },
            "torching_trees" => {
                let sp = r.species.as_deref().filter(|s| !s.is_empty()).or(r.species_name.as_deref()).unwrap_or("");
                let species = species_parse(sp)
                    .ok_or_else(|| bad("species", format!("`{sp}` is not 0..13 or one of {}", SPECIES.join(", "))))?;
                SpotSource::TorchingTrees {
                    species,
                    dbh_m: need("dbh_cm", r.dbh_cm)? * M_PER_CM,
                    tree_height_m: need("tree_height_m", r.tree_height_m)?,
                    n_trees: need("n_trees", r.n_trees)?,
                }
            }
            "burning_pile" => {
                SpotSource::BurningPile { flame_height_m: need("pile_flame_height_m", r.pile_flame_height_m)? }
            }
            s => return Err(bad("source", format!("`{s}` is not surface_fire, torching_trees or burning_pile"))),
        };
        let s = spotting(&source, &site);
        let id = r.case_id.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| (line - 1).to_string());
        table_out.row(std::iter::once(id).chain(output_values(&s)))?;
        rows += 1;
    }
    table_out.emit(out)?;
    Ok(rows)
}
