//! One failing case per `juesuan check` rule: copy `tests/fixtures/clean`, apply one string
//! replacement to one file, run `juesuan check`, and require a finding `[RULE]` located at the
//! accused value (`file:line:`) whose message carries both compared numbers.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_juesuan");

const F01: &str = "tables/01-summary.yaml";
const F02: &str = "tables/02-income.yaml";
const F03: &str = "tables/03-expenditure.yaml";
const F04: &str = "tables/04-fiscal.yaml";
const F05: &str = "tables/05-general-budget.yaml";
const F06: &str = "tables/06-basic-detail.yaml";
const F07: &str = "tables/07-gov-fund.yaml";
const F08: &str = "tables/08-soe-capital.yaml";
const F09: &str = "tables/09-three-public.yaml";
const F10: &str = "tables/10-statistics.yaml";
const FE: &str = "explanation.yaml";
const P01: &str = "projects/p01.yaml";
const P02: &str = "projects/p02.yaml";
const P03: &str = "projects/p03.yaml";

/// One case: rule, edited file, old text, new text, accused file, a text on the accused line
/// (first occurrence in the edited department), texts the message must contain.
struct Case {
    rule: &'static str,
    file: &'static str,
    old: &'static str,
    new: &'static str,
    at_file: &'static str,
    at_text: &'static str,
    says: &'static [&'static str],
}

const fn c(
    rule: &'static str,
    file: &'static str,
    old: &'static str,
    new: &'static str,
    at_file: &'static str,
    at_text: &'static str,
    says: &'static [&'static str],
) -> Case {
    Case { rule, file, old, new, at_file, at_text, says }
}

/// Every rule id that has a case below (must equal `check --list-rules`).
const COVERED: &[&str] = &[
    "T01-TOTAL", "T01-CLASS", "T02-SUM", "T03-SUM", "T04-TOTAL", "T04-CLASS", "T05-SUM", "T06-SUM",
    "T07-SUM", "T08-SUM", "T09-SUM", "T10-SUM", "X01-02", "X01-BALANCE", "X03-FISCAL", "X04-BALANCE",
    "X05-06", "X07-01", "X09-06", "X-PROJECTS", "E-TOTAL", "E-INCOME", "E-EXPENDITURE", "E-FISCAL",
    "E-GENERAL", "E-BUDGET", "E-BASIC", "E-GOVFUND", "E-THREE", "E-PROCUREMENT", "E-ASSETS",
    "E-PERFORMANCE", "PL-REASON", "PL-REASON-MISSING", "PL-VEHICLES", "PL-DUP-NAME", "P-BUDGET-SUM",
    "P-BALANCE", "P-RATE", "P-BUDGET-SCORE", "P-INDICATOR-SCORE", "P-TOTAL", "P-GRADE",
    "P-PROSE-EXEC", "P-PROSE-OUTPUT", "P-WEIGHT", "P-SCORE-RANGE", "P-OVERSPEND",
];

