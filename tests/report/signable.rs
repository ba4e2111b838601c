//! Figures a finance officer can sign: the settlement rule for unnamed payments that
//! match one pledge, overdue pledges with small balances and undated pledges set
//! apart, both rankings of the largest donors, statements that reconcile in each
//! currency and in USD, and rates that are current.

use rust_decimal::Decimal;
use serde_json::Value;

use super::demo::demo;
use crate::util::Test;

fn json(t: &Test, args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.extend_from_slice(&["--format", "json"]);
    serde_json::from_str(&demo(t, &a)).expect("JSON")
}

fn dec(v: &Value) -> Decimal {
    v.as_str().expect("amount string").parse().expect("decimal")
}

#[test]
fn an_unnamed_payment_equal_to_one_pledge_settles_that_pledge() {
    let t = Test::new();
    let s = json(&t, &["report", "statement", "--donor", "CAN"]);
    let line = |seq: u64| {
        s["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .find(|l| l["seq"] == seq)
            .cloned()
            .expect("line")
    };
    // #500 (325,000.00 USD, no pledge named) is exactly what #464 still owes.
    let settled = &line(500)["settled"];
    assert_eq!(settled.as_array().map(Vec::len), Some(1), "{settled}");
    assert_eq!(settled[0]["pledge"], 464);
    assert_eq!(settled[0]["amount"], "325000.00");
    // So the 2008 pledge #27 stays in arrears.
    let q = json(
        &t,
        &["report", "quarterly", "--year", "2011", "--quarter", "2"],
    );
    let rows = q["overdue"].as_array().expect("overdue");
    let can27 = rows.iter().find(|r| r["seq"] == 27).expect("#27 overdue");
    assert_eq!(can27["days_overdue"], 1003);
    assert_eq!(can27["bucket"], "over 365");
    assert_eq!(can27["outstanding"], "190000.00");
    assert!(rows.iter().all(|r| r["seq"] != 464), "#464 is paid");
}

#[test]
fn a_payment_matching_two_pledges_still_settles_the_oldest_first() {
    let t = Test::init();
    for args in [
        "record pledge --donor JPN --mandate coordination --amount 100 --currency USD --date 2009-01-01",
        "record pledge --donor JPN --mandate coordination --amount 50 --currency USD --date 2009-02-01",
        "record pledge --donor JPN --mandate coordination --amount 50 --currency USD --date 2009-03-01",
        "record payment --donor JPN --mandate coordination --amount 50 --currency USD --date 2009-04-01",
    ] {
        t.ok(args);
    }
    let s: Value =
        serde_json::from_str(&t.ok("report statement --donor JPN --format json")).expect("JSON");
    let pay = &s["lines"].as_array().expect("lines")[3];
    assert_eq!(pay["seq"], 4);
    assert_eq!(pay["settled"][0]["pledge"], 1, "{pay}");
}

/// A payment and its refund each worth less than a cent: paid nets to zero, and
/// zero prints as 0.00 in every format, never "-0.00" (a sum of zeros can carry the
/// refund's sign).
#[test]
fn a_sum_of_amounts_under_a_cent_prints_as_zero_not_minus_zero() {
    let t = Test::init();
    for args in [
        "record rate --currency KWD --per-usd 0.3 --date 2009-01-01",
        "record pledge --donor KWT --mandate icat --amount 1 --currency KWD --date 2009-02-01",
        "record payment --donor KWT --mandate icat --amount 0.001 --currency KWD --date 2009-03-01",
        "record refund --donor KWT --mandate icat --amount 0.001 --currency KWD --date 2009-03-02",
    ] {
        t.ok(args);
    }
    let period = "--from 2009-01-01 --to 2009-03-31";
    let csv = t.ok(format!("report donors {period} --format csv").as_str());
    assert_eq!(
        csv.lines().nth(1),
        Some("KWT,Kuwait,3.33,0.00,3.33,3.33,0.00,0.00,0.00,0.00,0.00,0.00")
    );
    for format in ["table", "json", "markdown", "html"] {
        let out = t.ok(format!("report donors {period} --format {format}").as_str());
        assert!(!out.contains("-0.00"), "{format}:\n{out}");
    }
}

#[test]
fn small_balances_are_set_apart_from_the_overdue_and_the_ageing() {
    let t = Test::new();
    let q = json(
        &t,
        &["report", "quarterly", "--year", "2011", "--quarter", "2"],
    );
    let small = q["small_balances"].as_array().expect("small balances");
    assert_eq!(small.len(), 16);
    assert_eq!(q["small_balances_total"]["pledges"], 16);
    assert_eq!(q["small_balance_tolerance"], "100.00");
    let deu36 = small.iter().find(|r| r["seq"] == 36).expect("#36");
    assert_eq!(deu36["outstanding_in_currency"], "33.24");
    let total: Decimal = small.iter().map(|r| dec(&r["outstanding"])).sum();
    assert_eq!(dec(&q["small_balances_total"]["outstanding"]), total);
    let overdue = q["overdue"].as_array().expect("overdue");
    assert!(
        overdue
            .iter()
            .all(|r| dec(&r["outstanding"]) > Decimal::ONE_HUNDRED)
    );
    assert_eq!(
        q["ageing_total"]["pledges"].as_u64(),
        Some(overdue.len() as u64)
    );
    // --tolerance 0 sets nothing apart: 40 overdue pledges (41 under the old
    // settlement rule, which left #464 open instead of #27).
    let all = json(
        &t,
        &[
            "report",
            "quarterly",
            "--year",
            "2011",
            "--quarter",
            "2",
            "--tolerance",
            "0",
        ],
    );
    assert_eq!(all["overdue"].as_array().map(Vec::len), Some(40));
    assert_eq!(all["small_balances"].as_array().map(Vec::len), Some(0));
    // The table says what they are.
    let table = demo(
        &t,
        &[
            "report",
            "quarterly",
            "--year",
            "2011",
            "--quarter",
            "2",
            "--table",
            "small-balances",
        ],
    );
    assert!(table.contains("likely bank charges"), "{table}");
    // A bad tolerance names the flag.
    let path = super::demo::demo_path();
    let o = t.fails(
        &[
            "--ledger",
            &path,
            "report",
            "quarterly",
            "--year",
            "2011",
            "--quarter",
            "2",
            "--tolerance",
            "-5",
        ],
        2,
    );
    assert_eq!(
        o.stderr,
        "error: --tolerance: \"-5\" is not an amount in USD (e.g. 100 or 25.50; 0 lists no small balances apart)\n"
    );
}

#[test]
fn a_pledge_without_a_due_date_is_overdue_once_over_a_year_old() {
    let t = Test::init();
    t.ok(
        "record pledge --donor NOR --mandate icat --amount 20000 --currency USD --date 2009-01-15",
    );
    t.ok("record pledge --donor NOR --mandate icat --amount 5000 --currency USD --date 2009-12-01");
    let q: Value =
        serde_json::from_str(&t.ok("report quarterly --year 2010 --quarter 1 --format json"))
            .expect("JSON");
    let rows = q["overdue"].as_array().expect("overdue");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["seq"], 1);
    assert_eq!(rows[0]["bucket"], "no due date, pledged over a year ago");
    assert_eq!(rows[0]["due"], Value::Null);
    assert_eq!(rows[0]["days_since_pledge"], 440);
    let bucket = q["ageing"]
        .as_array()
        .expect("ageing")
        .iter()
        .find(|a| a["bucket"] == "no due date, pledged over a year ago")
        .cloned()
        .expect("bucket");
    assert_eq!(bucket["pledges"], 1);
    assert_eq!(bucket["outstanding"], "20000.00");
}

