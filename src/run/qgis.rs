//! For GIS import: QGIS layer styles (.qml) beside raster and vector products, styled with the classes and colours of
//! the PNG maps, and a QGIS project (.qgz: a zip holding the .qgs XML) with every product of a run over a hillshade,
//! paths relative to the project so the folder can be moved. Format: QGIS 3 project and style XML (the QGIS
//! documentation, "QGIS project file" and "Layer definition/style" formats).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::io;
use crate::landscape::Grid;
use crate::run::render::LegendClass;

/// QGIS version the files declare.
const QGIS_VERSION: &str = "3.28.0-Firenze";

/// How a layer is drawn.
#[derive(Clone, Debug)]
pub enum Style {
    /// Discrete classes of a single-band raster (values in [lo, hi) get the class colour; at or below `clear_below`
    /// transparent).
    Classes { classes: Vec<LegendClass>, clear_below: f32 },
    /// A grey single-band raster stretched between min and max (the hillshade).
    Grey { min: f32, max: f32 },
    /// Lines in one colour, labelled by a field.
    Lines { color: [u8; 3], label_field: String },
    /// Square point markers in one colour, labelled by a field.
    Points { color: [u8; 3], label_field: String },
}

/// A layer of a project.
#[derive(Clone, Debug)]
pub struct Layer {
    /// File, relative to the project's folder.
    pub file: PathBuf,
    /// GeoPackage layer name (vectors).
    pub layer: Option<String>,
    pub name: String,
    pub style: Style,
    pub visible: bool,
}

/// The XML writer of styles and projects (quick-xml: it escapes every attribute and text, indents by two spaces).
type Xml = quick_xml::Writer<Vec<u8>>;
type XmlResult = std::io::Result<()>;

/// `<name attrs/>`.
fn empty(w: &mut Xml, name: &str, attrs: &[(&str, &str)]) -> XmlResult {
    w.create_element(name).with_attributes(attrs.iter().copied()).write_empty()?;
    Ok(())
}

/// `<name>text</name>`.
fn text(w: &mut Xml, name: &str, text: &str) -> XmlResult {
    w.create_element(name).write_text_content(quick_xml::events::BytesText::new(text))?;
    Ok(())
}

/// `<name attrs>...</name>` with the content `inner` writes.
fn inner(w: &mut Xml, name: &str, attrs: &[(&str, &str)], f: impl FnOnce(&mut Xml) -> XmlResult) -> XmlResult {
    w.create_element(name).with_attributes(attrs.iter().copied()).write_inner_content(f)?;
    Ok(())
}

/// QGIS's DOCTYPE line, which every style and project file opens with.
fn doctype(w: &mut Xml) -> XmlResult {
    let dt = quick_xml::events::BytesText::from_escaped("qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'");
    w.write_event(quick_xml::events::Event::DocType(dt))
}

fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// QGIS's default min/max settings of a raster renderer.
fn min_max_origin(w: &mut Xml) -> XmlResult {
    inner(w, "minMaxOrigin", &[], |w| {
        for (k, v) in [
            ("limits", "None"),
            ("extent", "WholeRaster"),
            ("statAccuracy", "Estimated"),
            ("cumulativeCutLower", "0.02"),
            ("cumulativeCutUpper", "0.98"),
            ("stdDevFactor", "2"),
        ] {
            text(w, k, v)?;
        }
        Ok(())
    })
}

/// The `<pipe>` (rasters) or `<renderer-v2>` and labelling (vectors) of a style.
fn renderer(w: &mut Xml, style: &Style) -> XmlResult {
    match style {
        Style::Classes { classes, clear_below } => classes_pipe(w, classes, *clear_below),
        Style::Grey { min, max } => grey_pipe(w, *min, *max),
        Style::Lines { color, label_field } => vector_renderer(w, true, *color, label_field),
        Style::Points { color, label_field } => vector_renderer(w, false, *color, label_field),
    }
}

/// A raster in discrete colour classes, transparent below `clear_below`.
fn classes_pipe(w: &mut Xml, classes: &[LegendClass], clear_below: f32) -> XmlResult {
    let max = classes.iter().rev().find(|c| c.hi.is_finite()).map_or(1.0, |c| c.hi).to_string();
    let min = clear_below.to_string();
    inner(w, "pipe", &[], |w| {
        let r = [
            ("type", "singlebandpseudocolor"),
            ("band", "1"),
            ("opacity", "1"),
            ("alphaBand", "-1"),
            ("classificationMin", min.as_str()),
            ("classificationMax", max.as_str()),
            ("nodataColor", ""),
        ];
        inner(w, "rasterrenderer", &r, |w| {
            empty(w, "rasterTransparency", &[])?;
            min_max_origin(w)?;
            inner(w, "rastershader", &[], |w| {
                let shader = [
                    ("colorRampType", "DISCRETE"),
                    ("classificationMode", "1"),
                    ("clip", "0"),
                    ("minimumValue", min.as_str()),
                    ("maximumValue", max.as_str()),
                    ("labelPrecision", "4"),
                ];
                inner(w, "colorrampshader", &shader, |w| {
                    let clear = [("alpha", "0"), ("value", min.as_str()), ("label", "none"), ("color", "#ffffff")];
                    empty(w, "item", &clear)?;
                    for c in classes {
                        let upper = if c.hi.is_finite() { c.hi.to_string() } else { "inf".into() };
                        let color = hex(c.color);
                        let item = [("alpha", "255"), ("value", &upper), ("label", &c.label), ("color", &color)];
                        empty(w, "item", &item)?;
                    }
                    Ok(())
                })
            })
        })?;
        raster_pipe_tail(w, true)
    })
}

