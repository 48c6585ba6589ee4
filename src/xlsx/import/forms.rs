//! The forms' rows: a 科目 form (header by its labels, columns by header text, 类/款/项 rows,
//! 合计), the 总表 (lines by their labels on each side), 基本支出明细 (codes beside their
//! figures), “三公” (figures by the header texts above them) and 相关信息统计表 (rows by label),
//! each into the text of its YAML file.

use super::book::*;
use crate::layout::{Form, FormKind, Layout};
use calamine::Data;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Reads one form's sheet into its YAML file text (`None` after an error).
pub(super) fn import_form(cx: &mut Cx, f: &Form, layout: &Layout) -> Option<String> {
    let before = cx.errors.len();
    let yaml = match f.kind {
        FormKind::Income | FormKind::Expenditure | FormKind::GeneralBudget | FormKind::GovFund | FormKind::SoeCapital => code_form(cx, f),
        FormKind::BasicDetail => basic_detail(cx, f, layout),
        FormKind::ThreePublic => three_public(cx, f),
        FormKind::Statistics => statistics(cx, f),
        FormKind::Summary => summary(cx, f, layout),
        FormKind::FiscalSummary => fiscal_summary(cx, f, layout),
    };
    if yaml.is_none() && cx.errors.len() == before {
        cx.error(0, 0, format!("the header of the form `{}` was not found (its column labels)", f.title), "juesuan export writes the form as expected");
    }
    (cx.errors.len() == before).then_some(yaml).flatten()
}

/// An amount as the forms print it: at least two decimals (`55.00`, `0.1234`).
fn dec(d: Decimal) -> String {
    let mut n = d.normalize();
    if n.scale() < 2 {
        n.rescale(2);
    }
    n.to_string()
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// `{a: 1, b: 2}` of the present values.
fn flow(pairs: &[(String, Decimal)]) -> String {
    let inner: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}: {}", dec(*v))).collect();
    format!("{{{}}}", inner.join(", "))
}

fn header_comment(cx: &Cx, f: &Form) -> String {
    {
    let book = Path::new(cx.place.file).file_name().map_or_else(|| cx.place.file.to_string(), |n| n.to_string_lossy().into_owned());
    let number = f.number.as_deref().map(|n| format!(" {n}")).unwrap_or_default();
    format!("# {}{number} (万元), imported from {book}, sheet `{}`, by `juesuan import`.\n", f.title, cx.sheet.name)
    }
}

