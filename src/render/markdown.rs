//! Stage three, inside the text: the article's events with every anchored note
//! marked and referenced, and each glossary term linked at its first use, turned
//! into HTML. Also renders the Markdown of notes and definitions.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::html::{escape, finish_own, own_marker, sanitize};
use crate::anchor::{NoteBody, NotePlace, PlacedNote};
use crate::article::{markdown_options, BlockKind, ParsedArticle};
use crate::validate::links::LinkProblem;

/// A note anchored in the text: its phrase is marked and followed by its number.
#[derive(Debug, Clone)]
pub struct NoteMark<'a> {
    /// The note's id, for the `#note-…` link.
    pub id: &'a str,
    /// The note's number on the page.
    pub number: usize,
    /// The block of the marked phrase.
    pub block: usize,
    /// Byte range of the marked phrase in the block's text.
    pub range: Range<usize>,
}

/// A note referenced by a `[^label]` written in the article.
#[derive(Debug, Clone)]
pub struct FootnoteMark<'a> {
    /// The note's id, for the `#note-…` link.
    pub id: &'a str,
    /// The note's number on the page.
    pub number: usize,
    /// Index into the article's events of the `[^label]` reference.
    pub event: usize,
    /// The id of this reference, target of its back-link.
    pub ref_id: String,
}

/// The first use of a glossary term, in the article or in one note.
#[derive(Debug, Clone)]
pub struct TermMark<'a> {
    /// The term's id, for the `#term-…` link.
    pub id: &'a str,
    /// The id of the note the use is in; `None` in the article.
    pub note: Option<&'a str>,
    /// The block of the linked words.
    pub block: usize,
    /// Byte range of the linked words in the block's text.
    pub range: Range<usize>,
}

/// The reference link that follows a marked phrase.
pub fn noteref_html(note_id: &str, ref_id: &str, number: usize) -> String {
    format!(
        "<a role=\"{o}doc-noteref\" id=\"{o}{r}\" href=\"#note-{n}\" aria-label=\"Note {number}\">{number}</a>",
        o = own_marker(),
        r = escape(ref_id),
        n = escape(note_id),
    )
}

/// The id of a term's linked use, target of the glossary's back-link: `use-bri`
/// in the article, `use-bri_dsr` in the note `dsr`. Ids have no `_`, so no two
/// uses share one.
pub fn term_use_id(term: &str, note: Option<&str>) -> String {
    match note {
        Some(note) => format!("use-{term}_{note}"),
        None => format!("use-{term}"),
    }
}

/// What the renderer marks in the text, from the numbered notes.
pub fn marks<'n>(notes: &'n [PlacedNote]) -> (Vec<NoteMark<'n>>, Vec<FootnoteMark<'n>>) {
    let mut quotes = Vec::new();
    let mut footnotes = Vec::new();
    for (i, p) in notes.iter().enumerate() {
        let number = i + 1;
        match &p.place {
            NotePlace::Quote(a) => quotes.push(NoteMark {
                id: &p.id,
                number,
                block: a.block,
                range: a.range.clone(),
            }),
            NotePlace::Footnote { events, .. } => {
                footnotes.extend(events.iter().enumerate().map(|(k, &event)| FootnoteMark {
                    id: &p.id,
                    number,
                    event,
                    ref_id: ref_id(&p.id, k),
                }))
            }
        }
    }
    (quotes, footnotes)
}

/// Where quotes start and end: a glossary link may not straddle one.
pub fn quote_boundaries(marks: &[NoteMark]) -> Vec<(usize, usize)> {
    marks
        .iter()
        .flat_map(|m| [(m.block, m.range.start), (m.block, m.range.end)])
        .collect()
}

/// The id of a note's `k`th marker in the text, which its back-links point to.
pub fn ref_id(note_id: &str, k: usize) -> String {
    if k == 0 {
        format!("ref-{note_id}")
    } else {
        format!("ref-{note_id}-{}", k + 1)
    }
}

/// A placed note's text as HTML; `raw_html` says whether the article (whose
/// footnote definitions are already parsed) needs the sanitizer.
pub fn note_html(note: &PlacedNote, raw_html: bool) -> String {
    match note.body {
        NoteBody::Markdown(markdown) => render_markdown(markdown),
        NoteBody::Footnote(events) => render_events(events, raw_html),
    }
}

/// Renders the article body with notes marked and terms linked.
pub fn render_article(
    article: &ParsedArticle,
    notes: &[NoteMark],
    footnotes: &[FootnoteMark],
    terms: &[TermMark],
) -> String {
    finish(
        marked_events(article, notes, footnotes, terms, true),
        article.has_raw_html,
    )
}

