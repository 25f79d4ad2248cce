//! What each member draws: its seed, failure time (and the break-up state there), weather member, perturbations
//! and fragment counts. Everything comes from streams derived from the ensemble's seed and the member's index
//! alone, so member k of seed s is the same fire whatever the member count, shard or backend.

use crate::debris::{BreakUp, FragmentClass};
use crate::ensemble::spec::{EnsembleSpec, FailureTime};
use crate::rng::Rng;
use crate::run::pipeline::Variation;
use crate::units::frac_from_pct;
use crate::weather::WeatherStream;

/// The draws of one member.
#[derive(Clone, Debug)]
pub struct Draw {
    pub member: usize,
    /// Seed of the member's debris realisation, ignition draws and spotting.
    pub seed: u64,
    /// Failure time, s after lift-off (with a failure-time distribution).
    pub failure_time_s: Option<f64>,
    /// Index of the weather member (with weather members).
    pub weather_member: Option<usize>,
    /// Multiplicative factors on wind speed and dead moistures, and the shift of wind direction (deg).
    pub perturb: Option<(f64, f64, f64)>,
    /// Fragment counts per class (Poisson counts).
    pub class_counts: Option<Vec<usize>>,
}

/// The seed of member `k` of an ensemble seeded `seed`.
pub fn member_seed(seed: u64, k: usize) -> u64 {
    Rng::stream(seed, &format!("ensemble.member {k}")).next_u64()
}

/// A Poisson draw of mean `lambda` by inversion of the cumulative distribution (Devroye 1986, ch. X.3), the
/// sequential search started at the mode so that its cost grows as sqrt(lambda); one uniform per draw, so the
/// stream stays aligned.
pub fn poisson(rng: &mut Rng, lambda: f64) -> usize {
    if lambda <= 0.0 {
        return 0;
    }
    let u = rng.uniform();
    let m = lambda.floor();
    // ln P(m) = m ln(lambda) - lambda - ln(m!)
    let ln_pm = m * lambda.ln() - lambda - ln_factorial(m);
    let pm = ln_pm.exp();
    // Cumulative up to m - 1, summed downward from the mode.
    let mut below = 0.0;
    let mut p = pm;
    let mut k = m;
    while k > 0.0 && p > 1e-300 {
        p *= k / lambda;
        k -= 1.0;
        below += p;
    }
    if u < below {
        // Search downward from m - 1.
        let (mut c, mut p, mut k) = (below, pm * m / lambda, m - 1.0);
        loop {
            c -= p;
            if u >= c || k <= 0.0 {
                return k as usize;
            }
            p *= k / lambda;
            k -= 1.0;
        }
    }
    let (mut c, mut p, mut k) = (below + pm, pm, m);
    while u >= c && p > 1e-300 {
        k += 1.0;
        p *= lambda / k;
        c += p;
    }
    k as usize
}

/// ln(n!) by Stirling's series for n > 20, exactly below.
fn ln_factorial(n: f64) -> f64 {
    if n < 21.0 {
        (1..=n as u64).map(|i| (i as f64).ln()).sum()
    } else {
        let x = n + 1.0;
        (x - 0.5) * x.ln() - x + 0.5 * std::f64::consts::TAU.ln() + 1.0 / (12.0 * x) - 1.0 / (360.0 * x.powi(3))
    }
}

/// The draws of member `k`.
pub fn draw(spec: &EnsembleSpec, seed: u64, k: usize, classes: &[FragmentClass]) -> Draw {
    let mut rng = Rng::stream(seed, &format!("ensemble.draws {k}"));
    // One uniform per quantity, always drawn, so that adding one does not shift another.
    let (u_time, u_weather) = (rng.uniform(), rng.uniform());
    let (n_speed, n_dir, n_moist) = (rng.normal(), rng.normal(), rng.normal());
    let failure_time_s = spec.failure_time.as_ref().map(|ft| match ft {
        FailureTime::Uniform { from_s, to_s } => from_s + u_time * (to_s - from_s),
        FailureTime::Table(v) => v[pick(&v.iter().map(|p| p.1).collect::<Vec<_>>(), u_time)].0,
    });
    let weather_member =
        (!spec.weather.is_empty()).then(|| pick(&spec.weather.iter().map(|w| w.weight).collect::<Vec<_>>(), u_weather));
    let p = spec.perturb;
    let perturb = (!p.is_none()).then(|| {
        (
            (1.0 + n_speed * frac_from_pct(p.wind_speed_sd_pct)).max(0.0),
            (1.0 + n_moist * frac_from_pct(p.dead_moisture_sd_pct)).max(0.05),
            n_dir * p.wind_direction_sd_deg,
        )
    });
    let class_counts = spec.poisson_counts.then(|| {
        let mut r = Rng::stream(seed, &format!("ensemble.counts {k}"));
        classes.iter().map(|c| poisson(&mut r, c.count as f64)).collect()
    });
    Draw { member: k, seed: member_seed(seed, k), failure_time_s, weather_member, perturb, class_counts }
}

