//! `briefing new SLUG`: a new briefing folder with an `article.md` whose front
//! matter is ready to fill in and an `annotations.yaml` with a commented example
//! note. It never overwrites: if the folder exists, nothing is written.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::diagnostic::display_path;
use crate::intake;
use crate::load::{is_valid_slug, reserved_slug_reason, slugify};
use crate::validate::fields::{PLACEHOLDER_BODY, PLACEHOLDER_SUMMARY, PLACEHOLDER_TITLE};
use crate::Error;

/// The files `new` wrote.
#[derive(Debug)]
pub struct Scaffolded {
    /// The briefing folder made.
    pub dir: PathBuf,
    /// The files written into it, to list for the user.
    pub files: Vec<PathBuf>,
}

/// Creates `ROOT/content/SLUG/` with its two files.
pub fn new_briefing(root: &Path, slug: &str) -> Result<Scaffolded, Error> {
    new_briefing_from(root, slug, None).map(|(made, _)| made)
}

/// Like [`new_briefing`], with `article.md` made from an article saved as text
/// (see [`crate::intake`]) when `from` is given; also returns what the user has
/// to finish by hand.
pub fn new_briefing_from(
    root: &Path,
    slug: &str,
    from: Option<&Path>,
) -> Result<(Scaffolded, Vec<String>), Error> {
    // Read the article first: a missing file must not leave an empty folder.
    let intake = match from {
        Some(path) => {
            let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                Error::Usage(format!(
                    "{} is not UTF-8 text; save it as UTF-8 and try again",
                    display_path(path)
                ))
            })?;
            Some(intake::read_article(&text, intake::is_markdown(path)))
        }
        None => None,
    };
    if let Some(reason) = reserved_slug_reason(slug) {
        return Err(Error::Usage(format!(
            "`{slug}` cannot be a briefing's name: {reason}; choose another, e.g. `{slug}-notes`"
        )));
    }
    if !is_valid_slug(slug) {
        let suggestion = slugify(slug);
        return Err(Error::Usage(format!(
            "`{slug}` cannot be a briefing's name: it becomes the page's URL, so use lowercase letters, digits and hyphens{}",
            if suggestion.is_empty() || suggestion == slug {
                String::new()
            } else {
                format!(", e.g. `{suggestion}`")
            }
        )));
    }
    let content = root.join("content");
    let dir = content.join(slug);
    if fs::symlink_metadata(&dir).is_ok() {
        return Err(Error::Refused(format!(
            "{} already exists; briefing new never overwrites: choose another name or edit that briefing",
            display_path(&dir)
        )));
    }
    fs::create_dir_all(&content).map_err(|e| Error::io(&content, e))?;
    // create_dir (not _all) fails if another process made the folder meanwhile.
    fs::create_dir(&dir).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => Error::Refused(format!(
            "{} already exists; briefing new never overwrites",
            display_path(&dir)
        )),
        _ => Error::io(&dir, e),
    })?;
    let today = today();
    let (article, notes) = match intake {
        Some(i) => (article_from(&i, &today), i.notes),
        None => (article_template(&today), Vec::new()),
    };
    let mut files = Vec::new();
    for (name, text) in [
        ("article.md", article),
        ("annotations.yaml", annotations_template()),
    ] {
        let path = dir.join(name);
        write_new(&path, &text)?;
        files.push(path);
    }
    Ok((Scaffolded { dir, files }, notes))
}

/// Writes a file that must not exist yet.
pub(crate) fn write_new(path: &Path, text: &str) -> Result<(), Error> {
    crate::safe_write::write_file(path, text.as_bytes(), crate::safe_write::Existing::Refuse)
}

fn article_template(today: &str) -> String {
    format!(
        r#"---
title: "{PLACEHOLDER_TITLE}"
date: {today}                  # the date of the events reported; orders the index
summary: "{PLACEHOLDER_SUMMARY}"
# checked: {today}             # when the notes were last checked against their sources
# source:                         # the original article; leave out what is not known
#   publisher: "The newspaper"
#   title: "The headline, as the newspaper gave it"
#   url: https://example.org/the-article
#   published: {today}
#   author: "The reporter"
# editor_summary:                 # 3–5 points, shown as the editors' own
#   - "What happened: …"
---
{PLACEHOLDER_BODY}
"#
    )
}

