//! Entries that should not go in: value dates later than the day they are recorded
//! (`future-date`), and a manual record repeating a kind, donor and reference
//! (`duplicate-reference`).

use crate::util::Test;

#[test]
fn value_dates_after_the_recording_date_are_refused() {
    let t = Test::init().at("2026-01-10T00:00:00Z");
    t.ok("record pledge --donor JPN --mandate coordination --amount 100 --currency USD --date 2025-12-01 --due 2030-01-01");
    for (args, stderr) in [
        (
            "record payment --donor JPN --mandate coordination --amount 10 --currency USD --date 2030-01-01",
            "error: --date: 2030-01-01 is later than today (2026-01-10): a payment is recorded on or after the day it happens; record it then, or give the date it happened [future-date]\n",
        ),
        (
            "record refund --donor JPN --mandate coordination --amount 10 --currency USD --date 2026-01-11 --prior-period",
            "error: --date: 2026-01-11 is later than today (2026-01-10): a refund is recorded on or after the day it happens; record it then, or give the date it happened [future-date]\n",
        ),
        (
            "record pledge --donor JPN --mandate coordination --amount 10 --currency USD --date 2026-02-01",
            "error: --date: 2026-02-01 is later than today (2026-01-10): a pledge is recorded on or after the day it happens; record it then, or give the date it happened [future-date]\n",
        ),
        (
            "record write-off --pledge 1 --amount 10 --date 2026-01-11 --reason approval",
            "error: --date: 2026-01-11 is later than today (2026-01-10): a write-off is recorded on or after the day it happens; record it then, or give the date it happened [future-date]\n",
        ),
        (
            "record reduction --pledge 1 --amount 10 --date 2026-01-11 --reason notice",
            "error: --date: 2026-01-11 is later than today (2026-01-10): a reduction is recorded on or after the day it happens; record it then, or give the date it happened [future-date]\n",
        ),
        (
            "record rate --currency EUR --per-usd 0.9 --date 2026-02-11",
            "error: --date: 2026-02-11 is more than a month after today (2026-01-10): a rate may be recorded at most a month ahead of its date (here, dated up to 2026-02-10) [future-date]\n",
        ),
    ] {
        t.refuses(args, 1, stderr);
    }
    // Today is fine, and a rate may be recorded a month ahead.
    t.ok("record payment --donor JPN --mandate coordination --amount 10 --currency USD --date 2026-01-10");
    t.ok("record rate --currency EUR --per-usd 0.9 --date 2026-02-10");
    assert!(
        t.ok("verify --rules")
            .contains("every entry keeps the recording rules")
    );
}

#[test]
fn the_demo_ledger_keeps_the_future_date_rule() {
    let t = Test::new();
    let path = format!("{}/ledgers/demo.jsonl", env!("CARGO_MANIFEST_DIR"));
    let out = t.ok(&["--ledger", path.as_str(), "verify", "--rules"]);
    assert!(
        out.contains("every entry keeps the recording rules"),
        "{out}"
    );
}

