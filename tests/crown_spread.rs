//! Crown fire in spread: a uniform forest where every cell crowns grows the crown fire's ellipse.
//!
//! The case is a `crowning` row of ../shared/oracle/crown_fire_reference.csv (behave's CROWN module), flat ground:
//! its fuel, moistures, foliar moisture, 20-ft wind and canopy. With the Scott & Reinhardt method a crowning cell
//! spreads at Rothermel's (1991) crown rate with length-to-breadth 1 + 0.125 U20 (mi/h), so a point ignition grows
//! the ellipse with the ignition at its rear focus: head R t, back R t (1 - e) / (1 + e), length (R + B) t, width
//! length / LB, area pi/4 length width. The test checks the kernel's rate and shape against the row, and the fire's
//! area at 1, 2 and 3 h against that ellipse within 0.5 %.

mod common;

use emberfall::gpu::Engine;
use emberfall::physics::behavior::{compute_cpu, field, Cells, NODATA};
use emberfall::run::isochrone;
use emberfall::spread::sources::{Shape, Source};
use emberfall::spread::{simulate, SpreadOptions};
use emberfall::weather::WeatherStream;

/// Case 543 of the reference: GS2 under a 15 m canopy, 20 km/h at 20 ft, flat.
const CASE: &str = "543";

#[test]
fn a_uniform_crowning_forest_grows_the_crown_fire_ellipse() {
    // A uniform landscape of the row's fuel and canopy, 10 m cells; wind from the west: the fire runs east.
    let cell = 10.0;
    let (rows_n, cols_n) = (130, 230);
    let case = common::crown_case(CASE, rows_n, cols_n, cell, 270.0);
    let num = |k: &str| case.num(k);
    assert_eq!(case.row["fire_type_name"], "crowning", "test set-up: the case must crown");
    assert_eq!(num("slope_pct"), 0.0, "test set-up: flat");
    let (r_crown, lb) = (num("crown_ros_m_min"), num("crown_lwr"));
    let (ls, w, surface) = (&case.ls, case.weather, case.surface);
    let n = rows_n * cols_n;
    let cells = Cells::from_landscape(ls).unwrap();

    // The kernel's twin gives the row's crown rate and shape.
    let b = compute_cpu(&cells, &w, &surface);
    let mid = rows_n / 2 * cols_n + cols_n / 2;
    assert_eq!(b.get(mid, field::CROWN_FIRE_TYPE), 3.0, "active crown fire");
    let ros = b.get(mid, field::ROS) as f64;
    let lw = b.get(mid, field::LENGTH_TO_BREADTH) as f64;
    println!("crown rate {ros:.4} m/min (behave {r_crown:.4}), L/B {lw:.4} (behave {lb:.4})");
    assert!((ros - r_crown).abs() <= 1e-4 * r_crown, "crown rate {ros} vs behave {r_crown}");
    assert!((lw - lb).abs() <= 1e-4 * lb, "length-to-breadth {lw} vs behave {lb}");

    // A point ignition near the west edge, off any cell centre.
    let g = ls.grid.geotransform;
    let (ix, iy) = (g[0] + 20.3 * cell, g[3] - (rows_n as f64 / 2.0 + 0.37) * cell);
    let opts = SpreadOptions { duration_min: 180.0, surface, ..Default::default() };
    let fire = simulate(
        &Engine::Cpu,
        ls,
        &cells,
        &[Source { shape: Shape::Point(ix, iy), t_min: 0.0 }],
        &WeatherStream::constant(w),
        &opts,
        &mut |_, _| {},
    )
    .unwrap()
    .rasters();
    // Every burned cell burned as active crown fire, with the crown flame length of its front-passage intensity.
    let burned: Vec<usize> = (0..n).filter(|&i| fire.arrival_min[i] != NODATA).collect();
    assert!(burned.len() > 1000);
    for &i in &burned {
        assert_eq!(fire.fire_type[i], 3.0, "cell {i}: fire type at arrival");
        let want = emberfall::physics::crown::thomas_flame_length_m(fire.intensity_kw_per_m[i] as f64);
        assert!((fire.flame_length_m[i] as f64 - want).abs() <= 1e-4 * want.max(1e-3), "cell {i}: flame length");
    }
    let times = [60.0, 120.0, 180.0];
    let isos = isochrone::trace(&ls.grid, &fire.arrival_contour_min, NODATA, &times).unwrap();
    let e = (lb * lb - 1.0).sqrt() / lb;
    let back = r_crown * (1.0 - e) / (1.0 + e);
    for (iso, t) in isos.iter().zip(times) {
        let length = (r_crown + back) * t;
        let width = length / lb;
        let area = std::f64::consts::PI / 4.0 * length * width;
        assert!(width / cell >= 20.0, "test set-up: the fire must be 20 cells wide at {t} min");
        assert!(20.3 * cell > back * t + 2.0 * cell, "test set-up: the back stays in the grid");
        assert!(20.3 * cell + r_crown * t < (cols_n as f64 - 2.0) * cell, "test set-up: the head stays in the grid");
        let err = (iso.area_m2 - area) / area;
        // behave's crown_area_1h (Rothermel 1991 eq. 11) takes the fire's length as R t, without the backing spread.
        let behave = std::f64::consts::PI * (r_crown * t).powi(2) / (4.0 * lb);
        println!(
            "{t:3.0} min: area {:.0} m2, crown ellipse {area:.0} m2 ({:+.3} %); R91's pi (R t)^2 / (4 LB) {behave:.0} m2",
            iso.area_m2,
            100.0 * err
        );
        assert!(err.abs() < 0.005, "area at {t} min off the crown ellipse by {:.3} %", 100.0 * err);
    }
    // The reference's own 1-h area is R91's ellipse: the same convention check, from the row.
    let behave_1h = std::f64::consts::PI * (r_crown * 60.0).powi(2) / (4.0 * lb) / 1e4;
    assert!((behave_1h - num("crown_area_1h_ha")).abs() <= 1e-3 * behave_1h, "R91 area convention");
}
