//! The HTTP routes. Every API route takes a JSON body (typed: unknown fields are refused),
//! computes on a blocking thread, and answers JSON (or a file); bad input gets status 400 and
//! `{"error": message, "field": field}`, a body over the limit 413. A fault of the program (a
//! checker rejecting a result, a panic inside a computation: neither should ever happen) is
//! answered 500 with field `server`, and the server goes on.
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
use axum::extract::Path;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::de::DeserializeOwned;

use super::request::{Bad, Base};
use super::{assets, export, handlers, sources};

/// Largest request body, in bytes (two uploads at their limit, and the JSON around them).
pub const MAX_BODY: usize = 4 << 20;
/// Most variants compared side by side.
pub const MAX_VARIANTS: usize = 4;

/// The routes over the served scenario.
pub fn router(base: Arc<Base>) -> Router {
    Router::new()
        .route("/", get(|| async { assets::page() }))
        .route("/assets/{name}", get(|Path(name): Path<String>| async move { assets::asset(&name) }))
        .route("/api/scenario", get(sources::scenario_get).post(sources::scenario_post))
        .route("/api/decode", post(sources::decode))
        .route("/api/allocate", post(handlers::allocate))
        .route("/api/explain", post(handlers::explain))
        .route("/api/sensitivity", post(handlers::sensitivity))
        .route("/api/compare", post(handlers::compare))
        .route("/api/export", post(handlers::export))
        .fallback(|uri: Uri| async move {
            error(StatusCode::NOT_FOUND, Bad::new("route", format!("no such page: {uri}")))
        })
        .with_state(base)
}

/// An answer: JSON text, or a file to download.
pub(super) enum Reply {
    Json(String),
    File(export::Download),
}

pub(super) fn error(status: StatusCode, bad: Bad) -> Response {
    let body = serde_json::json!({ "error": bad.message, "field": bad.field }).to_string();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

pub(super) fn parse<T: DeserializeOwned>(route: &str, bytes: &[u8]) -> Result<T, Bad> {
    serde_json::from_slice(bytes)
        .map_err(|e| Bad::new("body", format!("the request to {route} is not valid: {e}")))
}

/// Reads the body (up to [`MAX_BODY`]), waits for a core, runs `f` on a blocking thread and
/// answers, with the wait and the computation's time in a `Server-Timing` header
/// (`queue;dur=MS, compute;dur=MS`).
pub(super) async fn run<F>(base: Arc<Base>, body: Body, f: F) -> Response
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
        Ok(Err(bad)) if bad.field == "server" => error(StatusCode::INTERNAL_SERVER_ERROR, bad),
        Ok(Err(bad)) => error(StatusCode::BAD_REQUEST, bad),
        Err(e) => {
            error(StatusCode::INTERNAL_SERVER_ERROR, Bad::new("server", format!("internal fault: {e}")))
        }
    }
}
