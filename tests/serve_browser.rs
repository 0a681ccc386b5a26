//! The workbench in a real browser: headless Chromium driven by Selenium runs
//! tests/browser/workbench.py against `quota serve` (load, drag a weight slider, the table
//! changes and equals `quota allocate`, a unit's explanation, language switch, baseline and Δ,
//! versions, xlsx download, an error next to its field, latency). Screenshots go to
//! $QUOTA_SCREENSHOTS (default /tmp/quota-serve-screenshots).
//!
//! Needs Debian's `chromium` and `chromium-driver` and Python's `selenium` (`.ci/run` installs
//! them). Without them the test fails and says what to install: CI must run it.

#[path = "common/server.rs"]
mod server;

use std::path::Path;
use std::process::Command;

use server::Server;

fn require(ok: bool, what: &str) {
    assert!(
        ok,
        "the browser test needs {what}; install with: apt-get install -y chromium chromium-driver fonts-wqy-microhei && pip install selenium (or set CHROMIUM / CHROMEDRIVER)"
    );
}

#[test]
fn the_workbench_works_in_headless_chromium() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let driver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    require(Path::new(&chromium).exists(), &format!("Chromium at {chromium}"));
    require(Path::new(&driver).exists(), &format!("chromedriver at {driver}"));
    let selenium = Command::new("python3").args(["-c", "import selenium"]).status();
    require(selenium.is_ok_and(|s| s.success()), "python3 with the selenium package");

    let server = Server::start(&[]);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shots = std::env::var("QUOTA_SCREENSHOTS").unwrap_or_else(|_| "/tmp/quota-serve-screenshots".into());
    let out = Command::new("python3")
        .arg(root.join("tests/browser/workbench.py"))
        .arg(&server.url)
        .args(["--quota", env!("CARGO_BIN_EXE_quota")])
        .arg("--data")
        .arg(root.join("data"))
        .args(["--shots", &shots])
        .env("CHROMIUM", &chromium)
        .env("CHROMEDRIVER", &driver)
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(out.status.success(), "the browser test failed:\n{stdout}\n{stderr}");
    assert!(stdout.lines().any(|l| l == "OK"), "{stdout}");
}
