//! Stage 3 — check: the 勾稽关系 of the forms, report-internal rules and plausibility rules.
//! Each finding names the rule, the place, both values and the difference.

use crate::compute::{z, Recon, View};
use crate::diag::{Diagnostic, Severity};
use crate::model::Department;
use crate::money::{fmt_plain, WAN};
use crate::source::Loc;
use rust_decimal::Decimal;

mod review;
mod texts;

/// Every rule of the checker: the forms' and the 情况说明's rules, then the reviewer's.
pub fn rules() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    RULES.iter().chain(review::RULES)
}

/// Every rule: stable id and a one-line description.
pub const RULES: &[(&str, &str)] = &[
    ("T01-TOTAL", "公开01 本年收入/支出合计 and 总计 as printed equal the sums of their lines"),
    ("T01-CLASS", "公开01 支出 by 类 as printed equals 公开03 本年支出合计 of that 类"),
    ("T02-SUM", "公开02 类/款 rows, 合计 and 本年收入合计 as printed equal the sums of 项 rows and columns"),
    ("T03-SUM", "公开03 类/款 rows, 合计 and 本年支出合计 as printed equal the sums of 项 rows and columns"),
    ("T04-TOTAL", "公开04 收入/支出合计 and 总计 as printed equal the sums of their parts"),
    ("T04-CLASS", "公开04 支出 by 类 as printed equals 公开05 / 07 / 08 of that 类"),
    ("T05-SUM", "公开05 类/款 rows, 合计 and 小计 as printed equal the sums of 项 rows"),
    ("T06-SUM", "公开06 类 rows, 人员经费合计 and 公用经费合计 as printed equal the sums of 款 rows"),
    ("T07-SUM", "公开07 类/款 rows, 合计 and 小计 as printed equal the sums of 项 rows"),
    ("T08-SUM", "公开08 类/款 rows and 合计 as printed equal the sums of 项 rows"),
    ("T09-SUM", "公开09 小计 and 合计 as printed equal the sums of the “三公” items"),
    ("T10-SUM", "公开10 政府采购合计 and 车辆数合计 as printed equal the sums of their parts"),
    ("X01-02", "公开01 财政拨款收入 (一般公共预算 + 政府性基金 + 国有资本经营) equals 公开02 财政拨款收入 合计"),
    ("X01-BALANCE", "公开01 收入总计 equals 支出总计"),
    ("X03-FISCAL", "with only 财政拨款 income, 公开03 基本/项目支出 of each 项 equal 公开05 + 公开07 + 公开08"),
    ("X04-BALANCE", "公开04 per kind: 收入 + 年初结转 equals 支出 + 年末结转"),
    ("X05-06", "公开05 基本支出 合计 equals 公开06 人员经费合计 + 公用经费合计"),
    ("X07-01", "公开07 本年收入 合计 equals 公开01 政府性基金预算财政拨款收入"),
    ("X09-06", "公开09 “三公” 决算数 is not less than the matching 公开06 基本支出 items"),
    ("X-PROJECTS", "the 自评报告' 全年执行数 add up to 公开03 项目支出 合计"),
    ("E-TOTAL", "情况说明 一: 收入总计 and its change as printed equal the computed ones"),
    ("E-INCOME", "情况说明 二: 收入合计, parts and 占比 as printed equal the computed ones"),
    ("E-EXPENDITURE", "情况说明 三: 支出合计, 基本/项目支出 and 占比 as printed equal the computed ones"),
    ("E-FISCAL", "情况说明 四: 财政拨款收支总计 and its change as printed equal the computed ones"),
    ("E-GENERAL", "情况说明 五: 一般公共预算财政拨款支出, 占比, changes by 类 as printed equal the computed ones"),
    ("E-BUDGET", "情况说明 五(三): 年初预算 total equals the sum of the 类 budgets; 完成年初预算的% matches"),
    ("E-BASIC", "情况说明 六: 基本支出, 人员经费, 公用经费 as printed equal 公开06"),
    ("E-GOVFUND", "情况说明 七: 政府性基金收支总计 and change as printed equal the computed ones"),
    ("E-THREE", "情况说明 九: “三公”经费 budget, actual, completion and changes as printed equal the computed ones"),
    ("E-PROCUREMENT", "情况说明 十(二): 政府采购 figures as printed equal 公开10"),
    ("E-ITEM", "情况说明 五(三) per 项: 预算, 支出决算 and 完成% as printed equal the budget inputs and 公开05; the printed “类（类）款（款）项（项）” names those of 公开05"),
    ("E-OPERATING", "情况说明 十(一) 机关运行经费, its change and growth as printed equal 公开10 and last year's figure"),
    ("E-SME", "政府采购: 中小企业 预留 ≤ 政府采购 total, 小微企业 ≤ 中小企业, awarded ≤ reserved"),
    ("E-PERF-COUNTS", "预算绩效: 自评 projects by grade add up to the 自评 project count; rectified + rectifying ≤ problems found; an average score within 0–100"),
    ("E-ASSETS", "情况说明 十(三): 车辆 and 设备 counts as printed equal 公开10"),
    ("E-PERFORMANCE", "情况说明 十(四): project count, amounts and grade counts equal the 自评报告 and tables"),
    ("PL-REASON", "a stated 主要原因 speaks of an increase where the figure fell, or of a decrease where it rose"),
    ("PL-REASON-MISSING", "a figure changed from last year but no 主要原因 is given"),
    ("PL-VEHICLES", "公务用车保有量 in 情况说明 九(二) is not above 公开10 车辆数合计; 运行维护费 without vehicles"),
    ("PL-DUP-NAME", "two 自评报告 carry the same project name"),
    ("P-BUDGET-SUM", "自评报告 预算执行 合计 row as printed equals the sum of its 资金来源 rows"),
    ("P-BALANCE", "自评报告 资金结(转)余 as printed equals 全年预算数 − 全年执行数"),
    ("P-RATE", "自评报告 执行率 as printed equals 全年执行数 ÷ 全年预算数"),
    ("P-BUDGET-SCORE", "自评报告 预算执行得分 as printed equals 10 × 执行率"),
    ("P-INDICATOR-SCORE", "自评报告 指标完成情况得分 as printed equals the sum of indicator scores"),
    ("P-TOTAL", "自评报告 总得分 as printed equals 预算执行得分 + 指标得分"),
    ("P-GRADE", "自评报告 grade as printed matches 总得分 (优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差)"),
    ("P-PROSE-EXEC", "自评报告 三.3 figures (年初预算数, 执行数, 结余, 预算执行%) equal the budget table"),
    ("P-PROSE-OUTPUT", "自评报告 三.4/三.5 产出/效益 满分, 得分, 得分率 equal the indicator table"),
    ("P-WEIGHT", "自评报告 indicator weights add up to 90 (100 with 预算执行率's 10)"),
    ("P-SCORE-RANGE", "自评报告 an indicator's 得分 does not exceed its 权重"),
    ("P-OVERSPEND", "自评报告 全年执行数 does not exceed 全年预算数"),
];

