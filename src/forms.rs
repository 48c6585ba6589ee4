//! The national data tables: which 科目 tables exist and the columns each may hold (a
//! layout chooses which it prints, see `layout.rs`), and the shape of a layout's row
//! catalogues (功能分类 类 lines, 经济分类 rows) in its `catalog.yaml`.

use serde::Deserialize;
use std::sync::OnceLock;

/// A 科目 table's shape.
#[derive(Debug)]
pub struct CodeTableSpec {
    /// Form number, e.g. `公开03`.
    pub form: &'static str,
    /// File key under the department folder (without `.yaml`).
    pub file: &'static str,
    /// Title, e.g. 支出决算表.
    pub title: &'static str,
    /// Input columns: key and header label.
    pub columns: &'static [(&'static str, &'static str)],
    /// Columns whose sum is the row's `total`.
    pub total_of: &'static [&'static str],
    /// Header of the `total` column.
    pub total_label: &'static str,
    /// Display order of the columns (`total` included).
    pub display: &'static [&'static str],
    /// Check rule for its sums.
    pub rule: &'static str,
}

/// 公开02 收入决算表.
pub const T02: CodeTableSpec = CodeTableSpec {
    form: "{form:income}",
    file: "tables/02-income",
    title: "收入决算表",
    columns: &[
        ("fiscal", "财政拨款收入"),
        ("superior_subsidy", "上级补助收入"),
        ("business", "事业收入"),
        ("operating", "经营收入"),
        ("affiliated", "附属单位上缴收入"),
        ("other", "其他收入"),
    ],
    total_of: &["fiscal", "superior_subsidy", "business", "operating", "affiliated", "other"],
    total_label: "本年收入合计",
    display: &["total", "fiscal", "superior_subsidy", "business", "operating", "affiliated", "other"],
    rule: "T02-SUM",
};

/// 公开03 支出决算表.
pub const T03: CodeTableSpec = CodeTableSpec {
    form: "{form:expenditure}",
    file: "tables/03-expenditure",
    title: "支出决算表",
    columns: &[
        ("basic", "基本支出"),
        ("project", "项目支出"),
        ("remit_upper", "上缴上级支出"),
        ("operating", "经营支出"),
        ("affiliated_subsidy", "对附属单位补助支出"),
    ],
    total_of: &["basic", "project", "remit_upper", "operating", "affiliated_subsidy"],
    total_label: "本年支出合计",
    display: &["total", "basic", "project", "remit_upper", "operating", "affiliated_subsidy"],
    rule: "T03-SUM",
};

/// 公开05 一般公共预算财政拨款支出决算表.
pub const T05: CodeTableSpec = CodeTableSpec {
    form: "{form:general_budget}",
    file: "tables/05-general-budget",
    title: "一般公共预算财政拨款支出决算表",
    columns: &[("basic", "基本支出"), ("project", "项目支出")],
    total_of: &["basic", "project"],
    total_label: "小计",
    display: &["total", "basic", "project"],
    rule: "T05-SUM",
};

/// 公开07 政府性基金预算财政拨款收入支出决算表.
pub const T07: CodeTableSpec = CodeTableSpec {
    form: "{form:gov_fund}",
    file: "tables/07-gov-fund",
    title: "政府性基金预算财政拨款收入支出决算表",
    columns: &[
        ("opening", "年初结转和结余"),
        ("income", "本年收入"),
        ("basic", "基本支出"),
        ("project", "项目支出"),
        ("closing", "年末结转和结余"),
    ],
    total_of: &["basic", "project"],
    total_label: "小计",
    display: &["opening", "income", "total", "basic", "project", "closing"],
    rule: "T07-SUM",
};

/// 公开08 国有资本经营预算财政拨款（收入）支出决算表: the columns of 公开07 (a layout prints
/// the ones its form has).
pub const T08: CodeTableSpec = CodeTableSpec {
    form: "{form:soe_capital}",
    file: "tables/08-soe-capital",
    title: "国有资本经营预算财政拨款支出决算表",
    columns: T07.columns,
    total_of: T07.total_of,
    total_label: "合计",
    display: T07.display,
    rule: "T08-SUM",
};

/// A 类 line of 公开01 / 公开04 (功能分类).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionalClass {
    /// 类 code (3 digits).
    pub code: String,
    /// Name without numbering.
    pub name: String,
    /// 行次 in 公开01 (layouts that print 行次).
    #[serde(default)]
    pub row: u32,
}

/// A row of 公开06 (经济分类).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EconomicItem {
    /// 类 (3 digits) or 款 (5 digits) code.
    pub code: String,
    /// 科目名称
    pub name: String,
    /// Which of the four side-by-side blocks of the form.
    pub block: u8,
    /// `personnel` (人员经费) or `public` (公用经费).
    pub group: String,
    /// The form prints —— in the amount cell.
    #[serde(default)]
    pub dash: bool,
}

/// The catalogues shipped in `templates/catalog.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// 公开01/04 支出 lines.
    pub functional_classes: Vec<FunctionalClass>,
    /// 公开06 rows.
    pub economic: Vec<EconomicItem>,
}

/// The catalogues of the default layout (for generated samples and scaffolds).
pub fn catalog() -> &'static Catalog {
    static CELL: OnceLock<std::sync::Arc<crate::layout::Layout>> = OnceLock::new();
    &CELL.get_or_init(|| crate::layout::builtin(crate::layout::DEFAULT).expect("the default layout is built in")).catalog
}

/// 一、二 … numbering (1 → 一, 12 → 十二, 26 → 二十六).
pub fn cn_number(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[n - 10] }),
        20..=99 => format!("{}十{}", D[n / 10], if n % 10 == 0 { "" } else { D[n % 10] }),
        _ => n.to_string(),
    }
}

/// The name of 类 `code` in the functional catalogue of the default layout.
pub fn class_name(code: &str) -> Option<&'static str> {
    class_name_in(catalog(), code)
}

/// The name of 类 `code` in the functional catalogue `cat`.
pub fn class_name_in<'a>(cat: &'a Catalog, code: &str) -> Option<&'a str> {
    cat.functional_classes.iter().find(|c| c.code == code).map(|c| c.name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogues_parse() {
        assert_eq!(catalog().functional_classes.len(), 26);
        assert!(catalog().economic.iter().any(|e| e.code == "30231"));
        assert_eq!(crate::layout::builtin("shanxi").unwrap().glossary.terms.len(), 12);
    }
}
