//! A donor statement laid out as a document: the lines, the totals in USD and the
//! balances in each currency. Lays out, never computes.

use super::doc::{Cell, Doc};
use super::doc::{header, m, ms, n, sheet, t};
use crate::domain::currency::group_thousands;
use crate::report::Statement;

fn opt(s: &Option<String>) -> Cell {
    t(s.clone().unwrap_or_default())
}

pub fn build(s: &Statement) -> Doc {
    let lines = s
        .lines
        .iter()
        .map(|l| {
            let settled: Vec<String> = l
                .settled
                .iter()
                .map(|x| {
                    format!(
                        "#{} {} (left {})",
                        x.pledge,
                        group_thousands(&x.amount),
                        group_thousands(&x.outstanding)
                    )
                })
                .collect();
            let mut note: Vec<String> = Vec::new();
            if let Some(d) = l.due {
                note.push(format!("due {d}"));
            }
            if let Some(u) = &l.unpledged {
                note.push(format!("unpledged {u}"));
            }
            if let Some(r) = &l.reference {
                note.push(format!("ref {r}"));
            }
            match (l.entry, &l.reason) {
                (Some(e), Some(r)) => note.push(format!("voids #{e}: {r}")),
                (None, Some(r)) => note.push(r.clone()),
                _ => {}
            }
            if let Some(b) = l.reversed_by {
                note.push(format!("reversed by #{b}; counts nowhere"));
            }
            if let Some(a) = &l.applied {
                note.push(if l.kind == "reduction" {
                    format!("only {a} was outstanding: that much is reduced")
                } else {
                    format!("only {a} was outstanding: that much is written off")
                });
            }
            vec![
                t(l.date.to_string()),
                n(format!("#{}", l.seq)),
                t(l.kind),
                opt(&l.mandate),
                opt(&l.currency),
                l.amount.clone().map(Cell::Money).unwrap_or(t("")),
                l.usd.map(m).unwrap_or(t("")),
                n(l.pledge.map(|p| format!("#{p}")).unwrap_or_default()),
                t(settled.join("; ")),
                l.outstanding.clone().map(Cell::Money).unwrap_or(t("")),
                t(note.join("; ")),
            ]
        })
        .collect();
    let lines = sheet(
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
            ("Settled", false),
            ("Outstanding", true),
            ("Note", false),
        ],
        lines,
        None,
    );
    let to = &s.totals;
    let totals = sheet(
        "totals",
        "Totals in USD",
        &[
            ("Pledged", true),
            ("Paid", true),
            ("Refunded", true),
            ("Written off", true),
            ("Outstanding", true),
            ("Reduced", true),
        ],
        vec![vec![
            m(to.pledged),
            m(to.paid),
            m(to.refunded),
            m(to.written_off),
            m(to.outstanding),
            m(to.reduced),
        ]],
        None,
    );
    let balances = sheet(
        "balances",
        format!("Balances in each currency at {}", s.period.to),
        &[
            ("Currency", false),
            ("Pledged", true),
            ("Payments", true),
            ("Refunds", true),
            ("Settled", true),
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
                    ms(&b.settled),
                    ms(&b.unpledged),
                    ms(&b.written_off),
                    ms(&b.outstanding),
                    ms(&b.reduced),
                    ms(&b.opening),
                ]
            })
            .collect(),
        None,
    );
    let mut head = header(&s.period, &s.as_of, &s.ledger, &None, &s.warnings);
    super::doc::scope_lines(&mut head, &s.scope);
    head.insert(0, ("Donor", format!("{} ({})", s.name, s.donor)));
    Doc {
        title: format!("Statement of account: {}", s.name),
        header: head,
        main: "lines",
        sheets: vec![lines, totals, balances],
        footnotes: vec![
            "USD at UN operational rates of exchange: each entry at its own date's rate; outstanding at the rate of the period's last day. Paid is payments minus refunds. Settled and outstanding are in the pledge's currency.".into(),
            "Reversed entries are listed for the record and count nowhere.".into(),
            "Unaudited.".into(),
        ],
    }
}
