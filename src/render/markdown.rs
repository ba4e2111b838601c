//! GitHub-flavoured Markdown: a heading, the header as a list, one pipe table per
//! section (amounts right-aligned, the totals row in bold) and the footnotes.

use std::io::Write;

use super::doc::{Cell, Doc};

/// Pipes and line breaks would break a table row: backslash-escape and flatten them.
/// Angle brackets become entities so ledger text is never read as HTML.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\n', '\r'], " ")
}

fn row(cells: impl Iterator<Item = String>) -> String {
    let v: Vec<String> = cells.collect();
    format!("| {} |", v.join(" | "))
}

pub fn write(d: &Doc, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "# {}", cell(&d.title))?;
    writeln!(out)?;
    for (k, v) in &d.header {
        writeln!(out, "- **{k}:** {}", cell(v))?;
    }
    for s in &d.sheets {
        writeln!(out)?;
        writeln!(out, "## {}", cell(&s.title))?;
        writeln!(out)?;
        if s.rows.is_empty() {
            writeln!(out, "None.")?;
            continue;
        }
        writeln!(out, "{}", row(s.columns.iter().map(|c| cell(c))))?;
        writeln!(
            out,
            "{}",
            row(s.right.iter().map(|r| if *r {
                "---:".to_string()
            } else {
                "---".to_string()
            }))
        )?;
        for r in &s.rows {
            writeln!(out, "{}", row(r.iter().map(|c| cell(&c.display()))))?;
        }
        if let Some(tot) = &s.totals {
            writeln!(
                out,
                "{}",
                row(tot.iter().map(|c: &Cell| {
                    let v = cell(&c.display());
                    if v.is_empty() { v } else { format!("**{v}**") }
                }))
            )?;
        }
    }
    if !d.footnotes.is_empty() {
        writeln!(out)?;
        for (i, f) in d.footnotes.iter().enumerate() {
            writeln!(out, "{}. {}", i + 1, cell(f))?;
        }
    }
    Ok(())
}
