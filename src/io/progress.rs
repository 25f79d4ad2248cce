//! Progress on standard error: [`bar`], the one indicatif bar builder (fire time, members, inputs read, work done);
//! [`ReadProgress`] for reading a long input (a fragment list of a million rows) and [`WorkProgress`] for a long
//! computation over many items (the ignition maps of such a list). Each shows a bar on a terminal, otherwise a line
//! on standard error every 10 s, and a closing line with what was done and the time taken; small jobs are silent.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

const QUIET_BELOW_BYTES: u64 = 4 << 20;
const LINE_EVERY: Duration = Duration::from_secs(10);

/// `EMBERFALL_PROGRESS=always`: report the progress of every job, small ones too (a log that must show each phase).
pub fn always() -> bool {
    std::env::var("EMBERFALL_PROGRESS").is_ok_and(|v| v.eq_ignore_ascii_case("always"))
}

/// A bar of `len` steps drawn with `template` (indicatif's template language) on standard error when it is a
/// terminal, hidden otherwise (a log file or a scheduler's job gets the callers' lines instead).
pub fn bar(len: u64, template: &str) -> ProgressBar {
    let target =
        if std::io::stderr().is_terminal() { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
    let bar = ProgressBar::with_draw_target(Some(len), target);
    bar.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()).progress_chars("#>-"),
    );
    bar
}

/// Progress of a computation over `total` items (parallel workers may report): shown only when the caller judges
/// the job long ([`WorkProgress::new`]'s `shown`).
pub struct WorkProgress {
    label: String,
    what: &'static str,
    total: u64,
    done: AtomicU64,
    bar: Option<ProgressBar>,
    start: Instant,
    last_line: Mutex<Instant>,
}

impl WorkProgress {
    /// Progress through `total` `what` (a plural noun) of the job `label`; silent unless `shown`.
    pub fn new(label: &str, what: &'static str, total: u64, shown: bool) -> WorkProgress {
        let shown = shown || always();
        let terminal = std::io::stderr().is_terminal();
        let bar = (shown && terminal).then(|| {
            let b =
                bar(total, &format!("{{msg}} [{{bar:30}}] {{pos}}/{{len}} {what}  elapsed {{elapsed}}  left ~{{eta}}"));
            b.set_message(label.to_string());
            b
        });
        let now = Instant::now();
        WorkProgress {
            label: if shown { label.to_string() } else { String::new() },
            what,
            total,
            done: AtomicU64::new(0),
            bar,
            start: now,
            last_line: Mutex::new(now),
        }
    }

    /// `n` more items done.
    pub fn inc(&self, n: u64) {
        let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
        if self.label.is_empty() {
            return;
        }
        match &self.bar {
            Some(b) => b.set_position(done),
            None => {
                let Ok(mut last) = self.last_line.lock() else { return };
                if last.elapsed() >= LINE_EVERY {
                    *last = Instant::now();
                    eprintln!(
                        "{}: {done} / {} {} ({:.0} s)",
                        self.label,
                        self.total,
                        self.what,
                        self.start.elapsed().as_secs_f64()
                    );
                }
            }
        }
    }

    /// Done: clear the bar and say how long the job took.
    pub fn finish(self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
        if !self.label.is_empty() {
            eprintln!("{} in {:.1} s", self.label, self.start.elapsed().as_secs_f64());
        }
    }
}

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
        let shown = total_bytes >= QUIET_BELOW_BYTES || always();
        let bar = (shown && std::io::stderr().is_terminal()).then(|| {
            let b = bar(total_bytes, "reading {msg} [{bar:30}] {percent:>3} %  {binary_bytes_per_sec}  left ~{eta}");
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
