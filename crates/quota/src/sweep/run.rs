//! The parallel driver for designs that are a list of scenarios (grid, Monte Carlo): splits the
//! index range into fixed chunks, evaluates them on the current rayon pool with one workspace
//! and one tally per worker, merges the integer tallies, and streams long-CSV rows in chunk
//! order — so neither the summary nor the rows depend on the number of threads, and memory
//! stays flat (at most one batch of rows is buffered).

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use super::eval::{Columns, Evaluator, SlotRule, Workspace};
use super::hooks::{is_set, Hooks};
use super::space::{Params, Space};
use super::summary::Tally;
use super::SweepError;
use crate::explain::ParadoxProbe;

/// Scenarios evaluated per task.
pub const CHUNK: u64 = 4096;

/// A design that is a numbered list of scenarios.
pub trait PointSource: Sync {
    /// Per-task position (e.g. the current grid point), created at a chunk's first index.
    type Cursor: Send;
    /// Number of scenarios.
    fn len(&self) -> u64;
    /// Whether the design is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Whether consecutive scenarios are unrelated draws that differ only in their parameters
    /// (not in the indicator columns). The driver may then evaluate a chunk's scenarios in any
    /// order — the tally does not depend on it — and sorts them so that similar weightings come
    /// one after another, which lets the apportionment's warm start (the previous scenario's
    /// bounded-quota regime) hit more often.
    fn scattered(&self) -> bool {
        false
    }
    /// A cursor positioned at scenario `index`.
    fn start(&self, index: u64) -> Self::Cursor;
    /// Writes scenario `index` (the cursor's position) into `ws.params` (and, with noise, its
    /// perturbed columns), advances the cursor, and says which columns to score with.
    fn fill<R: SlotRule + ?Sized>(
        &self,
        cursor: &mut Self::Cursor,
        index: u64,
        ev: &Evaluator<R>,
        ws: &mut Workspace,
    ) -> Columns;
}

/// A chunk's scenario parameters, flat, with the order to evaluate them in.
#[derive(Default)]
struct Batch {
    flat: Vec<f64>,
    /// Per scenario, its locality key (32 bits) above its position in `flat`.
    order: Vec<u64>,
    /// The radix sort's second buffer.
    spare: Vec<u64>,
    stride: usize,
}

impl Batch {
    fn clear(&mut self) {
        self.flat.clear();
        self.order.clear();
    }

    fn push(&mut self, p: &Params) {
        self.stride = p.weights.len() + 5;
        self.order.push(p.locality_key() << 32 | self.order.len() as u64);
        p.push_to(&mut self.flat);
    }

    /// Orders by locality key, then by position (so the order is fully determined): a
    /// least-significant-digit radix sort of the key's four bytes, stable, over scenarios
    /// pushed in position order (a byte that is the same for every scenario is skipped).
    fn sort(&mut self) {
        let n = self.order.len();
        for shift in [32, 40, 48, 56] {
            let digit = |x: u64| (x >> shift) as usize & 0xFF;
            let mut at = [0usize; 256];
            for &x in &self.order {
                at[digit(x)] += 1;
            }
            if at.contains(&n) {
                continue;
            }
            let mut sum = 0;
            for a in at.iter_mut() {
                (*a, sum) = (sum, sum + *a);
            }
            self.spare.resize(n, 0);
            for &x in &self.order {
                let d = digit(x);
                self.spare[at[d]] = x;
                at[d] += 1;
            }
            std::mem::swap(&mut self.order, &mut self.spare);
        }
    }

    fn len(&self) -> usize {
        self.order.len()
    }

    /// The parameters of the j-th scenario in evaluation order.
    fn get(&self, j: usize) -> &[f64] {
        let at = (self.order[j] & 0xFFFF_FFFF) as usize * self.stride;
        &self.flat[at..at + self.stride]
    }
}

/// The header of the long CSV: scenario index, every factor, then unit, slots and money.
pub fn rows_header(space: &Space) -> String {
    let mut h = vec!["scenario".to_string()];
    h.extend(space.columns.iter().map(|c| format!("w_{c}")));
    h.extend(space.extra.iter().map(|b| space.name(b.factor)));
    h.extend(["code", "slots", "funding_wan"].map(String::from));
    h.join(",") + "\n"
}

