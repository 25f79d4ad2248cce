// Rothermel (1972) surface fire behaviour with Albini (1976) revisions, and crown fire (Van Wagner 1977, Rothermel
// 1991, Finney 1998 or Scott & Reinhardt 2001), per cell, in f32.
// CPU twin: src/physics/surface.rs (physics) and src/physics/behavior.rs (per-cell wrapper, crown fire). Equation
// sources are given there; the steps below follow the same order and names.
//
// Inputs and output: the structs CellRow, FuelRow, RunRow and BehaviorRow, defined once in src/gpu/layout.rs
// (tests/layout.rs checks these declarations against them). Dispatch z indexes the run.

struct CellRow {
    fuel_index: u32,                 // NO_INDEX = nodata
    slope_tan: f32,
    aspect_deg: f32,                 // -1 flat
    canopy_cover_frac: f32,
    canopy_height_m: f32,
    canopy_base_height_m: f32,
    canopy_bulk_density_kg_per_m3: f32,
    spare: f32,
}

// English units (see behavior::pack_fuel).
struct FuelRow {
    depth_ft: f32,
    mx_dead_frac: f32,
    h_dead_btu_per_lb: f32,
    h_live_btu_per_lb: f32,
    w_1h_lb_per_ft2: f32,
    w_10h_lb_per_ft2: f32,
    w_100h_lb_per_ft2: f32,
    w_herb_lb_per_ft2: f32,
    w_woody_lb_per_ft2: f32,
    sav_1h_per_ft: f32,
    sav_herb_per_ft: f32,
    sav_woody_per_ft: f32,
    dynamic: f32,
    burnable: f32,
    spare0: f32,
    spare1: f32,
}

struct RunRow {
    m_1h: f32, m_10h: f32, m_100h: f32, m_herb: f32, m_woody: f32,   // fractions
    wind_m_per_min: f32,
    wind_toward_deg: f32,
    wind_mode: u32,                  // 0 midflame, 1 at 20 ft with the wind adjustment factor
    wind_limit: u32,
    ncells: u32,
    foliar_moisture_frac: f32,
    crown_method: u32,               // a code of physics::options::CROWN_METHODS (CROWN_NONE, ...)
    fm10_index: u32,                 // fuel model 10 in the fuel table
}

struct BehaviorRow {
    ros_m_per_min: f32,
    backing_ros_m_per_min: f32,
    flanking_ros_m_per_min: f32,
    spread_direction_deg: f32,
    length_to_breadth: f32,
    effective_wind_m_per_min: f32,
    fireline_intensity_kw_per_m: f32,
    flame_length_m: f32,
    heat_per_area_kj_per_m2: f32,
    reaction_intensity_kw_per_m2: f32,
    crown_fire_type: f32,            // 0 non-burnable, 1 surface, 2 passive, 3 active
    crown_fraction_burned: f32,
}

@group(0) @binding(0) var<storage, read> cells: array<CellRow>;
@group(0) @binding(1) var<storage, read> fuels: array<FuelRow>;
@group(0) @binding(2) var<storage, read> runs: array<RunRow>;
@group(0) @binding(3) var<storage, read_write> out: array<BehaviorRow>;

const RHO_P: f32 = 32.0;          // particle density, lb/ft3
const S_T: f32 = 0.0555;          // total silica
const ETA_S: f32 = 0.41739693;    // 0.174 * 0.01^-0.19, mineral damping

struct Particle { w: f32, s: f32, m: f32, h: f32 }

struct Sums {
    area: f32, sigma: f32, heat: f32, moist: f32, net: f32, sink: f32,
}

fn size_class(s: f32) -> u32 {
    if (s >= 1200.0) { return 0u; }
    if (s >= 192.0) { return 1u; }
    if (s >= 96.0) { return 2u; }
    if (s >= 48.0) { return 3u; }
    if (s >= 16.0) { return 4u; }
    return 5u;
}

