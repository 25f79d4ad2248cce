//! Ignition sources of a spread run: points, lines and polygons in the landscape's CRS, each with a start time,
//! from the command line (`--ignite X,Y[,T_MIN]`, `--ignite-lonlat LON,LAT[,T_MIN]`) or any vector file GDAL
//! reads (`--ignitions FILE`; an optional `time_min` attribute gives each feature's start time).
//!
//! Points are placed exactly (sub-cell): the cell holding the point gets the analytical travel time from the
//! point to its centre and the point as anchor, so a point ignition is not a burning cell (which would add
//! 15 % area to a 30-min fire on 30 m cells; ../shared/SPREAD_METHODS.md). Lines are points every quarter cell;
//! polygons burn every cell whose centre is inside at the start time, and their outline as lines.

use std::path::Path;

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::vector::{Geometry, LayerAccess};

use crate::error::{Error, Result};
use crate::landscape::{srs_from_wkt, Grid};

/// The geometry of a source, map coordinates of the landscape's CRS.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    Point(f64, f64),
    Line(Vec<(f64, f64)>),
    /// Outer ring first, then holes.
    Polygon(Vec<Vec<(f64, f64)>>),
}

impl Shape {
    /// A short description: a point's coordinates, a line's or polygon's vertex count and bounding box.
    pub fn describe(&self) -> String {
        let bbox = |pts: &mut dyn Iterator<Item = &(f64, f64)>| {
            pts.fold((f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY), |b, &(x, y)| {
                (b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y))
            })
        };
        match self {
            Shape::Point(x, y) => format!("point ({x}, {y})"),
            Shape::Line(p) => {
                let (a, b, c, d) = bbox(&mut p.iter());
                format!("line of {} vertices within x {a}..{c}, y {b}..{d}", p.len())
            }
            Shape::Polygon(r) => {
                let (a, b, c, d) = bbox(&mut r.iter().flatten());
                format!("polygon of {} vertices within x {a}..{c}, y {b}..{d}", r.iter().map(Vec::len).sum::<usize>())
            }
        }
    }
}

/// An ignition: where, and when (minutes after the start of the run).
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub shape: Shape,
    pub t_min: f64,
}

/// `X,Y[,T_MIN]` (or `LON,LAT[,T_MIN]`) of the option `what`: two coordinates and a start time (min, default 0).
pub fn parse_triplet(s: &str, what: &str) -> Result<(f64, f64, f64)> {
    let v: Vec<&str> = s.split(',').map(str::trim).collect();
    let bad = || {
        Error::value(
            what,
            format!("`{s}`"),
            "expected two coordinates and an optional start time in minutes, e.g. 500100,3800200 or 500100,3800200,30",
        )
    };
    if v.len() < 2 || v.len() > 3 {
        return Err(bad());
    }
    let num = |t: &str| t.parse::<f64>().ok().filter(|x| x.is_finite());
    let x = num(v[0]).ok_or_else(bad)?;
    let y = num(v[1]).ok_or_else(bad)?;
    let t = if v.len() == 3 { num(v[2]).ok_or_else(bad)? } else { 0.0 };
    if t < 0.0 {
        return Err(Error::value(what, format!("`{s}`"), format!("start time {t} min is negative")));
    }
    Ok((x, y, t))
}

/// A point given in WGS 84 degrees, moved to the grid's CRS.
pub fn lonlat_point(lon: f64, lat: f64, t_min: f64, grid: &Grid) -> Result<Source> {
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return Err(Error::value(
            "--ignite-lonlat",
            format!("{lon},{lat}"),
            "longitude must be in -180..180 and latitude in -90..90",
        ));
    }
    let mut geo = SpatialRef::from_epsg(4326)?;
    geo.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let tr = CoordTransform::new(&geo, &srs_from_wkt(&grid.wkt)?)?;
    let (mut xs, mut ys) = ([lon], [lat]);
    tr.transform_coords(&mut xs, &mut ys, &mut []).map_err(|e| {
        Error::value("--ignite-lonlat", format!("{lon},{lat}"), format!("cannot move it to the landscape's CRS: {e}"))
    })?;
    Ok(Source { shape: Shape::Point(xs[0], ys[0]), t_min })
}

fn points(g: &Geometry) -> Vec<(f64, f64)> {
    let mut v = Vec::new();
    g.get_points(&mut v);
    v.into_iter().map(|(x, y, _)| (x, y)).collect()
}

