//! Diagnostics: load errors and check findings, each with the place it accuses.

use crate::source::Loc;
use serde::Serialize;
use std::fmt;

/// 严重程度 — how bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Must be fixed; `build --strict` refuses.
    Error,
    /// Worth a look (e.g. a 尾数差 within the unit-conversion tail).
    Warning,
}

/// One message about the data. As JSON it is flat: `file`, `line` and `col` (the last two
/// `null` when the message is about a whole file), `severity`, `rule`, `message`, `hint`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where (a file without position when the file itself is missing).
    pub loc: Option<Loc>,
    /// File path when there is no position.
    pub file: Option<String>,
    /// Error or warning.
    pub severity: Severity,
    /// Stable rule id for check findings (`T03-SUM`); `None` for load errors.
    pub rule: Option<&'static str>,
    /// What is wrong, naming both values and the difference where there are two.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Serialize for Diagnostic {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut m = s.serialize_struct("Diagnostic", 7)?;
        let file = self.loc.as_ref().map(|l| l.file.to_string()).or_else(|| self.file.clone());
        m.serialize_field("file", &file)?;
        m.serialize_field("line", &self.loc.as_ref().map(|l| l.line))?;
        m.serialize_field("col", &self.loc.as_ref().map(|l| l.col))?;
        m.serialize_field("severity", &self.severity)?;
        m.serialize_field("rule", &self.rule)?;
        m.serialize_field("message", &self.message)?;
        m.serialize_field("hint", &self.hint)?;
        m.end()
    }
}

impl Diagnostic {
    /// A load error at `loc`.
    pub fn error(loc: Loc, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            loc: Some(loc),
            file: None,
            severity: Severity::Error,
            rule: None,
            message: message.into(),
            hint: None,
        }
    }

    /// A load error about a whole file.
    pub fn file_error(file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            loc: None,
            file: Some(file.into()),
            severity: Severity::Error,
            rule: None,
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.loc, &self.file) {
            (Some(loc), _) => write!(f, "{}: ", printable(&loc.to_string()))?,
            (None, Some(file)) => write!(f, "{}: ", printable(file))?,
            (None, None) => {}
        }
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let message = printable(&self.message);
        match self.rule {
            Some(rule) => write!(f, "{sev}[{rule}]: {message}")?,
            None => write!(f, "{sev}: {message}")?,
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {}", printable(hint))?;
        }
        Ok(())
    }
}

/// Text for a terminal: control characters (ESC, BEL, CR … from the data, quoted in a
/// message) are shown escaped (`\u{1b}`), so a file cannot drive the user's terminal.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && c != '\n') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() && c != '\n' {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Load failed: every error found, in file order.
#[derive(Debug, Clone)]
pub struct LoadErrors(pub Vec<Diagnostic>);

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadErrors {}
