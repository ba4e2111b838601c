//! The `donors` and `mandates` reports of a ledger read in groups of donors, one
//! group's book at a time, when the whole ledger is more than a report holds in
//! memory at once (`cli` decides and reads).
//!
//! Each group's book holds some donors' pledges, payments, refunds, in-kind
//! contributions, write-offs and reductions, with every rate, registration and
//! agreement: it answers every question about those donors as the whole book does,
//! and settlement never crosses donors. So each figure of the whole report is the
//! exact sum of the groups' figures, and the report is the same, byte for byte, as
//! the one made from the whole book.

use std::collections::BTreeMap;

use super::figures::{Figures, Tally, Want, tallies};
use super::rows::{donor_rows, fund_totals, mandate_rows};
use super::{Conv, DonorsReport, MandatesReport, Period, ReportError, Source};

/// The figures of the groups read so far, by donor, by mandate and in total, and
/// the rates they used.
pub struct Gathered<'r> {
    period: Period,
    conv: Conv<'r>,
    by_donor: BTreeMap<String, Figures>,
    by_mandate: BTreeMap<String, Figures>,
    total: Figures,
}

impl<'r> Gathered<'r> {
    /// Nothing gathered yet, for figures over `period` converted by `rates` (those
    /// of every group's book: each holds every rate).
    pub fn new(rates: &'r crate::domain::rates::Rates, period: Period) -> Gathered<'r> {
        Gathered {
            period,
            conv: Conv::new(rates),
            by_donor: BTreeMap::new(),
            by_mandate: BTreeMap::new(),
            total: Figures::default(),
        }
    }

    /// Adds the figures of one group's book (`src`, settled).
    pub fn add(&mut self, src: &Source) -> Result<(), ReportError> {
        let side = self.conv.fork();
        let mut t = tallies(src, &side, &[Want::full(self.period)])?;
        self.conv.absorb(side);
        let t = t.pop().expect("one tally per want");
        for (donor, f) in t.by_donor {
            self.by_donor.entry(donor.to_string()).or_default().add(&f);
        }
        for (mandate, f) in t.by_mandate {
            self.by_mandate
                .entry(mandate.to_string())
                .or_default()
                .add(&f);
        }
        self.total.add(&t.total);
        Ok(())
    }

    /// The figures of every group, as one tally.
    fn tally(&self) -> Tally<'_> {
        fn rows(m: &BTreeMap<String, Figures>) -> BTreeMap<&str, Figures> {
            m.iter().map(|(k, f)| (k.as_str(), *f)).collect()
        }
        Tally::closed(rows(&self.by_donor), rows(&self.by_mandate), self.total)
    }

    /// The `donors` report; `src` is over a book with every registration and rate
    /// (and the ledger head, cut-off and limits of the whole read).
    pub fn donors(self, src: &Source) -> Result<DonorsReport, ReportError> {
        let t = self.tally();
        Ok(DonorsReport {
            report: "donors",
            head: src.head(self.period, &self.conv)?,
            rows: donor_rows(src, &t),
            totals: t.total,
        })
    }

    /// The `mandates` report; `src` as for `donors`.
    pub fn mandates(self, src: &Source) -> Result<MandatesReport, ReportError> {
        let t = self.tally();
        let rows = mandate_rows(src, &t);
        Ok(MandatesReport {
            report: "mandates",
            head: src.head(self.period, &self.conv)?,
            funds: fund_totals(src, &rows),
            rows,
            totals: t.total,
        })
    }
}
