//! `ledger import FILE [--profile NAME|PATH] [--dry-run]`: finds the profile, reads
//! the file, stages every new row in one writer, and commits them as one batch only
//! when no row has a problem. Prints the summary line; a progress bar on a terminal.
//!
//! Examples:
//!   ledger import receipts-2024-q3.csv --profile umoja-receipts --dry-run
//!   ledger import pledges.csv
//!   ledger import rates-2024.csv --profile rates
//!   ledger import anything.csv --profile ./my-profile.toml

use crate::domain::Code;
use crate::domain::words::{count, span};
use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use clap::Args;

use super::args::OutFormat;
use super::{Context, Failure};
use crate::domain::book::{Donors, Share, Whose};
use crate::domain::register::Register;
use crate::domain::{Body, Checker};
use crate::import::repeat::{differences, rejected, resolve};
use crate::import::table::OpenError;
use crate::import::{Profile, ProfileError, Repeats, RowProblem, Seen, Table, decode};
use crate::journal::{Reading, StagedEntries, Watch, Writer};

mod groups;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  ledger import tests/fixtures/import/umoja-receipts-2024-q3.csv --profile umoja-receipts --dry-run\n  ledger import tests/fixtures/import/canonical-example.csv\n  ledger import tests/fixtures/import/rates-example.csv --profile rates"
)]
pub struct ImportArgs {
    /// The CSV file
    pub file: PathBuf,
    /// A built-in profile (canonical, rates), a profile in ledgers/profiles, or a TOML file path
    #[arg(long, default_value = "canonical")]
    pub profile: String,
    /// Show what would be recorded; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Output format of the dry run listing: table, json or csv
    #[arg(long, value_enum, default_value = "table")]
    pub format: OutFormat,
}

/// How many row problems are listed before the rest are only counted.
const LIST_LIMIT: usize = 100;

/// File size (bytes) from which a progress bar is worth drawing.
const PROGRESS_FROM: usize = 1 << 20;

/// A profile found: its text, the name entries record, and how to name it in messages.
struct Found {
    text: String,
    name: String,
    shown: String,
}

/// Built-ins first; a value with `/` or ending in `.toml` is a path; otherwise
/// `NAME.toml` in `profiles/` beside the ledger, then in `./ledgers/profiles/`, then
/// the shipped profiles compiled in.
fn find_profile(given: &str, ledger: &Path) -> Result<Found, Failure> {
    use crate::domain::problem::{limits, longer_than, shown, too_long};
    let is_path = given.contains('/') || given.contains('\\') || given.ends_with(".toml");
    // A profile's name is a name; a path is at most what file systems take.
    let max = if is_path { 4096 } else { limits::NAME };
    if longer_than(given, max) {
        return Err(Failure::failed(format!(
            "--profile: {} {} [too-long]",
            shown(given),
            too_long(max)
        )));
    }
    if let Some(text) = crate::import::profile::builtin(given) {
        let name = given.trim().to_ascii_lowercase();
        return Ok(Found {
            text: text.to_string(),
            shown: format!("built-in profile {name}"),
            name,
        });
    }
    let read = |path: &Path| {
        read_regular(path)
            .and_then(|bytes| {
                String::from_utf8(bytes).map_err(|_| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "stream did not contain valid UTF-8",
                    )
                })
            })
            .map_err(|e| {
                Failure::failed(format!(
                    "profile {}: cannot read it: {e} [unknown-profile]",
                    path.display()
                ))
            })
    };
    let stem = |path: &Path| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| given.to_string())
    };
    if is_path {
        let path = PathBuf::from(given);
        return Ok(Found {
            text: read(&path)?,
            name: stem(&path),
            shown: path.display().to_string(),
        });
    }
    let beside = ledger
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("profiles")
        .join(format!("{given}.toml"));
    let shipped = Path::new("ledgers/profiles").join(format!("{given}.toml"));
    for path in [&beside, &shipped] {
        if path.is_file() {
            return Ok(Found {
                text: read(path)?,
                name: given.to_string(),
                shown: path.display().to_string(),
            });
        }
    }
    if let Some((name, text)) = crate::import::builtin::SHIPPED
        .iter()
        .find(|(name, _)| *name == given.trim())
    {
        return Ok(Found {
            text: text.to_string(),
            name: name.to_string(),
            shown: format!("shipped profile {name}"),
        });
    }
    Err(Failure::failed(format!(
        "--profile: no profile {}: it is not built in (canonical, rates, umoja-receipts) and neither {} nor {} exists [unknown-profile]",
        crate::domain::problem::shown(given),
        beside.display(),
        shipped.display()
    )))
}

