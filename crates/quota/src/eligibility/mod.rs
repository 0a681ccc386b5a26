//! Firm-level eligibility under 财建〔2024〕148号: which 小巨人 firms of a registry may be
//! supported as of a date, and, for every excluded firm, every rule it fails. The eligible
//! count per unit is what caps a unit's quota ("a province can never use more slots than it
//! has eligible firms").
//!
//! The notice's conditions (申请企业须…), one [`Reason`] each:
//! - a 小巨人 whose recognition is valid (有效期内) on the screening date
//!   ([`Reason::NotYetRecognised`], [`Reason::RecognitionExpired`]);
//! - not listed on the Shanghai, Shenzhen or Beijing exchanges nor abroad
//!   (未…公开发行股票; [`Reason::Listed`]);
//! - not supported in the previous round, 财建〔2021〕2号 (不再重复支持; [`Reason::Supported2021`]);
//! - a 三新/一强 plan whose total investment exceeds 2000万元 (投资总额需超过2000万元;
//!   [`Reason::InvestmentNotAbove2000`]) and covers at least one area ([`Reason::NoPlanArea`]);
//! - in a key field (重点领域; [`Reason::NotKeyField`]).
//!
//! Screening is a pure function of the registry and the date ([`screen`]).

pub mod date;
pub mod registry;
pub mod report;

use serde::Serialize;

pub use date::{Date, DateError};
pub use registry::{Firm, Listing, PlanArea, PlanAreas, Registry, RegistryError};
pub use report::{eligible_per_unit, ScreeningReport};

/// Plan investment must be strictly above this, in yuan: 2000万元 (148号: 投资总额需超过2000万元).
pub const MIN_INVESTMENT_YUAN_EXCLUSIVE: u64 = 20_000_000;

/// The default screening date: the 2024 first batch's plans were due 31 July 2024 (148号).
pub const FIRST_BATCH_APPLICATION_DATE: Date = match Date::new(2024, 7, 31) {
    Some(d) => d,
    None => panic!("a valid date"),
};

/// A rule of the notice that a firm fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Recognised as 小巨人 only after the screening date.
    NotYetRecognised,
    /// The 小巨人 recognition expired before the screening date (有效期内).
    RecognitionExpired,
    /// Shares publicly issued on SSE, SZSE, BSE or abroad.
    Listed,
    /// Supported under 财建〔2021〕2号 (不再重复支持).
    Supported2021,
    /// Plan investment not above 2000万元.
    InvestmentNotAbove2000,
    /// The plan covers none of 新动能, 新技术, 新产品, 一强.
    NoPlanArea,
    /// Not in a key field (重点领域).
    NotKeyField,
}

impl Reason {
    /// Every reason, in the order of the notice's conditions.
    pub const ALL: [Reason; 7] = [
        Reason::NotYetRecognised,
        Reason::RecognitionExpired,
        Reason::Listed,
        Reason::Supported2021,
        Reason::InvestmentNotAbove2000,
        Reason::NoPlanArea,
        Reason::NotKeyField,
    ];

