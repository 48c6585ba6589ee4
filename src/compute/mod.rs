//! Stage 2 — compute: the input model → the computed view that templates render. Every
//! derived figure (parent 科目 rows, 合计, 总计, 占比, 增减, 执行率, scores, grades) is made here,
//! in `Decimal`, with no I/O. Where a figure was also given as printed, the printed one is kept
//! when it agrees within the 尾数差 tail, and every disagreement is recorded as a [`Recon`]
//! for the check stage.

mod project;
mod prose;
mod tables;

pub use project::{grade_of, ProjectView};
pub use prose::{Change, ExplView};
pub use tables::*;

use crate::model::Department;
use crate::money::{round, Money, Unit};
use crate::source::Loc;
use rust_decimal::Decimal;
use serde::Serialize;

/// A figure given as printed that differs from the computed one, or two figures that the
/// forms' 勾稽关系 say must agree.
#[derive(Debug, Clone, Serialize)]
pub struct Recon {
    /// Rule id, e.g. `T03-SUM`.
    pub rule: &'static str,
    /// The value accused (the printed one, or the left side).
    pub loc: Loc,
    /// What is compared, e.g. `公开03 20805 行政事业单位养老支出 基本支出`.
    pub subject: String,
    /// Label and value of the left side (`printed`).
    pub left: (String, Decimal),
    /// Label and value of the right side (`computed`).
    pub right: (String, Decimal),
    /// Largest difference that is only a 尾数差 (a warning, not an error).
    pub tol: Decimal,
    /// Unit for the message (`万元`, `元`, `%`, `分`).
    pub unit: &'static str,
    /// Whether the output prints the printed figure when the two agree within `tol` (a
    /// table cell); otherwise the output always prints the computed one (prose, rates).
    pub kept: bool,
}

/// The department with every derived figure filled in; this is what templates see.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    /// 概况 and options.
    pub info: InfoView,
    /// 公开01
    pub t01: T01View,
    /// 公开02
    pub t02: CodeTableView,
    /// 公开03
    pub t03: CodeTableView,
    /// 公开04
    pub t04: T04View,
    /// 公开05
    pub t05: CodeTableView,
    /// 公开06
    pub t06: T06View,
    /// 公开07
    pub t07: CodeTableView,
    /// 公开08
    pub t08: CodeTableView,
    /// 公开09
    pub t09: T09View,
    /// 公开10
    pub t10: T10View,
    /// 情况说明
    pub expl: ExplView,
    /// 名词解释
    pub glossary: Vec<crate::model::Term>,
    /// 项目支出绩效自评报告
    pub projects: Vec<ProjectView>,
    /// Disagreements found while computing (read by `check`).
    #[serde(skip)]
    pub recons: Vec<Recon>,
    /// The layout the booklet follows.
    #[serde(skip)]
    pub layout: std::sync::Arc<crate::layout::Layout>,
}

/// 概况 and document options.
#[derive(Debug, Clone, Serialize)]
pub struct InfoView {
    /// 部门名称
    pub name: String,
    /// 部门编码
    pub code: Option<String>,
    /// 年度
    pub year: i32,
    /// 公开日期
    pub date: Option<String>,
    /// 职责
    pub duties: String,
    /// 机构设置
    pub organization: String,
    /// 部门决算单位构成
    pub units: Vec<crate::model::UnitRow>,
    /// Draft mark wanted.
    pub draft: bool,
    /// Font family for the 宋体 role.
    pub serif: String,
    /// Font family for the 黑体 role.
    pub sans: String,
    /// Font family for the 仿宋 role.
    pub fang: String,
    /// Font family for the 楷体 role.
    pub kai: String,
    /// 版式风格: department.yaml's, else the layout's default.
    pub house_style: crate::write::style::HouseStyle,
}

