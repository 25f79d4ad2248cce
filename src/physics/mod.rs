//! Fire physics, split by physical quantity (after the behave library): fuel models ([`fuel`]), Rothermel surface
//! fire ([`surface`]: fuel bed, reaction intensity, spread, wind and slope, fire shape, Byram's intensity and
//! flame length), crown fire ([`crown`]: Van Wagner, Rothermel 1991, Finney, Scott & Reinhardt), maximum spotting
//! distance ([`spot`]: Albini, Chase), ignition by a firebrand ([`firebrand`]: Schroeder), and per-cell behaviour
//! over a landscape ([`behavior`]: the CPU twin of `shaders/surface_fire.wgsl` and its GPU dispatch). Each equation
//! names its source and units.

pub mod behavior;
pub mod crown;
pub mod firebrand;
pub mod fuel;
pub mod moisture;
pub mod options;
pub mod spot;
pub mod surface;
pub mod wind;
