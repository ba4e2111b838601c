//! The figures every report is made of: pledged, paid, outstanding and the
//! general-purpose / special-purpose split, per donor and per mandate over a period
//! (`tally`, `tallies`). The rows and reports made of them are in `rows`.
//!
//! Does not decide settlement (that is `domain::settlement`) or print anything.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{Conv, Period, ReportError, Source, Usd};
use crate::domain::book::{PaymentRec, PledgeRec};
use crate::domain::settlement::Take;

/// The amount keys of a donor or mandate row and of its totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Pledges dated in the period, at their pledge-date rates, less reductions
    /// dated in the period (so it can be negative). Opening pledges never count.
    pub pledged: Usd,
    /// Payments minus refunds dated in the period, at their value-date rates.
    pub paid: Usd,
    /// At the period's last day, over all pledges dated up to then, at the closing rate.
    pub outstanding: Usd,
    pub paid_unearmarked: Usd,
    pub paid_earmarked: Usd,
    /// Reductions dated in the period, at the rate their pledge was counted at
    /// (already taken off `pledged`).
    pub reduced: Usd,
    /// Write-offs dated in the period, at their own date's rate.
    pub written_off: Usd,
    /// In-kind contributions dated in the period (goods and services at fair value),
    /// at their value-date rates. Never part of `paid`.
    pub in_kind: Usd,
    /// The part of `outstanding` due within 12 months of the period's last day, or
    /// overdue, or without a due date (each pledge at the closing rate).
    pub current: Usd,
    /// The part of `outstanding` due more than 12 months after the period's last day.
    pub non_current: Usd,
    /// Instalments of conditional agreements pledged up to the period's last day whose
    /// condition was not met by then: conditional, not yet recognised (at the closing
    /// rate; never part of pledged or outstanding).
    pub conditional: Usd,
}

impl Figures {
    pub(crate) fn add(&mut self, o: &Figures) {
        self.pledged += o.pledged;
        self.paid += o.paid;
        self.outstanding += o.outstanding;
        self.paid_unearmarked += o.paid_unearmarked;
        self.paid_earmarked += o.paid_earmarked;
        self.reduced += o.reduced;
        self.written_off += o.written_off;
        self.in_kind += o.in_kind;
        self.current += o.current;
        self.non_current += o.non_current;
        self.conditional += o.conditional;
    }

    pub fn is_zero(&self) -> bool {
        *self == Figures::default()
    }
}

/// Figures over one period, by donor, by mandate, and in total. Keys borrow the
/// book's codes: no allocation per entry.
#[derive(Debug, Default)]
pub(crate) struct Tally<'a> {
    pub by_donor: BTreeMap<&'a str, Figures>,
    pub by_mandate: BTreeMap<&'a str, Figures>,
    pub total: Figures,
    /// While entries are added, their sums by (donor, mandate) pair, hashed: one
    /// addition per entry instead of three, and no tree walk. `close` adds the pairs
    /// into the rows and the total. Sums are exact, so the grouping changes no
    /// figure; only the sign a zero sum may carry, which is never printed (see
    /// `Currency::format`).
    pairs: FxHashMap<(&'a str, &'a str), Figures>,
}

impl<'a> Tally<'a> {
    pub(crate) fn add(&mut self, rows: bool, donor: &'a str, mandate: &'a str, f: &Figures) {
        if rows {
            self.pairs.entry((donor, mandate)).or_default().add(f);
        } else {
            self.total.add(f);
        }
    }

    /// Adds in the sums of another tally of the same period, neither closed yet.
    fn absorb(&mut self, other: Tally<'a>) {
        debug_assert!(other.by_donor.is_empty() && other.by_mandate.is_empty());
        for (pair, f) in other.pairs {
            self.pairs.entry(pair).or_default().add(&f);
        }
        self.total.add(&other.total);
    }

