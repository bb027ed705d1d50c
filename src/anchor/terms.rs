//! Finding glossary terms in the article: one multi-pattern pass per text run
//! (aho-corasick, leftmost-longest), whole words only, first use per term.

use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::article::ParsedArticle;
use crate::load::model::TermSpec;

/// Every written form of every term, compiled once per site.
pub struct TermMatcher {
    automaton: Option<AhoCorasick>,
    /// For each pattern: the term's index, and whether case must match exactly.
    forms: Vec<(usize, bool, String)>,
}

/// A term's first use: which term, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermUse {
    pub term: usize,
    pub block: usize,
    pub range: Range<usize>,
}

impl TermMatcher {
    /// Terms and aliases match whatever the case of their ASCII letters;
    /// abbreviations match exactly (`WIC` is not `wic`).
    pub fn new(terms: &[TermSpec]) -> TermMatcher {
        let mut forms = Vec::new();
        for (i, t) in terms.iter().enumerate() {
            forms.push((i, false, t.term.clone()));
            forms.extend(t.aliases.iter().map(|a| (i, false, a.clone())));
            forms.extend(t.abbr.iter().map(|a| (i, true, a.clone())));
        }
        forms.retain(|(_, _, f)| !f.trim().is_empty());
        let automaton = (!forms.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .ascii_case_insensitive(true)
                .build(forms.iter().map(|(_, _, f)| f))
                .expect("glossary automaton within size limits")
        });
        TermMatcher { automaton, forms }
    }

    /// The first use of each term in the article, in article order. At each place
    /// the longest form that is a whole word (in the right case, for an
    /// abbreviation) wins; a form that a note's quote starts or ends inside is
    /// passed over, so links and marks nest.
    pub fn first_uses(
        &self,
        article: &ParsedArticle,
        boundaries: &[(usize, usize)],
        term_count: usize,
    ) -> Vec<TermUse> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let mut seen = vec![false; term_count];
        let mut uses = Vec::new();
        for (b, block) in article.blocks.iter().enumerate() {
            for run in block.runs.iter().filter(|r| r.linkable) {
                let text = &block.text[run.range()];
                let mut found: Vec<(usize, Range<usize>)> = automaton
                    .find_overlapping_iter(text)
                    .filter_map(|m| {
                        let (term, exact_case, form) = &self.forms[m.pattern().as_usize()];
                        let range = run.start + m.start()..run.start + m.end();
                        let fits = (!*exact_case || &text[m.range()] == form)
                            && whole_word(&block.text, &range)
                            && !boundaries
                                .iter()
                                .any(|&(bb, x)| bb == b && range.start < x && x < range.end);
                        fits.then_some((*term, range))
                    })
                    .collect();
                // Leftmost first, longest first at the same place.
                found.sort_by_key(|(_, r)| (r.start, std::cmp::Reverse(r.end)));
                let mut free_from = 0;
                for (term, range) in found {
                    if range.start < free_from {
                        continue;
                    }
                    free_from = range.end;
                    if !seen[term] {
                        seen[term] = true;
                        uses.push(TermUse {
                            term,
                            block: b,
                            range,
                        });
                    }
                }
            }
        }
        uses
    }
}

fn whole_word(text: &str, range: &Range<usize>) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    !text[..range.start].chars().next_back().is_some_and(is_word)
        && !text[range.end..].chars().next().is_some_and(is_word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(id: &str, term: &str, abbr: Option<&str>, aliases: &[&str]) -> TermSpec {
        TermSpec {
            id: id.into(),
            term: term.into(),
            abbr: abbr.map(Into::into),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            definition: String::new(),
            see_also: vec![],
            sources: vec![],
        }
    }

    fn uses(md: &str, terms: &[TermSpec]) -> Vec<(usize, String)> {
        let a = ParsedArticle::parse(md);
        TermMatcher::new(terms)
            .first_uses(&a, &[], terms.len())
            .into_iter()
            .map(|u| (u.term, a.blocks[u.block].text[u.range].to_string()))
            .collect()
    }

    #[test]
    fn longest_whole_word_first_use_only() {
        let terms = [
            term(
                "bri",
                "Belt and Road Initiative",
                Some("BRI"),
                &["Belt and Road"],
            ),
            term("wic", "World Internet Conference", Some("WIC"), &[]),
        ];
        assert_eq!(
            uses(
                "The Belt and Road Initiative (BRI) and BRIDGE, wic, WIC, the WIC.",
                &terms
            ),
            vec![
                (0, "Belt and Road Initiative".to_string()),
                (1, "WIC".to_string())
            ]
        );
    }

    #[test]
    fn a_longest_form_that_is_not_a_whole_word_leaves_room_for_a_shorter_one() {
        let terms = [
            term("bar", "Belt and Road", None, &[]),
            term("belt", "Belt", None, &[]),
        ];
        assert_eq!(
            uses("Belt and Roadmap", &terms),
            vec![(1, "Belt".to_string())]
        );
        assert_eq!(
            uses("Belt and Road, Belt", &terms),
            vec![(0, "Belt and Road".to_string()), (1, "Belt".to_string())]
        );
    }

    #[test]
    fn not_in_headings_links_or_code() {
        let terms = [term("dsr", "Digital Silk Road", Some("DSR"), &[])];
        assert!(uses("# DSR\n\n[DSR](http://x) `DSR`\n", &terms).is_empty());
        assert_eq!(
            uses("# DSR\n\nthe digital silk road", &terms),
            vec![(0, "digital silk road".to_string())]
        );
    }
}