/// A note's Markdown, parsed as the article is, with the terms it uses linked.
/// Without terms it is what [`render_markdown`] makes of the same Markdown:
/// footnote syntax shown as written, a definition kept (at the end).
pub fn render_note_with_terms(note: &ParsedArticle, terms: &[TermMark]) -> String {
    // A note's paragraphs carry no `p-N` ids: those name the article's blocks.
    let mut events: Vec<Event> = marked_events(note, &[], &[], terms, false)
        .into_iter()
        .map(footnote_reference_as_text)
        .collect();
    let mut definitions: Vec<_> = note.footnote_defs.iter().collect();
    definitions.sort_by_key(|(_, (_, at))| *at);
    for (label, (body, _)) in definitions {
        events.push(Event::Start(Tag::FootnoteDefinition(label.clone().into())));
        events.extend(body.iter().cloned().map(footnote_reference_as_text));
        events.push(Event::End(TagEnd::FootnoteDefinition));
    }
    finish(events, note.has_raw_html)
}

fn footnote_reference_as_text(event: Event) -> Event {
    match event {
        Event::FootnoteReference(label) => Event::Text(format!("[^{label}]").into()),
        e => e,
    }
}

/// The article's events with the marks of notes and terms put in, and with
/// each block's `p-N` id when `block_ids` is set.
fn marked_events<'e>(
    article: &ParsedArticle<'e>,
    notes: &[NoteMark],
    footnotes: &[FootnoteMark],
    terms: &[TermMark],
    block_ids: bool,
) -> Vec<Event<'e>> {
    let mut replace: HashMap<usize, Vec<Event>> = HashMap::new();
    let mut after: HashMap<usize, Vec<Event>> = HashMap::new();

    let mut notes_by_block: BTreeMap<usize, Vec<&NoteMark>> = BTreeMap::new();
    for n in notes {
        notes_by_block.entry(n.block).or_default().push(n);
    }
    let mut terms_by_block: BTreeMap<usize, Vec<&TermMark>> = BTreeMap::new();
    for t in terms {
        terms_by_block.entry(t.block).or_default().push(t);
    }
    let blocks: std::collections::BTreeSet<usize> = notes_by_block
        .keys()
        .chain(terms_by_block.keys())
        .copied()
        .collect();
    for b in blocks {
        let block_notes = notes_by_block
            .get(&b)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let block_terms = terms_by_block
            .get(&b)
            .map(Vec::as_slice)
            .unwrap_or_default();
        mark_block(
            article,
            b,
            block_notes,
            block_terms,
            &mut replace,
            &mut after,
        );
    }
    for f in footnotes {
        replace.insert(
            f.event,
            vec![Event::InlineHtml(
                noteref_html(f.id, &f.ref_id, f.number).into(),
            )],
        );
    }

    let mut events = Vec::with_capacity(article.events.len() + replace.len() * 4);
    let mut block = 0;
    for (i, event) in article.events.iter().enumerate() {
        match replace.remove(&i) {
            Some(r) => events.extend(r),
            None if block_ids => events.push(with_block_anchor(event, &mut block)),
            None => events.push(event.clone()),
        }
        if let Some(a) = after.remove(&i) {
            events.extend(a);
        }
    }
    events
}

/// The id a block's element carries, so that search results can link to the
/// very paragraph: `p-` and the block's number. Table cells and code blocks
/// have none; [`block_anchor`] gives them the nearest one before them.
pub fn own_anchor(kind: BlockKind, block: usize) -> Option<String> {
    matches!(
        kind,
        BlockKind::Paragraph | BlockKind::Heading | BlockKind::ListItem
    )
    .then(|| format!("p-{}", block + 1))
}

/// The anchor a link to block `b` of the article should use.
pub fn block_anchor(article: &ParsedArticle, b: usize) -> Option<String> {
    (0..=b)
        .rev()
        .find_map(|k| own_anchor(article.blocks.get(k)?.kind, k))
}