#[test]
fn a_repeated_reference_is_refused_unless_allowed() {
    let t = Test::init();
    t.ok("record pledge --donor JPN --mandate coordination --amount 100 --currency USD --date 2025-01-01 --reference NV/1");
    t.refuses(
        "record pledge --donor Japan --mandate coordination --amount 100 --currency USD --date 2025-02-01 --reference NV/1",
        1,
        "error: --reference: a pledge of JPN with reference \"NV/1\" is already recorded as #1; a second one would be counted against the rows of later imports. If this is another line of the same document, add --allow-duplicate-reference; if #1 was wrong, reverse it and record again with --allow-duplicate-reference [duplicate-reference]\n",
    );
    t.ok("record pledge --donor JPN --mandate coordination --amount 100 --currency USD --date 2025-02-01 --reference NV/1 --allow-duplicate-reference");
    // Another kind or another donor with the same reference is another document.
    t.ok("record payment --donor JPN --mandate coordination --amount 100 --currency USD --date 2025-03-01 --reference NV/1");
    t.ok("record pledge --donor DEU --mandate coordination --amount 100 --currency USD --date 2025-02-01 --reference NV/1");
    // #3 (100.00, no pledge named) settled #1, the oldest of two pledges owing 100.00.
    t.ok("record write-off --pledge 2 --amount 1 --date 2025-06-01 --reason ok --reference W/1");
    t.refuses(
        "record write-off --pledge 2 --amount 1 --date 2025-06-02 --reason ok --reference W/1",
        1,
        "error: --reference: a write-off of JPN with reference \"W/1\" is already recorded as #5; a second one would be counted against the rows of later imports. If this is another line of the same document, add --allow-duplicate-reference; if #5 was wrong, reverse it and record again with --allow-duplicate-reference [duplicate-reference]\n",
    );
    // A payment and a refund, a write-off and a reduction, are other kinds; a
    // write-off's donor is its pledge's.
    t.ok("record refund --donor JPN --mandate coordination --amount 1 --currency USD --date 2025-07-01 --reference R/1");
    t.ok("record payment --donor JPN --mandate coordination --amount 1 --currency USD --date 2025-07-02 --reference R/1");
    t.refuses(
        "record payment --donor JPN --mandate coordination --amount 1 --currency USD --date 2025-07-03 --reference R/1",
        1,
        "error: --reference: a payment of JPN with reference \"R/1\" is already recorded as #7; a second one would be counted against the rows of later imports. If this is another line of the same document, add --allow-duplicate-reference; if #7 was wrong, reverse it and record again with --allow-duplicate-reference [duplicate-reference]\n",
    );
    t.ok("record write-off --pledge 4 --amount 1 --date 2025-06-01 --reason ok --reference W/1");
    t.ok("record reduction --pledge 2 --amount 1 --date 2025-06-03 --reason ok --reference W/1");
}

/// `record` of a pledge, payment or refund keeps only its donor's entries when it
/// reads the ledger; a registered donor given by its name, which that read cannot
/// know beforehand, is still judged by all of its own entries.
#[test]
fn a_registered_donor_given_by_name_is_judged_by_its_own_entries() {
    let t = Test::init();
    t.ok(&[
        "donor",
        "add",
        "ACME",
        "--name",
        "Acme Foundation",
        "--category",
        "foundation",
    ]);
    t.ok(&[
        "record",
        "pledge",
        "--donor",
        "Acme Foundation",
        "--mandate",
        "coordination",
        "--amount",
        "100",
        "--currency",
        "USD",
        "--date",
        "2025-01-01",
        "--reference",
        "A/1",
    ]);
    t.refuses(
        &[
            "record", "pledge", "--donor", "Acme Foundation", "--mandate", "coordination",
            "--amount", "100", "--currency", "USD", "--date", "2025-02-01", "--reference", "A/1",
        ],
        1,
        "error: --reference: a pledge of ACME with reference \"A/1\" is already recorded as #2; a second one would be counted against the rows of later imports. If this is another line of the same document, add --allow-duplicate-reference; if #2 was wrong, reverse it and record again with --allow-duplicate-reference [duplicate-reference]\n",
    );
    t.ok(&[
        "record",
        "payment",
        "--donor",
        "Acme Foundation",
        "--mandate",
        "coordination",
        "--amount",
        "60",
        "--currency",
        "USD",
        "--date",
        "2025-03-01",
        "--pledge",
        "2",
    ]);
    t.refuses(
        &[
            "record", "refund", "--donor", "Acme Foundation", "--mandate", "coordination",
            "--amount", "61", "--currency", "USD", "--date", "2025-04-01",
        ],
        1,
        "error: --amount: ACME has been paid 60.00 USD net for coordination by 2025-04-01; a refund of 61.00 USD is larger (record the payment it returns first) [refund-exceeds]\n",
    );
    assert!(
        t.ok("verify --rules")
            .contains("every entry keeps the recording rules")
    );
}

#[test]
fn a_pledge_in_use_names_the_entries_to_reverse() {
    let t = Test::init();
    t.ok("record pledge --donor JPN --mandate coordination --amount 100 --currency USD --date 2025-01-01");
    t.ok("record payment --donor JPN --mandate coordination --amount 10 --currency USD --date 2025-02-01 --pledge 1");
    t.refuses(
        "record reversal --entry 1 --reason wrong",
        1,
        "error: --entry: pledge #1 is still named by #2; reverse #2 first [pledge-in-use]\n",
    );
}
