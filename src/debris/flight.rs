//! The third form of a debris field: a failure event, its fragments flown to the ground as point masses with drag
//! and wind drift (RK4), hot inert fragments cooling on the way (lumped capacitance, convection and radiation).

use serde::Deserialize;

use super::{DebrisField, Fragment, FragmentClassSpec, Material, ThermalState};
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::landscape::Landscape;
use crate::rng::Rng;
use crate::units::k_from_c;

/// Vehicle state at break-up.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakUp {
    /// Position: `x, y` in the landscape's CRS or `lon, lat`.
    #[serde(default)]
    pub x: Option<f64>,
    #[serde(default)]
    pub y: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
    #[serde(default)]
    pub lat: Option<f64>,
    /// Height above the ground below the break-up point, m. Not needed (NaN until drawn) when a `[trajectory]` and
    /// `ensemble.failure_time` give the break-up state.
    #[serde(default = "not_given")]
    pub altitude_agl_m: f64,
    /// Velocity east, north, up, m/s (as `altitude_agl_m`).
    #[serde(default = "not_given_3")]
    pub velocity_enu_m_s: [f64; 3],
    #[serde(default)]
    pub time_after_liftoff_s: f64,
    /// Standard deviation of each component of the velocity fragments receive at break-up, m/s.
    #[serde(default = "default_dv")]
    pub dispersion_m_s: f64,
    /// Monte Carlo samples per fragment.
    #[serde(default = "default_samples")]
    pub samples_per_fragment: usize,
    /// Air temperature at the ground, C (cooling).
    #[serde(default = "default_air")]
    pub air_temp_c: f64,
}

fn not_given() -> f64 {
    f64::NAN
}

fn not_given_3() -> [f64; 3] {
    [f64::NAN; 3]
}

impl BreakUp {
    /// Whether the scenario itself gives the break-up's height and velocity (a trajectory may give them instead).
    pub fn state_given(&self) -> bool {
        self.altitude_agl_m.is_finite() && self.velocity_enu_m_s.iter().all(|v| v.is_finite())
    }
}

fn default_dv() -> f64 {
    15.0
}
fn default_samples() -> usize {
    20
}
fn default_air() -> f64 {
    15.0
}

/// A class of fragments of the catalogue.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FragmentClass {
    pub name: String,
    pub count: usize,
    pub mass_kg: f64,
    /// Characteristic size (diameter of the equivalent sphere), m.
    pub size_m: f64,
    pub material: String,
    /// Drag coefficient (default 1.0, a tumbling irregular fragment); or give `ballistic_coefficient_kg_m2`.
    #[serde(default)]
    pub cd: Option<f64>,
    /// Reference area, m2 (default the cross-section of the equivalent sphere).
    #[serde(default)]
    pub area_m2: Option<f64>,
    /// m / (Cd A), kg/m2: overrides cd and area.
    #[serde(default)]
    pub ballistic_coefficient_kg_m2: Option<f64>,
    #[serde(default)]
    pub temperature_c: Option<f64>,
    #[serde(default)]
    pub burning: bool,
    #[serde(default)]
    pub burn_time_s: Option<f64>,
}

/// Wind at a height above ground.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindLayer {
    pub altitude_m: f64,
    pub speed_m_s: f64,
    pub from_deg: f64,
}

/// Winds aloft layers within bounds: speed 0..200 m/s, altitude 0..100 km, direction -360..720 deg.
pub fn check_winds(winds: &[WindLayer]) -> Result<()> {
    let bound = |name: &str, v: f64, lo: f64, hi: f64| -> Result<()> {
        if !(v.is_finite() && v >= lo && v <= hi) {
            return Err(Error::value(name, v, format!("must be in {lo}..{hi}")));
        }
        Ok(())
    };
    for (k, l) in winds.iter().enumerate() {
        bound(&format!("debris.winds_aloft[{k}].speed_m_s"), l.speed_m_s, 0.0, 200.0)?;
        bound(&format!("debris.winds_aloft[{k}].altitude_m"), l.altitude_m, 0.0, 1.0e5)?;
        bound(&format!("debris.winds_aloft[{k}].from_deg"), l.from_deg, -360.0, 720.0)?;
    }
    Ok(())
}

