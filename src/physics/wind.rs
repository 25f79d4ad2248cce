//! Wind at the fuel bed: the wind adjustment factor from the 20-ft wind to midflame (Andrews 2012), a leaf the
//! crown, behaviour and spread models all use.

use crate::units::M_PER_FT;

/// 3 x the crown fill portion at which fuels count as sheltered (f >= 0.05). LANDFIRE's integer classes often
/// land exactly on it (45 % cover, 15 m height, 10 m base); a margin of 1e-5 makes those cells sheltered, as
/// f >= 0.05 intends, in both f32 (GPU) and f64 (CPU) arithmetic.
pub const SHELTER_THRESHOLD: f64 = 0.14999;

/// Wind adjustment factor (Andrews 2012, RMRS-GTR-266, eq. 5 unsheltered and eq. 6 sheltered, as BehavePlus):
/// `depth_m` fuel bed depth, canopy cover fraction, canopy height and base height in m.
pub fn wind_adjustment_factor(depth_m: f64, cover_frac: f64, height_m: f64, base_m: f64) -> f64 {
    let ch_ft = height_m / M_PER_FT;
    let crown_ratio = if height_m > 0.0 { ((height_m - base_m) / height_m).clamp(0.0, 1.0) } else { 0.0 };
    // Crown fill portion f = cover x crown ratio / 3; sheltered when f >= 0.05 (see SHELTER_THRESHOLD).
    let fill = cover_frac * crown_ratio / 3.0;
    // behave (windAdjustmentFactor.cpp) also calls canopies lower than 6 ft unsheltered.
    let sheltered =
        cover_frac > 0.0 && ch_ft >= 6.0 && cover_frac * (height_m - base_m).max(0.0) >= SHELTER_THRESHOLD * height_m;
    if sheltered {
        0.555 / ((fill * ch_ft).sqrt() * ((20.0 + 0.36 * ch_ft) / (0.13 * ch_ft)).ln())
    } else {
        let h = depth_m / M_PER_FT;
        1.83 / ((20.0 + 0.36 * h) / (0.13 * h)).ln()
    }
}
