//! Document tree → DOCX (Office Open XML) through docx-rs. This is the only place that
//! knows OOXML.
//!
//! The writer walks [`Document::blocks`] once and builds a [`docx_rs::Docx`]:
//!
//! * headings use Word's built-in `Heading1`–`Heading4` styles (outline levels, so the
//!   navigation pane and `TOC \o` see them); headings with `outline: false` use look-alike
//!   `MinorHeading1`–`4` styles and an outline level of their own below the deepest 目录
//!   that covers them ([`minor_outline_levels`]): the navigation pane shows every heading,
//!   no 目录 lists more than the PDF's;
//! * every [`ParaStyle`] has its own paragraph style following [`crate::write::style`];
//! * a [`Block::Toc`] is a real `TOC` field whose result is already filled with the entries
//!   (hyperlinks to bookmarks on the headings and `PAGEREF` fields for the page numbers), so
//!   the 目录 is readable before anyone updates it; the page numbers are the PDF's when the
//!   caller has its layout ([`docx_with_pages`]);
//! * every line is exactly [`Style::line_spacing`] (table cells [`Style::table_line_spacing`]) times
//!   its font size high, like the PDF's, so that both break pages alike;
//! * tables are real tables: fixed grid scaled to the text width, `gridSpan`/`vMerge` for
//!   merged cells, repeated header rows, borders on every cell;
//! * a [`Block::Orientation`] ends the current section; every section references the same
//!   footer (a centred `PAGE` field) and, for drafts, the same header (the 仅供内部审核 mark);
//!   a [`Block::MainMatter`] ends the front matter (cover, 目录), whose section has no footer,
//!   and restarts the page numbers at 1.
//!
//! docx-rs 0.4.22 cannot express everything, and writes some elements out of schema order.
//! The generated XML parts are therefore finished by small, named, tested steps
//! ([`finish`] lists them), and the package is zipped here, deterministically
//! ([`pack`]). Same document in, same bytes out: no clock is read anywhere.

use crate::doc::{Align, Block, Cell, Document, HeadingPages, Meta, ParaStyle, Run as TreeRun, Table as TreeTable};
use crate::write::style::{FontRole, PageNumber, Style, DRAFT_MARK};
use docx_rs::{
    create_footer_rid, create_header_rid, AlignmentType, BorderType, BreakType, Docx, FieldCharType, Footer, Header,
    Hyperlink, HyperlinkType, InstrText, LineSpacing, LineSpacingType, PageMargin, PageNumType, PageOrientationType,
    PageSize, Paragraph, Run, RunFonts, SectionProperty, SpecialIndentType, Style as DocxStyle, StyleType, Tab, TabLeaderType,
    TabValueType, Table, TableBorder, TableBorderPosition, TableBorders, TableCell, TableCellMargins, TableLayoutType,
    TableRow, VAlignType, VMergeType, WidthType, XMLDocx,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Why a DOCX could not be written: a malformed tree (a template bug) or a packaging failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocxError(pub String);

impl fmt::Display for DocxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "docx: {}", self.0)
    }
}

impl std::error::Error for DocxError {}

/// The DOCX bytes of `doc`, its 目录 without page numbers (Word fills them in when it opens
/// the file; LibreOffice when the index is updated). Pure: the same document always gives
/// the same bytes.
pub fn docx(doc: &Document) -> Result<Vec<u8>, DocxError> {
    docx_with_pages(doc, None)
}

/// The DOCX bytes of `doc`, its 目录 showing `pages` (the PDF's page numbers of the headings,
/// from the same tree laid out with the same page, margins, fonts and line pitch) as the
/// cached results of the `PAGEREF` fields; Word and LibreOffice recompute them when the
/// field is updated. Entries without a page number are left blank and, when there are any,
/// the TOC field is marked dirty so that Word refreshes it on opening. Pure.
pub fn docx_with_pages(doc: &Document, pages: Option<&HeadingPages>) -> Result<Vec<u8>, DocxError> {
    let pages = pages.map_or(Pages::Unknown, |p| Pages::Known(p.iter().copied().collect()));
    zip_parts(write_parts(doc, pages)?)
}

/// A DOCX written but for the page numbers of its 目录, which come from a layout still
/// running (on another thread): [`docx_pending`] writes everything else, while the layout
/// runs; [`PendingDocx::with_pages`] fills them in and zips. Same bytes as
/// [`docx_with_pages`] with the same pages.
#[derive(Debug)]
pub struct PendingDocx(XMLDocx);

/// The parts of `doc`'s DOCX, every 目录 entry's page number left to
/// [`PendingDocx::with_pages`]. Pure.
pub fn docx_pending(doc: &Document) -> Result<PendingDocx, DocxError> {
    Ok(PendingDocx(write_parts(doc, Pages::Later)?))
}

impl PendingDocx {
    /// The DOCX bytes with `pages` in the 目录, or `None` when `pages` lacks a heading the
    /// 目录 lists (then [`docx_with_pages`] writes the entry blank and marks the field for
    /// Word to refresh).
    pub fn with_pages(mut self, pages: &HeadingPages) -> Option<Result<Vec<u8>, DocxError>> {
        let pages: BTreeMap<usize, u32> = pages.iter().copied().collect();
        let filled = fill_page_refs(std::str::from_utf8(&self.0.document).ok()?, &pages)?;
        self.0.document = filled.into_bytes();
        Some(zip_parts(self.0))
    }
}

/// The finished XML parts of `doc` (every workaround of [`finish`] applied), not yet zipped.
fn write_parts(doc: &Document, pages: Pages) -> Result<XMLDocx, DocxError> {
    let mut writer = Writer::new(doc, pages);
    for (i, block) in doc.blocks.iter().enumerate() {
        writer.block(i, block)?;
    }
    let header_rows = writer.header_rows.clone();
    let parts = writer.finish_docx().build();
    Ok(finish(parts, &doc.meta, &header_rows))
}

fn zip_parts(parts: XMLDocx) -> Result<Vec<u8>, DocxError> {
    pack(parts).map_err(|e| DocxError(format!("zip: {e}")))
}

/// What the 目录 entries show as page numbers.
enum Pages {
    /// Nothing: entries are blank and the field is marked for Word to refresh.
    Unknown,
    /// Page numbers of the outline headings by block index (from the PDF's layout).
    Known(BTreeMap<usize, u32>),
    /// [`PENDING_PAGE`], replaced later by [`fill_page_refs`].
    Later,
}

/// The cached result of every `PAGEREF` field of a pending DOCX.
const PENDING_PAGE: &str = "0";

/// Puts the page number of heading `i` into the cached result of each `PAGEREF _Toc<i>`
/// field: the text of the first `w:t` after its `w:instrText`. Data text cannot
/// imitate the instruction: it is escaped, so it never holds `<w:instrText>`. `None` when
/// a heading has no page in `pages`.
fn fill_page_refs(xml: &str, pages: &BTreeMap<usize, u32>) -> Option<String> {
    const KEY: &str = "<w:instrText> PAGEREF _Toc";
    let mut out = String::with_capacity(xml.len());
    let mut pos = 0;
    while let Some(rel) = xml[pos..].find(KEY) {
        let at = pos + rel + KEY.len();
        let len = xml[at..].bytes().take_while(u8::is_ascii_digit).count();
        let page = pages.get(&xml[at..at + len].parse::<usize>().ok()?)?;
        let t = at + xml[at..].find("<w:t ")?;
        let text = t + xml[t..].find('>')? + 1;
        let close = text + xml[text..].find("</w:t>")?;
        if &xml[text..close] != PENDING_PAGE {
            return None;
        }
        out.push_str(&xml[pos..text]);
        out.push_str(&page.to_string());
        pos = close;
    }
    out.push_str(&xml[pos..]);
    Some(out)
}

// ---------------------------------------------------------------------------------------
// Page geometry (twips: 1/20 pt, 1440 per inch)
// ---------------------------------------------------------------------------------------

/// Millimetres → twips.
fn twips(mm: u32) -> u32 {
    (f64::from(mm) * 1440.0 / 25.4).round() as u32
}

/// Page width and height in twips.
fn page_size(st: &Style, landscape: bool) -> (u32, u32) {
    let (w, h) = (twips(st.page_width_mm), twips(st.page_height_mm));
    if landscape {
        (h, w)
    } else {
        (w, h)
    }
}

/// Page margins: the style table's portrait margins, or [`Style::landscape_margin_mm`] on
/// every side of a landscape page. The header sits halfway into the top margin; the footer
/// halfway into the bottom one, or, on portrait pages where the style says how far below the
/// text block the page number goes ([`Style::footer_gap_mm`]), its line starts that far below.
fn page_margin(st: &Style, landscape: bool) -> PageMargin {
    let (top, bottom, left, right) = if landscape {
        let m = twips(st.landscape_margin_mm) as i32;
        (m, m, m, m)
    } else {
        let t = |mm| twips(mm) as i32;
        (t(st.margin_top_mm), t(st.margin_bottom_mm), t(st.margin_left_mm), t(st.margin_right_mm))
    };
    // (Landscape pages' narrow margins keep the footer halfway.)
    let footer = match st.footer_gap_mm.filter(|_| !landscape) {
        Some(gap) => (bottom - twips(gap) as i32 - twentieths(f32::from(st.body_pt) * st.line_spacing) as i32).max(0),
        None => bottom / 2,
    };
    PageMargin::new().top(top).bottom(bottom).left(left).right(right).header(top / 2).footer(footer).gutter(0)
}

/// Width of the text area in twips.
fn text_width(st: &Style, landscape: bool) -> u32 {
    let margins = if landscape {
        2 * twips(st.landscape_margin_mm)
    } else {
        twips(st.margin_left_mm) + twips(st.margin_right_mm)
    };
    page_size(st, landscape).0 - margins
}

/// What a section shows besides its page: the draft header, the page-number footer, and
/// whether its page numbers start again at 1.
#[derive(Debug, Clone, Copy, Default)]
struct Furniture {
    draft: bool,
    footer: bool,
    restart: bool,
}

/// The `w:sectPr` of a section in the given orientation, referencing the shared header
/// (drafts) and footer parts that [`Writer::finish_docx`] registers first (`rIdHeader1`,
/// `rIdFooter1`). The `Header`/`Footer` values given here are only placeholders: docx-rs
/// writes parts only for the document-level section, the reference is what counts. (A
/// section without a footer reference would inherit the previous one's: only the first
/// section, the front matter, goes without.)
fn section(st: &Style, landscape: bool, f: Furniture) -> SectionProperty {
    let (w, h) = page_size(st, landscape);
    let mut size = PageSize::new().size(w, h);
    if landscape {
        size = size.orient(PageOrientationType::Landscape);
    }
    let mut s = SectionProperty::new().page_size(size).page_margin(page_margin(st, landscape));
    let odd_even = odd_and_even(st);
    if f.draft {
        s = s.header(Header::new(), &create_header_rid(1));
        if odd_even {
            s = s.even_header(Header::new(), &create_header_rid(2));
        }
    }
    if f.restart {
        s = s.page_num_type(PageNumType::new().start(1));
    }
    if f.footer {
        s = s.footer(Footer::new(), &create_footer_rid(1));
        if odd_even {
            s = s.even_footer(Footer::new(), &create_footer_rid(2));
        }
    }
    s
}

/// Odd and even pages have footers of their own (`w:evenAndOddHeaders`): the page number
/// sits at the outer edge.
fn odd_and_even(st: &Style) -> bool {
    st.page_number == PageNumber::OuterDashes
}

