//! SVG charts for the HTML report: pledged against paid by quarter, the largest
//! donors, and the general-purpose / special-purpose share.
//!
//! Geometry only: amounts arrive as exact decimals and are turned into f64 pixel
//! coordinates at the last step. No figure shown as text is computed here; labels
//! are the report's own strings.

use std::fmt::Write as _;

use rust_decimal::prelude::ToPrimitive;

use super::html::esc;
use crate::report::Usd;
use crate::report::quarterly::{GpSp, LargestDonor, QuarterBar};

/// Pixels from a USD amount relative to the largest amount drawn. f64 is chart
/// geometry here, never money: nothing computed from it is shown as a figure.
fn px(v: Usd, max: Usd, span: f64) -> f64 {
    if max.0 <= rust_decimal::Decimal::ZERO || v.0 <= rust_decimal::Decimal::ZERO {
        return 0.0;
    }
    let ratio = (v.0 / max.0).to_f64().unwrap_or(0.0);
    (ratio * span).clamp(0.0, span)
}

fn grouped(v: Usd) -> String {
    crate::domain::currency::group_thousands(&v.plain())
}

pub const PLEDGED: &str = "#4a78b5";
pub const PAID: &str = "#e08a2c";

pub fn quarters(bars: &[QuarterBar]) -> String {
    let (w, h, left, bottom, top) = (760.0_f64, 280.0_f64, 20.0_f64, 40.0_f64, 20.0_f64);
    let max = bars
        .iter()
        .flat_map(|b| [b.pledged, b.paid])
        .max()
        .unwrap_or(Usd::ZERO);
    let span = h - bottom - top;
    let slot = (w - left) / bars.len().max(1) as f64;
    let bar = slot * 0.34;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" id="chart-quarters" viewBox="0 0 {w} {h}" role="img" aria-label="Pledged and paid by quarter" xmlns="http://www.w3.org/2000/svg">"#
    );
    let base = h - bottom;
    let _ = write!(
        s,
        r##"<line x1="{left}" y1="{base}" x2="{w}" y2="{base}" stroke="#555" stroke-width="1"/>"##
    );
    for (i, b) in bars.iter().enumerate() {
        let x0 = left + slot * i as f64 + slot * 0.14;
        for (k, (v, colour, what)) in [(b.pledged, PLEDGED, "pledged"), (b.paid, PAID, "paid")]
            .into_iter()
            .enumerate()
        {
            let hgt = px(v, max, span);
            let x = x0 + bar * k as f64;
            if v.0 < rust_decimal::Decimal::ZERO {
                // Refunds above payments: no bar to draw upwards, so a red mark on the
                // base line says "below zero" rather than looking like nothing.
                let _ = write!(
                    s,
                    r##"<rect class="negative" x="{x:.1}" y="{base:.1}" width="{bar:.1}" height="4" fill="#c0392b"><title>{} {what}: {} USD (below zero)</title></rect><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="10" fill="#c0392b">&lt; 0</text>"##,
                    esc(&b.quarter),
                    grouped(v),
                    x + bar / 2.0,
                    base - 4.0
                );
                continue;
            }
            let _ = write!(
                s,
                r#"<rect class="bar" x="{x:.1}" y="{:.1}" width="{bar:.1}" height="{hgt:.1}" fill="{colour}"><title>{} {what}: {} USD</title></rect>"#,
                base - hgt,
                esc(&b.quarter),
                grouped(v)
            );
        }
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="12">{}</text>"#,
            x0 + bar,
            base + 18.0,
            esc(&b.quarter)
        );
    }
    let _ = write!(
        s,
        r##"<text x="{left}" y="{:.1}" font-size="11" fill="#333">Highest bar: {} USD</text>"##,
        top - 6.0,
        grouped(max)
    );
    s.push_str("</svg>");
    s
}

