//! The tiny, strict markup that templates emit, parsed into [`Block`]s.
//!
//! Block tags: `<h1>`–`<h4>` (attributes `outline="no"`, `align`), `<p>` (`style`, `align`;
//! inline `<b>…</b>` and `<br/>`), `<table widths="1,3" header="2" size="9" fit="58.8">` with
//! `<tr>` and `<td colspan rowspan align b split>` (`split`: a row span that may break across
//! pages; `fit`: the table's width in ems of its size;
//! the columns are then sized by their content, [`Table::fit_widths`]), and the empty tags `<pagebreak/>`, `<landscape/>`,
//! `<portrait/>`, `<mainmatter/>`, `<toc title depth scope/>`, `<anchor name/>`, `<space pt/>`,
//! `<spread left center right/>` (a caption line: left margin, centre, right margin).
//!
//! Data strings reach the markup HTML-escaped by the template engine, so `&lt;` here is a
//! literal `<` of the data: the only place where data text is decoded is [`decode`].
//! Whitespace that starts with a newline is template layout and is dropped.

use crate::doc::{Align, Block, Cell, ParaStyle, Run, Table};
use std::fmt;

/// A fault in generated markup: a bug in a template, reported with the markup line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkupError {
    /// 1-based line in the generated markup.
    pub line: usize,
    /// What was wrong.
    pub message: String,
    /// The offending line.
    pub context: String,
}

impl fmt::Display for MarkupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "generated markup line {}: {}\n  | {}", self.line, self.message, self.context)
    }
}

impl std::error::Error for MarkupError {}

/// Parses markup into blocks.
pub fn parse(src: &str) -> Result<Vec<Block>, MarkupError> {
    let mut p = Parser { src, pos: 0 };
    let mut blocks = Vec::new();
    loop {
        p.skip_ws();
        if p.pos >= src.len() {
            return Ok(blocks);
        }
        blocks.push(p.block()?);
    }
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
}

struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
    closing: bool,
    empty: bool,
}

impl Tag {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

impl<'a> Parser<'a> {
    fn err<T>(&self, message: impl Into<String>) -> Result<T, MarkupError> {
        let before = &self.src[..self.pos.min(self.src.len())];
        let line = before.matches('\n').count() + 1;
        let context = self.src.lines().nth(line - 1).unwrap_or("").chars().take(160).collect();
        Err(MarkupError { line, message: message.into(), context })
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.src.len() - trimmed.len();
    }

    fn tag(&mut self) -> Result<Tag, MarkupError> {
        if !self.rest().starts_with('<') {
            return self.err("expected a tag");
        }
        let Some(end) = self.rest().find('>') else { return self.err("unclosed tag") };
        let inner = &self.rest()[1..end];
        let start = self.pos;
        self.pos += end + 1;
        let (closing, inner) = inner.strip_prefix('/').map_or((false, inner), |r| (true, r));
        let (empty, inner) = inner.strip_suffix('/').map_or((false, inner), |r| (true, r));
        let mut parts = inner.splitn(2, char::is_whitespace);
        let name = parts.next().unwrap_or("").to_string();
        let mut attrs = Vec::new();
        let mut rest = parts.next().unwrap_or("").trim();
        while !rest.is_empty() {
            let Some(eq) = rest.find("=\"") else {
                self.pos = start;
                return self.err(format!("malformed attributes in <{name}>"));
            };
            let key = rest[..eq].trim().to_string();
            let after = &rest[eq + 2..];
            let Some(close) = after.find('"') else {
                self.pos = start;
                return self.err(format!("unterminated attribute in <{name}>"));
            };
            attrs.push((key, decode(&after[..close])));
            rest = after[close + 1..].trim_start();
        }
        Ok(Tag { name, attrs, closing, empty })
    }

