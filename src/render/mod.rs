//! Stage 4 — render: the computed view → [`Document`] through the minijinja templates in
//! `templates/` (embedded in the binary). Templates write every sentence once; they emit the
//! small markup of [`markup`], which is parsed into the format-free document tree.
//!
//! Filters (registered in [`environment_with`], the only place):
//! `t` table figure `24557.16` (blank when empty) · `wan` prose figure `24,557.16` (`0` when
//! zero) · `pct` `29.39%` · `yuan` `1,500,000` · `num` `6.32` · `mag` absolute value ·
//! `cn` 一二三 numbering · `lines` text → its non-blank lines (one paragraph each) · `iszero` blank or zero.

pub mod markup;

use crate::compute::View;
use crate::doc::{Document, Meta};
use crate::money::{fmt_pct, fmt_plain, fmt_prose, fmt_table, fmt_yuan};
use minijinja::value::Value;
use minijinja::{context, AutoEscape, Environment, Error, ErrorKind};
use rust_decimal::Decimal;
use std::fmt;

/// A fault while rendering: a template error, or markup the templates got wrong.
#[derive(Debug)]
pub enum RenderError {
    /// minijinja failed (template name and line inside).
    Template(String),
    /// The generated markup did not parse.
    Markup(markup::MarkupError, &'static str),
    /// No project with that id.
    NoSuchProject(String),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::Template(e) => write!(f, "template error (a bug in templates/): {e}"),
            RenderError::Markup(e, t) => write!(f, "markup from {t} (a bug in templates/): {e}"),
            RenderError::NoSuchProject(id) => write!(f, "no project with id `{id}`"),
        }
    }
}

impl std::error::Error for RenderError {}

fn template_error(e: &Error) -> RenderError {
    let mut msg = e.to_string();
    if let (Some(name), Some(line)) = (e.name(), e.line()) {
        msg = format!("{name}:{line}: {msg}");
    }
    // The cause chain: an error inside an included template names that template and line.
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        msg.push_str(&format!("\n  caused by: {c}"));
        cause = c.source();
    }
    RenderError::Template(msg)
}

/// A template environment with every filter (the only place they are registered), whose
/// templates come from `loader` (a layout's files, see `layout.rs`).
pub fn environment_with<F>(loader: F) -> Environment<'static>
where
    F: Fn(&str) -> Result<Option<String>, Error> + Send + Sync + 'static,
{
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_loader(loader);
    env.add_filter("t", |v: Value| dec(&v).map(fmt_table).unwrap_or_default());
    env.add_filter("wan", |v: Value| dec(&v).map(|d| if d.is_zero() { "0".into() } else { fmt_prose(d) }).unwrap_or_default());
    env.add_filter("pct", |v: Value| dec(&v).map(fmt_pct).unwrap_or_default());
    env.add_filter("yuan", |v: Value| dec(&v).map(fmt_yuan).unwrap_or_default());
    env.add_filter("num", |v: Value| dec(&v).map(fmt_plain).unwrap_or_default());
    env.add_filter("mag", |v: Value| dec(&v).map(|d| d.abs().to_string()).unwrap_or_default());
    env.add_filter("cn", |v: usize| crate::forms::cn_number(v));
    env.add_filter("lines", lines);
    env.add_filter("iszero", |v: Value| dec(&v).is_none_or(|d| d.is_zero()));
    env
}

/// Reads a decimal from a template value (a decimal string, an integer, or none).
fn dec(v: &Value) -> Option<Decimal> {
    if v.is_none() || v.is_undefined() {
        return None;
    }
    if let Some(s) = v.as_str() {
        return s.parse().ok();
    }
    v.to_string().parse().ok()
}

/// The non-blank lines of a free text, trimmed: each is a paragraph of its own.
fn lines(v: Value) -> Result<Value, Error> {
    if v.is_none() || v.is_undefined() {
        return Ok(Value::from(Vec::<Value>::new()));
    }
    let s = v.as_str().ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "lines expects text"))?;
    let out: Vec<&str> = s.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    Ok(Value::from_serialize(&out))
}

fn meta(v: &View, title: String) -> Meta {
    Meta {
        title,
        author: v.info.name.clone(),
        date: v.info.date.clone(),
        lang: "zh-CN".into(),
        draft: v.info.draft,
        serif: v.info.serif.clone(),
        sans: v.info.sans.clone(),
        fang: v.info.fang.clone(),
        kai: v.info.kai.clone(),
        house_style: v.info.house_style,
    }
}

fn render(v: &View, name: &'static str, ctx: Value) -> Result<Vec<crate::doc::Block>, RenderError> {
    let tmpl = v.layout.environment().get_template(name).map_err(|e| template_error(&e))?;
    let src = tmpl.render(ctx).map_err(|e| template_error(&e))?;
    markup::parse(&src).map_err(|e| RenderError::Markup(e, name))
}

/// The whole 部门决算公开 booklet.
pub fn booklet(v: &View) -> Result<Document, RenderError> {
    let blocks = render(v, "booklet.jinja", context! { v => Value::from_serialize(v), layout => Value::from_serialize(&v.layout.spec) })?;
    Ok(Document { meta: meta(v, format!("{}{}年度部门决算公开", v.info.name, v.info.year)), blocks })
}

/// One project's 自评报告 as its own document.
pub fn report(v: &View, id: &str) -> Result<Document, RenderError> {
    let p = v.projects.iter().find(|p| p.id == id).ok_or_else(|| RenderError::NoSuchProject(id.to_string()))?;
    let blocks = render(v, "report-alone.jinja", context! { v => Value::from_serialize(v), p => Value::from_serialize(p), layout => Value::from_serialize(&v.layout.spec) })?;
    // The title the cover prints: the project's name and 项目支出绩效自评分析报告 (once 项目
    // where the name ends with it: …处理工程项目支出绩效自评分析报告).
    let name = p.name.strip_suffix("项目").unwrap_or(&p.name);
    Ok(Document { meta: meta(v, format!("{name}项目支出绩效自评分析报告")), blocks })
}

/// The generated markup of the booklet (for `--emit-markup` and tests).
pub fn booklet_markup(v: &View) -> Result<String, RenderError> {
    let tmpl = v.layout.environment().get_template("booklet.jinja").map_err(|e| template_error(&e))?;
    tmpl.render(context! { v => Value::from_serialize(v), layout => Value::from_serialize(&v.layout.spec) }).map_err(|e| template_error(&e))
}
