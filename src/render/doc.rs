//! The shape every text format shares: a document of a title, header lines, tables
//! and footnotes, laid out from a report's fields. Terminal, Markdown, CSV and HTML
//! render this; only the HTML charts read the report structs directly.
//!
//! Lays out, never computes: each cell is a field of the report, formatted.

use std::borrow::Cow;

use crate::report::{DonorRow, Figures, FundTotal, MandateRow, ReportHead, Scope, Usd};

use super::Report;
use crate::domain::words::count;

/// A cell: text (left-aligned), money (a plain decimal string, shown with
/// thousands separators, right-aligned), or another number (right-aligned as is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Money(String),
    Number(String),
}

impl Cell {
    pub fn text(&self) -> &str {
        match self {
            Cell::Text(s) | Cell::Money(s) | Cell::Number(s) => s,
        }
    }

    pub fn right(&self) -> bool {
        !matches!(self, Cell::Text(_))
    }

    /// As people read it: money grouped by thousands.
    pub fn display(&self) -> String {
        let mut out = String::new();
        self.display_into(&mut out);
        out
    }

    /// Appends the cell as people read it (`display`) to `out`.
    pub fn display_into(&self, out: &mut String) {
        match self {
            Cell::Money(s) => crate::domain::currency::group_thousands_into(s, out),
            other => out.push_str(other.text()),
        }
    }
}

/// A table's rows: built (most tables: a few dozen rows), or made from the report
/// each time they are read (a statement's lines, a quarterly report's lists, which
/// run to hundreds of thousands on a large ledger), so that a renderer, even one
/// that reads them twice (a text table measures its columns, then draws), never
/// holds them all.
pub enum Rows<'a> {
    Built(Vec<Vec<Cell>>),
    Made {
        len: usize,
        make: Box<dyn Fn(usize) -> Vec<Cell> + 'a>,
    },
}

impl<'a> Rows<'a> {
    /// Row `i` of `len`, made by `make` when read.
    pub fn made(len: usize, make: impl Fn(usize) -> Vec<Cell> + 'a) -> Rows<'a> {
        Rows::Made {
            len,
            make: Box::new(make),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Rows::Built(rows) => rows.len(),
            Rows::Made { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every row in order: a built one borrowed, a made one made now.
    pub fn iter(&self) -> impl Iterator<Item = Cow<'_, [Cell]>> {
        (0..self.len()).map(move |i| match self {
            Rows::Built(rows) => Cow::Borrowed(&rows[i][..]),
            Rows::Made { make, .. } => Cow::Owned(make(i)),
        })
    }
}

impl std::fmt::Debug for Rows<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl From<Vec<Vec<Cell>>> for Rows<'_> {
    fn from(rows: Vec<Vec<Cell>>) -> Self {
        Rows::Built(rows)
    }
}

#[derive(Debug)]
pub struct Sheet<'a> {
    /// The name `--table` selects it by.
    pub key: &'static str,
    pub title: String,
    pub columns: Vec<&'static str>,
    /// Which columns hold numbers (right-aligned), by index.
    pub right: Vec<bool>,
    pub rows: Rows<'a>,
    pub totals: Option<Vec<Cell>>,
}

impl Sheet<'_> {
    /// The rows, then the totals row if there is one.
    pub fn rows_and_totals(&self) -> impl Iterator<Item = Cow<'_, [Cell]>> {
        self.rows
            .iter()
            .chain(self.totals.iter().map(|t| Cow::Borrowed(&t[..])))
    }
}

#[derive(Debug)]
pub struct Doc<'a> {
    pub title: String,
    pub header: Vec<(&'static str, String)>,
    /// The table csv writes when `--table` is not given.
    pub main: &'static str,
    pub sheets: Vec<Sheet<'a>>,
    pub footnotes: Vec<String>,
}

impl<'a> Doc<'a> {
    /// The document with only the table named `key` (all of them when `None`).
    pub fn only(mut self, key: Option<&str>) -> Doc<'a> {
        if let Some(k) = key {
            self.sheets.retain(|s| s.key == k);
        }
        self
    }
}

