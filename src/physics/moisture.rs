//! Dead fuel moisture: Nelson's (2000) stick model in the form FARSITE, FlamMap and FireFamilyPlus use (Bevins 2005,
//! "DeadFuelMoisture"): a cylindrical stick of radius r (1-h 0.20 cm, 10-h 0.64 cm, 100-h 2.00 cm, 1000-h 6.40 cm),
//! 41 cm long, density 0.40 g/cm3, divided into radial nodes; each weather observation (air temperature,
//! humidity, solar radiation, rain) drives the stick surface's temperature, humidity and moisture, and implicit
//! finite differences carry moisture, liquid saturation and heat into the stick.
//!
//! Sources:
//! - Nelson, R.M. Jr. (2000) Prediction of diurnal change in 10-h fuel stick moisture content. Can. J. For. Res.
//!   30: 1071-1087 (the model: surface energy balance, sorption isotherm, bound-water diffusivity, free-water
//!   transport, rain).
//! - Bevins, C.D. (2005) fuel moisture library used by FARSITE/FlamMap/FireFamilyPlus (the parameters of sticks
//!   of other sizes as functions of the radius, the time-step and node counts, the treatment of rain).
//! - Carlson et al. (2007) on the radius-dependent parameters.
//!
//! Units follow the model's own (cgs and calories), converted at the edges: temperature in C, humidity and
//! moisture as fractions (g/g) inside, percent at the interface; precipitation in cm inside, mm at the interface;
//! solar radiation in W/m2 at the interface (Nelson's pyranometer millivolts inside); barometric pressure in
//! cal/cm3 (0.0218, as FARSITE holds it).
//!
//! Conventions of the reference implementation kept here (and needed to reproduce it): each hourly update runs one
//! moisture sub-step more than its step count (the first sub-step is taken twice); weather is interpolated
//! linearly within the update from the previous observation; any rain during an update makes the whole update
//! "raining" with the first-hour runoff factor; when humidity is falling during rain the runoff factor is scaled
//! by 0.15 (Nelson).

use crate::units::{c_from_f, f_from_c, frac_from_pct, pct_from_frac, FT_PER_M_FARSITE, KELVIN_AT_0C_NELSON};

// Constants (Nelson 2000, table 1; Bevins 2005). Units in comments.
/// Permeability of the stick when saturated, cm2.
const AKS: f64 = 2.0e-13;
/// Ratio of the heat transfer coefficient for water vapour to that of heat (dl), Ap: 0.000772 (1/C).
const AP: f64 = 0.000772;
/// Fraction of the stick's cross-section open to liquid water (dl).
const AW: f64 = 0.8;
/// Maximum surface humidity (g/g).
const HFS: f64 = 0.99;
/// 0 C in K, as the model's code writes it ([`KELVIN_AT_0C_NELSON`]).
const KELVIN: f64 = KELVIN_AT_0C_NELSON;
/// Pi as the reference implementation writes it (to 10 digits): kept so its numbers are reproduced.
#[allow(clippy::approx_constant)]
const PI: f64 = 3.141592654;
/// Prandtl number (dl).
const PR: f64 = 0.7;
/// Schmidt number (dl).
const SC: f64 = 0.58;
/// Pyranometer calibration: W/m2 per millivolt.
const SMV: f64 = 94.743;
/// Surface tension of water (dyne/cm).
const ST: f64 = 72.8;
/// Sky temperature by day and by night (C).
const TCD: f64 = 6.0;
const TCN: f64 = 3.0;
/// Thermal diffusivity of the stick (cm2/h).
const THDIFF: f64 = 8.0;
/// Diameter of the largest pit membrane pore (cm).
const WL: f64 = 0.0023;
/// Solar radiation factor: radiation received by half the stick at the solar constant (cal/cm2-h), in mV.
const SRF: f64 = 14.82052;
/// -ln(1 - 0.99): the isotherm's humidity term at the fibre saturation humidity (dl).
const WSF: f64 = 4.60517;
/// Long-wave radiative heat transfer coefficient by day and by night (cal/cm2-h-C).
const HRD: f64 = 0.116171;
const HRN: f64 = 0.112467;
/// Irreducible and critical liquid saturation (dl).
const SIR: f64 = 0.0714285;
const SCR: f64 = 0.285714;

/// Barometric pressure FARSITE holds constant (cal/cm3).
pub const PRESSURE_CAL_CM3: f64 = 0.0218;

