//! Reading a fire: its results (arrival times, front-passage behaviour, statistics), the cells it burned (all, or
//! those newly burned since the last read), the per-cell burn counts of a batch, and finishing it.

use super::*;

impl Fire<'_> {
    /// Counters of fire `run` so far.
    pub(super) fn stats(&self, run: usize, burned_cells: usize, sweeps: u64, relaxations: u64) -> RunStats {
        let (backend, adapter) = match self.engine {
            Engine::Cpu => ("cpu", self.engine.name()),
            Engine::Gpu(g) => ("gpu", g.describe()),
        };
        RunStats {
            backend: backend.into(),
            adapter,
            wall_s: self.started.elapsed().as_secs_f64(),
            sweeps,
            relaxations,
            cells_parameterised: self.pf.cells_computed - self.computed_at_start,
            burned_cells,
            seeds_skipped_unburnable: self.skipped[run],
            device_tiles: match &self.sweeps {
                Sweeps::Gpu(g) => Some(g.tiles()),
                Sweeps::Cpu(_) => None,
            },
        }
    }

    /// Every fire of the batch as it stands (moved out of the kernel's state when `take`), with each burned cell's
    /// crown fire type at arrival when the run models crown fire.
    pub(super) fn collect(&mut self, take: bool) -> Result<Vec<SpreadResult>> {
        let (mut state, mut ids, mut front, reached, sweeps, relaxations) = self.sweeper().finish(take)?;
        let n = self.ncell;
        let mut out = Vec::with_capacity(self.runs);
        for run in 0..self.runs {
            let (a, b) = (run * n, (run + 1) * n);
            let reached = reached
                .as_ref()
                .map(|r| r.iter().filter(|&&g| (g as usize) >= a && (g as usize) < b).map(|&g| g - a as u32).collect());
            // One fire: its arrays as they are; a batch: each fire's slice.
            let (st, id, fr) = if self.runs == 1 {
                (std::mem::take(&mut state), std::mem::take(&mut ids), std::mem::take(&mut front))
            } else {
                (state[a..b].to_vec(), ids[a..b].to_vec(), front[a..b].to_vec())
            };
            let mut res = SpreadResult {
                grid: self.grid.clone(),
                duration_min: self.t_now,
                stats: RunStats::default(),
                state: st,
                ids: id,
                front: fr,
                reached,
                crown: None,
            };
            let burned = res.burned();
            if self.opts.surface.crown != crate::physics::crown::CrownMethod::None {
                let kinds =
                    crate::spread::params::crown_type_at_arrival(self.cells, &burned, &self.weather, &self.opts);
                res.crown = Some((kinds, self.opts.surface.crown));
            }
            res.stats = self.stats(run, burned.len(), sweeps, relaxations);
            out.push(res);
        }
        Ok(out)
    }

    /// The fire (the batch's first) as it stands: arrival times and front-passage behaviour up to the current
    /// time (it can grow on).
    pub fn result(&mut self) -> Result<SpreadResult> {
        self.collect(false)?.into_iter().next().ok_or_else(|| Error::Internal("a batch without fires".into()))
    }

    /// (cell, arrival time min) of every cell the fire (the batch's first) reached by now, in cell order: cheaper than
    /// [`Fire::result`] (no copy of the whole state on the CPU, no crown fire type).
    pub fn burned_cells(&mut self) -> Result<Vec<(usize, f32)>> {
        Ok(self.burned_cells_by_run()?.swap_remove(0))
    }

    /// [`Fire::burned_cells`] of every fire of the batch, from one read of the reached cells.
    pub fn burned_cells_by_run(&mut self) -> Result<Vec<Vec<(usize, f32)>>> {
        let n = self.ncell;
        let t = self.t_now as f32;
        let mut out = vec![Vec::new(); self.runs];
        let dom = self.dom;
        for (i, t) in self.sweeper().reached_between(dom, -T_UNSET, t)? {
            let i = i as usize;
            if let Some(v) = out.get_mut(i / n) {
                v.push((i % n, t));
            }
        }
        for v in &mut out {
            v.sort_unstable_by_key(|e| e.0);
        }
        Ok(out)
    }

    /// The cells of every fire of the batch burned by now that `tracker` has not given before, each fire's in cell
    /// order: [`Fire::burned_cells_by_run`] less what earlier calls returned, at a cost that grows with the cells
    /// newly reached and the front waiting beyond the current time, not with all the burned cells (a GPU compacts
    /// the entries reached since the last call on the device, `shaders/spread_reached.wgsl`).
    pub fn newly_burned_by_run(&mut self, tracker: &mut BurnTracker) -> Result<Vec<Vec<(usize, f32)>>> {
        let n = self.ncell;
        let t = self.t_now as f32;
        let mut out = vec![Vec::new(); self.runs];
        let mut cursor = tracker.cursor;
        match self.sweeper().reached_since(&mut cursor) {
            Some(new) => {
                tracker.cursor = cursor;
                let mut cand = std::mem::take(&mut tracker.pending);
                cand.extend(new);
                let vals = self.sweeper().gather(&cand)?;
                for (&i, (st, id)) in cand.iter().zip(vals) {
                    if id == NO_ANCHOR {
                        continue;
                    }
                    if st[0] <= t {
                        if let Some(v) = out.get_mut(i as usize / n) {
                            v.push((i as usize % n, st[0]));
                        }
                    } else {
                        tracker.pending.push(i);
                    }
                }
            }
            None => {
                // Entries reached since the last call: sources start at or after the fire's time, so no entry
                // reaches a time already read after it was read; `given` keeps each entry to one report anyway.
                let (dom, lo) = (self.dom, tracker.last_t.unwrap_or(-T_UNSET));
                tracker.last_t = Some(t);
                let new = self.sweeper().reached_between(dom, lo, t)?;
                let done = tracker.given.get_or_insert_with(|| vec![false; n * self.runs]);
                for (i, t) in new {
                    let i = i as usize;
                    if !done[i] {
                        done[i] = true;
                        if let Some(v) = out.get_mut(i / n) {
                            v.push((i % n, t));
                        }
                    }
                }
            }
        }
        for v in &mut out {
            v.sort_unstable_by_key(|e| e.0);
        }
        Ok(out)
    }

    /// Per cell, the number of fires of the batch that reached it by `t_min` (at most the current time), reduced
    /// where the fires are (on the device for a GPU).
    pub fn burn_counts_at(&mut self, t_min: f64) -> Result<Vec<u32>> {
        let dom = self.dom;
        let t = t_min.min(self.t_now) as f32;
        self.sweeper().count_burned(dom, t)
    }

    /// The landscape's cells, the weather and options the fire runs under.
    pub fn setting(&self) -> (&Cells, &WeatherStream, &SpreadOptions) {
        (self.cells, &self.weather, &self.opts)
    }

    /// Every fire of the batch as it stands.
    pub fn results(&mut self) -> Result<Vec<SpreadResult>> {
        self.collect(false)
    }

    /// Per cell, the number of fires of the batch that reached it by the current time, reduced where the fires
    /// are (on the device for a GPU: only the counts come back).
    pub fn burn_counts(&mut self) -> Result<Vec<u32>> {
        let (dom, t) = (self.dom, self.t_now as f32);
        self.sweeper().count_burned(dom, t)
    }

    /// The fire's result (the batch's first); an error when it never burned because every ignition fell on a cell
    /// that cannot burn.
    pub fn finish(mut self) -> Result<SpreadResult> {
        let skipped = self.skipped[0];
        let out =
            self.collect(true)?.into_iter().next().ok_or_else(|| Error::Internal("a batch without fires".into()))?;
        if out.stats.burned_cells == 0 && skipped > 0 {
            return Err(Error::value(
                "ignitions",
                "",
                format!(
                    "every ignition lies on a non-burnable cell or a fuel too wet to burn ({skipped} ignition points)"
                ),
            ));
        }
        Ok(out)
    }

    /// Every fire of the batch.
    pub fn finish_all(mut self) -> Result<Vec<SpreadResult>> {
        self.collect(true)
    }
}