/// Opens a file to read, refusing one that is not a regular file (a FIFO would
/// block, a directory cannot be read), before opening it and again once open.
fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    let refuse = |meta: &std::fs::Metadata| match crate::journal::special_kind(meta) {
        None => Ok(()),
        Some(what) => Err(std::io::Error::other(format!(
            "it is {what}, not a regular file"
        ))),
    };
    refuse(&std::fs::metadata(path)?)?;
    let file = std::fs::File::open(path)?;
    refuse(&file.metadata()?)?;
    Ok(file)
}

/// Reads a file named on the command line. Only a regular file (or a symbolic link
/// to one) is read: a directory, a named pipe or a device (`/dev/zero`) is refused
/// before it is opened, so that nothing blocks or reads without end.
fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut file = open_regular(path)?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut bytes)?;
    Ok(bytes)
}

fn profile_failure(shown: &str, errors: &[ProfileError]) -> Failure {
    let lines: Vec<String> = errors.iter().map(|e| e.render(shown)).collect();
    // The first line's `error:` comes from the failure itself.
    Failure::failed(format!(
        "{}\nimport refused: the profile has {} problem{}; nothing was read or written",
        lines.join("\nerror: "),
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    ))
}

pub fn run(ctx: &Context, out: &mut dyn Write, args: ImportArgs) -> Result<(), Failure> {
    if !args.dry_run {
        ctx.writable()?;
    }
    let found = find_profile(&args.profile, &ctx.ledger)?;
    let profile = Profile::parse(&found.text, &found.name)
        .map_err(|e| profile_failure(&found.shown, &[e]))?;
    let bytes = read_regular(&args.file)
        .map_err(|e| Failure::failed(format!("{}: cannot read it: {e}", args.file.display())))?;
    let file = args
        .file
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| args.file.display().to_string());
    if bytes.is_empty() {
        return Err(Failure::failed(format!(
            "{file}: the file is empty; there is nothing to import [no-header]"
        )));
    }
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let text = decode(&bytes, profile.encoding).map_err(|m| {
        let sep = if m.starts_with(|c: char| c.is_ascii_digit()) {
            ":"
        } else {
            ": "
        };
        Failure::failed(format!("{file}{sep}{m} [bad-encoding]"))
    })?;
    let table = Table::open(&text, &profile).map_err(|e| match e {
        OpenError::Profile(e) => profile_failure(&found.shown, &[e]),
        OpenError::File(p) => Failure::failed(format!(
            "{}\nimport refused: the file's header has a problem; nothing was read or written",
            p.render(&file)
        )),
    })?;

    // A ledger that may hold more entries than a report holds at once is read
    // keeping only the share of it the rows are judged by.
    let budget = super::groups::budget()?;
    // So is one of more rows than a group of them holds (see `groups`), whatever
    // the ledger's size.
    let many_rows = groups::more_rows_than_a_group(table.most_rows(), budget);
    let share = (many_rows
        || crate::journal::most_entries(&ctx.ledger).is_some_and(|n| n > budget))
    .then(|| share_of_rows(&table, &file, &sha256));
    // A file of more rows than a group holds is then read again from disk for each
    // pass rather than held, when its text is its bytes as they are (UTF-8): tens of
    // megabytes for a million rows, through every group. Each pass checks that the
    // file is still the one hashed.
    let (held, read_again);
    let table = match text {
        Cow::Borrowed(_) if many_rows => {
            read_again = table.read_again(&profile, bytes.len() as u64, &sha256, {
                let path = args.file.clone();
                Box::new(move || Ok(Box::new(open_regular(&path)?) as Box<dyn std::io::Read>))
            });
            drop(table);
            drop(bytes);
            &read_again
        }
        _ => {
            held = table;
            &held
        }
    };
    let rows = Rows {
        ctx,
        profile: &profile,
        found: &found,
        table,
        file: &file,
        sha256: &sha256,
        many_rows,
    };
    let (writer, judged) = judge_file(&rows, share, budget)?;
    let Judged {
        mut problems,
        repeats,
        already,
        differing,
        parsed,
        ..
    } = judged;
    problems.extend(parsed.problems.iter().cloned());
    for (line, what) in differing.iter().take(LIST_LIMIT) {
        eprintln!("warning: {file}:{line}: {what}");
    }
    if differing.len() > LIST_LIMIT {
        eprintln!(
            "warning: ... and {} that differ from their recorded entries",
            count(
                (differing.len() - LIST_LIMIT) as u64,
                "more row",
                "more rows"
            )
        );
    }

    let new = writer.staged_count();
    let mut summary = format!(
        "{}: {}, {already} already recorded",
        count(parsed.total, "row", "rows"),
        count(new, "new entry", "new entries")
    );
    if parsed.filtered > 0 {
        summary.push_str(&format!(
            ", {} left out by the profile's filter",
            parsed.filtered
        ));
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        let bad_rows = {
            let mut lines: Vec<u64> = problems.iter().map(|p| p.line).collect();
            lines.dedup();
            lines.len()
        };
        let listed: Vec<String> = problems
            .iter()
            .take(LIST_LIMIT)
            .map(|p| p.render(&file))
            .collect();
        // The first line's `error:` comes from the failure itself.
        let mut message = listed.join("\nerror: ");
        if problems.len() > LIST_LIMIT {
            message.push_str(&format!(
                "\n... and {} not listed",
                count(
                    (problems.len() - LIST_LIMIT) as u64,
                    "more problem",
                    "more problems"
                )
            ));
        }
        message.push_str(&format!(
            "\nimport refused: {bad_rows} of {} {} problems; nothing was written",
            count(parsed.total, "row", "rows"),
            if bad_rows == 1 { "has" } else { "have" }
        ));
        return Err(Failure::failed(message));
    }

    if args.dry_run {
        print_dry_run(out, writer.into_staged()?, args.format, &summary)?;
        return Ok(());
    }
    let first = writer.head().entries + 1;
    let (entries, head, book) = writer.commit_keeping()?;
    if new > 0 {
        writeln!(
            out,
            "recorded {} from {file} (sha256 {}); ledger head {}, {}",
            span(first, head.entries),
            &sha256[..12],
            count(head.entries, "entry", "entries"),
            head.hash
        )?;
    }
    writeln!(out, "{summary}")?;
    // The command ends here and the process with it, which returns the memory at
    // once: freeing the book, the entries and the row keys one allocation at a time
    // would cost a tenth of a large import.
    std::mem::forget((book, entries, repeats));
    Ok(())
}

