//! Explaining every number: why a unit gets the slots it gets, in writing, in the method's own
//! terms — the answer to a province's "why 27 and not 28?".
//!
//! - [`derivation`]: the ideal quota of one unit, step by step (raw indicator → normalised
//!   share → weighted score → disparity factor → share → quota), so it can be redone by hand.
//! - [`trail`]: the audit trail of the apportionment — Hamilton's whole parts and ranked
//!   remainders with the cut-off; a divisor method's divisor and each unit's quotient; the
//!   quota method's slot-by-slot sequence; floors, caps and ties. Exact values are fractions.
//! - [`next`]: who would get the next slots if the total grew, and whose last slots would go
//!   first if it shrank (priority values, as the U.S. Census Bureau publishes for seats 436+).
//! - [`margins`]: how far one of the unit's indicators, or an indicator weight, must move for
//!   the unit to gain or lose a slot.
//! - [`paradox`]: Alabama paradox (N−1, N, N+1), population paradox between two data sets,
//!   quota-rule violations; plus [`paradox::ParadoxProbe`], the cheap per-scenario version for
//!   sweep summaries.
//! - [`optimize_trail`]: the same for the optimisation model (`method = "optimize"`): each unit's
//!   ideal quota, slots and term in the objective, every constraint and whether it binds, the
//!   model re-solved without its side constraints and with each binding one dropped; next in
//!   line, margins and paradoxes by re-solving.
//!
//! [`explain`] runs them all for one scenario and returns one [`Explanation`]: typed,
//! serialisable, every verdict a field. [`crate::render::explain`] lays it out (text,
//! Markdown, JSON); the command line (`quota explain`) only reads the inputs and writes.

pub mod derivation;
pub mod margins;
pub mod next;
pub mod optimize_trail;
pub mod paradox;
pub mod trail;

use serde::Serialize;
use thiserror::Error;

use crate::allocate::{self, AllocateError};
use crate::apportion::ApportionError;
use crate::apportion::{Method, Problem, Ratio};
use crate::optimize::OptimizeError;
use crate::scenario::{MethodChoice, Scenario};
use crate::stamp::Stamp;

pub use derivation::Derivation;
pub use margins::Margin;
pub use next::NextInLine;
pub use optimize_trail::OptTrail;
pub use paradox::{ParadoxFlags, ParadoxProbe, ParadoxReport};
pub use trail::Trail;

/// Why an explanation could not be made.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum ExplainError {
    /// The scenario cannot be allocated.
    #[error(transparent)]
    Allocate(#[from] AllocateError),
    /// A problem at another total could not be built.
    #[error(transparent)]
    Apportion(#[from] ApportionError),
    /// No unit with that code or name.
    #[error("unknown unit '{key}'; give a unit code (e.g. 44) or name (e.g. 广东省){hint}")]
    UnknownUnit {
        /// What was asked.
        key: String,
        /// A suggestion, if one is close.
        hint: String,
    },
    /// A re-solve of the optimisation model (a relaxation) failed.
    #[error("re-solving the optimisation model: {0}")]
    Optimize(#[from] OptimizeError),
    /// Two scenarios that must describe the same units do not.
    #[error("the compared data sets do not have the same units: {0}")]
    DifferentUnits(String),
}

impl ExplainError {
    /// Whether this is an internal fault (a checker rejected a result) rather than a problem
    /// with the input.
    pub fn is_internal(&self) -> bool {
        matches!(self, ExplainError::Allocate(a) if a.is_internal())
    }
}

/// An exact value: the fraction that decided something and its decimal approximation
/// (serialised as `{"exact": "n/d", "approx": x}`; +∞ is `"∞"` / `null`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Exact(pub Ratio);

impl Serialize for Exact {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Exact", 2)?;
        st.serialize_field("exact", &self.0.to_string())?;
        st.serialize_field("approx", &(!self.0.is_infinite()).then(|| self.0.to_f64()))?;
        st.end()
    }
}

impl std::fmt::Display for Exact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Where a unit's quota sits relative to its bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BoundState {
    /// Strictly proportional: the unit shares what the bound units leave, by weight.
    Free,
    /// Held at its floor (its proportional share is below it, or its weight is 0).
    AtFloor,
    /// Held at its cap (its proportional share is above it).
    AtCap,
}

