//! Interrupted runs (SIGINT from Ctrl-C, SIGTERM from a job scheduler or a time limit): stop promptly, remove what
//! the run had started to write, exit non-zero and say so.
//!
//! Every unfinished output is registered here while it is written: a staging folder ([`super::staging`]) or the
//! temporary file of one atomic write ([`super::write_atomic`]). [`install`] (called by the binary) starts a thread
//! that waits for the signals; on one it marks the process interrupted (no new write starts), waits for a move into
//! place that has begun to end (so a folder holds one complete set, never a mix), removes what is registered and
//! exits with 128 + the signal number. A library user that does not call [`install`] keeps its own handling; the
//! registry then only serves errors (a staging folder is removed when dropped uncommitted).
//!
//! This is process state, not run state: a signal ends the process, whichever runs it holds.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static MOVING: Mutex<()> = Mutex::new(());

fn lock<T>(m: &'static Mutex<T>) -> MutexGuard<'static, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// True once SIGINT or SIGTERM has arrived.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Register an unfinished output (a file or a folder) to remove if the process is interrupted.
pub fn register(path: &Path) {
    lock(&UNFINISHED).push(path.to_path_buf());
}

/// The output is finished (or already removed): forget it.
pub fn unregister(path: &Path) {
    let mut u = lock(&UNFINISHED);
    if let Some(i) = u.iter().rposition(|p| p == path) {
        u.swap_remove(i);
    }
}

/// Hold while moving a complete set of outputs into place: an interruption waits for the move to end.
pub fn moving() -> MutexGuard<'static, ()> {
    lock(&MOVING)
}

fn remove(path: &Path) {
    // A writer thread may still be creating a file in a folder being removed: try a few times.
    for _ in 0..10 {
        let gone = match std::fs::symlink_metadata(path) {
            Err(_) => true,
            Ok(m) if m.is_dir() => std::fs::remove_dir_all(path).is_ok(),
            Ok(_) => std::fs::remove_file(path).is_ok(),
        };
        if gone && std::fs::symlink_metadata(path).is_err() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Start the thread that handles SIGINT and SIGTERM (see the module's documentation). Call once, early in `main`.
#[cfg(unix)]
pub fn install() -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new().name("emberfall-signals".into()).spawn(move || {
        if let Some(sig) = signals.forever().next() {
            INTERRUPTED.store(true, Ordering::SeqCst);
            let _moving = moving();
            let unfinished: Vec<PathBuf> = std::mem::take(&mut *lock(&UNFINISHED));
            for p in &unfinished {
                remove(p);
            }
            let name = if sig == SIGINT { "SIGINT" } else { "SIGTERM" };
            eprintln!(
                "\nerror: interrupted by {name}: stopped; {} unfinished output{} removed; every output folder holds the \
                 last complete set written to it",
                unfinished.len(),
                if unfinished.len() == 1 { "" } else { "s" }
            );
            // SAFETY: _exit ends the process at once without running atexit handlers, which could race with
            // threads still inside GDAL; everything that must be on disk is, and stderr is unbuffered.
            unsafe { libc::_exit(128 + sig) }
        }
    })?;
    Ok(())
}

/// Signals are not handled on this platform.
#[cfg(not(unix))]
pub fn install() -> std::io::Result<()> {
    Ok(())
}
