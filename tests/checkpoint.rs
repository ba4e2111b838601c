//! Checkpoints: `record` after `ledger checkpoint` reads its donor's entries before
//! the checkpoint from where the file beside the ledger says they are, checked
//! against the checkpoint, and every entry after it. Whatever it reads that way, it
//! must print, exit and write what a read of the whole ledger does; anything beside
//! the journal that does not match the checkpoint changes nothing; and `verify`
//! names a checkpoint that does not sum up the entries before it.

use crate::util::{Output, Test};

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ledgers/demo.jsonl");

/// The demo ledger with a checkpoint after its 694 entries (#695).
fn checkpointed() -> Test {
    let t = Test::new().at("2026-01-01T00:00:00Z");
    std::fs::copy(DEMO, t.ledger()).unwrap();
    let out = t.ok("checkpoint");
    assert!(
        out.starts_with("#695 checkpoint of 694 entries in "),
        "{out}"
    );
    assert!(side(&t).exists());
    t
}

fn side(t: &Test) -> std::path::PathBuf {
    let mut name = t.ledger().as_os_str().to_owned();
    name.push(".checkpoint");
    name.into()
}

/// Two copies of a checkpointed ledger: one with the file beside it, one without
/// (every writer reads it whole).
struct Pair {
    fast: Test,
    whole: Test,
}

impl Pair {
    fn new() -> Pair {
        let fast = checkpointed();
        let whole = Test::new().at("2026-01-01T00:00:00Z");
        std::fs::write(whole.ledger(), fast.journal()).unwrap();
        assert!(!side(&whole).exists());
        Pair { fast, whole }
    }

    /// Runs `args` on both and requires the same status, output and journal bytes.
    #[track_caller]
    fn same(&self, args: &str) -> Output {
        let fast = self.fast.run(args);
        let whole = self.whole.run(args);
        let dir = |t: &Test, s: &str| s.replace(&t.dir().display().to_string(), "$DIR");
        assert_eq!(fast.status, whole.status, "{args}: {fast:?} / {whole:?}");
        assert_eq!(fast.stdout, whole.stdout, "{args}");
        assert_eq!(
            dir(&self.fast, &fast.stderr),
            dir(&self.whole, &whole.stderr),
            "{args}"
        );
        assert_eq!(self.fast.journal(), self.whole.journal(), "{args}");
        fast
    }
}

/// Pledge #621 is USA's (1,140,000 USD, victim-assistance); #633 a USA payment;
/// #564 a USA pledge paid in full.
const SESSION: &[&str] = &[
    // Accepted, of every kind a writer judges by a share.
    "record pledge --donor USA --mandate victim-assistance --amount 1000 --currency USD --date 2011-12-01 --reference CP-1",
    "record payment --donor 'United States' --mandate victim-assistance --amount 200 --currency USD --date 2011-12-02 --pledge 621 --reference CP-2",
    "record refund --donor USA --mandate victim-assistance --amount 50 --currency USD --date 2011-12-03 --reference CP-3",
    "record write-off --pledge 621 --amount 20000 --date 2011-12-04 --memo uncollectable",
    "record reduction --pledge 621 --amount 1000 --date 2011-12-04 --memo notice",
    "record reversal --entry 633 --reason duplicate",
    "record pledge --donor Japan --mandate victim-assistance --amount 5000 --currency JPY --date 2011-12-05",
    "record rate --currency EUR --per-usd 0.75 --date 2011-12-15",
    "donor add ZZ-FDN --name 'Checkpoint Foundation' --category foundation",
    "record pledge --donor ZZ-FDN --mandate victim-assistance --amount 10 --currency USD --date 2011-12-06",
    "record payment --donor 'Checkpoint Foundation' --mandate victim-assistance --amount 10 --currency USD --date 2011-12-07",
    // Refused, each for a fact only the entries before the checkpoint hold.
    "record pledge --donor USA --mandate victim-assistance --amount 1 --currency USD --date 2011-12-08 --reference NV/USA/2011/204",
    "record payment --donor USA --mandate victim-assistance --amount 1 --currency USD --date 2011-12-08 --reference UMJ/2011/568688",
    "record write-off --pledge 621 --amount 5000000 --date 2011-12-08 --memo too-much",
    "record reversal --entry 633 --reason again",
    "record payment --donor JPN --mandate victim-assistance --amount 1 --currency USD --date 2011-12-08 --pledge 621",
    "record pledge --donor USA --mandate victim-assistance --amount 1 --currency XXX --date 2011-12-08",
    "donor add ZZ-FDN --name Another --category foundation",
];

