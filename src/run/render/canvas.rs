//! The one drawing surface of every map and plot: plotters draws (its `BitMapBackend` over the canvas's RGB
//! buffer), and every text, the maps' and the charts' alike, is set in the embedded Noto Sans (SIL Open Font
//! License, through the `notosans` crate) by `ab_glyph`, the one font loader.
//!
//! Why text is not left to plotters: plotters 0.3.7's own ab_glyph text drops each glyph's side bearing (letters
//! drift: "isochr ones") and its `FontDesc::style` keeps the regular face, so bold titles came out regular. The
//! [`Surface`] backend below hands every shape to plotters and sets text itself, with kerning, bearings and
//! the bold face, in any of plotters' anchors and quarter-turn rotations (the charts' vertical axis titles).

use std::path::Path;
use std::sync::OnceLock;

use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};

use crate::error::{Error, Result};
use crate::io::write_atomic;

/// Text weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// The embedded faces, parsed once: regular and bold.
fn face(weight: Weight) -> Option<&'static FontRef<'static>> {
    static FACES: OnceLock<(Option<FontRef<'static>>, Option<FontRef<'static>>)> = OnceLock::new();
    let (regular, bold) = FACES.get_or_init(|| {
        (FontRef::try_from_slice(notosans::REGULAR_TTF).ok(), FontRef::try_from_slice(notosans::BOLD_TTF).ok())
    });
    match weight {
        Weight::Regular => regular.as_ref(),
        Weight::Bold => bold.as_ref().or(regular.as_ref()),
    }
}

/// Each glyph of `text` at `size` px (em) with its pen position, baseline at y = ascent (the em box's top at 0),
/// and the advance of the whole line.
fn lay_out(text: &str, size: f32, weight: Weight) -> (Vec<ab_glyph::Glyph>, f32) {
    let Some(f) = face(weight) else { return (Vec::new(), 0.0) };
    let sf = f.as_scaled(PxScale::from(size));
    let (mut caret, mut prev, mut glyphs) = (0.0f32, None, Vec::new());
    for ch in text.chars() {
        let id = sf.glyph_id(ch);
        if let Some(p) = prev {
            caret += sf.kern(p, id);
        }
        glyphs.push(id.with_scale_and_position(size, point(caret, sf.ascent())));
        caret += sf.h_advance(id);
        prev = Some(id);
    }
    (glyphs, caret)
}

fn weight_of(style: plotters_backend::FontStyle) -> Weight {
    match style {
        plotters_backend::FontStyle::Bold => Weight::Bold,
        _ => Weight::Regular,
    }
}

/// plotters' bitmap backend with the text set by [`lay_out`] (see the module's comment).
pub struct Surface<'a> {
    inner: BitMapBackend<'a>,
}

type DrawResult<'a> = std::result::Result<(), DrawingErrorKind<<BitMapBackend<'a> as DrawingBackend>::ErrorType>>;

