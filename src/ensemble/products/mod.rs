//! Products of an ensemble, all computed from its accumulators and member records alone (so that merged shards give
//! the very same files): probability and percentile rasters, the member, asset and criterion tables, distribution
//! plots (plotters, Noto Sans), the burn probability map with the assets, summary.json and the hazard report.

use std::path::{Path, PathBuf};
use std::time::Instant;

use plotters::prelude::*;

use crate::ensemble::accumulate::{Accumulator, FLAME_BINS, INTENSITY_BINS};
use crate::ensemble::stats::{binned_quantile, fmt_minutes, wilson, Z95};
use crate::ensemble::Ensemble;
use crate::error::{Error, Result};
use crate::io;
use crate::landscape::FUEL_NODATA;
use crate::physics::behavior::NODATA;
use crate::run::products::{cut, window_around};
use crate::run::render::{self, render_map, Canvas, LegendClass, Weight};
use crate::units::{MIN_PER_H, M_PER_KM, S_PER_MIN};

mod gis;
mod plots;
mod rasters;
mod styles;
mod tables;

pub use crate::ensemble::outcomes::*;
use gis::*;
use plots::write_distributions;
pub use plots::{plot_distribution, plot_launch_window, plot_sensitivity};
pub use rasters::{raster_named, raster_specs, raster_values, RasterSpec};
pub use styles::{ensemble_map, probability_map, raster_style};
use styles::{write_more_maps, write_probability_maps};
pub use tables::write_members_csv;
use tables::*;

/// Every product of an ensemble into `out`. Returns the files written.
pub fn write_all(
    ens: &Ensemble,
    acc: &Accumulator,
    out: &Path,
    backend: &str,
    timing: crate::run::Timing,
    started: Instant,
) -> Result<Vec<PathBuf>> {
    let ls = &ens.prepared.landscape;
    let sc = &ens.prepared.scenario;
    let mut files = Vec::new();
    // Each raster computed as it is written (at most one per thread alive).
    let specs = raster_specs(ens, acc);
    let written: Vec<Result<PathBuf>> = {
        use rayon::prelude::*;
        specs
            .par_iter()
            .map(|s| {
                let p = out.join(format!("{}.tif", s.stem));
                let v = raster_values(ens, acc, s);
                io::write_raster(&p, &ls.grid, &v, &s.desc, NODATA as f64, sc.output.cog)?;
                Ok(p)
            })
            .collect()
    };
    for w in written {
        files.push(w?);
    }
    files.extend(write_gis(ens, acc, out, &specs)?);
    files.push(write_members_csv(ens, acc, out)?);
    let (reach, arrivals) = asset_reach(ens, acc);
    if !ens.assets.is_empty() {
        files.push(write_assets_csv(out, &reach, &arrivals)?);
    }
    let crit = criteria(ens, acc);
    if !crit.is_empty() {
        files.push(write_criteria_csv(out, &crit)?);
    }
    let sweep = launch_window(ens, acc);
    if !sweep.is_empty() {
        files.push(write_launch_window_csv(out, &sweep)?);
        if !sweep[0].1.is_empty() {
            let p = out.join("launch_window.png");
            plot_launch_window(&sweep, &p)?;
            files.push(p);
        }
    }
    files.extend(write_distributions(ens, acc, out)?);
    files.extend(write_probability_maps(ens, acc, out)?);
    files.extend(write_more_maps(ens, acc, out)?);
    let (sens, _) = crate::ensemble::sensitivity::sensitivity(ens, acc);
    if sens.iter().any(|s| !s.inputs.is_empty()) {
        let p = out.join("sensitivity.png");
        plot_sensitivity(&sens, &p)?;
        files.push(p);
        let p = out.join("sensitivity.csv");
        let rows: Vec<Vec<String>> = sens
            .iter()
            .flat_map(|s| {
                s.inputs.iter().map(|i| {
                    vec![
                        s.criterion.clone(),
                        format!("{}", s.limit),
                        format!("{}", s.probability),
                        i.input.clone(),
                        i.low_label.clone(),
                        format!("{}", i.low_probability),
                        i.low_members.to_string(),
                        i.high_label.clone(),
                        format!("{}", i.high_probability),
                        i.high_members.to_string(),
                        (i.flips as u8).to_string(),
                    ]
                })
            })
            .collect();
        let header = [
            "criterion",
            "limit",
            "probability",
            "input",
            "low_end",
            "low_probability",
            "low_members",
            "high_end",
            "high_probability",
            "high_members",
            "flips",
        ];
        io::write_csv(&p, &header, &rows)?;
        files.push(p);
    }
    let ctx = crate::ensemble::report::ReportContext {
        ens,
        acc,
        reach: &reach,
        arrivals: &arrivals,
        criteria: &crit,
        sweep: &sweep,
        backend,
        timing,
        run_time_s: started.elapsed().as_secs_f64(),
        out,
    };
    let summary = crate::ensemble::report::summary_json(&ctx);
    let p = out.join("summary.json");
    io::write_text(&p, &serde_json::to_string_pretty(&summary).unwrap_or_default())?;
    files.push(p);
    let p = out.join("report.md");
    io::write_text(&p, &crate::ensemble::report::markdown(&ctx)?)?;
    files.push(p);
    let p = out.join("report.html");
    io::write_text(&p, &crate::ensemble::report::html(&ctx)?)?;
    files.push(p);
    Ok(files)
}