/// A 科目 form: header rows by their labels, columns by header text, 类/款/项 rows, 合计.
fn code_form(cx: &mut Cx, f: &Form) -> Option<String> {
    let s = cx.sheet;
    // The header row that names the code and name columns.
    let code_label = norm(f.code_label.as_deref().unwrap_or("科目代码"));
    let mut head = None;
    'find: for r in 0..s.rows().min(30) {
        for c in 0..s.cols() {
            if s.label(r, c) == "科目名称" {
                let code_col = (0..s.cols()).find(|&x| {
                    let l = s.label(r, x);
                    l == code_label || l.contains("科目编码") || l.contains("科目代码")
                });
                head = Some((r, code_col.unwrap_or(c.saturating_sub(1)), c));
                break 'find;
            }
        }
    }
    // The 决算软件's own layout: the code split over 类 | 款 | 项 columns.
    let split: Option<[u32; 3]> = head.and_then(|(r, _, _)| {
        let find = |l: &str| (0..s.cols()).find(|&c| s.label(r, c) == l);
        Some([find("类")?, find("款")?, find("项")?])
    });
    let head = match (head, split) {
        (Some((r, _, n)), Some([l, _, _])) => Some((r, l, n)),
        (h, _) => h,
    };
    let Some((name_row, code_col, name_col)) = head else {
        cx.error(0, 0, format!("no header row with 科目名称 in the form `{}`", f.title), "the header must name the columns (科目编码, 科目名称, …)");
        return None;
    };
    cx.find_unit(name_row);
    // The header's first row: the one above holding 项目 (or the 科目名称 row itself).
    let top = (name_row.saturating_sub(3)..name_row).find(|&r| (0..s.cols()).any(|c| s.shown_label(r, c) == "项目")).unwrap_or(name_row);
    // Each column's header texts, top to bottom (merged cells repeat their label).
    let texts = |c: u32| -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for r in top..=name_row {
            let t = s.shown_label(r, c);
            if !t.is_empty() && v.last() != Some(&t) {
                v.push(t);
            }
        }
        v
    };
    let mut cols: Vec<(String, u32)> = Vec::new();
    let mut used: BTreeSet<u32> = [code_col, name_col].into();
    used.extend(split.iter().flatten());
    for col in &f.columns {
        let label = norm(&col.label);
        let group = col.group.as_deref().map(norm);
        // Under its group's label where the header has one (小计 of 本年支出), else by its own.
        let find = |with_group: bool| {
            (0..s.cols()).filter(|c| !used.contains(c)).find(|&c| {
                let t = texts(c);
                t.last() == Some(&label) && (!with_group || group.as_ref().is_none_or(|g| t.contains(g)))
            })
        };
        let hit = find(true).or_else(|| find(false));
        match hit {
            Some(c) => {
                used.insert(c);
                cols.push((col.key.clone(), c));
            }
            None => {
                let at = cx.place.sheet(&s.name);
                cx.report.push(format!("{at}: column `{}` not found in the header (rows {}–{}): left blank", col.label, top + 1, name_row + 1));
            }
        }
    }
    for c in 0..s.cols() {
        if !used.contains(&c) && !texts(c).is_empty() && texts(c) != ["项目".to_string()] {
            let at = cx.at(name_row, c);
            cx.report.push(format!("{at}: column `{}` is not a column of the form, not imported", texts(c).join("/")));
        }
    }
    let mut r = name_row + 1;
    if r < s.rows() && (s.shown_label(r, code_col) == "栏次" || s.shown_label(r, name_col) == "栏次") {
        r += 1;
    }
    let data_from = r;
    let figure_cols: Vec<u32> = cols.iter().map(|(_, c)| *c).chain([code_col, name_col]).collect();
    cx.sheet_faults(data_from..s.rows());
    // The 合计 label may span the code and name columns: only figures count there.
    let amount_cols: Vec<u32> = cols.iter().map(|(_, c)| *c).collect();
    cx.merged_figures(data_from, &amount_cols);
    let _ = figure_cols;
    let total_label = norm(&f.total_label);
    let mut rows: Vec<String> = Vec::new();
    let mut total: Option<String> = None;
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut last = (String::new(), String::new());
    while r < s.rows() {
        if s.row_empty(r) {
            r += 1;
            continue;
        }
        let code_text = s.label(r, code_col);
        let name_text = text_of(s.get(r, name_col)).trim().to_string();
        let first = s.label(r, 0);
        if first.starts_with("注") || first.starts_with("说明") || first.starts_with("备注") {
            let at = cx.at(r, 0);
            cx.report.push(format!("{at}: note under the form (`{}`), not imported", first.chars().take(20).collect::<String>()));
            r += 1;
            continue;
        }
        let figures = |cx: &mut Cx, keys: &dyn Fn(&str) -> bool| -> Vec<(String, Decimal)> {
            let mut v = Vec::new();
            for (k, c) in &cols {
                if keys(k) {
                    if let Some(d) = cx.amount(r, *c, false) {
                        v.push((k.clone(), d));
                    }
                }
            }
            v
        };
        if code_text == total_label || norm(&name_text) == total_label || code_text == "合计" || code_text == "总计" {
            if total.is_some() {
                let at = cx.at(r, code_col);
                cx.report.push(format!("{at}: a second 合计 row, not imported"));
            } else {
                total = Some(flow(&figures(cx, &|_| true)));
            }
            r += 1;
            continue;
        }
        let digits_at = |c: u32| match s.get(r, c) {
            Data::Float(x) if x.fract() == 0.0 && *x >= 0.0 => format!("{x}"),
            Data::Int(i) if *i >= 0 => i.to_string(),
            _ => s.label(r, c),
        };
        let code = match split {
            None => digits_at(code_col),
            Some(cols) => {
                let code = split_code(&cols.map(digits_at), &mut last);
                if code.is_empty() {
                    code_text.clone()
                } else {
                    code
                }
            }
        };
        if !(code.len() == 3 || code.len() == 5 || code.len() == 7) || !code.bytes().all(|b| b.is_ascii_digit()) {
            if code.is_empty() && name_text.is_empty() {
                let at = cx.at(r, 0);
                cx.report.push(format!("{at}: a row without 科目编码 or 科目名称, not imported"));
            } else {
                cx.error(r, code_col, format!("`{code}` is not a 科目编码 (3, 5 or 7 digits)"), "a 类 code has 3 digits, a 款 5, a 项 7");
            }
            r += 1;
            continue;
        }
        if !seen.insert(code.clone()) {
            cx.error(r, code_col, format!("科目 {code} appears twice"), "keep one row per 科目");
        }
        let line = if code.len() == 7 {
            let inputs = figures(cx, &|k| k != "total");
            let printed = figures(cx, &|k| k == "total");
            let mut parts = vec![format!("code: \"{code}\""), format!("name: {}", quoted(&name_text))];
            parts.extend(inputs.iter().map(|(k, v)| format!("{k}: {}", dec(*v))));
            if !printed.is_empty() {
                parts.push(format!("printed: {}", flow(&printed)));
            }
            format!("  - {{{}}}", parts.join(", "))
        } else {
            let printed = figures(cx, &|_| true);
            let mut parts = vec![format!("code: \"{code}\""), format!("name: {}", quoted(&name_text))];
            if !printed.is_empty() {
                parts.push(format!("printed: {}", flow(&printed)));
            }
            format!("  - {{{}}}", parts.join(", "))
        };
        rows.push(line);
        r += 1;
    }
    let mut y = header_comment(cx, f);
    if rows.is_empty() {
        y.push_str("rows: []\n");
    } else {
        y.push_str("rows:\n");
        for l in rows {
            y.push_str(&l);
            y.push('\n');
        }
    }
    if let Some(t) = total.filter(|t| t != "{}") {
        y.push_str(&format!("printed: {t}   # the {} row\n", f.total_label));
    }
    Some(y)
}

