//! A source as a briefing page cites it, written as HTML once here instead of
//! by the template: a page cites a few dozen sources in two forms, and tera 1
//! spends a dozen look-ups (each copying the path it walks) on every one, which
//! was the largest part of rendering a page. The template still gets each
//! source's fields, for a project that writes its own citations.

use super::html::escape_into;
use super::page::{CitedSource, SourceView};

/// The short form, inside a note or glossary entry: publisher (or title) and
/// date, linked to the source's entry in the Sources section at `cite`, then
/// when it was checked and its archived copy.
pub fn short(source: &SourceView, cite: &str) -> String {
    let mut out = String::with_capacity(160);
    out.push_str("<a href=\"");
    escape_into(&mut out, cite);
    out.push_str("\">");
    escape_into(
        &mut out,
        non_empty(&source.publisher).unwrap_or(&source.title),
    );
    if let Some(date) = &source.date {
        out.push_str(", ");
        escape_into(&mut out, &date.written);
    }
    out.push_str("</a>");
    push_checked_and_archived(&mut out, source, ", ");
    out
}

/// The sources of a note or glossary entry as the paragraph below its text:
/// "Source:" or "Sources:", then each one's `citation_html`; empty without
/// sources.
pub fn paragraph(sources: &[SourceView]) -> String {
    if sources.is_empty() {
        return String::new();
    }
    let mut out = String::from(if sources.len() == 1 {
        "<p class=\"src\">Source: "
    } else {
        "<p class=\"src\">Sources: "
    });
    for (i, source) in sources.iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        out.push_str(source.citation_html.as_deref().unwrap_or_default());
    }
    out.push_str("</p>\n");
    out
}

/// The full form, in the Sources section: title (linked to the source), date or
/// "undated", when it was checked, its archived copy, then the notes and terms
/// citing it.
pub fn entry(cited: &CitedSource) -> String {
    let source = &cited.source;
    let mut out = String::with_capacity(240);
    match non_empty(&source.url) {
        Some(url) => {
            out.push_str("<a href=\"");
            escape_into(&mut out, url);
            out.push_str("\">");
            escape_into(&mut out, &source.title);
            out.push_str("</a>");
        }
        None => escape_into(&mut out, &source.title),
    }
    match &source.date {
        Some(date) => {
            out.push_str(", ");
            escape_into(&mut out, &date.written);
        }
        None => out.push_str(", undated"),
    }
    push_checked_and_archived(&mut out, source, "; ");
    out.push_str(" · ");
    for (i, link) in cited.cited_by.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str("<a href=\"");
        escape_into(&mut out, &link.href);
        out.push_str("\">");
        escape_into(&mut out, &link.label);
        out.push_str("</a>");
    }
    out
}

/// When the source was checked, and its archived copy after `separator`:
/// the same in both forms.
fn push_checked_and_archived(out: &mut String, source: &SourceView, separator: &str) {
    if let Some(accessed) = &source.accessed {
        out.push_str(" (checked ");
        escape_into(out, &accessed.written);
        out.push(')');
    }
    if let Some(archived) = non_empty(&source.archived) {
        out.push_str(separator);
        out.push_str("<a href=\"");
        escape_into(out, archived);
        out.push_str("\">archived copy</a>");
    }
}

/// A text a template would test with `{% if %}`: empty is as good as absent.
fn non_empty(text: &Option<String>) -> Option<&str> {
    text.as_deref().filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::page::{DateView, LinkView};

    fn source() -> SourceView {
        SourceView {
            title: "Rules <draft>".into(),
            publisher: Some("Smith & Co".into()),
            date: Some(DateView {
                written: "3 May 2024".into(),
                iso: "2024-05-03".into(),
            }),
            url: Some("https://example.org/a?b=1&c=2".into()),
            accessed: None,
            archived: Some("https://archive.example.org/x".into()),
            cite: None,
            citation_html: None,
        }
    }

    #[test]
    fn the_short_form_names_the_publisher_and_escapes_every_field() {
        assert_eq!(
            short(&source(), "#src-1"),
            "<a href=\"#src-1\">Smith &amp; Co, 3 May 2024</a>, \
             <a href=\"https://archive.example.org/x\">archived copy</a>"
        );
        let untitled = SourceView {
            publisher: Some(String::new()),
            date: None,
            archived: None,
            ..source()
        };
        assert_eq!(
            short(&untitled, "#src-2"),
            "<a href=\"#src-2\">Rules &lt;draft&gt;</a>"
        );
    }

    #[test]
    fn the_paragraph_says_source_or_sources_and_joins_the_short_forms() {
        assert_eq!(paragraph(&[]), "");
        let cited = |html: &str| SourceView {
            citation_html: Some(html.into()),
            ..source()
        };
        assert_eq!(
            paragraph(&[cited("<a>A</a>")]),
            "<p class=\"src\">Source: <a>A</a></p>\n"
        );
        assert_eq!(
            paragraph(&[cited("<a>A</a>"), cited("<a>B</a>")]),
            "<p class=\"src\">Sources: <a>A</a>; <a>B</a></p>\n"
        );
    }

    #[test]
    fn the_full_form_links_the_title_and_lists_who_cites_it() {
        let cited = CitedSource {
            id: "src-1".into(),
            source: SourceView {
                date: None,
                ..source()
            },
            cited_by: vec![
                LinkView {
                    href: "#note-a".into(),
                    label: "note 1".into(),
                },
                LinkView {
                    href: "#term-b".into(),
                    label: "B \"quoted\"".into(),
                },
            ],
            entry_html: String::new(),
        };
        assert_eq!(
            entry(&cited),
            "<a href=\"https://example.org/a?b=1&amp;c=2\">Rules &lt;draft&gt;</a>, undated; \
             <a href=\"https://archive.example.org/x\">archived copy</a> · \
             <a href=\"#note-a\">note 1</a>, <a href=\"#term-b\">B &quot;quoted&quot;</a>"
        );
    }
}