/// Runs every rule; findings sorted by place.
pub fn check(d: &Department, v: &View) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = v.recons.iter().map(from_recon).collect();
    let mut extra = Vec::new();
    cross_tables(d, v, &mut extra);
    projects(d, v, &mut extra, &mut out);
    out.extend(extra.iter().map(from_recon));
    plausibility(d, v, &mut out);
    out.extend(grade_findings(d, v));
    out.extend(item_labels(d, v));
    out.extend(procurement_and_performance(d, v));
    out.extend(review::review(d, v));
    // Only the rules the layout lists, in the layout's names of forms and sections.
    let l = &d.layout;
    out.retain(|f| f.rule.is_none_or(|r| l.applies(r)));
    for f in &mut out {
        f.message = l.rename(&f.message);
        if let Some(h) = &mut f.hint {
            *h = l.rename(h);
        }
    }
    out.sort_by(|a, b| a.loc.cmp(&b.loc).then(a.rule.cmp(&b.rule)));
    out
}

/// E-ITEM: the printed “类（类）款（款）项（项）” of 五(三) against the names in 公开05.
fn item_labels(d: &Department, v: &View) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (code, p) in &d.explanation.printed.by_item {
        let (Some(label), Some(it)) = (&p.label, v.expl.items.iter().find(|i| &i.code == code)) else { continue };
        if label != &it.label {
            out.push(note(
                "E-ITEM",
                loc(d, "explanation", &format!("printed.by_item.{code}.label")),
                Severity::Error,
                format!("{{section:general_budget(三)}} {code}: printed “{label}” ≠ {{form:general_budget}} “{}”", it.label),
            ));
        }
    }
    out
}

