//! Per-cell spread parameters of a weather period, from the surface fire kernel: head rate, head direction and
//! eccentricity, plus heat per unit area for intensity. They are computed lazily, one 32 x 32 tile at a time as
//! the front arrives, so a small fire on a large landscape costs little: on the CPU for the tiles each sweep
//! reaches, on a GPU for the tiles its pool makes resident (`super::pool`: the same tiles).

use std::sync::Arc;

use rayon::prelude::*;

use super::kernel::Param;
use crate::error::Result;
use crate::physics::behavior::{self, field, Cells, Weather, NODATA, OUT_STRIDE};
use crate::physics::surface::{FuelBed, SurfaceOptions};
use crate::weather::conditioning::MoistureGrid;
use crate::weather::WindGrid;

/// Tile edge, cells.
pub const TILE: usize = 32;

/// Spread parameters of one cell from its surface fire behaviour outputs.
pub fn param_from_behavior(o: &[f32]) -> (Param, f32) {
    let ros = o[field::ROS];
    if o[field::ROS] == NODATA || ros.is_nan() || ros <= 0.0 {
        return ([0.0; 4], 0.0);
    }
    let az = (o[field::SPREAD_DIRECTION] as f64).to_radians();
    let lw = (o[field::LENGTH_TO_BREADTH] as f64).max(1.0);
    // Eccentricity of the spread ellipse from its length-to-breadth ratio (Anderson 1983; Richards 1990).
    let e = (lw * lw - 1.0).sqrt() / lw;
    let k = 1.0 / (ros as f64 * (1.0 - e));
    ([ros, (e * az.sin()) as f32, (e * az.cos()) as f32, k as f32], o[field::HEAT_PER_AREA].max(0.0))
}

/// One class's fuel beds: every fuel model's, and fuel model 10's (crown fire).
type ClassBeds = (Vec<Option<FuelBed>>, Option<FuelBed>);

/// Cache key of a weather period's parameters.
#[derive(Clone)]
struct Key {
    weather: Weather,
    wind: Option<Arc<WindGrid>>,
    moisture: Option<Arc<MoistureGrid>>,
    opts: SurfaceOptions,
}

impl Key {
    fn same(&self, o: &Key) -> bool {
        self.weather == o.weather
            && self.opts == o.opts
            && match (&self.wind, &o.wind) {
                (None, None) => true,
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                _ => false,
            }
            && match (&self.moisture, &o.moisture) {
                (None, None) => true,
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                _ => false,
            }
    }
}

/// Parameters of one weather computed so far, kept for a later fire: the tiles done and their cells' values,
/// packed tile by tile (a fire on a large landscape computes a few tiles of it: keeping whole-grid arrays per
/// weather cost 80 MB each on a 4-million-cell landscape, eight of them per spread context).
struct Stored {
    key: Key,
    /// Done tiles, increasing.
    tiles: Vec<u32>,
    /// Their cells' parameters and heat, tile after tile, each tile's cells row by row.
    params: Vec<Param>,
    heat: Vec<f32>,
}

/// Weathers whose parameters are kept besides the current one (a landscape's fires under one weather stream
/// reuse them; an ensemble over weather members cycles through them).
const KEEP: usize = 8;

/// Per-cell parameters of the current weather, with those of earlier weathers kept for later fires.
pub struct ParamField {
    pub cols: usize,
    pub rows: usize,
    pub params: Vec<Param>,
    pub heat: Vec<f32>,
    /// Tiles computed for the current weather (CPU path).
    done: Vec<bool>,
    tiles_x: usize,
    beds: Vec<Option<FuelBed>>,
    /// Fuel model 10's bed at the period's moistures (crown fire).
    bed10: Option<FuelBed>,
    /// Per class of cells (terrain conditioning): every fuel model's bed and fuel model 10's, built on first use.
    class_beds: Vec<std::sync::OnceLock<ClassBeds>>,
    key: Option<Key>,
    kept: Vec<Stored>,
    /// Cells whose parameters were computed, all weathers.
    pub cells_computed: u64,
    /// Changes whenever parameters change.
    pub version: u64,
    /// Changes with the weather (a GPU uploads its resident tiles' parameters again).
    pub weather_version: u64,
}

impl ParamField {
    pub fn new(rows: usize, cols: usize) -> ParamField {
        let tiles_x = cols.div_ceil(TILE);
        let tiles = tiles_x * rows.div_ceil(TILE);
        ParamField {
            cols,
            rows,
            params: vec![[0.0; 4]; rows * cols],
            heat: vec![0.0; rows * cols],
            done: vec![false; tiles],
            tiles_x,
            beds: Vec::new(),
            bed10: None,
            class_beds: Vec::new(),
            key: None,
            kept: Vec::new(),
            cells_computed: 0,
            version: 0,
            weather_version: 0,
        }
    }

