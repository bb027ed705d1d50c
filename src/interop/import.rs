//! Hypothesis import: `briefing import hypothesis EXPORT.json --briefing SLUG`.
//!
//! Reads the API's search response (`{"total": …, "rows": […]}`), the client's
//! own export file (`{"export_date": …, "annotations": […]}`) or a plain array
//! of annotations, anchors each annotation's `TextQuoteSelector` in the
//! briefing's article with the same anchorer the build uses, and writes the ones
//! that anchor exactly to `content/SLUG/hypothesis.annotations.yaml`. Quotes that
//! are not in the article, or that match only fuzzily or ambiguously, are left
//! out and reported; page notes and replies are skipped and counted.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::anchor::{self, AnchorError, Context, QuoteSelector};
use crate::article::{self, ParsedArticle};
use crate::load::{self, is_valid_id, slugify};
use crate::text_file::{ReadFailure, TextFile};
use crate::Error;

/// The file the import writes, in the briefing's folder.
pub const FILE_NAME: &str = "hypothesis.annotations.yaml";

/// The three shapes of an export, each annotation left as JSON so that one
/// with a field of the wrong type is reported alone, not the whole file.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Export {
    Search {
        rows: Vec<serde_json::Value>,
    },
    /// What the Hypothesis client's "Export" writes; its other keys
    /// (`export_date`, `export_userid`, `client_version`) are not needed.
    Client {
        annotations: Vec<serde_json::Value>,
    },
    List(Vec<serde_json::Value>),
}

/// The parts of a Hypothesis annotation the import uses; other fields are ignored.
#[derive(Debug, Deserialize)]
struct Annotation {
    id: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    references: Vec<String>,
    #[serde(default)]
    target: Vec<Target>,
}

#[derive(Debug, Deserialize)]
struct Target {
    #[serde(default)]
    selector: Vec<Selector>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type")]
enum Selector {
    TextQuoteSelector {
        exact: String,
        #[serde(default)]
        prefix: Option<String>,
        #[serde(default)]
        suffix: Option<String>,
    },
    #[serde(other)]
    Other,
}

/// One note as written to YAML, in the order a person would read the keys.
#[derive(Debug, Serialize)]
struct ImportedNote {
    id: String,
    quote: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suffix: Option<String>,
    kind: &'static str,
    note: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// The annotations file written.
    pub path: PathBuf,
    /// How many notes it holds.
    pub written: usize,
    /// Page notes skipped: annotations with no quote.
    pub page_notes: usize,
    /// Replies skipped: they comment on an annotation, not the article.
    pub replies: usize,
    /// Annotations not written: Hypothesis id and why.
    pub left_out: Vec<(String, String)>,
}

/// Imports `export` into the briefing `slug` of the project at `root`.
pub fn import_hypothesis(
    root: &Path,
    export: &Path,
    slug: &str,
    force: bool,
) -> Result<ImportReport, Error> {
    let dir = root.join("content").join(slug);
    let article_path = dir.join("article.md");
    if !load::is_valid_slug(slug) || !article_path.is_file() {
        return Err(Error::Usage(format!(
            "no briefing `{slug}`: expected {}",
            crate::diagnostic::display_path(&article_path)
        )));
    }
    let out = dir.join(FILE_NAME);
    // A link (even a dangling one) counts as existing, and is never written through.
    let existing = crate::safe_write::refuse_link(&out)?;
    if existing.is_some() && !force {
        return Err(Error::Refused(format!(
            "{} exists; pass --force to replace it",
            crate::diagnostic::display_path(&out)
        )));
    }
    let text = std::fs::read_to_string(export).map_err(|e| Error::io(export, e))?;
    // Some tools save JSON with a byte-order mark; JSON itself has none.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let rows = match serde_json::from_str::<Export>(text) {
        Ok(Export::Search { rows })
        | Ok(Export::Client { annotations: rows })
        | Ok(Export::List(rows)) => rows,
        Err(e) => {
            return Err(Error::Usage(format!(
                "{}:{}:{}: not a Hypothesis export ({e}); expected the API's {{\"rows\": [...]}}, the client's export {{\"annotations\": [...]}} or a list of annotations",
                crate::diagnostic::display_path(export),
                e.line(),
                e.column()
            )))
        }
    };
    let article = match TextFile::read(&article_path) {
        Ok(f) => f,
        Err(ReadFailure::Io(e)) => return Err(e),
        Err(ReadFailure::Content(d)) => return Err(Error::Input(Box::new(d))),
    };
    let body_start = load::split_front_matter(&article.text).map_or(0, |(_, _, b)| b);
    let parsed = ParsedArticle::parse(&article.text[body_start..]);

