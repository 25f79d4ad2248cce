//! Every struct shared by Rust and WGSL, defined once here (`#[repr(C)]`, bytemuck): the WGSL declares a struct
//! of the same name with the same fields in the same order, and `tests/layout.rs` checks each against the
//! shader's own layout (naga reflection): names, offsets and size. Sizes are also asserted at compile time.
//!
//! Units are those of the kernel that reads the struct: the surface fire kernel works in Rothermel's English
//! units (lb, ft, Btu, min), as its CPU twin does.

use bytemuck::Pod;

/// A struct laid out for WGSL: its name there and its fields' byte offsets.
pub trait GpuStruct: Pod {
    /// Name of the struct in the WGSL.
    const NAME: &'static str;
    /// (field name, byte offset), in declaration order.
    fn fields() -> Vec<(&'static str, usize)>;
}

/// Declares a `#[repr(C)]` Pod struct and its [`GpuStruct`] description from one definition.
macro_rules! gpu_struct {
    ($(#[$m:meta])* pub struct $name:ident { $($(#[$fm:meta])* pub $f:ident : $t:ty,)* }) => {
        $(#[$m])*
        #[repr(C)]
        #[derive(Clone, Copy, Debug, Default, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
        pub struct $name {
            $($(#[$fm])* pub $f: $t,)*
        }
        impl $crate::gpu::layout::GpuStruct for $name {
            const NAME: &'static str = stringify!($name);
            fn fields() -> Vec<(&'static str, usize)> {
                vec![$((stringify!($f), std::mem::offset_of!($name, $f)),)*]
            }
        }
    };
}
pub(crate) use gpu_struct;

gpu_struct! {
    /// Per-cell inputs of the fire behaviour kernels (`shaders/surface_fire.wgsl`).
    pub struct CellRow {
        /// Index into the fuel table; `u32::MAX` for a nodata cell.
        pub fuel_index: u32,
        /// Slope, rise over run.
        pub slope_tan: f32,
        /// Aspect (azimuth the slope faces), degrees; -1 flat.
        pub aspect_deg: f32,
        /// Canopy cover, fraction.
        pub canopy_cover_frac: f32,
        /// Canopy height, m.
        pub canopy_height_m: f32,
        /// Canopy base height, m.
        pub canopy_base_height_m: f32,
        /// Canopy bulk density, kg/m3 (crown fire).
        pub canopy_bulk_density_kg_per_m3: f32,
        pub spare: f32,
    }
}

gpu_struct! {
    /// A fuel model as the surface fire kernel reads it, English units (Rothermel 1972).
    pub struct FuelRow {
        /// Fuel bed depth, ft.
        pub depth_ft: f32,
        /// Dead fuel moisture of extinction, fraction.
        pub mx_dead_frac: f32,
        /// Heat content of dead and live fuel, Btu/lb.
        pub h_dead_btu_per_lb: f32,
        pub h_live_btu_per_lb: f32,
        /// Loads, lb/ft2.
        pub w_1h_lb_per_ft2: f32,
        pub w_10h_lb_per_ft2: f32,
        pub w_100h_lb_per_ft2: f32,
        pub w_herb_lb_per_ft2: f32,
        pub w_woody_lb_per_ft2: f32,
        /// Surface-area-to-volume ratios, 1/ft.
        pub sav_1h_per_ft: f32,
        pub sav_herb_per_ft: f32,
        pub sav_woody_per_ft: f32,
        /// 1 for dynamic models (herbaceous load transfer), else 0.
        pub dynamic: f32,
        /// 1 for burnable models, else 0.
        pub burnable: f32,
        pub spare0: f32,
        pub spare1: f32,
    }
}

gpu_struct! {
    /// One run (weather scenario) of the fire behaviour kernel: dispatch z indexes the runs.
    pub struct RunRow {
        /// Dead and live fuel moistures, fractions.
        pub m_1h: f32,
        pub m_10h: f32,
        pub m_100h: f32,
        pub m_herb: f32,
        pub m_woody: f32,
        /// Wind speed, m/min: at midflame (`wind_mode` 0) or at 20 ft, reduced by the wind adjustment factor (1).
        pub wind_m_per_min: f32,
        /// Direction the wind blows toward, azimuth degrees.
        pub wind_toward_deg: f32,
        pub wind_mode: u32,
        /// 1: cap the effective wind at the wind limit (BehavePlus's default).
        pub wind_limit: u32,
        /// Cells in this dispatch.
        pub ncells: u32,
        /// Foliar moisture content, fraction (crown fire).
        pub foliar_moisture_frac: f32,
        /// Crown fire method: 0 none (surface fire only), 1 Finney (1998; FARSITE, FlamMap), 2 Scott & Reinhardt (2001).
        pub crown_method: u32,
        /// Index of fuel model 10 in the fuel table (Rothermel's 1991 crown spread rate).
        pub fm10_index: u32,
    }
}

gpu_struct! {
    /// Per-cell fire behaviour, output of the surface fire kernel (SI).
    pub struct BehaviorRow {
        /// Head fire rate of spread, m/min.
        pub ros_m_per_min: f32,
        pub backing_ros_m_per_min: f32,
        pub flanking_ros_m_per_min: f32,
        /// Direction of maximum spread, azimuth degrees.
        pub spread_direction_deg: f32,
        pub length_to_breadth: f32,
        /// Effective midflame wind speed, m/min.
        pub effective_wind_m_per_min: f32,
        pub fireline_intensity_kw_per_m: f32,
        pub flame_length_m: f32,
        pub heat_per_area_kj_per_m2: f32,
        pub reaction_intensity_kw_per_m2: f32,
        /// FlamMap's crown fire codes: 0 non-burnable, 1 surface, 2 passive (torching), 3 active crown fire.
        pub crown_fire_type: f32,
        /// Crown fraction burned, 0..1.
        pub crown_fraction_burned: f32,
    }
}

gpu_struct! {
    /// A debris fragment as the ignition kernel reads it (`shaders/ignition_probability.wgsl`).
    pub struct FragmentRow {
        /// Position, cell units (column, row; fractional).
        pub x_cells: f32,
        pub y_cells: f32,
        /// Probability that the fragment lands (here, or within its footprint).
        pub p_impact: f32,
        /// 0 hot inert, 1 burning, 2 burnt out.
        pub kind: u32,
        /// Effective temperature (molten aluminium's latent heat included), C.
        pub temperature_c: f32,
        pub size_mm: f32,
        /// Gaussian footprint, m (0: a point).
        pub sigma_along_m: f32,
        pub sigma_cross_m: f32,
        /// Sine and cosine of the footprint's along-track azimuth.
        pub sin_az: f32,
        pub cos_az: f32,
        /// Half-width of the landing window, cells.
        pub reach_cols: u32,
        pub reach_rows: u32,
        pub spare0: f32,
        pub spare1: f32,
        pub spare2: f32,
        pub spare3: f32,
    }
}

gpu_struct! {
    /// Uniform of the ignition kernel.
    pub struct IgnitionUniform {
        pub cols: u32,
        pub rows: u32,
        pub nfrag: u32,
        /// Tiles per row of the per-tile fragment lists.
        pub tiles_x: u32,
        /// Metres east per column and north per row.
        pub cell_e: f32,
        pub cell_n: f32,
        /// 1-h dead fuel moisture, fraction.
        pub m1h: f32,
        /// Hot-particle relation (Wang et al. 2017): T_crit = hot_a (1 + hot_b FMC) / d_mm + hot_c, logistic width.
        pub hot_a: f32,
        pub hot_b: f32,
        pub hot_c: f32,
        pub hot_w: f32,
        pub spare0: f32,
        pub spare1: f32,
        pub spare2: f32,
        pub spare3: f32,
        pub spare4: f32,
    }
}

const _: () = {
    assert!(std::mem::size_of::<CellRow>() == 32);
    assert!(std::mem::size_of::<FuelRow>() == 64);
    assert!(std::mem::size_of::<RunRow>() == 52);
    assert!(std::mem::size_of::<BehaviorRow>() == 48);
    assert!(std::mem::size_of::<FragmentRow>() == 64);
    assert!(std::mem::size_of::<IgnitionUniform>() == 64);
    assert!(std::mem::offset_of!(CellRow, canopy_bulk_density_kg_per_m3) == 24);
    assert!(std::mem::offset_of!(RunRow, foliar_moisture_frac) == 40);
};

/// Values per cell of a [`BehaviorRow`].
pub const BEHAVIOR_FLOATS: usize = std::mem::size_of::<BehaviorRow>() / 4;