/// Stick radii of the 1-h, 10-h, 100-h and 1000-h size classes (cm).
pub const RADII_CM: [f64; 4] = [0.20, 0.64, 2.00, 6.40];

/// One observation: what drives the stick during the hour (or interval) ending at it.
#[derive(Clone, Copy, Debug)]
pub struct Observation {
    pub air_temp_c: f64,
    /// Relative humidity, percent.
    pub rh_pct: f64,
    /// Rain during the interval ending at this observation, mm.
    pub precip_mm: f64,
    /// Solar radiation at the observation, W/m2.
    pub solar_w_m2: f64,
}

impl Observation {
    /// Check the observation against the model's domain (the reference implementation refuses humidity below
    /// 0.1 %, temperatures outside -60..60 C and radiation above 2000 W/m2): the first field out of range, with its
    /// value and range, as the column names of the weather files.
    pub fn check(&self) -> std::result::Result<(), String> {
        for (name, v, lo, hi, unit) in [
            ("air_temp_c", self.air_temp_c, -60.0, 60.0, "C"),
            ("rh_pct", self.rh_pct, 0.1, 100.0, "%"),
            ("precip_mm", self.precip_mm, 0.0, 500.0, "mm"),
            ("solar_w_m2", self.solar_w_m2, 0.0, 2000.0, "W/m2"),
        ] {
            if !(v.is_finite() && (lo..=hi).contains(&v)) {
                return Err(format!("{name} {v} is outside {lo}..{hi} {unit}"));
            }
        }
        Ok(())
    }
}

/// A dead fuel stick of one size class and its state.
#[derive(Clone, Debug)]
pub struct Stick {
    radius_cm: f64,
    nodes: usize,
    moisture_steps: usize,
    diffusivity_steps: usize,
    /// Planar heat transfer rate (cal/cm2-h-C).
    hc: f64,
    /// Adsorption and desorption surface mass transfer rates ((cm3/cm2)/h).
    stca: f64,
    stcd: f64,
    /// First-hour rainfall runoff factor (dl).
    rai0: f64,
    /// Maximum local moisture due to rain (g/g).
    wmx: f64,
    /// Maximum possible moisture (g/g): 1/density - 1/1.53.
    wmax: f64,
    density: f64,
    dx: f64,
    /// Radial distance of each node from the centre (cm); node 0 is the surface.
    x: Vec<f64>,
    /// Volume fraction of each node (dl).
    v: Vec<f64>,
    hwf: f64,
    amlf: f64,
    capf: f64,
    vf: f64,
    // Weather at the previous and the current observation.
    ta: [f64; 2],
    ha: [f64; 2],
    sv: [f64; 2],
    rain_cm: f64,
    bp: [f64; 2],
    /// Rain duration (h).
    rdur: f64,
    /// Surface humidity (g/g), fibre saturation (g/g), surface equilibrium moisture (g/g).
    hf: f64,
    wsa: f64,
    sem: f64,
    // Nodal temperature (C), liquid saturation (dl), bound-water diffusivity (cm2/h), moisture (g/g).
    t: Vec<f64>,
    s: Vec<f64>,
    d: Vec<f64>,
    w: Vec<f64>,
}

