//! Stage 1 — load: a department folder of YAML files → [`Department`], or every error found,
//! each with `file:line:col`, what was expected and, for a misspelt key, a "did you mean".

use crate::diag::{Diagnostic, LoadErrors};
use crate::forms::{self, CodeTableSpec};
use crate::model::*;
use crate::money::Money;
use crate::source::{Loc, SourceMap};
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Largest data file accepted (a department's biggest file is well under 1 MiB).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Loads the department folder `dir`.
pub fn load_dir(dir: &Path) -> Result<Department, LoadErrors> {
    let mut r = Reader::new(dir);
    if !dir.is_dir() {
        return Err(LoadErrors(vec![Diagnostic::file_error(
            r.display.clone(),
            "not a department folder (expected a directory with department.yaml)",
        )]));
    }
    let info: Option<Info> = r.read("department", true);
    let t01: Option<Summary01> = r.read("tables/01-summary", true);
    let t02: Option<CodeTable> = r.read(forms::T02.file, true);
    let t03: Option<CodeTable> = r.read(forms::T03.file, true);
    let t04: Option<Fiscal04> = r.read("tables/04-fiscal", true);
    let t05: Option<CodeTable> = r.read(forms::T05.file, true);
    let t06: Option<BasicDetail06> = r.read("tables/06-basic-detail", true);
    let t07: Option<CodeTable> = r.read(forms::T07.file, true);
    let t08: Option<CodeTable> = r.read(forms::T08.file, true);
    let t09: Option<ThreePublic09> = r.read("tables/09-three-public", true);
    let t10: Option<Stats10> = r.read("tables/10-statistics", true);
    let explanation: Option<Explanation> = r.read("explanation", true);
    let glossary: Option<Glossary> = r.read("glossary", false);
    let projects = r.read_projects();

    let (
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
    ) = (info, t01, t02, t03, t04, t05, t06, t07, t08, t09, t10, explanation)
    else {
        return Err(LoadErrors(r.errors));
    };
    let dept = Department {
        dir: r.display.clone(),
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
    display: String,
    errors: Vec<Diagnostic>,
    sources: BTreeMap<String, SourceMap>,
}

impl Reader {
    fn new(dir: &Path) -> Reader {
        let display = dir.to_string_lossy().trim_end_matches('/').to_string();
        Reader { dir: dir.to_path_buf(), display, errors: Vec::new(), sources: BTreeMap::new() }
    }

    fn file_name(&self, key: &str) -> String {
        format!("{}/{key}.yaml", self.display)
    }

    /// Reads and deserialises `<key>.yaml`; records errors and returns `None` on failure.
    fn read<T: DeserializeOwned>(&mut self, key: &str, required: bool) -> Option<T> {
        let path = self.dir.join(format!("{key}.yaml"));
        let name = self.file_name(key);
        if !path.exists() {
            if required {
                self.errors.push(Diagnostic::file_error(name, "required file is missing").with_hint(
                    "every department folder needs the files listed in docs/data-format.md; `juesuan new` creates them",
                ));
            }
            return None;
        }
        let text = match read_text(&path, &name) {
            Ok(t) => t,
            Err(d) => {
                self.errors.push(d);
                return None;
            }
        };
        match parse_yaml::<T>(&name, &text) {
            Ok(v) => {
                self.sources.insert(key.to_string(), SourceMap::build(&name, &text));
                Some(v)
            }
            Err(d) => {
                self.errors.push(d);
                None
            }
        }
    }

    fn read_projects(&mut self) -> Vec<Project> {
        let dir = self.dir.join("projects");
        let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
        let mut files: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
            .collect();
        files.sort();
        let mut out = Vec::new();
        for f in files {
            let stem = f.trim_end_matches(".yaml").trim_end_matches(".yml");
            let key = format!("projects/{stem}");
            let path = dir.join(&f);
            let name = format!("{}/projects/{f}", self.display);
            let text = match read_text(&path, &name) {
                Ok(t) => t,
                Err(d) => {
                    self.errors.push(d);
                    continue;
                }
            };
            match parse_yaml::<Project>(&name, &text) {
                Ok(mut p) => {
                    p.file_key = key.clone();
                    self.sources.insert(key, SourceMap::build(&name, &text));
                    out.push(p);
                }
                Err(d) => self.errors.push(d),
            }
        }
        out
    }
}

/// Reads a file as UTF-8 text within the size limit.
pub fn read_text(path: &Path, name: &str) -> Result<String, Diagnostic> {
    use std::io::Read as _;
    let meta = std::fs::metadata(path).map_err(|e| Diagnostic::file_error(name, format!("cannot read: {e}")))?;
    // A device or FIFO reports no size (and may never end): read regular files only.
    if !meta.is_file() {
        return Err(Diagnostic::file_error(name, "not a regular file; a data file must be a plain YAML file"));
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

/// Deserialises `text`, turning serde's error into a located diagnostic.
pub fn parse_yaml<T: DeserializeOwned>(name: &str, text: &str) -> Result<T, Diagnostic> {
    precheck_yaml(name, text)?;
    serde_yaml::from_str::<T>(text).map_err(|e| yaml_error(name, text, &e))
}

/// Deepest nesting of mappings and sequences accepted; the data format needs fewer than ten.
pub const MAX_NESTING: usize = 64;

/// Largest size a file may reach once its aliases (`*name`) are expanded, counting the bytes
/// of its scalars plus one per node: aliases may save typing, not multiply the data.
pub const MAX_EXPANDED_BYTES: u64 = 2 * MAX_FILE_BYTES;

/// Rejects, before deserialising, what serde would accept or chew on for too long: a file
/// without any content (serde would take it for a mapping of defaults), nesting deeper than
/// [`MAX_NESTING`] (the YAML deserialiser is quadratic in the depth), and aliases that expand
/// beyond [`MAX_EXPANDED_BYTES`] ("billion laughs"; serde would expand them in memory).
/// Syntax errors are left to serde's report.
fn precheck_yaml(name: &str, text: &str) -> Result<(), Diagnostic> {
    use saphyr_parser::{Event, Parser};
    let at = |line: usize, col: usize| Loc { file: name.into(), line, col };
    let too_deep = |loc: Loc| {
        Diagnostic::error(loc, format!("YAML nested more than {MAX_NESTING} levels deep"))
            .with_hint("the data format needs only a few levels of nesting (docs/data-format.md)")
    };
    // Expanded size of each anchored node, and of each open collection so far.
    let mut anchored: HashMap<usize, u64> = HashMap::new();
    let mut open: Vec<(usize, u64)> = Vec::new();
    let mut total = 0u64;
    let mut content = false;
    for item in Parser::new_from_str(text) {
        let (event, span) = match item {
            Ok(x) => x,
            Err(e) if e.info() == "recursion limit exceeded" => {
                return Err(too_deep(at(e.marker().line(), e.marker().col() + 1)));
            }
            Err(_) => return Ok(()),
        };
        let size = match &event {
            Event::MappingStart(..) | Event::SequenceStart(..) => 1,
            Event::Scalar(value, ..) => value.len() as u64 + 1,
            Event::Alias(id) => anchored.get(id).copied().unwrap_or(1),
            _ => 0,
        };
        total = total.saturating_add(size);
        for o in open.iter_mut() {
            o.1 = o.1.saturating_add(size);
        }
        if total > MAX_EXPANDED_BYTES {
            return Err(Diagnostic::error(
                at(span.start.line(), span.start.col() + 1),
                format!("aliases expand this file beyond {MAX_EXPANDED_BYTES} bytes"),
            )
            .with_hint("write the values out instead of repeating `*alias` references"));
        }
        match event {
            Event::MappingStart(id, _) | Event::SequenceStart(id, _) => {
                content = true;
                open.push((id, 1));
                if open.len() > MAX_NESTING {
                    return Err(too_deep(at(span.start.line(), span.start.col() + 1)));
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some((id, size)) = open.pop() {
                    if id != 0 {
                        anchored.insert(id, size);
                    }
                }
            }
            // An explicit document (`---`) with nothing in it is an empty scalar.
            Event::Scalar(value, _, id, _) => {
                content |= !open.is_empty() || !value.is_empty();
                if id != 0 {
                    anchored.insert(id, size);
                }
            }
            Event::Alias(..) => content = true,
            _ => {}
        }
    }
    if content {
        Ok(())
    } else {
        Err(Diagnostic::error(at(1, 1), "the file is empty; expected a mapping of keys")
            .with_hint("write the keys listed in docs/data-format.md (an empty 科目 table is `rows: []`)"))
    }
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
    let tab = text.lines().nth(line.saturating_sub(1)).and_then(|l| l.chars().nth(col.saturating_sub(1))) == Some('\t');
    let hint = if tab { Some("a tab here: YAML indents with spaces only".to_string()) } else { did_you_mean(&msg) };
    let d = Diagnostic::error(Loc { file: name.into(), line, col }, msg);
    match hint {
        Some(h) => d.with_hint(h),
        None => d,
    }
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
            if forms::class_name(code).is_none() {
                out.push(
                    Diagnostic::error(s.loc(&format!("{base}.{code}")), format!("`{code}` is not a 功能分类 类 code"))
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
    validate_basic_detail(&d.t06, &src("tables/06-basic-detail"), &mut out);
    validate_09_10(d, &src("tables/09-three-public"), &src("tables/10-statistics"), &mut out);
    validate_projects(d, &mut out);
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
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut previous: Option<&str> = None;
    for (i, row) in t.rows.iter().enumerate() {
        let at = |field: &str| s.loc(&format!("rows[{i}].{field}"));
        let code = row.code.as_str();
        if !code.bytes().all(|b| b.is_ascii_digit()) || ![3, 5, 7].contains(&code.len()) {
            out.push(
                Diagnostic::error(at("code"), format!("科目 code `{code}` must be 3 (类), 5 (款) or 7 (项) digits"))
                    .with_hint("quote codes as strings, e.g. code: \"2011302\""),
            );
            continue;
        }
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
            } else if m.value.is_sign_negative() {
                out.push(Diagnostic::error(at(col), format!("negative amount {} in {}", m.value, spec.form)));
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

fn validate_basic_detail(t: &BasicDetail06, s: &SourceMap, out: &mut Vec<Diagnostic>) {
    let cat = &forms::catalog().economic;
    for (code, m) in &t.amounts {
        let at = s.loc(&format!("amounts.{code}"));
        match cat.iter().find(|e| &e.code == code) {
            None => out.push(
                Diagnostic::error(at, format!("`{code}` is not a row of 公开06"))
                    .with_hint("use the 5-digit 经济分类款 codes printed on the form (e.g. 30101)"),
            ),
            Some(e) if e.code.len() != 5 => out.push(
                Diagnostic::error(at, format!("`{code}` is a 类; its amount is the sum of its 款 rows"))
                    .with_hint(format!("write the figure as printed under printed.classes.\"{code}\"")),
            ),
            Some(e) if e.dash => {
                out.push(Diagnostic::error(at, format!("公开06 prints —— for `{code}` {}; it takes no amount", e.name)))
            }
            Some(_) if m.value.is_sign_negative() => {
                out.push(Diagnostic::error(at, format!("negative amount {} in 公开06", m.value)))
            }
            Some(_) => {}
        }
    }
}

/// 公开09 and 公开10 hold amounts and counts that cannot be negative; counts are whole numbers.
fn validate_09_10(d: &Department, s09: &SourceMap, s10: &SourceMap, out: &mut Vec<Diagnostic>) {
    let negative = |m: &Option<Money>| m.is_some_and(|m| m.value < rust_decimal::Decimal::ZERO);
    for (side, t) in [("budget", &d.t09.budget), ("actual", &d.t09.actual)] {
        for (k, v) in [("abroad", t.abroad), ("car_purchase", t.car_purchase), ("car_operation", t.car_operation), ("reception", t.reception)] {
            if negative(&v) {
                let value = v.map(|m| m.value).unwrap_or_default();
                out.push(Diagnostic::error(s09.loc(&format!("{side}.{k}")), format!("negative amount {value} in 公开09")));
            }
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
        if negative(&v) {
            let value = v.map(|m| m.value).unwrap_or_default();
            out.push(Diagnostic::error(s10.loc(k), format!("negative amount {value} in 公开10")));
        }
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
                Diagnostic::error(s10.loc(k), format!("`{}` is not a count; 公开10 counts vehicles and equipment in whole numbers", m.value))
                    .with_hint("write a whole number such as 2 (辆 / 台套), without a unit"),
            );
        }
    }
}

fn validate_projects(d: &Department, out: &mut Vec<Diagnostic>) {
    let mut ids: HashMap<&str, &str> = HashMap::new();
    for p in &d.projects {
        let s = d.sources.get(&p.file_key).cloned().unwrap_or_default();
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
        if let Some(first) = ids.insert(&p.id, &p.file_key) {
            out.push(Diagnostic::error(
                s.loc("id"),
                format!("project id `{}` is used twice (also in {}/{first}.yaml)", p.id, d.dir),
            ));
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
                if v.is_some_and(|m: Money| m.value.is_sign_negative()) {
                    out.push(Diagnostic::error(s.loc(&format!("budget.sources[{i}].{k}")), "negative amount"));
                }
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
    fn suggests_the_closest_key() {
        let h = did_you_mean("rows[0]: unknown field `fscal`, expected one of `code`, `name`, `fiscal`");
        assert_eq!(h.as_deref(), Some("did you mean `fiscal`?"));
    }
}
