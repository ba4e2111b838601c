//! Hostile input: sizes no export has, text that would act in a report or a
//! terminal, and the small leniencies that let odd values through. Every bad input
//! fails with a clear message and a non-zero exit, and leaves the ledger as it was.

use std::time::{Duration, Instant};

use crate::util::Test;

const CANONICAL: &str = "date,donor,mandate,kind,amount,currency,reference\n";

fn pledge<'a>(donor: &'a str, amount: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "record",
        "pledge",
        "--donor",
        donor,
        "--mandate",
        "icat",
        "--amount",
        amount,
        "--currency",
        "USD",
        "--date",
        "2009-01-01",
    ];
    v.extend_from_slice(extra);
    v
}

/// `"JJJJ…" (N characters)`: how a message shows a long value.
fn cut(c: char, n: &str) -> String {
    format!("\"{}…\" ({n} characters)", c.to_string().repeat(40))
}

#[test]
fn sizes_a_huge_import_field_fails_fast_and_is_shown_cut_once() {
    let t = Test::init();
    t.ok(&pledge("JPN", "5", &[]));
    let donor = "J".repeat(5_000_000);
    t.write(
        "big.csv",
        format!("{CANONICAL}2009-01-01,{donor},icat,pledge,5,USD,R1\n"),
    );
    let start = Instant::now();
    let o = t.refuses(
        "import big.csv",
        1,
        "error: big.csv:2: donor \"JJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJ…\" (5,000,000 characters): is longer than the 10,000 characters allowed [too-long]\n\
         import refused: 1 of 1 row has problems; nothing was written\n",
    );
    let took = start.elapsed();
    // It used to look for close donor names in the whole text: minutes of CPU.
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(
        o.stderr,
        format!(
            "error: big.csv:2: donor {}: is longer than the 10,000 characters allowed [too-long]\n\
             import refused: 1 of 1 row has problems; nothing was written\n",
            cut('J', "5,000,000")
        )
    );

    // A profile value and a header name of that size: refused by their line.
    t.write(
        "p.toml",
        format!(
            "[columns]\ndate = \"date\"\namount = \"amount\"\n[constants]\nkind = \"pledge\"\n\
             donor = \"{donor}\"\nmandate = \"icat\"\ncurrency = \"USD\"\n"
        ),
    );
    t.write("p.csv", "date,amount\n2009-01-01,5\n");
    let o = t.refuses(
        "import p.csv --profile ./p.toml",
        1,
        "error: ./p.toml:6: \"JJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJ…\" (5,000,000 characters) is longer than the 200 characters allowed [too-long]\n\
         import refused: the profile has 1 problem; nothing was read or written\n",
    );
    assert_eq!(
        o.stderr,
        format!(
            "error: ./p.toml:6: {} is longer than the 200 characters allowed [too-long]\n\
             import refused: the profile has 1 problem; nothing was read or written\n",
            cut('J', "5,000,000")
        )
    );
    t.write(
        "h.csv",
        format!("{},amount\n2009-01-01,5\n", "h".repeat(20_000)),
    );
    t.refuses(
        "import h.csv",
        1,
        &format!(
            "error: h.csv:1: the header's column {} is longer than the 10,000 characters allowed [too-long]\n\
             import refused: the file's header has a problem; nothing was read or written\n",
            cut('h', "20,000")
        ),
    );

    // Under the file's limit but over a name's: refused before the name is looked up.
    let donor = "J".repeat(300);
    t.write(
        "long.csv",
        format!("{CANONICAL}2009-01-01,{donor},icat,pledge,5,USD,R1\n"),
    );
    let o = t.refuses(
        "import long.csv",
        1,
        "error: long.csv:2: donor \"JJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJ…\" (300 characters): is longer than the 200 characters allowed [too-long]\n\
         import refused: 1 of 1 row has problems; nothing was written\n",
    );
    assert!(
        o.stderr.starts_with(&format!(
            "error: long.csv:2: donor {}: is longer than the 200 characters allowed [too-long]\n",
            cut('J', "300")
        )),
        "{}",
        o.stderr
    );
}