impl Stick {
    /// A stick of `radius_cm` with Bevins' radius-dependent parameters (Bevins 2005; Carlson et al. 2007):
    /// nodes int(10.727 + 0.1746 / r) made odd, moisture steps int(9.8202 + 26.865 / r^1.4), diffusivity steps
    /// int(4.777 + 2.496 / r^1.3), planar heat transfer 0.2195 + 0.05260 / r^2.5 cal/cm2-h-C, adsorption rate
    /// 0.0004509 + 0.006126 / r^2.6 (cm3/cm2)/h, first-hour runoff 0.02822 + 0.1056 / r^2.2; desorption rate
    /// 0.06, maximum local moisture 0.60 g/g, length 41 cm, density 0.40 g/cm3.
    pub fn new(radius_cm: f64) -> Stick {
        let r = radius_cm;
        let mut nodes = (10.727 + 0.1746 / r) as usize;
        if nodes % 2 == 0 {
            nodes += 1;
        }
        let moisture_steps = (9.8202 + 26.865 / r.powf(1.4)) as usize;
        let diffusivity_steps = (4.777 + 2.496 / r.powf(1.3)) as usize;
        let hc = 0.2195 + 0.05260 / r.powf(2.5);
        let stca = 0.0004509 + 0.006126 / r.powf(2.6);
        let rai0 = 0.02822 + 0.1056 / r.powf(2.2);
        let (density, length_cm, wmx, stcd) = (0.400, 41.0, 0.60, 0.06);
        let dx = r / (nodes - 1) as f64;
        // Node radii and volume fractions (annuli of width dx around each node, half-width at the surface).
        let mut x: Vec<f64> = (0..nodes - 1).map(|i| r - dx * i as f64).collect();
        x.push(0.0);
        let a2 = r * r;
        let (mut ro, mut ri) = (r, r - 0.5 * dx);
        let mut v = vec![(ro * ro - ri * ri) / a2];
        for _ in 1..nodes - 1 {
            ro = ri;
            ri = ro - dx;
            v.push((ro * ro - ri * ri) / a2);
        }
        v.push(ri * ri / a2);
        // Nelson (2000): heat and vapour transfer factors, capillary and free-water factors.
        let hwf = 0.622 * hc * (PR / SC).powf(0.667);
        let amlf = hwf / (0.24 * density * r);
        let rcav = 0.5 * AW * WL;
        let capf = 3600.0 * PI * ST * rcav * rcav / (16.0 * r * r * length_cm * density);
        let vf = ST / (density * WL * SCR);
        let mut stick = Stick {
            radius_cm,
            nodes,
            moisture_steps,
            diffusivity_steps,
            hc,
            stca,
            stcd,
            rai0,
            wmx,
            wmax: 1.0 / density - 1.0 / 1.53,
            density,
            dx,
            x,
            v,
            hwf,
            amlf,
            capf,
            vf,
            ta: [20.0; 2],
            ha: [0.2; 2],
            sv: [0.0; 2],
            rain_cm: 0.0,
            bp: [PRESSURE_CAL_CM3; 2],
            rdur: 0.0,
            hf: 0.2,
            wsa: 0.0,
            sem: 0.0,
            t: vec![20.0; nodes],
            s: vec![0.0; nodes],
            d: vec![0.0; nodes],
            w: vec![0.5 * wmx; nodes],
        };
        stick.initialise(20.0, 20.0, 0.0, 0.5 * wmx);
        stick
    }

    /// The stick's radius (cm).
    pub fn radius_cm(&self) -> f64 {
        self.radius_cm
    }

    /// Start from a uniform stick at `moisture` (g/g), at the air's temperature (C), with the surface at the air's
    /// humidity (percent), under `solar_w_m2`.
    pub fn initialise(&mut self, air_temp_c: f64, rh_pct: f64, solar_w_m2: f64, moisture: f64) {
        let ha = frac_from_pct(rh_pct);
        self.ta = [air_temp_c; 2];
        self.ha = [ha; 2];
        self.sv = [solar_w_m2 / SMV; 2];
        self.rain_cm = 0.0;
        self.bp = [PRESSURE_CAL_CM3; 2];
        self.rdur = 0.0;
        self.hf = ha.min(HFS);
        self.wsa = moisture + 0.1;
        self.t.fill(air_temp_c);
        self.w.fill(moisture);
        self.s.fill(0.0);
        self.diffusivity(PRESSURE_CAL_CM3);
    }

    /// Volume-weighted mean moisture of the stick (g/g), at most the maximum local moisture.
    pub fn moisture(&self) -> f64 {
        self.w.iter().zip(&self.v).map(|(w, v)| w * v).sum::<f64>().min(self.wmx)
    }

    /// Surface temperature (C).
    pub fn surface_temp_c(&self) -> f64 {
        self.t[0]
    }

