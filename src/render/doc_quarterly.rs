//! The quarterly report laid out as a document: header with rate source and ledger
//! head, then one table per section. Lays out, never computes.

use super::doc::{Cell, Doc, Rows, Sheet};
use super::doc::{donor_sheet, header, m, mandate_sheet, n, opt_pct, sheet, sheet_of, t};
use crate::domain::words::count;
use crate::report::listed::Listed;
use crate::report::quarterly::{LargestDonor, Overdue, Split};
use crate::report::{Quarterly, Usd};

fn split_row(label: &str, s: &Split) -> Vec<Cell> {
    vec![
        t(label),
        m(s.general_purpose),
        opt_pct(&s.general_purpose_share),
        m(s.special_purpose),
        opt_pct(&s.special_purpose_share),
    ]
}

pub fn build(q: &Quarterly) -> Doc<'_> {
    let by_donor = donor_sheet("by-donor", "By donor, quarter", &q.by_donor, &by_total(q));
    let by_mandate = mandate_sheet(
        "by-mandate",
        "By mandate, quarter",
        &q.by_mandate,
        &by_total(q),
    );
    Doc {
        title: q.title.clone(),
        header: head(q),
        main: "by-donor",
        sheets: vec![
            totals_sheet(q),
            gp_sp_sheet(q),
            by_donor,
            by_mandate,
            ranking_sheet(
                "largest-donors",
                "Largest donors by paid, year to date",
                &q.largest_donors,
                true,
            ),
            ranking_sheet(
                "largest-donors-pledged",
                "Largest donors by pledged, year to date",
                &q.largest_donors_by_pledged,
                false,
            ),
            overdue_sheet(q),
            ageing_sheet(q),
            small_balances_sheet(q),
            exchange_sheet(q),
            quarters_sheet(q),
            rates_sheet(q),
        ],
        footnotes: q.footnotes.clone(),
    }
}

/// The header lines, with the rate source (and the closing rates) after the cut-off.
fn head(q: &Quarterly) -> Vec<(&'static str, String)> {
    let mut head = header(&q.head);
    let rates = if q.rates.used.is_empty() {
        format!("{} (none needed: every amount is in USD)", q.rates.source)
    } else {
        let closing: Vec<String> = q
            .rates
            .closing
            .iter()
            .map(|r| format!("{} {} per USD from {}", r.currency, r.per_usd, r.effective))
            .collect();
        format!(
            "{}; closing rates: {}; {} rate{} used in all (see Rates of exchange used)",
            q.rates.source,
            closing.join(", "),
            q.rates.used.len(),
            if q.rates.used.len() == 1 { "" } else { "s" }
        )
    };
    head.insert(3, ("Rates", rates));
    head
}

/// One measure of the totals table: this year, a year earlier, the change.
fn measure(label: &str, now: Usd, then: Usd, change: &Option<String>) -> Vec<Cell> {
    vec![t(label), m(now), m(then), opt_pct(change)]
}

/// The totals against the same quarter a year earlier; conditional, reduced and
/// written-off lines only when either year has any.
fn totals_sheet(q: &Quarterly) -> Sheet<'static> {
    let (c, p, ch) = (&q.totals, &q.prior_year, &q.change_percent);
    let mut rows = vec![
        measure(
            "Pledged in the quarter",
            c.pledged_quarter,
            p.pledged_quarter,
            &ch.pledged_quarter,
        ),
        measure(
            "Paid in the quarter",
            c.paid_quarter,
            p.paid_quarter,
            &ch.paid_quarter,
        ),
        measure(
            "Pledged, year to date",
            c.pledged_year_to_date,
            p.pledged_year_to_date,
            &ch.pledged_year_to_date,
        ),
        measure(
            "Paid, year to date",
            c.paid_year_to_date,
            p.paid_year_to_date,
            &ch.paid_year_to_date,
        ),
        measure(
            "Outstanding (receivable) at quarter end",
            c.outstanding,
            p.outstanding,
            &ch.outstanding,
        ),
        measure(
            "of which current (due within 12 months)",
            c.current,
            p.current,
            &ch.current,
        ),
        measure(
            "of which non-current (due later)",
            c.non_current,
            p.non_current,
            &ch.non_current,
        ),
    ];
    if !c.conditional.is_zero() || !p.conditional.is_zero() {
        rows.push(measure(
            "Conditional, not yet recognised, at quarter end",
            c.conditional,
            p.conditional,
            &ch.conditional,
        ));
    }
    rows.extend(reduced_rows(q));
    sheet(
        "totals",
        format!(
            "Totals: Q{} {} against Q{} {}",
            q.quarter,
            q.year,
            q.quarter,
            q.year - 1
        ),
        &[
            ("Measure", false),
            ("This year", true),
            ("A year earlier", true),
            ("Change", true),
        ],
        rows,
        None,
    )
}

