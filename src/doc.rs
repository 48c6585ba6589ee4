//! The document tree: the seam between wording (templates in `templates/`) and formats
//! (the writers in `write/`). Templates produce it; every writer consumes it and nothing else,
//! so a sentence is written once and reads the same in every format.

use serde::Serialize;

/// A whole document (the booklet, or one 自评报告).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    /// Metadata and options.
    pub meta: Meta,
    /// Content in reading order.
    pub blocks: Vec<Block>,
}

/// Document metadata and options.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Meta {
    /// Title (PDF /Title, DOCX dc:title).
    pub title: String,
    /// Author: the department.
    pub author: String,
    /// Date `YYYY-MM-DD` from the data (never the clock).
    pub date: Option<String>,
    /// Language tag, `zh-CN`.
    pub lang: String,
    /// Print the 仅供内部审核 mark on every page.
    pub draft: bool,
    /// Font family for the 宋体 role (body).
    pub serif: String,
    /// Font family for the 黑体 role (headings, strong text, table headers).
    pub sans: String,
    /// Font family for the 仿宋 role (body text of the gbt9704 house style).
    pub fang: String,
    /// Font family for the 楷体 role (二级 headings of the gbt9704 house style).
    pub kai: String,
    /// 版式风格: the table of style settings both writers follow.
    pub house_style: crate::write::style::HouseStyle,
}

impl Meta {
    /// The settings of the document's house style.
    pub fn style(&self) -> &'static crate::write::style::Style {
        self.house_style.style()
    }

    /// The family of a font role.
    pub fn family(&self, role: crate::write::style::FontRole) -> &str {
        use crate::write::style::FontRole;
        match role {
            FontRole::Serif => &self.serif,
            FontRole::Sans => &self.sans,
            FontRole::Fang => &self.fang,
            FontRole::Kai => &self.kai,
        }
    }
}

/// Horizontal alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    /// Left (the default).
    #[default]
    Left,
    /// Centred.
    Center,
    /// Right (numbers).
    Right,
}

/// Paragraph styles: each writer maps them to its own (see `templates/style.typ`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ParaStyle {
    /// Body text: first line indented by two characters, justified.
    #[default]
    Body,
    /// No indent (labels, list-like lines).
    Plain,
    /// Cover title: very large, 黑体, centred.
    Title,
    /// Cover subtitle: large, centred.
    Subtitle,
    /// Centred normal text (cover lines).
    Center,
    /// Form caption line above a table (部门名称 / 年度 / 金额单位), small, no indent.
    Caption,
    /// Note under a table (注：…), small, no indent.
    Note,
}

/// A run of text inside a paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "text", rename_all = "lowercase")]
pub enum Run {
    /// Plain text, shown literally.
    Text(String),
    /// Strong (粗体; drawn in the 黑体 role).
    Strong(String),
    /// A line break inside the paragraph.
    Break,
}

/// A table cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// Text shown literally (may be empty).
    pub text: String,
    /// Columns spanned (≥ 1).
    pub colspan: u16,
    /// Rows spanned (≥ 1). Cells covered by a span are simply absent from later rows.
    pub rowspan: u16,
    /// Alignment.
    pub align: Align,
    /// Strong (header cells).
    pub strong: bool,
    /// A row span that may break across pages (a 一级指标 group, so that the table breaks
    /// between its 二级指标 groups). Other row spans keep their rows on one page.
    pub breakable: bool,
}

/// A token (a run of characters other than spaces and CJK) of a table cell longer than this
/// many characters gets break opportunities from the writers: a contract number such as
/// `LXKFQ2024ZFCG000012345678` would otherwise run over the next columns.
pub const LONG_TOKEN_CHARS: usize = 16;

/// A character of a token in the sense of [`LONG_TOKEN_CHARS`]: not a space, and not CJK
/// (which a line may break after anywhere).
pub fn is_token_char(c: char) -> bool {
    !c.is_whitespace() && (c as u32) < 0x2E80
}

/// A cell longer than this (in bytes) may break across pages, and its table is never kept
/// whole: a row kept on one page would run off it. A form's cell is a few words.
pub const LONG_CELL_BYTES: usize = 1500;

