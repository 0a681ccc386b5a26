//! A load test on loopback, bounded in count and time: 50 concurrent clients drag a weight
//! slider (each its own keep-alive connection, its own weights), for the bundled scenario
//! with Hamilton and with the optimiser under a regional guarantee. Every answer must be the
//! client's own (no shared state) and correct; the server's compute time per recompute
//! (`Server-Timing`) and the round trip are reported. The targets (p99 compute < 5 ms for
//! Hamilton, < 20 ms for the optimiser) are asserted unless the machine is overloaded (load
//! average above 1.5 per core), when they are only reported.

#[path = "common/server.rs"]
mod server;

use std::time::Instant;

use serde_json::json;
use server::Server;

const CLIENTS: usize = 50;

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((p / 100.0) * (v.len() - 1) as f64).round() as usize]
}

/// The 1-minute load average per core (None where /proc/loadavg is not available).
fn load_per_core() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let load: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(load / std::thread::available_parallelism().ok()?.get() as f64)
}

/// Runs the drag for every client; returns (compute ms, queue ms, round trip ms) per request.
fn drag(
    s: &Server,
    steps: usize,
    settings: impl Fn(usize, usize) -> serde_json::Value + Sync,
) -> Vec<(f64, f64, f64)> {
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let settings = &settings;
                scope.spawn(move || {
                    let mut client = s.client();
                    let mut out = Vec::new();
                    for k in 0..steps {
                        let body = json!({"settings": settings(c, k)}).to_string();
                        let t0 = Instant::now();
                        let r = client.send("POST", "/api/allocate", body.as_bytes());
                        let trip = t0.elapsed().as_secs_f64() * 1e3;
                        assert_eq!(r.status, 200, "client {c} step {k}: {}", r.text());
                        let doc = r.json();
                        let want = settings(c, k);
                        assert_eq!(doc["total"], want["total"], "client {c} got its own total");
                        let sum: u64 = doc["units"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|u| u["slots"].as_u64().unwrap())
                            .sum();
                        assert_eq!(sum, want["total"].as_u64().unwrap());
                        let w = doc["weights"]["cultivation"].as_f64().unwrap();
                        assert!(
                            (w - want["weights"]["cultivation"].as_f64().unwrap()).abs() < 1e-12,
                            "its own weights"
                        );
                        out.push((r.compute_ms().unwrap(), r.timing("queue").unwrap(), trip));
                    }
                    out
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("client")).collect()
    })
}

fn report(name: &str, mut samples: Vec<(f64, f64, f64)>, target_p99: f64) {
    let mut compute: Vec<f64> = samples.iter().map(|s| s.0).collect();
    let mut queue: Vec<f64> = samples.iter().map(|s| s.1).collect();
    let mut trip: Vec<f64> = samples.drain(..).map(|s| s.2).collect();
    let (c50, c99) = (percentile(&mut compute, 50.0), percentile(&mut compute, 99.0));
    let load = load_per_core();
    println!(
        "LOAD {name}: {} requests from {CLIENTS} clients; compute p50 {c50:.3} ms p99 {c99:.3} ms; queue p50 {:.3} ms p99 {:.3} ms; round trip p50 {:.3} ms p99 {:.3} ms; load average per core {}",
        compute.len(),
        percentile(&mut queue, 50.0),
        percentile(&mut queue, 99.0),
        percentile(&mut trip, 50.0),
        percentile(&mut trip, 99.0),
        load.map_or("unknown".into(), |l| format!("{l:.2}"))
    );
    if load.is_some_and(|l| l > 1.5) {
        println!("LOAD {name}: the machine is overloaded; the p99 < {target_p99} ms target is reported, not asserted");
    } else {
        assert!(c99 < target_p99, "{name}: compute p99 {c99:.3} ms ≥ {target_p99} ms");
    }
}

#[test]
fn fifty_clients_dragging_sliders() {
    let s = Server::start(&[]);
    // Warm up (first requests fill caches and start the blocking threads).
    for _ in 0..20 {
        assert_eq!(s.post("/api/allocate", "{}").status, 200);
    }
    let weights = |c: usize, k: usize| {
        let t = 0.1 + 0.5 * ((c * 7 + k) % 40) as f64 / 40.0;
        json!({"sme_above_scale": 0.35 / 0.75 * (1.0 - t), "xiaojuren": 0.40 / 0.75 * (1.0 - t), "cultivation": t})
    };
    let hamilton = drag(
        &s,
        40,
        |c, k| json!({"method": "hamilton", "total": 1000 + c as u64, "weights": weights(c, k)}),
    );
    report("hamilton", hamilton, 5.0);
    let optimise = drag(&s, 10, |c, k| {
        json!({"method": "optimize", "total": 1000 + c as u64, "weights": weights(c, k),
               "guarantees": [{"regions": ["西部"], "min_share": 0.3}]})
    });
    report("optimize", optimise, 20.0);
}
