//! The input model: what a department's YAML files hold, and nothing that can be derived.
//! Field names are English; the doc comments give the 中文 term of the official forms.
//! `printed` members hold figures as printed (checked against the computed ones, never shown
//! unless they agree).

use crate::money::Money;
use crate::source::SourceMap;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A free text; a blank line separates paragraphs.
pub type Text = String;

/// 部门 — one department-year, every file loaded.
#[derive(Debug, Clone)]
pub struct Department {
    /// The folder it was loaded from.
    pub dir: String,
    /// 版式 — the layout the booklet follows.
    pub layout: std::sync::Arc<crate::layout::Layout>,
    /// 概况 — `department.yaml`.
    pub info: Info,
    /// 公开01
    pub t01: Summary01,
    /// 公开02 收入决算表
    pub t02: CodeTable,
    /// 公开03 支出决算表
    pub t03: CodeTable,
    /// 公开04
    pub t04: Fiscal04,
    /// 公开05 一般公共预算财政拨款支出决算表
    pub t05: CodeTable,
    /// 公开06
    pub t06: BasicDetail06,
    /// 公开07 政府性基金预算财政拨款收入支出决算表
    pub t07: CodeTable,
    /// 公开08 国有资本经营预算财政拨款支出决算表
    pub t08: CodeTable,
    /// 公开09 “三公”经费
    pub t09: ThreePublic09,
    /// 公开10 相关信息统计表
    pub t10: Stats10,
    /// 情况说明 inputs.
    pub explanation: Explanation,
    /// 名词解释 (the department's override, if any).
    pub glossary: Option<Glossary>,
    /// 项目支出绩效自评报告, in file-name order.
    pub projects: Vec<Project>,
    /// Source maps by file key (`department`, `tables/03-expenditure`, `projects/p01` …).
    pub sources: BTreeMap<String, SourceMap>,
}

/// 概况 and document options.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Info {
    /// 部门名称
    pub name: String,
    /// 部门编码
    #[serde(default)]
    pub code: Option<String>,
    /// 决算年度
    pub year: i32,
    /// 公开日期 `YYYY-MM-DD`
    #[serde(default)]
    pub date: Option<String>,
    /// 本部门（单位）职责 / 主要职能
    pub duties: Text,
    /// 机构设置情况 (the Shanxi 概况 二; a layout with a 单位构成 table may leave it out)
    #[serde(default)]
    pub organization: Text,
    /// 部门决算单位构成 — the units whose accounts the booklet consolidates (概况 二 of the
    /// Shanghai layout), in order.
    #[serde(default)]
    pub units: Vec<UnitRow>,
    /// 版式 — the booklet layout: a built-in name (`shanxi`, `shanghai`) or a folder inside
    /// the data folder (`./layout`). Default `shanxi`.
    #[serde(default)]
    pub layout: Option<String>,
    /// 版式风格 — the house style: `standard` (today's look) or `gbt9704` (GB/T 9704-2012:
    /// 仿宋 三号 body, the standard's margins, "— 1 —" page numbers). Default: the layout's
    /// `house_style`, else `standard`.
    #[serde(default)]
    pub house_style: Option<String>,
    /// 仅供内部审核 mark on every page.
    #[serde(default)]
    pub draft: bool,
    /// Font families for the 宋体, 黑体, 仿宋 and 楷体 roles.
    #[serde(default)]
    pub fonts: Option<Fonts>,
    /// 单位性质 (`行政单位`, `参照公务员法管理事业单位`, `事业单位` …): a 行政 or 参公 unit
    /// reports 机关运行经费.
    #[serde(default)]
    pub unit_type: Option<String>,
    /// 审核 — the department's thresholds for the reviewer's rules.
    #[serde(default)]
    pub review: Review,
}

/// 审核 thresholds of a department.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// |决算 − 年初预算| / 年初预算 in % beyond which a reason is wanted (default 30).
    #[serde(default)]
    pub budget_gap: Option<Money>,
}

/// One row of 部门决算单位构成.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct UnitRow {
    /// 单位名称
    pub name: String,
    /// 备注
    #[serde(default)]
    pub note: Option<String>,
}

/// 字体 — font families by role.
#[derive(Debug, Clone, Deserialize, Default, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fonts {
    /// 宋体 role (body text).
    #[serde(default)]
    pub serif: Option<String>,
    /// 黑体 role (headings).
    #[serde(default)]
    pub sans: Option<String>,
    /// 仿宋 role (body text of the gbt9704 house style).
    #[serde(default)]
    pub fang: Option<String>,
    /// 楷体 role (二级 headings of the gbt9704 house style).
    #[serde(default)]
    pub kai: Option<String>,
}

macro_rules! columns {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($(#[$fm])* #[serde(default)] pub $field: Option<Money>,)*
        }
        impl $name {
            /// Every column name this struct knows.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($field)),*];
            /// The value of column `name`.
            pub fn get(&self, name: &str) -> Option<Money> {
                match name { $(stringify!($field) => self.$field,)* _ => None }
            }
        }
    };
}

