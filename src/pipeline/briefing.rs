//! One briefing through the stages: its article parsed, its notes anchored and
//! checked, and, if nothing is wrong, its page, annotations export and assets
//! rendered.

use std::collections::BTreeMap;
use std::path::Path;

use crate::anchor::terms::{TermMatcher, TermUse};
use crate::anchor::{self, AnchoredBriefing, NoteBody, PlacedNote};
use crate::article::ParsedArticle;
use crate::diagnostic::Diagnostic;
use crate::interop::export;
use crate::library::{self, Digest};
use crate::load::model::{Date, TermSpec, TopicSpec};
use crate::load::LoadedBriefing;
use crate::publish::{self, BriefingFacts, PageKind};
use crate::render::markdown::{self, TermMark};
use crate::render::page::{IndexEntry, SiteView, Templates};
use crate::render::{assets, views};
use crate::validate;

/// What building one briefing gave: its page (unless it had errors) and its diagnostics.
pub(super) struct BriefingResult {
    pub page: Option<BuiltPage>,
    pub diagnostics: Vec<Diagnostic>,
    /// Terms the page might have linked: reported by `check` only.
    pub near_misses: Vec<Diagnostic>,
}

/// A briefing's rendered files and what the index and glossary pages need of it.
pub(super) struct BuiltPage {
    pub slug: String,
    pub sort_key: (Option<Date>, String),
    pub entry: IndexEntry,
    pub notes: usize,
    /// Ids of the glossary terms the page links, in glossary order, each with
    /// the `#use-…` fragment of its first use.
    pub terms_used: Vec<(String, String)>,
    /// Terms the page's glossary names in its see-also links.
    pub see_also: Vec<String>,
    pub files: BTreeMap<String, Vec<u8>>,
    /// What the topic, timeline and search pages need of the briefing.
    pub digest: Digest,
    /// What the feed and sitemap list of it.
    pub facts: BriefingFacts,
}

/// The site-wide inputs every briefing is rendered with.
pub(super) struct SiteWide<'a> {
    pub terms: &'a [TermSpec],
    /// The terms' definitions as HTML, by term index.
    pub definitions: &'a [String],
    pub matcher: &'a TermMatcher,
    pub templates: Option<&'a Templates>,
    pub templates_dir: &'a Path,
    pub site: &'a SiteView,
    pub topics: &'a [TopicSpec],
    /// Whether to look for the near-misses `check` reports.
    pub near_misses: bool,
}

/// Runs one briefing through the stages; rendering is skipped after an error.
pub(super) fn build_briefing(src: &LoadedBriefing, site: &SiteWide) -> BriefingResult {
    let article = ParsedArticle::parse(src.body());
    let anchored = anchor::anchor_briefing(src, &article);
    let mut diagnostics = validate::briefing(src, &article, &anchored);
    validate::topics::briefing_topics(src, site.topics, &mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return BriefingResult {
            page: None,
            diagnostics,
            near_misses: Vec::new(),
        };
    }
    let (page, near_misses) = render_briefing(src, &article, &anchored, site, &mut diagnostics);
    BriefingResult {
        page: Some(page),
        diagnostics,
        near_misses,
    }
}

