//! The index beside the journal: derived, never trusted over the journal, and
//! losing or corrupting it loses nothing.

use crate::util::Test;

fn pledge(t: &Test, donor: &str, amount: &str) -> String {
    t.ok(&[
        "record",
        "pledge",
        "--donor",
        donor,
        "--mandate",
        "icat",
        "--amount",
        amount,
        "--currency",
        "USD",
        "--date",
        "2009-01-10",
    ])
}

fn index_path(t: &Test) -> std::path::PathBuf {
    ledger::journal::index_path(t.ledger())
}

#[test]
fn recording_writes_an_index_and_deleting_it_changes_nothing() {
    let a = Test::init();
    let b = Test::init();
    for t in [&a, &b] {
        pledge(t, "JPN", "1000");
        pledge(t, "DEU", "2000");
    }
    assert!(index_path(&a).exists(), "no index after recording");
    std::fs::remove_file(index_path(&b)).unwrap();
    for t in [&a, &b] {
        assert!(
            t.ok("record payment --donor DEU --mandate icat --amount 5 --currency USD --date 2009-02-01 --pledge 2")
            .starts_with("#3 ")
        );
    }
    assert_eq!(a.journal(), b.journal());
}

#[test]
fn a_stale_index_is_caught_up_from_the_journal() {
    let t = Test::init();
    pledge(&t, "JPN", "1000");
    let stale = std::fs::read(index_path(&t)).unwrap();
    pledge(&t, "DEU", "2000");
    pledge(&t, "FRA", "3000");
    std::fs::write(index_path(&t), stale).unwrap();
    // Entry #3 is known only from the journal, not from the stale index.
    let out = t.ok("record payment --donor FRA --mandate icat --amount 5 --currency USD --date 2009-02-01 --pledge 3");
    assert!(out.starts_with("#4 payment FRA"), "{out}");
    t.refuses(
        "record payment --donor JPN --mandate icat --amount 5 --currency USD --date 2009-02-01 --pledge 3",
        1,
        "error: --pledge: pledge #3 belongs to FRA, not JPN [wrong-donor]\n",
    );
    assert!(t.ok(&["verify"]).starts_with("ok: 4 entries"));
}

#[test]
fn a_garbage_index_is_ignored() {
    let t = Test::init();
    pledge(&t, "JPN", "1000");
    std::fs::write(index_path(&t), b"{not an index").unwrap();
    assert!(pledge(&t, "DEU", "2000").starts_with("#2 "));
    assert!(t.ok(&["verify"]).starts_with("ok: 2 entries"));
}

