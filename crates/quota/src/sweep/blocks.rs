//! What the Sobol, extended Sobol and Morris designs share: blocks of runs (a base sample's
//! `d + 2` rows, a trajectory's `k + 1` points) evaluated in parallel, each run's slots stored
//! at a fixed place, infeasible runs counted, progress reported per block.

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use super::eval::{Columns, Evaluator, SlotRule};
use super::hooks::{is_set, Hooks};
use super::sobol::apply;
use super::space::Space;
use super::{Factor, SweepError};

/// How a design lays out its runs: `blocks` blocks of `rows` runs over `factors`.
pub(super) struct Blocks<'a> {
    pub factors: &'a [Factor],
    pub blocks: usize,
    pub rows: usize,
    /// Progress is reported every this many blocks (and at the last).
    pub report_every: u64,
}

/// Evaluates every run: `prepare(block, scratch)` once per block (its random draws), then
/// `point(scratch, row, x)` writes run `row`'s factor values into `x`. The slots of run r of
/// block j are at `[(j·rows + r)·units + u]`. Returns them with the number of infeasible runs
/// (whose slots stay 0), or [`SweepError::Cancelled`].
pub(super) fn evaluate<R, S>(
    ev: &Evaluator<R>,
    space: &Space,
    layout: &Blocks<'_>,
    hooks: &Hooks<'_>,
    scratch: impl Fn() -> S + Sync + Send,
    prepare: impl Fn(usize, &mut S) + Sync + Send,
    point: impl Fn(&S, usize, &mut [f64]) + Sync + Send,
) -> Result<(Vec<u32>, u64), SweepError>
where
    R: SlotRule + ?Sized,
    S: Send,
{
    let (units, rows, n) = (ev.units(), layout.rows, layout.blocks as u64);
    let mut slots = vec![0u32; layout.blocks * rows * units];
    let done = AtomicU64::new(0);
    let (cancel, progress) = (hooks.cancel, hooks.progress);
    let infeasible: u64 = slots
        .par_chunks_mut((rows * units).max(1))
        .enumerate()
        .map_init(
            || (ev.workspace(&space.base), vec![0.0; layout.factors.len()], scratch()),
            |(ws, x, s), (j, out)| {
                if is_set(cancel) {
                    return 0;
                }
                prepare(j, s);
                let mut bad = 0u64;
                for r in 0..rows {
                    point(s, r, x);
                    apply(space, layout.factors, x, &mut ws.params);
                    if ev.evaluate(ws, Columns::Scenario) {
                        for (o, &v) in out[r * units..(r + 1) * units].iter_mut().zip(&ws.slots) {
                            *o = v as u32;
                        }
                    } else {
                        bad += 1;
                    }
                }
                if let Some(p) = progress {
                    let now = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if now.is_multiple_of(layout.report_every) || now == n {
                        p(now, n);
                    }
                }
                bad
            },
        )
        .sum();
    if is_set(cancel) {
        return Err(SweepError::Cancelled);
    }
    Ok((slots, infeasible))
}
