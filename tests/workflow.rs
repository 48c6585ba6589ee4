//! The everyday workflow, end to end with the real binary: `new` + `new-project` make a folder
//! that `check` accepts and `build` renders; `watch` rebuilds after an edit and keeps the last
//! good outputs when the input breaks; `batch` builds many departments, goes on past a broken
//! one and prints the summary; a build killed with SIGKILL leaves the previous outputs intact.

mod common;

use common::{copy_dir, copy_fixture, replace_once, run, BIN};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(60);

fn pdftext(pdf: &Path) -> String {
    pdftext_mode(pdf, "-layout")
}

/// `-raw` keeps content-stream order (the rotated draft mark stays together).
fn pdftext_mode(pdf: &Path, mode: &str) -> String {
    let out = Command::new("pdftotext").args([mode, "-enc", "UTF-8"]).arg(pdf).arg("-").output().expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "pdftotext failed on {}", pdf.display());
    // (`-layout` without the draft mark heading each page; `-raw` keeps it.)
    let text = String::from_utf8_lossy(&out.stdout);
    let lines = text.lines().filter(|l| mode != "-layout" || l.trim() != "仅供内部审核");
    lines.flat_map(str::chars).filter(|c| !c.is_whitespace()).collect()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

#[test]
fn new_department_is_accepted_and_renders() {
    let tmp = tempfile::tempdir().unwrap();
    let dept = tmp.path().join("新部门-2025");
    let r = run(&["new", s(&dept), "--department", "岚县测试局 & <#x> {{ y }}", "--year", "2025", "--code", "901"], LIMIT);
    assert_eq!(r.code, Some(0), "{}", r.both());
    for f in ["department.yaml", "explanation.yaml", "tables/01-summary.yaml", "tables/10-statistics.yaml", "projects/example.yaml"] {
        assert!(dept.join(f).is_file(), "new wrote no {f}");
    }
    let r = run(&["new-project", s(&dept), "p-2"], LIMIT);
    assert_eq!(r.code, Some(0), "{}", r.both());
    assert!(dept.join("projects/p-2.yaml").is_file());

    let r = run(&["check", s(&dept)], LIMIT);
    assert_eq!(r.code, Some(0), "check must accept a new folder: {}", r.both());
    assert!(r.stderr.contains("0 errors, 0 warnings"), "{}", r.both());

    let out = tmp.path().join("out");
    let r = run(&["build", s(&dept), "-o", s(&out)], LIMIT);
    assert_eq!(r.code, Some(0), "{}", r.both());
    let text = pdftext(&out.join("新部门-2025.pdf"));
    for want in ["岚县测试局&<#x>{{y}}", "2025年度部门决算公开", "本表无数据", "名词解释", "示例项目", "项目p-2"] {
        assert!(text.contains(want), "new department's PDF lacks {want}");
    }
    // An empty department reads as sentences, not as blanks where a ratio of zeros would go.
    for bad in ["的。", "的%", "占比。", "NaN"] {
        assert!(!text.contains(bad), "new department's PDF has {bad:?}");
    }
    assert!(text.contains("2025年一般公共预算财政拨款决算支出0万元。"), "zero total: the 占比 clause is left out");
    assert!(pdftext_mode(&out.join("新部门-2025.pdf"), "-raw").contains("仅供内部审核"), "a new department is a draft");
    assert!(out.join("新部门-2025.docx").is_file());
}

