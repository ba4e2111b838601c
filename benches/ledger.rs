//! `cargo bench --bench ledger`: the release binary on a large synthetic ledger,
//! side by side with `sha256sum`, a minimal streaming Rust program and, when they
//! are installed, `hledger balance` and ledger-cli's `ledger balance` on the same
//! data exported as plain-text journals.
//!
//! Owns: building the release binary, generating the ledger, its plain-text copies
//! and an import CSV in a temp dir (see `generate.rs`), timing each command a few
//! times (median wall time, peak memory from `/usr/bin/time -v` when present) and
//! printing the figures, their ratios to `ledger verify` of the same run, and a
//! Markdown table of them. Commands the binary refuses (exit status not 0 on the
//! first try) are reported as not available, not failed.
//!
//! Environment: `LEDGER_BENCH_ENTRIES` (default 1000000; 10000000 for the large
//! run), `LEDGER_BENCH_RUNS` (default 3), `LEDGER_BENCH_IMPORT_ROWS` (rows imported
//! into an empty ledger, default 100000), `LEDGER_BENCH_BIG_IMPORT_ROWS` (rows
//! imported into the large one, default 5000), `LEDGER_BENCH_SEED`,
//! `LEDGER_BENCH_RULES=1` (also time `verify --rules`, once),
//! `LEDGER_BENCH_PEERS=0` (skip hledger and ledger-cli; `=1` runs them above 2M
//! entries too), `LEDGER_BENCH_PEER_RUNS` (default 1), `LEDGER_BENCH_DIR` (where
//! the temp dir goes; default the system's).
//! Also a tool: `cargo bench --bench ledger -- --generate PATH N [SEED]
//! [--hledger PATH] [--ledger-cli PATH]` writes a synthetic ledger (and its
//! plain-text copies), `-- --csv PATH ROWS [SEED]` a canonical import CSV,
//! `-- --baseline PATH` runs the minimal program on one, `-- --check PATH` replays
//! one through every rule `ledger record` enforces.
//!
//! Not a timed test: run on purpose. Timings are floats; no amount is.

mod generate;

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const SEED: u64 = 20_090_930;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(PathBuf::from)
    };
    let num = |i: usize, default: u64| {
        args.get(i)
            .filter(|a| !a.starts_with("--"))
            .and_then(|s| s.replace('_', "").parse().ok())
            .unwrap_or(default)
    };
    match args.first().map(String::as_str) {
        Some("--baseline") => baseline(Path::new(&args[1])),
        Some("--generate") => {
            let (n, seed) = (num(2, 1_000_000), num(3, SEED));
            let (h, l) = (flag("--hledger"), flag("--ledger-cli"));
            let exports = generate::Exports {
                hledger: h.as_deref(),
                ledger_cli: l.as_deref(),
            };
            let g = generate::ledger_and_exports(Path::new(&args[1]), n, seed, &exports);
            println!(
                "{}: {} entries, {} bytes, head {}, last recorded_at {}",
                args[1], g.entries, g.bytes, g.head, g.last_recorded_at
            );
            println!("mix: {}", mix(&g));
        }
        Some("--csv") => {
            generate::canonical_csv(Path::new(&args[1]), num(2, 100_000), num(3, SEED + 1))
        }
        Some("--check") => check(Path::new(&args[1])),
        // `cargo bench` passes `--bench`; anything else (`cargo test --all-targets`
        // runs bench targets as tests) gets a line, not a ten-minute run.
        _ if args.iter().any(|a| a == "--bench") => bench(),
        _ => println!("run with `cargo bench --bench ledger` (see benches/ledger.rs)"),
    }
}

fn mix(g: &generate::Generated) -> String {
    let counts: Vec<String> = g
        .counts
        .iter()
        .filter(|(_, c)| *c > 0)
        .map(|(k, c)| format!("{} {c}", k.as_str()))
        .collect();
    counts.join(", ")
}

