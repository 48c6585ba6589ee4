//! The DOCX writer on a hand-built document that has every kind of block: cover, 目录 (whole
//! and scoped), headings in and out of the outline, body text with strong runs and breaks,
//! a form table with merged header cells, a landscape section, the draft mark and a hostile
//! string. The package is unzipped and its XML checked; the file is left at
//! `target/docx-writer-sample.docx` for `scripts/validate-docx.sh`.

use juesuan::doc::{Align, Block, Cell, Document, Meta, ParaStyle, Run, Table};
use juesuan::write::docx::{docx, docx_with_pages};
use std::collections::BTreeMap;
use std::io::Read;

/// Every markup character of Typst, XML and templates, quotes, and a control character.
const HOSTILE: &str = "#read(\"/etc/passwd\") $x$ *a* _b_ [c] <d> @e \\f {{ g }} & \" '\u{1}";
/// What must be left of it: everything but the control character.
const HOSTILE_SHOWN: &str = "#read(\"/etc/passwd\") $x$ *a* _b_ [c] <d> @e \\f {{ g }} & \" '";

fn heading(level: u8, text: &str, outline: bool) -> Block {
    Block::Heading { level, text: text.into(), outline, align: Align::Left }
}

fn para(style: ParaStyle, runs: Vec<Run>) -> Block {
    Block::Paragraph { style, align: None, runs }
}

fn text(s: &str) -> Run {
    Run::Text(s.into())
}

fn cell(text: &str, colspan: u16, rowspan: u16, align: Align, strong: bool) -> Cell {
    Cell { text: text.into(), colspan, rowspan, align, strong, breakable: false }
}

fn head(text: &str, colspan: u16, rowspan: u16) -> Cell {
    cell(text, colspan, rowspan, Align::Center, true)
}

fn num(text: &str) -> Cell {
    cell(text, 1, 1, Align::Right, false)
}

/// A 收入支出决算表-like form: 项目 spans two header rows, 金额 spans two columns.
fn form_table() -> Table {
    let mut rows = vec![
        vec![head("项目", 1, 2), head("金额", 2, 1), head("备注", 1, 2)],
        vec![head("本年", 1, 1), head("上年", 1, 1)],
    ];
    for (i, (a, b)) in [("1,234.56", "1,000.00"), ("78.90", "0.00"), ("1,313.46", "1,000.00")].iter().enumerate() {
        rows.push(vec![
            cell(&format!("科目{}", i + 1), 1, 1, Align::Left, false),
            num(a),
            num(b),
            cell("", 1, 1, Align::Left, false),
        ]);
    }
    Table { widths: vec![4, 2, 2, 2], header_rows: 2, rows, font_size: 9 }
}

/// A table too wide for portrait: twelve columns.
fn wide_table() -> Table {
    let mut rows = vec![(1..=12).map(|i| head(&format!("栏{i}"), 1, 1)).collect::<Vec<_>>()];
    for r in 0..3 {
        rows.push((1..=12).map(|i| num(&format!("{}.{:02}", r * 100 + i, i))).collect());
    }
    Table { widths: vec![3; 12], header_rows: 1, rows, font_size: 8 }
}

fn sample() -> Document {
    let blocks = vec![
        para(ParaStyle::Title, vec![text("某某开发区管理委员会")]),
        para(ParaStyle::Subtitle, vec![text("2024年度部门决算")]),
        para(ParaStyle::Center, vec![text("二〇二五年五月")]),
        Block::PageBreak,
        Block::Toc { title: "目  录".into(), depth: 2, scope: None },
        Block::PageBreak,
        heading(1, "第一部分 部门概况", true),
        heading(2, "一、主要职能", true),
        para(
            ParaStyle::Body,
            vec![text("本部门"), Run::Strong("主要职能".into()), text("是："), Run::Break, text(HOSTILE)],
        ),
        heading(3, "（一）机构设置", true),
        para(ParaStyle::Body, vec![text("正文段落，首行缩进两个字符，两端对齐。")]),
        heading(2, "说明（不列入目录）", false),
        para(ParaStyle::Caption, vec![text("部门名称：某某开发区管理委员会    金额单位：万元")]),
        Block::Table(form_table()),
        para(ParaStyle::Note, vec![text("注：本表反映部门本年度的总收支和年末结转结余情况。")]),
        Block::Orientation { landscape: true },
        heading(2, "二、横排附表", true),
        Block::Table(wide_table()),
        Block::Orientation { landscape: false },
        Block::Toc { title: "自评报告目录".into(), depth: 3, scope: Some("r1".into()) },
        Block::Anchor { name: "r1-start".into() },
        heading(1, "项目支出绩效自评报告", true),
        heading(2, "一、项目基本情况", true),
        para(ParaStyle::Plain, vec![text("无缩进的段落。")]),
        Block::Space { pt: 24 },
        Block::Anchor { name: "r1-end".into() },
        heading(1, "第三部分 名词解释", true),
        para(ParaStyle::Body, vec![text("最后一段。")]),
    ];
    Document {
        meta: Meta {
            title: "某某开发区管理委员会2024年度部门决算".into(),
            author: "某某开发区管理委员会".into(),
            date: Some("2025-05-20".into()),
            lang: "zh-CN".into(),
            draft: true,
            serif: "Noto Serif CJK SC".into(),
            sans: "Noto Sans CJK SC".into(),
            fang: "FandolFang R".into(),
            kai: "FandolKai".into(),
            house_style: Default::default(),
        },
        blocks,
    }
}

