//! W3C Web Annotation export (`annotations.jsonld` beside each briefing page).
//!
//! Each note becomes an `Annotation` whose target carries a `TextQuoteSelector`
//! (the quote with up to 32 characters of context on each side, from the same
//! block) and a `TextPositionSelector` counting Unicode code points of the
//! article's text content: every block's rendered text, blocks separated by one
//! newline (see [`ParsedArticle::text`]).
//!
//! Note kinds map to motivations: context → `commenting`, clarification →
//! `describing`, correction → `editing`, disclosure → `commenting`, footnote →
//! `commenting`; the kind itself is kept as a `tagging` body so it survives a
//! round trip. Sources are kept twice: written out in the HTML body, so the note
//! reads whole anywhere, and as `SpecificResource` bodies with purpose `linking`.

use serde::Serialize;

use crate::anchor::{NotePlace, PlacedNote};
use crate::article::ParsedArticle;
use crate::load::model::{Date, NoteKind, SourceRef};
use crate::load::yaml::At;
use crate::load::LoadedBriefing;
use crate::render::html::escape;
use crate::validate::links::is_safe_url;

/// Where a note sits in the article.
#[derive(Debug, Clone)]
pub enum Place {
    /// A quoted phrase: byte range in one block's text.
    Quote {
        block: usize,
        range: std::ops::Range<usize>,
    },
    /// A footnote reference: a point between two characters.
    Point { block: usize, offset: usize },
}

/// What the export needs to know of one note.
#[derive(Debug, Clone)]
pub struct ExportNote<'a> {
    pub id: &'a str,
    pub kind: NoteKind,
    pub html: &'a str,
    pub place: Place,
    pub sources: &'a [SourceRef],
    pub tags: &'a [At<String>],
    pub author: Option<&'a str>,
    pub date: Option<Date>,
}

/// The briefing the notes belong to.
#[derive(Debug, Clone)]
pub struct ExportContext<'a> {
    pub title: &'a str,
    pub language: &'a str,
    /// The original article's URL, when known; else the briefing page is the target.
    pub source_url: Option<&'a str>,
    /// The briefing page's absolute address, when the site has a `base_url`:
    /// ids are then absolute URLs; otherwise relative to the export file.
    pub page_url: Option<&'a str>,
}

/// Characters of context kept on each side of a quote, as Hypothesis does.
pub const CONTEXT_CHARS: usize = 32;

/// The file name of the export, beside the briefing's `index.html`.
pub const FILE_NAME: &str = "annotations.jsonld";

pub fn motivation(kind: NoteKind) -> &'static str {
    match kind {
        NoteKind::Clarification => "describing",
        NoteKind::Correction => "editing",
        NoteKind::Context | NoteKind::Disclosure | NoteKind::Footnote => "commenting",
    }
}

/// A briefing's numbered notes as a W3C Web Annotation collection, in
/// `language`; `htmls[i]` is the rendered text of `notes[i]`. With the page's
/// absolute address (the site has a `base_url`), ids are absolute URLs.
pub fn briefing_annotations(
    src: &LoadedBriefing,
    language: &str,
    article: &ParsedArticle,
    notes: &[PlacedNote],
    htmls: &[String],
    page_url: Option<&str>,
) -> String {
    let export_notes: Vec<ExportNote> = notes
        .iter()
        .zip(htmls)
        .map(|(p, html)| {
            let spec = p.origin.map(|o| o.spec);
            ExportNote {
                id: &p.id,
                kind: p.kind,
                html,
                place: match &p.place {
                    NotePlace::Quote(a) => Place::Quote {
                        block: a.block,
                        range: a.range.clone(),
                    },
                    NotePlace::Footnote { block, offset, .. } => Place::Point {
                        block: *block,
                        offset: *offset,
                    },
                },
                sources: p.sources,
                tags: spec.map(|s| s.tags.as_slice()).unwrap_or_default(),
                author: spec.and_then(|s| s.author.as_ref()).map(At::as_str),
                date: spec.and_then(|s| s.date.as_ref()).map(|d| d.value),
            }
        })
        .collect();
    let context = ExportContext {
        title: &src.front.title,
        language,
        source_url: src
            .front
            .source
            .as_ref()
            .and_then(|s| s.url.as_ref())
            .map(At::as_str)
            .filter(|u| is_safe_url(u)),
        page_url,
    };
    annotation_collection(&context, article, &export_notes)
}