/// Replays a ledger through `Checker::check`, the rules `ledger record` enforces, and
/// panics at the first entry the generator got wrong.
fn check(path: &Path) {
    let mut book = ledger::domain::Checker::new();
    let mut n = 0u64;
    ledger::journal::scan(path, true, None, |e| {
        if e.seq > 0 {
            book.check_clock(e.recorded_at)
                .unwrap_or_else(|p| panic!("#{}: {p}", e.seq));
            let checked = book
                .check(e.body.clone())
                .unwrap_or_else(|p| panic!("#{}: {p}", e.seq));
            assert_eq!(checked, e.body, "#{} is not in canonical form", e.seq);
        }
        book.apply(e);
        n += 1;
    })
    .expect("a valid journal");
    println!(
        "{}: {n} lines pass every rule of `ledger record`",
        path.display()
    );
}

/// The minimal program the speed targets compare against: stream the journal,
/// sum what each donor paid (payments less refunds) per currency, in exact integer
/// minor units, with nothing but std and serde_json.
fn baseline(path: &Path) {
    #[derive(serde::Deserialize)]
    struct Line<'a> {
        #[serde(borrow)]
        kind: std::borrow::Cow<'a, str>,
        #[serde(borrow, default)]
        donor: Option<std::borrow::Cow<'a, str>>,
        #[serde(borrow, default)]
        amount: Option<std::borrow::Cow<'a, str>>,
        #[serde(borrow, default)]
        currency: Option<std::borrow::Cow<'a, str>>,
    }
    let file = std::fs::File::open(path).expect("open journal");
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
    let mut sums: HashMap<(String, String), i128> = HashMap::new();
    let mut line = String::new();
    let mut lines = 0u64;
    while reader.read_line(&mut line).expect("read journal") > 0 {
        lines += 1;
        let l: Line = serde_json::from_str(&line).expect("a JSON line");
        let sign = match l.kind.as_ref() {
            "payment" => 1,
            "refund" => -1,
            _ => 0,
        };
        if let (true, Some(d), Some(a), Some(c)) = (sign != 0, l.donor, l.amount, l.currency) {
            let units: i128 = a.replace('.', "").parse().expect("an amount");
            *sums.entry((d.into_owned(), c.into_owned())).or_default() += sign * units;
            // The scale is the currency's: every amount of one currency has the same.
        }
        line.clear();
    }
    let total: i128 = sums.values().sum();
    println!(
        "{lines} lines, {} donor-currency sums, checksum {total}",
        sums.len()
    );
}

/// One timed run of a process.
struct Run {
    secs: f64,
    peak_kb: Option<u64>,
    status: i32,
    stderr: String,
}

fn time_v() -> Option<PathBuf> {
    static FOUND: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    FOUND
        .get_or_init(|| {
            let p = PathBuf::from("/usr/bin/time");
            let ok = Command::new(&p)
                .args(["-v", "true"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            ok.then_some(p)
        })
        .clone()
}

fn run(program: &Path, args: &[OsString], env: &[(&str, String)]) -> Run {
    let timer = time_v();
    let mut cmd = match &timer {
        Some(t) => {
            let mut c = Command::new(t);
            c.arg("-v").arg(program);
            c
        }
        None => Command::new(program),
    };
    cmd.args(args)
        .env_remove("CONTRIB_LEDGER")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let out = cmd.output().expect("run a benchmarked command");
    let secs = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let peak_kb = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok());
    Run {
        secs,
        peak_kb,
        status: out.status.code().unwrap_or(-1),
        stderr,
    }
}

struct Stat {
    name: String,
    median: Option<f64>,
    runs: Vec<f64>,
    peak_kb: Option<u64>,
    note: String,
}

/// Runs `f` `runs` times (it gets the run number) and keeps the median. When the
/// first run fails, the command counts as not available and is not repeated.
fn series(name: &str, runs: usize, mut f: impl FnMut(usize) -> Run) -> Stat {
    let mut times = Vec::new();
    let mut peak = None;
    for i in 0..runs {
        let r = f(i);
        if r.status != 0 {
            let why = r
                .stderr
                .lines()
                .find(|l| !l.trim().is_empty() && !l.starts_with('\t'))
                .unwrap_or("")
                .trim()
                .to_string();
            eprintln!("  {name}: exit {} ({why})", r.status);
            return Stat {
                name: name.into(),
                median: None,
                runs: times,
                peak_kb: peak,
                note: format!("not available: exit {}: {why}", r.status),
            };
        }
        peak = peak.max(r.peak_kb);
        times.push(r.secs);
        eprintln!("  {name}: run {} {:.3} s", i + 1, r.secs);
    }
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| a.total_cmp(b));
    Stat {
        name: name.into(),
        median: sorted.get(sorted.len() / 2).copied(),
        runs: times,
        peak_kb: peak,
        note: String::new(),
    }
}