#[test]
fn an_index_whose_head_line_was_altered_is_not_trusted() {
    let t = Test::init();
    pledge(&t, "JPN", "1000");
    pledge(&t, "DEU", "2000");
    let text = String::from_utf8(t.journal())
        .unwrap()
        .replace("\"amount\":\"2000.00\"", "\"amount\":\"9000.00\"");
    std::fs::write(t.ledger(), text).unwrap();
    // The index still names the old head hash; the writer falls back to reading the
    // journal, which fails verification at entry #2.
    let o = t.refuses(
        "record rate --currency EUR --per-usd 0.7 --date 2009-01-01",
        3,
        "error: $DIR/test.jsonl:3: entry #2 fails verification: its bytes do not match its hash (the entry was altered)\n",
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn checks_that_need_every_entry_still_run_with_an_index() {
    let t = Test::init();
    pledge(&t, "JPN", "1000");
    t.ok("record payment --donor JPN --mandate icat --amount 600 --currency USD --date 2009-02-01");
    // Settling needs the payments, which the index does not hold.
    t.refuses(
        "record write-off --reason approved --pledge 1 --amount 400.01 --date 2009-03-01",
        1,
        "error: --amount: pledge #1 has 400.00 USD outstanding on 2009-03-01; a write-off of 400.01 USD is larger [write-off-exceeds]\n",
    );
    t.ok("record reversal --entry 2 --reason 'entered twice'");
    assert!(
        t.ok("record write-off --reason approved --pledge 1 --amount 1000 --date 2009-03-01")
            .starts_with("#4 ")
    );
    t.refuses(
        "record reversal --entry 1 --reason x",
        1,
        "error: --entry: pledge #1 is still named by #4; reverse #4 first [pledge-in-use]\n",
    );
}

#[test]
fn an_index_naming_entries_the_journal_lost_makes_the_ledger_fail_verification() {
    let t = Test::init();
    for (d, a) in [("JPN", "1000"), ("DEU", "2000"), ("FRA", "3000")] {
        pledge(&t, d, a);
    }
    let full = t.journal();
    // The last line removed whole: the chain alone is valid, one entry shorter.
    let cut = full[..full.len() - 1]
        .iter()
        .rposition(|b| *b == b'\n')
        .unwrap()
        + 1;
    std::fs::write(t.ledger(), &full[..cut]).unwrap();
    let message = "error: $DIR/test.jsonl: the journal disagrees with its index: the index recorded entry #3 with hash 4dabbfeb448f310dd9c670271db3cf79d31968062d9574f4ba343fa1f7ac4b1e as committed, but the journal holds 2 committed entries; entry #3 is missing. Committed entries were removed or altered, or the journal was replaced by another copy; if it was restored on purpose, delete $DIR/test.jsonl.index and run `ledger verify` again\n";
    t.refuses(&["verify"], 3, message);
    t.refuses(
        "record rate --currency EUR --per-usd 0.7 --date 2009-01-01",
        3,
        message,
    );
    // The last committed entry cut short looks like a torn write, but the index
    // recorded it as committed: repair refuses to cut it.
    std::fs::write(t.ledger(), &full[..full.len() - 40]).unwrap();
    t.refuses(&["repair"], 3, message);
    // Restored on purpose: deleting the index is how a user says so.
    std::fs::write(t.ledger(), &full[..cut]).unwrap();
    std::fs::remove_file(index_path(&t)).unwrap();
    assert!(t.ok(&["verify"]).starts_with("ok: 2 entries"));
}

#[test]
fn init_over_a_removed_ledger_drops_its_old_index() {
    let t = Test::init();
    pledge(&t, "JPN", "1000");
    pledge(&t, "DEU", "2000");
    std::fs::remove_file(t.ledger()).unwrap();
    assert!(index_path(&t).exists());
    t.ok(&["init"]);
    assert!(!index_path(&t).exists());
    assert!(t.ok(&["verify"]).starts_with("ok: 0 entries"));
    assert!(pledge(&t, "FRA", "5").starts_with("#1 "));
}

#[test]
fn a_committed_entry_that_lost_only_its_line_break_gets_it_back() {
    let t = Test::init();
    pledge(&t, "JPN", "1000");
    t.ok("record rate --currency EUR --per-usd 0.9 --date 2009-04-01");
    let full = t.journal();
    std::fs::write(t.ledger(), &full[..full.len() - 1]).unwrap();
    t.refuses(
        &["verify"],
        3,
        "error: $DIR/test.jsonl: the journal disagrees with its index: the index recorded entry #2 with hash 74e368cd65699ad69ea96a3a56cdfd06ac5de8c472302799e53d76802c4ac2a1 as committed, but entry #2 is intact and only the line break after it is missing; `ledger repair` restores it\n",
    );
    t.refuses(
        "record rate --currency EUR --per-usd 0.8 --date 2009-05-01",
        3,
        "error: $DIR/test.jsonl: the journal disagrees with its index: the index recorded entry #2 with hash 74e368cd65699ad69ea96a3a56cdfd06ac5de8c472302799e53d76802c4ac2a1 as committed, but entry #2 is intact and only the line break after it is missing; `ledger repair` restores it\n",
    );
    let out = t.ok(&["repair"]);
    assert!(
        out.starts_with(
            "restored the line break after the last entry, which the index recorded as committed"
        ),
        "{out}"
    );
    assert_eq!(
        t.journal(),
        full,
        "repair gives back exactly the committed bytes"
    );
    assert!(t.ok(&["verify"]).starts_with("ok: 2 entries"));
    // Without an index to witness it, the same bytes are an uncommitted write: cut.
    std::fs::write(t.ledger(), &full[..full.len() - 1]).unwrap();
    std::fs::remove_file(index_path(&t)).unwrap();
    assert_eq!(
        t.ok(&["repair"]),
        "removed 261 bytes at offset 553: entry #2 cut short (261 of its bytes written)\n  removed: {\"seq\":2,\"prev\":\"7d5c05fe00ead6058463aee06c57823e26efaa12392cb85e0b369c19a6ca03a0\",\"recorded_at\":\"2026-01-01T00:00:00Z\",\"kind\":\"rate\",\"currency\":\"EUR\",\"per_usd\":\"0.9\",\"date\":\"2009-04-01\",\"hash\":\"74e36...\n\
         ok: 1 entry, head 7d5c05fe00ead6058463aee06c57823e26efaa12392cb85e0b369c19a6ca03a0\n"
    );
    assert!(t.ok(&["verify"]).starts_with("ok: 1 entry"));
}
