//! 第三部分 情况说明: every figure of the explanatory prose — 占比, 增减额, 增长率, 完成年初预算的% —
//! computed from the tables and the prior-year / 年初预算 inputs.

use super::tables::{class_label, CodeTableView, T01View, T04View, T06View, T09View, T10View};
use super::{sum, wan, z, Ctx, ProjectView};
use crate::model::{ExplPrinted, PriorThree};
use crate::money::{percent, Money, Unit};
use rust_decimal::Decimal;
use serde::Serialize;

const FE: &str = "explanation";

/// The computed tables the prose draws on.
pub(crate) struct Inputs<'a> {
    pub t01: &'a T01View,
    pub t03: &'a CodeTableView,
    pub t04: &'a T04View,
    pub t05: &'a CodeTableView,
    pub t06: &'a T06View,
    pub t07: &'a CodeTableView,
    pub t08: &'a CodeTableView,
    pub t09: &'a T09View,
    pub t10: &'a T10View,
    pub projects: &'a [ProjectView],
}

/// 增减变动 — a figure compared with last year.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// This year.
    pub current: Decimal,
    /// Last year (`None` when not given).
    pub prior: Option<Decimal>,
    /// 增减额 (signed).
    pub change: Option<Decimal>,
    /// 增长率 in % (signed; `None` when last year was zero or not given).
    pub growth: Option<Decimal>,
    /// `up`, `down`, `same`, `new` (last year zero) or `none` (no prior figure).
    pub direction: &'static str,
    /// 主要原因
    pub reason: Option<String>,
}

impl Change {
    fn new(current: Option<Decimal>, prior: Option<Decimal>, reason: Option<&String>) -> Change {
        let current = z(current);
        let change = prior.map(|p| current - p);
        let growth = prior.and_then(|p| percent(current - p, p));
        let direction = match (prior, change) {
            (None, _) => "none",
            (Some(p), Some(c)) if p.is_zero() && !c.is_zero() => "new",
            (_, Some(c)) if c.is_sign_positive() && !c.is_zero() => "up",
            (_, Some(c)) if c.is_zero() => "same",
            _ => "down",
        };
        Change { current, prior, change, growth, direction, reason: reason.cloned() }
    }
}

/// A part of a whole with its 占比.
#[derive(Debug, Clone, Serialize)]
pub struct Part {
    /// Label, e.g. 财政拨款收入.
    pub label: String,
    /// Amount.
    pub amount: Decimal,
    /// 占比 in %.
    pub share: Option<Decimal>,
}

/// A 类 of 一般公共预算财政拨款支出.
#[derive(Debug, Clone, Serialize)]
pub struct ClassView {
    /// 类 code.
    pub code: String,
    /// Name.
    pub name: String,
    /// 支出决算
    pub amount: Decimal,
    /// 占比 of the 一般公共预算 total.
    pub share: Option<Decimal>,
    /// 年初预算
    pub budget: Option<Decimal>,
    /// 完成年初预算的 %
    pub completion: Option<Decimal>,
    /// vs last year.
    pub change: Change,
    /// 用于
    pub r#use: Option<String>,
    /// 决算数大于（小于）年初预算数的主要原因
    pub vs_budget: Option<String>,
}

/// A 项 of a 科目 table explained on its own (the Shanghai 五(三), 八, 九): 年初 or 全年预算,
/// 决算, 完成%, what it was used for and why it differs from the budget.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    /// 项 code.
    pub code: String,
    /// “类（类）款（款）项（项）” names from the table.
    pub label: String,
    /// 支出决算
    pub amount: Decimal,
    /// 年初预算
    pub budget: Option<Decimal>,
    /// 全年预算
    pub full_year: Option<Decimal>,
    /// `全年预算` when the 全年预算 is given, else `年初预算`: what the figures are compared with.
    pub basis: &'static str,
    /// 完成 % of that basis.
    pub completion: Option<Decimal>,
    /// `more`, `less` or `same` than the basis (`none` without a budget).
    pub direction: &'static str,
    /// 主要用于
    pub r#use: Option<String>,
    /// 决算数大于（小于）预算数的主要原因
    pub reason: Option<String>,
}

