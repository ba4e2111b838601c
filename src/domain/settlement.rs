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

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::book::{Book, PaymentRec, PledgeRec, WriteOffRec};
use super::currency::Currency;
use super::rates::{MissingRate, Rates};

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
    /// Every pledge's events, (event date, amount taken off, by what), one pledge
    /// after another, each pledge's in (date, #) order: one vector, not one per pledge.
    events: Vec<(NaiveDate, Decimal, Take)>,
    /// Where each pledge's events are in `events` (start, count).
    event_ranges: HashMap<u64, (u32, u32)>,
    /// (pledge seq, seq of the payment, write-off or reduction that took from it) ->
    /// what was left on the pledge right after; kept with `allocations`.
    pub left_after: HashMap<(u64, u64), Decimal>,
}

impl Settlement {
    /// Outstanding of a pledge at the end of `date`, in the pledge's currency. An
    /// opening pledge has none before its opening date: the ledger holds nothing then.
    pub fn outstanding(&self, pledge: &PledgeRec, date: NaiveDate) -> Decimal {
        if date < pledge.counted_on() {
            return Decimal::ZERO;
        }
        let used: Decimal = self
            .events(pledge.seq)
            .iter()
            .filter(|(d, _, _)| *d <= date)
            .map(|(_, a, _)| *a)
            .sum();
        (pledge.base() - used).max(Decimal::ZERO)
    }

    /// What was left on a pledge right after entry `by` took from it, in the
    /// pledge's currency (none when `by` took nothing from it, or without allocations).
    pub fn left_after(&self, pledge: u64, by: u64) -> Option<Decimal> {
        self.left_after.get(&(pledge, by)).copied()
    }

    /// The events of one pledge, in (date, #) order.
    pub fn events(&self, pledge: u64) -> &[(NaiveDate, Decimal, Take)] {
        match self.event_ranges.get(&pledge) {
            Some(&(start, n)) => &self.events[start as usize..(start + n) as usize],
            None => &[],
        }
    }

    /// Outstanding of a pledge at the end of each of `dates` (ascending), into `out`:
    /// the same figures as `outstanding` for each date, from one walk of its events.
    pub fn outstanding_at(&self, pledge: &PledgeRec, dates: &[NaiveDate], out: &mut [Decimal]) {
        let evs = self.events(pledge.seq);
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
        self.events(pledge)
            .iter()
            .filter(|(d, _, t)| *t == Take::WrittenOff && *d <= date)
            .map(|(_, a, _)| *a)
            .sum()
    }
}

/// (donor, mandate, currency code)
type GroupKey<'a> = (&'a str, &'a str, &'a str);

/// A group's pledges with something left to settle, in (pledge date, seq) order, so
/// that each payment walks only what is still open.
///
/// The pledges are kept in a vector sorted once when the group is opened; a pledge
/// with nothing left stays as a hole (its amount zero) until the holes outnumber the
/// open pledges, and then the vector is compacted, so a walk passes at most about as
/// many holes as open pledges. `head` is where the first open pledge may be: most
/// payments settle the oldest first, so the settled front is simply passed.
#[derive(Debug, Clone, Default)]
struct OpenGroup {
    pledges: Vec<(NaiveDate, u64, Decimal)>,
    head: usize,
    holes: usize,
    /// The open pledges by what is left on them, for the exact-amount rule: a payment
    /// looks up its own amount instead of walking every open pledge (pledges left
    /// partly paid for years would make that walk grow with the ledger). A tree, not
    /// a hash map: amounts come from outside (an import), and a tree has no hash a
    /// crafted file could make collide; it is built in one pass from the sorted
    /// pledges when the group opens.
    by_left: BTreeSet<(Decimal, NaiveDate, u64)>,
}

impl OpenGroup {
    /// Adds a pledge while the group is being opened (before `sort`).
    fn add(&mut self, date: NaiveDate, seq: u64, left: Decimal) {
        if !left.is_zero() {
            self.pledges.push((date, seq, left));
        }
    }

    /// Adds a pledge after the group was sorted, in its place.
    fn insert(&mut self, date: NaiveDate, seq: u64, left: Decimal) {
        if left.is_zero() {
            return;
        }
        let place = |pledges: &[(NaiveDate, u64, Decimal)]| {
            pledges.partition_point(|&(d, s, _)| (d, s) < (date, seq))
        };
        let mut i = place(&self.pledges);
        if i < self.head {
            // Only settled pledges may come before `head`: drop every hole first.
            self.pledges.drain(..self.head);
            self.pledges.retain(|p| !p.2.is_zero());
            self.head = 0;
            self.holes = 0;
            i = place(&self.pledges);
        }
        self.pledges.insert(i, (date, seq, left));
        self.by_left.insert((left, date, seq));
    }

    /// Puts the pledges added in (date, seq) order, and indexes them by what is left.
    fn sort(&mut self) {
        self.pledges.sort_unstable_by_key(|&(d, s, _)| (d, s));
        let mut by_left: Vec<_> = self.pledges.iter().map(|&(d, s, l)| (l, d, s)).collect();
        by_left.sort_unstable();
        self.by_left = by_left.into_iter().collect();
    }

    /// Records what is left on a pledge of the group: less as it is settled, or
    /// more when a live group undoes what took from it (a settled pledge then
    /// comes back in its place).
    fn set(&mut self, (date, seq): (NaiveDate, u64), left: Decimal) {
        let Ok(i) = self.pledges[self.head..]
            .binary_search_by_key(&(date, seq), |&(d, s, _)| (d, s))
            .map(|i| i + self.head)
        else {
            self.insert(date, seq, left);
            return;
        };
        let before = std::mem::replace(&mut self.pledges[i].2, left);
        if !before.is_zero() {
            self.by_left.remove(&(before, date, seq));
        } else if !left.is_zero() {
            // A hole open again.
            self.holes -= 1;
        }
        if !left.is_zero() {
            self.by_left.insert((left, date, seq));
            return;
        }
        if before.is_zero() {
            return;
        }
        if i == self.head {
            // Past this pledge, and past the holes right after it.
            self.head += 1;
            while self.pledges.get(self.head).is_some_and(|p| p.2.is_zero()) {
                self.head += 1;
                self.holes -= 1;
            }
        } else {
            self.holes += 1;
        }
        if self.holes > self.pledges.len() - self.head - self.holes {
            self.pledges.drain(..self.head);
            self.pledges.retain(|p| !p.2.is_zero());
            self.head = 0;
            self.holes = 0;
        }
    }

