//! The page: HTML, style and scripts embedded in the binary (no CDN, no build step; it works
//! on an offline PC). The scripts only lay out what the API answers.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// Name, content type and content of every asset under `/assets/`.
const ASSETS: &[(&str, &str, &str)] = &[
    ("style.css", "text/css; charset=utf-8", include_str!("web/style.css")),
    ("i18n.js", "text/javascript; charset=utf-8", include_str!("web/i18n.js")),
    ("api.js", "text/javascript; charset=utf-8", include_str!("web/api.js")),
    ("inputs.js", "text/javascript; charset=utf-8", include_str!("web/inputs.js")),
    ("table.js", "text/javascript; charset=utf-8", include_str!("web/table.js")),
    ("cartogram.js", "text/javascript; charset=utf-8", include_str!("web/cartogram.js")),
    ("why.js", "text/javascript; charset=utf-8", include_str!("web/why.js")),
    ("versions.js", "text/javascript; charset=utf-8", include_str!("web/versions.js")),
    ("main.js", "text/javascript; charset=utf-8", include_str!("web/main.js")),
];

const PAGE: &str = include_str!("web/index.html");

/// Everything the page loads comes from this server; nothing runs inline.
const POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

fn respond(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_SECURITY_POLICY, POLICY),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// `GET /`.
pub fn page() -> Response {
    respond("text/html; charset=utf-8", PAGE)
}

/// `GET /assets/{name}`.
pub fn asset(name: &str) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, content_type, body)) => respond(content_type, body),
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}