fn collect(g: &Geometry, t: f64, out: &mut Vec<Source>) {
    use gdal::vector::geometry_type_flatten;
    use gdal_sys::OGRwkbGeometryType as T;
    let ty = geometry_type_flatten(g.geometry_type());
    if ty == T::wkbPoint {
        let (x, y, _) = g.get_point(0);
        out.push(Source { shape: Shape::Point(x, y), t_min: t });
    } else if ty == T::wkbLineString || ty == T::wkbLinearRing {
        out.push(Source { shape: Shape::Line(points(g)), t_min: t });
    } else if ty == T::wkbPolygon {
        let rings = (0..g.geometry_count()).map(|i| points(&g.get_geometry(i))).collect();
        out.push(Source { shape: Shape::Polygon(rings), t_min: t });
    } else {
        for i in 0..g.geometry_count() {
            collect(&g.get_geometry(i), t, out);
        }
    }
}

/// The first vertex of a geometry (of its first part).
fn first_point(g: &Geometry) -> (f64, f64, f64) {
    if g.point_count() > 0 {
        g.get_point(0)
    } else if g.geometry_count() > 0 {
        first_point(&g.get_geometry(0))
    } else {
        (f64::NAN, f64::NAN, 0.0)
    }
}

/// An ignition feature's `time_min` attribute, read as text: empty or missing is 0; otherwise a non-negative
/// number of minutes (not "soon", not NaN). The error says what is wrong with the value.
pub fn time_attribute(v: Option<&str>) -> std::result::Result<f64, String> {
    let t = match v.map(str::trim) {
        None | Some("") => return Ok(0.0),
        Some(v) => v.parse::<f64>().map_err(|_| format!("time_min `{v}` is not a number of minutes"))?,
    };
    if !(t.is_finite() && t >= 0.0) {
        return Err(format!("time_min {t} must be a non-negative number of minutes"));
    }
    Ok(t)
}

/// Every feature of every layer of a vector file, moved to the grid's CRS.
pub fn read_vector(path: &Path, grid: &Grid) -> Result<Vec<Source>> {
    read_vector_noted(path, grid).map(|(s, _)| s)
}

/// [`read_vector`], with what it noticed: a layer without a CRS is read in the landscape's CRS, and said so.
pub fn read_vector_noted(path: &Path, grid: &Grid) -> Result<(Vec<Source>, Vec<String>)> {
    let err = |msg: String| Error::input(path.display(), msg);
    if !path.exists() {
        return Err(err("file not found".into()));
    }
    let ds = crate::io::open_vector(path)?;
    let target = srs_from_wkt(&grid.wkt)?;
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for mut layer in ds.layers() {
        let tr = crate::io::vector::layer_transform(path, &layer, &target)?;
        if tr.is_none() {
            let extent = crate::io::vector::layer_extent(&layer).map(crate::io::vector::describe_extent);
            notes.push(format!(
                "{}: layer `{}` has no CRS (a shapefile without its .prj?): its coordinates ({}) are read in the \
                 landscape's ({}); if they are in another CRS, give the file its CRS (ogr2ogr -a_srs EPSG:N OUT.gpkg FILE)",
                path.display(),
                layer.name(),
                extent.unwrap_or_else(|| "none".into()),
                grid.crs_name()
            ));
        }
        let time_field = layer.defn().fields().position(|f| f.name().eq_ignore_ascii_case("time_min"));
        let crs_name = layer.spatial_ref().and_then(|s| s.name()).unwrap_or_else(|| "none".into());
        for (k, f) in layer.features().enumerate() {
            // Read as text and parsed here: GDAL reads "soon" as 0.
            let t = match time_field {
                Some(i) => time_attribute(f.field_as_string(i).ok().flatten().as_deref())
                    .map_err(|m| err(format!("feature {k}: {m}")))?,
                None => 0.0,
            };
            let g = match f.geometry() {
                Some(g) if !g.is_empty() => g,
                _ => {
                    return Err(err(format!(
                        "feature {k} has no geometry (null or empty): give it a point, line or polygon, or remove it"
                    )))
                }
            };
            let g = match &tr {
                Some(tr) => g.transform(tr).map_err(|e| {
                    let (x, y, _) = first_point(g);
                    err(format!(
                        "feature {k}: its coordinates ({x}, {y}) do not fit the file's CRS ({crs_name}) and cannot be moved to the landscape's ({e})"
                    ))
                })?,
                None => g.clone(),
            };
            // A self-intersecting polygon has no well-defined inside (OGR IsValid, GEOS): refuse it by name.
            let flat = g.geometry_type() & !0x8000_0000;
            let polygonal = [gdal_sys::OGRwkbGeometryType::wkbPolygon, gdal_sys::OGRwkbGeometryType::wkbMultiPolygon]
                .contains(&flat);
            if polygonal && !g.is_valid() {
                return Err(err(format!(
                    "feature {k}: its polygon is not valid (self-intersecting or with crossing rings): fix it, e.g. \
                     ogr2ogr -makevalid OUT {} ",
                    path.display()
                )));
            }
            collect(&g, t, &mut out);
        }
    }
    if out.is_empty() {
        return Err(err("no point, line or polygon features".into()));
    }
    Ok((out, notes))
}

