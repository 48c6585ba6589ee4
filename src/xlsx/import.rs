//! `juesuan import WORKBOOK DIR`: the forms of a workbook — ours (`juesuan export`) or the
//! ones departments keep — back into the department's `tables/*.yaml`.
//!
//! A sheet is a form of the department's layout when its title (a cell near the top,
//! numbering `一、` left aside) or its name (表号 or title) is the form's. The header rows are
//! found by their labels (科目名称, the code column's label) and every column by its header
//! text, never by its position; the 科目编码 may be text or a number; amounts are in the unit
//! the sheet's unit line names (万元 or 元).
//!
//! 项 rows become inputs, 类/款 rows and 合计 go under `printed:` so that `check` compares
//! them. Everything read but not taken (a sheet, a row, a column) is listed in the report.
//! Nothing is written unless the whole workbook reads without error.

use super::cell_name;
use crate::diag::{Diagnostic, LoadErrors};
use crate::layout::{Form, FormKind, Layout};
use crate::money::{parse_amount, Unit};
use calamine::{Data, Range, Reader, Xlsx};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read as _};
use std::path::Path;
use std::sync::Arc;

/// Largest workbook read (a real one of a department is well under 1 MB).
pub const MAX_WORKBOOK_BYTES: u64 = 20 * 1024 * 1024;
/// Largest total size of a workbook's parts once unzipped (a zip bomb stops here).
pub const MAX_UNZIPPED_BYTES: u64 = 200 * 1024 * 1024;
/// Highest compression ratio accepted for a part above 1 MB unzipped.
pub const MAX_RATIO: u64 = 100;
/// Most rows of a sheet searched for a form (the longest form has a few hundred).
pub const MAX_SHEET_ROWS: u32 = 20_000;
/// Most columns of a sheet searched for a form.
pub const MAX_SHEET_COLS: u32 = 256;

/// What an import would write, and what it read but did not take.
#[derive(Debug, Default)]
pub struct Imported {
    /// (`tables/02-income.yaml`, its text), in form order.
    pub files: Vec<(String, String)>,
    /// The import report: one line for every sheet, row or column not taken, every figure
    /// rounded, every assumption.
    pub report: Vec<String>,
}

/// A sheet as read: values, formulas, merged regions, hidden rows.
pub(crate) struct Sheet {
    pub(crate) name: String,
    values: Range<Data>,
    formulas: Range<String>,
    merges: Vec<calamine::Dimensions>,
    hidden: BTreeSet<u32>,
}

impl Sheet {
    pub(crate) fn get(&self, r: u32, c: u32) -> &Data {
        self.values.get_value((r, c)).unwrap_or(&Data::Empty)
    }

    /// The value shown at (r, c): a cell covered by a merged region shows its top-left's.
    pub(crate) fn shown(&self, r: u32, c: u32) -> &Data {
        match self.merge_at(r, c) {
            Some(m) => self.get(m.start.0, m.start.1),
            None => self.get(r, c),
        }
    }

    pub(crate) fn merge_at(&self, r: u32, c: u32) -> Option<&calamine::Dimensions> {
        self.merges.iter().find(|m| m.start.0 <= r && r <= m.end.0 && m.start.1 <= c && c <= m.end.1)
    }

    /// Text of a cell with every space removed (labels are compared so).
    pub(crate) fn label(&self, r: u32, c: u32) -> String {
        norm(&text_of(self.get(r, c)))
    }

    pub(crate) fn shown_label(&self, r: u32, c: u32) -> String {
        norm(&text_of(self.shown(r, c)))
    }

    /// The last column of the merged region starting at (r, c), or `c`.
    pub(crate) fn merge_end(&self, r: u32, c: u32) -> u32 {
        self.merge_at(r, c).map_or(c, |m| m.end.1)
    }

    pub(crate) fn rows(&self) -> u32 {
        self.values.end().map_or(0, |e| e.0 + 1)
    }

    pub(crate) fn cols(&self) -> u32 {
        self.values.end().map_or(0, |e| e.1 + 1)
    }

    pub(crate) fn row_empty(&self, r: u32) -> bool {
        (0..self.cols()).all(|c| text_of(self.get(r, c)).trim().is_empty())
    }
}

/// The text of cell (r, c) as shown (numbers by their shortest text).
pub(crate) fn text_at(s: &Sheet, r: u32, c: u32) -> String {
    text_of(s.get(r, c))
}

/// The same for a cell covered by a merged region: its top-left's.
pub(crate) fn text_at_shown(s: &Sheet, r: u32, c: u32) -> String {
    text_of(s.shown(r, c))
}

/// Label text without any white space.
pub(crate) fn norm_label(s: &str) -> String {
    norm(s)
}

/// A YAML double-quoted string.
pub(crate) fn quoted_str(s: &str) -> String {
    quoted(s)
}

/// The amount in (r, c) in 元 (`times`: the header's 万元, so × 10,000), noise and errors as
/// for the forms.
pub(crate) fn cell_amount_in(cx: &mut Cx, r: u32, c: u32, times: Option<Decimal>) -> Option<Decimal> {
    let unit = if times.is_some() { Unit::Wan } else { Unit::Yuan };
    match cell_amount(cx.sheet.get(r, c), unit) {
        Ok((v, note)) => {
            if let Some(n) = note {
                let at = cx.at(r, c);
                cx.report.push(format!("{at}: {n}"));
            }
            v.map(|d| times.map_or(d, |t| d * t))
        }
        Err(m) => {
            cx.error(r, c, m, "");
            None
        }
    }
}

fn text_of(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// Label text without any white space (ASCII, full-width, line breaks).
fn norm(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '\u{3000}').collect()
}

/// A title without its leading numbering (`一、`, `1.`).
fn unnumbered(s: &str) -> &str {
    let t = s.trim_start_matches(|c: char| "一二三四五六七八九十0123456789".contains(c));
    match t.strip_prefix('、').or_else(|| t.strip_prefix('.')).or_else(|| t.strip_prefix('．')) {
        Some(rest) if t.len() < s.len() => rest,
        _ => s,
    }
}

/// Where a message points: `book.xlsx:公开02表!B12`.
pub(crate) struct Place<'a> {
    file: &'a str,
}

impl Place<'_> {
    fn cell(&self, sheet: &str, r: u32, c: u32) -> String {
        format!("{}:{sheet}!{}", self.file, cell_name(r, c))
    }
    fn sheet(&self, sheet: &str) -> String {
        format!("{}:{sheet}", self.file)
    }
}

/// Reads `path` and maps its sheets onto the forms of `layout`. `shown` names the
/// workbook in messages.
pub fn read(path: &Path, shown: &str, layout: &Arc<Layout>, year: i32) -> Result<Imported, LoadErrors> {
    let err = |m: String, hint: &str| LoadErrors(vec![Diagnostic::file_error(shown, m).with_hint(hint)]);
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "xlsx" | "xlsm" => {}
        "xls" => return Err(err("an old Excel 97–2003 workbook (.xls) is not read".into(), "open it in Excel, WPS or LibreOffice and save it as .xlsx")),
        "csv" | "txt" => return Err(err("a CSV file holds one sheet without merged headers or a unit line; a workbook is expected".into(), "save the forms as an .xlsx workbook (juesuan export writes one to start from)")),
        "et" | "ods" | "xlsb" => return Err(err(format!("a .{ext} file is not read"), "save it as .xlsx")),
        _ => return Err(err(format!("`{}` is not an .xlsx workbook", path.display()), "juesuan import BOOK.xlsx DIR")),
    }
    let meta = std::fs::metadata(path).map_err(|e| err(format!("cannot read: {e}"), "check the path"))?;
    if !meta.is_file() {
        return Err(err("not a regular file".into(), "name an .xlsx file"));
    }
    if meta.len() > MAX_WORKBOOK_BYTES {
        return Err(err(
            format!("workbook is {} bytes; a workbook of forms may hold at most {MAX_WORKBOOK_BYTES} bytes", meta.len()),
            "keep only the forms in the workbook (pictures, pivot caches and other sheets make it large)",
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_WORKBOOK_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| err(format!("cannot read: {e}"), "check the path"))?;
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(err(
            "an OLE compound file: a password-protected workbook or an old .xls renamed .xlsx".into(),
            "remove the password (or save as .xlsx) in Excel, WPS or LibreOffice",
        ));
    }
    let hidden = inspect_zip(&bytes).map_err(|m| err(m, "save the workbook again from Excel, WPS or LibreOffice"))?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| err(format!("not a readable .xlsx workbook: {e}"), "save it again as .xlsx"))?;
    let names = book.sheet_names();
    let mut sheets = Vec::new();
    let mut skipped = Vec::new();
    for name in names {
        let info = hidden.get(&name).cloned().unwrap_or_default();
        if info.height > MAX_SHEET_ROWS || info.width > MAX_SHEET_COLS {
            skipped.push(format!(
                "{shown}:{name}: spans {} rows and {} columns, more than a form has ({MAX_SHEET_ROWS} rows, {MAX_SHEET_COLS} columns): not read",
                info.height, info.width
            ));
            continue;
        }
        let values = book.worksheet_range(&name).map_err(|e| err(format!("sheet `{name}`: {e}"), "save it again as .xlsx"))?;
        let formulas = book.worksheet_formula(&name).map_err(|e| err(format!("sheet `{name}`: {e}"), "save it again as .xlsx"))?;
        let merges = book.merge_cells_by_sheet_name(&name).map_err(|e| err(format!("sheet `{name}`: {e}"), "save it again as .xlsx"))?;
        sheets.push(Sheet { name, values, formulas, merges, hidden: info.hidden });
    }
    let mut out = map_sheets(&sheets, shown, layout, year)?;
    out.report.splice(0..0, skipped);
    Ok(out)
}