    let mut report = ImportReport {
        path: out.clone(),
        ..ImportReport::default()
    };
    let mut notes = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    let mut annotations = Vec::new();
    for (i, row) in rows.into_iter().enumerate() {
        let id = row
            .get("id")
            .and_then(|v| v.as_str())
            .map_or_else(|| format!("annotation #{}", i + 1), str::to_string);
        match serde_json::from_value::<Annotation>(row) {
            Ok(a) => annotations.push(a),
            Err(e) => report.left_out.push((
                id,
                format!(
                    "annotation #{} of the export is not one briefing can read: {e}",
                    i + 1
                ),
            )),
        }
    }
    for a in annotations {
        if !a.references.is_empty() {
            report.replies += 1;
            continue;
        }
        let Some((exact, prefix, suffix)) = quote_of(&a) else {
            report.page_notes += 1;
            continue;
        };
        if a.text.trim().is_empty() {
            report
                .left_out
                .push((a.id.clone(), "a highlight without text".into()));
            continue;
        }
        match place(&parsed, &exact, prefix.as_deref(), suffix.as_deref()) {
            Ok((prefix, suffix)) => {
                let id = unique_id(&a.id, &mut ids);
                notes.push(ImportedNote {
                    id,
                    quote: exact,
                    prefix,
                    suffix,
                    kind: "context",
                    note: a.text.trim_end().to_string() + "\n",
                    tags: a.tags,
                    author: a.user.map(|u| author_name(&u)),
                    // Only a real date: anything else would break the next build.
                    date: a
                        .created
                        .as_deref()
                        .and_then(|c| c.get(..10))
                        .filter(|d| crate::load::model::Date::parse(d).is_some())
                        .map(str::to_string),
                });
            }
            Err(reason) => report.left_out.push((a.id.clone(), reason)),
        }
    }
    report.written = notes.len();
    let mut yaml = String::from(
        "# Imported from a Hypothesis export by `briefing import hypothesis`.\n# Add sources to each note; kinds default to `context`.\n",
    );
    if notes.is_empty() {
        yaml.push_str("[]\n");
    } else {
        yaml.push_str(
            &serde_saphyr::to_string(&notes).map_err(|e| Error::Internal(e.to_string()))?,
        );
    }
    let existing = if force {
        crate::safe_write::Existing::Replace
    } else {
        crate::safe_write::Existing::Refuse
    };
    crate::safe_write::write_file(&out, yaml.as_bytes(), existing)?;
    Ok(report)
}

fn quote_of(a: &Annotation) -> Option<(String, Option<String>, Option<String>)> {
    a.target
        .iter()
        .flat_map(|t| &t.selector)
        .find_map(|s| match s {
            Selector::TextQuoteSelector {
                exact,
                prefix,
                suffix,
            } => Some((exact.clone(), prefix.clone(), suffix.clone())),
            Selector::Other => None,
        })
}

