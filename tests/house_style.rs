//! The house styles (版式风格) on real output: a department with `house_style: gbt9704`
//! gets the GB/T 9704-2012 look in both formats — 仿宋 body text (the bundled FandolFang in
//! the PDF, the office's 仿宋 in the DOCX) in 三号, the standard's margins and text block,
//! "— 1 —" page numbers at the outer edge — and the standard style keeps today's look.

mod common;

use common::{copy_dir, fixture, BIN};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Millimetres → PDF points.
fn pt(mm: f64) -> f64 {
    mm * 72.0 / 25.4
}

fn juesuan(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).output().expect("binary runs")
}

fn part(docx: &Path, name: &str) -> String {
    let f = std::fs::File::open(docx).unwrap();
    let mut z = zip::ZipArchive::new(f).expect("a zip archive");
    let mut s = String::new();
    z.by_name(name).unwrap_or_else(|_| panic!("{name} in the package")).read_to_string(&mut s).unwrap();
    s
}

/// A copy of the clean fixture with `extra` appended to its department.yaml, in `root/name`.
fn department(root: &Path, name: &str, extra: &str) -> PathBuf {
    let dir = root.join(name);
    copy_dir(&fixture("clean"), &dir);
    let file = dir.join("department.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}{extra}")).unwrap();
    dir
}

/// Builds `dir` (both formats) into `out`; panics with the stderr on failure.
fn build(dir: &Path, out: &Path) {
    let o = juesuan(&["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The fixture built in the gbt9704 style and in the standard style, once for all tests:
/// (guard, gbt9704 output folder, standard output folder).
fn built() -> &'static (tempfile::TempDir, PathBuf, PathBuf) {
    static B: OnceLock<(tempfile::TempDir, PathBuf, PathBuf)> = OnceLock::new();
    B.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let gb = department(tmp.path(), "gb", "house_style: gbt9704\n");
        let std_dir = department(tmp.path(), "std", "");
        let (gb_out, std_out) = (tmp.path().join("out-gb"), tmp.path().join("out-std"));
        build(&gb, &gb_out);
        build(&std_dir, &std_out);
        (tmp, gb_out, std_out)
    })
}

fn gb_pdf() -> PathBuf {
    built().1.join("gb.pdf")
}

fn gb_docx() -> PathBuf {
    built().1.join("gb.docx")
}

