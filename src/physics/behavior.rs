//! Per-cell surface fire behaviour over a landscape: `shaders/surface_fire.wgsl` on the GPU and its CPU twin
//! (f64, [`crate::physics::surface`]) in parallel. Runs (weather scenarios) are a batch dimension: one dispatch computes
//! every cell for every run.

use rayon::prelude::*;

use crate::physics::crown::CrownOutcome;

use crate::error::{Error, Result};
use crate::gpu::layout::{CellRow, FuelRow, RunRow, BEHAVIOR_FLOATS};
use crate::gpu::{groups_1d, Engine, Gpu};
use crate::physics::crown::{
    self, critical_surface_intensity_kw_per_m, map_code, CrownMethod, FarsiteCanopy, SurfaceHead, BEHAVE_I0_FACTOR,
};
use crate::physics::fuel::FuelModel;
use crate::physics::surface::{FuelBed, Moisture, SiteInputs, SurfaceOptions};
use crate::units::{pct_from_frac, wind_20ft_from_10m, KG_PER_M2_PER_LB_PER_FT2, KJ_PER_KG_PER_BTU_PER_LB, M_PER_FT};

/// Height at which the given wind speed was measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum WindHeight {
    /// Wind at midflame height: used as it is.
    #[serde(rename = "midflame")]
    Midflame,
    /// 20-ft (6.1 m) wind: reduced to midflame by the wind adjustment factor.
    #[serde(rename = "20ft")]
    TwentyFt,
    /// 10-m wind: U20ft = U10m / 1.15 (Turner & Lawson 1978; as BehavePlus and FARSITE), then as 20 ft.
    #[serde(rename = "10m")]
    TenM,
}

impl WindHeight {
    /// The name used on the command line and in scenario files.
    pub fn label(self) -> &'static str {
        match self {
            WindHeight::Midflame => "midflame",
            WindHeight::TwentyFt => "20ft",
            WindHeight::TenM => "10m",
        }
    }
}

/// Weather of one run: uniform over the landscape.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Weather {
    pub moisture: Moisture,
    /// Wind speed at `wind_height`, m/min.
    pub wind_speed_m_per_min: f64,
    /// Direction the wind blows from, degrees clockwise from north.
    pub wind_from_deg: f64,
    pub wind_height: WindHeight,
}

impl Weather {
    /// Run parameters as the kernel reads them.
    fn pack(&self, ncells: usize, opts: &SurfaceOptions, fm10_index: u32) -> RunRow {
        let m = self.moisture;
        let (speed, mode) = self.wind_for_kernel();
        RunRow {
            m_1h: m.dead_1h as f32,
            m_10h: m.dead_10h as f32,
            m_100h: m.dead_100h as f32,
            m_herb: m.live_herb as f32,
            m_woody: m.live_woody as f32,
            wind_m_per_min: speed as f32,
            wind_toward_deg: self.wind_toward_deg() as f32,
            wind_mode: mode,
            wind_limit: opts.wind_limit as u32,
            ncells: ncells as u32,
            foliar_moisture_frac: opts.foliar_moisture_frac as f32,
            crown_method: opts.crown.code(),
            fm10_index,
        }
    }

    /// (speed m/min, mode): mode 0 = midflame speed, 1 = 20-ft speed to be reduced by the WAF.
    fn wind_for_kernel(&self) -> (f64, u32) {
        match self.wind_height {
            WindHeight::Midflame => (self.wind_speed_m_per_min, 0),
            WindHeight::TwentyFt => (self.wind_speed_m_per_min, 1),
            WindHeight::TenM => (wind_20ft_from_10m(self.wind_speed_m_per_min), 1),
        }
    }

    /// Midflame wind speed, m/min, over a fuel bed `depth_m` deep in the open (no canopy): the given speed reduced
    /// by the unsheltered wind adjustment factor unless it is already midflame, a 10-m wind first taken to 20 ft.
    pub fn midflame_in_the_open_m_per_min(&self, depth_m: f64) -> f64 {
        let (speed, mode) = self.wind_for_kernel();
        if mode == 0 {
            speed
        } else {
            speed * wind_adjustment_factor(depth_m, 0.0, 0.0, 0.0)
        }
    }

    /// Direction the wind blows toward, azimuth degrees.
    pub fn wind_toward_deg(&self) -> f64 {
        (self.wind_from_deg + 180.0).rem_euclid(360.0)
    }
}