// ---------------------------------------------------------------------------------------
// Text and runs
// ---------------------------------------------------------------------------------------

/// Text that XML 1.0 can carry: C0 control characters other than tab and line feed are
/// dropped (a carriage return becomes a line feed, CR LF one line feed), and so are the
/// non-characters U+FFFE and U+FFFF. Escaping of `& < > " '` is docx-rs's job.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\t' | '\n' => out.push(c),
            c if u32::from(c) < 0x20 => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// How a run looks, on top of its paragraph style.
#[derive(Debug, Clone, Copy, Default)]
struct Look {
    /// 黑体 and bold.
    strong: bool,
    /// Size in points (`None` = the style's).
    size: Option<u8>,
    /// Colour as RRGGBB.
    color: Option<&'static str>,
    /// Family role (`None` = the style's).
    role: Option<FontRole>,
}

/// An empty run with `look`'s properties.
fn styled_run(look: Look) -> Run {
    let mut r = Run::new();
    if look.strong {
        r = r.fonts(sans()).bold();
    } else if let Some(role) = look.role {
        r = r.fonts(role_fonts(role));
    }
    if let Some(pt) = look.size {
        r = r.size(half_points(pt));
    }
    if let Some(c) = look.color {
        r = r.color(c);
    }
    r
}

/// One run holding `text` literally: line feeds become `w:br`, tabs `w:tab`.
fn text_run(text: &str, look: Look) -> Run {
    let mut run = styled_run(look);
    for (i, line) in clean(text).split('\n').enumerate() {
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                run = run.add_tab();
            }
            if !piece.is_empty() {
                run = run.add_text(piece);
            }
        }
    }
    run
}

/// The runs of a paragraph of the tree.
fn add_runs(mut p: Paragraph, runs: &[TreeRun]) -> Paragraph {
    for r in runs {
        p = p.add_run(match r {
            TreeRun::Text(t) => text_run(t, Look::default()),
            TreeRun::Strong(t) => text_run(t, Look { strong: true, ..Look::default() }),
            TreeRun::Break => Run::new().add_break(BreakType::TextWrapping),
        });
    }
    p
}

/// A complex field inside `p`: begin, instruction, separate, the cached `result`, end.
fn field(p: Paragraph, instr: &str, result: &str, look: Look) -> Paragraph {
    let p = field_begin(p, instr, false, look);
    let p = if result.is_empty() { p } else { p.add_run(text_run(result, look)) };
    p.add_run(styled_run(look).add_field_char(FieldCharType::End, false))
}

/// The first half of a complex field: begin, instruction, separate. docx-rs writes the
/// instruction unescaped; ours are built here from fixed words and ASCII bookmark names,
/// never from data.
fn field_begin(p: Paragraph, instr: &str, dirty: bool, look: Look) -> Paragraph {
    p.add_run(styled_run(look).add_field_char(FieldCharType::Begin, dirty))
        .add_run(styled_run(look).add_instr_text(InstrText::Unsupported(instr.to_string())))
        .add_run(styled_run(look).add_field_char(FieldCharType::Separate, false))
}

// ---------------------------------------------------------------------------------------
// Styles
// ---------------------------------------------------------------------------------------

/// Latin face next to 宋体.
const LATIN_SERIF: &str = "Times New Roman";
/// Latin face next to 黑体.
const LATIN_SANS: &str = "Arial";

/// The fonts of a role: its office name for East Asian text ([`FontRole::docx_name`]),
/// Arial next to 黑体 and Times New Roman next to the others.
fn role_fonts(role: FontRole) -> RunFonts {
    let latin = if role == FontRole::Sans { LATIN_SANS } else { LATIN_SERIF };
    RunFonts::new().ascii(latin).hi_ansi(latin).cs(latin).east_asia(role.docx_name())
}

/// 黑体 for East Asian text (headings, strong text, titles).
fn sans() -> RunFonts {
    role_fonts(FontRole::Sans)
}

/// Points → half-points (`w:sz`).
fn half_points(pt: u8) -> usize {
    usize::from(pt) * 2
}

/// The first-line indent of body text in twips: [`Style::indent_chars`] characters of body
/// size (what applications without `w:firstLineChars` use).
fn first_line_twips(st: &Style) -> i32 {
    i32::from(st.indent_chars) * i32::from(st.body_pt) * 20
}

/// Exact line spacing for text of `pt` points: `pitch` times its size, as the PDF's text
/// edges make every line (see [`Style::line_spacing`]).
fn exact(pt: u8, pitch: f32) -> LineSpacing {
    LineSpacing::new().line(twentieths(f32::from(pt) * pitch) as i32).line_rule(LineSpacingType::Exact)
}

/// Points → twentieths of a point (twips), rounded.
fn twentieths(pt: f32) -> u32 {
    (pt * 20.0).round() as u32
}

/// Exact line spacing at the body pitch for text of `pt` points.
fn lines(st: &Style, pt: u8) -> LineSpacing {
    exact(pt, st.line_spacing)
}

/// Style ids of the paragraph styles.
mod ids {
    pub const NORMAL: &str = "Normal";
    pub const BODY: &str = "BodyText";
    pub const PLAIN: &str = "NoIndent";
    pub const TITLE: &str = "Title";
    pub const SUBTITLE: &str = "Subtitle";
    pub const CENTER: &str = "CoverLine";
    pub const CAPTION: &str = "FormCaption";
    pub const NOTE: &str = "TableNote";
    pub const TABLE_TEXT: &str = "TableText";
    pub const TOC_HEADING: &str = "TOCHeading";
}

/// Style id of a heading: built-in `HeadingN` (in the outline) or `MinorHeadingN` (same
/// look, no outline level of its own: each such paragraph gets one below every 目录 that
/// covers it, [`minor_outline_levels`]).
fn heading_style(level: u8, outline: bool) -> String {
    let level = level.clamp(1, 4);
    if outline {
        format!("Heading{level}")
    } else {
        format!("MinorHeading{level}")
    }
}

/// Style id of a 目录 entry.
fn toc_style(level: u8) -> String {
    format!("TOC{}", level.clamp(1, 4))
}

/// Style id of table text of `size` points: `TableText` at the body size, else
/// `TableTextN` (made by [`table_text_style`] for each size a table uses).
fn table_style(st: &Style, size: u8) -> String {
    if size == st.body_pt {
        ids::TABLE_TEXT.to_string()
    } else {
        format!("{}{size}", ids::TABLE_TEXT)
    }
}

/// 表格文字 of `size` points, based on 表格文字: editing the base style's font changes every table.
fn table_text_style(st: &Style, size: u8) -> DocxStyle {
    para_style(&table_style(st, size), &format!("表格文字 {size}磅"))
        .based_on(ids::TABLE_TEXT)
        .size(half_points(size))
        .line_spacing(exact(size, st.table_line_spacing))
}

/// A paragraph style based on Normal.
fn para_style(id: &str, name: &str) -> DocxStyle {
    DocxStyle::new(id, StyleType::Paragraph).name(name).based_on(ids::NORMAL)
}

/// A heading look: the level's font role (黑体 in the standard style), bold where the style
/// says, the level's size, space above and below, kept with the next paragraph.
fn heading_look(st: &Style, id: &str, name: &str, level: u8) -> DocxStyle {
    let i = usize::from(level.clamp(1, 4)) - 1;
    let pt = st.heading_pt[i];
    let size = f32::from(pt);
    let mut s = para_style(id, name).next(ids::BODY).fonts(role_fonts(st.heading_font[i]));
    if st.heading_bold[i] {
        s = s.bold();
    }
    let mut s = s.size(half_points(pt)).line_spacing(
        lines(st, pt).before(twentieths(size * st.heading_above)).after(twentieths(size * st.heading_below)),
    );
    s.paragraph_property = s.paragraph_property.keep_next(true).keep_lines(true);
    s
}

/// A centred 黑体 bold style of `pt` points (cover title and subtitle, 目录 title).
fn display_style(st: &Style, id: &str, name: &str, pt: u8) -> DocxStyle {
    para_style(id, name).fonts(sans()).bold().size(half_points(pt)).align(AlignmentType::Center).line_spacing(lines(st, pt))
}

/// The style of 目录 entries of `level`: indented two characters per level below the
/// first, level 1 in 黑体 bold (as in the PDF); a long entry's continuation lines indented
/// two characters more (a hanging indent), as in the PDF. The PDF also keeps the text clear
/// of a page-number column ([`Style::toc_number_em`]); the DOCX cannot: that needs a right
/// indent with the number at a tab past it, which LibreOffice does not draw in a document of
/// Word 2013's compatibility mode (the number vanishes), so the text runs to the right tab
/// on the margin as Word's own 目录 does.
fn toc_entry_style(st: &Style, level: u8) -> DocxStyle {
    let hanging = first_line_twips(st);
    let indent = i32::from(level.saturating_sub(1)) * first_line_twips(st) + hanging;
    let s = para_style(&toc_style(level), &format!("toc {level}"))
        .indent(Some(indent), Some(SpecialIndentType::Hanging(hanging)), None, None);
    if level == 1 {
        s.fonts(sans()).bold()
    } else {
        s
    }
}

/// Every style the document uses, from the shared style table. (docx-rs writes the
/// Normal style itself; the document defaults carry the body font, size and spacing.)
fn add_styles(mut d: Docx, st: &Style) -> Docx {
    let small = half_points(st.small_pt);
    let first_line = Some(SpecialIndentType::FirstLine(first_line_twips(st)));
    let toc_title_after = twentieths(f32::from(st.heading_pt[0]) * st.heading_below);
    let mut table_text = para_style(ids::TABLE_TEXT, "表格文字").line_spacing(exact(st.body_pt, st.table_line_spacing));
    if st.table_font != st.body_font {
        table_text = table_text.fonts(role_fonts(st.table_font));
    }
    let styles = [
        para_style(ids::BODY, "Body Text").align(AlignmentType::Both).indent(None, first_line, None, None),
        para_style(ids::PLAIN, "No Indent"),
        display_style(st, ids::TITLE, "Title", st.title_pt),
        display_style(st, ids::SUBTITLE, "Subtitle", st.subtitle_pt),
        para_style(ids::CENTER, "Cover Line")
            .size(half_points(st.cover_pt))
            .align(AlignmentType::Center)
            .line_spacing(lines(st, st.cover_pt)),
        para_style(ids::CAPTION, "Form Caption").size(small).line_spacing(lines(st, st.small_pt)),
        para_style(ids::NOTE, "Table Note").size(small).line_spacing(lines(st, st.small_pt)),
        table_text,
        display_style(st, ids::TOC_HEADING, "TOC Heading", st.heading_pt[0])
            .line_spacing(lines(st, st.heading_pt[0]).after(toc_title_after)),
    ];
    for s in styles {
        d = d.add_style(s);
    }
    for level in 1..=4u8 {
        let outline = heading_look(st, &heading_style(level, true), &format!("heading {level}"), level);
        let minor = heading_look(st, &heading_style(level, false), &format!("Minor Heading {level}"), level);
        d = d.add_style(outline.outline_lvl(usize::from(level) - 1)).add_style(minor).add_style(toc_entry_style(st, level));
    }
    let body = lines(st, st.body_pt).before(0).after(0);
    d.default_fonts(role_fonts(st.body_font)).default_size(half_points(st.body_pt)).default_line_spacing(body)
}

