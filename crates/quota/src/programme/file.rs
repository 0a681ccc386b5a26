//! The programme file (`data/programme/*.toml`), parsed (first stage) and validated (second
//! stage) into a [`Programme`]. Every problem names the file, the line and the key.
//!
//! ```toml
//! name = "148号 2024–2026"
//! description = "…"
//! scenario = "../scenarios/2024-batch1.toml"  # the rules every batch is allocated by
//! registry = "../registry/firms.csv"          # optional: pool from a firm registry;
//!                                             # without it, the scenario's caps column, shrunk
//!                                             # by each batch's slots
//! remainder_after_years = 3                   # remainder paid (or withheld) in year + 3
//!
//! [evaluation]                # outcomes for every batch (a batch may override the shares)
//! recovered_bp = 200          # firms whose investment stays under 2000万元, basis points
//! withheld_bp = 500           # firms that miss targets, basis points
//! # recovered = ["SYN-11-00002"]  # or lists of firm ids (needs a registry), not both
//! # withheld = ["SYN-11-00004"]
//!
//! [[batch]]
//! label = "2024年第一批"
//! year = 2024
//! total = 1039
//! as_of = 2024-07-31          # screening date (default: YEAR-07-31)
//! ```

use std::collections::HashMap;

use serde::Deserialize;
use toml::Spanned;

use crate::eligibility::Date;
use crate::error::Location;
use crate::scenario::line_of;

use super::ProgrammeError;

/// Basis points in one whole (100%).
pub const BP: u64 = 10_000;

/// Default `remainder_after_years`: see [`super::cashflow`] on timing.
pub const DEFAULT_REMAINDER_AFTER_YEARS: u16 = 3;

/// `[evaluation]` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationEntry {
    /// Share of supported firms whose investment stays under 2000万元, in basis points.
    #[serde(default)]
    pub recovered_bp: Option<Spanned<u64>>,
    /// Share of supported firms that miss their targets, in basis points.
    #[serde(default)]
    pub withheld_bp: Option<Spanned<u64>>,
    /// Firm ids whose first tranche is recovered.
    #[serde(default)]
    pub recovered: Vec<Spanned<String>>,
    /// Firm ids whose remainder is withheld.
    #[serde(default)]
    pub withheld: Vec<Spanned<String>>,
}

/// One `[[batch]]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchEntry {
    /// Label (default "batch YEAR").
    #[serde(default)]
    pub label: Option<String>,
    /// Batch year: first tranche paid in it.
    pub year: Spanned<u16>,
    /// National total of firms.
    pub total: Spanned<u64>,
    /// Screening date: a TOML date or a "YYYY-MM-DD" string.
    #[serde(default)]
    pub as_of: Option<Spanned<toml::Value>>,
    /// Outcome shares for this batch (lists are programme-wide).
    #[serde(default)]
    pub evaluation: Option<EvaluationEntry>,
    /// Provenance of the total: official (published), derived, illustrative, synthetic or
    /// assumed (a future batch). Unstated when absent.
    #[serde(default)]
    pub status: Option<crate::provenance::Status>,
    /// Where the total comes from.
    #[serde(default)]
    pub source: Option<String>,
}

/// A programme file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeFile {
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Scenario file (relative to the programme file); the bundled default when absent.
    #[serde(default)]
    pub scenario: Option<String>,
    /// Firm registry (relative to the programme file).
    #[serde(default)]
    pub registry: Option<String>,
    /// Years from the batch year to the remainder.
    #[serde(default)]
    pub remainder_after_years: Option<Spanned<u16>>,
    /// Programme-wide outcomes.
    #[serde(default)]
    pub evaluation: EvaluationEntry,
    /// The batches.
    #[serde(default)]
    pub batch: Vec<BatchEntry>,
}

/// Evaluation outcome shares of a batch, in basis points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shares {
    /// Firms with investment under 2000万元 (first tranche recovered).
    pub recovered_bp: u64,
    /// Firms that miss targets (remainder withheld).
    pub withheld_bp: u64,
}

/// A firm named in an evaluation list, with where it was named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedFirm {
    /// Firm id.
    pub id: String,
    /// Where in the programme file.
    pub at: Location,
}

/// How evaluation outcomes are given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcomes {
    /// Shares per batch (in batch order).
    Shares(Vec<Shares>),
    /// Lists of firm ids, programme-wide.
    Lists {
        /// Investment under 2000万元.
        recovered: Vec<ListedFirm>,
        /// Targets missed.
        withheld: Vec<ListedFirm>,
    },
}

