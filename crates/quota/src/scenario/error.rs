//! The error of a scenario that cannot be run as written.

use thiserror::Error;

use crate::error::{DataError, Location};

/// A scenario that cannot be run as written.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum ScenarioError {
    /// TOML syntax or type error.
    #[error("{at}: {message}")]
    Toml { at: Location, message: String },
    /// A value outside what the model accepts.
    #[error("{at}: {message}")]
    Invalid { at: Location, message: String },
    /// An error in one of the data files the scenario refers to.
    #[error(transparent)]
    Data(#[from] DataError),
}

impl From<crate::optimize::SpecError> for ScenarioError {
    fn from(e: crate::optimize::SpecError) -> Self {
        ScenarioError::Invalid { at: e.at, message: e.message }
    }
}
