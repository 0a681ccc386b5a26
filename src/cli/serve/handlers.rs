//! The computing routes: allocate (with Δ from a baseline), explain a unit, the
//! breakpoints of a factor, compare variants, export. Each parses its typed request, resolves
//! the variant(s) through the library and answers (see [`super::routes`] for the table).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use quota::explain::{self, ExplainOptions};
use serde::Deserialize;

use super::request::{Bad, Base, Settings, Upload, Variant};
use super::routes::{parse, run, Reply, MAX_VARIANTS};
use super::{answers, compare, export, sensitivity, why};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AllocateRequest {
    source: Option<Upload>,
    #[serde(default)]
    settings: Settings,
    baseline: Option<Variant>,
}

pub async fn allocate(State(base): State<Arc<Base>>, body: Body) -> Response {
    run(base, body, |base, bytes| {
        let req: AllocateRequest = parse("/api/allocate", &bytes)?;
        let r = Variant { source: req.source, settings: req.settings.clone() }.resolve(base)?;
        let a = answers::allocated(&r, &req.settings)?;
        let baseline = match &req.baseline {
            Some(b) => Some(
                answers::allocated(&b.resolve(base).map_err(baseline_field)?, &b.settings)
                    .map_err(baseline_field)?,
            ),
            None => None,
        };
        Ok(Reply::Json(answers::allocation(&r, &a, baseline.as_ref())?))
    })
    .await
}

fn baseline_field(b: Bad) -> Bad {
    Bad::new("baseline", format!("the pinned baseline: {}", b.message))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExplainRequest {
    source: Option<Upload>,
    #[serde(default)]
    settings: Settings,
    unit: String,
}

pub async fn explain(State(base): State<Arc<Base>>, body: Body) -> Response {
    run(base, body, |base, bytes| {
        let req: ExplainRequest = parse("/api/explain", &bytes)?;
        let r = Variant { source: req.source, settings: req.settings.clone() }.resolve(base)?;
        let s = &r.scenario;
        let u = explain::find_unit(s, &req.unit).map_err(|e| Bad::new("unit", e))?;
        let opts = ExplainOptions { unit: Some(explain::UnitRef::Index(u)), ..ExplainOptions::default() };
        let ex = explain::explain(s, &opts).map_err(|e| Bad::new("settings", e))?;
        let slots = ex.slots().get(u).copied().unwrap_or(0);
        let words = why::words(s, &ex, u, slots, s.funding().funding(slots).total_wan);
        let doc = serde_json::json!({ "unit": s.units().get(u).code, "slots": slots, "words": words, "explanation": ex });
        quota::render::json("explain", &doc).map(Reply::Json).map_err(|e| Bad::new("unit", e))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SensitivityRequest {
    source: Option<Upload>,
    #[serde(default)]
    settings: Settings,
    factor: String,
}

pub async fn sensitivity(State(base): State<Arc<Base>>, body: Body) -> Response {
    run(base, body, |base, bytes| {
        let req: SensitivityRequest = parse("/api/sensitivity", &bytes)?;
        let r = Variant { source: req.source, settings: req.settings }.resolve(base)?;
        base.sweeps.install(|| sensitivity::breakpoints(&r, &req.factor)).map(Reply::Json)
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Named {
    name: String,
    source: Option<Upload>,
    #[serde(default)]
    settings: Settings,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompareRequest {
    variants: Vec<Named>,
}

pub async fn compare(State(base): State<Arc<Base>>, body: Body) -> Response {
    run(base, body, |base, bytes| {
        let req: CompareRequest = parse("/api/compare", &bytes)?;
        if req.variants.is_empty() || req.variants.len() > MAX_VARIANTS {
            let n = req.variants.len();
            return Err(Bad::new("variants", format!("{n} variants given: compare 1 to {MAX_VARIANTS}")));
        }
        let mut runs = Vec::new();
        for v in &req.variants {
            let named = |b: Bad| Bad::new("variants", format!("{}: {}", v.name, b.message));
            let r = Variant { source: v.source.clone(), settings: v.settings.clone() }
                .resolve(base)
                .map_err(named)?;
            let a = answers::allocated(&r, &v.settings).map_err(named)?;
            runs.push((r, a));
        }
        let names: Vec<String> = req.variants.iter().map(|v| v.name.clone()).collect();
        compare::comparison(&names, &runs).map(Reply::Json)
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportRequest {
    source: Option<Upload>,
    #[serde(default)]
    settings: Settings,
    format: String,
    lang: Option<String>,
}

pub async fn export(State(base): State<Arc<Base>>, body: Body) -> Response {
    run(base, body, |base, bytes| {
        let req: ExportRequest = parse("/api/export", &bytes)?;
        let r = Variant { source: req.source, settings: req.settings.clone() }.resolve(base)?;
        let a = answers::allocated(&r, &req.settings)?;
        export::export(&r, &a, &req.format, req.lang.as_deref().unwrap_or("zh")).map(Reply::File)
    })
    .await
}
