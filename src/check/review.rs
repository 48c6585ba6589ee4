//! The reviewer's rules (审核) — what a 财政局 reviewer catches beyond the forms' 勾稽关系:
//! 科目 names, 元/万元 slips, spending far from budget without a word, 三公 details, years
//! and codes in free text, template residue, income without expenditure, missed indicator
//! targets. Each rule applies wherever the data it needs is given.

use super::{loc, note};
use crate::compute::z;
use crate::compute::View;
use crate::diag::{Diagnostic, Severity};
use crate::model::Department;
use crate::money::fmt_plain;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The rules of this module: id and one-line description (joined to [`super::RULES`]).
pub const RULES: &[(&str, &str)] = &[
    ("C-CODE-NAME", "the same 科目编码 carries the same name in every form of the department"),
    ("C-CODE-NATIONAL", "a 科目's name is the one of the national 政府收支分类科目 of the booklet's year"),
    ("PL-UNIT", "元/万元 slip: a figure about 10⁴ times (or 1/10⁴ of) its prior-year or budget counterpart"),
    ("PL-THREE-OVER", "“三公” 决算 above 预算, in total or per item, with no reason given"),
    ("PL-BUDGET-GAP", "决算 far from 年初预算 (beyond the department's threshold, default 30 %) with no reason, per 类 and per 项 explained"),
    ("PL-OPERATING", "机关运行经费 not above the 公用经费 of the basic-expenditure form; present for a 行政 or 参公 unit"),
    ("PL-YEAR", "a comparison with a year that is neither the booklet's nor the one before, in free text"),
    ("PL-UNIT-CODE", "a 自评报告's 项目单位 / 主管部门 code is not the department's"),
    ("PL-THREE-DETAIL", "“三公” details: 接待 amounts add up to 公务接待费; cars bought vs 购置费; 出国 团组 vs 出国费"),
    ("PL-RESIDUE", "template residue in free text: placeholders, instructions, doubled words and punctuation"),
    ("X02-03", "a 项 with income but no expenditure (or the reverse) that no carry-over explains"),
    ("P-INDICATOR-TARGET", "自评报告: a quantitative target missed but given full marks, or missed with no 偏差原因"),
];

/// Runs every rule of this module.
pub fn review(d: &Department, v: &View) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    code_names(d, v, &mut out);
    national_names(d, v, &mut out);
    unit_slips(d, v, &mut out);
    three_over(d, v, &mut out);
    budget_gap(d, v, &mut out);
    operating(d, v, &mut out);
    free_text(d, &mut out);
    unit_codes(d, &mut out);
    three_details(d, v, &mut out);
    mirror(d, v, &mut out);
    indicator_targets(d, &mut out);
    out
}

/// The 科目 forms (data file key, printed name of the form) and their rows.
fn code_forms(d: &Department) -> [(&'static str, &'static str, &crate::model::CodeTable); 5] {
    [
        ("tables/02-income", "{form:income}", &d.t02),
        ("tables/03-expenditure", "{form:expenditure}", &d.t03),
        ("tables/05-general-budget", "{form:general_budget}", &d.t05),
        ("tables/07-gov-fund", "{form:gov_fund}", &d.t07),
        ("tables/08-soe-capital", "{form:soe_capital}", &d.t08),
    ]
}

/// C-CODE-NAME: one code, one name, across the 科目 forms.
fn code_names(d: &Department, _v: &View, out: &mut Vec<Diagnostic>) {
    let mut first: BTreeMap<&str, (&str, &str)> = BTreeMap::new();
    for (file, form, t) in code_forms(d) {
        for (i, r) in t.rows.iter().enumerate() {
            match first.get(r.code.as_str()) {
                Some((name, where_)) if *name != r.name => out.push(note(
                    "C-CODE-NAME",
                    loc(d, file, &format!("rows[{i}].name")),
                    Severity::Error,
                    format!("{form} {}: named “{}” here but “{name}” in {where_}", r.code, r.name),
                )),
                Some(_) => {}
                None => {
                    first.insert(&r.code, (&r.name, form));
                }
            }
        }
    }
}

