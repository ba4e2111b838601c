//! Bad report requests: the right exit status, a clear message, the ledger unchanged.

use super::hand_ledger;

#[test]
fn period_flags_are_checked() {
    let t = hand_ledger();
    t.refuses(
        "report quarterly --quarter 3",
        2,
        "error: the following required arguments were not provided:\n  --year <YEAR>\n\nUsage: ledger report --year <YEAR> --quarter <QUARTER> <KIND>\n\nFor more information, try '--help'.\n",
    );
    t.refuses(
        "report quarterly --year 2009",
        2,
        "error: the quarterly report needs --year and --quarter (e.g. --year 2009 --quarter 3)\n",
    );
    t.refuses(
        "report donors --year 2009 --quarter 5",
        2,
        "error: invalid value '5' for '--quarter <QUARTER>': 5 is not in 1..=4\n\
         \n\
         For more information, try '--help'.\n",
    );
    t.refuses(
        "report donors --year 1900",
        2,
        "error: invalid value '1900' for '--year <YEAR>': 1900 is not in 1945..=2199\n\
         \n\
         For more information, try '--help'.\n",
    );
    t.refuses(
        "report donors --year 2009 --from 2009-01-01",
        2,
        "error: the argument '--year <YEAR>' cannot be used with '--from <FROM>'\n\
         \n\
         Usage: ledger report --year <YEAR> <KIND>\n\
         \n\
         For more information, try '--help'.\n",
    );
    t.refuses(
        "report donors --quarter 3 --to 2009-01-01",
        2,
        "error: the argument '--quarter <QUARTER>' cannot be used with '--to <TO>'\n\
         \n\
         Usage: ledger report --year <YEAR> --quarter <QUARTER> <KIND>\n\
         \n\
         For more information, try '--help'.\n",
    );
    t.refuses(
        "report donors --from 2009-13-01",
        2,
        "error: --from: \"2009-13-01\" is not a date in the calendar\n",
    );
    t.refuses(
        "report donors --from 2009-05-01 --to 2009-04-01",
        1,
        "error: --from 2009-05-01 is after --to 2009-04-01; the period would be empty [bad-period]\n",
    );
    t.refuses(
        "report donors --as-of yesterday",
        2,
        "error: --as-of: \"yesterday\" is neither a date (YYYY-MM-DD) nor an RFC 3339 timestamp\n",
    );
    t.refuses(
        "report budget",
        2,
        "error: invalid value 'budget' for '<KIND>'\n  [possible values: donors, mandates, funds, quarterly, statement, agreements]\n\nFor more information, try '--help'.\n",
    );
    t.refuses(
        "report donors --format pdf",
        2,
        "error: invalid value 'pdf' for '--format <FORMAT>'\n  [possible values: table, csv, json, markdown, html]\n\nFor more information, try '--help'.\n",
    );
    t.refuses(
        "report donors --format csv --table overdue",
        2,
        "error: --table: this report has no table \"overdue\"; it has donors\n",
    );
    t.refuses(
        "report quarterly --year 2009 --quarter 3 --format json --table overdue",
        2,
        "error: --table picks one table for csv, table or markdown; json and html hold every table\n",
    );
}

#[test]
fn statement_needs_a_known_donor() {
    let t = hand_ledger();
    t.refuses(
        "report statement",
        2,
        "error: the statement report needs --donor (a code, UN name, ISO name or alias)\n",
    );
    t.refuses(
        "report statement --donor Japn",
        1,
        "error: --donor: unknown donor \"Japn\"; did you mean JPN, JAM? [unknown-donor]\n",
    );
    // On the other reports --donor limits them; an unknown one is refused too.
    t.refuses(
        "report donors --donor Japn",
        1,
        "error: --donor: unknown donor \"Japn\"; did you mean JPN, JAM? [unknown-donor]\n",
    );
}

#[test]
fn a_missing_rate_fails_naming_currency_and_date() {
    let mut t = hand_ledger();
    t.set_now("2009-10-01T00:00:00Z");
    t.ok("record pledge --donor CHE --mandate un-gift --amount 1000 --currency CHF --date 2009-09-01");
    let o = t.refuses(
        "report donors --year 2009",
        1,
        "error: no rate of exchange for CHF on or before 2009-09-01 (needed in 2009-09, 2009-12); record the UN operational rate of each month from its first day: `ledger record rate --currency CHF --per-usd X --date 2009-09-01`, `ledger record rate --currency CHF --per-usd X --date 2009-12-01` [missing-rate]\n",
    );
    assert!(o.stdout.is_empty());
    // Before that pledge was recorded, the report still stands.
    t.ok("report donors --year 2009 --as-of 2009-09-30");
}

#[test]
fn an_empty_ledger_has_no_period_to_report() {
    let t = crate::util::Test::init();
    t.refuses(
        "report donors",
        1,
        "error: the ledger has no pledges, payments, refunds or write-offs, so there is no period to report on; give --year or --from/--to [empty-ledger]\n",
    );
    // With a period, an empty ledger gives an empty report with zero totals.
    let v = super::json(&t, &["donors", "--year", "2009"]);
    assert_eq!(v["rows"], serde_json::json!([]));
    assert_eq!(v["totals"]["paid"], "0.00");
    assert_eq!(v["ledger"]["entries"], 0);
}

