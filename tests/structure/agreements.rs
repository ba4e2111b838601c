//! Agreements and instalments on a hand-checked ledger: a three-year agreement whose
//! instalments are overdue, current and non-current at the end of 2024, and a
//! conditional agreement before (2024) and after (2025) its condition was met.
//! Every figure is worked out in the comments, and every new report is snapshotted
//! in every format.

use serde_json::json;

use super::{json, snapshot_all};
use crate::util::Test;

/// Entry numbers and value dates (SEK at 10 per USD on every rate date, so USD
/// figures are the SEK ones divided by 10):
///
/// ```text
/// #1-#4      rates SEK 10 per USD from 2024-02-01, 2024-07-01, 2024-12-01, 2025-12-01
/// #5         agreement SE-2024-01  SWE coordination SEK, signed 2024-02-01
/// #6  2024-02-01 pledge SWE 10,000,000 SEK due 2024-06-30  instalment 1 of SE-2024-01
/// #7  2024-02-01 pledge SWE 10,000,000 SEK due 2025-06-30  instalment 2
/// #8  2024-02-01 pledge SWE 10,000,000 SEK due 2026-06-30  instalment 3
/// #9  2024-07-15 payment SWE 6,000,000 SEK (unnamed: settles the oldest, #6)
/// #10        agreement US-2024-07  USA coordination USD, signed 2024-07-01, conditional
/// #11 2024-07-01 pledge USA 500,000 USD due 2024-12-31  instalment 1 of US-2024-07
/// #12 2024-09-01 payment USA 100,000 USD (no recognised pledge: unpledged receipt)
/// #13 condition-met US-2024-07 on 2025-03-01
/// ```
pub fn agreements_ledger() -> Test {
    let t = Test::new().at("2025-12-31T12:00:00Z");
    t.ok("init");
    for line in [
        "record rate --currency SEK --per-usd 10 --date 2024-02-01",
        "record rate --currency SEK --per-usd 10 --date 2024-07-01",
        "record rate --currency SEK --per-usd 10 --date 2024-12-01",
        "record rate --currency SEK --per-usd 10 --date 2025-12-01",
        "agreement add SE-2024-01 --donor SWE --mandate coordination --currency SEK --signed 2024-02-01 --title 'Three-year support 2024-2026'",
        "record pledge --donor SWE --mandate coordination --amount 10000000 --currency SEK --date 2024-02-01 --due 2024-06-30 --agreement SE-2024-01",
        "record pledge --donor SWE --mandate coordination --amount 10000000 --currency SEK --date 2024-02-01 --due 2025-06-30 --agreement SE-2024-01",
        "record pledge --donor SWE --mandate coordination --amount 10000000 --currency SEK --date 2024-02-01 --due 2026-06-30 --agreement SE-2024-01",
        "record payment --donor SWE --mandate coordination --amount 6000000 --currency SEK --date 2024-07-15",
        "agreement add US-2024-07 --donor USA --mandate coordination --currency USD --signed 2024-07-01 --title 'Matching grant' --conditional",
        "record pledge --donor USA --mandate coordination --amount 500000 --currency USD --date 2024-07-01 --due 2024-12-31 --agreement US-2024-07",
        "record payment --donor USA --mandate coordination --amount 100000 --currency USD --date 2024-09-01",
        "record condition-met --agreement US-2024-07 --date 2025-03-01 --memo 'matching funds confirmed'",
    ] {
        t.ok(line);
    }
    t
}

