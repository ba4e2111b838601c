//! The tidy test: reads `src/` and fails, naming the file, the line and the rule,
//! when a convention ARCHITECTURE.md states is broken. Invariants a test checks stay
//! true; invariants only a document states drift.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src") {
        let p = e.expect("dir entry").path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Every source file, as (path relative to the crate, layer, text).
fn tree() -> Vec<(String, String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(root)
                .expect("under the crate")
                .to_string_lossy()
                .replace('\\', "/");
            let layer = rel
                .strip_prefix("src/")
                .and_then(|r| r.split_once('/'))
                .map_or("", |(l, _)| l)
                .to_string();
            let text = std::fs::read_to_string(&p).expect("read source");
            (rel, layer, text)
        })
        .collect()
}

/// Lines of code, without comments (a doc comment may name what a rule forbids).
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter_map(|(i, l)| {
        let code = l.split("//").next().unwrap_or("");
        (!code.trim().is_empty()).then_some((i + 1, code))
    })
}

/// Which layers each layer may use (`crate::<layer>`), as ARCHITECTURE.md's code map says.
const MAY_USE: &[(&str, &[&str])] = &[
    ("domain", &[]),
    ("journal", &["domain"]),
    ("import", &["domain"]),
    ("report", &["domain"]),
    ("render", &["report", "domain"]),
    ("cli", &["domain", "journal", "import", "report", "render"]),
];

const LAYERS: [&str; 6] = ["domain", "journal", "import", "report", "render", "cli"];

#[test]
fn tidy() {
    let mut broken: Vec<String> = Vec::new();
    for (file, layer, text) in tree() {
        let mut fail = |line: usize, rule: &str| broken.push(format!("{file}:{line}: {rule}"));
        if !text.starts_with("//!") {
            fail(
                1,
                "every source file opens with a `//!` doc saying what it owns",
            );
        }
        // Documents outside the repository are not for a reader of the code.
        for (i, l) in text.lines().enumerate() {
            // Spelled in pieces so that this list is not itself a citation.
            let outside = [
                concat!("DESIGN", ".md"),
                concat!("STYLE", ".md"),
                concat!("..", "/shared"),
            ];
            for cited in outside {
                if l.contains(cited) {
                    fail(
                        i + 1,
                        &format!(
                            "cites {cited}, which is not in the repository; say what is needed in README.md or ARCHITECTURE.md"
                        ),
                    );
                }
            }
        }
        let allowed = MAY_USE.iter().find(|(l, _)| *l == layer).map(|(_, a)| *a);
        for (n, code) in code_lines(&text) {
            if let Some(allowed) = allowed {
                for other in LAYERS {
                    if other != layer
                        && !allowed.contains(&other)
                        && code.contains(&format!("crate::{other}"))
                    {
                        fail(
                            n,
                            &format!(
                                "`{layer}` may not use `{other}` (layers: domain <- journal, import, report <- render <- cli)"
                            ),
                        );
                    }
                }
            }
            let env_ok = layer == "cli" || file == "src/journal/lock.rs" || file == "src/main.rs";
            if code.contains("std::env") && !env_ok {
                fail(
                    n,
                    "only `cli` reads the environment (and `journal/lock.rs`, for the lock timeout)",
                );
            }
            let fs_ok = matches!(layer.as_str(), "journal" | "cli");
            if (code.contains("std::fs") || code.contains("File::")) && !fs_ok {
                fail(n, "only `journal` and `cli` touch files");
            }
            // Floats are for pixel geometry (svg) and name similarity (register), never money.
            let float_ok = file == "src/render/svg.rs" || file == "src/domain/register.rs";
            if (code.contains("f64") || code.contains("f32")) && !float_ok {
                fail(
                    n,
                    "no f32/f64 outside svg geometry and name similarity: money is Decimal",
                );
            }
            if (code.contains("println!")
                || code.contains("eprintln!")
                || code.contains("std::process::exit"))
                && layer != "cli"
                && file != "src/main.rs"
            {
                fail(n, "only `cli` prints or chooses an exit status");
            }
            if layer == "render" && file != "src/render/svg.rs" {
                for sum in [
                    ".sum()",
                    ".sum::<",
                    "+=",
                    "checked_add",
                    "checked_sub",
                    "Decimal::ZERO",
                ] {
                    if code.contains(sum) {
                        fail(
                            n,
                            &format!(
                                "`render` never computes a figure (`{}`): put the figure in the report struct",
                                sum.trim()
                            ),
                        );
                    }
                }
            }
            if code.contains("\"error: ") && file != "src/cli/failure.rs" {
                fail(
                    n,
                    "a message carries no `error:` prefix of its own: the `Failure` variant adds it",
                );
            }
            if layer == "domain" && code.contains("clap") {
                fail(n, "only `cli` touches clap");
            }
        }
    }
    assert!(
        broken.is_empty(),
        "conventions broken:\n{}",
        broken.join("\n")
    );
}

