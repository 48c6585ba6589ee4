//! Deserialising a data file from the YAML events the loader has already parsed.
//!
//! The loader reads every file once with saphyr (for locations, duplicate keys, nesting and
//! alias limits — `load::precheck_yaml`) and used to read it a second time with serde_norway
//! for the data. A department of 100,000 自评报告 spent a third of its `check` in that second
//! parse. [`from_events`] builds the value from the events of the first parse instead.
//!
//! It follows serde_norway's rules for what a scalar means (`~` and an empty value are null,
//! `true`/`false`, integers and floats in plain style, everything else text) and gives up
//! ([`GiveUp`]) on whatever it does not handle the same way for sure: tags, aliases, several
//! documents, numbers written as `0x1F`, `+5`, `1e3` or `007`, and every error. The caller
//! then deserialises the text with serde_norway, so that the result — and every message a
//! user sees — is serde_norway's, exactly as before. `tests/yaml_single_pass.rs` and the
//! unit tests below compare the two on every project file of the repository and on the YAML
//! corners (block scalars, folding, escapes, line ends).

use saphyr_parser::{Event, ScalarStyle};
use serde::de::{self, DeserializeOwned, DeserializeSeed, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Why the single pass gave up: the caller falls back to serde_norway.
#[derive(Debug)]
pub struct GiveUp(String);

impl fmt::Display for GiveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GiveUp {}

impl de::Error for GiveUp {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        GiveUp(msg.to_string())
    }
}

/// Whether every character of `text` is one libyaml (under serde_norway) reads: it refuses
/// control characters other than tab and line ends, and saphyr does not. A file with one is
/// left to serde_norway, whose error names it (found by `fuzz/fuzz_targets/yaml_single_pass.rs`).
pub fn readable_by_libyaml(text: &str) -> bool {
    text.chars().all(|c| matches!(u32::from(c), 0x09 | 0x0A | 0x0D | 0x20..=0x7E | 0x85 | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF))
}

fn give_up<T>(why: &str) -> Result<T, GiveUp> {
    Err(GiveUp(why.to_string()))
}

/// Deserialises `T` from the events of one file (as saphyr gave them, from `StreamStart`
/// to `StreamEnd`), or gives up.
pub fn from_events<T: DeserializeOwned>(events: Vec<Event<'_>>) -> Result<T, GiveUp> {
    let mut de = Events { events, pos: 0 };
    de.skip_while(|e| matches!(e, Event::StreamStart | Event::DocumentStart(_)));
    let value = T::deserialize(&mut de)?;
    // One document only: serde_norway refuses a second one, with its own message.
    de.skip_while(|e| matches!(e, Event::DocumentEnd | Event::StreamEnd));
    if de.pos < de.events.len() {
        return give_up("more after the document");
    }
    Ok(value)
}

/// The events of one file and the next one to read.
struct Events<'a> {
    events: Vec<Event<'a>>,
    pos: usize,
}

/// A plain scalar's meaning, by serde_norway's rules (`visit_untagged_scalar`).
enum Plain {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Text,
}

/// Classifies a plain scalar; `None` for forms serde_norway reads in ways not copied here
/// (other radixes, signs, exponents, leading zeros, out-of-range integers).
fn classify(v: &str) -> Option<Plain> {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Plain::Null),
        "true" | "True" | "TRUE" => return Some(Plain::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Plain::Bool(false)),
        _ => {}
    }
    if !v.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+' || c == '.') {
        return Some(Plain::Text);
    }
    let (negative, body) = v.strip_prefix('-').map_or((false, v), |b| (true, b));
    let (int, frac) = body.split_once('.').map_or((body, None), |(i, f)| (i, Some(f)));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || (int.len() > 1 && int.starts_with('0')) {
        return None;
    }
    match frac {
        None if negative => v.parse().ok().map(Plain::Signed),
        None => v.parse().ok().map(Plain::Unsigned),
        Some(f) if digits(f) => v.parse().ok().filter(|x: &f64| x.is_finite()).map(Plain::Float),
        Some(_) => None,
    }
}

impl<'a> Events<'a> {
    fn skip_while(&mut self, mut skip: impl FnMut(&Event<'a>) -> bool) {
        while self.events.get(self.pos).is_some_and(&mut skip) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Result<&Event<'a>, GiveUp> {
        match self.events.get(self.pos) {
            Some(e) => Ok(e),
            None => give_up("end of the events"),
        }
    }

    /// Takes the next event, leaving `Nothing` in its place (each is read once: no aliases).
    fn take(&mut self) -> Result<Event<'a>, GiveUp> {
        let e = self.events.get_mut(self.pos).map(|e| std::mem::replace(e, Event::Nothing));
        self.pos += 1;
        match e {
            Some(Event::Nothing) | None => give_up("end of the events"),
            Some(e) => Ok(e),
        }
    }

