//! Layouts — 版式: a region's booklet template as data. A layout is a folder (like a zola or
//! mdBook theme): `layout.yaml` (its forms in order, the 情况说明 sections, the 附件, the input
//! files it requires, the rules that apply, its grade scale, the names it gives forms and
//! sections), its row catalogues (`catalog.yaml`), its 名词解释 (`glossary.yaml`) and the
//! templates that word it (`*.jinja`, `sections/*.jinja`). Two are built in (`shanxi`,
//! `shanghai`); a folder on disk loads the same way, and a template it lacks comes from its
//! `base` layout, then from the templates every layout shares.
//!
//! The model stays national: Rust knows the data tables (科目 tables, 收支总表, 经济分类,
//! “三公”, statistics) as form *kinds*; which forms a booklet prints, in what order, with which
//! columns and words, is the layout's.

use crate::diag::{Diagnostic, LoadErrors};
use crate::forms::Catalog;
use crate::model::Glossary;
use crate::source::Loc;
use crate::write::style::HouseStyle;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The layout used when `department.yaml` names none.
pub const DEFAULT: &str = "shanxi";

/// 表种 — the national data table a form prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FormKind {
    /// 收入支出决算总表
    Summary,
    /// 收入决算表 (科目 table)
    Income,
    /// 支出决算表 (科目 table)
    Expenditure,
    /// 财政拨款收入支出决算总表
    FiscalSummary,
    /// 一般公共预算财政拨款支出决算表 (科目 table)
    GeneralBudget,
    /// 一般公共预算财政拨款基本支出决算（明细）表 (经济分类)
    BasicDetail,
    /// 政府性基金预算财政拨款收入支出决算表 (科目 table)
    GovFund,
    /// 国有资本经营预算财政拨款（收入）支出决算表 (科目 table)
    SoeCapital,
    /// 财政拨款“三公”经费支出决算表
    ThreePublic,
    /// 部门决算公开相关信息统计表
    Statistics,
}

impl FormKind {
    /// The data file (key, without `.yaml`) that holds this kind's inputs.
    pub fn data_file(self) -> &'static str {
        match self {
            FormKind::Summary => "tables/01-summary",
            FormKind::Income => "tables/02-income",
            FormKind::Expenditure => "tables/03-expenditure",
            FormKind::FiscalSummary => "tables/04-fiscal",
            FormKind::GeneralBudget => "tables/05-general-budget",
            FormKind::BasicDetail => "tables/06-basic-detail",
            FormKind::GovFund => "tables/07-gov-fund",
            FormKind::SoeCapital => "tables/08-soe-capital",
            FormKind::ThreePublic => "tables/09-three-public",
            FormKind::Statistics => "tables/10-statistics",
        }
    }

    /// The computed view's key of the table this kind prints (`v.t02` …).
    pub fn view_key(self) -> &'static str {
        match self {
            FormKind::Summary => "t01",
            FormKind::Income => "t02",
            FormKind::Expenditure => "t03",
            FormKind::FiscalSummary => "t04",
            FormKind::GeneralBudget => "t05",
            FormKind::BasicDetail => "t06",
            FormKind::GovFund => "t07",
            FormKind::SoeCapital => "t08",
            FormKind::ThreePublic => "t09",
            FormKind::Statistics => "t10",
        }
    }
}

/// Where a 科目 form's 合计 row sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TotalRow {
    /// Right under the header (Shanxi, Shanghai 收入/支出决算表).
    #[default]
    Top,
    /// After the last row (Shanghai 一般公共预算财政拨款支出决算表).
    Bottom,
}

/// Page orientation of a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Orientation {
    /// 纵向
    #[default]
    Portrait,
    /// 横向
    Landscape,
}

/// A column of a 科目 form: which figure, its header, and the header cell it sits under.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// The figure (`total`, `fiscal`, `basic` …, see docs/data-format.md).
    pub key: String,
    /// Header text.
    pub label: String,
    /// A header cell spanning this and the neighbouring columns of the same group (本年支出).
    #[serde(default)]
    pub group: Option<String>,
}