/// Anchors a Hypothesis quote exactly once. Among repeats, the annotation's own
/// prefix and suffix pick the place, and the shortest context that picks it in
/// our format is returned.
fn place(
    article: &ParsedArticle,
    exact: &str,
    prefix: Option<&str>,
    suffix: Option<&str>,
) -> Result<(Option<String>, Option<String>), String> {
    let plain = QuoteSelector {
        exact,
        prefix: None,
        suffix: None,
        occurrence: None,
    };
    match anchor::anchor(article, &plain) {
        Ok(_) => Ok((None, None)),
        Err(AnchorError::Ambiguous { candidates, count }) if candidates.len() == count => {
            let fits = |c: &anchor::Candidate| {
                let text = &article.blocks[c.block].text;
                let before = article::fold::fold(&text[..c.range.start]);
                let after = article::fold::fold(&text[c.range.end..]);
                let p = prefix.map(article::fold::fold).unwrap_or_default();
                let s = suffix.map(article::fold::fold).unwrap_or_default();
                // Hypothesis context may reach into the neighbouring block; compare
                // only the part within this block.
                // An empty `before` is the start of a block: the prefix is then the
                // end of the previous block, and fits. Likewise at a block's end.
                let p_ok = before.ends_with(&p) || p.ends_with(&before);
                let s_ok = after.starts_with(&s) || s.starts_with(&after);
                p_ok && s_ok
            };
            let matching: Vec<&anchor::Candidate> = candidates.iter().filter(|c| fits(c)).collect();
            match matching.as_slice() {
                [one] => match &one.context {
                    Some(Context::Prefix(p)) => Ok((Some(p.clone()), None)),
                    Some(Context::Suffix(s)) => Ok((None, Some(s.clone()))),
                    None => Err(format!(
                        "the quote occurs {count} times and no short context tells them apart"
                    )),
                },
                [] => Err(format!(
                    "the quote occurs {count} times, none with the annotation's prefix and suffix"
                )),
                _ => Err(format!(
                    "the quote occurs {count} times and the annotation's context fits several"
                )),
            }
        }
        Err(AnchorError::Ambiguous { count, .. }) => Err(format!("the quote occurs {count} times")),
        Err(AnchorError::NotFound {
            suggestion: Some(s),
        }) => Err(format!(
            "quote not found in the article; only a fuzzy match: \"{}\" ({:.0}% similar)",
            s.text,
            s.similarity * 100.0
        )),
        Err(AnchorError::NotFound { suggestion: None }) => {
            Err("quote not found in the article".into())
        }
        Err(AnchorError::CrossesBlocks) => Err("the quote runs across two paragraphs".into()),
        Err(AnchorError::EmptyQuote) => Err("the quote is empty".into()),
        Err(e) => Err(format!("cannot anchor the quote: {e:?}")),
    }
}

/// Keeps a Hypothesis id that is already a valid note id; otherwise derives one.
fn unique_id(hypothesis_id: &str, taken: &mut std::collections::BTreeSet<String>) -> String {
    let base = if is_valid_id(hypothesis_id) {
        hypothesis_id.to_string()
    } else {
        format!("h-{}", slugify(hypothesis_id))
    };
    let mut id = base.clone();
    let mut n = 2;
    while !taken.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

/// `acct:alice@hypothes.is` → `alice`.
fn author_name(user: &str) -> String {
    let user = user.strip_prefix("acct:").unwrap_or(user);
    user.split('@').next().unwrap_or(user).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hypothesis_context_picks_among_repeats() {
        let article = ParsedArticle::parse("The BRI grew. Then the BRI grew again.");
        assert_eq!(
            place(&article, "BRI grew", Some("Then the "), None),
            Ok((Some("the ".into()), None))
        );
        assert_eq!(
            place(&article, "BRI grew", Some("The "), Some(". Then")),
            Ok((Some("The ".into()), None))
        );
        assert!(place(&article, "BRI grew", None, None).is_err());
        assert!(place(&article, "BRI shrank", None, None)
            .unwrap_err()
            .contains("not found"));
    }

    #[test]
    fn ids_and_authors() {
        let mut taken = Default::default();
        assert_eq!(unique_id("AbC_12", &mut taken), "h-abc-12");
        assert_eq!(unique_id("AbC-12", &mut taken), "h-abc-12-2");
        assert_eq!(unique_id("note-1", &mut taken), "note-1");
        assert_eq!(author_name("acct:alice@hypothes.is"), "alice");
    }
}
