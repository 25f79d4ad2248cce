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
use crate::run::render::{self, map_layout, render_map, Canvas, LegendClass, Weight};
use crate::units::{MIN_PER_H, M_PER_KM, S_PER_MIN};

mod gis;
mod plots;
mod rasters;
mod styles;
mod tables;

pub use crate::ensemble::outcomes::*;
use gis::*;
pub use plots::{plot_distribution, plot_launch_window};
pub use rasters::rasters;
pub use styles::{probability_map, raster_style};
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
    let rs = rasters(ens, acc);
    let list: Vec<(PathBuf, &[f32], &str)> =
        rs.iter().map(|(n, v, d)| (out.join(format!("{n}.tif")), v.as_slice(), d.as_str())).collect();
    io::write_rasters(&ls.grid, &list, NODATA as f64, sc.output.cog)?;
    files.extend(list.iter().map(|r| r.0.clone()));
    files.extend(write_gis(ens, acc, out, &rs)?);
    files.push(write_members_csv(ens, acc, out)?);
    let (reach, arrivals) = asset_reach(ens, acc);
    if !ens.assets.is_empty() {
        let p = out.join("assets.csv");
        let header = [
            "asset",
            "within_min",
            "members",
            "reached",
            "probability",
            "ci95_low",
            "ci95_high",
            "arrival_p10_min",
            "arrival_p50_min",
            "arrival_p90_min",
        ];
        let rows: Vec<Vec<String>> = reach
            .iter()
            .map(|r| {
                let arr = arrivals.iter().find(|a| a.asset == r.asset);
                let q =
                    |k: usize| arr.and_then(|a| a.percentiles.get(k)).map_or(String::new(), |p| format!("{:.2}", p.1));
                vec![
                    r.asset.clone(),
                    format!("{}", r.within_min),
                    r.members.to_string(),
                    r.reached.to_string(),
                    format!("{}", r.probability),
                    format!("{}", r.ci95_low),
                    format!("{}", r.ci95_high),
                    q(0),
                    q(1),
                    q(2),
                ]
            })
            .collect();
        write_csv(&p, &header, &rows)?;
        files.push(p);
    }
    let crit = criteria(ens, acc);
    if !crit.is_empty() {
        let p = out.join("criteria.csv");
        let mut header = CRITERION_COLUMNS.to_vec();
        header.extend(["members_needed", "absolute_probability", "absolute_ci95_high"]);
        let rows: Vec<Vec<String>> = crit
            .iter()
            .map(|c| {
                let mut row = criterion_cells(c);
                row.extend([
                    c.members_needed.map_or(String::new(), |m| m.to_string()),
                    opt(c.absolute_probability),
                    opt(c.absolute_ci95_high),
                ]);
                row
            })
            .collect();
        write_csv(&p, &header, &rows)?;
        files.push(p);
    }
    let sweep = launch_window(ens, acc);
    if !sweep.is_empty() {
        let p = out.join("launch_window.csv");
        let mut header = vec!["launch_time"];
        header.extend(CRITERION_COLUMNS);
        let mut rows = Vec::new();
        for (t, cs) in &sweep {
            for c in cs {
                let mut row = vec![t.clone()];
                row.extend(criterion_cells(c));
                rows.push(row);
            }
        }
        write_csv(&p, &header, &rows)?;
        files.push(p);
        if !sweep[0].1.is_empty() {
            let p = out.join("launch_window.png");
            plot_launch_window(&sweep, &p)?;
            files.push(p);
        }
    }
    // Distributions.
    let resp = acc.time_index(sc.ensemble.response_time_min).unwrap_or(0);
    let last = acc.times_min.len() - 1;
    let col = |f: &dyn Fn(&crate::ensemble::accumulate::MemberRecord) -> f64| -> Vec<f64> {
        acc.records.iter().map(f).collect()
    };
    let rt = fmt_minutes(sc.ensemble.response_time_min);
    let plots: Vec<(&str, Vec<f64>, String, &str, bool)> = vec![
        ("ignitions", col(&|r| r.ignitions as f64), "Ignitions per failure".into(), "Ignitions (count)", true),
        (
            "burned_area_response",
            col(&|r| r.area_ha[resp]),
            format!("Burned area at the response time ({rt})"),
            "Burned area (ha)",
            false,
        ),
        (
            "burned_area_end",
            col(&|r| r.area_ha[last]),
            format!("Burned area at the end of the run ({})", fmt_minutes(acc.duration_min)),
            "Burned area (ha)",
            false,
        ),
        (
            "perimeter_response",
            col(&|r| r.perimeter_m[resp] / M_PER_KM),
            format!("Fire perimeter at the response time ({rt})"),
            "Perimeter (km)",
            false,
        ),
        (
            "perimeter_end",
            col(&|r| r.perimeter_m[last] / M_PER_KM),
            format!("Fire perimeter at the end of the run ({})", fmt_minutes(acc.duration_min)),
            "Perimeter (km)",
            false,
        ),
        (
            "fires_response",
            col(&|r| r.fires[resp] as f64),
            format!("Separate fires at the response time ({rt}): crews must split"),
            "Separate fires (count)",
            true,
        ),
    ];
    for (name, v, title, xl, int) in &plots {
        let p = out.join(format!("{name}.png"));
        plot_distribution(v, title, xl, *int, &p)?;
        files.push(p);
    }
    // Maps.
    let prob = &rs[0].1;
    let p = out.join("burn_probability.png");
    probability_map(
        ens,
        prob,
        &format!("Burn probability within {}, {} members", fmt_minutes(acc.duration_min), acc.members),
    )
    .save_png(&p)?;
    files.push(p);
    if let Some((_, v, _)) = rs.iter().find(|r| r.0 == "burn_probability_response") {
        let p = out.join("burn_probability_response.png");
        probability_map(ens, v, &format!("Burn probability at the response time ({rt}), {} members", acc.members))
            .save_png(&p)?;
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
