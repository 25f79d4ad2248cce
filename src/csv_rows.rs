//! CSV tables read into serde row structs: `#` comment lines, trimmed fields, header names matched without regard
//! to case, extra columns ignored, empty cells read as missing (`Option`). Errors name the file, the row (or line)
//! and the column, with the value found.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// A table: its header (lower case) and its rows, each with the number users see (the header is row 1).
pub struct Table<T> {
    pub headers: Vec<String>,
    pub rows: Vec<(usize, T)>,
}

impl<T> Table<T> {
    /// Whether the table has column `name`.
    pub fn has(&self, name: &str) -> bool {
        self.headers.iter().any(|h| h == name)
    }
}

/// Read `path` into rows of `T`; `row_word` is how errors call a row (`row`, `line`).
pub fn read<T: DeserializeOwned>(path: &Path, row_word: &str) -> Result<Table<T>> {
    let err = |msg: String| Error::input(path.display(), msg);
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut rdr = csv::ReaderBuilder::new().comment(Some(b'#')).trim(csv::Trim::All).from_reader(text.as_bytes());
    let raw = rdr.headers().map_err(|e| err(format!("cannot read the header: {e}")))?.clone();
    let headers: Vec<String> = raw.iter().map(|h| h.to_ascii_lowercase()).collect();
    let lower = csv::StringRecord::from(headers.clone());
    let mut rows = Vec::new();
    for (k, rec) in rdr.records().enumerate() {
        let n = k + 2;
        let rec = rec.map_err(|e| err(format!("{row_word} {n}: {e}")))?;
        let row: T = rec.deserialize(Some(&lower)).map_err(|e| {
            let (col, what) = match e.kind() {
                csv::ErrorKind::Deserialize { err: de, .. } => match de.field() {
                    Some(f) => {
                        let f = f as usize;
                        let name = headers.get(f).cloned().unwrap_or_else(|| format!("{}", f + 1));
                        let value = rec.get(f).unwrap_or("");
                        (format!(", column `{name}`"), format!("`{value}` is not a {}", kind(de)))
                    }
                    None => match de.kind() {
                        // serde's "missing field `x`": the header lacks column x.
                        csv::DeserializeErrorKind::Message(m) if m.starts_with("missing field") => {
                            return Error::input(path.display(), m.replacen("missing field", "missing column", 1));
                        }
                        _ => (String::new(), de.to_string()),
                    },
                },
                _ => (String::new(), e.to_string()),
            };
            err(format!("{row_word} {n}{col}: {what}"))
        })?;
        rows.push((n, row));
    }
    Ok(Table { headers, rows })
}

fn kind(e: &csv::DeserializeError) -> &'static str {
    match e.kind() {
        csv::DeserializeErrorKind::ParseFloat(_) | csv::DeserializeErrorKind::ParseInt(_) => "number",
        csv::DeserializeErrorKind::ParseBool(_) => "true or false",
        _ => "valid value",
    }
}
