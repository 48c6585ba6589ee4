//! Bad-input cases in `tests/bad-input/<case>/` that carry an `expect.txt`: the case's files are
//! overlaid on a temporary copy of `tests/fixtures/clean`, then `juesuan check` must exit with
//! the code on the first line of `expect.txt`, its stderr must contain the second line, it must
//! not panic, and it must finish in under 5 s.
//!
//! Marker files (not copied): `delete.txt` lists files to delete; `latin1.txt` names a file to
//! which a line with a raw 0xFF byte is appended; `deep.txt` names a file to write as 10,000
//! nested flow lists; `huge.txt` names a file to write as 50 MB of comment lines. (`case.txt`
//! belongs to `tests/bad_input.rs` and is ignored here.)

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const MARKERS: &[&str] = &["expect.txt", "case.txt", "delete.txt", "latin1.txt", "deep.txt", "huge.txt"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn copy_dir(from: &Path, to: &Path, top: bool) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let name = e.file_name();
        if top && MARKERS.iter().any(|m| name == *m) {
            continue;
        }
        let t = to.join(&name);
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t, false);
        } else {
            std::fs::copy(e.path(), &t).unwrap();
        }
    }
}

fn marker(case: &Path, name: &str) -> Vec<String> {
    std::fs::read_to_string(case.join(name))
        .map(|t| t.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect())
        .unwrap_or_default()
}

/// Runs one case; `Err` describes the failure.
fn run(case: &Path) -> Result<(), String> {
    let expect = std::fs::read_to_string(case.join("expect.txt")).map_err(|e| e.to_string())?;
    let mut lines = expect.lines();
    let code: i32 = lines.next().ok_or("expect.txt: no exit code")?.trim().parse().map_err(|e| format!("exit code: {e}"))?;
    let needle = lines.next().unwrap_or("").to_string();

    let tmp = tempfile::tempdir().unwrap();
    let dept = tmp.path().join("dept");
    copy_dir(&root().join("fixtures/clean"), &dept, false);
    copy_dir(case, &dept, true);
    for f in marker(case, "delete.txt") {
        std::fs::remove_file(dept.join(&f)).map_err(|e| format!("delete {f}: {e}"))?;
    }
    for f in marker(case, "latin1.txt") {
        let mut bytes = std::fs::read(dept.join(&f)).unwrap();
        bytes.extend_from_slice(b"# caf\xff\n");
        std::fs::write(dept.join(&f), bytes).unwrap();
    }
    for f in marker(case, "deep.txt") {
        let n = 10_000;
        let text = format!("a: {}{}\n", "[".repeat(n), "]".repeat(n));
        std::fs::write(dept.join(&f), text).unwrap();
    }
    for f in marker(case, "huge.txt") {
        let line = format!("# {}\n", "x".repeat(98));
        std::fs::write(dept.join(&f), line.repeat(50 * 1024 * 1024 / line.len() + 1)).unwrap();
    }

    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_juesuan")).arg("check").arg(&dept).output().unwrap();
    let took = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let all = format!("{}{stderr}", String::from_utf8_lossy(&out.stdout));
    let mut why = Vec::new();
    if out.status.code() != Some(code) {
        why.push(format!("exit {:?}, expected {code}", out.status.code()));
    }
    if all.contains("panicked") {
        why.push("panicked".into());
    }
    if took >= Duration::from_secs(5) {
        why.push(format!("took {took:?}"));
    }
    if !needle.is_empty() && !all.contains(&needle) {
        why.push(format!("output lacks `{needle}`"));
    }
    if code == 2 {
        // The located error names the department file, not some other path.
        let prefix = format!("{}/", dept.display());
        if !stderr.lines().any(|l| l.starts_with(&prefix) && l.contains(": error")) {
            why.push(format!("no `{prefix}…: error` line"));
        }
    }
    if why.is_empty() { Ok(()) } else { Err(format!("{}\n--- output ---\n{all}", why.join("; "))) }
}

fn cases() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("bad-input"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expect.txt").is_file())
        .collect();
    v.sort();
    v
}

#[test]
fn at_least_forty_cases() {
    let n = cases().len();
    assert!(n >= 40, "only {n} cases with expect.txt");
}

#[test]
fn every_case() {
    let mut failed = Vec::new();
    for case in cases() {
        if let Err(e) = run(&case) {
            failed.push(format!("== {}: {e}", case.file_name().unwrap().to_string_lossy()));
        }
    }
    assert!(failed.is_empty(), "{} case(s) failed:\n{}", failed.len(), failed.join("\n"));
}

#[test]
fn template_and_typst_text_loads() {
    let n = cases()
        .iter()
        .filter(|c| std::fs::read_to_string(c.join("expect.txt")).unwrap().starts_with("0\n"))
        .count();
    assert!(n >= 3, "need at least 3 must-load cases, have {n}");
}
