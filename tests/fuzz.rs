//! Fuzzing on stable Rust, through proptest: arbitrary bytes and structured
//! mutations of valid inputs into every parser of untrusted input, in process.
//!
//! - the journal: one line's byte-level check and decoder (`check_line`,
//!   `decode_line`), whole files through `scan` and `repair`, and lines that were
//!   changed and then given a correct hash (a forger can compute SHA-256 too);
//! - the import profile loader (`Profile::parse`, then `Profile::check`);
//! - the CSV mapper: bytes through decoding, the header, the rows, each row's draft,
//!   and the book's checks, through the canonical profile and custom ones.
//!
//! Never a panic (or a hang): always a clean error or a clean result. And for the
//! journal: any change to a valid ledger that leaves it ending with a line break
//! fails verification naming the first changed line.
//!
//! `LEDGER_FUZZ_CASES` (default 200) sets the cases per target, e.g.
//! `LEDGER_FUZZ_CASES=20000 cargo test --release fuzz`.

use std::path::Path;
use std::sync::OnceLock;

use chrono::{TimeZone, Utc};
use ledger::domain::{Checker, Entry};
use ledger::import::repeat::{rejected, resolve};
use ledger::import::table::OpenError;
use ledger::import::{Profile, Repeats, Seen, Table, decode};
use ledger::journal::{self, JournalError, Tail, check_line, decode_line};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;
use sha2::{Digest, Sha256};

use crate::util::Test;

fn config() -> Config {
    let cases = std::env::var("LEDGER_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// A small ledger with every kind of entry, text with quotes, backslashes, line
/// breaks, tabs and non-ASCII characters, and an imported batch with sources.
fn ledger_fixture() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let t = Test::init();
        let steps: &[&[&str]] = &[
            &[
                "donor",
                "add",
                "GATES",
                "--name",
                "Fondation Gates — “Ω”",
                "--category",
                "foundation",
                "--alias",
                "BMGF",
            ],
            &[
                "mandate",
                "add",
                "oceans",
                "--name",
                "Océans",
                "--earmarking",
                "earmarked",
                "--fund",
                "CPCJF",
            ],
            &[
                "record",
                "rate",
                "--currency",
                "EUR",
                "--per-usd",
                "0.9",
                "--date",
                "2024-01-01",
            ],
            &[
                "record",
                "pledge",
                "--donor",
                "GATES",
                "--mandate",
                "oceans",
                "--amount",
                "1000.5",
                "--currency",
                "EUR",
                "--date",
                "2024-01-02",
                "--due",
                "2024-12-31",
                "--reference",
                "R\"1\\",
                "--memo",
                "two\nlines\ttab é 日本",
            ],
            &[
                "record",
                "payment",
                "--donor",
                "BMGF",
                "--mandate",
                "oceans",
                "--amount",
                "400",
                "--currency",
                "EUR",
                "--date",
                "2024-02-01",
                "--pledge",
                "4",
            ],
            &[
                "record",
                "refund",
                "--donor",
                "GATES",
                "--mandate",
                "oceans",
                "--amount",
                "100",
                "--currency",
                "EUR",
                "--date",
                "2024-03-01",
            ],
            &[
                "record",
                "write-off",
                "--pledge",
                "4",
                "--amount",
                "50.25",
                "--date",
                "2024-04-01",
                "--reason",
                "Controller's approval 2024/1",
            ],
            &["record", "reversal", "--entry", "7", "--reason", "wrong"],
        ];
        for args in steps {
            t.ok(args);
        }
        let csv = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/import/canonical-example.csv");
        t.ok(&["import", csv.to_str().unwrap()]);
        t.journal()
    })
}

fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split_inclusive(|b| *b == b'\n').collect()
}