/// Every table key any report offers.
pub const TABLES: [&str; 22] = [
    "donors",
    "categories",
    "mandates",
    "funds",
    "totals",
    "gp-sp",
    "by-donor",
    "by-mandate",
    "largest-donors",
    "largest-donors-pledged",
    "overdue",
    "ageing",
    "small-balances",
    "exchange-differences",
    "quarters",
    "rates",
    "lines",
    "settlements",
    "reconciliation",
    "balances",
    "agreements",
    "schedule",
];

pub(super) fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}
pub(super) fn m(u: Usd) -> Cell {
    Cell::Money(u.plain())
}
pub(super) fn ms(s: &str) -> Cell {
    Cell::Money(s.to_string())
}
pub(super) fn n(s: impl ToString) -> Cell {
    Cell::Number(s.to_string())
}
pub(super) fn opt_pct(p: &Option<String>) -> Cell {
    n(p.as_deref()
        .map(|p| format!("{p}%"))
        .unwrap_or_else(|| "n/a".into()))
}

pub(super) fn sheet<'a>(
    key: &'static str,
    title: impl Into<String>,
    columns: &[(&'static str, bool)],
    rows: Vec<Vec<Cell>>,
    totals: Option<Vec<Cell>>,
) -> Sheet<'a> {
    sheet_of(key, title, columns, Rows::Built(rows), totals)
}

/// `sheet` for rows of either kind (`Rows::made` for a long table).
pub(super) fn sheet_of<'a>(
    key: &'static str,
    title: impl Into<String>,
    columns: &[(&'static str, bool)],
    rows: Rows<'a>,
    totals: Option<Vec<Cell>>,
) -> Sheet<'a> {
    Sheet {
        key,
        title: title.into(),
        columns: columns.iter().map(|c| c.0).collect(),
        right: columns.iter().map(|c| c.1).collect(),
        rows,
        totals,
    }
}

pub(super) const FIGURE_COLUMNS: [(&str, bool); 10] = [
    ("Pledged", true),
    ("Paid", true),
    ("Outstanding", true),
    ("Current", true),
    ("Non-current", true),
    ("Paid GP", true),
    ("Paid SP", true),
    ("Reduced", true),
    ("Written off", true),
    ("In kind", true),
];

pub(super) fn figure_cells(f: &Figures) -> Vec<Cell> {
    vec![
        m(f.pledged),
        m(f.paid),
        m(f.outstanding),
        m(f.current),
        m(f.non_current),
        m(f.paid_unearmarked),
        m(f.paid_earmarked),
        m(f.reduced),
        m(f.written_off),
        m(f.in_kind),
    ]
}

pub(super) fn donor_sheet(
    key: &'static str,
    title: &str,
    rows: &[DonorRow],
    totals: &Figures,
) -> Sheet<'static> {
    let mut cols = vec![("Donor", false), ("Name", false)];
    cols.extend(FIGURE_COLUMNS);
    let body = rows
        .iter()
        .map(|r| {
            let mut c = vec![t(&r.donor), t(&r.name)];
            c.extend(figure_cells(&r.figures));
            c
        })
        .collect();
    let mut tot = vec![t("Total"), t("")];
    tot.extend(figure_cells(totals));
    sheet(key, title, &cols, body, Some(tot))
}

pub(super) fn mandate_sheet(
    key: &'static str,
    title: &str,
    rows: &[MandateRow],
    totals: &Figures,
) -> Sheet<'static> {
    let mut cols = vec![
        ("Mandate", false),
        ("Name", false),
        ("Earmarking", false),
        ("Fund", false),
    ];
    cols.extend(FIGURE_COLUMNS);
    let body = rows
        .iter()
        .map(|r| {
            let mut c = vec![
                t(&r.mandate),
                t(&r.name),
                t(r.earmarking.as_str()),
                t(&r.fund),
            ];
            c.extend(figure_cells(&r.figures));
            c
        })
        .collect();
    let mut tot = vec![t("Total"), t(""), t(""), t("")];
    tot.extend(figure_cells(totals));
    sheet(key, title, &cols, body, Some(tot))
}

