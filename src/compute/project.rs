//! 项目支出绩效自评报告: 结余, 执行率, 预算执行得分, indicator totals, 总得分 and grade, plus the
//! merged-cell spans of the indicator table.

use super::{sum, yuan, z, Ctx};
use crate::model::{Indicator, Project};
use crate::money::{percent, round, Money, Unit};
use rust_decimal::Decimal;
use serde::Serialize;

/// Weight of 预算执行率 in the 总得分 (the remaining 90 are the indicators').
pub const BUDGET_WEIGHT: Decimal = Decimal::TEN;

/// One row of 预算执行情况 (元).
#[derive(Debug, Clone, Serialize)]
pub struct BudgetRow {
    /// 资金来源
    pub source: String,
    /// 目标申报
    pub application: Option<Decimal>,
    /// 预算编制
    pub compiled: Option<Decimal>,
    /// 全年预算数
    pub annual_budget: Option<Decimal>,
    /// 全年执行数
    pub executed: Option<Decimal>,
    /// 资金结(转)余
    pub balance: Decimal,
    /// 偏差原因
    pub reason: Option<String>,
}

/// One indicator row with its merged-cell spans.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorRow {
    /// The indicator as entered.
    #[serde(flatten)]
    pub ind: IndicatorText,
    /// 权重
    pub weight: Decimal,
    /// 得分
    pub score: Decimal,
    /// Rows the 一级 cell spans from here (0 = covered by the cell above).
    pub span1: usize,
    /// Rows the 二级 cell spans from here (0 = covered).
    pub span2: usize,
}

/// The text cells of an indicator.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct IndicatorText {
    pub level1: String,
    pub level2: String,
    pub name: String,
    pub initial: Option<String>,
    pub target: Option<String>,
    pub actual: Option<String>,
    pub note: Option<String>,
    pub deviation: Option<String>,
}

/// Full marks and score of one 一级指标 group.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// 满分 (Σ 权重)
    pub full: Decimal,
    /// 得分 (Σ 得分)
    pub score: Decimal,
    /// 得分率 %
    pub rate: Option<Decimal>,
}

/// A computed 自评报告.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectView {
    /// The project as entered (texts).
    pub id: String,
    /// 项目名称
    pub name: String,
    /// 项目单位
    pub unit: String,
    /// 主管部门
    pub authority: String,
    /// 报告日期 as 2024年12月
    pub date_text: String,
    /// Texts by key (overview, goals, plan, completion …).
    pub text: ProjectText,
    /// 资金来源 rows
    pub sources: Vec<BudgetRow>,
    /// 合计 row
    pub total: BudgetRow,
    /// 执行率 % (0 when 全年预算数 is zero)
    pub rate: Decimal,
    /// How the 执行数 stands to the 全年预算数: `full` (100 %), `under`, `over`, or `no_budget`
    /// (a 全年预算数 of 0: no rate exists), so that the sentence matches the figures.
    pub execution: &'static str,
    /// 预算执行得分
    pub budget_score: Decimal,
    /// Indicators.
    pub indicators: Vec<IndicatorRow>,
    /// Σ 权重 of the indicators
    pub indicator_weight: Decimal,
    /// 指标完成情况得分
    pub indicator_score: Decimal,
    /// 总得分
    pub total_score: Decimal,
    /// The grade on the layout's scale (优 / 良 / 中 / 差, or 优 / 良 / 合格 / 不合格)
    pub grade: String,
    /// Its position on the scale (0 the best)
    pub grade_index: usize,
    /// 产出指标
    pub output: Group,
    /// 效益指标
    pub effect: Group,
    /// 满意度指标
    pub satisfaction_group: Group,
    /// 数量指标 (二级) — the 项目完成率 of 三.4
    pub quantity: Group,
    /// 质量指标 (二级) — the 质量达标率 of 三.4
    pub quality: Group,
}

/// Free texts of a report.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct ProjectText {
    pub summary: Option<String>,
    pub basis: Option<String>,
    pub necessity: Option<String>,
    pub measures_impl: Option<String>,
    pub goal_period: Option<String>,
    pub goal_annual: Option<String>,
    pub plan: Option<String>,
    pub completion: Option<String>,
    pub execution_analysis: Option<String>,
    pub output_analysis: Option<String>,
    pub effect_analysis: Option<String>,
    pub satisfaction: Option<String>,
    pub experience: Option<String>,
    pub problems: Option<String>,
    pub measures: Option<String>,
}

/// The Shanxi scale: 优 ≥ 90, 良 80–<90, 中 60–<80, 差 < 60; returns the grade and its index.
/// (A booklet grades on its layout's scale, `Layout::grade_of`.)
pub fn grade_of(score: Decimal) -> (&'static str, usize) {
    if score >= Decimal::from(90) {
        ("优", 0)
    } else if score >= Decimal::from(80) {
        ("良", 1)
    } else if score >= Decimal::from(60) {
        ("中", 2)
    } else {
        ("差", 3)
    }
}