    /// A closed tally of these rows and total (a sum of closed tallies).
    pub(crate) fn closed(
        by_donor: BTreeMap<&'a str, Figures>,
        by_mandate: BTreeMap<&'a str, Figures>,
        total: Figures,
    ) -> Self {
        Tally {
            by_donor,
            by_mandate,
            total,
            pairs: FxHashMap::default(),
        }
    }

    /// The rows and the total, once every entry is added.
    fn close(mut self) -> Self {
        for ((donor, mandate), f) in self.pairs.drain() {
            self.by_donor.entry(donor).or_default().add(&f);
            self.by_mandate.entry(mandate).or_default().add(&f);
            self.total.add(&f);
        }
        self
    }
}

/// One period a report wants figures for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Want {
    pub period: Period,
    /// By donor and by mandate too, not only the total.
    pub rows: bool,
    /// Outstanding at the period's end in USD. Without it, the closing rates of the
    /// pledges still open at the period's end are only noted as used (and checked to
    /// exist), exactly as converting them would.
    pub outstanding: bool,
}

impl Want {
    pub fn full(period: Period) -> Want {
        Want {
            period,
            rows: true,
            outstanding: true,
        }
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

/// Pledged, paid and outstanding over `period` (the rules are in the README's JSON contract).
pub(crate) fn tally<'a>(
    src: &Source<'a>,
    conv: &Conv,
    period: Period,
) -> Result<Tally<'a>, ReportError> {
    let mut t = tallies(src, conv, &[Want::full(period)])?;
    Ok(t.pop().expect("one tally per want"))
}

/// The figures of several periods in one pass over the pledges and one over the
/// payments: each pledge's settlement is looked up once, each entry converted once.
/// The result is exactly what `tally` would give for each period on its own.
pub(crate) fn tallies<'a>(
    src: &Source<'a>,
    conv: &Conv,
    wants: &[Want],
) -> Result<Vec<Tally<'a>>, ReportError> {
    let fresh = || -> Vec<Tally<'a>> { wants.iter().map(|_| Tally::default()).collect() };
    let mut out = fresh();
    let Some(last) = wants.iter().map(|w| w.period.to).max() else {
        return Ok(out);
    };
    let first = wants.iter().map(|w| w.period.from).min().unwrap_or(last);
    let span = (first, last);
    // Payments on a second thread, pledges on this one: each side converts with its
    // own converter and sums into its own tallies, and the sums are exact, so adding
    // the two gives exactly what one pass would.
    let (received, side) = std::thread::scope(|s| {
        let side = conv.fork();
        let payments = s.spawn(move || -> Result<_, ReportError> {
            let mut out = fresh();
            let payments = src.book.live_payments();
            tally_received(&side, wants, span, payments, &mut out, paid(src))?;
            // In-kind contributions, at their value-date rates.
            let in_kind = |_: &PaymentRec, usd| Figures {
                in_kind: usd,
                ..Figures::default()
            };
            let gifts = src.book.live_in_kind();
            tally_received(&side, wants, span, gifts, &mut out, in_kind)?;
            Ok((out, side))
        });
        let pledges = tally_pledges(src, conv, wants, last, &mut out)
            .and_then(|()| super::receivable::conditional(src, conv, wants, &mut out));
        let received = payments.join().expect("the payments' tally does not panic");
        pledges.and(received)
    })?;
    conv.absorb(side);
    Ok(out
        .into_iter()
        .zip(received)
        .map(|(mut t, r)| {
            t.absorb(r);
            t.close()
        })
        .collect())
}

