//! Settlement: which payments, write-offs and reductions settle which pledges.
//!
//! Owns: the settlement order and the cross-currency settlement rule. Pure: takes the
//! live pledges, payments, write-offs and reductions of a book, returns allocations.
//! Does not decide what is live (reversals, `--as-of`): the caller passes only what
//! counts. An opening pledge starts from what was outstanding at its opening date,
//! and nothing dated before that date settles it.
//!
//! An unnamed payment whose amount equals what is left on exactly one open pledge of
//! its group (same donor, mandate and currency, pledged on or before the payment)
//! settles that pledge; any other unnamed payment settles the oldest pledges first.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::book::{Book, PaymentRec, PledgeRec};
use super::rates::MissingRate;

/// What one payment or write-off settled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allocation {
    /// (pledge seq, amount in the pledge's currency)
    pub settled: Vec<(u64, Decimal)>,
    /// What is left of a payment after settling: an unpledged receipt, in its own currency.
    pub unpledged: Decimal,
}

/// What took an amount off a pledge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    /// A payment settled it.
    Settled,
    /// A write-off: pledged stays, outstanding falls.
    WrittenOff,
    /// A reduction by the donor: pledged and outstanding fall.
    Reduced,
}

#[derive(Debug, Default)]
pub struct Settlement {
    /// By payment, write-off or reduction seq.
    pub allocations: HashMap<u64, Allocation>,
    /// Per pledge: (event date, amount taken off, by what), in (date, #) order.
    pub pledge_events: HashMap<u64, Vec<(NaiveDate, Decimal, Take)>>,
}

impl Settlement {
    /// Outstanding of a pledge at the end of `date`, in the pledge's currency. An
    /// opening pledge has none before its opening date: the ledger holds nothing then.
    pub fn outstanding(&self, pledge: &PledgeRec, date: NaiveDate) -> Decimal {
        if date < pledge.counted_on() {
            return Decimal::ZERO;
        }
        let used: Decimal = self
            .pledge_events
            .get(&pledge.seq)
            .map(|evs| {
                evs.iter()
                    .filter(|(d, _, _)| *d <= date)
                    .map(|(_, a, _)| *a)
                    .sum()
            })
            .unwrap_or_default();
        (pledge.base() - used).max(Decimal::ZERO)
    }

    /// The events of one pledge, in (date, #) order.
    pub fn events(&self, pledge: u64) -> &[(NaiveDate, Decimal, Take)] {
        self.pledge_events
            .get(&pledge)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Outstanding of a pledge at the end of each of `dates` (ascending), into `out`:
    /// the same figures as `outstanding` for each date, from one walk of its events.
    pub fn outstanding_at(&self, pledge: &PledgeRec, dates: &[NaiveDate], out: &mut [Decimal]) {
        let evs = self
            .pledge_events
            .get(&pledge.seq)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut used = Decimal::ZERO;
        let mut next = 0;
        for (i, d) in dates.iter().enumerate() {
            // Events are in (date, #) order: the ones up to `d` are a prefix.
            while let Some((ed, a, _)) = evs.get(next) {
                if ed > d {
                    break;
                }
                used += *a;
                next += 1;
            }
            out[i] = if *d < pledge.counted_on() {
                Decimal::ZERO
            } else {
                (pledge.base() - used).max(Decimal::ZERO)
            };
        }
    }

    /// What was written off a pledge up to `date`, in the pledge's currency.
    pub fn written_off(&self, pledge: u64, date: NaiveDate) -> Decimal {
        self.pledge_events
            .get(&pledge)
            .map(|evs| {
                evs.iter()
                    .filter(|(d, _, t)| *t == Take::WrittenOff && *d <= date)
                    .map(|(_, a, _)| *a)
                    .sum()
            })
            .unwrap_or_default()
    }
}

/// (donor, mandate, currency code)
type GroupKey<'a> = (&'a str, &'a str, &'a str);

/// A group's pledges with something left to settle, in (pledge date, seq) order. A
/// pledge leaves the group when nothing is left on it, so each payment walks only
/// what is still open.
#[derive(Default)]
struct OpenGroup {
    by_key: BTreeMap<(NaiveDate, u64), Decimal>,
}

impl OpenGroup {
    /// Records what is left on a pledge of the group.
    fn set(&mut self, key: (NaiveDate, u64), left: Decimal) {
        if left.is_zero() {
            self.by_key.remove(&key);
        } else {
            self.by_key.insert(key, left);
        }
    }

