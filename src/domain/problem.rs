//! A problem with an input: a stable code, the field it concerns, and a message in
//! words a finance officer understands. Callers add where (file:line, flag).

use std::fmt;

/// Every stable problem code: the word in brackets at the end of a rejection
/// (`[unknown-donor]`), listed in the README's table (a test keeps the two equal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    UnknownAgreement,
    NotConditional,
    ConditionNotMet,
    ConditionAlreadyMet,
    AgreementMismatch,
    AgreementExists,
    AlreadyReversed,
    BadAmount,
    BadCode,
    BadCsv,
    BadDate,
    BadEncoding,
    BadEntry,
    BadKind,
    BadPeriod,
    BadPriorPeriod,
    BadProfile,
    BadRate,
    BadSign,
    BadText,
    BeforeOpening,
    ClockBackwards,
    CurrencyMismatch,
    DateBeforePledge,
    DemoLedger,
    DescriptionRequired,
    DonorExists,
    DueBeforeDate,
    DuplicateColumn,
    DuplicateReference,
    EmptyLedger,
    FundExists,
    FundRequired,
    FutureDate,
    InKindPledge,
    IncompleteOpening,
    MandateExists,
    MissingColumn,
    MissingName,
    MissingRate,
    MissingValue,
    NoHeader,
    NoSuchEntry,
    NoSuchPledge,
    NotAPledge,
    NotCanonical,
    NotInKindPledge,
    NotReversible,
    OpeningBeforePledge,
    OutstandingExceedsAmount,
    PaymentRefunded,
    PledgeInUse,
    PledgeReversed,
    PriorPeriodNotRefund,
    RateExists,
    ReasonRequired,
    ReductionExceeds,
    RefundExceeds,
    ReversalOfReversal,
    StaleRate,
    TooLong,
    TooManyDecimals,
    Uninhabited,
    UnknownCategory,
    UnknownCurrency,
    UnknownDonor,
    UnknownEarmarking,
    UnknownFund,
    UnknownMandate,
    UnknownPledgeReference,
    UnknownProfile,
    WriteOffExceeds,
    WrongDonor,
    WrongMandate,
}

impl Code {
    pub const ALL: [Code; 74] = [
        Code::AlreadyReversed,
        Code::UnknownAgreement,
        Code::NotConditional,
        Code::ConditionNotMet,
        Code::ConditionAlreadyMet,
        Code::AgreementMismatch,
        Code::AgreementExists,
        Code::BadAmount,
        Code::BadCode,
        Code::BadCsv,
        Code::BadDate,
        Code::BadEncoding,
        Code::BadEntry,
        Code::BadKind,
        Code::BadPeriod,
        Code::BadPriorPeriod,
        Code::BadProfile,
        Code::BadRate,
        Code::BadSign,
        Code::BadText,
        Code::BeforeOpening,
        Code::ClockBackwards,
        Code::CurrencyMismatch,
        Code::DateBeforePledge,
        Code::DemoLedger,
        Code::DescriptionRequired,
        Code::DonorExists,
        Code::DueBeforeDate,
        Code::DuplicateColumn,
        Code::DuplicateReference,
        Code::EmptyLedger,
        Code::FundExists,
        Code::FundRequired,
        Code::FutureDate,
        Code::InKindPledge,
        Code::IncompleteOpening,
        Code::MandateExists,
        Code::MissingColumn,
        Code::MissingName,
        Code::MissingRate,
        Code::MissingValue,
        Code::NoHeader,
        Code::NoSuchEntry,
        Code::NoSuchPledge,
        Code::NotAPledge,
        Code::NotCanonical,
        Code::NotInKindPledge,
        Code::NotReversible,
        Code::OpeningBeforePledge,
        Code::OutstandingExceedsAmount,
        Code::PaymentRefunded,
        Code::PledgeInUse,
        Code::PledgeReversed,
        Code::PriorPeriodNotRefund,
        Code::RateExists,
        Code::ReasonRequired,
        Code::ReductionExceeds,
        Code::RefundExceeds,
        Code::ReversalOfReversal,
        Code::StaleRate,
        Code::TooLong,
        Code::TooManyDecimals,
        Code::Uninhabited,
        Code::UnknownCategory,
        Code::UnknownCurrency,
        Code::UnknownDonor,
        Code::UnknownEarmarking,
        Code::UnknownFund,
        Code::UnknownMandate,
        Code::UnknownPledgeReference,
        Code::UnknownProfile,
        Code::WriteOffExceeds,
        Code::WrongDonor,
        Code::WrongMandate,
    ];

