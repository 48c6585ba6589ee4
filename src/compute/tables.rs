//! The ten 公开表: parent 科目 rows and totals from 项 rows, and the summary tables (01, 04)
//! assembled from the detail tables they restate.

use super::{add, sum, tail, wan, Ctx};
use crate::forms::{self, cn_number, CodeTableSpec};
use crate::model::{CodeTable, Cols};
use crate::money::Unit;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;

/// A computed 科目 table (公开02, 03, 05, 07, 08).
#[derive(Debug, Clone, Serialize)]
pub struct CodeTableView {
    /// Column keys in display order.
    pub keys: Vec<&'static str>,
    /// Column headers in display order.
    pub headers: Vec<&'static str>,
    /// Rows in input order.
    pub rows: Vec<CodeRowView>,
    /// The 合计 row.
    pub total: Vec<Option<Decimal>>,
    /// The 合计 row by column key.
    pub totals: std::collections::BTreeMap<&'static str, Option<Decimal>>,
    /// No rows at all (本表无数据).
    pub empty: bool,
    /// Row index by code.
    #[serde(skip)]
    pub index: HashMap<String, usize>,
}

/// A computed 科目 row.
#[derive(Debug, Clone, Serialize)]
pub struct CodeRowView {
    /// 科目代码
    pub code: String,
    /// 科目名称
    pub name: String,
    /// 1 类, 2 款, 3 项.
    pub level: u8,
    /// Cells in display order.
    pub cells: Vec<Option<Decimal>>,
    /// Cells by column key (what a layout's columns name).
    pub values: std::collections::BTreeMap<&'static str, Option<Decimal>>,
}

impl CodeTableView {
    fn idx(&self, key: &str) -> usize {
        self.keys.iter().position(|k| *k == key).unwrap_or_else(|| panic!("no column {key}"))
    }

    /// The 合计 of column `key`.
    pub fn total_of(&self, key: &str) -> Option<Decimal> {
        self.total[self.idx(key)]
    }

    /// Column `key` of the row with `code`.
    pub fn value(&self, code: &str, key: &str) -> Option<Decimal> {
        let i = self.idx(key);
        self.index.get(code).and_then(|&r| self.rows[r].cells[i])
    }

    /// The 类 rows.
    pub fn classes(&self) -> impl Iterator<Item = &CodeRowView> {
        self.rows.iter().filter(|r| r.level == 1)
    }
}

fn label(spec: &CodeTableSpec, key: &str) -> &'static str {
    if key == "total" {
        return spec.total_label;
    }
    spec.columns.iter().find(|(k, _)| *k == key).map_or("", |(_, l)| *l)
}

/// Computes a 科目 table: 项 rows as entered, 款/类 rows and 合计 as sums of 项 rows.
pub(crate) fn code_table(cx: &mut Ctx, spec: &CodeTableSpec, t: &CodeTable) -> CodeTableView {
    let keys: Vec<&'static str> = spec.display.to_vec();
    let leaf_cells = |row: &crate::model::CodeRow| -> Vec<Option<Decimal>> {
        let total = sum(spec.total_of.iter().map(|k| wan(row.get(k))));
        keys.iter().map(|k| if *k == "total" { total } else { wan(row.get(k)) }).collect()
    };
    // Sums of 项 rows per 类/款 prefix, and how many 项 rows each holds.
    let mut sums: HashMap<&str, (Vec<Option<Decimal>>, usize)> = HashMap::new();
    let mut grand = (vec![None; keys.len()], 0usize);
    for row in t.rows.iter().filter(|r| r.code.len() == 7) {
        let cells = leaf_cells(row);
        for prefix in [&row.code[..3], &row.code[..5]] {
            let e = sums.entry(prefix).or_insert_with(|| (vec![None; keys.len()], 0));
            accumulate(&mut e.0, &cells);
            e.1 += 1;
        }
        accumulate(&mut grand.0, &cells);
        grand.1 += 1;
    }
    let mut rows = Vec::with_capacity(t.rows.len());
    for (i, row) in t.rows.iter().enumerate() {
        let (level, mut cells, n) = match row.code.len() {
            7 => (3, leaf_cells(row), spec.total_of.len()),
            len => {
                let (c, n) = sums.get(row.code.as_str()).cloned().unwrap_or((vec![None; keys.len()], 0));
                (if len == 3 { 1 } else { 2 }, c, n)
            }
        };
        settle_cells(cx, spec, &keys, &mut cells, row.printed.as_ref(), &format!("rows[{i}].printed"), n, || {
            format!("{} {} {}", spec.form, row.code, row.name)
        });
        let values = keys.iter().copied().zip(cells.iter().copied()).collect();
        rows.push(CodeRowView { code: row.code.clone(), name: row.name.clone(), level, cells, values });
    }
    let (mut total, n) = grand;
    settle_cells(cx, spec, &keys, &mut total, t.printed.as_ref(), "printed", n, || format!("{} 合计", spec.form));
    let totals = keys.iter().copied().zip(total.iter().copied()).collect();
    CodeTableView {
        headers: keys.iter().map(|k| label(spec, k)).collect(),
        keys,
        index: rows.iter().enumerate().map(|(i, r)| (r.code.clone(), i)).collect(),
        rows,
        totals,
        total,
        empty: t.rows.is_empty(),
    }
}

