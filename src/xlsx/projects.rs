//! `juesuan import` of a 项目支出绩效自评表 workbook: a sheet per project (ours from `export`,
//! or the standard form a department fills in) into `projects/<id>.yaml`.
//!
//! Labels, not positions: 项目名称 / 主管部门 / 实施单位 (项目单位) are read beside their label;
//! the 资金 table by its header (资金来源, 年初预算数 — 目标申报 / 预算编制 —, 全年预算数,
//! 全年执行数, 执行率, 得分, 偏差原因), the 合计 (年度资金总额) row under `printed:`; the
//! indicator table by its header (一级指标, 二级指标, 三级指标 or 指标名称, 年初指标,
//! 调整后指标 or 年度指标值, 实际完成值, 权重 or 分值, 得分, 偏差原因); 年度总体目标 and
//! 实际完成情况 beside their labels. Amounts are in 元 unless the header says 万元.

use super::import::{cell_amount_in, norm_label, quoted_str, Cx};
use calamine::Data;
use rust_decimal::Decimal;
use std::collections::BTreeSet;

/// Whether a sheet looks like a 绩效自评表 (a header with 一级指标 and 二级指标).
pub(crate) fn is_project_sheet(cx: &Cx) -> bool {
    find_row(cx, &["一级指标", "二级指标"]).is_some()
}

fn find_row(cx: &Cx, labels: &[&str]) -> Option<u32> {
    let s = cx.sheet;
    (0..s.rows()).find(|&r| labels.iter().all(|l| (0..s.cols()).any(|c| s.shown_label(r, c).contains(l))))
}

/// The text beside a label: `项目名称：X` in one cell, or the next non-empty cell to its right.
fn beside(cx: &Cx, labels: &[&str]) -> Option<(u32, u32, String)> {
    let s = cx.sheet;
    for r in 0..s.rows() {
        for c in 0..s.cols() {
            let raw = super::import::text_at(s, r, c);
            let t = norm_label(&raw);
            for l in labels {
                if let Some(rest) = t.strip_prefix(l) {
                    let rest = rest.trim_start_matches(['：', ':']);
                    if !rest.is_empty() {
                        let raw_rest = raw.split_once(['：', ':']).map(|(_, v)| v.trim().to_string()).unwrap_or_else(|| rest.to_string());
                        return Some((r, c, raw_rest));
                    }
                    let end = s.merge_end(r, c);
                    for x in end + 1..s.cols() {
                        let v = super::import::text_at(s, r, x).trim().to_string();
                        if !v.is_empty() {
                            return Some((r, x, v));
                        }
                    }
                }
            }
        }
    }
    None
}

/// Each column's header texts over `rows` (merged cells repeat), joined.
fn header(cx: &Cx, rows: std::ops::RangeInclusive<u32>, c: u32) -> String {
    let mut out = String::new();
    for r in rows {
        let t = cx.sheet.shown_label(r, c);
        if !out.ends_with(&t) {
            out.push_str(&t);
            out.push('|');
        }
    }
    out
}

fn dec(d: Decimal) -> String {
    d.normalize().to_string()
}