    /// The stable text of the code, as printed and documented.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::AgreementExists => "agreement-exists",
            Code::AgreementMismatch => "agreement-mismatch",
            Code::ConditionAlreadyMet => "condition-already-met",
            Code::ConditionNotMet => "condition-not-met",
            Code::NotConditional => "not-conditional",
            Code::UnknownAgreement => "unknown-agreement",
            Code::AlreadyReversed => "already-reversed",
            Code::BadAmount => "bad-amount",
            Code::BadCode => "bad-code",
            Code::BadCsv => "bad-csv",
            Code::BadDate => "bad-date",
            Code::BadEncoding => "bad-encoding",
            Code::BadEntry => "bad-entry",
            Code::BadKind => "bad-kind",
            Code::BadPeriod => "bad-period",
            Code::BadPriorPeriod => "bad-prior-period",
            Code::BadProfile => "bad-profile",
            Code::BadRate => "bad-rate",
            Code::BadSign => "bad-sign",
            Code::BadText => "bad-text",
            Code::BeforeOpening => "before-opening",
            Code::ClockBackwards => "clock-backwards",
            Code::CurrencyMismatch => "currency-mismatch",
            Code::DateBeforePledge => "date-before-pledge",
            Code::DemoLedger => "demo-ledger",
            Code::DescriptionRequired => "description-required",
            Code::DonorExists => "donor-exists",
            Code::DueBeforeDate => "due-before-date",
            Code::DuplicateColumn => "duplicate-column",
            Code::DuplicateReference => "duplicate-reference",
            Code::EmptyLedger => "empty-ledger",
            Code::FundExists => "fund-exists",
            Code::FundRequired => "fund-required",
            Code::FutureDate => "future-date",
            Code::InKindPledge => "in-kind-pledge",
            Code::IncompleteOpening => "incomplete-opening",
            Code::MandateExists => "mandate-exists",
            Code::MissingColumn => "missing-column",
            Code::MissingName => "missing-name",
            Code::MissingRate => "missing-rate",
            Code::MissingValue => "missing-value",
            Code::NoHeader => "no-header",
            Code::NoSuchEntry => "no-such-entry",
            Code::NoSuchPledge => "no-such-pledge",
            Code::NotAPledge => "not-a-pledge",
            Code::NotCanonical => "not-canonical",
            Code::NotInKindPledge => "not-in-kind-pledge",
            Code::NotReversible => "not-reversible",
            Code::OpeningBeforePledge => "opening-before-pledge",
            Code::OutstandingExceedsAmount => "outstanding-exceeds-amount",
            Code::PaymentRefunded => "payment-refunded",
            Code::PledgeInUse => "pledge-in-use",
            Code::PledgeReversed => "pledge-reversed",
            Code::PriorPeriodNotRefund => "prior-period-not-refund",
            Code::RateExists => "rate-exists",
            Code::ReasonRequired => "reason-required",
            Code::ReductionExceeds => "reduction-exceeds",
            Code::RefundExceeds => "refund-exceeds",
            Code::ReversalOfReversal => "reversal-of-reversal",
            Code::StaleRate => "stale-rate",
            Code::TooLong => "too-long",
            Code::TooManyDecimals => "too-many-decimals",
            Code::Uninhabited => "uninhabited",
            Code::UnknownCategory => "unknown-category",
            Code::UnknownCurrency => "unknown-currency",
            Code::UnknownDonor => "unknown-donor",
            Code::UnknownEarmarking => "unknown-earmarking",
            Code::UnknownFund => "unknown-fund",
            Code::UnknownMandate => "unknown-mandate",
            Code::UnknownPledgeReference => "unknown-pledge-reference",
            Code::UnknownProfile => "unknown-profile",
            Code::WriteOffExceeds => "write-off-exceeds",
            Code::WrongDonor => "wrong-donor",
            Code::WrongMandate => "wrong-mandate",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Stable, documented in the README (`unknown-donor`, `too-many-decimals`, ...).
    pub code: Code,
    pub field: Option<&'static str>,
    pub message: String,
}

