//! `init`, `record`, `donor`, `mandate`, `log`, `verify`: what a user types and sees,
//! and every input `record` must refuse (message, exit status 1, journal unchanged).

use crate::util::Test;

/// The number a `record` printed first: `#N ...` -> N.
#[track_caller]
fn number(stdout: &str) -> u64 {
    let first = stdout.split_whitespace().next().unwrap_or_default();
    first
        .strip_prefix('#')
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("stdout does not start with #N: {stdout:?}"))
}

fn pledge<'a>(
    donor: &'a str,
    mandate: &'a str,
    amount: &'a str,
    currency: &'a str,
) -> Vec<&'a str> {
    vec![
        "record",
        "pledge",
        "--donor",
        donor,
        "--mandate",
        mandate,
        "--amount",
        amount,
        "--currency",
        currency,
        "--date",
        "2009-01-15",
    ]
}

fn payment<'a>(donor: &'a str, amount: &'a str, pledge: Option<&'a str>) -> Vec<&'a str> {
    let mut v = vec![
        "record",
        "payment",
        "--donor",
        donor,
        "--mandate",
        "coordination",
        "--amount",
        amount,
        "--currency",
        "USD",
        "--date",
        "2009-03-01",
    ];
    if let Some(p) = pledge {
        v.extend(["--pledge", p]);
    }
    v
}

/// The README's walkthrough: rate #1, pledge #2, payment #3, reversal #4, write-off #5.
fn walkthrough() -> Test {
    let t = Test::init();
    for (args, n) in [
        (
            vec![
                "record",
                "rate",
                "--currency",
                "EUR",
                "--per-usd",
                "0.634",
                "--date",
                "2008-07-01",
            ],
            1,
        ),
        (
            vec![
                "record",
                "pledge",
                "--donor",
                "JPN",
                "--mandate",
                "coordination",
                "--amount",
                "250000",
                "--currency",
                "USD",
                "--date",
                "2008-07-24",
                "--due",
                "2009-06-30",
                "--reference",
                "NV/2008/117",
            ],
            2,
        ),
        (
            vec![
                "record",
                "payment",
                "--donor",
                "JPN",
                "--mandate",
                "coordination",
                "--amount",
                "125000",
                "--currency",
                "USD",
                "--date",
                "2008-09-01",
                "--pledge",
                "2",
            ],
            3,
        ),
        (
            vec![
                "record",
                "reversal",
                "--entry",
                "3",
                "--reason",
                "wrong value date",
            ],
            4,
        ),
        (
            vec![
                "record",
                "write-off",
                "--reason",
                "approved",
                "--pledge",
                "2",
                "--amount",
                "10000",
                "--date",
                "2009-12-31",
            ],
            5,
        ),
    ] {
        assert_eq!(number(&t.ok(&args)), n, "{args:?}");
    }
    t
}

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
    t.rejects(
        &["init"],
        1,
        "a ledger already exists here; `ledger init` never overwrites one",
    );
    // Also a ledger with entries.
    t.ok(&pledge("JPN", "coordination", "1", "USD"));
    t.rejects(&["init"], 1, "never overwrites");
    // Any other file in its place is refused as every command refuses it (the
    // special files and damaged headers are in `special`).
    let t = Test::new();
    t.write("test.jsonl", "not a ledger\n");
    t.rejects(&["init"], 3, "test.jsonl:1: not a ledger: ");
}

#[test]
fn a_command_without_a_ledger_says_how_to_create_one() {
    let t = Test::new();
    t.rejects(
        &pledge("JPN", "coordination", "1", "USD"),
        1,
        "no ledger here; create one with `ledger init`",
    );
    assert!(t.journal().is_empty());
}

#[test]
fn donor_list_holds_states_observers_territories_and_non_state_donors() {
    let t = Test::init();
    let out = t.ok(&["donor", "list"]);
    let row = |code: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(code))
            .unwrap_or_else(|| panic!("no row for {code}:\n{out}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(out.starts_with("code"), "{out}");
    assert!(
        row("GBR")
            .starts_with("GBR member-state United Kingdom of Great Britain and Northern Ireland"),
        "{}",
        row("GBR")
    );
    assert!(row("JPN").starts_with("JPN member-state Japan"));
    assert!(row("VAT").starts_with("VAT observer-state Holy See"));
    assert!(row("PSE").starts_with("PSE observer-state"));
    assert!(
        row("HKG")
            .starts_with("HKG other-government China, Hong Kong Special Administrative Region"),
        "{}",
        row("HKG")
    );
    assert!(row("BMU").starts_with("BMU other-government Bermuda"));
    assert_eq!(row("EU"), "EU intergovernmental European Union");
    assert!(
        out.lines().count() > 240,
        "every country: {}",
        out.lines().count()
    );

    let json: serde_json::Value =
        serde_json::from_str(&t.ok(&["donor", "list", "--format", "json"])).unwrap();
    let gbr = json
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "GBR")
        .unwrap();
    assert_eq!(gbr["category"], "member-state");
    assert_eq!(
        gbr["name"],
        "United Kingdom of Great Britain and Northern Ireland"
    );
}

#[test]
fn mandate_list_holds_the_starter_mandates_with_earmarking() {
    let t = Test::init();
    let out = t.ok(&["mandate", "list"]);
    let rows: Vec<String> = out
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .collect();
    let mut want = vec![
        // The financing instruments of CEB revenue tables.
        "assessed unearmarked GP",
        "non-core earmarked SP",
        "other-revenue earmarked SP",
        "pooled-funds softly-earmarked SP",
        "ccpcj-programme softly-earmarked SP",
        "coordination softly-earmarked SP",
        "cop-support softly-earmarked SP",
        "general-purpose unearmarked GP",
        "icat earmarked SP",
        "un-gift earmarked SP",
        "victim-assistance earmarked SP",
    ];
    want.sort();
    assert_eq!(rows, want, "{out}");
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
    let refund = t.ok(&[
        "record",
        "refund",
        "--donor",
        "JPN",
        "--mandate",
        "coordination",
        "--amount",
        "50",
        "--currency",
        "USD",
        "--date",
        "2009-04-01",
    ]);
    assert_eq!(refund, "#4 refund JPN coordination 50.00 USD 2009-04-01\n");
    let w = t.ok(&[
        "record",
        "write-off",
        "--reason",
        "approved",
        "--pledge",
        "2",
        "--amount",
        "100",
        "--date",
        "2009-12-31",
    ]);
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
        number(&t.ok(&[
            "record",
            "rate",
            "--currency",
            "JPY",
            "--per-usd",
            "105.5",
            "--date",
            "2008-07-01"
        ])),
        7
    );
    assert!(t.ok(&["verify"]).starts_with("ok: 7 entries, head "));
}

