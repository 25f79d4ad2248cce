//! What a FARSITE inputs file (`.input`) sets beyond its weather, applied to a [`Scenario`] once, the same way for
//! `spread --farsite-input FILE` and for a scenario whose `[weather] stream` is a `.input`: the fire's span, the
//! initial fuel moistures, foliar moisture, crown fire method, custom fuel models, terrain conditioning from the
//! station's elevation, and spotting as FARSITE defines it. A setting the user gave otherwise (a flag, a scenario
//! key: [`FarsiteGiven`]) wins over the file's. The parsed file is kept in the scenario's weather
//! ([`crate::run::scenario::WeatherSpec::farsite`]) so the run reads it once.

use std::sync::Arc;

use super::Scenario;
use crate::error::{Error, Result};
use crate::farsite::FarsiteInput;
use crate::physics::options::{CrownMethod, CROWN_METHODS};
use crate::quantity;
use crate::spread::spotting::LaunchRule;
use crate::units::MIN_PER_H;

/// Which settings the user gave otherwise (flags or scenario keys): the file's values do not replace them.
#[derive(Clone, Copy, Debug, Default)]
pub struct FarsiteGiven {
    pub duration: bool,
    pub moisture: bool,
    pub foliar_moisture: bool,
    /// A crown method (or no crown fire).
    pub crown_method: bool,
    pub fuel_models: bool,
    pub fuel_moistures: bool,
    pub conditioning: bool,
    pub station_elevation: bool,
    pub spot_probability: bool,
    pub spot_delay: bool,
    pub min_spot_distance: bool,
    pub spot_launch: bool,
}

impl FarsiteGiven {
    /// The keys a scenario file gives, from its TOML table.
    pub fn from_scenario_table(t: &toml::Table) -> FarsiteGiven {
        let has = |table: &str, key: &str| t.get(table).and_then(|v| v.get(key)).is_some();
        FarsiteGiven {
            duration: has("spread", "duration"),
            moisture: has("weather", "moisture_pct"),
            foliar_moisture: has("weather", "foliar_moisture_pct"),
            crown_method: has("spread", "crown_method"),
            fuel_models: has("landscape", "fuel_models"),
            fuel_moistures: has("weather", "fuel_moistures"),
            conditioning: has("weather", "conditioning"),
            station_elevation: has("weather", "station_elevation_m"),
            spot_probability: has("spotting", "spot_probability") || has("spotting", "enabled"),
            spot_delay: has("spotting", "spot_delay"),
            min_spot_distance: has("spotting", "min_spot_distance_m"),
            spot_launch: has("spotting", "launch"),
        }
    }
}

impl Scenario {
    /// Apply `input` (the scenario's `.input` weather stream) as FARSITE would run it, except where `given` says the
    /// user set a value; returns the notes the run prints (what was taken, and what the file holds that Emberfall
    /// does not read).
    pub fn apply_farsite_input(&mut self, input: FarsiteInput, given: &FarsiteGiven) -> Result<Vec<String>> {
        let f = input.path.display().to_string();
        let mut notes = Vec::new();
        if !given.duration {
            self.spread.duration_min = input.duration_min();
        }
        if !given.moisture {
            let m = input
                .moisture_pct
                .ok_or_else(|| Error::input(&f, "no FUEL_MOISTURES_DATA (model 0): give it, or the run's moistures"))?;
            self.weather = self.weather.clone().with_moisture(m, &format!("{f}: FUEL_MOISTURES_DATA"))?;
        }
        if let (false, Some(p)) = (given.foliar_moisture, input.foliar_moisture_pct) {
            self.weather.foliar_moisture_pct =
                quantity::foliar_moisture_pct(p, &format!("{f}: FOLIAR_MOISTURE_CONTENT"))?;
        }
        if !given.crown_method {
            if let Some(name) = input.crown_fire_method.as_deref() {
                self.spread.crown = CrownMethod::from_farsite(name).ok_or_else(|| {
                    let known: Vec<_> =
                        CROWN_METHODS.iter().map(|e| e.farsite_name).filter(|n| !n.is_empty()).collect();
                    Error::input(
                        &f,
                        format!("CROWN_FIRE_METHOD `{name}`: not a method FARSITE knows ({})", known.join(", ")),
                    )
                })?;
            }
        }
        // Custom fuel models of the file (CUSTOM_FUELS_DATA), read from it as an .fmd.
        if !input.custom_fuel_rows.is_empty() && !given.fuel_models {
            self.landscape.fuel_models = Some(input.path.clone());
        }
        if !given.fuel_moistures && !input.model_moisture_pct.is_empty() {
            self.weather = self
                .weather
                .clone()
                .with_model_moistures(input.model_moisture_pct.clone(), &format!("{f}: FUEL_MOISTURES_DATA"))?;
        }
        // FARSITE conditions the dead fuels per class of cells, from the station's elevation.
        if !given.conditioning {
            self.weather.conditioning = crate::weather::conditioning::Mode::Terrain;
        }
        if !given.station_elevation {
            if let Some(z) = input.raws_elevation_m {
                self.weather = self.weather.clone().with_conditioning(
                    self.weather.conditioning,
                    Some(z),
                    &format!("{f}: RAWS_ELEVATION"),
                )?;
            }
        }
        // Spotting as FARSITE defines it: its launching rule, the spot probability as the chance that a landed
        // ember ignites (0 turns spotting off), the minimum spot distance and the ignition delay as given.
        let sp = &mut self.spotting;
        if !given.spot_launch {
            sp.launch = LaunchRule::Farsite;
        }
        if !given.spot_probability {
            if let Some(p) = input.spot_probability {
                sp.enabled = p > 0.0;
                sp.spot_probability = Some(p);
            }
        }
        if let (false, Some(d)) = (given.spot_delay, input.spot_delay_min) {
            sp.spot_delay_min = d;
        }
        if let (false, Some(d)) = (given.min_spot_distance, input.min_spot_distance_m) {
            sp.min_spot_distance_m = d;
        }
        sp.check(|k| format!("{f}: {}", farsite_key(k)))?;
        notes.push(format!(
            "FARSITE inputs {f}: fire from {} to {} ({:.1} h), {} RAWS rows from {}",
            input.start,
            input.end,
            input.duration_min() / MIN_PER_H,
            input.raws.len(),
            input.raws[0].time
        ));
        notes.extend(input.notes.iter().cloned());
        notes.extend(input.ignored.iter().map(|i| format!("FARSITE input ignored: {i}")));
        notes.extend(self.spotting.notes());
        self.weather.stream = Some(input.path.clone());
        self.weather.farsite = Some(Arc::new(input));
        Ok(notes)
    }
}

/// The FARSITE keyword behind a spotting parameter, for errors.
fn farsite_key(k: &str) -> &str {
    match k {
        "spot_probability" => "FARSITE_SPOT_PROBABILITY",
        "spot_delay" => "FARSITE_SPOT_IGNITION_DELAY",
        "min_spot_distance_m" => "FARSITE_MINIMUM_SPOT_DISTANCE",
        o => o,
    }
}