fn alignment(a: Align) -> AlignmentType {
    match a {
        Align::Left => AlignmentType::Left,
        Align::Center => AlignmentType::Center,
        Align::Right => AlignmentType::Right,
    }
}

// ---------------------------------------------------------------------------------------
// Blocks
// ---------------------------------------------------------------------------------------

/// Name of the bookmark on the outline heading at block `i` (target of the 目录 entry).
/// Names starting with `_` are hidden bookmarks in Word.
fn heading_bookmark(i: usize) -> String {
    format!("_Toc{i:08}")
}

/// Name of the bookmark spanning the scope of a scoped 目录: `r_<scope>` when the scope
/// id is a valid bookmark name (ASCII letters, digits, `_`; at most 40 characters in all),
/// else `rscope<n>` with `n` the scope's ordinal in the document (no clash: the first kind
/// has `_` second).
fn scope_bookmark(scope: &str, n: usize) -> String {
    let valid = !scope.is_empty() && scope.len() <= 38 && scope.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        format!("r_{scope}")
    } else {
        format!("rscope{n}")
    }
}

/// Bookmark ids (unique numbers in the document): blocks own ids by index.
fn bookmark_id(block: usize) -> usize {
    block + 1
}

/// The walk over the tree: a docx-rs document plus what the current position needs.
struct Writer<'a> {
    doc: &'a Document,
    /// The document's house style.
    st: &'static Style,
    out: Docx,
    /// Orientation of the current section.
    landscape: bool,
    /// Nothing has been written into the current section yet.
    section_empty: bool,
    /// A [`Block::PageBreak`] waits for the next paragraph (weak: never a blank page).
    page_break: bool,
    /// The last block written was a table (two tables in a row would merge).
    after_table: bool,
    /// Header rows of each table written, in document order (see [`repeat_header_rows`]).
    header_rows: Vec<usize>,
    /// Scope name → bookmark id of `<scope>-start` anchors seen and not yet closed.
    open_scopes: BTreeMap<String, usize>,
    /// Scopes whose bookmark has started (a second start anchor is ignored: bookmark names
    /// are unique).
    started: BTreeSet<String>,
    /// Scope name → ordinal (bookmark name) for every scope with a start anchor.
    scopes: BTreeMap<String, usize>,
    /// What the 目录 entries show as page numbers.
    pages: Pages,
    /// Still in the front matter: the document has a [`Block::MainMatter`] not yet reached.
    front: bool,
    /// The next section written starts the main matter (its page numbers start at 1).
    restart: bool,
    /// Font sizes of the tables written: each has its named 表格文字 style.
    table_sizes: BTreeSet<u8>,
    /// Outline level (0-based) of each heading kept out of the 目录s, by block index.
    minor_levels: BTreeMap<usize, usize>,
}

impl<'a> Writer<'a> {
    fn new(doc: &'a Document, pages: Pages) -> Self {
        let mut scopes = BTreeMap::new();
        for b in &doc.blocks {
            if let Block::Anchor { name } = b {
                if let Some(s) = name.strip_suffix("-start") {
                    let n = scopes.len() + 1;
                    scopes.entry(s.to_string()).or_insert(n);
                }
            }
        }
        Writer {
            doc,
            st: doc.meta.style(),
            out: add_styles(Docx::new(), doc.meta.style()),
            landscape: false,
            section_empty: true,
            page_break: false,
            after_table: false,
            header_rows: Vec::new(),
            open_scopes: BTreeMap::new(),
            started: BTreeSet::new(),
            scopes,
            pages,
            front: doc.blocks.iter().any(|b| matches!(b, Block::MainMatter)),
            restart: false,
            table_sizes: BTreeSet::new(),
            minor_levels: minor_outline_levels(doc),
        }
    }

    /// What the section being written shows.
    fn furniture(&self) -> Furniture {
        Furniture { draft: self.doc.meta.draft, footer: !self.front, restart: self.restart }
    }

    /// Ends the current section with a paragraph carrying its properties.
    fn end_section(&mut self) {
        let end = spacer().section_property(section(self.st, self.landscape, self.furniture()));
        self.page_break = false;
        self.push(end);
        self.section_empty = true;
        self.restart = false;
    }

    /// Writes block `i`.
    fn block(&mut self, i: usize, b: &Block) -> Result<(), DocxError> {
        match b {
            Block::Heading { level, text, outline, align } => self.heading(i, *level, text, *outline, *align),
            Block::Paragraph { style, align, runs } => self.paragraph(*style, *align, runs),
            Block::Table(t) => self.table(t)?,
            Block::PageBreak => self.page_break = !self.section_empty,
            Block::MainMatter => self.main_matter(),
            Block::Orientation { landscape } => self.orientation(*landscape),
            Block::Toc { title, depth, scope } => self.toc(title, *depth, scope.as_deref()),
            Block::Anchor { name } => self.anchor(i, name),
            Block::Spread { left, center, right } => self.spread(left, center, right),
            Block::Space { pt } => self.space(*pt),
        }
        Ok(())
    }

    /// Adds a paragraph, taking a pending page break.
    fn push(&mut self, mut p: Paragraph) {
        if std::mem::take(&mut self.page_break) {
            p = p.page_break_before(true);
        }
        self.out = std::mem::take(&mut self.out).add_paragraph(p);
        self.section_empty = false;
        self.after_table = false;
    }

    /// A caption line in three parts: a centre tab at half the text width and a right tab at
    /// its end, so the unit stays flush with the margin whatever the name's length.
    fn spread(&mut self, left: &str, center: &str, right: &str) {
        let w = text_width(self.st, self.landscape) as usize;
        let p = Paragraph::new()
            .style(ids::CAPTION)
            .add_tab(Tab::new().val(TabValueType::Center).pos(w / 2))
            .add_tab(Tab::new().val(TabValueType::Right).pos(w))
            .add_run(text_run(&format!("{left}\t{center}\t{right}"), Look::default()));
        self.push(p);
    }

    /// A heading. One that starts a page (after a page or section break) has no space
    /// above, as in the PDF, where space at the top of a page is dropped.
    fn heading(&mut self, i: usize, level: u8, text: &str, outline: bool, align: Align) {
        let mut p = Paragraph::new().style(&heading_style(level, outline));
        if let Some(&lvl) = self.minor_levels.get(&i) {
            p = p.outline_lvl(lvl);
        }
        if align != Align::Left {
            p = p.align(alignment(align));
        }
        if self.page_break || self.section_empty {
            p = p.line_spacing(LineSpacing::new().before(0));
        }
        let run = text_run(text, Look::default());
        p = if outline {
            let id = bookmark_id(i);
            p.add_bookmark_start(id, heading_bookmark(i)).add_run(run).add_bookmark_end(id)
        } else {
            p.add_run(run)
        };
        self.push(p);
    }

    /// A paragraph of the tree. Like the PDF, an explicit alignment on a body paragraph
    /// also drops its first-line indent.
    fn paragraph(&mut self, style: ParaStyle, align: Option<Align>, runs: &[TreeRun]) {
        let id = match style {
            ParaStyle::Body => ids::BODY,
            ParaStyle::Plain => ids::PLAIN,
            ParaStyle::Title => ids::TITLE,
            ParaStyle::Subtitle => ids::SUBTITLE,
            ParaStyle::Center => ids::CENTER,
            ParaStyle::Caption => ids::CAPTION,
            ParaStyle::Note => ids::NOTE,
        };
        // An aligned body paragraph is a no-indent one (overriding the style's indent in
        // characters would take `w:firstLineChars`, which docx-rs cannot write).
        let id = if style == ParaStyle::Body && align.is_some() { ids::PLAIN } else { id };
        let mut p = Paragraph::new().style(id);
        if let Some(a) = align {
            p = p.align(alignment(a));
        }
        self.push(add_runs(p, runs));
    }

    /// A table; a tiny paragraph keeps it apart from a table right before it and carries a
    /// pending page break (a table cannot).
    fn table(&mut self, t: &TreeTable) -> Result<(), DocxError> {
        if self.after_table || self.page_break {
            self.push(spacer());
        }
        let table = table(self.st, t, text_width(self.st, self.landscape))?;
        self.table_sizes.insert(t.font_size);
        self.header_rows.push(usize::from(t.header_rows).min(t.rows.len()));
        self.out = std::mem::take(&mut self.out).add_table(table);
        self.section_empty = false;
        self.after_table = true;
        Ok(())
    }

    /// Ends the current section (unless it is still empty: then it just turns) and starts
    /// one in the new orientation. A section break starts a page: pending breaks go.
    fn orientation(&mut self, landscape: bool) {
        if !self.section_empty {
            self.end_section();
        }
        self.page_break = false;
        self.landscape = landscape;
    }

    /// Ends the front matter's section (no footer) on its last page; the next section's
    /// page numbers start at 1. (Nothing before it: the whole document is main matter.)
    fn main_matter(&mut self) {
        if !self.front {
            return;
        }
        if !self.section_empty {
            self.end_section();
        }
        self.front = false;
        self.restart = true;
        self.page_break = false;
    }

    /// Vertical space: an empty paragraph exactly `pt` high.
    fn space(&mut self, pt: u16) {
        if pt == 0 {
            return;
        }
        let exact = LineSpacing::new().line(i32::from(pt) * 20).line_rule(LineSpacingType::Exact).before(0).after(0);
        self.push(Paragraph::new().style(ids::PLAIN).line_spacing(exact));
    }

    /// `<scope>-start` / `<scope>-end` anchors become the start and end of the bookmark a
    /// scoped 目录's `\b` switch names. Other anchors, and ends without a start, are
    /// dropped (nothing refers to them).
    fn anchor(&mut self, i: usize, name: &str) {
        if let Some(scope) = name.strip_suffix("-start") {
            if !self.started.insert(scope.to_string()) {
                return;
            }
            let id = bookmark_id(i);
            self.open_scopes.insert(scope.to_string(), id);
            self.out = std::mem::take(&mut self.out).add_bookmark_start(id, scope_bookmark(scope, self.scopes[scope]));
        } else if let Some(scope) = name.strip_suffix("-end") {
            if let Some(id) = self.open_scopes.remove(scope) {
                self.out = std::mem::take(&mut self.out).add_bookmark_end(id);
            }
        }
    }

    /// A 目录: a title paragraph, then a `TOC` field whose result already lists every entry.
    ///
    /// Scoped 目录s use the `\b` switch with a bookmark from `<scope>-start` to `<scope>-end`,
    /// rather than only pre-filling the scope's entries under a plain `\o`: with `\b` the
    /// field stays right when Word updates it (a plain `\o` would then list the whole
    /// booklet). The pre-filled entries are the same either way.
    fn toc(&mut self, title: &str, depth: u8, scope: Option<&str>) {
        let head = Paragraph::new().style(ids::TOC_HEADING).keep_next(true).add_run(text_run(title, Look::default()));
        self.push(head);
        let bookmark = scope.and_then(|s| self.scopes.get(s).map(|n| scope_bookmark(s, *n)));
        let instr = toc_instruction(depth, bookmark.as_deref());
        let entries = toc_entries(self.doc, depth, scope, &self.pages);
        // Without every page number, Word is asked to refresh the field when it opens the file.
        let dirty = entries.iter().any(|e| e.page.is_none());
        let tab =
            Tab::new().val(TabValueType::Right).leader(TabLeaderType::Dot).pos(text_width(self.st, self.landscape) as usize);
        if entries.is_empty() {
            let p = Paragraph::new().style(&toc_style(1));
            self.push(field(p, &instr, "", Look::default()));
            return;
        }
        let last = entries.len() - 1;
        for (k, e) in entries.into_iter().enumerate() {
            let mut p = Paragraph::new().style(&toc_style(e.level)).add_tab(tab.clone());
            if k == 0 {
                p = field_begin(p, &instr, dirty, Look::default());
            }
            p = p.add_hyperlink(toc_link(&e));
            if k == last {
                p = p.add_run(Run::new().add_field_char(FieldCharType::End, false));
            }
            self.push(p);
        }
    }