    /// The next event as an untagged scalar: its text and style.
    fn scalar(&mut self) -> Result<(Cow<'a, str>, ScalarStyle), GiveUp> {
        match self.take()? {
            Event::Scalar(v, style, _, None) => Ok((v, style)),
            _ => give_up("not an untagged scalar"),
        }
    }

    /// The next event as an untagged plain scalar, classified.
    fn plain(&mut self) -> Result<Plain, GiveUp> {
        match self.scalar()? {
            (v, ScalarStyle::Plain) => classify(&v).map_or_else(|| give_up("a number form left to serde_norway"), Ok),
            _ => give_up("a quoted scalar where serde_norway wants a plain one"),
        }
    }

    /// Whether the next event is an untagged plain null (`~`, `null`, empty).
    fn at_null(&self) -> Result<bool, GiveUp> {
        Ok(match self.peek()? {
            Event::Scalar(v, ScalarStyle::Plain, _, None) => matches!(classify(v), Some(Plain::Null)),
            Event::Scalar(_, _, _, None) | Event::MappingStart(_, None) | Event::SequenceStart(_, None) => false,
            _ => return give_up("a tag or an alias"),
        })
    }

    /// Skips one node (for `deserialize_ignored_any`).
    fn skip_node(&mut self) -> Result<(), GiveUp> {
        let mut depth = 0usize;
        loop {
            match self.take()? {
                Event::MappingStart(..) | Event::SequenceStart(..) => depth += 1,
                Event::MappingEnd | Event::SequenceEnd => depth = depth.checked_sub(1).ok_or(GiveUp("unbalanced".into()))?,
                Event::Scalar(..) => {}
                _ => return give_up("an alias or a document marker"),
            }
            if depth == 0 {
                return Ok(());
            }
        }
    }

    /// Reads a collection whose start event was just taken: the visitor, then its end event.
    fn collection<V, F>(&mut self, visit: F, end: fn(&Event<'a>) -> bool) -> Result<V, GiveUp>
    where
        F: FnOnce(&mut Self) -> Result<V, GiveUp>,
    {
        let value = visit(self)?;
        if !end(&self.take()?) {
            return give_up("entries left unread");
        }
        Ok(value)
    }

    fn visit_seq_body<'de, V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, GiveUp> {
        self.collection(|de| visitor.visit_seq(Seq { de }), |e| matches!(e, Event::SequenceEnd))
    }

    fn visit_map_body<'de, V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, GiveUp> {
        self.collection(|de| visitor.visit_map(Map { de }), |e| matches!(e, Event::MappingEnd))
    }
}

/// Hands a text over to be copied: the parser's own strings carry spare capacity, which
/// 100,000 projects' worth of fields would keep for good.
fn visit_text<'de, V: Visitor<'de>>(v: Cow<'_, str>, visitor: V) -> Result<V::Value, GiveUp> {
    visitor.visit_str(&v)
}

