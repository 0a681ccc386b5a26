//! The general `quota apportion` tool as one call: a weight table (CSV text) apportioned by a
//! method, checked by the independent checker and stamped ([`apportion_table`]). The result,
//! [`TableApportionment`], serialises to the tool's JSON document:
//! `{stamp, method, seats, allocation: [{name, weight, quota, seats}], ties: [{priority,
//! winners, losers, rule}]}` (rows and ties named by the table's `name` column).

use serde::Serialize;
use thiserror::Error;

use super::table::WeightTable;
use super::{apportion, bounded_quotas, Method, Problem, TieReport};
use crate::apportion::ApportionError;
use crate::check::{check_apportionment, CheckError};
use crate::error::{DataError, Location};
use crate::stamp::Stamp;

/// One row of the weight table with its quota and seats.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableRow {
    /// The row's name.
    pub name: String,
    /// The weight as a number (JSON).
    pub weight: f64,
    /// The weight as written in the table (text outputs).
    #[serde(skip)]
    pub written: String,
    /// The quota after floors and caps (the clamped proportional share the method rounds).
    pub quota: f64,
    /// Seats.
    pub seats: u64,
}

/// A weight table apportioned: what `quota apportion` writes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableApportionment {
    /// The stamp of the run (canonical weight table, method, seats).
    pub stamp: Stamp,
    /// The method.
    #[serde(serialize_with = "method_name")]
    pub method: Method,
    /// Seats apportioned.
    pub seats: u64,
    /// One row per table row, in table order.
    pub allocation: Vec<TableRow>,
    /// Ties that decided seats, rows named.
    pub ties: Vec<TieReport>,
}

fn method_name<S: serde::Serializer>(m: &Method, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(m.name())
}

/// Why a weight table could not be apportioned.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum ToolError {
    /// The table does not parse (names the file, line and column).
    #[error(transparent)]
    Table(#[from] DataError),
    /// Its bounds are infeasible for the number of seats (or the weights all zero), or the
    /// problem is too large for the method.
    #[error("{label}: {problem}")]
    Problem {
        /// The table's label.
        label: String,
        /// Why.
        problem: ApportionError,
    },
    /// The table could not be put in canonical form for the stamp.
    #[error("{label}: {problem}")]
    Stamp {
        /// The table's label.
        label: String,
        /// Why.
        problem: DataError,
    },
    /// The independent checker rejected the result (an internal fault).
    #[error(transparent)]
    Check(#[from] CheckError),
}

impl ToolError {
    /// Whether this is an internal fault rather than bad input.
    pub fn is_internal(&self) -> bool {
        matches!(self, ToolError::Check(_))
    }
}

/// Apportions `seats` among the rows of the weight table `text` (read from `label`) by
/// `method`; the result has passed the independent checker and carries its stamp.
pub fn apportion_table(
    text: &str,
    label: &str,
    method: Method,
    seats: u64,
) -> Result<TableApportionment, ToolError> {
    let table = WeightTable::parse(text, Location::file(label))?;
    let upper = table.upper.clone().unwrap_or_else(|| vec![seats; table.names.len()]);
    let problem = Problem::with_bounds(table.weights.clone(), table.lower.clone(), upper, seats, &|i| {
        format!("{} (line {})", table.names[i], table.lines[i])
    })
    .map_err(|problem| ToolError::Problem { label: label.to_string(), problem })?;
    let result = apportion(&problem, method);
    check_apportionment(&problem, &result)?;
    let quotas = bounded_quotas(&problem);
    let stamp = Stamp::compute_for_table(text, method.name(), seats)
        .map_err(|problem| ToolError::Stamp { label: label.to_string(), problem })?;
    let names = &table.names;
    let allocation = (0..names.len())
        .map(|i| TableRow {
            name: names[i].clone(),
            weight: table.written[i].parse::<f64>().unwrap_or(0.0),
            written: table.written[i].clone(),
            quota: quotas[i].to_f64(),
            seats: result.seats[i],
        })
        .collect();
    let ties = result.ties.iter().map(|t| t.report(|&i| names[i].clone())).collect();
    Ok(TableApportionment { stamp, method, seats, allocation, ties })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_is_apportioned_checked_and_stamped() {
        let r = apportion_table("name,weight\nA,53\nB,24\nC,23\n", "p.csv", Method::Webster, 8).unwrap();
        let seats: Vec<u64> = r.allocation.iter().map(|row| row.seats).collect();
        assert_eq!(seats, [4, 2, 2]);
        assert!((r.allocation[0].quota - 4.24).abs() < 1e-12);
        assert_eq!(
            r.stamp,
            Stamp::compute_for_table("name,weight\nA,53\nB,24\nC,23\n", "webster", 8).unwrap()
        );
        assert!(r.ties.is_empty());
    }

    #[test]
    fn ties_name_the_rows_and_bad_bounds_name_the_file() {
        let r = apportion_table("name,weight\nX,1\nY,1\n", "t.csv", Method::Webster, 1).unwrap();
        assert_eq!(
            (r.ties[0].winners.clone(), r.ties[0].losers.clone()),
            (vec!["X".into()], vec!["Y".into()])
        );
        let e = apportion_table("name,weight,min\nA,1,2\nB,1,2\n", "f.csv", Method::Webster, 3).unwrap_err();
        assert_eq!(e.to_string(), "f.csv: floors sum to 4 > total 3");
        assert!(!e.is_internal());
    }
}