/// Cells within this distance of an ignition line are seeded directly from it (each from its best point).
pub const LINE_BAND: i64 = 16;

/// A seed: a cell with its arrival time and anchor (cell units) from a source. The anchor may lie in another
/// (nearby) cell: the spread checks that the straight ray from it crosses no non-burnable cell.
#[derive(Clone, Copy, Debug)]
pub struct Seed {
    pub cell: usize,
    pub ax: f32,
    pub ay: f32,
    pub t_anchor: f32,
    /// The anchor is the cell's own centre (polygon interiors) rather than a point of the source.
    pub centre: bool,
    /// For a line: the segment's other end; the anchor is the segment's point of earliest arrival at the cell.
    pub segment_end: Option<(f32, f32)>,
}

/// Seeds of `src` on `grid`: positions in cell units. Fails when the source lies entirely off the grid.
pub fn seeds(src: &Source, grid: &Grid) -> Result<Vec<Seed>> {
    seeds_from(src, grid, (0, 0))
}

/// [`seeds`] on a grid whose first cell is column `origin.0`, row `origin.1` of the whole landscape (a window of
/// it): positions are counted from the landscape's corner (the spread kernel's [`crate::spread::kernel::Dom`]),
/// added in f64 before rounding to f32, so that they are the whole grid's, bit for bit.
pub fn seeds_from(src: &Source, grid: &Grid, origin: (usize, usize)) -> Result<Vec<Seed>> {
    let t = src.t_min as f32;
    let mut out = Vec::new();
    let o = (origin.0 as f64, origin.1 as f64);
    match &src.shape {
        Shape::Point(x, y) => point_seed(grid, to_cell(grid, *x, *y), t, o, &mut out),
        Shape::Line(pts) => line_seeds(grid, pts, t, o, &mut out),
        Shape::Polygon(rings) => {
            interior_seeds(grid, rings, t, o, &mut out)?;
            for ring in rings {
                line_seeds(grid, ring, t, o, &mut out);
            }
        }
    }
    if out.is_empty() {
        let (x0, y0, x1, y1) = grid.extent();
        // A point given in degrees to a landscape in metres: say so.
        let lonlat_hint = match src.shape {
            Shape::Point(x, y) if x.abs() <= 180.0 && y.abs() <= 90.0 && (x1 - x0).abs() > 360.0 => {
                format!("; ({x}, {y}) looks like a longitude and latitude: give it as --ignite-lonlat {x},{y}")
            }
            _ => String::new(),
        };
        return Err(Error::value(
            format!("ignition {} at {} min", src.shape.describe(), src.t_min),
            "",
            format!("lies outside the landscape (x {x0}..{x1}, y {y0}..{y1}){lonlat_hint}"),
        ));
    }
    Ok(out)
}

/// (column, row) of a point, in fractional cell units.
fn to_cell(grid: &Grid, x: f64, y: f64) -> (f64, f64) {
    let (r, c) = grid.fractional_cell(x, y);
    (c, r)
}

/// The seed of a point at (column, row) in cell units, if it lies on the grid.
fn point_seed(grid: &Grid, (c, r): (f64, f64), t: f32, o: (f64, f64), out: &mut Vec<Seed>) {
    if c >= 0.0 && r >= 0.0 && c < grid.cols as f64 && r < grid.rows as f64 {
        let cell = r.floor() as usize * grid.cols + c.floor() as usize;
        let (ax, ay) = ((c + o.0) as f32, (r + o.1) as f32);
        out.push(Seed { cell, ax, ay, t_anchor: t, centre: false, segment_end: None });
    }
}

