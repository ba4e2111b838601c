//! The agreements report laid out as a document, and the schedule table a donor's
//! statement shows for its agreements. Lays out, never computes: each cell is a
//! field of the report, formatted.

use super::doc::{Cell, Doc, Sheet, header, ms, n, sheet, t};
use crate::report::agreements::{AgreementRow, AgreementsReport};

fn date(d: &Option<chrono::NaiveDate>) -> Cell {
    t(d.map(|d| d.to_string()).unwrap_or_default())
}

/// One row per agreement with its totals, in its own currency.
fn totals_sheet(rows: &[AgreementRow]) -> Sheet<'static> {
    let cols = [
        ("Agreement", false),
        ("Title", false),
        ("Donor", false),
        ("Mandate", false),
        ("Currency", false),
        ("Signed", false),
        ("Condition", false),
        ("Pledged", true),
        ("Paid", true),
        ("Outstanding", true),
        ("Current", true),
        ("Non-current", true),
        ("Conditional", true),
        ("Next due", false),
    ];
    let body = rows
        .iter()
        .map(|r| {
            vec![
                t(&r.agreement),
                t(&r.title),
                t(&r.donor),
                t(&r.mandate),
                t(&r.currency),
                t(r.signed.to_string()),
                t(condition(r)),
                ms(&r.pledged),
                ms(&r.paid),
                ms(&r.outstanding),
                ms(&r.current),
                ms(&r.non_current),
                ms(&r.conditional),
                date(&r.next_due),
            ]
        })
        .collect();
    sheet("agreements", "Agreements", &cols, body, None)
}

fn condition(r: &AgreementRow) -> String {
    match (r.conditional_agreement, r.condition_met) {
        (false, _) => String::new(),
        (true, None) => "not met".into(),
        (true, Some(d)) => format!("met {d}"),
    }
}

/// Every agreement's instalments, in the agreement's currency.
pub(super) fn schedule_sheet(rows: &[AgreementRow]) -> Sheet<'static> {
    let cols = [
        ("Agreement", false),
        ("Instalment", true),
        ("Pledge", true),
        ("Pledged on", false),
        ("Due", false),
        ("Currency", false),
        ("Pledged", true),
        ("Paid", true),
        ("Outstanding", true),
        ("Status", false),
    ];
    let mut body = Vec::new();
    for r in rows {
        for i in &r.instalments {
            body.push(vec![
                t(&r.agreement),
                n(i.number),
                n(format!("#{}", i.pledge)),
                t(i.date.to_string()),
                date(&i.due),
                t(&r.currency),
                ms(&i.pledged),
                ms(&i.paid),
                ms(&i.outstanding),
                t(i.status),
            ]);
        }
    }
    sheet("schedule", "Instalment schedules", &cols, body, None)
}

pub(super) fn build(r: &AgreementsReport) -> Doc<'_> {
    let head = header(&r.head);
    Doc {
        title: "Contribution agreements".into(),
        header: head,
        main: "agreements",
        sheets: vec![totals_sheet(&r.rows), schedule_sheet(&r.rows)],
        footnotes: vec![
            format!(
                "Amounts in each agreement's currency at {} (the report date), over the instalments pledged by then. Pledged is net of reductions; paid is what payments settled; outstanding is current when due within 12 months of the report date, overdue or without a due date, else non-current.",
                r.head.period.to
            ),
            "Conditional: instalments of a conditional agreement whose condition was not met by the report date; they are not pledged or outstanding until it is. Next due: the earliest due date after the report date of an instalment not settled.".into(),
        ],
    }
}