/// A validated batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Label.
    pub label: String,
    /// Year.
    pub year: u16,
    /// National total.
    pub total: u64,
    /// Screening date.
    pub as_of: Date,
    /// Where the total is written (for messages about the pool).
    pub total_at: Location,
    /// Provenance of the total (`status`, `source`).
    pub status: Option<crate::provenance::Status>,
    /// Where the total comes from.
    pub source: String,
}

/// A validated programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Programme {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Scenario path as written.
    pub scenario: Option<String>,
    /// Registry path as written.
    pub registry: Option<String>,
    /// Years from a batch's year to its remainder.
    pub remainder_after_years: u16,
    /// The batches, in year order.
    pub batches: Vec<Batch>,
    /// Evaluation outcomes.
    pub outcomes: Outcomes,
    /// The file.
    pub at: Location,
}

impl Programme {
    /// Parses and validates programme TOML; every problem found is returned.
    pub fn parse(text: &str, at: Location) -> Result<Programme, ProgrammeError> {
        let file: ProgrammeFile = toml::from_str(text).map_err(|e| {
            let at = match e.span() {
                Some(span) => at.at_line(line_of(text, span.start)),
                None => at.clone(),
            };
            ProgrammeError::Toml { at, message: e.message().trim().to_string() }
        })?;
        Programme::validate(&file, text, at)
    }

