//! Document tree → Typst source. This is the only place that knows Typst syntax: every
//! text of the tree becomes a Typst *string literal* (`#"…"`), so no character of the data
//! can be read as markup, code, math or a label.

use crate::doc::{Align, Block, Cell, Document, ParaStyle, Run, Table};
use crate::write::style::{FontRole, HouseStyle, PageNumber, Style};
use std::fmt::Write as _;

/// The style file prepended to every generated source.
pub const STYLE: &str = include_str!("../../templates/style.typ");

/// A Typst string literal for `s`.
pub fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A token of a table cell longer than this many characters gets break opportunities: Typst
/// breaks only where Unicode allows, and a run of letters and digits has none.
const CELL_TOKEN: usize = crate::doc::LONG_TOKEN_CHARS;
/// The same for body text. A token that cannot break moves whole to the next line, and the
/// line it leaves spreads its Chinese characters over the gap: a 31-character contract number
/// after a short clause spread them a full em apart. Up to 16 characters (any number the
/// booklet prints, with its unit) the gap stays a fraction of an em and the token stays whole.
const TEXT_TOKEN: usize = crate::doc::LONG_TOKEN_CHARS;

/// Markup for `s` (inside `[…]`): string literals, with each token longer than `long`
/// characters split into inline boxes. Typst may break a line between two boxes, and the
/// boxes add no character to the text (a zero-width space would: pdftotext and copy-paste
/// would yield it inside the number). A token is a run of characters other than spaces and
/// CJK (which break anywhere already).
fn breakable(s: &str, long: usize) -> String {
    let mut out = String::new();
    let mut plain = String::new();
    let mut token: Vec<char> = Vec::new();
    let flush_token = |token: &mut Vec<char>, plain: &mut String, out: &mut String| {
        if token.len() <= long {
            plain.extend(token.drain(..));
            return;
        }
        if !plain.is_empty() {
            let _ = write!(out, "#{}", lit(plain));
            plain.clear();
        }
        // One character a box, or eight in a very long token (bounded work for the layout).
        let size = if token.len() <= 256 { 1 } else { 8 };
        for chunk in token.chunks(size) {
            let _ = write!(out, "#box({})", lit(&chunk.iter().collect::<String>()));
        }
        token.clear();
    };
    for c in s.chars() {
        if !crate::doc::is_token_char(c) {
            flush_token(&mut token, &mut plain, &mut out);
            plain.push(c);
        } else {
            token.push(c);
        }
    }
    flush_token(&mut token, &mut plain, &mut out);
    if !plain.is_empty() || out.is_empty() {
        let _ = write!(out, "#{}", lit(&plain));
    }
    out
}

/// A text as a Typst expression: its string literal, or content with break opportunities
/// when it holds a token longer than `long` characters.
fn text_expr(s: &str, long: usize) -> String {
    let mut run = 0;
    let has_long = s.chars().any(|c| {
        run = if crate::doc::is_token_char(c) { run + 1 } else { 0 };
        run > long
    });
    if has_long {
        format!("[{}]", breakable(s, long))
    } else {
        lit(s)
    }
}

/// The Typst source of `doc` (style settings and style file included).
pub fn source(doc: &Document) -> String {
    let mut out = prelude(doc, true);
    for (i, b) in doc.blocks.iter().enumerate() {
        write_block(&mut out, doc, i, b, true);
    }
    out
}

/// The path under which a [`PageRun`]'s source imports the [`style_module`] of its house
/// style: the World of `write/pdf.rs` serves it from memory, parsed once for all the runs.
pub fn style_module_path(h: HouseStyle) -> &'static str {
    match h {
        HouseStyle::Standard => "juesuan-style.typ",
        HouseStyle::Gbt9704 => "juesuan-style-gbt9704.typ",
    }
}

/// Style settings and style file, the start of every source: written out in the whole
/// document's source (which compiles on its own, as `--emit-typst` writes it), imported
/// from [`style_module_path`] by each of the runs.
pub fn style_module(st: &Style) -> String {
    settings(st) + STYLE
}

