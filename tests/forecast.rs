//! Gridded forecasts: a GRIB2 file written here with GDAL (known uniform fields at forecast hours 0, 3, 6 and 9)
//! gives the same fire as the equivalent weather CSV, whose hourly rows the test interpolates itself.

mod common;

use std::path::Path;
use std::process::Command;

use gdal::raster::{Buffer, RasterCreationOptions};
use gdal::spatial_ref::SpatialRef;
use gdal::{Dataset, DriverManager};

fn emberfall() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_emberfall"));
    c.env("XDG_RUNTIME_DIR", std::env::temp_dir());
    c
}

/// Forecast hours and fields: u, v (m/s), temperature (C), humidity (%), rain of the interval ending there (mm),
/// cloud (%).
const HOURS: [i64; 4] = [0, 3, 6, 9];
const U: [f64; 4] = [4.0, 7.0, -2.0, 5.0];
const V: [f64; 4] = [5.0, 2.0, 8.0, -3.0];
const T: [f64; 4] = [20.0, 27.0, 30.0, 24.0];
const RH: [f64; 4] = [35.0, 20.0, 12.0, 25.0];
const RAIN: [f64; 4] = [0.0, 0.0, 0.0, 1.5];
const CLOUD: [f64; 4] = [10.0, 40.0, 80.0, 20.0];

/// Write the forecast as GRIB2 with GDAL: a 0.05-degree lon/lat grid around (lon, lat), one message per field and
/// forecast hour, WMO product definition template 4.0 with each field's GRIB2 discipline-0 category and number and
/// its level (10 m or 2 m above ground, the surface, the entire atmosphere); rain as template 4.8, the accumulation
/// over the 3 h ending at the hour.
fn write_grib(path: &Path, lon: f64, lat: f64) {
    let (n, res) = (24usize, 0.05);
    let mem = DriverManager::get_driver_by_name("MEM").unwrap();
    let bands = 6 * HOURS.len();
    let mut ds = mem.create_with_band_type::<f64, _>("", n, n, bands).unwrap();
    let x0 = lon - res * n as f64 / 2.0;
    let y0 = lat + res * n as f64 / 2.0;
    ds.set_geo_transform(&[x0, res, 0.0, y0, 0.0, -res]).unwrap();
    ds.set_spatial_ref(&SpatialRef::from_epsg(4326).unwrap()).unwrap();
    let mut opts = vec![
        "DISCIPLINE=0".to_string(),
        "IDS=CENTER=34 SUBCENTER=0 MASTER_TABLE=2 SIGNF_REF_TIME=1 REF_TIME=2022-08-15T18:00:00Z PROD_STATUS=0 TYPE=1"
            .to_string(),
        "DATA_ENCODING=IEEE_FLOATING_POINT".to_string(),
    ];
    let mut k = 0;
    for (h, &fh) in HOURS.iter().enumerate() {
        // (category number, surface type and value, the value at this hour)
        for (cat_num, surface, value) in [
            ("2 2", "103 0 10", U[h]),
            ("2 3", "103 0 10", V[h]),
            ("0 0", "103 0 2", T[h]),
            ("1 1", "103 0 2", RH[h]),
            ("1 8", "1 0 0", RAIN[h]),
            ("6 1", "10 0 0", CLOUD[h]),
        ] {
            k += 1;
            let mut b = ds.rasterband(k).unwrap();
            let mut buf = Buffer::new((n, n), vec![value; n * n]);
            b.write((0, 0), (n, n), &mut buf).unwrap();
            if cat_num == "1 8" && fh > 0 {
                // Template 4.8: the rain accumulated over the 3 h ending at this hour (GDAL names it APCP03).
                let end = 18 + fh;
                let (day, hour) = (15 + end / 24, end % 24);
                opts.push(format!("BAND_{k}_PDS_PDTN=8"));
                opts.push(format!(
                    "BAND_{k}_PDS_TEMPLATE_ASSEMBLED_VALUES={cat_num} 2 0 255 0 0 1 {} {surface} 255 0 0 2022 8 {day} {hour} 0 0 1 0 1 2 1 3 1 0",
                    fh - 3
                ));
            } else {
                opts.push(format!("BAND_{k}_PDS_PDTN=0"));
                opts.push(format!(
                    "BAND_{k}_PDS_TEMPLATE_ASSEMBLED_VALUES={cat_num} 2 0 255 0 0 1 {fh} {surface} 255 0 0"
                ));
            }
        }
    }
    let grib = DriverManager::get_driver_by_name("GRIB").unwrap();
    let o = RasterCreationOptions::from_iter(opts.iter().map(String::as_str));
    ds.create_copy(&grib, path, &o).unwrap();
}

