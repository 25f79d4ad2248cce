//! The ensemble rasters: burn probability, arrival percentiles and behaviour distributions per cell. Each is
//! computed when it is written (and again for a map), so that a run holds one or two full-grid rasters at a time,
//! not all of them (13 of 16 MB each on a 4-million-cell landscape).

use super::*;

/// What an ensemble raster holds.
#[derive(Clone, Copy, Debug, PartialEq)]
enum What {
    /// Share of members in which the cell burned by the accumulator's time `k`.
    Burned(usize),
    /// Arrival time percentile (0: p10, 1: p50, 2: p90).
    Arrival(usize),
    FlameP90,
    IntensityP90,
    IgnitionDensity,
}

/// One ensemble raster: its file stem and description, computed by [`raster_values`].
#[derive(Clone, Debug)]
pub struct RasterSpec {
    pub stem: String,
    pub desc: String,
    what: What,
}

/// The ensemble's rasters, in the order they are written.
pub fn raster_specs(ens: &Ensemble, acc: &Accumulator) -> Vec<RasterSpec> {
    let sc = &ens.prepared.scenario;
    let last = acc.times_min.len() - 1;
    let spec = |stem: String, desc: String, what: What| RasterSpec { stem, desc, what };
    let mut out = vec![spec(
        "burn_probability".into(),
        format!("share of members in which the cell burned within {}", fmt_minutes(acc.duration_min)),
        What::Burned(last),
    )];
    if let Some(k) = acc.time_index(sc.ensemble.response_time_min) {
        out.push(spec(
            "burn_probability_response".into(),
            format!(
                "share of members in which the cell burned by the response time ({})",
                fmt_minutes(acc.times_min[k])
            ),
            What::Burned(k),
        ));
    }
    for t in crate::run::pipeline::isochrone_times(acc.duration_min, sc.spread.isochrone_interval_min) {
        if (t - acc.duration_min).abs() < 1e-6 {
            continue;
        }
        if let Some(k) = acc.time_index(t) {
            out.push(spec(
                format!("burn_probability_t{}min", crate::format::plain(t, 2)),
                format!("share of members in which the cell burned within {}", fmt_minutes(t)),
                What::Burned(k),
            ));
        }
    }
    let bw = acc.arrival_bin_min();
    for (k, p) in ["p10", "p50", "p90"].iter().enumerate() {
        out.push(spec(
            format!("arrival_time_{p}_min"),
            format!(
                "{} percentile of arrival time over the members in which the cell burned, min (bins of {} min)",
                &p[1..],
                crate::format::plain(bw, 2)
            ),
            What::Arrival(k),
        ));
    }
    out.push(spec(
        "flame_length_p90_m".into(),
        "90th percentile of flame length at front passage over the members in which the cell burned, m".into(),
        What::FlameP90,
    ));
    out.push(spec(
        "fireline_intensity_p90_kw_per_m".into(),
        "90th percentile of fireline intensity at front passage over the members in which the cell burned, kW/m".into(),
        What::IntensityP90,
    ));
    out.push(spec("ignition_density".into(), "ignitions per member in the cell".into(), What::IgnitionDensity));
    out
}

/// A value of a cell from its histograms (arrival, flame, intensity).
type Quantile<'a> = dyn Fn(&[u32], &[u32], &[u32]) -> Option<f64> + 'a;

/// The values of one ensemble raster on the landscape's grid (nodata outside it, and where no member burned for
/// the distributions).
pub fn raster_values(ens: &Ensemble, acc: &Accumulator, spec: &RasterSpec) -> Vec<f32> {
    let ls = &ens.prepared.landscape;
    let n = ls.grid.len();
    let m = acc.members.max(1) as f64;
    let outside = |i: usize| ls.fuel[i] == FUEL_NODATA;
    let share = |counts: &[u32]| -> Vec<f32> {
        (0..n).map(|i| if outside(i) { NODATA } else { (counts[i] as f64 / m) as f32 }).collect()
    };
    let bw = acc.arrival_bin_min();
    let per_cell = |f: &Quantile<'_>| {
        let mut v = vec![NODATA; n];
        for &c in &acc.hist_cells {
            let i = c as usize;
            if let Some((a, fl, it)) = acc.histograms(i) {
                if let Some(x) = f(&a, &fl, &it) {
                    v[i] = x as f32;
                }
            }
        }
        v
    };
    match spec.what {
        What::Burned(k) => share(&acc.burned[k]),
        What::Arrival(k) => {
            let q = [0.1, 0.5, 0.9][k];
            per_cell(&|a, _, _| binned_quantile(a, q, |b| b as f64 * bw))
        }
        What::FlameP90 => per_cell(&|_, f, _| binned_quantile(f, 0.9, |b| FLAME_BINS.edge(b))),
        What::IntensityP90 => per_cell(&|_, _, it| binned_quantile(it, 0.9, |b| INTENSITY_BINS.edge(b))),
        What::IgnitionDensity => share(&acc.ignitions),
    }
}

/// The values of the raster named `stem`, if the ensemble has it.
pub fn raster_named(ens: &Ensemble, acc: &Accumulator, stem: &str) -> Option<Vec<f32>> {
    raster_specs(ens, acc).iter().find(|s| s.stem == stem).map(|s| raster_values(ens, acc, s))
}
