//! Hostile files and environments: what every command does when the ledger is not a
//! regular file (a device, a named pipe, a directory, a symbolic link to nothing or
//! to itself), when it holds no entries (empty, a header cut short), when its first
//! line is not a header of this program, and when the file to import is empty, one
//! byte, binary, UTF-16 without a byte-order mark, or a directory.
//!
//! The messages are the contract (they say exactly what to do), so whole messages
//! are compared. Every run has a timeout: a command that blocks fails the test.

use std::path::Path;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use ledger::domain::Body;
use ledger::domain::entry::Header;
use ledger::journal::{ZERO_HASH, encode};

use crate::util::{Output, Test};

/// Every command that reads the ledger, with arguments that would succeed on an
/// empty ledger (or fail only for the ledger's sake).
const READERS: &[&[&str]] = &[
    &["verify"],
    &["log"],
    &["report", "donors", "--year", "2009"],
    &["donor", "list"],
    &[
        "record",
        "rate",
        "--currency",
        "EUR",
        "--per-usd",
        "0.7",
        "--date",
        "2009-01-01",
    ],
    &["import", "rates.csv", "--profile", "rates"],
    &["repair"],
];

fn run(t: &Test, ledger: &str, args: &[&str]) -> Output {
    let mut all = vec!["--ledger", ledger];
    all.extend_from_slice(args);
    let out = t
        .command(&all)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap_or_else(|e| panic!("ledger {all:?} did not finish: {e}"));
    Output {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `args` on `ledger` and checks the exit status, the whole of stderr and an
/// empty stdout.
#[track_caller]
fn expect(t: &Test, ledger: &str, args: &[&str], status: i32, stderr: &str) {
    let o = run(t, ledger, args);
    assert_eq!(
        (o.status, o.stderr.as_str(), o.stdout.as_str()),
        (status, stderr, ""),
        "ledger --ledger {ledger} {args:?}"
    );
}

/// Every reader and `init` give the same status and message for this ledger.
#[track_caller]
fn every_command(t: &Test, ledger: &str, status: i32, stderr: &str, init_too: bool) {
    for args in READERS {
        expect(t, ledger, args, status, stderr);
    }
    if init_too {
        expect(t, ledger, &["init"], status, stderr);
    }
}

fn with_rates_csv() -> Test {
    let t = Test::new();
    t.write("rates.csv", "currency,date,per_usd\nEUR,2009-01-01,0.7\n");
    t
}

fn not_a_file(path: &str, what: &str) -> String {
    format!(
        "error: {path}: is {what}, not a regular file; a ledger is a regular file: name yours with --ledger or CONTRIB_LEDGER\n"
    )
}

fn no_entries(path: &str, what: &str) -> String {
    format!(
        "error: {path}: not a ledger: {what}; it holds no entries, so nothing is lost: run `ledger init` to write a new ledger header into it\n"
    )
}

fn not_a_ledger(path: &str, reason: &str) -> String {
    format!(
        "error: {path}:1: not a ledger: {reason}; no command changes this file: if it is not your ledger, name yours with --ledger or CONTRIB_LEDGER (or move this file away and run `ledger init`); if it was your ledger, restore it from a copy\n"
    )
}

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(ok.success(), "mkfifo {}", path.display());
}

fn symlink(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).expect("symlink");
}

fn header_line(format: &str, version: u32) -> Vec<u8> {
    let at = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    let body = Body::Ledger(Header {
        format: format.into(),
        version,
    });
    encode(0, ZERO_HASH, at, None, &body).0
}

#[test]
fn dev_zero_is_refused_at_once() {
    let t = with_rates_csv();
    every_command(
        &t,
        "/dev/zero",
        1,
        &not_a_file("/dev/zero", "a character device"),
        true,
    );
}

#[test]
fn a_named_pipe_is_refused_without_blocking() {
    let t = with_rates_csv();
    mkfifo(&t.dir().join("pipe"));
    every_command(
        &t,
        "pipe",
        1,
        &not_a_file("pipe", "a named pipe (FIFO)"),
        true,
    );
    // A symbolic link to one is refused the same way, under the name given.
    symlink("pipe", &t.dir().join("to-pipe"));
    every_command(
        &t,
        "to-pipe",
        1,
        &not_a_file("to-pipe", "a named pipe (FIFO)"),
        true,
    );
}

