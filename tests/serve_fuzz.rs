//! A fuzz of `quota serve`'s JSON routes: valid bodies mutated (bytes cut, noise inserted,
//! truncated), sent on one keep-alive connection. Every answer is 200 or a 400 with a message;
//! never a 500, and the server keeps running.

#[path = "common/server.rs"]
mod server;

use server::Server;

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
