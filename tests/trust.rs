//! The edges of the trust promise: nothing beside the journal (its index, a report's
//! output file, a planted link, a wrong clock) can destroy a ledger or let an entry
//! the rules refuse into it, and `verify --rules` names such an entry however it got
//! there.

use proptest::prelude::*;

use crate::util::Test;

/// A command line as a user types it, split on spaces.
fn w(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

const PLEDGE_JPN: &str =
    "record pledge --donor JPN --mandate icat --amount 1000 --currency USD --date 2009-01-10";
const PLEDGE_DEU: &str =
    "record pledge --donor DEU --mandate icat --amount 2000 --currency USD --date 2009-01-10";
/// Names #2, which is DEU's pledge: the rules refuse it (wrong-donor).
const PAYMENT_WRONG_DONOR: &str = "record payment --donor JPN --mandate icat --amount 5 --currency USD --date 2009-02-01 --pledge 2";
const PAYMENT_OK: &str = "record payment --donor DEU --mandate icat --amount 5 --currency USD --date 2009-02-01 --pledge 2";

fn two_pledges() -> Test {
    let t = Test::init();
    t.ok(PLEDGE_JPN);
    t.ok(PLEDGE_DEU);
    t
}

fn index_path(t: &Test) -> std::path::PathBuf {
    ledger::journal::index_path(t.ledger())
}

/// Appends a line with a valid hash chain, as someone with write access to the file
/// could: the bytes verify, whatever the entry says.
fn append_forged(t: &Test, body_json: &str, at: &str) {
    append_all_forged(t, &[body_json], at);
}

/// `append_forged` of each of `bodies`, in one write.
fn append_all_forged(t: &Test, bodies: &[&str], at: &str) {
    let mut journal = t.journal();
    let text = String::from_utf8(journal.clone()).unwrap();
    let last = text.lines().last().unwrap();
    let mut prev = last[last.len() - 66..last.len() - 2].to_string();
    let first = text.lines().count() as u64;
    let at = chrono::DateTime::parse_from_rfc3339(at).unwrap().to_utc();
    for (seq, body_json) in (first..).zip(bodies) {
        let body: ledger::domain::Body = serde_json::from_str(body_json).unwrap();
        let (line, hash) = ledger::journal::encode(seq, &prev, at, None, &body);
        journal.extend_from_slice(&line);
        prev = hash;
    }
    std::fs::write(t.ledger(), journal).unwrap();
}

/// A version-2 index (the format that carried a snapshot of the book) whose own
/// checksum holds, describing the journal's real head, with any snapshot text.
fn forged_index(t: &Test, snapshot: &str) -> Vec<u8> {
    use sha2::Digest;
    let text = String::from_utf8(t.journal()).unwrap();
    let last = text.lines().last().unwrap();
    let head = &last[last.len() - 66..last.len() - 2];
    let at_start = last.find("\"recorded_at\":\"").unwrap() + 15;
    let meta = serde_json::json!({
        "format": "contributions-ledger-index",
        "version": 2,
        "committed_len": text.len(),
        "head_offset": text.len() - last.len() - 1,
        "entries": text.lines().count() - 1,
        "head": head,
        "last_recorded_at": &last[at_start..at_start + 20],
        "snapshot_sha256": hex::encode(sha2::Sha256::digest(snapshot.as_bytes())),
    });
    format!("{meta}\n{snapshot}").into_bytes()
}

#[test]
fn issue_7_1_a_forged_index_decides_nothing() {
    let t = two_pledges();
    // The snapshot says #2 is JPN's pledge and registers a donor the journal never
    // did; its checksum holds. Neither is obeyed: the journal says what entries are.
    let snapshot = r#"{"entries":2,"last_recorded_at":"2026-01-01T00:00:00Z","kinds":"PP","reversed":[],"named_by":[],"registrations":[{"kind":"donor","code":"FAKE","name":"Fake","category":"foundation"}],"rates":[],"names":["JPN","icat"],"pledges":[[1,0,1,"USD"],[2,0,1,"USD"]]}"#;
    std::fs::write(index_path(&t), forged_index(&t, snapshot)).unwrap();
    t.refuses(
        PAYMENT_WRONG_DONOR,
        1,
        "error: --pledge: pledge #2 belongs to DEU, not JPN [wrong-donor]\n",
    );
    t.refuses(
        "record pledge --donor FAKE --mandate icat --amount 5 --currency USD --date 2009-01-01",
        1,
        "error: --donor: unknown donor \"FAKE\"; did you mean FRA, FLK? [unknown-donor]\n",
    );
    // A kind letter with no pledge behind it once made `record` panic (exit 101).
    let snapshot = r#"{"entries":2,"last_recorded_at":"2026-01-01T00:00:00Z","kinds":"PX","reversed":[],"named_by":[],"registrations":[],"rates":[],"names":[],"pledges":[]}"#;
    std::fs::write(index_path(&t), forged_index(&t, snapshot)).unwrap();
    assert!(t.ok(PAYMENT_OK).starts_with("#3 payment DEU icat 5.00 USD"));
    assert!(
        t.ok("verify --rules")
            .starts_with("rules: every entry keeps the recording rules\nok: 3 entries")
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Random edits to the index (any bytes at any place, then its checksum
    /// recomputed where it has one) never let a rule-breaking entry in: the payment
    /// naming another donor's pledge is refused every time and the journal keeps its
    /// bytes. A good entry goes in, or the writer refuses the ledger as one whose
    /// index disagrees (exit 3); nothing else.
    #[test]
    fn issue_7_1_index_edits_never_admit_a_bad_entry(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        truncate in any::<Option<prop::sample::Index>>(),
    ) {
        let t = two_pledges();
        let mut index = std::fs::read(index_path(&t)).unwrap();
        for (at, byte) in &edits {
            let i = at.index(index.len());
            index[i] = *byte;
        }
        if let Some(cut) = truncate {
            index.truncate(cut.index(index.len() + 1));
        }
        std::fs::write(index_path(&t), &index).unwrap();
        let before = t.journal();
        let bad = t.run(PAYMENT_WRONG_DONOR);
        prop_assert!(bad.status == 1 || bad.status == 3, "{bad:?}");
        prop_assert_eq!(&before, &t.journal());
        let good = t.run(PAYMENT_OK);
        prop_assert!(good.status == 0 || good.status == 3, "{good:?}");
        if good.status == 3 {
            prop_assert_eq!(&before, &t.journal());
            prop_assert!(good.stderr.contains("the journal disagrees with its index"), "{good:?}");
        }
        let verify = t.run("verify --rules");
        prop_assert!(verify.status == 0 || good.status == 3, "{verify:?}");
    }
}

#[test]
fn issue_7_1_verify_rules_names_an_entry_the_rules_refuse() {
    let t = two_pledges();
    append_forged(
        &t,
        r#"{"kind":"payment","donor":"JPN","mandate":"icat","amount":"5.00","currency":"USD","date":"2009-02-01","pledge":2}"#,
        "2026-01-01T00:00:00Z",
    );
    append_forged(
        &t,
        r#"{"kind":"donor","code":"JPN","name":"Japan again","category":"member-state"}"#,
        "2026-01-01T00:00:00Z",
    );
    // The bytes are a valid chain: the everyday check passes.
    assert!(t.ok("verify").starts_with("ok: 4 entries"));
    let o = t.fails("verify --rules", 3);
    let path = t.ledger().display().to_string();
    assert_eq!(
        o.stderr,
        format!(
            "error: {path}:4: entry #3 breaks a recording rule: pledge #2 belongs to DEU, not JPN [wrong-donor]\n\
             {path}:5: entry #4 breaks a recording rule: \"JPN\" already names donor JPN [donor-exists]\n\
             2 entries of this ledger could not have been recorded by `ledger record` or `ledger import`\n"
        )
    );
}

/// Registers GATES with the alias "Japan" (the rules refuse it: written by hand)
/// and records a pledge of 7 USD from it.
fn gates_takes_the_name_japan(t: &Test) {
    append_forged(
        t,
        r#"{"kind":"donor","code":"GATES","name":"Gates Foundation","category":"foundation","aliases":["Japan"]}"#,
        "2026-01-01T00:00:00Z",
    );
    t.ok("record pledge --donor GATES --mandate icat --amount 7 --currency USD --date 2009-01-11");
}

/// A report of one donor named by a built-in name reads the journal once, taking
/// that donor's entries as they come. A registration that gives the name to another
/// donor (one the rules refuse, written by hand) changes whom it names: the report
/// then reads again and reports the donor the name means once every registration is
/// read, as a report of a registered donor's name always does.
#[test]
fn a_report_of_a_donor_follows_a_registration_that_takes_a_built_in_name() {
    let t = two_pledges();
    let jpn = t.ok("report statement --donor Japan --format csv");
    assert!(
        jpn.contains(",1000.00,") && !jpn.contains(",7.00,"),
        "{jpn}"
    );
    gates_takes_the_name_japan(&t);
    for command in [
        "report statement --donor Japan --format csv",
        "report donors --donor Japan --format csv",
    ] {
        let o = t.ok(command);
        assert!(
            o.contains(",7.00,") && !o.contains("1000.00"),
            "{command}: {o}"
        );
    }
    // Its code still names it.
    assert_eq!(t.ok("report statement --donor JPN --format csv"), jpn);
    // Read again, the statement still lists the reversals of what it holds.
    t.ok("record pledge --donor GATES --mandate icat --amount 5 --currency USD --date 2009-01-12");
    t.ok("record reversal --entry 5 --reason wrong");
    // (A reversal is listed on the day it was recorded: the period runs to then.)
    let o = t.ok("report statement --donor Japan --from 2009-01-01 --to 2030-12-31 --format json");
    let v: serde_json::Value = serde_json::from_str(&o).unwrap();
    let kinds: Vec<(u64, &str)> = v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["seq"].as_u64().unwrap(), l["kind"].as_str().unwrap()))
        .collect();
    assert!(kinds.contains(&(6, "reversal")), "{kinds:?}");

    // The same when the country has no entries at all: nothing of it was met.
    let t = Test::init();
    t.ok(PLEDGE_DEU);
    gates_takes_the_name_japan(&t);
    let o = t.ok("report statement --donor Japan --format csv");
    assert!(o.contains(",7.00,"), "{o}");
}

/// A report of a category, fund or registered donor is read once, each donor and
/// mandate decided when first met by the registrations read so far. A registration
/// written by hand that moves a donor already met into the category (the rules
/// refuse a second registration of a code) makes it read again, so the report is
/// the one the whole register gives.
#[test]
fn a_report_of_a_category_follows_a_registration_that_moves_a_donor_into_it() {
    let t = two_pledges();
    t.ok("donor add HAVEN --name \"Safe Haven\" --category foundation");
    t.ok("record pledge --donor HAVEN --mandate icat --amount 7 --currency USD --date 2009-01-11");
    let before = t.ok("report donors --category foundation --format csv");
    assert!(
        before.contains("HAVEN") && !before.contains("JPN"),
        "{before}"
    );
    append_forged(
        &t,
        r#"{"kind":"donor","code":"JPN","name":"Japan again","category":"foundation"}"#,
        "2026-01-01T00:00:00Z",
    );
    let after = t.ok("report donors --category foundation --format csv");
    assert!(after.contains("HAVEN") && after.contains("JPN"), "{after}");
    assert!(
        after.contains("1000.00") && !after.contains("DEU"),
        "{after}"
    );
}

#[test]
fn issue_7_2_a_report_never_writes_over_the_ledger_or_an_existing_file() {
    let t = two_pledges();
    let ledger = t.ledger().display().to_string();
    let index = index_path(&t).display().to_string();
    let link = t.dir().join("link.jsonl");
    std::os::unix::fs::symlink(t.ledger(), &link).unwrap();
    let hard = t.dir().join("hard.jsonl");
    std::fs::hard_link(t.ledger(), &hard).unwrap();
    let index_before = std::fs::read(index_path(&t)).unwrap();
    for (target, what, own) in [
        (ledger.clone(), "own file", &ledger),
        (link.display().to_string(), "own file", &ledger),
        (hard.display().to_string(), "own file", &ledger),
        (index.clone(), "index", &index),
    ] {
        for force in [false, true] {
            let mut args = w("report donors --year 2009 --output");
            args.push(&target);
            if force {
                args.push("--force");
            }
            let o = t.fails(&args, 1);
            assert_eq!(
                o.stderr,
                format!(
                    "error: --output {target}: that is the ledger's {what} ({own}); a report is never written over it\n"
                )
            );
        }
    }
    assert_eq!(std::fs::read(index_path(&t)).unwrap(), index_before);
    assert!(t.ok("verify").starts_with("ok: 2 entries"));

    let report = t.write("donors.csv", "keep me");
    let target = report.display().to_string();
    let mut args = w("report donors --year 2009 --format csv --output");
    args.push(&target);
    let o = t.fails(&args, 1);
    assert_eq!(
        o.stderr,
        format!("error: --output {target}: the file exists; add --force to replace it\n")
    );
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "keep me");
    args.push("--force");
    t.ok(&args);
    assert!(
        std::fs::read_to_string(&report)
            .unwrap()
            .starts_with("Donor,")
    );
}

