//! Every command example in README.md and docs/*.md is run and its output compared, so the
//! docs cannot drift from the program.
//!
//! In a ```` ```console ```` block, a line starting with `$ ` is a shell command (run by `sh`, with
//! the `quota` under test first on the PATH, standard error merged into standard output); the
//! lines after it, up to the next `$ ` line or the end of the block, are its expected output.
//! Each block runs in a fresh temporary directory holding a copy of `data/`, so paths like
//! `data/scenarios/2024-batch1.toml` work, files a block writes (`-o out.csv`) vanish with it,
//! and the blocks are independent; the lines of one block share that directory. Abridged output:
//! a line `...` matches any number of lines, `[..]` in a line any text (for timings). Every
//! command must exit 0 (write `; echo "exit $?"` to show a failure's status).
//!
//! A fenced block right after a line `<!-- file: PATH -->` must be the file PATH, byte for byte
//! (the docs show the bundled default scenario this way).

#[path = "doc_examples/matching.rs"]
mod matching;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One `$ command` with its expected output, and where it is written.
#[derive(Debug)]
struct Example {
    place: String,
    command: String,
    expected: Vec<String>,
}

/// What a document holds: console sessions, and blocks that must equal a file.
#[derive(Debug, Default)]
struct Doc {
    sessions: Vec<Vec<Example>>,
    files: Vec<(String, String, String)>, // (place, path, content)
}

fn parse(name: &str, text: &str) -> Doc {
    let mut doc = Doc::default();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if let Some(path) = line.strip_prefix("<!-- file: ").and_then(|r| r.strip_suffix(" -->")) {
            let start = i + 2; // past the opening fence
            let end = (start..lines.len()).find(|&k| lines[k] == "```").expect("an unclosed block");
            let content: String = lines[start..end].iter().map(|l| format!("{l}\n")).collect();
            doc.files.push((format!("{name}:{}", i + 1), path.to_string(), content));
            i = end + 1;
            continue;
        }
        if line.starts_with("```console") {
            let mut session: Vec<Example> = Vec::new();
            i += 1;
            while i < lines.len() && lines[i] != "```" {
                if let Some(cmd) = lines[i].strip_prefix("$ ") {
                    session.push(Example {
                        place: format!("{name}:{}", i + 1),
                        command: cmd.to_string(),
                        expected: Vec::new(),
                    });
                } else if let Some(example) = session.last_mut() {
                    example.expected.push(lines[i].to_string());
                } else {
                    panic!("{name}:{}: a console block must start with a `$ ` line", i + 1);
                }
                i += 1;
            }
            doc.sessions.push(session);
        }
        i += 1;
    }
    doc
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn documents() -> Vec<(String, String)> {
    let mut names = vec!["README.md".to_string()];
    let mut docs: Vec<String> = fs::read_dir(repo().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    docs.sort();
    names.extend(docs);
    names
        .into_iter()
        .map(|n| (fs::read_to_string(repo().join(&n)).unwrap(), n))
        .map(|(t, n)| (n, t))
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs one session in a fresh directory; returns a description of every mismatch.
fn run_session(session: &[Example]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("data"), &dir.path().join("data"));
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_quota")).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let mut failures = Vec::new();
    for example in session {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("exec 2>&1\n{}", example.command))
            .current_dir(dir.path())
            .env("PATH", &path)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let actual = String::from_utf8_lossy(&out.stdout).into_owned();
        let actual_lines: Vec<&str> = actual.lines().collect();
        let expected: Vec<&str> = example.expected.iter().map(String::as_str).collect();
        if !out.status.success() || !matching::matches(&expected, &actual_lines) {
            failures.push(format!(
                "{}: $ {}\n--- expected\n{}\n--- actual ({})\n{}",
                example.place,
                example.command,
                expected.join("\n"),
                out.status,
                actual.trim_end()
            ));
        }
    }
    failures
}

#[test]
fn every_console_example_in_the_docs_prints_what_the_docs_say() {
    let mut failures = Vec::new();
    let mut commands = 0;
    for (name, text) in documents() {
        let doc = parse(&name, &text);
        for session in &doc.sessions {
            commands += session.len();
            failures.extend(run_session(session));
        }
        for (place, path, content) in &doc.files {
            let real = fs::read_to_string(repo().join(path)).unwrap();
            if &real != content {
                failures.push(format!("{place}: the block is not the file {path}"));
            }
        }
    }
    assert!(commands > 50, "only {commands} commands found: is the parser broken?");
    assert!(
        failures.is_empty(),
        "{} of {commands} examples differ:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn a_wrong_example_is_caught() {
    let doc = parse(
        "test.md",
        "```console\n$ quota apportion -n 3 -m webster -\n```\n```console\n$ printf 'name,weight\\nA,2\\nB,1\\n' | quota apportion -n 3 --format csv -\n...\nA,2,2.000000,2\nB,1,1.000000,2\n```\n",
    );
    assert_eq!(doc.sessions.len(), 2);
    // The first fails (no input on stdin: exit 2); the second prints B,1,1.000000,1, not 2.
    let failures: Vec<String> = doc.sessions.iter().flat_map(|s| run_session(s)).collect();
    assert_eq!(failures.len(), 2, "{failures:#?}");
    assert!(failures[1].contains("B,1,1.000000,1"), "{}", failures[1]);
}

#[test]
fn abridgement_markers() {
    use matching::{line_matches, matches};
    assert!(matches(&["a", "...", "z"], &["a", "b", "c", "z"]));
    assert!(matches(&["a", "...", "z"], &["a", "z"]));
    assert!(!matches(&["a", "...", "z"], &["a", "b"]));
    assert!(!matches(&["a", "b"], &["a", "b", "c"]));
    assert!(matches(&["a  ", ""], &["a"]));
    assert!(line_matches("(5120 scenarios in [..] s)", "(5120 scenarios in 0.05 s)"));
    assert!(!line_matches("(5120 scenarios in [..] s)", "(5121 scenarios in 0.05 s)"));
    assert!(line_matches("[..]x[..]", "axb"));
    assert!(!line_matches("[..]x[..]y", "ayx"));
}