pub(crate) fn project(cx: &mut Ctx, p: &Project) -> ProjectView {
    let f = p.file_key.as_str();
    let sources: Vec<BudgetRow> = p
        .budget
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let balance = z(yuan(s.annual_budget)) - z(yuan(s.executed));
            let balance = cx
                .settle(
                    "P-BALANCE",
                    f,
                    &format!("budget.sources[{i}].printed.balance"),
                    || format!("{} {} 资金结(转)余 (全年预算数 − 全年执行数)", p.name, s.source),
                    Some(balance),
                    s.printed.balance,
                    Unit::Yuan,
                    Decimal::ZERO,
                )
                .unwrap_or_default();
            BudgetRow {
                source: s.source.clone(),
                application: yuan(s.application),
                compiled: yuan(s.compiled),
                annual_budget: yuan(s.annual_budget),
                executed: yuan(s.executed),
                balance,
                reason: s.reason.clone(),
            }
        })
        .collect();
    let bp = &p.budget.printed;
    let mut col = |key: &str, label: &str, vals: Option<Decimal>, printed: Option<Money>| {
        cx.settle("P-BUDGET-SUM", f, &format!("budget.printed.{key}"), || format!("{} 合计 {label}", p.name), vals, printed, Unit::Yuan, Decimal::ZERO)
    };
    let application = col("application", "目标申报", sum(sources.iter().map(|s| s.application)), bp.application);
    let compiled = col("compiled", "预算编制", sum(sources.iter().map(|s| s.compiled)), bp.compiled);
    let annual = col("annual_budget", "全年预算数", sum(sources.iter().map(|s| s.annual_budget)), bp.annual_budget);
    let executed = col("executed", "全年执行数", sum(sources.iter().map(|s| s.executed)), bp.executed);
    let balance = z(annual) - z(executed);
    let balance = col("balance", "资金结(转)余", Some(balance), bp.balance).unwrap_or_default();
    let rate = percent(z(executed), z(annual)).unwrap_or_default();
    let execution = match (z(annual).is_zero(), z(executed).cmp(&z(annual))) {
        (true, _) => "no_budget",
        (_, std::cmp::Ordering::Equal) => "full",
        (_, std::cmp::Ordering::Less) => "under",
        (_, std::cmp::Ordering::Greater) => "over",
    };
    let budget_score = round(BUDGET_WEIGHT * rate.min(Decimal::ONE_HUNDRED) / Decimal::ONE_HUNDRED, 2);
    let name = p.name.clone();
    let subj = |what: &str| format!("{name} {what}");
    cx.compare_rate("P-RATE", f, "budget.printed.rate", || subj("执行率 (表)"), Some(rate), bp.rate, "%");
    cx.compare_rate("P-RATE", f, "printed.rate", || subj("三.3 执行率"), Some(rate), p.printed.rate, "%");
    cx.compare_rate("P-BUDGET-SCORE", f, "budget.printed.score", || subj("预算执行得分 (表)"), Some(budget_score), bp.score, "分");
    cx.compare_rate("P-BUDGET-SCORE", f, "printed.budget_score", || subj("三.1 预算执行情况得分"), Some(budget_score), p.printed.budget_score, "分");

    let indicators = indicator_rows(&p.indicators);
    let indicator_weight: Decimal = indicators.iter().map(|r| r.weight).sum();
    let indicator_score: Decimal = indicators.iter().map(|r| r.score).sum();
    let total_score = budget_score + indicator_score;
    let (grade_index, grade) = cx.d.layout.grade_of(total_score);
    let grade = grade.to_string();
    cx.compare_rate("P-INDICATOR-SCORE", f, "printed.indicator_score", || subj("三.1 指标完成情况得分 (Σ 得分)"), Some(indicator_score), p.printed.indicator_score, "分");
    cx.compare_rate("P-TOTAL", f, "printed.total_score", || subj("三.1 总得分"), Some(total_score), p.printed.total_score, "分");

    let group = |l1: &str| {
        let rows = indicators.iter().filter(|r| r.ind.level1 == l1);
        let (full, score) = rows.fold((Decimal::ZERO, Decimal::ZERO), |(w, s), r| (w + r.weight, s + r.score));
        Group { full, score, rate: percent(score, full) }
    };
    let group2 = |l2: &str| {
        let rows = indicators.iter().filter(|r| r.ind.level2 == l2);
        let (full, score) = rows.fold((Decimal::ZERO, Decimal::ZERO), |(w, s), r| (w + r.weight, s + r.score));
        Group { full, score, rate: percent(score, full) }
    };
    let quantity = group2("数量指标");
    let quality = group2("质量指标");
    let output = group("产出指标");
    let effect = group("效益指标");
    let satisfaction_group = group("满意度指标");
    let pp = &p.printed;
    let mut yuan_cmp = |key: &str, what: &str, computed: Option<Decimal>, printed: Option<Money>| {
        cx.compare("P-PROSE-EXEC", f, &format!("printed.{key}"), || subj(what), computed, printed, Unit::Yuan, Decimal::ZERO);
    };
    yuan_cmp("initial_budget", "三.3 年初预算数 (预算编制合计)", compiled, pp.initial_budget);
    yuan_cmp("executed", "三.3 预算执行数 (全年执行数合计)", executed, pp.executed);
    yuan_cmp("balance", "三.3 结余资金", Some(balance), pp.balance);
    cx.compare_rate("P-PROSE-EXEC", f, "printed.execution_pct", || subj("三.3 预算执行%"), Some(rate), pp.execution_pct, "%");
    let score_cmp = |cx: &mut Ctx, key: &str, what: &str, computed: Option<Decimal>, printed: Option<Money>, unit| {
        cx.compare_rate("P-PROSE-OUTPUT", f, &format!("printed.{key}"), || subj(what), computed, printed, unit);
    };
    score_cmp(cx, "output_full", "三.4 产出指标满分 (Σ 权重)", Some(output.full), pp.output_full, "分");
    score_cmp(cx, "output_score", "三.4 产出指标评价得分 (Σ 得分)", Some(output.score), pp.output_score, "分");
    score_cmp(cx, "output_rate", "三.4 产出指标得分率", output.rate, pp.output_rate, "%");
    score_cmp(cx, "effect_full", "三.5 效益指标满分 (Σ 权重)", Some(effect.full), pp.effect_full, "分");
    score_cmp(cx, "effect_score", "三.5 效益指标评价得分 (Σ 得分)", Some(effect.score), pp.effect_score, "分");

    let row = |label: &str, annual: Option<Decimal>, executed: Option<Decimal>| BudgetRow {
        source: label.into(),
        application,
        compiled,
        annual_budget: annual,
        executed,
        balance,
        reason: None,
    };
    ProjectView {
        id: p.id.clone(),
        name: p.name.clone(),
        unit: p.unit.clone(),
        authority: p.authority.clone(),
        date_text: month_text(&p.date),
        text: ProjectText {
            summary: p.overview.summary.clone(),
            basis: p.overview.basis.clone(),
            necessity: p.overview.necessity.clone(),
            measures_impl: p.overview.measures.clone(),
            goal_period: p.goals.period.clone(),
            goal_annual: p.goals.annual.clone(),
            plan: p.plan.clone(),
            completion: p.completion.clone(),
            execution_analysis: p.execution_analysis.clone(),
            output_analysis: p.output_analysis.clone(),
            effect_analysis: p.effect_analysis.clone(),
            satisfaction: p.satisfaction.clone(),
            experience: p.experience.clone(),
            problems: p.problems.clone(),
            measures: p.measures.clone(),
        },
        total: row("合计", annual, executed),
        sources,
        rate,
        execution,
        budget_score,
        indicators,
        indicator_weight,
        indicator_score,
        total_score,
        grade,
        grade_index,
        output,
        effect,
        satisfaction_group,
        quantity,
        quality,
    }
}