#[test]
fn donors_and_mandates_resolve_by_code_un_name_iso_name_and_alias() {
    let t = Test::init();
    for (donor, n) in [
        ("GBR", 1),
        ("gbr", 2),
        ("United Kingdom of Great Britain and Northern Ireland", 3),
        ("united kingdom", 4),
        ("China, Hong Kong Special Administrative Region", 5),
        ("Holy See", 6),
    ] {
        let out = t.ok(&pledge(donor, "COORDINATION", "1", "USD"));
        assert_eq!(number(&out), n, "{out}");
    }
    let journal = String::from_utf8(t.journal()).unwrap();
    let donors: Vec<&str> = journal
        .lines()
        .skip(1)
        .map(|l| {
            let i = l.find("\"donor\":\"").unwrap() + 9;
            &l[i..i + l[i..].find('"').unwrap()]
        })
        .collect();
    assert_eq!(donors, ["GBR", "GBR", "GBR", "GBR", "HKG", "VAT"]);
    assert_eq!(journal.matches("\"mandate\":\"coordination\"").count(), 6);
}

#[test]
fn an_added_donor_is_usable_by_code_name_and_alias() {
    let t = Test::init();
    let out = t.ok(&[
        "donor",
        "add",
        "gates",
        "--name",
        "Bill & Melinda Gates Foundation",
        "--category",
        "foundation",
        "--alias",
        "BMGF",
    ]);
    assert_eq!(
        out,
        "#1 donor GATES \"Bill & Melinda Gates Foundation\" (foundation)\n"
    );
    let out = t.ok(&[
        "mandate",
        "add",
        "unvtf",
        "--name",
        "UN Voluntary Trust Fund for Victims of Trafficking",
        "--earmarking",
        "softly-earmarked",
        "--fund",
        "CPCJF",
    ]);
    assert_eq!(
        out,
        "#2 mandate unvtf \"UN Voluntary Trust Fund for Victims of Trafficking\" (softly-earmarked)\n"
    );
    for (name, n) in [
        ("GATES", 3),
        ("gates", 4),
        ("Bill & Melinda Gates Foundation", 5),
        ("bmgf", 6),
    ] {
        let out = t.ok(&pledge(name, "unvtf", "10", "USD"));
        assert_eq!(
            out,
            format!("#{n} pledge GATES unvtf 10.00 USD 2009-01-15\n")
        );
    }
    let list = t.ok(&["donor", "list"]);
    let row = list.lines().find(|l| l.starts_with("GATES ")).expect(&list);
    assert_eq!(
        row.split_whitespace().collect::<Vec<_>>().join(" "),
        "GATES foundation Bill & Melinda Gates Foundation BMGF"
    );
    let list = t.ok(&["mandate", "list"]);
    let row = list.lines().find(|l| l.starts_with("unvtf ")).expect(&list);
    assert_eq!(
        row.split_whitespace().collect::<Vec<_>>().join(" "),
        "unvtf softly-earmarked SP CPCJF UN Voluntary Trust Fund for Victims of Trafficking"
    );
    // The log filter knows the registered donor by its alias and name too.
    for name in ["BMGF", "gates", "Bill & Melinda Gates Foundation"] {
        let log = t.ok(&["log", "--donor", name, "--kind", "pledge"]);
        assert_eq!(log.lines().count(), 4, "log --donor {name}:\n{log}");
    }
    let log = t.ok(&[
        "log",
        "--mandate",
        "UN Voluntary Trust Fund for Victims of Trafficking",
    ]);
    assert_eq!(log.lines().count(), 5, "{log}");
}

/// A ledger for the filters: two donors, two mandates, dates across 2008 and 2009,
/// entries recorded at three different times.
fn filtered() -> Test {
    let mut t = Test::new().at("2010-01-01T09:00:00Z");
    t.ok(&["init"]);
    t.ok(&[
        "record",
        "rate",
        "--currency",
        "EUR",
        "--per-usd",
        "0.7",
        "--date",
        "2008-01-01",
    ]); // 1
    t.ok(&[
        "record",
        "pledge",
        "--donor",
        "JPN",
        "--mandate",
        "coordination",
        "--amount",
        "100",
        "--currency",
        "USD",
        "--date",
        "2008-06-01",
    ]); // 2
    t.ok(&[
        "record",
        "pledge",
        "--donor",
        "DEU",
        "--mandate",
        "icat",
        "--amount",
        "200",
        "--currency",
        "EUR",
        "--date",
        "2009-02-01",
    ]); // 3
    t.set_now("2010-02-01T09:00:00Z");
    t.ok(&[
        "record",
        "payment",
        "--donor",
        "JPN",
        "--mandate",
        "coordination",
        "--amount",
        "60",
        "--currency",
        "USD",
        "--date",
        "2009-03-01",
        "--pledge",
        "2",
        "--reference",
        "=SUM(A1)",
    ]); // 4
    t.ok(&[
        "record",
        "payment",
        "--donor",
        "DEU",
        "--mandate",
        "icat",
        "--amount",
        "50",
        "--currency",
        "EUR",
        "--date",
        "2009-12-31",
    ]); // 5
    t.set_now("2010-03-01T09:00:00Z");
    t.ok(&[
        "record",
        "write-off",
        "--reason",
        "approved",
        "--pledge",
        "2",
        "--amount",
        "40",
        "--date",
        "2010-01-01",
    ]); // 6
    t.ok(&[
        "record",
        "reversal",
        "--entry",
        "5",
        "--reason",
        "wrong donor",
    ]); // 7
    t
}

fn seqs(log: &str) -> Vec<u64> {
    log.lines().map(number).collect()
}