/// The rule itself can fail: a file that breaks each rule is named.
#[test]
fn tidy_names_what_it_finds() {
    let bad =
        "use crate::cli::Failure;\nlet x: f64 = 1.0;\nlet t = rows.iter().map(|r| r.paid).sum();\n";
    let lines: Vec<(usize, &str)> = code_lines(bad).collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].1.contains("crate::cli"));
    assert!(lines[1].1.contains("f64"));
    assert!(lines[2].1.contains(".sum()"));
    // Comments are not code: a doc line naming a rule breaks nothing.
    assert_eq!(
        code_lines("// no f64 here\n//! nor crate::cli\n").count(),
        0
    );
}

/// The README's problem-code table lists exactly the codes of `Code`, and every
/// `[code]` a message in `src/` ends with is one of them.
#[test]
fn problem_codes_are_one_enum_and_the_readme_lists_it() {
    use ledger::domain::Code;
    let known: std::collections::BTreeSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    let table = readme
        .split("## Problem codes")
        .nth(1)
        .expect("a Problem codes section");
    let mut listed = std::collections::BTreeSet::new();
    for line in table.lines().filter(|l| l.starts_with("| `")) {
        let first = line.split(" | ").next().unwrap_or_default();
        for code in first.split('`').skip(1).step_by(2) {
            listed.insert(code.to_string());
        }
    }
    let listed: std::collections::BTreeSet<&str> = listed.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        listed, known,
        "the README's problem-code table and `Code` differ"
    );
    let mut unknown = Vec::new();
    for (file, _, text) in tree() {
        for (n, code) in code_lines(&text) {
            for tag in code
                .split('[')
                .skip(1)
                .filter_map(|t| t.split_once(']'))
                .map(|(t, _)| t)
            {
                let looks_like_code = !tag.is_empty()
                    && tag.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
                    && tag.contains('-');
                if looks_like_code && !known.contains(tag) {
                    unknown.push(format!(
                        "{file}:{n}: [{tag}] is not a problem code of `Code`"
                    ));
                }
            }
        }
    }
    assert!(unknown.is_empty(), "{}", unknown.join("\n"));
}

/// The README's table of kinds and fields (under "The journal") lists exactly the
/// stored names of `Kind`.
#[test]
fn the_readme_lists_every_entry_kind() {
    use ledger::domain::Kind;
    let known: std::collections::BTreeSet<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    let section = readme
        .split("## The journal")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("a journal section");
    let table = section
        .split("| kind | fields |")
        .nth(1)
        .expect("a table of kinds and fields");
    let mut listed = std::collections::BTreeSet::new();
    for line in table.lines().skip(1).take_while(|l| l.starts_with('|')) {
        let first = line.split(" | ").next().unwrap_or_default();
        for kind in first.split('`').skip(1).step_by(2) {
            listed.insert(kind.to_string());
        }
    }
    let listed: std::collections::BTreeSet<&str> = listed.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        listed, known,
        "the README's table of kinds and `Kind::ALL` differ"
    );
}