/// Bytes a mutation inserts: JSON and CSV syntax, numbers at the edges of their
/// types, escapes, multi-byte characters, line breaks, NUL.
const TOKENS: &[&str] = &[
    "\"",
    "\\",
    "\\u0000",
    "\\ud800",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "null",
    "true",
    "-1",
    "0",
    "1e999",
    "18446744073709551616",
    "4294967296",
    "é",
    "日本",
    "\u{feff}",
    "\0",
    "\n",
    "\r\n",
    "\t",
    ";",
    "=",
    "'",
    "#",
    ",\"batch\":[1,2]",
    ",\"batch\":[0,0]",
    ",\"batch\":[",
    "\"kind\":\"ledger\"",
    "\"kind\":\"pledge\"",
    "\"seq\":",
    "\"prev\":\"",
    "\"amount\":\"1e5\"",
    "\"date\":\"2024-02-30\"",
    "\"recorded_at\":\"9999-12-31T23:59:59Z\"",
    "1,234.50",
    "(1.000,00)",
    "1.000,00-",
    "99999999999999999999999999999",
    "write-off",
    "JPN",
];

#[derive(Debug, Clone)]
enum Edit {
    Flip(Index, u8),
    Insert(Index, Index),
    Delete(Index, usize),
    Random(Index, Vec<u8>),
    Duplicate(Index, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), 1u8..=255).prop_map(|(i, m)| Edit::Flip(i, m)),
        (any::<Index>(), any::<Index>()).prop_map(|(i, t)| Edit::Insert(i, t)),
        (any::<Index>(), 1usize..40).prop_map(|(i, n)| Edit::Delete(i, n)),
        (any::<Index>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, b)| Edit::Random(i, b)),
        (any::<Index>(), 1usize..80).prop_map(|(i, n)| Edit::Duplicate(i, n)),
    ]
}

fn apply(bytes: &mut Vec<u8>, e: &Edit) {
    if bytes.is_empty() {
        bytes.push(b'{');
    }
    match e {
        Edit::Flip(i, m) => {
            let i = i.index(bytes.len());
            bytes[i] ^= m;
        }
        Edit::Insert(i, t) => {
            let at = i.index(bytes.len() + 1);
            let token = TOKENS[t.index(TOKENS.len())].as_bytes();
            bytes.splice(at..at, token.iter().copied());
        }
        Edit::Delete(i, n) => {
            let at = i.index(bytes.len());
            let end = (at + n).min(bytes.len());
            bytes.drain(at..end);
        }
        Edit::Random(i, b) => {
            let at = i.index(bytes.len());
            let end = (at + b.len()).min(bytes.len());
            bytes.splice(at..end, b.iter().copied());
        }
        Edit::Duplicate(i, n) => {
            let at = i.index(bytes.len());
            let end = (at + n).min(bytes.len());
            let copy = bytes[at..end].to_vec();
            bytes.splice(end..end, copy);
        }
    }
}

/// Gives a line (without its newline) a correct hash over its bytes, as a forger would.
fn rehash(body: &[u8]) -> Vec<u8> {
    let mut line = body.to_vec();
    let hash = hex::encode(Sha256::digest(body));
    line.extend_from_slice(b",\"hash\":\"");
    line.extend_from_slice(hash.as_bytes());
    line.extend_from_slice(b"\"}");
    line
}

/// The line of a journal's stored form without its hash suffix.
fn body_of(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    &line[..line.len() - (9 + 64 + 2)]
}

/// Scans a journal's bytes in a fresh directory (no index), with and without parsing.
fn scan_bytes(bytes: &[u8]) -> [Result<journal::Scan, JournalError>; 2] {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.jsonl");
    std::fs::write(&path, bytes).unwrap();
    let mut seen = 0u64;
    let parsed = journal::scan(&path, true, None, |e| {
        assert!(e.seq > seen, "entries in order");
        seen = e.seq;
    });
    let checked = journal::scan(&path, false, None, |_| {});
    // Repair never panics either, and never cuts what the scan called committed.
    if let Ok(s) = &checked {
        match journal::repair(&path) {
            Ok(Some(r)) => {
                assert!(matches!(s.tail, Tail::Torn { .. }));
                assert_eq!(r.offset, s.committed_len);
                assert_eq!(std::fs::read(&path).unwrap(), bytes[..r.offset as usize]);
            }
            Ok(None) => assert_eq!(s.tail, Tail::Clean),
            Err(e) => panic!("repair failed on a journal scan accepted: {e}"),
        }
    }
    [parsed, checked]
}

