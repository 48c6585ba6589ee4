//! Source locations: every value of every YAML file can be traced back to `file:line:col`,
//! so that load errors and check findings point at the figure they accuse.

use saphyr_parser::{Event, Parser, Span};
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
///
/// A department of 100,000 projects keeps millions of these, so a path is kept as its 64-bit
/// hash beside a 32-bit line and column (16 bytes an entry, sorted for binary search), not as
/// its text in a hash map (about 100 bytes an entry). Two paths of one file with the same hash
/// are as likely as two random 64-bit numbers being equal among a few thousand.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    file: Arc<str>,
    index: Entries,
    keys: Entries,
}

/// Locations by path hash, sorted by hash.
#[derive(Debug, Clone, Default)]
struct Entries(Box<[(u64, u32, u32)]>);

impl Entries {
    /// Sorts what was collected in file order; of two entries of one path the later wins
    /// (as a later insertion into a map would).
    fn from_collected(mut v: Vec<(u64, u32, u32)>) -> Entries {
        v.reverse();
        v.sort_by_key(|e| e.0);
        v.dedup_by_key(|e| e.0);
        Entries(v.into_boxed_slice())
    }

    fn get(&self, path: &str) -> Option<(usize, usize)> {
        let h = path_hash(path);
        let i = self.0.binary_search_by_key(&h, |e| e.0).ok()?;
        let (_, line, col) = self.0[i];
        Some((line as usize, col as usize))
    }
}

/// A fixed hash of a path (the same in every run): FNV-1a, 64 bits, which for the short
/// paths of a data file is several times faster than SipHash.
fn path_hash(path: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in path.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A line or column as kept: a file of more than 4 billion lines is refused long before.
fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

enum Frame {
    Map { key: Option<String> },
    Seq { next: usize },
}

/// Builds a [`SourceMap`] from the parser's events, one at a time, so that a pass over the
/// events made for another reason (the loader's precheck) indexes the file too.
#[derive(Default)]
pub struct SourceMapBuilder {
    index: Vec<(u64, u32, u32)>,
    keys: Vec<(u64, u32, u32)>,
    stack: Vec<Frame>,
    /// The current path, rebuilt for each entry without a new allocation.
    path: String,
}

impl SourceMapBuilder {
    /// Takes the next event of the file and where it starts.
    pub fn event(&mut self, event: &Event<'_>, span: &Span) {
        let (line, col) = (narrow(span.start.line()), narrow(span.start.col() + 1));
        let stack = &mut self.stack;
        let path = &mut self.path;
        let mut entry = |stack: &[Frame]| {
            path_of(stack, path);
            (path_hash(path), line, col)
        };
        match event {
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                advance(stack);
            }
            Event::Scalar(value, ..) => {
                if let Some(Frame::Map { key: key @ None }) = stack.last_mut() {
                    *key = Some(value.to_string());
                    self.keys.push(entry(stack));
                    return;
                }
                self.index.push(entry(stack));
                advance(stack);
            }
            Event::Alias(_) => {
                self.index.push(entry(stack));
                advance(stack);
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if let Some(Frame::Map { key: key @ None }) = stack.last_mut() {
                    // A complex key: index it under a placeholder name.
                    *key = Some("?".into());
                }
                self.index.push(entry(stack));
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
        SourceMap { file: file.into(), index: Entries::from_collected(self.index), keys: Entries::from_collected(self.keys) }
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
            if let Some((line, col)) = self.index.get(p) {
                return Loc { file: self.file.clone(), line, col };
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => {
                    let (line, col) = self.index.get("").unwrap_or((1, 1));
                    return Loc { file: self.file.clone(), line, col };
                }
            }
        }
    }

    /// The location of the key naming `path` (`amounts.30101` → where `"30101"` is written),
    /// or of the value when the key was not indexed.
    pub fn key_loc(&self, path: &str) -> Loc {
        match self.keys.get(path) {
            Some((line, col)) => Loc { file: self.file.clone(), line, col },
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

/// Writes the path of the node at the top of `stack` into `out`.
fn path_of(stack: &[Frame], out: &mut String) {
    out.clear();
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
                push_decimal(out, *next);
                out.push(']');
            }
        }
    }
}

/// Writes `n` in decimal (without the formatting machinery: this runs for every sequence
/// entry of every file).
fn push_decimal(out: &mut String, n: usize) {
    if n >= 10 {
        push_decimal(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
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
        let many: String = (0..12).map(|i| format!("- {i}\n")).collect();
        assert_eq!(SourceMap::build("m.yaml", &many).loc("[11]").to_string(), "m.yaml:12:3");
    }
}
