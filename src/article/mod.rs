//! The article as a reader sees it: pulldown-cmark events, and for each block
//! (paragraph, heading, list item, table cell, code block) the text it renders,
//! with a map from that text back to the events that produced it.
//!
//! Quotes are anchored against this rendered text, never against the Markdown
//! source: `*Belt* and Road` is quoted as "Belt and Road".

use std::collections::BTreeMap;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

pub mod fold;

use fold::Folded;

/// What kind of block a piece of text sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// A paragraph.
    Paragraph,
    /// A heading: quotable, but no glossary links.
    Heading,
    /// A list item.
    ListItem,
    /// A table cell.
    TableCell,
    /// A code block: quotable, but no glossary links.
    CodeBlock,
}

/// The rendered text of one block.
#[derive(Debug, Clone)]
pub struct Block {
    /// What kind of block it is, which decides what may be linked in it.
    pub kind: BlockKind,
    /// The text a reader sees: what quotes are matched against.
    pub text: String,
    /// `text` through the typographic fold, made on first use: only note quotes
    /// are matched through it, so a briefing without notes never pays for it.
    folded: std::sync::OnceLock<Folded>,
    /// The text events the block's text came from, in order.
    pub runs: Vec<Run>,
}

impl Block {
    /// `text` through the typographic fold, with a way back to `text`'s offsets.
    pub fn folded(&self) -> &Folded {
        self.folded.get_or_init(|| Folded::new(&self.text))
    }
}

/// One text event inside a block: the only places a mark or a link can be put.
#[derive(Debug, Clone)]
pub struct Run {
    /// Index into [`ParsedArticle::events`] of a `Event::Text`.
    pub event: usize,
    /// Where the run's text starts in [`Block::text`].
    pub start: usize,
    /// Length in bytes of the run's text.
    pub len: usize,
    /// The `Start(Link)` event this run sits in, if any.
    pub link: Option<usize>,
    /// May a glossary term be linked here? Not in links, headings or code.
    pub linkable: bool,
    /// Byte offset in the Markdown body where the run's source starts.
    pub source: usize,
}

impl Run {
    /// Where the run's text lies in [`Block::text`].
    pub fn range(&self) -> Range<usize> {
        self.start..self.start + self.len
    }
}

/// A `[^label]` reference written in the article itself.
#[derive(Debug, Clone)]
pub struct FootnoteRef {
    /// The label written in `[^label]`.
    pub label: String,
    /// Index into [`ParsedArticle::events`] of the reference.
    pub event: usize,
    /// The block the reference stands in.
    pub block: usize,
    /// Offset in the block's text where the reference stands.
    pub offset: usize,
}

/// A link or image destination, for the URL safety check.
#[derive(Debug, Clone)]
pub struct Destination {
    /// The destination as written.
    pub url: String,
    /// Byte offset in the Markdown where the link or image starts, to locate an error.
    pub source: usize,
    /// An image (loaded by the browser), not a link (followed by the reader).
    pub image: bool,
}

