//! Stage 1 — load: a department folder of YAML files → [`Department`], or every error found,
//! each with `file:line:col`, what was expected and, for a misspelt key, a "did you mean".

use crate::diag::{Diagnostic, LoadErrors};
use crate::forms::{self, CodeTableSpec};
use crate::model::*;
use crate::money::Money;
use crate::source::{Loc, SourceMap, SourceMapBuilder};
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Largest data file accepted (a department's biggest file is well under 1 MiB).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Most bytes of project files read for one department: room for 100,000 projects of the
/// usual 1–3 KB, and a bound on memory (about 8 bytes held for every byte of YAML).
pub const MAX_PROJECT_BYTES: u64 = 256 * 1024 * 1024;

/// Every data file juesuan knows (keys, without `.yaml`), besides `projects/*.yaml`.
pub const FILES: &[&str] = &[
    "department",
    "tables/01-summary",
    "tables/02-income",
    "tables/03-expenditure",
    "tables/04-fiscal",
    "tables/05-general-budget",
    "tables/06-basic-detail",
    "tables/07-gov-fund",
    "tables/08-soe-capital",
    "tables/09-three-public",
    "tables/10-statistics",
    "explanation",
    "glossary",
];

/// Loads the department folder `dir` with the layout its `department.yaml` names.
pub fn load_dir(dir: &Path) -> Result<Department, LoadErrors> {
    load_dir_with(dir, None)
}

/// Loads the department folder `dir`; `layout` (`--layout DIR`) overrides the one it names.
pub fn load_dir_with(dir: &Path, layout: Option<&Path>) -> Result<Department, LoadErrors> {
    let mut r = Reader::new(dir);
    if !dir.is_dir() {
        return Err(LoadErrors(vec![Diagnostic::file_error(
            r.display.clone(),
            "not a department folder (expected a directory with department.yaml)",
        )]));
    }
    // The projects (most of a large department's YAML) are read on other threads meanwhile.
    let projects = {
        let (dir, display) = (dir.to_path_buf(), r.display.clone());
        std::thread::spawn(move || read_projects(&dir, &display))
    };
    let info: Option<Info> = r.read("department", true);
    let at = r.sources.get("department").map(|s| s.loc("layout")).unwrap_or(Loc { file: r.file_name("department").into(), line: 1, col: 1 });
    let named = info.as_ref().and_then(|i| i.layout.clone());
    let layout = match crate::layout::resolve(named.as_deref(), dir, layout, at) {
        Ok(l) => Some(l),
        Err(LoadErrors(es)) => {
            r.errors.extend(es);
            None
        }
    };
    if let Some(h) = info.as_ref().and_then(|i| i.house_style.as_deref()) {
        if crate::write::style::HouseStyle::from_name(h).is_none() {
            let at = r.sources.get("department").map(|s| s.loc("house_style")).unwrap_or(Loc { file: r.file_name("department").into(), line: 1, col: 1 });
            r.errors.push(Diagnostic::error(at, format!("unknown house style `{h}`")).with_hint(crate::layout::house_style_hint()));
        }
    }
    let need = |key: &str| layout.as_ref().is_none_or(|l| l.requires(key));
    let t01: Option<Summary01> = r.read_or_default("tables/01-summary", need("tables/01-summary"));
    let t02: Option<CodeTable> = r.read_or_default(forms::T02.file, need(forms::T02.file));
    let t03: Option<CodeTable> = r.read_or_default(forms::T03.file, need(forms::T03.file));
    let t04: Option<Fiscal04> = r.read_or_default("tables/04-fiscal", need("tables/04-fiscal"));
    let t05: Option<CodeTable> = r.read_or_default(forms::T05.file, need(forms::T05.file));
    let t06: Option<BasicDetail06> = r.read_or_default("tables/06-basic-detail", need("tables/06-basic-detail"));
    let t07: Option<CodeTable> = r.read_or_default(forms::T07.file, need(forms::T07.file));
    let t08: Option<CodeTable> = r.read_or_default(forms::T08.file, need(forms::T08.file));
    let t09: Option<ThreePublic09> = r.read_or_default("tables/09-three-public", need("tables/09-three-public"));
    let t10: Option<Stats10> = r.read_or_default("tables/10-statistics", need("tables/10-statistics"));
    let explanation: Option<Explanation> = r.read_or_default("explanation", need("explanation"));
    let glossary: Option<Glossary> = r.read("glossary", false);
    let projects = r.keep_projects(projects.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));

    let (
        Some(layout),
        Some(info),
        Some(t01),
        Some(t02),
        Some(t03),
        Some(t04),
        Some(t05),
        Some(t06),
        Some(t07),
        Some(t08),
        Some(t09),
        Some(t10),
        Some(explanation),
    ) = (layout, info, t01, t02, t03, t04, t05, t06, t07, t08, t09, t10, explanation)
    else {
        return Err(LoadErrors(r.errors));
    };
    let dept = Department {
        dir: r.display.clone(),
        layout,
        info,
        t01,
        t02,
        t03,
        t04,
        t05,
        t06,
        t07,
        t08,
        t09,
        t10,
        explanation,
        glossary,
        projects,
        sources: std::mem::take(&mut r.sources),
    };
    let mut errors = r.errors;
    errors.extend(validate(&dept));
    if errors.is_empty() {
        Ok(dept)
    } else {
        Err(LoadErrors(errors))
    }
}

struct Reader {
    dir: PathBuf,
    /// The folder with its links resolved: every file read must lie inside it.
    root: PathBuf,
    display: String,
    errors: Vec<Diagnostic>,
    sources: BTreeMap<String, SourceMap>,
}

impl Reader {
    fn new(dir: &Path) -> Reader {
        let display = dir.to_string_lossy().trim_end_matches('/').to_string();
        let root = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        Reader { dir: dir.to_path_buf(), root, display, errors: Vec::new(), sources: BTreeMap::new() }
    }

    /// The projects read, their source maps kept and their errors recorded after those of
    /// the other files.
    fn keep_projects(&mut self, read: Vec<ProjectRead>) -> Vec<Project> {
        let mut out = Vec::new();
        for (key, item) in read {
            match item {
                Ok((p, map)) => {
                    self.sources.insert(key, map);
                    out.push(p);
                }
                Err(d) => self.errors.push(d),
            }
        }
        out
    }

    fn file_name(&self, key: &str) -> String {
        format!("{}/{key}.yaml", self.display)
    }

    /// Reads `<key>.yaml`, or gives the empty value when the file is absent and the layout
    /// does not require it.
    fn read_or_default<T: DeserializeOwned + Default>(&mut self, key: &str, required: bool) -> Option<T> {
        if !required && !self.dir.join(format!("{key}.yaml")).exists() {
            return Some(T::default());
        }
        self.read(key, required)
    }

    /// Reads and deserialises `<key>.yaml`; records errors and returns `None` on failure.
    fn read<T: DeserializeOwned>(&mut self, key: &str, required: bool) -> Option<T> {
        let path = self.dir.join(format!("{key}.yaml"));
        let name = self.file_name(key);
        if !path.exists() {
            if required {
                self.errors.push(Diagnostic::file_error(name, "required file is missing").with_hint(
                    "create it (juesuan new DIR --department NAME --year YEAR scaffolds a complete folder; docs/data-format.md lists every file)",
                ));
            }
            return None;
        }
        let text = match read_data(&path, &name, &self.root) {
            Ok(t) => t,
            Err(d) => {
                self.errors.push(d);
                return None;
            }
        };
        match parse_yaml::<T>(&name, &text) {
            Ok((v, map)) => {
                self.sources.insert(key.to_string(), map);
                Some(v)
            }
            Err(d) => {
                self.errors.push(d);
                None
            }
        }
    }
}

