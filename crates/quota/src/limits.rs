//! The numeric domain the engine accepts, enforced where input enters (CSV cells, scenario
//! keys, command-line parameters). Everything outside is refused with a message that names the
//! file, line and column (or key, or flag) and the limit; everything inside is computed without
//! overflow, underflow to zero or wrap-around. ARCHITECTURE.md ("Numerical policy") gives the
//! bounds of every intermediate; in short:
//!
//! - indicator values: 0 or in [[`MIN_POSITIVE_VALUE`], [`MAX_VALUE`]] = [10^-9, 10^15], at most
//!   [`MAX_ROWS`] = 10^4 rows: a column sum is at most 10^19 (f64 goes to 1.8·10^308), a sum of
//!   squares 10^34; the inverse of a development value at most 10^9; a squared deviation
//!   (PCA, CV, z-score) is either 0 or at least (10^-12 · 10^-9)² / 10^4 = 10^-46, far above the
//!   smallest normal f64 (2.2·10^-308), so a column with variance never has σ = 0;
//! - integer cells (caps, `min`/`max`): at most [`MAX_COUNT`] = 10^15 each, so a sum over
//!   10^4 rows is at most 10^19 < u64::MAX ≈ 1.8·10^19, and every such value is exact as f64
//!   (< 2^53);
//! - indicator weights and region multipliers: 0 (weights only) or in
//!   [[`MIN_FACTOR`], [`MAX_FACTOR`]] = [10^-6, 10^6]: weight sums at most 10^6 · (number of
//!   indicators), scores at most 10^6;
//! - totals: at most [`crate::apportion::MAX_SEATS`] = 10^6 slots (the exact core's bound:
//!   products of a 10^12 weight by a divisor of a 10^6 house stay below 2.1·10^36 < u128::MAX);
//! - money: at most [`MAX_PER_FIRM_WAN`] = 10^6 万元 per firm, so a unit's or a batch's money is
//!   at most 10^6 · 10^6 = 10^12 万元 and its product with a share in basis points (≤ 10^4)
//!   10^16 < u64::MAX; sums over units and batches are checked all the same
//!   ([`crate::funding`]);
//! - files: at most [`MAX_INPUT_BYTES`] = 64 MiB each (read by the command with a bounded
//!   read, so `/dev/zero` is refused instead of filling memory).

/// Largest input file accepted, in bytes (64 MiB: the bundled data are under 1 MiB, a
/// registry of a million firms about 100 MiB would need splitting).
pub const MAX_INPUT_BYTES: u64 = 64 << 20;

/// Most data rows in a unit, indicator or apportion table (the documented apportion limit).
pub const MAX_ROWS: usize = 10_000;

/// Most data rows in a firm registry (the national stock of 小巨人 firms is about 12,000).
pub const MAX_REGISTRY_ROWS: usize = 1_000_000;

/// Largest indicator value (10^15: a count, score, yuan amount or per-capita figure well above
/// any real one).
pub const MAX_VALUE: f64 = 1e15;

/// Smallest non-zero indicator value (10^-9); smaller values must be written as 0.
pub const MIN_POSITIVE_VALUE: f64 = 1e-9;

/// Largest integer cell (caps, eligible firms, `min`/`max` of an apportion table).
pub const MAX_COUNT: u64 = 1_000_000_000_000_000;

/// Largest indicator weight and region multiplier as written (weights are normalised).
pub const MAX_FACTOR: f64 = 1e6;

/// Smallest non-zero indicator weight and smallest region multiplier.
pub const MIN_FACTOR: f64 = 1e-6;

/// Largest money per supported firm, in 万元 (100亿元; the notice's is 600).
pub const MAX_PER_FIRM_WAN: u64 = 1_000_000;

/// Longest piece of a bad value echoed in a message (longer ones are cut, with their length).
pub const MAX_ECHO_CHARS: usize = 60;

/// A value as echoed in an error message: in full when short, otherwise its first
/// [`MAX_ECHO_CHARS`] characters and its length.
pub fn shown(value: &str) -> String {
    if value.chars().count() <= MAX_ECHO_CHARS {
        value.to_string()
    } else {
        let head: String = value.chars().take(MAX_ECHO_CHARS).collect();
        format!("{head}… ({} bytes)", value.len())
    }
}

/// Checks that a scenario-level factor (an indicator weight, or a region multiplier when
/// `zero_allowed` is false) is in its domain; the message says what is expected.
pub fn check_factor(value: f64, zero_allowed: bool) -> Result<(), String> {
    let ok =
        value.is_finite() && ((zero_allowed && value == 0.0) || (MIN_FACTOR..=MAX_FACTOR).contains(&value));
    // Far from 1 the value is shown in exponent form (1e308, not 309 digits).
    let shown = if value != 0.0 && !(1e-4..1e7).contains(&value.abs()) {
        format!("{value:e}")
    } else {
        format!("{value}")
    };
    if ok {
        Ok(())
    } else if zero_allowed {
        Err(format!(
            "{shown} is outside the accepted range: 0 or a number from {MIN_FACTOR:e} to {MAX_FACTOR:e}"
        ))
    } else {
        Err(format!("{shown} is outside the accepted range: a number from {MIN_FACTOR:e} to {MAX_FACTOR:e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_in_messages() {
        assert_eq!(shown("95,0"), "95,0");
        let long = "9".repeat(1_000_000);
        let s = shown(&long);
        assert!(s.len() < 100 && s.ends_with("… (1000000 bytes)"), "{s}");
    }

    #[test]
    fn factors_have_a_domain() {
        assert!(check_factor(0.35, true).is_ok());
        assert!(check_factor(0.0, true).is_ok());
        assert!(check_factor(0.0, false).is_err());
        assert_eq!(
            check_factor(1e308, true).unwrap_err(),
            "1e308 is outside the accepted range: 0 or a number from 1e-6 to 1e6"
        );
        assert!(check_factor(f64::NAN, true).is_err());
        assert!(check_factor(1e-300, false).is_err());
    }
}
