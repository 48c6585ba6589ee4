//! Excel in and out (issue #12), through the real binary: `export` then `import` gives back
//! the same booklet (PDF text) and the same `check` findings; the exported workbooks open in
//! calamine, openpyxl and LibreOffice; bad workbooks (generated here, none committed) fail
//! with the cell named, exit 2 and nothing written.

mod common;

use calamine::{Data, Reader, Xlsx};
use common::{copy_dir, run, Run};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(120);

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(name)
}

fn ok(r: &Run, what: &str) {
    assert_eq!(r.code, Some(0), "{what} failed:\n{}", r.both());
}

/// `juesuan export DIR -o OUT` → the workbook's path.
fn export(dir: &Path, out: &Path) -> PathBuf {
    let r = run(&["export", &dir.to_string_lossy(), "-o", &out.to_string_lossy()], LIMIT);
    ok(&r, "export");
    out.join(format!("{}.xlsx", dir.file_name().unwrap().to_string_lossy()))
}

/// Every file under `dir` with its bytes (to prove nothing was written).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// `check`'s findings with the folder and the line:col left out (the imported files are
/// laid out differently from the hand-typed ones).
fn findings(dir: &Path) -> Vec<String> {
    let r = run(&["check", &dir.to_string_lossy()], LIMIT);
    assert!(matches!(r.code, Some(0 | 1)), "check failed:\n{}", r.both());
    let shown = dir.to_string_lossy().to_string();
    let mut v: Vec<String> = r
        .stdout
        .lines()
        .map(|l| {
            let l = l.replace(&shown, "D");
            // D/tables/02-income.yaml:12:5: error… → D/tables/02-income.yaml: error…
            match l.split_once(": ") {
                Some((place, rest)) => format!("{}: {rest}", place.split(':').next().unwrap_or(place)),
                None => l,
            }
        })
        .collect();
    v.sort();
    v
}

fn pdf_text(dir: &Path, out: &Path) -> String {
    let r = run(&["build", &dir.to_string_lossy(), "-o", &out.to_string_lossy(), "--format", "pdf"], LIMIT);
    ok(&r, "build");
    let pdf = out.join(format!("{}.pdf", dir.file_name().unwrap().to_string_lossy()));
    let t = Command::new("pdftotext").args(["-layout", "-enc", "UTF-8"]).arg(&pdf).arg("-").output().expect("pdftotext (poppler-utils) is installed");
    String::from_utf8_lossy(&t.stdout).into_owned()
}

/// Exports `src`, imports the workbook into a copy of it without the form files, and
/// compares: the PDF text is the same; `check` finds the same, except that a figure the
/// booklet printed against its computed value (the PDF shows the computed one, and so does
/// the workbook) is no longer a finding.
fn round_trip(src: &Path, exact_findings: bool) {
    let tmp = tempfile::tempdir().unwrap();
    let name = src.file_name().unwrap().to_string_lossy().to_string();
    let book = export(src, &tmp.path().join("xlsx"));
    let copy = tmp.path().join("copy").join(&name);
    copy_dir(src, &copy);
    let sheets = Xlsx::new(std::io::Cursor::new(std::fs::read(&book).unwrap())).map(|b: Xlsx<_>| b.sheet_names().len()).unwrap();
    let mut removed = 0;
    for f in [
        "01-summary", "02-income", "03-expenditure", "04-fiscal", "05-general-budget", "06-basic-detail", "07-gov-fund", "08-soe-capital",
        "09-three-public", "10-statistics",
    ] {
        // The forms the layout prints are in the workbook; the others stay.
        let p = copy.join("tables").join(format!("{f}.yaml"));
        if (sheets == 10 || f != "10-statistics") && std::fs::remove_file(&p).is_ok() {
            removed += 1;
        }
    }
    assert_eq!(removed, sheets, "{name}: one form file per sheet removed");
    let r = run(&["import", &book.to_string_lossy(), &copy.to_string_lossy()], LIMIT);
    ok(&r, "import");
    assert!(r.stdout.contains("wrote"), "{}", r.stdout);
    let before = findings(src);
    let after = findings(&copy);
    if exact_findings {
        assert_eq!(before, after, "{name}: check findings differ after the round trip");
    } else {
        for f in &after {
            assert!(before.contains(f), "{name}: new finding after the round trip: {f}");
        }
        for f in before.iter().filter(|f| !after.contains(f)) {
            assert!(f.contains("D/tables/") && f.contains("printed") && f.contains("computed"), "{name}: finding lost in the round trip: {f}");
        }
    }
    let a = pdf_text(src, &tmp.path().join("pdf-a"));
    let b = pdf_text(&copy, &tmp.path().join("pdf-b"));
    assert!(a.len() > 10_000, "{name}: the PDF has text");
    assert!(a == b, "{name}: the PDF text differs after the round trip");
}

#[test]
fn round_trip_the_seed() {
    round_trip(&data("lanxian-kfq-2024"), true);
}

#[test]
fn round_trip_the_shanghai_booklets() {
    round_trip(&data("putuo-social-work-2024"), true);
    // This one printed 类 lines of 公开01/04 against 公开03/05 (236.63 vs 236.64): the
    // booklet (and so the workbook) shows the computed figure; those findings go.
    round_trip(&data("putuo-planning-2024"), false);
}

