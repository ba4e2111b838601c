//! The checks of agreements: a new agreement, an instalment that names one, a
//! condition met, and entries that name an instalment not yet recognised.
//! Pure: never changes the book.

use chrono::NaiveDate;

use super::check::{check_date, check_text};
use super::{Checker, PledgeRec};
use crate::domain::Code;
use crate::domain::agreement::{Agreement, ConditionMet};
use crate::domain::entry::Pledge;
use crate::domain::problem::{Problem, check_length, limits, shown};
use crate::domain::register::Register;

impl Checker {
    /// A new agreement: a well-formed free code, a known donor and mandate, a title.
    pub(super) fn check_agreement(&self, mut a: Agreement) -> Result<Agreement, Problem> {
        check_length("code", &a.code, limits::CODE)?;
        check_text("title", Some(&a.title), false)?;
        check_length("donor", &a.donor, limits::NAME)?;
        check_length("mandate", &a.mandate, limits::NAME)?;
        a.code = Register::canonical_donor_code(&a.code);
        a.title = a.title.trim().to_string();
        let code_ok = !a.code.is_empty()
            && a.code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'));
        if !code_ok {
            return Err(Problem::field(
                Code::BadCode,
                "code",
                format!(
                    "agreement code {} must be letters, digits, '-', '_', '/' or '.'",
                    shown(&a.code)
                ),
            ));
        }
        if a.title.is_empty() {
            return Err(Problem::field(
                Code::MissingName,
                "title",
                "an agreement needs a title",
            ));
        }
        if let Some(other) = self.agreements.get(&a.code) {
            return Err(Problem::field(
                Code::AgreementExists,
                "code",
                format!(
                    "agreement {} is already registered (#{})",
                    a.code, other.seq
                ),
            ));
        }
        a.donor = self.resolve_donor(&a.donor)?;
        a.mandate = self.resolve_mandate(&a.mandate)?;
        check_date(a.signed, "signed")?;
        Ok(a)
    }

    /// A pledge that names an agreement: the agreement exists, and the pledge is
    /// for its donor, mandate and currency (the pledge's own codes already resolved).
    pub(super) fn check_instalment(&self, p: &mut Pledge) -> Result<(), Problem> {
        let Some(code) = p.agreement.as_deref() else {
            return Ok(());
        };
        check_length("agreement", code, limits::CODE)?;
        let code = Register::canonical_donor_code(code);
        let a = self.agreement_named(&code, "agreement")?;
        let g = &a.agreement;
        let differs = [
            ("donor", g.donor.as_str(), &*p.money.donor),
            ("mandate", g.mandate.as_str(), &*p.money.mandate),
            ("currency", g.currency.code(), p.money.currency.code()),
        ]
        .into_iter()
        .find(|(_, want, got)| want != got);
        if let Some((field, want, got)) = differs {
            return Err(Problem::field(
                Code::AgreementMismatch,
                "agreement",
                format!(
                    "agreement {code} is with {} for {} in {}; an instalment's {field} must be its agreement's ({want}, not {got})",
                    g.donor, g.mandate, g.currency
                ),
            ));
        }
        p.agreement = Some(code);
        Ok(())
    }

    /// The condition of a conditional agreement, met on a date.
    pub(super) fn check_condition_met(&self, mut c: ConditionMet) -> Result<ConditionMet, Problem> {
        check_length("agreement", &c.agreement, limits::CODE)?;
        check_text("memo", c.memo.as_deref(), true)?;
        c.agreement = Register::canonical_donor_code(&c.agreement);
        let a = self.agreement_named(&c.agreement, "agreement")?;
        if !a.agreement.conditional {
            return Err(Problem::field(
                Code::NotConditional,
                "agreement",
                format!(
                    "agreement {} was registered without --conditional; its instalments count as pledged from their own dates",
                    c.agreement
                ),
            ));
        }
        if let Some(d) = a.condition_met {
            return Err(Problem::field(
                Code::ConditionAlreadyMet,
                "agreement",
                format!("the condition of agreement {} was met on {d}", c.agreement),
            ));
        }
        check_date(c.date, "date")?;
        Ok(c)
    }

    /// An entry dated `date` that names pledge `p` (a payment, in-kind contribution,
    /// write-off or reduction): refused while `p` is an instalment of a conditional
    /// agreement that does not count as pledged by that date.
    pub(super) fn check_recognised(
        &self,
        p: &PledgeRec,
        date: NaiveDate,
        what: &str,
    ) -> Result<(), Problem> {
        let Some(code) = p.agreement.as_deref() else {
            return Ok(());
        };
        if p.pending {
            return Err(Problem::field(
                Code::ConditionNotMet,
                "pledge",
                format!(
                    "pledge #{} is an instalment of conditional agreement {code}, whose condition is not met; record condition-met --agreement {code} first (until then money received is an unpledged receipt)",
                    p.seq
                ),
            ));
        }
        if date < p.date && p.date > p.pledged_on {
            return Err(Problem::field(
                Code::ConditionNotMet,
                "date",
                format!(
                    "pledge #{} counts as pledged from {}, when the condition of agreement {code} was met; {} dated {date} cannot name it",
                    p.seq,
                    p.date,
                    crate::domain::words::a(what)
                ),
            ));
        }
        Ok(())
    }

    fn agreement_named(
        &self,
        code: &str,
        field: &'static str,
    ) -> Result<&crate::domain::agreement::AgreementRec, Problem> {
        self.agreements.get(code).ok_or_else(|| {
            let known: Vec<&str> = self
                .agreements
                .iter()
                .map(|a| a.agreement.code.as_str())
                .collect();
            Problem::field(
                Code::UnknownAgreement,
                field,
                if known.is_empty() {
                    format!(
                        "unknown agreement {}; none is registered (ledger agreement add)",
                        shown(code)
                    )
                } else {
                    format!(
                        "unknown agreement {}; see ledger agreement list",
                        shown(code)
                    )
                },
            )
        })
    }
}
