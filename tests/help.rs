//! The CLI explains itself: completion scripts and the manual page come from the same
//! grammar as the commands.

use crate::util::Test;

#[test]
fn completions_cover_every_command_for_each_shell() {
    let t = Test::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = t.ok(&["completions", shell]);
        for word in ["record", "report", "verify", "rules", "output", "force"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    let o = t.fails(&["completions", "tcsh"], 2);
    assert!(
        o.stderr.contains("invalid value 'tcsh' for '<SHELL>'"),
        "{}",
        o.stderr
    );
}

#[test]
fn the_manual_page_names_the_program_and_its_commands() {
    let page = Test::new().ok(&["man"]);
    assert!(page.starts_with(".ie \\n(.g .ds Aq \\(aq"), "{page}");
    assert!(page.contains(".TH ledger 1"), "{page}");
    for command in [
        "ledger\\-init",
        "ledger\\-record",
        "ledger\\-report",
        "ledger\\-verify",
    ] {
        assert!(page.contains(command), "man page lacks {command}");
    }
}