    /// The document-level section (the last one), header and footer; closes scopes left
    /// open.
    fn finish_docx(mut self) -> Docx {
        let open: Vec<usize> = self.open_scopes.values().copied().collect();
        for id in open {
            self.out = self.out.add_bookmark_end(id);
        }
        let st = self.st;
        let (w, h) = page_size(st, self.landscape);
        // Header and footer first: the section references above assume `rIdHeader1` and
        // `rIdFooter1`.
        let mut d = self.out;
        for &size in self.table_sizes.iter().filter(|&&s| s != st.body_pt) {
            d = d.add_style(table_text_style(st, size));
        }
        // Registered in the order the section references count on: default header and
        // footer first (`rIdHeader1`, `rIdFooter1`), the even pages' second.
        if self.doc.meta.draft {
            d = d.header(draft_header(st));
        }
        d = d.footer(page_footer(st, true));
        if odd_and_even(st) {
            if self.doc.meta.draft {
                d = d.even_header(draft_header(st));
            }
            d = d.even_footer(page_footer(st, false));
        }
        d = d.page_size(w, h).page_margin(page_margin(st, self.landscape));
        if self.landscape {
            d = d.page_orient(PageOrientationType::Landscape);
        }
        if self.restart {
            d = d.page_num_type(PageNumType::new().start(1));
        }
        d
    }
}

/// The outline level (0-based, as `w:outlineLvl`) of every heading kept out of the 目录s
/// (`outline: false`), by block index: its own level when that is deeper than every 目录
/// covering it lists (a `（一）` of 情况说明, level 3, under the booklet's 目录 of levels 1–2),
/// else one deeper than the deepest such 目录 (a report's `1.`, level 4, under the report's
/// 目录 of levels 1–4, becomes 5). So Word's navigation pane shows every heading, nested
/// under the one before it, while a `TOC \o "1-N" \u` field that Word updates lists what the
/// PDF's 目录 lists.
fn minor_outline_levels(doc: &Document) -> BTreeMap<usize, usize> {
    let anchor = |name: String| doc.blocks.iter().position(|b| matches!(b, Block::Anchor { name: n } if *n == name));
    // The deepest 目录 level covering each block.
    let mut cover = vec![0u8; doc.blocks.len()];
    for b in &doc.blocks {
        let Block::Toc { depth, scope, .. } = b else { continue };
        let range = match scope {
            None => 0..doc.blocks.len(),
            Some(s) => {
                let Some(start) = anchor(format!("{s}-start")) else { continue };
                let end = anchor(format!("{s}-end")).filter(|e| *e > start).unwrap_or(doc.blocks.len());
                start..end
            }
        };
        for c in &mut cover[range] {
            *c = (*c).max(*depth);
        }
    }
    doc.blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b {
            Block::Heading { level, outline: false, .. } => {
                let level = if *level > cover[i] { *level } else { cover[i] + 1 };
                Some((i, usize::from(level.clamp(1, 9)) - 1))
            }
            _ => None,
        })
        .collect()
}

/// A tiny empty paragraph (1 pt): separates tables, carries section ends and page breaks.
fn spacer() -> Paragraph {
    let exact = LineSpacing::new().line(20).line_rule(LineSpacingType::Exact).before(0).after(0);
    Paragraph::new().style(ids::PLAIN).line_spacing(exact).size(2)
}

/// The `TOC` field instruction: outline levels `1-depth`, hyperlinks, no page numbers in
/// web view, outline levels of paragraphs too; `\b` limits it to a bookmark.
fn toc_instruction(depth: u8, bookmark: Option<&str>) -> String {
    let depth = depth.clamp(1, 9);
    match bookmark {
        Some(b) => format!(" TOC \\o \"1-{depth}\" \\b {b} \\h \\z \\u "),
        None => format!(" TOC \\o \"1-{depth}\" \\h \\z \\u "),
    }
}

/// One entry of a 目录.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TocEntry {
    level: u8,
    text: String,
    /// Bookmark on the heading.
    bookmark: String,
    /// The page number to show, when known.
    page: Option<String>,
}

/// The entries of a 目录 ([`Document::toc_lines`]) with their bookmarks and page numbers.
fn toc_entries(doc: &Document, depth: u8, scope: Option<&str>, pages: &Pages) -> Vec<TocEntry> {
    doc.toc_lines(depth, scope)
        .into_iter()
        .map(|l| TocEntry {
            level: l.level,
            text: l.text.to_string(),
            bookmark: heading_bookmark(l.block),
            page: match pages {
                Pages::Unknown => None,
                Pages::Known(p) => p.get(&l.block).map(u32::to_string),
                Pages::Later => Some(PENDING_PAGE.to_string()),
            },
        })
        .collect()
}

/// An entry as Word writes it: a hyperlink to the heading holding the text, a tab (dot
/// leader) and a `PAGEREF` field whose cached result is the page number when known (else
/// left for the application: Word fills it in when it updates the dirty field).
fn toc_link(e: &TocEntry) -> Hyperlink {
    let page = e.page.as_deref().unwrap_or_default();
    let p = field(Paragraph::new(), &format!(" PAGEREF {} \\h ", e.bookmark), page, Look::default());
    let mut link = Hyperlink::new(&e.bookmark, HyperlinkType::Anchor)
        .add_run(text_run(&e.text, Look::default()))
        .add_run(Run::new().add_tab());
    for child in p.children {
        if let docx_rs::ParagraphChild::Run(r) = child {
            link = link.add_run(*r);
        }
    }
    link
}

// ---------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------

/// Border of every cell: single line, [`Style::table_rule_pt`] wide (`w:sz` is in eighths of a
/// point).
fn borders(st: &Style) -> TableBorders {
    let eighths = (st.table_rule_pt * 8.0).round() as usize;
    let line = |p| TableBorder::new(p).border_type(BorderType::Single).size(eighths).color("000000");
    TableBorders::with_empty()
        .set(line(TableBorderPosition::Top))
        .set(line(TableBorderPosition::Left))
        .set(line(TableBorderPosition::Bottom))
        .set(line(TableBorderPosition::Right))
        .set(line(TableBorderPosition::InsideH))
        .set(line(TableBorderPosition::InsideV))
}

/// Column widths in twips: `widths` scaled to `total`; the last column takes the rounding
/// rest so the grid is exactly as wide as the text.
fn grid(widths: &[u16], total: u32) -> Vec<usize> {
    let sum: u32 = widths.iter().map(|w| u32::from(*w)).sum();
    let n = widths.len() as u32;
    let mut cols: Vec<usize> =
        widths.iter().map(|w| (u32::from(*w) * total).checked_div(sum).unwrap_or(total / n.max(1)) as usize).collect();
    let used: usize = cols.iter().sum();
    if let Some(last) = cols.last_mut() {
        *last += total as usize - used;
    }
    cols
}

/// A slot of the grid in one row.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Slot<'c> {
    /// A cell starting here, spanning `cols` grid columns.
    Start { cell: &'c Cell, cols: usize },
    /// Covered by a row span from above (`cols` wide, like the cell that started it; `keep`:
    /// the span keeps its rows on one page, [`Cell::breakable`]).
    Continue { cols: usize, keep: bool },
    /// Nothing given for this column (a short row).
    Empty,
}

/// The grid rows of a table. The tree lists only the cells that start in a row; OOXML wants
/// every grid position, so positions covered by a row span from above become
/// [`Slot::Continue`] (written as `vMerge` continuation cells).
fn slots(t: &TreeTable) -> Result<Vec<Vec<Slot<'_>>>, DocxError> {
    let ncols = t.widths.len();
    // For each grid column: rows still covered from above, and the width of that span.
    let mut covered = vec![(0u16, 0usize, true); ncols];
    let mut rows = Vec::with_capacity(t.rows.len());
    for (r, row) in t.rows.iter().enumerate() {
        let mut out = Vec::new();
        let mut cells = row.iter();
        let mut col = 0;
        while col < ncols {
            let (left, cols, keep) = covered[col];
            if left > 0 {
                covered[col].0 -= 1;
                out.push(Slot::Continue { cols, keep });
                col += cols;
                continue;
            }
            match cells.next() {
                Some(cell) => {
                    let cols = usize::from(cell.colspan.max(1));
                    if col + cols > ncols {
                        return Err(DocxError(format!("table row {}: a cell spans past the {ncols} columns", r + 1)));
                    }
                    if cell.rowspan > 1 {
                        covered[col] = (cell.rowspan - 1, cols, !cell.breakable);
                    }
                    out.push(Slot::Start { cell, cols });
                    col += cols;
                }
                None => {
                    out.push(Slot::Empty);
                    col += 1;
                }
            }
        }
        if cells.next().is_some() {
            return Err(DocxError(format!("table row {}: more cells than the {ncols} columns", r + 1)));
        }
        rows.push(out);
    }
    Ok(rows)
}

/// A table as the forms draw it, `width` twips wide.
fn table(st: &Style, t: &TreeTable, width: u32) -> Result<Table, DocxError> {
    if t.widths.is_empty() {
        return Err(DocxError("a table without columns".into()));
    }
    let cols = grid(&t.widths, width);
    let grid_rows = slots(t)?;
    // A row stays on the page of the next one when it is a header row (no header alone at
    // the foot of a page), a row span goes on into the next row (as the PDF keeps merged
    // cells whole, unless the cell may break), or the table is small enough to be kept whole
    // ([`Style::whole_table_rows`]): Word and LibreOffice keep rows together through
    // `keepNext` on their paragraphs.
    let header_rows = usize::from(t.header_rows);
    // A row with a cell too long for a page may break, and its table is not kept whole.
    let long: Vec<bool> = (0..grid_rows.len()).map(|r| t.rows.get(r).is_some_and(|row| row.iter().any(Cell::is_long))).collect();
    let whole = grid_rows.len() <= st.whole_table_rows && !long.contains(&true);
    let keep: Vec<bool> = (0..grid_rows.len())
        .map(|r| {
            let spanned =
                grid_rows.get(r + 1).is_some_and(|next| next.iter().any(|s| matches!(s, Slot::Continue { keep: true, .. })));
            r + 1 < grid_rows.len() && (whole || r < header_rows || spanned)
        })
        .collect();
    let rows = grid_rows
        .into_iter()
        .zip(keep)
        .zip(long)
        .map(|((row, keep), long)| {
            let mut col = 0;
            let cells = row
                .into_iter()
                .map(|slot| {
                    let n = match &slot {
                        Slot::Start { cols, .. } | Slot::Continue { cols, .. } => *cols,
                        Slot::Empty => 1,
                    };
                    let w = cols[col..col + n].iter().sum();
                    col += n;
                    table_cell(st, &slot, w, t.font_size, keep)
                })
                .collect();
            // Rows never break across pages (as in the PDF), unless too long for one; header rows are marked to
            // repeat by [`repeat_header_rows`].
            let row = TableRow::new(cells);
            if long {
                row
            } else {
                row.cant_split()
            }
        })
        .collect();
    // Cell padding as in the PDF; top and bottom less half a rule, which LibreOffice and
    // Word add to every row (see [`Style::table_rule_pt`]).
    let x = twentieths(st.cell_inset_x_pt) as usize;
    let y = twentieths(st.cell_inset_y_pt - st.table_rule_pt / 2.0) as usize;
    Ok(Table::new(rows)
        .set_grid(cols)
        .layout(TableLayoutType::Fixed)
        .width(width as usize, WidthType::Dxa)
        .set_borders(borders(st))
        .margins(TableCellMargins::new().margin(y, x, y, x)))
}

