//! Scenarios: what one run is made of (landscape, weather, debris field or ignitions, ignition parameters,
//! spread, outputs, seed), read from a TOML file ([`Scenario::load`]) or built by a command, and checked once
//! here: everything downstream takes a [`Scenario`] as valid. Relative paths in a file resolve from its folder.
//! See README.md for the format.

pub mod farsite_settings;

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::debris::ignition::IgnitionParams;
use crate::debris::{BreakUp, FragmentClass, FragmentClassSpec, WindLayer};
use crate::error::{Error, Result};
use crate::gpu::Backend;
use crate::landscape::LandscapeSpec;
use crate::physics::behavior::{Weather, WindHeight};
use crate::physics::crown::CrownMethod;
use crate::physics::surface::SurfaceOptions;
use crate::quantity;
use crate::run::ensemble_spec::{self as ens, EnsembleSpec};
use crate::spread::spotting::SpottingParams;
use crate::units::frac_from_pct;

/// The debris field of a scenario: one of the three forms.
#[derive(Clone, Debug)]
pub enum DebrisSpec {
    /// A fragment list (CSV or any vector file GDAL reads).
    Fragments(PathBuf),
    /// An impact raster: per cell a probability of a hot fragment landing, or the expected number of fragments
    /// (`expected_count`), each of the class `fragment`.
    Raster { path: PathBuf, expected_count: bool, fragment: FragmentClassSpec },
    /// A failure event flown to the ground.
    Event { event: BreakUp, classes: Vec<FragmentClass>, winds_aloft: Vec<WindLayer> },
}

impl DebrisSpec {
    /// The form's name, as summaries and reports give it.
    pub fn form(&self) -> &'static str {
        match self {
            DebrisSpec::Fragments(_) => "fragment list",
            DebrisSpec::Raster { .. } => "impact raster",
            DebrisSpec::Event { .. } => "failure event",
        }
    }
}

/// An ignition given directly (not from debris), with its start time, min.
#[derive(Clone, Debug, PartialEq)]
pub enum IgnitionSpec {
    /// A point in the landscape's CRS.
    Point { x: f64, y: f64, t_min: f64 },
    /// A point in WGS 84 degrees.
    LonLat { lon: f64, lat: f64, t_min: f64 },
    /// Points, lines and polygons of a vector file (optional `time_min` attribute).
    File(PathBuf),
}

/// Weather of a scenario: the constant weather (or the first period's moistures and wind height), the air
/// temperature, and an optional weather stream CSV.
#[derive(Clone, Debug)]
pub struct WeatherSpec {
    pub base: Weather,
    pub moisture_pct: [f64; 5],
    pub wind_speed_kmh: f64,
    pub air_temp_c: f64,
    pub stream: Option<PathBuf>,
    /// When a time-stamped stream's fire starts and its fuels start conditioning.
    pub times: crate::weather::StreamTimes,
    /// How a conditioning stream's weather reaches the fuels: at the station, or per class of cells.
    pub conditioning: crate::weather::conditioning::Mode,
    /// Elevation of the weather station, m (lapse rates in `terrain` conditioning).
    pub station_elevation_m: Option<f64>,
    /// Initial moistures (percent: 1-h, 10-h, 100-h, herb, woody) of particular fuel models (FARSITE's .fms).
    pub model_moisture_pct: Vec<(u16, [f64; 5])>,
    /// Foliar moisture content, percent (crown fire).
    pub foliar_moisture_pct: f64,
    /// The stream's FARSITE inputs file, parsed once ([`Scenario::apply_farsite_input`]).
    pub farsite: Option<std::sync::Arc<crate::farsite::FarsiteInput>>,
}

/// Spread settings.
#[derive(Clone, Debug)]
pub struct SpreadSpec {
    pub duration_min: f64,
    pub isochrone_interval_min: f64,
    pub tolerance: f32,
    pub wind_limit: bool,
    /// Crown fire method (`CrownMethod::None`: surface fire only).
    pub crown: CrownMethod,
}

