//! Stage four: every check of the content that is not about YAML syntax or
//! shape (those stay with [`crate::load`], where the text is parsed). Each check
//! is a function from typed input — a loaded briefing, its parsed article, its
//! anchored notes, the glossary — to diagnostics, so that "what is checked" can
//! be read in one place. Nothing here changes what it checks.
//!
//! The id checks of notes and glossary terms run while loading
//! (`load::check_note_ids`, `load::check_glossary`), since later stages rely on
//! ids being valid and unique.

pub mod fields;
pub mod links;
pub mod near_miss;
mod pasted;
mod quotes;
pub(crate) mod targets;
pub mod topics;

use std::collections::BTreeSet;
use std::path::Path;

use crate::anchor::{AnchoredBriefing, NotePlace, PlacedNote};
use crate::article::{self, ParsedArticle};
use crate::diagnostic::{Diagnostic, Position};
use crate::load::model::{SourceRef, TermSpec};
use crate::load::{LoadedBriefing, YamlFile};
use crate::text_file::TextFile;
use links::{is_safe_url, LinkProblem};
use targets::Base;

/// Every check of one briefing: its links, its notes' sources and links, how
/// each quote anchored, and its footnotes.
pub fn briefing(
    src: &LoadedBriefing,
    article: &ParsedArticle,
    anchored: &AnchoredBriefing,
) -> Vec<Diagnostic> {
    let mut diagnostics = pasted::accidental_markup(&src.article, src.body_start, &article.parsed);
    diagnostics.extend(fields::front_matter(src));
    article_links(src, article, &mut diagnostics);
    front_matter_url(src, &mut diagnostics);
    editor_summary_links(src, &mut diagnostics);
    for origin in crate::anchor::placed::note_origins(src) {
        let file = &origin.file.file;
        let note = origin.spec;
        sources(file, &note.sources, &mut diagnostics);
        if note.sources.is_empty() {
            diagnostics.push(
                file.warning_at(
                    note.id.position(),
                    format!("note `{}` lists no source", note.id),
                )
                .with_help(
                    "add `sources:` with the title, publisher, date and URL behind the note",
                ),
            );
        }
        markdown_links(
            &note.note,
            ("a note", Base::Briefing(&src.slug)),
            file,
            || note.note.position(),
            &mut diagnostics,
        );
    }
    for u in &anchored.unanchored {
        diagnostics.push(quotes::unanchored(src, article, u));
    }
    for note in &anchored.notes {
        if let Some(d) = quotes::folded_only(article, note) {
            diagnostics.push(d);
        }
    }
    footnotes(src, article, &anchored.notes, &mut diagnostics);
    diagnostics
}

/// Definitions and sources of the glossary, under the same rules as notes.
pub fn glossary(g: &YamlFile<Vec<TermSpec>>) -> Vec<Diagnostic> {
    let mut diagnostics = fields::glossary_fields(g);
    for t in &g.value {
        markdown_links(
            &t.definition,
            ("a glossary definition", Base::Glossary),
            &g.file,
            || t.definition.position(),
            &mut diagnostics,
        );
        sources(&g.file, &t.sources, &mut diagnostics);
    }
    diagnostics
}

/// A warning for each glossary term that no briefing uses; `used` holds the
/// indexes of the terms some page links.
pub fn unused_terms(g: &YamlFile<Vec<TermSpec>>, used: &BTreeSet<usize>) -> Vec<Diagnostic> {
    g.value
        .iter()
        .enumerate()
        .filter(|(i, _)| !used.contains(i))
        .map(|(_, t)| {
            g.file
                .warning_at(
                    t.term.position(),
                    format!(
                        "glossary term `{}` is not used in any briefing's article or notes",
                        t.id
                    ),
                )
                .with_help(
                    "add to `aliases` the words an article or a note uses for it (a near-miss listed by `briefing check` is a good candidate), or remove the term",
                )
        })
        .collect()
}

/// Links and images of the article itself: safe schemes, nothing from the network.
fn article_links(src: &LoadedBriefing, article: &ParsedArticle, diagnostics: &mut Vec<Diagnostic>) {
    for d in &article.destinations {
        let at = Some(src.article.position(src.body_start + d.source));
        if let Some(problem) = LinkProblem::of(&d.url, d.image) {
            diagnostics.push(
                src.article
                    .error_at(at, problem.message(&d.url, "the article"))
                    .with_help(problem.help()),
            );
        } else if let Some(missing) = targets::check(
            content_dir(&src.article.path),
            Base::Briefing(&src.slug),
            &d.url,
            d.image,
        ) {
            diagnostics.push(
                src.article
                    .error_at(at, missing.message(&d.url, d.image, "the article"))
                    .with_help(missing.help(d.image)),
            );
        }
    }
}

fn editor_summary_links(src: &LoadedBriefing, diagnostics: &mut Vec<Diagnostic>) {
    for point in &src.front.editor_summary {
        markdown_links(
            point,
            ("the editor's summary", Base::Briefing(&src.slug)),
            &src.article,
            || point.position(),
            diagnostics,
        );
    }
}