/// One form of the booklet, in print order.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Form {
    /// Which national table it prints.
    pub kind: FormKind,
    /// Title (without the 一、 numbering, which comes from the order).
    pub title: String,
    /// 表号 printed above the form (`公开02表`), or none.
    #[serde(default)]
    pub number: Option<String>,
    /// 行次 printed.
    #[serde(default)]
    pub row_numbers: bool,
    /// 栏次 printed.
    #[serde(default)]
    pub column_numbers: bool,
    /// Where the 合计 row sits (科目 forms).
    #[serde(default)]
    pub total: TotalRow,
    /// The 合计 row's label.
    #[serde(default = "default_total_label")]
    pub total_label: String,
    /// Columns in order (科目 forms; others fix their own).
    #[serde(default)]
    pub columns: Vec<Column>,
    /// Header of the code column (`科目代码`, `功能分类科目编码`).
    #[serde(default)]
    pub code_label: Option<String>,
    /// Relative column widths (`"9,33,11"`), the code and name columns first.
    #[serde(default)]
    pub widths: Option<String>,
    /// Font size of the table (pt).
    #[serde(default)]
    pub size: Option<u32>,
    /// 注 under the form.
    #[serde(default)]
    pub note: Option<String>,
    /// Words under a form without data (`{name}` is replaced by the department's name).
    #[serde(default)]
    pub empty_note: Option<String>,
    /// Page orientation.
    #[serde(default)]
    pub orientation: Orientation,
    /// Print a blank figure as 0.00 (forms the region prints in full).
    #[serde(default)]
    pub zeros: bool,
    /// The computed view's key of its table (`t02` …), for the templates; set from `kind`.
    #[serde(skip_deserializing, default)]
    pub view: String,
}

fn default_total_label() -> String {
    "合计".into()
}

/// A section of the 情况说明 (or of another part), worded by its template.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Stable id, used in rule messages (`three_public`).
    pub id: String,
    /// Heading without its number.
    pub heading: String,
    /// Template that words it (`sections/three_public.jinja`).
    pub template: String,
}

/// 附件 of the booklet.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Attachments {
    /// The 项目支出绩效自评报告 are attached (and the `projects/` folder is data of the booklet).
    #[serde(default)]
    pub reports: bool,
}

/// A grade of the scale, from the best: given when the score is at least `min`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    /// 优, 良, 中, 差, 合格, 不合格 …
    pub label: String,
    /// Lowest score of the grade.
    pub min: rust_decimal::Decimal,
}

/// `layout.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Name shown in messages.
    pub name: String,
    /// One line on what it is.
    #[serde(default)]
    pub description: Option<String>,
    /// A built-in layout whose files fill in what this folder lacks.
    #[serde(default)]
    pub base: Option<String>,
    /// 版式风格 — the house style of departments that name none (`standard`, `gbt9704`;
    /// absent: `standard`).
    #[serde(default)]
    pub house_style: Option<String>,
    /// Forms in print order.
    pub forms: Vec<Form>,
    /// 情况说明 sections in order (numbered 一、二 … by position).
    pub sections: Vec<Section>,
    /// 附件
    #[serde(default)]
    pub attachments: Attachments,
    /// Input files (keys, e.g. `tables/03-expenditure`) the department folder must have;
    /// the others are read when present.
    pub requires: Vec<String>,
    /// Rule ids that apply (absent: every rule).
    #[serde(default)]
    pub rules: Option<Vec<String>>,
    /// Grade scale, best first.
    pub grades: Vec<Grade>,
    /// The layout's own names for the national forms and sections that rule messages name
    /// (`公开05` → `一般公共预算财政拨款支出决算表`, `情况说明 九` → `情况说明 七`).
    #[serde(default)]
    pub names: BTreeMap<String, String>,
}

/// A loaded layout: its spec, catalogues and every template it can use.
#[derive(Debug)]
pub struct Layout {
    /// `layout.yaml`
    pub spec: Spec,
    /// 功能分类 类 lines and 经济分类 rows.
    pub catalog: Catalog,
    /// The standard 名词解释 of the region.
    pub glossary: Glossary,
    /// Where it came from (`built-in shanghai` or the folder).
    pub origin: String,
    /// Template name → (source, file shown in errors).
    templates: Arc<BTreeMap<String, (String, String)>>,
    env: OnceLock<minijinja::Environment<'static>>,
}

type Files = &'static [(&'static str, &'static str)];

macro_rules! embed {
    ($dir:literal: $($f:literal),* $(,)?) => {
        &[$(($f, include_str!(concat!("../templates/", $dir, $f)))),*]
    };
}

/// Templates every layout may use (a layout's own file of the same name wins).
const COMMON: Files = embed!("": "macros.jinja", "forms.jinja", "report.jinja", "report-alone.jinja");

