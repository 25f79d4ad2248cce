//! A fire grown with spotting: every step, the cells it newly burned launch their embers, and the embers that
//! ignite become spot fires; every ember is kept with its fate.

use super::*;

/// A launched ember and its fate (a feature of spot_fires.gpkg).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Ember {
    /// Launching cell (raster index) and its arrival (launch) time, min.
    pub source_cell: usize,
    pub launch_min: f64,
    /// Landing point, landscape CRS.
    pub x: f64,
    pub y: f64,
    /// Downwind distance flown, m.
    pub distance_m: f64,
    /// behave's maximum spotting distance from its source, m (beyond it an ember burns out in flight).
    pub max_distance_m: f64,
    /// Probability that it ignites where it lands (0 off the landscape, beyond the maximum distance, on unburnable
    /// ground or fuel wetter than extinction).
    pub ignition_probability: f64,
    /// What became of it.
    pub fate: EmberFate,
    /// Time its spot fire starts, min (launch + spot delay).
    pub spot_min: f64,
}

/// The fate of an ember.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EmberFate {
    /// It started a spot fire.
    Ignited,
    /// It landed and did not ignite (dice, unburnable fuel or fuel wetter than extinction).
    NoIgnition,
    /// It landed nearer its source than the minimum spot distance.
    TooClose,
    /// It would have ignited, but the fire or an earlier spot fire reached its cell first.
    Overrun,
    /// It flew beyond behave's maximum spotting distance and burned out.
    BurnedOut,
    /// It landed off the landscape.
    OffLandscape,
}

impl EmberFate {
    pub fn name(self) -> &'static str {
        match self {
            EmberFate::Ignited => "ignited",
            EmberFate::NoIgnition => "no_ignition",
            EmberFate::TooClose => "too_close",
            EmberFate::Overrun => "overrun",
            EmberFate::BurnedOut => "burned_out",
            EmberFate::OffLandscape => "off_landscape",
        }
    }
}

/// Counts of a run's spotting for summaries.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct SpottingCounts {
    pub launching_cells: usize,
    pub embers_launched: usize,
    /// Embers that came down on the landscape within behave's maximum distance.
    pub embers_landed: usize,
    pub spot_fires: usize,
    /// Mean and largest downwind distance of the landed embers, m (0 without any).
    pub landed_mean_distance_m: f64,
    pub landed_max_distance_m: f64,
    /// Share of the landed embers beyond half of behave's maximum spotting distance from their source.
    pub landed_beyond_half_max_share: f64,
}

impl SpottingCounts {
    pub fn of(embers: &[Ember], launching_cells: usize) -> SpottingCounts {
        let landed: Vec<&Ember> = embers
            .iter()
            .filter(|e| {
                matches!(e.fate, EmberFate::Ignited | EmberFate::NoIgnition | EmberFate::TooClose | EmberFate::Overrun)
            })
            .collect();
        let n = landed.len();
        let share = |f: &dyn Fn(&Ember) -> bool| {
            if n == 0 {
                0.0
            } else {
                landed.iter().filter(|e| f(e)).count() as f64 / n as f64
            }
        };
        SpottingCounts {
            launching_cells,
            embers_launched: embers.len(),
            embers_landed: n,
            spot_fires: embers.iter().filter(|e| e.fate == EmberFate::Ignited).count(),
            landed_mean_distance_m: if n == 0 {
                0.0
            } else {
                landed.iter().map(|e| e.distance_m).sum::<f64>() / n as f64
            },
            landed_max_distance_m: landed.iter().map(|e| e.distance_m).fold(0.0, f64::max),
            landed_beyond_half_max_share: share(&|e| e.distance_m > 0.5 * e.max_distance_m),
        }
    }
}

/// A fire's spotting: every ember launched and the number of cells that launched them.
#[derive(Clone, Debug, Default)]
pub struct SpottingRun {
    pub embers: Vec<Ember>,
    pub launching_cells: usize,
    /// Time spent launching, flying and igniting embers and adding spot fires, s (not growing the fire).
    pub launch_s: f64,
}

impl SpottingRun {
    /// The embers' times in clock time (a fire run in fire time under burn periods).
    pub fn into_clock(mut self, clock: &crate::spread::clock::BurnClock) -> SpottingRun {
        for e in &mut self.embers {
            e.launch_min = clock.to_clock(e.launch_min);
            e.spot_min = clock.to_clock(e.spot_min);
        }
        self
    }

    pub fn counts(&self) -> SpottingCounts {
        SpottingCounts::of(&self.embers, self.launching_cells)
    }
}

/// Grow `fire` to `t_end` min with spotting: the fire advances in steps of the spot delay; after each step the cells
/// it reached launch their embers ([`launch`]), and the embers that ignite become sources at launch + delay (never
/// before the fire's current time, which the step length guarantees). `fuel_temp_c` is the per-cell fuel temperature
/// of the ignition relation, `seed` the run's seed.
pub fn burn_with_spotting(
    fire: &mut Fire,
    grid: &Grid,
    fuel_temp_c: &[f32],
    p: &SpottingParams,
    seed: u64,
    t_end: f64,
    progress: &mut dyn FnMut(f64),
) -> Result<SpottingRun> {
    let mut runs = burn_batch_with_spotting(fire, grid, fuel_temp_c, p, &[seed], t_end, progress)?;
    Ok(runs.swap_remove(0))
}

