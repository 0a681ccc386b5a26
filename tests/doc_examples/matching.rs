//! Expected output against actual output, with the two abridgement markers the docs may use:
//! a line that is exactly `...` matches any number of lines (zero or more), and `[..]` inside
//! a line matches any text on that line. Trailing spaces are ignored on both sides, and so are
//! trailing empty lines.

/// Does `actual` match `expected`?
pub fn matches(expected: &[&str], actual: &[&str]) -> bool {
    let expected = trim_end(expected);
    let actual = trim_end(actual);
    lines_match(&expected, &actual)
}

fn trim_end<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    let mut v: Vec<&str> = lines.iter().map(|l| l.trim_end()).collect();
    while v.last() == Some(&"") {
        v.pop();
    }
    v
}

fn lines_match(expected: &[&str], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((&"...", rest)) => (0..=actual.len()).any(|skip| lines_match(rest, &actual[skip..])),
        Some((first, rest)) => match actual.split_first() {
            Some((a, arest)) => line_matches(first, a) && lines_match(rest, arest),
            None => false,
        },
    }
}

/// One line, with `[..]` matching any text.
pub fn line_matches(expected: &str, actual: &str) -> bool {
    let pieces: Vec<&str> = expected.split("[..]").collect();
    if pieces.len() == 1 {
        return expected == actual;
    }
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    if !actual.starts_with(first) || !actual[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &actual[first.len()..actual.len() - last.len()];
    for piece in &pieces[1..pieces.len() - 1] {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}
