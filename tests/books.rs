//! Books that start mid-history, reductions, write-off reasons and prior-period
//! refunds as a user records and imports them: every bad input refused with its
//! code and the ledger unchanged.

use crate::util::Test;

/// Rates from 2024; an opening EUR pledge #3 (400,000 of 1,000,000 outstanding on
/// 2024-01-01) and a payment #4 of 150,000 that settles it first.
fn books() -> Test {
    let t = Test::init();
    for args in [
        &[
            "record",
            "rate",
            "--currency",
            "EUR",
            "--per-usd",
            "0.9",
            "--date",
            "2024-01-01",
        ][..],
        &[
            "record",
            "rate",
            "--currency",
            "EUR",
            "--per-usd",
            "0.95",
            "--date",
            "2024-07-01",
        ][..],
        &[
            "record",
            "pledge",
            "--donor",
            "JPN",
            "--mandate",
            "coordination",
            "--amount",
            "1000000",
            "--currency",
            "EUR",
            "--date",
            "2019-05-01",
            "--due",
            "2020-12-31",
            "--reference",
            "NV/2019/17",
            "--opening",
            "2024-01-01",
            "--outstanding",
            "400000",
        ][..],
        &[
            "record",
            "payment",
            "--donor",
            "JPN",
            "--mandate",
            "coordination",
            "--amount",
            "150000",
            "--currency",
            "EUR",
            "--date",
            "2024-03-01",
        ][..],
    ] {
        t.ok(args);
    }
    t
}

#[test]
fn opening_pledges_reductions_and_write_offs_are_recorded() {
    let t = books();
    assert_eq!(
        t.ok("record reduction --pledge 3 --amount 50000 --date 2024-06-30 --reason 'letter of the Permanent Mission, 2024-06-12'"),
        "#5 reduction pledge #3 50,000.00 EUR 2024-06-30\n"
    );
    assert_eq!(
        t.ok(&[
            "record",
            "write-off",
            "--pledge",
            "#3",
            "--amount",
            "1000",
            "--date",
            "2024-12-31",
            "--reason",
            "Controller's approval 2024/88"
        ]),
        "#6 write-off pledge #3 1,000.00 EUR 2024-12-31\n"
    );
    assert_eq!(
        t.ok("record refund --donor QAT --mandate un-gift --amount 2534000 --currency USD --date 2024-12-31 --prior-period"),
        "#7 refund QAT un-gift 2,534,000.00 USD 2024-12-31 (prior period)\n"
    );
    let log = t.ok("log --format json");
    let v: serde_json::Value = serde_json::from_str(&log).unwrap();
    assert_eq!(v[2]["opening"], "2024-01-01");
    assert_eq!(v[2]["outstanding"], "400000.00");
    assert_eq!(v[4]["memo"], "letter of the Permanent Mission, 2024-06-12");
    assert_eq!(v[6]["prior_period"], true);
    // Outstanding: 400,000 - 150,000 - 50,000 - 1,000 = 199,000 EUR at 0.95.
    let d: serde_json::Value =
        serde_json::from_str(&t.ok("report donors --year 2024 --format json")).unwrap();
    assert_eq!(d["rows"][0]["donor"], "JPN");
    assert_eq!(d["rows"][0]["outstanding"], "209473.68");
    assert_eq!(d["rows"][1]["paid"], "-2534000.00");
    // A reduction can be reversed like any entry; then the pledge can be too.
    t.ok("record reversal --entry 5 --reason 'letter withdrawn'");
    t.ok("record reversal --entry 6 --reason 'not approved'");
    t.ok("record reversal --entry 4 --reason 'wrong donor'");
    t.ok("record reversal --entry 3 --reason 'carried in twice'");
}