#[test]
fn log_filters_by_donor_mandate_kind_dates_and_as_of() {
    let t = filtered();
    assert_eq!(seqs(&t.ok(&["log"])), [1, 2, 3, 4, 5, 6, 7]);
    // A write-off belongs to its pledge's donor and mandate.
    assert_eq!(seqs(&t.ok(&["log", "--donor", "jpn"])), [2, 4, 6]);
    // A reversal is shown with the entry it voids (#7 voids #5).
    assert_eq!(seqs(&t.ok(&["log", "--donor", "Germany"])), [3, 5, 7]);
    assert_eq!(seqs(&t.ok(&["log", "--mandate", "ICAT"])), [3, 5, 7]);
    assert_eq!(seqs(&t.ok(&["log", "--kind", "pledge"])), [2, 3]);
    assert_eq!(
        seqs(&t.ok(&["log", "--kind", "payment", "--kind", "write-off"])),
        [4, 5, 6]
    );
    assert_eq!(seqs(&t.ok(&["log", "--kind", "reversal"])), [7]);
    assert_eq!(seqs(&t.ok(&["log", "--kind", "rate"])), [1]);
    // Value dates, both ends inclusive; entries without a value date are left out,
    // but for reversals of entries shown.
    assert_eq!(
        seqs(&t.ok(&["log", "--from", "2009-02-01"])),
        [3, 4, 5, 6, 7]
    );
    assert_eq!(seqs(&t.ok(&["log", "--to", "2009-02-01"])), [1, 2, 3]);
    assert_eq!(
        seqs(&t.ok(&["log", "--from", "2009-01-01", "--to", "2009-12-31"])),
        [3, 4, 5, 7]
    );
    assert_eq!(
        seqs(&t.ok(&[
            "log",
            "--donor",
            "JPN",
            "--kind",
            "payment",
            "--from",
            "2009-01-01"
        ])),
        [4]
    );
    // As of: recorded by then (a date is the end of that day).
    assert_eq!(seqs(&t.ok(&["log", "--as-of", "2010-01-31"])), [1, 2, 3]);
    assert_eq!(
        seqs(&t.ok(&["log", "--as-of", "2010-02-01T09:00:00Z"])),
        [1, 2, 3, 4, 5]
    );
    assert_eq!(
        seqs(&t.ok(&["log", "--as-of", "2010-02-01T08:59:59Z"])),
        [1, 2, 3]
    );
    assert_eq!(
        seqs(&t.ok(&["log", "--as-of", "2009-12-31"])),
        Vec::<u64>::new()
    );
    // Bad filters are usage errors.
    t.rejects(
        &["log", "--kind", "gift"],
        2,
        "--kind: unknown kind \"gift\"",
    );
    t.rejects(
        &["log", "--from", "2009-02-30"],
        2,
        "--from: \"2009-02-30\" is not a date in the calendar",
    );
    t.rejects(&["log", "--as-of", "last week"], 2, "--as-of:");
}

#[test]
fn log_json_and_csv_carry_every_field() {
    let t = filtered();
    let json: serde_json::Value =
        serde_json::from_str(&t.ok(&["log", "--format", "json", "--donor", "JPN"])).unwrap();
    let a = json.as_array().unwrap();
    assert_eq!(a.len(), 3);
    assert_eq!(a[0]["seq"], 2);
    assert_eq!(
        a[1],
        serde_json::json!({
            "seq": 4, "recorded_at": "2010-02-01T09:00:00Z", "kind": "payment", "donor": "JPN",
            "mandate": "coordination", "amount": "60.00", "currency": "USD", "date": "2009-03-01",
            "pledge": 2, "reference": "=SUM(A1)"
        })
    );
    assert_eq!(a[2]["kind"], "write-off");
    assert_eq!(a[2]["amount"], "40.00");
    let empty = t.ok(&["log", "--format", "json", "--donor", "FRA"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&empty).unwrap(),
        serde_json::json!([])
    );

    let csv = t.ok(&[
        "log", "--format", "csv", "--kind", "payment", "--kind", "reversal", "--kind", "rate",
    ]);
    // Registrations carry their own fields too.
    t.ok(&[
        "donor",
        "add",
        "GATES",
        "--name",
        "Gates Foundation",
        "--category",
        "foundation",
        "--alias",
        "BMGF",
        "--alias",
        "B&M",
    ]);
    let reg = t.ok(&["log", "--format", "csv", "--kind", "donor"]);
    assert!(
        reg.lines()
            .nth(1)
            .unwrap()
            .ends_with(",GATES,,,,,,,,,,Gates Foundation,foundation,,BMGF; B&M,,,,"),
        "{reg}"
    );
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines,
        [
            "seq,recorded_at,kind,date,donor,mandate,amount,currency,pledge,entry,reference,memo,source,reason,name,category,earmarking,aliases,fund,opening,outstanding,prior_period",
            "1,2010-01-01T09:00:00Z,rate,2008-01-01,,,0.7,EUR,,,,,,,,,,,,,,",
            // A reference that a spreadsheet would run as a formula is neutralised.
            "4,2010-02-01T09:00:00Z,payment,2009-03-01,JPN,coordination,60.00,USD,2,,'=SUM(A1),,,,,,,,,,,",
            "5,2010-02-01T09:00:00Z,payment,2009-12-31,DEU,icat,50.00,EUR,,,,,,,,,,,,,,",
            "7,2010-03-01T09:00:00Z,reversal,,,,,,,5,,,,wrong donor,,,,,,,,",
        ]
    );
}

#[test]
fn usage_errors_exit_2_and_write_nothing() {
    let t = walkthrough();
    t.rejects(
        &["record", "pledge", "--bogus", "1"],
        2,
        "unexpected argument '--bogus'",
    );
    t.rejects(
        &[
            "record",
            "pledge",
            "--donor",
            "JPN",
            "--mandate",
            "coordination",
            "--currency",
            "USD",
        ],
        2,
        "--amount <AMOUNT>",
    );
    t.rejects(
        &["record", "write-off", "--amount", "5"],
        2,
        "--pledge <PLEDGE>",
    );
    t.rejects(
        &["record", "reversal", "--entry", "2"],
        2,
        "--reason <REASON>",
    );
    t.rejects(
        &["record", "rate", "--currency", "EUR", "--per-usd", "1"],
        2,
        "--date <DATE>",
    );
    t.rejects(
        &[
            "record",
            "payment",
            "--donor",
            "JPN",
            "--mandate",
            "coordination",
            "--amount",
            "1",
            "--currency",
            "USD",
            "--pledge",
            "two",
        ],
        2,
        "is not an entry number",
    );
    t.rejects(&["record", "gift"], 2, "unrecognized subcommand 'gift'");
    t.rejects(
        &["donor", "add", "X1", "--category", "foundation"],
        2,
        "--name <NAME>",
    );
    t.rejects(&["verify", "--bogus"], 2, "unexpected argument");
}

