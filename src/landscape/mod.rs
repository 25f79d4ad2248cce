//! Landscapes through GDAL: an 8-band LCP-ordered raster (GeoTIFF or FARSITE .lcp) or separate layers, checked,
//! converted from LANDFIRE units to SI and aligned on the fuel raster's grid.
//!
//! Every cell ends either valid (a known fuel code and plausible terrain) or nodata (fuel code 0, treated as
//! non-burnable). What was warped, dropped or derived is recorded in [`Landscape::notes`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gdal::spatial_ref::SpatialRef;
use gdal::Dataset;

use crate::error::{Error, Result};

mod cells;
pub mod ground;
pub mod kii;
mod read;
pub mod sample;
mod synthetic;
pub mod terrain;
pub mod window;

pub use crate::io::grid::Grid;
pub use crate::io::warp::{gdalwarp_mem, mem_dataset, utm_epsg, warp_onto, warp_onto_from};
pub use crate::io::{srs_from_wkt, tiff_options};
use crate::physics::fuel::FuelCatalog;
use crate::units::frac_from_pct;
pub use read::read_fuel_conversion;
use read::*;
pub use synthetic::{parse_origin, write_synthetic, SynthSpec};

/// Band descriptions of an 8-band landscape in LCP order, LANDFIRE units.
pub const LCP_BAND_NAMES: [&str; 8] = [
    "elevation (m)",
    "slope (degrees)",
    "aspect (degrees)",
    "fuel model",
    "canopy cover (%)",
    "canopy height (m x 10)",
    "canopy base height (m x 10)",
    "canopy bulk density (kg/m3 x 100)",
];

/// Fuel code of a nodata cell (outside the landscape, or with implausible inputs): never burns.
pub const FUEL_NODATA: u16 = 0;

/// Units of a slope raster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlopeUnits {
    Degrees,
    Percent,
}

/// The landscape layers to read. Either `lcp` or `elevation` + `fuel`. Also the `[landscape]` table of a scenario.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LandscapeSpec {
    /// 8-band raster in LCP band order (elevation, slope, aspect, fuel, canopy cover, canopy height, canopy base
    /// height, canopy bulk density).
    pub lcp: Option<PathBuf>,
    pub elevation: Option<PathBuf>,
    pub fuel: Option<PathBuf>,
    pub slope: Option<PathBuf>,
    pub aspect: Option<PathBuf>,
    pub canopy_cover: Option<PathBuf>,
    pub canopy_height: Option<PathBuf>,
    pub canopy_base_height: Option<PathBuf>,
    pub canopy_bulk_density: Option<PathBuf>,
    /// Units of the slope layer (LANDFIRE: degrees by default; SlpP products are percent).
    pub slope_units: Option<SlopeUnits>,
    /// Custom fuel models (CSV) added to the standard ones.
    pub fuel_models: Option<PathBuf>,
    /// A FARSITE fuel model conversion file (.cnv): landscape fuel codes to the fuel models they stand for.
    #[serde(default)]
    pub fuel_conversion: Option<PathBuf>,
    /// CRS for layers that carry none (a FARSITE .lcp): `EPSG:N`, WKT or a PROJ string.
    #[serde(default)]
    pub assign_crs: Option<String>,
    /// Read every cell, not only the window the fire reaches (`--whole-landscape`; see `run::paging`).
    #[serde(default)]
    pub whole: bool,
    /// Memory a run may use (`--memory-budget`): `2GiB`, `800MiB`; default half the memory available.
    #[serde(default)]
    pub memory_budget: Option<String>,
    /// Read only this window of the landscape's grid (a run whose cost follows the fire; see [`window`]).
    #[serde(skip)]
    pub window: Option<window::CellWindow>,
    /// The landscape's DEM as already read by tile (a paged run's plan flew its debris over it): shared, not read
    /// again.
    #[serde(skip)]
    pub ground: Option<std::sync::Arc<ground::Ground>>,
}