/// A line seeds every cell within LINE_BAND cells of it with the segment (the spread takes the segment's point of
/// earliest arrival at that cell, with the cell's own spread ellipse), so cells near the line start from their own
/// best point of it, not from a point a cell over (percents of error at a few cells' distance).
fn line_seeds(grid: &Grid, pts: &[(f64, f64)], t: f32, o: (f64, f64), out: &mut Vec<Seed>) {
    let (cols, rows) = (grid.cols as f64, grid.rows as f64);
    for w in pts.windows(2) {
        let (c0, r0) = to_cell(grid, w[0].0, w[0].1);
        let (c1, r1) = to_cell(grid, w[1].0, w[1].1);
        let b = LINE_BAND as f64;
        let (lo_c, hi_c) = ((c0.min(c1) - b).floor().max(0.0), (c0.max(c1) + b).ceil().min(cols - 1.0));
        let (lo_r, hi_r) = ((r0.min(r1) - b).floor().max(0.0), (r0.max(r1) + b).ceil().min(rows - 1.0));
        if lo_c > hi_c || lo_r > hi_r {
            continue;
        }
        let (dx, dy) = (c1 - c0, r1 - r0);
        let len2 = (dx * dx + dy * dy).max(1e-12);
        for row in lo_r as usize..=hi_r as usize {
            for col in lo_c as usize..=hi_c as usize {
                let (pc, pr) = (col as f64 + 0.5, row as f64 + 0.5);
                let f = (((pc - c0) * dx + (pr - r0) * dy) / len2).clamp(0.0, 1.0);
                let d = ((c0 + f * dx - pc).powi(2) + (r0 + f * dy - pr).powi(2)).sqrt();
                if d <= b + 0.75 {
                    out.push(Seed {
                        cell: row * grid.cols + col,
                        ax: (c0 + o.0) as f32,
                        ay: (r0 + o.1) as f32,
                        t_anchor: t,
                        centre: false,
                        segment_end: Some(((c1 + o.0) as f32, (r1 + o.1) as f32)),
                    });
                }
            }
        }
    }
    if pts.len() == 1 {
        point_seed(grid, to_cell(grid, pts[0].0, pts[0].1), t, o, out);
    }
}

/// A polygon's interior: cells whose centre lies inside (holes excepted), GDAL's point-in-polygon in cell units.
fn interior_seeds(grid: &Grid, rings: &[Vec<(f64, f64)>], t: f32, o: (f64, f64), out: &mut Vec<Seed>) -> Result<()> {
    let (cols, rows) = (grid.cols as f64, grid.rows as f64);
    let mut poly = Geometry::empty(gdal_sys::OGRwkbGeometryType::wkbPolygon)?;
    let (mut c0, mut r0, mut c1, mut r1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (k, ring) in rings.iter().enumerate() {
        let mut g = Geometry::empty(gdal_sys::OGRwkbGeometryType::wkbLinearRing)?;
        for &(x, y) in ring {
            let (c, r) = to_cell(grid, x, y);
            g.add_point_2d((c, r));
            if k == 0 {
                (c0, r0, c1, r1) = (c0.min(c), r0.min(r), c1.max(c), r1.max(r));
            }
        }
        poly.add_geometry(g)?;
    }
    if rings.is_empty() || c0 > c1 {
        return Ok(());
    }
    for row in r0.floor().max(0.0) as usize..(r1.ceil().min(rows) as usize) {
        for col in c0.floor().max(0.0) as usize..(c1.ceil().min(cols) as usize) {
            let (pc, pr) = (col as f64 + 0.5, row as f64 + 0.5);
            let mut pt = Geometry::empty(gdal_sys::OGRwkbGeometryType::wkbPoint)?;
            pt.add_point_2d((pc, pr));
            if poly.contains(&pt) {
                out.push(Seed {
                    cell: row * grid.cols + col,
                    ax: (pc + o.0) as f32,
                    ay: (pr + o.1) as f32,
                    t_anchor: t,
                    centre: true,
                    segment_end: None,
                });
            }
        }
    }
    Ok(())
}
