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
//! them. A workbook in which no sheet is a form is read as 绩效自评表 (`projects.rs`).
//! Everything read but not taken (a sheet, a row, a column) is listed in the report.
//! Nothing is written unless the whole workbook reads without error.
//!
//! `book.rs` opens the workbook and reads cells; `forms.rs` reads each form's rows.

mod book;
mod forms;

pub use book::{cell_amount, MAX_RATIO, MAX_SHEET_COLS, MAX_SHEET_ROWS, MAX_UNZIPPED_BYTES, MAX_WORKBOOK_BYTES};
pub(crate) use book::{cell_amount_in, norm_label, quoted_str, text_at, text_at_shown, Cx};
use book::{norm, unnumbered, Place, Sheet};
use crate::diag::{Diagnostic, LoadErrors};
use crate::layout::{Form, FormKind, Layout};
use crate::money::Unit;
use std::path::Path;
use std::sync::Arc;

/// What an import would write, and what it read but did not take.
#[derive(Debug, Default)]
pub struct Imported {
    /// (`tables/02-income.yaml`, its text), in form order.
    pub files: Vec<(String, String)>,
    /// The import report: one line for every sheet, row or column not taken, every figure
    /// rounded, every assumption.
    pub report: Vec<String>,
}


/// Reads `path` and maps its sheets onto the forms of `layout` (or, when no sheet is a form,
/// reads them as 绩效自评表, a sheet per project). `shown` names the workbook in messages.
pub fn read(path: &Path, shown: &str, layout: &Arc<Layout>, year: i32) -> Result<Imported, LoadErrors> {
    let (sheets, skipped) = book::open(path, shown)?;
    let mut out = map_sheets(&sheets, shown, layout, year)?;
    out.report.splice(0..0, skipped);
    Ok(out)
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
            if !crate::xlsx::projects::is_project_sheet(&cx) {
                let at = cx.place_sheet();
                cx.report.push(format!("{at}: neither a form nor a 绩效自评表 (no 一级指标/二级指标 header), not imported"));
                continue;
            }
            let (id, named) = crate::xlsx::projects::id_of(&s.name, i);
            if !named {
                let at = cx.place_sheet();
                cx.report.push(format!("{at}: the sheet's name is no project id (letters, digits, - and _): id `{id}`"));
            }
            if ids.iter().any(|x| x.eq_ignore_ascii_case(&id)) {
                cx.error(0, 0, format!("project id `{id}` twice"), "name each project's sheet by its id");
                continue;
            }
            cx.sheet_faults(0..s.rows());
            if let Some(y) = crate::xlsx::projects::project(&mut cx, &id, year) {
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
                if let Some(yaml) = forms::import_form(&mut cx, f, layout) {
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

