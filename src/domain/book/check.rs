//! The checks a new entry must pass against a book: every rule `record` and
//! `import` enforce, each failure a `Problem` with a
//! stable code. Returns entries in canonical form; never changes the book.

use crate::domain::Code;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::take::{before_opening, check_opening};
use super::{Checker, PledgeRec};
use crate::domain::currency::{Currency, max_amount};
use crate::domain::entry::{Body, Entry, Kind, Payment, Pledge, Rate, Reversal};
use crate::domain::fund::Fund;
use crate::domain::problem::{Problem, check_length, limits, shown};
use crate::domain::register::{Donor, Mandate};
use crate::domain::register::{Register, Unknown};

impl Checker {
    /// Judges a new entry against the book and returns it in canonical form (donor
    /// and mandate codes resolved, amounts scaled to the currency's decimals).
    pub fn check(&self, body: Body) -> Result<Body, Problem> {
        match body {
            Body::Ledger(_) => Err(Problem::new(
                Code::BadEntry,
                "a ledger header cannot be recorded",
            )),
            Body::Checkpoint(_) => Err(Problem::new(
                Code::BadEntry,
                "a checkpoint is written by `ledger checkpoint`, never recorded",
            )),
            Body::Pledge(p) => Ok(Body::Pledge(self.check_pledge_entry(p)?)),
            Body::Payment(p) => Ok(Body::Payment(self.check_payment_entry(p)?)),
            Body::InKind(p) => Ok(Body::InKind(self.check_in_kind_entry(p)?)),
            Body::Refund(p) => Ok(Body::Refund(self.check_refund_entry(p)?)),
            Body::WriteOff(w) => Ok(Body::WriteOff(self.check_take(w, false)?)),
            Body::Reduction(w) => Ok(Body::Reduction(self.check_take(w, true)?)),
            Body::Reversal(r) => Ok(Body::Reversal(self.check_reversal_entry(r)?)),
            Body::Rate(r) => Ok(Body::Rate(self.check_rate_entry(r)?)),
            Body::Donor(d) => Ok(Body::Donor(self.check_donor_entry(d)?)),
            Body::Mandate(m) => Ok(Body::Mandate(self.check_mandate_entry(m)?)),
            Body::Agreement(a) => Ok(Body::Agreement(self.check_agreement(a)?)),
            Body::ConditionMet(c) => Ok(Body::ConditionMet(self.check_condition_met(c)?)),
            Body::Fund(f) => Ok(Body::Fund(self.check_fund_entry(f)?)),
        }
    }

    /// A pledge: its donor and mandate resolved, amount, dates, opening and agreement.
    fn check_pledge_entry(&self, mut p: Pledge) -> Result<Pledge, Problem> {
        check_text("reference", p.notes.reference.as_deref(), false)?;
        check_text("memo", p.notes.memo.as_deref(), true)?;
        check_length("donor", &p.money.donor, limits::NAME)?;
        check_length("mandate", &p.money.mandate, limits::NAME)?;
        p.money.donor = self.resolve_donor(&p.money.donor)?.into();
        p.money.mandate = self.resolve_mandate(&p.money.mandate)?.into();
        p.money.amount = check_amount(p.money.amount, p.money.currency, "amount")?;
        check_date(p.money.date, "date")?;
        if let Some(due) = p.due {
            check_date(due, "due")?;
            if due < p.money.date {
                return Err(Problem::field(
                    Code::DueBeforeDate,
                    "due",
                    format!(
                        "the due date {due} is before the pledge date {}",
                        p.money.date
                    ),
                ));
            }
        }
        check_opening(&mut p)?;
        self.check_instalment(&mut p)?;
        Ok(p)
    }

    /// A payment: never prior-period; a pledge it names must be of money and open to it.
    fn check_payment_entry(&self, p: Payment) -> Result<Payment, Problem> {
        refuse_prior_period(&p, "a payment is recorded as received")?;
        let p = self.check_payment(p)?;
        self.check_named_pledge(&p, false)?;
        Ok(p)
    }