/// One side (收入 or 支出) of a 总表: its 项目 column and its figure columns by header text.
struct Side {
    label: u32,
    figures: Vec<(String, u32)>,
}

/// The header row of a 总表 (the one with 项目 over each side) and its sides; the data rows
/// start below it (after a 栏次 row).
fn sides(cx: &mut Cx) -> Option<(u32, u32, Vec<Side>)> {
    let s = cx.sheet;
    let head = (0..s.rows().min(30)).find(|&r| (0..s.cols()).filter(|&c| s.label(r, c) == "项目").count() >= 2)?;
    let mut out: Vec<Side> = Vec::new();
    for c in 0..s.cols() {
        let t = s.label(head, c);
        if t == "项目" {
            out.push(Side { label: c, figures: Vec::new() });
        } else if let Some(side) = out.last_mut() {
            if !t.is_empty() && t != "行次" {
                side.figures.push((t, c));
            }
        }
    }
    let mut first = head + 1;
    while first < s.rows() && (0..s.cols()).any(|c| s.label(first, c) == "栏次") {
        first += 1;
    }
    Some((head, first, out))
}

/// Reads a 总表's rows: for each side, (row, label without numbering, its figures).
/// A line of a 总表's side: its row, its label (numbering left aside), its figures by header.
type SideLine = (u32, String, Vec<(String, Option<Decimal>)>);

fn side_rows(cx: &mut Cx, first: u32, sides: &[Side]) -> Vec<Vec<SideLine>> {
    let s = cx.sheet;
    let figure_cols: Vec<u32> = sides.iter().flat_map(|x| x.figures.iter().map(|(_, c)| *c)).collect();
    cx.sheet_faults(first..s.rows());
    cx.merged_figures(first, &figure_cols);
    let mut out = vec![Vec::new(); sides.len()];
    for r in first..s.rows() {
        let lead = s.label(r, 0);
        if lead.starts_with("注") || lead.starts_with("说明") {
            let at = cx.at(r, 0);
            cx.report.push(format!("{at}: note under the form, not imported"));
            continue;
        }
        for (i, side) in sides.iter().enumerate() {
            let label = s.label(r, side.label);
            let figs: Vec<(String, Option<Decimal>)> = side.figures.iter().map(|(h, c)| (h.clone(), cx.amount(r, *c, false))).collect();
            if label.is_empty() {
                if figs.iter().any(|(_, v)| v.is_some()) {
                    let at = cx.at(r, side.label);
                    cx.report.push(format!("{at}: figures without a label, not imported"));
                }
                continue;
            }
            out[i].push((r, unnumbered(&label).to_string(), figs));
        }
    }
    out
}