/// C-CODE-NATIONAL: names against the national list of the booklet's year.
fn national_names(d: &Department, _v: &View, out: &mut Vec<Diagnostic>) {
    let Some(list) = crate::kemu::functional(d.info.year) else { return };
    // One finding per code, at the name C-CODE-NAME takes as the reference (its first); a
    // second name of the same code is C-CODE-NAME's finding.
    let mut seen = std::collections::HashSet::new();
    for (file, form, t) in code_forms(d) {
        for (i, r) in t.rows.iter().enumerate() {
            if !seen.insert(r.code.as_str()) {
                continue;
            }
            let Some(national) = list.get(r.code.as_str()) else { continue };
            if !same_name(national, &r.name) {
                out.push(
                    note(
                        "C-CODE-NATIONAL",
                        loc(d, file, &format!("rows[{i}].name")),
                        Severity::Warning,
                        format!("{form} {}: “{}” is “{national}” in the {} 政府收支分类科目", r.code, r.name, list.year),
                    )
                    .with_hint("correct the name, or the code if the name is the intended 科目"),
                );
            }
        }
    }
}

/// Names compared without spaces and with full-width brackets as half-width ones.
fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '（' => '(',
                '）' => ')',
                c => c,
            })
            .collect()
    };
    norm(a) == norm(b)
}

/// A ratio this far from 1 between two figures that should be of one order reads as 元
/// typed for 万元 (or the reverse).
const SLIP: i64 = 2000;

fn slipped(a: Decimal, b: Decimal) -> bool {
    let (a, b) = (a.abs(), b.abs());
    if a.is_zero() || b.is_zero() {
        return false;
    }
    let s = Decimal::from(SLIP);
    a >= b * s || b >= a * s
}

/// PL-UNIT: 元/万元 slips against the prior year, the budget and (projects) each other.
fn unit_slips(d: &Department, v: &View, out: &mut Vec<Diagnostic>) {
    let e = &v.expl;
    let fe = "explanation";
    let mut pairs: Vec<(String, String, Decimal, Decimal, &str)> = vec![
        ("prior_year.total".into(), "{section:total} 收入总计".into(), e.total_income.current, z(e.total_income.prior), "last year"),
        ("prior_year.fiscal_total".into(), "{section:fiscal} 财政拨款收支总计".into(), e.fiscal_income.current, z(e.fiscal_income.prior), "last year"),
        ("prior_year.general_budget".into(), "{section:general_budget} 一般公共预算财政拨款支出".into(), e.general_budget.current, z(e.general_budget.prior), "last year"),
        ("prior_year.gov_fund".into(), "{section:gov_fund} 政府性基金预算财政拨款".into(), e.gov_fund_income.current, z(e.gov_fund_income.prior), "last year"),
        ("prior_year.soe_capital".into(), "{section:soe_capital} 国有资本经营预算财政拨款支出".into(), e.soe_capital.current, z(e.soe_capital.prior), "last year"),
        ("prior_year.operating_funds".into(), "机关运行经费".into(), e.operating_funds_change.current, z(e.operating_funds_change.prior), "last year"),
    ];
    for c in &e.classes {
        pairs.push((format!("prior_year.general_budget_by_class.{}", c.code), format!("{} {}", c.code, c.name), c.amount, z(c.change.prior), "last year"));
        pairs.push((format!("annual_budget.general_budget_by_class.{}", c.code), format!("{} {}", c.code, c.name), c.amount, z(c.budget), "年初预算"));
    }
    for it in &e.three_items {
        pairs.push((format!("prior_year.three_public.{}", it.key), format!("“三公” {}", it.label), it.change.current, z(it.change.prior), "last year"));
    }
    for it in &e.items {
        pairs.push((format!("annual_budget.general_budget_by_item.{}", it.code), format!("{} {}", it.code, it.label), it.amount, z(it.budget), "年初预算"));
    }
    for (path, what, current, other, against) in pairs {
        if slipped(current, other) {
            out.push(
                note(
                    "PL-UNIT",
                    loc(d, fe, &path),
                    Severity::Warning,
                    format!("{what}: {}万元 this year against {}万元 {against} — a factor of about {}", fmt_plain(current), fmt_plain(other), factor(current, other)),
                )
                .with_hint("a figure in 元 where 万元 is expected (or the reverse)? amounts in this file are in 万元 unless they carry a unit"),
            );
        }
    }
    // The “三公” 决算 against its own 预算.
    for it in &e.three_items {
        if slipped(it.change.current, it.budget) {
            out.push(note(
                "PL-UNIT",
                loc(d, "tables/09-three-public", &format!("budget.{}", it.key)),
                Severity::Warning,
                format!("“三公” {}: 决算 {}万元 against 预算 {}万元 — a factor of about {}", it.label, fmt_plain(it.change.current), fmt_plain(it.budget), factor(it.change.current, it.budget)),
            ));
        }
    }
    // A project's 全年执行数 against its 全年预算数 and 年初预算数 (all in 元).
    for (p, pv) in d.projects.iter().zip(&v.projects) {
        for (i, s) in p.budget.sources.iter().enumerate() {
            let executed = money(s.executed);
            for (what, other) in [("全年预算数", money(s.annual_budget)), ("年初预算数", money(s.compiled))] {
                if slipped(executed, other) {
                    out.push(
                        note(
                            "PL-UNIT",
                            loc(d, &p.file_key, &format!("budget.sources[{i}].executed")),
                            Severity::Warning,
                            format!("{}: 全年执行数 {}元 against {what} {}元 — a factor of about {}", p.name, fmt_plain(executed), fmt_plain(other), factor(executed, other)),
                        )
                        .with_hint("project amounts are in 元: a figure typed in 万元?"),
                    );
                    break;
                }
            }
        }
        let _ = pv;
    }
}

