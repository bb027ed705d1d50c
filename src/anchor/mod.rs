//! Stage three: anchor each note's quote to exactly one place in the article.
//!
//! A quote is compared with the rendered text of one block through the fold in
//! [`crate::article::fold`]. It must match exactly once, after `prefix`, `suffix` and
//! `occurrence` have picked among repeats; anything else is an error that says
//! where the candidates are. The anchorer never guesses.

pub(crate) mod placed;
pub(crate) mod similar;
pub(crate) mod terms;

use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::article::fold::fold;
use crate::article::ParsedArticle;
pub use placed::{
    anchor_briefing, AnchoredBriefing, NoteBody, NoteOrigin, NotePlace, PlacedNote, Unanchored,
};
pub use similar::nearest_phrase;

/// What a note asks for: the W3C TextQuoteSelector, plus our `occurrence`.
#[derive(Debug, Clone, Copy)]
pub struct QuoteSelector<'a> {
    /// The quote, exactly as the note gives it.
    pub exact: &'a str,
    /// Text right before the quote, to pick one of several matches.
    pub prefix: Option<&'a str>,
    /// Text right after the quote, to pick one of several matches.
    pub suffix: Option<&'a str>,
    /// Which match to take (1-based), when context cannot tell them apart.
    pub occurrence: Option<usize>,
}

/// A quote resolved to one place: a byte range in one block's rendered text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The block of [`ParsedArticle::blocks`] the quote lies in.
    pub block: usize,
    /// Byte range of the quote in that block's text as the reader sees it.
    pub range: Range<usize>,
    /// The quote matched only through the typographic fold, not character for character.
    pub folded_only: bool,
}

/// One of several places a quote matches, with what would pick it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The block of [`ParsedArticle::blocks`] this place lies in.
    pub block: usize,
    /// Byte range of the match in that block's text.
    pub range: Range<usize>,
    /// A `prefix` or `suffix` that picks this place alone, if a short one exists.
    pub context: Option<Context>,
}

impl Candidate {
    /// The context as the user would write it in YAML: `prefix: "China "`.
    pub fn disambiguation(&self) -> Option<String> {
        self.context.as_ref().map(|c| match c {
            Context::Prefix(p) => format!("prefix: {p:?}"),
            Context::Suffix(s) => format!("suffix: {s:?}"),
        })
    }
}

/// Text next to a match that tells it apart from the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Context {
    /// `prefix:` this text picks the place.
    Prefix(String),
    /// `suffix:` this text picks the place.
    Suffix(String),
}

/// The closest phrase of the article to a quote that was not found.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The block of [`ParsedArticle::blocks`] the phrase lies in.
    pub block: usize,
    /// Byte range of the phrase in that block's text.
    pub range: Range<usize>,
    /// The phrase as the reader sees it, to be shown as "did you mean".
    pub text: String,
    /// 0.0 to 1.0, 1.0 being identical after the fold.
    pub similarity: f64,
}

/// Why a quote could not be anchored.
#[derive(Debug, Clone, PartialEq)]
pub enum AnchorError {
    /// Empty, or only whitespace.
    EmptyQuote,
    /// The quote is nowhere in the article, even after the fold.
    NotFound {
        /// The article's closest phrase, if one is close enough to be worth naming.
        suggestion: Option<Suggestion>,
    },
    /// The quote runs from one block into the next.
    CrossesBlocks,
    /// The quote is there, but `prefix`/`suffix` exclude every place.
    ContextNotFound {
        /// How many places the quote itself matches.
        count: usize,
    },
    /// `occurrence` asks for more matches than there are.
    NoSuchOccurrence {
        /// The `occurrence` the note asks for.
        asked: usize,
        /// How many places match.
        count: usize,
    },
    /// The quote matches several places and nothing picks one.
    Ambiguous {
        /// The first few places, each with a context that would pick it.
        candidates: Vec<Candidate>,
        /// How many places match in all.
        count: usize,
    },
}

/// Matches kept per distinct quote; enough to list candidates, bounded for a one-letter quote.
const MAX_OCCURRENCES: usize = 1000;

