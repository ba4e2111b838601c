//! A hand-checked ledger that starts mid-history: an opening EUR pledge, a later
//! payment that settles it first (oldest pledge date), a reduction, a write-off and a
//! prior-period refund. Every figure is worked out by hand in the comments, and
//! every report is kept as a snapshot in every format.
//!
//! ```text
//! #1  rate   EUR 0.80 per USD from 2024-01-01
//! #2  rate   EUR 0.90 per USD from 2024-04-01
//! #3  rate   EUR 0.75 per USD from 2024-10-01
//! #4  pledge DEU coordination 500,000 EUR of 2020-03-01, due 2021-12-31, ref NV/2020/5,
//!            carried in on 2024-01-01 with 200,000 EUR outstanding
//! #5  pledge DEU coordination 100,000 EUR 2024-02-01 due 2024-12-31
//! #6  payment DEU coordination 120,000 EUR 2024-05-10, no pledge named
//! #7  reduction of #4 by 30,000 EUR 2024-08-15 ("note verbale 2024/77")
//! #8  write-off of #4, 10,000 EUR 2024-11-30 ("Controller's approval 2024/12")
//! #9  refund DEU coordination 5,000 USD 2024-06-30, prior period
//! #10 pledge JPN icat 50,000 USD 2024-07-01
//! #11 payment JPN icat 20,000 USD 2024-09-01 names #10
//! ```
//!
//! Settlement: #6 names no pledge; DEU's open coordination EUR pledges by pledge date
//! are #4 (2020-03-01) then #5 (2024-02-01), so #6 settles 120,000 of #4's 200,000
//! (80,000 left). #7 takes 30,000 off #4 (50,000 left), #8 10,000 more (40,000 left).
//! No rate before 2024-01-01 exists, and none is needed.

use serde_json::{Value, json};

use super::json;
use crate::util::Test;

const FORMATS: [&str; 5] = ["table", "csv", "json", "markdown", "html"];

pub fn opening_ledger() -> Test {
    let mut t = Test::new().at("2024-01-02T00:00:00Z");
    t.ok(&["init"]);
    let steps: &[(&str, &[&str])] = &[
        (
            "2024-01-02T09:00:00Z",
            &[
                "record",
                "rate",
                "--currency",
                "EUR",
                "--per-usd",
                "0.80",
                "--date",
                "2024-01-01",
            ],
        ),
        (
            "2024-04-01T09:00:00Z",
            &[
                "record",
                "rate",
                "--currency",
                "EUR",
                "--per-usd",
                "0.90",
                "--date",
                "2024-04-01",
            ],
        ),
        (
            "2024-10-01T09:00:00Z",
            &[
                "record",
                "rate",
                "--currency",
                "EUR",
                "--per-usd",
                "0.75",
                "--date",
                "2024-10-01",
            ],
        ),
        (
            "2024-10-02T09:00:00Z",
            &[
                "record",
                "pledge",
                "--donor",
                "DEU",
                "--mandate",
                "coordination",
                "--amount",
                "500000",
                "--currency",
                "EUR",
                "--date",
                "2020-03-01",
                "--due",
                "2021-12-31",
                "--reference",
                "NV/2020/5",
                "--opening",
                "2024-01-01",
                "--outstanding",
                "200000",
            ],
        ),
        (
            "2024-10-02T09:01:00Z",
            &[
                "record",
                "pledge",
                "--donor",
                "DEU",
                "--mandate",
                "coordination",
                "--amount",
                "100000",
                "--currency",
                "EUR",
                "--date",
                "2024-02-01",
                "--due",
                "2024-12-31",
            ],
        ),
        (
            "2024-10-02T09:02:00Z",
            &[
                "record",
                "payment",
                "--donor",
                "DEU",
                "--mandate",
                "coordination",
                "--amount",
                "120000",
                "--currency",
                "EUR",
                "--date",
                "2024-05-10",
            ],
        ),
        (
            "2024-10-02T09:03:00Z",
            &[
                "record",
                "reduction",
                "--pledge",
                "4",
                "--amount",
                "30000",
                "--date",
                "2024-08-15",
                "--reason",
                "note verbale 2024/77",
            ],
        ),
        (
            "2024-12-02T09:00:00Z",
            &[
                "record",
                "write-off",
                "--pledge",
                "4",
                "--amount",
                "10000",
                "--date",
                "2024-11-30",
                "--reason",
                "Controller's approval 2024/12",
            ],
        ),
        (
            "2024-12-02T09:01:00Z",
            &[
                "record",
                "refund",
                "--donor",
                "DEU",
                "--mandate",
                "coordination",
                "--amount",
                "5000",
                "--currency",
                "USD",
                "--date",
                "2024-06-30",
                "--prior-period",
            ],
        ),
        (
            "2024-12-02T09:02:00Z",
            &[
                "record",
                "pledge",
                "--donor",
                "JPN",
                "--mandate",
                "icat",
                "--amount",
                "50000",
                "--currency",
                "USD",
                "--date",
                "2024-07-01",
            ],
        ),
        (
            "2024-12-02T09:03:00Z",
            &[
                "record",
                "payment",
                "--donor",
                "JPN",
                "--mandate",
                "icat",
                "--amount",
                "20000",
                "--currency",
                "USD",
                "--date",
                "2024-09-01",
                "--pledge",
                "10",
            ],
        ),
    ];
    for (now, args) in steps {
        t.set_now(now);
        t.ok(args);
    }
    t
}

