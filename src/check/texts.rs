//! Every string of a data value with its path (`reasons.general_budget_by_class.201`,
//! `indicators[3].name`), read straight from the value's `Serialize`: no JSON tree is built,
//! which for a department of 100,000 projects used to take most of the reviewer's rules'
//! time.
//!
//! Paths are written as the source maps write them (`crate::source`): a struct field or map
//! key after a dot, a sequence index in brackets. A unit enum variant counts as a string (its
//! name), as it did when the value went through `serde_json::to_value`.

use serde::ser::{self, Serialize};
use std::fmt;

/// Calls `f(path, text)` for every string in `value`.
pub fn each_string<T: Serialize + ?Sized>(value: &T, f: &mut dyn FnMut(&str, &str)) {
    let mut walker = Walker { path: String::new(), f };
    // The walker never fails; a value's own error (none of the model's) ends the walk.
    let _ = value.serialize(&mut walker);
}

struct Walker<'f> {
    path: String,
    f: &'f mut dyn FnMut(&str, &str),
}

/// The walk's error: only for `Serialize` impls that fail by themselves.
#[derive(Debug)]
pub struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the value could not be walked")
    }
}

impl std::error::Error for Stop {}

impl ser::Error for Stop {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Stop
    }
}

impl Walker<'_> {
    /// Serialises `value` one level down, under `segment` (`.name` or `[3]`).
    fn under<T: Serialize + ?Sized>(&mut self, segment: fmt::Arguments<'_>, value: &T) -> Result<(), Stop> {
        use fmt::Write;
        let n = self.path.len();
        let _ = self.path.write_fmt(segment);
        let r = value.serialize(&mut *self);
        self.path.truncate(n);
        r
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Stop> {
        if self.path.is_empty() {
            self.under(format_args!("{key}"), value)
        } else {
            self.under(format_args!(".{key}"), value)
        }
    }
}

macro_rules! ignore {
    ($($method:ident($t:ty))*) => {$(
        fn $method(self, _v: $t) -> Result<(), Stop> {
            Ok(())
        }
    )*};
}

impl<'a, 'f> ser::Serializer for &'a mut Walker<'f> {
    type Ok = ();
    type Error = Stop;
    type SerializeSeq = Seq<'a, 'f>;
    type SerializeTuple = Seq<'a, 'f>;
    type SerializeTupleStruct = Seq<'a, 'f>;
    type SerializeTupleVariant = Seq<'a, 'f>;
    type SerializeMap = Map<'a, 'f>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    ignore!(serialize_bool(bool) serialize_i8(i8) serialize_i16(i16) serialize_i32(i32) serialize_i64(i64)
        serialize_u8(u8) serialize_u16(u16) serialize_u32(u32) serialize_u64(u64) serialize_f32(f32)
        serialize_f64(f64) serialize_char(char) serialize_bytes(&[u8]));

    fn serialize_str(self, v: &str) -> Result<(), Stop> {
        (self.f)(&self.path, v);
        Ok(())
    }

    fn serialize_none(self) -> Result<(), Stop> {
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Stop> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Stop> {
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Stop> {
        Ok(())
    }

    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<(), Stop> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<(), Stop> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(self, _name: &'static str, _index: u32, variant: &'static str, value: &T) -> Result<(), Stop> {
        self.field(variant, value)
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Seq<'a, 'f>, Stop> {
        Ok(Seq { walker: self, next: 0 })
    }

    fn serialize_tuple(self, len: usize) -> Result<Seq<'a, 'f>, Stop> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Seq<'a, 'f>, Stop> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(self, _name: &'static str, _index: u32, _variant: &'static str, len: usize) -> Result<Seq<'a, 'f>, Stop> {
        self.serialize_seq(Some(len))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Map<'a, 'f>, Stop> {
        Ok(Map { walker: self, key: None })
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, Stop> {
        Ok(self)
    }

    fn serialize_struct_variant(self, _name: &'static str, _index: u32, _variant: &'static str, _len: usize) -> Result<Self, Stop> {
        Ok(self)
    }
}

/// The elements of a sequence, numbered.
pub struct Seq<'a, 'f> {
    walker: &'a mut Walker<'f>,
    next: usize,
}

impl Seq<'_, '_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        let i = self.next;
        self.next += 1;
        self.walker.under(format_args!("[{i}]"), value)
    }
}

impl ser::SerializeSeq for Seq<'_, '_> {
    type Ok = ();
    type Error = Stop;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }

    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeTuple for Seq<'_, '_> {
    type Ok = ();
    type Error = Stop;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }

    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Seq<'_, '_> {
    type Ok = ();
    type Error = Stop;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }

    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Seq<'_, '_> {
    type Ok = ();
    type Error = Stop;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }

    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

/// The entries of a map: each key (a string, or a number written out) names its value.
pub struct Map<'a, 'f> {
    walker: &'a mut Walker<'f>,
    key: Option<String>,
}

impl ser::SerializeMap for Map<'_, '_> {
    type Ok = ();
    type Error = Stop;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Stop> {
        self.key = Some(key_text(key)?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        let key = self.key.take().ok_or(Stop)?;
        self.walker.field(&key, value)
    }

    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeStruct for &mut Walker<'_> {
    type Ok = ();
    type Error = Stop;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Stop> {
        self.field(key, value)
    }

    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeStructVariant for &mut Walker<'_> {
    type Ok = ();
    type Error = Stop;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Stop> {
        self.field(key, value)
    }

    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

/// A map key as text: a string, or a number written out, as serde_json writes keys. The
/// model's maps are keyed by code strings; keys are few beside the values they name.
fn key_text<T: Serialize + ?Sized>(key: &T) -> Result<String, Stop> {
    match serde_json::to_value(key).map_err(|_| Stop)? {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        serde_json::Value::Bool(b) => Ok(b.to_string()),
        _ => Err(Stop),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The strings and paths `serde_json::to_value` gives, in its (sorted) order.
    fn via_json<T: Serialize>(v: &T) -> Vec<(String, String)> {
        fn walk(v: &serde_json::Value, path: &str, out: &mut Vec<(String, String)>) {
            match v {
                serde_json::Value::String(s) => out.push((path.to_string(), s.clone())),
                serde_json::Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| walk(x, &format!("{path}[{i}]"), out)),
                serde_json::Value::Object(m) => m.iter().for_each(|(k, x)| walk(x, &if path.is_empty() { k.clone() } else { format!("{path}.{k}") }, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(&serde_json::to_value(v).unwrap(), "", &mut out);
        out.sort();
        out
    }

    fn walked<T: Serialize>(v: &T) -> Vec<(String, String)> {
        let mut out = Vec::new();
        each_string(v, &mut |p, s| out.push((p.to_string(), s.to_string())));
        out.sort();
        out
    }

    #[test]
    fn paths_and_strings_are_those_of_the_json_tree() {
        let project: crate::model::Project = serde_yaml::from_str(include_str!("../../tests/fixtures/clean/projects/p01.yaml")).unwrap();
        let found = walked(&project);
        assert!(found.len() > 20, "{found:?}");
        assert!(found.iter().any(|(p, _)| p.starts_with("indicators[") && p.ends_with("].name")), "{found:?}");
        assert_eq!(found, via_json(&project));
        let mut m = std::collections::BTreeMap::new();
        m.insert("201".to_string(), vec![Some("甲"), None, Some("乙")]);
        assert_eq!(walked(&m), vec![("201[0]".to_string(), "甲".to_string()), ("201[2]".to_string(), "乙".to_string())]);
        assert_eq!(walked(&m), via_json(&m));
    }
}
