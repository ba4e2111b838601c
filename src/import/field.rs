//! The fields a row fills (the canonical header, plus `per_usd` for rates,
//! `prior_period` for refunds, `opening` and `outstanding` for opening pledges) and the
//! columns a profile takes them from. Names only: no parsing of values here.

use serde::Deserialize;

/// The fields a row can fill: the canonical CSV header, plus `per_usd` for rates.
/// `prior_period` is a yes/no: see `parse_yes_no`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Date,
    Donor,
    Mandate,
    Kind,
    Amount,
    Currency,
    Reference,
    PledgeReference,
    Due,
    Memo,
    PerUsd,
    PriorPeriod,
    Opening,
    Outstanding,
}

impl Field {
    pub const ALL: [Field; 14] = [
        Field::Date,
        Field::Donor,
        Field::Mandate,
        Field::Kind,
        Field::Amount,
        Field::Currency,
        Field::Reference,
        Field::PledgeReference,
        Field::Due,
        Field::Memo,
        Field::PerUsd,
        Field::PriorPeriod,
        Field::Opening,
        Field::Outstanding,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Date => "date",
            Field::Donor => "donor",
            Field::Mandate => "mandate",
            Field::Kind => "kind",
            Field::Amount => "amount",
            Field::Currency => "currency",
            Field::Reference => "reference",
            Field::PledgeReference => "pledge_reference",
            Field::Due => "due",
            Field::Memo => "memo",
            Field::PerUsd => "per_usd",
            Field::PriorPeriod => "prior_period",
            Field::Opening => "opening",
            Field::Outstanding => "outstanding",
        }
    }

    /// The most characters the field's text may have (`too-long` beyond).
    pub fn max_length(self) -> usize {
        use crate::domain::problem::limits;
        match self {
            Field::Donor | Field::Mandate => limits::NAME,
            Field::Reference | Field::PledgeReference => limits::REFERENCE,
            Field::Memo => limits::TEXT,
            Field::Date
            | Field::Kind
            | Field::Amount
            | Field::Currency
            | Field::Due
            | Field::PerUsd
            | Field::PriorPeriod
            | Field::Opening
            | Field::Outstanding => limits::CODE,
        }
    }

    pub fn parse(text: &str) -> Option<Field> {
        Self::ALL.into_iter().find(|f| f.as_str() == text)
    }

    pub fn list() -> String {
        let all: Vec<&str> = Self::ALL.iter().map(|f| f.as_str()).collect();
        all.join(", ")
    }
}

/// Where a field's text comes from: a header name or a 1-based column number.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Column {
    Number(u64),
    Name(String),
}

impl std::fmt::Display for Column {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Column::Number(n) => write!(f, "column {n}"),
            Column::Name(s) => write!(f, "column {s:?}"),
        }
    }
}

/// A yes/no field's text: true/false, yes/no, y/n or 1/0, in any case.
pub fn parse_yes_no(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Some(true),
        "false" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}