/// Air density, kg/m3, at altitude `z` m: isothermal exponential atmosphere, scale height 8.5 km (`constant`:
/// sea-level density at every height, for tests).
pub fn air_density(z: f64, constant: bool) -> f64 {
    if constant {
        1.225
    } else {
        1.225 * (-z.max(0.0) / 8500.0).exp()
    }
}

/// Wind vector (east, north) m/s at height `h` above ground: linear between layers, constant beyond.
pub fn wind_at(layers: &[WindLayer], h: f64) -> (f64, f64) {
    if layers.is_empty() {
        return (0.0, 0.0);
    }
    let vec = |l: &WindLayer| {
        let to = (l.from_deg + 180.0).to_radians();
        (l.speed_m_s * to.sin(), l.speed_m_s * to.cos())
    };
    if h <= layers[0].altitude_m {
        return vec(&layers[0]);
    }
    for w in layers.windows(2) {
        if h <= w[1].altitude_m {
            let f = (h - w[0].altitude_m) / (w[1].altitude_m - w[0].altitude_m).max(1e-9);
            let (a, b) = (vec(&w[0]), vec(&w[1]));
            return (a.0 + f * (b.0 - a.0), a.1 + f * (b.1 - a.1));
        }
    }
    vec(layers.last().unwrap())
}

/// One fragment's flight.
#[derive(Clone, Debug)]
pub struct Flight {
    pub x: f64,
    pub y: f64,
    pub time_s: f64,
    pub speed_m_s: f64,
    pub temperature_c: f64,
    /// Burning time left at impact, s (None: not burning at impact).
    pub burn_left_s: Option<f64>,
    /// Time after the start at which a burning fragment's burn ended in flight, s; it cooled from
    /// [`BURNOUT_TEMPERATURE_C`] from then on.
    pub burned_out_at_s: Option<f64>,
}

/// Temperature at which a burning fragment's residue is left when its burn ends, C: the glowing remains of a spent
/// propellant grain or ember, taken at 600 C (Emberfall's assumption, the low end of glowing combustion). From then
/// on it cools as a hot inert fragment of its material, by the model hot metal uses.
pub const BURNOUT_TEMPERATURE_C: f64 = 600.0;

/// How a flight is computed.
#[derive(Clone, Copy, Debug)]
pub struct FlightModel {
    /// Air density 1.225 kg/m3 at every height (tests against closed forms), instead of the exponential atmosphere.
    pub constant_density: bool,
    /// Radiative cooling on (off: convection only, for tests against the closed form).
    pub radiation: bool,
    /// RK4 step, s.
    pub dt_s: f64,
    /// A fragment still in the air after this long is an error, s.
    pub max_time_s: f64,
}

impl Default for FlightModel {
    fn default() -> Self {
        FlightModel { constant_density: false, radiation: true, dt_s: 0.01, max_time_s: 3600.0 }
    }
}

/// Convective heat transfer coefficient of a sphere of diameter `size_m` at `speed_m_s` in air of density
/// `rho_kg_m3`, W/(m2 K): Ranz & Marshall (1952) Nu = 2 + 0.6 Re^1/2 Pr^1/3, air viscosity 1.8e-5 Pa s,
/// conductivity 0.026 W/(m K), Pr 0.71.
pub fn convection_w_per_m2_k(speed_m_s: f64, rho_kg_m3: f64, size_m: f64) -> f64 {
    let re = rho_kg_m3 * speed_m_s * size_m / 1.8e-5;
    let nu = 2.0 + 0.6 * re.sqrt() * 0.71f64.powf(1.0 / 3.0);
    nu * 0.026 / size_m
}

