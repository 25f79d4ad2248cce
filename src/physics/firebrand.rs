//! Ignition of a fuel bed by a burning firebrand: Schroeder's (1969) probability of ignition, as BehavePlus and
//! FARSITE use it (behave library), and the fuel temperature it needs. Debris ignition (burning fragments) and
//! spotting (embers) both use it.
//!
//! Heat of preignition Q = 144.51 - 0.266 T - 0.00058 T^2 - T M + 18.54 (1 - exp(-15.1 M)) + 640 M cal/g (T fuel
//! temperature C, M 1-h moisture fraction), capped at 400; X = (400 - Q)/10; P = 0.000048 X^4.3 / 50, clipped to
//! 0..1. Fuel temperature (F) = air temperature (F) + 25 - 20 x shade (BehavePlus). Holds for fine dead fuels, 1-h
//! moisture 2-20 %, air 0-45 C (the BehavePlus table of ../shared/oracle).

use crate::units::{c_from_f, f_from_c};

/// Fuel temperature, C, from air temperature and sun shading (BehavePlus: T_F + 25 - 20 shade, in F).
pub fn fuel_temperature_c(air_temp_c: f64, shade_frac: f64) -> f64 {
    let fuel_f = f_from_c(air_temp_c) + 25.0 - 20.0 * shade_frac.clamp(0.0, 1.0);
    c_from_f(fuel_f)
}

/// Schroeder (1969) heat of preignition, cal/g, capped at 400.
pub fn heat_of_preignition_cal_g(fuel_temp_c: f64, m1h_frac: f64) -> f64 {
    let (t, m) = (fuel_temp_c, m1h_frac);
    (144.51 - 0.266 * t - 0.00058 * t * t - t * m + 18.54 * (1.0 - (-15.1 * m).exp()) + 640.0 * m).min(400.0)
}

/// Schroeder (1969) probability of ignition by a firebrand (0..1).
pub fn schroeder_probability(fuel_temp_c: f64, m1h_frac: f64) -> f64 {
    let q = heat_of_preignition_cal_g(fuel_temp_c, m1h_frac);
    let x = ((400.0 - q) / 10.0).max(0.0);
    (0.000048 * x.powf(4.3) / 50.0).clamp(0.0, 1.0)
}
