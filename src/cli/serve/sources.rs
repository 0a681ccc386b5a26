//! The routes of the scenario's sources: the served scenario, an uploaded one, and the
//! decoding of an uploaded file's bytes (UTF-8, BOM or GB18030, as the command line reads files).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use serde::Deserialize;

use super::answers;
use super::request::{Bad, Base, Settings, Upload, Variant, MAX_UPLOAD_BYTES};
use super::routes::{parse, run, Reply};

pub async fn scenario_get(State(base): State<Arc<Base>>) -> Response {
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

pub async fn scenario_post(State(base): State<Arc<Base>>, body: Body) -> Response {
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

pub async fn decode(State(base): State<Arc<Base>>, uri: Uri, body: Body) -> Response {
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