    /// The one open pledge, dated on or before `date` and settleable then, on which
    /// exactly `amount` is left; none when there are none or several.
    fn exact(
        &self,
        amount: Decimal,
        date: NaiveDate,
        settles: impl Fn(u64, NaiveDate) -> bool,
    ) -> Option<(NaiveDate, u64)> {
        let mut found = self
            .by_key
            .range(..=(date, u64::MAX))
            .filter(|((_, seq), left)| **left == amount && settles(*seq, date))
            .map(|(key, _)| *key);
        match (found.next(), found.next()) {
            (Some(key), None) => Some(key),
            _ => None,
        }
    }
}

enum Event<'a> {
    Pay(&'a PaymentRec),
    WriteOff {
        seq: u64,
        pledge: u64,
        amount: Decimal,
        reduction: bool,
    },
}

/// Settles every live payment and write-off of the book against its live pledges.
/// `only_pledge_group` limits the work to the pledges of one (donor, mandate, currency)
/// group and the payments that could touch them (used to check one write-off).
pub fn settle(book: &Book, only: Option<&PledgeRec>) -> Result<Settlement, Vec<MissingRate>> {
    settle_with(book, only, true)
}

/// Settles like `settle` but keeps only what each pledge had settled and written off
/// (`pledge_events`), not what each payment settled (`allocations` stays empty):
/// all that outstanding figures need, without an entry per payment.
pub fn settle_pledges(book: &Book) -> Result<Settlement, Vec<MissingRate>> {
    settle_with(book, None, false)
}

