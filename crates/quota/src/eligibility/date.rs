//! Calendar dates for screening (小巨人 validity, application deadlines): a plain proleptic
//! Gregorian `Date` parsed from ISO `YYYY-MM-DD` (also `YYYY/MM/DD`, as Excel on Chinese
//! Windows writes dates), with real day-of-month and leap-year checks. No time zones: the
//! notice's dates are calendar days.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// A calendar day. Ordered chronologically (year, then month, then day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

/// Why a text is not a date; the message says what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{text}' is not a date: {why} (expected YYYY-MM-DD, e.g. 2024-07-31)")]
pub struct DateError {
    /// The text as given.
    pub text: String,
    /// What is wrong with it.
    pub why: String,
}

/// Whether `year` is a Gregorian leap year.
pub const fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Days in `month` (1–12) of `year`.
pub const fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// The date, if it exists (years 1000–9999).
    pub const fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        if year >= 1000
            && year <= 9999
            && month >= 1
            && month <= 12
            && day >= 1
            && day <= days_in_month(year, month)
        {
            Some(Date { year, month, day })
        } else {
            None
        }
    }

    /// Year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// Month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// Day of the month.
    pub fn day(self) -> u8 {
        self.day
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        let err = |why: &str| DateError { text: text.to_string(), why: why.to_string() };
        let sep = if text.contains('-') { '-' } else { '/' };
        let parts: Vec<&str> = text.split(sep).collect();
        if parts.len() != 3 {
            return Err(err("not three parts year, month, day"));
        }
        let digits = |p: &str, min: usize, max: usize| -> Option<u16> {
            (p.len() >= min && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        };
        let year = digits(parts[0], 4, 4).ok_or_else(|| err("the year must have four digits"))?;
        // ISO dates have two-digit months and days; the slash form may drop the leading zero.
        let min = if sep == '-' { 2 } else { 1 };
        let month = digits(parts[1], min, 2).ok_or_else(|| err("the month must be 01-12"))? as u8;
        let day = digits(parts[2], min, 2).ok_or_else(|| err("the day must be two digits"))? as u8;
        if !(1..=12).contains(&month) {
            return Err(err("the month must be 01-12"));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(err(&format!("{year}-{month:02} has {} days", days_in_month(year, month))));
        }
        Date::new(year, month, day).ok_or_else(|| err("the year must be 1000-9999"))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iso_and_slash_forms() {
        assert_eq!("2024-07-31".parse::<Date>().unwrap(), Date::new(2024, 7, 31).unwrap());
        assert_eq!("2026/6/30".parse::<Date>().unwrap(), Date::new(2026, 6, 30).unwrap());
        assert_eq!(Date::new(2024, 2, 29).unwrap().to_string(), "2024-02-29");
    }

    #[test]
    fn rejects_impossible_and_malformed_dates() {
        for bad in
            ["2023-02-29", "2024-13-01", "2024-04-31", "2024-7-31", "31/07/2024", "2024-07", "", "24-07-31"]
        {
            assert!(bad.parse::<Date>().is_err(), "{bad} accepted");
        }
        let e = "2023-02-29".parse::<Date>().unwrap_err().to_string();
        assert!(e.contains("2023-02 has 28 days"), "{e}");
        assert!("1900-02-29".parse::<Date>().is_err());
        assert!("2000-02-29".parse::<Date>().is_ok());
    }

    #[test]
    fn orders_chronologically() {
        let a: Date = "2024-12-31".parse().unwrap();
        let b: Date = "2025-01-01".parse().unwrap();
        assert!(a < b);
    }
}