/// A checked landscape on one grid, SI units.
#[derive(Clone, Debug)]
pub struct Landscape {
    pub grid: Grid,
    /// Elevation, m (NaN where nodata).
    pub elevation_m: Vec<f32>,
    /// Slope as rise over run (tan of the slope angle); NaN where nodata. Derived from the DEM when not given.
    pub slope_tan: Option<Vec<f32>>,
    /// Aspect: azimuth the slope faces (downslope), degrees clockwise from grid north; -1 where flat.
    pub aspect_deg: Option<Vec<f32>>,
    /// Fuel model number per cell; [`FUEL_NODATA`] where nodata.
    pub fuel: Vec<u16>,
    /// Canopy cover, fraction 0..1.
    pub canopy_cover_frac: Option<Vec<f32>>,
    /// Canopy (stand) height, m.
    pub canopy_height_m: Option<Vec<f32>>,
    /// Canopy base height, m.
    pub canopy_base_height_m: Option<Vec<f32>>,
    /// Canopy bulk density, kg/m3.
    pub canopy_bulk_density_kg_per_m3: Option<Vec<f32>>,
    /// The fuel models the landscape may use.
    pub catalog: FuelCatalog,
    /// What loading did: warps, dropped values, derived layers.
    pub notes: Vec<String>,
    /// Cells that are nodata (outside the landscape or with implausible values).
    pub nodata_cells: usize,
    /// When only a window was read: the whole landscape's grid and the window (`grid` is the window's).
    pub paged: Option<Paged>,
    /// Elevation over the window widened by one cell (clipped to the landscape), kept until slope and aspect are
    /// derived from it ([`Landscape::ensure_terrain`]) so that a window's terrain equals the whole grid's.
    terrain_halo: Option<(window::CellWindow, Vec<f32>)>,
    /// When only a window was read: the whole landscape's DEM, read tile by tile as debris flights ask for it.
    pub ground: Option<std::sync::Arc<ground::Ground>>,
}

/// A landscape read in part: the whole landscape's grid and the window read.
#[derive(Clone, Debug)]
pub struct Paged {
    pub full: Grid,
    pub window: window::CellWindow,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Elevation,
    Slope,
    Aspect,
    Fuel,
    CanopyCover,
    CanopyHeight,
    CanopyBaseHeight,
    CanopyBulkDensity,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Elevation => "elevation",
            Kind::Slope => "slope",
            Kind::Aspect => "aspect",
            Kind::Fuel => "fuel model",
            Kind::CanopyCover => "canopy cover",
            Kind::CanopyHeight => "canopy height",
            Kind::CanopyBaseHeight => "canopy base height",
            Kind::CanopyBulkDensity => "canopy bulk density",
        }
    }
    /// Categorical and circular layers are resampled by nearest neighbour, the rest bilinearly.
    fn resampling(self) -> &'static str {
        match self {
            Kind::Fuel | Kind::Aspect => "near",
            _ => "bilinear",
        }
    }
    /// Plausible raw values (LANDFIRE units) and their description.
    fn plausible(self, slope_units: SlopeUnits) -> (f64, f64, &'static str) {
        match self {
            Kind::Elevation => (-450.0, 9000.0, "m (-450..9000)"),
            Kind::Slope => match slope_units {
                SlopeUnits::Degrees => (0.0, 89.9, "degrees (0..90)"),
                SlopeUnits::Percent => (0.0, 1000.0, "percent (0..1000)"),
            },
            Kind::Aspect => (-1.0, 360.0, "degrees (-1 flat, 0..360)"),
            Kind::Fuel => (1.0, 65535.0, "fuel codes (1..65535)"),
            Kind::CanopyCover => (0.0, 100.0, "percent (0..100)"),
            Kind::CanopyHeight => (0.0, 1500.0, "m x 10 (0..1500)"),
            Kind::CanopyBaseHeight => (0.0, 1000.0, "m x 10 (0..1000)"),
            Kind::CanopyBulkDensity => (0.0, 100.0, "kg/m3 x 100 (0..100)"),
        }
    }
}

