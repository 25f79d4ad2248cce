//! A landscape packed for the behaviour and spread kernels ([`Cells`]): here, above physics, so that physics stays
//! a leaf of per-point models that knows nothing of landscapes.

use rayon::prelude::*;

use super::{Landscape, FUEL_NODATA};
use crate::error::{Error, Result};
use crate::gpu::layout::CellRow;
use crate::physics::behavior::Cells;
use crate::physics::fuel::FuelModel;

impl Cells {
    /// Pack a landscape (slope and aspect must be present: see [`Landscape::ensure_terrain`]).
    pub fn from_landscape(ls: &Landscape) -> Result<Cells> {
        let slope = ls
            .slope_tan
            .as_ref()
            .ok_or_else(|| Error::Internal("landscape has no slope layer (ensure_terrain first)".into()))?;
        let aspect = ls
            .aspect_deg
            .as_ref()
            .ok_or_else(|| Error::Internal("landscape has no aspect layer (ensure_terrain first)".into()))?;
        // Fuel models in order of first appearance, indexed through a table over codes.
        let mut fuels: Vec<FuelModel> = Vec::new();
        let mut index = vec![u32::MAX; u16::MAX as usize + 1];
        for &code in &ls.fuel {
            if code != FUEL_NODATA && index[code as usize] == u32::MAX {
                let model = ls
                    .catalog
                    .get(code)
                    .ok_or_else(|| Error::value("fuel code", code, "not in the landscape's catalogue"))?;
                fuels.push(model.clone());
                index[code as usize] = (fuels.len() - 1) as u32;
            }
        }
        let n = ls.grid.len();
        let zero = |v: &Option<Vec<f32>>, i: usize| v.as_ref().map_or(0.0, |v| v[i]);
        let rows: Vec<CellRow> = (0..n)
            .into_par_iter()
            .map(|i| {
                let code = ls.fuel[i];
                let idx = if code == FUEL_NODATA || !slope[i].is_finite() || !aspect[i].is_finite() {
                    u32::MAX
                } else {
                    index[code as usize]
                };
                CellRow {
                    fuel_index: idx,
                    slope_tan: if slope[i].is_finite() { slope[i] } else { 0.0 },
                    aspect_deg: if aspect[i].is_finite() { aspect[i] } else { -1.0 },
                    canopy_cover_frac: zero(&ls.canopy_cover_frac, i),
                    canopy_height_m: zero(&ls.canopy_height_m, i),
                    canopy_base_height_m: zero(&ls.canopy_base_height_m, i),
                    canopy_bulk_density_kg_per_m3: zero(&ls.canopy_bulk_density_kg_per_m3, i),
                    spare: 0.0,
                }
            })
            .collect();
        Ok(Cells { n, rows, fuels })
    }
}
