//! Progress of reading a long input (a fragment list of a million rows): a bar on a terminal, otherwise a line on
//! standard error every 10 s, and a closing line with the rows read and the time taken. Inputs under 4 MB read
//! silently.

use std::io::IsTerminal;
use std::path::Path;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

const QUIET_BELOW_BYTES: u64 = 4 << 20;
const LINE_EVERY: Duration = Duration::from_secs(10);

/// Progress through one input file, by bytes read.
pub struct ReadProgress {
    label: String,
    total: u64,
    bar: Option<ProgressBar>,
    start: Instant,
    last_line: Instant,
    shown: bool,
}

impl ReadProgress {
    /// Progress through `path` of `total_bytes` (silent for small inputs).
    pub fn new(path: &Path, total_bytes: u64) -> ReadProgress {
        let shown = total_bytes >= QUIET_BELOW_BYTES;
        let bar = (shown && std::io::stderr().is_terminal()).then(|| {
            let b = ProgressBar::new(total_bytes);
            b.set_style(
                ProgressStyle::with_template(
                    "reading {msg} [{bar:30}] {percent:>3} %  {binary_bytes_per_sec}  left ~{eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("#>-"),
            );
            b.set_message(path.display().to_string());
            b
        });
        let now = Instant::now();
        ReadProgress { label: path.display().to_string(), total: total_bytes, bar, start: now, last_line: now, shown }
    }

    /// `bytes` read so far, `rows` of them.
    pub fn update(&mut self, bytes: u64, rows: usize) {
        if !self.shown {
            return;
        }
        match &self.bar {
            Some(b) => b.set_position(bytes),
            None if self.last_line.elapsed() >= LINE_EVERY => {
                self.last_line = Instant::now();
                eprintln!(
                    "reading {}: {:.0} % ({rows} rows, {:.0} s)",
                    self.label,
                    100.0 * bytes as f64 / self.total.max(1) as f64,
                    self.start.elapsed().as_secs_f64()
                );
            }
            None => {}
        }
    }

    /// Done: clear the bar and say how many rows were read, and how fast.
    pub fn finish(self, rows: usize, what: &str) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
        if self.shown {
            eprintln!("read {rows} {what} from {} in {:.1} s", self.label, self.start.elapsed().as_secs_f64());
        }
    }
}