/// How many parts (see `groups::Parts`) rows make before they are judged in groups
/// without first reading their share as one: a file of many donors' rows (a
/// month's receipts of every donor) rarely fits one share of a ledger past the
/// budget, and a read that finds so costs more than counting the ledger's lines.
const MANY_PARTS: usize = 8;

/// The file whose rows are judged, and how.
#[derive(Clone, Copy)]
struct Rows<'a> {
    ctx: &'a Context,
    profile: &'a Profile,
    found: &'a Found,
    table: &'a Table<'a>,
    file: &'a str,
    sha256: &'a str,
    /// More rows than a group of them holds (`groups::more_rows_than_a_group`).
    many_rows: bool,
}

/// What judging every row of the file left.
struct Judged {
    problems: Vec<RowProblem>,
    repeats: Repeats,
    /// Rows already recorded.
    already: u64,
    /// Rows known by their reference whose recorded entry says otherwise.
    differing: Vec<(u64, String)>,
    parsed: crate::import::Parsed,
    /// The line of the row each staged entry came from, in the entries' order.
    lines: Vec<u64>,
    /// How many entries were staged before the refunds tried again (`Tried::Later`).
    first_pass: usize,
}

/// The rows one group of donors judges (see `groups`), and what it keeps of each
/// entry it stages.
struct GroupRows<'a> {
    takes: &'a dyn Fn(&crate::import::Row) -> Take,
    /// Rows of other groups' parts: not even read into a draft.
    skips: &'a dyn Fn(u64) -> bool,
    /// Of each entry staged, in order: whether it is a rate, and the entry it names
    /// (its pledge, the entry it reverses), if any; none for an entry naming one in
    /// a way that is not renumbered (`groups::named_mut`).
    marks: &'a mut Vec<groups::Mark>,
}