#[test]
fn round_trip_generated_departments() {
    let tmp = tempfile::tempdir().unwrap();
    let r = run(&["gen-sample", &tmp.path().to_string_lossy(), "--count", "2", "--rows", "80", "--projects", "2"], LIMIT);
    ok(&r, "gen-sample");
    for d in ["sample-001", "sample-002"] {
        round_trip(&tmp.path().join(d), true);
    }
}

#[test]
fn export_is_deterministic_and_reads_back() {
    let tmp = tempfile::tempdir().unwrap();
    let a = export(&data("lanxian-kfq-2024"), &tmp.path().join("a"));
    let b = export(&data("lanxian-kfq-2024"), &tmp.path().join("b"));
    let bytes = std::fs::read(&a).unwrap();
    assert_eq!(bytes, std::fs::read(&b).unwrap(), "two exports, the same bytes");
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    assert_eq!(names.len(), 10);
    assert_eq!(names[1], "公开02表");
    let r = book.worksheet_range("公开02表").unwrap();
    assert_eq!(r.get_value((0, 0)), Some(&Data::String("二、收入决算表".into())));
    // The 合计 row, a number whose shortest text is the printed figure.
    let total = (0..r.height() as u32).find(|&i| r.get_value((i, 0)) == Some(&Data::String("合计".into()))).unwrap();
    let Some(Data::Float(f)) = r.get_value((total, 2)) else { panic!("合计 is a number") };
    assert_eq!(format!("{f}").parse::<Decimal>().unwrap(), "24556.69".parse::<Decimal>().unwrap());
    // 科目编码 stay text.
    assert!(matches!(r.get_value((total + 1, 0)), Some(Data::String(s)) if s == "201"));
    let merges = book.merge_cells_by_sheet_name("公开02表").unwrap();
    assert!(merges.iter().any(|m| m.start == (3, 0) && m.end == (3, 1)), "项目 spans the code and name columns");
}

#[test]
fn exported_workbooks_open_in_openpyxl_and_libreoffice() {
    let tmp = tempfile::tempdir().unwrap();
    let books: Vec<PathBuf> =
        ["lanxian-kfq-2024", "putuo-planning-2024"].iter().map(|d| export(&data(d), &tmp.path().join("x"))).collect();
    let has_openpyxl = Command::new("python3").args(["-c", "import openpyxl"]).status().is_ok_and(|s| s.success());
    if has_openpyxl {
        let script = r#"
import sys, openpyxl
for path in sys.argv[1:]:
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        assert ws.page_setup.paperSize in (9, '9'), (ws.title, ws.page_setup.paperSize)
        assert ws.print_title_rows, ws.title
        assert ws.merged_cells.ranges, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # fitToWidth is left out when 1, its default in OOXML
        assert int(ws.page_setup.fitToWidth or 1) == 1 and int(ws.page_setup.fitToHeight) == 0, ws.title
    ws = wb.worksheets[1]
    assert ws.page_setup.orientation == 'landscape', ws.page_setup.orientation
    print(path, len(wb.worksheets))
"#;
        let mut args = vec!["-c".to_string(), script.to_string()];
        args.extend(books.iter().map(|b| b.to_string_lossy().to_string()));
        let out = Command::new("python3").args(&args).output().unwrap();
        assert!(out.status.success(), "openpyxl: {}", String::from_utf8_lossy(&out.stderr));
    } else {
        eprintln!("openpyxl not installed: skipped (bash .ci/run installs it)");
    }
    // The Open XML SDK's validator (its Python port, as for the DOCX in scripts/validate-docx.sh).
    if Command::new("openxml-audit").arg("--help").output().is_ok_and(|o| o.status.success()) {
        let projects = tmp.path().join("x/lanxian-kfq-2024-projects.xlsx");
        for book in books.iter().chain([&projects]) {
            let o = Command::new("openxml-audit").args(["--format", "office2019"]).arg(book).output().unwrap();
            let out = String::from_utf8_lossy(&o.stdout);
            assert!(out.contains("Errors: 0"), "openxml-audit {}:\n{out}{}", book.display(), String::from_utf8_lossy(&o.stderr));
        }
    } else {
        eprintln!("openxml-audit not installed: skipped (bash .ci/run installs it)");
    }
    // Calc is a package of its own (libreoffice-calc-nogui; bash .ci/run installs it).
    let calc = Path::new("/usr/lib/libreoffice/program/libsclo.so").exists();
    if Command::new("soffice").arg("--version").output().is_ok() && calc {
        let out = tmp.path().join("lo");
        let profile = format!("-env:UserInstallation=file://{}", tmp.path().join("profile").display());
        let s = Command::new("soffice")
            .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
            .arg(&out)
            .arg(&books[0])
            .output()
            .unwrap();
        let pdf = out.join("lanxian-kfq-2024.pdf");
        assert!(pdf.is_file(), "LibreOffice converted the workbook: {}", String::from_utf8_lossy(&s.stderr));
        let t = Command::new("pdftotext").args(["-enc", "UTF-8"]).arg(&pdf).arg("-").output().unwrap();
        let text = String::from_utf8_lossy(&t.stdout);
        assert!(text.contains("24556.69") && text.contains("收入决算表"), "LibreOffice shows the figures");
    } else {
        eprintln!("LibreOffice Calc not installed: skipped");
    }
}