/// At 2024-12-31 (12 months on: 2025-12-31):
/// SWE pledged 30,000,000 SEK = 3,000,000.00; paid 6,000,000 SEK = 600,000.00;
///   outstanding #6 4,000,000 (overdue: current) + #7 10,000,000 (due 2025-06-30:
///   current) + #8 10,000,000 (due 2026-06-30: non-current) = 24,000,000 SEK
///   = 2,400,000.00, current 1,400,000.00, non-current 1,000,000.00.
/// USA: the condition is not met by 2024-12-31, so #11 is neither pledged nor
///   outstanding: conditional 500,000.00; paid 100,000.00 (unpledged).
/// Totals: pledged 3,000,000.00, paid 700,000.00, outstanding 2,400,000.00
///   = current 1,400,000.00 + non-current 1,000,000.00; conditional 500,000.00.
///
/// At 2025-12-31 (12 months on: 2026-12-31):
/// SWE pledged 0 in 2025; outstanding 24,000,000 SEK = 2,400,000.00, all current
///   (#8 is due 2026-06-30, within 12 months).
/// USA: the condition was met 2025-03-01: #11 is pledged in 2025 at 500,000.00 and
///   outstanding 500,000.00 (current: due 2024-12-31, overdue). #12 was received
///   before 2025-03-01 and stays an unpledged receipt (it never settles #11).
/// Totals: pledged 500,000.00, paid 0.00, outstanding 2,900,000.00, all current.
#[test]
fn donors_split_outstanding_and_set_conditional_apart() {
    let t = agreements_ledger();
    let fig = |p: &str, paid: &str, o: &str, c: &str, nc: &str, cond: &str| {
        json!({"pledged": p, "paid": paid, "outstanding": o, "paid_unearmarked": "0.00",
               "paid_earmarked": paid, "reduced": "0.00", "written_off": "0.00",
               "in_kind": "0.00", "current": c, "non_current": nc, "conditional": cond})
    };
    let figures = |row: &serde_json::Value| {
        let mut r = row.clone();
        let o = r.as_object_mut().expect("row");
        o.remove("donor");
        o.remove("name");
        r
    };
    let y24 = json(&t, "report donors --year 2024 --format json");
    let rows = y24["rows"].as_array().expect("rows");
    assert_eq!(rows[0]["donor"], "SWE");
    assert_eq!(
        figures(&rows[0]),
        fig(
            "3000000.00",
            "600000.00",
            "2400000.00",
            "1400000.00",
            "1000000.00",
            "0.00"
        )
    );
    assert_eq!(rows[1]["donor"], "USA");
    assert_eq!(
        figures(&rows[1]),
        fig("0.00", "100000.00", "0.00", "0.00", "0.00", "500000.00")
    );
    assert_eq!(
        y24["totals"],
        fig(
            "3000000.00",
            "700000.00",
            "2400000.00",
            "1400000.00",
            "1000000.00",
            "500000.00"
        )
    );
    let y25 = json(&t, "report donors --year 2025 --format json");
    assert_eq!(
        y25["totals"],
        fig(
            "500000.00",
            "0.00",
            "2900000.00",
            "2900000.00",
            "0.00",
            "0.00"
        )
    );
    // Mandates: all of it is coordination's.
    let m = json(&t, "report mandates --year 2024 --format json");
    assert_eq!(m["rows"][0]["current"], "1400000.00");
    assert_eq!(m["rows"][0]["non_current"], "1000000.00");
    assert_eq!(m["rows"][0]["conditional"], "500000.00");
    // Quarterly Q4 2024: the quarter's end is the year's: the same balances.
    let q = json(&t, "report quarterly --year 2024 --quarter 4 --format json");
    assert_eq!(q["totals"]["outstanding"], "2400000.00");
    assert_eq!(q["totals"]["current"], "1400000.00");
    assert_eq!(q["totals"]["non_current"], "1000000.00");
    assert_eq!(q["totals"]["conditional"], "500000.00");
    // Q1 2025: the condition is met on 2025-03-01, in the quarter: 500,000.00 pledged.
    let q1 = json(&t, "report quarterly --year 2025 --quarter 1 --format json");
    assert_eq!(q1["totals"]["pledged_quarter"], "500000.00");
    assert_eq!(q1["totals"]["conditional"], "0.00");
    for (name, line) in [
        ("agreements_donors_2024", "report donors --year 2024"),
        ("agreements_donors_2025", "report donors --year 2025"),
        ("agreements_mandates_2024", "report mandates --year 2024"),
        (
            "agreements_quarterly_2024q4",
            "report quarterly --year 2024 --quarter 4",
        ),
    ] {
        snapshot_all(&t, name, line);
    }
}