#[test]
fn a_record_after_a_checkpoint_prints_and_writes_what_a_whole_read_does() {
    let pair = Pair::new();
    let mut accepted = 0;
    for line in SESSION {
        if pair.same(line).status == 0 {
            accepted += 1;
        }
    }
    assert_eq!(
        accepted, 11,
        "the session's first eleven lines are accepted"
    );
    // A second checkpoint, and more after it: the newer one is read.
    assert_eq!(pair.same("checkpoint").status, 0);
    std::fs::remove_file(side(&pair.whole)).unwrap();
    for line in SESSION {
        pair.same(line);
    }
    assert!(pair.fast.ok("verify").starts_with("ok: "));
}

#[test]
fn a_record_after_a_checkpoint_reads_only_its_donors_entries_before_it() {
    let pair = Pair::new();
    // Japan's first pledge, altered before the checkpoint: the chain breaks there.
    for t in [&pair.fast, &pair.whole] {
        let text = String::from_utf8(t.journal()).unwrap();
        let line = text
            .lines()
            .find(|l| l.contains(r#""kind":"pledge","donor":"JPN""#))
            .unwrap()
            .to_string();
        // One digit of its amount changed: the line keeps its length and place.
        let at = line.find(r#""amount":""#).unwrap() + 10;
        let digit = if &line[at..=at] == "9" { "8" } else { "9" };
        let altered = format!("{}{digit}{}", &line[..at], &line[at + 1..]);
        std::fs::write(t.ledger(), text.replacen(&line, &altered, 1)).unwrap();
    }
    let usa = "record pledge --donor USA --mandate victim-assistance --amount 1000 --currency USD --date 2011-12-01";
    // Read whole, the ledger is refused; from the checkpoint, a USA entry is
    // judged by USA's entries and those of no donor, none of them altered.
    let whole = pair.whole.fails(usa, 3);
    assert!(whole.stderr.contains("fails verification"), "{whole:?}");
    assert_eq!(
        pair.fast.ok(usa),
        "#696 pledge USA victim-assistance 1,000.00 USD 2011-12-01\n"
    );
    // A Japanese entry reads the altered line, and is refused as a whole read is.
    let jpn = "record pledge --donor JPN --mandate victim-assistance --amount 1 --currency USD --date 2011-12-01";
    let o = pair.fast.rejects(jpn, 3, "fails verification");
    assert_eq!(
        o.stderr,
        pair.whole.fails(jpn, 3).stderr.replace(
            &pair.whole.dir().display().to_string(),
            &pair.fast.dir().display().to_string()
        )
    );
    // `verify` names the altered line whatever the checkpoint says.
    let v = pair.fast.fails("verify", 3);
    assert!(
        v.stderr
            .contains("fails verification: its bytes do not match its hash"),
        "{v:?}"
    );
}

#[test]
fn a_file_beside_the_ledger_that_does_not_match_its_checkpoint_changes_nothing() {
    let record =
        "record write-off --pledge 621 --amount 20000 --date 2011-12-04 --memo uncollectable";
    let too_much =
        "record write-off --pledge 621 --amount 1139999 --date 2011-12-04 --memo too-much";
    let same_reference = "record pledge --donor USA --mandate victim-assistance --amount 1 --currency USD --date 2011-12-08 --reference NV/USA/2011/204";
    type Edit = Box<dyn Fn(&std::path::Path)>;
    let edits: Vec<(&str, Edit)> = vec![
        ("removed", Box::new(|p| std::fs::remove_file(p).unwrap())),
        ("emptied", Box::new(|p| std::fs::write(p, b"").unwrap())),
        (
            // The first two lines' places swapped.
            "swapped",
            Box::new(|p| {
                let mut b = std::fs::read(p).unwrap();
                let first: Vec<u8> = b[..12].to_vec();
                b.copy_within(12..24, 0);
                b[12..24].copy_from_slice(&first);
                std::fs::write(p, b).unwrap();
            }),
        ),
        (
            // A line of USA's left out: its count and places one short.
            "cut",
            Box::new(|p| {
                let b = std::fs::read(p).unwrap();
                let text = String::from_utf8_lossy(&b).to_string();
                let at = text.find(r#"["USA","#).unwrap();
                let n: u64 = text[at + 7..].split(']').next().unwrap().parse().unwrap();
                let mut b = b;
                let shown = format!(r#"["USA",{n}]"#);
                let less = format!(r#"["USA",{}]"#, n - 1);
                let meta_at = b
                    .windows(shown.len())
                    .position(|w| w == shown.as_bytes())
                    .unwrap();
                b.splice(meta_at..meta_at + shown.len(), less.bytes());
                let len = u64::from_le_bytes(b[b.len() - 8..].try_into().unwrap()) - 1;
                let end = b.len();
                b[end - 8..].copy_from_slice(&len.to_le_bytes());
                std::fs::write(p, b).unwrap();
            }),
        ),
        (
            // USA's pledge #621 (reference NV/USA/2011/204) replaced by #622, an
            // ARE pledge between it and USA's next line: every line in its place
            // and order, each checking against its own hash.
            "substituted",
            Box::new(|p| {
                let mut b = std::fs::read(p).unwrap();
                let journal = std::fs::read(p.with_extension("")).unwrap();
                let offset_of = |seq: usize| -> u64 {
                    journal
                        .split_inclusive(|c| *c == b'\n')
                        .take(seq)
                        .map(|l| l.len() as u64)
                        .sum()
                };
                let (at_621, at_622) = (offset_of(621), offset_of(622));
                let len_622 = offset_of(623) - at_622;
                let place = b
                    .chunks_exact(12)
                    .position(|c| u64::from_le_bytes(c[..8].try_into().unwrap()) == at_621)
                    .unwrap();
                b[place * 12..place * 12 + 8].copy_from_slice(&at_622.to_le_bytes());
                b[place * 12 + 8..place * 12 + 12].copy_from_slice(&(len_622 as u32).to_le_bytes());
                std::fs::write(p, b).unwrap();
            }),
        ),
        (
            "garbage",
            Box::new(|p| std::fs::write(p, vec![0xffu8; 4096]).unwrap()),
        ),
    ];
    for (what, edit) in edits {
        let pair = Pair::new();
        edit(&side(&pair.fast));
        for line in [too_much, same_reference, record, record] {
            let fast = pair.fast.run(line);
            let whole = pair.whole.run(line);
            assert_eq!(
                (fast.status, &fast.stdout),
                (whole.status, &whole.stdout),
                "{what}: {line}"
            );
        }
        assert_eq!(pair.fast.journal(), pair.whole.journal(), "{what}");
    }
}

#[test]
fn a_torn_tail_after_a_checkpoint_is_refused_as_any_torn_tail() {
    let pair = Pair::new();
    for t in [&pair.fast, &pair.whole] {
        let mut j = t.journal();
        j.extend_from_slice(br#"{"seq":696,"prev":"0000"#);
        std::fs::write(t.ledger(), j).unwrap();
    }
    let o = pair.same("record pledge --donor USA --mandate victim-assistance --amount 1 --currency USD --date 2011-12-01");
    assert_eq!(o.status, 3, "{o:?}");
    assert!(o.stderr.contains("torn tail"), "{o:?}");
}

/// Appends a checkpoint line, chained as a writer chains it, with `shares` as its
/// body's shares.
fn append_checkpoint(t: &Test, shares: serde_json::Value) {
    let mut journal = t.journal();
    let text = String::from_utf8(journal.clone()).unwrap();
    let last = text.lines().last().unwrap();
    let prev = &last[last.len() - 66..last.len() - 2];
    let seq = text.lines().count() as u64;
    let body: ledger::domain::Body =
        serde_json::from_value(serde_json::json!({"kind": "checkpoint", "shares": shares}))
            .unwrap();
    let at = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .unwrap()
        .to_utc();
    let (line, _) = ledger::journal::encode(seq, prev, at, None, &body);
    journal.extend_from_slice(&line);
    std::fs::write(t.ledger(), journal).unwrap();
}

#[test]
fn verify_names_a_checkpoint_that_does_not_sum_up_the_entries_before_it() {
    let t = checkpointed();
    let text = String::from_utf8(t.journal()).unwrap();
    let genuine: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    let shares = genuine["shares"].as_array().unwrap().clone();
    // The entries that name no donor first (registrations, rates, an agreement,
    // and a reversal of a rate), as the demo ledger's lines say; then each donor's.
    let kinds: Vec<serde_json::Value> = std::fs::read_to_string(DEMO)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let no_donor = |e: &serde_json::Value| {
        [
            "rate",
            "donor",
            "mandate",
            "fund",
            "agreement",
            "condition-met",
        ]
        .contains(&e["kind"].as_str().unwrap())
    };
    let common = kinds
        .iter()
        .filter(|e| {
            no_donor(e)
                || (e["kind"] == "reversal"
                    && no_donor(&kinds[e["entry"].as_u64().unwrap() as usize]))
        })
        .count();
    assert_eq!(shares[0]["entries"], common as u64);
    assert!(shares[0].get("donor").is_none());
    assert!(
        shares[1..]
            .windows(2)
            .all(|w| w[0]["donor"].as_str() < w[1]["donor"].as_str())
    );
    let total: u64 = shares.iter().map(|s| s["entries"].as_u64().unwrap()).sum();
    assert_eq!(total, 694);
    let good = t.journal();
    // The genuine one again, one entry later: its own line is one more of no donor's.
    let mut again = shares.clone();
    again[0]["entries"] = (common as u64 + 1).into();
    append_checkpoint(&t, serde_json::Value::Array(again));
    let o = t.fails("verify", 3);
    assert!(o.stderr.contains(":697: entry #696 fails verification: it is a checkpoint whose counts or digests are not those of the lines before it"), "{o:?}");
    // Forged: one share left out; one count or digest changed.
    for forge in [
        |s: &mut Vec<serde_json::Value>| {
            s.remove(3);
        },
        |s: &mut Vec<serde_json::Value>| s[2]["entries"] = 1.into(),
        |s: &mut Vec<serde_json::Value>| s[1]["digest"] = "0".repeat(64).into(),
    ] {
        std::fs::write(t.ledger(), &good).unwrap();
        let mut forged = shares.clone();
        forged[0]["entries"] = (common as u64 + 1).into();
        forge(&mut forged);
        append_checkpoint(&t, serde_json::Value::Array(forged));
        let o = t.fails("verify", 3);
        assert!(
            o.stderr
                .contains(":697: entry #696 fails verification: it is a checkpoint whose"),
            "{o:?}"
        );
    }
    // Read twice when the checkpoint's file is gone (the first read finds the
    // checkpoint), with the same verdict.
    let kept = std::fs::read(side(&t)).unwrap();
    std::fs::remove_file(side(&t)).unwrap();
    let o = t.fails("verify", 3);
    assert!(
        o.stderr
            .contains(":697: entry #696 fails verification: it is a checkpoint whose"),
        "{o:?}"
    );
    std::fs::write(side(&t), kept).unwrap();
    // What the program writes verifies.
    std::fs::write(t.ledger(), &good).unwrap();
    t.ok("checkpoint");
    assert!(t.ok("verify").starts_with("ok: 696 entries"));
    assert_eq!(
        t.ok("verify --rules").lines().next(),
        Some("rules: every entry keeps the recording rules")
    );
}

#[test]
fn a_checkpoint_is_shown_by_log_and_counted_by_no_report() {
    let t = Test::new().at("2026-01-01T00:00:00Z");
    std::fs::copy(DEMO, t.ledger()).unwrap();
    // The ledger line (entry count and head) is the one thing a checkpoint changes.
    let head = |t: &Test| -> (String, String) {
        let ok = t.ok("verify");
        let (count, head) = ok.trim_end().split_once(", head ").unwrap();
        let n = count
            .trim_start_matches("ok: ")
            .trim_end_matches(" entries")
            .to_string();
        (n, head.to_string())
    };
    let strip = |s: String, (n, head): &(String, String)| -> String {
        s.replace(head, "HEAD")
            .replace(&format!("{n} entries, head"), "N entries, head")
            .replace(&format!("\"entries\": {n},"), "\"entries\": N,")
    };
    let reports = [
        "report donors --year 2011 --format json",
        "report quarterly --year 2011 --quarter 4",
        "report statement --donor USA",
        "export ceb --year 2011",
    ];
    let was = head(&t);
    let before: Vec<String> = reports.iter().map(|r| strip(t.ok(*r), &was)).collect();
    t.ok("checkpoint");
    let now = head(&t);
    assert_ne!(was, now);
    let after: Vec<String> = reports.iter().map(|r| strip(t.ok(*r), &now)).collect();
    assert_eq!(before, after);
    assert!(
        before.iter().all(|r| !r.contains(&was.1)),
        "the head is replaced"
    );
    let log = t.ok("log --kind checkpoint");
    assert!(
        log.starts_with("#695    2026-01-01T00:00:00Z  checkpoint of 694 entries in "),
        "{log}"
    );
    t.refuses(
        "record reversal --entry 695 --reason no",
        1,
        "error: --entry: entry #695 is a checkpoint, which records nothing to reverse (a later checkpoint takes its place) [not-reversible]\n",
    );
}

#[test]
fn the_file_beside_the_ledger_says_whose_each_entry_before_the_checkpoint_is() {
    let t = checkpointed();
    let lines: Vec<serde_json::Value> = String::from_utf8(t.journal())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Whose each entry is, from its line: a pledge's or payment's donor, a
    // write-off's pledge's, a reversal's target's, or no donor's.
    fn whose(lines: &[serde_json::Value], seq: usize) -> Option<Option<String>> {
        let e = &lines[seq];
        match e["kind"].as_str().unwrap() {
            "ledger" => None,
            "write-off" | "reduction" => whose(lines, e["pledge"].as_u64().unwrap() as usize),
            "reversal" => whose(lines, e["entry"].as_u64().unwrap() as usize),
            "pledge" | "payment" | "refund" | "in-kind" => {
                Some(Some(e["donor"].as_str().unwrap().to_string()))
            }
            // Registrations, rates, agreements (which name a donor but move no
            // money) and conditions met.
            _ => Some(None),
        }
    }
    let mut donors = std::collections::BTreeSet::new();
    for seq in 0..695 {
        let hint = ledger::journal::checkpoint_share_hint(t.ledger(), seq as u64);
        assert_eq!(hint, whose(&lines, seq), "entry #{seq}");
        donors.insert(hint);
    }
    assert!(donors.len() > 30, "{donors:?}");
    // The checkpoint and what follows it are the journal's to say.
    assert_eq!(
        ledger::journal::checkpoint_share_hint(t.ledger(), 695),
        None
    );
    std::fs::remove_file(side(&t)).unwrap();
    assert_eq!(
        ledger::journal::checkpoint_share_hint(t.ledger(), 621),
        None
    );
}

#[test]
fn a_file_at_the_checkpoints_path_that_is_not_one_is_never_replaced() {
    let t = Test::new().at("2026-01-01T00:00:00Z");
    std::fs::copy(DEMO, t.ledger()).unwrap();
    let precious = t.write("precious.txt", "precious");
    std::fs::write(side(&t), "a ledger named like a checkpoint file").unwrap();
    t.rejects("checkpoint", 1, "it is not a checkpoint file");
    assert_eq!(
        std::fs::read_to_string(side(&t)).unwrap(),
        "a ledger named like a checkpoint file"
    );
    std::fs::remove_file(side(&t)).unwrap();
    std::os::unix::fs::symlink(&precious, side(&t)).unwrap();
    t.rejects("checkpoint", 1, "it is not a checkpoint file");
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "precious");
    std::fs::remove_file(side(&t)).unwrap();
    // A checkpoint file is replaced by the next; `init` over a path removes one
    // left by a ledger that was there before.
    t.ok("checkpoint");
    t.ok("checkpoint");
    assert!(side(&t).exists());
    std::fs::remove_file(t.ledger()).unwrap();
    t.ok("init");
    assert!(!side(&t).exists());
}

mod props {
    use proptest::prelude::*;

    use super::{Pair, side};
    use crate::util::Test;

    /// What a user records, from a small vocabulary: two built-in donors and a
    /// registered one (by code and by name), payments and write-offs naming any
    /// of the first few entries (so that later steps name what earlier ones
    /// reversed, wrote off or paid), reversals of them, rates, and checkpoints.
    #[derive(Debug, Clone)]
    enum Step {
        Pledge(usize, u32, Option<u8>),
        Money(u8, usize, u32, Option<u64>, Option<u8>),
        WriteOff(bool, u64, u32),
        Reversal(u64),
        Rate(u32),
        Checkpoint,
    }

    fn step() -> impl Strategy<Value = Step> {
        let reference = prop::option::weighted(0.3, 0u8..3);
        prop_oneof![
            3 => (0usize..4, 1u32..9, reference.clone()).prop_map(|(d, a, r)| Step::Pledge(d, a, r)),
            5 => (0u8..2, 0usize..4, 1u32..9, prop::option::weighted(0.5, 4u64..14), reference)
                .prop_map(|(k, d, a, n, r)| Step::Money(k, d, a, n, r)),
            2 => (prop::bool::ANY, 4u64..14, 1u32..4).prop_map(|(r, n, a)| Step::WriteOff(r, n, a)),
            3 => (4u64..14).prop_map(Step::Reversal),
            1 => (1u32..28).prop_map(Step::Rate),
            2 => Just(Step::Checkpoint),
        ]
    }

    const DONORS: [&str; 4] = ["USA", "JPN", "ZZ-FDN", "'Checkpoint Foundation'"];

    fn line(step: &Step, i: usize) -> String {
        let day = 1 + i % 27;
        match step {
            Step::Pledge(d, a, r) => format!(
                "record pledge --donor {} --mandate icat --amount {a}00 --currency USD --date 2011-03-{day:02}{}",
                DONORS[*d],
                r.map_or(String::new(), |r| format!(" --reference R{r}"))
            ),
            Step::Money(k, d, a, n, r) => format!(
                "record {} --donor {} --mandate icat --amount {a}0 --currency USD --date 2011-03-{day:02}{}{}",
                ["payment", "refund"][*k as usize],
                DONORS[*d],
                n.map_or(String::new(), |n| format!(" --pledge {n}")),
                r.map_or(String::new(), |r| format!(" --reference R{r}"))
            ),
            Step::WriteOff(reduction, n, a) => format!(
                "record {} --pledge {n} --amount {a}0 --date 2011-03-{day:02} --reason r",
                if *reduction { "reduction" } else { "write-off" }
            ),
            Step::Reversal(n) => format!("record reversal --entry {n} --reason r"),
            Step::Rate(d) => {
                format!("record rate --currency EUR --per-usd 0.8 --date 2011-02-{d:02}")
            }
            Step::Checkpoint => "checkpoint".into(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
        /// Whatever is recorded, and wherever the checkpoints fall, a writer that
        /// starts from the last one prints, exits and writes what a writer that
        /// reads the whole journal does.
        #[test]
        fn a_writer_from_a_checkpoint_judges_as_a_whole_read(
            steps in prop::collection::vec(step(), 10..40),
        ) {
            let pair = Pair {
                fast: Test::init(),
                whole: Test::init(),
            };
            let setup = [
                "donor add ZZ-FDN --name 'Checkpoint Foundation' --category foundation".to_string(),
                "record rate --currency EUR --per-usd 0.75 --date 2011-01-01".into(),
                "checkpoint".into(),
            ];
            for line in setup.into_iter().chain(steps.iter().enumerate().map(|(i, s)| line(s, i))) {
                // The whole read never has the file beside its ledger.
                let _ = std::fs::remove_file(side(&pair.whole));
                pair.same(&line);
            }
            prop_assert!(pair.fast.ok("verify").starts_with("ok: "));
        }
    }
}

#[test]
fn verify_says_the_same_of_a_line_it_cannot_read_whatever_is_beside_the_ledger() {
    use sha2::Digest;
    let with_one = checkpointed();
    let t = Test::init().at("2026-01-01T00:00:00Z");
    t.ok("record pledge --donor USA --mandate icat --amount 1 --currency USD --date 2011-01-01");
    // A line chained and hashed as a writer would, of a kind no reader knows.
    let mut journal = t.journal();
    let text = String::from_utf8(journal.clone()).unwrap();
    let last = text.lines().last().unwrap();
    let body = format!(
        r#"{{"seq":2,"prev":"{}","recorded_at":"2026-01-01T00:00:00Z","kind":"wat""#,
        &last[last.len() - 66..last.len() - 2]
    );
    let hash = hex::encode(sha2::Sha256::digest(body.as_bytes()));
    journal.extend_from_slice(format!("{body},\"hash\":\"{hash}\"}}\n").as_bytes());
    std::fs::write(t.ledger(), &journal).unwrap();
    let alone = t.run("verify");
    // Another ledger's checkpoint file beside it changes nothing.
    std::fs::copy(side(&with_one), side(&t)).unwrap();
    let beside = t.run("verify");
    assert_eq!(
        (alone.status, &alone.stdout),
        (beside.status, &beside.stdout)
    );
    assert_eq!(alone.status, 0, "{alone:?}");
    // A checkpoint after it is checked, and so the line is read: it cannot be.
    let o = t.fails("checkpoint", 3);
    assert!(o.stderr.contains(":3: entry #2"), "{o:?}");
}