pub use crate::physics::wind::{wind_adjustment_factor, SHELTER_THRESHOLD};

/// Values per cell in a [`Behavior`] (a [`BehaviorRow`]).
pub const OUT_STRIDE: usize = BEHAVIOR_FLOATS;

/// Indices of the per-cell outputs.
pub mod field {
    pub const ROS: usize = 0;
    pub const BACKING_ROS: usize = 1;
    pub const FLANKING_ROS: usize = 2;
    pub const SPREAD_DIRECTION: usize = 3;
    pub const LENGTH_TO_BREADTH: usize = 4;
    pub const EFFECTIVE_WIND: usize = 5;
    pub const FIRELINE_INTENSITY: usize = 6;
    pub const FLAME_LENGTH: usize = 7;
    pub const HEAT_PER_AREA: usize = 8;
    pub const REACTION_INTENSITY: usize = 9;
    pub const CROWN_FIRE_TYPE: usize = 10;
    pub const CROWN_FRACTION_BURNED: usize = 11;
    /// (index, file stem, description) of every output.
    pub const ALL: [(usize, &str, &str); 12] = [
        (ROS, "ros_m_per_min", "head fire rate of spread, m/min"),
        (BACKING_ROS, "backing_ros_m_per_min", "backing rate of spread, m/min"),
        (FLANKING_ROS, "flanking_ros_m_per_min", "flanking rate of spread, m/min"),
        (SPREAD_DIRECTION, "spread_direction_deg", "direction of maximum spread, azimuth the fire spreads toward, deg"),
        (LENGTH_TO_BREADTH, "length_to_breadth", "fire length-to-breadth ratio"),
        (EFFECTIVE_WIND, "effective_wind_m_per_min", "effective midflame wind speed, m/min"),
        (FIRELINE_INTENSITY, "fireline_intensity_kw_per_m", "Byram fireline intensity at the head, kW/m"),
        (FLAME_LENGTH, "flame_length_m", "flame length at the head, m"),
        (HEAT_PER_AREA, "heat_per_area_kj_per_m2", "heat per unit area, kJ/m2"),
        (REACTION_INTENSITY, "reaction_intensity_kw_per_m2", "reaction intensity, kW/m2"),
        (
            CROWN_FIRE_TYPE,
            "crown_fire_type",
            "crown fire type (FlamMap codes): 0 non-burnable, 1 surface, 2 passive, 3 active",
        ),
        (CROWN_FRACTION_BURNED, "crown_fraction_burned", "crown fraction burned, 0-1"),
    ];
}

/// Value of nodata cells in outputs.
pub const NODATA: f32 = -9999.0;

/// Kernel inputs of a landscape: per-cell terrain, canopy and fuel index, plus the fuel table.
pub struct Cells {
    pub n: usize,
    pub rows: Vec<CellRow>,
    /// Fuel models referenced by index.
    pub fuels: Vec<FuelModel>,
}

impl Cells {
    /// Index into `fuels` of cell `i` (`u32::MAX` for nodata).
    pub fn fuel_index(&self, i: usize) -> u32 {
        self.rows[i].fuel_index
    }
}

/// A fuel model in the kernel's layout and English units.
pub fn pack_fuel(m: &FuelModel) -> FuelRow {
    let l = m.load_kg_per_m2.map(|w| (w / KG_PER_M2_PER_LB_PER_FT2) as f32);
    FuelRow {
        depth_ft: (m.depth_m / M_PER_FT) as f32,
        mx_dead_frac: m.mx_dead_frac as f32,
        h_dead_btu_per_lb: (m.h_dead_kj_per_kg / KJ_PER_KG_PER_BTU_PER_LB) as f32,
        h_live_btu_per_lb: (m.h_live_kj_per_kg / KJ_PER_KG_PER_BTU_PER_LB) as f32,
        w_1h_lb_per_ft2: l[0],
        w_10h_lb_per_ft2: l[1],
        w_100h_lb_per_ft2: l[2],
        w_herb_lb_per_ft2: l[3],
        w_woody_lb_per_ft2: l[4],
        sav_1h_per_ft: (m.sav_1h_per_m * M_PER_FT) as f32,
        sav_herb_per_ft: (m.sav_herb_per_m * M_PER_FT) as f32,
        sav_woody_per_ft: (m.sav_woody_per_m * M_PER_FT) as f32,
        dynamic: if m.dynamic { 1.0 } else { 0.0 },
        burnable: if m.is_burnable() { 1.0 } else { 0.0 },
        spare0: 0.0,
        spare1: 0.0,
    }
}

