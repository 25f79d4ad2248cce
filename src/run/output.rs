//! Products: GeoTIFF and Cloud Optimized GeoTIFF rasters and PNG maps. Every file is written under a temporary
//! name in its destination folder and renamed when complete, so a failed run leaves no half-written file.

use std::path::{Path, PathBuf};

use gdal::raster::RasterCreationOptions;
use gdal::{DriverManager, Metadata};

use crate::error::{Error, Result};
use crate::landscape::{tiff_options, Grid};

/// Temporary sibling path of `path` (same folder, so the final rename is atomic).
pub fn temp_path(path: &Path) -> PathBuf {
    // Keep the extension: some GDAL drivers (GeoPackage) check it.
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    match path.extension() {
        Some(ext) => path.with_file_name(format!(".{stem}.partial-{}.{}", std::process::id(), ext.to_string_lossy())),
        None => path.with_file_name(format!(".{stem}.partial-{}", std::process::id())),
    }
}

/// Write `path` through `write` to a temporary file, then rename it into place. The temporary file is removed
/// when `write` fails.
pub fn write_atomic(path: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let tmp = temp_path(path);
    let _ = std::fs::remove_file(&tmp);
    match write(&tmp) {
        Ok(()) => std::fs::rename(&tmp, path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::io(path, e)
        }),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Write text atomically.
pub fn write_text(path: &Path, text: &str) -> Result<()> {
    write_atomic(path, |tmp| std::fs::write(tmp, text).map_err(|e| Error::io(path, e)))
}

fn mem_multiband(
    grid: &Grid,
    bands: &[Vec<f32>],
    names: &[&str],
    nodata: f64,
    metadata: &[(&str, &str)],
) -> Result<gdal::Dataset> {
    let driver = DriverManager::get_driver_by_name("MEM")?;
    let mut ds = driver.create_with_band_type::<f32, _>("", grid.cols, grid.rows, bands.len())?;
    ds.set_geo_transform(&grid.geotransform)?;
    ds.set_spatial_ref(&crate::landscape::srs_from_wkt(&grid.wkt)?)?;
    for (key, value) in metadata {
        ds.set_metadata_item(key, value, "")?;
    }
    for (i, data) in bands.iter().enumerate() {
        if data.len() != grid.len() {
            return Err(Error::Invalid(format!(
                "band {} has {} values for a {}-cell grid",
                i + 1,
                data.len(),
                grid.len()
            )));
        }
        let mut band = ds.rasterband(i + 1)?;
        band.set_no_data_value(Some(nodata))?;
        if let Some(name) = names.get(i) {
            band.set_description(name)?;
        }
        let clean: Vec<f32> = data.iter().map(|&v| if v.is_finite() { v } else { nodata as f32 }).collect();
        let mut buf = gdal::raster::Buffer::new((grid.cols, grid.rows), clean);
        band.write((0, 0), (grid.cols, grid.rows), &mut buf)?;
    }
    Ok(ds)
}

/// Write a Float32 GeoTIFF (DEFLATE, tiled, predictor 3) with several bands, atomically.
pub fn write_multiband_geotiff(
    path: &Path,
    grid: &Grid,
    bands: &[Vec<f32>],
    names: &[&str],
    nodata: f64,
    metadata: &[(&str, &str)],
) -> Result<()> {
    let mem = mem_multiband(grid, bands, names, nodata, metadata)?;
    let driver = DriverManager::get_driver_by_name("GTiff")?;
    let opts = tiff_options(true)?;
    write_atomic(path, |tmp| {
        mem.create_copy(&driver, tmp, &opts)
            .map(|_| ())
            .map_err(|e| Error::input(path.display(), format!("cannot write GeoTIFF: {e}")))
    })
}

/// Write one Float32 raster: a tiled DEFLATE GeoTIFF, or a Cloud Optimized GeoTIFF when `cog`; NaN becomes
/// `nodata`.
pub fn write_raster(path: &Path, grid: &Grid, data: &[f32], name: &str, nodata: f64, cog: bool) -> Result<()> {
    let mem = mem_multiband(grid, &[data.to_vec()], &[name], nodata, &[])?;
    let (driver, opts) = if cog {
        let mut o = RasterCreationOptions::new();
        o.set_name_value("COMPRESS", "DEFLATE")?;
        o.set_name_value("PREDICTOR", "YES")?;
        o.set_name_value("BLOCKSIZE", "256")?;
        o.set_name_value("BIGTIFF", "IF_SAFER")?;
        (DriverManager::get_driver_by_name("COG")?, o)
    } else {
        (DriverManager::get_driver_by_name("GTiff")?, tiff_options(true)?)
    };
    write_atomic(path, |tmp| {
        mem.create_copy(&driver, tmp, &opts)
            .map(|_| ())
            .map_err(|e| Error::input(path.display(), format!("cannot write raster: {e}")))
    })
}

/// RGB image being drawn.
pub struct Canvas {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<[u8; 3]>,
}

impl Canvas {
    pub fn new(width: u32, height: u32, bg: [u8; 3]) -> Canvas {
        Canvas { width, height, pixels: vec![bg; (width * height) as usize] }
    }
    pub fn set(&mut self, x: i64, y: i64, c: [u8; 3]) {
        if x >= 0 && y >= 0 && (x as u32) < self.width && (y as u32) < self.height {
            self.pixels[(y as u32 * self.width + x as u32) as usize] = c;
        }
    }
    pub fn rect(&mut self, x: i64, y: i64, w: i64, h: i64, c: [u8; 3]) {
        for yy in y..y + h {
            for xx in x..x + w {
                self.set(xx, yy, c);
            }
        }
    }
    /// Outline of a rectangle.
    pub fn frame(&mut self, x: i64, y: i64, w: i64, h: i64, c: [u8; 3]) {
        self.rect(x, y, w, 1, c);
        self.rect(x, y + h - 1, w, 1, c);
        self.rect(x, y, 1, h, c);
        self.rect(x + w - 1, y, 1, h, c);
    }
    /// Text in a 5x7 pixel font scaled by `scale`; lower-case is drawn as upper-case.
    pub fn text(&mut self, x: i64, y: i64, s: &str, scale: i64, c: [u8; 3]) {
        let mut cx = x;
        for ch in s.chars() {
            let g = glyph(ch.to_ascii_uppercase());
            for (row, bits) in g.iter().enumerate() {
                for col in 0..5 {
                    if bits & (0x10 >> col) != 0 {
                        self.rect(cx + col * scale, y + row as i64 * scale, scale, scale, c);
                    }
                }
            }
            cx += 6 * scale;
        }
    }
    /// Width of `s` in pixels at `scale`.
    pub fn text_width(s: &str, scale: i64) -> i64 {
        s.chars().count() as i64 * 6 * scale
    }
    /// Encode as PNG, atomically.
    pub fn save_png(&self, path: &Path) -> Result<()> {
        let mut raw = Vec::with_capacity(self.pixels.len() * 3);
        for p in &self.pixels {
            raw.extend_from_slice(p);
        }
        let img = image::RgbImage::from_raw(self.width, self.height, raw).expect("buffer matches size");
        write_atomic(path, |tmp| {
            img.save_with_format(tmp, image::ImageFormat::Png)
                .map_err(|e| Error::input(path.display(), format!("cannot write PNG: {e}")))
        })
    }
}

/// 5x7 glyphs, one byte per row, bit 4 = leftmost column.
fn glyph(c: char) -> [u8; 7] {
    match c {
        '0' => [0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E],
        '1' => [0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E],
        '2' => [0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F],
        '3' => [0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E],
        '4' => [0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02],
        '5' => [0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E],
        '6' => [0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E],
        '7' => [0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
        '8' => [0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E],
        '9' => [0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C],
        'A' => [0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
        'B' => [0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E],
        'C' => [0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E],
        'D' => [0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C],
        'E' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F],
        'F' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10],
        'G' => [0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F],
        'H' => [0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
        'I' => [0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E],
        'J' => [0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C],
        'K' => [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11],
        'L' => [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F],
        'M' => [0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11],
        'N' => [0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11],
        'O' => [0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'P' => [0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10],
        'Q' => [0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D],
        'R' => [0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11],
        'S' => [0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E],
        'T' => [0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
        'U' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'V' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04],
        'W' => [0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A],
        'X' => [0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11],
        'Y' => [0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04],
        'Z' => [0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F],
        '.' => [0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C],
        ',' => [0x00, 0x00, 0x00, 0x00, 0x0C, 0x04, 0x08],
        ':' => [0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00],
        '-' => [0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00],
        '+' => [0x00, 0x04, 0x04, 0x1F, 0x04, 0x04, 0x00],
        '/' => [0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00],
        '(' => [0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02],
        ')' => [0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08],
        '>' => [0x08, 0x04, 0x02, 0x01, 0x02, 0x04, 0x08],
        '<' => [0x02, 0x04, 0x08, 0x10, 0x08, 0x04, 0x02],
        '=' => [0x00, 0x00, 0x1F, 0x00, 0x1F, 0x00, 0x00],
        '%' => [0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03],
        _ => [0; 7],
    }
}

/// Hillshade (0..1) of a DEM, sun from azimuth 315 deg at 45 deg elevation (Horn gradients). NaN elevations give
/// 0.5.
pub fn hillshade(grid: &Grid, elev: &[f32]) -> Vec<f32> {
    let (rows, cols) = (grid.rows, grid.cols);
    let (az, alt) = (315f64.to_radians(), 45f64.to_radians());
    (0..rows * cols)
        .map(|k| {
            let (s, a) =
                crate::landscape::terrain::horn_cell(elev, rows, cols, grid.dx(), grid.dy(), k / cols, k % cols);
            if !s.is_finite() {
                return 0.5;
            }
            let slope = s.atan();
            let aspect = if a < 0.0 { 0.0 } else { a.to_radians() };
            let v = alt.sin() * slope.cos() + alt.cos() * slope.sin() * (az - aspect).cos();
            v.clamp(0.0, 1.0) as f32
        })
        .collect()
}

/// A class of a map legend: values in [lo, hi) get `color`.
pub struct LegendClass {
    pub lo: f32,
    pub hi: f32,
    pub color: [u8; 3],
    pub label: String,
}

/// Where [`render_map`] draws the map: left and top offsets (px) and pixels per cell.
pub fn map_layout(grid: &Grid) -> (i64, i64, f64) {
    let longest = grid.rows.max(grid.cols) as f64;
    (20, 60, (1000.0 / longest).min(4.0))
}

/// Colour a raster over a hillshade and add a title, a legend and a scale bar. Cells whose value is NaN,
/// `nodata`, or below the first class show the hillshade in grey; `water` cells (optional mask) are blue.
pub fn render_map(
    grid: &Grid,
    elevation: &[f32],
    values: &[f32],
    nodata: f32,
    classes: &[LegendClass],
    title: &str,
    water: Option<&[bool]>,
) -> Canvas {
    let shade = hillshade(grid, elevation);
    // Scale the map to at most 1000 px on its longer side.
    let longest = grid.rows.max(grid.cols) as f64;
    let scale = (1000.0 / longest).min(4.0);
    let map_w = ((grid.cols as f64 * scale).round() as u32).max(1);
    let map_h = ((grid.rows as f64 * scale).round() as u32).max(1);
    let margin = 20u32;
    let legend_w = 230u32;
    let title_h = 40u32;
    let width = map_w + legend_w + 3 * margin;
    let height = (map_h + title_h + 2 * margin).max(title_h + 60 + 24 * classes.len() as u32 + 120);
    let mut cv = Canvas::new(width, height, [255, 255, 255]);
    let (ox, oy) = (margin as i64, (margin + title_h) as i64);
    for py in 0..map_h {
        let r = ((py as f64 + 0.5) / scale) as usize;
        for px in 0..map_w {
            let c = ((px as f64 + 0.5) / scale) as usize;
            let i = r.min(grid.rows - 1) * grid.cols + c.min(grid.cols - 1);
            let s = 0.35 + 0.65 * shade[i];
            let v = values[i];
            let base = if water.is_some_and(|w| w[i]) {
                [150, 190, 230]
            } else if !v.is_finite() || v == nodata {
                let g = (s * 235.0) as u8;
                [g, g, g]
            } else if let Some(cl) = classes.iter().find(|cl| v >= cl.lo && v < cl.hi) {
                let mix = |a: u8| (a as f32 * (0.55 + 0.45 * s)) as u8;
                [mix(cl.color[0]), mix(cl.color[1]), mix(cl.color[2])]
            } else {
                let g = (s * 235.0) as u8;
                [g, g, g]
            };
            cv.set(ox + px as i64, oy + py as i64, base);
        }
    }
    cv.frame(ox - 1, oy - 1, map_w as i64 + 2, map_h as i64 + 2, [0, 0, 0]);
    cv.text(margin as i64, 12, title, 2, [0, 0, 0]);
    // Legend.
    let lx = (2 * margin + map_w) as i64;
    let mut ly = oy;
    for cl in classes {
        cv.rect(lx, ly, 28, 18, cl.color);
        cv.frame(lx, ly, 28, 18, [60, 60, 60]);
        cv.text(lx + 36, ly + 2, &cl.label, 2, [0, 0, 0]);
        ly += 24;
    }
    // North arrow.
    ly += 12;
    cv.text(lx + 8, ly, "N", 2, [0, 0, 0]);
    for k in 0..14 {
        cv.rect(lx + 13 - k / 3, ly + 18 + k, 1 + 2 * (k / 3), 1, [0, 0, 0]);
    }
    ly += 48;
    // Scale bar: a round length near a quarter of the map width.
    let map_width_m = grid.cols as f64 * grid.dx();
    let target = map_width_m / 4.0;
    let pow10 = 10f64.powf(target.log10().floor());
    let fits = (legend_w as f64 - 20.0) / scale * grid.dx();
    let nice =
        [0.5, 1.0, 2.0, 5.0, 10.0].iter().map(|m| m * pow10).rfind(|&l| l <= target.min(fits)).unwrap_or(pow10 / 2.0);
    let bar_px = (nice / grid.dx() * scale).round() as i64;
    let nice_shown = nice;
    cv.rect(lx, ly, bar_px, 6, [0, 0, 0]);
    cv.rect(lx, ly - 4, 2, 14, [0, 0, 0]);
    cv.rect(lx + bar_px - 2, ly - 4, 2, 14, [0, 0, 0]);
    let label = if nice_shown >= 1000.0 {
        format!("{} KM", fmt_num(nice_shown / 1000.0))
    } else {
        format!("{} M", fmt_num(nice_shown))
    };
    cv.text(lx, ly + 14, &label, 2, [0, 0, 0]);
    cv
}

fn fmt_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-6 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// Flame length classes (m) of the fire behaviour hauling chart (Andrews & Rothermel 1982, INT-131: 4, 8 and
/// 11 ft suppression thresholds), with a finer class below 0.6 m.
pub fn flame_length_classes() -> Vec<LegendClass> {
    let c = |lo: f32, hi: f32, color: [u8; 3], label: &str| LegendClass { lo, hi, color, label: label.into() };
    vec![
        c(1e-6, 0.6, [56, 168, 0], "0 - 0.6 M"),
        c(0.6, 1.2, [176, 224, 0], "0.6 - 1.2 M"),
        c(1.2, 2.4, [255, 235, 0], "1.2 - 2.4 M"),
        c(2.4, 3.4, [255, 140, 0], "2.4 - 3.4 M"),
        c(3.4, f32::INFINITY, [200, 0, 0], "> 3.4 M"),
    ]
}
