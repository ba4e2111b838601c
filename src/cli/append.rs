//! The one way a command records an entry: the flags' common parsers (`--currency`,
//! `--amount`, dates, free text), a draft checked against the ledger (and against a
//! reference already recorded), appended under the writer's lock, and printed as one
//! line or as JSON. Used by `record`, `cli::registers` and `cli::agreement`.

use std::io::Write;

use chrono::NaiveDate;

use super::record::RecordFormat;
use super::{Context, Failure};
use crate::domain::Checker;
use crate::domain::book::{Share, ShareOf, Whose};
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
    append_draft(ctx, out, draft, format, true)
}

/// Appends one entry, reading only the share of the ledger its judgment reads
/// (see `append_share`).
pub(super) fn append_draft(
    ctx: &Context,
    out: &mut dyn Write,
    draft: Body,
    format: RecordFormat,
    allow_duplicate_reference: bool,
) -> Result<(), Failure> {
    let kept = match Share::of_draft(&draft) {
        ShareOf::Donor(text) => Some(Kept::of_donor(text)),
        ShareOf::NoDonor => Some(Kept::NoDonor),
        ShareOf::Named(n) => Kept::of_entry(ctx, n),
    };
    let draft = |_: &Checker| Ok(draft.clone());
    append_share(ctx, out, kept, draft, format, allow_duplicate_reference)
}

/// Appends a write-off or reduction of entry `named`, reading only the share of
/// the ledger that entry belongs to, as its line says (see `append_share`).
pub(super) fn append_naming(
    ctx: &Context,
    out: &mut dyn Write,
    named: u64,
    draft: impl Fn(&Checker) -> Result<Body, Failure>,
    format: RecordFormat,
    allow_duplicate_reference: bool,
) -> Result<(), Failure> {
    let kept = Kept::of_entry(ctx, named);
    append_share(ctx, out, kept, draft, format, allow_duplicate_reference)
}

/// Appends a registration made from the registers as they stand (a mandate's, whose
/// message without a fund lists the funds), reading the share of no donor.
pub(super) fn append_registration(
    ctx: &Context,
    out: &mut dyn Write,
    draft: impl Fn(&Checker) -> Result<Body, Failure>,
    format: RecordFormat,
) -> Result<(), Failure> {
    append_share(ctx, out, Some(Kept::NoDonor), draft, format, false)
}

/// Whose entries a writer keeps (`Whose`, owned).
enum Kept {
    Donor(String),
    Registered,
    NoDonor,
}

impl Kept {
    /// A donor as typed: by its code if the built-in register knows it (a
    /// country's code or name, the EU's); else it is a registered donor's code or
    /// name (or no donor), and every registered donor's entries are kept.
    fn of_donor(text: &str) -> Kept {
        match crate::domain::register::Register::builtin().resolve_donor(text) {
            Ok(d) => Kept::Donor(d.code.clone()),
            Err(_) => Kept::Registered,
        }
    }

    /// The share entry `n` belongs to, as the last checkpoint's file or its line
    /// says; none if neither can say.
    fn of_entry(ctx: &Context, n: u64) -> Option<Kept> {
        let hint = crate::journal::checkpoint_share_hint(&ctx.ledger, n)
            .or_else(|| crate::journal::share_of(&ctx.ledger, n));
        Some(match hint? {
            Some(code) => Kept::Donor(code),
            None => Kept::NoDonor,
        })
    }

    fn whose(&self) -> Whose<'_> {
        match self {
            Kept::Donor(code) => Whose::Donor(code),
            Kept::Registered => Whose::Registered,
            Kept::NoDonor => Whose::NoDonor,
        }
    }
}

/// Appends a draft judged by one share of the ledger (`Share`: one donor's entries,
/// every registered donor's, or none, and every entry that names no donor), if
/// `kept` says which: the ledger is read keeping only those (`Reading::ToRecordOf`):
/// every line is read, checked and decoded, or, after a checkpoint, that share's
/// lines before it and every line after it, and the book holds that share of it.
/// Its verdict, a refusal too, is the whole book's when the draft reads that
/// share and every entry it names is in it (`Share::answers`), and what it accepts
/// is of that share (`Share::owns`); otherwise (a pledge named is another donor's,
/// a wrong hint) the ledger is read again whole and the draft judged as any other.
fn append_share(
    ctx: &Context,
    out: &mut dyn Write,
    kept: Option<Kept>,
    draft: impl Fn(&Checker) -> Result<Body, Failure>,
    format: RecordFormat,
    allow_duplicate_reference: bool,
) -> Result<(), Failure> {
    ctx.writable()?;
    if let Some(kept) = kept
        && let Some((entries, book)) =
            append_alone(ctx, &draft, kept.whose(), allow_duplicate_reference)?
    {
        for e in &entries {
            print_entry(out, e, format)?;
        }
        std::mem::forget(book);
        return Ok(());
    }
    append_with(ctx, out, draft, format, allow_duplicate_reference)
}

/// Judges and appends the draft against a book of share `whose`; `None` (nothing
/// appended) if that book cannot give the whole book's verdict.
fn append_alone(
    ctx: &Context,
    draft: &impl Fn(&Checker) -> Result<Body, Failure>,
    whose: Whose<'_>,
    allow_duplicate_reference: bool,
) -> Result<Option<(Vec<Entry>, Checker)>, Failure> {
    let mut writer = Writer::open(&ctx.ledger, ctx.clock()?, Reading::ToRecordOf(whose))?;
    let share = Share::new(whose);
    let draft = match draft(writer.book()) {
        Ok(draft) => draft,
        // Made from the registers alone, which every share holds whole.
        Err(f) if whose == Whose::NoDonor => return Err(f),
        Err(_) => return Ok(None),
    };
    if !share.answers(writer.book(), &draft) {
        return Ok(None);
    }
    // From here this book's verdict, a refusal too, is the whole book's.
    if !allow_duplicate_reference && let Some(p) = duplicate_reference(writer.book(), &draft) {
        return Err(rejected(&p));
    }
    let entry = writer.stage(draft).map_err(|p| rejected(&p))?;
    let body = entry.body.clone();
    if !share.owns(writer.book(), &body) {
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
    draft: impl FnOnce(&Checker) -> Result<Body, Failure>,
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
fn duplicate_reference(book: &Checker, draft: &Body) -> Option<Problem> {
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
        | Body::Checkpoint(_)
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
