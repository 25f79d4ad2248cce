//! Products of an ensemble, all computed from its accumulators and member records alone (so that merged shards give
//! the very same files): probability and percentile rasters, the member, asset and criterion tables, distribution
//! plots (plotters, Noto Sans), the burn probability map with the assets, summary.json and the hazard report.

use std::path::{Path, PathBuf};
use std::time::Instant;

use plotters::prelude::*;
use serde::Serialize;

use crate::ensemble::accumulate::{Accumulator, FLAME_BINS, INTENSITY_BINS};
use crate::ensemble::spec::CriterionEvent;
use crate::ensemble::stats::{self, binned_quantile, fmt_minutes, quantile_with_interval, wilson, Verdict, Z95};
use crate::ensemble::Ensemble;
use crate::error::{Error, Result};
use crate::io;
use crate::landscape::FUEL_NODATA;
use crate::physics::behavior::NODATA;
use crate::run::products::{cut, window_around};
use crate::run::render::{self, map_layout, render_map, Canvas, LegendClass, Weight};
use crate::units::{MIN_PER_H, M_PER_KM, S_PER_MIN};

/// Reach of one asset within one time.
#[derive(Clone, Debug, Serialize)]
pub struct AssetReach {
    pub asset: String,
    pub within_min: f64,
    pub members: u64,
    pub reached: u64,
    pub probability: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
}

/// Earliest arrival percentiles at an asset over the members that reached it: (q, value, 95 % low, high), min.
#[derive(Clone, Debug, Serialize)]
pub struct AssetArrival {
    pub asset: String,
    pub reached: u64,
    pub percentiles: Vec<(f64, f64, f64, f64)>,
}

/// A criterion's outcome.
#[derive(Clone, Debug, Serialize)]
pub struct CriterionOutcome {
    pub name: String,
    pub limit: f64,
    pub members: u64,
    pub events: u64,
    pub probability: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
    pub verdict: Verdict,
    /// Members in all that would decide it if the observed share held (undecided only).
    pub members_needed: Option<u64>,
    /// Per launch: the conditional probability and its upper bound times P(failure).
    pub absolute_probability: Option<f64>,
    pub absolute_ci95_high: Option<f64>,
}

/// Whether member record `r` has the criterion's event.
fn event_in(
    acc: &Accumulator,
    ens: &Ensemble,
    e: &CriterionEvent,
    r: &crate::ensemble::accumulate::MemberRecord,
) -> bool {
    let ti = |t: f64| acc.time_index(t).unwrap_or(acc.times_min.len() - 1);
    match e {
        CriterionEvent::AssetReached { asset, within_min } => {
            let k = ens.assets.iter().position(|a| &a.spec.name == asset).unwrap_or(0);
            r.asset_arrival_min.get(k).copied().flatten().is_some_and(|t| t <= *within_min + 1e-9)
        }
        CriterionEvent::BurnedAreaAbove { ha, at_min } => r.area_ha[ti(*at_min)] > *ha,
        CriterionEvent::FiresAbove { n, at_min } => r.fires[ti(*at_min)] > *n,
        CriterionEvent::AnyIgnition => r.ignitions > 0,
    }
}

/// Every criterion's outcome over the ensemble's members.
pub fn criteria(ens: &Ensemble, acc: &Accumulator) -> Vec<CriterionOutcome> {
    criteria_of(ens, acc, &acc.records)
}

/// Every criterion's outcome over `records`.
pub fn criteria_of(
    ens: &Ensemble,
    acc: &Accumulator,
    records: &[crate::ensemble::accumulate::MemberRecord],
) -> Vec<CriterionOutcome> {
    let n = records.len() as u64;
    let pf = ens.prepared.scenario.ensemble.failure_probability;
    ens.prepared
        .scenario
        .ensemble
        .criteria
        .iter()
        .map(|c| {
            let k = records.iter().filter(|r| event_in(acc, ens, &c.event, r)).count() as u64;
            let (lo, hi) = wilson(k, n, Z95);
            let verdict = Verdict::of(k, n, c.limit);
            CriterionOutcome {
                name: c.name.clone(),
                limit: c.limit,
                members: n,
                events: k,
                probability: if n > 0 { k as f64 / n as f64 } else { 0.0 },
                ci95_low: lo,
                ci95_high: hi,
                verdict,
                members_needed: if verdict == Verdict::Undecided { stats::members_needed(k, n, c.limit) } else { None },
                absolute_probability: pf.map(|p| p * k as f64 / n.max(1) as f64),
                absolute_ci95_high: pf.map(|p| p * hi),
            }
        })
        .collect()
}

