//! `ledger init` and `ledger record ...`: the arguments of each kind of entry; parse
//! the flags into a draft entry and append it through `cli::append`.
//!
//! Examples:
//!   ledger record pledge --donor JPN --mandate coordination --amount 250000 --currency USD --date 2008-07-24
//!   ledger record reversal --entry 3 --reason "wrong value date"

use std::io::Write;

use clap::{Args, Subcommand, ValueEnum};

use super::append::{
    amount, append_draft, append_naming, append_one, currency, date, date_or_today, flag, text,
};
use super::{Context, Failure};
use crate::domain::currency::parse_decimal;
use crate::domain::entry::{Kind, Money, Notes, Payment, Pledge, Rate, Reversal, WriteOff};
use crate::domain::{Body, Currency, time};
use crate::journal;

#[derive(Debug, Args)]
pub struct MoneyArgs {
    /// Donor: code, UN name, ISO name or alias
    #[arg(long)]
    pub donor: String,
    /// Mandate slug (or name)
    #[arg(long)]
    pub mandate: String,
    /// Amount, e.g. 250000 or 1234.50 (no more decimals than the currency allows)
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
    /// ISO 4217 currency code
    #[arg(long)]
    pub currency: String,
    /// Value date, YYYY-MM-DD, not later than today (default: today)
    #[arg(long)]
    pub date: Option<String>,
    /// Note verbale, agreement or finance-system reference
    #[arg(long)]
    pub reference: Option<String>,
    /// Free text
    #[arg(long)]
    pub memo: Option<String>,
    /// A refund of money received before (or outside) the ledger's records
    #[arg(long)]
    pub prior_period: bool,
    /// Record it although an entry of this kind, donor and reference exists (another line of the same document)
    #[arg(long)]
    pub allow_duplicate_reference: bool,
    /// text (one line) or json (the entry as recorded)
    #[arg(long, value_enum, default_value = "text")]
    pub format: RecordFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecordFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum RecordCmd {
    /// A donor's commitment
    #[command(
        after_help = "Examples:\n  ledger record pledge --donor Japan --mandate coordination --amount 250000 --currency USD --date 2024-07-24 --due 2025-06-30 --reference NV/2024/117\n  ledger record pledge --donor JPN --mandate coordination --amount 1000000 --currency EUR --date 2019-05-01 --opening 2024-01-01 --outstanding 400000"
    )]
    Pledge {
        #[command(flatten)]
        money: MoneyArgs,
        /// Due date, YYYY-MM-DD (may lie ahead; without one, a pledge is listed as undated once over a year old)
        #[arg(long)]
        due: Option<String>,
        /// For a pledge made before the ledger's records: the date they begin, YYYY-MM-DD
        #[arg(long)]
        opening: Option<String>,
        /// With --opening: what was still outstanding on that date
        #[arg(long, allow_hyphen_values = true)]
        outstanding: Option<String>,
        /// A pledge of goods or services: only in-kind contributions settle it
        #[arg(long)]
        in_kind: bool,
        /// The agreement this pledge is an instalment of (its code; same donor, mandate and currency)
        #[arg(long)]
        agreement: Option<String>,
    },
    /// The condition of a conditional agreement was met: its instalments count as pledged from this date
    #[command(
        after_help = "Examples:\n  ledger record condition-met --agreement US-2024-07 --date 2024-11-15 --memo \"matching funds confirmed\""
    )]
    ConditionMet {
        /// The agreement's code
        #[arg(long)]
        agreement: String,
        /// The date the condition was met, YYYY-MM-DD
        #[arg(long)]
        date: String,
        /// What met it (free text)
        #[arg(long)]
        memo: Option<String>,
        /// text (one line) or json (the entry as recorded)
        #[arg(long, value_enum, default_value = "text")]
        format: RecordFormat,
    },
    /// Money received
    #[command(
        after_help = "Examples:\n  ledger record payment --donor JPN --mandate coordination --amount 250000 --currency USD --date 2024-09-02\n  ledger record payment --donor JPN --mandate coordination --amount 100000 --currency EUR --date 2024-09-02 --pledge 3 --reference UMJ/2024/118"
    )]
    Payment {
        #[command(flatten)]
        money: MoneyArgs,
        /// The pledge this payment settles (its entry number); without it, a payment equal to what one open pledge of its donor, mandate and currency still owes settles that pledge, else the oldest first
        #[arg(long, value_parser = parse_seq)]
        pledge: Option<u64>,
    },
    /// Money returned to a donor
    #[command(
        after_help = "Examples:\n  ledger record refund --donor SWE --mandate victim-assistance --amount 1000 --currency USD --date 2024-09-25\n  ledger record refund --donor QAT --mandate un-gift --amount 2534000 --currency USD --date 2024-12-31 --prior-period"
    )]
    Refund {
        #[command(flatten)]
        money: MoneyArgs,
        /// The pledge the refunded money was paid against (its entry number)
        #[arg(long, value_parser = parse_seq)]
        pledge: Option<u64>,
    },
    /// Goods or services given instead of money, at fair value (--memo says what)
    #[command(
        after_help = "Examples:\n  ledger record in-kind --donor ITA --mandate victim-assistance --amount 45000 --currency EUR --date 2011-03-15 --memo \"shelter premises, 12 months\"\n  ledger record in-kind --donor JPN --mandate icat --amount 20000 --currency USD --date 2024-05-01 --pledge 12 --memo \"seconded expert, 3 months\""
    )]
    InKind {
        #[command(flatten)]
        money: MoneyArgs,
        /// The in-kind pledge this contribution settles (its entry number)
        #[arg(long, value_parser = parse_seq)]
        pledge: Option<u64>,
    },
    /// Part or all of an open pledge that will not be paid (needs --reason)
    #[command(
        after_help = "Examples:\n  ledger record write-off --pledge 36 --amount 33.24 --date 2011-06-30 --reason \"Controller's approval 2011/12: bank charges\"\n  ledger record write-off --pledge 3 --amount 1000 --date 2024-12-31 --reason \"Controller's approval 2024/88\""
    )]
    WriteOff(TakeArgs),
    /// The donor reduced or cancelled a pledge (needs --reason)
    #[command(
        after_help = "Examples:\n  ledger record reduction --pledge 3 --amount 50000 --date 2024-06-30 --reason \"letter of the Permanent Mission, 2024-06-12\"\n  ledger record reduction --pledge 7 --amount 20000 --reason \"note verbale 2024/201: pledge cancelled\""
    )]
    Reduction(TakeArgs),
    /// Void an earlier entry recorded in error
    #[command(
        after_help = "Examples:\n  ledger record reversal --entry 8 --reason \"wrong amount; recorded again as #10\"\n  ledger record reversal --entry '#12' --reason \"duplicate of #11\""
    )]
    Reversal {
        /// The entry to void (its number)
        #[arg(long, value_parser = parse_seq)]
        entry: u64,
        /// Why it is voided (kept with the reversal)
        #[arg(long)]
        reason: String,
        /// text (one line) or json (the entry as recorded)
        #[arg(long, value_enum, default_value = "text")]
        format: RecordFormat,
    },
    /// A UN operational rate of exchange: units of a currency per 1 USD from a date
    #[command(
        after_help = "Examples:\n  ledger record rate --currency EUR --per-usd 0.905 --date 2024-01-01\n  ledger record rate --currency JPY --per-usd 141.2 --date 2024-02-01"
    )]
    Rate {
        /// ISO 4217 currency code
        #[arg(long)]
        currency: String,
        /// Units of the currency per 1 USD, e.g. 0.905
        #[arg(long, allow_hyphen_values = true)]
        per_usd: String,
        /// The first day it applies, YYYY-MM-DD (rates are monthly: the first of the month; at most a month ahead)
        #[arg(long)]
        date: String,
        /// text (one line) or json (the entry as recorded)
        #[arg(long, value_enum, default_value = "text")]
        format: RecordFormat,
    },
}