/// The line an error names (1-based), for errors that name one.
fn named_line(e: &JournalError) -> Option<u64> {
    match e {
        JournalError::Tampered { line, .. }
        | JournalError::NotALedger { line, .. }
        | JournalError::Unreadable { line, .. } => Some(*line),
        _ => None,
    }
}

/// Runs an export through a profile as `ledger import` does, against a book with
/// the fixture ledger's entries, without writing anything. Every message is
/// rendered (rendering must not panic either). Returns the rows staged.
fn import(bytes: &[u8], profile: &Profile) -> usize {
    static BOOK: OnceLock<Checker> = OnceLock::new();
    let base = BOOK.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.jsonl");
        std::fs::write(&path, ledger_fixture()).unwrap();
        let mut book = Checker::new();
        journal::scan(&path, true, None, |e| book.apply(e)).unwrap();
        book
    });
    let text = match decode(bytes, profile.encoding) {
        Ok(t) => t,
        Err(m) => {
            assert!(!m.is_empty());
            return 0;
        }
    };
    let table = match Table::open(&text, profile) {
        Ok(t) => t,
        Err(OpenError::Profile(e)) => {
            let _ = e.render("p.toml");
            return 0;
        }
        Err(OpenError::File(p)) => {
            let _ = p.render("f.csv");
            return 0;
        }
    };
    if let Err(errors) = profile.check(&base.register) {
        for e in errors {
            let _ = e.render("p.toml");
        }
        return 0;
    }
    let mut book = base.clone();
    let mut repeats = Repeats::default();
    let mut staged = 0usize;
    let at = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    let sha = hex::encode(Sha256::digest(bytes));
    let parsed = table.rows("f.csv", &sha, |row, _| {
        let key = match repeats.seen(&row, &book) {
            Seen::Recorded(_) => return,
            Seen::New(key) => key,
        };
        match resolve(&row, &book).map(|body| book.check(body)) {
            Err(p) => {
                let _ = p.render("f.csv");
            }
            Ok(Err(p)) => {
                let _ = rejected(&row, p).render("f.csv");
            }
            Ok(Ok(body)) => {
                staged += 1;
                let entry = Entry {
                    seq: 100 + staged as u64,
                    recorded_at: at,
                    body,
                };
                book.apply(entry);
                repeats.staged(key);
            }
        }
    });
    for p in &parsed.problems {
        let _ = p.render("f.csv");
    }
    let _ = parsed.to_string();
    staged
}

fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/import")
            .join(name),
    )
    .unwrap()
}

fn fixture_text(name: &str) -> String {
    String::from_utf8(fixture_bytes(name)).unwrap()
}

fn shipped_profile(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("ledgers/profiles")
            .join(name),
    )
    .unwrap()
}

/// Valid profiles with an export each can read.
fn profiles() -> &'static [(String, Vec<u8>)] {
    static P: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    P.get_or_init(|| {
        vec![
            (
                ledger::import::profile::builtin("canonical")
                    .unwrap()
                    .to_string(),
                fixture_bytes("canonical-example.csv"),
            ),
            (
                ledger::import::profile::builtin("rates")
                    .unwrap()
                    .to_string(),
                fixture_bytes("rates-example.csv"),
            ),
            (
                shipped_profile("umoja-receipts.toml"),
                fixture_bytes("umoja-receipts-2024-q3.csv"),
            ),
            (fixture_text("european.toml"), fixture_bytes("european.csv")),
            (fixture_text("filter.toml"), fixture_bytes("filter.csv")),
            (
                fixture_text("sign-column.toml"),
                fixture_bytes("sign-column.csv"),
            ),
            (fixture_text("mojibake.toml"), fixture_bytes("mojibake.csv")),
            (
                fixture_text("windows-1252.toml"),
                fixture_bytes("windows-1252.csv"),
            ),
        ]
    })
}