/// The notes of one briefing as a JSON-LD `AnnotationCollection`, pretty-printed.
pub fn annotation_collection(
    context: &ExportContext,
    article: &ParsedArticle,
    notes: &[ExportNote],
) -> String {
    let starts = block_starts(article);
    let items: Vec<Annotation> = notes
        .iter()
        .map(|n| annotation(context, article, &starts, n))
        .collect();
    let page = context.page_url.unwrap_or("");
    let collection = Collection {
        context: "http://www.w3.org/ns/anno.jsonld",
        id: format!("{page}{FILE_NAME}"),
        kind: "AnnotationCollection",
        label: format!("Notes on “{}”", context.title),
        total: items.len(),
        first: Page {
            id: format!("{page}{FILE_NAME}#page-1"),
            kind: "AnnotationPage",
            start_index: 0,
            items,
        },
    };
    // About 1.6 KB of JSON per note: the buffer is not copied over as it grows.
    let mut text = Vec::with_capacity(1024 + 2048 * notes.len());
    serde_json::to_writer_pretty(&mut text, &collection).expect("plain structs always serialize");
    text.push(b'\n');
    String::from_utf8(text).expect("serde_json writes UTF-8")
}

// The W3C model's shapes, in the order its examples use.

#[derive(Serialize)]
struct Collection<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    label: String,
    total: usize,
    first: Page<'a>,
}

#[derive(Serialize)]
struct Page<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "startIndex")]
    start_index: usize,
    items: Vec<Annotation<'a>>,
}

#[derive(Serialize)]
struct Annotation<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    motivation: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    created: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    creator: Option<Creator<'a>>,
    body: Vec<Body<'a>>,
    target: Target<'a>,
}

#[derive(Serialize)]
struct Creator<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'a str,
}

#[derive(Serialize)]
#[serde(tag = "type")]
enum Body<'a> {
    TextualBody {
        value: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        format: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        language: Option<&'a str>,
        purpose: &'static str,
    },
    SpecificResource {
        source: &'a str,
        purpose: &'static str,
    },
}

#[derive(Serialize)]
struct Target<'a> {
    source: &'a str,
    selector: Vec<Selector<'a>>,
}

#[derive(Serialize)]
#[serde(tag = "type")]
enum Selector<'a> {
    TextQuoteSelector {
        exact: &'a str,
        prefix: &'a str,
        suffix: &'a str,
    },
    TextPositionSelector {
        start: usize,
        end: usize,
    },
}

/// Code point offset where each block starts in the article's text content.
fn block_starts(article: &ParsedArticle) -> Vec<usize> {
    let mut starts = Vec::with_capacity(article.blocks.len());
    let mut at = 0;
    for b in &article.blocks {
        starts.push(at);
        at += b.text.chars().count() + 1;
    }
    starts
}