/// A write-off or a reduction of a pledge.
#[derive(Debug, Args)]
pub struct TakeArgs {
    /// The pledge (its entry number)
    #[arg(long, value_parser = parse_seq)]
    pub pledge: u64,
    /// Amount in the pledge's currency, at most what it has outstanding
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
    /// Currency (default: the pledge's; must be the pledge's)
    #[arg(long)]
    pub currency: Option<String>,
    /// YYYY-MM-DD, not later than today (default: today)
    #[arg(long)]
    pub date: Option<String>,
    /// The authority for a write-off, the donor's notice for a reduction (required)
    #[arg(long, visible_alias = "memo")]
    pub reason: Option<String>,
    /// Approval or note verbale reference
    #[arg(long)]
    pub reference: Option<String>,
    /// Refused: only a refund can be a prior-period refund
    #[arg(long, hide = true)]
    pub prior_period: bool,
    /// Record it although an entry of this kind, donor and reference exists (another line of the same document)
    #[arg(long)]
    pub allow_duplicate_reference: bool,
    /// text (one line) or json (the entry as recorded)
    #[arg(long, value_enum, default_value = "text")]
    pub format: RecordFormat,
}

fn parse_seq(text: &str) -> Result<u64, String> {
    let t = text.trim().trim_start_matches('#');
    match t.parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!(
            "{text:?} is not an entry number (1, 2, 3, ... or #1, #2, ...)"
        )),
    }
}