#[test]
fn new_refuses_to_overwrite_and_bad_ids() {
    let (_tmp, dept) = copy_fixture("clean");
    let before = std::fs::read(dept.join("department.yaml")).unwrap();
    let r = run(&["new", s(&dept), "--department", "x", "--year", "2024"], LIMIT);
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(r.stderr.contains("already exists; nothing written"), "{}", r.both());
    assert_eq!(std::fs::read(dept.join("department.yaml")).unwrap(), before);

    for bad in ["../../etc/passwd", "a/b", "", "-x", "p 1"] {
        let r = run(&["new-project", s(&dept), "--", bad], LIMIT);
        assert_eq!(r.code, Some(2), "id {bad:?}: {}", r.both());
        assert!(r.stderr.contains("expected letters, digits"), "{}", r.both());
    }
    let r = run(&["new-project", s(&dept), "p01"], LIMIT);
    assert_eq!(r.code, Some(2), "{}", r.both());
    // An id that differs from a file's name or id only in case: check would reject the pair.
    let r = run(&["new-project", s(&dept), "P01"], LIMIT);
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(r.stderr.contains("project id `P01` is taken by") && r.stderr.contains("p01.yaml"), "{}", r.both());
    assert!(!dept.join("projects/P01.yaml").exists());
    std::fs::rename(dept.join("projects/p02.yaml"), dept.join("projects/second.yaml")).unwrap();
    let r = run(&["new-project", s(&dept), "P02"], LIMIT);
    assert_eq!(r.code, Some(2), "the id inside second.yaml is p02: {}", r.both());
    assert!(r.stderr.contains("second.yaml"), "{}", r.both());
    let r = run(&["new-project", s(&dept.join("tables")), "p9"], LIMIT);
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(r.stderr.contains("not a department folder"), "{}", r.both());
    let r = run(&["new", s(&dept.parent().unwrap().join("y")), "--department", "x", "--year", "24"], LIMIT);
    assert_eq!(r.code, Some(2), "{}", r.both());
}

/// A running `juesuan watch`, its stderr lines arriving on a channel.
struct Watch {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Watch {
    fn start(dept: &Path, out: &Path) -> Watch {
        Watch::start_with(dept, out, &[])
    }

    fn start_with(dept: &Path, out: &Path, extra: &[&str]) -> Watch {
        let mut child = Command::new(BIN)
            .args(["watch", s(dept), "-o", s(out), "--format", "pdf"])
            .args(extra)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("binary runs");
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Watch { child, lines, seen: Vec::new() }
    }

    /// Waits for a line containing `needle`; returns it.
    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + LIMIT;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => break,
            }
        }
        panic!("watch never printed {needle:?}; it printed:\n{}", self.seen.join("\n"));
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `watch --strict` writes nothing while check finds errors, as `build --strict` refuses.
#[test]
fn watch_strict_keeps_the_outputs_while_check_finds_errors() {
    let (tmp, dept) = copy_fixture("clean");
    let out = tmp.path().join("out");
    let mut w = Watch::start_with(&dept, &out, &["--strict"]);
    w.wait_for("booklet: wrote");
    let good = std::fs::read(out.join("dept.pdf")).unwrap();
    std::thread::sleep(Duration::from_millis(50));
    replace_once(&dept, "explanation.yaml", "three_public_completion: 80.00", "three_public_completion: 88.00");
    w.wait_for("check: 1 errors");
    w.wait_for("not rebuilt (--strict)");
    assert_eq!(std::fs::read(out.join("dept.pdf")).unwrap(), good, "--strict wrote a booklet with errors");
}

#[test]
fn watch_rebuilds_after_an_edit_and_keeps_outputs_on_bad_input() {
    let (tmp, dept) = copy_fixture("clean");
    let out = tmp.path().join("out");
    let mut w = Watch::start(&dept, &out);
    w.wait_for("booklet: wrote");
    w.wait_for("done in");
    let booklet = out.join("dept.pdf");
    assert!(pdftext(&booklet).contains("岚县科技成果转化服务平台运维经费"));

    // Mtime resolution: make sure the edit is a different (mtime, size).
    std::thread::sleep(Duration::from_millis(50));
    replace_once(&dept, "projects/p01.yaml", "name: \"岚县科技成果转化服务平台运维经费\"", "name: \"岚县科技成果转化平台运维经费（改）\"");
    w.wait_for("changed: projects/p01.yaml");
    w.wait_for("report p01: wrote");
    w.wait_for("booklet: wrote");
    w.wait_for("done in");
    assert!(pdftext(&out.join("dept-p01.pdf")).contains("岚县科技成果转化平台运维经费（改）"));
    assert!(pdftext(&booklet).contains("岚县科技成果转化平台运维经费（改）"));

    // Broken YAML: the error with its location, and the last good outputs stay as they were.
    let good = std::fs::read(&booklet).unwrap();
    let good_report = std::fs::read(out.join("dept-p01.pdf")).unwrap();
    std::thread::sleep(Duration::from_millis(50));
    replace_once(&dept, "projects/p01.yaml", "weight: 20", "weight: [20");
    let err = w.wait_for("projects/p01.yaml:");
    assert!(err.contains(": error: "), "{err}");
    w.wait_for("not rebuilt");
    assert_eq!(std::fs::read(&booklet).unwrap(), good, "a bad edit changed the booklet");
    assert_eq!(std::fs::read(out.join("dept-p01.pdf")).unwrap(), good_report);

    // Fixing it rebuilds again.
    std::thread::sleep(Duration::from_millis(50));
    replace_once(&dept, "projects/p01.yaml", "weight: [20", "weight: 20");
    w.wait_for("report p01: wrote");
    w.wait_for("booklet: wrote");
}