    fn validate(file: &ProgrammeFile, text: &str, at: Location) -> Result<Programme, ProgrammeError> {
        let mut problems: Vec<ProgrammeError> = Vec::new();
        let loc =
            |span: std::ops::Range<usize>, key: &str| at.at_line(line_of(text, span.start)).at_column(key);
        let mut invalid =
            |at: Location, message: String| problems.push(ProgrammeError::Invalid { at, message });

        if file.batch.is_empty() {
            invalid(at.at_column("batch"), "no [[batch]] entries: give at least one batch".into());
        }
        let remainder_after_years = match &file.remainder_after_years {
            Some(y) if *y.get_ref() == 0 || *y.get_ref() > 10 => {
                invalid(
                    loc(y.span(), "remainder_after_years"),
                    format!("{} must be 1-10 years", y.get_ref()),
                );
                DEFAULT_REMAINDER_AFTER_YEARS
            }
            Some(y) => *y.get_ref(),
            None => DEFAULT_REMAINDER_AFTER_YEARS,
        };

        let shares_of = |e: &EvaluationEntry, key: &str, problems: &mut Vec<ProgrammeError>| -> Shares {
            let mut get = |v: &Option<Spanned<u64>>, name: &str| match v {
                Some(s) if *s.get_ref() > BP => {
                    problems.push(ProgrammeError::Invalid {
                        at: loc(s.span(), &format!("{key}{name}")),
                        message: format!("{} basis points is above 10000 (100%)", s.get_ref()),
                    });
                    0
                }
                Some(s) => *s.get_ref(),
                None => 0,
            };
            let sh = Shares {
                recovered_bp: get(&e.recovered_bp, "recovered_bp"),
                withheld_bp: get(&e.withheld_bp, "withheld_bp"),
            };
            if sh.recovered_bp + sh.withheld_bp > BP {
                let span = e.withheld_bp.as_ref().map(|s| s.span()).unwrap_or(0..0);
                problems.push(ProgrammeError::Invalid {
                    at: loc(span, &format!("{key}withheld_bp")),
                    message: format!(
                        "recovered_bp {} + withheld_bp {} is above 10000 (100% of the firms)",
                        sh.recovered_bp, sh.withheld_bp
                    ),
                });
            }
            sh
        };

        let has_lists = !file.evaluation.recovered.is_empty() || !file.evaluation.withheld.is_empty();
        let has_shares = |e: &EvaluationEntry| e.recovered_bp.is_some() || e.withheld_bp.is_some();
        let default_shares = shares_of(&file.evaluation, "evaluation.", &mut problems);
        let mut batches = Vec::new();
        let mut shares = Vec::new();
        let mut prev: Option<(u16, Date)> = None;
        for (k, b) in file.batch.iter().enumerate() {
            let key = format!("batch[{}].", k + 1);
            let year = *b.year.get_ref();
            let total = *b.total.get_ref();
            if !(2000..=2100).contains(&year) {
                problems.push(ProgrammeError::Invalid {
                    at: loc(b.year.span(), &format!("{key}year")),
                    message: format!("{year} is not a plausible batch year (2000-2100)"),
                });
            }
            if total == 0 {
                problems.push(ProgrammeError::Invalid {
                    at: loc(b.total.span(), &format!("{key}total")),
                    message: "a batch needs at least 1 firm".into(),
                });
            }
            let as_of = match &b.as_of {
                None => Date::new(year, 7, 31),
                Some(v) => {
                    let text_value = match v.get_ref() {
                        toml::Value::String(s) => Some(s.clone()),
                        toml::Value::Datetime(d) => Some(d.to_string()),
                        _ => None,
                    };
                    match text_value.map(|t| t.parse::<Date>()) {
                        Some(Ok(d)) => Some(d),
                        Some(Err(e)) => {
                            problems.push(ProgrammeError::Invalid {
                                at: loc(v.span(), &format!("{key}as_of")),
                                message: e.to_string(),
                            });
                            None
                        }
                        None => {
                            problems.push(ProgrammeError::Invalid {
                                at: loc(v.span(), &format!("{key}as_of")),
                                message: "expected a date (2024-07-31 or \"2024-07-31\")".into(),
                            });
                            None
                        }
                    }
                }
            };
            if let (Some((py, pd)), Some(d)) = (prev, as_of) {
                if year <= py {
                    problems.push(ProgrammeError::Invalid {
                        at: loc(b.year.span(), &format!("{key}year")),
                        message: format!("batch years must increase: {year} after {py}"),
                    });
                }
                if d < pd {
                    problems.push(ProgrammeError::Invalid {
                        at: loc(b.as_of.as_ref().map_or(b.year.span(), |v| v.span()), &format!("{key}as_of")),
                        message: format!("screening dates must not go back: {d} after {pd}"),
                    });
                }
            }
            if let Some(d) = as_of {
                prev = Some((year, d));
            }
            let own = match &b.evaluation {
                Some(e) => {
                    if !e.recovered.is_empty() || !e.withheld.is_empty() {
                        problems.push(ProgrammeError::Invalid {
                            at: loc(b.year.span(), &format!("{key}evaluation")),
                            message: "lists of firms belong in the programme's [evaluation] table (a firm's batch is known from the plan)".into(),
                        });
                    }
                    if has_lists && has_shares(e) {
                        problems.push(ProgrammeError::Invalid {
                            at: loc(b.year.span(), &format!("{key}evaluation")),
                            message: "outcomes are given as lists in [evaluation]; shares cannot be mixed with them".into(),
                        });
                    }
                    shares_of(e, &format!("{key}evaluation."), &mut problems)
                }
                None => default_shares,
            };
            shares.push(own);
            batches.push(Batch {
                label: b.label.clone().unwrap_or_else(|| format!("batch {year}")),
                year,
                total,
                as_of: as_of.unwrap_or(crate::eligibility::FIRST_BATCH_APPLICATION_DATE),
                total_at: loc(b.total.span(), &format!("{key}total")),
                status: b.status,
                source: b.source.clone().unwrap_or_default(),
            });
        }

        let outcomes = if has_lists {
            if has_shares(&file.evaluation) {
                let span = file
                    .evaluation
                    .recovered_bp
                    .as_ref()
                    .or(file.evaluation.withheld_bp.as_ref())
                    .map(|s| s.span())
                    .unwrap_or(0..0);
                problems.push(ProgrammeError::Invalid {
                    at: loc(span, "evaluation"),
                    message: "give outcome shares (recovered_bp, withheld_bp) or lists (recovered, withheld), not both".into(),
                });
            }
            let mut seen: HashMap<String, Location> = HashMap::new();
            let mut list = |v: &[Spanned<String>],
                            key: &str,
                            problems: &mut Vec<ProgrammeError>|
             -> Vec<ListedFirm> {
                v.iter()
                    .filter_map(|s| {
                        let here = loc(s.span(), &format!("evaluation.{key}"));
                        if let Some(first) = seen.get(s.get_ref()) {
                            problems.push(ProgrammeError::Invalid {
                                at: here,
                                message: format!("firm '{}' is listed twice (first at {first})", s.get_ref()),
                            });
                            return None;
                        }
                        seen.insert(s.get_ref().clone(), here.clone());
                        Some(ListedFirm { id: s.get_ref().clone(), at: here })
                    })
                    .collect()
            };
            let recovered = list(&file.evaluation.recovered, "recovered", &mut problems);
            let withheld = list(&file.evaluation.withheld, "withheld", &mut problems);
            Outcomes::Lists { recovered, withheld }
        } else {
            Outcomes::Shares(shares)
        };

        if !problems.is_empty() {
            return Err(ProgrammeError::join(problems));
        }
        Ok(Programme {
            name: file.name.clone(),
            description: file.description.clone(),
            scenario: file.scenario.clone(),
            registry: file.registry.clone(),
            remainder_after_years,
            batches,
            outcomes,
            at,
        })
    }
}
