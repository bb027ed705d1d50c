//! A whole briefing anchored: each note of its annotations files resolved to
//! one place in the article, the footnotes written in the article placed
//! beside them, and all of them in the order a reader meets them. Validation,
//! rendering and the export read this result; none of them anchors again.

use std::collections::HashMap;

use pulldown_cmark::Event;

use super::{anchor_all, Anchor, AnchorError, QuoteSelector};
use crate::article::ParsedArticle;
use crate::load::model::{NoteKind, NoteSpec, SourceRef};
use crate::load::{slugify, LoadedBriefing, YamlFile};

/// A briefing's notes, placed. Unlike the notes as written in YAML, a
/// [`PlacedNote`] cannot point nowhere: a note whose quote failed is in
/// `unanchored` instead, with the reason.
pub struct AnchoredBriefing<'a> {
    /// In the order their markers appear in the article: note n is `notes[n - 1]`.
    pub notes: Vec<PlacedNote<'a>>,
    /// Notes whose quote matches no place, or several, in annotations-file order.
    pub unanchored: Vec<Unanchored<'a>>,
}

/// Where a note was written: which annotations file, which item of its list.
#[derive(Clone, Copy)]
pub struct NoteOrigin<'a> {
    /// The file, for locating a problem in it.
    pub file: &'a YamlFile<Vec<NoteSpec>>,
    /// The note's place in the file's list, the first step of its YAML path.
    pub index: usize,
    /// The note as written.
    pub spec: &'a NoteSpec,
}

/// A note resolved to its place in the article: a quoted phrase from YAML, or a
/// footnote reference written in the article.
pub struct PlacedNote<'a> {
    /// The id the page links it by (`fn-` and the label, for a footnote).
    pub id: String,
    /// What kind of note it is, shown on the page and kept in the export.
    pub kind: NoteKind,
    /// The note's text, to be rendered.
    pub body: NoteBody<'a>,
    /// What the note rests on; a footnote has none of its own.
    pub sources: &'a [SourceRef],
    /// Where it stands in the article.
    pub place: NotePlace,
    /// The YAML note, for locating problems and for what only the export keeps
    /// (tags, author, date); `None` for a footnote.
    pub origin: Option<NoteOrigin<'a>>,
}

/// A note's text: Markdown from YAML, or the events of a footnote definition.
pub enum NoteBody<'a> {
    /// The `note:` of an annotations file.
    Markdown(&'a str),
    /// A footnote definition, already parsed with the article.
    Footnote(&'a [Event<'a>]),
}

/// Where a note stands.
pub enum NotePlace {
    /// A quoted phrase.
    Quote(Anchor),
    /// Footnote references `[^label]`, all of them, in article order.
    Footnote {
        /// The block of the first reference.
        block: usize,
        /// Offset of the first reference in that block's text.
        offset: usize,
        /// The article events of every reference.
        events: Vec<usize>,
    },
}

/// A note whose quote could not be anchored, and why.
pub struct Unanchored<'a> {
    /// The note as written.
    pub origin: NoteOrigin<'a>,
    /// Why its quote picks no single place.
    pub error: AnchorError,
}

impl PlacedNote<'_> {
    /// Where its number stands, for numbering in article order.
    fn order(&self) -> (usize, usize, usize) {
        match &self.place {
            NotePlace::Quote(a) => (a.block, a.range.end, a.range.start),
            NotePlace::Footnote { block, offset, .. } => (*block, *offset, *offset),
        }
    }

    /// How many markers in the text refer to it (a footnote may be referenced twice).
    pub fn reference_count(&self) -> usize {
        match &self.place {
            NotePlace::Quote(_) => 1,
            NotePlace::Footnote { events, .. } => events.len(),
        }
    }
}

impl<'a> QuoteSelector<'a> {
    /// What a YAML note asks for.
    pub fn of(note: &'a NoteSpec) -> QuoteSelector<'a> {
        QuoteSelector {
            exact: &note.quote,
            prefix: note.prefix.as_ref().map(|p| p.as_str()),
            suffix: note.suffix.as_ref().map(|s| s.as_str()),
            occurrence: note.occurrence.as_ref().map(|o| o.0),
        }
    }
}

/// Every note of the briefing's annotations files, in file order.
pub fn note_origins(src: &LoadedBriefing) -> Vec<NoteOrigin<'_>> {
    src.notes
        .iter()
        .flat_map(|file| {
            file.value
                .iter()
                .enumerate()
                .map(move |(index, spec)| NoteOrigin { file, index, spec })
        })
        .collect()
}

/// Anchors every YAML note in one pass over the article, places the article's
/// footnotes, and numbers them all in reading order.
pub fn anchor_briefing<'a>(
    src: &'a LoadedBriefing,
    article: &'a ParsedArticle<'a>,
) -> AnchoredBriefing<'a> {
    let origins = note_origins(src);
    let selectors: Vec<QuoteSelector> = origins.iter().map(|o| QuoteSelector::of(o.spec)).collect();
    let mut notes = Vec::new();
    let mut unanchored = Vec::new();
    for (origin, result) in origins.into_iter().zip(anchor_all(article, &selectors)) {
        match result {
            Ok(anchor) => notes.push(PlacedNote {
                id: origin.spec.id.to_string(),
                kind: *origin.spec.kind,
                body: NoteBody::Markdown(&origin.spec.note),
                sources: &origin.spec.sources,
                place: NotePlace::Quote(anchor),
                origin: Some(origin),
            }),
            Err(error) => unanchored.push(Unanchored { origin, error }),
        }
    }
    notes.extend(footnotes(article));
    notes.sort_by_key(PlacedNote::order);
    AnchoredBriefing { notes, unanchored }
}

/// Footnotes written in the article, which join the notes' numbering; a label
/// referenced twice is one note with two markers. A definition never
/// referenced is not placed.
fn footnotes<'a>(article: &'a ParsedArticle<'a>) -> Vec<PlacedNote<'a>> {
    let mut placed: Vec<PlacedNote> = Vec::new();
    let mut by_label: HashMap<&str, usize> = HashMap::new();
    for r in &article.footnote_refs {
        if let Some(&p) = by_label.get(r.label.as_str()) {
            if let NotePlace::Footnote { events, .. } = &mut placed[p].place {
                events.push(r.event);
            }
            continue;
        }
        let Some((events, _)) = article.footnote_defs.get(&r.label) else {
            continue;
        };
        by_label.insert(&r.label, placed.len());
        placed.push(PlacedNote {
            id: footnote_id(&r.label),
            kind: NoteKind::Footnote,
            body: NoteBody::Footnote(events),
            sources: &[],
            place: NotePlace::Footnote {
                block: r.block,
                offset: r.offset,
                events: vec![r.event],
            },
            origin: None,
        });
    }
    placed
}

/// The note id of a footnote label: `[^Source 1]` is `fn-source-1`.
pub fn footnote_id(label: &str) -> String {
    format!("fn-{}", slugify(label))
}
