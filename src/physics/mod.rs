//! Fire physics, split by physical quantity (after the behave library): fuel models ([`fuel`]), Rothermel surface
//! fire ([`surface`]: fuel bed, reaction intensity, spread, wind and slope, fire shape, Byram's intensity and
//! flame length), and per-cell behaviour over a landscape ([`behavior`]: the CPU twin of
//! `shaders/surface_fire.wgsl` and its GPU dispatch). Each equation names its source and units.

pub mod behavior;
pub mod crown;
pub mod fuel;
pub mod spot;
pub mod surface;
