//! Snapshots of every report in every format for the hand-checked ledger, and the
//! same bytes from the same ledger and parameters.

use super::hand_ledger;

const FORMATS: [&str; 5] = ["table", "csv", "json", "markdown", "html"];

#[test]
fn every_report_in_every_format() {
    let t = hand_ledger();
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
            let out = t.ok(&a);
            assert_eq!(out, t.ok(&a), "{name} {f}: not the same bytes twice");
            insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
                insta::assert_snapshot!(format!("report_hand_{name}_{f}"), out);
            });
        }
    }
}

#[test]
fn quarterly_csv_tables() {
    let t = hand_ledger();
    let q = [
        "report",
        "quarterly",
        "--year",
        "2009",
        "--quarter",
        "3",
        "--format",
        "csv",
    ];
    assert_eq!(
        t.ok(&q),
        "Donor,Name,Pledged,Paid,Outstanding,Current,Non-current,Paid GP,Paid SP,Reduced,Written off,In kind\n\
         DEU,Germany,0.00,40000.00,66666.67,66666.67,0.00,40000.00,0.00,0.00,0.00,0.00\n\
         SWE,Sweden,0.00,14000.00,0.00,0.00,0.00,0.00,14000.00,0.00,0.00,0.00\n\
         JPN,Japan,0.00,10000.00,50000.00,50000.00,0.00,0.00,10000.00,0.00,0.00,0.00\n\
         NOR,Norway,20000.00,0.00,15000.00,15000.00,0.00,0.00,0.00,0.00,5000.00,0.00\n"
    );
    let mut overdue = q.to_vec();
    overdue.extend_from_slice(&["--table", "overdue"]);
    assert_eq!(
        t.ok(&overdue),
        "#,Donor,Mandate,Pledged on,Due,Days,Ageing,Currency,Outstanding,USD\n\
         4,JPN,coordination,2009-02-10,2009-06-30,92,91-365 days,USD,50000.00,50000.00\n\
         10,NOR,icat,2009-07-15,2009-09-15,15,1-90 days,USD,15000.00,15000.00\n"
    );
    let mut by_mandate = q.to_vec();
    by_mandate.extend_from_slice(&["--table", "by-mandate"]);
    assert!(t.ok(&by_mandate).starts_with("Mandate,Name,Earmarking,"));
}

#[test]
fn the_table_has_thousands_separators_and_a_totals_row() {
    let t = hand_ledger();
    let out = t.ok(&["report", "donors", "--year", "2009"]);
    assert!(
        out.contains(
            " JPN     Japan     100,000.00    50,000.00     50,000.00    50,000.00          0.00        0.00   50,000.00      0.00          0.00      0.00 \n"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            " Total             220,000.00   104,000.00    131,666.67   131,666.67          0.00   40,000.00   64,000.00      0.00      5,000.00      0.00 \n"
        ),
        "{out}"
    );
}

/// Refunds above a quarter's payments make "paid" negative: the charts say so
/// instead of drawing nothing (which would read as zero) or a full bar.
#[test]
fn html_charts_mark_negative_figures() {
    let t = crate::util::Test::init();
    for args in [
        &[
            "record",
            "pledge",
            "--donor",
            "NOR",
            "--mandate",
            "general-purpose",
            "--amount",
            "1000",
            "--currency",
            "USD",
            "--date",
            "2020-01-10",
        ][..],
        &[
            "record",
            "payment",
            "--donor",
            "NOR",
            "--mandate",
            "general-purpose",
            "--amount",
            "1000",
            "--currency",
            "USD",
            "--date",
            "2020-02-10",
        ],
        &[
            "record",
            "payment",
            "--donor",
            "SWE",
            "--mandate",
            "icat",
            "--amount",
            "5000",
            "--currency",
            "USD",
            "--date",
            "2020-02-10",
        ],
        &[
            "record",
            "refund",
            "--donor",
            "SWE",
            "--mandate",
            "icat",
            "--amount",
            "4000",
            "--currency",
            "USD",
            "--date",
            "2020-05-10",
        ],
        &[
            "record",
            "payment",
            "--donor",
            "NOR",
            "--mandate",
            "general-purpose",
            "--amount",
            "500",
            "--currency",
            "USD",
            "--date",
            "2020-05-10",
        ],
    ] {
        t.ok(args);
    }
    let html = t.ok(&[
        "report",
        "quarterly",
        "--year",
        "2020",
        "--quarter",
        "2",
        "--format",
        "html",
    ]);
    assert!(
        html.contains("<title>2020-Q2 paid: -3,500.00 USD (below zero)</title>"),
        "no negative mark"
    );
    assert!(
        html.contains(
            "refunds exceed payments in one part (GP 500.00 USD, SP -4,000.00 USD): see the table"
        ),
        "GP/SP bar drawn for shares outside 0-100%"
    );
}