#[test]
fn largest_donors_are_ranked_by_pledged_and_by_paid() {
    let t = Test::new();
    let q = json(
        &t,
        &["report", "quarterly", "--year", "2011", "--quarter", "2"],
    );
    let by_paid = q["largest_donors"].as_array().expect("by paid");
    let by_pledged = q["largest_donors_by_pledged"]
        .as_array()
        .expect("by pledged");
    assert_eq!(by_paid[0]["donor"], "USA");
    assert_eq!(by_pledged[0]["donor"], "SWE");
    for w in by_pledged.windows(2) {
        assert!(dec(&w[0]["pledged_year_to_date"]) >= dec(&w[1]["pledged_year_to_date"]));
    }
    for w in by_paid.windows(2) {
        assert!(dec(&w[0]["paid_year_to_date"]) >= dec(&w[1]["paid_year_to_date"]));
    }
    let table = demo(
        &t,
        &["report", "quarterly", "--year", "2011", "--quarter", "2"],
    );
    assert!(table.contains("Largest donors by pledged, year to date"));
    assert!(table.contains("Largest donors by paid, year to date"));
}

/// Every column of a reconciliation adds up: opening + ... = closing.
fn assert_reconciles(terms: &Value) {
    let v = |k: &str| dec(&terms[k]);
    let sum = v("opening_outstanding") + v("pledged") + v("carried_in")
        - v("reduced")
        - v("written_off")
        - v("received")
        + v("refunded")
        + v("not_applied")
        + v("paid_for_other_currencies")
        - v("settled_by_other_currencies")
        + v("exchange_difference");
    assert_eq!(sum, v("closing_outstanding"), "{terms}");
}

