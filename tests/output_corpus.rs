//! Byte-identity corpus (issue 12): every invocation of `tests/corpus/commands.txt` is run
//! from the repository root and its exit code, stdout, stderr and the files it writes under
//! `{out}` must equal `tests/corpus/expected/` byte for byte. The format and the two
//! normalisation rules are described at the top of `commands.txt`; an intended change of output
//! is re-recorded with `tests/corpus/regenerate.sh target/release/quota` and reviewed as a diff.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::{fs, thread};

struct Case {
    id: String,
    args: Vec<String>,
}

/// `ID | ARGS` lines; blank lines and lines starting with `#` are skipped (as regenerate.sh).
fn cases(root: &Path) -> Vec<Case> {
    let text = fs::read_to_string(root.join("tests/corpus/commands.txt")).expect("commands.txt");
    let mut seen = std::collections::HashSet::new();
    let mut cases = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        let (id, args) = line.split_once('|').unwrap_or_else(|| panic!("not `ID | ARGS`: {line}"));
        let id = id.trim().to_string();
        assert!(seen.insert(id.clone()), "repeated id {id}");
        cases.push(Case { id, args: args.split_ascii_whitespace().map(String::from).collect() });
    }
    cases
}

/// The rules of regenerate.sh's `normalise`: the `{out}` directory's path is written `{out}`;
/// " scenarios in <digits>.<digits> s)" (the run time `sweep -o` reports) becomes
/// " scenarios in {secs} s)".
fn normalise(bytes: &[u8], out: &str) -> Vec<u8> {
    let bytes = replace_all(bytes, out.as_bytes(), b"{out}");
    let (pre, post) = (&b" scenarios in "[..], &b" s)"[..]);
    let mut res = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(pre) {
            let digits = |from: usize| from + bytes[from..].iter().take_while(|b| b.is_ascii_digit()).count();
            let dot = digits(i + pre.len());
            if bytes.get(dot) == Some(&b'.') {
                let end = digits(dot + 1);
                if bytes[end..].starts_with(post) {
                    res.extend_from_slice(b" scenarios in {secs} s)");
                    i = end + post.len();
                    continue;
                }
            }
        }
        res.push(bytes[i]);
        i += 1;
    }
    res
}

fn replace_all(hay: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut res = Vec::with_capacity(hay.len());
    let mut i = 0;
    while i < hay.len() {
        if hay[i..].starts_with(needle) {
            res.extend_from_slice(with);
            i += needle.len();
        } else {
            res.push(hay[i]);
            i += 1;
        }
    }
    res
}

/// `None` if equal, else where the first difference is, with both lines.
fn first_difference(expected: &[u8], actual: &[u8]) -> Option<String> {
    if expected == actual {
        return None;
    }
    let (e, a): (Vec<&[u8]>, Vec<&[u8]>) =
        (expected.split(|&b| b == b'\n').collect(), actual.split(|&b| b == b'\n').collect());
    let n = (0..e.len().max(a.len())).find(|&k| e.get(k) != a.get(k)).unwrap_or(0);
    let show = |l: Option<&&[u8]>| match l {
        Some(l) => format!("{:?}", String::from_utf8_lossy(&l[..l.len().min(300)])),
        None => "(end of output)".to_string(),
    };
    Some(format!("line {}:\n      expected {}\n      actual   {}", n + 1, show(e.get(n)), show(a.get(n))))
}

/// Every file under `dir`, as paths relative to it, sorted; none if `dir` does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    fn walk(base: &Path, dir: &Path, acc: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).into_iter().flatten().map(Result::unwrap) {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, acc);
            } else {
                acc.push(path.strip_prefix(base).unwrap().to_path_buf());
            }
        }
    }
    let mut acc = Vec::new();
    walk(dir, dir, &mut acc);
    acc.sort();
    acc
}

/// Runs one case; returns its differences from the expected files (empty if identical).
fn check(root: &Path, scratch: &Path, case: &Case) -> Vec<String> {
    let expected = root.join("tests/corpus/expected");
    let read = |name: String| fs::read(expected.join(name)).ok();
    let out = scratch.join(&case.id);
    fs::create_dir_all(&out).unwrap();
    let out_str = out.to_str().expect("UTF-8 temporary path");
    let args = case.args.iter().map(|a| a.replace("{out}", out_str));
    let output = Command::new(env!("CARGO_BIN_EXE_quota"))
        .args(args)
        .current_dir(root)
        .env_remove("CLICOLOR_FORCE") // clap would colour its messages even into a pipe
        .stdin(Stdio::null())
        .output()
        .expect("run quota");
    let code = output.status.code().map_or("signal".to_string(), |c| c.to_string());
    let mut diffs = Vec::new();
    let want_code = read(format!("{}.code", case.id)).map(|c| String::from_utf8_lossy(&c).trim().to_string());
    if want_code.as_deref() != Some(code.as_str()) {
        let want_code = want_code.unwrap_or_else(|| "(no expected file: run regenerate.sh)".to_string());
        diffs.push(format!("exit code: expected {want_code}, actual {code}"));
    }
    for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let want = read(format!("{}.{stream}", case.id)).unwrap_or_default();
        if let Some(d) = first_difference(&want, &normalise(bytes, out_str)) {
            diffs.push(format!("{stream} differs at {d}"));
        }
    }
    let want_dir = expected.join(format!("{}.files", case.id));
    let (want_files, got_files) = (files(&want_dir), files(&out));
    if want_files != got_files {
        diffs.push(format!("files under {{out}}: expected {want_files:?}, actual {got_files:?}"));
    }
    for f in want_files.iter().filter(|f| got_files.contains(f)) {
        let (want, got) = (fs::read(want_dir.join(f)).unwrap(), fs::read(out.join(f)).unwrap());
        if let Some(d) = first_difference(&want, &got) {
            diffs.push(format!("file {{out}}/{} differs at {d}", f.display()));
        }
    }
    let _ = fs::remove_dir_all(&out);
    diffs
}

#[test]
fn every_output_matches_the_recorded_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("output_corpus");
    let _ = fs::remove_dir_all(&scratch);
    let cases = cases(root);
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let workers = thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 8);
    thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some(case) = cases.get(k) else { break };
                let diffs = check(root, &scratch, case);
                if !diffs.is_empty() {
                    failures.lock().unwrap().push((k, format!("{}: {}", case.id, diffs.join("\n  "))));
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    let report: Vec<String> = failures.into_iter().map(|(_, f)| f).collect();
    assert!(
        report.is_empty(),
        "{} of {} invocations differ from tests/corpus/expected (if intended: tests/corpus/regenerate.sh \
         PATH/TO/quota, then review the diff):\n{}",
        report.len(),
        cases.len(),
        report.join("\n")
    );
}
