//! Debris to ignitions: the ignition relations against their sources (BehavePlus's Schroeder table in
//! ../shared; Wang et al. 2017's equation), the ballistic model against analytical trajectories, the three
//! debris input forms, the ignition kernel on the GPU against its CPU twin, seeded determinism, bad input.

mod common;

use std::path::{Path, PathBuf};

use emberfall::debris::ignition::{self, CellIgnition, IgnitionParams};
use emberfall::debris::{self, Fragment, FragmentClassSpec, Material, ThermalState};
use emberfall::gpu::{Backend, Engine, Gpu};
use emberfall::landscape::{write_synthetic, Landscape, LandscapeSpec, SynthSpec};
use emberfall::physics::behavior::Cells;
use gdal::vector::LayerAccess;

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("emberfall-debris-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A flat uniform GR2 landscape on disk (UTM 11N, 30 m), origin (500000, 4000000).
fn flat_landscape(dir: &Path, n: usize) -> PathBuf {
    let p = dir.join("flat.tif");
    let spec = SynthSpec {
        fuel_code: 102,
        rows: n,
        cols: n,
        cell_size_m: 30.0,
        slope_pct: 0.0,
        aspect_deg: 0.0,
        epsg: 32611,
        origin: (500_000.0, 4_000_000.0),
    };
    write_synthetic(&spec, &p).unwrap();
    p
}

fn load(p: &Path) -> Landscape {
    let mut ls = Landscape::load(&LandscapeSpec { lcp: Some(p.to_path_buf()), ..Default::default() }).unwrap();
    ls.ensure_terrain(&Engine::Cpu).unwrap();
    ls
}

#[test]
fn schroeder_probability_matches_the_behaveplus_table() {
    let path = common::shared("oracle/ignition_firebrand_reference.csv");
    let mut rdr = csv::Reader::from_path(&path).unwrap();
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (ta, shade, m, tf, q, p) = (
        col("air_temp_c"),
        col("sun_shade_pct"),
        col("m1h_pct"),
        col("fuel_temp_c"),
        col("heat_of_preignition_cal_g"),
        col("p_ignition_frac"),
    );
    let mut n = 0;
    for rec in rdr.records() {
        let r = rec.unwrap();
        let v = |i: usize| r[i].parse::<f64>().unwrap();
        let fuel_t = ignition::fuel_temperature_c(v(ta), v(shade) / 100.0);
        assert!((fuel_t - v(tf)).abs() < 1e-3, "fuel temperature {fuel_t} vs {}", v(tf));
        let qq = ignition::heat_of_preignition_cal_g(fuel_t, v(m) / 100.0);
        assert!((qq - v(q)).abs() < 0.01, "Q {qq} vs {} (row {n})", v(q));
        let pp = ignition::schroeder_probability(fuel_t, v(m) / 100.0);
        assert!((pp - v(p)).abs() < 1e-5, "P {pp} vs {} (row {n})", v(p));
        n += 1;
    }
    assert_eq!(n, 570);
}

#[test]
fn hot_particle_critical_temperature_is_wang_2017() {
    let p = IgnitionParams::default();
    // T_crit = 1800 (1 + 4 FMC) / d + 500 C (Wang et al. 2017, IJWF 26:71), by hand.
    for (d, fmc, want) in [(6.0, 0.06, 872.0), (14.0, 0.32, 793.142_857), (10.0, 0.10, 752.0), (8.0, 0.2, 905.0)] {
        let got = ignition::hot_particle_critical_c(&p, d, fmc);
        assert!((got - want).abs() < 1e-3, "d {d} mm FMC {fmc}: {got} vs {want}");
    }
    let frag = |t: f64, d_m: f64, mat: Material| Fragment {
        id: "f".into(),
        x: 0.0,
        y: 0.0,
        mass_kg: 0.01,
        size_m: d_m,
        material: mat,
        thermal: ThermalState::Hot { temperature_c: t },
        impact_probability: 1.0,
        impact_time_s: 0.0,
        footprint: None,
        class: "test".into(),
        burned_out_in_flight: false,
    };
    let pr = |t, d, mat| ignition::fragment_ignition_probability(&p, &frag(t, d, mat), 30.0, 0.08);
    let crit = ignition::hot_particle_critical_c(&p, 10.0, 0.08);
    assert!((pr(crit, 0.010, Material::Steel) - 0.5).abs() < 1e-9, "P at the boundary is 1/2");
    assert!(pr(crit + 100.0, 0.010, Material::Steel) > 0.95);
    assert!(pr(crit - 100.0, 0.010, Material::Steel) < 0.05);
    // Smaller particles need hotter temperatures; molten aluminium carries its latent heat.
    assert!(pr(800.0, 0.006, Material::Steel) < pr(800.0, 0.014, Material::Steel));
    assert!(pr(700.0, 0.006, Material::Aluminium) > pr(700.0, 0.006, Material::Steel));
}

#[test]
fn ballistics_match_analytical_trajectories() {
    let flat = |_: f64, _: f64| 0.0;
    let model = debris::FlightModel { constant_density: true, ..Default::default() };
    let hot = (Material::Steel, ThermalState::Hot { temperature_c: 20.0 }, 1.0, 0.05);
    // No drag: z = z0 + vz t - g t^2 / 2, x = vx t.
    let g = 9.80665;
    let (z0, vx, vz) = (100.0, 10.0, 5.0);
    let f = debris::fly([0.0, 0.0, z0], [vx, 0.0, vz], f64::INFINITY, &[], &flat, hot, 20.0, &model).unwrap();
    let t = (vz + (vz * vz + 2.0 * g * z0).sqrt()) / g;
    assert!((f.time_s - t).abs() < 1e-4, "flight time {} vs {t}", f.time_s);
    assert!((f.x - vx * t).abs() < 1e-3, "range {} vs {}", f.x, vx * t);
    // Drag in constant density, dropped from rest: v(t) = vt tanh(g t / vt), z0 - z = vt^2/g ln cosh(g t / vt),
    // vt = sqrt(2 beta g / rho).
    let beta = 5.0;
    let vt = (2.0 * beta * g / 1.225f64).sqrt();
    let h = 3000.0;
    let f = debris::fly([0.0, 0.0, h], [0.0, 0.0, 0.0], beta, &[], &flat, hot, 20.0, &model).unwrap();
    let t = vt / g * (h * g / (vt * vt)).exp().acosh();
    assert!((f.speed_m_s - vt).abs() / vt < 1e-4, "terminal velocity {} vs {vt}", f.speed_m_s);
    assert!((f.time_s - t).abs() / t < 1e-4, "fall time {} vs {t}", f.time_s);
    // A steady wind carries a draggy fragment downwind (from the west: toward the east).
    let wind = [debris::WindLayer { altitude_m: 0.0, speed_m_s: 5.0, from_deg: 270.0 }];
    let f = debris::fly([0.0, 0.0, 200.0], [0.0, 0.0, 0.0], beta, &wind, &flat, hot, 20.0, &model).unwrap();
    assert!(f.x > 0.9 * 5.0 * f.time_s && f.x < 5.0 * f.time_s, "drift {} m in {} s", f.x, f.time_s);
    // A hot inert fragment cools in flight, never below the air.
    let warm = (Material::Steel, ThermalState::Hot { temperature_c: 900.0 }, 0.02, 0.012);
    let f = debris::fly([0.0, 0.0, 200.0], [0.0, 0.0, 0.0], beta, &[], &flat, warm, 20.0, &model).unwrap();
    assert!(f.temperature_c < 900.0 && f.temperature_c > 20.0, "{}", f.temperature_c);
}

/// A sphere of diameter `d` (m), density `rho` (kg/m3) and specific heat `c` (J/kg/K) falling at its terminal speed in
/// air of 1.225 kg/m3 (Cd 0.5): mass, ballistic coefficient, terminal speed and the lumped-capacitance cooling time
/// constant m c / (h pi d^2), h by Ranz-Marshall at that speed (air viscosity 1.8e-5, conductivity 0.026, Pr 0.71).
fn falling_sphere(d: f64, rho: f64, c: f64) -> (f64, f64, f64, f64) {
    let mass = rho * std::f64::consts::PI * d * d * d / 6.0;
    let beta = mass / (0.5 * std::f64::consts::PI * d * d / 4.0);
    let vt = (2.0 * beta * 9.80665 / 1.225f64).sqrt();
    let re = 1.225 * vt * d / 1.8e-5;
    let h = (2.0 + 0.6 * re.sqrt() * 0.71f64.powf(1.0 / 3.0)) * 0.026 / d;
    (mass, beta, vt, mass * c / (h * std::f64::consts::PI * d * d))
}

/// Convection-only cooling of a fragment falling at its terminal velocity in constant-density air (constant heat
/// transfer coefficient h) is the lumped-capacitance solution T(t) = Ta + (T0 - Ta) exp(-h A t / (m c)).
#[test]
fn convective_cooling_is_the_lumped_capacitance_solution() {
    let flat = |_: f64, _: f64| 0.0;
    let model = debris::FlightModel { constant_density: true, radiation: false, ..Default::default() };
    // A 12 mm steel sphere (below its melting point all along), ballistic coefficient of a sphere with Cd 0.5.
    let d = 0.012;
    let (mass, beta, vt, tau) = falling_sphere(d, 7900.0, 500.0);
    let (t0, ta) = (900.0, 20.0);
    let state = (Material::Steel, ThermalState::Hot { temperature_c: t0 }, mass, d);
    let f = debris::fly([0.0, 0.0, 600.0], [0.0, 0.0, -vt], beta, &[], &flat, state, ta, &model).unwrap();
    // Independent closed form: Ranz-Marshall h at the terminal speed, sphere area pi d^2.
    let want = ta + (t0 - ta) * (-f.time_s / tau).exp();
    println!(
        "fall {:.2} s at {vt:.2} m/s, tau {tau:.1} s: {:.3} C vs closed form {want:.3} C",
        f.time_s, f.temperature_c
    );
    assert!((f.time_s - 600.0 / vt).abs() < 1e-3 * f.time_s, "terminal-velocity fall time {}", f.time_s);
    assert!(((f.temperature_c - ta) - (want - ta)).abs() < 2e-3 * (want - ta), "{} vs {want}", f.temperature_c);
    assert!(f.temperature_c < t0 - 50.0, "set-up: the fragment must cool noticeably");
    // A fragment that cannot land within the step limit is an error, not an impact in mid-air.
    let short = debris::FlightModel { max_time_s: 1.0, ..model };
    let e = debris::fly([0.0, 0.0, 600.0], [0.0, 0.0, 0.0], beta, &[], &flat, state, ta, &short).unwrap_err();
    assert!(e.to_string().contains("still in the air"), "{e}");
}

/// A burning fragment whose burn ends in flight lands as a residue that has cooled from the burnout temperature
/// (600 C) since then: the same closed form as a hot fragment (Ranz-Marshall convection at the terminal speed,
/// lumped capacitance of its material), started at the burnout time. One still burning at impact lands burning.
#[test]
fn a_fragment_that_burns_out_in_flight_lands_cooling_from_burnout() {
    let flat = |_: f64, _: f64| 0.0;
    let model = debris::FlightModel { constant_density: true, radiation: false, ..Default::default() };
    // An 8 mm propellant crumb (1750 kg/m3, 1250 J/kg/K) at terminal speed, burn time 8 s.
    let d = 0.008;
    let (mass, beta, vt, tau) = falling_sphere(d, 1750.0, 1250.0);
    let ta = 20.0;
    let crumb = |burn: f64| (Material::SolidPropellant, ThermalState::Burning { burn_time_s: burn }, mass, d);
    let f = debris::fly([0.0, 0.0, 400.0], [0.0, 0.0, -vt], beta, &[], &flat, crumb(8.0), ta, &model).unwrap();
    let t_out = f.burned_out_at_s.expect("burned out in flight");
    assert!((t_out - 8.0).abs() < 0.02, "burnout at {t_out} s");
    assert!(f.burn_left_s.is_none() && f.time_s > 12.0, "set-up: lands after the burn ({} s)", f.time_s);
    let want = ta + (600.0 - ta) * (-(f.time_s - t_out) / tau).exp();
    println!("crumb lands at {:.1} s, {:.1} C (closed form {want:.1} C)", f.time_s, f.temperature_c);
    assert!((f.temperature_c - want).abs() < 5e-3 * (want - ta), "{} vs {want}", f.temperature_c);
    assert!(f.temperature_c < 600.0 - 50.0, "set-up: it cools noticeably before landing");
    let g = debris::fly([0.0, 0.0, 400.0], [0.0, 0.0, -vt], beta, &[], &flat, crumb(100.0), ta, &model).unwrap();
    assert!(g.burned_out_at_s.is_none() && g.burn_left_s.is_some_and(|b| b > 0.0));
}

#[test]
fn the_three_debris_forms_land_on_the_landscape() {
    let d = tmpdir("forms");
    let ls = load(&flat_landscape(&d, 60));
    // Form 1: CSV in map coordinates and GeoJSON in lon/lat, the same two fragments.
    let csv = d.join("frags.csv");
    std::fs::write(
        &csv,
        "id,x,y,mass_kg,size_m,material,temperature_c,burning,burn_time_s,impact_probability,sigma_along_m,sigma_cross_m,azimuth_deg\n\
         a,500300,3999300,0.02,0.01,steel,900,false,,0.8,,,\n\
         b,500900,3999100,1.5,0.1,solid_propellant,,true,30,0.5,60,20,45\n\
         far,700000,3000000,1,0.1,steel,900,false,,1,,,\n",
    )
    .unwrap();
    let field = debris::read_fragments(&csv, &ls.grid).unwrap();
    assert_eq!(field.fragments.len(), 2);
    assert_eq!(field.off_landscape, vec!["far".to_string()], "the fragment off the landscape is counted");
    assert!(
        matches!(field.fragments[1].thermal, ThermalState::Burning { .. }) && field.fragments[1].footprint.is_some()
    );
    let geo = d.join("frags.geojson");
    let (lon, lat) = to_lonlat(&ls, 500300.0, 3999300.0);
    std::fs::write(
        &geo,
        format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"id":"a","mass_kg":0.02,"size_m":0.01,"material":"steel","temperature_c":900,"impact_probability":0.8}},"geometry":{{"type":"Point","coordinates":[{lon},{lat}]}}}}]}}"#
        ),
    )
    .unwrap();
    let g = debris::read_fragments(&geo, &ls.grid).unwrap();
    assert!((g.fragments[0].x - 500300.0).abs() < 0.01 && (g.fragments[0].y - 3999300.0).abs() < 0.01);
    // Form 2: a probability raster on a coarser grid: the expected count is kept.
    let rp = d.join("impact.tif");
    let drv = gdal::DriverManager::get_driver_by_name("GTiff").unwrap();
    let mut ds = drv.create_with_band_type::<f32, _>(&rp, 6, 6, 1).unwrap();
    ds.set_geo_transform(&[500_000.0, 300.0, 0.0, 4_000_000.0, 0.0, -300.0]).unwrap();
    ds.set_spatial_ref(&gdal::spatial_ref::SpatialRef::from_epsg(32611).unwrap()).unwrap();
    let mut vals = vec![0f32; 36];
    vals[2 * 6 + 2] = 0.3;
    vals[3 * 6 + 3] = 0.6;
    let mut buf = gdal::raster::Buffer::new((6, 6), vals);
    ds.rasterband(1).unwrap().write((0, 0), (6, 6), &mut buf).unwrap();
    drop(ds);
    let class = FragmentClassSpec {
        material: "steel".into(),
        size_m: 0.01,
        mass_kg: 0.01,
        temperature_c: Some(900.0),
        burning: false,
        burn_time_s: None,
    };
    let r = debris::read_impact_raster(&rp, false, &class, &ls).unwrap();
    // The same raster without a CRS: an error naming the file.
    let nocrs = d.join("impact_nocrs.tif");
    {
        let mut ds = drv.create_with_band_type::<f32, _>(&nocrs, 6, 6, 1).unwrap();
        ds.set_geo_transform(&[500_000.0, 300.0, 0.0, 4_000_000.0, 0.0, -300.0]).unwrap();
    }
    let e = debris::read_impact_raster(&nocrs, false, &class, &ls).unwrap_err().to_string();
    assert!(e.contains("impact_nocrs.tif") && e.contains("no CRS"), "{e}");
    // NaN cells (not the raster's nodata) are said, with their count, not dropped silently.
    let nan = d.join("impact_nan.tif");
    {
        let mut ds = drv.create_with_band_type::<f32, _>(&nan, 6, 6, 1).unwrap();
        ds.set_geo_transform(&[500_000.0, 300.0, 0.0, 4_000_000.0, 0.0, -300.0]).unwrap();
        ds.set_spatial_ref(&gdal::spatial_ref::SpatialRef::from_epsg(32611).unwrap()).unwrap();
        let mut vals = vec![0f32; 36];
        for v in vals.iter_mut().take(7) {
            *v = f32::NAN;
        }
        vals[3 * 6 + 3] = 0.6;
        let mut buf = gdal::raster::Buffer::new((6, 6), vals);
        ds.rasterband(1).unwrap().write((0, 0), (6, 6), &mut buf).unwrap();
    }
    let r2 = debris::read_impact_raster(&nan, false, &class, &ls).unwrap();
    assert!(
        r2.notes.iter().any(|n| n.contains("impact_nan.tif") && n.contains("7 cells") && n.contains("NaN")),
        "{:?}",
        r2.notes
    );
    let want = -(0.7f64).ln() - (0.4f64).ln();
    let got: f64 = r.fragments.iter().map(|f| -(1.0 - f.impact_probability).ln()).sum();
    assert!((got - want).abs() / want < 0.05, "expected hot fragments {got} vs {want}");
    // Form 3: a failure event without drag, dispersion or wind lands where the no-drag trajectory does.
    let ev: debris::BreakUp = toml::from_str(
        "x = 500900.0\ny = 3999100.0\naltitude_agl_m = 50.0\nvelocity_enu_m_s = [20.0, 0.0, 10.0]\ndispersion_m_s = 0.0\nsamples_per_fragment = 2",
    )
    .unwrap();
    let class: debris::FragmentClass = toml::from_str(
        "name = \"ball\"\ncount = 3\nmass_kg = 1.0\nsize_m = 0.05\nmaterial = \"steel\"\nballistic_coefficient_kg_m2 = 1e12\ntemperature_c = 20.0",
    )
    .unwrap();
    let f = debris::fly_event(&ev, &[class], &[], &ls, 1).unwrap();
    assert_eq!(f.fragments.len(), 6);
    let t = (10.0 + (100.0f64 + 2.0 * 9.80665 * 50.0).sqrt()) / 9.80665;
    for fr in &f.fragments {
        assert!((fr.x - (500900.0 + 20.0 * t)).abs() < 0.05, "impact x {} vs {}", fr.x, 500900.0 + 20.0 * t);
        assert!((fr.impact_probability - 0.5).abs() < 1e-12);
    }
}

