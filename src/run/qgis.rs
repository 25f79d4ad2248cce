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

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// The `<pipe>` (rasters) or `<renderer-v2>` and labelling (vectors) of a style.
fn renderer(style: &Style) -> String {
    match style {
        Style::Classes { classes, clear_below } => {
            let mut items =
                format!("          <item alpha=\"0\" value=\"{}\" label=\"none\" color=\"#ffffff\"/>\n", clear_below);
            for c in classes {
                let upper = if c.hi.is_finite() { format!("{}", c.hi) } else { "inf".into() };
                items += &format!(
                    "          <item alpha=\"255\" value=\"{upper}\" label=\"{}\" color=\"{}\"/>\n",
                    esc(&c.label),
                    hex(c.color)
                );
            }
            let max = classes.iter().rev().find(|c| c.hi.is_finite()).map_or(1.0, |c| c.hi);
            format!(
                r#"  <pipe>
    <rasterrenderer type="singlebandpseudocolor" band="1" opacity="1" alphaBand="-1" classificationMin="{clear_below}" classificationMax="{max}" nodataColor="">
      <rasterTransparency/>
      <minMaxOrigin><limits>None</limits><extent>WholeRaster</extent><statAccuracy>Estimated</statAccuracy><cumulativeCutLower>0.02</cumulativeCutLower><cumulativeCutUpper>0.98</cumulativeCutUpper><stdDevFactor>2</stdDevFactor></minMaxOrigin>
      <rastershader>
        <colorrampshader colorRampType="DISCRETE" classificationMode="1" clip="0" minimumValue="{clear_below}" maximumValue="{max}" labelPrecision="4">
{items}        </colorrampshader>
      </rastershader>
    </rasterrenderer>
    <brightnesscontrast brightness="0" contrast="0" gamma="1"/>
    <huesaturation saturation="0" grayscaleMode="0" colorizeOn="0" colorizeStrength="100" colorizeRed="255" colorizeGreen="128" colorizeBlue="128" invertColors="0"/>
    <rasterresampler maxOversampling="2"/>
  </pipe>
"#
            )
        }
        Style::Grey { min, max } => format!(
            r#"  <pipe>
    <rasterrenderer type="singlebandgray" grayBand="1" gradient="BlackToWhite" opacity="1" alphaBand="-1" nodataColor="">
      <rasterTransparency/>
      <minMaxOrigin><limits>None</limits><extent>WholeRaster</extent><statAccuracy>Estimated</statAccuracy><cumulativeCutLower>0.02</cumulativeCutLower><cumulativeCutUpper>0.98</cumulativeCutUpper><stdDevFactor>2</stdDevFactor></minMaxOrigin>
      <contrastEnhancement><minValue>{min}</minValue><maxValue>{max}</maxValue><algorithm>StretchToMinimumMaximum</algorithm></contrastEnhancement>
    </rasterrenderer>
    <brightnesscontrast brightness="0" contrast="0" gamma="1"/>
    <rasterresampler maxOversampling="2"/>
  </pipe>
"#
        ),
        Style::Lines { color, label_field } | Style::Points { color, label_field } => {
            let c = format!("{},{},{},255", color[0], color[1], color[2]);
            let symbol = if matches!(style, Style::Lines { .. }) {
                format!(
                    r#"      <symbol type="line" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleLine" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="line_color" value="{c}"/>
            <Option type="QString" name="line_width" value="0.8"/>
            <Option type="QString" name="line_width_unit" value="MM"/>
          </Option>
        </layer>
      </symbol>"#
                )
            } else {
                format!(
                    r#"      <symbol type="marker" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="name" value="square"/>
            <Option type="QString" name="color" value="255,255,255,255"/>
            <Option type="QString" name="outline_color" value="{c}"/>
            <Option type="QString" name="outline_width" value="0.6"/>
            <Option type="QString" name="size" value="3"/>
            <Option type="QString" name="size_unit" value="MM"/>
          </Option>
        </layer>
      </symbol>"#
                )
            };
            format!(
                r#"  <renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">
    <symbols>
{symbol}
    </symbols>
  </renderer-v2>
  <labeling type="simple">
    <settings calloutType="simple">
      <text-style fieldName="{field}" fontFamily="Noto Sans" fontSize="10" fontWeight="75" textColor="{c}"/>
      <text-buffer bufferDraw="1" bufferSize="1" bufferColor="255,255,255,255"/>
      <placement placement="1"/>
    </settings>
  </labeling>
"#,
                field = esc(label_field)
            )
        }
    }
}