    /// An in-kind contribution: what was given on record; a pledge it names must be in kind.
    fn check_in_kind_entry(&self, p: Payment) -> Result<Payment, Problem> {
        refuse_prior_period(&p, "an in-kind contribution is recorded as given")?;
        let p = self.check_payment(p)?;
        if p.notes.memo.as_deref().is_none_or(|m| m.trim().is_empty()) {
            return Err(Problem::field(
                Code::DescriptionRequired,
                "memo",
                "an in-kind contribution needs what was given on record (--memo: the expert seconded, the venue, the equipment)",
            ));
        }
        self.check_named_pledge(&p, true)?;
        Ok(p)
    }

    /// The pledge a payment (or, `in_kind`, an in-kind contribution) names is of the
    /// sort it settles, money or goods and services, and open to it on its date.
    fn check_named_pledge(&self, p: &Payment, in_kind: bool) -> Result<(), Problem> {
        let Some(pledge) = p.pledge.and_then(|n| self.pledges.get(&n)) else {
            return Ok(());
        };
        let what = if in_kind {
            "in-kind contribution"
        } else {
            "payment"
        };
        match (pledge.in_kind, in_kind) {
            (true, false) => {
                return Err(Problem::field(
                    Code::InKindPledge,
                    "pledge",
                    format!(
                        "pledge #{} is a pledge of goods or services; only an in-kind contribution settles it (record in-kind --pledge {})",
                        pledge.seq, pledge.seq
                    ),
                ));
            }
            (false, true) => {
                return Err(Problem::field(
                    Code::NotInKindPledge,
                    "pledge",
                    format!(
                        "pledge #{} is a pledge of money; an in-kind contribution settles only a pledge recorded with --in-kind",
                        pledge.seq
                    ),
                ));
            }
            (true, true) | (false, false) => {}
        }
        before_opening(pledge, p.money.date, what)?;
        self.check_recognised(pledge, p.money.date, what)
    }

    /// A refund: no more than was paid, unless it returns money from before the ledger.
    fn check_refund_entry(&self, p: Payment) -> Result<Payment, Problem> {
        let p = self.check_payment(p)?;
        // A prior-period refund returns money the ledger never recorded.
        if !p.prior_period {
            self.check_refund_fits(&p)?;
        }
        Ok(p)
    }

    /// A reversal: of an entry that exists, is not reversed yet, and may be reversed.
    fn check_reversal_entry(&self, r: Reversal) -> Result<Reversal, Problem> {
        check_text("reason", Some(&r.reason), true)?;
        let target = r.entry;
        let Some(kind) = self.kind_of(target) else {
            return Err(Problem::field(
                Code::NoSuchEntry,
                "entry",
                format!(
                    "there is no entry #{target} (the ledger has {})",
                    crate::domain::words::count(self.entries, "entry", "entries")
                ),
            ));
        };
        if r.reason.trim().is_empty() {
            return Err(Problem::field(
                Code::ReasonRequired,
                "reason",
                "a reversal needs a reason",
            ));
        }
        if let Some(by) = self.reversed_by(target) {
            return Err(Problem::field(
                Code::AlreadyReversed,
                "entry",
                format!("entry #{target} was already reversed by #{by}"),
            ));
        }
        match kind {
            Kind::Reversal => {
                return Err(Problem::field(
                    Code::ReversalOfReversal,
                    "entry",
                    format!(
                        "entry #{target} is a reversal; a reversal cannot be reversed (record the entry again instead)"
                    ),
                ));
            }
            Kind::Donor
            | Kind::Mandate
            | Kind::Fund
            | Kind::Agreement
            | Kind::ConditionMet
            | Kind::Ledger => {
                return Err(Problem::field(
                    Code::NotReversible,
                    "entry",
                    format!(
                        "entry #{target} is {} registration; registrations cannot be reversed",
                        crate::domain::words::a(kind.as_str())
                    ),
                ));
            }
            Kind::Checkpoint => {
                return Err(Problem::field(
                    Code::NotReversible,
                    "entry",
                    format!(
                        "entry #{target} is a checkpoint, which records nothing to reverse (a later checkpoint takes its place)"
                    ),
                ));
            }
            Kind::Payment => self.check_payment_not_refunded(target)?,
            Kind::Pledge => self.check_pledge_not_named(target)?,
            Kind::Refund | Kind::WriteOff | Kind::Reduction | Kind::InKind | Kind::Rate => {}
        }
        Ok(r)
    }

