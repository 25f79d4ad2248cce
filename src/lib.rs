//! Emberfall: GPU wildfire spread for fires lit by launch-vehicle debris.
//!
//! Data flows one way: inputs ([`landscape`], [`fuel`], weather) -> grid -> kernels ([`terrain`], [`behavior`]
//! over [`surface`]) -> products ([`output`], [`maps`]).

pub mod behavior;
pub mod calculator;
pub mod cli;
pub mod debris;
pub mod error;
pub mod fuel;
pub mod gpu;
pub mod ignition;
pub mod isochrone;
pub mod kii;
pub mod landscape;
pub mod maps;
pub mod output;
pub mod products;
pub mod rng;
pub mod scenario;
pub mod spread;
pub mod surface;
pub mod terrain;
pub mod weather;

pub use error::{Error, Result};