/// [`burn_with_spotting`] for a batch of fires swept side by side ([`Fire::batch`]), fire `r` spotting from
/// `seeds[r]`: each fire's embers are those it would throw alone.
pub fn burn_batch_with_spotting(
    fire: &mut Fire,
    grid: &Grid,
    fuel_temp_c: &[f32],
    p: &SpottingParams,
    seeds: &[u64],
    t_end: f64,
    progress: &mut dyn FnMut(f64),
) -> Result<Vec<SpottingRun>> {
    let nr = fire.runs();
    if seeds.len() != nr {
        return Err(crate::error::Error::Internal(format!("{} seeds for a batch of {nr} fires", seeds.len())));
    }
    // The cells each step newly burned: read incrementally (a cost of the new cells, not of all burned ones).
    let mut tracker = crate::spread::fire::BurnTracker::default();
    // Cells where a spot fire was started: a cell starts at most one (the earliest; FARSITE's spot grid too).
    let mut spotted = vec![vec![false; grid.len()]; nr];
    let mut runs = vec![SpottingRun::default(); nr];
    let mut t = fire.time_min();
    fire.end_windows_at_steps();
    while t < t_end {
        let t_next = (t + p.step_min()).min(t_end);
        fire.advance_to(t_next, progress)?;
        let t_launch = std::time::Instant::now();
        let reached = fire.newly_burned_by_run(&mut tracker)?;
        let batch_runs = reached.len().max(1) as f64;
        for (r, mut new) in reached.into_iter().enumerate() {
            let (cells, stream, opts) = fire.setting();
            // Only crowning cells launch unless surface fires may (Emberfall's rule with a threshold): the others'
            // behaviour is not computed (their draws are keyed by cell, so the embers are the same).
            if !(p.launch == LaunchRule::Emberfall && p.surface_intensity_kw_per_m > 0.0) {
                new.retain(|&(i, _)| crate::physics::behavior::can_crown(&cells.rows[i], opts.surface.crown));
            }
            let beh = behavior_at_arrival(cells, &new, stream, opts);
            let at = Launch { p, grid, cells, stream, fuel_temp_c, seed: seeds[r] };
            let per_cell: Vec<Option<Vec<Ember>>> =
                new.par_iter().zip(beh).map(|(&(i, ta), b)| b.and_then(|(w, o)| at.cell(i, ta, &w, &o))).collect();
            let first = runs[r].embers.len();
            for embers in per_cell.into_iter().flatten() {
                runs[r].launching_cells += 1;
                runs[r].embers.extend(embers);
            }
            start_spot_fires(fire, r, &mut runs[r].embers[first..], &mut spotted[r], grid)?;
        }
        let dt = t_launch.elapsed().as_secs_f64() / batch_runs;
        for run in runs.iter_mut() {
            run.launch_s += dt;
        }
        t = t_next;
    }
    overrun_by_the_fire(fire, &mut runs, grid)?;
    Ok(runs)
}

/// What launching embers from a fire's cells reads: the parameters, the grid and its cells, the weather, the fuel
/// temperatures of the ignition relation, the fire's seed.
struct Launch<'a> {
    p: &'a SpottingParams,
    grid: &'a Grid,
    cells: &'a crate::physics::behavior::Cells,
    stream: &'a crate::weather::WeatherStream,
    fuel_temp_c: &'a [f32],
    seed: u64,
}