    /// A pledge is reversed only when nothing live names it.
    fn check_pledge_not_named(&self, target: u64) -> Result<(), Problem> {
        let n = self.named_by(target);
        if n > 0 {
            let mut seqs: Vec<u64> = self
                .live_payments()
                .chain(self.live_in_kind())
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
                Code::PledgeInUse,
                "entry",
                format!(
                    "pledge #{target} is still named by {}; reverse {} first",
                    names.join(", "),
                    and_list(&names)
                ),
            ));
        }
        Ok(())
    }

    /// A rate: plausible, positive, USD at 1, one per currency and day.
    fn check_rate_entry(&self, mut r: Rate) -> Result<Rate, Problem> {
        if r.per_usd <= Decimal::ZERO {
            return Err(Problem::field(
                Code::BadRate,
                "per-usd",
                format!("a rate must be above zero; {} is not", r.per_usd),
            ));
        }
        if r.currency == Currency::USD && r.per_usd != Decimal::ONE {
            return Err(Problem::field(
                Code::BadRate,
                "currency",
                "USD is the base currency; its rate is always 1",
            ));
        }
        // Real rates run from about 0.3 (KWD) to some hundreds of thousands
        // per USD; far outside that is a typing error, and it keeps every
        // USD figure far from the limits of exact decimal arithmetic.
        if r.per_usd < Decimal::new(1, 4) || r.per_usd > Decimal::from(1_000_000_000) {
            return Err(Problem::field(
                Code::BadRate,
                "per-usd",
                format!(
                    "{} units per USD is not a plausible rate (0.0001 to 1,000,000,000)",
                    r.per_usd
                ),
            ));
        }
        check_date(r.date, "date")?;
        r.per_usd = r.per_usd.normalize();
        // One rate per currency and day: a second would silently replace the
        // first in every report. A wrong rate is reversed, then recorded again.
        if let Some((seq, rate)) = self.rates.on(r.currency, r.date) {
            let what = if rate == r.per_usd {
                format!("#{seq} already records this rate; it is not recorded twice")
            } else {
                format!(
                    "#{seq} already sets {} at {rate} per USD from {}; reverse #{seq} first to replace it",
                    r.currency, r.date
                )
            };
            return Err(Problem::field(Code::RateExists, "date", what));
        }
        Ok(r)
    }

    /// A donor registration: code, name and aliases, canonical and new.
    fn check_donor_entry(&self, mut d: Donor) -> Result<Donor, Problem> {
        check_length("code", &d.code, limits::CODE)?;
        check_text("name", Some(&d.name), false)?;
        for a in &d.aliases {
            check_text("alias", Some(a), false)?;
        }
        d.code = Register::canonical_donor_code(&d.code);
        d.name = d.name.trim().to_string();
        // Aliases that are empty, or the same as another once case and
        // accents are folded, add nothing: keep each once.
        let mut seen = std::collections::HashSet::new();
        d.aliases = d
            .aliases
            .iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty() && seen.insert(crate::domain::register::fold(a)))
            .collect();
        self.register
            .check_new_donor(&d)
            .map_err(|(code, field, m)| Problem::field(code, field, m))?;
        Ok(d)
    }

    /// A mandate registration: slug and name new, its fund registered.
    fn check_mandate_entry(&self, mut m: Mandate) -> Result<Mandate, Problem> {
        check_length("slug", &m.slug, limits::CODE)?;
        check_text("name", Some(&m.name), false)?;
        check_text("fund", m.fund.as_deref(), false)?;
        m.slug = Register::canonical_mandate_slug(&m.slug);
        m.name = m.name.trim().to_string();
        self.register
            .check_new_mandate(&m)
            .map_err(|(code, field, m)| Problem::field(code, field, m))?;
        // A mandate names a registered fund, by its code. One without a
        // fund is accepted here so that older journals replay (it is in the
        // crime fund); `mandate add` requires --fund.
        if let Some(f) = &m.fund {
            let fund = self.register.resolve_fund(f).map_err(|u| {
                Problem::field(
                    Code::UnknownFund,
                    "fund",
                    format!(
                        "unknown fund {}; use one of {}",
                        shown(&u.text),
                        u.suggestions.join(", ")
                    ),
                )
            })?;
            m.fund = Some(fund.code.clone());
        }
        Ok(m)
    }

    /// A fund registration: code and name, canonical and new.
    fn check_fund_entry(&self, mut f: Fund) -> Result<Fund, Problem> {
        check_length("code", &f.code, limits::CODE)?;
        check_text("name", Some(&f.name), false)?;
        f.code = Register::canonical_donor_code(&f.code);
        f.name = f.name.trim().to_string();
        self.register
            .check_new_fund(&f)
            .map_err(|(code, field, m)| Problem::field(code, field, m))?;
        Ok(f)
    }

    /// Judges a committed entry as if it were being recorded now, against the book
    /// of the entries before it: what `verify --rules` replays. An entry passes
    /// when the rules accept it and it is already in the canonical form they give.
    ///
    /// One rule is newer than the journal format: a write-off's reason. A write-off
    /// recorded without one, when none was asked for, is not reported.
    ///
    /// A mandate's fund was free text before funds were a register: a stored fund
    /// that names no registered fund is judged as that older field was (any one line
    /// of text), and the mandate is read as being in the crime fund.
    pub fn recheck(&self, entry: &Entry) -> Result<(), Problem> {
        // Written by `ledger checkpoint`, never judged by the rules: `verify`
        // checks it against the lines before it.
        if let Body::Checkpoint(_) = &entry.body {
            return Ok(());
        }
        if let Body::Mandate(m) = &entry.body
            && let Some(f) = &m.fund
            && self.register.resolve_fund(f).is_err()
        {
            check_text("fund", Some(f), false)?;
            let mut older = m.clone();
            older.fund = None;
            let canonical = self.check(Body::Mandate(older.clone()))?;
            if canonical != Body::Mandate(older) {
                return Err(Problem::new(
                    Code::NotCanonical,
                    "the entry is not stored as the recording rules would store it (a code, name or amount differs from its canonical form)",
                ));
            }
            return Ok(());
        }
        let at = entry.recorded_at;
        let canonical = match (self.check_recorded(entry.body.clone(), at), &entry.body) {
            (Err(p), Body::WriteOff(w))
                if p.code == Code::ReasonRequired && w.notes.memo.is_none() =>
            {
                let mut with_reason = w.clone();
                with_reason.notes.memo = Some("(recorded before reasons were required)".into());
                let mut c = self.check_recorded(Body::WriteOff(with_reason), at)?;
                if let Body::WriteOff(w) = &mut c {
                    w.notes.memo = None;
                }
                c
            }
            (result, _) => result?,
        };
        if canonical != entry.body {
            return Err(Problem::new(
                Code::NotCanonical,
                "the entry is not stored as the recording rules would store it (a code, name or amount differs from its canonical form)",
            ));
        }
        Ok(())
    }

    /// A payment whose money later refunds returned cannot be reversed while they
    /// stand: without it, what was paid net would fall below zero.
    fn check_payment_not_refunded(&self, target: u64) -> Result<(), Problem> {
        let Some(pay) = self.payments.get(&target) else {
            return Ok(());
        };
        if !pay.prior_period
            && self.with_net(&pay.donor, &pay.mandate, pay.currency, |n| {
                n.reversal_fits(pay.date, pay.amount)
            }) == Some(true)
        {
            return Ok(());
        }
        let mut moves: Vec<(NaiveDate, Decimal, u64, bool)> = self
            .payments_of(&pay.donor, &pay.mandate, pay.currency)
            .filter(|p| p.seq != target && !p.prior_period)
            .map(|p| {
                (
                    p.date,
                    if p.refund { -p.amount } else { p.amount },
                    p.seq,
                    p.refund,
                )
            })
            .collect();
        moves.sort_by_key(|(date, _, seq, _)| (*date, *seq));
        let mut net = Decimal::ZERO;
        let mut i = 0;
        while i < moves.len() {
            // Everything dated on one day counts together, as settlement does.
            let day = moves[i].0;
            while i < moves.len() && moves[i].0 == day {
                net += moves[i].1;
                i += 1;
            }
            if net < Decimal::ZERO {
                let refunds: Vec<String> = moves
                    .iter()
                    .filter(|m| m.3)
                    .map(|m| format!("#{}", m.2))
                    .collect();
                return Err(Problem::field(
                    Code::PaymentRefunded,
                    "entry",
                    format!(
                        "without payment #{target}, the refunds to {} for {} in {} ({}) would be more than was paid; reverse {} first",
                        pay.donor,
                        pay.mandate,
                        pay.currency,
                        refunds.join(", "),
                        and_list(&refunds)
                    ),
                ));
            }
        }
        Ok(())
    }

    fn check_payment(
        &self,
        mut p: crate::domain::entry::Payment,
    ) -> Result<crate::domain::entry::Payment, Problem> {
        check_text("reference", p.notes.reference.as_deref(), false)?;
        check_text("memo", p.notes.memo.as_deref(), true)?;
        check_length("donor", &p.money.donor, limits::NAME)?;
        check_length("mandate", &p.money.mandate, limits::NAME)?;
        p.money.donor = self.resolve_donor(&p.money.donor)?.into();
        p.money.mandate = self.resolve_mandate(&p.money.mandate)?.into();
        p.money.amount = check_amount(p.money.amount, p.money.currency, "amount")?;
        check_date(p.money.date, "date")?;
        if let Some(n) = p.pledge {
            let pledge = self.live_pledge_named(n, "pledge")?;
            if *pledge.donor != *p.money.donor {
                return Err(Problem::field(
                    Code::WrongDonor,
                    "pledge",
                    format!(
                        "pledge #{n} belongs to {}, not {}",
                        pledge.donor, p.money.donor
                    ),
                ));
            }
            if *pledge.mandate != *p.money.mandate {
                return Err(Problem::field(
                    Code::WrongMandate,
                    "pledge",
                    format!(
                        "pledge #{n} is for mandate {}, not {}",
                        pledge.mandate, p.money.mandate
                    ),
                ));
            }
        }
        Ok(p)
    }

    pub(super) fn live_pledge_named(
        &self,
        n: u64,
        field: &'static str,
    ) -> Result<&PledgeRec, Problem> {
        match self.kind_of(n) {
            None => Err(Problem::field(
                Code::NoSuchPledge,
                field,
                format!("there is no entry #{n}"),
            )),
            Some(Kind::Pledge) => {
                let p = &self.pledges[&n];
                match p.reversed_by {
                    Some(by) => Err(Problem::field(
                        Code::PledgeReversed,
                        field,
                        format!("pledge #{n} was reversed by #{by}"),
                    )),
                    None => Ok(p),
                }
            }
            Some(k) => Err(Problem::field(
                Code::NotAPledge,
                field,
                format!(
                    "entry #{n} is {}, not a pledge",
                    crate::domain::words::a(k.as_str())
                ),
            )),
        }
    }

    /// A refund may not exceed what its donor has paid, net of refunds, for its
    /// mandate in its currency, counting live payments and refunds dated up to its
    /// date; nor up to any later date, so that a back-dated refund cannot take back
    /// money a later refund already returned.
    fn check_refund_fits(&self, r: &crate::domain::entry::Payment) -> Result<(), Problem> {
        let m = &r.money;
        if self.with_net(&m.donor, &m.mandate, m.currency, |n| {
            n.refund_fits(m.date, m.amount)
        }) == Some(true)
        {
            return Ok(());
        }
        let mut moves: Vec<(NaiveDate, Decimal)> = self
            .payments_of(&r.money.donor, &r.money.mandate, r.money.currency)
            .filter(|p| !p.prior_period)
            .map(|p| (p.date, if p.refund { -p.amount } else { p.amount }))
            .collect();
        moves.sort_by_key(|(date, _)| *date);
        let later = moves.partition_point(|(date, _)| *date <= r.money.date);
        let mut net: Decimal = moves[..later].iter().map(|(_, a)| *a).sum();
        let mut by = r.money.date;
        let mut rest = &moves[later..];
        loop {
            if net < r.money.amount {
                let c = r.money.currency;
                let paid = format!(
                    "{} has been paid {} {c} net for {} by {by}",
                    r.money.donor,
                    c.format(net),
                    r.money.mandate
                );
                let refund = format!("a refund of {} {c}", c.format(r.money.amount));
                let message = if by == r.money.date {
                    format!("{paid}; {refund} is larger (record the payment it returns first)")
                } else {
                    format!(
                        "{paid}, after later refunds; {refund} dated {} is larger (those refunds already returned the rest)",
                        r.money.date
                    )
                };
                return Err(Problem::field(Code::RefundExceeds, "amount", message));
            }
            let Some(&(date, _)) = rest.first() else {
                return Ok(());
            };
            let n = rest.partition_point(|(d, _)| *d == date);
            net += rest[..n].iter().map(|(_, a)| *a).sum::<Decimal>();
            rest = &rest[n..];
            by = date;
        }
    }

    pub(super) fn resolve_donor(&self, text: &str) -> Result<String, Problem> {
        self.register
            .resolve_donor(text)
            .map(|d| d.code.clone())
            .map_err(|u| unknown(u, "donor"))
    }

    pub(super) fn resolve_mandate(&self, text: &str) -> Result<String, Problem> {
        self.register
            .resolve_mandate(text)
            .map(|m| m.slug.clone())
            .map_err(|u| unknown(u, "mandate"))
    }

    /// Checks the clock: a journal's recorded_at never goes backwards.
    pub fn check_clock(&self, now: DateTime<Utc>) -> Result<(), Problem> {
        match self.last_recorded_at {
            Some(last) if now < last => Err(Problem::new(
                Code::ClockBackwards,
                format!(
                    "the time now ({}) is before the last entry's recorded_at ({}); entries are never recorded back in time. Check the clock or LEDGER_NOW; if that entry's time was wrong, record with LEDGER_NOW={} (or later) until the clock has passed it",
                    crate::domain::time::format_timestamp(now),
                    crate::domain::time::format_timestamp(last),
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
            Code::UnknownDonor
        } else {
            Code::UnknownMandate
        },
        field,
        u.to_string(),
    )
}

pub(super) fn check_amount(
    amount: Decimal,
    currency: Currency,
    field: &'static str,
) -> Result<Decimal, Problem> {
    if amount <= Decimal::ZERO {
        return Err(Problem::field(
            Code::BadAmount,
            field,
            format!("the amount must be above zero; {amount} is not"),
        ));
    }
    if amount > max_amount() {
        return Err(Problem::field(
            Code::BadAmount,
            field,
            format!("{amount} is larger than any plausible contribution"),
        ));
    }
    currency
        .exact(amount)
        .map_err(|m| Problem::field(Code::TooManyDecimals, field, m))
}

pub(super) fn check_date(date: NaiveDate, field: &'static str) -> Result<(), Problem> {
    use chrono::Datelike;
    if !(1945..=2199).contains(&date.year()) {
        return Err(Problem::field(
            Code::BadDate,
            field,
            format!("{date} is outside the years 1945 to 2199"),
        ));
    }
    Ok(())
}

/// Stored text is one line a person can read: no control or invisible characters,
/// except line breaks and tabs in free text (memos, reasons); and no longer than its
/// field allows (checked first).
pub(super) fn check_text(
    field: &'static str,
    text: Option<&str>,
    free: bool,
) -> Result<(), Problem> {
    let Some(t) = text else { return Ok(()) };
    let max = match field {
        "reference" => limits::REFERENCE,
        "memo" | "reason" => limits::TEXT,
        _ => limits::NAME,
    };
    check_length(field, t, max)?;
    // Control characters, and the invisible ones that change how text reads: line
    // and paragraph separators, zero-width characters and bidirectional controls.
    let invisible = |c: char| matches!(c, '\u{2028}' | '\u{2029}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}');
    let bad = t
        .chars()
        .find(|c| (c.is_control() || invisible(*c)) && !(free && matches!(c, '\n' | '\t')));
    match bad {
        Some(c) => Err(Problem::field(
            Code::BadText,
            field,
            format!(
                "{} contains the {} character {:?}; {}",
                shown(t),
                if c.is_control() {
                    "control"
                } else {
                    "invisible"
                },
                c,
                if free {
                    "only line breaks and tabs are allowed here"
                } else {
                    "this field must be one line of text"
                }
            ),
        )),
        None => Ok(()),
    }
}

/// "#5", "#5 and #6", "#5, #6 and #7": the entries a message tells the user to act on.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Only a refund can be a prior-period refund; `recorded` says how the entry is
/// recorded instead.
fn refuse_prior_period(p: &Payment, recorded: &str) -> Result<(), Problem> {
    if p.prior_period {
        return Err(Problem::field(
            Code::PriorPeriodNotRefund,
            "prior-period",
            format!("only a refund can be a prior-period refund; {recorded}"),
        ));
    }
    Ok(())
}