#[test]
fn unknown_donors_and_mandates_are_refused_with_suggestions() {
    let t = walkthrough();
    t.rejects(
        &pledge("JPX", "coordination", "1", "USD"),
        1,
        "error: --donor: unknown donor \"JPX\"; did you mean JPN",
    );
    t.rejects(
        &pledge("Untied Kingdom", "coordination", "1", "USD"),
        1,
        "GBR",
    );
    t.rejects(
        &pledge("JPN", "coordinaton", "1", "USD"),
        1,
        "error: --mandate: unknown mandate \"coordinaton\"; did you mean coordination",
    );
    t.rejects(&pledge("JPN", "unvtf", "1", "USD"), 1, "[unknown-mandate]");
    t.rejects(&payment("Atlantis", "1", None), 1, "[unknown-donor]");
    t.rejects(
        &["donor", "add", "X1", "--name", "X", "--category", "charity"],
        1,
        "error: --category: unknown category \"charity\"; use one of member-state",
    );
    t.rejects(
        &[
            "mandate",
            "add",
            "x1",
            "--name",
            "X",
            "--earmarking",
            "loose",
        ],
        1,
        "error: --earmarking: unknown level \"loose\"; use one of unearmarked",
    );
}

#[test]
fn bad_currencies_amounts_and_dates_are_refused() {
    let t = walkthrough();
    t.rejects(
        &pledge("JPN", "coordination", "1", "USX"),
        1,
        "error: --currency: unknown currency \"USX\"; use an ISO 4217 code",
    );
    t.rejects(
        &pledge("JPN", "coordination", "1", "XAU"),
        1,
        "[unknown-currency]",
    );
    t.rejects(
        &pledge("JPN", "coordination", "100.005", "USD"),
        1,
        "error: --amount: USD allows 2 decimals; 100.005 has 3 [too-many-decimals]",
    );
    t.rejects(
        &pledge("JPN", "coordination", "10.5", "JPY"),
        1,
        "error: --amount: JPY allows 0 decimals; 10.5 has 1 [too-many-decimals]",
    );
    t.rejects(
        &pledge("JPN", "coordination", "1.0001", "KWD"),
        1,
        "KWD allows 3 decimals; 1.0001 has 4",
    );
    t.rejects(
        &pledge("JPN", "coordination", "0", "USD"),
        1,
        "error: --amount: the amount must be above zero; 0 is not [bad-amount]",
    );
    t.rejects(
        &pledge("JPN", "coordination", "0.00", "USD"),
        1,
        "must be above zero",
    );
    t.rejects(
        &pledge("JPN", "coordination", "-5", "USD"),
        1,
        "the amount must be above zero; -5 is not",
    );
    t.rejects(&payment("JPN", "-5", None), 1, "must be above zero");
    t.rejects(&payment("JPN", "0", None), 1, "must be above zero");
    t.rejects(
        &[
            "record",
            "write-off",
            "--reason",
            "approved",
            "--pledge",
            "2",
            "--amount",
            "0",
            "--date",
            "2009-12-31",
        ],
        1,
        "must be above zero",
    );
    t.rejects(
        &pledge("JPN", "coordination", "1,000", "USD"),
        1,
        "\"1,000\" is not a number",
    );
    t.rejects(
        &pledge("JPN", "coordination", "1e5", "USD"),
        1,
        "[bad-amount]",
    );
    for (date, why) in [
        (
            "2009-02-30",
            "\"2009-02-30\" is not a date in the calendar [bad-date]",
        ),
        (
            "2009-13-01",
            "\"2009-13-01\" is not a date in the calendar [bad-date]",
        ),
        (
            "yesterday",
            "\"yesterday\" is not a date of the form YYYY-MM-DD [bad-date]",
        ),
        (
            "15/01/2009",
            "\"15/01/2009\" is not a date of the form YYYY-MM-DD",
        ),
    ] {
        let mut args = pledge("JPN", "coordination", "1", "USD");
        *args.last_mut().unwrap() = date;
        t.rejects(&args, 1, &format!("error: --date: {why}"));
        t.rejects(
            &[
                "record",
                "rate",
                "--currency",
                "EUR",
                "--per-usd",
                "1",
                "--date",
                date,
            ],
            1,
            "--date:",
        );
    }
    let mut args = pledge("JPN", "coordination", "1", "USD");
    args.extend(["--due", "2009-02-29"]);
    t.rejects(
        &args,
        1,
        "error: --due: \"2009-02-29\" is not a date in the calendar",
    );
    let mut args = pledge("JPN", "coordination", "1", "USD");
    args.extend(["--due", "2008-12-31"]);
    t.rejects(
        &args,
        1,
        "the due date 2008-12-31 is before the pledge date 2009-01-15 [due-before-date]",
    );
}