/// The mandates report's fund subtotals.
pub(super) fn fund_total_sheet(funds: &[FundTotal], totals: &Figures) -> Sheet<'static> {
    let mut cols = vec![("Fund", false), ("Name", false)];
    cols.extend(FIGURE_COLUMNS);
    let body = funds
        .iter()
        .map(|f| {
            let mut c = vec![t(&f.fund), t(&f.name)];
            c.extend(figure_cells(&f.figures));
            c
        })
        .collect();
    let mut tot = vec![t("Total"), t("")];
    tot.extend(figure_cells(totals));
    sheet("funds", "By fund", &cols, body, Some(tot))
}

/// The header lines that say what else than a donor a report is limited to.
fn scope_lines(lines: &mut Vec<(&'static str, String)>, scope: &Scope) {
    let at = lines.len().min(2);
    if let Some(c) = &scope.category {
        lines.insert(at, ("Category", format!("{c} only")));
    }
    if let Some(f) = &scope.fund {
        lines.insert(at, ("Fund", format!("{f} only")));
    }
}

/// The header lines of a report's shared head: period, limits, cut-off, currency,
/// ledger head, then one line per warning.
pub(super) fn header(head: &ReportHead) -> Vec<(&'static str, String)> {
    let (period, ledger) = (&head.period, &head.ledger);
    let mut lines = vec![
        ("Period", format!("{} to {}", period.from, period.to)),
        (
            "Cut-off",
            match &head.as_of {
                Some(a) => format!(
                    "Entries recorded up to {a} only (a cut-off on when entries were recorded, not a balance date: balances are at {})",
                    period.to
                ),
                None => "every entry in the ledger".to_string(),
            },
        ),
    ];
    if let Some(c) = head.currency {
        lines.push(("Currency", c.to_string()));
    }
    lines.push((
        "Ledger",
        format!(
            "{}, head {}",
            count(ledger.entries, "entry", "entries"),
            ledger.head
        ),
    ));
    if let Some(d) = &head.donor {
        lines.insert(1, ("Donor", format!("{d} only")));
    }
    scope_lines(&mut lines, &head.scope);
    lines.extend(head.warnings.iter().map(|w| ("Warning", w.clone())));
    lines
}

pub fn build(report: &Report) -> Doc<'_> {
    match report {
        Report::Donors(r) => Doc {
            title: "Contributions by donor".into(),
            header: header(&r.head),
            main: "donors",
            sheets: vec![donor_sheet("donors", "By donor", &r.rows, &r.totals)],
            footnotes: usd_note(),
        },
        Report::Mandates(r) => Doc {
            title: "Contributions by mandate".into(),
            header: header(&r.head),
            main: "mandates",
            sheets: vec![
                mandate_sheet("mandates", "By mandate", &r.rows, &r.totals),
                fund_total_sheet(&r.funds, &r.totals),
            ],
            footnotes: usd_note(),
        },
        Report::Funds(r) => super::doc_funds::build(r),
        Report::Categories(r) => super::doc_categories::build(r),
        Report::Quarterly(q) => super::doc_quarterly::build(q),
        Report::Statement(s) => super::doc_statement::build(s),
        Report::Agreements(r) => super::doc_agreements::build(r),
    }
}

pub(super) fn usd_note() -> Vec<String> {
    vec![
        "Amounts in US dollars at UN operational rates of exchange: pledges at the pledge-date rate, payments at the value-date rate, outstanding (contributions receivable: what pledges still owe) at the rate of the period's last day. Paid is payments received minus refunds (net paid). GP: general-purpose (unearmarked); SP: special-purpose.".into(),
        "Pledged is net of reductions (counted at the rate their pledge was counted at); a write-off leaves pledged as it was and lowers outstanding.".into(),
        "Outstanding is current (due within 12 months of the period's last day, overdue, or without a due date) or non-current (due later). Instalments of conditional agreements whose condition was not met by then are not counted as pledged or outstanding (see report agreements).".into(),
        "Unaudited.".into(),
    ]
}