#[test]
fn a_statement_reconciles_in_each_currency_and_in_usd() {
    let t = Test::init();
    for args in [
        "record rate --currency EUR --per-usd 0.8 --date 2009-01-01",
        "record rate --currency EUR --per-usd 0.75 --date 2009-02-01",
        "record rate --currency EUR --per-usd 0.7 --date 2009-03-01",
        "record pledge --donor DEU --mandate coordination --amount 100000 --currency USD --date 2009-01-10",
        "record pledge --donor DEU --mandate coordination --amount 50000 --currency EUR --date 2009-01-20",
        "record payment --donor DEU --mandate coordination --amount 40000 --currency EUR --date 2009-02-15 --pledge 4",
        "record payment --donor DEU --mandate coordination --amount 20000 --currency EUR --date 2009-02-20",
        "record refund --donor DEU --mandate coordination --amount 1000 --currency EUR --date 2009-03-02",
    ] {
        t.ok(args);
    }
    let s: Value = serde_json::from_str(
        &t.ok("report statement --donor DEU --from 2009-01-15 --to 2009-03-31 --format json"),
    )
    .expect("JSON");
    let r = &s["reconciliation"];
    let eur = &r["in_currency"][0];
    let usd_col = &r["in_currency"][1];
    assert_eq!(eur["currency"], "EUR");
    assert_eq!(eur["received"], "60000.00");
    assert_eq!(eur["paid_for_other_currencies"], "40000.00");
    assert_eq!(eur["closing_outstanding"], "30000.00");
    // 40,000 EUR at 0.75 per USD settled 53,333.33 of the USD pledge.
    assert_eq!(usd_col["opening_outstanding"], "100000.00");
    assert_eq!(usd_col["settled_by_other_currencies"], "53333.33");
    assert_eq!(usd_col["closing_outstanding"], "46666.67");
    for c in r["in_currency"].as_array().expect("columns") {
        assert_reconciles(c);
        assert_eq!(c["exchange_difference"], "0.00");
    }
    assert_reconciles(&r["usd"]);
    assert_eq!(r["usd"]["closing_outstanding"], s["totals"]["outstanding"]);
    assert_ne!(r["usd"]["exchange_difference"], "0.00");
    // Received, refunded and net paid, each named.
    let totals = &s["totals"];
    assert_eq!(
        dec(&totals["net_paid"]),
        dec(&totals["received"]) - dec(&totals["refunded"])
    );
    assert_eq!(totals["net_paid"], totals["paid"]);
    let table = t.ok("report statement --donor DEU --from 2009-01-15 --to 2009-03-31");
    for words in [
        "Received",
        "Refunded",
        "Net paid (received less refunded)",
        "± Exchange difference",
        "Settled by payments in another currency",
    ] {
        assert!(table.contains(words), "{words}:\n{table}");
    }
    // The balances add up in each column: payments = settled − settled by other
    // currencies + paid for other currencies + unpledged.
    for b in s["balances"].as_array().expect("balances") {
        assert_eq!(
            dec(&b["payments"]),
            dec(&b["settled"]) - dec(&b["settled_by_other_currencies"])
                + dec(&b["paid_for_other_currencies"])
                + dec(&b["unpledged"]),
            "{b}"
        );
    }
}