#[test]
fn a_directory_is_refused() {
    let t = with_rates_csv();
    std::fs::create_dir(t.dir().join("books")).unwrap();
    every_command(&t, "books", 1, &not_a_file("books", "a directory"), true);
    assert_eq!(std::fs::read_dir(t.dir().join("books")).unwrap().count(), 0);
}

#[test]
fn a_dangling_symlink_says_where_to_create_the_ledger_and_that_works() {
    let t = with_rates_csv();
    std::fs::create_dir(t.dir().join("store")).unwrap();
    std::fs::create_dir(t.dir().join("links")).unwrap();
    // A relative target is relative to the link's directory, and shown so.
    symlink("../store/main.jsonl", &t.dir().join("links/main.jsonl"));
    let message = "error: links/main.jsonl: is a symbolic link to links/../store/main.jsonl, which does not exist; to create the ledger there run `ledger --ledger links/../store/main.jsonl init`, or name another ledger with --ledger or CONTRIB_LEDGER\n";
    every_command(&t, "links/main.jsonl", 1, message, true);
    // Doing what it says makes the link a working ledger.
    let o = run(&t, "links/../store/main.jsonl", &["init"]);
    assert_eq!(o.status, 0, "{}", o.stderr);
    let o = run(&t, "links/main.jsonl", READERS[4]);
    assert_eq!(
        (o.status, o.stdout.as_str()),
        (0, "#1 rate EUR 0.7 per USD from 2009-01-01\n"),
        "{}",
        o.stderr
    );
    let o = run(&t, "links/main.jsonl", &["verify"]);
    assert!(o.stdout.starts_with("ok: 1 entry, head "), "{o:?}");
}

#[test]
fn a_symlink_loop_is_an_io_error() {
    let t = with_rates_csv();
    symlink("loop-b", &t.dir().join("loop-a"));
    symlink("loop-a", &t.dir().join("loop-b"));
    for args in READERS.iter().chain([&["init"][..]].iter()) {
        let o = run(&t, "loop-a", args);
        // The reason is the operating system's words ("Too many levels of symbolic links").
        assert_eq!(o.status, 1, "{args:?}: {o:?}");
        assert!(
            o.stderr.starts_with("error: loop-a: ") && o.stderr.contains("symbolic links"),
            "{args:?}: {o:?}"
        );
    }
}

#[test]
fn a_symlink_to_a_ledger_is_a_ledger() {
    let t = Test::init();
    symlink("test.jsonl", &t.dir().join("alias.jsonl"));
    let o = run(&t, "alias.jsonl", READERS[4]);
    assert_eq!(o.status, 0, "{o:?}");
    assert_eq!(
        String::from_utf8(t.journal()).unwrap().lines().count(),
        2,
        "the entry went into the file the link points to"
    );
    expect(
        &t,
        "alias.jsonl",
        &["init"],
        1,
        "error: alias.jsonl: a ledger already exists here; `ledger init` never overwrites one\n",
    );
}

#[test]
fn an_empty_file_holds_no_entries_and_init_makes_it_a_ledger() {
    let t = with_rates_csv();
    t.write("empty.jsonl", "");
    every_command(
        &t,
        "empty.jsonl",
        3,
        &no_entries("empty.jsonl", "the file is empty"),
        false,
    );
    assert_eq!(std::fs::read(t.dir().join("empty.jsonl")).unwrap(), b"");
    let o = run(&t, "empty.jsonl", &["init"]);
    assert_eq!(o.status, 0, "{o:?}");
    assert!(
        o.stdout
            .starts_with("created empty.jsonl (0 entries, head ")
    );
    let o = run(&t, "empty.jsonl", &["verify"]);
    assert_eq!(o.status, 0, "{o:?}");
}

#[test]
fn a_header_cut_short_holds_no_entries_and_init_replaces_it() {
    let header = header_line("contributions-ledger", 1);
    // One byte, the fixed start cut inside, most of it, all but the line break.
    for cut in [1, 21, 100, header.len() - 1] {
        let t = with_rates_csv();
        t.write("cut.jsonl", &header[..cut]);
        let size = match cut {
            1 => "1 byte".to_string(),
            n => format!("{n} bytes"),
        };
        let what = format!(
            "its only line is a ledger header cut short ({size}, no line break), as an interrupted `ledger init` leaves it"
        );
        every_command(&t, "cut.jsonl", 3, &no_entries("cut.jsonl", &what), false);
        assert_eq!(
            std::fs::read(t.dir().join("cut.jsonl")).unwrap(),
            &header[..cut],
            "repair must not cut a header to nothing"
        );
        let o = run(&t, "cut.jsonl", &["init"]);
        assert_eq!(o.status, 0, "cut at {cut}: {o:?}");
        let o = run(&t, "cut.jsonl", &["verify"]);
        assert!(o.stdout.starts_with("ok: 0 entries, head "), "{o:?}");
        let o = run(&t, "cut.jsonl", READERS[4]);
        assert_eq!(o.status, 0, "{o:?}");
    }
}

