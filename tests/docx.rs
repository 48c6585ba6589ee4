//! End to end: the real binary writes the DOCX beside the PDF; its XML holds the same text
//! as the PDF (one source of wording), real Word structure, and identical bytes per build.

mod common;

use common::docx_text;
use std::io::Read as _;
use std::path::Path;
use std::process::Command;

const SEED: &str = "data/lanxian-kfq-2024";

fn juesuan(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_juesuan")).args(args).output().expect("binary runs")
}

fn part(docx: &Path, name: &str) -> String {
    let f = std::fs::File::open(docx).unwrap();
    let mut z = zip::ZipArchive::new(f).expect("a zip archive");
    let mut s = String::new();
    z.by_name(name).unwrap_or_else(|_| panic!("{name} in the package")).read_to_string(&mut s).unwrap();
    s
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn built() -> &'static (tempfile::TempDir, String, String) {
    use std::sync::OnceLock;
    static B: OnceLock<(tempfile::TempDir, String, String)> = OnceLock::new();
    B.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let out = juesuan(&["build", SEED, "-o", tmp.path().to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let xml = part(&tmp.path().join("lanxian-kfq-2024.docx"), "word/document.xml");
        let pdf = Command::new("pdftotext")
            .args(["-layout", "-enc", "UTF-8"])
            .arg(tmp.path().join("lanxian-kfq-2024.pdf"))
            .arg("-")
            .output()
            .unwrap();
        // Drop the page-number lines and the draft mark heading each page, so that paragraphs
        // crossing a page read continuously.
        let pdf_text: String = String::from_utf8_lossy(&pdf.stdout)
            .lines()
            .filter(|l| !l.trim().chars().all(|c| c.is_ascii_digit()) && l.trim() != "仅供内部审核")
            .collect::<Vec<_>>()
            .join("\n");
        (tmp, xml, pdf_text)
    })
}

/// The cached results of the `PAGEREF` fields of the booklet's own 目录 (the first TOC
/// field), with the entry text.
fn docx_toc(xml: &str) -> Vec<(String, String)> {
    let toc = xml.split("TOC \\o \"1-2\"").nth(1).expect("the booklet's TOC");
    let toc = toc.split("w:fldCharType=\"end\" w:dirty=\"false\" /></w:r></w:p>").next().unwrap();
    toc.split("<w:hyperlink")
        .skip(1)
        .map(|entry| {
            let (text, field) = entry.split_once("PAGEREF").unwrap();
            let result = field.split("w:fldCharType=\"separate\"").nth(1).unwrap();
            let result = result.split("w:fldCharType=\"end\"").next().unwrap();
            (squash(&docx_text(text)), docx_text(result))
        })
        .collect()
}

