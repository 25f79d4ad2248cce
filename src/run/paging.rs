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
//! gridded forecasts (their fields are averaged over the landscape).
//!
//! An ensemble pages as one run: its members run on the first window; those that go beyond it ([`Plan::beyond`])
//! run again once it has grown around all of them; its accumulators cover the first window and every cell any
//! member reached, tile-aligned ([`Plan::holding`]), so that merged shards cover the same window as one run.

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
    /// The first window (ignitions, debris, assets with a margin), before it grew.
    pub first: CellWindow,
    pub budget_bytes: u64,
    /// Windows tried, the last one included.
    pub attempts: usize,
    /// The DEM tiles the plan's flights read, for the runs to share.
    pub ground: Option<std::sync::Arc<crate::landscape::ground::Ground>>,
    /// Working set per cell of the window, bytes: [`BYTES_PER_CELL_TO_RUN`], or an ensemble's.
    pub per_cell_bytes: u64,
    /// The scenario's failure event as the plan flew it, and the seed (the run's member takes it: not flown twice).
    pub flown: Option<(u64, std::sync::Arc<crate::debris::DebrisField>)>,
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

/// Memory each further member of an ensemble running at the same time needs per cell of the window, bytes
/// (estimate): its spread result (state, anchors, front and crown type per cell: 40 bytes) and the sweeps' scratch
/// and lists. Measured: a second thread raised the peak of a 720 x 768-cell Thomas ensemble by 48 MiB (87 bytes per
/// cell).
pub const BYTES_PER_CELL_PER_MEMBER: u64 = 96;

/// An ensemble's working set per cell, bytes: one run's ([`BYTES_PER_CELL_TO_RUN`]), each further member running at
/// once, and the accumulators (a 4-byte burn count per reported time, and the ignition count).
pub fn ensemble_bytes_per_cell(at_once: usize, times: usize) -> u64 {
    BYTES_PER_CELL_TO_RUN as u64 + BYTES_PER_CELL_PER_MEMBER * (at_once.max(1) as u64 - 1) + 4 * (times as u64 + 1)
}

/// Refuse a window whose run would not fit the budget, naming both figures.
pub fn check_budget(window: &CellWindow, full: &Grid, budget: u64, given: bool) -> Result<()> {
    check_budget_per_cell(window, full, budget, given, BYTES_PER_CELL_TO_RUN as u64)
}

