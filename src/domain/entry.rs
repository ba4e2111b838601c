//! The entries a journal holds: what each kind records, as stored.
//!
//! Owns: the entry kinds and their fields (the journal's JSON vocabulary). Does not
//! check entries against a ledger (see `book`) or touch files (see `journal`).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::agreement::{Agreement, ConditionMet};
use super::currency::Currency;
use super::fund::Fund;
use super::register::{Donor, Mandate};

/// Where an imported entry came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub file: String,
    pub sha256: String,
    pub row: u64,
    pub profile: String,
}

/// A donor's commitment. An *opening* pledge (`opening` and `outstanding` set) was
/// made before the ledger's records: `date`, `due` and `amount` are the original
/// ones, and `outstanding` is what was still owed on the `opening` date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pledge {
    pub donor: String,
    pub mandate: String,
    pub amount: Decimal,
    pub currency: Currency,
    pub date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outstanding: Option<Decimal>,
    /// A pledge of goods or services: only in-kind contributions settle it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub in_kind: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// The code of the agreement this pledge is an instalment of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<String>,
}

/// Money received (kind `payment`) or returned to the donor (kind `refund`), or goods
/// and services given instead of money, at fair value (kind `in-kind`: `memo` says
/// what was given; it settles only the in-kind pledge it names). A `prior_period`
/// refund returns money received before (or outside) the ledger's records: no
/// recorded payment limits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub donor: String,
    pub mandate: String,
    pub amount: Decimal,
    pub currency: Currency,
    pub date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pledge: Option<u64>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub prior_period: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

pub(crate) fn is_false(b: &bool) -> bool {
    !*b
}

/// Part or all of an open pledge that will not be paid (kind `write-off`), or by
/// which the donor reduced or cancelled it (kind `reduction`). The currency is the
/// pledge's; `memo` holds the reason (a write-off's authority, a reduction's notice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteOff {
    pub pledge: u64,
    pub amount: Decimal,
    pub currency: Currency,
    pub date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// Voids an earlier entry recorded in error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reversal {
    pub entry: u64,
    pub reason: String,
}

/// A UN operational rate of exchange: units of `currency` per 1 USD from `date` on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    pub currency: Currency,
    pub per_usd: Decimal,
    pub date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// The first line of every journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
}

pub const FORMAT_NAME: &str = "contributions-ledger";
pub const FORMAT_VERSION: u32 = 1;

/// What one journal line records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Body {
    Ledger(Header),
    Pledge(Pledge),
    Payment(Payment),
    Refund(Payment),
    WriteOff(WriteOff),
    Reversal(Reversal),
    Rate(Rate),
    Donor(Donor),
    Mandate(Mandate),
    Reduction(WriteOff),
    Fund(Fund),
    InKind(Payment),
    Agreement(Agreement),
    ConditionMet(ConditionMet),
}

impl Body {
    pub fn kind(&self) -> Kind {
        match self {
            Body::Ledger(_) => Kind::Ledger,
            Body::Pledge(_) => Kind::Pledge,
            Body::Payment(_) => Kind::Payment,
            Body::Refund(_) => Kind::Refund,
            Body::WriteOff(_) => Kind::WriteOff,
            Body::Reversal(_) => Kind::Reversal,
            Body::Rate(_) => Kind::Rate,
            Body::Donor(_) => Kind::Donor,
            Body::Mandate(_) => Kind::Mandate,
            Body::Reduction(_) => Kind::Reduction,
            Body::Fund(_) => Kind::Fund,
            Body::InKind(_) => Kind::InKind,
            Body::Agreement(_) => Kind::Agreement,
            Body::ConditionMet(_) => Kind::ConditionMet,
        }
    }

    /// The value date, for kinds that have one.
    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            Body::Pledge(p) => Some(p.date),
            Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => Some(p.date),
            Body::WriteOff(w) | Body::Reduction(w) => Some(w.date),
            Body::Rate(r) => Some(r.date),
            Body::Agreement(a) => Some(a.signed),
            Body::ConditionMet(c) => Some(c.date),
            _ => None,
        }
    }

    pub fn source(&self) -> Option<&Source> {
        match self {
            Body::Pledge(p) => p.source.as_ref(),
            Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => p.source.as_ref(),
            Body::WriteOff(w) | Body::Reduction(w) => w.source.as_ref(),
            Body::Rate(r) => r.source.as_ref(),
            _ => None,
        }
    }

    pub fn reference(&self) -> Option<&str> {
        match self {
            Body::Pledge(p) => p.reference.as_deref(),
            Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => p.reference.as_deref(),
            Body::WriteOff(w) | Body::Reduction(w) => w.reference.as_deref(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Ledger,
    Pledge,
    Payment,
    Refund,
    WriteOff,
    Reversal,
    Rate,
    Donor,
    Mandate,
    Reduction,
    Fund,
    InKind,
    Agreement,
    ConditionMet,
}

impl Kind {
    pub const ALL: [Kind; 14] = [
        Kind::Ledger,
        Kind::Pledge,
        Kind::Payment,
        Kind::Refund,
        Kind::WriteOff,
        Kind::Reversal,
        Kind::Rate,
        Kind::Donor,
        Kind::Mandate,
        Kind::Reduction,
        Kind::Fund,
        Kind::InKind,
        Kind::Agreement,
        Kind::ConditionMet,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Ledger => "ledger",
            Kind::Pledge => "pledge",
            Kind::Payment => "payment",
            Kind::Refund => "refund",
            Kind::WriteOff => "write-off",
            Kind::Reversal => "reversal",
            Kind::Rate => "rate",
            Kind::Donor => "donor",
            Kind::Mandate => "mandate",
            Kind::Reduction => "reduction",
            Kind::Fund => "fund",
            Kind::InKind => "in-kind",
            Kind::Agreement => "agreement",
            Kind::ConditionMet => "condition-met",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        let t = text.trim().to_ascii_lowercase().replace('_', "-");
        let t = if t == "writeoff" {
            "write-off".to_string()
        } else {
            t
        };
        Self::ALL.into_iter().find(|k| k.as_str() == t)
    }
}

/// One committed entry: its number, when it was recorded, what it records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: u64,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
    #[serde(flatten)]
    pub body: Body,
}
