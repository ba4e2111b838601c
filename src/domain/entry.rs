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

/// A donor code or mandate slug, shared: read from a journal, each is held once
/// however many entries name it.
pub type Name = std::sync::Arc<str>;

/// Where an imported entry came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub file: String,
    pub sha256: String,
    pub row: u64,
    pub profile: String,
}

/// The fields a pledge and a payment (refund, in-kind contribution) begin with: whose
/// money, how much, in what currency, on what date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub donor: Name,
    pub mandate: Name,
    pub amount: Decimal,
    pub currency: Currency,
    pub date: NaiveDate,
}

/// The fields a pledge, a payment and a write-off end with: the donor's reference,
/// a memo, and where an imported entry came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notes {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Box<Source>>,
}

/// A donor's commitment. An *opening* pledge (`opening` and `outstanding` set) was
/// made before the ledger's records: `date`, `due` and `amount` are the original
/// ones, and `outstanding` is what was still owed on the `opening` date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pledge {
    #[serde(flatten)]
    pub money: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outstanding: Option<Decimal>,
    /// A pledge of goods or services: only in-kind contributions settle it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub in_kind: bool,
    #[serde(flatten)]
    pub notes: Notes,
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
    #[serde(flatten)]
    pub money: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pledge: Option<u64>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub prior_period: bool,
    #[serde(flatten)]
    pub notes: Notes,
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
    #[serde(flatten)]
    pub notes: Notes,
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
    pub source: Option<Box<Source>>,
}

/// The first line of every journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
}

/// A summary of the journal before it, for writers: each share's lines (one donor's
/// entries, or those that name no donor, as `crate::domain::book::takes` keeps
/// them) as a count and one SHA-256 over their hashes in journal order. A writer
/// reads its share's lines up to the checkpoint from where the file beside the
/// journal says they are, and trusts them only if they hash to this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub shares: Vec<ShareSum>,
}

/// One share's lines before a checkpoint (`Checkpoint`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareSum {
    /// The donor whose entries these are (by code); none for the entries that name
    /// no donor, which every share keeps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub donor: Option<String>,
    pub entries: u64,
    /// SHA-256 (hex) of the lines' `hash` fields (their hex), one after another.
    pub digest: String,
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
    Checkpoint(Checkpoint),
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
            Body::Checkpoint(_) => Kind::Checkpoint,
        }
    }

    /// A donor, mandate or fund registration: what resolving a name needs.
    pub fn is_registration(&self) -> bool {
        self.kind().is_registration()
    }

    /// The value date, for kinds that have one.
    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            Body::Pledge(p) => Some(p.money.date),
            Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => Some(p.money.date),
            Body::WriteOff(w) | Body::Reduction(w) => Some(w.date),
            Body::Rate(r) => Some(r.date),
            Body::Agreement(a) => Some(a.signed),
            Body::ConditionMet(c) => Some(c.date),
            Body::Ledger(_)
            | Body::Checkpoint(_)
            | Body::Reversal(_)
            | Body::Donor(_)
            | Body::Mandate(_)
            | Body::Fund(_) => None,
        }
    }

    pub fn source(&self) -> Option<&Source> {
        match self {
            Body::Pledge(p) => p.notes.source.as_deref(),
            Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => p.notes.source.as_deref(),
            Body::WriteOff(w) | Body::Reduction(w) => w.notes.source.as_deref(),
            Body::Rate(r) => r.source.as_deref(),
            Body::Ledger(_)
            | Body::Checkpoint(_)
            | Body::Reversal(_)
            | Body::Donor(_)
            | Body::Mandate(_)
            | Body::Fund(_)
            | Body::Agreement(_)
            | Body::ConditionMet(_) => None,
        }
    }

    pub fn reference(&self) -> Option<&str> {
        match self {
            Body::Pledge(p) => p.notes.reference.as_deref(),
            Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => p.notes.reference.as_deref(),
            Body::WriteOff(w) | Body::Reduction(w) => w.notes.reference.as_deref(),
            Body::Ledger(_)
            | Body::Checkpoint(_)
            | Body::Reversal(_)
            | Body::Rate(_)
            | Body::Donor(_)
            | Body::Mandate(_)
            | Body::Fund(_)
            | Body::Agreement(_)
            | Body::ConditionMet(_) => None,
        }
    }

    /// Whose money the entry moves or promises: a pledge's or payment's own donor
    /// and mandate, or, for a write-off or reduction, those of the pledge it names.
    /// Registrations, rates, reversals and agreements move no money (an agreement
    /// promises none until its instalments are pledged).
    pub fn party(&self) -> Party<'_> {
        match self {
            Body::Pledge(p) => Party::Own {
                donor: &p.money.donor,
                mandate: &p.money.mandate,
            },
            Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => Party::Own {
                donor: &p.money.donor,
                mandate: &p.money.mandate,
            },
            Body::WriteOff(w) | Body::Reduction(w) => Party::OfPledge(w.pledge),
            Body::Ledger(_)
            | Body::Checkpoint(_)
            | Body::Reversal(_)
            | Body::Rate(_)
            | Body::Donor(_)
            | Body::Mandate(_)
            | Body::Fund(_)
            | Body::Agreement(_)
            | Body::ConditionMet(_) => Party::None,
        }
    }

    /// The entry that carries `p`'s fields as kind `kind`, for the kinds that are a
    /// `Payment` (`payment`, `refund`, `in-kind`); `None` for any other kind.
    pub fn of_payment(kind: Kind, p: Payment) -> Option<Body> {
        match kind {
            Kind::Payment => Some(Body::Payment(p)),
            Kind::Refund => Some(Body::Refund(p)),
            Kind::InKind => Some(Body::InKind(p)),
            Kind::Ledger
            | Kind::Checkpoint
            | Kind::Pledge
            | Kind::WriteOff
            | Kind::Reversal
            | Kind::Rate
            | Kind::Donor
            | Kind::Mandate
            | Kind::Reduction
            | Kind::Fund
            | Kind::Agreement
            | Kind::ConditionMet => None,
        }
    }

    /// The entry that carries `w`'s fields as kind `kind`, for the kinds that are a
    /// `WriteOff` (`write-off`, `reduction`); `None` for any other kind.
    pub fn of_write_off(kind: Kind, w: WriteOff) -> Option<Body> {
        match kind {
            Kind::WriteOff => Some(Body::WriteOff(w)),
            Kind::Reduction => Some(Body::Reduction(w)),
            Kind::Ledger
            | Kind::Checkpoint
            | Kind::Pledge
            | Kind::Payment
            | Kind::Refund
            | Kind::Reversal
            | Kind::Rate
            | Kind::Donor
            | Kind::Mandate
            | Kind::Fund
            | Kind::InKind
            | Kind::Agreement
            | Kind::ConditionMet => None,
        }
    }
}