#[test]
fn issue_7_3_a_far_future_clock_is_refused_and_never_written() {
    let t = Test::init().at("9999-12-31T23:59:59-01:00");
    let o = t.refuses(
        PLEDGE_JPN,
        1,
        "error: $DIR/test.jsonl: the clock reads +10000-01-01T00:59:59Z, which is not a plausible time to record an entry (2000-01-01 to 2199-12-31, UTC); check the system clock or LEDGER_NOW\n",
    );
    assert!(o.stderr.starts_with("error: "), "{}", o.stderr);
    let t = t.at("2199-12-31T00:00:00Z");
    t.refuses(
        PLEDGE_JPN,
        1,
        "error: $DIR/test.jsonl: the clock reads 2199-12-31T00:00:00Z (LEDGER_NOW), which is in the future; LEDGER_NOW may set a past time, for back-filling, never a later one\n",
    );
    let t = t.at("1999-12-31T23:59:59Z");
    t.refuses(
        PLEDGE_JPN,
        1,
        "error: $DIR/test.jsonl: the clock reads 1999-12-31T23:59:59Z, which is not a plausible time to record an entry (2000-01-01 to 2199-12-31, UTC); check the system clock or LEDGER_NOW\n",
    );
    let u = Test::new().at("2250-01-01T00:00:00Z");
    u.refuses(
        &["init"],
        1,
        "error: $DIR/test.jsonl: the clock reads 2250-01-01T00:00:00Z, which is not a plausible time to record an entry (2000-01-01 to 2199-12-31, UTC); check the system clock or LEDGER_NOW\n",
    );
    assert!(!u.ledger().exists());
    let t = t.at("2026-01-01T00:00:00Z");
    assert!(t.ok(PLEDGE_JPN).starts_with("#1 "));
    assert!(t.ok("verify").starts_with("ok: 1 entry"));
}