/// Style settings, style file, document settings and the `booklet` show rule. `numbers`:
/// the page numbers in footers and 目录; left out when laying out [`page_runs`], which
/// import the style rather than repeat it.
fn prelude(doc: &Document, numbers: bool) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let st = doc.meta.style();
    if numbers {
        out.push_str(&style_module(st));
    } else {
        let _ = writeln!(out, "#import {}: *", lit(style_module_path(doc.meta.house_style)));
    }
    out.push_str("\n// ---- generated by juesuan from the document tree ----\n");
    let m = &doc.meta;
    let date = match m.date.as_deref().and_then(ymd) {
        Some((y, mo, d)) => format!("datetime(year: {y}, month: {mo}, day: {d})"),
        None => "auto".into(),
    };
    let _ = writeln!(out, "#set document(title: {}, author: {}, date: {date})", lit(&m.title), lit(&m.author));
    let _ = writeln!(out, "#let serif = {}", lit(&m.serif));
    let _ = writeln!(out, "#let sans = {}", lit(&m.sans));
    let _ = writeln!(out, "#let fang = {}", lit(&m.fang));
    let _ = writeln!(out, "#let kai = {}", lit(&m.kai));
    let _ = writeln!(out, "{}", roles(st));
    let _ = writeln!(
        out,
        "#show: booklet.with(serif: serif, sans: sans, roles: roles, draft: {}, numbers: {numbers})",
        m.draft
    );
    out.push_str(&faux_bold(st));
    out
}

/// The families of a font role as a Typst value: 仿宋 and 楷体 fall back to the 宋体 role's
/// family for a character their font lacks (the bundled Fandol fonts cover GB 2312).
fn role_fonts(role: FontRole) -> String {
    match role {
        FontRole::Serif | FontRole::Sans => role.typst_name().to_string(),
        FontRole::Fang | FontRole::Kai => format!("({}, serif)", role.typst_name()),
    }
}

/// `#let roles = (…)`: the family of each kind of text in the house style `st`
/// (`booklet` in `templates/style.typ` sets them).
fn roles(st: &Style) -> String {
    let headings: Vec<String> = st.heading_font.iter().map(|r| role_fonts(*r)).collect();
    let bold: Vec<&str> = st.heading_bold.iter().map(|b| if *b { "true" } else { "false" }).collect();
    format!(
        "#let roles = (body: {}, table: {}, number: serif, headings: ({},), bold: ({},))",
        role_fonts(st.body_font),
        role_fonts(st.table_font),
        headings.join(", "),
        bold.join(", ")
    )
}

/// Bold headings of a role whose bundled font has no bold face (仿宋, 楷体) are emboldened
/// with a thin stroke of the glyphs' outline, as Word and LibreOffice embolden them.
fn faux_bold(st: &Style) -> String {
    let mut out = String::new();
    for (i, (role, bold)) in st.heading_font.iter().zip(st.heading_bold).enumerate() {
        if bold && matches!(role, FontRole::Fang | FontRole::Kai) {
            let _ = writeln!(out, "#show heading.where(level: {}): set text(stroke: 0.025em + black)", i + 1);
        }
    }
    out
}

/// Block `i` of `doc` and a line end.
fn write_block(out: &mut String, doc: &Document, i: usize, b: &Block, numbers: bool) {
    match b {
        Block::Heading { .. } => heading(out, i, b),
        Block::Toc { title, depth, scope } => toc(out, doc, title, *depth, scope.as_deref(), numbers),
        _ => block(out, doc.meta.style(), i, b),
    }
    out.push('\n');
}