    /// The open pledges dated on or before `date`, oldest first: (seq, what is left).
    fn oldest(&self, date: NaiveDate) -> impl Iterator<Item = (u64, Decimal)> + '_ {
        self.pledges[self.head..]
            .iter()
            .take_while(move |p| p.0 <= date)
            .filter(|p| !p.2.is_zero())
            .map(|p| (p.1, p.2))
    }

    /// What a payment naming none of `amount` on `date` takes off which pledges,
    /// (seq, amount): the one open pledge dated by then on which exactly its amount
    /// is left, if exactly one has; otherwise the oldest first. `settles` says
    /// whether a pledge may be settled then (an opening pledge not before its
    /// opening date).
    fn choose(
        &self,
        amount: Decimal,
        date: NaiveDate,
        settles: impl Fn(u64) -> bool,
    ) -> Vec<(u64, Decimal)> {
        let mut exact = self
            .with_left(amount, date)
            .filter(|(_, seq, _)| settles(*seq))
            .map(|(_, seq, left)| (seq, left));
        if let (Some(one), None) = (exact.next(), exact.next()) {
            return vec![one];
        }
        let mut rest = amount;
        let mut takes = Vec::new();
        for (seq, left) in self.oldest(date).filter(|(seq, _)| settles(*seq)) {
            if rest.is_zero() {
                break;
            }
            let take = rest.min(left);
            rest -= take;
            takes.push((seq, take));
        }
        takes
    }

    /// The open pledges dated on or before `date` with exactly `amount` left:
    /// (date, seq, what is left as stored).
    fn with_left(
        &self,
        amount: Decimal,
        date: NaiveDate,
    ) -> impl Iterator<Item = (NaiveDate, u64, Decimal)> + '_ {
        self.by_left
            .range((amount, NaiveDate::MIN, 0)..=(amount, date, u64::MAX))
            .map(|&(l, d, s)| (d, s, l))
    }
}

/// How many of its latest events a live group remembers, with what each took, so
/// that an entry landing among them (a back-dated one, a reversal of a recent one)
/// is taken by undoing those after it and taking them again.
#[cfg(not(test))]
const WINDOW: usize = 512;
/// Small in unit tests, so that the property test passes it often.
#[cfg(test)]
const WINDOW: usize = 16;

/// One pledge group's settlement (a donor, mandate and currency) kept as entries
/// arrive in recording order, for judging write-offs and reductions without
/// settling the whole group again for each. An entry that comes after every event
/// it has taken, in (date, #) order, is simply taken. One that lands among its
/// latest `WINDOW` events (a payment or take dated before the last, a pledge dated on
/// or before it, the reversal of one of them) is taken by undoing the events after
/// it, then taking them again. Anything further back it refuses (returns false),
/// and its keeper drops it and builds it again when next asked. It follows
/// `Settler`'s rules through the same helpers (`OpenGroup::choose`, `in_currency`),
/// and a property test holds it to a whole settlement.
#[derive(Debug, Clone)]
pub struct LiveGroup {
    currency: Currency,
    open: OpenGroup,
    /// Every pledge of the group (in-kind ones too).
    left: HashMap<u64, Held>,
    /// An opening pledge's opening date: nothing dated before it settles the pledge.
    from: HashMap<u64, NaiveDate>,
    /// The latest events taken, in (date, #) order, with what each took.
    done: std::collections::VecDeque<Done>,
    /// The date of the last event taken before those in `done`.
    before: Option<NaiveDate>,
    /// Each currency a payment was converted from or to, and the latest date of
    /// such a conversion: a rate of that currency recorded or reversed for a date
    /// up to it may change what the payment settled. Never lowered (an undone event
    /// leaves it), so it may ask for a settling again that changes nothing.
    converted: Vec<(Currency, NaiveDate)>,
    /// A rate was missing: the figures are not to be judged by.
    missing: bool,
}

/// A pledge of a live group: its date, whether it is in kind, what settlement
/// starts from, and what is left on it.
#[derive(Debug, Clone, Copy)]
struct Held {
    date: NaiveDate,
    in_kind: bool,
    base: Decimal,
    left: Decimal,
}

/// What a write-off or reduction judged in its place took (`applied`), and each
/// later take that would take less with it: (pledge, take seq, before, after).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tried {
    pub applied: Decimal,
    pub squeezed: Vec<(u64, u64, Decimal, Decimal)>,
}

/// An event a live group took: when, which entry, what it took off which pledges,
/// and the group's `missing` before it.
#[derive(Debug, Clone)]
struct Done {
    date: NaiveDate,
    seq: u64,
    took: Vec<(u64, Decimal)>,
    missing: bool,
}

/// The live payment, in-kind contribution, write-off or reduction with this
/// number: what a live group takes again after undoing it.
pub type Lookup<'l, 'a> = &'l dyn Fn(u64) -> Option<Event<'a>>;

