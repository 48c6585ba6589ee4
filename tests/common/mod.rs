//! Shared helpers of the `check_rules` and `bad_input` tests: copy a fixture to a temporary
//! folder, edit it, run the real `juesuan` binary with a time limit, parse its findings.
#![allow(dead_code)]

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The `juesuan` binary built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_juesuan");

/// `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Copies the fixture `name` into a fresh temporary folder; returns the guard and the
/// department folder inside it (named `dept`, so paths in messages are predictable).
pub fn copy_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dept = tmp.path().join("dept");
    copy_dir(&fixture(name), &dept);
    (tmp, dept)
}

/// Recursive copy of a folder of plain files.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    let mut entries: Vec<_> = std::fs::read_dir(from)
        .unwrap_or_else(|e| panic!("read {}: {e}", from.display()))
        .map(|e| e.expect("dir entry"))
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let target = to.join(e.file_name());
        if e.file_type().expect("file type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap_or_else(|err| panic!("copy {}: {err}", e.path().display()));
        }
    }
}

/// Replaces the only occurrence of `old` in `dept/file` by `new`; panics unless `old` occurs
/// exactly once (an edit that silently matched nothing would make the test meaningless).
pub fn replace_once(dept: &Path, file: &str, old: &str, new: &str) {
    let path = dept.join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let n = text.matches(old).count();
    assert_eq!(n, 1, "`{old}` occurs {n} times in {file}; the edit must match exactly once");
    std::fs::write(&path, text.replacen(old, new, 1)).expect("write");
}

/// Appends `text` to `dept/file`.
pub fn append(dept: &Path, file: &str, text: &str) {
    let path = dept.join(file);
    let mut old = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    old.push_str(text);
    std::fs::write(&path, old).expect("write");
}

/// 1-based line of the first line of `dept/file` containing `needle`.
pub fn line_of(dept: &Path, file: &str, needle: &str) -> usize {
    let path = dept.join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("`{needle}` not found in {file}"))
}

/// What a run of the binary gave.
#[derive(Debug)]
pub struct Run {
    /// Exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Wall time.
    pub elapsed: Duration,
}

impl Run {
    /// Both streams, for failure messages.
    pub fn both(&self) -> String {
        format!("exit {:?} after {:?}\n--- stdout\n{}\n--- stderr\n{}", self.code, self.elapsed, self.stdout, self.stderr)
    }
}

/// Runs `juesuan args…`, killing it after `limit` (the test then fails with what was printed).
pub fn run(args: &[&str], limit: Duration) -> Run {
    run_cmd(Command::new(BIN).args(args), limit)
}

/// Runs `juesuan args…` with its address space limited to `mem_mb` MiB (Linux, through
/// `sh -c 'ulimit -v …'`), so that a memory blow-up fails fast instead of swapping.
pub fn run_limited(args: &[&str], limit: Duration, mem_mb: u64) -> Run {
    if cfg!(target_os = "linux") && Path::new("/bin/sh").exists() {
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c").arg(format!("ulimit -v {} && exec \"$0\" \"$@\"", mem_mb * 1024)).arg(BIN).args(args);
        run_cmd(&mut cmd, limit)
    } else {
        run(args, limit)
    }
}

fn run_cmd(cmd: &mut Command, limit: Duration) -> Run {
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {BIN}: {e}"));
    // Drain both pipes on threads so a chatty child cannot block on a full pipe.
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    let stdout = String::from_utf8_lossy(&t_out.join().expect("stdout thread")).into_owned();
    let stderr = String::from_utf8_lossy(&t_err.join().expect("stderr thread")).into_owned();
    let Some(status) = status else {
        panic!("juesuan did not finish within {limit:?}\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
    };
    Run { code: status.code(), stdout, stderr, elapsed }
}

/// `juesuan check DIR` with the default time limit.
pub fn check(dept: &Path) -> Run {
    run(&["check", dept.to_str().expect("utf-8 path")], Duration::from_secs(20))
}

/// One finding line: `path:line:col: severity[RULE]: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub severity: String,
    pub rule: String,
    pub message: String,
}

/// Parses the finding lines of `check`'s text output (hint lines are skipped).
pub fn findings(stdout: &str) -> Vec<Finding> {
    stdout.lines().filter(|l| !l.starts_with(' ')).map(|l| parse_finding(l).unwrap_or_else(|| panic!("not a finding: {l}"))).collect()
}

/// Parses `path:line:col: severity[RULE]: message`.
pub fn parse_finding(line: &str) -> Option<Finding> {
    let (head, message) = line.split_once("]: ")?;
    let (place, sev_rule) = head.rsplit_once(": ")?;
    let (severity, rule) = sev_rule.split_once('[')?;
    let mut parts = place.rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let line_no = parts.next()?.parse().ok()?;
    let file = parts.next()?.to_string();
    Some(Finding { file, line: line_no, col, severity: severity.into(), rule: rule.into(), message: message.into() })
}

/// The rule ids printed by `check --list-rules`.
pub fn listed_rules() -> Vec<String> {
    let r = run(&["check", "--list-rules"], Duration::from_secs(20));
    assert_eq!(r.code, Some(0), "{}", r.both());
    r.stdout.lines().filter_map(|l| l.split_whitespace().next()).map(str::to_string).collect()
}

/// The text of every `w:t` in order, XML entities decoded.
pub fn docx_text(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<w:t") {
        let after = &rest[i + 4..];
        if !after.starts_with('>') && !after.starts_with(' ') {
            rest = after;
            continue;
        }
        let Some(gt) = after.find('>') else { break };
        let Some(end) = after[gt..].find("</w:t>") else { break };
        out.push_str(&after[gt + 1..gt + end]);
        rest = &after[gt + end..];
    }
    out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}
