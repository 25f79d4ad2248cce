//! Emberfall: GPU wildfire spread for fires lit by launch-vehicle debris.
//!
//! The code is laid out by stage, and data flows one way: inputs -> grid -> kernels -> products.
//! - [`landscape`]: the grid and its layers read through GDAL, checked and converted to SI; terrain (Horn's
//!   slope and aspect); synthetic landscapes (the demo's Spaceport Kii).
//! - [`weather`]: weather streams and gridded wind.
//! - [`physics`]: fire physics, one quantity per function with its source: fuel models, Rothermel surface fire,
//!   per-cell behaviour (the `surface_fire` kernel's CPU twin and dispatch).
//! - [`debris`]: fragment fields (lists, impact rasters, break-ups flown ballistically) and ignition.
//! - [`spread`]: the fire that spreads (anchored travel times; kernels and CPU twin).
//! - [`run`]: scenarios, the pipeline from debris to fire for one member, products and reports.
//! - [`gpu`]: the wgpu context and the helpers every kernel uses; [`io`]: GDAL and atomic file writing, below every
//!   stage.
//! - [`units`]: every unit conversion, named once (WGSL mirror `shaders/units.wgsl`), under everything.

pub mod csv_rows;
pub mod debris;
pub mod ensemble;
pub mod error;
pub mod farsite;
pub mod format;
pub mod gpu;
pub mod io;
pub mod landscape;
pub mod physics;
pub mod quantity;
pub mod rng;
pub mod run;
pub mod spread;
pub mod units;
pub mod weather;

pub use error::{Error, ErrorKind, Result};