/// Per-cell fire behaviour of one run: [`OUT_STRIDE`] values per cell, see [`field`].
#[derive(Clone, Debug)]
pub struct Behavior {
    pub n: usize,
    pub data: Vec<f32>,
}

impl Behavior {
    /// One output as a raster-ordered vector.
    pub fn field(&self, k: usize) -> Vec<f32> {
        (0..self.n).map(|i| self.data[i * OUT_STRIDE + k]).collect()
    }
    /// Value `k` of cell `i`.
    pub fn get(&self, i: usize, k: usize) -> f32 {
        self.data[i * OUT_STRIDE + k]
    }
}

/// Behaviour of every cell for every run in `weathers`.
pub fn compute(engine: &Engine, cells: &Cells, weathers: &[Weather], opts: &SurfaceOptions) -> Result<Vec<Behavior>> {
    match engine {
        Engine::Cpu => Ok(weathers.iter().map(|w| compute_cpu(cells, w, opts)).collect()),
        Engine::Gpu(gpu) => compute_gpu(gpu, cells, weathers, opts),
    }
}

/// The 20-ft wind, m/min, of weather `w` over `cell` of fuel `fuel`: as given, or a midflame wind raised by the
/// cell's wind adjustment factor.
pub fn wind20_m_per_min(w: &Weather, fuel: &FuelModel, cell: &CellRow) -> f64 {
    let (speed, mode) = w.wind_for_kernel();
    if mode == 1 {
        speed
    } else {
        let waf = wind_adjustment_factor(
            fuel.depth_m,
            cell.canopy_cover_frac as f64,
            cell.canopy_height_m as f64,
            cell.canopy_base_height_m as f64,
        );
        speed / waf
    }
}

/// Standard fuel model 10 (timber litter and understory), whose spread rate Rothermel's (1991) crown rate scales.
pub fn fuel_model_10() -> &'static FuelModel {
    static FM10: std::sync::OnceLock<FuelModel> = std::sync::OnceLock::new();
    FM10.get_or_init(|| crate::physics::fuel::FuelCatalog::standard().get(10).expect("fuel model 10").clone())
}

/// What a cell's crown fire methods read of its surface fire (physics::crown has each method's equations and
/// sources).
struct CrownCell<'a> {
    bed: &'a FuelBed,
    b10: &'a FuelBed,
    site: SiteInputs,
    w: &'a Weather,
    opts: &'a SurfaceOptions,
    head: SurfaceHead,
    /// 20-ft wind (m/min), wind adjustment factor, wind direction relative to upslope (deg), slope (tan), upslope
    /// azimuth (deg).
    u20: f64,
    waf: f64,
    wind_rel: f64,
    slope: f64,
    upslope: f64,
}

impl CrownCell<'_> {
    /// Fuel model 10's surface fire at 0.4 of the 20-ft wind, in direction `rel` from upslope on slope `tan`.
    fn fm10(&self, rel: f64, tan: f64) -> crate::physics::surface::SurfaceFire {
        let site = SiteInputs {
            midflame_wind_m_per_min: (0.4 * self.u20).max(0.0),
            wind_dir_rel_upslope_deg: rel,
            slope_tan: tan,
        };
        crate::physics::surface::surface_fire_on_bed(self.b10, &site, self.opts)
    }

    /// Finney (1998) as FARSITE and FlamMap: FM10 with the cell's slope and wind direction. The outcome and the
    /// crown fire's direction relative to upslope, where the surface fire torches.
    fn finney(&self, ch: f64, cbh: f64, cbd: f64) -> Option<(CrownOutcome, f64)> {
        let canopy = FarsiteCanopy::new(ch, cbh, cbd);
        let i0 = crown::van_wagner_critical_intensity_kw_per_m(
            canopy.base_height_m,
            pct_from_frac(self.opts.foliar_moisture_frac),
        );
        (self.head.fireline_intensity_kw_per_m >= i0).then(|| {
            let h10 = self.fm10(self.wind_rel, self.slope);
            (crown::finney(&self.head, i0, 3.34 * h10.ros_m_per_min, &canopy), h10.dir_max_spread_deg_rel_upslope)
        })
    }

    /// Scott & Reinhardt (2001) with behave's conventions: FM10 without slope, wind upslope; R'sa the surface rate
    /// under the crowning index's 20-ft wind; an active crown fire runs with the wind.
    fn scott_reinhardt(&self, ch: f64, cbh: f64, cbd: f64) -> Option<(CrownOutcome, f64)> {
        let i0 = critical_surface_intensity_kw_per_m(cbh, self.opts.foliar_moisture_frac) * BEHAVE_I0_FACTOR;
        (self.head.fireline_intensity_kw_per_m >= i0).then(|| {
            let r_crown = 3.34 * self.fm10(0.0, 0.0).ros_m_per_min;
            let load = cbd * (ch - cbh).max(0.0);
            let r_sa = if r_crown >= crown::critical_crown_ros_m_per_min(cbd) {
                f64::NAN
            } else {
                // Without canopy fuel the crowning index is infinite, and so is R'sa (CFB 0).
                let o_active = crown::crowning_index_m_per_min(self.b10, cbd);
                if o_active.is_finite() {
                    let sa = SiteInputs { midflame_wind_m_per_min: o_active * self.waf, ..self.site };
                    crate::physics::surface::surface_fire_on_bed(self.bed, &sa, self.opts).ros_m_per_min
                } else {
                    f64::INFINITY
                }
            };
            let dir_rel = if self.u20 > 0.0 { self.w.wind_toward_deg() - self.upslope } else { f64::NAN };
            (crown::scott_reinhardt(&self.head, i0, r_crown, cbd, load, r_sa), dir_rel)
        })
    }
}

