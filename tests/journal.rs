//! The journal under stress: tampering, crashes mid-write, concurrent writers, and
//! money round-trips. The library builds and checks most cases (fast); the binary
//! is run on a sample so the user-visible contract (exit 3, messages) is held too.

use std::path::Path;
use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use ledger::domain::entry::{Money, Notes, Payment, Pledge, Rate};
use ledger::domain::{Body, Currency};
use ledger::journal::{self, JournalError, Reading, Tail, Writer};
use proptest::prelude::*;
use proptest::sample::Index;
use rust_decimal::Decimal;

use crate::util::Test;

/// The clock of the fixtures: minute `i` after a fixed instant (before 2026, the
/// builder's clock, so the binary can append after them).
fn at(i: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + i * 60, 0).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn money(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap()
}

fn pledge(donor: &str, amount: &str, currency: &str, reference: String) -> Body {
    Body::Pledge(Pledge {
        money: Money {
            donor: donor.into(),
            mandate: "coordination".into(),
            amount: money(amount),
            currency: Currency::lookup(currency).unwrap(),
            date: date(2009, 1, 15),
        },
        due: Some(date(2009, 12, 31)),
        opening: None,
        outstanding: None,
        in_kind: false,
        notes: Notes {
            reference: Some(reference),
            memo: None,
            source: None,
        },
        agreement: None,
    })
}

fn payment(donor: &str, amount: &str, pledge: Option<u64>) -> Body {
    Body::Payment(Payment {
        money: Money {
            donor: donor.into(),
            mandate: "coordination".into(),
            amount: money(amount),
            currency: Currency::USD,
            date: date(2009, 3, 1),
        },
        pledge,
        prior_period: false,
        notes: Notes {
            reference: None,
            memo: None,
            source: None,
        },
    })
}

/// A EUR rate effective `day` days into 2009 (one rate per currency and day).
fn rate(per_usd: &str, day: u64) -> Body {
    Body::Rate(Rate {
        currency: Currency::lookup("EUR").unwrap(),
        per_usd: money(per_usd),
        date: date(2009, 1, 1) + chrono::Days::new(day),
        source: None,
    })
}

/// Commits `drafts` as one write (a batch when more than one) at minute `i`.
fn commit(path: &Path, i: i64, drafts: Vec<Body>) -> u64 {
    let mut w = Writer::open(path, at(i), Reading::ToRecord).unwrap();
    for d in drafts {
        w.stage(d).unwrap();
    }
    let (_, head) = w.commit().unwrap();
    head.entries
}

/// Writes `entries` single entries (pledges, payments naming them, rates), with a
/// batch of three in the middle, and returns the file's bytes.
fn build(path: &Path, entries: u64) -> Vec<u8> {
    journal::init(path, at(0)).unwrap();
    let mut n = 0;
    let mut minute = 1;
    while n < entries {
        let drafts = match n % 10 {
            // A batch: a rate, a pledge and a payment naming it.
            4 if entries - n >= 3 => vec![
                rate("0.7", n),
                pledge("DEU", "300", "USD", format!("B{n}")),
                payment("DEU", "100", Some(n + 2)),
            ],
            0 | 5 => vec![pledge("JPN", "1000", "USD", format!("P{n}"))],
            1 | 6 => vec![payment("JPN", "10.50", Some(n))],
            _ => vec![rate(&format!("0.{}", 600 + n), n)],
        };
        n = commit(path, minute, drafts);
        minute += 1;
    }
    assert_eq!(n, entries);
    std::fs::read(path).unwrap()
}

/// A valid ledger of 30 entries, built once.
fn fixture() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        build(&dir.path().join("fixture.jsonl"), 30)
    })
}

/// The lines of a journal, each with its newline.
fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split_inclusive(|b| *b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

#[derive(Debug, Clone)]
enum Tamper {
    Flip(usize, u8),
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
}

/// What verification must say about a tampered ledger.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    /// Entry #k fails (the header is entry #0).
    Entry(u64),
    /// The header (line 1) is no longer a ledger header.
    NotALedger,
    /// A torn tail: what a crash leaves, never what a tamper should read as.
    Torn,
    /// A valid chain (a deleted last line: only a published head exposes it).
    Valid,
}