/// What the zip says of a sheet before calamine reads it.
#[derive(Debug, Default, Clone)]
struct SheetInfo {
    hidden: BTreeSet<u32>,
    height: u32,
    width: u32,
}

/// `B12` → (11, 1), zero-based.
fn cell_ref(r: &str) -> Option<(u32, u32)> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    if letters.is_empty() || letters.len() > 3 || !letters.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let col = letters.bytes().fold(0u32, |a, b| a * 26 + u32::from(b - b'A' + 1)) - 1;
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col))
}

/// Checks the zip before anything unpacks it (sizes, ratio), and reads which rows each
/// sheet hides (calamine does not say). Returns sheet name → hidden rows (zero-based).
fn inspect_zip(bytes: &[u8]) -> Result<BTreeMap<String, SheetInfo>, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not an .xlsx workbook (corrupt, or not a zip archive: {e})"))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|e| format!("corrupt workbook: {e}"))?;
        let (size, packed) = (f.size(), f.compressed_size().max(1));
        total = total.saturating_add(size);
        if total > MAX_UNZIPPED_BYTES || (size > 1 << 20 && size / packed > MAX_RATIO) {
            return Err(format!(
                "part `{}` unpacks to {size} bytes from {packed} (a zip bomb?); a workbook of forms unpacks to at most {MAX_UNZIPPED_BYTES} bytes",
                f.name()
            ));
        }
    }
    let mut read = |name: &str| -> Option<String> {
        let mut f = zip.by_name(name).ok()?;
        let mut s = String::new();
        f.read_to_string(&mut s).ok()?;
        Some(s)
    };
    let (Some(wb), Some(rels)) = (read("xl/workbook.xml"), read("xl/_rels/workbook.xml.rels")) else {
        return Err("not an .xlsx workbook (no xl/workbook.xml)".into());
    };
    let targets: BTreeMap<String, String> = tags(&rels, "Relationship")
        .filter_map(|t| Some((attr(t, "Id")?, attr(t, "Target")?)))
        .collect();
    let mut out = BTreeMap::new();
    for t in tags(&wb, "sheet") {
        let (Some(name), Some(id)) = (attr(t, "name"), attr(t, "r:id")) else { continue };
        let Some(target) = targets.get(&id) else { continue };
        let path = match target.strip_prefix('/') {
            Some(abs) => abs.to_string(),
            None => format!("xl/{target}"),
        };
        let Some(xml) = read(&path) else { continue };
        let rows: BTreeSet<u32> = tags(&xml, "row")
            .filter(|t| matches!(attr(t, "hidden").as_deref(), Some("1" | "true")))
            .filter_map(|t| attr(t, "r")?.parse::<u32>().ok().map(|r| r.saturating_sub(1)))
            .collect();
        // The grid's extent from the cells themselves (a `<dimension>` may be missing or lie):
        // calamine lays a sheet out as one dense grid, so a lone cell at XFD1048576 must be
        // seen before it is read.
        let (mut height, mut width) = (0u32, 0u32);
        for t in tags(&xml, "c") {
            if let Some((r, c)) = attr(t, "r").as_deref().and_then(cell_ref) {
                height = height.max(r + 1);
                width = width.max(c + 1);
            }
        }
        for t in tags(&xml, "row") {
            if let Some(r) = attr(t, "r").and_then(|r| r.parse::<u32>().ok()) {
                height = height.max(r);
            }
        }
        out.insert(name, SheetInfo { hidden: rows, height, width });
    }
    Ok(out)
}

/// The start tags `<name …>` of an XML text (attributes only; enough for these parts).
fn tags<'a>(xml: &'a str, name: &str) -> std::vec::IntoIter<&'a str> {
    let open = format!("<{name}");
    let mut out = Vec::new();
    for (i, _) in xml.match_indices(open.as_str()) {
        let rest = &xml[i + open.len()..];
        if rest.starts_with([' ', '>', '/', '\t', '\n', '\r']) {
            if let Some(e) = rest.find('>') {
                out.push(&rest[..e]);
            }
        }
    }
    out.into_iter()
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(i) = tag[from..].find(name) {
        let at = from + i;
        let before_ok = at == 0 || tag.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = &tag[at + name.len()..];
        if before_ok {
            if let Some(r) = rest.trim_start().strip_prefix('=') {
                let r = r.trim_start();
                let q = r.chars().next()?;
                if q == '"' || q == '\'' {
                    let end = r[1..].find(q)?;
                    let v = &r[1..1 + end];
                    return Some(v.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'"));
                }
            }
        }
        from = at + name.len();
    }
    None
}

