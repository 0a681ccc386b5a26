//! Any bytes as an apportion table (name,weight[,min,max]); the first byte picks the method,
//! the next two the seats: no panic, and every result passes the independent checker.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quota::apportion::{apportion, table::WeightTable, Method, Problem};
use quota::error::Location;

fuzz_target!(|data: &[u8]| {
    let [m, a, b, rest @ ..] = data else { return };
    let method = Method::ALL[*m as usize % Method::ALL.len()];
    let seats = u64::from(u16::from_le_bytes([*a, *b]));
    let Ok((text, _)) = quota::input::decode_text(rest, &Location::file("w.csv")) else { return };
    let Ok(t) = WeightTable::parse(&text, Location::file("w.csv")) else { return };
    let upper = t.upper.clone().unwrap_or_else(|| vec![seats; t.names.len()]);
    let Ok(p) = Problem::with_bounds(t.weights.clone(), t.lower.clone(), upper, seats, &|i| i.to_string()) else {
        return;
    };
    let r = apportion(&p, method);
    quota::check::check_apportionment(&p, &r).expect("the checker accepts every result");
});
