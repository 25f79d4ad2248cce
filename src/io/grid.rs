//! The grid every layer is put on: a north-up raster of rows x cols cells with a geotransform and a CRS (WKT).
//! Below every stage (landscape, weather, debris and products all place data on it).

use gdal::spatial_ref::SpatialRef;

/// A north-up raster grid with its CRS.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    pub rows: usize,
    pub cols: usize,
    /// GDAL geotransform: x0, dx, 0, y0, 0, dy (dy < 0 for north-up).
    pub geotransform: [f64; 6],
    /// CRS as WKT.
    pub wkt: String,
}

impl Grid {
    /// Number of cells.
    pub fn len(&self) -> usize {
        self.rows * self.cols
    }
    /// True for a grid without cells.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Cell width, m (CRS units).
    pub fn dx(&self) -> f64 {
        self.geotransform[1].abs()
    }
    /// Cell height, m (CRS units).
    pub fn dy(&self) -> f64 {
        self.geotransform[5].abs()
    }
    /// Extent as (xmin, ymin, xmax, ymax).
    pub fn extent(&self) -> (f64, f64, f64, f64) {
        let g = &self.geotransform;
        let x1 = g[0] + g[1] * self.cols as f64;
        let y1 = g[3] + g[5] * self.rows as f64;
        (g[0].min(x1), g[3].min(y1), g[0].max(x1), g[3].max(y1))
    }
    /// Map coordinates of the centre of cell (row, col).
    pub fn cell_center(&self, row: usize, col: usize) -> (f64, f64) {
        let g = &self.geotransform;
        (g[0] + g[1] * (col as f64 + 0.5), g[3] + g[5] * (row as f64 + 0.5))
    }
    /// Fractional (row, col) position of map point (x, y): cell (r, c) spans [r, r+1) x [c, c+1).
    pub fn fractional_cell(&self, x: f64, y: f64) -> (f64, f64) {
        let g = &self.geotransform;
        ((y - g[3]) / g[5], (x - g[0]) / g[1])
    }
    /// True for north-up grids without rotation.
    /// Longitude and latitude (WGS 84 degrees) of the grid's centre.
    pub fn centre_lonlat(&self) -> crate::Result<(f64, f64)> {
        use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
        let src = crate::io::srs_from_wkt(&self.wkt)?;
        let mut geo = SpatialRef::from_epsg(4326)?;
        geo.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        let tr = CoordTransform::new(&src, &geo)?;
        let (x0, y0, x1, y1) = self.extent();
        let (mut x, mut y) = ([(x0 + x1) / 2.0], [(y0 + y1) / 2.0]);
        tr.transform_coords(&mut x, &mut y, &mut [])?;
        Ok((x[0], y[0]))
    }

    pub fn is_north_up(&self) -> bool {
        self.geotransform[2] == 0.0
            && self.geotransform[4] == 0.0
            && self.geotransform[5] < 0.0
            && self.geotransform[1] > 0.0
    }
}

impl Grid {
    /// Short CRS name with EPSG code where known.
    pub fn crs_name(&self) -> String {
        match SpatialRef::from_wkt(&self.wkt) {
            Ok(srs) => {
                let name = srs.name().unwrap_or_else(|| "unnamed CRS".into());
                match srs.auth_code() {
                    Ok(code) => format!("{name} (EPSG:{code})"),
                    Err(_) => name,
                }
            }
            Err(_) => "unknown CRS".into(),
        }
    }
}