/// `pdffonts` of a PDF: the font names it embeds.
fn pdffonts(pdf: &Path) -> String {
    let o = Command::new("pdffonts").arg(pdf).output().expect("pdffonts (poppler-utils) is installed");
    assert!(o.status.success());
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A word of `pdftotext -bbox`: text, xMin, yMin, xMax, yMax (points, from the top left).
#[derive(Debug, Clone)]
struct Word {
    text: String,
    x0: f64,
    y0: f64,
    x1: f64,
}

/// The words of each page of `pdf`, with their boxes (`pdftotext -bbox`).
fn pages(pdf: &Path) -> Vec<Vec<Word>> {
    let o = Command::new("pdftotext").args(["-bbox", "-enc", "UTF-8"]).arg(pdf).arg("-").output().unwrap();
    let html = String::from_utf8_lossy(&o.stdout).into_owned();
    let attr = |tag: &str, name: &str| -> f64 {
        let key = format!("{name}=\"");
        let at = tag.find(&key).unwrap() + key.len();
        tag[at..at + tag[at..].find('"').unwrap()].parse().unwrap()
    };
    html.split("<page ")
        .skip(1)
        .map(|page| {
            page.split("<word ")
                .skip(1)
                .map(|w| {
                    let (tag, rest) = w.split_once('>').unwrap();
                    let text = rest.split("</word>").next().unwrap().to_string();
                    Word { x0: attr(tag, "xMin"), y0: attr(tag, "yMin"), x1: attr(tag, "xMax"), text }
                })
                .collect()
        })
        .collect()
}

/// The footer line of a page: the words below the text block, left to right.
fn footer(words: &[Word], block_bottom: f64) -> Vec<Word> {
    let mut f: Vec<Word> = words.iter().filter(|w| w.y0 > block_bottom).cloned().collect();
    f.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    f
}

#[test]
fn gbt9704_pdf_draws_body_text_in_fandolfang_and_headings_in_fandolkai() {
    let fonts = pdffonts(&gb_pdf());
    assert!(fonts.contains("FandolFang"), "仿宋 body: {fonts}");
    assert!(fonts.contains("FandolKai"), "楷体 二级 headings: {fonts}");
    assert!(fonts.contains("NotoSerifCJK"), "宋体 tables: {fonts}");
    assert!(fonts.contains("NotoSansCJK"), "黑体 一级 headings: {fonts}");
    let standard = pdffonts(&built().2.join("std.pdf"));
    assert!(!standard.contains("Fandol"), "the standard style draws with the fonts it always had: {standard}");
}

#[test]
fn gbt9704_pdf_has_the_text_block_of_the_standard() {
    let all = pages(&gb_pdf());
    // The 概况's first page (after cover and 目录): full lines of body text.
    let (left, right, top, bottom) = (pt(28.0), pt(210.0 - 26.0), pt(37.0), pt(297.0 - 35.0));
    let body: Vec<&Vec<Word>> = all.iter().filter(|p| p.iter().any(|w| w.text.contains("职责"))).collect();
    let page = body.first().expect("a page with the 职责");
    let inside: Vec<&Word> = page.iter().filter(|w| w.y0 < bottom).collect();
    let x0 = inside.iter().map(|w| w.x0).fold(f64::MAX, f64::min);
    let x1 = inside.iter().map(|w| w.x1).fold(0.0, f64::max);
    let y0 = inside.iter().map(|w| w.y0).fold(f64::MAX, f64::min);
    assert!((x0 - left).abs() < 1.5, "text starts at {x0} pt, the block at {left} pt");
    assert!(x1 <= right + 1.0 && x1 > right - 17.0, "text ends at {x1} pt, the block at {right} pt");
    // The first line's glyphs lie in its 29 pt line, which starts at the top of the block.
    assert!(y0 >= top - 0.5 && y0 < top + 12.0, "first line at {y0} pt, the block at {top} pt");
    // A full line of 仿宋 三号: 156 mm hold 27 characters of 16 pt.
    let standard = pages(&built().2.join("std.pdf"));
    let std_page = standard.iter().find(|p| p.iter().any(|w| w.text.contains("职责"))).unwrap();
    let std_x0 = std_page.iter().map(|w| w.x0).fold(f64::MAX, f64::min);
    assert!((std_x0 - pt(22.0)).abs() < 1.5, "standard style: text starts at {std_x0} pt");
}

#[test]
fn gbt9704_pdf_page_numbers_are_dashed_at_the_outer_edge() {
    let all = pages(&gb_pdf());
    let bottom = pt(297.0 - 35.0);
    let (left, right) = (pt(28.0), pt(210.0 - 26.0));
    let mut seen = 0;
    for words in &all {
        let f = footer(words, bottom);
        let Some(pos) = f.iter().position(|w| w.text.chars().all(|c| c.is_ascii_digit()) && !w.text.is_empty()) else {
            continue;
        };
        let n: u32 = f[pos].text.parse().unwrap();
        let text: Vec<&str> = f.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(text, ["—", &f[pos].text, "—"], "page {n}: footer {text:?}");
        let (x0, x1) = (f[0].x0, f[2].x1);
        if n % 2 == 1 {
            // Right, one character (四号, 14 pt) in from the edge of the block.
            assert!((x1 - (right - 14.0)).abs() < 2.0, "odd page {n}: number ends at {x1} pt");
        } else {
            assert!((x0 - (left + 14.0)).abs() < 2.0, "even page {n}: number starts at {x0} pt");
        }
        seen += 1;
    }
    assert!(seen >= 4, "numbered pages: {seen}");
    // The standard style keeps the bare, centred number.
    let standard = pages(&built().2.join("std.pdf"));
    let numbered = standard.iter().filter_map(|p| footer(p, pt(297.0 - 25.0)).first().cloned()).find(|w| w.text == "1");
    let one = numbered.expect("page 1 numbered in the standard style");
    assert!(((one.x0 + one.x1) / 2.0 - pt(105.0)).abs() < 2.0, "centred: {one:?}");
}

#[test]
fn gbt9704_docx_styles_follow_the_same_table() {
    let styles = part(&gb_docx(), "word/styles.xml");
    let defaults = styles.split("</w:docDefaults>").next().unwrap();
    assert!(defaults.contains(r#"w:eastAsia="仿宋""#), "body 仿宋: {defaults}");
    assert!(defaults.contains(r#"<w:sz w:val="32" />"#), "body 三号 (32 half-points): {defaults}");
    // Exact 29 pt lines (580 twips): 22 lines to the text block.
    assert!(defaults.contains(r#"w:line="580""#), "{defaults}");
    let style = |id: &str| -> String {
        let at = styles.find(&format!("w:styleId=\"{id}\"")).unwrap_or_else(|| panic!("style {id}"));
        styles[at..at + styles[at..].find("</w:style>").unwrap()].to_string()
    };
    let h1 = style("Heading1");
    assert!(h1.contains(r#"w:eastAsia="黑体""#) && !h1.contains("<w:b />"), "一级 黑体: {h1}");
    let h2 = style("Heading2");
    assert!(h2.contains(r#"w:eastAsia="楷体""#) && !h2.contains("<w:b />"), "二级 楷体: {h2}");
    let h3 = style("Heading3");
    assert!(h3.contains(r#"w:eastAsia="仿宋""#) && h3.contains("<w:b />"), "三级 仿宋 bold: {h3}");
    assert!(h3.contains(r#"<w:sz w:val="32" />"#), "三级 三号: {h3}");
    let table = style("TableText");
    assert!(table.contains(r#"w:eastAsia="宋体""#), "tables 宋体: {table}");
    let fonts = part(&gb_docx(), "word/fontTable.xml");
    assert!(fonts.contains(r#"w:name="仿宋""#) && fonts.contains(r#"w:name="楷体""#), "{fonts}");
    // The standard style: 宋体 小四 body, 黑体 bold headings, no 仿宋 anywhere.
    let std_styles = part(&built().2.join("std.docx"), "word/styles.xml");
    let std_defaults = std_styles.split("</w:docDefaults>").next().unwrap();
    assert!(std_defaults.contains(r#"w:eastAsia="宋体""#) && std_defaults.contains(r#"<w:sz w:val="24" />"#));
    assert!(!std_styles.contains("仿宋") && !std_styles.contains("楷体"));
}

#[test]
fn gbt9704_docx_has_the_margins_and_odd_and_even_footers() {
    let docx = gb_docx();
    let settings = part(&docx, "word/settings.xml");
    assert!(settings.contains("<w:evenAndOddHeaders"), "{settings}");
    let document = part(&docx, "word/document.xml");
    // 37, 35, 28, 26 mm in twips.
    assert!(
        document.contains(r#"<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587""#),
        "margins: {}",
        document.split("<w:pgMar").nth(1).unwrap_or("").chars().take(160).collect::<String>()
    );
    // Footer distances are never negative (landscape sections' narrow margins too).
    for v in document.split(" w:footer=\"").skip(1) {
        let v = &v[..v.find('"').unwrap()];
        assert!(v.parse::<u32>().is_ok(), "w:footer=\"{v}\"");
    }
    // Every numbered section references both footers.
    let sections = document.matches("<w:footerReference w:type=\"default\"").count();
    assert!(sections >= 1 && document.matches("<w:footerReference w:type=\"even\"").count() == sections);
    let odd = part(&docx, "word/footer1.xml");
    let even = part(&docx, "word/footer2.xml");
    for (f, side) in [(&odd, "right"), (&even, "left")] {
        assert!(f.contains(&format!(r#"<w:jc w:val="{side}" />"#)), "{side}: {f}");
        assert!(f.contains("— </w:t>") && f.contains("> —</w:t>") && f.contains(" PAGE "), "{f}");
        assert!(f.contains(r#"<w:sz w:val="28" />"#) && f.contains(r#"w:eastAsia="宋体""#), "四号 宋体: {f}");
    }
    // The standard style: one centred footer, no odd and even pages.
    let std_docx = built().2.join("std.docx");
    assert!(!part(&std_docx, "word/settings.xml").contains("evenAndOddHeaders"));
    assert!(part(&std_docx, "word/footer1.xml").contains(r#"<w:jc w:val="center" />"#));
}

#[test]
fn gbt9704_builds_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = department(tmp.path(), "gb", "house_style: gbt9704\n");
    let again = tmp.path().join("again");
    build(&dir, &again);
    for f in ["gb.pdf", "gb.docx"] {
        let a = std::fs::read(built().1.join(f)).unwrap();
        let b = std::fs::read(again.join(f)).unwrap();
        assert!(a == b, "{f} differs between two builds");
    }
}

/// A character the 仿宋 font lacks (堃, outside GB 2312) is still drawn, by the 宋体 font;
/// one that no font has still stops the build with its place.
#[test]
fn gbt9704_missing_glyphs_fall_back_or_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = department(tmp.path(), "gb", "house_style: gbt9704\n");
    let expl = dir.join("explanation.yaml");
    let text = std::fs::read_to_string(&expl).unwrap();
    assert!(text.contains("other_matters: \"无\""));
    std::fs::write(&expl, text.replacen("other_matters: \"无\"", "other_matters: \"无堃\"", 1)).unwrap();
    let out = tmp.path().join("out");
    let o = juesuan(&["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "pdf"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let t = Command::new("pdftotext").args(["-enc", "UTF-8"]).arg(out.join("gb.pdf")).arg("-").output().unwrap();
    assert!(String::from_utf8_lossy(&t.stdout).contains("无堃"));
    std::fs::write(&expl, text.replacen("other_matters: \"无\"", "other_matters: \"无\u{1F600}\"", 1)).unwrap();
    let o = juesuan(&["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "pdf"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("U+1F600") && err.contains("explanation.yaml:"), "{err}");
}

#[test]
fn an_unknown_house_style_is_an_error_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = department(tmp.path(), "bad", "house_style: gb9704\n");
    let line = std::fs::read_to_string(dir.join("department.yaml")).unwrap().lines().count();
    let o = juesuan(&["check", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("department.yaml:{line}:14: error: unknown house style `gb9704`")), "{err}");
    assert!(err.contains("standard, gbt9704"), "the hint lists the names: {err}");
}

/// A layout's `house_style` is the default of departments that name none; a department's
/// own `house_style` wins.
#[test]
fn a_layout_sets_the_default_house_style() {
    let tmp = tempfile::tempdir().unwrap();
    let layout = tmp.path().join("gb-layout");
    let o = juesuan(&["layout", "export", "shanxi", layout.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let spec = layout.join("layout.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, format!("{text}\nhouse_style: gbt9704\n")).unwrap();
    let body_font = |extra: &str, name: &str| {
        let dir = department(tmp.path(), name, extra);
        let out = tmp.path().join(format!("out-{name}"));
        let args = ["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap(), "--layout", layout.to_str().unwrap()];
        let o = juesuan(&[&args[..], &["--format", "docx", "--docx-pages", "word"]].concat());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let styles = part(&out.join(format!("{name}.docx")), "word/styles.xml");
        let defaults = styles.split("</w:docDefaults>").next().unwrap().to_string();
        if defaults.contains(r#"w:eastAsia="仿宋""#) {
            "仿宋"
        } else {
            "宋体"
        }
    };
    assert_eq!(body_font("", "inherits"), "仿宋");
    assert_eq!(body_font("house_style: standard\n", "own"), "宋体");
    // A layout naming an unknown style is an error at its line.
    std::fs::write(&spec, format!("{text}\nhouse_style: nine\n")).unwrap();
    let dir = department(tmp.path(), "bad", "");
    let o = juesuan(&["check", dir.to_str().unwrap(), "--layout", layout.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("layout.yaml:") && err.contains("unknown house style `nine`"), "{err}");
}

/// `--docx-embed-fonts`: the DOCX carries the bundled fonts of its roles as obfuscated
/// parts (ECMA-376 §17.8.1) that de-obfuscate to the very fonts the PDF uses; without the
/// option, none.
#[test]
fn docx_embed_fonts_carries_the_bundled_fonts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = department(tmp.path(), "gb", "house_style: gbt9704\n");
    let out = tmp.path().join("out");
    let args = ["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "docx", "--docx-pages", "word"];
    let o = juesuan(&[&args[..], &["--docx-embed-fonts"]].concat());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let docx = out.join("gb.docx");
    let table = part(&docx, "word/fontTable.xml");
    let rels = part(&docx, "word/_rels/fontTable.xml.rels");
    assert!(part(&docx, "word/settings.xml").contains("<w:embedTrueTypeFonts />"));
    assert!(part(&docx, "[Content_Types].xml").contains("Extension=\"odttf\""));
    for name in ["宋体", "黑体", "仿宋", "楷体"] {
        let at = table.find(&format!("<w:font w:name=\"{name}\">")).unwrap_or_else(|| panic!("{name}: {table}"));
        let entry = &table[at..at + table[at..].find("</w:font>").unwrap()];
        let id = entry.split("<w:embedRegular r:id=\"").nth(1).unwrap_or_else(|| panic!("{name} embedded: {entry}"));
        let id = &id[..id.find('"').unwrap()];
        let key = entry.split("w:fontKey=\"").nth(1).unwrap();
        let key = &key[..key.find('"').unwrap()];
        let target = rels.split(&format!("Id=\"{id}\"")).nth(1).unwrap().split("Target=\"").nth(1).unwrap();
        let target = format!("word/{}", &target[..target.find('"').unwrap()]);
        let f = std::fs::File::open(&docx).unwrap();
        let mut z = zip::ZipArchive::new(f).unwrap();
        let mut font = Vec::new();
        z.by_name(&target).unwrap().read_to_end(&mut font).unwrap();
        // De-obfuscated (the same XOR), the part is an OpenType font ("OTTO").
        let digits: String = key.chars().filter(char::is_ascii_hexdigit).collect();
        let mut k: Vec<u8> = (0..16).map(|i| u8::from_str_radix(&digits[2 * i..2 * i + 2], 16).unwrap()).collect();
        k.reverse();
        assert_eq!(font.len() > 1_000_000, true, "{name}: a whole font");
        assert_ne!(&font[..4], b"OTTO", "{name}: obfuscated");
        let head: Vec<u8> = font[..4].iter().enumerate().map(|(i, b)| b ^ k[i]).collect();
        assert_eq!(&head, b"OTTO", "{name}: an OpenType font once de-obfuscated");
    }
    // Without the option: no font parts.
    let plain = tmp.path().join("plain");
    let args = ["build", dir.to_str().unwrap(), "-o", plain.to_str().unwrap(), "--format", "docx", "--docx-pages", "word"];
    assert!(juesuan(&args).status.success());
    let f = std::fs::File::open(plain.join("gb.docx")).unwrap();
    let z = zip::ZipArchive::new(f).unwrap();
    assert!(!z.file_names().any(|n| n.ends_with(".odttf")));
}

/// A Shanghai booklet in the gbt9704 style (its long 目录 entries wrap in 三号): built once.
fn putuo_gb() -> &'static (tempfile::TempDir, PathBuf) {
    static B: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    B.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("putuo");
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data/putuo-planning-2024"), &dir);
        let file = dir.join("department.yaml");
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, format!("{text}\nhouse_style: gbt9704\n")).unwrap();
        let out = tmp.path().join("out");
        build(&dir, &out);
        (tmp, out)
    })
}

/// The words of `page` grouped into lines (by their top), each sorted left to right.
fn page_lines(page: &[Word]) -> Vec<Vec<Word>> {
    let mut lines: Vec<Vec<Word>> = Vec::new();
    let mut words = page.to_vec();
    words.sort_by(|a, b| a.y0.total_cmp(&b.y0).then(a.x0.total_cmp(&b.x0)));
    for w in words {
        match lines.last_mut() {
            Some(l) if (l[0].y0 - w.y0).abs() < 3.0 => l.push(w),
            _ => lines.push(vec![w]),
        }
    }
    for l in &mut lines {
        l.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    }
    lines
}

/// #13: the 目录 of a Shanghai booklet in the gbt9704 style. A long entry (九、国有资本经营预算…)
/// wrapped leaving its page number alone on a line, and entry 八's dot leader was squeezed
/// to one dot. Now the text wraps before a column kept for the number, its continuation
/// lines indented two characters, and the last line's leader runs on to the number: no line
/// is a number alone, every number follows at least 1.5 em of dots on its line, and a
/// continuation line starts right of its entry's first line. The DOCX has the same hanging
/// indent in its 目录 styles.
#[test]
fn gbt9704_toc_keeps_each_number_on_its_entrys_last_line_after_a_leader() {
    let out = &putuo_gb().1;
    let all = pages(&out.join("putuo.pdf"));
    let em = 16.0;
    let mut numbered = 0;
    let mut wrapped = 0;
    // The 目录: the pages after the cover that hold leaders.
    for page in all.iter().skip(1).take_while(|p| p.iter().any(|w| w.text == ".")) {
        let lines = page_lines(page);
        for (i, line) in lines.iter().enumerate() {
            let text: String = line.iter().map(|w| w.text.as_str()).collect();
            if text.contains('仅') || text.contains('目') && text.contains('录') && line.len() <= 2 {
                continue; // the draft mark, the title
            }
            let last = line.last().unwrap();
            let is_number = last.text.chars().all(|c| c.is_ascii_digit());
            assert!(!(is_number && line.len() == 1), "a page number alone on a line: {text}");
            if is_number {
                numbered += 1;
                let dots: Vec<&Word> = line.iter().rev().skip(1).take_while(|w| w.text.chars().all(|c| c == '.')).collect();
                let leader = dots.last().map_or(0.0, |first| last.x0 - first.x0);
                assert!(leader >= 1.5 * em - 1.0, "a leader of {leader:.1} pt before the number: {text}");
            } else if i + 1 < lines.len() {
                // A line without a number goes on on the next line, indented.
                let next = &lines[i + 1];
                assert!(next[0].x0 > line[0].x0 + em - 1.0, "continuation of `{text}` not indented");
                wrapped += 1;
            }
        }
    }
    assert!(numbered > 20 && wrapped >= 2, "{numbered} entries, {wrapped} wrapped");
    let styles = part(&out.join("putuo.docx"), "word/styles.xml");
    let toc2 = styles.split("w:styleId=\"TOC2\"").nth(1).unwrap();
    let toc2 = &toc2[..toc2.find("</w:style>").unwrap()];
    assert!(toc2.contains("w:left=\"1280\"") && toc2.contains("w:hanging=\"640\""), "{toc2}");
}