    fn block(&mut self) -> Result<Block, MarkupError> {
        let t = self.tag()?;
        if t.closing {
            return self.err(format!("unexpected </{}>", t.name));
        }
        let align = t.attr("align").map(parse_align);
        match t.name.as_str() {
            "h1" | "h2" | "h3" | "h4" => {
                let level = t.name[1..].parse().unwrap_or(1);
                let runs = self.inline(&t.name)?;
                Ok(Block::Heading {
                    level,
                    text: runs_text(&runs),
                    outline: t.attr("outline") != Some("no"),
                    align: align.unwrap_or_default(),
                })
            }
            "p" => {
                let style = match t.attr("style").unwrap_or("body") {
                    "body" => ParaStyle::Body,
                    "plain" => ParaStyle::Plain,
                    "title" => ParaStyle::Title,
                    "subtitle" => ParaStyle::Subtitle,
                    "center" => ParaStyle::Center,
                    "caption" => ParaStyle::Caption,
                    "note" => ParaStyle::Note,
                    other => return self.err(format!("unknown paragraph style `{other}`")),
                };
                let runs = if t.empty { Vec::new() } else { self.inline("p")? };
                Ok(Block::Paragraph { style, align, runs })
            }
            "table" => self.table(&t),
            "pagebreak" => Ok(Block::PageBreak),
            "mainmatter" => Ok(Block::MainMatter),
            "landscape" => Ok(Block::Orientation { landscape: true }),
            "portrait" => Ok(Block::Orientation { landscape: false }),
            "toc" => Ok(Block::Toc {
                title: t.attr("title").unwrap_or("目 录").to_string(),
                depth: t.attr("depth").and_then(|d| d.parse().ok()).unwrap_or(2),
                scope: t.attr("scope").map(str::to_string),
            }),
            "anchor" => Ok(Block::Anchor { name: t.attr("name").unwrap_or_default().to_string() }),
            "spread" => Ok(Block::Spread {
                left: t.attr("left").unwrap_or_default().to_string(),
                center: t.attr("center").unwrap_or_default().to_string(),
                right: t.attr("right").unwrap_or_default().to_string(),
            }),
            "space" => Ok(Block::Space { pt: t.attr("pt").and_then(|d| d.parse().ok()).unwrap_or(12) }),
            other => self.err(format!("unknown block tag <{other}>")),
        }
    }

    /// Inline content up to `</end>`.
    fn inline(&mut self, end: &str) -> Result<Vec<Run>, MarkupError> {
        let mut runs = Vec::new();
        let mut strong = false;
        loop {
            let Some(lt) = self.rest().find('<') else { return self.err(format!("missing </{end}>")) };
            let text = decode(&layout_free(&self.rest()[..lt]));
            if !text.is_empty() {
                runs.push(if strong { Run::Strong(text) } else { Run::Text(text) });
            }
            self.pos += lt;
            let t = self.tag()?;
            match (t.name.as_str(), t.closing) {
                ("b", false) if !strong => strong = true,
                ("b", true) if strong => strong = false,
                ("br", false) => runs.push(Run::Break),
                (name, true) if name == end && !strong => return Ok(merge(runs)),
                (name, closing) => {
                    return self.err(format!("unexpected <{}{name}> inside <{end}>", if closing { "/" } else { "" }))
                }
            }
        }
    }

    fn table(&mut self, t: &Tag) -> Result<Block, MarkupError> {
        let widths: Vec<u16> = t
            .attr("widths")
            .unwrap_or("")
            .split(',')
            .filter_map(|w| w.trim().parse().ok())
            .collect();
        if widths.is_empty() {
            return self.err("<table> needs widths=\"…\"");
        }
        let mut rows = Vec::new();
        loop {
            self.skip_ws();
            let tr = self.tag()?;
            match (tr.name.as_str(), tr.closing) {
                ("table", true) => break,
                ("tr", false) => rows.push(self.row()?),
                (name, _) => return self.err(format!("unexpected <{name}> in <table>")),
            }
        }
        let mut table = Table {
            widths,
            header_rows: t.attr("header").and_then(|h| h.parse().ok()).unwrap_or(0),
            rows,
            font_size: t.attr("size").and_then(|s| s.parse().ok()).unwrap_or(9),
        };
        if let Some(width) = t.attr("fit").and_then(|w| w.parse::<f32>().ok()).filter(|w| *w > 0.0) {
            table.fit_widths(width);
        }
        Ok(Block::Table(table))
    }

