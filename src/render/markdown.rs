//! GitHub-flavoured Markdown: a heading, the header as a list, one pipe table per
//! section (amounts right-aligned, the totals row in bold) and the footnotes.

use std::io::Write;

use super::doc::{Cell, Doc};

/// Ledger text inside a line: every character Markdown (as GitHub reads it) gives a
/// meaning is escaped, so that text shows as written and never as a link, emphasis,
/// code, an image, a mention or HTML. Backslash-escapes for punctuation (`\*`,
/// `\[`, `\|` ...), entities for angle brackets and ampersands, and a backslash
/// inside what an autolink would start with (`http\://`, `www\.`, `\@`). Line
/// breaks become spaces. Ordinary names, dates and amounts come out unchanged.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '$' | '@' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            ':' if after.starts_with("//") => out.push_str("\\:"),
            '.' if out
                .get(out.len().saturating_sub(3)..)
                .is_some_and(|w| w.eq_ignore_ascii_case("www")) =>
            {
                out.push_str("\\.")
            }
            _ => out.push(c),
        }
        rest = after;
    }
    out
}

/// Ledger text that starts a line's content (the title, a header value, a
/// footnote): as `cell`, and a first character that would start a heading, a list
/// or a quote there is escaped too, and a last `#` that would close a heading.
fn block(text: &str) -> String {
    let mut out = cell(text);
    if out.ends_with('#') {
        out.insert(out.len() - 1, '\\');
    }
    let digits = out.bytes().take_while(u8::is_ascii_digit).count();
    match out.as_bytes().get(digits) {
        Some(b'.' | b')') if digits > 0 => out.insert(digits, '\\'),
        Some(b'#' | b'-' | b'+' | b'=') if digits == 0 => out.insert(0, '\\'),
        _ => {}
    }
    out
}

fn row(cells: impl Iterator<Item = String>) -> String {
    let v: Vec<String> = cells.collect();
    format!("| {} |", v.join(" | "))
}

pub fn write(d: &Doc, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "# {}", block(&d.title))?;
    writeln!(out)?;
    for (k, v) in &d.header {
        writeln!(out, "- **{k}:** {}", block(v))?;
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
        for r in s.rows.iter() {
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
            writeln!(out, "{}. {}", i + 1, block(f))?;
        }
    }
    Ok(())
}
