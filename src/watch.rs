//! `juesuan watch DIR`: rebuild on every save. An edit to `projects/<file>.yaml` rewrites that
//! project's 自评报告 first, then the booklet; any other edit rewrites the booklet. Input that
//! does not load prints its errors and leaves the last good outputs in place.
//!
//! Work reused between rebuilds: the parsed fonts ([`FontCache`]) and Typst's memoized
//! layout (comemo), so unchanged pages are not laid out again.
//!
//! The system tells of changes (inotify, FSEvents, ReadDirectoryChangesW through `notify`,
//! debounced); the folder is still looked at every [`SAFETY_POLL`], and only polled when the
//! system watcher cannot be had or `--poll` asks for it (a network drive, whose changes made
//! on another machine raise no event here). Either way the changed files are found by
//! comparing snapshots, and a change is acted on once the files stop moving.

use crate::build::{self, BuildOptions, FontCache, Output, Target};
use crate::diag::Diagnostic;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// How `watch` runs.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// Output folder.
    pub out: PathBuf,
    /// Formats and marks.
    pub build: BuildOptions,
    /// How often to look at the files when polling.
    pub poll: Duration,
    /// `--poll`: poll only, with no system watcher (network drives).
    pub poll_only: bool,
    /// Stop after this many rebuilds (tests and benchmarks); `None` runs until killed.
    pub max_rebuilds: Option<usize>,
    /// `--strict`: write nothing while `check` finds errors (the last good outputs stay).
    pub strict: bool,
}

/// With a system watcher, how often the folder is looked at anyway (an event missed or
/// dropped by the system still leads to a rebuild).
pub const SAFETY_POLL: Duration = Duration::from_secs(2);

/// How long the debouncer gathers events into one batch.
const DEBOUNCE: Duration = Duration::from_millis(50);

/// The system watcher of `dir` and the channel its debounced events arrive on, or why there
/// is none.
type Events = (
    notify_debouncer_mini::Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>,
    std::sync::mpsc::Receiver<notify_debouncer_mini::DebounceEventResult>,
);

fn system_watcher(dir: &Path) -> Result<Events, String> {
    use notify_debouncer_mini::notify::RecursiveMode;
    let (tx, rx) = std::sync::mpsc::channel();
    let mut debouncer = notify_debouncer_mini::new_debouncer(DEBOUNCE, tx).map_err(|e| e.to_string())?;
    debouncer.watcher().watch(dir, RecursiveMode::Recursive).map_err(|e| e.to_string())?;
    Ok((debouncer, rx))
}

/// Waits until something may have changed: an event of the system watcher (or
/// [`SAFETY_POLL`] without one), or the poll interval.
fn wait(events: &Option<Events>, poll: Duration) {
    match events {
        Some((_, rx)) => {
            if rx.recv_timeout(SAFETY_POLL).is_ok() {
                // Whatever else arrived is covered by the snapshot taken next.
                while rx.try_recv().is_ok() {}
            }
        }
        None => std::thread::sleep(poll),
    }
}

/// What a file looked like at the last poll.
type Snapshot = BTreeMap<PathBuf, (SystemTime, u64)>;

fn snapshot(dir: &Path) -> Snapshot {
    let mut out = Snapshot::new();
    walk(dir, 0, &mut out);
    out
}

fn walk(dir: &Path, depth: usize, out: &mut Snapshot) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        let Ok(meta) = e.metadata() else { continue };
        if meta.is_dir() && depth < 3 {
            walk(&p, depth + 1, out);
        } else if meta.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.insert(p, (meta.modified().unwrap_or(SystemTime::UNIX_EPOCH), meta.len()));
        }
    }
}

/// Files added, removed or changed between two snapshots.
fn changed(old: &Snapshot, new: &Snapshot) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = new.iter().filter(|(p, v)| old.get(*p) != Some(v)).map(|(p, _)| p.clone()).collect();
    out.extend(old.keys().filter(|p| !new.contains_key(*p)).cloned());
    out.sort();
    out
}