/// E-SME and E-PERF-COUNTS: the 政府采购 中小企业 figures and the 预算绩效 counts among themselves.
fn procurement_and_performance(d: &Department, v: &View) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let fe = "explanation";
    let pr = &d.explanation.procurement;
    let w = crate::compute::wan;
    let total = v.expl.procurement[0];
    let pairs = [
        ("procurement.sme_reserved", "面向中小企业预留", w(pr.sme_reserved), "政府采购金额 ({form:statistics|section:other})", Some(total)),
        ("procurement.small_micro_reserved", "面向小微企业预留", w(pr.small_micro_reserved), "面向中小企业预留", w(pr.sme_reserved)),
        ("procurement.sme_awarded", "预留项目中由中小企业中标", w(pr.sme_awarded), "面向中小企业预留", w(pr.sme_reserved)),
        ("procurement.small_micro_awarded", "预留项目中由小微企业中标", w(pr.small_micro_awarded), "面向小微企业预留", w(pr.small_micro_reserved)),
    ];
    for (path, what, part, whole_label, whole) in pairs {
        if let (Some(part), Some(whole)) = (part, whole) {
            if part > whole {
                out.push(note(
                    "E-SME",
                    loc(d, fe, path),
                    Severity::Error,
                    format!("政府采购: {what} {}万元 exceeds {whole_label} {}万元 (difference {}万元)", fmt_plain(part), fmt_plain(whole), fmt_plain(part - whole)),
                ));
            }
        }
    }
    // Awarded to 中小企业 in all: reserved-and-awarded plus awarded in the other projects.
    if let (Some(a), Some(o)) = (w(pr.sme_awarded), w(pr.sme_other_awarded)) {
        if a + o > total {
            out.push(note(
                "E-SME",
                loc(d, fe, "procurement.sme_other_awarded"),
                Severity::Error,
                format!(
                    "政府采购: awarded to 中小企业 {}万元 (预留项目 {} + 其他项目 {}) exceeds 政府采购金额 {}万元 (difference {}万元)",
                    fmt_plain(a + o),
                    fmt_plain(a),
                    fmt_plain(o),
                    fmt_plain(total),
                    fmt_plain(a + o - total)
                ),
            ));
        }
    }
    let perf = &d.explanation.performance;
    if let Some(se) = &perf.self_evaluated {
        if !perf.grades.is_empty() {
            let counted: Decimal = perf.grades.values().map(|m| m.value).sum();
            if counted != se.projects.value {
                out.push(note(
                    "E-PERF-COUNTS",
                    loc(d, fe, "performance.grades"),
                    Severity::Error,
                    format!("预算绩效: projects by grade add up to {} but {} projects were self-evaluated (difference {})", fmt_plain(counted), fmt_plain(se.projects.value), fmt_plain(counted - se.projects.value)),
                ));
            }
        }
        if let Some(avg) = se.average_score.filter(|a| a.value < Decimal::ZERO || a.value > Decimal::ONE_HUNDRED) {
            out.push(note("E-PERF-COUNTS", loc(d, fe, "performance.self_evaluated.average_score"), Severity::Error, format!("预算绩效: average score {} is outside 0–100", fmt_plain(avg.value))));
        }
    }
    for key in perf.grades.keys() {
        if !d.layout.spec.grades.iter().any(|g| &g.label == key) {
            let scale: Vec<&str> = d.layout.spec.grades.iter().map(|g| g.label.as_str()).collect();
            out.push(note(
                "E-PERF-COUNTS",
                loc(d, fe, &format!("performance.grades.{key}")),
                Severity::Error,
                format!("预算绩效: “{key}” is not a grade of the layout's scale ({})", scale.join("/")),
            ));
        }
    }
    if let Some(pb) = &perf.problems {
        let done = z(pb.rectified.map(|m| m.value)) + z(pb.rectifying.map(|m| m.value));
        if done > pb.found.value {
            out.push(note(
                "E-PERF-COUNTS",
                loc(d, fe, "performance.problems"),
                Severity::Error,
                format!("预算绩效: {} problems rectified or being rectified, but {} found", fmt_plain(done), fmt_plain(pb.found.value)),
            ));
        }
    }
    out
}