#[test]
fn the_reports_tables_go_to_a_second_workbook() {
    let tmp = tempfile::tempdir().unwrap();
    export(&data("lanxian-kfq-2024"), &tmp.path().join("x"));
    let book = tmp.path().join("x/lanxian-kfq-2024-projects.xlsx");
    let mut b: Xlsx<_> = Xlsx::new(std::io::Cursor::new(std::fs::read(&book).unwrap())).unwrap();
    let names = b.sheet_names();
    assert_eq!(names.len(), 28, "a sheet per project");
    assert_eq!(names[0], "p01");
    let r = b.worksheet_range("p01").unwrap();
    let row = |label: &str| (0..r.height() as u32).find(|&i| r.get_value((i, 0)) == Some(&Data::String(label.into()))).unwrap();
    let total = row("合计");
    // 全年预算数 59,040 元 as a number (grouped on screen), 执行率 100.
    assert_eq!(r.get_value((total, 3)), Some(&Data::Float(59040.0)));
    assert_eq!(r.get_value((total, 6)), Some(&Data::Float(100.0)));
    assert!(row("（二）绩效指标完成情况") > total);
    // The Shanghai booklets attach no reports: no second workbook.
    export(&data("putuo-planning-2024"), &tmp.path().join("x"));
    assert!(!tmp.path().join("x/putuo-planning-2024-projects.xlsx").exists());
}

// ---------------------------------------------------------------------------------------
// Workbooks written here: the seed's export read with calamine, changed, written again.

/// A sheet as values, merges, hidden rows and formulas.
#[derive(Clone)]
struct SheetModel {
    name: String,
    cells: BTreeMap<(u32, u32), Data>,
    merges: Vec<(u32, u32, u32, u32)>,
    hidden: Vec<u32>,
    formulas: Vec<(u32, u32, String)>,
}

fn model_of(book: &Path) -> Vec<SheetModel> {
    let mut b: Xlsx<_> = Xlsx::new(std::io::Cursor::new(std::fs::read(book).unwrap())).unwrap();
    b.sheet_names()
        .into_iter()
        .map(|name| {
            let r = b.worksheet_range(&name).unwrap();
            let start = r.start().unwrap_or((0, 0));
            let cells = r.used_cells().map(|(i, j, d)| ((i as u32 + start.0, j as u32 + start.1), d.clone())).collect();
            let merges = b.merge_cells_by_sheet_name(&name).unwrap().iter().map(|m| (m.start.0, m.start.1, m.end.0, m.end.1)).collect();
            SheetModel { name, cells, merges, hidden: Vec::new(), formulas: Vec::new() }
        })
        .collect()
}

fn write_model(sheets: &[SheetModel], path: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&s.name).unwrap();
        ws.set_formula_result_default("");
        let blank = rust_xlsxwriter::Format::new();
        for &(r0, c0, r1, c1) in &s.merges {
            ws.merge_range(r0, c0 as u16, r1, c1 as u16, "", &blank).unwrap();
        }
        for (&(r, c), d) in &s.cells {
            let c = c as u16;
            match d {
                Data::String(t) => ws.write_string(r, c, t).map(|_| ()).unwrap(),
                Data::Float(f) => ws.write_number(r, c, *f).map(|_| ()).unwrap(),
                Data::Int(i) => ws.write_number(r, c, *i as f64).map(|_| ()).unwrap(),
                Data::Bool(b) => ws.write_boolean(r, c, *b).map(|_| ()).unwrap(),
                Data::DateTime(_) => {
                    let f = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
                    let dt = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 12, 31).unwrap();
                    ws.write_datetime_with_format(r, c, &dt, &f).map(|_| ()).unwrap()
                }
                _ => {}
            }
        }
        for (r, c, f) in &s.formulas {
            ws.write_formula(*r, *c as u16, f.as_str()).unwrap();
        }
        for r in &s.hidden {
            ws.set_row_hidden(*r).unwrap();
        }
    }
    wb.save(path).unwrap();
}

/// The seed's export as a model, and a department folder (a copy of the seed) to import into.
fn seed_setup() -> (tempfile::TempDir, Vec<SheetModel>, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let book = export(&data("lanxian-kfq-2024"), &tmp.path().join("x"));
    let model = model_of(&book);
    let dept = tmp.path().join("dept");
    copy_dir(&data("lanxian-kfq-2024"), &dept);
    for f in std::fs::read_dir(dept.join("tables")).unwrap().flatten() {
        std::fs::remove_file(f.path()).unwrap();
    }
    (tmp, model, dept)
}

fn sheet<'a>(m: &'a mut [SheetModel], name: &str) -> &'a mut SheetModel {
    m.iter_mut().find(|s| s.name == name).unwrap()
}

/// The row (zero-based) of 科目 `code` in a 科目 form's sheet.
fn row_of(s: &SheetModel, code: &str) -> u32 {
    s.cells.iter().find(|(&(_, c), d)| c == 0 && matches!(d, Data::String(t) if t == code)).map(|(&(r, _), _)| r).unwrap()
}

