//! Spotting: the ember distributions against the distributions the model specifies, and a river that only embers
//! cross, in the share of seeds that the ember and ignition probabilities predict.

mod common;

use emberfall::gpu::Engine;
use emberfall::landscape::Landscape;
use emberfall::physics::behavior::{compute_cpu, field, wind20_m_per_min, Cells, Weather};
use emberfall::physics::firebrand::{fuel_temperature_c, schroeder_probability};
use emberfall::physics::surface::SurfaceOptions;
use emberfall::spread::fire::{Fire, SpreadContext};
use emberfall::spread::sources::{Shape, Source};
use emberfall::spread::spotting::{
    burn_with_spotting, cell_stream, crosswind_sigma_m, downwind_lognormal, expected_embers, launch, lognormal_mean_sd,
    max_distance_m, sardoy_lognormal, EmberFate, SpottingParams,
};
use emberfall::spread::SpreadOptions;
use emberfall::weather::WeatherStream;

fn normal_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// Kolmogorov-Smirnov statistic of `xs` against the CDF `f`.
fn ks(mut xs: Vec<f64>, f: impl Fn(f64) -> f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len() as f64;
    xs.iter().enumerate().fold(0.0f64, |d, (i, &x)| {
        let c = f(x);
        d.max((c - i as f64 / n).abs()).max(((i + 1) as f64 / n - c).abs())
    })
}

fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    (m, (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0)).sqrt())
}

/// 10^5 embers from one source: downwind distances against the lognormal of Sardoy et al. (2008), crosswind offsets
/// against the normal of Himoto & Tanaka (2005). KS at the 1 % level (critical value 1.63 / sqrt(n)).
#[test]
fn ember_flights_follow_the_specified_distributions() {
    let n = 100_000;
    let p = SpottingParams { max_embers_per_cell: n as u32, ..Default::default() };
    // A buoyancy-dominated plume (a 20 MW/m crown fire in a 2 m/s wind) and a wind-driven one (5 MW/m in 12 m/s).
    for (intensity, wind, label) in [(20_000.0, 2.0, "buoyant"), (5_000.0, 12.0, "wind-driven")] {
        let (mu, sigma) = sardoy_lognormal(intensity, wind);
        let sigma_y = crosswind_sigma_m(mu, sigma);
        let mut rng = cell_stream(2024, 12345);
        let flights = launch(&p, &mut rng, n as f64, mu, sigma, sigma_y);
        assert_eq!(flights.len(), n);
        let d: Vec<f64> = flights.iter().map(|f| f.downwind_m).collect();
        let y: Vec<f64> = flights.iter().map(|f| f.crosswind_m).collect();
        let crit = 1.63 / (n as f64).sqrt();
        let kd = ks(d.clone(), |x| normal_cdf((x.ln() - mu) / sigma));
        let ky = ks(y.clone(), |x| normal_cdf(x / sigma_y));
        let (m, s) = mean_sd(&d);
        let (want_m, want_s) = lognormal_mean_sd(mu, sigma);
        let (my, sy) = mean_sd(&y);
        println!(
            "{label}: mu {mu:.3} sigma {sigma:.3}; KS distance {kd:.4}, crosswind {ky:.4} (critical {crit:.4}); \
             mean {m:.2} m vs {want_m:.2}, sd {s:.2} vs {want_s:.2}; crosswind mean {my:.2}, sd {sy:.2} vs {sigma_y:.2}"
        );
        assert!(kd < crit && ky < crit, "{label}: KS {kd} / {ky} above {crit}");
        assert!((sy - sigma_y).abs() < 0.01 * sigma_y, "{label}: crosswind sd {sy} vs {sigma_y}");
        assert!(my.abs() < 0.01 * sigma_y, "{label}: crosswind mean {my}");
        // With sigma 0.8-1.2 the sample mean of 10^5 embers carries a 0.3-0.5 % standard error, the sample sd
        // 0.9-2.6 % (the lognormal's heavy tail); the seed is fixed, so the check is repeatable.
        assert!((m - want_m).abs() < 0.01 * want_m, "{label}: mean {m} vs {want_m}");
        assert!((s - want_s).abs() < 0.01 * want_s, "{label}: sd {s} vs {want_s}");
    }
}

/// The crowning forest of tests/crown_spread.rs (case 543 of the crown fire reference) on 30 m cells, a river of
/// open water five cells wide across it, the wind blowing across the river.
struct River {
    ls: Landscape,
    cells: Cells,
    weather: Weather,
    surface: SurfaceOptions,
    rows: usize,
    cols: usize,
    /// First and last river rows.
    river: (usize, usize),
    fuel_temp_c: Vec<f32>,
}

const CELL: f64 = 30.0;

