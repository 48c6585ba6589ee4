//! One table of style settings that every writer follows, so that the PDF and the DOCX
//! look alike: page, margins, font roles and sizes, page numbers. Two house styles (版式风格)
//! fill it: today's look ([`STANDARD`]) and the GB/T 9704-2012 look of government documents
//! ([`GBT9704`]), chosen by `house_style` in department.yaml or the layout's default.
//! `templates/style.typ` reads the chosen one through the generated preamble; the DOCX writer
//! sets its styles from it. The `f32`s here are typographic measures (points, multiples of a
//! font size), never money: amounts are `rust_decimal` from the YAML text to the printed
//! string (`crate::money`).

use serde::Serialize;

/// A house style (版式风格) by name, as department.yaml and layout.yaml write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum HouseStyle {
    /// Today's look: 宋体 小四 body, 黑体 headings, centred page numbers.
    #[default]
    Standard,
    /// GB/T 9704-2012 (党政机关公文格式): 仿宋 三号 body, 黑体 / 楷体 / 仿宋 bold headings,
    /// "— 1 —" page numbers at the outer edge, the standard's margins and text block.
    Gbt9704,
}

impl HouseStyle {
    /// Every name, in the order messages list them.
    pub const NAMES: &'static [&'static str] = &["standard", "gbt9704"];

    /// The house style called `name`.
    pub fn from_name(name: &str) -> Option<HouseStyle> {
        match name {
            "standard" => Some(HouseStyle::Standard),
            "gbt9704" => Some(HouseStyle::Gbt9704),
            _ => None,
        }
    }

    /// Its name in department.yaml.
    pub fn name(self) -> &'static str {
        match self {
            HouseStyle::Standard => "standard",
            HouseStyle::Gbt9704 => "gbt9704",
        }
    }

    /// Its table of settings.
    pub fn style(self) -> &'static Style {
        match self {
            HouseStyle::Standard => &STANDARD,
            HouseStyle::Gbt9704 => &GBT9704,
        }
    }
}

/// A font role (字体角色): which family draws a kind of text. The family behind each role
/// comes from the document ([`crate::doc::Meta`]: bundled by default, department.yaml may
/// name others); the DOCX names the office font of the role ([`FontRole::docx_name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FontRole {
    /// 宋体
    Serif,
    /// 黑体
    Sans,
    /// 仿宋
    Fang,
    /// 楷体
    Kai,
}

impl FontRole {
    /// The name a Chinese office install has for the role, used in the DOCX for East Asian text.
    pub fn docx_name(self) -> &'static str {
        match self {
            FontRole::Serif => "宋体",
            FontRole::Sans => "黑体",
            FontRole::Fang => "仿宋",
            FontRole::Kai => "楷体",
        }
    }

    /// The name of the role's family in the Typst preamble (`serif`, `sans`, `fang`, `kai`).
    pub fn typst_name(self) -> &'static str {
        match self {
            FontRole::Serif => "serif",
            FontRole::Sans => "sans",
            FontRole::Fang => "fang",
            FontRole::Kai => "kai",
        }
    }
}

/// How the page number is printed in the footer (页码).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageNumber {
    /// The number alone, centred.
    Centered,
    /// "— 1 —" at the outer edge, one character in: right on odd pages, left on even ones
    /// (odd and even footers in the DOCX).
    OuterDashes,
}

/// One house style's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    /// Its name ([`HouseStyle::name`]).
    pub name: &'static str,
    /// Page width in millimetres (A4).
    pub page_width_mm: u32,
    /// Page height in millimetres (A4).
    pub page_height_mm: u32,
    /// Top margin (天头) in millimetres.
    pub margin_top_mm: u32,
    /// Bottom margin in millimetres.
    pub margin_bottom_mm: u32,
    /// Left margin (订口) in millimetres.
    pub margin_left_mm: u32,
    /// Right margin in millimetres.
    pub margin_right_mm: u32,
    /// Landscape pages: margins in millimetres (all sides).
    pub landscape_margin_mm: u32,
    /// Body text size in points.
    pub body_pt: u8,
    /// Heading sizes by level 1–4 in points.
    pub heading_pt: [u8; 4],
    /// Family role of headings by level 1–4.
    pub heading_font: [FontRole; 4],
    /// Headings by level 1–4 are bold.
    pub heading_bold: [bool; 4],
    /// Family role of body text.
    pub body_font: FontRole,
    /// Family role of table text.
    pub table_font: FontRole,
    /// Cover title size in points (一号 / 二号).
    pub title_pt: u8,
    /// Cover subtitle size in points.
    pub subtitle_pt: u8,
    /// Cover lines (项目名称 …) size in points.
    pub cover_pt: u8,
    /// Caption and note size in points (五号).
    pub small_pt: u8,
    /// Page number look.
    pub page_number: PageNumber,
    /// Page number size in points.
    pub page_number_pt: u8,
    /// Distance from the bottom of the text block to the top of the page number line, in
    /// millimetres (`None`: Typst's default, 30 % of the bottom margin; the DOCX puts the
    /// footer halfway into the margin).
    pub footer_gap_mm: Option<u32>,
    /// Line pitch (baseline to baseline) of text outside tables as a multiple of its font size:
    /// every line is exactly this high in both formats (Typst: text edges and no leading; DOCX:
    /// `w:lineRule="exact"`), so that the two lay out alike and the PDF's page numbers hold for
    /// the DOCX's 目录. Paragraphs add no space of their own.
    pub line_spacing: f32,
    /// Line pitch of table cell text as a multiple of the table's font size (compact, so that a
    /// form such as 公开04 fits its page).
    pub table_line_spacing: f32,
    /// Cell padding left and right, in points.
    pub cell_inset_x_pt: f32,
    /// Cell padding top and bottom, in points.
    pub cell_inset_y_pt: f32,
    /// Width of table rules in points. The PDF draws them over the cell edges; LibreOffice and
    /// Word make each row taller by the rule, so the DOCX's cell padding top and bottom is
    /// smaller by half of it.
    pub table_rule_pt: f32,
    /// A table of at most this many rows (header rows included) is never split across pages.
    pub whole_table_rows: usize,
    /// Space above a heading as a multiple of the heading's size (none at the top of a page;
    /// between two headings the larger of this and the space below the first counts).
    pub heading_above: f32,
    /// Space below a heading as a multiple of the heading's size.
    pub heading_below: f32,
    /// Where a CJK glyph's em box sits on its baseline: the part above it (the rest, 0.12 em,
    /// is below). A line of pitch `p` em puts half of `p − 1` em above and below the em box.
    pub em_ascent: f32,
    /// First-line indent of body paragraphs, in characters.
    pub indent_chars: u8,
    /// The 目录's page-number column, in ems of the entry's size: an entry's text wraps before
    /// it (continuation lines indented by [`Style::indent_chars`]), and its last line's dot
    /// leader runs on into it up to the right-aligned number, so that a long entry never
    /// leaves its number alone on a line and its leader is at least this column less the
    /// number long (the PDF's grid; the DOCX has the hanging indent but no such column, see
    /// `toc_entry_style` in `write/docx.rs`).
    pub toc_number_em: f32,
}

