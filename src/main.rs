//! The `ledger` binary: runs the command line and turns its outcome into an exit status.

use std::process::ExitCode;

fn main() -> ExitCode {
    ledger::cli::main()
}