/// The system watcher by default; `--poll` (network drives) polls and rebuilds all the same.
#[test]
fn watch_uses_the_system_watcher_and_polls_on_request() {
    let (tmp, dept) = copy_fixture("clean");
    let out = tmp.path().join("out");
    let mut w = Watch::start(&dept, &out);
    let line = w.wait_for("watching");
    assert!(!line.contains("polling"), "{line}");
    drop(w);
    let mut w = Watch::start_with(&dept, &out, &["--poll"]);
    let line = w.wait_for("watching");
    assert!(line.contains("polling"), "{line}");
    w.wait_for("done in");
    std::thread::sleep(Duration::from_millis(50));
    replace_once(&dept, "projects/p02.yaml", "weight: 20", "weight: 20.0");
    w.wait_for("changed: projects/p02.yaml");
    w.wait_for("report p02: wrote");
}

fn sample_root(n: usize) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let r = run(&["gen-sample", s(&root.join("county")), "--count", &n.to_string(), "--rows", "40", "--projects", "3"], LIMIT);
    assert_eq!(r.code, Some(0), "{}", r.both());
    (tmp, root)
}

#[test]
fn batch_builds_every_department_and_goes_on_past_a_broken_one() {
    let (tmp, root) = sample_root(3);
    // One broken department and one with check errors.
    copy_dir(&common::fixture("clean"), &root.join("broken"));
    replace_once(&root.join("broken"), "tables/02-income.yaml", "fiscal: 120.00", "fiscal: 1. 20");
    copy_dir(&common::fixture("clean"), &root.join("errors"));
    replace_once(&root.join("errors"), "tables/02-income.yaml", "fiscal: 120.00", "fiscal: 121.00");
    let out = tmp.path().join("out");
    let r = run(&["batch", s(&root), "-o", s(&out), "--jobs", "2", "--format", "pdf"], Duration::from_secs(300));
    assert_eq!(r.code, Some(2), "a failed department must make the batch fail: {}", r.both());
    // Plain progress lines when stderr is not a terminal.
    for n in 1..=5 {
        assert!(r.stderr.contains(&format!("[{n}/5] ")), "{}", r.both());
    }
    let summary: Vec<&str> = r.stdout.lines().collect();
    assert!(summary[0].starts_with("department") && summary[0].contains("errors") && summary[0].contains("pages"), "{}", r.stdout);
    let row = |name: &str| summary.iter().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("no row {name}: {}", r.stdout)).to_string();
    assert!(row("broken ").contains("FAILED"), "{}", r.stdout);
    assert!(row("broken ").contains("tables/02-income.yaml:"), "the failure names its location: {}", r.stdout);
    let errors_row = row("errors ");
    let cols: Vec<&str> = errors_row.split_whitespace().collect();
    assert!(cols[1].parse::<usize>().unwrap() > 0 && errors_row.contains("built"), "{errors_row}");
    for i in 1..=3 {
        let name = format!("county/sample-{i:03}");
        let cols: Vec<String> = row(&name).split_whitespace().map(String::from).collect();
        assert_eq!(cols[1], "0", "{}", r.stdout);
        assert!(cols[3].parse::<usize>().unwrap() > 10, "pages: {}", r.stdout);
        let text = pdftext(&out.join(format!("county/sample-{i:03}.pdf")));
        assert!(text.contains(&format!("样例部门{i:03}")), "wrong PDF for {name}");
    }
    assert!(out.join("errors.pdf").is_file());
    assert!(!out.join("broken.pdf").exists());
    assert!(r.stdout.contains("5 departments: 4 built, 1 not built"), "{}", r.stdout);

    // --strict refuses the department with errors: exit 2 still (broken), and no new PDF.
    std::fs::remove_dir_all(root.join("broken")).unwrap();
    let out2 = tmp.path().join("out2");
    let r = run(&["batch", s(&root), "-o", s(&out2), "--format", "pdf", "--strict"], Duration::from_secs(300));
    assert_eq!(r.code, Some(1), "{}", r.both());
    assert!(!out2.join("errors.pdf").exists());
    assert!(r.stdout.contains("not built (--strict)"), "{}", r.stdout);
}

