//! The HTTP routes. Every API route takes a JSON body (typed: unknown fields are refused),
//! computes on a blocking thread, and answers JSON (or a file); bad input gets status 400 and
//! `{"error": message, "field": field}`, a body over the limit 413. A fault inside a
//! computation (it should never happen) is caught and answered 500, and the server goes on.
//!
//! | route | body | answer |
//! |---|---|---|
//! | `GET /` | — | the page |
//! | `GET /assets/{name}` | — | the page's scripts and style |
//! | `GET /api/scenario` | — | the served scenario (inputs of the page) |
//! | `POST /api/scenario` | `{source}` | the uploaded scenario, validated |
//! | `POST /api/decode?name=F` | the file's bytes | `{"text"}`: UTF-8, BOM or GB18030 decoded |
//! | `POST /api/allocate` | `{source, settings, baseline}` | `quota.allocate/1` |
//! | `POST /api/explain` | `{source, settings, unit}` | `quota.explain/1`, with `words` |
//! | `POST /api/sensitivity` | `{source, settings, factor}` | `quota.sensitivity/1` |
//! | `POST /api/compare` | `{variants: [{name, source, settings}]}` (1–4) | `quota.compare/1` |
//! | `POST /api/export` | `{source, settings, format, lang}` | the file |

use std::sync::Arc;
use std::time::Instant;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use quota::explain::{self, ExplainOptions};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::request::{Bad, Base, Settings, Upload, Variant, MAX_UPLOAD_BYTES};
use super::{answers, assets, export, sensitivity, why};

/// Largest request body, in bytes (two uploads at their limit, and the JSON around them).
pub const MAX_BODY: usize = 4 << 20;
/// Most variants compared side by side.
pub const MAX_VARIANTS: usize = 4;

/// The routes over the served scenario.
pub fn router(base: Arc<Base>) -> Router {
    Router::new()
        .route("/", get(|| async { assets::page() }))
        .route("/assets/{name}", get(|Path(name): Path<String>| async move { assets::asset(&name) }))
        .route("/api/scenario", get(scenario_get).post(scenario_post))
        .route("/api/decode", post(decode))
        .route("/api/allocate", post(allocate))
        .route("/api/explain", post(explain))
        .route("/api/sensitivity", post(sensitivity))
        .route("/api/compare", post(compare))
        .route("/api/export", post(export))
        .fallback(|uri: Uri| async move {
            error(StatusCode::NOT_FOUND, Bad::new("route", format!("no such page: {uri}")))
        })
        .with_state(base)
}

/// An answer: JSON text, or a file to download.
enum Reply {
    Json(String),
    File(export::Download),
}

fn error(status: StatusCode, bad: Bad) -> Response {
    let body = serde_json::json!({ "error": bad.message, "field": bad.field }).to_string();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn parse<T: DeserializeOwned>(route: &str, bytes: &[u8]) -> Result<T, Bad> {
    serde_json::from_slice(bytes)
        .map_err(|e| Bad::new("body", format!("the request to {route} is not valid: {e}")))
}

/// Reads the body (up to [`MAX_BODY`]), waits for a core, runs `f` on a blocking thread and
/// answers, with the wait and the computation's time in a `Server-Timing` header
/// (`queue;dur=MS, compute;dur=MS`).
async fn run<F>(base: Arc<Base>, body: Body, f: F) -> Response
where
    F: FnOnce(&Base, Bytes) -> Result<Reply, Bad> + Send + 'static,
{
    let bytes = match to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            let bad = Bad::new("body", format!("the request is larger than {MAX_BODY} bytes"));
            return error(StatusCode::PAYLOAD_TOO_LARGE, bad);
        }
    };
    let arrived = Instant::now();
    let Ok(permit) = base.permits.acquire().await else {
        return error(StatusCode::SERVICE_UNAVAILABLE, Bad::new("server", "the server is shutting down"));
    };
    let waited = arrived.elapsed();
    let task = base.clone();
    let result = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let answer = f(&task, bytes);
        (answer, started.elapsed())
    })
    .await;
    drop(permit);
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    let (result, timing) = match result {
        Ok((answer, took)) => {
            (Ok(answer), format!("queue;dur={:.3}, compute;dur={:.3}", ms(waited), ms(took)))
        }
        Err(e) => (Err(e), String::new()),
    };
    match result {
        Ok(Ok(Reply::Json(text))) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::HeaderName::from_static("server-timing"), &timing),
            ],
            text,
        )
            .into_response(),
        Ok(Ok(Reply::File(d))) => {
            let disposition = format!("attachment; filename=\"{}\"", d.file_name);
            ([(header::CONTENT_TYPE, d.content_type), (header::CONTENT_DISPOSITION, &disposition)], d.bytes)
                .into_response()
        }
        Ok(Err(bad)) => error(StatusCode::BAD_REQUEST, bad),
        Err(e) => {
            error(StatusCode::INTERNAL_SERVER_ERROR, Bad::new("server", format!("internal fault: {e}")))
        }
    }
}