/// A “三公” item.
#[derive(Debug, Clone, Serialize)]
pub struct ThreeItemView {
    /// Key (`abroad` …).
    pub key: &'static str,
    /// Label.
    pub label: &'static str,
    /// 预算数
    pub budget: Decimal,
    /// 决算数 vs last year.
    pub change: Change,
    /// 完成全年预算的 %
    pub completion: Option<Decimal>,
    /// 占“三公”经费决算的 %
    pub share: Option<Decimal>,
    /// 决算数大于（小于）预算数的主要原因
    pub vs_budget: Option<String>,
    /// 决算数 `more`, `less`, `same` than the 预算数
    pub budget_direction: &'static str,
}

/// 第三部分 情况说明, computed.
#[derive(Debug, Clone, Serialize)]
pub struct ExplView {
    /// 一、收入总计 vs last year.
    pub total_income: Change,
    /// 一、支出总计 vs last year.
    pub total_expenditure: Change,
    /// 二、收入合计
    pub income_total: Decimal,
    /// 二、parts with 占比
    pub income_parts: Vec<Part>,
    /// 三、支出合计
    pub expenditure_total: Decimal,
    /// 三、parts with 占比
    pub expenditure_parts: Vec<Part>,
    /// 四、财政拨款收入总计
    pub fiscal_income: Change,
    /// 四、财政拨款支出总计
    pub fiscal_expenditure: Change,
    /// 五(一) 一般公共预算财政拨款支出
    pub general_budget: Change,
    /// 五(一) 占本年支出合计的 %
    pub general_budget_share: Option<Decimal>,
    /// 五(二)(三) by 类
    pub classes: Vec<ClassView>,
    /// 五(三) 年初预算 (sum of the 类 budgets)
    pub general_budget_budget: Decimal,
    /// 五(三) 完成年初预算的 %
    pub general_budget_completion: Option<Decimal>,
    /// 五(三) 全年预算 (sum of the 项 全年预算; none when not given)
    pub general_budget_full_year: Option<Decimal>,
    /// 五(三) 决算数大于（小于）预算数的主要原因
    pub general_budget_vs_budget: Option<String>,
    /// 五(三) 完成 % of the 全年预算 where it is given, else of the 年初预算
    pub general_budget_base_completion: Option<Decimal>,
    /// 五(三) `more`, `less`, `same` than that budget
    pub general_budget_base_direction: &'static str,
    /// 五(三) by 项
    pub items: Vec<ItemView>,
    /// 政府性基金 by 项
    pub gov_fund_items: Vec<ItemView>,
    /// 国有资本经营 by 项
    pub soe_capital_items: Vec<ItemView>,
    /// 六、基本支出 (人员经费 + 公用经费 of 公开06)
    pub basic_total: Decimal,
    /// 六、人员经费
    pub personnel: Decimal,
    /// 六、公用经费
    pub public: Decimal,
    /// 人员经费主要包括
    pub personnel_use: Option<String>,
    /// 公用经费主要包括
    pub public_use: Option<String>,
    /// 七、政府性基金 收入总计
    pub gov_fund_income: Change,
    /// 七、政府性基金 支出总计
    pub gov_fund_expenditure: Change,
    /// 八、国有资本经营预算财政拨款支出
    pub soe_capital: Change,
    /// 九、“三公” 预算数
    pub three_budget: Decimal,
    /// 九、“三公” 决算数 vs last year
    pub three_actual: Change,
    /// 九、完成全年预算的 %
    pub three_completion: Option<Decimal>,
    /// 九、by item
    pub three_items: Vec<ThreeItemView>,
    /// 九、公务用车购置及运行维护费 as one item
    pub three_car: ThreeItemView,
    /// 九、“三公” 决算数小于（大于）预算数的主要原因
    pub three_vs_budget: Option<String>,
    /// 九、决算数 `more`, `less`, `same` than the 预算数
    pub three_budget_direction: &'static str,
    /// 九(二) details as entered.
    pub three_details: crate::model::ThreeDetails,
    /// 九(二) 公务接待 total amount
    pub reception_total: Decimal,
    /// 十(一) 机关运行经费
    pub operating_funds: Decimal,
    /// 机关运行经费 vs last year
    pub operating_funds_change: Change,
    /// 政府采购 details (中小企业, 小微企业) as entered
    pub procurement_details: crate::model::ProcurementDetails,
    /// 十(二) 政府采购 total, goods, works, services
    pub procurement: Vec<Decimal>,
    /// 授予中小企业合同金额
    pub sme: Decimal,
    /// … 占政府采购支出总额的 %
    pub sme_share: Option<Decimal>,
    /// 授予小微企业合同金额
    pub small_micro: Decimal,
    /// 十(三) 截至 date
    pub assets_date: String,
    /// 十(三) 车辆
    pub vehicles: Decimal,
    /// 十(三) 设备
    pub equipment: Decimal,
    /// 十(四) projects assessed
    pub project_count: usize,
    /// 十(四) 项目支出 amount (万元) and by kind: total, 一般公共预算, 政府性基金, 国有资本经营
    pub project_amounts: Vec<Decimal>,
    /// 十(四) counts by grade, in the order of the layout's scale
    pub grades: Vec<usize>,
    /// 预算绩效 inputs.
    pub performance: crate::model::Performance,
    /// 其他需要说明的事项
    pub other_matters: Option<String>,
}

