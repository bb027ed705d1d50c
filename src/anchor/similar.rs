//! How alike a quote and a phrase of the article are, and the searches built
//! on it: the nearest phrase for "did you mean", and every phrase close enough
//! to re-anchor a note after the article changed (`briefing fix`). Both score
//! with the one [`similarity`], so a suggestion and a re-anchoring never
//! disagree about what is close.

use std::ops::Range;

use super::Suggestion;
use crate::article::ParsedArticle;

/// How alike two folded texts are: normalized Levenshtein similarity, 0.0 to
/// 1.0, 1.0 being identical.
pub fn similarity(a: &str, b: &str) -> f64 {
    strsim::normalized_levenshtein(a, b)
}

/// Work allowed for one suggestion, in characters compared; a huge article gets none.
const SUGGESTION_BUDGET: usize = 20_000_000;

/// The phrase of the article most like `needle` (folded), for "did you mean":
/// windows of about as many words, scored by [`similarity`].
pub fn nearest_phrase(article: &ParsedArticle, needle: &str) -> Option<Suggestion> {
    let words = needle.split(' ').filter(|w| !w.is_empty()).count().max(1);
    let total_words: usize = article
        .blocks
        .iter()
        .map(|b| b.folded().text.split(' ').count())
        .sum();
    if total_words
        .saturating_mul(needle.len())
        .saturating_mul(needle.len())
        .saturating_mul(3)
        > SUGGESTION_BUDGET
    {
        return None;
    }
    let mut best: Option<(f64, usize, Range<usize>)> = None;
    for (b, block) in article.blocks.iter().enumerate() {
        let text = &block.folded().text;
        let spans: Vec<Range<usize>> = word_spans(text);
        for size in [words.saturating_sub(1).max(1), words, words + 1] {
            for window in spans.windows(size.min(spans.len()).max(1)) {
                let range = window[0].start..window[window.len() - 1].end;
                let score = similarity(needle, &text[range.clone()]);
                if best.as_ref().is_none_or(|(s, ..)| score > *s) {
                    best = Some((score, b, range));
                }
            }
        }
    }
    let (similarity, block, range) = best?;
    if similarity < 0.5 {
        return None;
    }
    let b = &article.blocks[block];
    let range = without_stray_punctuation(&b.folded().text, range, needle);
    let original = b.folded().to_original(&b.text, range);
    Some(Suggestion {
        block,
        // A phrase across a line break is suggested on one line, as a quote is written.
        text: super::collapse_whitespace(&b.text[original.clone()]),
        range: original,
        similarity,
    })
}

/// `range` without the punctuation at its ends that the quote does not have
/// either: words are cut at spaces, so a window ends in "autumn." where the
/// quote says "autumn", and suggesting the full stop would only be noise.
fn without_stray_punctuation(text: &str, range: Range<usize>, needle: &str) -> Range<usize> {
    let stray = |c: char| c.is_ascii_punctuation() || "“”‘’«»…".contains(c);
    let mut range = range;
    if !needle.ends_with(stray) {
        let phrase = &text[range.clone()];
        let kept = phrase.trim_end_matches(stray).len();
        if kept > 0 {
            range.end = range.start + kept;
        }
    }
    if !needle.starts_with(stray) {
        let phrase = &text[range.clone()];
        let kept = phrase.trim_start_matches(stray).len();
        if kept > 0 {
            range.start = range.end - kept;
        }
    }
    range
}

/// The byte ranges of the words of folded text (words are separated by single spaces).
pub fn word_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c == ' ', start) {
            (true, Some(s)) => {
                spans.push(s..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push(s..text.len());
    }
    spans
}

/// Characters compared in one search at most, so a huge article cannot hang `fix`.
const SEARCH_BUDGET: usize = 400_000_000;

/// A phrase of the article like a quote.
#[derive(Debug, Clone)]
pub struct PhraseMatch {
    /// The block it is in.
    pub block: usize,
    /// In the block's folded text.
    pub folded: Range<usize>,
    /// In the block's text as the reader sees it.
    pub original: Range<usize>,
    /// The phrase as the reader sees it, to be written as the new quote.
    pub text: String,
    /// Its [`similarity`] to the quote, 0 to 1.
    pub similarity: f64,
}

/// Every phrase of whole words whose similarity to `needle` (folded) reaches
/// `min_similarity`, best first. Phrases are only tried at lengths that could
/// reach it: similarity is at most the ratio of the shorter length to the longer.
pub fn phrases_like(
    article: &ParsedArticle,
    needle: &str,
    min_similarity: f64,
) -> Result<Vec<PhraseMatch>, String> {
    let m = needle.chars().count();
    if m == 0 {
        return Ok(Vec::new());
    }
    let min = min_similarity.max(0.01);
    let shortest = (m as f64 * min).floor() as usize;
    let longest = (m as f64 / min).ceil() as usize;
    let total_words: usize = article
        .blocks
        .iter()
        .map(|b| b.folded().text.split(' ').count())
        .sum();
    let per_window = m.saturating_mul(longest);
    let windows_per_start = longest.saturating_sub(shortest) / 2 + 2;
    if total_words
        .saturating_mul(windows_per_start)
        .saturating_mul(per_window)
        > SEARCH_BUDGET
    {
        // Said as it is: a low --min-similarity widens the search far more than a
        // long article does (phrases up to 1/min times the quote's length).
        return Err(if min_similarity < 0.5 {
            format!(
                "--min-similarity {min_similarity} is too low to search for this quote: phrases up to {}x its length would be compared; use 0.5 or more (0.8 is the default)",
                longest / m.max(1)
            )
        } else {
            "the article is too long to search for this quote; edit it by hand".into()
        });
    }
    let mut found = Vec::new();
    for (b, block) in article.blocks.iter().enumerate() {
        let text = &block.folded().text;
        let words = word_spans(text);
        for (i, first) in words.iter().enumerate() {
            for last in &words[i..] {
                for range in trimmed_variants(text, first.start..last.end) {
                    let phrase = &text[range.clone()];
                    let len = phrase.chars().count();
                    if len < shortest || len > longest {
                        continue;
                    }
                    let similarity = similarity(needle, phrase);
                    if similarity >= min_similarity {
                        let original = block.folded().to_original(&block.text, range.clone());
                        found.push(PhraseMatch {
                            block: b,
                            text: block.text[original.clone()].to_string(),
                            folded: range,
                            original,
                            similarity,
                        });
                    }
                }
                if text[first.start..last.end].chars().count() > longest {
                    break;
                }
            }
        }
    }
    // Best first; among equals, the shorter phrase, then the earlier one.
    found.sort_by(|a, b| {
        b.similarity
            .total_cmp(&a.similarity)
            .then(a.text.len().cmp(&b.text.len()))
            .then((a.block, a.folded.start).cmp(&(b.block, b.folded.start)))
    });
    Ok(found)
}

/// A phrase, and the same without the punctuation that clings to its first or
/// last word ("2015," → "2015"), so that a quote need not end on a comma.
fn trimmed_variants(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let phrase = &text[range.clone()];
    let trimmed_end = phrase.trim_end_matches([',', ';', ':', '.', '!', '?', ')', '"', '\'']);
    let trimmed = trimmed_end.trim_start_matches(['(', '"', '\'']);
    let start = range.start + (trimmed_end.len() - trimmed.len());
    let end = range.start + trimmed_end.len();
    if start < end && (start, end) != (range.start, range.end) {
        vec![range, start..end]
    } else {
        vec![range]
    }
}