    /// Switch to a weather, optionally with gridded wind. Parameters computed earlier for the same weather are
    /// reused; tiles are computed on demand ([`ParamField::ensure`]), on either engine.
    pub fn set_weather(
        &mut self,
        cells: &Cells,
        w: &Weather,
        wind: Option<Arc<WindGrid>>,
        moisture: Option<Arc<MoistureGrid>>,
        opts: SurfaceOptions,
    ) -> Result<()> {
        let key = Key { weather: *w, wind, moisture, opts };
        if self.key.as_ref().is_some_and(|k| k.same(&key)) {
            return Ok(());
        }
        self.version += 1;
        self.weather_version += 1;
        let tiles = self.done.len();
        let n = self.rows * self.cols;
        // Keep the current weather's parameters (packed); take the new weather's if kept, else start empty.
        if let Some(k) = self.key.take() {
            let stored = self.pack(k);
            self.kept.push(stored);
            if self.kept.len() > KEEP {
                self.kept.remove(0);
            }
        }
        self.params = vec![[0.0; 4]; n];
        self.heat = vec![0.0; n];
        self.done = vec![false; tiles];
        if let Some(k) = self.kept.iter().position(|s| s.key.same(&key)) {
            let s = self.kept.remove(k);
            self.unpack(s);
        }
        self.beds = cells.fuels.iter().map(|m| FuelBed::new(m, &w.moisture)).collect();
        self.bed10 = FuelBed::new(behavior::fuel_model_10(), &w.moisture);
        // Terrain conditioning: each class's beds built when a cell of it first needs them.
        self.class_beds = match &key.moisture {
            Some(g) => (0..g.classes()).map(|_| std::sync::OnceLock::new()).collect(),
            None => Vec::new(),
        };
        self.key = Some(key);
        Ok(())
    }

    /// The cells of tile `t`, row by row.
    fn tile_cells(&self, t: usize) -> impl Iterator<Item = usize> {
        let (cols, rows) = (self.cols, self.rows);
        let (tr, tc) = (t / self.tiles_x, t % self.tiles_x);
        (tr * TILE..((tr + 1) * TILE).min(rows))
            .flat_map(move |r| (tc * TILE..((tc + 1) * TILE).min(cols)).map(move |c| r * cols + c))
    }

    /// The current weather's done tiles, packed, under `key`.
    fn pack(&self, key: Key) -> Stored {
        let tiles: Vec<u32> = (0..self.done.len()).filter(|&t| self.done[t]).map(|t| t as u32).collect();
        let (mut params, mut heat) = (Vec::new(), Vec::new());
        for &t in &tiles {
            for i in self.tile_cells(t as usize) {
                params.push(self.params[i]);
                heat.push(self.heat[i]);
            }
        }
        Stored { key, tiles, params, heat }
    }

    /// Put a kept weather's tiles back into the (fresh) current arrays.
    fn unpack(&mut self, s: Stored) {
        let mut k = 0;
        for &t in &s.tiles {
            let cells: Vec<usize> = self.tile_cells(t as usize).collect();
            for i in cells {
                self.params[i] = s.params[k];
                self.heat[i] = s.heat[k];
                k += 1;
            }
            self.done[t as usize] = true;
        }
    }

    /// Make sure the tiles holding `cells` (indices) have parameters for the current period.
    pub fn ensure(&mut self, cells: &Cells, idx: impl IntoIterator<Item = usize>) {
        if self.key.is_none() {
            return;
        }
        let mut todo: Vec<usize> = Vec::new();
        for i in idx {
            let t = (i / self.cols / TILE) * self.tiles_x + (i % self.cols) / TILE;
            if !self.done[t] {
                self.done[t] = true;
                todo.push(t);
            }
        }
        if todo.is_empty() {
            return;
        }
        self.version += 1;
        let Some(key) = &self.key else { return };
        let (w, opts, wind) = (key.weather, &key.opts, key.wind.as_deref());
        let classes = key.moisture.as_deref();
        let (cols, rows) = (self.cols, self.rows);
        let (beds, bed10, tiles_x) = (&self.beds, self.bed10.as_ref(), self.tiles_x);
        let class_beds = &self.class_beds;
        let computed: Vec<(usize, Vec<(Param, f32)>)> = todo
            .par_iter()
            .map(|&t| {
                let (tr, tc) = (t / tiles_x, t % tiles_x);
                let mut v = Vec::with_capacity(TILE * TILE);
                for r in tr * TILE..((tr + 1) * TILE).min(rows) {
                    for c in tc * TILE..((tc + 1) * TILE).min(cols) {
                        let i = r * cols + c;
                        let k = cells.fuel_index(i);
                        let out = if k == u32::MAX {
                            [NODATA; OUT_STRIDE]
                        } else {
                            let k = k as usize;
                            // Gridded wind, where it has data, replaces the period's uniform wind.
                            let wc = match wind {
                                Some(g) if g.speed_m_per_min[i].is_finite() && g.from_deg[i].is_finite() => Weather {
                                    wind_speed_m_per_min: g.speed_m_per_min[i] as f64,
                                    wind_from_deg: g.from_deg[i] as f64,
                                    ..w
                                },
                                _ => w,
                            };
                            // Terrain conditioning: the cell's class's beds.
                            let class = classes.and_then(|g| g.class_of(i).map(|c| (g, c)));
                            let (b, b10) = match class {
                                Some((g, c)) => {
                                    let (cb, cb10) = class_beds[c].get_or_init(|| {
                                        let m = g.moisture_of_class(c, &w.moisture);
                                        (
                                            cells.fuels.iter().map(|f| FuelBed::new(f, &m)).collect(),
                                            FuelBed::new(behavior::fuel_model_10(), &m),
                                        )
                                    });
                                    (cb[k].as_ref(), cb10.as_ref())
                                }
                                None => (beds[k].as_ref(), bed10),
                            };
                            let o = behavior::cell_behavior(b, b10, &cells.fuels[k], &cells.rows[i], &wc, opts);
                            o.map(|v| v as f32)
                        };
                        v.push(param_from_behavior(&out));
                    }
                }
                (t, v)
            })
            .collect();
        for (t, v) in computed {
            let (tr, tc) = (t / tiles_x, t % tiles_x);
            let mut k = 0;
            for r in tr * TILE..((tr + 1) * TILE).min(rows) {
                for c in tc * TILE..((tc + 1) * TILE).min(cols) {
                    let i = r * cols + c;
                    (self.params[i], self.heat[i]) = v[k];
                    k += 1;
                }
            }
            self.cells_computed += k as u64;
        }
    }
}