/// One grid cell `width` twips wide; `keep_next` keeps its row with the next one.
fn table_cell(st: &Style, slot: &Slot<'_>, width: usize, size: u8, keep_next: bool) -> TableCell {
    // Size and line pitch come from the named style of the table's size, not the runs.
    let look = Look::default();
    let base = |cols: usize| {
        let c = TableCell::new().width(width, WidthType::Dxa).vertical_align(VAlignType::Center);
        if cols > 1 {
            c.grid_span(cols)
        } else {
            c
        }
    };
    let empty = || {
        let p = Paragraph::new().style(&table_style(st, size));
        if keep_next {
            p.keep_next(true)
        } else {
            p
        }
    };
    match slot {
        Slot::Start { cell, cols } => {
            let look = Look { strong: cell.strong, ..look };
            let p = empty().align(alignment(cell.align)).add_run(text_run(&cell.text, look));
            let c = base(*cols).add_paragraph(p);
            if cell.rowspan > 1 {
                c.vertical_merge(VMergeType::Restart)
            } else {
                c
            }
        }
        Slot::Continue { cols, .. } => base(*cols).vertical_merge(VMergeType::Continue).add_paragraph(empty()),
        Slot::Empty => base(1).add_paragraph(empty()),
    }
}

// ---------------------------------------------------------------------------------------
// Header and footer
// ---------------------------------------------------------------------------------------

/// The footer of every section: the page number, centred, or (GB/T 9704) "— N —" at the
/// outer edge one character in: the default footer (`odd`) right, the even pages' left.
fn page_footer(st: &Style, odd: bool) -> Footer {
    let mut look = Look { size: Some(st.page_number_pt), ..Look::default() };
    let p = Paragraph::new().style(ids::PLAIN);
    let p = match st.page_number {
        PageNumber::Centered => field(p.align(AlignmentType::Center), " PAGE ", "1", look),
        PageNumber::OuterDashes => {
            look.role = Some(FontRole::Serif);
            let indent = Some(i32::from(st.page_number_pt) * 20);
            let p = if odd {
                p.align(AlignmentType::Right).indent(None, None, indent, None)
            } else {
                p.align(AlignmentType::Left).indent(indent, None, None, None)
            };
            let p = p.add_run(text_run("— ", look));
            field(p, " PAGE ", "1", look).add_run(text_run(" —", look))
        }
    };
    Footer::new().add_paragraph(p)
}

/// The header of every section of a draft: the 仅供内部审核 mark in light grey.
fn draft_header(st: &Style) -> Header {
    let look = Look { strong: true, size: Some(st.small_pt + 2), color: Some("A6A6A6"), role: None };
    let p = Paragraph::new().style(ids::PLAIN).align(AlignmentType::Center).add_run(text_run(DRAFT_MARK, look));
    Header::new().add_paragraph(p)
}

// ---------------------------------------------------------------------------------------
// Finishing the XML parts (workarounds for docx-rs 0.4.22)
// ---------------------------------------------------------------------------------------

/// Applies every workaround to the parts docx-rs built:
///
/// * [`schema_order`] — docx-rs writes the children of several property elements out of
///   the order the schema demands;
/// * [`grid_col_width_only`] — it writes an attribute `w:gridCol` does not have;
/// * [`repeat_header_rows`] — it has no setter for `w:tblHeader`;
/// * [`without_empty`] — it writes an empty `w:rPr` into the `w:pPr` of styles, where the
///   schema has none;
/// * [`default_paragraph_style`] — it cannot mark Normal as the default style;
/// * [`paragraph_defaults`] — it cannot set widow control or turn off the automatic space
///   between Chinese and Latin text in the document defaults;
/// * [`first_line_chars`] — it drops `w:firstLineChars` when it writes `w:ind`;
/// * [`renumber_para_ids`] — its paragraph ids come from a per-thread counter, so a second
///   build in the same thread would differ;
/// * [`core_xml`] — it cannot set title, author or language, and writes 1970 dates;
/// * [`FONT_TABLE`] — its font table lacks 宋体 and 黑体 (Word then has no hint to
///   substitute SimSun/SimHei where the Chinese names are unknown).
///
/// [`pack`] adds the theme part and leaves out parts nothing refers to.
/// (Sections keep their footer because [`section`] writes the references itself rather
/// than through docx-rs's `Section`, which drops a footer given together with a header.)
/// The document's languages (`w:lang` in the run defaults, which every style and run
/// inherits): Chinese text is zh-CN (`w:eastAsia`: spelling, line breaking and fonts for
/// zh-CN in Word and WPS), Latin text — digits, `,` `.` `%` — en-US (`w:val`), as Word
/// itself writes for a Chinese document. With `w:val="zh-CN"` LibreOffice breaks lines by
/// the Chinese rules inside Latin runs too, between any two digits ("24,5|56.69",
/// "29.39|%"); an en-US run keeps a number whole. It is the last child the defaults have
/// here, so it goes right before their end, in schema order.
fn default_language(styles: &str) -> String {
    const END: &str = "</w:rPr></w:rPrDefault>";
    match styles.find(END) {
        Some(i) => format!("{}<w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" />{}", &styles[..i], &styles[i..]),
        None => styles.to_string(),
    }
}

fn finish(mut x: XMLDocx, meta: &Meta, header_rows: &[usize]) -> XMLDocx {
    let document = schema_order(&utf8(&x.document));
    let document = repeat_header_rows(&grid_col_width_only(&document), header_rows);
    // Paragraph ids count on through the parts: unique in the whole document.
    let mut para_id = 0;
    x.document = renumber_para_ids(&document, &mut para_id).into_bytes();
    let styles = without_empty(&schema_order(&paragraph_defaults(&utf8(&x.styles))), "w:pPr", "w:rPr");
    let styles = default_language(&default_paragraph_style(&styles, ids::NORMAL));
    x.styles = first_line_chars(&styles, ids::BODY, u16::from(meta.style().indent_chars) * 100).into_bytes();
    x.font_table = font_table(meta.style()).into_bytes();
    x.settings = schema_order(&utf8(&x.settings)).into_bytes();
    for part in x.headers.iter_mut().chain(x.footers.iter_mut()) {
        *part = renumber_para_ids(&schema_order(&utf8(part)), &mut para_id).into_bytes();
    }
    x.doc_props.core = core_xml(meta).into_bytes();
    x
}

fn utf8(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Schema order (ECMA-376 transitional) of the children of the property elements docx-rs
/// writes; names are without the `w:` prefix. Choice groups share one rank.
#[rustfmt::skip]
const ORDERS: &[(&str, &[&str])] = &[
    ("w:pPr", &[
        "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
        "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
        "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
        "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
        "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
    ]),
    ("w:rPr", &[
        "ins", "del", "moveFrom", "moveTo", "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps",
        "strike", "dstrike", "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish",
        "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr",
        "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath",
        "rPrChange",
    ]),
    ("w:sectPr", &[
        "headerReference|footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc",
        "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote", "titlePg",
        "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange",
    ]),
    ("w:style", &[
        "name", "aliases", "basedOn", "next", "link", "autoRedefine", "hidden", "uiPriority", "semiHidden",
        "unhideWhenUsed", "qFormat", "locked", "personal", "personalCompose", "personalReply", "rsid", "pPr",
        "rPr", "tblPr", "trPr", "tcPr", "tblStylePr",
    ]),
    ("w:tblPr", &[
        "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW",
        "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
        "tblCaption", "tblDescription", "tblPrChange",
    ]),
    // The subset of CT_Settings that docx-rs writes (it puts `defaultTabStop` first).
    // (`embedTrueTypeFonts`: `crate::write::docx_fonts`.)
    ("w:settings", &["zoom", "embedTrueTypeFonts", "defaultTabStop", "evenAndOddHeaders", "compat", "docVars"]),
];

/// Workaround: docx-rs writes the children of `w:pPr` (its `w:rPr` first), `w:rPr`
/// (`w:sz` before `w:b` before `w:rFonts`), `w:sectPr` (references last), `w:style`
/// (`w:pPr` after `w:rPr`), `w:tblPr` (`w:tblLayout` early) and `w:settings`
/// (`w:defaultTabStop` before `w:zoom`) in its own order, which the schema (and Word)
/// reject. Every such element's children are sorted, stably, by [`ORDERS`];
/// children of other namespaces (`w14:`, `w15:` …) and unknown names go last.
pub fn schema_order(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    match ordered_content(xml, 0, &mut out) {
        Some(_) => out,
        // Not XML as docx-rs writes it: left as it is.
        None => xml.to_string(),
    }
}

/// Copies the content of an element from `pos` to `out`, up to and including the end tag
/// that closes it (or to the end of `xml` at the top level), each element through
/// [`ordered_element`]. Returns where it stopped; `None` for a tag that does not end.
fn ordered_content(xml: &str, mut pos: usize, out: &mut String) -> Option<usize> {
    loop {
        let Some(rel) = xml[pos..].find('<') else {
            out.push_str(&xml[pos..]);
            return Some(xml.len());
        };
        out.push_str(&xml[pos..pos + rel]);
        pos += rel;
        if xml[pos..].starts_with("</") {
            let end = tag_end(xml, pos)?;
            out.push_str(&xml[pos..end]);
            return Some(end);
        }
        pos = ordered_element(xml, pos, out)?;
    }
}

/// Copies the element starting at `start` to `out`, with the children of every element
/// named in [`ORDERS`] sorted, stably, by its order (in one pass over the part, however
/// deep the elements nest). Text among such children leaves them as they are. Returns the
/// end of the element.
fn ordered_element(xml: &str, start: usize, out: &mut String) -> Option<usize> {
    let open_end = tag_end(xml, start)?;
    let open = &xml[start..open_end];
    out.push_str(open);
    if open.ends_with("/>") || open.starts_with("<?") || open.starts_with("<!") {
        return Some(open_end);
    }
    let name = tag_name(xml, start);
    let Some((_, order)) = ORDERS.iter().find(|(parent, _)| *parent == name) else {
        return ordered_content(xml, open_end, out);
    };
    // The children as (rank, start, end) in `out`; text has no rank.
    let base = out.len();
    let mut kids: Vec<Kid> = Vec::new();
    let mut pos = open_end;
    loop {
        let rel = xml[pos..].find('<')?;
        if rel > 0 {
            out.push_str(&xml[pos..pos + rel]);
            kids.push((None, out.len() - rel, out.len()));
            pos += rel;
        }
        if xml[pos..].starts_with("</") {
            let end = tag_end(xml, pos)?;
            sort_kids(out, base, &kids);
            out.push_str(&xml[pos..end]);
            return Some(end);
        }
        let from = out.len();
        let rank = schema_rank(tag_name(xml, pos), order);
        pos = ordered_element(xml, pos, out)?;
        kids.push((Some(rank), from, out.len()));
    }
}

/// Rank of element `name` in `order`: names outside `w:` and unknown names go last.
fn schema_rank(name: &str, order: &[&str]) -> usize {
    let local = name.strip_prefix("w:");
    local.and_then(|l| order.iter().position(|o| o.split('|').any(|n| n == l))).unwrap_or(order.len())
}

/// A child written to `out` by [`ordered_element`]: its schema rank (`None`: text) and its
/// place in `out`.
type Kid = (Option<usize>, usize, usize);

/// Puts the children written to `out` from `base` on (`kids`) in rank order, dropping the
/// blank text between them; any other text leaves them unsorted.
fn sort_kids(out: &mut String, base: usize, kids: &[Kid]) {
    if kids.iter().any(|k| k.0.is_none() && !out[k.1..k.2].trim().is_empty()) {
        return;
    }
    let mut sorted: Vec<&Kid> = kids.iter().filter(|k| k.0.is_some()).collect();
    if sorted.len() == kids.len() && sorted.is_sorted_by_key(|k| k.0) {
        return;
    }
    sorted.sort_by_key(|k| k.0);
    let children: String = sorted.iter().map(|k| &out[k.1..k.2]).collect();
    out.truncate(base);
    out.push_str(&children);
}

/// Position of the next start tag named `name` at or after `from`.
fn find_tag(xml: &str, name: &str, from: usize) -> Option<usize> {
    let open = format!("<{name}");
    let mut pos = from;
    while let Some(rel) = xml[pos..].find(&open) {
        let at = pos + rel;
        match xml[at + open.len()..].chars().next() {
            Some(' ' | '>' | '/') => return Some(at),
            _ => pos = at + open.len(),
        }
    }
    None
}

/// The element name of the tag at `start` (`<w:sz …` → `w:sz`).
fn tag_name(xml: &str, start: usize) -> &str {
    let rest = &xml[start + 1..];
    let end = rest.find([' ', '/', '>']).unwrap_or(rest.len());
    &rest[..end]
}

/// End (exclusive) of the tag starting at `start`, quotes respected.
fn tag_end(xml: &str, start: usize) -> Option<usize> {
    let mut quote = None;
    for (i, c) in xml[start..].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(start + i + 1),
            _ => {}
        }
    }
    None
}