/// The built-in layouts.
const BUILTIN: &[(&str, Files)] = &[
    (
        "shanxi",
        embed!("layouts/shanxi/":
            "layout.yaml", "catalog.yaml", "glossary.yaml", "booklet.jinja", "tables.jinja",
            "sections/total.jinja", "sections/income.jinja", "sections/expenditure.jinja",
            "sections/fiscal.jinja", "sections/general_budget.jinja", "sections/basic.jinja",
            "sections/gov_fund.jinja", "sections/soe_capital.jinja", "sections/three_public.jinja",
            "sections/other.jinja",
        ),
    ),
    (
        "shanghai",
        embed!("layouts/shanghai/":
            "layout.yaml", "catalog.yaml", "glossary.yaml", "booklet.jinja", "tables.jinja", "sh.jinja",
            "sections/total.jinja", "sections/income.jinja", "sections/expenditure.jinja",
            "sections/fiscal.jinja", "sections/general_budget.jinja", "sections/basic.jinja",
            "sections/three_public.jinja", "sections/gov_fund.jinja", "sections/soe_capital.jinja",
            "sections/performance.jinja", "sections/other.jinja",
        ),
    ),
];

/// Names of the built-in layouts.
pub fn builtin_names() -> Vec<&'static str> {
    BUILTIN.iter().map(|(n, _)| *n).collect()
}

fn builtin_files(name: &str) -> Option<Files> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// A built-in layout, parsed once per process (each on first use: a run pays only for the
/// layouts it uses).
pub fn builtin(name: &str) -> Option<Arc<Layout>> {
    static CELLS: [OnceLock<Arc<Layout>>; BUILTIN.len()] = [const { OnceLock::new() }; BUILTIN.len()];
    let i = BUILTIN.iter().position(|(n, _)| *n == name)?;
    let (n, files) = BUILTIN[i];
    Some(
        CELLS[i]
            .get_or_init(|| {
                let owned: Vec<(String, String)> = files.iter().map(|(f, s)| (f.to_string(), s.to_string())).collect();
                let layout = assemble(&format!("built-in {n}"), &format!("<built-in {n}>"), &owned)
                    .unwrap_or_else(|e| panic!("built-in layout {n}: {e:?}"));
                Arc::new(layout)
            })
            .clone(),
    )
}

/// The layout named by `department.yaml` (`None`: the default), a built-in name or a folder
/// inside the data folder `data_dir`; `over` (`--layout DIR`) wins over both.
pub fn resolve(named: Option<&str>, data_dir: &Path, over: Option<&Path>, at: Loc) -> Result<Arc<Layout>, LoadErrors> {
    if let Some(dir) = over {
        return from_dir(dir).map(Arc::new);
    }
    let name = named.unwrap_or(DEFAULT);
    if let Some(l) = builtin(name) {
        return Ok(l);
    }
    if !(name.starts_with("./") || name.contains('/')) {
        return Err(LoadErrors(vec![Diagnostic::error(at, format!("unknown layout `{name}`")).with_hint(format!(
            "a built-in layout ({}) or a folder inside the data folder, written `./NAME`; --layout DIR takes a folder anywhere",
            builtin_names().join(", ")
        ))]));
    }
    let dir = data_dir.join(name);
    let inside = match (dir.canonicalize(), data_dir.canonicalize()) {
        (Ok(d), Ok(root)) => d.starts_with(&root),
        _ => false,
    };
    if !inside {
        return Err(LoadErrors(vec![Diagnostic::error(at, format!("layout folder `{name}` is not a folder inside the data folder"))
            .with_hint("put the layout folder inside the department folder, or give it with --layout DIR")]));
    }
    from_dir(&dir).map(Arc::new)
}

/// Loads a layout folder: `layout.yaml`, optional `catalog.yaml` / `glossary.yaml`, every
/// `*.jinja` in it and in `sections/`.
pub fn from_dir(dir: &Path) -> Result<Layout, LoadErrors> {
    let display = dir.to_string_lossy().trim_end_matches('/').to_string();
    let mut files: Vec<(String, String)> = Vec::new();
    let mut errors = Vec::new();
    let root = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    for sub in ["", "sections/"] {
        let folder = dir.join(sub);
        let Ok(entries) = std::fs::read_dir(&folder) else {
            if sub.is_empty() {
                return Err(LoadErrors(vec![Diagnostic::file_error(display, "not a layout folder (expected a folder with layout.yaml)")]));
            }
            continue;
        };
        let mut names: Vec<String> = entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        for n in names {
            if !(n.ends_with(".jinja") || (sub.is_empty() && n.ends_with(".yaml"))) {
                continue;
            }
            let path: PathBuf = folder.join(&n);
            let shown = format!("{display}/{sub}{n}");
            match crate::load::read_inside(&path, &shown, &root, "layout folder") {
                Ok(text) => files.push((format!("{sub}{n}"), text)),
                Err(d) => errors.push(d),
            }
        }
    }
    if !errors.is_empty() {
        return Err(LoadErrors(errors));
    }
    assemble(&display, &display, &files)
}