const CASES: &[Case] = &[
    c("T01-TOTAL", F01, "expenditure_total: 265.00", "expenditure_total: 264.00", F01, "expenditure_total: 264.00", &["264", "265"]),
    c("T01-CLASS", F01, r#""208": 15.00"#, r#""208": 16.00"#, F01, r#""208": 16.00"#, &["16", "15"]),
    c("T02-SUM", F02, "printed: {total: 265.00, fiscal: 265.00}", "printed: {total: 265.00, fiscal: 266.00}", F02, "fiscal: 266.00", &["266", "265"]),
    c("T03-SUM", F03, "printed: {total: 265.00, basic: 145.00, project: 120.00}", "printed: {total: 265.00, basic: 145.50, project: 120.00}", F03, "basic: 145.50", &["145.5", "145"]),
    c("T04-TOTAL", F04, "income_grand_total: 270.00", "income_grand_total: 272.00", F04, "income_grand_total: 272.00", &["272", "270"]),
    c("T04-CLASS", F04, r#""206": {total: 200.00, general_budget: 200.00}"#, r#""206": {total: 200.00, general_budget: 199.00}"#, F04, "general_budget: 199.00", &["199", "200"]),
    c("T05-SUM", F05, r#"printed: {total: 50.00, project: 50.00}}"#, r#"printed: {total: 50.00, project: 55.00}}"#, F05, "project: 55.00", &["55", "50"]),
    c("T06-SUM", F06, "public_total: 17.00", "public_total: 18.00", F06, "public_total: 18.00", &["18", "17"]),
    c("T07-SUM", F07, "printed: {income: 40.00, total: 40.00, project: 40.00}   # 合计", "printed: {income: 41.00, total: 40.00, project: 40.00}   # 合计", F07, "income: 41.00", &["41", "40"]),
    c("T08-SUM", F08, "rows: []", "rows: []\nprinted: {total: 1.00}", F08, "printed: {total: 1.00}", &["1万元", "0万元"]),
    c("T09-SUM", F09, "actual: {total: 4.00, car_subtotal: 3.00}", "actual: {total: 4.00, car_subtotal: 3.30}", F09, "car_subtotal: 3.30", &["3.3", "3万元"]),
    c("T10-SUM", F10, "procurement_total: 20.00", "procurement_total: 21.00", F10, "procurement_total: 21.00", &["21", "20"]),
    c("X01-02", F01, "general_budget: 225.00", "general_budget: 230.00", F01, "general_budget: 230.00", &["270", "265"]),
    c("X01-BALANCE", F01, "closing_balance: 5.00", "closing_balance: 6.00", F01, "closing_balance: 6.00", &["270", "271"]),
    c("X03-FISCAL", F03, r#"{code: "2060499", name: "其他技术研究与开发支出", project: 50.00,"#, r#"{code: "2060499", name: "其他技术研究与开发支出", project: 55.00,"#, F03, "project: 55.00", &["55", "50"]),
    c("X04-BALANCE", F04, "closing: {general_budget: 5.00", "closing: {general_budget: 4.00", F01, "general_budget: 225.00", &["230", "229"]),
    c("X05-06", F06, r#""30201": 8.00"#, r#""30201": 9.00"#, F06, "personnel_total: 128.00", &["146", "145"]),
    c("X07-01", F07, "income: 40.00, project: 40.00, printed: {total: 40.00}}", "income: 45.00, project: 40.00, printed: {total: 40.00}}", F01, "gov_fund: 40.00", &["40", "45"]),
    c("X09-06", F09, "actual: {abroad: ~, car_purchase: ~, car_operation: 3.00", "actual: {abroad: ~, car_purchase: ~, car_operation: 2.50", F09, "car_operation: 2.50", &["2.5", "3万元"]),
    c("X-PROJECTS", P01, "      executed: 300000\n", "      executed: 290000\n", P01, "  sources:", &["119", "120"]),
    c("E-TOTAL", FE, "  total: 270.00\n", "  total: 271.00\n", FE, "  total: 271.00", &["271", "270"]),
    c("E-INCOME", FE, "fiscal_income_share: 100.00", "fiscal_income_share: 99.00", FE, "fiscal_income_share: 99.00", &["99", "100"]),
    c("E-EXPENDITURE", FE, "project_share: 45.28", "project_share: 45.82", FE, "project_share: 45.82", &["45.82", "45.28"]),
    c("E-FISCAL", FE, "fiscal_growth: 8.00", "fiscal_growth: 8.50", FE, "fiscal_growth: 8.50", &["8.5", "8%"]),
    c("E-GENERAL", FE, "general_budget_change: 25.00", "general_budget_change: 52.00", FE, "general_budget_change: 52.00", &["52", "25"]),
    c("E-BUDGET", FE, "general_budget_budget: 215.50", "general_budget_budget: 251.50", FE, "general_budget_budget: 251.50", &["251.5", "215.5"]),
    c("E-BASIC", FE, "personnel: 128.00", "personnel: 182.00", FE, "personnel: 182.00", &["182", "128"]),
    c("E-GOVFUND", FE, "gov_fund_change: -10.00", "gov_fund_change: 10.00", FE, "gov_fund_change: 10.00", &["10万元", "-10万元"]),
    c("E-THREE", FE, "three_public_completion: 80.00", "three_public_completion: 88.00", FE, "three_public_completion: 88.00", &["88", "80"]),
    c("E-PROCUREMENT", FE, "sme_share: 75.00", "sme_share: 57.00", FE, "sme_share: 57.00", &["57", "75"]),
    c("E-ASSETS", FE, "  vehicles: 2\n", "  vehicles: 3\n", FE, "  vehicles: 3", &["3", "2"]),
    c("E-PERFORMANCE", FE, "    projects: 3\n", "    projects: 4\n", FE, "    projects: 4", &["4", "3"]),
    c("PL-REASON", FE, "土地出让收入安排的园区配套项目减少", "土地出让收入安排的园区配套项目增加", FE, "园区配套项目增加", &["10万元"]),
    c("PL-REASON-MISSING", FE, "  general_budget: \"科技创新专项资金增加\"\n", "  general_budget: ~\n", FE, "  general_budget: ~", &["25万元"]),
    c("PL-VEHICLES", FE, "cars_held: 2", "cars_held: 3", FE, "cars_held: 3", &["3 辆", "2 辆"]),
    c("PL-DUP-NAME", P02, "name: \"2024年度县级科技计划项目（农业关键技术攻关）经费\"", "name: \"岚县科技成果转化服务平台运维经费\"", P02, "name: \"岚县科技成果转化服务平台运维经费\"", &["p01"]),
    c("P-BUDGET-SUM", P02, "compiled: 500000, annual_budget: 500000,", "compiled: 500000, annual_budget: 510000,", P02, "annual_budget: 510000", &["510000", "500000"]),
    c("P-BALANCE", P03, "printed: {balance: 100000}", "printed: {balance: 90000}", P03, "printed: {balance: 90000}", &["90000", "100000"]),
    c("P-RATE", P03, "rate: 80, score: 8}", "rate: 85, score: 8}", P03, "rate: 85", &["85", "80"]),
    c("P-BUDGET-SCORE", P03, "  budget_score: 8\n", "  budget_score: 9\n", P03, "budget_score: 9", &["9分", "8分"]),
    c("P-INDICATOR-SCORE", P02, "indicator_score: 84", "indicator_score: 85", P02, "indicator_score: 85", &["85", "84"]),
    c("P-TOTAL", P02, "total_score: 94", "total_score: 96", P02, "total_score: 96", &["96", "94"]),
    c("P-GRADE", P03, "grade: 良", "grade: 优", P03, "grade: 优", &["优", "良"]),
    c("P-PROSE-EXEC", P01, "  balance: 0\n  execution_pct", "  balance: 1000\n  execution_pct", P01, "  balance: 1000", &["1000", "0元"]),
    c("P-PROSE-OUTPUT", P02, "output_rate: 96", "output_rate: 100", P02, "output_rate: 100", &["100", "96"]),
    c("P-WEIGHT", P01, "    weight: 20\n    score: 20\n", "    weight: 25\n    score: 20\n", P01, "  - level1: 产出指标", &["95", "90"]),
    c("P-SCORE-RANGE", P01, "    weight: 5\n    score: 5\n", "    weight: 5\n    score: 6\n", P01, "    score: 6", &["6分", "5分"]),
    c("P-OVERSPEND", P01, "      executed: 300000\n", "      executed: 310000\n", P01, "    - source:", &["310000", "300000"]),
];

fn clean() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).unwrap();
        }
    }
}

fn check(dir: &Path, extra: &[&str]) -> Output {
    Command::new(BIN).arg("check").args(extra).arg(dir).output().expect("run juesuan")
}

fn run_case(rule: &str) {
    let case = CASES.iter().find(|c| c.rule == rule).unwrap_or_else(|| panic!("no case for {rule}"));
    let tmp = tempfile::tempdir().unwrap();
    let dept = tmp.path().join("dept");
    copy_dir(&clean(), &dept);
    let path = dept.join(case.file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(case.old).count(), 1, "{rule}: `{}` must occur once in {}", case.old, case.file);
    std::fs::write(&path, text.replacen(case.old, case.new, 1)).unwrap();

    // The accused line: first line of the accused file containing `at_text`.
    let accused = std::fs::read_to_string(dept.join(case.at_file)).unwrap();
    let first = case.at_text.lines().next().unwrap();
    let line = accused
        .lines()
        .position(|l| l.contains(first))
        .unwrap_or_else(|| panic!("{rule}: `{}` not in {}", case.at_text, case.at_file))
        + 1;
    let prefix = format!("{}:{}:", dept.join(case.at_file).display(), line);

    let out = check(&dept, &[]);
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!all.contains("panicked"), "{rule}: panic\n{all}");
    let tag = format!("[{rule}]");
    let hit = all.lines().find(|l| l.contains(&tag) && l.starts_with(&prefix));
    let Some(hit) = hit else { panic!("{rule}: no line starting with `{prefix}` containing `{tag}`:\n{all}") };
    for s in case.says {
        assert!(hit.contains(s), "{rule}: `{s}` missing from `{hit}`");
    }
    if hit.contains("error[") {
        assert_eq!(out.status.code(), Some(1), "{rule}: errors must exit 1\n{all}");
    }
}