/// The launch-window sweep: per candidate launch time (RFC 3339), every criterion's outcome under its weather.
pub fn launch_window(ens: &Ensemble, acc: &Accumulator) -> Vec<(String, Vec<CriterionOutcome>)> {
    acc.window.iter().map(|(t, recs)| (t.clone(), criteria_of(ens, acc, recs))).collect()
}

/// launch_window.png: each criterion's probability (95 % Wilson interval as error bars) over launch time, with its
/// limit as a dashed line of the same colour; log scale.
pub fn plot_launch_window(sweep: &[(String, Vec<CriterionOutcome>)], path: &Path) -> Result<()> {
    fonts();
    let (w, h) = (1400u32, 640u32);
    let mut buf = vec![255u8; (w * h * 3) as usize];
    let perr = |e: String| Error::input(path.display(), format!("cannot draw the plot: {e}"));
    let times: Vec<chrono::DateTime<chrono::FixedOffset>> =
        sweep.iter().filter_map(|s| chrono::DateTime::parse_from_rfc3339(&s.0).ok()).collect();
    if times.len() != sweep.len() || sweep.is_empty() {
        return Err(Error::Invalid("launch window without candidates".into()));
    }
    let t0 = times[0];
    let x: Vec<f64> = times.iter().map(|t| (*t - t0).num_seconds() as f64 / (S_PER_MIN * MIN_PER_H)).collect();
    let xmax = x.last().copied().unwrap_or(0.0).max(0.5);
    let ncrit = sweep[0].1.len();
    let n = sweep[0].1.first().map_or(1, |c| c.members.max(1)) as f64;
    let floor = (0.2 / n).min(1e-4);
    let lo_limit = sweep[0].1.iter().map(|c| c.limit).fold(1.0f64, f64::min);
    let ymin = floor.min(lo_limit / 3.0);
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| perr(e.to_string()))?;
        let mut c = ChartBuilder::on(&root)
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .caption(
                "Hazard over the launch window, 95 % intervals (a share of 0 is drawn at the bottom; limits dashed)",
                ("sans-serif", 24).into_font().style(FontStyle::Bold),
            )
            .build_cartesian_2d(-0.05 * xmax..xmax * 1.05 + 0.01, (ymin..1.0).log_scale())
            .map_err(|e| perr(e.to_string()))?;
        c.configure_mesh()
            .x_desc(format!("Launch time (h after {})", t0.format("%Y-%m-%d %H:%M %:z")))
            .y_desc("P(event | failure)")
            .label_style(("sans-serif", 16))
            .axis_desc_style(("sans-serif", 18))
            .draw()
            .map_err(|e| perr(e.to_string()))?;
        for k in 0..ncrit {
            let color = Palette99::pick(k).to_rgba();
            let name = sweep[0].1[k].name.clone();
            let pts: Vec<(f64, f64)> =
                sweep.iter().zip(&x).map(|(s, &xx)| (xx, s.1[k].probability.max(floor))).collect();
            c.draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))
                .map_err(|e| perr(e.to_string()))?
                .label(name)
                .legend(move |(a, b)| PathElement::new(vec![(a, b), (a + 24, b)], color.stroke_width(3)));
            c.draw_series(sweep.iter().zip(&x).map(|(s, &xx)| {
                let o = &s.1[k];
                ErrorBar::new_vertical(
                    xx,
                    o.ci95_low.max(floor),
                    o.probability.max(floor),
                    o.ci95_high.max(floor),
                    color.filled(),
                    10,
                )
            }))
            .map_err(|e| perr(e.to_string()))?;
            let limit = sweep[0].1[k].limit;
            let dashes: Vec<PathElement<(f64, f64)>> = (0..40)
                .map(|j| {
                    let a = -0.05 * xmax + (xmax * 1.1) * j as f64 / 40.0;
                    PathElement::new(vec![(a, limit), (a + xmax * 1.1 / 80.0, limit)], color.stroke_width(1))
                })
                .collect();
            c.draw_series(dashes).map_err(|e| perr(e.to_string()))?;
        }
        c.configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font(("sans-serif", 15))
            .position(SeriesLabelPosition::LowerRight)
            .draw()
            .map_err(|e| perr(e.to_string()))?;
        root.present().map_err(|e| perr(e.to_string()))?;
    }
    save_rgb(path, w, h, buf)
}