#[test]
fn donors_and_mandates_of_2024_agree_with_the_hand_calculation() {
    let t = opening_ledger();
    let v = json(&t, &["donors", "--year", "2024"]);
    // DEU pledged: #5 100,000 EUR / 0.80 = 125,000.00, less the reduction #7 at the
    //   rate #4 was counted at (its opening date, 0.80): 30,000 / 0.80 = 37,500.00
    //   -> 87,500.00. The opening pledge #4 itself is never pledged in a period.
    // DEU paid: #6 120,000 EUR / 0.90 = 133,333.33, less the prior-period refund
    //   #9 5,000.00 -> 128,333.33 (coordination is special-purpose).
    // DEU outstanding on 2024-12-31 at 0.75: #4 40,000 EUR = 53,333.33 and
    //   #5 100,000 EUR = 133,333.33 -> 186,666.66.
    // DEU written off: #8 10,000 EUR at its own date's rate 0.75 = 13,333.33.
    // JPN: pledged 50,000.00, paid 20,000.00, outstanding 30,000.00.
    assert_eq!(
        v["rows"],
        json!([
            {"donor": "DEU", "name": "Germany", "pledged": "87500.00", "paid": "128333.33",
             "outstanding": "186666.66", "paid_unearmarked": "0.00", "paid_earmarked": "128333.33",
             "reduced": "37500.00", "written_off": "13333.33", "in_kind": "0.00", "current": "186666.66", "non_current": "0.00", "conditional": "0.00"},
            {"donor": "JPN", "name": "Japan", "pledged": "50000.00", "paid": "20000.00",
             "outstanding": "30000.00", "paid_unearmarked": "0.00", "paid_earmarked": "20000.00",
             "reduced": "0.00", "written_off": "0.00", "in_kind": "0.00", "current": "30000.00", "non_current": "0.00", "conditional": "0.00"}
        ])
    );
    let totals = json!({"pledged": "137500.00", "paid": "148333.33", "outstanding": "216666.66",
                        "paid_unearmarked": "0.00", "paid_earmarked": "148333.33",
                        "reduced": "37500.00", "written_off": "13333.33", "in_kind": "0.00", "current": "216666.66", "non_current": "0.00", "conditional": "0.00"});
    assert_eq!(v["totals"], totals);
    assert_only_stale_rates(&v["warnings"]);
    let m = json(&t, &["mandates", "--year", "2024"]);
    assert_eq!(m["totals"], totals);
    assert_eq!(m["rows"][0]["mandate"], "coordination");
    assert_eq!(m["rows"][0]["pledged"], "87500.00");
    assert_eq!(m["rows"][0]["reduced"], "37500.00");
    assert_eq!(m["rows"][1]["mandate"], "icat");
    // The books balance: opening 200,000 + pledged 100,000 - reduced 30,000
    // = settled 120,000 + written off 10,000 + outstanding 140,000 (EUR).
}