/// End (exclusive) of the element whose start tag is at `start`. Text never holds a raw
/// `<` (docx-rs escapes it), so every `<` opens a tag.
fn element_end(xml: &str, start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut pos = start;
    loop {
        let end = tag_end(xml, pos)?;
        let tag = &xml[pos..end];
        if tag.starts_with("</") {
            depth = depth.checked_sub(1)?;
        } else if !tag.ends_with("/>") && !tag.starts_with("<?") {
            depth += 1;
        }
        if depth == 0 {
            return Some(end);
        }
        pos = end + xml[end..].find('<')?;
    }
}

/// Workaround: removes the empty `child` elements (`<w:rPr />`) directly inside every
/// `parent` element: docx-rs writes one into each style's `w:pPr` (`CT_PPrGeneral`, which
/// has no run properties).
pub fn without_empty(xml: &str, parent: &str, child: &str) -> String {
    let empty = [format!("<{child} />"), format!("<{child}/>")];
    let mut out = String::with_capacity(xml.len());
    let mut pos = 0;
    while let Some(start) = find_tag(xml, parent, pos) {
        let (Some(open_end), Some(end)) = (tag_end(xml, start), element_end(xml, start)) else { break };
        out.push_str(&xml[pos..open_end]);
        let mut at = open_end;
        while at < end {
            let Some(kid_end) = element_end(xml, at).filter(|e| *e <= end && xml[at..].starts_with('<')) else {
                out.push_str(&xml[at..end]);
                break;
            };
            let kid = &xml[at..kid_end];
            if !kid.starts_with("</") && !empty.iter().any(|e| e == kid) {
                out.push_str(kid);
            }
            if kid.starts_with("</") {
                out.push_str(kid);
            }
            at = kid_end;
        }
        pos = end;
    }
    out.push_str(&xml[pos..]);
    out
}

/// The font table: the Latin faces and the two Chinese roles with their English names,
/// GB2312 character set and PANOSE numbers, as Word writes them.
pub const FONT_TABLE: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    r#"<w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304" /><w:charset w:val="00" /><w:family w:val="roman" /><w:pitch w:val="variable" /></w:font>"#,
    r#"<w:font w:name="Arial"><w:panose1 w:val="020B0604020202020204" /><w:charset w:val="00" /><w:family w:val="swiss" /><w:pitch w:val="variable" /></w:font>"#,
    r#"<w:font w:name="宋体"><w:altName w:val="SimSun" /><w:panose1 w:val="02010600030101010101" /><w:charset w:val="86" /><w:family w:val="auto" /><w:pitch w:val="variable" /></w:font>"#,
    r#"<w:font w:name="黑体"><w:altName w:val="SimHei" /><w:panose1 w:val="02010609060101010101" /><w:charset w:val="86" /><w:family w:val="modern" /><w:pitch w:val="fixed" /></w:font>"#,
    r#"</w:fonts>"#
);

/// The 仿宋 and 楷体 entries of the font table (GB2312 character set, PANOSE as Word writes
/// them for FangSong and KaiTi).
const FONT_TABLE_FANG_KAI: &str = concat!(
    r#"<w:font w:name="仿宋"><w:altName w:val="FangSong" /><w:panose1 w:val="02010609060101010101" /><w:charset w:val="86" /><w:family w:val="modern" /><w:pitch w:val="fixed" /></w:font>"#,
    r#"<w:font w:name="楷体"><w:altName w:val="KaiTi" /><w:panose1 w:val="02010609060101010101" /><w:charset w:val="86" /><w:family w:val="modern" /><w:pitch w:val="fixed" /></w:font>"#,
);

/// The font table of a document in house style `st`: [`FONT_TABLE`], with 仿宋 and 楷体
/// where the style uses them.
fn font_table(st: &Style) -> String {
    let uses = |r: FontRole| st.body_font == r || st.table_font == r || st.heading_font.contains(&r);
    if uses(FontRole::Fang) || uses(FontRole::Kai) {
        FONT_TABLE.replacen("</w:fonts>", &format!("{FONT_TABLE_FANG_KAI}</w:fonts>"), 1)
    } else {
        FONT_TABLE.to_string()
    }
}

/// Workaround: docx-rs writes `w:type="dxa"` on `w:gridCol`, which has only `w:w`.
pub fn grid_col_width_only(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut pos = 0;
    while let Some(start) = find_tag(xml, "w:gridCol", pos) {
        let Some(end) = tag_end(xml, start) else { break };
        out.push_str(&xml[pos..start]);
        out.push_str(&xml[start..end].replace(" w:type=\"dxa\"", ""));
        pos = end;
    }
    out.push_str(&xml[pos..]);
    out
}

/// Workaround: docx-rs has no setter for `w:tblHeader`. The first `header_rows[k]` rows of
/// the k-th table of the body get one in their `w:trPr` (whose children form a choice
/// group, so any position is valid). Tables are not nested here.
pub fn repeat_header_rows(xml: &str, header_rows: &[usize]) -> String {
    let mut out = String::with_capacity(xml.len() + 64 * header_rows.len());
    let mut pos = 0;
    for &n in header_rows {
        let Some(table) = find_tag(xml, "w:tbl", pos) else { break };
        let Some(open_end) = tag_end(xml, table) else { break };
        out.push_str(&xml[pos..open_end]);
        pos = open_end;
        for _ in 0..n {
            let Some(tr) = find_tag(xml, "w:trPr", pos) else { break };
            let Some(end) = tag_end(xml, tr) else { break };
            out.push_str(&xml[pos..tr]);
            let open = &xml[tr..end];
            match open.strip_suffix("/>") {
                Some(bare) => out.push_str(&format!("{}><w:tblHeader /></w:trPr>", bare.trim_end())),
                None => out.push_str(&format!("{open}<w:tblHeader />")),
            }
            pos = end;
        }
    }
    out.push_str(&xml[pos..]);
    out
}

/// Workaround: docx-rs's document defaults can hold only spacing. Every paragraph gets widow
/// control (Typst, too, avoids widows and orphans), no punctuation hanging into the right
/// margin (`overflowPunct` off; the PDF has `overhang: false`), and no automatic space
/// between Chinese and Latin text or digits (`autoSpaceDE`/`autoSpaceDN`), which the PDF
/// does not add either (`cjk-latin-spacing: none`): lines then break alike. Sorted by
/// [`schema_order`].
pub fn paragraph_defaults(styles: &str) -> String {
    const KEY: &str = "<w:pPrDefault><w:pPr>";
    styles.replacen(
        KEY,
        &format!(
            r#"{KEY}<w:widowControl /><w:overflowPunct w:val="0" /><w:autoSpaceDE w:val="0" /><w:autoSpaceDN w:val="0" />"#
        ),
        1,
    )
}

/// Workaround: docx-rs cannot set `w:default="1"`, so Word would not know Normal is the
/// default paragraph style (python-docx, too, finds no style for paragraphs without one).
pub fn default_paragraph_style(styles: &str, id: &str) -> String {
    let plain = format!("<w:style w:type=\"paragraph\" w:styleId=\"{id}\"");
    let marked = format!("<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"{id}\"");
    styles.replacen(&plain, &marked, 1)
}

/// Workaround: docx-rs keeps but never writes `w:firstLineChars` (its `w:ind` writer has
/// no such attribute). The `w:ind` of style `id` gets it, in hundredths of a character,
/// next to the `w:firstLine` in twips that applications without it fall back to.
pub fn first_line_chars(styles: &str, id: &str, hundredths: u16) -> String {
    let Some(start) = styles.find(&format!("w:styleId=\"{id}\"")) else { return styles.to_string() };
    let end = styles[start..].find("</w:style>").map_or(styles.len(), |e| start + e);
    let Some(ind) = find_tag(&styles[..end], "w:ind", start) else { return styles.to_string() };
    let at = ind + "<w:ind".len();
    format!("{} w:firstLineChars=\"{hundredths}\"{}", &styles[..at], &styles[at..])
}

/// Workaround: docx-rs numbers `w14:paraId` from a per-thread counter that only grows, so
/// the same document built twice in one process differed. Ids are renumbered in document
/// order, counting on from `last` (updated), which keeps them unique across the parts and
/// far below the limit of 0x80000000.
pub fn renumber_para_ids(xml: &str, last: &mut u32) -> String {
    const KEY: &str = "w14:paraId=\"";
    let mut out = String::with_capacity(xml.len());
    let mut pos = 0;
    while let Some(rel) = xml[pos..].find(KEY) {
        let value = pos + rel + KEY.len();
        let Some(len) = xml[value..].find('"') else { break };
        *last += 1;
        out.push_str(&xml[pos..value]);
        out.push_str(&format!("{:08X}", *last));
        pos = value + len;
    }
    out.push_str(&xml[pos..]);
    out
}