/// `key: value` lines of the present values, indented.
fn lines(pairs: &[(String, String)], indent: &str) -> String {
    pairs.iter().map(|(k, v)| format!("{indent}{k}: {v}\n")).collect()
}

fn class_code<'a>(layout: &'a Layout, label: &str) -> Option<&'a str> {
    layout.catalog.functional_classes.iter().find(|c| norm(&c.name) == label).map(|c| c.code.as_str())
}

/// 收入支出决算总表: the fiscal split and the balances are inputs; the totals and the 类
/// lines go under `printed:`; 上级补助收入 … come from 收入决算表 (reported when not blank).
fn summary(cx: &mut Cx, f: &Form, layout: &Layout) -> Option<String> {
    let Some((head, first, sides)) = sides(cx) else {
        cx.error(0, 0, format!("no header row with 项目 over 收入 and 支出 in the form `{}`", f.title), "");
        return None;
    };
    cx.find_unit(head);
    if sides.len() != 2 || sides.iter().any(|s| s.figures.len() != 1) {
        cx.error(head, 0, "expected two sides (收入 and 支出), each 项目 and one figure column", "");
        return None;
    }
    let rows = side_rows(cx, first, &sides);
    let (mut fiscal, mut inputs, mut printed, mut classes) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (side, list) in rows.iter().enumerate() {
        for (r, label, figs) in list {
            let v = figs[0].1;
            let l = label.as_str();
            let target: Option<(&mut Vec<(String, String)>, String)> = match (side, l) {
                (0, "一般公共预算财政拨款收入") => Some((&mut fiscal, "general_budget".into())),
                (0, "政府性基金预算财政拨款收入") => Some((&mut fiscal, "gov_fund".into())),
                (0, "国有资本经营预算财政拨款收入") => Some((&mut fiscal, "soe_capital".into())),
                (0, "本年收入合计") => Some((&mut printed, "income_total".into())),
                (0, x) if x.starts_with("使用非财政拨款结余") => Some((&mut inputs, "non_fiscal_balance_used".into())),
                (0, "年初结转和结余") => Some((&mut inputs, "opening_balance".into())),
                (0, "总计") => Some((&mut printed, "income_grand_total".into())),
                (0, "上级补助收入" | "事业收入" | "经营收入" | "附属单位上缴收入" | "其他收入") => {
                    if v.is_some() {
                        let at = cx.at(*r, sides[0].label);
                        cx.report.push(format!("{at}: `{l}` comes from 收入决算表, not imported here"));
                    }
                    None
                }
                (1, "本年支出合计") => Some((&mut printed, "expenditure_total".into())),
                (1, "结余分配") => Some((&mut inputs, "surplus_distribution".into())),
                (1, "年末结转和结余") => Some((&mut inputs, "closing_balance".into())),
                (1, "总计") => Some((&mut printed, "expenditure_grand_total".into())),
                (1, x) => match class_code(layout, x) {
                    Some(code) => Some((&mut classes, format!("\"{code}\""))),
                    None => {
                        let at = cx.at(*r, sides[1].label);
                        cx.report.push(format!("{at}: `{x}` is not a line of the form, not imported"));
                        None
                    }
                },
                (_, x) => {
                    let at = cx.at(*r, sides[side].label);
                    cx.report.push(format!("{at}: `{x}` is not a line of the form, not imported"));
                    None
                }
            };
            if let (Some((list, key)), Some(v)) = (target, v) {
                list.push((key, dec(v)));
            }
        }
    }
    let mut y = header_comment(cx, f);
    let flow_s = |p: &[(String, String)]| format!("{{{}}}", p.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", "));
    y.push_str(&format!("fiscal_income: {}\n", flow_s(&fiscal)));
    y.push_str(&lines(&inputs, ""));
    if !classes.is_empty() {
        printed.push(("by_class".into(), flow_s(&classes)));
    }
    if !printed.is_empty() {
        y.push_str("printed:\n");
        y.push_str(&lines(&printed, "  "));
    }
    Some(y)
}