impl Cell {
    /// Too long to be kept on one page with its row ([`LONG_CELL_BYTES`]).
    pub fn is_long(&self) -> bool {
        self.text.len() > LONG_CELL_BYTES
    }
}

/// A table as the official forms draw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    /// Relative column widths (one per grid column).
    pub widths: Vec<u16>,
    /// How many leading rows are header rows (repeated on every page).
    pub header_rows: u16,
    /// Rows of cells; a row lists only the cells that start in it.
    pub rows: Vec<Vec<Cell>>,
    /// Font size in points (tables are set smaller than body text).
    pub font_size: u8,
}

/// The page numbers of outline headings as one layout printed them: (index of the heading
/// in [`Document::blocks`], the number printed on its page). The PDF layout gives them
/// (`write::pdf::heading_pages`); the DOCX writer fills its 目录 with them.
pub type HeadingPages = Vec<(usize, u32)>;

/// A block of content.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "block", rename_all = "lowercase")]
pub enum Block {
    /// A heading. `level` 1 = 第一部分 …, 2 = tables and sections, 3–4 below.
    Heading {
        /// 1–4.
        level: u8,
        /// Text.
        text: String,
        /// Listed in the table of contents (目录). Every heading, listed or not, is a PDF
        /// bookmark and in Word's navigation pane.
        outline: bool,
        /// Alignment.
        align: Align,
    },
    /// A paragraph.
    Paragraph {
        /// Style.
        style: ParaStyle,
        /// Alignment override (`None` = the style's own).
        align: Option<Align>,
        /// Runs.
        runs: Vec<Run>,
    },
    /// A caption line in three parts: at the left margin, centred and flush with the right
    /// margin (a form's 编制单位 / 年度 / 金额单位 line), in the caption's size.
    Spread {
        /// At the left margin.
        left: String,
        /// Centred.
        center: String,
        /// Flush with the right margin.
        right: String,
    },
    /// A table.
    Table(Table),
    /// Start a new page.
    PageBreak,
    /// Start a new page in landscape (`true`) or portrait (`false`) orientation.
    Orientation {
        /// Landscape?
        landscape: bool,
    },
    /// A table of contents (目录) with dot leaders and page numbers.
    Toc {
        /// Title, e.g. 目 录.
        title: String,
        /// Deepest heading level listed.
        depth: u8,
        /// When set, list only the headings between the anchors `<scope>-start` and
        /// `<scope>-end` (a 自评报告's own 目录); otherwise the whole document.
        scope: Option<String>,
    },
    /// An invisible anchor (start/end of a scoped 目录).
    Anchor {
        /// Name.
        name: String,
    },
    /// The main matter starts here, on a new page: the pages before it (cover, 目录) show no
    /// page number, and the page numbers count from 1 on this page, as in the published
    /// booklets.
    MainMatter,
    /// Vertical space in points.
    Space {
        /// Points.
        pt: u16,
    },
}

impl Document {
    /// All text of the document in reading order, one block per line (for tests comparing
    /// the formats).
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            match b {
                Block::Heading { text, .. } => out.push_str(text),
                Block::Paragraph { runs, .. } => {
                    for r in runs {
                        match r {
                            Run::Text(t) | Run::Strong(t) => out.push_str(t),
                            Run::Break => out.push('\n'),
                        }
                    }
                }
                Block::Table(t) => {
                    for row in &t.rows {
                        let cells: Vec<&str> = row.iter().map(|c| c.text.as_str()).collect();
                        out.push_str(&cells.join("\t"));
                        out.push('\n');
                    }
                }
                Block::Toc { title, .. } => out.push_str(title),
                Block::Spread { left, center, right } => out.push_str(&format!("{left}\t{center}\t{right}")),
                _ => continue,
            }
            out.push('\n');
        }
        out
    }

    /// The lines of a 目录 ([`Block::Toc`]): the outline headings down to `depth`, in
    /// order, between the scope's anchors when it has a scope (no start anchor: none; no
    /// end anchor: to the end). Both writers list these, so the PDF's and the DOCX's 目录
    /// hold the same entries.
    pub fn toc_lines(&self, depth: u8, scope: Option<&str>) -> Vec<TocLine<'_>> {
        let (start, end) = match scope {
            Some(s) => {
                let find = |name: String| {
                    self.blocks.iter().position(|b| matches!(b, Block::Anchor { name: n } if *n == name))
                };
                let Some(start) = find(format!("{s}-start")) else { return Vec::new() };
                let end = find(format!("{s}-end")).filter(|e| *e > start).unwrap_or(self.blocks.len());
                (start, end)
            }
            None => (0, self.blocks.len()),
        };
        (start..end)
            .filter_map(|i| match &self.blocks[i] {
                Block::Heading { level, text, outline: true, .. } if *level <= depth => {
                    Some(TocLine { block: i, level: *level, text })
                }
                _ => None,
            })
            .collect()
    }
}

