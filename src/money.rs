//! Money and figures: strict parsing of amounts as written in YAML, half-up (四舍五入)
//! rounding and the display formats of the booklet. No floating point anywhere.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;

/// 万元 per 元.
pub const WAN: Decimal = Decimal::from_parts(10000, 0, 0, false, 0);

/// An amount or count as written in a YAML file, already converted to the file's unit
/// (万元 in `tables/` and `explanation.yaml`, 元 in `projects/`).
///
/// A suffix `万元` or `元` names the unit explicitly; [`Money::in_unit`] converts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money {
    /// The number as written.
    pub value: Decimal,
    /// The unit written after the number, if any.
    pub unit: Option<Unit>,
}

/// 金额单位 — a unit of money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unit {
    /// 元
    Yuan,
    /// 万元
    Wan,
    /// `%` — written on a rate; an amount written with it is an error (see `load`).
    Percent,
}

impl Money {
    /// The value expressed in `unit` (the file's unit when none was written).
    pub fn in_unit(&self, unit: Unit) -> Decimal {
        match (self.unit, unit) {
            (Some(Unit::Wan), Unit::Yuan) => self.value * WAN,
            (Some(Unit::Yuan), Unit::Wan) => self.value / WAN,
            _ => self.value,
        }
    }
}

/// Most decimal places an amount, rate or score may have (the forms print two; source
/// data has up to four). With at most 10^12 in magnitude this bounds every quotient of two
/// figures far below `Decimal::MAX`, so no 占比/增长率 can overflow.
pub const MAX_DECIMALS: u32 = 6;

/// Why a string is not an amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberError(pub String);

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses an amount: `9791.22`, `-1.10`, `1,500,000`, `201.61万元`, `60000元`, `63.16%`.
///
/// Rejects the damage that PDF extraction and hand typing leave behind, with a message
/// saying what was expected.
pub fn parse_amount(raw: &str) -> Result<Money, NumberError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(NumberError("expected a number, found an empty string".into()));
    }
    if let Some(c) = text.chars().find(|c| ('０'..='９').contains(c) || *c == '．' || *c == '，') {
        return Err(NumberError(format!(
            "full-width character `{c}` in number `{text}`; expected ASCII digits such as 123.45"
        )));
    }
    let (body, unit) = if let Some(b) = text.strip_suffix("万元") {
        (b.trim_end(), Some(Unit::Wan))
    } else if let Some(b) = text.strip_suffix('元') {
        (b.trim_end(), Some(Unit::Yuan))
    } else if let Some(b) = text.strip_suffix('%') {
        (b.trim_end(), Some(Unit::Percent))
    } else {
        (text, None)
    };
    if body.contains(char::is_whitespace) {
        return Err(NumberError(format!(
            "space inside number `{text}` (extraction damage?); expected e.g. `{}`",
            body.split_whitespace().collect::<String>()
        )));
    }
    let plain = strip_grouping(body, text)?;
    let valid = {
        let digits = plain.strip_prefix('-').unwrap_or(&plain);
        let mut parts = digits.splitn(2, '.');
        let int = parts.next().unwrap_or("");
        let frac = parts.next();
        !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
    };
    if !valid {
        return Err(NumberError(format!("`{text}` is not a number; expected digits such as 123.45")));
    }
    let value: Decimal = plain
        .parse()
        .map_err(|_| NumberError(format!("`{text}` is out of range for an amount")))?;
    if value.abs() > Decimal::from(1_000_000_000_000_i64) {
        return Err(NumberError(format!("`{text}` is implausibly large for an amount")));
    }
    let decimals = value.normalize().scale();
    if decimals > MAX_DECIMALS {
        return Err(NumberError(format!(
            "`{text}` has {decimals} decimal places; an amount may have at most {MAX_DECIMALS}"
        )));
    }
    Ok(Money { value, unit })
}

/// Removes thousands separators, accepting them only when grouped by three.
fn strip_grouping(body: &str, text: &str) -> Result<String, NumberError> {
    if !body.contains(',') {
        return Ok(body.to_string());
    }
    let (sign, rest) = body.strip_prefix('-').map_or(("", body), |r| ("-", r));
    let (int, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
    let groups: Vec<&str> = int.split(',').collect();
    let ok = !groups[0].is_empty()
        && groups[0].len() <= 3
        && groups[1..].iter().all(|g| g.len() == 3)
        && frac.is_none_or(|f| !f.contains(','));
    if !ok {
        return Err(NumberError(format!(
            "misplaced thousands separator in `{text}`; write the number without commas (e.g. `{}`)",
            body.replace(',', "")
        )));
    }
    Ok(match frac {
        Some(f) => format!("{sign}{}.{f}", groups.concat()),
        None => format!("{sign}{}", groups.concat()),
    })
}

impl serde::Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.value.to_string())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number such as 123.45")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Money, E> {
                parse_amount(v).map_err(E::custom)
            }
        }
        // The YAML deserializer hands any scalar over as its source text, so the number
        // never passes through a float.
        deserializer.deserialize_str(V)
    }
}

/// Deserialises a map keyed by code (`{"30101": 50.00, "30102": ~}`) in which a blank value
/// (`~`) means the same as leaving the key out: blank entries are dropped, as `~` in a row's
/// column or a struct field leaves that cell blank. Use with
/// `#[serde(default, deserialize_with = "crate::money::blank_entries")]`.
pub fn blank_entries<'de, D, V>(deserializer: D) -> Result<std::collections::BTreeMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    let map = std::collections::BTreeMap::<String, Option<V>>::deserialize(deserializer)?;
    Ok(map.into_iter().filter_map(|(k, v)| Some((k, v?))).collect())
}