/// Whether `cell` has a canopy that crown method `method` can burn (else its fire stays on the surface): FARSITE's
/// (Finney) both cover and height above 0 ([`crown::has_canopy`]); behave's (Scott and Reinhardt) any canopy input
/// above 0; none without crown fire.
pub fn can_crown(cell: &CellRow, method: CrownMethod) -> bool {
    let (cc, ch) = (cell.canopy_cover_frac as f64, cell.canopy_height_m as f64);
    let (cbh, cbd) = (cell.canopy_base_height_m as f64, cell.canopy_bulk_density_kg_per_m3 as f64);
    match method {
        CrownMethod::Finney => crown::has_canopy(cc, ch),
        CrownMethod::ScottReinhardt => cc > 0.0 || ch > 0.0 || cbh > 0.0 || cbd > 0.0,
        CrownMethod::None => false,
    }
}

/// The CPU twin of the kernel for one cell, f64: returns the [`OUT_STRIDE`] outputs. `bed` is the cell's fuel bed
/// (None: not burnable), `bed10` fuel model 10's at the same moistures (crown fire).
pub fn cell_behavior(
    bed: Option<&FuelBed>,
    bed10: Option<&FuelBed>,
    fuel: &FuelModel,
    cell: &CellRow,
    w: &Weather,
    opts: &SurfaceOptions,
) -> [f64; OUT_STRIDE] {
    let Some(bed) = bed else {
        let mut o = [0.0; OUT_STRIDE];
        o[field::LENGTH_TO_BREADTH] = 1.0;
        return o;
    };
    let (slope, aspect) = (cell.slope_tan as f64, cell.aspect_deg as f64);
    let upslope = if slope > 0.0 && aspect >= 0.0 { (aspect + 180.0).rem_euclid(360.0) } else { 0.0 };
    let (cc, ch, cbh, cbd) = (
        cell.canopy_cover_frac as f64,
        cell.canopy_height_m as f64,
        cell.canopy_base_height_m as f64,
        cell.canopy_bulk_density_kg_per_m3 as f64,
    );
    let (speed, mode) = w.wind_for_kernel();
    let waf = wind_adjustment_factor(fuel.depth_m, cc, ch, cbh);
    // 20-ft wind and midflame wind, m/min.
    let (u20, midflame) = if mode == 1 { (speed, speed * waf) } else { (speed / waf, speed) };
    let wind_rel = w.wind_toward_deg() - upslope;
    let site = SiteInputs { midflame_wind_m_per_min: midflame, wind_dir_rel_upslope_deg: wind_rel, slope_tan: slope };
    let f = crate::physics::surface::surface_fire_on_bed(bed, &site, opts);
    let ros_s = f.ros_m_per_min;
    let hpa_s = f.heat_per_area_kj_per_m2;
    let (mut ros, mut dir, mut lw, mut hpa) =
        (ros_s, (upslope + f.dir_max_spread_deg_rel_upslope).rem_euclid(360.0), f.length_to_breadth, hpa_s);
    let (mut fi, mut fl) = (f.fireline_intensity_kw_per_m, f.flame_length_m);
    let (mut kind, mut cfb) = (map_code::SURFACE, 0.0);
    // Crown fire (physics::crown, where each method's equations and sources are).
    if let (Some(b10), true) = (bed10, opts.crown != CrownMethod::None && ros_s > 0.0) {
        let head =
            SurfaceHead { ros_m_per_min: ros_s, heat_per_area_kj_per_m2: hpa_s, fireline_intensity_kw_per_m: fi };
        let c = CrownCell { bed, b10, site, w, opts, head, u20, waf, wind_rel, slope, upslope };
        let outcome = match opts.crown {
            _ if !can_crown(cell, opts.crown) => None,
            CrownMethod::Finney => c.finney(ch, cbh, cbd),
            CrownMethod::ScottReinhardt => c.scott_reinhardt(ch, cbh, cbd),
            CrownMethod::None => None,
        };
        if let Some((o, crown_dir_rel)) = outcome {
            kind = if o.active { map_code::ACTIVE } else { map_code::PASSIVE };
            cfb = o.crown_fraction_burned;
            ros = o.fire.ros_m_per_min;
            hpa = o.fire.heat_per_area_kj_per_m2;
            fi = o.fire.fireline_intensity_kw_per_m;
            fl = o.fire.flame_length_m;
            // An active crown fire that outruns the surface fire takes the crown fire's direction and shape.
            if o.active && (ros > ros_s || opts.crown == CrownMethod::ScottReinhardt) {
                if crown_dir_rel.is_finite() {
                    dir = (upslope + crown_dir_rel).rem_euclid(360.0);
                }
                lw = crown::crown_length_to_breadth(u20);
            }
        }
    }
    // Backing and flanking rates from the final head rate and shape (Anderson 1983; Catchpole et al. 1982), with
    // 1 - e = 1 / (lw (lw + sqrt(lw^2 - 1))) as the kernel writes it.
    let q = (lw * lw - 1.0).max(0.0).sqrt();
    let e = q / lw;
    let back = ros / (lw * (lw + q)) / (1.0 + e);
    let flank = (ros + back) / (2.0 * lw);
    [ros, back, flank, dir, lw, f.effective_wind_m_per_min, fi, fl, hpa, f.reaction_intensity_kw_per_m2, kind, cfb]
}