fn env_num(key: &str, default: u64) -> u64 {
    std::env::var(key)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn os(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

fn release_binary() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--bin", "ledger"])
        .current_dir(manifest)
        .status()
        .expect("run cargo build --release");
    assert!(status.success(), "cargo build --release failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("target"));
    target.join("release").join("ledger")
}

/// A peer tool (`hledger`, ledger-cli) when installed: its path and version line.
fn peer(var: &str, path: &str, needle: &str) -> Option<(PathBuf, String)> {
    if std::env::var("LEDGER_BENCH_PEERS").is_ok_and(|v| v == "0") {
        return None;
    }
    let p = std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(path));
    let out = Command::new(&p)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let version = String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    (out.status.success() && version.contains(needle)).then_some((p, version))
}

/// The arguments of the i-th `record` of one kind.
type RecordArgs = Box<dyn Fn(usize) -> Vec<String>>;

/// The hash of the journal's last line.
fn last_hash(path: &Path) -> String {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path).expect("the generated journal");
    let len = f.metadata().expect("its size").len();
    f.seek(SeekFrom::Start(len.saturating_sub(4096)))
        .expect("its end");
    let mut tail = String::new();
    f.read_to_string(&mut tail).expect("its last line");
    let at = tail.rfind("\"hash\":\"").expect("a hash on the last line") + 8;
    tail[at..at + 64].to_string()
}