fn apply(bytes: &[u8], t: &Tamper) -> Vec<u8> {
    let mut ls = lines(bytes);
    match *t {
        Tamper::Flip(pos, mask) => {
            let mut b = bytes.to_vec();
            b[pos] ^= mask;
            return b;
        }
        Tamper::Delete(i) => {
            ls.remove(i);
        }
        Tamper::Duplicate(i) => {
            let l = ls[i].clone();
            ls.insert(i + 1, l);
        }
        Tamper::Swap(i, j) => ls.swap(i, j),
    }
    ls.concat()
}

/// The first entry that must fail. Line `i` (from 0) holds entry #i.
fn expected(bytes: &[u8], t: &Tamper) -> Verdict {
    let last = lines(bytes).len() - 1;
    match *t {
        Tamper::Flip(pos, _) => {
            if pos == bytes.len() - 1 {
                // A whole line followed by a stray byte is not something a crash
                // leaves: the last entry is named, and `repair` refuses to cut it.
                return Verdict::Entry(last as u64);
            }
            let line = bytes[..pos].iter().filter(|b| **b == b'\n').count();
            if line == 0 {
                Verdict::NotALedger
            } else {
                Verdict::Entry(line as u64)
            }
        }
        Tamper::Delete(i) if i == last => Verdict::Valid,
        Tamper::Delete(i) => Verdict::Entry(i as u64),
        Tamper::Duplicate(i) => Verdict::Entry(i as u64 + 1),
        Tamper::Swap(i, j) => Verdict::Entry(i.min(j) as u64),
    }
}

/// Verifies with the library, as `ledger verify` does.
fn verdict(path: &Path) -> Verdict {
    match journal::scan(path, false, None, |_| {}) {
        Ok(s) if s.tail == Tail::Clean => Verdict::Valid,
        Ok(_) => Verdict::Torn,
        Err(JournalError::Tampered { seq, .. }) => Verdict::Entry(seq),
        Err(JournalError::NotALedger { line: 1, .. }) => Verdict::NotALedger,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

fn head_of(bytes: &[u8]) -> String {
    let text = std::str::from_utf8(bytes).unwrap();
    let last = text.lines().last().unwrap();
    last[last.len() - 66..last.len() - 2].to_string()
}

fn check_tamper(path: &Path, t: &Tamper) -> Result<(), TestCaseError> {
    let bytes = fixture();
    let tampered = apply(bytes, t);
    prop_assume!(tampered != bytes);
    std::fs::write(path, &tampered).unwrap();
    let want = expected(bytes, t);
    let got = verdict(path);
    prop_assert_eq!(&got, &want, "{:?}", t);
    if want == Verdict::Valid {
        // Still a valid chain, one entry short; the published head is not in it.
        let s = journal::scan(path, false, None, |_| {}).unwrap();
        prop_assert_eq!(s.head.entries, 29);
        prop_assert!(s.head.hash != head_of(bytes));
    }
    Ok(())
}

#[test]
fn the_fixture_verifies() {
    let t = Test::new();
    t.write("test.jsonl", fixture());
    let out = t.ok(&["verify"]);
    assert_eq!(
        out,
        format!("ok: 30 entries, head {}\n", head_of(fixture()))
    );
    assert_eq!(lines(fixture()).len(), 31);
    assert_eq!(
        std::str::from_utf8(fixture())
            .unwrap()
            .matches(",\"batch\":[")
            .count(),
        9,
        "three batches of three"
    );
}

/// Every byte of the header, of an entry inside a batch and of the last entry, and
/// every 29th byte elsewhere (the property test below covers the rest at random).
#[test]
fn single_bit_flips_name_their_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.jsonl");
    let bytes = fixture();
    let line_of = |pos: usize| bytes[..pos].iter().filter(|b| **b == b'\n').count();
    for pos in 0..bytes.len() {
        if !matches!(line_of(pos), 0 | 6 | 30) && pos % 29 != 0 {
            continue;
        }
        let t = Tamper::Flip(pos, 0x01);
        check_tamper(&path, &t).unwrap_or_else(|e| panic!("flip at {pos}: {e}"));
    }
}

#[test]
fn every_line_deleted_duplicated_or_swapped_names_the_first_entry_out_of_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.jsonl");
    let n = lines(fixture()).len();
    for i in 0..n {
        check_tamper(&path, &Tamper::Delete(i)).unwrap();
        check_tamper(&path, &Tamper::Duplicate(i)).unwrap();
        for j in i + 1..n {
            check_tamper(&path, &Tamper::Swap(i, j)).unwrap();
        }
    }
}