/// Which form each sheet is, then each form's rows.
fn map_sheets(sheets: &[Sheet], shown: &str, layout: &Arc<Layout>, year: i32) -> Result<Imported, LoadErrors> {
    let place = Place { file: shown };
    // A sheet far larger than any form (a data dump, a cell at XFD1048576) is not searched:
    // every look for a label would cross all of it.
    let mut big = Vec::new();
    let sheets: Vec<&Sheet> = sheets
        .iter()
        .filter(|s| {
            let fits = s.rows() <= MAX_SHEET_ROWS && s.cols() <= MAX_SHEET_COLS;
            if !fits {
                big.push(format!("{}: spans {} rows and {} columns, more than a form has ({MAX_SHEET_ROWS} rows, {MAX_SHEET_COLS} columns): not read", place.sheet(&s.name), s.rows(), s.cols()));
            }
            fits
        })
        .collect();
    let sheets = sheets.as_slice();
    let forms = &layout.spec.forms;
    let mut found: Vec<Vec<usize>> = vec![Vec::new(); forms.len()];
    let mut out = Imported { report: big, ..Imported::default() };
    // A workbook of 绩效自评表 (no form in it, a sheet with 一级指标/二级指标): the projects.
    if sheets.iter().all(|s| which_form(s, forms).is_none()) {
        let mut errors = Vec::new();
        let mut ids: Vec<String> = Vec::new();
        for (i, s) in sheets.iter().enumerate() {
            let mut cx = Cx { place: &place, sheet: s, unit: Unit::Yuan, report: &mut out.report, errors: &mut errors };
            if !super::projects::is_project_sheet(&cx) {
                let at = cx.place_sheet();
                cx.report.push(format!("{at}: neither a form nor a 绩效自评表 (no 一级指标/二级指标 header), not imported"));
                continue;
            }
            let (id, named) = super::projects::id_of(&s.name, i);
            if !named {
                let at = cx.place_sheet();
                cx.report.push(format!("{at}: the sheet's name is no project id (letters, digits, - and _): id `{id}`"));
            }
            if ids.iter().any(|x| x.eq_ignore_ascii_case(&id)) {
                cx.error(0, 0, format!("project id `{id}` twice"), "name each project's sheet by its id");
                continue;
            }
            cx.sheet_faults(0..s.rows());
            if let Some(y) = super::projects::project(&mut cx, &id, year) {
                out.files.push((format!("projects/{id}.yaml"), y));
            }
            ids.push(id);
        }
        if out.files.is_empty() && errors.is_empty() {
            errors.push(Diagnostic::file_error(shown, format!("no sheet is a form of the layout `{}` or a 绩效自评表", layout.spec.name)).with_hint("a sheet per form, found by its title (juesuan export writes one to start from)"));
        }
        return if errors.is_empty() { Ok(out) } else { Err(LoadErrors(errors)) };
    }
    for (si, s) in sheets.iter().enumerate() {
        match which_form(s, forms) {
            Some(fi) => found[fi].push(si),
            None if s.row_empty(0) && s.rows() <= 1 => out.report.push(format!("{}: empty sheet, skipped", place.sheet(&s.name))),
            None => out.report.push(format!("{}: not a form of the layout `{}` (no title of its forms found), not imported", place.sheet(&s.name), layout.spec.name)),
        }
    }
    let mut errors = Vec::new();
    for (fi, f) in forms.iter().enumerate() {
        match found[fi].as_slice() {
            [] => errors.push(Diagnostic::file_error(shown, format!("form `{}` ({}) is missing: no sheet has its title", f.title, f.number.as_deref().unwrap_or("no 表号"))).with_hint("every form of the layout must be in the workbook, a sheet each (juesuan export writes one to start from)")),
            [one] => {
                let mut cx = Cx { place: &place, sheet: sheets[*one], unit: Unit::Wan, report: &mut out.report, errors: &mut errors };
                if let Some(yaml) = import_form(&mut cx, f, layout) {
                    out.files.push((format!("{}.yaml", file_key(f.kind)), yaml));
                }
            }
            many => {
                let names: Vec<String> = many.iter().map(|i| format!("`{}`", sheets[*i].name)).collect();
                errors.push(Diagnostic::file_error(shown, format!("form `{}` appears twice: sheets {}", f.title, names.join(" and "))).with_hint("keep one sheet per form"));
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(LoadErrors(errors))
    }
}

/// The data file a form kind is read from.
pub fn file_key(kind: FormKind) -> &'static str {
    match kind {
        FormKind::Summary => "tables/01-summary",
        FormKind::Income => "tables/02-income",
        FormKind::Expenditure => "tables/03-expenditure",
        FormKind::FiscalSummary => "tables/04-fiscal",
        FormKind::GeneralBudget => "tables/05-general-budget",
        FormKind::BasicDetail => "tables/06-basic-detail",
        FormKind::GovFund => "tables/07-gov-fund",
        FormKind::SoeCapital => "tables/08-soe-capital",
        FormKind::ThreePublic => "tables/09-three-public",
        FormKind::Statistics => "tables/10-statistics",
    }
}

/// The form whose title a cell near the top of `s` holds (the longest title that the cell
/// ends with, so `支出决算表` never takes `一般公共预算财政拨款支出决算表`), else whose 表号
/// or title is the sheet's name.
fn which_form(s: &Sheet, forms: &[Form]) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for r in 0..s.rows().min(6) {
        for c in 0..s.cols().min(20) {
            let t = s.label(r, c);
            if t.is_empty() {
                continue;
            }
            let t = unnumbered(&t);
            for (i, f) in forms.iter().enumerate() {
                let title = norm(&f.title);
                let hit = t == title || (t.ends_with(&title) && t.chars().count() <= title.chars().count() + 24 && t.contains("年度"));
                if hit && best.is_none_or(|(_, len)| title.len() > len) {
                    best = Some((i, title.len()));
                }
            }
        }
    }
    if let Some((i, _)) = best {
        return Some(i);
    }
    let name = norm(&s.name);
    forms.iter().position(|f| f.number.as_deref().map(norm).as_deref() == Some(name.as_str()) || norm(&f.title) == name)
}

/// Reading one sheet.
pub(crate) struct Cx<'a> {
    place: &'a Place<'a>,
    pub(crate) sheet: &'a Sheet,
    unit: Unit,
    pub(crate) report: &'a mut Vec<String>,
    pub(crate) errors: &'a mut Vec<Diagnostic>,
}

impl Cx<'_> {
    pub(crate) fn place_sheet(&self) -> String {
        self.place.sheet(&self.sheet.name)
    }

    pub(crate) fn at(&self, r: u32, c: u32) -> String {
        self.place.cell(&self.sheet.name, r, c)
    }

    pub(crate) fn error(&mut self, r: u32, c: u32, msg: impl Into<String>, hint: &str) {
        let d = Diagnostic::file_error(self.at(r, c), msg);
        self.errors.push(if hint.is_empty() { d } else { d.with_hint(hint) });
    }

    /// The figure in (r, c) in 万元 (or as counted, `count`): blank → `None`.
    fn amount(&mut self, r: u32, c: u32, count: bool) -> Option<Decimal> {
        let unit = if count { Unit::Wan } else { self.unit };
        match cell_amount(self.sheet.get(r, c), unit) {
            Ok((v, note)) => {
                if let Some(n) = note {
                    let at = self.at(r, c);
                    self.report.push(format!("{at}: {n}"));
                }
                v.map(|d| if unit == Unit::Yuan && !count { d / crate::money::WAN } else { d })
            }
            Err(m) => {
                self.error(r, c, m, "");
                None
            }
        }
    }

    /// Sheet-wide faults: a formula without a cached value, hidden rows among `rows`.
    fn sheet_faults(&mut self, rows: std::ops::Range<u32>) {
        let s = self.sheet;
        if let (Some(start), Some(_)) = (s.formulas.start(), s.formulas.end()) {
            for (r, c, f) in s.formulas.used_cells() {
                let (r, c) = (r as u32 + start.0, c as u32 + start.1);
                if !f.is_empty() && matches!(s.get(r, c), Data::Empty | Data::String(_) if text_of(s.get(r, c)).is_empty()) {
                    self.error(r, c, format!("formula `={f}` has no computed value saved with it"), "open the workbook in Excel, WPS or LibreOffice and save it (that stores every formula's value), or paste the values");
                }
            }
        }
        for r in rows {
            if s.hidden.contains(&r) && !s.row_empty(r) {
                self.error(r, 0, "hidden row among the form's rows: its figures would be read without being seen", "unhide the row (or delete it) and check its figures");
            }
        }
    }

    /// The 金额单位 a cell near the top names (万元 or 元); 万元 when none does.
    fn find_unit(&mut self, before: u32) {
        for r in 0..before.min(self.sheet.rows()) {
            for c in 0..self.sheet.cols() {
                let t = self.sheet.label(r, c);
                if let Some(i) = t.find("单位：").or_else(|| t.find("单位:")) {
                    let rest = &t[i..];
                    if rest.contains("万元") {
                        self.unit = Unit::Wan;
                        return;
                    } else if rest.contains('元') {
                        self.unit = Unit::Yuan;
                        let at = self.at(r, c);
                        self.report.push(format!("{at}: amounts in 元, converted to 万元"));
                        return;
                    }
                }
            }
        }
        let at = self.place.sheet(&self.sheet.name);
        self.report.push(format!("{at}: no unit line (金额单位：万元 or 元) found; amounts read as 万元"));
    }

    /// A merged region that covers a figure below the header (`data_from`): an error.
    fn merged_figures(&mut self, data_from: u32, figure_cols: &[u32]) {
        let merges: Vec<calamine::Dimensions> = self.sheet.merges.clone();
        for m in merges {
            if m.end.0 < data_from || (m.start.0 == m.end.0 && m.start.1 == m.end.1) {
                continue;
            }
            // A label, a section heading or a note may span columns on one row; a figure may not,
            // nor may a region span rows over the figures.
            let covers = (m.start.1..=m.end.1).any(|c| figure_cols.contains(&c));
            let top = self.sheet.get(m.start.0, m.start.1);
            let number_inside = matches!(top, Data::Float(_) | Data::Int(_)) || super::export::figure(&text_of(top)).is_some();
            if number_inside || (covers && m.end.0 > m.start.0) {
                let range = format!("{}:{}", cell_name(m.start.0, m.start.1), cell_name(m.end.0, m.end.1));
                self.error(m.start.0, m.start.1, format!("merged cells {range} across the form's figures"), "unmerge them: each figure has a cell of its own");
            }
        }
    }
}

