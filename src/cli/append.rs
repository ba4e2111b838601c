//! The one way a command records an entry: the flags' common parsers (`--currency`,
//! `--amount`, dates, free text), a draft checked against the ledger (and against a
//! reference already recorded), appended under the writer's lock, and printed as one
//! line or as JSON. Used by `record`, `cli::registers` and `cli::agreement`.

use std::io::Write;

use chrono::NaiveDate;

use super::record::RecordFormat;
use super::{Context, Failure};
use crate::domain::book::OneDonor;
use crate::domain::currency::parse_decimal;
use crate::domain::problem::shown;
use crate::domain::{Body, Code, Currency, Entry, Kind, Problem, time};
use crate::journal::{Reading, Writer};

pub(super) fn flag(name: &str) -> impl Fn(String) -> Failure + '_ {
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

pub(super) fn amount(text: &str, name: &str) -> Result<rust_decimal::Decimal, Failure> {
    parse_decimal(text).map_err(|m| flag(name)(format!("{m} [bad-amount]")))
}

pub(super) fn date(text: &str, name: &str) -> Result<NaiveDate, Failure> {
    time::parse_date(text).map_err(|m| flag(name)(format!("{m} [bad-date]")))
}

pub(super) fn date_or_today(
    text: Option<&str>,
    ctx: &Context,
    name: &str,
) -> Result<NaiveDate, Failure> {
    match text {
        Some(t) => date(t, name),
        None => Ok(ctx.now()?.date_naive()),
    }
}

