//! The stamp's input hash changes when any input character that the engine reads changes,
//! and not when only layout changes (whitespace, comments, line endings, byte-order mark).

use proptest::prelude::*;

use quota::error::Location;
use quota::scenario::ScenarioFile;
use quota::stamp::inputs_hash;

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

struct Inputs {
    scenario: String,
    units: String,
    indicators: String,
}

fn bundled() -> Inputs {
    Inputs {
        scenario: read("data/scenarios/2024-batch1.toml"),
        units: read("data/units.csv"),
        indicators: read("data/indicators.csv"),
    }
}

fn hash(i: &Inputs) -> Option<String> {
    let file = ScenarioFile::parse(&i.scenario, Location::file("s")).ok()?;
    inputs_hash(&file, &i.units, &i.indicators).ok()
}

/// Byte offsets of every character inside a CSV field of a non-comment line (not commas,
/// not whitespace, not quotes).
fn field_chars(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if !line.trim_start().starts_with('#') {
            for (k, c) in line.char_indices() {
                if !(c == ',' || c.is_whitespace() || c == '"') {
                    out.push(offset + k);
                }
            }
        }
        offset += line.len();
    }
    out
}

/// Replaces the character at byte `at` with another one of the same kind.
fn mutate(text: &str, at: usize) -> String {
    let c = text[at..].chars().next().unwrap();
    let r = if c.is_ascii_digit() {
        if c == '9' {
            '0'
        } else {
            (c as u8 + 1) as char
        }
    } else if c == 'X' {
        'Y'
    } else {
        'X'
    };
    format!("{}{}{}", &text[..at], r, &text[at + c.len_utf8()..])
}

#[test]
fn every_field_character_of_the_data_files_matters() {
    let base = bundled();
    let h0 = hash(&base).unwrap();
    let mut checked = 0;
    for which in ["units", "indicators"] {
        let text = if which == "units" { &base.units } else { &base.indicators };
        for at in field_chars(text) {
            let changed = mutate(text, at);
            let i = if which == "units" {
                Inputs {
                    units: changed,
                    scenario: base.scenario.clone(),
                    indicators: base.indicators.clone(),
                }
            } else {
                Inputs { indicators: changed, scenario: base.scenario.clone(), units: base.units.clone() }
            };
            let h = hash(&i).unwrap();
            assert_ne!(h, h0, "{which}: changing byte {at} left the hash unchanged");
            checked += 1;
        }
    }
    assert!(checked > 1000, "checked {checked} characters");
}

#[test]
fn every_value_character_of_the_scenario_matters() {
    let base = bundled();
    let h0 = hash(&base).unwrap();
    let mut changed_hash = 0;
    let mut offset = 0;
    for line in base.scenario.clone().split_inclusive('\n') {
        let content = line.split('#').next().unwrap();
        let is_path = line.starts_with("units") || line.starts_with("indicators");
        if !line.trim_start().starts_with('#') && !is_path {
            if let Some(eq) = content.find('=') {
                // Every digit and letter of the value (right of '='), and of table keys.
                for (k, c) in content.char_indices().skip(eq + 1) {
                    if c.is_alphanumeric() {
                        let s = mutate(&base.scenario, offset + k);
                        let i = Inputs {
                            scenario: s,
                            units: base.units.clone(),
                            indicators: base.indicators.clone(),
                        };
                        // Either the scenario no longer parses (a value of the wrong kind), or
                        // the hash changes.
                        if let Some(h) = hash(&i) {
                            assert_ne!(h, h0, "scenario line {line:?}, char {c:?}: hash unchanged");
                            changed_hash += 1;
                        }
                    }
                }
            }
        }
        offset += line.len();
    }
    assert!(changed_hash > 100, "{changed_hash}");
}

#[test]
fn data_paths_are_not_content() {
    // The paths only locate the data files, whose content is hashed: moving them does not
    // change the stamp (so the bundled scenario and a copy beside its data hash alike).
    let base = bundled();
    let moved = Inputs {
        scenario: base.scenario.replace("../units.csv", "u.csv").replace("../indicators.csv", "data/i.csv"),
        units: base.units.clone(),
        indicators: base.indicators.clone(),
    };
    assert_eq!(hash(&moved), hash(&base));
}

/// Re-lays a CSV: spaces around fields, CRLF, comment and blank lines, a BOM.
fn relay_csv(text: &str, spaces: &[u8], comments: &[bool], crlf: bool, bom: bool) -> String {
    let nl = if crlf { "\r\n" } else { "\n" };
    let mut out = String::new();
    if bom {
        out.push('\u{feff}');
    }
    for (k, line) in text.lines().enumerate() {
        if comments[k % comments.len()] {
            out.push_str(&format!("# inserted comment {k}{nl}{nl}"));
        }
        if line.starts_with('#') {
            out.push_str(line);
        } else {
            let pad = " ".repeat(spaces[k % spaces.len()] as usize);
            out.push_str(&line.split(',').map(|f| format!("{pad}{f}{pad}")).collect::<Vec<_>>().join(","));
        }
        out.push_str(nl);
    }
    out
}

/// Re-lays the TOML scenario: spaces around '=', trailing comments, blank lines.
fn relay_toml(text: &str, spaces: &[u8], comments: &[bool]) -> String {
    let mut out = String::new();
    for (k, line) in text.lines().enumerate() {
        let pad = " ".repeat(spaces[k % spaces.len()] as usize);
        let mut l = if line.starts_with('#') {
            line.to_string()
        } else {
            line.replacen(" = ", &format!("{pad}={pad} "), 1)
        };
        if comments[k % comments.len()] && !line.trim().is_empty() {
            l.push_str("   # a comment that changes nothing");
            out.push('\n');
        }
        out.push_str(&l);
        out.push('\n');
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn layout_never_changes_the_hash(
        spaces in prop::collection::vec(0u8..3, 1..6),
        comments in prop::collection::vec(any::<bool>(), 1..6),
        crlf in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let base = bundled();
        let relaid = Inputs {
            scenario: relay_toml(&base.scenario, &spaces, &comments),
            units: relay_csv(&base.units, &spaces, &comments, crlf, bom),
            indicators: relay_csv(&base.indicators, &spaces, &comments, !crlf, bom),
        };
        prop_assert_eq!(hash(&relaid), hash(&base));
    }
}
