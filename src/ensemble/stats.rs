//! Statistics over members: Wilson score intervals for shares (Wilson 1927; Brown, Cai & DasGupta 2001,
//! Statistical Science 16(2) eq. 4), quantiles from binned counts, quantile intervals from order statistics, and
//! how many members a criterion needs to be decided.

/// z of a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Wilson score interval of a share of `k` successes in `n` trials at normal quantile `z`: (lower, upper).
/// Brown, Cai & DasGupta (2001), eq. 4: centre (k + z^2/2) / (n + z^2), half-width
/// z sqrt(n) / (n + z^2) * sqrt(p(1-p) + z^2 / (4n)).
pub fn wilson(k: u64, n: u64, z: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = z * z;
    let centre = (k + z2 / 2.0) / (n + z2);
    let half = z * n.sqrt() / (n + z2) * (p * (1.0 - p) + z2 / (4.0 * n)).sqrt();
    // At k = 0 (k = n) the bound is 0 (1) exactly; rounding would leave ~1e-18.
    let lo = if k == 0.0 { 0.0 } else { (centre - half).max(0.0) };
    let hi = if k == n { 1.0 } else { (centre + half).min(1.0) };
    (lo, hi)
}

/// Verdict of a criterion P(event) < limit from its 95 % Wilson interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Verdict {
    /// Upper bound below the limit.
    Pass,
    /// Lower bound at or above the limit.
    Fail,
    /// The interval straddles the limit: more members needed.
    Undecided,
}

impl Verdict {
    pub fn of(k: u64, n: u64, limit: f64) -> Verdict {
        let (lo, hi) = wilson(k, n, Z95);
        if hi < limit {
            Verdict::Pass
        } else if lo >= limit {
            Verdict::Fail
        } else {
            Verdict::Undecided
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::Undecided => "UNDECIDED",
        }
    }
}

/// Members an undecided criterion needs in all for its interval to clear `limit`, if the observed share `k / n`
/// held (a share of zero counts as zero). None when the share equals the limit (no member count decides it).
pub fn members_needed(k: u64, n: u64, limit: f64) -> Option<u64> {
    let p = if n == 0 { 0.0 } else { k as f64 / n as f64 };
    if (p - limit).abs() < 1e-12 {
        return None;
    }
    let decided = |m: u64| {
        let km = (p * m as f64).round() as u64;
        Verdict::of(km, m, limit) != Verdict::Undecided
    };
    let mut hi = n.max(1);
    while !decided(hi) {
        if hi > 1u64 << 40 {
            return None;
        }
        hi *= 2;
    }
    let mut lo = n.max(1);
    // Smallest decided count in (lo, hi] by bisection (decidedness grows with m but not strictly: rounding of k).
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if decided(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

/// The `q` quantile of values binned by `counts` over bin edges `edge(i)` (bin i spans edge(i)..edge(i+1)),
/// values spread uniformly within their bin: linear interpolation of the cumulative distribution. None without
/// values.
pub fn binned_quantile(counts: &[u32], q: f64, edge: impl Fn(usize) -> f64) -> Option<f64> {
    let total: u64 = counts.iter().map(|&c| c as u64).sum();
    if total == 0 {
        return None;
    }
    let target = q * total as f64;
    let mut cum = 0.0;
    for (i, &c) in counts.iter().enumerate() {
        if c == 0 {
            continue;
        }
        let next = cum + c as f64;
        if next >= target {
            let f = ((target - cum) / c as f64).clamp(0.0, 1.0);
            let (a, b) = (edge(i), edge(i + 1));
            return Some(a + f * (b - a));
        }
        cum = next;
    }
    let last = counts.iter().rposition(|&c| c > 0)?;
    Some(edge(last + 1))
}

/// The `q` quantile of sorted values (type 7 of Hyndman & Fan 1996: linear between order statistics) and a
/// distribution-free 95 % interval from the order statistics at the Wilson bounds of q.
pub fn quantile_with_interval(sorted: &[f64], q: f64) -> Option<(f64, f64, f64)> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    let v = sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]);
    let (wl, wu) = wilson((q * n as f64).round() as u64, n as u64, Z95);
    let at = |p: f64| sorted[((p * n as f64).floor() as usize).min(n - 1)];
    Some((v, at(wl), at(wu)))
}

pub use crate::quantity::fmt_minutes;

#[cfg(test)]
mod tests {
    use super::*;

    /// Wilson intervals against values published in Brown, Cai & DasGupta (2001) and Newcombe (1998, Stat. Med.
    /// 17: 857-872, Table II, method 3): 81/263 -> 0.2553, 0.3662; 15/148 -> 0.0624, 0.1605; 0/20 -> 0, 0.1611.
    #[test]
    fn wilson_matches_newcombe() {
        for (k, n, lo, hi) in [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611)] {
            let (l, h) = wilson(k, n, Z95);
            assert!((l - lo).abs() < 6e-5 && (h - hi).abs() < 6e-5, "{k}/{n}: {l} {h}");
        }
    }

    #[test]
    fn verdicts_follow_intervals() {
        assert_eq!(Verdict::of(0, 10000, 1e-3), Verdict::Pass); // upper 3.8e-4
        assert_eq!(Verdict::of(0, 1000, 1e-3), Verdict::Undecided); // upper 3.8e-3
        assert_eq!(Verdict::of(50, 1000, 1e-3), Verdict::Fail);
        // Zero events: the upper bound z^2/(n + z^2) falls below 1e-3 once n > 999 z^2 = 3837.6.
        let m = members_needed(0, 1000, 1e-3).unwrap();
        assert_eq!(m, (999.0 * Z95 * Z95).ceil() as u64);
        assert_eq!(Verdict::of(0, m, 1e-3), Verdict::Pass);
        assert_eq!(Verdict::of(0, m - 1, 1e-3), Verdict::Undecided);
    }

    #[test]
    fn binned_quantiles_interpolate() {
        // 10 values uniform in bin [0,1) and 10 in [1,2): median at 1, 10th percentile at 0.2.
        let c = [10, 10];
        assert!((binned_quantile(&c, 0.5, |i| i as f64).unwrap() - 1.0).abs() < 1e-12);
        assert!((binned_quantile(&c, 0.1, |i| i as f64).unwrap() - 0.2).abs() < 1e-12);
        assert!(binned_quantile(&[0, 0], 0.5, |i| i as f64).is_none());
    }
}
