//! `quota validate`: a [`Validation`] as its one-paragraph report.

use crate::validate::Validation;

/// `FILE: OK`, or `FILE: N problem(s)` followed by one `  - problem` line each (no final
/// newline).
pub fn render(v: &Validation) -> String {
    if v.is_ok() {
        return format!("{}: OK", v.file);
    }
    let mut msg = format!("{}: {} problem(s)", v.file, v.problems.len());
    for p in &v.problems {
        msg.push_str(&format!("\n  - {p}"));
    }
    msg
}