columns!(
    /// Amount columns of the 科目 tables (02, 03, 05, 07, 08) plus the computed `total`.
    Cols {
        /// 本年收入合计 / 本年支出合计 / 小计 (computed; printed only)
        total,
        /// 财政拨款收入
        fiscal,
        /// 上级补助收入
        superior_subsidy,
        /// 事业收入
        business,
        /// 经营收入 / 经营支出
        operating,
        /// 附属单位上缴收入
        affiliated,
        /// 其他收入
        other,
        /// 基本支出
        basic,
        /// 项目支出
        project,
        /// 上缴上级支出
        remit_upper,
        /// 对附属单位补助支出
        affiliated_subsidy,
        /// 年初结转和结余
        opening,
        /// 本年收入
        income,
        /// 年末结转和结余
        closing,
    }
);

/// One row of a 科目 table: a 类 (3 digits), 款 (5) or 项 (7).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct CodeRow {
    /// 科目代码
    pub code: String,
    /// 科目名称
    pub name: String,
    #[serde(default)]
    pub fiscal: Option<Money>,
    #[serde(default)]
    pub superior_subsidy: Option<Money>,
    #[serde(default)]
    pub business: Option<Money>,
    #[serde(default)]
    pub operating: Option<Money>,
    #[serde(default)]
    pub affiliated: Option<Money>,
    #[serde(default)]
    pub other: Option<Money>,
    #[serde(default)]
    pub basic: Option<Money>,
    #[serde(default)]
    pub project: Option<Money>,
    #[serde(default)]
    pub remit_upper: Option<Money>,
    #[serde(default)]
    pub affiliated_subsidy: Option<Money>,
    #[serde(default)]
    pub opening: Option<Money>,
    #[serde(default)]
    pub income: Option<Money>,
    #[serde(default)]
    pub closing: Option<Money>,
    /// Figures as printed.
    #[serde(default)]
    pub printed: Option<Cols>,
}

impl CodeRow {
    /// The input value of column `name`.
    pub fn get(&self, name: &str) -> Option<Money> {
        match name {
            "fiscal" => self.fiscal,
            "superior_subsidy" => self.superior_subsidy,
            "business" => self.business,
            "operating" => self.operating,
            "affiliated" => self.affiliated,
            "other" => self.other,
            "basic" => self.basic,
            "project" => self.project,
            "remit_upper" => self.remit_upper,
            "affiliated_subsidy" => self.affiliated_subsidy,
            "opening" => self.opening,
            "income" => self.income,
            "closing" => self.closing,
            _ => None,
        }
    }
}

/// A 科目 table (公开02, 03, 05, 07, 08).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct CodeTable {
    /// 科目 rows in code order.
    #[serde(default)]
    pub rows: Vec<CodeRow>,
    /// The 合计 row as printed.
    #[serde(default)]
    pub printed: Option<Cols>,
}

/// 财政拨款 by kind.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ByKind {
    /// 一般公共预算财政拨款
    #[serde(default)]
    pub general_budget: Option<Money>,
    /// 政府性基金预算财政拨款
    #[serde(default)]
    pub gov_fund: Option<Money>,
    /// 国有资本经营预算财政拨款
    #[serde(default)]
    pub soe_capital: Option<Money>,
}

/// 公开01 收入支出决算总表 — inputs no other table holds.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Summary01 {
    /// 财政拨款收入 by kind (rows 一–三).
    pub fiscal_income: ByKind,
    /// 使用非财政拨款结余(含专用结余)
    #[serde(default)]
    pub non_fiscal_balance_used: Option<Money>,
    /// 年初结转和结余
    #[serde(default)]
    pub opening_balance: Option<Money>,
    /// 结余分配
    #[serde(default)]
    pub surplus_distribution: Option<Money>,
    /// 年末结转和结余
    #[serde(default)]
    pub closing_balance: Option<Money>,
    /// Figures as printed.
    #[serde(default)]
    pub printed: Summary01Printed,
}

/// 公开01 as printed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Summary01Printed {
    /// 本年收入合计
    #[serde(default)]
    pub income_total: Option<Money>,
    /// 本年支出合计
    #[serde(default)]
    pub expenditure_total: Option<Money>,
    /// 总计 (收入)
    #[serde(default)]
    pub income_grand_total: Option<Money>,
    /// 总计 (支出)
    #[serde(default)]
    pub expenditure_grand_total: Option<Money>,
    /// 支出 by 类
    #[serde(default, deserialize_with = "crate::money::blank_entries")]
    pub by_class: BTreeMap<String, Money>,
}

/// 公开04 财政拨款收入支出决算总表 — balances not held elsewhere.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fiscal04 {
    /// 年初财政拨款结转和结余 (一般公共预算, 国有资本经营)
    #[serde(default)]
    pub opening: ByKind,
    /// 年末财政拨款结转和结余
    #[serde(default)]
    pub closing: ByKind,
    /// Figures as printed.
    #[serde(default)]
    pub printed: Fiscal04Printed,
}

