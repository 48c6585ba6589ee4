//! Typography on real output (#13 item 5), in both formats: no punctuation hangs into the
//! right margin, a value keeps its unit on one line, the columns of an indicator table are
//! sized by their content, and an indicator table breaks between its groups (header
//! repeated) instead of leaving most of a page blank. The PDF through `pdftotext
//! -bbox-layout` word boxes, the DOCX through its XML.

mod common;

use common::docx_text;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const SEED: &str = "data/lanxian-kfq-2024";

fn juesuan(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_juesuan")).args(args).output().expect("binary runs")
}

/// `juesuan report SEED id` (PDF and DOCX) into a temporary folder.
fn report(id: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = juesuan(&["report", SEED, id, "-o", tmp.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (pdf, docx) = (tmp.path().join(format!("lanxian-kfq-2024-{id}.pdf")), tmp.path().join(format!("lanxian-kfq-2024-{id}.docx")));
    (tmp, pdf, docx)
}

fn part(docx: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).expect("a zip archive");
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// A line of `pdftotext -bbox-layout`: its page (1-based), the page's width, the block it
/// belongs to (numbered through the document), its vertical extent (from the top) and its
/// words with their horizontal extent.
struct Line {
    page: usize,
    page_width: f64,
    block: usize,
    y: (f64, f64),
    words: Vec<(f64, f64, String)>,
}

fn attr(tag: &str, key: &str) -> f64 {
    tag.split(&format!(" {key}=\"")).nth(1).and_then(|v| v.split('"').next()).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{key} in {tag}"))
}

fn lines(pdf: &Path) -> Vec<Line> {
    let out = Command::new("pdftotext").args(["-bbox-layout", "-enc", "UTF-8"]).arg(pdf).arg("-").output().expect("pdftotext (poppler-utils) is installed");
    let xml = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut result = Vec::new();
    let mut block = 0;
    for (p, page) in xml.split("<page ").skip(1).enumerate() {
        let page_width = attr(&format!(" {}", &page[..page.find('>').unwrap()]), "width");
        for b in page.split("<block ").skip(1) {
            block += 1;
            for line in b.split("<line ").skip(1) {
                let line = &line[..line.find("</line>").unwrap()];
                let tag = format!(" {}", &line[..line.find('>').unwrap()]);
                let y = (attr(&tag, "yMin"), attr(&tag, "yMax"));
                let words = line
                    .split("<word ")
                    .skip(1)
                    .map(|w| {
                        let (tag, rest) = w.split_once('>').unwrap();
                        let text = rest.split("</word>").next().unwrap().replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
                        (attr(&format!(" {tag}"), "xMin"), attr(&format!(" {tag}"), "xMax"), text)
                    })
                    .collect();
                result.push(Line { page: p + 1, page_width, block, y, words });
            }
        }
    }
    result
}

/// Full-width punctuation: its box is an em wide, but Typst sets it half an em at the end of
/// a line (the mark sits in the left half), so its box, not its ink, passes the margin.
fn full_width_punctuation(c: char) -> bool {
    "，。、；：！？）》」』”’".contains(c)
}

/// No line of the booklet ends past its right margin: a Latin `,` `.` `-` no longer hangs
/// into it (Typst's `overhang`), and the DOCX turns Word's hanging punctuation off.
#[test]
fn no_punctuation_hangs_into_the_margin() {
    let tmp = tempfile::tempdir().unwrap();
    let out = juesuan(&["build", SEED, "-o", tmp.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mm = 72.0 / 25.4;
    let mut checked = 0;
    for line in lines(&tmp.path().join("lanxian-kfq-2024.pdf")) {
        let Some((_, x_max, text)) = line.words.last() else { continue };
        let Some(last) = text.chars().last() else { continue };
        if full_width_punctuation(last) {
            continue;
        }
        let margin = if line.page_width > 600.0 { 15.0 * mm } else { 22.0 * mm };
        let right = line.page_width - margin;
        assert!(*x_max <= right + 0.5, "page {}: a line ends {:.2} pt past the margin: …{}", line.page, x_max - right, text);
        checked += 1;
    }
    assert!(checked > 1000, "{checked} lines");
    let styles = part(&tmp.path().join("lanxian-kfq-2024.docx"), "word/styles.xml");
    let defaults = &styles[styles.find("<w:pPrDefault>").unwrap()..styles.find("</w:pPrDefault>").unwrap()];
    assert!(defaults.contains("<w:overflowPunct w:val=\"0\" />"), "{defaults}");
}

fn ideograph(c: char) -> bool {
    matches!(u32::from(c), 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// How far a line spreads its Chinese characters apart, in ems, at most, and that line.
/// pdftotext splits a line into words where its characters stand apart; justification spreads
/// every pair of a line alike, so a line counts by its third-widest gap between two Chinese
/// characters (a space written in the text, as in "第一部分 概况", is one gap).
fn widest_cjk_gap(pdf: &Path) -> (f64, String) {
    let mut widest = (0.0, String::new());
    for line in lines(pdf) {
        let mut gaps: Vec<f64> = line
            .words
            .windows(2)
            .filter(|pair| pair[0].2.chars().last().is_some_and(ideograph) && pair[1].2.chars().next().is_some_and(ideograph))
            .map(|pair| (pair[1].0 - pair[0].1) / (line.y.1 - line.y.0))
            .collect();
        gaps.sort_by(|a, b| b.total_cmp(a));
        if let Some(&gap) = gaps.get(2).filter(|&&g| g > widest.0) {
            let text: Vec<&str> = line.words.iter().map(|w| w.2.as_str()).collect();
            widest = (gap, format!("page {}: {}", line.page, text.join(" ")));
        }
    }
    widest
}

/// No justified line spreads its characters apart (the booklet's PDF page 96 once read
/// "年 初 预 算 数 2767000元"): a line that ends before a long number takes the shortfall
/// on its Chinese characters, at most a fraction of an em each; a code too long for that
/// (more than 16 letters and digits) may break, as in table cells. Both house styles.
#[test]
fn no_line_spreads_its_characters_apart() {
    let (tmp, dept) = common::copy_fixture("clean");
    let code = "LXKFQ2024ZFCG000012345678ABCDEF";
    common::replace_once(&dept, "projects/p01.yaml", "completion: \"", &format!("completion: \"项目采购合同经公开招标签订，合同编号为{code}，合同已全部履行完毕，"));
    for style in ["standard", "gbt9704"] {
        common::append(&dept, "department.yaml", &format!("house_style: {style}\n"));
        let out = tmp.path().join(style);
        let run = juesuan(&["build", dept.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "pdf"]);
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        let pdf = std::fs::read_dir(&out).unwrap().flatten().map(|e| e.path()).find(|p| p.extension().is_some_and(|x| x == "pdf")).unwrap();
        let (gap, line) = widest_cjk_gap(&pdf);
        assert!(gap < 0.3, "{style}: characters {gap:.2} em apart on {line}");
        let text = String::from_utf8(Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap().stdout).unwrap();
        assert!(text.replace('\n', "").contains(code), "{style}: the code is whole in the text");
        let info = std::fs::read_to_string(dept.join("department.yaml")).unwrap();
        std::fs::write(dept.join("department.yaml"), info.replace(&format!("house_style: {style}\n"), "")).unwrap();
    }
    let seed = tempfile::tempdir().unwrap();
    let run = juesuan(&["build", SEED, "-o", seed.path().to_str().unwrap(), "--format", "pdf"]);
    assert!(run.status.success());
    let (gap, line) = widest_cjk_gap(&seed.path().join("lanxian-kfq-2024.pdf"));
    assert!(gap < 0.3, "seed: characters {gap:.2} em apart on {line}");
}

/// The `<w:tbl>` of `xml` holding `text`.
fn table_with<'a>(xml: &'a str, text: &str) -> &'a str {
    let at = xml.find(text).unwrap_or_else(|| panic!("{text} in the DOCX"));
    let start = xml[..at].rfind("<w:tbl>").unwrap();
    &xml[start..start + xml[start..].find("</w:tbl>").unwrap()]
}

fn grid(table: &str) -> Vec<u32> {
    table.split("<w:gridCol w:w=\"").skip(1).map(|c| c.split('"').next().unwrap().parse().unwrap()).collect()
}

/// `=100100m³/h` and `=894371.00元` stay whole: their column is wide enough for them (the
/// indicator table's columns are sized by their content), in the PDF (one word on one line)
/// and in the DOCX (the cell's width); and the empty 定性值情况说明 column is narrow beside
/// the 偏差原因 column that holds text.
#[test]
fn a_value_keeps_its_unit_and_columns_fit_their_content() {
    for (id, value) in [("p19", "=100100m³/h"), ("p18", "=894371.00元")] {
        let (_tmp, pdf, docx) = report(id);
        let whole = lines(&pdf).iter().any(|l| l.words.iter().any(|w| w.2 == value));
        assert!(whole, "{id}: {value} broken across lines in the PDF");
        let xml = part(&docx, "word/document.xml");
        let table = table_with(&xml, "定性值情况说明");
        let cell = &table[table[..table.find(value).unwrap()].rfind("<w:tc>").unwrap()..];
        let width: u32 = cell.split("<w:tcW w:w=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        // 6.3 em of 8 pt, less the cell padding (3 pt a side), in twips.
        let needed = ((value.chars().count() as f64 * 0.6 * 8.0 + 6.0) * 20.0) as u32;
        assert!(width >= needed, "{id}: {value} in a cell {width} twips wide, needs {needed}");
        let cols = grid(table);
        assert_eq!(cols.len(), 10, "{cols:?}");
        assert!(docx_text(table).contains(value));
        if id == "p19" {
            assert!(cols[6] * 2 < cols[9], "the empty 定性值情况说明 column is as wide as 偏差原因: {cols:?}");
        }
    }
}

/// p19's indicator table does not fit under its 预算执行 table whole: it starts on that page
/// and breaks between its 二级指标 groups, inside the 产出指标 group, its header repeated on
/// the next page (it used to move whole to the next page, leaving 37 % of one blank). The
/// DOCX lets its rows break at the same places: the row before a new 二级指标 group is not
/// kept with the next one, though the 一级指标 cell spans both.
#[test]
fn an_indicator_table_breaks_between_its_groups() {
    let (_tmp, pdf, docx) = report("p19");
    let out = Command::new("pdftotext").args(["-layout", "-enc", "UTF-8"]).arg(&pdf).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let pages: Vec<String> = text.split('\u{c}').map(|p| p.chars().filter(|c| !c.is_whitespace()).collect()).collect();
    let budget = pages.iter().rposition(|p| p.contains("（一）预算执行情况")).expect("the budget table (after the 目录)");
    assert!(pages[budget].contains("（二）绩效指标完成情况") && pages[budget].contains("产出指标"), "the indicator table starts on the budget table's page");
    assert!(pages[budget + 1].contains("一级指标二级指标指标名称"), "its header repeats on the next page");

    let xml = part(&docx, "word/document.xml");
    let table = table_with(&xml, "定性值情况说明");
    let rows: Vec<&str> = table.split("<w:tr>").skip(1).collect();
    let cost = rows.iter().position(|r| docx_text(r).starts_with("成本指标")).expect("the 成本指标 row");
    assert!(rows[cost].contains("<w:vMerge w:val=\"continue\""), "成本指标 is inside the 产出指标 span");
    assert!(!rows[cost - 1].contains("<w:keepNext />"), "the row before a 二级指标 group may end a page");
    assert!(rows[cost - 2].contains("<w:keepNext />"), "rows inside a 二级指标 group stay together");
}

/// p19's indicator table breaks inside its 产出指标 group (see above): the 一级指标 cell of
/// the continuation page names the group, "产出指标（续）", beside the first row there (成本指标
/// / 项目投资成本); a table repeats its header but not a row span's text, and the cell was
/// blank.
#[test]
fn a_split_indicator_group_is_named_on_the_next_page() {
    let (_tmp, pdf, _docx) = report("p19");
    let lines = lines(&pdf);
    let word = |l: &Line, w: &str| l.words.iter().find(|x| x.2 == w).map(|x| (x.0, x.1));
    let heads: Vec<&Line> = lines.iter().filter(|l| word(l, "一级指标").is_some()).collect();
    assert!(heads.len() >= 2, "the indicator table's header repeats on its continuation page");
    let head = heads[1];
    let page: Vec<&Line> = lines.iter().filter(|l| l.page == head.page).collect();
    // The 一级指标 column ends where the 二级指标 column starts.
    let column_end = page.iter().find_map(|l| word(l, "二级指标")).expect("the 二级指标 header").0;
    let first = page.iter().find(|l| word(l, "项目投资成本").is_some()).expect("the first row on the continuation page");
    let second = page.iter().find(|l| word(l, "促进区域经济发").is_some()).expect("the second row");
    let label: Vec<&&Line> =
        page.iter().filter(|l| l.words.iter().all(|w| w.1 <= column_end) && l.y.0 > head.y.1 && l.y.1 <= second.y.0).collect();
    let text: String = label.iter().flat_map(|l| l.words.iter().map(|w| w.2.as_str())).collect();
    assert!(text.starts_with("产出指标"), "page {}: the 一级指标 cell beside the first row reads {text:?}", head.page);
    let (top, bottom) = label.iter().fold((f64::MAX, f64::MIN), |(t, b), l| (t.min(l.y.0), b.max(l.y.1)));
    assert!(top < first.y.1 && bottom > first.y.0, "the group's name beside its first row on the page");
}

/// The booklet's DOCX tags Latin text en-US and Chinese text zh-CN (`w:lang w:val="en-US"
/// w:eastAsia="zh-CN"` in the run defaults, which every style inherits; nothing overrides
/// it). With `w:val="zh-CN"`, LibreOffice broke lines inside numbers by the Chinese rules:
/// "96.|63%", "执行率100|%", "2020年1|2月" (16 such breaks in the seed booklet). Where
/// LibreOffice is installed, the converted booklet has no line of a paragraph or cell that
/// ends inside a number continued on the next line.
#[test]
fn docx_latin_text_is_en_us_so_numbers_stay_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let out = juesuan(&["build", SEED, "-o", tmp.path().to_str().unwrap(), "--format", "docx"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let docx = tmp.path().join("lanxian-kfq-2024.docx");
    let styles = part(&docx, "word/styles.xml");
    let defaults = &styles[styles.find("<w:rPrDefault>").unwrap()..styles.find("</w:rPrDefault>").unwrap()];
    assert!(defaults.contains("<w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" />"), "{defaults}");
    let xml = part(&docx, "word/document.xml");
    assert_eq!(styles.matches("<w:lang ").count(), 1, "no style sets a language of its own");
    assert!(!xml.contains("<w:lang "), "no run sets a language of its own");

    if !(Command::new("soffice").arg("--version").output().is_ok_and(|o| o.status.success())
        && Path::new("/usr/lib/libreoffice/program/libswlo.so").exists())
    {
        eprintln!("LibreOffice Writer not installed: the converted text is not checked (bash .ci/run installs it)");
        return;
    }
    let lo = tmp.path().join("lo");
    let profile = format!("-env:UserInstallation=file://{}", tmp.path().join("profile").display());
    let s = Command::new("soffice").args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"]).arg(&lo).arg(&docx).output().unwrap();
    let pdf = lo.join("lanxian-kfq-2024.pdf");
    assert!(pdf.is_file(), "LibreOffice converted the booklet: {}", String::from_utf8_lossy(&s.stderr));
    // Each paragraph's text (a cell's too), without spaces: two lines of a block are two
    // lines of one paragraph when their texts run on in one of these.
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let paragraphs: Vec<String> = xml.split("</w:p>").map(|p| squash(&docx_text(p))).filter(|p| !p.is_empty()).collect();
    let lines = lines(&pdf);
    assert!(lines.len() > 3000, "{} lines", lines.len());
    let mut broken = Vec::new();
    for pair in lines.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let (Some(first), true) = (b.words.first(), a.block == b.block) else { continue };
        let end: String = a.words.iter().map(|w| w.2.as_str()).collect();
        let mut tail = end.chars().rev();
        let ends_in_number = match tail.next() {
            Some(c) if c.is_ascii_digit() => true,
            Some(',' | '.') => tail.next().is_some_and(|c| c.is_ascii_digit()),
            _ => false,
        };
        let starts_number = first.2.starts_with(|c: char| c.is_ascii_digit() || c == '%');
        // Four characters at least: a column of short figures (行次, scores) is not a paragraph.
        if ends_in_number && starts_number && end.chars().count() >= 4 {
            let joined = format!("{end}{}", first.2);
            if paragraphs.iter().any(|p| p.contains(&joined)) {
                let skip = end.chars().count().saturating_sub(24);
                broken.push(format!("page {}: …{} | {}", a.page, end.chars().skip(skip).collect::<String>(), first.2));
            }
        }
    }
    assert!(broken.is_empty(), "numbers broken across lines by LibreOffice:\n{}", broken.join("\n"));
}