/// One project sheet → (id, YAML text).
pub(crate) fn project(cx: &mut Cx, id: &str, year: i32) -> Option<String> {
    let before = cx.errors.len();
    let s = cx.sheet;
    let name = beside(cx, &["项目名称"]).map(|x| x.2);
    let unit = beside(cx, &["实施单位", "项目单位"]).map(|x| x.2);
    let authority = beside(cx, &["主管部门"]).map(|x| x.2);
    let Some(name) = name else {
        cx.error(0, 0, "no 项目名称 found (a cell `项目名称` with the name beside it)", "");
        return None;
    };
    let mut y = format!("# 项目支出绩效自评表, imported from sheet `{}` by `juesuan import` (元).\nid: {}\nname: {}\n", s.name, quoted_str(id), quoted_str(&name));
    // 报告日期 `2024年12月` (or `2024-12`); else December of the department's year.
    let date = beside(cx, &["报告日期"]).and_then(|(_, _, t)| {
        let digits: Vec<u32> = t.split(|c: char| !c.is_ascii_digit()).filter(|x| !x.is_empty()).filter_map(|x| x.parse().ok()).collect();
        match digits[..] {
            [y, m, ..] if (1..=12).contains(&m) && (1900..=9999).contains(&y) => Some(format!("{y}-{m:02}")),
            _ => None,
        }
    });
    let at = cx.place_sheet();
    let date = date.unwrap_or_else(|| {
        cx.report.push(format!("{at}: no 报告日期 in the sheet: date {year}-12 (the department's year)"));
        format!("{year}-12")
    });
    y.push_str(&format!("unit: {}\nauthority: {}\ndate: \"{date}\"\n", quoted_str(unit.as_deref().unwrap_or("")), quoted_str(authority.as_deref().unwrap_or(""))));
    if unit.is_none() || authority.is_none() {
        cx.report.push(format!("{at}: 实施单位 or 主管部门 not found: left empty"));
    }
    if let Some((_, _, g)) = beside(cx, &["年度总体目标", "年度目标"]) {
        y.push_str(&format!("goals: {{annual: {}}}\n", quoted_str(&g)));
    }
    // 资金: the header row naming 全年预算数 and 全年执行数 (and the row below, for 目标申报).
    let mut taken: BTreeSet<u32> = BTreeSet::new();
    let Some(bh) = find_row(cx, &["全年预算数", "全年执行数"]) else {
        cx.error(0, 0, "no 资金 table (a header with 全年预算数 and 全年执行数)", "");
        return None;
    };
    let sub = bh + 1;
    let has_sub = (0..s.cols()).any(|c| {
        let t = s.label(sub, c);
        t.contains("目标申报") || t.contains("预算编制")
    });
    let last_head = if has_sub { sub } else { bh };
    let wan = (bh..=last_head).any(|r| (0..s.cols()).any(|c| s.shown_label(r, c).contains("万元")));
    let mut cols: Vec<(&str, u32)> = Vec::new();
    for c in 0..s.cols() {
        let h = header(cx, bh..=last_head, c);
        let key = if h.contains("目标申报") {
            "application"
        } else if h.contains("预算编制") || (h.contains("年初预算数") && !has_sub) {
            "compiled"
        } else if h.contains("全年预算数") {
            "annual_budget"
        } else if h.contains("全年执行数") {
            "executed"
        } else if h.contains("结（转）余") || h.contains("结转结余") || h.contains("结余") {
            "balance"
        } else if h.contains("执行率") {
            "rate"
        } else if h.contains("得分") {
            "score"
        } else if h.contains("偏差原因") || h.contains("未执行原因") {
            "reason"
        } else if h.contains("资金来源") || h.contains("项目资金") {
            continue;
        } else {
            if !h.trim_matches('|').is_empty() && !h.contains("年初预算数") {
                let at = cx.at(bh, c);
                cx.report.push(format!("{at}: column `{}` of the 资金 table not imported", h.trim_matches('|').replace('|', "/")));
            }
            continue;
        };
        if !cols.iter().any(|(k, _)| *k == key) {
            cols.push((key, c));
        }
    }
    let mut sources = Vec::new();
    let mut total: Vec<String> = Vec::new();
    let mut r = last_head + 1;
    // Amounts in the header's unit; 执行率 (`100%` or `100`) and 得分 as they stand.
    let amount = |cx: &mut Cx, r: u32, c: u32, key: &str| -> Option<Decimal> {
        if key == "rate" || key == "score" {
            if let Data::String(t) = cx.sheet.get(r, c) {
                if let Some(p) = t.trim().strip_suffix('%') {
                    return match crate::money::parse_amount(p) {
                        Ok(m) => Some(m.value),
                        Err(e) => {
                            cx.error(r, c, e.0, "");
                            None
                        }
                    };
                }
            }
            return cell_amount_in(cx, r, c, None);
        }
        cell_amount_in(cx, r, c, if wan { Some(Decimal::from(10000)) } else { None })
    };
    // The row's label: the last text left of the first figure column (a 项目资金 cell merged
    // down the rows may stand before it).
    let first_fig = cols.iter().filter(|(k, _)| *k != "reason").map(|(_, c)| *c).min().unwrap_or(1);
    while r < s.rows() {
        let label = (0..first_fig).rev().map(|c| super::import::text_at(s, r, c).trim().to_string()).find(|t| !t.is_empty()).unwrap_or_default();
        let l = norm_label(&label);
        if l.is_empty() && s.row_empty(r) {
            break;
        }
        if l.contains("一级指标") || l.contains("年度总体目标") || l.starts_with('（') || l.contains("绩效指标") {
            break;
        }
        taken.insert(r);
        let get = |cx: &mut Cx, key: &str| cols.iter().find(|(k, _)| *k == key).and_then(|(_, c)| amount(cx, r, *c, key));
        let reason = cols.iter().find(|(k, _)| *k == "reason").map(|(_, c)| super::import::text_at(s, r, *c).trim().to_string()).filter(|t| !t.is_empty());
        if l == "合计" || l.contains("资金总额") || l == "总计" {
            for k in ["application", "compiled", "annual_budget", "executed", "balance", "rate", "score"] {
                if let Some(v) = get(cx, k) {
                    total.push(format!("{k}: {}", dec(v)));
                }
            }
        } else {
            let source = label.trim_start_matches("其中：").trim_start_matches("其中:").trim().to_string();
            let mut parts = vec![format!("source: {}", quoted_str(&source))];
            for k in ["application", "compiled", "annual_budget", "executed"] {
                if let Some(v) = get(cx, k) {
                    parts.push(format!("{k}: {}", dec(v)));
                }
            }
            if let Some(t) = reason {
                parts.push(format!("reason: {}", quoted_str(&t)));
            }
            if let Some(b) = get(cx, "balance") {
                parts.push(format!("printed: {{balance: {}}}", dec(b)));
            }
            sources.push(format!("    - {{{}}}", parts.join(", ")));
        }
        r += 1;
    }
    y.push_str("budget:\n  sources:\n");
    for l in &sources {
        y.push_str(l);
        y.push('\n');
    }
    if !total.is_empty() {
        y.push_str(&format!("  printed: {{{}}}\n", total.join(", ")));
    }
    // Indicators.
    if let Some(ih) = find_row(cx, &["一级指标", "二级指标"]) {
        let sub = ih + 1;
        let has_sub = (0..s.cols()).any(|c| {
            let t = s.label(sub, c);
            t.contains("年初指标") || t.contains("调整后指标")
        });
        let last_head = if has_sub { sub } else { ih };
        let mut icols: Vec<(&str, u32)> = Vec::new();
        for c in 0..s.cols() {
            let h = header(cx, ih..=last_head, c);
            let key = if h.contains("一级指标") {
                "level1"
            } else if h.contains("二级指标") {
                "level2"
            } else if h.contains("三级指标") || h.contains("指标名称") {
                "name"
            } else if h.contains("年初指标") {
                "initial"
            } else if h.contains("调整后指标") || h.contains("年度指标值") {
                "target"
            } else if h.contains("实际完成值") {
                "actual"
            } else if h.contains("定性值") {
                "note"
            } else if h.contains("权重") || h.contains("分值") {
                "weight"
            } else if h.contains("得分") {
                "score"
            } else if h.contains("偏差原因") {
                "deviation"
            } else {
                if !h.trim_matches('|').is_empty() && !h.contains("年度指标") {
                    let at = cx.at(ih, c);
                    cx.report.push(format!("{at}: column `{}` of the indicator table not imported", h.trim_matches('|').replace('|', "/")));
                }
                continue;
            };
            if !icols.iter().any(|(k, _)| *k == key) {
                icols.push((key, c));
            }
        }
        let col = |k: &str| icols.iter().find(|(x, _)| *x == k).map(|(_, c)| *c);
        let mut lines = Vec::new();
        for r in last_head + 1..s.rows() {
            if s.row_empty(r) {
                continue;
            }
            let text = |k: &str| col(k).map(|c| super::import::text_at_shown(s, r, c).trim().to_string()).filter(|t| !t.is_empty());
            let (Some(l1), Some(l2), Some(name)) = (text("level1"), text("level2"), text("name")) else {
                let at = cx.at(r, 0);
                let first = (0..s.cols()).map(|c| super::import::text_at(s, r, c)).find(|t| !t.trim().is_empty()).unwrap_or_default();
                cx.report.push(format!("{at}: row `{}` below the indicators is not an indicator, not imported", first.chars().take(20).collect::<String>()));
                continue;
            };
            let mut parts = vec![format!("level1: {}", quoted_str(&l1)), format!("level2: {}", quoted_str(&l2)), format!("name: {}", quoted_str(&name))];
            for k in ["initial", "target", "actual", "note"] {
                if let Some(t) = text(k) {
                    parts.push(format!("{k}: {}", quoted_str(&t)));
                }
            }
            for k in ["weight", "score"] {
                match col(k).and_then(|c| cell_amount_in(cx, r, c, None)) {
                    Some(v) => parts.push(format!("{k}: {}", dec(v))),
                    None => {
                        if cx.errors.len() == before {
                            cx.error(r, col(k).unwrap_or(0), format!("indicator `{name}` has no {}", if k == "weight" { "权重 (分值)" } else { "得分" }), "every indicator has its weight and its score");
                        }
                    }
                }
            }
            if let Some(t) = text("deviation") {
                parts.push(format!("deviation: {}", quoted_str(&t)));
            }
            lines.push(format!("  - {{{}}}", parts.join(", ")));
        }
        y.push_str("indicators:\n");
        for l in lines {
            y.push_str(&l);
            y.push('\n');
        }
    } else {
        y.push_str("indicators: []\n");
    }
    if let Some((_, _, t)) = beside(cx, &["实际完成情况", "全年目标实际完成情况"]) {
        y.push_str(&format!("completion: {}\n", quoted_str(&t)));
    }
    (cx.errors.len() == before).then_some(y)
}

/// Valid project ids: letters, digits, `-`, `_`.
pub(crate) fn id_of(sheet: &str, i: usize) -> (String, bool) {
    let ok = !sheet.is_empty() && sheet.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        (sheet.to_string(), true)
    } else {
        (format!("p{:02}", i + 1), false)
    }
}
