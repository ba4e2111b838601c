//! The data of an IATI 2.03 activities file for one calendar year: one activity per
//! mandate, its funders, and the year's incoming transactions, each in the entry's
//! own currency and amount.
//!
//! Owns: which mandates become activities, which entries become which transaction
//! types, the sign of each value, and the donor category to IATI organisation type
//! mapping. Does not write XML (see `render::iati`) or read files (see `cli::iati`).
//! Depends on `domain` only; no clock: the file's time is the ledger head's
//! `recorded_at`, given by the caller.
//!
//! What becomes a transaction (the README's "ledger export iati" says why):
//! - a pledge dated in the year: Incoming Pledge (13), its amount; an instalment of
//!   an agreement (a signed, binding commitment): Incoming Commitment (11), dated
//!   when it counts (a conditional agreement's once its condition is met);
//! - a reduction dated in the year: the same type as its pledge, minus its amount;
//! - a payment or an in-kind contribution received in the year: Incoming Funds (1);
//! - a refund (prior-period ones too) made in the year: Incoming Funds (1), negative.
//!
//! Write-offs, reversed entries and instalments whose condition is not met are left
//! out.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::domain::book::{Book, Name};
use crate::domain::currency::Currency;
use crate::domain::register::{DonorCategory, Register};

/// The reporting and implementing organisation's name.
pub const UNODC: &str = "United Nations Office on Drugs and Crime";

/// IATI OrganisationType of a multilateral organisation (UNODC itself).
pub const MULTILATERAL: &str = "40";

/// IATI ActivityStatus 2, Implementation: every exported mandate is receiving money.
pub const IMPLEMENTATION: &str = "2";

/// IATI ActivityDateType 2, Actual start.
pub const ACTUAL_START: &str = "2";

/// An IATI activities file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activities {
    /// The ledger head's `recorded_at` (RFC 3339, UTC): the same ledger, the same file.
    pub generated: String,
    pub year: i32,
    pub reporting_org: Org,
    pub activities: Vec<Activity>,
}

/// An organisation as IATI names it: identifier, OrganisationType code and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Org {
    pub reference: String,
    pub type_code: &'static str,
    pub name: String,
}

/// One mandate as an IATI activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    /// `<reporting org>-<mandate slug>`.
    pub identifier: String,
    pub title: String,
    pub description: String,
    /// Every donor with a live pledge, payment, refund or in-kind contribution to the
    /// mandate dated up to the end of the year, by donor code.
    pub funders: Vec<Org>,
    pub status: &'static str,
    /// The earliest value date of the mandate's live entries (actual start).
    pub start: NaiveDate,
    /// The year's transactions, by value date, then entry number.
    pub transactions: Vec<Transaction>,
}

/// The IATI TransactionType codes this export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TransactionType {
    /// 1: money (or goods and services) received.
    IncomingFunds,
    /// 11: an instalment of a signed agreement (or its reduction, negative).
    IncomingCommitment,
    /// 13: a donor's pledge (or its reduction, negative).
    IncomingPledge,
}

impl TransactionType {
    pub fn code(self) -> &'static str {
        match self {
            TransactionType::IncomingFunds => "1",
            TransactionType::IncomingCommitment => "11",
            TransactionType::IncomingPledge => "13",
        }
    }
}

/// One ledger entry as an IATI transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// The ledger entry's number (the transaction's `ref`).
    pub seq: u64,
    pub kind: TransactionType,
    /// The entry's value date: the transaction date and the value's value date.
    pub date: NaiveDate,
    /// In the entry's own currency; negative for reductions and refunds.
    pub value: Decimal,
    pub currency: Currency,
    pub provider: Org,
}

/// Why there is nothing to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IatiError {
    /// No mandate has a live pledge, payment, refund or in-kind contribution dated
    /// up to the end of the year (an IATI file needs at least one activity).
    NoActivity(i32),
}

impl std::fmt::Display for IatiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IatiError::NoActivity(y) => write!(
                f,
                "no mandate has a pledge, payment, refund or in-kind contribution dated in or before {y}, and an IATI file needs at least one activity [empty-ledger]"
            ),
        }
    }
}

/// The IATI OrganisationType of a donor category: governments 10, multilateral
/// bodies (intergovernmental organisations, UN entities, pooled funds) 40,
/// foundations 60, the private sector 70, individuals 90 (other).
pub fn organisation_type(category: DonorCategory) -> &'static str {
    match category {
        DonorCategory::MemberState
        | DonorCategory::ObserverState
        | DonorCategory::OtherGovernment => "10",
        DonorCategory::Intergovernmental | DonorCategory::UnEntity | DonorCategory::PooledFund => {
            MULTILATERAL
        }
        DonorCategory::Foundation => "60",
        DonorCategory::PrivateSector => "70",
        DonorCategory::Individual => "90",
    }
}

/// A donor as a funding or provider organisation (its ledger code as `ref`).
fn donor_org(register: &Register, code: &str) -> Org {
    match register.donor(code) {
        Some(d) => Org {
            reference: d.code.clone(),
            type_code: organisation_type(d.category),
            name: d.name.clone(),
        },
        None => Org {
            reference: code.to_string(),
            type_code: "90",
            name: code.to_string(),
        },
    }
}

