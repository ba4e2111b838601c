//! The writer's lock: an exclusive advisory lock on the journal file itself, waited
//! for a bounded time, so that concurrent writers serialise and never interleave.

use std::fs::File;
use std::path::Path;
use std::time::{Duration, Instant};

use super::JournalError;

/// How long a writer waits for another to finish: `LEDGER_LOCK_TIMEOUT` seconds, default 30.
pub fn lock_timeout() -> Duration {
    std::env::var("LEDGER_LOCK_TIMEOUT")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map(Duration::from_secs)
        .unwrap_or(Duration::from_secs(30))
}

pub fn exclusive(file: &File, path: &Path, timeout: Duration) -> Result<(), JournalError> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::WouldBlock) => {
                if start.elapsed() >= timeout {
                    return Err(JournalError::Locked {
                        path: path.to_path_buf(),
                        waited_secs: timeout.as_secs(),
                    });
                }
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(JournalError::Io {
                    path: path.to_path_buf(),
                    source: e,
                });
            }
        }
    }
}

/// True when no writer holds the lock right now (so a torn tail is a crash's, not a
/// write in progress).
pub fn no_writer(file: &File) -> bool {
    match file.try_lock_shared() {
        Ok(()) => {
            let _ = file.unlock();
            true
        }
        Err(_) => false,
    }
}
