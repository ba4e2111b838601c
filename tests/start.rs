//! Starting from nothing: `ledger init` in an empty directory with no ledger named,
//! later commands finding what it created, and the shipped demo ledger never
//! recorded into by accident.

use crate::util::Test;

#[test]
fn init_works_in_any_empty_directory_and_later_commands_find_the_ledger() {
    let t = Test::new();
    let run = |args: &[&str]| {
        let mut c = t.command(args);
        c.env_remove("CONTRIB_LEDGER");
        c.output().unwrap()
    };
    let o = run(&["init"]);
    assert!(o.status.success());
    let shown = String::from_utf8_lossy(&o.stdout);
    assert!(
        shown.starts_with("created ledger.jsonl (0 entries, head "),
        "{shown}"
    );
    assert!(
        shown.contains("ledger commands run in this directory use it"),
        "{shown}"
    );
    let o = run(&[
        "record",
        "rate",
        "--currency",
        "EUR",
        "--per-usd",
        "0.9",
        "--date",
        "2024-01-01",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "#1 rate EUR 0.9 per USD from 2024-01-01\n"
    );
    assert!(t.dir().join("ledger.jsonl").exists());
    // A second init never overwrites it.
    let o = run(&["init"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: ledger.jsonl: a ledger already exists here; `ledger init` never overwrites one\n"
    );
}

#[test]
fn the_demo_ledger_is_never_recorded_into_by_accident() {
    let t = Test::new();
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/ledgers/demo.jsonl");
    std::fs::create_dir_all(t.dir().join("ledgers")).unwrap();
    let copy = t.dir().join("ledgers/demo.jsonl");
    std::fs::copy(demo, &copy).unwrap();
    let before = std::fs::read(&copy).unwrap();
    let run = |args: &[&str]| {
        let mut c = t.command(args);
        c.env_remove("CONTRIB_LEDGER");
        c.output().unwrap()
    };
    for args in [
        &[
            "record",
            "payment",
            "--donor",
            "JPN",
            "--mandate",
            "icat",
            "--amount",
            "1",
            "--currency",
            "USD",
        ][..],
        &[
            "donor",
            "add",
            "NEWFDN",
            "--name",
            "New Foundation",
            "--category",
            "foundation",
        ][..],
        &[
            "mandate",
            "add",
            "new-fund",
            "--name",
            "New fund",
            "--earmarking",
            "earmarked",
        ][..],
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(
            err,
            "error: ledgers/demo.jsonl is the shipped demo ledger, kept exactly as its generator builds it; nothing is recorded in it. Start your own with `ledger init` (it creates ledger.jsonl in this directory, which later commands run here use), or name one with --ledger PATH or CONTRIB_LEDGER [demo-ledger]\n"
        );
    }
    assert_eq!(before, std::fs::read(&copy).unwrap());
    // Reading it needs no set-up.
    let o = run(&["report", "quarterly", "--year", "2009", "--quarter", "3"]);
    assert!(o.status.success());
}
