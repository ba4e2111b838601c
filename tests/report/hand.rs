//! Every report of the hand-checked ledger (see `hand_ledger`), its figures worked
//! out by hand in the comments.

use serde_json::{Value, json};

use super::{hand_ledger, json};

/// The head of the hand ledger: its 15 entries and the hash of #15.
fn head(t: &crate::util::Test) -> Value {
    let v = json(t, &["donors"]);
    assert_eq!(v["ledger"]["entries"], 15);
    v["ledger"].clone()
}

#[test]
fn quarterly_q3_2009_agrees_with_the_hand_calculation() {
    let t = hand_ledger();
    let v = json(&t, &["quarterly", "--year", "2009", "--quarter", "3"]);
    assert_eq!(v["report"], "quarterly");
    assert_eq!(v["ledger"], head(&t));
    assert_eq!(
        v["period"],
        json!({"from": "2009-07-01", "to": "2009-09-30"})
    );
    assert_eq!(v["as_of"], Value::Null);
    assert_eq!(v["currency"], "USD");
    // Pledged in Q3: #10 NOR 20,000 (the 2,000 of #8 was reversed by #9)   = 20,000.00
    // Paid in Q3: #11 10,000 + #12 30,000 EUR / 0.75 = 40,000.00
    //             + #13 15,000 - #15 refund 1,000                         = 64,000.00
    // Pledged 2009: #4 100,000 + #5 80,000 EUR / 0.80 = 100,000 + #10 20,000 = 220,000.00
    // Paid 2009: #6 40,000 + Q3 64,000                                     = 104,000.00
    // Outstanding 2009-09-30 at the closing rate 0.75:
    //   #4 100,000 - 40,000 (#6, oldest open pledge) - 10,000 (#11)       =  50,000.00
    //   #5 (80,000 - 30,000) EUR / 0.75 = 66,666.666... rounded            =  66,666.67
    //   #10 20,000 - write-off 5,000                                       =  15,000.00
    //   total                                                              = 131,666.67
    assert_eq!(
        v["totals"],
        json!({"pledged_quarter": "20000.00", "paid_quarter": "64000.00",
               "pledged_year_to_date": "220000.00", "paid_year_to_date": "104000.00",
               "outstanding": "131666.67",
               // The write-off #14 of 5,000 USD in the quarter; no reductions.
               "reduced_quarter": "0.00", "written_off_quarter": "5000.00",
               "reduced_year_to_date": "0.00", "written_off_year_to_date": "5000.00",
               "current": "131666.67", "non_current": "0.00", "conditional": "0.00"})
    );
    // Q3 2008: #1 pledged 50,000 and #2 paid it; nothing outstanding.
    assert_eq!(
        v["prior_year"],
        json!({"pledged_quarter": "50000.00", "paid_quarter": "50000.00",
               "pledged_year_to_date": "50000.00", "paid_year_to_date": "50000.00",
               "outstanding": "0.00",
               "reduced_quarter": "0.00", "written_off_quarter": "0.00",
               "reduced_year_to_date": "0.00", "written_off_year_to_date": "0.00",
               "current": "0.00", "non_current": "0.00", "conditional": "0.00"})
    );
    // (20,000 - 50,000) / 50,000 = -60 %; (64,000 - 50,000) / 50,000 = 28 %;
    // (220,000 - 50,000) / 50,000 = 340 %; (104,000 - 50,000) / 50,000 = 108 %.
    assert_eq!(
        v["change_percent"],
        json!({"pledged_quarter": "-60.0", "paid_quarter": "28.0",
               "pledged_year_to_date": "340.0", "paid_year_to_date": "108.0",
               "outstanding": null,
               "reduced_quarter": null, "written_off_quarter": null,
               "reduced_year_to_date": null, "written_off_year_to_date": null,
               "current": null, "non_current": null, "conditional": null})
    );
    // Sorted by paid: DEU 40,000, SWE 14,000, JPN 10,000, NOR 0.
    let donors: Vec<(&str, &str, &str, &str)> = v["by_donor"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["donor"].as_str().unwrap(),
                r["pledged"].as_str().unwrap(),
                r["paid"].as_str().unwrap(),
                r["outstanding"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        donors,
        vec![
            ("DEU", "0.00", "40000.00", "66666.67"),
            ("SWE", "0.00", "14000.00", "0.00"),
            ("JPN", "0.00", "10000.00", "50000.00"),
            ("NOR", "20000.00", "0.00", "15000.00"),
        ]
    );
    assert_eq!(
        v["by_donor"][0],
        json!({"donor": "DEU", "name": "Germany", "pledged": "0.00", "paid": "40000.00",
               "outstanding": "66666.67", "paid_unearmarked": "40000.00", "paid_earmarked": "0.00",
               "reduced": "0.00", "written_off": "0.00", "in_kind": "0.00", "current": "66666.67", "non_current": "0.00", "conditional": "0.00"})
    );
    let mandates: Vec<(&str, &str, &str)> = v["by_mandate"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["mandate"].as_str().unwrap(),
                r["earmarking"].as_str().unwrap(),
                r["paid"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        mandates,
        vec![
            ("general-purpose", "unearmarked", "40000.00"),
            ("victim-assistance", "earmarked", "14000.00"),
            ("coordination", "softly-earmarked", "10000.00"),
            ("icat", "earmarked", "0.00"),
        ]
    );
    // GP is DEU's 40,000 (general-purpose is unearmarked); SP 10,000 + 14,000 = 24,000.
    // Shares 40/64 = 62.5 %, 24/64 = 37.5 %; year to date 40/104 = 38.46 %, 64/104 = 61.54 %.
    assert_eq!(
        v["gp_sp"],
        json!({
            "quarter": {"general_purpose": "40000.00", "special_purpose": "24000.00",
                        "general_purpose_share": "62.5", "special_purpose_share": "37.5"},
            "year_to_date": {"general_purpose": "40000.00", "special_purpose": "64000.00",
                        "general_purpose_share": "38.5", "special_purpose_share": "61.5"}
        })
    );
    // Overdue at 2009-09-30: #4 due 2009-06-30, 92 days, 50,000; #10 due 2009-09-15,
    // 15 days, 15,000. #5 is due 2009-12-31: not overdue.
    assert_eq!(
        v["overdue"],
        json!([
            {"seq": 4, "donor": "JPN", "mandate": "coordination", "due": "2009-06-30",
             "days_overdue": 92, "bucket": "91-365", "currency": "USD",
             "outstanding_in_currency": "50000.00", "outstanding": "50000.00",
             "pledged_on": "2009-02-10", "days_since_pledge": 232},
            {"seq": 10, "donor": "NOR", "mandate": "icat", "due": "2009-09-15",
             "days_overdue": 15, "bucket": "1-90", "currency": "USD",
             "outstanding_in_currency": "15000.00", "outstanding": "15000.00",
             "pledged_on": "2009-07-15", "days_since_pledge": 77}
        ])
    );
    assert_eq!(
        v["ageing"][2],
        json!({"bucket": "over 365", "pledges": 0, "outstanding": "0.00"})
    );
    // #5: 50,000 EUR outstanding; at the pledge-date rate 0.80 = 62,500.00, at the
    // closing rate 0.75 = 66,666.67: an unrealised gain of 4,166.67.
    assert_eq!(
        v["exchange_differences"],
        json!([{"seq": 5, "donor": "DEU", "currency": "EUR", "outstanding_in_currency": "50000.00",
                "at_pledge_rate": "62500.00", "at_closing_rate": "66666.67", "difference": "4166.67"}])
    );
    // Year to date paid: JPN 50,000 (48.08 %), DEU 40,000 (38.46 %), SWE 14,000 (13.46 %).
    let largest: Vec<(&str, &str, &str)> = v["largest_donors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["donor"].as_str().unwrap(),
                r["paid_year_to_date"].as_str().unwrap(),
                r["share"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        largest,
        vec![
            ("JPN", "50000.00", "48.1"),
            ("DEU", "40000.00", "38.5"),
            ("SWE", "14000.00", "13.5"),
            ("NOR", "0.00", "0.0"),
        ]
    );
    assert_eq!(
        v["rates"],
        json!({"source": "UN operational rates of exchange",
               "closing": [{"currency": "EUR", "effective": "2009-07-01", "per_usd": "0.75"}],
               "used": [
            {"currency": "EUR", "effective": "2009-01-01", "per_usd": "0.8"},
            {"currency": "EUR", "effective": "2009-07-01", "per_usd": "0.75"}]})
    );
    assert_eq!(
        v["quarters"][3],
        json!({"quarter": "2008-Q3", "pledged": "50000.00", "paid": "50000.00"})
    );
    assert_eq!(
        v["quarters"][5],
        json!({"quarter": "2009-Q1", "pledged": "200000.00", "paid": "0.00"})
    );
}

#[test]
fn donors_and_mandates_for_2009() {
    let t = hand_ledger();
    let v = json(&t, &["donors", "--year", "2009"]);
    assert_eq!(
        v["period"],
        json!({"from": "2009-01-01", "to": "2009-12-31"})
    );
    // Outstanding at 2009-12-31 uses the EUR rate in force then (0.75, from 2009-07-01).
    assert_eq!(
        v["rows"],
        json!([
            {"donor": "JPN", "name": "Japan", "pledged": "100000.00", "paid": "50000.00",
             "outstanding": "50000.00", "paid_unearmarked": "0.00", "paid_earmarked": "50000.00",
             "reduced": "0.00", "written_off": "0.00", "in_kind": "0.00", "current": "50000.00", "non_current": "0.00", "conditional": "0.00"},
            {"donor": "DEU", "name": "Germany", "pledged": "100000.00", "paid": "40000.00",
             "outstanding": "66666.67", "paid_unearmarked": "40000.00", "paid_earmarked": "0.00",
             "reduced": "0.00", "written_off": "0.00", "in_kind": "0.00", "current": "66666.67", "non_current": "0.00", "conditional": "0.00"},
            {"donor": "SWE", "name": "Sweden", "pledged": "0.00", "paid": "14000.00",
             "outstanding": "0.00", "paid_unearmarked": "0.00", "paid_earmarked": "14000.00",
             "reduced": "0.00", "written_off": "0.00", "in_kind": "0.00", "current": "0.00", "non_current": "0.00", "conditional": "0.00"},
            {"donor": "NOR", "name": "Norway", "pledged": "20000.00", "paid": "0.00",
             "outstanding": "15000.00", "paid_unearmarked": "0.00", "paid_earmarked": "0.00",
             "reduced": "0.00", "written_off": "5000.00", "in_kind": "0.00", "current": "15000.00", "non_current": "0.00", "conditional": "0.00"}
        ])
    );
    let totals = json!({"pledged": "220000.00", "paid": "104000.00", "outstanding": "131666.67",
                        "paid_unearmarked": "40000.00", "paid_earmarked": "64000.00",
                        "reduced": "0.00", "written_off": "5000.00", "in_kind": "0.00", "current": "131666.67", "non_current": "0.00", "conditional": "0.00"});
    assert_eq!(v["totals"], totals);
    let m = json(&t, &["mandates", "--year", "2009"]);
    assert_eq!(m["totals"], totals);
    assert_eq!(
        m["rows"][0],
        json!({"mandate": "coordination", "name": m["rows"][0]["name"], "earmarking": "softly-earmarked",
               "fund": "CPCJF",
               "pledged": "100000.00", "paid": "50000.00", "outstanding": "50000.00",
               "paid_unearmarked": "0.00", "paid_earmarked": "50000.00",
               "reduced": "0.00", "written_off": "0.00", "in_kind": "0.00", "current": "50000.00", "non_current": "0.00", "conditional": "0.00"})
    );
    // With no period: the whole ledger, first to last value date.
    let all = json(&t, &["donors"]);
    assert_eq!(
        all["period"],
        json!({"from": "2008-08-01", "to": "2009-09-25"})
    );
    // 50,000 (2008) + 220,000 pledged; 50,000 + 104,000 paid.
    assert_eq!(all["totals"]["pledged"], "270000.00");
    assert_eq!(all["totals"]["paid"], "154000.00");
}

#[test]
fn statement_of_japan_by_name() {
    let t = hand_ledger();
    let v = json(&t, &["statement", "--donor", "japan"]);
    assert_eq!(v["donor"], "JPN");
    let lines: Vec<(u64, &str, &str)> = v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["seq"].as_u64().unwrap(),
                l["kind"].as_str().unwrap(),
                l["date"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            (1, "pledge", "2008-08-01"),
            (2, "payment", "2008-09-01"),
            (4, "pledge", "2009-02-10"),
            (6, "payment", "2009-04-15"),
            (11, "payment", "2009-08-01"),
        ]
    );
    // #6 names no pledge: it settles JPN's oldest open coordination pledge, #4.
    assert_eq!(
        v["lines"][3]["settled"],
        json!([{"pledge": 4, "currency": "USD", "amount": "40000.00", "outstanding": "60000.00"}])
    );
    assert_eq!(
        v["lines"][4]["settled"],
        json!([{"pledge": 4, "currency": "USD", "amount": "10000.00", "outstanding": "50000.00"}])
    );
    assert_eq!(
        v["totals"],
        json!({"pledged": "150000.00", "paid": "100000.00", "refunded": "0.00",
               "written_off": "0.00", "outstanding": "50000.00", "reduced": "0.00",
               "received": "100000.00", "net_paid": "100000.00", "in_kind": "0.00"})
    );
}

#[test]
fn statement_shows_reversal_write_off_unpledged_and_refund() {
    let t = hand_ledger();
    let nor = json(&t, &["statement", "--donor", "Norway"]);
    let kinds: Vec<(u64, &str)> = nor["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["seq"].as_u64().unwrap(), l["kind"].as_str().unwrap()))
        .collect();
    // #8 and #10 share a value date; the reversal #9 is listed on its recording day.
    assert_eq!(
        kinds,
        vec![
            (8, "pledge"),
            (10, "pledge"),
            (9, "reversal"),
            (14, "write-off")
        ]
    );
    assert_eq!(nor["lines"][0]["reversed_by"], 9);
    assert_eq!(nor["lines"][0]["usd"], Value::Null);
    assert_eq!(nor["lines"][2]["entry"], 8);
    assert_eq!(nor["lines"][3]["outstanding"], "15000.00");
    // Whole ledger ends 2009-09-25: 20,000 pledged, 5,000 written off, 15,000 left.
    assert_eq!(
        nor["totals"],
        json!({"pledged": "20000.00", "paid": "0.00", "refunded": "0.00",
               "written_off": "5000.00", "outstanding": "15000.00", "reduced": "0.00",
               "received": "0.00", "net_paid": "0.00", "in_kind": "0.00"})
    );
    let swe = json(&t, &["statement", "--donor", "SWE"]);
    assert_eq!(swe["lines"][0]["unpledged"], "15000.00");
    // Paid is 15,000 received minus the 1,000 refunded.
    assert_eq!(
        swe["totals"],
        json!({"pledged": "0.00", "paid": "14000.00", "refunded": "1000.00",
               "written_off": "0.00", "outstanding": "0.00", "reduced": "0.00",
               "received": "15000.00", "net_paid": "14000.00", "in_kind": "0.00"})
    );
    assert_eq!(
        swe["balances"],
        json!([{"currency": "USD", "pledged": "0.00", "payments": "15000.00", "refunds": "1000.00",
                "settled": "0.00", "unpledged": "15000.00", "written_off": "0.00", "outstanding": "0.00",
                "reduced": "0.00", "opening": "0.00", "net_paid": "14000.00",
                "settled_by_other_currencies": "0.00", "paid_for_other_currencies": "0.00"}])
    );
    let deu = json(&t, &["statement", "--donor", "DEU", "--year", "2009"]);
    // #12 is 30,000 EUR naming #5: it settles 30,000 EUR; USD at 0.75 = 40,000.00.
    assert_eq!(deu["lines"][1]["usd"], "40000.00");
    assert_eq!(
        deu["lines"][1]["settled"],
        json!([{"pledge": 5, "currency": "EUR", "amount": "30000.00", "outstanding": "50000.00"}])
    );
}

#[test]
fn as_of_reproduces_the_report_made_before_later_entries() {
    let mut t = hand_ledger();
    let args = [
        "report",
        "quarterly",
        "--year",
        "2009",
        "--quarter",
        "3",
        "--format",
        "json",
    ];
    let mut with_as_of = args.to_vec();
    with_as_of.extend_from_slice(&["--as-of", "2009-10-15"]);
    t.set_now("2009-10-15T12:00:00Z");
    let before = t.ok(&args);
    let before_as_of = t.ok(&with_as_of);
    // Later: a Q3 payment recorded late, and a Q4 payment.
    t.set_now("2009-10-20T09:00:00Z");
    t.ok(&[
        "record",
        "payment",
        "--donor",
        "NOR",
        "--mandate",
        "icat",
        "--amount",
        "5000",
        "--currency",
        "USD",
        "--date",
        "2009-09-28",
    ]);
    t.ok(&[
        "record",
        "payment",
        "--donor",
        "DEU",
        "--mandate",
        "general-purpose",
        "--amount",
        "8000",
        "--currency",
        "EUR",
        "--date",
        "2009-10-05",
    ]);
    let after = t.ok(&args);
    assert_ne!(before, after);
    let replay = t.ok(&with_as_of);
    // Byte for byte the report made then, with the same parameters.
    assert_eq!(before_as_of, replay);
    // The same figures and ledger block; only as_of is now named.
    let (b, r): (Value, Value) = (
        serde_json::from_str(&before).unwrap(),
        serde_json::from_str(&replay).unwrap(),
    );
    assert_eq!(r["as_of"], "2009-10-15T23:59:59Z");
    let mut r2 = r.clone();
    r2["as_of"] = Value::Null;
    assert_eq!(b, r2);
    let a: Value = serde_json::from_str(&after).unwrap();
    assert_eq!(a["ledger"]["entries"], 17);
    // #16: NOR's 5,000 settles #10: Q3 paid 64,000 + 5,000; outstanding 131,666.67 - 5,000.
    assert_eq!(a["totals"]["paid_quarter"], "69000.00");
    assert_eq!(a["totals"]["outstanding"], "126666.67");
}