/// 财政拨款收入支出决算总表: the 一般公共预算 and 国有资本经营 balances are inputs (the
/// income split is 收入支出决算总表's, the 政府性基金 balances 政府性基金表's); totals and 类
/// lines go under `printed:`.
fn fiscal_summary(cx: &mut Cx, f: &Form, layout: &Layout) -> Option<String> {
    let Some((head, first, sides)) = sides(cx) else {
        cx.error(0, 0, format!("no header row with 项目 over 收入 and 支出 in the form `{}`", f.title), "");
        return None;
    };
    cx.find_unit(head);
    let kind = |h: &str| match h {
        "合计" => Some("total"),
        "一般公共预算财政拨款" => Some("general_budget"),
        "政府性基金预算财政拨款" => Some("gov_fund"),
        "国有资本经营预算财政拨款" => Some("soe_capital"),
        _ => None,
    };
    if sides.len() != 2 || sides[0].figures.len() != 1 || sides[1].figures.iter().any(|(h, _)| kind(h).is_none()) {
        cx.error(head, 0, "expected two sides: 收入 (项目, one figure column) and 支出 (项目, 合计 and the three kinds of 财政拨款)", "");
        return None;
    }
    let rows = side_rows(cx, first, &sides);
    let (mut opening, mut closing, mut printed, mut classes) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let kinds_of = |figs: &[(String, Option<Decimal>)]| -> Vec<(String, Decimal)> {
        figs.iter().filter_map(|(h, v)| Some((kind(h)?.to_string(), (*v)?))).collect()
    };
    let mut after_opening = false;
    for (r, l, figs) in &rows[0] {
        let v = figs[0].1;
        match l.as_str() {
            "本年收入合计" => printed.extend(v.map(|v| ("income_total".to_string(), dec(v)))),
            "总计" => printed.extend(v.map(|v| ("income_grand_total".to_string(), dec(v)))),
            "年初财政拨款结转和结余" => after_opening = true,
            "一般公共预算财政拨款" if after_opening => opening.extend(v.map(|v| ("general_budget".to_string(), v))),
            "国有资本经营预算财政拨款" if after_opening => opening.extend(v.map(|v| ("soe_capital".to_string(), v))),
            "政府性基金预算财政拨款" if after_opening => {
                if v.is_some() {
                    let at = cx.at(*r, sides[0].label);
                    cx.report.push(format!("{at}: the 政府性基金 balance comes from 政府性基金预算财政拨款收入支出决算表, not imported here"));
                }
            }
            "一般公共预算财政拨款" | "政府性基金预算财政拨款" | "国有资本经营预算财政拨款" => {}
            x => {
                let at = cx.at(*r, sides[0].label);
                cx.report.push(format!("{at}: `{x}` is not a line of the form, not imported"));
            }
        }
    }
    for (r, l, figs) in &rows[1] {
        let k = kinds_of(figs);
        match l.as_str() {
            "本年支出合计" if !k.is_empty() => printed.push(("expenditure_total".into(), flow(&k))),
            "总计" if !k.is_empty() => printed.push(("expenditure_grand_total".into(), flow(&k))),
            "年末财政拨款结转和结余" => closing.extend(k.into_iter().filter(|(x, _)| x == "general_budget" || x == "soe_capital")),
            "本年支出合计" | "总计" => {}
            x => match class_code(layout, x) {
                Some(code) if !k.is_empty() => classes.push((format!("\"{code}\""), flow(&k))),
                Some(_) => {}
                None => {
                    let at = cx.at(*r, sides[1].label);
                    cx.report.push(format!("{at}: `{x}` is not a line of the form, not imported"));
                }
            },
        }
    }
    let mut y = header_comment(cx, f);
    y.push_str(&format!("opening: {}\n", flow(&opening)));
    y.push_str(&format!("closing: {}\n", flow(&closing)));
    if !printed.is_empty() || !classes.is_empty() {
        y.push_str("printed:\n");
        y.push_str(&lines(&printed, "  "));
        if !classes.is_empty() {
            y.push_str("  by_class:\n");
            y.push_str(&lines(&classes, "    "));
        }
    }
    Some(y)
}