pub fn init(ctx: &Context, out: &mut dyn Write) -> Result<(), Failure> {
    let head = journal::init(&ctx.ledger, time::truncate(ctx.now()?))?;
    writeln!(
        out,
        "created {} (0 entries, head {})",
        ctx.ledger.display(),
        head.hash
    )?;
    if ctx.found == super::Found::Local {
        writeln!(
            out,
            "ledger commands run in this directory use it; from elsewhere, give its path with --ledger or CONTRIB_LEDGER"
        )?;
    }
    Ok(())
}

pub fn run(ctx: &Context, out: &mut dyn Write, cmd: RecordCmd) -> Result<(), Failure> {
    let (draft, format) = match cmd {
        RecordCmd::Pledge {
            money,
            due,
            opening,
            outstanding,
            in_kind,
            agreement,
        } => {
            not_prior_period(money.prior_period, Kind::Pledge)?;
            let c = currency(&money.currency, "currency")?;
            let draft = Body::Pledge(Pledge {
                money: Money {
                    donor: money.donor.into(),
                    mandate: money.mandate.into(),
                    amount: amount(&money.amount, "amount")?,
                    currency: c,
                    date: date_or_today(money.date.as_deref(), ctx, "date")?,
                },
                due: due.as_deref().map(|d| date(d, "due")).transpose()?,
                opening: opening.as_deref().map(|d| date(d, "opening")).transpose()?,
                outstanding: outstanding
                    .as_deref()
                    .map(|a| amount(a, "outstanding"))
                    .transpose()?,
                in_kind,
                notes: Notes {
                    reference: text(money.reference),
                    memo: text(money.memo),
                    source: None,
                },
                agreement: text(agreement),
            });
            let allow = money.allow_duplicate_reference;
            return append_draft(ctx, out, draft, money.format, allow);
        }
        RecordCmd::Payment { money, pledge } => {
            let p = payment(money.clone_fields(), pledge, ctx)?;
            let allow = money.allow_duplicate_reference;
            return append_draft(ctx, out, Body::Payment(p), money.format, allow);
        }
        RecordCmd::Refund { money, pledge } => {
            let p = payment(money.clone_fields(), pledge, ctx)?;
            let allow = money.allow_duplicate_reference;
            return append_draft(ctx, out, Body::Refund(p), money.format, allow);
        }
        RecordCmd::InKind { money, pledge } => {
            let p = payment(money.clone_fields(), pledge, ctx)?;
            let allow = money.allow_duplicate_reference;
            return append_draft(ctx, out, Body::InKind(p), money.format, allow);
        }
        RecordCmd::WriteOff(args) => return take(ctx, out, args, false),
        RecordCmd::Reduction(args) => return take(ctx, out, args, true),
        RecordCmd::Reversal {
            entry,
            reason,
            format,
        } => (
            Body::Reversal(Reversal {
                entry,
                reason: reason.trim().to_string(),
            }),
            format,
        ),
        RecordCmd::ConditionMet {
            agreement,
            date: d,
            memo,
            format,
        } => (
            Body::ConditionMet(crate::domain::agreement::ConditionMet {
                agreement,
                date: date(&d, "date")?,
                memo: text(memo),
            }),
            format,
        ),
        RecordCmd::Rate {
            currency: c,
            per_usd,
            date: d,
            format,
        } => {
            let draft = Body::Rate(Rate {
                currency: currency(&c, "currency")?,
                per_usd: parse_decimal(&per_usd)
                    .map_err(|m| flag("per-usd")(format!("{m} [bad-rate]")))?,
                date: date(&d, "date")?,
                source: None,
            });
            (draft, format)
        }
    };
    append_one(ctx, out, draft, format)
}