impl LiveGroup {
    /// Settles one group's records (every live record of it, as
    /// `Checker::group_records` gives them), in the group's currency.
    pub fn build(records: &Records<'_>, currency: Currency) -> LiveGroup {
        let mut g = LiveGroup {
            currency,
            open: OpenGroup::default(),
            left: HashMap::default(),
            from: HashMap::default(),
            done: std::collections::VecDeque::new(),
            before: None,
            converted: Vec::new(),
            missing: false,
        };
        for p in records.pledges.iter().copied() {
            if !p.in_kind {
                g.open.add(p.date, p.seq, p.base());
            }
            g.keep(p);
        }
        g.open.sort();
        let mut events: Vec<(NaiveDate, u64, Event<'_>)> = records
            .payments
            .iter()
            .copied()
            .filter(|p| !p.refund)
            .chain(
                records
                    .in_kind
                    .iter()
                    .copied()
                    .filter(|p| p.pledge.is_some()),
            )
            .map(|p| (p.date, p.seq, Event::Pay(p)))
            .chain(
                records
                    .takes
                    .iter()
                    .map(|w| (w.date, w.seq, Event::Take(w))),
            )
            .collect();
        events.sort_by_key(|(d, s, _)| (*d, *s));
        for (_, _, e) in events {
            g.take_event(e, records.rates);
        }
        g.trim();
        g
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    fn keep(&mut self, p: &PledgeRec) {
        self.left.insert(
            p.seq,
            Held {
                date: p.date,
                in_kind: p.in_kind,
                base: p.base(),
                left: p.base(),
            },
        );
        if p.is_opening() {
            self.from.insert(p.seq, p.counted_on());
        }
    }

    fn settles(&self, pledge: u64, date: NaiveDate) -> bool {
        self.from.get(&pledge).is_none_or(|f| *f <= date)
    }

    /// Takes `amount` off `pledge`, noting it in `took`.
    fn record(&mut self, pledge: u64, amount: Decimal, took: &mut Vec<(u64, Decimal)>) {
        if amount.is_zero() {
            return;
        }
        if let Some(h) = self.left.get_mut(&pledge) {
            h.left -= amount;
            if !h.in_kind {
                self.open.set((h.date, pledge), h.left);
            }
            took.push((pledge, amount));
        }
    }

    /// Takes one event, which comes after every event taken so far.
    fn take_event(&mut self, e: Event<'_>, rates: &Rates) {
        let (date, seq) = match e {
            Event::Pay(p) => (p.date, p.seq),
            Event::Take(w) => (w.date, w.seq),
        };
        let mut done = Done {
            date,
            seq,
            took: Vec::new(),
            missing: self.missing,
        };
        match e {
            Event::Take(w) => {
                if let Some(&Held { left, .. }) = self.left.get(&w.pledge) {
                    let amount = if self.settles(w.pledge, date) {
                        w.amount.min(left)
                    } else {
                        Decimal::ZERO
                    };
                    self.record(w.pledge, amount, &mut done.took);
                }
            }
            Event::Pay(pay) => match pay.pledge {
                Some(named) => {
                    if let Some(&Held { left, .. }) = self.left.get(&named)
                        && self.settles(named, date)
                    {
                        if pay.currency != self.currency {
                            self.converted_at(pay.currency, date);
                            self.converted_at(self.currency, date);
                        }
                        let value =
                            in_currency(rates, pay, self.currency, date).unwrap_or_else(|_| {
                                self.missing = true;
                                Decimal::ZERO
                            });
                        let take = value.min(left);
                        if take > Decimal::ZERO {
                            self.record(named, take, &mut done.took);
                        }
                    }
                }
                None => {
                    let takes = self
                        .open
                        .choose(pay.amount, date, |seq| self.settles(seq, date));
                    for (seq, take) in takes {
                        self.record(seq, take, &mut done.took);
                    }
                }
            },
        }
        self.done.push_back(done);
    }

    /// Forgets the oldest events beyond the window. Called once an entry is
    /// wholly taken, never in the middle of a try: an event it undoes and takes
    /// again must still be there to undo.
    fn trim(&mut self) {
        while self.done.len() > WINDOW
            && let Some(old) = self.done.pop_front()
        {
            self.before = Some(old.date);
        }
    }

    /// Undoes the latest events while `undo` says so (they must all be in the
    /// window), latest first; gives their numbers in the order they were taken.
    fn rewind(&mut self, undo: impl Fn(&Done) -> bool) -> Vec<u64> {
        let mut undone = Vec::new();
        while self.done.back().is_some_and(&undo) {
            let d = self.done.pop_back().expect("just seen");
            for &(pledge, amount) in d.took.iter().rev() {
                if let Some(h) = self.left.get_mut(&pledge) {
                    h.left += amount;
                    if !h.in_kind {
                        self.open.set((h.date, pledge), h.left);
                    }
                }
            }
            self.missing = d.missing;
            undone.push(d.seq);
        }
        undone.reverse();
        undone
    }

    /// Takes again the events undone (`lookup` gives only live ones, so a reversed
    /// one is left out).
    fn replay(&mut self, undone: Vec<u64>, lookup: Lookup<'_, '_>, rates: &Rates) {
        for e in undone.into_iter().filter_map(lookup) {
            self.take_event(e, rates);
        }
    }

    /// Takes a pledge of the group recorded after those it holds.
    pub fn add_pledge(&mut self, p: &PledgeRec, lookup: Lookup<'_, '_>, rates: &Rates) -> bool {
        // A payment naming none sees every pledge dated on or before its own date.
        if self.before.is_some_and(|b| b >= p.date) {
            return false;
        }
        let undone = self.rewind(|d| d.date >= p.date);
        if !p.in_kind {
            self.open.insert(p.date, p.seq, p.base());
        }
        self.keep(p);
        self.replay(undone, lookup, rates);
        self.trim();
        true
    }

    /// Takes a payment or in-kind contribution naming a pledge of the group, or a
    /// payment naming none in its donor, mandate and currency, or a write-off or
    /// reduction of a pledge of the group: it comes after every event of its date.
    pub fn add_event(&mut self, e: Event<'_>, lookup: Lookup<'_, '_>, rates: &Rates) -> bool {
        let date = match e {
            Event::Pay(p) => p.date,
            Event::Take(w) => w.date,
        };
        if self.before.is_some_and(|b| b > date) {
            return false;
        }
        let undone = self.rewind(|d| d.date > date);
        self.take_event(e, rates);
        self.replay(undone, lookup, rates);
        self.trim();
        true
    }

    /// Takes the reversal of entry `seq`, a pledge of the group or an event it
    /// took.
    pub fn remove(&mut self, seq: u64, lookup: Lookup<'_, '_>, rates: &Rates) -> bool {
        if let Some(&Held { date, in_kind, .. }) = self.left.get(&seq) {
            if self.before.is_some_and(|b| b >= date) {
                return false;
            }
            let undone = self.rewind(|d| d.date >= date);
            // What took from it before its own date (a payment naming it may be
            // dated earlier) was not undone: only settling again can say.
            if self.left.get(&seq).is_some_and(|h| h.left != h.base) {
                return false;
            }
            if !in_kind {
                self.open.set((date, seq), Decimal::ZERO);
            }
            self.left.remove(&seq);
            self.from.remove(&seq);
            self.replay(undone, lookup, rates);
            self.trim();
            return true;
        }
        let Some(at) = self.done.iter().position(|d| d.seq == seq) else {
            // Never taken, unless it is older than the window.
            return self.before.is_none();
        };
        let date = self.done[at].date;
        let undone = self.rewind(|d| (d.date, d.seq) >= (date, seq));
        self.replay(undone, lookup, rates);
        self.trim();
        true
    }

    /// Judges a new write-off or reduction `w` (numbered after every entry): takes
    /// it in its place, takes again the events after it (none when it is dated on or
    /// after the last), notes what it took and every later take that took less than
    /// before, then puts the group back as it was. None when it is dated before the
    /// events remembered, when a rate was missing, or when its pledge is not in the
    /// group: then only settling the whole group again can say.
    pub fn try_take(
        &mut self,
        w: &WriteOffRec,
        lookup: Lookup<'_, '_>,
        rates: &Rates,
    ) -> Option<Tried> {
        if self.missing
            || !self.left.contains_key(&w.pledge)
            || self.before.is_some_and(|b| b > w.date)
        {
            return None;
        }
        let took = |d: &Done| d.took.iter().map(|(_, a)| *a).sum::<Decimal>();
        // What each event after it took.
        let later: HashMap<u64, Decimal> = self
            .done
            .iter()
            .rev()
            .take_while(|d| d.date > w.date)
            .map(|d| (d.seq, took(d)))
            .collect();
        let undone = self.rewind(|d| d.date > w.date);
        self.take_event(Event::Take(w), rates);
        self.replay(undone.clone(), lookup, rates);
        let mut tried = Tried {
            applied: Decimal::ZERO,
            squeezed: Vec::new(),
        };
        for d in self.done.iter().rev().take_while(|d| d.seq != w.seq) {
            if let Some(&was) = later.get(&d.seq)
                && took(d) < was
                && let Some(Event::Take(t)) = lookup(d.seq)
            {
                tried.squeezed.push((t.pledge, t.seq, was, took(d)));
            }
        }
        tried.applied = self
            .done
            .iter()
            .rev()
            .find(|d| d.seq == w.seq)
            .map_or(Decimal::ZERO, took);
        self.rewind(|d| (d.date, d.seq) >= (w.date, w.seq));
        self.replay(undone, lookup, rates);
        Some(tried)
    }

    fn converted_at(&mut self, currency: Currency, date: NaiveDate) {
        match self.converted.iter_mut().find(|(c, _)| *c == currency) {
            Some((_, d)) => *d = (*d).max(date),
            None => self.converted.push((currency, date)),
        }
    }

    /// Takes a rate of `currency` from `date` recorded or reversed (`rates` as they
    /// now stand): the payments it converted from then on are taken again.
    pub fn rerate(
        &mut self,
        currency: Currency,
        date: NaiveDate,
        lookup: Lookup<'_, '_>,
        rates: &Rates,
    ) -> bool {
        if !self
            .converted
            .iter()
            .any(|(c, d)| *c == currency && *d >= date)
        {
            return true;
        }
        if self.before.is_some_and(|b| b >= date) {
            return false;
        }
        let undone = self.rewind(|d| d.date >= date);
        self.replay(undone, lookup, rates);
        self.trim();
        true
    }

    /// What is left on each pledge of the group, by seq, in seq order.
    pub fn lefts(&self) -> Vec<(u64, Decimal)> {
        let mut v: Vec<_> = self.left.iter().map(|(s, h)| (*s, h.left)).collect();
        v.sort_unstable();
        v
    }
}

/// An event of settlement: what takes from pledges.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    Pay(&'a PaymentRec),
    Take(&'a WriteOffRec),
}

/// A payment's amount in a pledge's currency at the rates of `date` (what a payment
/// naming the pledge can settle of it), or the rates missing.
fn in_currency(
    rates: &Rates,
    pay: &PaymentRec,
    currency: Currency,
    date: NaiveDate,
) -> Result<Decimal, Vec<MissingRate>> {
    if currency == pay.currency {
        return Ok(pay.amount);
    }
    match (rates.rate(pay.currency, date), rates.rate(currency, date)) {
        (Ok(from), Ok(to)) => Ok(currency.round(pay.amount / from * to)),
        (a, b) => Err(a.err().into_iter().chain(b.err()).collect()),
    }
}

/// What a settlement reads: live records (any order) and the rates. A whole book's,
/// or (to judge one write-off) only those of one pledge's group, borrowed.
pub struct Records<'a> {
    pub pledges: Vec<&'a PledgeRec>,
    /// Payments and refunds (refunds settle nothing and are skipped).
    pub payments: Vec<&'a PaymentRec>,
    pub in_kind: Vec<&'a PaymentRec>,
    /// Write-offs and reductions.
    pub takes: Vec<&'a WriteOffRec>,
    pub rates: &'a Rates,
}

impl<'a> Records<'a> {
    /// Every live record of a book.
    pub fn of(book: &'a Book) -> Records<'a> {
        Records {
            pledges: book.live_pledges().collect(),
            payments: book.live_payments().collect(),
            in_kind: book.live_in_kind().collect(),
            takes: book.live_write_offs().collect(),
            rates: &book.rates,
        }
    }
}

/// Settles every live payment and write-off of the book against its live pledges.
pub fn settle(book: &Book) -> Result<Settlement, Vec<MissingRate>> {
    settle_apart(&Records::of(book), true)
}

/// Settles like `settle`, from the records given: they must hold every record of
/// the pledge groups they touch (see `Checker::group_records`), or the figures are
/// not those a report shows.
pub fn settle_records(records: &Records<'_>) -> Result<Settlement, Vec<MissingRate>> {
    Settler::new(records, true).run()
}

/// Settles like `settle` but keeps only what each pledge had settled and written off
/// (`events`), not what each payment settled (`allocations` stays empty):
/// all that outstanding figures need, without an entry per payment.
pub fn settle_pledges(book: &Book) -> Result<Settlement, Vec<MissingRate>> {
    settle_apart(&Records::of(book), false)
}

/// How many threads a whole book's settlement runs on.
const PARTS: u64 = 2;

/// Settles a whole book's records on `PARTS` threads, each settling the pledge groups
/// of some (donor, mandate) pairs: no event touches two groups (a payment settles
/// pledges of its own group, or the one pledge it names, and a write-off or
/// reduction the one it names), so the parts are independent and their results
/// are the same as one run's.
fn settle_apart(records: &Records<'_>, allocations: bool) -> Result<Settlement, Vec<MissingRate>> {
    let live: HashSet<u64> = records.pledges.iter().map(|p| p.seq).collect();
    let parts = std::thread::scope(|s| {
        let others: Vec<_> = (1..PARTS)
            .map(|i| {
                let live = &live;
                s.spawn(move || Settler::new(records, allocations).part(i, live).run_part())
            })
            .collect();
        let first = Settler::new(records, allocations).part(0, &live).run_part();
        let mut parts = vec![first];
        parts.extend(
            others
                .into_iter()
                .map(|h| h.join().expect("a settlement part")),
        );
        parts
    });
    finish(parts)
}

/// What one part of a settlement found, its pledges' events already grouped (on the
/// part's own thread).
struct Part {
    out: Settlement,
    missing: Vec<MissingRate>,
}

/// One settlement from its parts: their pledges' events side by side (no pledge is
/// in two parts), and every missing rate in date order (each part's are).
fn finish(parts: Vec<Part>) -> Result<Settlement, Vec<MissingRate>> {
    let mut parts = parts.into_iter();
    let Some(first) = parts.next() else {
        return Ok(Settlement::default());
    };
    let mut out = first.out;
    let mut missing = first.missing;
    for p in parts {
        let shift = u32::try_from(out.events.len()).expect("fewer than 2^32 settlement events");
        out.allocations.extend(p.out.allocations);
        out.left_after.extend(p.out.left_after);
        out.events.extend(p.out.events);
        out.event_ranges.extend(
            p.out
                .event_ranges
                .into_iter()
                .map(|(pledge, (start, n))| (pledge, (start + shift, n))),
        );
        missing.extend(p.missing);
    }
    missing.sort_by_key(|m| m.date);
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(missing)
    }
}

/// A pledge being settled, at its place in `Settler::pledges`.
struct Pledged<'a> {
    rec: &'a PledgeRec,
    /// What is left on it.
    left: Decimal,
    /// Its group in `Settler::open`; none for an in-kind pledge.
    group: Option<u32>,
}

