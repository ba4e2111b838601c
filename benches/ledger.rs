//! `cargo bench --bench ledger`: the release binary on a large synthetic ledger,
//! side by side with `sha256sum` and a minimal streaming Rust program.
//!
//! Owns: building the release binary, generating the ledger and an import CSV in a
//! temp dir (see `generate.rs`), timing each command a few times (median wall time,
//! peak memory from `/usr/bin/time -v` when present) and printing the figures and
//! their ratios. Commands the binary does not support yet (exit status not 0 on the
//! first try) are reported as not available, not failed.
//!
//! Environment: `LEDGER_BENCH_ENTRIES` (default 1000000), `LEDGER_BENCH_RUNS`
//! (default 3), `LEDGER_BENCH_IMPORT_ROWS` (default 100000), `LEDGER_BENCH_DIR`
//! (where the temp dir goes; default the system's). Also a tool:
//! `cargo bench --bench ledger -- --generate PATH N` writes a synthetic ledger, and
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
    match args.first().map(String::as_str) {
        Some("--baseline") => baseline(Path::new(&args[1])),
        Some("--generate") => {
            let n = args
                .get(2)
                .and_then(|s| s.parse().ok())
                .unwrap_or(1_000_000);
            let g = generate::ledger(Path::new(&args[1]), n, SEED);
            println!(
                "{}: {} entries, {} bytes, head {}",
                args[1], g.entries, g.bytes, g.head
            );
        }
        Some("--check") => check(Path::new(&args[1])),
        _ => bench(),
    }
}

/// Replays a ledger through `Book::check`, the rules `ledger record` enforces, and
/// panics at the first entry the generator got wrong.
fn check(path: &Path) {
    let mut book = ledger::domain::Book::new();
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
        book.apply(&e);
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
    let p = PathBuf::from("/usr/bin/time");
    let ok = Command::new(&p)
        .args(["-v", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    ok.then_some(p)
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

fn bench() {
    let n = env_num("LEDGER_BENCH_ENTRIES", 1_000_000);
    let runs = env_num("LEDGER_BENCH_RUNS", 3).max(1) as usize;
    let rows = env_num("LEDGER_BENCH_IMPORT_ROWS", 100_000);
    let bin = release_binary();
    let dir = match std::env::var_os("LEDGER_BENCH_DIR") {
        Some(d) => tempfile::tempdir_in(d),
        None => tempfile::tempdir(),
    }
    .expect("temp dir");
    let journal = dir.path().join("big.jsonl");
    let csv = dir.path().join("import.csv");

    eprintln!("generating {n} entries in {}", journal.display());
    let t = Instant::now();
    let g = generate::ledger(&journal, n, SEED);
    let gen_secs = t.elapsed().as_secs_f64();
    generate::canonical_csv(&csv, rows, SEED + 1);
    let now =
        ledger::domain::time::format_timestamp(g.last_recorded_at + chrono::Duration::days(1));
    let env = [("LEDGER_NOW", now)];
    let j = journal.as_os_str().to_owned();
    let with_ledger = |args: &[&str]| {
        let mut v = os(args);
        v.push("--ledger".into());
        v.push(j.clone());
        v
    };

    // Warm the page cache so that every command reads the file from memory alike.
    let sha = Path::new("sha256sum");
    let _ = run(sha, std::slice::from_ref(&j), &[]);
    let me = std::env::current_exe().expect("this bench's path");

    let mut stats = vec![
        series("sha256sum FILE", runs, |_| {
            run(sha, std::slice::from_ref(&j), &[])
        }),
        series(
            "baseline: stream + sum per donor (std + serde_json)",
            runs,
            |_| run(&me, &[OsString::from("--baseline"), j.clone()], &[]),
        ),
        series("ledger verify", runs, |_| {
            run(&bin, &with_ledger(&["verify"]), &env)
        }),
        series("ledger log --format json > /dev/null", runs, |_| {
            run(&bin, &with_ledger(&["log", "--format", "json"]), &env)
        }),
        series(
            "ledger report quarterly --year 2009 --quarter 3 --format json",
            runs,
            |_| {
                run(
                    &bin,
                    &with_ledger(&[
                        "report",
                        "quarterly",
                        "--year",
                        "2009",
                        "--quarter",
                        "3",
                        "--format",
                        "json",
                    ]),
                    &env,
                )
            },
        ),
    ];
    let csv_os = csv.as_os_str().to_owned();
    let import_name = format!("ledger import ({rows} canonical CSV rows, into a copy)");
    stats.push(series(&import_name, runs, |i| {
        let copy = dir.path().join(format!("import-{i}.jsonl"));
        std::fs::copy(&journal, &copy).expect("copy the ledger");
        let mut args = vec![OsString::from("import"), csv_os.clone()];
        args.push("--ledger".into());
        args.push(copy.as_os_str().to_owned());
        let r = run(&bin, &args, &env);
        let _ = std::fs::remove_file(&copy);
        r
    }));
    let record = |i: usize| {
        let reference = format!("BENCH/{i}");
        run(
            &bin,
            &with_ledger(&[
                "record",
                "payment",
                "--donor",
                "JPN",
                "--mandate",
                "coordination",
                "--amount",
                "1000.00",
                "--currency",
                "USD",
                "--date",
                "2011-12-30",
                "--reference",
                &reference,
            ]),
            &env,
        )
    };
    // The first append reads the whole journal and writes the index beside it;
    // later appends start from the index and read only what follows it.
    stats.push(series(
        "ledger record payment (first: reads all, writes the index)",
        1,
        |_| record(0),
    ));
    stats.push(series(
        "ledger record payment (one entry appended, from the index)",
        runs,
        |i| record(i + 1),
    ));

    let mb = g.bytes as f64 / 1e6;
    println!();
    println!(
        "ledger bench: {} entries, {:.1} MB, generated in {:.2} s ({:.0} entries/s); median of {runs} runs, warm page cache",
        g.entries,
        mb,
        gen_secs,
        g.entries as f64 / gen_secs
    );
    let counts: Vec<String> = g
        .counts
        .iter()
        .filter(|(_, c)| *c > 0)
        .map(|(k, c)| format!("{} {c}", k.as_str()))
        .collect();
    println!("mix: {}", counts.join(", "));
    if time_v().is_none() {
        println!("(no /usr/bin/time: peak memory not measured)");
    }
    let sha_t = stats[0].median;
    let base_t = stats[1].median;
    println!(
        "{:<64} {:>10} {:>10} {:>12} {:>12}",
        "command", "median s", "peak MB", "x sha256sum", "x baseline"
    );
    for s in &stats {
        let Some(m) = s.median else {
            println!("{:<64} {}", s.name, s.note);
            continue;
        };
        let ratio = |b: Option<f64>| match b {
            Some(b) if b > 0.0 => format!("{:.2}", m / b),
            _ => "-".into(),
        };
        println!(
            "{:<64} {:>10.3} {:>10} {:>12} {:>12}",
            s.name,
            m,
            s.peak_kb
                .map(|k| format!("{:.1}", k as f64 / 1024.0))
                .unwrap_or_else(|| "-".into()),
            ratio(sha_t),
            ratio(base_t)
        );
    }
    println!();
    for s in &stats {
        if !s.runs.is_empty() {
            let runs: Vec<String> = s.runs.iter().map(|t| format!("{t:.3}")).collect();
            println!("{}: runs {} s", s.name, runs.join(", "));
        }
    }
}