/// Imports `book` into `dept`: must fail with exit 2, say `expect`, and write nothing.
fn refused(book: &Path, dept: &Path, expect: &[&str]) {
    let before = snapshot(dept);
    let r = run(&["import", &book.to_string_lossy(), &dept.to_string_lossy()], LIMIT);
    assert_eq!(r.code, Some(2), "{}: expected exit 2:\n{}", book.display(), r.both());
    for e in expect {
        assert!(r.stderr.contains(e), "{}: expected `{e}` in:\n{}", book.display(), r.stderr);
    }
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert_eq!(before, snapshot(dept), "{}: nothing written", book.display());
}

/// One bad workbook: the seed's export changed by `edit`.
fn bad(name: &str, edit: impl FnOnce(&mut Vec<SheetModel>), expect: &[&str]) {
    let (tmp, mut m, dept) = seed_setup();
    edit(&mut m);
    let book = tmp.path().join(format!("{name}.xlsx"));
    write_model(&m, &book);
    refused(&book, &dept, expect);
}

#[test]
fn a_rewritten_export_imports() {
    // The helper itself: the seed's export written again by rust_xlsxwriter imports cleanly.
    let (tmp, m, dept) = seed_setup();
    let book = tmp.path().join("again.xlsx");
    write_model(&m, &book);
    let r = run(&["import", &book.to_string_lossy(), &dept.to_string_lossy()], LIMIT);
    ok(&r, "import");
    assert_eq!(std::fs::read_dir(dept.join("tables")).unwrap().count(), 10);
}

#[test]
fn bad_merged_cells_across_figures() {
    bad(
        "merged",
        |m| {
            let s = sheet(m, "公开02表");
            let r = row_of(s, "2011302");
            s.merges.push((r, 2, r, 3));
            s.cells.remove(&(r, 3));
        },
        &["公开02表!C", "merged cells"],
    );
}

#[test]
fn bad_hidden_row() {
    bad(
        "hidden",
        |m| {
            let s = sheet(m, "公开03表");
            let r = row_of(s, "2011302");
            s.hidden.push(r);
        },
        &["公开03表!A", "hidden row"],
    );
}

#[test]
fn bad_formula_without_a_cached_value() {
    bad(
        "formula",
        |m| {
            let s = sheet(m, "公开05表");
            let r = row_of(s, "2011302");
            s.cells.remove(&(r, 3));
            s.formulas.push((r, 3, "=1+1".into()));
        },
        &["公开05表!D", "has no computed value"],
    );
}

fn text_in(code: &str, text: &'static str) -> impl FnOnce(&mut Vec<SheetModel>) {
    let code = code.to_string();
    move |m| {
        let s = sheet(m, "公开02表");
        let r = row_of(s, &code);
        s.cells.insert((r, 3), Data::String(text.into()));
    }
}

#[test]
fn bad_number_as_text_with_a_space() {
    bad("space", text_in("2011302", "6160. 99"), &["公开02表!D", "space inside number"]);
}

#[test]
fn bad_full_width_digits() {
    bad("fullwidth", text_in("2011302", "６１６０.９９"), &["公开02表!D", "full-width"]);
}

#[test]
fn bad_grouping() {
    bad("grouping", text_in("2011302", "6,160,9.99"), &["公开02表!D"]);
}

#[test]
fn bad_percentage_for_an_amount() {
    bad("percent", text_in("2011302", "12.5%"), &["公开02表!D", "percentage"]);
}

#[test]
fn bad_digits_below_one_fen() {
    bad(
        "fen",
        |m| {
            let s = sheet(m, "公开02表");
            let r = row_of(s, "2011302");
            s.cells.insert((r, 3), Data::Float(6160.9912345));
        },
        &["公开02表!D", "below 1 分"],
    );
}

#[test]
fn bad_date_for_an_amount() {
    bad(
        "date",
        |m| {
            let s = sheet(m, "公开09表");
            let (&(r, c), _) = s.cells.iter().find(|(_, d)| matches!(d, Data::Float(_))).unwrap();
            s.cells.insert((r, c), Data::DateTime(calamine::ExcelDateTime::new(45657.0, calamine::ExcelDateTimeType::DateTime, false)));
        },
        &["公开09表!", "date"],
    );
}

#[test]
fn bad_code() {
    bad(
        "code",
        |m| {
            let s = sheet(m, "公开03表");
            let r = row_of(s, "2011302");
            s.cells.insert((r, 0), Data::String("201130X".into()));
        },
        &["公开03表!A", "not a 科目编码"],
    );
}

#[test]
fn bad_missing_form() {
    bad("missing", |m| m.retain(|s| s.name != "公开05表"), &["一般公共预算财政拨款支出决算表", "is missing"]);
}

#[test]
fn bad_form_twice() {
    bad(
        "twice",
        |m| {
            let mut copy = m[1].clone();
            copy.name = "收入决算表（二）".into();
            m.push(copy);
        },
        &["appears twice", "公开02表", "收入决算表（二）"],
    );
}

fn bad_file(name: &str, bytes: &[u8], expect: &[&str]) {
    let (tmp, _, dept) = seed_setup();
    let book = tmp.path().join(name);
    std::fs::write(&book, bytes).unwrap();
    refused(&book, &dept, expect);
}