/// CPU twin over all cells (rayon).
pub fn compute_cpu(cells: &Cells, w: &Weather, opts: &SurfaceOptions) -> Behavior {
    // The fuel bed depends only on the fuel model and moisture: one per fuel model for the run.
    let beds: Vec<Option<FuelBed>> = cells.fuels.iter().map(|m| FuelBed::new(m, &w.moisture)).collect();
    let bed10 = FuelBed::new(fuel_model_10(), &w.moisture);
    let mut data = vec![0f32; cells.n * OUT_STRIDE];
    data.par_chunks_mut(OUT_STRIDE * 1024).enumerate().for_each(|(chunk, out)| {
        for (j, o) in out.chunks_mut(OUT_STRIDE).enumerate() {
            let i = chunk * 1024 + j;
            let idx = cells.fuel_index(i);
            if idx == u32::MAX {
                o.fill(NODATA);
                continue;
            }
            let k = idx as usize;
            let v = cell_behavior(beds[k].as_ref(), bed10.as_ref(), &cells.fuels[k], &cells.rows[i], w, opts);
            for (dst, src) in o.iter_mut().zip(v) {
                *dst = src as f32;
            }
        }
    });
    Behavior { n: cells.n, data }
}

/// `shaders/surface_fire.wgsl` as the host compiles it: after the crown methods' codes
/// ([`crate::physics::options::crown_methods_wgsl`]).
pub fn surface_fire_wgsl() -> String {
    format!("{}\n{}", crate::physics::options::crown_methods_wgsl(), include_str!("../../shaders/surface_fire.wgsl"))
}