fn tamper() -> impl Strategy<Value = Tamper> {
    let len = fixture().len();
    let n = lines(fixture()).len();
    prop_oneof![
        4 => (0..len, 1u8..=255).prop_map(|(p, m)| Tamper::Flip(p, m)),
        1 => (0..n).prop_map(Tamper::Delete),
        1 => (0..n).prop_map(Tamper::Duplicate),
        1 => (any::<Index>(), any::<Index>()).prop_filter_map("two different lines", move |(a, b)| {
            let (i, j) = (a.index(n), b.index(n));
            (i != j).then_some(Tamper::Swap(i, j))
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any one byte changed to anything, any line deleted, duplicated or swapped.
    #[test]
    fn any_tamper_names_the_right_entry(t in tamper()) {
        let dir = tempfile::tempdir().unwrap();
        check_tamper(&dir.path().join("t.jsonl"), &t)?;
    }
}

/// The binary on a sample: exit 3 and the entry named in its message.
#[test]
fn verify_exits_3_naming_the_entry() {
    let bytes = fixture();
    let line_start = |i: usize| lines(bytes)[..i].iter().map(Vec::len).sum::<usize>();
    let cases = [
        // A byte inside entries #1, #17 and #30; the newline ending entry #8.
        (
            Tamper::Flip(line_start(1) + 20, 0x04),
            "error: $DIR/test.jsonl:2: entry #1 fails verification: its bytes do not match its hash (the entry was altered)\n",
        ),
        (
            Tamper::Flip(line_start(17) + 150, 0x01),
            "error: $DIR/test.jsonl:18: entry #17 fails verification: its bytes do not match its hash (the entry was altered)\n",
        ),
        (
            Tamper::Flip(line_start(31) - 2, 0x01),
            "error: $DIR/test.jsonl:31: entry #30 fails verification: the line does not end with its hash\n",
        ),
        (
            Tamper::Flip(line_start(9) - 1, 0x20),
            "error: $DIR/test.jsonl:9: entry #8 fails verification: its bytes do not match its hash (the entry was altered)\n",
        ),
        (
            Tamper::Delete(12),
            "error: $DIR/test.jsonl:13: entry #12 fails verification: line 13 holds entry #13 where entry #12 belongs (an entry was deleted, duplicated or moved)\n",
        ),
        (
            Tamper::Duplicate(5),
            "error: $DIR/test.jsonl:7: entry #6 fails verification: line 7 holds entry #5 where entry #6 belongs (an entry was deleted, duplicated or moved)\n",
        ),
        (
            Tamper::Swap(3, 20),
            "error: $DIR/test.jsonl:4: entry #3 fails verification: line 4 holds entry #20 where entry #3 belongs (an entry was deleted, duplicated or moved)\n",
        ),
        (
            Tamper::Swap(29, 30),
            "error: $DIR/test.jsonl:30: entry #29 fails verification: line 30 holds entry #30 where entry #29 belongs (an entry was deleted, duplicated or moved)\n",
        ),
        (
            Tamper::Flip(10, 0x01),
            "error: $DIR/test.jsonl:1: not a ledger: the ledger header was altered (its bytes do not match its hash); no command changes this file: if it is not your ledger, name yours with --ledger or CONTRIB_LEDGER (or move this file away and run `ledger init`); if it was your ledger, restore it from a copy\n",
        ),
        (
            Tamper::Flip(bytes.len() - 1, 0x01),
            "error: $DIR/test.jsonl:31: entry #30 fails verification: its line does not end with a line break but with other bytes\n",
        ),
    ];
    let t = Test::new();
    for (tamper, message) in cases {
        let tampered = apply(bytes, &tamper);
        t.write("test.jsonl", &tampered);
        t.refuses(&["verify"], 3, message);
        // Writers refuse too.
        t.refuses(
            "record rate --currency EUR --per-usd 1 --date 2009-01-01",
            3,
            message,
        );
    }
    // A deleted last line leaves a valid chain: the published head catches it.
    let head = head_of(bytes);
    t.write("test.jsonl", apply(bytes, &Tamper::Delete(30)));
    assert!(t.ok(&["verify"]).starts_with("ok: 29 entries, head "));
    t.refuses(
        &["verify", "--head", &head],
        3,
        &format!(
            "error: $DIR/test.jsonl: no entry of this ledger has the hash {head}; the report it came from was not made from this record\n"
        ),
    );
    // And on the untouched ledger the same head is found.
    t.write("test.jsonl", bytes);
    let out = t.ok(&["verify", "--head", &head.to_uppercase()]);
    assert_eq!(
        out,
        format!("head {head} is entry #30 of this ledger\nok: 30 entries, head {head}\n")
    );
}

/// Hex is case-insensitive to decode, but a stored hash is lower case: upper-casing
/// one of its letters changes the stored bytes and must fail verification.
#[test]
fn an_upper_cased_hash_fails_verification() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.jsonl");
    let bytes = fixture();
    let letter = |line: usize| {
        let end: usize = lines(bytes)[..=line].iter().map(Vec::len).sum::<usize>() - 3;
        (end - 63..=end)
            .find(|p| (b'a'..=b'f').contains(&bytes[*p]))
            .unwrap()
    };
    // The last entry: verify says ok and prints an upper-case head.
    let t = Tamper::Flip(letter(30), 0x20);
    std::fs::write(&path, apply(bytes, &t)).unwrap();
    assert_eq!(verdict(&path), Verdict::Entry(30));
    // A middle entry: the entry after it is blamed instead.
    let t = Tamper::Flip(letter(10), 0x20);
    std::fs::write(&path, apply(bytes, &t)).unwrap();
    assert_eq!(verdict(&path), Verdict::Entry(10));
}

/// A ledger whose last write is one batch of `batch` entries (or a single entry):
/// returns the bytes before that write and after it.
fn crash_fixture(path: &Path, batch: u64) -> (Vec<u8>, Vec<u8>) {
    let before = build(path, 12);
    let drafts = (0..batch)
        .map(|i| pledge("FRA", "250.75", "USD", format!("C{i}")))
        .collect();
    assert_eq!(commit(path, 100, drafts), 12 + batch);
    (before, std::fs::read(path).unwrap())
}

fn crash_at_every_offset(batch: u64) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.jsonl");
    let (before, full) = crash_fixture(&path, batch);
    let work = dir.path().join("w.jsonl");
    for cut in before.len() + 1..full.len() {
        std::fs::write(&work, &full[..cut]).unwrap();
        // A crash leaves no index naming the interrupted write (it is written after
        // the journal's fsync); drop the one an earlier round's commit left.
        let _ = std::fs::remove_file(journal::index_path(&work));
        let s = journal::scan(&work, false, None, |_| {}).unwrap();
        let torn = cut - before.len();
        match &s.tail {
            Tail::Torn { offset, bytes, .. } => {
                assert_eq!(
                    (*offset, *bytes),
                    (before.len() as u64, torn as u64),
                    "cut at {cut}"
                )
            }
            Tail::Clean => panic!("cut at {cut}: no torn tail"),
        }
        // Readers see the ledger before the write, never part of it.
        assert_eq!(s.head.entries, 12, "cut at {cut}");
        assert_eq!(s.head.hash, head_of(&before), "cut at {cut}");
        // Opening a writer and repair are slower: run them at and around every line end and on every 5th offset.
        let near_line_end = full[cut - 2..=cut].contains(&b'\n')
            || full.get(cut..cut + 2).is_some_and(|b| b.contains(&b'\n'));
        if !near_line_end && cut % 5 != 0 {
            continue;
        }
        // Writers refuse and point at repair.
        let refused = Writer::open(&work, at(200), Reading::ToRecord)
            .err()
            .unwrap();
        assert!(
            matches!(refused, JournalError::Torn { entries: 12, .. }),
            "cut at {cut}: {refused}"
        );
        assert!(
            refused.to_string().contains("run `ledger repair`"),
            "{refused}"
        );
        let r = journal::repair(&work)
            .unwrap()
            .expect("something to repair");
        assert_eq!((r.offset, r.bytes), (before.len() as u64, torn as u64));
        assert_eq!(r.removed, &full[before.len()..cut]);
        assert_eq!(r.head.entries, 12);
        assert_eq!(std::fs::read(&work).unwrap(), before, "cut at {cut}");
        if cut % 7 == 0 {
            // The next write works and gets the next number.
            assert_eq!(commit(&work, 200, vec![rate("0.9", 300)]), 13);
        }
    }
}

#[test]
fn a_batch_cut_at_any_byte_is_torn_and_repair_restores_the_ledger_before_it() {
    crash_at_every_offset(3);
}

#[test]
fn a_single_entry_cut_at_any_byte_is_torn_and_repair_restores_the_ledger_before_it() {
    crash_at_every_offset(1);
}

/// The binary on a sample of cuts: verify exits 3, record refuses, repair says what
/// it removed and restores the bytes, the next record works.
#[test]
fn the_commands_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.jsonl");
    let (before, full) = crash_fixture(&path, 3);
    let l = lines(&full[before.len()..]);
    let ends = [l[0].len(), l[0].len() + l[1].len()];
    for cut in [
        before.len() + 1,
        before.len() + ends[0] - 1,
        before.len() + ends[0],
        before.len() + ends[1] + 40,
        full.len() - 1,
    ] {
        let t = Test::new();
        t.write("test.jsonl", &full[..cut]);
        let _ = std::fs::remove_file(journal::index_path(t.ledger()));
        let torn = cut - before.len();
        let torn = format!("{torn} byte{}", if torn == 1 { "" } else { "s" });
        // The rest of the message depends on where the cut falls (one entry cut
        // short, or a batch unfinished), so only its fixed parts are checked.
        let o = t.rejects(
            &["verify"],
            3,
            &format!(
                "the ledger has a torn tail after entry #12 ({torn} at offset {}",
                before.len()
            ),
        );
        assert!(
            o.stderr.contains("run `ledger repair` to remove it"),
            "{}",
            o.stderr
        );
        if cut >= before.len() + ends[0] {
            assert!(o.stderr.contains("an unfinished batch"), "{}", o.stderr);
        }
        t.rejects(
            "record rate --currency EUR --per-usd 1 --date 2009-01-01",
            3,
            "run `ledger repair`",
        );
        let out = t.ok(&["repair"]);
        let mut out_lines = out.lines();
        let first = out_lines.next().unwrap();
        assert!(
            first.starts_with(&format!("removed {torn} at offset {}: ", before.len())),
            "{out}"
        );
        let shown: Vec<&str> = out_lines
            .clone()
            .filter(|l| l.starts_with("  removed: "))
            .collect();
        assert_eq!(shown.len(), lines(&full[before.len()..cut]).len(), "{out}");
        assert!(
            out.ends_with(&format!("ok: 12 entries, head {}\n", head_of(&before))),
            "{out}"
        );
        assert_eq!(
            t.journal(),
            before,
            "repair left other bytes than the ledger before the batch"
        );
        assert_eq!(
            t.ok(&["repair"]),
            "nothing to repair: the ledger has no torn tail\n"
        );
        let out = t.ok("record rate --currency EUR --per-usd 1 --date 2009-01-01");
        assert!(out.starts_with("#13 rate EUR 1 per USD"), "{out}");
        assert!(t.ok(&["verify"]).starts_with("ok: 13 entries, head "));
    }
}