/// Winds aloft as (height, east, north) vectors, sorted by height: linear between layers, constant beyond.
struct WindProfile(Vec<(f64, f64, f64)>);

impl WindProfile {
    fn new(winds: &[WindLayer]) -> WindProfile {
        WindProfile(
            winds
                .iter()
                .map(|l| {
                    let to = (l.from_deg + 180.0).to_radians();
                    (l.altitude_m, l.speed_m_s * to.sin(), l.speed_m_s * to.cos())
                })
                .collect(),
        )
    }
    /// (east, north) wind, m/s, `h` m above the ground.
    fn at(&self, h: f64) -> (f64, f64) {
        let layers = &self.0;
        match layers.iter().position(|l| h <= l.0) {
            None => layers.last().map_or((0.0, 0.0), |l| (l.1, l.2)),
            Some(0) => (layers[0].1, layers[0].2),
            Some(k) => {
                let (a, b) = (layers[k - 1], layers[k]);
                let f = (h - a.0) / (b.0 - a.0).max(1e-9);
                (a.1 + f * (b.1 - a.1), a.2 + f * (b.2 - a.2))
            }
        }
    }
}

/// A fragment's heat in flight: burning on (`burn` s left), or hot and cooling as a lumped capacitance, holding at
/// the melting point while its latent heat (`latent_left`, J) goes.
struct Heat {
    th: crate::debris::Thermo,
    mass: f64,
    area: f64,
    size: f64,
    temp_c: f64,
    latent_left: f64,
    burn: Option<f64>,
    burned_out_at: Option<f64>,
}

impl Heat {
    fn new(material: Material, state: ThermalState, mass: f64, size: f64) -> Heat {
        let th = material.thermo();
        let temp_c = match state {
            ThermalState::Hot { temperature_c } => temperature_c,
            ThermalState::Burning { .. } => 0.0,
        };
        let burn = match state {
            ThermalState::Burning { burn_time_s } => Some(burn_time_s),
            _ => None,
        };
        let latent_left = if temp_c >= th.melting_c { th.latent_heat * mass } else { 0.0 };
        // Sphere surface.
        let area = std::f64::consts::PI * size * size;
        Heat { th, mass, area, size, temp_c, latent_left, burn, burned_out_at: None }
    }

    /// The step of `dt` s from time `t` at speed `speed` in air of density `rho` and temperature `air_temp_c`: a
    /// burning fragment burns on; when its burn ends within the step it is a residue at the burnout temperature
    /// from that instant, cooling for the rest of the step (explicit step; radiation if `radiation`).
    #[allow(clippy::too_many_arguments)]
    fn step(&mut self, t: f64, dt: f64, speed: f64, rho: f64, air_temp_c: f64, radiation: bool) {
        let mut cool_dt = dt;
        if let Some(b) = self.burn {
            if b > dt {
                self.burn = Some(b - dt);
                cool_dt = 0.0;
            } else {
                self.burn = None;
                self.burned_out_at = Some(t + b.max(0.0));
                self.temp_c = BURNOUT_TEMPERATURE_C;
                self.latent_left = if self.temp_c >= self.th.melting_c { self.th.latent_heat * self.mass } else { 0.0 };
                cool_dt = dt - b.max(0.0);
            }
        }
        if self.burn.is_none() && cool_dt > 0.0 {
            let hc = convection_w_per_m2_k(speed, rho, self.size);
            let (tk, ta) = (k_from_c(self.temp_c), k_from_c(air_temp_c));
            let radiation = if radiation { self.th.emissivity * 5.670_374e-8 * (tk.powi(4) - ta.powi(4)) } else { 0.0 };
            let q = self.area * (hc * (tk - ta) + radiation); // W
            if self.latent_left > 0.0 {
                self.latent_left -= q * cool_dt;
            } else {
                self.temp_c -= q * cool_dt / (self.mass * self.th.specific_heat);
            }
        }
    }
}