/// The 尾数差 of one 分 of 万元: the least tail of any comparison of 万元 amounts, so that the
/// same 0.01 gap is a warning in every rule.
const CENT: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

fn from_recon(r: &Recon) -> Diagnostic {
    let diff = r.left.1 - r.right.1;
    let undefined = r.right.0 == crate::compute::UNDEFINED;
    let tol = if r.unit == "万元" { r.tol.max(CENT) } else { r.tol };
    let within = !undefined && diff.abs() <= tol;
    let u = r.unit;
    let message = if undefined {
        format!("{}: {} {}{u}, but the computed rate is undefined: its base is 0 or blank", r.subject, r.left.0, fmt_plain(r.left.1))
    } else {
        format!(
        "{}: {} {}{u} ≠ {} {}{u} (difference {}{u})",
        r.subject,
        r.left.0,
        fmt_plain(r.left.1),
        r.right.0,
        fmt_plain(r.right.1),
        fmt_plain(diff),
        )
    };
    let d = Diagnostic {
        loc: Some(r.loc.clone()),
        file: None,
        severity: if within { Severity::Warning } else { Severity::Error },
        rule: Some(r.rule),
        message,
        hint: None,
    };
    match (within && !tol.is_zero(), r.kept) {
        (true, true) => d.with_hint(format!("within the 尾数差 tail of {}{u} (rounding of 元 figures); the printed figure is kept", fmt_plain(tol))),
        (true, false) => d.with_hint(format!("within the 尾数差 tail of {}{u} (rounding of 元 figures); the booklet states the computed figure", fmt_plain(tol))),
        _ => d,
    }
}

pub(super) fn loc(d: &Department, file: &str, path: &str) -> Loc {
    match d.sources.get(file) {
        Some(s) => s.loc(path),
        None => Loc { file: format!("{}/{file}.yaml", d.dir).into(), line: 1, col: 1 },
    }
}

#[allow(clippy::too_many_arguments)]
fn agree(out: &mut Vec<Recon>, rule: &'static str, loc: Loc, subject: String, left: (&str, Decimal), right: (&str, Decimal), tol: Decimal, unit: &'static str) {
    if left.1 != right.1 {
        out.push(Recon { rule, loc, subject, left: (left.0.into(), left.1), right: (right.0.into(), right.1), tol, unit, kept: false });
    }
}