/// A raster stretched from `min` (black) to `max` (white).
fn grey_pipe(w: &mut Xml, min: f32, max: f32) -> XmlResult {
    inner(w, "pipe", &[], |w| {
        let r = [
            ("type", "singlebandgray"),
            ("grayBand", "1"),
            ("gradient", "BlackToWhite"),
            ("opacity", "1"),
            ("alphaBand", "-1"),
            ("nodataColor", ""),
        ];
        inner(w, "rasterrenderer", &r, |w| {
            empty(w, "rasterTransparency", &[])?;
            min_max_origin(w)?;
            inner(w, "contrastEnhancement", &[], |w| {
                text(w, "minValue", &min.to_string())?;
                text(w, "maxValue", &max.to_string())?;
                text(w, "algorithm", "StretchToMinimumMaximum")
            })
        })?;
        raster_pipe_tail(w, false)
    })
}

/// Lines or square markers in one colour, labelled by `label_field` (none when empty).
fn vector_renderer(w: &mut Xml, line: bool, color: [u8; 3], label_field: &str) -> XmlResult {
    let c = format!("{},{},{},255", color[0], color[1], color[2]);
    let r = [("type", "singleSymbol"), ("symbollevels", "0"), ("enableorderby", "0"), ("forceraster", "0")];
    inner(w, "renderer-v2", &r, |w| {
        inner(w, "symbols", &[], |w| {
            let kind = if line { "line" } else { "marker" };
            let sym = [("type", kind), ("name", "0"), ("alpha", "1"), ("clip_to_extent", "1"), ("force_rhr", "0")];
            inner(w, "symbol", &sym, |w| {
                let class = if line { "SimpleLine" } else { "SimpleMarker" };
                let layer = [("class", class), ("enabled", "1"), ("locked", "0"), ("pass", "0")];
                inner(w, "layer", &layer, |w| {
                    inner(w, "Option", &[("type", "Map")], |w| {
                        let options: &[(&str, &str)] = if line {
                            &[("line_color", &c), ("line_width", "0.8"), ("line_width_unit", "MM")]
                        } else {
                            &[
                                ("name", "square"),
                                ("color", "255,255,255,255"),
                                ("outline_color", &c),
                                ("outline_width", "0.6"),
                                ("size", "3"),
                                ("size_unit", "MM"),
                            ]
                        };
                        for (k, v) in options {
                            empty(w, "Option", &[("type", "QString"), ("name", k), ("value", v)])?;
                        }
                        Ok(())
                    })
                })
            })
        })
    })?;
    if label_field.is_empty() {
        return Ok(());
    }
    inner(w, "labeling", &[("type", "simple")], |w| {
        inner(w, "settings", &[("calloutType", "simple")], |w| {
            let style = [
                ("fieldName", label_field),
                ("fontFamily", "Noto Sans"),
                ("fontSize", "10"),
                ("fontWeight", "75"),
                ("textColor", &c),
            ];
            empty(w, "text-style", &style)?;
            let buffer = [("bufferDraw", "1"), ("bufferSize", "1"), ("bufferColor", "255,255,255,255")];
            empty(w, "text-buffer", &buffer)?;
            empty(w, "placement", &[("placement", "1")])
        })
    })
}

/// The end of a raster's `<pipe>`: brightness, (hue and saturation for colour rasters,) resampling.
fn raster_pipe_tail(w: &mut Xml, colour: bool) -> XmlResult {
    empty(w, "brightnesscontrast", &[("brightness", "0"), ("contrast", "0"), ("gamma", "1")])?;
    if colour {
        let hs = [
            ("saturation", "0"),
            ("grayscaleMode", "0"),
            ("colorizeOn", "0"),
            ("colorizeStrength", "100"),
            ("colorizeRed", "255"),
            ("colorizeGreen", "128"),
            ("colorizeBlue", "128"),
            ("invertColors", "0"),
        ];
        empty(w, "huesaturation", &hs)?;
    }
    empty(w, "rasterresampler", &[("maxOversampling", "2")])
}

/// The document `body` writes, as text.
fn document(body: impl FnOnce(&mut Xml) -> XmlResult) -> String {
    let mut w = quick_xml::Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into memory cannot fail.
    let _ = doctype(&mut w).and_then(|_| body(&mut w));
    let mut s = String::from_utf8_lossy(&w.into_inner()).into_owned();
    s.push('\n');
    s
}

/// A layer's style file (.qml).
pub fn qml(style: &Style) -> String {
    document(|w| {
        inner(w, "qgis", &[("version", QGIS_VERSION), ("styleCategories", "AllStyleCategories")], |w| {
            renderer(w, style)?;
            text(w, "blendMode", "0")
        })
    })
}

