//! Any bytes as an AHP pairwise matrix, CSV or TOML (the first byte chooses): no panic, and the
//! weights of an accepted matrix are finite and non-negative.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quota::error::Location;
use quota::weighting::{ahp, parse_ahp_csv, parse_ahp_toml, AhpMethod};

fuzz_target!(|data: &[u8]| {
    let [kind, rest @ ..] = data else { return };
    let Ok((text, _)) = quota::input::decode_text(rest, &Location::file("a")) else { return };
    let parsed = if kind % 2 == 0 {
        parse_ahp_csv(&text, Location::file("a.csv"))
    } else {
        parse_ahp_toml(&text, Location::file("a.toml"))
    };
    let Ok(m) = parsed else { return };
    for method in [AhpMethod::Eigenvector, AhpMethod::GeometricMean] {
        if let Ok(w) = ahp(&m, method, true) {
            assert!(w.weights.iter().all(|x| x.is_finite() && *x >= 0.0));
        }
    }
});