/// `article.md` for an article read from a file: the front matter filled with
/// what its header gave, the rest left as comments to fill in.
fn article_from(i: &intake::Intake, today: &str) -> String {
    // A JSON string is a valid double-quoted YAML scalar, escapes included.
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let title = i.title.as_deref().unwrap_or("");
    let mut out = format!(
        "---\ntitle: {}  # the headline, exactly as published\n",
        quoted(title)
    );
    match i.date {
        Some(d) => out.push_str(&format!(
            "date: {d}  # the date of the events reported; orders the index\n"
        )),
        None => out
            .push_str("# date: YYYY-MM-DD  # the date of the events reported; orders the index\n"),
    }
    out.push_str(&format!(
        "# summary: \"One or two sentences for the site index.\"\n# checked: {today}  # when the notes were last checked against their sources\nsource:  # the original; leave out what is not known\n"
    ));
    let field = |key: &str, value: Option<String>, example: &str| match value {
        Some(v) => format!("  {key}: {v}\n"),
        None => format!("  # {key}: {example}\n"),
    };
    out.push_str(&field(
        "publisher",
        i.publisher.as_deref().map(quoted),
        "\"The newspaper\"",
    ));
    out.push_str(&field(
        "title",
        i.title.as_deref().map(quoted),
        "\"The headline, as the newspaper gave it\"",
    ));
    out.push_str(&field(
        "url",
        i.url.as_deref().map(quoted),
        "https://example.org/the-article",
    ));
    out.push_str(&field(
        "published",
        i.date.map(|d| d.to_string()),
        "YYYY-MM-DD",
    ));
    out.push_str(&field(
        "author",
        i.author.as_deref().map(quoted),
        "\"The reporter\"",
    ));
    out.push_str("# editor_summary:  # 3–5 points, shown as the editors' own\n#   - \"What happened: …\"\n---\n");
    out.push_str(&i.body);
    out
}

fn annotations_template() -> String {
    r#"# The notes of this briefing: a list, one entry per note. There are none yet, so the
# list is empty (`[]`). To add the first, replace `[]` with the example below and remove
# the leading `# ` of its lines. See "annotations.yaml" in the README for every key.
[]

# - id: first-note                 # unique in the briefing; the page links to #note-first-note
#   quote: "exactly as published"  # the phrase of the article the note explains, copied exactly
#   # prefix: "the article here, " # optional: the text just before, if the phrase occurs twice
#   kind: context                  # context | correction | clarification | disclosure
#   note: |                        # Markdown
#     What the reader should know about this phrase, and how we know it.
#   sources:
#     - title: "The source's title"
#       publisher: "Who published it"
#       date: 2024-01-31            # YYYY-MM-DD, YYYY-MM or YYYY
#       url: https://example.org/the-source
"#
    .to_string()
}

/// Today's date (UTC) as YYYY-MM-DD, for the front matter to start from.
fn today() -> String {
    let days = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Converts days since 1970-01-01 to a (year, month, day) date; the algorithm
/// is Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_829), (2024, 4, 16));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn the_scaffold_builds_and_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let made = new_briefing(dir.path(), "city-council").unwrap();
        assert_eq!(made.files.len(), 2);
        let outcome = crate::pipeline::build_site(dir.path()).unwrap();
        assert!(
            outcome.site.is_some(),
            "a new briefing builds: {:#?}",
            outcome.diagnostics
        );
        // ... but is not published unnoticed: each placeholder left in is a warning.
        let placeholders: Vec<_> = outcome
            .diagnostics
            .iter()
            .filter(|d| d.message.contains("placeholder `briefing new` wrote"))
            .map(|d| (d.severity, d.position.map(|p| p.line)))
            .collect();
        assert_eq!(
            placeholders,
            [
                (crate::diagnostic::Severity::Warning, Some(2)),
                (crate::diagnostic::Severity::Warning, Some(4)),
                (crate::diagnostic::Severity::Warning, Some(15)),
            ],
            "{:#?}",
            outcome.diagnostics
        );
        let annotations = dir.path().join("content/city-council/annotations.yaml");
        std::fs::write(&annotations, "mine").unwrap();
        assert!(new_briefing(dir.path(), "city-council").is_err());
        assert_eq!(std::fs::read_to_string(&annotations).unwrap(), "mine");
        assert!(new_briefing(dir.path(), "City Council").is_err());
        assert!(new_briefing(dir.path(), "../escape").is_err());
    }

    #[test]
    fn a_reserved_name_is_refused_as_reserved() {
        let dir = tempfile::tempdir().unwrap();
        for &slug in crate::load::RESERVED_SLUGS {
            let err = new_briefing(dir.path(), slug).unwrap_err().to_string();
            assert!(err.contains(&format!("`{slug}` is reserved")), "{err}");
            assert!(!err.contains("lowercase letters"), "{err}");
            assert!(!dir.path().join("content").join(slug).exists());
        }
    }
}
