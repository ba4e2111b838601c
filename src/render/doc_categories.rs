//! The donors report by category laid out as a document: one row per donor
//! category, with its contributor type and how many donors it holds.
//!
//! Lays out, never computes: each cell is a field of the report, formatted.

use super::doc::{Doc, FIGURE_COLUMNS, figure_cells, header, n, sheet, t, usd_note};
use crate::report::CategoriesReport;

pub(super) fn build(r: &CategoriesReport) -> Doc<'_> {
    let mut cols = vec![
        ("Category", false),
        ("Contributor type", false),
        ("Donors", true),
    ];
    cols.extend(FIGURE_COLUMNS);
    let body = r
        .rows
        .iter()
        .map(|row| {
            let mut c = vec![
                t(row.category.as_str()),
                t(&row.contributor_type),
                n(row.donors),
            ];
            c.extend(figure_cells(&row.figures));
            c
        })
        .collect();
    let mut tot = vec![t("Total"), t(""), t("")];
    tot.extend(figure_cells(&r.totals));
    let head = header(&r.head);
    let mut notes = usd_note();
    notes.insert(
        1,
        "Contributor types are the UN Data Standards' (Standard VI): C01 government, C04C UN organisations, C04D UN pooled funds, C05 foundations, C06 private sector, C08A European Union, C08B other intergovernmental.".into(),
    );
    Doc {
        title: "Contributions by donor category".into(),
        header: head,
        main: "categories",
        sheets: vec![sheet(
            "categories",
            "By donor category",
            &cols,
            body,
            Some(tot),
        )],
        footnotes: notes,
    }
}
