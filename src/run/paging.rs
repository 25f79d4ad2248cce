//! A run whose cost follows the fire: it reads the window of the landscape that holds its ignitions and assets, with
//! a margin of a tile, aligned on 256-cell tiles of the landscape's grid ([`tile_cells`]); when its fire comes within [`EDGE_CELLS`] of the
//! window's edge (an edge that is not the landscape's), or an ember lands beyond it on the landscape, the window
//! grows around everything the fire reached, by as much again as the fire spans, and the run is redone on it. The
//! fire never touched the cells beyond the final window's edge, so its arrival times, behaviour, crown fire and
//! spotting are the whole landscape's, bit for bit: the kernel counts positions in cells from the landscape's
//! corner ([`crate::spread::kernel::Dom::col0`]), every random draw is keyed by the cell's index in the whole
//! landscape, and slope and aspect come from a one-cell ring around the window (`tests/paging.rs`).
//!
//! Memory is refused by the working set: the window's cells times [`BYTES_PER_CELL_TO_RUN`], against the memory
//! budget (`--memory-budget`, default half the memory available). GDAL's block cache, which keeps the tiles read
//! (least recently used dropped first), is given a quarter of the budget.
//!
//! A debris run's window also holds every fragment on the landscape with 4 sigma of its footprint (a failure event
//! is flown first for that, over the whole landscape's DEM read tile by tile: [`crate::landscape::ground`]); a
//! fragment of the realisation landing beyond the window grows it too.
//!
//! Read whole instead: `--whole-landscape` (`[landscape] whole = true`), `--map-extent landscape`, impact rasters,
//! gridded forecasts (their fields are averaged over the landscape) and ensembles.

use bytesize::ByteSize;

use crate::error::{Error, Result};
use crate::landscape::window::{CellWindow, TILE_CELLS};
use crate::landscape::{Grid, Landscape, BYTES_PER_CELL_TO_RUN};
use crate::run::pipeline::{MemberResult, Prepared};
use crate::run::scenario::{DebrisSpec, MapExtent, Scenario};
use crate::spread::sources;
use crate::spread::spotting::EmberFate;

/// A fire this close to a window's edge (cells) makes the window grow.
pub const EDGE_CELLS: usize = 2;

/// Side of the tiles windows align to and margin of the first window, cells: [`TILE_CELLS`], or
/// `EMBERFALL_PAGE_TILE_CELLS` (8..=4096; tests use small tiles to make small landscapes page).
pub fn tile_cells() -> usize {
    std::env::var("EMBERFALL_PAGE_TILE_CELLS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|t| (8..=4096).contains(t))
        .unwrap_or(TILE_CELLS)
}

/// The window a paged run reads, on the landscape's grid, and its memory budget.
#[derive(Clone, Debug)]
pub struct Plan {
    pub full: Grid,
    pub window: CellWindow,
    pub budget_bytes: u64,
    /// Windows tried, the last one included.
    pub attempts: usize,
    /// The DEM tiles the plan's flights read, for the runs to share.
    pub ground: Option<std::sync::Arc<crate::landscape::ground::Ground>>,
}

/// The memory budget of a run: `--memory-budget` / `[landscape] memory_budget` (`2GiB`, `800 MB`), else half the
/// memory available (Linux MemAvailable; 4 GiB where unknown).
pub fn memory_budget(given: Option<&str>) -> Result<u64> {
    if let Some(s) = given {
        let b: ByteSize = s
            .trim()
            .parse()
            .map_err(|e| Error::value("--memory-budget", s, format!("not a size ({e}); give e.g. 2GiB or 800MiB")))?;
        if b.as_u64() < 16 << 20 {
            return Err(Error::value("--memory-budget", s, "below 16 MiB: too small for any run"));
        }
        return Ok(b.as_u64());
    }
    Ok(crate::quantity::memory_available_bytes().map_or(4 << 30, |a| (a / 2) as u64))
}

/// Refuse a window whose run would not fit the budget, naming both figures.
pub fn check_budget(window: &CellWindow, full: &Grid, budget: u64, given: bool) -> Result<()> {
    let need = window.len() as u64 * BYTES_PER_CELL_TO_RUN as u64;
    if need > budget {
        let whole = window.len() == full.len();
        return Err(Error::value(
            "--memory-budget",
            ByteSize(budget).display().iec().to_string(),
            format!(
                "{} ({} x {} cells{}) needs about {} to run, more than the budget{}",
                if whole { "the landscape" } else { "the window of the landscape the run needs" },
                window.cols,
                window.rows,
                if whole { String::new() } else { format!(" of the landscape's {} x {}", full.cols, full.rows) },
                ByteSize(need).display().iec(),
                if given {
                    "; give a larger --memory-budget, or a shorter run"
                } else {
                    " (half the memory available); give --memory-budget, or a shorter run"
                }
            ),
        ));
    }
    Ok(())
}

/// Whether `sc` can run on a window, and why not.
pub fn whole_because(sc: &Scenario) -> Option<&'static str> {
    if sc.landscape.whole {
        Some("--whole-landscape")
    } else if sc.output.map_extent == MapExtent::Landscape {
        Some("--map-extent landscape")
    } else if matches!(sc.debris, Some(DebrisSpec::Raster { .. })) {
        Some("an impact raster (read onto the whole landscape)")
    } else if sc.weather.stream.as_deref().is_some_and(crate::weather::forecast::is_forecast) {
        Some("a gridded forecast (its fields are averaged over the landscape)")
    } else {
        None
    }
}

