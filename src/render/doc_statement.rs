//! A donor statement laid out as a document: the lines, the totals in USD and the
//! balances in each currency. Lays out, never computes.

use super::doc::{Cell, Doc, Rows, Sheet};
use super::doc::{header, m, ms, n, sheet, sheet_of, t};
use crate::domain::Kind;
use crate::report::reconcile::{Reconciliation, Terms};
use crate::report::statement::{Line, LineKind};
use crate::report::{Statement, Usd};

/// A reconciliation line: its label, and its term in a currency and in USD.
type Term = (
    String,
    fn(&Terms<String>) -> &String,
    fn(&Terms<Usd>) -> Usd,
);

fn opt(s: &Option<String>) -> Cell {
    t(s.clone().unwrap_or_default())
}

/// The statement laid out: its header, its sheets and its footnotes.
pub fn build(s: &Statement) -> Doc<'_> {
    let mut head = header(&s.head);
    head.insert(0, ("Donor", format!("{} ({})", s.name, s.donor)));
    let mut sheets = vec![
        lines_sheet(s),
        settlements_sheet(&s.lines),
        totals_sheet(s),
        reconciliation_sheet(&s.reconciliation),
        balances_sheet(s),
    ];
    if !s.agreements.is_empty() {
        sheets.push(super::doc_agreements::schedule_sheet(&s.agreements));
    }
    Doc {
        title: format!("Statement of account: {}", s.name),
        header: head,
        main: "lines",
        sheets,
        footnotes: vec![
            "USD at UN operational rates of exchange: each entry at its own date's rate; outstanding at the rate of the period's last day. Received is payments before refunds; net paid is received less refunded. Outstanding is contributions receivable. Settled and outstanding are in the pledge's currency; unpledged is a receipt applied to no pledge.".into(),
            "Reversed entries are listed for the record and count nowhere.".into(),
            "Unaudited.".into(),
        ],
    }
}

/// A line's note: its agreement, what it voids, its reversal and what it took.
fn note(l: &Line) -> String {
    let mut note: Vec<String> = Vec::new();
    let more = l.more();
    if let Some(a) = &more.agreement {
        note.push(format!("agreement {a}"));
    }
    match (more.entry, &more.reason) {
        (Some(e), Some(r)) => note.push(format!("voids #{e}: {r}")),
        (None, Some(r)) => note.push(r.clone()),
        _ => {}
    }
    if let Some(b) = more.reversed_by {
        note.push(format!("reversed by #{b}; counts nowhere"));
    }
    if let Some(a) = &more.applied {
        note.push(if l.kind == LineKind::Entry(Kind::Reduction) {
            format!("only {a} was outstanding: that much is reduced")
        } else {
            format!("only {a} was outstanding: that much is written off")
        });
    }
    note.join("; ")
}

/// One line's row of the lines table.
fn line_row(l: &Line) -> Vec<Cell> {
    vec![
        t(l.date.to_string()),
        n(l.seq),
        t(l.kind.as_str()),
        t(l.mandate.as_deref().unwrap_or_default()),
        t(l.currency.map(|c| c.to_string()).unwrap_or_default()),
        l.amount.clone().map(Cell::Money).unwrap_or(t("")),
        l.usd.map(m).unwrap_or(t("")),
        n(l.pledge.map(|p| p.to_string()).unwrap_or_default()),
        t(l.due.map(|d| d.to_string()).unwrap_or_default()),
        opt(&l.reference),
        l.more().unpledged.clone().map(Cell::Money).unwrap_or(t("")),
        l.outstanding.clone().map(Cell::Money).unwrap_or(t("")),
        t(note(l)),
    ]
}

/// The statement's lines, one row per entry, each made when it is written.
fn lines_sheet(s: &Statement) -> Sheet<'_> {
    sheet_of(
        "lines",
        format!("Statement of account: {} ({})", s.name, s.donor),
        &[
            ("Date", false),
            ("#", true),
            ("Kind", false),
            ("Mandate", false),
            ("Currency", false),
            ("Amount", true),
            ("USD", true),
            ("Pledge", true),
            ("Due", false),
            ("Reference", false),
            ("Unpledged", true),
            ("Outstanding", true),
            ("Note", false),
        ],
        Rows::made(s.lines.len(), |i| line_row(&s.lines[i])),
        None,
    )
}

/// One row per pledge a line settled: the same figures as the lines' Settled
/// column, one value per cell, for a spreadsheet. Each row is made when it is
/// written, from the (line, settled pledge) it stands for.
fn settlements_sheet(lines: &[Line]) -> Sheet<'_> {
    let at: Vec<(usize, usize)> = lines
        .iter()
        .enumerate()
        .flat_map(|(i, l)| (0..l.settled.len()).map(move |k| (i, k)))
        .collect();
    let rows = Rows::made(at.len(), move |r| {
        let (i, k) = at[r];
        let (l, x) = (&lines[i], &lines[i].settled[k]);
        vec![
            t(l.date.to_string()),
            n(l.seq),
            t(l.kind.as_str()),
            n(x.pledge),
            t(x.currency.code()),
            Cell::Money(x.amount_text()),
            Cell::Money(x.outstanding_text()),
        ]
    });
    sheet_of(
        "settlements",
        "What each payment, write-off and reduction settled",
        &[
            ("Date", false),
            ("#", true),
            ("Kind", false),
            ("Pledge", true),
            ("Currency", false),
            ("Settled", true),
            ("Left on the pledge", true),
        ],
        rows,
        None,
    )
}