#[test]
fn output_writes_the_same_bytes_to_a_file() {
    let t = hand_ledger();
    let args = [
        "report",
        "quarterly",
        "--year",
        "2009",
        "--quarter",
        "3",
        "--format",
        "html",
    ];
    let stdout = t.ok(&args);
    let path = t.dir().join("q3.html");
    let mut with = args.to_vec();
    let p = path.to_str().unwrap();
    with.extend_from_slice(&["--output", p]);
    assert_eq!(t.ok(&with), "");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), stdout);
    t.refuses(
        "report donors --output /nonexistent/dir/x.csv",
        1,
        "error: --output /nonexistent/dir/x.csv: No such file or directory (os error 2)\n",
    );
}

#[test]
fn ledger_text_is_neutralised_in_csv_and_escaped_in_html() {
    let mut t = hand_ledger();
    t.set_now("2009-10-01T00:00:00Z");
    t.ok(&[
        "donor",
        "add",
        "EVIL",
        "--name",
        "=HYPERLINK(\"http://x\")<script>alert(1)</script>",
        "--category",
        "private-sector",
    ]);
    t.ok(
        "record payment --donor EVIL --mandate un-gift --amount 1 --currency USD --date 2009-09-30",
    );
    let csv = t.ok("report donors --year 2009 --format csv");
    assert!(
        csv.contains("EVIL,\"'=HYPERLINK(\"\"http://x\"\")<script>alert(1)</script>\",0.00,1.00,0.00,0.00,0.00,0.00,1.00,0.00,0.00,0.00\n"),
        "{csv}"
    );
    let html = t.ok("report quarterly --year 2009 --quarter 3 --format html");
    assert!(!html.contains("<script"), "unescaped ledger text in HTML");
    assert!(html.contains("=HYPERLINK(&quot;http://x&quot;)&lt;script&gt;alert(1)&lt;/script&gt;"));
    let md = t.ok("report donors --year 2009 --format markdown");
    assert!(
        md.contains("| EVIL | =HYPERLINK(\"http\\://x\")&lt;script&gt;alert(1)&lt;/script&gt; |"),
        "{md}"
    );
}

#[test]
fn a_donor_with_no_entries_is_named_in_the_empty_message() {
    let t = crate::util::Test::init();
    t.ok("record pledge --donor JPN --mandate icat --amount 5 --currency USD --date 2009-01-01");
    t.refuses(
        "report donors --donor France",
        1,
        "error: FRA has no pledges, payments, refunds or write-offs, so there is no period to report on; give --year or --from/--to [empty-ledger]\n",
    );
    // With a period, the donor's figures are simply zero.
    let out = t.ok("report donors --donor FRA --year 2009 --format csv");
    assert!(!out.contains("JPN"), "{out}");
}

#[test]
fn a_fund_or_category_with_no_entries_is_named_in_the_empty_message() {
    let t = crate::util::Test::init();
    t.ok("record pledge --donor JPN --mandate icat --amount 5 --currency USD --date 2009-01-01");
    let empty = |of: &str| {
        format!(
            "error: the ledger has no pledges, payments, refunds or write-offs{of}, so there is no period to report on; give --year or --from/--to [empty-ledger]\n"
        )
    };
    t.refuses("report donors --fund UNDCP", 1, &empty(" of fund UNDCP"));
    t.refuses(
        "report quarterly --category foundation",
        1,
        &empty(" of foundation donors"),
    );
    t.refuses(
        "report mandates --category member-state --fund UNDCP",
        1,
        &empty(" of member-state donors to fund UNDCP"),
    );
    t.refuses(
        "report donors --category member-state --as-of 2000-01-01",
        1,
        &empty(" of member-state donors as of then"),
    );
    // With a period, the figures are simply zero.
    let out = t.ok("report donors --category foundation --year 2009 --format csv");
    assert!(!out.contains("JPN"), "{out}");
}

/// A line whose hash is right but which cannot be read (a forger's) fails every
/// report that reads the ledger, a report of another donor too: a filtered report
/// passes lines over only once it has decoded them. `verify` checks the chain only,
/// and passes.
#[test]
fn an_unreadable_line_of_another_donor_fails_a_filtered_report() {
    use sha2::{Digest, Sha256};
    let t = crate::util::Test::init();
    t.ok("record pledge --donor JPN --mandate icat --amount 100 --currency USD --date 2009-01-01");
    t.ok("record payment --donor USA --mandate icat --amount 50 --currency USD --date 2009-02-01");
    // The last line, its amount made unreadable and its hash made right again.
    let journal = String::from_utf8(t.journal()).unwrap();
    let last = journal.trim_end().lines().last().unwrap();
    let body = &last[..last.len() - (9 + 64 + 2)];
    let forged_body = body.replace("\"amount\":\"50.00\"", "\"amount\":\"5O.00\"");
    assert_ne!(forged_body, body);
    let hash = hex::encode(Sha256::digest(forged_body.as_bytes()));
    let forged = format!("{forged_body},\"hash\":\"{hash}\"}}");
    std::fs::write(t.ledger(), journal.replace(last, &forged)).unwrap();
    // The index witnessed the old head; without it only the line itself is at fault.
    std::fs::remove_file(ledger::journal::index_path(t.ledger())).unwrap();
    t.ok("verify");
    for args in [
        "report statement --donor JPN",
        "report donors --donor JPN",
        "report donors --category member-state",
        "report donors",
    ] {
        t.rejects(
            args,
            3,
            "entry #2 cannot be read: `amount` is not a decimal",
        );
    }
}
