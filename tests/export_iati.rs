//! `ledger export iati`: a small ledger whose transactions were worked out by hand,
//! asserted exactly; XML escaping of ledger text; the same ledger giving the same
//! bytes (the time is the head entry's, not the clock's); every output validated
//! against the IATI 2.03 schema with `xmllint` (tests/fixtures/iati/); bad flags.

use std::path::Path;
use std::process::Command;

use crate::util::Test;

const SCHEMA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/iati/iati-activities-schema.xsd"
);

/// Validates `file` against the 2.03 activities schema; panics with xmllint's words.
fn validate(file: &Path) {
    let xmllint = crate::provision::tool(&["xmllint"], &["libxml2-utils"]);
    let out = Command::new(xmllint)
        .args(["--noout", "--nonet", "--schema", SCHEMA])
        .arg(file)
        .output()
        .expect("run xmllint");
    assert!(
        out.status.success(),
        "{} does not validate against the IATI 2.03 schema:\n{}\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(file).unwrap_or_default()
    );
}

/// The hand-checked ledger: every kind of entry, some inside 2024 and some not.
fn hand() -> Test {
    let mut t = Test::init();
    for cmd in [
        r#"donor add GATES --name 'Fondation "<Ciel> & Terre"' --category foundation"#, // #1
        "mandate add rd --name 'Research & <Development>' --earmarking earmarked --fund UNDCP", // #2
        "record pledge --donor JPN --mandate coordination --amount 250000 --currency USD --date 2023-11-01", // #3
        "record pledge --donor JPN --mandate coordination --amount 100000 --currency EUR --date 2024-03-01", // #4
        "record payment --donor JPN --mandate coordination --amount 250000 --currency USD --date 2024-02-15 --pledge 3", // #5
        "record reduction --pledge 4 --amount 20000 --date 2024-06-30 --reason 'note verbale 2024/7'", // #6
        "record refund --donor JPN --mandate coordination --amount 1000 --currency USD --date 2024-09-25 --pledge 3", // #7
        "record in-kind --donor GATES --mandate rd --amount 5000.50 --currency USD --date 2024-05-01 --memo premises", // #8
        "record write-off --pledge 4 --amount 100 --date 2024-12-31 --reason 'approval 2024/9'", // #9
        "record payment --donor JPN --mandate coordination --amount 500 --currency USD --date 2024-10-01", // #10
        "record reversal --entry 10 --reason 'recorded twice'", // #11
        "record pledge --donor GATES --mandate rd --amount 3000 --currency USD --date 2025-01-10", // #12
        "record pledge --donor SWE --mandate victim-assistance --amount 10 --currency USD --date 2022-01-01", // #13
    ] {
        t.ok(cmd);
    }
    t.set_now("2026-02-03T04:05:06Z");
    t.ok("record rate --currency EUR --per-usd 0.9 --date 2026-02-01"); // #14, the head
    t.set_now("2027-01-01T00:00:00Z");
    t
}

/// One line per transaction: activity, entry, type, date, value date, currency,
/// value, provider ref and type.
fn transactions(xml: &str) -> Vec<String> {
    let attr = |line: &str, name: &str| -> String {
        let start = line
            .find(&format!(" {name}=\""))
            .unwrap_or_else(|| panic!("no {name} in {line}"))
            + name.len()
            + 3;
        line[start..][..line[start..].find('"').expect("closing quote")].to_string()
    };
    let (mut activity, mut rows, mut row) = (String::new(), Vec::new(), Vec::new());
    for line in xml.lines().map(str::trim) {
        if let Some(id) = line.strip_prefix("<iati-identifier>") {
            activity = id.trim_end_matches("</iati-identifier>").to_string();
        } else if line.starts_with("<transaction ") {
            row = vec![activity.clone(), format!("#{}", attr(line, "ref"))];
        } else if line.starts_with("<transaction-type ") {
            row.push(attr(line, "code"));
        } else if line.starts_with("<transaction-date ") {
            row.push(attr(line, "iso-date"));
        } else if line.starts_with("<value ") {
            row.push(attr(line, "value-date"));
            row.push(attr(line, "currency"));
            let text = &line[line.find('>').expect(">") + 1..];
            row.push(text.trim_end_matches("</value>").to_string());
        } else if line.starts_with("<provider-org ") {
            row.push(format!("{}/{}", attr(line, "ref"), attr(line, "type")));
        } else if line == "</transaction>" {
            rows.push(row.join(" "));
        }
    }
    rows
}