/// One project file read: its key (`projects/<stem>`) and the project with its source map,
/// or what is wrong with it.
type ProjectRead = (String, Result<(Project, SourceMap), Diagnostic>);

/// Reads every `projects/*.yaml` of `dir` (`display`: the folder as the user named it), in
/// file-name order, on every core.
fn read_projects(dir: &Path, display: &str) -> Vec<ProjectRead> {
    let root = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let dir = dir.join("projects");
    let shown = format!("{display}/projects");
    // No projects/ at all is fine (no 自评报告); one that cannot be listed is not.
    if std::fs::symlink_metadata(&dir).is_err() {
        return Vec::new();
    }
    let fault = |msg: String| vec![("projects".to_string(), Err(Diagnostic::file_error(shown.as_str(), msg)))];
    if !dir.is_dir() {
        return fault("not a folder; projects/ holds one YAML file per 自评报告".into());
    }
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) => return fault(format!("cannot be read: {e}")),
    };
    let mut out: Vec<ProjectRead> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for name in entries.filter_map(|e| e.ok()).map(|e| e.file_name()) {
        match name.into_string() {
            Ok(n) => names.push(n),
            // A name written on a GBK system: the file cannot be named back to the user or
            // opened under a lossy name, and leaving it out would lose a project silently.
            Err(raw) => {
                let lossy = raw.to_string_lossy().into_owned();
                let lower = lossy.to_lowercase();
                if lower.ends_with(".yaml") || lower.ends_with(".yml") {
                    out.push((format!("projects/{lossy}"), Err(Diagnostic::file_error(format!("{shown}/{}", crate::diag::printable(&lossy)), "the file name is not UTF-8 (shown with � for the bytes that are not); this project would be left out")
                        .with_hint("rename the file with a UTF-8 name, e.g. p04.yaml"))));
                }
            }
        }
    }
    let mut files: Vec<String> = Vec::new();
    for n in &names {
        let lower = n.to_lowercase();
        if n.ends_with(".yaml") || n.ends_with(".yml") {
            files.push(n.clone());
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            // `p03.YAML` would otherwise be left out without a word.
            let fixed = format!("{}.yaml", &n[..n.rfind('.').unwrap_or(n.len())]);
            out.push((format!("projects/{n}"), Err(Diagnostic::file_error(format!("{shown}/{n}"), "a project file must end in `.yaml` or `.yml` (lower case); this one would be left out")
                .with_hint(format!("rename it to {fixed}")))));
        }
    }
    files.sort();
    // `p02.yaml` beside `p02.yml`: one project, two files.
    for pair in files.windows(2) {
        let stem = |f: &str| f.trim_end_matches(".yaml").trim_end_matches(".yml").to_string();
        if stem(&pair[0]) == stem(&pair[1]) {
            out.push((format!("projects/{}", stem(&pair[1])), Err(Diagnostic::file_error(format!("{shown}/{}", pair[1]), format!("`{}` and `{}` are both project `{}`", pair[0], pair[1], stem(&pair[0])))
                .with_hint("keep one of the two files"))));
        }
    }
    if !out.is_empty() {
        return out;
    }
    // Sizes are added up as the files are read; past the cap no more are read.
    let total = std::sync::atomic::AtomicU64::new(0);
    let read: Vec<ProjectRead> = files
        .par_iter()
        .map(|f| {
            let stem = f.trim_end_matches(".yaml").trim_end_matches(".yml");
            let key = format!("projects/{stem}");
            let name = format!("{display}/projects/{f}");
            let path = dir.join(f);
            let len = std::fs::metadata(&path).map_or(0, |m| m.len());
            if total.fetch_add(len, std::sync::atomic::Ordering::Relaxed).saturating_add(len) > MAX_PROJECT_BYTES {
                return (key, Err(Diagnostic::file_error(name, "not read: over the cap")));
            }
            let read = read_data(&path, &name, &root).and_then(|text| {
                let (mut p, map) = parse_yaml_once::<Project>(&name, &text)?;
                p.file_key = key.clone();
                Ok((p, map))
            });
            (key, read)
        })
        .collect();
    let total = total.into_inner();
    if total > MAX_PROJECT_BYTES {
        let msg = format!(
            "{} project files hold {total} bytes; a department may hold at most {MAX_PROJECT_BYTES} bytes ({} MiB) of them",
            files.len(),
            MAX_PROJECT_BYTES >> 20
        );
        let error = Diagnostic::file_error(shown.as_str(), msg).with_hint("split the department, or move out files that do not belong in projects/");
        return vec![("projects".to_string(), Err(error))];
    }
    read
}

/// Reads a file as UTF-8 text within the size limit.
pub fn read_text(path: &Path, name: &str) -> Result<String, Diagnostic> {
    read_text_in(path, name, None)
}

/// Reads a data file of the department folder whose resolved path is `root`: the file, its
/// links resolved, must lie inside it (a link inside the folder is fine). A file that leads
/// out is an error naming the file, and nothing of it is read.
pub fn read_data(path: &Path, name: &str, root: &Path) -> Result<String, Diagnostic> {
    read_text_in(path, name, Some((root, "department folder")))
}

/// Reads a file that must lie inside the folder whose resolved path is `root` (`folder` names
/// it in the message: "layout folder").
pub fn read_inside(path: &Path, name: &str, root: &Path, folder: &str) -> Result<String, Diagnostic> {
    read_text_in(path, name, Some((root, folder)))
}

fn read_text_in(path: &Path, name: &str, root: Option<(&Path, &str)>) -> Result<String, Diagnostic> {
    use std::io::Read as _;
    let meta = std::fs::metadata(path).map_err(|e| Diagnostic::file_error(name, format!("cannot read: {e}")))?;
    // A device or FIFO reports no size (and may never end): read regular files only.
    if !meta.is_file() {
        return Err(Diagnostic::file_error(name, "not a regular file; a data file must be a plain YAML file"));
    }
    if let Some((root, folder)) = root {
        if !path.canonicalize().is_ok_and(|p| p.starts_with(root)) {
            return Err(Diagnostic::file_error(name, format!("leads out of the {folder} (a link to a file elsewhere); a data file must lie inside the folder"))
                .with_hint(format!("copy the file into the {folder}; a link to a file inside it is fine")));
        }
    }
    let too_big = |len: u64| {
        Diagnostic::error(
            Loc { file: name.into(), line: 1, col: 1 },
            format!("file is {len} bytes; a data file may hold at most {MAX_FILE_BYTES} bytes"),
        )
        .with_hint("split the data or remove what does not belong in it")
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big(meta.len()));
    }
    // Bounded read: the file may have grown since it was measured.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| Diagnostic::file_error(name, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let text = String::from_utf8_lossy(good);
        let line = text.matches('\n').count() + 1;
        let col = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Diagnostic::error(Loc { file: name.into(), line, col }, "invalid UTF-8 byte; data files must be UTF-8")
            .with_hint("save the file as UTF-8 (not GBK/GB2312)")
    })
}

/// Deserialises `text`, turning serde's error into a located diagnostic; with the file's
/// source map (made by the precheck's pass over the events).
pub fn parse_yaml<T: DeserializeOwned>(name: &str, text: &str) -> Result<(T, SourceMap), Diagnostic> {
    let (map, _) = precheck_yaml(name, text)?;
    Ok((read_with_serde(name, text)?, map))
}

