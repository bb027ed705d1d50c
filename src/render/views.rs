//! The view models templates see, made from the typed results of the earlier
//! stages: a loaded briefing, its numbered notes, its glossary terms.

use std::collections::{BTreeMap, BTreeSet};

use super::markdown::{self, ref_id, term_use_id};
use super::page::{
    BriefingView, DateView, IndexEntry, LinkView, NoteView, OriginalView, PageFrame, SiteView,
    SourceView, TermView,
};
use crate::anchor::terms::TermUse;
use crate::anchor::PlacedNote;
use crate::load::model::{SiteConfig, TermSpec};
use crate::load::yaml::Plain;
use crate::load::LoadedBriefing;
use crate::validate::links::is_safe_url;

/// The site as every page's frame shows it.
pub fn site_view(site: &SiteConfig) -> SiteView {
    SiteView {
        title: site.title.clone(),
        language: site.language.clone(),
        description: site.description.clone(),
        base_url: site.base_url.clone(),
        author: site.author.clone(),
        publisher: site.publisher.clone(),
        image: site.image.clone(),
    }
}

/// The notes of a page, numbered, each with back-links to its markers;
/// `htmls[i]` is the rendered text of `notes[i]`.
pub fn note_views(notes: &[PlacedNote], htmls: &[String]) -> Vec<NoteView> {
    notes
        .iter()
        .zip(htmls)
        .enumerate()
        .map(|(i, (p, html))| {
            let number = i + 1;
            let refs = p.reference_count();
            NoteView {
                id: p.id.clone(),
                number,
                kind: p.kind.name(),
                kind_label: p.kind.label(),
                html: html.clone(),
                sources: p.sources.iter().map(SourceView::from).collect(),
                sources_html: String::new(),
                backlinks: (0..refs)
                    .map(|k| LinkView {
                        href: format!("#{}", ref_id(&p.id, k)),
                        label: if refs == 1 {
                            format!("note {number}")
                        } else {
                            format!("reference {} of note {number}", k + 1)
                        },
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Where each term the page uses is used, by term index (so in glossary
/// order): its first use in the article, then its first use in each note that
/// uses it. `note_uses[i]` are the terms found in `notes[i]`.
pub fn term_backlinks(
    terms: &[TermSpec],
    article_uses: &[TermUse],
    notes: &[PlacedNote],
    note_uses: &[Vec<TermUse>],
) -> BTreeMap<usize, Vec<LinkView>> {
    let name = |t: usize| {
        let term = &terms[t];
        term.abbr
            .plain_cloned()
            .unwrap_or_else(|| term.term.to_string())
    };
    let mut links: BTreeMap<usize, Vec<LinkView>> = BTreeMap::new();
    for u in article_uses {
        links.entry(u.term).or_default().push(LinkView {
            href: format!("#{}", term_use_id(&terms[u.term].id, None)),
            label: name(u.term),
        });
    }
    for (i, (note, uses)) in notes.iter().zip(note_uses).enumerate() {
        for u in uses {
            links.entry(u.term).or_default().push(LinkView {
                href: format!("#{}", term_use_id(&terms[u.term].id, Some(&note.id))),
                label: format!("{} in note {}", name(u.term), i + 1),
            });
        }
    }
    links
}

/// Each term's definition as HTML, by term index: made once per glossary, since
/// every page listing a term shows the same definition.
pub fn definitions(terms: &[TermSpec]) -> Vec<String> {
    terms
        .iter()
        .map(|t| markdown::render_markdown(&t.definition))
        .collect()
}

/// The page's glossary: the terms it uses, in alphabetical order, each linking
/// back to its uses ([`term_backlinks`]); see-also links stay on the page when they can.
/// `definitions` are the terms' [`definitions`].
pub fn page_terms(
    terms: &[TermSpec],
    definitions: &[String],
    backlinks: &BTreeMap<usize, Vec<LinkView>>,
) -> Vec<TermView> {
    let on_page: BTreeSet<&str> = backlinks.keys().map(|&t| terms[t].id.as_str()).collect();
    let mut used: Vec<(&usize, &Vec<LinkView>)> = backlinks.iter().collect();
    used.sort_by_cached_key(|(&t, _)| alphabetical_key(&terms[t]));
    used.into_iter()
        .map(|(&t, back)| {
            term_view(&terms[t], terms, &definitions[t], back.clone(), |id| {
                if on_page.contains(id) {
                    format!("#term-{id}")
                } else {
                    format!("../glossary/index.html#term-{id}")
                }
            })
        })
        .collect()
}

/// A glossary entry for a template, with its definition as HTML ([`definitions`]);
/// `see_also_href` says where a linked term lives.
pub fn term_view(
    t: &TermSpec,
    all: &[TermSpec],
    definition_html: &str,
    uses: Vec<LinkView>,
    see_also_href: impl Fn(&str) -> String,
) -> TermView {
    TermView {
        id: t.id.to_string(),
        term: t.term.to_string(),
        abbr: t.abbr.plain_cloned(),
        definition_html: definition_html.to_string(),
        sources: t.sources.iter().map(SourceView::from).collect(),
        sources_html: String::new(),
        see_also: t
            .see_also
            .iter()
            .map(|id| LinkView {
                href: see_also_href(id),
                label: all
                    .iter()
                    .find(|o| o.id == *id)
                    .map_or_else(|| id.to_string(), |o| o.term.to_string()),
            })
            .collect(),
        uses,
    }
}

/// A briefing page's view; `annotations_href` links the notes' machine-readable
/// export.
pub fn briefing_view(
    src: &LoadedBriefing,
    frame: PageFrame,
    annotations_href: &str,
    article_html: String,
    notes: Vec<NoteView>,
    terms: Vec<TermView>,
) -> BriefingView {
    let front = &src.front;
    let original = front.source.clone().unwrap_or_default();
    let aligned = |html: &str| html.contains(" style=\"text-align:");
    let frame = PageFrame {
        aligned_cells: aligned(&article_html)
            || notes.iter().any(|n| aligned(&n.html))
            || terms.iter().any(|t| aligned(&t.definition_html)),
        ..frame
    };
    BriefingView {
        frame,
        slug: src.slug.clone(),
        title: front.title.to_string(),
        date: front.date.plain().map(DateView::from),
        checked: front.checked.plain().map(DateView::from),
        summary: front.summary.plain_cloned(),
        original: OriginalView {
            publisher: original.publisher.plain_cloned(),
            title: original.title.plain_cloned(),
            url: original.url.plain_cloned().filter(|u| is_safe_url(u)),
            published: original.published.plain().map(DateView::from),
            author: original.author.plain_cloned(),
        },
        editor_summary_html: front
            .editor_summary
            .iter()
            .map(|s| markdown::render_inline(s))
            .collect(),
        article_html,
        notes,
        terms,
        alternates: vec![LinkView {
            href: annotations_href.to_string(),
            label: "application/ld+json".to_string(),
        }],
        timeline: Vec::new(),
        sources_by_publisher: Vec::new(),
    }
}

/// A briefing's line in the site index.
pub fn index_entry(src: &LoadedBriefing, notes: usize) -> IndexEntry {
    let front = &src.front;
    IndexEntry {
        href: format!("{}/index.html", src.slug),
        title: front.title.to_string(),
        publisher: front
            .source
            .as_ref()
            .and_then(|s| s.publisher.plain_cloned()),
        date: front.date.plain().map(DateView::from),
        notes,
        summary: front.summary.plain_cloned(),
    }
}

/// A glossary entry's place in the alphabet: its first letter, or `#`.
pub fn letter_of(term: &str) -> String {
    match term.chars().find(|c| c.is_alphanumeric()) {
        Some(c) if c.is_alphabetic() => c.to_uppercase().collect(),
        _ => "#".to_string(),
    }
}

/// The order terms are listed in: alphabetical, whatever the case.
pub fn alphabetical_key(term: &TermSpec) -> (String, String) {
    let from_letter = term.term.trim_start_matches(|c: char| !c.is_alphanumeric());
    (from_letter.to_lowercase(), term.id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(letter_of("entity List"), "E");
        assert_eq!(letter_of("5G"), "#");
        assert_eq!(letter_of("“Ärger”"), "Ä");
    }
}