impl LandscapeSpec {
    /// Layers named as ELMFIRE names them in one folder: dem.tif, slp.tif (degrees), asp.tif, fbfm40.tif, cc.tif,
    /// ch.tif, cbh.tif, cbd.tif.
    pub fn from_elmfire_dir(dir: &Path) -> LandscapeSpec {
        let f = |n: &str| Some(dir.join(format!("{n}.tif")));
        LandscapeSpec {
            elevation: f("dem"),
            slope: f("slp"),
            aspect: f("asp"),
            fuel: f("fbfm40"),
            canopy_cover: f("cc"),
            canopy_height: f("ch"),
            canopy_base_height: f("cbh"),
            canopy_bulk_density: f("cbd"),
            ..Default::default()
        }
    }
}

/// Memory a run needs per landscape cell, bytes (estimate): the layers as f32 and f64 working copies, slope and
/// aspect, spread parameters, the spread state and its lists, behaviour at arrival and the product rasters.
pub const BYTES_PER_CELL_TO_RUN: u128 = 160;

impl Landscape {
    /// Read, check and align a landscape.
    pub fn load(spec: &LandscapeSpec) -> Result<Landscape> {
        let mut notes = Vec::new();
        let catalog = catalog_of(spec, &mut notes)?;
        let mut src = LayerSources::of(spec, &mut notes)?;
        let (full, assign) = target_grid(spec, &src.fuel.0, src.fuel.1, src.fuel_dataset(), &mut notes)?;
        // A window: its cells and a one-cell ring around them (slope and aspect from the DEM need it).
        let whole = window::CellWindow::whole(&full);
        let win = spec.window.unwrap_or(whole);
        if !whole.contains(&win) || win.is_empty() {
            return Err(Error::Internal(format!("window {win:?} is not within the landscape's grid {whole:?}")));
        }
        let read_win = if win == whole { whole } else { win.expand(&full, 1) };
        let target = win.grid_of(&full);
        // Refuse, before reading, a grid whose layers and a run over them cannot fit in memory.
        crate::quantity::grid_fits(
            win.len() as u128,
            BYTES_PER_CELL_TO_RUN,
            &format!("landscape {} ({} x {} cells)", src.fuel.0.display(), target.cols, target.rows),
        )?;
        let slope_units = spec.slope_units.unwrap_or(SlopeUnits::Degrees);
        let jobs = src.jobs(spec);
        let kinds: Vec<Kind> = jobs.iter().map(|j| j.kind).collect();
        let opened = std::mem::take(&mut src.opened);
        let (mut layers, read_notes) =
            read_layers(&jobs, &read_win.grid_of(&full), &full, slope_units, assign.as_deref(), opened)?;
        notes.extend(read_notes);
        // The halo's elevation is kept for the terrain; every layer is cropped to the window.
        let needs_terrain = !kinds.contains(&Kind::Slope) || !kinds.contains(&Kind::Aspect);
        let mut terrain_halo = None;
        if read_win != win {
            for (k, l) in layers.iter_mut().enumerate() {
                if kinds[k] == Kind::Elevation && needs_terrain {
                    terrain_halo = Some((read_win, l.clone()));
                }
                *l = win.crop(&read_win, l);
            }
        }
        let mut layers: Vec<Option<Vec<f32>>> = layers.into_iter().map(Some).collect();
        let mut take = |k: Kind| kinds.iter().position(|&x| x == k).and_then(|i| layers[i].take());
        let mut fuel_raw = take(Kind::Fuel).unwrap_or_default();
        let elevation_m = take(Kind::Elevation).unwrap_or_default();
        let (slope, aspect_deg) = (take(Kind::Slope), take(Kind::Aspect));
        let canopy = [
            take(Kind::CanopyCover),
            take(Kind::CanopyHeight),
            take(Kind::CanopyBaseHeight),
            take(Kind::CanopyBulkDensity),
        ];
        if let Some(p) = &spec.fuel_conversion {
            notes.push(convert_fuel_codes(p, &mut fuel_raw)?);
        }
        let mut fuel = fuel_codes(&fuel_raw, &catalog, spec, &src.fuel.0)?;
        let slope_tan = slope.map(|s| slope_as_tangent(s, slope_units));
        if let Some(n) = slope_tan.as_ref().and_then(|s| slope_units_note(&target, &elevation_m, s, slope_units)) {
            notes.push(n);
        }
        let [canopy_cover_frac, canopy_height_m, canopy_base_height_m, canopy_bulk_density_kg_per_m3] =
            canopy_in_si(canopy);
        let nodata_cells =
            mark_nodata(&mut fuel, &elevation_m, slope_tan.as_deref(), aspect_deg.as_deref(), &mut notes);
        let paged = (win != whole).then(|| Paged { full: full.clone(), window: win });
        let ground = match (&paged, &spec.ground) {
            (None, _) => None,
            (Some(_), Some(g)) => Some(g.clone()),
            (Some(_), None) => Some(std::sync::Arc::new(ground::Ground::over(spec, full.clone()))),
        };
        Ok(Landscape {
            grid: target,
            elevation_m,
            slope_tan,
            aspect_deg,
            fuel,
            canopy_cover_frac,
            canopy_height_m,
            canopy_base_height_m,
            canopy_bulk_density_kg_per_m3,
            catalog,
            notes,
            nodata_cells,
            paged,
            terrain_halo,
            ground,
        })
    }