/// The statement's totals in USD, in one row.
fn totals_sheet(s: &Statement) -> Sheet<'static> {
    let to = &s.totals;
    sheet(
        "totals",
        "Totals in USD",
        &[
            ("Pledged (net of reductions)", true),
            ("Received", true),
            ("Refunded", true),
            ("Net paid (received less refunded)", true),
            ("Written off", true),
            ("Reduced", true),
            ("In kind (not paid)", true),
            ("Outstanding (contributions receivable)", true),
        ],
        vec![vec![
            m(to.pledged),
            m(to.received),
            m(to.refunded),
            m(to.net_paid),
            m(to.written_off),
            m(to.reduced),
            m(to.in_kind),
            m(to.outstanding),
        ]],
        None,
    )
}

/// The reconciliation from opening to closing outstanding: one row per term, one
/// column per currency and one in USD.
fn reconciliation_sheet(r: &Reconciliation) -> Sheet<'static> {
    let mut columns: Vec<(&'static str, bool)> = vec![("Term", false)];
    columns.extend(
        r.in_currency
            .iter()
            .map(|c| (currency_label(&c.currency), true)),
    );
    columns.push(("USD equivalent", true));
    sheet(
        "reconciliation",
        "Reconciliation of the outstanding, in each currency and in USD",
        &columns,
        terms(r)
            .iter()
            .map(|(label, f, g)| {
                let mut row = vec![t(label.clone())];
                row.extend(r.in_currency.iter().map(|c| ms(f(&c.terms))));
                row.push(m(g(&r.usd)));
                row
            })
            .collect(),
        None,
    )
}

/// The reconciliation's terms in order: each one's label and how it is read from
/// the terms in a currency and in USD.
fn terms(r: &Reconciliation) -> [Term; 13] {
    [
        (
            format!(
                "Outstanding (contributions receivable) at {}",
                r.opening_date
            ),
            |x| &x.opening_outstanding,
            |x| x.opening_outstanding,
        ),
        ("+ Pledged".into(), |x| &x.pledged, |x| x.pledged),
        (
            "+ Carried in (opening pledges)".into(),
            |x| &x.carried_in,
            |x| x.carried_in,
        ),
        (
            "− Reduced by the donor".into(),
            |x| &x.reduced,
            |x| x.reduced,
        ),
        (
            "− Written off".into(),
            |x| &x.written_off,
            |x| x.written_off,
        ),
        (
            "− Settled by contributions in kind".into(),
            |x| &x.settled_in_kind,
            |x| x.settled_in_kind,
        ),
        ("− Received".into(), |x| &x.received, |x| x.received),
        ("+ Refunded".into(), |x| &x.refunded, |x| x.refunded),
        (
            "+ Applied to no pledge (unpledged receipts less refunds)".into(),
            |x| &x.not_applied,
            |x| x.not_applied,
        ),
        (
            "+ Paid for pledges in another currency".into(),
            |x| &x.paid_for_other_currencies,
            |x| x.paid_for_other_currencies,
        ),
        (
            "− Settled by payments in another currency".into(),
            |x| &x.settled_by_other_currencies,
            |x| x.settled_by_other_currencies,
        ),
        (
            "± Exchange difference (settled or revalued at other rates than pledged)".into(),
            |x| &x.exchange_difference,
            |x| x.exchange_difference,
        ),
        (
            format!(
                "= Outstanding (contributions receivable) at {}",
                r.closing_date
            ),
            |x| &x.closing_outstanding,
            |x| x.closing_outstanding,
        ),
    ]
}

/// The balances in each currency at the period's end.
fn balances_sheet(s: &Statement) -> Sheet<'static> {
    sheet(
        "balances",
        format!("Balances in each currency at {}", s.head.period.to),
        &[
            ("Currency", false),
            ("Pledged", true),
            ("Received", true),
            ("Refunded", true),
            ("Net paid", true),
            ("Settled on pledges", true),
            ("of which paid in other currencies", true),
            ("Paid for pledges in other currencies", true),
            ("Unpledged", true),
            ("Written off", true),
            ("Outstanding", true),
            ("Reduced", true),
            ("Opening", true),
        ],
        s.balances
            .iter()
            .map(|b| {
                vec![
                    t(&b.currency),
                    ms(&b.pledged),
                    ms(&b.payments),
                    ms(&b.refunds),
                    ms(&b.net_paid),
                    ms(&b.settled),
                    ms(&b.settled_by_other_currencies),
                    ms(&b.paid_for_other_currencies),
                    ms(&b.unpledged),
                    ms(&b.written_off),
                    ms(&b.outstanding),
                    ms(&b.reduced),
                    ms(&b.opening),
                ]
            })
            .collect(),
        None,
    )
}

/// A column heading for a currency: headings are static, so the code is leaked once
/// per distinct currency (a few per process at most).
fn currency_label(code: &str) -> &'static str {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static LABELS: OnceLock<Mutex<HashMap<String, &'static str>>> = OnceLock::new();
    let mut map = LABELS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    map.entry(code.to_string())
        .or_insert_with(|| Box::leak(code.to_string().into_boxed_str()))
}
