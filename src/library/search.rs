//! The search index: a script file that the search page (and only it) loads, so
//! that search works from a folder on disk with the network off, where `fetch`
//! of a local file is refused.
//!
//! The format is our own and plain: the searchable text itself, one entry per
//! briefing summary, paragraph, note and glossary term, with where each lives.
//! The page matches words against it (word starts, all words required), so the
//! snippet and the marked words come from the same text. An inverted index
//! (elasticlunr's) would store every word's postings on top of this text, which
//! the snippets need anyway, and would still not find phrases; see the README.

use std::borrow::Cow;

use serde::Serialize;

use super::Digest;
use crate::load::model::TermSpec;
use crate::load::yaml::plain_list;
use crate::render::markdown::markdown_text;

/// The file name, beside the search page.
pub const FILE_NAME: &str = "search-index.js";

/// What an entry is; the page labels results with it.
#[derive(Debug, Clone, Copy)]
#[repr(u8)]
enum Kind {
    Briefing = 0,
    Paragraph = 1,
    Note = 2,
    Term = 3,
}

/// `[briefing, kind, anchor, label, text]`; `briefing` is -1 for a glossary term.
/// Paragraphs and summaries are borrowed from the digests: the index is the
/// largest file of a site, and copying its text first would double the memory
/// a build needs at its peak.
type Entry<'a> = (i64, u8, Cow<'a, str>, Cow<'a, str>, Cow<'a, str>);

#[derive(Serialize)]
struct Index<'a> {
    /// `[slug, title]` of each briefing, newest first.
    b: Vec<(&'a str, &'a str)>,
    d: Entries<'a>,
}

/// The entries, serialized one at a time as they are made.
struct Entries<'a> {
    digests: &'a [&'a Digest],
    terms: &'a [TermSpec],
}

impl Serialize for Entries<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let briefings = self
            .digests
            .iter()
            .enumerate()
            .flat_map(|(i, d)| briefing_entries(i as i64, d));
        serializer.collect_seq(briefings.chain(self.terms.iter().map(term_entry)))
    }
}

/// A briefing's summary, paragraphs and notes.
fn briefing_entries(b: i64, d: &Digest) -> impl Iterator<Item = Entry<'_>> {
    let summary = (
        b,
        Kind::Briefing as u8,
        Cow::Borrowed(""),
        Cow::Borrowed(""),
        Cow::Borrowed(d.summary.as_deref().unwrap_or_default()),
    );
    let paragraphs = d.blocks.iter().map(move |(anchor, text)| {
        (
            b,
            Kind::Paragraph as u8,
            Cow::Borrowed(anchor.as_str()),
            Cow::Borrowed(""),
            Cow::Borrowed(text.as_str()),
        )
    });
    let notes = d.notes.iter().map(move |n| {
        let quote = n
            .phrase
            .as_ref()
            .map(|p| format!("“{}” ", p.phrase))
            .unwrap_or_default();
        (
            b,
            Kind::Note as u8,
            Cow::Owned(format!("note-{}", n.id)),
            Cow::Owned(format!("Note {} · {}", n.number, n.kind.label())),
            Cow::Owned(format!("{quote}{}", n.text)),
        )
    });
    std::iter::once(summary).chain(paragraphs).chain(notes)
}

fn term_entry(t: &TermSpec) -> Entry<'_> {
    let abbr = t
        .abbr
        .as_ref()
        .map(|a| format!(" ({a})"))
        .unwrap_or_default();
    let aliases = if t.aliases.is_empty() {
        String::new()
    } else {
        format!(" Also: {}.", plain_list(&t.aliases).join(", "))
    };
    (
        -1,
        Kind::Term as u8,
        Cow::Owned(format!("term-{}", t.id)),
        Cow::Owned(format!("{}{abbr}", t.term)),
        Cow::Owned(format!(
            "{}{abbr}: {}{aliases}",
            t.term,
            markdown_text(&t.definition)
        )),
    )
}

const PREFIX: &str = "window.briefingSearch=";
const SUFFIX: &str = ";\n";

/// The script that defines `briefingSearch` for the search page, written
/// into one buffer sized for it up front.
pub fn index_script(digests: &[&Digest], terms: &[TermSpec]) -> String {
    let index = Index {
        b: digests
            .iter()
            .map(|d| (d.slug.as_str(), d.title.as_str()))
            .collect(),
        d: Entries { digests, terms },
    };
    let mut script = Vec::with_capacity(size_hint(digests));
    script.extend_from_slice(PREFIX.as_bytes());
    serde_json::to_writer(&mut script, &index).expect("the index serializes");
    script.extend_from_slice(SUFFIX.as_bytes());
    script.shrink_to_fit();
    String::from_utf8(script).expect("JSON is UTF-8")
}

/// About how long the script is (a little more, for JSON's punctuation and
/// escapes), so that the buffer is neither grown and copied again and again
/// nor much larger than the script.
fn size_hint(digests: &[&Digest]) -> usize {
    let per_entry = 24;
    let text: usize = digests
        .iter()
        .map(|d| {
            let blocks: usize = d.blocks.iter().map(|(a, t)| a.len() + t.len()).sum();
            let notes: usize = d
                .notes
                .iter()
                .map(|n| n.text.len() + n.phrase.as_ref().map_or(0, |p| p.phrase.len()) + 40)
                .sum();
            let entries = 1 + d.blocks.len() + d.notes.len();
            d.slug.len() + d.title.len() + blocks + notes + entries * per_entry
        })
        .sum();
    text + text / 32 + 64 * 1024
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_is_a_script_with_every_kind_of_entry() {
        let digest = Digest {
            slug: "b".into(),
            title: "A </script> title".into(),
            summary: Some("Summary.".into()),
            date: None,
            topics: vec![],
            notes: vec![],
            blocks: vec![("p-1".into(), "The Entity List grew.".into())],
        };
        let term: TermSpec = serde_saphyr::from_str(
            "{id: el, term: Entity List, abbr: EL, definition: 'A *list* of firms.'}",
        )
        .unwrap();
        let js = index_script(&[&digest], &[term]);
        assert!(js.starts_with("window.briefingSearch={"));
        let json: serde_json::Value =
            serde_json::from_str(js["window.briefingSearch=".len()..].trim_end_matches(";\n"))
                .unwrap();
        assert_eq!(json["b"][0][0], "b");
        assert_eq!(json["d"][1][2], "p-1");
        assert_eq!(json["d"][2][0], -1);
        assert_eq!(json["d"][2][4], "Entity List (EL): A list of firms.");
    }
}