/// Runs the watch loop, reporting through `log` (one line per event).
pub fn run(dir: &Path, opts: &WatchOptions, fonts: &FontCache, log: &mut dyn FnMut(&str)) {
    let mut seen = snapshot(dir);
    let events = if opts.poll_only { None } else { system_watcher(dir).map_err(|e| log(&format!("no system watcher ({e}); polling every {} ms", opts.poll.as_millis()))).ok() };
    let how = if events.is_some() { "" } else { ", polling" };
    log(&format!("watching {}{how} (Ctrl-C to stop)", dir.display()));
    rebuild(dir, &[], opts, fonts, log);
    let mut rebuilds = 0;
    loop {
        if opts.max_rebuilds.is_some_and(|m| rebuilds >= m) {
            return;
        }
        wait(&events, opts.poll);
        let now = snapshot(dir);
        if now == seen {
            continue;
        }
        // Let a save that writes in several steps finish.
        let mut settled = now;
        loop {
            std::thread::sleep(Duration::from_millis(20));
            let again = snapshot(dir);
            if again == settled {
                break;
            }
            settled = again;
        }
        let files = changed(&seen, &settled);
        seen = settled;
        rebuild(dir, &files, opts, fonts, log);
        rebuilds += 1;
    }
}

/// One rebuild after `files` changed (all of them at the start).
fn rebuild(dir: &Path, files: &[PathBuf], opts: &WatchOptions, fonts: &FontCache, log: &mut dyn FnMut(&str)) {
    let start = Instant::now();
    let names: Vec<String> = files.iter().map(|f| rel(dir, f)).collect();
    if !names.is_empty() {
        log(&format!("changed: {}", names.join(", ")));
    }
    let (dept, view, findings) = match build::prepare(dir, opts.build.layout.as_deref()) {
        Ok(x) => x,
        Err(e) => {
            log(&e.to_string());
            log("not rebuilt: fix the input above; the last good outputs are kept");
            return;
        }
    };
    report_findings(&findings, &names, log);
    if opts.strict && findings.iter().any(|f| f.is_error()) {
        log("not rebuilt (--strict): check finds errors; the last outputs are kept");
        return;
    }
    // Reports of the edited projects first (they are what the officer is looking at).
    let mut targets: Vec<(String, Target)> = Vec::new();
    for p in &dept.projects {
        if names.iter().any(|n| *n == format!("{}.yaml", p.file_key) || *n == format!("{}.yml", p.file_key)) {
            targets.push((format!("report {}", p.id), Target::Report(&p.id)));
        }
    }
    targets.push(("booklet".into(), Target::Booklet));
    let get = |f: &[String]| fonts.get(f);
    for (what, target) in targets {
        let t = Instant::now();
        let draft = opts.build.draft || build::errors_in(&findings, &dept, target);
        let build_opts = BuildOptions { draft, ..opts.build.clone() };
        match build::build_prepared(&dept, &view, target, &build_opts, &get) {
            Ok((outputs, pages)) => match write(&opts.out, &outputs) {
                Ok(written) => log(&format!(
                    "{what}: wrote {} ({pages} pages) in {} ms",
                    written.join(", "),
                    t.elapsed().as_millis()
                )),
                Err(e) => log(&format!("{what}: {e}")),
            },
            Err(e) => log(&format!("{what}: {e}")),
        }
    }
    // Keep the layout cache bounded over a day of edits.
    typst::comemo::evict(10);
    log(&format!("done in {} ms", start.elapsed().as_millis()));
}

fn report_findings(findings: &[Diagnostic], changed: &[String], log: &mut dyn FnMut(&str)) {
    let errors = findings.iter().filter(|f| f.is_error()).count();
    log(&format!("check: {errors} errors, {} warnings", findings.len() - errors));
    // The findings located in the files just edited: what this edit may have caused or fixed.
    for f in findings {
        let file: &str = f.loc.as_ref().map(|l| &*l.file).or(f.file.as_deref()).unwrap_or("");
        if changed.iter().any(|c| file.ends_with(c.as_str())) {
            log(&f.to_string());
        }
    }
}

fn write(out: &Path, outputs: &[Output]) -> Result<Vec<String>, String> {
    let written = build::write_outputs(out, outputs).map_err(|(path, e)| format!("cannot write {}: {e}", path.display()))?;
    Ok(written.iter().map(|p| p.display().to_string()).collect())
}

fn rel(dir: &Path, f: &Path) -> String {
    f.strip_prefix(dir).unwrap_or(f).to_string_lossy().replace('\\', "/")
}
