//! Layouts end to end: the Shanghai booklets built from `data/putuo-*` (every table figure of the
//! published original and the 情况说明 headings in its order; the sentences in PDF and DOCX),
//! `check` on them (only real findings), a layout loaded from a folder outside the binary, an
//! exported built-in layout, the default layout, and located errors in a broken layout.

mod common;

use common::{copy_dir, docx_text, findings, run, Finding};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

const SOCIAL: &str = "data/putuo-social-work-2024";
const PLANNING: &str = "data/putuo-planning-2024";
const LIMIT: Duration = Duration::from_secs(120);

fn root(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn pdftotext(pdf: &Path) -> String {
    let out = std::process::Command::new("pdftotext").args(["-layout", "-enc", "UTF-8"]).arg(pdf).arg("-").output().expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "pdftotext failed on {}", pdf.display());
    // Without the draft mark that heads every page of a booklet with check errors.
    String::from_utf8_lossy(&out.stdout).lines().filter(|l| l.trim() != "仅供内部审核").collect::<Vec<_>>().join("\n")
}

/// The text without white space, and without the page furniture a page break leaves inside
/// a sentence: the draft mark and a GB/T 9704 page number ("— 20 —").
fn squash(s: &str) -> String {
    let flat: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = String::with_capacity(flat.len());
    let mut rest = flat.replace("仅供内部审核", "");
    while let Some(i) = rest.find('—') {
        let after = &rest[i + '—'.len_utf8()..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && after[digits..].starts_with('—') {
            out.push_str(&rest[..i]);
            rest = after[digits + '—'.len_utf8()..].to_string();
        } else {
            out.push_str(&rest[..i + '—'.len_utf8()]);
            rest = after.to_string();
        }
    }
    out.push_str(&rest);
    out
}

/// The text of the DOCX's document.xml.
fn docx_file_text(docx: &Path) -> String {
    let f = std::fs::File::open(docx).expect("docx");
    let mut z = zip::ZipArchive::new(f).expect("a zip archive");
    let mut xml = String::new();
    z.by_name("word/document.xml").expect("document.xml").read_to_string(&mut xml).expect("utf-8");
    docx_text(&xml)
}

/// Builds `dir` (PDF and DOCX) into a fresh folder; returns it with the PDF's and DOCX's text.
fn build(dir: &Path, extra: &[&str]) -> (tempfile::TempDir, String, String) {
    let out = tempfile::tempdir().expect("temp dir");
    let mut args = vec!["build", s(dir), "-o", s(out.path())];
    args.extend_from_slice(extra);
    let r = run(&args, LIMIT);
    assert_eq!(r.code, Some(0), "{}", r.both());
    let name = dir.file_name().and_then(|n| n.to_str()).expect("name");
    let pdf = pdftotext(&out.path().join(format!("{name}.pdf")));
    let docx_file = out.path().join(format!("{name}.docx"));
    let docx = if docx_file.exists() { docx_file_text(&docx_file) } else { String::new() };
    (out, pdf, docx)
}

/// Every figure with two decimals in the original's 决算表 part (第二部分 up to 第三部分).
fn original_table_figures(original: &str) -> Vec<String> {
    // From the title of the first form (its last mention: the 目录 names it first) to 第三部分.
    let start = original.rfind("收入支出决算总表").expect("the original's first form");
    let tables = original[start..].split("第三部分").next().expect("up to 第三部分");
    let mut out = Vec::new();
    for token in tables.split(|c: char| !(c.is_ascii_digit() || c == '.')) {
        let t = token.trim_matches('.');
        if let Some((int, dec)) = t.split_once('.') {
            if !int.is_empty() && dec.len() == 2 && int.chars().all(|c| c.is_ascii_digit()) {
                out.push(t.to_string());
            }
        }
    }
    out
}

/// `1092.80` → `1092.8`, `9.00` → `9`: a figure as `check` prints it.
fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// The 情况说明 headings (一、… 十一、) of the text after its 第三部分 heading, in order.
fn headings(text: &str, nth: usize) -> Vec<String> {
    const NUMS: [&str; 11] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"];
    let part = text.split("第三部分").nth(nth).expect("第三部分");
    let part = part.split("第四部分").next().unwrap_or(part);
    part.lines()
        .map(str::trim)
        .filter_map(|l| {
            let (n, rest) = l.split_once('、')?;
            (NUMS.contains(&n) && (rest.ends_with("说明") || rest.ends_with("情况"))).then(|| format!("{n}、{rest}"))
        })
        .collect()
}

#[test]
fn shanghai_booklets_hold_every_table_figure_and_the_headings_in_order() {
    for (dir, original) in [(SOCIAL, "putuo-social-work-2024.txt"), (PLANNING, "putuo-planning-2024.txt")] {
        let original = std::fs::read_to_string(root("tests/fixtures/shanghai-originals").join(original)).expect("original text");
        let (_out, pdf, docx) = build(&root(dir), &[]);
        let figures = original_table_figures(&original);
        assert!(figures.len() > 40, "{dir}: only {} figures found in the original", figures.len());
        // A printed figure that `check` rejects (an error: it contradicts the rows it sums) is
        // replaced by the computed one; every other figure of the original is printed.
        let rejected: Vec<String> = check_json_rules(&root(dir), &[])
            .iter()
            .filter(|f| f.severity == "error")
            .filter_map(|f| f.message.split("printed ").nth(1)?.split("万元").next().map(trim_zeros))
            .collect();
        let missing: Vec<&String> = figures.iter().filter(|f| !pdf.contains(f.as_str()) && !rejected.contains(&trim_zeros(f))).collect();
        assert!(missing.is_empty(), "{dir}: table figures of the original missing from our PDF: {missing:?}");
        // Headings of 情况说明 (the original's 目录 is its first 第三部分, the body its second).
        let want = headings(&original, 2);
        assert_eq!(want.len(), 11, "{dir}: the original's headings: {want:?}");
        let ours = headings(&pdf, 2);
        assert_eq!(ours, want, "{dir}: 情况说明 headings");
        // No Shanxi residue: no 表号, no 行次/栏次, no attached reports.
        for shanxi in ["公开01表", "行次", "栏次", "附件", "自评分析报告"] {
            assert!(!pdf.contains(shanxi), "{dir}: the Shanghai booklet prints “{shanxi}”");
        }
        // The same wording in the DOCX.
        for sentence in ["本表反映部门本年度一般公共预算财政拨款支出情况。", "十一、其他重要事项的情况说明"] {
            assert!(docx.contains(sentence), "{dir}: DOCX lacks “{sentence}”");
        }
    }
}

#[test]
fn shanghai_sentences_are_computed_and_worded_as_the_template() {
    let (_o, pdf, docx) = build(&root(PLANNING), &[]);
    let (pdf, docx) = (squash(&pdf), squash(&docx));
    let sentences = [
        // 三: parts and 占比 from 支出决算表.
        "本年支出合计9759.38万元，其中：基本支出5377.64万元，占55.10%；项目支出4381.74万元，占44.90%。",
        // 五(三) per 项, on the 年初预算.
        "机关事业单位基本养老保险缴费支出（项）。主要用于：行政事业单位养老保险支出。年初预算为452.40万元，支出决算为446.11万元，完成年初预算的98.61%。决算数小于年初预算数的主要原因：机构改革人员变动，年中社会保险缴费基数变更等因素综合导致。",
        // 七: 预算 vs 决算, and the change by item.
        "“三公”经费财政拨款支出年初预算为2.85万元，支出决算为0.39万元，完成预算的13.68%",
        "公务接待费支出决算减少0.15万元，下降27.78%",
        "公务用车购置及运行维护费支出与上一年度持平",
        // 十: typed counts, the layout's grades.
        "绩效自评的2024年度项目39个，涉及预算金额4415.48万元，平均得分99.33分（其中，绩效评级为“优”的项目39个；绩效评级为“良”的项目0个；绩效评级为“合格”的项目0个；绩效评级为“不合格”的项目0个；",
        // 十一: 机关运行经费 with its change, 中小企业.
        "机关运行经费支出142.80万元，比2023年度减少13.52万元，下降8.65%。",
        "在面向中小企业预留的政府采购项目中，由中小企业供应商中标或成交的，采购金额225.10万元",
    ];
    for sentence in sentences {
        assert!(pdf.contains(sentence), "PDF lacks “{sentence}”");
        assert!(docx.contains(sentence), "DOCX lacks “{sentence}”");
    }
    // Not the Shanxi sentences.
    assert!(!pdf.contains("共接待0批次"), "a Shanxi sentence in the Shanghai booklet");
    assert!(!pdf.contains("涉及二级项目"), "the Shanxi 十(四) in the Shanghai booklet");

    // A unit founded in 2024 budgeted only a 全年预算: the sentence names that basis.
    let (_o, pdf, _) = build(&root(SOCIAL), &[]);
    let pdf = squash(&pdf);
    assert!(pdf.contains("一般公共预算财政拨款支出年初预算为0.00万元，全年预算为321.02万元，支出决算为307.82万元，完成全年预算的95.89%。"), "{pdf}");
    assert!(pdf.contains("中共上海市普陀区委社会工作部2024年度无“三公”经费财政拨款支出。"));
    assert!(pdf.contains("说明：中共上海市普陀区委社会工作部本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。"));
}

fn check_json_rules(dir: &Path, extra: &[&str]) -> Vec<Finding> {
    let mut args = vec!["check", s(dir)];
    args.extend_from_slice(extra);
    let r = run(&args, LIMIT);
    assert!(r.code == Some(0) || r.code == Some(1), "{}", r.both());
    findings(&r.stdout)
}

#[test]
fn check_on_the_shanghai_booklets_lists_only_real_findings() {
    let social = check_json_rules(&root(SOCIAL), &[]);
    let rules: Vec<&str> = social.iter().map(|f| f.rule.as_str()).collect();
    // What the published booklet really contradicts (see the closing note of issue 11).
    for real in ["E-SME", "E-BUDGET", "E-BASIC", "T06-SUM", "X05-06", "E-GENERAL"] {
        assert!(rules.contains(&real), "social-work: {real} missing from {rules:?}");
    }
    let planning = check_json_rules(&root(PLANNING), &[]);
    let prules: Vec<&str> = planning.iter().map(|f| f.rule.as_str()).collect();
    for real in ["E-ITEM", "E-BASIC", "T01-CLASS", "T04-CLASS", "T05-SUM", "T06-SUM", "T10-SUM", "E-GENERAL", "E-BUDGET"] {
        assert!(prules.contains(&real), "planning: {real} missing from {prules:?}");
    }
    assert_eq!(planning.iter().filter(|f| f.rule == "E-ITEM").count(), 4, "the four 五(三) names that differ from the table");
    // False alarms of the Shanxi assumptions: none.
    for f in social.iter().chain(&planning) {
        for never in ["X-PROJECTS", "E-PERFORMANCE", "X03-FISCAL", "PL-REASON-MISSING", "PL-VEHICLES"] {
            assert_ne!(f.rule, never, "false alarm: {f:?}");
        }
        // Messages speak in the layout's names.
        assert!(!f.message.contains("公开0"), "a Shanxi form number in a Shanghai message: {f:?}");
        assert!(!f.message.contains("情况说明 九"), "a Shanxi section number (九 is 国有资本经营 here): {f:?}");
    }
}

#[test]
fn a_layout_folder_outside_the_binary_builds_and_checks() {
    let layout = root("tests/fixtures/layout-variant");
    let (_o, pdf, docx) = build(&root(PLANNING), &["--layout", s(&layout)]);
    // A form dropped, a section renamed, a column moved.
    assert!(!pdf.contains("财政拨款“三公”经费支出决算表"), "the dropped form is printed");
    assert!(!pdf.contains("基本支出决算表"), "a form the layout does not list is printed");
    assert!(squash(&pdf).contains("三、预算绩效管理工作开展情况"), "the renamed section");
    assert!(docx.contains("预算绩效管理工作开展情况"));
    let header = pdf.lines().find(|l| l.contains("财政拨款收入") && l.contains("本年收入合计")).expect("the 收入决算表 header line");
    assert!(header.find("财政拨款收入") < header.find("本年收入合计"), "columns in the layout's order: {header}");
    // Only the rules it lists, in its names.
    let found = check_json_rules(&root(PLANNING), &["--layout", s(&layout)]);
    assert!(!found.is_empty());
    let allowed = ["T01-TOTAL", "T02-SUM", "T03-SUM", "T05-SUM", "E-TOTAL", "E-GENERAL", "E-BUDGET", "E-ITEM"];
    for f in &found {
        assert!(allowed.contains(&f.rule.as_str()), "a rule the layout does not list: {f:?}");
    }
    assert!(found.iter().any(|f| f.message.contains("五张表之一般公共预算表")), "the layout's title of the 一般公共预算 form: {found:?}");
    assert!(found.iter().any(|f| f.message.contains("支出决算数")), "the layout's `names:` rewording: {found:?}");
    // Its sections are numbered by position: 五 一般公共预算 of the Shanxi numbering is 二 here.
    assert!(found.iter().filter(|f| f.rule == "E-GENERAL").all(|f| f.message.starts_with("情况说明 二")), "section numbers of this layout: {found:?}");

    // The same folder inside the department folder, named in department.yaml.
    let tmp = tempfile::tempdir().expect("temp");
    let dept = tmp.path().join("putuo-planning-2024");
    copy_dir(&root(PLANNING), &dept);
    copy_dir(&layout, &dept.join("layout"));
    let yaml = std::fs::read_to_string(dept.join("department.yaml")).expect("department.yaml");
    std::fs::write(dept.join("department.yaml"), yaml.replace("layout: shanghai", "layout: ./layout")).expect("write");
    let (_o2, pdf2, _) = build(&dept, &[]);
    assert_eq!(squash(&pdf2), squash(&pdf), "the layout named in department.yaml gives the same booklet");
}

#[test]
fn an_exported_layout_gives_the_same_booklet_and_the_default_is_shanxi() {
    let tmp = tempfile::tempdir().expect("temp");
    let exported = tmp.path().join("my-shanghai");
    let r = run(&["layout", "export", "shanghai", s(&exported)], LIMIT);
    assert_eq!(r.code, Some(0), "{}", r.both());
    assert!(exported.join("layout.yaml").is_file() && exported.join("sections/performance.jinja").is_file());
    let (a, _, _) = build(&root(SOCIAL), &["--format", "pdf"]);
    let (b, _, _) = build(&root(SOCIAL), &["--format", "pdf", "--layout", s(&exported)]);
    let bytes = |d: &tempfile::TempDir| std::fs::read(d.path().join("putuo-social-work-2024.pdf")).expect("pdf");
    assert!(bytes(&a) == bytes(&b), "the exported layout builds a different booklet");
    // Export refuses to overwrite.
    let again = run(&["layout", "export", "shanghai", s(&exported)], LIMIT);
    assert_eq!(again.code, Some(2), "{}", again.both());

    // A department that names no layout gets the Shanxi one: the same bytes as `layout: shanxi`.
    let seed = tmp.path().join("seed");
    copy_dir(&root("data/lanxian-kfq-2024"), &seed);
    let (plain, _, _) = build(&seed, &["--format", "pdf"]);
    let yaml = std::fs::read_to_string(seed.join("department.yaml")).expect("department.yaml");
    std::fs::write(seed.join("department.yaml"), format!("{yaml}layout: shanxi\n")).expect("write");
    let (named, _, _) = build(&seed, &["--format", "pdf"]);
    let seed_pdf = |d: &tempfile::TempDir| std::fs::read(d.path().join("seed.pdf")).expect("pdf");
    assert!(seed_pdf(&plain) == seed_pdf(&named), "layout: shanxi differs from the default");
}

#[test]
fn a_broken_layout_is_a_located_error() {
    let tmp = tempfile::tempdir().expect("temp");
    let bad = tmp.path().join("bad");
    copy_dir(&root("tests/fixtures/layout-variant"), &bad);
    let spec = bad.join("layout.yaml");
    let text = std::fs::read_to_string(&spec).expect("layout.yaml");
    let line = text.lines().position(|l| l.contains("title: 收入决算表")).expect("the line") + 1;
    std::fs::write(&spec, text.replacen("title: 收入决算表", "titel: 收入决算表", 1)).expect("write");
    let r = run(&["check", SOCIAL, "--layout", s(&bad)], LIMIT);
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(r.stderr.contains(&format!("layout.yaml:{line}:")), "no location: {}", r.stderr);
    assert!(r.stderr.contains("did you mean `title`"), "{}", r.stderr);

    // A template that does not parse: its file and line.
    std::fs::write(&spec, text).expect("write");
    std::fs::create_dir_all(bad.join("sections")).expect("dir");
    std::fs::write(bad.join("sections/total.jinja"), "<p>\n{% if %}\n</p>\n").expect("write");
    let r = run(&["check", SOCIAL, "--layout", s(&bad)], LIMIT);
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(r.stderr.contains("sections/total.jinja:2:"), "{}", r.stderr);

    // An unknown rule, and a section whose template does not exist.
    std::fs::remove_file(bad.join("sections/total.jinja")).expect("rm");
    let broken = std::fs::read_to_string(&spec).unwrap().replace("T02-SUM,", "T02-SUMM,").replace("sections/total.jinja", "sections/nothing.jinja");
    std::fs::write(&spec, broken).expect("write");
    let r = run(&["check", SOCIAL, "--layout", s(&bad)], LIMIT);
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(r.stderr.contains("unknown rule `T02-SUMM`") && r.stderr.contains("no template `sections/nothing.jinja`"), "{}", r.stderr);

    // department.yaml may not lead out of the data folder, nor name an unknown layout.
    let dept = tmp.path().join("dept");
    copy_dir(&root(SOCIAL), &dept);
    let yaml = std::fs::read_to_string(dept.join("department.yaml")).expect("yaml");
    std::fs::write(dept.join("department.yaml"), yaml.replace("layout: shanghai", "layout: ../bad")).expect("write");
    let r = run(&["check", s(&dept)], LIMIT);
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(r.stderr.contains("department.yaml:") && r.stderr.contains("not a folder inside the data folder"), "{}", r.stderr);
    std::fs::write(dept.join("department.yaml"), yaml.replace("layout: shanghai", "layout: guangdong")).expect("write");
    let r = run(&["check", s(&dept)], LIMIT);
    assert_eq!(r.code, Some(2), "{}", r.both());
    assert!(r.stderr.contains("unknown layout `guangdong`") && r.stderr.contains("shanghai"), "{}", r.stderr);
}