fn parse(text: &str) -> Option<Profile> {
    match Profile::parse(text, "fuzz") {
        Ok(p) => Some(p),
        Err(e) => {
            let _ = e.render("p.toml");
            None
        }
    }
}

/// Edits of a profile's text: the byte edits above, kept to valid UTF-8, plus lines
/// a profile may hold with values at the edges.
const PROFILE_LINES: &[&str] = &[
    "skip_rows = 18446744073709551615",
    "skip_rows = 9223372036854775807",
    "skip_rows = 3",
    "header = false",
    "delimiter = \"\"",
    "delimiter = \"\\t\"",
    "delimiter = \"ü\"",
    "encoding = \"utf-16le\"",
    "encoding = \"windows-1252\"",
    "encoding = \"nonsense\"",
    "date_format = []",
    "date_format = \"%s\"",
    "date_format = \"%Y-%m-%d %H\"",
    "decimal_mark = \",\"",
    "thousands = [\"\", \",\"]",
    "optional_columns = [\"memo\", \"date\"]",
    "[columns]",
    "date = 0",
    "date = 99999999999",
    "memo = 1",
    "[constants]",
    "currency = \"USD\"",
    "kind = \"write-off\"",
    "[sign]",
    "column = 2",
    "negative = []",
    "[filter]",
    "only = { \"x\" = [] }",
    "[values.kind]",
    "\"\" = \"payment\"",
    "[donor_aliases]",
    "\"\" = \"JPN\"",
    "[[columns]]",
    "name = 1",
];

