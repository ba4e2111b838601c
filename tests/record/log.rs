//! `ledger log`: filters, formats, and filters that match nothing known.

#[allow(unused_imports)]
use super::{number, payment, pledge, walkthrough};
use crate::util::Test;

/// A ledger for the filters: two donors, two mandates, dates across 2008 and 2009,
/// entries recorded at three different times.
fn filtered() -> Test {
    let mut t = Test::new().at("2010-01-01T09:00:00Z");
    t.ok(&["init"]);
    t.ok("record rate --currency EUR --per-usd 0.7 --date 2008-01-01"); // 1
    t.ok("record pledge --donor JPN --mandate coordination --amount 100 --currency USD --date 2008-06-01"); // 2
    t.ok("record pledge --donor DEU --mandate icat --amount 200 --currency EUR --date 2009-02-01"); // 3
    t.set_now("2010-02-01T09:00:00Z");
    t.ok("record payment --donor JPN --mandate coordination --amount 60 --currency USD --date 2009-03-01 --pledge 2 --reference =SUM(A1)"); // 4
    t.ok("record payment --donor DEU --mandate icat --amount 50 --currency EUR --date 2009-12-31"); // 5
    t.set_now("2010-03-01T09:00:00Z");
    t.ok("record write-off --reason approved --pledge 2 --amount 40 --date 2010-01-01"); // 6
    t.ok("record reversal --entry 5 --reason 'wrong donor'"); // 7
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
    assert_eq!(seqs(&t.ok("log --donor jpn")), [2, 4, 6]);
    // A reversal is shown with the entry it voids (#7 voids #5).
    assert_eq!(seqs(&t.ok("log --donor Germany")), [3, 5, 7]);
    assert_eq!(seqs(&t.ok("log --mandate ICAT")), [3, 5, 7]);
    assert_eq!(seqs(&t.ok("log --kind pledge")), [2, 3]);
    assert_eq!(
        seqs(&t.ok("log --kind payment --kind write-off")),
        [4, 5, 6]
    );
    assert_eq!(seqs(&t.ok("log --kind reversal")), [7]);
    assert_eq!(seqs(&t.ok("log --kind rate")), [1]);
    // Value dates, both ends inclusive; entries without a value date are left out,
    // but for reversals of entries shown.
    assert_eq!(seqs(&t.ok("log --from 2009-02-01")), [3, 4, 5, 6, 7]);
    assert_eq!(seqs(&t.ok("log --to 2009-02-01")), [1, 2, 3]);
    assert_eq!(
        seqs(&t.ok("log --from 2009-01-01 --to 2009-12-31")),
        [3, 4, 5, 7]
    );
    assert_eq!(
        seqs(&t.ok("log --donor JPN --kind payment --from 2009-01-01")),
        [4]
    );
    // As of: recorded by then (a date is the end of that day).
    assert_eq!(seqs(&t.ok("log --as-of 2010-01-31")), [1, 2, 3]);
    assert_eq!(
        seqs(&t.ok("log --as-of 2010-02-01T09:00:00Z")),
        [1, 2, 3, 4, 5]
    );
    assert_eq!(seqs(&t.ok("log --as-of 2010-02-01T08:59:59Z")), [1, 2, 3]);
    assert_eq!(seqs(&t.ok("log --as-of 2009-12-31")), Vec::<u64>::new());
    // Bad filters are usage errors.
    t.refuses(
        "log --kind gift",
        2,
        "error: invalid value 'gift' for '--kind <KIND>': unknown kind \"gift\"; use one of pledge, payment, refund, write-off, reversal, rate, donor, mandate, reduction, fund, in-kind, agreement, condition-met, checkpoint\n\
         \n\
         For more information, try '--help'.\n",
    );
    t.refuses(
        "log --from 2009-02-30",
        2,
        "error: --from: \"2009-02-30\" is not a date in the calendar\n",
    );
    t.refuses(
        "log --as-of 'last week'",
        2,
        "error: --as-of: \"last week\" is neither a date (YYYY-MM-DD) nor an RFC 3339 timestamp\n",
    );
}

#[test]
fn log_json_and_csv_carry_every_field() {
    let t = filtered();
    let json: serde_json::Value =
        serde_json::from_str(&t.ok("log --format json --donor JPN")).unwrap();
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
    let empty = t.ok("log --format json --donor FRA");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&empty).unwrap(),
        serde_json::json!([])
    );

    let csv = t.ok("log --format csv --kind payment --kind reversal --kind rate");
    // Registrations carry their own fields too.
    t.ok(
        "donor add GATES --name 'Gates Foundation' --category foundation --alias BMGF --alias B&M",
    );
    let reg = t.ok("log --format csv --kind donor");
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
fn log_filters_that_match_nothing_known_are_errors() {
    let t = Test::init();
    t.ok("donor add GATES --name 'Gates Foundation' --category foundation --alias BMGF");
    // A registered alias is a known donor, even with nothing recorded for it.
    assert_eq!(t.ok("log --donor bmgf --kind pledge"), "");
    t.refuses(
        "log --donor NOPE",
        1,
        "error: --donor: unknown donor \"NOPE\"; did you mean NOR, NPL? [unknown-donor]\n",
    );
    t.refuses(
        "log --donor Jpaan",
        1,
        "error: --donor: unknown donor \"Jpaan\"; did you mean JPN, PAK? [unknown-donor]\n",
    );
    t.refuses(
        "log --mandate cordination",
        1,
        "error: --mandate: unknown mandate \"cordination\"; did you mean coordination? [unknown-mandate]\n",
    );
    t.refuses(
        "log --from 2009-08-01 --to 2009-05-01",
        1,
        "error: --from: 2009-08-01 is after --to 2009-05-01; nothing could match [bad-period]\n",
    );
}

/// Agreements have a donor and a mandate: `--donor` and `--mandate` find them. A
/// condition met shows its memo, as other kinds do.
#[test]
fn log_finds_agreements_by_donor_and_mandate_and_shows_a_condition_mets_memo() {
    let t = Test::new().at("2025-12-31T12:00:00Z");
    t.ok("init");
    t.ok("agreement add SE-2024-01 --donor SWE --mandate coordination --currency SEK --signed 2024-02-01 --title 'Three-year support'");
    t.ok("agreement add US-2024-07 --donor USA --mandate icat --currency USD --signed 2024-07-01 --title 'Matching grant' --conditional");
    t.ok("record condition-met --agreement US-2024-07 --date 2025-03-01 --memo 'matching funds confirmed'");
    assert_eq!(
        t.ok("log --donor Sweden"),
        "#1      2025-12-31T12:00:00Z  agreement SE-2024-01 SWE coordination SEK signed 2024-02-01 \"Three-year support\"\n"
    );
    assert_eq!(seqs(&t.ok("log --mandate icat")), vec![2]);
    assert_eq!(
        seqs(&t.ok("log --donor USA --mandate coordination")),
        Vec::<u64>::new()
    );
    assert_eq!(
        t.ok("log --kind condition-met"),
        "#3      2025-12-31T12:00:00Z  condition met for agreement US-2024-07 on 2025-03-01  memo \"matching funds confirmed\"\n"
    );
}
