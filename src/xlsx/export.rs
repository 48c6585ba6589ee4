//! `juesuan export`: the forms of a department's layout as one workbook, a sheet per form,
//! laid out as printed (title, 表号, the 编制单位/year/金额单位 line, merged header cells,
//! 行次/栏次, 合计 rows, 注), A4, landscape where the PDF is, header rows repeated on every
//! printed page, fitted to the page width.
//!
//! Each form is drawn by the layout's own `form(f, v, n)` macro (`tables.jinja`) into the
//! document tree the PDF and DOCX writers read, and the sheet is written from that tree: the
//! workbook holds exactly the figures of the booklet, for a layout folder as for a built-in
//! one. A right-aligned cell that reads as a decimal becomes a numeric cell with the number
//! format of its printed decimals (`0.00`); every other cell stays text (科目编码 too, so a
//! leading zero or a 7-digit code never turns into a number).

use crate::compute::View;
use crate::doc::{Align, Block, ParaStyle, Run, Table};
use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

/// Why a workbook could not be made.
#[derive(Debug)]
pub struct ExportError(pub String);

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ExportError {}

impl From<XlsxError> for ExportError {
    fn from(e: XlsxError) -> Self {
        ExportError(format!("xlsx: {e}"))
    }
}

/// One form of the layout as drawn: the sheet's name and its blocks.
#[derive(Debug)]
pub struct DrawnForm {
    /// Sheet name (the 表号 where the layout prints one, else the title).
    pub sheet: String,
    /// The blocks its template produced (orientation, title, captions, table, notes).
    pub blocks: Vec<Block>,
}

const MARK: &str = "xlsx-form";

/// Every form of `v`'s layout, drawn by the layout's templates.
pub fn draw_forms(v: &View) -> Result<Vec<DrawnForm>, ExportError> {
    use minijinja::value::Value;
    let src = format!(
        "{{% import \"tables.jinja\" as t %}}{{% for f in layout.forms %}}<anchor name=\"{MARK}\"/>\n{{{{ t.form(f, v, loop.index) }}}}\n{{% endfor %}}"
    );
    let env = v.layout.environment();
    let ctx = minijinja::context! { v => Value::from_serialize(v), layout => Value::from_serialize(&v.layout.spec) };
    let markup = env.render_str(&src, ctx).map_err(|e| ExportError(format!("template error (a bug in the layout's tables.jinja): {e:#}")))?;
    let blocks = crate::render::markup::parse(&markup).map_err(|e| ExportError(format!("markup from tables.jinja: {e}")))?;
    let forms = split_at(blocks, MARK);
    let mut taken: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (f, blocks) in v.layout.spec.forms.iter().zip(forms) {
        let name = super::sheet_name(f.number.as_deref().unwrap_or(&f.title), &taken);
        taken.push(name.clone());
        out.push(DrawnForm { sheet: name, blocks });
    }
    Ok(out)
}

/// The blocks after each `<anchor name="MARK"/>`, one list per anchor (what comes before the
/// first is dropped).
fn split_at(blocks: Vec<Block>, mark: &str) -> Vec<Vec<Block>> {
    let mut parts: Vec<Vec<Block>> = Vec::new();
    for b in blocks {
        match b {
            Block::Anchor { name } if name == mark => parts.push(Vec::new()),
            b => {
                if let Some(last) = parts.last_mut() {
                    last.push(b);
                }
            }
        }
    }
    parts
}

/// The workbook of every form of `v` (deterministic bytes: the creation date is the
/// department's `date`, else 31 December of its year).
pub fn forms_workbook(v: &View) -> Result<Vec<u8>, ExportError> {
    let forms = draw_forms(v)?;
    let mut wb = Workbook::new();
    wb.set_properties(&properties(v, format!("{}{}年度部门决算表", v.info.name, v.info.year))?);
    for f in &forms {
        let ws = wb.add_worksheet();
        mark_draft(ws, v);
        ws.set_name(&f.sheet)?;
        write_sheet(ws, &f.blocks)?;
    }
    Ok(wb.save_to_buffer()?)
}

const PROJECT_MARK: &str = "xlsx-project";

