//! Errors of the crate: every variant names what was wrong and where.

use thiserror::Error;

/// Emberfall's error type.
#[derive(Debug, Error)]
pub enum Error {
    /// Bad input file or value: names the file (or option) and what is wrong.
    #[error("{file}: {msg}")]
    Input { file: String, msg: String },
    /// A product could not be written: names the file (or folder) and why. The inputs were fine.
    #[error("{file}: {msg}")]
    Output { file: String, msg: String },
    /// A value out of range or of the wrong form: `what` names it as the user gave it (`--moisture`,
    /// `ensemble.members`, `row 3, column wind_speed_kmh`), `value` is the value as written (empty where the fault
    /// is its absence or a combination of values), `why` says what is wrong and what is accepted.
    #[error("{}", value_message(what, value, why))]
    Value { what: String, value: String, why: String },
    /// A grid that would not fit in the memory available: what it is, its cells and both figures.
    #[error("{what}: {cells} cells need about {need_gib:.1} GiB of memory, {available_gib:.1} GiB are available")]
    Memory { what: String, cells: u128, need_gib: f64, available_gib: f64 },
    /// An error within a context that names where it happened (a scenario file, an ensemble member, a launch time):
    /// `"{context}: {source}"`; its kind is the inner error's.
    #[error("{context}: {source}")]
    Within { context: String, source: Box<Error> },
    /// A run interrupted (Ctrl-C, SIGTERM) before its products were moved into place: none were.
    #[error("interrupted: the products were not moved into place")]
    Interrupted,
    /// A broken invariant of Emberfall itself, not of its inputs (a bug: please report it with the command).
    #[error("internal error: {0}")]
    Internal(String),
    /// GDAL failed.
    #[error("GDAL: {0}")]
    Gdal(#[from] gdal::errors::GdalError),
    /// No GPU adapter or a GPU failure.
    #[error("GPU: {0}")]
    Gpu(String),
    /// I/O error with the path it concerns.
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
}

fn value_message(what: &str, value: &str, why: &str) -> String {
    if value.is_empty() {
        format!("{what}: {why}")
    } else {
        format!("{what} {value}: {why}")
    }
}

/// Result with [`enum@Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An input error about `file`.
    pub fn input(file: impl std::fmt::Display, msg: impl Into<String>) -> Self {
        Error::Input { file: file.to_string(), msg: msg.into() }
    }
    /// A failure writing the product `file` (or into the folder).
    pub fn output(file: impl std::fmt::Display, msg: impl Into<String>) -> Self {
        Error::Output { file: file.to_string(), msg: msg.into() }
    }
    /// What kind of failure this is, for a caller (a GUI, a service, a test) that acts on it.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Input { .. } => ErrorKind::Input,
            Error::Output { .. } => ErrorKind::Output,
            Error::Value { .. } => ErrorKind::Value,
            Error::Within { source, .. } => source.kind(),
            Error::Interrupted => ErrorKind::Interrupted,
            Error::Internal(_) => ErrorKind::Internal,
            Error::Memory { .. } => ErrorKind::Memory,
            Error::Gdal(_) => ErrorKind::Gdal,
            Error::Gpu(_) => ErrorKind::Gpu,
            Error::Io { .. } => ErrorKind::Io,
        }
    }
    /// A bad value: `what` as the user named it, the value as written (`""` when none), and why.
    pub fn value(what: impl Into<String>, value: impl std::fmt::Display, why: impl Into<String>) -> Self {
        Error::Value { what: what.into(), value: value.to_string(), why: why.into() }
    }
    /// This error within `context` (a file, a member, a launch time), keeping its kind.
    pub fn within(self, context: impl std::fmt::Display) -> Self {
        Error::Within { context: context.to_string(), source: Box::new(self) }
    }
    /// An I/O error about `path`.
    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        Error::Io { path: path.as_ref().display().to_string(), source }
    }
}

/// The kinds of [`enum@Error`]: what a caller can act on without reading the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// An input file or its contents (fix the file).
    Input,
    /// A product that could not be written (disk, permissions, the output folder).
    Output,
    /// A value on the command line or in a scenario (fix the value).
    Value,
    /// Not enough memory for the grid asked (clip the landscape or free memory).
    Memory,
    /// Interrupted by a signal; nothing was written.
    Interrupted,
    /// A bug in Emberfall.
    Internal,
    /// GDAL refused a dataset.
    Gdal,
    /// The GPU: no adapter, a validation error, a lost device (`--backend cpu` runs without one).
    Gpu,
    /// Reading or writing a file failed at the system level.
    Io,
}
