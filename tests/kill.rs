//! The kill harness: `ledger record` and `ledger import` (a few thousand rows) are
//! killed with SIGKILL at random instants, and after each kill the ledger must keep
//! its promise:
//! - every entry committed before the command is still there, byte for byte;
//! - the command's write is there whole or not at all (`verify` and a report count
//!   either every row of the import or none of them);
//! - when `verify` finds a torn tail, `repair` removes exactly it and the ledger
//!   verifies again;
//! - the next `record` works and takes the next number.
//!
//! Half the kills are at a random instant within the command's usual run time; the
//! other half as soon as the journal starts to grow, to land inside the write.
//! `LEDGER_KILL_ITERATIONS` (default 24) sets how many commands are killed and
//! `LEDGER_KILL_SEED` the seed; run with `--nocapture` to see the figures:
//!
//! ```text
//! LEDGER_KILL_ITERATIONS=2000 cargo test --release kill -- --nocapture
//! ```

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const NOW: &str = "2026-01-01T00:00:00Z";
/// Rows of an import.
const ROWS: u64 = 2000;
/// Rows of a large import, one job in eight, killed as its write begins: a write of
/// several megabytes is what a kill can cut short (a torn tail).
const BIG_ROWS: u64 = 20000;
/// The ledger starts again from an empty one once it holds this many entries, so
/// that every iteration costs about the same.
const RESET_AT: u64 = 8000;

/// splitmix64: a small seeded generator, so that a failing run can be repeated.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

struct Harness {
    dir: tempfile::TempDir,
    ledger: PathBuf,
    bin: PathBuf,
}

struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Harness {
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.current_dir(self.dir.path())
            .env("CONTRIB_LEDGER", &self.ledger)
            .env("LEDGER_NOW", NOW)
            .env_remove("LEDGER_LOCK_TIMEOUT")
            .args(args);
        cmd
    }

    fn run(&self, args: &[&str]) -> Run {
        let out = self.command(args).output().expect("run ledger");
        Run {
            status: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    #[track_caller]
    fn ok(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(
            r.status,
            Some(0),
            "ledger {args:?}: {}{}",
            r.stdout,
            r.stderr
        );
        r.stdout
    }

    fn journal(&self) -> Vec<u8> {
        std::fs::read(&self.ledger).expect("the ledger is there")
    }

    fn len(&self) -> u64 {
        std::fs::metadata(&self.ledger).map_or(0, |m| m.len())
    }

    fn reset(&self) {
        let _ = std::fs::remove_file(&self.ledger);
        let _ = std::fs::remove_file(ledger::journal::index_path(&self.ledger));
        self.ok(&["init"]);
    }
}

/// What a command adds when it commits: entries and pledged USD (in cents).
#[derive(Clone, Copy)]
struct Delta {
    entries: u64,
    cents: u64,
}

/// The command to kill: a record (one entry of 1.00 USD) or an import of `rows`
/// rows of 100.00 USD, each with references of its own.
fn job(h: &Harness, i: u64, rows: u64) -> (Vec<String>, Delta) {
    if rows > 0 {
        let name = format!("import-{i}.csv");
        let mut csv = String::from("date,donor,mandate,kind,amount,currency,reference\n");
        for r in 0..rows {
            csv.push_str(&format!(
                "2009-03-01,JPN,coordination,pledge,100,USD,K{i}-{r}\n"
            ));
        }
        std::fs::write(h.dir.path().join(&name), csv).unwrap();
        (
            vec!["import".into(), name],
            Delta {
                entries: rows,
                cents: rows * 10_000,
            },
        )
    } else {
        (
            [
                "record",
                "pledge",
                "--donor",
                "JPN",
                "--mandate",
                "coordination",
                "--amount",
                "1",
                "--currency",
                "USD",
                "--date",
                "2009-03-01",
                "--reference",
            ]
            .iter()
            .map(|s| s.to_string())
            .chain([format!("R{i}")])
            .collect(),
            Delta {
                entries: 1,
                cents: 100,
            },
        )
    }
}

/// `ok: N entries, head H` -> N; a torn tail -> None (with its committed count).
fn verified(h: &Harness) -> Result<u64, u64> {
    let r = h.run(&["verify"]);
    match r.status {
        Some(0) => Ok(r
            .stdout
            .strip_prefix("ok: ")
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("verify printed {:?}", r.stdout))),
        Some(3)
            if r.stderr
                .contains("the ledger has a torn tail after entry #") =>
        {
            let n = r
                .stderr
                .split("torn tail after entry #")
                .nth(1)
                .and_then(|s| s.split(' ').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("verify said {:?}", r.stderr));
            assert!(
                r.stderr.contains("run `ledger repair` to remove it"),
                "{}",
                r.stderr
            );
            Err(n)
        }
        _ => panic!(
            "verify after a kill: status {:?}\n{}{}",
            r.status, r.stdout, r.stderr
        ),
    }
}