/// One classical Runge-Kutta step of `dt` on (position, velocity) under acceleration `accel`.
fn rk4(p: [f64; 3], v: [f64; 3], dt: f64, accel: &impl Fn([f64; 3], [f64; 3]) -> [f64; 3]) -> ([f64; 3], [f64; 3]) {
    let a1 = accel(p, v);
    let (p2, v2) = (add(p, v, dt / 2.0), add(v, a1, dt / 2.0));
    let a2 = accel(p2, v2);
    let (p3, v3) = (add(p, v2, dt / 2.0), add(v, a2, dt / 2.0));
    let a3 = accel(p3, v3);
    let (p4, v4) = (add(p, v3, dt), add(v, a3, dt));
    let a4 = accel(p4, v4);
    let np = [0, 1, 2].map(|i| p[i] + dt / 6.0 * (v[i] + 2.0 * v2[i] + 2.0 * v3[i] + v4[i]));
    let nv = [0, 1, 2].map(|i| v[i] + dt / 6.0 * (a1[i] + 2.0 * a2[i] + 2.0 * a3[i] + a4[i]));
    (np, nv)
}

fn norm(v: [f64; 3]) -> f64 {
    (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt()
}

/// Fly a point mass from (x, y, z) (z above `ground(x, y)`'s datum, m) with velocity `v` (ENU m/s) to the ground:
/// m dv/dt = m g - 1/2 rho Cd A |v - w| (v - w) (RK4, step `model.dt_s` near the ground, up to 10 times it high up). `beta` = m / (Cd A) kg/m2 (infinite: no
/// drag). Hot inert fragments cool by convection ([`convection_w_per_m2_k`]) and radiation, as a lumped capacitance
/// (Biot number small for cm fragments of metal), holding at the melting point while latent heat goes; burning
/// fragments keep burning. A fragment not on the ground after `model.max_time_s` is an error.
#[allow(clippy::too_many_arguments)]
pub fn fly(
    start: [f64; 3],
    v0: [f64; 3],
    beta: f64,
    winds: &[WindLayer],
    ground: &dyn Fn(f64, f64) -> f64,
    thermal: (Material, ThermalState, f64, f64),
    air_temp_c: f64,
    model: &FlightModel,
) -> Result<Flight> {
    const G: f64 = 9.80665;
    let constant_density = model.constant_density;
    let (material, state, mass, size) = thermal;
    let mut heat = Heat::new(material, state, mass, size);
    let (mut p, mut v) = (start, v0);
    let mut t = 0.0;
    let wind = WindProfile::new(winds);
    // Ground below the fragment at the start of each step: the wind profile's height within a step uses it.
    let mut ground_here = ground(p[0], p[1]);
    let mut landed = false;
    while t < model.max_time_s {
        if p[2] <= ground_here {
            landed = true;
            break;
        }
        let accel = |p: [f64; 3], v: [f64; 3]| -> [f64; 3] {
            let (we, wn) = wind.at(p[2] - ground_here);
            let rel = [v[0] - we, v[1] - wn, v[2]];
            let k = if beta.is_finite() { 0.5 * air_density(p[2], constant_density) * norm(rel) / beta } else { 0.0 };
            [-k * rel[0], -k * rel[1], -G - k * rel[2]]
        };
        // The step grows with the height above the ground, from `dt` within 10 m of it to 10 dt above 100 m (drag
        // time scales of cm fragments are seconds: RK4 stays accurate), so that a break-up high up costs little and
        // the landing point is still found to the base step.
        let dt = model.dt_s * ((p[2] - ground_here) / 10.0).clamp(1.0, 10.0);
        let (np, nv) = rk4(p, v, dt, &accel);
        heat.step(t, dt, norm(v), air_density(p[2], constant_density), air_temp_c, model.radiation);
        // Ground crossing within the step: interpolate.
        let gz = ground(np[0], np[1]);
        if np[2] <= gz {
            let f = ((p[2] - ground_here) / ((p[2] - ground_here) - (np[2] - gz)).max(1e-12)).clamp(0.0, 1.0);
            p = [0, 1, 2].map(|i| p[i] + f * (np[i] - p[i]));
            v = [0, 1, 2].map(|i| v[i] + f * (nv[i] - v[i]));
            t += f * dt;
            landed = true;
            break;
        }
        p = np;
        v = nv;
        t += dt;
        ground_here = gz;
    }
    if !landed {
        return Err(Error::value(
            "flight",
            "",
            format!(
                "still in the air {:.0} s after break-up, {:.0} m above the ground (flight step limit)",
                model.max_time_s,
                p[2] - ground(p[0], p[1])
            ),
        ));
    }
    Ok(Flight {
        x: p[0],
        y: p[1],
        time_s: t,
        speed_m_s: norm(v),
        temperature_c: heat.temp_c,
        burn_left_s: heat.burn,
        burned_out_at_s: heat.burned_out_at,
    })
}

fn add(a: [f64; 3], b: [f64; 3], s: f64) -> [f64; 3] {
    [a[0] + s * b[0], a[1] + s * b[1], a[2] + s * b[2]]
}

/// A class's flight set-up: its name in errors, material, thermal state at break-up and ballistic coefficient.
struct ClassSetup {
    what: String,
    material: Material,
    thermal: ThermalState,
    beta_kg_m2: f64,
}

/// Fly every fragment of the catalogue from the break-up `samples_per_fragment` times with random break-up
/// velocity perturbations (seeded), giving the impact field (each sample with probability 1 / samples).
pub fn fly_event(
    bu: &BreakUp,
    classes: &[FragmentClass],
    winds: &[WindLayer],
    ls: &Landscape,
    seed: u64,
) -> Result<DebrisField> {
    let field = fly_event_over(bu, classes, winds, ls.full_grid(), &|x, y| ground_elevation(ls, x, y), seed)?;
    if let Some(e) = ls.ground.as_ref().and_then(|g| g.take_error()) {
        return Err(e.within("the ground under the failure event's flights"));
    }
    Ok(field)
}

/// [`fly_event`] over the landscape of grid `grid` (the whole landscape's) whose ground elevation at a map point
/// `ground` gives.
pub fn fly_event_over(
    bu: &BreakUp,
    classes: &[FragmentClass],
    winds: &[WindLayer],
    grid: &crate::io::grid::Grid,
    ground: &(dyn Fn(f64, f64) -> f64 + Sync),
    seed: u64,
) -> Result<DebrisField> {
    check_break_up(bu, winds)?;
    let (x, y) = break_up_xy(bu, grid)?;
    let mut w = winds.to_vec();
    w.sort_by(|a, b| a.altitude_m.total_cmp(&b.altitude_m));
    let z0 = ground(x, y) + bu.altitude_agl_m;
    let mut rng = Rng::stream(seed, "debris.event");
    // Each class's thermal state and ballistic coefficient; then every flight's initial velocity, drawn in order
    // from the event's stream; then the flights, in parallel (each depends only on its own draws), in that order.
    let mut setups = Vec::with_capacity(classes.len());
    let mut jobs: Vec<(usize, usize, usize, [f64; 3])> = Vec::new();
    for (k, c) in classes.iter().enumerate() {
        setups.push(class_setup(k, c)?);
        for i in 0..c.count {
            for s in 0..bu.samples_per_fragment {
                let dv = [rng.normal(), rng.normal(), rng.normal()].map(|n| n * bu.dispersion_m_s);
                jobs.push((k, i, s, [0, 1, 2].map(|j| bu.velocity_enu_m_s[j] + dv[j])));
            }
        }
    }
    let progress = crate::io::progress::WorkProgress::new(
        &format!("failure event: flying {} fragments", jobs.len()),
        "flights",
        jobs.len() as u64,
        jobs.len() >= SHOW_FLIGHT_PROGRESS_FROM,
    );
    let frags = jobs
        .par_iter()
        .map(|&(k, i, s, v0)| {
            let (c, setup) = (&classes[k], &setups[k]);
            let f = fly(
                [x, y, z0],
                v0,
                setup.beta_kg_m2,
                &w,
                &ground,
                (setup.material, setup.thermal, c.mass_kg, c.size_m),
                bu.air_temp_c,
                &FlightModel::default(),
            )
            .map_err(|e| Error::value(format!("{}, fragment {i}, sample {s}", setup.what), "", e.to_string()))?;
            progress.inc(1);
            Ok(impact(bu, c, setup.material, i, s, &f))
        })
        .collect::<Result<Vec<Fragment>>>()?;
    progress.finish();
    let n = frags.len();
    // On or off the whole landscape (a run may have read only a window of it).
    let mut field = DebrisField::from_fragments(frags, grid);
    field.notes.push(format!(
        "failure event: {} fragments in {} classes flown {} times each ({n} impacts), break-up {:.0} m above ground",
        classes.iter().map(|c| c.count).sum::<usize>(),
        classes.len(),
        bu.samples_per_fragment,
        bu.altitude_agl_m
    ));
    Ok(field)
}

/// The break-up's physical bounds, each named: a break-up above 100 km or faster than 10 km/s is no launch failure
/// over a landscape (and would take the flight integrator hours or past its stability).
fn check_break_up(bu: &BreakUp, winds: &[WindLayer]) -> Result<()> {
    if !bu.state_given() {
        return Err(Error::value(
            "debris.event",
            "",
            "no break-up height and velocity: the [trajectory] gives them to an ensemble's members at their failure \
             times (emberfall ensemble); a single run needs altitude_agl_m and velocity_enu_m_s",
        ));
    }
    // A longitude or latitude out of range is named before PROJ sees it.
    for (name, v, lim) in [("lon", bu.lon, 180.0), ("lat", bu.lat, 90.0)] {
        if let Some(v) = v {
            if !(v.is_finite() && v.abs() <= lim) {
                return Err(Error::value(
                    format!("debris.event.{name}"),
                    v,
                    format!("must be in -{lim}..{lim} degrees"),
                ));
            }
        }
    }
    let bound = |name: &str, v: f64, lo: f64, hi: f64| -> Result<()> {
        if !(v.is_finite() && v >= lo && v <= hi) {
            return Err(Error::value(name, v, format!("must be in {lo}..{hi}")));
        }
        Ok(())
    };
    bound("debris.event.altitude_agl_m", bu.altitude_agl_m, 0.0, 1.0e5)?;
    for (k, v) in bu.velocity_enu_m_s.iter().enumerate() {
        bound(&format!("debris.event.velocity_enu_m_s[{k}]"), *v, -1.0e4, 1.0e4)?;
    }
    bound("debris.event.dispersion_m_s", bu.dispersion_m_s, 0.0, 1000.0)?;
    bound("debris.event.time_after_liftoff_s", bu.time_after_liftoff_s, 0.0, 1.0e5)?;
    bound("debris.event.air_temp_c", bu.air_temp_c, -60.0, 60.0)?;
    check_winds(winds)?;
    if !(1..=10_000).contains(&bu.samples_per_fragment) {
        return Err(Error::value("debris.event.samples_per_fragment", bu.samples_per_fragment, "must be in 1..10000"));
    }
    Ok(())
}

/// Where the break-up is on the landscape's grid: its x and y, or its lon and lat projected.
fn break_up_xy(bu: &BreakUp, g: &crate::io::grid::Grid) -> Result<(f64, f64)> {
    match (bu.x, bu.y, bu.lon, bu.lat) {
        (Some(x), Some(y), _, _) => Ok((x, y)),
        (_, _, Some(lon), Some(lat)) => {
            let tr = super::forms::lonlat_to(g)?;
            let (mut xs, mut ys) = ([lon], [lat]);
            tr.transform_coords(&mut xs, &mut ys, &mut [])?;
            Ok((xs[0], ys[0]))
        }
        _ => Err(Error::value("debris.event", "", "give x and y, or lon and lat, of the break-up")),
    }
}

/// Class `k`'s material, thermal state and ballistic coefficient (given, or m / (Cd A) with Cd 1 and the
/// sphere's cross-section when not given).
fn class_setup(k: usize, c: &FragmentClass) -> Result<ClassSetup> {
    let what = format!("debris.event.class[{k}] ({})", c.name);
    let spec = FragmentClassSpec {
        material: c.material.clone(),
        size_m: c.size_m,
        mass_kg: c.mass_kg,
        temperature_c: c.temperature_c,
        burning: c.burning,
        burn_time_s: c.burn_time_s,
    };
    let (material, thermal) = spec.thermal(&what)?;
    let beta_kg_m2 = match c.ballistic_coefficient_kg_m2 {
        Some(b) if b > 0.0 => b,
        Some(b) => return Err(Error::value(format!("{what}: ballistic_coefficient_kg_m2"), b, "must be positive")),
        None => {
            let cd = c.cd.unwrap_or(1.0);
            let area = c.area_m2.unwrap_or(std::f64::consts::PI * c.size_m * c.size_m / 4.0);
            if cd <= 0.0 || area <= 0.0 {
                return Err(Error::value(what, "", "cd and area_m2 must be positive"));
            }
            c.mass_kg / (cd * area)
        }
    };
    Ok(ClassSetup { what, material, thermal, beta_kg_m2 })
}

/// Sample `s` of fragment `i` of class `c` where its flight `f` ended: burning on the ground, or (burnt out in
/// flight, or never burning) hot at the temperature it cooled to.
fn impact(bu: &BreakUp, c: &FragmentClass, material: Material, i: usize, s: usize, f: &Flight) -> Fragment {
    let thermal_at_impact = match f.burn_left_s {
        Some(b) => ThermalState::Burning { burn_time_s: b },
        None => ThermalState::Hot { temperature_c: f.temperature_c },
    };
    Fragment {
        id: format!("{}_{}_{}", c.name, i, s),
        x: f.x,
        y: f.y,
        mass_kg: c.mass_kg,
        size_m: c.size_m,
        material,
        thermal: thermal_at_impact,
        impact_probability: 1.0 / bu.samples_per_fragment as f64,
        impact_time_s: bu.time_after_liftoff_s + f.time_s,
        footprint: None,
        class: c.name.clone(),
        burned_out_in_flight: f.burned_out_at_s.is_some(),
    }
}

/// Flights (fragments times samples) of a failure event from which its flight reports progress (about 10 s).
const SHOW_FLIGHT_PROGRESS_FROM: usize = 200_000;

/// Ground elevation at map point (x, y): bilinear in the DEM; 0 (sea level) off the landscape or on nodata. On a
/// landscape of which only a window was read, the whole landscape's DEM, read tile by tile as the flights ask.
pub fn ground_elevation(ls: &Landscape, x: f64, y: f64) -> f64 {
    match &ls.ground {
        // Paged: the cells of the window read come from its elevation (the whole landscape's values), the others
        // from the DEM's tiles; one lock per cell beyond the window only.
        Some(g) => {
            // (A window grown to the whole landscape reads it all: `paged` is then none and the grid the whole.)
            let w = ls.paged.as_ref().map_or(crate::landscape::window::CellWindow::whole(&ls.grid), |p| p.window);
            crate::landscape::ground::bilinear(g.grid(), x, y, |r, c| {
                if r >= w.row0 && c >= w.col0 && r < w.row0 + w.rows && c < w.col0 + w.cols {
                    ls.elevation_m[(r - w.row0) * w.cols + (c - w.col0)]
                } else {
                    g.cell(r, c)
                }
            })
        }
        None => {
            let g = &ls.grid;
            crate::landscape::ground::bilinear(g, x, y, |r, c| ls.elevation_m[r * g.cols + c])
        }
    }
}
