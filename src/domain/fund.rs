//! The funds register: the funds UNODC keeps its contributions in, each mandate
//! belonging to one.
//!
//! Owns: the two built-in funds (the Fund of the United Nations International Drug
//! Control Programme and the United Nations Crime Prevention and Criminal Justice
//! Fund, under the financial rules of ST/SGB/2015/4), the checks of a new fund, fund
//! lookup by code or name, and which fund a mandate is in. A mandate registered
//! before funds were a register (no `fund`, or a fund text that names no registered
//! fund) is read as belonging to the default fund, the crime fund.
//! Does not read the journal: fund registrations are fed in by the book.

use crate::domain::Code;
use serde::{Deserialize, Serialize};

use super::register::{Mandate, Refused, Register, Unknown, check_code, check_name, fold};

/// A fund: its code (as mandates name it) and its full name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fund {
    pub code: String,
    pub name: String,
}

/// The Fund of the United Nations International Drug Control Programme.
pub const DRUG_FUND: &str = "UNDCP";
/// The United Nations Crime Prevention and Criminal Justice Fund: the fund of the
/// starter mandates, and of mandates registered without a fund.
pub const CRIME_FUND: &str = "CPCJF";

/// The built-in funds: (code, name).
pub const BUILTIN: [(&str, &str); 2] = [
    (
        DRUG_FUND,
        "Fund of the United Nations International Drug Control Programme",
    ),
    (
        CRIME_FUND,
        "United Nations Crime Prevention and Criminal Justice Fund",
    ),
];

impl Register {
    pub fn funds(&self) -> impl Iterator<Item = &Fund> {
        self.funds.values()
    }

    pub fn fund(&self, code: &str) -> Option<&Fund> {
        self.funds.get(code)
    }

    pub fn add_fund(&mut self, fund: Fund) {
        self.funds.insert(fund.code.clone(), fund);
    }

    /// The codes of every fund, for messages ("use one of ...").
    pub fn fund_codes(&self) -> Vec<String> {
        self.funds.keys().cloned().collect()
    }

    /// The fund a mandate is in: its own when registered, else the crime fund.
    pub fn fund_of(&self, mandate: &Mandate) -> &Fund {
        mandate
            .fund
            .as_deref()
            .and_then(|f| self.funds.get(f))
            .unwrap_or_else(|| &self.funds[CRIME_FUND])
    }

    /// The fund of the mandate with this slug (the crime fund for an unknown one).
    pub fn fund_of_slug(&self, slug: &str) -> &Fund {
        match self.mandate(slug) {
            Some(m) => self.fund_of(m),
            None => &self.funds[CRIME_FUND],
        }
    }

    /// Finds a fund by code or name, ignoring case and accents.
    pub fn resolve_fund(&self, text: &str) -> Result<&Fund, Unknown> {
        let key = fold(text);
        self.funds
            .values()
            .find(|f| fold(&f.code) == key || fold(&f.name) == key)
            .ok_or_else(|| Unknown {
                what: "fund",
                text: text.to_string(),
                suggestions: self.fund_codes(),
                note: None,
            })
    }

    /// Checks a new fund: a well-formed code, a name, and neither naming another fund.
    pub fn check_new_fund(&self, fund: &Fund) -> Result<(), Refused> {
        check_code("fund", &fund.code)?;
        check_name("fund", &fund.name)?;
        for (field, text) in [("code", &fund.code), ("name", &fund.name)] {
            if let Ok(other) = self.resolve_fund(text) {
                return Err((
                    Code::FundExists,
                    field,
                    format!("{text:?} already names fund {}", other.code),
                ));
            }
        }
        Ok(())
    }
}
