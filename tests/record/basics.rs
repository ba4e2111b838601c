//! Recording as the README shows it: numbers, descriptions, JSON, `init`, the clock,
//! and usage errors.

#[allow(unused_imports)]
use super::{number, payment, pledge, walkthrough};
use crate::util::Test;

#[test]
fn the_readme_walkthrough_numbers_entries_and_describes_them() {
    let t = walkthrough();
    let log = t.ok(&["log"]);
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 5, "{log}");
    let expect = [
        "#1      2026-01-01T00:00:00Z  rate EUR 0.634 per USD from 2008-07-01",
        "#2      2026-01-01T00:00:00Z  pledge JPN coordination 250,000.00 USD 2008-07-24 due 2009-06-30  ref NV/2008/117",
        "#3      2026-01-01T00:00:00Z  payment JPN coordination 125,000.00 USD 2008-09-01 pledge #2",
        "#4      2026-01-01T00:00:00Z  reversal of #3: wrong value date",
        "#5      2026-01-01T00:00:00Z  write-off pledge #2 10,000.00 USD 2009-12-31  reason \"approved\"",
    ];
    assert_eq!(lines, expect);
    let v = t.ok(&["verify"]);
    assert!(v.starts_with("ok: 5 entries, head "), "{v}");
    let head = v.trim().rsplit(' ').next().unwrap();
    assert_eq!(head.len(), 64);
    assert!(
        head.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    // The head printed is the hash field of the last line of the journal.
    let journal = String::from_utf8(t.journal()).unwrap();
    let last = journal.lines().last().unwrap();
    assert!(last.ends_with(&format!(",\"hash\":\"{head}\"}}")), "{last}");
    assert!(last.starts_with("{\"seq\":5,\"prev\":\""), "{last}");
}

#[test]
fn init_creates_a_header_only_ledger_and_never_overwrites() {
    let t = Test::new();
    let out = t.ok(&["init"]);
    assert!(out.contains("(0 entries, head "), "{out}");
    let journal = String::from_utf8(t.journal()).unwrap();
    assert_eq!(journal.lines().count(), 1);
    assert!(journal.starts_with("{\"seq\":0,\"prev\":\"0000000000000000000000000000000000000000000000000000000000000000\",\"recorded_at\":\"2026-01-01T00:00:00Z\",\"kind\":\"ledger\""), "{journal}");
    assert_eq!(
        t.ok(&["verify"]).lines().next().unwrap().split(',').next(),
        Some("ok: 0 entries")
    );
    t.refuses(
        &["init"],
        1,
        "error: $DIR/test.jsonl: a ledger already exists here; `ledger init` never overwrites one\n",
    );
    // Also a ledger with entries.
    t.ok(&pledge("JPN", "coordination", "1", "USD"));
    t.refuses(
        &["init"],
        1,
        "error: $DIR/test.jsonl: a ledger already exists here; `ledger init` never overwrites one\n",
    );
    // Any other file in its place is refused as every command refuses it (the
    // special files and damaged headers are in `special`).
    let t = Test::new();
    t.write("test.jsonl", "not a ledger\n");
    t.refuses(
        &["init"],
        3,
        "error: $DIR/test.jsonl:1: not a ledger: the first line is not a ledger header (the line is too short to be an entry); no command changes this file: if it is not your ledger, name yours with --ledger or CONTRIB_LEDGER (or move this file away and run `ledger init`); if it was your ledger, restore it from a copy\n",
    );
}

#[test]
fn a_command_without_a_ledger_says_how_to_create_one() {
    let t = Test::new();
    t.refuses(
        &pledge("JPN", "coordination", "1", "USD"),
        1,
        "error: $DIR/test.jsonl: no ledger here; create one with `ledger init` (or name another with --ledger or CONTRIB_LEDGER)\n",
    );
    assert!(t.journal().is_empty());
}

