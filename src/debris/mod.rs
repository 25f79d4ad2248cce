//! Debris impact fields, three ways in:
//! 1. a fragment list (CSV or any vector format GDAL reads) — [`read_fragments`] ([`forms`]);
//! 2. an impact probability raster with a default fragment class — [`read_impact_raster`] ([`forms`]);
//! 3. a failure event: break-up state, fragment catalogue and winds aloft, flown to the ground as point masses
//!    with drag and wind drift, hot inert fragments cooling on the way — [`fly_event`] ([`flight`]);
//!
//! and from debris to ignitions ([`ignition`]).
//!
//! Units are SI; positions are map coordinates in the landscape's CRS.

use serde::Deserialize;

use crate::error::{Error, Result};

pub mod flight;
pub mod forms;
pub mod ignition;

use crate::landscape::Grid;
pub use flight::{
    air_density, convection_w_per_m2_k, fly, fly_event, fly_event_over, ground_elevation, wind_at, BreakUp, Flight,
    FlightModel, FragmentClass, WindLayer,
};
pub use forms::{read_fragments, read_impact_raster};

/// What a fragment is made of: sets its thermal properties and the ignition relation used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Material {
    Aluminium,
    Steel,
    Titanium,
    Composite,
    SolidPropellant,
}

/// Thermal properties of a material: density kg/m3, specific heat J/(kg K), emissivity, melting point C, latent
/// heat of fusion J/kg (handbook values, e.g. Incropera et al., Fundamentals of Heat and Mass Transfer, App. A).
#[derive(Clone, Copy, Debug)]
pub struct Thermo {
    pub density: f64,
    pub specific_heat: f64,
    pub emissivity: f64,
    pub melting_c: f64,
    pub latent_heat: f64,
}