#[test]
fn sizes_long_text_is_refused_before_it_reaches_the_journal() {
    let t = Test::init();
    let reference = "R".repeat(101);
    t.refuses(
        &pledge("JPN", "5", &["--reference", &reference]),
        1,
        &format!(
            "error: --reference: \"{reference}\" is longer than the 100 characters allowed [too-long]\n"
        ),
    );
    let memo = "m".repeat(2_001);
    t.refuses(
        &pledge("JPN", "5", &["--memo", &memo]),
        1,
        &format!(
            "error: --memo: {} is longer than the 2,000 characters allowed [too-long]\n",
            cut('m', "2,001")
        ),
    );
    let donor = "J".repeat(100_000);
    let start = Instant::now();
    let o = t.refuses(
        &pledge(&donor, "5", &[]),
        1,
        &format!(
            "error: --donor: {} is longer than the 200 characters allowed [too-long]\n",
            cut('J', "100,000")
        ),
    );
    assert!(start.elapsed() < Duration::from_secs(10));
    assert!(o.stderr.len() < 200, "{}", o.stderr.len());
    let name = "N".repeat(201);
    t.refuses(
        &[
            "donor",
            "add",
            "ACME",
            "--name",
            &name,
            "--category",
            "foundation",
        ],
        1,
        "error: --name: \"NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN…\" (201 characters) is longer than the 200 characters allowed [too-long]\n",
    );
    let code = "C".repeat(41);
    t.refuses(
        &[
            "donor",
            "add",
            &code,
            "--name",
            "Acme",
            "--category",
            "foundation",
        ],
        1,
        "error: code: \"CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC\" is longer than the 40 characters allowed [too-long]\n",
    );
    t.ok(&pledge("JPN", "5", &[]));
    let reason = "r".repeat(2_001);
    t.refuses(
        &["record", "reversal", "--entry", "1", "--reason", &reason],
        1,
        "error: --reason: \"rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr…\" (2,001 characters) is longer than the 2,000 characters allowed [too-long]\n",
    );
    // At the limits, everything is taken.
    t.ok(&pledge(
        "JPN",
        "5",
        &[
            "--reference",
            &"R".repeat(100),
            "--memo",
            &"m".repeat(2_000),
        ],
    ));
}

#[test]
fn sizes_a_bad_text_value_is_echoed_once_and_cut() {
    let t = Test::init();
    let reference = format!("{}\u{200B}", "R".repeat(99));
    t.write(
        "bad.csv",
        format!("{CANONICAL}2009-01-01,JPN,icat,pledge,5,USD,{reference}\n"),
    );
    let o = t.refuses(
        "import bad.csv",
        1,
        "error: bad.csv:2: reference: \"RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR\\u{200b}\" contains the invisible character '\\u{200b}'; this field must be one line of text [bad-text]\n\
         import refused: 1 of 1 row has problems; nothing was written\n",
    );
    assert_eq!(o.stderr.matches(&"R".repeat(99)).count(), 1, "{}", o.stderr);
    assert!(
        o.stderr.starts_with(&format!(
            "error: bad.csv:2: reference: \"{}\\u{{200b}}\" contains the invisible character '\\u{{200b}}'; this field must be one line of text [bad-text]\n",
            "R".repeat(99)
        )),
        "{}",
        o.stderr
    );
    // A memo of a megabyte: the row is refused, its value shown cut.
    let memo = "x".repeat(1_000_000);
    t.write(
        "memo.csv",
        format!("date,donor,mandate,kind,amount,currency,memo\n2009-01-01,JPN,icat,pledge,5,USD,{memo}\n"),
    );
    let o = t.refuses(
        "import memo.csv",
        1,
        "error: memo.csv:2: memo \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…\" (1,000,000 characters): is longer than the 10,000 characters allowed [too-long]\n\
         import refused: 1 of 1 row has problems; nothing was written\n",
    );
    assert!(o.stderr.len() < 300, "{}", o.stderr);
}

