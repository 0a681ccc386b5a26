//! The independent checker: re-verifies a result from the final integers, never trusting the
//! algorithm that produced it. Run by every test and by `--verify` on the command line.
//!
//! For every method: slots sum to the total; every unit within its floor and cap; a unit of
//! weight 0 at its floor. The reported quotas are verified against their definition (they sum
//! to the total; units strictly inside their bounds have quota proportional to weight; units
//! at a bound would have exceeded it). Hamilton and the quota method: each unit within quota
//! (`⌊q*⌋ ≤ x ≤ ⌈q*⌉`). Divisor methods: the defining condition — no unserved claim has a
//! higher priority than a served one.

use thiserror::Error;

use crate::apportion::{priority, Apportionment, Method, Problem, Ratio};

/// A violated invariant, naming the unit (by index) and the numbers.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CheckError {
    /// Wrong number of units in the result.
    #[error("result has {got} units, problem has {expected}")]
    Length { got: usize, expected: usize },
    /// Slots do not sum to the total.
    #[error("slots sum to {sum}, total is {total}")]
    Sum { sum: u64, total: u64 },
    /// A unit outside its floor or cap.
    #[error("unit #{unit}: {slots} slots outside [{floor}, {cap}]")]
    Bounds { unit: usize, slots: u64, floor: u64, cap: u64 },
    /// A zero-weight unit above its floor.
    #[error("unit #{unit} has weight 0 but {slots} slots above its floor {floor}")]
    ZeroWeight { unit: usize, slots: u64, floor: u64 },
    /// The reported quotas are not the clamped proportional shares.
    #[error("reported quotas are inconsistent: {0}")]
    Quotas(String),
    /// Hamilton or the quota method outside quota.
    #[error("unit #{unit}: {slots} slots outside quota {quota} (must be ⌊q⌋ or ⌈q⌉)")]
    QuotaRule { unit: usize, slots: u64, quota: String },
    /// A divisor method whose result violates the divisor condition.
    #[error("unit #{better} has an unserved claim {claim} above unit #{worse}'s served claim {served}")]
    Divisor { better: usize, claim: String, worse: usize, served: String },
}

/// Checks `a` against `p` (see the module documentation).
pub fn check_apportionment(p: &Problem, a: &Apportionment) -> Result<(), CheckError> {
    let n = p.len();
    if a.seats.len() != n || a.quotas.len() != n {
        return Err(CheckError::Length { got: a.seats.len(), expected: n });
    }
    check_sum_and_bounds(p, &a.seats)?;
    check_quotas(p, &a.quotas)?;
    match a.method {
        Method::Hamilton | Method::Quota => {
            for i in 0..n {
                let q = a.quotas[i];
                let fl = (q.num / q.den) as u64;
                let ce = fl + u64::from(!q.num.is_multiple_of(q.den));
                if a.seats[i] < fl || a.seats[i] > ce {
                    // The quota method may leave quota only where bounds forced it; Hamilton never.
                    if a.method == Method::Hamilton {
                        return Err(CheckError::QuotaRule {
                            unit: i,
                            slots: a.seats[i],
                            quota: q.to_string(),
                        });
                    }
                }
            }
        }
        m => {
            let served = (0..n)
                .filter(|&i| a.seats[i] > p.lower()[i])
                .min_by_key(|&i| priority(m, p.weights()[i], a.seats[i] - 1));
            let unserved = (0..n)
                .filter(|&i| a.seats[i] < effective_cap(p, i))
                .max_by_key(|&i| priority(m, p.weights()[i], a.seats[i]));
            if let (Some(s), Some(u)) = (served, unserved) {
                let ps = priority(m, p.weights()[s], a.seats[s] - 1);
                let pu = priority(m, p.weights()[u], a.seats[u]);
                if pu > ps {
                    return Err(CheckError::Divisor {
                        better: u,
                        claim: pu.to_string(),
                        worse: s,
                        served: ps.to_string(),
                    });
                }
            }
        }
    }
    Ok(())
}

fn effective_cap(p: &Problem, i: usize) -> u64 {
    if p.weights()[i] == 0 {
        p.lower()[i]
    } else {
        p.upper()[i]
    }
}

/// Sum and bounds only (used for results of any origin, e.g. the optimiser).
pub fn check_sum_and_bounds(p: &Problem, seats: &[u64]) -> Result<(), CheckError> {
    let sum: u64 = seats.iter().sum();
    if sum != p.total() {
        return Err(CheckError::Sum { sum, total: p.total() });
    }
    for (i, &x) in seats.iter().enumerate() {
        if x < p.lower()[i] || x > p.upper()[i] {
            return Err(CheckError::Bounds { unit: i, slots: x, floor: p.lower()[i], cap: p.upper()[i] });
        }
        if p.weights()[i] == 0 && x > p.lower()[i] {
            return Err(CheckError::ZeroWeight { unit: i, slots: x, floor: p.lower()[i] });
        }
    }
    Ok(())
}

/// Verifies that `quotas` are the clamped proportional shares of `p`. The quotas must share
/// one denominator (as [`bounded_quotas`](crate::apportion::bounded_quotas) returns them), so
/// every comparison below is a product of two numbers of at most ~10^18.
fn check_quotas(p: &Problem, quotas: &[Ratio]) -> Result<(), CheckError> {
    let den = quotas[0].den;
    if den == 0 || quotas.iter().any(|q| q.den != den) {
        return Err(CheckError::Quotas("they do not share one positive denominator".into()));
    }
    let sum: u128 = quotas.iter().map(|q| q.num).sum();
    if sum != p.total() as u128 * den {
        return Err(CheckError::Quotas(format!("they sum to {}, not {}", Ratio::new(sum, den), p.total())));
    }
    // Free units (strictly inside their bounds) share one ratio q_i / w_i; call it μ = q_f / w_f.
    let mut reference: Option<usize> = None;
    for i in 0..p.len() {
        let (q, w) = (quotas[i].num, p.weights()[i] as u128);
        let (lo, hi) = (p.lower()[i] as u128 * den, effective_cap(p, i) as u128 * den);
        if q < lo || q > hi {
            return Err(CheckError::Quotas(format!("unit #{i}: quota {} outside its bounds", quotas[i])));
        }
        if w > 0 && q > lo && q < hi {
            match reference {
                None => reference = Some(i),
                Some(f) if q * p.weights()[f] as u128 != quotas[f].num * w => {
                    return Err(CheckError::Quotas(format!(
                        "unit #{i}: quota {} not proportional to its weight",
                        quotas[i]
                    )));
                }
                _ => {}
            }
        }
    }
    if let Some(f) = reference {
        let (qf, wf) = (quotas[f].num, p.weights()[f] as u128);
        for i in 0..p.len() {
            let (q, w) = (quotas[i].num, p.weights()[i] as u128);
            let (lo, hi) = (p.lower()[i] as u128 * den, effective_cap(p, i) as u128 * den);
            // share_i = μ·w_i = qf·w_i / wf (over den); compare share_i·wf with q·wf.
            let share = qf * w;
            if w > 0 && q == hi && q != lo && share < q * wf {
                return Err(CheckError::Quotas(format!(
                    "unit #{i}: held at its cap but its share is below it"
                )));
            }
            if w > 0 && q == lo && q != hi && share > q * wf {
                return Err(CheckError::Quotas(format!(
                    "unit #{i}: held at its floor but its share is above it"
                )));
            }
        }
    }
    Ok(())
}
