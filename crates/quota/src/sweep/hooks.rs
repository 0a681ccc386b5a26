//! What a caller plugs into a running sweep: progress reports, a cancellation flag, and a sink
//! for every scenario as long CSV. The library never prints, reads the clock or touches files;
//! a terminal progress bar, a Ctrl-C handler or a file are the caller's.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// Callbacks and sinks of a sweep; all optional (`Hooks::default()` plugs in nothing).
#[derive(Default)]
pub struct Hooks<'a> {
    /// Called with (done, total) as work finishes — scenarios for the grid and Monte Carlo,
    /// base samples for Sobol — possibly from worker threads.
    pub progress: Option<&'a (dyn Fn(u64, u64) + Sync)>,
    /// Checked between chunks of work: once it is set, the sweep stops and returns
    /// [`SweepError::Cancelled`](super::SweepError::Cancelled).
    pub cancel: Option<&'a AtomicBool>,
    /// Receives every scenario as long CSV rows, header first (grid, Monte Carlo and Sobol;
    /// see [`run::rows_header`](super::run::rows_header)).
    pub rows: Option<&'a mut (dyn Write + Send)>,
}

impl Hooks<'_> {
    /// Whether the caller has asked the sweep to stop.
    pub fn cancelled(&self) -> bool {
        is_set(self.cancel)
    }
}

/// Whether a cancellation flag is present and set.
#[inline]
pub(crate) fn is_set(flag: Option<&AtomicBool>) -> bool {
    flag.is_some_and(|f| f.load(Ordering::Relaxed))
}