#[test]
fn payments_must_name_a_live_pledge_of_the_same_donor() {
    let t = walkthrough();
    // #6: a pledge that is then reversed by #7.
    t.ok(&pledge("JPN", "coordination", "500", "USD"));
    t.ok(&[
        "record",
        "reversal",
        "--entry",
        "6",
        "--reason",
        "duplicate",
    ]);
    t.rejects(
        &payment("JPN", "5", Some("99")),
        1,
        "error: --pledge: there is no entry #99 [no-such-pledge]",
    );
    t.rejects(
        &payment("JPN", "5", Some("1")),
        1,
        "error: --pledge: entry #1 is a rate, not a pledge [not-a-pledge]",
    );
    t.rejects(
        &payment("JPN", "5", Some("3")),
        1,
        "entry #3 is a payment, not a pledge",
    );
    t.rejects(
        &payment("JPN", "5", Some("6")),
        1,
        "error: --pledge: pledge #6 was reversed by #7 [pledge-reversed]",
    );
    t.rejects(
        &payment("DEU", "5", Some("2")),
        1,
        "error: --pledge: pledge #2 belongs to JPN, not DEU [wrong-donor]",
    );
    t.rejects(
        &payment("Germany", "5", Some("2")),
        1,
        "belongs to JPN, not DEU",
    );
    let mut other_mandate = payment("JPN", "5", Some("2"));
    other_mandate[5] = "icat";
    t.rejects(
        &other_mandate,
        1,
        "pledge #2 is for mandate coordination, not icat [wrong-mandate]",
    );
    // Write-offs follow the same rule on what they name.
    t.rejects(
        &[
            "record",
            "write-off",
            "--reason",
            "approved",
            "--pledge",
            "6",
            "--amount",
            "1",
            "--date",
            "2009-12-31",
        ],
        1,
        "pledge #6 was reversed by #7",
    );
    t.rejects(
        &[
            "record",
            "write-off",
            "--reason",
            "approved",
            "--pledge",
            "4",
            "--amount",
            "1",
            "--date",
            "2009-12-31",
        ],
        1,
        "entry #4 is a reversal, not a pledge",
    );
    t.rejects(
        &[
            "record",
            "write-off",
            "--reason",
            "approved",
            "--pledge",
            "2",
            "--amount",
            "1",
            "--currency",
            "EUR",
            "--date",
            "2009-12-31",
        ],
        1,
        "pledge #2 is in USD; a write-off is in the pledge's currency [currency-mismatch]",
    );
    // And a refund naming a pledge.
    t.rejects(
        &[
            "record",
            "refund",
            "--donor",
            "DEU",
            "--mandate",
            "coordination",
            "--amount",
            "1",
            "--currency",
            "USD",
            "--date",
            "2009-03-01",
            "--pledge",
            "2",
        ],
        1,
        "belongs to JPN, not DEU",
    );
}

#[test]
fn reversals_refuse_what_cannot_be_undone() {
    let t = walkthrough();
    t.rejects(
        &["record", "reversal", "--entry", "3", "--reason", "again"],
        1,
        "error: --entry: entry #3 was already reversed by #4 [already-reversed]",
    );
    t.rejects(
        &["record", "reversal", "--entry", "4", "--reason", "undo"],
        1,
        "error: --entry: entry #4 is a reversal; a reversal cannot be reversed",
    );
    // Pledge #2 is still named by write-off #5.
    t.rejects(
        &["record", "reversal", "--entry", "2", "--reason", "wrong"],
        1,
        "error: --entry: pledge #2 is still named by #5; reverse #5 first [pledge-in-use]",
    );
    t.rejects(
        &["record", "reversal", "--entry", "9", "--reason", "x"],
        1,
        "there is no entry #9 (the ledger has 5 entries) [no-such-entry]",
    );
    t.rejects(
        &["record", "reversal", "--entry", "2", "--reason", "  "],
        1,
        "a reversal needs a reason",
    );
    // Once what names it is reversed, the pledge can be.
    assert_eq!(number(&t.ok(&payment("JPN", "7", Some("2")))), 6);
    t.rejects(
        &["record", "reversal", "--entry", "2", "--reason", "wrong"],
        1,
        "pledge #2 is still named by #5, #6; reverse #5 and #6 first",
    );
    t.ok(&["record", "reversal", "--entry", "5", "--reason", "x"]);
    t.rejects(
        &["record", "reversal", "--entry", "2", "--reason", "wrong"],
        1,
        "pledge #2 is still named by #6; reverse #6 first",
    );
    t.ok(&["record", "reversal", "--entry", "6", "--reason", "x"]);
    assert_eq!(
        number(&t.ok(&["record", "reversal", "--entry", "2", "--reason", "wrong"])),
        9
    );
    // Registrations are not reversible.
    t.ok(&[
        "donor",
        "add",
        "X1",
        "--name",
        "Someone",
        "--category",
        "individual",
    ]);
    t.rejects(
        &["record", "reversal", "--entry", "10", "--reason", "x"],
        1,
        "entry #10 is a donor registration; registrations cannot be reversed",
    );
}

#[test]
fn write_offs_may_not_exceed_what_is_outstanding() {
    let t = Test::init();
    t.ok(&pledge("JPN", "coordination", "1000", "USD")); // 1, dated 2009-01-15
    let wo = |amount: &'static str| {
        vec![
            "record",
            "write-off",
            "--reason",
            "approved",
            "--pledge",
            "1",
            "--amount",
            amount,
            "--date",
            "2009-12-31",
        ]
    };
    t.rejects(&wo("1000.01"), 1, "error: --amount: pledge #1 has 1000.00 USD outstanding on 2009-12-31; a write-off of 1000.01 USD is larger [write-off-exceeds]");
    // A payment naming the pledge lowers what can be written off.
    t.ok(&payment("JPN", "300", Some("1"))); // 2
    t.rejects(
        &wo("700.01"),
        1,
        "pledge #1 has 700.00 USD outstanding on 2009-12-31; a write-off of 700.01 USD is larger",
    );
    // So does one naming none (same donor, mandate and currency; pledge dated before it).
    t.ok(&payment("JPN", "200", None)); // 3
    t.rejects(
        &wo("500.01"),
        1,
        "pledge #1 has 500.00 USD outstanding on 2009-12-31; a write-off of 500.01 USD is larger",
    );
    // Another donor's unnamed payment does not.
    t.ok(&payment("DEU", "200", None)); // 4
    t.rejects(&wo("500.01"), 1, "has 500.00 USD outstanding");
    assert_eq!(number(&t.ok(&wo("100"))), 5);
    t.rejects(
        &wo("400.01"),
        1,
        "pledge #1 has 400.00 USD outstanding on 2009-12-31; a write-off of 400.01 USD is larger",
    );
    assert_eq!(number(&t.ok(&wo("400"))), 6);
    t.rejects(&wo("0.01"), 1, "pledge #1 has 0.00 USD outstanding");
    // A write-off dated before the pledge is refused.
    t.rejects(
        &[
            "record",
            "write-off",
            "--reason",
            "approved",
            "--pledge",
            "1",
            "--amount",
            "1",
            "--date",
            "2009-01-14",
        ],
        1,
        "is before the pledge date 2009-01-15 [date-before-pledge]",
    );
}

/// `record refund` for JPN and mandate icat in USD.
fn refund<'a>(amount: &'a str, date: &'a str) -> Vec<&'a str> {
    vec![
        "record",
        "refund",
        "--donor",
        "JPN",
        "--mandate",
        "icat",
        "--amount",
        amount,
        "--currency",
        "USD",
        "--date",
        date,
    ]
}

/// `record payment` for JPN and mandate icat in USD.
fn paid<'a>(amount: &'a str, date: &'a str) -> Vec<&'a str> {
    let mut v = refund(amount, date);
    v[1] = "payment";
    v
}

