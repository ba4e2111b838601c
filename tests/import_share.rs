//! An import into a ledger that may hold more entries than a report holds at once
//! (`LEDGER_REPORT_ENTRIES`) keeps only the share of it its rows are judged by: the
//! donors they name, every entry that names no donor, the last pledge of each
//! reference a row names a pledge by, and the rows of the file imported before.
//! Each import here runs on two copies of one ledger, read whole (the default
//! budget) and by share (a budget of one entry), and must print the same, exit the
//! same and leave the same bytes.

use crate::util::{Output, Test};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import");
const PROFILES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ledgers/profiles");
const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ledgers/demo.jsonl");

/// Two copies of the ledger `setup` makes: read whole, and by share.
struct Pair {
    whole: Test,
    share: Test,
}

impl Pair {
    fn new(setup: impl Fn(&Test)) -> Pair {
        let pair = Pair {
            whole: Test::new(),
            share: Test::new(),
        };
        setup(&pair.whole);
        setup(&pair.share);
        assert_eq!(pair.whole.journal(), pair.share.journal(), "the same setup");
        pair
    }

    /// Writes a file into both directories.
    fn write(&self, name: &str, contents: impl AsRef<[u8]>) {
        self.whole.write(name, &contents);
        self.share.write(name, &contents);
    }

    /// Runs `args` on both copies and requires the same output, status and journal;
    /// returns what the share's run printed.
    #[track_caller]
    fn same(&self, args: &str) -> Output {
        self.same_within("1", args)
    }

    /// `same`, the share's run with a budget of `budget` entries.
    #[track_caller]
    fn same_within(&self, budget: &str, args: &str) -> Output {
        let whole = self.whole.run(args);
        let share = self.share.run_env(("LEDGER_REPORT_ENTRIES", budget), args);
        assert_eq!(share.status, whole.status, "{args}: {share:?} / {whole:?}");
        assert_eq!(share.stdout, whole.stdout, "{args}");
        // Rows judged in groups say so, and so does `verify --rules` replayed in
        // groups; nothing else differs.
        let unnoted: String = share
            .stderr
            .lines()
            .filter(|l| !l.starts_with("note: these rows and the entries of the donors they name"))
            .filter(|l| {
                !(l.starts_with("note: the ledger holds")
                    && l.contains("replayed through the rules"))
            })
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(unnoted, whole.stderr, "{args}");
        assert_eq!(
            String::from_utf8_lossy(&self.share.journal()),
            String::from_utf8_lossy(&self.whole.journal()),
            "{args}: the journals"
        );
        share
    }
}

fn demo(t: &Test) {
    t.write("test.jsonl", std::fs::read(DEMO).expect("the demo ledger"));
}

/// Every shipped example export, on the demo ledger: listed, then imported, then
/// imported again (everything already recorded).
#[test]
fn every_example_export_imports_alike_read_whole_or_by_share() {
    let pair = Pair::new(demo);
    let examples = [
        ("canonical-example.csv", String::new()),
        (
            "umoja-receipts-2024-q3.csv",
            format!(" --profile {PROFILES}/umoja-receipts.toml"),
        ),
        ("rates-example.csv", " --profile rates".to_string()),
        ("negatives.csv", String::new()),
        (
            "european.csv",
            format!(" --profile {FIXTURES}/european.toml"),
        ),
        (
            "sign-column.csv",
            format!(" --profile {FIXTURES}/sign-column.toml"),
        ),
        ("filter.csv", format!(" --profile {FIXTURES}/filter.toml")),
    ];
    for (file, profile) in &examples {
        pair.write(file, std::fs::read(format!("{FIXTURES}/{file}")).unwrap());
        pair.same(&format!("import {file}{profile} --dry-run"));
        pair.same(&format!("import {file}{profile} --dry-run --format json"));
        let first = pair.same(&format!("import {file}{profile}"));
        assert!(
            first.status != 0 || first.stdout.contains("new entr"),
            "{first:?}"
        );
        let again = pair.same(&format!("import {file}{profile}"));
        assert!(
            again.status != 0 || again.stdout.contains(" 0 new entries"),
            "{again:?}"
        );
    }
    pair.same("verify");
}

const HEADER: &str =
    "date,donor,mandate,kind,amount,currency,reference,pledge_reference,due,memo\n";