/// Reach of every asset within each of its times and the run's duration.
pub fn asset_reach(ens: &Ensemble, acc: &Accumulator) -> (Vec<AssetReach>, Vec<AssetArrival>) {
    let n = acc.records.len() as u64;
    let dur = acc.duration_min;
    let mut reach = Vec::new();
    let mut arrivals = Vec::new();
    for (k, a) in ens.assets.iter().enumerate() {
        let mut times = a.spec.within_min.clone();
        times.push(dur);
        times.sort_by(f64::total_cmp);
        times.dedup();
        let mut t_first: Vec<f64> = acc.records.iter().filter_map(|r| r.asset_arrival_min[k]).collect();
        t_first.sort_by(f64::total_cmp);
        for t in times {
            let hit = t_first.iter().filter(|&&x| x <= t + 1e-9).count() as u64;
            let (lo, hi) = wilson(hit, n, Z95);
            reach.push(AssetReach {
                asset: a.spec.name.clone(),
                within_min: t,
                members: n,
                reached: hit,
                probability: if n > 0 { hit as f64 / n as f64 } else { 0.0 },
                ci95_low: lo,
                ci95_high: hi,
            });
        }
        let percentiles = [0.1, 0.5, 0.9]
            .iter()
            .filter_map(|&q| quantile_with_interval(&t_first, q).map(|(v, l, h)| (q, v, l, h)))
            .collect();
        arrivals.push(AssetArrival { asset: a.spec.name.clone(), reached: t_first.len() as u64, percentiles });
    }
    (reach, arrivals)
}

/// The rasters of the ensemble: (file stem, values, description).
pub fn rasters(ens: &Ensemble, acc: &Accumulator) -> Vec<(String, Vec<f32>, String)> {
    let ls = &ens.prepared.landscape;
    let n = ls.grid.len();
    let m = acc.members.max(1) as f64;
    let outside = |i: usize| ls.fuel[i] == FUEL_NODATA;
    let share = |counts: &[u32]| -> Vec<f32> {
        (0..n).map(|i| if outside(i) { NODATA } else { (counts[i] as f64 / m) as f32 }).collect()
    };
    let mut out = Vec::new();
    let sc = &ens.prepared.scenario;
    let last = acc.times_min.len() - 1;
    out.push((
        "burn_probability".to_string(),
        share(&acc.burned[last]),
        format!("share of members in which the cell burned within {}", fmt_minutes(acc.duration_min)),
    ));
    if let Some(k) = acc.time_index(sc.ensemble.response_time_min) {
        out.push((
            "burn_probability_response".to_string(),
            share(&acc.burned[k]),
            format!(
                "share of members in which the cell burned by the response time ({})",
                fmt_minutes(acc.times_min[k])
            ),
        ));
    }
    for t in crate::run::pipeline::isochrone_times(acc.duration_min, sc.spread.isochrone_interval_min) {
        if (t - acc.duration_min).abs() < 1e-6 {
            continue;
        }
        if let Some(k) = acc.time_index(t) {
            out.push((
                format!("burn_probability_t{}min", trim(t)),
                share(&acc.burned[k]),
                format!("share of members in which the cell burned within {}", fmt_minutes(t)),
            ));
        }
    }
    let bw = acc.arrival_bin_min();
    let mut pct = vec![vec![NODATA; n]; 3];
    let mut flame = vec![NODATA; n];
    let mut intensity = vec![NODATA; n];
    for &c in &acc.hist_cells {
        let i = c as usize;
        if let Some((a, f, it)) = acc.histograms(i) {
            for (k, q) in [0.1, 0.5, 0.9].iter().enumerate() {
                if let Some(v) = binned_quantile(a, *q, |b| b as f64 * bw) {
                    pct[k][i] = v as f32;
                }
            }
            if let Some(v) = binned_quantile(f, 0.9, |b| FLAME_BINS.edge(b)) {
                flame[i] = v as f32;
            }
            if let Some(v) = binned_quantile(it, 0.9, |b| INTENSITY_BINS.edge(b)) {
                intensity[i] = v as f32;
            }
        }
    }
    for (k, p) in ["p10", "p50", "p90"].iter().enumerate() {
        out.push((
            format!("arrival_time_{p}_min"),
            pct[k].clone(),
            format!(
                "{} percentile of arrival time over the members in which the cell burned, min (bins of {} min)",
                &p[1..],
                trim(bw)
            ),
        ));
    }
    out.push((
        "flame_length_p90_m".into(),
        flame,
        "90th percentile of flame length at front passage over the members in which the cell burned, m".into(),
    ));
    out.push((
        "fireline_intensity_p90_kw_per_m".into(),
        intensity,
        "90th percentile of fireline intensity at front passage over the members in which the cell burned, kW/m".into(),
    ));
    out.push((
        "ignition_density".into(),
        (0..n).map(|i| if outside(i) { NODATA } else { (acc.ignitions[i] as f64 / m) as f32 }).collect(),
        "ignitions per member in the cell".into(),
    ));
    out
}