impl Launch<'_> {
    /// The embers cell `i`, reached at `ta` min under weather `w` with behaviour `o`, launches: none unless it
    /// crowns (or, by Emberfall's rule, burns hotter than the surface threshold); each flown and given its fate.
    fn cell(&self, i: usize, ta: f32, w: &crate::physics::behavior::Weather, o: &[f64]) -> Option<Vec<Ember>> {
        let (p, grid, cells) = (self.p, self.grid, self.cells);
        let kind = o[field::CROWN_FIRE_TYPE];
        let intensity = o[field::FIRELINE_INTENSITY];
        let crown = kind >= 2.0;
        let surface = p.launch == LaunchRule::Emberfall
            && p.surface_intensity_kw_per_m > 0.0
            && intensity >= p.surface_intensity_kw_per_m;
        if !(crown || surface) || intensity <= 0.0 {
            return None;
        }
        let row = &cells.rows[i];
        let fuel = &cells.fuels[row.fuel_index as usize];
        let u20 = wind20_m_per_min(w, fuel, row);
        let (mu, sigma) = downwind_lognormal(p, intensity, u20);
        let sigma_y = crosswind_sigma_m(mu, sigma);
        let trees = match p.launch {
            LaunchRule::Emberfall => p.torching_trees,
            LaunchRule::Farsite => farsite_torching_trees(
                kind >= 3.0,
                o[field::CROWN_FRACTION_BURNED],
                pct_from_frac(row.canopy_cover_frac as f64),
                grid.dx().abs().min(grid.dy().abs()),
            ),
        };
        let cap = max_distance_m(
            p,
            crown,
            trees,
            o[field::FLAME_LENGTH],
            row.canopy_height_m as f64,
            row.canopy_cover_frac as f64,
            u20,
        );
        let mut rng = cell_stream(self.seed, p.cell_key(i, grid.cols));
        let cell_area = grid.dx() * grid.dy();
        let flights = launch(p, &mut rng, expected_embers(p, intensity, cell_area), mu, sigma, sigma_y);
        let az = w.wind_toward_deg().to_radians();
        let (cx, cy) = grid.cell_center(i / grid.cols, i % grid.cols);
        let t_spot = ta as f64 + p.spot_delay_min;
        let m1h = self.stream.periods[self.stream.period_at(t_spot)].weather.moisture.dead_1h;
        let embers = flights
            .iter()
            .map(|f| {
                let dice = rng.uniform();
                let x = cx + f.downwind_m * az.sin() + f.crosswind_m * az.cos();
                let y = cy + f.downwind_m * az.cos() - f.crosswind_m * az.sin();
                let e = Ember {
                    source_cell: i,
                    launch_min: ta as f64,
                    x,
                    y,
                    distance_m: f.downwind_m,
                    max_distance_m: cap,
                    ignition_probability: 0.0,
                    fate: EmberFate::NoIgnition,
                    spot_min: t_spot,
                };
                self.fate(e, f, dice, m1h)
            })
            .collect();
        Some(embers)
    }

    /// An ember's fate where it lands: burned out beyond its cap, off the landscape, too close, or (on fuel that
    /// can ignite at 1-h moisture `m1h`) igniting when `dice` falls below its ignition probability.
    fn fate(&self, mut e: Ember, f: &Flight, dice: f64, m1h: f64) -> Ember {
        let (p, grid) = (self.p, self.grid);
        let (fr, fc) = grid.fractional_cell(e.x, e.y);
        if f.downwind_m > e.max_distance_m {
            e.fate = EmberFate::BurnedOut;
        } else if !(fr >= 0.0 && fc >= 0.0 && fr < grid.rows as f64 && fc < grid.cols as f64) {
            e.fate = EmberFate::OffLandscape;
        } else if f.downwind_m.hypot(f.crosswind_m) < p.min_spot_distance_m {
            e.fate = EmberFate::TooClose;
        } else {
            let j = fr as usize * grid.cols + fc as usize;
            let k = self.cells.fuel_index(j);
            let can = k != u32::MAX && {
                let m = &self.cells.fuels[k as usize];
                m.is_burnable() && m1h < m.mx_dead_frac
            };
            // Ground the fire reaches first is sorted out at the end (`overrun_by_the_fire`): deciding it here
            // would hinge on arrival times equal to the spot time within rounding.
            if can {
                e.ignition_probability =
                    p.spot_probability.unwrap_or_else(|| schroeder_probability(self.fuel_temp_c[j] as f64, m1h));
                if dice < e.ignition_probability {
                    e.fate = EmberFate::Ignited;
                }
            }
        }
        e
    }
}

/// A step's igniting embers of fire `r` in the order their spot fires start (ties: launching cell, then draw
/// order): the first in a cell starts its spot fire, the others find it burning (`spotted`: cells with one).
fn start_spot_fires(fire: &mut Fire, r: usize, embers: &mut [Ember], spotted: &mut [bool], grid: &Grid) -> Result<()> {
    let t_now = fire.time_min();
    let mut order: Vec<usize> = (0..embers.len()).filter(|&k| embers[k].fate == EmberFate::Ignited).collect();
    order.sort_by(|&a, &b| embers[a].spot_min.total_cmp(&embers[b].spot_min).then(a.cmp(&b)));
    for k in order {
        let e = &mut embers[k];
        let (fr, fc) = grid.fractional_cell(e.x, e.y);
        let j = fr as usize * grid.cols + fc as usize;
        if spotted[j] {
            e.fate = EmberFate::Overrun;
        } else {
            spotted[j] = true;
            fire.add_source_to(r, &Source { shape: Shape::Point(e.x, e.y), t_min: e.spot_min.max(t_now) })?;
        }
    }
    Ok(())
}

/// A spot fire whose cell the fire reached before it started did not start a fire of its own.
fn overrun_by_the_fire(fire: &mut Fire, runs: &mut [SpottingRun], grid: &Grid) -> Result<()> {
    for (r, cells_r) in fire.burned_cells_by_run()?.into_iter().enumerate() {
        let mut arrival = vec![f32::INFINITY; grid.len()];
        for (i, t) in cells_r {
            arrival[i] = t;
        }
        for e in runs[r].embers.iter_mut().filter(|e| e.fate == EmberFate::Ignited) {
            let (fr, fc) = grid.fractional_cell(e.x, e.y);
            let j = fr as usize * grid.cols + fc as usize;
            if (arrival[j] as f64) < e.spot_min - 1e-3 {
                e.fate = EmberFate::Overrun;
            }
        }
    }
    Ok(())
}