#[test]
fn issue_7_3_a_ledger_whose_last_entry_is_in_the_future_has_a_way_out() {
    // Written by a machine whose clock was years ahead.
    let t = Test::init();
    append_forged(
        &t,
        r#"{"kind":"rate","currency":"EUR","per_usd":"0.7","date":"2009-01-01"}"#,
        "2150-06-01T00:00:00Z",
    );
    assert!(t.ok("verify --rules").contains("ok: 1 entry"));
    t.refuses(
        PLEDGE_JPN,
        1,
        "error: record: the time now (2026-01-01T00:00:00Z) is before the last entry's recorded_at (2150-06-01T00:00:00Z); entries are never recorded back in time. Check the clock or LEDGER_NOW; if that entry's time was wrong, record with LEDGER_NOW=2150-06-01T00:00:00Z (or later) until the clock has passed it [clock-backwards]\n",
    );
    let t = t.at("2150-06-01T00:00:00Z");
    assert!(t.ok(PLEDGE_JPN).starts_with("#2 "));
    // Later than the last entry and in the future: refused as any future clock.
    let t = t.at("2150-06-02T00:00:00Z");
    t.refuses(
        PLEDGE_DEU,
        1,
        "error: $DIR/test.jsonl: the clock reads 2150-06-02T00:00:00Z (LEDGER_NOW), which is in the future; LEDGER_NOW may set a past time, for back-filling, never a later one\n",
    );
    assert!(t.ok("verify").starts_with("ok: 2 entries"));
}