/// What a map frames: the fire (its burned cells, ignitions, assets and the pad, with a margin) or the whole
/// landscape.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum MapExtent {
    #[default]
    Fire,
    Landscape,
}

/// Output settings.
#[derive(Clone, Debug)]
pub struct OutputSpec {
    pub dir: PathBuf,
    pub cog: bool,
    /// Write the dead fuel moistures of every weather period (`moisture/`).
    pub write_moisture: bool,
    /// What the PNG maps frame.
    pub map_extent: MapExtent,
}

/// A checked scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// The file it was read from, if any.
    pub path: Option<PathBuf>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub seed: u64,
    pub backend: Backend,
    pub landscape: LandscapeSpec,
    pub weather: WeatherSpec,
    pub debris: Option<DebrisSpec>,
    pub ignitions: Vec<IgnitionSpec>,
    pub ignition: IgnitionParams,
    pub spread: SpreadSpec,
    /// Spotting (`[spotting]`; on by default).
    pub spotting: SpottingParams,
    pub output: OutputSpec,
    /// Ensemble settings (`[ensemble]`, `[trajectory]`, `[[asset]]`, `[[criterion]]`; defaults without them).
    pub ensemble: EnsembleSpec,
    /// The clock time of minute 0, as given (`start`, `--start`); [`Scenario::start_time`] adds the weather's.
    pub start: Option<crate::run::start::StartTime>,
    /// What building the scenario noticed (a FARSITE inputs file's settings), for the run's notes.
    pub notes: Vec<String>,
}

// The file as written (TOML); [`Scenario::load`] checks it into a [`Scenario`].

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    /// Clock time of minute 0 of the run (RFC 3339, or a local time without offset).
    #[serde(default)]
    start: Option<String>,
    seed: u64,
    #[serde(default)]
    backend: Option<String>,
    /// As the command-line landscape arguments; `slope_units` is "degrees" or "percent".
    landscape: LandscapeSpec,
    weather: WeatherFile,
    debris: DebrisFile,
    #[serde(default)]
    ignition: IgnitionParams,
    spread: SpreadFile,
    #[serde(default)]
    spotting: SpottingParams,
    output: OutputFile,
    #[serde(default)]
    ensemble: Option<crate::run::ensemble_spec::EnsembleFile>,
    #[serde(default)]
    trajectory: Option<crate::run::ensemble_spec::TrajectoryFile>,
    #[serde(default)]
    launch_window: Option<crate::run::ensemble_spec::LaunchWindowFile>,
    #[serde(default)]
    asset: Vec<crate::run::ensemble_spec::AssetFile>,
    #[serde(default)]
    criterion: Vec<crate::run::ensemble_spec::CriterionFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WeatherFile {
    moisture_pct: [f64; 5],
    #[serde(default)]
    wind_speed_kmh: Option<f64>,
    #[serde(default)]
    wind_from_deg: f64,
    #[serde(default = "default_height")]
    wind_height: WindHeight,
    #[serde(default = "default_air")]
    air_temp_c: f64,
    #[serde(default)]
    stream: Option<PathBuf>,
    /// RFC 3339 clock time of the start of the fire in a time-stamped stream.
    #[serde(default)]
    start: Option<String>,
    /// Start of the fuel conditioning period: RFC 3339, or a duration before the fire.
    #[serde(default)]
    conditioning_start: Option<String>,
    /// `station` (default) or `terrain`.
    #[serde(default)]
    conditioning: crate::weather::conditioning::Mode,
    #[serde(default)]
    station_elevation_m: Option<f64>,
    /// A FARSITE / FlamMap fuel moisture file (.fms): initial moistures per fuel model.
    #[serde(default)]
    fuel_moistures: Option<PathBuf>,
    #[serde(default = "default_foliar")]
    foliar_moisture_pct: f64,
}

fn default_foliar() -> f64 {
    100.0
}
fn default_crown() -> CrownMethod {
    CrownMethod::Finney
}

