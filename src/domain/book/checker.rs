//! The checker: a book plus the indexes that judging new entries needs. The two
//! modes of reading a journal are two types: a `Book` holds what reports ask
//! (pledges, payments, write-offs, rates, registrations, reversals) and cannot judge
//! an entry; a `Checker` derefs to its `Book` and adds the indexes the rules and
//! `import` ask about (payments by group, pledges by group, takes by pledge,
//! references, source rows), so only a checker can `check`, and a report's book
//! never pays for them. The group and reference indexes are made from the book's
//! records the first time a judgment asks for one, then kept up to date by `apply`:
//! a `record` pays only for what its one entry is judged by. Pure: no I/O.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

use rustc_hash::FxHashMap;

use super::{Book, Name, PaymentRec};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::currency::Currency;
use crate::domain::entry::{Body, Entry, Kind};
use crate::domain::settlement::{Event, LiveGroup};

/// Entry numbers of one (donor, mandate)'s payments, by currency.
pub(super) type ByCurrency = Vec<(Currency, Vec<u64>)>;

/// What an index keeps per (donor, mandate): by donor, then by mandate, so that a
/// lookup borrows the names (a shared name cloned per entry costs an atomic
/// increment, contended while another thread reads names too).
#[derive(Debug, Clone)]
pub(super) struct Groups<T>(pub(super) FxHashMap<Name, FxHashMap<Name, T>>);

impl<T> Default for Groups<T> {
    fn default() -> Self {
        Groups(FxHashMap::default())
    }
}

impl<T: Default> Groups<T> {
    /// The group's value, made empty the first time.
    pub(super) fn at(&mut self, donor: &Name, mandate: &Name) -> &mut T {
        if !self.0.contains_key(&**donor) {
            self.0.insert(donor.clone(), FxHashMap::default());
        }
        let by_mandate = self.0.get_mut(&**donor).expect("just made");
        if !by_mandate.contains_key(&**mandate) {
            by_mandate.insert(mandate.clone(), T::default());
        }
        by_mandate.get_mut(&**mandate).expect("just made")
    }
}

impl<T> Groups<T> {
    pub(super) fn get(&self, donor: &str, mandate: &str) -> Option<&T> {
        self.0.get(donor)?.get(mandate)
    }

    fn get_mut(&mut self, donor: &str, mandate: &str) -> Option<&mut T> {
        self.0.get_mut(donor)?.get_mut(mandate)
    }
}

/// The live groups, behind a lock: judging takes `&self`, and a writer's book is
/// read from two threads while its lines are checked.
#[derive(Debug, Default)]
pub(super) struct Live(pub(super) Mutex<LiveGroups>);

/// The live groups by (donor, mandate), one per currency, and how many there are.
#[derive(Debug, Clone, Default)]
pub(super) struct LiveGroups {
    pub(super) groups: Groups<Vec<LiveGroup>>,
    /// What each (donor, mandate, currency) has been paid net, one per currency.
    pub(super) nets: Groups<Vec<Net>>,
    /// How many groups and nets are kept.
    pub(super) count: usize,
}

/// How many of its latest days with a move a net remembers.
const NET_DAYS: usize = 64;

/// What one donor has paid net for one mandate in one currency (payments less
/// refunds; prior-period refunds left out), by day, as far as the refund rules ask:
/// the net at the end of each of the latest `NET_DAYS` days with a move, and at the
/// end of the day before them with the lowest net at the end of any day up to it. Built
/// the first time a refund or a payment's reversal of the group is judged, kept up
/// to date by `apply`, and dropped (to be built again) when a move lands before
/// the days it remembers. A refund dated within them, or after, and a payment of
/// one of them reversed, are judged by these figures; anything else goes through
/// the whole list of moves, as does every refusal (its message names the refunds).
#[derive(Debug, Clone)]
pub(super) struct Net {
    currency: Currency,
    /// The latest days with a move, in date order, with the net at each one's end.
    days: std::collections::VecDeque<(NaiveDate, Decimal)>,
    /// The last day before those, the net at its end, and the lowest net at the end
    /// of it or any day before it.
    before: Option<(NaiveDate, Decimal, Decimal)>,
}