fn to_lonlat(ls: &Landscape, x: f64, y: f64) -> (f64, f64) {
    use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
    let src = emberfall::landscape::srs_from_wkt(&ls.grid.wkt).unwrap();
    let mut geo = SpatialRef::from_epsg(4326).unwrap();
    geo.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let t = CoordTransform::new(&src, &geo).unwrap();
    let (mut xs, mut ys) = ([x], [y]);
    t.transform_coords(&mut xs, &mut ys, &mut []).unwrap();
    (xs[0], ys[0])
}

#[test]
fn ignition_kernel_on_the_gpu_matches_its_cpu_twin_and_sampling_is_seeded() {
    let d = tmpdir("kernel");
    let ls = load(&flat_landscape(&d, 48));
    let cells = Cells::from_landscape(&ls).unwrap();
    let p = IgnitionParams::default();
    let m1h = 0.06;
    let ci = CellIgnition::new(&ls, &cells, m1h, &p);
    let mut frags = Vec::new();
    for k in 0..40 {
        let (x, y) = (500_100.0 + 31.7 * k as f64, 3_999_900.0 - 27.1 * k as f64);
        frags.push(Fragment {
            id: format!("f{k}"),
            x,
            y,
            mass_kg: 0.5,
            size_m: if k % 2 == 0 { 0.01 } else { 0.1 },
            material: if k % 3 == 0 { Material::SolidPropellant } else { Material::Steel },
            thermal: if k % 3 == 0 {
                ThermalState::Burning { burn_time_s: 20.0 }
            } else {
                ThermalState::Hot { temperature_c: 700.0 + 10.0 * k as f64 }
            },
            impact_probability: 0.3 + 0.01 * k as f64,
            impact_time_s: k as f64,
            footprint: (k % 4 == 1).then_some(debris::Footprint {
                sigma_along_m: 80.0,
                sigma_cross_m: 30.0,
                azimuth_deg: 30.0,
            }),
            class: "test".into(),
            burned_out_in_flight: false,
        });
    }
    let cpu = ignition::maps_cpu(&ls.grid, &ci, &frags, m1h, &p);
    let gpu = Gpu::new(Backend::Gpu).expect("a wgpu adapter (lavapipe)");
    let g = ignition::maps_gpu(&gpu, &ls.grid, &ci, &frags, m1h, &p).unwrap();
    let mut worst: f64 = 0.0;
    for i in 0..ls.grid.len() {
        worst = worst.max((cpu.probability[i] - g.probability[i]).abs() as f64);
        worst = worst.max(((cpu.expected[i] - g.expected[i]).abs() / cpu.expected[i].max(1e-3)) as f64);
    }
    assert!(worst < 1e-4, "GPU and CPU ignition maps differ by {worst}");
    let total: f64 = cpu.expected.iter().map(|&v| v as f64).sum();
    assert!(total > 1.0, "set-up: expected ignitions {total}");
    // The CPU scatter runs row bands in parallel: the same maps bit for bit on one thread, and each fragment's
    // expected ignitions add up to the map's.
    let one_thread = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let serial = one_thread.install(|| ignition::maps_cpu(&ls.grid, &ci, &frags, m1h, &p));
    assert_eq!(serial.probability, cpu.probability, "ignition probability on 1 thread vs the pool");
    assert_eq!(serial.expected, cpu.expected, "expected ignitions on 1 thread vs the pool");
    let per_fragment: f64 = ignition::expected_by_fragment(&ls.grid, &ci, &frags, m1h, &p).iter().sum();
    assert!((per_fragment - total).abs() < 1e-5 * total, "per fragment {per_fragment} vs map {total}");
    // Footprints integrate to the impact probability (within the grid and the 3x3 midpoint rule).
    let mut one = vec![frags[1].clone()];
    (one[0].x, one[0].y) = (500_713.0, 3_999_281.0); // mid-grid: the 4-sigma window inside
    let m = ignition::maps_cpu(
        &ls.grid,
        &CellIgnition { can_ignite: vec![true; ls.grid.len()], fuel_temp_c: ci.fuel_temp_c.clone() },
        &one,
        m1h,
        &p,
    );
    let pi = ignition::fragment_ignition_probability(&p, &one[0], ci.fuel_temp_c[0] as f64, m1h);
    let sum: f64 = m.expected.iter().map(|&v| v as f64).sum();
    assert!((sum - one[0].impact_probability * pi).abs() < 0.01, "footprint mass {sum}");
    // Seeded realisations: the same seed gives the same ignitions, another seed others.
    let a = ignition::sample(&ls.grid, &ci, &frags, m1h, &p, 7);
    let b = ignition::sample(&ls.grid, &ci, &frags, m1h, &p, 7);
    let c = ignition::sample(&ls.grid, &ci, &frags, m1h, &p, 8);
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert!(!a.is_empty());
}