/// Kills real builds with SIGKILL at many moments: the previous PDF and DOCX are always
/// either the old file or the new one, whole, never a mixture or a truncated file.
#[test]
fn sigkill_never_leaves_a_half_written_output() {
    let (tmp, dept) = copy_fixture("clean");
    let out = tmp.path().join("out");
    let r = run(&["build", s(&dept), "-o", s(&out)], LIMIT);
    assert_eq!(r.code, Some(0), "{}", r.both());
    let old_pdf = std::fs::read(out.join("dept.pdf")).unwrap();
    let old_docx = std::fs::read(out.join("dept.docx")).unwrap();
    replace_once(&dept, "department.yaml", "岚县科学技术局\"", "岚县科学技术局（新）\"");
    let fresh = tmp.path().join("fresh");
    let r = run(&["build", s(&dept), "-o", s(&fresh)], LIMIT);
    assert_eq!(r.code, Some(0), "{}", r.both());
    let new_pdf = std::fs::read(fresh.join("dept.pdf")).unwrap();
    let new_docx = std::fs::read(fresh.join("dept.docx")).unwrap();
    assert_ne!(old_pdf, new_pdf);

    // How long a build takes here, so the kills spread over all of it.
    let t = Instant::now();
    let r = run(&["build", s(&dept), "-o", s(&tmp.path().join("timing"))], LIMIT);
    assert_eq!(r.code, Some(0));
    let full = t.elapsed();
    let mut outcomes = [0usize; 2];
    for i in 0..24u32 {
        // Back to the old outputs so every kill starts from the same state.
        std::fs::write(out.join("dept.pdf"), &old_pdf).unwrap();
        std::fs::write(out.join("dept.docx"), &old_docx).unwrap();
        let mut child = Command::new(BIN).args(["build", s(&dept), "-o", s(&out)]).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(full * i / 20);
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let pdf = std::fs::read(out.join("dept.pdf")).unwrap();
        let docx = std::fs::read(out.join("dept.docx")).unwrap();
        assert!(pdf == old_pdf || pdf == new_pdf, "kill {i}: dept.pdf is neither the old nor the new file ({} bytes)", pdf.len());
        assert!(docx == old_docx || docx == new_docx, "kill {i}: dept.docx is neither the old nor the new file");
        outcomes[usize::from(pdf == new_pdf)] += 1;
    }
    // The kills hit both before and after the rename (otherwise the test proved nothing).
    assert!(outcomes[0] > 0 && outcomes[1] > 0, "old/new outcomes: {outcomes:?}");
}

/// Outputs stay inside the output folder and come all or nothing: an output path that is a
/// link to a file elsewhere is replaced by the new file (the file elsewhere is untouched);
/// when one output cannot be put in place, none is, the previous ones stay and no temporary
/// file is left behind.
#[test]
fn outputs_never_write_through_links_and_come_all_or_nothing() {
    let (tmp, dept) = copy_fixture("clean");
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let elsewhere = tmp.path().join("elsewhere.txt");
    std::fs::write(&elsewhere, "not yours").unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("dept.pdf")).unwrap();
    let r = run(&["build", s(&dept), "-o", s(&out)], LIMIT);
    assert_eq!(r.code, Some(0), "{}", r.both());
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "not yours", "a write went through the link");
    let meta = std::fs::symlink_metadata(out.join("dept.pdf")).unwrap();
    assert!(meta.is_file() && !meta.file_type().is_symlink(), "the output is the new file itself");

    // The DOCX cannot be put in place (a folder there): exit 2, the previous PDF intact.
    let before = std::fs::read(out.join("dept.pdf")).unwrap();
    std::fs::remove_file(out.join("dept.docx")).unwrap();
    std::fs::create_dir(out.join("dept.docx")).unwrap();
    replace_once(&dept, "department.yaml", "draft: false", "draft: true");
    let r = run(&["build", s(&dept), "-o", s(&out)], LIMIT);
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(r.stderr.contains("dept.docx") && r.stderr.contains("no output of this build was put in place"), "{}", r.stderr);
    assert!(std::fs::read(out.join("dept.pdf")).unwrap() == before, "the PDF of a failed build replaced the previous one");
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".tmp")).collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