impl Net {
    /// From one group's moves, (date, amount with refunds negative), any order.
    pub(super) fn build(currency: Currency, mut moves: Vec<(NaiveDate, Decimal)>) -> Net {
        moves.sort_by_key(|(d, _)| *d);
        let mut net = Net {
            currency,
            days: std::collections::VecDeque::new(),
            before: None,
        };
        for (d, a) in moves {
            net.add(d, a);
        }
        net
    }

    pub(super) fn currency(&self) -> Currency {
        self.currency
    }

    /// Does it remember every day from `date` on?
    fn holds(&self, date: NaiveDate) -> bool {
        self.before.is_none_or(|(b, _, _)| date > b)
    }

    /// Takes a move (a reversed one with its amount negated); false for one dated
    /// before the days it remembers.
    fn add(&mut self, date: NaiveDate, amount: Decimal) -> bool {
        if !self.holds(date) {
            return false;
        }
        let i = self.days.partition_point(|(d, _)| *d < date);
        if self.days.get(i).is_none_or(|(d, _)| *d != date) {
            let start = match i {
                0 => self.before.map_or(Decimal::ZERO, |(_, n, _)| n),
                _ => self.days[i - 1].1,
            };
            self.days.insert(i, (date, start));
        }
        for (_, n) in self.days.range_mut(i..) {
            *n += amount;
        }
        if self.days.len() > NET_DAYS
            && let Some((d, n)) = self.days.pop_front()
        {
            let low = self.before.map_or(n, |(_, _, low)| low.min(n));
            self.before = Some((d, n, low));
        }
        true
    }

    /// Whether a refund of `amount` dated `date` fits: the net by its date, and by
    /// every later day, covers it.
    pub(super) fn refund_fits(&self, date: NaiveDate, amount: Decimal) -> Option<bool> {
        if !self.holds(date) {
            return None;
        }
        let i = self.days.partition_point(|(d, _)| *d <= date);
        let by_then = match i {
            0 => self.before.map_or(Decimal::ZERO, |(_, n, _)| n),
            _ => self.days[i - 1].1,
        };
        Some(by_then >= amount && self.days.range(i..).all(|(_, n)| *n >= amount))
    }

    /// Whether reversing a payment of `amount` dated `date` keeps the net at the end
    /// of every day at or above zero.
    pub(super) fn reversal_fits(&self, date: NaiveDate, amount: Decimal) -> Option<bool> {
        if !self.holds(date) {
            return None;
        }
        Some(
            self.before.is_none_or(|(_, _, low)| low >= Decimal::ZERO)
                && self.days.iter().all(|(d, n)| {
                    let n = if *d >= date { *n - amount } else { *n };
                    n >= Decimal::ZERO
                }),
        )
    }
}

impl Clone for Live {
    fn clone(&self) -> Live {
        Live(Mutex::new(
            self.0.lock().expect("a live group panicked").clone(),
        ))
    }
}

/// What an entry applied may change in what the checker keeps: which kind of
/// event it is for settlement, or what it reverses, or a rate's date.
#[derive(Debug, Clone, Copy)]
enum Touch {
    Pledge,
    /// A payment or an in-kind contribution.
    Pay,
    Refund,
    /// A write-off or reduction.
    Take,
    Reversal(u64),
    Rate(Currency, chrono::NaiveDate),
    Condition,
    Nothing,
}

/// Entry `seq` as an event a live group takes again: a live payment or in-kind
/// contribution, or a live write-off or reduction.
pub(super) fn event_of(book: &Book, seq: u64) -> Option<Event<'_>> {
    if let Some(p) = book.payments.get(&seq).or_else(|| book.in_kind.get(&seq)) {
        return (p.reversed_by.is_none() && !p.refund).then_some(Event::Pay(p));
    }
    book.write_offs
        .get(&seq)
        .filter(|w| w.reversed_by.is_none())
        .map(Event::Take)
}