const OLE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

#[test]
fn bad_old_xls() {
    bad_file("forms.xls", &[OLE.as_slice(), &[0; 504]].concat(), &[".xls", "save it as .xlsx"]);
}

#[test]
fn bad_csv() {
    bad_file("forms.csv", "科目编码,科目名称,合计\n201,一般公共服务支出,1.00\n".as_bytes(), &["CSV"]);
}

#[test]
fn bad_corrupt_file() {
    bad_file("corrupt.xlsx", b"PK\x03\x04 this is not a workbook at all", &["not an .xlsx workbook"]);
}

#[test]
fn bad_password_protected() {
    // An encrypted .xlsx is an OLE compound file holding the encrypted package.
    bad_file("locked.xlsx", &[OLE.as_slice(), &[0; 1024]].concat(), &["password-protected"]);
}

#[test]
fn bad_zip_bomb() {
    let (tmp, _, dept) = seed_setup();
    let book = tmp.path().join("bomb.xlsx");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&book).unwrap());
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..64 {
        z.write_all(&zeros).unwrap();
    }
    z.finish().unwrap();
    assert!(std::fs::metadata(&book).unwrap().len() < 1 << 20, "small on disk");
    refused(&book, &dept, &["zip bomb"]);
}

#[test]
fn bad_fifty_megabytes() {
    let (tmp, _, dept) = seed_setup();
    let book = tmp.path().join("huge.xlsx");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&book).unwrap());
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    z.start_file("xl/media/image1.bin", opts).unwrap();
    // Incompressible-looking bytes, stored: the file is 50 MB on disk.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let chunk: Vec<u8> = (0..1 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    for _ in 0..50 {
        z.write_all(&chunk).unwrap();
    }
    z.finish().unwrap();
    assert!(std::fs::metadata(&book).unwrap().len() >= 50 << 20);
    refused(&book, &dept, &["bytes; a workbook of forms may hold at most"]);
}

#[test]
fn edited_files_are_kept_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let book = export(&data("lanxian-kfq-2024"), &tmp.path().join("x"));
    let dept = tmp.path().join("dept");
    copy_dir(&data("lanxian-kfq-2024"), &dept);
    // The hand-typed files differ (comments, layout): refused, nothing written.
    refused(&book, &dept, &["already holds", "--force"]);
    let old = std::fs::read_to_string(dept.join("tables/02-income.yaml")).unwrap();
    let r = run(&["import", &book.to_string_lossy(), &dept.to_string_lossy(), "--force"], LIMIT);
    ok(&r, "import --force");
    assert_eq!(std::fs::read_to_string(dept.join("tables/02-income.yaml.bak")).unwrap(), old, "the previous file is kept");
    assert!(r.stdout.contains("kept the previous file"), "{}", r.stdout);
    // The folder still loads (a backup is no data file).
    let c = run(&["check", &dept.to_string_lossy()], LIMIT);
    assert!(matches!(c.code, Some(0 | 1)), "{}", c.both());
    // A second forced import over an edit keeps the first backup too.
    std::fs::write(dept.join("tables/02-income.yaml"), "# edited\n").unwrap();
    let r2 = run(&["import", &book.to_string_lossy(), &dept.to_string_lossy(), "--force"], LIMIT);
    ok(&r2, "import --force again");
    assert_eq!(std::fs::read_to_string(dept.join("tables/02-income.yaml.bak")).unwrap(), old);
    assert_eq!(std::fs::read_to_string(dept.join("tables/02-income.yaml.bak.2")).unwrap(), "# edited\n");
    // Importing the same workbook again changes nothing and needs no --force.
    let r = run(&["import", &book.to_string_lossy(), &dept.to_string_lossy()], LIMIT);
    ok(&r, "import again");
    assert!(r.stdout.contains("unchanged"), "{}", r.stdout);
}