/// Index drawn from `weights` with a uniform `u`.
fn pick(weights: &[f64], u: f64) -> usize {
    let total: f64 = weights.iter().sum();
    let mut c = 0.0;
    for (i, w) in weights.iter().enumerate() {
        c += w / total;
        if u < c {
            return i;
        }
    }
    weights.len() - 1
}

/// The member's variation of the scenario: the break-up state at its failure time, its weather (member and
/// perturbations) and fragment counts. `event` is the scenario's failure event; `streams` the weather members'
/// streams (index as the spec's), `base` the scenario's stream, `launch` a launch-window candidate's stream.
pub fn variation(
    spec: &EnsembleSpec,
    d: &Draw,
    event: Option<&BreakUp>,
    streams: &[WeatherStream],
    base: &WeatherStream,
    launch: Option<&crate::run::ensemble_spec::Launch>,
) -> Variation {
    let event = match (d.failure_time_s, event, &spec.trajectory) {
        (Some(t), Some(ev), Some(traj)) => Some(traj.break_up(ev, t)),
        _ => None,
    };
    // A launch-window candidate's weather replaces the weather members.
    let stream = match launch.and_then(|l| l.stream.as_ref()) {
        Some(s) => Some(s.clone()),
        None => d.weather_member.map(|w| streams[w].clone()),
    };
    let weather = match d.perturb {
        Some((fs, fm, dd)) => {
            let mut s = stream.unwrap_or_else(|| base.clone());
            for p in &mut s.periods {
                let w = &mut p.weather;
                w.wind_speed_m_per_min *= fs;
                w.wind_from_deg = (w.wind_from_deg + dd).rem_euclid(360.0);
                let m = &mut w.moisture;
                // Perturbed dead moistures stay within the range the fuel models accept (1 %..).
                m.dead_1h = (m.dead_1h * fm).max(0.01);
                m.dead_10h = (m.dead_10h * fm).max(0.01);
                m.dead_100h = (m.dead_100h * fm).max(0.01);
            }
            Some(s)
        }
        None => stream,
    };
    let winds_aloft = launch.and_then(|l| l.winds_aloft.clone());
    Variation {
        weather,
        event,
        class_counts: d.class_counts.clone(),
        winds_aloft,
        spotting_rate_factor: launch.and_then(|l| l.spotting_rate_factor),
        skip_maps: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Poisson draws: mean and variance equal lambda (within 4 standard errors), small and large lambda.
    #[test]
    fn poisson_moments() {
        for &lambda in &[0.7, 4.0, 24.0, 60.0, 300.0] {
            let mut rng = Rng::new(42);
            let n = 20000;
            let v: Vec<f64> = (0..n).map(|_| poisson(&mut rng, lambda) as f64).collect();
            let mean = v.iter().sum::<f64>() / n as f64;
            let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            let se_mean = (lambda / n as f64).sqrt();
            assert!((mean - lambda).abs() < 4.0 * se_mean, "lambda {lambda}: mean {mean}");
            // Var of the sample variance of a Poisson: (lambda + 2 lambda^2) / n approximately.
            let se_var = ((lambda + 2.0 * lambda * lambda) / n as f64).sqrt();
            assert!((var - lambda).abs() < 4.0 * se_var, "lambda {lambda}: variance {var}");
        }
    }

    /// P(X = 0) of a Poisson(2) is e^-2.
    #[test]
    fn poisson_zero_share() {
        let mut rng = Rng::new(7);
        let n = 40000;
        let zeros = (0..n).filter(|_| poisson(&mut rng, 2.0) == 0).count() as f64 / n as f64;
        let p = (-2.0f64).exp();
        assert!((zeros - p).abs() < 4.0 * (p * (1.0 - p) / n as f64).sqrt(), "{zeros} vs {p}");
    }
}