/// Whose money an entry concerns (`Body::party`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party<'a> {
    /// The entry names its donor and mandate.
    Own { donor: &'a str, mandate: &'a str },
    /// The entry takes from the pledge with this number: its donor and mandate.
    OfPledge(u64),
    /// The entry concerns no donor's money.
    None,
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
    Checkpoint,
}

impl Kind {
    /// A donor, mandate or fund registration: what resolving a name needs.
    pub fn is_registration(self) -> bool {
        match self {
            Kind::Donor | Kind::Mandate | Kind::Fund => true,
            Kind::Ledger
            | Kind::Checkpoint
            | Kind::Pledge
            | Kind::Payment
            | Kind::Refund
            | Kind::WriteOff
            | Kind::Reversal
            | Kind::Rate
            | Kind::Reduction
            | Kind::InKind
            | Kind::Agreement
            | Kind::ConditionMet => false,
        }
    }

    /// A pledge, payment, refund, in-kind contribution, write-off or reduction: a
    /// money entry, what a report's budget counts.
    pub fn is_money(self) -> bool {
        match self {
            Kind::Pledge
            | Kind::Payment
            | Kind::Refund
            | Kind::InKind
            | Kind::WriteOff
            | Kind::Reduction => true,
            Kind::Ledger
            | Kind::Checkpoint
            | Kind::Reversal
            | Kind::Rate
            | Kind::Donor
            | Kind::Mandate
            | Kind::Fund
            | Kind::Agreement
            | Kind::ConditionMet => false,
        }
    }

    pub const ALL: [Kind; 15] = [
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
        Kind::Checkpoint,
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
            Kind::Checkpoint => "checkpoint",
        }
    }

    /// The kind whose stored name is exactly `text` (as a journal line holds it).
    pub fn from_stored(text: &str) -> Option<Kind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The kind a person names: case, surrounding space and `_` for `-` do not
    /// matter, and `writeoff` is `write-off`.
    pub fn parse(text: &str) -> Option<Kind> {
        let t = text.trim().to_ascii_lowercase().replace('_', "-");
        if t == "writeoff" {
            return Some(Kind::WriteOff);
        }
        Self::from_stored(&t)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The place of each kind in `Kind::ALL`; a new kind does not compile here until
    /// it is given one.
    fn place(k: Kind) -> usize {
        match k {
            Kind::Ledger => 0,
            Kind::Pledge => 1,
            Kind::Payment => 2,
            Kind::Refund => 3,
            Kind::WriteOff => 4,
            Kind::Reversal => 5,
            Kind::Rate => 6,
            Kind::Donor => 7,
            Kind::Mandate => 8,
            Kind::Reduction => 9,
            Kind::Fund => 10,
            Kind::InKind => 11,
            Kind::Agreement => 12,
            Kind::ConditionMet => 13,
            Kind::Checkpoint => 14,
        }
    }

    #[test]
    fn every_kind_is_listed_once_and_stored_by_its_name() {
        for (i, k) in Kind::ALL.into_iter().enumerate() {
            assert_eq!(place(k), i, "{}", k.as_str());
            // serde's name (the `kind` a line holds) is the table's.
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.as_str()));
            assert_eq!(Kind::from_stored(k.as_str()), Some(k));
            assert_eq!(Kind::parse(&k.as_str().to_uppercase()), Some(k));
        }
        assert_eq!(Kind::from_stored("Pledge"), None);
        assert_eq!(Kind::parse("writeoff"), Some(Kind::WriteOff));
    }
}