/// Gives a paragraph, heading or list item its anchor. `block` counts the block
/// openings seen so far, in the order [`ParsedArticle::parse`] numbered them.
fn with_block_anchor<'e>(event: &Event<'e>, block: &mut usize) -> Event<'e> {
    let kind = match event {
        Event::Start(Tag::Paragraph) => BlockKind::Paragraph,
        Event::Start(Tag::Heading { .. }) => BlockKind::Heading,
        Event::Start(Tag::Item) => BlockKind::ListItem,
        Event::Start(Tag::TableCell) => BlockKind::TableCell,
        Event::Start(Tag::CodeBlock(_)) => BlockKind::CodeBlock,
        _ => return event.clone(),
    };
    let b = *block;
    *block += 1;
    let Some(id) = own_anchor(kind, b) else {
        return event.clone();
    };
    match event {
        Event::Start(Tag::Heading {
            level,
            id: None,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: *level,
            id: Some(id.into()),
            classes: classes.clone(),
            attrs: attrs.clone(),
        }),
        Event::Start(Tag::Paragraph) => Event::Html(format!("<p id=\"{id}\">").into()),
        Event::Start(Tag::Item) => Event::Html(format!("<li id=\"{id}\">").into()),
        other => other.clone(),
    }
}

/// The text a reader sees of some Markdown events, for search and snippets.
pub fn plain_text<'e>(events: impl IntoIterator<Item = Event<'e>>) -> String {
    let mut out = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => out.push(' '),
            _ => {}
        }
    }
    out.trim_end().to_string()
}

/// [`plain_text`] of a note or definition written in Markdown.
pub fn markdown_text(markdown: &str) -> String {
    plain_text(Parser::new_ext(markdown, markdown_options()))
}

/// Rewrites the text runs of one block: each run is cut wherever a note or term
/// starts or ends, and each piece is wrapped in the marks of the notes covering
/// it. A sweep over the block keeps this linear in notes and runs, so an article
/// with ten thousand notes renders as fast as one with ten.
fn mark_block<'e>(
    article: &ParsedArticle,
    b: usize,
    notes: &[&NoteMark],
    terms: &[&TermMark],
    replace: &mut HashMap<usize, Vec<Event<'e>>>,
    after: &mut HashMap<usize, Vec<Event<'e>>>,
) {
    let block = &article.blocks[b];
    let mut by_start: Vec<&NoteMark> = notes.to_vec();
    by_start.sort_by_key(|n| n.range.start);
    let mut by_end: Vec<&NoteMark> = notes.to_vec();
    by_end.sort_by_key(|n| (n.range.end, n.number));
    let mut cuts: Vec<usize> = notes
        .iter()
        .flat_map(|n| [n.range.start, n.range.end])
        .chain(terms.iter().flat_map(|t| [t.range.start, t.range.end]))
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let term_at: HashMap<usize, &TermMark> = terms.iter().map(|t| (t.range.start, *t)).collect();

    let mut active: BTreeMap<usize, &NoteMark> = BTreeMap::new();
    let (mut next_start, mut next_end) = (0, 0);
    for run in &block.runs {
        let span = run.range();
        let inner = &cuts
            [cuts.partition_point(|&c| c <= span.start)..cuts.partition_point(|&c| c < span.end)];
        let touched = !inner.is_empty()
            || term_at.contains_key(&span.start)
            || !active.is_empty()
            || by_start
                .get(next_start)
                .is_some_and(|n| n.range.start <= span.start);
        if !touched {
            continue;
        }
        let points: Vec<usize> = std::iter::once(span.start)
            .chain(inner.iter().copied())
            .chain(std::iter::once(span.end))
            .collect();
        let mut out = Vec::new();
        for w in points.windows(2) {
            let (p, q) = (w[0], w[1]);
            while let Some(n) = by_start.get(next_start).filter(|n| n.range.start <= p) {
                active.insert(n.number, n);
                next_start += 1;
            }
            for n in active.values() {
                out.push(Event::InlineHtml(
                    format!("<mark data-note=\"{}{}\">", own_marker(), escape(n.id)).into(),
                ));
            }
            let text = block.text[p..q].to_string();
            match term_at.get(&p).filter(|t| t.range.end == q) {
                Some(t) => {
                    out.push(Event::InlineHtml(
                        format!(
                            "<a role=\"{o}doc-glossref\" href=\"#term-{id}\" id=\"{o}{use_id}\">",
                            o = own_marker(),
                            id = escape(t.id),
                            use_id = escape(&term_use_id(t.id, t.note)),
                        )
                        .into(),
                    ));
                    out.push(Event::Text(text.into()));
                    out.push(Event::InlineHtml("</a>".into()));
                }
                None => out.push(Event::Text(text.into())),
            }
            for _ in 0..active.len() {
                out.push(Event::InlineHtml("</mark>".into()));
            }
            while let Some(n) = by_end.get(next_end).filter(|n| n.range.end <= q) {
                next_end += 1;
                active.remove(&n.number);
                let html = Event::InlineHtml(
                    noteref_html(n.id, &format!("ref-{}", n.id), n.number).into(),
                );
                // Never an <a> inside an <a>: a phrase ending inside a link gets its
                // reference after the link.
                match run.link.and_then(|start| article.link_ends.get(&start)) {
                    Some(end) => after.entry(*end).or_default().push(html),
                    None => out.push(html),
                }
            }
        }
        replace.insert(run.event, out);
    }
}