macro_rules! integer {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
            match self.plain()? {
                Plain::Unsigned(n) => visitor.visit_u64(n),
                Plain::Signed(n) => visitor.visit_i64(n),
                _ => give_up("not an integer"),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for &mut Events<'_> {
    type Error = GiveUp;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        match self.take()? {
            Event::Scalar(v, ScalarStyle::Plain, _, None) => match classify(&v) {
                Some(Plain::Null) => visitor.visit_unit(),
                Some(Plain::Bool(b)) => visitor.visit_bool(b),
                Some(Plain::Unsigned(n)) => visitor.visit_u64(n),
                Some(Plain::Signed(n)) => visitor.visit_i64(n),
                Some(Plain::Float(x)) => visitor.visit_f64(x),
                Some(Plain::Text) => visit_text(v, visitor),
                None => give_up("a number form left to serde_norway"),
            },
            Event::Scalar(v, _, _, None) => visit_text(v, visitor),
            Event::MappingStart(_, None) => self.visit_map_body(visitor),
            Event::SequenceStart(_, None) => self.visit_seq_body(visitor),
            _ => give_up("a tag, an alias or a document marker"),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        match self.plain()? {
            Plain::Bool(b) => visitor.visit_bool(b),
            _ => give_up("not a boolean"),
        }
    }

    integer!(deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64);

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        match self.plain()? {
            Plain::Float(x) => visitor.visit_f64(x),
            // serde_norway parses the digits as a float (`parse_f64`), as here.
            Plain::Unsigned(n) => visitor.visit_f64(n as f64),
            Plain::Signed(n) => visitor.visit_f64(n as f64),
            _ => give_up("not a float"),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        self.deserialize_str(visitor)
    }

    /// Any untagged scalar is its text, whatever it looks like (`123`, `~`), as in serde_norway.
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        let (v, _) = self.scalar()?;
        visit_text(v, visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, GiveUp> {
        give_up("bytes")
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, GiveUp> {
        give_up("bytes")
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        if self.at_null()? {
            self.pos += 1;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        match self.plain()? {
            Plain::Null => visitor.visit_unit(),
            _ => give_up("not null"),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, GiveUp> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, GiveUp> {
        visitor.visit_newtype_struct(self)
    }

    /// A sequence, or an empty plain value (`rows:`) for an empty one, as in serde_norway.
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        match self.take()? {
            Event::SequenceStart(_, None) => self.visit_seq_body(visitor),
            Event::Scalar(v, ScalarStyle::Plain, _, None) if v.is_empty() => visitor.visit_seq(Empty),
            _ => give_up("not a sequence"),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, GiveUp> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(self, _name: &'static str, _len: usize, visitor: V) -> Result<V::Value, GiveUp> {
        self.deserialize_seq(visitor)
    }

    /// A mapping, or an empty plain value for an empty one, as in serde_norway.
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        match self.take()? {
            Event::MappingStart(_, None) => self.visit_map_body(visitor),
            Event::Scalar(v, ScalarStyle::Plain, _, None) if v.is_empty() => visitor.visit_map(Empty),
            _ => give_up("not a mapping"),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(self, _name: &'static str, _fields: &'static [&'static str], visitor: V) -> Result<V::Value, GiveUp> {
        self.deserialize_map(visitor)
    }

    /// Only a unit variant written as a scalar; serde_norway writes the others as tags.
    fn deserialize_enum<V: Visitor<'de>>(self, _name: &'static str, _variants: &'static [&'static str], visitor: V) -> Result<V::Value, GiveUp> {
        match self.peek()? {
            Event::Scalar(v, _, _, None) if !v.is_empty() => visitor.visit_enum(Unit { de: self }),
            _ => give_up("an enum that is not a plain name"),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        self.skip_node()?;
        visitor.visit_unit()
    }
}

/// The entries of a sequence, up to its end event (left for [`Events::collection`]).
struct Seq<'s, 'a> {
    de: &'s mut Events<'a>,
}

impl<'de> de::SeqAccess<'de> for Seq<'_, '_> {
    type Error = GiveUp;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, GiveUp> {
        if matches!(self.de.peek()?, Event::SequenceEnd) {
            return Ok(None);
        }
        seed.deserialize(&mut *self.de).map(Some)
    }
}

/// The keys and values of a mapping, up to its end event.
struct Map<'s, 'a> {
    de: &'s mut Events<'a>,
}

impl<'de> de::MapAccess<'de> for Map<'_, '_> {
    type Error = GiveUp;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, GiveUp> {
        match self.de.peek()? {
            Event::MappingEnd => Ok(None),
            // A key that is a mapping or a sequence: left to serde_norway.
            Event::Scalar(_, _, _, None) => seed.deserialize(&mut *self.de).map(Some),
            _ => give_up("a complex, tagged or aliased key"),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, GiveUp> {
        seed.deserialize(&mut *self.de)
    }
}

/// An empty sequence or mapping written as an empty value.
struct Empty;

impl<'de> de::SeqAccess<'de> for Empty {
    type Error = GiveUp;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, _seed: T) -> Result<Option<T::Value>, GiveUp> {
        Ok(None)
    }
}

impl<'de> de::MapAccess<'de> for Empty {
    type Error = GiveUp;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, _seed: K) -> Result<Option<K::Value>, GiveUp> {
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, _seed: V) -> Result<V::Value, GiveUp> {
        give_up("a value without a key")
    }
}

/// A unit variant named by a scalar.
struct Unit<'s, 'a> {
    de: &'s mut Events<'a>,
}

impl<'de> de::EnumAccess<'de> for Unit<'_, '_> {
    type Error = GiveUp;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self), GiveUp> {
        let variant = seed.deserialize(&mut *self.de)?;
        Ok((variant, self))
    }
}

impl<'de> de::VariantAccess<'de> for Unit<'_, '_> {
    type Error = GiveUp;

    fn unit_variant(self) -> Result<(), GiveUp> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _seed: T) -> Result<T::Value, GiveUp> {
        give_up("a newtype variant")
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value, GiveUp> {
        give_up("a tuple variant")
    }

    fn struct_variant<V: Visitor<'de>>(self, _fields: &'static [&'static str], _visitor: V) -> Result<V::Value, GiveUp> {
        give_up("a struct variant")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use saphyr_parser::Parser;

    fn events(text: &str) -> Vec<Event<'_>> {
        Parser::new_from_str(text).map(|r| r.expect("valid YAML").0).collect()
    }

    /// The single pass gives what serde_norway gives, or gives up.
    fn same<T: DeserializeOwned + PartialEq + fmt::Debug>(text: &str) -> bool {
        let slow: Result<T, _> = serde_yaml::from_str(text);
        match from_events::<T>(events(text)) {
            Ok(fast) => {
                assert_eq!(Some(&fast), slow.as_ref().ok(), "single pass differs on {text:?}");
                true
            }
            Err(_) => false,
        }
    }

    #[test]
    fn texts_read_as_serde_norway_reads_them() {
        let corners = [
            "a: plain text\nb: 'single ''quoted'''\nc: \"double \\t \\u4e2d \\x41 \\\"q\\\"\"\n",
            "a: |\n  line one\n  line two\n\nb: >\n  folded\n  lines\n\n  para\nc: |-\n  kept\nd: >+\n  keep\n\n",
            "a: plain over\n  two lines\nb: \"quoted over\n  two lines\"\n",
            "a: 项目\u{3000}名称 # comment\nb: '#not a comment'\nc: x#y\n",
            "a: text\r\nb: crlf\r\n",
            "\u{feff}a: bom\n",
            "a: \"\"\nb: ''\nc: ' '\n",
            "a: 123\nb: '123'\nc: 50.00\nd: ~\ne: null\nf: true\ng:\n",
            "a: {x: 1, y: [1, 2, 'three']}\nb: [ ]\nc: { }\n",
            "a: \"\\\\ $ * _ [ ] < > & {{ }}\"\nb: \\ $ * _\n",
        ];
        for text in corners {
            assert!(same::<std::collections::BTreeMap<String, serde_yaml::Value>>(text), "gave up on {text:?}");
            // Every value read as text, as the model's fields read them.
            let texts = text.replace(": {x: 1, y: [1, 2, 'three']}", ": x").replace(": [ ]", ": x").replace(": { }", ": x");
            assert!(same::<std::collections::BTreeMap<String, Option<String>>>(&texts), "gave up on {texts:?}");
        }
    }

    #[test]
    fn numbers_serde_norway_reads_otherwise_are_left_to_it() {
        for v in ["0x1F", "+5", "1e3", "007", "-0o7", ".inf", "1.", "99999999999999999999999"] {
            let text = format!("a: {v}\n");
            assert!(!same::<std::collections::BTreeMap<String, serde_yaml::Value>>(&text), "{v} should be left to serde_norway");
        }
        for v in ["0", "-3", "18446744073709551615", "2.50", "-0.01"] {
            let text = format!("a: {v}\n");
            assert!(same::<std::collections::BTreeMap<String, serde_yaml::Value>>(&text), "{v} should be read");
        }
    }

    #[test]
    fn tags_aliases_and_second_documents_are_left_to_serde_norway() {
        for text in ["a: !!str 1\n", "a: &x 1\nb: *x\n", "a: 1\n---\nb: 2\n", "? [a]\n: 1\n"] {
            assert!(from_events::<serde_yaml::Value>(events(text)).is_err(), "{text:?}");
        }
    }

    #[test]
    fn control_characters_are_left_to_serde_norway() {
        // A form feed inside a value: saphyr reads it, libyaml refuses the file.
        let text = "a: x\u{c}y\n";
        assert!(from_events::<std::collections::BTreeMap<String, String>>(events(text)).is_ok());
        assert!(serde_yaml::from_str::<std::collections::BTreeMap<String, String>>(text).is_err());
        assert!(!readable_by_libyaml(text));
        assert!(readable_by_libyaml("a: 项目\t\u{feff}\r\n"));
        let e = crate::load::parse_yaml_once::<std::collections::BTreeMap<String, String>>("f.yaml", text).unwrap_err();
        assert!(e.to_string().contains("control characters"), "{e}");
    }

    #[test]
    fn errors_are_left_to_serde_norway() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        #[serde(deny_unknown_fields)]
        struct S {
            a: u32,
        }
        assert!(from_events::<S>(events("a: 1\nb: 2\n")).is_err());
        assert!(from_events::<S>(events("a: x\n")).is_err());
        assert!(from_events::<S>(events("{}\n")).is_err());
        assert!(same::<S>("a: 7\n"));
    }
}
