//! `juesuan check` rule by rule. The clean fixture (`tests/fixtures/clean`) gives no finding;
//! each case below breaks it with one small edit (where one figure is quoted elsewhere, the
//! quoting figures are edited along) and requires that exactly its rule fires (every finding
//! carries that rule id), at the accused `file:line`, with the right severity and a message
//! naming both compared values and their difference. Every id of
//! `juesuan::check::RULES` must have at least one case, so a new rule without a fixture fails
//! `every_rule_has_a_case`.

mod common;

use common::*;
use std::time::Duration;

/// How a case breaks the clean fixture.
#[derive(Debug, Clone, Copy)]
enum Edit {
    /// Replace the only occurrence of the first text by the second.
    Replace(&'static str, &'static str),
    /// Several replacements in the same file, in order (each text must occur once).
    Many(&'static [(&'static str, &'static str)]),
    /// Append text to the file.
    Append(&'static str),
    /// Replacements in several files (file, old, new), in order: a change and the printed
    /// figures elsewhere that quote it, so that only the rule under test fires.
    Files(&'static [(&'static str, &'static str, &'static str)]),
}

/// One failing case of one rule.
#[derive(Debug, Clone, Copy)]
struct Case {
    /// The rule that must fire.
    rule: &'static str,
    /// The file edited (relative to the department folder).
    file: &'static str,
    /// The edit.
    edit: Edit,
    /// Where the finding must point: a file and a text on the expected line (searched in the
    /// edited department, first match).
    at: (&'static str, &'static str),
    /// `error` or `warning`.
    severity: &'static str,
    /// Texts the message must contain: the two values and their difference.
    says: &'static [&'static str],
}

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

/// Rules whose finding compares no two figures (a name, a grade): no "difference" in the message.
const NOT_COMPARISONS: &[&str] = &["PL-DUP-NAME", "P-GRADE", "C-CODE-NAME", "C-CODE-NATIONAL", "PL-UNIT", "PL-YEAR", "PL-UNIT-CODE", "PL-RESIDUE", "X02-03", "P-INDICATOR-TARGET", "PL-OPERATING", "PL-THREE-DETAIL"];

/// Defaults for the fields most cases leave alone.
const BASE: Case = Case {
    rule: "",
    file: "",
    edit: Append(""),
    at: ("", ""),
    severity: "error",
    says: &[],
};

use Edit::*;

