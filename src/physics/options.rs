//! The model switches a run chooses, in one leaf module that the models read: BehavePlus's surface switches and
//! the crown fire method (its variants, their names in files and on the command line, their kernel codes).

/// Foliar moisture content when none is given: 100 %, fraction.
pub const DEFAULT_FOLIAR_MOISTURE_FRAC: f64 = 1.0;

/// How a cell's final fire behaviour is computed once its surface fire torches (see the module docs).
/// Its names in files and on the command line are those of [`CROWN_METHODS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum CrownMethod {
    /// Surface fire only.
    None,
    /// Finney (1998) as FARSITE and FlamMap compute it (their default).
    Finney,
    /// Scott & Reinhardt (2001) with behave's conventions.
    ScottReinhardt,
}

impl TryFrom<String> for CrownMethod {
    type Error = String;
    fn try_from(label: String) -> Result<Self, String> {
        CrownMethod::from_label(&label).ok_or_else(|| {
            let known: Vec<_> = CROWN_METHODS.iter().map(|e| format!("\"{}\"", e.label)).collect();
            format!("crown method `{label}`: give one of {}", known.join(", "))
        })
    }
}

impl From<CrownMethod> for String {
    fn from(m: CrownMethod) -> String {
        m.label().to_string()
    }
}

/// One registered crown fire method: every name it goes by and its kernel code.
#[derive(Clone, Copy, Debug)]
pub struct CrownMethodEntry {
    pub method: CrownMethod,
    /// On the command line (`--crown-method`) and in scenario files (`crown = "..."`).
    pub label: &'static str,
    /// In a FARSITE `.input` (`CROWN_FIRE_METHOD`); empty where FARSITE has none.
    pub farsite_name: &'static str,
    /// `RunRow::crown_method`, and the WGSL constant the kernel compares it with.
    pub code: u32,
    pub wgsl_const: &'static str,
    /// What it is, for `--help`.
    pub summary: &'static str,
}

/// The registry of crown fire methods, the one place a method is named. Adding one: a variant, a row here, its
/// model in `physics::crown`, its arm in `physics::behavior::cell_behavior` and its branch in
/// `shaders/surface_fire.wgsl` (which reads the code by the row's `wgsl_const`, see [`crown_methods_wgsl`]).
pub const CROWN_METHODS: [CrownMethodEntry; 3] = [
    CrownMethodEntry {
        method: CrownMethod::None,
        label: "none",
        farsite_name: "",
        code: 0,
        wgsl_const: "CROWN_NONE",
        summary: "surface fire only",
    },
    CrownMethodEntry {
        method: CrownMethod::Finney,
        label: "finney",
        farsite_name: "Finney",
        code: 1,
        wgsl_const: "CROWN_FINNEY",
        summary: "Finney (1998), as FARSITE and FlamMap (their default)",
    },
    CrownMethodEntry {
        method: CrownMethod::ScottReinhardt,
        label: "scott-reinhardt",
        farsite_name: "ScottReinhardt",
        code: 2,
        wgsl_const: "CROWN_SCOTT_REINHARDT",
        summary: "Scott & Reinhardt (2001), as behave",
    },
];

impl CrownMethod {
    /// This method's row of [`CROWN_METHODS`].
    pub fn entry(self) -> &'static CrownMethodEntry {
        CROWN_METHODS.iter().find(|e| e.method == self).expect("every CrownMethod has a row in CROWN_METHODS")
    }
    /// The name used on the command line and in scenario files.
    pub fn label(self) -> &'static str {
        self.entry().label
    }
    /// The kernel's code (`RunRow::crown_method`).
    pub fn code(self) -> u32 {
        self.entry().code
    }
    /// The method a command-line or scenario label names.
    pub fn from_label(label: &str) -> Option<CrownMethod> {
        CROWN_METHODS.iter().find(|e| e.label == label).map(|e| e.method)
    }
    /// The method a FARSITE `CROWN_FIRE_METHOD` value names (FARSITE's spelling, any case).
    pub fn from_farsite(name: &str) -> Option<CrownMethod> {
        CROWN_METHODS
            .iter()
            .find(|e| !e.farsite_name.is_empty() && e.farsite_name.eq_ignore_ascii_case(name))
            .map(|e| e.method)
    }
}

/// The registry's codes as WGSL constants (`const CROWN_FINNEY: u32 = 1u;` ...), prepended to
/// `shaders/surface_fire.wgsl` so that the kernel branches on them by name.
pub fn crown_methods_wgsl() -> String {
    CROWN_METHODS.iter().map(|e| format!("const {}: u32 = {}u;\n", e.wgsl_const, e.code)).collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crown_method_registry_is_one_consistent_table() {
        for (i, a) in CROWN_METHODS.iter().enumerate() {
            assert_eq!(a.method.entry().label, a.label, "each variant finds its own row");
            for b in &CROWN_METHODS[i + 1..] {
                assert!(a.label != b.label && a.code != b.code && a.wgsl_const != b.wgsl_const, "{a:?} / {b:?}");
            }
            // Scenario files read and write the registry's label.
            let toml = format!("crown = \"{}\"", a.label);
            #[derive(serde::Deserialize, serde::Serialize)]
            struct S {
                crown: CrownMethod,
            }
            let s: S = toml::from_str(&toml).unwrap();
            assert_eq!(s.crown, a.method);
            assert_eq!(toml::to_string(&s).unwrap().trim(), toml);
        }
        let bad = toml::from_str::<std::collections::HashMap<String, CrownMethod>>("crown = \"van-wagner\"");
        let msg = bad.unwrap_err().to_string();
        assert!(msg.contains("van-wagner") && msg.contains("\"scott-reinhardt\""), "{msg}");
        // FARSITE's spellings, any case; `none` has none.
        assert_eq!(CrownMethod::from_farsite("ScottReinhardt"), Some(CrownMethod::ScottReinhardt));
        assert_eq!(CrownMethod::from_farsite("finney"), Some(CrownMethod::Finney));
        assert_eq!(CrownMethod::from_farsite(""), None);
    }

    #[test]
    fn the_kernel_branches_on_every_registered_method_by_name() {
        let kernel = include_str!("../../shaders/surface_fire.wgsl");
        for e in &CROWN_METHODS {
            assert!(kernel.contains(e.wgsl_const), "shaders/surface_fire.wgsl never tests {}", e.wgsl_const);
            assert!(crown_methods_wgsl().contains(&format!("const {}: u32 = {}u;", e.wgsl_const, e.code)));
        }
        assert!(!kernel.contains("crown_method == 1u") && !kernel.contains("crown_method == 2u"), "literal codes");
    }
}
