//! The terminal table: a title, the header lines, each table with right-aligned
//! amounts, thousands separators and a totals row, then the footnotes. No colour and
//! no terminal-width wrapping, so the bytes do not depend on the terminal. The
//! registers' listings (`donor list`, ...) are printed in the same style (`listing`).
//!
//! A table is drawn as `comfy_table` draws one with the preset `STYLE` and no
//! arrangement (rules above, below and under the header, each cell padded by one
//! space, one space between cells, each column as wide as its widest cell by
//! `unicode-width`), but line by line as it is written: `comfy_table` holds every
//! cell three times over, which for a statement or a quarterly report of a large
//! ledger came to hundreds of megabytes. The unit tests hold the two to the same
//! bytes on random tables, and a table with a cell too wide for `comfy_table` to
//! leave whole (over 65,535 columns) is still drawn by it.

use std::borrow::Cow;
use std::io::Write;

use unicode_width::UnicodeWidthStr;

/// Rules above and below the table and under the header; none between rows (the
/// `comfy_table` preset `draw` follows).
const STYLE: &str = "  \u{2500}\u{2500} \u{2500}\u{2500}      \u{2500}\u{2500}    ";
/// The rule's character.
const RULE: char = '\u{2500}';

use super::doc::Doc;
use super::{is_printable_ascii, one_line};

pub fn write(d: &Doc, out: &mut dyn Write) -> std::io::Result<()> {
    let title = one_line(&d.title);
    writeln!(out, "{title}")?;
    // As wide as the title is shown: a character of a CJK name takes two columns.
    writeln!(out, "{}", "=".repeat(title.width()))?;
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
        let rows = |each: &mut Each<'_>| {
            let mut shown = Shown::default();
            for row in s.rows_and_totals() {
                shown.clear();
                for c in row.iter() {
                    shown.push(|text| c.display_into(text));
                }
                each(&shown)?;
            }
            Ok(())
        };
        draw(out, &s.columns, &s.right, rows)?;
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
    draw(out, header, &[], texts(rows))
}

/// Hands rows of text over as `draw` reads them, each cell on one line.
fn texts(rows: &[Vec<String>]) -> impl Fn(&mut Each<'_>) -> std::io::Result<()> + '_ {
    move |each: &mut Each<'_>| {
        let mut shown = Shown::default();
        for row in rows {
            shown.clear();
            for c in row {
                shown.push(|text| text.push_str(c));
            }
            each(&shown)?;
        }
        Ok(())
    }
}

/// One row's cells as shown, each on one line: their text in one buffer that
/// every row reuses, and where each cell ends. A table of hundreds of thousands of
/// rows is read twice (to measure, then to draw), so its cells are not each made
/// into strings of their own.
#[derive(Default)]
struct Shown {
    text: String,
    ends: Vec<usize>,
}

impl Shown {
    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// Adds a cell: what `fill` appends to the text, on one line (`one_line`).
    fn push(&mut self, fill: impl FnOnce(&mut String)) {
        let start = self.text.len();
        fill(&mut self.text);
        if let Cow::Owned(line) = one_line(&self.text[start..]) {
            self.text.truncate(start);
            self.text.push_str(&line);
        }
        self.ends.push(self.text.len());
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn cell(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.text[start..end])
    }

    fn cells(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).filter_map(|i| self.cell(i))
    }
}

/// Hands each row, as shown, to the drawing.
type Each<'e> = dyn FnMut(&Shown) -> std::io::Result<()> + 'e;

/// The widest cell `comfy_table` leaves on one line: its widths are `u16`.
const WIDEST: usize = u16::MAX as usize;

