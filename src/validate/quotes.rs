//! How each quote anchored, told at the note's `quote:`: a quote that picks no
//! single place is an error that says where the candidates are; one that matched
//! only through the typographic fold is a warning.

use crate::anchor::{self, AnchorError, NotePlace, PlacedNote, Unanchored};
use crate::article::fold::fold;
use crate::article::ParsedArticle;
use crate::diagnostic::{self, Diagnostic};
use crate::load::LoadedBriefing;

/// A warning for a note whose quote matched only after the fold, so that the
/// YAML keeps the article's own characters.
pub(super) fn folded_only(article: &ParsedArticle, note: &PlacedNote) -> Option<Diagnostic> {
    let (NotePlace::Quote(a), Some(origin)) = (&note.place, &note.origin) else {
        return None;
    };
    if !a.folded_only {
        return None;
    }
    let at = origin.spec.quote.position();
    Some(
        origin
            .file
            .file
            .warning_at(
                at,
                format!(
                    "quote of note `{}` matches only after typographic folding",
                    note.id
                ),
            )
            .with_help(format!(
                "the article reads `{}`; copy it exactly",
                anchor::collapse_whitespace(&article.blocks[a.block].text[a.range.clone()])
            )),
    )
}

/// Turns an anchoring failure into a diagnostic at the note's `quote:`.
pub(super) fn unanchored(
    src: &LoadedBriefing,
    article: &ParsedArticle,
    note: &Unanchored,
) -> Diagnostic {
    let origin = &note.origin;
    let file = &origin.file.file;
    let at = origin.spec.quote.position();
    // `article.md:12`, or just `article.md` where the text has no source line.
    let place = |block: usize, offset: usize| {
        let path = diagnostic::display_path(&src.article.path);
        match article.source_offset(block, offset) {
            Some(o) => format!("{path}:{}", src.article.position(src.body_start + o).line),
            None => path,
        }
    };
    let id = &origin.spec.id;
    match &note.error {
        AnchorError::EmptyQuote => file
            .error_at(at, format!("note `{id}` has an empty quote"))
            .with_help("copy the phrase the note explains from the article into `quote:`"),
        AnchorError::NotFound { .. } if in_headline(&src.front.title, &origin.spec.quote) => file
            .error_at(at, format!("quote of note `{id}` is in the headline, and notes anchor only in the article's text"))
            .with_help("the title (the page's h1) is not searched; quote the phrase where the article's text uses it, or explain the headline in a note on the first paragraph"),
        AnchorError::NotFound { suggestion } => {
            let help = match suggestion {
                Some(s) => format!(
                    "did you mean \"{}\"? ({}, {:.0}% similar)",
                    s.text,
                    place(s.block, s.range.start),
                    s.similarity * 100.0
                ),
                None => "copy the phrase exactly as the article has it; case matters".to_string(),
            };
            let lost = file
                .error_at(at, format!("quote of note `{id}` not found in the article"))
                .with_help(help);
            let nearest = suggestion.as_ref().and_then(|s| {
                let offset = article.source_offset(s.block, s.range.start)?;
                let p = src.article.position(src.body_start + offset);
                Some((p, s.similarity, s.text.chars().count()))
            });
            match nearest {
                Some((p, similarity, width)) => lost.with_wide_label(
                    &src.article.path,
                    p,
                    width,
                    src.article.line(p.line),
                    format!("the nearest phrase, {:.0}% similar", similarity * 100.0),
                ),
                None => lost,
            }
        }
        AnchorError::CrossesBlocks => file
            .error_at(at, format!("quote of note `{id}` runs across two paragraphs"))
            .with_help("a quote must lie within one paragraph, heading or list item; shorten it"),
        AnchorError::ContextNotFound { count } => file
            .error_at(at, format!("the prefix/suffix of note `{id}` match none of the {count} places where the quote occurs"))
            .with_help("copy the text right before (`prefix`) or after (`suffix`) the phrase exactly"),
        AnchorError::NoSuchOccurrence { asked, count } => file
            .error_at(at, format!("note `{id}` asks for occurrence {asked}, but the quote occurs {count} time(s)"))
            .with_help(format!("use an `occurrence` from 1 to {count}")),
        AnchorError::Ambiguous { candidates, count } => {
            let mut help = format!("the quote occurs {count} times; pick one:");
            for (k, c) in candidates.iter().enumerate() {
                let how = c.disambiguation().unwrap_or_else(|| format!("occurrence: {}", k + 1));
                help.push_str(&format!("\n  {}: add `{how}`", place(c.block, c.range.start)));
            }
            file.error_at(at, format!("quote of note `{id}` is ambiguous")).with_help(help)
        }
    }
}

/// Whether a quote not found in the text is a phrase of the headline, compared
/// through the same fold as anchoring.
fn in_headline(title: &str, quote: &str) -> bool {
    let quote = fold(quote);
    !quote.trim().is_empty() && fold(title).contains(quote.trim())
}
