//! A run's products appear together or not at all.
//!
//! Products are written into a staging folder inside the output folder (`.emberfall-staging-PID-N`, same file
//! system, so every move is a rename) and moved into place by [`Staging::commit`] once all are written. An error
//! drops the staging folder ([`Drop`]); SIGINT/SIGTERM remove it ([`super::interrupt`]): in both cases the output
//! folder keeps the last complete set written to it.
//!
//! The output folder keeps a manifest ([`MANIFEST`]) of the files Emberfall moved there. A rerun into a used folder
//! removes the files of the earlier run that it does not write again (a `run` followed by a `spread` leaves no
//! report of the earlier run), and only those: whatever else the user keeps in the folder is never touched.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use super::interrupt;
use crate::error::{Error, Result};

/// The manifest of the files Emberfall wrote in an output folder, one path relative to the folder per line.
pub const MANIFEST: &str = ".emberfall-manifest";
const PREFIX: &str = ".emberfall-staging-";

/// A staging folder for the products of one run into one output folder.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    done: bool,
    /// This run created the output folder: an uncommitted run removes it again if it is empty.
    created_out: bool,
}

impl Staging {
    /// Check `out` (see [`super::check_output_dir`]), remove staging folders left by processes that no longer run
    /// (killed with SIGKILL, a power cut) and create this run's staging folder.
    pub fn begin(out: &Path) -> Result<Staging> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let created_out = !out.exists();
        super::check_output_dir(out)?;
        remove_stale(out);
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let dir = out.join(format!("{PREFIX}{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir)
            .map_err(|e| Error::output(out.display(), format!("cannot create the staging folder: {e}")))?;
        interrupt::register(&dir);
        Ok(Staging { out: out.to_path_buf(), dir, done: false, created_out })
    }

    /// Where the products are written until [`commit`](Self::commit).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The output folder.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// The path a staged file will have once committed (paths outside the staging folder are returned as given).
    pub fn final_path(&self, staged: &Path) -> PathBuf {
        match staged.strip_prefix(&self.dir) {
            Ok(rel) => self.out.join(rel),
            Err(_) => staged.to_path_buf(),
        }
    }

    /// [`final_path`](Self::final_path) of every path.
    pub fn final_paths(&self, staged: &[PathBuf]) -> Vec<PathBuf> {
        staged.iter().map(|p| self.final_path(p)).collect()
    }

    /// Move every staged file into the output folder, remove the files of the previous run there that this run did
    /// not write (those in the manifest only), write the new manifest and remove the staging folder. An interruption
    /// arriving meanwhile waits for the move to end.
    pub fn commit(mut self) -> Result<()> {
        let _moving = interrupt::moving();
        if interrupt::interrupted() {
            return Err(Error::Interrupted);
        }
        let mut files = Vec::new();
        walk(&self.dir, Path::new(""), &mut files).map_err(|e| Error::io(&self.dir, e))?;
        files.sort();
        let previous = read_manifest(&self.out);
        for rel in &files {
            let dest = self.out.join(rel);
            if dest.is_dir() {
                return Err(Error::output(dest.display(), "is a folder where the run writes a file"));
            }
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            std::fs::rename(self.dir.join(rel), &dest).map_err(|e| Error::io(&dest, e))?;
        }
        let written: BTreeSet<&PathBuf> = files.iter().collect();
        for rel in previous.iter().filter(|r| !written.contains(r)) {
            let old = self.out.join(rel);
            if std::fs::symlink_metadata(&old).map(|m| m.is_file()).unwrap_or(false) {
                let _ = std::fs::remove_file(&old);
            }
        }
        let mut text = String::from(
            "# Files Emberfall wrote here in its last run; a rerun removes those it does not write again.\n",
        );
        for rel in &files {
            text += &rel.to_string_lossy();
            text.push('\n');
        }
        let tmp = self.dir.join(MANIFEST);
        std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, self.out.join(MANIFEST)).map_err(|e| Error::io(self.out.join(MANIFEST), e))?;
        let _ = std::fs::remove_dir_all(&self.dir);
        interrupt::unregister(&self.dir);
        self.done = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.dir);
            interrupt::unregister(&self.dir);
            if self.created_out {
                // Only if empty: remove_dir fails on a folder holding anything.
                let _ = std::fs::remove_dir(&self.out);
            }
        }
    }
}