/// Entries by the group they belong to: what the refund, reversal and take checks
/// read instead of walking the whole book.
#[derive(Debug, Clone, Default)]
pub(super) struct GroupIndex {
    /// Payments and refunds by (donor, mandate), then by currency: the refund check
    /// reads one currency's, judging a write-off all of them.
    pub(super) payment_groups: Groups<ByCurrency>,
    /// Pledges by (donor, mandate), and write-offs and reductions by the pledge they
    /// name: what judging one write-off or reduction needs, so that it never walks
    /// the whole book (which made an import of write-offs, and `verify --rules`,
    /// quadratic).
    pub(super) pledge_groups: Groups<Vec<u64>>,
    pub(super) takes: FxHashMap<u64, Vec<u64>>,
    /// In-kind contributions by (donor, mandate).
    pub(super) in_kind_groups: Groups<Vec<u64>>,
}

/// A record the writer's indexes keep, as the book holds it: one place that says
/// which entries they index, for making an index whole and for keeping it.
#[derive(Clone, Copy)]
enum Indexed<'a> {
    Pledge(&'a super::PledgeRec),
    /// A payment or a refund.
    Payment(&'a PaymentRec),
    InKind(&'a PaymentRec),
    /// A write-off or a reduction.
    Take(&'a super::WriteOffRec),
}

impl<'a> Indexed<'a> {
    /// Entry `seq` of `kind`, just applied to `book`, if the indexes keep its kind.
    fn of(book: &'a Book, seq: u64, kind: Kind) -> Option<Indexed<'a>> {
        match kind {
            Kind::Pledge => Some(Indexed::Pledge(&book.pledges[&seq])),
            Kind::Payment | Kind::Refund => Some(Indexed::Payment(&book.payments[&seq])),
            Kind::InKind => Some(Indexed::InKind(&book.in_kind[&seq])),
            Kind::WriteOff | Kind::Reduction => Some(Indexed::Take(&book.write_offs[&seq])),
            Kind::Ledger
            | Kind::Checkpoint
            | Kind::Reversal
            | Kind::Rate
            | Kind::Donor
            | Kind::Mandate
            | Kind::Fund
            | Kind::Agreement
            | Kind::ConditionMet => None,
        }
    }

    /// Every record of `book` the indexes keep, each kind in entry order (what an
    /// index keeps per key is of one kind, so its order is the journal's).
    fn all(book: &'a Book) -> impl Iterator<Item = Indexed<'a>> {
        let pledges = book.pledges.values().map(Indexed::Pledge);
        let payments = book.payments.values().map(Indexed::Payment);
        let in_kind = book.in_kind.values().map(Indexed::InKind);
        let takes = book.write_offs.values().map(Indexed::Take);
        pledges.chain(payments).chain(in_kind).chain(takes)
    }
}

impl GroupIndex {
    /// The index of every record the book holds.
    fn build(book: &Book) -> GroupIndex {
        let mut index = GroupIndex::default();
        Indexed::all(book).for_each(|r| index.add(r));
        index
    }

    /// Adds a record just applied to the book.
    fn add(&mut self, r: Indexed<'_>) {
        match r {
            Indexed::Pledge(p) => self.pledge_groups.at(&p.donor, &p.mandate).push(p.seq),
            Indexed::Payment(p) => {
                let by_currency = self.payment_groups.at(&p.donor, &p.mandate);
                match by_currency.iter_mut().find(|(c, _)| *c == p.currency) {
                    Some((_, seqs)) => seqs.push(p.seq),
                    None => by_currency.push((p.currency, vec![p.seq])),
                }
            }
            Indexed::InKind(p) => self.in_kind_groups.at(&p.donor, &p.mandate).push(p.seq),
            Indexed::Take(w) => self.takes.entry(w.pledge).or_default().push(w.seq),
        }
    }
}

/// Entries by reference: how `import` and `record` know that a document is already
/// recorded, and which pledge a payment's pledge reference names.
#[derive(Debug, Clone, Default)]
struct ReferenceIndex {
    /// The latest pledge recorded with each reference.
    pledges: HashMap<String, u64>,
    /// The first entry (reversed or not) that carries each (kind, donor, reference)
    /// key, and the later ones in order for the few keys carried more than once.
    first: HashMap<String, u64>,
    more: HashMap<String, Vec<u64>>,
}

impl ReferenceIndex {
    /// The index of every record the book holds.
    fn build(book: &Book, coming: usize) -> ReferenceIndex {
        let mut index = ReferenceIndex::default();
        let all = Indexed::all(book);
        index.first.reserve(all.size_hint().0 + coming);
        all.for_each(|r| index.add(book, r));
        index
    }

    /// Adds a record just applied to `book`. A write-off's or reduction's key
    /// carries its pledge's donor.
    fn add(&mut self, book: &Book, r: Indexed<'_>) {
        match r {
            Indexed::Pledge(p) => {
                if let Some(reference) = &p.reference {
                    self.pledges.insert(reference.clone(), p.seq);
                }
                self.add_key(Kind::Pledge, &p.donor, p.reference.as_deref(), p.seq);
            }
            Indexed::Payment(p) => {
                let kind = if p.refund {
                    Kind::Refund
                } else {
                    Kind::Payment
                };
                self.add_key(kind, &p.donor, p.reference.as_deref(), p.seq);
            }
            Indexed::InKind(p) => {
                self.add_key(Kind::InKind, &p.donor, p.reference.as_deref(), p.seq);
            }
            Indexed::Take(w) => {
                if let Some(p) = book.pledges.get(&w.pledge) {
                    self.add_key(w.kind(), &p.donor, w.reference.as_deref(), w.seq);
                }
            }
        }
    }

    fn add_key(&mut self, kind: Kind, donor: &str, reference: Option<&str>, seq: u64) {
        let Some(reference) = reference else {
            return;
        };
        let key = Checker::reference_key(kind, donor, reference);
        match self.first.entry(key) {
            std::collections::hash_map::Entry::Occupied(first) => {
                let key = first.key().clone();
                self.more.entry(key).or_default().push(seq);
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(seq);
            }
        }
    }
}

/// A book that can judge new entries: see the module doc.
#[derive(Debug, Clone, Default)]
pub struct Checker {
    book: Book,
    /// Made the first time a judgment asks (`groups`), then kept by `apply`.
    group_index: OnceLock<GroupIndex>,
    /// Made the first time a reference is asked about (`references`), then kept by
    /// `apply`.
    reference_index: OnceLock<ReferenceIndex>,
    /// Pledge groups kept settled for judging write-offs and reductions, by (donor,
    /// mandate), one per currency: each built the first time a write-off or
    /// reduction of the group is judged, kept up to date by `apply`, and dropped
    /// when an entry would land before what it holds (a back-dated one, a reversal,
    /// a rate it converted at), to be built again when next asked. Without them,
    /// judging every write-off of a ledger (`verify --rules`, an import of many)
    /// would settle a whole group for each.
    pub(super) live: Live,
    /// Source file digest -> rows recorded from it: how `import` knows a row
    /// without a reference is already recorded. None in a checker that was not
    /// given entries' sources (`without_sources`).
    source_rows: Option<HashMap<String, HashSet<u64>>>,
    /// How many more records the caller means to apply (an import's rows): the
    /// reference index is made with room for them, so that staging them does not
    /// rehash it (at a million keys, a twentieth of an import's time).
    coming: usize,
}

impl std::ops::Deref for Checker {
    type Target = Book;

    fn deref(&self) -> &Book {
        &self.book
    }
}

impl Checker {
    pub fn new() -> Checker {
        Checker {
            source_rows: Some(HashMap::new()),
            ..Checker::default()
        }
    }

    /// An import's empty checker (`new`) in the room this one's records took
    /// (`Book::emptied`); its indexes are dropped.
    pub fn emptied(self) -> Checker {
        Checker {
            book: self.book.emptied(),
            ..Checker::new()
        }
    }

    /// Says that about `n` more records are to come (see `coming`).
    pub fn expect(&mut self, n: usize) {
        self.coming = n;
    }

    /// Room for this many more records of each kind, made at once (see
    /// `Book::reserve`).
    pub fn reserve(&mut self, records: [usize; 4]) {
        self.book.reserve(records);
    }

    /// A checker for a reader that leaves entries' sources out (`record`'s): it
    /// keeps no source rows, and `has_source` must not be asked.
    pub fn without_sources() -> Checker {
        Checker::default()
    }

    /// The book without the checker's indexes.
    pub fn book(&self) -> &Book {
        &self.book
    }

    /// Sets the time of the last entry (a journal's header counts too).
    pub fn set_last_recorded_at(&mut self, at: Option<chrono::DateTime<chrono::Utc>>) {
        self.book.last_recorded_at = at;
    }

    /// Sets the number of entries in the journal read (a book that left some out
    /// has not applied the last ones).
    pub fn set_entries(&mut self, entries: u64) {
        self.book.entries = self.book.entries.max(entries);
    }

    /// Applies a committed entry to the book and to the indexes. The indexes take
    /// the donor and mandate from the record the book made, already shared.
    pub fn apply(&mut self, entry: Entry) {
        let seq = entry.seq;
        if let Body::Ledger(_) = entry.body {
            return;
        }
        self.note_source(&entry.body);
        let kind = entry.body.kind();
        let touches = match &entry.body {
            Body::Reversal(r) => Touch::Reversal(r.entry),
            Body::Rate(r) => Touch::Rate(r.currency, r.date),
            Body::ConditionMet(_) => Touch::Condition,
            Body::Pledge(_) => Touch::Pledge,
            Body::Payment(_) | Body::InKind(_) => Touch::Pay,
            Body::Refund(_) => Touch::Refund,
            Body::WriteOff(_) | Body::Reduction(_) => Touch::Take,
            Body::Ledger(_)
            | Body::Checkpoint(_)
            | Body::Donor(_)
            | Body::Mandate(_)
            | Body::Fund(_)
            | Body::Agreement(_) => Touch::Nothing,
        };
        self.book.apply(entry);
        if self.live.0.get_mut().expect("a live group panicked").count > 0 {
            self.keep_nets(seq, touches);
            self.keep_live(seq, touches);
        }
        if let Some(r) = Indexed::of(&self.book, seq, kind) {
            if let Some(index) = self.group_index.get_mut() {
                index.add(r);
            }
            if let Some(index) = self.reference_index.get_mut() {
                index.add(&self.book, r);
            }
        }
    }

    /// The group index, made from the book the first time it is asked for.
    pub(super) fn groups(&self) -> &GroupIndex {
        self.group_index
            .get_or_init(|| GroupIndex::build(&self.book))
    }

    /// The reference index, made from the book the first time it is asked for.
    fn references(&self) -> &ReferenceIndex {
        self.reference_index
            .get_or_init(|| ReferenceIndex::build(&self.book, self.coming))
    }

    /// The (donor, mandate, currency) of the pledge group entry `seq` settles in, if
    /// it is a pledge or names one, or is a payment naming none (an in-kind
    /// contribution naming none settles nothing).
    fn group_of(&self, seq: u64) -> Option<(Name, Name, Currency)> {
        let of = |p: &super::PledgeRec| (p.donor.clone(), p.mandate.clone(), p.currency);
        if let Some(p) = self.book.pledges.get(&seq) {
            return Some(of(p));
        }
        if let Some(p) = self.book.payments.get(&seq) {
            return match p.pledge {
                Some(named) => self.book.pledges.get(&named).map(of),
                None => Some((p.donor.clone(), p.mandate.clone(), p.currency)),
            };
        }
        // An in-kind contribution settles only the pledge it names.
        if let Some(p) = self.book.in_kind.get(&seq) {
            return self.book.pledges.get(&p.pledge?).map(of);
        }
        let w = self.book.write_offs.get(&seq)?;
        self.book.pledges.get(&w.pledge).map(of)
    }

    /// Keeps the nets up to date with entry `seq`, just applied: a payment or
    /// refund, or the reversal of one.
    fn keep_nets(&mut self, seq: u64, touches: Touch) {
        let (target, reversal) = match touches {
            Touch::Reversal(target) => (target, true),
            Touch::Pay | Touch::Refund => (seq, false),
            Touch::Pledge | Touch::Take | Touch::Rate(..) | Touch::Condition | Touch::Nothing => {
                return;
            }
        };
        let Some(p) = self.book.payments.get(&target) else {
            return;
        };
        if p.prior_period {
            return;
        }
        let kept = self.live.0.get_mut().expect("a live group panicked");
        let Some(nets) = kept.nets.get_mut(&p.donor, &p.mandate) else {
            return;
        };
        let Some(i) = nets.iter().position(|n| n.currency() == p.currency) else {
            return;
        };
        let amount = if p.refund { -p.amount } else { p.amount };
        let fits = nets[i].add(p.date, if reversal { -amount } else { amount });
        if !fits {
            nets.swap_remove(i);
            kept.count -= 1;
        }
    }

    /// Keeps the live groups up to date with entry `seq`, just applied.
    fn keep_live(&mut self, seq: u64, touches: Touch) {
        let mut dropped = 0;
        let group = match touches {
            Touch::Reversal(target) if !self.book.rate_entries.contains_key(&target) => {
                self.group_of(target)
            }
            Touch::Pledge | Touch::Pay | Touch::Take => self.group_of(seq),
            Touch::Reversal(_)
            | Touch::Refund
            | Touch::Rate(..)
            | Touch::Condition
            | Touch::Nothing => None,
        };
        let kept = self.live.0.get_mut().expect("a live group panicked");
        let live = &mut kept.groups;
        let book = &self.book;
        let lookup = |seq: u64| event_of(book, seq);
        // A rate recorded or reversed: every group that converted at it is taken
        // again from its date, or dropped.
        let rerate = |live: &mut Groups<Vec<LiveGroup>>,
                      dropped: &mut usize,
                      currency: Currency,
                      date: chrono::NaiveDate| {
            for by_mandate in live.0.values_mut() {
                for groups in by_mandate.values_mut() {
                    let before = groups.len();
                    groups.retain_mut(|g| g.rerate(currency, date, &lookup, &book.rates));
                    *dropped += before - groups.len();
                }
            }
        };
        match touches {
            Touch::Rate(currency, date) => {
                rerate(live, &mut dropped, currency, date);
            }
            Touch::Reversal(target) => {
                if let Some(&(currency, date)) = book.rate_entries.get(&target) {
                    rerate(live, &mut dropped, currency, date);
                } else if book.payments.get(&target).is_some_and(|p| p.refund) {
                    // A refund settles nothing.
                } else if let Some((donor, mandate, currency)) = group
                    && let Some(groups) = live.get_mut(&donor, &mandate)
                    && let Some(i) = groups.iter().position(|g| g.currency() == currency)
                    && !groups[i].remove(target, &lookup, &book.rates)
                {
                    groups.swap_remove(i);
                    dropped += 1;
                }
            }
            // A condition met changes which pledges count, and from when.
            Touch::Condition => {
                dropped += live
                    .0
                    .values()
                    .flat_map(|m| m.values())
                    .map(Vec::len)
                    .sum::<usize>();
                live.0.clear();
            }
            Touch::Pledge | Touch::Pay | Touch::Take => {
                let Some((donor, mandate, currency)) = group else {
                    return;
                };
                let Some(groups) = live.get_mut(&donor, &mandate) else {
                    return;
                };
                let Some(i) = groups.iter().position(|g| g.currency() == currency) else {
                    return;
                };
                let g = &mut groups[i];
                let rates = &book.rates;
                let kept = match touches {
                    Touch::Pledge => {
                        let p = &book.pledges[&seq];
                        p.pending || g.add_pledge(p, &lookup, rates)
                    }
                    Touch::Take => g.add_event(Event::Take(&book.write_offs[&seq]), &lookup, rates),
                    Touch::Pay => match event_of(book, seq) {
                        Some(e) => g.add_event(e, &lookup, rates),
                        None => true,
                    },
                    Touch::Refund
                    | Touch::Reversal(_)
                    | Touch::Rate(..)
                    | Touch::Condition
                    | Touch::Nothing => true,
                };
                if !kept {
                    groups.swap_remove(i);
                    dropped += 1;
                }
            }
            Touch::Refund | Touch::Nothing => {}
        }
        kept.count -= dropped;
    }

    /// Asks the net of one donor, mandate and currency (built now when none is
    /// kept).
    pub(super) fn with_net<T>(
        &self,
        donor: &str,
        mandate: &str,
        currency: Currency,
        ask: impl FnOnce(&Net) -> Option<T>,
    ) -> Option<T> {
        let mut kept = self.live.0.lock().expect("a live group panicked");
        let kept = &mut *kept;
        if kept.nets.get(donor, mandate).is_none() {
            kept.nets.at(&donor.into(), &mandate.into());
        }
        let nets = kept.nets.get_mut(donor, mandate).expect("just made");
        let i = match nets.iter().position(|n| n.currency() == currency) {
            Some(i) => i,
            None => {
                let moves = self
                    .payments_of(donor, mandate, currency)
                    .filter(|p| !p.prior_period)
                    .map(|p| (p.date, if p.refund { -p.amount } else { p.amount }))
                    .collect();
                nets.push(Net::build(currency, moves));
                kept.count += 1;
                nets.len() - 1
            }
        };
        ask(&nets[i])
    }

    /// The live payments and refunds of one donor, mandate and currency.
    pub fn payments_of(
        &self,
        donor: &str,
        mandate: &str,
        currency: Currency,
    ) -> impl Iterator<Item = &PaymentRec> {
        self.groups()
            .payment_groups
            .get(donor, mandate)
            .into_iter()
            .flatten()
            .filter(move |(c, _)| *c == currency)
            .flat_map(|(_, seqs)| seqs)
            .filter_map(|seq| self.book.payments.get(seq))
            .filter(|p| p.reversed_by.is_none())
    }

    /// The live pledge recorded with this reference, if any.
    pub fn pledge_by_reference(&self, reference: &str) -> Option<&super::PledgeRec> {
        self.references()
            .pledges
            .get(reference)
            .and_then(|s| self.book.pledges.get(s))
            .filter(|p| p.reversed_by.is_none())
    }

    /// The key under which an entry with a reference is known to `import`: its kind,
    /// its donor (a write-off's is its pledge's) and its reference.
    pub fn reference_key(kind: Kind, donor: &str, reference: &str) -> String {
        let kind = kind.as_str();
        let mut key = String::with_capacity(kind.len() + donor.len() + reference.len() + 2);
        for part in [kind, "\u{1f}", donor, "\u{1f}", reference] {
            key.push_str(part);
        }
        key
    }

    /// Every entry (reversed or not) of this kind and donor recorded with this
    /// reference, in entry order, by a walk over the book's records of that kind:
    /// for one question (`record`'s) far cheaper than making the reference index,
    /// which `import` asks many.
    pub fn recorded_with(&self, kind: Kind, donor: &str, reference: &str) -> Vec<u64> {
        let carries = |r: &Option<String>| r.as_deref() == Some(reference);
        let book = &self.book;
        let payments = |refund: bool| {
            book.payments
                .values()
                .filter(move |p| p.refund == refund && &*p.donor == donor && carries(&p.reference))
                .map(|p| p.seq)
        };
        let takes = |reduction: bool| {
            book.write_offs
                .values()
                .filter(move |w| w.reduction == reduction && carries(&w.reference))
                .filter(|w| {
                    book.pledges
                        .get(&w.pledge)
                        .is_some_and(|p| &*p.donor == donor)
                })
                .map(|w| w.seq)
        };
        match kind {
            Kind::Pledge => book
                .pledges
                .values()
                .filter(|p| &*p.donor == donor && carries(&p.reference))
                .map(|p| p.seq)
                .collect(),
            Kind::Payment => payments(false).collect(),
            Kind::Refund => payments(true).collect(),
            Kind::InKind => book
                .in_kind
                .values()
                .filter(|p| &*p.donor == donor && carries(&p.reference))
                .map(|p| p.seq)
                .collect(),
            Kind::WriteOff => takes(false).collect(),
            Kind::Reduction => takes(true).collect(),
            Kind::Ledger
            | Kind::Checkpoint
            | Kind::Reversal
            | Kind::Rate
            | Kind::Donor
            | Kind::Mandate
            | Kind::Fund
            | Kind::Agreement
            | Kind::ConditionMet => Vec::new(),
        }
    }

    /// How many recorded entries (reversed ones included) carry this reference key.
    pub fn recorded_with_reference(&self, key: &str) -> u32 {
        let index = self.references();
        if !index.first.contains_key(key) {
            return 0;
        }
        1 + index.more.get(key).map_or(0, |v| v.len() as u32)
    }

    /// The `n`-th entry (from 1) recorded with this reference key.
    pub fn recorded_with_reference_nth(&self, key: &str, n: u32) -> Option<u64> {
        match n {
            0 => None,
            1 => self.references().first.get(key).copied(),
            _ => self
                .references()
                .more
                .get(key)?
                .get(n as usize - 2)
                .copied(),
        }
    }

    /// Was an entry recorded from this row of the file with this SHA-256?
    pub fn has_source(&self, sha256: &str, row: u64) -> bool {
        self.source_rows
            .as_ref()
            .expect("a checker given entries' sources (import's)")
            .get(sha256)
            .is_some_and(|rows| rows.contains(&row))
    }

    /// Keeps the file and row an entry was imported from (what `has_source`
    /// answers), for an entry the book does not otherwise keep: a book of part of
    /// the ledger must still know every row of the file being imported.
    pub fn note_source(&mut self, body: &Body) {
        if let Some(s) = body.source()
            && let Some(source_rows) = &mut self.source_rows
        {
            // Looked up before inserting: one allocation per file, not per entry.
            if let Some(rows) = source_rows.get_mut(&s.sha256) {
                rows.insert(s.row);
            } else {
                source_rows.insert(s.sha256.clone(), HashSet::from([s.row]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::{Currency, Net};

    /// The refund rule over the whole list of moves: the net by its date, and by
    /// every later day with a move, covers it.
    fn refund_fits(moves: &[(NaiveDate, Decimal)], date: NaiveDate, amount: Decimal) -> bool {
        let mut days: Vec<NaiveDate> = moves.iter().map(|m| m.0).filter(|d| *d >= date).collect();
        days.push(date);
        days.iter().all(|day| {
            moves
                .iter()
                .filter(|m| m.0 <= *day)
                .map(|m| m.1)
                .sum::<Decimal>()
                >= amount
        })
    }

    /// The reversal rule over the whole list: without the move, the net at the end
    /// of every day with a move stays at or above zero.
    fn reversal_fits(moves: &[(NaiveDate, Decimal)], without: usize) -> bool {
        let rest: Vec<_> = moves
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != without)
            .map(|(_, m)| *m)
            .collect();
        rest.iter().all(|(day, _)| {
            rest.iter()
                .filter(|m| m.0 <= *day)
                .map(|m| m.1)
                .sum::<Decimal>()
                >= Decimal::ZERO
        })
    }

    proptest! {
        /// Moves added and reversed in any order, the net kept (built again whenever
        /// it refuses one): whenever it answers, it answers as the whole list does.
        #[test]
        fn a_kept_net_answers_as_the_whole_list_does(
            steps in prop::collection::vec(
                (prop_oneof![9 => 0u32..12, 1 => 0u32..200], -6i64..7, prop::bool::weighted(0.2), 0usize..50),
                1..300,
            ),
        ) {
            let day = |i: usize, d: u32| NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new((i / 2 + d as usize) as u64);
            let mut moves: Vec<(NaiveDate, Decimal)> = Vec::new();
            let mut net = Net::build(Currency::USD, Vec::new());
            for (i, &(d, a, reverse, which)) in steps.iter().enumerate() {
                let date = day(i, d);
                // Ask first (on this date and on an earlier move's), then change.
                let asked = moves.get(which % moves.len().max(1)).map(|m| m.0);
                for on in [Some(date), asked].into_iter().flatten() {
                    for amount in 1..=6 {
                        let amount = Decimal::from(amount);
                        if let Some(fits) = net.refund_fits(on, amount) {
                            prop_assert_eq!(fits, refund_fits(&moves, on, amount), "refund of {} on {}", amount, on);
                        }
                    }
                }
                let amount = Decimal::from(a);
                if reverse && !moves.is_empty() {
                    let k = which % moves.len();
                    let (md, ma) = moves[k];
                    if ma > Decimal::ZERO && let Some(fits) = net.reversal_fits(md, ma) {
                        prop_assert_eq!(fits, reversal_fits(&moves, k));
                    }
                    moves.remove(k);
                    if !net.add(md, -ma) {
                        net = Net::build(Currency::USD, moves.clone());
                    }
                } else {
                    moves.push((date, amount));
                    if !net.add(date, amount) {
                        net = Net::build(Currency::USD, moves.clone());
                    }
                }
            }
        }
    }
}