fn cross_tables(d: &Department, v: &View, out: &mut Vec<Recon>) {
    let f01 = "tables/01-summary";
    let fiscal01 = v.t01.income[..3].iter().map(|l| z(l.values[0])).sum::<Decimal>();
    agree(
        out,
        "X01-02",
        loc(d, f01, "fiscal_income"),
        "财政拨款收入".into(),
        ("{form:summary} 一+二+三", fiscal01),
        ("{form:income} 财政拨款收入 合计", z(v.t02.total_of("fiscal"))),
        Decimal::new(1, 2),
        "万元",
    );
    agree(
        out,
        "X01-BALANCE",
        loc(d, f01, "closing_balance"),
        "{form:summary} 收支平衡".into(),
        ("收入总计", z(v.t01.income_grand_total)),
        ("支出总计", z(v.t01.expenditure_grand_total)),
        Decimal::new(1, 2),
        "万元",
    );
    agree(
        out,
        "X07-01",
        loc(d, f01, "fiscal_income.gov_fund"),
        "政府性基金预算财政拨款收入".into(),
        ("{form:summary}", z(v.t01.income[1].values[0])),
        ("{form:gov_fund} 本年收入 合计", z(v.t07.total_of("income"))),
        Decimal::ZERO,
        "万元",
    );
    // 公开04 balance per kind. The finding accuses the 年末结转和结余 of that kind (the
    // figure that balances the column): 04-fiscal.yaml's `closing`, or for 政府性基金 the
    // `closing` column of 公开07, where those balances are entered.
    let kinds = [
        ("general_budget", "一般公共预算", "tables/04-fiscal", "closing.general_budget"),
        ("gov_fund", "政府性基金预算", "tables/07-gov-fund", "printed.closing"),
        ("soe_capital", "国有资本经营预算", "tables/04-fiscal", "closing.soe_capital"),
    ];
    for (k, (_, label, file, path)) in kinds.iter().enumerate() {
        let income = z(v.t04.income[k].values[0]) + z(v.t04.opening[k + 1]);
        let spent = z(v.t04.expenditure_total[k + 1]) + z(v.t04.closing[k + 1]);
        agree(
            out,
            "X04-BALANCE",
            loc(d, file, path),
            format!("{{form:fiscal_summary}} {label}财政拨款 收支平衡"),
            ("收入 + 年初结转", income),
            ("支出 + 年末结转", spent),
            Decimal::new(1, 2),
            "万元",
        );
    }
    agree(
        out,
        "X05-06",
        loc(d, "tables/06-basic-detail", "printed.personnel_total"),
        "一般公共预算财政拨款基本支出".into(),
        ("{form:basic_detail} 人员经费 + 公用经费", z(v.t06.personnel_total) + z(v.t06.public_total)),
        ("{form:general_budget} 基本支出 合计", z(v.t05.total_of("basic"))),
        Decimal::new(1, 2),
        "万元",
    );
    x03_fiscal(d, v, out);
    x09_06(d, v, out);
    // The reports are data of the booklet only where the layout attaches them.
    if !d.layout.spec.attachments.reports {
        return;
    }
    let executed: Decimal = v.projects.iter().map(|p| z(p.total.executed)).sum::<Decimal>() / WAN;
    let place = d.projects.first().map_or_else(|| loc(d, "tables/03-expenditure", "printed.project"), |p| loc(d, &p.file_key, "budget"));
    agree(
        out,
        "X-PROJECTS",
        place,
        format!("项目支出 ({} 自评报告)", v.projects.len()),
        ("Σ 全年执行数", crate::money::round(executed, 2)),
        ("{form:expenditure} 项目支出 合计", z(v.t03.total_of("project"))),
        Decimal::new(v.projects.len().max(1) as i64, 2),
        "万元",
    );
}

/// With no income but 财政拨款, each 项 of 公开03 is the sum of 公开05, 07 and 08.
fn x03_fiscal(d: &Department, v: &View, out: &mut Vec<Recon>) {
    let non_fiscal = ["superior_subsidy", "business", "operating", "affiliated", "other"];
    if non_fiscal.iter().any(|k| v.t02.total_of(k).is_some_and(|x| !x.is_zero())) {
        return;
    }
    // A carry-over that is not 财政拨款 (公开01 年初结转和结余 above 公开04's 年初财政拨款结转和结余)
    // pays for 公开03 spending that no 财政拨款 form shows.
    if z(v.t01.opening_balance) > z(v.t04.opening[0]) || z(v.t01.non_fiscal_balance_used) > Decimal::ZERO {
        return;
    }
    for (i, row) in d.t03.rows.iter().enumerate().filter(|(_, r)| r.code.len() == 7) {
        for (key, label) in [("basic", "基本支出"), ("project", "项目支出")] {
            let fiscal = z(v.t05.value(&row.code, key)) + z(v.t07.value(&row.code, key)) + z(v.t08.value(&row.code, key));
            agree(
                out,
                "X03-FISCAL",
                loc(d, "tables/03-expenditure", &format!("rows[{i}].{key}")),
                format!("{} {} {label}", row.code, row.name),
                ("{form:expenditure}", z(v.t03.value(&row.code, key))),
                ("{form:general_budget} + {form:gov_fund} + {form:soe_capital}", fiscal),
                Decimal::ZERO,
                "万元",
            );
        }
    }
}