/// `--prior-period` belongs to refunds only.
fn not_prior_period(given: bool, kind: Kind) -> Result<(), Failure> {
    if given {
        return Err(Failure::failed(format!(
            "--prior-period: only a refund can be a prior-period refund, not {} [prior-period-not-refund]",
            crate::domain::words::a(kind.as_str())
        )));
    }
    Ok(())
}

/// `record write-off` and `record reduction`: the currency defaults to the pledge's
/// (the book checks that a given one matches); the reason is stored as the memo.
fn take(
    ctx: &Context,
    out: &mut dyn Write,
    args: TakeArgs,
    reduction: bool,
) -> Result<(), Failure> {
    not_prior_period(
        args.prior_period,
        if reduction {
            Kind::Reduction
        } else {
            Kind::WriteOff
        },
    )?;
    let a = amount(&args.amount, "amount")?;
    let given = args
        .currency
        .as_deref()
        .map(|c| currency(c, "currency"))
        .transpose()?;
    let d = date_or_today(args.date.as_deref(), ctx, "date")?;
    let pledge = args.pledge;
    append_naming(
        ctx,
        out,
        pledge,
        |book| {
            let cur = given
                .or_else(|| book.pledge(pledge).map(|p| p.currency))
                .unwrap_or(Currency::USD);
            let w = WriteOff {
                pledge,
                amount: a,
                currency: cur,
                date: d,
                notes: Notes {
                    reference: text(args.reference.clone()),
                    memo: text(args.reason.clone()),
                    source: None,
                },
            };
            Ok(if reduction {
                Body::Reduction(w)
            } else {
                Body::WriteOff(w)
            })
        },
        args.format,
        args.allow_duplicate_reference,
    )
}

struct MoneyFields {
    donor: String,
    mandate: String,
    amount: String,
    currency: String,
    date: Option<String>,
    reference: Option<String>,
    memo: Option<String>,
    prior_period: bool,
}

impl MoneyArgs {
    fn clone_fields(&self) -> MoneyFields {
        MoneyFields {
            donor: self.donor.clone(),
            mandate: self.mandate.clone(),
            amount: self.amount.clone(),
            currency: self.currency.clone(),
            date: self.date.clone(),
            reference: self.reference.clone(),
            memo: self.memo.clone(),
            prior_period: self.prior_period,
        }
    }
}

fn payment(m: MoneyFields, pledge: Option<u64>, ctx: &Context) -> Result<Payment, Failure> {
    Ok(Payment {
        money: Money {
            donor: m.donor.into(),
            mandate: m.mandate.into(),
            amount: amount(&m.amount, "amount")?,
            currency: currency(&m.currency, "currency")?,
            date: date_or_today(m.date.as_deref(), ctx, "date")?,
        },
        pledge,
        prior_period: m.prior_period,
        notes: Notes {
            reference: text(m.reference),
            memo: text(m.memo),
            source: None,
        },
    })
}