/// The reductions' and write-offs' measures that either year has.
fn reduced_rows(q: &Quarterly) -> Vec<Vec<Cell>> {
    let (c, p, ch) = (&q.totals, &q.prior_year, &q.change_percent);
    let extra = [
        (
            "Reduced in the quarter",
            c.reduced_quarter,
            p.reduced_quarter,
            &ch.reduced_quarter,
        ),
        (
            "Written off in the quarter",
            c.written_off_quarter,
            p.written_off_quarter,
            &ch.written_off_quarter,
        ),
        (
            "Reduced, year to date",
            c.reduced_year_to_date,
            p.reduced_year_to_date,
            &ch.reduced_year_to_date,
        ),
        (
            "Written off, year to date",
            c.written_off_year_to_date,
            p.written_off_year_to_date,
            &ch.written_off_year_to_date,
        ),
    ];
    extra
        .into_iter()
        .filter(|(_, now, then, _)| !now.is_zero() || !then.is_zero())
        .map(|(label, now, then, change)| measure(label, now, then, change))
        .collect()
}

/// Paid general-purpose and special-purpose, in the quarter and the year to date.
fn gp_sp_sheet(q: &Quarterly) -> Sheet<'static> {
    sheet(
        "gp-sp",
        "Paid: general-purpose and special-purpose",
        &[
            ("Period", false),
            ("General-purpose", true),
            ("General-purpose share", true),
            ("Special-purpose", true),
            ("Special-purpose share", true),
        ],
        vec![
            split_row("Quarter", &q.gp_sp.quarter),
            split_row("Year to date", &q.gp_sp.year_to_date),
        ],
        None,
    )
}

/// A ranking of the largest donors, its ranked measure (paid or pledged) first.
fn ranking_sheet(
    key: &'static str,
    title: &str,
    rows: &[LargestDonor],
    by_paid: bool,
) -> Sheet<'static> {
    let cols: &[(&'static str, bool)] = if by_paid {
        &[
            ("Rank", true),
            ("Donor", false),
            ("Name", false),
            ("Paid", true),
            ("Share of paid", true),
            ("Pledged", true),
            ("Share of pledged", true),
        ]
    } else {
        &[
            ("Rank", true),
            ("Donor", false),
            ("Name", false),
            ("Pledged", true),
            ("Share of pledged", true),
            ("Paid", true),
            ("Share of paid", true),
        ]
    };
    sheet(
        key,
        title,
        cols,
        rows.iter()
            .enumerate()
            .map(|(i, d)| {
                let paid = [m(d.paid_year_to_date), opt_pct(&d.share)];
                let pledged = [m(d.pledged_year_to_date), opt_pct(&d.pledged_share)];
                let (a, b) = if by_paid {
                    (paid, pledged)
                } else {
                    (pledged, paid)
                };
                let mut row = vec![n(i + 1), t(&d.donor), t(&d.name)];
                row.extend(a);
                row.extend(b);
                row
            })
            .collect(),
        None,
    )
}

/// The columns of the overdue and small-balance tables.
const OVERDUE_COLUMNS: &[(&str, bool)] = &[
    ("#", true),
    ("Donor", false),
    ("Mandate", false),
    ("Pledged on", false),
    ("Due", false),
    ("Days", true),
    ("Ageing", false),
    ("Currency", false),
    ("Outstanding", true),
    ("USD", true),
];

/// One row per overdue pledge, each made when it is written (none for one that
/// cannot be read back from disk, which fails the writing: see `Listed`).
fn overdue_rows(rows: &Listed<Overdue>) -> Rows<'_> {
    Rows::made(rows.len(), |i| {
        let Some(o) = rows.row(i) else {
            return Vec::new();
        };
        vec![
            n(o.seq),
            t(&*o.donor),
            t(&*o.mandate),
            t(o.pledged_on.to_string()),
            t(o.due.map(|d| d.to_string()).unwrap_or_default()),
            n(o.days_overdue.map(|d| d.to_string()).unwrap_or_default()),
            t(if o.days_overdue.is_some() {
                format!("{} days", o.bucket)
            } else {
                o.bucket.to_string()
            }),
            t(o.currency.to_string()),
            Cell::Money(o.outstanding_in_currency.to_string()),
            m(o.outstanding),
        ]
    })
}