fn annotation<'a>(
    context: &ExportContext<'a>,
    article: &'a ParsedArticle,
    starts: &[usize],
    note: &ExportNote<'a>,
) -> Annotation<'a> {
    let mut selector = Vec::new();
    let (block, start, end) = match &note.place {
        Place::Quote { block, range } => (*block, range.start, range.end),
        Place::Point { block, offset } => (*block, *offset, *offset),
    };
    let text = &article.blocks[block].text;
    if start < end {
        let before = &text[..start];
        let after = &text[end..];
        let prefix_from = before
            .char_indices()
            .rev()
            .nth(CONTEXT_CHARS - 1)
            .map_or(0, |(i, _)| i);
        let suffix_to = after
            .char_indices()
            .nth(CONTEXT_CHARS)
            .map_or(after.len(), |(i, _)| i);
        selector.push(Selector::TextQuoteSelector {
            exact: &text[start..end],
            prefix: &before[prefix_from..],
            suffix: &after[..suffix_to],
        });
    }
    let cp_start = starts[block] + text[..start].chars().count();
    let cp_end = cp_start + text[start..end].chars().count();
    selector.push(Selector::TextPositionSelector {
        start: cp_start,
        end: cp_end,
    });

    let mut body = vec![Body::TextualBody {
        value: body_html(note),
        format: Some("text/html"),
        language: Some(context.language),
        purpose: motivation(note.kind),
    }];
    for tag in std::iter::once(note.kind.name()).chain(note.tags.iter().map(At::as_str)) {
        body.push(Body::TextualBody {
            value: tag.to_string(),
            format: None,
            language: None,
            purpose: "tagging",
        });
    }
    for url in note.sources.iter().filter_map(|s| s.url.as_deref()) {
        body.push(Body::SpecificResource {
            source: url,
            purpose: "linking",
        });
    }
    Annotation {
        id: match context.page_url {
            Some(page) => format!("{page}#note-{}", note.id),
            None => format!("index.html#note-{}", note.id),
        },
        kind: "Annotation",
        motivation: motivation(note.kind),
        created: note.date.map(|d| d.to_string()),
        creator: note.author.map(|name| Creator {
            kind: "Person",
            name,
        }),
        body,
        target: Target {
            source: context
                .source_url
                .or(context.page_url)
                .unwrap_or("index.html"),
            selector,
        },
    }
}

/// The note's HTML followed by its sources, written out.
fn body_html(note: &ExportNote) -> String {
    let mut html = note.html.trim_end().to_string();
    if !note.sources.is_empty() {
        html.push_str("\n<ul class=\"sources\">");
        for s in note.sources {
            html.push_str("<li>");
            match &s.url {
                Some(url) if is_safe_url(url) => {
                    html.push_str("<a href=\"");
                    html.push_str(&escape(url));
                    html.push_str("\">");
                    html.push_str(&escape(&s.title));
                    html.push_str("</a>");
                }
                _ => html.push_str(&escape(&s.title)),
            }
            if let Some(p) = &s.publisher {
                html.push_str(", ");
                html.push_str(&escape(p));
            }
            if let Some(d) = &s.date {
                html.push_str(", ");
                html.push_str(&d.written());
            }
            html.push_str("</li>");
        }
        html.push_str("</ul>");
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_check_knows_the_export_file() {
        assert_eq!(FILE_NAME, crate::validate::targets::EXPORT_FILE);
    }

    #[test]
    fn positions_count_code_points_across_blocks() {
        let article = ParsedArticle::parse("Xi’an *forum*.\n\nThe “DSR” launched.");
        let text = article.text();
        let range = article.blocks[1].text.find("DSR").unwrap();
        let note = ExportNote {
            id: "dsr",
            kind: NoteKind::Correction,
            html: "<p>x</p>\n",
            place: Place::Quote {
                block: 1,
                range: range..range + 3,
            },
            sources: &[],
            tags: &[],
            author: None,
            date: None,
        };
        let ctx = ExportContext {
            title: "T",
            language: "en",
            source_url: None,
            page_url: None,
        };
        let v: serde_json::Value =
            serde_json::from_str(&annotation_collection(&ctx, &article, &[note])).unwrap();
        let item = &v["first"]["items"][0];
        assert_eq!(item["motivation"], "editing");
        let pos = &item["target"]["selector"][1];
        let (start, end) = (
            pos["start"].as_u64().unwrap() as usize,
            pos["end"].as_u64().unwrap() as usize,
        );
        let quoted: String = text.chars().skip(start).take(end - start).collect();
        assert_eq!(quoted, "DSR");
        assert_eq!(item["target"]["selector"][0]["prefix"], "The “");
        assert_eq!(item["target"]["selector"][0]["suffix"], "” launched.");
    }
}
