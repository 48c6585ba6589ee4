//! The whole pipeline for one department: load → compute → check → render → write, as
//! in-memory outputs (name + bytes). Only [`write_atomic`] touches the file system.

use crate::compute::{compute, View};
use crate::diag::Diagnostic;
use crate::doc::{Document, HeadingPages};
use crate::write::docx::{DocxError, PendingDocx};
use crate::write::pdf::{self, FontSet, PdfOptions};
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// What to produce.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Write a PDF.
    pub pdf: bool,
    /// Write a DOCX.
    pub docx: bool,
    /// Force the 仅供内部审核 mark.
    pub draft: bool,
    /// PDF/A-2b.
    pub pdf_a: bool,
    /// Also write the generated Typst source next to the PDF.
    pub emit_typst: bool,
    /// A DOCX without a PDF takes its 目录 page numbers from Word, not from the PDF layout:
    /// no Typst at all (about a quarter of the time); the entries are all there, their numbers
    /// blank, and the field is marked for Word to update on opening.
    pub docx_pages_by_word: bool,
    /// Folder of the page-run cache of DOCX-only builds ([`pdf::RunCache`], one
    /// `<name>.pages` file each); `None`: no cache.
    pub page_cache: Option<PathBuf>,
    /// `--layout DIR`: a layout folder that wins over the one `department.yaml` names.
    pub layout: Option<PathBuf>,
    /// `--docx-embed-fonts`: the bundled fonts of the document's font roles are embedded in
    /// the DOCX ([`crate::write::docx_fonts`]).
    pub docx_embed_fonts: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions { pdf: true, docx: true, draft: false, pdf_a: false, emit_typst: false, docx_pages_by_word: false, page_cache: None, layout: None, docx_embed_fonts: false }
    }
}

