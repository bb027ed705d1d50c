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
type Entry = (i64, u8, String, String, String);

#[derive(Serialize)]
struct Index<'a> {
    /// `[slug, title]` of each briefing, newest first.
    b: Vec<(&'a str, &'a str)>,
    d: Vec<Entry>,
}

/// The script that defines `briefingSearch` for the search page.
pub fn index_script(digests: &[&Digest], terms: &[TermSpec]) -> String {
    let mut entries: Vec<Entry> = Vec::new();
    for (i, d) in digests.iter().enumerate() {
        let b = i as i64;
        let summary = d.summary.clone().unwrap_or_default();
        entries.push((
            b,
            Kind::Briefing as u8,
            String::new(),
            String::new(),
            summary,
        ));
        for (anchor, text) in &d.blocks {
            entries.push((
                b,
                Kind::Paragraph as u8,
                anchor.clone(),
                String::new(),
                text.clone(),
            ));
        }
        for n in &d.notes {
            let quote = n
                .phrase
                .as_ref()
                .map(|p| format!("“{}” ", p.phrase))
                .unwrap_or_default();
            entries.push((
                b,
                Kind::Note as u8,
                format!("note-{}", n.id),
                format!("Note {} · {}", n.number, n.kind.label()),
                format!("{quote}{}", n.text),
            ));
        }
    }
    for t in terms {
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
        entries.push((
            -1,
            Kind::Term as u8,
            format!("term-{}", t.id),
            format!("{}{abbr}", t.term),
            format!(
                "{}{abbr}: {}{aliases}",
                t.term,
                markdown_text(&t.definition)
            ),
        ));
    }
    let index = Index {
        b: digests
            .iter()
            .map(|d| (d.slug.as_str(), d.title.as_str()))
            .collect(),
        d: entries,
    };
    let json = serde_json::to_string(&index).expect("the index serializes");
    format!("window.briefingSearch={json};\n")
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