#[test]
fn a_refund_with_nothing_paid_is_refused() {
    let t = Test::init();
    t.ok(&pledge("JPN", "icat", "1", "USD")); // 1
    t.rejects(
        &refund("100", "2009-01-03"),
        1,
        "error: --amount: JPN has been paid 0.00 USD net for icat by 2009-01-03; a refund of 100.00 USD is larger (record the payment it returns first) [refund-exceeds]",
    );
    // Another donor's, mandate's or currency's payment does not count.
    t.ok(&payment("JPN", "500", None)); // 2: coordination
    t.ok(&[
        "record",
        "payment",
        "--donor",
        "DEU",
        "--mandate",
        "icat",
        "--amount",
        "500",
        "--currency",
        "USD",
        "--date",
        "2009-01-01",
    ]); // 3
    t.ok(&[
        "record",
        "payment",
        "--donor",
        "JPN",
        "--mandate",
        "icat",
        "--amount",
        "500",
        "--currency",
        "EUR",
        "--date",
        "2009-01-01",
    ]); // 4
    t.rejects(
        &refund("0.01", "2009-12-31"),
        1,
        "JPN has been paid 0.00 USD net for icat by 2009-12-31; a refund of 0.01 USD is larger",
    );
}

#[test]
fn a_refund_may_not_exceed_what_was_paid_net_of_earlier_refunds() {
    let t = Test::init();
    t.ok(&paid("300", "2009-02-01")); // 1
    t.ok(&paid("200", "2009-03-01")); // 2
    assert_eq!(number(&t.ok(&refund("150", "2009-04-01"))), 3);
    t.rejects(
        &refund("350.01", "2009-05-01"),
        1,
        "error: --amount: JPN has been paid 350.00 USD net for icat by 2009-05-01; a refund of 350.01 USD is larger (record the payment it returns first) [refund-exceeds]",
    );
    // Only what was paid by the refund's date counts.
    t.rejects(
        &refund("300.01", "2009-02-15"),
        1,
        "JPN has been paid 300.00 USD net for icat by 2009-02-15; a refund of 300.01 USD is larger",
    );
    // A reversed payment no longer counts; a reversed refund no longer takes away.
    t.ok(&["record", "reversal", "--entry", "2", "--reason", "bounced"]); // 4
    t.rejects(
        &refund("150.01", "2009-05-01"),
        1,
        "JPN has been paid 150.00 USD net for icat by 2009-05-01; a refund of 150.01 USD is larger",
    );
    t.ok(&["record", "reversal", "--entry", "3", "--reason", "not sent"]); // 5
    assert_eq!(number(&t.ok(&refund("300", "2009-05-01"))), 6);
    t.rejects(
        &refund("0.01", "2009-06-01"),
        1,
        "JPN has been paid 0.00 USD net for icat by 2009-06-01",
    );
}

#[test]
fn a_refund_dated_before_the_payment_it_returns_is_refused() {
    let t = Test::init();
    t.ok(&paid("300", "2009-03-01")); // 1
    t.rejects(
        &refund("100", "2009-02-28"),
        1,
        "error: --amount: JPN has been paid 0.00 USD net for icat by 2009-02-28; a refund of 100.00 USD is larger (record the payment it returns first) [refund-exceeds]",
    );
    // Nor may a back-dated refund take back what a later refund already returned.
    t.ok(&refund("250", "2009-06-01")); // 2
    t.rejects(
        &refund("100", "2009-04-01"),
        1,
        "error: --amount: JPN has been paid 50.00 USD net for icat by 2009-06-01, after later refunds; a refund of 100.00 USD dated 2009-04-01 is larger (those refunds already returned the rest) [refund-exceeds]",
    );
    assert_eq!(number(&t.ok(&refund("50", "2009-04-01"))), 3);
}

#[test]
fn a_refund_within_what_was_paid_is_recorded() {
    let t = Test::init();
    t.ok(&paid("100", "2009-01-02")); // 1
    // On the payment's own date, and the whole of it.
    assert_eq!(
        t.ok(&refund("100", "2009-01-02")),
        "#2 refund JPN icat 100.00 USD 2009-01-02\n"
    );
    let report = t.ok(&["report", "donors", "--format", "csv"]);
    assert!(report.contains("JPN,Japan,0.00,0.00,"), "{report}");
}

#[test]
fn rates_must_be_above_zero() {
    let t = walkthrough();
    let rate = |x: &'static str| {
        vec![
            "record",
            "rate",
            "--currency",
            "EUR",
            "--per-usd",
            x,
            "--date",
            "2009-01-01",
        ]
    };
    t.rejects(
        &rate("0"),
        1,
        "error: --per-usd: a rate must be above zero; 0 is not [bad-rate]",
    );
    t.rejects(&rate("-0.7"), 1, "a rate must be above zero; -0.7 is not");
    t.rejects(&rate("abc"), 1, "error: --per-usd: \"abc\" is not a number");
    t.rejects(
        &[
            "record",
            "rate",
            "--currency",
            "USD",
            "--per-usd",
            "2",
            "--date",
            "2009-01-01",
        ],
        1,
        "USD is the base currency",
    );
    t.rejects(
        &[
            "record",
            "rate",
            "--currency",
            "EUX",
            "--per-usd",
            "2",
            "--date",
            "2009-01-01",
        ],
        1,
        "unknown currency \"EUX\"",
    );
}

#[test]
fn recorded_at_never_goes_backwards() {
    let mut t = walkthrough();
    t.set_now("2025-12-31T23:59:59Z");
    t.rejects(&pledge("JPN", "coordination", "1", "USD"), 1, "error: record: the time now (2025-12-31T23:59:59Z) is before the last entry's recorded_at (2026-01-01T00:00:00Z); entries are never recorded back in time [clock-backwards]".replace(" [clock-backwards]", "").as_str());
    t.rejects(
        &[
            "donor",
            "add",
            "X1",
            "--name",
            "X",
            "--category",
            "individual",
        ],
        1,
        "[clock-backwards]",
    );
    t.rejects(
        &["record", "reversal", "--entry", "2", "--reason", "x"],
        1,
        "[clock-backwards]",
    );
    // The same second is fine, and so is later.
    t.set_now("2026-01-01T00:00:00Z");
    assert_eq!(number(&t.ok(&pledge("JPN", "coordination", "1", "USD"))), 6);
    t.set_now("2026-01-01T00:00:01+00:00");
    assert_eq!(number(&t.ok(&pledge("JPN", "coordination", "1", "USD"))), 7);
    t.set_now("not a time");
    t.rejects(&pledge("JPN", "coordination", "1", "USD"), 1, "LEDGER_NOW:");
}