fn trim(v: f64) -> String {
    if (v - v.round()).abs() < 1e-6 {
        format!("{}", v.round())
    } else {
        format!("{v:.2}")
    }
}

/// Columns of a criterion's outcome, as `criteria.csv` and `launch_window.csv` give them.
const CRITERION_COLUMNS: [&str; 8] =
    ["criterion", "limit", "members", "events", "probability", "ci95_low", "ci95_high", "verdict"];

/// A criterion's outcome in [`CRITERION_COLUMNS`].
fn criterion_cells(c: &CriterionOutcome) -> Vec<String> {
    vec![
        c.name.clone(),
        format!("{}", c.limit),
        c.members.to_string(),
        c.events.to_string(),
        format!("{}", c.probability),
        format!("{}", c.ci95_low),
        format!("{}", c.ci95_high),
        c.verdict.word().into(),
    ]
}

/// Write a CSV through `csv` atomically.
fn write_csv<H: AsRef<str>>(path: &Path, header: &[H], rows: &[Vec<String>]) -> Result<()> {
    io::write_atomic(path, |tmp| {
        let mut w = csv::Writer::from_path(tmp).map_err(|e| Error::input(path.display(), e.to_string()))?;
        let werr = |e: csv::Error| Error::input(path.display(), e.to_string());
        w.write_record(header.iter().map(|h| h.as_ref())).map_err(werr)?;
        for r in rows {
            w.write_record(r).map_err(werr)?;
        }
        w.flush().map_err(|e| Error::io(path, e))
    })
}

fn opt(v: Option<f64>) -> String {
    v.map_or(String::new(), |x| format!("{x}"))
}

/// members.csv: one row per member.
pub fn write_members_csv(ens: &Ensemble, acc: &Accumulator, out: &Path) -> Result<PathBuf> {
    let resp = acc.time_index(ens.prepared.scenario.ensemble.response_time_min).unwrap_or(0);
    let last = acc.times_min.len() - 1;
    let mut header: Vec<String> = [
        "member",
        "seed",
        "failure_time_s",
        "weather_member",
        "ignitions",
        "burned_area_response_ha",
        "burned_area_end_ha",
        "perimeter_response_m",
        "perimeter_end_m",
        "fires_response",
        "fires_end",
        "spot_fires",
        "crown_area_end_ha",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for a in &ens.assets {
        header.push(format!("arrival_{}_min", a.spec.name));
    }
    let rows: Vec<Vec<String>> = acc
        .records
        .iter()
        .map(|r| {
            let mut v = vec![
                r.member.to_string(),
                r.seed.to_string(),
                opt(r.failure_time_s),
                r.weather_member.clone().unwrap_or_default(),
                r.ignitions.to_string(),
                format!("{}", r.area_ha[resp]),
                format!("{}", r.area_ha[last]),
                format!("{:.1}", r.perimeter_m[resp]),
                format!("{:.1}", r.perimeter_m[last]),
                r.fires[resp].to_string(),
                r.fires[last].to_string(),
                r.spot_fires.to_string(),
                format!("{}", r.crown_area_ha),
            ];
            v.extend(r.asset_arrival_min.iter().map(|t| opt(*t)));
            v
        })
        .collect();
    let p = out.join("members.csv");
    write_csv(&p, &header, &rows)?;
    Ok(p)
}

/// Register Noto Sans with plotters once.
fn fonts() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, notosans::REGULAR_TTF);
        let _ = plotters::style::register_font("sans-serif", FontStyle::Bold, notosans::BOLD_TTF);
    });
}