#[test]
fn a_grib2_forecast_gives_the_fire_of_its_csv_equivalent() {
    let lcp = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    let d = std::env::temp_dir().join(format!("emberfall-forecast-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let (lon, lat) = common::centre_lonlat(&lcp);
    write_grib(&d.join("forecast.grib2"), lon, lat);
    // GDAL reads back what was written: 24 messages, UGRD at 10 m first.
    let g = Dataset::open(d.join("forecast.grib2")).unwrap();
    assert_eq!(g.raster_count(), 24);
    // The same weather as a CSV: hourly rows, each field linear in time between forecast hours (u and v, then speed
    // and direction), an interval's rain shared evenly between its hours, clock time local mean solar time.
    let offset_min = (lon * 4.0).round() as i64;
    let zone =
        format!("{}{:02}:{:02}", if offset_min < 0 { '-' } else { '+' }, offset_min.abs() / 60, offset_min.abs() % 60);
    let mut csv =
        String::from("time_min,wind_speed_kmh,wind_from_deg,air_temp_c,rh_pct,precip_mm,cloud_pct,valid_time\n");
    for hour in 0..=9i64 {
        let k = HOURS.iter().rposition(|&h| h <= hour).unwrap().min(2);
        let f = (hour - HOURS[k]) as f64 / 3.0;
        let lerp = |a: &[f64; 4]| a[k] + (a[k + 1] - a[k]) * f;
        let (u, v) = (lerp(&U), lerp(&V));
        let rain = if hour == 0 { RAIN[0] } else { RAIN[HOURS.iter().position(|&h| h >= hour).unwrap()] / 3.0 };
        let utc_min = 18 * 60 + hour * 60 + offset_min;
        let (day, m) = (15 + utc_min.div_euclid(1440), utc_min.rem_euclid(1440));
        csv += &format!(
            "{},{},{},{},{},{},{},2022-08-{day:02}T{:02}:{:02}:00{zone}\n",
            hour * 60,
            u.hypot(v) * 3.6,
            (-u).atan2(-v).to_degrees().rem_euclid(360.0),
            lerp(&T),
            lerp(&RH),
            rain,
            lerp(&CLOUD),
            m / 60,
            m % 60
        );
    }
    std::fs::write(d.join("same.csv"), &csv).unwrap();
    let run = |weather: &str, out: &str| {
        let o = emberfall()
            .args(["spread", "--lcp"])
            .arg(&lcp)
            .args(["--ignite", "716000,5175000", "--backend", "cpu", "--moisture", "4,5,6,70,100"])
            // A forecast's run reads the whole landscape (its fields are averaged over it): the CSV's too.
            .arg("--whole-landscape")
            .args(["--duration", "9h", "--no-spotting", "--wind-height", "10m", "--weather"])
            .arg(d.join(weather))
            .arg("--out")
            .arg(d.join(out))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{err}");
        err
    };
    let err = run("forecast.grib2", "grib");
    assert!(
        err.contains("GRIB forecast of 4 times from 2022-08-15 18:00 UTC to 2022-08-16 03:00 UTC (10 rows hourly)"),
        "{err}"
    );
    run("same.csv", "csv");
    let read = |dir: &str| common::raster_f32(&d.join(dir).join("arrival_time_min.tif"));
    let n = common::assert_same_fire(&read("grib"), &read("csv"), 0.05);
    assert!(n > 60, "{n} cells burned");
}

/// A NetCDF forecast with ERA5's names and units (u10, v10 m/s; t2m K; r2 %; tp m, here none; tcc 0-1), written by GDAL's
/// multidimensional translator from a VRT of uniform fields at five hours: the same fire as its CSV equivalent.
#[test]
fn a_netcdf_forecast_gives_the_fire_of_its_csv_equivalent() {
    let lcp = common::shared("landscapes/missoula_lcp/example_lcp.tif");
    let d = std::env::temp_dir().join(format!("emberfall-forecast-nc-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let (lon, lat) = common::centre_lonlat(&lcp);
    let axis = |c: f64| (0..4).map(|k| format!("{:.3}", c + 0.3 * (k as f64 - 1.5))).collect::<Vec<_>>().join(" ");
    let lats = {
        let mut v: Vec<String> = axis(lat).split(' ').map(String::from).collect();
        v.reverse();
        v.join(" ")
    };
    let array = |name: &str, value: f64, units: &str| {
        format!(
            "<Array name=\"{name}\"><DataType>Float32</DataType><DimensionRef ref=\"time\"/><DimensionRef ref=\"latitude\"/>\
             <DimensionRef ref=\"longitude\"/><ConstantValue>{value}</ConstantValue><Attribute name=\"units\"><DataType>String</DataType>\
             <Value>{units}</Value></Attribute></Array>"
        )
    };
    let vrt = format!(
        "<VRTDataset><Group name=\"/\">\
         <Dimension name=\"time\" type=\"TEMPORAL\" indexingVariable=\"time\" size=\"5\"/>\
         <Dimension name=\"latitude\" type=\"HORIZONTAL_Y\" direction=\"NORTH\" indexingVariable=\"latitude\" size=\"4\"/>\
         <Dimension name=\"longitude\" type=\"HORIZONTAL_X\" direction=\"EAST\" indexingVariable=\"longitude\" size=\"4\"/>\
         <Array name=\"time\"><DataType>Float64</DataType><DimensionRef ref=\"time\"/><InlineValues>0 1 2 3 4</InlineValues>\
         <Attribute name=\"units\"><DataType>String</DataType><Value>hours since 2022-08-15 18:00:00</Value></Attribute></Array>\
         <Array name=\"latitude\"><DataType>Float64</DataType><DimensionRef ref=\"latitude\"/><InlineValues>{lats}</InlineValues>\
         <Attribute name=\"units\"><DataType>String</DataType><Value>degrees_north</Value></Attribute></Array>\
         <Array name=\"longitude\"><DataType>Float64</DataType><DimensionRef ref=\"longitude\"/><InlineValues>{}</InlineValues>\
         <Attribute name=\"units\"><DataType>String</DataType><Value>degrees_east</Value></Attribute></Array>\
         {}{}{}{}{}{}</Group></VRTDataset>",
        axis(lon),
        array("u10", 6.0, "m s**-1"),
        array("v10", -4.0, "m s**-1"),
        array("t2m", 295.15, "K"),
        array("r2", 30.0, "%"),
        array("tp", 0.0, "m"),
        array("tcc", 0.4, "(0 - 1)"),
    );
    std::fs::write(d.join("f.vrt"), vrt).unwrap();
    let st = Command::new("gdalmdimtranslate").arg(d.join("f.vrt")).arg(d.join("f.nc")).output().unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    let offset_min = (lon * 4.0).round() as i64;
    let zone = format!("-{:02}:{:02}", offset_min.abs() / 60, offset_min.abs() % 60);
    assert!(offset_min < 0);
    let mut csv =
        String::from("time_min,wind_speed_kmh,wind_from_deg,air_temp_c,rh_pct,precip_mm,cloud_pct,valid_time\n");
    for h in 0..5i64 {
        let m = 18 * 60 + h * 60 + offset_min;
        csv += &format!(
            "{},{},{},{},30,{},40,2022-08-15T{:02}:{:02}:00{zone}\n",
            h * 60,
            6f64.hypot(-4.0) * 3.6,
            (-6f64).atan2(4.0).to_degrees().rem_euclid(360.0),
            295.15 - 273.15,
            0.0,
            m / 60,
            m % 60
        );
    }
    std::fs::write(d.join("same.csv"), csv).unwrap();
    let run = |weather: &str, out: &str| {
        let o = emberfall()
            .args(["spread", "--lcp"])
            .arg(&lcp)
            .args(["--ignite", "716000,5175000", "--backend", "cpu", "--moisture", "5,6,7,70,100"])
            .arg("--whole-landscape")
            .args(["--duration", "4h", "--no-spotting", "--wind-height", "10m", "--weather"])
            .arg(d.join(weather))
            .arg("--out")
            .arg(d.join(out))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{err}");
        err
    };
    let err = run("f.nc", "nc");
    assert!(err.contains("netCDF forecast of 5 times"), "{err}");
    run("same.csv", "csv");
    let read = |dir: &str| common::raster_f32(&d.join(dir).join("arrival_time_min.tif"));
    let n = common::assert_same_fire(&read("nc"), &read("csv"), 0.05);
    assert!(n > 30, "{n} cells burned");
}
