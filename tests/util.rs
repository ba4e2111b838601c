//! The test builder: a temporary directory with a ledger in it, the binary run with a
//! fixed clock, and helpers that check what a user sees (exit status, stdout,
//! stderr) and the journal's bytes before and after.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// What one run of the binary did.
#[derive(Debug)]
pub struct Output {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

#[must_use]
pub struct Test {
    dir: tempfile::TempDir,
    ledger: PathBuf,
    now: String,
}

impl Test {
    /// A temporary directory with no ledger yet; the clock is fixed at 2026-01-01.
    pub fn new() -> Test {
        let dir = tempfile::tempdir().expect("temp dir");
        let ledger = dir.path().join("test.jsonl");
        Test {
            dir,
            ledger,
            now: "2026-01-01T00:00:00Z".into(),
        }
    }

    /// A test with an initialised, empty ledger.
    pub fn init() -> Test {
        let t = Test::new();
        t.ok(&["init"]);
        t
    }

    /// Sets the clock (`LEDGER_NOW`) for later runs.
    pub fn at(mut self, now: &str) -> Test {
        self.now = now.into();
        self
    }

    pub fn set_now(&mut self, now: &str) {
        self.now = now.into();
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn ledger(&self) -> &Path {
        &self.ledger
    }

    /// Writes a file into the test directory and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, contents).expect("write file");
        p
    }

    /// The journal's bytes right now (empty when there is no file).
    pub fn journal(&self) -> Vec<u8> {
        std::fs::read(&self.ledger).unwrap_or_default()
    }

    pub fn command(&self, args: impl CommandLine) -> Command {
        let args = args.words();
        let mut cmd = Command::cargo_bin("ledger").expect("binary");
        cmd.current_dir(self.dir.path())
            .env("CONTRIB_LEDGER", &self.ledger)
            .env("LEDGER_NOW", &self.now)
            .env_remove("LEDGER_LOCK_TIMEOUT")
            .env_remove("LEDGER_REPORT_ENTRIES")
            .args(args);
        cmd
    }

    pub fn run(&self, args: impl CommandLine) -> Output {
        self.run_cmd(self.command(args))
    }

    /// Runs with one more environment variable set.
    pub fn run_env(&self, var: (&str, &str), args: impl CommandLine) -> Output {
        self.run_envs(&[var], args)
    }

    /// Runs with these environment variables set.
    pub fn run_envs(&self, vars: &[(&str, &str)], args: impl CommandLine) -> Output {
        let mut cmd = self.command(args);
        cmd.envs(vars.iter().copied());
        self.run_cmd(cmd)
    }

    fn run_cmd(&self, mut cmd: Command) -> Output {
        let out = cmd.output().expect("run ledger");
        Output {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs and asserts success; returns stdout.
    #[track_caller]
    pub fn ok(&self, args: impl CommandLine) -> String {
        let args = args.words();
        let o = self.run(&args);
        assert_eq!(
            o.status, 0,
            "ledger {args:?} failed:\nstdout: {}\nstderr: {}",
            o.stdout, o.stderr
        );
        o.stdout
    }

    /// Runs and asserts the exit status; returns the output.
    #[track_caller]
    pub fn fails(&self, args: impl CommandLine, status: i32) -> Output {
        let args = args.words();
        let o = self.run(&args);
        assert_eq!(
            o.status, status,
            "ledger {args:?}: wrong exit status\nstdout: {}\nstderr: {}",
            o.stdout, o.stderr
        );
        o
    }

    /// Asserts that a command is rejected: the exit status, a message containing
    /// `message` on stderr, and the journal byte-for-byte unchanged.
    #[track_caller]
    pub fn rejects(&self, args: impl CommandLine, status: i32, message: &str) -> Output {
        let args = args.words();
        let before = self.journal();
        let o = self.fails(&args, status);
        assert!(
            o.stderr.contains(message),
            "ledger {args:?}: stderr lacks {message:?}:\n{}",
            o.stderr
        );
        assert_eq!(
            before,
            self.journal(),
            "ledger {args:?} changed the journal although it failed"
        );
        o
    }

    /// Asserts that a command is refused with exactly `stderr` (every line whole,
    /// with its `error:` prefix, its `[code]` and its line break; the test
    /// directory's path written `$DIR`), the exit status, and the journal
    /// byte-for-byte unchanged.
    #[track_caller]
    pub fn refuses(&self, args: impl CommandLine, status: i32, stderr: &str) -> Output {
        let args = args.words();
        let before = self.journal();
        let o = self.fails(&args, status);
        let shown = o.stderr.replace(&self.dir().display().to_string(), "$DIR");
        assert_eq!(shown, stderr, "ledger {args:?}: stderr");
        assert_eq!(
            before,
            self.journal(),
            "ledger {args:?} changed the journal although it failed"
        );
        o
    }
}

/// A command line: either the words already split (`&["record", "pledge", ...]`)
/// or one string as a user types it (`"report quarterly --year 2009 --quarter 3"`),
/// split on spaces, with '…' or "…" keeping spaces inside one word.
pub trait CommandLine {
    fn words(&self) -> Vec<String>;
}

impl CommandLine for &str {
    fn words(&self) -> Vec<String> {
        let mut words = Vec::new();
        let mut word = String::new();
        let mut quote: Option<char> = None;
        let mut started = false;
        for c in self.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), c) => word.push(c),
                (None, '"' | '\'') => {
                    quote = Some(c);
                    started = true;
                }
                (None, c) if c.is_whitespace() => {
                    if started || !word.is_empty() {
                        words.push(std::mem::take(&mut word));
                    }
                    started = false;
                }
                (None, c) => word.push(c),
            }
        }
        assert!(quote.is_none(), "unclosed quote in {self:?}");
        if started || !word.is_empty() {
            words.push(word);
        }
        words
    }
}

impl CommandLine for &String {
    fn words(&self) -> Vec<String> {
        self.as_str().words()
    }
}

impl<T: AsRef<str>> CommandLine for &[T] {
    fn words(&self) -> Vec<String> {
        self.iter().map(|w| w.as_ref().to_string()).collect()
    }
}

impl<T: ?Sized> CommandLine for &&T
where
    for<'a> &'a T: CommandLine,
{
    fn words(&self) -> Vec<String> {
        (**self).words()
    }
}

impl<T: AsRef<str>, const N: usize> CommandLine for &[T; N] {
    fn words(&self) -> Vec<String> {
        self.as_slice().words()
    }
}

impl<T: AsRef<str>> CommandLine for &Vec<T> {
    fn words(&self) -> Vec<String> {
        self.as_slice().words()
    }
}
