//! # quota
//!
//! placeholder crate docs

#![deny(clippy::float_cmp)]
// Index loops over units read like the formulas they implement (x_i, w_i, l_i, c_i).
#![allow(clippy::needless_range_loop)]
// Input errors carry their full location; they are built once, on the cold path.
#![allow(clippy::result_large_err)]

pub mod allocation;
pub mod apportion;
pub mod check;

pub mod error;
pub mod explain;
pub mod funding;
pub mod indicators;
pub mod input;
pub mod scenario;
pub mod scoring;
pub mod stamp;
pub mod units;