fn accumulate(acc: &mut [Option<Decimal>], cells: &[Option<Decimal>]) {
    for (a, c) in acc.iter_mut().zip(cells) {
        *a = add(*a, *c);
    }
}

#[allow(clippy::too_many_arguments)]
fn settle_cells(
    cx: &mut Ctx,
    spec: &CodeTableSpec,
    keys: &[&'static str],
    cells: &mut [Option<Decimal>],
    printed: Option<&Cols>,
    path: &str,
    summed: usize,
    subject: impl Fn() -> String,
) {
    let Some(p) = printed else { return };
    for (i, key) in keys.iter().enumerate() {
        let tol = tail(summed);
        cells[i] = cx.settle(
            spec.rule,
            spec.file,
            &format!("{path}.{key}"),
            || format!("{} {}", subject(), label(spec, key)),
            cells[i],
            p.get(key),
            Unit::Wan,
            tol,
        );
    }
}

/// A labelled line of a summary table.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    /// Label as printed on the form (with numbering).
    pub label: String,
    /// 行次
    pub row: u32,
    /// Amount(s).
    pub values: Vec<Option<Decimal>>,
}

/// 公开01 收入支出决算总表.
#[derive(Debug, Clone, Serialize)]
pub struct T01View {
    /// Income rows 一–八 (rows 1–8).
    pub income: Vec<Line>,
    /// Expenditure rows by 类 (rows 32–57).
    pub expenditure: Vec<Line>,
    /// 本年收入合计
    pub income_total: Option<Decimal>,
    /// 本年支出合计
    pub expenditure_total: Option<Decimal>,
    /// 使用非财政拨款结余
    pub non_fiscal_balance_used: Option<Decimal>,
    /// 年初结转和结余
    pub opening_balance: Option<Decimal>,
    /// 结余分配
    pub surplus_distribution: Option<Decimal>,
    /// 年末结转和结余
    pub closing_balance: Option<Decimal>,
    /// 总计 (收入)
    pub income_grand_total: Option<Decimal>,
    /// 总计 (支出)
    pub expenditure_grand_total: Option<Decimal>,
}

const F01: &str = "tables/01-summary";