macro_rules! rule_tests {
    ($($name:ident => $rule:literal,)*) => { $( #[test] fn $name() { run_case($rule); } )* };
}

rule_tests! {
    t01_total => "T01-TOTAL", t01_class => "T01-CLASS", t02_sum => "T02-SUM", t03_sum => "T03-SUM",
    t04_total => "T04-TOTAL", t04_class => "T04-CLASS", t05_sum => "T05-SUM", t06_sum => "T06-SUM",
    t07_sum => "T07-SUM", t08_sum => "T08-SUM", t09_sum => "T09-SUM", t10_sum => "T10-SUM",
    x01_02 => "X01-02", x01_balance => "X01-BALANCE", x03_fiscal => "X03-FISCAL",
    x04_balance => "X04-BALANCE", x05_06 => "X05-06", x07_01 => "X07-01", x09_06 => "X09-06",
    x_projects => "X-PROJECTS", e_total => "E-TOTAL", e_income => "E-INCOME",
    e_expenditure => "E-EXPENDITURE", e_fiscal => "E-FISCAL", e_general => "E-GENERAL",
    e_budget => "E-BUDGET", e_basic => "E-BASIC", e_govfund => "E-GOVFUND", e_three => "E-THREE",
    e_procurement => "E-PROCUREMENT", e_assets => "E-ASSETS", e_performance => "E-PERFORMANCE",
    pl_reason => "PL-REASON", pl_reason_missing => "PL-REASON-MISSING", pl_vehicles => "PL-VEHICLES",
    pl_dup_name => "PL-DUP-NAME", p_budget_sum => "P-BUDGET-SUM", p_balance => "P-BALANCE",
    p_rate => "P-RATE", p_budget_score => "P-BUDGET-SCORE", p_indicator_score => "P-INDICATOR-SCORE",
    p_total => "P-TOTAL", p_grade => "P-GRADE", p_prose_exec => "P-PROSE-EXEC",
    p_prose_output => "P-PROSE-OUTPUT", p_weight => "P-WEIGHT", p_score_range => "P-SCORE-RANGE",
    p_overspend => "P-OVERSPEND",
}

#[test]
fn clean_fixture_has_no_findings() {
    let out = check(&clean(), &[]);
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(all.contains("0 errors, 0 warnings"), "{all}");
    assert!(!all.contains("error[") && !all.contains("warning["), "{all}");
}

#[test]
fn every_listed_rule_is_covered() {
    let out = Command::new(BIN).args(["check", "--list-rules"]).output().unwrap();
    assert!(out.status.success());
    let listed: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    assert!(listed.len() >= 40, "too few rules listed: {listed:?}");
    for id in &listed {
        assert!(COVERED.contains(&id.as_str()), "rule {id} has no case in tests/rules.rs");
        assert!(CASES.iter().any(|c| c.rule == id), "rule {id} is in COVERED but has no case");
    }
    for id in COVERED {
        assert!(listed.iter().any(|l| l == id), "covered rule {id} is no longer listed");
    }
}

#[test]
fn json_output_is_valid() {
    let tmp = tempfile::tempdir().unwrap();
    let dept = tmp.path().join("dept");
    copy_dir(&clean(), &dept);
    let path = dept.join(F01);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("income_total: 265.00", "income_total: 266.00", 1)).unwrap();
    let out = check(&dept, &["--format", "json"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("stdout is not JSON: {e}\n{stdout}"));
    let arr = v.as_array().expect("array of findings");
    assert!(!arr.is_empty());
    for f in arr {
        assert!(f.get("rule").and_then(|r| r.as_str()).is_some(), "{f}");
        let loc = f.get("loc").expect("loc");
        assert!(loc.get("file").is_some() && loc.get("line").is_some(), "{f}");
    }
    assert!(arr.iter().any(|f| f["rule"] == "T01-TOTAL" && f["loc"]["line"] == 11));
}