#[test]
fn four_processes_recording_at_once_interleave_nothing() {
    let t = Test::init();
    t.ok("record pledge --donor JPN --mandate coordination --amount 100000 --currency USD --date 2009-01-01");
    const WRITERS: usize = 4;
    const EACH: usize = 100;
    let numbers: Vec<u64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..WRITERS)
            .map(|w| {
                let t = &t;
                s.spawn(move || {
                    (0..EACH)
                        .map(|i| {
                            let reference = format!("W{w}-{i}");
                            let amount = format!("{}.{:02}", w + 1, i);
                            let out = t
                                .command(&[
                                    "record",
                                    "payment",
                                    "--donor",
                                    "JPN",
                                    "--mandate",
                                    "coordination",
                                    "--amount",
                                    &amount,
                                    "--currency",
                                    "USD",
                                    "--date",
                                    "2009-02-01",
                                    "--reference",
                                    &reference,
                                ])
                                // The system clock, as in real use: a writer that waited for the lock
                                // must still record a time no earlier than the entries before it.
                                .env_remove("LEDGER_NOW")
                                .output()
                                .unwrap();
                            let stdout = String::from_utf8_lossy(&out.stdout);
                            assert!(
                                out.status.success(),
                                "{reference}: {stdout} {}",
                                String::from_utf8_lossy(&out.stderr)
                            );
                            assert!(
                                stdout.contains(&format!("payment JPN coordination {amount} USD")),
                                "{stdout}"
                            );
                            stdout[1..stdout.find(' ').unwrap()].parse::<u64>().unwrap()
                        })
                        .collect::<Vec<u64>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let mut sorted = numbers.clone();
    sorted.sort_unstable();
    let total = (WRITERS * EACH) as u64;
    assert_eq!(
        sorted,
        (2..=total + 1).collect::<Vec<u64>>(),
        "numbers are contiguous and each given once"
    );
    let log: serde_json::Value =
        serde_json::from_str(&t.ok("log --format json --kind payment")).unwrap();
    let mut refs: Vec<String> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reference"].as_str().unwrap().to_string())
        .collect();
    refs.sort();
    let mut want: Vec<String> = (0..WRITERS)
        .flat_map(|w| (0..EACH).map(move |i| format!("W{w}-{i}")))
        .collect();
    want.sort();
    assert_eq!(refs, want, "every entry present once");
    assert!(
        t.ok(&["verify"])
            .starts_with(&format!("ok: {} entries, head ", total + 1))
    );
}

/// An amount with exactly `minor` decimals.
fn full_amount(minor: u32) -> String {
    match minor {
        0 => "1234567".to_string(),
        m => format!("1234567.{}", &"89123456"[..m as usize]),
    }
}

#[test]
fn every_currency_round_trips_its_minor_units_exactly() {
    let t = Test::new().at("2026-01-01T00:00:00Z");
    t.ok(&["init"]);
    let currencies: Vec<Currency> = Currency::all().collect();
    assert!(
        currencies.len() > 150,
        "the ISO table: {}",
        currencies.len()
    );
    for (i, c) in currencies.iter().enumerate() {
        // One write each: commits do not depend on each other.
        let mut w = Writer::open(
            t.ledger(),
            "2026-01-01T00:00:00Z"
                .parse::<chrono::DateTime<chrono::Utc>>()
                .unwrap(),
            Reading::ToRecord,
        )
        .unwrap();
        w.stage(pledge(
            "JPN",
            &full_amount(c.minor_units()),
            c.code(),
            format!("M{i}"),
        ))
        .unwrap();
        w.commit().unwrap();
    }
    let journal = String::from_utf8(t.journal()).unwrap();
    let log: serde_json::Value = serde_json::from_str(&t.ok("log --format json")).unwrap();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), currencies.len());
    for (c, e) in currencies.iter().zip(log) {
        let amount = full_amount(c.minor_units());
        assert!(
            journal.contains(&format!(
                "\"amount\":\"{amount}\",\"currency\":\"{}\"",
                c.code()
            )),
            "{c}: {amount} not stored exactly"
        );
        assert_eq!(
            (e["amount"].as_str(), e["currency"].as_str()),
            (Some(amount.as_str()), Some(c.code()))
        );
    }
    assert!(
        t.ok(&["verify"])
            .starts_with(&format!("ok: {} entries", currencies.len()))
    );
}

#[test]
fn amounts_typed_are_stored_scaled_to_the_currency() {
    let t = Test::init();
    for (amount, currency, stored) in [
        ("0.01", "USD", "0.01"),
        ("100.5", "USD", "100.50"),
        ("100.500", "usd", "100.50"),
        ("100", "USD", "100.00"),
        ("1234567.891", "KWD", "1234567.891"),
        ("7", "KWD", "7.000"),
        ("1234567", "JPY", "1234567"),
        ("10.0", "JPY", "10"),
        ("0.0001", "CLF", "0.0001"),
        ("999999999999999.99", "USD", "999999999999999.99"),
    ] {
        let before = t.journal().len();
        let out = t.ok(&[
            "record",
            "pledge",
            "--donor",
            "JPN",
            "--mandate",
            "coordination",
            "--amount",
            amount,
            "--currency",
            currency,
            "--date",
            "2009-01-15",
            "--format",
            "json",
        ]);
        let e: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(e["amount"], stored, "{amount} {currency}");
        let line = String::from_utf8(t.journal()[before..].to_vec()).unwrap();
        assert!(
            line.contains(&format!(
                "\"amount\":\"{stored}\",\"currency\":\"{}\"",
                currency.to_uppercase()
            )),
            "{line}"
        );
    }
    t.refuses(
        "record pledge --donor JPN --mandate coordination --amount 1000000000000000.01 --currency USD --date 2009-01-15",
        1,
        "error: --amount: 1000000000000000.01 is larger than any plausible contribution [bad-amount]\n",
    );
}

/// Readers use the committed entries of a torn ledger and say so; they never
/// publish quietly from a ledger a crash left unfinished.
#[test]
fn readers_warn_about_a_torn_tail() {
    let t = crate::util::Test::init();
    t.ok("record pledge --donor JPN --mandate icat --amount 100 --currency USD --date 2009-01-01");
    let mut bytes = t.journal();
    bytes.extend_from_slice(b"{\"seq\":2,\"prev\":\"00");
    std::fs::write(t.ledger(), &bytes).unwrap();
    for args in [&["report", "donors"][..], &["log"], &["donor", "list"]] {
        let o = t.run(args);
        assert_eq!(o.status, 0, "{args:?}: {}", o.stderr);
        assert_eq!(
            o.stderr,
            format!(
                "warning: {}: the ledger has a torn tail (entry #2 cut short (19 of its bytes written)); only the 1 committed entry is used. Run `ledger verify` and `ledger repair`.\n",
                t.ledger().display()
            ),
            "{args:?}"
        );
    }
    assert!(t.ok("report donors --format csv").contains("JPN"));
}

/// A batch far larger than one read chunk is handed over whole, in order, once its
/// last line is read (its lines are read back from the file, not held in memory).
#[test]
fn a_large_batch_is_read_back_whole_and_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.jsonl");
    journal::init(&path, at(0)).unwrap();
    let drafts: Vec<Body> = (0..3000)
        .map(|i| pledge("JPN", "10.25", "USD", format!("BIG{i}")))
        .collect();
    assert_eq!(commit(&path, 1, drafts), 3000);
    assert!(
        std::fs::metadata(&path).unwrap().len() > 4 * (1 << 18),
        "the batch spans several chunks"
    );
    let (scan, entries) = journal::read(&path, None).unwrap();
    assert_eq!(scan.head.entries, 3000);
    let seqs: Vec<u64> = entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=3000).collect::<Vec<u64>>());
    assert!(
        entries
            .iter()
            .enumerate()
            .all(|(i, e)| e.body.reference() == Some(format!("BIG{i}").as_str()))
    );
}
