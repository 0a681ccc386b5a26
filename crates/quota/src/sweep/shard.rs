//! Sweeps that scale out: [`shard`] evaluates shard K of N of a sweep and returns a
//! [`Partial`]; [`merge`] checks that a set of partials is one whole sweep and returns the
//! [`SweepStudy`] the unsharded [`study`](super::study) gives — the same value, hence the same
//! bytes in every output, because both run [`Plan::finish`] over the same exact data.
//!
//! A design's work is a numbered list of items ([`Plan::items`]): grid points, Monte Carlo
//! scenarios, Sobol base samples (with or without second order and groups), Morris
//! trajectories, or [`INITIAL_INTERVALS`](super::oat::INITIAL_INTERVALS) intervals per factor
//! of the one-at-a-time design. Morris draws and selects its trajectories from the seed alone,
//! so every shard holds the same design and evaluates its range of it. Shard K of N (K from 1) takes items
//! `⌊(K−1)·M/N⌋ .. ⌊K·M/N⌋` of M. Scenario k's random numbers depend on k alone (stream k of
//! the seeded generator), so a shard draws what the whole sweep draws for its items.
//!
//! ## The partial format, `quota.sweep-partial/1`
//!
//! One JSON object on one line (numbers exact: integers, and floats that read back to the
//! same bits), fields in this order:
//!
//! | field | what |
//! |---|---|
//! | `schema` | `"quota.sweep-partial/1"` |
//! | `stamp` | the reproducibility stamp line of the run's inputs (with the seed), or null |
//! | `scenario` | the scenario's name (for messages) |
//! | `spec` | the sweep: `{"design": "grid" \| "oat" \| "monte-carlo" \| "sobol" \| "morris", …parameters}` |
//! | `shard` | `{"index": K, "count": N}` |
//! | `items` | `{"from", "to", "of"}`: the work items evaluated, of all M |
//! | `work` | one of `{"tally": {scenarios, infeasible, histograms, paradoxes}}` (grid, Monte Carlo: per unit `[slots, scenarios]` pairs), `{"oat": [{points: [[t, slots or null], …], evaluations}, …]}` (one per interval), `{"sobol": [slots, …]}` (every run of the base samples, `(j·rows + r)·units + u` with rows = d + 2, or D + 2 / 2D + 2 for D factors with groups / second order), `{"morris": [slots, …]}` (every point of the trajectories, `(t·(g+1) + m)·units + u` for g factors or groups) |
//!
//! A reader refuses another `schema`; a later version of the format gets a new number.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::scenario::Scenario;

use super::eval::Rule;
use super::hooks::Hooks;
use super::spec::SweepSpec;
use super::study::{Plan, SweepStudy, Work};
use super::SweepError;

/// The `schema` of a partial.
pub const PARTIAL_SCHEMA: &str = "quota.sweep-partial/1";

/// Most shards a sweep can be split into.
pub const MAX_SHARDS: u64 = 1_000_000;

/// Shard K of N (K counted from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Shard {
    /// K, from 1 to `count`.
    pub index: u64,
    /// N.
    pub count: u64,
}

impl Shard {
    /// The whole sweep as one shard (1/1).
    pub const WHOLE: Shard = Shard { index: 1, count: 1 };

    /// Shard `index` of `count`, checked.
    pub fn new(index: u64, count: u64) -> Result<Shard, String> {
        if count == 0 || count > MAX_SHARDS {
            return Err(format!("the number of shards must be from 1 to {MAX_SHARDS}, got {count}"));
        }
        if index == 0 || index > count {
            return Err(format!("shard {index}/{count}: K must be from 1 to {count} (shards count from 1)"));
        }
        Ok(Shard { index, count })
    }

    /// The items of `of` this shard evaluates: `⌊(K−1)·M/N⌋ .. ⌊K·M/N⌋`.
    pub fn range(&self, of: u64) -> Range<u64> {
        let at = |k: u64| (of as u128 * k as u128 / self.count as u128) as u64;
        at(self.index - 1)..at(self.index)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    /// Parses `K/N`.
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("'{s}' is not a shard; expected K/N with 1 ≤ K ≤ N, e.g. 3/8");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k: u64 = k.trim().parse().map_err(|_| bad())?;
        let n: u64 = n.trim().parse().map_err(|_| bad())?;
        Shard::new(k, n)
    }
}

/// The work items a partial holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Items {
    /// First item.
    pub from: u64,
    /// One past the last item.
    pub to: u64,
    /// Items of the whole sweep.
    pub of: u64,
}

/// One shard's result: the exact data of its work items (see the module docs for the format).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    /// [`PARTIAL_SCHEMA`].
    pub schema: String,
    /// The stamp line of the run's inputs; the library does not see the input files, so the
    /// caller that read them sets it.
    pub stamp: Option<String>,
    /// Scenario name.
    pub scenario: String,
    /// The sweep.
    pub spec: SweepSpec,
    /// Which shard.
    pub shard: Shard,
    /// Its work items.
    pub items: Items,
    /// What they gave.
    pub work: Work,
}

