//! The demo ledger (`ledgers/demo.jsonl`): snapshots of every report in every
//! format, and its quarterly figures recomputed by hand from `ledger log`.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::util::Test;

const FORMATS: [&str; 5] = ["table", "csv", "json", "markdown", "html"];

/// The committed demo ledger, by absolute path, so the tests never depend on the
/// working directory or on `CONTRIB_LEDGER`.
pub fn demo_path() -> String {
    format!("{}/ledgers/demo.jsonl", env!("CARGO_MANIFEST_DIR"))
}

/// Runs `ledger --ledger <demo> ARGS` and returns its stdout.
pub fn demo(t: &Test, args: &[&str]) -> String {
    let path = demo_path();
    let mut a = vec!["--ledger", path.as_str()];
    a.extend_from_slice(args);
    t.ok(&a)
}

#[test]
fn demo_every_report_in_every_format() {
    let t = Test::new();
    let reports: [(&str, &[&str]); 4] = [
        (
            "quarterly",
            &["quarterly", "--year", "2009", "--quarter", "3"],
        ),
        ("donors", &["donors", "--year", "2009"]),
        ("mandates", &["mandates", "--year", "2009"]),
        ("statement", &["statement", "--donor", "JPN"]),
    ];
    for (name, args) in reports {
        for f in FORMATS {
            let mut a = vec!["report"];
            a.extend_from_slice(args);
            a.extend_from_slice(&["--format", f]);
            let out = demo(&t, &a);
            insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
                insta::assert_snapshot!(format!("report_demo_{name}_{f}"), out);
            });
        }
    }
}

/// The demo ledger's money entries as `ledger log --format json` prints them,
/// reduced to what the totals need. Deliberately simple and independent of
/// `src/report`: dates stay ISO strings (they sort as dates), rates stay a list.
struct Log {
    /// (currency, effective date, units per USD), reversed rates left out.
    rates: Vec<(String, String, Decimal)>,
    /// (kind, currency, amount, value date) of pledges, payments and refunds,
    /// reversed entries left out.
    money: Vec<(String, String, Decimal, String)>,
}

fn dec(v: &serde_json::Value) -> Decimal {
    v.as_str()
        .expect("amounts are strings")
        .parse()
        .expect("a decimal")
}

fn read_log(t: &Test) -> Log {
    let log: serde_json::Value = serde_json::from_str(&demo(t, &["log", "--format", "json"]))
        .expect("log --format json is JSON");
    let entries = log.as_array().expect("an array of entries");
    let reversed: std::collections::HashSet<u64> = entries
        .iter()
        .filter(|e| e["kind"] == "reversal")
        .map(|e| e["entry"].as_u64().expect("a reversal names its entry"))
        .collect();
    let mut rates = Vec::new();
    let mut money = Vec::new();
    for e in entries {
        if reversed.contains(&e["seq"].as_u64().expect("seq")) {
            continue;
        }
        let s = |k: &str| e[k].as_str().unwrap_or_default().to_string();
        match e["kind"].as_str().expect("kind") {
            "rate" => rates.push((s("currency"), s("date"), dec(&e["per_usd"]))),
            k @ ("pledge" | "payment" | "refund") => {
                money.push((k.to_string(), s("currency"), dec(&e["amount"]), s("date")))
            }
            _ => {}
        }
    }
    Log { rates, money }
}

impl Log {
    /// USD value: amount / (latest rate on or before the date), half away from zero
    /// to cents.
    fn usd(&self, currency: &str, amount: Decimal, date: &str) -> Decimal {
        let rate = if currency == "USD" {
            Decimal::ONE
        } else {
            self.rates
                .iter()
                .filter(|(c, d, _)| c == currency && d.as_str() <= date)
                .max_by(|a, b| a.1.cmp(&b.1))
                .unwrap_or_else(|| panic!("no {currency} rate on or before {date}"))
                .2
        };
        (amount / rate).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    }

    /// (pledged, paid) over value dates `from..=to`.
    fn pledged_paid(&self, from: &str, to: &str) -> (Decimal, Decimal) {
        let (mut pledged, mut paid) = (Decimal::ZERO, Decimal::ZERO);
        for (kind, currency, amount, date) in &self.money {
            if date.as_str() < from || date.as_str() > to {
                continue;
            }
            let usd = self.usd(currency, *amount, date);
            match kind.as_str() {
                "pledge" => pledged += usd,
                "payment" => paid += usd,
                _ => paid -= usd,
            }
        }
        (pledged, paid)
    }
}

#[test]
fn demo_quarterly_totals_agree_with_a_hand_calculation_from_the_log() {
    let t = Test::new();
    let log = read_log(&t);
    let report = quarterly(&t, &["--year", "2009", "--quarter", "3"]);
    let totals = &report["totals"];
    let (pledged_q, paid_q) = log.pledged_paid("2009-07-01", "2009-09-30");
    let (pledged_y, paid_y) = log.pledged_paid("2009-01-01", "2009-09-30");
    assert_eq!(dec(&totals["pledged_quarter"]), pledged_q);
    assert_eq!(dec(&totals["paid_quarter"]), paid_q);
    assert_eq!(dec(&totals["pledged_year_to_date"]), pledged_y);
    assert_eq!(dec(&totals["paid_year_to_date"]), paid_y);
    // And the same quarter a year earlier.
    let prior = &report["prior_year"];
    let (pledged_q, paid_q) = log.pledged_paid("2008-07-01", "2008-09-30");
    let (pledged_y, paid_y) = log.pledged_paid("2008-01-01", "2008-09-30");
    assert_eq!(dec(&prior["pledged_quarter"]), pledged_q);
    assert_eq!(dec(&prior["paid_quarter"]), paid_q);
    assert_eq!(dec(&prior["pledged_year_to_date"]), pledged_y);
    assert_eq!(dec(&prior["paid_year_to_date"]), paid_y);
    // The README's command: the figures are not all zero by accident.
    assert_eq!(totals["paid_quarter"], "4200965.74");
}