#[test]
fn quarterly_q3_2024_agrees_with_the_hand_calculation() {
    let t = opening_ledger();
    let v = json(&t, &["quarterly", "--year", "2024", "--quarter", "3"]);
    // Pledged in Q3: #10 50,000.00 - reduction #7 37,500.00 = 12,500.00.
    // Paid in Q3: #11 20,000.00.
    // Year to date: pledged 125,000.00 - 37,500.00 + 50,000.00 = 137,500.00;
    //   paid 133,333.33 - 5,000.00 + 20,000.00 = 148,333.33.
    // Outstanding on 2024-09-30 at 0.90: #4 50,000 EUR = 55,555.56, #5 100,000 EUR
    //   = 111,111.11, #10 30,000.00 -> 196,666.67.
    assert_eq!(
        v["totals"],
        json!({"pledged_quarter": "12500.00", "paid_quarter": "20000.00",
               "pledged_year_to_date": "137500.00", "paid_year_to_date": "148333.33",
               "outstanding": "196666.67",
               "reduced_quarter": "37500.00", "written_off_quarter": "0.00",
               "reduced_year_to_date": "37500.00", "written_off_year_to_date": "0.00",
               "current": "196666.67", "non_current": "0.00", "conditional": "0.00"})
    );
    // Q3 2023 lies before the opening date: nothing, and no EUR rate of 2023 needed.
    assert_eq!(
        v["prior_year"],
        json!({"pledged_quarter": "0.00", "paid_quarter": "0.00",
               "pledged_year_to_date": "0.00", "paid_year_to_date": "0.00",
               "outstanding": "0.00",
               "reduced_quarter": "0.00", "written_off_quarter": "0.00",
               "reduced_year_to_date": "0.00", "written_off_year_to_date": "0.00",
               "current": "0.00", "non_current": "0.00", "conditional": "0.00"})
    );
    // #4 ages from its original due date: 2021-12-31 to 2024-09-30 is 365 + 365 +
    // 274 = 1,004 days; 50,000 EUR at 0.90 = 55,555.56.
    assert_eq!(
        v["overdue"],
        json!([{"seq": 4, "donor": "DEU", "mandate": "coordination", "due": "2021-12-31",
                "days_overdue": 1004, "bucket": "over 365", "currency": "EUR",
                "outstanding_in_currency": "50000.00", "outstanding": "55555.56",
                "pledged_on": "2020-03-01", "days_since_pledge": 1674}])
    );
    // Exchange differences: #4 from its opening-date value, 50,000 / 0.80 = 62,500.00,
    // to 55,555.56 (-6,944.44); #5 from 100,000 / 0.80 = 125,000.00 to 111,111.11
    // (-13,888.89).
    assert_eq!(
        v["exchange_differences"],
        json!([
            {"seq": 4, "donor": "DEU", "currency": "EUR", "outstanding_in_currency": "50000.00",
             "at_pledge_rate": "62500.00", "at_closing_rate": "55555.56", "difference": "-6944.44"},
            {"seq": 5, "donor": "DEU", "currency": "EUR", "outstanding_in_currency": "100000.00",
             "at_pledge_rate": "125000.00", "at_closing_rate": "111111.11", "difference": "-13888.89"}
        ])
    );
    // Only rates from 2024-01-01 on were used.
    assert_eq!(
        v["rates"]["used"],
        json!([{"currency": "EUR", "effective": "2024-01-01", "per_usd": "0.8"},
               {"currency": "EUR", "effective": "2024-04-01", "per_usd": "0.9"}])
    );
    // Q1 of the first year needs nothing before the opening date either.
    json(&t, &["quarterly", "--year", "2024", "--quarter", "1"]);
}