/// Anchors many quotes against one article in one pass over its text.
pub fn anchor_all(
    article: &ParsedArticle,
    quotes: &[QuoteSelector],
) -> Vec<Result<Anchor, AnchorError>> {
    let folded: Vec<String> = quotes
        .iter()
        .map(|q| fold(q.exact).trim().to_string())
        .collect();
    let mut pattern_of: HashMap<&str, usize> = HashMap::new();
    let mut patterns: Vec<&str> = Vec::new();
    for q in folded.iter().filter(|q| !q.is_empty()) {
        pattern_of.entry(q.as_str()).or_insert_with(|| {
            patterns.push(q.as_str());
            patterns.len() - 1
        });
    }
    let occurrences = find_occurrences(article, &patterns);
    quotes
        .iter()
        .zip(&folded)
        .map(|(quote, needle)| {
            if needle.is_empty() {
                return Err(AnchorError::EmptyQuote);
            }
            let (count, places) = &occurrences[pattern_of[needle.as_str()]];
            resolve(article, quote, needle, *count, places)
        })
        .collect()
}

/// Anchors one quote.
pub fn anchor(article: &ParsedArticle, quote: &QuoteSelector) -> Result<Anchor, AnchorError> {
    anchor_all(article, std::slice::from_ref(quote)).remove(0)
}

type Place = (usize, Range<usize>);

/// For each pattern: how many times it occurs, and the first places (in folded text).
/// Overlapping occurrences count: `aa` is twice in `aaa`.
fn find_occurrences(article: &ParsedArticle, patterns: &[&str]) -> Vec<(usize, Vec<Place>)> {
    if patterns.len() <= FEW_QUOTES {
        patterns
            .iter()
            .map(|pattern| occurrences_of(article, pattern))
            .collect()
    } else {
        occurrences_of_many(article, patterns)
    }
}

/// Up to this many quotes, a SIMD substring search per quote (one pass over the
/// text each) costs far less than building a multi-pattern automaton; past it,
/// one pass of an automaton over the text wins, whatever the number of quotes.
const FEW_QUOTES: usize = 32;

fn occurrences_of(article: &ParsedArticle, pattern: &str) -> (usize, Vec<Place>) {
    let finder = memchr::memmem::Finder::new(pattern);
    let mut found = (0usize, Vec::new());
    for (b, block) in article.blocks.iter().enumerate() {
        let text = block.folded().text.as_bytes();
        let mut from = 0;
        while let Some(at) = finder.find(&text[from..]) {
            let start = from + at;
            found.0 += 1;
            if found.1.len() < MAX_OCCURRENCES {
                found.1.push((b, start..start + pattern.len()));
            }
            from = start + 1;
        }
    }
    found
}

fn occurrences_of_many(article: &ParsedArticle, patterns: &[&str]) -> Vec<(usize, Vec<Place>)> {
    let mut found = vec![(0usize, Vec::new()); patterns.len()];
    let matcher = AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .match_kind(MatchKind::Standard)
        .build(patterns)
        .expect("quote automaton within size limits");
    for (b, block) in article.blocks.iter().enumerate() {
        for m in matcher.find_overlapping_iter(&block.folded().text) {
            let entry = &mut found[m.pattern().as_usize()];
            entry.0 += 1;
            if entry.1.len() < MAX_OCCURRENCES {
                entry.1.push((b, m.range()));
            }
        }
    }
    found
}

fn resolve(
    article: &ParsedArticle,
    quote: &QuoteSelector,
    needle: &str,
    count: usize,
    places: &[Place],
) -> Result<Anchor, AnchorError> {
    if count == 0 {
        return Err(not_found(article, needle));
    }
    if count > places.len() {
        // Too many places were seen to be sure a prefix, suffix or occurrence
        // picks exactly one: refuse rather than guess.
        return Err(AnchorError::Ambiguous {
            count,
            candidates: candidates(article, places),
        });
    }
    let prefix = quote.prefix.map(fold);
    let suffix = quote.suffix.map(fold);
    let fits = |(b, r): &&Place| {
        let text = &article.blocks[*b].folded().text;
        prefix
            .as_deref()
            .is_none_or(|p| text[..r.start].ends_with(p))
            && suffix
                .as_deref()
                .is_none_or(|s| text[r.end..].starts_with(s))
    };
    let picked: Vec<&Place> = places.iter().filter(fits).collect();
    if picked.is_empty() {
        return Err(AnchorError::ContextNotFound { count });
    }
    let (block, range) = match quote.occurrence {
        Some(n) => match n.checked_sub(1).and_then(|i| picked.get(i)) {
            Some(place) => (*place).clone(),
            None => {
                return Err(AnchorError::NoSuchOccurrence {
                    asked: n,
                    count: picked.len(),
                })
            }
        },
        None if picked.len() == 1 => picked[0].clone(),
        None => {
            let all: Vec<Place> = picked.iter().map(|p| (*p).clone()).collect();
            return Err(AnchorError::Ambiguous {
                count: if prefix.is_none() && suffix.is_none() {
                    count
                } else {
                    all.len()
                },
                candidates: candidates(article, &all),
            });
        }
    };
    let b = &article.blocks[block];
    let original = b.folded().to_original(&b.text, range);
    // Line breaks and doubled spaces are layout, not typography: only a difference
    // in the characters themselves makes a match "folded only".
    let folded_only =
        collapse_whitespace(&b.text[original.clone()]) != collapse_whitespace(quote.exact.trim());
    Ok(Anchor {
        block,
        range: original,
        folded_only,
    })
}

