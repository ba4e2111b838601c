//! UNODC's own structure: funds, in-kind contributions, contributor types and
//! financing instruments, on a hand-checked ledger whose every figure is worked out
//! in the comments, and snapshotted in every format.

pub mod agreements;
pub mod categories;
mod ceb_export;
mod funds;
mod in_kind;

use crate::util::Test;

pub const FORMATS: [&str; 5] = ["table", "csv", "json", "markdown", "html"];

/// The hand-checked ledger, all in US dollars so that every figure reads off the
/// entries. Entry numbers and value dates:
///
/// ```text
/// #1             mandate drug-prevention (earmarked) in fund UNDCP
/// #2  2024-02-01 pledge  SWE drug-prevention   300,000 USD
/// #3  2024-03-01 payment SWE drug-prevention   100,000 USD names #2
/// #4  2024-04-01 pledge  JPN icat               50,000 USD
/// #5  2024-05-01 payment JPN icat               50,000 USD names #4
/// #6  2024-06-01 payment DEU general-purpose    20,000 USD (unpledged, GP)
/// #7  2024-07-01 pledge  ITA icat               40,000 USD in kind (a venue)
/// #8  2024-09-15 in-kind ITA icat               15,000 USD names #7
/// #9  2024-10-01 payment ITA icat                5,000 USD (unpledged: money never
///                                                          settles an in-kind pledge)
/// ```
pub fn structure_ledger() -> Test {
    let t = Test::new().at("2024-12-31T12:00:00Z");
    t.ok("init");
    for line in [
        "mandate add drug-prevention --name 'Drug use prevention' --earmarking earmarked --fund UNDCP",
        "record pledge --donor SWE --mandate drug-prevention --amount 300000 --currency USD --date 2024-02-01",
        "record payment --donor SWE --mandate drug-prevention --amount 100000 --currency USD --date 2024-03-01 --pledge 2",
        "record pledge --donor JPN --mandate icat --amount 50000 --currency USD --date 2024-04-01",
        "record payment --donor JPN --mandate icat --amount 50000 --currency USD --date 2024-05-01 --pledge 4",
        "record payment --donor DEU --mandate general-purpose --amount 20000 --currency USD --date 2024-06-01",
        "record pledge --donor ITA --mandate icat --amount 40000 --currency USD --date 2024-07-01 --in-kind --memo 'conference venue, Rome'",
        "record in-kind --donor ITA --mandate icat --amount 15000 --currency USD --date 2024-09-15 --pledge 7 --memo 'venue for the expert group meeting, Rome'",
        "record payment --donor ITA --mandate icat --amount 5000 --currency USD --date 2024-10-01",
    ] {
        t.ok(line);
    }
    t
}

pub fn json(t: &Test, line: &str) -> serde_json::Value {
    serde_json::from_str(&t.ok(line)).expect("report JSON")
}

/// Snapshots one report line in every format, checking it is the same bytes twice.
pub fn snapshot_all(t: &Test, name: &str, line: &str) {
    for f in FORMATS {
        let cmd = format!("{line} --format {f}");
        let out = t.ok(&cmd);
        assert_eq!(out, t.ok(&cmd), "{name} {f}: not the same bytes twice");
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(format!("structure_{name}_{f}"), out);
        });
    }
}