fn money(m: Option<crate::money::Money>) -> Decimal {
    m.map(|m| m.value).unwrap_or_default()
}


/// The power of ten nearest the ratio of the larger to the smaller, as text (`10⁴`).
fn factor(a: Decimal, b: Decimal) -> String {
    let (a, b) = (a.abs(), b.abs());
    let r = if a > b { a / b } else { b / a };
    let mut p = 0;
    let mut x = Decimal::ONE;
    while x * Decimal::from(10) <= r * Decimal::new(3162, 3) && p < 12 {
        x *= Decimal::from(10);
        p += 1;
    }
    let sup = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    if p < 10 {
        format!("10{}", sup[p])
    } else {
        format!("10^{p}")
    }
}

/// PL-THREE-OVER: “三公” spent above budget wants a reason.
fn three_over(d: &Department, v: &View, out: &mut Vec<Diagnostic>) {
    let e = &v.expl;
    let f09 = "tables/09-three-public";
    for it in &e.three_items {
        if it.change.current > it.budget && it.vs_budget.is_none() {
            out.push(
                note(
                    "PL-THREE-OVER",
                    loc(d, f09, &format!("actual.{}", it.key)),
                    Severity::Warning,
                    format!(
                        "“三公” {}: 决算 {}万元 exceeds 预算 {}万元 (difference {}万元) and no reason is given",
                        it.label,
                        fmt_plain(it.change.current),
                        fmt_plain(it.budget),
                        fmt_plain(it.change.current - it.budget)
                    ),
                )
                .with_hint(format!("give explanation.yaml reasons.three_public_vs_budget.{}", it.key)),
            );
        }
    }
    let actual = e.three_actual.current;
    if actual > e.three_budget && e.three_vs_budget.is_none() {
        out.push(
            note(
                "PL-THREE-OVER",
                loc(d, f09, "actual"),
                Severity::Warning,
                format!(
                    "“三公”经费: 决算 {}万元 exceeds 预算 {}万元 (difference {}万元) and no reason is given",
                    fmt_plain(actual),
                    fmt_plain(e.three_budget),
                    fmt_plain(actual - e.three_budget)
                ),
            )
            .with_hint("give explanation.yaml reasons.three_public_vs_budget.total"),
        );
    }
}