/// 公开01: income by kind (fiscal split entered; the rest from 公开02), expenditure by 类 from 公开03.
pub(crate) fn t01(cx: &mut Ctx, t02: &CodeTableView, t03: &CodeTableView) -> T01View {
    let s = &cx.d.t01;
    let fi = &s.fiscal_income;
    let names = [
        ("一般公共预算财政拨款收入", wan(fi.general_budget)),
        ("政府性基金预算财政拨款收入", wan(fi.gov_fund)),
        ("国有资本经营预算财政拨款收入", wan(fi.soe_capital)),
        ("上级补助收入", t02.total_of("superior_subsidy")),
        ("事业收入", t02.total_of("business")),
        ("经营收入", t02.total_of("operating")),
        ("附属单位上缴收入", t02.total_of("affiliated")),
        ("其他收入", t02.total_of("other")),
    ];
    let income: Vec<Line> = names
        .iter()
        .enumerate()
        .map(|(i, (n, v))| Line { label: format!("{}、{n}", cn_number(i + 1)), row: i as u32 + 1, values: vec![*v] })
        .collect();
    let mut by_class = Vec::new();
    for (i, c) in cx.d.layout.catalog.functional_classes.iter().enumerate() {
        let computed = t03.value(&c.code, "total");
        let shown = cx.settle(
            "T01-CLASS",
            F01,
            &format!("printed.by_class.{}", c.code),
            || format!("{{form:summary}} {} {} ({{form:expenditure}} 本年支出合计)", c.code, c.name),
            computed,
            s.printed.by_class.get(&c.code).copied(),
            Unit::Wan,
            Decimal::ZERO,
        );
        by_class.push(Line { label: format!("{}、{}", cn_number(i + 1), c.name), row: c.row, values: vec![shown] });
    }
    let p = s.printed.clone();
    let income_total = sum(income.iter().map(|l| l.values[0]));
    let income_total =
        cx.settle("T01-TOTAL", F01, "printed.income_total", || "{form:summary} 本年收入合计".into(), income_total, p.income_total, Unit::Wan, tail(8));
    let expenditure_total = t03.total_of("total");
    let expenditure_total = cx.settle(
        "T01-TOTAL",
        F01,
        "printed.expenditure_total",
        || "{form:summary} 本年支出合计 ({form:expenditure} 合计)".into(),
        expenditure_total,
        p.expenditure_total,
        Unit::Wan,
        Decimal::ZERO,
    );
    let income_grand = sum([income_total, wan(s.non_fiscal_balance_used), wan(s.opening_balance)]);
    let income_grand =
        cx.settle("T01-TOTAL", F01, "printed.income_grand_total", || "{form:summary} 收入总计".into(), income_grand, p.income_grand_total, Unit::Wan, tail(3));
    let exp_grand = sum([expenditure_total, wan(s.surplus_distribution), wan(s.closing_balance)]);
    let exp_grand = cx.settle(
        "T01-TOTAL",
        F01,
        "printed.expenditure_grand_total",
        || "{form:summary} 支出总计".into(),
        exp_grand,
        p.expenditure_grand_total,
        Unit::Wan,
        tail(3),
    );
    T01View {
        income,
        expenditure: by_class,
        income_total,
        expenditure_total,
        non_fiscal_balance_used: wan(s.non_fiscal_balance_used),
        opening_balance: wan(s.opening_balance),
        surplus_distribution: wan(s.surplus_distribution),
        closing_balance: wan(s.closing_balance),
        income_grand_total: income_grand,
        expenditure_grand_total: exp_grand,
    }
}

/// 公开04 财政拨款收入支出决算总表.
#[derive(Debug, Clone, Serialize)]
pub struct T04View {
    /// Income rows 一–三.
    pub income: Vec<Line>,
    /// 本年收入合计
    pub income_total: Option<Decimal>,
    /// 年初财政拨款结转和结余 (total, then by kind).
    pub opening: Vec<Option<Decimal>>,
    /// 总计 (收入)
    pub income_grand_total: Option<Decimal>,
    /// Expenditure by 类: [合计, 一般公共预算, 政府性基金, 国有资本经营].
    pub expenditure: Vec<Line>,
    /// 本年支出合计 by column.
    pub expenditure_total: Vec<Option<Decimal>>,
    /// 年末财政拨款结转和结余 by column.
    pub closing: Vec<Option<Decimal>>,
    /// 总计 (支出) by column.
    pub expenditure_grand_total: Vec<Option<Decimal>>,
}

const F04: &str = "tables/04-fiscal";