    /// Bound-water diffusivity at each node (Nelson 2000, eqs. 15-26), cm2/h, at barometric pressure `bp`
    /// (cal/cm3).
    fn diffusivity(&mut self, bp: f64) {
        for i in 0..self.nodes {
            let tk = self.t[i] + 273.2;
            // Latent heat of vaporisation (cal/mol) and specific heat of water vapour (cal/(mol K)).
            let qv = 13550.0 - 10.22 * tk;
            let cpv = 7.22 + 0.002374 * tk + 2.67e-07 * tk * tk;
            // Water vapour diffusivity in air (cm2/h); 0.0242 cal/cm3 is sea-level pressure.
            let dv = 0.22 * 3600.0 * (0.0242 / bp) * (tk / KELVIN).powf(1.75);
            // Saturation vapour pressure at the node's temperature (cal/cm3).
            let ps1 = 0.0000239 * (20.58 - 5205.0 / tk).exp();
            // Sorption isotherm parameters (g/g).
            let c1 = 0.1617 - 0.001419 * self.t[i];
            let c2 = 0.4657 + 0.003578 * self.t[i];
            // Bound water below fibre saturation, and the isotherm's reciprocal slope dh/dm.
            let (wc, dhdm) = if self.w[i] < self.wsa {
                let dhdm = if c2 != 1.0 && self.hf < 1.0 && c1 != 0.0 && c2 != 0.0 {
                    (1.0 - self.hf) * (-(1.0 - self.hf).ln()).powf(1.0 - c2) / (c1 * c2)
                } else {
                    0.0
                };
                (self.w[i], dhdm)
            } else {
                let dhdm = if c2 != 1.0 && c1 != 0.0 && c2 != 0.0 {
                    (1.0 - HFS) * WSF.powf(1.0 - c2) / (c1 * c2)
                } else {
                    0.0
                };
                (self.wsa, dhdm)
            };
            // Adsorbed water density (g/cm3), volume fractions of adsorbed water and moist cell wall (dl).
            let daw = 1.3 - 0.64 * wc;
            let svaw = 1.0 / daw;
            let vfaw = svaw * wc / (0.685 + svaw * wc);
            let vfcw = (0.685 + svaw * wc) / ((1.0 / self.density) + svaw * wc);
            // From wood substance to whole wood, and the tortuosity of the cell wall.
            let rfcw = 1.0 - (1.0 - vfcw).sqrt();
            let fac = 1.0 / (rfcw * vfcw);
            let con = 1.0 / (2.0 - vfaw);
            // Differential heat of sorption (cal/mol) and activation energy of bound-water diffusion (cal/mol).
            let qw = 5040.0 * (-14.0 * wc).exp();
            let e = (qv + qw - cpv * tk) / 1.2;
            // Vapour diffusion through the lumens, hindered by 0.016 (Nelson), plus bound-water diffusion.
            let dvpr = 18.0 * 0.016 * (1.0 - vfcw) * dv * ps1 * dhdm / (self.density * 1.987 * tk);
            self.d[i] = dvpr + 3600.0 * 0.0985 * con * fac * (-e / (1.987 * tk)).exp();
        }
    }

    /// Advance the stick through `hours` to observation `obs` (weather interpolated from the previous one).
    pub fn update(&mut self, hours: f64, obs: &Observation) {
        let et = hours;
        self.ta = [self.ta[1], obs.air_temp_c];
        self.ha = [self.ha[1], frac_from_pct(obs.rh_pct)];
        self.sv = [self.sv[1], obs.solar_w_m2.max(0.0) / SMV];
        self.bp = [self.bp[1], PRESSURE_CAL_CM3];
        self.rain_cm = obs.precip_mm.max(0.0) / 10.0;
        let ra1 = self.rain_cm;
        if ra1 < 0.0001 {
            self.rdur = 0.0;
        }
        // Rain rate over the interval, divided by pi (cm/h).
        let pptrate = ra1 / et / PI;
        let mdt = et / self.moisture_steps as f64;
        let ddt = et / self.diffusivity_steps as f64;
        // First-hour runoff (g/g per step), reduced when humidity falls (Nelson).
        let mut rai0 = mdt * self.rai0 * (1.0 - (-100.0 * pptrate).exp());
        if self.ha[1] < self.ha[0] {
            rai0 *= 0.15;
        }
        let n = self.nodes;
        let mut ddt_next = ddt;
        let mut tt = mdt;
        let mut nstep = 1usize;
        let (mut wold, mut sold, mut told) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        let mut g = vec![0.0; n];
        // The reference's loop: the first sub-step is taken twice (tt = mdt, mdt, 2 mdt, ... while tt <= et).
        while tt <= et {
            self.rdur = if ra1 > 0.0001 { self.rdur + mdt } else { 0.0 };
            let step = self.surface_at(tt / et);
            let stagnation = self.surface_moisture(&step, ra1, rai0, mdt);
            wold.copy_from_slice(&self.w);
            sold.copy_from_slice(&self.s);
            told.copy_from_slice(&self.t);
            if !stagnation {
                self.interior_moisture(&step, &mut g, &wold, &sold, mdt);
            }
            self.interior_heat(&told, mdt);
            // Diffusivity every diffusivity step.
            if (ddt_next - tt) < 0.5 * mdt {
                self.diffusivity(step.bp);
                ddt_next += ddt;
            }
            tt = nstep as f64 * mdt;
            nstep += 1;
        }
    }

