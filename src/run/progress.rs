//! Progress of a run on standard error (indicatif): a bar with the fire time reached and the time left when
//! standard error is a terminal; otherwise (a log file, a scheduler's job) a line every 10 s once a run has taken
//! more than 10 s.

use crate::units::MIN_PER_H;
use indicatif::ProgressBar;

/// A progress bar over fire time.
pub struct Progress {
    bar: ProgressBar,
    terminal: bool,
    start: std::time::Instant,
    last_line: std::cell::Cell<std::time::Instant>,
}

impl Progress {
    /// A bar for a fire of `total_min` minutes (hidden when standard error is not a terminal).
    pub fn new(total_min: f64) -> Progress {
        use std::io::IsTerminal;
        let bar = crate::io::progress::bar(
            (total_min * 10.0).round().max(1.0) as u64,
            "[{bar:30}] {percent:>3} %  fire time {msg}  elapsed {elapsed}  left ~{eta}",
        );
        let now = std::time::Instant::now();
        Progress { bar, terminal: std::io::stderr().is_terminal(), start: now, last_line: std::cell::Cell::new(now) }
    }

    /// The simulated clock reached `t` of `total` minutes.
    pub fn update(&self, t: f64, total: f64) {
        self.bar.set_message(format!("{:.1} / {:.1} h", t / MIN_PER_H, total / MIN_PER_H));
        self.bar.set_position((t.clamp(0.0, total) * 10.0).round() as u64);
        if !self.terminal && self.last_line.get().elapsed().as_secs() >= 10 {
            self.last_line.set(std::time::Instant::now());
            eprintln!(
                "fire time {:.1} / {:.1} h ({:.0} s)",
                t / MIN_PER_H,
                total / MIN_PER_H,
                self.start.elapsed().as_secs_f64()
            );
        }
    }

    /// Done: clear the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
