//! The bad-input corpus (`tests/bad-input/<case>/case.txt`, format in
//! `tests/bad-input/README.md`): every case is the clean fixture with one thing broken.
//! `juesuan check` must reject it with exit 2 and exactly the expected located errors
//! (`file:line:col: error: message`), never panic, and finish quickly with bounded memory;
//! `juesuan build` of a rejected case must fail the same way and write nothing. The cases
//! that only look dangerous (template or Typst syntax in texts) must load, and build, with
//! the text printed literally.

mod common;

use common::*;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Default time limit per run (the binary must finish well under it).
const MAX_SECONDS: u64 = 5;
/// Default address-space limit per run, MiB.
const MEMORY_MB: u64 = 1024;
/// Cases run on this many threads (each case is timed on its own).
const THREADS: usize = 4;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-input")
}

/// The case folders, sorted.
fn case_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(corpus())
        .expect("tests/bad-input")
        .map(|e| e.expect("entry"))
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// One step that turns the base fixture into the case.
#[derive(Debug)]
enum Op {
    Replace { file: String, old: Vec<u8>, new: Vec<u8> },
    Append { file: String, text: Vec<u8> },
    Write { file: String, text: Vec<u8> },
    Remove { file: String },
    Mkdir { path: String },
    Symlink { file: String, target: String },
    Generate { file: String, head: Vec<u8>, repeat: Vec<u8>, close: Vec<u8>, times: usize, tail: Vec<u8> },
    Sparse { file: String, size: u64, count: usize },
}

/// A parsed `case.txt`.
#[derive(Debug)]
struct Case {
    name: String,
    /// The first comment line: what is broken.
    about: String,
    base: String,
    exits: Vec<i32>,
    /// Exact stderr lines `FILE:LINE:COL: MESSAGE` (or `FILE: MESSAGE`), after `<dept>/` and
    /// before `error: `; `<dept>` in MESSAGE stands for the department folder.
    errors: Vec<String>,
    expect: Vec<String>,
    reject: Vec<String>,
    /// Texts the built DOCX must show literally (accepted cases).
    render: Vec<String>,
    ops: Vec<Op>,
    max_seconds: u64,
    memory_mb: u64,
}