/// Entries and pledged cents as a report sees them (only committed entries count).
fn reported(h: &Harness) -> (u64, u64) {
    let out = h.ok(&["report", "donors", "--year", "2009", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("report JSON");
    let entries = v["ledger"]["entries"].as_u64().expect("entries");
    let pledged = v["totals"]["pledged"]
        .as_str()
        .expect("pledged")
        .replace('.', "");
    (entries, pledged.parse().expect("pledged amount"))
}

#[derive(Default, Debug)]
struct Figures {
    kills: u64,
    finished_first: u64,
    big_imports: u64,
    at_write: u64,
    committed: u64,
    not_committed: u64,
    torn_tails: u64,
    repairs: u64,
    records_after: u64,
}

/// Starts `args`, kills it (at `delay`, or when the journal grows past `len`), and
/// says whether the kill came before the command finished.
fn kill(h: &Harness, args: &[String], delay: Option<Duration>, len: u64) -> bool {
    let mut child = h
        .command(&args.iter().map(String::as_str).collect::<Vec<_>>())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn ledger");
    let start = Instant::now();
    match delay {
        Some(d) => std::thread::sleep(d),
        None => {
            // As soon as the write begins (or the command ends without writing).
            while h.len() == len && start.elapsed() < Duration::from_secs(30) {
                if child.try_wait().expect("poll").is_some() {
                    break;
                }
                std::hint::spin_loop();
            }
        }
    }
    let alive = child.try_wait().expect("poll").is_none();
    if alive {
        child.kill().expect("SIGKILL");
    }
    let status = child.wait().expect("reap");
    if alive {
        use std::os::unix::process::ExitStatusExt;
        // It may still have exited on its own between the poll and the kill.
        return status.signal() == Some(9);
    }
    false
}

/// How long a command of this kind usually runs, measured once on a copy.
fn calibrate(h: &Harness, rows: u64) -> Duration {
    let (args, _) = job(h, 1_000_000 + rows, rows);
    let start = Instant::now();
    h.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    start.elapsed()
}

fn check_after_kill(
    h: &Harness,
    before: &[u8],
    entries_before: u64,
    cents_before: u64,
    delta: Delta,
    f: &mut Figures,
) -> (u64, u64) {
    let after = h.journal();
    assert!(
        after.starts_with(before),
        "a committed byte changed or went missing: the journal no longer starts with what was committed ({} bytes before, {} now)",
        before.len(),
        after.len()
    );
    let entries = match verified(h) {
        Ok(n) => n,
        Err(n) => {
            f.torn_tails += 1;
            assert!(
                n == entries_before || n == entries_before + delta.entries,
                "torn tail after entry #{n}: neither {entries_before} nor {}",
                entries_before + delta.entries
            );
            // Readers use the committed entries only, and say the tail is torn.
            let log = h.run(&["log", "--format", "csv"]);
            assert_eq!(log.status, Some(0), "{}", log.stderr);
            assert_eq!(
                log.stdout.lines().count() as u64,
                n + 1,
                "log lists the committed entries (and its header line) only"
            );
            assert!(
                log.stderr.starts_with("warning: ") && log.stderr.contains("torn tail"),
                "{}",
                log.stderr
            );
            let out = h.ok(&["repair"]);
            assert!(out.starts_with("removed "), "{out}");
            // "ok: 1 entry", "ok: 2 entries", as `verify` says it.
            let counted = if n == 1 {
                "1 entry".to_string()
            } else {
                format!("{n} entries")
            };
            assert!(out.contains(&format!("\nok: {counted}, head ")), "{out}");
            f.repairs += 1;
            let repaired = h.journal();
            assert!(
                after.starts_with(&repaired) && repaired.starts_with(before),
                "repair cut more than the torn tail"
            );
            assert_eq!(verified(h), Ok(n), "the ledger verifies after repair");
            n
        }
    };
    let (reported_entries, cents) = reported(h);
    assert_eq!(
        reported_entries, entries,
        "the report reads what verify checked"
    );
    if entries == entries_before {
        assert_eq!(cents, cents_before, "nothing of the write is visible");
        f.not_committed += 1;
    } else {
        assert_eq!(
            entries,
            entries_before + delta.entries,
            "only part of the write is visible"
        );
        assert_eq!(cents, cents_before + delta.cents, "all of the write counts");
        f.committed += 1;
    }
    (entries, cents)
}

#[test]
fn killed_writers_leave_the_ledger_whole() {
    let iterations = env_u64("LEDGER_KILL_ITERATIONS", 24);
    let seed = env_u64("LEDGER_KILL_SEED", 0x001E_D6E2);
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().expect("temp dir");
    let h = Harness {
        ledger: dir.path().join("kill.jsonl"),
        dir,
        bin: assert_cmd::cargo::cargo_bin("ledger"),
    };
    h.reset();
    let rows = env_u64("LEDGER_KILL_ROWS", ROWS);
    let big_rows = env_u64("LEDGER_KILL_BIG_ROWS", BIG_ROWS);
    let usual = [calibrate(&h, 0), calibrate(&h, rows)];
    h.reset();
    let mut f = Figures::default();
    let (mut entries, mut cents) = (0u64, 0u64);
    let started = Instant::now();
    for i in 0..iterations {
        if entries >= RESET_AT {
            h.reset();
            (entries, cents) = (0, 0);
        }
        let big = rng.below(8) == 0;
        let import = big || rng.below(2) == 0;
        let (args, delta) = job(&h, i, if big { big_rows } else { rows * import as u64 });
        f.big_imports += big as u64;
        let before = h.journal();
        let at_write = big || rng.below(2) == 0;
        let delay = (!at_write).then(|| {
            let usual = usual[import as usize].as_micros() as u64;
            Duration::from_micros(rng.below(usual + usual / 4 + 1))
        });
        if kill(&h, &args, delay, before.len() as u64) {
            f.kills += 1;
            f.at_write += at_write as u64;
        } else {
            f.finished_first += 1;
        }
        (entries, cents) = check_after_kill(&h, &before, entries, cents, delta, &mut f);
        // The next record works and takes the next number.
        let date = (chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(i))
            .to_string();
        let out = h.ok(&[
            "record",
            "rate",
            "--currency",
            "EUR",
            "--per-usd",
            "0.7",
            "--date",
            &date,
        ]);
        entries += 1;
        assert!(out.starts_with(&format!("#{entries} rate EUR")), "{out}");
        f.records_after += 1;
    }
    println!(
        "kill harness (seed {seed:#x}, {iterations} iterations, {:.1} s): {} kills ({} as the journal began to grow), {} commands finished before the kill; {} large imports; {} writes committed, {} not; {} torn tails seen, {} repairs; {} records after a kill",
        started.elapsed().as_secs_f64(),
        f.kills,
        f.at_write,
        f.finished_first,
        f.big_imports,
        f.committed,
        f.not_committed,
        f.torn_tails,
        f.repairs,
        f.records_after
    );
    assert_eq!(f.kills + f.finished_first, iterations);
    assert_eq!(f.torn_tails, f.repairs);
}
