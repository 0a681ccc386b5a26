//! Sensitivity at a glance: for the weight (or δ, or a region multiplier) being dragged, the
//! exact breakpoints where some unit's slots change, from the library's one-at-a-time sweep
//! ([`quota::sweep::oat`]); the page draws them under the slider.

use quota::sweep::eval::{Evaluator, Rule};
use quota::sweep::oat::oat;
use quota::sweep::{Factor, Space};
use serde::Serialize;

use super::request::{Bad, Resolved};

#[derive(Serialize)]
struct Change {
    code: String,
    from: Option<u64>,
    to: Option<u64>,
}

#[derive(Serialize)]
struct Breakpoint {
    at: f64,
    changes: Vec<Change>,
}

#[derive(Serialize)]
struct Sensitivity {
    factor: String,
    lo: f64,
    hi: f64,
    baseline: f64,
    proven: bool,
    evaluations: u64,
    breakpoints: Vec<Breakpoint>,
}

/// The range the page's slider covers for a factor (as `quota sweep --design oat`).
pub fn range(f: Factor) -> (f64, f64) {
    match f {
        Factor::Weight(_) => (0.0, 1.0),
        Factor::DevelopmentWeight => (0.0, 0.5),
        Factor::RegionMultiplier(_) => (0.5, 2.0),
    }
}

/// `POST /api/sensitivity`: the breakpoints of `factor` over its slider's range.
pub fn breakpoints(r: &Resolved, factor: &str) -> Result<String, Bad> {
    let s = &r.scenario;
    let space = Space::new(s);
    let f = space.resolve(factor).map_err(|e| Bad::new("factor", e))?;
    let rule = Rule::of(s);
    let ev = Evaluator::new(s, &rule, &space.base).map_err(|e| Bad::new("factor", e))?;
    let (lo, hi) = range(f);
    let result = oat(&ev, &space, f, lo, hi).map_err(|e| Bad::new("factor", e))?;
    let breakpoints = result
        .pieces
        .windows(2)
        .map(|p| {
            let changes = (0..s.units().len())
                .filter_map(|i| {
                    let (a, b) = (p[0].slots.as_ref().map(|x| x[i]), p[1].slots.as_ref().map(|x| x[i]));
                    (a != b).then(|| Change { code: s.units().get(i).code.clone(), from: a, to: b })
                })
                .collect();
            Breakpoint { at: p[0].to, changes }
        })
        .collect();
    let answer = Sensitivity {
        factor: result.factor.clone(),
        lo,
        hi,
        baseline: result.baseline,
        proven: result.proven,
        evaluations: result.evaluations,
        breakpoints,
    };
    quota::render::json("sensitivity", &answer).map_err(|e| Bad::new("factor", e))
}
