//! # quota
//!
//! placeholder crate docs (filled in below)

#![deny(clippy::float_cmp)]

pub mod apportion;
pub mod check;
pub mod error;
pub mod input;
pub mod units;
pub mod weighting;