fn mutate_text(text: &str, edits: &[(Edit, Index, bool)]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for (e, line, as_line) in edits {
        if *as_line {
            let mut ls: Vec<String> = String::from_utf8_lossy(&bytes)
                .lines()
                .map(str::to_string)
                .collect();
            let at = line.index(ls.len() + 1);
            let new = PROFILE_LINES[line.index(PROFILE_LINES.len())].to_string();
            ls.insert(at, new);
            bytes = ls.join("\n").into_bytes();
        } else {
            apply(&mut bytes, e);
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

proptest! {
    #![proptest_config(config())]

    /// Any bytes as one journal line: a clean verdict, never a panic.
    #[test]
    fn journal_line_of_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = check_line(&bytes);
        let _ = decode_line(&bytes);
        let forged = rehash(&bytes);
        if let Ok(c) = check_line(&forged) {
            prop_assert_eq!(c.hash.len(), 64);
        }
        let _ = decode_line(&forged);
    }

    /// A valid line edited, and then given a correct hash: the byte-level check and the
    /// decoder see everything a forger could write; clean errors or entries only.
    #[test]
    fn journal_line_edited_and_rehashed(
        which in any::<Index>(),
        edits in prop::collection::vec(edit(), 1..6),
        forge in any::<bool>(),
    ) {
        let ls = lines(ledger_fixture());
        let line = ls[which.index(ls.len())];
        let mut body = body_of(line).to_vec();
        for e in &edits {
            apply(&mut body, e);
        }
        let stored = if forge { rehash(&body) } else { body.clone() };
        if let Ok(c) = check_line(&stored) {
            prop_assert!(forge || body == body_of(line));
            let _ = (c.seq, c.prev, c.recorded_at, c.batch);
        }
        let _ = decode_line(&stored);
    }

    /// Any bytes as a journal file: `scan` (both ways) and `repair` end cleanly.
    #[test]
    fn journal_file_of_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = scan_bytes(&bytes);
    }

    /// A valid ledger with its lines edited and re-hashed by a forger: never a
    /// panic, and the chain still catches it: the first forged line or the one
    /// after it fails, or it was the last line and the head is not the published one.
    #[test]
    fn journal_file_with_a_forged_line(
        which in any::<Index>(),
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let original = ledger_fixture();
        let ls = lines(original);
        let i = which.index(ls.len());
        let mut body = body_of(ls[i]).to_vec();
        for e in &edits {
            apply(&mut body, e);
        }
        prop_assume!(body != body_of(ls[i]) && !body.contains(&b'\n'));
        let mut forged = rehash(&body);
        forged.push(b'\n');
        let mut bytes: Vec<u8> = Vec::new();
        for (j, l) in ls.iter().enumerate() {
            bytes.extend_from_slice(if j == i { &forged } else { l });
        }
        let [parsed, checked] = scan_bytes(&bytes);
        let line = i as u64 + 1;
        match &checked {
            Err(e) => {
                let at = named_line(e);
                prop_assert!(at == Some(line) || at == Some(line + 1), "{}", e);
            }
            Ok(s) => {
                prop_assert_eq!(i, ls.len() - 1, "an inner forged line passed");
                prop_assert!(s.head.hash != hex::encode(Sha256::digest(body_of(ls[i]))));
            }
        }
        if let Err(e) = &parsed {
            let at = named_line(e);
            prop_assert!(at.is_some_and(|a| a >= line), "{}", e);
        }
    }

    /// Any edit of a valid ledger that leaves it ending with a line break fails
    /// verification, naming the first line that differs.
    #[test]
    fn journal_any_edit_names_its_line(edits in prop::collection::vec(edit(), 1..4)) {
        let original = ledger_fixture();
        let mut bytes = original.to_vec();
        for e in &edits {
            apply(&mut bytes, e);
        }
        prop_assume!(bytes != original && bytes.last() == Some(&b'\n'));
        let first = bytes
            .iter()
            .zip(original)
            .position(|(a, b)| a != b)
            .unwrap_or(bytes.len().min(original.len()));
        // An edit that only adds whole lines at the end, or takes them away, leaves
        // a valid (longer or shorter) chain: the published head is what catches that.
        prop_assume!(first < bytes.len() - 1 && first < original.len() - 1);
        let line = original[..first].iter().filter(|b| **b == b'\n').count() as u64 + 1;
        let [parsed, checked] = scan_bytes(&bytes);
        for r in [&checked, &parsed] {
            match r {
                Err(e) => prop_assert_eq!(named_line(e), Some(line), "{}", e),
                Ok(s) => prop_assert!(false, "an edit at byte {} passed: {:?}", first, s.head),
            }
        }
    }

    /// Any text as a profile: parsed or refused with a message, never a panic.
    #[test]
    fn profile_of_any_text(text in "\\PC{0,400}") {
        if let Some(p) = parse(&text) {
            let _ = import(b"date,donor\n", &p);
        }
    }

    /// Valid profiles edited (bytes, and lines with values at the edges), then used
    /// to read their own export.
    #[test]
    fn profile_edited_then_used(
        which in any::<Index>(),
        edits in prop::collection::vec((edit(), any::<Index>(), any::<bool>()), 1..5),
    ) {
        let ps = profiles();
        let (profile, csv) = &ps[which.index(ps.len())];
        let text = mutate_text(profile, &edits);
        if let Some(p) = parse(&text) {
            let _ = import(csv, &p);
        }
    }

    /// Any bytes as an export, through the canonical profile and through custom ones.
    #[test]
    fn export_of_any_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..600),
        which in any::<Index>(),
    ) {
        let ps = profiles();
        let (profile, _) = &ps[which.index(ps.len())];
        let p = parse(profile).expect("shipped profiles parse");
        let _ = import(&bytes, &p);
        let canonical = parse(&ps[0].0).unwrap();
        let _ = import(&bytes, &canonical);
    }

    /// Valid exports edited (CSV syntax, numbers, dates, encodings), through their
    /// profile: clean problems or staged rows.
    #[test]
    fn export_edited(
        which in any::<Index>(),
        edits in prop::collection::vec(edit(), 1..8),
    ) {
        let ps = profiles();
        let (profile, csv) = &ps[which.index(ps.len())];
        let p = parse(profile).expect("shipped profiles parse");
        let mut bytes = csv.clone();
        for e in &edits {
            apply(&mut bytes, e);
        }
        let _ = import(&bytes, &p);
    }
}