fn size(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

fn bench() {
    let n = env_num("LEDGER_BENCH_ENTRIES", 1_000_000);
    let runs = env_num("LEDGER_BENCH_RUNS", 3).max(1) as usize;
    let rows = env_num("LEDGER_BENCH_IMPORT_ROWS", 100_000);
    let big_rows = env_num("LEDGER_BENCH_BIG_IMPORT_ROWS", 5_000);
    let peer_runs = env_num("LEDGER_BENCH_PEER_RUNS", 1).max(1) as usize;
    let rules = std::env::var("LEDGER_BENCH_RULES").is_ok_and(|v| v == "1");
    let seed = env_num("LEDGER_BENCH_SEED", SEED);
    let bin = release_binary();
    let dir = match std::env::var_os("LEDGER_BENCH_DIR") {
        Some(d) => tempfile::tempdir_in(d),
        None => tempfile::tempdir(),
    }
    .expect("temp dir");
    let journal = dir.path().join("big.jsonl");
    let csv = dir.path().join("import.csv");
    let big_csv = dir.path().join("import-big.csv");
    // The peers hold every transaction in memory (hledger about 7 GB at 1M entries):
    // above 2M entries they run only when asked for (LEDGER_BENCH_PEERS=1).
    let peers_fit = n <= 2_000_000 || std::env::var("LEDGER_BENCH_PEERS").is_ok_and(|v| v == "1");
    let (hledger, ledger_cli) = if peers_fit {
        (
            peer("LEDGER_BENCH_HLEDGER", "/usr/bin/hledger", "hledger"),
            peer("LEDGER_BENCH_LEDGER_CLI", "/usr/bin/ledger", "Ledger"),
        )
    } else {
        (None, None)
    };
    let hledger_file = dir.path().join("big.hledger");
    let ledger_cli_file = dir.path().join("big.ledger");

    eprintln!("generating {n} entries in {}", journal.display());
    let t = Instant::now();
    let g = generate::ledger(&journal, n, seed);
    let gen_secs = t.elapsed().as_secs_f64();
    if hledger.is_some() || ledger_cli.is_some() {
        // A second pass with the same seed writes the same entries and their copies.
        let copy = dir.path().join("same.jsonl");
        let exports = generate::Exports {
            hledger: hledger.as_ref().map(|_| hledger_file.as_path()),
            ledger_cli: ledger_cli.as_ref().map(|_| ledger_cli_file.as_path()),
        };
        let again = generate::ledger_and_exports(&copy, n, seed, &exports);
        assert_eq!(again.head, g.head, "the generator is deterministic");
        let _ = std::fs::remove_file(&copy);
    }
    generate::canonical_csv(&csv, rows, seed + 1);
    generate::canonical_csv(&big_csv, big_rows, seed + 2);
    // Later than every value date the generator and the import CSVs write (and the
    // rate recorded below), so that no command is refused as dated in the future.
    let later = chrono::DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z")
        .expect("a valid time")
        .with_timezone(&chrono::Utc);
    let now = ledger::domain::time::format_timestamp(
        (g.last_recorded_at + chrono::Duration::days(1)).max(later),
    );
    let env = [("LEDGER_NOW", now)];
    let with = |path: &Path, args: &[&str]| {
        let mut v = os(args);
        v.push("--ledger".into());
        v.push(path.as_os_str().to_owned());
        v
    };
    let j = journal.as_os_str().to_owned();

    // Warm the page cache so that every command reads the file from memory alike.
    let sha = Path::new("sha256sum");
    let _ = run(sha, std::slice::from_ref(&j), &[]);
    let me = std::env::current_exe().expect("this bench's path");

    let mut stats = vec![
        series("sha256sum FILE", runs, |_| {
            run(sha, std::slice::from_ref(&j), &[])
        }),
        series(
            "floor: stream + sum per donor (std + serde_json)",
            runs,
            |_| run(&me, &[OsString::from("--baseline"), j.clone()], &[]),
        ),
        series("ledger verify", runs, |_| {
            run(&bin, &with(&journal, &["verify"]), &env)
        }),
    ];
    // The head of the last entry: `--head` finds it after every other line.
    let head = last_hash(&journal);
    stats.push(series(
        "ledger verify --head (the last entry's hash)",
        runs,
        |_| run(&bin, &with(&journal, &["verify", "--head", &head]), &env),
    ));
    if rules {
        stats.push(series("ledger verify --rules", 1, |_| {
            run(&bin, &with(&journal, &["verify", "--rules"]), &env)
        }));
    }
    let statement_donor = "USA";
    let statement_name = format!("ledger report statement --donor {statement_donor} --format json");
    for (name, args) in [
        (
            "ledger report donors --format json".to_string(),
            vec!["report", "donors", "--format", "json"],
        ),
        (
            "ledger report mandates --format json".to_string(),
            vec!["report", "mandates", "--format", "json"],
        ),
        (
            "ledger report quarterly --year 2011 --quarter 4 --format json".to_string(),
            vec![
                "report",
                "quarterly",
                "--year",
                "2011",
                "--quarter",
                "4",
                "--format",
                "json",
            ],
        ),
        (
            statement_name,
            vec![
                "report",
                "statement",
                "--donor",
                statement_donor,
                "--format",
                "json",
            ],
        ),
        (
            "ledger log --format json".to_string(),
            vec!["log", "--format", "json"],
        ),
    ] {
        stats.push(series(&name, runs, |_| {
            run(&bin, &with(&journal, &args), &env)
        }));
    }

    // Import into an empty ledger, then verify what it wrote.
    let empty = dir.path().join("empty.jsonl");
    let init = run(&bin, &with(&empty, &["init"]), &env);
    assert_eq!(init.status, 0, "ledger init: {}", init.stderr);
    let imported = dir.path().join("imported.jsonl");
    let import = |csv: &Path, base: &Path, copy: &Path| {
        std::fs::copy(base, copy).expect("copy a ledger");
        let _ = std::fs::remove_file(copy.with_extension("jsonl.index"));
        let mut args = vec![OsString::from("import"), csv.as_os_str().to_owned()];
        args.push("--ledger".into());
        args.push(copy.as_os_str().to_owned());
        run(&bin, &args, &env)
    };
    stats.push(series(
        &format!("ledger import {rows} rows into an empty ledger"),
        runs,
        |_| import(&csv, &empty, &imported),
    ));
    let imported_bytes = size(&imported).saturating_sub(size(&empty));
    stats.push(series(
        &format!("ledger verify of that import ({rows} entries)"),
        runs,
        |_| run(&bin, &with(&imported, &["verify"]), &env),
    ));
    stats.push(series(
        &format!("ledger import {big_rows} rows into the {n}-entry ledger"),
        runs,
        |i| {
            let copy = dir.path().join(format!("import-{i}.jsonl"));
            let r = import(&big_csv, &journal, &copy);
            let _ = std::fs::remove_file(&copy);
            let _ = std::fs::remove_file(copy.with_extension("jsonl.index"));
            r
        },
    ));

    // Record each kind into the big ledger itself (each run adds one entry).
    let t = &g.targets;
    let rate_day = |i: usize| {
        (chrono::NaiveDate::from_ymd_opt(2013, 1, 1).expect("date")
            + chrono::Duration::days(i as i64))
        .to_string()
    };
    let mut kinds: Vec<(&str, RecordArgs)> = vec![
        (
            "pledge",
            Box::new(|i| {
                [
                    "record",
                    "pledge",
                    "--donor",
                    "JPN",
                    "--mandate",
                    "coordination",
                    "--amount",
                    "250000",
                    "--currency",
                    "JPY",
                    "--date",
                    "2011-12-30",
                    "--due",
                    "2012-06-30",
                ]
                .iter()
                .map(|s| s.to_string())
                .chain(["--reference".into(), format!("BENCH/P/{i}")])
                .collect()
            }),
        ),
        (
            "payment",
            Box::new(|i| {
                [
                    "record",
                    "payment",
                    "--donor",
                    "Japan",
                    "--mandate",
                    "coordination",
                    "--amount",
                    "1000.00",
                    "--currency",
                    "USD",
                    "--date",
                    "2011-12-30",
                ]
                .iter()
                .map(|s| s.to_string())
                .chain(["--reference".into(), format!("BENCH/{i}")])
                .collect()
            }),
        ),
        (
            "rate",
            Box::new(move |i| {
                vec![
                    "record".into(),
                    "rate".into(),
                    "--currency".into(),
                    "EUR".into(),
                    "--per-usd".into(),
                    "0.7".into(),
                    "--date".into(),
                    rate_day(i),
                ]
            }),
        ),
    ];
    let mut missing = Vec::new();
    match &t.refund {
        Some((donor, mandate, currency, whole)) if *whole >= 2 * runs as i64 => {
            let (d, m, c) = (donor.clone(), mandate.clone(), currency.clone());
            kinds.push((
                "refund",
                Box::new(move |_| {
                    [
                        "record",
                        "refund",
                        "--donor",
                        &d,
                        "--mandate",
                        &m,
                        "--amount",
                        "1",
                        "--currency",
                        &c,
                        "--date",
                        "2011-12-31",
                    ]
                    .iter()
                    .map(|s| s.to_string())
                    .collect()
                }),
            ))
        }
        _ => missing.push("refund (no payment to refund in the generated ledger)"),
    }
    match &t.write_off {
        Some((pledge, _, whole)) if *whole >= 2 * runs as i64 => {
            let pledge = pledge.to_string();
            kinds.push((
                "write-off",
                Box::new(move |_| {
                    [
                        "record",
                        "write-off",
                        "--pledge",
                        &pledge,
                        "--amount",
                        "1",
                        "--date",
                        "2011-12-31",
                        "--reason",
                        "Controller's approval (benchmark)",
                    ]
                    .iter()
                    .map(|s| s.to_string())
                    .collect()
                }),
            ))
        }
        _ => missing.push("write-off (no open pledge to write off in the generated ledger)"),
    }
    if t.reversible.len() >= 2 * runs {
        let targets = t.reversible.clone();
        kinds.push((
            "reversal",
            Box::new(move |i| {
                vec![
                    "record".into(),
                    "reversal".into(),
                    "--entry".into(),
                    targets[i].to_string(),
                    "--reason".into(),
                    "benchmark".into(),
                ]
            }),
        ));
    } else {
        missing.push("reversal (too few reversible payments in the generated ledger)");
    }
    // Each kind read whole, then after a checkpoint (each run of which adds one:
    // the last is the one read), as `record` reads its donor's share from it.
    for phase in 0..2 {
        if phase == 1 {
            stats.push(series(
                &format!("ledger checkpoint of the {n}-entry ledger"),
                runs,
                |_| run(&bin, &with(&journal, &["checkpoint"]), &env),
            ));
        }
        let after = if phase == 1 {
            " after a checkpoint"
        } else {
            ""
        };
        for (kind, args) in &kinds {
            stats.push(series(
                &format!("ledger record {kind} into the {n}-entry ledger{after}"),
                runs,
                |i| {
                    let owned = args(phase * runs + i);
                    let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
                    run(&bin, &with(&journal, &refs), &env)
                },
            ));
        }
    }

    // The peers, on the same entries as plain-text journals.
    let mut peer_notes = Vec::new();
    match &hledger {
        Some((p, v)) => {
            let f = hledger_file.as_os_str().to_owned();
            stats.push(series(
                &format!("hledger balance ({v}) on the same data"),
                peer_runs,
                |_| run(p, &[OsString::from("-f"), f.clone(), "balance".into()], &[]),
            ));
            peer_notes.push(format!(
                "hledger journal: {:.1} MB",
                size(&hledger_file) as f64 / 1e6
            ));
        }
        None if !peers_fit => peer_notes.push(
            "hledger, ledger-cli: skipped above 2M entries (LEDGER_BENCH_PEERS=1 to run them)"
                .into(),
        ),
        None => peer_notes.push("hledger: not installed (apt-get install hledger), skipped".into()),
    }
    match &ledger_cli {
        Some((p, v)) => {
            let f = ledger_cli_file.as_os_str().to_owned();
            stats.push(series(
                &format!("ledger-cli balance ({v}) on the same data"),
                peer_runs,
                |_| run(p, &[OsString::from("-f"), f.clone(), "balance".into()], &[]),
            ));
            peer_notes.push(format!(
                "ledger-cli journal: {:.1} MB",
                size(&ledger_cli_file) as f64 / 1e6
            ));
        }
        None if !peers_fit => {}
        None => {
            peer_notes.push("ledger-cli: not installed (apt-get install ledger), skipped".into())
        }
    }

    report(
        &stats,
        &Summary {
            g: &g,
            gen_secs,
            runs,
            rows,
            imported_bytes,
            peer_notes,
            missing,
        },
    );
}

struct Summary<'a> {
    g: &'a generate::Generated,
    gen_secs: f64,
    runs: usize,
    rows: u64,
    imported_bytes: u64,
    peer_notes: Vec<String>,
    missing: Vec<&'static str>,
}