/// Computes the 情况说明 figures and compares the printed ones.
pub(crate) fn explanation(cx: &mut Ctx, i: &Inputs) -> ExplView {
    let e = cx.d.explanation.clone();
    let py = &e.prior_year;
    let r = &e.reasons;
    let total_income = Change::new(i.t01.income_grand_total, wan(py.total), r.total.as_ref());
    let total_expenditure = Change::new(i.t01.expenditure_grand_total, wan(py.total), r.total.as_ref());
    let income_total = z(i.t01.income_total);
    let income_parts = parts(
        income_total,
        [
            ("财政拨款收入", sum(i.t01.income[..3].iter().map(|l| l.values[0]))),
            ("上级补助收入", i.t01.income[3].values[0]),
            ("事业收入", i.t01.income[4].values[0]),
            ("经营收入", i.t01.income[5].values[0]),
            ("附属单位上缴收入", i.t01.income[6].values[0]),
            ("其他收入", i.t01.income[7].values[0]),
        ],
    );
    let expenditure_total = z(i.t03.total_of("total"));
    let expenditure_parts = parts(
        expenditure_total,
        [
            ("基本支出", i.t03.total_of("basic")),
            ("项目支出", i.t03.total_of("project")),
            ("上缴上级支出", i.t03.total_of("remit_upper")),
            ("经营支出", i.t03.total_of("operating")),
            ("对附属单位补助支出", i.t03.total_of("affiliated_subsidy")),
        ],
    );
    let fiscal_income = Change::new(i.t04.income_grand_total, wan(py.fiscal_total), r.fiscal_total.as_ref());
    let fiscal_expenditure = Change::new(i.t04.expenditure_grand_total[0], wan(py.fiscal_total), r.fiscal_total.as_ref());
    let gb_amount = i.t05.total_of("total");
    let general_budget = Change::new(gb_amount, wan(py.general_budget), r.general_budget.as_ref());
    let general_budget_share = percent(z(gb_amount), z(i.t01.expenditure_total));
    let classes: Vec<ClassView> = i
        .t05
        .classes()
        .map(|row| {
            let amount = z(row.cells[0]);
            let budget = wan(e.annual_budget.general_budget_by_class.get(&row.code).copied());
            ClassView {
                code: row.code.clone(),
                name: row.name.clone(),
                amount,
                share: percent(amount, z(gb_amount)),
                budget,
                completion: budget.and_then(|b| percent(amount, b)),
                change: Change::new(
                    Some(amount),
                    wan(py.general_budget_by_class.get(&row.code).copied()),
                    r.general_budget_by_class.get(&row.code),
                ),
                r#use: e.uses.general_budget_by_class.get(&row.code).cloned(),
                vs_budget: r.general_budget_vs_budget_by_class.get(&row.code).cloned(),
            }
        })
        .collect();
    let ab = &e.annual_budget;
    let items = project_items(i.t05, &ab.general_budget_by_item, &e.full_year_budget.general_budget_by_item, &e.uses.general_budget_by_item, &r.general_budget_by_item);
    let none = std::collections::BTreeMap::new();
    let gov_fund_items = project_items(i.t07, &ab.gov_fund_by_item, &none, &e.uses.gov_fund_by_item, &r.gov_fund_by_item);
    let soe_capital_items = project_items(i.t08, &ab.soe_capital_by_item, &none, &e.uses.soe_capital_by_item, &r.soe_capital_by_item);
    // 年初预算: by 类 where the layout explains 类, by 项 where it explains 项.
    let general_budget_budget = if ab.general_budget_by_class.is_empty() {
        items.iter().map(|c| z(c.budget)).sum::<Decimal>()
    } else {
        classes.iter().map(|c| z(c.budget)).sum::<Decimal>()
    };
    let general_budget_full_year = sum(items.iter().map(|c| c.full_year));
    // What 五(三) compares with: the 全年预算 where given, else the 年初预算.
    let base_budget = general_budget_full_year.unwrap_or(general_budget_budget);
    let personnel = z(i.t06.personnel_total);
    let public = z(i.t06.public_total);
    let gov_fund_income = Change::new(
        sum([i.t07.total_of("opening"), i.t07.total_of("income")]),
        wan(py.gov_fund),
        r.gov_fund.as_ref(),
    );
    let gov_fund_expenditure = Change::new(
        sum([i.t07.total_of("total"), i.t07.total_of("closing")]),
        wan(py.gov_fund),
        r.gov_fund.as_ref(),
    );
    let soe_capital = Change::new(i.t08.total_of("total"), wan(py.soe_capital), r.soe_capital.as_ref());
    let (three_actual, three_items, three_car, three_budget) = three(i.t09, &py.three_public, &e);
    let three_direction = direction_against(three_actual.current, three_budget);
    let det = &e.three_public_details.reception;
    let reception_total = z(wan(det.domestic.amount)) + z(wan(det.overseas.amount));
    let proc = &i.t10.procurement;
    let procurement: Vec<Decimal> = proc.iter().map(|v| z(*v)).collect();
    let sme = z(wan(e.procurement.sme_contracts));
    let mut grades = vec![0usize; cx.d.layout.spec.grades.len()];
    for p in i.projects {
        grades[p.grade_index] += 1;
    }
    let view = ExplView {
        total_income,
        total_expenditure,
        income_total,
        income_parts,
        expenditure_total,
        expenditure_parts,
        fiscal_income,
        fiscal_expenditure,
        general_budget,
        general_budget_share,
        general_budget_completion: percent(z(gb_amount), general_budget_budget),
        classes,
        general_budget_budget,
        general_budget_full_year,
        general_budget_vs_budget: r.general_budget_vs_budget.clone(),
        general_budget_base_completion: percent(z(gb_amount), base_budget),
        general_budget_base_direction: direction_against(z(gb_amount), base_budget),
        items,
        gov_fund_items,
        soe_capital_items,
        basic_total: personnel + public,
        personnel,
        public,
        personnel_use: e.uses.personnel.clone(),
        public_use: e.uses.public.clone(),
        gov_fund_income,
        gov_fund_expenditure,
        soe_capital,
        three_completion: percent(three_actual.current, three_budget),
        three_budget,
        three_actual,
        three_items,
        three_car,
        three_vs_budget: r.three_public_vs_budget.total.clone(),
        three_budget_direction: three_direction,
        three_details: e.three_public_details.clone(),
        reception_total,
        operating_funds: i.t10.operating_funds.iter().map(|v| z(*v)).sum(),
        operating_funds_change: Change::new(sum(i.t10.operating_funds.iter().copied()), wan(py.operating_funds), r.operating_funds.as_ref()),
        procurement_details: e.procurement.clone(),
        sme_share: percent(sme, procurement[0]),
        procurement,
        sme,
        small_micro: z(wan(e.procurement.small_micro_contracts)),
        assets_date: format!("{}年12月31日", cx.d.info.year),
        vehicles: z(i.t10.vehicles_total),
        equipment: z(i.t10.equipment),
        project_count: i.projects.len(),
        project_amounts: vec![
            z(i.t03.total_of("project")),
            z(i.t05.total_of("project")),
            z(i.t07.total_of("project")),
            z(i.t08.total_of("project")),
        ],
        grades,
        performance: e.performance.clone(),
        other_matters: e.other_matters.clone(),
    };
    compare_printed(cx, &view, &e.printed);
    view
}