/// A run of pages of the main matter that starts on a new page (at a page break or a change
/// of orientation), as a Typst source of its own, with the outline headings it holds.
/// Nothing flows from one run into the next and no line depends on a page number (the 目录
/// prints them in a column of fixed width), so laying the runs out one by one, in parallel,
/// places every heading on the page the whole document's layout puts it
/// ([`crate::write::pdf::heading_pages_by_runs`]; a test compares the two).
#[derive(Debug, Clone)]
pub struct PageRun {
    /// The source (style, settings and the run's blocks; no footers, no 目录 numbers).
    pub source: String,
    /// Indexes in [`Document::blocks`] of the outline headings in the run, in order.
    pub headings: Vec<usize>,
    /// The page numbers start again at 1 on this run's first page (the main matter's first
    /// run, after front matter).
    pub restart: bool,
}

/// The runs of pages of `doc` that hold its outline headings: those of the front matter
/// (cover, 目录; as far as its last outline heading, such as a report's title on its cover)
/// and every run of the main matter (all of the document when it has no
/// [`Block::MainMatter`]), the first of which starts the page numbers again.
pub fn page_runs(doc: &Document) -> Vec<PageRun> {
    let prelude = prelude(doc, false);
    let main = doc.blocks.iter().position(|b| matches!(b, Block::MainMatter));
    let mut runs = match main {
        Some(m) => {
            let mut front = cut_runs(doc, &prelude, 0, m, false);
            front.truncate(front.iter().rposition(|r| !r.headings.is_empty()).map_or(0, |i| i + 1));
            front
        }
        None => Vec::new(),
    };
    let start = main.map_or(0, |m| m + 1);
    let landscape = doc.blocks[..start]
        .iter()
        .fold(false, |l, b| if let Block::Orientation { landscape } = b { *landscape } else { l });
    let mut body = cut_runs(doc, &prelude, start, doc.blocks.len(), landscape);
    if let (Some(first), Some(_)) = (body.first_mut(), main) {
        first.restart = true;
    }
    runs.extend(body);
    runs
}

/// Blocks `from..to` of `doc` cut into runs where a new page must start; `landscape`: the
/// orientation in force at `from`.
fn cut_runs(doc: &Document, prelude: &str, from: usize, to: usize, mut landscape: bool) -> Vec<PageRun> {
    let mut runs: Vec<PageRun> = Vec::new();
    for (i, b) in doc.blocks.iter().enumerate().take(to).skip(from) {
        if runs.is_empty() || matches!(b, Block::PageBreak | Block::Orientation { .. }) {
            let mut source = prelude.to_string();
            if landscape {
                block(&mut source, doc.meta.style(), i, &Block::Orientation { landscape: true });
                source.push('\n');
            }
            runs.push(PageRun { source, headings: Vec::new(), restart: false });
        }
        if let Block::Orientation { landscape: l } = b {
            landscape = *l;
        }
        let Some(run) = runs.last_mut() else { continue };
        write_block(&mut run.source, doc, i, b, false);
        if matches!(b, Block::Heading { outline: true, .. }) {
            run.headings.push(i);
        }
    }
    runs
}

/// The dictionary `S` of style settings that `templates/style.typ` reads: the values of
/// the house style `st`, the one table both writers follow.
pub fn settings(st: &Style) -> String {
    let headings: Vec<String> = st.heading_pt.iter().map(|pt| format!("{pt}pt")).collect();
    let descent = st.footer_gap_mm.map_or("30%".to_string(), |mm| format!("{mm}mm"));
    let number = match st.page_number {
        PageNumber::Centered => "center",
        PageNumber::OuterDashes => "outer",
    };
    format!(
        "// Style settings from src/write/style.rs ({}).\n#let S = (body: {}pt, headings: ({},), title: {}pt, subtitle: {}pt, \
         cover: {}pt, small: {}pt, line: {}, table-line: {}, inset-x: {}pt, inset-y: {}pt, rule: {}pt, above: {}, \
         below: {}, ascent: {}, margin: (top: {}mm, bottom: {}mm, left: {}mm, right: {}mm), number: {}, \
         number-size: {}pt, footer-descent: {descent}, toc-number: {}, indent: {})\n",
        st.name,
        st.body_pt,
        headings.join(", "),
        st.title_pt,
        st.subtitle_pt,
        st.cover_pt,
        st.small_pt,
        st.line_spacing,
        st.table_line_spacing,
        st.cell_inset_x_pt,
        st.cell_inset_y_pt,
        st.table_rule_pt,
        st.heading_above,
        st.heading_below,
        st.em_ascent,
        st.margin_top_mm,
        st.margin_bottom_mm,
        st.margin_left_mm,
        st.margin_right_mm,
        lit(number),
        st.page_number_pt,
        st.toc_number_em,
        st.indent_chars,
    )
}