/// Escapes text for XML content and attribute values.
fn escape(text: &str) -> String {
    clean(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// Workaround: docx-rs's `docProps/core.xml` can hold only dates (1970 when none are given)
/// and writes "unknown" as the author. Ours: title, author (the department), language, and
/// dates only when the data has one (`Meta::date`, never the clock).
pub fn core_xml(meta: &Meta) -> String {
    let mut s = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
        r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
        r#"xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
    ));
    s.push_str(&format!("<dc:title>{}</dc:title>", escape(&meta.title)));
    s.push_str(&format!("<dc:creator>{}</dc:creator>", escape(&meta.author)));
    s.push_str(&format!("<cp:lastModifiedBy>{}</cp:lastModifiedBy>", escape(&meta.author)));
    s.push_str(&format!("<dc:language>{}</dc:language>", escape(&meta.lang)));
    if let Some(date) = meta.date.as_deref().filter(|d| is_ymd(d)) {
        for el in ["dcterms:created", "dcterms:modified"] {
            s.push_str(&format!("<{el} xsi:type=\"dcterms:W3CDTF\">{date}T00:00:00Z</{el}>"));
        }
    }
    s.push_str("</cp:coreProperties>");
    s
}

/// `YYYY-MM-DD`?
fn is_ymd(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

// ---------------------------------------------------------------------------------------
// Packaging
// ---------------------------------------------------------------------------------------

/// A minimal theme: Office colours, 黑体/宋体 as the East Asian major/minor fonts.
pub const THEME: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="juesuan"><a:themeElements>"#,
    r#"<a:clrScheme name="Office"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>"#,
    r#"<a:dk2><a:srgbClr val="44546A"/></a:dk2><a:lt2><a:srgbClr val="E7E6E6"/></a:lt2><a:accent1><a:srgbClr val="4472C4"/></a:accent1>"#,
    r#"<a:accent2><a:srgbClr val="ED7D31"/></a:accent2><a:accent3><a:srgbClr val="A5A5A5"/></a:accent3><a:accent4><a:srgbClr val="FFC000"/></a:accent4>"#,
    r#"<a:accent5><a:srgbClr val="5B9BD5"/></a:accent5><a:accent6><a:srgbClr val="70AD47"/></a:accent6><a:hlink><a:srgbClr val="0563C1"/></a:hlink>"#,
    r#"<a:folHlink><a:srgbClr val="954F72"/></a:folHlink></a:clrScheme>"#,
    r#"<a:fontScheme name="Office"><a:majorFont><a:latin typeface="Arial"/><a:ea typeface="黑体"/><a:cs typeface=""/></a:majorFont>"#,
    r#"<a:minorFont><a:latin typeface="Times New Roman"/><a:ea typeface="宋体"/><a:cs typeface=""/></a:minorFont></a:fontScheme>"#,
    r#"<a:fmtScheme name="Office"><a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill>"#,
    r#"<a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:fillStyleLst><a:lnStyleLst><a:ln w="6350"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>"#,
    r#"<a:ln w="12700"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="19050"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln></a:lnStyleLst>"#,
    r#"<a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst>"#,
    r#"<a:bgFillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill>"#,
    r#"<a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:bgFillStyleLst></a:fmtScheme></a:themeElements></a:theme>"#
);

/// Workaround: docx-rs writes no theme, which the main document part must have
/// (Open XML SDK: a required relationship). Adds the relationship to `theme/theme1.xml`.
pub fn with_theme_relationship(rels: &str) -> String {
    let theme = r#"<Relationship Id="rIdTheme1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="theme/theme1.xml" />"#;
    rels.replacen("</Relationships>", &format!("{theme}</Relationships>"), 1)
}

/// The content type of the theme part (see [`with_theme_relationship`]).
pub fn with_theme_content_type(types: &str) -> String {
    let theme = r#"<Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml" />"#;
    types.replacen("</Types>", &format!("{theme}</Types>"), 1)
}

/// `[Content_Types].xml` without the override for `part` (a part left out of the package).
pub fn without_override(types: &str, part: &str) -> String {
    let key = format!("<Override PartName=\"{part}\"");
    let Some(start) = types.find(&key) else { return types.to_string() };
    let end = types[start..].find("/>").map_or(types.len(), |e| start + e + 2);
    format!("{}{}", &types[..start], &types[end..])
}

/// Workaround: docx-rs's own packer stores the parts uncompressed and leaves entry times
/// to the zip crate. The parts are written here, deflated, with the zip format's earliest
/// timestamp (1980-01-01 00:00) on every entry and fixed permissions, so the bytes depend
/// on the document only; the theme is added and unreferenced parts are left out.
pub fn pack(x: XMLDocx) -> zip::result::ZipResult<Vec<u8>> {
    let rels = with_theme_relationship(&utf8(&x.document_rels));
    // Parts of the main document only when its relationships name them (docx-rs always
    // builds comments, numbering and footnotes, mostly unreferenced).
    let optional: Vec<(&str, &[u8])> = vec![
        ("comments.xml", &x.comments),
        ("numbering.xml", &x.numberings),
        ("commentsExtended.xml", &x.comments_extended),
        ("footnotes.xml", &x.footnotes),
    ];
    let (used, unused): (Vec<_>, Vec<_>) =
        optional.into_iter().partition(|(name, _)| rels.contains(&format!("Target=\"{name}\"")));
    let mut content_types = with_theme_content_type(&utf8(&x.content_type));
    for (name, _) in &unused {
        content_types = without_override(&content_types, &format!("/word/{name}"));
    }
    let mut parts: Vec<(String, &[u8])> = vec![
        ("[Content_Types].xml".into(), content_types.as_bytes()),
        ("_rels/.rels".into(), &x.rels),
        ("docProps/app.xml".into(), &x.doc_props.app),
        ("docProps/core.xml".into(), &x.doc_props.core),
        ("docProps/custom.xml".into(), &x.doc_props.custom),
        ("word/_rels/document.xml.rels".into(), rels.as_bytes()),
        ("word/document.xml".into(), &x.document),
        ("word/styles.xml".into(), &x.styles),
        ("word/settings.xml".into(), &x.settings),
        ("word/fontTable.xml".into(), &x.font_table),
        ("word/theme/theme1.xml".into(), THEME.as_bytes()),
    ];
    parts.extend(used.into_iter().map(|(name, bytes)| (format!("word/{name}"), bytes)));
    for (i, h) in x.headers.iter().enumerate() {
        parts.push((format!("word/header{}.xml", i + 1), h));
        if let Some(r) = x.header_rels.get(i) {
            parts.push((format!("word/_rels/header{}.xml.rels", i + 1), r));
        }
    }
    for (i, f) in x.footers.iter().enumerate() {
        parts.push((format!("word/footer{}.xml", i + 1), f));
        if let Some(r) = x.footer_rels.get(i) {
            parts.push((format!("word/_rels/footer{}.xml.rels", i + 1), r));
        }
    }
    pack_parts(parts.iter().map(|(name, bytes)| (name.as_str(), *bytes)))
}