/// A 公开04 expenditure line by column.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct KindCols {
    /// 合计
    #[serde(default)]
    pub total: Option<Money>,
    /// 一般公共预算财政拨款
    #[serde(default)]
    pub general_budget: Option<Money>,
    /// 政府性基金预算财政拨款
    #[serde(default)]
    pub gov_fund: Option<Money>,
    /// 国有资本经营预算财政拨款
    #[serde(default)]
    pub soe_capital: Option<Money>,
}

/// 公开04 as printed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fiscal04Printed {
    /// 本年收入合计
    #[serde(default)]
    pub income_total: Option<Money>,
    /// 总计 (收入)
    #[serde(default)]
    pub income_grand_total: Option<Money>,
    /// 本年支出合计
    #[serde(default)]
    pub expenditure_total: Option<KindCols>,
    /// 总计 (支出)
    #[serde(default)]
    pub expenditure_grand_total: Option<KindCols>,
    /// 支出 by 类
    #[serde(default)]
    pub by_class: BTreeMap<String, KindCols>,
}

/// 公开06 一般公共预算财政拨款基本支出决算明细表.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct BasicDetail06 {
    /// 决算数 by 经济分类款 code.
    #[serde(default, deserialize_with = "crate::money::blank_entries")]
    pub amounts: BTreeMap<String, Money>,
    /// Figures as printed.
    #[serde(default)]
    pub printed: BasicDetail06Printed,
}

/// 公开06 as printed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct BasicDetail06Printed {
    /// 类 rows (301, 302 …)
    #[serde(default, deserialize_with = "crate::money::blank_entries")]
    pub classes: BTreeMap<String, Money>,
    /// 人员经费合计
    #[serde(default)]
    pub personnel_total: Option<Money>,
    /// 公用经费合计
    #[serde(default)]
    pub public_total: Option<Money>,
}

/// The four “三公” items.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ThreeItems {
    /// 因公出国（境）费
    #[serde(default)]
    pub abroad: Option<Money>,
    /// 公务用车购置费
    #[serde(default)]
    pub car_purchase: Option<Money>,
    /// 公务用车运行维护费
    #[serde(default)]
    pub car_operation: Option<Money>,
    /// 公务接待费
    #[serde(default)]
    pub reception: Option<Money>,
}

/// 公开09 财政拨款“三公”经费支出决算表.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ThreePublic09 {
    /// 预算数
    #[serde(default)]
    pub budget: ThreeItems,
    /// 决算数
    #[serde(default)]
    pub actual: ThreeItems,
    /// Figures as printed.
    #[serde(default)]
    pub printed: ThreePrinted,
}

/// 公开09 subtotals as printed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ThreePrinted {
    /// 预算数 subtotals
    #[serde(default)]
    pub budget: ThreeSubtotals,
    /// 决算数 subtotals
    #[serde(default)]
    pub actual: ThreeSubtotals,
}

/// 合计 and 公务用车购置及运行维护费小计.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ThreeSubtotals {
    /// 合计
    #[serde(default)]
    pub total: Option<Money>,
    /// 公务用车购置及运行维护费 小计
    #[serde(default)]
    pub car_subtotal: Option<Money>,
}

/// 公开10 部门决算公开相关信息统计表.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Stats10 {
    /// 政府采购
    #[serde(default)]
    pub procurement: Procurement,
    /// 机关运行经费
    #[serde(default)]
    pub operating_funds: OperatingFunds,
    /// 车辆数 by kind
    #[serde(default)]
    pub vehicles: Vehicles,
    /// 单价100万元（含）以上设备（不含车辆）
    #[serde(default)]
    pub equipment_over_1m: Option<Money>,
    /// Figures as printed.
    #[serde(default)]
    pub printed: Stats10Printed,
}

/// 政府采购 by kind.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Procurement {
    /// 货物
    #[serde(default)]
    pub goods: Option<Money>,
    /// 工程
    #[serde(default)]
    pub works: Option<Money>,
    /// 服务
    #[serde(default)]
    pub services: Option<Money>,
}

/// 机关运行经费.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct OperatingFunds {
    /// 行政单位
    #[serde(default)]
    pub administrative: Option<Money>,
    /// 参照公务员法管理事业单位
    #[serde(default)]
    pub civil_servant_managed: Option<Money>,
}

/// 车辆数 (辆) by kind.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Vehicles {
    /// 副部（省）级及以上领导用车
    #[serde(default)]
    pub vice_ministerial: Option<Money>,
    /// 主要负责人用车
    #[serde(default)]
    pub principal: Option<Money>,
    /// 机要通信用车
    #[serde(default)]
    pub confidential: Option<Money>,
    /// 应急保障用车
    #[serde(default)]
    pub emergency: Option<Money>,
    /// 执法执勤用车
    #[serde(default)]
    pub law_enforcement: Option<Money>,
    /// 特种专业技术用车
    #[serde(default)]
    pub special: Option<Money>,
    /// 离退休干部服务用车
    #[serde(default)]
    pub retired_service: Option<Money>,
    /// 其他用车
    #[serde(default)]
    pub other: Option<Money>,
}

