//! `ledger import FILE [--profile NAME|PATH] [--dry-run]`: finds the profile, reads
//! the file, stages every new row in one writer, and commits them as one batch only
//! when no row has a problem. Prints the summary line; a progress bar on a terminal.
//!
//! Examples:
//!   ledger import receipts-2024-q3.csv --profile umoja-receipts --dry-run
//!   ledger import pledges.csv
//!   ledger import rates-2024.csv --profile rates
//!   ledger import anything.csv --profile ./my-profile.toml

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::args::{ImportArgs, OutFormat};
use super::{Context, Failure};
use crate::import::repeat::{rejected, resolve};
use crate::import::table::OpenError;
use crate::import::{Profile, ProfileError, Repeats, RowProblem, Seen, Table, decode};
use crate::journal::Writer;

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
    if let Some(text) = crate::import::profile::builtin(given) {
        let name = given.trim().to_ascii_lowercase();
        return Ok(Found {
            text: text.to_string(),
            shown: format!("built-in profile {name}"),
            name,
        });
    }
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|e| {
            Failure::failed(format!(
                "error: profile {}: cannot read it: {e} [unknown-profile]",
                path.display()
            ))
        })
    };
    let stem = |path: &Path| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| given.to_string())
    };
    if given.contains('/') || given.contains('\\') || given.ends_with(".toml") {
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
        "error: --profile: no profile {given:?}: it is not built in (canonical, rates, umoja-receipts) and neither {} nor {} exists [unknown-profile]",
        beside.display(),
        shipped.display()
    )))
}

fn profile_failure(shown: &str, errors: &[ProfileError]) -> Failure {
    let lines: Vec<String> = errors
        .iter()
        .map(|e| format!("error: {}", e.render(shown)))
        .collect();
    Failure::failed(format!(
        "{}\nimport refused: the profile has {} problem{}; nothing was read or written",
        lines.join("\n"),
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
    let bytes = std::fs::read(&args.file).map_err(|e| {
        Failure::failed(format!(
            "error: {}: cannot read it: {e}",
            args.file.display()
        ))
    })?;
    let file = args
        .file
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| args.file.display().to_string());
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let text = decode(&bytes, profile.encoding).map_err(|m| {
        let sep = if m.starts_with(|c: char| c.is_ascii_digit()) {
            ":"
        } else {
            ": "
        };
        Failure::failed(format!("error: {file}{sep}{m} [bad-encoding]"))
    })?;
    let table = Table::open(&text, &profile).map_err(|e| match e {
        OpenError::Profile(e) => profile_failure(&found.shown, &[e]),
        OpenError::File(p) => Failure::failed(format!(
            "error: {}\nimport refused: the file's header has a problem; nothing was read or written",
            p.render(&file)
        )),
    })?;

    let mut writer = Writer::open(&ctx.ledger, ctx.clock()?)?;
    profile
        .check(&writer.book().register)
        .map_err(|e| profile_failure(&found.shown, &e))?;
    let mut problems: Vec<RowProblem> = Vec::new();
    let mut repeats = Repeats::default();
    let mut already = 0u64;
    let mut deferred = Vec::new();
    let bar = progress(table.bytes());
    let parsed = table.rows(&file, &sha256, |row, at| {
        bar.set_position(at as u64);
        let key = match repeats.seen(&row, writer.book()) {
            Seen::Recorded => {
                already += 1;
                return;
            }
            Seen::New(key) => key,
        };
        match resolve(&row, writer.book()) {
            Err(p) => problems.push(p),
            Ok(body) => match writer.stage(body) {
                Ok(_) => repeats.staged(key),
                // A refund listed before the payment it returns (an export sorted
                // newest first) is tried again once every other row is staged.
                Err(p) if p.code == "refund-exceeds" => deferred.push((row, key)),
                Err(p) => problems.push(rejected(&row, name_staged(p, &writer))),
            },
        }
    });
    for (row, key) in deferred {
        let staged = resolve(&row, writer.book()).and_then(|body| {
            writer
                .stage(body)
                .map(|_| ())
                .map_err(|p| rejected(&row, name_staged(p, &writer)))
        });
        match staged {
            Ok(()) => repeats.staged(key),
            Err(p) => problems.push(p),
        }
    }
    problems.extend(parsed.problems.iter().cloned());
    bar.finish_and_clear();

    let new = writer.staged().len() as u64;
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
        let mut message: Vec<String> = problems
            .iter()
            .take(LIST_LIMIT)
            .map(|p| format!("error: {}", p.render(&file)))
            .collect();
        if problems.len() > LIST_LIMIT {
            message.push(format!(
                "... and {} more problems not listed",
                problems.len() - LIST_LIMIT
            ));
        }
        message.push(format!(
            "import refused: {bad_rows} of {} rows have problems; nothing was written",
            parsed.total
        ));
        return Err(Failure::failed(message.join("\n")));
    }

    if args.dry_run {
        print_dry_run(out, writer.staged(), args.format, &summary)?;
        drop(writer);
        return Ok(());
    }
    let (entries, head) = writer.commit()?;
    if let (Some(first), Some(last)) = (entries.first(), entries.last()) {
        writeln!(
            out,
            "recorded #{} to #{} from {file} (sha256 {}); ledger head {} entries, {}",
            first.seq,
            last.seq,
            &sha256[..12],
            head.entries,
            head.hash
        )?;
    }
    writeln!(out, "{summary}")?;
    Ok(())
}

fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn print_dry_run(
    out: &mut dyn Write,
    staged: &[crate::domain::Entry],
    format: OutFormat,
    summary: &str,
) -> Result<(), Failure> {
    match format {
        OutFormat::Json => {
            let v = serde_json::json!({
                "dry_run": true,
                "summary": summary,
                "entries": staged,
            });
            serde_json::to_writer_pretty(&mut *out, &v)?;
            writeln!(out)?;
        }
        OutFormat::Csv => {
            writeln!(out, "{}", super::log::CSV_HEADER)?;
            for e in staged {
                out.write_all(&super::log::csv_row(e)?)?;
            }
        }
        OutFormat::Table => {
            for e in staged {
                let at = e
                    .body
                    .source()
                    .map(|s| format!("  ({}:{})", s.file, s.row))
                    .unwrap_or_default();
                let details = super::log::details(e);
                writeln!(out, "#{} {}{details}{at}", e.seq, super::log::describe(e))?;
            }
            writeln!(out, "{summary} (dry run: nothing was written)")?;
        }
    }
    Ok(())
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

/// A rule's message may name an entry by number (`#12 already sets ...`). An entry
/// staged from this very file has no number yet (nothing is written if any row
/// fails), so it is named by its line instead.
fn name_staged(mut p: crate::domain::Problem, writer: &Writer) -> crate::domain::Problem {
    let first_staged = writer.head().entries + 1;
    let mut out = String::with_capacity(p.message.len());
    let mut rest = p.message.as_str();
    while let Some(at) = rest.find('#') {
        out.push_str(&rest[..at]);
        let digits = rest[at + 1..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len() - at - 1);
        let seq = rest[at + 1..at + 1 + digits].parse::<u64>().ok();
        let line = seq.filter(|n| *n >= first_staged).and_then(|n| {
            writer
                .staged()
                .iter()
                .find(|e| e.seq == n)
                .and_then(|e| e.body.source())
                .map(|s| s.row)
        });
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