/// Today's look: A4, margins 25 mm top and bottom and 22 mm left and right, 宋体 小四 body,
/// 黑体 bold headings (三号, 四号, 小四, 小四), centred page numbers in 五号.
pub const STANDARD: Style = Style {
    name: "standard",
    page_width_mm: 210,
    page_height_mm: 297,
    margin_top_mm: 25,
    margin_bottom_mm: 25,
    margin_left_mm: 22,
    margin_right_mm: 22,
    landscape_margin_mm: 15,
    body_pt: 12,
    heading_pt: [16, 14, 12, 12],
    heading_font: [FontRole::Sans; 4],
    heading_bold: [true; 4],
    body_font: FontRole::Serif,
    table_font: FontRole::Serif,
    title_pt: 26,
    subtitle_pt: 22,
    cover_pt: 14,
    small_pt: 10,
    page_number: PageNumber::Centered,
    page_number_pt: 10,
    footer_gap_mm: None,
    line_spacing: 1.5,
    table_line_spacing: 1.2,
    cell_inset_x_pt: 3.0,
    cell_inset_y_pt: 1.0,
    table_rule_pt: 0.5,
    whole_table_rows: 8,
    heading_above: 1.0,
    heading_below: 0.5,
    em_ascent: 0.88,
    indent_chars: 2,
    toc_number_em: 3.5,
};

/// GB/T 9704-2012 (党政机关公文格式): 天头 37 mm, 订口 28 mm, a text block of 156 × 225 mm
/// (so 26 mm right, 35 mm bottom); body 仿宋 三号 at 22 lines to the block (a pitch of 29 pt);
/// 一级 headings 黑体, 二级 楷体, 三级 and 四级 仿宋 bold, all 三号; tables in 宋体;
/// "— 1 —" page numbers in 四号 宋体, 7 mm below the text block, at the outer edge.
pub const GBT9704: Style = Style {
    name: "gbt9704",
    margin_top_mm: 37,
    margin_bottom_mm: 35,
    margin_left_mm: 28,
    margin_right_mm: 26,
    body_pt: 16,
    heading_pt: [16, 16, 16, 16],
    heading_font: [FontRole::Sans, FontRole::Kai, FontRole::Fang, FontRole::Fang],
    heading_bold: [false, false, true, true],
    body_font: FontRole::Fang,
    table_font: FontRole::Serif,
    title_pt: 22,
    subtitle_pt: 16,
    cover_pt: 16,
    page_number: PageNumber::OuterDashes,
    page_number_pt: 14,
    footer_gap_mm: Some(7),
    // 225 mm / 22 lines = 29 pt a line: 29 / 16.
    line_spacing: 1.8125,
    heading_above: 0.5,
    heading_below: 0.0,
    ..STANDARD
};

/// Default family for the 宋体 role when the data names none (shipped in `fonts/`).
pub const DEFAULT_SERIF: &str = "Noto Serif CJK SC";
/// Default family for the 黑体 role (shipped in `fonts/`).
pub const DEFAULT_SANS: &str = "Noto Sans CJK SC";
/// Default family for the 仿宋 role (shipped in `fonts/`).
pub const DEFAULT_FANG: &str = "FandolFang R";
/// Default family for the 楷体 role (shipped in `fonts/`).
pub const DEFAULT_KAI: &str = "FandolKai";

/// The draft mark.
pub const DRAFT_MARK: &str = "仅供内部审核";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for n in HouseStyle::NAMES {
            assert_eq!(HouseStyle::from_name(n).map(HouseStyle::name), Some(*n));
            assert_eq!(HouseStyle::from_name(n).map(|h| h.style().name), Some(*n));
        }
        assert_eq!(HouseStyle::from_name("GB"), None);
    }

    #[test]
    fn gbt9704_text_block_is_156_by_225() {
        let s = &GBT9704;
        assert_eq!(s.page_width_mm - s.margin_left_mm - s.margin_right_mm, 156);
        assert_eq!(s.page_height_mm - s.margin_top_mm - s.margin_bottom_mm, 225);
        // 22 lines of body text fill the block (to the point).
        let block_pt = 225.0 * 72.0 / 25.4;
        assert!((block_pt / (f32::from(s.body_pt) * s.line_spacing) - 22.0).abs() < 0.05);
    }
}