/// The label on the outline heading at block `i`: [`crate::write::pdf::heading_pages`]
/// finds the page of each heading by it.
pub fn heading_label(i: usize) -> String {
    format!("juesuan-h{i}")
}

/// A heading; an outline heading carries its label. Every heading is a bookmark (as every
/// heading is in Word's navigation pane); only outline headings are in the 目录. (Between
/// two headings the larger of the spaces below and above counts, in Typst as in
/// LibreOffice's layout of the DOCX.)
fn heading(out: &mut String, i: usize, b: &Block) {
    let Block::Heading { level, text, outline, align } = b else { return };
    let label = if *outline { format!("<{}>", heading_label(i)) } else { String::new() };
    let mut h = format!("[#heading(level: {level}, outlined: {outline}, bookmarked: true, {}){label}]", lit(text));
    if *align != Align::Left {
        h = format!("align({}, {h})", align_name(*align));
    }
    let _ = write!(out, "#{h}");
}

/// A 目录: its title, then one `toc-entry` per line of [`Document::toc_lines`], each linking
/// to its heading's label and showing the page number printed there. The entries are
/// written out (rather than left to Typst's `outline`), so the first layout pass already has
/// every line: page numbers are all that the next pass adds, and nothing moves.
/// In a [`PageRun`] (`numbers` false) an entry links nowhere and shows no number: its
/// heading may lie in another run.
fn toc(out: &mut String, doc: &Document, title: &str, depth: u8, scope: Option<&str>, numbers: bool) {
    let _ = write!(out, "#toc-title(sans, {})", lit(title));
    for line in doc.toc_lines(depth, scope) {
        let target = if numbers { format!("<{}>", heading_label(line.block)) } else { "none".into() };
        let _ = write!(out, "\n#toc-entry(sans, {}, {}, {target})", line.level, lit(line.text));
    }
}

fn ymd(s: &str) -> Option<(i32, u32, u32)> {
    let mut it = s.split('-');
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

/// Block `i` (its index names a table's rows, [`table_label`]).
fn block(out: &mut String, st: &Style, i: usize, b: &Block) {
    match b {
        Block::Heading { .. } => {}
        Block::Paragraph { style, align, runs } => paragraph(out, *style, *align, runs),
        Block::Table(t) => table(out, st, i, t),
        Block::PageBreak => out.push_str("#pagebreak(weak: true)"),
        // Numbered pages from here on: the PDF's page labels then show the printed number
        // (the footer draws it; the cover and 目录 carry no label).
        Block::MainMatter => out.push_str("#set page(numbering: \"1\")\n#mainmatter()"),
        Block::Orientation { landscape } => {
            if *landscape {
                let _ = write!(out, "#set page(flipped: true, margin: {}mm)", st.landscape_margin_mm);
            } else {
                out.push_str("#set page(flipped: false, margin: S.margin)");
            }
        }
        Block::Toc { .. } => {}
        Block::Anchor { name } => {
            let _ = write!(out, "#metadata(none)<{name}>");
        }
        Block::Spread { left, center, right } => {
            let _ = write!(out, "#p-spread({}, {}, {})", lit(left), lit(center), lit(right));
        }
        Block::Space { pt } => {
            let _ = write!(out, "#v({pt}pt)");
        }
    }
}

fn align_name(a: Align) -> &'static str {
    match a {
        Align::Left => "left",
        Align::Center => "center",
        Align::Right => "right",
    }
}