impl Material {
    pub const NAMES: [&'static str; 5] = ["aluminium", "steel", "titanium", "composite", "solid_propellant"];

    /// Parse a material name (case-insensitive; `aluminum`, `stainless_steel`, `cfrp`, `propellant` accepted).
    pub fn parse(s: &str) -> Option<Material> {
        match s.trim().to_ascii_lowercase().replace([' ', '-'], "_").as_str() {
            "aluminium" | "aluminum" | "al" => Some(Material::Aluminium),
            "steel" | "stainless_steel" | "stainless" => Some(Material::Steel),
            "titanium" | "ti" => Some(Material::Titanium),
            "composite" | "cfrp" | "carbon_fibre" | "carbon_fiber" => Some(Material::Composite),
            "solid_propellant" | "propellant" | "htpb" => Some(Material::SolidPropellant),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// Whether `mass_kg` of this material can have the characteristic size `size_m`: its mass over size^3 (a cube's
    /// density) may exceed the material's by up to 10 times (a rod or a flanged ring whose size is its thickness),
    /// not more. What this catches is a unit slip: a 30 kg aluminium fragment of 12 mm would be 1.7e7 kg/m3, grams
    /// given as kilograms are 1000 times too dense, millimetres given as metres a billion. Returns the problem in
    /// words.
    pub fn check_mass(self, mass_kg: f64, size_m: f64) -> std::result::Result<(), String> {
        const ALLOWANCE: f64 = 10.0;
        let density = self.thermo().density;
        let implied = mass_kg / size_m.powi(3);
        if implied > ALLOWANCE * density {
            return Err(format!(
                "{mass_kg} kg of {} within {size_m} m would be {implied:.2e} kg/m3, over {ALLOWANCE} times its density \
                 ({density} kg/m3): check mass_kg (kilograms) and size_m (metres)",
                self.name()
            ));
        }
        Ok(())
    }

    pub fn thermo(self) -> Thermo {
        let t = |density, specific_heat, emissivity, melting_c, latent_heat| Thermo {
            density,
            specific_heat,
            emissivity,
            melting_c,
            latent_heat,
        };
        match self {
            Material::Aluminium => t(2700.0, 900.0, 0.3, 660.0, 3.97e5),
            Material::Steel => t(7900.0, 500.0, 0.8, 1450.0, 2.7e5),
            Material::Titanium => t(4500.0, 520.0, 0.6, 1668.0, 2.9e5),
            Material::Composite => t(1600.0, 1000.0, 0.9, f64::INFINITY, 0.0),
            Material::SolidPropellant => t(1750.0, 1250.0, 0.9, f64::INFINITY, 0.0),
        }
    }
}

/// Thermal state at impact.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ThermalState {
    /// An inert fragment at this temperature, C.
    Hot { temperature_c: f64 },
    /// A burning fragment (propellant, ember) with this much burning time left, s.
    Burning { burn_time_s: f64 },
}

/// A Gaussian footprint for a fragment known only as a dispersion.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Footprint {
    pub sigma_along_m: f64,
    pub sigma_cross_m: f64,
    /// Azimuth of the along-track axis, degrees.
    pub azimuth_deg: f64,
}

/// A fragment on the ground (or its dispersion).
#[derive(Clone, Debug, PartialEq)]
pub struct Fragment {
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub mass_kg: f64,
    pub size_m: f64,
    pub material: Material,
    pub thermal: ThermalState,
    /// Probability that the fragment exists and lands here (or within its footprint).
    pub impact_probability: f64,
    pub impact_time_s: f64,
    pub footprint: Option<Footprint>,
    /// The class it belongs to (a failure event's `[[debris.class]]`; "fragment list" or "impact raster" otherwise).
    pub class: String,
    /// A burning fragment whose burn ended in flight: it landed as a cooling residue.
    pub burned_out_in_flight: bool,
}

impl Fragment {
    /// A hot (non-burning) fragment outside the 6-14 mm range of the hot-particle ignition relation, whose
    /// probability is therefore extrapolated (Wang, Huang, Chen & Liu 2017, IJWF 26:71: steel spheres 6-14 mm;
    /// [`crate::debris::ignition`]).
    pub fn hot_relation_extrapolated(&self) -> bool {
        matches!(self.thermal, ThermalState::Hot { .. }) && !(0.006..=0.014).contains(&self.size_m)
    }
}

/// A fragment field on a grid, with what reading it noticed.
#[derive(Clone, Debug, Default)]
pub struct DebrisField {
    pub fragments: Vec<Fragment>,
    /// Fragments whose position (or whole footprint) lies off the landscape: not dropped silently, reported.
    pub off_landscape: Vec<String>,
    pub notes: Vec<String>,
}

impl DebrisField {
    /// Split fragments by whether they can land on `grid` (a footprint reaching it within 3 sigma counts).
    pub fn from_fragments(fragments: Vec<Fragment>, grid: &Grid) -> DebrisField {
        let (x0, y0, x1, y1) = grid.extent();
        let mut field = DebrisField::default();
        for f in fragments {
            let r = f.footprint.map_or(0.0, |fp| 3.0 * fp.sigma_along_m.max(fp.sigma_cross_m));
            if f.x + r < x0 || f.x - r > x1 || f.y + r < y0 || f.y - r > y1 {
                field.off_landscape.push(f.id.clone());
            } else {
                field.fragments.push(f);
            }
        }
        if !field.off_landscape.is_empty() {
            field.notes.push(format!(
                "{} fragments land off the landscape and cannot ignite it: {}",
                field.off_landscape.len(),
                field.off_landscape.iter().take(10).cloned().collect::<Vec<_>>().join(", ")
                    + if field.off_landscape.len() > 10 { ", ..." } else { "" }
            ));
        }
        field
    }
}

/// The fragment class of an impact raster's cells.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FragmentClassSpec {
    pub material: String,
    pub size_m: f64,
    pub mass_kg: f64,
    #[serde(default)]
    pub temperature_c: Option<f64>,
    #[serde(default)]
    pub burning: bool,
    #[serde(default)]
    pub burn_time_s: Option<f64>,
}

impl FragmentClassSpec {
    pub fn thermal(&self, what: &str) -> Result<(Material, ThermalState)> {
        let material = Material::parse(&self.material).ok_or_else(|| {
            Error::value(
                format!("{what}.material"),
                format!("`{}`", self.material),
                format!("unknown material (known: {})", Material::NAMES.join(", ")),
            )
        })?;
        if let (true, Some(t)) = (self.burning, self.temperature_c) {
            return Err(Error::value(
                what,
                "",
                format!("temperature_c = {t} with burning = true: a burning class has burn_time_s, a hot one temperature_c; give one"),
            ));
        }
        let thermal = if self.burning {
            ThermalState::Burning {
                burn_time_s: self
                    .burn_time_s
                    .ok_or_else(|| Error::value(what, "", "burning = true needs burn_time_s"))?,
            }
        } else {
            ThermalState::Hot {
                temperature_c: self
                    .temperature_c
                    .ok_or_else(|| Error::value(what, "", "give temperature_c, or burning = true"))?,
            }
        };
        if !(self.size_m > 0.0 && self.mass_kg > 0.0) {
            return Err(Error::value(what, "", "size_m and mass_kg must be positive"));
        }
        material.check_mass(self.mass_kg, self.size_m).map_err(|why| Error::value(what, "", why))?;
        Ok((material, thermal))
    }
}