/// `2024-12` → `2024年12月`.
fn month_text(date: &str) -> String {
    match date.split_once('-') {
        Some((y, m)) => format!("{y}年{}月", m.trim_start_matches('0')),
        None => date.to_string(),
    }
}

/// Indicator rows with the spans of runs of equal 一级 / 二级 cells.
fn indicator_rows(list: &[Indicator]) -> Vec<IndicatorRow> {
    let mut rows: Vec<IndicatorRow> = list
        .iter()
        .map(|i| IndicatorRow {
            ind: IndicatorText {
                level1: i.level1.clone(),
                level2: i.level2.clone(),
                name: i.name.clone(),
                initial: i.initial.clone(),
                target: i.target.clone(),
                actual: i.actual.clone(),
                note: i.note.clone(),
                deviation: i.deviation.clone(),
            },
            weight: i.weight.value,
            score: i.score.value,
            span1: 0,
            span2: 0,
        })
        .collect();
    let mut start = 0;
    while start < rows.len() {
        let l1 = rows[start].ind.level1.clone();
        let end = (start..rows.len()).find(|&k| rows[k].ind.level1 != l1).unwrap_or(rows.len());
        rows[start].span1 = end - start;
        let mut s2 = start;
        while s2 < end {
            let l2 = rows[s2].ind.level2.clone();
            let e2 = (s2..end).find(|&k| rows[k].ind.level2 != l2).unwrap_or(end);
            rows[s2].span2 = e2 - s2;
            s2 = e2;
        }
        start = end;
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_follow_the_thresholds() {
        assert_eq!(grade_of(Decimal::from(90)).0, "优");
        assert_eq!(grade_of("89.99".parse().unwrap()).0, "良");
        assert_eq!(grade_of("70.32".parse().unwrap()).0, "中");
        assert_eq!(grade_of(Decimal::from(54)).0, "差");
    }
}
