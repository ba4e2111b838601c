//! The demo ledger (`ledgers/demo.jsonl`): snapshots of every report in every
//! format, and its quarterly figures recomputed by hand from `ledger log`.

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