/// The package of `parts` (name, bytes) in their order: deflated, the zip format's earliest
/// timestamp on every entry, fixed permissions ([`pack`]).
pub fn pack_parts<'a>(parts: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> zip::result::ZipResult<Vec<u8>> {
    use std::io::Write as _;
    use zip::write::SimpleFileOptions;
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        zip.start_file(name, options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use docx_rs::BuildXML as _;

    fn meta() -> Meta {
        Meta {
            title: "T & <t>".into(),
            author: "部门".into(),
            date: None,
            lang: "zh-CN".into(),
            draft: false,
            serif: String::new(),
            sans: String::new(),
            fang: String::new(),
            kai: String::new(),
            house_style: Default::default(),
        }
    }

    #[test]
    fn clean_keeps_tab_and_newline_drops_other_controls() {
        assert_eq!(clean("a\u{1}b\tc\r\nd\re\u{FFFF}"), "ab\tc\nd\ne");
    }

    #[test]
    fn text_run_writes_breaks_and_tabs() {
        let xml = utf8(&Paragraph::new().add_run(text_run("a\nb\tc <&>", Look::default())).build());
        assert!(xml.contains("<w:br w:type=\"textWrapping\" />"), "{xml}");
        assert!(xml.contains("<w:tab />"), "{xml}");
        assert!(xml.contains("c &lt;&amp;&gt;"), "{xml}");
    }

    #[test]
    fn schema_order_sorts_run_and_paragraph_properties() {
        let x = schema_order(
            r#"<w:pPr><w:rPr><w:sz w:val="18" /><w:b /><w:rFonts w:eastAsia="x" /></w:rPr><w:jc w:val="right" /><w:pStyle w:val="A" /></w:pPr>"#,
        );
        assert_eq!(
            x,
            r#"<w:pPr><w:pStyle w:val="A" /><w:jc w:val="right" /><w:rPr><w:rFonts w:eastAsia="x" /><w:b /><w:sz w:val="18" /></w:rPr></w:pPr>"#
        );
    }

    #[test]
    fn schema_order_sorts_nested_parents_in_one_pass_and_leaves_text_alone() {
        // A style's own children, its pPr's and the rPr inside that, at three depths.
        let x = schema_order(concat!(
            r#"<w:styles><w:style w:styleId="A"><w:rPr><w:sz w:val="2" /><w:b /></w:rPr>"#,
            r#"<w:pPr><w:jc w:val="left" /><w:rPr><w:b /><w:rFonts /></w:rPr></w:pPr><w:name w:val="A" /></w:style></w:styles>"#,
        ));
        assert_eq!(
            x,
            concat!(
                r#"<w:styles><w:style w:styleId="A"><w:name w:val="A" /><w:pPr><w:jc w:val="left" />"#,
                r#"<w:rPr><w:rFonts /><w:b /></w:rPr></w:pPr><w:rPr><w:b /><w:sz w:val="2" /></w:rPr></w:style></w:styles>"#,
            )
        );
        // Blank text between children goes; other text keeps them as they are.
        assert_eq!(schema_order("<w:rPr> <w:sz /> <w:b /> </w:rPr>"), "<w:rPr><w:b /><w:sz /></w:rPr>");
        assert_eq!(schema_order("<w:rPr>t<w:sz /><w:b /></w:rPr>"), "<w:rPr>t<w:sz /><w:b /></w:rPr>");
        // A tag that never ends: nothing is changed.
        assert_eq!(schema_order("<w:rPr><w:sz /><w:b"), "<w:rPr><w:sz /><w:b");
    }

    #[test]
    fn schema_order_puts_section_references_first_and_keeps_nesting() {
        let x = schema_order(
            r#"<w:sectPr><w:pgSz w:w="1" /><w:cols w:num="1" /><w:footerReference w:type="default" r:id="f" /><w:headerReference w:type="default" r:id="h" /></w:sectPr>"#,
        );
        assert_eq!(
            x,
            r#"<w:sectPr><w:footerReference w:type="default" r:id="f" /><w:headerReference w:type="default" r:id="h" /><w:pgSz w:w="1" /><w:cols w:num="1" /></w:sectPr>"#
        );
        // Not confused by longer names or self-closing parents.
        let y = "<w:pPrChange><w:b /><w:a /></w:pPrChange><w:pPr />";
        assert_eq!(schema_order(y), y);
    }

    #[test]
    fn grid_cols_lose_the_type() {
        assert_eq!(
            grid_col_width_only(r#"<w:gridCol w:w="10" w:type="dxa" /><w:tcW w:w="10" w:type="dxa" />"#),
            r#"<w:gridCol w:w="10" /><w:tcW w:w="10" w:type="dxa" />"#
        );
    }

    #[test]
    fn header_rows_repeat_per_table() {
        let xml = "<w:tbl><w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr><w:tr><w:trPr /></w:tr></w:tbl><w:tbl><w:tr><w:trPr /></w:tr><w:tr><w:trPr /></w:tr></w:tbl>";
        let out = repeat_header_rows(xml, &[1, 2]);
        // A table without header rows does not shift the counts onto the next one.
        let skipped = repeat_header_rows(xml, &[0, 1]);
        assert_eq!(skipped.matches("<w:tblHeader />").count(), 1);
        assert!(
            skipped.ends_with("<w:tbl><w:tr><w:trPr><w:tblHeader /></w:trPr></w:tr><w:tr><w:trPr /></w:tr></w:tbl>"),
            "{skipped}"
        );
        assert_eq!(
            out,
            "<w:tbl><w:tr><w:trPr><w:tblHeader /><w:cantSplit /></w:trPr></w:tr><w:tr><w:trPr /></w:tr></w:tbl><w:tbl><w:tr><w:trPr><w:tblHeader /></w:trPr></w:tr><w:tr><w:trPr><w:tblHeader /></w:trPr></w:tr></w:tbl>"
        );
    }

    #[test]
    fn defaults_turn_off_cjk_latin_space() {
        let s = schema_order(&paragraph_defaults(
            r#"<w:pPrDefault><w:pPr><w:spacing w:after="0" /></w:pPr></w:pPrDefault>"#,
        ));
        assert_eq!(
            s,
            r#"<w:pPrDefault><w:pPr><w:widowControl /><w:overflowPunct w:val="0" /><w:autoSpaceDE w:val="0" /><w:autoSpaceDN w:val="0" /><w:spacing w:after="0" /></w:pPr></w:pPrDefault>"#
        );
    }

    #[test]
    fn normal_becomes_the_default_style() {
        let s = default_paragraph_style(
            r#"<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal" /></w:style>"#,
            "Normal",
        );
        assert!(s.starts_with(r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal">"#));
    }

    #[test]
    fn body_style_indents_in_characters() {
        let xml = r#"<w:style w:styleId="A"><w:pPr><w:ind w:left="0" /></w:pPr></w:style><w:style w:styleId="BodyText"><w:pPr><w:ind w:firstLine="480" /></w:pPr></w:style>"#;
        let out = first_line_chars(xml, "BodyText", 200);
        assert!(out.ends_with(r#"<w:ind w:firstLineChars="200" w:firstLine="480" /></w:pPr></w:style>"#), "{out}");
        assert!(out.contains(r#"<w:ind w:left="0" />"#));
        assert_eq!(first_line_chars(xml, "Missing", 200), xml);
    }

    #[test]
    fn style_paragraph_properties_lose_empty_run_properties() {
        let x = r#"<w:style><w:pPr><w:jc w:val="both" /><w:rPr /></w:pPr><w:rPr /></w:style><w:pPr><w:rPr><w:b /></w:rPr></w:pPr>"#;
        assert_eq!(
            without_empty(x, "w:pPr", "w:rPr"),
            r#"<w:style><w:pPr><w:jc w:val="both" /></w:pPr><w:rPr /></w:style><w:pPr><w:rPr><w:b /></w:rPr></w:pPr>"#
        );
    }

    #[test]
    fn theme_and_unused_parts() {
        assert!(with_theme_relationship("<Relationships></Relationships>").contains(r#"Target="theme/theme1.xml""#));
        assert!(with_theme_content_type("<Types></Types>").contains(r#"PartName="/word/theme/theme1.xml""#));
        let t = r#"<Types><Override PartName="/word/a.xml" ContentType="x" /><Override PartName="/word/b.xml" ContentType="y" /></Types>"#;
        assert_eq!(
            without_override(t, "/word/a.xml"),
            r#"<Types><Override PartName="/word/b.xml" ContentType="y" /></Types>"#
        );
    }

    #[test]
    fn para_ids_are_renumbered_in_order() {
        let mut last = 0;
        let a = renumber_para_ids(r#"<w:p w14:paraId="0000002A"></w:p><w:p w14:paraId="0000002B"></w:p>"#, &mut last);
        assert_eq!(a, r#"<w:p w14:paraId="00000001"></w:p><w:p w14:paraId="00000002"></w:p>"#);
        let b = renumber_para_ids(r#"<w:p w14:paraId="00000001">"#, &mut last);
        assert_eq!(b, r#"<w:p w14:paraId="00000003">"#, "the next part counts on");
    }

    #[test]
    fn core_has_title_author_language_and_no_clock() {
        let s = core_xml(&meta());
        assert!(s.contains("<dc:title>T &amp; &lt;t&gt;</dc:title>") && s.contains("<dc:creator>部门</dc:creator>"));
        assert!(s.contains("<dc:language>zh-CN</dc:language>"));
        assert!(!s.contains("dcterms:created"), "no date without Meta.date: {s}");
        let dated = core_xml(&Meta { date: Some("2025-06-30".into()), ..meta() });
        assert!(dated.contains(">2025-06-30T00:00:00Z</dcterms:created>"));
        assert!(!core_xml(&Meta { date: Some("soon".into()), ..meta() }).contains("dcterms:"));
    }

    #[test]
    fn pack_uses_fixed_timestamps() {
        let doc = Document { meta: meta(), blocks: vec![] };
        let bytes = docx(&doc).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        for i in 0..zip.len() {
            let f = zip.by_index(i).unwrap();
            assert_eq!(f.last_modified(), Some(zip::DateTime::default()), "{}", f.name());
        }
    }

    #[test]
    fn sections_reference_footer_and_draft_header() {
        let all = Furniture { draft: true, footer: true, restart: true };
        let xml = utf8(&Paragraph::new().section_property(section(&crate::write::style::STANDARD, true, all)).build());
        assert!(xml.contains(r#"<w:pgNumType w:start="1""#), "{xml}");
        let front = utf8(&Paragraph::new().section_property(section(&crate::write::style::STANDARD, false, Furniture::default())).build());
        assert!(!front.contains("footerReference") && !front.contains("pgNumType"), "{front}");
        assert!(xml.contains(r#"w:footerReference w:type="default" r:id="rIdFooter1""#), "{xml}");
        assert!(xml.contains(r#"w:headerReference w:type="default" r:id="rIdHeader1""#), "{xml}");
        assert!(xml.contains(r#"w:orient="landscape""#), "{xml}");
    }

    #[test]
    fn row_spans_become_continuation_slots() {
        let c = |colspan, rowspan| Cell { text: "x".into(), colspan, rowspan, align: Align::Left, strong: false, breakable: false };
        let t = TreeTable {
            widths: vec![1, 1, 1],
            header_rows: 2,
            rows: vec![vec![c(1, 2), c(2, 1)], vec![c(1, 1), c(1, 1)]],
            font_size: 9,
        };
        let rows = slots(&t).unwrap();
        assert!(matches!(rows[1][0], Slot::Continue { cols: 1, keep: true }));
        assert_eq!(rows[1].len(), 3);
        let bad = TreeTable { rows: vec![vec![c(2, 1), c(2, 1)]], ..t };
        assert!(slots(&bad).is_err());
    }

    /// The text of part `name` of the DOCX `bytes`.
    fn part(bytes: &[u8], name: &str) -> String {
        use std::io::Read as _;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    /// `word/document.xml` of `blocks`, before the finishing steps.
    fn body(blocks: Vec<Block>) -> String {
        let doc = Document { meta: meta(), blocks };
        let mut w = Writer::new(&doc, Pages::Unknown);
        for (i, b) in doc.blocks.iter().enumerate() {
            w.block(i, b).unwrap();
        }
        utf8(&w.finish_docx().build().document)
    }

    fn plain(t: &str) -> Block {
        Block::Paragraph { style: ParaStyle::Body, align: None, runs: vec![TreeRun::Text(t.into())] }
    }

    #[test]
    fn sections_and_page_breaks_never_make_blank_pages() {
        let xml = body(vec![
            Block::PageBreak,
            Block::Orientation { landscape: true },
            plain("a"),
            Block::PageBreak,
            Block::Orientation { landscape: false },
            Block::Orientation { landscape: true },
            plain("b"),
            Block::PageBreak,
            Block::PageBreak,
            plain("c"),
        ]);
        assert_eq!(xml.matches("<w:sectPr>").count(), 2, "one section break, the document's own section");
        assert_eq!(xml.matches("<w:pageBreakBefore />").count(), 1, "{xml}");
        // The first section is landscape (it turned before any content), so is the last.
        assert_eq!(xml.matches("w:orient=\"landscape\"").count(), 2);
    }

    #[test]
    fn consecutive_tables_are_kept_apart() {
        let c = Cell { text: "x".into(), colspan: 1, rowspan: 1, align: Align::Left, strong: false, breakable: false };
        let t = TreeTable { widths: vec![1], header_rows: 0, rows: vec![vec![c]], font_size: 9 };
        let xml = body(vec![Block::Table(t.clone()), Block::Table(t)]);
        assert!(xml.contains("</w:tbl><w:p "), "a paragraph between the tables: {xml}");
    }

    #[test]
    fn scoped_toc_lists_only_its_scope() {
        let h = |t: &str| Block::Heading { level: 1, text: t.into(), outline: true, align: Align::Left };
        let blocks = vec![
            h("before"),
            Block::Anchor { name: "s-start".into() },
            h("inside"),
            Block::Heading { level: 2, text: "hidden".into(), outline: false, align: Align::Left },
            Block::Anchor { name: "s-end".into() },
            h("after"),
        ];
        let doc = Document { meta: meta(), blocks };
        let texts = |scope| toc_entries(&doc, 3, scope, &Pages::Unknown).into_iter().map(|e| e.text).collect::<Vec<_>>();
        assert_eq!(texts(Some("s")), ["inside"]);
        assert_eq!(texts(None), ["before", "inside", "after"]);
        assert!(texts(Some("missing")).is_empty());
        assert_eq!(toc_instruction(2, Some("TocScope1")), " TOC \\o \"1-2\" \\b TocScope1 \\h \\z \\u ");
        assert_eq!(scope_bookmark("p13", 1), "r_p13");
        assert_eq!(scope_bookmark("报告-1", 2), "rscope2");
    }

    #[test]
    fn pending_docx_fills_the_same_page_numbers() {
        let h = |t: &str| Block::Heading { level: 1, text: t.into(), outline: true, align: Align::Left };
        // A heading whose text imitates a PAGEREF instruction stays text.
        let blocks = vec![
            Block::Toc { title: "目录".into(), depth: 2, scope: None },
            h("一"),
            h("<w:instrText> PAGEREF _Toc00000001 \\h </w:instrText>"),
        ];
        let doc = Document { meta: meta(), blocks };
        let pages: HeadingPages = vec![(1, 3), (2, 17)];
        let serial = docx_with_pages(&doc, Some(&pages)).unwrap();
        let pending = docx_pending(&doc).unwrap().with_pages(&pages).expect("every page known").unwrap();
        assert_eq!(pending, serial, "the pending DOCX is the serial one, byte for byte");
        let xml = part(&pending, "word/document.xml");
        assert!(xml.contains(r#"<w:t xml:space="preserve">17</w:t>"#), "{xml}");
        assert!(xml.contains("&lt;w:instrText&gt; PAGEREF _Toc00000001"), "data text is escaped");
        // A heading without a page: no pending result (the caller writes the serial one).
        assert!(docx_pending(&doc).unwrap().with_pages(&vec![(1, 3)]).is_none());
    }

    #[test]
    fn grid_fills_the_text_width() {
        assert_eq!(grid(&[1, 1, 1], 100), vec![33, 33, 34]);
        assert_eq!(grid(&[0, 0], 10), vec![5, 5]);
    }
}
