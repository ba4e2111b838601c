//! Rendering: reports as a terminal table, CSV, JSON, Markdown or HTML with SVG
//! charts, written to any `Write`.
//!
//! Owns: layout and formatting (thousands separators, alignment, escaping, formula
//! neutralisation). Never computes a figure: every number printed is a field of a
//! `report` struct. Depends on `report`'s structs only.

mod csv;
mod doc;
mod doc_quarterly;
mod doc_statement;
mod html;
mod markdown;
mod svg;
mod table;

use std::io::Write;

use crate::report::{DonorsReport, MandatesReport, Quarterly, Statement};

pub use doc::{Cell, Doc, Sheet, TABLES};

/// Any report, ready to render.
#[derive(Debug, Clone)]
pub enum Report {
    Donors(DonorsReport),
    Mandates(MandatesReport),
    Quarterly(Box<Quarterly>),
    Statement(Statement),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    Markdown,
    Html,
}

impl Format {
    pub const NAMES: [&str; 5] = ["table", "csv", "json", "markdown", "html"];

    pub fn parse(text: &str) -> Option<Format> {
        match text.trim().to_ascii_lowercase().as_str() {
            "table" | "text" => Some(Format::Table),
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "markdown" | "md" => Some(Format::Markdown),
            "html" => Some(Format::Html),
            _ => None,
        }
    }
}

/// Writes `report` in `format`. `table` picks one table (by its key, see `TABLES`)
/// for csv, table and markdown; csv without it writes the report's main table.
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
                Report::Mandates(r) => serde_json::to_writer_pretty(&mut *out, r),
                Report::Quarterly(r) => serde_json::to_writer_pretty(&mut *out, r),
                Report::Statement(r) => serde_json::to_writer_pretty(&mut *out, r),
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
pub fn table_keys(report: &Report) -> Vec<&'static str> {
    doc::build(report).sheets.iter().map(|s| s.key).collect()
}

/// Text a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab
/// or carriage return) gets a leading apostrophe; plain numbers are left alone.
pub fn neutralise(cell: &str) -> String {
    let looks_numeric = cell.parse::<rust_decimal::Decimal>().is_ok();
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if !looks_numeric => format!("'{cell}"),
        _ => cell.to_string(),
    }
}
