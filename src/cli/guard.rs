//! What one run of the command must protect, whatever way it ends:
//!
//! - the **inputs it read**: `-o` never replaces one of them (compared by path and, on Unix, by
//!   device and inode, so a hard link or `./x` counts too);
//! - **non-regular files**: `-o` refuses to replace a symbolic link, directory, FIFO or device
//!   (it does not write through links: give the link's target instead);
//! - its **temporary files and directories** (and output-directory locks): removed on success,
//!   on error (their owners' `Drop`) and on SIGINT, SIGTERM or SIGHUP (the handler installed by
//!   [`install`] removes them, then exits with status 130). Only SIGKILL can leave one behind.
//!
//! Creating a temporary path and registering it happen under one lock that the signal handler
//! takes too, so a signal can never fall between them.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{input, Failure};

/// Exit status after SIGINT, SIGTERM or SIGHUP (128 + SIGINT, the shell's convention).
pub const INTERRUPTED_EXIT: i32 = 130;

static INPUTS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static TEMPORARY: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Installs the handler that removes every registered temporary path on SIGINT, SIGTERM or
/// SIGHUP and exits with [`INTERRUPTED_EXIT`]. Called once, at start.
pub fn install() {
    // If a handler cannot be installed (another one exists), the run goes on without it:
    // temporary paths are still removed on every other exit path.
    let _ = ctrlc::set_handler(|| {
        // Held until exit: no new temporary path can be created after the removal.
        let paths = TEMPORARY.lock().unwrap_or_else(|e| e.into_inner());
        for p in paths.iter().rev() {
            remove(p);
        }
        eprintln!("quota: interrupted; temporary files removed");
        std::process::exit(INTERRUPTED_EXIT);
    });
}

fn remove(p: &Path) {
    match std::fs::symlink_metadata(p) {
        Ok(m) if m.is_dir() => {
            // Another thread may still be adding files: try a few times.
            for _ in 0..5 {
                if std::fs::remove_dir_all(p).is_ok() || !p.exists() {
                    break;
                }
            }
        }
        Ok(_) => {
            let _ = std::fs::remove_file(p);
        }
        Err(_) => {}
    }
}

/// Runs `create` (which makes `path`) and registers `path` for removal, atomically with respect
/// to the signal handler.
pub fn create_temporary<T>(path: &Path, create: impl FnOnce() -> std::io::Result<T>) -> std::io::Result<T> {
    let mut paths = TEMPORARY.lock().unwrap_or_else(|e| e.into_inner());
    let value = create()?;
    paths.push(path.to_path_buf());
    Ok(value)
}

/// Forgets a temporary path (it was renamed into place or removed by its owner).
pub fn forget_temporary(path: &Path) {
    let mut paths = TEMPORARY.lock().unwrap_or_else(|e| e.into_inner());
    paths.retain(|p| p != path);
}

/// Removes a temporary path and forgets it.
pub fn remove_temporary(path: &Path) {
    let mut paths = TEMPORARY.lock().unwrap_or_else(|e| e.into_inner());
    remove(path);
    paths.retain(|p| p != path);
}

/// Records a file this run read (see [`check_output_file`]).
pub fn record_input(path: &Path) {
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    INPUTS.lock().unwrap_or_else(|e| e.into_inner()).push(key);
}

#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Refuses an output path that exists and is not a regular file, or that is one of this run's
/// inputs. A path that does not exist yet is fine.
pub fn check_output_file(path: &Path) -> Result<(), Failure> {
    let Ok(meta) = std::fs::symlink_metadata(path) else { return Ok(()) };
    let kind = meta.file_type();
    if kind.is_symlink() {
        return Err(input(anyhow::anyhow!(
            "{}: is a symbolic link; -o writes only regular files and does not follow links (give the link's target, or remove the link)",
            path.display()
        )));
    }
    if !kind.is_file() {
        let what =
            if kind.is_dir() { "a directory" } else { "not a regular file (a FIFO, socket or device)" };
        return Err(input(anyhow::anyhow!(
            "{}: is {what}; -o replaces only regular files: choose a file name",
            path.display()
        )));
    }
    let inputs = INPUTS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(i) = inputs.iter().find(|i| same_file(i, path)) {
        return Err(input(anyhow::anyhow!(
            "{}: is one of this run's inputs ({}); write the output to another file",
            path.display(),
            i.display()
        )));
    }
    Ok(())
}