/// A histogram (left) and an exceedance curve P(X > x) with its 95 % Wilson band (right) of `values`, to PNG.
pub fn plot_distribution(values: &[f64], title: &str, x_label: &str, integer: bool, path: &Path) -> Result<()> {
    fonts();
    let (w, h) = (1400u32, 520u32);
    let mut buf = vec![255u8; (w * h * 3) as usize];
    let perr = |e: String| Error::input(path.display(), format!("cannot draw the plot: {e}"));
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| perr(e.to_string()))?;
        let root = root
            .titled(title, ("sans-serif", 26).into_font().style(FontStyle::Bold))
            .map_err(|e| perr(e.to_string()))?;
        let (left, right) = root.split_horizontally(w / 2);
        let n = values.len().max(1) as f64;
        let max = values.iter().copied().fold(0.0f64, f64::max);
        let nb = if integer { (max as usize + 1).clamp(1, 40) } else { 30 };
        let width = if integer { (max.max(1.0) + 1.0) / nb as f64 } else { (max / nb as f64).max(1e-9) };
        let mut counts = vec![0u32; nb];
        for &v in values {
            counts[((v / width) as usize).min(nb - 1)] += 1;
        }
        let top = counts.iter().copied().max().unwrap_or(1).max(1) as f64 / n;
        let mut c = ChartBuilder::on(&left)
            .margin(16)
            .x_label_area_size(56)
            .y_label_area_size(76)
            .caption("Histogram over members", ("sans-serif", 20))
            .build_cartesian_2d(0.0..(nb as f64 * width), 0.0..top * 1.1)
            .map_err(|e| perr(e.to_string()))?;
        c.configure_mesh()
            .x_desc(x_label)
            .y_desc("Share of members")
            .label_style(("sans-serif", 16))
            .axis_desc_style(("sans-serif", 18))
            .draw()
            .map_err(|e| perr(e.to_string()))?;
        c.draw_series(counts.iter().enumerate().map(|(k, &cnt)| {
            let x0 = k as f64 * width;
            Rectangle::new([(x0, 0.0), (x0 + width * 0.95, cnt as f64 / n)], RGBColor(214, 96, 77).filled())
        }))
        .map_err(|e| perr(e.to_string()))?;
        // Exceedance: P(X > x) at each distinct value, with its Wilson band.
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let xmax = max.max(1e-9) * 1.05;
        let floor = (0.5 / n).min(0.1);
        let mut pts = Vec::new();
        let mut band = Vec::new();
        let mut x = 0.0;
        let steps = 200;
        for s in 0..=steps {
            let k = sorted.partition_point(|&v| v <= x) as u64;
            let above = values.len() as u64 - k;
            let (lo, hi) = wilson(above, values.len() as u64, Z95);
            pts.push((x, (above as f64 / n).max(floor)));
            band.push((x, lo.max(floor), hi.max(floor)));
            x = xmax * (s + 1) as f64 / steps as f64;
        }
        let mut c = ChartBuilder::on(&right)
            .margin(16)
            .x_label_area_size(56)
            .y_label_area_size(76)
            .caption("Exceedance: P(X > x | failure), 95 % band", ("sans-serif", 20))
            .build_cartesian_2d(0.0..xmax, (floor..1.0).log_scale())
            .map_err(|e| perr(e.to_string()))?;
        c.configure_mesh()
            .x_desc(x_label)
            .y_desc("Probability of exceedance")
            .label_style(("sans-serif", 16))
            .axis_desc_style(("sans-serif", 18))
            .draw()
            .map_err(|e| perr(e.to_string()))?;
        let poly: Vec<(f64, f64)> =
            band.iter().map(|b| (b.0, b.2)).chain(band.iter().rev().map(|b| (b.0, b.1))).collect();
        c.draw_series(std::iter::once(Polygon::new(poly, RGBColor(33, 102, 172).mix(0.2))))
            .map_err(|e| perr(e.to_string()))?;
        c.draw_series(LineSeries::new(pts, RGBColor(33, 102, 172).stroke_width(3))).map_err(|e| perr(e.to_string()))?;
        root.present().map_err(|e| perr(e.to_string()))?;
    }
    save_rgb(path, w, h, buf)
}

fn save_rgb(path: &Path, w: u32, h: u32, buf: Vec<u8>) -> Result<()> {
    let img = image::RgbImage::from_raw(w, h, buf).ok_or_else(|| Error::Invalid("plot buffer size".into()))?;
    io::write_atomic(path, |tmp| {
        img.save_with_format(tmp, image::ImageFormat::Png).map_err(|e| Error::input(path.display(), e.to_string()))
    })
}

