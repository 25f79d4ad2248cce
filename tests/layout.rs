//! Every struct shared by Rust and WGSL (src/gpu/layout.rs, and the spread kernels' `Dom`) against the WGSL that
//! declares it, as naga (wgpu's shader compiler) lays it out: the same fields in the same order at the same byte
//! offsets, and the same size. The shaders are assembled as the host assembles them (common helpers first:
//! `spread_wgsl`).

use emberfall::gpu::layout::{
    BehaviorRow, CellRow, FragmentRow, FuelRow, GpuStruct, IgnitionUniform, RunRow, BEHAVIOR_FLOATS,
};
use emberfall::spread::gpu::spread_wgsl;
use emberfall::spread::kernel::Dom;

const COMMON: &str = emberfall::gpu::COMMON_WGSL;

/// Every kernel as the host compiles it.
fn kernels() -> Vec<(&'static str, String)> {
    let plain = |src: &str| format!("{COMMON}\n{src}");
    let spread = |src: &str| format!("{COMMON}\n{}", spread_wgsl(src, false));
    let tiled = |src: &str| format!("{COMMON}\n{}", spread_wgsl(src, true));
    vec![
        ("surface_fire.wgsl", plain(&emberfall::physics::behavior::surface_fire_wgsl())),
        ("slope_aspect.wgsl", plain(include_str!("../shaders/slope_aspect.wgsl"))),
        ("ignition_probability.wgsl", plain(include_str!("../shaders/ignition_probability.wgsl"))),
        ("spread_relax.wgsl", tiled(include_str!("../shaders/spread_relax.wgsl"))),
        ("spread_commit.wgsl", tiled(include_str!("../shaders/spread_commit.wgsl"))),
        ("spread_prepare.wgsl", spread(include_str!("../shaders/spread_prepare.wgsl"))),
        ("spread_gather.wgsl", spread(include_str!("../shaders/spread_gather.wgsl"))),
        ("spread_scatter.wgsl", spread(include_str!("../shaders/spread_scatter.wgsl"))),
        ("spread_count.wgsl", spread(include_str!("../shaders/spread_count.wgsl"))),
        ("spread_reached.wgsl", spread(include_str!("../shaders/spread_reached.wgsl"))),
    ]
}

/// A Rust struct's layout: name, fields (name, offset), size.
type Layout = (&'static str, Vec<(&'static str, usize)>, usize);

fn layout<T: GpuStruct>() -> Layout {
    (T::NAME, T::fields(), std::mem::size_of::<T>())
}

fn shared() -> Vec<Layout> {
    vec![
        layout::<CellRow>(),
        layout::<FuelRow>(),
        layout::<RunRow>(),
        layout::<BehaviorRow>(),
        layout::<FragmentRow>(),
        layout::<IgnitionUniform>(),
        layout::<Dom>(),
    ]
}

/// Compare a Rust layout with the struct of the same name in `module`: None when the module has no such struct.
fn compare(rust: &Layout, module: &naga::Module) -> Option<Result<(), String>> {
    let (name, fields, size) = rust;
    let ty = module.types.iter().find(|(_, t)| t.name.as_deref() == Some(name))?.1;
    let naga::TypeInner::Struct { members, span } = &ty.inner else {
        return Some(Err(format!("{name} is not a struct in the WGSL")));
    };
    let wgsl: Vec<(String, usize)> =
        members.iter().map(|m| (m.name.clone().unwrap_or_default(), m.offset as usize)).collect();
    let rust_fields: Vec<(String, usize)> = fields.iter().map(|(n, o)| (n.to_string(), *o)).collect();
    if wgsl != rust_fields {
        return Some(Err(format!("{name}: fields (name, offset) differ:\n  Rust {rust_fields:?}\n  WGSL {wgsl:?}")));
    }
    if *span as usize != *size {
        return Some(Err(format!("{name}: size {size} bytes in Rust, {span} in WGSL")));
    }
    Some(Ok(()))
}

fn modules() -> Vec<(&'static str, naga::Module)> {
    kernels()
        .into_iter()
        .map(|(file, src)| {
            let m = naga::front::wgsl::parse_str(&src).unwrap_or_else(|e| panic!("{file}: {}", e.emit_to_string(&src)));
            (file, m)
        })
        .collect()
}

#[test]
fn every_shared_struct_matches_its_wgsl_declaration() {
    let modules = modules();
    for rust in shared() {
        let mut found = Vec::new();
        for (file, m) in &modules {
            if let Some(r) = compare(&rust, m) {
                r.unwrap_or_else(|e| panic!("{file}: {e}"));
                found.push(*file);
            }
        }
        println!("{} ({} bytes): matches {}", rust.0, rust.2, found.join(", "));
        assert!(!found.is_empty(), "{} is declared in no shader", rust.0);
    }
    assert_eq!(BEHAVIOR_FLOATS, emberfall::physics::behavior::OUT_STRIDE);
}

#[test]
fn a_wrong_offset_or_order_is_caught() {
    let modules = modules();
    let surface = &modules.iter().find(|(f, _)| *f == "surface_fire.wgsl").unwrap().1;
    let (name, mut fields, size) = layout::<CellRow>();
    assert!(compare(&(name, fields.clone(), size), surface).unwrap().is_ok());
    // Two fields swapped in Rust (as if `slope_tan` and `aspect_deg` were declared the other way round).
    fields.swap(1, 2);
    let (o1, o2) = (fields[1].1, fields[2].1);
    fields[1].1 = o2;
    fields[2].1 = o1;
    let err = compare(&(name, fields, size), surface).unwrap().unwrap_err();
    println!("{err}");
    assert!(err.contains("CellRow") && err.contains("aspect_deg"));
    // A field missing at the end: the size differs.
    let (name, fields, _) = layout::<RunRow>();
    let err = compare(&(name, fields, 48), surface).unwrap().unwrap_err();
    assert!(err.contains("size 48"), "{err}");
}
