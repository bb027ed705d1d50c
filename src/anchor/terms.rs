//! Finding glossary terms in the article: one multi-pattern pass per text run
//! (aho-corasick, leftmost-longest), whole words only, first use per term.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

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
            for (form, exact_case) in written_forms(t) {
                forms.push((i, exact_case, form));
            }
        }
        forms.retain(|(_, _, f)| !f.trim().is_empty());
        let automaton = (!forms.is_empty()).then(|| {
            let mut builder = AhoCorasick::builder();
            builder
                .match_kind(MatchKind::Standard)
                .ascii_case_insensitive(true);
            // Built once per site and run over every text run of every briefing:
            // a DFA searches several times faster than the NFA aho-corasick
            // picks by itself for more than 100 forms. A glossary too large
            // for one falls back to that choice.
            builder
                .kind(Some(AhoCorasickKind::DFA))
                .build(forms.iter().map(|(_, _, f)| f))
                .or_else(|_| builder.kind(None).build(forms.iter().map(|(_, _, f)| f)))
                .expect("glossary automaton within size limits")
        });
        TermMatcher { automaton, forms }
    }

    /// Where any form of any term stands in `text` as a whole word (in the
    /// right case, for an abbreviation), used or not: `check` does not report a
    /// word inside one of these as a near-miss of another term.
    pub fn places(&self, text: &str) -> Vec<Range<usize>> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        automaton
            .find_overlapping_iter(text)
            .filter(|m| {
                let (_, exact_case, form) = &self.forms[m.pattern().as_usize()];
                (!*exact_case || &text[m.range()] == form) && whole_word(text, &m.range())
            })
            .map(|m| m.range())
            .collect()
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

/// Every form under which a term is linked, with whether its case must match:
/// the term, its aliases and its abbreviation, and, unless the term opts out
/// with `inflect: false`, their plurals and singulars.
pub fn written_forms(t: &TermSpec) -> Vec<(String, bool)> {
    let mut forms: Vec<(String, bool)> = std::iter::once(&t.term)
        .chain(&t.aliases)
        .map(|f| (f.to_string(), false))
        .chain(t.abbr.iter().map(|a| (a.to_string(), true)))
        .collect();
    if t.inflect {
        let inflected: Vec<(String, bool)> = forms
            .iter()
            .flat_map(|(f, exact)| inflections(f).into_iter().map(|i| (i, *exact)))
            .collect();
        for form in inflected {
            if !forms.contains(&form) {
                forms.push(form);
            }
        }
    }
    forms.retain(|(f, _)| !f.trim().is_empty());
    forms
}

/// The other number of a form's last word, by the regular English rules:
/// `control` / `controls`, `agency` / `agencies`, `tax` / `taxes`. Irregular
/// words are not guessed; an editor adds them as aliases.
pub fn inflections(form: &str) -> Vec<String> {
    let word_start = form.rfind(|c: char| !c.is_alphanumeric()).map_or(0, |i| {
        i + form[i..].chars().next().map_or(1, char::len_utf8)
    });
    let (head, word) = form.split_at(word_start);
    if word.chars().count() < 2 || !word.chars().all(|c| c.is_alphabetic()) {
        return Vec::new();
    }
    let upper = word.chars().all(|c| c.is_uppercase());
    let lower = word.to_lowercase();
    let with = |stem: &str, ending: &str| {
        let ending = if upper {
            ending.to_uppercase()
        } else {
            ending.to_string()
        };
        format!("{head}{stem}{ending}")
    };
    let stem = |n: usize| &word[..word.len() - n];
    let mut out = Vec::new();
    if upper {
        // An abbreviation: `NGO` / `NGOs`.
        if let Some(s) = word.strip_suffix('s') {
            out.push(format!("{head}{s}"));
        } else {
            out.push(format!("{head}{word}s"));
        }
        return out;
    }
    let consonant_y =
        lower.ends_with('y') && !lower[..lower.len() - 1].ends_with(['a', 'e', 'i', 'o', 'u']);
    if consonant_y {
        out.push(with(stem(1), "ies"));
    } else if lower.ends_with("ies") {
        out.push(with(stem(3), "y"));
    } else if ["ches", "shes", "sses", "xes", "zes"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        out.push(with(stem(2), ""));
    } else if lower.ends_with("ss") || ["ch", "sh", "x", "z"].iter().any(|e| lower.ends_with(e)) {
        out.push(with(word, "es"));
    } else if lower.ends_with('s') {
        out.push(with(stem(1), ""));
    } else {
        out.push(with(word, "s"));
    }
    out
}

fn whole_word(text: &str, range: &Range<usize>) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    !text[..range.start].chars().next_back().is_some_and(is_word)
        && !text[range.end..].chars().next().is_some_and(is_word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::At;

    fn term(id: &str, term: &str, abbr: Option<&str>, aliases: &[&str]) -> TermSpec {
        TermSpec {
            id: At::unplaced(id.into()),
            term: At::unplaced(term.into()),
            abbr: abbr.map(|a| At::unplaced(a.into())),
            aliases: aliases
                .iter()
                .map(|a| At::unplaced(a.to_string()))
                .collect(),
            definition: At::unplaced(String::new()),
            see_also: vec![],
            sources: vec![],
            inflect: true,
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

    #[test]
    fn plurals_and_singulars_match_unless_the_term_opts_out() {
        assert_eq!(inflections("export control"), ["export controls"]);
        assert_eq!(inflections("Agency"), ["Agencies"]);
        assert_eq!(inflections("export controls"), ["export control"]);
        assert_eq!(inflections("agencies"), ["agency"]);
        assert_eq!(inflections("tax"), ["taxes"]);
        assert_eq!(inflections("boxes"), ["box"]);
        assert_eq!(inflections("day"), ["days"]);
        assert_eq!(inflections("NGO"), ["NGOs"]);
        assert_eq!(inflections("5G"), Vec::<String>::new());
        let mut terms = [
            term("ec", "export control", None, &[]),
            term("agency", "agency", None, &[]),
        ];
        assert_eq!(
            uses("New export controls by two agencies.", &terms),
            vec![
                (0, "export controls".to_string()),
                (1, "agencies".to_string())
            ]
        );
        terms[1].inflect = false;
        assert_eq!(
            uses("New export controls by two agencies.", &terms),
            vec![(0, "export controls".to_string())]
        );
    }
}