/// A cell as an amount in `unit`'s own figures (converted by the caller): blank → `None`;
/// a number → its shortest round-trip decimal text (no float arithmetic), rounded to 1 分
/// when what lies below is float noise (with a note); a text → the strict amount parser.
pub fn cell_amount(d: &Data, unit: Unit) -> Result<(Option<Decimal>, Option<String>), String> {
    let fen_places = if unit == Unit::Yuan { 2 } else { 6 };
    match d {
        Data::Empty => Ok((None, None)),
        Data::Int(i) => Ok((Some(Decimal::from(*i)), None)),
        Data::Float(f) => {
            if !f.is_finite() {
                return Err("not a finite number".into());
            }
            let text = format!("{f}");
            let v: Decimal = text.parse().map_err(|_| format!("`{text}` is out of range for an amount"))?;
            if v.abs() > Decimal::from(1_000_000_000_000_i64) {
                return Err(format!("`{text}` is implausibly large for an amount"));
            }
            let r = crate::money::round(v, fen_places);
            if r == v {
                return Ok((Some(v), None));
            }
            // Noise a sum of doubles leaves (0.30000000000000004): far below 1 分.
            let fen = Decimal::new(1, fen_places);
            if (v - r).abs() * Decimal::from(1000) < fen {
                Ok((Some(r.normalize()), Some(format!("{text} rounded to {} (floating-point noise below 1 分)", r.normalize()))))
            } else {
                Err(format!("{text} has digits below 1 分 ({} {}); a figure ends at the 分", if unit == Unit::Yuan { "0.01" } else { "0.000001" }, if unit == Unit::Yuan { "元" } else { "万元" }))
            }
        }
        Data::String(s) => {
            let t = s.trim();
            if t.is_empty() || matches!(t, "-" | "—" | "——" | "－" | "--") {
                return Ok((None, None));
            }
            let m = parse_amount(t).map_err(|e| e.0)?;
            match m.unit {
                Some(Unit::Percent) => Err(format!("`{t}` is a percentage where an amount is expected")),
                _ => Ok((Some(m.in_unit(unit)), None)),
            }
        }
        Data::Bool(b) => Err(format!("a true/false value ({b}) where an amount is expected")),
        Data::Error(e) => Err(format!("the cell holds the error {e:?} (a broken formula)")),
        other => Err(format!("a date or time ({other}) where an amount is expected")),
    }
}

/// Reads one form's sheet into its YAML file text (`None` after an error).
fn import_form(cx: &mut Cx, f: &Form, layout: &Layout) -> Option<String> {
    let before = cx.errors.len();
    let yaml = match f.kind {
        FormKind::Income | FormKind::Expenditure | FormKind::GeneralBudget | FormKind::GovFund | FormKind::SoeCapital => code_form(cx, f),
        FormKind::BasicDetail => basic_detail(cx, f, layout),
        FormKind::ThreePublic => three_public(cx, f),
        FormKind::Statistics => statistics(cx, f),
        FormKind::Summary => summary(cx, f, layout),
        FormKind::FiscalSummary => fiscal_summary(cx, f, layout),
    };
    if yaml.is_none() && cx.errors.len() == before {
        cx.error(0, 0, format!("the header of the form `{}` was not found (its column labels)", f.title), "juesuan export writes the form as expected");
    }
    (cx.errors.len() == before).then_some(yaml).flatten()
}

/// An amount as the forms print it: at least two decimals (`55.00`, `0.1234`).
fn dec(d: Decimal) -> String {
    let mut n = d.normalize();
    if n.scale() < 2 {
        n.rescale(2);
    }
    n.to_string()
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// `{a: 1, b: 2}` of the present values.
fn flow(pairs: &[(String, Decimal)]) -> String {
    let inner: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}: {}", dec(*v))).collect();
    format!("{{{}}}", inner.join(", "))
}

fn header_comment(cx: &Cx, f: &Form) -> String {
    {
    let book = Path::new(cx.place.file).file_name().map_or_else(|| cx.place.file.to_string(), |n| n.to_string_lossy().into_owned());
    let number = f.number.as_deref().map(|n| format!(" {n}")).unwrap_or_default();
    format!("# {}{number} (万元), imported from {book}, sheet `{}`, by `juesuan import`.\n", f.title, cx.sheet.name)
    }
}

/// A 科目 form: header rows by their labels, columns by header text, 类/款/项 rows, 合计.
fn code_form(cx: &mut Cx, f: &Form) -> Option<String> {
    let s = cx.sheet;
    // The header row that names the code and name columns.
    let code_label = norm(f.code_label.as_deref().unwrap_or("科目代码"));
    let mut head = None;
    'find: for r in 0..s.rows().min(30) {
        for c in 0..s.cols() {
            if s.label(r, c) == "科目名称" {
                let code_col = (0..s.cols()).find(|&x| {
                    let l = s.label(r, x);
                    l == code_label || l.contains("科目编码") || l.contains("科目代码")
                });
                head = Some((r, code_col.unwrap_or(c.saturating_sub(1)), c));
                break 'find;
            }
        }
    }
    // The 决算软件's own layout: the code split over 类 | 款 | 项 columns.
    let split: Option<[u32; 3]> = head.and_then(|(r, _, _)| {
        let find = |l: &str| (0..s.cols()).find(|&c| s.label(r, c) == l);
        Some([find("类")?, find("款")?, find("项")?])
    });
    let head = match (head, split) {
        (Some((r, _, n)), Some([l, _, _])) => Some((r, l, n)),
        (h, _) => h,
    };
    let Some((name_row, code_col, name_col)) = head else {
        cx.error(0, 0, format!("no header row with 科目名称 in the form `{}`", f.title), "the header must name the columns (科目编码, 科目名称, …)");
        return None;
    };
    cx.find_unit(name_row);
    // The header's first row: the one above holding 项目 (or the 科目名称 row itself).
    let top = (name_row.saturating_sub(3)..name_row).find(|&r| (0..s.cols()).any(|c| s.shown_label(r, c) == "项目")).unwrap_or(name_row);
    // Each column's header texts, top to bottom (merged cells repeat their label).
    let texts = |c: u32| -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for r in top..=name_row {
            let t = s.shown_label(r, c);
            if !t.is_empty() && v.last() != Some(&t) {
                v.push(t);
            }
        }
        v
    };
    let mut cols: Vec<(String, u32)> = Vec::new();
    let mut used: BTreeSet<u32> = [code_col, name_col].into();
    used.extend(split.iter().flatten());
    for col in &f.columns {
        let label = norm(&col.label);
        let group = col.group.as_deref().map(norm);
        // Under its group's label where the header has one (小计 of 本年支出), else by its own.
        let find = |with_group: bool| {
            (0..s.cols()).filter(|c| !used.contains(c)).find(|&c| {
                let t = texts(c);
                t.last() == Some(&label) && (!with_group || group.as_ref().is_none_or(|g| t.contains(g)))
            })
        };
        let hit = find(true).or_else(|| find(false));
        match hit {
            Some(c) => {
                used.insert(c);
                cols.push((col.key.clone(), c));
            }
            None => {
                let at = cx.place.sheet(&s.name);
                cx.report.push(format!("{at}: column `{}` not found in the header (rows {}–{}): left blank", col.label, top + 1, name_row + 1));
            }
        }
    }
    for c in 0..s.cols() {
        if !used.contains(&c) && !texts(c).is_empty() && texts(c) != ["项目".to_string()] {
            let at = cx.at(name_row, c);
            cx.report.push(format!("{at}: column `{}` is not a column of the form, not imported", texts(c).join("/")));
        }
    }
    let mut r = name_row + 1;
    if r < s.rows() && (s.shown_label(r, code_col) == "栏次" || s.shown_label(r, name_col) == "栏次") {
        r += 1;
    }
    let data_from = r;
    let figure_cols: Vec<u32> = cols.iter().map(|(_, c)| *c).chain([code_col, name_col]).collect();
    cx.sheet_faults(data_from..s.rows());
    // The 合计 label may span the code and name columns: only figures count there.
    let amount_cols: Vec<u32> = cols.iter().map(|(_, c)| *c).collect();
    cx.merged_figures(data_from, &amount_cols);
    let _ = figure_cols;
    let total_label = norm(&f.total_label);
    let mut rows: Vec<String> = Vec::new();
    let mut total: Option<String> = None;
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut last = (String::new(), String::new());
    while r < s.rows() {
        if s.row_empty(r) {
            r += 1;
            continue;
        }
        let code_text = s.label(r, code_col);
        let name_text = text_of(s.get(r, name_col)).trim().to_string();
        let first = s.label(r, 0);
        if first.starts_with("注") || first.starts_with("说明") || first.starts_with("备注") {
            let at = cx.at(r, 0);
            cx.report.push(format!("{at}: note under the form (`{}`), not imported", first.chars().take(20).collect::<String>()));
            r += 1;
            continue;
        }
        let figures = |cx: &mut Cx, keys: &dyn Fn(&str) -> bool| -> Vec<(String, Decimal)> {
            let mut v = Vec::new();
            for (k, c) in &cols {
                if keys(k) {
                    if let Some(d) = cx.amount(r, *c, false) {
                        v.push((k.clone(), d));
                    }
                }
            }
            v
        };
        if code_text == total_label || norm(&name_text) == total_label || code_text == "合计" || code_text == "总计" {
            if total.is_some() {
                let at = cx.at(r, code_col);
                cx.report.push(format!("{at}: a second 合计 row, not imported"));
            } else {
                total = Some(flow(&figures(cx, &|_| true)));
            }
            r += 1;
            continue;
        }
        let digits_at = |c: u32| match s.get(r, c) {
            Data::Float(x) if x.fract() == 0.0 && *x >= 0.0 => format!("{x}"),
            Data::Int(i) if *i >= 0 => i.to_string(),
            _ => s.label(r, c),
        };
        let code = match split {
            None => digits_at(code_col),
            Some(cols) => {
                let code = split_code(&cols.map(digits_at), &mut last);
                if code.is_empty() {
                    code_text.clone()
                } else {
                    code
                }
            }
        };
        if !(code.len() == 3 || code.len() == 5 || code.len() == 7) || !code.bytes().all(|b| b.is_ascii_digit()) {
            if code.is_empty() && name_text.is_empty() {
                let at = cx.at(r, 0);
                cx.report.push(format!("{at}: a row without 科目编码 or 科目名称, not imported"));
            } else {
                cx.error(r, code_col, format!("`{code}` is not a 科目编码 (3, 5 or 7 digits)"), "a 类 code has 3 digits, a 款 5, a 项 7");
            }
            r += 1;
            continue;
        }
        if !seen.insert(code.clone()) {
            cx.error(r, code_col, format!("科目 {code} appears twice"), "keep one row per 科目");
        }
        let line = if code.len() == 7 {
            let inputs = figures(cx, &|k| k != "total");
            let printed = figures(cx, &|k| k == "total");
            let mut parts = vec![format!("code: \"{code}\""), format!("name: {}", quoted(&name_text))];
            parts.extend(inputs.iter().map(|(k, v)| format!("{k}: {}", dec(*v))));
            if !printed.is_empty() {
                parts.push(format!("printed: {}", flow(&printed)));
            }
            format!("  - {{{}}}", parts.join(", "))
        } else {
            let printed = figures(cx, &|_| true);
            let mut parts = vec![format!("code: \"{code}\""), format!("name: {}", quoted(&name_text))];
            if !printed.is_empty() {
                parts.push(format!("printed: {}", flow(&printed)));
            }
            format!("  - {{{}}}", parts.join(", "))
        };
        rows.push(line);
        r += 1;
    }
    let mut y = header_comment(cx, f);
    if rows.is_empty() {
        y.push_str("rows: []\n");
    } else {
        y.push_str("rows:\n");
        for l in rows {
            y.push_str(&l);
            y.push('\n');
        }
    }
    if let Some(t) = total.filter(|t| t != "{}") {
        y.push_str(&format!("printed: {t}   # the {} row\n", f.total_label));
    }
    Some(y)
}