#[test]
fn a_departments_own_workbook() {
    // Columns in another order, codes as numbers, amounts in 元 as text and as numbers with
    // float noise, an extra column and an extra sheet: mapped by header text, reported.
    let (tmp, mut m, dept) = seed_setup();
    let s = sheet(&mut m, "公开05表");
    let mut own = SheetModel { name: "Sheet5".into(), cells: BTreeMap::new(), merges: Vec::new(), hidden: Vec::new(), formulas: Vec::new() };
    let put = |own: &mut SheetModel, r: u32, c: u32, d: Data| {
        own.cells.insert((r, c), d);
    };
    put(&mut own, 0, 0, Data::String("一般公共预算财政拨款支出决算表".into()));
    put(&mut own, 1, 4, Data::String("金额单位：元".into()));
    for (c, h) in ["科目编码", "科目名称", "项目支出", "基本支出", "小计", "备注"].iter().enumerate() {
        put(&mut own, 2, c as u32, Data::String((*h).into()));
    }
    // Copy the seed's rows, codes as numbers, figures ×10000 (元).
    let first = row_of(s, "201");
    let mut r_out = 3;
    let mut r = first;
    while let Some(Data::String(code)) = s.cells.get(&(r, 0)).cloned() {
        if !code.bytes().all(|b| b.is_ascii_digit()) {
            break;
        }
        put(&mut own, r_out, 0, Data::Float(code.parse().unwrap()));
        put(&mut own, r_out, 1, s.cells[&(r, 1)].clone());
        for (from, to) in [(2, 4), (3, 3), (4, 2)] {
            if let Some(Data::Float(f)) = s.cells.get(&(r, from)) {
                let yuan: Decimal = format!("{f}").parse::<Decimal>().unwrap() * Decimal::from(10000);
                let d = if to == 3 { Data::String(format!("{yuan}")) } else { Data::Float(f64::from_bits(yuan.to_string().parse::<f64>().unwrap().to_bits() + 1)) };
                put(&mut own, r_out, to, d);
            }
        }
        r += 1;
        r_out += 1;
    }
    // The 合计 row, at the bottom here (the seed's form prints it on top).
    let total = first - 1;
    put(&mut own, r_out, 0, Data::String("合计".into()));
    for (from, to) in [(2, 4), (3, 3), (4, 2)] {
        if let Some(Data::Float(f)) = s.cells.get(&(total, from)) {
            put(&mut own, r_out, to, Data::Float(f * 10000.0));
        }
    }
    let i = m.iter().position(|x| x.name == "公开05表").unwrap();
    m[i] = own;
    m.push(SheetModel { name: "说明".into(), cells: [((0, 0), Data::String("填表说明".into()))].into(), merges: Vec::new(), hidden: Vec::new(), formulas: Vec::new() });
    let book = tmp.path().join("own.xlsx");
    write_model(&m, &book);
    let r = run(&["import", &book.to_string_lossy(), &dept.to_string_lossy()], LIMIT);
    ok(&r, "import");
    for e in ["Sheet5!F3: column `备注` is not a column", "amounts in 元", "rounded to", "说明: not a form"] {
        assert!(r.stdout.contains(e), "expected `{e}` in the report:\n{}", r.stdout);
    }
    let ours = std::fs::read_to_string(dept.join("tables/05-general-budget.yaml")).unwrap();
    assert!(ours.contains(r#"{code: "2011302", name: "一般行政管理事务""#), "{ours}");
    // The same figures as the seed's own file: check agrees with the seed on 公开05.
    let seed: Vec<String> = findings(&data("lanxian-kfq-2024")).into_iter().filter(|f| f.contains("05-general-budget")).collect();
    let now: Vec<String> = findings(&dept).into_iter().filter(|f| f.contains("05-general-budget")).collect();
    assert_eq!(seed, now);
}

// ---------------------------------------------------------------------------------------
// 项目支出绩效自评表

/// A copy of the seed without its project files, and the seed's projects workbook.
fn projects_setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    export(&data("lanxian-kfq-2024"), &tmp.path().join("x"));
    let book = tmp.path().join("x/lanxian-kfq-2024-projects.xlsx");
    let dept = tmp.path().join("dept").join("lanxian-kfq-2024");
    copy_dir(&data("lanxian-kfq-2024"), &dept);
    for f in std::fs::read_dir(dept.join("projects")).unwrap().flatten() {
        std::fs::remove_file(f.path()).unwrap();
    }
    (tmp, book, dept)
}

#[test]
fn projects_round_trip() {
    let (tmp, book, dept) = projects_setup();
    let r = run(&["import", &book.to_string_lossy(), &dept.to_string_lossy()], LIMIT);
    ok(&r, "import of the projects workbook");
    assert!(r.stdout.contains("every sheet, row and column was taken"), "{}", r.stdout);
    assert_eq!(std::fs::read_dir(dept.join("projects")).unwrap().count(), 28);
    // The tables travel; the report's prose (三.3–三.5 as printed) does not: only findings
    // on that prose go.
    let of_projects = |d: &Path| findings(d).into_iter().filter(|f| f.contains("D/projects/")).collect::<Vec<_>>();
    let before = of_projects(&data("lanxian-kfq-2024"));
    let after = of_projects(&dept);
    for f in &after {
        assert!(before.contains(f), "new finding: {f}");
    }
    for f in before.iter().filter(|f| !after.contains(f)) {
        assert!(f.contains("三."), "a finding on the tables was lost: {f}");
    }
    assert!(!after.is_empty(), "the tables' own findings stay");
    // Exported again, the tables are the same workbook.
    export(&dept, &tmp.path().join("again"));
    let again = tmp.path().join("again/lanxian-kfq-2024-projects.xlsx");
    assert_eq!(std::fs::read(&book).unwrap(), std::fs::read(&again).unwrap(), "the same 自评表 workbook");
}

fn text(s: &mut SheetModel, r: u32, c: u32, t: &str) {
    s.cells.insert((r, c), Data::String(t.into()));
}

fn num(s: &mut SheetModel, r: u32, c: u32, x: f64) {
    s.cells.insert((r, c), Data::Float(x));
}

/// A 项目支出绩效自评表 as departments fill it in: 万元, 年初预算数 without its two parts, a
/// 项目资金 cell merged down the 资金 rows, 分值 columns, 执行率 as `100%`, a 总分 row.
fn standard_form(weight: Data) -> SheetModel {
    let mut s = SheetModel { name: "驻村补助".into(), cells: BTreeMap::new(), merges: Vec::new(), hidden: Vec::new(), formulas: Vec::new() };
    text(&mut s, 0, 0, "项目支出绩效自评表");
    text(&mut s, 1, 0, "（2024年度）");
    text(&mut s, 2, 0, "项目名称");
    text(&mut s, 2, 2, "岚县经开区驻村工作队生活补助经费");
    text(&mut s, 3, 0, "主管部门");
    text(&mut s, 3, 2, "岚县经济技术开发区管理委员会");
    text(&mut s, 3, 5, "实施单位");
    text(&mut s, 3, 6, "岚县经济技术开发区管理委员会");
    text(&mut s, 4, 0, "项目资金（万元）");
    s.merges.push((4, 0, 6, 0));
    for (c, h) in ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"].iter().enumerate() {
        text(&mut s, 4, c as u32 + 2, h);
    }
    text(&mut s, 5, 1, "年度资金总额");
    for (c, x) in [6.0, 5.904, 5.904, 10.0].iter().enumerate() {
        num(&mut s, 5, c as u32 + 2, *x);
    }
    text(&mut s, 5, 6, "100%");
    num(&mut s, 5, 7, 10.0);
    text(&mut s, 6, 1, "其中：当年财政拨款");
    for (c, x) in [6.0, 5.904, 5.904].iter().enumerate() {
        num(&mut s, 6, c as u32 + 2, *x);
    }
    text(&mut s, 7, 0, "年度总体目标");
    text(&mut s, 7, 2, "保障驻村干部生活补助按时足额发放");
    text(&mut s, 8, 0, "实际完成情况");
    text(&mut s, 8, 2, "已完成既定目标。");
    for (c, h) in ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"].iter().enumerate() {
        text(&mut s, 9, c as u32, h);
    }
    let rows = [("产出指标", "数量指标", "驻村干部人数", "=3人", "3", 50.0), ("效益指标", "社会效益", "驻村干部工作积极性", "提高", "达成预期指标", 30.0), ("满意度指标", "服务对象满意度", "驻村干部满意度", "≥98%", "98", 10.0)];
    for (i, (l1, l2, n, t, a, w)) in rows.iter().enumerate() {
        let r = 10 + i as u32;
        for (c, v) in [l1, l2, n, t, a].iter().enumerate() {
            text(&mut s, r, c as u32, v);
        }
        num(&mut s, r, 5, *w);
        num(&mut s, r, 6, *w);
    }
    s.cells.insert((10, 5), weight);
    text(&mut s, 13, 0, "总分");
    num(&mut s, 13, 5, 100.0);
    num(&mut s, 13, 6, 100.0);
    s
}