fn eta_m(m: f32, mx: f32) -> f32 {
    if (mx <= 0.0) { return 0.0; }
    let r = m / mx;
    if (r >= 1.0) { return 0.0; }
    return 1.0 - 2.59 * r + 5.11 * r * r - 3.52 * r * r * r;
}

// Category sums over up to four particles (live categories pass a zero-load fourth).
fn category(p: array<Particle, 4>) -> Sums {
    var s = Sums(0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    var a: array<f32, 4>;
    for (var i = 0u; i < 4u; i++) {
        a[i] = p[i].w * p[i].s / RHO_P;
        s.area += a[i];
    }
    if (s.area <= 0.0) { return s; }
    var cls: array<f32, 6>;
    for (var i = 0u; i < 4u; i++) {
        if (p[i].w > 0.0) { cls[size_class(p[i].s)] += a[i] / s.area; }
    }
    for (var i = 0u; i < 4u; i++) {
        if (p[i].w <= 0.0) { continue; }
        let f = a[i] / s.area;
        s.sigma += f * p[i].s;
        s.heat += f * p[i].h;
        s.moist += f * p[i].m;
        s.net += cls[size_class(p[i].s)] * p[i].w * (1.0 - S_T);
        s.sink += f * exp(-138.0 / p[i].s) * (250.0 + 1116.0 * p[i].m);
    }
    return s;
}

fn filled(v: f32) -> BehaviorRow {
    return BehaviorRow(v, v, v, v, v, v, v, v, v, v, v, v);
}

// A fuel bed at the run's moistures (Rothermel 1972): no-wind no-slope rate, reaction intensity and what the wind
// and slope factors need. English units.
struct Bed {
    r0: f32,         // no-wind, no-slope rate, ft/min
    ir: f32,         // reaction intensity, Btu/ft2/min
    sigma: f32,      // characteristic SAV, 1/ft
    beta: f32,       // packing ratio
    ratio: f32,      // beta / beta_op
    hpua: f32,       // heat per unit area, Btu/ft2
}

fn fuel_bed(fuel: FuelRow, run: RunRow) -> Bed {
    let depth = fuel.depth_ft;
    let m1 = run.m_1h; let m10 = run.m_10h; let m100 = run.m_100h;
    let mherb = run.m_herb; let mwoody = run.m_woody;
    let mx_dead = fuel.mx_dead_frac;
    let h_dead = fuel.h_dead_btu_per_lb; let h_live = fuel.h_live_btu_per_lb;
    let w_herb = fuel.w_herb_lb_per_ft2;
    let s_1h = fuel.sav_1h_per_ft; let s_herb = fuel.sav_herb_per_ft; let s_woody = fuel.sav_woody_per_ft;
    // Dynamic herbaceous transfer (Scott & Burgan 2005).
    var cured = 0.0;
    if (fuel.dynamic != 0.0) { cured = clamp(1.333 - 1.11 * mherb, 0.0, 1.0); }
    let dead = array<Particle, 4>(
        Particle(fuel.w_1h_lb_per_ft2, s_1h, m1, h_dead),
        Particle(fuel.w_10h_lb_per_ft2, 109.0, m10, h_dead),
        Particle(fuel.w_100h_lb_per_ft2, 30.0, m100, h_dead),
        Particle(w_herb * cured, s_herb, m1, h_dead));
    let live = array<Particle, 4>(
        Particle(w_herb * (1.0 - cured), s_herb, mherb, h_live),
        Particle(fuel.w_woody_lb_per_ft2, s_woody, mwoody, h_live),
        Particle(0.0, 1.0, 0.0, 0.0),
        Particle(0.0, 1.0, 0.0, 0.0));
    let d = category(dead);
    let l = category(live);
    let total_area = d.area + l.area;
    let f_dead = d.area / total_area;
    let f_live = l.area / total_area;
    let sigma = f_dead * d.sigma + f_live * l.sigma;
    var total_load = 0.0;
    for (var i = 0u; i < 4u; i++) { total_load += dead[i].w + live[i].w; }
    let rho_b = total_load / depth;
    let beta = rho_b / RHO_P;
    let beta_op = 3.348 * pow(sigma, -0.8189);
    let ratio = beta / beta_op;
    let s15 = pow(sigma, 1.5);
    let gamma_max = s15 / (495.0 + 0.0594 * s15);
    let a = 133.0 * pow(sigma, -0.7913);
    let gamma = gamma_max * pow(ratio, a) * exp(a * (1.0 - ratio));
    // Live moisture of extinction (Albini 1976), floored at the dead one.
    var fine_dead = 0.0; var fine_dead_m = 0.0; var fine_live = 0.0;
    for (var i = 0u; i < 4u; i++) {
        if (dead[i].w > 0.0) {
            let w = dead[i].w * exp(-138.0 / dead[i].s);
            fine_dead += w; fine_dead_m += w * dead[i].m;
        }
        if (live[i].w > 0.0) { fine_live += live[i].w * exp(-500.0 / live[i].s); }
    }
    var mx_live = mx_dead;
    if (fine_live > 0.0) {
        var mf = 0.0;
        if (fine_dead > 0.0) { mf = fine_dead_m / fine_dead; }
        mx_live = max(2.9 * (fine_dead / fine_live) * (1.0 - mf / mx_dead) - 0.226, mx_dead);
    }
    let ir = gamma * (d.net * d.heat * eta_m(d.moist, mx_dead) + l.net * l.heat * eta_m(l.moist, mx_live)) * ETA_S;
    let xi = exp((0.792 + 0.681 * sqrt(sigma)) * (beta + 0.1)) / (192.0 + 0.2595 * sigma);
    let sink = rho_b * (f_dead * d.sink + f_live * l.sink);
    var r0 = 0.0;
    if (sink > 0.0) { r0 = ir * xi / sink; }
    return Bed(r0, ir, sigma, beta, ratio, ir * 384.0 / sigma);
}

// Wind coefficients C, B, E of Rothermel (1972, eq. 48-50).
fn wind_c(b: Bed) -> f32 { return 7.47 * exp(-0.133 * pow(b.sigma, 0.55)); }
fn wind_b(b: Bed) -> f32 { return 0.02526 * pow(b.sigma, 0.54); }
fn wind_e(b: Bed) -> f32 { return 0.715 * exp(-3.59e-4 * b.sigma); }

// Head fire of a bed: rate (ft/min), direction (deg from upslope), effective wind (ft/min), length-to-breadth.
struct Head { ros: f32, dir_rel: f32, eff: f32, lw: f32 }

fn head_fire(b: Bed, wind: f32, wind_rel: f32, slope: f32, wind_limit: u32) -> Head {
    // Wind and slope factors (Rothermel 1972 eq. 47-51), added as vectors.
    let cw = wind_c(b);
    let bw = wind_b(b);
    let ew = wind_e(b);
    let r0 = b.r0;
    var phi_w = 0.0;
    if (wind > 0.0) { phi_w = cw * pow(wind, bw) * pow(b.ratio, -ew); }
    let phi_s = 5.275 * pow(b.beta, -0.3) * slope * slope;
    let x = r0 * phi_s + r0 * phi_w * cos(wind_rel);
    let y = r0 * phi_w * sin(wind_rel);
    let vec_len = sqrt(x * x + y * y);
    var dir_rel = 0.0;
    if (vec_len > 1e-12) { dir_rel = atan2(y, x) / DEG; }
    var phi_e = 0.0;
    if (r0 > 0.0) { phi_e = vec_len / r0; }
    var eff = 0.0;
    if (phi_e > 0.0) { eff = pow(phi_e * pow(b.ratio, ew) / cw, 1.0 / bw); }
    let limit = 0.9 * b.ir;
    if (wind_limit != 0u && eff > limit) {
        eff = limit;
        phi_e = cw * safe_pow(limit, bw) * pow(b.ratio, -ew);
    }
    let ros = r0 * (1.0 + phi_e);
    // Fire shape (Anderson 1983 as BehavePlus): L/W from effective wind in mi/h, at most 8.
    let u = eff / FT_PER_MIN_PER_MI_PER_H;
    let lw = clamp(0.936 * exp(0.1147 * u) + 0.461 * exp(-0.0692 * u) - 0.397, 1.0, 8.0);
    return Head(ros, dir_rel, eff, lw);
}

// Van Wagner (1977, eq. 4) critical surface intensity, kW/m: base height m, foliar moisture %.
fn van_wagner_i0(cbh: f32, fmc_pct: f32) -> f32 {
    return pow(0.010 * cbh * (460.0 + 25.9 * fmc_pct), 1.5);
}

// The same with behave's floors: base height at least 0.1 m, foliar moisture at least 30 %.
fn critical_intensity(cbh: f32, fmc_frac: f32) -> f32 {
    return van_wagner_i0(max(cbh, 0.1), max(fmc_frac * PCT_PER_FRAC, 30.0));
}

// Thomas (1963) crown flame length: 0.2 I^(2/3) in ft from Btu/ft/s, returned in m from kW/m (physics::crown).
fn thomas_m(i_kw_per_m: f32) -> f32 {
    if (i_kw_per_m <= 0.0) { return 0.0; }
    return 0.2 * pow(i_kw_per_m / KW_PER_M_PER_BTU_PER_FT_S, 2.0 / 3.0) * M_PER_FT;
}

const FINNEY_CANOPY_KJ_PER_KG: f32 = 18000.0;   // FARSITE/FlamMap canopy heat content
const BEHAVE_CANOPY_KJ_PER_KG: f32 = 8000.0 * KJ_PER_KG_PER_BTU_PER_LB;   // behave: 8000 Btu/lb
const BEHAVE_I0_FACTOR: f32 = 0.2886719 * KW_PER_M_PER_BTU_PER_FT_S;      // behave's kW/m -> Btu/ft/s (physics::crown)
const LN10: f32 = 2.302585093;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let cell = flat_index(wg, nwg, li);
    let run = runs[wg.z];
    let ncells = run.ncells;
    if (cell >= ncells) { return; }
    let o = wg.z * ncells + cell;
    let cr = cells[cell];
    if (cr.fuel_index == NO_INDEX) { out[o] = filled(NODATA); return; }
    let fuel = fuels[cr.fuel_index];
    let depth = fuel.depth_ft;
    // Non-burnable fuel: zero behaviour, direction 0, L/W 1, crown fire type 0.
    if (fuel.burnable == 0.0 || depth <= 0.0) {
        var z = filled(0.0);
        z.length_to_breadth = 1.0;
        out[o] = z;
        return;
    }
    let bed = fuel_bed(fuel, run);

    // Wind at midflame: given, or 20-ft wind times the wind adjustment factor (Andrews 2012, RMRS-GTR-266).
    let cc = cr.canopy_cover_frac;
    let ch = cr.canopy_height_m;
    let cbh = cr.canopy_base_height_m;
    let cbd = cr.canopy_bulk_density_kg_per_m3;
    let ch_ft = ch / M_PER_FT;
    var waf = 1.0;
    var crown_ratio = 0.0;
    if (ch > 0.0) { crown_ratio = clamp((ch - cbh) / ch, 0.0, 1.0); }
    let fill = cc * crown_ratio / 3.0;
    // Sheltered when fill >= 0.05 and the canopy is at least 6 ft tall, tested as in the CPU twin.
    if (cc > 0.0 && ch_ft >= 6.0 && cc * max(ch - cbh, 0.0) >= 0.14999 * ch) {
        waf = 0.555 / (sqrt(fill * ch_ft) * log((20.0 + 0.36 * ch_ft) / (0.13 * ch_ft)));
    } else {
        waf = 1.83 / log((20.0 + 0.36 * depth) / (0.13 * depth));
    }
    // 20-ft wind, m/min, and midflame wind, ft/min.
    var u20 = run.wind_m_per_min;
    var wind = max(run.wind_m_per_min * waf / M_PER_FT, 0.0);
    if (run.wind_mode == 0u) {
        u20 = run.wind_m_per_min / waf;
        wind = max(run.wind_m_per_min / M_PER_FT, 0.0);
    }
    let slope = cr.slope_tan;
    let aspect = cr.aspect_deg;
    var upslope = 0.0;
    if (slope > 0.0 && aspect >= 0.0) { upslope = wrap360(aspect + 180.0); }
    let wind_rel = (run.wind_toward_deg - upslope) * DEG;
    let h = head_fire(bed, wind, wind_rel, slope, run.wind_limit);

    // Surface fire (SI): rate m/min, heat per area kJ/m2, Byram intensity kW/m and flame length m.
    let ros_s = h.ros * M_PER_FT;
    let hpa_s = bed.hpua * KJ_PER_M2_PER_BTU_PER_FT2;
    let ib = bed.hpua * h.ros / S_PER_MIN;
    var fl = 0.0;
    if (ib > 0.0) { fl = 0.45 * pow(ib, 0.46) * M_PER_FT; }
    var ros = ros_s;
    var dir = wrap360(upslope + h.dir_rel);
    var lw = h.lw;
    var hpa = hpa_s;
    var fi = ib * KW_PER_M_PER_BTU_PER_FT_S;
    var kind = 1.0;
    var cfb = 0.0;

    // Crown fire (physics::crown and physics::behavior::cell_behavior, step by step).
    if (run.crown_method != CROWN_NONE && ros_s > 0.0) {
        let b10 = fuel_bed(fuels[run.fm10_index], run);
        let lw_crown = 1.0 + 0.125 * u20 / M_PER_MIN_PER_MI_PER_H;   // Rothermel (1991, eq. 10)
        if (run.crown_method == CROWN_FINNEY && cc > 0.0 && ch > 0.0) {
            // Finney (1998) as FARSITE and FlamMap, with FARSITE's canopy (Crown::CrownIgnite): base 0 -> 0.01 m,
            // bulk density 0 -> 0.01 kg/m3, height not above the base -> base + 1 m.
            var f_cbh = cbh;
            if (f_cbh == 0.0) { f_cbh = 0.01; }
            var f_cbd = cbd;
            if (f_cbd == 0.0) { f_cbd = 0.01; }
            var f_ch = ch;
            if (f_ch <= f_cbh) { f_ch = f_cbh + 1.0; }
            let i0 = van_wagner_i0(f_cbh, run.foliar_moisture_frac * PCT_PER_FRAC);
            if (fi >= i0) {
                // FM10 with the cell's slope and wind direction at wind adjustment 0.4.
                let h10 = head_fire(b10, max(0.4 * u20 / M_PER_FT, 0.0), wind_rel, slope, run.wind_limit);
                let r_crown = 3.34 * h10.ros * M_PER_FT;
                let r_active = 3.0 / f_cbd;                   // Van Wagner (1977, eq. 9), m/min
                var r_init = 3.4e38;                          // surface rate at initiation, m/min
                if (hpa_s > 0.0) { r_init = S_PER_MIN * i0 / hpa_s; }
                cfb = 1.0;
                if (r_active > r_init) {
                    let a = LN10 / (0.9 * (r_active - r_init));
                    cfb = 1.0 - exp(-a * (ros_s - r_init));
                    if (cfb <= 0.0) { cfb = 0.01; } else { cfb = min(cfb, 1.0); }
                }
                let r_actual = ros_s + cfb * (r_crown - ros_s);
                hpa = hpa_s + cfb * f_cbd * abs(f_ch - f_cbh) * FINNEY_CANOPY_KJ_PER_KG;
                if (r_actual >= r_active) {
                    kind = 3.0;
                    ros = max(r_actual, ros_s);
                    if (r_actual > ros_s) {
                        dir = wrap360(upslope + h10.dir_rel);
                        lw = lw_crown;
                    }
                } else {
                    kind = 2.0;
                }
                fi = hpa * ros / S_PER_MIN;
                fl = thomas_m(fi);
            }
        } else if (run.crown_method == CROWN_SCOTT_REINHARDT && (cc > 0.0 || ch > 0.0 || cbh > 0.0 || cbd > 0.0)) {
            // Scott & Reinhardt (2001) with behave's conventions: FM10 without slope, wind upslope.
            let i0 = critical_intensity(cbh, run.foliar_moisture_frac) * BEHAVE_I0_FACTOR;
            let load = cbd * max(ch - cbh, 0.0);               // canopy fuel load, kg/m2
            var r_active = 3.4e38;                             // Van Wagner (1977, eq. 9): 3.0 / CBD, m/min
            if (cbd > 0.0) { r_active = 3.0 / cbd; }
            let h10 = head_fire(b10, max(0.4 * u20 / M_PER_FT, 0.0), 0.0, 0.0, run.wind_limit);
            let r_crown = 3.34 * h10.ros * M_PER_FT;
            if (fi >= i0) {
                if (r_crown >= r_active) {
                    kind = 3.0;
                    cfb = 1.0;
                    ros = r_crown;
                    lw = lw_crown;
                    if (u20 > 0.0) { dir = run.wind_toward_deg; }
                } else {
                    // Torching: passive crown fire. SR01 eq. 11 R'initiation; eq. 20 crowning index O'active from
                    // FM10's no-wind rate and wind coefficients (0 without canopy fuel); R'sa the surface rate at
                    // that 20-ft wind; eq. 22 CFB.
                    kind = 2.0;
                    var r_init = 3.4e38;
                    if (hpa_s > 0.0) { r_init = S_PER_MIN * i0 / hpa_s; }
                    // Without canopy fuel the crowning index and R'sa are infinite: CFB 0.
                    if (cbd > 0.0) {
                        let r10 = r_active / 3.34 / M_PER_FT;  // FM10 rate of active crowning, ft/min
                        let phi = (r10 / b10.r0 - 1.0) / (wind_c(b10) * pow(b10.ratio, -wind_e(b10)));
                        let o_active = safe_pow(phi, 1.0 / wind_b(b10)) / 0.4;   // 20-ft wind, ft/min
                        let h_sa = head_fire(bed, o_active * waf, wind_rel, slope, run.wind_limit);
                        let r_sa = h_sa.ros * M_PER_FT;
                        if (r_sa - r_init > 1e-7) { cfb = clamp((ros_s - r_init) / (r_sa - r_init), 0.0, 1.0); }
                    }
                    ros = ros_s + cfb * (r_crown - ros_s);
                }
                hpa = hpa_s + cfb * load * BEHAVE_CANOPY_KJ_PER_KG;
                fi = hpa * ros / S_PER_MIN;
                fl = thomas_m(fi);
            }
        }
    }
    // Backing and flanking rates from the final head rate and shape (Anderson 1983; Catchpole et al. 1982), with
    // 1 - e written as 1 / (lw (lw + sqrt(lw^2 - 1))) so that long crown fire ellipses keep their precision.
    let q = sqrt(max(lw * lw - 1.0, 0.0));
    let e = q / lw;
    let back = ros / (lw * (lw + q)) / (1.0 + e);
    let flank = (ros + back) / (2.0 * lw);
    out[o] = BehaviorRow(ros, back, flank, dir, lw, h.eff * M_PER_FT, fi, fl, hpa,
        bed.ir * KW_PER_M2_PER_BTU_PER_FT2_MIN, kind, cfb);
}