fn read_with_serde<T: DeserializeOwned>(name: &str, text: &str) -> Result<T, Diagnostic> {
    serde_yaml::from_str::<T>(text).map_err(|e| yaml_error(name, text, &e))
}

/// [`parse_yaml`] in one pass, for the files a department has thousands of (its projects):
/// the value is built from the precheck's events ([`crate::yaml::from_events`]); where that
/// gives up (tags, aliases, unusual number forms, characters libyaml refuses, and every
/// error), serde_norway reads the text again and its result and messages stand. (Only
/// there: each type read this way adds its own copy of the deserialiser to a binary that
/// must stay under 60 MB.)
pub fn parse_yaml_once<T: DeserializeOwned>(name: &str, text: &str) -> Result<(T, SourceMap), Diagnostic> {
    let (map, events) = precheck_yaml(name, text)?;
    if let Some(value) = events.filter(|_| crate::yaml::readable_by_libyaml(text)).and_then(|ev| crate::yaml::from_events::<T>(ev).ok()) {
        return Ok((value, map));
    }
    Ok((read_with_serde(name, text)?, map))
}

/// Deepest nesting of mappings and sequences accepted; the data format needs fewer than ten.
pub const MAX_NESTING: usize = 64;

/// Largest size a file may reach once its aliases (`*name`) are expanded, counting the bytes
/// of its scalars plus one per node: aliases may save typing, not multiply the data.
pub const MAX_EXPANDED_BYTES: u64 = 2 * MAX_FILE_BYTES;

/// A Unicode noncharacter: U+FDD0–U+FDEF and the last two code points of every plane.
fn is_noncharacter(c: char) -> bool {
    let u = c as u32;
    (0xFDD0..=0xFDEF).contains(&u) || u & 0xFFFE == 0xFFFE
}

/// Rejects, before deserialising, what serde would accept or chew on for too long: a file
/// without any content (serde would take it for a mapping of defaults), a key written twice
/// in one mapping (serde would keep the last value of a code-keyed map without a word, and
/// would report a doubled field at its mapping rather than at the key), nesting deeper than
/// [`MAX_NESTING`] (the YAML deserialiser is quadratic in the depth), and aliases that expand
/// beyond [`MAX_EXPANDED_BYTES`] ("billion laughs"; serde would expand them in memory).
/// Syntax errors are left to serde's report. Returns the file's source map, indexed on the same
/// pass, and the events (`None` after a syntax error), from which the value is then built.
fn precheck_yaml<'t>(name: &str, text: &'t str) -> Result<(SourceMap, Option<Vec<saphyr_parser::Event<'t>>>), Diagnostic> {
    use saphyr_parser::{Event, Parser};
    let mut events: Vec<Event<'t>> = Vec::new();
    let at = |line: usize, col: usize| Loc { file: name.into(), line, col };
    let too_deep = |loc: Loc| {
        Diagnostic::error(loc, format!("YAML nested more than {MAX_NESTING} levels deep"))
            .with_hint("the data format needs only a few levels of nesting (docs/data-format.md)")
    };
    /// An open mapping or sequence: its anchor id, its expanded size so far and, for a
    /// mapping, the keys seen and whether the next node is a key.
    struct Open<'t> {
        id: usize,
        size: u64,
        keys: Option<(KeySet<'t>, bool)>,
    }
    // Expanded size of each anchored node.
    let mut anchored: HashMap<usize, u64> = HashMap::new();
    // Text of each anchored scalar, for a key written as an alias.
    let mut anchored_text: HashMap<usize, String> = HashMap::new();
    let mut open: Vec<Open<'t>> = Vec::new();
    let mut total = 0u64;
    let mut content = false;
    // Where the last event ended: the flow-nesting overflow below is reported before the
    // parser has emitted the collections that caused it.
    let mut last_end: Option<saphyr_parser::Marker> = None;
    let mut map = SourceMapBuilder::default();
    for item in Parser::new_from_str(text) {
        let (event, span) = match item {
            Ok(x) => x,
            Err(e) if e.info() == "recursion limit exceeded" => {
                // The scanner gives up at 256 nested flow collections (`[[[…`); name the
                // first one past the limit instead.
                let (line, col) = last_end
                    .and_then(|m| flow_level_past(text, m, open.len()))
                    .unwrap_or((e.marker().line(), e.marker().col() + 1));
                return Err(too_deep(at(line, col)));
            }
            Err(_) => return Ok((map.finish(name), None)),
        };
        last_end = Some(span.end);
        map.event(&event, &span);
        let size = match &event {
            Event::MappingStart(..) | Event::SequenceStart(..) => 1,
            Event::Scalar(value, ..) => value.len() as u64 + 1,
            Event::Alias(id) => anchored.get(id).copied().unwrap_or(1),
            _ => 0,
        };
        total = total.saturating_add(size);
        for o in open.iter_mut() {
            o.size = o.size.saturating_add(size);
        }
        if total > MAX_EXPANDED_BYTES {
            return Err(Diagnostic::error(
                at(span.start.line(), span.start.col() + 1),
                format!("aliases expand this file beyond {MAX_EXPANDED_BYTES} bytes"),
            )
            .with_hint("write the values out instead of repeating `*alias` references"));
        }
        // A noncharacter (U+FFFE, U+FFFF, U+FDD0–U+FDEF …), written as an escape: no font
        // draws it and no reader expects it in a text.
        if let Event::Scalar(value, ..) = &event {
            if let Some(c) = value.chars().find(|&c| is_noncharacter(c)) {
                return Err(Diagnostic::error(
                    at(span.start.line(), span.start.col() + 1),
                    format!("U+{:04X} is a Unicode noncharacter, not text", c as u32),
                )
                .with_hint("remove it (often the residue of a broken byte-order mark or conversion)"));
            }
        }
        // A node inside a mapping is alternately a key and a value.
        let is_node = matches!(event, Event::MappingStart(..) | Event::SequenceStart(..) | Event::Scalar(..) | Event::Alias(..));
        if let Some((keys, want_key)) = open.last_mut().and_then(|o| o.keys.as_mut()).filter(|_| is_node) {
            if *want_key {
                // A key written out, or an alias (`*k`) of an anchored scalar: the same key.
                let key: Option<std::borrow::Cow<'t, str>> = match &event {
                    Event::Scalar(key, ..) => Some(key.clone()),
                    Event::Alias(id) => anchored_text.get(id).map(|k| std::borrow::Cow::Owned(k.clone())),
                    _ => None,
                };
                if let Some(key) = key {
                    let here = (span.start.line(), span.start.col() + 1);
                    if let Some((l, c)) = keys.get(&key) {
                        return Err(Diagnostic::error(
                            at(here.0, here.1),
                            format!("duplicate key `{key}` (first at line {l} column {c}); a key may appear once in a mapping"),
                        )
                        .with_hint("remove one of the two, or correct the key that was meant"));
                    }
                    keys.insert(key, here);
                }
            }
            *want_key = !*want_key;
        }
        match &event {
            &Event::MappingStart(id, _) | &Event::SequenceStart(id, _) => {
                content = true;
                let keys = matches!(event, Event::MappingStart(..)).then(|| (KeySet::default(), true));
                open.push(Open { id, size: 1, keys });
                if open.len() > MAX_NESTING {
                    return Err(too_deep(at(span.start.line(), span.start.col() + 1)));
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some(o) = open.pop() {
                    if o.id != 0 {
                        anchored.insert(o.id, o.size);
                    }
                }
            }
            // An explicit document (`---`) with nothing in it is an empty scalar.
            Event::Scalar(value, _, id, _) => {
                content |= !open.is_empty() || !value.is_empty();
                if *id != 0 {
                    anchored.insert(*id, size);
                    anchored_text.insert(*id, value.to_string());
                }
            }
            Event::Alias(..) => content = true,
            _ => {}
        }
        events.push(event);
    }
    if content {
        Ok((map.finish(name), Some(events)))
    } else {
        Err(Diagnostic::error(at(1, 1), "the file is empty; expected a mapping of keys")
            .with_hint("write the keys listed in docs/data-format.md (an empty 科目 table is `rows: []`)"))
    }
}