/// One file to write.
#[derive(Debug, Clone)]
pub struct Output {
    /// File name (no directory).
    pub name: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// Why a build failed.
#[derive(Debug)]
pub enum BuildError {
    /// Characters no font can draw, with where they occur in the data.
    MissingGlyphs(Vec<Diagnostic>),
    /// A bug in templates or writers (rendering, Typst, DOCX).
    Internal(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::MissingGlyphs(ds) => {
                for (i, d) in ds.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{d}")?;
                }
                Ok(())
            }
            BuildError::Internal(m) => write!(f, "internal error: {m}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// The outputs for `doc` named `stem.*`.
/// `year` is the fiscal year: PDF/A needs a document date, and without `date:` in
/// department.yaml the last day of that year stands in (from the data, never the clock).
pub fn outputs(
    doc: &Document,
    stem: &str,
    fonts: &FontSet,
    opts: &BuildOptions,
    sources: &Sources,
    year: i32,
) -> Result<(Vec<Output>, usize), BuildError> {
    let mut out = Vec::new();
    let mut pages = 0;
    if !opts.pdf && !opts.docx {
        return Ok((out, pages));
    }
    if !opts.pdf {
        let bytes = with_fonts(doc, opts, docx_alone(doc, stem, fonts, opts)?)?;
        out.push(Output { name: format!("{stem}.docx"), bytes });
        return Ok((out, pages));
    }
    let src = crate::write::typst::source(doc);
    if opts.emit_typst {
        out.push(Output { name: format!("{stem}.typ"), bytes: src.clone().into_bytes() });
    }
    // The PDF layout's page numbers of the headings fill the DOCX's 目录.
    let layout = || pdf::compile(&src, fonts, doc.meta.date.as_deref());
    let (laid, pending) = if opts.docx {
        let (laid, pending) = beside_docx(doc, layout);
        (laid, Some(pending))
    } else {
        (layout(), None)
    };
    let laid = laid.map_err(|e| BuildError::Internal(e.to_string()))?;
    // Only the PDF draws with these fonts; Word uses the installed 宋体/黑体.
    let missing = pdf::missing_glyphs(&laid);
    if !missing.is_empty() {
        return Err(BuildError::MissingGlyphs(locate_chars(sources, &missing, &fonts.families())));
    }
    pages = pdf::page_count(&laid);
    let bytes = pdf::pdf(&laid, &doc.meta, &PdfOptions { pdf_a: opts.pdf_a, fallback_date: Some(format!("{year}-12-31")) })
        .map_err(|e| BuildError::Internal(e.to_string()))?;
    out.push(Output { name: format!("{stem}.pdf"), bytes });
    if let Some(pending) = pending {
        let bytes = with_fonts(doc, opts, finish_docx(doc, pending, &pdf::heading_pages(&laid, doc))?)?;
        out.push(Output { name: format!("{stem}.docx"), bytes });
    }
    Ok((out, pages))
}

/// The DOCX `bytes` of `doc`, with the bundled fonts embedded when the options ask.
fn with_fonts(doc: &Document, opts: &BuildOptions, bytes: Vec<u8>) -> Result<Vec<u8>, BuildError> {
    if !opts.docx_embed_fonts {
        return Ok(bytes);
    }
    crate::write::docx_fonts::embed_fonts(&bytes, &doc.meta).map_err(|e| BuildError::Internal(e.to_string()))
}

/// `work` (a layout that finds the page numbers) on this thread, while a second one writes
/// the DOCX of `doc`, all but its 目录's page numbers.
fn beside_docx<T: Send>(doc: &Document, work: impl FnOnce() -> T) -> (T, Result<PendingDocx, DocxError>) {
    std::thread::scope(|s| {
        let pending = s.spawn(|| crate::write::docx::docx_pending(doc));
        let done = work();
        (done, pending.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
}

/// The DOCX with the page numbers put in. A heading the layout did not place (never
/// expected): the serial writer leaves its entry blank for Word to fill in.
fn finish_docx(
    doc: &Document,
    pending: Result<PendingDocx, DocxError>,
    pages: &HeadingPages,
) -> Result<Vec<u8>, BuildError> {
    let internal = |e: DocxError| BuildError::Internal(e.to_string());
    match pending.map_err(internal)?.with_pages(pages) {
        Some(done) => done,
        None => crate::write::docx::docx_with_pages(doc, Some(pages)),
    }
    .map_err(internal)
}

/// A DOCX without a PDF. Its 目录's page numbers come from laying out the runs of numbered
/// pages on their own (no PDF layout), while the DOCX is written on another thread; or, with
/// `docx_pages_by_word`, from Word when it opens the file.
/// Runs laid out before are read from the page-run cache, and the cache is rewritten
/// (failing to read or write it costs only time).
fn docx_alone(doc: &Document, stem: &str, fonts: &FontSet, opts: &BuildOptions) -> Result<Vec<u8>, BuildError> {
    if opts.docx_pages_by_word {
        return crate::write::docx::docx(doc).map_err(|e| BuildError::Internal(e.to_string()));
    }
    let cache_file = opts.page_cache.as_ref().map(|d| d.join(format!("{stem}.pages")));
    // A bounded read of a regular file (a FIFO or a link to a device there is a cache miss).
    let read = cache_file.as_ref().and_then(|f| crate::load::read_text(f, &f.to_string_lossy()).ok());
    let mut cache = read.as_deref().map(pdf::RunCache::from_text).unwrap_or_default();
    let (pages, pending) = beside_docx(doc, || pdf::heading_pages_by_runs(doc, fonts, &mut cache));
    let pages = pages.map_err(|e| BuildError::Internal(e.to_string()))?;
    if let Some(file) = &cache_file {
        let text = cache.to_text();
        if read.as_deref() != Some(text.as_str()) {
            let _ = write_atomic(file, text.as_bytes());
        }
    }
    finish_docx(doc, pending, &pages)
}

/// The booklet's document with the options applied.
pub fn booklet_document(v: &View, opts: &BuildOptions) -> Result<Document, BuildError> {
    let mut doc = crate::render::booklet(v).map_err(|e| BuildError::Internal(e.to_string()))?;
    doc.meta.draft |= opts.draft;
    Ok(doc)
}

/// One report's document with the options applied.
pub fn report_document(v: &View, id: &str, opts: &BuildOptions) -> Result<Document, crate::render::RenderError> {
    let mut doc = crate::render::report(v, id)?;
    doc.meta.draft |= opts.draft;
    Ok(doc)
}

/// The data files a department was loaded from (for locating a character the fonts lack).
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// The department folder, as the user named it.
    pub dir: String,
    /// Every file the loader read, as named in messages.
    pub files: Vec<String>,
}

/// Finds where each character first occurs in the files the department was loaded from
/// (read again, within the loader's limits; the folder is never walked).
fn locate_chars(sources: &Sources, chars: &[char], families: &[String]) -> Vec<Diagnostic> {
    let mut files = sources.files.clone();
    files.sort();
    let texts: Vec<(String, String)> =
        files.into_iter().filter_map(|f| crate::load::read_text(Path::new(&f), &f).ok().map(|t| (f, t))).collect();
    chars
        .iter()
        .map(|c| {
            let msg = format!(
                "character `{c}` (U+{:04X}) cannot be drawn with the available fonts ({})",
                *c as u32,
                families.join(", ")
            );
            let hint = "name an installed font that has it under `fonts:` in department.yaml, pass --font-path DIR, or replace the character";
            // The character itself, or a YAML escape that wrote it (`\uFFFE`, `\U0001F600`).
            let code = *c as u32;
            let escapes = [format!("\\u{code:04X}"), format!("\\u{code:04x}"), format!("\\U{code:08X}"), format!("\\U{code:08x}")];
            let find = |line: &str| line.find(*c).or_else(|| escapes.iter().find_map(|e| line.find(e.as_str())));
            for (f, text) in &texts {
                for (i, line) in text.lines().enumerate() {
                    if let Some(pos) = find(line) {
                        let col = line[..pos].chars().count() + 1;
                        let loc = crate::source::Loc { file: f.as_str().into(), line: i + 1, col };
                        return Diagnostic::error(loc, msg).with_hint(hint);
                    }
                }
            }
            Diagnostic::file_error(sources.dir.as_str(), msg).with_hint(hint)
        })
        .collect()
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// reader (or a crash) never sees a half-written file and the previous one stays intact.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    stage(path, bytes)?.persist(path)
}

/// A file written in full beside `path` under an unpredictable name (`.NAME.<pid>.<random>.tmp`),
/// created exclusively (`O_EXCL`: a link planted there is never followed) and synced, not yet
/// in place. Dropped unpersisted, it is removed; so is one a process that died left behind, the
/// next time that output is written.
pub fn stage(path: &Path, bytes: &[u8]) -> std::io::Result<Staged> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    remove_stale(dir, &name);
    let prefix = format!(".{name}.{}.", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // Readable as any file the user creates (0666 less the umask), not tempfile's private
    // 0600: the booklet goes to a web server and colleagues.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let f = builder.tempfile_in(dir)?;
    let staged = Staged::register(f);
    let mut file = staged.file.as_ref().expect("just created").as_file();
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(staged)
}

/// The temporary files this process has staged and not yet put in place or dropped: removed
/// by [`remove_staged`] when the process is interrupted (SIGINT, SIGTERM).
static STAGED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// A staged output: a temporary file beside its place, removed when dropped unpersisted.
pub struct Staged {
    file: Option<tempfile::NamedTempFile>,
}

impl Staged {
    fn register(f: tempfile::NamedTempFile) -> Staged {
        STAGED.lock().unwrap_or_else(|p| p.into_inner()).push(f.path().to_path_buf());
        Staged { file: Some(f) }
    }

    fn forget(path: &Path) {
        STAGED.lock().unwrap_or_else(|p| p.into_inner()).retain(|p| p != path);
    }

    /// Renames it into place at `path`.
    pub fn persist(mut self, path: &Path) -> std::io::Result<()> {
        let f = self.file.take().expect("staged once");
        let tmp = f.path().to_path_buf();
        let result = f.persist(path).map(|_| ()).map_err(|e| e.error);
        Staged::forget(&tmp);
        result
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Some(f) = self.file.take() {
            Staged::forget(f.path());
        }
    }
}

/// Removes every temporary file this process has staged and not put in place; for the
/// SIGINT/SIGTERM handler (`main`), which then exits.
pub fn remove_staged() {
    let paths = std::mem::take(&mut *STAGED.lock().unwrap_or_else(|p| p.into_inner()));
    for p in paths {
        let _ = std::fs::remove_file(p);
    }
}

/// Removes the temporary files `.NAME.<pid>.*.tmp` that a process no longer running left in
/// `dir` (one killed by SIGKILL, or by a power cut). Linux: a process runs while
/// `/proc/<pid>` exists; elsewhere nothing is removed.
fn remove_stale(dir: &Path, name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let lead = format!(".{name}.");
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&lead).filter(|_| file.ends_with(".tmp")) else { continue };
        let Some(pid) = rest.split('.').next().and_then(|p| p.parse::<u32>().ok()) else { continue };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() && e.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Writes every output of one build into `dir`, all or nothing: each is staged first
/// ([`stage`]); only when all are, they are renamed into place. A failure leaves every
/// previous output as it was. Returns the paths written.
pub fn write_outputs(dir: &Path, outputs: &[Output]) -> Result<Vec<PathBuf>, (PathBuf, std::io::Error)> {
    let mut staged = Vec::with_capacity(outputs.len());
    for o in outputs {
        let path = dir.join(&o.name);
        // An output's place must be a file (or nothing): a folder there fails now, before any
        // other output has replaced its predecessor.
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            return Err((path, std::io::Error::other("a folder is in the way")));
        }
        match stage(&path, &o.bytes) {
            Ok(f) => staged.push((path, f)),
            Err(e) => return Err((path, e)),
        }
    }
    let mut written = Vec::with_capacity(staged.len());
    for (path, f) in staged {
        f.persist(&path).map_err(|e| (path.clone(), e))?;
        written.push(path);
    }
    // Only a run that wrote its outputs leaves fonts in the output folder's cache.
    crate::write::font_cache::keep_pending();
    Ok(written)
}

/// What to build from one department.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// The whole booklet.
    Booklet,
    /// One project's 自评报告.
    Report(&'a str),
}

/// One department built: its outputs (not yet written) and what `check` found.
#[derive(Debug)]
pub struct Built {
    /// Files to write.
    pub outputs: Vec<Output>,
    /// PDF pages (0 without a PDF).
    pub pages: usize,
    /// `check` findings (errors did not stop the build unless `strict`).
    pub findings: Vec<Diagnostic>,
    /// The draft mark was put on every page because `check` found errors in what was built.
    pub marked_draft: bool,
}

impl Built {
    /// Number of error findings.
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.is_error()).count()
    }
}

/// Why one department was not built.
#[derive(Debug)]
pub enum Failure {
    /// Input unreadable or malformed (exit 2).
    Load(crate::diag::LoadErrors),
    /// `--strict` and `check` found errors (exit 1); nothing built.
    Strict(Vec<Diagnostic>),
    /// No project with that id (exit 2); the known ids follow.
    NoSuchProject(String, Vec<String>),
    /// Missing glyphs or an internal fault (exit 2).
    Build(BuildError),
}

impl Failure {
    /// The process exit status this failure stands for.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Strict(_) => 1,
            _ => 2,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Load(e) => write!(f, "{e}"),
            Failure::Strict(fs) => {
                let errors = fs.iter().filter(|d| d.is_error()).count();
                write!(f, "error: --strict: check found {errors} errors; nothing written")
            }
            Failure::NoSuchProject(id, ids) if ids.is_empty() => {
                write!(f, "error: no project with id `{id}`\nhint: this department has no 自评报告 (projects/ is empty or missing)")
            }
            Failure::NoSuchProject(id, ids) => {
                write!(f, "error: no project with id `{id}`\nhint: the projects are: {}", ids.join(", "))
            }
            Failure::Build(e) => write!(f, "{e}"),
        }
    }
}