/// PL-BUDGET-GAP: a 类 (or an explained 项) far from its 年初预算 without a reason.
fn budget_gap(d: &Department, v: &View, out: &mut Vec<Diagnostic>) {
    let limit = d.info.review.budget_gap.map_or(Decimal::from(30), |m| m.value);
    let r = &d.explanation.reasons;
    // (code, label, 决算, 年初预算, reason given, where the budget is, where the reason goes)
    let mut lines = Vec::new();
    for c in &v.expl.classes {
        let given = r.general_budget_vs_budget_by_class.contains_key(&c.code);
        let label = format!("{} {}", c.code, c.name);
        lines.push((label, c.amount, c.budget, given, format!("annual_budget.general_budget_by_class.{}", c.code), format!("reasons.general_budget_vs_budget_by_class.{}", c.code)));
    }
    for (items, key) in [(&v.expl.items, "general_budget_by_item"), (&v.expl.gov_fund_items, "gov_fund_by_item"), (&v.expl.soe_capital_items, "soe_capital_by_item")] {
        for it in items.iter() {
            let label = format!("{} {}", it.code, it.label);
            lines.push((label, it.amount, it.budget, it.reason.is_some(), format!("annual_budget.{key}.{}", it.code), format!("reasons.{key}.{}", it.code)));
        }
    }
    for (label, amount, budget, given, at, reason) in lines {
        let Some(budget) = budget.filter(|b| !b.is_zero()) else { continue };
        let gap = crate::money::round((amount - budget).abs() / budget.abs() * Decimal::ONE_HUNDRED, 2);
        if given || gap <= limit {
            continue;
        }
        out.push(
            note(
                "PL-BUDGET-GAP",
                loc(d, "explanation", &at),
                Severity::Warning,
                format!(
                    "{label}: 支出决算 {}万元 is {}% away from 年初预算 {}万元 (difference {}万元; threshold {}%) and no reason is given",
                    fmt_plain(amount),
                    fmt_plain(gap),
                    fmt_plain(budget),
                    fmt_plain(amount - budget),
                    fmt_plain(limit)
                ),
            )
            .with_hint(format!("give explanation.yaml {reason}")),
        );
    }
}

/// PL-OPERATING: 机关运行经费 within the 公用经费, and given for an administrative unit.
fn operating(d: &Department, v: &View, out: &mut Vec<Diagnostic>) {
    let e = &v.expl;
    let public = z(v.t06.public_total);
    let f10 = "tables/10-statistics";
    let given = d.t10.operating_funds.administrative.is_some() || d.t10.operating_funds.civil_servant_managed.is_some();
    if given && e.operating_funds > public {
        out.push(note(
            "PL-OPERATING",
            loc(d, f10, "operating_funds"),
            Severity::Warning,
            format!(
                "机关运行经费 {}万元 exceeds the 公用经费 of {{form:basic_detail}} {}万元 (difference {}万元)",
                fmt_plain(e.operating_funds),
                fmt_plain(public),
                fmt_plain(e.operating_funds - public)
            ),
        ));
    }
    let kind = d.info.unit_type.as_deref().unwrap_or("");
    let administrative = kind.contains("行政") || kind.contains("参公") || kind.contains("参照公务员");
    if administrative && e.operating_funds.is_zero() && public > Decimal::ZERO {
        out.push(
            note(
                "PL-OPERATING",
                loc(d, f10, "operating_funds"),
                Severity::Warning,
                format!("机关运行经费 is 0 for a {kind} with 公用经费 of {}万元", fmt_plain(public)),
            )
            .with_hint("a 行政单位 or 参公事业单位 reports its 公用经费 as 机关运行经费"),
        );
    }
}

/// Calls `f` with every free text of one data file's value: (path, text). Names of 科目 and
/// printed labels are not free text; project ids and dates neither.
fn free_texts<T: serde::Serialize>(value: &T, f: &mut dyn FnMut(&str, &str)) {
    super::texts::each_string(value, &mut |p, s| {
        let skip = p.starts_with("printed") || p.ends_with(".printed") || p.contains(".printed.") || p == "id" || p == "date" || p == "layout" || p.starts_with("fonts");
        if !skip {
            f(p, s);
        }
    });
}

/// PL-YEAR and PL-RESIDUE over every free text: the department's files, then its projects
/// (on every core; a department may have 100,000 of them).
fn free_text(d: &Department, out: &mut Vec<Diagnostic>) {
    use rayon::prelude::*;
    out.extend(free_text_of(d, "explanation", &d.explanation));
    out.extend(free_text_of(d, "department", &d.info));
    let projects: Vec<Vec<Diagnostic>> = d.projects.par_iter().map(|p| free_text_of(d, &p.file_key, p)).collect();
    out.extend(projects.into_iter().flatten());
}