#[test]
fn donor_and_mandate_registrations_refuse_duplicates() {
    let t = Test::init();
    t.ok(&[
        "donor",
        "add",
        "GATES",
        "--name",
        "Bill & Melinda Gates Foundation",
        "--category",
        "foundation",
        "--alias",
        "BMGF",
    ]);
    t.ok(&[
        "mandate",
        "add",
        "unvtf",
        "--name",
        "Victims trust fund",
        "--earmarking",
        "earmarked",
        "--fund",
        "united nations crime prevention and criminal justice fund",
    ]);
    t.rejects(
        &[
            "donor",
            "add",
            "gates",
            "--name",
            "Gates",
            "--category",
            "foundation",
        ],
        1,
        "error: code: \"GATES\" already names donor GATES [donor-exists]",
    );
    t.rejects(
        &[
            "donor",
            "add",
            "GATES2",
            "--name",
            "Gates 2",
            "--category",
            "foundation",
            "--alias",
            "bmgf",
        ],
        1,
        "\"bmgf\" already names donor GATES",
    );
    t.rejects(
        &[
            "donor",
            "add",
            "GATES3",
            "--name",
            "BILL & MELINDA GATES FOUNDATION",
            "--category",
            "foundation",
        ],
        1,
        "already names donor GATES",
    );
    t.rejects(
        &[
            "donor",
            "add",
            "JPN",
            "--name",
            "Japan again",
            "--category",
            "member-state",
        ],
        1,
        "\"JPN\" already names donor JPN",
    );
    t.rejects(
        &[
            "donor",
            "add",
            "UK2",
            "--name",
            "Britain Two",
            "--category",
            "member-state",
            "--alias",
            "United Kingdom",
        ],
        1,
        "\"United Kingdom\" already names donor GBR",
    );
    t.rejects(
        &[
            "donor",
            "add",
            "BAD CODE",
            "--name",
            "X",
            "--category",
            "individual",
        ],
        1,
        "must be 1 to 16 letters, digits",
    );
    t.rejects(
        &[
            "mandate",
            "add",
            "UNVTF",
            "--name",
            "Again",
            "--earmarking",
            "earmarked",
        ],
        1,
        "error: slug: mandate unvtf already exists [mandate-exists]",
    );
    t.rejects(
        &[
            "mandate",
            "add",
            "coordination",
            "--name",
            "Again",
            "--earmarking",
            "earmarked",
        ],
        1,
        "mandate coordination already exists",
    );
    t.rejects(
        &[
            "mandate",
            "add",
            "a b",
            "--name",
            "X",
            "--earmarking",
            "earmarked",
        ],
        1,
        "must be 1 to 40 lower-case letters",
    );
}

/// A clock earlier than the ledger's creation must be refused like any clock going
/// backwards; recording such an entry leaves a ledger that no longer verifies.
#[test]
fn recorded_at_never_goes_back_before_the_ledger_was_created() {
    let mut t = Test::init(); // header recorded at 2026-01-01T00:00:00Z
    t.set_now("2025-06-01T00:00:00Z");
    t.rejects(
        &pledge("JPN", "coordination", "1", "USD"),
        1,
        "is before the last entry's recorded_at (2026-01-01T00:00:00Z)",
    );
    assert!(t.ok(&["verify"]).starts_with("ok: 0 entries"));
}

#[test]
fn registrations_name_the_real_fault() {
    let t = Test::init();
    let donor = |code: &str, name: &str| {
        vec![
            "donor",
            "add",
            code,
            "--name",
            name,
            "--category",
            "individual",
        ]
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>()
    };
    for (code, name, message) in [
        (
            "A,B",
            "X",
            "error: code: donor code \"A,B\" must be 1 to 16 letters, digits, '-' or '_' [bad-code]",
        ),
        ("", "X", "[bad-code]"),
        (
            "ZZZ",
            "",
            "error: --name: a donor needs a name [missing-name]",
        ),
        (
            "ZZZ",
            "Line\nbreak",
            "this field must be one line of text [bad-text]",
        ),
    ] {
        let args = donor(code, name);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        t.rejects(&args, 1, message);
    }
    t.rejects(
        &[
            "mandate",
            "add",
            "bad slug",
            "--name",
            "X",
            "--earmarking",
            "earmarked",
        ],
        1,
        "[bad-code]",
    );
    // A mandate's name is as much a name for it as its slug.
    t.rejects(
        &[
            "mandate",
            "add",
            "x2",
            "--name",
            "coordination functions (ECOSOC resolution, para. 10)",
            "--earmarking",
            "earmarked",
        ],
        1,
        "error: --name: \"coordination functions (ECOSOC resolution, para. 10)\" already names mandate coordination [mandate-exists]",
    );
}

#[test]
fn one_rate_per_currency_and_day() {
    let t = Test::init();
    let rate = |r: &str| {
        [
            "record",
            "rate",
            "--currency",
            "EUR",
            "--per-usd",
            r,
            "--date",
            "2009-07-01",
        ]
        .map(str::to_string)
    };
    let args = rate("0.7");
    t.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let args = rate("0.70");
    t.rejects(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        1,
        "error: --date: #1 already records this rate; it is not recorded twice [rate-exists]",
    );
    let args = rate("0.6");
    t.rejects(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        1,
        "error: --date: #1 already sets EUR at 0.7 per USD from 2009-07-01; reverse #1 first to replace it [rate-exists]",
    );
    // Reversed, the day is free again.
    t.ok(&[
        "record",
        "reversal",
        "--entry",
        "1",
        "--reason",
        "wrong rate",
    ]);
    let args = rate("0.6");
    assert!(
        t.ok(&args.iter().map(String::as_str).collect::<Vec<_>>())
            .starts_with("#3 rate EUR 0.6")
    );
}