/// The first window of `sc`: its ignitions and assets with a margin, tile-aligned; none when the run reads the
/// whole landscape ([`whole_because`]) or the window would be the whole landscape anyway.
pub fn plan(sc: &Scenario) -> Result<Option<Plan>> {
    let budget_bytes = memory_budget(sc.landscape.memory_budget.as_deref())?;
    let full = Landscape::grid_of(&sc.landscape)?;
    let whole = CellWindow::whole(&full);
    // A whole landscape is checked against a budget given here, and against the memory available when it loads.
    let given = sc.landscape.memory_budget.is_some();
    if whole_because(sc).is_some() {
        if given {
            check_budget(&whole, &full, budget_bytes, given)?;
        }
        return Ok(None);
    }
    let mut pts: Vec<(f64, f64)> = Vec::new();
    // The direct ignitions, each checked to lie on the landscape (errors name its extent, not the window's).
    for s in crate::run::pipeline::fixed_sources(sc, &full, &mut Vec::new())? {
        match s.shape {
            sources::Shape::Point(x, y) => pts.push((x, y)),
            sources::Shape::Line(l) => pts.extend(l),
            sources::Shape::Polygon(rings) => pts.extend(rings.into_iter().flatten()),
        }
    }
    // A debris field: every fragment on the landscape with its footprint (the ignition maps cover 4 sigma of it).
    let mut ground = None;
    let field = match &sc.debris {
        Some(DebrisSpec::Fragments(p)) => Some(crate::debris::read_fragments(p, &full)?),
        Some(DebrisSpec::Event { event, classes, winds_aloft }) => {
            let g = std::sync::Arc::new(crate::landscape::ground::Ground::new(&sc.landscape)?);
            let field = crate::debris::fly_event_over(event, classes, winds_aloft, &full, &|x, y| g.at(x, y), sc.seed)?;
            if let Some(e) = g.take_error() {
                return Err(e.within("the ground under the failure event's flights"));
            }
            ground = Some(g);
            Some(field)
        }
        _ => None,
    };
    for f in field.iter().flat_map(|f| &f.fragments) {
        let r = f.footprint.map_or(0.0, |fp| 4.0 * fp.sigma_along_m.max(fp.sigma_cross_m)) + 2.0 * full.dx();
        pts.extend([(f.x - r, f.y - r), (f.x + r, f.y + r)]);
    }
    for a in &sc.ensemble.assets {
        let (x0, y0, x1, y1) = crate::run::assets::extent(a, &full)?;
        let (gx0, gy0, gx1, gy1) = full.extent();
        if !(x0 <= gx1 && x1 >= gx0 && y0 <= gy1 && y1 >= gy0) {
            // Off the landscape: the whole-landscape check names it (and the landscape's extent).
            return Ok(None);
        }
        pts.extend([(x0, y0), (x1, y1)]);
    }
    let cells: Vec<(i64, i64)> = pts
        .iter()
        .map(|&(x, y)| {
            let (fr, fc) = full.fractional_cell(x, y);
            (fc.floor() as i64, fr.floor() as i64)
        })
        .collect();
    let tile = tile_cells();
    let Some(first) = bbox_window(&full, &cells, tile as i64) else {
        // Nothing on the landscape: the whole-landscape run says what lies off it.
        return Ok(None);
    };
    let window = first.aligned(&full, tile);
    if window == whole {
        if given {
            check_budget(&whole, &full, budget_bytes, given)?;
        }
        return Ok(None);
    }
    check_budget(&window, &full, budget_bytes, given)?;
    set_gdal_cache(budget_bytes);
    Ok(Some(Plan { full, window, budget_bytes, attempts: 1, ground }))
}

/// GDAL's block cache (the tiles it keeps, least recently used dropped first): a quarter of the budget.
fn set_gdal_cache(budget: u64) {
    if gdal::config::get_config_option("GDAL_CACHEMAX", "").unwrap_or_default().is_empty() {
        let mb = ((budget / 4) >> 20).max(16);
        let _ = gdal::config::set_config_option("GDAL_CACHEMAX", &mb.to_string());
    }
}

