//! Pinned variants side by side (`POST /api/compare`): each unit's slots under every
//! variant and its change from the first, from the library's scenario diff.

use quota::allocate::Allocation;
use quota::compare::diff;
use serde_json::Value;

use super::answers::{stamp, weights};
use super::request::{Bad, Resolved};

/// `POST /api/compare`: pinned variants side by side, each unit's slots under every variant
/// and its change from the first.
pub fn comparison(names: &[String], runs: &[(Resolved, Allocation)]) -> Result<String, Bad> {
    let first = &runs[0].1;
    let mut rows: Vec<(String, String, String, Vec<Option<u64>>, Vec<Option<i64>>)> = Vec::new();
    for (k, (_, a)) in runs.iter().enumerate() {
        for u in diff(first, a).units {
            let at = match rows.iter().position(|r| r.0 == u.code) {
                Some(i) => i,
                None => {
                    rows.push((
                        u.code.clone(),
                        u.name.clone(),
                        u.name_en.clone(),
                        vec![None; runs.len()],
                        vec![None; runs.len()],
                    ));
                    rows.len() - 1
                }
            };
            rows[at].3[k] = u.b.map(|x| x.slots);
            rows[at].4[k] = Some(u.delta_slots());
        }
    }
    let mut variants = Vec::new();
    for (name, (r, a)) in names.iter().zip(runs) {
        variants.push(
            serde_json::json!({ "name": name, "scenario": a.scenario, "method": a.method, "total": a.total,
            "funding_wan": a.funding.total_wan, "stamp": stamp(r)?, "weights": weights(&r.scenario) }),
        );
    }
    let units: Vec<Value> = rows
        .into_iter()
        .map(|(code, name, name_en, slots, delta)| {
            serde_json::json!({ "code": code, "name": name, "name_en": name_en, "slots": slots, "delta": delta })
        })
        .collect();
    quota::render::json("compare", &serde_json::json!({ "variants": variants, "units": units }))
        .map_err(|e| Bad::new("variants", e))
}