/// Weights, floors and *unclipped* caps: what is needed to pose the same problem at another
/// total (a [`Problem`] clips caps to its own total).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// Integer weights.
    pub weights: Vec<u64>,
    /// Floors.
    pub floors: Vec<u64>,
    /// Caps as given (not clipped to a total).
    pub caps: Vec<u64>,
    /// The total the explanation is about.
    pub total: u64,
}

impl Base {
    /// From a problem alone: its caps are already clipped to its total, which matters only at
    /// larger totals for units whose cap is at least the total.
    pub fn from_problem(p: &Problem) -> Base {
        Base {
            weights: p.weights().to_vec(),
            floors: p.lower().to_vec(),
            caps: p.upper().to_vec(),
            total: p.total(),
        }
    }

    /// From a scenario's problem, with the scenario's own (unclipped) caps.
    pub fn from_scenario(s: &Scenario, p: &Problem) -> Base {
        Base {
            weights: p.weights().to_vec(),
            floors: s.floors.clone(),
            caps: s.caps.clone(),
            total: p.total(),
        }
    }

    /// The same problem at another total.
    pub fn problem_at(&self, total: u64) -> Result<Problem, ApportionError> {
        Problem::with_bounds(self.weights.clone(), self.floors.clone(), self.caps.clone(), total, &|i| {
            format!("#{}", i + 1)
        })
    }
}

/// The claim order every method in `crate::apportion` uses between equal priorities:
/// larger weight first, then the unit listed first ([`crate::apportion::TIE_BREAK_RULE`]).
/// Returns true if unit `i`'s claim at priority `pi` beats unit `j`'s at `pj`.
pub(crate) fn beats(pi: Ratio, wi: u64, i: usize, pj: Ratio, wj: u64, j: usize) -> bool {
    pi.cmp(&pj).then(wi.cmp(&wj)).then(j.cmp(&i)).is_gt()
}

/// The effective cap: a unit of weight 0 is held at its floor.
pub(crate) fn effective_cap(p: &Problem, i: usize) -> u64 {
    if p.weights()[i] == 0 {
        p.lower()[i]
    } else {
        p.upper()[i]
    }
}

/// A unit as a caller names it: by index, or by a key — its code (`44`), Chinese name
/// (`广东省`), short name (`广东`) or English name (`Guangdong`, any case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitRef {
    /// Position in the scenario's unit table.
    Index(usize),
    /// Code or name, resolved by [`find_unit`].
    Key(String),
}

impl UnitRef {
    /// The unit's index in `s`, or [`ExplainError::UnknownUnit`].
    pub fn resolve(&self, s: &Scenario) -> Result<usize, ExplainError> {
        match self {
            UnitRef::Index(i) if *i < s.units.len() => Ok(*i),
            UnitRef::Index(i) => Err(ExplainError::UnknownUnit {
                key: format!("#{i}"),
                hint: format!("; {} units", s.units.len()),
            }),
            UnitRef::Key(k) => find_unit(s, k),
        }
    }
}

impl From<usize> for UnitRef {
    fn from(i: usize) -> Self {
        UnitRef::Index(i)
    }
}

impl From<&str> for UnitRef {
    fn from(key: &str) -> Self {
        UnitRef::Key(key.to_string())
    }
}

impl From<String> for UnitRef {
    fn from(key: String) -> Self {
        UnitRef::Key(key)
    }
}

/// A second data set for the population-paradox check: the same scenario (same units, in the
/// same order, same method and total) built on other indicator values — the "after" of an
/// indicator update; the explained scenario is "before".
#[derive(Debug, Clone)]
pub struct OtherData {
    /// How to name it in the output (the indicators file as given).
    pub label: String,
    /// The scenario on the other data.
    pub scenario: Scenario,
}

/// What to explain.
#[derive(Debug, Clone)]
pub struct ExplainOptions {
    /// The unit to derive and give margins for, if any.
    pub unit: Option<UnitRef>,
    /// How many slots ahead and behind to list (next in line / last in).
    pub next: usize,
    /// Whether to compute margins for the unit (needs `unit`).
    pub margins: bool,
    /// Whether to run the paradox checks (implied by `compare_data`).
    pub paradoxes: bool,
    /// A second data set for the population-paradox check.
    pub compare_data: Option<OtherData>,
    /// The optimiser only: list up to this many other optimal allocations, with their count
    /// and each unit's slot range ([`crate::optimize::AllOptima`]); `None`: not asked.
    pub all_optima: Option<usize>,
}

