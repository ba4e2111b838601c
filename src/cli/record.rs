//! `ledger init`, `ledger record ...`, `ledger donor add`, `ledger mandate add`, `ledger fund add`:
//! parse the flags into a draft entry, check it against the ledger, append it.
//!
//! Examples:
//!   ledger record pledge --donor JPN --mandate coordination --amount 250000 --currency USD --date 2008-07-24
//!   ledger record reversal --entry 3 --reason "wrong value date"

use crate::domain::Code;
use std::io::Write;

use chrono::NaiveDate;

use super::args::{RecordCmd, RecordFormat};
use super::{Context, Failure};
use crate::domain::currency::parse_decimal;
use crate::domain::entry::{Payment, Pledge, Rate, Reversal, WriteOff};
use crate::domain::problem::shown;
use crate::domain::register::{DonorCategory, Earmarking};
use crate::domain::{Body, Currency, Entry, Problem, time};
use crate::journal::{self, Writer};

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

fn flag(name: &str) -> impl Fn(String) -> Failure + '_ {
    move |m| Failure::failed(format!("--{name}: {m}"))
}

pub(super) fn currency(text: &str, name: &str) -> Result<Currency, Failure> {
    Currency::lookup(text).ok_or_else(|| {
        Failure::failed(format!(
            "--{name}: unknown currency {}; use an ISO 4217 code such as USD, EUR, JPY [unknown-currency]",
            shown(text)
        ))
    })
}

fn amount(text: &str, name: &str) -> Result<rust_decimal::Decimal, Failure> {
    parse_decimal(text).map_err(|m| flag(name)(format!("{m} [bad-amount]")))
}

pub(super) fn date(text: &str, name: &str) -> Result<NaiveDate, Failure> {
    time::parse_date(text).map_err(|m| flag(name)(format!("{m} [bad-date]")))
}

fn date_or_today(text: Option<&str>, ctx: &Context, name: &str) -> Result<NaiveDate, Failure> {
    match text {
        Some(t) => date(t, name),
        None => Ok(ctx.now()?.date_naive()),
    }
}