/// What is known of one mandate while the book is read.
#[derive(Default)]
struct Gathered {
    start: Option<NaiveDate>,
    donors: BTreeSet<Name>,
    transactions: Vec<(NaiveDate, u64, TransactionType, Decimal, Currency, Name)>,
}

impl Gathered {
    fn saw(&mut self, date: NaiveDate, donor: &Name) {
        self.start = Some(self.start.map_or(date, |s| s.min(date)));
        self.donors.insert(donor.clone());
    }
}

/// An agreement's instalment is a commitment (11); any other pledge a pledge (13).
fn pledge_type(p: &crate::domain::book::PledgeRec) -> TransactionType {
    if p.agreement.is_some() {
        TransactionType::IncomingCommitment
    } else {
        TransactionType::IncomingPledge
    }
}

/// The activities file of `year` for the reporting organisation `reference`, from
/// every live entry of `book`; `generated` is the ledger head's `recorded_at`.
pub fn activities(
    book: &Book,
    year: i32,
    reference: &str,
    generated: String,
) -> Result<Activities, IatiError> {
    let mut gathering = Gathering::new(year);
    gathering.add(book);
    gathering.activities(&book.register, reference, generated)
}

/// The activities of one year gathered from books that each hold some donors'
/// and mandates' entries whole (a ledger read in groups), or from one whole book:
/// each mandate's start is the earliest over the books, its funders all of theirs,
/// its transactions all of theirs, ordered once all are in. So the file is the one
/// the whole book gives.
pub struct Gathering {
    year: i32,
    by_mandate: BTreeMap<Name, Gathered>,
}

impl Gathering {
    pub fn new(year: i32) -> Gathering {
        Gathering {
            year,
            by_mandate: BTreeMap::new(),
        }
    }

    /// Gathers every live entry of `book` (a write-off's or reduction's pledge is in
    /// the same book).
    pub fn add(&mut self, book: &Book) {
        let year = self.year;
        let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("a checked year");
        let in_year = |d: NaiveDate| d.year() == year;
        let by_mandate = &mut self.by_mandate;
        for p in book.live_pledges().filter(|p| p.date <= end) {
            let g = by_mandate.entry(p.mandate.clone()).or_default();
            g.saw(p.date, &p.donor);
            if in_year(p.date) {
                let t = pledge_type(p);
                g.transactions
                    .push((p.date, p.seq, t, p.amount, p.currency, p.donor.clone()));
            }
        }
        for r in book
            .live_write_offs()
            .filter(|w| w.reduction && in_year(w.date))
        {
            let Some(p) = book.pledge(r.pledge) else {
                continue;
            };
            let g = by_mandate.entry(p.mandate.clone()).or_default();
            g.saw(r.date, &p.donor);
            let t = pledge_type(p);
            g.transactions
                .push((r.date, r.seq, t, -r.amount, r.currency, p.donor.clone()));
        }
        for p in book
            .live_payments()
            .chain(book.live_in_kind())
            .filter(|p| p.date <= end)
        {
            let g = by_mandate.entry(p.mandate.clone()).or_default();
            g.saw(p.date, &p.donor);
            if in_year(p.date) {
                let value = if p.refund { -p.amount } else { p.amount };
                let t = TransactionType::IncomingFunds;
                g.transactions
                    .push((p.date, p.seq, t, value, p.currency, p.donor.clone()));
            }
        }
    }

    /// The activities file, its mandates and donors named by `register`.
    pub fn activities(
        self,
        register: &Register,
        reference: &str,
        generated: String,
    ) -> Result<Activities, IatiError> {
        if self.by_mandate.is_empty() {
            return Err(IatiError::NoActivity(self.year));
        }
        let activities = self
            .by_mandate
            .into_iter()
            .filter_map(|(slug, mut g)| {
                let start = g.start?;
                let (title, description) = match register.mandate(&slug) {
                    Some(m) => {
                        let fund = register.fund_of(m);
                        (
                            m.name.clone(),
                            format!(
                                "Voluntary contributions to UNODC for {} ({}), {}.",
                                m.name,
                                m.earmarking.as_str(),
                                fund.name
                            ),
                        )
                    }
                    None => (
                        slug.to_string(),
                        format!("Voluntary contributions to UNODC for {slug}."),
                    ),
                };
                g.transactions.sort_by_key(|t| (t.0, t.1));
                Some(Activity {
                    identifier: format!("{reference}-{slug}"),
                    title,
                    description,
                    funders: g.donors.iter().map(|d| donor_org(register, d)).collect(),
                    status: IMPLEMENTATION,
                    start,
                    transactions: g
                        .transactions
                        .into_iter()
                        .map(|(date, seq, kind, value, currency, donor)| Transaction {
                            seq,
                            kind,
                            date,
                            value,
                            currency,
                            provider: donor_org(register, &donor),
                        })
                        .collect(),
                })
            })
            .collect();
        Ok(Activities {
            generated,
            year: self.year,
            reporting_org: Org {
                reference: reference.to_string(),
                type_code: MULTILATERAL,
                name: UNODC.to_string(),
            },
            activities,
        })
    }
}