    /// A uniform landscape held in memory (tests, benchmarks): one fuel model on a north-up grid of `cell_m`
    /// cells in `epsg` (a projected CRS), a plane of slope `slope_tan` facing `aspect_deg` (-1: flat), no canopy.
    pub fn uniform(
        rows: usize,
        cols: usize,
        cell_m: f64,
        epsg: u32,
        fuel_code: u16,
        slope_tan: f32,
        aspect_deg: f32,
    ) -> Result<Landscape> {
        let srs = SpatialRef::from_epsg(epsg)?;
        let grid =
            Grid { rows, cols, geotransform: [500_000.0, cell_m, 0.0, 4_000_000.0, 0.0, -cell_m], wkt: srs.to_wkt()? };
        let catalog = FuelCatalog::standard();
        if catalog.get(fuel_code).is_none() {
            return Err(Error::value("fuel model", fuel_code, "not a standard fuel model"));
        }
        let n = rows * cols;
        // Elevation of the plane: rises toward the azimuth opposite the aspect.
        let mut elevation_m = vec![0f32; n];
        if aspect_deg >= 0.0 {
            let up = ((aspect_deg as f64) + 180.0).to_radians();
            let (ue, un) = (up.sin(), up.cos());
            for r in 0..rows {
                for c in 0..cols {
                    let (e, nn) = (c as f64 * cell_m, -(r as f64) * cell_m);
                    elevation_m[r * cols + c] = (100.0 + slope_tan as f64 * (e * ue + nn * un)) as f32;
                }
            }
        }
        Ok(Landscape {
            grid,
            elevation_m,
            slope_tan: Some(vec![slope_tan; n]),
            aspect_deg: Some(vec![aspect_deg; n]),
            fuel: vec![fuel_code; n],
            canopy_cover_frac: None,
            canopy_height_m: None,
            canopy_base_height_m: None,
            canopy_bulk_density_kg_per_m3: None,
            catalog,
            notes: vec!["uniform landscape made in memory".into()],
            nodata_cells: 0,
            paged: None,
            terrain_halo: None,
            ground: None,
        })
    }

    /// Fill slope and aspect from the DEM (Horn 1981) when either was not given, on `engine`.
    pub fn ensure_terrain(&mut self, engine: &crate::gpu::Engine) -> Result<()> {
        if self.slope_tan.is_some() && self.aspect_deg.is_some() {
            return Ok(());
        }
        // A window's terrain comes from its elevation with a one-cell ring around it: the whole grid's values.
        let (slope, aspect) = match (self.terrain_halo.take(), &self.paged) {
            (Some((halo, elev)), Some(p)) => {
                let (s, a) = crate::landscape::terrain::slope_aspect(engine, &halo.grid_of(&p.full), &elev)?;
                (p.window.crop(&halo, &s), p.window.crop(&halo, &a))
            }
            _ => crate::landscape::terrain::slope_aspect(engine, &self.grid, &self.elevation_m)?,
        };
        let which = match (self.slope_tan.is_none(), self.aspect_deg.is_none()) {
            (true, true) => "slope and aspect",
            (true, false) => "slope (the aspect layer was given)",
            _ => "aspect (the slope layer was given)",
        };
        self.notes.push(format!("{which} derived from the DEM (Horn 1981) on {}", engine.name()));
        if self.slope_tan.is_none() {
            self.slope_tan = Some(slope);
        }
        if self.aspect_deg.is_none() {
            self.aspect_deg = Some(aspect);
        }
        Ok(())
    }

