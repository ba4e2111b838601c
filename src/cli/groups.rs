//! A whole-ledger `donors` or `mandates` report of a ledger with more money
//! entries than a report holds in memory at once: the first read keeps the entries
//! that name no donor (`Lean`), counts each donor's entries and notes the span of
//! value dates; the donors are then packed into groups of at most that many entries
//! (`groups`), and each group is read into a book of its own, settled, and its
//! figures added to the report's (`report::gathered`). Memory holds one group's book
//! at a time; every read checks the whole chain, as every read does.

use rustc_hash::FxHashMap;

use chrono::NaiveDate;

use super::report::{Checked, Keep, ReportArgs, ReportKind, filtered_book, ledger_head};
use super::{Context, Failure};
use crate::domain::Book;
use crate::domain::entry::{Body, Entry, Name};
use crate::domain::settlement::{self, Settlement};
use crate::domain::{time, words};
use crate::journal;
use crate::render::Report;
use crate::report::gathered::Gathered;
use crate::report::{Period, Scope, Source, Usd};

/// How many money entries (pledges, payments, refunds, in-kind contributions,
/// write-offs and reductions) a whole-ledger report holds in memory at once, unless
/// `LEDGER_REPORT_ENTRIES` says otherwise: about 230 MB of book and settlement.
pub const DEFAULT_BUDGET: u64 = 1_000_000;

/// The budget in force: `LEDGER_REPORT_ENTRIES` if it is a positive whole number.
pub fn budget() -> u64 {
    std::env::var("LEDGER_REPORT_ENTRIES")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(DEFAULT_BUDGET)
}

/// What the first read of a report read in groups keeps: a book of every entry that
/// names no donor (registrations, rates, agreements, conditions met) with the opening
/// pledges and agreement instalments (so that it knows the earliest opening date and
/// when each instalment counts) and the reversals of what it holds; each donor's
/// number of entries; and the first and last value date of every other money entry.
#[derive(Default)]
pub struct Lean {
    pub base: Book,
    /// Money entries read.
    pub money: u64,
    pub counts: FxHashMap<Name, u64>,
    pub span: Option<Period>,
}

impl Lean {
    pub fn see(&mut self, e: &Entry) {
        match &e.body {
            Body::Ledger(_) => {}
            Body::Pledge(p) => {
                self.count(&p.money.donor);
                if p.opening.is_some() || p.agreement.is_some() {
                    self.base.apply(e.clone());
                } else {
                    self.date(p.money.date);
                }
            }
            Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => {
                self.count(&p.money.donor);
                self.date(p.money.date);
            }
            Body::WriteOff(w) | Body::Reduction(w) => {
                self.money += 1;
                self.date(w.date);
            }
            Body::Reversal(r) => {
                if self.base.kind_of(r.entry).is_some() {
                    self.base.apply(e.clone());
                }
            }
            Body::Rate(_)
            | Body::Donor(_)
            | Body::Mandate(_)
            | Body::Fund(_)
            | Body::Agreement(_)
            | Body::ConditionMet(_) => self.base.apply(e.clone()),
        }
    }

    fn count(&mut self, donor: &Name) {
        self.money += 1;
        match self.counts.get_mut(donor) {
            Some(n) => *n += 1,
            None => {
                self.counts.insert(donor.clone(), 1);
            }
        }
    }

    fn date(&mut self, d: NaiveDate) {
        self.span = Some(join(self.span, Period { from: d, to: d }));
    }

    /// The first and last value date of every money entry read.
    pub fn value_dates(&self, base: Option<Period>) -> Option<Period> {
        match (self.span, base) {
            (Some(a), Some(b)) => Some(join(Some(a), b)),
            (a, b) => a.or(b),
        }
    }
}

fn join(a: Option<Period>, b: Period) -> Period {
    match a {
        None => b,
        Some(a) => Period {
            from: a.from.min(b.from),
            to: a.to.max(b.to),
        },
    }
}