/// The window around cells `(col, row)` of `full` (corners of footprints and assets may lie off it: they are
/// brought to its edge), widened by `margin`; none without cells.
fn bbox_window(full: &Grid, cells: &[(i64, i64)], margin: i64) -> Option<CellWindow> {
    let clamp = |(c, r): &(i64, i64)| ((*c).clamp(0, full.cols as i64 - 1), (*r).clamp(0, full.rows as i64 - 1));
    let on: Vec<(i64, i64)> = cells.iter().map(clamp).collect();
    let c0 = on.iter().map(|p| p.0).min()?;
    let c1 = on.iter().map(|p| p.0).max()?;
    let r0 = on.iter().map(|p| p.1).min()?;
    let r1 = on.iter().map(|p| p.1).max()?;
    CellWindow::around(full, c0, r0, c1, r1, margin)
}

impl Plan {
    /// After a run on the plan's window: whether its fire came within [`EDGE_CELLS`] of an edge of the window that
    /// is not the landscape's, or an ember landed on the landscape beyond it; if so the window grows (around the
    /// cells reached and the landings, by as much again as they span, at least a tile), the budget is checked and
    /// why is returned (the run must be redone); none when the window held the fire.
    pub fn grow(&mut self, prepared: &Prepared, member: &MemberResult) -> Result<Option<String>> {
        let w = self.window;
        let (west, north, east, south) = w.on_grid_edges(&self.full);
        let mut cells: Vec<(i64, i64)> = Vec::new();
        let mut near_edge = false;
        if let Some([c0, r0, c1, r1]) = member.fire.as_ref().and_then(|f| f.reached_extent()) {
            let e = EDGE_CELLS;
            near_edge =
                (!west && c0 < e) || (!north && r0 < e) || (!east && c1 + e >= w.cols) || (!south && r1 + e >= w.rows);
            cells.push(((w.col0 + c0) as i64, (w.row0 + r0) as i64));
            cells.push(((w.col0 + c1) as i64, (w.row0 + r1) as i64));
        }
        let mut landed_beyond = false;
        if let Some(sp) = &member.spotting {
            for e in sp.embers.iter().filter(|e| e.fate == EmberFate::OffLandscape) {
                let (fr, fc) = self.full.fractional_cell(e.x, e.y);
                if fr >= 0.0 && fc >= 0.0 && fr < self.full.rows as f64 && fc < self.full.cols as f64 {
                    landed_beyond = true;
                    cells.push((fc.floor() as i64, fr.floor() as i64));
                }
            }
        }
        // Fragments that land beyond the window on the landscape (their draws are the member's, whatever was read).
        let mut fell_beyond = false;
        if let Some(d) = &member.debris {
            for (x, y) in crate::debris::ignition::landing_points(&d.field.fragments, member.seed) {
                let (fr, fc) = self.full.fractional_cell(x, y);
                let on = fr >= 0.0 && fc >= 0.0 && fr < self.full.rows as f64 && fc < self.full.cols as f64;
                let (c, r) = (fc.floor() as i64, fr.floor() as i64);
                let inside = c >= w.col0 as i64
                    && r >= w.row0 as i64
                    && c < (w.col0 + w.cols) as i64
                    && r < (w.row0 + w.rows) as i64;
                if on && !inside {
                    fell_beyond = true;
                    cells.push((c, r));
                }
            }
        }
        landed_beyond |= fell_beyond;
        if !(near_edge || landed_beyond) {
            return Ok(None);
        }
        let span =
            |a: fn(&(i64, i64)) -> i64| cells.iter().map(a).max().unwrap_or(0) - cells.iter().map(a).min().unwrap_or(0);
        let tile = tile_cells();
        let pad = span(|p| p.0).max(span(|p| p.1)).max(tile as i64);
        let grown = bbox_window(&self.full, &cells, pad).unwrap_or(w).union(&w).aligned(&self.full, tile);
        check_budget(&grown, &self.full, self.budget_bytes, prepared.scenario.landscape.memory_budget.is_some())?;
        self.window = grown;
        self.attempts += 1;
        let beyond = if fell_beyond { "a fragment or an ember" } else { "an ember" };
        let why = match (near_edge, landed_beyond) {
            (true, true) => format!("the fire neared the window's edge and {beyond} landed beyond it"),
            (true, false) => "the fire neared the window's edge".to_string(),
            _ => format!("{beyond} landed beyond the window"),
        };
        Ok(Some(format!("{why}; reading {} x {} cells and running again", grown.cols, grown.rows)))
    }

    /// What the run read, for its notes.
    pub fn note(&self) -> String {
        let w = &self.window;
        format!(
            "read {} x {} cells of the landscape's {} x {} ({:.2} %: the window at column {}, row {} holding the \
             ignitions, debris, assets and fire with a margin, in {} attempt{}); --whole-landscape reads it all",
            w.cols,
            w.rows,
            self.full.cols,
            self.full.rows,
            100.0 * w.len() as f64 / self.full.len().max(1) as f64,
            w.col0,
            w.row0,
            self.attempts,
            if self.attempts == 1 { "" } else { "s" }
        )
    }
}
