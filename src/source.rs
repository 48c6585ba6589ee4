//! Source locations: every value of every YAML file can be traced back to `file:line:col`,
//! so that load errors and check findings point at the figure they accuse.

use saphyr_parser::{Event, Parser, Span};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// A place in a data file (line and column are 1-based).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Loc {
    /// Path of the file as given on the command line (joined with the file name).
    pub file: Arc<str>,
    /// Line, 1-based.
    pub line: usize,
    /// Column, 1-based.
    pub col: usize,
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// Maps value paths (`rows[2].fiscal`, `printed.by_class.201`) of one file to locations:
/// of the value, and of the key that names it.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    file: Arc<str>,
    index: HashMap<String, (usize, usize)>,
    keys: HashMap<String, (usize, usize)>,
}

enum Frame {
    Map { key: Option<String> },
    Seq { next: usize },
}

/// Builds a [`SourceMap`] from the parser's events, one at a time, so that a pass over the
/// events made for another reason (the loader's precheck) indexes the file too.
#[derive(Default)]
pub struct SourceMapBuilder {
    index: HashMap<String, (usize, usize)>,
    keys: HashMap<String, (usize, usize)>,
    stack: Vec<Frame>,
}

impl SourceMapBuilder {
    /// Takes the next event of the file and where it starts.
    pub fn event(&mut self, event: &Event<'_>, span: &Span) {
        let at = (span.start.line(), span.start.col() + 1);
        let stack = &mut self.stack;
        match event {
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                advance(stack);
            }
            Event::Scalar(value, ..) => {
                if let Some(Frame::Map { key: key @ None }) = stack.last_mut() {
                    *key = Some(value.to_string());
                    self.keys.insert(path_of(stack), at);
                    return;
                }
                self.index.insert(path_of(stack), at);
                advance(stack);
            }
            Event::Alias(_) => {
                self.index.insert(path_of(stack), at);
                advance(stack);
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if let Some(Frame::Map { key: key @ None }) = stack.last_mut() {
                    // A complex key: index it under a placeholder name.
                    *key = Some("?".into());
                }
                self.index.insert(path_of(stack), at);
                stack.push(if matches!(event, Event::MappingStart(..)) {
                    Frame::Map { key: None }
                } else {
                    Frame::Seq { next: 0 }
                });
            }
            _ => {}
        }
    }

    /// The map of `file`, from the events taken so far.
    pub fn finish(self, file: &str) -> SourceMap {
        SourceMap { file: file.into(), index: self.index, keys: self.keys }
    }
}

impl SourceMap {
    /// Indexes `text`; a file that does not parse yields an index of what came before the fault.
    pub fn build(file: &str, text: &str) -> SourceMap {
        let mut builder = SourceMapBuilder::default();
        for item in Parser::new_from_str(text) {
            let Ok((event, span)) = item else { break };
            builder.event(&event, &span);
        }
        builder.finish(file)
    }

    /// The file this map belongs to.
    pub fn file(&self) -> &Arc<str> {
        &self.file
    }

    /// The location of `path`, or of its nearest indexed ancestor.
    pub fn loc(&self, path: &str) -> Loc {
        let mut p = path;
        loop {
            if let Some(&(line, col)) = self.index.get(p) {
                return Loc { file: self.file.clone(), line, col };
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => {
                    let (line, col) = self.index.get("").copied().unwrap_or((1, 1));
                    return Loc { file: self.file.clone(), line, col };
                }
            }
        }
    }

    /// The location of the key naming `path` (`amounts.30101` → where `"30101"` is written),
    /// or of the value when the key was not indexed.
    pub fn key_loc(&self, path: &str) -> Loc {
        match self.keys.get(path) {
            Some(&(line, col)) => Loc { file: self.file.clone(), line, col },
            None => self.loc(path),
        }
    }

    /// A location at `line:col` of this file.
    pub fn at(&self, line: usize, col: usize) -> Loc {
        Loc { file: self.file.clone(), line, col }
    }
}

fn advance(stack: &mut [Frame]) {
    match stack.last_mut() {
        Some(Frame::Map { key }) => *key = None,
        Some(Frame::Seq { next }) => *next += 1,
        None => {}
    }
}

fn path_of(stack: &[Frame]) -> String {
    let mut out = String::new();
    for frame in stack {
        match frame {
            Frame::Map { key: Some(k) } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Frame::Map { key: None } => {}
            Frame::Seq { next } => {
                out.push('[');
                out.push_str(&next.to_string());
                out.push(']');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_values() {
        let text = "rows:\n  - {code: \"201\", fiscal: 1.5}\n  - code: \"20113\"\n    printed:\n      total: 2\n";
        let map = SourceMap::build("t.yaml", text);
        assert_eq!(map.loc("rows[0].fiscal").to_string(), "t.yaml:2:27");
        assert_eq!(map.loc("rows[1].printed.total").to_string(), "t.yaml:5:14");
        assert_eq!(map.loc("rows[1].missing").to_string(), "t.yaml:3:5");
        assert_eq!(map.key_loc("rows[0].fiscal").to_string(), "t.yaml:2:19");
        assert_eq!(map.key_loc("rows[1].printed.total").to_string(), "t.yaml:5:7");
        assert_eq!(map.key_loc("rows[1].missing").to_string(), "t.yaml:3:5");
    }
}