    /// The weather a fraction `tfract` through the interval, and the stick surface under it: its temperature
    /// (radiation, convection and evaporative cooling, Nelson eqs. 1-4, set in `t[0]`), sorption isotherm
    /// (`wsa`), surface humidity (`hf`) and equilibrium moisture (`sem`).
    fn surface_at(&mut self, tfract: f64) -> SubStep {
        let ta = self.ta[0] + (self.ta[1] - self.ta[0]) * tfract;
        let ha = self.ha[0] + (self.ha[1] - self.ha[0]) * tfract;
        let sv = self.sv[0] + (self.sv[1] - self.sv[0]) * tfract;
        let bp = self.bp[0] + (self.bp[1] - self.bp[0]) * tfract;
        // Fraction of the solar constant; air, dew point and sky temperatures (K or C).
        let fsc = sv / SRF;
        let tka = ta + KELVIN;
        let tdw = 5205.0 / ((5205.0 / tka) - ha.ln());
        let tdp = tdw - KELVIN;
        let night = fsc < 0.000001;
        let tsk = if night { TCN + KELVIN } else { TCD + KELVIN };
        let hr = if night { HRN } else { HRD };
        let sr = if night { 0.0 } else { SRF * fsc };
        // Saturation vapour pressures in the air and at the dew point, vapour pressure of the air (cal/cm3).
        let psa = 0.0000239 * (20.58 - 5205.0 / tka).exp();
        let pa = ha * psa;
        let psd = 0.0000239 * (20.58 - 5205.0 / tdw).exp();

        let tfd = ta + (sr - hr * (ta - tsk + KELVIN)) / (hr + self.hc);
        let qv = 13550.0 - 10.22 * (tfd + KELVIN);
        let hw = (self.hwf * AP / 0.24) * qv / 18.0;
        self.t[0] = tfd - (hw * (tfd - ta) / (hr + self.hc + hw));
        let qw = 5040.0 * (-14.0 * self.w[0]).exp();
        let tkf = self.t[0] + KELVIN;
        // Kinematic viscosity of liquid water (cm2/s).
        let gnu = 0.00439 + 0.00000177 * (338.76 - tkf).powf(2.1237);
        // Sorption isotherm and fibre saturation (g/g).
        let c1 = 0.1617 - 0.001419 * self.t[0];
        let c2 = 0.4657 + 0.003578 * self.t[0];
        self.wsa = c1 * WSF.powf(c2);
        let wdiff = (self.wmax - self.wsa).max(0.000001);
        // Surface vapour pressure and humidity, and the surface's equilibrium moisture.
        let ps1 = 0.0000239 * (20.58 - 5205.0 / tkf).exp();
        let mut p1 = pa + AP * bp * (qv / (qv + qw)) * (tka - tkf);
        p1 = p1.max(0.000001);
        self.hf = (p1 / ps1).min(HFS);
        self.sem = c1 * (-(1.0 - self.hf).ln()).powf(c2);
        SubStep { bp, tdp, psd, tfd, ps1, p1, gnu, wdiff }
    }

    /// Surface moisture by state: rain, evaporation/condensation above fibre saturation, condensation, desorption
    /// or adsorption. Returns whether the surface stagnated (no change above fibre saturation).
    fn surface_moisture(&mut self, st: &SubStep, ra1: f64, rai0: f64, mdt: f64) -> bool {
        let w_old = self.w[0];
        let s_new;
        let w_new;
        let mut stagnation = false;
        if ra1 > 0.0 {
            w_new = w_old + rai0;
            s_new = (w_new - self.wsa) / st.wdiff;
            self.t[0] = st.tfd;
            self.hf = HFS;
        } else if w_old > self.wsa {
            self.hf = HFS;
            let mut aml = self.amlf * (st.ps1 - st.psd) / st.bp;
            if self.t[0] <= st.tdp && st.ps1 > st.psd {
                aml = 0.0;
            }
            let mut wn = w_old - aml * mdt * 2.0;
            if aml > 0.0 {
                wn -= mdt * self.capf / st.gnu;
            }
            wn = wn.min(self.wmx);
            s_new = (wn - self.wsa) / st.wdiff;
            stagnation = wn == w_old;
            w_new = wn;
        } else if self.t[0] <= st.tdp {
            let aml = if st.p1 > st.psd { 0.0 } else { self.amlf * (st.p1 - st.psd) / st.bp };
            w_new = w_old - aml * mdt * 2.0;
            s_new = (w_new - self.wsa) / st.wdiff;
        } else {
            let rate = if w_old >= self.sem { self.stcd } else { self.stca };
            let bi = rate * self.dx / self.d[0];
            w_new = (self.w[1] + bi * self.sem) / (1.0 + bi);
            s_new = 0.0;
        }
        self.w[0] = w_new.min(self.wmx);
        self.s[0] = s_new.max(0.0);
        stagnation
    }