/// Computes the view of `d`.
pub fn compute(d: &Department) -> View {
    let mut cx = Ctx { d, recons: Vec::new() };
    let t02 = tables::code_table(&mut cx, &crate::forms::T02, &d.t02);
    let t03 = tables::code_table(&mut cx, &crate::forms::T03, &d.t03);
    let t05 = tables::code_table(&mut cx, &crate::forms::T05, &d.t05);
    let t07 = tables::code_table(&mut cx, &crate::forms::T07, &d.t07);
    let t08 = tables::code_table(&mut cx, &crate::forms::T08, &d.t08);
    let t01 = tables::t01(&mut cx, &t02, &t03);
    let t04 = tables::t04(&mut cx, &t05, &t07, &t08);
    let t06 = tables::t06(&mut cx);
    let t09 = tables::t09(&mut cx);
    let t10 = tables::t10(&mut cx);
    let projects: Vec<ProjectView> = d.projects.iter().map(|p| project::project(&mut cx, p)).collect();
    let expl = prose::explanation(&mut cx, &prose::Inputs {
        t01: &t01,
        t03: &t03,
        t04: &t04,
        t05: &t05,
        t06: &t06,
        t07: &t07,
        t08: &t08,
        t09: &t09,
        t10: &t10,
        projects: &projects,
    });
    let glossary = d.glossary.clone().unwrap_or_else(|| d.layout.glossary.clone()).terms;
    View {
        info: InfoView {
            name: d.info.name.clone(),
            code: d.info.code.clone(),
            year: d.info.year,
            date: d.info.date.clone(),
            duties: d.info.duties.clone(),
            organization: d.info.organization.clone(),
            units: d.info.units.clone(),
            draft: d.info.draft,
            serif: d.info.fonts.as_ref().and_then(|f| f.serif.clone()).unwrap_or_else(|| crate::write::style::DEFAULT_SERIF.into()),
            sans: d.info.fonts.as_ref().and_then(|f| f.sans.clone()).unwrap_or_else(|| crate::write::style::DEFAULT_SANS.into()),
            fang: d.info.fonts.as_ref().and_then(|f| f.fang.clone()).unwrap_or_else(|| crate::write::style::DEFAULT_FANG.into()),
            kai: d.info.fonts.as_ref().and_then(|f| f.kai.clone()).unwrap_or_else(|| crate::write::style::DEFAULT_KAI.into()),
            house_style: d
                .info
                .house_style
                .as_deref()
                .and_then(crate::write::style::HouseStyle::from_name)
                .unwrap_or_else(|| d.layout.house_style()),
        },
        t01,
        t02,
        t03,
        t04,
        t05,
        t06,
        t07,
        t08,
        t09,
        t10,
        expl,
        glossary,
        projects,
        recons: cx.recons,
        layout: d.layout.clone(),
    }
}

/// Computing context: the model (for locations) and the disagreements found so far.
pub(crate) struct Ctx<'a> {
    pub d: &'a Department,
    pub recons: Vec<Recon>,
}

/// The right side's label of a [`Recon`] whose computed rate does not exist (a zero base).
pub const UNDEFINED: &str = "undefined";

/// 尾数差 tail: 0.01 per summed row (at least one).
pub(crate) fn tail(rows: usize) -> Decimal {
    Decimal::new(rows.max(1) as i64, 2)
}