/// The article, parsed once and indexed for anchoring and rendering.
#[derive(Debug)]
pub struct ParsedArticle<'a> {
    /// The Markdown events of the text flow; footnote definitions are taken out.
    pub events: Vec<Event<'a>>,
    /// Every block that holds text, in reading order.
    pub blocks: Vec<Block>,
    /// Every `[^label]` reference, in reading order.
    pub footnote_refs: Vec<FootnoteRef>,
    /// Footnote definitions, taken out of the text flow, by label.
    pub footnote_defs: BTreeMap<String, (Vec<Event<'a>>, usize)>,
    /// For each `Start(Link)` event index, the index of its `End(Link)`.
    pub link_ends: BTreeMap<usize, usize>,
    /// Every link and image destination, footnote definitions included, for the URL check.
    pub destinations: Vec<Destination>,
    /// Whether the Markdown contains raw HTML, which must then be sanitized.
    pub has_raw_html: bool,
    /// Every event of the Markdown as pulldown-cmark gave it, with its bytes:
    /// for the checks that read how the Markdown is structured
    /// (`validate::pasted`), which would otherwise parse it a second time.
    pub parsed: Vec<(Event<'a>, Range<usize>)>,
}

/// The Markdown extensions briefings use, in the article and in notes alike.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// Which open tag collects text: a block container, or something inside one.
enum Open {
    Block(usize),
    Link(usize),
    Image,
    Other,
}

impl<'a> ParsedArticle<'a> {
    /// Parses the article's Markdown body (after the front matter) once, for every later stage.
    pub fn parse(markdown: &'a str) -> ParsedArticle<'a> {
        let mut article = ParsedArticle {
            events: Vec::new(),
            blocks: Vec::new(),
            footnote_refs: Vec::new(),
            footnote_defs: BTreeMap::new(),
            link_ends: BTreeMap::new(),
            destinations: Vec::new(),
            has_raw_html: false,
            parsed: Vec::new(),
        };
        let mut stack: Vec<Open> = Vec::new();
        let mut footnote: Option<(String, Vec<Event<'a>>, usize)> = None;

        for (event, range) in Parser::new_ext(markdown, markdown_options()).into_offset_iter() {
            article.parsed.push((event.clone(), range.clone()));
            if let Some((_, events, _)) = footnote.as_mut() {
                match event {
                    Event::End(TagEnd::FootnoteDefinition) => {
                        let (label, events, at) = footnote.take().unwrap_or_default();
                        article.footnote_defs.entry(label).or_insert((events, at));
                    }
                    Event::Html(_) | Event::InlineHtml(_) => {
                        article.has_raw_html = true;
                        events.push(event);
                    }
                    Event::Start(
                        Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. },
                    ) => {
                        article.destinations.push(Destination {
                            url: dest_url.to_string(),
                            source: range.start,
                            image: matches!(event, Event::Start(Tag::Image { .. })),
                        });
                        events.push(event);
                    }
                    _ => events.push(event),
                }
                continue;
            }
            match event {
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    footnote = Some((label.to_string(), Vec::new(), range.start));
                }
                Event::Start(tag) => article.open(tag, range.start, &mut stack),
                Event::End(end) => {
                    if let (TagEnd::Link, Some(Open::Link(start))) = (end, stack.last()) {
                        article.link_ends.insert(*start, article.events.len());
                    }
                    stack.pop();
                    article.events.push(Event::End(end));
                }
                Event::Text(text) => article.push_text(text, range.start, &stack, false),
                // Inside an image, code is alt text: plain text, no tags.
                Event::Code(code) if stack.iter().any(|o| matches!(o, Open::Image)) => {
                    article.events.push(Event::Text(code));
                }
                Event::Code(code) => {
                    article.events.push(Event::InlineHtml("<code>".into()));
                    article.push_text(code, range.start + 1, &stack, true);
                    article.events.push(Event::InlineHtml("</code>".into()));
                }
                Event::SoftBreak | Event::HardBreak => {
                    if let Some(block) = current_block(&stack) {
                        article.blocks[block].text.push('\n');
                    }
                    article.events.push(event);
                }
                Event::FootnoteReference(label) => {
                    if let Some(block) = current_block(&stack) {
                        article.footnote_refs.push(FootnoteRef {
                            label: label.to_string(),
                            event: article.events.len(),
                            block,
                            offset: article.blocks[block].text.len(),
                        });
                    }
                    article.events.push(Event::FootnoteReference(label));
                }
                Event::Html(_) | Event::InlineHtml(_) => {
                    article.has_raw_html = true;
                    article.events.push(event);
                }
                other => article.events.push(other),
            }
        }
        for block in &mut article.blocks {
            // A run merged from several text events gets its whole text, once.
            for run in &block.runs {
                if let Some(Event::Text(text)) = article.events.get_mut(run.event) {
                    if text.len() != run.len {
                        *text = block.text[run.range()].to_string().into();
                    }
                }
            }
        }
        article
    }

    fn open(&mut self, tag: Tag<'a>, source: usize, stack: &mut Vec<Open>) {
        let kind = match &tag {
            Tag::Paragraph => Some(BlockKind::Paragraph),
            Tag::Heading { .. } => Some(BlockKind::Heading),
            Tag::Item => Some(BlockKind::ListItem),
            Tag::TableCell => Some(BlockKind::TableCell),
            Tag::CodeBlock(_) => Some(BlockKind::CodeBlock),
            _ => None,
        };
        let open = if let Some(kind) = kind {
            self.blocks.push(Block {
                kind,
                text: String::new(),
                folded: std::sync::OnceLock::new(),
                runs: Vec::new(),
            });
            Open::Block(self.blocks.len() - 1)
        } else {
            match &tag {
                Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                    self.destinations.push(Destination {
                        url: dest_url.to_string(),
                        source,
                        image: matches!(tag, Tag::Image { .. }),
                    });
                    if matches!(tag, Tag::Image { .. }) {
                        Open::Image
                    } else {
                        Open::Link(self.events.len())
                    }
                }
                Tag::HtmlBlock => {
                    self.has_raw_html = true;
                    Open::Other
                }
                _ => Open::Other,
            }
        };
        stack.push(open);
        self.events.push(Event::Start(tag));
    }

    fn push_text(&mut self, text: CowStr<'a>, source: usize, stack: &[Open], code: bool) {
        let Some(block) = current_block(stack) else {
            self.events.push(Event::Text(text));
            return;
        };
        if stack.iter().any(|o| matches!(o, Open::Image)) {
            // Alt text is an attribute, not text a reader sees in the flow.
            self.events.push(Event::Text(text));
            return;
        }
        let link = stack.iter().rev().find_map(|o| match o {
            Open::Link(i) => Some(*i),
            _ => None,
        });
        let kind = self.blocks[block].kind;
        let linkable =
            link.is_none() && !code && !matches!(kind, BlockKind::Heading | BlockKind::CodeBlock);
        let b = &mut self.blocks[block];
        // pulldown-cmark splits text at escapes and entities; merge neighbours so a
        // term or quote inside one plain run is one piece.
        let next_event = self.events.len();
        if let (Some(last), Some(Event::Text(_))) = (b.runs.last_mut(), self.events.last()) {
            if last.event + 1 == next_event
                && last.link == link
                && last.linkable == linkable
                && !code
            {
                // The event's own text is set once the whole run is known
                // (end of `parse`): copying it on every merge made a long run of
                // escapes quadratic.
                last.len += text.len();
                b.text.push_str(&text);
                return;
            }
        }
        b.runs.push(Run {
            event: self.events.len(),
            start: b.text.len(),
            len: text.len(),
            link,
            linkable,
            source,
        });
        b.text.push_str(&text);
        self.events.push(Event::Text(text));
    }

    /// The article's text content: every block's text, one block per line. Positions
    /// in W3C selectors count code points of this text.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (i, block) in self.blocks.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&block.text);
        }
        out
    }

    /// The Markdown source offset of a position in a block's text.
    pub fn source_offset(&self, block: usize, offset: usize) -> Option<usize> {
        let runs = &self.blocks.get(block)?.runs;
        let i = runs.partition_point(|r| r.start <= offset).checked_sub(1)?;
        let run = &runs[i];
        Some(run.source + offset.saturating_sub(run.start).min(run.len))
    }
}

