//! A whole-ledger `donors` (by donor or category), `mandates`, `funds`, `quarterly`
//! or `agreements` report of a ledger with more money entries
//! than a report holds at once (`LEDGER_REPORT_ENTRIES`, a million by default) is
//! read one group of donors and mandates at a time, and must print exactly what the report of
//! the whole book prints: on every hand-checked ledger (opening pledges, reductions,
//! agreements and conditions, funds, in-kind contributions, reversals), in every
//! format, for every kind of period, and when a rate is missing.

use crate::structure::agreements::agreements_ledger;
use crate::structure::categories::contributors_ledger;
use crate::structure::structure_ledger;
use crate::util::Test;

/// Every donors (by donor and by category), agreements, mandates and funds report
/// over each of `periods`, and every quarterly report of each of `quarters`, of the
/// ledger `t` (at `ledger`, if given), of the whole ledger and of each of `scopes`
/// (a fund or donor category), read whole and read in groups of at most each of
/// `budgets` entries (fewer than the ledger holds), gives the same status, stdout
/// and stderr, but for the note that says it was read in groups.
fn same_in_groups(
    t: &Test,
    ledger: Option<&str>,
    budgets: &[&str],
    periods: &[&[&str]],
    quarters: &[&[&str]],
    scopes: &[&[&str]],
) {
    let kinds: [(&[&str], _); 6] = [
        (&["donors"], periods),
        (&["agreements"], periods),
        (&["donors", "--by", "category"], periods),
        (&["mandates"], periods),
        (&["funds"], periods),
        (&["quarterly"], quarters),
    ];
    let whole_ledger: &[&str] = &[];
    for (kind, periods) in kinds {
        let mut grouped_runs = 0;
        for (period, scope) in periods.iter().flat_map(|p| {
            std::iter::once(whole_ledger)
                .chain(scopes.iter().copied())
                .map(move |s| (p, s))
        }) {
            for format in ["json", "table"] {
                let mut a = vec!["report"];
                a.extend_from_slice(kind);
                a.extend_from_slice(&["--format", format]);
                if let Some(l) = ledger {
                    a.extend_from_slice(&["--ledger", l]);
                }
                a.extend_from_slice(period);
                a.extend_from_slice(scope);
                let whole = t.run(&a);
                assert!(!whole.stderr.contains("note:"), "{}", whole.stderr);
                for budget in budgets {
                    let grouped = t.run_env(("LEDGER_REPORT_ENTRIES", budget), &a);
                    assert_eq!(grouped.status, whole.status, "{a:?} by {budget}");
                    assert_eq!(grouped.stdout, whole.stdout, "{a:?} by {budget}");
                    // Read in groups when the entries read are more than the
                    // budget (not, say, as of before the first), and said so
                    // before anything else.
                    let said = format!(
                        "at once ({budget}, set by LEDGER_REPORT_ENTRIES); it is read again for each of "
                    );
                    let rest = match grouped.stderr.split_once('\n') {
                        Some((note, rest)) if note.starts_with("note: ") => {
                            assert!(note.contains(&said), "{note}");
                            grouped_runs += 1;
                            rest
                        }
                        _ => grouped.stderr.as_str(),
                    };
                    assert_eq!(rest, whole.stderr, "{a:?} by {budget}");
                }
            }
        }
        assert!(grouped_runs > 0, "{kind:?} never read in groups");
    }
}

/// One donor at a time (groups of at most one entry), and two or more (groups of
/// at most three).
const BUDGETS: [&str; 2] = ["1", "6"];

/// Quarters before, across and after the hand-checked ledgers' entries (2024-2025),
/// one with a small-balance tolerance, and the ledger's last.
const QUARTERS: [&[&str]; 5] = [
    &[],
    &["--year", "2024", "--quarter", "4"],
    &["--year", "2025", "--quarter", "1", "--tolerance", "1000000"],
    &[
        "--year",
        "2024",
        "--quarter",
        "3",
        "--as-of",
        "2024-12-31T00:00:00Z",
    ],
    &["--year", "2026", "--quarter", "2"],
];

const PERIODS: [&[&str]; 6] = [
    &[],
    &["--year", "2024"],
    &["--year", "2025"],
    &["--from", "2024-03-01"],
    &["--to", "2024-12-31"],
    &["--as-of", "2024-12-31T00:00:00Z"],
];