fn default_height() -> WindHeight {
    WindHeight::TwentyFt
}
fn default_air() -> f64 {
    20.0
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DebrisFile {
    fragments: Option<PathBuf>,
    raster: Option<PathBuf>,
    raster_values: Option<String>,
    default_fragment: Option<FragmentClassSpec>,
    event: Option<BreakUp>,
    #[serde(default)]
    class: Vec<FragmentClass>,
    #[serde(default)]
    winds_aloft: Vec<WindLayer>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpreadFile {
    duration: String,
    #[serde(default = "default_interval")]
    isochrone_interval: String,
    #[serde(default = "default_tol")]
    tolerance: f64,
    #[serde(default = "default_true")]
    wind_limit: bool,
    /// "finney", "scott-reinhardt" or "none".
    #[serde(default = "default_crown")]
    crown_method: CrownMethod,
}

fn default_interval() -> String {
    "1h".into()
}
fn default_tol() -> f64 {
    0.05
}
fn default_true() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutputFile {
    dir: PathBuf,
    #[serde(default)]
    cog: bool,
    #[serde(default)]
    write_moisture: bool,
    #[serde(default)]
    map_extent: MapExtent,
}

impl WeatherSpec {
    /// Check a weather table: `what` prefixes the names in errors (`weather`, or empty for command-line values).
    pub fn new(
        moisture_pct: [f64; 5],
        wind_speed_kmh: f64,
        wind_from_deg: f64,
        wind_height: WindHeight,
        air_temp_c: f64,
        stream: Option<PathBuf>,
        names: [&str; 4],
    ) -> Result<WeatherSpec> {
        let moisture = quantity::moisture_pct(moisture_pct, names[0])?;
        let base = Weather {
            moisture,
            wind_speed_m_per_min: quantity::wind_speed_kmh(wind_speed_kmh, names[1])?,
            wind_from_deg: quantity::direction_deg(wind_from_deg, names[2])?,
            wind_height,
        };
        let air_temp_c = quantity::air_temp_c(air_temp_c, names[3])?;
        Ok(WeatherSpec {
            base,
            moisture_pct,
            wind_speed_kmh,
            air_temp_c,
            stream,
            times: Default::default(),
            conditioning: Default::default(),
            station_elevation_m: None,
            model_moisture_pct: Vec::new(),
            foliar_moisture_pct: 100.0,
            farsite: None,
        })
    }

    /// The same weather with the stream's fire start and conditioning start (RFC 3339 times; the conditioning start
    /// also as a duration before the fire); `names` name them in errors.
    pub fn with_times(
        mut self,
        fire_start: Option<&str>,
        conditioning_start: Option<&str>,
        names: [&str; 2],
    ) -> Result<WeatherSpec> {
        if (fire_start.is_some() || conditioning_start.is_some()) && self.stream.is_none() {
            return Err(Error::value(
                format!("{} and {}", names[0], names[1]),
                "",
                "they apply to a weather stream: give one",
            ));
        }
        if let Some(s) = fire_start {
            let t = chrono::DateTime::parse_from_rfc3339(s.trim()).map_err(|e| {
                Error::value(
                    names[0],
                    format!("`{s}`"),
                    format!("not an RFC 3339 time ({e}), e.g. 2024-03-13T11:01:00+09:00"),
                )
            })?;
            self.times.fire_start = Some(t);
        }
        if let Some(s) = conditioning_start {
            self.times.conditioning_start = Some(crate::weather::ConditioningStart::parse(s, names[1])?);
        }
        Ok(self)
    }

    /// The same weather conditioned by `mode`, with the station at `station_elevation_m` (checked; `what` names it).
    pub fn with_conditioning(
        mut self,
        mode: crate::weather::conditioning::Mode,
        station_elevation_m: Option<f64>,
        what: &str,
    ) -> Result<WeatherSpec> {
        if let Some(z) = station_elevation_m {
            if !(-500.0..=9000.0).contains(&z) {
                return Err(Error::value(what, format!("{z} m"), "expected an elevation between -500 and 9000 m"));
            }
        }
        self.conditioning = mode;
        self.station_elevation_m = station_elevation_m;
        Ok(self)
    }

    /// The same weather with initial moistures per fuel model (percent; checked, `what` names them in errors).
    pub fn with_model_moistures(mut self, rows: Vec<(u16, [f64; 5])>, what: &str) -> Result<WeatherSpec> {
        for (code, m) in &rows {
            quantity::moisture_pct(*m, &format!("{what}, fuel model {code}"))?;
        }
        self.model_moisture_pct = rows;
        Ok(self)
    }

    /// The same weather with initial moistures `pct` (1-h, 10-h, 100-h, herb, woody; checked, `what` names them).
    pub fn with_moisture(mut self, pct: [f64; 5], what: &str) -> Result<WeatherSpec> {
        self.base.moisture = quantity::moisture_pct(pct, what)?;
        self.moisture_pct = pct;
        Ok(self)
    }

    /// The same weather with foliar moisture `pct` (checked; `what` names it in errors).
    pub fn with_foliar_moisture(self, pct: f64, what: &str) -> Result<WeatherSpec> {
        Ok(WeatherSpec { foliar_moisture_pct: quantity::foliar_moisture_pct(pct, what)?, ..self })
    }
}

impl Scenario {
    /// Read and check a scenario file; relative paths become relative to its folder.
    pub fn load(path: &Path) -> Result<Scenario> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let f: ScenarioFile =
            toml::from_str(&text).map_err(|e| Error::input(path.display(), e.to_string().trim_end()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let in_file = |e: Error| match e {
            e @ Error::Value { .. } => e.within(path.display()),
            other => other,
        };
        let mut s = Scenario::from_file(f, base).map_err(in_file)?;
        s.path = Some(path.to_path_buf());
        // A FARSITE inputs file as the weather stream brings its settings, as `spread --farsite-input` takes them;
        // the scenario's own keys win.
        if let Some(p) =
            s.weather.stream.clone().filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("input")))
        {
            let table: toml::Table =
                toml::from_str(&text).map_err(|e| Error::input(path.display(), e.to_string().trim_end()))?;
            let given = farsite_settings::FarsiteGiven::from_scenario_table(&table);
            let notes = s.apply_farsite_input(crate::farsite::FarsiteInput::read(&p)?, &given).map_err(in_file)?;
            s.notes.extend(notes);
        }
        Ok(s)
    }

    fn from_file(f: ScenarioFile, base: &Path) -> Result<Scenario> {
        let landscape = landscape_paths(f.landscape, base)?;
        let backend = match &f.backend {
            Some(s) => Backend::parse(s)
                .ok_or_else(|| Error::value("backend", format!("`{s}`"), "use auto, gpu, vulkan, gl or cpu"))?,
            None => Backend::Auto,
        };
        let calm = (f.weather.wind_speed_kmh.is_none() && f.weather.stream.is_none()).then(|| {
            "[weather] gives no wind_speed_kmh and no stream: the fire burns in calm air (0 km/h)".to_string()
        });
        let weather = weather_spec(f.weather, base)?;
        let debris = debris_spec(f.debris, base)?;
        let mut ignition = f.ignition;
        ignition.air_temp_c = weather.air_temp_c;
        check_ignition_params(&ignition)?;
        let s = f.spread;
        let duration_min = quantity::duration_min(&s.duration, "spread.duration")?;
        let spread = SpreadSpec {
            duration_min,
            isochrone_interval_min: crate::quantity::isochrone_interval_min(
                &s.isochrone_interval,
                duration_min,
                "spread.isochrone_interval",
            )?,
            tolerance: quantity::tolerance(s.tolerance, "spread.tolerance")?,
            wind_limit: s.wind_limit,
            crown: s.crown_method,
        };
        let output = OutputSpec {
            dir: resolve(base, f.output.dir),
            cog: f.output.cog,
            write_moisture: f.output.write_moisture,
            map_extent: f.output.map_extent,
        };
        let has_event = matches!(debris, DebrisSpec::Event { .. });
        let ensemble = ens::check(
            ens::Tables {
                ensemble: f.ensemble,
                launch_window: f.launch_window,
                trajectory: f.trajectory,
                assets: f.asset,
                criteria: f.criterion,
            },
            base,
            spread.duration_min,
            has_event,
            &weather.base,
        )?;
        if let DebrisSpec::Event { event, .. } = &debris {
            let from_trajectory = ensemble.trajectory.is_some() && ensemble.failure_time.is_some();
            if !from_trajectory && !event.state_given() {
                return Err(Error::value(
                    "debris.event",
                    "",
                    "give altitude_agl_m and velocity_enu_m_s of the break-up, or a [trajectory] with \
                     ensemble.failure_time to take them from",
                ));
            }
        }
        f.spotting.check(|k| format!("spotting.{k}"))?;
        Ok(Scenario {
            path: None,
            name: f.name,
            description: f.description,
            seed: f.seed,
            backend,
            landscape,
            weather,
            debris: Some(debris),
            ignitions: Vec::new(),
            ignition,
            spread,
            spotting: f.spotting,
            output,
            ensemble,
            start: f.start.as_deref().map(|s| crate::run::start::StartTime::parse(s, "start")).transpose()?,
            notes: calm.into_iter().collect(),
        })
    }
}

/// `p` from the scenario's folder `base` when relative.
fn resolve(base: &Path, p: PathBuf) -> PathBuf {
    if p.is_relative() {
        base.join(p)
    } else {
        p
    }
}

/// `[landscape]` with its paths from the scenario's folder; an LCP, or elevation and fuel, given.
fn landscape_paths(mut l: LandscapeSpec, base: &Path) -> Result<LandscapeSpec> {
    for p in [
        &mut l.lcp,
        &mut l.elevation,
        &mut l.fuel,
        &mut l.slope,
        &mut l.aspect,
        &mut l.canopy_cover,
        &mut l.canopy_height,
        &mut l.canopy_base_height,
        &mut l.canopy_bulk_density,
        &mut l.fuel_models,
        &mut l.fuel_conversion,
    ] {
        *p = p.take().map(|q| resolve(base, q));
    }
    if l.lcp.is_none() && (l.elevation.is_none() || l.fuel.is_none()) {
        return Err(Error::value("[landscape]", "", "give `lcp`, or `elevation` and `fuel`"));
    }
    Ok(l)
}

/// `[weather]`, checked, with its stream and fuel moisture file from the scenario's folder.
fn weather_spec(w: WeatherFile, base: &Path) -> Result<WeatherSpec> {
    let weather = WeatherSpec::new(
        w.moisture_pct,
        w.wind_speed_kmh.unwrap_or(0.0),
        w.wind_from_deg,
        w.wind_height,
        w.air_temp_c,
        w.stream.map(|p| resolve(base, p)),
        ["weather.moisture_pct", "weather.wind_speed_kmh", "weather.wind_from_deg", "weather.air_temp_c"],
    )?
    .with_foliar_moisture(w.foliar_moisture_pct, "weather.foliar_moisture_pct")?
    .with_times(w.start.as_deref(), w.conditioning_start.as_deref(), ["weather.start", "weather.conditioning_start"])?
    .with_conditioning(w.conditioning, w.station_elevation_m, "weather.station_elevation_m")?;
    let Some(p) = w.fuel_moistures.map(|p| resolve(base, p)) else { return Ok(weather) };
    let rows = crate::farsite::read_fms(&p)?;
    let (zero, rest): (Vec<_>, Vec<_>) = rows.into_iter().partition(|(c, _)| *c == 0);
    if !zero.is_empty() {
        return Err(Error::input(
            p.display(),
            "model 0 (every other model): give those moistures as [weather] moisture_pct",
        ));
    }
    weather.with_model_moistures(rest, &p.display().to_string())
}

/// `[debris]`: exactly one form (a fragment list, an impact raster with its default fragment, or a failure event
/// with its classes).
fn debris_spec(d: DebrisFile, base: &Path) -> Result<DebrisSpec> {
    let forms = [d.fragments.is_some(), d.raster.is_some(), d.event.is_some()];
    if forms.iter().filter(|&&b| b).count() != 1 {
        return Err(Error::value(
            "[debris]",
            "",
            "give exactly one of `fragments` (a fragment list), `raster` (an impact raster) or `event` (a failure event)",
        ));
    }
    if let Some(p) = d.fragments {
        return Ok(DebrisSpec::Fragments(resolve(base, p)));
    }
    if let Some(p) = d.raster {
        let expected_count = match d.raster_values.as_deref().unwrap_or("probability") {
            "probability" => false,
            "expected_count" => true,
            o => {
                return Err(Error::value(
                    "debris.raster_values",
                    format!("`{o}`"),
                    "use \"probability\" or \"expected_count\"",
                ))
            }
        };
        let fragment = d
            .default_fragment
            .ok_or_else(|| Error::value("[debris]", "", "an impact raster needs a [debris.default_fragment]"))?;
        fragment.thermal("debris.default_fragment")?;
        return Ok(DebrisSpec::Raster { path: resolve(base, p), expected_count, fragment });
    }
    let event = d.event.ok_or_else(|| Error::value("[debris]", "", "no debris form"))?;
    if d.class.is_empty() {
        return Err(Error::value("[debris]", "", "a failure event needs at least one [[debris.class]]"));
    }
    Ok(DebrisSpec::Event { event, classes: d.class, winds_aloft: d.winds_aloft })
}

impl Scenario {
    /// Add the assets of incident-run asset files (`--assets`: one asset per `name` attribute); names must not
    /// repeat an asset's already given.
    pub fn add_asset_files(&mut self, files: &[PathBuf]) -> Result<()> {
        for f in files {
            for a in crate::run::assets::specs_of_file(f)? {
                if self.ensemble.assets.iter().any(|b| b.name == a.name) {
                    return Err(Error::value(
                        format!("--assets {}", f.display()),
                        format!("`{}`", a.name),
                        "an asset of this name is already given (name features apart with their `name` attribute)",
                    ));
                }
                self.ensemble.assets.push(a);
            }
        }
        Ok(())
    }

    /// The clock time of minute 0: the scenario's `start` (`--start`), the weather stream's fire start, a FARSITE
    /// `.input`'s FARSITE_START_TIME; those given must agree.
    pub fn start_time(&self) -> Result<Option<crate::run::start::StartTime>> {
        use crate::run::start::StartTime;
        let mut starts: Vec<StartTime> = self.start.iter().cloned().collect();
        if let Some(t) = self.weather.times.fire_start {
            starts.push(StartTime::with_offset(t, "the weather stream's start"));
        }
        if let Some(f) = &self.weather.farsite {
            starts.push(StartTime::local_only(f.start, format!("FARSITE_START_TIME of {}", f.path.display())));
        }
        StartTime::resolve(starts)
    }

    /// Fire behaviour options: wind limit, crown method and foliar moisture.
    pub fn surface_options(&self) -> SurfaceOptions {
        SurfaceOptions {
            wind_limit: self.spread.wind_limit,
            crown: self.spread.crown,
            foliar_moisture_frac: frac_from_pct(self.weather.foliar_moisture_pct),
        }
    }
}

/// The ignition relations' parameters: finite, widths and temperatures positive.
pub fn check_ignition_params(p: &IgnitionParams) -> Result<()> {
    for (name, v, positive) in [
        ("ignition.hot_a_c_mm", p.hot_a_c_mm, true),
        ("ignition.hot_b", p.hot_b, false),
        ("ignition.hot_c_c", p.hot_c_c, false),
        ("ignition.hot_width_c", p.hot_width_c, true),
        ("ignition.aluminium_latent_c", p.aluminium_latent_c, false),
    ] {
        if !v.is_finite() || v < 0.0 || (positive && v == 0.0) {
            return Err(Error::value(
                name,
                v,
                format!("must be {} and finite", if positive { "positive" } else { "non-negative" }),
            ));
        }
    }
    Ok(())
}
