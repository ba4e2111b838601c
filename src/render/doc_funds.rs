//! The funds report laid out as a document: one table, each fund's row followed by
//! the rows of its mandates.
//!
//! Lays out, never computes: each cell is a field of the report, formatted.

use super::doc::{Doc, FIGURE_COLUMNS, figure_cells, header, sheet, t, usd_note};
use crate::report::FundsReport;

pub(super) fn build(r: &FundsReport) -> Doc<'_> {
    let mut cols = vec![("Fund", false), ("Mandate", false), ("Name", false)];
    cols.extend(FIGURE_COLUMNS);
    let mut body = Vec::new();
    for f in &r.rows {
        let mut c = vec![t(&f.fund), t(""), t(&f.name)];
        c.extend(figure_cells(&f.figures));
        body.push(c);
        for m in &f.mandates {
            let mut c = vec![t(""), t(&m.mandate), t(&m.name)];
            c.extend(figure_cells(&m.figures));
            body.push(c);
        }
    }
    let mut tot = vec![t("Total"), t(""), t("")];
    tot.extend(figure_cells(&r.totals));
    let head = header(&r.head);
    Doc {
        title: "Contributions by fund".into(),
        header: head,
        main: "funds",
        sheets: vec![sheet(
            "funds",
            "By fund, with its mandates",
            &cols,
            body,
            Some(tot),
        )],
        footnotes: usd_note(),
    }
}
