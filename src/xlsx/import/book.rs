//! Reading a workbook: the checks before anything is unpacked, the sheets as calamine reads
//! them (with what it does not say: hidden rows, the grid's extent), labels, and cells as
//! amounts — through their shortest decimal text, never float arithmetic.

use crate::diag::{Diagnostic, LoadErrors};
use crate::money::{parse_amount, Unit};
use crate::xlsx::cell_name;
use calamine::{Data, Range, Reader, Xlsx};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read as _};
use std::path::Path;

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

/// A sheet as read: values, formulas, merged regions, hidden rows.
pub(crate) struct Sheet {
    pub(crate) name: String,
    pub(crate) values: Range<Data>,
    pub(crate) formulas: Range<String>,
    pub(crate) merges: Vec<calamine::Dimensions>,
    pub(crate) hidden: BTreeSet<u32>,
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
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
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

pub(crate) fn text_of(d: &Data) -> String {
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
pub(crate) fn norm(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '\u{3000}').collect()
}

/// A title without its leading numbering (`一、`, `1.`).
pub(crate) fn unnumbered(s: &str) -> &str {
    let t = s.trim_start_matches(|c: char| "一二三四五六七八九十0123456789".contains(c));
    match t.strip_prefix('、').or_else(|| t.strip_prefix('.')).or_else(|| t.strip_prefix('．')) {
        Some(rest) if t.len() < s.len() => rest,
        _ => s,
    }
}

/// Where a message points: `book.xlsx:公开02表!B12`.
pub(crate) struct Place<'a> {
    pub(crate) file: &'a str,
}

impl Place<'_> {
    pub(crate) fn cell(&self, sheet: &str, r: u32, c: u32) -> String {
        format!("{}:{sheet}!{}", self.file, cell_name(r, c))
    }
    pub(crate) fn sheet(&self, sheet: &str) -> String {
        format!("{}:{sheet}", self.file)
    }
}


/// Opens the workbook `path` (`shown` in messages) after the checks that need no unpacking
/// (extension, size, an OLE file) and those of its zip (sizes, ratio); returns its sheets and
/// a report line for each sheet too large to be a form (not read).
pub(crate) fn open(path: &Path, shown: &str) -> Result<(Vec<Sheet>, Vec<String>), LoadErrors> {
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
    Ok((sheets, skipped))
}

/// What the zip says of a sheet before calamine reads it.
#[derive(Debug, Default, Clone)]
pub(crate) struct SheetInfo {
    hidden: BTreeSet<u32>,
    height: u32,
    width: u32,
}

/// `B12` → (11, 1), zero-based.
pub(crate) fn cell_ref(r: &str) -> Option<(u32, u32)> {
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
pub(crate) fn inspect_zip(bytes: &[u8]) -> Result<BTreeMap<String, SheetInfo>, String> {
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
pub(crate) fn tags<'a>(xml: &'a str, name: &str) -> std::vec::IntoIter<&'a str> {
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

pub(crate) fn attr(tag: &str, name: &str) -> Option<String> {
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


/// Reading one sheet.
pub(crate) struct Cx<'a> {
    pub(crate) place: &'a Place<'a>,
    pub(crate) sheet: &'a Sheet,
    pub(crate) unit: Unit,
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
    pub(crate) fn amount(&mut self, r: u32, c: u32, count: bool) -> Option<Decimal> {
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
    pub(crate) fn sheet_faults(&mut self, rows: std::ops::Range<u32>) {
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
    pub(crate) fn find_unit(&mut self, before: u32) {
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
    pub(crate) fn merged_figures(&mut self, data_from: u32, figure_cols: &[u32]) {
        let merges: Vec<calamine::Dimensions> = self.sheet.merges.clone();
        for m in merges {
            if m.end.0 < data_from || (m.start.0 == m.end.0 && m.start.1 == m.end.1) {
                continue;
            }
            // A label, a section heading or a note may span columns on one row; a figure may not,
            // nor may a region span rows over the figures.
            let covers = (m.start.1..=m.end.1).any(|c| figure_cols.contains(&c));
            let top = self.sheet.get(m.start.0, m.start.1);
            let number_inside = matches!(top, Data::Float(_) | Data::Int(_)) || crate::xlsx::export::figure(&text_of(top)).is_some();
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
