//! docs/slurm/sweep.sh, the Slurm job-array recipe, without Slurm: its `shard` step run as
//! every array task would run it (SLURM_ARRAY_TASK_ID = 1..N), then its `merge` step; the
//! result must be byte-identical to the unsharded sweep.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().to_string(), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn the_slurm_script_shards_and_merges_to_the_unsharded_output() {
    let work = std::env::temp_dir().join(format!("quota-slurm-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let design = "--design monte-carlo --dirichlet 40 --scenarios 5000 --seed 3";
    let step = |what: &str, task: Option<u32>| {
        let mut c = Command::new("bash");
        c.arg("docs/slurm/sweep.sh")
            .arg(what)
            .env("QUOTA", env!("CARGO_BIN_EXE_quota"))
            .env("SHARDS", "3")
            .env("DESIGN", design)
            .env("SCENARIO", "data/scenarios/2024-batch1.toml")
            .env("WORK", &work)
            .env("THREADS", "1");
        if let Some(k) = task {
            c.env("SLURM_ARRAY_TASK_ID", k.to_string());
        }
        let o = c.output().unwrap();
        assert!(o.status.success(), "{what} {task:?}: {}", String::from_utf8_lossy(&o.stderr));
    };
    for k in [2, 3, 1] {
        step("shard", Some(k));
    }
    step("merge", None);
    let whole = work.join("whole");
    let mut args = vec!["sweep", "data/scenarios/2024-batch1.toml"];
    args.extend(design.split(' '));
    args.extend(["-o", whole.to_str().unwrap()]);
    let o = Command::new(env!("CARGO_BIN_EXE_quota")).args(&args).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (w, m) = (files(&whole), files(&work.join("out")));
    assert!(w.contains_key("summary.json"));
    assert!(w == m, "merged output differs from the unsharded run");
    let _ = std::fs::remove_dir_all(&work);
}