/// Appends scenario `index` as long-CSV rows (one per unit; empty slots and money when the
/// scenario has no allocation, `slots` = None) to `buf`.
pub fn write_rows<R: SlotRule + ?Sized>(
    buf: &mut Vec<u8>,
    index: u64,
    space: &Space,
    ev: &Evaluator<R>,
    params: &Params,
    slots: Option<&[u64]>,
) {
    let mut prefix = index.to_string();
    for w in &params.weights {
        prefix.push(',');
        prefix.push_str(&w.to_string());
    }
    for b in &space.extra {
        prefix.push(',');
        prefix.push_str(&space.get(params, b.factor).to_string());
    }
    let per_firm = ev.scenario.funding;
    for i in 0..ev.units() {
        let code = &ev.scenario.units.get(i).code;
        match slots {
            Some(slots) => {
                let x = slots[i];
                let _ = writeln!(buf, "{prefix},{code},{x},{}", per_firm.funding(x).total_wan);
            }
            None => {
                let _ = writeln!(buf, "{prefix},{code},,");
            }
        }
    }
}

/// One rayon worker's state: its workspace, its part of the tally, and its copy of the
/// paradox probe (with `--paradoxes`).
struct Worker {
    ws: Workspace,
    tally: Tally,
    probe: Option<ParadoxProbe>,
    marks: Vec<u8>,
}

impl Worker {
    /// Evaluates `ws.params` and records the result (slots and paradox marks, or one more
    /// infeasible scenario); true when feasible.
    #[inline]
    fn evaluate<R: SlotRule + ?Sized>(&mut self, ev: &Evaluator<R>, cols: Columns) -> bool {
        let ok = ev.evaluate(&mut self.ws, cols);
        if ok {
            self.tally.record(&self.ws.slots);
            if let Some(probe) = self.probe.as_mut() {
                probe.unit_marks(ev.problem(&self.ws), &self.ws.slots, &mut self.marks);
                self.tally.record_marks(&self.marks);
            }
        } else {
            self.tally.infeasible += 1;
        }
        ok
    }
}

/// Runs every scenario of `source` and returns the per-unit tally. With `paradoxes`, every
/// feasible scenario is also checked for paradoxes (Alabama at N±1, quota rule) and the marks
/// are counted per unit in the tally (each worker uses its own copy of the probe).
pub fn run<S: PointSource, R: SlotRule + ?Sized>(
    ev: &Evaluator<R>,
    space: &Space,
    source: &S,
    hooks: Hooks<'_>,
    paradoxes: Option<&ParadoxProbe>,
) -> Result<Tally, SweepError> {
    run_range(ev, space, source, 0..source.len(), hooks, paradoxes)
}