/// The keys of one mapping with where each was written, for the duplicate-key check: a short
/// list for the usual mapping of a few keys, a hash map past [`KeySet::LIST`] (a code-keyed
/// map may have thousands). Keys borrow the file's text where the parser could.
#[derive(Default)]
struct KeySet<'t> {
    list: Vec<(std::borrow::Cow<'t, str>, (usize, usize))>,
    map: HashMap<std::borrow::Cow<'t, str>, (usize, usize)>,
}

impl<'t> KeySet<'t> {
    const LIST: usize = 16;

    fn get(&self, key: &str) -> Option<(usize, usize)> {
        if self.map.is_empty() {
            self.list.iter().find(|(k, _)| k == key).map(|&(_, at)| at)
        } else {
            self.map.get(key).copied()
        }
    }

    fn insert(&mut self, key: std::borrow::Cow<'t, str>, at: (usize, usize)) {
        if self.map.is_empty() && self.list.len() < Self::LIST {
            self.list.push((key, at));
            return;
        }
        self.map.extend(self.list.drain(..));
        self.map.insert(key, at);
    }
}

/// Line and column of the `[` or `{` that takes the nesting past [`MAX_NESTING`], scanning
/// the flow text after `from` with `depth` collections already open. Quoted scalars and
/// comments are skipped; `None` if no such bracket is found.
fn flow_level_past(text: &str, from: saphyr_parser::Marker, mut depth: usize) -> Option<(usize, usize)> {
    let (mut line, mut col) = (from.line(), from.col() + 1);
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut prev = ' ';
    for c in text.chars().skip(from.index()) {
        if c == '\n' {
            (line, col, comment, prev) = (line + 1, 1, false, ' ');
            continue;
        }
        match quote {
            _ if comment => {}
            Some('"') if c == '"' && prev != '\\' => quote = None,
            Some('\'') if c == '\'' => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' if matches!(prev, ' ' | '\t' | '[' | '{' | ',' | ':') => quote = Some(c),
                '#' if matches!(prev, ' ' | '\t') => comment = true,
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Some((line, col));
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        prev = c;
        col += 1;
    }
    None
}

fn yaml_error(name: &str, text: &str, e: &serde_yaml::Error) -> Diagnostic {
    let (mut line, mut col) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
    let mut msg = e.to_string();
    // The problem's own position is the diagnostic's prefix; a second position in the
    // message (", while scanning a quoted scalar at line 11 column 8") says where the
    // construct began and is kept.
    let here = format!(" at line {line} column {col}");
    if let Some(i) = msg.find(&here) {
        msg.replace_range(i..i + here.len(), "");
    } else if let Some(i) = msg.rfind(" at line ") {
        msg.truncate(i);
    }
    // Reader errors (e.g. control characters) carry a byte offset instead of a line.
    if let Some((head, pos)) = msg.rsplit_once(" at position ") {
        if let Ok(pos) = pos.parse::<usize>() {
            let mut end = pos.min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let before = &text[..end];
            line = before.matches('\n').count() + 1;
            col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            msg = head.to_string();
        }
    }
    if msg == "EOF while parsing a value" || msg.is_empty() {
        msg = "the file is empty; expected a mapping of keys".into();
    }
    msg = plain_types(&msg);
    if msg.contains("more than one document") {
        if let Some((l, c)) = second_document(text) {
            return Diagnostic::error(Loc { file: name.into(), line: l, col: c }, "a second YAML document starts here; a data file holds one")
                .with_hint("remove the `---` line and what follows, or merge it into the document above");
        }
    }
    // A quote left open runs on over the following lines until the parser trips over what
    // follows; the mistake is where the quote opened.
    if let Some((ql, qc, q)) = runaway_quote(text, line, col, &msg) {
        return Diagnostic::error(
            Loc { file: name.into(), line: ql, col: qc },
            format!("unclosed quote: the text quoted here runs on to line {line}, where the YAML parser stopped ({msg})"),
        )
        .with_hint(format!("end the text with a closing {q} on line {ql}"));
    }
    let line_text = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let tab = line_text.chars().nth(col.saturating_sub(1)) == Some('\t');
    let hint = if tab {
        Some("a tab here: YAML indents with spaces only".to_string())
    } else {
        split_number(line_text, col, &msg)
            .or_else(|| unclosed_flow(&msg, line))
            .or_else(|| indentation_hint(&msg, line_text))
            .or_else(|| (msg == "unknown anchor").then(|| "an alias `*name` must refer to an anchor `&name` written before it".to_string()))
            .or_else(|| did_you_mean(&msg))
    };
    let d = Diagnostic::error(Loc { file: name.into(), line, col }, msg);
    match hint {
        Some(h) => d.with_hint(h),
        None => d,
    }
}

/// Where the second document of a YAML stream starts.
fn second_document(text: &str) -> Option<(usize, usize)> {
    use saphyr_parser::{Event, Parser};
    Parser::new_from_str(text)
        .map_while(Result::ok)
        .filter(|(e, _)| matches!(e, Event::DocumentStart(..)))
        .nth(1)
        .map(|(_, span)| (span.start.line(), span.start.col() + 1))
}

/// serde's names of Rust types (`expected struct Info`, `expected i32`) in the words of the
/// data format.
fn plain_types(msg: &str) -> String {
    let mut out = msg.replace("invalid type: unit value", "invalid type: empty value (`~`)");
    if let Some(i) = out.find("expected struct ") {
        let end = out[i + 16..].find(|c: char| !c.is_alphanumeric()).map_or(out.len(), |j| i + 16 + j);
        out.replace_range(i..end, "expected a mapping of keys");
    }
    for (rust, words) in [("expected i32", "expected a whole number such as 2024"), ("expected a boolean", "expected true or false")] {
        if out.ends_with(rust) {
            out.truncate(out.len() - rust.len());
            out.push_str(words);
        }
    }
    out
}

/// The start (line, column, quote character) of a quoted text that runs on to `line`, where
/// the parser reported `msg` at `col`: the quoted scalar the scanner was still reading at the
/// end of the file, or a quote opened on an earlier line that is still open at the error or
/// closed on its line just before it. (The parser cannot say: it fails before it has emitted
/// the run-on scalar.) A rough lexer: quotes open only where a scalar may start, comments and
/// block scalars (`|`, `>`) are skipped.
fn runaway_quote(text: &str, line: usize, col: usize, msg: &str) -> Option<(usize, usize, char)> {
    if let Some(rest) = msg.split("while scanning a quoted scalar at line ").nth(1) {
        let (l, c) = rest.split_once(" column ")?;
        let (l, c): (usize, usize) = (l.trim().parse().ok()?, c.split(|ch: char| !ch.is_ascii_digit()).next()?.parse().ok()?);
        let q = text.lines().nth(l.checked_sub(1)?)?.chars().nth(c.checked_sub(1)?).filter(|q| matches!(q, '"' | '\''))?;
        return Some((l, c, q));
    }
    let mut open: Option<(usize, usize, char)> = None;
    let mut closed_here: Option<(usize, usize, char)> = None;
    let mut block: Option<usize> = None;
    for (i, text_line) in text.lines().enumerate().take(line) {
        let ln = i + 1;
        let indent = text_line.len() - text_line.trim_start_matches(' ').len();
        if open.is_none() {
            match block {
                Some(b) if text_line.trim().is_empty() || indent > b => continue,
                _ => block = None,
            }
        }
        let mut prev = ' ';
        let mut plain_end = text_line.len();
        for (j, (byte, c)) in text_line.char_indices().enumerate() {
            if ln == line && j + 1 >= col {
                break;
            }
            match open {
                Some((ol, oc, q)) if c == q && (q == '\'' || prev != '\\') => {
                    if ol < ln && ln == line {
                        closed_here = Some((ol, oc, q));
                    }
                    open = None;
                }
                Some(_) => {}
                None if c == '#' && matches!(prev, ' ' | '\t') => {
                    plain_end = byte;
                    break;
                }
                None if matches!(c, '"' | '\'') && matches!(prev, ' ' | '\t' | '[' | '{' | ',' | ':' | '-') => open = Some((ln, j + 1, c)),
                None => {}
            }
            prev = c;
        }
        // `key: |` or `- >-` starts a block scalar: its more indented lines are text.
        let head = text_line[..plain_end].trim_end();
        if open.is_none() && head.trim_end_matches(|c: char| c == '-' || c == '+' || c.is_ascii_digit()).ends_with(['|', '>']) {
            block = Some(indent);
        }
    }
    match open {
        Some(o) if o.0 < line => Some(o),
        _ => closed_here,
    }
}

/// For "did not find expected key, while parsing a block mapping at line L column C": the
/// line is indented unlike the keys of that mapping.
fn indentation_hint(msg: &str, line_text: &str) -> Option<String> {
    let rest = msg.split("did not find expected key, while parsing a block mapping at line ").nth(1)?;
    let (l, c) = rest.split_once(" column ")?;
    let c: usize = c.split(|ch: char| !ch.is_ascii_digit()).next()?.parse().ok()?;
    let here = line_text.len() - line_text.trim_start_matches(' ').len() + 1;
    (here != c).then(|| {
        format!("this line starts at column {here}, but the keys of the mapping begun at line {} start at column {c}: indent it like them", l.trim())
    })
}

/// For a key that is the tail of a number split at its thousands separator inside a
/// `{…}` mapping (`fiscal: 1,2345.6` reads as `fiscal: 1` and a key `2345.6`), says so.
fn split_number(line_text: &str, col: usize, msg: &str) -> Option<String> {
    let key = msg.split("unknown field `").nth(1)?.split('`').next()?;
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let before: String = line_text.chars().take(col.saturating_sub(1)).collect();
    let head = before.trim_end().strip_suffix(',')?;
    let start = head.rfind(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',' || c == '-')).map_or(0, |i| i + 1);
    let head = &head[start..];
    if head.is_empty() || !head.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        return None;
    }
    let number = format!("{head},{key}");
    Some(format!(
        "`{number}` was split at its comma (inside {{…}} a comma separates entries); write the number without commas, e.g. `{}`",
        number.replace(',', "")
    ))
}

/// For "did not find expected ',' or '}', while parsing a flow mapping at line L column C"
/// reported on a later line, points at the bracket left open.
fn unclosed_flow(msg: &str, line: usize) -> Option<String> {
    let (what, close) = if msg.contains("while parsing a flow mapping at line ") {
        ("flow mapping at line ", '}')
    } else if msg.contains("while parsing a flow sequence at line ") {
        ("flow sequence at line ", ']')
    } else {
        return None;
    };
    let rest = msg.split(what).nth(1)?;
    let (l, c) = rest.split_once(" column ")?;
    let l: usize = l.trim().parse().ok()?;
    let c: usize = c.split(|ch: char| !ch.is_ascii_digit()).next()?.parse().ok()?;
    (l < line).then(|| {
        let open = if close == '}' { '{' } else { '[' };
        format!("the `{open}` at line {l} column {c} is not closed: is a `{close}` missing at the end of line {l}?")
    })
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" finds the closest expected name.
fn did_you_mean(msg: &str) -> Option<String> {
    let rest = msg.split("unknown field `").nth(1).or_else(|| msg.split("unknown variant `").nth(1))?;
    let (unknown, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let best = candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(unknown, c), *c))
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    if best.0 >= 0.75 {
        Some(format!("did you mean `{}`?", best.1))
    } else {
        Some(format!("the keys allowed here are: {}", candidates.join(", ")))
    }
}

/// Structural rules that serde cannot express: 科目 codes, units, ids, references.
fn validate(d: &Department) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let src = |key: &str| d.sources.get(key).cloned().unwrap_or_default();
    validate_info(d, &src("department"), &mut out);
    for (spec, table) in [
        (&forms::T02, &d.t02),
        (&forms::T03, &d.t03),
        (&forms::T05, &d.t05),
        (&forms::T07, &d.t07),
        (&forms::T08, &d.t08),
    ] {
        validate_code_table(spec, table, &src(spec.file), &mut out);
    }
    let class_keys = |map: &mut dyn Iterator<Item = &String>, base: &str, s: &SourceMap, out: &mut Vec<Diagnostic>| {
        for code in map {
            if forms::class_name_in(&d.layout.catalog, code).is_none() {
                out.push(
                    Diagnostic::error(s.key_loc(&format!("{base}.{code}")), format!("`{code}` is not a 功能分类 类 code"))
                        .with_hint("use a 3-digit 类 code such as 201, 208, 213"),
                );
            }
        }
    };
    let s01 = src("tables/01-summary");
    class_keys(&mut d.t01.printed.by_class.keys(), "printed.by_class", &s01, &mut out);
    let s04 = src("tables/04-fiscal");
    class_keys(&mut d.t04.printed.by_class.keys(), "printed.by_class", &s04, &mut out);
    let se = src("explanation");
    let e = &d.explanation;
    class_keys(&mut e.prior_year.general_budget_by_class.keys(), "prior_year.general_budget_by_class", &se, &mut out);
    class_keys(&mut e.annual_budget.general_budget_by_class.keys(), "annual_budget.general_budget_by_class", &se, &mut out);
    class_keys(&mut e.reasons.general_budget_by_class.keys(), "reasons.general_budget_by_class", &se, &mut out);
    class_keys(&mut e.uses.general_budget_by_class.keys(), "uses.general_budget_by_class", &se, &mut out);
    class_keys(&mut e.printed.by_class.keys(), "printed.by_class", &se, &mut out);
    for key in e.printed.three_public_items.keys() {
        const ITEMS: [&str; 5] = ["abroad", "car_purchase", "car_operation", "car_subtotal", "reception"];
        if !ITEMS.contains(&key.as_str()) {
            let best = ITEMS.iter().max_by(|a, b| strsim::jaro_winkler(key, a).total_cmp(&strsim::jaro_winkler(key, b))).unwrap_or(&ITEMS[0]);
            out.push(
                Diagnostic::error(se.key_loc(&format!("printed.three_public_items.{key}")), format!("`{key}` is not a “三公” item"))
                    .with_hint(format!("did you mean `{best}`? the items are: {}", ITEMS.join(", "))),
            );
        }
    }
    validate_balances(d, &s01, &s04, &mut out);
    validate_explanation_amounts(e, &se, &mut out);
    validate_basic_detail(&d.t06, &d.layout.catalog, &src("tables/06-basic-detail"), &mut out);
    validate_09_10(d, &src("tables/09-three-public"), &src("tables/10-statistics"), &mut out);
    validate_projects(d, &mut out);
    // Messages name forms and sections by kind and id: the layout words them.
    for f in &mut out {
        f.message = d.layout.rename(&f.message);
        if let Some(h) = &mut f.hint {
            *h = d.layout.rename(h);
        }
    }
    out
}

