//! End to end: the real binary builds the real booklet and reports; the PDF's text (through
//! pdftotext) holds the computed figures and generated sentences; hostile strings print
//! literally; builds are deterministic; fonts that cannot draw a character are an error.

use std::path::{Path, PathBuf};
use std::process::Command;

const SEED: &str = "data/lanxian-kfq-2024";

fn juesuan(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_juesuan")).args(args).output().expect("binary runs")
}

/// The page as a reader reads it, line by line, without the 仅供内部审核 line that heads every
/// page of a draft (so that a sentence running over a page reads whole).
fn pdftotext(pdf: &Path) -> String {
    let text = pdftotext_mode(pdf, "-layout");
    // The page break (form feed) that may lead the mark's line stays.
    let lines = text.lines().map(|l| if l.trim() == "仅供内部审核" { l.trim_end_matches(|c: char| c != '\u{c}') } else { l });
    lines.collect::<Vec<_>>().join("\n")
}

/// `-layout` keeps table rows on one line; `-raw` keeps content-stream order (the rotated
/// draft mark stays together).
fn pdftotext_mode(pdf: &Path, mode: &str) -> String {
    let out = Command::new("pdftotext").args([mode, "-enc", "UTF-8"]).arg(pdf).arg("-").output().expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "pdftotext failed on {}", pdf.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Text with whitespace removed, so line breaks inside sentences do not matter.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The text without the page number at the foot of each page (the last line before each
/// form feed, when it is a number), so that a sentence running over a page reads whole.
fn without_page_numbers(text: &str) -> String {
    text.split('\u{c}')
        .map(|page| {
            let mut lines: Vec<&str> = page.trim_end().lines().collect();
            if lines.last().is_some_and(|l| !l.trim().is_empty() && l.trim().chars().all(|c| c.is_ascii_digit())) {
                lines.pop();
            }
            lines.join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn build(dir: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["build", dir, "-o", out.to_str().unwrap(), "--format", "pdf"];
    args.extend_from_slice(extra);
    juesuan(&args)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        let dest = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

fn booklet_text() -> &'static str {
    use std::sync::OnceLock;
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let out = build(SEED, tmp.path(), &[]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        pdftotext(&tmp.path().join("lanxian-kfq-2024.pdf"))
    })
}

#[test]
fn tables_carry_the_computed_and_printed_figures() {
    let t = squash(booklet_text());
    // 公开03 合计 = 基本 + 项目 (printed within the 尾数差 tail of the 项 rows).
    assert!(t.contains("合计24556.69446.2324110.46"), "公开03 合计 row");
    // 公开01 总计 on both sides.
    assert!(t.contains("总计3124557.16总计6224557.16"));
    // 公开06 人员经费合计 computed from 301 + 303.
    assert!(t.contains("人员经费合计425.89"));
    // 公开10 政府采购 合计 = 货物 + 工程 + 服务.
    assert!(t.contains("合计1491.13货物23.92工程3445.84服务441.37"));
    // An empty form says so.
    assert!(t.contains("说明：本表无数据。"));
}

#[test]
fn explanation_sentences_come_from_computed_fields() {
    let t = squash(&without_page_numbers(booklet_text()));
    for s in [
        "2024年度收入总计24,557.16万元，支出总计24,557.16万元。与上年相比，收入总计增加5,577.85万元，增长29.39%",
        "基本支出446.23万元，占比1.82%；",
        "项目支出24,110.46万元，占比98.18%。",
        "占本年支出合计的39.87%。与上年相比，一般公共预算财政拨款支出减少2,087.62万元，下降17.57%。",
        // 年初预算 is the sum of the 类 budgets (the booklet printed 4,764.04 and 205.52%).
        "年初预算3,764.03万元，支出决算9,791.22万元，完成年初预算的260.13%。",
        "社会保障和就业支出年初预算52.84万元，支出决算51.06万元，完成年初预算的96.63%",
        "较上年决算增加47.40万元，增长1295.08%",
        // Last year zero: an increase without a growth rate.
        "卫生健康支出年初预算20.60万元，支出决算19.38万元，完成年初预算的94.08%，用于单位医疗保险支出。较上年决算增加19.38万元，主要原因是规范支出科目使用。",
        "政府采购授予中小企业合同金额3.92万元，占政府采购支出总额的0.80%。",
        // Grade counts come from the 28 reports (the booklet printed 28 优).
        "24个项目自评等级为“优”，0个项目自评等级为“良”，2个项目自评等级为“中”，2个项目自评等级为“差”。",
    ] {
        assert!(t.contains(&squash(s)), "missing: {s}");
    }
}

#[test]
fn every_report_is_in_the_booklet_with_its_scores() {
    let t = squash(booklet_text());
    assert_eq!(t.matches("主管部门：601-岚县经济技术开发区管理委员会").count(), 28, "28 report covers");
    // 10KV 供电工程: 执行率 63.16%, 预算执行得分 6.32, 总得分 70.32 → 中.
    assert!(t.contains("合计2,016,1002,016,1001,871,5001,182,000689,50063.166.32"));
    assert!(t.contains(&squash("综合考虑预算执行情况得分6.32分、产出、效益、服务对象满意度各方面因素，指标完成情况得分64分，最终评分结果：岚县经开区铸造产业园提升项目10KV供电工程项目绩效自评价结果为：总得分70.32分，属于“中”。")));
    // 三.3 names the basis of its rate and 结余: the 全年预算数 where it is not the 年初预算数.
    assert!(t.contains(&squash("年初预算数60000元，全年预算数59040元，预算执行数是59040元，执行率100%，结余资金0元")));
    assert!(t.contains(&squash("年初预算数50000元，预算执行数是50000元，执行率100%")), "p02: one basis, named once");
    // 三.4 figures come from the indicator table (the booklet printed 50/50).
    assert!(t.contains(&squash("产出指标满分50分，评价得分42分，得分率84%")));
}

#[test]
fn one_report_builds_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let out = juesuan(&["report", SEED, "p13", "-o", tmp.path().to_str().unwrap(), "--format", "pdf"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let t = squash(&pdftotext(&tmp.path().join("lanxian-kfq-2024-p13.pdf")));
    assert!(t.starts_with("项目支出绩效自评分析报告"));
    assert!(t.contains("总得分70.32分，属于“中”"));
    assert!(!t.contains("第一部分"));
}

#[test]
fn an_unknown_project_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = juesuan(&["report", SEED, "nope", "-o", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no project with id `nope`") && err.contains("p01"), "{err}");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0, "nothing written");
}

#[test]
fn builds_are_byte_identical() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    assert!(build(SEED, a.path(), &[]).status.success());
    assert!(build(SEED, b.path(), &[]).status.success());
    let pa = std::fs::read(a.path().join("lanxian-kfq-2024.pdf")).unwrap();
    let pb = std::fs::read(b.path().join("lanxian-kfq-2024.pdf")).unwrap();
    assert!(pa == pb, "two builds of the same data differ");
}

#[test]
fn draft_mark_and_pdf_a() {
    let tmp = tempfile::tempdir().unwrap();
    let out = juesuan(&["report", SEED, "p01", "-o", tmp.path().to_str().unwrap(), "--format", "pdf", "--draft", "--pdf-standard", "a-2b"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pdf = tmp.path().join("lanxian-kfq-2024-p01.pdf");
    let t = pdftotext_mode(&pdf, "-raw");
    let pages = t.matches('\u{c}').count();
    assert!(squash(&t).matches("仅供内部审核").count() >= pages, "draft mark on every page");
    let bytes = std::fs::read(&pdf).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("pdfaid:part") && raw.contains("pdfaid:conformance"), "PDF/A identification in XMP");
}

fn hostile_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("hostile-2024");
    copy_dir(Path::new(SEED), &dir);
    let p = dir.join("projects/p01.yaml");
    let text = std::fs::read_to_string(&p).unwrap();
    let evil = r##"name: '#read("/etc/passwd") $x$ *a* _b_ [c] <d> @e \f {{ g }} {% if %} & " '''"##;
    let fixed: String = text.lines().map(|l| if l.starts_with("name: ") { format!("{evil}\n") } else { format!("{l}\n") }).collect();
    std::fs::write(&p, fixed).unwrap();
    (tmp, dir)
}

#[test]
fn hostile_strings_print_literally() {
    let (_tmp, dir) = hostile_copy();
    let out_dir = dir.parent().unwrap().join("out");
    let out = juesuan(&["report", dir.to_str().unwrap(), "p01", "-o", out_dir.to_str().unwrap(), "--format", "pdf"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let t = pdftotext(&out_dir.join("hostile-2024-p01.pdf"));
    let expected = r##"#read("/etc/passwd") $x$ *a* _b_ [c] <d> @e \f {{ g }} {% if %} & " '"##;
    assert!(squash(&t).contains(&squash(expected)), "hostile name not literal in:\n{}", &t[..t.len().min(600)]);
    assert!(!t.contains("root:"), "nothing was read from /etc/passwd");
}

#[test]
fn a_character_no_font_can_draw_is_an_error_with_its_place() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("glyph-2024");
    copy_dir(Path::new(SEED), &dir);
    let p = dir.join("projects/p02.yaml");
    let text = std::fs::read_to_string(&p).unwrap().replacen("completion: \"", "completion: \"\u{1F600}", 1);
    std::fs::write(&p, text).unwrap();
    // Folders of links back up the tree and a FIFO with a YAML name: the character is found
    // in the files that were loaded, and nothing else is walked or opened.
    for l in ["a", "b", "c"] {
        std::fs::create_dir_all(dir.join("notes")).unwrap();
        std::os::unix::fs::symlink("..", dir.join("notes").join(l)).unwrap();
    }
    let fifo = dir.join("notes/f.yaml");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let out_dir = tmp.path().join("out");
    let started = std::time::Instant::now();
    let out = juesuan(&["build", dir.to_str().unwrap(), "-o", out_dir.to_str().unwrap(), "--format", "pdf"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "the locator walked the links");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("U+1F600") && err.contains("projects/p02.yaml:"), "{err}");
    assert!(!out_dir.join("glyph-2024.pdf").exists(), "nothing written");
}

/// The parts of a DOCX that mention the draft mark (its headers).
fn docx_parts_with_mark(docx: &Path) -> usize {
    use std::io::Read as _;
    let mut z = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).expect("a zip archive");
    let names: Vec<String> = z.file_names().map(str::to_string).collect();
    names
        .iter()
        .filter(|n| {
            let mut s = String::new();
            z.by_name(n).unwrap().read_to_string(&mut s).is_ok() && s.contains("仅供内部审核")
        })
        .count()
}

/// A booklet `check` finds errors in never looks final: every page of the PDF and every
/// section of the DOCX carries 仅供内部审核 and the run says why; a booklet without errors
/// prints clean; `--strict` refuses; a report is marked only for errors in its own file.
#[test]
fn check_errors_mark_every_page_as_a_draft() {
    let tmp = tempfile::tempdir().unwrap();
    let dept = tmp.path().join("clean-2024");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean"), &dept);
    let yaml = std::fs::read_to_string(dept.join("department.yaml")).unwrap();
    std::fs::write(dept.join("department.yaml"), yaml.replace("draft: true", "draft: false")).unwrap();
    let d = dept.to_str().unwrap();
    let pages_and_marks = |pdf: &Path| {
        let t = pdftotext_mode(pdf, "-raw");
        (t.matches('\u{c}').count(), squash(&t).matches("仅供内部审核").count())
    };

    // No error: clean pages, no note.
    let out = tmp.path().join("out1");
    let r = juesuan(&["build", d, "-o", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success(), "{stderr}");
    assert!(!stderr.contains("仅供内部审核"), "{stderr}");
    let (pages, marks) = pages_and_marks(&out.join("clean-2024.pdf"));
    assert!(pages > 5 && marks == 0, "a clean booklet is marked: {marks} marks on {pages} pages");
    assert_eq!(docx_parts_with_mark(&out.join("clean-2024.docx")), 0);

    // One error (a printed rate that is not the computed one): marked, and the run says why.
    let expl = dept.join("explanation.yaml");
    let text = std::fs::read_to_string(&expl).unwrap();
    assert_eq!(text.matches("three_public_completion: 80.00").count(), 1);
    std::fs::write(&expl, text.replace("three_public_completion: 80.00", "three_public_completion: 88.00")).unwrap();
    let out = tmp.path().join("out2");
    let r = juesuan(&["build", d, "-o", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success(), "{stderr}");
    assert!(stderr.contains("1 errors") && stderr.contains("every page is marked 仅供内部审核"), "{stderr}");
    let (pages, marks) = pages_and_marks(&out.join("clean-2024.pdf"));
    assert!(pages > 5 && marks >= pages, "{marks} marks on {pages} pages");
    assert!(docx_parts_with_mark(&out.join("clean-2024.docx")) >= 1, "the DOCX's draft header");
    // The booklet's error is not in p01's file: its report prints clean.
    let r = juesuan(&["report", d, "p01", "-o", out.to_str().unwrap(), "--format", "pdf"]);
    assert!(r.status.success());
    assert_eq!(pages_and_marks(&out.join("clean-2024-p01.pdf")).1, 0, "a report marked for an error elsewhere");

    // --strict refuses: exit 1, nothing written.
    let out3 = tmp.path().join("out3");
    let r = juesuan(&["build", d, "-o", out3.to_str().unwrap(), "--strict"]);
    assert_eq!(r.status.code(), Some(1), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(!out3.join("clean-2024.pdf").exists() && !out3.join("clean-2024.docx").exists());

    // An error in the project's own file marks its report.
    let p03 = dept.join("projects/p03.yaml");
    let text = std::fs::read_to_string(&p03).unwrap();
    assert_eq!(text.matches("rate: 80, score: 8}").count(), 1);
    std::fs::write(&p03, text.replace("rate: 80, score: 8}", "rate: 85, score: 8}")).unwrap();
    let id = text.lines().find_map(|l| l.strip_prefix("id: ")).expect("id").trim().trim_matches('"').to_string();
    let r = juesuan(&["report", d, &id, "-o", out.to_str().unwrap(), "--format", "pdf"]);
    assert!(r.status.success());
    let (pages, marks) = pages_and_marks(&out.join(format!("clean-2024-{id}.pdf")));
    assert!(marks >= pages && pages > 0, "{marks} marks on {pages} pages");
}

/// 三.3 matches its figures: a project spent beyond its 全年预算数 is not told it fell short,
/// and one with a 全年预算数 of 0 gets no 执行率 at all (not "0%").
#[test]
fn execution_sentence_matches_the_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let dept = tmp.path().join("rates-2024");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean"), &dept);
    let p03 = dept.join("projects/p03.yaml");
    let text = std::fs::read_to_string(&p03).unwrap();
    let report = |text: &str| {
        std::fs::write(&p03, text).unwrap();
        let out = tmp.path().join("out");
        let r = juesuan(&["report", dept.to_str().unwrap(), "p03", "-o", out.to_str().unwrap(), "--format", "pdf"]);
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
        squash(&pdftotext(&out.join("rates-2024-p03.pdf")))
    };
    let over = report(&text.replacen("      executed: 400000", "      executed: 600000", 1));
    assert!(over.contains("预算执行数是600000元，执行率120%，结余资金-100000元，预算执行120%，支出超出全年预算"), "{over}");
    assert!(!over.contains("未达到全年预算"));
    let none = report(&text.replacen("      annual_budget: 500000", "      annual_budget: 0", 1));
    assert!(none.contains("全年预算数为0，执行率无从计算"), "{none}");
    assert!(!none.contains("执行率0%"));
}

/// A character no font draws, written as a YAML escape (`\uFFFE`), is located at the escape.
#[test]
fn an_escaped_character_no_font_can_draw_is_located() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("escape-2024");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean"), &dir);
    let p = dir.join("projects/p02.yaml");
    let text = std::fs::read_to_string(&p).unwrap();
    assert_eq!(text.matches("completion: \"基本完成").count(), 1);
    std::fs::write(&p, text.replacen("completion: \"基本完成", "completion: \"基本完成\\uFFFE", 1)).unwrap();
    let out_dir = tmp.path().join("out");
    let out = juesuan(&["build", dir.to_str().unwrap(), "-o", out_dir.to_str().unwrap(), "--format", "pdf"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let line = text.lines().position(|l| l.starts_with("completion: \"基本完成")).unwrap() + 1;
    assert!(err.contains("U+FFFE") && err.contains(&format!("projects/p02.yaml:{line}:")), "{err}");
}

/// The PDF's page labels follow the printed page numbers: a viewer shows "1" on the page
/// printed 1 (after the unnumbered cover and 目录), not the physical page count.
#[test]
fn page_labels_follow_the_printed_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let out = build(SEED, tmp.path(), &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bytes = std::fs::read(tmp.path().join("lanxian-kfq-2024.pdf")).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("/PageLabels"), "no page labels");
    assert!(raw.contains("<</Type/PageLabel/S/D/St 1>>"), "the first numbered page is labelled 1");
    let t = pdftotext_mode(&tmp.path().join("lanxian-kfq-2024.pdf"), "-raw");
    let pages = t.matches('\u{c}').count();
    let labelled = raw.matches("<</Type/PageLabel/S/D/St ").count();
    assert!(labelled >= 1 && labelled <= pages, "{labelled} labels for {pages} pages");
}

/// A combining mark the fonts lack is named (and found where it is written as an escape),
/// not the base letter before it, which every font has.
#[test]
fn a_missing_combining_mark_is_named_not_its_base_letter() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mark");
    copy_dir(Path::new("tests/fixtures/clean"), &dir);
    let f = dir.join("explanation.yaml");
    let text = std::fs::read_to_string(&f).unwrap().replacen("other_matters: \"无\"", "other_matters: \"无Z\\u20D2\"", 1);
    std::fs::write(&f, text).unwrap();
    let out = juesuan(&["build", dir.to_str().unwrap(), "-o", tmp.path().join("out").to_str().unwrap(), "--format", "pdf"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("U+20D2") && err.contains("explanation.yaml:48:"), "{err}");
    assert!(!err.contains("U+005A"), "the base letter accused: {err}");
}

/// A long token in a table cell wraps inside its cell, in the PDF and in the DOCX, and a
/// value far too long for a page runs on over pages instead of being cut off.
#[test]
fn long_tokens_wrap_inside_their_cells() {
    let tmp = tempfile::tempdir().unwrap();
    let dept = tmp.path().join("tokens-2024");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean"), &dept);
    let p01 = dept.join("projects/p01.yaml");
    let token = "LXKFQ2024ZFCG000012345678";
    let huge = "W".repeat(50_000);
    let text = std::fs::read_to_string(&p01).unwrap();
    let text = text.replacen("actual: \"12\"", &format!("actual: \"{token}\""), 1);
    let text = text.replacen("name: \"平台正常运行率\"", &format!("name: \"{huge}\""), 1);
    std::fs::write(&p01, text).unwrap();
    let out = tmp.path().join("out");
    let r = juesuan(&["report", dept.to_str().unwrap(), "p01", "-o", out.to_str().unwrap()]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let pdf = out.join("tokens-2024-p01.pdf");

    // Every character is there, in order, and nothing is added between them.
    let all = squash(&pdftotext_mode(&pdf, "-raw"));
    assert!(all.contains(token), "the token reads whole");
    assert_eq!(all.matches('W').count(), 50_000, "the 50,000-character value is printed whole");

    // The token's pieces stay left of the next column (定性值情况说明), on more than one line.
    let bbox = pdftotext_mode(&pdf, "-bbox");
    let words: Vec<(f64, f64, String)> = bbox
        .lines()
        .filter(|l| l.contains("<word "))
        .filter_map(|l| {
            let attr = |k: &str| l.split(&format!("{k}=\"")).nth(1)?.split('"').next()?.parse::<f64>().ok();
            let w = l.split('>').nth(1)?.split('<').next()?.to_string();
            Some((attr("xMin")?, attr("xMax")?, w))
        })
        .collect();
    let next_col = words.iter().find(|w| w.2.starts_with("定性")).map(|w| w.0).expect("the 定性值情况说明 header");
    let pieces: Vec<_> = words.iter().filter(|w| w.2.starts_with("LXKF") || (w.2.chars().all(|c| c.is_ascii_alphanumeric()) && token.contains(w.2.as_str()) && w.2.len() > 3)).collect();
    assert!(pieces.len() >= 2, "the token is broken over lines: {pieces:?}");
    for p in &pieces {
        assert!(p.1 <= next_col, "{} ends at {} past the next column at {next_col}", p.2, p.1);
    }

    // The DOCX holds both whole; the long value's row may break across pages.
    let docx = out.join("tokens-2024-p01.docx");
    let mut z = zip::ZipArchive::new(std::fs::File::open(&docx).unwrap()).expect("a zip archive");
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    assert!(xml.contains(token));
    assert!(xml.contains(&huge));
    let row = xml.split("<w:tr>").find(|r| r.contains(&huge[..100])).expect("the row of the long value");
    assert!(!row.contains("<w:cantSplit"), "a row taller than a page may break");
}

/// `pdfinfo` (and every poppler tool) reads the catalog without "Suspects object is wrong
/// type": typst-pdf writes `/Suspects false` in the mark info, which poppler reports; the
/// entry goes (false is its default). A viewer shows the document title, not the file name
/// (`DisplayDocTitle`). Same bytes on every build, PDF/A included.
#[test]
fn poppler_reads_the_catalog_quietly_and_viewers_show_the_title() {
    let tmp = tempfile::tempdir().unwrap();
    for (dir, extra) in [("a", &[][..]), ("b", &["--pdf-standard", "a-2b"][..])] {
        let out_dir = tmp.path().join(dir);
        let mut args = vec!["report", SEED, "p01", "-o", out_dir.to_str().unwrap(), "--format", "pdf"];
        args.extend_from_slice(extra);
        let out = juesuan(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let pdf = out_dir.join("lanxian-kfq-2024-p01.pdf");
        for tool in ["pdfinfo", "pdftotext"] {
            let mut cmd = Command::new(tool);
            cmd.arg(&pdf);
            if tool == "pdftotext" {
                cmd.arg("-");
            }
            let run = cmd.output().unwrap();
            assert!(run.status.success());
            let err = String::from_utf8_lossy(&run.stderr);
            assert!(err.trim().is_empty(), "{tool} {dir}: {err}");
        }
        let bytes = std::fs::read(&pdf).unwrap();
        let raw = String::from_utf8_lossy(&bytes);
        assert!(raw.contains("/ViewerPreferences<</DisplayDocTitle true>>"), "{dir}: no DisplayDocTitle");
        assert!(!raw.contains("/Suspects"), "{dir}");
    }
}

/// A report built alone: its cover and its 目录 are unnumbered front matter (the PDF's and the
/// DOCX's), page 1 is 一、项目基本信息, the 目录 lists those numbers; the PDF's title (and the
/// DOCX's) is the cover's: the project's name and 项目支出绩效自评分析报告.
#[test]
fn a_report_alone_has_an_unnumbered_cover_and_the_cover_title() {
    let tmp = tempfile::tempdir().unwrap();
    let out = juesuan(&["report", SEED, "p13", "-o", tmp.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pdf = tmp.path().join("lanxian-kfq-2024-p13.pdf");
    let yaml = std::fs::read_to_string(Path::new(SEED).join("projects/p13.yaml")).unwrap();
    let name = yaml.lines().find_map(|l| l.strip_prefix("name: ")).unwrap().trim().trim_matches('"').to_string();
    let title = format!("{}项目支出绩效自评分析报告", name.strip_suffix("项目").unwrap_or(&name));
    let info = String::from_utf8_lossy(&Command::new("pdfinfo").arg(&pdf).output().unwrap().stdout).into_owned();
    assert!(info.lines().any(|l| l.strip_prefix("Title:").is_some_and(|t| t.trim() == title)), "{info}");
    // A name ending in 项目 does not say it twice.
    let out = juesuan(&["report", SEED, "p19", "-o", tmp.path().to_str().unwrap(), "--format", "pdf"]);
    assert!(out.status.success());
    let info = String::from_utf8_lossy(&Command::new("pdfinfo").arg(tmp.path().join("lanxian-kfq-2024-p19.pdf")).output().unwrap().stdout).into_owned();
    assert!(info.contains("Title:           县经济技术开发区污水及初期雨水处理工程项目支出绩效自评分析报告\n"), "{info}");
    // The last line of each page: the cover's date, the 目录's last entry, then 1, 2, 3 …
    let text = pdftotext_mode(&pdf, "-layout");
    let last: Vec<String> =
        text.split('\u{c}').filter(|p| !p.trim().is_empty()).map(|p| p.trim_end().lines().last().unwrap_or("").trim().to_string()).collect();
    assert!(last.len() >= 4, "{last:?}");
    assert!(!last[0].chars().all(|c| c.is_ascii_digit()) && last[1].contains(". ."), "cover and 目录 unnumbered: {last:?}");
    let numbers: Vec<String> = (1..=last.len() - 2).map(|n| n.to_string()).collect();
    assert_eq!(last[2..], numbers[..], "the main matter counts from 1");
    let entry = text.lines().find(|l| l.contains("一、项目基本信息") && l.contains(". .")).expect("the 目录's first entry");
    assert!(entry.trim_end().ends_with(" 1"), "{entry}");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(String::from_utf8_lossy(&bytes).contains("<</Type/PageLabel/S/D/St 1>>"), "a viewer shows the printed numbers");

    let docx = tmp.path().join("lanxian-kfq-2024-p13.docx");
    let part = |name: &str| {
        use std::io::Read as _;
        let mut z = zip::ZipArchive::new(std::fs::File::open(&docx).unwrap()).unwrap();
        let mut s = String::new();
        z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    assert!(part("docProps/core.xml").contains(&format!("<dc:title>{title}</dc:title>")));
    let xml = part("word/document.xml");
    let first = &xml[xml.find("<w:sectPr").unwrap()..];
    let first = &first[..first.find("</w:sectPr>").unwrap()];
    assert!(!first.contains("footerReference"), "the front matter's section has no page number: {first}");
    assert_eq!(xml.matches("<w:pgNumType w:start=\"1\"").count(), 1, "the main matter counts from 1");
}

/// A department with a `date` gives the PDF its creation and modification dates (and the
/// DOCX its core dates); the same input gives the same bytes. (The seed booklet has no date:
/// the published text prints none.)
#[test]
fn document_dates_come_from_the_data() {
    let tmp = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean");
    let out = juesuan(&["report", fixture.to_str().unwrap(), "p01", "-o", tmp.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pdf = tmp.path().join("clean-p01.pdf");
    let bytes = std::fs::read(&pdf).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("/CreationDate(D:20250829000000Z)") && raw.contains("/ModDate(D:20250829000000Z)"), "PDF dates");
    use std::io::Read as _;
    let mut z = zip::ZipArchive::new(std::fs::File::open(tmp.path().join("clean-p01.docx")).unwrap()).unwrap();
    let mut core = String::new();
    z.by_name("docProps/core.xml").unwrap().read_to_string(&mut core).unwrap();
    assert!(core.contains(">2025-08-29T00:00:00Z</dcterms:created>") && core.contains(">2025-08-29T00:00:00Z</dcterms:modified>"), "{core}");
}