    /// The whole landscape's grid (the grid itself unless only a window was read).
    pub fn full_grid(&self) -> &Grid {
        self.paged.as_ref().map_or(&self.grid, |p| &p.full)
    }

    /// Histogram of fuel codes: code -> cells (nodata under [`FUEL_NODATA`]).
    pub fn fuel_histogram(&self) -> BTreeMap<u16, usize> {
        let mut h = BTreeMap::new();
        for &f in &self.fuel {
            *h.entry(f).or_insert(0) += 1;
        }
        h
    }
}

/// The fuel catalogue: the standard models and the spec's custom ones (each replaced standard model named).
fn catalog_of(spec: &LandscapeSpec, notes: &mut Vec<String>) -> Result<FuelCatalog> {
    let mut catalog = FuelCatalog::standard();
    if let Some(p) = &spec.fuel_models {
        let (n, replaced) = catalog.load_custom(p)?;
        notes.push(format!("read {n} custom fuel model(s) from {}", p.display()));
        notes.extend(replaced);
    }
    Ok(catalog)
}

/// Where each layer is read from: (file, band); an LCP's bands fill the layers not given on their own.
struct LayerSources {
    fuel: (PathBuf, usize),
    /// The files opened for their checks, kept for the grid and the reading (a mosaic's VRT is parsed at each
    /// open).
    opened: Vec<(PathBuf, Dataset)>,
    elevation: (PathBuf, usize),
    lcp: Option<PathBuf>,
    lcp_bands: usize,
}

impl LayerSources {
    /// The sources of `spec`, checked: fuel and elevation present, an LCP with its five bands at least, a
    /// single-band file for each layer given on its own (an override of the LCP's band is noted).
    fn of(spec: &LandscapeSpec, notes: &mut Vec<String>) -> Result<LayerSources> {
        let lcp = spec.lcp.as_deref();
        let layer = |explicit: &Option<PathBuf>, band: usize| -> Option<(PathBuf, usize)> {
            explicit.clone().map(|p| (p, 1)).or_else(|| lcp.map(|p| (p.to_path_buf(), band)))
        };
        let fuel =
            layer(&spec.fuel, 4).ok_or_else(|| Error::value("no fuel raster", "", "give --lcp FILE or --fuel FILE"))?;
        let elevation = layer(&spec.elevation, 1)
            .ok_or_else(|| Error::value("no elevation raster", "", "give --lcp FILE or --elevation FILE"))?;
        let mut opened: Vec<(PathBuf, Dataset)> = Vec::new();
        let lcp_bands = match lcp {
            Some(p) => {
                let ds = open(p)?;
                let n = ds.raster_count();
                opened.push((p.to_path_buf(), ds));
                if n < 5 && spec.fuel.is_none() {
                    return Err(Error::input(p.display(), format!("has {n} bands; an LCP landscape needs at least 5 (elevation, slope, aspect, fuel, canopy cover)")));
                }
                n
            }
            None => 0,
        };
        // A layer given on its own is one band: a multi-band file there (an LCP given as --fuel, say) would have its
        // first band read as that layer. With an LCP too, the layer given overrides the LCP's band: say so.
        for (name, flag, explicit, band) in [
            ("fuel", "--fuel", &spec.fuel, 4),
            ("elevation", "--elevation", &spec.elevation, 1),
            ("slope", "--slope", &spec.slope, 2),
            ("aspect", "--aspect", &spec.aspect, 3),
            ("canopy cover", "--canopy-cover", &spec.canopy_cover, 5),
            ("canopy height", "--canopy-height", &spec.canopy_height, 6),
            ("canopy base height", "--canopy-base-height", &spec.canopy_base_height, 7),
            ("canopy bulk density", "--canopy-bulk-density", &spec.canopy_bulk_density, 8),
        ] {
            let Some(p) = explicit else { continue };
            let ds = open(p)?;
            let n = ds.raster_count();
            if !opened.iter().any(|(q, _)| q == p) {
                opened.push((p.clone(), ds));
            }
            // Its first band is read: right for elevation (an LCP's first band), wrong for any other layer.
            if n > 1 && band != 1 {
                return Err(Error::input(
                    p.display(),
                    format!(
                        "{flag}: this file has {n} bands and its first would be read as the {name} layer (an LCP? \
                         give it as --lcp, or a single-band {name} raster)"
                    ),
                ));
            }
            if let (Some(l), true) = (lcp, band <= lcp_bands) {
                notes.push(format!("{flag} {} overrides band {band} ({name}) of the LCP {}", p.display(), l.display()));
            }
        }
        Ok(LayerSources { fuel, opened, elevation, lcp: lcp.map(Path::to_path_buf), lcp_bands })
    }

