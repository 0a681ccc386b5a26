//! Money that follows the slots, in 万元 (10,000 yuan) as integers: no float ever touches money.
//!
//! Rules of 财建〔2024〕148号:
//! - 四（一）: 600万元 per supported firm in total, over three years ([`FundingRules::per_firm_wan`]);
//! - 四（二）: each batch's money in two parts — 50% at the start of implementation, the rest
//!   after the performance evaluation ([`FundingRules::first_tranche_percent`]);
//! - 四（三）: at least 95% straight to the firms (直接拨付), at most 5% for cultivation services
//!   (培育赋能) ([`FundingRules::services_bp`], in basis points, at most 500).

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Most of a unit's money that may go to cultivation services: 5% = 500 basis points (148号 四（三）).
pub const MAX_SERVICES_BP: u64 = 500;

/// The funding parameters of a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundingRules {
    /// 万元 per supported firm over the three years (148号: 600).
    #[serde(default = "default_per_firm")]
    pub per_firm_wan: u64,
    /// Share paid at the start of implementation, in percent (148号: 50).
    #[serde(default = "default_first_tranche")]
    pub first_tranche_percent: u64,
    /// Share for cultivation services, in basis points (at most 500 = 5%).
    #[serde(default = "default_services")]
    pub services_bp: u64,
}

fn default_per_firm() -> u64 {
    600
}
fn default_first_tranche() -> u64 {
    50
}
fn default_services() -> u64 {
    MAX_SERVICES_BP
}

impl Default for FundingRules {
    fn default() -> Self {
        FundingRules {
            per_firm_wan: default_per_firm(),
            first_tranche_percent: default_first_tranche(),
            services_bp: default_services(),
        }
    }
}

/// Funding parameters outside the notice's rules.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FundingError {
    /// Services share above 5%.
    #[error("services share {bp} basis points ({pct}%) is above the 5% (500 bp) that 148号 allows for cultivation services", pct = *bp as f64 / 100.0)]
    ServicesAboveCap { bp: u64 },
    /// A first tranche above 100%.
    #[error("first tranche {0}% is above 100%")]
    TrancheAbove100(u64),
    /// Money per firm of zero.
    #[error("money per firm must be positive")]
    ZeroPerFirm,
    /// Money per firm above [`crate::limits::MAX_PER_FIRM_WAN`].
    #[error("money per firm {0} 万元 is above the largest amount accepted, {max} 万元", max = crate::limits::MAX_PER_FIRM_WAN)]
    PerFirmTooLarge(u64),
    /// An amount that does not fit in 64 bits (only outside the validated domain).
    #[error("the money for {slots} slots at {per_firm} 万元 each does not fit in 64 bits")]
    Overflow { slots: u64, per_firm: u64 },
}

impl FundingRules {
    /// Checks the parameters against the notice.
    pub fn validate(&self) -> Result<(), FundingError> {
        if self.services_bp > MAX_SERVICES_BP {
            return Err(FundingError::ServicesAboveCap { bp: self.services_bp });
        }
        if self.first_tranche_percent > 100 {
            return Err(FundingError::TrancheAbove100(self.first_tranche_percent));
        }
        if self.per_firm_wan == 0 {
            return Err(FundingError::ZeroPerFirm);
        }
        if self.per_firm_wan > crate::limits::MAX_PER_FIRM_WAN {
            return Err(FundingError::PerFirmTooLarge(self.per_firm_wan));
        }
        Ok(())
    }

    /// The money for `slots` firms, every step checked: an error instead of a wrapped amount.
    /// Never fails for rules that pass [`FundingRules::validate`] and `slots` ≤
    /// [`crate::apportion::MAX_SEATS`] (then every amount is at most 10^12 万元 and every
    /// intermediate at most 10^16; see [`crate::limits`]).
    pub fn try_funding(&self, slots: u64) -> Result<Funding, FundingError> {
        let overflow = || FundingError::Overflow { slots, per_firm: self.per_firm_wan };
        let total = slots.checked_mul(self.per_firm_wan).ok_or_else(overflow)?;
        let first = total.checked_mul(self.first_tranche_percent).ok_or_else(overflow)? / 100;
        let services = total.checked_mul(self.services_bp).ok_or_else(overflow)? / 10_000;
        Ok(Funding {
            total_wan: total,
            first_tranche_wan: first,
            remainder_wan: total.checked_sub(first).ok_or_else(overflow)?,
            to_firms_wan: total.checked_sub(services).ok_or_else(overflow)?,
            services_wan: services,
        })
    }

