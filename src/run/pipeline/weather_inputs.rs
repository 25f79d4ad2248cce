//! The weather a run prepares: its stream file read as `run` reads it (gridded winds included), the fuel moistures
//! conditioned per class of cells, and FARSITE's burn periods.

use super::*;

/// A weather stream file read as the scenario's weather gives it: the stream, its gridded winds (a forecast's, a
/// FARSITE .input's ATM files, a CSV's wind raster columns; none for a .wxs), what reading noticed, and the rows
/// that condition the fuels. One place for the choice, used by `run` and by `behavior --weather-stream`.
pub struct StreamRead {
    pub stream: WeatherStream,
    pub wind_grids: weather::WindGrids,
    pub notes: Vec<String>,
    pub obs: Vec<weather::conditioning::RowObs>,
}

/// Read the stream file `p` with the weather `w` ([`StreamRead`]) onto `grid` (latitude `lat` for solar terms).
pub fn read_stream(
    p: &std::path::Path,
    w: &crate::run::scenario::WeatherSpec,
    grid: &crate::landscape::Grid,
    lat: Option<f64>,
) -> Result<StreamRead> {
    if weather::forecast::is_forecast(p) {
        let (stream, wind_grids, notes, obs) = WeatherStream::from_forecast(p, &w.base, grid, &w.times)?;
        return Ok(StreamRead { stream, wind_grids, notes, obs });
    }
    let mut obs = Vec::new();
    let (stream, mut notes) = WeatherStream::from_file(p, w.farsite.as_deref(), &w.base, lat, &w.times, &mut obs)?;
    let ext = p.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let mut grids = match ext.as_str() {
        "wxs" => Vec::new(),
        "input" => {
            let read;
            let input = match w.farsite.as_deref() {
                Some(i) => i,
                None => {
                    read = crate::farsite::FarsiteInput::read(p)?;
                    &read
                }
            };
            let (g, n) = weather::wind_grids_from_atm(input, grid)?;
            notes.extend(n);
            g
        }
        _ => weather::wind_grids_from_csv(p, grid)?,
    };
    // Rows before time 0 only conditioned the fuels: they are not periods of the fire.
    let before = grids.len().saturating_sub(stream.periods.len());
    grids.drain(..before);
    Ok(StreamRead { stream, wind_grids: grids, notes, obs })
}

/// Dead (and per-set live) moistures per class of cells for every period of `stream` (in clock time), when the
/// weather spec asks for terrain conditioning or gives fuel models their own initial moistures; empty otherwise.
/// `obs` are the stream's conditioning rows ([`WeatherStream::from_file`]); what it did goes to `notes`.
pub fn moisture_grids(
    landscape: &Landscape,
    cells: &Cells,
    w: &crate::run::scenario::WeatherSpec,
    stream: &WeatherStream,
    obs: &[conditioning::RowObs],
    lat: Option<f64>,
    notes: &mut Vec<String>,
) -> Vec<Option<Arc<MoistureGrid>>> {
    // Initial moistures per fuel model (FARSITE's FUEL_MOISTURES_DATA rows, .fms): sets of initial moistures, set 0
    // the run's; each cell takes its fuel model's set.
    let base_set = {
        let m = &w.base.moisture;
        [m.dead_1h, m.dead_10h, m.dead_100h, m.live_herb, m.live_woody]
    };
    let mut sets: Vec<[f64; 5]> = vec![base_set];
    let mut set_of_fuel: Vec<u32> = vec![0; cells.fuels.len()];
    for (k, f) in cells.fuels.iter().enumerate() {
        if let Some((_, pct)) = w.model_moisture_pct.iter().find(|(code, _)| *code == f.number) {
            let frac = pct.map(frac_from_pct);
            let s = sets.iter().position(|x| *x == frac).unwrap_or_else(|| {
                sets.push(frac);
                sets.len() - 1
            });
            set_of_fuel[k] = s as u32;
        }
    }
    let set_of = |i: usize| match cells.fuel_index(i) {
        u32::MAX => 0,
        k => set_of_fuel[k as usize],
    };
    let burnable = |i: usize| cells.fuel_index(i) != u32::MAX;
    if !w.model_moisture_pct.is_empty() {
        notes.push(format!(
            "initial fuel moistures per fuel model: {} of the landscape's {} fuel models have their own ({} sets)",
            set_of_fuel.iter().filter(|&&s| s != 0).count(),
            cells.fuels.len(),
            sets.len()
        ));
    }
    // Conditioning per class of cells: moistures per class for every period.
    let terrain = w.conditioning == Mode::Terrain;
    if !obs.is_empty() && (terrain || sets.len() > 1) {
        let classes = TerrainClasses::new(landscape, burnable, set_of, terrain);
        let station = if terrain { w.station_elevation_m } else { None };
        let class_count = classes.sites.len();
        let by_row = conditioning::condition(classes, obs, station, lat.unwrap_or(0.0), &sets);
        if terrain {
            notes.push(format!(
                "terrain conditioning: dead fuels conditioned in {} classes of cells (elevation bands of {} m, slope classes of {} deg, 8 aspects, canopy cover classes of {} %; each class when the fire first needs it){}",
                class_count,
                conditioning::ELEVATION_BAND_M,
                conditioning::SLOPE_CLASS_DEG,
                conditioning::COVER_CLASS_PCT,
                match w.station_elevation_m {
                    Some(z) => format!(", the station at {z:.0} m"),
                    None => ", no station elevation: no lapse rates".to_string(),
                }
            ));
        }
        stream
            .periods
            .iter()
            .map(|p| obs.iter().position(|o| o.t_min == p.start_min).map(|k| by_row[k].clone()))
            .collect()
    } else if sets.len() > 1 {
        // No conditioning: each set's moistures as given, every period.
        let classes = TerrainClasses::new(landscape, burnable, set_of, false);
        let grid = conditioning::given(classes, &sets);
        stream.periods.iter().map(|_| Some(grid.clone())).collect()
    } else {
        if terrain && obs.is_empty() {
            notes.push(
                "terrain conditioning asked for, but the weather does not condition the fuels (no temperature and humidity stream): moistures as given".into(),
            );
        }
        Vec::new()
    }
}

/// The entries of per-period inputs for the periods `kept` (none when there are none).
pub(super) fn pick<T>(kept: &[usize], v: &[Option<Arc<T>>]) -> Vec<Option<Arc<T>>> {
    if v.is_empty() {
        Vec::new()
    } else {
        kept.iter().map(|&k| v.get(k).cloned().flatten()).collect()
    }
}

/// The burn periods of a weather stream file (a FARSITE .input's `FARSITE_BURN_PERIODS`), if it has some.
pub(super) fn burn_periods(
    stream: Option<&std::path::Path>,
    farsite: Option<&crate::farsite::FarsiteInput>,
    duration_min: f64,
) -> Result<Option<BurnClock>> {
    let Some(p) = stream.filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("input"))) else {
        return Ok(None);
    };
    let input = match farsite {
        Some(i) => i.clone(),
        None => crate::farsite::FarsiteInput::read(p)?,
    };
    if input.burn_periods.is_empty() {
        return Ok(None);
    }
    BurnClock::new(&input.burn_periods_min(), duration_min)
        .map(Some)
        .map_err(|e| Error::input(p.display(), format!("FARSITE_BURN_PERIODS: {e}")))
}