/// One side (收入 or 支出) of a 总表: its 项目 column and its figure columns by header text.
struct Side {
    label: u32,
    figures: Vec<(String, u32)>,
}

/// The header row of a 总表 (the one with 项目 over each side) and its sides; the data rows
/// start below it (after a 栏次 row).
fn sides(cx: &mut Cx) -> Option<(u32, u32, Vec<Side>)> {
    let s = cx.sheet;
    let head = (0..s.rows().min(30)).find(|&r| (0..s.cols()).filter(|&c| s.label(r, c) == "项目").count() >= 2)?;
    let mut out: Vec<Side> = Vec::new();
    for c in 0..s.cols() {
        let t = s.label(head, c);
        if t == "项目" {
            out.push(Side { label: c, figures: Vec::new() });
        } else if let Some(side) = out.last_mut() {
            if !t.is_empty() && t != "行次" {
                side.figures.push((t, c));
            }
        }
    }
    let mut first = head + 1;
    while first < s.rows() && (0..s.cols()).any(|c| s.label(first, c) == "栏次") {
        first += 1;
    }
    Some((head, first, out))
}

/// Reads a 总表's rows: for each side, (row, label without numbering, its figures).
/// A line of a 总表's side: its row, its label (numbering left aside), its figures by header.
type SideLine = (u32, String, Vec<(String, Option<Decimal>)>);

fn side_rows(cx: &mut Cx, first: u32, sides: &[Side]) -> Vec<Vec<SideLine>> {
    let s = cx.sheet;
    let figure_cols: Vec<u32> = sides.iter().flat_map(|x| x.figures.iter().map(|(_, c)| *c)).collect();
    cx.sheet_faults(first..s.rows());
    cx.merged_figures(first, &figure_cols);
    let mut out = vec![Vec::new(); sides.len()];
    for r in first..s.rows() {
        let lead = s.label(r, 0);
        if lead.starts_with("注") || lead.starts_with("说明") {
            let at = cx.at(r, 0);
            cx.report.push(format!("{at}: note under the form, not imported"));
            continue;
        }
        for (i, side) in sides.iter().enumerate() {
            let label = s.label(r, side.label);
            let figs: Vec<(String, Option<Decimal>)> = side.figures.iter().map(|(h, c)| (h.clone(), cx.amount(r, *c, false))).collect();
            if label.is_empty() {
                if figs.iter().any(|(_, v)| v.is_some()) {
                    let at = cx.at(r, side.label);
                    cx.report.push(format!("{at}: figures without a label, not imported"));
                }
                continue;
            }
            out[i].push((r, unnumbered(&label).to_string(), figs));
        }
    }
    out
}

/// `key: value` lines of the present values, indented.
fn lines(pairs: &[(String, String)], indent: &str) -> String {
    pairs.iter().map(|(k, v)| format!("{indent}{k}: {v}\n")).collect()
}

fn class_code<'a>(layout: &'a Layout, label: &str) -> Option<&'a str> {
    layout.catalog.functional_classes.iter().find(|c| norm(&c.name) == label).map(|c| c.code.as_str())
}