/// The “三公” actuals cover at least the matching 基本支出 items of 公开06.
fn x09_06(d: &Department, v: &View, out: &mut Vec<Recon>) {
    let a = &v.t09.actual;
    let pairs = [
        ("abroad", "因公出国（境）费", a.abroad, &["30212"][..]),
        ("car_operation", "公务用车运行维护费", a.car_operation, &["30231"][..]),
        ("reception", "公务接待费", a.reception, &["30217"][..]),
        ("car_purchase", "公务用车购置费", a.car_purchase, &["30913", "31013"][..]),
    ];
    for (key, label, three, codes) in pairs {
        let basic: Decimal = codes.iter().map(|c| z(v.t06.by_code.get(*c).copied().flatten())).sum();
        if basic > z(three) {
            out.push(Recon {
                rule: "X09-06",
                loc: loc(d, "tables/09-three-public", &format!("actual.{key}")),
                subject: format!("{label}: {{form:three_public}} 决算数 must cover {{form:basic_detail}} {}", codes.join("+")),
                left: ("{form:three_public}".into(), z(three)),
                right: ("{form:basic_detail}".into(), basic),
                tol: Decimal::ZERO,
                unit: "万元",
                kept: false,
            });
        }
    }
}

const UP: &[&str] = &["增加", "增长", "上升", "提高", "新增", "增多", "扩大"];
const DOWN: &[&str] = &["减少", "下降", "降低", "压减", "缩减", "节约", "减小", "压缩"];

pub(crate) fn note(rule: &'static str, loc: Loc, severity: Severity, message: String) -> Diagnostic {
    Diagnostic { loc: Some(loc), file: None, severity, rule: Some(rule), message, hint: None }
}

fn plausibility(d: &Department, v: &View, out: &mut Vec<Diagnostic>) {
    let e = &v.expl;
    let fe = "explanation";
    let mut changes: Vec<(&crate::compute::Change, String, String)> = vec![
        (&e.total_income, "reasons.total".into(), "{section:total} 收入支出总计".into()),
        (&e.fiscal_income, "reasons.fiscal_total".into(), "{section:fiscal} 财政拨款收支总计".into()),
        (&e.general_budget, "reasons.general_budget".into(), "{section:general_budget} 一般公共预算财政拨款支出".into()),
        (&e.gov_fund_income, "reasons.gov_fund".into(), "{section:gov_fund} 政府性基金预算财政拨款收支".into()),
        (&e.three_actual, "reasons.three_public.total".into(), "{section:three_public} “三公”经费".into()),
        (&e.operating_funds_change, "reasons.operating_funds".into(), "{section:other(一)} 机关运行经费".into()),
    ];
    for c in &e.classes {
        changes.push((&c.change, format!("reasons.general_budget_by_class.{}", c.code), format!("{{section:general_budget}} {}", c.name)));
    }
    // Items whose prior year the data gives one by one; the car subtotal where it is given as one.
    let by_subtotal = d.explanation.prior_year.three_public.car_subtotal.is_some();
    for it in &e.three_items {
        if !(by_subtotal && it.key.starts_with("car_")) {
            changes.push((&it.change, format!("reasons.three_public.{}", it.key), format!("{{section:three_public}} {}", it.label)));
        }
    }
    if by_subtotal {
        changes.push((&e.three_car.change, "reasons.three_public.car_subtotal".into(), format!("{{section:three_public}} {}", e.three_car.label)));
    }
    // The 三公 total's change explained item by item counts as explained.
    let three_items_explained = e.three_items.iter().chain([&e.three_car]).any(|it| it.change.reason.is_some() && !z(it.change.change).is_zero());
    for (c, path, what) in changes {
        if three_items_explained && std::ptr::eq(c, &e.three_actual) && c.reason.is_none() {
            continue;
        }
        let delta = z(c.change);
        let place = loc(d, fe, &path);
        match &c.reason {
            Some(reason) => {
                let up = UP.iter().any(|w| reason.contains(w));
                let down = DOWN.iter().any(|w| reason.contains(w));
                let contradicts = (delta > Decimal::ZERO && down && !up) || (delta < Decimal::ZERO && up && !down);
                if contradicts {
                    out.push(note(
                        "PL-REASON",
                        place,
                        Severity::Warning,
                        format!(
                            "{what} {} from {}万元 last year to {}万元 (difference {}万元) but the reason given speaks of the opposite: “{reason}”",
                            if delta > Decimal::ZERO { "rose" } else { "fell" },
                            fmt_plain(z(c.prior)),
                            fmt_plain(c.current),
                            fmt_plain(delta)
                        ),
                    ));
                }
            }
            None if c.prior.is_some() && !delta.is_zero() => out.push(note(
                "PL-REASON-MISSING",
                place,
                Severity::Warning,
                format!(
                    "{what} changed from {}万元 last year to {}万元 (difference {}万元) but no 主要原因 is given",
                    fmt_plain(z(c.prior)),
                    fmt_plain(c.current),
                    fmt_plain(delta)
                ),
            )),
            None => {}
        }
    }
    // 公务用车 are some of the vehicles a department holds: never more than all of them.
    let held = d.explanation.three_public_details.car_operation.cars_held.map(|m| m.value);
    if let Some(held) = held.filter(|h| *h > e.vehicles) {
        out.push(note(
            "PL-VEHICLES",
            loc(d, fe, "three_public_details.car_operation.cars_held"),
            Severity::Error,
            format!(
                "公务用车保有量 in {{section:three_public(二)}} is {} 辆, more than all vehicles held ({{form:statistics|section:other}} 车辆数合计 {} 辆; difference {})",
                fmt_plain(held),
                fmt_plain(e.vehicles),
                fmt_plain(held - e.vehicles)
            ),
        ));
    }
    let operating = z(v.t09.actual.car_operation);
    if operating > Decimal::ZERO && e.vehicles.is_zero() && held.is_none_or(|h| h.is_zero()) {
        out.push(note(
            "PL-VEHICLES",
            loc(d, "tables/09-three-public", "actual.car_operation"),
            Severity::Warning,
            format!("公务用车运行维护费 {}万元 is spent but no vehicle is held", fmt_plain(operating)),
        ));
    }
    // First project of each name (one pass: a province's batch holds thousands).
    let mut first_of: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for p in &d.projects {
        let first = *first_of.entry(p.name.as_str()).or_insert(p.id.as_str());
        if first != p.id.as_str() {
            out.push(note(
                "PL-DUP-NAME",
                loc(d, &p.file_key, "name"),
                Severity::Warning,
                format!("project name “{}” is also used by {first}; readers cannot tell the reports apart", p.name),
            ));
        }
    }
}