#[test]
fn stored_text_is_one_line_and_dates_are_exactly_yyyy_mm_dd() {
    let t = Test::init();
    let base = [
        "record",
        "pledge",
        "--donor",
        "JPN",
        "--mandate",
        "icat",
        "--amount",
        "5",
        "--currency",
        "USD",
    ];
    let with = |extra: &[&str]| {
        base.iter()
            .chain(extra)
            .copied()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    for (extra, message) in [
        (
            vec!["--reference", "a\nb"],
            "error: --reference: \"a\\nb\" contains the control character '\\n'; this field must be one line of text [bad-text]",
        ),
        (
            vec!["--date", "2008-8-1"],
            "error: --date: \"2008-8-1\" is not a date of the form YYYY-MM-DD [bad-date]",
        ),
        (
            vec!["--date", "+2008-08-01"],
            "is not a date of the form YYYY-MM-DD [bad-date]",
        ),
        (
            vec!["--date", "08-08-01"],
            "is not a date of the form YYYY-MM-DD [bad-date]",
        ),
    ] {
        let args = with(&extra);
        t.rejects(
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
            1,
            message,
        );
    }
    // A memo may hold line breaks; `log` shows them escaped on one line.
    let args = with(&["--memo", "first line\nsecond line", "--date", "2008-08-01"]);
    t.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let log = t.ok(&["log"]);
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(log.contains("memo \"first line\\nsecond line\""), "{log}");
}

#[test]
fn log_filters_that_match_nothing_known_are_errors() {
    let t = Test::init();
    t.ok(&[
        "donor",
        "add",
        "GATES",
        "--name",
        "Gates Foundation",
        "--category",
        "foundation",
        "--alias",
        "BMGF",
    ]);
    // A registered alias is a known donor, even with nothing recorded for it.
    assert_eq!(t.ok(&["log", "--donor", "bmgf", "--kind", "pledge"]), "");
    t.rejects(
        &["log", "--donor", "NOPE"],
        1,
        "error: --donor: unknown donor \"NOPE\"",
    );
    t.rejects(&["log", "--donor", "Jpaan"], 1, "did you mean JPN");
    t.rejects(
        &["log", "--mandate", "cordination"],
        1,
        "error: --mandate: unknown mandate \"cordination\"; did you mean coordination",
    );
    t.rejects(
        &["log", "--from", "2009-08-01", "--to", "2009-05-01"],
        1,
        "error: --from: 2009-08-01 is after --to 2009-05-01; nothing could match [bad-period]",
    );
}

#[test]
fn a_payment_refunds_depend_on_cannot_be_reversed_before_them() {
    let t = Test::init();
    let run = |args: &[&str]| t.ok(args);
    run(&[
        "record",
        "pledge",
        "--donor",
        "ITA",
        "--mandate",
        "icat",
        "--amount",
        "1000",
        "--currency",
        "USD",
        "--date",
        "2020-01-01",
    ]);
    run(&[
        "record",
        "payment",
        "--donor",
        "ITA",
        "--mandate",
        "icat",
        "--amount",
        "800",
        "--currency",
        "USD",
        "--date",
        "2020-03-01",
        "--pledge",
        "1",
    ]);
    run(&[
        "record",
        "refund",
        "--donor",
        "ITA",
        "--mandate",
        "icat",
        "--amount",
        "100",
        "--currency",
        "USD",
        "--date",
        "2020-05-01",
    ]);
    t.rejects(
        &["record", "reversal", "--entry", "2", "--reason", "oops"],
        1,
        "error: --entry: without payment #2, the refunds to ITA for icat in USD (#3) would be more than was paid; reverse #3 first [payment-refunded]",
    );
    // Another payment that covers the refund frees the first.
    run(&[
        "record",
        "payment",
        "--donor",
        "ITA",
        "--mandate",
        "icat",
        "--amount",
        "150",
        "--currency",
        "USD",
        "--date",
        "2020-04-01",
    ]);
    assert!(
        t.ok(&["record", "reversal", "--entry", "2", "--reason", "oops"])
            .starts_with("#5 reversal of #2")
    );
    let report: serde_json::Value =
        serde_json::from_str(&t.ok(&["report", "donors", "--format", "json"])).unwrap();
    assert_eq!(report["totals"]["paid"], "50.00");
}

#[test]
fn donor_collisions_name_their_flag_and_invisible_text_is_refused() {
    let t = Test::init();
    t.rejects(
        &[
            "donor",
            "add",
            "ACME",
            "--name",
            "Acme",
            "--category",
            "foundation",
            "--alias",
            "Japan",
        ],
        1,
        "error: --alias: \"Japan\" already names donor JPN [donor-exists]",
    );
    t.rejects(
        &[
            "donor",
            "add",
            "ACME",
            "--name",
            "japan",
            "--category",
            "foundation",
        ],
        1,
        "error: --name: \"japan\" already names donor JPN [donor-exists]",
    );
    t.rejects(
        &["donor", "add", "ACME", "--name", "Acme\u{200B}", "--category", "foundation"],
        1,
        "contains the invisible character '\\u{200b}'; this field must be one line of text [bad-text]",
    );
    // The same alias twice, in other case, and an empty one add nothing.
    t.ok(&[
        "donor",
        "add",
        "ACME",
        "--name",
        "Acme",
        "--category",
        "foundation",
        "--alias",
        "acme fdn",
        "--alias",
        "ACME FDN",
        "--alias",
        "",
    ]);
    let json = t.ok(&["log", "--kind", "donor", "--format", "json"]);
    assert!(json.contains("\"aliases\":[\"acme fdn\"]"), "{json}");
}

#[test]
fn implausible_rates_and_malformed_heads_are_refused() {
    let t = Test::init();
    for r in ["0.00001", "1000000001"] {
        t.rejects(
            &[
                "record",
                "rate",
                "--currency",
                "KWD",
                "--per-usd",
                r,
                "--date",
                "2020-01-01",
            ],
            1,
            "is not a plausible rate (0.0001 to 1,000,000,000) [bad-rate]",
        );
    }
    t.ok(&[
        "record",
        "rate",
        "--currency",
        "KWD",
        "--per-usd",
        "0.3049",
        "--date",
        "2020-01-01",
    ]);
    // A head that is not a hash is a usage error, not a failed verification.
    for bad in ["xyz", "", "3aa84770ab15"] {
        let o = t.fails(&["verify", "--head", bad], 2);
        assert!(
            o.stderr
                .contains("is not a head hash (64 hexadecimal digits"),
            "{}",
            o.stderr
        );
    }
}