/// `report agreements --year 2024`, in each agreement's currency:
/// SE-2024-01: pledged 30,000,000.00, paid 6,000,000.00, outstanding 24,000,000.00
///   = current 14,000,000.00 (#6 4,000,000 overdue, #7 10,000,000) + non-current
///   10,000,000.00 (#8); next due 2025-06-30 (#7).
///   Schedule: 1 #6 due 2024-06-30 10,000,000 paid 6,000,000 outstanding 4,000,000
///   current; 2 #7 due 2025-06-30 10,000,000 current; 3 #8 due 2026-06-30
///   10,000,000 non-current.
/// US-2024-07: condition not met by 2024-12-31: conditional 500,000.00, everything
///   else 0.00; no next due (its one instalment's due date is not after the report
///   date). At 2025: met 2025-03-01, pledged and outstanding 500,000.00, current.
#[test]
fn the_agreements_report_by_hand() {
    let t = agreements_ledger();
    let r = json(&t, "report agreements --year 2024 --format json");
    let se = &r["rows"][0];
    assert_eq!(se["agreement"], "SE-2024-01");
    for (k, v) in [
        ("pledged", "30000000.00"),
        ("paid", "6000000.00"),
        ("outstanding", "24000000.00"),
        ("current", "14000000.00"),
        ("non_current", "10000000.00"),
        ("conditional", "0.00"),
        ("next_due", "2025-06-30"),
    ] {
        assert_eq!(se[k], v, "{k}");
    }
    let statuses: Vec<(&str, &str)> = se["instalments"]
        .as_array()
        .expect("instalments")
        .iter()
        .map(|i| {
            (
                i["outstanding"].as_str().unwrap(),
                i["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("4000000.00", "current"),
            ("10000000.00", "current"),
            ("10000000.00", "non-current")
        ]
    );
    let us = &r["rows"][1];
    assert_eq!(us["conditional"], "500000.00");
    assert_eq!(us["pledged"], "0.00");
    assert_eq!(us["condition_met"], serde_json::Value::Null);
    assert_eq!(us["next_due"], serde_json::Value::Null);
    let r25 = json(&t, "report agreements --year 2025 --format json");
    let us = &r25["rows"][1];
    assert_eq!(us["condition_met"], "2025-03-01");
    assert_eq!(us["pledged"], "500000.00");
    assert_eq!(us["outstanding"], "500000.00");
    assert_eq!(us["current"], "500000.00");
    assert_eq!(us["conditional"], "0.00");
    snapshot_all(&t, "agreements_2024", "report agreements --year 2024");
    snapshot_all(&t, "agreements_2025", "report agreements --year 2025");
}

/// A foundation's agreement beside SE-2024-01 and US-2024-07: the agreements report
/// of a donor category or fund lists the agreements of its donors and mandates
/// only, each with the figures of the whole ledger's report.
#[test]
fn an_agreements_report_of_a_category_or_fund_lists_only_its_agreements() {
    let t = agreements_ledger();
    for line in [
        "donor add GATES --name 'Gates Foundation' --category foundation",
        "agreement add GF-2024-01 --donor GATES --mandate icat --currency USD --signed 2024-03-01 --title 'Grant'",
        "record pledge --donor GATES --mandate icat --amount 250000 --currency USD --date 2024-03-01 --due 2024-12-31 --agreement GF-2024-01",
    ] {
        t.ok(line);
    }
    let codes = |args: &str| -> Vec<String> {
        let r = json(
            &t,
            &format!("report agreements --year 2024 --format json {args}"),
        );
        r["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|row| row["agreement"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(codes(""), ["GF-2024-01", "SE-2024-01", "US-2024-07"]);
    assert_eq!(codes("--category foundation"), ["GF-2024-01"]);
    assert_eq!(
        codes("--category member-state"),
        ["SE-2024-01", "US-2024-07"]
    );
    assert!(codes("--category pooled-fund").is_empty());
    assert!(codes("--fund UNDCP").is_empty());
    let whole = json(&t, "report agreements --year 2024 --format json");
    let gates = json(
        &t,
        "report agreements --year 2024 --format json --category foundation",
    );
    assert_eq!(gates["rows"][0], whole["rows"][0]);
    assert_eq!(gates["rows"][0]["pledged"], "250000.00");
}

/// Sweden's statement for 2024: every line is of SE-2024-01, and the schedule is
/// the agreement's (as in `report agreements`). The USA's for 2024 lists #11 as a
/// conditional pledge, not yet recognised (after the lines of no agreement), and the
/// payment #12 as unpledged.
#[test]
fn statements_group_lines_by_agreement() {
    let t = agreements_ledger();
    let s = json(&t, "report statement --donor SWE --year 2024 --format json");
    let lines = s["lines"].as_array().expect("lines");
    assert!(lines.iter().all(|l| l["agreement"] == "SE-2024-01"));
    assert_eq!(
        s["agreements"][0]["instalments"].as_array().unwrap().len(),
        3
    );
    let u = json(&t, "report statement --donor USA --year 2024 --format json");
    // Lines of no agreement come first, then each agreement's.
    assert_eq!(u["lines"][0]["kind"], "payment");
    assert_eq!(u["lines"][0]["unpledged"], "100000.00");
    assert_eq!(u["lines"][1]["kind"], "conditional-pledge");
    assert_eq!(u["lines"][1]["agreement"], "US-2024-07");
    assert_eq!(u["totals"]["pledged"], "0.00");
    assert_eq!(u["totals"]["outstanding"], "0.00");
    snapshot_all(
        &t,
        "agreements_statement_swe",
        "report statement --donor SWE --year 2024",
    );
    snapshot_all(
        &t,
        "agreements_statement_usa",
        "report statement --donor USA --year 2024",
    );
}

#[test]
fn bad_agreements_are_refused_and_the_ledger_is_unchanged() {
    let t = agreements_ledger();
    for (line, stderr) in [
        (
            "record pledge --donor SWE --mandate coordination --amount 1 --currency EUR --date 2024-03-01 --agreement SE-2024-01",
            "error: --agreement: agreement SE-2024-01 is with SWE for coordination in SEK; an instalment's currency must be its agreement's (SEK, not EUR) [agreement-mismatch]\n",
        ),
        (
            "record pledge --donor JPN --mandate coordination --amount 1 --currency SEK --date 2024-03-01 --agreement SE-2024-01",
            "error: --agreement: agreement SE-2024-01 is with SWE for coordination in SEK; an instalment's donor must be its agreement's (SWE, not JPN) [agreement-mismatch]\n",
        ),
        (
            "record pledge --donor SWE --mandate coordination --amount 1 --currency SEK --date 2024-03-01 --agreement NO-SUCH",
            "error: --agreement: unknown agreement \"NO-SUCH\"; see ledger agreement list [unknown-agreement]\n",
        ),
        (
            "agreement add se-2024-01 --donor SWE --mandate coordination --currency SEK --signed 2024-02-01 --title again",
            "error: code: agreement SE-2024-01 is already registered (#5) [agreement-exists]\n",
        ),
        (
            "record condition-met --agreement SE-2024-01 --date 2025-01-01",
            "error: --agreement: agreement SE-2024-01 was registered without --conditional; its instalments count as pledged from their own dates [not-conditional]\n",
        ),
        (
            "record condition-met --agreement US-2024-07 --date 2025-04-01",
            "error: --agreement: the condition of agreement US-2024-07 was met on 2025-03-01 [condition-already-met]\n",
        ),
        (
            "record payment --donor USA --mandate coordination --amount 1 --currency USD --date 2025-01-01 --pledge 11",
            "error: --date: pledge #11 counts as pledged from 2025-03-01, when the condition of agreement US-2024-07 was met; a payment dated 2025-01-01 cannot name it [condition-not-met]\n",
        ),
        (
            "record reversal --entry 5 --reason x",
            "error: --entry: entry #5 is an agreement registration; registrations cannot be reversed [not-reversible]\n",
        ),
        (
            "agreement add F-1 --donor SWE --mandate coordination --currency SEK --signed 2026-02-01 --title later",
            "error: --signed: 2026-02-01 is later than today (2025-12-31): an agreement is recorded on or after the day it happens; record it then, or give the date it happened [future-date]\n",
        ),
        (
            "agreement add 'BAD CODE' --donor SWE --mandate coordination --currency SEK --signed 2024-01-01 --title t",
            "error: code: agreement code \"BAD CODE\" must be letters, digits, '-', '_', '/' or '.' [bad-code]\n",
        ),
        (
            "record reversal --entry 13 --reason x",
            "error: --entry: entry #13 is a condition-met registration; registrations cannot be reversed [not-reversible]\n",
        ),
    ] {
        t.refuses(line, 1, stderr);
    }
    // Before its condition is met, nothing may name a conditional instalment.
    let c = Test::new().at("2025-12-31T12:00:00Z");
    c.ok("init");
    c.ok("agreement add C-1 --donor USA --mandate coordination --currency USD --signed 2024-07-01 --title c --conditional");
    c.ok("record pledge --donor USA --mandate coordination --amount 10 --currency USD --date 2024-07-01 --agreement C-1");
    c.refuses(
        "record write-off --pledge 2 --amount 1 --date 2024-08-01 --reason x",
        1,
        "error: --pledge: pledge #2 is an instalment of conditional agreement C-1, whose condition is not met; record condition-met --agreement C-1 first (until then money received is an unpledged receipt) [condition-not-met]\n",
    );
    let list = t.ok("agreement list --format csv");
    assert_eq!(
        list,
        "code,donor,mandate,currency,signed,title,condition,instalments\n\
         SE-2024-01,SWE,coordination,SEK,2024-02-01,Three-year support 2024-2026,,#6 #7 #8\n\
         US-2024-07,USA,coordination,USD,2024-07-01,Matching grant,met 2025-03-01,#11\n"
    );
    // A reversed instalment is no longer listed.
    t.ok("record reversal --entry 8 --reason 'entered twice'");
    let list = t.ok("agreement list --format csv");
    assert!(
        list.contains("Three-year support 2024-2026,,#6 #7\n"),
        "{list}"
    );
    t.ok("verify --rules");
}
