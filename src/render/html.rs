//! HTML: one self-contained page (inline CSS and SVG; no scripts, no fonts or images
//! from the network) that prints cleanly on A4. Every text from the ledger is
//! escaped. The quarterly report gets three charts (see `svg`).

use std::io::Write;

use super::Report;
use super::doc::{Doc, Sheet};
use super::svg;

/// Escapes text for HTML element content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Helvetica Neue", Arial, "Liberation Sans", sans-serif; color: #1d2430; margin: 0 auto; max-width: 1100px; padding: 24px; font-size: 14px; line-height: 1.4; }
h1 { font-size: 24px; margin: 0 0 8px; color: #0b3d6e; }
h2 { font-size: 17px; margin: 26px 0 8px; color: #0b3d6e; border-bottom: 2px solid #d6e0ea; padding-bottom: 3px; }
dl.head { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0 0 10px; font-size: 13px; }
dl.head dt { font-weight: 600; color: #44516a; }
dl.head dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { padding: 4px 8px; border-bottom: 1px solid #e3e8ee; vertical-align: top; }
th { background: #eef3f8; text-align: left; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: 700; border-top: 2px solid #8898aa; background: #f7f9fb; }
p.none { color: #6b778a; font-style: italic; }
.charts { display: grid; grid-template-columns: 1fr; gap: 10px; }
figure { margin: 0; }
figcaption { font-size: 13px; font-weight: 600; color: #44516a; margin: 6px 0 2px; }
svg.chart { width: 100%; height: auto; max-height: 320px; }
.legend span { display: inline-block; margin-right: 16px; font-size: 12px; }
.legend i { display: inline-block; width: 12px; height: 12px; margin-right: 5px; vertical-align: -1px; }
ol.notes { font-size: 12px; color: #44516a; padding-left: 20px; }
section { break-inside: avoid; page-break-inside: avoid; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  svg.chart { max-height: 75mm; }
}
"#;

fn table(s: &Sheet, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "<section id=\"{}\">", s.key)?;
    writeln!(out, "<h2>{}</h2>", esc(&s.title))?;
    if s.rows.is_empty() {
        writeln!(out, "<p class=\"none\">None.</p></section>")?;
        return Ok(());
    }
    let class = |right: bool| if right { " class=\"num\"" } else { "" };
    write!(out, "<table><thead><tr>")?;
    for (c, r) in s.columns.iter().zip(&s.right) {
        write!(out, "<th{}>{}</th>", class(*r), esc(c))?;
    }
    writeln!(out, "</tr></thead><tbody>")?;
    for row in s.rows.iter() {
        write!(out, "<tr>")?;
        for c in row.iter() {
            write!(out, "<td{}>{}</td>", class(c.right()), esc(&c.display()))?;
        }
        writeln!(out, "</tr>")?;
    }
    if let Some(tot) = &s.totals {
        write!(out, "<tr class=\"total\">")?;
        for c in tot {
            write!(out, "<td{}>{}</td>", class(c.right()), esc(&c.display()))?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody></table></section>")
}

fn charts(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let Report::Quarterly(q) = report else {
        return Ok(());
    };
    writeln!(
        out,
        "<section id=\"charts\"><h2>Charts</h2><div class=\"charts\">"
    )?;
    writeln!(
        out,
        "<figure><figcaption>Pledged and paid by quarter, last two years (USD)</figcaption><div class=\"legend\"><span><i style=\"background:{}\"></i>Pledged</span><span><i style=\"background:{}\"></i>Paid</span></div>{}</figure>",
        svg::PLEDGED,
        svg::PAID,
        svg::quarters(&q.quarters)
    )?;
    if !q.largest_donors.is_empty() {
        writeln!(
            out,
            "<figure><figcaption>Largest donors, paid year to date (USD)</figcaption>{}</figure>",
            svg::donors(&q.largest_donors)
        )?;
    }
    writeln!(
        out,
        "<figure><figcaption>General-purpose (green) and special-purpose (purple) share of paid</figcaption>{}</figure>",
        svg::gp_sp(&q.gp_sp)
    )?;
    writeln!(out, "</div></section>")
}

pub fn write(report: &Report, d: &Doc, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "<!DOCTYPE html>")?;
    writeln!(out, "<html lang=\"en\"><head><meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(out, "<title>{}</title>", esc(&d.title))?;
    writeln!(out, "<style>{CSS}</style></head><body>")?;
    writeln!(out, "<h1>{}</h1>", esc(&d.title))?;
    writeln!(out, "<dl class=\"head\">")?;
    for (k, v) in &d.header {
        writeln!(out, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(v))?;
    }
    writeln!(out, "</dl>")?;
    let mut sheets = d.sheets.iter();
    // The quarterly report opens with its totals and split, then the charts.
    let lead = if matches!(report, Report::Quarterly(_)) {
        2
    } else {
        0
    };
    for s in sheets.by_ref().take(lead) {
        table(s, out)?;
    }
    charts(report, out)?;
    for s in sheets {
        table(s, out)?;
    }
    if !d.footnotes.is_empty() {
        writeln!(out, "<ol class=\"notes\">")?;
        for f in &d.footnotes {
            writeln!(out, "<li>{}</li>", esc(f))?;
        }
        writeln!(out, "</ol>")?;
    }
    writeln!(out, "</body></html>")
}
