//! Diagnostics for people and for programs: the counts and summary line every
//! command prints, and the JSON document of `briefing check --format json`, which
//! `serve` also sends to the browser overlay.

pub mod fix;

use serde::Serialize;

use crate::diagnostic::{display_path, Diagnostic, Severity};

/// How many errors and warnings there are.
pub fn counts(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

/// "1 error, 2 warnings".
pub fn summary(errors: usize, warnings: usize) -> String {
    format!(
        "{errors} error{}, {warnings} warning{}",
        plural(errors),
        plural(warnings)
    )
}

/// The `s` of a plural, for counts in messages.
pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The JSON document: stable field names, one object per diagnostic.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    /// The format's version; fields are only ever added.
    pub version: u32,
    /// True when there is no error (warnings allowed): the site builds.
    pub ok: bool,
    /// How many diagnostics are errors.
    pub errors: usize,
    /// How many are warnings.
    pub warnings: usize,
    /// Every diagnostic, in the order given.
    pub diagnostics: Vec<JsonDiagnostic<'a>>,
}

/// One diagnostic, flat, as editors and CI annotations want it.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    /// `error` or `warning`.
    pub severity: Severity,
    /// The path as the user would type it, relative to where briefing ran.
    pub file: String,
    /// 1-based; absent when the problem concerns the whole file.
    pub line: Option<usize>,
    /// 1-based, in characters.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: &'a str,
    /// How to fix it.
    pub help: Option<&'a str>,
    /// The offending line of the file.
    pub snippet: Option<&'a str>,
    /// Other places that explain the problem (the first of two duplicate ids,
    /// the article's phrase nearest to a lost quote); empty when there are none.
    pub labels: Vec<JsonLabel<'a>>,
}

/// A secondary place of a diagnostic.
#[derive(Debug, Serialize)]
pub struct JsonLabel<'a> {
    /// The path as the user would type it.
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// What the place shows.
    pub message: &'a str,
}

impl<'a> Report<'a> {
    /// The report for a build's diagnostics.
    pub fn new(diagnostics: &'a [Diagnostic]) -> Report<'a> {
        let (errors, warnings) = counts(diagnostics);
        Report {
            version: 1,
            ok: errors == 0,
            errors,
            warnings,
            diagnostics: diagnostics.iter().map(JsonDiagnostic::from).collect(),
        }
    }

    /// Pretty-printed JSON, ending with a newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into());
        text.push('\n');
        text
    }
}

impl<'a> From<&'a Diagnostic> for JsonDiagnostic<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        JsonDiagnostic {
            severity: d.severity,
            file: display_path(&d.path),
            line: d.position.map(|p| p.line),
            column: d.position.map(|p| p.column),
            message: &d.message,
            help: d.help.as_deref(),
            snippet: d.snippet.as_deref(),
            labels: d
                .labels
                .iter()
                .map(|l| JsonLabel {
                    file: display_path(&l.path),
                    line: l.position.line,
                    column: l.position.column,
                    message: &l.message,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Position;

    #[test]
    fn json_has_located_flat_diagnostics_and_counts() {
        let diagnostics = vec![
            Diagnostic::error("./content/b/annotations.yaml", "quote not found")
                .at(Some(Position {
                    line: 2,
                    column: 10,
                }))
                .with_snippet(Some("  quote: \"x\""))
                .with_help("did you mean \"y\"?")
                .with_label(
                    "content/b/article.md",
                    Position { line: 4, column: 3 },
                    Some("a y b"),
                    "the nearest phrase",
                ),
            Diagnostic::warning("content/glossary.yaml", "unused"),
        ];
        let value: serde_json::Value =
            serde_json::from_str(&Report::new(&diagnostics).to_json()).unwrap();
        assert_eq!(value["ok"], false);
        assert_eq!(value["errors"], 1);
        assert_eq!(value["warnings"], 1);
        let first = &value["diagnostics"][0];
        assert_eq!(first["severity"], "error");
        assert_eq!(first["file"], "content/b/annotations.yaml");
        assert_eq!(first["line"], 2);
        assert_eq!(first["column"], 10);
        assert_eq!(first["help"], "did you mean \"y\"?");
        assert_eq!(first["snippet"], "  quote: \"x\"");
        assert_eq!(first["labels"][0]["file"], "content/b/article.md");
        assert_eq!(first["labels"][0]["line"], 4);
        assert_eq!(first["labels"][0]["column"], 3);
        assert_eq!(first["labels"][0]["message"], "the nearest phrase");
        assert_eq!(value["diagnostics"][1]["labels"], serde_json::json!([]));
        assert_eq!(value["diagnostics"][1]["line"], serde_json::Value::Null);
    }

    #[test]
    fn summaries_count_in_words() {
        assert_eq!(summary(1, 0), "1 error, 0 warnings");
        assert_eq!(summary(2, 1), "2 errors, 1 warning");
    }
}