#[test]
fn every_record_kind_prints_its_number_first_and_json_has_seq() {
    let t = Test::init();
    let json = |args: &[&str]| -> serde_json::Value {
        let mut a = args.to_vec();
        a.extend(["--format", "json"]);
        let out = t.ok(&a);
        assert_eq!(out.lines().count(), 1, "one JSON object: {out}");
        serde_json::from_str(&out).unwrap()
    };
    let r = json(&[
        "record",
        "rate",
        "--currency",
        "eur",
        "--per-usd",
        "0.6340",
        "--date",
        "2008-07-01",
    ]);
    assert_eq!(r["seq"], 1);
    assert_eq!(r["kind"], "rate");
    assert_eq!(r["currency"], "EUR");
    assert_eq!(r["per_usd"], "0.634");
    let p = json(&pledge("jpn", "Coordination", "1000", "usd"));
    assert_eq!(
        (
            p["seq"].as_u64(),
            p["kind"].as_str(),
            p["donor"].as_str(),
            p["mandate"].as_str(),
            p["amount"].as_str(),
            p["currency"].as_str(),
            p["date"].as_str()
        ),
        (
            Some(2),
            Some("pledge"),
            Some("JPN"),
            Some("coordination"),
            Some("1000.00"),
            Some("USD"),
            Some("2009-01-15")
        )
    );
    assert_eq!(p["recorded_at"], "2026-01-01T00:00:00Z");
    let pay = json(&payment("JPN", "400", Some("#2")));
    assert_eq!(
        (pay["seq"].as_u64(), pay["pledge"].as_u64()),
        (Some(3), Some(2))
    );
    let refund = t.ok("record refund --donor JPN --mandate coordination --amount 50 --currency USD --date 2009-04-01");
    assert_eq!(refund, "#4 refund JPN coordination 50.00 USD 2009-04-01\n");
    let w = t.ok("record write-off --reason approved --pledge 2 --amount 100 --date 2009-12-31");
    assert_eq!(w, "#5 write-off pledge #2 100.00 USD 2009-12-31\n");
    let rev = json(&[
        "record",
        "reversal",
        "--entry",
        "5",
        "--reason",
        "typed twice",
    ]);
    assert_eq!(
        (
            rev["seq"].as_u64(),
            rev["entry"].as_u64(),
            rev["reason"].as_str()
        ),
        (Some(6), Some(5), Some("typed twice"))
    );
    assert_eq!(
        number(&t.ok("record rate --currency JPY --per-usd 105.5 --date 2008-07-01")),
        7
    );
    assert!(t.ok(&["verify"]).starts_with("ok: 7 entries, head "));
}

#[test]
fn usage_errors_exit_2_and_write_nothing() {
    let t = walkthrough();
    t.refuses(
        "record pledge --bogus 1",
        2,
        "error: unexpected argument '--bogus' found\n\
         \n\
         Usage: ledger record pledge [OPTIONS] --donor <DONOR> --mandate <MANDATE> --amount <AMOUNT> --currency <CURRENCY>\n\
         \n\
         For more information, try '--help'.\n",
    );
    t.refuses(
        "record pledge --donor JPN --mandate coordination --currency USD",
        2,
        "error: the following required arguments were not provided:\n  --amount <AMOUNT>\n\nUsage: ledger record pledge --donor <DONOR> --mandate <MANDATE> --amount <AMOUNT> --currency <CURRENCY>\n\nFor more information, try '--help'.\n",
    );
    t.refuses(
        "record write-off --amount 5",
        2,
        "error: the following required arguments were not provided:\n  --pledge <PLEDGE>\n\nUsage: ledger record write-off --pledge <PLEDGE> --amount <AMOUNT>\n\nFor more information, try '--help'.\n",
    );
    t.refuses(
        "record reversal --entry 2",
        2,
        "error: the following required arguments were not provided:\n  --reason <REASON>\n\nUsage: ledger record reversal --entry <ENTRY> --reason <REASON>\n\nFor more information, try '--help'.\n",
    );
    t.refuses(
        "record rate --currency EUR --per-usd 1",
        2,
        "error: the following required arguments were not provided:\n  --date <DATE>\n\nUsage: ledger record rate --currency <CURRENCY> --per-usd <PER_USD> --date <DATE>\n\nFor more information, try '--help'.\n",
    );
    t.refuses(
        "record payment --donor JPN --mandate coordination --amount 1 --currency USD --pledge two",
        2,
        "error: invalid value 'two' for '--pledge <PLEDGE>': \"two\" is not an entry number (1, 2, 3, ... or #1, #2, ...)\n\
         \n\
         For more information, try '--help'.\n",
    );
    t.refuses(
        "record gift",
        2,
        "error: unrecognized subcommand 'gift'\n\
         \n\
         Usage: ledger record [OPTIONS] <COMMAND>\n\
         \n\
         For more information, try '--help'.\n",
    );
    t.refuses(
        "donor add X1 --category foundation",
        2,
        "error: the following required arguments were not provided:\n  --name <NAME>\n\nUsage: ledger donor add --name <NAME> --category <CATEGORY> <CODE>\n\nFor more information, try '--help'.\n",
    );
    t.refuses(
        "verify --bogus",
        2,
        "error: unexpected argument '--bogus' found\n\
         \n\
         Usage: ledger verify [OPTIONS]\n\
         \n\
         For more information, try '--help'.\n",
    );
}