#[test]
fn an_empty_file_whose_index_recorded_entries_is_not_reinitialised() {
    let t = Test::init();
    t.write("rates.csv", "currency,date,per_usd\nEUR,2009-01-01,0.7\n");
    t.ok(READERS[4]);
    t.ok("record rate --currency GBP --per-usd 0.5 --date 2009-01-01");
    assert!(journal_index(&t).exists(), "the writer left an index");
    t.write("test.jsonl", "");
    let message = format!(
        "error: {}: the journal disagrees with its index: the index recorded entry #2 with hash ",
        t.ledger().display()
    );
    for args in READERS.iter().chain([&["init"][..]].iter()) {
        let o = t.run(args);
        assert_eq!(o.status, 3, "{args:?}: {o:?}");
        assert!(o.stderr.starts_with(&message), "{args:?}: {o:?}");
        assert_eq!(
            o.stderr,
            format!(
                "{message}99f8d77755324bfb5c500e985126e575b48e0138dba1546e7ce873d73bde16b4 as committed, but the journal holds 0 committed entries; entries #1 to #2 are missing. Committed entries were removed or altered, or the journal was replaced by another copy; if it was restored on purpose, delete {}.index and run `ledger verify` again\n",
                t.ledger().display()
            ),
            "{args:?}"
        );
    }
    assert_eq!(t.journal(), b"");
}

fn journal_index(t: &Test) -> std::path::PathBuf {
    ledger::journal::index_path(t.ledger())
}

#[test]
fn a_first_line_that_is_not_a_header_is_never_changed() {
    let cases: Vec<(&str, Vec<u8>, String)> = vec![
        (
            "text",
            b"hello world\n".to_vec(),
            "the first line is not a ledger header (the line is too short to be an entry)".into(),
        ),
        (
            "text without a line break",
            b"hello world".to_vec(),
            "the first line is not a ledger header (the line is too short to be an entry)".into(),
        ),
        (
            "another program's JSON",
            br#"{"kind":"ledger","format":"contributions-ledger","version":1,"note":"hand-written, no hash, padded to look long enough"}
"#
            .to_vec(),
            "the first line is not a ledger header (the line does not end with its hash)".into(),
        ),
        (
            "another format's header, chained and hashed",
            header_line("petty-cash-ledger", 1),
            "format \"petty-cash-ledger\" version 1 is not one this program reads".into(),
        ),
        (
            "a later version of this format",
            header_line("contributions-ledger", 2),
            "format \"contributions-ledger\" version 2 is not one this program reads".into(),
        ),
        (
            "a regular file of zeros, one long line",
            vec![0u8; 200 << 10],
            "the first line is not a ledger header (it runs over 65536 bytes without a line break)"
                .into(),
        ),
    ];
    for (name, bytes, reason) in cases {
        let t = with_rates_csv();
        t.write("other.jsonl", &bytes);
        every_command(
            &t,
            "other.jsonl",
            3,
            &not_a_ledger("other.jsonl", &reason),
            true,
        );
        assert_eq!(
            std::fs::read(t.dir().join("other.jsonl")).unwrap(),
            bytes,
            "{name}: the file was changed"
        );
    }
}