/// The briefing's files (page, export, assets), what the index, glossary and
/// library pages need of it, and the glossary terms it may have meant to link.
fn render_briefing(
    src: &LoadedBriefing,
    article: &ParsedArticle,
    anchored: &AnchoredBriefing,
    site: &SiteWide,
    diagnostics: &mut Vec<Diagnostic>,
) -> (BuiltPage, Vec<Diagnostic>) {
    let notes = &anchored.notes;
    // Without glossary links: the export's notes are read away from the page.
    let htmls: Vec<String> = notes
        .iter()
        .map(|n| markdown::note_html(n, article.has_raw_html))
        .collect();
    let (note_marks, footnote_marks) = markdown::marks(notes);
    let uses = site.matcher.first_uses(
        article,
        &markdown::quote_boundaries(&note_marks),
        site.terms.len(),
    );
    let article_html = markdown::render_article(
        article,
        &note_marks,
        &footnote_marks,
        &term_marks(site.terms, &uses, None),
    );
    let note_texts: Vec<Option<ParsedArticle>> = notes.iter().map(note_text).collect();
    let note_uses: Vec<Vec<TermUse>> = note_texts
        .iter()
        .map(|text| {
            text.as_ref().map_or_else(Vec::new, |text| {
                site.matcher.first_uses(text, &[], site.terms.len())
            })
        })
        .collect();
    let page_htmls: Vec<String> = notes
        .iter()
        .zip(&note_texts)
        .zip(&note_uses)
        .zip(&htmls)
        .map(|(((note, text), uses), html)| match text {
            Some(text) if !uses.is_empty() => markdown::render_note_with_terms(
                text,
                &term_marks(site.terms, uses, Some(&note.id)),
            ),
            _ => html.clone(),
        })
        .collect();
    let term_backlinks = views::term_backlinks(site.terms, &uses, notes, &note_uses);

    let language = src.front.language.as_deref().unwrap_or(&site.site.language);
    let facts = BriefingFacts::of(src, notes.len());
    let page_url = site.site.base_url.as_ref().map(|b| b.join(&facts.path()));
    let mut files = BTreeMap::new();
    files.insert(
        format!("{}/{}", src.slug, export::FILE_NAME),
        export::briefing_annotations(src, language, article, notes, &htmls, page_url.as_deref())
            .into_bytes(),
    );
    let digest = library::digest(src, article, notes);
    if let Some(templates) = site.templates {
        let mut frame = templates.briefing_frame(site.site, "../", language);
        if let Some(json_ld) = publish::briefing_json_ld(
            site.site,
            &facts,
            language,
            src.front.source.as_ref(),
            &publish::corrections(article, notes),
        ) {
            let page = PageKind::Briefing {
                facts: &facts,
                json_ld,
            };
            frame.meta = publish::page_meta(site.site, page);
        }
        let mut view = views::briefing_view(
            src,
            frame,
            export::FILE_NAME,
            article_html,
            views::note_views(notes, &page_htmls),
            views::page_terms(site.terms, site.definitions, &term_backlinks),
        );
        view.timeline = library::timeline(&digest, "", None)
            .into_iter()
            .map(|(_, e)| e)
            .collect();
        let term_uses: Vec<TermUse> = uses
            .iter()
            .chain(note_uses.iter().flatten())
            .cloned()
            .collect();
        view.sources_by_publisher = library::page_sources(notes, site.terms, &term_uses);
        library::link_citations(&mut view);
        match templates.render("briefing.html", &view, site.templates_dir) {
            Ok(html) => {
                files.insert(format!("{}/index.html", src.slug), html.into_bytes());
            }
            Err(d) => diagnostics.push(d),
        }
    }
    assets::copy_assets(src, &mut files, diagnostics);

    let page = BuiltPage {
        slug: src.slug.clone(),
        sort_key: (src.front.date.as_ref().map(|d| d.value), src.slug.clone()),
        entry: views::index_entry(src, notes.len()),
        notes: notes.len(),
        see_also: term_backlinks
            .keys()
            .flat_map(|&t| site.terms[t].see_also.iter().map(|id| id.to_string()))
            .collect(),
        terms_used: term_backlinks
            .into_iter()
            .map(|(t, links)| (site.terms[t].id.to_string(), links[0].href.clone()))
            .collect(),
        files,
        facts,
        digest,
    };
    let near_misses = if site.near_misses {
        validate::near_miss::near_misses(src, article, site.terms, site.matcher, &uses)
    } else {
        Vec::new()
    };
    (page, near_misses)
}

/// A note's Markdown parsed as the article is, for finding the terms it uses;
/// `None` for a footnote, whose text is part of the article.
fn note_text<'a>(note: &PlacedNote<'a>) -> Option<ParsedArticle<'a>> {
    match note.body {
        NoteBody::Markdown(markdown) => Some(ParsedArticle::parse(markdown)),
        NoteBody::Footnote(_) => None,
    }
}

/// What the renderer links of the terms found in the article (`note` is
/// `None`) or in one note.
fn term_marks<'a>(
    terms: &'a [TermSpec],
    uses: &[TermUse],
    note: Option<&'a str>,
) -> Vec<TermMark<'a>> {
    uses.iter()
        .map(|u| TermMark {
            id: &terms[u.term].id,
            note,
            block: u.block,
            range: u.range.clone(),
        })
        .collect()
}