impl Default for ExplainOptions {
    fn default() -> Self {
        ExplainOptions {
            unit: None,
            next: 5,
            margins: true,
            paradoxes: false,
            compare_data: None,
            all_optima: None,
        }
    }
}

/// A unit of the explained scenario, as the explanation's indices refer to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitLabel {
    /// Its index (what `unit` fields elsewhere in the explanation hold).
    pub index: usize,
    /// Code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: String,
}

/// The explanation of one scenario's allocation: everything `quota explain` prints, in every
/// format ([`crate::render::explain`]).
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The reproducibility stamp of the inputs. The library does not read the inputs, so the
    /// caller that did sets it (`quota explain` does); text outputs end with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stamp: Option<Stamp>,
    /// The scenario's units (unit indices below refer to this list).
    pub units: Vec<UnitLabel>,
    /// Scenario name.
    pub scenario: String,
    /// Method (an apportionment method or `optimize`).
    #[serde(serialize_with = "method_name")]
    pub method: MethodChoice,
    /// National total N.
    pub total: u64,
    /// The ideal quota of the asked unit.
    pub derivation: Option<Derivation>,
    /// The apportionment, step by step (apportionment methods).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trail: Option<Trail>,
    /// The optimisation model's trail (method `optimize`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optimizer: Option<OptTrail>,
    /// Next in line and last in (the optimiser: re-solves at other totals).
    pub next_in_line: NextInLine,
    /// The asked unit's place in the queue (divisor methods).
    pub position: Option<next::QueuePosition>,
    /// The asked unit's margins.
    pub margins: Vec<Margin>,
    /// Paradox checks, if asked.
    pub paradoxes: Option<ParadoxReport>,
    /// The second data set's label, when the population paradox was checked against one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compare_data: Option<String>,
    /// The provenance of the scenario's inputs (text outputs end with its mark).
    pub provenance: crate::provenance::Provenance,
}

impl Explanation {
    /// The slots of every unit, from whichever trail the method has.
    pub fn slots(&self) -> Vec<u64> {
        match (&self.trail, &self.optimizer) {
            (Some(t), _) => t.seats(),
            (None, Some(o)) => o.units.iter().map(|u| u.slots).collect(),
            (None, None) => Vec::new(),
        }
    }

    /// The asked unit's index, if one was asked.
    pub fn unit(&self) -> Option<usize> {
        self.derivation.as_ref().map(|d| d.unit)
    }
}

fn method_name<S: serde::Serializer, M: std::fmt::Display>(m: &M, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(m)
}

/// Looks a unit up by code or name (Chinese, short or English).
pub fn find_unit(s: &Scenario, key: &str) -> Result<usize, ExplainError> {
    s.units.find(key.trim()).ok_or_else(|| {
        let codes: Vec<String> = s.units.as_slice().iter().map(|u| u.code.clone()).collect();
        let hint =
            crate::input::closest(key, &codes).map(|c| format!("; did you mean '{c}'?")).unwrap_or_default();
        ExplainError::UnknownUnit { key: key.to_string(), hint }
    })
}

/// Whether a method is house monotone (no unit can lose a slot when the total grows): the
/// divisor methods and the quota method; not Hamilton.
pub fn house_monotone(m: Method) -> bool {
    m.is_divisor() || m == Method::Quota
}

