//! One table of style settings that every writer follows, so that the PDF and the DOCX
//! look alike: page, margins, font roles and sizes. `templates/style.typ` reads these
//! values through the generated preamble; the DOCX writer sets its styles from them.
//! The `f32`s here are typographic measures (points, multiples of a font size), never money:
//! amounts are `rust_decimal` from the YAML text to the printed string (`crate::money`).

/// Page width of A4 in millimetres.
pub const PAGE_WIDTH_MM: u32 = 210;
/// Page height of A4 in millimetres.
pub const PAGE_HEIGHT_MM: u32 = 297;
/// Top and bottom margin in millimetres.
pub const MARGIN_Y_MM: u32 = 25;
/// Left and right margin in millimetres.
pub const MARGIN_X_MM: u32 = 22;
/// Landscape pages: margins in millimetres (all sides).
pub const LANDSCAPE_MARGIN_MM: u32 = 15;

/// Body text size in points (小四).
pub const BODY_PT: u8 = 12;
/// Heading sizes by level 1–4 in points (三号, 四号, 小四, 小四).
pub const HEADING_PT: [u8; 4] = [16, 14, 12, 12];
/// Cover title size in points (一号).
pub const TITLE_PT: u8 = 26;
/// Cover subtitle size in points (二号).
pub const SUBTITLE_PT: u8 = 22;
/// Cover lines (项目名称 …) size in points (四号).
pub const COVER_PT: u8 = 14;
/// Caption and note size in points (五号).
pub const SMALL_PT: u8 = 10;
/// Line pitch (baseline to baseline) of text outside tables as a multiple of its font size:
/// every line is exactly this high in both formats (Typst: text edges and no leading; DOCX:
/// `w:lineRule="exact"`), so that the two lay out alike and the PDF's page numbers hold for
/// the DOCX's 目录. Paragraphs add no space of their own.
pub const LINE_SPACING: f32 = 1.5;
/// Line pitch of table cell text as a multiple of the table's font size (compact, so that a
/// form such as 公开04 fits its page).
pub const TABLE_LINE_SPACING: f32 = 1.2;
/// Cell padding left and right, in points.
pub const CELL_INSET_X_PT: f32 = 3.0;
/// Cell padding top and bottom, in points.
pub const CELL_INSET_Y_PT: f32 = 1.0;
/// Width of table rules in points. The PDF draws them over the cell edges; LibreOffice and
/// Word make each row taller by the rule, so the DOCX's cell padding top and bottom is
/// smaller by half of it.
pub const TABLE_RULE_PT: f32 = 0.5;
/// A table of at most this many rows (header rows included) is never split across pages.
pub const WHOLE_TABLE_ROWS: usize = 8;
/// Space above a heading as a multiple of the heading's size (none at the top of a page; between
/// two headings the larger of this and the space below the first counts).
pub const HEADING_ABOVE: f32 = 1.0;
/// Space below a heading as a multiple of the heading's size.
pub const HEADING_BELOW: f32 = 0.5;
/// Where a CJK glyph's em box sits on its baseline: the part above it (the rest, 0.12 em,
/// is below). A line of pitch `p` em puts half of `p − 1` em above and below the em box.
pub const EM_ASCENT: f32 = 0.88;
/// First-line indent of body paragraphs, in characters.
pub const INDENT_CHARS: u8 = 2;

/// Default family for the 宋体 role when the data names none (shipped in `fonts/`).
pub const DEFAULT_SERIF: &str = "Noto Serif CJK SC";
/// Default family for the 黑体 role (shipped in `fonts/`).
pub const DEFAULT_SANS: &str = "Noto Sans CJK SC";
/// Names a Chinese Office install has, used in the DOCX for East Asian text.
pub const DOCX_SERIF: &str = "宋体";
/// 黑体 for headings in the DOCX.
pub const DOCX_SANS: &str = "黑体";

/// The draft mark.
pub const DRAFT_MARK: &str = "仅供内部审核";