    /// Stable machine-readable code (CSV/JSON).
    pub fn code(self) -> &'static str {
        match self {
            Reason::NotYetRecognised => "not_yet_recognised",
            Reason::RecognitionExpired => "recognition_expired",
            Reason::Listed => "listed",
            Reason::Supported2021 => "supported_2021",
            Reason::InvestmentNotAbove2000 => "investment_not_above_2000",
            Reason::NoPlanArea => "no_plan_area",
            Reason::NotKeyField => "not_key_field",
        }
    }

    /// The notice's wording of the condition failed.
    pub fn rule_zh(self) -> &'static str {
        match self {
            Reason::NotYetRecognised | Reason::RecognitionExpired => "“小巨人”企业须在有效期内",
            Reason::Listed => "未在上海、深圳、北京证券交易所及境外公开发行股票",
            Reason::Supported2021 => "财建〔2021〕2号已支持的企业不再重复支持",
            Reason::InvestmentNotAbove2000 => "投资总额需超过2000万元",
            Reason::NoPlanArea => "围绕“三新”“一强”至少一个方向制定实施方案",
            Reason::NotKeyField => "属于重点领域",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// Why `firm` fails this rule on `as_of`, in English with the firm's own figures.
    pub fn explain(self, firm: &Firm, as_of: Date) -> String {
        match self {
            Reason::NotYetRecognised => format!(
                "recognised as 小巨人 on {}, after {as_of}",
                firm.recognised_on.map_or_else(|| "?".into(), |d| d.to_string())
            ),
            Reason::RecognitionExpired => {
                format!("小巨人 recognition valid until {}, before {as_of}", firm.valid_until)
            }
            Reason::Listed => format!("listed ({} {})", firm.listing.name(), firm.listing.name_zh()),
            Reason::Supported2021 => "already supported under 财建〔2021〕2号".into(),
            Reason::InvestmentNotAbove2000 => {
                format!("plan investment {}万元 is not above 2000万元", firm.investment_wan_text())
            }
            Reason::NoPlanArea => "the plan covers none of 新动能/新技术/新产品/一强".into(),
            Reason::NotKeyField => "not in a key field (重点领域)".into(),
        }
    }
}

/// The set of rules a firm fails; empty means eligible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Reasons(u8);

impl Reasons {
    /// Whether no rule fails (the firm is eligible).
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether `r` is among them.
    pub fn contains(self, r: Reason) -> bool {
        self.0 & r.bit() != 0
    }

    /// Adds `r`.
    pub fn insert(&mut self, r: Reason) {
        self.0 |= r.bit();
    }

    /// The reasons in the notice's order.
    pub fn iter(self) -> impl Iterator<Item = Reason> {
        Reason::ALL.into_iter().filter(move |r| self.contains(*r))
    }

    /// Number of reasons.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }
}

impl Serialize for Reasons {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(Reason::code))
    }
}

/// Every rule `firm` fails on `as_of` (each checked independently, so all are reported).
pub fn reasons(firm: &Firm, as_of: Date) -> Reasons {
    let mut r = Reasons::default();
    if firm.recognised_on.is_some_and(|d| d > as_of) {
        r.insert(Reason::NotYetRecognised);
    }
    if firm.valid_until < as_of {
        r.insert(Reason::RecognitionExpired);
    }
    if firm.listing != Listing::None {
        r.insert(Reason::Listed);
    }
    if firm.supported_2021 {
        r.insert(Reason::Supported2021);
    }
    if firm.investment_yuan <= MIN_INVESTMENT_YUAN_EXCLUSIVE {
        r.insert(Reason::InvestmentNotAbove2000);
    }
    if firm.plan_areas.is_empty() {
        r.insert(Reason::NoPlanArea);
    }
    if !firm.key_field {
        r.insert(Reason::NotKeyField);
    }
    r
}

/// The result of screening a registry on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screening {
    /// The screening date.
    pub as_of: Date,
    /// The rules each firm fails, in registry order (empty: eligible).
    pub reasons: Vec<Reasons>,
    /// Firms per unit (in the registry's unit order).
    pub firms: Vec<u64>,
    /// Eligible firms per unit: the caps of an allocation.
    pub eligible: Vec<u64>,
    /// Per unit, how many firms fail each rule (indexed like [`Reason::ALL`]).
    pub failing: Vec<[u64; 7]>,
}

impl Screening {
    /// Whether firm `i` (registry order) is eligible.
    pub fn is_eligible(&self, i: usize) -> bool {
        self.reasons[i].is_empty()
    }

    /// Total eligible firms.
    pub fn eligible_total(&self) -> u64 {
        self.eligible.iter().sum()
    }
}

