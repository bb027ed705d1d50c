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

use super::{Digest, NoteDigest};
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

/// `[briefing, kind, anchor, label, text]`; `briefing` is -1 for a glossary
/// term, else the briefing's place in the index's list, newest first.
type Entry<'a> = (i64, u8, Cow<'a, str>, Cow<'a, str>, Cow<'a, str>);

/// One briefing's entries (summary, paragraphs, notes), serialized once,
/// when the briefing is built, without the number that leads each: that is
/// the briefing's place in the index, known only once every briefing is, so
/// that the index is written by putting the number before each entry. A
/// build with a cache keeps them with the briefing's other results.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entries {
    /// Each entry's JSON array without its opening `[` and first element
    /// and comma (`2,"note-a","Note 1 · Context","…"]`), one after another.
    json: String,
    /// Where each entry ends in `json`.
    ends: Vec<usize>,
}

impl Entries {
    /// The entries of a briefing with this summary, these article blocks
    /// (anchor, text) and notes (each with its text).
    pub fn of<'a>(
        summary: Option<&str>,
        blocks: &[(String, String)],
        notes: impl IntoIterator<Item = (&'a NoteDigest, &'a str)>,
    ) -> Entries {
        let mut entries = Entries::default();
        entries.push(Kind::Briefing, "", "", summary.unwrap_or_default());
        for (anchor, text) in blocks {
            entries.push(Kind::Paragraph, anchor, "", text);
        }
        for (n, text) in notes {
            let quote = n
                .phrase
                .as_ref()
                .map(|p| format!("“{}” ", p.phrase))
                .unwrap_or_default();
            entries.push(
                Kind::Note,
                &format!("note-{}", n.id),
                &format!("Note {} · {}", n.number, n.kind.label()),
                &format!("{quote}{text}"),
            );
        }
        entries
    }

    fn push(&mut self, kind: Kind, anchor: &str, label: &str, text: &str) {
        let entry: Entry = (
            0,
            kind as u8,
            Cow::Borrowed(anchor),
            Cow::Borrowed(label),
            Cow::Borrowed(text),
        );
        let json = serde_json::to_string(&entry).expect("an entry serializes");
        // Without `[0,`: the briefing's number goes there.
        self.json.push_str(&json[3..]);
        self.ends.push(self.json.len());
    }

    /// As kept in the build cache: the entries' JSON and where each ends.
    pub fn parts(&self) -> (&str, &[usize]) {
        (&self.json, &self.ends)
    }

    /// The entries back from [`Entries::parts`], if they are whole.
    pub fn from_parts(json: String, ends: Vec<usize>) -> Option<Entries> {
        let whole = ends.windows(2).all(|w| w[0] < w[1])
            && ends.last().copied().unwrap_or(0) == json.len()
            && ends.iter().all(|&e| json.is_char_boundary(e));
        whole.then_some(Entries { json, ends })
    }

    /// Each entry's JSON, as cut above.
    fn each(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(a, &b)| &self.json[a..b])
    }

    /// The searchable text of each entry (a note's with its quoted phrase
    /// before it): where a glossary form may appear.
    pub fn texts(&self) -> impl Iterator<Item = String> + '_ {
        self.each().filter_map(|tail| {
            let (_, _, _, text): (u8, String, String, String) =
                serde_json::from_str(&format!("[{tail}")).ok()?;
            Some(text)
        })
    }

    fn len(&self) -> usize {
        self.json.len() + self.ends.len() * 8
    }
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

/// The script that defines `briefingSearch` for the search page:
/// `{"b":[[slug,title],…],"d":[entries…]}`, with the briefings newest first
/// and each briefing's entries numbered by its place among them, then the
/// glossary's. Written into one buffer sized for it up front; UTF-8, as it is
/// made of strings only.
pub fn index_script(digests: &[&Digest], terms: &[TermSpec]) -> Vec<u8> {
    let briefings: Vec<(&str, &str)> = digests
        .iter()
        .map(|d| (d.slug.as_str(), d.title.as_str()))
        .collect();
    let mut script = Vec::with_capacity(size_hint(digests));
    script.extend_from_slice(PREFIX.as_bytes());
    script.extend_from_slice(b"{\"b\":");
    serde_json::to_writer(&mut script, &briefings).expect("the list serializes");
    script.extend_from_slice(b",\"d\":[");
    let mut first = true;
    let mut comma = |script: &mut Vec<u8>| {
        if !std::mem::take(&mut first) {
            script.push(b',');
        }
    };
    for (i, d) in digests.iter().enumerate() {
        let number = format!("[{i},");
        for entry in d.search.each() {
            comma(&mut script);
            script.extend_from_slice(number.as_bytes());
            script.extend_from_slice(entry.as_bytes());
        }
    }
    for t in terms {
        comma(&mut script);
        serde_json::to_writer(&mut script, &term_entry(t)).expect("an entry serializes");
    }
    script.extend_from_slice(b"]}");
    script.extend_from_slice(SUFFIX.as_bytes());
    script
}

/// About how long the script is (a little more, for the glossary), so that
/// the buffer is neither grown and copied again and again nor much larger
/// than the script.
fn size_hint(digests: &[&Digest]) -> usize {
    let text: usize = digests
        .iter()
        .map(|d| d.slug.len() + d.title.len() + 8 + d.search.len())
        .sum();
    text + 64 * 1024
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_is_a_script_with_every_kind_of_entry() {
        let digest = Digest {
            slug: "b".into(),
            title: "A </script> title".into(),
            date: None,
            topics: vec![],
            notes: vec![],
            search: Entries::of(
                Some("Summary."),
                &[("p-1".into(), "The Entity List grew.".into())],
                [],
            ),
        };
        let term: TermSpec = serde_saphyr::from_str(
            "{id: el, term: Entity List, abbr: EL, definition: 'A *list* of firms.'}",
        )
        .unwrap();
        let js = String::from_utf8(index_script(&[&digest], &[term])).unwrap();
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