fn validate_info(d: &Department, s: &SourceMap, out: &mut Vec<Diagnostic>) {
    if !(1990..=2100).contains(&d.info.year) {
        out.push(Diagnostic::error(s.loc("year"), format!("year {} is out of range; expected e.g. 2024", d.info.year)));
    }
    if let Some(date) = &d.info.date {
        if chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_err() {
            out.push(Diagnostic::error(s.loc("date"), format!("`{date}` is not a date; expected YYYY-MM-DD")));
        }
    }
    if d.info.name.trim().is_empty() {
        out.push(Diagnostic::error(s.loc("name"), "部门名称 is empty"));
    }
}

/// 科目 code rules of one table: digits, length, uniqueness, parents, where amounts go.
fn validate_code_table(spec: &CodeTableSpec, t: &CodeTable, s: &SourceMap, out: &mut Vec<Diagnostic>) {
    // A malformed code is the one error of its table: the 类/款/项 structure read around it
    // would only give follow-on errors (a 款 "without 项 rows" whose 项 has a full-width code).
    let malformed = t.rows.iter().enumerate().filter_map(|(i, row)| code_error(&row.code, s.loc(&format!("rows[{i}].code"))));
    let before = out.len();
    out.extend(malformed);
    if out.len() > before {
        return;
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut previous: Option<&str> = None;
    for (i, row) in t.rows.iter().enumerate() {
        let at = |field: &str| s.loc(&format!("rows[{i}].{field}"));
        let code = row.code.as_str();
        if let Some(first) = seen.insert(code, i) {
            out.push(Diagnostic::error(
                at("code"),
                format!("duplicate 科目 code `{code}` (first at {})", s.loc(&format!("rows[{first}].code"))),
            ));
        } else if let Some(prev) = previous.filter(|p| *p > code) {
            // Code order puts every 款 and 项 right under its parent (`206` < `20601` < `2060101` < `20604`).
            out.push(
                Diagnostic::error(at("code"), format!("科目 `{code}` is listed after `{prev}`; rows must be in code order"))
                    .with_hint("move the row (with its 项 rows) to its place under its 类/款"),
            );
        }
        previous = Some(code);
        if code.len() > 3 {
            let parent = &code[..code.len() - 2];
            if !seen.contains_key(parent) {
                let level = if code.len() == 7 { "款" } else { "类" };
                out.push(
                    Diagnostic::error(at("code"), format!("科目 `{code}` has no {level} row `{parent}` above it"))
                        .with_hint(format!("add `- {{code: \"{parent}\", name: …}}` before this row")),
                );
            }
        }
        for col in Cols::NAMES.iter().filter(|c| **c != "total") {
            let Some(m) = row.get(col) else { continue };
            if !spec.columns.iter().any(|(k, _)| k == col) {
                out.push(column_error(spec, at(col), col));
            } else if code.len() < 7 {
                out.push(
                    Diagnostic::error(at(col), format!("amounts of 类/款 row `{code}` are computed from its 项 rows"))
                        .with_hint(format!("write the figure as printed under `printed: {{{col}: …}}`")),
                );
            } else {
                non_negative(out, at(col), Some(m), spec.form);
            }
        }
        if let Some(p) = &row.printed {
            check_printed_cols(spec, p, &|c| at(&format!("printed.{c}")), out);
        }
        let has_child = t.rows.get(i + 1).is_some_and(|n| n.code.len() > code.len() && n.code.starts_with(code));
        if code.len() < 7 && !has_child {
            out.push(Diagnostic::error(at("code"), format!("科目 `{code}` has no 项 rows below it")).with_hint(
                "list its 7-digit 项 rows after it (amounts are entered on 项 rows only)",
            ));
        }
    }
    if let Some(p) = &t.printed {
        check_printed_cols(spec, p, &|c| s.loc(&format!("printed.{c}")), out);
    }
}

/// What is wrong with a 科目 code, if anything: it must be 3 (类), 5 (款) or 7 (项) ASCII digits.
fn code_error(code: &str, at: Loc) -> Option<Diagnostic> {
    if code.bytes().all(|b| b.is_ascii_digit()) && [3, 5, 7].contains(&code.len()) {
        return None;
    }
    // Full-width digits (２０１), as an input method on Chinese settings types them.
    let ascii: String = code.chars().map(|c| if ('０'..='９').contains(&c) { char::from(b'0' + (c as u32 - '０' as u32) as u8) } else { c }).collect();
    if ascii != code && ascii.bytes().all(|b| b.is_ascii_digit()) && [3, 5, 7].contains(&ascii.len()) {
        return Some(
            Diagnostic::error(at, format!("科目 code `{code}` is written in full-width digits"))
                .with_hint(format!("write it in ASCII digits: code: \"{ascii}\"")),
        );
    }
    Some(
        Diagnostic::error(at, format!("科目 code `{code}` must be 3 (类), 5 (款) or 7 (项) digits"))
            .with_hint("quote codes as strings, e.g. code: \"2011302\""),
    )
}

fn check_printed_cols(spec: &CodeTableSpec, p: &Cols, at: &dyn Fn(&str) -> Loc, out: &mut Vec<Diagnostic>) {
    for col in Cols::NAMES {
        if p.get(col).is_some() && *col != "total" && !spec.columns.iter().any(|(k, _)| k == col) {
            out.push(column_error(spec, at(col), col));
        }
    }
}

fn column_error(spec: &CodeTableSpec, loc: Loc, col: &str) -> Diagnostic {
    let allowed: Vec<&str> = spec.columns.iter().map(|(k, _)| *k).collect();
    let best = allowed.iter().max_by(|a, b| strsim::jaro_winkler(col, a).total_cmp(&strsim::jaro_winkler(col, b)));
    let hint = match best {
        Some(b) if strsim::jaro_winkler(col, b) > 0.8 => format!("did you mean `{b}`?"),
        _ => format!("the columns of {} are: {}", spec.form, allowed.join(", ")),
    };
    Diagnostic::error(loc, format!("column `{col}` does not belong to {} {}", spec.form, spec.title)).with_hint(hint)
}

fn validate_basic_detail(t: &BasicDetail06, catalog: &forms::Catalog, s: &SourceMap, out: &mut Vec<Diagnostic>) {
    let cat = &catalog.economic;
    for code in t.printed.classes.keys() {
        if !cat.iter().any(|e| &e.code == code && e.code.len() == 3) {
            out.push(
                Diagnostic::error(s.key_loc(&format!("printed.classes.{code}")), format!("`{code}` is not a 类 row of {{form:basic_detail}}"))
                    .with_hint("printed.classes takes the 3-digit 经济分类类 codes printed on the form (e.g. 301, 302, 303)"),
            );
        }
    }
    for (code, m) in &t.amounts {
        let at = s.loc(&format!("amounts.{code}"));
        let key_at = s.key_loc(&format!("amounts.{code}"));
        match cat.iter().find(|e| &e.code == code) {
            None => out.push(
                Diagnostic::error(key_at, format!("`{code}` is not a row of {{form:basic_detail}}"))
                    .with_hint("use the 5-digit 经济分类款 codes printed on the form (e.g. 30101)"),
            ),
            Some(e) if e.code.len() != 5 => out.push(
                Diagnostic::error(key_at, format!("`{code}` is a 类; its amount is the sum of its 款 rows"))
                    .with_hint(format!("write the figure as printed under printed.classes.\"{code}\"")),
            ),
            Some(e) if e.dash => {
                out.push(Diagnostic::error(at, format!("{{form:basic_detail}} prints —— for `{code}` {}; it takes no amount", e.name)))
            }
            Some(_) => non_negative(out, at, Some(*m), "{form:basic_detail}"),
        }
    }
}

/// An amount that cannot be negative (every amount entered, 科目 tables, balances, 公开06,
/// 09, 10 and the 自评报告): a located error naming the value and the form.
fn non_negative(out: &mut Vec<Diagnostic>, loc: Loc, value: Option<Money>, form: &str) {
    if let Some(m) = value.filter(|m| m.unit == Some(crate::money::Unit::Percent)) {
        out.push(
            Diagnostic::error(loc.clone(), format!("`{}%` is a percentage where {form} expects an amount", m.value))
                .with_hint("write the amount itself (万元 in tables/ and explanation.yaml, 元 in projects/), without `%`"),
        );
        return;
    }
    if let Some(m) = value.filter(|m| m.value < rust_decimal::Decimal::ZERO) {
        out.push(
            Diagnostic::error(loc, format!("negative amount {} in {form}", m.value))
                .with_hint("this figure cannot be negative: check the sign (a blank cell is left out, or written `~`)"),
        );
    }
}

/// The inputs of the 情况说明 that cannot be negative: last year's figures, budgets, “三公”
/// details (amounts and counts), 政府采购 details and the 绩效 counts. (Changes and growth
/// rates under `printed:` carry a sign and are not among them.)
fn validate_explanation_amounts(e: &Explanation, s: &SourceMap, out: &mut Vec<Diagnostic>) {
    let mut items: Vec<(String, Option<Money>)> = Vec::new();
    let py = &e.prior_year;
    for (k, v) in [("total", py.total), ("fiscal_total", py.fiscal_total), ("general_budget", py.general_budget), ("gov_fund", py.gov_fund), ("soe_capital", py.soe_capital), ("operating_funds", py.operating_funds)] {
        items.push((format!("prior_year.{k}"), v));
    }
    let t = &py.three_public;
    for (k, v) in [("abroad", t.abroad), ("car_purchase", t.car_purchase), ("car_operation", t.car_operation), ("car_subtotal", t.car_subtotal), ("reception", t.reception)] {
        items.push((format!("prior_year.three_public.{k}"), v));
    }
    let maps = [
        ("prior_year.general_budget_by_class", &py.general_budget_by_class),
        ("annual_budget.general_budget_by_class", &e.annual_budget.general_budget_by_class),
        ("annual_budget.general_budget_by_item", &e.annual_budget.general_budget_by_item),
        ("annual_budget.gov_fund_by_item", &e.annual_budget.gov_fund_by_item),
        ("annual_budget.soe_capital_by_item", &e.annual_budget.soe_capital_by_item),
        ("full_year_budget.general_budget_by_item", &e.full_year_budget.general_budget_by_item),
        ("performance.grades", &e.performance.grades),
    ];
    for (base, map) in maps {
        items.extend(map.iter().map(|(k, v)| (format!("{base}.{k}"), Some(*v))));
    }
    let d = &e.three_public_details;
    items.push(("three_public_details.abroad.groups".into(), d.abroad.groups));
    items.push(("three_public_details.abroad.people".into(), d.abroad.people));
    items.push(("three_public_details.car_purchase.cars".into(), d.car_purchase.cars));
    items.push(("three_public_details.car_operation.cars_held".into(), d.car_operation.cars_held));
    for (k, r) in [("domestic", &d.reception.domestic), ("foreign_affairs", &d.reception.foreign_affairs), ("overseas", &d.reception.overseas)] {
        for (f, v) in [("amount", r.amount), ("batches", r.batches), ("people", r.people)] {
            items.push((format!("three_public_details.reception.{k}.{f}"), v));
        }
    }
    let p = &e.procurement;
    for (k, v) in [
        ("sme_contracts", p.sme_contracts),
        ("small_micro_contracts", p.small_micro_contracts),
        ("sme_reserved", p.sme_reserved),
        ("small_micro_reserved", p.small_micro_reserved),
        ("sme_awarded", p.sme_awarded),
        ("small_micro_awarded", p.small_micro_awarded),
        ("sme_other_awarded", p.sme_other_awarded),
    ] {
        items.push((format!("procurement.{k}"), v));
    }
    let perf = &e.performance;
    for (k, set) in [("targets", &perf.targets), ("tracked", &perf.tracked), ("self_evaluated", &perf.self_evaluated)] {
        if let Some(set) = set {
            items.push((format!("performance.{k}.projects"), Some(set.projects)));
            items.push((format!("performance.{k}.amount"), set.amount));
            items.push((format!("performance.{k}.average_score"), set.average_score));
        }
    }
    if let Some(pb) = &perf.problems {
        items.push(("performance.problems.found".into(), Some(pb.found)));
        items.push(("performance.problems.rectified".into(), pb.rectified));
        items.push(("performance.problems.rectifying".into(), pb.rectifying));
    }
    for (path, v) in items {
        non_negative(out, s.loc(&path), v, "explanation.yaml");
    }
}

/// 公开01 and 公开04 balances (结转和结余) cannot be negative; the 政府性基金 balances of
/// 公开04 come from 公开07, so 04-fiscal.yaml must not hold them.
fn validate_balances(d: &Department, s01: &SourceMap, s04: &SourceMap, out: &mut Vec<Diagnostic>) {
    let t = &d.t01;
    for (k, v) in [("opening_balance", t.opening_balance), ("closing_balance", t.closing_balance)] {
        non_negative(out, s01.loc(k), v, "{form:summary}");
    }
    for (side, b) in [("opening", &d.t04.opening), ("closing", &d.t04.closing)] {
        for (k, v) in [("general_budget", b.general_budget), ("gov_fund", b.gov_fund), ("soe_capital", b.soe_capital)] {
            non_negative(out, s04.loc(&format!("{side}.{k}")), v, "{form:fiscal_summary}");
        }
        if let Some(m) = b.gov_fund {
            out.push(
                Diagnostic::error(
                    s04.loc(&format!("{side}.gov_fund")),
                    format!("{{form:fiscal_summary}} takes its 政府性基金 {side} balance from {{form:gov_fund}}; {} here would be ignored", m.value),
                )
                .with_hint(format!("enter it in tables/07-gov-fund.yaml, column `{side}` of the 项 rows, and leave it out here")),
            );
        }
    }
}

/// 公开09 and 公开10 hold amounts and counts that cannot be negative; counts are whole numbers.
fn validate_09_10(d: &Department, s09: &SourceMap, s10: &SourceMap, out: &mut Vec<Diagnostic>) {
    let negative = |m: &Option<Money>| m.is_some_and(|m| m.value < rust_decimal::Decimal::ZERO);
    for (side, t) in [("budget", &d.t09.budget), ("actual", &d.t09.actual)] {
        for (k, v) in [("abroad", t.abroad), ("car_purchase", t.car_purchase), ("car_operation", t.car_operation), ("reception", t.reception)] {
            non_negative(out, s09.loc(&format!("{side}.{k}")), v, "{form:three_public}");
        }
    }
    let t = &d.t10;
    let amounts = [
        ("procurement.goods", t.procurement.goods),
        ("procurement.works", t.procurement.works),
        ("procurement.services", t.procurement.services),
        ("operating_funds.administrative", t.operating_funds.administrative),
        ("operating_funds.civil_servant_managed", t.operating_funds.civil_servant_managed),
    ];
    for (k, v) in amounts {
        non_negative(out, s10.loc(k), v, "{form:statistics|section:other}");
    }
    let v = &t.vehicles;
    let counts = [
        ("vehicles.vice_ministerial", v.vice_ministerial),
        ("vehicles.principal", v.principal),
        ("vehicles.confidential", v.confidential),
        ("vehicles.emergency", v.emergency),
        ("vehicles.law_enforcement", v.law_enforcement),
        ("vehicles.special", v.special),
        ("vehicles.retired_service", v.retired_service),
        ("vehicles.other", v.other),
        ("equipment_over_1m", t.equipment_over_1m),
    ];
    for (k, c) in counts {
        if let Some(m) = c.filter(|m| negative(&Some(*m)) || !m.value.fract().is_zero() || m.unit.is_some()) {
            out.push(
                Diagnostic::error(s10.loc(k), format!("`{}` is not a count; {{form:statistics|section:other}} counts vehicles and equipment in whole numbers", m.value))
                    .with_hint("write a whole number such as 2 (辆 / 台套), without a unit"),
            );
        }
    }
}

fn validate_projects(d: &Department, out: &mut Vec<Diagnostic>) {
    // Ids name output files (`<dept>-<id>.pdf`), and Windows and macOS file names ignore case.
    let mut ids: HashMap<String, (&str, &str)> = HashMap::new();
    let none = SourceMap::default();
    for p in &d.projects {
        let s = d.sources.get(&p.file_key).unwrap_or(&none);
        let safe = !p.id.is_empty()
            && p.id.len() <= 64
            && p.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && !p.id.starts_with('-');
        if !safe {
            out.push(
                Diagnostic::error(s.loc("id"), format!("project id `{}` is not allowed", p.id.escape_debug()))
                    .with_hint("ids name output files: use letters, digits, - and _ only (e.g. p01)"),
            );
        }
        if let Some((first_id, first)) = ids.insert(p.id.to_lowercase(), (&p.id, &p.file_key)) {
            let msg = if first_id == p.id {
                format!("project id `{}` is used twice (also in {}/{first}.yaml)", p.id, d.dir)
            } else {
                format!("project id `{}` differs from `{first_id}` (in {}/{first}.yaml) only in case", p.id, d.dir)
            };
            out.push(Diagnostic::error(s.loc("id"), msg).with_hint("ids name the output files: give each project its own id"));
        }
        if chrono::NaiveDate::parse_from_str(&format!("{}-01", p.date), "%Y-%m-%d").is_err() {
            out.push(Diagnostic::error(s.loc("date"), format!("`{}` is not a month; expected YYYY-MM", p.date)));
        }
        if p.budget.sources.is_empty() {
            out.push(Diagnostic::error(s.loc("budget.sources"), "a project needs at least one 资金来源 row"));
        }
        for (i, src) in p.budget.sources.iter().enumerate() {
            for (k, v) in [
                ("application", src.application),
                ("compiled", src.compiled),
                ("annual_budget", src.annual_budget),
                ("executed", src.executed),
            ] {
                non_negative(out, s.loc(&format!("budget.sources[{i}].{k}")), v, "自评报告 预算执行情况");
            }
        }
        for (i, ind) in p.indicators.iter().enumerate() {
            for (k, v) in [("weight", ind.weight), ("score", ind.score)] {
                if v.value.is_sign_negative() || v.value > rust_decimal::Decimal::ONE_HUNDRED {
                    out.push(Diagnostic::error(
                        s.loc(&format!("indicators[{i}].{k}")),
                        format!("{k} {} is out of range; expected 0 to 100", v.value),
                    ));
                }
            }
        }
        if let Some(g) = &p.printed.grade {
            if !["优", "良", "中", "差"].contains(&g.as_str()) {
                out.push(Diagnostic::error(s.loc("printed.grade"), format!("grade `{g}` is not one of 优, 良, 中, 差")));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precheck_rejects_empty_deep_and_exploding_files() {
        let err = |t: &str| precheck_yaml("f.yaml", t).unwrap_err().message;
        assert!(err("").contains("empty"));
        assert!(err("# only a comment\n---\n").contains("empty"));
        assert!(err(&format!("a: {}{}", "[".repeat(100), "]".repeat(100))).contains("nested more than 64"));
        let laughs = (1..12).fold(String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n"), |mut s, i| {
            s.push_str(&format!("a{i}: &a{i} [{}]\n", vec![format!("*a{}", i - 1); 9].join(", ")));
            s
        });
        assert!(err(&laughs).contains("aliases expand"));
        assert!(precheck_yaml("f.yaml", "a: &x [1, 2]\nb: *x\n").is_ok());
    }

    #[test]
    fn duplicate_keys_are_reported_at_the_second_key() {
        let err = |t: &str| precheck_yaml("f.yaml", t).unwrap_err();
        let d = err("a: 1\nb: 2\na: 3\n");
        assert_eq!((d.loc.as_ref().unwrap().line, d.loc.as_ref().unwrap().col), (3, 1));
        assert!(d.message.starts_with("duplicate key `a` (first at line 1 column 1)"), "{}", d.message);
        let d = err("m: {\"301\": 1, '301': 2}\n");
        assert_eq!(d.loc.unwrap().col, 15);
        // The same key in different mappings, and as a value, is fine.
        assert!(precheck_yaml("f.yaml", "a: {x: 1}\nb: {x: a}\nc: [{x: 1}, {x: 2}]\n").is_ok());
    }

    #[test]
    fn deep_flow_nesting_is_reported_where_it_passes_the_limit() {
        let text = format!("a: {}{}\n", "[".repeat(1000), "]".repeat(1000));
        let d = precheck_yaml("f.yaml", &text).unwrap_err();
        // The top mapping is level 1, so the 64th `[` (column 4 + 63) is level 65.
        assert_eq!(d.loc.unwrap().col, 67);
    }

    #[test]
    fn an_unclosed_quote_is_reported_where_it_opens() {
        let text = "name: \"abc\ncode: \"615\"\nyear: 2024\n";
        let d = parse_yaml::<std::collections::BTreeMap<String, String>>("f.yaml", text).unwrap_err();
        let loc = d.loc.unwrap();
        assert_eq!((loc.line, loc.col), (1, 7), "{}", d.message);
        assert!(d.message.starts_with("unclosed quote"), "{}", d.message);
        // Quotes inside a block scalar are text.
        assert_eq!(runaway_quote("a: |\n  \"x\n  y\nb: 1\n", 4, 5, "did not find expected key"), None);
    }

    #[test]
    fn a_number_split_at_its_comma_is_explained() {
        let hint = split_number("  - {fiscal: 1,2345.6, x: 1}", 16, "rows[0]: unknown field `2345.6`, expected one of `a`");
        assert_eq!(hint.as_deref(), Some("`1,2345.6` was split at its comma (inside {…} a comma separates entries); write the number without commas, e.g. `12345.6`"));
        assert_eq!(split_number("  2345.6: 1", 3, "unknown field `2345.6`, expected one of `a`"), None);
    }

    #[test]
    fn suggests_the_closest_key() {
        let h = did_you_mean("rows[0]: unknown field `fscal`, expected one of `code`, `name`, `fiscal`");
        assert_eq!(h.as_deref(), Some("did you mean `fiscal`?"));
    }
}