impl Problem {
    pub fn new(code: Code, message: impl Into<String>) -> Problem {
        Problem {
            code,
            field: None,
            message: message.into(),
        }
    }

    pub fn field(code: Code, field: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            code,
            field: Some(field),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self.message, self.code)
    }
}

impl std::error::Error for Problem {}

/// The most characters a text may hold, by what it is. Longer text is refused
/// (`too-long`) before any other check, so that no work grows with it.
pub mod limits {
    /// Donor codes, mandate slugs, currencies, kinds, dates and amounts as typed.
    pub const CODE: usize = 40;
    /// Donor and mandate names (also when given to be looked up), aliases, funds,
    /// and the values of an import profile.
    pub const NAME: usize = 200;
    /// References (a note verbale, a finance-system document number).
    pub const REFERENCE: usize = 100;
    /// Memos and reversal reasons.
    pub const TEXT: usize = 2_000;
    /// One field of an imported CSV file, whatever the profile reads from it.
    pub const CSV_FIELD: usize = 10_000;
    /// One row of an imported CSV file, all its fields together.
    pub const CSV_ROW: usize = 100_000;
}

/// Text longer than this is shown cut in messages.
const SHOWN_IN_FULL: usize = 200;
/// How much of a cut text a message shows.
const SHOWN_CUT: usize = 40;

/// A value as a message quotes it: `"text"` (escaped like a Rust string), or, when
/// it is long, its start and its length: `"JJJJ…" (5,000,000 characters)`.
pub fn shown(text: &str) -> String {
    if text.len() <= SHOWN_IN_FULL || text.chars().count() <= SHOWN_IN_FULL {
        return format!("{text:?}");
    }
    let start: String = text.chars().take(SHOWN_CUT).collect();
    let quoted = format!("{start:?}");
    format!(
        "{}…\" ({} characters)",
        &quoted[..quoted.len() - 1],
        group(text.chars().count())
    )
}

/// `n` with thousands separators (5,000,000).
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// True when `text` has more than `max` characters.
pub fn longer_than(text: &str, max: usize) -> bool {
    text.len() > max && text.chars().count() > max
}

/// Refuses text longer than `max` characters: `too-long`, on `field`.
pub fn check_length(field: &'static str, text: &str, max: usize) -> Result<(), Problem> {
    if longer_than(text, max) {
        return Err(Problem::field(
            Code::TooLong,
            field,
            format!("{} {}", shown(text), too_long(max)),
        ));
    }
    Ok(())
}

/// Why a text is refused for its length, after the text itself.
pub fn too_long(max: usize) -> String {
    format!("is longer than the {} characters allowed", group(max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_shown_cut_with_their_length() {
        assert_eq!(shown("a\nb"), "\"a\\nb\"");
        let long = "J".repeat(5_000_000);
        assert_eq!(
            shown(&long),
            format!("\"{}…\" (5,000,000 characters)", "J".repeat(40))
        );
        assert!(check_length("donor", &long, limits::NAME).is_err());
        assert!(check_length("donor", &"é".repeat(200), limits::NAME).is_ok());
        assert_eq!(
            check_length("memo", &"x".repeat(2001), limits::TEXT)
                .unwrap_err()
                .to_string(),
            format!(
                "\"{}…\" (2,001 characters) is longer than the 2,000 characters allowed [too-long]",
                "x".repeat(40)
            )
        );
    }
}
