//! CSV: one table per file, a header row, amounts as plain numbers ("1234.50", no
//! separators), text cells a spreadsheet would run as a formula neutralised. The
//! totals row is left out: a spreadsheet sums the column itself.

use std::io::Write;

use super::doc::{Cell, Sheet};
use super::neutralise;

pub fn write(s: &Sheet, out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = csv::WriterBuilder::new().from_writer(out);
    w.write_record(&s.columns).map_err(std::io::Error::other)?;
    for r in s.rows.iter() {
        w.write_record(r.iter().map(|c| match c {
            Cell::Text(t) => neutralise(t),
            Cell::Money(v) | Cell::Number(v) => v.clone(),
        }))
        .map_err(std::io::Error::other)?;
    }
    w.flush()
}
