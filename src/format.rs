//! Numbers as the products write them: the one number formatter of tables, maps, reports and the point
//! calculators. Each style is named for what it is for; none rounds a value a reader could need more of.

/// A whole number without decimals, else `decimals` fixed decimals: `3`, `2.5` (legends, scale bars, tables).
pub fn plain(v: f64, decimals: usize) -> String {
    if (v - v.round()).abs() < 1e-6 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.decimals$}")
    }
}

/// `decimals` fixed decimals with trailing zeros dropped: `12.5`, `0.000123`, `7` (the surface calculator).
pub fn trimmed(v: f64, decimals: usize) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// `v` rounded to `digits` significant digits, written in its shortest form; `nan`, `inf` and `-inf` spelled
/// out (the crown and spotting calculators, compared with behave's outputs to 1e-6).
pub fn significant(v: f64, digits: usize) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf" } else { "-inf" }.into()
    } else if v == 0.0 {
        "0".into()
    } else {
        let e = digits.saturating_sub(1);
        format!("{v:.e$e}").parse::<f64>().map(|x| format!("{x}")).unwrap_or_else(|_| v.to_string())
    }
}

/// A probability as a board reads it: `0`, three decimals from 0.01, else two significant digits in scientific
/// notation (`1.75e-3`).
pub fn probability(p: f64) -> String {
    if p == 0.0 {
        "0".into()
    } else if p >= 0.01 {
        format!("{p:.3}")
    } else {
        format!("{p:.2e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_style_writes_what_its_readers_expect() {
        assert_eq!(plain(200.0, 1), "200");
        assert_eq!(plain(0.25, 2), "0.25");
        assert_eq!(plain(2.5, 1), "2.5");
        assert_eq!(trimmed(12.5, 6), "12.5");
        assert_eq!(trimmed(0.000123, 6), "0.000123");
        assert_eq!(trimmed(7.0, 6), "7");
        assert_eq!(trimmed(-3.25, 6), "-3.25");
        assert_eq!(significant(1.0 / 3.0, 11), "0.33333333333");
        assert_eq!(significant(123456.789, 4), "123500");
        assert_eq!(significant(f64::NEG_INFINITY, 11), "-inf");
        assert_eq!(probability(0.0175), "0.018");
        assert_eq!(probability(0.00175), "1.75e-3");
        assert_eq!(probability(0.0), "0");
    }
}
