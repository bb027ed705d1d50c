//! Near-misses for `check`: a glossary term that a briefing never links although
//! one of the term's own capitalized words stands in its text (`Silk Road` for
//! `Digital Silk Road`, `Commerce` for `Commerce Department`). The editor can
//! then add the form the article uses as an alias. Only capitalized words count:
//! lowercase ones (`list`, `road`) would flag every other article, and so would
//! any word capitalized only because it starts a sentence; and a word
//! inside another term's match (`Strategic` of `Strategic Network` when the
//! term is `Strategic Registry`) is that term's, not a near-miss.

use crate::anchor::terms::{TermMatcher, TermUse};
use crate::article::ParsedArticle;
use crate::diagnostic::Diagnostic;
use crate::load::model::TermSpec;
use crate::load::LoadedBriefing;

/// Shorter words (`Act`, `Law`) are too common to mean the term.
const MIN_WORD_CHARS: usize = 4;

/// One warning per term that `uses` does not link but whose word the article has.
pub fn near_misses(
    src: &LoadedBriefing,
    article: &ParsedArticle,
    terms: &[TermSpec],
    matcher: &TermMatcher,
    uses: &[TermUse],
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    // Per block: where some term's form stands.
    let taken: Vec<Vec<std::ops::Range<usize>>> = article
        .blocks
        .iter()
        .map(|b| matcher.places(&b.text))
        .collect();
    for (t, term) in terms.iter().enumerate() {
        if uses.iter().any(|u| u.term == t) {
            continue;
        }
        let words: Vec<&str> = std::iter::once(&term.term)
            .chain(&term.aliases)
            .flat_map(|f| f.split(|c: char| !c.is_alphanumeric()))
            .filter(|w| {
                w.chars().count() >= MIN_WORD_CHARS
                    && w.chars().next().is_some_and(char::is_uppercase)
            })
            .collect();
        if let Some((word, block, offset)) = first_place(article, &taken, &words) {
            let at = article
                .source_offset(block, offset)
                .map(|o| src.article.position(src.body_start + o));
            found.push(
                src.article
                    .warning_at(
                        at,
                        format!(
                            "“{word}” is a word of glossary term `{}` ({}), but the term is never linked here",
                            term.id, term.term
                        ),
                    )
                    .with_help(
                        "if the article means the term, add the phrase it uses to the term's `aliases` in glossary.yaml",
                    ),
            );
        }
    }
    found
}

/// The first whole-word, same-case occurrence of any of `words` in text where a
/// term could be linked.
fn first_place<'w>(
    article: &ParsedArticle,
    taken: &[Vec<std::ops::Range<usize>>],
    words: &[&'w str],
) -> Option<(&'w str, usize, usize)> {
    if words.is_empty() {
        return None;
    }
    for (b, block) in article.blocks.iter().enumerate() {
        for run in block.runs.iter().filter(|r| r.linkable) {
            let text = &block.text[run.range()];
            for word in words {
                let mut from = 0;
                while let Some(i) = text[from..].find(word) {
                    let start = from + i;
                    let end = start + word.len();
                    let before_ok = !text[..start]
                        .chars()
                        .next_back()
                        .is_some_and(char::is_alphanumeric);
                    let after_ok = !text[end..]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphanumeric);
                    let at = run.start + start;
                    let free = !taken[b].iter().any(|r| r.start <= at && at < r.end);
                    if before_ok && after_ok && free && !starts_sentence(&block.text[..at]) {
                        return Some((word, b, at));
                    }
                    from = end;
                }
            }
        }
    }
    None
}

/// Whether a word after `before` starts a sentence (or the block), where any
/// word is capitalized.
fn starts_sentence(before: &str) -> bool {
    before
        .trim_end_matches(|c: char| c.is_whitespace() || "“‘\"'(".contains(c))
        .chars()
        .next_back()
        .is_none_or(|c| ".!?:;".contains(c))
}
