//! Money over the years, in 万元 as integers: for each batch and unit, the first tranche in the
//! batch year, and at the end of the three-year period the remainder for firms that pass the
//! evaluation, the remainder withheld for firms that do not, and the first tranche recovered
//! from firms whose investment stayed under 2000万元.
//!
//! Rules (财建〔2024〕148号, see `POLICY.md`):
//! - 四（二）: each batch's money reaches provinces in two parts — 50% at the start of the
//!   implementation period (paid in the batch year), the rest at its end according to the
//!   performance evaluation (绩效评价);
//! - a firm whose plan investment does not reach 2000万元: its money is recovered (收回资金) —
//!   modelled as its first tranche returned, and its remainder not paid;
//! - a firm that reaches it but misses its targets: the remaining money is not paid
//!   (不再安排剩余资金) — its remainder is withheld.
//!
//! Timing (interpretation): a batch of year Y runs Y, Y+1, Y+2; the evaluation of the period is
//! reported by 30 April of Y+3 (provinces report annually by 30 April), so the remainder is
//! paid, withheld or the first tranche recovered in Y+3 (`remainder_after_years`, default 3).
//!
//! Exactness: every amount is [`FundingRules::funding`] of a whole number of firms, so the
//! identities below hold exactly, per unit, per batch, per year and nationally:
//! `first tranche + remainder paid + withheld = allocated` and `net = paid − recovered`.

use serde::Serialize;

use crate::funding::FundingRules;

/// The money of one batch in one unit, as the evaluation left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct UnitOutcome {
    /// Supported firms (slots).
    pub slots: u64,
    /// Firms whose investment stayed under 2000万元: first tranche recovered, remainder not paid.
    pub recovered_firms: u64,
    /// Firms that missed their targets: remainder not paid.
    pub withheld_firms: u64,
}

/// One batch for the cash flow: its year and each unit's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchOutcome {
    /// The batch year (first tranche).
    pub year: u16,
    /// Per unit, in unit order.
    pub units: Vec<UnitOutcome>,
}

/// Money moving in one year (万元).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Flow {
    /// First tranches paid.
    pub first_tranche_paid: u64,
    /// Remainders paid after a passed evaluation.
    pub remainder_paid: u64,
    /// Remainders not paid (targets missed, or money recovered).
    pub withheld: u64,
    /// First tranches recovered (investment under 2000万元).
    pub recovered: u64,
}

impl Flow {
    /// Paid out this year.
    pub fn paid(&self) -> u64 {
        self.first_tranche_paid + self.remainder_paid
    }

    /// Paid minus recovered (negative when more comes back than goes out).
    pub fn net(&self) -> i64 {
        self.paid() as i64 - self.recovered as i64
    }
}

impl std::ops::AddAssign for Flow {
    fn add_assign(&mut self, o: Flow) {
        self.first_tranche_paid += o.first_tranche_paid;
        self.remainder_paid += o.remainder_paid;
        self.withheld += o.withheld;
        self.recovered += o.recovered;
    }
}

impl std::iter::Sum for Flow {
    fn sum<I: Iterator<Item = Flow>>(iter: I) -> Flow {
        iter.fold(Flow::default(), |mut a, b| {
            a += b;
            a
        })
    }
}

/// The programme's cash flow: one [`Flow`] per year, nationally and per unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CashFlow {
    /// The years, consecutive, from the first batch year to the last payment year.
    pub years: Vec<u16>,
    /// National flow per year.
    pub national: Vec<Flow>,
    /// `units[i][k]`: unit i in `years[k]`.
    pub units: Vec<Vec<Flow>>,
}

impl CashFlow {
    /// The whole programme's flow, all years, national.
    pub fn total(&self) -> Flow {
        self.national.iter().copied().sum()
    }

    /// Unit `i`'s flow over all years.
    pub fn unit_total(&self, i: usize) -> Flow {
        self.units[i].iter().copied().sum()
    }
}

/// The flows of one batch in one unit: (first-tranche year flow, evaluation year flow).
pub fn unit_flows(rules: &FundingRules, o: UnitOutcome) -> (Flow, Flow) {
    assert!(o.recovered_firms + o.withheld_firms <= o.slots, "outcomes within the slots");
    let all = rules.funding(o.slots);
    let passed = rules.funding(o.slots - o.recovered_firms - o.withheld_firms);
    let first = Flow { first_tranche_paid: all.first_tranche_wan, ..Flow::default() };
    let end = Flow {
        first_tranche_paid: 0,
        remainder_paid: passed.remainder_wan,
        withheld: all.remainder_wan - passed.remainder_wan,
        recovered: rules.funding(o.recovered_firms).first_tranche_wan,
    };
    (first, end)
}

/// The year-by-year cash flow of `batches` over `n_units` units; a batch of year Y pays its
/// remainder (or withholds it, or recovers) in `Y + remainder_after_years`.
pub fn cash_flow(
    rules: &FundingRules,
    remainder_after_years: u16,
    batches: &[BatchOutcome],
    n_units: usize,
) -> CashFlow {
    let Some(first) = batches.iter().map(|b| b.year).min() else {
        return CashFlow { years: vec![], national: vec![], units: vec![vec![]; n_units] };
    };
    let last = batches.iter().map(|b| b.year + remainder_after_years).max().expect("non-empty");
    let years: Vec<u16> = (first..=last).collect();
    let mut units = vec![vec![Flow::default(); years.len()]; n_units];
    for b in batches {
        assert_eq!(b.units.len(), n_units, "one outcome per unit");
        let k0 = (b.year - first) as usize;
        let k1 = k0 + remainder_after_years as usize;
        for (i, &o) in b.units.iter().enumerate() {
            let (f0, f1) = unit_flows(rules, o);
            units[i][k0] += f0;
            units[i][k1] += f1;
        }
    }
    let national = (0..years.len()).map(|k| units.iter().map(|u| u[k]).sum()).collect();
    CashFlow { years, national, units }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_of_ten_with_one_recovered_and_two_withheld() {
        let rules = FundingRules::default();
        let b = BatchOutcome {
            year: 2024,
            units: vec![UnitOutcome { slots: 10, recovered_firms: 1, withheld_firms: 2 }],
        };
        let cf = cash_flow(&rules, 3, &[b], 1);
        assert_eq!(cf.years, vec![2024, 2025, 2026, 2027]);
        assert_eq!(cf.national[0], Flow { first_tranche_paid: 3000, ..Flow::default() });
        assert_eq!(cf.national[1], Flow::default());
        // 7 firms pass: 7 × 300 paid; 3 remainders withheld; 1 first tranche back.
        assert_eq!(
            cf.national[3],
            Flow { first_tranche_paid: 0, remainder_paid: 2100, withheld: 900, recovered: 300 }
        );
        let t = cf.total();
        assert_eq!(t.paid() + t.withheld, 6000);
        assert_eq!(t.net(), 3000 + 2100 - 300);
    }
}