/// Whether `judge` takes a row: to judge it and count its verdict, to judge it
/// only (a rate, judged by every group of donors and counted by one), or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Take {
    Count,
    JudgeOnly,
    Skip,
}

/// The share of the ledger the file's rows are judged by (see `Share`): the donors
/// its pledges, payments, refunds and in-kind contributions name (a donor the
/// built-in register does not know stands for every registered donor), and, of the
/// rest of the ledger, the last pledge carrying each reference a row names a pledge
/// by (a write-off's pledge is found so) and the rows of this file imported before.
fn share_of_rows(table: &Table, file: &str, sha256: &str) -> (Donors, Watch, groups::Parts) {
    let builtin = Register::builtin();
    let mut parts = groups::Parts::default();
    table.rows(file, sha256, |row, _| parts.add(&row, &builtin));
    let watch = Watch {
        references: std::sync::Arc::clone(parts.named()),
        sha256: sha256.to_string(),
        most: None,
        room: [0; 4],
    };
    (parts.donors(), watch, parts)
}

/// `open_and_judge`, unless a pass over a file read again (`Table::read_again`)
/// found it changed or gone: what that pass read is not the file's, and nothing is
/// staged.
fn judge_file(
    rows: &Rows<'_>,
    share: Option<(Donors, Watch, groups::Parts)>,
    budget: u64,
) -> Result<(Writer, Judged), Failure> {
    let judged = open_and_judge(rows, share, budget);
    match rows.table.unread() {
        Some(why) => Err(Failure::failed(format!(
            "{}: {why}\nimport refused: nothing was written",
            rows.file
        ))),
        None => judged,
    }
}

/// Opens the ledger and judges every row, reading the share `share` names when
/// given. That book's verdicts are the whole book's only if it holds the last
/// pledge of each reference watched (else it is read again keeping those pledges'
/// donors too: `Writer::left_out`), and every row reads that share
/// (`Share::answers`) and makes an entry of it (`Share::owns`); a row that does
/// not sends the import back to read the whole ledger and judge every row again.
/// A share of rows of several parts holding more than `groups::most_lines` of the
/// budget is judged in groups (`groups`).
fn open_and_judge(
    rows: &Rows<'_>,
    share: Option<(Donors, Watch, groups::Parts)>,
    budget: u64,
) -> Result<(Writer, Judged), Failure> {
    let Rows {
        ctx,
        profile,
        found,
        table,
        file,
        sha256,
        many_rows,
    } = *rows;
    let (mut share, mut parts) = match share {
        // Rows of more than one part may be judged in groups: their share is read
        // keeping at most what one group holds.
        Some((donors, mut watch, parts)) if parts.count() > 1 => {
            watch.most = Some(groups::most_lines(budget));
            (Some((donors, watch)), Some(parts))
        }
        Some((donors, watch, _)) => (Some((donors, watch)), None),
        None => (None, None),
    };
    // Rows of many parts are grouped at once: counting the ledger's lines costs less
    // than a read that finds their share too large.
    let mut group_first = parts
        .as_ref()
        .is_some_and(|p| p.count() >= MANY_PARTS || many_rows);
    loop {
        let reading = match &share {
            Some((donors, watch)) => Reading::ToImportOf(Whose::Donors(donors), watch),
            None => Reading::ToImport,
        };
        let writer = match group_first {
            true => None,
            false => Some(Writer::open(&ctx.ledger, ctx.clock()?, reading)?),
        };
        group_first = false;
        let mut writer = match writer {
            Some(writer) if !writer.overflowed() => writer,
            other => {
                // Its lock is released before the groups take it again.
                drop(other);
                let parts = parts
                    .take()
                    .expect("a share is read with a limit only when it has parts");
                let watched = &mut share
                    .as_mut()
                    .expect("rows of parts are read as a share")
                    .1
                    .references;
                match groups::judge_in_groups(rows, parts, budget, watched)? {
                    groups::Grouped::Judged(judged) => return Ok(*judged),
                    groups::Grouped::One => {
                        if let Some((_, watch)) = &mut share {
                            watch.most = None;
                        }
                    }
                    groups::Grouped::Whole => {
                        eprintln!(
                            "note: the rows could not be judged in groups of donors as the whole ledger judges them; the whole ledger is read"
                        );
                        share = None;
                    }
                }
                continue;
            }
        };
        if let Some((donors, _)) = &mut share
            && !writer.left_out().is_empty()
        {
            let more = writer.left_out().clone();
            drop(writer);
            if more.iter().all(|d| donors.codes.contains(d)) {
                share = None;
            } else {
                donors.codes.extend(more);
            }
            continue;
        }
        profile
            .check(&writer.book().register)
            .map_err(|e| profile_failure(&found.shown, &e))?;
        writer.expect(table.most_rows());
        let judge_by = share
            .as_ref()
            .map(|(donors, _)| Share::new(Whose::Donors(donors)));
        match judge(&mut writer, table, file, sha256, judge_by.as_ref(), None) {
            Some(judged) => return Ok((writer, judged)),
            None => {
                drop(writer);
                share = None;
            }
        }
    }
}

