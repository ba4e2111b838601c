//! `ledger import`: shipped profiles on their example exports (golden), every messy
//! input real exports contain, every rejection, and safe re-import.

use crate::util::Test;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import");
const PROFILES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ledgers/profiles");

/// Copies a fixture into the test directory under its own name (the name entries
/// record as their source file).
fn fixture(t: &Test, name: &str) -> String {
    let bytes = std::fs::read(format!("{FIXTURES}/{name}")).expect("fixture");
    t.write(name, bytes);
    name.to_string()
}

fn profile(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

/// The last line of stdout: the summary.
fn summary(stdout: &str) -> &str {
    stdout.lines().last().unwrap_or("")
}

fn log_json(t: &Test) -> String {
    t.ok("log --format json")
}

#[test]
fn golden_umoja_receipts() {
    let t = Test::init();
    let f = fixture(&t, "umoja-receipts-2024-q3.csv");
    let p = format!("{PROFILES}/umoja-receipts.toml");
    let out = t.ok(&["import", &f, "--profile", &p]);
    assert_eq!(
        summary(&out),
        "9 rows: 7 new entries, 0 already recorded, 2 left out by the profile's filter"
    );
    insta::assert_snapshot!("umoja_receipts_log", log_json(&t));
}

#[test]
fn golden_canonical() {
    let t = Test::init();
    let f = fixture(&t, "canonical-example.csv");
    let out = t.ok(&["import", &f]);
    assert_eq!(summary(&out), "7 rows: 7 new entries, 0 already recorded");
    insta::assert_snapshot!("canonical_log", log_json(&t));
}

#[test]
fn golden_rates() {
    let t = Test::init();
    let f = fixture(&t, "rates-example.csv");
    let out = t.ok(&["import", &f, "--profile", "rates"]);
    assert_eq!(summary(&out), "4 rows: 4 new entries, 0 already recorded");
    insta::assert_snapshot!("rates_log", log_json(&t));
}

#[test]
fn profile_by_name_beside_the_ledger() {
    let t = Test::init();
    let f = fixture(&t, "umoja-receipts-2024-q3.csv");
    let text = std::fs::read(format!("{PROFILES}/umoja-receipts.toml")).unwrap();
    t.write("profiles/umoja-receipts.toml", text);
    let out = t.ok(&["import", &f, "--profile", "umoja-receipts", "--dry-run"]);
    assert!(out.contains("from") || out.contains("(umoja-receipts-2024-q3.csv:4)"));
    let log = t.ok(&["log"]);
    assert_eq!(log, "", "a dry run writes nothing");
    t.ok(&["import", &f, "--profile", "umoja-receipts"]);
    let log = t.ok(&["log"]);
    assert!(
        log.contains("from umoja-receipts-2024-q3.csv:4 (umoja-receipts profile"),
        "{log}"
    );
}

#[test]
fn shipped_profile_by_name_from_any_directory() {
    // No profiles/ beside the ledger and no ./ledgers/profiles/ in the test's
    // directory: the compiled-in copy of the shipped profile is used.
    let t = Test::init();
    let f = fixture(&t, "umoja-receipts-2024-q3.csv");
    assert!(!t.dir().join("profiles").exists() && !t.dir().join("ledgers").exists());
    let out = t.ok(&["import", &f, "--profile", "umoja-receipts"]);
    assert_eq!(
        summary(&out),
        "9 rows: 7 new entries, 0 already recorded, 2 left out by the profile's filter"
    );
    // A local copy of the same name wins over the compiled-in one.
    let mut text = std::fs::read_to_string(format!("{PROFILES}/umoja-receipts.toml")).unwrap();
    text = text.replace(
        "only = { \"Entity\" = [\"UNODC\"] }",
        "only = { \"Entity\" = [\"NOBODY\"] }",
    );
    t.write("profiles/umoja-receipts.toml", text);
    let out = t.ok(&["import", &f, "--profile", "umoja-receipts", "--dry-run"]);
    assert!(summary(&out).starts_with("9 rows: 0 new entries"), "{out}");
}

/// Imports one fixture with a dry run and returns the listed entries.
fn dry(t: &Test, file: &str, profile_args: &[&str]) -> String {
    let f = fixture(t, file);
    let mut args = vec!["import", f.as_str()];
    args.extend_from_slice(profile_args);
    args.push("--dry-run");
    t.ok(&args)
}

#[test]
fn byte_order_mark_crlf_and_quoted_commas() {
    let t = Test::init();
    let before = t.journal();
    assert_eq!(
        dry(&t, "bom-crlf.csv", &[]),
        "#1 payment GBR icat 12,500.00 GBP 2024-03-01  ref R-1  memo \"ICAT, phase 2, \\\"final\\\"\"  (bom-crlf.csv:2)\n\
         1 row: 1 new entry, 0 already recorded (dry run: nothing was written)\n"
    );
    assert_eq!(before, t.journal());
    t.ok("import bom-crlf.csv");
    let log = t.ok("log --format csv");
    assert!(log.contains(r#"R-1,"ICAT, phase 2, ""final""""#), "{log}");
}

#[test]
fn decimal_comma_and_space_nbsp_dot_thousands() {
    let t = Test::init();
    let p = profile("european.toml");
    assert_eq!(
        dry(&t, "european.csv", &["--profile", &p]),
        "#1 payment DEU un-gift 1,234,567.89 EUR 2024-02-01  (european.csv:2)\n\
         #2 payment DEU un-gift 1,000.50 EUR 2024-02-02  (european.csv:3)\n\
         #3 payment DEU un-gift 2,000.00 EUR 2024-02-03  (european.csv:4)\n\
         #4 payment DEU un-gift 0.05 EUR 2024-02-04  (european.csv:5)\n\
         4 rows: 4 new entries, 0 already recorded (dry run: nothing was written)\n"
    );
}

#[test]
fn minus_parentheses_and_trailing_minus_make_refunds() {
    let t = Test::init();
    assert_eq!(
        dry(&t, "negatives.csv", &[]),
        "#1 payment SWE victim-assistance 5,000.00 SEK 2024-03-29  (negatives.csv:2)\n\
         #2 refund SWE victim-assistance 1,234.00 SEK 2024-04-01  (negatives.csv:3)\n\
         #3 refund SWE victim-assistance 1,234.00 SEK 2024-04-02  (negatives.csv:4)\n\
         #4 refund SWE victim-assistance 1,234.00 SEK 2024-04-03  (negatives.csv:5)\n\
         #5 payment SWE victim-assistance 1,234.00 SEK 2024-04-04  (negatives.csv:6)\n\
         5 rows: 5 new entries, 0 already recorded (dry run: nothing was written)\n"
    );
}

#[test]
fn a_refund_row_larger_than_what_was_paid_is_refused() {
    let t = Test::init();
    // Rows staged earlier in the same file count: 100.00 paid, 60.00 returned.
    t.write(
        "refunds.csv",
        format!(
            "{CANONICAL_HEAD}\
             2024-03-01,NOR,icat,payment,100.00,NOK,DOC-1\n\
             2024-03-05,NOR,icat,payment,-60.00,NOK,DOC-2\n\
             2024-03-06,NOR,icat,refund,50.00,NOK,DOC-3\n"
        ),
    );
    t.refuses(
        "import refunds.csv",
        1,
        "error: refunds.csv:4: amount \"50.00\": NOR has been paid 40.00 NOK net for icat by 2024-03-06; a refund of 50.00 NOK is larger (record the payment it returns first) [refund-exceeds]\n\
         import refused: 1 of 3 rows has problems; nothing was written\n",
    );
}

#[test]
fn sign_column_numbers_constants_and_date_format_list() {
    let t = Test::init();
    let p = profile("sign-column.toml");
    assert_eq!(
        dry(&t, "sign-column.csv", &["--profile", &p]),
        "#1 payment ITA cop-support 300.00 USD 2024-05-01  (sign-column.csv:1)\n\
         #2 refund ITA cop-support 100.00 USD 2024-05-02  (sign-column.csv:2)\n\
         2 rows: 2 new entries, 0 already recorded (dry run: nothing was written)\n"
    );
}

#[test]
fn mojibake_is_shown_and_fixed_by_an_alias() {
    let t = Test::init();
    let f = fixture(&t, "mojibake.csv");
    t.refuses(
        &["import", &f],
        1,
        "error: mojibake.csv:2: donor \"CÃ´te d'Ivoire\": unknown donor \"CÃ´te d'Ivoire\"; did you mean CIV, CPV? [unknown-donor]\n\
         import refused: 1 of 1 row has problems; nothing was written\n",
    );
    let p = profile("mojibake.toml");
    let out = t.ok(&["import", &f, "--profile", &p]);
    assert_eq!(summary(&out), "1 row: 1 new entry, 0 already recorded");
    assert!(
        t.ok(&["log"])
            .contains("payment CIV coordination 10,000 XOF")
    );
}

#[test]
fn blank_trailing_lines_are_not_rows() {
    let t = Test::init();
    assert_eq!(
        dry(&t, "blank-trailing.csv", &[]),
        "#1 payment FRA icat 5,000.00 EUR 2024-06-01  (blank-trailing.csv:2)\n\
         1 row: 1 new entry, 0 already recorded (dry run: nothing was written)\n"
    );
}

#[test]
fn utf16_with_byte_order_mark_le_and_be() {
    let t = Test::init();
    let p = profile("unicode-text.toml");
    for file in ["utf16.csv", "utf16be.csv"] {
        assert_eq!(
            dry(&t, file, &["--profile", &p]),
            format!(
                "#1 payment TUR coordination 7,500.00 USD 2024-07-01  ({file}:2)\n\
                 1 row: 1 new entry, 0 already recorded (dry run: nothing was written)\n"
            )
        );
    }
}

#[test]
fn windows_1252_needs_saying_and_then_reads() {
    let t = Test::init();
    let f = fixture(&t, "windows-1252.csv");
    t.refuses(
        &["import", &f],
        1,
        "error: windows-1252.csv:2: byte 0xF4 is not UTF-8; if the file was saved by Excel or an older system, set [csv] encoding = \"windows-1252\" in the profile [bad-encoding]\n",
    );
    let p = profile("windows-1252.toml");
    t.ok(&["import", &f, "--profile", &p]);
    let log = t.ok(&["log"]);
    assert!(log.contains("memo \"Contribution – août\""), "{log}");
}

#[test]
fn row_filter_keeps_only_and_skips() {
    let t = Test::init();
    let p = profile("filter.toml");
    assert_eq!(
        dry(&t, "filter.csv", &["--profile", &p]),
        "#1 payment AUS icat 100.00 AUD 2024-01-05  ref D1  (filter.csv:2)\n\
         #2 payment AUS icat 400.00 AUD 2024-01-06  ref D3  (filter.csv:5)\n\
         4 rows: 2 new entries, 0 already recorded, 2 left out by the profile's filter (dry run: nothing was written)\n"
    );
}

#[test]
fn every_bad_row_is_listed_and_nothing_is_written() {
    let t = Test::init();
    t.ok("record pledge --donor JPN --mandate icat --amount 10 --currency USD --date 2024-01-01");
    t.write(
        "bad.csv",
        "date,donor,mandate,kind,amount,currency,reference,pledge_reference\n\
         2024-01-02,JPN,icat,payment,100.00,USD,A1,\n\
         2024-13-02,Jpaan,icat,payment,1,23,USD,A2,\n\
         2024-01-03,JPN,cordination,payment,\"1,000.005\",USD,A3,\n\
         2024-01-04,JPN,icat,payment,5.00,USD,A4,NV/none\n\
         2024-01-05,JPN,icat,write-off,5.00,USD,W1,\n\
         2024-01-06,JPN,icat,gift,5.00,USD,G1,\n\
         2024-01-07,JPN,icat,pledge,-5.00,USD,P1,\n\
         2024-01-08,JPN,icat,payment,10.001,USD,A5,\n",
    );
    t.refuses(
        "import bad.csv",
        1,
        "error: bad.csv:3: date \"2024-13-02\": is not a date in the profile's format %Y-%m-%d [bad-date]\n\
         error: bad.csv:3: currency \"23\": is not an ISO 4217 currency code such as USD, EUR, JPY [unknown-currency]\n\
         error: bad.csv:4: mandate \"cordination\": unknown mandate \"cordination\"; did you mean coordination? [unknown-mandate]\n\
         error: bad.csv:5: pledge_reference \"NV/none\": no pledge has this reference (recorded before, or earlier in this file) [unknown-pledge-reference]\n\
         error: bad.csv:6: pledge_reference \"\": a write-off row must name its pledge by reference [missing-value]\n\
         error: bad.csv:7: kind \"gift\": is not pledge, payment, refund, in-kind, write-off, reduction or rate (map it under [values.kind]) [bad-kind]\n\
         error: bad.csv:8: amount \"-5.00\": the amount must be above zero; -5.00 is not [bad-amount]\n\
         error: bad.csv:9: amount \"10.001\": USD allows 2 decimals; 10.001 has 3 [too-many-decimals]\n\
         import refused: 7 of 8 rows have problems; nothing was written\n",
    );
}

#[test]
fn more_than_a_hundred_problems_are_counted() {
    let t = Test::init();
    let mut csv = String::from("date,donor,mandate,kind,amount,currency,reference\n");
    for i in 0..150 {
        csv.push_str(&format!(
            "2024-01-01,Nowhere,icat,payment,{i}.00,USD,R{i}\n"
        ));
    }
    t.write("many.csv", csv);
    let o = t.rejects("import many.csv", 1, "... and 50 more problems not listed");
    assert_eq!(
        o.stderr.lines().filter(|l| l.starts_with("error:")).count(),
        100
    );
    assert!(
        o.stderr
            .ends_with("import refused: 150 of 150 rows have problems; nothing was written\n")
    );
}

#[test]
fn bad_profiles_are_named_by_line_before_any_row() {
    let t = Test::init();
    let f = fixture(&t, "sign-column.csv");
    let p = profile("bad-field.toml");
    t.refuses(
        &["import", &f, "--profile", &p],
        1,
        &format!(
            "error: {p}:11: unknown field \"sign\"; fields are date, donor, mandate, kind, amount, currency, reference, pledge_reference, due, memo, per_usd, prior_period, opening, outstanding [bad-profile]\n\
             import refused: the profile has 1 problem; nothing was read or written\n"
        ),
    );
    t.write(
        "unknown-key.toml",
        "[csv]\ndelimiter = \";\"\nquote = \"'\"\n",
    );
    t.refuses(
        &["import", &f, "--profile", "./unknown-key.toml"],
        1,
        "error: ./unknown-key.toml:3: unknown field `quote`, expected one of `delimiter`, `header`, `skip_rows`, `encoding`, `optional_columns` [bad-profile]\n\
         import refused: the profile has 1 problem; nothing was read or written\n",
    );
    t.write(
        "mandate.toml",
        "[columns]\ndate = 1\ndonor = 2\namount = 3\n\n[constants]\nkind = \"payment\"\ncurrency = \"USD\"\nmandate = \"x\"\n\n[values.mandate]\n\"GRANT-1\" = \"cordination\"\n\n[csv]\nheader = false\n",
    );
    t.refuses(
        &["import", &f, "--profile", "./mandate.toml"],
        1,
        "error: ./mandate.toml:9: unknown mandate \"x\" [bad-profile]\n\
         error: ./mandate.toml:12: unknown mandate \"cordination\"; did you mean coordination? [bad-profile]\n\
         import refused: the profile has 2 problems; nothing was read or written\n",
    );
    let u = fixture(&t, "umoja-receipts-2024-q3.csv");
    t.write(
        "missing.toml",
        "[csv]\ndelimiter = \";\"\nskip_rows = 2\n\n[columns]\ndate = \"Posting Date\"\nkind = \"Doc Type\"\namount = \"Betrag\"\n",
    );
    t.refuses(
        &["import", &u, "--profile", "./missing.toml"],
        1,
        "error: ./missing.toml:8: column \"Betrag\" is not in the file's header (Company Code, Entity, Posting Date, Document Number, Doc Type, Sponsor, Grant, Currency, Amount, D/C, Text) [missing-column]\n\
         import refused: the profile has 1 problem; nothing was read or written\n",
    );
    t.refuses(
        &["import", &u, "--profile", "no-such-profile"],
        1,
        "error: --profile: no profile \"no-such-profile\": it is not built in (canonical, rates, umoja-receipts) and neither $DIR/profiles/no-such-profile.toml nor ledgers/profiles/no-such-profile.toml exists [unknown-profile]\n",
    );
}

#[test]
fn importing_twice_records_nothing_new() {
    let t = Test::init();
    let f = fixture(&t, "umoja-receipts-2024-q3.csv");
    let p = format!("{PROFILES}/umoja-receipts.toml");
    t.ok(&["import", &f, "--profile", &p]);
    let before = t.journal();
    let out = t.ok(&["import", &f, "--profile", &p]);
    assert_eq!(
        out,
        "9 rows: 0 new entries, 7 already recorded, 2 left out by the profile's filter\n"
    );
    assert_eq!(before, t.journal());
    let c = fixture(&t, "canonical-example.csv");
    t.ok(&["import", &c]);
    let out = t.ok(&["import", &c]);
    assert_eq!(out, "7 rows: 0 new entries, 7 already recorded\n");
    let r = fixture(&t, "rates-example.csv");
    t.ok(&["import", &r, "--profile", "rates"]);
    assert_eq!(
        t.ok(&["import", &r, "--profile", "rates"]),
        "4 rows: 0 new entries, 4 already recorded\n"
    );
}

#[test]
fn overlapping_exports_add_only_new_rows() {
    let t = Test::init();
    let head = "date,donor,mandate,kind,amount,currency,reference\n";
    let row = |i: u32| format!("2024-0{i}-01,NOR,icat,payment,{i}00.00,NOK,DOC-{i}\n");
    t.write("june.csv", format!("{head}{}{}{}", row(1), row(2), row(3)));
    t.write(
        "q2.csv",
        format!("{head}{}{}{}{}", row(2), row(3), row(4), row(5)),
    );
    t.ok("import june.csv");
    let out = t.ok("import q2.csv");
    assert_eq!(summary(&out), "4 rows: 2 new entries, 2 already recorded");
    assert!(out.starts_with("recorded #4 to #5 from q2.csv"), "{out}");
}

#[test]
fn identical_rows_in_one_file_are_two_entries() {
    let t = Test::init();
    let same = "2024-02-01,NOR,icat,payment,100.00,NOK\n";
    t.write(
        "twice.csv",
        format!("date,donor,mandate,kind,amount,currency\n{same}{same}"),
    );
    let out = t.ok("import twice.csv");
    assert_eq!(summary(&out), "2 rows: 2 new entries, 0 already recorded");
    assert_eq!(
        t.ok("import twice.csv"),
        "2 rows: 0 new entries, 2 already recorded\n"
    );
    // A document split over two lines (same reference) is two entries too.
    let line = "2024-02-02,NOR,icat,payment,50.00,NOK,DOC-9\n";
    t.write(
        "split.csv",
        format!("date,donor,mandate,kind,amount,currency,reference\n{line}{line}"),
    );
    assert_eq!(
        summary(&t.ok("import split.csv")),
        "2 rows: 2 new entries, 0 already recorded"
    );
    assert_eq!(
        t.ok("import split.csv"),
        "2 rows: 0 new entries, 2 already recorded\n"
    );
}

#[test]
fn a_reversed_import_is_not_brought_back() {
    let t = Test::init();
    let c = fixture(&t, "negatives.csv");
    t.ok(&["import", &c]);
    t.ok("record reversal --entry 2 --reason duplicate");
    assert_eq!(
        t.ok(&["import", &c]),
        "5 rows: 0 new entries, 5 already recorded\n"
    );
}

#[test]
fn the_import_is_one_batch() {
    let t = Test::init();
    let c = fixture(&t, "canonical-example.csv");
    t.ok(&["import", &c]);
    let text = String::from_utf8(t.journal()).unwrap();
    let lines: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(lines.len(), 7);
    assert!(lines[6].contains("[7,7]"), "{}", lines[6]);
    t.ok(&["verify"]);
}

const CANONICAL_HEAD: &str = "date,donor,mandate,kind,amount,currency,reference\n";

#[test]
fn an_unclosed_quote_is_refused_not_swallowed() {
    let t = Test::init();
    // Runs to the end of the file.
    t.write(
        "bad3.csv",
        format!(
            "{CANONICAL_HEAD}2024-01-01,JPN,icat,pledge,10,USD,\"X15\n\
             2024-01-01,JPN,icat,pledge,11,USD,X16\n"
        ),
    );
    let o = t.refuses(
        "import bad3.csv",
        1,
        "error: bad3.csv:2: reference \"X15...\": a quote is not closed: the field runs to the end of the file [bad-csv]\n\
         import refused: 1 of 1 row has problems; nothing was written\n",
    );
    assert!(
        o.stderr
            .ends_with("import refused: 1 of 1 row has problems; nothing was written\n"),
        "{}",
        o.stderr
    );
    // Closed by a stray quote in a later line: a line break in a field other than
    // the memo.
    t.write(
        "bad4.csv",
        "date,donor,mandate,kind,amount,currency,reference,memo\n\
         2024-01-01,JPN,icat,pledge,10,USD,\"X15,m\n\
         2024-01-01,JPN,icat,pledge,11,USD,X16\",m2\n\
         2024-01-01,JPN,icat,pledge,12,USD,X17,m3\n",
    );
    t.refuses(
        "import bad4.csv",
        1,
        "error: bad4.csv:2: reference \"X15,m...\": holds a line break (a quote is not closed?); only the memo may run over several lines [bad-csv]\n\
         import refused: 1 of 2 rows has problems; nothing was written\n",
    );
    // An unclosed quote in the memo, the one field that may hold line breaks.
    t.write(
        "bad5.csv",
        "date,donor,mandate,kind,amount,currency,reference,memo\n\
         2024-01-01,JPN,icat,pledge,10,USD,X15,\"first\n\
         2024-01-01,JPN,icat,pledge,11,USD,X16,second\n",
    );
    t.refuses(
        "import bad5.csv",
        1,
        "error: bad5.csv:2: memo \"first...\": a quote is not closed: the field runs to the end of the file [bad-csv]\n\
         import refused: 1 of 1 row has problems; nothing was written\n",
    );
}

#[test]
fn a_memo_may_run_over_lines_and_later_rows_keep_their_file_lines() {
    let t = Test::init();
    t.write(
        "memo.csv",
        "date,donor,mandate,kind,amount,currency,reference,memo\n\
         2024-01-01,JPN,icat,pledge,10,USD,M1,\"first line\r\nsecond, line\"\n\
         2024-01-02,JPN,icat,pledge,11,USD,M2,plain\n\
         2024-01-03,JPN,icat,pledge,12,USD,M3,\"last\n\n\"\"row\"\"\"\n",
    );
    let out = t.ok("import memo.csv --dry-run");
    assert!(out.contains("(memo.csv:2)\n"), "{out}");
    assert!(out.contains("(memo.csv:4)\n"), "{out}");
    assert!(out.contains("(memo.csv:5)\n"), "{out}");
    assert_eq!(
        summary(&out),
        "3 rows: 3 new entries, 0 already recorded (dry run: nothing was written)"
    );
    t.ok("import memo.csv");
    let log = log_json(&t);
    assert!(
        log.contains(r#""memo":"first line\nsecond, line""#),
        "{log}"
    );
    assert!(log.contains(r#""memo":"last\n\n\"row\"""#), "{log}");
    // A row after the memo is reported at its own line.
    t.write(
        "memo-bad.csv",
        "date,donor,mandate,kind,amount,currency,reference,memo\n\
         2024-01-01,JPN,icat,pledge,10,USD,N1,\"a\nb\nc\"\n\
         2024-01-02,Jpaan,icat,pledge,11,USD,N2,\n",
    );
    t.refuses(
        "import memo-bad.csv",
        1,
        "error: memo-bad.csv:5: donor \"Jpaan\": unknown donor \"Jpaan\"; did you mean JPN, PAK? [unknown-donor]\n\
         import refused: 1 of 2 rows has problems; nothing was written\n",
    );
}

#[test]
fn rows_wider_or_shorter_than_the_header() {
    let t = Test::init();
    t.write(
        "wide.csv",
        "date,donor,mandate,kind,amount,currency,reference,memo\n\
         2024-01-01,JPN,icat,pledge,10,USD,X13,m\n\
         2024-01-01,JPN,icat,pledge,10,USD,X14,m,extra\n",
    );
    t.refuses(
        "import wide.csv",
        1,
        "error: wide.csv:3: the row has 9 fields but the header has 8; a delimiter too many or a quote missing? [bad-csv]\n\
         import refused: 1 of 2 rows has problems; nothing was written\n",
    );
    // Empty fields beyond the header (a trailing delimiter) hold nothing to lose.
    t.write(
        "trailing.csv",
        format!("{CANONICAL_HEAD}2024-01-01,JPN,icat,pledge,10,USD,X13,,\n"),
    );
    let out = t.ok("import trailing.csv --dry-run");
    assert!(summary(&out).starts_with("1 row: 1 new entry"), "{out}");
    // Short rows: fine when only optional columns at the end are left out...
    t.write(
        "short.csv",
        "date,donor,mandate,kind,amount,currency,reference,pledge_reference,due,memo\n\
         2024-01-01,JPN,icat,pledge,10,USD,S1,,2024-12-31,note\n\
         2024-01-01,JPN,icat,pledge,10,USD,S2\n\
         2024-01-01,JPN,icat,pledge,10,USD\n",
    );
    let out = t.ok("import short.csv --dry-run");
    assert!(summary(&out).starts_with("3 rows: 3 new entries"), "{out}");
    // ...and an error when a column the profile needs is left out.
    t.write(
        "short-bad.csv",
        format!("{CANONICAL_HEAD}2024-01-01,JPN,icat,pledge,10\n"),
    );
    t.refuses(
        "import short-bad.csv",
        1,
        "error: short-bad.csv:2: the row has 5 fields but the header has 7; it leaves out currency, which is not optional [bad-csv]\n\
         import refused: 1 of 1 row has problems; nothing was written\n",
    );
}

#[test]
fn a_header_naming_a_used_column_twice_is_refused() {
    let t = Test::init();
    t.write(
        "dup.csv",
        "date,donor,mandate,kind,amount,currency,reference,amount\n\
         2024-01-01,JPN,icat,pledge,10,USD,D1,20\n",
    );
    let o = t.refuses(
        "import dup.csv",
        1,
        "error: dup.csv:1: the header names column \"amount\" twice (columns 5 and 8); rename one [duplicate-column]\n\
         import refused: the file's header has a problem; nothing was read or written\n",
    );
    assert!(
        o.stderr.ends_with("nothing was read or written\n"),
        "{}",
        o.stderr
    );
    // A duplicated column the profile does not read is no problem.
    t.write(
        "dup-unused.csv",
        "date,donor,mandate,kind,amount,currency,reference,note,note\n\
         2024-01-01,JPN,icat,pledge,10,USD,D1,a,b\n",
    );
    let out = t.ok("import dup-unused.csv --dry-run");
    assert!(summary(&out).starts_with("1 row: 1 new entry"), "{out}");
    // Counted after the skipped lines; names that differ only in case count too.
    t.write("dup2.csv", "Export;x\nDate;Amount;AMOUNT\n01.01.2024;1;2\n");
    t.write(
        "p.toml",
        "[csv]\ndelimiter = \";\"\nskip_rows = 1\n[parse]\ndate_format = \"%d.%m.%Y\"\n[columns]\ndate = \"date\"\namount = \"amount\"\n[constants]\nkind = \"payment\"\ndonor = \"JPN\"\nmandate = \"icat\"\ncurrency = \"USD\"\n",
    );
    t.refuses(
        "import dup2.csv --profile ./p.toml",
        1,
        "error: dup2.csv:2: the header names column \"amount\" twice (columns 2 and 3); rename one [duplicate-column]\n\
         import refused: the file's header has a problem; nothing was read or written\n",
    );
}

#[test]
fn a_column_number_beyond_the_file_is_one_profile_error() {
    let t = Test::init();
    t.write(
        "n.csv",
        format!("{CANONICAL_HEAD}2024-01-01,JPN,icat,pledge,10,USD,N1\n2024-01-02,JPN,icat,pledge,10,USD,N2\n"),
    );
    t.write(
        "wide.toml",
        "[columns]\ndate = \"date\"\ndonor = \"donor\"\nmandate = \"mandate\"\nkind = \"kind\"\namount = 99\ncurrency = \"currency\"\n",
    );
    let o = t.refuses(
        "import n.csv --profile ./wide.toml",
        1,
        "error: ./wide.toml:6: column 99 is not in the file: its header has 7 columns (date, donor, mandate, kind, amount, currency, reference) [missing-column]\n\
         import refused: the profile has 1 problem; nothing was read or written\n",
    );
    assert_eq!(o.stderr.lines().count(), 2, "{}", o.stderr);
    // Without a header, the first line's width counts.
    t.write("plain.csv", "2024-01-01,JPN,icat,pledge,10,USD\n");
    t.write(
        "plain.toml",
        "[csv]\nheader = false\n[columns]\ndate = 1\ndonor = 2\nmandate = 3\nkind = 4\namount = 5\ncurrency = 7\n",
    );
    t.refuses(
        "import plain.csv --profile ./plain.toml",
        1,
        "error: ./plain.toml:9: column 7 is not in the file: its first line has 6 columns [missing-column]\n\
         import refused: the profile has 1 problem; nothing was read or written\n",
    );
}

#[test]
fn a_field_given_as_column_and_constant_is_a_profile_error() {
    let t = Test::init();
    t.write(
        "n.csv",
        format!("{CANONICAL_HEAD}2024-01-01,JPN,icat,pledge,10,EUR,N1\n"),
    );
    t.write(
        "both.toml",
        "[columns]\ndate = \"date\"\ndonor = \"donor\"\nmandate = \"mandate\"\nkind = \"kind\"\namount = \"amount\"\ncurrency = \"currency\"\n[constants]\ncurrency = \"USD\"\n",
    );
    t.refuses(
        "import n.csv --profile ./both.toml",
        1,
        "error: ./both.toml:9: currency is given both as a constant and as a column (line 7); keep one [bad-profile]\n\
         import refused: the profile has 1 problem; nothing was read or written\n",
    );
}

#[test]
fn rates_already_recorded_or_differing() {
    let t = Test::init();
    t.ok("record rate --currency EUR --per-usd 0.905 --date 2024-01-01");
    t.write(
        "same.csv",
        "currency,date,per_usd\nEUR,2024-01-01,0.9050\nEUR,2024-02-01,0.921\n",
    );
    let out = t.ok("import same.csv --profile rates");
    assert_eq!(summary(&out), "2 rows: 1 new entry, 1 already recorded");
    // A different rate for a currency and day that has one is the core's refusal,
    // on its row; so is a second, different rate for one day within the file.
    t.write(
        "differ.csv",
        "currency,date,per_usd\nEUR,2024-01-01,0.95\nJPY,2024-03-01,150\nJPY,2024-03-01,151\nJPY,2024-03-01,150.0\n",
    );
    t.refuses(
        "import differ.csv --profile rates",
        1,
        "error: differ.csv:2: date \"2024-01-01\": #1 already sets EUR at 0.905 per USD from 2024-01-01; reverse #1 first to replace it [rate-exists]\n\
         error: differ.csv:4: date \"2024-03-01\": the row on line 3 already sets JPY at 150 per USD from 2024-03-01; reverse the row on line 3 first to replace it [rate-exists]\n\
         import refused: 2 of 4 rows have problems; nothing was written\n",
    );
}

#[test]
fn a_refund_listed_before_its_payment_is_recorded_after_it() {
    let t = Test::init();
    t.write(
        "q1.csv",
        "date,donor,mandate,kind,amount,currency,reference\r\n\
         2009-01-10,Japan,coordination,refund,30,USD,RF1\r\n\
         2009-01-05,JPN,coordination,payment,100,USD,P1\r\n",
    );
    let out = t.ok("import q1.csv");
    assert!(
        out.ends_with("2 rows: 2 new entries, 0 already recorded\n"),
        "{out}"
    );
    let log = t.ok(&["log"]);
    let kinds: Vec<&str> = log
        .lines()
        .map(|l| l.split_whitespace().nth(2).unwrap())
        .collect();
    assert_eq!(kinds, ["payment", "refund"], "{log}");
    assert!(
        log.contains("from q1.csv:2"),
        "the refund keeps its row: {log}"
    );
    // A refund no row of the file or the ledger covers is still refused.
    t.write(
        "q2.csv",
        "date,donor,mandate,kind,amount,currency,reference\n2009-02-10,JPN,coordination,refund,500,USD,RF2\n",
    );
    t.refuses(
        "import q2.csv",
        1,
        "error: q2.csv:2: amount \"500\": JPN has been paid 70.00 USD net for coordination by 2009-02-10; a refund of 500.00 USD is larger (record the payment it returns first) [refund-exceeds]\n\
         import refused: 1 of 1 row has problems; nothing was written\n",
    );
}

#[test]
fn a_column_repeated_in_another_case_is_ambiguous_even_with_an_exact_match() {
    let t = Test::init();
    t.write(
        "d.csv",
        "date,donor,mandate,kind,amount,currency,Reference,reference\n2009-01-07,JPN,coordination,payment,100,USD,P9,x\n",
    );
    t.refuses(
        "import d.csv --dry-run",
        1,
        "error: d.csv:1: the header names column \"reference\" twice (columns 7 and 8); rename one [duplicate-column]\n\
         import refused: the file's header has a problem; nothing was read or written\n",
    );
}