fn write_scenario(d: &Path, extra_debris: &str, backend: &str) -> PathBuf {
    let ls = flat_landscape(d, 80);
    std::fs::write(
        d.join("frags.csv"),
        "id,x,y,mass_kg,size_m,material,temperature_c,burning,burn_time_s,impact_probability\n\
         p1,501200,3998800,1.0,0.1,solid_propellant,,true,30,1.0\n\
         p2,501100,3998600,0.02,0.012,steel,1000,false,,1.0\n\
         p3,500700,3998900,1.0,0.1,solid_propellant,,true,30,0.9\n",
    )
    .unwrap();
    let sc = d.join("scenario.toml");
    std::fs::write(
        &sc,
        format!(
            "name = \"test\"\nseed = 11\nbackend = \"{backend}\"\n[landscape]\nlcp = \"{}\"\n[weather]\nmoisture_pct = [4, 5, 6, 40, 70]\nwind_speed_kmh = 20\nwind_from_deg = 270\nair_temp_c = 30\n[debris]\n{extra_debris}\n[spread]\nduration = \"1h\"\nisochrone_interval = \"20min\"\n[output]\ndir = \"out\"\n",
            ls.file_name().unwrap().to_string_lossy()
        ),
    )
    .unwrap();
    sc
}

#[test]
fn a_scenario_runs_the_same_on_both_backends() {
    let d = tmpdir("scenario");
    let sc = write_scenario(&d, "fragments = \"frags.csv\"", "cpu");
    let run = |b: Backend, out: &str| {
        let ov = emberfall::run::Overrides {
            backend: Some(b),
            out_dir: Some(d.join(out)),
            seed: None,
            ..Default::default()
        };
        emberfall::run::run_file(&sc, &ov, &mut |_| {}).unwrap()
    };
    let c = run(Backend::Cpu, "cpu");
    let g = run(Backend::Gpu, "gpu");
    assert_eq!(c.ignitions, g.ignitions, "the same seed gives the same ignitions on every backend");
    assert!(!c.ignitions.is_empty());
    for f in [
        "ignition_probability.tif",
        "expected_ignitions.tif",
        "impacts.gpkg",
        "arrival_time_min.tif",
        "isochrones.gpkg",
        "report.md",
        "summary.json",
    ] {
        assert!(c.out_dir.join(f).exists(), "{f} missing");
    }
    let read = |p: PathBuf| {
        let ds = gdal::Dataset::open(p).unwrap();
        let (w, h) = ds.raster_size();
        ds.rasterband(1).unwrap().read_as::<f32>((0, 0), (w, h), (w, h), None).unwrap().data().to_vec()
    };
    let (a, b) = (read(c.out_dir.join("arrival_time_min.tif")), read(g.out_dir.join("arrival_time_min.tif")));
    let mut n = 0;
    for (x, y) in a.iter().zip(&b) {
        if *x >= 0.0 && *y >= 0.0 {
            n += 1;
            assert!((x - y).abs() <= 1e-3 * x.max(1.0), "arrival {x} vs {y}");
        } else {
            assert_eq!(x < &0.0, y < &0.0);
        }
    }
    assert!(n > 50, "burned cells {n}");
    let ds = gdal::Dataset::open(c.out_dir.join("impacts.gpkg")).unwrap();
    assert_eq!(ds.layer_by_name("impacts").unwrap().feature_count(), 3);
    // impacts.gpkg is itself a fragment list (form 1).
    let back = debris::read_fragments(&c.out_dir.join("impacts.gpkg"), &load(&d.join("flat.tif")).grid).unwrap();
    assert_eq!(back.fragments.len(), 3);
    assert!(back
        .fragments
        .iter()
        .any(|f| matches!(f.thermal, ThermalState::Burning { burn_time_s } if burn_time_s == 30.0)));
    let report = std::fs::read_to_string(c.out_dir.join("report.md")).unwrap();
    assert!(report.contains("burned area") && report.contains("Expected ignitions"));
}