/// Builds a layout from its files (`name` → text); `display` names the folder in errors.
fn assemble(origin: &str, display: &str, files: &[(String, String)]) -> Result<Layout, LoadErrors> {
    let get = |n: &str| files.iter().find(|(f, _)| f == n).map(|(_, s)| s.as_str());
    let shown = |n: &str| format!("{display}/{n}");
    let Some(spec_text) = get("layout.yaml") else {
        return Err(LoadErrors(vec![Diagnostic::file_error(shown("layout.yaml"), "required file is missing")]));
    };
    let builtin = origin.starts_with("built-in");
    let mut spec = parse::<Spec>(builtin, &shown("layout.yaml"), spec_text)?;
    for f in &mut spec.forms {
        f.view = f.kind.view_key().to_string();
    }
    let base = match &spec.base {
        Some(b) => Some(builtin_files(b).ok_or_else(|| {
            LoadErrors(vec![Diagnostic::file_error(shown("layout.yaml"), format!("`base: {b}` is not a built-in layout ({})", builtin_names().join(", ")))])
        })?),
        None => None,
    };
    // Own files, then the base layout's, then the shared templates.
    let mut templates: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (n, s) in COMMON {
        templates.insert(n.to_string(), (s.to_string(), format!("templates/{n}")));
    }
    for (n, s) in base.unwrap_or(&[]) {
        templates.insert(n.to_string(), (s.to_string(), format!("<built-in {}>/{n}", spec.base.as_deref().unwrap_or(""))));
    }
    for (n, s) in files {
        templates.insert(n.clone(), (s.clone(), shown(n)));
    }
    let text_of = |n: &str| templates.get(n).map(|(s, f)| (s.clone(), f.clone()));
    let catalog = match text_of("catalog.yaml") {
        Some((s, f)) => parse::<Catalog>(builtin, &f, &s)?,
        None => return Err(LoadErrors(vec![Diagnostic::file_error(shown("catalog.yaml"), "required file is missing (and no `base` layout gives one)")])),
    };
    let glossary = match text_of("glossary.yaml") {
        Some((s, f)) => parse::<Glossary>(builtin, &f, &s)?,
        None => Glossary::default(),
    };
    let layout = Layout { spec, catalog, glossary, origin: origin.to_string(), templates: Arc::new(templates), env: OnceLock::new() };
    validate(&layout, &shown("layout.yaml"), spec_text, !builtin)?;
    Ok(layout)
}

/// Parses a layout file: with the data's located errors for a folder; straight through serde
/// for a built-in file (tested, so its errors cannot happen; it saves the source map).
fn parse<T: serde::de::DeserializeOwned>(builtin: bool, file: &str, text: &str) -> Result<T, LoadErrors> {
    if builtin {
        return serde_yaml::from_str(text).map_err(|e| LoadErrors(vec![Diagnostic::file_error(file, e.to_string())]));
    }
    crate::load::parse_yaml::<T>(file, text).map(|(v, _)| v).map_err(|d| LoadErrors(vec![d]))
}