    /// The money for `slots` firms.
    ///
    /// Rounding (only when the percentages do not divide evenly): the first tranche and the
    /// services share are rounded down, so the remainder and the firms' part absorb the odd
    /// 万元 — the firms never get less than 95%.
    ///
    /// Domain: rules that pass [`FundingRules::validate`] (every scenario's do) and at most
    /// [`crate::apportion::MAX_SEATS`] slots, where it cannot overflow; outside it, use
    /// [`FundingRules::try_funding`] (this function stops with a message rather than return a
    /// wrapped amount).
    pub fn funding(&self, slots: u64) -> Funding {
        match self.try_funding(slots) {
            Ok(f) => f,
            Err(e) => panic!("funding outside the validated domain: {e}"),
        }
    }
}

/// Money for one unit (or a total), in 万元.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Funding {
    /// slots × per-firm amount.
    pub total_wan: u64,
    /// Paid at the start of implementation.
    pub first_tranche_wan: u64,
    /// Paid after the evaluation.
    pub remainder_wan: u64,
    /// Straight to the firms (≥ 95%).
    pub to_firms_wan: u64,
    /// Cultivation services (≤ 5%).
    pub services_wan: u64,
}

impl Funding {
    /// The sum of two amounts, or None if one would not fit in 64 bits.
    pub fn checked_add(self, o: Funding) -> Option<Funding> {
        Some(Funding {
            total_wan: self.total_wan.checked_add(o.total_wan)?,
            first_tranche_wan: self.first_tranche_wan.checked_add(o.first_tranche_wan)?,
            remainder_wan: self.remainder_wan.checked_add(o.remainder_wan)?,
            to_firms_wan: self.to_firms_wan.checked_add(o.to_firms_wan)?,
            services_wan: self.services_wan.checked_add(o.services_wan)?,
        })
    }
}

/// Checked: sums of validated amounts (each at most 10^12 万元) over the at most 10^4 units of
/// a table, or the batches of a programme file (at most 64 MiB), stay below 10^19 < 2^64; a
/// sum that would wrap stops with a message instead.
impl std::ops::Add for Funding {
    type Output = Funding;
    fn add(self, o: Funding) -> Funding {
        match self.checked_add(o) {
            Some(f) => f,
            None => panic!("a sum of money does not fit in 64 bits (outside the validated domain)"),
        }
    }
}

impl std::iter::Sum for Funding {
    fn sum<I: Iterator<Item = Funding>>(iter: I) -> Funding {
        iter.fold(Funding::default(), |a, b| a + b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_rules_follow_148() {
        let f = FundingRules::default().funding(27);
        assert_eq!(f.total_wan, 16_200);
        assert_eq!(f.first_tranche_wan, 8_100);
        assert_eq!(f.remainder_wan, 8_100);
        assert_eq!(f.services_wan, 810);
        assert_eq!(f.to_firms_wan, 15_390);
    }

    #[test]
    fn services_above_five_percent_is_refused() {
        let r = FundingRules { services_bp: 501, ..FundingRules::default() };
        assert!(r.validate().unwrap_err().to_string().contains("above the 5%"));
    }

    #[test]
    fn amounts_beyond_the_domain_are_refused_not_wrapped() {
        let r = FundingRules { per_firm_wan: 10_000_000_000_000_000, ..FundingRules::default() };
        assert_eq!(r.validate().unwrap_err(), FundingError::PerFirmTooLarge(10_000_000_000_000_000));
        assert_eq!(
            r.try_funding(33).unwrap_err(),
            FundingError::Overflow { slots: 33, per_firm: 10_000_000_000_000_000 }
        );
        let max = FundingRules { per_firm_wan: crate::limits::MAX_PER_FIRM_WAN, ..FundingRules::default() };
        assert!(max.validate().is_ok());
        let f = max.try_funding(crate::apportion::MAX_SEATS).unwrap();
        assert_eq!(f.total_wan, 1_000_000_000_000);
        assert_eq!(f.services_wan, 50_000_000_000);
    }

    #[test]
    fn odd_amounts_never_short_the_firms() {
        let r = FundingRules { per_firm_wan: 7, first_tranche_percent: 33, services_bp: 499 };
        for slots in 0..200 {
            let f = r.funding(slots);
            assert_eq!(f.first_tranche_wan + f.remainder_wan, f.total_wan);
            assert_eq!(f.to_firms_wan + f.services_wan, f.total_wan);
            assert!(f.to_firms_wan * 100 >= f.total_wan * 95);
        }
    }
}