/// PL-YEAR and PL-RESIDUE over the free texts of one data file.
fn free_text_of<T: serde::Serialize>(d: &Department, file: &str, value: &T) -> Vec<Diagnostic> {
    let year = d.info.year;
    let mut out = Vec::new();
    free_texts(value, &mut |path, text| {
        for y in compared_years(text) {
            if y != year && y != year - 1 {
                out.push(
                    note(
                        "PL-YEAR",
                        loc(d, file, path),
                        Severity::Warning,
                        format!("a comparison with {y}年 in a {year} booklet: “{}”", excerpt(text, &format!("{y}"))),
                    )
                    .with_hint(format!("compare with {}年 (上年), or say why another year", year - 1)),
                );
            }
        }
        if let Some(found) = residue(text) {
            out.push(note("PL-RESIDUE", loc(d, file, path), Severity::Warning, format!("{found}: “{}”", excerpt(text, found.split('“').nth(1).and_then(|s| s.split('”').next()).unwrap_or("")))));
        }
    });
    out
}

/// Years compared with: “较2022年”, “比2022年”, “与2022年相比”, “同2022年”, “2022年同期”.
fn compared_years(text: &str) -> Vec<i32> {
    let mut found = Vec::new();
    for (b, _) in text.match_indices('年') {
        // Four ASCII digits right before 年, not the tail of a longer number.
        let Some(digits) = b.checked_sub(4).and_then(|a| text.get(a..b)) else { continue };
        let head = &text[..b - 4];
        let before = head.chars().next_back();
        if !digits.bytes().all(|c| c.is_ascii_digit()) || before.is_some_and(|c| c.is_ascii_digit()) {
            continue;
        }
        let after: String = text[b + '年'.len_utf8()..].chars().take(4).collect();
        let before = before.unwrap_or(' ');
        let compares = matches!(before, '较' | '比' | '同') || (before == '与' && after.contains("相比")) || after.starts_with("同期") || after.starts_with("相比");
        if compares {
            if let Ok(y) = digits.parse() {
                found.push(y);
            }
        }
    }
    found
}

/// Placeholders, template instructions, doubled words and punctuation.
const PLACEHOLDERS: &[&str] = &["XX", "××", "xx", "ＸＸ", "待填写", "待补充", "此处填写", "请填写", "【】", "【请", "【填", "……"];
const INSTRUCTIONS: &[&str] = &["如持平作持平表述", "持平作持平表述", "（如有）", "(如有)", "根据实际情况填写", "按实际填写", "增加（减少）", "增加(减少)", "增长（下降）", "大于（小于）", "小于（大于）", "增加/减少"];
const DOUBLED: &[&str] = &["的的", "了了", "，，", "。。", "、、", "；；", "：：", "减增加", "增减少", "增加减少", "减少增加", "上升下降", "下降上升"];

/// The first residue in `text`, in one pass over it (every text of a department is read).
fn residue(text: &str) -> Option<String> {
    use aho_corasick::AhoCorasick;
    static ALL: std::sync::OnceLock<AhoCorasick> = std::sync::OnceLock::new();
    let all = ALL.get_or_init(|| {
        AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            // A DFA takes milliseconds to build: more than a department's texts take to scan.
            .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
            .build(PLACEHOLDERS.iter().chain(INSTRUCTIONS).chain(DOUBLED))
            .expect("fixed patterns")
    });
    for m in all.find_iter(text) {
        let i = m.pattern().as_usize();
        let p = &text[m.start()..m.end()];
        if i < PLACEHOLDERS.len() {
            if !p.starts_with(['x', 'X']) || latin_placeholder(text, p) {
                return Some(format!("a placeholder “{p}” left in"));
            }
        } else if i < PLACEHOLDERS.len() + INSTRUCTIONS.len() {
            return Some(format!("the template's instruction “{p}” left in"));
        } else {
            return Some(format!("doubled or contradictory words “{p}”"));
        }
    }
    None
}