/// What `layout.yaml` says must exist: templates, known rules and files, a grade scale; and,
/// for a layout folder (`check_templates`), that every template parses. (The built-in
/// layouts' templates are parsed by a unit test, not on every run.)
fn validate(l: &Layout, file: &str, text: &str, check_templates: bool) -> Result<(), LoadErrors> {
    // (value path in layout.yaml or none, message, hint)
    let mut faults: Vec<(Option<String>, String, Option<String>)> = Vec::new();
    for t in ["booklet.jinja", "tables.jinja"] {
        if !l.templates.contains_key(t) {
            faults.push((None, format!("template `{t}` is missing (and no `base` layout gives one)"), None));
        }
    }
    for (i, s) in l.spec.sections.iter().enumerate() {
        if !l.templates.contains_key(&s.template) {
            faults.push((Some(format!("sections[{i}].template")), format!("no template `{}` in the layout", s.template), None));
        }
    }
    for (i, f) in l.spec.requires.iter().enumerate() {
        if !crate::load::FILES.contains(&f.as_str()) {
            faults.push((Some(format!("requires[{i}]")), format!("`{f}` is not a data file juesuan knows"), Some(format!("one of: {}", crate::load::FILES.join(", ")))));
        }
    }
    for (i, r) in l.spec.rules.iter().flatten().enumerate() {
        if !crate::check::rules().any(|(id, _)| id == r) {
            faults.push((Some(format!("rules[{i}]")), format!("unknown rule `{r}`"), Some("juesuan check --list-rules lists them".into())));
        }
    }
    if l.spec.grades.is_empty() {
        faults.push((Some("grades".into()), "the grade scale is empty".into(), None));
    }
    if let Some(h) = l.spec.house_style.as_deref().filter(|h| HouseStyle::from_name(h).is_none()) {
        faults.push((Some("house_style".into()), format!("unknown house style `{h}`"), Some(house_style_hint())));
    }
    let mut errors: Vec<Diagnostic> = Vec::new();
    if !faults.is_empty() {
        // Locations only when something is wrong: the source map costs a second parse.
        let map = crate::load::parse_yaml::<serde_yaml::Value>(file, text).map(|(_, m)| m).ok();
        for (path, msg, hint) in faults {
            let loc = match (&path, &map) {
                (Some(p), Some(m)) => m.loc(p),
                _ => Loc { file: file.into(), line: 1, col: 1 },
            };
            let d = Diagnostic::error(loc, msg);
            errors.push(match hint {
                Some(h) => d.with_hint(h),
                None => d,
            });
        }
    } else if check_templates {
        let env = l.environment();
        for name in l.templates.keys().filter(|n| n.ends_with(".jinja")) {
            if let Err(e) = env.get_template(name) {
                let (_, shown) = &l.templates[name];
                errors.push(Diagnostic::error(Loc { file: shown.as_str().into(), line: e.line().unwrap_or(1), col: 1 }, format!("template: {}", e.detail().unwrap_or(&e.to_string()))));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(LoadErrors(errors))
    }
}

/// The hint of an unknown house style: the names there are.
pub fn house_style_hint() -> String {
    format!("one of: {}", HouseStyle::NAMES.join(", "))
}

impl Layout {
    /// The house style of departments that name none.
    pub fn house_style(&self) -> HouseStyle {
        self.spec.house_style.as_deref().and_then(HouseStyle::from_name).unwrap_or_default()
    }

    /// The template environment of this layout (filters registered in `render`), built once.
    pub fn environment(&self) -> &minijinja::Environment<'static> {
        self.env.get_or_init(|| {
            let map = self.templates.clone();
            crate::render::environment_with(move |name: &str| Ok(map.get(name).map(|(s, _)| s.clone())))
        })
    }

    /// Whether rule `id` applies in this layout.
    pub fn applies(&self, id: &str) -> bool {
        self.spec.rules.as_ref().is_none_or(|r| r.iter().any(|x| x == id))
    }

    /// Whether the data file `key` is required.
    pub fn requires(&self, key: &str) -> bool {
        self.spec.requires.iter().any(|f| f == key)
    }

    /// The layout's wording of a message that names national forms and sections.
    pub fn rename(&self, text: &str) -> String {
        let mut out = self.resolve_tokens(text);
        // Longest names first, so that `情况说明 十(二)` is replaced before `情况说明 十`.
        let mut names: Vec<(&String, &String)> = self.spec.names.iter().collect();
        names.sort_by_key(|(k, _)| std::cmp::Reverse(k.chars().count()));
        let mut marks: Vec<(String, &String)> = Vec::new();
        for (i, (from, to)) in names.iter().enumerate() {
            if out.contains(from.as_str()) {
                let mark = format!("\u{1}{i}\u{1}");
                out = out.replace(from.as_str(), &mark);
                marks.push((mark, to));
            }
        }
        for (mark, to) in marks {
            out = out.replace(&mark, to);
        }
        out
    }

    /// `{form:KIND}` → the layout's name of that form (its 表号 without 表, else its title;
    /// the data file where the layout prints no such form), `{section:ID}` → `情况说明` and
    /// the section's number. What Rust messages say in place of form or section names.
    fn resolve_tokens(&self, text: &str) -> String {
        if !text.contains('{') {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(i) = rest.find('{') {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            let token = tail.find('}').map(|j| &tail[1..j]);
            match token.and_then(|t| self.token(t)) {
                Some(name) => {
                    out.push_str(&name);
                    rest = &tail[token.map_or(0, str::len) + 2..];
                }
                None => {
                    out.push('{');
                    rest = &tail[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// One token: alternatives separated by `|`, the first the layout has wins; a form the
    /// layout does not print is named by its data file.
    fn token(&self, token: &str) -> Option<String> {
        let mut fallback = None;
        for alt in token.split('|') {
            if let Some(kind) = alt.strip_prefix("form:") {
                let kind: FormKind = serde_yaml::from_str(kind).ok()?;
                match self.spec.forms.iter().find(|f| f.kind == kind) {
                    Some(f) => {
                        return Some(match &f.number {
                            Some(n) => n.trim_end_matches('表').to_string(),
                            None => f.title.clone(),
                        })
                    }
                    None => fallback = fallback.or_else(|| Some(format!("({})", kind.data_file()))),
                }
            } else if let Some(found) = self.section_token(alt) {
                return Some(found);
            }
        }
        fallback
    }

    fn section_token(&self, token: &str) -> Option<String> {
        let id = token.strip_prefix("section:")?;
        let (path, sub) = id.split_once('(').map_or((id, ""), |(p, s)| (p, s));
        let n = self.spec.sections.iter().position(|s| s.id == path)?;
        let sub = if sub.is_empty() { String::new() } else { format!("({sub}") };
        Some(format!("情况说明 {}{sub}", crate::forms::cn_number(n + 1)))
    }

    /// The grade of `score` on this layout's scale (the last grade below every `min`).
    pub fn grade_of(&self, score: rust_decimal::Decimal) -> (usize, &str) {
        let g = &self.spec.grades;
        let i = g.iter().position(|x| score >= x.min).unwrap_or(g.len() - 1);
        (i, g[i].label.as_str())
    }

    /// Every file of the layout, own, base and shared (for `juesuan layout export`).
    pub fn files(&self) -> Vec<(String, String)> {
        self.templates.iter().map(|(n, (s, _))| (n.clone(), s.clone())).collect()
    }
}

/// Writes every file of the built-in layout `name` into the new folder `dir` (a complete
/// starting point: `base` is dropped since every template is there).
pub fn export(name: &str, dir: &Path) -> Result<usize, String> {
    let l = builtin(name).ok_or_else(|| format!("no built-in layout `{name}` (built in: {})", builtin_names().join(", ")))?;
    if dir.exists() && std::fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err(format!("{} exists and is not empty", dir.display()));
    }
    let tmp = dir.with_file_name(format!(".{}.tmp{}", dir.file_name().and_then(|n| n.to_str()).unwrap_or("layout"), std::process::id()));
    let write = || -> std::io::Result<usize> {
        let files = l.files();
        for (n, s) in &files {
            let p = tmp.join(n);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(p, s)?;
        }
        if dir.exists() {
            std::fs::remove_dir(dir)?;
        }
        std::fs::rename(&tmp, dir)?;
        Ok(files.len())
    };
    write().map_err(|e| {
        let _ = std::fs::remove_dir_all(&tmp);
        format!("cannot write {}: {e}", dir.display())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_layouts_load() {
        for n in builtin_names() {
            let l = builtin(n).unwrap();
            assert!(!l.spec.forms.is_empty() && !l.spec.sections.is_empty(), "{n}");
        }
        assert_eq!(builtin("shanxi").unwrap().spec.forms.len(), 10);
        assert_eq!(builtin("shanghai").unwrap().spec.forms.len(), 9);
    }

    #[test]
    fn builtin_templates_parse() {
        for n in builtin_names() {
            let l = builtin(n).unwrap();
            for name in l.templates.keys().filter(|t| t.ends_with(".jinja")) {
                l.environment().get_template(name).unwrap_or_else(|e| panic!("{n}/{name}: {e:#}"));
            }
        }
    }

    #[test]
    fn rename_prefers_the_longest_name() {
        let mut l = (*builtin("shanxi").unwrap()).spec.clone();
        l.names = [("情况说明 十".to_string(), "A".to_string()), ("情况说明 十(二)".to_string(), "B".to_string())].into();
        let layout = Layout { spec: l, catalog: builtin("shanxi").unwrap().catalog.clone(), glossary: Glossary::default(), origin: String::new(), templates: Arc::new(BTreeMap::new()), env: OnceLock::new() };
        assert_eq!(layout.rename("情况说明 十(二) x, 情况说明 十 y"), "B x, A y");
    }
}