fn parts<const N: usize>(whole: Decimal, items: [(&str, Option<Decimal>); N]) -> Vec<Part> {
    items
        .into_iter()
        .filter_map(|(l, v)| v.filter(|v| !v.is_zero()).map(|v| (l, v)))
        .map(|(l, v)| Part { label: l.to_string(), amount: v, share: percent(v, whole) })
        .collect()
}

fn three(t09: &T09View, prior: &PriorThree, e: &crate::model::Explanation) -> (Change, Vec<ThreeItemView>, ThreeItemView, Decimal) {
    let r = &e.reasons.three_public;
    let rb = &e.reasons.three_public_vs_budget;
    let actual_total = z(t09.actual.total);
    let item = |key: &'static str, label: &'static str, b: Option<Decimal>, a: Option<Decimal>, p: Option<Decimal>, reason: &Option<String>, vs: &Option<String>| ThreeItemView {
        key,
        label,
        budget: z(b),
        completion: percent(z(a), z(b)),
        share: percent(z(a), actual_total),
        // A blank prior-year item is unknown, not zero.
        change: Change::new(a, p, reason.as_ref()),
        vs_budget: vs.clone(),
        budget_direction: direction_against(z(a), z(b)),
    };
    let views = vec![
        item("abroad", "因公出国（境）费", t09.budget.abroad, t09.actual.abroad, wan(prior.abroad), &r.abroad, &rb.abroad),
        item("car_purchase", "公务用车购置费", t09.budget.car_purchase, t09.actual.car_purchase, wan(prior.car_purchase), &r.car_purchase, &rb.car_purchase),
        item("car_operation", "公务用车运行维护费", t09.budget.car_operation, t09.actual.car_operation, wan(prior.car_operation), &r.car_operation, &rb.car_operation),
        item("reception", "公务接待费", t09.budget.reception, t09.actual.reception, wan(prior.reception), &r.reception, &rb.reception),
    ];
    // The car subtotal's prior year: as given, else the two car items when both are known.
    let car_prior = wan(prior.car_subtotal).or_else(|| match (wan(prior.car_purchase), wan(prior.car_operation)) {
        (Some(a), Some(b)) => Some(a + b),
        _ => None,
    });
    let car = item("car_subtotal", "公务用车购置及运行维护费", t09.budget.car_subtotal, t09.actual.car_subtotal, car_prior, &r.car_subtotal, &rb.car_subtotal);
    // The total's prior year is known when every part of it is.
    let prior_total = match (wan(prior.abroad), car.change.prior, wan(prior.reception)) {
        (Some(a), Some(c), Some(rc)) => Some(a + c + rc),
        _ => None,
    };
    let actual = Change::new(t09.actual.total, prior_total, r.total.as_ref());
    (actual, views, car, z(t09.budget.total))
}

