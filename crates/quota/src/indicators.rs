//! The indicator table: one row per unit, one numeric column per indicator
//! (`data/indicators.csv`). Columns are parsed when a scenario asks for them, so a file may
//! carry extra (e.g. text) columns; every unit must have exactly one row.

use crate::error::{DataError, Location};
use crate::input::CsvTable;
use crate::provenance::{Declaration, Declared, Status};
use crate::units::Units;

/// Indicator rows matched to a unit table.
#[derive(Debug, Clone)]
pub struct IndicatorTable {
    table: CsvTable,
    /// Row of each unit (in unit order).
    row_of_unit: Vec<usize>,
    /// The provenance the file declares (`# @provenance`, `# @column NAME` lines).
    declared: Declared,
}

impl IndicatorTable {
    /// Matches the rows of `table` (keyed by its `code` column) to `units`: unknown and
    /// duplicated codes and units without a row are errors.
    pub fn new(table: CsvTable, units: &Units) -> Result<Self, DataError> {
        let c_code = table.column("code")?;
        let mut row_of_unit: Vec<Option<usize>> = vec![None; units.len()];
        for (r, row) in table.rows.iter().enumerate() {
            let code = &row[c_code];
            let Some(u) = units.position(code) else {
                return Err(DataError::UnknownUnit { at: table.cell_at(r, c_code), code: code.clone() });
            };
            if let Some(first) = row_of_unit[u] {
                return Err(DataError::Duplicate {
                    at: table.at.at_line(table.lines[r]),
                    what: "unit code".into(),
                    key: code.clone(),
                    first_line: table.lines[first],
                });
            }
            row_of_unit[u] = Some(r);
        }
        let row_of_unit = row_of_unit
            .into_iter()
            .enumerate()
            .map(|(u, r)| {
                r.ok_or_else(|| DataError::MissingUnit {
                    at: table.at.clone(),
                    code: units.get(u).code.clone(),
                    name: units.get(u).name_zh.clone(),
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(IndicatorTable { table, row_of_unit, declared: Declared::default() })
    }

    /// Parses CSV text and matches it to `units`.
    pub fn parse(text: &str, at: Location, units: &Units) -> Result<Self, DataError> {
        let declared = Declared::parse(text, &at)?;
        let mut table = IndicatorTable::new(CsvTable::parse(text, at)?, units)?;
        table.declared = declared;
        Ok(table)
    }

    /// The declared provenance of column `name` (its own, else the file's, else none).
    pub fn provenance(&self, name: &str) -> Declaration {
        self.declared.column(name)
    }

    /// What the file declares.
    pub fn declared(&self) -> &Declared {
        &self.declared
    }

    /// Per-unit statuses of column `name`, in unit order, from a `<name>_status` column when
    /// the file has one (else None: the column's declaration covers every unit).
    pub fn unit_statuses(&self, name: &str) -> Result<Option<Vec<Status>>, DataError> {
        let Some(c) = self.table.optional_column(&format!("{name}_status")) else { return Ok(None) };
        self.row_of_unit
            .iter()
            .map(|&r| {
                self.table.rows[r][c].parse::<Status>().map_err(|expected| DataError::BadValue {
                    at: self.table.cell_at(r, c),
                    value: self.table.rows[r][c].clone(),
                    expected,
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// The values of column `name` in unit order: finite and non-negative.
    pub fn column(&self, name: &str) -> Result<Vec<f64>, DataError> {
        let c = self.table.named_column(name)?;
        self.row_of_unit.iter().map(|&r| self.table.non_negative(r, c)).collect()
    }

    /// The values of column `name` as non-negative integers (counts, caps).
    pub fn integer_column(&self, name: &str) -> Result<Vec<u64>, DataError> {
        let c = self.table.named_column(name)?;
        self.row_of_unit.iter().map(|&r| self.table.integer(r, c)).collect()
    }

    /// The table with unit `u`'s value in column `name` replaced (written as Rust prints the
    /// number, which reads back exactly); the column is checked when a scenario reads it.
    pub fn with_value(&self, u: usize, name: &str, value: f64) -> Result<Self, DataError> {
        let c = self.table.column(name)?;
        let mut edited = self.clone();
        edited.table.rows[self.row_of_unit[u]][c] = value.to_string();
        Ok(edited)
    }

    /// Where the table came from.
    pub fn location(&self) -> &Location {
        &self.table.at
    }

    /// Location of unit `u`'s cell in column `name` (for messages about a value).
    pub fn cell(&self, u: usize, name: &str) -> Location {
        match self.table.optional_column(name) {
            Some(c) => self.table.cell_at(self.row_of_unit[u], c),
            None => self.table.at.clone(),
        }
    }
}
