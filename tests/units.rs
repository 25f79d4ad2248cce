//! The units module (src/units.rs) against the exact definitions and published conversion values, and its WGSL
//! mirror (shaders/units.wgsl) against it, value by value, as naga (wgpu's shader compiler) evaluates the WGSL.

use emberfall::units::*;

fn close(got: f64, want: f64, rel: f64, what: &str) {
    assert!((got - want).abs() <= rel * want.abs(), "{what}: {got} vs {want}");
}

#[test]
fn derived_constants_equal_the_exact_definitions() {
    // Definitions written out here, independently of the module.
    let ft = 0.3048;
    let lb = 0.453_592_37;
    let btu_j = 1_055.055_852_62;
    close(M_PER_FT, ft, 0.0, "ft");
    close(KG_PER_LB, lb, 0.0, "lb");
    close(KJ_PER_BTU * 1000.0, btu_j, 1e-15, "Btu");
    close(FT_PER_M * ft, 1.0, 1e-15, "1/ft");
    // 1 Btu/lb = 2.326 kJ/kg exactly: the IT Btu was defined so (1956).
    close(KJ_PER_KG_PER_BTU_PER_LB, 2.326, 1e-13, "Btu/lb");
    close(KG_PER_M2_PER_LB_PER_FT2, lb / (ft * ft), 1e-15, "lb/ft2");
    close(KJ_PER_M2_PER_BTU_PER_FT2, btu_j / 1000.0 / (ft * ft), 1e-15, "Btu/ft2");
    close(KW_PER_M2_PER_BTU_PER_FT2_MIN, btu_j / 1000.0 / (ft * ft) / 60.0, 1e-15, "Btu/ft2/min");
    close(KW_PER_M_PER_BTU_PER_FT_S, btu_j / 1000.0 / ft, 1e-15, "Btu/ft/s");
    close(KG_PER_M3_PER_LB_PER_FT3, lb / (ft * ft * ft), 1e-15, "lb/ft3");
    close(KG_PER_M2_PER_TON_PER_ACRE, 2000.0 * lb / (43_560.0 * ft * ft), 1e-15, "t/ac");
    close(M_PER_MI, 1609.344, 1e-15, "mile");
    close(MM_PER_IN, 25.4, 1e-15, "inch");
    close(M_PER_MIN_PER_MI_PER_H, 1609.344 / 60.0, 1e-15, "mi/h");
    close(FT_PER_MIN_PER_MI_PER_H, 88.0, 1e-15, "mi/h in ft/min");
    close(KM_PER_H_PER_MI_PER_H, 1.609_344, 1e-15, "mi/h in km/h");
    close(M_PER_MIN_PER_KM_PER_H, 1000.0 / 60.0, 1e-15, "km/h");
    close(M_PER_MIN_PER_M_PER_S, 60.0, 0.0, "m/s");
    close(M_PER_MIN_PER_CHAIN_PER_H, 66.0 * ft / 60.0, 1e-15, "ch/h");
    close(wind_20ft_from_10m(11.5), 10.0, 1e-15, "10 m to 20 ft");
    close(LANDFIRE_M_PER_HEIGHT_UNIT * 10.0, 1.0, 1e-15, "LANDFIRE m x 10");
    close(LANDFIRE_KG_PER_M3_PER_CBD_UNIT * 100.0, 1.0, 1e-15, "LANDFIRE kg/m3 x 100");
    close(LCP_KG_PER_M3_PER_CBD_ENGLISH_UNIT * 1000.0, lb / (ft * ft * ft), 1e-15, "LCP lb/ft3 x 1000");
    close(FT_PER_M_FARSITE, 1.0 / ft, 2e-5, "FARSITE's rounded ft per m");
    close(M2_PER_HA, 100.0 * 100.0, 0.0, "hectare");
    close(MM_PER_M * KW_PER_MW, 1e6, 0.0, "milli and kilo");
    close(FRAC_PER_PCT * PCT_PER_FRAC, 1.0, 1e-15, "percent");
    // Published rounded values (Andrews 2018, RMRS-GTR-371, table of conversions; Alexander 1982): 1 Btu/ft/s =
    // 3.4613 kW/m, 1 Btu/ft2 = 11.357 kJ/m2, 1 lb/ft2 = 4.8824 kg/m2, 1 t/ac = 0.22417 kg/m2, 1 ch/h = 0.33528 m/min.
    close(KW_PER_M_PER_BTU_PER_FT_S, 3.4613, 5e-5, "published Btu/ft/s");
    close(KJ_PER_M2_PER_BTU_PER_FT2, 11.357, 5e-5, "published Btu/ft2");
    close(KG_PER_M2_PER_LB_PER_FT2, 4.8824, 5e-5, "published lb/ft2");
    close(KG_PER_M2_PER_TON_PER_ACRE, 0.224_17, 5e-5, "published t/ac");
    close(M_PER_MIN_PER_CHAIN_PER_H, 0.33528, 1e-12, "published ch/h");
    // Temperatures: water freezes at 32 F = 0 C = 273.15 K and boils at 212 F = 100 C.
    close(c_from_f(212.0), 100.0, 1e-15, "212 F");
    close(f_from_c(0.0), 32.0, 0.0, "0 C");
    close(k_from_c(0.0), 273.15, 0.0, "0 C in K");
    close(c_from_k(373.15), 100.0, 1e-13, "373.15 K");
    close(c_from_f(-40.0), -40.0, 1e-15, "-40");
    close(m_per_min_from_km_per_h(3.6), 60.0, 1e-15, "1 m/s");
    close(km_per_h_from_m_per_min(60.0), 3.6, 1e-15, "1 m/s back");
    close(mi_per_h_from_m_per_min(1609.344 / 60.0), 1.0, 1e-15, "1 mi/h");
}

/// Constants of a WGSL module as naga evaluates them: name -> value.
fn wgsl_constants(src: &str) -> std::collections::HashMap<String, f64> {
    let module = naga::front::wgsl::parse_str(src).unwrap_or_else(|e| panic!("units.wgsl: {}", e.emit_to_string(src)));
    let mut out = std::collections::HashMap::new();
    for (_, c) in module.constants.iter() {
        let Some(name) = c.name.clone() else { continue };
        let value = match module.global_expressions[c.init] {
            naga::Expression::Literal(naga::Literal::F32(v)) => v as f64,
            naga::Expression::Literal(naga::Literal::F64(v)) => v,
            naga::Expression::Literal(naga::Literal::AbstractFloat(v)) => v,
            ref e => panic!("{name}: not evaluated to a literal: {e:?}"),
        };
        out.insert(name, value);
    }
    out
}

#[test]
fn the_wgsl_mirror_holds_every_constant_with_the_rust_value() {
    let wgsl = wgsl_constants(include_str!("../shaders/units.wgsl"));
    for (name, value) in ALL {
        let got = wgsl.get(*name).unwrap_or_else(|| panic!("shaders/units.wgsl has no {name}"));
        // f32 rounding of the value (and of each operand of a derived constant): a few ulps.
        close(*got, *value, 4.0 * f32::EPSILON as f64, name);
    }
    let rust: std::collections::HashSet<&str> = ALL.iter().map(|(n, _)| *n).collect();
    for name in wgsl.keys() {
        assert!(rust.contains(name.as_str()), "shaders/units.wgsl has {name}, which src/units.rs does not list");
    }
}

#[test]
fn every_kernel_gets_the_units() {
    assert!(emberfall::gpu::COMMON_WGSL.contains("const KW_PER_M_PER_BTU_PER_FT_S"));
}
