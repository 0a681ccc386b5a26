//! Pinned variants side by side (`POST /api/compare`): each unit's slots under every
//! variant and its change from the first, from the library's scenario diff.

use quota::allocate::Allocation;
use quota::compare::diff;
use serde::Serialize;
use serde_json::Value;

use super::answers::{stamp, weights};
use super::request::{Bad, Resolved};

/// One unit's line: its slots under every variant and the change from the first.
#[derive(Serialize)]
struct Line {
    code: String,
    name: String,
    name_en: String,
    slots: Vec<Option<u64>>,
    delta: Vec<Option<i64>>,
}

/// `POST /api/compare`: pinned variants side by side, each unit's slots under every variant
/// and its change from the first.
pub fn comparison(names: &[String], runs: &[(Resolved, Allocation)]) -> Result<String, Bad> {
    let first = &runs[0].1;
    let mut units: Vec<Line> = Vec::new();
    for (k, (_, a)) in runs.iter().enumerate() {
        for u in diff(first, a).units {
            let at = match units.iter().position(|l| l.code == u.code) {
                Some(i) => i,
                None => {
                    units.push(Line {
                        code: u.code.clone(),
                        name: u.name.clone(),
                        name_en: u.name_en.clone(),
                        slots: vec![None; runs.len()],
                        delta: vec![None; runs.len()],
                    });
                    units.len() - 1
                }
            };
            units[at].slots[k] = u.b.map(|x| x.slots);
            units[at].delta[k] = Some(u.delta_slots());
        }
    }
    let mut variants: Vec<Value> = Vec::new();
    for (name, (r, a)) in names.iter().zip(runs) {
        variants.push(serde_json::json!({ "name": name, "scenario": a.scenario, "method": a.method,
            "total": a.total, "funding_wan": a.funding.total_wan, "stamp": stamp(r)?, "weights": weights(&r.scenario) }));
    }
    quota::render::json("compare", &serde_json::json!({ "variants": variants, "units": units }))
        .map_err(|e| Bad::new("variants", e))
}