/// 收入支出决算总表: the fiscal split and the balances are inputs; the totals and the 类
/// lines go under `printed:`; 上级补助收入 … come from 收入决算表 (reported when not blank).
fn summary(cx: &mut Cx, f: &Form, layout: &Layout) -> Option<String> {
    let Some((head, first, sides)) = sides(cx) else {
        cx.error(0, 0, format!("no header row with 项目 over 收入 and 支出 in the form `{}`", f.title), "");
        return None;
    };
    cx.find_unit(head);
    if sides.len() != 2 || sides.iter().any(|s| s.figures.len() != 1) {
        cx.error(head, 0, "expected two sides (收入 and 支出), each 项目 and one figure column", "");
        return None;
    }
    let rows = side_rows(cx, first, &sides);
    let (mut fiscal, mut inputs, mut printed, mut classes) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (side, list) in rows.iter().enumerate() {
        for (r, label, figs) in list {
            let v = figs[0].1;
            let l = label.as_str();
            let target: Option<(&mut Vec<(String, String)>, String)> = match (side, l) {
                (0, "一般公共预算财政拨款收入") => Some((&mut fiscal, "general_budget".into())),
                (0, "政府性基金预算财政拨款收入") => Some((&mut fiscal, "gov_fund".into())),
                (0, "国有资本经营预算财政拨款收入") => Some((&mut fiscal, "soe_capital".into())),
                (0, "本年收入合计") => Some((&mut printed, "income_total".into())),
                (0, x) if x.starts_with("使用非财政拨款结余") => Some((&mut inputs, "non_fiscal_balance_used".into())),
                (0, "年初结转和结余") => Some((&mut inputs, "opening_balance".into())),
                (0, "总计") => Some((&mut printed, "income_grand_total".into())),
                (0, "上级补助收入" | "事业收入" | "经营收入" | "附属单位上缴收入" | "其他收入") => {
                    if v.is_some() {
                        let at = cx.at(*r, sides[0].label);
                        cx.report.push(format!("{at}: `{l}` comes from 收入决算表, not imported here"));
                    }
                    None
                }
                (1, "本年支出合计") => Some((&mut printed, "expenditure_total".into())),
                (1, "结余分配") => Some((&mut inputs, "surplus_distribution".into())),
                (1, "年末结转和结余") => Some((&mut inputs, "closing_balance".into())),
                (1, "总计") => Some((&mut printed, "expenditure_grand_total".into())),
                (1, x) => match class_code(layout, x) {
                    Some(code) => Some((&mut classes, format!("\"{code}\""))),
                    None => {
                        let at = cx.at(*r, sides[1].label);
                        cx.report.push(format!("{at}: `{x}` is not a line of the form, not imported"));
                        None
                    }
                },
                (_, x) => {
                    let at = cx.at(*r, sides[side].label);
                    cx.report.push(format!("{at}: `{x}` is not a line of the form, not imported"));
                    None
                }
            };
            if let (Some((list, key)), Some(v)) = (target, v) {
                list.push((key, dec(v)));
            }
        }
    }
    let mut y = header_comment(cx, f);
    let flow_s = |p: &[(String, String)]| format!("{{{}}}", p.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", "));
    y.push_str(&format!("fiscal_income: {}\n", flow_s(&fiscal)));
    y.push_str(&lines(&inputs, ""));
    if !classes.is_empty() {
        printed.push(("by_class".into(), flow_s(&classes)));
    }
    if !printed.is_empty() {
        y.push_str("printed:\n");
        y.push_str(&lines(&printed, "  "));
    }
    Some(y)
}

/// 财政拨款收入支出决算总表: the 一般公共预算 and 国有资本经营 balances are inputs (the
/// income split is 收入支出决算总表's, the 政府性基金 balances 政府性基金表's); totals and 类
/// lines go under `printed:`.
fn fiscal_summary(cx: &mut Cx, f: &Form, layout: &Layout) -> Option<String> {
    let Some((head, first, sides)) = sides(cx) else {
        cx.error(0, 0, format!("no header row with 项目 over 收入 and 支出 in the form `{}`", f.title), "");
        return None;
    };
    cx.find_unit(head);
    let kind = |h: &str| match h {
        "合计" => Some("total"),
        "一般公共预算财政拨款" => Some("general_budget"),
        "政府性基金预算财政拨款" => Some("gov_fund"),
        "国有资本经营预算财政拨款" => Some("soe_capital"),
        _ => None,
    };
    if sides.len() != 2 || sides[0].figures.len() != 1 || sides[1].figures.iter().any(|(h, _)| kind(h).is_none()) {
        cx.error(head, 0, "expected two sides: 收入 (项目, one figure column) and 支出 (项目, 合计 and the three kinds of 财政拨款)", "");
        return None;
    }
    let rows = side_rows(cx, first, &sides);
    let (mut opening, mut closing, mut printed, mut classes) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let kinds_of = |figs: &[(String, Option<Decimal>)]| -> Vec<(String, Decimal)> {
        figs.iter().filter_map(|(h, v)| Some((kind(h)?.to_string(), (*v)?))).collect()
    };
    let mut after_opening = false;
    for (r, l, figs) in &rows[0] {
        let v = figs[0].1;
        match l.as_str() {
            "本年收入合计" => printed.extend(v.map(|v| ("income_total".to_string(), dec(v)))),
            "总计" => printed.extend(v.map(|v| ("income_grand_total".to_string(), dec(v)))),
            "年初财政拨款结转和结余" => after_opening = true,
            "一般公共预算财政拨款" if after_opening => opening.extend(v.map(|v| ("general_budget".to_string(), v))),
            "国有资本经营预算财政拨款" if after_opening => opening.extend(v.map(|v| ("soe_capital".to_string(), v))),
            "政府性基金预算财政拨款" if after_opening => {
                if v.is_some() {
                    let at = cx.at(*r, sides[0].label);
                    cx.report.push(format!("{at}: the 政府性基金 balance comes from 政府性基金预算财政拨款收入支出决算表, not imported here"));
                }
            }
            "一般公共预算财政拨款" | "政府性基金预算财政拨款" | "国有资本经营预算财政拨款" => {}
            x => {
                let at = cx.at(*r, sides[0].label);
                cx.report.push(format!("{at}: `{x}` is not a line of the form, not imported"));
            }
        }
    }
    for (r, l, figs) in &rows[1] {
        let k = kinds_of(figs);
        match l.as_str() {
            "本年支出合计" if !k.is_empty() => printed.push(("expenditure_total".into(), flow(&k))),
            "总计" if !k.is_empty() => printed.push(("expenditure_grand_total".into(), flow(&k))),
            "年末财政拨款结转和结余" => closing.extend(k.into_iter().filter(|(x, _)| x == "general_budget" || x == "soe_capital")),
            "本年支出合计" | "总计" => {}
            x => match class_code(layout, x) {
                Some(code) if !k.is_empty() => classes.push((format!("\"{code}\""), flow(&k))),
                Some(_) => {}
                None => {
                    let at = cx.at(*r, sides[1].label);
                    cx.report.push(format!("{at}: `{x}` is not a line of the form, not imported"));
                }
            },
        }
    }
    let mut y = header_comment(cx, f);
    y.push_str(&format!("opening: {}\n", flow(&opening)));
    y.push_str(&format!("closing: {}\n", flow(&closing)));
    if !printed.is_empty() || !classes.is_empty() {
        y.push_str("printed:\n");
        y.push_str(&lines(&printed, "  "));
        if !classes.is_empty() {
            y.push_str("  by_class:\n");
            y.push_str(&lines(&classes, "    "));
        }
    }
    Some(y)
}

/// A 科目编码 from the 类 | 款 | 项 cells of a row, where a part left blank is the one above
/// (`201` | `13` | `02` → `2011302`; a part may also be the whole code, `20113`). `last`
/// holds the 类 and 款 of the rows above.
fn split_code(parts: &[String; 3], last: &mut (String, String)) -> String {
    let [l, k, x] = parts;
    if [l, k, x].iter().any(|p| !p.bytes().all(|b| b.is_ascii_digit())) {
        // Not digits: the caller reports it as no 科目编码.
        return [l, k, x].iter().find(|p| !p.is_empty()).map_or_else(String::new, |p| p.to_string());
    }
    if x.len() == 7 || (x.is_empty() && k.len() == 5) {
        let code = if x.is_empty() { k.clone() } else { x.clone() };
        last.0 = code[..3].to_string();
        last.1 = code[3..5].to_string();
        return code;
    }
    if !l.is_empty() && l.len() != 3 {
        return l.clone(); // not a 类: reported as no 科目编码 by the caller
    }
    let class = if l.is_empty() { last.0.clone() } else { l.clone() };
    if !x.is_empty() {
        let kuan = if k.is_empty() { last.1.clone() } else { k.clone() };
        last.0 = class.clone();
        last.1 = kuan.clone();
        return format!("{class}{kuan}{x}");
    }
    if !k.is_empty() {
        last.0 = class.clone();
        last.1 = k.clone();
        return format!("{class}{k}");
    }
    if !l.is_empty() {
        *last = (l.clone(), String::new());
        return l.clone();
    }
    String::new()
}

