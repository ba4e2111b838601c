//! An IATI 2.03 activities file as XML bytes, from `report::iati::Activities`.
//!
//! Owns: the element order the 2.03 schema requires and XML escaping. Every text
//! from the ledger (names, codes, the reporting organisation's reference) goes
//! through `text` or `attribute`: `&`, `<`, `>` (and in attributes `"` and `'`)
//! become entities, line breaks and tabs in attributes become character
//! references (a parser would otherwise turn them into spaces), and the few
//! characters XML 1.0 cannot hold at all (most C0 controls, U+FFFE, U+FFFF)
//! become U+FFFD. Amounts are written as the ledger stores them: exactly the
//! currency's decimals, no grouping. Output depends only on the value given.

use std::io::{self, Write};

use crate::report::iati::{ACTUAL_START, Activities, Activity, Org, Transaction};

/// Escapes `s` for element content.
pub fn text(s: &str) -> String {
    escape(s, false)
}

/// Escapes `s` for a double-quoted attribute value.
pub fn attribute(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\'' if attr => out.push_str("&apos;"),
            '\n' if attr => out.push_str("&#10;"),
            '\t' if attr => out.push_str("&#9;"),
            // A parser turns a raw carriage return into a line feed, in text too.
            '\r' => out.push_str("&#13;"),
            '\n' | '\t' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Writes the activities file.
pub fn write(a: &Activities, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<iati-activities version="2.03" generated-datetime="{}">"#,
        attribute(&a.generated)
    )?;
    for activity in &a.activities {
        write_activity(a, activity, w)?;
    }
    writeln!(w, "</iati-activities>")
}

fn write_activity(a: &Activities, act: &Activity, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, r#"  <iati-activity xml:lang="en">"#)?;
    writeln!(
        w,
        "    <iati-identifier>{}</iati-identifier>",
        text(&act.identifier)
    )?;
    org(w, "reporting-org", &a.reporting_org, "", 4)?;
    narrative_element(w, "title", "", &act.title)?;
    narrative_element(w, "description", r#" type="1""#, &act.description)?;
    for funder in &act.funders {
        org(w, "participating-org", funder, r#" role="1""#, 4)?;
    }
    org(w, "participating-org", &a.reporting_org, r#" role="4""#, 4)?;
    writeln!(w, r#"    <activity-status code="{}"/>"#, act.status)?;
    writeln!(
        w,
        r#"    <activity-date type="{ACTUAL_START}" iso-date="{}"/>"#,
        act.start
    )?;
    for t in &act.transactions {
        transaction(w, t)?;
    }
    writeln!(w, "  </iati-activity>")
}

fn transaction(w: &mut dyn Write, t: &Transaction) -> io::Result<()> {
    writeln!(w, r#"    <transaction ref="{}">"#, t.seq)?;
    writeln!(w, r#"      <transaction-type code="{}"/>"#, t.kind.code())?;
    writeln!(w, r#"      <transaction-date iso-date="{}"/>"#, t.date)?;
    writeln!(
        w,
        r#"      <value currency="{}" value-date="{}">{}</value>"#,
        attribute(t.currency.code()),
        t.date,
        t.currency.format(t.value)
    )?;
    org(w, "provider-org", &t.provider, "", 6)?;
    writeln!(w, "    </transaction>")
}

/// `<name ref=".." type=".."{extra}><narrative>..</narrative></name>`, indented.
fn org(w: &mut dyn Write, name: &str, o: &Org, extra: &str, indent: usize) -> io::Result<()> {
    let pad = " ".repeat(indent);
    writeln!(
        w,
        r#"{pad}<{name} ref="{}" type="{}"{extra}>"#,
        attribute(&o.reference),
        o.type_code
    )?;
    writeln!(w, "{pad}  <narrative>{}</narrative>", text(&o.name))?;
    writeln!(w, "{pad}</{name}>")
}

fn narrative_element(w: &mut dyn Write, name: &str, attrs: &str, s: &str) -> io::Result<()> {
    writeln!(w, "    <{name}{attrs}>")?;
    writeln!(w, "      <narrative>{}</narrative>", text(s))?;
    writeln!(w, "    </{name}>")
}