impl<'a> DrawingBackend for Surface<'a> {
    type ErrorType = <BitMapBackend<'a> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }
    fn ensure_prepared(&mut self) -> DrawResult<'a> {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> DrawResult<'a> {
        self.inner.present()
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> DrawResult<'a> {
        self.inner.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> DrawResult<'a> {
        self.inner.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        ul: BackendCoord,
        br: BackendCoord,
        style: &S,
        fill: bool,
    ) -> DrawResult<'a> {
        self.inner.draw_rect(ul, br, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> DrawResult<'a> {
        self.inner.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(&mut self, c: BackendCoord, r: u32, style: &S, fill: bool) -> DrawResult<'a> {
        self.inner.draw_circle(c, r, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        v: I,
        style: &S,
    ) -> DrawResult<'a> {
        self.inner.fill_polygon(v, style)
    }
    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> DrawResult<'a> {
        self.inner.blit_bitmap(pos, size, src)
    }
    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> std::result::Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let (_, width) = lay_out(text, style.size() as f32, weight_of(style.style()));
        Ok((width.ceil() as u32, style.size().ceil() as u32))
    }
    fn draw_text<T: BackendTextStyle>(&mut self, text: &str, style: &T, pos: BackendCoord) -> DrawResult<'a> {
        let color = style.color();
        let weight = weight_of(style.style());
        let Some(f) = face(weight) else { return Ok(()) };
        let size = style.size() as f32;
        let (glyphs, width) = lay_out(text, size, weight);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0.0,
            HPos::Center => -width / 2.0,
            HPos::Right => -width,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0.0,
            VPos::Center => -size / 2.0,
            VPos::Bottom => -size,
        };
        let turn = style.transform();
        let mut result = Ok(());
        for g in glyphs {
            let Some(outline) = f.outline_glyph(g) else { continue };
            let bb = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let x = (bb.min.x + dx).round() as i32 + gx as i32;
                let y = (bb.min.y + dy).round() as i32 + gy as i32;
                let (x, y) = turn.transform(x, y);
                let ink = BackendColor { alpha: color.alpha * coverage as f64, rgb: color.rgb };
                if result.is_ok() && coverage > 0.0 {
                    result = self.inner.draw_pixel((pos.0 + x, pos.1 + y), ink);
                }
            });
        }
        result
    }
}

/// An RGB image drawn through plotters on a [`Surface`], saved as PNG.
pub struct Canvas {
    pub width: u32,
    pub height: u32,
    buf: Vec<u8>,
}

fn rgb(c: [u8; 3]) -> RGBColor {
    RGBColor(c[0], c[1], c[2])
}