#[test]
fn injection_markdown_shows_ledger_text_as_written() {
    let t = Test::init();
    t.ok("donor add EVIL --name '[click](http://evil.example) **bold** `code` www.evil.example @team' --category foundation");
    t.ok(&pledge("EVIL", "5", &[]));
    let md = t.ok("report donors --year 2009 --format markdown");
    assert!(
        md.contains(
            "| EVIL | \\[click\\](http\\://evil.example) \\*\\*bold\\*\\* \\`code\\` www\\.evil.example \\@team | 5.00 |"
        ),
        "{md}"
    );
    let md = t.ok("report statement --donor EVIL --format markdown");
    assert!(
        md.starts_with(
            "# Statement of account: \\[click\\](http\\://evil.example) \\*\\*bold\\*\\* \\`code\\` www\\.evil.example \\@team\n"
        ),
        "{md}"
    );
}

#[test]
fn injection_csv_text_that_reads_as_a_number_is_neutralised() {
    let t = Test::init();
    t.ok(&pledge("JPN", "5", &["--reference", "+1"]));
    t.ok(&pledge("JPN", "7", &["--reference=-1"]));
    let log = t.ok("log --format csv");
    assert!(
        log.contains(",pledge,2009-01-01,JPN,icat,5.00,USD,,,'+1,"),
        "{log}"
    );
    assert!(
        log.contains(",pledge,2009-01-01,JPN,icat,7.00,USD,,,'-1,"),
        "{log}"
    );
    // Entry numbers and amounts stay plain numbers.
    assert!(log.contains("\n1,2026-01-01T00:00:00Z,pledge,"), "{log}");
    t.ok("donor add ACME --name 007 --category foundation");
    let list = t.ok("donor list --format csv");
    assert!(list.contains("\nACME,foundation,'007,\n"), "{list}");
    t.ok(&pledge("ACME", "9", &[]));
    let csv = t.ok("report donors --year 2009 --format csv");
    assert!(
        csv.contains("\nACME,'007,9.00,0.00,9.00,9.00,0.00,0.00,0.00,0.00,0.00,0.00\n"),
        "{csv}"
    );
}

#[test]
fn injection_one_line_listings_escape_control_characters() {
    let t = Test::init();
    t.ok(&pledge("JPN", "5", &[]));
    let fake = "#9      2026-01-01T00:00:00Z  payment JPN icat 1,000,000.00 USD 2009-01-01";
    let reason = format!("typo\n{fake}\tend");
    let out = t.ok(&["record", "reversal", "--entry", "1", "--reason", &reason]);
    assert_eq!(out, format!("#2 reversal of #1: typo\\n{fake}\\tend\n"));
    let log = t.ok(&["log"]);
    assert_eq!(log.lines().count(), 2, "{log}");
    assert!(
        log.ends_with(&format!(
            "#2      2026-01-01T00:00:00Z  reversal of #1: typo\\n{fake}\\tend\n"
        )),
        "{log}"
    );
    let statement = t.ok("report statement --donor JPN");
    assert!(!statement.contains(&format!("\n{fake}")), "{statement}");
}

#[test]
fn injection_repair_prints_removed_bytes_escaped() {
    let t = Test::init();
    t.ok(&pledge("JPN", "5", &[]));
    let mut bytes = t.journal();
    bytes.extend_from_slice(b"{\"seq\":2,\"prev\":\"\x1b[2J\x1b]0;owned\x07\xff");
    t.write("test.jsonl", &bytes);
    let out = t.ok(&["repair"]);
    assert!(
        out.contains("\n  removed: {\"seq\":2,\"prev\":\"\\u{1b}[2J\\u{1b}]0;owned\\u{7}\\xFF\n"),
        "{out}"
    );
    assert!(!out.contains('\u{1b}'), "{out}");
}

