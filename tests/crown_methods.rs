//! Crown fire quantities that every method and path shares, against hand values from the papers: Thomas's (1963)
//! flame length in SI, the same flame length from the Finney (FARSITE/FlamMap) and Scott & Reinhardt paths for the
//! same intensity, and FARSITE's own conventions in the Finney method (Crown::CrownIgnite, Crown::CrownBurn).

use emberfall::physics::crown::{
    finney, flame_length_m, map_code, scott_reinhardt, thomas_flame_length_m, FarsiteCanopy, SurfaceHead,
};

/// Thomas (1963): L = 0.2 I^(2/3), L in ft, I in Btu/ft/s. 10 MW/m = 10 000 / 3.46146 = 2888.96 Btu/ft/s;
/// 2888.96^(2/3) = 202.86; x 0.2 = 40.57 ft = 12.37 m (worked by hand from the definitions).
#[test]
fn thomas_flame_length_in_si_matches_the_hand_value() {
    let fl = thomas_flame_length_m(10_000.0);
    assert!((fl - 12.37).abs() < 0.01, "10 MW/m: {fl} m");
    // In SI the coefficient is 0.2 x 0.3048 / 3.46146^(2/3) = 0.02663 (m, kW/m): not 0.2.
    for i in [100.0, 1_000.0, 30_000.0, 100_000.0] {
        let fl = thomas_flame_length_m(i);
        assert!((fl / (0.02663 * f64::powf(i, 2.0 / 3.0)) - 1.0).abs() < 1e-3, "{i} kW/m: {fl} m");
    }
    assert_eq!(thomas_flame_length_m(0.0), 0.0);
    // Over the 10-100 MW/m usually quoted for crown fires: 12-57 m, never the 300 m the old coefficient gave.
    assert!(thomas_flame_length_m(100_000.0) < 60.0);
}

#[test]
fn finney_and_scott_reinhardt_give_one_flame_length_for_one_intensity() {
    let surface =
        SurfaceHead { ros_m_per_min: 8.0, heat_per_area_kj_per_m2: 9_000.0, fireline_intensity_kw_per_m: 1_200.0 };
    let canopy = FarsiteCanopy::new(20.0, 4.0, 0.15);
    let f = finney(&surface, 600.0, 30.0, &canopy);
    let s = scott_reinhardt(&surface, 600.0, 30.0, 0.15, canopy.fuel_load_kg_per_m2(), 25.0);
    for o in [f, s] {
        let i = o.fire.fireline_intensity_kw_per_m;
        assert!(i > surface.fireline_intensity_kw_per_m, "a crown fire is more intense than its surface fire");
        assert_eq!(o.fire.flame_length_m, thomas_flame_length_m(i));
        // And as the maps and the spread's front passage take it from the fire type.
        assert_eq!(flame_length_m(map_code::PASSIVE, i), o.fire.flame_length_m);
        assert_eq!(flame_length_m(map_code::ACTIVE, i), o.fire.flame_length_m);
        // Intensity = heat per area x rate / 60 (Byram), in both.
        let byram = o.fire.heat_per_area_kj_per_m2 * o.fire.ros_m_per_min / 60.0;
        assert!((i / byram - 1.0).abs() < 1e-12);
    }
}

/// FARSITE's crown fraction burned (Finney 1998, Crown::CrownBurn): 1 - exp(-a (R - R'0)) with a = ln 10 / (0.9 (R0 -
/// R'0)), so that it is 0.9 when R - R'0 is 0.9 (R0 - R'0), R0 = 3 / CBD; at least 0.01 once the crown ignites; all of
/// the canopy when R'0 is at or above R0. R'0 = 60 I0 / H_A.
#[test]
fn finney_crown_fraction_burned_follows_farsite() {
    let canopy = FarsiteCanopy::new(20.0, 4.0, 0.15); // R0 = 20 m/min
    let hpa = 6_000.0;
    let i0 = 500.0; // R'0 = 60 x 500 / 6000 = 5 m/min
    let head = |ros: f64| SurfaceHead {
        ros_m_per_min: ros,
        heat_per_area_kj_per_m2: hpa,
        fireline_intensity_kw_per_m: hpa * ros / 60.0,
    };
    let a = 10f64.ln() / (0.9 * (20.0 - 5.0));
    for ros in [5.0, 6.0, 12.0, 18.0] {
        let o = finney(&head(ros), i0, 0.0, &canopy);
        let want = (1.0 - (-a * (ros - 5.0)).exp()).max(0.01);
        assert!((o.crown_fraction_burned - want).abs() < 1e-12, "R {ros}: {} vs {want}", o.crown_fraction_burned);
        // With no crown rate to add, it stays passive and spreads at the surface rate.
        assert!(!o.active && o.fire.ros_m_per_min == ros);
        // Heat: the surface's plus CFB x CBD x (CH - CBH) x 18 000 kJ/kg.
        let heat = hpa + o.crown_fraction_burned * 0.15 * 16.0 * 18_000.0;
        assert!((o.fire.heat_per_area_kj_per_m2 - heat).abs() < 1e-9);
    }
    // CFB 0.9 at R = R'0 + 0.9 (R0 - R'0) = 18.5 m/min (by the definition of a).
    let at = finney(&head(18.5), i0, 0.0, &canopy);
    assert!((at.crown_fraction_burned - 0.9).abs() < 1e-12, "{}", at.crown_fraction_burned);
    // A crown rate that lifts R + CFB (R_crown - R) to R0 makes it active, at that rate.
    let o = finney(&head(12.0), i0, 60.0, &canopy);
    let cfb = 1.0 - (-a * 7.0).exp();
    let r = 12.0 + cfb * (60.0 - 12.0);
    assert!(o.active && (o.fire.ros_m_per_min - r).abs() < 1e-12);
    // R'0 >= R0: all of the canopy burns.
    let dense = FarsiteCanopy::new(20.0, 4.0, 1.0); // R0 = 3
    assert_eq!(finney(&head(6.0), i0, 0.0, &dense).crown_fraction_burned, 1.0);
}

#[test]
fn farsite_canopy_conventions() {
    // Crown::CrownIgnite: base 0 -> 0.01 m, density 0 -> 0.01 kg/m3, height not above the base -> base + 1 m.
    let c = FarsiteCanopy::new(3.0, 5.0, 0.2);
    assert_eq!((c.height_m, c.base_height_m), (6.0, 5.0));
    assert!((c.fuel_load_kg_per_m2() - 0.2).abs() < 1e-12);
    let c = FarsiteCanopy::new(10.0, 0.0, 0.0);
    assert_eq!((c.base_height_m, c.bulk_density_kg_per_m3), (0.01, 0.01));
    assert!(emberfall::physics::crown::has_canopy(0.3, 10.0));
    assert!(!emberfall::physics::crown::has_canopy(0.0, 10.0) && !emberfall::physics::crown::has_canopy(0.3, 0.0));
}