/// `more`, `less` or `same`: an actual figure against its budget.
fn direction_against(actual: Decimal, budget: Decimal) -> &'static str {
    match actual.cmp(&budget) {
        std::cmp::Ordering::Greater => "more",
        std::cmp::Ordering::Less => "less",
        std::cmp::Ordering::Equal => "same",
    }
}

/// The 项 rows of a 科目 table with their budgets, uses and reasons.
fn project_items(
    t: &CodeTableView,
    budget: &std::collections::BTreeMap<String, Money>,
    full_year: &std::collections::BTreeMap<String, Money>,
    uses: &std::collections::BTreeMap<String, String>,
    reasons: &std::collections::BTreeMap<String, String>,
) -> Vec<ItemView> {
    let name = |code: &str| t.index.get(code).map(|&i| t.rows[i].name.clone()).unwrap_or_default();
    t.rows
        .iter()
        .filter(|r| r.level == 3)
        .map(|row| {
            let amount = z(t.value(&row.code, "total"));
            let b = wan(budget.get(&row.code).copied());
            let f = wan(full_year.get(&row.code).copied());
            let (basis, base) = if f.is_some() { ("全年预算", f) } else { ("年初预算", b) };
            let direction = base.map_or("none", |x| direction_against(amount, x));
            ItemView {
                code: row.code.clone(),
                label: format!("{}（类）{}（款）{}（项）", name(&row.code[..3]), name(&row.code[..5]), row.name),
                amount,
                budget: b,
                full_year: f,
                basis,
                completion: base.and_then(|x| percent(amount, x)),
                direction,
                r#use: uses.get(&row.code).cloned(),
                reason: reasons.get(&row.code).cloned(),
            }
        })
        .collect()
}