/// The valid inputs themselves go through: the fuzz targets start from something
/// that works, so edits explore near-valid inputs.
#[test]
fn the_fuzz_seeds_are_valid() {
    let [parsed, checked] = scan_bytes(ledger_fixture());
    assert_eq!(checked.unwrap().head.entries, 15);
    assert_eq!(parsed.unwrap().head.entries, 15);
    for l in lines(ledger_fixture()) {
        let l = l.strip_suffix(b"\n").unwrap();
        check_line(l).unwrap();
        decode_line(l).unwrap();
    }
    let staged: Vec<usize> = profiles()
        .iter()
        .map(|(p, csv)| import(csv, &parse(p).expect("profile parses")))
        .collect();
    // The canonical example is in the fixture ledger already: nothing new.
    assert_eq!(staged[0], 0);
    assert!(staged[1..].iter().all(|n| *n > 0), "{staged:?}");
}

/// A profile that skips more lines than any file has ends at once (it used to
/// count to its `skip_rows`, for ever).
#[test]
fn a_huge_skip_rows_ends_at_once() {
    let p = parse("[csv]\nskip_rows = 9223372036854775807\n[columns]\ndate = \"date\"\ndonor = \"donor\"\nmandate = \"mandate\"\nkind = \"kind\"\namount = \"amount\"\ncurrency = \"currency\"\n")
        .expect("profile parses");
    let start = std::time::Instant::now();
    let text = "date,donor\n";
    match Table::open(text, &p) {
        Err(OpenError::Profile(e)) => assert_eq!(
            e.render("p.toml"),
            "p.toml: the file has no header line after skipping 9223372036854775807 line(s) [no-header]"
        ),
        other => panic!("{other:?}"),
    }
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
}

/// A forged line whose previous-hash field holds a multi-byte character where the
/// 64 hex digits end: a clean error, not a panic on a character boundary.
#[test]
fn a_forged_line_with_a_multibyte_previous_hash() {
    for at in 60..66 {
        let mut body = String::from("{\"seq\":1,\"prev\":\"");
        body.push_str(&"a".repeat(at));
        body.push_str("é日");
        body.push_str(&"b".repeat(70));
        body.push_str("\",\"recorded_at\":\"2026-01-01T00:00:00Z\",\"kind\":\"x\"");
        let line = rehash(body.as_bytes());
        assert!(
            check_line(&line).is_err(),
            "{}",
            String::from_utf8_lossy(&line)
        );
        let _ = decode_line(&line);
    }
    // And `ledger verify` names it (it used to panic).
    let t = Test::init();
    let mut bytes = t.journal();
    let body = format!(
        "{{\"seq\":1,\"prev\":\"{}é{}\",\"recorded_at\":\"2026-01-01T00:00:00Z\",\"kind\":\"x\"",
        "a".repeat(63),
        "b".repeat(10)
    );
    bytes.extend_from_slice(&rehash(body.as_bytes()));
    bytes.push(b'\n');
    t.write("test.jsonl", &bytes);
    let o = t.fails(&["verify"], 3);
    assert_eq!(
        o.stderr,
        format!(
            "error: {}:2: entry #1 fails verification: the previous-hash field is not 64 hexadecimal digits\n",
            t.ledger().display()
        )
    );
}