    fn row(&mut self) -> Result<Vec<Cell>, MarkupError> {
        let mut cells = Vec::new();
        loop {
            self.skip_ws();
            let td = self.tag()?;
            match (td.name.as_str(), td.closing) {
                ("tr", true) => return Ok(cells),
                ("td", false) => {
                    let runs = if td.empty { Vec::new() } else { self.inline("td")? };
                    cells.push(Cell {
                        text: runs_text(&runs),
                        colspan: td.attr("colspan").and_then(|v| v.parse().ok()).unwrap_or(1),
                        rowspan: td.attr("rowspan").and_then(|v| v.parse().ok()).unwrap_or(1),
                        align: td.attr("align").map(parse_align).unwrap_or_default(),
                        strong: td.attr("b").is_some() || runs.iter().any(|r| matches!(r, Run::Strong(_))),
                        breakable: td.attr("split").is_some(),
                    });
                }
                (name, _) => return self.err(format!("unexpected <{name}> in <tr>")),
            }
        }
    }
}

fn parse_align(s: &str) -> Align {
    match s {
        "c" | "center" => Align::Center,
        "r" | "right" => Align::Right,
        _ => Align::Left,
    }
}

/// Drops template layout: a newline and the indentation after it.
fn layout_free(s: &str) -> String {
    if !s.contains('\n') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut lines = s.split('\n');
    if let Some(first) = lines.next() {
        out.push_str(first);
    }
    for l in lines {
        out.push_str(l.trim_start());
    }
    out
}

/// Decodes the entities the template engine writes; drops control characters (they are not
/// text and XML forbids them).
pub fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(semi) = tail.find(';').filter(|&j| j <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let ent = &tail[1..semi];
        let ch = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ if ent.starts_with("#x") || ent.starts_with("#X") => u32::from_str_radix(&ent[2..], 16).ok().and_then(char::from_u32),
            _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &tail[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out.retain(|c| !c.is_control() || c == '\t' || c == '\n');
    out
}

fn runs_text(runs: &[Run]) -> String {
    runs.iter()
        .map(|r| match r {
            Run::Text(t) | Run::Strong(t) => t.as_str(),
            Run::Break => "\n",
        })
        .collect()
}

/// Joins adjacent runs of the same kind.
fn merge(runs: Vec<Run>) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::with_capacity(runs.len());
    for r in runs {
        match (out.last_mut(), r) {
            (Some(Run::Text(a)), Run::Text(b)) => a.push_str(&b),
            (Some(Run::Strong(a)), Run::Strong(b)) => a.push_str(&b),
            (_, r) => out.push(r),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_blocks_and_decodes_data() {
        let src = "<h1>第一部分 概况</h1>\n<p>一、<b>职责</b>：&lt;d&gt; &amp; &#x2f; &#x27;<br/>x</p>\n\
                   <table widths=\"1,2\" header=\"1\"><tr><td colspan=\"2\" align=\"c\" b=\"1\">项目</td></tr>\n\
                   <tr><td>201</td><td align=\"r\">9661.63</td></tr></table><pagebreak/><toc title=\"目 录\" depth=\"2\"/>";
        let blocks = parse(src).unwrap();
        assert_eq!(blocks.len(), 5);
        match &blocks[1] {
            Block::Paragraph { runs, .. } => {
                assert_eq!(runs[0], Run::Text("一、".into()));
                assert_eq!(runs[1], Run::Strong("职责".into()));
                assert_eq!(runs[2], Run::Text("：<d> & / '".into()));
                assert_eq!(runs[3], Run::Break);
            }
            b => panic!("{b:?}"),
        }
        match &blocks[2] {
            Block::Table(t) => {
                assert_eq!(t.rows[0][0].colspan, 2);
                assert_eq!(t.rows[1][1].align, Align::Right);
            }
            b => panic!("{b:?}"),
        }
    }

    #[test]
    fn reports_the_line_of_a_fault() {
        let e = parse("<p>ok</p>\n<q>bad</q>").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("<q>"));
    }

    #[test]
    fn drops_layout_whitespace_and_control_characters() {
        let blocks = parse("<p>\n    甲\n    乙\u{1}</p>").unwrap();
        assert_eq!(blocks[0], Block::Paragraph { style: ParaStyle::Body, align: None, runs: vec![Run::Text("甲乙".into())] });
    }
}
