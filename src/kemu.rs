//! 政府收支分类科目 — the national 支出功能分类 list of each supported year, shipped in
//! `templates/national/` (sources in docs/rules.md), for the reviewer's name check.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The 功能分类 names of one budget year, by code (类 3, 款 5, 项 7 digits).
pub struct National {
    /// The year whose list this is.
    pub year: i32,
    names: HashMap<&'static str, &'static str>,
}

impl National {
    /// The national name of `code`.
    pub fn get(&self, code: &str) -> Option<&'static str> {
        self.names.get(code).copied()
    }
}

/// The shipped lists: year and `code<TAB>name[<TAB>source]` lines.
const LISTS: &[(i32, &str)] = &[(2024, include_str!("../templates/national/functional-2024.tsv"))];

/// The list of `year`, if shipped (parsed on first use).
pub fn functional(year: i32) -> Option<&'static National> {
    static PARSED: OnceLock<Vec<National>> = OnceLock::new();
    let all = PARSED.get_or_init(|| LISTS.iter().map(|&(year, text)| National { year, names: parse(text) }).collect());
    all.iter().find(|n| n.year == year)
}

fn parse(text: &'static str) -> HashMap<&'static str, &'static str> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?.trim(), f.next()?.trim()))
        })
        .filter(|(c, _)| matches!(c.len(), 3 | 5 | 7) && c.bytes().all(|b| b.is_ascii_digit()))
        .collect()
}