    /// Interior nodes' free water and bound water: implicit finite differences in the radius (Nelson eqs. 27-33).
    fn interior_moisture(&mut self, st: &SubStep, g: &mut [f64], wold: &[f64], sold: &[f64], mdt: f64) {
        let (n, dx, wdiff) = (self.nodes, self.dx, st.wdiff);
        for ((gi, &wi), &xi) in g.iter_mut().zip(&self.w).zip(&self.x) {
            *gi = 0.0;
            let svp = (wi - self.wsa) / wdiff;
            if (SIR..=SCR).contains(&svp) {
                // Permeability when unsaturated (cm2) and the free-water transport coefficient (cm2/h).
                let ak = AKS * (2.0 * (svp / SCR).sqrt() - 1.0);
                *gi = (ak / (st.gnu * wdiff)) * xi * self.vf * (SCR / svp).powf(1.5);
            }
        }
        for i in 1..n - 1 {
            let (ae, aw, ar) = (g[i + 1] / dx, g[i - 1] / dx, self.x[i] * dx / mdt);
            let s = (ae * sold[i + 1] + aw * sold[i - 1] + ar * sold[i]) / (ae + aw + ar);
            self.s[i] = s.clamp(0.0, SIR);
        }
        self.s[n - 1] = self.s[n - 2];
        let continuous_liquid = self.s[1..n - 1].iter().all(|&s| s >= SIR);
        for i in 1..n - 1 {
            let w = if continuous_liquid {
                self.wsa + self.s[i] * wdiff
            } else {
                let (ae, aw, ar) =
                    (self.d[i + 1] * self.x[i + 1] / dx, self.d[i - 1] * self.x[i - 1] / dx, self.x[i] * dx / mdt);
                (ae * wold[i + 1] + aw * wold[i - 1] + ar * wold[i]) / (ae + aw + ar)
            };
            self.w[i] = w.clamp(0.0, self.wmx);
        }
        self.w[n - 1] = self.w[n - 2];
    }

    /// Interior nodes' temperature: implicit heat diffusion (thermal diffusivity THDIFF), capped at 71 C.
    fn interior_heat(&mut self, told: &[f64], mdt: f64) {
        let (n, dx) = (self.nodes, self.dx);
        for i in 1..n - 1 {
            let (ae, aw, ar) = (THDIFF * self.x[i + 1] / dx, THDIFF * self.x[i - 1] / dx, self.x[i] * dx / mdt);
            let t = (ae * told[i + 1] + aw * told[i - 1] + ar * told[i]) / (ae + aw + ar);
            self.t[i] = t.min(71.0);
        }
        self.t[n - 1] = self.t[n - 2];
    }
}

/// What one sub-step of [`Stick::update`] computes of the air and the stick surface for the nodes below it.
struct SubStep {
    /// Barometric pressure (cal/cm3), dew point (C), saturation vapour pressure at the dew point (cal/cm3).
    bp: f64,
    tdp: f64,
    psd: f64,
    /// Surface temperature before evaporative cooling (C).
    tfd: f64,
    /// Saturation and actual vapour pressure at the surface (cal/cm3).
    ps1: f64,
    p1: f64,
    /// Kinematic viscosity of liquid water (cm2/s); fibre saturation less the isotherm (g/g).
    gnu: f64,
    wdiff: f64,
}

/// Moisture of the 1-h, 10-h, 100-h and 1000-h sticks (percent) through `observations` at times `hours` (h,
/// increasing), the first initialising the sticks at `initial_pct`: row 0 of the result is the initial state,
/// each later row the state at its observation.
pub fn condition(hours: &[f64], observations: &[Observation], initial_pct: [f64; 4]) -> Vec<[f64; 4]> {
    let Some(first) = observations.first() else { return Vec::new() };
    let mut sticks: Vec<Stick> = RADII_CM.iter().map(|&r| Stick::new(r)).collect();
    for (s, m) in sticks.iter_mut().zip(initial_pct) {
        s.initialise(first.air_temp_c, first.rh_pct, first.solar_w_m2, frac_from_pct(m));
    }
    let mut out = vec![std::array::from_fn(|k| sticks[k].moisture() * 100.0)];
    for (k, obs) in observations.iter().enumerate().skip(1) {
        let dt = hours[k] - hours[k - 1];
        for s in sticks.iter_mut() {
            s.update(dt, obs);
        }
        out.push(std::array::from_fn(|k| sticks[k].moisture() * 100.0));
    }
    out
}