/// `XX` as a placeholder, not inside a Latin word or code (`XXL`, `LXKFQ`).
fn latin_placeholder(text: &str, p: &str) -> bool {
    text.match_indices(p).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + p.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric()) && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

/// A short excerpt of `text` around `needle` (at most 40 characters).
fn excerpt(text: &str, needle: &str) -> String {
    let cs: Vec<char> = text.chars().collect();
    let at = text.find(needle).map_or(0, |b| text[..b].chars().count());
    let start = at.saturating_sub(12);
    let end = (at + needle.chars().count() + 16).min(cs.len());
    let mut s: String = cs[start..end].iter().collect();
    if start > 0 {
        s.insert(0, '…');
    }
    if end < cs.len() {
        s.push('…');
    }
    crate::diag::printable(&s).into_owned()
}

/// PL-UNIT-CODE: `601001-单位` under department `601`.
fn unit_codes(d: &Department, out: &mut Vec<Diagnostic>) {
    let Some(code) = d.info.code.as_deref() else { return };
    for p in &d.projects {
        for (field, value, exact) in [("unit", &p.unit, false), ("authority", &p.authority, true)] {
            let Some(c) = leading_code(value) else { continue };
            let ok = if exact { c == code } else { c.starts_with(code) };
            if !ok {
                out.push(note(
                    "PL-UNIT-CODE",
                    loc(d, &p.file_key, field),
                    Severity::Warning,
                    format!(
                        "{}: {} code {c} is not {} department {code}",
                        p.name,
                        if exact { "主管部门" } else { "项目单位" },
                        if exact { "the" } else { "under the" }
                    ),
                ));
            }
        }
    }
}

/// The digits before `-` in `601001-岚县…`.
fn leading_code(s: &str) -> Option<&str> {
    let (c, _) = s.split_once(['-', '－', ' '])?;
    (!c.is_empty() && c.chars().all(|ch| ch.is_ascii_digit())).then_some(c)
}

/// PL-THREE-DETAIL: the 九(二) details against the 三公 amounts.
fn three_details(d: &Department, v: &View, out: &mut Vec<Diagnostic>) {
    let t = &d.explanation.three_public_details;
    let a = &v.t09.actual;
    let fe = "explanation";
    let w = crate::compute::wan;
    let rec = &t.reception;
    let parts = [w(rec.domestic.amount), w(rec.foreign_affairs.amount), w(rec.overseas.amount)];
    if parts.iter().any(Option::is_some) {
        let sum: Decimal = parts.iter().map(|x| z(*x)).sum();
        let reception = z(a.reception);
        if sum != reception {
            let diff = sum - reception;
            out.push(note(
                "PL-THREE-DETAIL",
                loc(d, fe, "three_public_details.reception"),
                if diff.abs() <= Decimal::new(1, 2) { Severity::Warning } else { Severity::Error },
                format!(
                    "公务接待: 国内 + 外事 + 境外 {}万元 ≠ 公务接待费 {}万元 (difference {}万元)",
                    fmt_plain(sum),
                    fmt_plain(reception),
                    fmt_plain(diff)
                ),
            ));
        }
    }
    for (key, label, r) in [("domestic", "国内公务接待", &rec.domestic), ("foreign_affairs", "外事接待", &rec.foreign_affairs), ("overseas", "境外接待", &rec.overseas)] {
        let amount = z(w(r.amount));
        let batches = money(r.batches);
        if (amount > Decimal::ZERO && r.batches.is_some() && batches.is_zero()) || (amount.is_zero() && r.amount.is_some() && batches > Decimal::ZERO) {
            out.push(note(
                "PL-THREE-DETAIL",
                loc(d, fe, &format!("three_public_details.reception.{key}")),
                Severity::Warning,
                format!("{label}: {}万元 for {} 批次", fmt_plain(amount), fmt_plain(batches)),
            ));
        }
    }
    let purchase = z(a.car_purchase);
    if let Some(cars) = t.car_purchase.cars.map(|m| m.value) {
        if (cars.is_zero() && purchase > Decimal::ZERO) || (cars > Decimal::ZERO && purchase.is_zero()) {
            out.push(note(
                "PL-THREE-DETAIL",
                loc(d, fe, "three_public_details.car_purchase.cars"),
                Severity::Warning,
                format!("公务用车购置: {} 辆 bought but 购置费 {}万元", fmt_plain(cars), fmt_plain(purchase)),
            ));
        }
    }
    let abroad = z(a.abroad);
    let groups = t.abroad.groups.map(|m| m.value);
    let people = t.abroad.people.map(|m| m.value);
    let none = groups.is_some_and(|g| g.is_zero()) || people.is_some_and(|p| p.is_zero());
    let some = groups.is_some_and(|g| g > Decimal::ZERO) || people.is_some_and(|p| p > Decimal::ZERO);
    if (none && abroad > Decimal::ZERO) || (some && abroad.is_zero()) {
        out.push(note(
            "PL-THREE-DETAIL",
            loc(d, fe, "three_public_details.abroad"),
            Severity::Warning,
            format!(
                "因公出国（境）: {} 个团组, {} 人次, but 出国费 {}万元",
                groups.map_or("—".into(), fmt_plain),
                people.map_or("—".into(), fmt_plain),
                fmt_plain(abroad)
            ),
        ));
    }
}