/// The file-name stem for a department folder (`data/lanxian-kfq-2024` → `lanxian-kfq-2024`).
pub fn stem_of(dir: &Path) -> String {
    dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "booklet".into())
}

/// The whole pipeline for one department, in memory: load → compute → check → render →
/// PDF/DOCX bytes. `fonts` gives the font set for the department's font families (so a
/// batch or watch loop parses fonts once). Nothing is written.
pub fn build_department(
    dir: &Path,
    target: Target,
    opts: &BuildOptions,
    strict: bool,
    fonts: &dyn Fn(&[String]) -> std::sync::Arc<FontSet>,
) -> Result<Built, Failure> {
    let (dept, view, findings) = prepare(dir, opts.layout.as_deref()).map_err(Failure::Load)?;
    if strict && findings.iter().any(|f| f.is_error()) {
        return Err(Failure::Strict(findings));
    }
    let marked_draft = errors_in(&findings, &dept, target);
    let opts = BuildOptions { draft: opts.draft || marked_draft, ..opts.clone() };
    let (outputs, pages) = build_prepared(&dept, &view, target, &opts, fonts)?;
    Ok(Built { outputs, pages, findings, marked_draft })
}

/// Whether `check` found errors in what `target` prints: any error for the booklet; for one
/// 自评报告, an error in that project's own file. Such an output never looks final: it carries
/// the draft mark (仅供内部审核) on every page until the errors are mended.
pub fn errors_in(findings: &[Diagnostic], dept: &crate::model::Department, target: Target) -> bool {
    let errors = findings.iter().filter(|f| f.is_error());
    match target {
        Target::Booklet => errors.count() > 0,
        Target::Report(id) => {
            let Some(p) = dept.projects.iter().find(|p| p.id == id) else { return false };
            let file = format!("/{}.yaml", p.file_key);
            let file_yml = format!("/{}.yml", p.file_key);
            errors.filter_map(|f| f.loc.as_ref()).any(|l| l.file.ends_with(&file) || l.file.ends_with(&file_yml))
        }
    }
}