/// The 自评报告' tables (预算执行情况, 绩效指标完成情况) of every project, a sheet each named
/// by the project's id; `None` when the department's booklet attaches none.
pub fn projects_workbook(v: &View) -> Result<Option<Vec<u8>>, ExportError> {
    use minijinja::value::Value;
    if v.projects.is_empty() {
        return Ok(None);
    }
    let src = format!(
        "{{% import \"report.jinja\" as r %}}{{% for p in v.projects %}}<anchor name=\"{PROJECT_MARK}\"/>\n{{{{ r.report(p, v) }}}}\n{{% endfor %}}"
    );
    let env = v.layout.environment();
    let ctx = minijinja::context! { v => Value::from_serialize(v), layout => Value::from_serialize(&v.layout.spec) };
    let markup = env.render_str(&src, ctx).map_err(|e| ExportError(format!("template error (a bug in report.jinja): {e:#}")))?;
    let blocks = crate::render::markup::parse(&markup).map_err(|e| ExportError(format!("markup from report.jinja: {e}")))?;
    let reports = split_at(blocks, PROJECT_MARK);
    let mut wb = Workbook::new();
    wb.set_properties(&properties(v, format!("{}{}年度项目支出绩效自评表", v.info.name, v.info.year))?);
    let mut taken: Vec<String> = Vec::new();
    for (p, blocks) in v.projects.iter().zip(reports) {
        // The name, 项目单位 and 主管部门, then each table under its heading.
        let mut keep: Vec<Block> = vec![Block::Heading { level: 2, text: p.name.clone(), outline: false, align: Align::Center }];
        for line in [format!("项目名称：{}", p.name), format!("项目单位：{}", p.unit), format!("主管部门：{}", p.authority), format!("报告日期：{}", p.date_text), "金额单位：元".to_string()] {
            keep.push(Block::Paragraph { style: ParaStyle::Plain, align: Some(Align::Left), runs: vec![Run::Text(line)] });
        }
        let mut heading: Option<Block> = None;
        for b in blocks {
            match b {
                Block::Heading { .. } => heading = Some(b),
                Block::Table(_) => {
                    keep.extend(heading.take());
                    keep.push(b);
                }
                _ => {}
            }
        }
        let name = super::sheet_name(&p.id, &taken);
        taken.push(name.clone());
        let ws = wb.add_worksheet();
        mark_draft(ws, v);
        ws.set_name(&name)?;
        write_sheet(ws, &keep)?;
    }
    Ok(Some(wb.save_to_buffer()?))
}

/// Title, author and a creation date from the data (never the clock).
/// The draft mark of a workbook whose department `check` finds errors in (or that asks for
/// it): in every sheet's printed header and in the file's status.
const DRAFT: &str = crate::write::style::DRAFT_MARK;

/// The printed header of a draft sheet: the mark, centred and bold.
fn mark_draft(ws: &mut Worksheet, v: &View) {
    if v.info.draft {
        ws.set_header(format!("&C&\"-,Bold\"{DRAFT}"));
    }
}

pub(crate) fn properties(v: &View, title: String) -> Result<DocProperties, ExportError> {
    let (y, m, d) = v
        .info
        .date
        .as_deref()
        .and_then(|s| {
            let mut p = s.split('-').map(|x| x.parse::<u16>().ok());
            Some((p.next()??, p.next().flatten().unwrap_or(12) as u8, p.next().flatten().unwrap_or(31) as u8))
        })
        .unwrap_or((v.info.year.clamp(1900, 9999) as u16, 12, 31));
    let date = ExcelDateTime::from_ymd(y, m, d).or_else(|_| ExcelDateTime::from_ymd(v.info.year.clamp(1900, 9999) as u16, 12, 31))?;
    let props = DocProperties::new().set_title(title).set_author(&v.info.name).set_creation_datetime(&date);
    Ok(if v.info.draft { props.set_status(DRAFT) } else { props })
}

/// Cell formats, made once per sheet.
struct Formats {
    title: Format,
    heading: Format,
    right: Format,
    center: Format,
    left: Format,
    note: Format,
}

fn base() -> Format {
    Format::new().set_font_name("宋体").set_font_size(10)
}

fn formats() -> Formats {
    Formats {
        title: base().set_font_size(16).set_bold().set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter),
        heading: base().set_font_size(11).set_bold().set_align(FormatAlign::Left).set_align(FormatAlign::VerticalCenter),
        right: base().set_align(FormatAlign::Right).set_align(FormatAlign::VerticalCenter),
        center: base().set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter),
        left: base().set_align(FormatAlign::Left).set_align(FormatAlign::VerticalCenter),
        note: base().set_font_size(9).set_align(FormatAlign::Left).set_align(FormatAlign::Top).set_text_wrap(),
    }
}

/// A table cell's format: thin borders, the cell's alignment, bold for header cells, and
/// the number format of a figure printed with `decimals` places.
fn cell_format(align: Align, strong: bool, number: Option<NumberShape>) -> Format {
    let mut f = base().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter).set_text_wrap();
    f = match align {
        Align::Left => f.set_align(FormatAlign::Left),
        Align::Center => f.set_align(FormatAlign::Center),
        Align::Right => f.set_align(FormatAlign::Right),
    };
    if strong {
        f = f.set_bold();
    }
    if let Some(n) = number {
        let frac = if n.decimals == 0 { String::new() } else { format!(".{}", "0".repeat(n.decimals as usize)) };
        let int = if n.grouped { "#,##0" } else { "0" };
        let pct = if n.percent { "%" } else { "" };
        f = f.set_num_format(format!("{int}{frac}{pct}"));
    }
    f
}