impl Canvas {
    pub fn new(width: u32, height: u32, bg: [u8; 3]) -> Canvas {
        let buf = bg.iter().copied().cycle().take((width * height * 3) as usize).collect();
        Canvas { width, height, buf }
    }
    /// A plotters drawing area over the whole canvas: charts are built on it, and the helpers below draw
    /// through it.
    pub fn area(&mut self) -> DrawingArea<Surface<'_>, plotters::coord::Shift> {
        Surface { inner: BitMapBackend::with_buffer(&mut self.buf, (self.width, self.height)) }.into_drawing_area()
    }
    /// Copy an RGB image of `w` x `h` pixels with its top-left corner at (x, y).
    pub fn blit(&mut self, x: i64, y: i64, w: u32, h: u32, rgb: &[u8]) {
        if let Some(image) = plotters::element::BitMapElement::with_ref((x as i32, y as i32), (w, h), rgb) {
            let _ = self.area().draw(&image);
        }
    }
    pub fn set(&mut self, x: i64, y: i64, c: [u8; 3]) {
        let _ = self.area().draw_pixel((x as i32, y as i32), &rgb(c));
    }
    pub fn rect(&mut self, x: i64, y: i64, w: i64, h: i64, c: [u8; 3]) {
        let r = Rectangle::new([(x as i32, y as i32), ((x + w - 1) as i32, (y + h - 1) as i32)], rgb(c).filled());
        let _ = self.area().draw(&r);
    }
    /// Outline of a rectangle.
    pub fn frame(&mut self, x: i64, y: i64, w: i64, h: i64, c: [u8; 3]) {
        let r = Rectangle::new([(x as i32, y as i32), ((x + w - 1) as i32, (y + h - 1) as i32)], rgb(c));
        let _ = self.area().draw(&r);
    }
    /// A filled triangle.
    pub fn triangle(&mut self, p: [(f64, f64); 3], c: [u8; 3]) {
        let pts: Vec<(i32, i32)> = p.iter().map(|q| (q.0.round() as i32, q.1.round() as i32)).collect();
        let _ = self.area().draw(&Polygon::new(pts, rgb(c).filled()));
    }
    /// Text with the top of its em box at (x, y), `size` pixels high (em), anti-aliased.
    pub fn text(&mut self, x: i64, y: i64, s: &str, size: f32, weight: Weight, c: [u8; 3]) {
        let style = match weight {
            Weight::Regular => FontStyle::Normal,
            Weight::Bold => FontStyle::Bold,
        };
        let color = rgb(c);
        let font = FontDesc::new(FontFamily::SansSerif, size as f64, style);
        let _ = self.area().draw_text(s, &TextStyle::from(font).color(&color), (x as i32, y as i32));
    }
    /// Width of `s` in pixels at `size`.
    pub fn text_width(s: &str, size: f32, weight: Weight) -> i64 {
        lay_out(s, size, weight).1.ceil() as i64
    }
    /// Encode as PNG (fast compression), atomically.
    pub fn save_png(&self, path: &Path) -> Result<()> {
        use image::codecs::png::{CompressionType, FilterType, PngEncoder};
        use image::ImageEncoder;
        write_atomic(path, |tmp| {
            let file = std::fs::File::create(tmp).map_err(|e| Error::io(path, e))?;
            let enc = PngEncoder::new_with_quality(
                std::io::BufWriter::new(file),
                CompressionType::Fast,
                FilterType::Adaptive,
            );
            enc.write_image(&self.buf, self.width, self.height, image::ExtendedColorType::Rgb8)
                .map_err(|e| Error::output(path.display(), format!("cannot write PNG: {e}")))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pixels darker than the white background, and the box they span: (count, min x, max x, min y, max y).
    fn ink(cv: &Canvas) -> (usize, u32, u32, u32, u32) {
        let (mut n, mut x0, mut x1, mut y0, mut y1) = (0, u32::MAX, 0, u32::MAX, 0);
        for (k, p) in cv.buf.chunks(3).enumerate() {
            if p.iter().any(|&v| v < 128) {
                let (x, y) = (k as u32 % cv.width, k as u32 / cv.width);
                n += 1;
                (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
            }
        }
        (n, x0, x1, y0, y1)
    }

    #[test]
    fn text_is_set_where_asked_bold_is_heavier_and_widths_agree() {
        let mut regular = Canvas::new(400, 60, [255, 255, 255]);
        regular.text(10, 10, "Arrival time (h)", 20.0, Weight::Regular, [0, 0, 0]);
        let mut bold = Canvas::new(400, 60, [255, 255, 255]);
        bold.text(10, 10, "Arrival time (h)", 20.0, Weight::Bold, [0, 0, 0]);
        let (n_r, x0, x1, y0, y1) = ink(&regular);
        let (n_b, ..) = ink(&bold);
        assert!(n_b as f64 > 1.2 * n_r as f64, "bold {n_b} vs regular {n_r} dark pixels");
        // The ink starts at the asked left edge (less the 'A''s bearing) and spans the measured width.
        assert!((10..=12).contains(&x0), "left edge {x0}");
        let width = Canvas::text_width("Arrival time (h)", 20.0, Weight::Regular);
        assert!((x1 as i64 - 10 - width).abs() <= 3, "ink to {x1}, measured width {width}");
        // The em box's top at y = 10: caps and the parenthesis lie within the 20-px em below it (ascent 1.07 em).
        assert!(y0 >= 10 && y1 <= 10 + 24, "rows {y0}..{y1}");
    }

    #[test]
    fn a_quarter_turned_axis_title_stands_upright() {
        let mut cv = Canvas::new(200, 400, [255, 255, 255]);
        let font = FontDesc::new(FontFamily::SansSerif, 18.0, FontStyle::Normal).transform(FontTransform::Rotate270);
        let _ = cv.area().draw_text("Probability of exceedance", &TextStyle::from(font).color(&BLACK), (100, 300));
        let (n, x0, x1, y0, y1) = ink(&cv);
        assert!(n > 100);
        assert!(y1 - y0 > 5 * (x1 - x0), "rotated text spans x {x0}..{x1}, y {y0}..{y1}");
        assert!(y1 <= 300, "drawn upwards from its anchor");
    }
}