/// Renders and writes (in memory) `target` of an already loaded and computed department.
pub fn build_prepared(
    dept: &crate::model::Department,
    view: &View,
    target: Target,
    opts: &BuildOptions,
    fonts: &dyn Fn(&[String]) -> std::sync::Arc<FontSet>,
) -> Result<(Vec<Output>, usize), Failure> {
    let stem = stem_of(Path::new(&dept.dir));
    let (doc, stem) = match target {
        Target::Booklet => (booklet_document(view, opts).map_err(Failure::Build)?, stem),
        Target::Report(id) => match report_document(view, id, opts) {
            Ok(d) => (d, format!("{stem}-{id}")),
            Err(crate::render::RenderError::NoSuchProject(_)) => {
                let ids = view.projects.iter().map(|p| p.id.clone()).collect();
                return Err(Failure::NoSuchProject(id.to_string(), ids));
            }
            Err(e) => return Err(Failure::Build(BuildError::Internal(e.to_string()))),
        },
    };
    let fonts = fonts(&families(&doc.meta));
    let sources = Sources { dir: dept.dir.clone(), files: dept.sources.values().map(|m| m.file().to_string()).collect() };
    outputs(&doc, &stem, &fonts, opts, &sources, dept.info.year).map_err(Failure::Build)
}