/// One line of a 目录: the heading at `block` (its index in [`Document::blocks`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TocLine<'a> {
    /// Index of the heading in [`Document::blocks`].
    pub block: usize,
    /// Its level.
    pub level: u8,
    /// Its text.
    pub text: &'a str,
}

impl Table {
    /// Sizes the columns by their content, for a table `width` ems (of its font size) wide,
    /// as a browser sizes an automatic table: each column at least as wide as its longest
    /// unbreakable piece (a value with its unit, such as `=894371.00元` or `=100100m³/h`,
    /// [`unbreakable_pieces`]), and the rest of the width shared in proportion to how much
    /// more each column's longest text would take. A column that nothing fills is only as
    /// wide as its header needs in three lines. Cells spanning columns count for nothing.
    /// The widths stay relative (hundredths of an em), so both writers draw the same grid.
    /// The `f32`s here are typographic measures (ems of text), never money: amounts reach
    /// the tree as printed strings (`crate::money`).
    pub fn fit_widths(&mut self, width: f32) {
        /// Cell padding and a margin for fonts that set a little wider, in ems.
        const PAD: f32 = 1.2;
        let n = self.widths.len();
        let (mut min, mut max) = (vec![0f32; n], vec![0f32; n]);
        let header = usize::from(self.header_rows);
        for (r, (row, starts)) in self.rows.iter().zip(grid_columns(&self.rows)).enumerate() {
            for (col, cell) in starts.into_iter().zip(row) {
                if cell.colspan != 1 || col >= n || cell.text.is_empty() {
                    continue;
                }
                let whole: f32 = cell.text.lines().map(ems).fold(0.0, f32::max);
                let (lo, hi) = if r < header {
                    // A header of up to four characters stays on one line; a longer one may
                    // take three lines, two at most where there is room.
                    if whole <= 4.0 {
                        (whole, whole)
                    } else {
                        (whole / 3.0, whole / 2.0)
                    }
                } else {
                    // A piece longer than [`LONG_TOKEN_CHARS`] is broken anyway (the writers
                    // give it break opportunities): it asks for that much width at most.
                    let piece = |p: &str| ems(p.char_indices().nth(LONG_TOKEN_CHARS).map_or(p, |(i, _)| &p[..i]));
                    (unbreakable_pieces(&cell.text).map(piece).fold(0.0, f32::max), whole)
                };
                min[col] = min[col].max(lo + PAD);
                max[col] = max[col].max(hi.max(lo) + PAD);
            }
        }
        let (sum_min, sum_max): (f32, f32) = (min.iter().sum(), max.iter().sum());
        let fitted: Vec<f32> = if sum_max <= width {
            max.iter().map(|m| m * width / sum_max).collect()
        } else if sum_min <= width {
            let spare: f32 = max.iter().zip(&min).map(|(a, b)| a - b).sum();
            min.iter().zip(&max).map(|(lo, hi)| lo + (width - sum_min) * (hi - lo) / spare.max(f32::EPSILON)).collect()
        } else {
            min.iter().map(|m| m * width / sum_min).collect()
        };
        if fitted.iter().all(|w| w.is_finite() && *w > 0.0) {
            self.widths = fitted.iter().map(|w| (w * 100.0).round().clamp(1.0, f32::from(u16::MAX)) as u16).collect();
        }
    }
}