/// [`condition`] through observations one hour apart.
pub fn hourly(observations: &[Observation], initial_pct: [f64; 4]) -> Vec<[f64; 4]> {
    let hours: Vec<f64> = (0..observations.len()).map(|h| h as f64).collect();
    condition(&hours, observations, initial_pct)
}

/// Nelson's equilibrium moisture of the sorption isotherm at temperature `t_c` and humidity `rh_pct`
/// (Nelson 2000, eq. 9 with its temperature-dependent c1, c2): percent.
pub fn equilibrium_moisture_pct(t_c: f64, rh_pct: f64) -> f64 {
    let h = frac_from_pct(rh_pct).min(HFS);
    let c1 = 0.1617 - 0.001419 * t_c;
    let c2 = 0.4657 + 0.003578 * t_c;
    100.0 * c1 * (-(1.0 - h).ln()).powf(c2)
}

/// Fractional part in [0, 1) (Montenbruck & Pfleger's FRAC).
fn frac(v: f64) -> f64 {
    let f = v - v.trunc();
    if f < 0.0 {
        f + 1.0
    } else {
        f
    }
}

/// Julian date of a calendar date and time (UT), Gregorian calendar (Meeus 1988, ch. 3).
pub fn julian_date(year: i32, month: u32, day: u32, hour: f64) -> f64 {
    let (y, m) = if month <= 2 { (year - 1, month + 12) } else { (year, month) };
    let a = (y as f64 / 100.0).floor();
    let b = 2.0 - a + (a / 4.0).floor();
    (365.25 * (y as f64 + 4716.0)).floor() + (30.6001 * (m as f64 + 1.0)).floor() + day as f64 + b - 1524.5
        + hour / 24.0
}

/// The sun's altitude above the horizon (degrees) at Julian date `jd` (UT) seen from latitude `lat_deg` and
/// longitude `lon_west_deg` (positive west of Greenwich): the low-precision solar coordinates ("MiniSun") and local
/// mean sidereal time of Montenbruck & Pfleger, Astronomy on the Personal Computer (pp. 39-41), as Bevins' date-time
/// library uses them.
pub fn sun_position_deg(jd: f64, lat_deg: f64, lon_west_deg: f64) -> (f64, f64) {
    use std::f64::consts::TAU;
    let mjd = jd - 2_400_000.5;
    let t = (mjd - 51544.5) / 36525.0;
    // Mean anomaly, ecliptic longitude (with the equation of centre), then equatorial coordinates.
    let m = TAU * frac(0.993133 + 99.997361 * t);
    let dl = 6893.0 * m.sin() + 72.0 * (2.0 * m).sin();
    let l = TAU * frac(0.7859453 + m / TAU + (6191.2 * t + dl) / 1_296_000.0);
    let (cos_eps, sin_eps) = (0.91748, 0.39778);
    let sl = l.sin();
    let (x, y, z) = (l.cos(), cos_eps * sl, sin_eps * sl);
    let rho = (1.0 - z * z).sqrt();
    let dec = (z / rho).atan().to_degrees();
    let mut ra = (48.0 / TAU) * (y / (x + rho)).atan();
    if ra < 0.0 {
        ra += 24.0;
    }
    // Local mean sidereal time (hours).
    let mjd0 = mjd.floor();
    let ut = (mjd - mjd0) * 24.0;
    let t0 = (mjd0 - 51544.5) / 36525.0;
    let gmst = 6.697374558 + 1.0027379093 * ut + (8640184.812866 + (0.093104 - 6.2e-6 * t0) * t0) * t0 / 3600.0;
    let lmst = 24.0 * frac((gmst - lon_west_deg / 15.0) / 24.0);
    let tau = (15.0 * (lmst - ra)).to_radians();
    let (phi, dec) = (lat_deg.to_radians(), dec.to_radians());
    let alt = (phi.sin() * dec.sin() + phi.cos() * dec.cos() * tau.cos()).asin().to_degrees();
    // Azimuth clockwise from north: A = atan2(-sin tau, tan dec cos phi - sin phi cos tau) (Meeus 1998, eq. 13.5,
    // turned from south-based to north-based).
    let az = (-tau.sin()).atan2(dec.tan() * phi.cos() - phi.sin() * tau.cos()).to_degrees().rem_euclid(360.0);
    (alt, az)
}

