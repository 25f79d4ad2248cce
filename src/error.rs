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
    /// A bad command-line or scenario value.
    #[error("{0}")]
    Invalid(String),
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
            Error::Invalid(_) => ErrorKind::Value,
            Error::Gdal(_) => ErrorKind::Gdal,
            Error::Gpu(_) => ErrorKind::Gpu,
            Error::Io { .. } => ErrorKind::Io,
        }
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
    /// GDAL refused a dataset.
    Gdal,
    /// The GPU: no adapter, a validation error, a lost device (`--backend cpu` runs without one).
    Gpu,
    /// Reading or writing a file failed at the system level.
    Io,
}