/// X02-03: the income and expenditure forms mirror each other by 项.
fn mirror(d: &Department, v: &View, out: &mut Vec<Diagnostic>) {
    if v.t02.empty || v.t03.empty {
        return;
    }
    let opening = z(v.t01.opening_balance) + z(v.t01.non_fiscal_balance_used);
    let closing = z(v.t01.closing_balance);
    let items = |t: &crate::compute::CodeTableView| -> BTreeMap<String, Decimal> {
        t.rows.iter().filter(|r| r.level == 3).map(|r| (r.code.clone(), z(r.values.get("total").copied().flatten()))).collect()
    };
    let income = items(&v.t02);
    let spent = items(&v.t03);
    for (i, r) in d.t02.rows.iter().enumerate().filter(|(_, r)| r.code.len() == 7) {
        let inc = z(income.get(&r.code).copied());
        if inc > Decimal::ZERO && z(spent.get(&r.code).copied()).is_zero() && inc > closing {
            out.push(note(
                "X02-03",
                loc(d, "tables/02-income", &format!("rows[{i}]")),
                Severity::Warning,
                format!(
                    "{} {}: income {}万元 in {{form:income}} but no expenditure in {{form:expenditure}}, and the 年末结转和结余 ({}万元) cannot hold it",
                    r.code,
                    r.name,
                    fmt_plain(inc),
                    fmt_plain(closing)
                ),
            ));
        }
    }
    for (i, r) in d.t03.rows.iter().enumerate().filter(|(_, r)| r.code.len() == 7) {
        let exp = z(spent.get(&r.code).copied());
        if exp > Decimal::ZERO && z(income.get(&r.code).copied()).is_zero() && exp > opening {
            out.push(note(
                "X02-03",
                loc(d, "tables/03-expenditure", &format!("rows[{i}]")),
                Severity::Warning,
                format!(
                    "{} {}: expenditure {}万元 in {{form:expenditure}} but no income in {{form:income}}, and the 年初结转和结余 ({}万元) cannot pay for it",
                    r.code,
                    r.name,
                    fmt_plain(exp),
                    fmt_plain(opening)
                ),
            ));
        }
    }
}

/// A quantitative indicator value: comparison, number, unit (`≥95%`, `=3人`, `≤5天`).
#[derive(Debug, PartialEq)]
pub(crate) struct Quantity {
    op: char,
    value: Decimal,
    unit: String,
}

pub(crate) fn quantity(s: &str) -> Option<Quantity> {
    let s = s.trim();
    let (op, rest) = match s.chars().next()? {
        c @ ('≥' | '≤' | '=' | '＝' | '>' | '<' | '＞' | '＜') => (c, &s[c.len_utf8()..]),
        _ => ('=', s),
    };
    let op = match op {
        '＝' => '=',
        '＞' => '>',
        '＜' => '<',
        c => c,
    };
    let rest = rest.trim();
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
    if end == 0 {
        return None;
    }
    let value: Decimal = rest[..end].parse().ok()?;
    let unit = rest[end..].trim().trim_start_matches('/').to_string();
    // A year, a date or a range is not a quantity.
    if unit.starts_with('年') && unit.len() > '年'.len_utf8() || unit.contains('至') || unit.contains('-') {
        return None;
    }
    Some(Quantity { op, value, unit })
}