#[test]
fn hand_checked_transactions() {
    let t = hand();
    let xml = t.ok("export iati --year 2024 --reporting-org XM-TEST");
    assert_eq!(
        transactions(&xml),
        [
            "XM-TEST-coordination #5 1 2024-02-15 2024-02-15 USD 250000.00 JPN/10",
            "XM-TEST-coordination #4 13 2024-03-01 2024-03-01 EUR 100000.00 JPN/10",
            "XM-TEST-coordination #6 13 2024-06-30 2024-06-30 EUR -20000.00 JPN/10",
            "XM-TEST-coordination #7 1 2024-09-25 2024-09-25 USD -1000.00 JPN/10",
            "XM-TEST-rd #8 1 2024-05-01 2024-05-01 USD 5000.50 GATES/60",
        ]
    );
    // Activities: every mandate with entries up to the end of the year, by slug,
    // with its funders and its first value date.
    let ids: Vec<&str> = xml
        .lines()
        .filter_map(|l| l.trim().strip_prefix("<iati-identifier>"))
        .collect();
    assert_eq!(
        ids,
        [
            "XM-TEST-coordination</iati-identifier>",
            "XM-TEST-rd</iati-identifier>",
            "XM-TEST-victim-assistance</iati-identifier>",
        ]
    );
    for want in [
        r#"<iati-activities version="2.03" generated-datetime="2026-02-03T04:05:06Z">"#,
        r#"<reporting-org ref="XM-TEST" type="40">"#,
        r#"<participating-org ref="JPN" type="10" role="1">"#,
        r#"<participating-org ref="SWE" type="10" role="1">"#,
        r#"<participating-org ref="XM-TEST" type="40" role="4">"#,
        "<narrative>United Nations Office on Drugs and Crime</narrative>",
        r#"<activity-status code="2"/>"#,
        r#"<activity-date type="2" iso-date="2023-11-01"/>"#,
        r#"<activity-date type="2" iso-date="2024-05-01"/>"#,
        r#"<activity-date type="2" iso-date="2022-01-01"/>"#,
    ] {
        assert!(xml.contains(want), "lacks {want}:\n{xml}");
    }
    let out = t.dir().join("iati-2024.xml");
    t.ok(&format!(
        "export iati --year 2024 --reporting-org XM-TEST --output {}",
        out.display()
    ));
    assert_eq!(std::fs::read_to_string(&out).expect("output"), xml);
    validate(&out);
    // 2025: the GATES pledge alone; 2023: the first JPN pledge, no rd activity yet.
    let y2025 = t.ok("export iati --year 2025 --reporting-org XM-TEST");
    assert_eq!(
        transactions(&y2025),
        ["XM-TEST-rd #12 13 2025-01-10 2025-01-10 USD 3000.00 GATES/60"]
    );
    let y2023 = t.ok("export iati --year 2023 --reporting-org XM-TEST");
    assert_eq!(
        transactions(&y2023),
        ["XM-TEST-coordination #3 13 2023-11-01 2023-11-01 USD 250000.00 JPN/10"]
    );
    assert!(!y2023.contains("XM-TEST-rd"), "{y2023}");
}