/// [`run`] over scenarios `range` of `source` only (one shard of a sharded sweep): chunks of
/// [`CHUNK`] scenarios from `range.start`; progress counts the range's scenarios.
pub fn run_range<S: PointSource, R: SlotRule + ?Sized>(
    ev: &Evaluator<R>,
    space: &Space,
    source: &S,
    range: std::ops::Range<u64>,
    mut hooks: Hooks<'_>,
    paradoxes: Option<&ParadoxProbe>,
) -> Result<Tally, SweepError> {
    let first = range.start;
    let total = range.end.saturating_sub(range.start);
    let (lower, upper) = ev.bounds();
    let empty = match paradoxes {
        Some(_) => Tally::new(lower, upper).with_paradoxes(),
        None => Tally::new(lower, upper),
    };
    let probe = paradoxes;
    let (cancel, progress) = (hooks.cancel, hooks.progress);
    let mut tally = empty.clone();
    if let Some(w) = hooks.rows.as_mut() {
        w.write_all(rows_header(space).as_bytes())?;
    }
    let keep = hooks.rows.is_some();
    let chunks = total.div_ceil(CHUNK);
    let worker = || Worker {
        ws: ev.workspace(&space.base),
        tally: empty.clone(),
        probe: probe.cloned(),
        marks: Vec::new(),
    };
    if !keep {
        // No rows to order: one work-stealing pass over all chunks; progress from the workers.
        let done = AtomicU64::new(0);
        let part = (0..chunks)
            .into_par_iter()
            .fold(
                || (worker(), Batch::default()),
                |(mut w, mut batch), c| {
                    if is_set(cancel) {
                        return (w, batch);
                    }
                    let (lo, hi) = (first + c * CHUNK, first + ((c + 1) * CHUNK).min(total));
                    let mut cursor = source.start(lo);
                    if source.scattered() {
                        batch.clear();
                        for k in lo..hi {
                            source.fill(&mut cursor, k, ev, &mut w.ws);
                            batch.push(&w.ws.params);
                        }
                        batch.sort();
                        for j in 0..batch.len() {
                            w.ws.params.read_from(batch.get(j));
                            w.evaluate(ev, Columns::Scenario);
                        }
                    } else {
                        for k in lo..hi {
                            let cols = source.fill(&mut cursor, k, ev, &mut w.ws);
                            w.evaluate(ev, cols);
                        }
                    }
                    let now = done.fetch_add(hi - lo, Ordering::Relaxed) + (hi - lo);
                    if let Some(p) = progress {
                        p(now, total);
                    }
                    (w, batch)
                },
            )
            .map(|(w, _)| w.tally)
            .reduce(
                || empty.clone(),
                |mut a, b| {
                    a.merge(&b);
                    a
                },
            );
        if is_set(cancel) {
            return Err(SweepError::Cancelled);
        }
        tally.merge(&part);
        return Ok(tally);
    }
    let batch = (rayon::current_num_threads() as u64 * 4).max(1);
    let mut c0 = 0;
    while c0 < chunks {
        if is_set(cancel) {
            return Err(SweepError::Cancelled);
        }
        let c1 = (c0 + batch).min(chunks);
        let (part, mut bufs) = (c0..c1)
            .into_par_iter()
            .fold(
                || (worker(), Vec::new()),
                |(mut w, mut bufs), c| {
                    let (lo, hi) = (first + c * CHUNK, first + ((c + 1) * CHUNK).min(total));
                    let mut cursor = source.start(lo);
                    let mut buf = Vec::new();
                    for k in lo..hi {
                        let cols = source.fill(&mut cursor, k, ev, &mut w.ws);
                        let ok = w.evaluate(ev, cols);
                        write_rows(&mut buf, k, space, ev, &w.ws.params, ok.then_some(&w.ws.slots[..]));
                    }
                    bufs.push((c, buf));
                    (w, bufs)
                },
            )
            .map(|(w, b)| (w.tally, b))
            .reduce(
                || (empty.clone(), Vec::new()),
                |(mut a, mut ab), (b, bb)| {
                    a.merge(&b);
                    ab.extend(bb);
                    (a, ab)
                },
            );
        tally.merge(&part);
        if let Some(w) = hooks.rows.as_mut() {
            bufs.sort_by_key(|(c, _)| *c);
            for (_, b) in bufs {
                w.write_all(&b)?;
            }
        }
        if let Some(p) = progress {
            p((c1 * CHUNK).min(total), total);
        }
        c0 = c1;
    }
    Ok(tally)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn the_radix_sort_orders_by_key_then_position() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let mut batch = Batch::default();
        // Keys spread over every byte, keys sharing their top bytes, few distinct keys.
        for mask in [u32::MAX as u64, 0x0000_FFFF, 0x0303_0303, 0] {
            batch.clear();
            let keys: Vec<u64> = (0..CHUNK).map(|_| rng.random::<u64>() & mask).collect();
            for (i, &k) in keys.iter().enumerate() {
                batch.order.push(k << 32 | i as u64);
            }
            batch.sort();
            let mut want: Vec<(u64, u64)> = keys.iter().copied().zip(0..).collect();
            want.sort_unstable();
            let got: Vec<(u64, u64)> = batch.order.iter().map(|&x| (x >> 32, x & 0xFFFF_FFFF)).collect();
            assert_eq!(got, want, "mask {mask:#x}");
        }
    }
}