impl Vehicles {
    /// Every kind in form order, with its label.
    pub fn items(&self) -> [(&'static str, Option<Money>); 8] {
        [
            ("1. 副部（省）级及以上领导用车", self.vice_ministerial),
            ("2. 主要负责人用车", self.principal),
            ("3. 机要通信用车", self.confidential),
            ("4. 应急保障用车", self.emergency),
            ("5. 执法执勤用车", self.law_enforcement),
            ("6. 特种专业技术用车", self.special),
            ("7. 离退休干部服务用车", self.retired_service),
            ("8. 其他用车", self.other),
        ]
    }
}

/// 公开10 as printed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Stats10Printed {
    /// 政府采购 合计
    #[serde(default)]
    pub procurement_total: Option<Money>,
    /// 车辆数合计
    #[serde(default)]
    pub vehicles_total: Option<Money>,
}

/// 情况说明 — the inputs of the explanatory prose.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Explanation {
    /// 上年决算数
    #[serde(default)]
    pub prior_year: PriorYear,
    /// 年初预算
    #[serde(default)]
    pub annual_budget: AnnualBudget,
    /// 全年预算
    #[serde(default)]
    pub full_year_budget: FullYearBudget,
    /// 主要原因
    #[serde(default)]
    pub reasons: Reasons,
    /// 用于 / 主要包括
    #[serde(default)]
    pub uses: Uses,
    /// “三公” details
    #[serde(default)]
    pub three_public_details: ThreeDetails,
    /// 政府采购 details
    #[serde(default)]
    pub procurement: ProcurementDetails,
    /// 预算绩效情况说明
    #[serde(default)]
    pub performance: Performance,
    /// 其他需要说明的事项
    #[serde(default)]
    pub other_matters: Option<Text>,
    /// Prose figures as printed.
    #[serde(default)]
    pub printed: ExplPrinted,
}

/// 上年决算数 (万元).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct PriorYear {
    /// 收入总计 / 支出总计
    #[serde(default)]
    pub total: Option<Money>,
    /// 财政拨款收入支出总计
    #[serde(default)]
    pub fiscal_total: Option<Money>,
    /// 一般公共预算财政拨款支出
    #[serde(default)]
    pub general_budget: Option<Money>,
    /// … by 类
    #[serde(default, deserialize_with = "crate::money::blank_entries")]
    pub general_budget_by_class: BTreeMap<String, Money>,
    /// 政府性基金预算财政拨款收支
    #[serde(default)]
    pub gov_fund: Option<Money>,
    /// 国有资本经营预算财政拨款支出
    #[serde(default)]
    pub soe_capital: Option<Money>,
    /// “三公”经费 by item
    #[serde(default)]
    pub three_public: PriorThree,
    /// 机关运行经费
    #[serde(default)]
    pub operating_funds: Option<Money>,
}

/// 上年 “三公”经费 by item; a blank item is unknown, not 0.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct PriorThree {
    /// 因公出国（境）费
    #[serde(default)]
    pub abroad: Option<Money>,
    /// 公务用车购置费
    #[serde(default)]
    pub car_purchase: Option<Money>,
    /// 公务用车运行维护费
    #[serde(default)]
    pub car_operation: Option<Money>,
    /// 公务用车购置及运行维护费 as one figure, where only that is known (otherwise the sum
    /// of the two car items)
    #[serde(default)]
    pub car_subtotal: Option<Money>,
    /// 公务接待费
    #[serde(default)]
    pub reception: Option<Money>,
}

/// 年初预算 (万元).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct AnnualBudget {
    /// 一般公共预算财政拨款支出年初预算 by 类
    #[serde(default, deserialize_with = "crate::money::blank_entries")]
    pub general_budget_by_class: BTreeMap<String, Money>,
    /// … by 项 (7-digit code), for layouts that explain every 项
    #[serde(default, deserialize_with = "crate::money::blank_entries")]
    pub general_budget_by_item: BTreeMap<String, Money>,
    /// 政府性基金预算财政拨款支出年初预算 by 项
    #[serde(default, deserialize_with = "crate::money::blank_entries")]
    pub gov_fund_by_item: BTreeMap<String, Money>,
    /// 国有资本经营预算财政拨款支出年初预算 by 项
    #[serde(default, deserialize_with = "crate::money::blank_entries")]
    pub soe_capital_by_item: BTreeMap<String, Money>,
}

/// 全年预算 (年初预算 after adjustment, 万元), where the booklet compares with it.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct FullYearBudget {
    /// 一般公共预算财政拨款支出全年预算 by 项
    #[serde(default, deserialize_with = "crate::money::blank_entries")]
    pub general_budget_by_item: BTreeMap<String, Money>,
}