fn river() -> River {
    let (rows, cols) = (60, 40);
    let river = (18, 22);
    // Wind from the south: the fire runs north, across the river.
    let case = common::crown_case("543", rows, cols, CELL, 180.0);
    let cover = case.num("canopy_cover_pct") / 100.0;
    let (mut ls, weather, surface) = (case.ls, case.weather, case.surface);
    let n = rows * cols;
    for r in river.0..=river.1 {
        for c in 0..cols {
            ls.fuel[r * cols + c] = 98; // NB8 open water
        }
    }
    let cells = Cells::from_landscape(&ls).unwrap();
    let fuel_temp_c = vec![fuel_temperature_c(20.0, cover) as f32; n];
    River { ls, cells, weather, surface, rows, cols, river, fuel_temp_c }
}

/// Burn the river landscape from a line across its southern edge for `t_end` min; returns whether any cell north
/// of the river burned, and the arrival times.
fn burn(rv: &River, spotting: Option<&SpottingParams>, seed: u64, t_end: f64) -> (bool, Vec<Option<f32>>) {
    let g = rv.ls.grid.geotransform;
    let y = g[3] - (rv.rows as f64 - 1.5) * CELL;
    let line = Shape::Line(vec![(g[0] + 0.1, y), (g[0] + rv.cols as f64 * CELL - 0.1, y)]);
    let opts = SpreadOptions { duration_min: t_end, surface: rv.surface, ..Default::default() };
    let stream = WeatherStream::constant(rv.weather);
    let engine = Engine::Cpu;
    let mut ctx = SpreadContext::new(&engine, &rv.ls.grid, &rv.cells).unwrap();
    let mut fire = Fire::new(&mut ctx, &engine, &rv.cells, &stream, &opts).unwrap();
    fire.add_source(&Source { shape: line, t_min: 0.0 }).unwrap();
    match spotting {
        Some(p) => {
            burn_with_spotting(&mut fire, &rv.ls.grid, &rv.fuel_temp_c, p, seed, t_end, &mut |_| {}).unwrap();
        }
        None => fire.advance_to(t_end, &mut |_| {}).unwrap(),
    }
    let res = fire.finish().unwrap();
    let arrival: Vec<Option<f32>> = (0..rv.rows * rv.cols).map(|i| res.arrival(i)).collect();
    let crossed = (0..rv.river.0 * rv.cols).any(|i| arrival[i].is_some());
    (crossed, arrival)
}

/// Probability that at least one ember from the near bank's forest crosses the river and ignites, from the model's
/// distributions alone: per launching cell, embers N (integer part of the expectation plus a Bernoulli draw of its
/// fraction); per ember, P(lands beyond the river, on the landscape, within behave's maximum distance) x P(ignition).
fn predicted_crossing(rv: &River, p: &SpottingParams) -> f64 {
    let b = compute_cpu(&rv.cells, &rv.weather, &rv.surface);
    let g = rv.ls.grid.geotransform;
    let far_edge_y = g[3] - rv.river.0 as f64 * CELL; // north edge of the river
    let mut log_none = 0.0;
    for r in rv.river.1 + 1..rv.rows {
        for c in 0..rv.cols {
            let i = r * rv.cols + c;
            assert_eq!(b.get(i, field::CROWN_FIRE_TYPE), 3.0, "test set-up: the forest crowns");
            let intensity = b.get(i, field::FIRELINE_INTENSITY) as f64;
            let row = &rv.cells.rows[i];
            let u20 = wind20_m_per_min(&rv.weather, &rv.cells.fuels[row.fuel_index as usize], row);
            let (mu, sigma) = downwind_lognormal(p, intensity, u20);
            let sy = crosswind_sigma_m(mu, sigma);
            let cap = max_distance_m(
                p,
                true,
                p.torching_trees,
                b.get(i, field::FLAME_LENGTH) as f64,
                row.canopy_height_m as f64,
                row.canopy_cover_frac as f64,
                u20,
            );
            let (x, y) = rv.ls.grid.cell_center(r, c);
            let lo = far_edge_y - y;
            let hi = (g[3] - y).min(cap);
            let p_down =
                if hi > lo { normal_cdf((hi.ln() - mu) / sigma) - normal_cdf((lo.ln() - mu) / sigma) } else { 0.0 };
            let p_lat = normal_cdf((g[0] + rv.cols as f64 * CELL - x) / sy) - normal_cdf((g[0] - x) / sy);
            let p_ign = schroeder_probability(rv.fuel_temp_c[i] as f64, rv.weather.moisture.dead_1h);
            let q = p_down * p_lat * p_ign;
            let lambda = expected_embers(p, intensity, CELL * CELL).min(p.max_embers_per_cell as f64);
            let (whole, frac) = (lambda.floor(), lambda - lambda.floor());
            let none = (1.0 - frac) * (1.0 - q).powf(whole) + frac * (1.0 - q).powf(whole + 1.0);
            log_none += none.ln();
        }
    }
    1.0 - log_none.exp()
}