#[test]
fn agreements_and_conditions_read_in_groups() {
    let scopes: [&[&str]; 3] = [
        &["--category", "member-state"],
        &["--category", "foundation"],
        &["--fund", "CPCJF"],
    ];
    same_in_groups(
        &agreements_ledger(),
        None,
        &BUDGETS,
        &PERIODS,
        &QUARTERS,
        &scopes,
    );
}

#[test]
fn an_agreement_of_a_donor_with_no_entries_is_listed_in_groups() {
    let t = agreements_ledger();
    t.ok("agreement add NO-2024-01 --donor NOR --mandate coordination --currency NOK --signed 2024-03-01 --title 'Not yet pledged'");
    let o = t.ok("report agreements --format json");
    assert!(o.contains(r#""agreement": "NO-2024-01""#), "{o}");
    same_in_groups(
        &t,
        None,
        &BUDGETS,
        &PERIODS,
        &QUARTERS,
        &[&["--category", "member-state"], &["--fund", "CPCJF"]],
    );
}

#[test]
fn funds_in_kind_and_categories_read_in_groups() {
    let funds: [&[&str]; 3] = [
        &["--fund", "UNDCP"],
        &["--fund", "CPCJF"],
        &["--fund", "UNVTF"],
    ];
    same_in_groups(
        &structure_ledger(),
        None,
        &BUDGETS,
        &PERIODS,
        &QUARTERS,
        &funds,
    );
    let categories: [&[&str]; 4] = [
        &["--category", "foundation"],
        &["--category", "member-state"],
        &["--category", "un-entity", "--fund", "CPCJF"],
        &["--category", "pooled-fund"],
    ];
    same_in_groups(
        &contributors_ledger(),
        None,
        &BUDGETS,
        &PERIODS,
        &QUARTERS,
        &categories,
    );
}

#[test]
fn opening_pledges_reductions_and_write_offs_read_in_groups() {
    // And a fund none of whose pledges is an opening one: its report starts at
    // its own first entry and says nothing of the ledger's opening date.
    let mut t = super::opening::opening_ledger();
    t.set_now("2025-01-02T00:00:00Z");
    t.ok("mandate add drug-prevention --name 'Drug use prevention' --earmarking earmarked --fund UNDCP");
    t.ok(
        "record pledge --donor JPN --mandate drug-prevention --amount 30000 --currency USD --date 2024-07-15",
    );
    t.ok("record payment --donor JPN --mandate drug-prevention --amount 10000 --currency USD --date 2024-08-15");
    let o = t.ok("report donors --fund UNDCP --to 2024-12-31 --format json");
    assert!(o.contains(r#""from": "2024-07-15""#), "{o}");
    assert!(o.contains(r#""warnings": []"#), "{o}");
    same_in_groups(
        &t,
        None,
        &BUDGETS,
        &PERIODS,
        &QUARTERS,
        &[&["--fund", "UNDCP"], &["--fund", "CPCJF"]],
    );
}

#[test]
fn the_hand_ledger_and_the_demo_read_in_groups() {
    let periods: [&[&str]; 5] = [
        &[],
        &["--year", "2009"],
        &["--year", "2009", "--quarter", "3"],
        &["--to", "2009-06-30"],
        &["--as-of", "2009-07-17T00:00:00Z"],
    ];
    let quarters: [&[&str]; 4] = [
        &[],
        &["--year", "2009", "--quarter", "3"],
        &["--year", "2010", "--quarter", "1"],
        &[
            "--year",
            "2009",
            "--quarter",
            "3",
            "--as-of",
            "2009-07-17T00:00:00Z",
        ],
    ];
    same_in_groups(
        &super::hand_ledger(),
        None,
        &BUDGETS,
        &periods,
        &quarters,
        &[&["--category", "member-state"]],
    );
    let t = Test::new().at("2027-01-01T00:00:00Z");
    // 348 money entries: groups of at most 20 and 75 entries, one to three donors.
    same_in_groups(
        &t,
        Some(&super::demo::demo_path()),
        &["40", "150"],
        &periods,
        &quarters,
        &[&["--fund", "CPCJF"], &["--category", "member-state"]],
    );
}

/// A ledger whose settlement lacks rates: EUR before 2024-03-01 and any JPY.
fn missing_rate_ledger() -> Test {
    let t = Test::new().at("2025-01-01T00:00:00Z");
    t.ok("init");
    for line in [
        "record rate --currency EUR --per-usd 0.9 --date 2024-03-01",
        "record pledge --donor DEU --mandate icat --amount 1000 --currency EUR --date 2024-01-15",
        "record pledge --donor JPN --mandate icat --amount 500000 --currency JPY --date 2024-02-10",
        "record payment --donor FRA --mandate icat --amount 700 --currency EUR --date 2024-05-02",
        "record payment --donor JPN --mandate icat --amount 2000 --currency USD --date 2024-06-01",
    ] {
        t.ok(line);
    }
    t
}

#[test]
fn a_missing_rate_is_said_the_same_in_groups() {
    let t = missing_rate_ledger();
    let o = t.fails("report donors", 1);
    assert!(o.stderr.contains("[missing-rate]"), "{}", o.stderr);
    same_in_groups(
        &t,
        None,
        &BUDGETS,
        &PERIODS,
        &QUARTERS,
        &[&["--category", "member-state"]],
    );
}

#[test]
fn a_quarterly_report_whose_lists_have_nowhere_to_go_fails_and_writes_nothing() {
    let t = agreements_ledger();
    let out = t.dir().join("q.txt");
    let out_arg = out.display().to_string();
    let q = ["report", "quarterly", "--year", "2024", "--quarter", "4"];
    let to_file = [&q[..], &["--output", &out_arg]].concat();
    let o = t.run_envs(
        &[
            ("LEDGER_REPORT_ENTRIES", "1"),
            ("TMPDIR", "/nonexistent/tmp"),
        ],
        &to_file,
    );
    assert_eq!(o.status, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "error: the report's lists kept on disk: cannot make a temporary file in /nonexistent/tmp (TMPDIR): "
        ),
        "{}",
        o.stderr
    );
    assert!(o.stdout.is_empty());
    assert!(!out.exists());
    // With somewhere to go, the report of the whole book is written.
    let o = t.run_env(("LEDGER_REPORT_ENTRIES", "1"), &to_file);
    assert_eq!(o.status, 0, "{}", o.stderr);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), t.ok(&q[..]));
}

#[test]
fn a_budget_that_is_not_a_number_of_entries_is_refused() {
    let t = agreements_ledger();
    for bad in ["0", "-5", "1e6", "many", ""] {
        let o = t.run_env(("LEDGER_REPORT_ENTRIES", bad), "report donors");
        assert_eq!(o.status, 2, "{bad:?}: {}", o.stderr);
        assert!(
            o.stderr.contains(&format!(
                "LEDGER_REPORT_ENTRIES: {bad:?} is not a number of entries"
            )),
            "{}",
            o.stderr
        );
        assert!(o.stdout.is_empty());
    }
}

/// A ledger of more donors and mandates than a report read in groups numbers
/// (65,535): 247 built-in donors, each with a pledge for each of 266 mandates (some
/// in UNDCP). Past the budget, every report of the whole ledger, a fund or a
/// category says it holds the book at once, and prints what it prints within it.
#[test]
fn more_donors_and_mandates_than_groups_number_are_read_at_once() {
    let t = Test::new().at("2025-01-01T00:00:00Z");
    t.ok("init");
    let mut mandates: Vec<String> = t
        .ok("mandate list --format json")
        .lines()
        .filter_map(|l| l.trim().strip_prefix(r#""slug": ""#))
        .map(|s| s.trim_end_matches([',', '"']).to_string())
        .collect();
    assert_eq!(mandates.len(), 11, "{mandates:?}");
    for i in 0..255 {
        let fund = if i % 2 == 0 { "UNDCP" } else { "CPCJF" };
        t.ok(&[
            "mandate",
            "add",
            &format!("m{i}"),
            "--name",
            &format!("Mandate {i}"),
            "--earmarking",
            "earmarked",
            "--fund",
            fund,
        ]);
        mandates.push(format!("m{i}"));
    }
    let donors: Vec<String> = t
        .ok("donor list --format csv")
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(donors.len() * mandates.len(), 65_702);
    let mut csv = String::from(
        "date,donor,mandate,kind,amount,currency,reference,pledge_reference,due,memo\n",
    );
    let mut n = 0;
    for d in &donors {
        for m in &mandates {
            n += 1;
            csv.push_str(&format!(
                "2024-{:02}-15,{d},{m},pledge,{}.00,USD,,,,\n",
                n % 12 + 1,
                n % 97 + 1
            ));
        }
    }
    t.write("all.csv", csv);
    t.ok("import all.csv");
    let said = "note: the ledger's money entries are of more than 65535 donors and mandates, too many to read in groups: the report holds them at once, past LEDGER_REPORT_ENTRIES (1000)\n";
    // A category of two donors (532 entries) is within the budget: one read, no note.
    for (args, note) in [
        ("report donors --format json", said),
        ("report mandates --fund UNDCP --format json", said),
        (
            "report donors --category member-state --year 2024 --format json",
            said,
        ),
        (
            "report quarterly --year 2024 --quarter 2 --category observer-state --format json",
            "",
        ),
    ] {
        let whole = t.run(args);
        assert_eq!(whole.status, 0, "{args}: {}", whole.stderr);
        assert!(whole.stdout.len() > 1000, "{args}");
        let at_once = t.run_env(("LEDGER_REPORT_ENTRIES", "1000"), args);
        assert_eq!(at_once.stderr, format!("{note}{}", whole.stderr), "{args}");
        assert_eq!(at_once.status, 0, "{args}");
        assert_eq!(at_once.stdout, whole.stdout, "{args}");
    }
    // The CEB export (no money received: a header only) and the IATI file say the
    // same.
    for args in [
        "export ceb --year 2024",
        "export iati --year 2024 --reporting-org XM-TEST",
    ] {
        let whole = t.ok(args);
        let at_once = t.run_env(("LEDGER_REPORT_ENTRIES", "1000"), args);
        assert_eq!(
            (at_once.status, at_once.stderr.as_str()),
            (0, said),
            "{args}"
        );
        assert_eq!(at_once.stdout, whole, "{args}");
    }
}

/// `export ceb` and `export iati` of a ledger with more money entries than the
/// budget are made group by group too, and write the same file, warnings and errors
/// as from the whole book: each CEB row's exact figure is the sum of its groups',
/// rounded once; each IATI activity gathers its groups' funders and transactions.
#[test]
fn the_ceb_and_iati_exports_read_in_groups() {
    let missing_rate = missing_rate_ledger();
    let demo = Test::new().at("2027-01-01T00:00:00Z");
    let demo_path = super::demo::demo_path();
    let ledgers: [(&Test, Option<&str>, &[&str]); 6] = [
        (&structure_ledger(), None, &["2024", "2025"]),
        (&contributors_ledger(), None, &["2024"]),
        (&agreements_ledger(), None, &["2024", "2025"]),
        (&super::opening::opening_ledger(), None, &["2024"]),
        (&missing_rate, None, &["2024"]),
        (&demo, Some(&demo_path), &["2009", "2010"]),
    ];
    let mut grouped_runs = 0;
    for (t, ledger, years) in ledgers {
        for year in years {
            let layouts: [&[&str]; 3] = [
                &["ceb"],
                &["ceb", "--government"],
                &["iati", "--reporting-org", "XM-TEST"],
            ];
            for layout in layouts {
                let mut a = vec!["export"];
                a.extend_from_slice(layout);
                a.extend_from_slice(&["--year", year]);
                if let Some(l) = ledger {
                    a.extend_from_slice(&["--ledger", l]);
                }
                let whole = t.run(&a);
                for budget in ["1", "6", "40"] {
                    let grouped = t.run_env(("LEDGER_REPORT_ENTRIES", budget), &a);
                    assert_eq!(grouped.status, whole.status, "{a:?} by {budget}");
                    assert_eq!(grouped.stdout, whole.stdout, "{a:?} by {budget}");
                    let rest = match grouped.stderr.split_once('\n') {
                        Some((note, rest)) if note.starts_with("note: the ledger holds ") => {
                            grouped_runs += 1;
                            rest
                        }
                        _ => grouped.stderr.as_str(),
                    };
                    assert_eq!(rest, whole.stderr, "{a:?} by {budget}");
                }
            }
        }
    }
    assert!(grouped_runs > 30, "{grouped_runs}");
}
