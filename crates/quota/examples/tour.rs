//! A tour of the library in code (run by the tests: `tests/example_tour.rs`):
//! `cargo run -p quota --example tour`.
use quota::allocate::allocate;
use quota::compare::diff;
use quota::explain::{explain, ExplainOptions, UnitRef};
use quota::optimize::GroupSpec;
use quota::scenario::Scenario;
use quota::sweep::{study, Hooks, MonteCarloSpec, SweepSpec, WeightDraw};
use quota::units::Region;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

pub fn main() -> Result<()> {
    // The bundled 2024 first batch, with the 2025 total and more weight on 小巨人 counts.
    let base = Scenario::bundled();
    let scenario = base.with_total(1241)?.with_weight("xiaojuren", 0.5)?;
    let a = allocate(&scenario)?;
    let gansu = a.units.iter().find(|u| u.code == "62").ok_or("no unit 62")?;
    println!("{}: {} slots of {}, {} 万元", gansu.name, gansu.slots, a.total, gansu.funding.total_wan);

    // Why 甘肃 gets its number: the derivation of its quota.
    let why = explain(
        &scenario,
        &ExplainOptions { unit: Some(UnitRef::Key("甘肃".into())), ..Default::default() },
    )?;
    let d = why.derivation.ok_or("no derivation")?;
    println!("{} ({}) explained: ideal quota derived for unit {}", d.name, d.name_en, d.code);

    // Two weighting schemes compared: equal weights against the scenario's own.
    let equal = allocate(&scenario.with_weights(&[1.0, 1.0, 1.0])?)?;
    let change = diff(&a, &equal);
    let moved: u64 = change.units.iter().map(|u| u.delta_slots().unsigned_abs()).sum::<u64>() / 2;
    println!("equal weights move {moved} slots");

    // A small Monte Carlo sweep: Dirichlet weights around the scenario's, 2,000 draws.
    let spec =
        MonteCarloSpec { scenarios: 2_000, weights: WeightDraw::Dirichlet(50.0), ..Default::default() };
    let sweep = study(&scenario, &SweepSpec::MonteCarlo(spec), Hooks::default())?;
    let g = sweep.units.iter().find(|u| u.code == "62").ok_or("no unit 62 in the sweep")?;
    println!("甘肃 over {} scenarios: {}..{} (median {})", sweep.scenarios, g.min, g.max, g.median);

    // A regional guarantee, solved by the optimisation model: 西部 gets at least 27%.
    let guarantee = GroupSpec { region: Some("西部".into()), min_share: Some(0.27), ..Default::default() };
    let solved = allocate(&scenario.with_group(&guarantee)?)?;
    let west: u64 = solved.units.iter().filter(|u| u.region == Region::West).map(|u| u.slots).sum();
    println!("西部 with the guarantee: {west} of {} slots", solved.total);
    Ok(())
}
