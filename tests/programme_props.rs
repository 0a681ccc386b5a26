//! Properties of the programme: money ties out exactly across units, tranches, years and the
//! national total; no firm is supported in two batches; an ineligible firm never counts toward
//! a cap. Eligibility is re-derived here from the raw generated fields (an independent oracle),
//! not with the library's screening.

use std::collections::HashSet;

use proptest::prelude::*;
use quota::eligibility::Registry;
use quota::error::Location;
use quota::funding::FundingRules;
use quota::indicators::IndicatorTable;
use quota::programme::{
    self, cash_flow, BatchOutcome, Pool, PoolError, Programme, ProgrammeError, UnitOutcome,
};
use quota::scenario::{Scenario, ScenarioFile};
use quota::units::parse_units;

// ---------------------------------------------------------------- cash flow, pure

fn rules() -> impl Strategy<Value = FundingRules> {
    (1u64..1000, 0u64..=100, 0u64..=500).prop_map(|(per_firm_wan, first_tranche_percent, services_bp)| {
        FundingRules { per_firm_wan, first_tranche_percent, services_bp }
    })
}

fn outcome() -> impl Strategy<Value = UnitOutcome> {
    (0u64..60).prop_flat_map(|slots| {
        (0..=slots).prop_flat_map(move |r| {
            (0..=slots - r).prop_map(move |w| UnitOutcome { slots, recovered_firms: r, withheld_firms: w })
        })
    })
}

