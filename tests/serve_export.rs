//! `quota serve`'s downloads: the announcement table and the allocation JSON are the bytes
//! `quota table` and `quota allocate` write for the same settings, and the exported scenario
//! TOML re-runs on the command line to the same allocation and stamp.

mod common;
#[path = "common/server.rs"]
mod server;

use common::quota;
use serde_json::{json, Value};
use server::Server;

use common::{allocate_json, unit_slots};

#[test]
fn exports_are_the_bytes_the_commands_write() {
    let s = Server::start(&[]);
    let export = |settings: Value, format: &str, lang: &str| {
        let r =
            s.post("/api/export", &json!({"settings": settings, "format": format, "lang": lang}).to_string());
        assert_eq!(r.status, 200, "{format}: {}", r.text());
        r
    };
    let json = export(json!({"method": "dean", "total": 1100}), "json", "zh");
    assert!(json.header("content-disposition").unwrap().contains("2024-batch1-dean.json"));
    assert_eq!(
        json.body,
        quota(&["allocate", "--method", "dean", "--total", "1100", "--format", "json"]).stdout
    );
    let csv = export(json!({"method": "adams"}), "csv", "zh");
    assert_eq!(csv.body, quota(&["table", "--method", "adams", "--format", "csv", "--bom"]).stdout);
    let md = export(json!({}), "md", "en");
    assert_eq!(md.body, quota(&["table", "--format", "md", "--lang", "en"]).stdout);
    let xlsx = export(json!({}), "xlsx", "zh");
    assert!(xlsx.body.starts_with(b"PK"), "an xlsx is a zip file");
    assert!(xlsx.header("content-type").unwrap().contains("spreadsheetml"));
}

#[test]
fn the_exported_scenario_reruns_to_the_same_allocation_and_stamp() {
    let s = Server::start(&[]);
    let settings = json!({"method": "optimize", "weights": {"cultivation": 0.5}, "development_weight": 0.05,
        "guarantees": [{"regions": ["西部", "东北"], "min_share": 0.36}]});
    let page = s.post("/api/allocate", &json!({ "settings": settings }).to_string()).json();
    let toml = s.post("/api/export", &json!({"settings": settings, "format": "toml"}).to_string()).text();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("exported.toml");
    std::fs::write(&path, &toml).unwrap();
    let cli = allocate_json(&[path.to_str().unwrap()]);
    assert_eq!(unit_slots(&page), unit_slots(&cli));
    assert_eq!(page["stamp"], cli["stamp"]);
    let line = format!("inputs sha256:{}", cli["stamp"]["inputs_sha256"].as_str().unwrap());
    assert!(
        toml.lines().next().unwrap().starts_with("# Scenario exported") && toml.contains(&line),
        "{toml}"
    );
    let group = &page["optimize"]["groups"][0];
    assert!(group["slots"].as_u64().unwrap() as f64 >= 0.36 * 1039.0, "{group}");
}