/// `\n`, `\t`, `\s` (space), `\\` and `\xHH` (a raw byte) in a value; any other backslash is literal.
fn unescape(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            match b[i + 1] {
                b'n' => out.push(b'\n'),
                b't' => out.push(b'\t'),
                b's' => out.push(b' '),
                b'\\' => out.push(b'\\'),
                b'x' if i + 4 <= b.len() => {
                    let hex = std::str::from_utf8(&b[i + 2..i + 4]).expect("hex");
                    out.push(u8::from_str_radix(hex, 16).unwrap_or_else(|_| panic!("bad \\x escape in `{s}`")));
                    i += 4;
                    continue;
                }
                // Any other backslash is literal (YAML's own `\"` stays as written).
                _ => {
                    out.push(b'\\');
                    i += 1;
                    continue;
                }
            }
            i += 2;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

fn parse_case(name: &str) -> Case {
    let path = corpus().join(name).join("case.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut case = Case {
        name: name.to_string(),
        about: String::new(),
        base: "clean".into(),
        exits: vec![2],
        errors: Vec::new(),
        expect: Vec::new(),
        reject: Vec::new(),
        render: Vec::new(),
        ops: Vec::new(),
        max_seconds: MAX_SECONDS,
        memory_mb: MEMORY_MB,
    };
    let mut file: Option<String> = None;
    let mut old: Option<Vec<u8>> = None;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if let Some(c) = line.strip_prefix('#') {
            if case.about.is_empty() {
                case.about = c.trim().to_string();
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let (key, value) = line.split_once(':').unwrap_or_else(|| panic!("{name}/case.txt:{}: expected `key: value`", n + 1));
        // The value is everything after `key: ` (one space), kept exactly.
        let value = value.strip_prefix(' ').unwrap_or(value);
        let cur = || file.clone().unwrap_or_else(|| panic!("{name}/case.txt:{}: `{key}` before `edit:`", n + 1));
        match key {
            "base" => case.base = value.to_string(),
            "exit" => case.exits = value.split_whitespace().map(|v| v.parse().expect("exit code")).collect(),
            "error" => case.errors.push(value.to_string()),
            "expect" => case.expect.push(value.to_string()),
            "reject" => case.reject.push(value.to_string()),
            "render" => case.render.push(value.to_string()),
            "max-seconds" => case.max_seconds = value.parse().expect("seconds"),
            "memory-mb" => case.memory_mb = value.parse().expect("MiB"),
            "edit" => file = Some(value.to_string()),
            "old" => old = Some(unescape(value)),
            "new" => {
                let o = old.take().unwrap_or_else(|| panic!("{name}/case.txt:{}: `new:` without `old:`", n + 1));
                case.ops.push(Op::Replace { file: cur(), old: o, new: unescape(value) });
            }
            "append" => case.ops.push(Op::Append { file: cur(), text: unescape(value) }),
            "write" => {
                file = Some(value.to_string());
                case.ops.push(Op::Write { file: value.to_string(), text: Vec::new() });
            }
            "line" => match case.ops.last_mut() {
                Some(Op::Write { text, .. }) => {
                    text.extend(unescape(value));
                    text.push(b'\n');
                }
                _ => panic!("{name}/case.txt:{}: `line:` outside `write:`", n + 1),
            },
            "remove" => case.ops.push(Op::Remove { file: value.to_string() }),
            "mkdir" => case.ops.push(Op::Mkdir { path: value.to_string() }),
            "symlink" => {
                let (f, t) = value.split_once(" -> ").expect("symlink: FILE -> TARGET");
                case.ops.push(Op::Symlink { file: f.to_string(), target: t.to_string() });
            }
            "generate" => case.ops.push(Op::Generate {
                file: value.to_string(),
                head: Vec::new(),
                repeat: Vec::new(),
                close: Vec::new(),
                times: 0,
                tail: Vec::new(),
            }),
            "sparse" => {
                let mut it = value.split_whitespace();
                let (Some(file), Some(size), Some(count)) = (it.next(), it.next(), it.next()) else {
                    panic!("{name}/case.txt:{}: sparse: FILE SIZE COUNT", n + 1)
                };
                case.ops.push(Op::Sparse {
                    file: file.to_string(),
                    size: size.replace('_', "").parse().expect("size"),
                    count: count.parse().expect("count"),
                });
            }
            "head" | "repeat" | "close" | "times" | "tail" => match case.ops.last_mut() {
                Some(Op::Generate { head, repeat, close, times, tail, .. }) => match key {
                    "head" => *head = unescape(value),
                    "repeat" => *repeat = unescape(value),
                    "close" => *close = unescape(value),
                    "times" => *times = value.replace('_', "").parse().expect("times"),
                    _ => *tail = unescape(value),
                },
                _ => panic!("{name}/case.txt:{}: `{key}:` outside `generate:`", n + 1),
            },
            _ => panic!("{name}/case.txt:{}: unknown key `{key}`", n + 1),
        }
    }
    assert!(old.is_none(), "{name}/case.txt: `old:` without `new:`");
    case
}

/// Builds the case's department folder: the base fixture, then the steps of `case.txt`.
fn build_dept(case: &Case, dept: &Path) {
    copy_dir(&fixture(&case.base), dept);
    for op in &case.ops {
        match op {
            Op::Replace { file, old, new } => {
                let p = dept.join(file);
                let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: read {file}: {e}", case.name));
                let hits: Vec<usize> = (0..=bytes.len().saturating_sub(old.len())).filter(|&i| bytes[i..].starts_with(old)).collect();
                assert_eq!(hits.len(), 1, "{}: `{}` occurs {} times in {file}", case.name, String::from_utf8_lossy(old), hits.len());
                let mut out = bytes[..hits[0]].to_vec();
                out.extend_from_slice(new);
                out.extend_from_slice(&bytes[hits[0] + old.len()..]);
                std::fs::write(&p, out).expect("write");
            }
            Op::Append { file, text } => {
                let p = dept.join(file);
                let mut bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: read {file}: {e}", case.name));
                bytes.extend_from_slice(text);
                std::fs::write(&p, bytes).expect("write");
            }
            Op::Write { file, text } => std::fs::write(dept.join(file), text).expect("write"),
            Op::Remove { file } => std::fs::remove_file(dept.join(file)).unwrap_or_else(|e| panic!("{}: remove {file}: {e}", case.name)),
            Op::Mkdir { path } => std::fs::create_dir_all(dept.join(path)).expect("mkdir"),
            Op::Symlink { file, target } => {
                let p = dept.join(file);
                let _ = std::fs::remove_file(&p);
                #[cfg(unix)]
                std::os::unix::fs::symlink(target, &p).expect("symlink");
                #[cfg(not(unix))]
                let _ = target;
            }
            Op::Generate { file, head, repeat, close, times, tail } => {
                use std::io::Write as _;
                // `generate: +FILE` appends to what earlier steps wrote.
                let f = match file.strip_prefix('+') {
                    Some(f) => std::fs::OpenOptions::new().append(true).open(dept.join(f)).expect("open"),
                    None => std::fs::File::create(dept.join(file)).expect("create"),
                };
                let mut w = std::io::BufWriter::new(f);
                w.write_all(head).unwrap();
                for _ in 0..*times {
                    w.write_all(repeat).unwrap();
                }
                for _ in 0..*times {
                    w.write_all(close).unwrap();
                }
                w.write_all(tail).unwrap();
                w.flush().unwrap();
            }
            Op::Sparse { file, size, count } => {
                for n in 0..*count {
                    let f = std::fs::File::create(dept.join(file.replace("{n}", &format!("{n:03}")))).expect("create");
                    f.set_len(*size).expect("set_len");
                }
            }
        }
    }
}

/// The text of every `w:t` of the DOCX's main part, XML entities decoded.
fn docx_text(docx: &Path) -> String {
    let f = std::fs::File::open(docx).unwrap_or_else(|e| panic!("{}: {e}", docx.display()));
    let mut z = zip::ZipArchive::new(f).expect("a zip archive");
    let mut xml = String::new();
    z.by_name("word/document.xml").expect("word/document.xml").read_to_string(&mut xml).unwrap();
    let mut out = String::new();
    for piece in xml.split("<w:t").skip(1) {
        if let Some((attrs, rest)) = piece.split_once('>') {
            if !attrs.ends_with('/') && (attrs.is_empty() || attrs.starts_with(' ')) {
                out.push_str(rest.split("</w:t>").next().unwrap_or(""));
            }
        }
    }
    out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// Runs one case; returns a description of what went wrong, if anything.
fn run_case(case: &Case) -> Result<(), String> {
    if case.ops.iter().any(|op| matches!(op, Op::Symlink { .. })) && !cfg!(unix) {
        return Ok(());
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let dept = tmp.path().join("dept");
    build_dept(case, &dept);
    let d = dept.display().to_string();
    let limit = Duration::from_secs(case.max_seconds);
    // A run may take up to twice the limit before it is killed; the checks on `elapsed`
    // below are the real limit.
    let kill_after = limit * 2 + Duration::from_secs(5);
    let r = run_limited(&["check", &d], kill_after, case.memory_mb);
    if std::env::var_os("BAD_INPUT_SHOW").is_some() {
        // `BAD_INPUT_SHOW=1 cargo test --test bad_input every_case -- --nocapture` shows what each case gives.
        let lines: Vec<String> = r.stderr.lines().chain(r.stdout.lines()).map(|l| l.replace(&format!("{d}/"), "").replace(&d, "<dept>")).collect();
        eprintln!("=== {} (exit {:?}, {:.0?})\n{}", case.name, r.code, r.elapsed, lines.join("\n"));
    }
    let mut problems = Vec::new();
    if r.stderr.contains("panicked") || r.code.is_none() {
        problems.push("the binary panicked or was killed".to_string());
    }
    if !r.code.is_some_and(|c| case.exits.contains(&c)) {
        problems.push(format!("exit {:?}, expected one of {:?}", r.code, case.exits));
    }
    if r.elapsed > limit {
        problems.push(format!("check took {:?}, limit {limit:?}", r.elapsed));
    }
    let rejected = case.exits == [2];
    // The exact error lines, and no other error.
    let wanted: Vec<String> = case.errors.iter().map(|e| expected_line(&d, e)).collect();
    let got: Vec<&str> = r.stderr.lines().filter(|l| l.contains(": error: ")).collect();
    for w in &wanted {
        if !got.contains(&w.as_str()) {
            problems.push(format!("no stderr line `{w}`"));
        }
    }
    if rejected && got.len() != wanted.len() {
        problems.push(format!("{} error lines, expected {}", got.len(), wanted.len()));
    }
    // Load errors go to stderr; findings (exit 0/1) to stdout.
    let output = if rejected { r.stderr.clone() } else { format!("{}{}", r.stdout, r.stderr) };
    for s in &case.expect {
        if !output.contains(s.as_str()) {
            problems.push(format!("output lacks `{s}`"));
        }
    }
    for s in &case.reject {
        if output.contains(s.as_str()) {
            problems.push(format!("output contains `{s}`"));
        }
    }
    let out = tmp.path().join("out");
    let o = out.display().to_string();
    if rejected {
        // A rejected input builds nothing: same errors, exit 2, no file written.
        let b = run_limited(&["build", &d, "-o", &o], kill_after, case.memory_mb);
        if b.stderr.contains("panicked") || b.code != Some(2) {
            problems.push(format!("build: exit {:?}, expected 2\n{}", b.code, b.both()));
        }
        if b.elapsed > limit {
            problems.push(format!("build took {:?}, limit {limit:?}", b.elapsed));
        }
        if let Some(first) = wanted.first().filter(|w| !b.stderr.lines().any(|l| l == w.as_str())) {
            problems.push(format!("build does not report `{first}`"));
        }
        if let Ok(entries) = std::fs::read_dir(&out) {
            let written: Vec<String> = entries.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect();
            if !written.is_empty() {
                problems.push(format!("build of a rejected input wrote {written:?}"));
            }
        }
    } else if !case.render.is_empty() {
        // Text that looks like markup is data: the booklet builds and prints it as written.
        let b = run_limited(&["build", &d, "-o", &o, "--format", "docx"], kill_after, case.memory_mb);
        if b.code != Some(0) || b.stderr.contains("panicked") {
            problems.push(format!("build: exit {:?}, expected 0\n{}", b.code, b.both()));
        } else {
            let text = docx_text(&out.join("dept.docx"));
            for s in &case.render {
                if !text.contains(s.as_str()) {
                    problems.push(format!("the DOCX does not show `{s}` literally"));
                }
            }
            if text.contains("root:") {
                problems.push("the DOCX shows what looks like /etc/passwd".into());
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{} ({}): {}\n{}", case.name, case.about, problems.join("; "), r.both()))
    }
}

/// `<dept>/FILE:LINE:COL: error: MESSAGE` from a case's `error: FILE:LINE:COL: MESSAGE`.
fn expected_line(dept: &str, error: &str) -> String {
    // The place ends at the first `: ` after the file name (`FILE:LINE:COL` or `FILE`).
    let (place, message) = error.split_once(": ").unwrap_or_else(|| panic!("`error: {error}`: expected `FILE:LINE:COL: MESSAGE`"));
    format!("{dept}/{place}: error: {}", message.replace("<dept>", dept))
}

#[test]
fn corpus_is_large_and_well_formed() {
    let names = case_names();
    assert!(names.len() >= 40, "only {} bad-input cases", names.len());
    for name in &names {
        let case = parse_case(name);
        assert!(!case.about.is_empty(), "{name}: case.txt must start with a `# …` comment saying what is broken");
        assert!(!case.exits.is_empty(), "{name}: no exit code");
        if case.exits == [2] {
            assert!(!case.errors.is_empty(), "{name}: a rejected input needs its `error: FILE:LINE:COL: MESSAGE`");
            assert!(case.render.is_empty(), "{name}: `render:` is for accepted inputs");
        } else {
            assert!(!case.exits.contains(&2), "{name}: an accepted input must not allow exit 2");
            assert!(case.errors.is_empty(), "{name}: an accepted input has no load error");
        }
        assert!(!case.ops.is_empty(), "{name}: breaks nothing");
        let files: Vec<String> = std::fs::read_dir(corpus().join(name))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|f| f != "case.txt")
            .collect();
        assert!(files.is_empty(), "{name}: a case folder holds only case.txt (found {files:?}); write files with `write:`/`line:`");
    }
}

#[test]
fn every_case_is_handled() {
    // A few cases at a time (each timed on its own) keeps the suite quick.
    let names = case_names();
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(name) = names.get(i) else { break };
                if let Err(e) = run_case(&parse_case(name)) {
                    failures.lock().unwrap().push(e);
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{} of {} cases failed:\n\n{}", failures.len(), names.len(), failures.join("\n\n"));
}

/// The clean fixture itself passes through the same harness (exit 0), so the corpus's
/// rejections come from the one thing each case breaks.
#[test]
fn base_fixture_is_accepted() {
    let (_tmp, dept) = copy_fixture("clean");
    let r = run_limited(&["check", dept.to_str().unwrap()], Duration::from_secs(20), MEMORY_MB);
    assert_eq!(r.code, Some(0), "{}", r.both());
    assert!(r.stderr.contains("0 errors, 0 warnings"), "{}", r.both());
}

/// A folder that is not a department at all.
#[test]
fn not_a_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("department.yaml");
    std::fs::write(&file, "name: x\n").unwrap();
    for target in [file.clone(), tmp.path().join("missing")] {
        let r = run(&["check", target.to_str().unwrap()], Duration::from_secs(20));
        assert_eq!(r.code, Some(2), "{}", r.both());
        assert!(r.stderr.contains("not a department folder"), "{}", r.both());
        assert!(!r.stderr.contains("panicked"), "{}", r.both());
    }
}

/// Every required file missing at once: each is named, none panics, and the hint says how
/// to scaffold a folder.
#[test]
fn empty_folder_names_every_missing_file() {
    let tmp = tempfile::tempdir().unwrap();
    let r = run(&["check", tmp.path().to_str().unwrap()], Duration::from_secs(20));
    assert_eq!(r.code, Some(2), "{}", r.both());
    for f in ["department.yaml", "tables/01-summary.yaml", "tables/10-statistics.yaml", "explanation.yaml"] {
        assert!(r.stderr.contains(&format!("{f}: error: required file is missing")), "{f}\n{}", r.both());
    }
    assert!(r.stderr.contains("juesuan new DIR --department NAME --year YEAR"), "{}", r.both());
    assert!(!r.stderr.contains("glossary.yaml"), "glossary.yaml is optional\n{}", r.both());
}

/// A FIFO reports size 0 and would block a naive reader forever: it is refused unread.
#[cfg(unix)]
#[test]
fn fifo_is_not_read() {
    if std::process::Command::new("mkfifo").arg("--version").output().is_err() {
        return;
    }
    let (_tmp, dept) = copy_fixture("clean");
    let fifo = dept.join("projects/p09.yaml");
    let ok = std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
    if !ok {
        return;
    }
    let r = run_limited(&["check", dept.to_str().unwrap()], Duration::from_secs(10), MEMORY_MB);
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(r.stderr.contains(&format!("{}: error: not a regular file", fifo.display())), "{}", r.both());
    assert!(r.elapsed < Duration::from_secs(MAX_SECONDS), "{}", r.both());
}

/// A project file whose name is not UTF-8 (`你.yaml` saved on a GBK system) is an error naming
/// it, not "No such file" and not a booklet without the project.
#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_named() {
    use std::os::unix::ffi::OsStrExt;
    let (_tmp, dept) = copy_fixture("clean");
    let name = std::ffi::OsStr::from_bytes(b"\xc4\xe3.yaml");
    std::fs::rename(dept.join("projects/p03.yaml"), dept.join("projects").join(name)).unwrap();
    let r = run_limited(&["check", dept.to_str().unwrap()], Duration::from_secs(10), MEMORY_MB);
    assert_eq!(r.code, Some(2), "{}", r.both());
    let want = format!("{}/projects/\u{fffd}\u{fffd}.yaml: error: the file name is not UTF-8", dept.display());
    assert!(r.stderr.contains(&want), "{}", r.both());
    assert!(r.stderr.contains("rename the file with a UTF-8 name"), "{}", r.both());
    assert!(!r.stderr.contains("No such file"), "{}", r.both());
}
