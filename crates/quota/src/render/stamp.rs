//! `--check-stamp FILE`: a [`StampCheck`] as the report printed on stdout — the stamps side by
//! side, inputs, method, seed, version, the first differing line, and the verdict.

use crate::stamp::{PublishedFormat, StampCheck};

/// The report of a check, one fact per line, ending with the verdict (`match: …` or
/// `MISMATCH: …`).
pub fn check_report(c: &StampCheck) -> String {
    let mut out = vec![
        format!("published: {} ({} output)", c.file, c.format.name()),
        format!("  stamp in file:   {}", c.found),
        format!("  stamp of inputs: {}", c.now),
    ];
    out.push(if c.same_inputs() {
        format!("  inputs:  same ({})", c.inputs.same)
    } else {
        format!("  inputs:  DIFFERENT — {}", c.inputs.different)
    });
    out.push(if c.same_method() {
        format!("  method:  same ({})", c.now.method)
    } else {
        format!(
            "  method:  DIFFERENT (file {}, now {}; pass --method {}?)",
            c.found.method, c.now.method, c.found.method
        )
    });
    out.push(if c.same_seed() { "  seed:    same".into() } else { "  seed:    DIFFERENT".into() });
    out.push(if c.same_version() {
        format!("  version: same ({})", c.now.version)
    } else {
        format!("  version: file made by quota {}, checked with {}", c.found.version, c.now.version)
    });
    out.push(match &c.content {
        None => "  content: identical to a fresh run (apart from the stamp)".into(),
        Some(d) => format!(
            "  content: DIFFERS from a fresh run at line {}{}:\n    file:  {}\n    fresh: {}",
            d.line,
            if c.format == PublishedFormat::Json {
                " of the JSON re-printed without stamp and input paths"
            } else {
                ""
            },
            d.published.as_deref().unwrap_or("(end of file)"),
            d.fresh.as_deref().unwrap_or("(end of output)")
        ),
    });
    out.push(if c.matches() {
        "match: the published output still follows from its inputs".into()
    } else {
        "MISMATCH: the published output does not follow from the current inputs".into()
    });
    out.join("\n") + "\n"
}