/// Every link and image destination in a piece of Markdown (a note, a
/// definition), for the link check.
pub fn destinations(markdown: &str) -> Vec<Destination> {
    // Every link or image needs a `[` (or `<` for an autolink); most notes have neither.
    if !markdown.contains(['[', '<']) {
        return Vec::new();
    }
    Parser::new_ext(markdown, markdown_options())
        .into_offset_iter()
        .filter_map(|(e, range)| match e {
            Event::Start(Tag::Link { dest_url, .. }) => Some(Destination {
                url: dest_url.to_string(),
                image: false,
                source: range.start,
            }),
            Event::Start(Tag::Image { dest_url, .. }) => Some(Destination {
                url: dest_url.to_string(),
                image: true,
                source: range.start,
            }),
            _ => None,
        })
        .collect()
}

fn current_block(stack: &[Open]) -> Option<usize> {
    stack.iter().rev().find_map(|o| match o {
        Open::Block(b) => Some(*b),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(md: &str) -> Vec<String> {
        ParsedArticle::parse(md)
            .blocks
            .iter()
            .map(|b| b.text.clone())
            .collect()
    }

    #[test]
    fn blocks_hold_rendered_text_not_markdown() {
        assert_eq!(
            texts("# Head *line*\n\nA *b* [c](http://x) `d` e\\*f &amp; g\nh\n\n- one\n- two\n\n> quoted\n"),
            vec!["Head line", "A b c d e*f & g\nh", "one", "two", "quoted"]
        );
    }

    #[test]
    fn image_alt_text_and_footnote_definitions_are_not_article_text() {
        let a = ParsedArticle::parse("A ![alt](x.png) b[^1].\n\n[^1]: The note.\n");
        assert_eq!(a.text(), "A  b.");
        assert_eq!(a.footnote_refs.len(), 1);
        assert_eq!(a.footnote_refs[0].offset, 4);
        assert!(a.footnote_defs.contains_key("1"));
    }

    #[test]
    fn runs_know_links_and_linkability() {
        let a = ParsedArticle::parse("x [in link](http://y) z\n\n## Title\n");
        let runs = &a.blocks[0].runs;
        assert_eq!(runs.len(), 3);
        assert!(runs[0].linkable && !runs[1].linkable && runs[1].link.is_some());
        assert!(!a.blocks[1].runs[0].linkable);
        let start = runs[1].link.unwrap();
        assert!(matches!(
            a.events[a.link_ends[&start]],
            Event::End(TagEnd::Link)
        ));
    }

    #[test]
    fn code_in_alt_text_stays_text() {
        let a = ParsedArticle::parse("![an `x` pic](p.png)");
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, a.events.iter().cloned());
        assert_eq!(html, "<p><img src=\"p.png\" alt=\"an x pic\" /></p>\n");
    }

    #[test]
    fn raw_html_is_noticed() {
        assert!(ParsedArticle::parse("a <b>c</b>").has_raw_html);
        assert!(!ParsedArticle::parse("a *c*").has_raw_html);
    }
}