/// Whether `actual` misses `target`; `None` when they cannot be compared.
pub(crate) fn missed(target: &Quantity, actual: &Quantity) -> Option<bool> {
    if !(actual.unit.is_empty() || actual.unit == target.unit) || actual.op != '=' {
        return None;
    }
    let (t, a) = (target.value, actual.value);
    Some(match target.op {
        '≥' => a < t,
        '>' => a <= t,
        '≤' => a > t,
        '<' => a >= t,
        _ => a != t,
    })
}

/// P-INDICATOR-TARGET: missed quantitative targets.
fn indicator_targets(d: &Department, out: &mut Vec<Diagnostic>) {
    for p in &d.projects {
        for (i, ind) in p.indicators.iter().enumerate() {
            let Some(target) = ind.target.as_deref().or(ind.initial.as_deref()) else { continue };
            let Some(actual) = ind.actual.as_deref() else { continue };
            let (Some(mut t), Some(a)) = (quantity(target), quantity(actual)) else { continue };
            if t.op == '=' && !target.trim_start().starts_with(['=', '＝']) {
                continue;
            }
            // A cost (成本指标) is met by spending no more than the target.
            if ind.level2.contains("成本") && t.op == '=' {
                t.op = '≤';
            }
            if missed(&t, &a) != Some(true) {
                continue;
            }
            let full = ind.score.value >= ind.weight.value;
            let reason = ind.deviation.as_deref().map(str::trim).filter(|r| !r.is_empty() && *r != "无");
            let what = if full { "is given full marks" } else if reason.is_none() { "has no 偏差原因" } else { continue };
            out.push(note(
                "P-INDICATOR-TARGET",
                loc(d, &p.file_key, &format!("indicators[{i}].actual")),
                Severity::Warning,
                format!(
                    "{}: indicator “{}” reached {} against the target {} but {what} ({}分 of {}分)",
                    p.name,
                    ind.name,
                    crate::diag::printable(actual),
                    crate::diag::printable(target),
                    fmt_plain(ind.score.value),
                    fmt_plain(ind.weight.value)
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_parse_and_compare() {
        let q = |s| quantity(s).unwrap();
        assert_eq!(q("≥95%").unit, "%");
        assert_eq!(q("=894371.00/元").unit, "元");
        assert!(quantity("2024年12月").is_none());
        assert!(quantity("达成预期指标").is_none());
        assert_eq!(missed(&q("≥95%"), &q("90")), Some(true));
        assert_eq!(missed(&q("≥95%"), &q("100%")), Some(false));
        assert_eq!(missed(&q("=3人"), &q("3")), Some(false));
        assert_eq!(missed(&q("≤5天"), &q("6天")), Some(true));
        assert_eq!(missed(&q("=3人"), &q("3套")), None);
    }

    #[test]
    fn compared_years_are_found_only_in_comparisons() {
        assert_eq!(compared_years("较2022年增加10万元"), vec![2022]);
        assert_eq!(compared_years("与2021年相比"), vec![2021]);
        assert!(compared_years("在2021年5月聘请第三方").is_empty());
        assert!(compared_years("吕乡振发〔2023〕2号").is_empty());
    }

    #[test]
    fn residue_is_found_and_codes_are_not() {
        assert!(residue("本年收入XX万元").is_some());
        assert!(residue("编号LXKFQ2024XX01").is_none());
        assert!(residue("主要用于的的办公").is_some());
        assert!(residue("如持平作持平表述").is_some());
        assert!(residue("正常文字。").is_none());
    }

    #[test]
    fn slips_are_about_ten_thousand() {
        assert!(slipped(Decimal::from(11878), Decimal::from(118_788_400)));
        assert!(!slipped(Decimal::from(100), Decimal::from(130)));
        assert_eq!(factor(Decimal::from(11878), Decimal::from(118_788_400)), "10⁴");
    }
}