fn text(t: Option<String>) -> Option<String> {
    t.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Maps a rejected draft to its flag: `--amount: ...`.
fn rejected(p: &Problem) -> Failure {
    // A donor's code and a mandate's slug are positional arguments, not flags.
    let place = match p.field {
        Some(f @ ("code" | "slug")) => f.to_string(),
        Some(f) => format!("--{f}"),
        None => "record".to_string(),
    };
    Failure::problem(&place, p)
}

/// Appends one checked entry and prints it.
pub fn append_one(
    ctx: &Context,
    out: &mut dyn Write,
    draft: Body,
    format: RecordFormat,
) -> Result<(), Failure> {
    append_with(ctx, out, |_| Ok(draft), format, true)
}

/// Like `append_one`, for drafts that need the ledger to be built (a write-off's currency).
fn append_with(
    ctx: &Context,
    out: &mut dyn Write,
    draft: impl FnOnce(&crate::domain::Checker) -> Result<Body, Failure>,
    format: RecordFormat,
    allow_duplicate_reference: bool,
) -> Result<(), Failure> {
    ctx.writable()?;
    let mut writer = Writer::open(&ctx.ledger, ctx.clock()?)?;
    let draft = draft(writer.book())?;
    if !allow_duplicate_reference && let Some(p) = duplicate_reference(writer.book(), &draft) {
        return Err(rejected(&p));
    }
    writer.stage(draft).map_err(|p| rejected(&p))?;
    let (entries, _head) = writer.commit()?;
    for e in &entries {
        print_entry(out, e, format)?;
    }
    Ok(())
}

fn print_entry(out: &mut dyn Write, e: &Entry, format: RecordFormat) -> Result<(), Failure> {
    match format {
        RecordFormat::Text => writeln!(
            out,
            "#{} {}",
            e.seq,
            crate::render::one_line(&super::log::describe(e))
        )?,
        RecordFormat::Json => {
            serde_json::to_writer(&mut *out, e)?;
            writeln!(out)?;
        }
    }
    Ok(())
}

pub fn run(cmd: RecordCmd, ctx: &Context, out: &mut dyn Write) -> Result<(), Failure> {
    let (draft, format) = match cmd {
        RecordCmd::Pledge {
            money,
            due,
            opening,
            outstanding,
            in_kind,
            agreement,
        } => {
            not_prior_period(money.prior_period, "pledge")?;
            let c = currency(&money.currency, "currency")?;
            let draft = Body::Pledge(Pledge {
                donor: money.donor,
                mandate: money.mandate,
                amount: amount(&money.amount, "amount")?,
                currency: c,
                date: date_or_today(money.date.as_deref(), ctx, "date")?,
                due: due.as_deref().map(|d| date(d, "due")).transpose()?,
                opening: opening.as_deref().map(|d| date(d, "opening")).transpose()?,
                outstanding: outstanding
                    .as_deref()
                    .map(|a| amount(a, "outstanding"))
                    .transpose()?,
                in_kind,
                reference: text(money.reference),
                memo: text(money.memo),
                source: None,
                agreement: text(agreement),
            });
            let allow = money.allow_duplicate_reference;
            return append_with(ctx, out, |_| Ok(draft), money.format, allow);
        }
        RecordCmd::Payment { money, pledge } => {
            let p = payment(money.clone_fields(), pledge, ctx)?;
            let allow = money.allow_duplicate_reference;
            return append_with(ctx, out, |_| Ok(Body::Payment(p)), money.format, allow);
        }
        RecordCmd::Refund { money, pledge } => {
            let p = payment(money.clone_fields(), pledge, ctx)?;
            let allow = money.allow_duplicate_reference;
            return append_with(ctx, out, |_| Ok(Body::Refund(p)), money.format, allow);
        }
        RecordCmd::InKind { money, pledge } => {
            let p = payment(money.clone_fields(), pledge, ctx)?;
            (Body::InKind(p), money.format)
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

/// A draft whose kind, donor and reference are already in the ledger (reversed
/// entries included, as `import` counts them): refused unless the user says it is a
/// second line of the same document, since later imports would count it against
/// their rows.
fn duplicate_reference(book: &crate::domain::Checker, draft: &Body) -> Option<Problem> {
    // The rules' canonical form (the donor's code); a draft they refuse is left to
    // them, so their message comes first.
    let body = book.check(draft.clone()).ok()?;
    let (donor, reference) = match &body {
        Body::Pledge(p) => (p.donor.clone(), p.reference.clone()?),
        Body::Payment(p) | Body::Refund(p) => (p.donor.clone(), p.reference.clone()?),
        Body::WriteOff(w) | Body::Reduction(w) => (
            book.pledge(w.pledge)?.donor.to_string(),
            w.reference.clone()?,
        ),
        _ => return None,
    };
    let kind = body.kind();
    let key = crate::domain::Checker::reference_key(kind, &donor, &reference);
    let first = book.recorded_with_reference_nth(&key, 1)?;
    let count = book.recorded_with_reference(&key);
    Some(Problem::field(
        Code::DuplicateReference,
        "reference",
        format!(
            "a {} of {donor} with reference {} is already recorded as #{first}{}; a second one would be counted against the rows of later imports. If this is another line of the same document, add --allow-duplicate-reference; if #{first} was wrong, reverse it and record again with --allow-duplicate-reference",
            kind.as_str(),
            crate::domain::problem::shown(&reference),
            if count > 1 {
                format!(" (and {} more)", count - 1)
            } else {
                String::new()
            }
        ),
    ))
}

/// `--prior-period` belongs to refunds only.
fn not_prior_period(given: bool, kind: &str) -> Result<(), Failure> {
    if given {
        return Err(Failure::failed(format!(
            "--prior-period: only a refund can be a prior-period refund, not a {kind} [prior-period-not-refund]"
        )));
    }
    Ok(())
}

/// `record write-off` and `record reduction`: the currency defaults to the pledge's
/// (the book checks that a given one matches); the reason is stored as the memo.
fn take(
    ctx: &Context,
    out: &mut dyn Write,
    args: super::args::TakeArgs,
    reduction: bool,
) -> Result<(), Failure> {
    not_prior_period(
        args.prior_period,
        if reduction { "reduction" } else { "write-off" },
    )?;
    let a = amount(&args.amount, "amount")?;
    let given = args
        .currency
        .as_deref()
        .map(|c| currency(c, "currency"))
        .transpose()?;
    let d = date_or_today(args.date.as_deref(), ctx, "date")?;
    let pledge = args.pledge;
    append_with(
        ctx,
        out,
        |book| {
            let cur = given
                .or_else(|| book.pledge(pledge).map(|p| p.currency))
                .unwrap_or(Currency::USD);
            let w = WriteOff {
                pledge,
                amount: a,
                currency: cur,
                date: d,
                reference: text(args.reference),
                memo: text(args.reason),
                source: None,
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

impl super::args::MoneyArgs {
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
        donor: m.donor,
        mandate: m.mandate,
        amount: amount(&m.amount, "amount")?,
        currency: currency(&m.currency, "currency")?,
        date: date_or_today(m.date.as_deref(), ctx, "date")?,
        pledge,
        prior_period: m.prior_period,
        reference: text(m.reference),
        memo: text(m.memo),
        source: None,
    })
}

pub fn donor_add(
    ctx: &Context,
    out: &mut dyn Write,
    code: String,
    name: String,
    category: String,
    aliases: Vec<String>,
    format: RecordFormat,
) -> Result<(), Failure> {
    let category = DonorCategory::parse(&category).ok_or_else(|| {
        let all: Vec<&str> = DonorCategory::ALL.iter().map(|c| c.as_str()).collect();
        Failure::failed(format!(
            "--category: unknown category {}; use one of {} [unknown-category]",
            shown(&category),
            all.join(", ")
        ))
    })?;
    let draft = Body::Donor(crate::domain::register::Donor {
        code,
        name,
        category,
        aliases,
    });
    append_one(ctx, out, draft, format)
}

pub fn mandate_add(
    ctx: &Context,
    out: &mut dyn Write,
    slug: String,
    name: String,
    earmarking: String,
    fund: Option<String>,
    format: RecordFormat,
) -> Result<(), Failure> {
    let earmarking = Earmarking::parse(&earmarking).ok_or_else(|| {
        let all: Vec<&str> = Earmarking::ALL.iter().map(|c| c.as_str()).collect();
        Failure::failed(format!(
            "--earmarking: unknown level {}; use one of {} [unknown-earmarking]",
            shown(&earmarking),
            all.join(", ")
        ))
    })?;
    let fund = text(fund);
    append_with(
        ctx,
        out,
        |book| {
            // Every new mandate belongs to one fund: say which there are (after
            // any other fault of the registration).
            let Some(fund) = fund else {
                book.check(Body::Mandate(crate::domain::register::Mandate {
                    slug,
                    name,
                    earmarking,
                    fund: None,
                }))
                .map_err(|p| rejected(&p))?;
                let all: Vec<String> = book
                    .register
                    .funds()
                    .map(|f| format!("{} ({})", f.code, f.name))
                    .collect();
                return Err(Failure::failed(format!(
                    "--fund: a mandate belongs to one fund; give --fund with one of {} [fund-required]",
                    all.join(", ")
                )));
            };
            Ok(Body::Mandate(crate::domain::register::Mandate {
                slug,
                name,
                earmarking,
                fund: Some(fund),
            }))
        },
        format,
        false,
    )
}

/// `ledger fund add CODE --name NAME`.
pub fn fund_add(
    ctx: &Context,
    out: &mut dyn Write,
    code: String,
    name: String,
    format: RecordFormat,
) -> Result<(), Failure> {
    let draft = Body::Fund(crate::domain::fund::Fund { code, name });
    append_one(ctx, out, draft, format)
}
