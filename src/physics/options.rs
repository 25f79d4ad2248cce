//! The model switches a run chooses, in one leaf module that the models read: BehavePlus's surface switches and
//! the crown fire method (its variants, their names in files and on the command line, their kernel codes).

/// Foliar moisture content when none is given: 100 %, fraction.
pub const DEFAULT_FOLIAR_MOISTURE_FRAC: f64 = 1.0;

/// How a cell's final fire behaviour is computed once its surface fire torches (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CrownMethod {
    /// Surface fire only.
    #[serde(rename = "none")]
    None,
    /// Finney (1998) as FARSITE and FlamMap compute it (their default).
    #[serde(rename = "finney")]
    Finney,
    /// Scott & Reinhardt (2001) with behave's conventions.
    #[serde(rename = "scott-reinhardt")]
    ScottReinhardt,
}

impl CrownMethod {
    /// The name used on the command line and in scenario files.
    pub fn label(self) -> &'static str {
        match self {
            CrownMethod::None => "none",
            CrownMethod::Finney => "finney",
            CrownMethod::ScottReinhardt => "scott-reinhardt",
        }
    }
    /// The kernel's code (`RunRow::crown_method`).
    pub fn code(self) -> u32 {
        match self {
            CrownMethod::None => 0,
            CrownMethod::Finney => 1,
            CrownMethod::ScottReinhardt => 2,
        }
    }
}

/// Options following BehavePlus's switches. The crown fire fields are read by the per-cell behaviour
/// ([`crate::physics::behavior`]) only; the surface fire functions ignore them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SurfaceOptions {
    /// Cap the effective wind speed at 0.9 x reaction intensity (Rothermel 1972 p. 33; A18 eq. 86).
    pub wind_limit: bool,
    /// How the final fire behaviour of a cell that torches or crowns is computed.
    pub crown: CrownMethod,
    /// Foliar moisture content, fraction (Van Wagner's critical intensity).
    pub foliar_moisture_frac: f64,
}

impl Default for SurfaceOptions {
    fn default() -> Self {
        SurfaceOptions {
            wind_limit: true,
            crown: CrownMethod::Finney,
            foliar_moisture_frac: DEFAULT_FOLIAR_MOISTURE_FRAC,
        }
    }
}