fn runs(rs: &[Run]) -> String {
    let mut s = String::from("[");
    for r in rs {
        match r {
            Run::Text(t) => {
                let _ = write!(s, "#{}", text_expr(t, TEXT_TOKEN));
            }
            Run::Strong(t) => {
                let _ = write!(s, "#strong({})", text_expr(t, TEXT_TOKEN));
            }
            Run::Break => s.push_str("#linebreak()"),
        }
    }
    s.push(']');
    s
}

fn paragraph(out: &mut String, st: ParaStyle, align: Option<Align>, rs: &[Run]) {
    let content = runs(rs);
    let call = match st {
        ParaStyle::Body => format!("p-body({content})"),
        ParaStyle::Plain => format!("p-plain({content})"),
        ParaStyle::Title => format!("p-title(sans, {content})"),
        ParaStyle::Subtitle => format!("p-subtitle(sans, {content})"),
        ParaStyle::Center => format!("p-center({content})"),
        ParaStyle::Caption => format!("p-caption({content})"),
        ParaStyle::Note => format!("p-note({content})"),
    };
    match align {
        Some(a) if a != Align::Left || st == ParaStyle::Body => {
            let _ = write!(out, "#no-indent(align({}, {call}))", align_name(a));
        }
        _ => {
            let _ = write!(out, "#{call}");
        }
    }
}

fn cell_body(c: &Cell) -> String {
    let text = text_expr(&c.text, CELL_TOKEN);
    if c.strong {
        format!("strong({text})")
    } else {
        text
    }
}

fn cell(c: &Cell) -> String {
    cell_with(c, cell_body(c))
}

fn cell_with(c: &Cell, body: String) -> String {
    let mut args = String::new();
    if c.colspan > 1 {
        let _ = write!(args, "colspan: {}, ", c.colspan);
    }
    if c.rowspan > 1 {
        let _ = write!(args, "rowspan: {}, ", c.rowspan);
    }
    if c.breakable {
        args.push_str("breakable: true, ");
    }
    let _ = write!(args, "align: {} + horizon", align_name(c.align));
    format!("table.cell({args}, {body})")
}

/// The label of the rows of the table at block `i` (see [`SplitTable`]).
fn table_label(i: usize) -> String {
    format!("juesuan-t{i}")
}

/// A row span that may break across pages (`Cell::breakable`, a 一级指标 group): its first
/// row and grid column, its number of rows and the cell.
struct SplitSpan<'a> {
    row: usize,
    col: usize,
    rows: usize,
    cell: &'a Cell,
}

/// How the table at block `i` is written when a row span of it may break across pages. A
/// table repeats its header rows on a new page, not the text of a row span: the group's
/// cell would be blank on the next page. So each body row carries a `metadata(row)` with
/// the table's label, the table is laid out in a `context` that knows the page of each row
/// (`row-pages` in `templates/style.typ`), and the group's cell is written as one
/// `span-part` at each of its rows: a cell for the group's rows on one page, its text
/// followed by "（续）" on the pages after the first. Until the pages are known (the first
/// layout pass), and when no page breaks inside the group, it is the one cell it was.
struct SplitTable<'a> {
    label: String,
    /// The spans, in order of their first rows.
    spans: Vec<SplitSpan<'a>>,
}

impl<'a> SplitTable<'a> {
    fn new(i: usize, t: &'a Table, header_rows: usize, columns: &[Vec<usize>]) -> Option<Self> {
        let mut spans = Vec::new();
        for (r, (row, starts)) in t.rows.iter().zip(columns).enumerate().skip(header_rows) {
            for (c, &col) in row.iter().zip(starts).filter(|(c, _)| c.breakable && c.rowspan > 1) {
                spans.push(SplitSpan { row: r, col, rows: usize::from(c.rowspan).min(t.rows.len() - r), cell: c });
            }
        }
        if spans.is_empty() {
            None
        } else {
            Some(SplitTable { label: table_label(i), spans })
        }
    }

    /// `..span-part(…)` for the span `s` at row `r`.
    fn part(&self, s: &SplitSpan<'_>, r: usize) -> String {
        format!(
            "..span-part(pages, {}, {}, {}, {} + horizon, {})",
            s.row,
            s.rows,
            r - s.row,
            align_name(s.cell.align),
            cell_body(s.cell)
        )
    }
}