#[test]
fn issue_7_4_derived_files_never_replace_a_file_that_is_not_theirs() {
    // A ledger named `books.index` beside a ledger named `books`.
    let t = two_pledges();
    let other = t.dir().join("books");
    std::fs::rename(t.ledger(), t.dir().join("books.index")).unwrap();
    let kept = std::fs::read(t.dir().join("books.index")).unwrap();
    let mut args = vec!["--ledger", other.to_str().unwrap(), "init"];
    t.ok(&args);
    assert_eq!(std::fs::read(t.dir().join("books.index")).unwrap(), kept);
    args.pop();
    args.extend(w(PLEDGE_JPN));
    assert!(t.ok(&args).starts_with("#1 "));
    assert_eq!(
        std::fs::read(t.dir().join("books.index")).unwrap(),
        kept,
        "record replaced a ledger named like an index"
    );
    let mut verify = vec!["--ledger", "books.index", "verify"];
    assert!(t.ok(&verify).starts_with("ok: 2 entries"));
    verify[1] = other.to_str().unwrap();
    assert!(t.ok(&verify).starts_with("ok: 1 entry"));
}

#[test]
fn issue_7_5_a_link_planted_at_the_index_or_its_temporary_name_is_never_followed() {
    let t = two_pledges();
    let victim = t.write("victim.txt", "precious");
    std::fs::remove_file(index_path(&t)).unwrap();
    let mut tmp = index_path(&t).into_os_string();
    tmp.push(".tmp");
    std::os::unix::fs::symlink(&victim, &tmp).unwrap();
    std::os::unix::fs::symlink(t.ledger(), t.dir().join("test.jsonl.index.tmp.1")).unwrap();
    assert!(t.ok(PAYMENT_OK).starts_with("#3 "));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(t.ok("verify").starts_with("ok: 3 entries"));
    // A link at the index's own name: not an index, so left alone and not used.
    std::fs::remove_file(index_path(&t)).unwrap();
    std::os::unix::fs::symlink(&victim, index_path(&t)).unwrap();
    assert!(t.ok(PAYMENT_OK).starts_with("#4 "));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(t.ok("verify").starts_with("ok: 4 entries"));
}