/// At least one case per rule id of `juesuan::check::RULES`; some rules have a second case
/// for another figure or another way of breaking them.
const CASES: &[Case] = &[
    Case {
        rule: "T01-TOTAL",
        file: F01,
        edit: Replace("income_total: 265.00", "income_total: 266.00"),
        at: (F01, "income_total: 266.00"),
        says: &["公开01 本年收入合计", "printed 266万元", "computed 265万元", "difference 1万元"],
        ..BASE
    },
    Case {
        rule: "T01-TOTAL",
        file: F01,
        edit: Replace("expenditure_total: 265.00", "expenditure_total: 264.00"),
        at: (F01, "expenditure_total: 264.00"),
        says: &["公开01 本年支出合计", "printed 264万元", "computed 265万元", "difference -1万元"],
        ..BASE
    },
    Case {
        rule: "T01-CLASS",
        file: F01,
        edit: Replace(r#""206": 200.00"#, r#""206": 201.00"#),
        at: (F01, r#""206": 201.00"#),
        says: &["206 科学技术支出", "printed 201万元", "computed 200万元", "difference 1万元"],
        ..BASE
    },
    Case {
        rule: "T01-CLASS",
        file: F01,
        edit: Replace(r#""208": 15.00"#, r#""208": 16.00"#),
        at: (F01, r#""208": 16.00"#),
        says: &["208 社会保障和就业支出", "printed 16万元", "computed 15万元", "difference 1万元"],
        ..BASE
    },
    Case {
        rule: "T02-SUM",
        file: F02,
        edit: Replace("printed: {total: 150.00, fiscal: 150.00}", "printed: {total: 150.00, fiscal: 151.00}"),
        at: (F02, "fiscal: 151.00"),
        says: &["20601 科学技术管理事务 财政拨款收入", "printed 151万元", "computed 150万元", "difference 1万元"],
        ..BASE
    },
    Case {
        rule: "T02-SUM",
        file: F02,
        edit: Replace("printed: {total: 265.00, fiscal: 265.00}", "printed: {total: 265.00, fiscal: 266.00}"),
        at: (F02, "printed: {total: 265.00, fiscal: 266.00}"),
        says: &["合计 财政拨款收入", "printed 266万元", "computed 265万元", "difference 1万元"],
        ..BASE
    },
    Case {
        rule: "T03-SUM",
        file: F03,
        edit: Replace("printed: {total: 265.00, basic: 145.00, project: 120.00}", "printed: {total: 265.00, basic: 145.00, project: 121.00}"),
        at: (F03, "project: 121.00"),
        says: &["公开03 合计 项目支出", "printed 121万元", "computed 120万元", "difference 1万元"],
        ..BASE
    },
    Case {
        rule: "T03-SUM",
        file: F03,
        edit: Replace("printed: {total: 265.00, basic: 145.00, project: 120.00}", "printed: {total: 265.00, basic: 145.50, project: 120.00}"),
        at: (F03, "basic: 145.50"),
        says: &["公开03 合计 基本支出", "printed 145.5万元", "computed 145万元", "difference 0.5万元"],
        ..BASE
    },
    Case {
        rule: "T04-TOTAL",
        file: F04,
        edit: Replace("income_total: 265.00", "income_total: 266.00"),
        at: (F04, "income_total: 266.00"),
        says: &["公开04 本年收入合计", "printed 266万元", "computed 265万元", "difference 1万元"],
        ..BASE
    },
    Case {
        rule: "T04-TOTAL",
        file: F04,
        edit: Replace("income_grand_total: 270.00", "income_grand_total: 272.00"),
        at: (F04, "income_grand_total: 272.00"),
        says: &["公开04 收入总计", "printed 272万元", "computed 270万元", "difference 2万元"],
        ..BASE
    },
    Case {
        rule: "T04-CLASS",
        file: F04,
        edit: Replace(r#""206": {total: 200.00, general_budget: 200.00}"#, r#""206": {total: 200.00, general_budget: 199.00}"#),
        at: (F04, "general_budget: 199.00"),
        says: &["公开04 206 科学技术支出 一般公共预算财政拨款", "printed 199万元", "computed 200万元", "difference -1万元"],
        ..BASE
    },
    Case {
        rule: "T05-SUM",
        file: F05,
        edit: Replace(
            r#"{code: "20604", name: "技术研究与开发", printed: {total: 50.00, project: 50.00}}"#,
            r#"{code: "20604", name: "技术研究与开发", printed: {total: 50.00, project: 55.00}}"#,
        ),
        at: (F05, "project: 55.00"),
        says: &["公开05 20604 技术研究与开发 项目支出", "printed 55万元", "computed 50万元", "difference 5万元"],
        ..BASE
    },
    Case {
        rule: "T06-SUM",
        file: F06,
        edit: Replace("personnel_total: 128.00", "personnel_total: 129.00"),
        at: (F06, "personnel_total: 129.00"),
        says: &["公开06 人员经费合计", "printed 129万元", "computed 128万元", "difference 1万元"],
        ..BASE
    },
    Case {
        rule: "T06-SUM",
        file: F06,
        edit: Replace("public_total: 17.00", "public_total: 18.00"),
        at: (F06, "public_total: 18.00"),
        says: &["公开06 公用经费合计", "printed 18万元", "computed 17万元", "difference 1万元"],
        ..BASE
    },
    Case {
        rule: "T07-SUM",
        file: F07,
        edit: Replace(
            "printed: {income: 40.00, total: 40.00, project: 40.00}   # 合计",
            "printed: {income: 41.00, total: 40.00, project: 40.00}   # 合计",
        ),
        at: (F07, "income: 41.00"),
        says: &["公开07 合计 本年收入", "printed 41万元", "computed 40万元", "difference 1万元"],
        ..BASE
    },
    Case {
        rule: "T08-SUM",
        file: F08,
        edit: Append("printed: {total: 1.00}\n"),
        at: (F08, "printed: {total: 1.00}"),
        says: &["公开08 合计", "printed 1万元", "computed 0万元", "difference 1万元"],
        ..BASE
    },
    Case {
        rule: "T09-SUM",
        file: F09,
        edit: Replace("actual: {total: 4.00, car_subtotal: 3.00}", "actual: {total: 4.50, car_subtotal: 3.00}"),
        at: (F09, "total: 4.50"),
        says: &["公开09 决算数 合计", "printed 4.5万元", "computed 4万元", "difference 0.5万元"],
        ..BASE
    },
    Case {
        rule: "T09-SUM",
        file: F09,
        edit: Replace("actual: {total: 4.00, car_subtotal: 3.00}", "actual: {total: 4.00, car_subtotal: 3.30}"),
        at: (F09, "car_subtotal: 3.30"),
        says: &["小计", "printed 3.3万元", "computed 3万元", "difference 0.3万元"],
        ..BASE
    },
    Case {
        rule: "T10-SUM",
        file: F10,
        edit: Replace("procurement_total: 20.00", "procurement_total: 21.00"),
        at: (F10, "procurement_total: 21.00"),
        says: &["公开10 政府采购 合计", "printed 21万元", "computed 20万元", "difference 1万元"],
        ..BASE
    },
    // Vehicles are counted in 辆, not 万元.
    Case {
        rule: "T10-SUM",
        file: F10,
        edit: Replace("vehicles_total: 2}", "vehicles_total: 3}"),
        at: (F10, "vehicles_total: 3}"),
        says: &["公开10 车辆数合计", "printed 3辆", "computed 2辆", "difference 1辆"],
        ..BASE
    },
    // 公开02's 财政拨款 rows add up to 266 while 公开01 splits 265.
    Case {
        rule: "X01-02",
        file: F02,
        edit: Many(&[
            ("fiscal: 120.00, printed: {total: 120.00}", "fiscal: 121.00, printed: {total: 121.00}"),
            ("printed: {total: 150.00, fiscal: 150.00}", "printed: {total: 151.00, fiscal: 151.00}"),
            ("printed: {total: 200.00, fiscal: 200.00}", "printed: {total: 201.00, fiscal: 201.00}"),
            ("printed: {total: 265.00, fiscal: 265.00}", "printed: {total: 266.00, fiscal: 266.00}"),
        ]),
        // The 公开01 财政拨款 lines (the mapping under `fiscal_income:` starts on its first key).
        at: (F01, "general_budget: 225.00"),
        says: &["公开01 一+二+三 265万元", "公开02 财政拨款收入 合计 266万元", "difference -1万元"],
        ..BASE
    },
    Case {
        rule: "X01-BALANCE",
        file: F01,
        edit: Many(&[("closing_balance: 5.00", "closing_balance: 6.00"), ("expenditure_grand_total: 270.00", "expenditure_grand_total: 271.00")]),
        at: (F01, "closing_balance: 6.00"),
        says: &["收入总计 270万元", "支出总计 271万元", "difference -1万元"],
        ..BASE
    },
    // 10 of 行政运行's 基本支出 moved to the next 项 in 公开03 only: the 款, 类 and 合计 rows still add up.
    Case {
        rule: "X03-FISCAL",
        file: F03,
        edit: Many(&[
            (r#"{code: "2060101", name: "行政运行", basic: 120.00, printed: {total: 120.00}}"#, r#"{code: "2060101", name: "行政运行", basic: 110.00, printed: {total: 110.00}}"#),
            (
                r#"{code: "2060199", name: "其他科学技术管理事务支出", project: 30.00, printed: {total: 30.00}}"#,
                r#"{code: "2060199", name: "其他科学技术管理事务支出", basic: 10.00, project: 30.00, printed: {total: 40.00}}"#,
            ),
        ]),
        at: (F03, "basic: 110.00"),
        says: &["2060101 行政运行 基本支出", "公开03 110万元", "公开05 + 公开07 + 公开08 120万元", "difference -10万元"],
        ..BASE
    },
    // The finding accuses 公开04's 年末结转和结余 of that kind (the balancing figure).
    Case {
        rule: "X04-BALANCE",
        file: F04,
        edit: Many(&[
            ("closing: {general_budget: 5.00", "closing: {general_budget: 4.00"),
            ("expenditure_grand_total: {total: 270.00, general_budget: 230.00,", "expenditure_grand_total: {total: 269.00, general_budget: 229.00,"),
        ]),
        at: (F04, "closing: {general_budget: 4.00"),
        says: &["一般公共预算财政拨款 收支平衡", "收入 + 年初结转 230万元", "支出 + 年末结转 229万元", "difference 1万元"],
        ..BASE
    },
    // 政府性基金 balances live in 公开07: the finding points there.
    Case {
        rule: "X04-BALANCE",
        file: F07,
        edit: Files(&[
            (F07, "income: 40.00, project: 40.00, printed: {total: 40.00}}", "income: 40.00, project: 40.00, closing: 1.00, printed: {total: 40.00}}"),
            (F04, "expenditure_grand_total: {total: 270.00, general_budget: 230.00, gov_fund: 40.00}", "expenditure_grand_total: {total: 271.00, general_budget: 230.00, gov_fund: 41.00}"),
        ]),
        at: (F07, "printed: {income: 40.00, total: 40.00, project: 40.00}   # 合计"),
        says: &["政府性基金预算财政拨款 收支平衡", "收入 + 年初结转 40万元", "支出 + 年末结转 41万元", "difference -1万元"],
        ..BASE
    },
    // 公开06 adds up to 146 (and 情况说明 六 quotes it) while 公开05's 基本支出 is 145.
    Case {
        rule: "X05-06",
        file: F06,
        edit: Files(&[
            (F06, r#""30201": 8.00"#, r#""30201": 9.00"#),
            (F06, r#""302": 17.00"#, r#""302": 18.00"#),
            (F06, "public_total: 17.00", "public_total: 18.00"),
            (FE, "  basic_total: 145.00\n", "  basic_total: 146.00\n"),
            (FE, "  public: 17.00\n", "  public: 18.00\n"),
        ]),
        at: (F06, "personnel_total: 128.00"),
        says: &["公开06 人员经费 + 公用经费 146万元", "公开05 基本支出 合计 145万元", "difference 1万元"],
        ..BASE
    },
    // 公开07 takes in 45 (and 情况说明 七 quotes it) while 公开01 lists 40.
    Case {
        rule: "X07-01",
        file: F07,
        edit: Files(&[
            (F07, r#"{code: "212", name: "城乡社区支出", printed: {income: 40.00,"#, r#"{code: "212", name: "城乡社区支出", printed: {income: 45.00,"#),
            (F07, r#"name: "国有土地使用权出让收入安排的支出", printed: {income: 40.00,"#, r#"name: "国有土地使用权出让收入安排的支出", printed: {income: 45.00,"#),
            (F07, "income: 40.00, project: 40.00, printed: {total: 40.00}}", "income: 45.00, project: 40.00, printed: {total: 40.00}}"),
            (F07, "printed: {income: 40.00, total: 40.00, project: 40.00}   # 合计", "printed: {income: 45.00, total: 40.00, project: 40.00}   # 合计"),
            (FE, "  gov_fund: 40.00\n  gov_fund_change: -10.00\n  gov_fund_growth: -20.00\n", "  gov_fund: 45.00\n  gov_fund_change: -5.00\n  gov_fund_growth: -10.00\n"),
        ]),
        at: (F01, "gov_fund: 40.00"),
        says: &["政府性基金预算财政拨款收入", "公开01 40万元", "公开07 本年收入 合计 45万元", "difference -5万元"],
        ..BASE
    },
    // 公开06 books 3.5 of 公务用车运行维护费 as 基本支出, more than the 3 公开09 reports.
    Case {
        rule: "X09-06",
        file: F06,
        edit: Many(&[(r#""30231": 3.00"#, r#""30231": 3.50"#), (r#""30201": 8.00"#, r#""30201": 7.50"#)]),
        at: (F09, "actual: {abroad: ~, car_purchase: ~, car_operation: 3.00"),
        says: &["公务用车运行维护费", "公开09 3万元", "公开06 3.5万元", "difference -0.5万元"],
        ..BASE
    },
    // p01 spent 290000 (its report consistent) while 公开03's 项目支出 holds 120 万元.
    Case {
        rule: "X-PROJECTS",
        file: P01,
        edit: Many(&[
            ("      executed: 300000\n", "      executed: 290000\n"),
            ("      printed: {balance: 0}", "      printed: {balance: 10000}"),
            ("executed: 300000, balance: 0, rate: 100, score: 10}", "executed: 290000, balance: 10000, rate: 96.67, score: 9.67}"),
            ("  budget_score: 10\n  indicator_score: 90\n  total_score: 100\n", "  budget_score: 9.67\n  indicator_score: 90\n  total_score: 99.67\n"),
            ("  executed: 300000\n  rate: 100\n  balance: 0\n  execution_pct: 100\n", "  executed: 290000\n  rate: 96.67\n  balance: 10000\n  execution_pct: 96.67\n"),
        ]),
        at: (P01, "  sources:"),
        says: &["项目支出 (3 自评报告)", "Σ 全年执行数 119万元", "公开03 项目支出 合计 120万元", "difference -1万元"],
        ..BASE
    },
    Case {
        rule: "E-TOTAL",
        file: FE,
        edit: Replace("total_change: 20.00", "total_change: 21.00"),
        at: (FE, "total_change: 21.00"),
        says: &["一 收入总计增减额", "printed 21万元", "computed 20万元", "difference 1万元"],
        ..BASE
    },
    Case {
        rule: "E-TOTAL",
        file: FE,
        edit: Replace("  total: 270.00\n", "  total: 271.00\n"),
        at: (FE, "  total: 271.00"),
        says: &["一 收入总计", "printed 271万元", "computed 270万元", "difference 1万元"],
        ..BASE
    },
    Case {
        rule: "E-INCOME",
        file: FE,
        edit: Replace("fiscal_income_share: 100.00", "fiscal_income_share: 99.00"),
        at: (FE, "fiscal_income_share: 99.00"),
        says: &["二 财政拨款收入占比", "printed 99%", "computed 100%", "difference -1%"],
        ..BASE
    },
    Case {
        rule: "E-EXPENDITURE",
        file: FE,
        edit: Replace("basic_share: 54.72", "basic_share: 54.27"),
        at: (FE, "basic_share: 54.27"),
        says: &["三 基本支出占比", "printed 54.27%", "computed 54.72%", "difference -0.45%"],
        ..BASE
    },
    Case {
        rule: "E-EXPENDITURE",
        file: FE,
        edit: Replace("project_share: 45.28", "project_share: 45.29"),
        at: (FE, "project_share: 45.29"),
        severity: "warning",
        says: &["三 项目支出占比", "printed 45.29%", "computed 45.28%", "difference 0.01%"],
        ..BASE
    },
    Case {
        rule: "E-FISCAL",
        file: FE,
        edit: Replace("fiscal_growth: 8.00", "fiscal_growth: 8.50"),
        at: (FE, "fiscal_growth: 8.50"),
        says: &["四 财政拨款收入总计增长率", "printed 8.5%", "computed 8%", "difference 0.5%"],
        ..BASE
    },
    Case {
        rule: "E-GENERAL",
        file: FE,
        edit: Replace("general_budget_change: 25.00", "general_budget_change: 52.00"),
        at: (FE, "general_budget_change: 52.00"),
        says: &["五 一般公共预算财政拨款支出增减额", "printed 52万元", "computed 25万元", "difference 27万元"],
        ..BASE
    },
    Case {
        rule: "E-BUDGET",
        file: FE,
        edit: Replace("general_budget_budget: 215.50", "general_budget_budget: 251.50"),
        at: (FE, "general_budget_budget: 251.50"),
        says: &["五(三) 年初预算", "printed total 251.5万元", "sum of the 类 budgets 215.5万元", "difference 36万元"],
        ..BASE
    },
    Case {
        rule: "E-BASIC",
        file: FE,
        edit: Replace("personnel: 128.00", "personnel: 182.00"),
        at: (FE, "personnel: 182.00"),
        says: &["六 人员经费", "printed 182万元", "computed 128万元", "difference 54万元"],
        ..BASE
    },
    Case {
        rule: "E-GOVFUND",
        file: FE,
        edit: Replace("gov_fund_change: -10.00", "gov_fund_change: 10.00"),
        at: (FE, "gov_fund_change: 10.00"),
        says: &["七 增减额", "printed 10万元", "computed -10万元", "difference 20万元"],
        ..BASE
    },
    Case {
        rule: "E-THREE",
        file: FE,
        edit: Replace("three_public_completion: 80.00", "three_public_completion: 88.00"),
        at: (FE, "three_public_completion: 88.00"),
        says: &["九 完成全年预算的比例", "printed 88%", "computed 80%", "difference 8%"],
        ..BASE
    },
    Case {
        rule: "E-PROCUREMENT",
        file: FE,
        edit: Replace("procurement: {goods: 12.00, services: 8.00}", "procurement: {goods: 21.00, services: 8.00}"),
        at: (FE, "goods: 21.00"),
        says: &["十(二) 政府采购货物支出", "printed 21万元", "computed 12万元", "difference 9万元"],
        ..BASE
    },
    Case {
        rule: "E-PROCUREMENT",
        file: FE,
        edit: Replace("sme_share: 75.00", "sme_share: 57.00"),
        at: (FE, "sme_share: 57.00"),
        says: &["printed 57%", "computed 75%", "difference -18%"],
        ..BASE
    },
    Case {
        rule: "E-ITEM",
        file: FE,
        edit: Append("  by_item: {\"2060101\": {amount: 99.00}}\n"),
        at: (FE, "by_item"),
        says: &["五(三) 2060101 支出决算", "printed 99万元", "computed 120万元", "difference -21万元"],
        ..BASE
    },
    Case {
        rule: "E-OPERATING",
        file: FE,
        edit: Append("  operating_funds: 18.00\n"),
        at: (FE, "  operating_funds: 18.00"),
        says: &["十(一) 机关运行经费", "printed 18万元", "computed 17万元", "difference 1万元"],
        ..BASE
    },
    Case {
        rule: "E-SME",
        file: FE,
        edit: Replace("small_micro_contracts: 10.00}", "small_micro_contracts: 10.00, sme_reserved: 30.00}"),
        at: (FE, "sme_reserved: 30.00"),
        says: &["面向中小企业预留 30万元", "政府采购金额 (公开10) 20万元", "difference 10万元"],
        ..BASE
    },
    Case {
        rule: "E-PERF-COUNTS",
        file: FE,
        edit: Replace("  attachment: \"部门评价报告\"\n", "  attachment: \"部门评价报告\"\n  self_evaluated: {projects: 3}\n  grades: {优: 2}\n"),
        at: (FE, "  grades: {优: 2}"),
        says: &["add up to 2", "3 projects", "difference -1"],
        ..BASE
    },
    Case {
        rule: "E-ASSETS",
        file: FE,
        edit: Replace("  vehicles: 2\n", "  vehicles: 3\n"),
        at: (FE, "  vehicles: 3"),
        says: &["十(三) 车辆数", "printed 3", "computed 2", "difference 1"],
        ..BASE
    },
    Case {
        rule: "E-PERFORMANCE",
        file: FE,
        edit: Replace("grades: {优: 2, 良: 1,", "grades: {优: 2, 良: 0,"),
        at: (FE, "grades: {"),
        says: &["自评等级为“良”的项目数", "printed 0", "computed 1", "difference -1"],
        ..BASE
    },
    Case {
        rule: "E-PERFORMANCE",
        file: FE,
        edit: Replace("    projects: 3\n", "    projects: 4\n"),
        at: (FE, "    projects: 4"),
        says: &["自评项目个数", "printed 4", "computed 3", "difference 1"],
        ..BASE
    },
    Case {
        rule: "PL-REASON",
        file: FE,
        edit: Replace("土地出让收入安排的园区配套项目减少", "土地出让收入安排的园区配套项目增加"),
        at: (FE, "园区配套项目增加"),
        severity: "warning",
        says: &["七 政府性基金预算财政拨款收支", "fell from 50万元 last year to 40万元", "difference -10万元", "园区配套项目增加"],
        ..BASE
    },
    Case {
        rule: "PL-REASON-MISSING",
        file: FE,
        edit: Replace("  general_budget: \"科技创新专项资金增加\"\n", "  general_budget: ~\n"),
        at: (FE, "  general_budget: ~"),
        severity: "warning",
        says: &["五 一般公共预算财政拨款支出", "changed from 200万元 last year to 225万元", "difference 25万元"],
        ..BASE
    },
    Case {
        rule: "PL-VEHICLES",
        file: FE,
        edit: Replace("cars_held: 2", "cars_held: 3"),
        at: (FE, "cars_held: 3"),
        says: &["公务用车保有量", "is 3 辆", "车辆数合计 2 辆", "difference 1"],
        ..BASE
    },
    Case {
        rule: "PL-DUP-NAME",
        file: P02,
        edit: Replace("name: \"2024年度县级科技计划项目（农业关键技术攻关）经费\"", "name: \"岚县科技成果转化服务平台运维经费\""),
        at: (P02, "name: \"岚县科技成果转化服务平台运维经费\""),
        severity: "warning",
        says: &["“岚县科技成果转化服务平台运维经费”", "also used by p01"],
        ..BASE
    },
    Case {
        rule: "P-BUDGET-SUM",
        file: P02,
        edit: Replace("compiled: 500000, annual_budget: 500000,", "compiled: 500000, annual_budget: 510000,"),
        at: (P02, "annual_budget: 510000"),
        says: &["合计 全年预算数", "printed 510000元", "computed 500000元", "difference 10000元"],
        ..BASE
    },
    Case {
        rule: "P-BALANCE",
        file: P03,
        edit: Replace("printed: {balance: 100000}", "printed: {balance: 90000}"),
        at: (P03, "printed: {balance: 90000}"),
        says: &["政府性基金预算资金 资金结(转)余", "printed 90000元", "computed 100000元", "difference -10000元"],
        ..BASE
    },
    Case {
        rule: "P-RATE",
        file: P03,
        edit: Replace("rate: 80, score: 8}", "rate: 85, score: 8}"),
        at: (P03, "rate: 85"),
        says: &["执行率 (表)", "printed 85%", "computed 80%", "difference 5%"],
        ..BASE
    },
    Case {
        rule: "P-BUDGET-SCORE",
        file: P03,
        edit: Replace("  budget_score: 8\n", "  budget_score: 9\n"),
        at: (P03, "budget_score: 9"),
        says: &["三.1 预算执行情况得分", "printed 9分", "computed 8分", "difference 1分"],
        ..BASE
    },
    // A score printed as 10 is 10.00: a computed 9.67 (执行率 96.70%) does not round to it.
    Case {
        rule: "P-BUDGET-SCORE",
        file: P03,
        edit: Many(&[
            ("      annual_budget: 500000\n      executed: 400000", "      annual_budget: 413650\n      executed: 400000"),
            ("printed: {balance: 100000}", "printed: {balance: 13650}"),
            (
                "annual_budget: 500000, executed: 400000, balance: 100000, rate: 80, score: 8}",
                "annual_budget: 413650, executed: 400000, balance: 13650, rate: 96.7, score: 10}",
            ),
            ("  budget_score: 8\n  indicator_score: 74\n  total_score: 82\n", "  budget_score: 9.67\n  indicator_score: 74\n  total_score: 83.67\n"),
            ("  rate: 80\n  balance: 100000\n  execution_pct: 80\n", "  rate: 96.7\n  balance: 13650\n  execution_pct: 96.7\n"),
        ]),
        at: (P03, "rate: 96.7, score: 10}"),
        says: &["预算执行得分 (表)", "printed 10分", "computed 9.67分", "difference 0.33分"],
        ..BASE
    },
    Case {
        rule: "P-INDICATOR-SCORE",
        file: P02,
        edit: Replace("indicator_score: 84", "indicator_score: 85"),
        at: (P02, "indicator_score: 85"),
        says: &["三.1 指标完成情况得分", "printed 85分", "computed 84分", "difference 1分"],
        ..BASE
    },
    Case {
        rule: "P-TOTAL",
        file: P02,
        edit: Replace("total_score: 94", "total_score: 96"),
        at: (P02, "total_score: 96"),
        says: &["三.1 总得分", "printed 96分", "computed 94分", "difference 2分"],
        ..BASE
    },
    Case {
        rule: "P-GRADE",
        file: P03,
        edit: Replace("grade: 良", "grade: 优"),
        at: (P03, "grade: 优"),
        says: &["printed grade “优”", "computed “良”", "总得分 82"],
        ..BASE
    },
    Case {
        rule: "P-PROSE-EXEC",
        file: P01,
        edit: Replace("  balance: 0\n  execution_pct", "  balance: 1000\n  execution_pct"),
        at: (P01, "  balance: 1000"),
        says: &["三.3 结余资金", "printed 1000元", "computed 0元", "difference 1000元"],
        ..BASE
    },
    Case {
        rule: "P-PROSE-OUTPUT",
        file: P02,
        edit: Replace("output_rate: 96", "output_rate: 100"),
        at: (P02, "output_rate: 100"),
        says: &["三.4 产出指标得分率", "printed 100%", "computed 96%", "difference 4%"],
        ..BASE
    },
    Case {
        rule: "P-WEIGHT",
        file: P01,
        edit: Many(&[
            ("    weight: 20\n    score: 20\n", "    weight: 25\n    score: 20\n"),
            ("  output_full: 50\n  output_score: 50\n  output_rate: 100\n", "  output_full: 55\n  output_score: 50\n  output_rate: 90.91\n"),
        ]),
        // The indicator list as a whole (its first item).
        at: (P01, "  - level1: 产出指标"),
        says: &["indicator weights", "Σ 权重 95分", "expected 90分", "difference 5分"],
        ..BASE
    },
    // One point moved from 运维服务响应时间 to 年度运维成本, whose weight is 5: the sums still agree.
    Case {
        rule: "P-SCORE-RANGE",
        file: P01,
        edit: Many(&[
            ("    weight: 5\n    score: 5\n", "    weight: 5\n    score: 6\n"),
            ("    actual: \"达成预期指标\"\n    weight: 10\n    score: 10\n", "    actual: \"达成预期指标\"\n    weight: 10\n    score: 9\n"),
        ]),
        at: (P01, "    score: 6"),
        says: &["“年度运维成本”", "scores 6分", "above its weight 5分", "difference 1分"],
        ..BASE
    },
    // 全年预算数 cut to 290000 with 300000 spent, every printed figure of the report consistent.
    Case {
        rule: "P-OVERSPEND",
        file: P01,
        edit: Many(&[
            ("      annual_budget: 300000\n", "      annual_budget: 290000\n"),
            ("      printed: {balance: 0}", "      printed: {balance: -10000}"),
            ("annual_budget: 300000, executed: 300000, balance: 0, rate: 100,", "annual_budget: 290000, executed: 300000, balance: -10000, rate: 103.45,"),
            ("  rate: 100\n  balance: 0\n  execution_pct: 100\n", "  rate: 103.45\n  balance: -10000\n  execution_pct: 103.45\n"),
        ]),
        at: (P01, "    - source:"),
        severity: "warning",
        says: &["全年执行数 300000元", "全年预算数 290000元", "difference 10000元"],
        ..BASE
    },
    // The reviewer's rules (src/check/review.rs).
    Case {
        rule: "C-CODE-NAME",
        file: F03,
        edit: Replace("{code: \"2060101\", name: \"行政运行\"", "{code: \"2060101\", name: \"行政运行费\""),
        at: (F03, "行政运行费"),
        says: &["2060101", "“行政运行费”", "“行政运行”"],
        ..BASE
    },
    // 2080505 named without “基本” in every form: the national 2024 name differs.
    Case {
        rule: "C-CODE-NATIONAL",
        file: F02,
        edit: Files(&[
            (F02, "\"2080505\", name: \"机关事业单位基本养老保险缴费支出\"", "\"2080505\", name: \"机关事业单位养老保险缴费支出\""),
            (F03, "\"2080505\", name: \"机关事业单位基本养老保险缴费支出\"", "\"2080505\", name: \"机关事业单位养老保险缴费支出\""),
            (F05, "\"2080505\", name: \"机关事业单位基本养老保险缴费支出\"", "\"2080505\", name: \"机关事业单位养老保险缴费支出\""),
        ]),
        at: (F02, "\"2080505\""),
        severity: "warning",
        says: &["2080505", "“机关事业单位养老保险缴费支出”", "“机关事业单位基本养老保险缴费支出”", "2024 政府收支分类科目"],
        ..BASE
    },
    // 年初预算数 typed as 30 for 300000 (元).
    Case {
        rule: "PL-UNIT",
        file: P01,
        edit: Many(&[
            ("      compiled: 300000\n", "      compiled: 30\n"),
            ("compiled: 300000, annual_budget", "compiled: 30, annual_budget"),
            ("  initial_budget: 300000", "  initial_budget: 30"),
        ]),
        at: (P01, "      executed: 300000"),
        severity: "warning",
        says: &["全年执行数 300000元", "年初预算数 30元", "10⁴"],
        ..BASE
    },
    // 公务接待费 budget cut to 0.50 with 1.00 spent; every printed figure follows.
    Case {
        rule: "PL-THREE-OVER",
        file: F09,
        edit: Files(&[
            (F09, "reception: 1.50}", "reception: 0.50}"),
            (F09, "budget: {total: 5.00,", "budget: {total: 4.00,"),
            (FE, "three_public_budget: 5.00", "three_public_budget: 4.00"),
            (FE, "three_public_completion: 80.00", "three_public_completion: 100.00"),
            (FE, "reception: {actual: 1.00, completion: 66.67,", "reception: {actual: 1.00, completion: 200.00,"),
        ]),
        at: (F09, "actual: {abroad"),
        severity: "warning",
        says: &["公务接待费", "决算 1万元", "预算 0.5万元", "difference 0.5万元", "no reason"],
        ..BASE
    },
    // 221's 年初预算 cut to 7.00: spent 10.00, 42.86% away.
    Case {
        rule: "PL-BUDGET-GAP",
        file: FE,
        edit: Files(&[
            (FE, "\"208\": 15.50, \"221\": 10.00}", "\"208\": 15.50, \"221\": 7.00}"),
            (FE, "\"221\": {amount: 10.00, share: 4.44, budget: 10.00, completion: 100.00,", "\"221\": {amount: 10.00, share: 4.44, budget: 7.00, completion: 142.86,"),
            (FE, "general_budget_budget: 215.50", "general_budget_budget: 212.50"),
            (FE, "general_budget_completion: 104.41", "general_budget_completion: 105.88"),
        ]),
        at: (FE, "general_budget_by_class: {\"206\": 190.00"),
        severity: "warning",
        says: &["221 住房保障支出", "支出决算 10万元", "42.86%", "年初预算 7万元", "difference 3万元"],
        ..BASE
    },
    Case {
        rule: "PL-OPERATING",
        file: F10,
        edit: Replace("administrative: 17.00", "administrative: 20.00"),
        at: (F10, "operating_funds:"),
        severity: "warning",
        says: &["机关运行经费 20万元", "公用经费 of 公开06 17万元", "difference 3万元"],
        ..BASE
    },
    // A 行政单位 that reports no 机关运行经费.
    Case {
        rule: "PL-OPERATING",
        file: F10,
        edit: Files(&[(F10, "administrative: 17.00", "administrative: 0"), ("department.yaml", "draft: false", "draft: false\nunit_type: 行政单位")]),
        at: (F10, "operating_funds:"),
        severity: "warning",
        says: &["机关运行经费 is 0 for a 行政单位", "17万元"],
        ..BASE
    },
    Case {
        rule: "PL-YEAR",
        file: FE,
        edit: Replace("total: \"本年度县级科技计划项目增加\"", "total: \"较2022年县级科技计划项目增加\""),
        at: (FE, "较2022年"),
        severity: "warning",
        says: &["2022年", "2024 booklet", "较2022年县级"],
        ..BASE
    },
    Case {
        rule: "PL-UNIT-CODE",
        file: P01,
        edit: Replace("unit: \"615001-", "unit: \"616001-"),
        at: (P01, "616001"),
        severity: "warning",
        says: &["项目单位 code 616001", "department 615"],
        ..BASE
    },
    // 国内接待 1.20 against a 公务接待费 of 1.00.
    Case {
        rule: "PL-THREE-DETAIL",
        file: FE,
        edit: Replace("domestic: {amount: 1.00,", "domestic: {amount: 1.20,"),
        at: (FE, "domestic: {amount: 1.20"),
        says: &["1.2万元", "公务接待费 1万元", "difference 0.2万元"],
        ..BASE
    },
    Case {
        rule: "PL-THREE-DETAIL",
        file: FE,
        edit: Replace("car_purchase: {cars: 0,", "car_purchase: {cars: 1,"),
        at: (FE, "car_purchase: {cars: 1,"),
        severity: "warning",
        says: &["1 辆 bought", "购置费 0万元"],
        ..BASE
    },
    Case {
        rule: "PL-RESIDUE",
        file: FE,
        edit: Replace("other_matters: \"无\"", "other_matters: \"本单位无XX事项\""),
        at: (FE, "other_matters"),
        severity: "warning",
        says: &["placeholder “XX”", "本单位无XX事项"],
        ..BASE
    },
    Case {
        rule: "PL-RESIDUE",
        file: P02,
        edit: Replace("completion: \"基本完成既定目标。\"", "completion: \"基本完成既定目标，如持平作持平表述。\""),
        at: (P02, "如持平作持平表述"),
        severity: "warning",
        says: &["instruction “如持平作持平表述”"],
        ..BASE
    },
    // 2060199's spending booked under 2060102 in 公开03 and 05: income without expenditure and the reverse.
    Case {
        rule: "X02-03",
        file: F03,
        edit: Files(&[
            (F03, "{code: \"2060199\", name: \"其他科学技术管理事务支出\"", "{code: \"2060102\", name: \"一般行政管理事务\""),
            (F05, "{code: \"2060199\", name: \"其他科学技术管理事务支出\"", "{code: \"2060102\", name: \"一般行政管理事务\""),
        ]),
        at: (F02, "\"2060199\""),
        severity: "warning",
        says: &["2060199", "income 30万元", "公开02", "no expenditure in 公开03"],
        ..BASE
    },
    Case {
        rule: "P-INDICATOR-TARGET",
        file: P01,
        edit: Replace("    target: \"≥10场\"\n    actual: \"12\"", "    target: \"≥10场\"\n    actual: \"8\""),
        at: (P01, "actual: \"8\""),
        severity: "warning",
        says: &["“成果对接活动场次”", "reached 8", "≥10场", "full marks"],
        ..BASE
    },
];

/// Copies the clean fixture and applies `edit` to `file`.
fn edited(file: &str, edit: Edit) -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, dept) = copy_fixture("clean");
    match edit {
        Replace(old, new) => replace_once(&dept, file, old, new),
        Many(edits) => {
            for (old, new) in edits {
                replace_once(&dept, file, old, new);
            }
        }
        Append(text) => append(&dept, file, text),
        Files(edits) => {
            for (f, old, new) in edits {
                replace_once(&dept, f, old, new);
            }
        }
    }
    (tmp, dept)
}

/// Runs every case of `rule`: the finding is there, where and what it should be, and no
/// other rule fires.
fn run_rule(rule: &str) {
    let cases: Vec<&Case> = CASES.iter().filter(|c| c.rule == rule).collect();
    assert!(!cases.is_empty(), "no case for {rule}");
    for (n, case) in cases.iter().enumerate() {
        let what = format!("{rule} case {}", n + 1);
        let (_tmp, dept) = edited(case.file, case.edit);
        let r = check(&dept);
        assert!(!r.stderr.contains("panicked"), "{what}\n{}", r.both());
        let all = findings(&r.stdout);
        let want_exit = if all.iter().any(|f| f.severity == "error") { 1 } else { 0 };
        assert_eq!(r.code, Some(want_exit), "{what}: exit code\n{}", r.both());
        let file = dept.join(case.at.0).display().to_string();
        let line = line_of(&dept, case.at.0, case.at.1);
        let hit = all
            .iter()
            .find(|f| f.rule == case.rule && f.file == file && f.line == line)
            .unwrap_or_else(|| panic!("{what}: no [{rule}] finding at {}:{line}\n{}", case.at.0, r.both()));
        assert_eq!(hit.severity, case.severity, "{what}: severity of {hit:?}");
        assert!(hit.col >= 1, "{what}: column of {hit:?}");
        for s in case.says {
            assert!(hit.message.contains(s), "{what}: message lacks `{s}`: {}", hit.message);
        }
        if !NOT_COMPARISONS.contains(&rule) {
            assert!(case.says.iter().any(|s| s.contains("difference")), "{what}: `says` must check the difference");
        }
        let others: Vec<&Finding> = all.iter().filter(|f| f.rule != case.rule).collect();
        assert!(others.is_empty(), "{what}: other rules fired too (edit the printed figures that quote the change as well): {others:#?}");
    }
}

macro_rules! rule_tests {
    ($($name:ident => $rule:literal,)*) => {
        $(
            #[test]
            fn $name() {
                run_rule($rule);
            }
        )*
        /// Rule ids with a test function above.
        const TESTED: &[&str] = &[$($rule),*];
    };
}

rule_tests! {
    t01_total => "T01-TOTAL",
    t01_class => "T01-CLASS",
    t02_sum => "T02-SUM",
    t03_sum => "T03-SUM",
    t04_total => "T04-TOTAL",
    t04_class => "T04-CLASS",
    t05_sum => "T05-SUM",
    t06_sum => "T06-SUM",
    t07_sum => "T07-SUM",
    t08_sum => "T08-SUM",
    t09_sum => "T09-SUM",
    t10_sum => "T10-SUM",
    x01_02 => "X01-02",
    x01_balance => "X01-BALANCE",
    x03_fiscal => "X03-FISCAL",
    x04_balance => "X04-BALANCE",
    x05_06 => "X05-06",
    x07_01 => "X07-01",
    x09_06 => "X09-06",
    x_projects => "X-PROJECTS",
    e_total => "E-TOTAL",
    e_income => "E-INCOME",
    e_expenditure => "E-EXPENDITURE",
    e_fiscal => "E-FISCAL",
    e_general => "E-GENERAL",
    e_budget => "E-BUDGET",
    e_basic => "E-BASIC",
    e_govfund => "E-GOVFUND",
    e_three => "E-THREE",
    e_procurement => "E-PROCUREMENT",
    e_assets => "E-ASSETS",
    e_item => "E-ITEM",
    e_operating => "E-OPERATING",
    e_sme => "E-SME",
    e_perf_counts => "E-PERF-COUNTS",
    e_performance => "E-PERFORMANCE",
    pl_reason => "PL-REASON",
    pl_reason_missing => "PL-REASON-MISSING",
    pl_vehicles => "PL-VEHICLES",
    pl_dup_name => "PL-DUP-NAME",
    p_budget_sum => "P-BUDGET-SUM",
    p_balance => "P-BALANCE",
    p_rate => "P-RATE",
    p_budget_score => "P-BUDGET-SCORE",
    p_indicator_score => "P-INDICATOR-SCORE",
    p_total => "P-TOTAL",
    p_grade => "P-GRADE",
    p_prose_exec => "P-PROSE-EXEC",
    p_prose_output => "P-PROSE-OUTPUT",
    p_weight => "P-WEIGHT",
    p_score_range => "P-SCORE-RANGE",
    p_overspend => "P-OVERSPEND",
    c_code_name => "C-CODE-NAME",
    c_code_national => "C-CODE-NATIONAL",
    pl_unit => "PL-UNIT",
    pl_three_over => "PL-THREE-OVER",
    pl_budget_gap => "PL-BUDGET-GAP",
    pl_operating => "PL-OPERATING",
    pl_year => "PL-YEAR",
    pl_unit_code => "PL-UNIT-CODE",
    pl_three_detail => "PL-THREE-DETAIL",
    pl_residue => "PL-RESIDUE",
    x02_03 => "X02-03",
    p_indicator_target => "P-INDICATOR-TARGET",
}

/// Every rule of the catalogue has a case and a test; no case names a rule that is gone.
#[test]
fn every_rule_has_a_case() {
    let rules: Vec<&str> = juesuan::check::rules().map(|(id, _)| *id).collect();
    assert!(rules.len() >= 40, "suspiciously few rules: {rules:?}");
    let missing: Vec<&&str> = rules.iter().filter(|r| !CASES.iter().any(|c| c.rule == **r)).collect();
    assert!(missing.is_empty(), "rules without a case in tests/rules.rs: {missing:?}");
    let untested: Vec<&&str> = rules.iter().filter(|r| !TESTED.contains(r)).collect();
    assert!(untested.is_empty(), "rules without a test in rule_tests!: {untested:?}");
    for c in CASES {
        assert!(rules.contains(&c.rule), "case for unknown rule {}", c.rule);
    }
    for t in TESTED {
        assert!(rules.contains(t), "test for unknown rule {t}");
    }
}

/// `check --list-rules` prints the catalogue, one rule per line.
#[test]
fn list_rules_prints_the_catalogue() {
    let listed = listed_rules();
    let rules: Vec<String> = juesuan::check::rules().map(|(id, _)| id.to_string()).collect();
    assert_eq!(listed, rules);
}

#[test]
fn clean_fixture_has_no_findings() {
    let (_tmp, dept) = copy_fixture("clean");
    let r = check(&dept);
    assert_eq!(r.code, Some(0), "{}", r.both());
    assert_eq!(r.stdout, "", "{}", r.both());
    assert!(r.stderr.contains("0 errors, 0 warnings"), "{}", r.both());
    // And in place, as other tests use it.
    let r = check(&fixture("clean"));
    assert_eq!((r.code, r.stdout.as_str()), (Some(0), ""), "{}", r.both());
}

/// A printed score agrees when the computed one rounds to it at two decimals: 9.996 → 10.00
/// agrees with a printed 10 (while 9.67 does not, see the second P-BUDGET-SCORE case).
#[test]
fn score_rounding_to_the_printed_figure_agrees() {
    let (_tmp, dept) = edited(
        P03,
        Many(&[
            ("      annual_budget: 500000\n      executed: 400000", "      annual_budget: 400160.06\n      executed: 400000"),
            ("printed: {balance: 100000}", "printed: {balance: 160.06}"),
            (
                "annual_budget: 500000, executed: 400000, balance: 100000, rate: 80, score: 8}",
                "annual_budget: 400160.06, executed: 400000, balance: 160.06, rate: 99.96, score: 10}",
            ),
            ("  budget_score: 8\n  indicator_score: 74\n  total_score: 82\n", "  budget_score: 10\n  indicator_score: 74\n  total_score: 84\n"),
            ("  rate: 80\n  balance: 100000\n  execution_pct: 80\n", "  rate: 99.96\n  balance: 160.06\n  execution_pct: 99.96\n"),
        ]),
    );
    let r = check(&dept);
    assert_eq!((r.code, r.stdout.as_str()), (Some(0), ""), "{}", r.both());
}

#[test]
fn every_edit_matches_the_clean_fixture_once() {
    let (_tmp, dept) = copy_fixture("clean");
    for case in CASES {
        let edits: Vec<(&str, &str)> = match case.edit {
            Replace(old, _) => vec![(case.file, old)],
            Many(edits) => edits.iter().map(|(old, _)| (case.file, *old)).collect(),
            Append(_) => vec![],
            Files(edits) => edits.iter().map(|(f, old, _)| (*f, *old)).collect(),
        };
        for (file, old) in edits {
            let text = std::fs::read_to_string(dept.join(file)).expect("read");
            assert_eq!(text.matches(old).count(), 1, "{}: `{old}` must occur exactly once in {file}", case.rule);
        }
    }
}

#[test]
fn json_output_is_valid_with_rule_and_location() {
    let (_tmp, dept) = copy_fixture("clean");
    replace_once(&dept, F01, "income_total: 265.00", "income_total: 266.00");
    replace_once(&dept, FE, "cars_held: 2", "cars_held: 3");
    replace_once(&dept, P02, "output_rate: 96", "output_rate: 100");
    let r = run(&["check", "--format", "json", dept.to_str().unwrap()], Duration::from_secs(20));
    assert_eq!(r.code, Some(1), "{}", r.both());
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", r.stdout));
    let items = v.as_array().expect("a JSON array of findings");
    assert!(items.len() >= 3, "{}", r.stdout);
    for it in items {
        assert!(it["rule"].is_string(), "rule: {it}");
        assert!(it["severity"] == "error" || it["severity"] == "warning", "severity: {it}");
        assert!(it["message"].is_string(), "message: {it}");
        assert!(it.get("loc").is_none(), "one place for the position: {it}");
        assert!(it["file"].as_str().is_some_and(|f| f.starts_with(dept.to_str().unwrap())), "file: {it}");
        assert!(it["line"].as_u64().is_some_and(|n| n >= 1), "line: {it}");
        assert!(it["col"].as_u64().is_some_and(|n| n >= 1), "col: {it}");
    }
    let t01 = items.iter().find(|it| it["rule"] == "T01-TOTAL").expect("T01-TOTAL in JSON");
    assert_eq!(t01["file"], dept.join(F01).display().to_string());
    assert_eq!(t01["line"], line_of(&dept, F01, "income_total: 266.00") as u64);
    assert!(t01["message"].as_str().unwrap().contains("difference 1万元"));
    let rules: Vec<&str> = items.iter().filter_map(|it| it["rule"].as_str()).collect();
    for r in ["PL-VEHICLES", "P-PROSE-OUTPUT"] {
        assert!(rules.contains(&r), "{r} missing in {rules:?}");
    }
    // The text and JSON outputs list the same findings.
    let text = check(&dept);
    assert_eq!(findings(&text.stdout).len(), items.len(), "{}", text.both());

    let (_tmp2, clean) = copy_fixture("clean");
    let r = run(&["check", "--format", "json", clean.to_str().unwrap()], Duration::from_secs(20));
    assert_eq!(r.code, Some(0), "{}", r.both());
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v, serde_json::json!([]));
}

#[test]
fn findings_are_deterministic() {
    let (_tmp, dept) = copy_fixture("clean");
    replace_once(&dept, FE, "cars_held: 2", "cars_held: 3");
    replace_once(&dept, P01, "      executed: 300000\n", "      executed: 290000\n");
    let a = check(&dept);
    let b = check(&dept);
    assert_eq!(a.stdout, b.stdout);
    assert!(!a.stdout.is_empty());
}