    /// The fuel raster, if opened.
    fn fuel_dataset(&self) -> Option<&Dataset> {
        self.opened.iter().find(|(p, _)| *p == self.fuel.0).map(|(_, d)| d)
    }

    /// The layers to read, fuel and elevation first.
    fn jobs(&self, spec: &LandscapeSpec) -> Vec<Job> {
        let job = |kind: Kind, (path, band): (PathBuf, usize)| Job { kind, path, band };
        let mut jobs = vec![job(Kind::Fuel, self.fuel.clone()), job(Kind::Elevation, self.elevation.clone())];
        for (explicit, band, kind) in [
            (&spec.slope, 2, Kind::Slope),
            (&spec.aspect, 3, Kind::Aspect),
            (&spec.canopy_cover, 5, Kind::CanopyCover),
            (&spec.canopy_height, 6, Kind::CanopyHeight),
            (&spec.canopy_base_height, 7, Kind::CanopyBaseHeight),
            (&spec.canopy_bulk_density, 8, Kind::CanopyBulkDensity),
        ] {
            let from_lcp = || self.lcp.clone().filter(|_| band <= self.lcp_bands).map(|p| (p, band));
            if let Some(src) = explicit.clone().map(|p| (p, 1)).or_else(from_lcp) {
                jobs.push(job(kind, src));
            }
        }
        jobs
    }
}