#[test]
fn a_standard_self_evaluation_form() {
    let (tmp, _, dept) = projects_setup();
    let book = tmp.path().join("ziping.xlsx");
    write_model(&[standard_form(Data::Float(50.0))], &book);
    let r = run(&["import", &book.to_string_lossy(), &dept.to_string_lossy()], LIMIT);
    ok(&r, "import of a standard 自评表");
    for e in ["id `p01`", "no 报告日期", "column `分值` of the 资金 table not imported", "row `总分` below the indicators"] {
        assert!(r.stdout.contains(e), "expected `{e}` in the report:\n{}", r.stdout);
    }
    let y = std::fs::read_to_string(dept.join("projects/p01.yaml")).unwrap();
    for e in [
        r#"{source: "当年财政拨款", compiled: 60000, annual_budget: 59040, executed: 59040}"#,
        "printed: {compiled: 60000, annual_budget: 59040, executed: 59040, rate: 100, score: 10}",
        r#"goals: {annual: "保障驻村干部生活补助按时足额发放"}"#,
        r#"completion: "已完成既定目标。""#,
        r#"{level1: "产出指标", level2: "数量指标", name: "驻村干部人数", target: "=3人", actual: "3", weight: 50, score: 50}"#,
    ] {
        assert!(y.contains(e), "expected `{e}` in:\n{y}");
    }
    // The department loads with it (check runs: exit 0 or 1, not 2).
    let r = run(&["check", &dept.to_string_lossy()], LIMIT);
    assert!(matches!(r.code, Some(0 | 1)), "{}", r.both());
}

#[test]
fn bad_self_evaluation_form() {
    let (tmp, _, dept) = projects_setup();
    let book = tmp.path().join("bad-ziping.xlsx");
    write_model(&[standard_form(Data::String("５０".into()))], &book);
    refused(&book, &dept, &["驻村补助!F11", "full-width"]);
}

#[test]
fn a_huge_sparse_sheet_is_not_searched() {
    // A cell far down (a small file, a huge grid): the sheet is reported, not crossed.
    let (tmp, mut m, dept) = seed_setup();
    let mut dump = SheetModel { name: "dump".into(), cells: BTreeMap::new(), merges: Vec::new(), hidden: Vec::new(), formulas: Vec::new() };
    text(&mut dump, 0, 0, "导出数据");
    text(&mut dump, 1_000_000, 16_000, "end");
    m.push(dump);
    let book = tmp.path().join("sparse.xlsx");
    write_model(&m, &book);
    let start = std::time::Instant::now();
    let r = run(&["import", &book.to_string_lossy(), &dept.to_string_lossy()], LIMIT);
    ok(&r, "import");
    assert!(r.stdout.contains("dump: spans 1000001 rows and 16001 columns"), "{}", r.stdout);
    assert!(start.elapsed() < Duration::from_secs(20), "took {:?}", start.elapsed());
}

