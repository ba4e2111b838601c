//! `ledger completions SHELL` and `ledger man`: the shell completion scripts and the
//! manual page, generated from the same clap grammar as the commands themselves, so
//! they never drift from what the program accepts.

use std::io::Write;

use clap::CommandFactory;

use super::{Cli, Failure};

pub fn completions(out: &mut dyn Write, shell: clap_complete::Shell) -> Result<(), Failure> {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "ledger", out);
    Ok(())
}

pub fn man(out: &mut dyn Write) -> Result<(), Failure> {
    clap_mangen::Man::new(Cli::command()).render(out)?;
    Ok(())
}