impl Partial {
    /// The partial as its file: one line of JSON and a newline.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        Ok(serde_json::to_string(self)? + "\n")
    }

    /// Reads a partial; `label` names it in errors (a file name).
    pub fn from_json(label: &str, text: &str) -> Result<Partial, MergeError> {
        #[derive(Deserialize)]
        struct Head {
            schema: Option<serde_json::Value>,
        }
        let not = |detail: String| MergeError::NotPartial { label: label.into(), detail };
        let head: Head = serde_json::from_str(text).map_err(|e| not(e.to_string()))?;
        match head.schema {
            Some(serde_json::Value::String(s)) if s == PARTIAL_SCHEMA => {}
            Some(serde_json::Value::String(s)) if s.starts_with("quota.sweep-partial/") => {
                return Err(MergeError::Version { label: label.into(), found: s })
            }
            Some(other) => return Err(not(format!("its schema is {other}, not \"{PARTIAL_SCHEMA}\""))),
            None => return Err(not(format!("it has no \"schema\" field (expected \"{PARTIAL_SCHEMA}\")"))),
        }
        serde_json::from_str(text)
            .map_err(|e| MergeError::Damaged { label: label.into(), detail: e.to_string() })
    }
}

/// Why a set of partials cannot be merged.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum MergeError {
    /// No partials.
    #[error("no partials to merge")]
    Empty,
    /// Not a partial at all.
    #[error("{label}: not a quota sweep partial: {detail}")]
    NotPartial { label: String, detail: String },
    /// Another version of the format.
    #[error("{label}: partial format {found}; this quota reads {PARTIAL_SCHEMA} (merge with the quota version that wrote it)")]
    Version { label: String, found: String },
    /// A partial whose content does not parse or does not fit.
    #[error("{label}: damaged partial: {detail}")]
    Damaged { label: String, detail: String },
    /// Partials of runs on different inputs.
    #[error(
        "{label}: made from other inputs than {first} (its {}; {first}'s {})",
        or_none(theirs),
        or_none(ours)
    )]
    Stamp { label: String, first: String, theirs: Option<String>, ours: Option<String> },
    /// The inputs given to the merge are not the partials' inputs.
    #[error("{label}: made from other inputs than the scenario given to merge (the partial's {}; the scenario's {ours}): give merge the scenario file and overrides the shards ran with", or_none(theirs))]
    Inputs { label: String, theirs: Option<String>, ours: String },
    /// Partials of different sweeps.
    #[error("{label}: a different sweep than {first}: {detail}")]
    Spec { label: String, first: String, detail: String },
    /// Partials of different splits.
    #[error(
        "{label} is shard {theirs} but {first} is shard {ours}: all shards must come from one split into N"
    )]
    Count { label: String, first: String, theirs: Shard, ours: Shard },
    /// The same shard twice.
    #[error("shard {shard} given twice: {a} and {b}")]
    Repeated { shard: Shard, a: String, b: String },
    /// Shards missing.
    #[error("{} of {count} shards missing: {} (have {})", missing.len(), list(missing, *count), list(have, *count))]
    Missing { count: u64, missing: Vec<u64>, have: Vec<u64> },
    /// The sweep itself failed (the scenario changed so that the design no longer fits, …).
    #[error(transparent)]
    Sweep(#[from] SweepError),
}

/// A stamp line, or "no stamp".
fn or_none(stamp: &Option<String>) -> &str {
    stamp.as_deref().unwrap_or("no stamp")
}

/// "1/4, 3/4", at most 20 listed.
fn list(ks: &[u64], count: u64) -> String {
    let mut s: Vec<String> = ks.iter().take(20).map(|k| format!("{k}/{count}")).collect();
    if ks.len() > 20 {
        s.push(format!("… {} more", ks.len() - 20));
    }
    s.join(", ")
}

/// Evaluates shard `shard` of `spec` on `scenario` (on the current rayon pool) and returns its
/// partial; the stamp is left for the caller ([`Partial::stamp`]). Long-CSV rows
/// (`hooks.rows`) are refused: a shard holds only part of the scenarios.
pub fn shard(
    scenario: &Scenario,
    spec: &SweepSpec,
    shard: Shard,
    mut hooks: Hooks<'_>,
) -> Result<Partial, SweepError> {
    if hooks.rows.is_some() {
        return Err(SweepError::RowsWithShard);
    }
    let rule = Rule::of(scenario);
    let plan = Plan::new(scenario, spec, &rule)?;
    let of = plan.items();
    let range = shard.range(of);
    let items = Items { from: range.start, to: range.end, of };
    let work = plan.work(range, &mut hooks)?;
    Ok(Partial {
        schema: PARTIAL_SCHEMA.into(),
        stamp: None,
        scenario: scenario.name().to_string(),
        spec: spec.clone(),
        shard,
        items,
        work,
    })
}