/// Judges and stages every row, or with `group` every row it takes, in the file's
/// order; none if `share` is given and a row does not read it or makes an entry
/// outside it. The verdicts on rows a group judges only are not counted (their
/// entries are staged all the same).
fn judge(
    writer: &mut Writer,
    table: &Table,
    file: &str,
    sha256: &str,
    share: Option<&Share<'_>>,
    group: Option<GroupRows<'_>>,
) -> Option<Judged> {
    let mut problems: Vec<RowProblem> = Vec::new();
    let mut repeats = Repeats::default();
    let mut already = 0u64;
    let mut differing: Vec<(u64, String)> = Vec::new();
    let mut deferred = Vec::new();
    // The line of the row each staged entry came from, in the entries' order.
    let mut rows: Vec<u64> = Vec::new();
    let mut unanswered = false;
    let bar = progress(table.bytes());
    let (takes_in, skips_in, mut marks) = match group {
        Some(g) => (Some(g.takes), Some(g.skips), Some(g.marks)),
        None => (None, None, None),
    };
    let skips = |line: u64| skips_in.is_some_and(|f| f(line));
    let takes = |row: &crate::import::Row| takes_in.map_or(Take::Count, |f| f(row));
    let parsed = table.rows_but(file, sha256, skips, |row, at| {
        if unanswered {
            return;
        }
        bar.set_position(at as u64);
        let counted = match takes(&row) {
            Take::Count => true,
            Take::JudgeOnly => false,
            Take::Skip => return,
        };
        let key = match repeats.seen(&row, writer.book()) {
            Seen::Recorded(_) if !counted => return,
            Seen::Recorded(seq) => {
                already += 1;
                if let Some(seq) = seq {
                    let diff = differences(&row, writer.book(), seq);
                    if !diff.is_empty() {
                        differing.push((row.line, differs(&row, seq, &diff)));
                    }
                }
                return;
            }
            Seen::New(key) => key,
        };
        match try_row(writer, &row, share, &rows, true, marks.as_deref_mut()) {
            Tried::Staged => {
                rows.push(row.line);
                repeats.staged(key)
            }
            Tried::Unanswered => unanswered = true,
            Tried::Later => deferred.push((row, key, counted)),
            Tried::Refused(p) if counted => problems.push(p),
            Tried::Refused(_) => {}
        }
    });
    let first_pass = rows.len();
    for (row, key, counted) in deferred {
        if unanswered {
            break;
        }
        match try_row(writer, &row, share, &rows, false, marks.as_deref_mut()) {
            Tried::Staged => {
                rows.push(row.line);
                repeats.staged(key)
            }
            Tried::Unanswered | Tried::Later => unanswered = true,
            Tried::Refused(p) if counted => problems.push(p),
            Tried::Refused(_) => {}
        }
    }
    bar.finish_and_clear();
    (!unanswered).then_some(Judged {
        problems,
        repeats,
        already,
        differing,
        parsed,
        lines: rows,
        first_pass,
    })
}

/// What trying to stage one new row came to.
enum Tried {
    Staged,
    /// The share read cannot give the whole ledger's verdict on it.
    Unanswered,
    /// A refund larger than what was paid so far (an export sorted newest first
    /// lists a refund before the payment it returns): tried again once every other
    /// row is staged.
    Later,
    Refused(RowProblem),
}

