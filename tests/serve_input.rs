//! What planners upload and what goes wrong: files decoded as the command line decodes them,
//! uploaded data allocated as `quota allocate` allocates them, every bad input answered 400
//! with the command line's message and the field it belongs to, oversized bodies 413, and a
//! fuzz of the JSON routes that never gets a 500 or stops the server.

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

/// A deterministic generator (xorshift) for the fuzz below.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn fuzzed_bodies_never_get_a_server_error() {
    let mut s = Server::start(&[]);
    let valid = [
        (
            "/api/allocate",
            r#"{"settings": {"method": "webster", "total": 1000, "weights": {"cultivation": 0.4}}, "baseline": {"settings": {}}}"#,
        ),
        ("/api/explain", r#"{"unit": "44", "settings": {"development_weight": 0.2}}"#),
        ("/api/sensitivity", r#"{"factor": "西部", "settings": {"method": "adams"}}"#),
        ("/api/compare", r#"{"variants": [{"name": "a"}, {"name": "b", "settings": {"floor": 2}}]}"#),
        (
            "/api/export",
            r#"{"format": "md", "lang": "en", "settings": {"region_multipliers": {"东北": 1.3}}}"#,
        ),
        (
            "/api/scenario",
            r#"{"source": {"scenario_toml": "name = \"x\"\ntotal = 10\nmethod = \"hamilton\"\n[[indicator]]\ncolumn = \"xiaojuren\"\nweight = 1\n"}}"#,
        ),
    ];
    let noise: &[&str] = &[
        "",
        "{",
        "}",
        "[",
        "]",
        "\"",
        ":",
        ",",
        "null",
        "-1",
        "1e308",
        "NaN",
        "\\u0000",
        "true",
        "💥",
        "0.000001",
        "99999999999999999999",
    ];
    let mut rng = Rng(0x9e3779b97f4a7c15);
    let mut seen = [0usize; 3];
    let mut client = s.client();
    for k in 0..600 {
        let (route, body) = valid[k % valid.len()];
        let mut b: Vec<u8> = body.as_bytes().to_vec();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(b.len() + 1);
            match rng.below(3) {
                0 => drop(b.drain(at..(at + 1 + rng.below(8)).min(b.len()))),
                1 => b.splice(at..at, noise[rng.below(noise.len())].bytes()).for_each(drop),
                _ => b.truncate(at),
            }
        }
        let r = client.send("POST", route, &b);
        assert!(
            matches!(r.status, 200 | 400),
            "{route} {:?} → {}: {}",
            String::from_utf8_lossy(&b),
            r.status,
            r.text()
        );
        if r.status == 400 {
            assert!(r.json()["error"].as_str().is_some_and(|m| !m.is_empty()));
        }
        seen[usize::from(r.status == 400)] += 1;
        seen[2] += 1;
    }
    assert!(seen[1] > 300, "most mutations are bad requests: {seen:?}");
    assert!(s.alive(), "the server survives");
    assert_eq!(s.post("/api/allocate", "{}").status, 200);
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
    let bad = quota(&["serve", "data/scenarios/none.toml"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(common::stderr(&bad).contains("data/scenarios/none.toml"));
}