#[test]
fn smaller_import_dates_are_exactly_yyyy_mm_dd() {
    let t = Test::init();
    t.write(
        "dates.csv",
        format!(
            "{CANONICAL}+2009-01-01,JPN,icat,pledge,5,USD,A\n2009-1-1,JPN,icat,pledge,5,USD,B\n"
        ),
    );
    let o = t.refuses(
        "import dates.csv",
        1,
        "error: dates.csv:2: date \"+2009-01-01\": is not a date in the profile's format %Y-%m-%d [bad-date]\n\
         error: dates.csv:3: date \"2009-1-1\": is not a date in the profile's format %Y-%m-%d [bad-date]\n\
         import refused: 2 of 2 rows have problems; nothing was written\n",
    );
    assert_eq!(
        o.stderr,
        "error: dates.csv:2: date \"+2009-01-01\": is not a date in the profile's format %Y-%m-%d [bad-date]\n\
         error: dates.csv:3: date \"2009-1-1\": is not a date in the profile's format %Y-%m-%d [bad-date]\n\
         import refused: 2 of 2 rows have problems; nothing was written\n"
    );
    // A custom format stays lenient in its own way, but takes no sign.
    t.write(
        "dotted.toml",
        "[parse]\ndate_format = \"%d.%m.%Y\"\n[columns]\ndate = \"date\"\namount = \"amount\"\n\
         [constants]\nkind = \"pledge\"\ndonor = \"JPN\"\nmandate = \"icat\"\ncurrency = \"USD\"\n",
    );
    t.write("dotted.csv", "date,amount\n01.01.+2009,5\n");
    t.refuses(
        "import dotted.csv --profile ./dotted.toml",
        1,
        "error: dotted.csv:2: date \"01.01.+2009\": is not a date in the profile's format %d.%m.%Y [bad-date]\n\
         import refused: 1 of 1 row has problems; nothing was written\n",
    );
    t.write("dotted.csv", "date,amount\n1.1.2009,5\n");
    t.ok("import dotted.csv --profile ./dotted.toml");
}

#[test]
fn smaller_record_and_import_share_one_amount_grammar() {
    let t = Test::init();
    t.refuses(
        &pledge("JPN", ".5", &[]),
        1,
        "error: --amount: \".5\" is not a number (use digits and a decimal point, e.g. 1234.50) [bad-amount]\n",
    );
    t.write(
        "a.csv",
        format!("{CANONICAL}2009-01-01,JPN,icat,pledge,.5,USD,A\n"),
    );
    t.refuses(
        "import a.csv",
        1,
        "error: a.csv:2: amount \".5\": is not an amount (decimal mark '.', thousands separators \",\" space) [bad-amount]\n\
         import refused: 1 of 1 row has problems; nothing was written\n",
    );
    // What both take.
    t.ok(&pledge("JPN", "0.5", &[]));
    t.ok(&pledge("JPN", "+2", &[]));
}

#[test]
fn smaller_as_of_outside_1945_to_2199_is_refused() {
    let t = Test::init();
    t.ok(&pledge("JPN", "5", &[]));
    for (as_of, shown) in [
        ("0001-01-01", "\"0001-01-01\""),
        ("2300-01-01T00:00:00Z", "\"2300-01-01T00:00:00Z\""),
        ("1944-12-31T23:59:59Z", "\"1944-12-31T23:59:59Z\""),
    ] {
        let message = format!("error: --as-of: {shown} is outside the years 1945 to 2199\n");
        let o = t.refuses(
            &["report", "donors", "--year", "2009", "--as-of", as_of],
            2,
            &message,
        );
        assert_eq!(o.stdout, "");
        t.refuses(&["log", "--as-of", as_of], 2, &message);
    }
    t.ok("report donors --year 2009 --as-of 2199-12-31");
}

#[test]
fn smaller_reimported_rows_that_differ_are_named() {
    let t = Test::init();
    t.write(
        "a.csv",
        format!(
            "{CANONICAL}2009-01-01,JPN,icat,pledge,100,USD,NV/1\n2009-02-01,JPN,icat,payment,50,USD,PAY/1\n"
        ),
    );
    t.ok("import a.csv");
    let before = t.journal();
    t.write(
        "b.csv",
        format!(
            "{CANONICAL}2009-01-01,Japan,icat,pledge,100.00,USD,NV/1\n2009-02-02,JPN,coordination,payment,60,USD,PAY/1\n"
        ),
    );
    let o = t.run("import b.csv");
    assert_eq!(o.status, 0, "{}", o.stderr);
    assert_eq!(o.stdout, "2 rows: 0 new entries, 2 already recorded\n");
    assert_eq!(
        o.stderr,
        "warning: b.csv:3: reference \"PAY/1\" is already recorded as #2, but the amount, date, mandate differ \
         (#2: amount 50.00, date 2009-02-01, mandate icat; this row: amount 60.00, date 2009-02-02, mandate coordination); \
         the row is not recorded again: reverse #2 and import again to replace it\n"
    );
    assert_eq!(t.journal(), before);
}