/// Draws a table and a line break after it: `header`, then the rows `rows` hands
/// over (it is called twice: once to measure the columns, once to write them), the
/// columns `right` says yes to aligned right.
fn draw(
    out: &mut dyn Write,
    header: &[&str],
    right: &[bool],
    rows: impl Fn(&mut Each<'_>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    // Each column's content width: its widest cell, at least 1.
    let mut widths: Vec<usize> = header.iter().map(|h| h.width().max(1)).collect();
    rows(&mut |row| {
        if widths.len() < row.len() {
            widths.resize(row.len(), 1);
        }
        for (w, cell) in widths.iter_mut().zip(row.cells()) {
            *w = (*w).max(width(cell));
        }
        Ok(())
    })?;
    if widths.iter().any(|w| *w > WIDEST) {
        return draw_wide(out, header, right, rows);
    }
    let rule = |out: &mut dyn Write| -> std::io::Result<()> {
        let mut line = String::new();
        for (i, w) in widths.iter().enumerate() {
            if i > 0 {
                line.push(RULE);
            }
            line.extend(std::iter::repeat_n(RULE, w + 2));
        }
        writeln!(out, "{line}")
    };
    let mut line = String::new();
    let mut row_line = |out: &mut dyn Write, cells: &dyn Cells| {
        fill_line(&mut line, &widths, right, cells);
        out.write_all(line.as_bytes())
    };
    rule(out)?;
    row_line(out, &header)?;
    // Under the header, the rule runs through the spaces between cells too.
    rule(out)?;
    rows(&mut |row| row_line(out, row))?;
    rule(out)
}

/// A cell's width in columns, as `unicode-width` counts it: printable ASCII, nearly
/// every cell, is one column a byte.
fn width(text: &str) -> usize {
    if is_printable_ascii(text) {
        text.len()
    } else {
        text.width()
    }
}

/// A row's cells, by column.
trait Cells {
    fn cell(&self, i: usize) -> Option<&str>;
}

impl Cells for &[&str] {
    fn cell(&self, i: usize) -> Option<&str> {
        self.get(i).copied()
    }
}

impl Cells for Shown {
    fn cell(&self, i: usize) -> Option<&str> {
        Shown::cell(self, i)
    }
}

/// Makes `line` one row of the table: each cell padded by a space, as wide as its
/// column, one space between cells, and a line break.
fn fill_line(line: &mut String, widths: &[usize], right: &[bool], cells: &dyn Cells) {
    line.clear();
    for (i, w) in widths.iter().enumerate() {
        if i > 0 {
            line.push(' ');
        }
        match cells.cell(i) {
            // A row shorter than the table: blanks, as wide as the column.
            None => line.extend(std::iter::repeat_n(' ', w + 2)),
            Some(text) => {
                let gap = w - width(text);
                line.push(' ');
                if right.get(i).copied().unwrap_or(false) {
                    line.extend(std::iter::repeat_n(' ', gap));
                    line.push_str(text);
                } else {
                    line.push_str(text);
                    line.extend(std::iter::repeat_n(' ', gap));
                }
                line.push(' ');
            }
        }
    }
    line.push('\n');
}

/// A table with a cell wider than `WIDEST`, drawn by `comfy_table` itself (which
/// splits such a cell over lines).
fn draw_wide(
    out: &mut dyn Write,
    header: &[&str],
    right: &[bool],
    rows: impl Fn(&mut Each<'_>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use comfy_table::{CellAlignment, ContentArrangement, Table};
    let mut tb = Table::new();
    tb.load_preset(STYLE)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.iter().copied());
    rows(&mut |row| {
        tb.add_row(row.cells().map(str::to_owned));
        Ok(())
    })?;
    for (i, right) in right.iter().enumerate() {
        if *right && let Some(col) = tb.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    writeln!(out, "{tb}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The table as `comfy_table` draws it with the preset, as it was drawn before.
    fn comfy(header: &[&str], right: &[bool], rows: &[Vec<String>]) -> String {
        let mut out = Vec::new();
        draw_wide(&mut out, header, right, texts(rows)).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn drawn(header: &[&str], right: &[bool], rows: &[Vec<String>]) -> String {
        let mut out = Vec::new();
        draw(&mut out, header, right, texts(rows)).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Text of every width: empty, ASCII, accents, combining marks, wide CJK and
    /// emoji, zero-width characters.
    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                Just("a"),
                Just("Zz"),
                Just(" "),
                Just("1,234.50"),
                Just("é"),
                Just("e\u{301}"),
                Just("日本"),
                Just("\u{1F600}"),
                Just("\u{200B}"),
                Just("-"),
            ],
            0..6,
        )
        .prop_map(|parts| parts.concat())
    }

    #[test]
    fn a_report_table_is_drawn_as_comfy_table_draws_it() {
        let header = ["Donor", "Name", "Pledged"];
        let rows = vec![
            vec![
                "USA".to_string(),
                "United States of America".into(),
                "1,000.00".into(),
            ],
            vec!["Total".to_string(), String::new(), "12,345,678.90".into()],
        ];
        let right = [false, false, true];
        let ours = drawn(&header, &right, &rows);
        assert_eq!(ours, comfy(&header, &right, &rows));
        assert!(
            ours.contains("\n USA     United States of America        1,000.00 \n"),
            "{ours}"
        );
    }

    /// A report's cell holding a line break or an invisible character is drawn on
    /// one line, escaped, its column as wide as the escaped text; money is grouped.
    #[test]
    fn a_report_cell_is_drawn_escaped_on_one_line() {
        use crate::render::doc::{Cell, Sheet};
        let doc = Doc {
            title: "T".into(),
            header: vec![],
            main: "t",
            sheets: vec![Sheet {
                key: "t",
                title: "Rows".into(),
                columns: vec!["Memo", "Amount"],
                right: vec![false, true],
                rows: vec![
                    vec![
                        Cell::Text("two\nlines\u{202e}".into()),
                        Cell::Money("1234.50".into()),
                    ],
                    vec![Cell::Text("plain".into()), Cell::Money("-7.00".into())],
                ]
                .into(),
                totals: None,
            }],
            footnotes: vec![],
        };
        let mut out = Vec::new();
        write(&doc, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let rows = [
            vec!["two\\nlines\\u{202e}".to_string(), "1,234.50".into()],
            vec!["plain".to_string(), "-7.00".into()],
        ];
        let want = comfy(&["Memo", "Amount"], &[false, true], &rows);
        assert!(text.ends_with(&format!("Rows\n{want}")), "{text}");
        assert!(
            text.contains(" two\\nlines\\u{202e}   1,234.50 \n"),
            "{text}"
        );
    }

    /// `comfy_table` splits a cell wider than a `u16` over lines; such a table is
    /// left to it.
    #[test]
    fn a_cell_too_wide_for_comfy_table_is_drawn_by_it() {
        let rows = vec![vec!["a".repeat(70_000), "b".into()]];
        let ours = drawn(&["Memo", "X"], &[], &rows);
        assert_eq!(ours, comfy(&["Memo", "X"], &[], &rows));
        assert!(ours.lines().count() > 5, "{}", ours.len());
    }

    proptest! {
        #[test]
        fn any_table_is_drawn_as_comfy_table_draws_it(
            header in prop::collection::vec(text(), 1..5),
            right in prop::collection::vec(any::<bool>(), 0..6),
            rows in prop::collection::vec(prop::collection::vec(text(), 0..6), 0..6),
        ) {
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            prop_assert_eq!(drawn(&header, &right, &rows), comfy(&header, &right, &rows));
        }
    }
}
