//! CSV tables read into serde row structs: `#` comment lines, trimmed fields, header names matched without regard
//! to case, extra columns ignored, empty cells read as missing (`Option`). Errors name the file, the row (or line)
//! and the column, with the value found.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// A table: its header (lower case) and its rows, each with its line in the file as an editor shows it (the
/// header, comment and blank lines counted).
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
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let n = e.position().map_or(0, |p| p.line());
            err(format!("{row_word} {n}: {e}"))
        })?;
        let n = rec.position().map_or(0, |p| p.line() as usize);
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

/// What a table's header says against the `known` columns of its kind: the columns read, and a note for each one
/// not read, with the known column it most likely means (`RH` -> `rh_pct`) or the list of known ones.
pub fn columns_note(path: &Path, headers: &[String], known: &[&str]) -> Vec<String> {
    let read: Vec<&str> = headers.iter().map(String::as_str).filter(|h| known.contains(h)).collect();
    let mut notes = vec![format!("{}: columns read: {}", path.display(), read.join(", "))];
    for h in headers.iter().filter(|h| !known.contains(&h.as_str())) {
        let likely = known.iter().copied().find(|k| {
            let stem = k.split('_').next().unwrap_or(k);
            !h.is_empty() && (stem == h.as_str() || k.starts_with(h.as_str()) || h.starts_with(stem))
        });
        notes.push(match likely {
            Some(k) => format!("{}: column `{h}` is not read (did you mean `{k}`?)", path.display()),
            None => format!("{}: column `{h}` is not read (known: {})", path.display(), known.join(", ")),
        });
    }
    notes
}

fn kind(e: &csv::DeserializeError) -> &'static str {
    match e.kind() {
        csv::DeserializeErrorKind::ParseFloat(_) | csv::DeserializeErrorKind::ParseInt(_) => "number",
        csv::DeserializeErrorKind::ParseBool(_) => "true or false",
        _ => "valid value",
    }
}