/// 公开04: income from 公开01's fiscal split, expenditure from 公开05 / 07 / 08.
pub(crate) fn t04(cx: &mut Ctx, t05: &CodeTableView, t07: &CodeTableView, t08: &CodeTableView) -> T04View {
    let d = cx.d;
    let fi = &d.t01.fiscal_income;
    let kinds = ["一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"];
    let inc = [wan(fi.general_budget), wan(fi.gov_fund), wan(fi.soe_capital)];
    let income: Vec<Line> = kinds
        .iter()
        .zip(inc)
        .enumerate()
        .map(|(i, (k, v))| Line { label: format!("{}、{k}", cn_number(i + 1)), row: i as u32 + 1, values: vec![v] })
        .collect();
    let p = d.t04.printed.clone();
    let income_total = cx.settle(
        "T04-TOTAL",
        F04,
        "printed.income_total",
        || "{form:fiscal_summary} 本年收入合计".into(),
        sum(inc),
        p.income_total,
        Unit::Wan,
        tail(3),
    );
    let open_k = [wan(d.t04.opening.general_budget), t07.total_of("opening"), wan(d.t04.opening.soe_capital)];
    let opening: Vec<Option<Decimal>> = std::iter::once(sum(open_k)).chain(open_k).collect();
    let income_grand = cx.settle(
        "T04-TOTAL",
        F04,
        "printed.income_grand_total",
        || "{form:fiscal_summary} 收入总计".into(),
        add(income_total, opening[0]),
        p.income_grand_total,
        Unit::Wan,
        tail(2),
    );
    let mut expenditure = Vec::new();
    for (i, c) in cx.d.layout.catalog.functional_classes.iter().enumerate() {
        let k = [t05.value(&c.code, "total"), t07.value(&c.code, "total"), t08.value(&c.code, "total")];
        let mut values: Vec<Option<Decimal>> = std::iter::once(sum(k)).chain(k).collect();
        if let Some(pc) = p.by_class.get(&c.code) {
            settle_kinds(cx, &format!("printed.by_class.{}", c.code), "T04-CLASS", &format!("{{form:fiscal_summary}} {} {}", c.code, c.name), &mut values, pc);
        }
        expenditure.push(Line { label: format!("{}、{}", cn_number(i + 1), c.name), row: c.row + 1, values });
    }
    let ek = [t05.total_of("total"), t07.total_of("total"), t08.total_of("total")];
    let mut expenditure_total: Vec<Option<Decimal>> = std::iter::once(sum(ek)).chain(ek).collect();
    if let Some(pc) = &p.expenditure_total {
        settle_kinds(cx, "printed.expenditure_total", "T04-TOTAL", "{form:fiscal_summary} 本年支出合计", &mut expenditure_total, pc);
    }
    let ck = [wan(d.t04.closing.general_budget), t07.total_of("closing"), wan(d.t04.closing.soe_capital)];
    let closing: Vec<Option<Decimal>> = std::iter::once(sum(ck)).chain(ck).collect();
    let mut grand: Vec<Option<Decimal>> = expenditure_total.iter().zip(&closing).map(|(a, b)| add(*a, *b)).collect();
    if let Some(pc) = &p.expenditure_grand_total {
        settle_kinds(cx, "printed.expenditure_grand_total", "T04-TOTAL", "{form:fiscal_summary} 支出总计", &mut grand, pc);
    }
    T04View {
        income,
        income_total,
        opening,
        income_grand_total: income_grand,
        expenditure,
        expenditure_total,
        closing,
        expenditure_grand_total: grand,
    }
}

fn settle_kinds(cx: &mut Ctx, path: &str, rule: &'static str, subject: &str, values: &mut [Option<Decimal>], p: &crate::model::KindCols) {
    let cols = [
        ("total", "合计", p.total),
        ("general_budget", "一般公共预算财政拨款", p.general_budget),
        ("gov_fund", "政府性基金预算财政拨款", p.gov_fund),
        ("soe_capital", "国有资本经营预算财政拨款", p.soe_capital),
    ];
    for (i, (key, lab, printed)) in cols.into_iter().enumerate() {
        let tol = if i == 0 { tail(3) } else { Decimal::ZERO };
        values[i] = cx.settle(rule, F04, &format!("{path}.{key}"), || format!("{subject} {lab}"), values[i], printed, Unit::Wan, tol);
    }
}

/// A cell of 公开06.
#[derive(Debug, Clone, Serialize)]
pub struct EcoCell {
    /// 科目代码
    pub code: String,
    /// 科目名称
    pub name: String,
    /// 决算数
    pub value: Option<Decimal>,
    /// The form prints ——.
    pub dash: bool,
}