/// The sun's altitude above the horizon, degrees ([`sun_position_deg`]).
pub fn sun_altitude_deg(jd: f64, lat_deg: f64, lon_west_deg: f64) -> f64 {
    sun_position_deg(jd, lat_deg, lon_west_deg).0
}

/// Solar radiation on a horizontal surface at sea level as FARSITE derives it for dead fuel moisture (Bevins'
/// model after MTCLIM): the direct beam of a 1370 W/m2 sun through an atmosphere of transparency 0.7 over the
/// optical air mass 1 / sin(altitude), times the cloud transmittance 1 - cloud/100; zero with the sun below the
/// horizon. Clock time is taken as Greenwich time at longitude 0, as FARSITE does: W/m2.
pub fn clear_sky_radiation_w_m2(year: i32, month: u32, day: u32, hour: f64, lat_deg: f64, cloud_pct: f64) -> f64 {
    let alt = sun_altitude_deg(julian_date(year, month, day, hour), lat_deg, 0.0);
    if alt <= 0.0 {
        return 0.0;
    }
    let s = alt.to_radians().sin();
    1370.0 * 0.7f64.powf(1.0 / s) * (1.0 - frac_from_pct(cloud_pct)) * s
}

/// Solar radiation reaching dead fuels on a slope under a canopy, as FARSITE conditions them per class of cells
/// (FmsThread::SimpleRadiation over Bevins' CDT_SolarRadiation, after MTCLIM): 1370 W/m2 times the atmosphere's
/// transmittance 0.7 over the optical air mass exp(-0.0001467 z) / sin(altitude) (z the elevation, as FARSITE
/// passes it, m / 3.2808), the cloud transmittance 1 - cloud/100, the canopy transmittance 1 - cover/100 and the sine
/// of the sun's angle to the slope, sin(alt) cos(slope) + cos(alt) sin(slope) cos(azimuth - aspect) (aspect the
/// downslope direction); zero with the sun below the horizon or the slope self-shaded. On flat open ground at sea
/// level it is [`clear_sky_radiation_w_m2`]. Clock time as there: W/m2.
#[allow(clippy::too_many_arguments)]
pub fn terrain_radiation_w_m2(
    year: i32,
    month: u32,
    day: u32,
    hour: f64,
    lat_deg: f64,
    cloud_pct: f64,
    slope_deg: f64,
    aspect_deg: f64,
    elevation_m: f64,
    cover_pct: f64,
) -> f64 {
    let (alt, az) = sun_position_deg(julian_date(year, month, day, hour), lat_deg, 0.0);
    if alt <= 0.0 {
        return 0.0;
    }
    let (a, s) = (alt.to_radians(), slope_deg.to_radians());
    let incidence = a.sin() * s.cos() + a.cos() * s.sin() * (az - aspect_deg).to_radians().cos();
    if incidence < 0.0 {
        return 0.0;
    }
    // As the reference code (cdtlib CDT_SolarRadiation) writes it: the elevation divided by 3.2808.
    let air_mass = (-0.0001467 * elevation_m / FT_PER_M_FARSITE).exp() / a.sin();
    1370.0 * 0.7f64.powf(air_mass) * (1.0 - frac_from_pct(cloud_pct)) * (1.0 - frac_from_pct(cover_pct)) * incidence
}

/// A station's temperature (C) and humidity (%) taken to a site `rise_m` metres above it, as FARSITE does
/// (FmsThread::SiteSpecific, after Rothermel, Wilson, Morris and Sackett 1986): the temperature falls 5.5 F and the
/// dew point 1.1 F per 1000 ft, dew point and humidity related by ln(RH) = 7469 (1/(T + 398) - 1/(Td + 398)) (F);
/// humidity at most 99 %.
pub fn site_weather(air_temp_c: f64, rh_pct: f64, rise_m: f64) -> (f64, f64) {
    if rise_m == 0.0 {
        return (air_temp_c, rh_pct);
    }
    let f = f_from_c(air_temp_c);
    let drop_kft = rise_m * FT_PER_M_FARSITE / 1000.0;
    let dew_ref = -398.0 - 7469.0 / (frac_from_pct(rh_pct.max(0.01)).ln() - 7469.0 / (f + 398.0));
    let t = f - drop_kft * 5.5;
    let dew = dew_ref - drop_kft * 1.1;
    let rh = pct_from_frac((7469.0 * (1.0 / (t + 398.0) - 1.0 / (dew + 398.0))).exp());
    (c_from_f(t), rh.min(99.0))
}