/// How a figure was printed: its decimals, thousands separators, a percent sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberShape {
    /// Decimal places printed.
    pub decimals: u32,
    /// `1,500,000`
    pub grouped: bool,
    /// `29.39%` (the cell holds 0.2939)
    pub percent: bool,
}

/// A printed figure of a table as a number and the shape to print it in again: plain
/// (`24557.16`), grouped (`1,500,000`, correctly only) or a percentage (`29.39%`).
pub fn report_figure(text: &str) -> Option<(Decimal, NumberShape)> {
    let t = text.trim();
    let (body, percent) = match t.strip_suffix('%') {
        Some(b) => (b, true),
        None => (t, false),
    };
    let grouped = body.contains(',');
    let plain = if grouped {
        // Only correct grouping (the strict parser's rule); anything else stays text.
        crate::money::parse_amount(body).ok().filter(|m| m.unit.is_none())?;
        body.replace(',', "")
    } else {
        body.to_string()
    };
    let (d, decimals) = figure(&plain)?;
    let value = if percent { d / Decimal::from(100) } else { d };
    Some((value, NumberShape { decimals, grouped, percent }))
}

/// A printed figure as a number: plain decimal text (`24557.16`, `-1.10`, `2`), nothing else
/// (a 行次, a dash or a label stays text). Returns the value and its decimals.
pub fn figure(text: &str) -> Option<(Decimal, u32)> {
    let t = text.trim();
    let digits = t.strip_prefix('-').unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'.') || digits.starts_with('.') || digits.ends_with('.') {
        return None;
    }
    let d: Decimal = t.parse().ok()?;
    Some((d, d.scale()))
}

/// The double a decimal is stored as in a cell — the one place money leaves `Decimal`, because
/// an XLSX number cell *is* an IEEE double: no arithmetic is done on it. It is the nearest
/// double to the decimal's text, whose shortest round-trip text is that decimal again (up to
/// 15 significant digits), which is what the importer reads back.
pub fn to_f64(d: Decimal) -> f64 {
    d.to_string().parse().unwrap_or(0.0)
}

fn para_text(runs: &[Run]) -> String {
    let mut s = String::new();
    for r in runs {
        match r {
            Run::Text(t) | Run::Strong(t) => s.push_str(t),
            Run::Break => s.push('\n'),
        }
    }
    s
}