/// A layer's style file (.qml).
pub fn qml(style: &Style) -> String {
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"{QGIS_VERSION}\" styleCategories=\"AllStyleCategories\">\n{}  <blendMode>0</blendMode>\n</qgis>\n",
        renderer(style)
    )
}

/// Write `file`'s style beside it (same stem, .qml).
pub fn write_qml(file: &Path, style: &Style) -> Result<PathBuf> {
    let p = file.with_extension("qml");
    io::write_text(&p, &qml(style))?;
    Ok(p)
}

fn srs(grid: &Grid) -> String {
    format!("<spatialrefsys><wkt>{}</wkt></spatialrefsys>", esc(&grid.wkt))
}

fn layer_id(k: usize, l: &Layer) -> String {
    let stem: String = l.name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    format!("{stem}_{k}")
}

/// The project XML (.qgs) of `layers` (the first drawn on top) on `grid`.
pub fn qgs(title: &str, grid: &Grid, layers: &[Layer]) -> String {
    let (x0, y0, x1, y1) = grid.extent();
    let mut tree = String::new();
    let mut maps = String::new();
    for (k, l) in layers.iter().enumerate() {
        let id = layer_id(k, l);
        let (kind, provider, source) = match &l.layer {
            Some(name) => ("vector", "ogr", format!("./{}|layername={}", l.file.display(), name)),
            None => ("raster", "gdal", format!("./{}", l.file.display())),
        };
        tree += &format!(
            "    <layer-tree-layer id=\"{id}\" name=\"{}\" source=\"{}\" providerKey=\"{provider}\" checked=\"{}\" expanded=\"1\"/>\n",
            esc(&l.name),
            esc(&source),
            if l.visible { "Qt::Checked" } else { "Qt::Unchecked" }
        );
        let geometry = match l.style {
            Style::Lines { .. } => " geometry=\"Line\"",
            Style::Points { .. } => " geometry=\"Point\"",
            _ => "",
        };
        maps += &format!(
            "    <maplayer type=\"{kind}\"{geometry} hasScaleBasedVisibilityFlag=\"0\">\n      <extent><xmin>{x0}</xmin><ymin>{y0}</ymin><xmax>{x1}</xmax><ymax>{y1}</ymax></extent>\n      <id>{id}</id>\n      <datasource>{}</datasource>\n      <layername>{}</layername>\n      <srs>{}</srs>\n      <provider>{provider}</provider>\n{}    </maplayer>\n",
            esc(&source),
            esc(&l.name),
            srs(grid),
            renderer(&l.style)
        );
    }
    let order: String =
        layers.iter().enumerate().map(|(k, l)| format!("      <item>{}</item>\n", layer_id(k, l))).collect();
    format!(
        r#"<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis projectname="{t}" version="{QGIS_VERSION}">
  <homePath path=""/>
  <title>{t}</title>
  <projectCrs>{srs}</projectCrs>
  <layer-tree-group>
    <customproperties/>
{tree}    <custom-order enabled="0">
{order}    </custom-order>
  </layer-tree-group>
  <mapcanvas name="theMapCanvas">
    <units>meters</units>
    <extent><xmin>{x0}</xmin><ymin>{y0}</ymin><xmax>{x1}</xmax><ymax>{y1}</ymax></extent>
    <destinationsrs>{srs}</destinationsrs>
  </mapcanvas>
  <projectlayers>
{maps}  </projectlayers>
  <properties>
    <Paths><Absolute type="bool">false</Absolute></Paths>
  </properties>
</qgis>
"#,
        t = esc(title),
        srs = srs(grid)
    )
}

/// Write the project `path` (.qgz: a zip holding `<stem>.qgs`).
pub fn write_qgz(path: &Path, title: &str, grid: &Grid, layers: &[Layer]) -> Result<()> {
    let xml = qgs(title, grid, layers);
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "project".into());
    io::write_atomic(path, |tmp| {
        let zerr = |e: zip::result::ZipError| Error::input(path.display(), format!("cannot write the project: {e}"));
        let f = std::fs::File::create(tmp).map_err(|e| Error::io(path, e))?;
        let mut z = zip::ZipWriter::new(f);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        z.start_file(format!("{stem}.qgs"), opts).map_err(zerr)?;
        z.write_all(xml.as_bytes()).map_err(|e| Error::io(path, e))?;
        z.finish().map_err(zerr)?;
        Ok(())
    })
}
