//! A donor's statement of account: every pledge, payment, refund, write-off,
//! reduction and reversal of one donor in date order, what each payment settled, the
//! running outstanding per pledge, and totals in USD and in each currency. An opening
//! pledge is listed on its opening date (kind `opening-pledge`) with what it was
//! carried in with; a prior-period refund is labelled in its `reason`.
//!
//! Pure aggregation; prints nothing. Reversed entries are listed (marked) but count
//! nowhere.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::figures::tally;
use super::reconcile::{Reconciliation, reconcile};
use super::{Conv, LedgerHead, Period, ReportError, Source, Usd};
use crate::domain::currency::Currency;
use crate::domain::entry::{Body, Kind};

/// What a line shows: an entry, by its kind, or a pledge the statement sets apart
/// (one carried in as an opening pledge, or one not yet recognised). Its text is the
/// entry kind's stored name, or `opening-pledge` and `conditional-pledge`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Entry(Kind),
    OpeningPledge,
    ConditionalPledge,
}

impl LineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LineKind::Entry(k) => k.as_str(),
            LineKind::OpeningPledge => "opening-pledge",
            LineKind::ConditionalPledge => "conditional-pledge",
        }
    }
}

impl Serialize for LineKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settled {
    pub pledge: u64,
    /// The pledge's currency.
    pub currency: String,
    /// In the pledge's currency.
    pub amount: String,
    /// What is left on that pledge after this line.
    pub outstanding: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub seq: u64,
    pub date: NaiveDate,
    pub kind: LineKind,
    pub mandate: Option<String>,
    pub currency: Option<String>,
    pub amount: Option<String>,
    /// USD at the entry's rate; none for reversed entries and reversals.
    pub usd: Option<Usd>,
    /// The pledge a payment, refund or write-off names.
    pub pledge: Option<u64>,
    pub due: Option<NaiveDate>,
    pub reference: Option<String>,
    pub settled: Vec<Settled>,
    /// What a payment left unsettled, in its own currency.
    pub unpledged: Option<String>,
    /// For pledges and write-offs: the pledge's outstanding after this line.
    pub outstanding: Option<String>,
    /// For a reversal: the entry it voids, and why. For a write-off or reduction:
    /// its reason; for an opening pledge: the original pledge; for a prior-period
    /// refund: that label.
    pub entry: Option<u64>,
    pub reason: Option<String>,
    pub reversed_by: Option<u64>,
    /// For a write-off or reduction larger than what was outstanding at its date
    /// (payments dated before it arrived later): what it actually took off, in the
    /// pledge's currency.
    pub applied: Option<String>,
    /// For an instalment, and a payment, write-off or reduction of one: its agreement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreement: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatementTotals {
    /// Net of reductions.
    pub pledged: Usd,
    /// Net paid: received less refunded (the same as `net_paid`).
    pub paid: Usd,
    pub refunded: Usd,
    pub written_off: Usd,
    pub outstanding: Usd,
    pub reduced: Usd,
    /// Contributions in kind received, at fair value (never in paid).
    pub in_kind: Usd,
    /// Payments received, before refunds.
    pub received: Usd,
    /// Received less refunded.
    pub net_paid: Usd,
}

/// Balances in one currency, over everything dated up to the period end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CurrencyBalance {
    pub currency: String,
    /// Net of reductions; opening pledges are under `opening`.
    pub pledged: String,
    pub payments: String,
    pub refunds: String,
    pub settled: String,
    pub unpledged: String,
    pub written_off: String,
    pub outstanding: String,
    pub reduced: String,
    /// What opening pledges were carried in with.
    pub opening: String,
    /// Payments less refunds.
    pub net_paid: String,
    /// The part of `settled` paid in other currencies (in this currency).
    pub settled_by_other_currencies: String,
    /// Payments in this currency that settled pledges in other currencies: payments =
    /// settled − settled_by_other_currencies + paid_for_other_currencies + unpledged.
    pub paid_for_other_currencies: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Statement {
    pub report: &'static str,
    pub ledger: LedgerHead,
    pub period: Period,
    pub as_of: Option<String>,
    /// With `--fund` or `--category`: what the statement is limited to.
    #[serde(flatten)]
    pub scope: super::Scope,
    pub currency: &'static str,
    /// What the reader must know about the period (see `Source::warnings`).
    pub warnings: Vec<String>,
    pub donor: String,
    pub name: String,
    pub lines: Vec<Line>,
    pub totals: StatementTotals,
    pub balances: Vec<CurrencyBalance>,
    /// From the outstanding before the period to the outstanding at its end.
    pub reconciliation: Box<Reconciliation>,
    /// The donor's agreements at the period's end, each with its instalment schedule
    /// (left out when the donor has none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub agreements: Vec<super::agreements::AgreementRow>,
}