/// Each live pledge dated up to `last`: pledged, reduced and written off in each
/// period, and outstanding at each period's end.
fn tally_pledges<'a>(
    src: &Source<'a>,
    conv: &Conv,
    wants: &[Want],
    last: NaiveDate,
    out: &mut [Tally<'a>],
) -> Result<(), ReportError> {
    // The distinct period ends, ascending; each want points at its end.
    let mut ends: Vec<NaiveDate> = wants.iter().map(|w| w.period.to).collect();
    ends.sort_unstable();
    ends.dedup();
    let end_of: Vec<usize> = wants
        .iter()
        .map(|w| ends.binary_search(&w.period.to).expect("listed"))
        .collect();
    let mut left_at: Vec<Decimal> = vec![Decimal::ZERO; ends.len()];
    let mut usd_at: Vec<Option<Usd>> = vec![None; ends.len()];

    for p in src.book.live_pledges() {
        if p.date > last {
            continue;
        }
        src.settlement.outstanding_at(p, &ends, &mut left_at);
        usd_at.iter_mut().for_each(|u| *u = None);
        // Reductions and write-offs of this pledge (most pledges have none).
        let events = src.settlement.events(p.seq);
        let takes = if events.iter().any(|(_, _, t)| *t != Take::Settled) {
            events
        } else {
            &[]
        };
        let mut pledged: Option<Usd> = None;
        for (i, w) in wants.iter().enumerate() {
            if p.date > w.period.to {
                continue;
            }
            let mut f = Figures::default();
            if w.period.contains(p.date) && !p.is_opening() {
                f.pledged = match pledged {
                    Some(u) => u,
                    None => *pledged.insert(conv.usd(p.amount, p.currency, p.date)?),
                };
            }
            for (d, a, take) in takes {
                if !w.period.contains(*d) || a.is_zero() {
                    continue;
                }
                match take {
                    Take::Settled => {}
                    Take::Reduced => {
                        let u = conv.usd(*a, p.currency, p.counted_on())?;
                        f.reduced += u;
                        f.pledged += -u;
                    }
                    Take::WrittenOff => f.written_off += conv.usd(*a, p.currency, *d)?,
                }
            }
            let e = end_of[i];
            let left = left_at[e];
            if !left.is_zero() {
                if w.outstanding {
                    f.outstanding = match usd_at[e] {
                        Some(u) => u,
                        None => *usd_at[e].insert(conv.usd(left, p.currency, ends[e])?),
                    };
                    if super::receivable::is_current(p.due, ends[e]) {
                        f.current = f.outstanding;
                    } else {
                        f.non_current = f.outstanding;
                    }
                } else {
                    conv.note(p.currency, ends[e])?;
                }
            }
            if !f.is_zero() {
                out[i].add(w.rows, &p.donor, &p.mandate, &f);
            }
        }
    }
    Ok(())
}

/// The figures of a payment or refund: paid, and general- or special-purpose.
fn paid<'a>(src: &Source<'a>) -> impl FnMut(&'a PaymentRec, Usd) -> Figures {
    // Whether the last payment's mandate is general-purpose, kept for the next.
    let mut gp: Option<(&str, bool)> = None;
    move |pay, usd| {
        let usd = if pay.refund { -usd } else { usd };
        let general = match gp {
            Some((m, g)) if *m == *pay.mandate => g,
            _ => {
                let g = is_general_purpose(src, &pay.mandate);
                gp = Some((&pay.mandate, g));
                g
            }
        };
        let mut f = Figures {
            paid: usd,
            ..Figures::default()
        };
        if general {
            f.paid_unearmarked = usd;
        } else {
            f.paid_earmarked = usd;
        }
        f
    }
}

/// Each of `received` dated from `first` to `last`, converted once at its value-date
/// rate and added to every period that holds its date as `figures` makes it.
fn tally_received<'a>(
    conv: &Conv,
    wants: &[Want],
    (first, last): (NaiveDate, NaiveDate),
    received: impl Iterator<Item = &'a PaymentRec>,
    out: &mut [Tally<'a>],
    mut figures: impl FnMut(&'a PaymentRec, Usd) -> Figures,
) -> Result<(), ReportError> {
    for r in received {
        if r.date < first || r.date > last {
            continue;
        }
        let mut usd: Option<Usd> = None;
        for (i, w) in wants.iter().enumerate() {
            if !w.period.contains(r.date) {
                continue;
            }
            let usd = match usd {
                Some(u) => u,
                None => *usd.insert(conv.usd(r.amount, r.currency, r.date)?),
            };
            out[i].add(w.rows, &r.donor, &r.mandate, &figures(r, usd));
        }
    }
    Ok(())
}