pub(super) fn text(t: Option<String>) -> Option<String> {
    t.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Maps a rejected draft to its flag: `--amount: ...`.
pub(super) fn rejected(p: &Problem) -> Failure {
    // A donor's code and a mandate's slug are positional arguments, not flags.
    let place = match p.field {
        Some(f @ ("code" | "slug")) => f.to_string(),
        Some(f) => format!("--{f}"),
        None => "record".to_string(),
    };
    Failure::problem(&place, p)
}

/// Appends one checked entry and prints it.
pub(super) fn append_one(
    ctx: &Context,
    out: &mut dyn Write,
    draft: Body,
    format: RecordFormat,
) -> Result<(), Failure> {
    append_with(ctx, out, |_| Ok(draft), format, true)
}

/// Appends a pledge, payment, refund or in-kind contribution, reading the ledger
/// for its donor alone (see `append_alone`).
pub(super) fn append_money(
    ctx: &Context,
    out: &mut dyn Write,
    draft: Body,
    format: RecordFormat,
    allow_duplicate_reference: bool,
) -> Result<(), Failure> {
    let code = OneDonor::of_draft(&draft).map(donor_code);
    append_for(
        ctx,
        out,
        code,
        |_| Ok(draft.clone()),
        format,
        allow_duplicate_reference,
    )
}

/// Appends a write-off, reduction or reversal of entry `named`, reading the ledger
/// for that entry's donor alone (see `append_alone`), as its line says.
pub(super) fn append_naming(
    ctx: &Context,
    out: &mut dyn Write,
    named: u64,
    draft: impl Fn(&crate::domain::Checker) -> Result<Body, Failure>,
    format: RecordFormat,
    allow_duplicate_reference: bool,
) -> Result<(), Failure> {
    let code = crate::journal::donor_of(&ctx.ledger, named);
    append_for(ctx, out, code, draft, format, allow_duplicate_reference)
}

/// Appends a draft whose judgment reads only donor `code`'s records and the
/// entries that name no donor: the ledger is read keeping only those
/// (`Reading::ToRecordOf`), so every line is still read, checked and decoded but
/// the book holds one donor's share of it. Its verdict, a refusal too, is the whole
/// book's when every entry the draft names is in it (`OneDonor::answers`) and what
/// it accepts is `code`'s (`OneDonor::owns`); otherwise (a pledge named is another
/// donor's, a registered donor given by name, a wrong hint) the ledger is read
/// again whole and the draft judged as any other.
fn append_for(
    ctx: &Context,
    out: &mut dyn Write,
    code: Option<String>,
    draft: impl Fn(&crate::domain::Checker) -> Result<Body, Failure>,
    format: RecordFormat,
    allow_duplicate_reference: bool,
) -> Result<(), Failure> {
    ctx.writable()?;
    if let Some(code) = code
        && let Some((entries, book)) = append_alone(ctx, &draft, &code, allow_duplicate_reference)?
    {
        for e in &entries {
            print_entry(out, e, format)?;
        }
        std::mem::forget(book);
        return Ok(());
    }
    append_with(ctx, out, draft, format, allow_duplicate_reference)
}

/// The code a donor given as typed most likely has: the built-in register's (a
/// country's code or name, the EU's), else the text as a code. A registered
/// donor's name gives the wrong code, which `append_alone` finds out.
fn donor_code(text: &str) -> String {
    match crate::domain::Book::new().register.resolve_donor(text) {
        Ok(d) => d.code.clone(),
        Err(_) => crate::domain::register::Register::canonical_donor_code(text),
    }
}

/// Judges and appends the draft against a book of donor `code`'s entries; `None`
/// (nothing appended) if that book cannot give the whole book's verdict.
fn append_alone(
    ctx: &Context,
    draft: &impl Fn(&crate::domain::Checker) -> Result<Body, Failure>,
    code: &str,
    allow_duplicate_reference: bool,
) -> Result<Option<(Vec<Entry>, crate::domain::Checker)>, Failure> {
    let mut writer = Writer::open(&ctx.ledger, ctx.clock()?, Reading::ToRecordOf(code))?;
    let Ok(draft) = draft(writer.book()) else {
        return Ok(None);
    };
    if !OneDonor::answers(writer.book(), &draft, code) {
        return Ok(None);
    }
    // From here this book's verdict, a refusal too, is the whole book's.
    if !allow_duplicate_reference && let Some(p) = duplicate_reference(writer.book(), &draft) {
        return Err(rejected(&p));
    }
    let entry = writer.stage(draft).map_err(|p| rejected(&p))?;
    let body = entry.body.clone();
    if !OneDonor::owns(writer.book(), &body, code) {
        // Dropped uncommitted, the writer writes nothing.
        return Ok(None);
    }
    let (entries, _head, book) = writer.commit_keeping()?;
    Ok(Some((entries, book)))
}

/// Like `append_one`, for drafts that need the ledger to be built (a write-off's currency).
pub(super) fn append_with(
    ctx: &Context,
    out: &mut dyn Write,
    draft: impl FnOnce(&crate::domain::Checker) -> Result<Body, Failure>,
    format: RecordFormat,
    allow_duplicate_reference: bool,
) -> Result<(), Failure> {
    ctx.writable()?;
    let mut writer = Writer::open(&ctx.ledger, ctx.clock()?, Reading::ToRecord)?;
    let draft = draft(writer.book())?;
    if !allow_duplicate_reference && let Some(p) = duplicate_reference(writer.book(), &draft) {
        return Err(rejected(&p));
    }
    writer.stage(draft).map_err(|p| rejected(&p))?;
    let (entries, _head, book) = writer.commit_keeping()?;
    for e in &entries {
        print_entry(out, e, format)?;
    }
    // The command ends here and the process with it, which returns the memory at
    // once: freeing the book of a large ledger one record at a time would cost a
    // sizeable share of the command.
    std::mem::forget(book);
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

/// A draft whose kind, donor and reference are already in the ledger (reversed
/// entries included, as `import` counts them): refused unless the user says it is a
/// second line of the same document, since later imports would count it against
/// their rows.
fn duplicate_reference(book: &crate::domain::Checker, draft: &Body) -> Option<Problem> {
    // The rules' canonical form (the donor's code); a draft they refuse is left to
    // them, so their message comes first.
    let body = book.check(draft.clone()).ok()?;
    let (donor, reference) = match &body {
        Body::Pledge(p) => (p.money.donor.clone(), p.notes.reference.clone()?),
        Body::Payment(p) | Body::Refund(p) | Body::InKind(p) => {
            (p.money.donor.clone(), p.notes.reference.clone()?)
        }
        Body::WriteOff(w) | Body::Reduction(w) => (
            book.pledge(w.pledge)?.donor.clone(),
            w.notes.reference.clone()?,
        ),
        Body::Ledger(_)
        | Body::Reversal(_)
        | Body::Rate(_)
        | Body::Donor(_)
        | Body::Mandate(_)
        | Body::Fund(_)
        | Body::Agreement(_)
        | Body::ConditionMet(_) => return None,
    };
    let kind = body.kind();
    let recorded = book.recorded_with(kind, &donor, &reference);
    let first = *recorded.first()?;
    let count = recorded.len();
    Some(Problem::field(
        Code::DuplicateReference,
        "reference",
        format!(
            "{} of {donor} with reference {} is already recorded as #{first}{}; a second one would be counted against the rows of later imports. If this is another line of the same document, add --allow-duplicate-reference; if #{first} was wrong, reverse it and record again with --allow-duplicate-reference",
            crate::domain::words::a(match kind {
                Kind::InKind => "in-kind contribution",
                k => k.as_str(),
            }),
            crate::domain::problem::shown(&reference),
            if count > 1 {
                format!(" (and {} more)", count - 1)
            } else {
                String::new()
            }
        ),
    ))
}