async fn scenario_get(State(base): State<Arc<Base>>) -> Response {
    run(base, Body::empty(), |base, _| {
        let r = Variant::default().resolve(base)?;
        Ok(Reply::Json(answers::describe(&r).to_string()))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceOnly {
    source: Option<Upload>,
}

async fn scenario_post(State(base): State<Arc<Base>>, body: Body) -> Response {
    run(base, body, |base, bytes| {
        let req: SourceOnly = parse("/api/scenario", &bytes)?;
        let r = Variant { source: req.source, settings: Settings::default() }.resolve(base)?;
        Ok(Reply::Json(answers::describe(&r).to_string()))
    })
    .await
}

/// The file name from `?name=…` (percent-encoded UTF-8), for messages.
fn query_name(uri: &Uri) -> String {
    let raw =
        uri.query().and_then(|q| q.split('&').find_map(|p| p.strip_prefix("name="))).unwrap_or("upload");
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).and_then(|&b| hex(b)), bytes.get(i + 2).and_then(|&b| hex(b))) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn decode(State(base): State<Arc<Base>>, uri: Uri, body: Body) -> Response {
    let name = query_name(&uri);
    run(base, body, move |_, bytes| {
        if bytes.len() > MAX_UPLOAD_BYTES {
            return Err(Bad::new(
                "body",
                format!("{name}: {} bytes is more than the {MAX_UPLOAD_BYTES} allowed", bytes.len()),
            ));
        }
        let at = quota::error::Location::file(format!("upload:{name}"));
        let (text, _) = quota::input::decode_text(&bytes, &at).map_err(|e| Bad::new("body", e))?;
        Ok(Reply::Json(serde_json::json!({ "name": name, "text": text }).to_string()))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AllocateRequest {
    source: Option<Upload>,
    #[serde(default)]
    settings: Settings,
    baseline: Option<Variant>,
}

async fn allocate(State(base): State<Arc<Base>>, body: Body) -> Response {
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

async fn explain(State(base): State<Arc<Base>>, body: Body) -> Response {
    run(base, body, |base, bytes| {
        let req: ExplainRequest = parse("/api/explain", &bytes)?;
        let r = Variant { source: req.source, settings: req.settings.clone() }.resolve(base)?;
        let s = &r.scenario;
        let u = explain::find_unit(s, &req.unit).map_err(|e| Bad::new("unit", e))?;
        let opts = ExplainOptions { unit: Some(u), next: 5, margins: true, paradoxes: false };
        let ex = explain::explain(s, &opts).map_err(|e| Bad::new("settings", e))?;
        let slots = ex.slots().get(u).copied().unwrap_or(0);
        let words = why::words(s, &ex, u, slots, s.funding.funding(slots).total_wan);
        let doc = serde_json::json!({ "unit": s.units.get(u).code, "slots": slots, "words": words, "explanation": ex });
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

async fn sensitivity(State(base): State<Arc<Base>>, body: Body) -> Response {
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

async fn compare(State(base): State<Arc<Base>>, body: Body) -> Response {
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
        answers::comparison(&names, &runs).map(Reply::Json)
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

async fn export(State(base): State<Arc<Base>>, body: Body) -> Response {
    run(base, body, |base, bytes| {
        let req: ExportRequest = parse("/api/export", &bytes)?;
        let r = Variant { source: req.source, settings: req.settings.clone() }.resolve(base)?;
        let a = answers::allocated(&r, &req.settings)?;
        export::export(&r, &a, &req.format, req.lang.as_deref().unwrap_or("zh")).map(Reply::File)
    })
    .await
}