/// 基本支出明细: every cell holding a 经济分类 code, its name and its figure beside it.
fn basic_detail(cx: &mut Cx, f: &Form, layout: &Layout) -> Option<String> {
    let s = cx.sheet;
    let head = (0..s.rows().min(30)).find(|&r| (0..s.cols()).any(|c| s.label(r, c) == "科目名称"))?;
    cx.find_unit(head);
    cx.sheet_faults(head + 1..s.rows());
    let known: BTreeMap<&str, &str> = layout.catalog.economic.iter().map(|e| (e.code.as_str(), e.name.as_str())).collect();
    let mut amounts: Vec<(String, Decimal)> = Vec::new();
    let mut classes: Vec<(String, Decimal)> = Vec::new();
    let mut totals: Vec<(String, Decimal)> = Vec::new();
    let mut figure_cols = BTreeSet::new();
    for r in head + 1..s.rows() {
        for c in 0..s.cols() {
            let t = s.label(r, c);
            if t == "人员经费合计" || t == "公用经费合计" {
                let key = if t == "人员经费合计" { "personnel_total" } else { "public_total" };
                let end = s.merge_at(r, c).map_or(c, |m| m.end.1);
                if let Some(v) = cx.amount(r, end + 1, false) {
                    totals.push((key.into(), v));
                }
                figure_cols.insert(end + 1);
                continue;
            }
            let code = match s.get(r, c) {
                Data::Float(x) if x.fract() == 0.0 => format!("{x}"),
                Data::Int(i) => i.to_string(),
                Data::String(_) => t.clone(),
                _ => continue,
            };
            if !(code.len() == 3 || code.len() == 5) || !code.bytes().all(|b| b.is_ascii_digit()) || s.label(r, c + 1).is_empty() {
                continue;
            }
            figure_cols.insert(c + 2);
            if !known.contains_key(code.as_str()) {
                let at = cx.at(r, c);
                cx.report.push(format!("{at}: 经济分类 {code} is not a row of this form, not imported"));
                continue;
            }
            if let Some(v) = cx.amount(r, c + 2, false) {
                if code.len() == 3 {
                    classes.push((code, v));
                } else {
                    amounts.push((code, v));
                }
            }
        }
    }
    cx.merged_figures(head + 1, &figure_cols.into_iter().collect::<Vec<_>>());
    let mut y = header_comment(cx, f);
    let q = |v: &[(String, Decimal)]| v.iter().map(|(k, d)| format!("\"{k}\": {}", dec(*d))).collect::<Vec<_>>().join(", ");
    amounts.sort();
    if amounts.is_empty() {
        y.push_str("amounts: {}\n");
    } else {
        y.push_str("amounts:\n");
        for (code, v) in &amounts {
            y.push_str(&format!("  \"{code}\": {}   # {}\n", dec(*v), known.get(code.as_str()).copied().unwrap_or("")));
        }
    }
    let mut printed = Vec::new();
    if !classes.is_empty() {
        printed.push(format!("classes: {{{}}}", q(&classes)));
    }
    printed.extend(totals.iter().map(|(k, v)| format!("{k}: {}", dec(*v))));
    if !printed.is_empty() {
        y.push_str(&format!("printed: {{{}}}\n", printed.join(", ")));
    }
    Some(y)
}

/// “三公”经费: each figure found by the header texts above it (预算数/决算数 and the item).
fn three_public(cx: &mut Cx, f: &Form) -> Option<String> {
    let s = cx.sheet;
    let items = [("合计", "total"), ("因公出国（境）费", "abroad"), ("小计", "car_subtotal"), ("公务用车购置费", "car_purchase"), ("公务用车运行维护费", "car_operation"), ("公务接待费", "reception")];
    // The first row below the header holding a figure is the data row.
    let head_top = (0..s.rows().min(30)).find(|&r| (0..s.cols()).any(|c| s.shown_label(r, c).contains("预算数")))?;
    cx.find_unit(head_top);
    let data = (head_top..s.rows()).find(|&r| (0..s.cols()).any(|c| matches!(s.get(r, c), Data::Float(_) | Data::Int(_))) && (0..s.cols()).all(|c| !s.shown_label(r, c).contains("预算数")));
    let Some(data) = data else {
        let at = cx.place.sheet(&s.name);
        cx.report.push(format!("{at}: no row of figures found: every figure left blank"));
        return Some(format!("{}budget: {{}}\nactual: {{}}\n", header_comment(cx, f)));
    };
    cx.sheet_faults(data..data + 1);
    let mut side: BTreeMap<&str, Vec<(String, Decimal)>> = BTreeMap::new();
    let mut cols = Vec::new();
    for c in 0..s.cols() {
        // Every header text above the figure (the item may sit above the 预算数 row).
        let above: Vec<String> = (0..data).map(|r| s.shown_label(r, c)).collect();
        let which = if above.iter().any(|t| t.contains("预算数")) { "budget" } else if above.iter().any(|t| t.contains("决算数")) { "actual" } else { continue };
        // The item: the lowest header text naming one (小计 sits under 公务用车…).
        let Some(key) = above.iter().rev().find_map(|t| items.iter().find(|(l, _)| norm(l) == *t).map(|(_, k)| *k)) else { continue };
        cols.push(c);
        if let Some(v) = cx.amount(data, c, false) {
            side.entry(which).or_default().push((key.to_string(), v));
        }
    }
    cx.merged_figures(data, &cols);
    for r in data + 1..s.rows() {
        if !s.row_empty(r) && !s.label(r, 0).starts_with("注") && !s.label(r, 0).starts_with("说明") {
            let at = cx.at(r, 0);
            cx.report.push(format!("{at}: row below the figures, not imported"));
        } else if !s.row_empty(r) {
            let at = cx.at(r, 0);
            cx.report.push(format!("{at}: note under the form, not imported"));
        }
    }
    let mut y = header_comment(cx, f);
    let inputs = ["abroad", "car_purchase", "car_operation", "reception"];
    let mut printed = Vec::new();
    for (which, _) in [("budget", 0), ("actual", 1)] {
        let v = side.remove(which).unwrap_or_default();
        let (ins, pr): (Vec<_>, Vec<_>) = v.into_iter().partition(|(k, _)| inputs.contains(&k.as_str()));
        y.push_str(&format!("{which}: {}\n", flow(&ins)));
        if !pr.is_empty() {
            printed.push(format!("{which}: {}", flow(&pr)));
        }
    }
    if !printed.is_empty() {
        y.push_str(&format!("printed: {{{}}}\n", printed.join(", ")));
    }
    Some(y)
}

/// 相关信息统计表: rows by their labels.
fn statistics(cx: &mut Cx, f: &Form) -> Option<String> {
    let s = cx.sheet;
    let head = (0..s.rows().min(30)).find(|&r| (0..s.cols()).any(|c| s.label(r, c) == "统计数"))?;
    let value_col = (0..s.cols()).find(|&c| s.label(head, c) == "统计数")?;
    cx.find_unit(head);
    cx.sheet_faults(head + 1..s.rows());
    cx.merged_figures(head + 1, &[value_col]);
    let vehicles = [("副部（省）级及以上领导用车", "vice_ministerial"), ("主要负责人用车", "principal"), ("机要通信用车", "confidential"), ("应急保障用车", "emergency"), ("执法执勤用车", "law_enforcement"), ("特种专业技术用车", "special"), ("离退休干部服务用车", "retired_service"), ("其他用车", "other")];
    let (mut proc_, mut ops, mut veh, mut printed) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut equipment = None;
    let mut section = 0;
    for r in head + 1..s.rows() {
        let l = s.label(r, 0);
        if l.is_empty() && s.row_empty(r) {
            continue;
        }
        let l = l.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '．');
        if l.starts_with("一、") {
            section = 1;
            continue;
        } else if l.starts_with("二、") {
            section = 2;
            continue;
        } else if l.starts_with("三、") {
            section = 3;
            continue;
        }
        let count = section == 3;
        let key: Option<(&mut Vec<(String, Decimal)>, &str)> = match (section, l) {
            (1, "合计") => Some((&mut printed, "procurement_total")),
            (1, "货物") => Some((&mut proc_, "goods")),
            (1, "工程") => Some((&mut proc_, "works")),
            (1, "服务") => Some((&mut proc_, "services")),
            (2, x) if x.contains("行政单位") => Some((&mut ops, "administrative")),
            (2, x) if x.contains("参照公务员法管理") => Some((&mut ops, "civil_servant_managed")),
            (3, x) if x.contains("车辆数合计") => Some((&mut printed, "vehicles_total")),
            (3, x) if x.contains("单价100万元") => {
                equipment = cx.amount(r, value_col, true);
                None
            }
            (3, x) => vehicles.iter().find(|(v, _)| x == norm(v)).map(|(_, k)| (&mut veh, *k)),
            _ => None,
        };
        if section == 3 && (l.contains("单价100万元")) {
            continue;
        }
        match key {
            Some((list, k)) => {
                if let Some(v) = cx.amount(r, value_col, count) {
                    list.push((k.to_string(), v));
                }
            }
            None => {
                if l.starts_with("注") || l.starts_with("说明") {
                    let at = cx.at(r, 0);
                    cx.report.push(format!("{at}: note under the form, not imported"));
                } else {
                    let at = cx.at(r, 0);
                    cx.report.push(format!("{at}: row `{l}` is not a row of the form, not imported"));
                }
            }
        }
    }
    let mut y = header_comment(cx, f);
    let counts = |v: &[(String, Decimal)]| format!("{{{}}}", v.iter().map(|(k, d)| format!("{k}: {}", d.normalize())).collect::<Vec<_>>().join(", "));
    y.push_str(&format!("procurement: {}\n", flow(&proc_)));
    y.push_str(&format!("operating_funds: {}\n", flow(&ops)));
    y.push_str(&format!("vehicles: {}   # 辆\n", counts(&veh)));
    if let Some(e) = equipment {
        y.push_str(&format!("equipment_over_1m: {}   # 台/套\n", e.normalize()));
    }
    let printed: Vec<String> = printed.iter().map(|(k, d)| if k == "vehicles_total" { format!("{k}: {}", d.normalize()) } else { format!("{k}: {}", dec(*d)) }).collect();
    if !printed.is_empty() {
        y.push_str(&format!("printed: {{{}}}\n", printed.join(", ")));
    }
    Some(y)
}

