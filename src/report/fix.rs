//! `briefing fix`'s report as the user reads it: each proposed or lost note at
//! its place in the YAML, in file order, then one summary line.

use std::path::Path;

use crate::diagnostic::{display_path, paint, Position};
use crate::fix::FixReport;

use super::plural;

/// The report as the user reads it; with `color`, in ANSI colours.
pub fn render(report: &FixReport, color: bool) -> String {
    let paint = |code: &str, text: &str| paint(color, code, text);
    let mut out = String::new();
    for d in &report.errors {
        out.push_str(&d.render(color));
    }
    // Proposals and lost notes together, in the order of the files.
    let mut entries: Vec<(&Path, Option<Position>, String)> = Vec::new();
    for p in &report.proposals {
        entries.push((
            &p.file,
            p.position,
            format!(
                "{}: note `{}`: {} ({:.0}% similar, {}:{})\n  {} {:?}\n  {} {:?}\n",
                location(&p.file, p.position),
                p.note,
                paint(
                    "1;32",
                    if report.applied {
                        "quote re-anchored"
                    } else {
                        "quote can be re-anchored"
                    }
                ),
                p.similarity * 100.0,
                display_path(&p.article),
                p.article_line,
                paint("31", "-"),
                p.old,
                paint("32", "+"),
                p.new,
            ),
        ));
    }
    for l in &report.lost {
        entries.push((
            &l.file,
            l.position,
            format!(
                "{}: note `{}`: {} quote {:?}\n  {} {}\n",
                location(&l.file, l.position),
                l.note,
                paint("1;33", "lost:"),
                l.quote,
                paint("1;36", "why:"),
                l.reason
            ),
        ));
    }
    entries.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    for (_, _, text) in entries {
        out.push_str(&text);
    }
    out.push_str(&summary(report));
    out.push('\n');
    out
}

fn summary(report: &FixReport) -> String {
    let n = report.proposals.len();
    let mut parts = Vec::new();
    if n > 0 {
        parts.push(if report.applied {
            format!(
                "{n} quote{} re-anchored and rewritten in {} file{}",
                plural(n),
                report.written.len(),
                plural(report.written.len())
            )
        } else {
            format!(
                "{n} quote{} can be re-anchored: run `briefing fix --apply` to rewrite {}",
                plural(n),
                if n == 1 { "it" } else { "them" }
            )
        });
    }
    if !report.lost.is_empty() {
        let l = report.lost.len();
        parts.push(format!(
            "{l} note{} lost (left as {}; fix {} by hand)",
            plural(l),
            if l == 1 { "it is" } else { "they are" },
            if l == 1 { "it" } else { "them" }
        ));
    }
    if !report.errors.is_empty() {
        parts.push(format!(
            "{} file problem{} to fix first (see `briefing check`)",
            report.errors.len(),
            plural(report.errors.len())
        ));
    }
    if parts.is_empty() {
        format!(
            "All {} note{} anchor exactly once; nothing to fix.",
            report.anchored,
            plural(report.anchored)
        )
    } else {
        parts.join("; ")
    }
}

fn location(path: &Path, position: Option<Position>) -> String {
    match position {
        Some(p) => format!("{}:{}:{}", display_path(path), p.line, p.column),
        None => display_path(path),
    }
}
