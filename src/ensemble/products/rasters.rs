//! The ensemble rasters: burn probability, arrival percentiles and behaviour distributions per cell.

use super::*;

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
                format!("burn_probability_t{}min", crate::format::plain(t, 2)),
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
                crate::format::plain(bw, 2)
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