/// Classes of `edges` (n + 1 increasing values, the last may be infinite) with `labels`, coloured by `gradient`.
fn classes_of(edges: &[f64], labels: &[String], gradient: colorous::Gradient) -> Vec<LegendClass> {
    let colors = render::ramp(gradient, labels.len());
    (0..labels.len())
        .map(|k| LegendClass {
            lo: edges[k] as f32,
            hi: edges[k + 1] as f32,
            color: colors[k],
            label: labels[k].clone(),
        })
        .collect()
}

/// Arrival time classes, min: one per isochrone interval.
fn arrival_classes(duration_min: f64, step_min: f64) -> Vec<LegendClass> {
    let n = ((duration_min / step_min).ceil() as usize).clamp(1, 12);
    let step = duration_min / n as f64;
    let mut edges: Vec<f64> = (0..=n).map(|k| k as f64 * step).collect();
    edges[0] = -1e-6;
    edges[n] = f64::INFINITY;
    let labels: Vec<String> =
        (0..n).map(|k| format!("{} \u{2013} {} min", trim(k as f64 * step), trim((k + 1) as f64 * step))).collect();
    classes_of(&edges, &labels, colorous::YELLOW_ORANGE_RED)
}

/// Fireline intensity classes, kW/m: the hauling chart's 100, 500, 1000 and 2000 Btu/ft/s (Andrews & Rothermel
/// 1982, INT-131) in SI.
fn intensity_classes() -> Vec<LegendClass> {
    let edges = [1e-6, 346.0, 1730.0, 3460.0, 6920.0, f64::INFINITY];
    let labels = [
        "< 346 kW/m (hand crews)",
        "346 \u{2013} 1730 kW/m (equipment)",
        "1730 \u{2013} 3460 kW/m (aircraft)",
        "3460 \u{2013} 6920 kW/m",
        "> 6920 kW/m (no direct attack)",
    ]
    .map(String::from);
    let mut c = classes_of(&edges, &labels, colorous::RED_YELLOW_GREEN);
    let colors: Vec<[u8; 3]> = c.iter().rev().map(|x| x.color).collect();
    for (x, col) in c.iter_mut().zip(colors) {
        x.color = col;
    }
    c
}

/// Ignition density classes, ignitions per member and cell.
fn density_classes() -> Vec<LegendClass> {
    let edges = [1e-9, 0.001, 0.01, 0.1, 1.0, f64::INFINITY];
    let labels = ["< 0.001", "0.001 \u{2013} 0.01", "0.01 \u{2013} 0.1", "0.1 \u{2013} 1", "> 1"].map(String::from);
    classes_of(&edges, &labels, colorous::PURPLES)
}

/// The QGIS style of an ensemble raster (by file stem), as its PNG map draws it where there is one.
pub fn raster_style(stem: &str, acc: &Accumulator, interval_min: f64) -> crate::run::qgis::Style {
    use crate::run::qgis::Style;
    let classes = if stem.starts_with("burn_probability") {
        probability_classes()
    } else if stem.starts_with("arrival_time") {
        arrival_classes(acc.duration_min, interval_min)
    } else if stem.starts_with("flame_length") {
        render::flame_length_classes()
    } else if stem.starts_with("fireline_intensity") {
        intensity_classes()
    } else {
        density_classes()
    };
    let clear_below = if stem.starts_with("arrival_time") { -1.0 } else { 1e-9 };
    Style::Classes { classes, clear_below }
}

/// Burn probability classes for the map.
fn probability_classes() -> Vec<LegendClass> {
    let edges = [1e-9, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0 + 1e-6];
    let labels = [
        "< 1 %",
        "1 \u{2013} 5 %",
        "5 \u{2013} 10 %",
        "10 \u{2013} 25 %",
        "25 \u{2013} 50 %",
        "50 \u{2013} 75 %",
        "75 \u{2013} 100 %",
    ];
    let colors = render::ramp(colorous::YELLOW_ORANGE_RED, labels.len());
    (0..labels.len())
        .map(|k| LegendClass {
            lo: edges[k] as f32,
            hi: edges[k + 1] as f32,
            color: colors[k],
            label: labels[k].into(),
        })
        .collect()
}

