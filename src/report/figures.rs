//! The figures every report is made of: pledged, paid, outstanding and the
//! general-purpose / special-purpose split, per donor and per mandate over a period;
//! and the `donors` and `mandates` reports built from them.
//!
//! Does not decide settlement (that is `domain::settlement`) or print anything.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Conv, LedgerHead, Period, ReportError, Source, Usd};
use crate::domain::book::PledgeRec;
use crate::domain::register::Earmarking;

/// The amount keys of a donor or mandate row and of its totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Pledges dated in the period, at their pledge-date rates.
    pub pledged: Usd,
    /// Payments minus refunds dated in the period, at their value-date rates.
    pub paid: Usd,
    /// At the period's last day, over all pledges dated up to then, at the closing rate.
    pub outstanding: Usd,
    pub paid_unearmarked: Usd,
    pub paid_earmarked: Usd,
}

impl Figures {
    fn add(&mut self, o: &Figures) {
        self.pledged += o.pledged;
        self.paid += o.paid;
        self.outstanding += o.outstanding;
        self.paid_unearmarked += o.paid_unearmarked;
        self.paid_earmarked += o.paid_earmarked;
    }

    pub fn is_zero(&self) -> bool {
        *self == Figures::default()
    }
}

/// Figures over one period, by donor, by mandate, and in total.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub by_donor: BTreeMap<String, Figures>,
    pub by_mandate: BTreeMap<String, Figures>,
    pub total: Figures,
}

impl Tally {
    fn add(&mut self, donor: &str, mandate: &str, f: Figures) {
        self.by_donor.entry(donor.to_string()).or_default().add(&f);
        self.by_mandate
            .entry(mandate.to_string())
            .or_default()
            .add(&f);
        self.total.add(&f);
    }
}

/// Outstanding of a pledge at `date` in USD at the closing rate (the rate at `date`).
pub(crate) fn outstanding_usd(
    src: &Source,
    conv: &Conv,
    p: &PledgeRec,
    date: chrono::NaiveDate,
) -> Result<Usd, ReportError> {
    let left = src.settlement.outstanding(p, date);
    if left.is_zero() {
        return Ok(Usd::ZERO);
    }
    Ok(conv.usd(left, p.currency, date)?)
}

pub(crate) fn is_general_purpose(src: &Source, mandate: &str) -> bool {
    src.book
        .register
        .mandate(mandate)
        .is_some_and(|m| m.earmarking.is_general_purpose())
}

/// Pledged, paid and outstanding over `period`, per DESIGN.md section 6.
pub(crate) fn tally(src: &Source, conv: &Conv, period: Period) -> Result<Tally, ReportError> {
    let mut t = Tally::default();
    for p in src.book.live_pledges() {
        if p.date > period.to {
            continue;
        }
        let mut f = Figures::default();
        if period.contains(p.date) {
            f.pledged = conv.usd(p.amount, p.currency, p.date)?;
        }
        f.outstanding = outstanding_usd(src, conv, p, period.to)?;
        if !f.is_zero() {
            t.add(&p.donor, &p.mandate, f);
        }
    }
    for pay in src.book.live_payments() {
        if !period.contains(pay.date) {
            continue;
        }
        let mut usd = conv.usd(pay.amount, pay.currency, pay.date)?;
        if pay.refund {
            usd = -usd;
        }
        let mut f = Figures {
            paid: usd,
            ..Figures::default()
        };
        if is_general_purpose(src, &pay.mandate) {
            f.paid_unearmarked = usd;
        } else {
            f.paid_earmarked = usd;
        }
        t.add(&pay.donor, &pay.mandate, f);
    }
    Ok(t)
}

#[derive(Debug, Clone, Serialize)]
pub struct DonorRow {
    pub donor: String,
    pub name: String,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, Serialize)]
pub struct MandateRow {
    pub mandate: String,
    pub name: String,
    pub earmarking: Earmarking,
    #[serde(flatten)]
    pub figures: Figures,
}

/// Rows sorted by paid, largest first; ties by code.
pub(crate) fn donor_rows(src: &Source, t: &Tally) -> Vec<DonorRow> {
    let mut rows: Vec<DonorRow> = t
        .by_donor
        .iter()
        .map(|(code, f)| DonorRow {
            donor: code.clone(),
            name: src
                .book
                .register
                .donor(code)
                .map(|d| d.name.clone())
                .unwrap_or_else(|| code.clone()),
            figures: *f,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.figures
            .paid
            .cmp(&a.figures.paid)
            .then_with(|| a.donor.cmp(&b.donor))
    });
    rows
}

pub(crate) fn mandate_rows(src: &Source, t: &Tally) -> Vec<MandateRow> {
    let mut rows: Vec<MandateRow> = t
        .by_mandate
        .iter()
        .map(|(slug, f)| {
            let m = src.book.register.mandate(slug);
            MandateRow {
                mandate: slug.clone(),
                name: m.map(|m| m.name.clone()).unwrap_or_else(|| slug.clone()),
                earmarking: m.map(|m| m.earmarking).unwrap_or(Earmarking::Earmarked),
                figures: *f,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.figures
            .paid
            .cmp(&a.figures.paid)
            .then_with(|| a.mandate.cmp(&b.mandate))
    });
    rows
}

#[derive(Debug, Clone, Serialize)]
pub struct DonorsReport {
    pub report: &'static str,
    pub ledger: LedgerHead,
    pub period: Period,
    pub as_of: Option<String>,
    pub currency: &'static str,
    pub rows: Vec<DonorRow>,
    pub totals: Figures,
}

#[derive(Debug, Clone, Serialize)]
pub struct MandatesReport {
    pub report: &'static str,
    pub ledger: LedgerHead,
    pub period: Period,
    pub as_of: Option<String>,
    pub currency: &'static str,
    pub rows: Vec<MandateRow>,
    pub totals: Figures,
}

pub fn donors(src: &Source, period: Period) -> Result<DonorsReport, ReportError> {
    let conv = Conv::new(&src.book.rates);
    let t = tally(src, &conv, period)?;
    Ok(DonorsReport {
        report: "donors",
        ledger: src.ledger.clone(),
        period,
        as_of: src.as_of.clone(),
        currency: "USD",
        rows: donor_rows(src, &t),
        totals: t.total,
    })
}

pub fn mandates(src: &Source, period: Period) -> Result<MandatesReport, ReportError> {
    let conv = Conv::new(&src.book.rates);
    let t = tally(src, &conv, period)?;
    Ok(MandatesReport {
        report: "mandates",
        ledger: src.ledger.clone(),
        period,
        as_of: src.as_of.clone(),
        currency: "USD",
        rows: mandate_rows(src, &t),
        totals: t.total,
    })
}