fn report(stats: &[Stat], s: &Summary) {
    let g = s.g;
    let find = |prefix: &str| {
        stats
            .iter()
            .find(|st| st.name.starts_with(prefix))
            .and_then(|st| st.median)
    };
    let verify = find("ledger verify");
    let sha = find("sha256sum");
    println!();
    println!(
        "ledger bench: {} entries, {:.1} MB ({:.0} bytes per recorded entry), generated in {:.2} s; median of {} runs, warm page cache; {} cores",
        g.entries,
        g.bytes as f64 / 1e6,
        g.bytes as f64 / g.entries.max(1) as f64,
        s.gen_secs,
        s.runs,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("mix: {}", mix(g));
    println!(
        "import: {} rows wrote {:.1} MB ({:.0} bytes per imported entry)",
        s.rows,
        s.imported_bytes as f64 / 1e6,
        s.imported_bytes as f64 / s.rows.max(1) as f64
    );
    for note in &s.peer_notes {
        println!("{note}");
    }
    for m in &s.missing {
        println!("not timed: record {m}");
    }
    if time_v().is_none() {
        println!("(no /usr/bin/time: peak memory not measured)");
    }
    println!();
    println!("| command | median s | peak MB | × verify | × sha256sum |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for st in stats {
        let Some(m) = st.median else {
            println!("| {} | {} | | | |", st.name, st.note);
            continue;
        };
        let ratio = |b: Option<f64>| match b {
            Some(b) if b > 0.0 => format!("{:.2}", m / b),
            _ => "-".into(),
        };
        println!(
            "| {} | {:.3} | {} | {} | {} |",
            st.name,
            m,
            st.peak_kb
                .map(|k| format!("{:.1}", k as f64 / 1024.0))
                .unwrap_or_else(|| "-".into()),
            ratio(verify),
            ratio(sha)
        );
    }
    if let (Some(i), Some(v)) = (find("ledger import"), find("ledger verify of that import")) {
        println!();
        println!(
            "import into an empty ledger / verify of what it wrote: {:.2}",
            i / v
        );
    }
    println!();
    for st in stats {
        if !st.runs.is_empty() {
            let runs: Vec<String> = st.runs.iter().map(|t| format!("{t:.3}")).collect();
            println!("{}: runs {} s", st.name, runs.join(", "));
        }
    }
}