/// 主要原因 of year-on-year changes.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reasons {
    /// 收入支出总计
    #[serde(default)]
    pub total: Option<Text>,
    /// 财政拨款收支总计
    #[serde(default)]
    pub fiscal_total: Option<Text>,
    /// 一般公共预算财政拨款支出
    #[serde(default)]
    pub general_budget: Option<Text>,
    /// … by 类
    #[serde(default, deserialize_with = "crate::money::blank_entries")]
    pub general_budget_by_class: BTreeMap<String, Text>,
    /// 政府性基金
    #[serde(default)]
    pub gov_fund: Option<Text>,
    /// 国有资本经营
    #[serde(default)]
    pub soe_capital: Option<Text>,
    /// “三公”经费
    #[serde(default)]
    pub three_public: ThreeReasons,
    /// 一般公共预算 决算数大于（小于）预算数的主要原因 (total)
    #[serde(default)]
    pub general_budget_vs_budget: Option<Text>,
    /// 一般公共预算 per 类: why the 决算 is above (below) the 年初预算
    #[serde(default)]
    pub general_budget_vs_budget_by_class: BTreeMap<String, Text>,
    /// … by 项
    #[serde(default, deserialize_with = "crate::money::blank_entries")]
    pub general_budget_by_item: BTreeMap<String, Text>,
    /// 政府性基金 决算数大于（小于）预算数的主要原因 by 项
    #[serde(default, deserialize_with = "crate::money::blank_entries")]
    pub gov_fund_by_item: BTreeMap<String, Text>,
    /// 国有资本经营 决算数大于（小于）预算数的主要原因 by 项
    #[serde(default, deserialize_with = "crate::money::blank_entries")]
    pub soe_capital_by_item: BTreeMap<String, Text>,
    /// “三公”经费 决算数小于（大于）预算数的主要原因
    #[serde(default)]
    pub three_public_vs_budget: ThreeReasons,
    /// 机关运行经费 change
    #[serde(default)]
    pub operating_funds: Option<Text>,
}

/// 主要原因 for the “三公” items.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ThreeReasons {
    /// 合计
    #[serde(default)]
    pub total: Option<Text>,
    /// 因公出国（境）费
    #[serde(default)]
    pub abroad: Option<Text>,
    /// 公务用车购置费
    #[serde(default)]
    pub car_purchase: Option<Text>,
    /// 公务用车运行维护费
    #[serde(default)]
    pub car_operation: Option<Text>,
    /// 公务用车购置及运行维护费 as one item
    #[serde(default)]
    pub car_subtotal: Option<Text>,
    /// 公务接待费
    #[serde(default)]
    pub reception: Option<Text>,
}

/// 用于 / 主要包括.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Uses {
    /// 一般公共预算 by 类
    #[serde(default, deserialize_with = "crate::money::blank_entries")]
    pub general_budget_by_class: BTreeMap<String, Text>,
    /// 人员经费主要包括
    #[serde(default)]
    pub personnel: Option<Text>,
    /// 公用经费主要包括
    #[serde(default)]
    pub public: Option<Text>,
    /// 一般公共预算 主要用于 by 项
    #[serde(default, deserialize_with = "crate::money::blank_entries")]
    pub general_budget_by_item: BTreeMap<String, Text>,
    /// 政府性基金 主要用于 by 项
    #[serde(default, deserialize_with = "crate::money::blank_entries")]
    pub gov_fund_by_item: BTreeMap<String, Text>,
    /// 国有资本经营 主要用于 by 项
    #[serde(default, deserialize_with = "crate::money::blank_entries")]
    pub soe_capital_by_item: BTreeMap<String, Text>,
}

/// “三公”经费 details for 九(二).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ThreeDetails {
    /// 因公出国（境）
    #[serde(default)]
    pub abroad: AbroadDetails,
    /// 公务用车购置
    #[serde(default)]
    pub car_purchase: CarPurchaseDetails,
    /// 公务用车运行维护
    #[serde(default)]
    pub car_operation: CarOperationDetails,
    /// 公务接待
    #[serde(default)]
    pub reception: ReceptionDetails,
}

/// 出国（境）团组.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct AbroadDetails {
    /// 团组数
    #[serde(default)]
    pub groups: Option<Money>,
    /// 人次
    #[serde(default)]
    pub people: Option<Money>,
    /// 主要用于
    #[serde(default)]
    pub r#use: Option<Text>,
}

/// 公务用车购置.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct CarPurchaseDetails {
    /// 购置辆数
    #[serde(default)]
    pub cars: Option<Money>,
    /// 主要用于
    #[serde(default)]
    pub r#use: Option<Text>,
}

/// 公务用车运行维护.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct CarOperationDetails {
    /// 公务用车保有量
    #[serde(default)]
    pub cars_held: Option<Money>,
    /// 主要用于
    #[serde(default)]
    pub r#use: Option<Text>,
}