/// A `projects` that is not a folder is an error, never a booklet quietly without its reports.
#[test]
fn projects_that_is_not_a_folder_is_an_error() {
    let (_tmp, dept) = copy_fixture("clean");
    std::fs::remove_dir_all(dept.join("projects")).unwrap();
    std::fs::write(dept.join("projects"), "p01\n").unwrap();
    let r = run(&["check", s(&dept)], LIMIT);
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(r.stderr.contains("dept/projects: error: not a folder"), "{}", r.stderr);
}

/// `batch --shard K/N`: the N slices are disjoint, together they are every department, and a
/// department's slice depends on its own path only (the same on every machine).
#[test]
fn batch_shards_split_the_departments() {
    let (tmp, root) = sample_root(12);
    let mut seen: Vec<String> = Vec::new();
    for k in 1..=3 {
        let out = tmp.path().join(format!("out-{k}"));
        let r = run(&["batch", s(&root), "-o", s(&out), "--format", "docx", "--docx-pages", "word", "--shard", &format!("{k}/3")], Duration::from_secs(300));
        assert_eq!(r.code, Some(0), "{}", r.both());
        assert!(r.stderr.contains(&format!("shard {k}/3: ")), "{}", r.stderr);
        let built = juesuan::batch::departments(&out);
        let mut docx: Vec<String> = Vec::new();
        let mut stack = vec![out.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                if e.path().is_dir() {
                    stack.push(e.path());
                } else if e.path().extension().is_some_and(|x| x == "docx") {
                    docx.push(e.file_name().to_string_lossy().into_owned());
                }
            }
        }
        assert!(built.is_empty(), "outputs are not department folders");
        for name in &docx {
            assert!(!seen.contains(name), "{name} built by two shards");
        }
        seen.extend(docx);
    }
    seen.sort();
    assert_eq!(seen.len(), 12, "every department in exactly one shard: {seen:?}");
    let r = run(&["batch", s(&root), "--shard", "4/3"], LIMIT);
    assert_eq!(r.code, Some(2), "{}", r.both());
}

/// `check --format json` on input that does not load prints the load errors as JSON on stdout
/// (exit 2), so a program reading it never gets an empty stdout.
#[test]
fn check_json_reports_load_errors_too() {
    let (_tmp, dept) = copy_fixture("clean");
    common::append(&dept, "department.yaml", "nonsense: 1\n");
    let r = run(&["check", s(&dept), "--format", "json"], LIMIT);
    assert_eq!(r.code, Some(2), "{}", r.both());
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON on stdout");
    let first = &v.as_array().expect("a list")[0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["line"], 12);
    assert!(first["message"].as_str().unwrap().contains("unknown field `nonsense`"));
}

