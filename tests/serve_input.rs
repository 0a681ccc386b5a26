//! What planners upload and what goes wrong: files decoded as the command line decodes them,
//! uploaded data allocated as `quota allocate` allocates them, every bad input answered 400
//! with the command line's message and the field it belongs to, oversized bodies 413, the
//! address the server binds (the fuzz of the JSON routes is in serve_fuzz.rs).

mod common;
#[path = "common/server.rs"]
mod server;

use common::{quota, stdout};
use serde_json::{json, Value};
use server::Server;

fn slots(doc: &Value) -> Vec<u64> {
    doc["units"].as_array().unwrap().iter().map(|u| u["slots"].as_u64().unwrap()).collect()
}

#[test]
fn uploaded_files_are_decoded_and_allocated_like_files_on_disk() {
    let s = Server::start(&[]);
    // Indicators saved by Excel on Chinese Windows (GB18030), one value changed.
    let csv = std::fs::read_to_string(common::data_dir().join("indicators.csv")).unwrap();
    let changed = csv.replace("62,甘肃省,29,", "62,甘肃省,58,");
    assert_ne!(csv, changed);
    let (gbk, _, _) = encoding_rs::GB18030.encode(&changed);
    let decoded = s.request("POST", "/api/decode?name=%E6%8C%87%E6%A0%87.csv", &gbk).json();
    assert_eq!(decoded["name"], "指标.csv");
    assert_eq!(decoded["text"].as_str().unwrap(), changed);
    let source = json!({"indicators_csv": changed, "indicators_name": "指标.csv"});
    let described = s.post("/api/scenario", &json!({ "source": source }).to_string()).json();
    assert_eq!(described["inputs"]["indicators"], "upload:指标.csv");
    let page = s
        .post("/api/allocate", &json!({"source": source, "settings": {"method": "webster"}}).to_string())
        .json();
    // The same file beside a scenario that names it.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ind.csv"), &gbk).unwrap();
    let toml = std::fs::read_to_string(common::data_dir().join("scenarios/2024-batch1.toml")).unwrap();
    let units = common::data_dir().join("units.csv");
    let toml = toml
        .replace("\"../indicators.csv\"", "\"ind.csv\"")
        .replace("\"../units.csv\"", &format!("{:?}", units));
    std::fs::write(dir.path().join("s.toml"), toml).unwrap();
    let cli: Value = serde_json::from_str(&stdout(&quota(&[
        "allocate",
        dir.path().join("s.toml").to_str().unwrap(),
        "-m",
        "webster",
        "-f",
        "json",
    ])))
    .unwrap();
    assert_eq!(slots(&page), slots(&cli));
    assert_ne!(
        slots(&page),
        slots(&s.post("/api/allocate", r#"{"settings": {"method": "webster"}}"#).json())
    );
    // An uploaded scenario (text) with the bundled data.
    let text = std::fs::read_to_string(common::data_dir().join("scenarios/2024-batch1.toml"))
        .unwrap()
        .replace("total = 1039", "total = 800");
    let up = s
        .post(
            "/api/allocate",
            &json!({"source": {"scenario_toml": text, "scenario_name": "mine.toml"}}).to_string(),
        )
        .json();
    assert_eq!(
        slots(&up),
        slots(&serde_json::from_str(&stdout(&quota(&["allocate", "-n", "800", "-f", "json"]))).unwrap())
    );
}

#[test]
fn bad_input_is_answered_with_the_command_lines_message_next_to_its_field() {
    let s = Server::start(&[]);
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "/api/allocate",
            r#"{"settings": {"total": "abc"}}"#,
            "total",
            "'abc' is not a whole number of slots",
        ),
        ("/api/allocate", r#"{"settings": {"total": 0}}"#, "total", "the total must be at least 1 slot"),
        ("/api/allocate", r#"{"settings": {"total": 2.5}}"#, "total", "'2.5' is not a whole number of slots"),
        ("/api/allocate", r#"{"settings": {"method": "websterr"}}"#, "method", "did you mean 'webster'?"),
        (
            "/api/allocate",
            r#"{"settings": {"weights": {"cultivation": -1}}}"#,
            "weights",
            "must be finite and non-negative",
        ),
        (
            "/api/allocate",
            r#"{"settings": {"weights": {"cultivaton": 1}}}"#,
            "weights",
            "is not an indicator of this scenario",
        ),
        (
            "/api/allocate",
            r#"{"settings": {"development_weight": 1.5}}"#,
            "development_weight",
            "development_weight",
        ),
        (
            "/api/allocate",
            r#"{"settings": {"region_multipliers": {"北部": 1}}}"#,
            "region_multipliers",
            "is not a region",
        ),
        ("/api/allocate", r#"{"settings": {"floor": 50}}"#, "bounds", "floors sum to 1402 > total 1039"),
        (
            "/api/allocate",
            r#"{"settings": {"guarantees": [{"regions": ["西部"], "min_share": 0.3}]}}"#,
            "guarantees",
            "choose method optimize",
        ),
        (
            "/api/allocate",
            r#"{"settings": {"method": "optimize", "guarantees": [{"regions": ["西部"], "min_share": 0.9}]}}"#,
            "guarantees",
            "infeasible",
        ),
        (
            "/api/allocate",
            r#"{"settings": {"method": "optimize", "guarantees": [{"regions": ["西部"], "min_share": 1.5}]}}"#,
            "guarantees",
            "min_share",
        ),
        ("/api/allocate", r#"{"baseline": {"settings": {"total": 0}}}"#, "baseline", "the pinned baseline"),
        (
            "/api/allocate",
            r#"{"source": {"scenario_toml": "name = 1"}}"#,
            "scenario_toml",
            "upload:scenario.toml, line 1",
        ),
        (
            "/api/allocate",
            "{\"source\": {\"indicators_csv\": \"code,name_zh,xiaojuren\\n11,北京市,abc\\n\"}}",
            "indicators_csv",
            "upload:indicators.csv",
        ),
        ("/api/allocate", r#"{"setings": {}}"#, "body", "unknown field `setings`"),
        ("/api/allocate", "{", "body", "EOF while parsing"),
        ("/api/explain", r#"{"unit": "Gansuu"}"#, "unit", "unknown unit 'Gansuu'"),
        ("/api/sensitivity", r#"{"factor": "cultivaton"}"#, "factor", "did you mean 'cultivation'?"),
        ("/api/export", r#"{"format": "pdf"}"#, "format", "unknown export format 'pdf'"),
        ("/api/export", r#"{"format": "csv", "lang": "fr"}"#, "lang", "unknown language"),
        ("/api/compare", r#"{"variants": []}"#, "variants", "0 variants given"),
        (
            "/api/compare",
            r#"{"variants": [{"name": "x", "settings": {"method": "no"}}]}"#,
            "variants",
            "x: unknown method 'no'",
        ),
    ];
    for (route, body, field, message) in cases {
        let r = s.post(route, body);
        assert_eq!(r.status, 400, "{route} {body}: {}", r.text());
        let e = r.json();
        assert_eq!(e["field"], *field, "{route} {body}: {e}");
        assert!(e["error"].as_str().unwrap().contains(message), "{route} {body}: {e}");
    }
    // The command line says the same.
    let cli = common::stderr(&quota(&["allocate", "--total", "abc"]));
    assert!(
        cli.contains("invalid value 'abc' for '--total <TOTAL>': 'abc' is not a whole number of slots"),
        "{cli}"
    );
    let five = json!({"variants": vec![json!({"name": "v"}); 5]});
    assert_eq!(s.post("/api/compare", &five.to_string()).json()["field"], "variants");
}

#[test]
fn oversized_bodies_and_uploads_are_refused() {
    let s = Server::start(&[]);
    let big = vec![b' '; 5 << 20];
    let r = s.request("POST", "/api/allocate", &big);
    assert_eq!(r.status, 413);
    assert!(r.json()["error"].as_str().unwrap().contains("larger than"));
    let upload = vec![b'a'; (1 << 20) + 1];
    let r = s.request("POST", "/api/decode?name=x.csv", &upload);
    assert_eq!(r.status, 400);
    assert!(r.json()["error"]
        .as_str()
        .unwrap()
        .contains("x.csv: 1048577 bytes is more than the 1048576 allowed"));
    let lines = "1\n".repeat(10_001);
    let r = s.post("/api/scenario", &json!({"source": {"indicators_csv": lines}}).to_string());
    assert!(
        r.json()["error"].as_str().unwrap().contains("10001 lines is more than the 10000 allowed"),
        "{}",
        r.text()
    );
}

#[test]
fn the_server_binds_loopback_unless_told_and_says_so() {
    let s = Server::start(&[]);
    assert!(s.addr.starts_with("127.0.0.1:"), "{}", s.addr);
    // The same port again: refused with a message naming the flags, exit 2.
    let port = s.addr.rsplit(':').next().unwrap();
    let out = quota(&["serve", "--port", port]);
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(
        err.contains(&format!("--host 127.0.0.1 --port {port}: cannot listen there"))
            && err.contains("--port 0"),
        "{err}"
    );
    assert!(!s.stop().contains("warning"), "no warning on loopback");
    // Any other address: a warning that other computers can use the page.
    let open = Server::start(&["--host", "0.0.0.0"]);
    assert_eq!(open.request("GET", "/api/scenario", b"").status, 200);
    let err = open.stop();
    assert!(err.contains("warning: listening on 0.0.0.0:") && err.contains("--host 127.0.0.1"), "{err}");
    let bad = quota(&["serve", "data/scenarios/none.toml"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(common::stderr(&bad).contains("data/scenarios/none.toml"));
}