/// 公务接待.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReceptionDetails {
    /// 国内接待
    #[serde(default)]
    pub domestic: Reception,
    /// 其中外事接待
    #[serde(default)]
    pub foreign_affairs: Reception,
    /// 国（境）外接待
    #[serde(default)]
    pub overseas: Reception,
}

/// One kind of 接待.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reception {
    /// 金额 (万元)
    #[serde(default)]
    pub amount: Option<Money>,
    /// 批次
    #[serde(default)]
    pub batches: Option<Money>,
    /// 人次
    #[serde(default)]
    pub people: Option<Money>,
    /// 主要是
    #[serde(default)]
    pub r#use: Option<Text>,
}

/// 政府采购 details.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProcurementDetails {
    /// 授予中小企业合同金额
    #[serde(default)]
    pub sme_contracts: Option<Money>,
    /// 授予小微企业合同金额
    #[serde(default)]
    pub small_micro_contracts: Option<Money>,
    /// 面向中小企业预留政府采购项目预算金额
    #[serde(default)]
    pub sme_reserved: Option<Money>,
    /// 面向小微企业预留政府采购项目预算金额
    #[serde(default)]
    pub small_micro_reserved: Option<Money>,
    /// 预留项目中由中小企业供应商中标或成交的采购金额
    #[serde(default)]
    pub sme_awarded: Option<Money>,
    /// 预留项目中由小微企业供应商中标或成交的采购金额
    #[serde(default)]
    pub small_micro_awarded: Option<Money>,
    /// 其他政府采购项目中由中小企业供应商中标或成交的采购金额
    #[serde(default)]
    pub sme_other_awarded: Option<Money>,
}

/// 预算绩效情况说明.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Performance {
    /// 对“中”“差”项目采取的改进管理措施
    #[serde(default)]
    pub improvement: Option<Text>,
    /// 部门评价 projects named in the prose
    #[serde(default)]
    pub evaluated: Vec<String>,
    /// 评价结论
    #[serde(default)]
    pub evaluation_conclusion: Option<Text>,
    /// 附件 name
    #[serde(default)]
    pub attachment: Option<Text>,
    /// 预算绩效管理制度与工作机制 (the words between “建立了如下预算绩效管理制度：” and
    /// “全过程绩效管理实施情况”, closing punctuation included)
    #[serde(default)]
    pub system: Option<Text>,
    /// 编报绩效目标的项目
    #[serde(default)]
    pub targets: Option<ProjectSet>,
    /// 绩效跟踪评价的项目
    #[serde(default)]
    pub tracked: Option<ProjectSet>,
    /// 绩效自评的项目 (typed where the 自评报告 are not attached)
    #[serde(default)]
    pub self_evaluated: Option<ProjectSet>,
    /// 自评 projects by grade (keys: the layout's grade labels, e.g. 优/良/合格/不合格)
    #[serde(default, deserialize_with = "crate::money::blank_entries")]
    pub grades: BTreeMap<String, Money>,
    /// 绩效自评中发现的问题
    #[serde(default)]
    pub problems: Option<Problems>,
}

/// A set of projects: how many and how much (万元).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectSet {
    /// 项目个数
    pub projects: Money,
    /// 涉及预算金额 (万元)
    #[serde(default)]
    pub amount: Option<Money>,
    /// 平均得分 (自评 only)
    #[serde(default)]
    pub average_score: Option<Money>,
}

/// 绩效自评中发现的问题.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Problems {
    /// 共发现问题
    pub found: Money,
    /// 已经完成整改
    #[serde(default)]
    pub rectified: Option<Money>,
    /// 正在整改
    #[serde(default)]
    pub rectifying: Option<Money>,
}