#[test]
fn issue_7_11_a_writer_that_finds_a_tampered_journal_exits_3() {
    let t = two_pledges();
    t.ok(PAYMENT_OK);
    let good = t.journal();
    let text = String::from_utf8(good.clone()).unwrap();
    // Alter the first pledge's amount: the chain breaks at entry #1.
    std::fs::write(t.ledger(), text.replacen("1000.00", "9000.00", 1)).unwrap();
    for line in [
        PLEDGE_JPN,
        "record write-off --pledge 2 --amount 1 --date 2009-03-01",
        "record refund --donor DEU --mandate icat --amount 1 --currency USD --date 2009-03-01",
        "record reversal --entry 3 --reason wrong",
        "record rate --currency EUR --per-usd 0.7 --date 2009-01-01",
    ] {
        let o = t.refuses(
            &w(line),
            3,
            "error: $DIR/test.jsonl:2: entry #1 fails verification: its bytes do not match its hash (the entry was altered)\n",
        );
        assert!(o.stdout.is_empty(), "{o:?}");
    }
}

#[test]
fn issue_7_9_verify_during_a_write_verifies_the_committed_entries() {
    let t = two_pledges();
    let committed = t.journal();
    let head = t.ok("verify");
    // The first line of a two-entry batch is on disk; the writer still holds the lock.
    let text = String::from_utf8(committed.clone()).unwrap();
    let last = text.lines().last().unwrap();
    let body: ledger::domain::Body = serde_json::from_str(
        r#"{"kind":"rate","currency":"EUR","per_usd":"0.7","date":"2009-01-01"}"#,
    )
    .unwrap();
    let at = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .unwrap()
        .to_utc();
    let (line, _) = ledger::journal::encode(
        3,
        &last[last.len() - 66..last.len() - 2],
        at,
        Some([1, 2]),
        &body,
    );
    let mut torn = committed.clone();
    torn.extend_from_slice(&line);
    std::fs::write(t.ledger(), &torn).unwrap();
    let writer = std::fs::File::open(t.ledger()).unwrap();
    writer.lock().unwrap();
    let o = t.run("verify");
    assert_eq!((o.status, o.stdout.as_str()), (0, head.as_str()), "{o:?}");
    assert_eq!(
        o.stderr,
        format!(
            "note: {}: a write is in progress ({} bytes after entry #2); the committed entries before it were verified\n",
            t.ledger().display(),
            line.len()
        )
    );
    // Once the writer is gone, the same bytes are a crash's torn tail.
    writer.unlock().unwrap();
    drop(writer);
    t.refuses(
        "verify",
        3,
        "error: $DIR/test.jsonl: the ledger has a torn tail after entry #2 (276 bytes at offset 851: an unfinished batch: 1 of its 2 entries written (#3)), left by an interrupted write; run `ledger repair` to remove it\n",
    );
}

#[test]
fn verify_rules_accepts_a_write_off_recorded_before_reasons_were_required() {
    let t = two_pledges();
    // As an older version wrote it: no reason.
    append_forged(
        &t,
        r#"{"kind":"write-off","pledge":2,"amount":"10.00","currency":"USD","date":"2009-03-01"}"#,
        "2026-01-01T00:00:00Z",
    );
    assert!(
        t.ok("verify --rules")
            .starts_with("rules: every entry keeps the recording rules")
    );
    // A reduction always needed one.
    append_forged(
        &t,
        r#"{"kind":"reduction","pledge":2,"amount":"10.00","currency":"USD","date":"2009-03-01"}"#,
        "2026-01-01T00:00:00Z",
    );
    let o = t.fails("verify --rules", 3);
    assert_eq!(
        o.stderr,
        format!(
            "error: {}:5: entry #4 breaks a recording rule: a reduction needs its reason on record (the donor's letter or note verbale) [reason-required]\n\
             1 entry of this ledger could not have been recorded by `ledger record` or `ledger import`\n",
            t.ledger().display()
        )
    );
}

