//! Located messages for the user: every content problem becomes a [`Diagnostic`]
//! that names the file, line and column, says what is wrong and how to fix it.
//!
//! Diagnostics are collected, never thrown: a build reports all of its problems at
//! once, so an editor can fix a whole file in one pass.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How bad a diagnostic is. Errors fail the build; warnings are printed and the build goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A position in a text file, both 1-based; the column counts characters, as editors do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One message about the user's input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: PathBuf,
    pub position: Option<Position>,
    pub message: String,
    pub help: Option<String>,
    /// The offending source line, shown under the message with a caret.
    pub snippet: Option<String>,
}

impl Diagnostic {
    pub fn error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, path, message)
    }

    pub fn warning(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, path, message)
    }

    fn new(severity: Severity, path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            path: path.into(),
            position: None,
            message: message.into(),
            help: None,
            snippet: None,
        }
    }

    pub fn at(mut self, position: Option<Position>) -> Self {
        self.position = position;
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_snippet(mut self, line: Option<&str>) -> Self {
        self.snippet = line.map(|l| l.trim_end_matches(['\r', '\n']).to_string());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic in the style of rustc; with `color`, using ANSI escapes.
    pub fn render(&self, color: bool) -> String {
        let paint = |code: &str, text: &str| paint(color, code, text);
        let (label, code) = match self.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
        };
        let mut out = format!(
            "{}: {}: {}\n",
            self.location(),
            paint(code, label),
            paint("1", &self.message)
        );
        if let (Some(line), Some(pos)) = (&self.snippet, self.position) {
            let number = pos.line.to_string();
            let gutter = " ".repeat(number.len());
            let shown: String = line
                .chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .collect();
            let caret_pad = " ".repeat(pos.column.saturating_sub(1).min(shown.chars().count()));
            out.push_str(&format!("{gutter} {}\n", paint("34", "|")));
            out.push_str(&format!(
                "{} {} {shown}\n",
                paint("34", &number),
                paint("34", "|")
            ));
            out.push_str(&format!(
                "{gutter} {} {caret_pad}{}\n",
                paint("34", "|"),
                paint(code, "^")
            ));
        }
        if let Some(help) = &self.help {
            for (i, line) in help.lines().enumerate() {
                let head = if i == 0 { "help:" } else { "     " };
                out.push_str(&format!("  {} {line}\n", paint("1;36", head)));
            }
        }
        out
    }

    /// `path:line:col`, or just the path when the problem has no position.
    pub fn location(&self) -> String {
        let path = display_path(&self.path);
        match self.position {
            Some(p) => format!("{path}:{}:{}", p.line, p.column),
            None => path,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// `text` in the ANSI style `code` (such as `1;31`, bold red) when `color` is on.
pub fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// Shows a path the way the user typed it: without a leading `./`.
pub fn display_path(path: &Path) -> String {
    let shown = path.strip_prefix(".").unwrap_or(path);
    if shown.as_os_str().is_empty() {
        // `.` itself: the current folder, which an empty string would hide.
        return ".".to_string();
    }
    shown.display().to_string()
}

/// Sorts diagnostics into a stable order: by file, then position, errors first.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.path, a.position, a.severity, &a.message)
            .cmp(&(&b.path, b.position, b.severity, &b.message))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_snippet_caret_and_help() {
        let d = Diagnostic::error(
            "./content/a/annotations.yaml",
            "quote not found in the article",
        )
        .at(Some(Position {
            line: 12,
            column: 10,
        }))
        .with_snippet(Some("  quote: \"lunched the DSR\"\n"))
        .with_help("did you mean \"launched the DSR\"?");
        let text = d.render(false);
        assert_eq!(
            text,
            "content/a/annotations.yaml:12:10: error: quote not found in the article\n   |\n12 |   quote: \"lunched the DSR\"\n   |          ^\n  help: did you mean \"launched the DSR\"?\n"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let d = Diagnostic::warning("x.yaml", "m");
        assert!(!d.render(false).contains('\x1b'));
        assert!(d.render(true).contains("\x1b[1;33mwarning"));
    }
}
