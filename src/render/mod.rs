//! Rendering: reports as a terminal table, CSV, JSON, Markdown or HTML with SVG
//! charts, written to any `Write`.
//!
//! Owns: layout and formatting (thousands separators, alignment, escaping, formula
//! neutralisation). Never computes a figure: every number printed is a field of a
//! `report` struct. Depends on `report`'s structs only.

pub mod ceb;
mod csv;
mod doc;
mod doc_agreements;
mod doc_categories;
mod doc_funds;
mod doc_quarterly;
mod doc_statement;
mod html;
pub mod iati;
mod markdown;
mod svg;
mod table;

use std::io::Write;

use crate::report::{
    CategoriesReport, DonorsReport, FundsReport, MandatesReport, Quarterly, Statement,
};

pub use doc::{Cell, Doc, Sheet, TABLES};
pub use table::listing;

/// Any report, ready to render.
#[derive(Debug)]
pub enum Report {
    Donors(DonorsReport),
    /// `report donors --by category`.
    Categories(CategoriesReport),
    Mandates(MandatesReport),
    Funds(FundsReport),
    Quarterly(Box<Quarterly>),
    Statement(Statement),
    Agreements(crate::report::agreements::AgreementsReport),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    Markdown,
    Html,
}

/// Writes `report` in `format` to `out`, which should be buffered (serde_json
/// writes token by token). `table` picks one table (by its key, see `TABLES`) for
/// csv, table and markdown; csv without it writes the report's main table.
pub fn render(
    report: &Report,
    format: Format,
    table: Option<&str>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => {
            match report {
                Report::Donors(r) => serde_json::to_writer_pretty(&mut *out, r),
                Report::Categories(r) => serde_json::to_writer_pretty(&mut *out, r),
                Report::Mandates(r) => serde_json::to_writer_pretty(&mut *out, r),
                Report::Funds(r) => serde_json::to_writer_pretty(&mut *out, r),
                Report::Quarterly(r) => serde_json::to_writer_pretty(&mut *out, r),
                Report::Statement(r) => serde_json::to_writer_pretty(&mut *out, r),
                Report::Agreements(r) => serde_json::to_writer_pretty(&mut *out, r),
            }
            .map_err(std::io::Error::other)?;
            writeln!(out)
        }
        Format::Csv => {
            let d = doc::build(report);
            let sheet = match table {
                Some(key) => d.sheets.iter().find(|s| s.key == key),
                None => d.sheets.iter().find(|s| s.key == d.main),
            };
            match sheet {
                Some(s) => csv::write(s, out),
                None => Ok(()),
            }
        }
        Format::Table => table::write(&doc::build(report).only(table), out),
        Format::Markdown => markdown::write(&doc::build(report).only(table), out),
        Format::Html => html::write(report, &doc::build(report), out),
    }
}

/// The table keys a report offers (for `--table`).
/// What the reader must know about a report (its `warnings`): the CSV formats carry
/// only a table, so the command line says these beside it.
pub fn warnings(report: &Report) -> &[String] {
    match report {
        Report::Donors(r) => &r.head.warnings,
        Report::Categories(r) => &r.head.warnings,
        Report::Mandates(r) => &r.head.warnings,
        Report::Quarterly(r) => &r.head.warnings,
        Report::Statement(r) => &r.head.warnings,
        Report::Funds(r) => &r.head.warnings,
        Report::Agreements(r) => &r.head.warnings,
    }
}

pub fn table_keys(report: &Report) -> Vec<&'static str> {
    doc::build(report).sheets.iter().map(|s| s.key).collect()
}

/// A text cell as CSV writes it: text a spreadsheet would run as a formula (starting
/// with `=`, `+`, `-`, `@`, tab or carriage return) or read as a number (`+1`,
/// `-1`, `007`, `1,5`, `(12)`, `1e5`, `50%`, `$3`) gets a leading apostrophe, so it
/// stays the text it is. Only for text: amount columns are written as plain numbers.
pub fn neutralise(cell: &str) -> String {
    let formula = matches!(
        cell.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    );
    if formula || reads_as_number(cell) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Would a spreadsheet take this text for a number? Digits with decimal marks,
/// thousands separators or spaces, with an optional sign, parentheses, currency
/// symbol, percent sign or exponent.
fn reads_as_number(cell: &str) -> bool {
    let t = cell.trim();
    let t = t
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or(t)
        .trim();
    let t = t.strip_prefix(['+', '-']).unwrap_or(t).trim_start();
    let t = t
        .strip_prefix(['$', '\u{20AC}', '\u{A3}', '\u{A5}'])
        .unwrap_or(t)
        .trim_start();
    let t = t.strip_suffix('%').unwrap_or(t).trim_end();
    let t = t.strip_suffix(['+', '-']).unwrap_or(t).trim_end();
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa.bytes().any(|b| b.is_ascii_digit())
        && mantissa
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ' ' | '\u{A0}' | '\''))
        && exponent_ok
}

/// Text for one line of a terminal listing: control characters (a line break, an
/// escape sequence) and the invisible characters that change how a line reads are
/// written as escapes (`\n`, `\u{1b}`), so stored text can never draw a line of its
/// own. Ordinary text is returned unchanged.
pub fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    // Printable ASCII, which is nearly every cell, hides nothing: checked bytewise.
    if is_printable_ascii(text) || !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Bytes for one line of a terminal listing: as `one_line`, and bytes that are not
/// UTF-8 written as `\xNN`.
pub fn one_line_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(&one_line(chunk.valid()));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// Is every character of `text` printable ASCII (a space to a tilde)?
pub(crate) fn is_printable_ascii(text: &str) -> bool {
    text.bytes().all(|b| (b' '..=b'~').contains(&b))
}

fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_a_spreadsheet_would_read_as_a_number_or_formula_is_neutralised() {
        for (text, want) in [
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("1", "'1"),
            ("007", "'007"),
            ("1,5", "'1,5"),
            ("(12)", "'(12)"),
            ("1e5", "'1e5"),
            ("50%", "'50%"),
            ("$3", "'$3"),
            ("=SUM(A1)", "'=SUM(A1)"),
            ("@x", "'@x"),
            ("Japan", "Japan"),
            ("NV/2008/117", "NV/2008/117"),
            ("2009-07-01", "2009-07-01"),
            ("e", "e"),
            ("", ""),
        ] {
            assert_eq!(neutralise(text), want, "{text}");
        }
    }

    #[test]
    fn control_characters_are_escaped_on_one_line() {
        assert_eq!(one_line("wrong date"), "wrong date");
        assert_eq!(one_line("a\nb\u{1b}[2J"), "a\\nb\\u{1b}[2J");
        assert_eq!(one_line_bytes(b"ok\xff\x1b"), "ok\\xFF\\u{1b}");
    }
}
