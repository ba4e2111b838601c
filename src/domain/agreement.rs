//! Contribution agreements: one commitment of a donor to a mandate, in one currency,
//! paid in instalments (each instalment a pledge that names the agreement).
//!
//! Owns: the `agreement` and `condition-met` entries as stored, and the agreement
//! register a book folds them into (lookup by code, the instalments of each, when a
//! conditional agreement's condition was met). Does not judge entries (see
//! `book::check`) or compute figures (see `report::agreements`).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::currency::Currency;
use super::entry::is_false;

/// A signed agreement (kind `agreement`). A `conditional` agreement's instalments
/// count as pledged only from the date a `condition-met` entry gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    pub code: String,
    pub donor: String,
    pub mandate: String,
    pub currency: Currency,
    pub signed: NaiveDate,
    pub title: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub conditional: bool,
}

/// The condition of a conditional agreement was met on `date` (kind `condition-met`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionMet {
    pub agreement: String,
    pub date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
}

/// One registered agreement and what the journal says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementRec {
    pub seq: u64,
    pub agreement: Agreement,
    /// When its condition was met (conditional agreements only).
    pub condition_met: Option<NaiveDate>,
    /// The pledges that name it, reversed ones included, in entry order.
    pub instalments: Vec<u64>,
}

impl AgreementRec {
    /// The date from which an instalment pledged on `date` counts as pledged: its
    /// own date, or the date the condition was met if later; none while a
    /// conditional agreement's condition is not met.
    pub fn recognised_from(&self, date: NaiveDate) -> Option<NaiveDate> {
        if !self.agreement.conditional {
            return Some(date);
        }
        self.condition_met.map(|met| met.max(date))
    }
}

/// The agreements a ledger holds, by code.
#[derive(Debug, Clone, Default)]
pub struct Agreements(BTreeMap<String, AgreementRec>);

impl Agreements {
    pub fn get(&self, code: &str) -> Option<&AgreementRec> {
        self.0.get(code)
    }

    /// Every agreement, in order of code.
    pub fn iter(&self) -> impl Iterator<Item = &AgreementRec> {
        self.0.values()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn add(&mut self, seq: u64, agreement: Agreement) {
        let code = agreement.code.clone();
        self.0.insert(
            code,
            AgreementRec {
                seq,
                agreement,
                condition_met: None,
                instalments: Vec::new(),
            },
        );
    }

    pub(crate) fn get_mut(&mut self, code: &str) -> Option<&mut AgreementRec> {
        self.0.get_mut(code)
    }
}
