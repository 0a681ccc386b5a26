//! The error of an apportionment problem that has no solution or is not well formed.

use thiserror::Error;

/// An apportionment problem that has no solution, or is not well formed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApportionError {
    /// No units at all.
    #[error("there are no units to apportion among")]
    NoUnits,
    /// Floors need more slots than there are.
    #[error("floors sum to {floors} > total {total}")]
    FloorsAboveTotal { floors: u128, total: u64 },
    /// Caps leave fewer slots than the total.
    #[error("caps sum to {caps} < total {total}")]
    CapsBelowTotal { caps: u128, total: u64 },
    /// A unit whose floor exceeds its cap.
    #[error("unit '{unit}': floor {floor} > cap {cap}")]
    FloorAboveCap { unit: String, floor: u64, cap: u64 },
    /// Every weight is zero and the floors do not fill the total.
    #[error("all weights are zero: nothing to apportion {total} slots by")]
    AllWeightsZero { total: u64 },
    /// The seats that must go to units with positive weight exceed what their caps allow.
    #[error("only units with zero weight could take the remaining {missing} slot(s); raise a cap of a weighted unit or lower the total")]
    ZeroWeightUnitsWouldFill { missing: u64 },
    /// A weight or a total beyond the exactly supported range.
    #[error("{what} {value} is above the supported maximum {max}")]
    OutOfRange { what: &'static str, value: u128, max: u128 },
}