/// The burn probability map: classes over the hillshade, the assets drawn and named, legend, north arrow, scale
/// bar and CRS.
pub fn probability_map(ens: &Ensemble, prob: &[f32], title: &str) -> Canvas {
    let ls = &ens.prepared.landscape;
    let mut pts: Vec<(f64, f64)> = Vec::new();
    for a in &ens.assets {
        pts.extend(a.points.iter().copied());
        for l in &a.lines {
            pts.extend(l.iter().copied());
        }
    }
    let shown: Vec<f32> = prob.iter().map(|&p| if p > 0.0 && p != NODATA { p } else { NODATA }).collect();
    let win = window_around(ls, &shown, &pts);
    let (grid, elevation, water) = cut(ls, win);
    let vals = crate::run::products::cut_raster(ls.grid.cols, win, &shown);
    let mut cv = render_map(
        &grid,
        &elevation,
        &vals,
        NODATA,
        &probability_classes(),
        title,
        "Burn probability (given a failure)",
        Some(&water),
    );
    let (ox, oy, scale) = map_layout(&grid);
    let to_px = |x: f64, y: f64| {
        let (r, c) = grid.fractional_cell(x, y);
        (ox as f64 + c * scale, oy as f64 + r * scale)
    };
    let ink = [30, 30, 140];
    // Assets are drawn within the map's frame only.
    let (mw, mh) = (grid.cols as f64 * scale, grid.rows as f64 * scale);
    let inside = |x: f64, y: f64| x >= ox as f64 && y >= oy as f64 && x < ox as f64 + mw && y < oy as f64 + mh;
    for a in &ens.assets {
        let mut label_at = None;
        for l in &a.lines {
            for s in l.windows(2) {
                let (p, q) = (to_px(s[0].0, s[0].1), to_px(s[1].0, s[1].1));
                let steps = ((q.0 - p.0).abs().max((q.1 - p.1).abs()).ceil() as i64).max(1);
                for k in 0..=steps {
                    let f = k as f64 / steps as f64;
                    let (x, y) = (p.0 + f * (q.0 - p.0), p.1 + f * (q.1 - p.1));
                    if !inside(x, y) {
                        continue;
                    }
                    for d in -1..=1 {
                        cv.set(x as i64 + d, y as i64, ink);
                        cv.set(x as i64, y as i64 + d, ink);
                    }
                }
            }
            label_at = label_at.or(l.iter().map(|p| to_px(p.0, p.1)).find(|p| inside(p.0, p.1)));
        }
        for p in &a.points {
            let (x, y) = to_px(p.0, p.1);
            if !inside(x, y) {
                continue;
            }
            cv.rect(x as i64 - 5, y as i64 - 5, 11, 11, ink);
            cv.rect(x as i64 - 3, y as i64 - 3, 7, 7, [255, 255, 255]);
            label_at = label_at.or(Some((x, y)));
        }
        if let Some((x, y)) = label_at {
            cv.text(x as i64 + 8, y as i64 - 22, &a.spec.name, 16.0, Weight::Bold, ink);
        }
    }
    cv
}

/// For GIS import: a style beside each raster, the hillshade, the assets as a GeoPackage with its styles, and
/// `ensemble.qgz` holding them all over the hillshade.
fn write_gis(ens: &Ensemble, acc: &Accumulator, out: &Path, rs: &[(String, Vec<f32>, String)]) -> Result<Vec<PathBuf>> {
    use crate::run::qgis::{self, Layer, Style};
    let ls = &ens.prepared.landscape;
    let sc = &ens.prepared.scenario;
    let mut files = Vec::new();
    let mut layers = Vec::new();
    let ink = [30, 30, 140];
    if !ens.assets.is_empty() {
        let p = out.join("assets.gpkg");
        let styles = [
            ("asset_points", Style::Points { color: ink, label_field: "name".into() }, "Assets (points)"),
            ("asset_lines", Style::Lines { color: ink, label_field: "name".into() }, "Assets (lines and outlines)"),
        ];
        write_assets(&p, ens, &styles.iter().map(|s| (s.0, qgis::qml(&s.1))).collect::<Vec<_>>())?;
        files.push(p);
        for (layer, style, what) in styles {
            let q = out.join(format!("assets_{layer}.qml"));
            io::write_text(&q, &qgis::qml(&style))?;
            files.push(q);
            layers.push(Layer {
                file: "assets.gpkg".into(),
                layer: Some(layer.into()),
                name: what.into(),
                style,
                visible: true,
            });
        }
    }
    for (stem, _, desc) in rs {
        let style = raster_style(stem, acc, sc.spread.isochrone_interval_min);
        let f = out.join(format!("{stem}.tif"));
        files.push(qgis::write_qml(&f, &style)?);
        layers.push(Layer {
            file: format!("{stem}.tif").into(),
            layer: None,
            name: desc.clone(),
            style,
            visible: stem == "burn_probability",
        });
    }
    let shade = render::hillshade(&ls.grid, &ls.elevation_m);
    let p = out.join("hillshade.tif");
    io::write_raster(
        &p,
        &ls.grid,
        &shade,
        "hillshade of the landscape's DEM (sun at 315 deg, 45 deg)",
        -9999.0,
        sc.output.cog,
    )?;
    files.push(p.clone());
    let style = Style::Grey { min: 0.0, max: 1.0 };
    files.push(qgis::write_qml(&p, &style)?);
    layers.push(Layer { file: "hillshade.tif".into(), layer: None, name: "Hillshade".into(), style, visible: true });
    let p = out.join("ensemble.qgz");
    let title = format!("{}: ensemble of {} members", sc.name.as_deref().unwrap_or("Emberfall"), acc.members);
    qgis::write_qgz(&p, &title, &ls.grid, &layers)?;
    files.push(p);
    Ok(files)
}