fn settle_with(
    book: &Book,
    only: Option<&PledgeRec>,
    allocations: bool,
) -> Result<Settlement, Vec<MissingRate>> {
    // Every missing rate is gathered, so that one error names them all; the payment
    // that needed one settles nothing meanwhile.
    let mut missing: Vec<MissingRate> = Vec::new();
    let in_group = |donor: &str, mandate: &str| match only {
        Some(p) => *p.donor == *donor && *p.mandate == *mandate,
        None => true,
    };
    let mut events: Vec<(NaiveDate, u64, Event)> = Vec::new();
    for p in book.live_payments() {
        if p.refund {
            continue;
        }
        let relevant = match (only, p.pledge) {
            (Some(o), Some(named)) => named == o.seq,
            _ => in_group(&p.donor, &p.mandate),
        };
        if relevant {
            events.push((p.date, p.seq, Event::Pay(p)));
        }
    }
    // An in-kind contribution settles only the in-kind pledge it names.
    for p in book.live_in_kind() {
        if let Some(named) = p.pledge
            && only.is_none_or(|o| o.seq == named)
        {
            events.push((p.date, p.seq, Event::Pay(p)));
        }
    }
    for w in book.live_write_offs() {
        if only.is_none_or(|o| o.seq == w.pledge) {
            events.push((
                w.date,
                w.seq,
                Event::WriteOff {
                    seq: w.seq,
                    pledge: w.pledge,
                    amount: w.amount,
                    reduction: w.reduction,
                },
            ));
        }
    }
    events.sort_by_key(|(d, s, _)| (*d, *s));

    // Open pledges per (donor, mandate, currency), in (pledge date, seq) order, with
    // what is left on each and the date from which anything may settle it (an
    // opening pledge's opening date).
    let mut open: HashMap<GroupKey, OpenGroup> = HashMap::default();
    let mut outstanding: HashMap<u64, Decimal> = HashMap::default();
    let mut from: HashMap<u64, NaiveDate> = HashMap::default();
    for p in book.live_pledges() {
        if in_group(&p.donor, &p.mandate) && only.is_none_or(|o| o.currency == p.currency) {
            // Money never settles a pledge of goods or services unnamed.
            if !p.in_kind {
                open.entry((&p.donor, &p.mandate, p.currency.code()))
                    .or_default()
                    .set((p.date, p.seq), p.base());
            }
            outstanding.insert(p.seq, p.base());
            if p.is_opening() {
                from.insert(p.seq, p.counted_on());
            }
        }
    }
    // Nothing dated before an opening pledge's opening date settles it.
    let settles = |pledge: u64, date: NaiveDate| from.get(&pledge).is_none_or(|f| *f <= date);
    let mut out = Settlement::default();
    for (date, seq, ev) in events {
        match ev {
            Event::WriteOff {
                seq,
                pledge,
                amount,
                reduction,
            } => {
                let Some(left) = outstanding.get_mut(&pledge) else {
                    continue;
                };
                let take = if settles(pledge, date) {
                    amount.min(*left)
                } else {
                    Decimal::ZERO
                };
                *left -= take;
                let what = if reduction {
                    Take::Reduced
                } else {
                    Take::WrittenOff
                };
                out.pledge_events
                    .entry(pledge)
                    .or_default()
                    .push((date, take, what));
                if allocations {
                    out.allocations.insert(
                        seq,
                        Allocation {
                            settled: vec![(pledge, take)],
                            unpledged: Decimal::ZERO,
                        },
                    );
                }
                if let Some(g) = book
                    .pledge(pledge)
                    .filter(|p| !p.in_kind)
                    .and_then(|p| open.get_mut(&(&*p.donor, &*p.mandate, p.currency.code())))
                {
                    g.set((book.pledge(pledge).expect("found").date, pledge), *left);
                }
            }
            Event::Pay(pay) => {
                let mut alloc = Allocation {
                    settled: vec![],
                    unpledged: pay.amount,
                };
                if let Some(named) = pay.pledge {
                    if let (Some(p), Some(left), true) = (
                        book.pledge(named),
                        outstanding.get_mut(&named),
                        settles(named, date),
                    ) {
                        let value = if p.currency == pay.currency {
                            pay.amount
                        } else {
                            match (
                                book.rates.rate(pay.currency, date),
                                book.rates.rate(p.currency, date),
                            ) {
                                (Ok(from), Ok(to)) => p.currency.round(pay.amount / from * to),
                                (a, b) => {
                                    missing.extend(a.err());
                                    missing.extend(b.err());
                                    Decimal::ZERO
                                }
                            }
                        };
                        let take = value.min(*left);
                        *left -= take;
                        if take > Decimal::ZERO {
                            alloc.settled.push((named, take));
                            out.pledge_events.entry(named).or_default().push((
                                date,
                                take,
                                Take::Settled,
                            ));
                        }
                        alloc.unpledged = if value.is_zero() || take == value {
                            Decimal::ZERO
                        } else {
                            pay.currency.round(pay.amount * (value - take) / value)
                        };
                        if let Some(g) = open
                            .get_mut(&(&*p.donor, &*p.mandate, p.currency.code()))
                            .filter(|_| !p.in_kind)
                        {
                            g.set((p.date, p.seq), *left);
                        }
                    }
                } else if let Some(group) =
                    open.get_mut(&(&*pay.donor, &*pay.mandate, pay.currency.code()))
                {
                    // A payment equal to what is left on exactly one open pledge of
                    // its group settles that pledge; otherwise the oldest first.
                    if let Some(key) = group.exact(pay.amount, date, settles) {
                        let take = group.by_key.get(&key).copied().unwrap_or_default();
                        group.set(key, Decimal::ZERO);
                        alloc.unpledged = Decimal::ZERO;
                        if let Some(o) = outstanding.get_mut(&key.1) {
                            *o = Decimal::ZERO;
                        }
                        alloc.settled.push((key.1, take));
                        out.pledge_events.entry(key.1).or_default().push((
                            date,
                            take,
                            Take::Settled,
                        ));
                    }
                    // Oldest first: what each open pledge dated by then takes.
                    let mut taken = Vec::new();
                    for (key, left) in group.by_key.range(..=(date, u64::MAX)) {
                        if alloc.unpledged.is_zero() {
                            break;
                        }
                        if !settles(key.1, date) {
                            continue;
                        }
                        let take = alloc.unpledged.min(*left);
                        alloc.unpledged -= take;
                        taken.push((*key, *left - take, take));
                    }
                    for (key, left, take) in taken {
                        group.set(key, left);
                        if let Some(o) = outstanding.get_mut(&key.1) {
                            *o = left;
                        }
                        alloc.settled.push((key.1, take));
                        out.pledge_events.entry(key.1).or_default().push((
                            date,
                            take,
                            Take::Settled,
                        ));
                    }
                }
                if allocations {
                    out.allocations.insert(seq, alloc);
                }
            }
        }
    }
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(missing)
    }
}