/// The layout of the department folder `dir` (the one its `department.yaml` names, or
/// `over`, `--layout DIR`) and its year.
pub fn layout_of(dir: &Path, over: Option<&Path>) -> Result<(Arc<Layout>, i32), LoadErrors> {
    let file = dir.join("department.yaml");
    let shown = file.to_string_lossy().into_owned();
    let root = dir.canonicalize().map_err(|e| LoadErrors(vec![Diagnostic::file_error(dir.to_string_lossy(), format!("not a department folder: {e}"))]))?;
    let text = crate::load::read_inside(&file, &shown, &root, "data folder").map_err(|d| LoadErrors(vec![d.with_hint("import writes into a department folder: create one first with `juesuan new DIR --department NAME --year YEAR`")]))?;
    let value: serde_yaml::Value = serde_yaml::from_str(&text).map_err(|e| LoadErrors(vec![Diagnostic::file_error(shown.clone(), e.to_string())]))?;
    let named = value.get("layout").and_then(|v| v.as_str()).map(str::to_string);
    let year = value.get("year").and_then(|v| v.as_i64()).unwrap_or(0) as i32;
    let layout = crate::layout::resolve(named.as_deref(), dir, over, crate::source::Loc { file: shown.as_str().into(), line: 1, col: 1 })?;
    Ok((layout, year))
}

/// What `write` did.
#[derive(Debug, Default)]
pub struct Written {
    /// Files written (relative to the department folder).
    pub files: Vec<String>,
    /// Files left as they were (the same text).
    pub unchanged: Vec<String>,
    /// Backups made (`--force`).
    pub backups: Vec<String>,
}

/// Writes the imported files into `dir`, all or nothing. A file that exists with other text
/// is refused unless `force`, which first keeps it as `NAME.yaml.bak`.
pub fn write(dir: &Path, imported: &Imported, force: bool) -> Result<Written, String> {
    let mut outputs = Vec::new();
    let mut done = Written::default();
    let mut refused = Vec::new();
    for (name, text) in &imported.files {
        let path = dir.join(name);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if !m.is_file() => return Err(format!("{}: not a regular file; nothing written", path.display())),
            Ok(_) => {
                let old = crate::load::read_text(&path, &path.to_string_lossy()).map_err(|d| d.to_string())?;
                if old == *text {
                    done.unchanged.push(name.clone());
                    continue;
                }
                if !force {
                    refused.push(name.clone());
                    continue;
                }
                // Never over an earlier backup: NAME.yaml.bak, then .bak.2, .bak.3 …
                let bak = (1..)
                    .map(|i| if i == 1 { format!("{name}.bak") } else { format!("{name}.bak.{i}") })
                    .find(|b| std::fs::symlink_metadata(dir.join(b)).is_err())
                    .unwrap_or_else(|| format!("{name}.bak"));
                outputs.push(crate::build::Output { name: bak.clone(), bytes: old.into_bytes() });
                done.backups.push(bak);
            }
            Err(_) => {}
        }
        outputs.push(crate::build::Output { name: name.clone(), bytes: text.clone().into_bytes() });
        done.files.push(name.clone());
    }
    if !refused.is_empty() {
        return Err(format!(
            "{} already holds {} with other figures; nothing written\nhint: pass --force to replace them (each is kept as NAME.yaml.bak)",
            dir.display(),
            refused.join(", ")
        ));
    }
    crate::build::write_outputs(dir, &outputs).map_err(|(p, e)| format!("cannot write {}: {e}; nothing of this import was put in place", p.display()))?;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_through_their_shortest_text() {
        let w = Unit::Wan;
        assert_eq!(cell_amount(&Data::Float(24557.16), w).unwrap().0, Some(Decimal::new(2455716, 2)));
        let (v, note) = cell_amount(&Data::Float(0.1 + 0.2), w).unwrap();
        assert_eq!(v, Some(Decimal::new(3, 1)));
        assert!(note.unwrap().contains("0.30000000000000004"));
        assert!(cell_amount(&Data::Float(1.0000001), w).unwrap_err().contains("below 1 分"));
        assert_eq!(cell_amount(&Data::Float(1.000001), w).unwrap().0, Some("1.000001".parse().unwrap()));
        assert!(cell_amount(&Data::Float(1.001), Unit::Yuan).unwrap_err().contains("below 1 分"));
        assert!(cell_amount(&Data::String("1. 41".into()), w).is_err());
        assert!(cell_amount(&Data::String("１２３".into()), w).is_err());
        assert!(cell_amount(&Data::String("1,2345.6".into()), w).is_err());
        assert_eq!(cell_amount(&Data::String(" 1,234.50 ".into()), w).unwrap().0, Some(Decimal::new(123450, 2)));
        assert_eq!(cell_amount(&Data::String("——".into()), w).unwrap().0, None);
    }

    #[test]
    fn codes_split_over_columns() {
        let mut last = (String::new(), String::new());
        let p = |a: &str, b: &str, c: &str| [a.to_string(), b.to_string(), c.to_string()];
        assert_eq!(split_code(&p("201", "", ""), &mut last), "201");
        assert_eq!(split_code(&p("", "13", ""), &mut last), "20113");
        assert_eq!(split_code(&p("", "", "02"), &mut last), "2011302");
        assert_eq!(split_code(&p("201", "13", "08"), &mut last), "2011308");
        assert_eq!(split_code(&p("", "31", ""), &mut last), "20131");
        assert_eq!(split_code(&p("", "", "2013102"), &mut last), "2013102");
        assert_eq!(split_code(&p("", "", ""), &mut last), "");
        assert_eq!(split_code(&p("", "", "a一bcd"), &mut last), "a一bcd");
    }

    #[test]
    fn cell_refs() {
        assert_eq!(cell_ref("A1"), Some((0, 0)));
        assert_eq!(cell_ref("B12"), Some((11, 1)));
        assert_eq!(cell_ref("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_ref("a1"), None);
        assert_eq!(cell_ref("A0"), None);
    }

    #[test]
    fn xml_attributes() {
        let xml = r#"<sheets><sheet name="a&amp;b" sheetId="1" r:id="rId1"/></sheets><row r="3" hidden="1" spans="1:3">"#;
        let t: Vec<&str> = tags(xml, "sheet").collect();
        assert_eq!(t.len(), 1);
        assert_eq!(attr(t[0], "name").as_deref(), Some("a&b"));
        assert_eq!(attr(t[0], "r:id").as_deref(), Some("rId1"));
        assert_eq!(attr(t[0], "id"), None);
        let r: Vec<&str> = tags(xml, "row").collect();
        assert_eq!(attr(r[0], "hidden").as_deref(), Some("1"));
    }

    #[test]
    fn titles_without_numbering() {
        assert_eq!(unnumbered("一、收入决算表"), "收入决算表");
        assert_eq!(unnumbered("十二、x"), "x");
        assert_eq!(unnumbered("收入决算表"), "收入决算表");
    }
}
