//! Failures and their exit statuses, decided in one place:
//! 0 success; 1 the command failed; 2 usage error; 3 the ledger failed verification.

use std::fmt;

use crate::domain::Problem;
use crate::journal::JournalError;

#[derive(Debug)]
pub struct Failure {
    code: u8,
    message: String,
    broken_pipe: bool,
}

impl Failure {
    pub fn failed(message: impl Into<String>) -> Failure {
        Failure {
            code: 1,
            message: message.into(),
            broken_pipe: false,
        }
    }

    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: 2,
            message: message.into(),
            broken_pipe: false,
        }
    }

    pub fn verification(message: impl Into<String>) -> Failure {
        Failure {
            code: 3,
            message: message.into(),
            broken_pipe: false,
        }
    }

    /// A rejected input: where (a flag or file:line), then the problem.
    pub fn problem(place: &str, p: &Problem) -> Failure {
        Failure::failed(format!("error: {place}: {p}"))
    }

    pub fn exit_code(&self) -> u8 {
        self.code
    }

    pub fn is_broken_pipe(&self) -> bool {
        self.broken_pipe
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.starts_with("error") {
            f.write_str(&self.message)
        } else {
            write!(f, "error: {}", self.message)
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
        Failure {
            code: 1,
            broken_pipe: e.kind() == std::io::ErrorKind::BrokenPipe,
            message: e.to_string(),
        }
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