/// One settlement run: the open pledges, what is left on each, and what has been
/// settled so far.
///
/// Each pledge settled is known by its place in `pledges` (given in entry-number
/// order, so the places keep that order): the open groups hold places, not entry
/// numbers, and what a payment takes is recorded by place, without a lookup.
struct Settler<'r, 'a> {
    records: &'r Records<'a>,
    /// Which part this run settles, and every live pledge (see `settle_apart`).
    part: Option<(u64, &'r HashSet<u64>)>,
    /// Whether to keep what each payment and write-off settled.
    allocations: bool,
    /// Every pledge being settled (in-kind ones included), in entry-number order.
    pledges: Vec<Pledged<'a>>,
    /// Each pledge's place in `pledges`, by entry number.
    place: HashMap<u64, u32>,
    /// Open pledges per (donor, mandate, currency), by place; in-kind pledges are in
    /// none.
    open: Vec<OpenGroup>,
    groups: HashMap<GroupKey<'a>, u32>,
    /// Every missing rate, so that one error names them all; the payment that
    /// needed one settles nothing meanwhile.
    missing: Vec<MissingRate>,
    /// What came off which pledge, (place, date, amount, by what), in settlement
    /// order.
    taken: Vec<(u32, NaiveDate, Decimal, Take)>,
    out: Settlement,
}

impl<'r, 'a> Settler<'r, 'a> {
    fn new(records: &'r Records<'a>, allocations: bool) -> Self {
        Settler {
            records,
            part: None,
            allocations,
            pledges: Vec::new(),
            place: HashMap::default(),
            open: Vec::new(),
            groups: HashMap::default(),
            missing: Vec::new(),
            taken: Vec::new(),
            out: Settlement::default(),
        }
    }