#[test]
fn bad_debris_and_scenarios_get_errors_naming_row_and_field() {
    let d = tmpdir("bad");
    let ls = load(&flat_landscape(&d, 20));
    let bad = |name: &str, body: &str, want: &[&str]| {
        let p = d.join(name);
        std::fs::write(&p, body).unwrap();
        let e = debris::read_fragments(&p, &ls.grid).unwrap_err().to_string();
        for w in want {
            assert!(e.contains(w), "error `{e}` should mention `{w}`");
        }
    };
    let head = "id,x,y,mass_kg,size_m,material,temperature_c,impact_probability\n";
    bad(
        "p.csv",
        &format!("{head}a,500100,3999900,1,0.1,steel,900,1.5\n"),
        &["p.csv", "row 2", "impact_probability", "1.5"],
    );
    bad("m.csv", &format!("{head}a,500100,3999900,1,0.1,unobtainium,900,0.5\n"), &["row 2", "material", "unobtainium"]);
    bad("t.csv", &format!("{head}a,500100,3999900,1,0.1,steel,,0.5\n"), &["row 2", "temperature_c"]);
    bad(
        "c.csv",
        "id,x,y,mass_kg,size_m,temperature_c,impact_probability\na,1,2,1,0.1,900,0.5\n",
        &["c.csv", "material"],
    );
    bad("n.csv", &format!("{head}a,500100,3999900,heavy,0.1,steel,900,0.5\n"), &["row 2", "mass_kg", "heavy"]);
    // Silent before: both positions, a burning fragment with a temperature, an impact a geological age away.
    bad(
        "xyll.csv",
        "id,x,y,lon,lat,mass_kg,size_m,material,temperature_c,impact_probability\n\
         a,500100,3999900,-117,36,1,0.1,steel,900,0.5\n",
        &["xyll.csv", "row 2", "x/y and lon/lat", "not both"],
    );
    bad(
        "bt.csv",
        "id,x,y,mass_kg,size_m,material,temperature_c,burning,burn_time_s,impact_probability\n\
         a,500100,3999900,1,0.1,solid_propellant,600,true,20,0.5\n",
        &["bt.csv", "row 2", "temperature_c", "burning"],
    );
    bad(
        "it.csv",
        "id,x,y,mass_kg,size_m,material,temperature_c,impact_probability,impact_time_s\n\
         a,500100,3999900,1,0.1,steel,900,0.5,1e12\n",
        &["it.csv", "row 2", "impact_time_s", "1000000000000"],
    );
    // Rows are the file's lines: a comment line before the header counts.
    bad(
        "cm.csv",
        &format!("# fragments of the 2024 failure\n{head}a,500100,3999900,1,0.1,steel,900,1.5\n"),
        &["cm.csv", "row 3", "impact_probability"],
    );
    // A mass the size cannot hold (a unit slip): 30 kg of aluminium within 12 mm is 1.7e7 kg/m3.
    bad(
        "dens.csv",
        &format!("{head}a,500100,3999900,30,0.012,aluminium,900,0.5\n"),
        &["dens.csv", "row 2", "mass_kg/size_m", "1.74e7 kg/m3", "aluminium", "2700"],
    );
    let class = emberfall::debris::FragmentClassSpec {
        material: "aluminium".into(),
        size_m: 0.012,
        mass_kg: 30.0,
        temperature_c: Some(900.0),
        burning: false,
        burn_time_s: None,
    };
    let e = class.thermal("debris.class[1]").unwrap_err().to_string();
    assert!(e.contains("debris.class[1]") && e.contains("kg/m3"), "{e}");
    // Scenarios: unknown keys and two debris forms are named.
    let sc = write_scenario(&d, "fragments = \"frags.csv\"\nfragmnts = \"x.csv\"", "cpu");
    let e = emberfall::run::scenario::Scenario::load(&sc).unwrap_err().to_string();
    assert!(e.contains("fragmnts"), "{e}");
    let sc = write_scenario(&d, "fragments = \"frags.csv\"\nraster = \"r.tif\"", "cpu");
    let e = emberfall::run::scenario::Scenario::load(&sc).unwrap_err().to_string();
    assert!(e.contains("exactly one"), "{e}");
    // A debris class that is both hot and burning.
    let class = emberfall::debris::FragmentClassSpec {
        material: "steel".into(),
        size_m: 0.1,
        mass_kg: 1.0,
        temperature_c: Some(900.0),
        burning: true,
        burn_time_s: Some(10.0),
    };
    let e = class.thermal("debris.class[0]").unwrap_err().to_string();
    assert!(e.contains("debris.class[0]") && e.contains("temperature_c") && e.contains("burning"), "{e}");
    // A failure event without its break-up height and velocity: demanded only when no trajectory gives them.
    let sc = write_scenario(
        &d,
        "[debris.event]\nx = 500500\ny = 3999500\n[[debris.class]]\nname = \"c\"\ncount = 1\nmass_kg = 1.0\n\
         size_m = 0.1\nmaterial = \"steel\"\ntemperature_c = 900",
        "cpu",
    );
    let e = emberfall::run::scenario::Scenario::load(&sc).unwrap_err().to_string();
    assert!(e.contains("altitude_agl_m and velocity_enu_m_s") && e.contains("[trajectory]"), "{e}");
    let demo = emberfall::run::demo::unpack(&d.join("demo")).unwrap();
    let text = std::fs::read_to_string(&demo).unwrap();
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("altitude_agl_m") && !l.starts_with("velocity_enu_m_s"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(without.len() < text.len() && without.contains("[trajectory]"));
    std::fs::write(&demo, without).unwrap();
    let s = emberfall::run::scenario::Scenario::load(&demo).expect("the trajectory gives the break-up state");
    assert!(s.ensemble.trajectory.is_some());
    let sc = write_scenario(&d, "fragments = \"frags.csv\"", "warp-drive");
    let e = emberfall::run::run_file(&sc, &Default::default(), &mut |_| {}).map(|_| ()).unwrap_err().to_string();
    assert!(e.contains("backend") && e.contains("warp-drive"), "{e}");
}

#[test]
fn the_shipped_scenarios_load() {
    use emberfall::run::scenario::{DebrisSpec, Scenario};
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    // The Kairos scenario: the failure event and the four fragment classes its file lists, on the demo landscape.
    let k = Scenario::load(&root.join("kairos_2024.toml")).unwrap();
    assert_eq!(k.seed, 20240313);
    let Some(DebrisSpec::Event { event, classes, winds_aloft }) = &k.debris else { panic!("kairos: {:?}", k.debris) };
    assert_eq!(event.altitude_agl_m, 60.0);
    assert_eq!(event.samples_per_fragment, 8);
    let counts: Vec<(&str, usize)> = classes.iter().map(|c| (c.name.as_str(), c.count)).collect();
    assert_eq!(counts, [("propellant_chunk", 24), ("propellant_crumb", 60), ("case_fragment", 30), ("hot_metal", 20)]);
    assert_eq!(winds_aloft.len(), 2);
    assert!(k.landscape.lcp.as_ref().unwrap().ends_with("dem/kii_synthetic.tif"));
    // The Missoula scenario: its fragment list over the LANDFIRE landscape in ../shared, one fragment off it.
    let m = Scenario::load(&root.join("missoula_fragments.toml")).unwrap();
    let Some(DebrisSpec::Fragments(list)) = &m.debris else { panic!("missoula: {:?}", m.debris) };
    let ls = Landscape::load(&m.landscape).unwrap();
    assert!(ls.grid.wkt.contains("UTM zone 11N"), "{}", ls.grid.wkt);
    let field = debris::read_fragments(list, &ls.grid).unwrap();
    let rows =
        std::fs::read_to_string(list).unwrap().lines().filter(|l| !l.starts_with('#') && !l.is_empty()).count() - 1;
    assert_eq!(field.fragments.len() + field.off_landscape.len(), rows, "rows of missoula_fragments.csv");
    assert_eq!(field.off_landscape.len(), 1, "the fragment the scenario says lands off the landscape");
    assert!(m.landscape.lcp.as_ref().unwrap().ends_with("landscapes/missoula_lcp/example_lcp.tif"));
    common::shared("landscapes/missoula_lcp/example_lcp.tif");
}

/// A failure event's flights, flown in parallel, land where one thread flies them; a run says what its debris is
/// doing (flights, ignition maps: `EMBERFALL_PROGRESS=always` shows what a long list shows by itself) and its time
/// split counts the debris inside the compute phase.
#[test]
fn debris_work_reports_progress_and_flies_the_same_on_any_thread_count() {
    let d = tmpdir("debris_progress");
    let ls = load(&flat_landscape(&d, 80));
    let event = "x = 501200.0\ny = 3998800.0\naltitude_agl_m = 80.0\nvelocity_enu_m_s = [0.0, 0.0, 20.0]\n\
                 dispersion_m_s = 20.0\nsamples_per_fragment = 4";
    let class = "name = \"chunk\"\ncount = 30\nmass_kg = 1.0\nsize_m = 0.1\nmaterial = \"solid_propellant\"\n\
                 cd = 1.0\nburning = true\nburn_time_s = 30";
    let ev: debris::BreakUp = toml::from_str(event).unwrap();
    let cl: debris::FragmentClass = toml::from_str(class).unwrap();
    let pool = debris::fly_event(&ev, std::slice::from_ref(&cl), &[], &ls, 5).unwrap();
    let one_thread = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let serial = one_thread.install(|| debris::fly_event(&ev, &[cl], &[], &ls, 5).unwrap());
    assert_eq!(pool.fragments.len(), 120);
    let spread = pool.fragments.iter().map(|f| (f.x - 501200.0).hypot(f.y - 3998800.0)).fold(0.0, f64::max);
    assert!(spread > 30.0, "set-up: dispersed fragments ({spread} m)");
    for (a, b) in pool.fragments.iter().zip(&serial.fragments) {
        assert_eq!((a.id.as_str(), a.x, a.y, a.impact_time_s), (b.id.as_str(), b.x, b.y, b.impact_time_s));
    }
    for (name, debris, n) in [
        ("event", format!("[debris.event]\n{event}\n[[debris.class]]\n{class}\n"), 120),
        ("list", "[debris]\nfragments = \"frags.csv\"\n".to_string(), 3),
    ] {
        let dir = d.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let sc = write_scenario(&dir, "", "cpu");
        let text = std::fs::read_to_string(&sc).unwrap().replace("[debris]\n\n", &debris);
        std::fs::write(&sc, text).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_emberfall"))
            .arg("run")
            .arg(&sc)
            .env("EMBERFALL_PROGRESS", "always")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        let all = format!("{}{err}", String::from_utf8_lossy(&out.stdout));
        assert!(out.status.success(), "{name}: {all}");
        if name == "event" {
            assert!(err.contains(&format!("failure event: flying {n} fragments in ")), "{name}: {err}");
        }
        assert!(err.contains(&format!("ignition maps of {n} fragments in ")), "{name}: {err}");
        assert!(all.contains("(of which debris "), "{name}: the split lacks the debris: {all}");
    }
}

/// A launch-window candidate flies its debris in its forecast's winds aloft: the demo forecast's aloft columns are
/// read as they are written (checked with the csv crate), and a strong westerly aloft carries the same member's
/// fragments east of where calm air leaves them.
#[test]
fn launch_candidates_fly_their_debris_in_the_forecasts_winds_aloft() {
    use emberfall::run::pipeline::{prepare, Variation};
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let sc = emberfall::run::scenario::Scenario::load(&root.join("examples/kairos_2024.toml")).unwrap();
    let lw = sc.ensemble.launch_window.clone().expect("the demo has a launch window");
    let mut r =
        csv::ReaderBuilder::new().comment(Some(b'#')).from_path(root.join("examples/kii_forecast.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(lw.aloft.len(), rows.len());
    for (layers, rec) in lw.aloft.iter().zip(&rows) {
        let v = |name: &str| rec[col(name)].parse::<f64>().unwrap();
        assert_eq!(layers.len(), 2);
        assert_eq!((layers[0].altitude_m, layers[1].altitude_m), (100.0, 500.0));
        assert_eq!((layers[0].speed_m_s, layers[0].from_deg), (v("aloft_100m_speed_m_s"), v("aloft_100m_from_deg")));
        assert_eq!((layers[1].speed_m_s, layers[1].from_deg), (v("aloft_500m_speed_m_s"), v("aloft_500m_from_deg")));
    }
    // A candidate takes the row in force at its time.
    let t = chrono::DateTime::parse_from_rfc3339("2024-03-13T12:30:00+09:00").unwrap();
    assert_eq!(lw.launch(t, 60.0).winds_aloft.as_ref(), Some(&lw.aloft[4]), "12:30 flies in the 12:00 row's winds");
    let p = prepare(sc, &Engine::Cpu).unwrap();
    let layer = |speed: f64| emberfall::debris::WindLayer { altitude_m: 100.0, speed_m_s: speed, from_deg: 270.0 };
    let mean_x = |speed: f64| {
        let v = Variation { winds_aloft: Some(vec![layer(speed)]), skip_maps: true, ..Default::default() };
        let (d, _, _) = p.member_sources(7, &v).unwrap();
        let f = &d.unwrap().field.fragments;
        f.iter().map(|f| f.x).sum::<f64>() / f.len() as f64
    };
    let (calm, west) = (mean_x(0.0), mean_x(20.0));
    assert!(west > calm + 5.0, "a 20 m/s westerly aloft moves the fragments east: mean x {west} vs calm {calm}");
}