#[test]
fn smaller_malformed_ledger_now_exits_1() {
    let t = Test::init().at("not a time");
    t.refuses(
        &pledge("JPN", "5", &[]),
        1,
        "error: LEDGER_NOW: \"not a time\" is not an RFC 3339 timestamp such as 2009-10-15T12:00:00Z (premature end of input); set it to such a timestamp or unset it to use the system clock\n",
    );
}

/// A small corpus of hostile inputs on the command line: (arguments, exit status,
/// the message's fragment). Each leaves the ledger unchanged.
#[test]
fn hostile_input_corpus() {
    let t = Test::init();
    t.ok(&pledge("JPN", "5", &[]));
    let long = "x".repeat(300);
    let huge = "y".repeat(100_000);
    let corpus: Vec<(Vec<&str>, i32, String)> = vec![
        (
            pledge("JPN", "5", &["--reference", &long]),
            1,
            format!(
                "error: --reference: {} is longer than the 100 characters allowed [too-long]",
                cut('x', "300")
            ),
        ),
        (
            pledge(&long, "5", &[]),
            1,
            format!(
                "error: --donor: {} is longer than the 200 characters allowed [too-long]",
                cut('x', "300")
            ),
        ),
        (
            vec![
                "record",
                "pledge",
                "--donor",
                "JPN",
                "--mandate",
                &huge,
                "--amount",
                "5",
                "--currency",
                "USD",
            ],
            1,
            format!(
                "error: --mandate: {} is longer than the 200 characters allowed [too-long]",
                cut('y', "100,000")
            ),
        ),
        (
            vec![
                "record",
                "pledge",
                "--donor",
                "JPN",
                "--mandate",
                "icat",
                "--amount",
                "5",
                "--currency",
                &huge,
            ],
            1,
            format!(
                "error: --currency: unknown currency {}; use an ISO 4217 code such as USD, EUR, JPY [unknown-currency]",
                cut('y', "100,000")
            ),
        ),
        (
            pledge("JPN", &huge, &[]),
            1,
            format!("error: --amount: {} is not a number (use digits and a decimal point, e.g. 1234.50) [bad-amount]", cut('y', "100,000")),
        ),
        (
            vec![
                "record",
                "pledge",
                "--donor",
                "JPN",
                "--mandate",
                "icat",
                "--amount",
                "5",
                "--currency",
                "USD",
                "--date",
                &huge,
            ],
            1,
            format!(
                "error: --date: {} is not a date of the form YYYY-MM-DD [bad-date]",
                cut('y', "100,000")
            ),
        ),
        (
            vec!["report", "donors", "--donor", &huge],
            1,
            format!(
                "error: --donor: unknown donor {} [unknown-donor]",
                cut('y', "100,000")
            ),
        ),
        (
            vec!["log", "--as-of", &huge],
            2,
            format!("error: --as-of: {} is neither a date (YYYY-MM-DD) nor an RFC 3339 timestamp", cut('y', "100,000")),
        ),
        (
            vec!["import", "x.csv", "--profile", &huge],
            1,
            format!(
                "error: --profile: {} is longer than the 200 characters allowed [too-long]",
                cut('y', "100,000")
            ),
        ),
        (
            pledge("JPN", ".5", &[]),
            1,
            "error: --amount: \".5\" is not a number (use digits and a decimal point, e.g. 1234.50) [bad-amount]".into(),
        ),
        (
            vec![
                "record",
                "pledge",
                "--donor",
                "JPN",
                "--mandate",
                "icat",
                "--amount",
                "5",
                "--currency",
                "USD",
                "--date",
                "+2009-01-01",
            ],
            1,
            "error: --date: \"+2009-01-01\" is not a date of the form YYYY-MM-DD [bad-date]".into(),
        ),
        (
            vec!["report", "donors", "--as-of", "9999-12-31"],
            2,
            "error: --as-of: \"9999-12-31\" is outside the years 1945 to 2199".into(),
        ),
    ];
    for (args, status, message) in corpus {
        let o = t.refuses(&args, status, &format!("{message}\n"));
        assert!(
            o.stderr.len() < 400,
            "{args:.60?}: {} bytes of message",
            o.stderr.len()
        );
    }
}
