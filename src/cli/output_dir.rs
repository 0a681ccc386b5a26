//! Output directories (`quota sweep -o DIR`): every file is written into a temporary directory
//! beside DIR and moved into place at the end, so a failed or interrupted run leaves nothing
//! (the temporary directory is removed on every exit path, SIGINT and SIGTERM included: see
//! [`super::guard`]). While a run writes DIR it holds a lock file beside it (`.DIR.lock`,
//! created exclusively, holding the process id); a second run into the same DIR is refused
//! instead of mixing its files with the first's. A lock left by a killed run (SIGKILL) is
//! taken over when its process no longer exists (checked through /proc on Linux; elsewhere the
//! message says to remove it).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{guard, input, internal, Failure};

/// Refuses an output directory that is a symbolic link or not a directory, or that exists
/// and is not empty (unless `force`).
pub fn check_output_dir(dir: &Path, force: bool) -> Result<(), Failure> {
    let Ok(meta) = std::fs::symlink_metadata(dir) else { return Ok(()) };
    if meta.file_type().is_symlink() {
        return Err(input(anyhow::anyhow!(
            "{}: is a symbolic link; give the directory it points to (-o does not follow links)",
            dir.display()
        )));
    }
    if !meta.is_dir() {
        return Err(input(anyhow::anyhow!("{}: exists and is not a directory", dir.display())));
    }
    let non_empty = std::fs::read_dir(dir)
        .map_err(|e| input(anyhow::anyhow!("{}: {e}", dir.display())))?
        .next()
        .is_some();
    if non_empty && !force {
        return Err(input(anyhow::anyhow!(
            "{}: the output directory exists and is not empty; choose a new directory or pass --force",
            dir.display()
        )));
    }
    Ok(())
}

/// Beside `dir`: `.NAME.SUFFIX`.
fn beside(dir: &Path, suffix: &str) -> PathBuf {
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "sweep".into());
    parent.join(format!(".{name}.{suffix}"))
}

/// Whether process `pid` is known to be gone (Linux: no /proc entry). Elsewhere: unknown.
fn process_gone(pid: u32) -> bool {
    cfg!(target_os = "linux")
        && Path::new("/proc/self").exists()
        && !Path::new(&format!("/proc/{pid}")).exists()
}

/// Takes the lock of `dir`, or says who holds it.
fn lock(dir: &Path) -> Result<PathBuf, Failure> {
    let path = beside(dir, "lock");
    for _ in 0..2 {
        let created = guard::create_temporary(&path, || {
            let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
            writeln!(f, "{}", std::process::id())
        });
        match created {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let holder = std::fs::read_to_string(&path).ok().and_then(|s| s.trim().parse::<u32>().ok());
                match holder {
                    Some(pid) if process_gone(pid) => {
                        // A run killed with SIGKILL: its lock is stale.
                        let _ = std::fs::remove_file(&path);
                    }
                    _ => {
                        let who = holder.map_or("another quota run".to_string(), |p| {
                            format!("another quota run (process {p})")
                        });
                        return Err(input(anyhow::anyhow!(
                            "{}: {who} is writing this directory (lock {}); wait for it to finish, or remove the lock if no such run exists",
                            dir.display(),
                            path.display()
                        )));
                    }
                }
            }
            Err(e) => {
                return Err(input(anyhow::anyhow!(
                    "{}: cannot create the lock {}: {e}",
                    dir.display(),
                    path.display()
                )))
            }
        }
    }
    Err(input(anyhow::anyhow!("{}: cannot take the lock {}", dir.display(), path.display())))
}

/// Files are written into a temporary directory beside DIR and moved into place at the end.
pub struct Staging {
    tmp: PathBuf,
    lock: PathBuf,
    /// The output directory.
    pub dir: PathBuf,
    force: bool,
}

impl Staging {
    /// Locks `dir`, checks it again (new or empty, or `force`) and creates the temporary
    /// directory.
    pub fn new(dir: &Path, force: bool) -> Result<Staging, Failure> {
        let lock = lock(dir)?;
        // From here on the lock is released on every path (Drop, or the signal handler).
        let mut staging = Staging { tmp: PathBuf::new(), lock, dir: dir.to_path_buf(), force };
        check_output_dir(dir, force)?;
        let tmp = beside(dir, &format!("{}.tmp", std::process::id()));
        guard::create_temporary(&tmp, || std::fs::create_dir_all(&tmp))
            .map_err(|e| input(anyhow::anyhow!("{}: cannot create: {e}", tmp.display())))?;
        staging.tmp = tmp;
        Ok(staging)
    }

    /// Where a file of the output goes while the run lasts.
    pub fn path(&self, file: &str) -> PathBuf {
        self.tmp.join(file)
    }

    /// Writes one file of the output.
    pub fn write(&self, file: &str, content: &[u8]) -> Result<(), Failure> {
        std::fs::write(self.path(file), content)
            .map_err(|e| input(anyhow::anyhow!("{}: cannot write: {e}", self.path(file).display())))
    }

    /// Moves the files into place; returns their names, sorted.
    pub fn commit(self) -> Result<Vec<String>, Failure> {
        let mut names: Vec<String> = std::fs::read_dir(&self.tmp)
            .map_err(internal)?
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().to_string()))
            .collect();
        names.sort();
        let fail = |e: std::io::Error| input(anyhow::anyhow!("{}: cannot write: {e}", self.dir.display()));
        check_output_dir(&self.dir, self.force)?;
        if self.dir.exists() && std::fs::read_dir(&self.dir).map_err(fail)?.next().is_some() {
            // --force: move each file over its namesake (each rename is atomic), never over an
            // input of the run or anything but a regular file.
            for n in &names {
                guard::check_output_file(&self.dir.join(n))?;
            }
            for n in &names {
                std::fs::rename(self.tmp.join(n), self.dir.join(n)).map_err(fail)?;
            }
        } else {
            if self.dir.exists() {
                std::fs::remove_dir(&self.dir).map_err(fail)?;
            }
            std::fs::rename(&self.tmp, &self.dir).map_err(fail)?;
            guard::forget_temporary(&self.tmp);
        }
        Ok(names)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // Still there unless it was renamed into place by `commit`.
        if !self.tmp.as_os_str().is_empty() && self.tmp.exists() {
            guard::remove_temporary(&self.tmp);
        } else {
            guard::forget_temporary(&self.tmp);
        }
        guard::remove_temporary(&self.lock);
    }
}