/// Counts of one read in the singular, and a range of one entry as that entry.
#[test]
fn a_count_of_one_and_a_range_of_one_read_in_the_singular() {
    let t = Test::init();
    t.ok("record rate --currency EUR --per-usd 0.9 --date 2009-01-01");
    let mut torn = t.journal();
    torn.push(b'{');
    std::fs::write(t.ledger(), &torn).unwrap();
    let offset = torn.len() - 1;
    t.refuses(
        "verify",
        3,
        &format!("error: $DIR/test.jsonl: the ledger has a torn tail after entry #1 (1 byte at offset {offset}: entry #2 cut short (1 of its bytes written)), left by an interrupted write; run `ledger repair` to remove it\n"),
    );
    let out = t.ok("repair");
    assert!(
        out.starts_with(&format!("removed 1 byte at offset {offset}: ")),
        "{out}"
    );
    assert!(out.contains("\nok: 1 entry, head "), "{out}");
    t.refuses(
        "record reversal --entry 9 --reason x",
        1,
        "error: --entry: there is no entry #9 (the ledger has 1 entry) [no-such-entry]\n",
    );
    t.write(
        "one.csv",
        "date,donor,mandate,kind,amount,currency,reference\n2009-02-01,JPN,icat,pledge,100,USD,NV/1\n",
    );
    let out = t.ok("import one.csv");
    assert!(
        out.starts_with("recorded #2 from one.csv (sha256 "),
        "{out}"
    );
    assert!(out.contains("); ledger head 2 entries, "), "{out}");
    assert!(
        out.ends_with("\n1 row: 1 new entry, 0 already recorded\n"),
        "{out}"
    );
    t.refuses(
        "record reversal --entry 9 --reason x",
        1,
        "error: --entry: there is no entry #9 (the ledger has 2 entries) [no-such-entry]\n",
    );
}

/// `verify --rules` of `t`'s ledger replayed whole and in groups of donors (budgets
/// of 1, 2 and 3 money entries) says the same: status, stdout, and stderr but for
/// the note that says it was replayed in groups, which it says when the ledger holds
/// more money entries than the budget. The whole replay's output.
fn rules_same_in_groups(t: &Test, money: usize) -> crate::util::Output {
    let whole = t.run("verify --rules");
    assert!(!whole.stderr.contains("note:"), "{}", whole.stderr);
    for budget in ["1", "2", "3"] {
        let grouped = t.run_env(("LEDGER_REPORT_ENTRIES", budget), "verify --rules");
        assert_eq!(grouped.status, whole.status, "by {budget}");
        assert_eq!(grouped.stdout, whole.stdout, "by {budget}");
        let rest = match grouped.stderr.split_once('\n') {
            Some((note, rest)) if note.starts_with("note: ") => {
                assert!(note.contains("replayed through the rules in"), "{note}");
                assert!(money > budget.parse().unwrap(), "{note}");
                rest
            }
            _ => {
                assert!(money <= budget.parse().unwrap(), "{}", grouped.stderr);
                grouped.stderr.as_str()
            }
        };
        assert_eq!(rest, whole.stderr, "by {budget}");
    }
    whole
}

#[test]
fn verify_rules_in_groups_names_what_the_whole_replay_names() {
    let t = Test::init();
    t.ok("donor add GATES --name Gates --category foundation");
    t.ok(PLEDGE_JPN);
    t.ok(PLEDGE_DEU);
    t.ok(
        "record pledge --donor GATES --mandate icat --amount 300 --currency USD --date 2009-01-10",
    );
    t.ok("record payment --donor DEU --mandate icat --amount 5 --currency USD --date 2009-02-01 --pledge 3");
    t.ok("record write-off --pledge 2 --amount 10 --date 2009-03-01 --memo letter");
    let forged = [
        // #7: JPN pays DEU's pledge (#3): wrong-donor, judged without DEU's
        // entries unless the two are in one group.
        r#"{"kind":"payment","donor":"JPN","mandate":"icat","amount":"5.00","currency":"USD","date":"2009-02-01","pledge":3}"#,
        // #8: a write-off of a payment (#5, DEU's): not a pledge.
        r#"{"kind":"write-off","pledge":5,"amount":"1.00","currency":"USD","date":"2009-03-01","memo":"x"}"#,
        // #9: a reversal of an entry not yet recorded (#14), and #10, a payment
        // naming one (#11).
        r#"{"kind":"reversal","entry":14,"reason":"ahead"}"#,
        r#"{"kind":"payment","donor":"GATES","mandate":"icat","amount":"5.00","currency":"USD","date":"2009-02-01","pledge":11}"#,
        // #11: USA's pledge, which breaks no rule.
        r#"{"kind":"pledge","donor":"USA","mandate":"icat","amount":"50.00","currency":"USD","date":"2009-01-10"}"#,
        // #12: a donor registered twice; #13: a payment of a donor named, not coded.
        r#"{"kind":"donor","code":"GATES","name":"Gates again","category":"foundation"}"#,
        r#"{"kind":"payment","donor":"Japan","mandate":"icat","amount":"5.00","currency":"USD","date":"2009-02-01"}"#,
        // #14: a write-off of more than is left on JPN's pledge (#2).
        r#"{"kind":"write-off","pledge":2,"amount":"5000.00","currency":"USD","date":"2009-03-01","memo":"x"}"#,
    ];
    for body in forged {
        append_forged(&t, body, "2026-01-01T00:00:00Z");
    }
    let o = rules_same_in_groups(&t, 11);
    assert_eq!(o.status, 3, "{o:?}");
    // Every forged entry but USA's pledge is named, in journal order.
    let named: Vec<&str> = o
        .stderr
        .lines()
        .filter_map(|l| l.split_once(": entry #"))
        .map(|(_, rest)| rest.split_once(' ').unwrap().0)
        .collect();
    assert_eq!(
        named,
        ["7", "8", "9", "10", "12", "13", "14"],
        "{}",
        o.stderr
    );
}