/// 公开06 一般公共预算财政拨款基本支出决算明细表.
#[derive(Debug, Clone, Serialize)]
pub struct T06View {
    /// Rows of four side-by-side cells (blocks 1–4), padded with `None`.
    pub rows: Vec<Vec<Option<EcoCell>>>,
    /// 人员经费合计
    pub personnel_total: Option<Decimal>,
    /// 公用经费合计
    pub public_total: Option<Decimal>,
    /// Amount by code (类 and 款), for the cross-checks.
    #[serde(skip)]
    pub by_code: HashMap<String, Option<Decimal>>,
}

const F06: &str = "tables/06-basic-detail";

/// 公开06: 类 rows and the two 合计 from the 款 amounts.
pub(crate) fn t06(cx: &mut Ctx) -> T06View {
    let t = &cx.d.t06;
    let cat = &cx.d.layout.catalog.economic;
    let mut by_code: HashMap<String, Option<Decimal>> = HashMap::new();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for item in cat.iter().filter(|e| e.code.len() == 5) {
        let v = wan(t.amounts.get(&item.code).copied());
        by_code.insert(item.code.clone(), v);
        let class = by_code.entry(item.code[..3].to_string()).or_insert(None);
        *class = add(*class, v);
        if v.is_some() {
            *counts.entry(item.code[..3].to_string()).or_default() += 1;
        }
    }
    for item in cat.iter().filter(|e| e.code.len() == 3) {
        let v = by_code.get(&item.code).copied().flatten();
        let shown = cx.settle(
            "T06-SUM",
            F06,
            &format!("printed.classes.{}", item.code),
            || format!("{{form:basic_detail}} {} {}", item.code, item.name),
            v,
            t.printed.classes.get(&item.code).copied(),
            Unit::Wan,
            tail(counts.get(&item.code).copied().unwrap_or(1)),
        );
        by_code.insert(item.code.clone(), shown);
    }
    let group_total = |group: &str| sum(cat.iter().filter(|e| e.code.len() == 3 && e.group == group).map(|e| by_code[&e.code]));
    let personnel = group_total("personnel");
    let public = group_total("public");
    let personnel = cx.settle("T06-SUM", F06, "printed.personnel_total", || "{form:basic_detail} 人员经费合计".into(), personnel, t.printed.personnel_total, Unit::Wan, tail(2));
    let public = cx.settle("T06-SUM", F06, "printed.public_total", || "{form:basic_detail} 公用经费合计".into(), public, t.printed.public_total, Unit::Wan, tail(8));
    // As many side-by-side blocks as the layout's catalogue numbers (4 in Shanxi, 2 in Shanghai).
    let nblocks = usize::from(cat.iter().map(|e| e.block).max().unwrap_or(1).clamp(1, 8));
    let mut blocks: Vec<Vec<EcoCell>> = vec![Vec::new(); nblocks];
    for e in cat {
        let idx = usize::from(e.block.clamp(1, nblocks as u8)) - 1;
        blocks[idx].push(EcoCell { code: e.code.clone(), name: e.name.clone(), value: by_code.get(&e.code).copied().flatten(), dash: e.dash });
    }
    let height = blocks.iter().map(Vec::len).max().unwrap_or(0);
    let rows = (0..height).map(|r| blocks.iter().map(|b| b.get(r).cloned()).collect()).collect();
    T06View { rows, personnel_total: personnel, public_total: public, by_code }
}

/// One side (预算数 or 决算数) of 公开09.
#[derive(Debug, Clone, Serialize)]
pub struct ThreeRow {
    /// 合计
    pub total: Option<Decimal>,
    /// 因公出国（境）费
    pub abroad: Option<Decimal>,
    /// 公务用车购置及运行维护费 小计
    pub car_subtotal: Option<Decimal>,
    /// 公务用车购置费
    pub car_purchase: Option<Decimal>,
    /// 公务用车运行维护费
    pub car_operation: Option<Decimal>,
    /// 公务接待费
    pub reception: Option<Decimal>,
}

/// 公开09 财政拨款“三公”经费支出决算表.
#[derive(Debug, Clone, Serialize)]
pub struct T09View {
    /// 预算数
    pub budget: ThreeRow,
    /// 决算数
    pub actual: ThreeRow,
}

