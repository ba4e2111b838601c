//! The quarterly report laid out as a document: header with rate source and ledger
//! head, then one table per section. Lays out, never computes.

use super::doc::{Cell, Doc};
use super::doc::{donor_sheet, header, m, mandate_sheet, n, opt_pct, sheet, t};
use crate::report::Quarterly;
use crate::report::quarterly::{LargestDonor, Overdue, Split};

fn split_row(label: &str, s: &Split) -> Vec<Cell> {
    vec![
        t(label),
        m(s.general_purpose),
        opt_pct(&s.general_purpose_share),
        m(s.special_purpose),
        opt_pct(&s.special_purpose_share),
    ]
}

pub fn build(q: &Quarterly) -> Doc {
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

    let (c, p, ch) = (&q.totals, &q.prior_year, &q.change_percent);
    let py = q.year - 1;
    let mut rows = vec![
        vec![
            t("Pledged in the quarter"),
            m(c.pledged_quarter),
            m(p.pledged_quarter),
            opt_pct(&ch.pledged_quarter),
        ],
        vec![
            t("Paid in the quarter"),
            m(c.paid_quarter),
            m(p.paid_quarter),
            opt_pct(&ch.paid_quarter),
        ],
        vec![
            t("Pledged, year to date"),
            m(c.pledged_year_to_date),
            m(p.pledged_year_to_date),
            opt_pct(&ch.pledged_year_to_date),
        ],
        vec![
            t("Paid, year to date"),
            m(c.paid_year_to_date),
            m(p.paid_year_to_date),
            opt_pct(&ch.paid_year_to_date),
        ],
        vec![
            t("Outstanding (receivable) at quarter end"),
            m(c.outstanding),
            m(p.outstanding),
            opt_pct(&ch.outstanding),
        ],
        vec![
            t("of which current (due within 12 months)"),
            m(c.current),
            m(p.current),
            opt_pct(&ch.current),
        ],
        vec![
            t("of which non-current (due later)"),
            m(c.non_current),
            m(p.non_current),
            opt_pct(&ch.non_current),
        ],
    ];
    // Reductions and write-offs get their lines when either year has any.
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
    if !c.conditional.is_zero() || !p.conditional.is_zero() {
        rows.push(vec![
            t("Conditional, not yet recognised, at quarter end"),
            m(c.conditional),
            m(p.conditional),
            opt_pct(&ch.conditional),
        ]);
    }
    for (label, now, then, change) in extra {
        if !now.is_zero() || !then.is_zero() {
            rows.push(vec![t(label), m(now), m(then), opt_pct(change)]);
        }
    }
    let totals = sheet(
        "totals",
        format!(
            "Totals: Q{} {} against Q{} {}",
            q.quarter, q.year, q.quarter, py
        ),
        &[
            ("Measure", false),
            ("This year", true),
            ("A year earlier", true),
            ("Change", true),
        ],
        rows,
        None,
    );
    let gp_sp = sheet(
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
    );
    let ranking = |key: &'static str, title: &str, rows: &[LargestDonor], by_paid: bool| {
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
    };
    let largest = ranking(
        "largest-donors",
        "Largest donors by paid, year to date",
        &q.largest_donors,
        true,
    );
    let largest_pledged = ranking(
        "largest-donors-pledged",
        "Largest donors by pledged, year to date",
        &q.largest_donors_by_pledged,
        false,
    );
    let overdue_cols: &[(&'static str, bool)] = &[
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
    let overdue_rows = |rows: &[Overdue]| -> Vec<Vec<Cell>> {
        rows.iter()
            .map(|o| {
                vec![
                    n(o.seq),
                    t(&o.donor),
                    t(&o.mandate),
                    t(o.pledged_on.to_string()),
                    t(o.due.map(|d| d.to_string()).unwrap_or_default()),
                    n(o.days_overdue.map(|d| d.to_string()).unwrap_or_default()),
                    t(if o.days_overdue.is_some() {
                        format!("{} days", o.bucket)
                    } else {
                        o.bucket.to_string()
                    }),
                    t(&o.currency),
                    Cell::Money(o.outstanding_in_currency.clone()),
                    m(o.outstanding),
                ]
            })
            .collect()
    };
    let overdue = sheet(
        "overdue",
        format!(
            "Overdue pledges at {} (outstanding: contributions receivable)",
            q.head.period.to
        ),
        overdue_cols,
        overdue_rows(&q.overdue),
        None,
    );
    let ageing = sheet(
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
    );
    let mut small_totals = vec![t("Total"); 1];
    small_totals.extend(std::iter::repeat_n(t(""), overdue_cols.len() - 3));
    small_totals.push(n(format!("{} pledges", q.small_balances_total.pledges)));
    small_totals.push(m(q.small_balances_total.outstanding));
    let small = sheet(
        "small-balances",
        format!(
            "Small balances, likely bank charges (overdue, at or below USD {} each): to be written off",
            q.small_balance_tolerance
        ),
        overdue_cols,
        overdue_rows(&q.small_balances),
        Some(small_totals),
    );
    let fx = sheet(
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
        q.exchange_differences
            .iter()
            .map(|x| {
                vec![
                    n(format!("#{}", x.seq)),
                    t(&x.donor),
                    t(&x.currency),
                    Cell::Money(x.outstanding_in_currency.clone()),
                    m(x.at_pledge_rate),
                    m(x.at_closing_rate),
                    m(x.difference),
                ]
            })
            .collect(),
        Some(vec![
            t("Total"),
            t(""),
            t(""),
            t(""),
            t(""),
            t(""),
            m(q.exchange_difference_total),
        ]),
    );
    let quarters = sheet(
        "quarters",
        "Pledged and paid by quarter, last two years",
        &[("Quarter", false), ("Pledged", true), ("Paid", true)],
        q.quarters
            .iter()
            .map(|b| vec![t(&b.quarter), m(b.pledged), m(b.paid)])
            .collect(),
        None,
    );
    let rates = sheet(
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
    );
    let by_donor = donor_sheet("by-donor", "By donor, quarter", &q.by_donor, &by_total(q));
    let by_mandate = mandate_sheet(
        "by-mandate",
        "By mandate, quarter",
        &q.by_mandate,
        &by_total(q),
    );
    Doc {
        title: q.title.clone(),
        header: head,
        main: "by-donor",
        sheets: vec![
            totals,
            gp_sp,
            by_donor,
            by_mandate,
            largest,
            largest_pledged,
            overdue,
            ageing,
            small,
            fx,
            quarters,
            rates,
        ],
        footnotes: q.footnotes.clone(),
    }
}

/// The quarter's totals row, as the report computed it.
fn by_total(q: &Quarterly) -> crate::report::Figures {
    q.quarter_figures
}
