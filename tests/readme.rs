//! Keeps the README honest: its short demo is run command by command and every
//! line it shows must be what the program prints.

use crate::util::Test;

/// Splits a shell command line: words, and double-quoted strings.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            _ => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

/// The demo block: (command words, expected output lines).
fn demo() -> Vec<(Vec<String>, String)> {
    let readme = include_str!("../README.md");
    let start = readme.find("## A short demo").expect("README has a demo");
    let block = &readme[start..];
    let block = &block[block.find("```\n").expect("code block") + 4..];
    let block = &block[..block.find("```").expect("end of code block")];
    let mut steps: Vec<(Vec<String>, String)> = Vec::new();
    let mut pending = String::new();
    for line in block.lines() {
        if let Some(cmd) =
            line.strip_prefix("$ ")
                .or(if pending.is_empty() { None } else { Some(line) })
        {
            let (text, more) = match cmd.strip_suffix('\\') {
                Some(t) => (t, true),
                None => (cmd, false),
            };
            pending.push_str(text.trim_start());
            pending.push(' ');
            if !more {
                steps.push((words(pending.trim()), String::new()));
                pending.clear();
            }
        } else if let Some(step) = steps.last_mut() {
            step.1.push_str(line);
            step.1.push('\n');
        }
    }
    steps
}

#[test]
fn the_readme_demo_prints_what_the_readme_shows() {
    let t = Test::new().at("2026-11-28T09:00:00Z");
    let steps = demo();
    assert!(
        steps.len() >= 8,
        "the demo block was not found or is too short"
    );
    let mut ledger: Option<String> = None;
    for (words, expected) in steps {
        if words[0] == "export" {
            let (_, value) = words[1].split_once('=').expect("export NAME=VALUE");
            ledger = Some(value.to_string());
            continue;
        }
        assert_eq!(words[0], "ledger", "README demo runs only ledger commands");
        // The demo runs in a directory inside the project: its fixtures are one up.
        let words: Vec<String> = words
            .iter()
            .map(|w| match w.strip_prefix("../tests/fixtures/") {
                Some(rest) => format!("{}/tests/fixtures/{rest}", env!("CARGO_MANIFEST_DIR")),
                None => w.clone(),
            })
            .collect();
        let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
        let mut cmd = t.command(&args);
        // Without an `export`, no ledger is named: `ledger init` makes one here.
        match &ledger {
            Some(l) => cmd.env("CONTRIB_LEDGER", l),
            None => cmd.env_remove("CONTRIB_LEDGER"),
        };
        let out = cmd.output().expect("run ledger");
        let shown = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(shown, expected, "README: ledger {}", args.join(" "));
    }
}

#[test]
fn the_readme_shows_the_real_start_of_the_demo_quarterly_report() {
    let readme = include_str!("../README.md");
    let start = readme
        .find("The main job on the demo ledger")
        .expect("README shows the main job");
    let block = &readme[start..];
    let block = &block[block.find("```\n").expect("code block") + 4..];
    let shown = &block[..block.find("```").expect("end of code block")];
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/ledgers/demo.jsonl");
    let t = Test::new();
    let out = t.ok(&[
        "--ledger",
        demo,
        "report",
        "quarterly",
        "--year",
        "2009",
        "--quarter",
        "3",
    ]);
    let real: Vec<&str> = out.lines().map(str::trim_end).collect();
    for (i, line) in shown.lines().enumerate() {
        match line.split_once("...") {
            // An elided line: what comes before the ellipsis must match.
            Some((prefix, _)) => assert!(
                real[i].starts_with(prefix),
                "README line {i}: {line:?} vs {:?}",
                real[i]
            ),
            None => assert_eq!(real[i], line, "README line {i}"),
        }
    }
}