/// The grid of the landscape: the fuel raster's (in the CRS `--assign-crs` gives a file without one), warped to its
/// local UTM zone with square cells when geographic; refused when a run over it cannot fit in memory. Also the
/// assigned CRS as WKT, for reading the other layers.
fn target_grid(
    spec: &LandscapeSpec,
    fuel_path: &Path,
    fuel_band: usize,
    opened: Option<&Dataset>,
    notes: &mut Vec<String>,
) -> Result<(Grid, Option<String>)> {
    let own;
    let fuel_ds: &Dataset = match opened {
        Some(ds) => ds,
        None => {
            own = open(fuel_path)?;
            &own
        }
    };
    let assign = match &spec.assign_crs {
        None => None,
        Some(a) => {
            let srs = SpatialRef::from_definition(a).map_err(|e| {
                Error::value(
                    "--assign-crs",
                    format!("`{a}`"),
                    format!("not a CRS GDAL knows ({e}); give e.g. EPSG:32611"),
                )
            })?;
            if !srs.is_projected() {
                return Err(Error::value(
                    "--assign-crs",
                    format!("`{a}`"),
                    "not a projected CRS in metres (a landscape's cells are metres)",
                ));
            }
            if fuel_ds.projection().trim().is_empty() {
                notes.push(format!("{} has no CRS: read in {a} (--assign-crs)", fuel_path.display()));
            }
            Some(srs.to_wkt()?)
        }
    };
    let mut target = dataset_grid(fuel_path, fuel_ds, assign.as_deref())?;
    if SpatialRef::from_wkt(&target.wkt)?.is_geographic() {
        let (xmin, ymin, xmax, ymax) = target.extent();
        let epsg = utm_epsg((xmin + xmax) / 2.0, (ymin + ymax) / 2.0);
        let reopened;
        let sub: &Dataset = if fuel_band == 1 {
            fuel_ds
        } else {
            reopened = open(fuel_path)?;
            &reopened
        };
        let args: Vec<String> =
            ["-r", "near", "-t_srs", &format!("EPSG:{epsg}")].iter().map(|s| s.to_string()).collect();
        let warped = gdalwarp_mem(sub, &args)?;
        let mut g = dataset_grid(fuel_path, &warped, assign.as_deref())?;
        // Square cells of the mean size, so that spread sees an isotropic grid.
        let cell = (g.dx() + g.dy()) / 2.0;
        let (xmin2, ymin2, xmax2, ymax2) = g.extent();
        g.cols = ((xmax2 - xmin2) / cell).round().max(1.0) as usize;
        g.rows = ((ymax2 - ymin2) / cell).round().max(1.0) as usize;
        g.geotransform = [xmin2, cell, 0.0, ymax2, 0.0, -cell];
        notes.push(format!(
            "fuel raster {} is in a geographic CRS ({}); the landscape is warped to WGS 84 / UTM (EPSG:{epsg}) with {cell:.2} m cells",
            fuel_path.display(),
            target.crs_name()
        ));
        target = g;
    }
    Ok((target, assign))
}

/// Map the layer's codes to fuel models by a FARSITE conversion file (.cnv) `p`; returns the note saying so.
fn convert_fuel_codes(p: &Path, fuel_raw: &mut [f32]) -> Result<String> {
    let table = read_fuel_conversion(p)?;
    let mut converted = 0usize;
    for v in fuel_raw.iter_mut() {
        if v.is_finite() && (*v - v.round()).abs() <= 1e-6 {
            if let Some(&(_, to)) = table.iter().find(|(from, _)| *from as f32 == v.round()) {
                *v = to as f32;
                converted += 1;
            }
        }
    }
    Ok(format!("fuel codes converted by {}: {} pairs, {converted} cells", p.display(), table.len()))
}

/// Fuel codes of the cells: whole numbers known to `catalog` (nodata elsewhere); values that are not whole numbers,
/// and codes the catalogue does not know, are errors naming the file and listing them.
fn fuel_codes(fuel_raw: &[f32], catalog: &FuelCatalog, spec: &LandscapeSpec, path: &Path) -> Result<Vec<u16>> {
    let mut fuel = vec![FUEL_NODATA; fuel_raw.len()];
    let mut unknown: BTreeMap<i64, usize> = BTreeMap::new();
    let (mut non_integer, mut non_integer_examples) = (0usize, Vec::<String>::new());
    // Known codes, looked up once per code rather than once per cell.
    let mut known: Vec<Option<bool>> = vec![None; u16::MAX as usize + 1];
    for (i, &v) in fuel_raw.iter().enumerate() {
        if !v.is_finite() {
            continue;
        }
        let code = v.round() as i64;
        if (v - code as f32).abs() > 1e-6 {
            // A float raster of interpolated codes (resampled bilinearly, say): not a code at all.
            non_integer += 1;
            if non_integer_examples.len() < 5 && !non_integer_examples.contains(&v.to_string()) {
                non_integer_examples.push(v.to_string());
            }
            continue;
        }
        let ok = (1..=u16::MAX as i64).contains(&code)
            && *known[code as usize].get_or_insert_with(|| catalog.get(code as u16).is_some());
        if ok {
            fuel[i] = code as u16;
        } else {
            *unknown.entry(code).or_insert(0) += 1;
        }
    }
    if non_integer > 0 {
        return Err(Error::input(
            path.display(),
            format!(
                "{non_integer} fuel cells hold values that are not integers (e.g. {}): fuel model codes are whole numbers; was the layer resampled with an interpolating method? Use nearest neighbour",
                non_integer_examples.join(", ")
            ),
        ));
    }
    if !unknown.is_empty() {
        // At most 12 codes listed (an elevation band given as fuel has thousands).
        let mut list: Vec<String> = unknown.iter().take(12).map(|(c, k)| format!("{c} ({k} cells)")).collect();
        if unknown.len() > 12 {
            list.push(format!("and {} more codes", unknown.len() - 12));
        }
        let bands = Dataset::open(path).map(|d| d.raster_count()).unwrap_or(1);
        let hint = if spec.lcp.is_none() && bands >= 8 {
            format!(" (the file has {bands} bands: is it a landscape to give as --lcp / lcp = ...?)")
        } else {
            String::new()
        };
        return Err(Error::input(
            path.display(),
            format!(
                "unknown fuel model codes{hint}: {}. Known: Anderson 1-13, Scott & Burgan 101-204, non-burnable 91-99{}; add custom models with --fuel-models FILE",
                list.join(", "),
                if spec.fuel_models.is_some() { ", and the custom models given" } else { "" }
            ),
        ));
    }
    Ok(fuel)
}