/// The original's address, which the page links: it must be a web address.
fn front_matter_url(src: &LoadedBriefing, diagnostics: &mut Vec<Diagnostic>) {
    if let Some(url) = src.front.source.as_ref().and_then(|s| s.url.as_ref()) {
        if let Some(problem) = links::web_address_problem(url) {
            diagnostics.push(
                src.article
                    .error_at(url.position(), format!("the original's URL `{url}` {problem}"))
                    .with_help("give the full address starting with https://, or leave `url` out if it is not known"),
            );
        }
    }
}

/// Source lists: unsafe URLs are errors; a missing date or URL, a non-web URL
/// and a source listed twice are warnings.
fn sources(file: &TextFile, sources: &[SourceRef], diagnostics: &mut Vec<Diagnostic>) {
    for (j, s) in sources.iter().enumerate() {
        let at = || s.title.position();
        match &s.url {
            Some(url) if !is_safe_url(url) => diagnostics.push(
                file.error_at(url.position(), format!("source URL `{url}` is not allowed"))
                    .with_help(match links::scheme_typo(url) {
                        Some(fixed) => format!(
                            "did you mean `{fixed}`? Source links must be http(s) addresses"
                        ),
                        None => "source links must be http(s) addresses".to_string(),
                    }),
            ),
            Some(url) => {
                if let Some(problem) = links::web_address_problem(url) {
                    diagnostics.push(
                        file.error_at(url.position(), format!("source URL `{url}` {problem}"))
                            .with_help(match links::scheme_typo(url) {
                                Some(fixed) => format!("did you mean `{fixed}`?"),
                                None => links::NO_HOST_HELP.to_string(),
                            }),
                    )
                }
            }
            None => diagnostics.push(
                file.warning_at(at(), format!("source “{}” has no URL", s.title))
                    .with_help("add `url:` so readers can check the source"),
            ),
        }
        if let Some(url) = &s.archived {
            if let Some(problem) = links::web_address_problem(url) {
                diagnostics.push(
                    file.error_at(url.position(), format!("archived copy `{url}` {problem}"))
                        .with_help("give the archive's full address, starting with https://, or leave `archived` out"),
                );
            }
        }
        if s.date.is_none() {
            diagnostics.push(
                file.warning_at(at(), format!("source “{}” has no date", s.title))
                    .with_help("add `date:` (YYYY-MM-DD, YYYY-MM or YYYY)"),
            );
        }
        if sources[..j].contains(s) {
            diagnostics.push(
                file.warning_at(at(), format!("source “{}” is listed twice", s.title))
                    .with_help("remove the duplicate"),
            );
        }
    }
}

/// Links and images in a note: only safe schemes, and nothing from the network.
fn markdown_links(
    markdown: &str,
    (place, base): (&str, Base),
    file: &TextFile,
    at: impl Fn() -> Option<Position>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for name in pasted::unknown_tags(markdown) {
        diagnostics.push(
            file.warning_at(
                at(),
                format!(
                    "`<{name}…>` in {place} looks like an HTML tag, and is removed from the page"
                ),
            )
            .with_help(format!("to show it as text, write `\\<{name}`")),
        );
    }
    for d in article::destinations(markdown) {
        if let Some(problem) = LinkProblem::of(&d.url, d.image) {
            diagnostics.push(
                file.error_at(at(), problem.message(&d.url, place))
                    .with_help(problem.help()),
            );
        } else if let Some(missing) = targets::check(content_dir(&file.path), base, &d.url, d.image)
        {
            diagnostics.push(
                file.error_at(at(), missing.message(&d.url, d.image, place))
                    .with_help(missing.help(d.image)),
            );
        }
    }
}

/// The content folder a briefing's or the glossary's file sits in.
fn content_dir(file: &Path) -> &Path {
    let parent = file.parent().unwrap_or(Path::new("."));
    if file.file_name().is_some_and(|n| n == "glossary.yaml") {
        parent
    } else {
        parent.parent().unwrap_or(Path::new("."))
    }
}

/// Footnotes: a definition never referenced is a warning; two labels that make
/// one id, or a footnote with the id of a note, are errors.
fn footnotes(
    src: &LoadedBriefing,
    article: &ParsedArticle,
    notes: &[PlacedNote],
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (label, (_, at)) in &article.footnote_defs {
        if !article.footnote_refs.iter().any(|r| &r.label == label) {
            diagnostics.push(
                src.article
                    .warning_at(
                        Some(src.article.position(src.body_start + at)),
                        format!("footnote `[^{label}]` is defined but never referenced"),
                    )
                    .with_help(format!(
                        "reference it in the text as `[^{label}]`, or remove the definition"
                    )),
            );
        }
    }
    let is_footnote = |n: &&PlacedNote| matches!(n.place, NotePlace::Footnote { .. });
    let mut ids = BTreeSet::new();
    for f in notes.iter().filter(is_footnote) {
        if !ids.insert(&f.id) {
            diagnostics.push(
                src.article
                    .error_at(
                        None,
                        format!("two footnote labels both become the id `{}`", f.id),
                    )
                    .with_help("rename one of the footnotes"),
            );
        }
        if notes.iter().any(|n| n.origin.is_some() && n.id == f.id) {
            diagnostics.push(
                src.article
                    .error_at(
                        None,
                        format!(
                            "the footnote `{}` and a note in annotations.yaml share the id `{}`",
                            f.id.trim_start_matches("fn-"),
                            f.id
                        ),
                    )
                    .with_help("rename the note in annotations.yaml, or the footnote label"),
            );
        }
    }
}
