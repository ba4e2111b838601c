//! What the tests need from the system beyond Rust (a headless browser, say), found on
//! `PATH` or installed with Debian's `apt-get` when missing, so that `cargo test`
//! passes on a fresh machine by itself. Installation runs once per test run, under a
//! lock; a test that cannot get its tool fails with the reason, never skips.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

static INSTALLING: Mutex<()> = Mutex::new(());

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var("PATH").unwrap_or_default();
    names.iter().find_map(|name| {
        path.split(':')
            .map(|dir| Path::new(dir).join(name))
            .find(|p| p.is_file())
    })
}

/// The first of `names` on `PATH`; when none is, installs `packages` with apt-get
/// (as root, or through `sudo -n`) and looks again.
pub fn tool(names: &[&str], packages: &[&str]) -> PathBuf {
    if let Some(p) = on_path(names) {
        return p;
    }
    let _guard = INSTALLING.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = on_path(names) {
        return p;
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let apt = |args: &[&str]| -> Result<(), String> {
        let mut cmd = if root {
            Command::new("apt-get")
        } else {
            let mut c = Command::new("sudo");
            c.args(["-n", "apt-get"]);
            c
        };
        let out = cmd
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .output()
            .map_err(|e| format!("apt-get could not be run: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    };
    let mut install = vec!["install", "-y", "-qq", "--no-install-recommends"];
    install.extend_from_slice(packages);
    let result = apt(&["update", "-qq"]).and_then(|_| apt(&install));
    match (result, on_path(names)) {
        (_, Some(p)) => p,
        (Err(e), None) => panic!(
            "this test needs {names:?}, which is not on PATH, and installing the Debian packages {packages:?} failed: {e}"
        ),
        (Ok(()), None) => panic!(
            "this test needs {names:?}; the Debian packages {packages:?} were installed but provide none of them"
        ),
    }
}