/// Two donors' pledges carry one reference; a row naming a pledge by it names the
/// last (whose donor the rows may not name), as a whole read would say.
fn two_pledges_one_reference(t: &Test) {
    t.ok("init");
    t.ok("record pledge --donor JPN --mandate icat --amount 100 --currency USD --date 2024-01-01 --reference P-1");
    t.ok("record pledge --donor USA --mandate icat --amount 500 --currency USD --date 2024-01-02 --reference P-1");
    t.ok("record pledge --donor DEU --mandate icat --amount 70 --currency USD --date 2024-01-03 --reference P-2");
    t.ok("record payment --donor JPN --mandate icat --amount 40 --currency USD --date 2024-02-01");
}

#[test]
fn a_pledge_reference_names_the_last_pledge_whoever_gave_it() {
    let pair = Pair::new(two_pledges_one_reference);
    // JPN's payment names P-1, which is USA's last: refused as of another donor.
    pair.write(
        "jpn.csv",
        format!("{HEADER}2024-03-01,JPN,icat,payment,10.00,USD,J-1,P-1,,\n"),
    );
    let o = pair.same("import jpn.csv");
    assert_eq!(o.status, 1);
    assert!(o.stderr.contains("belongs to USA, not JPN"), "{}", o.stderr);
    // A write-off names only its pledge: a donor no row names is read too.
    pair.write(
        "wo.csv",
        format!(
            "{HEADER}2024-03-01,,,write-off,20.00,USD,W-1,P-1,,board decision 7\n2024-03-02,JPN,icat,payment,5.00,USD,J-2,,,\n"
        ),
    );
    let o = pair.same("import wo.csv --dry-run");
    assert!(o.stdout.contains("2 new entries"), "{o:?}");
    pair.same("import wo.csv");
    let log = pair.same("log --format json").stdout;
    assert!(log.contains(r#""kind":"write-off","pledge":2"#), "{log}");
    // Imported again: the write-off is known by its pledge's donor.
    let o = pair.same("import wo.csv");
    assert!(
        o.stdout.contains("0 new entries, 2 already recorded"),
        "{o:?}"
    );
    // A pledge in the file with the reference is the last from then on.
    pair.write(
        "own.csv",
        format!(
            "{HEADER}2024-04-01,JPN,icat,pledge,9.00,USD,P-1,,,\n2024-04-02,JPN,icat,payment,9.00,USD,J-3,P-1,,\n"
        ),
    );
    pair.same("import own.csv");
    // A reference no pledge carries is refused alike.
    pair.write(
        "none.csv",
        format!("{HEADER}2024-05-01,JPN,icat,payment,1.00,USD,J-4,P-9,,\n"),
    );
    let o = pair.same("import none.csv");
    assert!(
        o.stderr.contains("[unknown-pledge-reference]"),
        "{}",
        o.stderr
    );
    pair.same("verify --rules");
}

#[test]
fn a_reversed_last_pledge_is_no_pledge_to_name() {
    let pair = Pair::new(|t| {
        two_pledges_one_reference(t);
        t.ok("record reversal --entry 2 --reason 'recorded in error'");
    });
    pair.write(
        "jpn.csv",
        format!("{HEADER}2024-03-01,JPN,icat,payment,10.00,USD,J-1,P-1,,\n"),
    );
    let o = pair.same("import jpn.csv");
    assert_eq!(o.status, 1, "{o:?}");
}

/// A file imported once is known by its rows however its donors were read: here a
/// second profile reads the donor from another column, so the rows would be
/// another donor's entries, and are already recorded all the same.
#[test]
fn a_row_imported_before_is_known_whoever_it_was_recorded_for() {
    let pair = Pair::new(|t| {
        t.ok("init");
        t.ok("record pledge --donor USA --mandate icat --amount 500 --currency USD --date 2024-01-02");
    });
    let csv = "date,donor,other,mandate,kind,amount,currency\n2024-03-01,JPN,USA,icat,payment,10.00,USD\n2024-03-02,JPN,USA,icat,payment,11.00,USD\n";
    pair.write("paid.csv", csv);
    let profile = |donor: &str| {
        format!(
            "[columns]\ndate = \"date\"\ndonor = \"{donor}\"\nmandate = \"mandate\"\nkind = \"kind\"\namount = \"amount\"\ncurrency = \"currency\"\n"
        )
    };
    pair.write("by-donor.toml", profile("donor"));
    pair.write("by-other.toml", profile("other"));
    let o = pair.same("import paid.csv --profile ./by-donor.toml");
    assert!(o.stdout.contains("2 new entries"), "{o:?}");
    let o = pair.same("import paid.csv --profile ./by-other.toml");
    assert!(
        o.stdout.contains("0 new entries, 2 already recorded"),
        "{o:?}"
    );
}

/// Registered donors by code and by name, rates, refunds listed before their
/// payments, and rows with problems: each judged alike.
#[test]
fn registered_donors_rates_refunds_and_problems_alike() {
    let pair = Pair::new(|t| {
        t.ok("init");
        t.ok("donor add ACME --name 'Acme Foundation' --category foundation");
        t.ok("record rate --currency EUR --per-usd 0.9 --date 2024-01-01");
        t.ok("record pledge --donor ACME --mandate icat --amount 300 --currency USD --date 2024-01-05 --reference A-1");
        t.ok("record pledge --donor JPN --mandate icat --amount 100 --currency USD --date 2024-01-06 --reference J-P");
        t.ok("record payment --donor JPN --mandate icat --amount 60 --currency USD --date 2024-01-07");
    });
    pair.write(
        "mixed.csv",
        format!(
            "{HEADER}2024-02-01,Acme Foundation,icat,refund,5.00,USD,AR-1,,,\n\
             2024-01-20,ACME,icat,payment,50.00,USD,AP-1,A-1,,\n\
             2024-02-02,Japan,icat,refund,70.00,USD,JR-1,,,\n\
             2024-02-03,Jpaan,icat,payment,1.00,USD,,,,\n\
             2024-02-04,USA,icat,pledge,1.00,EUR,U-1,,,\n"
        ),
    );
    let o = pair.same("import mixed.csv");
    assert_eq!(o.status, 1, "{o:?}");
    assert!(o.stderr.contains("[unknown-donor]"), "{}", o.stderr);
    pair.write(
        "fixed.csv",
        format!(
            "{HEADER}2024-02-01,Acme Foundation,icat,refund,5.00,USD,AR-1,,,\n\
             2024-01-20,ACME,icat,payment,50.00,USD,AP-1,A-1,,\n\
             2024-02-02,Japan,icat,refund,20.00,USD,JR-1,,,\n\
             2024-02-04,USA,icat,pledge,1.00,EUR,U-1,,,\n"
        ),
    );
    let o = pair.same("import fixed.csv");
    assert!(o.stdout.contains("4 new entries"), "{o:?}");
    pair.write(
        "rates.csv",
        "currency,date,per_usd\nEUR,2024-01-01,0.9\nEUR,2024-02-01,0.95\n",
    );
    pair.same("import rates.csv --profile rates");
    pair.same("verify --rules");
}

/// Rows of several donors judged in groups, one group of donors at a time, with a
/// rate row in the same file (every group judges it, one counts it): each run
/// lists, records and numbers alike, and a payment naming a pledge of the same
/// file names it by its number in the whole batch.
#[test]
fn rates_in_the_file_count_for_every_group_of_donors() {
    let pair = Pair::new(|t| {
        t.ok("init");
        t.ok("record pledge --donor JPN --mandate icat --amount 100 --currency USD --date 2024-01-01 --reference P-1");
        t.ok("record pledge --donor USA --mandate icat --amount 500 --currency USD --date 2024-01-02 --reference P-2");
        t.ok("record pledge --donor ITA --mandate icat --amount 50 --currency USD --date 2024-01-03 --reference P-4");
    });
    pair.write(
        "mixed.toml",
        "[csv]\noptional_columns = [\"reference\", \"pledge_reference\", \"per_usd\"]\n\
         [columns]\ndate = \"date\"\ndonor = \"donor\"\nmandate = \"mandate\"\nkind = \"kind\"\n\
         amount = \"amount\"\ncurrency = \"currency\"\nreference = \"reference\"\n\
         pledge_reference = \"pledge_reference\"\nper_usd = \"per_usd\"\n",
    );
    let header = "date,donor,mandate,kind,amount,currency,reference,pledge_reference,per_usd\n";
    let rows = "2024-03-01,,,rate,,EUR,,,0.8\n\
                2024-03-02,Japan,icat,payment,40,EUR,PAY-1,P-1,\n\
                2024-03-03,Germany,icat,pledge,10,EUR,P-3,,\n\
                2024-03-04,USA,icat,payment,80,EUR,PAY-2,P-2,\n\
                2024-03-05,Germany,icat,payment,4,EUR,PAY-3,P-3,\n\
                2024-03-06,Italy,icat,pledge,20,USD,P-5,,\n\
                2024-03-07,Italy,icat,payment,20,USD,PAY-5,P-5,\n";
    pair.write("paid.csv", format!("{header}{rows}"));
    let o = pair.same("import paid.csv --profile ./mixed.toml --dry-run");
    assert!(o.stdout.contains("7 new entries"), "{o:?}");
    assert!(
        o.stderr
            .contains("the rows are judged in 4 groups of donors"),
        "{o:?}"
    );
    // The payment of the file's own pledge names it by its number, #9.
    assert!(
        o.stdout
            .contains("payment ITA icat 20.00 USD 2024-03-07 pledge #9"),
        "{o:?}"
    );
    let o = pair.same("import paid.csv --profile ./mixed.toml");
    assert!(o.stdout.contains("7 new entries"), "{o:?}");
    let o = pair.same("import paid.csv --profile ./mixed.toml");
    assert!(
        o.stdout.contains("0 new entries, 7 already recorded"),
        "{o:?}"
    );
    pair.same("verify --rules");
}

/// Rows of many donors (eight or more) are judged in groups without first reading
/// their share as one: alike, refusals included.
#[test]
fn rows_of_many_donors_are_grouped_at_once() {
    const DONORS: [&str; 9] = [
        "JPN", "USA", "ITA", "DEU", "FRA", "GBR", "CAN", "AUS", "NOR",
    ];
    let pair = Pair::new(|t| {
        t.ok("init");
        for (i, d) in DONORS.iter().enumerate() {
            t.ok(&format!(
                "record pledge --donor {d} --mandate icat --amount 100 --currency USD --date 2024-01-0{} --reference P-{d}",
                i + 1
            ));
        }
    });
    let paid: String = DONORS
        .iter()
        .map(|d| format!("2024-03-01,{d},icat,payment,40,USD,PAY-{d},P-{d},,\n"))
        .collect();
    pair.write("paid.csv", format!("{HEADER}{paid}"));
    // NOR's payment names CAN's pledge: refused as another donor's, in either read.
    pair.write(
        "wrong.csv",
        format!("{HEADER}{paid}2024-03-02,NOR,icat,payment,1,USD,PAY-X,P-CAN,,\n"),
    );
    let o = pair.same("import wrong.csv");
    assert_eq!(o.status, 1, "{o:?}");
    assert!(o.stderr.contains("belongs to CAN, not NOR"), "{o:?}");
    let o = pair.same("import paid.csv --dry-run");
    assert!(o.stderr.contains("the rows are judged in"), "{o:?}");
    let o = pair.same("import paid.csv");
    assert!(o.stdout.contains("9 new entries"), "{o:?}");
    let o = pair.same("import paid.csv");
    assert!(
        o.stdout.contains("0 new entries, 9 already recorded"),
        "{o:?}"
    );
    pair.same("verify --rules");
}

/// A file of more rows than a group holds is judged in groups of donors into a
/// ledger of any size, one well within the budget too: each group's entries are
/// numbered into the batch (a payment names its pledge of the same file by its
/// number there, a refund listed before its payment is tried again after every
/// row), and a refusal, a dry run, the import and the same file again are alike.
#[test]
fn a_file_of_many_rows_is_judged_in_groups_into_a_small_ledger() {
    let pair = Pair::new(|t| {
        t.ok("init");
        t.ok("record pledge --donor JPN --mandate icat --amount 100 --currency USD --date 2024-01-01 --reference P-J");
    });
    // Twelve entries of budget: a group holds four lines, a row counts as two, and
    // the ledger's three lines are well within the budget.
    let budget = "12";
    let rows = "2024-02-01,USA,icat,pledge,50,USD,P-U,,,\n\
                2024-02-02,JPN,icat,payment,30,USD,PAY-J,P-J,,\n\
                2024-02-03,ITA,icat,pledge,20,EUR,P-I,,,\n\
                2024-02-09,USA,icat,refund,5,USD,REF-U,P-U,,\n\
                2024-02-05,USA,icat,payment,10,USD,PAY-U,P-U,,\n\
                2024-02-06,ITA,icat,payment,20,EUR,PAY-I,P-I,,\n\
                2024-02-07,JPN,icat,write-off,70,USD,,P-J,,approved by the board\n";
    pair.write("many.csv", format!("{HEADER}{rows}"));
    // USA's second refund is more than was ever paid: refused, whole or grouped.
    pair.write(
        "bad.csv",
        format!("{HEADER}{rows}2024-02-10,USA,icat,refund,99,USD,REF-U2,P-U,,\n"),
    );
    let o = pair.same_within(budget, "import bad.csv");
    assert_eq!(o.status, 1, "{o:?}");
    assert!(o.stderr.contains("bad.csv:9"), "{o:?}");
    let o = pair.same_within(budget, "import many.csv --dry-run");
    assert!(
        o.stderr
            .contains("the rows are judged in 3 groups of donors"),
        "{o:?}"
    );
    let o = pair.same_within(budget, "import many.csv");
    assert!(o.stdout.contains("recorded #2 to #8"), "{o:?}");
    // ITA's payment names ITA's pledge of the same file, #4; USA's refund, tried
    // after every other row, is the last entry and names USA's pledge, #2.
    let log = pair.share.run("log --format json");
    let entries: Vec<serde_json::Value> = serde_json::from_str(&log.stdout).expect("JSON");
    let find = |reference: &str| {
        entries
            .iter()
            .find(|e| e["reference"] == reference)
            .unwrap_or_else(|| panic!("{reference} in {log:?}"))
    };
    assert_eq!(find("PAY-I")["pledge"], 4, "{log:?}");
    assert_eq!(
        (
            find("REF-U")["seq"].clone(),
            find("REF-U")["pledge"].clone()
        ),
        (8.into(), 2.into()),
        "{log:?}"
    );
    let o = pair.same_within(budget, "import many.csv");
    assert!(
        o.stdout.contains("0 new entries, 7 already recorded"),
        "{o:?}"
    );
    pair.same("verify --rules");
}

mod props {
    use super::*;
    use proptest::prelude::*;

    /// Donors by code and by name, a registered one too.
    const DONORS: [&str; 6] = ["JPN", "USA", "Germany", "ACME", "Acme Foundation", "Jpaan"];
    const KINDS: [&str; 5] = ["pledge", "payment", "refund", "write-off", "reduction"];

    /// A row: kind, donor, amount, reference, pledge reference, day.
    type GenRow = (usize, usize, u32, Option<u8>, Option<u8>, u32);

    fn row() -> impl Strategy<Value = GenRow> {
        (
            0..KINDS.len(),
            0..DONORS.len(),
            1u32..400,
            prop::option::of(0u8..4),
            prop::option::of(0u8..4),
            0u32..60,
        )
    }

    fn csv(rows: &[GenRow], tag: &str) -> String {
        let mut out = String::from(HEADER);
        for &(kind, donor, amount, reference, pledge, day) in rows {
            let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
                + chrono::Days::new(u64::from(day));
            let kind = KINDS[kind];
            let takes = kind == "write-off" || kind == "reduction";
            out.push_str(&format!(
                "{date},{},{},{kind},{amount}.00,USD,{},{},,{}\n",
                if takes { "" } else { DONORS[donor] },
                if takes { "" } else { "icat" },
                reference.map(|r| format!("{tag}{r}")).unwrap_or_default(),
                pledge.map(|r| format!("P{r}")).unwrap_or_default(),
                if takes { "approved" } else { "" },
            ));
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

        /// Whatever the ledger holds and the rows say, an import read by share
        /// prints, exits and writes as one read whole, and so does its repeat.
        #[test]
        fn an_import_by_share_is_the_import_of_the_whole_ledger(
            before in prop::collection::vec(row(), 0..24),
            rows in prop::collection::vec(row(), 1..16),
        ) {
            // The ledger's pledges carry the references P0 to P3 the rows name.
            let setup: Vec<GenRow> = before
                .iter()
                .map(|&(kind, donor, amount, _, pledge, day)| {
                    let kind = if kind < 2 { kind } else { 1 };
                    let reference = if kind == 0 { pledge } else { None };
                    (kind, donor % 4, amount, reference, if kind == 0 { None } else { pledge }, day)
                })
                .collect();
            let pair = Pair::new(|t| {
                t.ok("init");
                t.ok("donor add ACME --name 'Acme Foundation' --category foundation");
                let text = csv(&setup, "P");
                // Rows the rules refuse leave the ledger as it was: the rest are
                // recorded one by one.
                for (i, line) in text.lines().skip(1).enumerate() {
                    t.write(&format!("s{i}.csv"), format!("{HEADER}{line}\n"));
                    let _ = t.run(format!("import s{i}.csv").as_str());
                }
            });
            let text = csv(&rows, "N");
            pair.write("rows.csv", &text);
            pair.same("import rows.csv --dry-run --format json");
            pair.same("import rows.csv");
            pair.same("import rows.csv");
            // Row by row, so that many are recorded and later ones judged by them
            // (about a third, in a trial of these cases).
            for (i, line) in text.lines().skip(1).enumerate() {
                pair.write(&format!("r{i}.csv"), format!("{HEADER}{line}\n"));
                pair.same(format!("import r{i}.csv").as_str());
            }
            // Row files with the rows recorded so far, imported again.
            if let Some(last) = rows.len().checked_sub(1) {
                pair.same(format!("import r{last}.csv").as_str());
            }
        }
    }
}

/// A dry run lists exactly the entries the import then writes, numbered and timed
/// as they are written, in JSON, CSV and as a table, whether the rows are judged
/// whole or in groups: it lists them from the staged lines' bodies one at a time,
/// as the commit writes them.
#[test]
fn a_dry_run_lists_the_entries_the_import_writes() {
    let rows = format!(
        "{HEADER}2024-01-01,JPN,icat,pledge,100.00,USD,J-1,,,\n\
         2024-01-02,ITA,icat,pledge,50.00,EUR,I-1,,,\n\
         2024-02-01,JPN,icat,payment,40.00,USD,,J-1,,first\n\
         2024-02-02,ITA,icat,payment,50.00,EUR,,I-1,,\n\
         2024-03-01,DEU,icat,payment,5.00,EUR,,,,\n"
    );
    for budget in ["1000000", "1"] {
        let t = Test::new();
        demo(&t);
        t.write("f.csv", &rows);
        let run = |args: &str| {
            let o = t.run_env(("LEDGER_REPORT_ENTRIES", budget), args);
            assert_eq!(o.status, 0, "{args}: {o:?}");
            assert_eq!(
                o.stderr.contains("judged in 3 groups of donors"),
                budget == "1",
                "{o:?}"
            );
            o.stdout
        };
        let seq = |e: &serde_json::Value| e["seq"].as_u64().expect("a number");
        let logged = |t: &Test| -> Vec<serde_json::Value> {
            serde_json::from_str(&t.ok("log --format json")).expect("JSON")
        };
        let head = logged(&t).iter().map(seq).max().expect("entries");
        let before = t.journal();
        let json = run("import f.csv --dry-run --format json");
        let csv = run("import f.csv --dry-run --format csv");
        let table = run("import f.csv --dry-run");
        assert_eq!(t.journal(), before, "a dry run writes nothing");
        run("import f.csv");
        let new: Vec<serde_json::Value> =
            logged(&t).into_iter().filter(|e| seq(e) > head).collect();
        assert_eq!(new.len(), 5);
        let listed: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        assert_eq!(listed["dry_run"], true);
        assert_eq!(listed["entries"], serde_json::Value::Array(new), "{budget}");
        assert_eq!(
            listed["summary"],
            "5 rows: 5 new entries, 0 already recorded"
        );
        let at = |key: &str| json.find(&format!("\n  \"{key}\"")).expect(key);
        assert!(at("dry_run") < at("entries") && at("entries") < at("summary"));
        // Each entry's keys in order, as ever: the first entry's, as printed.
        let first: Vec<&str> = json
            .lines()
            .skip_while(|l| *l != "    {")
            .skip(1)
            .take_while(|l| *l != "    },")
            .filter_map(|l| l.strip_prefix("      \"")?.split('"').next())
            .collect();
        assert!(first.len() > 5 && first.is_sorted(), "{first:?}");
        // The CSV: the log's lines of those entries, under its header.
        let log = t.ok("log --format csv");
        let mut lines = log.lines();
        let header = lines.next().expect("a header");
        let written: Vec<&str> = lines
            .filter(|l| l.split(',').next().and_then(|s| s.parse::<u64>().ok()) > Some(head))
            .collect();
        assert_eq!(csv, format!("{header}\n{}\n", written.join("\n")));
        // The table: a line for each entry, from the next number, then the summary.
        let listed: Vec<&str> = table.lines().collect();
        assert_eq!(listed.len(), 6, "{table}");
        for (i, line) in listed[..5].iter().enumerate() {
            assert!(
                line.starts_with(&format!("#{} ", head + 1 + i as u64)),
                "{line}"
            );
        }
        assert!(listed[2].contains("(f.csv:4)"), "{table}");
        assert!(
            listed[5].ends_with("(dry run: nothing was written)"),
            "{table}"
        );
    }
}