#[test]
fn toc_page_numbers_are_the_pdfs() {
    let (tmp, xml, _) = built();
    let entries = docx_toc(xml);
    assert!(entries.len() > 40, "{entries:?}");
    assert!(entries.iter().all(|(_, page)| page.parse::<u32>().is_ok()), "every entry has a number: {entries:?}");
    assert!(!xml.contains("w:dirty=\"true\""), "numbers known: Word is not asked to refresh");
    // The PDF's own 目录 (pages 2–3, after the cover) lists the same numbers.
    let pdf = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8", "-f", "2", "-l", "3"])
        .arg(tmp.path().join("lanxian-kfq-2024.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let pdf_toc: Vec<(String, String)> = String::from_utf8_lossy(&pdf.stdout)
        .lines()
        .filter_map(|l| {
            let l = l.trim_end().trim_end_matches('\u{2060}');
            let digits = l.len() - l.trim_end_matches(|c: char| c.is_ascii_digit()).len();
            (digits > 0 && l.contains(". .")).then(|| {
                let text: String = squash(&l[..l.len() - digits]).trim_end_matches(['.', '\u{2060}']).to_string();
                (text, l[l.len() - digits..].to_string())
            })
        })
        .collect();
    assert_eq!(entries, pdf_toc);
    // And the number printed is the page the heading is on: 概况 on the first numbered page.
    assert_eq!(entries[0], ("第一部分　概况".replace('　', ""), "1".to_string()));
}

/// A DOCX-only build fills the 目录 page numbers too: it is byte-identical to the DOCX
/// written beside the PDF.
#[test]
fn docx_alone_is_the_same_docx() {
    let (tmp, _, _) = built();
    let alone = tempfile::tempdir().unwrap();
    let out = juesuan(&["build", SEED, "-o", alone.path().to_str().unwrap(), "--format", "docx"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!alone.path().join("lanxian-kfq-2024.pdf").exists(), "--format docx writes no PDF");
    let a = std::fs::read(alone.path().join("lanxian-kfq-2024.docx")).unwrap();
    let b = std::fs::read(tmp.path().join("lanxian-kfq-2024.docx")).unwrap();
    assert!(a == b, "DOCX-only output differs from the DOCX built with the PDF");
}

/// `--docx-pages word`: no layout; the same 目录 entries, their numbers left blank and the
/// fields marked for Word to update on opening; the rest of the text is the same.
#[test]
fn docx_pages_by_word_lists_every_entry_for_word_to_number() {
    let (_, xml, _) = built();
    let fast = tempfile::tempdir().unwrap();
    let args = ["build", SEED, "-o", fast.path().to_str().unwrap(), "--format", "docx", "--docx-pages", "word"];
    let out = juesuan(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!fast.path().join("lanxian-kfq-2024.pdf").exists());
    let fast_xml = part(&fast.path().join("lanxian-kfq-2024.docx"), "word/document.xml");
    let (laid, word) = (docx_toc(xml), docx_toc(&fast_xml));
    assert_eq!(laid.iter().map(|e| &e.0).collect::<Vec<_>>(), word.iter().map(|e| &e.0).collect::<Vec<_>>());
    assert!(word.iter().all(|(_, page)| page.is_empty()), "{word:?}");
    assert_eq!(fast_xml.matches("w:dirty=\"true\"").count(), 29, "the booklet's 目录 and each report's");
    // Without the page numbers, the text is the layout DOCX's.
    let digits = |s: &str| squash(&docx_text(s)).chars().filter(|c| !c.is_ascii_digit()).collect::<String>();
    assert_eq!(digits(&fast_xml), digits(xml));
}

#[test]
fn docx_and_pdf_carry_the_same_wording() {
    let (_, xml, pdf) = built();
    let (docx, pdf) = (squash(&docx_text(xml)), squash(pdf));
    let d = juesuan::load::load_dir(Path::new(SEED)).unwrap();
    let doc = juesuan::render::booklet(&juesuan::compute::compute(&d)).unwrap();
    let mut checked = 0;
    for b in &doc.blocks {
        match b {
            juesuan::doc::Block::Heading { text, .. } => {
                let t = squash(text);
                assert!(docx.contains(&t) && pdf.contains(&t), "heading missing: {text}");
                checked += 1;
            }
            juesuan::doc::Block::Paragraph { runs, .. } => {
                let t: String = runs
                    .iter()
                    .map(|r| match r {
                        juesuan::doc::Run::Text(s) | juesuan::doc::Run::Strong(s) => squash(s),
                        juesuan::doc::Run::Break => String::new(),
                    })
                    .collect();
                assert!(docx.contains(&t), "DOCX lacks paragraph: {t}");
                assert!(pdf.contains(&t), "PDF lacks paragraph: {t}");
                checked += 1;
            }
            juesuan::doc::Block::Table(tb) => {
                for row in &tb.rows {
                    let t: String = row.iter().map(|c| squash(&c.text)).collect();
                    assert!(docx.contains(&t), "DOCX lacks table row: {t}");
                }
            }
            _ => {}
        }
    }
    assert!(checked > 900, "only {checked} blocks compared");
}

#[test]
fn word_structure_is_real() {
    let (tmp, xml, _) = built();
    assert!(xml.matches("<w:tblHeader").count() >= 66, "header rows repeat");
    assert!(xml.contains("<w:gridSpan") && xml.contains("<w:vMerge w:val=\"restart\""), "merged header cells");
    assert!(xml.contains("w:orient=\"landscape\""), "landscape sections");
    assert!(xml.contains("TOC \\o \"1-2\""), "a TOC field");
    assert_eq!(xml.matches("TOC \\o \"1-4\" \\b ").count(), 28, "each report's own TOC is scoped by a bookmark");

    assert!(
        xml.contains("<w:pStyle w:val=\"TOC2\"") && docx_text(xml).contains("五、一般公共预算财政拨款支出决算表"),
        "TOC filled"
    );
    let sections = xml.matches("<w:sectPr").count();
    assert_eq!(
        xml.matches("<w:footerReference").count(),
        sections - 1,
        "every section but the front matter has the footer"
    );
    assert_eq!(xml.matches("<w:pgNumType w:start=\"1\"").count(), 1, "page numbers start at 第一部分");
    let footer = part(&tmp.path().join("lanxian-kfq-2024.docx"), "word/footer1.xml");
    assert!(footer.contains(" PAGE "), "page number field");
    let styles = part(&tmp.path().join("lanxian-kfq-2024.docx"), "word/styles.xml");
    assert!(
        styles.contains("w:eastAsia=\"宋体\"") && styles.contains("w:eastAsia=\"黑体\""),
        "Chinese Office font names"
    );
    assert!(styles.contains("w:firstLineChars=\"200\""), "2-character first-line indent");
    // Table text takes its size from named styles (表格文字 and one per table size), so that
    // editing a style changes every table: no run or paragraph of a table sizes itself.
    // Chinese text zh-CN, Latin text (figures) en-US, as Word writes for a Chinese document.
    assert!(styles.contains("<w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" /></w:rPr></w:rPrDefault>"), "zh-CN as the document language");
    assert!(styles.contains("<w:name w:val=\"表格文字\""), "the 表格文字 style");
    for size in [8, 9, 10] {
        let id = format!("w:styleId=\"TableText{size}\"");
        let at = styles.find(&id).unwrap_or_else(|| panic!("the {size}pt table style"));
        let style = &styles[at..at + styles[at..].find("</w:style>").unwrap()];
        assert!(style.contains(&format!("<w:sz w:val=\"{}\"", size * 2)) && style.contains("<w:basedOn w:val=\"TableText\""), "{style}");
    }
    let cells: Vec<&str> = xml.split("<w:tc>").skip(1).map(|c| &c[..c.find("</w:tc>").unwrap()]).collect();
    assert!(cells.len() > 3000, "the forms' cells");
    assert!(cells.iter().all(|c| !c.contains("<w:sz ")), "a table cell with direct size formatting");
    assert!(xml.matches("<w:sz ").count() < 100, "direct sizes outside the styles: {}", xml.matches("<w:sz ").count());
    let core = part(&tmp.path().join("lanxian-kfq-2024.docx"), "docProps/core.xml");
    assert!(core.contains("<dc:creator>岚县经济技术开发区管理委员会</dc:creator>") && core.contains("zh-CN"));
}

#[test]
fn docx_is_deterministic_and_escapes_hostile_text() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("h-2024");
    copy_dir(Path::new(SEED), &dir);
    let p = dir.join("projects/p01.yaml");
    let evil = r##"name: '#read("/etc/passwd") $x$ *a* _b_ [c] <d> @e \f {{ g }} & " '''"##;
    let text: String = std::fs::read_to_string(&p)
        .unwrap()
        .lines()
        .map(|l| if l.starts_with("name: ") { format!("{evil}\n") } else { format!("{l}\n") })
        .collect();
    std::fs::write(&p, text).unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for o in [&a, &b] {
        let out = juesuan(&["report", dir.to_str().unwrap(), "p01", "-o", o.to_str().unwrap(), "--format", "docx"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let (da, db) =
        (std::fs::read(a.join("h-2024-p01.docx")).unwrap(), std::fs::read(b.join("h-2024-p01.docx")).unwrap());
    assert!(da == db, "two builds differ");
    let xml = part(&a.join("h-2024-p01.docx"), "word/document.xml");
    assert!(xml.contains("&lt;d&gt;") && xml.contains("&amp;"), "escaped in XML");
    assert!(docx_text(&xml).contains(r##"#read("/etc/passwd") $x$ *a* _b_ [c] <d> @e \f {{ g }} & " '"##));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// The page of every heading as the whole layout places it (`pdf::compile` of the whole
/// source) and as the runs of pages laid out on their own give it.
fn pages_both_ways(doc: &juesuan::doc::Document) -> (juesuan::doc::HeadingPages, juesuan::doc::HeadingPages) {
    use juesuan::write::pdf;
    let fonts = pdf::FontSet::embedded();
    let laid = pdf::compile(&juesuan::write::typst::source(doc), &fonts, doc.meta.date.as_deref()).unwrap();
    let whole = pdf::heading_pages(&laid, doc);
    let runs = pdf::heading_pages_by_runs(doc, &fonts, &mut pdf::RunCache::default()).unwrap();
    (whole, runs)
}

/// The runs of pages, laid out one by one, place every heading where the whole layout does:
/// the seed's booklet and a report alone, and generated departments of other shapes.
#[test]
fn page_runs_place_headings_as_the_whole_layout() {
    let d = juesuan::load::load_dir(Path::new(SEED)).unwrap();
    let v = juesuan::compute::compute(&d);
    let mut docs = vec![juesuan::render::booklet(&v).unwrap(), juesuan::render::report(&v, "p13").unwrap()];
    let tmp = tempfile::tempdir().unwrap();
    for (seed, rows, projects) in [(3, 60, 5), (11, 400, 12)] {
        let dir = tmp.path().join(format!("s{seed}"));
        juesuan::sample::generate(&dir, "样本部门", seed, juesuan::sample::SampleSize { rows, projects }).unwrap();
        docs.push(juesuan::render::booklet(&juesuan::compute::compute(&juesuan::load::load_dir(&dir).unwrap())).unwrap());
    }
    for doc in &docs {
        let (whole, runs) = pages_both_ways(doc);
        assert!(whole.len() > 5, "{whole:?}");
        assert_eq!(whole, runs, "{}", doc.meta.title);
    }
}

/// A DOCX-only build keeps its runs' pages in `<out>/.juesuan/<name>.pages`; the next build
/// lays out only what changed. Same bytes whatever the cache holds: after an edit that moves
/// every later page, with a damaged cache file, and without one.
#[test]
fn docx_page_cache_gives_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let dept = tmp.path().join("lanxian-kfq-2024");
    copy_dir(Path::new(SEED), &dept);
    let build = |out: &Path| {
        let o = juesuan(&["build", dept.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "docx"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::read(out.join("lanxian-kfq-2024.docx")).unwrap()
    };
    let out = tmp.path().join("out");
    let cache = out.join(".juesuan/lanxian-kfq-2024.pages");
    let first = build(&out);
    let text = std::fs::read_to_string(&cache).expect("the cache is written");
    assert!(text.lines().count() > 50, "{text}");
    assert_eq!(build(&out), first, "built from the cache");
    // An edit that makes the first report longer: every later heading moves down.
    let file = dept.join("projects/p01.yaml");
    let yaml = std::fs::read_to_string(&file).unwrap();
    let longer = yaml.replacen("summary: \"", &format!("summary: \"{}", "加长的项目概况文字。".repeat(200)), 1);
    assert_ne!(yaml, longer, "p01.yaml has a summary");
    std::fs::write(&file, longer).unwrap();
    let edited = build(&out);
    assert_ne!(edited, first);
    assert_eq!(edited, build(&tmp.path().join("fresh")), "cached build = build without a cache");
    let (_, xml, _) = built();
    let moved = part(&out.join("lanxian-kfq-2024.docx"), "word/document.xml");
    assert_ne!(docx_toc(&moved), docx_toc(xml), "the 目录's numbers follow the edit");
    std::fs::write(&cache, "not a cache\n0 x\nffff 1 2 3 -\n").unwrap();
    assert_eq!(build(&out), edited, "a damaged cache only costs time");
}

/// The cache is what is used: its text reads back to itself, and a doctored entry (every
/// run one page longer) shows in the numbers, where a cache that were not consulted would not.
#[test]
fn page_cache_is_read_back_and_used() {
    use juesuan::write::pdf;
    // A small booklet: runs of numbered pages one after another (a report alone has a single
    // run of them, after its cover).
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("small");
    juesuan::sample::generate(&dir, "样本部门", 5, juesuan::sample::SampleSize { rows: 20, projects: 1 }).unwrap();
    let doc = juesuan::render::booklet(&juesuan::compute::compute(&juesuan::load::load_dir(&dir).unwrap())).unwrap();
    let fonts = pdf::FontSet::embedded();
    let mut cache = pdf::RunCache::default();
    let pages = pdf::heading_pages_by_runs(&doc, &fonts, &mut cache).unwrap();
    let text = cache.to_text();
    assert_eq!(pdf::RunCache::from_text(&text).to_text(), text);
    let doctored: String = text
        .lines()
        .map(|l| {
            let mut f: Vec<String> = l.split(' ').map(str::to_string).collect();
            f[1] = (f[1].parse::<u32>().unwrap() + 1).to_string();
            f.join(" ") + "\n"
        })
        .collect();
    let shifted = pdf::heading_pages_by_runs(&doc, &fonts, &mut pdf::RunCache::from_text(&doctored)).unwrap();
    assert_eq!(pages.len(), shifted.len());
    assert!(pages.iter().zip(&shifted).any(|(a, b)| a.0 == b.0 && a.1 < b.1), "{pages:?} {shifted:?}");
    // Implausible entries (a u32-sized count, a heading past the run's end, a heading list of
    // the wrong length) are cache misses: the numbers are the true ones, never wrapped.
    let field = |i: usize, v: &str| -> String {
        text.lines()
            .map(|l| {
                let mut f: Vec<String> = l.split(' ').map(str::to_string).collect();
                if i < f.len() {
                    f[i] = v.to_string();
                }
                f.join(" ") + "\n"
            })
            .collect()
    };
    for bad in [field(1, "4294967295"), field(2, "99999"), text.lines().map(|l| format!("{l} 1\n")).collect()] {
        let got = pdf::heading_pages_by_runs(&doc, &fonts, &mut pdf::RunCache::from_text(&bad)).unwrap();
        assert_eq!(got, pages, "a doctored cache changed the numbers:\n{bad}");
    }
}

/// A form's header line: 编制单位 at the left margin, the year centred, 金额单位 flush with the
/// right margin — in the DOCX by a centre and a right tab stop at the text width (so editing
/// the name in Word moves nothing), in the PDF by the same three places.
#[test]
fn form_header_line_is_left_centre_right() {
    let (tmp, xml, _) = built();
    let i = xml.find("部门名称：岚县经济技术开发区管理委员会</w:t><w:tab />").expect("the header line, its parts separated by tabs");
    let para = &xml[xml[..i].rfind("<w:p ").unwrap()..i];
    // Portrait 公开01: the text width of an A4 page less both margins.
    assert!(para.contains("<w:tab w:val=\"center\" w:pos=\"4706\" />") && para.contains("<w:tab w:val=\"right\" w:pos=\"9412\" />"), "{para}");
    assert!(xml[i..].starts_with("部门名称：岚县经济技术开发区管理委员会</w:t><w:tab /><w:t xml:space=\"preserve\">2024年度</w:t><w:tab /><w:t xml:space=\"preserve\">金额单位：万元</w:t>"));
    assert!(!xml.contains("管理委员会　　　　2024年度"), "no padding with full-width spaces");
    // The PDF: the unit ends where the right-aligned 表号 above it ends (the right margin),
    // and the year's centre is the page's centre.
    let pdf = Command::new("pdftotext").args(["-bbox", "-f", "5", "-l", "5", "-enc", "UTF-8"]).arg(tmp.path().join("lanxian-kfq-2024.pdf")).arg("-").output().unwrap();
    let page = String::from_utf8_lossy(&pdf.stdout);
    let word = |w: &str| -> (f64, f64) {
        let line = page.lines().find(|l| l.ends_with(&format!(">{w}</word>"))).unwrap_or_else(|| panic!("{w} on page 5:\n{page}"));
        let num = |k: &str| -> f64 { line.split(&format!("{k}=\"")).nth(1).unwrap().split('"').next().unwrap().parse().unwrap() };
        (num("xMin"), num("xMax"))
    };
    let (_, form_end) = word("公开01表");
    let (_, unit_end) = word("金额单位：万元");
    let (year_min, year_max) = word("2024年度");
    assert!((unit_end - form_end).abs() < 0.5, "unit ends at {unit_end}, the margin at {form_end}");
    assert!(((year_min + year_max) / 2.0 - 595.28 / 2.0).abs() < 1.0, "year not centred: {year_min}–{year_max}");
}

/// The paragraph of `xml` whose text is `text`.
fn paragraph_of<'a>(xml: &'a str, text: &str) -> &'a str {
    let at = xml.find(&format!(">{text}</w:t>")).unwrap_or_else(|| panic!("{text}"));
    let start = xml[..at].rfind("<w:p ").unwrap();
    &xml[start..at]
}

/// Every heading has an outline level, so Word's navigation pane shows it — 情况说明's （一）
/// and 1、, a report's （1） and 1. included — nested under the heading before it; a heading
/// the 目录s leave out sits below the deepest level the 目录 covering it lists (the booklet's
/// `1-2`, each report's `1-4`), so a 目录 that Word updates lists what the PDF's lists. The
/// PDF's bookmarks list every heading too.
#[test]
fn every_heading_has_an_outline_level() {
    let (tmp, xml, _) = built();
    let minor: Vec<&str> = xml.split("<w:pStyle w:val=\"MinorHeading").skip(1).collect();
    assert!(minor.len() > 150, "{}", minor.len());
    assert!(minor.iter().all(|p| p[..p.find("</w:pPr>").unwrap()].contains("<w:outlineLvl ")), "a minor heading without an outline level");
    // 情况说明 (booklet 目录: levels 1–2): the heading's own level.
    assert!(paragraph_of(xml, "（一）一般公共预算财政拨款支出决算总体情况").contains("<w:outlineLvl w:val=\"2\" />"));
    assert!(paragraph_of(xml, "1、预算绩效管理工作开展情况").contains("<w:outlineLvl w:val=\"3\" />"));
    // A report (its 目录: levels 1–4): level 5.
    for text in ["1. 项目自评得分和结论", "（1）项目实施期绩效目标"] {
        assert!(paragraph_of(xml, text).contains("<w:outlineLvl w:val=\"4\" />"), "{text}");
    }
    // The 目录 fields are what they were: they list what the PDF's 目录s list.
    assert_eq!(xml.matches("TOC \\o \"1-2\" \\h \\z \\u").count(), 1);
    assert_eq!(xml.matches("TOC \\o \"1-4\" \\b ").count(), 28);
    // The PDF's bookmarks (UTF-16 titles of its outline) hold them too.
    let pdf = std::fs::read(tmp.path().join("lanxian-kfq-2024.pdf")).unwrap();
    let utf16 = |s: &str| s.encode_utf16().map(|u| format!("{u:04X}")).collect::<String>();
    for text in ["（一）一般公共预算财政拨款支出决算总体情况", "1. 项目自评得分和结论"] {
        let title = format!("/Title<FEFF{}>", utf16(text));
        assert!(pdf.windows(title.len()).any(|w| w == title.as_bytes()), "no bookmark {text}");
    }
}
