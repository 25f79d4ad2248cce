//! Errors of the crate: every variant names what was wrong and where.

use thiserror::Error;

/// Emberfall's error type.
#[derive(Debug, Error)]
pub enum Error {
    /// Bad input file or value: names the file (or option) and what is wrong.
    #[error("{file}: {msg}")]
    Input { file: String, msg: String },
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
    /// An I/O error about `path`.
    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        Error::Io { path: path.as_ref().display().to_string(), source }
    }
}
