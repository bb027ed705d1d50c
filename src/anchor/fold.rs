//! The one typographic fold applied to both a quote and the article before they
//! are compared, so that a quote typed with straight quotes finds the article's
//! curly ones. Case stays significant.
//!
//! | in the text                                        | compares as |
//! |----------------------------------------------------|-------------|
//! | ‘ ’ ‚ ‛ ′ ＇ (and `'`)                               | `'`         |
//! | “ ” „ ‟ ″ ＂ (and `"`)                               | `"`         |
//! | ‐ ‑ ‒ – — ― − (and `-`)                             | `-`         |
//! | …                                                  | `...`       |
//! | any run of whitespace, non-breaking spaces included | one space   |
//! | zero-width space, word joiner, BOM, soft hyphen    | nothing     |

/// Text after the fold, with a way back to offsets in the original.
#[derive(Debug, Clone, Default)]
pub struct Folded {
    pub text: String,
    /// `(folded, original)` byte offsets wherever the two stop advancing together;
    /// between two entries, bytes correspond one to one.
    anchors: Vec<(usize, usize)>,
    original_len: usize,
}

/// What one character becomes.
enum Fold {
    Same,
    To(&'static str),
    Space,
    Drop,
}

fn fold_char(c: char) -> Fold {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{FF07}' => {
            Fold::To("'")
        }
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{FF02}' => {
            Fold::To("\"")
        }
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => Fold::To("-"),
        '\u{2026}' => Fold::To("..."),
        '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => Fold::Drop,
        c if c.is_whitespace() => Fold::Space,
        _ => Fold::Same,
    }
}

/// Folds a quote, prefix or suffix: no way back to the original is needed.
pub fn fold(s: &str) -> String {
    Folded::new(s).text
}

impl Folded {
    pub fn new(original: &str) -> Folded {
        let mut text = String::with_capacity(original.len());
        let mut anchors = vec![(0, 0)];
        let mut in_space = false;
        for (i, c) in original.char_indices() {
            let end = i + c.len_utf8();
            let changed = match fold_char(c) {
                Fold::Same => {
                    text.push(c);
                    in_space = false;
                    false
                }
                Fold::To(s) => {
                    text.push_str(s);
                    in_space = false;
                    s.len() != c.len_utf8()
                }
                Fold::Space => {
                    let first = !in_space;
                    if first {
                        text.push(' ');
                    }
                    in_space = true;
                    !(first && c == ' ')
                }
                Fold::Drop => true,
            };
            if changed {
                anchors.push((text.len(), end));
            }
        }
        Folded {
            text,
            anchors,
            original_len: original.len(),
        }
    }

    /// Maps a folded byte range back to the original text; the result always lies
    /// on character boundaries of `original` and covers at least the folded range.
    pub fn to_original(
        &self,
        original: &str,
        range: std::ops::Range<usize>,
    ) -> std::ops::Range<usize> {
        let start = crate::source::floor_char_boundary(original, self.map(range.start, false));
        let end = crate::source::ceil_char_boundary(original, self.map(range.end, true));
        start..end.max(start)
    }

    fn map(&self, folded: usize, is_end: bool) -> usize {
        // An end offset takes the entry strictly before it, so that a character
        // dropped right after a match is not swallowed into it.
        let i = if is_end {
            self.anchors.partition_point(|&(f, _)| f < folded).max(1) - 1
        } else {
            self.anchors.partition_point(|&(f, _)| f <= folded) - 1
        };
        let (f, o) = self.anchors[i];
        (o + (folded - f)).min(self.original_len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typography_folds_to_ascii() {
        assert_eq!(fold("“It’s” – fine…"), "\"It's\" - fine...");
        assert_eq!(fold("a \u{a0}\n\t b"), "a b");
        assert_eq!(
            fold("zero\u{200b}width soft\u{ad}hyphen"),
            "zerowidth softhyphen"
        );
        assert_eq!(fold("Case"), "Case");
    }

    #[test]
    fn folded_ranges_map_back_to_the_original() {
        let original = "He said “it’s  done” — yes…";
        let folded = Folded::new(original);
        let start = folded.text.find("\"it's done\"").unwrap();
        let range = folded.to_original(original, start..start + "\"it's done\"".len());
        assert_eq!(&original[range], "“it’s  done”");
        let start = folded.text.find("yes...").unwrap();
        let range = folded.to_original(original, start..start + 6);
        assert_eq!(&original[range], "yes…");
        // a partial ellipsis widens to the whole character
        let range = folded.to_original(original, start + 3..start + 5);
        assert_eq!(&original[range], "…");
    }

    #[test]
    fn dropped_characters_stay_outside_a_match_that_ends_before_them() {
        let original = "ab\u{200b}cd";
        let folded = Folded::new(original);
        assert_eq!(folded.text, "abcd");
        assert_eq!(&original[folded.to_original(original, 0..2)], "ab");
        assert_eq!(&original[folded.to_original(original, 2..4)], "cd");
    }
}
