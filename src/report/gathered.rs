//! The `donors` (by donor or by category), `mandates`, `funds` and `quarterly`
//! reports of a ledger read in groups of donors and mandates, one group's book at a
//! time, when the whole ledger is more than a report holds in memory at once (`cli`
//! decides and reads).
//!
//! Each group's book holds the pledges, payments, refunds, in-kind contributions,
//! write-offs and reductions of some donors for some mandates, with every rate,
//! registration and agreement: it answers every question about those donors and
//! mandates as the whole book does, and settlement never crosses a donor and
//! mandate. So each figure of the whole report is the exact sum of the groups'
//! figures (a donor's row, of its mandates' groups), each overdue pledge and exchange
//! difference is found in its pledge's group, and the report is the same, byte for
//! byte, as the one made from the whole book.

use std::collections::BTreeMap;

use super::figures::{Figures, Tally, Want, tallies};
use super::listed::{MakeStore, Spill};
use super::overdue::{Overdue, OverdueRows};
use super::quarterly::{self, ExchangeDifference, Quarterly};
use super::rows::{donor_rows, fund_totals, mandate_rows};
use super::{Conv, DonorsReport, MandatesReport, Period, ReportError, Source};

/// One want's figures of the groups read so far, by donor, by mandate and in total.
#[derive(Default)]
struct Sums {
    by_donor: BTreeMap<String, Figures>,
    by_mandate: BTreeMap<String, Figures>,
    total: Figures,
}

/// What the groups read so far gave, and the rates they used.
pub struct Gathered<'r> {
    conv: Conv<'r>,
    wants: Vec<Want>,
    sums: Vec<Sums>,
    /// The quarterly report's year and quarter, and its lists (kept on disk);
    /// none for the other reports.
    quarter: Option<((i32, u32), Lists)>,
}

/// The quarterly report's overdue pledges, small balances and exchange differences,
/// each group's sorted and written to disk as a run: a ledger read in groups can
/// have millions open.
struct Lists {
    overdue: Spill<Overdue>,
    small: Spill<Overdue>,
    fx: Spill<ExchangeDifference>,
}

fn spill_error(e: std::io::Error) -> ReportError {
    ReportError::Spill(e.to_string())
}

impl<'r> Gathered<'r> {
    /// Nothing gathered yet, for the figures of the `donors`, `mandates` or `funds`
    /// report over `period`, converted by `rates` (those of every group's book:
    /// each holds every rate).
    pub fn new(rates: &'r crate::domain::rates::Rates, period: Period) -> Gathered<'r> {
        Gathered::of(rates, vec![Want::full(period)], None)
    }

    /// Nothing gathered yet, for the quarterly report of quarter `q` of `year`,
    /// its lists kept in stores `make` makes.
    pub fn quarterly(
        rates: &'r crate::domain::rates::Rates,
        year: i32,
        q: u32,
        make: MakeStore<'_>,
    ) -> Result<Gathered<'r>, ReportError> {
        let lists = Lists {
            overdue: Spill::new(make).map_err(spill_error)?,
            small: Spill::new(make).map_err(spill_error)?,
            fx: Spill::new(make).map_err(spill_error)?,
        };
        Ok(Gathered::of(
            rates,
            quarterly::wants(year, q)?,
            Some(((year, q), lists)),
        ))
    }

    fn of(
        rates: &'r crate::domain::rates::Rates,
        wants: Vec<Want>,
        quarter: Option<((i32, u32), Lists)>,
    ) -> Gathered<'r> {
        Gathered {
            conv: Conv::new(rates),
            sums: wants.iter().map(|_| Sums::default()).collect(),
            wants,
            quarter,
        }
    }

    /// Adds what one group's book (`src`, settled) gives.
    pub fn add(&mut self, src: &Source) -> Result<(), ReportError> {
        let side = self.conv.fork();
        let all = match &mut self.quarter {
            None => tallies(src, &side, &self.wants)?,
            Some((_, lists)) => {
                let (all, od, mut fx) = quarterly::gather(src, &side, &self.wants)?;
                let (overdue, small) = od.sorted();
                // In entry-number order, as one book's pledges give them.
                fx.sort_unstable_by_key(|x| x.seq);
                lists.overdue.run(&overdue).map_err(spill_error)?;
                lists.small.run(&small).map_err(spill_error)?;
                lists.fx.run(&fx).map_err(spill_error)?;
                all
            }
        };
        self.conv.absorb(side);
        for (sums, t) in self.sums.iter_mut().zip(all) {
            for (donor, f) in t.by_donor {
                sums.by_donor.entry(donor.to_string()).or_default().add(&f);
            }
            for (mandate, f) in t.by_mandate {
                sums.by_mandate
                    .entry(mandate.to_string())
                    .or_default()
                    .add(&f);
            }
            sums.total.add(&t.total);
        }
        Ok(())
    }

    /// The figures of every group, as one tally per want.
    fn tallies(sums: &[Sums]) -> Vec<Tally<'_>> {
        fn rows(m: &BTreeMap<String, Figures>) -> BTreeMap<&str, Figures> {
            m.iter().map(|(k, f)| (k.as_str(), *f)).collect()
        }
        sums.iter()
            .map(|s| Tally::closed(rows(&s.by_donor), rows(&s.by_mandate), s.total))
            .collect()
    }

    /// The `donors` report; `src` is over a book with every registration and rate
    /// (and the ledger head, cut-off and limits of the whole read).
    pub fn donors(self, src: &Source) -> Result<DonorsReport, ReportError> {
        let t = Gathered::tallies(&self.sums).swap_remove(0);
        Ok(DonorsReport {
            report: "donors",
            head: src.head(self.wants[0].period, &self.conv)?,
            rows: donor_rows(src, &t),
            totals: t.total,
        })
    }

    /// The `mandates` report; `src` as for `donors`.
    pub fn mandates(self, src: &Source) -> Result<MandatesReport, ReportError> {
        let t = Gathered::tallies(&self.sums).swap_remove(0);
        let rows = mandate_rows(src, &t);
        Ok(MandatesReport {
            report: "mandates",
            head: src.head(self.wants[0].period, &self.conv)?,
            funds: fund_totals(src, &rows),
            rows,
            totals: t.total,
        })
    }

    /// The `funds` report; `src` as for `donors`.
    pub fn funds(self, src: &Source) -> Result<super::FundsReport, ReportError> {
        let t = Gathered::tallies(&self.sums).swap_remove(0);
        super::funds::funds_of(src, &self.conv, self.wants[0].period, &t)
    }

    /// The `donors --by category` report; `src` as for `donors`.
    pub fn categories(self, src: &Source) -> Result<super::CategoriesReport, ReportError> {
        let t = Gathered::tallies(&self.sums).swap_remove(0);
        super::categories::by_category_of(src, &self.conv, self.wants[0].period, &t)
    }

    /// The quarterly report; `src` as for `donors`.
    pub fn quarterly_report(self, src: &Source) -> Result<Quarterly, ReportError> {
        let ((year, q), lists) = self.quarter.expect("gathered for a quarterly report");
        let od = OverdueRows::finish_spilled(lists.overdue, lists.small).map_err(spill_error)?;
        let fx = lists.fx.merge(|x| x.seq).map_err(spill_error)?;
        let all = Gathered::tallies(&self.sums);
        quarterly::assemble(src, &self.conv, year, q, &self.wants, all, od, fx)
    }
}