/// All entries of the package by name.
fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    let mut parts = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        assert_eq!(f.last_modified(), Some(zip::DateTime::default()), "{}: fixed timestamp", f.name());
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        parts.insert(f.name().to_string(), s);
    }
    parts
}

/// The paragraphs (`<w:p …>…</w:p>`) of a part, whole.
fn paragraphs(xml: &str) -> Vec<&str> {
    xml.split("<w:p ").skip(1).map(|p| p.split("</w:p>").next().unwrap()).collect()
}

/// The text of the `w:t` elements of `xml`, unescaped.
fn texts(xml: &str) -> String {
    let mut out = String::new();
    for piece in xml.split("<w:t").skip(1) {
        // `<w:t>` or `<w:t …>`, not `<w:tab …>`.
        if !piece.starts_with(['>', ' ']) {
            continue;
        }
        let Some(body) = piece.split_once('>').map(|(_, b)| b) else { continue };
        out.push_str(&unescape(body.split("</w:t>").next().unwrap()));
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// Texts of the paragraphs in `style`.
fn in_style(xml: &str, style: &str) -> Vec<String> {
    let tag = format!("<w:pStyle w:val=\"{style}\" />");
    paragraphs(xml).into_iter().filter(|p| p.contains(&tag)).map(texts).collect()
}

#[test]
fn docx_writer_sample() {
    let doc = sample();
    let bytes = docx(&doc).expect("the writer succeeds");
    let again = docx(&doc).expect("the writer succeeds again");
    assert!(bytes == again, "two builds of the same document are byte-identical");

    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/docx-writer-sample.docx");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    std::fs::write(&out, &bytes).unwrap();

    let parts = unzip(&bytes);
    let document = &parts["word/document.xml"];

    // Text is literal and valid XML: escaped, control character gone.
    assert!(
        document
            .contains("#read(&quot;/etc/passwd&quot;) $x$ *a* _b_ [c] &lt;d&gt; @e \\f {{ g }} &amp; &quot; &apos;"),
        "hostile string escaped"
    );
    assert!(texts(document).contains(HOSTILE_SHOWN));
    assert!(!document.contains('\u{1}'), "no control character");
    assert!(document.contains("<w:br w:type=\"textWrapping\" />"), "Run::Break is a w:br");

    // Headings: built-in styles; the one out of the outline uses a look-alike style.
    assert_eq!(in_style(document, "Heading1"), ["第一部分 部门概况", "项目支出绩效自评报告", "第三部分 名词解释"]);
    assert_eq!(in_style(document, "Heading3"), ["（一）机构设置"]);
    assert_eq!(in_style(document, "MinorHeading2"), ["说明（不列入目录）"]);
    let styles = &parts["word/styles.xml"];
    assert!(styles.contains("<w:name w:val=\"heading 1\" />") && styles.contains("<w:outlineLvl w:val=\"0\" />"));
    assert!(styles.contains("w:firstLineChars=\"200\""), "body text: two-character indent");
    assert!(styles.contains("w:eastAsia=\"宋体\"") && styles.contains("w:eastAsia=\"黑体\""));

    // The whole 目录: a TOC field filled with the outline headings down to level 2.
    assert!(document.contains("TOC \\o \"1-2\" \\h \\z \\u"), "TOC field instruction");
    assert!(
        document.contains("<w:fldChar w:fldCharType=\"begin\"")
            && document.contains("<w:fldChar w:fldCharType=\"separate\"")
    );
    let toc1 = in_style(document, "TOC1");
    let toc2 = in_style(document, "TOC2");
    assert_eq!(toc1, ["第一部分 部门概况", "项目支出绩效自评报告", "第三部分 名词解释", "项目支出绩效自评报告"]);
    assert_eq!(toc2, ["一、主要职能", "二、横排附表", "一、项目基本情况", "一、项目基本情况"]);
    assert!(!document.contains(">说明（不列入目录）</w:t></w:r></w:hyperlink>"), "outline: false stays out");
    assert!(in_style(document, "TOC3").is_empty(), "the booklet's 目录 stops at level 2, the scope has no level 3");
    // The scoped 目录: a bookmark over the scope and the \b switch.
    assert!(document.contains("TOC \\o \"1-3\" \\b r_r1 \\h \\z \\u"));
    assert!(document.contains("w:name=\"r_r1\""));
    assert!(document.contains("PAGEREF _Toc"), "entries carry page references");

    // Tables: repeated header rows, merged cells, right-aligned numbers, borders, sizes.
    assert_eq!(document.matches("<w:tblHeader />").count(), 3, "2 header rows + 1");
    assert!(document.contains("<w:gridSpan w:val=\"2\" />"));
    assert!(
        document.contains("<w:vMerge w:val=\"restart\" />") && document.contains("<w:vMerge w:val=\"continue\" />")
    );
    assert!(document.contains("<w:jc w:val=\"right\" />"));
    assert!(document.contains("<w:insideV w:val=\"single\""));
    // 9 pt table text: the cells name the 9 pt 表格文字 style, which carries the size.
    assert!(document.contains("<w:pStyle w:val=\"TableText9\" />"), "9 pt table text");
    assert!(!document.contains("<w:sz w:val=\"18\" />"), "no direct 9 pt size on runs");
    let styles = &parts["word/styles.xml"];
    let at = styles.find("w:styleId=\"TableText9\"").expect("the 9 pt table style");
    assert!(styles[at..].split("</w:style>").next().unwrap().contains("<w:sz w:val=\"18\" />"), "the style's size");

    // Sections: a landscape one; every section has the footer and the draft header.
    assert!(document.contains("w:orient=\"landscape\""));
    let sections: Vec<&str> = document.split("<w:sectPr>").skip(1).collect();
    assert_eq!(sections.len(), 3, "portrait, landscape, portrait");
    for s in &sections {
        assert!(s.contains("<w:footerReference w:type=\"default\" r:id=\"rIdFooter1\" />"), "footer in every section");
        assert!(
            s.contains("<w:headerReference w:type=\"default\" r:id=\"rIdHeader1\" />"),
            "draft header in every section"
        );
    }
    let rels = &parts["word/_rels/document.xml.rels"];
    assert!(rels.contains("Id=\"rIdFooter1\"") && rels.contains("Target=\"footer1.xml\""));
    assert!(parts["word/footer1.xml"].contains(" PAGE "), "page number field in the footer");
    assert!(parts["word/header1.xml"].contains("仅供内部审核"), "draft mark");

    // Metadata without the clock.
    let core = &parts["docProps/core.xml"];
    assert!(core.contains("<dc:title>某某开发区管理委员会2024年度部门决算</dc:title>"));
    assert!(
        core.contains("<dc:creator>某某开发区管理委员会</dc:creator>")
            && core.contains("<dc:language>zh-CN</dc:language>")
    );
    assert!(core.contains(">2025-05-20T00:00:00Z</dcterms:created>"));
    assert!(!core.contains("1970"));
}

#[test]
fn no_draft_no_header_and_no_date_no_dates() {
    let mut doc = sample();
    doc.meta.draft = false;
    doc.meta.date = None;
    let parts = unzip(&docx(&doc).unwrap());
    assert!(!parts.keys().any(|k| k.starts_with("word/header")));
    assert!(!parts["word/document.xml"].contains("headerReference"));
    assert!(!parts["docProps/core.xml"].contains("dcterms:"));
    assert!(!parts.values().any(|p| p.contains("仅供内部审核")));
}

#[test]
fn malformed_table_is_an_error() {
    let mut doc = sample();
    doc.blocks = vec![Block::Table(Table {
        widths: vec![1],
        header_rows: 0,
        rows: vec![vec![num("1"), num("2")]],
        font_size: 9,
    })];
    let err = docx(&doc).unwrap_err();
    assert!(err.to_string().contains("more cells"), "{err}");
}

/// The `PAGEREF` results of the 目录 entries in order (empty when not filled).
fn pageref_results(xml: &str) -> Vec<String> {
    xml.split("PAGEREF _Toc")
        .skip(1)
        .map(|after| {
            let result = after.split("w:fldCharType=\"separate\"").nth(1).unwrap_or("");
            let result = result.split("w:fldCharType=\"end\"").next().unwrap_or("");
            texts(result)
        })
        .collect()
}

#[test]
fn main_matter_and_toc_page_numbers() {
    let mut doc = sample();
    // Cover and 目录 are front matter: the main matter starts where the first part does.
    let at = doc.blocks.iter().position(|b| matches!(b, Block::Heading { .. })).unwrap();
    doc.blocks[at - 1] = Block::MainMatter;
    let pages: Vec<(usize, u32)> = doc
        .blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| matches!(b, Block::Heading { outline: true, .. }))
        .enumerate()
        .map(|(k, (i, _))| (i, k as u32 + 1))
        .collect();

    let filled = unzip(&docx_with_pages(&doc, Some(&pages)).unwrap());
    let xml = &filled["word/document.xml"];
    // Whole 目录 (levels 1–2), then the scoped one (r1).
    assert_eq!(pageref_results(xml), ["1", "2", "4", "5", "6", "7", "5", "6"]);
    assert!(!xml.contains("w:dirty=\"true\""), "every number known: nothing for Word to refresh on opening");
    let sections: Vec<&str> = xml.split("<w:sectPr>").skip(1).collect();
    assert_eq!(sections.len(), 4, "front matter, portrait, landscape, portrait");
    assert!(!sections[0].contains("footerReference"), "no page number on cover and 目录");
    assert!(sections[0].contains("headerReference"), "the draft mark stays");
    assert!(sections[1].contains("footerReference") && sections[1].contains("<w:pgNumType w:start=\"1\" />"));
    assert!(sections[2..].iter().all(|s| s.contains("footerReference") && !s.contains("pgNumType")));

    // Without a layout the numbers are left blank and Word refreshes them.
    let blank = unzip(&docx(&doc).unwrap());
    let xml = &blank["word/document.xml"];
    assert!(pageref_results(xml).iter().all(String::is_empty));
    assert!(xml.contains("w:dirty=\"true\""));
}

#[test]
fn lines_are_exact_and_merged_rows_stay_together() {
    let parts = unzip(&docx(&sample()).unwrap());
    let styles = &parts["word/styles.xml"];
    // 12 pt body at 1.5: exactly 18 pt, as the PDF's lines.
    assert!(
        styles.contains("<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"360\" w:lineRule=\"exact\" />"),
        "{styles}"
    );
    assert!(styles.contains("<w:autoSpaceDE w:val=\"0\" />") && styles.contains("<w:widowControl />"));
    let xml = &parts["word/document.xml"];
    // 9 pt cells at 1.2: 10.8 pt, in their style.
    let at = styles.find("w:styleId=\"TableText9\"").expect("the 9 pt table style");
    assert!(styles[at..].split("</w:style>").next().unwrap().contains("w:line=\"216\" w:lineRule=\"exact\""));
    // The small form is kept whole: every row keeps with the next.
    assert_eq!(kept_rows(xml, 0), [true, true, true, true, false]);

    // A long table: header rows and rows of a row span keep with the next, others do not.
    let mut long = form_table();
    long.rows.extend((0..8).map(|i| {
        vec![cell(&format!("行{i}"), 1, 1, Align::Left, false), num("1"), num("2"), cell("", 1, 1, Align::Left, false)]
    }));
    long.rows[6][0].rowspan = 2;
    long.rows[7].remove(0);
    let mut doc = sample();
    doc.blocks = vec![Block::Table(long)];
    let xml = &unzip(&docx(&doc).unwrap())["word/document.xml"];
    let kept = kept_rows(xml, 0);
    assert_eq!(kept.len(), 13);
    assert_eq!(kept.iter().enumerate().filter(|(_, k)| **k).map(|(i, _)| i).collect::<Vec<_>>(), [0, 1, 6]);
}

/// For each row of the `n`-th table: does it keep with the next one?
fn kept_rows(xml: &str, n: usize) -> Vec<bool> {
    let table = xml.split("<w:tbl>").nth(n + 1).unwrap().split("</w:tbl>").next().unwrap();
    table.split("<w:tr>").skip(1).map(|r| r.contains("<w:keepNext />")).collect()
}
