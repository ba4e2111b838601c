//! Failures and their exit statuses, decided in one place:
//! 0 success; 1 the command failed; 2 usage error; 3 the ledger failed verification.

use std::fmt;

use crate::domain::Problem;
use crate::journal::JournalError;

/// Why a command failed. The variant alone decides the exit status and the
/// message's `error:` prefix; messages are stored without it.
#[derive(Debug)]
pub enum Failure {
    /// The command failed: bad input, a missing rate, a locked ledger (exit 1).
    Failed(String),
    /// The command line itself is wrong (exit 2).
    Usage(String),
    /// The ledger failed verification: tampered, torn, not a ledger (exit 3).
    Verification(String),
    /// Writing the output failed (exit 1; a closed pipe ends the output quietly).
    Output(std::io::Error),
}

impl Failure {
    pub fn failed(message: impl Into<String>) -> Failure {
        Failure::Failed(message.into())
    }

    pub fn usage(message: impl Into<String>) -> Failure {
        Failure::Usage(message.into())
    }

    pub fn verification(message: impl Into<String>) -> Failure {
        Failure::Verification(message.into())
    }

    /// A rejected input: where (a flag or file:line), then the problem.
    pub fn problem(place: &str, p: &Problem) -> Failure {
        Failure::failed(format!("{place}: {p}"))
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Failed(_) | Failure::Output(_) => 1,
            Failure::Usage(_) => 2,
            Failure::Verification(_) => 3,
        }
    }

    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Failure::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Failed(m) | Failure::Usage(m) | Failure::Verification(m) => {
                write!(f, "error: {m}")
            }
            Failure::Output(e) => write!(f, "error: {e}"),
        }
    }
}

impl From<JournalError> for Failure {
    fn from(e: JournalError) -> Failure {
        if e.is_verification_failure() {
            Failure::verification(e.to_string())
        } else {
            Failure::failed(e.to_string())
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        Failure::Output(e)
    }
}

impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Failure {
        match e.io_error_kind() {
            Some(kind) => std::io::Error::from(kind).into(),
            None => Failure::failed(e.to_string()),
        }
    }
}