#[test]
fn bad_opening_pledges_reductions_and_flags_are_refused() {
    let t = books();
    let pledge = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut a = vec![
            "record",
            "pledge",
            "--donor",
            "JPN",
            "--mandate",
            "icat",
            "--amount",
            "100",
            "--currency",
            "EUR",
            "--date",
            "2019-01-01",
        ];
        a.extend_from_slice(extra);
        a
    };
    for (args, message) in [
        (
            pledge(&["--opening", "2024-01-01", "--outstanding", "100.01"]),
            "error: --outstanding: 100.01 EUR outstanding is more than the 100.00 EUR pledged [outstanding-exceeds-amount]\n",
        ),
        (
            pledge(&["--opening", "2024-01-01", "--outstanding", "-1"]),
            "error: --outstanding: what is outstanding cannot be negative; -1 is [bad-amount]\n",
        ),
        (
            pledge(&["--opening", "2018-12-31", "--outstanding", "1"]),
            "error: --opening: the opening date 2018-12-31 is before the pledge date 2019-01-01 [opening-before-pledge]\n",
        ),
        (
            pledge(&["--opening", "2024-01-01"]),
            "error: --outstanding: an opening pledge needs what was still outstanding on its opening date [incomplete-opening]\n",
        ),
        (
            pledge(&["--outstanding", "5"]),
            "error: --opening: an outstanding amount is given only for an opening pledge: add its opening date [incomplete-opening]\n",
        ),
        (
            pledge(&["--prior-period"]),
            "error: --prior-period: only a refund can be a prior-period refund, not a pledge [prior-period-not-refund]\n",
        ),
    ] {
        t.refuses(&args, 1, message);
    }
    let red = |pledge: &'static str, amount: &'static str, date: &'static str| {
        vec![
            "record",
            "reduction",
            "--pledge",
            pledge,
            "--amount",
            amount,
            "--date",
            date,
            "--reason",
            "note verbale",
        ]
    };
    // 400,000 - 150,000 = 250,000 EUR outstanding on 2024-06-30.
    t.refuses(
        &red("3", "250000.01", "2024-06-30"),
        1,
        "error: --amount: pledge #3 has 250000.00 EUR outstanding on 2024-06-30; a reduction of 250000.01 EUR is larger [reduction-exceeds]\n",
    );
    t.refuses(
        &red("4", "1", "2024-06-30"),
        1,
        "error: --pledge: entry #4 is a payment, not a pledge [not-a-pledge]\n",
    );
    t.refuses(
        &red("9", "1", "2024-06-30"),
        1,
        "error: --pledge: there is no entry #9 [no-such-pledge]\n",
    );
    t.refuses(
        &red("3", "1", "2023-12-31"),
        1,
        "error: --date: pledge #3 was carried in as an opening pledge on 2024-01-01; a reduction dated 2023-12-31 is before that (what it owed then already counts everything earlier) [before-opening]\n",
    );
    t.refuses(
        "record reduction --pledge 3 --amount 1 --date 2024-06-30",
        1,
        "error: --reason: a reduction needs its reason on record (the donor's letter or note verbale) [reason-required]\n",
    );
    t.refuses(
        "record write-off --pledge 3 --amount 1 --date 2024-06-30",
        1,
        "error: --reason: a write-off needs its authority on record (the approval that writes it off) [reason-required]\n",
    );
    t.refuses(
        "record write-off --pledge 3 --amount 1 --date 2024-06-30 --reason '  '",
        1,
        "error: --reason: a write-off needs its authority on record (the approval that writes it off) [reason-required]\n",
    );
    t.refuses(
        "record write-off --pledge 3 --amount 1 --date 2024-06-30 --reason x --prior-period",
        1,
        "error: --prior-period: only a refund can be a prior-period refund, not a write-off [prior-period-not-refund]\n",
    );
    t.refuses(
        "record payment --donor JPN --mandate coordination --amount 1 --currency EUR --date 2023-12-31 --pledge 3",
        1,
        "error: --date: pledge #3 was carried in as an opening pledge on 2024-01-01; a payment dated 2023-12-31 is before that (what it owed then already counts everything earlier) [before-opening]\n",
    );
    t.refuses(
        "record payment --donor JPN --mandate coordination --amount 1 --currency EUR --date 2024-03-01 --prior-period",
        1,
        "error: --prior-period: only a refund can be a prior-period refund; a payment is recorded as received [prior-period-not-refund]\n",
    );
    // Without --prior-period, a refund is still limited by what was paid.
    t.refuses(
        "record refund --donor QAT --mandate un-gift --amount 1 --currency USD --date 2024-12-31",
        1,
        "error: --amount: QAT has been paid 0.00 USD net for un-gift by 2024-12-31; a refund of 1.00 USD is larger (record the payment it returns first) [refund-exceeds]\n",
    );
    // A reversed pledge cannot be reduced.
    t.ok("record pledge --donor JPN --mandate icat --amount 100 --currency USD --date 2024-02-01");
    t.ok("record reversal --entry 5 --reason 'recorded in error'");
    t.refuses(
        &red("5", "1", "2024-06-30"),
        1,
        "error: --pledge: pledge #5 was reversed by #6 [pledge-reversed]\n",
    );
}