/// Text with every run of whitespace turned into one space.
pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Lists the places of an ambiguous quote, each with the shortest context that picks it.
fn candidates(article: &ParsedArticle, places: &[Place]) -> Vec<Candidate> {
    let text = |b: usize| article.blocks[b].folded().text.as_str();
    places
        .iter()
        .take(10)
        .map(|(b, r)| {
            let unique = |ctx: &str, before: bool| {
                places
                    .iter()
                    .filter(|(b2, r2)| {
                        if before {
                            text(*b2)[..r2.start].ends_with(ctx)
                        } else {
                            text(*b2)[r2.end..].starts_with(ctx)
                        }
                    })
                    .count()
                    == 1
            };
            let before = words_before(&text(*b)[..r.start]);
            let after = words_after(&text(*b)[r.end..]);
            let context = before
                .iter()
                .find(|p| unique(p, true))
                .map(|p| Context::Prefix(p.clone()))
                .or_else(|| {
                    after
                        .iter()
                        .find(|s| unique(s, false))
                        .map(|s| Context::Suffix(s.clone()))
                });
            let original = article.blocks[*b]
                .folded()
                .to_original(&article.blocks[*b].text, r.clone());
            Candidate {
                block: *b,
                range: original,
                context,
            }
        })
        .collect()
}

/// Growing contexts before a match: the last word, the last two, up to four.
fn words_before(text: &str) -> Vec<String> {
    let starts: Vec<usize> = text
        .char_indices()
        .filter(|&(i, c)| c != ' ' && (i == 0 || text[..i].ends_with(' ')))
        .map(|(i, _)| i)
        .collect();
    starts
        .iter()
        .rev()
        .take(4)
        .map(|&i| text[i..].to_string())
        .collect()
}

/// Growing contexts after a match: the next word, the next two, up to four.
fn words_after(text: &str) -> Vec<String> {
    let ends: Vec<usize> = text
        .char_indices()
        .filter(|&(i, c)| c != ' ' && text[i + c.len_utf8()..].starts_with(' '))
        .map(|(i, c)| i + c.len_utf8())
        .chain((!text.is_empty() && !text.ends_with(' ')).then_some(text.len()))
        .collect();
    ends.iter()
        .take(4)
        .map(|&i| text[..i].to_string())
        .collect()
}