/// [`check_budget`] for a working set of `per_cell` bytes per cell of the window (an ensemble's:
/// [`ensemble_bytes_per_cell`]).
pub fn check_budget_per_cell(window: &CellWindow, full: &Grid, budget: u64, given: bool, per_cell: u64) -> Result<()> {
    let need = window.len() as u64 * per_cell;
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
    let (mut ground, mut flown) = (None, None);
    let field = match &sc.debris {
        Some(DebrisSpec::Fragments(p)) => Some(std::sync::Arc::new(crate::debris::read_fragments(p, &full)?)),
        Some(DebrisSpec::Event { event, classes, winds_aloft }) => {
            let g = std::sync::Arc::new(crate::landscape::ground::Ground::new(&sc.landscape)?);
            let field = crate::debris::fly_event_over(event, classes, winds_aloft, &full, &|x, y| g.at(x, y), sc.seed)?;
            if let Some(e) = g.take_error() {
                return Err(e.within("the ground under the failure event's flights"));
            }
            ground = Some(g);
            let field = std::sync::Arc::new(field);
            flown = Some((sc.seed, field.clone()));
            Some(field)
        }
        _ => None,
    };
    if let Some(f) = &field {
        footprint_corners(f, &full, &mut pts);
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
    let cells = cells_at(&full, &pts);
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
    Ok(Some(Plan { ground, flown, ..Plan::first(full, window, budget_bytes) }))
}

/// The corners of the square around every fragment of `field` holding 4 sigma of its footprint (the ignition maps'
/// reach) and two cells of `full`.
fn footprint_corners(field: &crate::debris::DebrisField, full: &Grid, pts: &mut Vec<(f64, f64)>) {
    for f in &field.fragments {
        let r = f.footprint.map_or(0.0, |fp| 4.0 * fp.sigma_along_m.max(fp.sigma_cross_m)) + 2.0 * full.dx();
        pts.extend([(f.x - r, f.y - r), (f.x + r, f.y + r)]);
    }
}

/// The cells (column, row) of `full` at map points `pts` (possibly off it).
fn cells_at(full: &Grid, pts: &[(f64, f64)]) -> Vec<(i64, i64)> {
    pts.iter()
        .map(|&(x, y)| {
            let (fr, fc) = full.fractional_cell(x, y);
            (fc.floor() as i64, fr.floor() as i64)
        })
        .collect()
}

/// Failure times an ensemble's first window is placed with: spread over the failure-time distribution.
const FIRST_WINDOW_FAILURES: usize = 5;

/// [`plan`] for an ensemble: with a failure event on a trajectory, its first window also holds the debris of
/// failures spread over the failure-time distribution ([`crate::run::ensemble_spec::FailureTime::span`]), flown
/// with the scenario's seed, so that members failing elsewhere along the flight do not all outgrow it.
pub fn plan_ensemble(sc: &Scenario) -> Result<Option<Plan>> {
    let Some(mut p) = plan(sc)? else { return Ok(None) };
    let (Some(DebrisSpec::Event { event, classes, winds_aloft }), Some(traj), Some(ft), Some(g)) =
        (&sc.debris, &sc.ensemble.trajectory, &sc.ensemble.failure_time, p.ground.clone())
    else {
        return Ok(Some(p));
    };
    let mut pts = Vec::new();
    for t in ft.span(FIRST_WINDOW_FAILURES) {
        let bu = traj.break_up(event, t);
        let field = crate::debris::fly_event_over(&bu, classes, winds_aloft, &p.full, &|x, y| g.at(x, y), sc.seed)
            .map_err(|e| e.within(format!("the failure at {t} s, placing the ensemble's window")))?;
        footprint_corners(&field, &p.full, &mut pts);
    }
    if let Some(e) = g.take_error() {
        return Err(e.within("the ground under the failure event's flights"));
    }
    let tile = tile_cells();
    let Some(w) = bbox_window(&p.full, &cells_at(&p.full, &pts), tile as i64) else { return Ok(Some(p)) };
    let w = w.union(&p.window).aligned(&p.full, tile);
    let given = sc.landscape.memory_budget.is_some();
    if w == CellWindow::whole(&p.full) {
        // As `plan`: a whole landscape is checked here against a budget given, else when it loads.
        if given {
            check_budget(&w, &p.full, p.budget_bytes, given)?;
        }
        return Ok(None);
    }
    check_budget(&w, &p.full, p.budget_bytes, given)?;
    (p.window, p.first) = (w, w);
    Ok(Some(p))
}

/// A plan on window `w` of `sc`'s landscape, which must have `full_rows` x `full_cols` cells (what merged ensemble
/// shards cover); none when `w` is the whole landscape or the scenario reads it whole (`--map-extent landscape`
/// given to the merge: the shards' windows then go onto the whole landscape).
pub fn on_window(sc: &Scenario, w: CellWindow, full_rows: usize, full_cols: usize) -> Result<Option<Plan>> {
    let full = Landscape::grid_of(&sc.landscape)?;
    if (full.rows, full.cols) != (full_rows, full_cols) {
        return Err(Error::value(
            "merge",
            format!("{full_cols} x {full_rows} cells"),
            format!("the shards ran on a landscape of that size, the scenario's has {} x {}", full.cols, full.rows),
        ));
    }
    if w == CellWindow::whole(&full) || whole_because(sc).is_some() {
        return Ok(None);
    }
    let budget_bytes = memory_budget(sc.landscape.memory_budget.as_deref())?;
    check_budget(&w, &full, budget_bytes, sc.landscape.memory_budget.is_some())?;
    set_gdal_cache(budget_bytes);
    Ok(Some(Plan::first(full, w, budget_bytes)))
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

/// What took a run beyond its window: the cells of the landscape (column, row) it reached or landed on, and why.
#[derive(Clone, Debug, Default)]
pub struct Beyond {
    pub cells: Vec<(i64, i64)>,
    /// The fire came within [`EDGE_CELLS`] of an edge of the window that is not the landscape's.
    pub near_edge: bool,
    /// An ember landed on the landscape beyond the window.
    pub ember: bool,
    /// A fragment of the realisation landed on the landscape beyond the window.
    pub fragment: bool,
}

impl Beyond {
    /// Both together (several members of an ensemble).
    pub fn extend(&mut self, o: Beyond) {
        self.cells.extend(o.cells);
        self.near_edge |= o.near_edge;
        self.ember |= o.ember;
        self.fragment |= o.fragment;
    }

    fn why(&self) -> String {
        let beyond = if self.fragment { "a fragment or an ember" } else { "an ember" };
        match (self.near_edge, self.ember || self.fragment) {
            (true, true) => format!("the fire neared the window's edge and {beyond} landed beyond it"),
            (true, false) => "the fire neared the window's edge".to_string(),
            _ => format!("{beyond} landed beyond the window"),
        }
    }
}

impl Plan {
    /// A first window of `full` under a budget: one run's working set, no flights.
    fn first(full: Grid, window: CellWindow, budget_bytes: u64) -> Plan {
        Plan {
            full,
            window,
            first: window,
            budget_bytes,
            attempts: 1,
            ground: None,
            per_cell_bytes: BYTES_PER_CELL_TO_RUN as u64,
            flown: None,
        }
    }

    /// Whether a run on the plan's window went beyond it: its fire came within [`EDGE_CELLS`] of an edge of the
    /// window that is not the landscape's, or an ember or a fragment landed on the landscape beyond it; none when the
    /// window held the fire (its results are then the whole landscape's).
    pub fn beyond(&self, member: &MemberResult) -> Option<Beyond> {
        let w = self.window;
        let (west, north, east, south) = w.on_grid_edges(&self.full);
        let mut b = Beyond::default();
        if let Some([c0, r0, c1, r1]) = member.fire.as_ref().and_then(|f| f.reached_extent()) {
            let e = EDGE_CELLS;
            b.near_edge =
                (!west && c0 < e) || (!north && r0 < e) || (!east && c1 + e >= w.cols) || (!south && r1 + e >= w.rows);
            b.cells.push(((w.col0 + c0) as i64, (w.row0 + r0) as i64));
            b.cells.push(((w.col0 + c1) as i64, (w.row0 + r1) as i64));
        }
        if let Some(sp) = &member.spotting {
            for e in sp.embers.iter().filter(|e| e.fate == EmberFate::OffLandscape) {
                if let Some((c, r)) = w.beyond(&self.full, e.x, e.y) {
                    b.ember = true;
                    b.cells.push((c as i64, r as i64));
                }
            }
        }
        // Fragments that landed beyond the window on the landscape (found where the member's debris was drawn).
        for &(c, r) in member.debris.iter().flat_map(|d| &d.landed_beyond) {
            b.fragment = true;
            b.cells.push((c as i64, r as i64));
        }
        (b.near_edge || b.ember || b.fragment).then_some(b)
    }

    /// Grow the window around what went beyond it (the cells reached and the landings, by as much again as they
    /// span, at least a tile), check the budget, and say why (the runs must be redone on it).
    pub fn grow_around(&mut self, b: &Beyond, budget_given: bool) -> Result<String> {
        let w = self.window;
        let cells = &b.cells;
        let span =
            |a: fn(&(i64, i64)) -> i64| cells.iter().map(a).max().unwrap_or(0) - cells.iter().map(a).min().unwrap_or(0);
        let tile = tile_cells();
        let pad = span(|p| p.0).max(span(|p| p.1)).max(tile as i64);
        let grown = bbox_window(&self.full, cells, pad).unwrap_or(w).union(&w).aligned(&self.full, tile);
        check_budget_per_cell(&grown, &self.full, self.budget_bytes, budget_given, self.per_cell_bytes)?;
        self.window = grown;
        self.attempts += 1;
        Ok(format!("{}; reading {} x {} cells and running again", b.why(), grown.cols, grown.rows))
    }

    /// After a run on the plan's window: grow it if the run went beyond it ([`Plan::beyond`]) and say why (the run
    /// must be redone); none when the window held the fire.
    pub fn grow(&mut self, prepared: &Prepared, member: &MemberResult) -> Result<Option<String>> {
        match self.beyond(member) {
            Some(b) => self.grow_around(&b, prepared.scenario.landscape.memory_budget.is_some()).map(Some),
            None => Ok(None),
        }
    }

    /// The window that holds the first window and the cells `(column, row)` of the landscape given, tile-aligned:
    /// what an ensemble's products cover (the same for an ensemble and its merged shards).
    pub fn holding(&self, cells: impl Iterator<Item = (usize, usize)>) -> CellWindow {
        let mut w = self.first;
        for (c, r) in cells {
            w = w.union(&CellWindow { col0: c, row0: r, cols: 1, rows: 1 });
        }
        w.aligned(&self.full, tile_cells())
    }

    /// What an ensemble's products cover, for its notes (the same for an ensemble and its merged shards, however
    /// often the window grew while the members ran).
    pub fn ensemble_note(&self) -> String {
        self.describe("every member's ignitions, debris, assets and fire with a margin", None)
    }

    /// What the run read, for its notes.
    pub fn note(&self) -> String {
        self.describe("the ignitions, debris, assets and fire with a margin", Some(self.attempts))
    }

    fn describe(&self, holding: &str, attempts: Option<usize>) -> String {
        let w = &self.window;
        let tries = attempts.map_or(String::new(), |n| format!(", in {n} attempt{}", if n == 1 { "" } else { "s" }));
        format!(
            "read {} x {} cells of the landscape's {} x {} ({:.2} %: the window at column {}, row {} holding \
             {holding}{tries}); --whole-landscape reads it all",
            w.cols,
            w.rows,
            self.full.cols,
            self.full.rows,
            100.0 * w.len() as f64 / self.full.len().max(1) as f64,
            w.col0,
            w.row0,
        )
    }
}
