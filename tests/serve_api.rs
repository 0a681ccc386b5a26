//! `quota serve`'s JSON API against the command line: the same settings give the same
//! allocation as `quota allocate`, the exports are the bytes `quota allocate` / `quota table`
//! write, the exported scenario re-runs to the same stamp, Δ, explanations and breakpoints
//! agree with the library.

mod common;
#[path = "common/server.rs"]
mod server;

use serde_json::json;
use server::Server;

use common::{allocate_json, unit_slots};

#[test]
fn the_page_and_its_assets_are_served_with_a_strict_policy() {
    let s = Server::start(&[]);
    let page = s.request("GET", "/", b"");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("/assets/main.js") && page.text().contains("lang=\"zh-CN\""));
    assert!(page.header("content-security-policy").unwrap().contains("default-src 'self'"));
    for asset in [
        "style.css",
        "i18n.js",
        "api.js",
        "inputs.js",
        "table.js",
        "cartogram.js",
        "why.js",
        "versions.js",
        "main.js",
    ] {
        let r = s.request("GET", &format!("/assets/{asset}"), b"");
        assert_eq!(r.status, 200, "{asset}");
        assert!(
            !r.text().contains("http://") && !r.text().contains("https://"),
            "{asset} loads nothing from elsewhere"
        );
    }
    assert_eq!(s.request("GET", "/assets/nothing.js", b"").status, 404);
    let missing = s.request("GET", "/nowhere", b"");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["field"], "route");
}