fn not_found(article: &ParsedArticle, needle: &str) -> AnchorError {
    let joined: String = article
        .blocks
        .iter()
        .map(|b| b.folded().text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    if joined.contains(needle) {
        return AnchorError::CrossesBlocks;
    }
    AnchorError::NotFound {
        suggestion: nearest_phrase(article, needle),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(exact: &str) -> QuoteSelector<'_> {
        QuoteSelector {
            exact,
            prefix: None,
            suffix: None,
            occurrence: None,
        }
    }

    fn quoted(md: &str, quote: QuoteSelector) -> Result<String, AnchorError> {
        let a = ParsedArticle::parse(md);
        anchor(&a, &quote).map(|x| a.blocks[x.block].text[x.range].to_string())
    }

    #[test]
    fn finds_a_quote_across_inline_markup_and_typography() {
        let md = "China *launched* the “DSR” initiative in 2015 – to grow.";
        assert_eq!(
            quoted(md, q("launched the \"DSR\" initiative")).unwrap(),
            "launched the “DSR” initiative"
        );
        assert_eq!(quoted(md, q("2015 - to")).unwrap(), "2015 – to");
    }

    #[test]
    fn a_line_break_in_the_article_is_not_a_typographic_difference() {
        let a = ParsedArticle::parse("China launched\nthe DSR.");
        let found = anchor(&a, &q("launched the DSR")).unwrap();
        assert!(!found.folded_only);
        assert!(anchor(&a, &q("launched the “DSR")).is_err());
        let a = ParsedArticle::parse("the “DSR”.");
        assert!(anchor(&a, &q("the \"DSR\"")).unwrap().folded_only);
    }

    #[test]
    fn case_is_significant() {
        assert!(matches!(
            quoted("China grows", q("china")),
            Err(AnchorError::NotFound { .. })
        ));
    }

    #[test]
    fn repeats_need_context_and_say_which_context() {
        let md = "the BRI and the BRI again.";
        match quoted(md, q("the BRI")) {
            Err(AnchorError::Ambiguous { candidates, count }) => {
                assert_eq!(count, 2);
                assert_eq!(
                    candidates[0].disambiguation().as_deref(),
                    Some("suffix: \" and\"")
                );
                assert_eq!(
                    candidates[1].disambiguation().as_deref(),
                    Some("prefix: \"and \"")
                );
            }
            other => panic!("{other:?}"),
        }
        let with_prefix = QuoteSelector {
            prefix: Some("and "),
            ..q("the BRI")
        };
        let a = ParsedArticle::parse(md);
        assert_eq!(anchor(&a, &with_prefix).unwrap().range, 12..19);
        let second = QuoteSelector {
            occurrence: Some(2),
            ..q("the BRI")
        };
        assert_eq!(anchor(&a, &second).unwrap().range, 12..19);
        let third = QuoteSelector {
            occurrence: Some(3),
            ..q("the BRI")
        };
        assert_eq!(
            anchor(&a, &third),
            Err(AnchorError::NoSuchOccurrence { asked: 3, count: 2 })
        );
        let nothing = QuoteSelector {
            suffix: Some(" nope"),
            ..q("the BRI")
        };
        assert_eq!(
            anchor(&a, &nothing),
            Err(AnchorError::ContextNotFound { count: 2 })
        );
    }

    #[test]
    fn overlapping_places_all_count() {
        match quoted("so the tom-tom-tom drum.", q("tom-tom")) {
            Err(AnchorError::Ambiguous { count, .. }) => assert_eq!(count, 2),
            other => panic!("expected two overlapping places, got {other:?}"),
        }
    }

    #[test]
    fn many_quotes_are_found_as_a_few_are() {
        let a = ParsedArticle::parse("tom-tom-tom and tom.\n\nMore tom-tom, then aaa.");
        let mut patterns = vec!["tom-tom", "tom", "aa", "a", "More tom"];
        let extra: Vec<String> = (0..FEW_QUOTES).map(|i| format!("w{i}")).collect();
        patterns.extend(extra.iter().map(String::as_str));
        let one_by_one: Vec<_> = patterns.iter().map(|p| occurrences_of(&a, p)).collect();
        assert_eq!(occurrences_of_many(&a, &patterns), one_by_one);
        assert_eq!(one_by_one[0].0, 3);
        assert_eq!(one_by_one[2].0, 2);
    }

    #[test]
    fn a_quote_may_not_cross_blocks() {
        assert_eq!(
            quoted("One end.\n\nTwo start.", q("end. Two")),
            Err(AnchorError::CrossesBlocks)
        );
    }

    #[test]
    fn empty_and_blank_quotes_are_errors() {
        assert_eq!(quoted("text", q("")), Err(AnchorError::EmptyQuote));
        assert_eq!(quoted("text", q(" \u{a0}\n")), Err(AnchorError::EmptyQuote));
    }

    #[test]
    fn suggests_the_nearest_phrase() {
        let md = "China launched the DSR initiative in 2015 to incorporate digital elements.";
        match quoted(md, q("China started the DSR initiative in 2015")) {
            Err(AnchorError::NotFound {
                suggestion: Some(s),
            }) => {
                assert_eq!(s.text, "China launched the DSR initiative in 2015");
                assert!(s.similarity > 0.8);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_suggestion_is_one_line_without_punctuation_the_quote_lacks() {
        let suggestion = |md: &str, quote: &str| match quoted(md, q(quote)) {
            Err(AnchorError::NotFound {
                suggestion: Some(s),
            }) => s.text,
            other => panic!("{other:?}"),
        };
        let md = "Work starts in the autumn. Shops asked for loading bays\nto be kept, and more.";
        assert_eq!(
            suggestion(md, "starts in the autumm"),
            "starts in the autumn"
        );
        assert_eq!(
            suggestion(md, "starts in the autumm."),
            "starts in the autumn."
        );
        assert_eq!(
            suggestion(md, "loading bays to bee kept"),
            "loading bays to be kept"
        );
        assert_eq!(
            suggestion(md, "for loading bays to kept,"),
            "for loading bays to be kept,"
        );
    }

    #[test]
    fn overlapping_repeats_are_all_counted() {
        match quoted("aaa", q("aa")) {
            Err(AnchorError::Ambiguous { count, .. }) => assert_eq!(count, 2),
            other => panic!("{other:?}"),
        }
    }
}