#[test]
fn codes_split_over_lei_kuan_xiang_columns() {
    // The 决算软件's layout: 类 | 款 | 项 | 科目名称, each part written once.
    let (tmp, mut m, dept) = seed_setup();
    let seed = sheet(&mut m, "公开03表").clone();
    let mut own = SheetModel { name: "支出".into(), cells: BTreeMap::new(), merges: Vec::new(), hidden: Vec::new(), formulas: Vec::new() };
    text(&mut own, 0, 0, "支出决算表");
    text(&mut own, 1, 8, "单位：万元");
    let heads = ["类", "款", "项", "科目名称", "本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"];
    for (c, h) in heads.iter().enumerate() {
        text(&mut own, 2, c as u32, h);
    }
    let first = row_of(&seed, "201");
    for (out, r) in (3..).zip(first - 1..) {
        let Some(Data::String(code)) = seed.cells.get(&(r, 0)).cloned() else { break };
        if code == "合计" {
            text(&mut own, out, 0, "合计");
        } else if code.bytes().all(|b| b.is_ascii_digit()) {
            let part = match code.len() {
                3 => (0, code.clone()),
                5 => (1, code[3..].to_string()),
                _ => (2, code[5..].to_string()),
            };
            text(&mut own, out, part.0, &part.1);
            own.cells.insert((out, 3), seed.cells[&(r, 1)].clone());
        } else {
            break;
        }
        for c in 2..8 {
            if let Some(d) = seed.cells.get(&(r, c)) {
                own.cells.insert((out, c + 2), d.clone());
            }
        }
    }
    let i = m.iter().position(|x| x.name == "公开03表").unwrap();
    m[i] = own;
    let book = tmp.path().join("split.xlsx");
    write_model(&m, &book);
    let r = run(&["import", &book.to_string_lossy(), &dept.to_string_lossy()], LIMIT);
    ok(&r, "import");
    let y = std::fs::read_to_string(dept.join("tables/03-expenditure.yaml")).unwrap();
    assert!(y.contains(r#"{code: "2011302", name: "一般行政管理事务""#), "{y}");
    let seed: Vec<String> = findings(&data("lanxian-kfq-2024")).into_iter().filter(|f| f.contains("03-expenditure")).collect();
    let now: Vec<String> = findings(&dept).into_iter().filter(|f| f.contains("03-expenditure")).collect();
    assert_eq!(seed, now);
}

#[test]
fn damaged_bytes_never_panic() {
    // The seed's workbook with a few bytes changed, 40 ways (a fixed sequence): each import
    // either reads (exit 0) or refuses (exit 2); never a panic, never another status.
    let (tmp, _, dept) = seed_setup();
    let book = export(&data("lanxian-kfq-2024"), &tmp.path().join("y"));
    let orig = std::fs::read(&book).unwrap();
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    let damaged = tmp.path().join("damaged.xlsx");
    for _ in 0..40 {
        let mut b = orig.clone();
        for _ in 0..1 + next(4) {
            let i = next(b.len());
            b[i] = next(256) as u8;
        }
        std::fs::write(&damaged, &b).unwrap();
        let r = run(&["import", &damaged.to_string_lossy(), &dept.to_string_lossy(), "--force"], LIMIT);
        assert!(matches!(r.code, Some(0 | 2)) && !r.stderr.contains("panicked"), "{}", r.both());
    }
}

/// The text of one part of a workbook (`xl/worksheets/sheet1.xml` …).
fn book_part(book: &Path, name: &str) -> String {
    use std::io::Read as _;
    let mut z = zip::ZipArchive::new(std::fs::File::open(book).expect("workbook")).expect("a zip archive");
    let mut s = String::new();
    z.by_name(name).unwrap_or_else(|_| panic!("{name} in {}", book.display())).read_to_string(&mut s).expect("text");
    s
}

/// A workbook of a department that `check` finds errors in never looks final: every sheet's
/// printed header carries the draft mark, and so does the file's status; a clean
/// department's workbook carries neither.
#[test]
fn a_workbook_with_errors_is_marked_as_a_draft() {
    let tmp = tempfile::tempdir().expect("temp");
    let seed = export(&data("lanxian-kfq-2024"), &tmp.path().join("seed"));
    for i in 1..=10 {
        let sheet = book_part(&seed, &format!("xl/worksheets/sheet{i}.xml"));
        assert!(sheet.contains("<oddHeader>&amp;C&amp;\"-,Bold\"仅供内部审核</oddHeader>"), "sheet{i}: {}", &sheet[..sheet.len().min(400)]);
    }
    assert!(book_part(&seed, "docProps/core.xml").contains("<cp:contentStatus>仅供内部审核</cp:contentStatus>"));
    let clean = export(&PathBuf::from("tests/fixtures/clean"), &tmp.path().join("clean"));
    assert!(!book_part(&clean, "xl/worksheets/sheet1.xml").contains("仅供内部审核"));
    assert!(!book_part(&clean, "docProps/core.xml").contains("仅供内部审核"));
}