/// Import files: the ledger is fine, the file is not.
fn import(t: &Test, file: &str, profile: &str) -> Output {
    let o = t
        .command(&["import", file, "--profile", profile])
        .timeout(Duration::from_secs(20))
        .output()
        .expect("import finishes");
    Output {
        status: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

#[track_caller]
fn import_fails(t: &Test, file: &str, profile: &str, stderr: &str) {
    let before = t.journal();
    let o = import(t, file, profile);
    assert_eq!(
        (o.status, o.stderr.as_str(), o.stdout.as_str()),
        (1, stderr, ""),
        "import {file} --profile {profile}"
    );
    assert_eq!(t.journal(), before, "import {file} changed the ledger");
}

/// Deterministic bytes that are not text (a few NULs and invalid UTF-8 among them).
fn random_bytes(n: usize, mut seed: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

#[test]
fn import_files_that_are_not_exports() {
    let t = Test::init();
    let canonical = "date,donor,mandate,kind,amount,currency,reference\n2009-01-01,JPN,coordination,pledge,100,USD,R1\n";
    t.write("zero.csv", "");
    t.write("one.csv", "d");
    t.write("newline.csv", "\n");
    let binary = random_bytes(3000, 0x9E37_79B9_7F4A_7C15);
    let first_nul = binary.iter().position(|b| *b == 0).unwrap();
    let nul_line = binary[..first_nul].iter().filter(|b| **b == b'\n').count() + 1;
    t.write("binary.csv", &binary);
    let utf16le: Vec<u8> = canonical
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let utf16be: Vec<u8> = canonical
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    t.write("utf16le.csv", utf16le);
    t.write("utf16be.csv", utf16be);
    std::fs::create_dir(t.dir().join("folder.csv")).unwrap();
    mkfifo(&t.dir().join("pipe.csv"));
    let utf16 = "the file looks like UTF-16 text without a byte-order mark; set [csv] encoding = \"utf-16le\" (or \"utf-16be\") in the profile [bad-encoding]";
    for profile in ["canonical", "rates"] {
        let header = if profile == "canonical" { 13 } else { 11 };
        import_fails(
            &t,
            "zero.csv",
            profile,
            "error: zero.csv: the file is empty; there is nothing to import [no-header]\n",
        );
        import_fails(
            &t,
            "one.csv",
            profile,
            &format!(
                "error: built-in profile {profile}:{header}: column \"date\" is not in the file's header (d) [missing-column]\nimport refused: the profile has 1 problem; nothing was read or written\n"
            ),
        );
        import_fails(
            &t,
            "newline.csv",
            profile,
            &format!(
                "error: built-in profile {profile}: the file has no header line after skipping 0 line(s) [no-header]\nimport refused: the profile has 1 problem; nothing was read or written\n"
            ),
        );
        import_fails(
            &t,
            "binary.csv",
            profile,
            &format!(
                "error: binary.csv:{nul_line}: byte 0x00 is not text; the file is not a CSV export (a binary file?) [bad-encoding]\n"
            ),
        );
        import_fails(
            &t,
            "utf16le.csv",
            profile,
            &format!("error: utf16le.csv: {utf16}\n"),
        );
        import_fails(
            &t,
            "utf16be.csv",
            profile,
            &format!("error: utf16be.csv: {utf16}\n"),
        );
        import_fails(
            &t,
            "folder.csv",
            profile,
            "error: folder.csv: cannot read it: it is a directory, not a regular file\n",
        );
        import_fails(
            &t,
            "pipe.csv",
            profile,
            "error: pipe.csv: cannot read it: it is a named pipe (FIFO), not a regular file\n",
        );
        import_fails(
            &t,
            "/dev/zero",
            profile,
            "error: /dev/zero: cannot read it: it is a character device, not a regular file\n",
        );
    }
    // A profile path that is not a regular file is refused the same way.
    t.write("ok.csv", canonical);
    std::fs::create_dir(t.dir().join("profile.toml")).unwrap();
    import_fails(
        &t,
        "ok.csv",
        "./profile.toml",
        "error: profile ./profile.toml: cannot read it: it is a directory, not a regular file [unknown-profile]\n",
    );
    import_fails(
        &t,
        "ok.csv",
        "/dev/zero",
        "error: profile /dev/zero: cannot read it: it is a character device, not a regular file [unknown-profile]\n",
    );
    // And with its encoding named, the UTF-16 file imports.
    t.write(
        "utf16.toml",
        "[csv]\nencoding = \"utf-16le\"\n[columns]\ndate = \"date\"\ndonor = \"donor\"\nmandate = \"mandate\"\nkind = \"kind\"\namount = \"amount\"\ncurrency = \"currency\"\nreference = \"reference\"\n",
    );
    let o = import(&t, "utf16le.csv", "./utf16.toml");
    assert_eq!(o.status, 0, "{o:?}");
    assert!(
        o.stdout
            .ends_with("\n1 row: 1 new entry, 0 already recorded\n"),
        "{o:?}"
    );
}
