//! The library around the briefings: what a reader needs once a site has many of
//! them. Each briefing gets a timeline of the events its notes state and a list of
//! its sources grouped by publisher; the site gets topic pages, a merged timeline,
//! an A–Z glossary and an offline search page ([`search`]).
//!
//! Each briefing is boiled down to a [`Digest`] while it is built, so that the
//! site pages are put together from digests alone, also after a `serve` rebuild
//! of a single briefing.

pub mod pages;
pub mod search;

use std::collections::BTreeMap;
use std::ops::Range;

use crate::anchor::terms::TermUse;
use crate::anchor::{NoteBody, NotePlace, PlacedNote};
use crate::article::ParsedArticle;
use crate::load::model::{Date, EventSpec, NoteKind, SourceRef, TermSpec, TopicSpec};
use crate::load::yaml::{plain_list, Plain};
use crate::load::LoadedBriefing;
use crate::render::citation;
use crate::render::markdown::{block_anchor, markdown_text, plain_text};
use crate::render::page::{
    BriefingView, CitedSource, DateView, EventView, LinkView, PhraseInContext, PublisherSources,
    SourceView, TopicNoteView, TopicView,
};
use crate::render::views::alphabetical_key;

/// How much article text a topic page shows on each side of a note's phrase.
const CONTEXT_CHARS: usize = 70;

/// The phrase at `range` of block `block`, cut at word boundaries.
pub fn phrase_in_context(
    article: &ParsedArticle,
    block: usize,
    range: Range<usize>,
) -> PhraseInContext {
    let text = &article.blocks[block].text;
    let before = &text[..range.start];
    let after = &text[range.end..];
    let before = match before.char_indices().rev().nth(CONTEXT_CHARS) {
        Some((cut, _)) => {
            let word = before[cut..].find(' ').map_or(cut, |s| cut + s + 1);
            format!("…{}", &before[word..])
        }
        None => before.to_string(),
    };
    let after = match after.char_indices().nth(CONTEXT_CHARS) {
        Some((cut, _)) => {
            let word = after[..cut].rfind(' ').unwrap_or(cut);
            format!("{}…", &after[..word])
        }
        None => after.to_string(),
    };
    PhraseInContext {
        before: one_line(&before),
        phrase: one_line(&text[range]),
        after: one_line(&after),
    }
}

fn one_line(text: &str) -> String {
    text.replace('\n', " ")
}

/// What one note gives the site's pages.
#[derive(Debug, Clone)]
pub struct NoteDigest {
    pub id: String,
    pub number: usize,
    pub kind: NoteKind,
    /// `None` for a footnote written in the article: it has no phrase.
    pub phrase: Option<PhraseInContext>,
    pub topics: Vec<String>,
    pub events: Vec<EventSpec>,
}

/// What one briefing gives the site's topic, timeline and search pages.
#[derive(Debug, Clone)]
pub struct Digest {
    pub slug: String,
    pub title: String,
    pub date: Option<Date>,
    pub topics: Vec<String>,
    pub notes: Vec<NoteDigest>,
    /// Its summary, article blocks and notes as search index entries.
    pub search: search::Entries,
}

impl Digest {
    /// The text of the briefing's search entries (summary, the article's
    /// blocks, the notes): where a glossary form may appear (`serve` and the
    /// build cache ask after a glossary edit).
    pub fn texts(&self) -> impl Iterator<Item = String> + '_ {
        self.search.texts()
    }

    /// The article's blocks, each with its paragraph anchor (blocks before the
    /// first anchor link to the top of the article).
    fn blocks_of(article: &ParsedArticle) -> Vec<(String, String)> {
        article
            .blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| !b.text.trim().is_empty())
            .map(|(i, b)| {
                (
                    block_anchor(article, i).unwrap_or_else(|| "article-heading".to_string()),
                    one_line(&b.text),
                )
            })
            .collect()
    }
}

/// What the site's library pages keep of a briefing.
pub fn digest(src: &LoadedBriefing, article: &ParsedArticle, notes: &[PlacedNote]) -> Digest {
    let digests: Vec<NoteDigest> = notes
        .iter()
        .enumerate()
        .map(|(i, p)| NoteDigest {
            id: p.id.clone(),
            number: i + 1,
            kind: p.kind,
            phrase: match &p.place {
                NotePlace::Quote(a) => Some(phrase_in_context(article, a.block, a.range.clone())),
                NotePlace::Footnote { .. } => None,
            },
            topics: p
                .origin
                .map(|o| plain_list(&o.spec.topics))
                .unwrap_or_default(),
            events: p.origin.map(|o| o.spec.events.clone()).unwrap_or_default(),
        })
        .collect();
    let texts: Vec<String> = notes
        .iter()
        .map(|p| match &p.body {
            NoteBody::Markdown(md) => markdown_text(md),
            NoteBody::Footnote(events) => plain_text(events.iter().cloned()),
        })
        .collect();
    let search = search::Entries::of(
        src.front.summary.plain().map(String::as_str),
        &Digest::blocks_of(article),
        digests.iter().zip(texts.iter().map(String::as_str)),
    );
    Digest {
        slug: src.slug.clone(),
        title: src.front.title.to_string(),
        date: src.front.date.plain().copied(),
        topics: plain_list(&src.front.topics),
        notes: digests,
        search,
    }
}

