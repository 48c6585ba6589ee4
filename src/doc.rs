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
        /// Listed in the table of contents, bookmarks and navigation pane.
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
