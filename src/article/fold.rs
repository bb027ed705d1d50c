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
//! | a precomposed letter such as `é`                   | its canonical decomposition, `e` + U+0301, so both Unicode forms compare equal |

/// Text after the fold, with a way back to offsets in the original.
#[derive(Debug, Clone, Default)]
pub struct Folded {
    /// The folded text, which quotes are matched in.
    pub text: String,
    /// Every character whose folded form differs in length from the original, in
    /// text order; between two of them, bytes correspond one to one.
    changes: Vec<Change>,
}

/// One changed character: `folded` bytes of folded text stand for `original`
/// bytes of the original (an empty `folded` range is a dropped character).
#[derive(Debug, Clone, Default)]
struct Change {
    folded: std::ops::Range<usize>,
    original: std::ops::Range<usize>,
}

/// What one character becomes.
enum Fold {
    Same,
    To(&'static str),
    Decomposed(String),
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
        c if c.is_ascii() => Fold::Same,
        c => {
            let mut d = String::new();
            unicode_normalization::char::decompose_canonical(c, |part| d.push(part));
            if d.chars().eq(std::iter::once(c)) {
                Fold::Same
            } else {
                Fold::Decomposed(d)
            }
        }
    }
}

/// How many bytes at the start of `bytes` are ASCII characters that fold to
/// themselves: anything but whitespace.
fn ascii_unchanged(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .take_while(|&&b| b.is_ascii() && !char::from(b).is_whitespace())
        .count()
}

/// Folds a quote, prefix or suffix: no way back to the original is needed.
pub fn fold(s: &str) -> String {
    Folded::new(s).text
}

impl Folded {
    /// Folds `original`, remembering where each changed character came from.
    pub fn new(original: &str) -> Folded {
        let mut text = String::with_capacity(original.len());
        let mut changes = Vec::new();
        let mut in_space = false;
        let mut i = 0;
        while i < original.len() {
            // Most text is ASCII other than whitespace, which folds to itself:
            // such a run is copied whole.
            let run = ascii_unchanged(&original.as_bytes()[i..]);
            if run > 0 {
                text.push_str(&original[i..i + run]);
                in_space = false;
                i += run;
                continue;
            }
            let Some(c) = original[i..].chars().next() else {
                break;
            };
            let before = text.len();
            let fold = fold_char(c);
            match &fold {
                Fold::Same => text.push(c),
                Fold::To(s) => text.push_str(s),
                Fold::Decomposed(d) => text.push_str(d),
                Fold::Space if !in_space => text.push(' '),
                Fold::Space | Fold::Drop => {}
            }
            in_space = match fold {
                Fold::Space => true,
                Fold::Drop => in_space,
                _ => false,
            };
            if text.len() - before != c.len_utf8() {
                changes.push(Change {
                    folded: before..text.len(),
                    original: i..i + c.len_utf8(),
                });
            }
            i += c.len_utf8();
        }
        Folded { text, changes }
    }

    /// Maps a folded byte range back to the original text; the result always lies
    /// on character boundaries of `original` and covers at least the folded range.
    pub fn to_original(
        &self,
        original: &str,
        range: std::ops::Range<usize>,
    ) -> std::ops::Range<usize> {
        let start = crate::text_file::floor_char_boundary(original, self.map_start(range.start));
        let end = crate::text_file::ceil_char_boundary(original, self.map_end(range.end));
        start..end.max(start)
    }

    /// A start offset skips characters dropped right there, and inside a changed
    /// character takes all of it.
    fn map_start(&self, x: usize) -> usize {
        let i = self.changes.partition_point(|c| c.folded.start <= x);
        match i.checked_sub(1).map(|i| &self.changes[i]) {
            None => x,
            Some(c) if x < c.folded.end => c.original.start,
            Some(c) => c.original.end + (x - c.folded.end),
        }
    }

    /// An end offset leaves out characters dropped right there, and inside a
    /// changed character takes all of it.
    fn map_end(&self, x: usize) -> usize {
        let i = self.changes.partition_point(|c| c.folded.start < x);
        match i.checked_sub(1).map(|i| &self.changes[i]) {
            None => x,
            Some(c) if x <= c.folded.end => c.original.end,
            Some(c) => c.original.end + (x - c.folded.end),
        }
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
    fn both_unicode_forms_of_an_accented_letter_compare_equal() {
        assert_eq!(fold("caf\u{e9}"), fold("cafe\u{301}"));
        let original = "a caf\u{e9} b";
        let folded = Folded::new(original);
        let start = folded.text.find("caf").unwrap();
        let range = folded.to_original(original, start..start + fold("cafe\u{301}").len());
        assert_eq!(&original[range], "caf\u{e9}");
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