/// The page's Sources section: what its notes and its glossary terms cite.
pub fn page_sources(
    notes: &[PlacedNote],
    terms: &[TermSpec],
    uses: &[TermUse],
) -> Vec<PublisherSources> {
    let mut citing: Vec<Citing> = notes
        .iter()
        .enumerate()
        .map(|(i, p)| Citing {
            href: format!("#note-{}", p.id),
            label: format!("note {}", i + 1),
            sources: p.sources,
        })
        .collect();
    let mut used: Vec<usize> = uses.iter().map(|u| u.term).collect();
    used.sort_by_key(|&t| alphabetical_key(&terms[t]));
    citing.extend(used.iter().map(|&t| Citing {
        href: format!("#term-{}", terms[t].id),
        label: terms[t].term.to_string(),
        sources: &terms[t].sources,
    }));
    sources_by_publisher(&citing)
}

/// The events a briefing's notes state, oldest first; `href_prefix` is put
/// before `#note-…` (empty on the briefing's page).
pub fn timeline(
    digest: &Digest,
    href_prefix: &str,
    briefing: Option<&LinkView>,
) -> Vec<(Date, EventView)> {
    let mut events: Vec<(Date, EventView)> = digest
        .notes
        .iter()
        .flat_map(|n| {
            n.events.iter().map(move |e| {
                (
                    *e.date,
                    EventView {
                        date: DateView::from(&*e.date),
                        label: e.label.to_string(),
                        href: format!("{href_prefix}#note-{}", n.id),
                        note: format!("note {}", n.number),
                        briefing: briefing.cloned(),
                    },
                )
            })
        })
        .collect();
    // Stable: events of one date stay in note order.
    events.sort_by_key(|(d, _)| *d);
    events
}

/// What cites sources on a briefing page: a note or a glossary term.
pub struct Citing<'a> {
    pub href: String,
    pub label: String,
    pub sources: &'a [SourceRef],
}

/// Every source the page's notes and terms cite, de-duplicated (by URL, else by
/// title and publisher), grouped by publisher in alphabetical order; entries are
/// numbered `src-1`, `src-2`… in the order they are listed.
pub fn sources_by_publisher(citing: &[Citing]) -> Vec<PublisherSources> {
    let mut groups: BTreeMap<(bool, String), PublisherSources> = BTreeMap::new();
    for c in citing {
        for s in c.sources {
            let source = SourceView::from(s);
            let group = groups
                .entry(group_key(source.publisher.as_deref()))
                .or_insert_with(|| PublisherSources {
                    publisher: source.publisher.clone(),
                    sources: Vec::new(),
                });
            let link = LinkView {
                href: c.href.clone(),
                label: c.label.clone(),
            };
            match group
                .sources
                .iter_mut()
                .find(|o| same_source(&o.source, &source))
            {
                Some(o) => {
                    if !o.cited_by.iter().any(|l| l.href == link.href) {
                        o.cited_by.push(link);
                    }
                }
                None => group.sources.push(CitedSource {
                    id: String::new(),
                    source,
                    cited_by: vec![link],
                    entry_html: String::new(),
                }),
            }
        }
    }
    let mut groups: Vec<PublisherSources> = groups.into_values().collect();
    for (n, s) in groups
        .iter_mut()
        .flat_map(|g| g.sources.iter_mut())
        .enumerate()
    {
        s.id = format!("src-{}", n + 1);
        s.entry_html = citation::entry(s);
    }
    groups
}

/// Points every source a note or term of the page cites at its full entry in the
/// page's Sources section, so that the note can cite it in short, and writes
/// each note's and term's citations.
pub fn link_citations(view: &mut BriefingView) {
    let groups: Vec<((bool, String), &PublisherSources)> = view
        .sources_by_publisher
        .iter()
        .map(|g| (group_key(g.publisher.as_deref()), g))
        .collect();
    let entry_of = |s: &SourceView| {
        let key = group_key(s.publisher.as_deref());
        groups
            .iter()
            .filter(|(k, _)| *k == key)
            .flat_map(|(_, g)| &g.sources)
            .find(|o| same_source(&o.source, s))
            .map(|o| format!("#{}", o.id))
    };
    let cite = |sources: &mut [SourceView]| {
        for s in sources.iter_mut() {
            s.cite = entry_of(s);
            s.citation_html = Some(citation::short(s, s.cite.as_deref().unwrap_or_default()));
        }
        citation::paragraph(sources)
    };
    for n in &mut view.notes {
        n.sources_html = cite(&mut n.sources);
    }
    for t in &mut view.terms {
        t.sources_html = cite(&mut t.sources);
    }
}

