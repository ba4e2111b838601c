//! The book: what a prefix of the journal says, folded into memory, and the checks a
//! new entry must pass against it.
//!
//! Owns: applying entries in journal order (registrations, rates, reversals) and
//! every rule `record` and `import` enforce (DESIGN.md section 2 and issue rules).
//! Pure: no I/O. Both writers (to check) and reports (to compute) use it.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::currency::{Currency, max_amount};
use super::entry::{Body, Entry, Kind};
use super::problem::Problem;
use super::rates::Rates;
use super::register::{Register, Unknown};
use super::settlement;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PledgeRec {
    pub seq: u64,
    pub donor: String,
    pub mandate: String,
    pub amount: Decimal,
    pub currency: Currency,
    pub date: NaiveDate,
    pub due: Option<NaiveDate>,
    pub reference: Option<String>,
    pub reversed_by: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct PaymentRec {
    pub seq: u64,
    pub refund: bool,
    pub donor: String,
    pub mandate: String,
    pub amount: Decimal,
    pub currency: Currency,
    pub date: NaiveDate,
    pub pledge: Option<u64>,
    pub reference: Option<String>,
    pub reversed_by: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct WriteOffRec {
    pub seq: u64,
    pub pledge: u64,
    pub amount: Decimal,
    pub currency: Currency,
    pub date: NaiveDate,
    pub reversed_by: Option<u64>,
}

#[derive(Debug, Clone, Default)]
pub struct Book {
    pub register: Register,
    pub rates: Rates,
    /// Number of entries applied (the header is not an entry).
    pub entries: u64,
    pub last_recorded_at: Option<DateTime<Utc>>,
    kinds: Vec<Kind>,
    reversed: HashMap<u64, u64>,
    pledges: BTreeMap<u64, PledgeRec>,
    payments: BTreeMap<u64, PaymentRec>,
    write_offs: BTreeMap<u64, WriteOffRec>,
    rate_entries: HashMap<u64, (Currency, NaiveDate)>,
    /// Live payments and write-offs that name each pledge.
    named_by: HashMap<u64, u32>,
    pledge_refs: HashMap<String, u64>,
    /// Donor and mandate registrations, in order (kept for snapshots).
    registrations: Vec<Body>,
    /// True when built from a snapshot: payments and write-offs are not loaded, so
    /// only checks that do not need them may run (see `needs_full`).
    partial: bool,
    /// True for a book made only to be read (reports): the indexes that only
    /// `import` needs (references, source rows) are not kept.
    reading: bool,
    /// How many entries (reversed or not) carry each (kind, donor, reference) key:
    /// how `import` knows a row with a reference is already recorded.
    reference_keys: HashMap<String, u32>,
    /// Source file digest -> rows recorded from it: how `import` knows a row
    /// without a reference is already recorded.
    source_rows: HashMap<String, HashSet<u64>>,
}

/// What a `Book` must remember to take new pledges, payments, refunds, rates and
/// registrations without rereading the journal: everything but payments and
/// write-offs. Derived data: the journal stays the only source of truth.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Snapshot {
    pub entries: u64,
    pub last_recorded_at: Option<DateTime<Utc>>,
    /// One letter per entry, in order: see `kind_letter`.
    pub kinds: String,
    pub reversed: Vec<(u64, u64)>,
    pub named_by: Vec<(u64, u32)>,
    pub registrations: Vec<Body>,
    pub rates: Vec<(u64, Currency, NaiveDate, Decimal)>,
    /// Donor codes and mandate slugs the pledges below point into.
    pub names: Vec<String>,
    /// Per pledge: (seq, donor name index, mandate name index, currency). Amounts
    /// and dates are not kept: no check a partial book runs needs them.
    pub pledges: Vec<(u64, u32, u32, Currency)>,
}

const KIND_LETTERS: [(Kind, char); 9] = [
    (Kind::Ledger, 'L'),
    (Kind::Pledge, 'P'),
    (Kind::Payment, 'Y'),
    (Kind::Refund, 'F'),
    (Kind::WriteOff, 'W'),
    (Kind::Reversal, 'R'),
    (Kind::Rate, 'X'),
    (Kind::Donor, 'D'),
    (Kind::Mandate, 'M'),
];

impl Book {
    pub fn new() -> Book {
        Book::default()
    }

    /// A book for reports: the same figures as `new`, without the per-entry indexes
    /// that only `import` asks about (`pledge_by_reference`, `recorded_with_reference`,
    /// `has_source`), so its memory grows with pledges and payments only.
    pub fn for_reading() -> Book {
        Book {
            reading: true,
            ..Book::default()
        }
    }

    /// A snapshot of what new pledges, payments, refunds, rates and registrations
    /// are checked against.
    pub fn snapshot(&self) -> Snapshot {
        let letter = |k: &Kind| {
            KIND_LETTERS
                .iter()
                .find(|(x, _)| x == k)
                .map_or('?', |(_, c)| *c)
        };
        let mut reversed: Vec<_> = self.reversed.iter().map(|(a, b)| (*a, *b)).collect();
        reversed.sort_unstable();
        let mut named_by: Vec<_> = self
            .named_by
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(a, b)| (*a, *b))
            .collect();
        named_by.sort_unstable();
        let mut names: Vec<String> = Vec::new();
        let mut lookup: HashMap<&str, u32> = HashMap::new();
        let mut pledges = Vec::with_capacity(self.pledges.len());
        for p in self.pledges.values() {
            let mut ids = [0u32; 2];
            for (slot, text) in ids.iter_mut().zip([p.donor.as_str(), p.mandate.as_str()]) {
                *slot = *lookup.entry(text).or_insert_with(|| {
                    names.push(text.to_string());
                    names.len() as u32 - 1
                });
            }
            pledges.push((p.seq, ids[0], ids[1], p.currency));
        }
        Snapshot {
            entries: self.entries,
            last_recorded_at: self.last_recorded_at,
            kinds: self.kinds.iter().map(letter).collect(),
            reversed,
            named_by,
            registrations: self.registrations.clone(),
            rates: self.rates.entries(),
            names,
            pledges,
        }
    }

    /// A partial book from a snapshot (payments and write-offs not loaded).
    pub fn from_snapshot(s: Snapshot) -> Option<Book> {
        let mut book = Book {
            partial: true,
            ..Book::default()
        };
        for c in s.kinds.chars() {
            book.kinds
                .push(KIND_LETTERS.iter().find(|(_, l)| *l == c)?.0);
        }
        book.entries = s.entries;
        book.last_recorded_at = s.last_recorded_at;
        book.reversed = s.reversed.into_iter().collect();
        book.named_by = s.named_by.into_iter().collect();
        for r in &s.registrations {
            match r {
                Body::Donor(d) => book.register.add_donor(d.clone()),
                Body::Mandate(m) => book.register.add_mandate(m.clone()),
                _ => return None,
            }
        }
        book.registrations = s.registrations;
        for (seq, c, d, r) in s.rates {
            book.rates.insert(c, d, seq, r);
            book.rate_entries.insert(seq, (c, d));
        }
        for (seq, d, m, currency) in s.pledges {
            let rec = PledgeRec {
                seq,
                donor: s.names.get(d as usize)?.clone(),
                mandate: s.names.get(m as usize)?.clone(),
                amount: Decimal::ZERO,
                currency,
                date: NaiveDate::MIN,
                due: None,
                reference: None,
                reversed_by: book.reversed.get(&seq).copied(),
            };
            book.pledges.insert(seq, rec);
        }
        (book.kinds.len() as u64 == book.entries).then_some(book)
    }

    /// True when this book lacks what checking `draft` needs (a partial book
    /// cannot settle a write-off nor reverse a payment or write-off).
    pub fn needs_full(&self, draft: &Body) -> bool {
        self.partial && matches!(draft, Body::WriteOff(_) | Body::Reversal(_))
    }

    pub fn is_partial(&self) -> bool {
        self.partial
    }

    pub fn kind_of(&self, seq: u64) -> Option<Kind> {
        seq.checked_sub(1)
            .and_then(|i| self.kinds.get(i as usize))
            .copied()
    }

    pub fn reversed_by(&self, seq: u64) -> Option<u64> {
        self.reversed.get(&seq).copied()
    }

    pub fn pledge(&self, seq: u64) -> Option<&PledgeRec> {
        self.pledges.get(&seq)
    }

    pub fn pledges(&self) -> impl Iterator<Item = &PledgeRec> {
        self.pledges.values()
    }

    pub fn payments(&self) -> impl Iterator<Item = &PaymentRec> {
        self.payments.values()
    }

    pub fn write_offs(&self) -> impl Iterator<Item = &WriteOffRec> {
        self.write_offs.values()
    }

    pub fn live_pledges(&self) -> impl Iterator<Item = &PledgeRec> {
        self.pledges.values().filter(|p| p.reversed_by.is_none())
    }

    pub fn live_payments(&self) -> impl Iterator<Item = &PaymentRec> {
        self.payments.values().filter(|p| p.reversed_by.is_none())
    }

    pub fn live_write_offs(&self) -> impl Iterator<Item = &WriteOffRec> {
        self.write_offs.values().filter(|w| w.reversed_by.is_none())
    }

    /// The live pledge recorded with this reference, if any.
    pub fn pledge_by_reference(&self, reference: &str) -> Option<&PledgeRec> {
        assert!(!self.reading, "a book for reading keeps no references");
        self.pledge_refs
            .get(reference)
            .and_then(|s| self.pledges.get(s))
            .filter(|p| p.reversed_by.is_none())
    }

    /// The key under which an entry with a reference is known to `import`: its kind,
    /// its donor (a write-off's is its pledge's) and its reference.
    pub fn reference_key(kind: Kind, donor: &str, reference: &str) -> String {
        format!("{}\u{1f}{donor}\u{1f}{reference}", kind.as_str())
    }

    /// How many recorded entries (reversed ones included) carry this reference key.
    pub fn recorded_with_reference(&self, key: &str) -> u32 {
        // A partial book holds no provenance: answering from it would re-import rows.
        assert!(
            !self.partial && !self.reading,
            "duplicate detection needs a book read from the whole journal"
        );
        self.reference_keys.get(key).copied().unwrap_or(0)
    }

    /// Was an entry recorded from this row of the file with this SHA-256?
    pub fn has_source(&self, sha256: &str, row: u64) -> bool {
        assert!(
            !self.partial && !self.reading,
            "duplicate detection needs a book read from the whole journal"
        );
        self.source_rows
            .get(sha256)
            .is_some_and(|rows| rows.contains(&row))
    }

    fn note_provenance(&mut self, body: &Body) {
        if let Some(s) = body.source() {
            if let Some(rows) = self.source_rows.get_mut(&s.sha256) {
                rows.insert(s.row);
            } else {
                self.source_rows
                    .insert(s.sha256.clone(), HashSet::from([s.row]));
            }
        }
        let Some(reference) = body.reference() else {
            return;
        };
        let donor = match body {
            Body::Pledge(p) => Some(p.donor.as_str()),
            Body::Payment(p) | Body::Refund(p) => Some(p.donor.as_str()),
            Body::WriteOff(w) => self.pledges.get(&w.pledge).map(|p| p.donor.as_str()),
            _ => None,
        };
        if let Some(donor) = donor {
            let key = Self::reference_key(body.kind(), donor, reference);
            *self.reference_keys.entry(key).or_default() += 1;
        }
    }

    /// Applies a committed entry. Entries come from a verified journal, so this
    /// trusts them; `check` is where new entries are judged.
    pub fn apply(&mut self, entry: &Entry) {
        let seq = entry.seq;
        if let Body::Ledger(_) = entry.body {
            return;
        }
        if !self.reading {
            self.note_provenance(&entry.body);
        }
        self.entries = self.entries.max(seq);
        self.kinds.push(entry.body.kind());
        self.last_recorded_at = Some(entry.recorded_at);
        match &entry.body {
            Body::Ledger(_) => {}
            Body::Pledge(p) => {
                if let Some(r) = &p.reference
                    && !self.reading
                {
                    self.pledge_refs.insert(r.clone(), seq);
                }
                self.pledges.insert(
                    seq,
                    PledgeRec {
                        seq,
                        donor: p.donor.clone(),
                        mandate: p.mandate.clone(),
                        amount: p.amount,
                        currency: p.currency,
                        date: p.date,
                        due: p.due,
                        reference: p.reference.clone(),
                        reversed_by: None,
                    },
                );
            }
            Body::Payment(p) | Body::Refund(p) => {
                if let Some(n) = p.pledge {
                    *self.named_by.entry(n).or_default() += 1;
                }
                self.payments.insert(
                    seq,
                    PaymentRec {
                        seq,
                        refund: matches!(entry.body, Body::Refund(_)),
                        donor: p.donor.clone(),
                        mandate: p.mandate.clone(),
                        amount: p.amount,
                        currency: p.currency,
                        date: p.date,
                        pledge: p.pledge,
                        reference: p.reference.clone(),
                        reversed_by: None,
                    },
                );
            }
            Body::WriteOff(w) => {
                *self.named_by.entry(w.pledge).or_default() += 1;
                self.write_offs.insert(
                    seq,
                    WriteOffRec {
                        seq,
                        pledge: w.pledge,
                        amount: w.amount,
                        currency: w.currency,
                        date: w.date,
                        reversed_by: None,
                    },
                );
            }
            Body::Rate(r) => {
                self.rates.insert(r.currency, r.date, seq, r.per_usd);
                self.rate_entries.insert(seq, (r.currency, r.date));
            }
            Body::Donor(d) => {
                self.register.add_donor(d.clone());
                self.registrations.push(entry.body.clone());
            }
            Body::Mandate(m) => {
                self.register.add_mandate(m.clone());
                self.registrations.push(entry.body.clone());
            }
            Body::Reversal(r) => self.reverse(r.entry, seq),
        }
    }

    fn reverse(&mut self, target: u64, by: u64) {
        self.reversed.insert(target, by);
        if let Some(p) = self.pledges.get_mut(&target) {
            p.reversed_by = Some(by);
        }
        if let Some(p) = self.payments.get_mut(&target) {
            p.reversed_by = Some(by);
            if let Some(n) = p.pledge {
                self.named_by
                    .entry(n)
                    .and_modify(|c| *c = c.saturating_sub(1));
            }
        }
        if let Some(w) = self.write_offs.get_mut(&target) {
            w.reversed_by = Some(by);
            self.named_by
                .entry(w.pledge)
                .and_modify(|c| *c = c.saturating_sub(1));
        }
        if let Some((c, d)) = self.rate_entries.get(&target) {
            self.rates.remove(*c, *d, target);
        }
    }

    /// Judges a new entry against the book and returns it in canonical form (donor
    /// and mandate codes resolved, amounts scaled to the currency's decimals).
    pub fn check(&self, body: Body) -> Result<Body, Problem> {
        match body {
            Body::Ledger(_) => Err(Problem::new(
                "bad-entry",
                "a ledger header cannot be recorded",
            )),
            Body::Pledge(mut p) => {
                p.donor = self.resolve_donor(&p.donor)?;
                p.mandate = self.resolve_mandate(&p.mandate)?;
                p.amount = check_amount(p.amount, p.currency, "amount")?;
                check_date(p.date, "date")?;
                if let Some(due) = p.due {
                    check_date(due, "due")?;
                    if due < p.date {
                        return Err(Problem::field(
                            "due-before-date",
                            "due",
                            format!("the due date {due} is before the pledge date {}", p.date),
                        ));
                    }
                }
                Ok(Body::Pledge(p))
            }
            Body::Payment(p) => Ok(Body::Payment(self.check_payment(p)?)),
            Body::Refund(p) => Ok(Body::Refund(self.check_payment(p)?)),
            Body::WriteOff(mut w) => {
                let pledge = self.live_pledge_named(w.pledge, "pledge")?;
                if w.currency != pledge.currency {
                    return Err(Problem::field(
                        "currency-mismatch",
                        "currency",
                        format!(
                            "pledge #{} is in {}; a write-off is in the pledge's currency",
                            pledge.seq, pledge.currency
                        ),
                    ));
                }
                w.amount = check_amount(w.amount, pledge.currency, "amount")?;
                check_date(w.date, "date")?;
                if w.date < pledge.date {
                    return Err(Problem::field(
                        "date-before-pledge",
                        "date",
                        format!(
                            "the write-off date {} is before the pledge date {}",
                            w.date, pledge.date
                        ),
                    ));
                }
                self.check_write_off_fits(pledge, &w)?;
                Ok(Body::WriteOff(w))
            }
            Body::Reversal(r) => {
                let target = r.entry;
                let Some(kind) = self.kind_of(target) else {
                    return Err(Problem::field(
                        "no-such-entry",
                        "entry",
                        format!(
                            "there is no entry #{target} (the ledger has {} entries)",
                            self.entries
                        ),
                    ));
                };
                if r.reason.trim().is_empty() {
                    return Err(Problem::field(
                        "reason-required",
                        "reason",
                        "a reversal needs a reason",
                    ));
                }
                if let Some(by) = self.reversed_by(target) {
                    return Err(Problem::field(
                        "already-reversed",
                        "entry",
                        format!("entry #{target} was already reversed by #{by}"),
                    ));
                }
                match kind {
                    Kind::Reversal => {
                        return Err(Problem::field(
                            "reversal-of-reversal",
                            "entry",
                            format!(
                                "entry #{target} is a reversal; a reversal cannot be reversed (record the entry again instead)"
                            ),
                        ));
                    }
                    Kind::Donor | Kind::Mandate | Kind::Ledger => {
                        return Err(Problem::field(
                            "not-reversible",
                            "entry",
                            format!(
                                "entry #{target} is a {} registration; registrations cannot be reversed",
                                kind.as_str()
                            ),
                        ));
                    }
                    Kind::Pledge => {
                        let n = self.named_by.get(&target).copied().unwrap_or(0);
                        if n > 0 {
                            let mut seqs: Vec<u64> = self
                                .live_payments()
                                .filter(|p| p.pledge == Some(target))
                                .map(|p| p.seq)
                                .chain(
                                    self.live_write_offs()
                                        .filter(|w| w.pledge == target)
                                        .map(|w| w.seq),
                                )
                                .collect();
                            seqs.sort_unstable();
                            let names: Vec<String> = seqs.iter().map(|s| format!("#{s}")).collect();
                            return Err(Problem::field(
                                "pledge-in-use",
                                "entry",
                                format!(
                                    "pledge #{target} is still named by {}; reverse {} first",
                                    names.join(", "),
                                    if names.len() == 1 { "it" } else { "them" }
                                ),
                            ));
                        }
                    }
                    _ => {}
                }
                Ok(Body::Reversal(r))
            }
            Body::Rate(mut r) => {
                if r.per_usd <= Decimal::ZERO {
                    return Err(Problem::field(
                        "bad-rate",
                        "per-usd",
                        format!("a rate must be above zero; {} is not", r.per_usd),
                    ));
                }
                if r.currency == Currency::USD && r.per_usd != Decimal::ONE {
                    return Err(Problem::field(
                        "bad-rate",
                        "currency",
                        "USD is the base currency; its rate is always 1",
                    ));
                }
                if r.per_usd > max_amount() {
                    return Err(Problem::field(
                        "bad-rate",
                        "per-usd",
                        format!("{} units per USD is not a plausible rate", r.per_usd),
                    ));
                }
                check_date(r.date, "date")?;
                r.per_usd = r.per_usd.normalize();
                Ok(Body::Rate(r))
            }
            Body::Donor(mut d) => {
                d.code = Register::canonical_donor_code(&d.code);
                d.name = d.name.trim().to_string();
                d.aliases = d
                    .aliases
                    .iter()
                    .map(|a| a.trim().to_string())
                    .filter(|a| !a.is_empty())
                    .collect();
                self.register
                    .check_new_donor(&d)
                    .map_err(|m| Problem::field("donor-exists", "code", m))?;
                Ok(Body::Donor(d))
            }
            Body::Mandate(mut m) => {
                m.slug = Register::canonical_mandate_slug(&m.slug);
                m.name = m.name.trim().to_string();
                self.register
                    .check_new_mandate(&m)
                    .map_err(|e| Problem::field("mandate-exists", "slug", e))?;
                Ok(Body::Mandate(m))
            }
        }
    }

    fn check_payment(
        &self,
        mut p: super::entry::Payment,
    ) -> Result<super::entry::Payment, Problem> {
        p.donor = self.resolve_donor(&p.donor)?;
        p.mandate = self.resolve_mandate(&p.mandate)?;
        p.amount = check_amount(p.amount, p.currency, "amount")?;
        check_date(p.date, "date")?;
        if let Some(n) = p.pledge {
            let pledge = self.live_pledge_named(n, "pledge")?;
            if pledge.donor != p.donor {
                return Err(Problem::field(
                    "wrong-donor",
                    "pledge",
                    format!("pledge #{n} belongs to {}, not {}", pledge.donor, p.donor),
                ));
            }
            if pledge.mandate != p.mandate {
                return Err(Problem::field(
                    "wrong-mandate",
                    "pledge",
                    format!(
                        "pledge #{n} is for mandate {}, not {}",
                        pledge.mandate, p.mandate
                    ),
                ));
            }
        }
        Ok(p)
    }

    fn live_pledge_named(&self, n: u64, field: &'static str) -> Result<&PledgeRec, Problem> {
        match self.kind_of(n) {
            None => Err(Problem::field(
                "no-such-pledge",
                field,
                format!("there is no entry #{n}"),
            )),
            Some(Kind::Pledge) => {
                let p = &self.pledges[&n];
                match p.reversed_by {
                    Some(by) => Err(Problem::field(
                        "pledge-reversed",
                        field,
                        format!("pledge #{n} was reversed by #{by}"),
                    )),
                    None => Ok(p),
                }
            }
            Some(k) => Err(Problem::field(
                "not-a-pledge",
                field,
                format!("entry #{n} is a {}, not a pledge", k.as_str()),
            )),
        }
    }

    /// A write-off may not exceed what is outstanding on its pledge at its date, nor
    /// make an existing write-off on that pledge exceed it.
    fn check_write_off_fits(
        &self,
        pledge: &PledgeRec,
        w: &super::entry::WriteOff,
    ) -> Result<(), Problem> {
        let mut trial = self.clone_for_pledge(pledge.seq);
        let seq = self.entries + 1;
        trial.write_offs.insert(
            seq,
            WriteOffRec {
                seq,
                pledge: w.pledge,
                amount: w.amount,
                currency: w.currency,
                date: w.date,
                reversed_by: None,
            },
        );
        let s = settlement::settle(&trial, Some(pledge))
            .map_err(|e| Problem::new("missing-rate", e.to_string()))?;
        for wo in trial.live_write_offs() {
            let applied = s
                .allocations
                .get(&wo.seq)
                .map(|a| a.settled.iter().map(|(_, x)| *x).sum())
                .unwrap_or_default();
            if applied < wo.amount {
                let before = s.outstanding(pledge, w.date)
                    + if wo.seq == seq {
                        applied
                    } else {
                        Decimal::ZERO
                    };
                let outstanding = if wo.seq == seq {
                    before
                } else {
                    s.outstanding(pledge, w.date) + w.amount
                };
                return Err(Problem::field(
                    "write-off-exceeds",
                    "amount",
                    format!(
                        "pledge #{} has {} {} outstanding on {}; a write-off of {} {} is larger",
                        pledge.seq,
                        pledge.currency.format(outstanding),
                        pledge.currency,
                        w.date,
                        pledge.currency.format(w.amount),
                        pledge.currency
                    ),
                ));
            }
        }
        Ok(())
    }

    /// A copy of the book holding only what settling one pledge needs.
    fn clone_for_pledge(&self, seq: u64) -> Book {
        let p = &self.pledges[&seq];
        let same_group = |d: &str, m: &str| d == p.donor && m == p.mandate;
        Book {
            rates: self.rates.clone(),
            entries: self.entries,
            pledges: self
                .pledges
                .iter()
                .filter(|(_, q)| same_group(&q.donor, &q.mandate))
                .map(|(k, v)| (*k, v.clone()))
                .collect(),
            payments: self
                .payments
                .iter()
                .filter(|(_, q)| q.pledge == Some(seq) || same_group(&q.donor, &q.mandate))
                .map(|(k, v)| (*k, v.clone()))
                .collect(),
            write_offs: self
                .write_offs
                .iter()
                .filter(|(_, w)| w.pledge == seq)
                .map(|(k, v)| (*k, v.clone()))
                .collect(),
            ..Book::default()
        }
    }

    fn resolve_donor(&self, text: &str) -> Result<String, Problem> {
        self.register
            .resolve_donor(text)
            .map(|d| d.code.clone())
            .map_err(|u| unknown(u, "donor"))
    }

    fn resolve_mandate(&self, text: &str) -> Result<String, Problem> {
        self.register
            .resolve_mandate(text)
            .map(|m| m.slug.clone())
            .map_err(|u| unknown(u, "mandate"))
    }

    /// Checks the clock: a journal's recorded_at never goes backwards.
    pub fn check_clock(&self, now: DateTime<Utc>) -> Result<(), Problem> {
        match self.last_recorded_at {
            Some(last) if now < last => Err(Problem::new(
                "clock-backwards",
                format!(
                    "the time now ({}) is before the last entry's recorded_at ({}); entries are never recorded back in time (check the clock or LEDGER_NOW)",
                    crate::domain::time::format_timestamp(now),
                    crate::domain::time::format_timestamp(last)
                ),
            )),
            _ => Ok(()),
        }
    }
}

fn unknown(u: Unknown, field: &'static str) -> Problem {
    Problem::field(
        if field == "donor" {
            "unknown-donor"
        } else {
            "unknown-mandate"
        },
        field,
        u.to_string(),
    )
}

fn check_amount(
    amount: Decimal,
    currency: Currency,
    field: &'static str,
) -> Result<Decimal, Problem> {
    if amount <= Decimal::ZERO {
        return Err(Problem::field(
            "bad-amount",
            field,
            format!("the amount must be above zero; {amount} is not"),
        ));
    }
    if amount > max_amount() {
        return Err(Problem::field(
            "bad-amount",
            field,
            format!("{amount} is larger than any plausible contribution"),
        ));
    }
    currency
        .exact(amount)
        .map_err(|m| Problem::field("too-many-decimals", field, m))
}

fn check_date(date: NaiveDate, field: &'static str) -> Result<(), Problem> {
    use chrono::Datelike;
    if !(1945..=2199).contains(&date.year()) {
        return Err(Problem::field(
            "bad-date",
            field,
            format!("{date} is outside the years 1945 to 2199"),
        ));
    }
    Ok(())
}
