//! The quarterly HTML report in a real headless browser (Debian's `chromium`,
//! installed by the test when missing): the rendered page must hold the totals and
//! the SVG charts must have drawn bars. A screenshot is kept under `target/`. This
//! test fails, never skips, when the browser cannot be had.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::hand_ledger;

fn chromium() -> PathBuf {
    crate::provision::tool(
        &["chromium", "chromium-browser"],
        &["chromium", "fonts-liberation"],
    )
}

fn browse(html: &Path, profile: &Path, extra: &[&str]) -> std::process::Output {
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn the_quarterly_html_renders_totals_and_charts_in_chromium() {
    let t = hand_ledger();
    let html = t.dir().join("q3.html");
    t.ok(&[
        "report",
        "quarterly",
        "--year",
        "2009",
        "--quarter",
        "3",
        "--format",
        "html",
        "--output",
        html.to_str().unwrap(),
    ]);
    let profile = tempfile::tempdir().unwrap();
    let dom = String::from_utf8(browse(&html, profile.path(), &["--dump-dom"]).stdout).unwrap();
    // The totals as the hand calculation has them (see hand.rs).
    for figure in [
        "64,000.00",
        "220,000.00",
        "104,000.00",
        "131,666.67",
        "4,166.67",
    ] {
        assert!(dom.contains(figure), "rendered page lacks {figure}");
    }
    for chart in ["chart-quarters", "chart-donors", "chart-gpsp"] {
        let start = dom
            .find(&format!("id=\"{chart}\""))
            .unwrap_or_else(|| panic!("no {chart}"));
        let svg = &dom[start..start + dom[start..].find("</svg>").unwrap()];
        let drawn = svg
            .split("<rect class=\"bar\"")
            .skip(1)
            .filter(|r| !r.contains("width=\"0.0\"") && !r.contains("height=\"0.0\""))
            .count();
        assert!(drawn >= 2, "{chart} has {drawn} drawn bars");
    }
    let shot = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/report-q3.png");
    let _ = std::fs::remove_file(&shot);
    let profile = tempfile::tempdir().unwrap();
    browse(
        &html,
        profile.path(),
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1200,1700",
        ],
    );
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "screenshot too small"
    );
}