pub fn donors(rows: &[LargestDonor]) -> String {
    let (w, row_h, label_w) = (760.0_f64, 26.0_f64, 240.0_f64);
    let h = row_h * rows.len().max(1) as f64 + 10.0;
    let max = rows
        .iter()
        .map(|r| r.paid_year_to_date)
        .max()
        .unwrap_or(Usd::ZERO);
    let span = w - label_w - 130.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" id="chart-donors" viewBox="0 0 {w} {h}" role="img" aria-label="Largest donors, paid year to date" xmlns="http://www.w3.org/2000/svg">"#
    );
    for (i, r) in rows.iter().enumerate() {
        let y = 5.0 + row_h * i as f64;
        let bw = px(r.paid_year_to_date, max, span);
        // A long name is cut with an ellipsis; the full name is its tooltip.
        let name: String = if r.name.chars().count() > 34 {
            r.name.chars().take(33).chain(['…']).collect()
        } else {
            r.name.clone()
        };
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" font-size="12">{}<title>{}</title></text><rect class="bar" x="{label_w}" y="{y:.1}" width="{bw:.1}" height="{:.1}" fill="{PAID}"><title>{}: {} USD</title></rect><text x="{:.1}" y="{:.1}" font-size="12">{}</text>"#,
            label_w - 8.0,
            y + row_h * 0.62,
            esc(&name),
            esc(&r.name),
            row_h * 0.7,
            esc(&r.name),
            grouped(r.paid_year_to_date),
            label_w + bw + 6.0,
            y + row_h * 0.62,
            grouped(r.paid_year_to_date)
        );
    }
    s.push_str("</svg>");
    s
}

pub fn gp_sp(split: &GpSp) -> String {
    let (w, h, bar_h) = (760.0_f64, 130.0_f64, 34.0_f64);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" id="chart-gpsp" viewBox="0 0 {w} {h}" role="img" aria-label="General-purpose and special-purpose share of paid" xmlns="http://www.w3.org/2000/svg">"#
    );
    for (i, (label, sp)) in [
        ("Quarter", &split.quarter),
        ("Year to date", &split.year_to_date),
    ]
    .into_iter()
    .enumerate()
    {
        let y = 10.0 + i as f64 * (bar_h + 26.0);
        let (label_w, span) = (110.0_f64, w - 120.0);
        let whole = Usd(sp.general_purpose.0.max(rust_decimal::Decimal::ZERO))
            + Usd(sp.special_purpose.0.max(rust_decimal::Decimal::ZERO));
        let gw = px(sp.general_purpose, whole, span);
        let sw = px(sp.special_purpose, whole, span);
        let _ = write!(
            s,
            r#"<text x="0" y="{:.1}" font-size="12">{label}</text>"#,
            y + bar_h * 0.6
        );
        let negative = sp.general_purpose.0 < rust_decimal::Decimal::ZERO
            || sp.special_purpose.0 < rust_decimal::Decimal::ZERO;
        if negative {
            // Shares outside 0-100% cannot be drawn as parts of one bar.
            let _ = write!(
                s,
                r##"<rect x="{label_w}" y="{y:.1}" width="{span:.1}" height="{bar_h}" fill="#f6e0dd"/><text x="{:.1}" y="{:.1}" font-size="12">refunds exceed payments in one part (GP {} USD, SP {} USD): see the table</text>"##,
                label_w + 8.0,
                y + bar_h * 0.6,
                grouped(sp.general_purpose),
                grouped(sp.special_purpose)
            );
            continue;
        }
        if whole.is_zero() {
            let _ = write!(
                s,
                r##"<rect x="{label_w}" y="{y:.1}" width="{span:.1}" height="{bar_h}" fill="#eee"/><text x="{:.1}" y="{:.1}" font-size="12">nothing paid</text>"##,
                label_w + 8.0,
                y + bar_h * 0.6
            );
            continue;
        }
        let pct = |p: &Option<String>| p.clone().map(|p| format!("{p}%")).unwrap_or_default();
        let _ = write!(
            s,
            r##"<rect class="bar" x="{label_w}" y="{y:.1}" width="{gw:.1}" height="{bar_h}" fill="#2f8f6f"><title>General-purpose: {} USD</title></rect><rect class="bar" x="{:.1}" y="{y:.1}" width="{sw:.1}" height="{bar_h}" fill="#8a6fb5"><title>Special-purpose: {} USD</title></rect><text x="{:.1}" y="{:.1}" font-size="11">GP {} · SP {}</text>"##,
            grouped(sp.general_purpose),
            label_w + gw,
            grouped(sp.special_purpose),
            label_w,
            y + bar_h + 14.0,
            pct(&sp.general_purpose_share),
            pct(&sp.special_purpose_share)
        );
    }
    s.push_str("</svg>");
    s
}