fn table(out: &mut String, st: &Style, i: usize, t: &Table) {
    let widths: Vec<String> = t.widths.iter().map(|w| format!("{w}fr")).collect();
    let header_rows = usize::from(t.header_rows).min(t.rows.len());
    let head: Vec<String> = t.rows[..header_rows].iter().flatten().map(cell).collect();
    // A short table is kept on one page, unless a cell is too long for any page.
    let long = t.rows.iter().flatten().any(Cell::is_long);
    let whole = t.rows.len() <= st.whole_table_rows && !long;
    let columns = crate::doc::grid_columns(&t.rows);
    let split = if whole { None } else { SplitTable::new(i, t, header_rows, &columns) };
    if long {
        // Rows may break across pages (a row span included, or it would hold its rows together).
        out.push_str("#[#set table.cell(breakable: true)\n");
    }
    match &split {
        Some(sp) => {
            let _ = write!(out, "#context {{\nlet pages = row-pages(<{}>)\nform-table(", sp.label);
        }
        None => out.push_str("#form-table("),
    }
    let _ = write!(out, "({},), {}pt, {whole}, ({}", widths.join(", "), t.font_size, head.join(", "));
    if !head.is_empty() {
        out.push(',');
    }
    out.push(')');
    for (r, (row, starts)) in t.rows.iter().zip(&columns).enumerate().skip(header_rows) {
        let Some(sp) = &split else {
            out.extend(row.iter().flat_map(|c| [",\n  ".to_string(), cell(c)]));
            continue;
        };
        // The row's page: a `metadata(row)` in its last cell that is not a breaking span
        // (every other cell starts, and stays, on the row's page).
        let marked = row.iter().rposition(|c| !(c.breakable && c.rowspan > 1));
        let mut cells: Vec<(usize, String)> = Vec::with_capacity(row.len() + 1);
        for (k, (c, &col)) in row.iter().zip(starts).enumerate() {
            let text = match sp.spans.iter().find(|s| s.row == r && std::ptr::eq(s.cell, c)) {
                Some(s) => sp.part(s, r),
                None if Some(k) == marked => cell_with(c, format!("[#metadata({r})<{}>#{}]", sp.label, cell_body(c))),
                None => cell(c),
            };
            cells.push((col, text));
        }
        // The spans that go on through this row, at their columns among the row's cells.
        for s in sp.spans.iter().filter(|s| s.row < r && r < s.row + s.rows) {
            cells.push((s.col, sp.part(s, r)));
        }
        cells.sort_by_key(|(col, _)| *col);
        for (_, c) in cells {
            out.push_str(",\n  ");
            out.push_str(&c);
        }
    }
    out.push(')');
    if split.is_some() {
        out.push_str("\n}");
    }
    if long {
        out.push(']');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_carry_labels() {
        let h = |level, outline| Block::Heading { level, text: "x".into(), outline, align: Align::Left };
        let doc = Document {
            meta: crate::doc::Meta {
                title: String::new(),
                author: String::new(),
                date: None,
                lang: "zh-CN".into(),
                draft: false,
                serif: String::new(),
                sans: String::new(),
                fang: String::new(),
                kai: String::new(),
                house_style: HouseStyle::Standard,
            },
            blocks: vec![h(3, true), Block::Anchor { name: "a".into() }, h(4, false)],
        };
        let src = source(&doc);
        assert!(src.contains("\"x\")<juesuan-h0>]"), "{src}");
        assert!(src.contains("#[#heading(level: 4, outlined: false, bookmarked: true, \"x\")]"), "{src}");
        assert!(src.starts_with("// Style settings") && src.contains("line: 1.5,"));
    }

    #[test]
    fn long_tokens_get_break_opportunities_and_short_ones_stay_literals() {
        assert_eq!(text_expr("LXKFQ2024ZFCG0001", 16), "[#box(\"L\")#box(\"X\")#box(\"K\")#box(\"F\")#box(\"Q\")#box(\"2\")#box(\"0\")#box(\"2\")#box(\"4\")#box(\"Z\")#box(\"F\")#box(\"C\")#box(\"G\")#box(\"0\")#box(\"0\")#box(\"0\")#box(\"1\")]");
        assert_eq!(text_expr("合同LXKFQ2024ZFCG0001号", 16).matches("#box(").count(), 17);
        assert!(text_expr("合同LXKFQ2024ZFCG0001号", 16).starts_with("[#\"合同\"#box("));
        assert_eq!(text_expr("24557.16", 16), "\"24557.16\"");
        assert_eq!(text_expr("1234567890 1234567890", 16), "\"1234567890 1234567890\"");
        // Quotes and backslashes stay literal inside the boxes.
        assert_eq!(breakable("a\"\\#$*_[]<>&{{}}bcdefghijklmno", 16).matches("#box(").count(), 30);
        assert!(breakable("a\"\\#$*_[]<>&{{}}bcdefghijklmno", 16).contains("#box(\"\\\"\")#box(\"\\\\\")"));
        assert_eq!(breakable(&"9".repeat(1000), 16).matches("#box(").count(), 125);
    }

    #[test]
    fn a_breaking_row_span_is_written_per_page_and_its_rows_are_marked() {
        let c = |text: &str, rowspan, breakable| Cell {
            text: text.into(),
            colspan: 1,
            rowspan,
            align: Align::Center,
            strong: false,
            breakable,
        };
        // Header; 产出指标 over three rows (its second row without a 二级 cell); a row of 效益指标.
        let rows = vec![
            vec![c("一级", 1, false), c("二级", 1, false), c("名称", 1, false)],
            vec![c("产出指标", 3, true), c("数量", 2, false), c("a", 1, false)],
            vec![c("b", 1, false)],
            vec![c("质量", 1, false), c("c", 1, false)],
            vec![c("效益指标", 1, true), c("经济", 1, false), c("d", 1, false)],
        ];
        let mut rows = rows;
        let st = HouseStyle::Standard.style();
        // Longer than a table kept whole on its page.
        rows.extend((0..st.whole_table_rows).map(|_| vec![c("x", 1, false), c("y", 1, false), c("z", 1, false)]));
        let mut t = Table { widths: vec![1, 1, 1], header_rows: 1, rows, font_size: 8 };
        let mut out = String::new();
        table(&mut out, st, 7, &t);
        assert!(out.starts_with("#context {\nlet pages = row-pages(<juesuan-t7>)\nform-table("), "{out}");
        for r in 0..3 {
            let part = format!("..span-part(pages, 1, 3, {r}, center + horizon, \"产出指标\")");
            assert_eq!(out.matches(&part).count(), 1, "{part} in {out}");
        }
        // The span's part comes first in its rows (its column is the first).
        assert!(out.contains("\"产出指标\"),\n  table.cell(align: center + horizon, [#metadata(2)<juesuan-t7>#\"b\"])"), "{out}");
        for r in 1..=4 {
            assert!(out.contains(&format!("[#metadata({r})<juesuan-t7>#")), "row {r} marked: {out}");
        }
        // A one-row span does not break: written as it was.
        assert!(out.contains("table.cell(breakable: true, align: center + horizon, \"效益指标\")"), "{out}");
        // A table kept whole on its page is written as it was.
        t.rows.truncate(2);
        t.rows[1][0].rowspan = 1;
        t.rows[1][1].rowspan = 1;
        let mut whole = String::new();
        table(&mut whole, st, 7, &t);
        assert!(whole.starts_with("#form-table(") && !whole.contains("metadata"), "{whole}");
    }

    #[test]
    fn literals_escape_everything_typst_could_read() {
        assert_eq!(lit(r##"#read("/etc/passwd") $x$ \f"##), r##""#read(\"/etc/passwd\") $x$ \\f""##);
        assert_eq!(lit("a\nb\u{1}"), "\"a\\nb\"");
    }
}