#[test]
fn embers_cross_a_river_in_the_predicted_share_of_seeds() {
    let rv = river();
    // The fire reaches the near bank well within the run: every forest cell south of the river burns by
    // t_end - delay - 10 min, so that every one of them launches its embers in time.
    let t_end = 240.0;
    let base = SpottingParams { spot_delay_min: 10.0, ..Default::default() };
    let (crossed, arrival) = burn(&rv, None, 0, t_end);
    assert!(!crossed, "without spotting the fire crossed the river");
    let near_last = (rv.river.1 + 1..rv.rows)
        .flat_map(|r| (0..rv.cols).map(move |c| r * rv.cols + c))
        .map(|i| arrival[i].expect("test set-up: the near bank burns") as f64)
        .fold(0.0, f64::max);
    assert!(near_last <= t_end - base.spot_delay_min - 10.0, "test set-up: near bank burned at {near_last} min");
    // The ember rate at which the model predicts a crossing in half the runs (bisection on the prediction alone).
    let (mut lo, mut hi) = (1e-6f64, 100.0f64);
    for _ in 0..60 {
        let mid = (lo * hi).sqrt();
        if predicted_crossing(&rv, &SpottingParams { embers_per_ha_per_mw: mid, ..base }) < 0.5 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let p = SpottingParams { embers_per_ha_per_mw: (lo * hi).sqrt(), ..base };
    let predicted = predicted_crossing(&rv, &p);
    let seeds = 100;
    let crossings = (1..=seeds).filter(|&s| burn(&rv, Some(&p), s, t_end).0).count();
    let share = crossings as f64 / seeds as f64;
    let se = (predicted * (1.0 - predicted) / seeds as f64).sqrt();
    println!(
        "embers per ha per MW/m {:.4}: predicted crossing {predicted:.3}, observed {crossings}/{seeds} = {share:.2} \
         (binomial sd {se:.3})",
        p.embers_per_ha_per_mw
    );
    assert!((share - predicted).abs() <= 3.0 * se, "crossing share {share} vs predicted {predicted} (sd {se:.3})");
}

#[test]
fn spotting_is_the_same_for_the_same_seed_on_any_thread_count() {
    let rv = river();
    let p = SpottingParams { embers_per_ha_per_mw: 0.5, ..Default::default() };
    let run = |threads: usize, seed: u64| {
        rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(|| {
            let opts = SpreadOptions { duration_min: 150.0, surface: rv.surface, ..Default::default() };
            let stream = WeatherStream::constant(rv.weather);
            let engine = Engine::Cpu;
            let mut ctx = SpreadContext::new(&engine, &rv.ls.grid, &rv.cells).unwrap();
            let mut fire = Fire::new(&mut ctx, &engine, &rv.cells, &stream, &opts).unwrap();
            let g = rv.ls.grid.geotransform;
            let (x, y) = (g[0] + 20.5 * CELL, g[3] - 55.5 * CELL);
            fire.add_source(&Source { shape: Shape::Point(x, y), t_min: 0.0 }).unwrap();
            burn_with_spotting(&mut fire, &rv.ls.grid, &rv.fuel_temp_c, &p, seed, 150.0, &mut |_| {}).unwrap()
        })
    };
    let a = run(1, 7);
    let b = run(2, 7);
    let c = run(2, 8);
    assert!(a.embers.len() > 10, "test set-up: {} embers", a.embers.len());
    assert_eq!(a.embers, b.embers, "same seed, different thread count");
    assert_ne!(a.embers, c.embers, "another seed draws other embers");
    let ignited = a.embers.iter().filter(|e| e.fate == EmberFate::Ignited).count();
    println!("{} embers, {} spot fires", a.embers.len(), ignited);
}

/// ELMFIRE's lognormal (ELMFIRE user guide, Spotting): mean m = a I^b U^c (I kW/m, U 20-ft wind in mi/h) and
/// variance v = m d, with the published a = 5, b = 0.3, c = 0.7, d = 250 m, written out here; 10^5 embers have that
/// mean and variance. At 14 MW/m in a 15 m/s wind the mean is about a kilometre, Sardoy's median some 34 m.
#[test]
fn elmfire_distances_have_the_published_mean_and_variance() {
    let p = SpottingParams { max_embers_per_cell: 100_000, ..Default::default() };
    let (i, u_m_s) = (14_000.0f64, 15.0f64);
    let u_mph = u_m_s * 3600.0 / 1609.344;
    let m = 5.0 * i.powf(0.3) * u_mph.powf(0.7);
    let v = m * 250.0;
    let (mu, sigma) = downwind_lognormal(&p, i, u_m_s * 60.0);
    let mut rng = cell_stream(99, 7);
    let flights = launch(&p, &mut rng, 100_000.0, mu, sigma, crosswind_sigma_m(mu, sigma));
    let d: Vec<f64> = flights.iter().map(|f| f.downwind_m).collect();
    let (mean, sd) = mean_sd(&d);
    println!(
        "ELMFIRE at 14 MW/m, 15 m/s: mean {mean:.0} m (published form {m:.0}), sd {sd:.0} (sqrt(m d) {:.0})",
        v.sqrt()
    );
    assert!((mean / m - 1.0).abs() < 0.01, "mean {mean} vs {m}");
    assert!((sd / v.sqrt() - 1.0).abs() < 0.03, "sd {sd} vs {}", v.sqrt());
    assert!(m > 800.0 && m < 1300.0, "kilometre-scale: {m}");
    let sardoy_median = sardoy_lognormal(i, u_m_s).0.exp();
    assert!((sardoy_median - 34.0).abs() < 3.0, "Sardoy's median {sardoy_median}");
}

/// The river's fire with spotting whose spot fires all start after the run ends (delay past `t_end`): the same
/// embers launch whatever the spotting parameters that act at landing.
fn river_embers(p: &SpottingParams) -> Vec<emberfall::spread::spotting::Ember> {
    let rv = river();
    let t_end = 120.0;
    let opts = SpreadOptions { duration_min: t_end, surface: rv.surface, ..Default::default() };
    let stream = WeatherStream::constant(rv.weather);
    let engine = Engine::Cpu;
    let mut ctx = SpreadContext::new(&engine, &rv.ls.grid, &rv.cells).unwrap();
    let mut fire = Fire::new(&mut ctx, &engine, &rv.cells, &stream, &opts).unwrap();
    let g = rv.ls.grid.geotransform;
    let y = g[3] - (rv.rows as f64 - 1.5) * CELL;
    let line = Shape::Line(vec![(g[0] + 0.1, y), (g[0] + rv.cols as f64 * CELL - 0.1, y)]);
    fire.add_source(&Source { shape: line, t_min: 0.0 }).unwrap();
    burn_with_spotting(&mut fire, &rv.ls.grid, &rv.fuel_temp_c, p, 11, t_end, &mut |_| {}).unwrap().embers
}

/// FARSITE's spot probability (FARSITE_SPOT_PROBABILITY) is the chance that a landed ember on burnable fuel ignites:
/// every such ember carries it, the share that would ignite (spot fires, and those overrun by the fire) is it within
/// binomial error, and doubling it doubles that count. The minimum spot distance keeps nearer embers from starting
/// anything.
#[test]
fn spot_probability_and_minimum_distance_act_as_farsite_defines_them() {
    let base = SpottingParams { spot_delay_min: 600.0, embers_per_ha_per_mw: 2.0, ..Default::default() };
    let would = |e: &&&emberfall::spread::spotting::Ember| matches!(e.fate, EmberFate::Ignited | EmberFate::Overrun);
    let mut counts = Vec::new();
    for prob in [0.2, 0.4] {
        let embers = river_embers(&SpottingParams { spot_probability: Some(prob), ..base });
        let eligible: Vec<_> = embers.iter().filter(|e| e.ignition_probability > 0.0).collect();
        assert!(eligible.len() > 200, "test set-up: {} embers landed on fuel", eligible.len());
        assert!(eligible.iter().all(|e| e.ignition_probability == prob));
        let n = eligible.len() as f64;
        let k = eligible.iter().filter(would).count() as f64;
        let se = (prob * (1.0 - prob) / n).sqrt();
        println!("spot probability {prob}: {k} of {n} landed embers ignite ({:.3}, sd {se:.3})", k / n);
        assert!((k / n - prob).abs() < 3.0 * se, "share {} vs {prob}", k / n);
        counts.push(k);
    }
    let ratio = counts[1] / counts[0];
    assert!((ratio - 2.0).abs() < 0.35, "doubling the probability: {ratio}x the ignitions");
    let near = river_embers(&SpottingParams { spot_probability: Some(1.0), min_spot_distance_m: 300.0, ..base });
    let grid = river().ls.grid;
    let mut too_close = 0;
    for e in &near {
        // Straight from the launching cell's centre to the landing point, as FARSITE measures it.
        let (sx, sy) = grid.cell_center(e.source_cell / grid.cols, e.source_cell % grid.cols);
        let d = (e.x - sx).hypot(e.y - sy);
        match e.fate {
            EmberFate::TooClose => {
                assert!(d < 300.0 + 1e-9, "too close at {d} m");
                too_close += 1
            }
            EmberFate::Ignited | EmberFate::Overrun | EmberFate::NoIgnition => {
                assert!(d >= 300.0 - 1e-9 || e.ignition_probability == 0.0, "ember at {d} m")
            }
            _ => {}
        }
    }
    assert!(too_close > 0, "test set-up: some embers land within 300 m");
}