/// A 科目编码 from the 类 | 款 | 项 cells of a row, where a part left blank is the one above
/// (`201` | `13` | `02` → `2011302`; a part may also be the whole code, `20113`). `last`
/// holds the 类 and 款 of the rows above.
fn split_code(parts: &[String; 3], last: &mut (String, String)) -> String {
    let [l, k, x] = parts;
    if [l, k, x].iter().any(|p| !p.bytes().all(|b| b.is_ascii_digit())) {
        // Not digits: the caller reports it as no 科目编码.
        return [l, k, x].iter().find(|p| !p.is_empty()).map_or_else(String::new, |p| p.to_string());
    }
    if x.len() == 7 || (x.is_empty() && k.len() == 5) {
        let code = if x.is_empty() { k.clone() } else { x.clone() };
        last.0 = code[..3].to_string();
        last.1 = code[3..5].to_string();
        return code;
    }
    if !l.is_empty() && l.len() != 3 {
        return l.clone(); // not a 类: reported as no 科目编码 by the caller
    }
    let class = if l.is_empty() { last.0.clone() } else { l.clone() };
    if !x.is_empty() {
        let kuan = if k.is_empty() { last.1.clone() } else { k.clone() };
        last.0 = class.clone();
        last.1 = kuan.clone();
        return format!("{class}{kuan}{x}");
    }
    if !k.is_empty() {
        last.0 = class.clone();
        last.1 = k.clone();
        return format!("{class}{k}");
    }
    if !l.is_empty() {
        *last = (l.clone(), String::new());
        return l.clone();
    }
    String::new()
}

/// 基本支出明细: every cell holding a 经济分类 code, its name and its figure beside it.
fn basic_detail(cx: &mut Cx, f: &Form, layout: &Layout) -> Option<String> {
    let s = cx.sheet;
    let head = (0..s.rows().min(30)).find(|&r| (0..s.cols()).any(|c| s.label(r, c) == "科目名称"))?;
    cx.find_unit(head);
    cx.sheet_faults(head + 1..s.rows());
    let known: BTreeMap<&str, &str> = layout.catalog.economic.iter().map(|e| (e.code.as_str(), e.name.as_str())).collect();
    let mut amounts: Vec<(String, Decimal)> = Vec::new();
    let mut classes: Vec<(String, Decimal)> = Vec::new();
    let mut totals: Vec<(String, Decimal)> = Vec::new();
    let mut figure_cols = BTreeSet::new();
    for r in head + 1..s.rows() {
        for c in 0..s.cols() {
            let t = s.label(r, c);
            if t == "人员经费合计" || t == "公用经费合计" {
                let key = if t == "人员经费合计" { "personnel_total" } else { "public_total" };
                let end = s.merge_at(r, c).map_or(c, |m| m.end.1);
                if let Some(v) = cx.amount(r, end + 1, false) {
                    totals.push((key.into(), v));
                }
                figure_cols.insert(end + 1);
                continue;
            }
            let code = match s.get(r, c) {
                Data::Float(x) if x.fract() == 0.0 => format!("{x}"),
                Data::Int(i) => i.to_string(),
                Data::String(_) => t.clone(),
                _ => continue,
            };
            if !(code.len() == 3 || code.len() == 5) || !code.bytes().all(|b| b.is_ascii_digit()) || s.label(r, c + 1).is_empty() {
                continue;
            }
            figure_cols.insert(c + 2);
            if !known.contains_key(code.as_str()) {
                let at = cx.at(r, c);
                cx.report.push(format!("{at}: 经济分类 {code} is not a row of this form, not imported"));
                continue;
            }
            if let Some(v) = cx.amount(r, c + 2, false) {
                if code.len() == 3 {
                    classes.push((code, v));
                } else {
                    amounts.push((code, v));
                }
            }
        }
    }
    cx.merged_figures(head + 1, &figure_cols.into_iter().collect::<Vec<_>>());
    let mut y = header_comment(cx, f);
    let q = |v: &[(String, Decimal)]| v.iter().map(|(k, d)| format!("\"{k}\": {}", dec(*d))).collect::<Vec<_>>().join(", ");
    amounts.sort();
    if amounts.is_empty() {
        y.push_str("amounts: {}\n");
    } else {
        y.push_str("amounts:\n");
        for (code, v) in &amounts {
            y.push_str(&format!("  \"{code}\": {}   # {}\n", dec(*v), known.get(code.as_str()).copied().unwrap_or("")));
        }
    }
    let mut printed = Vec::new();
    if !classes.is_empty() {
        printed.push(format!("classes: {{{}}}", q(&classes)));
    }
    printed.extend(totals.iter().map(|(k, v)| format!("{k}: {}", dec(*v))));
    if !printed.is_empty() {
        y.push_str(&format!("printed: {{{}}}\n", printed.join(", ")));
    }
    Some(y)
}