#[test]
fn every_demo_statement_reconciles() {
    let t = Test::new();
    for donor in ["GBR", "FIN", "JPN", "CAN", "DEU"] {
        let s = json(&t, &["report", "statement", "--donor", donor]);
        for c in s["reconciliation"]["in_currency"].as_array().expect("cols") {
            assert_reconciles(c);
            assert!(dec(&c["exchange_difference"]).is_zero(), "{donor}: {c}");
        }
        assert_reconciles(&s["reconciliation"]["usd"]);
    }
    // The UK's exchange difference, never shown before.
    let s = json(&t, &["report", "statement", "--donor", "GBR"]);
    assert_eq!(
        s["reconciliation"]["usd"]["exchange_difference"],
        "-200807.96"
    );
}

#[test]
fn a_stale_rate_is_named_and_strict_rates_refuses_it() {
    let t = Test::new().at("2024-10-05T00:00:00Z");
    t.ok("init");
    t.ok("record rate --currency EUR --per-usd 0.921 --date 2024-02-01");
    t.ok("record pledge --donor DEU --mandate coordination --amount 1000 --currency EUR --date 2024-03-01");
    t.ok("record payment --donor DEU --mandate coordination --amount 500 --currency EUR --date 2024-08-15");
    let q: Value =
        serde_json::from_str(&t.ok("report quarterly --year 2024 --quarter 3 --format json"))
            .expect("JSON");
    let w = q["warnings"].as_array().expect("warnings");
    assert_eq!(w.len(), 1, "{w:?}");
    let w = w[0].as_str().expect("text");
    assert_eq!(
        w,
        "Stale rate: EUR needed for 2024-09-30, but the latest rate is EUR 0.921 per USD from 2024-02-01, more than 31 days earlier (UN operational rates are set monthly); 6 figures dated 2024-03-31 to 2024-09-30 use it. Record the rate of each month with `ledger record rate --currency EUR --per-usd X --date 2024-09-01`."
    );
    for format in ["table", "markdown", "html"] {
        let out = t.ok(&[
            "report",
            "quarterly",
            "--year",
            "2024",
            "--quarter",
            "3",
            "--format",
            format,
        ]);
        assert!(
            out.contains("EUR 0.921 per USD from 2024-02-01, more than 31 days"),
            "{format}"
        );
    }
    let csv = t.run("report donors --year 2024 --format csv");
    assert_eq!(
        csv.stderr,
        "warning: Stale rate: EUR needed for 2024-12-31, but the latest rate is EUR 0.921 per USD from 2024-02-01, more than 31 days earlier (UN operational rates are set monthly); 2 figures dated 2024-08-15 to 2024-12-31 use it. Record the rate of each month with `ledger record rate --currency EUR --per-usd X --date 2024-12-01`.\n"
    );
    t.refuses(
        "report quarterly --year 2024 --quarter 3 --strict-rates",
        1,
        "error: --strict-rates: Stale rate: EUR needed for 2024-09-30, but the latest rate is EUR 0.921 per USD from 2024-02-01, more than 31 days earlier (UN operational rates are set monthly); 6 figures dated 2024-03-31 to 2024-09-30 use it. Record the rate of each month with `ledger record rate --currency EUR --per-usd X --date 2024-09-01`. [stale-rate]\n",
    );
    // A rate of the month clears it.
    t.ok("record rate --currency EUR --per-usd 0.9 --date 2024-08-01");
    t.ok("record rate --currency EUR --per-usd 0.91 --date 2024-09-01");
    t.ok("record rate --currency EUR --per-usd 0.92 --date 2024-03-01");
    t.ok("report donors --from 2024-08-01 --to 2024-09-30 --strict-rates");
}

