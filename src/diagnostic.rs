//! Located messages for the user: every content problem becomes a [`Diagnostic`]
//! that names the file, line and column, says what is wrong and how to fix it.
//!
//! Diagnostics are collected, never thrown: a build reports all of its problems at
//! once, so an editor can fix a whole file in one pass.

use std::fmt;
use std::path::{Path, PathBuf};

use annotate_snippets::{Annotation, AnnotationKind, Element, Group, Level, Renderer, Snippet};
use serde::Serialize;

/// How bad a diagnostic is. Errors fail the build; warnings are printed and the build goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The build fails.
    Error,
    /// Printed; the build goes on.
    Warning,
}

/// A position in a text file, both 1-based; the column counts characters, as editors do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
}

/// One message about the user's input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Whether it stops the build.
    pub severity: Severity,
    /// The file at fault, as the user would type it.
    pub path: PathBuf,
    /// Where in the file; `None` when the problem is the whole file.
    pub position: Option<Position>,
    /// What is wrong, in one line.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The offending source line, shown under the message with a caret.
    pub snippet: Option<String>,
    /// Other places that explain the problem: the first of two duplicates, the
    /// article's phrase nearest to a lost quote.
    pub labels: Vec<Label>,
}

/// A secondary place of a diagnostic, with what it shows there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// The file this place is in (it may differ from the diagnostic's).
    pub path: PathBuf,
    /// Where the marked text starts.
    pub position: Position,
    /// What the place shows, written under its mark.
    pub message: String,
    /// The line at `position`, shown under it.
    pub snippet: Option<String>,
    /// How many characters from `position` the label marks, at least one.
    pub width: usize,
}

impl Diagnostic {
    /// A problem that fails the build.
    pub fn error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, path, message)
    }

    /// A problem worth telling that does not fail the build.
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
            labels: Vec::new(),
        }
    }

    /// Places the diagnostic in its file.
    pub fn at(mut self, position: Option<Position>) -> Self {
        self.position = position;
        self
    }

    /// Says how to fix the problem.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Keeps the offending line, so rendering needs no file access.
    pub fn with_snippet(mut self, line: Option<&str>) -> Self {
        self.snippet = line.map(|l| l.trim_end_matches(['\r', '\n']).to_string());
        self
    }

    /// Adds a secondary place, with its line of text (`line`) and what it shows.
    pub fn with_label(
        self,
        path: impl Into<PathBuf>,
        position: Position,
        line: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        self.with_wide_label(path, position, 1, line, message)
    }

    /// Adds a secondary place that spans `width` characters of its line.
    pub fn with_wide_label(
        mut self,
        path: impl Into<PathBuf>,
        position: Position,
        width: usize,
        line: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        self.labels.push(Label {
            path: path.into(),
            position,
            message: message.into(),
            snippet: line.map(|l| l.trim_end_matches(['\r', '\n']).to_string()),
            width: width.max(1),
        });
        self
    }

    /// Errors fail the build; warnings do not.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic: a `path:line:col: error: message` line that
    /// editors and terminals can follow, then its lines of text with their
    /// labels and the help, drawn by annotate-snippets in the style of rustc;
    /// with `color`, in ANSI colours. Control characters from the user's files
    /// are shown escaped, never sent to the terminal.
    pub fn render(&self, color: bool) -> String {
        let paint = |code: &str, text: &str| paint(color, code, text);
        let (name, level, code) = match self.severity {
            Severity::Error => ("error", Level::ERROR, "1;31"),
            Severity::Warning => ("warning", Level::WARNING, "1;33"),
        };
        let mut out = format!(
            "{}: {}: {}\n",
            escape_controls(&self.location()),
            paint(code, name),
            paint("1", &escape_controls(&self.message))
        );
        let mut elements: Vec<Element> = Vec::new();
        if let (Some(line), Some(pos)) = (&self.snippet, self.position) {
            elements.push(snippet(line, pos, 1, AnnotationKind::Primary, String::new()).into());
        }
        for label in &self.labels {
            let Some(line) = &label.snippet else { continue };
            let path = display_path(&label.path);
            elements.push(
                snippet(
                    line,
                    label.position,
                    label.width,
                    AnnotationKind::Context,
                    escape_controls(&label.message).into_owned(),
                )
                .path(format!("{}", escape_controls(&path)))
                .into(),
            );
        }
        if let Some(help) = &self.help {
            elements.push(
                Level::HELP
                    .message(escape_controls(help).into_owned())
                    .into(),
            );
        }
        if !elements.is_empty() {
            let renderer = if color {
                Renderer::styled()
            } else {
                Renderer::plain()
            };
            let group = Group::with_level(level).elements(elements);
            out.push_str(&renderer.render(&[group]));
            out.push('\n');
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

/// One line of a file, numbered, with a mark at `position` saying `label`.
fn snippet(
    line: &str,
    position: Position,
    width: usize,
    kind: AnnotationKind,
    label: String,
) -> Snippet<'static, Annotation<'static>> {
    let shown = escape_controls(line).replace('\t', " ");
    // The mark stays under the same character once the ones before it are escaped.
    let before: String = line
        .chars()
        .take(position.column.saturating_sub(1))
        .collect();
    let start = escape_controls(&before).len().min(shown.len());
    let marked: String = line
        .chars()
        .skip(position.column.saturating_sub(1))
        .take(width.max(1))
        .collect();
    let end = (start + escape_controls(&marked).len()).min(shown.len());
    let mut annotation = kind.span(start..end);
    if !label.is_empty() {
        annotation = annotation.label(label);
    }
    Snippet::source(shown)
        .line_start(position.line)
        .fold(false)
        .annotation(annotation)
}

/// Text from the user's files made safe to print: control characters (ESC,
/// BEL …) and the marks that reorder text on screen are shown as `\u{…}`;
/// tabs and line breaks stay.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| {
            if unsafe_char(c) {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Shows a path the way the user typed it: without a leading `./`.
pub fn display_path(path: &Path) -> String {
    let shown = path.strip_prefix(".").unwrap_or(path);
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
            "content/a/annotations.yaml:12:10: error: quote not found in the article\n   |\n12 |   quote: \"lunched the DSR\"\n   |          ^\n   |\n   = help: did you mean \"launched the DSR\"?\n"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let d = Diagnostic::warning("x.yaml", "m");
        assert!(!d.render(false).contains('\x1b'));
        assert!(d.render(true).contains("\x1b[1;33mwarning"));
    }
}