/// The per-cell behaviour (the CPU twin of the behaviour kernel) of cells at their arrival times, under the weather
/// period in force at arrival with the period's gridded wind where given: for each (cell, arrival time min) of
/// `burned`, the weather used and the outputs; None for nodata cells.
pub fn behavior_at_arrival(
    cells: &Cells,
    burned: &[(usize, f32)],
    stream: &crate::weather::WeatherStream,
    opts: &super::SpreadOptions,
) -> Vec<Option<(Weather, [f64; OUT_STRIDE])>> {
    let beds: Vec<(Vec<Option<FuelBed>>, Option<FuelBed>)> = stream
        .periods
        .iter()
        .map(|p| {
            (
                cells.fuels.iter().map(|m| FuelBed::new(m, &p.weather.moisture)).collect(),
                FuelBed::new(behavior::fuel_model_10(), &p.weather.moisture),
            )
        })
        .collect();
    burned
        .par_iter()
        .map(|&(i, t)| {
            let k = cells.fuel_index(i);
            if k == u32::MAX {
                return None;
            }
            let k = k as usize;
            let p = stream.period_at(t as f64);
            let w = stream.periods[p].weather;
            let wc = match opts.wind_grids.get(p).and_then(|g| g.as_deref()) {
                Some(g) if g.speed_m_per_min[i].is_finite() && g.from_deg[i].is_finite() => Weather {
                    wind_speed_m_per_min: g.speed_m_per_min[i] as f64,
                    wind_from_deg: g.from_deg[i] as f64,
                    ..w
                },
                _ => w,
            };
            let (b, b10) = &beds[p];
            // Terrain conditioning: the cell's class's moistures.
            let class =
                opts.moisture_grids.get(p).and_then(|g| g.as_deref()).and_then(|g| g.moisture_at(i, &wc.moisture));
            let o = match class {
                Some(m) => {
                    let wm = Weather { moisture: m, ..wc };
                    let (cb, cb10) = (FuelBed::new(&cells.fuels[k], &m), FuelBed::new(behavior::fuel_model_10(), &m));
                    return Some((
                        wm,
                        behavior::cell_behavior(
                            cb.as_ref(),
                            cb10.as_ref(),
                            &cells.fuels[k],
                            &cells.rows[i],
                            &wm,
                            &opts.surface,
                        ),
                    ));
                }
                None => behavior::cell_behavior(
                    b[k].as_ref(),
                    b10.as_ref(),
                    &cells.fuels[k],
                    &cells.rows[i],
                    &wc,
                    &opts.surface,
                ),
            };
            Some((wc, o))
        })
        .collect()
}

/// Crown fire type (FlamMap's codes) of cells at their arrival times ([`behavior_at_arrival`]); one value per cell
/// of `cells`, [`NODATA`] elsewhere. It is the head fire's type, as FlamMap maps it: the flanks of a crowning fire
/// count as crown fire too.
pub fn crown_type_at_arrival(
    cells: &Cells,
    burned: &[(usize, f32)],
    stream: &crate::weather::WeatherStream,
    opts: &super::SpreadOptions,
) -> Vec<f32> {
    let mut out = vec![NODATA; cells.n];
    for (&(i, _), b) in burned.iter().zip(behavior_at_arrival(cells, burned, stream, opts)) {
        if let Some((_, o)) = b {
            out[i] = o[field::CROWN_FIRE_TYPE] as f32;
        }
    }
    out
}
