//! Read access to a validated [`Scenario`]. Its parts depend on each other (the scoring model
//! is built from the indicators, the bounds from the units), so they are read through these
//! methods and changed only through the `with_*` edits, which validate again.

use crate::error::Location;
use crate::funding::FundingRules;
use crate::optimize::Constraints;
use crate::provenance::Provenance;
use crate::scoring::ScoreModel;
use crate::units::Units;

use super::{Disparity, Indicator, MethodChoice, Scenario};

impl Scenario {
    /// The scenario's display name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The display name, for titles (the file's `title`, else its `name`).
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The provenance of the inputs that decide its numbers: indicators, development column,
    /// caps (see [`crate::provenance`]).
    pub fn provenance(&self) -> &Provenance {
        &self.provenance
    }

    /// The scenario with one more input recorded in its provenance (caps counted from a firm
    /// registry replace the caps column's entry): the numbers are unchanged.
    pub fn with_provenance_input(&self, input: crate::provenance::Input) -> Scenario {
        let mut s = self.clone();
        s.provenance = self.provenance.with(input);
        s
    }

    /// Its description.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The national quota N.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The apportionment method (or the optimisation model).
    pub fn method(&self) -> MethodChoice {
        self.method
    }

    /// The units (32 when the 计划单列市 are merged).
    pub fn units(&self) -> &Units {
        &self.units
    }

    /// Whether the 计划单列市 were merged into their provinces.
    pub fn merged(&self) -> bool {
        self.merged
    }

    /// The indicators, weights normalised to sum 1.
    pub fn indicators(&self) -> &[Indicator] {
        &self.indicators
    }

    /// The regional-disparity term (None when off).
    pub fn disparity(&self) -> Option<&Disparity> {
        self.disparity.as_ref()
    }

    /// Floors per unit, in unit order.
    pub fn floors(&self) -> &[u64] {
        &self.floors
    }

    /// Caps per unit, in unit order.
    pub fn caps(&self) -> &[u64] {
        &self.caps
    }

    /// The money rules.
    pub fn funding(&self) -> &FundingRules {
        &self.funding
    }

    /// The optimisation model's constraints, resolved against the units.
    pub fn constraints(&self) -> Option<&Constraints> {
        self.constraints.as_ref()
    }

    /// The random seed for sweeps (None: the documented default).
    pub fn seed(&self) -> Option<u64> {
        self.seed
    }

    /// The weight-independent scoring model.
    pub fn model(&self) -> &ScoreModel {
        &self.model
    }

    /// Where the scenario came from.
    pub fn at(&self) -> &Location {
        &self.at
    }
}
