//! Why rendering failed: a serialiser's error. None is expected for the library's own results
//! (every value serialises, CSV goes to memory); they are reported as internal faults.

use thiserror::Error;

/// A rendering failure (an internal fault, not bad input).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RenderError {
    /// Writing CSV failed.
    #[error(transparent)]
    Csv(#[from] csv::Error),
    /// Serialising JSON failed.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// Writing the Excel workbook failed.
    #[error(transparent)]
    Xlsx(#[from] super::announcement::XlsxError),
    /// Reading back a workbook just rendered (to compare it as text) failed.
    #[error("reading back the rendered workbook: {0}")]
    Reread(crate::error::DataError),
}