/// Temporary files never pile up: one left by a process that died (SIGKILL) is removed the
/// next time that output is written, and SIGINT during a batch leaves none behind.
#[test]
fn temporary_files_of_dead_or_interrupted_runs_are_removed() {
    let (tmp, dept) = copy_fixture("clean");
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    // A pid that is not running (Linux pids stay below 2^22).
    let stale = out.join(".dept.pdf.4194399.a1B2c3.tmp");
    assert!(!Path::new("/proc/4194399").exists());
    std::fs::write(&stale, "half a PDF").unwrap();
    let r = run(&["build", s(&dept), "-o", s(&out), "--format", "pdf"], LIMIT);
    assert_eq!(r.code, Some(0), "{}", r.both());
    assert!(!stale.exists(), "the stale temporary file of a dead process is still there");

    // SIGINT in the middle of a batch: exit 130 and no temporary file anywhere under out.
    let (btmp, root) = sample_root(12);
    let bout = btmp.path().join("out");
    let mut child = Command::new(BIN).args(["batch", s(&root), "-o", s(&bout), "--jobs", "2"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{status:?}");
    let mut stack = vec![bout.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            assert!(!e.file_name().to_string_lossy().ends_with(".tmp"), "left behind: {}", e.path().display());
            if e.path().is_dir() {
                stack.push(e.path());
            }
        }
    }
}

/// `report DIR ID` with an unknown id lists the ids there are, or says there are none.
#[test]
fn report_with_an_unknown_id_lists_the_ids_or_says_there_are_none() {
    let out = tempfile::tempdir().expect("temp");
    let r = run(&["report", "data/putuo-planning-2024", "p1", "-o", s(out.path())], LIMIT);
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(r.stderr.contains("no project with id `p1`") && r.stderr.contains("no 自评报告"), "{}", r.both());
    let (_tmp, dept) = copy_fixture("clean");
    let r = run(&["report", s(&dept), "p9", "-o", s(out.path())], LIMIT);
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(r.stderr.contains("the projects are: p01, p02, p03"), "{}", r.both());
    assert_eq!(std::fs::read_dir(out.path()).expect("out").count(), 0, "nothing written");
}

/// A reader that goes away (`check … | head -1`) ends the output without a panic.
#[test]
fn check_output_to_a_closed_pipe_does_not_panic() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_juesuan"))
        .args(["check", "data/lanxian-kfq-2024", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // The reader goes away before the first line is written (the check takes milliseconds).
    drop(child.stdout.take());
    let mut err = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut err).expect("stderr");
    let _ = child.wait();
    assert!(!err.contains("panicked"), "{err}");
}

/// Outputs are as readable as any file the user creates (0666 less the umask: 0644 under the
/// usual 022), not private to the building user: the booklet goes to a web server.
#[test]
fn outputs_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let (_tmp, dept) = copy_fixture("clean");
    let out = tempfile::tempdir().expect("temp");
    let r = run(&["build", s(&dept), "-o", s(out.path())], LIMIT);
    assert_eq!(r.code, Some(0), "{}", r.both());
    let umask = {
        // The test's own umask, read from a file it creates.
        let probe = out.path().join("probe");
        std::fs::write(&probe, b"").unwrap();
        0o666 & !std::fs::metadata(&probe).unwrap().permissions().mode() & 0o777
    };
    for f in ["dept.pdf", "dept.docx"] {
        let mode = std::fs::metadata(out.path().join(f)).expect(f).permissions().mode() & 0o777;
        assert_eq!(mode, 0o666 & !umask, "{f}: mode {mode:o}");
    }
}

/// The decompressed fonts are kept in the output folder (`.juesuan/fonts`), never in the
/// user's home or cache folder; a refused build keeps none.
#[test]
fn the_font_cache_stays_inside_the_output_folder() {
    let (tmp, dept) = copy_fixture("clean");
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let out = tmp.path().join("out");
    let r = Command::new(BIN)
        .args(["report", s(&dept), "p01", "-o", s(&out), "--format", "pdf"])
        .env("HOME", &home)
        .env_remove("XDG_CACHE_HOME")
        .env_remove("JUESUAN_FONT_CACHE")
        .output()
        .expect("binary runs");
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let cached: Vec<_> = std::fs::read_dir(out.join(".juesuan/fonts")).expect("the font cache").flatten().collect();
    assert!(!cached.is_empty());
    assert_eq!(std::fs::read_dir(&home).unwrap().count(), 0, "something was written into HOME");

    replace_once(&dept, "projects/p01.yaml", "weight: 20", "weight: [20");
    let refused = tmp.path().join("refused");
    let r = Command::new(BIN).args(["report", s(&dept), "p01", "-o", s(&refused), "--format", "pdf"]).env("HOME", &home).output().expect("binary runs");
    assert_eq!(r.status.code(), Some(2));
    assert!(!refused.exists() || std::fs::read_dir(&refused).unwrap().count() == 0, "a refused build wrote into its output folder");
}