/// Files under `dir` (recursively), relative to the staging folder.
fn walk(dir: &Path, rel: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let r = rel.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            walk(&entry.path(), &r, out)?;
        } else {
            out.push(r);
        }
    }
    Ok(())
}

/// The manifest of `out`: relative paths inside the folder only (a line with `..` or a root is ignored).
pub fn read_manifest(out: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(out.join(MANIFEST)) else { return Vec::new() };
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(PathBuf::from)
        .filter(|p| p.components().all(|c| matches!(c, Component::Normal(_))))
        .collect()
}

/// Remove staging folders of processes that no longer run.
fn remove_stale(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(PREFIX).and_then(|r| r.split('-').next()).and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        if !alive(pid) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(unix)]
fn alive(pid: i32) -> bool {
    // SAFETY: kill with signal 0 only checks that the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn alive(_pid: i32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("emberfall-staging-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn listing(d: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn a_rerun_replaces_its_own_files_and_keeps_the_users() {
        let out = tmp("rerun");
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        let s = Staging::begin(&out).unwrap();
        std::fs::write(s.dir().join("a.tif"), "1").unwrap();
        std::fs::write(s.dir().join("report.md"), "1").unwrap();
        s.commit().unwrap();
        assert_eq!(listing(&out), [MANIFEST, "a.tif", "notes.txt", "report.md"]);
        let s = Staging::begin(&out).unwrap();
        std::fs::create_dir(s.dir().join("sub")).unwrap();
        std::fs::write(s.dir().join("sub/b.tif"), "2").unwrap();
        std::fs::write(s.dir().join("a.tif"), "2").unwrap();
        assert_eq!(s.final_path(&s.dir().join("sub/b.tif")), out.join("sub/b.tif"));
        s.commit().unwrap();
        assert_eq!(listing(&out), [MANIFEST, "a.tif", "notes.txt", "sub"]);
        assert_eq!(std::fs::read_to_string(out.join("a.tif")).unwrap(), "2");
        assert_eq!(std::fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
        assert_eq!(read_manifest(&out), [PathBuf::from("a.tif"), PathBuf::from("sub/b.tif")]);
    }

    #[test]
    fn a_dropped_staging_leaves_the_folder_as_it_was() {
        let out = tmp("drop");
        std::fs::write(out.join("a.tif"), "old").unwrap();
        {
            let s = Staging::begin(&out).unwrap();
            std::fs::write(s.dir().join("a.tif"), "new").unwrap();
        }
        assert_eq!(listing(&out), ["a.tif"]);
        assert_eq!(std::fs::read_to_string(out.join("a.tif")).unwrap(), "old");
    }

    #[test]
    fn staging_folders_of_ended_processes_are_removed() {
        let out = tmp("stale");
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let stale = out.join(format!("{PREFIX}{dead}-0"));
        std::fs::create_dir_all(&stale).unwrap();
        std::fs::write(stale.join("a.tif"), "half").unwrap();
        let mine = out.join(format!("{PREFIX}{}-999", std::process::id()));
        std::fs::create_dir_all(&mine).unwrap();
        let s = Staging::begin(&out).unwrap();
        assert!(!stale.exists(), "the staging folder of an ended process stays");
        assert!(mine.exists(), "the staging folder of a running process was removed");
        drop(s);
        std::fs::remove_dir_all(&mine).unwrap();
    }

    #[test]
    fn a_manifest_cannot_reach_outside_the_folder() {
        let out = tmp("escape");
        std::fs::write(out.join(MANIFEST), "../x\n/etc/passwd\nok.tif\n").unwrap();
        assert_eq!(read_manifest(&out), [PathBuf::from("ok.tif")]);
    }
}