#[test]
fn the_scenario_describes_the_inputs_of_the_page() {
    let s = Server::start(&[]);
    let d = s.request("GET", "/api/scenario", b"").json();
    assert_eq!(d["units"].as_array().unwrap().len(), 37);
    assert_eq!(d["methods"].as_array().unwrap().len(), 9);
    assert_eq!(d["total"], 1039);
    assert_eq!(d["indicators"][2]["column"], "cultivation");
    assert_eq!(d["disparity"]["region_multipliers"]["西部"], 1.1);
    let illustrative: Vec<&str> =
        d["provenance"]["illustrative"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(illustrative, ["sme_above_scale", "cultivation", "gdp_per_capita", "eligible_firms"]);
    // The banner is the scenario's provenance (the library's), with the notes the outputs carry.
    assert_eq!(d["provenance"]["official"], false);
    assert!(d["provenance"]["note_zh"].as_str().unwrap().starts_with("注：本结果为示意测算"));
    assert!(d["provenance"]["note_en"]
        .as_str()
        .unwrap()
        .contains("GDP per capita (illustrative for 26 of 37 units"));
}

#[test]
fn every_method_allocates_as_quota_allocate_does() {
    let s = Server::start(&[]);
    for method in [
        "hamilton",
        "jefferson",
        "webster",
        "huntington-hill",
        "adams",
        "dean",
        "modified-webster",
        "quota",
        "optimize",
    ] {
        let r = s.post("/api/allocate", &json!({"settings": {"method": method, "total": 1000}}).to_string());
        assert_eq!(r.status, 200, "{method}: {}", r.text());
        let doc = r.json();
        assert_eq!(doc["schema"], "quota.allocate/1");
        let cli = allocate_json(&["--method", method, "--total", "1000"]);
        assert_eq!(unit_slots(&doc), unit_slots(&cli), "{method}");
        assert_eq!(doc["stamp"], cli["stamp"], "{method}: the same stamp");
        assert!(r.compute_ms().is_some());
    }
}

#[test]
fn edited_weights_and_bounds_allocate_as_the_same_scenario_file_does() {
    let s = Server::start(&[]);
    let settings = json!({"method": "webster", "weights": {"sme_above_scale": 0.2, "xiaojuren": 0.3, "cultivation": 0.5},
        "development_weight": 0.2, "region_multipliers": {"西部": 1.25, "East": 0.95}, "floor": 2, "floors": {"54": 0}, "caps": {"11": 30}});
    let doc = s.post("/api/allocate", &json!({ "settings": settings }).to_string()).json();
    let toml = std::fs::read_to_string(common::data_dir().join("scenarios/2024-batch1.toml")).unwrap();
    let edited = toml
        .replace("method = \"hamilton\"", "method = \"webster\"")
        .replace("weight = 0.35", "weight = 0.2")
        .replace("weight = 0.40", "weight = 0.3")
        .replace("weight = 0.25", "weight = 0.5")
        .replace("development_weight = 0.10", "development_weight = 0.2")
        .replace("\"东部\" = 1.0,", "\"东部\" = 0.95,")
        .replace("\"西部\" = 1.10", "\"西部\" = 1.25")
        .replace("floor = 1", "floor = 2")
        .replace(
            "caps_column = \"eligible_firms\"",
            "caps_column = \"eligible_firms\"\nfloors = { \"54\" = 0 }\ncaps = { \"11\" = 30 }",
        );
    assert!(edited.contains("caps = { \"11\" = 30 }") && edited.contains("\"西部\" = 1.25"));
    let path = common::data_dir().join("scenarios").join(format!("serve-test-{}.toml", std::process::id()));
    std::fs::write(&path, &edited).unwrap();
    let cli = allocate_json(&[path.to_str().unwrap()]);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(unit_slots(&doc), unit_slots(&cli));
    assert_eq!(doc["weights"], json!({"sme_above_scale": 0.2, "xiaojuren": 0.3, "cultivation": 0.5}));
    assert_eq!(doc["units"][0]["cap"], 30);
}

#[test]
fn delta_is_the_change_from_the_pinned_baseline() {
    let s = Server::start(&[]);
    let body = json!({"settings": {"method": "jefferson"}, "baseline": {"settings": {"method": "adams"}}});
    let doc = s.post("/api/allocate", &body.to_string()).json();
    let base = unit_slots(&allocate_json(&["--method", "adams"]));
    let now = unit_slots(&doc);
    let delta = doc["delta"].as_array().unwrap();
    let mut abs = 0;
    for ((code, x), (d, (_, b))) in now.iter().zip(delta.iter().zip(&base)) {
        assert_eq!(d["code"].as_str().unwrap(), code);
        assert_eq!(d["slots"].as_i64().unwrap(), *x as i64 - *b as i64, "{code}");
        assert_eq!(d["baseline_slots"].as_u64().unwrap(), *b);
        abs += (*x as i64 - *b as i64).unsigned_abs();
    }
    assert!(abs > 0, "Jefferson and Adams differ on this scenario");
    assert_eq!(doc["delta_summary"]["total_abs_change"].as_u64().unwrap(), abs);
    let none = s.post("/api/allocate", "{}").json();
    assert!(none["delta"].is_null());
}

#[test]
fn a_unit_is_explained_in_plain_words_in_both_languages() {
    let s = Server::start(&[]);
    let doc = s.post("/api/explain", r#"{"unit": "62"}"#).json();
    assert_eq!(doc["schema"], "quota.explain/1");
    let zh: Vec<&str> = doc["words"]["zh"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let en: Vec<&str> = doc["words"]["en"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(zh.len(), en.len());
    assert_eq!(zh[0], "甘肃省（西部）获得 23 个名额，奖补资金 13800 万元。");
    assert!(en[0].starts_with("Gansu (West) gets 23 slots"));
    assert!(
        zh.iter().any(|p| p.contains("专精特新中小企业培育绩效 的权重保持在 0.2486 与 0.2905 之间")),
        "{zh:?}"
    );
    assert!(
        en.iter().any(|p| p.contains("Largest remainders (Hamilton)") && p.contains("ranks 15")),
        "{en:?}"
    );
    assert!(doc["explanation"]["trail"].is_object());
    let by_name = s.post("/api/explain", r#"{"unit": "Gansu", "settings": {"method": "webster"}}"#).json();
    assert!(by_name["words"]["en"][5].as_str().unwrap().contains("Divisor method (webster"), "{by_name}");
}

#[test]
fn breakpoints_are_where_slots_change() {
    let s = Server::start(&[]);
    let doc = s.post("/api/sensitivity", r#"{"factor": "cultivation"}"#).json();
    assert_eq!(doc["schema"], "quota.sensitivity/1");
    assert_eq!(
        (doc["lo"].as_f64(), doc["hi"].as_f64(), doc["proven"].as_bool()),
        (Some(0.0), Some(1.0), Some(true))
    );
    let points = doc["breakpoints"].as_array().unwrap();
    assert!(points.len() > 10);
    // Either side of a breakpoint, weights as the slider sets them (the others in proportion):
    // the listed units change as listed, and no other.
    let b = &points[points.len() / 2];
    let at = b["at"].as_f64().unwrap();
    let weights = |t: f64| json!({"sme_above_scale": 0.35 / 0.75 * (1.0 - t), "xiaojuren": 0.40 / 0.75 * (1.0 - t), "cultivation": t});
    let run = |t: f64| {
        unit_slots(&s.post("/api/allocate", &json!({"settings": {"weights": weights(t)}}).to_string()).json())
    };
    let (left, right) = (run(at - 1e-6), run(at + 1e-6));
    let changed: Vec<(String, u64, u64)> =
        left.iter().zip(&right).filter(|(l, r)| l.1 != r.1).map(|(l, r)| (l.0.clone(), l.1, r.1)).collect();
    let listed: Vec<(String, u64, u64)> = b["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["code"].as_str().unwrap().into(), c["from"].as_u64().unwrap(), c["to"].as_u64().unwrap()))
        .collect();
    assert_eq!(changed, listed, "at {at}");
}

#[test]
fn pinned_variants_are_compared_side_by_side() {
    let s = Server::start(&[]);
    let body = json!({"variants": [{"name": "A", "settings": {}}, {"name": "B", "settings": {"method": "webster", "merge_cities": true}}]});
    let doc = s.post("/api/compare", &body.to_string()).json();
    assert_eq!(doc["variants"][1]["method"], "webster");
    let units = doc["units"].as_array().unwrap();
    assert_eq!(units.len(), 37, "the merged cities are listed with B empty");
    let dalian = units.iter().find(|u| u["code"] == "2102").unwrap();
    assert_eq!(dalian["slots"], json!([17, null]));
    assert_eq!(dalian["delta"], json!([0, -17]));
}
