use quota::apportion::{apportion_seats, Method, Problem, Scratch};
use quota::error::Location;
use quota::indicators::IndicatorTable;
use quota::scenario::{Scenario, ScenarioFile};
use quota::scoring::integer_weights;
use quota::units::parse_units;
use std::collections::HashSet;

fn main() {
    let units = parse_units(include_str!("../../../data/units.csv"), Location::file("u")).unwrap();
    let ind =
        IndicatorTable::parse(include_str!("../../../data/indicators.csv"), Location::file("i"), &units)
            .unwrap();
    let file =
        ScenarioFile::parse(include_str!("../../../data/scenarios/2024-batch1.toml"), Location::file("s"))
            .unwrap();
    let s = Scenario::build(&file, &units, &ind, Location::file("s")).unwrap();
    let m: u32 = std::env::args().nth(1).map(|a| a.parse().unwrap()).unwrap_or(500);
    let method: Method = std::env::args().nth(2).unwrap_or("hamilton".into()).parse().unwrap();
    let mut all = HashSet::new();
    let mut tj = HashSet::new();
    let mut regimes = HashSet::new();
    let mut scores = vec![0.0; s.units.len()];
    let mut w = Vec::new();
    let mut out = Vec::new();
    let mut scratch = Scratch::default();
    let mut p =
        Problem::with_bounds(vec![1; 37], s.floors.clone(), s.caps.clone(), s.total, &|i| i.to_string())
            .unwrap();
    let (mut ntj, mut tot) = (0, 0);
    let mut tjrange = [(u64::MAX, 0u64); 37];
    let mut wr = [(1.0f64, 0.0f64); 3];
    for a in 0..=m {
        for b in 0..=(m - a) {
            let c = m - a - b;
            let v = [a as f64 / m as f64, b as f64 / m as f64, c as f64 / m as f64];
            s.model.scores_into(&v, s.development_weight(), &mut scores);
            integer_weights(&scores, &mut w).unwrap();
            if p.set_weights(&w).is_err() {
                continue;
            }
            apportion_seats(&p, method, &mut scratch, &mut out);
            tot += 1;
            let reg: Vec<bool> = (0..37).map(|i| out[i] == s.caps[i]).collect();
            regimes.insert(reg);
            if out[1] == 19 {
                ntj += 1;
                tj.insert(out.clone());
                for i in 0..37 {
                    tjrange[i].0 = tjrange[i].0.min(out[i]);
                    tjrange[i].1 = tjrange[i].1.max(out[i]);
                }
                for j in 0..3 {
                    wr[j].0 = wr[j].0.min(v[j]);
                    wr[j].1 = wr[j].1.max(v[j]);
                }
            }
            all.insert(out.clone());
        }
    }
    println!(
        "points {tot} distinct {} tj19 points {ntj} distinct {} at-cap patterns {}",
        all.len(),
        tj.len(),
        regimes.len()
    );
    println!("weight ranges {:?}", wr);
    println!("slot ranges {:?}", tjrange);
}