/// “三公”经费: each figure found by the header texts above it (预算数/决算数 and the item).
fn three_public(cx: &mut Cx, f: &Form) -> Option<String> {
    let s = cx.sheet;
    let items = [("合计", "total"), ("因公出国（境）费", "abroad"), ("小计", "car_subtotal"), ("公务用车购置费", "car_purchase"), ("公务用车运行维护费", "car_operation"), ("公务接待费", "reception")];
    // The first row below the header holding a figure is the data row.
    let head_top = (0..s.rows().min(30)).find(|&r| (0..s.cols()).any(|c| s.shown_label(r, c).contains("预算数")))?;
    cx.find_unit(head_top);
    let data = (head_top..s.rows()).find(|&r| (0..s.cols()).any(|c| matches!(s.get(r, c), Data::Float(_) | Data::Int(_))) && (0..s.cols()).all(|c| !s.shown_label(r, c).contains("预算数")));
    let Some(data) = data else {
        let at = cx.place.sheet(&s.name);
        cx.report.push(format!("{at}: no row of figures found: every figure left blank"));
        return Some(format!("{}budget: {{}}\nactual: {{}}\n", header_comment(cx, f)));
    };
    cx.sheet_faults(data..data + 1);
    let mut side: BTreeMap<&str, Vec<(String, Decimal)>> = BTreeMap::new();
    let mut cols = Vec::new();
    for c in 0..s.cols() {
        // Every header text above the figure (the item may sit above the 预算数 row).
        let above: Vec<String> = (0..data).map(|r| s.shown_label(r, c)).collect();
        let which = if above.iter().any(|t| t.contains("预算数")) { "budget" } else if above.iter().any(|t| t.contains("决算数")) { "actual" } else { continue };
        // The item: the lowest header text naming one (小计 sits under 公务用车…).
        let Some(key) = above.iter().rev().find_map(|t| items.iter().find(|(l, _)| norm(l) == *t).map(|(_, k)| *k)) else { continue };
        cols.push(c);
        if let Some(v) = cx.amount(data, c, false) {
            side.entry(which).or_default().push((key.to_string(), v));
        }
    }
    cx.merged_figures(data, &cols);
    for r in data + 1..s.rows() {
        if !s.row_empty(r) && !s.label(r, 0).starts_with("注") && !s.label(r, 0).starts_with("说明") {
            let at = cx.at(r, 0);
            cx.report.push(format!("{at}: row below the figures, not imported"));
        } else if !s.row_empty(r) {
            let at = cx.at(r, 0);
            cx.report.push(format!("{at}: note under the form, not imported"));
        }
    }
    let mut y = header_comment(cx, f);
    let inputs = ["abroad", "car_purchase", "car_operation", "reception"];
    let mut printed = Vec::new();
    for (which, _) in [("budget", 0), ("actual", 1)] {
        let v = side.remove(which).unwrap_or_default();
        let (ins, pr): (Vec<_>, Vec<_>) = v.into_iter().partition(|(k, _)| inputs.contains(&k.as_str()));
        y.push_str(&format!("{which}: {}\n", flow(&ins)));
        if !pr.is_empty() {
            printed.push(format!("{which}: {}", flow(&pr)));
        }
    }
    if !printed.is_empty() {
        y.push_str(&format!("printed: {{{}}}\n", printed.join(", ")));
    }
    Some(y)
}

