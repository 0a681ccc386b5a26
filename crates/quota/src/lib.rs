//! # quota
//!
//! Splits China's national quota of supported 专精特新"小巨人" firms (财建〔2024〕148号), and
//! the money that follows them, across provincial units — exactly, explainably, fast.
//!
//! ## The model
//!
//! For unit i and indicator j (raw value x_ij), weights w_j (Σ w = 1) and national total N:
//!
//! ```text
//! s_ij    = t_ij / Σ_k t_kj,  t = share | min-max | z-score (shifted) | log-share of x
//! b_i     = Σ_j w_j · s_ij
//! b'_i    = (1 − δ) · b_i + δ · u_i,  u_i = (1/g_i) / Σ_k (1/g_k)   (development term)
//! score_i = m_region(i) · b'_i                                       (region multiplier)
//! q_i     = N · score_i / Σ_k score_k                                (ideal quota)
//! x_i     = apportion(q, N, floors, caps)                            (integer slots)
//! money_i = x_i × 600万元   (50% first tranche; ≥ 95% to firms, ≤ 5% services)
//! ```
//!
//! Everything after the scores is exact integer arithmetic ([`scoring::integer_weights`] is
//! the one float → integer step), every result is re-checked by [`check`], and ties are
//! broken by [`apportion::TIE_BREAK_RULE`] and reported.
//!
//! ## Example
//!
//! ```
//! use quota::apportion::{apportion, Method, Problem};
//!
//! // The U.S. 1790 census, 105 seats, Jefferson's method (the Act of 1792).
//! let pops = vec![236_841, 55_540, 70_835, 68_705, 278_514, 475_327, 141_822, 179_570,
//!                 331_589, 353_523, 432_879, 68_446, 206_236, 85_533, 630_560];
//! let problem = Problem::new(pops, 105).unwrap();
//! let result = apportion(&problem, Method::Jefferson);
//! assert_eq!(result.seats, vec![7, 1, 2, 2, 8, 14, 4, 5, 10, 10, 13, 2, 6, 2, 19]);
//! assert!(result.ties.is_empty());
//! quota::check::check_apportionment(&problem, &result).unwrap();
//! ```
//!
//! The library does no I/O: readers of CSV and TOML take text, the `quota` binary reads files.

#![deny(clippy::float_cmp)]
// Index loops over units read like the formulas they implement (x_i, w_i, l_i, c_i).
#![allow(clippy::needless_range_loop)]
// Input errors carry their full location; they are built once, on the cold path.
#![allow(clippy::result_large_err)]

pub mod allocate;
pub mod apportion;
pub mod calibrate;
pub mod check;
pub mod compare;
pub mod eligibility;

pub mod error;
pub mod explain;
pub mod funding;
pub mod indicators;
pub mod input;
pub mod limits;
pub mod observed;
pub mod optimize;
pub mod programme;
pub mod provenance;
pub mod render;
pub mod scenario;
pub mod scoring;
pub mod stamp;
pub mod starter;
mod svg;
pub mod sweep;
pub mod units;
pub mod validate;
pub mod weighting;