/// A slope layer (degrees or percent) as the tangent of the slope angle.
fn slope_as_tangent(mut s: Vec<f32>, units: SlopeUnits) -> Vec<f32> {
    use rayon::prelude::*;
    s.par_iter_mut().for_each(|x| {
        *x = match units {
            SlopeUnits::Degrees => (*x as f64).to_radians().tan() as f32,
            SlopeUnits::Percent => frac_from_pct(*x as f64) as f32,
        }
    });
    s
}

/// The canopy layers (cover, height, base height, bulk density) from LANDFIRE's scaled integers (percent, m x 10,
/// m x 10, kg/m3 x 100) to SI (fraction, m, m, kg/m3); nodata means no canopy.
fn canopy_in_si(layers: [Option<Vec<f32>>; 4]) -> [Option<Vec<f32>>; 4] {
    use crate::units::{LANDFIRE_KG_PER_M3_PER_CBD_UNIT, LANDFIRE_M_PER_HEIGHT_UNIT};
    use rayon::prelude::*;
    let scales =
        [frac_from_pct(1.0), LANDFIRE_M_PER_HEIGHT_UNIT, LANDFIRE_M_PER_HEIGHT_UNIT, LANDFIRE_KG_PER_M3_PER_CBD_UNIT];
    let mut k = 0;
    layers.map(|v| {
        let scale = scales[k];
        k += 1;
        v.map(|mut v| {
            v.par_iter_mut().for_each(|x| *x = if x.is_finite() { (*x as f64 * scale) as f32 } else { 0.0 });
            v
        })
    })
}

/// Make non-burnable nodata every cell with a fuel code but nodata or implausible terrain; returns the nodata cells
/// and notes both counts.
fn mark_nodata(
    fuel: &mut [u16],
    elevation_m: &[f32],
    slope_tan: Option<&[f32]>,
    aspect_deg: Option<&[f32]>,
    notes: &mut Vec<String>,
) -> usize {
    let n = fuel.len();
    let (mut nodata_cells, mut invalid_terrain) = (0, 0);
    for i in 0..n {
        let terrain_ok = elevation_m[i].is_finite()
            && slope_tan.is_none_or(|s| s[i].is_finite())
            && aspect_deg.is_none_or(|a| a[i].is_finite());
        if fuel[i] != FUEL_NODATA && !terrain_ok {
            invalid_terrain += 1;
            fuel[i] = FUEL_NODATA;
        }
        if fuel[i] == FUEL_NODATA {
            nodata_cells += 1;
        }
    }
    if invalid_terrain > 0 {
        notes.push(format!(
            "{invalid_terrain} cells with a fuel code but nodata or implausible terrain treated as non-burnable nodata"
        ));
    }
    if nodata_cells > 0 {
        notes.push(format!(
            "{nodata_cells} of {n} cells ({:.1} %) are nodata and never burn",
            100.0 * nodata_cells as f64 / n.max(1) as f64
        ));
    }
    nodata_cells
}