/// The grid column at which each cell of each row starts (cells covered by a row span from
/// an earlier row are absent from the row, as in [`Table::rows`]).
pub fn grid_columns(rows: &[Vec<Cell>]) -> Vec<Vec<usize>> {
    // Per grid column: rows still covered by a span from above.
    let mut covered: Vec<u16> = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut starts = Vec::with_capacity(row.len());
        let mut col = 0;
        for cell in row {
            while covered.get(col).is_some_and(|&c| c > 0) {
                col += 1;
            }
            starts.push(col);
            let span = usize::from(cell.colspan.max(1));
            if covered.len() < col + span {
                covered.resize(col + span, 0);
            }
            for c in &mut covered[col..col + span] {
                *c = cell.rowspan.max(1);
            }
            col += span;
        }
        for c in &mut covered {
            *c = c.saturating_sub(1);
        }
        out.push(starts);
    }
    out
}

/// The pieces of `text` a line never breaks inside: a run of Latin letters, digits and signs
/// (`=100100m³/h`, `≤300万` up to the first CJK character), with the CJK character right
/// after a number (its unit: `2座`, `894371.00元`) and closing punctuation that may not
/// start a line.
pub fn unbreakable_pieces(text: &str) -> impl Iterator<Item = &str> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut pieces = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = chars[i].0;
        let mut j = i + 1;
        if !is_wide(chars[i].1) && !chars[i].1.is_whitespace() {
            while j < chars.len() && !is_wide(chars[j].1) && !chars[j].1.is_whitespace() {
                j += 1;
            }
            if j < chars.len() && chars[j - 1].1.is_ascii_digit() && is_wide(chars[j].1) {
                j += 1;
            }
        }
        while j < chars.len() && "，。、；：！？）》」』”’%".contains(chars[j].1) {
            j += 1;
        }
        let end = chars.get(j).map_or(text.len(), |c| c.0);
        pieces.push(&text[start..end]);
        i = j;
    }
    pieces.into_iter()
}

/// A character set one em wide (CJK ideographs, kana, full-width forms and punctuation).
fn is_wide(c: char) -> bool {
    matches!(u32::from(c), 0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFF)
}

/// The width of `text` in ems, roughly as the booklet's fonts set it: a CJK character one
/// em, a digit 0.55, other Latin letters and signs 0.6, a space 0.3.
fn ems(text: &str) -> f32 {
    text.chars()
        .map(|c| match c {
            c if is_wide(c) => 1.0,
            '0'..='9' => 0.55,
            ' ' => 0.3,
            _ => 0.6,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str, rowspan: u16) -> Cell {
        Cell { text: text.into(), colspan: 1, rowspan, align: Align::Left, strong: false, breakable: false }
    }

    #[test]
    fn a_value_and_its_unit_are_one_piece() {
        let pieces: Vec<&str> = unbreakable_pieces("=894371.00元，达成=100100m³/h 好").collect();
        assert_eq!(pieces, ["=894371.00元，", "达", "成", "=100100m³/h", " ", "好"]);
        assert_eq!(unbreakable_pieces("≤300万元").collect::<Vec<_>>(), ["≤300万", "元"]);
    }

    #[test]
    fn columns_fit_their_content() {
        // Column 0 spans two rows (absent from the second); column 2 is empty but for its
        // header; column 1 holds a long value that must stay whole.
        let mut t = Table {
            widths: vec![1, 1, 1],
            header_rows: 1,
            rows: vec![
                vec![cell("一级", 1), cell("指标值", 1), cell("定性值情况说明", 1)],
                vec![cell("产出指标", 2), cell("=100100m³/h", 1), cell("", 1)],
                vec![cell("=5座", 1), cell("", 1)],
            ],
            font_size: 8,
        };
        t.fit_widths(20.0);
        let w: Vec<f32> = t.widths.iter().map(|w| f32::from(*w) / 100.0).collect();
        assert!((w.iter().sum::<f32>() - 20.0).abs() < 0.05, "{w:?}");
        assert!(w[1] >= ems("=100100m³/h") + 1.0, "the value fits: {w:?}");
        assert!(w[2] < w[1] && w[2] < 7.0, "the empty column is narrow: {w:?}");
        // Columns that cannot all fit share the width in proportion to their least widths.
        t.fit_widths(3.0);
        let sum: u32 = t.widths.iter().map(|w| u32::from(*w)).sum();
        assert!(sum.abs_diff(300) <= 2, "{:?}", t.widths);
    }
}