/// Writes one drawn form into `ws`.
fn write_sheet(ws: &mut Worksheet, blocks: &[Block]) -> Result<(), ExportError> {
    let fm = formats();
    // The widest table sets the columns (a 自评报告 sheet holds two tables).
    let table = blocks.iter().filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None }).max_by_key(|t| t.widths.len());
    let ncols = table.map_or(1, |t| t.widths.len().max(1)) as u16;
    let landscape = blocks.iter().any(|b| matches!(b, Block::Orientation { landscape: true }));
    // Column widths in characters, the table's proportions over the printable width.
    let total_chars = if landscape { 150.0 } else { 100.0 };
    if let Some(t) = table {
        let sum: f64 = t.widths.iter().map(|w| f64::from(*w)).sum::<f64>().max(1.0);
        for (i, w) in t.widths.iter().enumerate() {
            ws.set_column_width(i as u16, (f64::from(*w) / sum * total_chars * 10.0).round() / 10.0)?;
        }
    }
    ws.set_paper_size(9); // A4
    if landscape {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    let last = ncols - 1;
    let mut row: u32 = 0;
    let span = |ws: &mut Worksheet, row: u32, c0: u16, c1: u16, text: &str, f: &Format| -> Result<(), XlsxError> {
        if c1 > c0 {
            ws.merge_range(row, c0, row, c1, text, f)?;
        } else {
            ws.write_string_with_format(row, c0, text, f)?;
        }
        Ok(())
    };
    for b in blocks {
        match b {
            Block::Heading { text, level, .. } if *level <= 2 => {
                span(ws, row, 0, last, text, &fm.title)?;
                ws.set_row_height(row, 28)?;
                row += 1;
            }
            Block::Heading { text, .. } => {
                span(ws, row, 0, last, text, &fm.heading)?;
                ws.set_row_height(row, 20)?;
                row += 1;
            }
            Block::Paragraph { style, align, runs } => {
                let text = para_text(runs);
                let f = match (style, align) {
                    (ParaStyle::Note, _) => &fm.note,
                    (_, Some(Align::Right)) => &fm.right,
                    (_, Some(Align::Center)) | (ParaStyle::Center | ParaStyle::Title | ParaStyle::Subtitle, None) => &fm.center,
                    _ => &fm.left,
                };
                if text.trim().is_empty() {
                    continue;
                }
                span(ws, row, 0, last, &text, f)?;
                if matches!(style, ParaStyle::Note) {
                    // Wrapped text does not grow its row in every reader: size it.
                    // A CJK character is two character widths; lines = ⌈width ÷ line width⌉.
                    let lines = (text.chars().count() * 2).div_ceil(total_chars as usize).max(1);
                    ws.set_row_height(row, 13.5 * lines as f64)?;
                }
                row += 1;
            }
            Block::Spread { left, center, right } => {
                if ncols >= 3 {
                    let k = ncols / 3;
                    span(ws, row, 0, k - 1, left, &fm.left)?;
                    span(ws, row, k, ncols - k - 1, center, &fm.center)?;
                    span(ws, row, ncols - k, last, right, &fm.right)?;
                } else {
                    span(ws, row, 0, last, &format!("{left}　{center}　{right}"), &fm.left)?;
                }
                row += 1;
            }
            Block::Table(t) => {
                let first = row;
                row = write_table(ws, t, row)?;
                if t.header_rows > 0 {
                    ws.set_repeat_rows(first, first + u32::from(t.header_rows) - 1)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Writes table `t` from `row` on; returns the row after it.
fn write_table(ws: &mut Worksheet, t: &Table, start: u32) -> Result<u32, ExportError> {
    let ncols = t.widths.len();
    // Grid cells covered by a span from an earlier row.
    let mut covered: Vec<Vec<bool>> = vec![vec![false; ncols]; t.rows.len()];
    for (i, cells) in t.rows.iter().enumerate() {
        let r = start + i as u32;
        let mut c = 0usize;
        for cell in cells {
            while c < ncols && covered[i][c] {
                c += 1;
            }
            if c >= ncols {
                break;
            }
            let cs = usize::from(cell.colspan.max(1)).min(ncols - c);
            let rs = usize::from(cell.rowspan.max(1)).min(t.rows.len() - i);
            for row in covered.iter_mut().skip(i).take(rs) {
                for x in row.iter_mut().skip(c).take(cs) {
                    *x = true;
                }
            }
            let number = if cell.align == Align::Right { report_figure(&cell.text) } else { None };
            let f = cell_format(cell.align, cell.strong, number.map(|n| n.1));
            let (c0, c1) = (c as u16, (c + cs - 1) as u16);
            let r1 = r + rs as u32 - 1;
            if cs > 1 || rs > 1 {
                ws.merge_range(r, c0, r1, c1, "", &f)?;
            }
            match number {
                Some((d, _)) => ws.write_number_with_format(r, c0, to_f64(d), &f)?,
                None if cell.text.is_empty() => ws.write_blank(r, c0, &f)?,
                None => ws.write_string_with_format(r, c0, &cell.text, &f)?,
            };
            c += cs;
        }
        // Cells the row leaves out still get their borders.
        for (x, _) in covered[i].iter().enumerate().filter(|(_, c)| !**c) {
            ws.write_blank(r, x as u16, &cell_format(Align::Left, false, None))?;
        }
    }
    Ok(start + t.rows.len() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures() {
        assert_eq!(figure("24557.16"), Some((Decimal::new(2455716, 2), 2)));
        assert_eq!(figure("-1.10"), Some((Decimal::new(-110, 2), 2)));
        assert_eq!(figure("2"), Some((Decimal::from(2), 0)));
        assert_eq!(figure("——"), None);
        assert_eq!(figure(""), None);
        assert_eq!(figure("1,500"), None);
        assert_eq!(figure("1."), None);
    }

    #[test]
    fn report_figures() {
        let (d, n) = report_figure("1,500,000").unwrap();
        assert_eq!((d, n.grouped, n.decimals, n.percent), (Decimal::from(1_500_000), true, 0, false));
        let (d, n) = report_figure("29.39%").unwrap();
        assert_eq!((d, n.percent, n.decimals), (Decimal::new(2939, 4), true, 2));
        assert_eq!(report_figure("1,5000"), None);
        assert_eq!(report_figure("=3人"), None);
    }

    #[test]
    fn doubles_read_back_as_the_decimal() {
        for s in ["24557.16", "0.01", "9791.22", "1234567890.12", "0.3", "14765.47"] {
            let d: Decimal = s.parse().unwrap();
            assert_eq!(format!("{}", to_f64(d)), s.trim_end_matches('0').trim_end_matches('.'));
        }
    }
}