/// One entry of a random ledger, written by hand (any of them may break a rule).
#[derive(Debug, Clone)]
enum Forged {
    Pledge(usize, u32, usize),
    Payment(usize, u32, Option<u64>, usize),
    Refund(usize, u32),
    WriteOff(u64, u32, bool),
    Reversal(u64),
    Register(usize),
    Rate(u32),
}

const DONORS: [&str; 6] = ["JPN", "DEU", "USA", "GATES", "Japan", "Gates Fdn"];
const DATES: [&str; 3] = ["2009-01-10", "2009-03-01", "2009-02-01"];

impl Forged {
    fn body(&self) -> String {
        let money = |donor: usize, amount: u32, date: usize| {
            format!(
                r#""donor":"{}","mandate":"icat","amount":"{amount}.00","currency":"USD","date":"{}""#,
                DONORS[donor], DATES[date]
            )
        };
        match self {
            Forged::Pledge(d, a, date) => {
                format!(r#"{{"kind":"pledge",{}}}"#, money(*d, *a, *date))
            }
            Forged::Payment(d, a, pledge, date) => {
                let named = pledge
                    .map(|n| format!(r#","pledge":{n}"#))
                    .unwrap_or_default();
                format!(r#"{{"kind":"payment",{}{named}}}"#, money(*d, *a, *date))
            }
            Forged::Refund(d, a) => format!(r#"{{"kind":"refund",{}}}"#, money(*d, *a, 1)),
            Forged::WriteOff(n, a, reduction) => format!(
                r#"{{"kind":"{}","pledge":{n},"amount":"{a}.00","currency":"USD","date":"2009-03-01","memo":"x"}}"#,
                if *reduction { "reduction" } else { "write-off" }
            ),
            Forged::Reversal(n) => format!(r#"{{"kind":"reversal","entry":{n},"reason":"x"}}"#),
            Forged::Register(d) => format!(
                r#"{{"kind":"donor","code":"{}","name":"Name {d}","category":"foundation","aliases":["{}"]}}"#,
                ["GATES", "JPN", "GATES"][*d],
                ["Gates Fdn", "Nippon", "Japan"][*d],
            ),
            Forged::Rate(per) => format!(
                r#"{{"kind":"rate","currency":"EUR","per_usd":"0.{per}","date":"2009-01-01"}}"#
            ),
        }
    }

    fn is_money(&self) -> bool {
        !matches!(
            self,
            Forged::Reversal(_) | Forged::Register(_) | Forged::Rate(_)
        )
    }
}

fn forged() -> impl Strategy<Value = Forged> {
    let donor = 0..DONORS.len();
    let amount = 1u32..6;
    let entry = 0u64..16;
    prop_oneof![
        3 => (donor.clone(), amount.clone(), 0..DATES.len()).prop_map(|(d, a, t)| Forged::Pledge(d, a, t)),
        3 => (donor.clone(), amount.clone(), proptest::option::of(entry.clone()), 0..DATES.len())
            .prop_map(|(d, a, n, t)| Forged::Payment(d, a, n, t)),
        1 => (donor, amount.clone()).prop_map(|(d, a)| Forged::Refund(d, a)),
        2 => (entry.clone(), amount, any::<bool>()).prop_map(|(n, a, r)| Forged::WriteOff(n, a, r)),
        2 => entry.prop_map(Forged::Reversal),
        2 => (0usize..3).prop_map(Forged::Register),
        1 => (1u32..99).prop_map(Forged::Rate),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// On random ledgers written by hand (entries of six donors: a registered one,
    /// one named instead of coded, one by an alias registered or not; naming entries
    /// of other donors, entries not yet recorded and entries that are not pledges;
    /// registrations again, with aliases that clash), `verify --rules` replayed in
    /// groups of donors says what the whole replay says.
    #[test]
    fn verify_rules_in_groups_says_what_the_whole_replay_says(
        entries in proptest::collection::vec(forged(), 4..16),
    ) {
        let t = Test::init();
        for e in &entries {
            append_forged(&t, &e.body(), "2026-01-01T00:00:00Z");
        }
        rules_same_in_groups(&t, entries.iter().filter(|e| e.is_money()).count());
    }
}

/// A payment that names a pledge before it is made, and a write-off of that pledge
/// once it is, are judged alike whole and in groups. The rules count no such payment
/// toward the pledge, so this holds whether or not the grouping puts the two donors
/// together (it does, in case they ever count it).
#[test]
fn verify_rules_in_groups_judges_a_payment_naming_a_pledge_before_it_is_made_alike() {
    let t = Test::init();
    t.ok(PLEDGE_JPN);
    for body in [
        // #2: DEU pays #3 before #3 is recorded (refused: no such pledge yet).
        r#"{"kind":"payment","donor":"DEU","mandate":"icat","amount":"600.00","currency":"USD","date":"2009-02-01","pledge":3}"#,
        // #3: USA's pledge, and #4, a write-off of more than is left on it once
        // the payment that named it is counted.
        r#"{"kind":"pledge","donor":"USA","mandate":"icat","amount":"1000.00","currency":"USD","date":"2009-01-10"}"#,
        r#"{"kind":"write-off","pledge":3,"amount":"700.00","currency":"USD","date":"2009-03-01","memo":"x"}"#,
    ] {
        append_forged(&t, body, "2026-01-01T00:00:00Z");
    }
    let o = rules_same_in_groups(&t, 4);
    // Only the payment is refused: the rules count no payment toward a pledge it
    // named before the pledge was made, in the whole book or in a group.
    assert!(
        o.stderr
            .contains(":3: entry #2 breaks a recording rule: there is no entry #3"),
        "{o:?}"
    );
    assert!(o.stderr.contains("\n1 entry of this ledger"), "{o:?}");
}

/// Past the first hundred, entries the rules refuse are counted, not named: in
/// groups as whole, the first hundred in journal order, whichever group they are in.
#[test]
fn verify_rules_in_groups_names_the_same_first_hundred() {
    let t = Test::init();
    // Refunds of what was never paid, two donors in turn.
    let bodies: Vec<String> = (0..130)
        .map(|i| {
            format!(
                r#"{{"kind":"refund","donor":"{}","mandate":"icat","amount":"5.00","currency":"USD","date":"2009-02-01"}}"#,
                ["JPN", "DEU"][i % 2]
            )
        })
        .collect();
    let bodies: Vec<&str> = bodies.iter().map(String::as_str).collect();
    append_all_forged(&t, &bodies, "2026-01-01T00:00:00Z");
    let o = rules_same_in_groups(&t, 130);
    assert!(o.stderr.contains(": entry #100 breaks"), "{}", o.stderr);
    assert!(!o.stderr.contains(": entry #101 breaks"), "{}", o.stderr);
    assert!(
        o.stderr.contains("\n... and 30 more\n130 entries"),
        "{}",
        o.stderr
    );
}

/// A budget that is not a number is a usage error before the ledger is read: a
/// damaged ledger is not even looked at.
#[test]
fn verify_rules_says_a_bad_budget_before_reading() {
    let t = two_pledges();
    let mut journal = t.journal();
    let at = journal.len() - 10;
    journal[at] = if journal[at] == b'0' { b'1' } else { b'0' };
    std::fs::write(t.ledger(), &journal).unwrap();
    assert_eq!(t.run("verify").status, 3);
    let o = t.run_env(("LEDGER_REPORT_ENTRIES", "abc"), "verify --rules");
    assert_eq!(o.status, 2, "{o:?}");
    assert_eq!(
        o.stderr,
        "error: LEDGER_REPORT_ENTRIES: \"abc\" is not a number of entries (a whole number above zero)\n"
    );
    assert_eq!(o.stdout, "");
    // Without `--rules` the budget is not asked for.
    assert_eq!(
        t.run_env(("LEDGER_REPORT_ENTRIES", "abc"), "verify").status,
        3
    );
}
