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

/// One message about the data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
            (Some(loc), _) => write!(f, "{loc}: ")?,
            (None, Some(file)) => write!(f, "{file}: ")?,
            (None, None) => {}
        }
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match self.rule {
            Some(rule) => write!(f, "{sev}[{rule}]: {}", self.message)?,
            None => write!(f, "{sev}: {}", self.message)?,
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
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
