//! Distribution and launch-window plots (plotters, Noto Sans).

use super::*;

/// A histogram (left) and an exceedance curve P(X > x) with its 95 % Wilson band (right) of `values`, to PNG.
pub fn plot_distribution(values: &[f64], title: &str, x_label: &str, integer: bool, path: &Path) -> Result<()> {
    let (w, h) = (1400u32, 520u32);
    let mut cv = Canvas::new(w, h, [255, 255, 255]);
    let perr = |e: String| Error::output(path.display(), format!("cannot draw the plot: {e}"));
    {
        let root = cv.area();
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
    cv.save_png(path)
}

/// launch_window.png: each criterion's probability (95 % Wilson interval as error bars) over launch time, with its
/// limit as a dashed line of the same colour; log scale.
pub fn plot_launch_window(sweep: &[(String, Vec<CriterionOutcome>)], path: &Path) -> Result<()> {
    let (w, h) = (1400u32, 640u32);
    let mut cv = Canvas::new(w, h, [255, 255, 255]);
    let perr = |e: String| Error::output(path.display(), format!("cannot draw the plot: {e}"));
    let times: Vec<chrono::DateTime<chrono::FixedOffset>> =
        sweep.iter().filter_map(|s| chrono::DateTime::parse_from_rfc3339(&s.0).ok()).collect();
    if times.len() != sweep.len() || sweep.is_empty() {
        return Err(Error::Internal("launch window without candidates".into()));
    }
    let t0 = times[0];
    let x: Vec<f64> = times.iter().map(|t| (*t - t0).num_seconds() as f64 / (S_PER_MIN * MIN_PER_H)).collect();
    let xmax = x.last().copied().unwrap_or(0.0).max(0.5);
    let ncrit = sweep[0].1.len();
    let n = sweep[0].1.first().map_or(1, |c| c.members.max(1)) as f64;
    let floor = (0.2 / n).min(1e-4);
    let lo_limit = sweep[0].1.iter().map(|c| c.limit).fold(1.0f64, f64::min);
    let ymin = floor.min(lo_limit / 3.0);
    // Clock times on the axis (the candidates' own offset); the date too when the window spans days.
    let multi_day = (*times.last().unwrap_or(&t0) - t0).num_hours() >= 24;
    let clock = |h: &f64| {
        let t = t0 + chrono::Duration::seconds((h * S_PER_MIN * MIN_PER_H).round() as i64);
        t.format(if multi_day { "%m-%d %H:%M" } else { "%H:%M" }).to_string()
    };
    // The legend sits in a panel right of the chart, never on the data.
    const LEGEND_W: u32 = 430;
    let mut legend: Vec<(String, [u8; 3])> = Vec::new();
    {
        let root = cv.area();
        root.fill(&WHITE).map_err(|e| perr(e.to_string()))?;
        let (chart_area, _) = root.split_horizontally(w - LEGEND_W);
        let mut c = ChartBuilder::on(&chart_area)
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .caption(
                "Hazard over the launch window, 95 % intervals (a share of 0 is drawn at the bottom; limits dashed)",
                ("sans-serif", 22).into_font().style(FontStyle::Bold),
            )
            .build_cartesian_2d(-0.05 * xmax..xmax * 1.05 + 0.01, (ymin..1.0).log_scale())
            .map_err(|e| perr(e.to_string()))?;
        c.configure_mesh()
            .x_label_formatter(&clock)
            .x_desc(format!("Launch time ({}, UTC{})", t0.format("%Y-%m-%d"), t0.format("%:z")))
            .y_desc("P(event | failure)")
            .label_style(("sans-serif", 16))
            .axis_desc_style(("sans-serif", 18))
            .draw()
            .map_err(|e| perr(e.to_string()))?;
        for k in 0..ncrit {
            let color = Palette99::pick(k).to_rgba();
            let name = sweep[0].1[k].name.clone();
            legend.push((
                format!("{name} (limit {})", crate::format::probability(sweep[0].1[k].limit)),
                [color.0, color.1, color.2],
            ));
            let pts: Vec<(f64, f64)> =
                sweep.iter().zip(&x).map(|(s, &xx)| (xx, s.1[k].probability.max(floor))).collect();
            c.draw_series(LineSeries::new(pts.clone(), color.stroke_width(2))).map_err(|e| perr(e.to_string()))?;
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
        root.present().map_err(|e| perr(e.to_string()))?;
    }
    let lx = (w - LEGEND_W + 10) as i64;
    cv.text(lx, 70, "Criteria (dashed: limit)", 17.0, Weight::Bold, [20, 20, 20]);
    for (k, (label, rgb)) in legend.iter().enumerate() {
        let y = 104 + 30 * k as i64;
        cv.rect(lx, y + 8, 26, 3, *rgb);
        cv.text(lx + 36, y, label, 15.0, Weight::Regular, [20, 20, 20]);
    }
    cv.save_png(path)
}

/// The distribution plots over members: ignitions, and burned area, perimeter and separate fires at the response
/// time and at the end.
pub(super) fn write_distributions(ens: &Ensemble, acc: &Accumulator, out: &Path) -> Result<Vec<PathBuf>> {
    let sc = &ens.prepared.scenario;
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
    let mut files = Vec::new();
    for (name, v, title, xl, int) in &plots {
        let p = out.join(format!("{name}.png"));
        plot_distribution(v, title, xl, *int, &p)?;
        files.push(p);
    }
    Ok(files)
}

/// The tornado chart of the verdicts' sensitivity: a panel per criterion, a bar per input from its low end's event
/// probability (blue) to its high end's (red) about the ensemble's probability (black line), the limit dashed; an
/// input whose bar crosses the limit is marked "flips". To PNG.
pub fn plot_sensitivity(sens: &[crate::ensemble::sensitivity::CriterionSensitivity], path: &Path) -> Result<()> {
    let rows: usize = sens.iter().map(|s| s.inputs.len().max(1)).sum();
    let (w, h) = (1400u32, (140 * sens.len() + 52 * rows + 60) as u32);
    let mut cv = Canvas::new(w, h, [255, 255, 255]);
    let perr = |e: String| Error::output(path.display(), format!("cannot draw the plot: {e}"));
    // Each bar's words, drawn after the chart in a column left of it: (y pixel of the bar's centre, lines).
    let mut words: Vec<(i64, [String; 2], bool)> = Vec::new();
    {
        let root = cv.area();
        root.fill(&WHITE).map_err(|e| perr(e.to_string()))?;
        let root = root
            .titled(
                "What moves each verdict: event probability at the low and high end of each input",
                ("sans-serif", 26).into_font().style(FontStyle::Bold),
            )
            .map_err(|e| perr(e.to_string()))?;
        let heights: Vec<u32> = sens.iter().map(|s| (140 + 52 * s.inputs.len().max(1)) as u32).collect();
        let mut rest = root;
        for (k, s) in sens.iter().enumerate() {
            let (panel, below) = if k + 1 < sens.len() {
                rest.split_vertically(heights[k])
            } else {
                let r = rest.clone();
                (rest, r)
            };
            rest = below;
            let (_, panel) = panel.split_horizontally(LABEL_COLUMN_PX);
            let n = s.inputs.len().max(1) as f64;
            let top = s
                .inputs
                .iter()
                .map(|i| i.low_probability.max(i.high_probability))
                .fold(s.limit.max(s.probability), f64::max);
            let xmax = (top * 1.25).clamp(1e-3, 1.0);
            let mut c = ChartBuilder::on(&panel)
                .margin(14)
                .x_label_area_size(50)
                .y_label_area_size(20)
                .caption(
                    format!(
                        "{}: P = {} given a failure, limit {}",
                        s.criterion,
                        crate::format::probability(s.probability),
                        crate::format::significant(s.limit, 3)
                    ),
                    ("sans-serif", 20).into_font().style(FontStyle::Bold),
                )
                .build_cartesian_2d(0.0..xmax, 0.0..n)
                .map_err(|e| perr(e.to_string()))?;
            c.configure_mesh()
                .disable_y_mesh()
                .y_labels(0)
                .x_desc("Event probability given a failure")
                .label_style(("sans-serif", 16))
                .axis_desc_style(("sans-serif", 18))
                .draw()
                .map_err(|e| perr(e.to_string()))?;
            let (blue, red) = (RGBColor(33, 102, 172), RGBColor(214, 96, 77));
            for (j, i) in s.inputs.iter().enumerate() {
                let y = n - j as f64 - 0.5;
                let bar = |from: f64, to: f64, col: RGBColor| {
                    Rectangle::new([(from.min(to), y - 0.28), (from.max(to), y + 0.28)], col.filled())
                };
                c.draw_series([
                    bar(s.probability, i.low_probability, blue),
                    bar(s.probability, i.high_probability, red),
                ])
                .map_err(|e| perr(e.to_string()))?;
                let detail = format!(
                    "{}: {} ({} members) | {}: {} ({})",
                    i.low_label,
                    crate::format::probability(i.low_probability),
                    i.low_members,
                    i.high_label,
                    crate::format::probability(i.high_probability),
                    i.high_members,
                );
                let py = c.backend_coord(&(0.0, y)).1 as i64;
                words.push((py, [i.input.clone(), detail], i.flips));
            }
            if s.inputs.is_empty() {
                c.draw_series(std::iter::once(Text::new(
                    "no input varies across the members",
                    (xmax * 0.02, n * 0.6),
                    ("sans-serif", 16).into_font(),
                )))
                .map_err(|e| perr(e.to_string()))?;
            }
            c.draw_series(std::iter::once(PathElement::new(
                vec![(s.probability, 0.0), (s.probability, n)],
                BLACK.stroke_width(2),
            )))
            .map_err(|e| perr(e.to_string()))?;
            // The limit, dashed.
            let dashes = 24;
            c.draw_series((0..dashes).step_by(2).map(|d| {
                let (a, b) = (n * d as f64 / dashes as f64, n * (d + 1) as f64 / dashes as f64);
                PathElement::new(
                    vec![(s.limit.min(xmax), a), (s.limit.min(xmax), b)],
                    RGBColor(120, 0, 120).stroke_width(3),
                )
            }))
            .map_err(|e| perr(e.to_string()))?;
        }
    }
    // The key, under the title.
    let key: [([u8; 3], &str); 4] = [
        ([33, 102, 172], "low end of the input"),
        ([214, 96, 77], "high end"),
        ([0, 0, 0], "all members"),
        ([120, 0, 120], "limit (dashed)"),
    ];
    let mut kx = 20;
    for (c, t) in key {
        cv.rect(kx, 48, 22, 12, c);
        cv.text(kx + 28, 44, t, 15.0, Weight::Regular, [40, 40, 40]);
        kx += 40 + Canvas::text_width(t, 15.0, Weight::Regular);
    }
    for (py, [input, detail], flips) in words {
        let ink = if flips { [150, 0, 120] } else { [20, 20, 20] };
        let name = if flips { format!("{input} (flips the verdict)") } else { input };
        cv.text(20, py - 20, &name, 16.0, Weight::Bold, ink);
        cv.text(20, py + 1, &detail, 14.0, Weight::Regular, [60, 60, 60]);
    }
    cv.save_png(path)
}

/// Width of the tornado chart's column of input names and figures, px.
const LABEL_COLUMN_PX: u32 = 470;