    /// Settles only the pledge groups of part `i` of `PARTS`.
    fn part(mut self, i: u64, live: &'r HashSet<u64>) -> Self {
        self.part = Some((i, live));
        self
    }

    fn run(self) -> Result<Settlement, Vec<MissingRate>> {
        finish(vec![self.run_part()])
    }

    fn run_part(mut self) -> Part {
        self.open_pledges();
        for (date, _, event) in self.events() {
            match event {
                Event::Take(w) => self.take(w),
                Event::Pay(p) => {
                    let alloc = match p.pledge {
                        Some(named) => self.pay_named(p, named, date),
                        None => self.pay_in_order(p, date),
                    };
                    if self.allocations {
                        self.out.allocations.insert(p.seq, alloc);
                    }
                }
            }
        }
        self.keep_events();
        Part {
            out: self.out,
            missing: self.missing,
        }
    }

    /// Groups the events taken by pledge, each pledge's in settlement order: a
    /// counting sort by place, which is entry-number order.
    fn keep_events(&mut self) {
        let taken = std::mem::take(&mut self.taken);
        let slot = |i: usize| u32::try_from(i).expect("fewer than 2^32 settlement events");
        let mut starts = vec![0usize; self.pledges.len() + 1];
        for (i, ..) in &taken {
            starts[*i as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let out = &mut self.out;
        out.events = vec![(NaiveDate::MIN, Decimal::ZERO, Take::Settled); taken.len()];
        let mut next = starts.clone();
        for (i, date, amount, take) in taken {
            let at = &mut next[i as usize];
            out.events[*at] = (date, amount, take);
            *at += 1;
        }
        for (i, p) in self.pledges.iter().enumerate() {
            let (start, end) = (starts[i], starts[i + 1]);
            if end > start {
                out.event_ranges
                    .insert(p.rec.seq, (slot(start), slot(end - start)));
            }
        }
    }

    /// Are this donor's and mandate's pledge groups in this run's part?
    fn in_part(&self, donor: &str, mandate: &str) -> bool {
        self.part.is_none_or(|(i, _)| {
            let mut h = rustc_hash::FxHasher::default();
            (donor, mandate).hash(&mut h);
            h.finish() % PARTS == i
        })
    }

    /// Does this run settle this payment or in-kind contribution? One that names a
    /// live pledge belongs with that pledge; any other with its own group.
    fn settles_payment(&self, p: &PaymentRec) -> bool {
        match (self.part, p.pledge) {
            (None, _) => true,
            (Some((_, live)), Some(named)) if live.contains(&named) => {
                self.place.contains_key(&named)
            }
            (Some(_), _) => self.in_part(&p.donor, &p.mandate),
        }
    }

    /// The live payments, in-kind contributions, write-offs and reductions that can
    /// settle something, in (value date, #) order.
    fn events(&self) -> Vec<(NaiveDate, u64, Event<'a>)> {
        let records = self.records;
        let mut events = Vec::new();
        for p in records.payments.iter().copied().filter(|p| !p.refund) {
            if self.settles_payment(p) {
                events.push((p.date, p.seq, Event::Pay(p)));
            }
        }
        // An in-kind contribution settles only the in-kind pledge it names.
        for p in records.in_kind.iter().copied() {
            if p.pledge.is_some() && self.settles_payment(p) {
                events.push((p.date, p.seq, Event::Pay(p)));
            }
        }
        for w in records.takes.iter().copied() {
            // A take whose pledge is not settled here (or not live) takes nothing.
            if self.part.is_none() || self.place.contains_key(&w.pledge) {
                events.push((w.date, w.seq, Event::Take(w)));
            }
        }
        events.sort_by_key(|(d, s, _)| (*d, *s));
        events
    }

    /// Every live pledge of the group starts with its base left on it; money never
    /// settles a pledge of goods or services unnamed, so in-kind ones join no group.
    fn open_pledges(&mut self) {
        let records = self.records;
        let mut pledges: Vec<&PledgeRec> = records
            .pledges
            .iter()
            .copied()
            .filter(|p| self.in_part(&p.donor, &p.mandate))
            .collect();
        if !pledges.is_sorted_by_key(|p| p.seq) {
            pledges.sort_by_key(|p| p.seq);
        }
        for p in pledges {
            let at = u32::try_from(self.pledges.len()).expect("fewer than 2^32 pledges");
            let group = (!p.in_kind).then(|| {
                let key = (&*p.donor, &*p.mandate, p.currency.code());
                let next = u32::try_from(self.open.len()).expect("fewer than 2^32 groups");
                let g = *self.groups.entry(key).or_insert(next);
                if g == next {
                    self.open.push(OpenGroup::default());
                }
                self.open[g as usize].add(p.date, u64::from(at), p.base());
                g
            });
            self.place.insert(p.seq, at);
            self.pledges.push(Pledged {
                rec: p,
                left: p.base(),
                group,
            });
        }
        self.open.iter_mut().for_each(OpenGroup::sort);
    }

    /// Nothing dated before an opening pledge's opening date settles it.
    fn settles(&self, at: u32, date: NaiveDate) -> bool {
        let p = self.pledges[at as usize].rec;
        !p.is_opening() || p.counted_on() <= date
    }

    /// Records that entry `by` took `amount` off the pledge at `at` on `date`.
    fn record(&mut self, at: u32, by: u64, date: NaiveDate, amount: Decimal, take: Take) {
        let p = &mut self.pledges[at as usize];
        p.left -= amount;
        let left = p.left;
        if self.allocations {
            self.out.left_after.insert((p.rec.seq, by), left);
        }
        if let Some(g) = p.group {
            self.open[g as usize].set((p.rec.date, u64::from(at)), left);
        }
        self.taken.push((at, date, amount, take));
    }

    /// A write-off or reduction takes what it names, up to what is left.
    fn take(&mut self, w: &WriteOffRec) {
        let Some(&at) = self.place.get(&w.pledge) else {
            return;
        };
        let amount = if self.settles(at, w.date) {
            w.amount.min(self.pledges[at as usize].left)
        } else {
            Decimal::ZERO
        };
        let what = if w.reduction {
            Take::Reduced
        } else {
            Take::WrittenOff
        };
        self.record(at, w.seq, w.date, amount, what);
        if self.allocations {
            self.out.allocations.insert(
                w.seq,
                Allocation {
                    settled: vec![(w.pledge, amount)],
                    unpledged: Decimal::ZERO,
                },
            );
        }
    }

    /// A payment that names its pledge settles that pledge (converted to the pledge's
    /// currency at the payment date's rates); the rest is unpledged.
    fn pay_named(&mut self, pay: &PaymentRec, named: u64, date: NaiveDate) -> Allocation {
        let mut alloc = Allocation {
            settled: vec![],
            unpledged: pay.amount,
        };
        let Some(&at) = self.place.get(&named).filter(|at| self.settles(**at, date)) else {
            return alloc;
        };
        let (currency, left) = {
            let p = &self.pledges[at as usize];
            (p.rec.currency, p.left)
        };
        let value = match in_currency(self.records.rates, pay, currency, date) {
            Ok(v) => v,
            Err(missing) => {
                self.missing.extend(missing);
                Decimal::ZERO
            }
        };
        let take = value.min(left);
        if take > Decimal::ZERO {
            alloc.settled.push((named, take));
            self.record(at, pay.seq, date, take, Take::Settled);
        }
        alloc.unpledged = if value.is_zero() || take == value {
            Decimal::ZERO
        } else {
            pay.currency.round(pay.amount * (value - take) / value)
        };
        alloc
    }

    /// An unnamed payment settles the one open pledge of its group on which exactly
    /// its amount is left, if there is exactly one; otherwise the oldest first.
    fn pay_in_order(&mut self, pay: &PaymentRec, date: NaiveDate) -> Allocation {
        let mut alloc = Allocation {
            settled: vec![],
            unpledged: pay.amount,
        };
        let key = (&*pay.donor, &*pay.mandate, pay.currency.code());
        let Some(&g) = self.groups.get(&key) else {
            return alloc;
        };
        let takes = self.open[g as usize].choose(pay.amount, date, |at| {
            self.settles(u32::try_from(at).expect("a place"), date)
        });
        for (at, take) in takes {
            let at = u32::try_from(at).expect("a place");
            alloc.unpledged -= take;
            alloc
                .settled
                .push((self.pledges[at as usize].rec.seq, take));
            self.record(at, pay.seq, date, take, Take::Settled);
        }
        alloc
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    /// What an open group must answer, held in a plain map: (date, seq) -> left.
    fn model_oldest(
        m: &BTreeMap<(NaiveDate, u64), Decimal>,
        date: NaiveDate,
    ) -> Vec<(u64, Decimal)> {
        m.range(..=(date, u64::MAX))
            .filter(|(_, l)| !l.is_zero())
            .map(|((_, s), l)| (*s, *l))
            .collect()
    }

    proptest! {
        /// Pledges settled in any order, in any amounts, with amounts of different
        /// scales: the group's walk and its exact-amount lookup give what a plain
        /// ordered map gives, through every hole and compaction.
        #[test]
        fn an_open_group_answers_as_an_ordered_map_does(
            pledges in prop::collection::vec((0u32..40, 1i64..6), 1..60),
            steps in prop::collection::vec((0usize..60, 0i64..6, 0u32..45), 0..200),
        ) {
            let day = |d: u32| NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(d.into());
            let mut g = OpenGroup::default();
            let mut m = BTreeMap::new();
            for (seq, (d, units)) in pledges.iter().enumerate() {
                // Whole units written with two decimals or none: one amount either way.
                let left = if seq % 2 == 0 { Decimal::new(units * 100, 2) } else { Decimal::from(*units) };
                g.add(day(*d), seq as u64, left);
                m.insert((day(*d), seq as u64), left);
            }
            g.sort();
            for (which, take, at) in steps {
                let keys: Vec<_> = m.iter().filter(|(_, l)| !l.is_zero()).map(|(k, _)| *k).collect();
                if let Some(&key) = keys.get(which % keys.len().max(1)) {
                    let left = (m[&key] - Decimal::from(take)).max(Decimal::ZERO);
                    g.set(key, left);
                    m.insert(key, left);
                }
                let date = day(at);
                prop_assert_eq!(g.oldest(date).collect::<Vec<_>>(), model_oldest(&m, date));
                for amount in 1..6 {
                    let amount = Decimal::from(amount);
                    let mut got: Vec<_> = g.with_left(amount, date).collect();
                    got.sort();
                    let want: Vec<_> = m
                        .range(..=(date, u64::MAX))
                        .filter(|(_, l)| **l == amount)
                        .map(|(&(d, s), &l)| (d, s, l))
                        .collect();
                    prop_assert_eq!(&got, &want);
                }
            }
        }
    }

    /// What a group's entries are, for the live group's property test.
    #[derive(Debug, Clone)]
    enum Step {
        /// (day, amount, opening: outstanding carried in 5 days later)
        Pledge(u32, i64, Option<i64>),
        /// (day, amount, which pledge it names, by its place among the pledges)
        Pay(u32, i64, Option<usize>),
        /// (day, amount, which pledge)
        Take(u32, i64, usize),
        /// Which entry, counted back from the latest
        Reverse(usize),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            3 => (0u32..60, 1i64..8, prop::option::weighted(0.2, 0i64..8))
                .prop_map(|(d, a, o)| Step::Pledge(d, a, o)),
            4 => (0u32..60, 1i64..10, prop::option::weighted(0.3, 0usize..40))
                .prop_map(|(d, a, n)| Step::Pay(d, a, n)),
            2 => (0u32..60, 1i64..5, 0usize..40).prop_map(|(d, a, n)| Step::Take(d, a, n)),
            1 => (0usize..80).prop_map(Step::Reverse),
        ]
    }

    proptest! {
        /// A group's entries recorded in any order, some reversed: the live group,
        /// kept entry by entry (undoing and taking again what comes after a
        /// back-dated entry or a reversal, and built again whenever it refuses one,
        /// as the checker does), leaves on every pledge what a whole settlement of
        /// the live records leaves. Dates mostly rise with the entries, as in real
        /// books, so that the window is passed as well as used.
        #[test]
        fn a_live_group_settles_as_a_whole_settlement_does(
            steps in prop::collection::vec(step(), 1..150),
        ) {
            let day = |i: usize, d: u32| {
                NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(i as u64 + u64::from(d))
            };
            let name: super::super::book::Name = "D".into();
            let mut pledges: Vec<PledgeRec> = Vec::new();
            let mut payments: Vec<PaymentRec> = Vec::new();
            let mut takes: Vec<WriteOffRec> = Vec::new();
            let rates = Rates::default();
            let mut live = LiveGroup::build(
                &Records { pledges: vec![], payments: vec![], in_kind: vec![], takes: vec![], rates: &rates },
                Currency::USD,
            );
            let mut rebuilt = 0;
            for (i, st) in steps.iter().enumerate() {
                let seq = i as u64 + 1;
                let kept = {
                    let lookup = |s: u64| -> Option<Event<'_>> {
                        payments.iter().find(|p| p.seq == s && p.reversed_by.is_none()).map(Event::Pay)
                            .or_else(|| takes.iter().find(|w| w.seq == s && w.reversed_by.is_none()).map(Event::Take))
                    };
                    match *st {
                        Step::Pledge(d, a, o) => {
                            let p = PledgeRec {
                                seq, donor: name.clone(), mandate: name.clone(),
                                amount: Decimal::from(a), currency: Currency::USD, date: day(i, d),
                                due: None,
                                opening: o.map(|o| (day(i, d + 5), Decimal::from(o.min(a)))),
                                in_kind: false, reference: None, reversed_by: None, agreement: None,
                                pledged_on: day(i, d), pending: false,
                            };
                            let kept = live.add_pledge(&p, &lookup, &rates);
                            pledges.push(p);
                            kept
                        }
                        Step::Pay(d, a, n) => {
                            let live_pledges: Vec<u64> = pledges.iter().filter(|p| p.reversed_by.is_none()).map(|p| p.seq).collect();
                            let p = PaymentRec {
                                seq, refund: false, donor: name.clone(), mandate: name.clone(),
                                amount: Decimal::from(a), currency: Currency::USD, date: day(i, d),
                                pledge: n.and_then(|n| live_pledges.get(n % live_pledges.len().max(1)).copied()),
                                prior_period: false, reference: None, reversed_by: None,
                            };
                            let kept = live.add_event(Event::Pay(&p), &lookup, &rates);
                            payments.push(p);
                            kept
                        }
                        Step::Take(d, a, n) => {
                            let live_pledges: Vec<&PledgeRec> = pledges.iter().filter(|p| p.reversed_by.is_none()).collect();
                            match live_pledges.get(n % live_pledges.len().max(1)) {
                                Some(p) => {
                                    let w = WriteOffRec {
                                        seq, reduction: false, pledge: p.seq, amount: Decimal::from(a),
                                        currency: Currency::USD, date: day(i, d).max(p.date), reason: None,
                                        reference: None,
                                        reversed_by: None,
                                    };
                                    // Tried in its place first, it must say what a whole
                                    // settlement with and without it says, and leave the
                                    // group as it was.
                                    let mut probe = live.clone();
                                    if let Some(tried) = probe.try_take(&w, &lookup, &rates) {
                                        let mut records = Records {
                                            pledges: pledges.iter().filter(|p| p.reversed_by.is_none()).collect(),
                                            payments: payments.iter().filter(|p| p.reversed_by.is_none()).collect(),
                                            in_kind: Vec::new(),
                                            takes: takes.iter().filter(|w| w.reversed_by.is_none()).collect(),
                                            rates: &rates,
                                        };
                                        let without = settle_records(&records).expect("no rates needed");
                                        records.takes.push(&w);
                                        let with = settle_records(&records).expect("no rates needed");
                                        let taken = |s: &Settlement, by: u64| -> Decimal {
                                            s.allocations.get(&by).map(|a| a.settled.iter().map(|(_, x)| *x).sum()).unwrap_or_default()
                                        };
                                        prop_assert_eq!(tried.applied, taken(&with, w.seq));
                                        let mut squeezed: Vec<_> = records.takes.iter()
                                            .filter(|t| t.seq != w.seq && taken(&with, t.seq) < taken(&without, t.seq))
                                            .map(|t| (t.pledge, t.seq, taken(&without, t.seq), taken(&with, t.seq)))
                                            .collect();
                                        squeezed.sort();
                                        let mut got = tried.squeezed.clone();
                                        got.sort();
                                        prop_assert_eq!(got, squeezed);
                                        prop_assert_eq!(probe.lefts(), live.lefts());
                                    }
                                    let kept = live.add_event(Event::Take(&w), &lookup, &rates);
                                    takes.push(w);
                                    kept
                                }
                                None => true,
                            }
                        }
                        Step::Reverse(back) => {
                            let target = seq.saturating_sub(1 + back as u64);
                            let found = pledges.iter_mut().find(|p| p.seq == target).map(|p| &mut p.reversed_by)
                                .or_else(|| payments.iter_mut().find(|p| p.seq == target).map(|p| &mut p.reversed_by))
                                .or_else(|| takes.iter_mut().find(|w| w.seq == target).map(|w| &mut w.reversed_by));
                            match found {
                                Some(r) if r.is_none() => {
                                    *r = Some(seq);
                                    let lookup = |s: u64| -> Option<Event<'_>> {
                                        payments.iter().find(|p| p.seq == s && p.reversed_by.is_none()).map(Event::Pay)
                                            .or_else(|| takes.iter().find(|w| w.seq == s && w.reversed_by.is_none()).map(Event::Take))
                                    };
                                    live.remove(target, &lookup, &rates)
                                }
                                _ => true,
                            }
                        }
                    }
                };
                let records = Records {
                    pledges: pledges.iter().filter(|p| p.reversed_by.is_none()).collect(),
                    payments: payments.iter().filter(|p| p.reversed_by.is_none()).collect(),
                    in_kind: Vec::new(),
                    takes: takes.iter().filter(|w| w.reversed_by.is_none()).collect(),
                    rates: &rates,
                };
                if !kept {
                    rebuilt += 1;
                    live = LiveGroup::build(&records, Currency::USD);
                }
                let whole = settle_records(&records).expect("no rates needed");
                let want: Vec<(u64, Decimal)> = records
                    .pledges
                    .iter()
                    .map(|p| (p.seq, whole.outstanding(p, day(1000, 0))))
                    .collect();
                prop_assert_eq!(live.lefts(), want, "after entry #{} ({} rebuilds)", seq, rebuilt);
            }
        }
    }
}