fn quarterly(t: &Test, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["report", "quarterly"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["--format", "json"]);
    serde_json::from_str(&demo(t, &a)).expect("JSON")
}

fn overdue_row(report: &serde_json::Value, seq: u64) -> Option<serde_json::Value> {
    report["overdue"]
        .as_array()
        .expect("overdue rows")
        .iter()
        .find(|r| r["seq"] == seq)
        .cloned()
}

#[test]
fn demo_pledges_checked_by_hand() {
    let t = Test::new();

    // JPN #73: 250,000.00 USD pledged 2008-07-24, due 2009-06-30; #99 paid
    // 125,000.00 on 2008-09-01 (recorded 2008-09-05), #259 the other 125,000.00 on
    // 2009-08-14 (recorded 2009-08-15). At 2009-09-30: 250,000 - 125,000 - 125,000
    // = 0, so not overdue.
    let q3 = quarterly(&t, &["--year", "2009", "--quarter", "3"]);
    assert_eq!(overdue_row(&q3, 73), None);
    // As the record stood on 2009-08-10, #259 did not exist yet: 125,000.00 left,
    // due 2009-06-30, so at 2009-09-30 overdue by 31 (Jul) + 31 (Aug) + 30 (Sep)
    // = 92 days, in the 91-365 bucket; USD needs no conversion.
    let early = quarterly(
        &t,
        &["--year", "2009", "--quarter", "3", "--as-of", "2009-08-10"],
    );
    let row = overdue_row(&early, 73).expect("#73 overdue as of 2009-08-10");
    assert_eq!(row["days_overdue"], 92);
    assert_eq!(row["bucket"], "91-365");
    assert_eq!(row["outstanding_in_currency"], "125000.00");
    assert_eq!(row["outstanding"], "125000.00");
    // At the end of Q2 the due date is the report date itself, not before it: not
    // yet overdue.
    let q2 = quarterly(&t, &["--year", "2009", "--quarter", "2"]);
    assert_eq!(overdue_row(&q2, 73), None);

    // ITA #138: 400,000.00 EUR pledged 2008-11-14, due 2009-06-30, never paid.
    // Closing rate at 2009-09-30: EUR 0.692 (from 2009-09-01), so
    // 400,000 / 0.692 = 578,034.6820... -> 578,034.68. Overdue 92 days as above.
    // At the pledge-date rate (EUR 0.789 from 2008-11-01): 400,000 / 0.789 =
    // 506,970.8491... -> 506,970.85; unrealised difference 578,034.68 -
    // 506,970.85 = 71,063.83.
    let row = overdue_row(&q3, 138).expect("#138 overdue");
    assert_eq!(row["days_overdue"], 92);
    assert_eq!(row["outstanding_in_currency"], "400000.00");
    assert_eq!(row["outstanding"], "578034.68");
    let fx = q3["exchange_differences"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["seq"] == 138)
        .expect("#138 has an exchange difference");
    assert_eq!(fx["at_pledge_rate"], "506970.85");
    assert_eq!(fx["at_closing_rate"], "578034.68");
    assert_eq!(fx["difference"], "71063.83");

    // RUS #86: 300,000.00 USD pledged 2008-08-05, due 2009-03-31; #244 paid 180,000.00
    // naming it on 2009-07-20. At 2009-09-30: 300,000 - 180,000 = 120,000.00,
    // overdue 30 (Apr) + 31 + 30 + 31 + 31 + 30 (Sep) = 183 days.
    let row = overdue_row(&q3, 86).expect("#86 overdue");
    assert_eq!(row["days_overdue"], 183);
    assert_eq!(row["bucket"], "91-365");
    assert_eq!(row["outstanding"], "120000.00");
    // At 2010-09-30: still 120,000.00, overdue 365 (to 2010-03-31; 2010 is no leap
    // year) + 183 = 548 days, over 365.
    let q3_2010 = quarterly(&t, &["--year", "2010", "--quarter", "3"]);
    let row = overdue_row(&q3_2010, 86).expect("#86 overdue in 2010");
    assert_eq!(row["days_overdue"], 548);
    assert_eq!(row["bucket"], "over 365");
    assert_eq!(row["outstanding"], "120000.00");
    // #521 wrote off the 120,000.00 on 2010-12-31: at 2010-12-31 nothing is left.
    let q4_2010 = quarterly(&t, &["--year", "2010", "--quarter", "4"]);
    assert_eq!(overdue_row(&q4_2010, 86), None);
    // Russia's outstanding at 2009-09-30: #86's 120,000.00 + #70's 30.52 (95,000.00
    // less the 94,969.48 of #123) + #282's 100,000.00 pledged 2009-09-18 =
    // 220,030.52; paid in the quarter: the 180,000.00 on #86.
    let rus = q3["by_donor"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["donor"] == "RUS")
        .expect("a RUS row");
    assert_eq!(rus["outstanding"], "220030.52");
    assert_eq!(rus["paid"], "180000.00");
    assert_eq!(rus["pledged"], "100000.00");
}
