//! Near-misses for `check`: a glossary term that a briefing never links although
//! one of the term's own capitalized words stands in its text (`Silk Road` for
//! `Digital Silk Road`, `Commerce` for `Commerce Department`). The editor can
//! then add the form the article uses as an alias. Only capitalized words count:
//! lowercase ones (`list`, `road`) would flag every other article, and so would
//! any word capitalized only because it starts a sentence; and a word
//! inside another term's match (`Strategic` of `Strategic Network` when the
//! term is `Strategic Registry`) is that term's, not a near-miss.

use std::collections::HashMap;

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
    let places = candidate_words(article, matcher);
    for (t, term) in terms.iter().enumerate() {
        if uses.iter().any(|u| u.term == t) {
            continue;
        }
        let first = words(term)
            .filter_map(|w| places.get(w).map(|&(block, offset)| (w, block, offset)))
            .min_by_key(|&(_, block, offset)| (block, offset));
        if let Some((word, block, offset)) = first {
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

/// The words of a term that, standing alone in an article, make a near-miss.
fn words(term: &TermSpec) -> impl Iterator<Item = &str> {
    std::iter::once(&term.term)
        .chain(&term.aliases)
        .flat_map(|f| f.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() >= MIN_WORD_CHARS)
}

/// Each capitalized word of the article's linkable text that could be a
/// near-miss, with its first place: not starting a sentence, and not inside a
/// match of some term. One pass over the text, whatever the glossary's size.
fn candidate_words<'a>(
    article: &'a ParsedArticle,
    matcher: &TermMatcher,
) -> HashMap<&'a str, (usize, usize)> {
    let mut first = HashMap::new();
    for (b, block) in article.blocks.iter().enumerate() {
        let mut taken: Option<Vec<std::ops::Range<usize>>> = None;
        for run in block.runs.iter().filter(|r| r.linkable) {
            for span in word_spans(&block.text[run.range()]) {
                let at = run.start + span.start;
                let word = &block.text[at..run.start + span.end];
                if !word.chars().next().is_some_and(char::is_uppercase)
                    || first.contains_key(word)
                    || starts_sentence(&block.text[..at])
                {
                    continue;
                }
                // Term matches are looked for only in blocks with a candidate.
                let taken = taken.get_or_insert_with(|| matcher.places(&block.text));
                if !taken.iter().any(|r| r.start <= at && at < r.end) {
                    first.insert(word, (b, at));
                }
            }
        }
    }
    first
}

/// The words of `text`: runs of letters and digits.
fn word_spans(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = rest.find(|(_, c)| c.is_alphanumeric())?;
        let mut end = text.len();
        while let Some(&(i, c)) = rest.peek() {
            if !c.is_alphanumeric() {
                end = i;
                break;
            }
            rest.next();
        }
        Some(start..end)
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalized_words_inside_sentences_and_outside_terms_are_candidates() {
        let article = ParsedArticle::parse(
            "Regional officials met. The Commerce office and the Strategic Network spoke.",
        );
        let term: TermSpec =
            serde_saphyr::from_str("{id: sn, term: Strategic Network, definition: d}").unwrap();
        let words = candidate_words(&article, &TermMatcher::new(&[term]));
        let mut found: Vec<&str> = words.keys().copied().collect();
        found.sort_unstable();
        assert_eq!(found, ["Commerce"]);
    }
}