/// Screens every firm of `registry` on `as_of`.
pub fn screen(registry: &Registry, as_of: Date) -> Screening {
    let n = registry.units().len();
    let mut s = Screening {
        as_of,
        reasons: Vec::with_capacity(registry.len()),
        firms: vec![0; n],
        eligible: vec![0; n],
        failing: vec![[0; 7]; n],
    };
    for f in &registry.firms {
        let r = reasons(f, as_of);
        s.firms[f.unit] += 1;
        if r.is_empty() {
            s.eligible[f.unit] += 1;
        }
        for (k, reason) in Reason::ALL.into_iter().enumerate() {
            if r.contains(reason) {
                s.failing[f.unit][k] += 1;
            }
        }
        s.reasons.push(r);
    }
    s
}

/// Sums per-unit counts into merged units (`map[i]` = merged index of unit `i`, as from
/// [`crate::units::Units::merge_cities`]).
pub fn merge_counts(counts: &[u64], map: &[usize], merged_len: usize) -> Vec<u64> {
    let mut out = vec![0; merged_len];
    for (i, &c) in counts.iter().enumerate() {
        out[map[i]] += c;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Location;
    use crate::units::parse_units;

    fn registry(rows: &str) -> Registry {
        let units = parse_units(
            "code,name_zh,name_en,type,parent_code,region\n11,北京市,Beijing,municipality,,东部\n12,天津市,Tianjin,municipality,,东部\n",
            Location::file("u.csv"),
        )
        .unwrap();
        let text = format!(
            "id,name,unit,recognised_on,valid_until,listing,supported_2021,investment_wan,plan_areas,key_field\n{rows}"
        );
        Registry::parse(&text, Location::file("r.csv"), &units).unwrap()
    }

    #[test]
    fn each_rule_excludes_on_its_own_and_all_reasons_are_listed() {
        let r = registry(
            "ok,a,11,2021-07-01,2027-06-30,none,no,2000.0001,新技术,yes\n\
             late,b,11,2024-08-01,2027-06-30,none,no,3000,新技术,yes\n\
             old,c,11,2021-07-01,2024-07-30,none,no,3000,新技术,yes\n\
             edge,d,11,2021-07-01,2024-07-31,none,no,3000,新技术,yes\n\
             bse,e,12,,2027-06-30,BSE,no,3000,新技术,yes\n\
             y21,f,12,,2027-06-30,none,yes,3000,新技术,yes\n\
             low,g,12,,2027-06-30,none,no,2000,新技术,yes\n\
             noarea,h,12,,2027-06-30,none,no,3000,,yes\n\
             nokey,i,12,,2027-06-30,none,no,3000,一强,no\n\
             all,j,12,2025-01-01,2026-01-01,overseas,yes,10,,no\n",
        );
        let s = screen(&r, FIRST_BATCH_APPLICATION_DATE);
        let codes: Vec<Vec<&str>> = s.reasons.iter().map(|r| r.iter().map(Reason::code).collect()).collect();
        assert_eq!(codes[0], Vec::<&str>::new());
        assert_eq!(codes[1], ["not_yet_recognised"]);
        assert_eq!(codes[2], ["recognition_expired"]);
        assert_eq!(codes[3], Vec::<&str>::new(), "valid on its last day");
        assert_eq!(codes[4], ["listed"]);
        assert_eq!(codes[5], ["supported_2021"]);
        assert_eq!(codes[6], ["investment_not_above_2000"], "exactly 2000万元 is not above 2000万元");
        assert_eq!(codes[7], ["no_plan_area"]);
        assert_eq!(codes[8], ["not_key_field"]);
        assert_eq!(codes[9].len(), 6, "{:?}", codes[9]);
        assert_eq!(s.eligible, vec![2, 0]);
        assert_eq!(s.firms, vec![4, 6]);
        assert_eq!(s.failing[1][Reason::ALL.iter().position(|r| *r == Reason::Listed).unwrap()], 2);
        let why = Reason::InvestmentNotAbove2000.explain(&r.firms[6], s.as_of);
        assert_eq!(why, "plan investment 2000万元 is not above 2000万元");
    }
}