#[test]
fn ledger_text_is_escaped() {
    let t = hand();
    let xml = t.ok("export iati --year 2024 --reporting-org XM-TEST");
    for want in [
        "<narrative>Fondation \"&lt;Ciel&gt; &amp; Terre\"</narrative>",
        "<narrative>Research &amp; &lt;Development&gt;</narrative>",
    ] {
        assert!(xml.contains(want), "lacks {want}:\n{xml}");
    }
    assert!(!xml.contains("<Ciel>") && !xml.contains("& "), "{xml}");
    let file = t.write("escaped.xml", &xml);
    validate(&file);
    use ledger::render::iati::{attribute, text};
    assert_eq!(text(r#"a<b>&"c'"#), r#"a&lt;b&gt;&amp;"c'"#);
    assert_eq!(
        attribute("a<b>&\"c'\n\t\r"),
        "a&lt;b&gt;&amp;&quot;c&apos;&#10;&#9;&#13;"
    );
    assert_eq!(text("bell\u{7}"), "bell\u{FFFD}");
}

#[test]
fn same_ledger_same_bytes() {
    let mut t = hand();
    let args = "export iati --year 2024 --reporting-org XM-TEST";
    let first = t.ok(args);
    t.set_now("2031-05-06T07:08:09Z");
    let second = t.ok(args);
    assert_eq!(first, second);
    assert!(first.contains(r#"generated-datetime="2026-02-03T04:05:06Z""#));
}

#[test]
fn demo_ledger_validates() {
    let t = Test::new();
    let demo = crate::report::demo::demo_path();
    let out = t.dir().join("demo-2009.xml");
    t.ok(&[
        "--ledger",
        &demo,
        "export",
        "iati",
        "--year",
        "2009",
        "--reporting-org",
        "XM-TEST",
        "--output",
        &out.display().to_string(),
    ]);
    let xml = std::fs::read_to_string(&out).expect("output");
    assert!(transactions(&xml).len() > 50, "{xml}");
    validate(&out);
}

#[test]
fn bad_flags_are_refused() {
    let t = hand();
    let base = "export iati --reporting-org XM-TEST --year";
    t.refuses(
        &format!("{base} 20x4"),
        2,
        "error: invalid value '20x4' for '--year <YEAR>': \"20x4\" is not a year; give four digits, e.g. 2024\n\
         \n\
         For more information, try '--help'.\n",
    );
    t.refuses(
        &format!("{base} 24"),
        2,
        "error: invalid value '24' for '--year <YEAR>': \"24\" is not a year; give four digits, e.g. 2024\n\
         \n\
         For more information, try '--help'.\n",
    );
    t.refuses(
        &format!("{base} 1800"),
        2,
        "error: invalid value '1800' for '--year <YEAR>': 1800 is outside the years 1945 to 2199\n\
         \n\
         For more information, try '--help'.\n",
    );
    t.refuses(
        "export iati --year 2024",
        2,
        "error: the following required arguments were not provided:\n  --reporting-org <REF>\n\nUsage: ledger export iati --year <YEAR> --reporting-org <REF>\n\nFor more information, try '--help'.\n",
    );
    t.refuses(
        "export iati --year 2024 --reporting-org ''",
        2,
        "error: --reporting-org: empty; give the reporting organisation's IATI identifier, e.g. XM-EXAMPLE\n",
    );
    t.refuses(
        "export iati --year 2024 --reporting-org 'XM TEST'",
        2,
        "error: --reporting-org: \"XM TEST\" holds ' '; an identifier has only letters, digits, '-', '_' and '.'\n",
    );
    t.refuses(
        "export iati --year 2024 --reporting-org 'A&B'",
        2,
        "error: --reporting-org: \"A&B\" holds '&'; an identifier has only letters, digits, '-', '_' and '.'\n",
    );
    // Nothing up to 2020: no activity, and an IATI file needs one.
    t.refuses(
        "export iati --year 2020 --reporting-org XM-TEST",
        1,
        "error: no mandate has a pledge, payment, refund or in-kind contribution dated in or before 2020, and an IATI file needs at least one activity [empty-ledger]\n",
    );
    let taken = t.write("taken.xml", "keep me");
    t.refuses(
        &format!(
            "export iati --year 2024 --reporting-org XM-TEST --output {}",
            taken.display()
        ),
        1,
        "error: --output $DIR/taken.xml: the file exists; add --force to replace it\n",
    );
    assert_eq!(std::fs::read_to_string(&taken).expect("kept"), "keep me");
    t.ok(&format!(
        "export iati --year 2024 --reporting-org XM-TEST --output {} --force",
        taken.display()
    ));
    t.refuses(
        &format!(
            "export iati --year 2024 --reporting-org XM-TEST --output {}",
            t.ledger().display()
        ),
        1,
        "error: --output $DIR/test.jsonl: that is the ledger's own file ($DIR/test.jsonl); a report is never written over it\n",
    );
}

/// An agreement's instalments are commitments (11), dated when they count; a
/// conditional agreement's count only once its condition is met, and a plain
/// pledge stays a pledge (13). The file still validates.
#[test]
fn agreement_instalments_are_incoming_commitments() {
    let t = Test::init().at("2026-01-01T00:00:00Z");
    for line in [
        "record rate --currency SEK --per-usd 10 --date 2024-01-01",
        "agreement add SE-2024-01 --donor SWE --mandate coordination --currency SEK --signed 2024-01-15 --title 'Coordination 2024-2026'",
        "agreement add US-2024-C --donor USA --mandate icat --currency USD --signed 2024-02-01 --title 'ICAT, on conditions' --conditional",
        "record pledge --donor SWE --mandate coordination --amount 1000000 --currency SEK --date 2024-01-20 --due 2024-06-30 --agreement SE-2024-01",
        "record pledge --donor SWE --mandate coordination --amount 1000000 --currency SEK --date 2024-01-20 --due 2025-06-30 --agreement SE-2024-01",
        "record pledge --donor USA --mandate icat --amount 500000 --currency USD --date 2024-02-10 --due 2025-03-31 --agreement US-2024-C",
        "record pledge --donor SWE --mandate icat --amount 300000 --currency SEK --date 2024-03-01",
    ] {
        t.ok(line);
    }
    let before = t.ok("export iati --year 2024 --reporting-org XM-TEST");
    assert_eq!(
        transactions(&before),
        [
            "XM-TEST-coordination #4 11 2024-01-20 2024-01-20 SEK 1000000.00 SWE/10",
            "XM-TEST-coordination #5 11 2024-01-20 2024-01-20 SEK 1000000.00 SWE/10",
            "XM-TEST-icat #7 13 2024-03-01 2024-03-01 SEK 300000.00 SWE/10",
        ]
    );
    t.ok("record condition-met --agreement US-2024-C --date 2024-09-30");
    let after = t.ok("export iati --year 2024 --reporting-org XM-TEST");
    assert!(
        transactions(&after)
            .contains(&"XM-TEST-icat #6 11 2024-09-30 2024-09-30 USD 500000.00 USA/10".to_string()),
        "{after}"
    );
    let file = t.write("agreements.xml", &after);
    validate(&file);
}