/// The assets as a GeoPackage in the landscape's CRS: layers `asset_points` and `asset_lines` (polygons as their
/// outlines), field `name`; each layer's QGIS style (`styles`: layer, QML) in the `layer_styles` table QGIS reads
/// as the layer's default style.
fn write_assets(path: &Path, ens: &Ensemble, styles: &[(&str, String)]) -> Result<()> {
    use gdal::vector::{FieldValue, Geometry, LayerAccess, LayerOptions, OGRFieldType};
    let grid = &ens.prepared.landscape.grid;
    // A fixed timestamp in the GeoPackage's metadata (this thread only): the same run gives the same bytes, so merged
    // shards equal one unsharded run.
    gdal::config::set_thread_local_config_option("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z")?;
    let written = io::write_atomic(path, |tmp| {
        let drv = gdal::DriverManager::get_driver_by_name("GPKG")?;
        let mut ds = drv.create_vector_only(tmp)?;
        let srs = io::srs_from_wkt(&grid.wkt)?;
        for (name, ty) in [
            ("asset_points", gdal_sys::OGRwkbGeometryType::wkbPoint),
            ("asset_lines", gdal_sys::OGRwkbGeometryType::wkbLineString),
        ] {
            let layer = ds.create_layer(LayerOptions { name, srs: Some(&srs), ty, options: None })?;
            layer.create_defn_fields(&[("name", OGRFieldType::OFTString)])?;
            for a in &ens.assets {
                let geoms: Vec<Geometry> = if ty == gdal_sys::OGRwkbGeometryType::wkbPoint {
                    a.points
                        .iter()
                        .map(|p| {
                            let mut g = Geometry::empty(ty)?;
                            g.add_point_2d(*p);
                            Ok(g)
                        })
                        .collect::<Result<_>>()?
                } else {
                    a.lines
                        .iter()
                        .map(|l| {
                            let mut g = Geometry::empty(ty)?;
                            for p in l {
                                g.add_point_2d(*p);
                            }
                            Ok(g)
                        })
                        .collect::<Result<_>>()?
                };
                for g in geoms {
                    let mut f = gdal::vector::Feature::new(layer.defn())?;
                    f.set_geometry(g)?;
                    f.set_field(0, &FieldValue::StringValue(a.spec.name.clone()))?;
                    f.create(&layer)?;
                }
            }
        }
        // QGIS's layer_styles table (the schema QGIS creates when it saves a style into a GeoPackage).
        ds.execute_sql(
            "CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), \
             f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), \
             styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), \
             update_time DATETIME DEFAULT CURRENT_TIMESTAMP)",
            None,
            gdal::vector::sql::Dialect::DEFAULT,
        )?;
        for (layer, qml) in styles {
            ds.execute_sql(
                format!(
                    "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, \
                     styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) VALUES \
                     ('', '', '{layer}', 'geom', '{layer}', '{}', '', 1, 'Emberfall', '', NULL, '2000-01-01T00:00:00Z')",
                    qml.replace('\'', "''")
                ),
                None,
                gdal::vector::sql::Dialect::DEFAULT,
            )?;
        }
        ds.close()?;
        Ok(())
    });
    gdal::config::clear_thread_local_config_option("OGR_CURRENT_DATE")?;
    written
}

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
    io::write_text(&p, &crate::ensemble::report::markdown(&ctx))?;
    files.push(p);
    let p = out.join("report.html");
    io::write_text(&p, &crate::ensemble::report::html(&ctx)?)?;
    files.push(p);
    Ok(files)
}