/// Explains a scenario's allocation (see the module documentation): the derivation, margins
/// and queue position of `opts.unit`, the trail, next in line, and with `opts.paradoxes` (or a
/// second data set) the paradox checks. For method `optimize` the model is run as
/// `quota allocate` runs it (and re-checked by the optimiser's checker); every further number
/// comes from re-solving the same model. The result has no stamp (see
/// [`Explanation::stamp`]). With `opts.all_optima` (method `optimize` only) the trail lists
/// every optimal allocation ([`crate::optimize::AllOptima`]).
pub fn explain(s: &Scenario, opts: &ExplainOptions) -> Result<Explanation, ExplainError> {
    let unit = opts.unit.as_ref().map(|u| u.resolve(s)).transpose()?;
    let paradoxes = opts.paradoxes || opts.compare_data.is_some();
    if opts.all_optima.is_some() && s.method != MethodChoice::Optimize {
        let (at, method) = (s.at().clone(), s.method().name().to_string());
        return Err(AllocateError::NotOptimize { at, method }.into());
    }
    let mut ex = match s.method {
        MethodChoice::Apportion(m) => explain_apportioned(s, m, unit, opts, paradoxes)?,
        MethodChoice::Optimize => explain_optimized(s, unit, opts, paradoxes)?,
    };
    if let Some(other) = &opts.compare_data {
        let report = match s.method {
            MethodChoice::Apportion(m) => paradox::population_paradox_scenarios(s, &other.scenario, m),
            MethodChoice::Optimize => paradox::population_paradox_allocated(s, &other.scenario),
        }?;
        if let Some(p) = ex.paradoxes.as_mut() {
            p.population = Some(report);
        }
        ex.compare_data = Some(other.label.clone());
    }
    Ok(ex)
}

fn unit_labels(s: &Scenario) -> Vec<UnitLabel> {
    s.units
        .as_slice()
        .iter()
        .enumerate()
        .map(|(i, u)| UnitLabel {
            index: i,
            code: u.code.clone(),
            name: u.name_zh.clone(),
            name_en: u.name_en.clone(),
        })
        .collect()
}

fn explain_apportioned(
    s: &Scenario,
    method: Method,
    unit: Option<usize>,
    opts: &ExplainOptions,
    paradoxes: bool,
) -> Result<Explanation, ExplainError> {
    let scores = allocate::scenario_scores(s);
    let problem = allocate::scenario_problem(s, &scores)?;
    let base = Base::from_scenario(s, &problem);
    let trail = trail::trail(&problem, method);
    let next_in_line = next::next_in_line(&base, method, opts.next)?;
    let derivation = unit.map(|u| derivation::derive(s, &problem, u));
    let margins = match unit {
        Some(u) if opts.margins => margins::margins(s, method, u),
        _ => Vec::new(),
    };
    let position = unit.and_then(|u| next::queue_position(&base, method, &trail.seats(), u));
    let paradoxes = if paradoxes { Some(paradox::report(&base, method, &trail.seats())?) } else { None };
    Ok(Explanation {
        stamp: None,
        provenance: s.provenance().clone(),
        units: unit_labels(s),
        scenario: s.name.clone(),
        method: s.method,
        total: s.total,
        derivation,
        trail: Some(trail),
        optimizer: None,
        next_in_line,
        position,
        margins,
        paradoxes,
        compare_data: None,
    })
}

fn explain_optimized(
    s: &Scenario,
    unit: Option<usize>,
    opts: &ExplainOptions,
    paradoxes: bool,
) -> Result<Explanation, ExplainError> {
    // As `allocate::allocate` runs the model (and its checker).
    let scores = allocate::scenario_scores(s);
    let problem = allocate::scenario_problem(s, &scores)?;
    let out = allocate::optimize_problem(s, &problem)?;
    let mut opt = optimize_trail::trail(s, &problem, &out, unit)?;
    if let Some(listed) = opts.all_optima {
        let all =
            allocate::opt_problem(s, &problem)?.all_optima(listed, crate::optimize::DEFAULT_COUNT_LIMIT)?;
        opt.optima = Some(all);
    }
    let derivation = unit.map(|u| derivation::derive(s, &problem, u));
    let margins = match unit {
        Some(u) if opts.margins => margins::margins_optimized(s, u),
        _ => Vec::new(),
    };
    let paradoxes = paradoxes.then(|| optimize_trail::paradoxes(s, &problem, &opt));
    Ok(Explanation {
        stamp: None,
        provenance: s.provenance().clone(),
        units: unit_labels(s),
        scenario: s.name.clone(),
        method: s.method,
        total: s.total,
        derivation,
        trail: None,
        next_in_line: optimize_trail::next_in_line(s, &problem, opts.next),
        optimizer: Some(opt),
        position: None,
        margins,
        paradoxes,
        compare_data: None,
    })
}