/// The `donors` or `mandates` report (`c.kind`) of the ledger whose first read
/// (`scan`) kept `lean`, made group by group.
pub(super) fn report(
    ctx: &Context,
    args: &ReportArgs,
    c: &Checked,
    lean: Lean,
    budget: u64,
    scan: &journal::Scan,
) -> Result<Report, Failure> {
    let none = Settlement::default();
    let src = Source {
        book: &lean.base,
        settlement: &none,
        entries: &[],
        ledger: ledger_head(scan),
        as_of: c.until.map(time::format_timestamp),
        only_donor: None,
        tolerance: Usd(c.tolerance),
        strict_rates: args.strict_rates,
        scope: Scope::default(),
    };
    let fail = |e: crate::report::ReportError| Failure::failed(format!("{e}"));
    // A period that cannot be made is said once every group is settled: a missing
    // rate settlement needs is said first, as for a report of the whole book.
    let period = src.period_over(c.period, lean.value_dates(src.value_dates()));
    let mut gathered = period
        .as_ref()
        .ok()
        .map(|p| Gathered::new(&lean.base.rates, *p));
    let mut missing = Vec::new();
    let groups = groups(&lean.counts, budget);
    // Said, so that a report that reads the ledger again and again is understood.
    eprintln!(
        "note: the ledger holds {}, more than a report holds at once ({}, set by LEDGER_REPORT_ENTRIES); it is read again for each of {}",
        words::count(lean.money, "money entry", "money entries"),
        budget,
        words::count(groups.len() as u64, "group of donors", "groups of donors"),
    );
    for group in groups {
        let keep = Keep {
            donor: None,
            mandates: None,
            donors: Some(group.into_iter().collect()),
        };
        let (book, _) = filtered_book(ctx, c.until, &keep, false, scan.head.entries)?;
        let settled = match settlement::settle_pledges(&book) {
            Ok(s) => s,
            Err(m) => {
                missing.extend(m);
                continue;
            }
        };
        if let Some(g) = gathered.as_mut().filter(|_| missing.is_empty()) {
            let group = Source {
                book: &book,
                settlement: &settled,
                entries: &[],
                ledger: src.ledger.clone(),
                as_of: None,
                only_donor: None,
                tolerance: src.tolerance,
                strict_rates: src.strict_rates,
                scope: Scope::default(),
            };
            g.add(&group).map_err(fail)?;
        }
        // Freed before the next group is read: memory holds one group at a time.
        drop((settled, book));
    }
    if !missing.is_empty() {
        missing.sort_by_key(|m| m.date);
        return Err(super::report::missing_rates(missing));
    }
    let gathered = gathered.ok_or_else(|| fail(period.clone().expect_err("no period")))?;
    Ok(match c.kind {
        ReportKind::Mandates => Report::Mandates(gathered.mandates(&src).map_err(fail)?),
        _ => Report::Donors(gathered.donors(&src).map_err(fail)?),
    })
}

/// The donors packed into groups of at most `budget` entries, largest donor first,
/// each into the first group it fits (a donor with more than `budget` entries alone
/// in a group of its own). Each group's donors by code, in order.
pub fn groups(counts: &FxHashMap<Name, u64>, budget: u64) -> Vec<Vec<String>> {
    let mut donors: Vec<(&Name, u64)> = counts.iter().map(|(d, n)| (d, *n)).collect();
    donors.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let mut out: Vec<(u64, Vec<String>)> = Vec::new();
    for (donor, n) in donors {
        match out.iter_mut().find(|(held, _)| held + n <= budget) {
            Some((held, group)) => {
                *held += n;
                group.push(donor.to_string());
            }
            None => out.push((n, vec![donor.to_string()])),
        }
    }
    out.into_iter()
        .map(|(_, mut g)| {
            g.sort_unstable();
            g
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn donors_are_packed_largest_first_into_the_first_group_they_fit() {
        let counts: FxHashMap<Name, u64> = [("USA", 6), ("JPN", 5), ("DEU", 4), ("FRA", 1)]
            .into_iter()
            .map(|(d, n)| (Name::from(d), n))
            .collect();
        assert_eq!(
            groups(&counts, 10),
            vec![vec!["DEU", "USA"], vec!["FRA", "JPN"]]
        );
        // A donor larger than the budget is a group of its own.
        assert_eq!(
            groups(&counts, 5),
            vec![vec!["USA"], vec!["JPN"], vec!["DEU", "FRA"]]
        );
    }
}