fn batches(units: usize) -> impl Strategy<Value = Vec<BatchOutcome>> {
    prop::collection::vec((1u16..3, prop::collection::vec(outcome(), units)), 1..4).prop_map(|v| {
        let mut year = 2023;
        v.into_iter()
            .map(|(gap, units)| {
                year += gap;
                BatchOutcome { year, units }
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn money_ties_out_across_units_tranches_years_and_nation(
        rules in rules(),
        lag in 1u16..5,
        (n_units, batches) in (1usize..6).prop_flat_map(|n| (Just(n), batches(n))),
    ) {
        let cf = cash_flow(&rules, lag, &batches, n_units);
        // Years: consecutive, from the first batch to the last remainder.
        prop_assert_eq!(cf.years[0], batches[0].year);
        prop_assert_eq!(*cf.years.last().unwrap(), batches.last().unwrap().year + lag);
        // National = Σ units, field by field, every year.
        for k in 0..cf.years.len() {
            let mut sum = [0u64; 4];
            for u in &cf.units {
                let f = u[k];
                sum[0] += f.first_tranche_paid;
                sum[1] += f.remainder_paid;
                sum[2] += f.withheld;
                sum[3] += f.recovered;
            }
            let n = cf.national[k];
            prop_assert_eq!(sum, [n.first_tranche_paid, n.remainder_paid, n.withheld, n.recovered]);
        }
        // Over the years: paid + withheld = allocated, per unit and nationally; the national
        // total is Σ firms × per-firm money.
        let firms: u64 = batches.iter().flat_map(|b| b.units.iter().map(|u| u.slots)).sum();
        let t = cf.total();
        prop_assert_eq!(t.paid() + t.withheld, firms * rules.per_firm_wan);
        for i in 0..n_units {
            let ut = cf.unit_total(i);
            let allocated: u64 = batches.iter().map(|b| rules.funding(b.units[i].slots).total_wan).sum();
            prop_assert_eq!(ut.paid() + ut.withheld, allocated);
            prop_assert!(ut.recovered <= ut.first_tranche_paid);
            prop_assert_eq!(ut.net(), ut.paid() as i64 - ut.recovered as i64);
        }
        // Tranches: each batch's first tranche lands in its year, nothing else does.
        for b in &batches {
            let k = (b.year - cf.years[0]) as usize;
            let first: u64 = b.units.iter().map(|u| rules.funding(u.slots).first_tranche_wan).sum();
            prop_assert_eq!(cf.national[k].first_tranche_paid, first);
        }
    }

    /// With a whole first tranche per firm, every amount has a closed form: an independent answer.
    #[test]
    fn closed_form_when_tranches_divide_evenly(
        per_firm_half in 1u64..500,
        lag in 1u16..5,
        (n_units, batches) in (1usize..5).prop_flat_map(|n| (Just(n), batches(n))),
    ) {
        let p = 2 * per_firm_half;
        let rules = FundingRules { per_firm_wan: p, first_tranche_percent: 50, services_bp: 500 };
        let cf = cash_flow(&rules, lag, &batches, n_units);
        for b in &batches {
            let k1 = (b.year + lag - cf.years[0]) as usize;
            for (i, u) in b.units.iter().enumerate() {
                // Batch years differ, so year k1 holds only this batch's end-of-period flows.
                let passed = u.slots - u.recovered_firms - u.withheld_firms;
                let f = cf.units[i][k1];
                prop_assert_eq!(f.remainder_paid, passed * per_firm_half);
                prop_assert_eq!(f.withheld, (u.recovered_firms + u.withheld_firms) * per_firm_half);
                prop_assert_eq!(f.recovered, u.recovered_firms * per_firm_half);
            }
        }
    }
}

// ---------------------------------------------------------------- programme on a registry

const UNITS: &str = "code,name_zh,name_en,type,parent_code,region\n11,北京市,Beijing,municipality,,东部\n12,天津市,Tianjin,municipality,,东部\n13,河北省,Hebei,province,,东部\n";
const INDICATORS: &str = "code,x\n11,5\n12,3\n13,2\n";

/// Dates as yyyymmdd integers (the oracle compares integers, not the library's Date).
const DATES: [u32; 6] = [20230630, 20240630, 20240731, 20240901, 20250430, 20270630];
const LISTINGS: [&str; 5] = ["none", "SSE", "SZSE", "BSE", "overseas"];

#[derive(Debug, Clone)]
struct RawFirm {
    unit: usize,
    recognised: Option<u32>,
    valid_until: u32,
    listing: usize,
    y2021: bool,
    investment_wan: u64,
    areas: u8,
    key: bool,
}

fn raw_firm() -> impl Strategy<Value = RawFirm> {
    (
        0usize..3,
        prop::option::of(0usize..4),
        1usize..6,
        prop::sample::select(vec![0usize, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]),
        prop::bool::weighted(0.05),
        prop::sample::select(vec![1500u64, 2000, 2001, 3000, 9000, 12000]),
        prop::sample::select(vec![0u8, 1, 3, 8, 15, 6, 2]),
        prop::bool::weighted(0.95),
    )
        .prop_map(|(unit, rec, valid, listing, y2021, investment_wan, areas, key)| RawFirm {
            unit,
            recognised: rec.map(|k| DATES[k]),
            valid_until: DATES[valid].max(rec.map_or(0, |k| DATES[k])),
            listing,
            y2021,
            investment_wan,
            areas,
            key,
        })
}

fn date_text(d: u32) -> String {
    format!("{:04}-{:02}-{:02}", d / 10000, d / 100 % 100, d % 100)
}

fn oracle_eligible(f: &RawFirm, as_of: u32) -> bool {
    f.recognised.is_none_or(|r| r <= as_of)
        && as_of <= f.valid_until
        && f.listing == 0
        && !f.y2021
        && f.investment_wan > 2000
        && f.areas != 0
        && f.key
}

fn registry_text(firms: &[RawFirm]) -> String {
    const AREAS: [&str; 4] = ["新动能", "新技术", "新产品", "一强"];
    let mut s = String::from(
        "id,name,unit,recognised_on,valid_until,listing,supported_2021,investment_wan,plan_areas,key_field\n",
    );
    for (k, f) in firms.iter().enumerate() {
        let areas: Vec<&str> = (0..4).filter(|b| f.areas & (1 << b) != 0).map(|b| AREAS[b]).collect();
        s.push_str(&format!(
            "F{k},firm {k},{},{},{},{},{},{},{},{}\n",
            ["11", "12", "13"][f.unit],
            f.recognised.map_or(String::new(), date_text),
            date_text(f.valid_until),
            LISTINGS[f.listing],
            if f.y2021 { "yes" } else { "no" },
            f.investment_wan,
            areas.join(";"),
            if f.key { "yes" } else { "no" },
        ));
    }
    s
}

fn scenario(floor: u64) -> (Scenario, ScenarioFile) {
    let units = parse_units(UNITS, Location::file("u.csv")).unwrap();
    let ind = IndicatorTable::parse(INDICATORS, Location::file("i.csv"), &units).unwrap();
    let text = format!(
        "name = \"t\"\ntotal = 3\n[[indicator]]\ncolumn = \"x\"\nweight = 1.0\n[bounds]\nfloor = {floor}\n"
    );
    let file = ScenarioFile::parse(&text, Location::file("s.toml")).unwrap();
    let s = Scenario::build(&file, &units, &ind, Location::file("s.toml")).unwrap();
    (s, file)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn no_firm_twice_and_only_eligible_firms_fill_caps(
        firms in prop::collection::vec(raw_firm(), 1..60),
        totals in prop::collection::vec(1u64..9, 1..4),
        dates in prop::collection::vec(2usize..5, 3),
        floor in 0u64..2,
        r_bp in 0u64..3000,
        w_bp in 0u64..3000,
    ) {
        let (base, file) = scenario(floor);
        let units = base.units().clone();
        let registry = Registry::parse(&registry_text(&firms), Location::file("r.csv"), &units).unwrap();
        let mut as_of: Vec<u32> = dates.iter().map(|&k| DATES[k]).collect();
        as_of.sort();
        let mut toml = format!("name = \"p\"\n[evaluation]\nrecovered_bp = {r_bp}\nwithheld_bp = {w_bp}\n");
        for (b, t) in totals.iter().enumerate() {
            toml.push_str(&format!(
                "[[batch]]\nyear = {}\ntotal = {t}\nas_of = {}\n",
                2024 + b,
                date_text(as_of[b])
            ));
        }
        let mut prog = Programme::parse(&toml, Location::file("p.toml")).unwrap();
        let map: Vec<usize> = (0..3).collect();
        let pool = Pool::Registry { registry: &registry, merge_map: &map };
        let plan = match programme::run(&prog, &base, &file.bounds, pool) {
            Ok(plan) => plan,
            Err(ProgrammeError::Pool { batch, source: PoolError::TotalAbovePool { total, pool: left, .. } }) => {
                // The batch did not fit: the batches before it run, and the oracle's pool after
                // them is exactly the reported one, below the total.
                let b = prog.batches.iter().position(|x| x.label == batch).unwrap();
                prog.batches.truncate(b);
                let mut supported = vec![false; firms.len()];
                if b > 0 {
                    let before = programme::run(&prog, &base, &file.bounds, pool).unwrap();
                    for r in &before.batches {
                        for &k in &r.firms {
                            supported[k] = true;
                        }
                    }
                }
                let oracle = firms.iter().enumerate()
                    .filter(|(k, f)| !supported[*k] && oracle_eligible(f, as_of[b]))
                    .count() as u64;
                prop_assert_eq!(left, oracle);
                prop_assert!(oracle < total);
                return Ok(());
            }
            Err(ProgrammeError::Pool { source: PoolError::FloorsAboveTotal { floors, total, .. }, .. }) => {
                // Floors of 1 clipped to non-empty pools can outnumber a small total.
                prop_assert!(floor == 1 && floors > total);
                return Ok(());
            }
            Err(e) => return Err(TestCaseError::fail(format!("unexpected error: {e}"))),
        };
        // Replay with the oracle.
        let mut supported: Vec<Option<usize>> = vec![None; firms.len()];
        let mut seen = HashSet::new();
        for (b, batch) in plan.batches.iter().enumerate() {
            // The pool: firms eligible on this batch's date, not supported before — per unit.
            let mut pool = [0u64; 3];
            for (k, f) in firms.iter().enumerate() {
                if oracle_eligible(f, as_of[b]) && supported[k].is_none() {
                    pool[f.unit] += 1;
                }
            }
            prop_assert_eq!(&batch.pool[..], &pool[..]);
            prop_assert_eq!(batch.scenario.caps(), &pool[..]);
            let mut per_unit = [0u64; 3];
            for &k in &batch.firms {
                prop_assert!(seen.insert(k), "firm {} supported twice", k);
                prop_assert!(oracle_eligible(&firms[k], as_of[b]), "ineligible firm {} supported", k);
                prop_assert!(supported[k].is_none());
                supported[k] = Some(b);
                per_unit[firms[k].unit] += 1;
            }
            let slots: Vec<u64> = batch.allocation.units.iter().map(|u| u.slots).collect();
            prop_assert_eq!(&per_unit[..], &slots[..]);
            prop_assert_eq!(slots.iter().sum::<u64>(), batch.batch.total);
            for (i, o) in batch.outcomes.iter().enumerate() {
                prop_assert_eq!(o.slots, slots[i]);
                prop_assert!(o.recovered_firms + o.withheld_firms <= o.slots);
            }
        }
        let t = plan.cash_flow.total();
        prop_assert_eq!(t.paid() + t.withheld, totals.iter().sum::<u64>() * 600);
    }
}

/// When a batch does not fit, the pool really is smaller than its total (oracle count).
#[test]
fn pool_errors_only_when_the_pool_is_short() {
    let (base, file) = scenario(0);
    let firms: Vec<RawFirm> = (0..5)
        .map(|k| RawFirm {
            unit: k % 3,
            recognised: None,
            valid_until: 20270630,
            listing: 0,
            y2021: false,
            investment_wan: 3000,
            areas: 1,
            key: true,
        })
        .collect();
    let registry = Registry::parse(&registry_text(&firms), Location::file("r.csv"), base.units()).unwrap();
    let map: Vec<usize> = (0..3).collect();
    let prog = |t2: u64| {
        Programme::parse(
            &format!(
                "name = \"p\"\n[[batch]]\nyear = 2024\ntotal = 3\n[[batch]]\nyear = 2025\ntotal = {t2}\n"
            ),
            Location::file("p.toml"),
        )
        .unwrap()
    };
    let pool = Pool::Registry { registry: &registry, merge_map: &map };
    assert!(programme::run(&prog(2), &base, &file.bounds, pool).is_ok());
    let e = programme::run(&prog(3), &base, &file.bounds, pool).unwrap_err().to_string();
    assert!(e.contains("total 3 is larger than the remaining eligible pool of 2 firm(s), by 1"), "{e}");
}