/// Renders a note, a definition or a summary point written in Markdown.
/// Footnote syntax is not meaningful inside a note and is shown as written.
pub fn render_markdown(markdown: &str) -> String {
    let mut raw = false;
    let events: Vec<Event> = Parser::new_ext(markdown, markdown_options())
        .map(|e| match footnote_reference_as_text(e) {
            e @ (Event::Html(_) | Event::InlineHtml(_)) => {
                raw = true;
                e
            }
            e => e,
        })
        .collect();
    finish(events, raw)
}

/// Like [`render_markdown`], for one line without the enclosing paragraph.
pub fn render_inline(markdown: &str) -> String {
    let html = render_markdown(markdown);
    let trimmed = html.trim_end();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => html,
    }
}

/// Renders the events of a footnote definition taken out of the article.
pub fn render_events(events: &[Event], raw: bool) -> String {
    let events = events.iter().cloned().map(footnote_reference_as_text);
    finish(events.collect(), raw)
}

/// Drops links and images that break the link policy ([`LinkProblem`]): a bad
/// link keeps its text, a bad image its alt text. The build reports each one as
/// an error; this makes sure none reaches a page whatever the caller checked.
fn enforce_link_policy<'e>(events: Vec<Event<'e>>) -> impl Iterator<Item = Event<'e>> {
    let mut dropped_ends = Vec::new();
    events.into_iter().filter(move |e| match e {
        Event::Start(Tag::Link { dest_url, .. }) => {
            let bad = LinkProblem::of(dest_url, false).is_some();
            dropped_ends.push(bad);
            !bad
        }
        Event::Start(Tag::Image { dest_url, .. }) => {
            let bad = LinkProblem::of(dest_url, true).is_some();
            dropped_ends.push(bad);
            !bad
        }
        Event::End(TagEnd::Link | TagEnd::Image) => !dropped_ends.pop().unwrap_or(false),
        _ => true,
    })
}