/// The font families a document draws with: those of the 宋体 and 黑体 roles, and of the
/// 仿宋 and 楷体 roles where its house style uses them (a document of the standard style
/// then lays out with exactly the fonts it always had).
pub fn families(meta: &crate::doc::Meta) -> Vec<String> {
    let mut f = vec![meta.serif.clone(), meta.sans.clone()];
    if meta.house_style != crate::write::style::HouseStyle::Standard {
        f.extend([meta.fang.clone(), meta.kai.clone()]);
    }
    f
}

/// Font sets by family list, each parsed once (the embedded fonts are always there).
pub struct FontCache {
    dirs: Vec<PathBuf>,
    sets: std::sync::Mutex<Vec<(Vec<String>, std::sync::Arc<FontSet>)>>,
}

impl FontCache {
    /// A cache that also searches `dirs` (`--font-path`) and the system fonts.
    pub fn new(dirs: Vec<PathBuf>) -> FontCache {
        FontCache { dirs, sets: std::sync::Mutex::new(Vec::new()) }
    }

    /// The font set for `families`.
    pub fn get(&self, families: &[String]) -> std::sync::Arc<FontSet> {
        let mut sets = self.sets.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, s)) = sets.iter().find(|(f, _)| f == families) {
            return s.clone();
        }
        let set = std::sync::Arc::new(FontSet::with_families(families, &self.dirs));
        sets.push((families.to_vec(), set.clone()));
        set
    }
}

/// Loads, computes and checks `dir` (with the layout folder `layout` instead of the one
/// `department.yaml` names, when given).
pub fn prepare(dir: &Path, layout: Option<&Path>) -> Result<(crate::model::Department, View, Vec<Diagnostic>), crate::diag::LoadErrors> {
    let d = crate::load::load_dir_with(dir, layout)?;
    let v = compute(&d);
    let findings = crate::check::check(&d, &v);
    Ok((d, v, findings))
}