/// 公开09: subtotals and totals.
pub(crate) fn t09(cx: &mut Ctx) -> T09View {
    let t = cx.d.t09.clone();
    let side = |cx: &mut Ctx, name: &str, items: &crate::model::ThreeItems, p: &crate::model::ThreeSubtotals| {
        let (ab, cp, co, re) = (wan(items.abroad), wan(items.car_purchase), wan(items.car_operation), wan(items.reception));
        let car = cx.settle(
            "T09-SUM",
            "tables/09-three-public",
            &format!("printed.{name}.car_subtotal"),
            || format!("{{form:three_public}} {} 公务用车购置及运行维护费小计", side_label(name)),
            add(cp, co),
            p.car_subtotal,
            Unit::Wan,
            tail(2),
        );
        let total = cx.settle(
            "T09-SUM",
            "tables/09-three-public",
            &format!("printed.{name}.total"),
            || format!("{{form:three_public}} {} 合计", side_label(name)),
            sum([ab, add(cp, co), re]),
            p.total,
            Unit::Wan,
            tail(3),
        );
        ThreeRow { total, abroad: ab, car_subtotal: car, car_purchase: cp, car_operation: co, reception: re }
    };
    let budget = side(cx, "budget", &t.budget, &t.printed.budget);
    let actual = side(cx, "actual", &t.actual, &t.printed.actual);
    T09View { budget, actual }
}

fn side_label(name: &str) -> &'static str {
    if name == "budget" {
        "预算数"
    } else {
        "决算数"
    }
}

/// 公开10 部门决算公开相关信息统计表.
#[derive(Debug, Clone, Serialize)]
pub struct T10View {
    /// 政府采购 合计, 货物, 工程, 服务.
    pub procurement: Vec<Option<Decimal>>,
    /// 机关运行经费 行政单位, 参照公务员法管理事业单位.
    pub operating_funds: Vec<Option<Decimal>>,
    /// 车辆数 lines (label, count).
    pub vehicles: Vec<Line>,
    /// 车辆数合计
    pub vehicles_total: Option<Decimal>,
    /// 单价100万元（含）以上设备
    pub equipment: Option<Decimal>,
}

/// 公开10: 政府采购 合计 and 车辆数合计.
pub(crate) fn t10(cx: &mut Ctx) -> T10View {
    let t = cx.d.t10.clone();
    let parts = [wan(t.procurement.goods), wan(t.procurement.works), wan(t.procurement.services)];
    let total = cx.settle(
        "T10-SUM",
        "tables/10-statistics",
        "printed.procurement_total",
        || "{form:statistics|section:other} 政府采购 合计".into(),
        sum(parts),
        t.printed.procurement_total,
        Unit::Wan,
        tail(3),
    );
    let vehicles: Vec<Line> = t
        .vehicles
        .items()
        .iter()
        .enumerate()
        .map(|(i, (l, v))| Line { label: (*l).to_string(), row: i as u32 + 8, values: vec![v.map(|m| m.value)] })
        .collect();
    // Vehicles are counted in 辆, not money: compared exactly, the count wins.
    let counted = sum(vehicles.iter().map(|l| l.values[0]));
    let printed = t.printed.vehicles_total.map(|m| m.value);
    if let Some(p) = printed {
        let loc = cx.loc("tables/10-statistics", "printed.vehicles_total");
        cx.must_agree("T10-SUM", loc, "{form:statistics|section:other} 车辆数合计".into(), ("printed", p), ("computed", counted.unwrap_or_default()), Decimal::ZERO, "辆");
    }
    let vehicles_total = if printed.is_some() { Some(counted.unwrap_or_default()) } else { counted };
    T10View {
        procurement: std::iter::once(total).chain(parts).collect(),
        operating_funds: vec![wan(t.operating_funds.administrative), wan(t.operating_funds.civil_servant_managed)],
        vehicles,
        vehicles_total,
        equipment: t.equipment_over_1m.map(|m| m.value),
    }
}

/// Name of 类 `code` for messages.
pub(crate) fn class_label(code: &str) -> String {
    format!("{code} {}", forms::class_name(code).unwrap_or(""))
}