/// Overdue pledges at the quarter's end, small balances apart.
fn overdue_sheet(q: &Quarterly) -> Sheet<'_> {
    sheet_of(
        "overdue",
        format!(
            "Overdue pledges at {} (outstanding: contributions receivable)",
            q.head.period.to
        ),
        OVERDUE_COLUMNS,
        overdue_rows(&q.overdue),
        None,
    )
}

/// The overdue pledges by age, with the report's totals row.
fn ageing_sheet(q: &Quarterly) -> Sheet<'static> {
    sheet(
        "ageing",
        "Ageing of overdue pledges (small balances apart)",
        &[
            ("Days overdue", false),
            ("Pledges", true),
            ("Outstanding", true),
        ],
        q.ageing
            .iter()
            .map(|a| vec![t(a.bucket), n(a.pledges), m(a.outstanding)])
            .collect(),
        Some(vec![
            t("Total"),
            n(q.ageing_total.pledges),
            m(q.ageing_total.outstanding),
        ]),
    )
}

/// Overdue balances at or below the tolerance, to be written off.
fn small_balances_sheet(q: &Quarterly) -> Sheet<'_> {
    let mut small_totals = vec![t("Total"); 1];
    small_totals.extend(std::iter::repeat_n(t(""), OVERDUE_COLUMNS.len() - 3));
    small_totals.push(n(count(
        q.small_balances_total.pledges,
        "pledge",
        "pledges",
    )));
    small_totals.push(m(q.small_balances_total.outstanding));
    sheet_of(
        "small-balances",
        format!(
            "Small balances, likely bank charges (overdue, at or below USD {} each): to be written off",
            q.small_balance_tolerance
        ),
        OVERDUE_COLUMNS,
        overdue_rows(&q.small_balances),
        Some(small_totals),
    )
}

/// Unrealised exchange differences on outstanding pledges, with the report's total.
fn exchange_sheet(q: &Quarterly) -> Sheet<'_> {
    // One row per pledge, each made when it is written.
    let rows = Rows::made(q.exchange_differences.len(), |i| {
        let Some(x) = q.exchange_differences.row(i) else {
            return Vec::new();
        };
        vec![
            n(format!("#{}", x.seq)),
            t(&*x.donor),
            t(x.currency.to_string()),
            Cell::Money(x.outstanding_in_currency.to_string()),
            m(x.at_pledge_rate),
            m(x.at_closing_rate),
            m(x.difference),
        ]
    });
    sheet_of(
        "exchange-differences",
        "Unrealised exchange differences on outstanding pledges",
        &[
            ("#", true),
            ("Donor", false),
            ("Currency", false),
            ("Outstanding", true),
            ("At pledge rate", true),
            ("At closing rate", true),
            ("Difference", true),
        ],
        rows,
        Some(vec![
            t("Total"),
            t(""),
            t(""),
            t(""),
            t(""),
            t(""),
            m(q.exchange_difference_total),
        ]),
    )
}

/// Pledged and paid in each of the last eight quarters.
fn quarters_sheet(q: &Quarterly) -> Sheet<'static> {
    sheet(
        "quarters",
        "Pledged and paid by quarter, last two years",
        &[("Quarter", false), ("Pledged", true), ("Paid", true)],
        q.quarters
            .iter()
            .map(|b| vec![t(&b.quarter), m(b.pledged), m(b.paid)])
            .collect(),
        None,
    )
}

/// Every rate of exchange the report used.
fn rates_sheet(q: &Quarterly) -> Sheet<'static> {
    sheet(
        "rates",
        "Rates of exchange used",
        &[
            ("Currency", false),
            ("Effective from", false),
            ("Per USD", true),
        ],
        q.rates
            .used
            .iter()
            .map(|r| vec![t(&r.currency), t(r.effective.to_string()), n(&r.per_usd)])
            .collect(),
        None,
    )
}

/// The quarter's totals row, as the report computed it.
fn by_total(q: &Quarterly) -> crate::report::Figures {
    q.quarter_figures
}