fn finish(events: Vec<Event>, raw_html: bool) -> String {
    // Room for the text and a tag per event: the page is not copied as it grows.
    let text: usize = events
        .iter()
        .map(|e| match e {
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) | Event::Code(t) => t.len(),
            _ => 8,
        })
        .sum();
    let mut html = String::with_capacity(text + text / 8);
    pulldown_cmark::html::push_html(&mut html, enforce_link_policy(events));
    if raw_html {
        sanitize(&html)
    } else {
        finish_own(html)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anchor::{anchor, QuoteSelector};

    fn mark<'a>(article: &ParsedArticle, id: &'a str, number: usize, quote: &str) -> NoteMark<'a> {
        let q = QuoteSelector {
            exact: quote,
            prefix: None,
            suffix: None,
            occurrence: None,
        };
        let a = anchor(article, &q).unwrap();
        NoteMark {
            id,
            number,
            block: a.block,
            range: a.range,
        }
    }

    #[test]
    fn marks_each_text_run_and_adds_the_reference() {
        let a = ParsedArticle::parse("China *launched the* DSR.");
        let n = mark(&a, "dsr", 1, "launched the DSR");
        let html = render_article(&a, &[n], &[], &[]);
        assert_eq!(
            html,
            "<p id=\"p-1\">China <em><mark data-note=\"dsr\">launched the</mark></em><mark data-note=\"dsr\"> DSR</mark><a role=\"doc-noteref\" id=\"ref-dsr\" href=\"#note-dsr\" aria-label=\"Note 1\">1</a>.</p>\n"
        );
    }

    #[test]
    fn a_reference_never_lands_inside_a_link() {
        let a = ParsedArticle::parse("See [the forum site](https://x.org) now.");
        let n = mark(&a, "f", 1, "the forum");
        let html = render_article(&a, &[n], &[], &[]);
        assert!(html.contains("</a><a role=\"doc-noteref\""), "{html}");
        assert_eq!(html.matches("<a ").count(), 2);
    }

    #[test]
    fn overlapping_notes_nest_cleanly() {
        let a = ParsedArticle::parse("one two three four");
        let n1 = mark(&a, "a", 1, "one two three");
        let n2 = mark(&a, "b", 2, "two three four");
        let html = render_article(&a, &[n1, n2], &[], &[]);
        assert!(
            html.contains("<mark data-note=\"a\"><mark data-note=\"b\">two three</mark></mark>"),
            "{html}"
        );
        assert_eq!(
            html.matches("<mark").count(),
            html.matches("</mark>").count()
        );
    }

    #[test]
    fn terms_are_linked_inside_marks() {
        let a = ParsedArticle::parse("the BRI plan");
        let t = TermMark {
            id: "bri",
            note: None,
            block: 0,
            range: 4..7,
        };
        let n = mark(&a, "x", 1, "the BRI plan");
        let html = render_article(&a, &[n], &[], &[t]);
        assert!(html.contains("<mark data-note=\"x\"><a role=\"doc-glossref\" href=\"#term-bri\" id=\"use-bri\">BRI</a></mark>"), "{html}");
    }

    #[test]
    fn a_note_parsed_like_the_article_renders_as_plain_markdown_does() {
        for md in [
            "The *BRI* & `code` <b>raw</b> [link](https://x.org) ![a `c`](p.png)",
            "- one\n- two\n\n| a | b |\n|---|---|\n| c | d |\n\n## Head\n\n    code",
            "A reference[^x] here.\n\n[^x]: Its definition with [^x].",
            "Escapes \\* and &amp; entities, a hard  \nbreak, ~~struck~~.",
        ] {
            assert_eq!(
                render_note_with_terms(&ParsedArticle::parse(md), &[]),
                render_markdown(md),
                "{md}"
            );
        }
    }

    #[test]
    fn a_term_in_a_note_is_linked_with_an_id_of_its_own() {
        let note = ParsedArticle::parse("Part of the *BRI* plan.");
        let t = TermMark {
            id: "bri",
            note: Some("dsr"),
            block: 0,
            range: 12..15,
        };
        assert_eq!(
            render_note_with_terms(&note, &[t]),
            "<p>Part of the <em><a role=\"doc-glossref\" href=\"#term-bri\" id=\"use-bri_dsr\">BRI</a></em> plan.</p>\n"
        );
    }

    #[test]
    fn a_term_that_is_a_whole_text_run_is_linked() {
        let a = ParsedArticle::parse("The *BRI* plan.");
        let t = TermMark {
            id: "bri",
            note: None,
            block: 0,
            range: 4..7,
        };
        assert!(render_article(&a, &[], &[], &[t]).contains(
            "<em><a role=\"doc-glossref\" href=\"#term-bri\" id=\"use-bri\">BRI</a></em>"
        ));
    }

    #[test]
    fn unsafe_links_and_network_images_never_reach_the_page() {
        let html = render_markdown(
            "[click](javascript:alert(1)) ![pic](https://x.org/p.png) [ok](https://x.org)",
        );
        assert_eq!(html, "<p>click pic <a href=\"https://x.org\">ok</a></p>\n");
        let a = ParsedArticle::parse("See [this](javascript:x).");
        assert_eq!(
            render_article(&a, &[], &[], &[]),
            "<p id=\"p-1\">See this.</p>\n"
        );
    }

    #[test]
    fn raw_html_is_sanitized_and_text_escaped() {
        let html = render_markdown("a <script>alert(1)</script> <b onclick=\"x()\">b</b> & <");
        assert!(
            !html.contains("script") && !html.contains("onclick"),
            "{html}"
        );
        let html = render_markdown("{{ x }} {% if %} 1 < 2");
        assert_eq!(html, "<p>{{ x }} {% if %} 1 &lt; 2</p>\n");
    }

    #[test]
    fn paragraphs_headings_and_list_items_get_anchors_that_cells_and_code_borrow() {
        let a = ParsedArticle::parse(
            "# Head\n\nText.\n\n- one\n\n| a |\n|---|\n| b |\n\n```\ncode\n```\n",
        );
        let html = render_article(&a, &[], &[], &[]);
        for id in ["p-1", "p-2", "p-3"] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id} in {html}");
        }
        assert_eq!(html.matches(" id=").count(), 3, "{html}");
        let last = a.blocks.len() - 1;
        assert_eq!(a.blocks[last].kind, BlockKind::CodeBlock);
        assert_eq!(block_anchor(&a, last).as_deref(), Some("p-3"));
    }
}
