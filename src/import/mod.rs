//! Import: a CSV export and a mapping profile in, checked draft entries out.
//!
//! Owns: profiles (`profile`), decoding and parsing the text of an export (`text`),
//! reading rows through a profile (`table`: binding the header, reading rows, mapping
//! each to a draft), and deciding which rows are already recorded and naming their
//! pledges against a ledger's book (`repeat`).
//!
//! Invariant: `import` never writes the journal, opens no files and prints nothing;
//! it depends on `domain` only. The CLI reads the bytes (or, for a very large file,
//! hands over a way to read it again: `table::Reopen`), stages the drafts in a
//! `journal::Writer` and commits them as one batch, or none.

pub mod builtin;
pub mod field;
pub mod profile;
pub mod repeat;
pub mod table;
pub mod text;

use std::fmt;

pub use profile::{Field, Profile};
pub use repeat::{Repeats, Seen};
pub use table::Table;
pub use text::decode;

use crate::domain::{Body, Problem};

/// A mistake in a profile, named by its line in the profile file where known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    pub line: Option<u64>,
    pub code: crate::domain::Code,
    pub message: String,
}

impl ProfileError {
    /// `umoja-receipts.toml:14: unknown mandate "cordination" [bad-profile]`
    pub fn render(&self, profile: &str) -> String {
        match self.line {
            Some(l) => format!("{profile}:{l}: {} [{}]", self.message, self.code),
            None => format!("{profile}: {} [{}]", self.message, self.code),
        }
    }
}

/// A problem with one row: its line, the field and the text found there, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub line: u64,
    pub field: Option<String>,
    pub value: Option<String>,
    pub problem: Problem,
}

impl RowProblem {
    /// `receipts.csv:7: donor "Jpaan": unknown donor "Jpaan"; did you mean JPN? [unknown-donor]`
    /// A long value is shown cut (`"JJJJ…" (5,000,000 characters)`), and only once:
    /// not before a message that starts with it.
    pub fn render(&self, file: &str) -> String {
        let mut s = format!("{file}:{}: ", self.line);
        if let Some(f) = &self.field {
            s.push_str(f);
            if let Some(v) = &self.value {
                let v = crate::domain::problem::shown(v);
                if !self.problem.message.starts_with(&v) {
                    s.push(' ');
                    s.push_str(&v);
                }
            }
            s.push_str(": ");
        }
        s.push_str(&self.problem.to_string());
        s
    }
}

/// One row mapped to a draft. A payment's or write-off's pledge is still named by
/// reference: `repeat::resolve` fills in its number against the book.
#[derive(Debug, Clone)]
pub struct Row {
    /// The row's line number in the file (after decoding; the header is line 1 when
    /// nothing is skipped).
    pub line: u64,
    pub body: Body,
    pub pledge_reference: Option<String>,
    /// False when a write-off row names no currency (it takes its pledge's).
    pub currency_given: bool,
    /// The text each field had in the row, after value maps (for messages).
    pub raw: Vec<(&'static str, String)>,
}

impl Row {
    pub fn raw(&self, field: &str) -> Option<&str> {
        self.raw
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v.as_str())
    }
}

/// What reading a file found besides the drafts: every problem of bad rows, and counts.
#[derive(Debug, Default)]
pub struct Parsed {
    pub problems: Vec<RowProblem>,
    /// Data rows read (blank lines not counted), including filtered ones.
    pub total: u64,
    /// Rows the profile's [filter] left out.
    pub filtered: u64,
}

impl fmt::Display for Parsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::domain::words::count(self.total, "row", "rows"))
    }
}
