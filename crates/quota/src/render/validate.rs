//! `quota validate`: a [`Validation`] as its one-paragraph report.

use crate::validate::Validation;

/// `FILE: OK (KIND)`, or `FILE (KIND): N problem(s)` followed by one `  - problem` line each
/// (no final newline).
pub fn render(v: &Validation) -> String {
    let kind = if v.kind.is_empty() { String::new() } else { format!(" ({})", v.kind) };
    if v.is_ok() {
        return format!("{}: OK{kind}", v.file);
    }
    let mut msg = format!("{}{kind}: {} problem(s)", v.file, v.problems.len());
    for p in &v.problems {
        msg.push_str(&format!("\n  - {p}"));
    }
    msg
}