#[derive(Default)]
struct Bal {
    pledged: Decimal,
    payments: Decimal,
    refunds: Decimal,
    settled: Decimal,
    unpledged: Decimal,
    written_off: Decimal,
    outstanding: Decimal,
    reduced: Decimal,
    opening: Decimal,
    by_other: Decimal,
    for_other: Decimal,
}

fn blank(seq: u64, date: NaiveDate, kind: Kind) -> Line {
    Line {
        seq,
        date,
        kind: LineKind::Entry(kind),
        mandate: None,
        currency: None,
        amount: None,
        usd: None,
        pledge: None,
        due: None,
        reference: None,
        settled: vec![],
        unpledged: None,
        outstanding: None,
        entry: None,
        reason: None,
        reversed_by: None,
        applied: None,
        agreement: None,
    }
}

/// The statement of `donor` (a code, UN name, ISO name or alias) over `period`.
pub fn statement(src: &Source, donor: &str, period: Period) -> Result<Statement, ReportError> {
    let book = src.book;
    let d = book
        .register
        .resolve_donor(donor)
        .map_err(ReportError::UnknownDonor)?;
    let code = d.code.clone();
    let conv = Conv::new(&book.rates);
    let mut lines: Vec<Line> = Vec::new();
    let mut bal: BTreeMap<Currency, Bal> = BTreeMap::new();
    let pledge_of = |seq: u64| book.pledge(seq).filter(|p| *p.donor == *code);

    for p in book.pledges().filter(|p| *p.donor == *code) {
        let mut l = blank(p.seq, p.counted_on(), Kind::Pledge);
        l.mandate = Some(p.mandate.to_string());
        l.currency = Some(p.currency.code().to_string());
        l.amount = Some(p.currency.format(p.base()));
        l.due = p.due;
        l.reference = p.reference.clone();
        l.reversed_by = p.reversed_by;
        l.agreement = p.agreement.as_deref().map(str::to_string);
        if p.is_opening() {
            l.kind = LineKind::OpeningPledge;
            l.reason = Some(format!(
                "carried in from a pledge of {} {} made {}",
                p.currency.format_grouped(p.amount),
                p.currency,
                p.date
            ));
        }
        if p.pending || p.date > period.to && p.pledged_on <= period.to && p.agreement.is_some() {
            l.kind = LineKind::ConditionalPledge;
            l.date = p.pledged_on;
            l.reason = Some("conditional, not yet recognised: counts as pledged once its agreement's condition is met".into());
        } else if p.date > p.pledged_on {
            l.reason = Some(format!(
                "conditional instalment pledged {}, recognised when its agreement's condition was met",
                p.pledged_on
            ));
        }
        if p.reversed_by.is_none() && !p.pending && p.counted_on() <= period.to {
            l.usd = Some(conv.usd(p.base(), p.currency, p.counted_on())?);
            let b = bal.entry(p.currency).or_default();
            if p.is_opening() {
                b.opening += p.base();
            } else {
                b.pledged += p.amount;
            }
            b.outstanding += src.settlement.outstanding(p, period.to);
        }
        lines.push(l);
    }
    for pay in book.payments().filter(|p| *p.donor == *code) {
        let kind = if pay.refund {
            Kind::Refund
        } else {
            Kind::Payment
        };
        let mut l = blank(pay.seq, pay.date, kind);
        l.mandate = Some(pay.mandate.to_string());
        l.currency = Some(pay.currency.code().to_string());
        l.amount = Some(pay.currency.format(pay.amount));
        l.pledge = pay.pledge;
        l.reference = pay.reference.clone();
        l.reversed_by = pay.reversed_by;
        if pay.prior_period {
            l.reason =
                Some("prior-period refund: money received before the ledger's records".into());
        }
        if pay.reversed_by.is_none() && pay.date <= period.to {
            l.usd = Some(conv.usd(pay.amount, pay.currency, pay.date)?);
            let b = bal.entry(pay.currency).or_default();
            if pay.refund {
                b.refunds += pay.amount;
            } else {
                b.payments += pay.amount;
            }
            if let Some(a) = src.settlement.allocations.get(&pay.seq) {
                b.unpledged += a.unpledged;
                if !a.unpledged.is_zero() {
                    l.unpledged = Some(pay.currency.format(a.unpledged));
                }
                for (ps, amt) in &a.settled {
                    if let Some(pl) = book.pledge(*ps) {
                        if pl.currency != pay.currency {
                            bal.entry(pl.currency).or_default().by_other += *amt;
                            bal.entry(pay.currency).or_default().for_other +=
                                pay.amount - a.unpledged;
                        }
                        bal.entry(pl.currency).or_default().settled += *amt;
                        l.settled.push(Settled {
                            pledge: *ps,
                            currency: pl.currency.to_string(),
                            amount: pl.currency.format(*amt),
                            outstanding: String::new(),
                        });
                    }
                }
            }
        }
        lines.push(l);
    }
    for ik in book.in_kind().filter(|p| *p.donor == *code) {
        let mut l = blank(ik.seq, ik.date, Kind::InKind);
        l.mandate = Some(ik.mandate.to_string());
        l.currency = Some(ik.currency.code().to_string());
        l.amount = Some(ik.currency.format(ik.amount));
        l.pledge = ik.pledge;
        l.reference = ik.reference.clone();
        l.reversed_by = ik.reversed_by;
        if ik.reversed_by.is_none() && ik.date <= period.to {
            l.usd = Some(conv.usd(ik.amount, ik.currency, ik.date)?);
            if let Some(a) = src.settlement.allocations.get(&ik.seq) {
                for (ps, amt) in &a.settled {
                    if let Some(pl) = book.pledge(*ps) {
                        l.settled.push(Settled {
                            pledge: *ps,
                            currency: pl.currency.to_string(),
                            amount: pl.currency.format(*amt),
                            outstanding: String::new(),
                        });
                    }
                }
            }
        }
        lines.push(l);
    }
    for w in book.write_offs() {
        let Some(p) = pledge_of(w.pledge) else {
            continue;
        };
        let mut l = blank(
            w.seq,
            w.date,
            if w.reduction {
                Kind::Reduction
            } else {
                Kind::WriteOff
            },
        );
        l.mandate = Some(p.mandate.to_string());
        l.currency = Some(w.currency.code().to_string());
        l.amount = Some(w.currency.format(w.amount));
        l.pledge = Some(w.pledge);
        l.agreement = p.agreement.as_deref().map(str::to_string);
        l.reason = w.reason.clone();
        l.reversed_by = w.reversed_by;
        if w.reversed_by.is_none() && w.date <= period.to {
            // What it actually took off the pledge (never below zero).
            let applied: Decimal = src
                .settlement
                .allocations
                .get(&w.seq)
                .map(|a| a.settled.iter().map(|(_, x)| *x).sum())
                .unwrap_or_default();
            // A reduction counts at the rate its pledge was counted at; a write-off
            // at its own date's.
            let rate_date = if w.reduction { p.counted_on() } else { w.date };
            l.usd = Some(conv.usd(applied, w.currency, rate_date)?);
            if applied < w.amount {
                l.applied = Some(w.currency.format(applied));
            }
            let b = bal.entry(w.currency).or_default();
            if w.reduction {
                b.reduced += applied;
                b.pledged -= applied;
            } else {
                b.written_off += applied;
            }
        }
        lines.push(l);
    }
    // Reversals have no value date: they are listed on the day they were recorded.
    let targets: HashMap<u64, ()> = lines.iter().map(|l| (l.seq, ())).collect();
    for e in src.entries {
        if let Body::Reversal(r) = &e.body
            && targets.contains_key(&r.entry)
        {
            let mut l = blank(e.seq, e.recorded_at.date_naive(), Kind::Reversal);
            l.entry = Some(r.entry);
            l.reason = Some(r.reason.clone());
            lines.push(l);
        }
    }
    lines.sort_by_key(|l| (l.date, l.seq));

    // Running outstanding per pledge, in the settlement's own (date, #) order.
    let mut running: HashMap<u64, Decimal> = HashMap::new();
    for l in lines.iter_mut() {
        if l.reversed_by.is_some() || l.date > period.to {
            continue;
        }
        match l.kind {
            LineKind::Entry(Kind::Pledge) | LineKind::OpeningPledge => {
                if let Some(p) = book.pledge(l.seq) {
                    let left = running.entry(p.seq).or_insert(p.base());
                    l.outstanding = Some(p.currency.format(*left));
                }
            }
            LineKind::Entry(Kind::Payment | Kind::InKind) => {
                let Some(a) = src.settlement.allocations.get(&l.seq) else {
                    continue;
                };
                for (s, (ps, x)) in l.settled.iter_mut().zip(&a.settled) {
                    if let Some(p) = book.pledge(*ps) {
                        let left = running.entry(p.seq).or_insert(p.base());
                        *left -= *x;
                        s.outstanding = p.currency.format(*left);
                    }
                }
            }
            LineKind::Entry(Kind::WriteOff | Kind::Reduction) => {
                if let (Some(ps), Some(a)) = (l.pledge, src.settlement.allocations.get(&l.seq))
                    && let Some(p) = book.pledge(ps)
                {
                    let left = running.entry(ps).or_insert(p.base());
                    for (_, x) in &a.settled {
                        *left -= *x;
                    }
                    l.outstanding = Some(p.currency.format(*left));
                }
            }
            LineKind::ConditionalPledge
            | LineKind::Entry(
                Kind::Refund
                | Kind::Reversal
                | Kind::Ledger
                | Kind::Rate
                | Kind::Donor
                | Kind::Mandate
                | Kind::Fund
                | Kind::Agreement
                | Kind::ConditionMet,
            ) => {}
        }
    }
    lines.retain(|l| period.contains(l.date));
    super::agreements::group_lines(book, &mut lines);

    let t = tally(src, &conv, period)?;
    let f = t.by_donor.get(code.as_str()).copied().unwrap_or_default();
    let mut totals = StatementTotals {
        pledged: f.pledged,
        paid: f.paid,
        outstanding: f.outstanding,
        ..StatementTotals::default()
    };
    for l in &lines {
        if let Some(usd) = l.usd {
            match l.kind {
                LineKind::Entry(Kind::Payment) => totals.received += usd,
                LineKind::Entry(Kind::Refund) => totals.refunded += usd,
                LineKind::Entry(Kind::WriteOff) => totals.written_off += usd,
                LineKind::Entry(Kind::Reduction) => totals.reduced += usd,
                LineKind::Entry(Kind::InKind) => totals.in_kind += usd,
                // Pledges are in the totals through the figures.
                LineKind::OpeningPledge
                | LineKind::ConditionalPledge
                | LineKind::Entry(
                    Kind::Pledge
                    | Kind::Reversal
                    | Kind::Ledger
                    | Kind::Rate
                    | Kind::Donor
                    | Kind::Mandate
                    | Kind::Fund
                    | Kind::Agreement
                    | Kind::ConditionMet,
                ) => {}
            }
        }
    }
    totals.net_paid = totals.received - totals.refunded;
    let reconciliation = reconcile(src, &conv, &code, period)?;
    let balances = bal
        .into_iter()
        .map(|(c, b)| CurrencyBalance {
            currency: c.code().to_string(),
            pledged: c.format(b.pledged),
            payments: c.format(b.payments),
            refunds: c.format(b.refunds),
            settled: c.format(b.settled),
            unpledged: c.format(b.unpledged),
            written_off: c.format(b.written_off),
            outstanding: c.format(b.outstanding),
            reduced: c.format(b.reduced),
            opening: c.format(b.opening),
            net_paid: c.format(b.payments - b.refunds),
            settled_by_other_currencies: c.format(b.by_other),
            paid_for_other_currencies: c.format(b.for_other),
        })
        .collect();
    Ok(Statement {
        report: "statement",
        ledger: src.ledger.clone(),
        period,
        as_of: src.as_of.clone(),
        scope: src.scope.clone(),
        currency: "USD",
        warnings: conv.finish(src.strict_rates, src.warnings(period))?,
        donor: code.clone(),
        name: d.name.clone(),
        lines,
        totals,
        balances,
        reconciliation: Box::new(reconciliation),
        agreements: super::agreements::rows(src, Some(&code), period.to),
    })
}