#[test]
fn statement_of_germany_lists_the_opening_reduction_write_off_and_refund() {
    let t = opening_ledger();
    let v = json(&t, &["statement", "--donor", "DEU"]);
    // The donor's span starts on the opening date, not the 2020 pledge date.
    assert_eq!(
        v["period"],
        json!({"from": "2024-01-01", "to": "2024-11-30"})
    );
    let lines: Vec<(u64, &str, &str, &str, &str)> = v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["seq"].as_u64().unwrap(),
                l["date"].as_str().unwrap(),
                l["kind"].as_str().unwrap(),
                l["amount"].as_str().unwrap(),
                l["usd"].as_str().unwrap(),
            )
        })
        .collect();
    // #4 carried in at 200,000 / 0.80 = 250,000.00; #5 100,000 / 0.80; #6 120,000 /
    // 0.90; #9 5,000 USD; #7 30,000 / 0.80 (the opening-date rate); #8 10,000 / 0.75.
    assert_eq!(
        lines,
        vec![
            (4, "2024-01-01", "opening-pledge", "200000.00", "250000.00"),
            (5, "2024-02-01", "pledge", "100000.00", "125000.00"),
            (6, "2024-05-10", "payment", "120000.00", "133333.33"),
            (9, "2024-06-30", "refund", "5000.00", "5000.00"),
            (7, "2024-08-15", "reduction", "30000.00", "37500.00"),
            (8, "2024-11-30", "write-off", "10000.00", "13333.33"),
        ]
    );
    let l = &v["lines"];
    assert_eq!(
        l[0]["reason"],
        "carried in from a pledge of 500,000.00 EUR made 2020-03-01"
    );
    assert_eq!(l[0]["outstanding"], "200000.00");
    assert_eq!(
        l[2]["settled"],
        json!([{"pledge": 4, "currency": "EUR", "amount": "120000.00", "outstanding": "80000.00"}])
    );
    assert!(
        l[3]["reason"]
            .as_str()
            .unwrap()
            .starts_with("prior-period refund")
    );
    assert_eq!(l[4]["reason"], "note verbale 2024/77");
    assert_eq!(l[4]["outstanding"], "50000.00");
    assert_eq!(l[5]["reason"], "Controller's approval 2024/12");
    assert_eq!(l[5]["outstanding"], "40000.00");
    // Totals to 2024-11-30 (closing rate 0.75): outstanding 40,000 + 100,000 EUR
    // = 53,333.33 + 133,333.33 = 186,666.66.
    assert_eq!(
        v["totals"],
        json!({"pledged": "87500.00", "paid": "128333.33", "refunded": "5000.00",
               "written_off": "13333.33", "outstanding": "186666.66", "reduced": "37500.00",
               "received": "133333.33", "net_paid": "128333.33", "in_kind": "0.00"})
    );
    // In EUR: pledged 100,000 - 30,000 reduced = 70,000; opening 200,000;
    // 70,000 + 200,000 = settled 120,000 + written off 10,000 + outstanding 140,000.
    assert_eq!(
        v["balances"],
        json!([
            {"currency": "EUR", "pledged": "70000.00", "payments": "120000.00", "refunds": "0.00",
             "settled": "120000.00", "unpledged": "0.00", "written_off": "10000.00",
             "outstanding": "140000.00", "reduced": "30000.00", "opening": "200000.00",
             "net_paid": "120000.00", "settled_by_other_currencies": "0.00",
             "paid_for_other_currencies": "0.00"},
            {"currency": "USD", "pledged": "0.00", "payments": "0.00", "refunds": "5000.00",
             "settled": "0.00", "unpledged": "0.00", "written_off": "0.00",
             "outstanding": "0.00", "reduced": "0.00", "opening": "0.00",
             "net_paid": "-5000.00", "settled_by_other_currencies": "0.00",
             "paid_for_other_currencies": "0.00"}
        ])
    );
}

#[test]
fn a_period_before_the_opening_date_is_flagged() {
    let t = opening_ledger();
    let warning = "The ledger holds no figures before 2024-01-01";
    for report in ["donors", "mandates", "statement"] {
        let mut args = vec![report, "--from", "2023-07-01", "--to", "2024-12-31"];
        if report == "statement" {
            args.extend(["--donor", "DEU"]);
        }
        let v: Value = json(&t, &args);
        assert!(
            v["warnings"][0].as_str().unwrap().starts_with(warning),
            "{report}: {}",
            v["warnings"]
        );
        let mut a = vec!["report"];
        a.extend(&args);
        assert!(
            t.ok(&a).contains(&format!("Warning:   {warning}")),
            "{report}"
        );
    }
    let q = json(&t, &["quarterly", "--year", "2023", "--quarter", "4"]);
    assert!(q["warnings"][0].as_str().unwrap().starts_with(warning));
    // From the opening date on, nothing to say.
    let v = json(&t, &["donors", "--year", "2024"]);
    assert_only_stale_rates(&v["warnings"]);
}

#[test]
fn every_report_in_every_format() {
    let t = opening_ledger();
    let reports: [(&str, &[&str]); 4] = [
        (
            "quarterly",
            &["quarterly", "--year", "2024", "--quarter", "3"],
        ),
        ("donors", &["donors", "--year", "2024"]),
        ("mandates", &["mandates", "--year", "2024"]),
        ("statement", &["statement", "--donor", "DEU"]),
    ];
    for (name, args) in reports {
        for f in FORMATS {
            let mut a = vec!["report"];
            a.extend_from_slice(args);
            a.extend_from_slice(&["--format", f]);
            let out = t.ok(&a);
            insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
                insta::assert_snapshot!(format!("report_opening_{name}_{f}"), out);
            });
        }
    }
}

/// No warning but the stale rates this ledger's two-monthly EUR rates earn (a figure
/// of May at the rate of April 1st, say).
fn assert_only_stale_rates(w: &Value) {
    let w = w.as_array().expect("warnings");
    assert!(
        w.iter()
            .all(|x| x.as_str().is_some_and(|x| x.starts_with("Stale rate: EUR"))),
        "{w:?}"
    );
}
