//! When the fire of one run reaches each asset: the earliest arrival over the asset's cells, where, with clock
//! times when the run has a start; the distance left to the fire for an asset it does not reach. Written to
//! assets.csv, summary.json and the report, and drawn on the arrival map.

use serde::Serialize;

use crate::landscape::Grid;
use crate::run::assets::Asset;
use crate::run::start::StartTime;
use crate::spread::SpreadResult;

/// Asset cells sampled for the distance to the fire (the nearest burned cell to any of them).
const DISTANCE_SAMPLES: usize = 64;

/// The fire's arrival at one asset.
#[derive(Clone, Debug, Serialize)]
pub struct AssetArrival {
    pub asset: String,
    /// Cells the asset covers, of them burnable, of them burned by the end.
    pub cells: usize,
    pub burnable_cells: usize,
    pub cells_burned: usize,
    /// Earliest arrival over its cells, minutes from the start (clock minutes with burn periods).
    pub arrival_min: Option<f64>,
    pub arrival_local: Option<String>,
    pub arrival_utc: Option<String>,
    /// The cell reached first (its centre, landscape CRS).
    pub first_x: Option<f64>,
    pub first_y: Option<f64>,
    /// Not reached: distance from the asset to the nearest burned cell at the end, m.
    pub nearest_fire_m: Option<f64>,
}

impl AssetArrival {
    /// For a map label or a line: `village: 61 min (12:02 (+09:00), 03:02 UTC)`, or `village: not reached (1.2 km
    /// away)`.
    pub fn label(&self, start: Option<&StartTime>) -> String {
        match self.arrival_min {
            Some(t) => format!(
                "{}: {} min{}",
                self.asset,
                crate::format::plain(t, 0),
                start.map(|s| format!(" ({})", s.label(t))).unwrap_or_default()
            ),
            None => format!(
                "{}: not reached{}",
                self.asset,
                self.nearest_fire_m
                    .map(|d| format!(" ({} km away)", crate::format::plain(d / 1000.0, 1)))
                    .unwrap_or_default()
            ),
        }
    }
}

/// The CSV columns of assets.csv, in order.
pub const ASSET_COLUMNS: [&str; 11] = [
    "asset",
    "cells",
    "burnable_cells",
    "cells_burned",
    "arrival_min",
    "arrival_local",
    "arrival_utc",
    "first_x",
    "first_y",
    "nearest_fire_m",
    "reached",
];

impl AssetArrival {
    /// Its row of assets.csv ([`ASSET_COLUMNS`]).
    pub fn row(&self) -> Vec<String> {
        let o = |v: Option<f64>| v.map(|x| format!("{x}")).unwrap_or_default();
        vec![
            self.asset.clone(),
            self.cells.to_string(),
            self.burnable_cells.to_string(),
            self.cells_burned.to_string(),
            o(self.arrival_min),
            self.arrival_local.clone().unwrap_or_default(),
            self.arrival_utc.clone().unwrap_or_default(),
            o(self.first_x),
            o(self.first_y),
            o(self.nearest_fire_m),
            (self.arrival_min.is_some() as u8).to_string(),
        ]
    }
}

/// The fire's arrival at each asset (`fire`: none when nothing burned); `burnable` per cell (nonzero: burnable).
pub fn arrivals(
    assets: &[Asset],
    grid: &Grid,
    fire: Option<&SpreadResult>,
    burnable: &[u32],
    start: Option<&StartTime>,
) -> Vec<AssetArrival> {
    let arrival = |i: usize| fire.and_then(|r| r.arrival(i));
    // Burned cells' centres, for the distance of assets not reached (only when one is not).
    let mut burned: Option<Vec<(f64, f64)>> = None;
    assets
        .iter()
        .map(|a| {
            let mut first: Option<(f32, u32)> = None;
            let mut cells_burned = 0;
            for &c in &a.cells {
                if let Some(t) = arrival(c as usize) {
                    cells_burned += 1;
                    if first.is_none_or(|(f, _)| t < f) {
                        first = Some((t, c));
                    }
                }
            }
            let centre = |c: u32| grid.cell_center(c as usize / grid.cols, c as usize % grid.cols);
            let at = first.map(|(_, c)| centre(c));
            let arrival_min = first.map(|(t, _)| t as f64);
            let nearest_fire_m = match (arrival_min, fire) {
                (None, Some(r)) => {
                    let b = burned.get_or_insert_with(|| {
                        (0..grid.len())
                            .filter(|&i| r.arrival(i).is_some())
                            .map(|i| grid.cell_center(i / grid.cols, i % grid.cols))
                            .collect()
                    });
                    let step = (a.cells.len() / DISTANCE_SAMPLES).max(1);
                    let d = a
                        .cells
                        .iter()
                        .step_by(step)
                        .map(|&c| {
                            let (x, y) = centre(c);
                            b.iter().map(|&(bx, by)| (bx - x).hypot(by - y)).fold(f64::INFINITY, f64::min)
                        })
                        .fold(f64::INFINITY, f64::min);
                    d.is_finite().then_some(d)
                }
                _ => None,
            };
            AssetArrival {
                asset: a.spec.name.clone(),
                cells: a.cells.len(),
                burnable_cells: a.cells.iter().filter(|&&c| burnable[c as usize] != 0).count(),
                cells_burned,
                arrival_min,
                arrival_local: arrival_min.and_then(|t| start.map(|s| s.local_iso(t))),
                arrival_utc: arrival_min.and_then(|t| start.and_then(|s| s.utc_iso(t))),
                first_x: at.map(|p| p.0),
                first_y: at.map(|p| p.1),
                nearest_fire_m,
            }
        })
        .collect()
}