/// Prose figures as printed (signed changes, rates in %).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ExplPrinted {
    #[serde(default)]
    pub total: Option<Money>,
    #[serde(default)]
    pub total_change: Option<Money>,
    #[serde(default)]
    pub total_growth: Option<Money>,
    #[serde(default)]
    pub income_total: Option<Money>,
    #[serde(default)]
    pub fiscal_income: Option<Money>,
    #[serde(default)]
    pub fiscal_income_share: Option<Money>,
    #[serde(default)]
    pub expenditure_total: Option<Money>,
    #[serde(default)]
    pub basic: Option<Money>,
    #[serde(default)]
    pub basic_share: Option<Money>,
    #[serde(default)]
    pub project: Option<Money>,
    #[serde(default)]
    pub project_share: Option<Money>,
    #[serde(default)]
    pub fiscal_total: Option<Money>,
    #[serde(default)]
    pub fiscal_change: Option<Money>,
    #[serde(default)]
    pub fiscal_growth: Option<Money>,
    #[serde(default)]
    pub general_budget: Option<Money>,
    #[serde(default)]
    pub general_budget_share: Option<Money>,
    #[serde(default)]
    pub general_budget_change: Option<Money>,
    #[serde(default)]
    pub general_budget_growth: Option<Money>,
    #[serde(default)]
    pub general_budget_budget: Option<Money>,
    #[serde(default)]
    pub general_budget_completion: Option<Money>,
    #[serde(default)]
    pub by_class: BTreeMap<String, ClassPrinted>,
    #[serde(default)]
    pub basic_total: Option<Money>,
    #[serde(default)]
    pub personnel: Option<Money>,
    #[serde(default)]
    pub public: Option<Money>,
    #[serde(default)]
    pub gov_fund: Option<Money>,
    #[serde(default)]
    pub gov_fund_change: Option<Money>,
    #[serde(default)]
    pub gov_fund_growth: Option<Money>,
    #[serde(default)]
    pub three_public_budget: Option<Money>,
    #[serde(default)]
    pub three_public_actual: Option<Money>,
    #[serde(default)]
    pub three_public_completion: Option<Money>,
    #[serde(default)]
    pub three_public_change: Option<Money>,
    #[serde(default)]
    pub three_public_growth: Option<Money>,
    #[serde(default)]
    pub three_public_items: BTreeMap<String, ItemPrinted>,
    #[serde(default)]
    pub procurement_total: Option<Money>,
    #[serde(default)]
    pub procurement: Procurement,
    #[serde(default)]
    pub sme_share: Option<Money>,
    #[serde(default)]
    pub vehicles: Option<Money>,
    #[serde(default)]
    pub equipment: Option<Money>,
    #[serde(default)]
    pub performance: Option<PerformancePrinted>,
    /// 五(三) per 项 as printed
    #[serde(default)]
    pub by_item: BTreeMap<String, ItemBudgetPrinted>,
    /// 五(三) 全年预算 total as printed
    #[serde(default)]
    pub general_budget_full_year: Option<Money>,
    /// 十一(一) 机关运行经费 as printed
    #[serde(default)]
    pub operating_funds: Option<Money>,
    #[serde(default)]
    pub operating_funds_change: Option<Money>,
    #[serde(default)]
    pub operating_funds_growth: Option<Money>,
}

/// A 项 line of 五(三) as printed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ItemBudgetPrinted {
    /// The printed “类（类）款（款）项（项）” label
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub budget: Option<Money>,
    #[serde(default)]
    pub amount: Option<Money>,
    #[serde(default)]
    pub completion: Option<Money>,
}

/// A 类 line of 五 as printed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ClassPrinted {
    #[serde(default)]
    pub amount: Option<Money>,
    #[serde(default)]
    pub share: Option<Money>,
    #[serde(default)]
    pub budget: Option<Money>,
    #[serde(default)]
    pub completion: Option<Money>,
    #[serde(default)]
    pub change: Option<Money>,
    #[serde(default)]
    pub growth: Option<Money>,
}

/// A “三公” item of 九(一) as printed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ItemPrinted {
    #[serde(default)]
    pub actual: Option<Money>,
    #[serde(default)]
    pub budget: Option<Money>,
    #[serde(default)]
    pub share: Option<Money>,
    #[serde(default)]
    pub completion: Option<Money>,
    #[serde(default)]
    pub change: Option<Money>,
    #[serde(default)]
    pub growth: Option<Money>,
}

/// 十(四) as printed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct PerformancePrinted {
    #[serde(default)]
    pub projects: Option<Money>,
    #[serde(default)]
    pub amount: Option<Money>,
    #[serde(default)]
    pub general_budget: Option<Money>,
    #[serde(default)]
    pub gov_fund: Option<Money>,
    #[serde(default)]
    pub grades: Option<GradeCounts>,
}

/// Counts of projects by grade.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct GradeCounts {
    #[serde(rename = "优", default)]
    pub excellent: Option<Money>,
    #[serde(rename = "良", default)]
    pub good: Option<Money>,
    #[serde(rename = "中", default)]
    pub fair: Option<Money>,
    #[serde(rename = "差", default)]
    pub poor: Option<Money>,
}

/// 名词解释.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Glossary {
    /// Terms in order.
    pub terms: Vec<Term>,
}

/// One 名词.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// 名词
    pub term: String,
    /// 解释
    pub definition: Text,
}

