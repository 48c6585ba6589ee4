//! `juesuan batch ROOT -o OUT`: every department folder under ROOT (a folder holding
//! `department.yaml`), built in parallel on all cores with the fonts parsed once. A
//! department that fails is reported and the others go on; the run ends with a summary.

use crate::build::{self, BuildOptions, FontCache, Target};
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// How one department went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Built and written.
    Built,
    /// Not built: `--strict` and check errors.
    Refused,
    /// Not built: bad input or a build fault (the first line of the message).
    Failed(String),
}

/// One line of the summary.
#[derive(Debug, Clone)]
pub struct Row {
    /// Department folder, relative to ROOT.
    pub name: String,
    /// `check` errors (0 when the input did not load).
    pub errors: usize,
    /// `check` warnings.
    pub warnings: usize,
    /// PDF pages.
    pub pages: usize,
    /// Wall time of this department.
    pub seconds: f64,
    /// Outcome.
    pub status: Status,
}

/// Department folders under `root` (sorted; a department's own sub-folders are not searched).
pub fn departments(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    find(root, 0, &mut out);
    out.sort();
    out
}

fn find(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if dir.join("department.yaml").is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    if depth >= 4 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            find(&e.path(), depth + 1, out);
        }
    }
}

/// `--shard K/N`: the K-th (1-based) of N slices of a department list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which slice, 1..=n.
    pub k: u32,
    /// How many slices.
    pub n: u32,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}`: expected K/N with 1 ≤ K ≤ N, e.g. 3/10");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (k, n): (u32, u32) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if n == 0 || k == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

impl Shard {
    /// Whether the department at `rel` (its path relative to the batch root) is in this slice.
    /// The slice of a folder depends on its own path only (FNV-1a of it, modulo N), so every
    /// machine of a run computes the same slices, and adding a department moves no other.
    pub fn holds(&self, rel: &Path) -> bool {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in rel.to_string_lossy().bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h % u64::from(self.n) == u64::from(self.k - 1)
    }
}

/// The departments of `dirs` (under `root`) in `shard`.
pub fn in_shard(root: &Path, dirs: Vec<PathBuf>, shard: Shard) -> Vec<PathBuf> {
    dirs.into_iter().filter(|d| shard.holds(d.strip_prefix(root).unwrap_or(d))).collect()
}

/// Builds every department of `dirs`; outputs go to `out/<path relative to root>/`.
/// `jobs` threads (at least 1). `progress` receives each finished row with (done, total).
pub fn run(
    root: &Path,
    dirs: &[PathBuf],
    out: &Path,
    opts: &BuildOptions,
    strict: bool,
    jobs: usize,
    fonts: &FontCache,
    progress: &(dyn Fn(&Row, usize, usize) + Sync),
) -> Vec<Row> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let rows: Mutex<Vec<(usize, Row)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs.max(1).min(dirs.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(dir) = dirs.get(i) else { break };
                let row = one(root, dir, out, opts, strict, fonts);
                let n = done.fetch_add(1, Ordering::SeqCst) + 1;
                progress(&row, n, dirs.len());
                rows.lock().unwrap_or_else(|p| p.into_inner()).push((i, row));
                // Bound the layout cache: departments share nothing but fonts.
                typst::comemo::evict(1);
            });
        }
    });
    let mut rows = rows.into_inner().unwrap_or_else(|p| p.into_inner());
    rows.sort_by_key(|(i, _)| *i);
    rows.into_iter().map(|(_, r)| r).collect()
}

fn one(root: &Path, dir: &Path, out: &Path, opts: &BuildOptions, strict: bool, fonts: &FontCache) -> Row {
    let start = Instant::now();
    let rel = dir.strip_prefix(root).unwrap_or(dir);
    let name = if rel.as_os_str().is_empty() { build::stem_of(dir) } else { rel.to_string_lossy().replace('\\', "/") };
    let target_dir = out.join(rel.parent().unwrap_or(Path::new("")));
    let mut row = Row { name, errors: 0, warnings: 0, pages: 0, seconds: 0.0, status: Status::Built };
    let get = |f: &[String]| fonts.get(f);
    // A panic in one department must not take the batch down.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        build::build_department(dir, Target::Booklet, opts, strict, &get)
    }));
    match result {
        Ok(Ok(built)) => {
            row.errors = built.errors();
            row.warnings = built.findings.len() - row.errors;
            row.pages = built.pages;
            if let Err((path, e)) = build::write_outputs(&target_dir, &built.outputs) {
                row.status = Status::Failed(format!("cannot write {}: {e}", path.display()));
            }
        }
        Ok(Err(build::Failure::Strict(findings))) => {
            row.errors = findings.iter().filter(|f| f.is_error()).count();
            row.warnings = findings.len() - row.errors;
            row.status = Status::Refused;
        }
        Ok(Err(e)) => {
            if let build::Failure::Load(l) = &e {
                row.errors = l.0.len();
            }
            row.status = Status::Failed(e.to_string().lines().next().unwrap_or("").to_string());
        }
        Err(_) => row.status = Status::Failed("internal error (panic); please report it".into()),
    }
    row.seconds = start.elapsed().as_secs_f64();
    row
}

/// The summary table, aligned for a terminal.
pub fn summary(rows: &[Row]) -> String {
    let w = rows.iter().map(|r| width(&r.name)).max().unwrap_or(0).max(10);
    let mut s = format!("{:<w$}  {:>6}  {:>8}  {:>5}  {:>7}  status\n", "department", "errors", "warnings", "pages", "seconds");
    for r in rows {
        let pad = w - width(&r.name) + r.name.chars().count();
        let status = match &r.status {
            Status::Built => "built".to_string(),
            Status::Refused => "not built (--strict)".to_string(),
            Status::Failed(m) => format!("FAILED: {m}"),
        };
        s.push_str(&format!(
            "{:<pad$}  {:>6}  {:>8}  {:>5}  {:>7.2}  {status}\n",
            r.name, r.errors, r.warnings, r.pages, r.seconds
        ));
    }
    let failed = rows.iter().filter(|r| r.status != Status::Built).count();
    s.push_str(&format!("{} departments: {} built, {failed} not built\n", rows.len(), rows.len() - failed));
    s
}

/// Display width: CJK characters take two columns.
fn width(s: &str) -> usize {
    s.chars().map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 }).sum()
}

/// Progress on stderr: a bar on a terminal (indicatif; a department that fails or is refused
/// keeps a line of its own above it), one plain line per department otherwise.
pub fn progress_printer() -> impl Fn(&Row, usize, usize) + Sync {
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::with_draw_target(Some(0), indicatif::ProgressDrawTarget::stderr());
        if let Ok(style) = indicatif::ProgressStyle::with_template("[{bar:30}] {pos}/{len} {wide_msg}") {
            bar.set_style(style.progress_chars("#-"));
        }
        bar
    });
    move |row: &Row, done: usize, total: usize| {
        let status = match &row.status {
            Status::Built => "ok",
            Status::Refused => "not built (--strict)",
            Status::Failed(_) => "FAILED",
        };
        match &bar {
            Some(bar) => {
                bar.set_length(total as u64);
                bar.set_message(format!("{} {status}", row.name));
                bar.set_position(done as u64);
                if row.status != Status::Built {
                    bar.println(format!("{}: {status}", row.name));
                }
                if done == total {
                    bar.finish();
                }
            }
            None => {
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "[{done}/{total}] {}: {status} ({} errors, {} warnings, {} pages, {:.2} s)",
                    row.name, row.errors, row.warnings, row.pages, row.seconds
                );
            }
        }
    }
}
