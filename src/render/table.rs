//! The terminal table: a title, the header lines, each table with right-aligned
//! amounts, thousands separators and a totals row, then the footnotes. No colour and
//! no terminal-width wrapping, so the bytes do not depend on the terminal. The
//! registers' listings (`donor list`, ...) are printed in the same style (`listing`).

use std::io::Write;

use comfy_table::{CellAlignment, ContentArrangement, Table};

/// Rules above and below the table and under the header; none between rows.
const STYLE: &str = "  \u{2500}\u{2500} \u{2500}\u{2500}      \u{2500}\u{2500}    ";

use super::doc::{Doc, Sheet};
use super::one_line;

fn table(s: &Sheet) -> Table {
    let mut tb = Table::new();
    tb.load_preset(STYLE)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(s.columns.iter().copied());
    for row in s.rows.iter().chain(s.totals.iter()) {
        tb.add_row(row.iter().map(|c| one_line(&c.display()).into_owned()));
    }
    for (i, right) in s.right.iter().enumerate() {
        if *right && let Some(col) = tb.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    tb
}

pub fn write(d: &Doc, out: &mut dyn Write) -> std::io::Result<()> {
    let title = one_line(&d.title);
    writeln!(out, "{title}")?;
    writeln!(out, "{}", "=".repeat(title.chars().count()))?;
    let width = d.header.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in &d.header {
        writeln!(
            out,
            "{:<width$}  {}",
            format!("{k}:"),
            one_line(v),
            width = width + 1
        )?;
    }
    for s in &d.sheets {
        writeln!(out)?;
        writeln!(out, "{}", s.title)?;
        if s.rows.is_empty() {
            writeln!(out, "  (none)")?;
            continue;
        }
        writeln!(out, "{}", table(s))?;
    }
    if !d.footnotes.is_empty() {
        writeln!(out)?;
        for (i, f) in d.footnotes.iter().enumerate() {
            writeln!(out, "[{}] {}", i + 1, one_line(f))?;
        }
    }
    Ok(())
}

/// A listing of text rows (`donor list`, `mandate list`, `fund list`, `agreement
/// list`) in the style of a report's tables, each cell on one line.
pub fn listing(header: &[&str], rows: &[Vec<String>], out: &mut dyn Write) -> std::io::Result<()> {
    let mut tb = Table::new();
    tb.load_preset(STYLE)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.iter().copied());
    for row in rows {
        tb.add_row(row.iter().map(|c| one_line(c).into_owned()));
    }
    writeln!(out, "{tb}")
}