/// Makes the row's draft, with its pledge named by number, and stages it (`first`:
/// a refund may wait, see `Tried::Later`). With a `share`: an accepted draft the
/// share owns read only that share, and a refusal counts only if the draft reads it
/// (`Share::answers`, asked of the draft made again, as a refusal leaves the book
/// as it was).
fn try_row(
    writer: &mut Writer,
    row: &crate::import::Row,
    share: Option<&Share<'_>>,
    rows: &[u64],
    first: bool,
    marks: Option<&mut Vec<groups::Mark>>,
) -> Tried {
    let body = match resolve(row, writer.book()) {
        Ok(body) => body,
        Err(p) => return Tried::Refused(p),
    };
    let answers = |writer: &Writer| {
        share
            .is_none_or(|s| resolve(row, writer.book()).is_ok_and(|b| s.answers(writer.book(), &b)))
    };
    match stage(writer, body, share, marks) {
        Ok(true) => Tried::Staged,
        Ok(false) => Tried::Unanswered,
        Err(_) if !answers(writer) => Tried::Unanswered,
        Err(p) if first && p.code == Code::RefundExceeds => Tried::Later,
        Err(p) => Tried::Refused(rejected(row, name_staged(p, writer, rows))),
    }
}

/// Why a row counted as already recorded is worth a look: its reference names entry
/// `seq`, whose amount, date or mandate differ from the row's.
fn differs(row: &crate::import::Row, seq: u64, diff: &[(&str, String, String)]) -> String {
    let names: Vec<&str> = diff.iter().map(|(f, _, _)| *f).collect();
    let values = |recorded: bool| {
        diff.iter()
            .map(|(f, r, found)| format!("{f} {}", if recorded { r } else { found }))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "reference {} is already recorded as #{seq}, but the {} differ{} (#{seq}: {}; this row: {}); the row is not recorded again: reverse #{seq} and import again to replace it",
        crate::domain::problem::shown(row.body.reference().unwrap_or_default()),
        names.join(", "),
        if names.len() == 1 { "s" } else { "" },
        values(true),
        values(false)
    )
}

fn print_dry_run(
    out: &mut dyn Write,
    staged: StagedEntries,
    format: OutFormat,
    summary: &str,
) -> Result<(), Failure> {
    match format {
        OutFormat::Json => {
            // As `serde_json::json!` of the three would print it (keys in order),
            // the entries written one at a time.
            let listing = DryRun {
                summary,
                entries: std::cell::RefCell::new(Some(staged)),
            };
            serde_json::to_writer_pretty(&mut *out, &listing)?;
            writeln!(out)?;
        }
        OutFormat::Csv => {
            writeln!(out, "{}", super::log::CSV_HEADER)?;
            for e in staged {
                out.write_all(&super::log::csv_row(&e?)?)?;
            }
        }
        OutFormat::Table => {
            for e in staged {
                let e = e?;
                let at = e
                    .body
                    .source()
                    .map(|s| format!("  ({}:{})", s.file, s.row))
                    .unwrap_or_default();
                let details = super::log::details(&e);
                let line = format!("#{} {}{details}{at}", e.seq, super::log::describe(&e));
                writeln!(out, "{}", crate::render::one_line(&line))?;
            }
            writeln!(out, "{summary} (dry run: nothing was written)")?;
        }
    }
    Ok(())
}

/// A dry run's listing as JSON: `dry_run`, `entries` and `summary`, each entry as
/// its JSON value (keys in order), read from the staged bodies as it is written.
struct DryRun<'a> {
    summary: &'a str,
    entries: std::cell::RefCell<Option<StagedEntries>>,
}

impl serde::Serialize for DryRun<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("dry_run", &true)?;
        map.serialize_entry("entries", &Listed(&self.entries))?;
        map.serialize_entry("summary", self.summary)?;
        map.end()
    }
}

/// The entries of a `DryRun`, each once.
struct Listed<'a>(&'a std::cell::RefCell<Option<StagedEntries>>);

impl serde::Serialize for Listed<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let entries = self.0.borrow_mut().take();
        let mut seq = serializer.serialize_seq(entries.as_ref().map(StagedEntries::left))?;
        for e in entries.into_iter().flatten() {
            let e = e.map_err(S::Error::custom)?;
            let value = serde_json::to_value(&e).map_err(S::Error::custom)?;
            seq.serialize_element(&value)?;
        }
        seq.end()
    }
}

