//! A problem with an input: a stable code, the field it concerns, and a message in
//! words a finance officer understands. Callers add where (file:line, flag).

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Stable, documented in the README (`unknown-donor`, `too-many-decimals`, ...).
    pub code: &'static str,
    pub field: Option<&'static str>,
    pub message: String,
}

impl Problem {
    pub fn new(code: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            code,
            field: None,
            message: message.into(),
        }
    }

    pub fn field(code: &'static str, field: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            code,
            field: Some(field),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self.message, self.code)
    }
}

impl std::error::Error for Problem {}
