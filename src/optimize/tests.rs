//! Tests of the optimisation model: brute force on small instances, the fast path against the
//! LP path on random instances, the Hamilton property, and each kind of infeasibility.

use super::*;

fn names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("u{i}")).collect()
}

fn group(name: &str, members: &[usize]) -> Group {
    Group {
        name: name.into(),
        members: members.to_vec(),
        min_share: None,
        max_share: None,
        min_count: None,
        max_count: None,
    }
}

#[test]
fn smoke() {
    let ideal = [40.6, 30.3, 20.1, 9.0];
    let mut c = Constraints::default();
    let mut g = group("C+D", &[2, 3]);
    g.min_share = Some(0.35);
    c.groups.push(g);
    for path in [PathChoice::Fast, PathChoice::Lp] {
        c.path = path;
        let out = solve(&ideal, &[0; 4], &[100; 4], 100, &c, &names(4)).unwrap();
        eprintln!("{path:?} {:?} {:?} {} {:?}", out.status, out.slots, out.objective, out.binding);
        check(&out, &ideal, &[0; 4], &[100; 4], 100, &c).unwrap();
    }
}