/// A progress bar on stderr, drawn only on a terminal and for files worth it.
fn progress(bytes: usize) -> indicatif::ProgressBar {
    if bytes < PROGRESS_FROM || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(bytes as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("checking rows {bar:40} {percent}% {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// Stages one row's entry as its line's bytes only (an import may stage a million;
/// a dry run lists them from there too). True when the entry is of `share`
/// (`Share::owns`), or no share is given.
fn stage(
    writer: &mut Writer,
    body: Body,
    share: Option<&Share<'_>>,
    marks: Option<&mut Vec<groups::Mark>>,
) -> Result<bool, crate::domain::Problem> {
    // Asked once of every draft that passes its checks, just before it is staged:
    // the moment to mark it.
    let owns = |book: &Checker, body: &Body| {
        if let Some(marks) = marks {
            marks.push(groups::mark(body));
        }
        share.is_none_or(|s| s.owns(book, body))
    };
    writer.stage_line(body, owns).map(|(_, owned)| owned)
}

/// A rule's message may name an entry by number (`#12 already sets ...`). An entry
/// staged from this very file has no number yet (nothing is written if any row
/// fails), so it is named by its line instead.
fn name_staged(
    mut p: crate::domain::Problem,
    writer: &Writer,
    rows: &[u64],
) -> crate::domain::Problem {
    let first_staged = writer.head().entries + 1;
    let mut out = String::with_capacity(p.message.len());
    let mut rest = p.message.as_str();
    while let Some(at) = rest.find('#') {
        out.push_str(&rest[..at]);
        let digits = rest[at + 1..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len() - at - 1);
        let seq = rest[at + 1..at + 1 + digits].parse::<u64>().ok();
        let line = seq
            .and_then(|n| n.checked_sub(first_staged))
            .and_then(|i| rows.get(usize::try_from(i).ok()?).copied());
        match line {
            Some(l) => out.push_str(&format!("the row on line {l}")),
            None => out.push_str(&rest[at..at + 1 + digits]),
        }
        rest = &rest[at + 1 + digits..];
    }
    out.push_str(rest);
    p.message = out;
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An empty ledger in a directory of its own, and the time it was made at.
    fn new_ledger() -> (
        tempfile::TempDir,
        std::path::PathBuf,
        chrono::DateTime<chrono::Utc>,
    ) {
        let at: chrono::DateTime<chrono::Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("books.jsonl");
        crate::journal::init(&path, at).unwrap();
        (dir, path, at)
    }

    /// A share judges rows of its own donors, acceptances and refusals alike,
    /// without falling back on a read of the whole ledger (which the command's
    /// output could not show), and its book holds no other donor's pledge.
    #[test]
    fn a_share_judges_its_own_rows_without_the_whole_ledger() {
        let (_dir, path, at) = new_ledger();
        let mut w = Writer::open(&path, at, Reading::ToImport).unwrap();
        for (donor, reference) in [("JPN", "J-1"), ("USA", "U-1")] {
            let body: Body = serde_json::from_str(&format!(
                r#"{{"kind":"pledge","donor":"{donor}","mandate":"icat","amount":"100","currency":"USD","date":"2024-01-01","reference":"{reference}"}}"#
            ))
            .unwrap();
            w.stage(body).unwrap();
        }
        w.commit().unwrap();
        let canonical = crate::import::profile::builtin("canonical").unwrap();
        let profile = Profile::parse(canonical, "canonical").unwrap();
        let judged = |csv: &str| {
            let table = Table::open(csv, &profile).unwrap();
            let (donors, watch, _) = share_of_rows(&table, "f.csv", "abc");
            let reading = Reading::ToImportOf(Whose::Donors(&donors), &watch);
            let mut writer = Writer::open(&path, at, reading).unwrap();
            assert!(writer.left_out().is_empty());
            assert!(writer.book().pledge(1).is_some() && writer.book().pledge(2).is_none());
            let share = Share::new(Whose::Donors(&donors));
            judge(&mut writer, &table, "f.csv", "abc", Some(&share), None)
                .map(|j| (j.problems.len(), writer.staged_count()))
        };
        let header =
            "date,donor,mandate,kind,amount,currency,reference,pledge_reference,due,memo\n";
        // Two staged (a payment naming J-1, a pledge), one refused (unknown donor).
        assert_eq!(
            judged(&format!(
                "{header}2024-02-01,JPN,icat,payment,10.00,USD,P-1,J-1,,\n2024-02-02,JPN,icat,pledge,5.00,USD,J-2,,,\n2024-02-03,Jpaan,icat,payment,1.00,USD,,,,\n"
            )),
            Some((1, 2))
        );
        // A refund JPN was never paid: refused by the share, which holds JPN whole.
        assert_eq!(
            judged(&format!(
                "{header}2024-02-01,JPN,icat,refund,500.00,USD,R-1,,,\n"
            )),
            Some((1, 0))
        );
    }

    /// A file read again for each pass that is not the file any more when a
    /// pass reads it refuses the import, though every row was good when it was
    /// opened; read again unchanged, it is judged.
    #[test]
    fn a_file_changed_while_it_is_imported_is_refused() {
        let (_dir, path, _) = new_ledger();
        let before = std::fs::read(&path).unwrap();
        let ctx = Context {
            ledger: path.clone(),
            found: super::super::Found::Named,
        };
        let canonical = crate::import::profile::builtin("canonical").unwrap();
        let profile = Profile::parse(canonical, "canonical").unwrap();
        let found = Found {
            text: canonical.to_string(),
            name: "canonical".into(),
            shown: "canonical".into(),
        };
        let csv = "date,donor,mandate,kind,amount,currency\n2024-01-01,JPN,icat,payment,1.00,USD\n";
        let sha256 = hex::encode(Sha256::digest(csv.as_bytes()));
        let held = Table::open(csv, &profile).unwrap();
        for (read, refused) in [
            (csv.replace("1.00", "9.00"), true),
            (csv.to_string(), false),
        ] {
            let table = held.read_again(
                &profile,
                csv.len() as u64,
                &sha256,
                Box::new(move || {
                    Ok(Box::new(std::io::Cursor::new(read.clone().into_bytes()))
                        as Box<dyn std::io::Read>)
                }),
            );
            let rows = Rows {
                ctx: &ctx,
                profile: &profile,
                found: &found,
                table: &table,
                file: "f.csv",
                sha256: &sha256,
                many_rows: true,
            };
            let share = share_of_rows(&held, "f.csv", &sha256);
            match judge_file(&rows, Some(share), 1_000_000) {
                Err(f) if refused => {
                    let shown = format!("{f:?}");
                    assert!(
                        shown.contains("f.csv: the file changed while it was imported")
                            && shown.contains("nothing was written"),
                        "{shown}"
                    );
                }
                Ok((writer, judged)) if !refused => {
                    assert!(judged.problems.is_empty());
                    assert_eq!(writer.staged_count(), 1);
                }
                Err(f) => panic!("{f:?}"),
                Ok(_) => panic!("a changed file was judged"),
            }
        }
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn the_share_of_rows_is_their_donors_and_the_references_they_name() {
        let text = crate::import::profile::builtin("canonical").unwrap();
        let profile = Profile::parse(text, "canonical").unwrap();
        let csv = "date,donor,mandate,kind,amount,currency,reference,pledge_reference,due,memo\n\
                   2024-01-01,Japan,icat,pledge,1.00,USD,P-1,,,\n\
                   2024-01-02,DEU,icat,payment,1.00,USD,,P-1,,\n\
                   2024-01-03,,,write-off,1.00,USD,,P-7,,approved\n\
                   2024-01-04,United States of America,icat,refund,1.00,USD,,,,\n";
        let table = Table::open(csv, &profile).unwrap();
        let (donors, watch, _) = share_of_rows(&table, "f.csv", "abc");
        let mut codes: Vec<&str> = donors.codes.iter().map(String::as_str).collect();
        codes.sort();
        assert_eq!(codes, ["DEU", "JPN", "USA"]);
        assert!(!donors.registered);
        let mut refs: Vec<&str> = watch.references.iter().map(String::as_str).collect();
        refs.sort();
        assert_eq!(refs, ["P-1", "P-7"]);
        assert_eq!(watch.sha256, "abc");
        // A donor the built-in register does not know is a registered donor's.
        let table = Table::open(
            "date,donor,mandate,kind,amount,currency\n2024-01-01,Acme Foundation,icat,payment,1.00,USD\n",
            &profile,
        )
        .unwrap();
        let (donors, watch, _) = share_of_rows(&table, "g.csv", "def");
        assert!(donors.codes.is_empty() && donors.registered);
        assert!(watch.references.is_empty());
    }
}
