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
    assert_eq!(
        o.stderr,
        "error: invalid value 'tcsh' for '<SHELL>'\n  [possible values: bash, elvish, fish, powershell, zsh]\n\n  tip: a similar value exists: 'zsh'\n\nFor more information, try '--help'.\n"
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

#[test]
fn every_flag_of_every_command_has_help_and_every_command_examples() {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if id == "help" || id == "version" || arg.is_hide_set() {
                continue;
            }
            if arg
                .get_help()
                .is_none_or(|h| h.to_string().trim().is_empty())
            {
                missing.push(format!("{path} --{id}: no help"));
            }
        }
        let examples = cmd
            .get_after_help()
            .is_some_and(|h| h.to_string().contains("Examples:\n  ledger "));
        if !examples && cmd.get_name() != "help" {
            missing.push(format!("{path}: no examples after its help"));
        }
        for sub in cmd.get_subcommands() {
            if sub.get_name() != "help" {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
    }
    let mut missing = Vec::new();
    walk(&ledger::cli::Cli::command(), "ledger", &mut missing);
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    let help = Test::new().ok("report --help");
    for words in [
        "--year",
        "recorded",
        "balance date",
        "reconciliation",
        "small-balances",
        "contributions receivable",
    ] {
        assert!(help.contains(words), "report --help lacks {words}:\n{help}");
    }
}