fn projects(d: &Department, v: &View, out: &mut Vec<Recon>, notes: &mut Vec<Diagnostic>) {
    for (p, pv) in d.projects.iter().zip(&v.projects) {
        let f = p.file_key.as_str();
        agree(
            out,
            "P-WEIGHT",
            loc(d, f, "indicators"),
            format!("{} indicator weights", p.name),
            ("Σ 权重", pv.indicator_weight),
            ("expected", Decimal::from(90)),
            Decimal::ZERO,
            "分",
        );
        for (i, ind) in pv.indicators.iter().enumerate() {
            if ind.score > ind.weight {
                notes.push(note(
                    "P-SCORE-RANGE",
                    loc(d, f, &format!("indicators[{i}].score")),
                    Severity::Error,
                    format!(
                        "{}: indicator “{}” scores {}分, above its weight {}分 (difference {}分)",
                        p.name,
                        ind.ind.name,
                        fmt_plain(ind.score),
                        fmt_plain(ind.weight),
                        fmt_plain(ind.score - ind.weight)
                    ),
                ));
            }
        }
        if z(pv.total.executed) > z(pv.total.annual_budget) {
            notes.push(note(
                "P-OVERSPEND",
                loc(d, f, "budget.sources"),
                Severity::Warning,
                format!(
                    "{}: 全年执行数 {}元 exceeds 全年预算数 {}元 (difference {}元)",
                    p.name,
                    fmt_plain(z(pv.total.executed)),
                    fmt_plain(z(pv.total.annual_budget)),
                    fmt_plain(z(pv.total.executed) - z(pv.total.annual_budget))
                ),
            ));
        }
    }
}

fn grade_findings(d: &Department, v: &View) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (p, pv) in d.projects.iter().zip(&v.projects) {
        let Some(g) = &p.printed.grade else { continue };
        if *g != pv.grade {
            out.push(Diagnostic {
                loc: Some(loc(d, &p.file_key, "printed.grade")),
                file: None,
                severity: Severity::Error,
                rule: Some("P-GRADE"),
                message: format!(
                    "{}: printed grade “{g}” ≠ computed “{}” for 总得分 {}",
                    p.name,
                    pv.grade,
                    fmt_plain(pv.total_score)
                ),
                hint: None,
            });
        }
    }
    out
}