/// 项目支出绩效自评报告 — one project (amounts in 元).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// Unique id.
    pub id: String,
    /// 项目名称
    pub name: String,
    /// 项目单位
    pub unit: String,
    /// 主管部门
    pub authority: String,
    /// 报告日期 `YYYY-MM`
    pub date: String,
    /// 资金性质
    #[serde(default)]
    pub fund: Option<Fund>,
    /// (一) 项目概况
    #[serde(default)]
    pub overview: Overview,
    /// (二) 项目绩效目标
    #[serde(default)]
    pub goals: Goals,
    /// (三) 项目实施计划
    #[serde(default)]
    pub plan: Option<Text>,
    /// 预算执行情况
    pub budget: Budget,
    /// 绩效指标完成情况
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// 全年目标实际完成情况
    #[serde(default)]
    pub completion: Option<Text>,
    /// 三.3 closing words after the figures (default chosen by the 执行率).
    #[serde(default)]
    pub execution_analysis: Option<Text>,
    /// 三.4 analysis after the 产出 figures (default: the standard wording).
    #[serde(default)]
    pub output_analysis: Option<Text>,
    /// 三.5 analysis after the 效益 figures (default: the standard wording).
    #[serde(default)]
    pub effect_analysis: Option<Text>,
    /// 满意度情况及分析
    #[serde(default)]
    pub satisfaction: Option<Text>,
    /// 项目主要经验做法
    #[serde(default)]
    pub experience: Option<Text>,
    /// 项目管理中存在的主要问题及原因分析
    #[serde(default)]
    pub problems: Option<Text>,
    /// 下一步改进措施及管理建议
    #[serde(default)]
    pub measures: Option<Text>,
    /// Report prose figures as printed.
    #[serde(default)]
    pub printed: ProjectPrinted,
    /// Which file it came from (set by the loader).
    #[serde(skip)]
    pub file_key: String,
}

/// 资金性质 of a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fund {
    /// 一般公共预算
    GeneralBudget,
    /// 政府性基金预算
    GovFund,
    /// 国有资本经营预算
    SoeCapital,
}

/// (一) 项目概况.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Overview {
    /// 项目概况
    #[serde(default)]
    pub summary: Option<Text>,
    /// 立项依据
    #[serde(default)]
    pub basis: Option<Text>,
    /// 项目设立的必要性
    #[serde(default)]
    pub necessity: Option<Text>,
    /// 保证项目实施的措施与制度
    #[serde(default)]
    pub measures: Option<Text>,
}

/// (二) 项目绩效目标.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Goals {
    /// 项目实施期绩效目标
    #[serde(default)]
    pub period: Option<Text>,
    /// 项目年度目标
    #[serde(default)]
    pub annual: Option<Text>,
}

/// 预算执行情况 (元).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// 资金来源 rows
    pub sources: Vec<FundSource>,
    /// 合计 row as printed
    #[serde(default)]
    pub printed: BudgetPrinted,
}

/// One 资金来源 row.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct FundSource {
    /// 资金来源
    pub source: String,
    /// 年初预算数·目标申报
    #[serde(default)]
    pub application: Option<Money>,
    /// 年初预算数·预算编制
    #[serde(default)]
    pub compiled: Option<Money>,
    /// 全年预算数
    #[serde(default)]
    pub annual_budget: Option<Money>,
    /// 全年执行数
    #[serde(default)]
    pub executed: Option<Money>,
    /// 偏差原因
    #[serde(default)]
    pub reason: Option<Text>,
    /// As printed.
    #[serde(default)]
    pub printed: SourcePrinted,
}

/// A 资金来源 row as printed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourcePrinted {
    /// 资金结(转)余
    #[serde(default)]
    pub balance: Option<Money>,
}

/// The 合计 row as printed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct BudgetPrinted {
    #[serde(default)]
    pub application: Option<Money>,
    #[serde(default)]
    pub compiled: Option<Money>,
    #[serde(default)]
    pub annual_budget: Option<Money>,
    #[serde(default)]
    pub executed: Option<Money>,
    #[serde(default)]
    pub balance: Option<Money>,
    #[serde(default)]
    pub rate: Option<Money>,
    #[serde(default)]
    pub score: Option<Money>,
}

/// One 三级指标 of 绩效指标完成情况.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// 一级指标
    pub level1: String,
    /// 二级指标
    pub level2: String,
    /// 三级指标 (指标名称)
    pub name: String,
    /// 年初指标
    #[serde(default)]
    pub initial: Option<String>,
    /// 调整后指标
    #[serde(default)]
    pub target: Option<String>,
    /// 实际完成值
    #[serde(default)]
    pub actual: Option<String>,
    /// 定性值情况说明
    #[serde(default)]
    pub note: Option<Text>,
    /// 权重
    pub weight: Money,
    /// 得分
    pub score: Money,
    /// 偏差原因分析及改进措施
    #[serde(default)]
    pub deviation: Option<Text>,
}

/// Report prose figures as printed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ProjectPrinted {
    #[serde(default)]
    pub budget_score: Option<Money>,
    #[serde(default)]
    pub indicator_score: Option<Money>,
    #[serde(default)]
    pub total_score: Option<Money>,
    #[serde(default)]
    pub grade: Option<String>,
    #[serde(default)]
    pub initial_budget: Option<Money>,
    #[serde(default)]
    pub executed: Option<Money>,
    #[serde(default)]
    pub rate: Option<Money>,
    #[serde(default)]
    pub balance: Option<Money>,
    #[serde(default)]
    pub execution_pct: Option<Money>,
    #[serde(default)]
    pub output_full: Option<Money>,
    #[serde(default)]
    pub output_score: Option<Money>,
    #[serde(default)]
    pub output_rate: Option<Money>,
    #[serde(default)]
    pub effect_full: Option<Money>,
    #[serde(default)]
    pub effect_score: Option<Money>,
}