#[test]
fn payments_before_the_opening_date_do_not_settle_an_opening_pledge() {
    let t = books();
    // Named or not, money dated before the opening date is not what #3 still owed.
    t.ok("record rate --currency EUR --per-usd 0.92 --date 2023-12-01");
    t.ok("record payment --donor JPN --mandate coordination --amount 10 --currency EUR --date 2023-12-31");
    let s: serde_json::Value =
        serde_json::from_str(&t.ok("report statement --donor JPN --format json")).unwrap();
    let early = s["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["seq"] == 6)
        .unwrap();
    assert_eq!(early["unpledged"], "10.00");
    assert_eq!(early["settled"], serde_json::json!([]));
    // The statement's period now starts before the opening date: it says so.
    assert_eq!(
        s["warnings"][0].as_str().unwrap(),
        "The ledger holds no figures before 2024-01-01: pledges made earlier are carried in at their opening date with what was outstanding then, and money received earlier is not in it."
    );
}

#[test]
fn import_reads_prior_period_and_reductions() {
    let t = Test::init();
    t.write(
        "rows.csv",
        "date,donor,mandate,kind,amount,currency,reference,pledge_reference,memo,prior_period\n\
         2024-01-10,NOR,icat,pledge,1000.00,USD,P1,,,\n\
         2024-02-10,NOR,icat,reduction,200.00,USD,R1,P1,letter of 2024-02-01,\n\
         2024-03-10,NOR,icat,refund,50.00,USD,F1,,,yes\n\
         2024-03-11,NOR,icat,payment,-25.00,USD,F2,,,true\n\
         2024-03-12,NOR,icat,write-off,100.00,USD,W1,P1,approved 2024/3,no\n",
    );
    let out = t.ok("import rows.csv");
    assert!(
        out.ends_with("5 rows: 5 new entries, 0 already recorded\n"),
        "{out}"
    );
    let d: serde_json::Value = serde_json::from_str(&t.ok("report donors --format json")).unwrap();
    let r = &d["rows"][0];
    assert_eq!(
        (
            r["pledged"].as_str(),
            r["paid"].as_str(),
            r["outstanding"].as_str()
        ),
        (Some("800.00"), Some("-75.00"), Some("700.00"))
    );
    assert_eq!(r["reduced"], "200.00");
    assert_eq!(r["written_off"], "100.00");
    // Bad values, each named by its line; nothing written.
    t.write(
        "bad.csv",
        "date,donor,mandate,kind,amount,currency,reference,pledge_reference,memo,prior_period\n\
         2024-04-10,NOR,icat,refund,5.00,USD,F3,,,maybe\n\
         2024-04-11,NOR,icat,payment,5.00,USD,Y1,,,yes\n\
         2024-04-12,NOR,icat,reduction,5.00,USD,R2,P1,,\n\
         2024-04-13,NOR,icat,reduction,5000.00,USD,R3,P1,letter,\n\
         2024-04-14,NOR,icat,reduction,5.00,USD,R4,,letter,\n",
    );
    t.refuses(
        "import bad.csv",
        1,
        "error: bad.csv:2: prior_period \"maybe\": is not true/false or yes/no [bad-prior-period]\n\
         error: bad.csv:3: prior_period \"yes\": only a refund can be a prior-period refund, not a payment [prior-period-not-refund]\n\
         error: bad.csv:4: memo \"\": a reduction needs its reason on record (the donor's letter or note verbale) [reason-required]\n\
         error: bad.csv:5: amount \"5000.00\": pledge #1 has 700.00 USD outstanding on 2024-04-13; a reduction of 5000.00 USD is larger [reduction-exceeds]\n\
         error: bad.csv:6: pledge_reference \"\": a reduction row must name its pledge by reference [missing-value]\n\
         import refused: 5 of 5 rows have problems; nothing was written\n",
    );
}