/// Write `file`'s style beside it (same stem, .qml).
pub fn write_qml(file: &Path, style: &Style) -> Result<PathBuf> {
    let p = file.with_extension("qml");
    io::write_text(&p, &qml(style))?;
    Ok(p)
}

fn srs(w: &mut Xml, grid: &Grid) -> XmlResult {
    inner(w, "spatialrefsys", &[], |w| text(w, "wkt", &grid.wkt))
}

fn extent(w: &mut Xml, grid: &Grid) -> XmlResult {
    let (x0, y0, x1, y1) = grid.extent();
    inner(w, "extent", &[], |w| {
        for (k, v) in [("xmin", x0), ("ymin", y0), ("xmax", x1), ("ymax", y1)] {
            text(w, k, &v.to_string())?;
        }
        Ok(())
    })
}

fn layer_id(k: usize, l: &Layer) -> String {
    let stem: String = l.name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    format!("{stem}_{k}")
}

/// Where QGIS finds a layer: (kind, provider, data source relative to the project).
fn source(l: &Layer) -> (&'static str, &'static str, String) {
    match &l.layer {
        Some(name) => ("vector", "ogr", format!("./{}|layername={}", l.file.display(), name)),
        None => ("raster", "gdal", format!("./{}", l.file.display())),
    }
}

/// A `<maplayer>` of the project.
fn map_layer(w: &mut Xml, grid: &Grid, k: usize, l: &Layer) -> XmlResult {
    let (kind, provider, src) = source(l);
    let mut attrs = vec![("type", kind)];
    match l.style {
        Style::Lines { .. } => attrs.push(("geometry", "Line")),
        Style::Points { .. } => attrs.push(("geometry", "Point")),
        _ => {}
    }
    attrs.push(("hasScaleBasedVisibilityFlag", "0"));
    inner(w, "maplayer", &attrs, |w| {
        extent(w, grid)?;
        text(w, "id", &layer_id(k, l))?;
        text(w, "datasource", &src)?;
        text(w, "layername", &l.name)?;
        inner(w, "srs", &[], |w| srs(w, grid))?;
        text(w, "provider", provider)?;
        renderer(w, &l.style)
    })
}

/// The project XML (.qgs) of `layers` (the first drawn on top) on `grid`.
pub fn qgs(title: &str, grid: &Grid, layers: &[Layer]) -> String {
    document(|w| {
        inner(w, "qgis", &[("projectname", title), ("version", QGIS_VERSION)], |w| {
            empty(w, "homePath", &[("path", "")])?;
            text(w, "title", title)?;
            inner(w, "projectCrs", &[], |w| srs(w, grid))?;
            inner(w, "layer-tree-group", &[], |w| {
                empty(w, "customproperties", &[])?;
                for (k, l) in layers.iter().enumerate() {
                    let (_, provider, src) = source(l);
                    let id = layer_id(k, l);
                    let checked = if l.visible { "Qt::Checked" } else { "Qt::Unchecked" };
                    let attrs = [
                        ("id", id.as_str()),
                        ("name", l.name.as_str()),
                        ("source", src.as_str()),
                        ("providerKey", provider),
                        ("checked", checked),
                        ("expanded", "1"),
                    ];
                    empty(w, "layer-tree-layer", &attrs)?;
                }
                inner(w, "custom-order", &[("enabled", "0")], |w| {
                    for (k, l) in layers.iter().enumerate() {
                        text(w, "item", &layer_id(k, l))?;
                    }
                    Ok(())
                })
            })?;
            inner(w, "mapcanvas", &[("name", "theMapCanvas")], |w| {
                text(w, "units", "meters")?;
                extent(w, grid)?;
                inner(w, "destinationsrs", &[], |w| srs(w, grid))
            })?;
            inner(w, "projectlayers", &[], |w| {
                for (k, l) in layers.iter().enumerate() {
                    map_layer(w, grid, k, l)?;
                }
                Ok(())
            })?;
            inner(w, "properties", &[], |w| {
                inner(w, "Paths", &[], |w| {
                    w.create_element("Absolute")
                        .with_attribute(("type", "bool"))
                        .write_text_content(quick_xml::events::BytesText::new("false"))?;
                    Ok(())
                })
            })
        })
    })
}

/// Write the project `path` (.qgz: a zip holding `<stem>.qgs`).
pub fn write_qgz(path: &Path, title: &str, grid: &Grid, layers: &[Layer]) -> Result<()> {
    let xml = qgs(title, grid, layers);
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "project".into());
    io::write_atomic(path, |tmp| {
        let zerr = |e: zip::result::ZipError| Error::output(path.display(), format!("cannot write the project: {e}"));
        let f = std::fs::File::create(tmp).map_err(|e| Error::io(path, e))?;
        let mut z = zip::ZipWriter::new(f);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        z.start_file(format!("{stem}.qgs"), opts).map_err(zerr)?;
        z.write_all(xml.as_bytes()).map_err(|e| Error::io(path, e))?;
        z.finish().map_err(zerr)?;
        Ok(())
    })
}