/// 相关信息统计表: rows by their labels.
fn statistics(cx: &mut Cx, f: &Form) -> Option<String> {
    let s = cx.sheet;
    let head = (0..s.rows().min(30)).find(|&r| (0..s.cols()).any(|c| s.label(r, c) == "统计数"))?;
    let value_col = (0..s.cols()).find(|&c| s.label(head, c) == "统计数")?;
    cx.find_unit(head);
    cx.sheet_faults(head + 1..s.rows());
    cx.merged_figures(head + 1, &[value_col]);
    let vehicles = [("副部（省）级及以上领导用车", "vice_ministerial"), ("主要负责人用车", "principal"), ("机要通信用车", "confidential"), ("应急保障用车", "emergency"), ("执法执勤用车", "law_enforcement"), ("特种专业技术用车", "special"), ("离退休干部服务用车", "retired_service"), ("其他用车", "other")];
    let (mut proc_, mut ops, mut veh, mut printed) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut equipment = None;
    let mut section = 0;
    for r in head + 1..s.rows() {
        let l = s.label(r, 0);
        if l.is_empty() && s.row_empty(r) {
            continue;
        }
        let l = l.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '．');
        if l.starts_with("一、") {
            section = 1;
            continue;
        } else if l.starts_with("二、") {
            section = 2;
            continue;
        } else if l.starts_with("三、") {
            section = 3;
            continue;
        }
        let count = section == 3;
        let key: Option<(&mut Vec<(String, Decimal)>, &str)> = match (section, l) {
            (1, "合计") => Some((&mut printed, "procurement_total")),
            (1, "货物") => Some((&mut proc_, "goods")),
            (1, "工程") => Some((&mut proc_, "works")),
            (1, "服务") => Some((&mut proc_, "services")),
            (2, x) if x.contains("行政单位") => Some((&mut ops, "administrative")),
            (2, x) if x.contains("参照公务员法管理") => Some((&mut ops, "civil_servant_managed")),
            (3, x) if x.contains("车辆数合计") => Some((&mut printed, "vehicles_total")),
            (3, x) if x.contains("单价100万元") => {
                equipment = cx.amount(r, value_col, true);
                None
            }
            (3, x) => vehicles.iter().find(|(v, _)| x == norm(v)).map(|(_, k)| (&mut veh, *k)),
            _ => None,
        };
        if section == 3 && (l.contains("单价100万元")) {
            continue;
        }
        match key {
            Some((list, k)) => {
                if let Some(v) = cx.amount(r, value_col, count) {
                    list.push((k.to_string(), v));
                }
            }
            None => {
                if l.starts_with("注") || l.starts_with("说明") {
                    let at = cx.at(r, 0);
                    cx.report.push(format!("{at}: note under the form, not imported"));
                } else {
                    let at = cx.at(r, 0);
                    cx.report.push(format!("{at}: row `{l}` is not a row of the form, not imported"));
                }
            }
        }
    }
    let mut y = header_comment(cx, f);
    let counts = |v: &[(String, Decimal)]| format!("{{{}}}", v.iter().map(|(k, d)| format!("{k}: {}", d.normalize())).collect::<Vec<_>>().join(", "));
    y.push_str(&format!("procurement: {}\n", flow(&proc_)));
    y.push_str(&format!("operating_funds: {}\n", flow(&ops)));
    y.push_str(&format!("vehicles: {}   # 辆\n", counts(&veh)));
    if let Some(e) = equipment {
        y.push_str(&format!("equipment_over_1m: {}   # 台/套\n", e.normalize()));
    }
    let printed: Vec<String> = printed.iter().map(|(k, d)| if k == "vehicles_total" { format!("{k}: {}", d.normalize()) } else { format!("{k}: {}", dec(*d)) }).collect();
    if !printed.is_empty() {
        y.push_str(&format!("printed: {{{}}}\n", printed.join(", ")));
    }
    Some(y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_split_over_columns() {
        let mut last = (String::new(), String::new());
        let p = |a: &str, b: &str, c: &str| [a.to_string(), b.to_string(), c.to_string()];
        assert_eq!(split_code(&p("201", "", ""), &mut last), "201");
        assert_eq!(split_code(&p("", "13", ""), &mut last), "20113");
        assert_eq!(split_code(&p("", "", "02"), &mut last), "2011302");
        assert_eq!(split_code(&p("201", "13", "08"), &mut last), "2011308");
        assert_eq!(split_code(&p("", "31", ""), &mut last), "20131");
        assert_eq!(split_code(&p("", "", "2013102"), &mut last), "2013102");
        assert_eq!(split_code(&p("", "", ""), &mut last), "");
        assert_eq!(split_code(&p("", "", "a一bcd"), &mut last), "a一bcd");
    }
}