/// With no period given, a statement covers every entry of the donor, reversed ones
/// included: they are listed for the record even when they fall outside what is
/// left.
#[test]
fn the_default_statement_lists_reversed_entries_outside_the_live_span() {
    let t = crate::util::Test::init();
    for args in [
        &[
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
        ][..],
        &[
            "record",
            "pledge",
            "--donor",
            "ITA",
            "--mandate",
            "icat",
            "--amount",
            "500",
            "--currency",
            "USD",
            "--date",
            "2020-01-05",
        ],
        &[
            "record",
            "payment",
            "--donor",
            "ITA",
            "--mandate",
            "icat",
            "--amount",
            "1200",
            "--currency",
            "USD",
            "--date",
            "2020-02-01",
        ],
        &["record", "reversal", "--entry", "1", "--reason", "dup"],
    ] {
        t.ok(args);
    }
    let s = super::json(&t, &["statement", "--donor", "ITA"]);
    assert_eq!(s["period"]["from"], "2020-01-01");
    let seqs: Vec<u64> = s["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["seq"].as_u64().unwrap())
        .collect();
    assert!(seqs.contains(&1), "reversed pledge #1 missing: {seqs:?}");
    // Figures are unchanged: #3 settles #2 and leaves 700.00 unpledged.
    assert_eq!(s["totals"]["pledged"], "500.00");
    assert_eq!(s["totals"]["paid"], "1200.00");
}

/// A write-off that a back-dated payment left larger than what was outstanding is
/// capped (never below zero), and the statement says how much it took off.
#[test]
fn a_capped_write_off_is_explained_in_the_statement() {
    let t = crate::util::Test::init();
    for args in [
        &[
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
        ][..],
        &[
            "record",
            "write-off",
            "--reason",
            "approved",
            "--pledge",
            "1",
            "--amount",
            "300",
            "--date",
            "2020-03-01",
        ],
        &[
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
            "2020-02-01",
            "--pledge",
            "1",
        ],
    ] {
        t.ok(args);
    }
    let s = super::json(&t, &["statement", "--donor", "ITA"]);
    let line = s["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["seq"] == 2)
        .unwrap();
    assert_eq!(line["applied"], "200.00");
    assert_eq!(s["totals"]["written_off"], "200.00");
    let table = t.ok(&["report", "statement", "--donor", "ITA"]);
    assert!(
        table.contains("only 200.00 was outstanding: that much is written off"),
        "{table}"
    );
}

/// `--donor` on the donors, mandates and quarterly reports: the same figures as that
/// donor's row of the whole report, and the header says the report is limited.
#[test]
fn donor_filter_gives_the_donors_own_row() {
    let t = crate::util::Test::new();
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/ledgers/demo.jsonl");
    let json = |args: &[&str]| -> serde_json::Value {
        let mut a = vec!["--ledger", demo, "report"];
        a.extend_from_slice(args);
        a.extend_from_slice(&["--format", "json"]);
        serde_json::from_str(&t.ok(&a)).unwrap()
    };
    let all = json(&["donors", "--year", "2009"]);
    let row = all["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["donor"] == "JPN")
        .unwrap()
        .clone();
    let one = json(&["donors", "--year", "2009", "--donor", "Japan"]);
    assert_eq!(one["donor"], "JPN");
    assert_eq!(one["rows"].as_array().unwrap().len(), 1);
    assert_eq!(one["rows"][0], row);
    let by_mandate = json(&["mandates", "--year", "2009", "--donor", "JPN"]);
    for k in [
        "pledged",
        "paid",
        "outstanding",
        "paid_unearmarked",
        "paid_earmarked",
    ] {
        assert_eq!(one["totals"][k], row[k], "{k}");
        assert_eq!(by_mandate["totals"][k], row[k], "mandates {k}");
    }
    let q_all = json(&["quarterly", "--year", "2009", "--quarter", "3"]);
    let q_row = q_all["by_donor"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["donor"] == "JPN")
        .unwrap()
        .clone();
    let q_one = json(&[
        "quarterly",
        "--year",
        "2009",
        "--quarter",
        "3",
        "--donor",
        "JPN",
    ]);
    assert_eq!(q_one["totals"]["paid_quarter"], q_row["paid"]);
    assert_eq!(q_one["totals"]["pledged_quarter"], q_row["pledged"]);
    assert_eq!(
        q_one["ledger"], q_all["ledger"],
        "the head pins the whole record"
    );
    let table = t.ok(&[
        "--ledger", demo, "report", "donors", "--year", "2009", "--donor", "JPN",
    ]);
    assert!(table.contains("Donor:     JPN only"), "{table}");
    t.fails(
        &["--ledger", demo, "report", "donors", "--donor", "Japn"],
        1,
    );
}

/// An amount in a pledge's own currency is written with that currency's minor
/// units, however it was typed or worked out: in the overdue and exchange-difference
/// lists of the quarterly report, in JSON as in every table.
#[test]
fn amounts_in_their_own_currency_have_its_minor_units() {
    let t = crate::util::Test::new().at("2025-01-01T00:00:00Z");
    t.ok("init");
    for line in [
        "record rate --currency EUR --per-usd 0.9 --date 2023-01-01",
        "record rate --currency JPY --per-usd 130 --date 2023-01-01",
        "record pledge --donor DEU --mandate icat --amount 1000 --currency EUR --date 2023-01-10 --due 2023-06-30",
        "record payment --donor DEU --mandate icat --amount 250.5 --currency EUR --date 2023-03-01",
        "record pledge --donor JPN --mandate icat --amount 500000 --currency JPY --date 2023-01-10 --due 2023-06-30",
        "record rate --currency EUR --per-usd 0.8 --date 2024-06-01",
        "record rate --currency JPY --per-usd 150 --date 2024-06-01",
    ] {
        t.ok(line);
    }
    let q = ["report", "quarterly", "--year", "2024", "--quarter", "4"];
    let json = t.ok(&[&q[..], &["--format", "json"]].concat());
    let said = |amount: &str| format!(r#""outstanding_in_currency": "{amount}""#);
    // Overdue, and an exchange difference: each twice.
    for amount in ["749.50", "500000"] {
        assert_eq!(json.matches(&said(amount)).count(), 2, "{amount}: {json}");
    }
    for table in ["overdue", "exchange-differences"] {
        let csv = t.ok(&[&q[..], &["--format", "csv", "--table", table]].concat());
        assert!(
            csv.contains(",749.50,") && csv.contains(",500000,"),
            "{csv}"
        );
    }
}

/// The title's underline is as wide as the title is shown in a terminal: a donor
/// named in CJK characters (two columns each) gets two `=` a character, and an
/// accented Latin name one.
#[test]
fn the_title_underline_is_as_wide_as_the_title_is_shown() {
    let t = crate::util::Test::init();
    t.ok("donor add ZZ-KR --name '대한민국 재단' --category foundation");
    t.ok("donor add ZZ-CI --name 'Fondation Côte' --category foundation");
    for (code, title) in [
        ("ZZ-KR", "Statement of account: 대한민국 재단"),
        ("ZZ-CI", "Statement of account: Fondation Côte"),
    ] {
        let out = t.ok(&["report", "statement", "--donor", code, "--year", "2024"]);
        let mut lines = out.lines();
        assert_eq!(lines.next(), Some(title), "{out}");
        let ascii = title.chars().filter(char::is_ascii).count();
        let hangul = title.chars().filter(|c| ('가'..='힣').contains(c)).count();
        let others = title.chars().count() - ascii - hangul;
        let shown = ascii + 2 * hangul + others;
        assert_eq!(lines.next(), Some("=".repeat(shown).as_str()), "{out}");
    }
}