#[test]
fn every_missing_rate_is_named_in_one_error() {
    let t = Test::new().at("2024-12-31T00:00:00Z");
    t.ok("init");
    t.ok("record pledge --donor JPN --mandate coordination --amount 1000 --currency JPY --date 2024-03-05");
    t.ok("record pledge --donor CHE --mandate coordination --amount 1000 --currency CHF --date 2024-05-01");
    t.refuses(
        "report donors --year 2024",
        1,
        "error: no rate of exchange for CHF on or before 2024-05-01 (needed in 2024-05, 2024-12) nor for JPY on or before 2024-03-05 (needed in 2024-03, 2024-12); record the UN operational rate of each month from its first day: `ledger record rate --currency CHF --per-usd X --date 2024-05-01`, `ledger record rate --currency CHF --per-usd X --date 2024-12-01`, `ledger record rate --currency JPY --per-usd X --date 2024-03-01`, `ledger record rate --currency JPY --per-usd X --date 2024-12-01` [missing-rate]\n",
    );
}

#[test]
fn missing_rates_met_in_settlement_are_named_together() {
    let t = Test::init();
    for line in [
        "record rate --currency EUR --per-usd 0.9 --date 2024-01-01",
        "record rate --currency CHF --per-usd 0.9 --date 2024-01-01",
        "record pledge --donor JPN --mandate icat --amount 100 --currency EUR --date 2024-01-10",
        "record pledge --donor DEU --mandate icat --amount 100 --currency CHF --date 2024-01-10",
        "record payment --donor JPN --mandate icat --amount 50 --currency SEK --date 2024-03-05 --pledge 3",
        "record payment --donor DEU --mandate icat --amount 50 --currency NOK --date 2024-04-05 --pledge 4",
    ] {
        t.ok(line);
    }
    let o = t.fails("report donors --year 2024", 1);
    assert_eq!(
        o.stderr,
        "error: no rate of exchange for NOK on or before 2024-04-05 (needed in 2024-04) nor for SEK on or before 2024-03-05 (needed in 2024-03); record the UN operational rate of each month from its first day: `ledger record rate --currency NOK --per-usd X --date 2024-04-01`, `ledger record rate --currency SEK --per-usd X --date 2024-03-01` [missing-rate]\n"
    );
}

/// Goods given against an in-kind pledge lower what is outstanding without being
/// money received: the statement lists the contribution and its reconciliation has
/// a term for it, so no part of it is passed off as an exchange difference.
#[test]
fn a_statement_with_contributions_in_kind_reconciles() {
    let t = Test::init();
    for line in [
        "record pledge --donor ITA --mandate icat --amount 1000 --currency USD --date 2024-01-10 --in-kind",
        "record in-kind --donor ITA --mandate icat --amount 600 --currency USD --date 2024-02-10 --pledge 1 --memo venue",
        "record payment --donor ITA --mandate icat --amount 50 --currency USD --date 2024-02-11",
    ] {
        t.ok(line);
    }
    let s: Value =
        serde_json::from_str(&t.ok("report statement --donor ITA --format json")).expect("JSON");
    let kinds: Vec<&str> = s["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l["kind"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(kinds, ["pledge", "in-kind", "payment"]);
    let usd = &s["reconciliation"]["usd"];
    // 0 + 1,000 pledged − 600 in kind − 50 received + 50 applied to no pledge = 400.
    assert_eq!(usd["settled_in_kind"], "600.00");
    assert_eq!(usd["exchange_difference"], "0.00");
    assert_eq!(usd["closing_outstanding"], "400.00");
    assert_eq!(s["totals"]["in_kind"], "600.00");
    assert_eq!(s["totals"]["paid"], "50.00");
}