impl Ctx<'_> {
    /// Location of `path` in the file with key `file`.
    pub fn loc(&self, file: &str, path: &str) -> Loc {
        match self.d.sources.get(file) {
            Some(s) => s.loc(path),
            None => Loc { file: format!("{}/{file}.yaml", self.d.dir).into(), line: 1, col: 1 },
        }
    }

    /// Settles a derivable amount: the printed value when it agrees within `tol`, else the
    /// computed one; any difference is recorded under `rule`.
    #[allow(clippy::too_many_arguments)]
    pub fn settle(
        &mut self,
        rule: &'static str,
        file: &str,
        path: &str,
        subject: impl FnOnce() -> String,
        computed: Option<Decimal>,
        printed: Option<Money>,
        unit: Unit,
        tol: Decimal,
    ) -> Option<Decimal> {
        let Some(p) = printed else { return computed };
        let p = p.in_unit(unit);
        let c = computed.unwrap_or_default();
        if p == c {
            return Some(p);
        }
        self.recons.push(Recon {
            rule,
            loc: self.loc(file, path),
            subject: subject(),
            left: ("printed".into(), p),
            right: ("computed".into(), c),
            tol,
            unit: unit_name(unit),
            kept: true,
        });
        if (p - c).abs() <= tol {
            Some(p)
        } else {
            Some(c)
        }
    }

    /// Compares a printed rate or score with the computed one at two decimals, the precision
    /// these figures are defined at (or at the printed precision when more decimals were
    /// printed): a printed 10 means 10.00, so a computed 9.996 agrees and 9.67 does not.
    /// A difference of 0.01 is a warning.
    pub fn compare_rate(
        &mut self,
        rule: &'static str,
        file: &str,
        path: &str,
        subject: impl FnOnce() -> String,
        computed: Option<Decimal>,
        printed: Option<Money>,
        unit: &'static str,
    ) {
        let Some(p) = printed else { return };
        let c = computed.unwrap_or_default();
        let dp = p.value.scale().max(2);
        if round(c, dp) == p.value {
            return;
        }
        // A rate of a zero base is undefined: say so rather than print a computed 0.
        let right = if computed.is_some() { "computed" } else { UNDEFINED };
        self.recons.push(Recon {
            rule,
            loc: self.loc(file, path),
            subject: subject(),
            left: ("printed".into(), p.value),
            right: (right.into(), round(c, dp)),
            tol: Decimal::new(1, 2),
            unit,
            kept: false,
        });
    }

    /// Records that two figures of different places must agree.
    #[allow(clippy::too_many_arguments)]
    pub fn must_agree(
        &mut self,
        rule: &'static str,
        loc: Loc,
        subject: String,
        left: (&str, Decimal),
        right: (&str, Decimal),
        tol: Decimal,
        unit: &'static str,
    ) {
        if left.1 == right.1 {
            return;
        }
        self.recons.push(Recon {
            rule,
            loc,
            subject,
            left: (left.0.to_string(), left.1),
            right: (right.0.to_string(), right.1),
            tol,
            unit,
            kept: false,
        });
    }

    /// Compares a printed figure that the output never prints (the output states the
    /// computed one): like [`Ctx::settle`], without a figure to keep.
    #[allow(clippy::too_many_arguments)]
    pub fn compare(
        &mut self,
        rule: &'static str,
        file: &str,
        path: &str,
        subject: impl FnOnce() -> String,
        computed: Option<Decimal>,
        printed: Option<Money>,
        unit: Unit,
        tol: Decimal,
    ) {
        let n = self.recons.len();
        self.settle(rule, file, path, subject, computed, printed, unit, tol);
        if let Some(r) = self.recons.get_mut(n) {
            r.kept = false;
        }
    }
}

fn unit_name(u: Unit) -> &'static str {
    match u {
        Unit::Wan => "万元",
        Unit::Yuan => "元",
        Unit::Percent => "%",
    }
}

/// Adds two optional amounts; blank + blank stays blank.
pub(crate) fn add(a: Option<Decimal>, b: Option<Decimal>) -> Option<Decimal> {
    match (a, b) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or_default() + b.unwrap_or_default()),
    }
}

/// Sums optional amounts; all blank stays blank.
pub(crate) fn sum<I: IntoIterator<Item = Option<Decimal>>>(items: I) -> Option<Decimal> {
    items.into_iter().fold(None, add)
}

/// An optional amount in 万元.
pub(crate) fn wan(m: Option<Money>) -> Option<Decimal> {
    m.map(|m| m.in_unit(Unit::Wan))
}

/// An optional amount in 元.
pub(crate) fn yuan(m: Option<Money>) -> Option<Decimal> {
    m.map(|m| m.in_unit(Unit::Yuan))
}

/// Zero for blank.
pub(crate) fn z(d: Option<Decimal>) -> Decimal {
    d.unwrap_or_default()
}