/// GPU: the cells in chunks that respect the device's binding size, all runs in each dispatch.
pub fn compute_gpu(gpu: &Gpu, cells: &Cells, weathers: &[Weather], opts: &SurfaceOptions) -> Result<Vec<Behavior>> {
    let pipeline = gpu.pipeline("surface_fire", &surface_fire_wgsl())?;
    let nruns = weathers.len();
    if nruns == 0 {
        return Ok(Vec::new());
    }
    if nruns > gpu.limits.max_compute_workgroups_per_dimension as usize {
        return Err(Error::Gpu(format!("{nruns} runs exceed the device's dispatch limit")));
    }
    // The landscape's fuels, then fuel model 10 (crown spread rate).
    let mut fuel_table: Vec<FuelRow> = cells.fuels.iter().map(pack_fuel).collect();
    fuel_table.push(pack_fuel(fuel_model_10()));
    let fm10_index = (fuel_table.len() - 1) as u32;
    let b_fuels = gpu.upload("fuels", &fuel_table);
    let max_bytes = gpu.max_binding_bytes() as usize;
    let per_cell_out = nruns * OUT_STRIDE * 4;
    let chunk = (max_bytes / per_cell_out).min(max_bytes / size_of::<CellRow>()).max(1).min(cells.n.max(1));
    let mut outs: Vec<Vec<f32>> = (0..nruns).map(|_| vec![0f32; cells.n * OUT_STRIDE]).collect();
    let mut start = 0;
    while start < cells.n {
        let len = chunk.min(cells.n - start);
        let runs: Vec<RunRow> = weathers.iter().map(|w| w.pack(len, opts, fm10_index)).collect();
        let b_cells = gpu.upload("cells", &cells.rows[start..start + len]);
        let b_runs = gpu.upload("runs", &runs);
        let b_out = gpu.output::<f32>("behavior", nruns * len * OUT_STRIDE);
        let mut groups = groups_1d(len, 256, gpu.limits.max_compute_workgroups_per_dimension);
        groups[2] = nruns as u32;
        gpu.run(&pipeline, &[&b_cells, &b_fuels, &b_runs, &b_out], groups)?;
        let res: Vec<f32> = gpu.download(&b_out, nruns * len * OUT_STRIDE)?;
        for (r, out) in outs.iter_mut().enumerate() {
            out[start * OUT_STRIDE..(start + len) * OUT_STRIDE]
                .copy_from_slice(&res[r * len * OUT_STRIDE..(r + 1) * len * OUT_STRIDE]);
        }
        start += len;
    }
    Ok(outs.into_iter().map(|data| Behavior { n: cells.n, data }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsheltered_waf_matches_published_values() {
        // Andrews (2012) RMRS-GTR-266 / BehavePlus: unsheltered WAF 0.36 for a 1-ft bed (FM1, GR2), 0.55 for
        // 6 ft (FM4), 0.28 for 0.2 ft (FM8), to two decimals.
        for (depth_ft, want) in [(1.0, 0.36), (6.0, 0.55), (0.2, 0.28)] {
            let got = wind_adjustment_factor(depth_ft * M_PER_FT, 0.0, 0.0, 0.0);
            assert!((got - want).abs() < 0.005, "depth {depth_ft} ft: {got} vs {want}");
        }
    }

    #[test]
    fn sheltered_waf_is_lower_and_uses_the_fill_threshold() {
        let open = wind_adjustment_factor(0.3, 0.0, 20.0, 5.0);
        let under = wind_adjustment_factor(0.3, 0.8, 20.0, 5.0);
        assert!(under < open && under > 0.05, "{under} vs {open}");
        // 45 % cover, 15 m tall, 10 m base: f = 0.45 x (1/3) / 3 = 0.05 exactly -> sheltered.
        let edge = wind_adjustment_factor(0.3, 0.45, 15.0, 10.0);
        let below = wind_adjustment_factor(0.3, 0.44, 15.0, 10.0);
        assert!(edge < below, "f = 0.05 counts as sheltered");
        assert_eq!(below, open);
    }

    /// BehavePlus's rule for a 10-m wind (Turner & Lawson 1978, BC-X-177: the 20-ft wind is the 10-m wind / 1.15):
    /// 23 mi/h at 10 m is 20 mi/h at 20 ft; the units module holds that published factor.
    #[test]
    fn ten_metre_wind_is_reduced_by_1_15() {
        assert_eq!(crate::units::WIND_10M_PER_WIND_20FT, 1.15);
        let mph = crate::units::M_PER_MI / crate::units::MIN_PER_H;
        let w = Weather {
            moisture: Moisture::from_percent([6.0; 5]),
            wind_speed_m_per_min: 23.0 * mph,
            wind_from_deg: 0.0,
            wind_height: WindHeight::TenM,
        };
        let (speed, mode) = w.wind_for_kernel();
        assert!((speed / mph - 20.0).abs() < 1e-9 && mode == 1, "{} mi/h at 20 ft", speed / mph);
        assert_eq!(w.wind_toward_deg(), 180.0);
    }
}