/// Merges the partials `(label, partial)` of one sweep of `scenario` into its study — what
/// [`study`](super::study) returns for the same sweep. Refused unless they share their stamp
/// (and equal `stamp`, when given: the stamp of the scenario as the caller loaded it), their
/// sweep and their N, and hold every shard exactly once.
pub fn merge(
    scenario: &Scenario,
    partials: Vec<(String, Partial)>,
    stamp: Option<&str>,
) -> Result<SweepStudy, MergeError> {
    let (first_label, first) = partials.first().ok_or(MergeError::Empty)?;
    let mut seen: BTreeMap<u64, &str> = BTreeMap::new();
    for (label, p) in &partials {
        let damaged = |detail: String| MergeError::Damaged { label: label.clone(), detail };
        if p.stamp != first.stamp {
            return Err(MergeError::Stamp {
                label: label.clone(),
                first: first_label.clone(),
                theirs: p.stamp.clone(),
                ours: first.stamp.clone(),
            });
        }
        if let Some(s) = stamp {
            if p.stamp.as_deref() != Some(s) {
                return Err(MergeError::Inputs {
                    label: label.clone(),
                    theirs: p.stamp.clone(),
                    ours: s.into(),
                });
            }
        }
        if p.spec != first.spec {
            let detail = if p.spec.name() != first.spec.name() {
                format!("design {} vs {}", p.spec.name(), first.spec.name())
            } else {
                format!(
                    "the {} parameters differ ({} vs {})",
                    p.spec.name(),
                    serde_json::to_string(&p.spec).unwrap_or_default(),
                    serde_json::to_string(&first.spec).unwrap_or_default()
                )
            };
            return Err(MergeError::Spec { label: label.clone(), first: first_label.clone(), detail });
        }
        if p.shard.count != first.shard.count {
            return Err(MergeError::Count {
                label: label.clone(),
                first: first_label.clone(),
                theirs: p.shard,
                ours: first.shard,
            });
        }
        Shard::new(p.shard.index, p.shard.count).map_err(damaged)?;
        if p.items.of != first.items.of || p.shard.range(p.items.of) != (p.items.from..p.items.to) {
            return Err(damaged(format!(
                "items {}..{} of {} are not shard {}'s",
                p.items.from, p.items.to, p.items.of, p.shard
            )));
        }
        if let Some(a) = seen.insert(p.shard.index, label) {
            return Err(MergeError::Repeated { shard: p.shard, a: a.into(), b: label.clone() });
        }
    }
    let count = first.shard.count;
    if seen.len() as u64 != count {
        let missing: Vec<u64> = (1..=count).filter(|k| !seen.contains_key(k)).collect();
        return Err(MergeError::Missing { count, missing, have: seen.keys().copied().collect() });
    }
    let rule = Rule::of(scenario);
    let spec = first.spec.clone();
    let of = first.items.of;
    let plan = Plan::new(scenario, &spec, &rule)?;
    if plan.items() != of {
        return Err(MergeError::Damaged {
            label: first_label.clone(),
            detail: format!(
                "its sweep has {of} work items, but {} on this scenario (merge with the scenario the shards ran on)",
                plan.items()
            ),
        });
    }
    let mut partials = partials;
    partials.sort_by_key(|(_, p)| p.shard.index);
    let labels: Vec<String> = partials.iter().map(|(l, _)| l.clone()).collect();
    let works: Vec<Work> = partials.into_iter().map(|(_, p)| p.work).collect();
    plan.finish(works, &mut Hooks::default()).map_err(|e| match e {
        SweepError::BadPartial { part, reason } => {
            MergeError::Damaged { label: labels.get(part).cloned().unwrap_or_default(), detail: reason }
        }
        e => MergeError::Sweep(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_the_items_once_in_order() {
        for (of, n) in [(0, 3), (1, 3), (10, 3), (10, 10), (7, 1), (u64::MAX, 7)] {
            let mut next = 0;
            for k in 1..=n {
                let r = Shard::new(k, n).unwrap().range(of);
                assert_eq!(r.start, next, "{of} {k}/{n}");
                next = r.end;
            }
            assert_eq!(next, of);
        }
    }

    #[test]
    fn shards_parse_from_k_over_n() {
        assert_eq!("3/8".parse::<Shard>(), Ok(Shard { index: 3, count: 8 }));
        assert_eq!(
            "0/8".parse::<Shard>().unwrap_err(),
            "shard 0/8: K must be from 1 to 8 (shards count from 1)"
        );
        assert!("9/8".parse::<Shard>().is_err());
        assert!("3".parse::<Shard>().unwrap_err().contains("expected K/N"));
        assert!("1/0".parse::<Shard>().is_err());
    }
}
