//! `quota validate`: a [`Validation`] as its one-paragraph report.

use crate::validate::Validation;

/// `FILE: OK (KIND)`, or `FILE (KIND): N problem(s)` followed by one `  - problem` line each
/// (no final newline). A valid scenario's inputs that are not official follow its OK line, one
/// `  not official: …` line each.
pub fn render(v: &Validation) -> String {
    let kind = if v.kind.is_empty() { String::new() } else { format!(" ({})", v.kind) };
    if v.is_ok() {
        let mut msg = format!("{}: OK{kind}", v.file);
        for n in &v.not_official {
            msg.push_str(&format!("\n  not official: {n}"));
        }
        return msg;
    }
    let mut msg = format!("{}{kind}: {} problem(s)", v.file, v.problems.len());
    for p in &v.problems {
        msg.push_str(&format!("\n  - {p}"));
    }
    msg
}