/// Sources are one when they have the same URL, or, without one, the same title.
fn same_source(a: &SourceView, b: &SourceView) -> bool {
    match (&a.url, &b.url) {
        (Some(x), Some(y)) => x == y,
        _ => a.title == b.title,
    }
}

/// Sources naming no publisher come last; the others by name, whatever its case.
fn group_key(publisher: Option<&str>) -> (bool, String) {
    (
        publisher.is_none(),
        publisher.unwrap_or_default().to_lowercase(),
    )
}

/// The site's topics and what is filed under each, from every briefing's digest.
/// Digests come newest briefing first, so each topic page lists them that way.
pub fn topic_pages(
    topics: &[TopicSpec],
    digests: &[&Digest],
) -> Vec<(TopicView, Vec<LinkView>, Vec<TopicNoteView>)> {
    topics
        .iter()
        .map(|t| {
            let briefings: Vec<LinkView> = digests
                .iter()
                .filter(|d| d.topics.iter().any(|x| x == t.id.as_str()))
                .map(|d| LinkView {
                    href: format!("../../{}/index.html", d.slug),
                    label: d.title.clone(),
                })
                .collect();
            let notes: Vec<TopicNoteView> = digests
                .iter()
                .flat_map(|d| {
                    d.notes
                        .iter()
                        .filter(|n| n.topics.iter().any(|x| x == t.id.as_str()))
                        .map(move |n| TopicNoteView {
                            briefing: LinkView {
                                href: format!("../../{}/index.html", d.slug),
                                label: d.title.clone(),
                            },
                            href: format!("../../{}/index.html#note-{}", d.slug, n.id),
                            number: n.number,
                            kind: n.kind.name(),
                            kind_label: n.kind.label(),
                            date: d.date.as_ref().map(DateView::from),
                            phrase: n.phrase.clone(),
                        })
                })
                .collect();
            let view = TopicView {
                id: t.id.to_string(),
                title: t.title.to_string(),
                description: t.description.plain_cloned(),
                notes: notes.len(),
                briefings: briefings.len(),
            };
            (view, briefings, notes)
        })
        .collect()
}

/// Every briefing's events on one timeline, oldest first.
pub fn site_timeline(digests: &[&Digest]) -> Vec<EventView> {
    let mut all: Vec<(Date, &str, EventView)> = digests
        .iter()
        .flat_map(|d| {
            let link = LinkView {
                href: format!("../{}/index.html", d.slug),
                label: d.title.clone(),
            };
            timeline(d, &link.href, Some(&link))
                .into_iter()
                .map(|(date, e)| (date, d.slug.as_str(), e))
                .collect::<Vec<_>>()
        })
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    all.into_iter().map(|(_, _, e)| e).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::At;

    fn source(title: &str, publisher: Option<&str>, url: Option<&str>) -> SourceRef {
        SourceRef {
            title: At::unplaced(title.into()),
            publisher: publisher.map(|p| At::unplaced(p.into())),
            date: None,
            url: url.map(|u| At::unplaced(u.into())),
            accessed: None,
            archived: None,
        }
    }

    #[test]
    fn sources_are_merged_by_url_and_grouped_by_publisher_named_ones_first() {
        let a = [
            source("Entity List", Some("BIS"), Some("https://bis.gov/el")),
            source("Untitled memo", None, None),
        ];
        let b = [
            source("The Entity List", Some("BIS"), Some("https://bis.gov/el")),
            source("Annual report", Some("ASPI"), Some("https://aspi.org/r")),
        ];
        let groups = sources_by_publisher(&[
            Citing {
                href: "#note-a".into(),
                label: "note 1".into(),
                sources: &a,
            },
            Citing {
                href: "#note-b".into(),
                label: "note 2".into(),
                sources: &b,
            },
        ]);
        let names: Vec<Option<&str>> = groups.iter().map(|g| g.publisher.as_deref()).collect();
        assert_eq!(names, [Some("ASPI"), Some("BIS"), None]);
        let bis = &groups[1].sources;
        assert_eq!(bis.len(), 1);
        let cited: Vec<&str> = bis[0].cited_by.iter().map(|l| l.href.as_str()).collect();
        assert_eq!(cited, ["#note-a", "#note-b"]);
    }

    #[test]
    fn phrase_in_context_is_cut_at_words() {
        let text = "word ".repeat(40) + "PHRASE" + &" tail".repeat(40);
        let article = ParsedArticle::parse(&text);
        let start = article.blocks[0].text.find("PHRASE").unwrap();
        let p = phrase_in_context(&article, 0, start..start + 6);
        assert_eq!(p.phrase, "PHRASE");
        assert!(p.before.starts_with("…word"), "{}", p.before);
        assert!(p.after.ends_with("tail…"), "{}", p.after);
        assert!(p.before.chars().count() <= CONTEXT_CHARS + 2);
    }
}