/// Compares each figure printed in the prose with the computed one.
fn compare_printed(cx: &mut Ctx, v: &ExplView, p: &ExplPrinted) {
    let amt = |cx: &mut Ctx, rule: &'static str, key: &str, what: &str, computed: Decimal, printed: Option<Money>| {
        cx.compare(rule, FE, &format!("printed.{key}"), || format!("{what}"), Some(computed), printed, Unit::Wan, Decimal::ZERO);
    };
    let rate = |cx: &mut Ctx, rule: &'static str, key: &str, what: &str, computed: Option<Decimal>, printed: Option<Money>| {
        cx.compare_rate(rule, FE, &format!("printed.{key}"), || format!("{what}"), computed, printed, "%");
    };
    let ch = |c: &Change| c.change.unwrap_or_default();
    // A figure that rose from a zero base is printed “增长100%” by convention: taken as agreeing.
    let growth = |c: &Change| c.growth.or_else(|| (c.direction == "new").then(|| Decimal::ONE_HUNDRED));
    amt(cx, "E-TOTAL", "total", "{section:total} 收入总计", v.total_income.current, p.total);
    amt(cx, "E-TOTAL", "total_change", "{section:total} 收入总计增减额", ch(&v.total_income), p.total_change);
    rate(cx, "E-TOTAL", "total_growth", "{section:total} 收入总计增长率", growth(&v.total_income), p.total_growth);
    amt(cx, "E-INCOME", "income_total", "{section:income} 收入合计", v.income_total, p.income_total);
    let fiscal = v.income_parts.iter().find(|x| x.label == "财政拨款收入");
    amt(cx, "E-INCOME", "fiscal_income", "{section:income} 财政拨款收入", fiscal.map_or(Decimal::ZERO, |x| x.amount), p.fiscal_income);
    rate(cx, "E-INCOME", "fiscal_income_share", "{section:income} 财政拨款收入占比", fiscal.and_then(|x| x.share), p.fiscal_income_share);
    amt(cx, "E-EXPENDITURE", "expenditure_total", "{section:expenditure} 支出合计", v.expenditure_total, p.expenditure_total);
    for (label, key) in [("基本支出", "basic"), ("项目支出", "project")] {
        let part = v.expenditure_parts.iter().find(|x| x.label == label);
        amt(cx, "E-EXPENDITURE", key, &format!("{{section:expenditure}} {label}"), part.map_or(Decimal::ZERO, |x| x.amount), if key == "basic" { p.basic } else { p.project });
        let printed = if key == "basic" { p.basic_share } else { p.project_share };
        rate(cx, "E-EXPENDITURE", &format!("{key}_share"), &format!("{{section:expenditure}} {label}占比"), part.and_then(|x| x.share), printed);
    }
    amt(cx, "E-FISCAL", "fiscal_total", "{section:fiscal} 财政拨款收入总计", v.fiscal_income.current, p.fiscal_total);
    amt(cx, "E-FISCAL", "fiscal_change", "{section:fiscal} 财政拨款收入总计增减额", ch(&v.fiscal_income), p.fiscal_change);
    rate(cx, "E-FISCAL", "fiscal_growth", "{section:fiscal} 财政拨款收入总计增长率", growth(&v.fiscal_income), p.fiscal_growth);
    amt(cx, "E-GENERAL", "general_budget", "{section:general_budget} 一般公共预算财政拨款支出", v.general_budget.current, p.general_budget);
    rate(cx, "E-GENERAL", "general_budget_share", "{section:general_budget} 占本年支出合计的比例", v.general_budget_share, p.general_budget_share);
    amt(cx, "E-GENERAL", "general_budget_change", "{section:general_budget} 一般公共预算财政拨款支出增减额", ch(&v.general_budget), p.general_budget_change);
    rate(cx, "E-GENERAL", "general_budget_growth", "{section:general_budget} 一般公共预算财政拨款支出增长率", growth(&v.general_budget), p.general_budget_growth);
    if let Some(pb) = p.general_budget_budget {
        let loc = cx.loc(FE, "printed.general_budget_budget");
        cx.must_agree(
            "E-BUDGET",
            loc,
            "{section:general_budget(三)} 年初预算".into(),
            ("printed total", pb.in_unit(Unit::Wan)),
            (if cx.d.explanation.annual_budget.general_budget_by_class.is_empty() { "sum of the 项 budgets" } else { "sum of the 类 budgets" }, v.general_budget_budget),
            Decimal::new(v.classes.len().max(v.items.len()).max(1) as i64, 2),
            "万元",
        );
    }
    rate(cx, "E-BUDGET", "general_budget_completion", "{section:general_budget(三)} 完成年初预算的比例", v.general_budget_completion, p.general_budget_completion);
    if let Some(pf) = p.general_budget_full_year {
        let loc = cx.loc(FE, "printed.general_budget_full_year");
        cx.must_agree(
            "E-BUDGET",
            loc,
            "{section:general_budget(三)} 全年预算".into(),
            ("printed total", pf.in_unit(Unit::Wan)),
            ("sum of the 项 全年预算", z(v.general_budget_full_year)),
            Decimal::new(v.items.len().max(1) as i64, 2),
            "万元",
        );
    }
    for (code, pi) in &p.by_item {
        let what = format!("{{section:general_budget(三)}} {code}");
        let Some(it) = v.items.iter().find(|c| &c.code == code) else {
            let loc = cx.loc(FE, &format!("printed.by_item.{code}"));
            cx.must_agree("E-ITEM", loc, format!("{what}"), ("printed", z(wan(pi.amount))), ("{form:general_budget} (no such 项)", Decimal::ZERO), Decimal::ZERO, "万元");
            continue;
        };
        let base = format!("by_item.{code}");
        let basis = if it.full_year.is_some() { it.full_year } else { it.budget };
        amt(cx, "E-ITEM", &format!("{base}.amount"), &format!("{what} 支出决算 ({{form:general_budget}})"), it.amount, pi.amount);
        amt(cx, "E-ITEM", &format!("{base}.budget"), &format!("{what} {}", it.basis), z(basis), pi.budget);
        rate(cx, "E-ITEM", &format!("{base}.completion"), &format!("{what} 完成{}的比例", it.basis), it.completion, pi.completion);
    }
    for (code, pc) in &p.by_class {
        let Some(c) = v.classes.iter().find(|c| &c.code == code) else {
            let loc = cx.loc(FE, &format!("printed.by_class.{code}"));
            cx.must_agree("E-GENERAL", loc, format!("{{section:general_budget}} {}", class_label(code)), ("printed", z(wan(pc.amount))), ("{form:general_budget}", Decimal::ZERO), Decimal::ZERO, "万元");
            continue;
        };
        let base = format!("by_class.{code}");
        let what = format!("{{section:general_budget}} {}", class_label(code));
        amt(cx, "E-GENERAL", &format!("{base}.amount"), &format!("{what} 支出决算"), c.amount, pc.amount);
        rate(cx, "E-GENERAL", &format!("{base}.share"), &format!("{what} 占比"), c.share, pc.share);
        amt(cx, "E-GENERAL", &format!("{base}.budget"), &format!("{what} 年初预算"), z(c.budget), pc.budget);
        rate(cx, "E-GENERAL", &format!("{base}.completion"), &format!("{what} 完成年初预算的比例"), c.completion, pc.completion);
        amt(cx, "E-GENERAL", &format!("{base}.change"), &format!("{what} 增减额"), ch(&c.change), pc.change);
        rate(cx, "E-GENERAL", &format!("{base}.growth"), &format!("{what} 增长率"), growth(&c.change), pc.growth);
    }
    // The figures of 公开06's two 合计 rows: the same 尾数差 tail as X05-06.
    let tail1 = |cx: &mut Ctx, key: &str, what: &str, computed: Decimal, printed: Option<Money>| {
        cx.compare("E-BASIC", FE, &format!("printed.{key}"), || format!("{what}"), Some(computed), printed, Unit::Wan, Decimal::new(1, 2));
    };
    tail1(cx, "basic_total", "{section:basic} 基本支出", v.basic_total, p.basic_total);
    tail1(cx, "personnel", "{section:basic} 人员经费", v.personnel, p.personnel);
    tail1(cx, "public", "{section:basic} 公用经费", v.public, p.public);
    amt(cx, "E-GOVFUND", "gov_fund", "{section:gov_fund} 政府性基金预算财政拨款收入总计", v.gov_fund_income.current, p.gov_fund);
    amt(cx, "E-GOVFUND", "gov_fund_change", "{section:gov_fund} 增减额", ch(&v.gov_fund_income), p.gov_fund_change);
    rate(cx, "E-GOVFUND", "gov_fund_growth", "{section:gov_fund} 增长率", growth(&v.gov_fund_income), p.gov_fund_growth);
    amt(cx, "E-THREE", "three_public_budget", "{section:three_public} “三公”经费全年预算", v.three_budget, p.three_public_budget);
    amt(cx, "E-THREE", "three_public_actual", "{section:three_public} “三公”经费支出决算", v.three_actual.current, p.three_public_actual);
    rate(cx, "E-THREE", "three_public_completion", "{section:three_public} 完成全年预算的比例", v.three_completion, p.three_public_completion);
    amt(cx, "E-THREE", "three_public_change", "{section:three_public} “三公”经费增减额", ch(&v.three_actual), p.three_public_change);
    rate(cx, "E-THREE", "three_public_growth", "{section:three_public} “三公”经费增长率", growth(&v.three_actual), p.three_public_growth);
    for (key, ip) in &p.three_public_items {
        let Some(it) = v.three_items.iter().chain([&v.three_car]).find(|t| t.key == key) else { continue };
        let base = format!("three_public_items.{key}");
        let what = format!("{{section:three_public}} {}", it.label);
        amt(cx, "E-THREE", &format!("{base}.actual"), &format!("{what} 支出决算"), it.change.current, ip.actual);
        rate(cx, "E-THREE", &format!("{base}.completion"), &format!("{what} 完成全年预算的比例"), it.completion, ip.completion);
        amt(cx, "E-THREE", &format!("{base}.change"), &format!("{what} 增减额"), ch(&it.change), ip.change);
        rate(cx, "E-THREE", &format!("{base}.growth"), &format!("{what} 增长率"), growth(&it.change), ip.growth);
        amt(cx, "E-THREE", &format!("{base}.budget"), &format!("{what} 预算数"), it.budget, ip.budget);
        rate(cx, "E-THREE", &format!("{base}.share"), &format!("{what} 占“三公”经费的比例"), it.share, ip.share);
    }
    amt(cx, "E-PROCUREMENT", "procurement_total", "{section:other(二)} 政府采购支出总额", v.procurement[0], p.procurement_total);
    for (i, (key, label)) in [("goods", "货物"), ("works", "工程"), ("services", "服务")].into_iter().enumerate() {
        let printed = match key {
            "goods" => p.procurement.goods,
            "works" => p.procurement.works,
            _ => p.procurement.services,
        };
        amt(cx, "E-PROCUREMENT", &format!("procurement.{key}"), &format!("{{section:other(二)}} 政府采购{label}支出 ({{form:statistics|section:other}})"), v.procurement[i + 1], printed);
    }
    rate(cx, "E-PROCUREMENT", "sme_share", "{section:other(二)} 中小企业合同占比", v.sme_share, p.sme_share);
    amt(cx, "E-OPERATING", "operating_funds", "{section:other(一)} 机关运行经费 ({form:statistics|section:other})", v.operating_funds, p.operating_funds);
    amt(cx, "E-OPERATING", "operating_funds_change", "{section:other(一)} 机关运行经费增减额", ch(&v.operating_funds_change), p.operating_funds_change);
    rate(cx, "E-OPERATING", "operating_funds_growth", "{section:other(一)} 机关运行经费增长率", growth(&v.operating_funds_change), p.operating_funds_growth);
    let count = |cx: &mut Ctx, rule: &'static str, key: &str, what: &str, computed: Decimal, printed: Option<Money>| {
        if let Some(pv) = printed {
            let loc = cx.loc(FE, &format!("printed.{key}"));
            cx.must_agree(rule, loc, format!("{what}"), ("printed", pv.value), ("computed", computed), Decimal::ZERO, "");
        }
    };
    count(cx, "E-ASSETS", "vehicles", "{section:other(三)} 车辆数 ({form:statistics|section:other})", v.vehicles, p.vehicles);
    count(cx, "E-ASSETS", "equipment", "{section:other(三)} 单价100万元以上设备 ({form:statistics|section:other})", v.equipment, p.equipment);
    if let Some(pp) = &p.performance {
        count(cx, "E-PERFORMANCE", "performance.projects", "{section:performance|section:other(四)} 自评项目个数 (projects/)", Decimal::from(v.project_count), pp.projects);
        amt(cx, "E-PERFORMANCE", "performance.amount", "{section:performance|section:other(四)} 自评项目资金 ({form:expenditure} 项目支出)", v.project_amounts[0], pp.amount);
        amt(cx, "E-PERFORMANCE", "performance.general_budget", "{section:performance|section:other(四)} 一般公共预算项目支出 ({form:general_budget})", v.project_amounts[1], pp.general_budget);
        amt(cx, "E-PERFORMANCE", "performance.gov_fund", "{section:performance|section:other(四)} 政府性基金预算项目支出 ({form:gov_fund})", v.project_amounts[2], pp.gov_fund);
        if let Some(g) = &pp.grades {
            for (idx, (key, value)) in [("优", g.excellent), ("良", g.good), ("中", g.fair), ("差", g.poor)].into_iter().enumerate() {
                count(
                    cx,
                    "E-PERFORMANCE",
                    &format!("performance.grades.{key}"),
                    &format!("{{section:performance|section:other(四)}} 自评等级为“{key}”的项目数 (projects/)"),
                    Decimal::from(v.grades.get(idx).copied().unwrap_or(0)),
                    value,
                );
            }
        }
    }
}