#[test]
fn recorded_at_never_goes_backwards() {
    let mut t = walkthrough();
    t.set_now("2025-12-31T23:59:59Z");
    t.refuses(
        &pledge("JPN", "coordination", "1", "USD"),
        1,
        "error: record: the time now (2025-12-31T23:59:59Z) is before the last entry's recorded_at (2026-01-01T00:00:00Z); entries are never recorded back in time. Check the clock or LEDGER_NOW; if that entry's time was wrong, record with LEDGER_NOW=2026-01-01T00:00:00Z (or later) until the clock has passed it [clock-backwards]\n",
    );
    t.refuses(
        "donor add X1 --name X --category individual",
        1,
        "error: record: the time now (2025-12-31T23:59:59Z) is before the last entry's recorded_at (2026-01-01T00:00:00Z); entries are never recorded back in time. Check the clock or LEDGER_NOW; if that entry's time was wrong, record with LEDGER_NOW=2026-01-01T00:00:00Z (or later) until the clock has passed it [clock-backwards]\n",
    );
    t.refuses(
        "record reversal --entry 2 --reason x",
        1,
        "error: record: the time now (2025-12-31T23:59:59Z) is before the last entry's recorded_at (2026-01-01T00:00:00Z); entries are never recorded back in time. Check the clock or LEDGER_NOW; if that entry's time was wrong, record with LEDGER_NOW=2026-01-01T00:00:00Z (or later) until the clock has passed it [clock-backwards]\n",
    );
    // The same second is fine, and so is later.
    t.set_now("2026-01-01T00:00:00Z");
    assert_eq!(number(&t.ok(&pledge("JPN", "coordination", "1", "USD"))), 6);
    t.set_now("2026-01-01T00:00:01+00:00");
    assert_eq!(number(&t.ok(&pledge("JPN", "coordination", "1", "USD"))), 7);
    t.set_now("not a time");
    t.refuses(
        &pledge("JPN", "coordination", "1", "USD"),
        1,
        "error: LEDGER_NOW: \"not a time\" is not an RFC 3339 timestamp such as 2009-10-15T12:00:00Z (premature end of input); set it to such a timestamp or unset it to use the system clock\n",
    );
}

/// A clock earlier than the ledger's creation must be refused like any clock going
/// backwards; recording such an entry leaves a ledger that no longer verifies.
#[test]
fn recorded_at_never_goes_back_before_the_ledger_was_created() {
    let mut t = Test::init(); // header recorded at 2026-01-01T00:00:00Z
    t.set_now("2025-06-01T00:00:00Z");
    t.refuses(
        &pledge("JPN", "coordination", "1", "USD"),
        1,
        "error: record: the time now (2025-06-01T00:00:00Z) is before the last entry's recorded_at (2026-01-01T00:00:00Z); entries are never recorded back in time. Check the clock or LEDGER_NOW; if that entry's time was wrong, record with LEDGER_NOW=2026-01-01T00:00:00Z (or later) until the clock has passed it [clock-backwards]\n",
    );
    assert!(t.ok(&["verify"]).starts_with("ok: 0 entries"));
}