/// Rounds half away from zero (四舍五入) to `dp` decimals.
pub fn round(d: Decimal, dp: u32) -> Decimal {
    d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// Table figure: two decimals, no separators (`24557.16`).
pub fn fmt_table(d: Decimal) -> String {
    let mut r = round(d, 2);
    r.rescale(2);
    normalize_zero(r.to_string())
}

/// Prose figure: two decimals with thousands separators (`24,557.16`).
pub fn fmt_prose(d: Decimal) -> String {
    group(&fmt_table(d))
}

/// Percentage with two decimals and the sign (`29.39%`).
pub fn fmt_pct(d: Decimal) -> String {
    format!("{}%", fmt_table(d))
}

/// A figure without trailing zeros (`6.32`, `100`, `703953.9`).
pub fn fmt_plain(d: Decimal) -> String {
    normalize_zero(round(d, 2).normalize().to_string())
}

/// An amount in 元 as the report tables print it (`1,500,000`, `703,953.9`).
pub fn fmt_yuan(d: Decimal) -> String {
    group(&fmt_plain(d))
}

fn normalize_zero(s: String) -> String {
    match s.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
        _ => s,
    }
}

/// Inserts thousands separators into a plain decimal string.
fn group(s: &str) -> String {
    let (sign, rest) = s.strip_prefix('-').map_or(("", s), |r| ("-", r));
    let (int, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(s.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// `part / whole × 100`, or `None` when `whole` is zero or the quotient is out of range.
pub fn percent(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    part.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(whole)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn parses_plain_grouped_and_suffixed() {
        assert_eq!(parse_amount("9791.22").unwrap().value, d("9791.22"));
        assert_eq!(parse_amount("1,500,000").unwrap().value, d("1500000"));
        let m = parse_amount("201.61万元").unwrap();
        assert_eq!(m.in_unit(Unit::Yuan), d("2016100"));
        assert_eq!(parse_amount("-1.10").unwrap().value, d("-1.10"));
    }

    #[test]
    fn rejects_extraction_damage() {
        assert!(parse_amount("1. 41").unwrap_err().0.contains("space inside number"));
        assert!(parse_amount("１２３").unwrap_err().0.contains("full-width"));
        assert!(parse_amount("1,2345.6").unwrap_err().0.contains("thousands separator"));
        assert!(parse_amount("abc").is_err());
        assert!(parse_amount("1.").is_err());
    }

    #[test]
    fn bounds_decimal_places_so_no_ratio_overflows() {
        assert!(parse_amount("0.000001").is_ok());
        assert!(parse_amount("1.2500000").is_ok(), "trailing zeros do not count");
        let e = parse_amount("0.000000000000000001").unwrap_err().0;
        assert!(e.contains("18 decimal places"), "{e}");
        // Found by fuzzing: 10^12 ÷ 10^-6 × 100 is far inside Decimal's range; percent never panics.
        assert_eq!(percent(d("1000000000000"), d("0.000001")), Some(d("100000000000000000000")));
        assert_eq!(percent(Decimal::MAX, d("0.0000000000000000000000001")), None);
        assert_eq!(percent(d("1"), Decimal::ZERO), None);
    }

    #[test]
    fn formats_like_the_booklet() {
        assert_eq!(fmt_table(d("24557.16")), "24557.16");
        assert_eq!(fmt_table(d("2800")), "2800.00");
        assert_eq!(fmt_prose(d("24557.16")), "24,557.16");
        assert_eq!(fmt_prose(d("-2087.62")), "-2,087.62");
        assert_eq!(fmt_pct(d("29.3899")), "29.39%");
        assert_eq!(fmt_yuan(d("703953.90")), "703,953.9");
        assert_eq!(fmt_plain(d("6.316")), "6.32");
        assert_eq!(fmt_table(d("-0.001")), "0.00");
    }

    #[test]
    fn blank_map_entries_are_left_out() {
        #[derive(Deserialize)]
        struct T {
            #[serde(default, deserialize_with = "blank_entries")]
            amounts: std::collections::BTreeMap<String, Money>,
            #[serde(default, deserialize_with = "blank_entries")]
            reasons: std::collections::BTreeMap<String, String>,
        }
        let t: T = serde_yaml::from_str("amounts: {\"30101\": 50.00, \"30102\": ~, \"30103\": null}\nreasons:\n  \"201\": ~\n  \"208\": 增加\n").unwrap();
        assert_eq!(t.amounts.keys().collect::<Vec<_>>(), ["30101"]);
        assert_eq!(t.amounts["30101"].value, d("50.00"));
        assert_eq!(t.reasons.keys().collect::<Vec<_>>(), ["208"]);
        let t: T = serde_yaml::from_str("amounts: {}\n").unwrap();
        assert!(t.amounts.is_empty() && t.reasons.is_empty());
        // A damaged figure is still an error.
        assert!(serde_yaml::from_str::<T>("amounts: {\"30101\": 1. 41}\n").is_err());
    }

    #[test]
    fn rounds_half_up() {
        assert_eq!(round(d("0.125"), 2), d("0.13"));
        assert_eq!(round(d("-0.125"), 2), d("-0.13"));
        assert_eq!(round(d("1295.0819"), 2), d("1295.08"));
    }
}
