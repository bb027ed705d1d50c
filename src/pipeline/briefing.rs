//! One briefing through the stages: its article parsed, its notes anchored and
//! checked, and, if nothing is wrong, its page, annotations export and assets
//! rendered.

use std::collections::BTreeMap;
use std::path::Path;

use crate::anchor::terms::TermMatcher;
use crate::anchor::{self, AnchoredBriefing};
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
    /// Ids of the glossary terms the page links, in glossary order.
    pub terms_used: Vec<String>,
    /// Terms the page's glossary names in its see-also links.
    pub see_also: Vec<String>,
    /// The article's text, to tell after a glossary edit whether a term may now
    /// appear in it.
    pub text: String,
    pub files: BTreeMap<String, Vec<u8>>,
    /// What the topic, timeline and search pages need of the briefing.
    pub digest: Digest,
    /// What the feed and sitemap list of it.
    pub facts: BriefingFacts,
}

/// The site-wide inputs every briefing is rendered with.
pub(super) struct SiteWide<'a> {
    pub terms: &'a [TermSpec],
    pub matcher: &'a TermMatcher,
    pub templates: Option<&'a Templates>,
    pub templates_dir: &'a Path,
    pub site: &'a SiteView,
    pub topics: &'a [TopicSpec],
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
    let term_marks: Vec<TermMark> = uses
        .iter()
        .map(|u| TermMark {
            id: &site.terms[u.term].id,
            block: u.block,
            range: u.range.clone(),
        })
        .collect();
    let article_html = markdown::render_article(article, &note_marks, &footnote_marks, &term_marks);

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
        let mut frame = templates.frame(site.site, "../", language);
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
            views::note_views(notes, &htmls),
            views::page_terms(site.terms, &uses),
        );
        view.timeline = library::timeline(&digest, "", None)
            .into_iter()
            .map(|(_, e)| e)
            .collect();
        view.sources_by_publisher = library::page_sources(notes, site.terms, &uses);
        match templates.render("briefing.html", &view, site.templates_dir) {
            Ok(html) => {
                files.insert(format!("{}/index.html", src.slug), html.into_bytes());
            }
            Err(d) => diagnostics.push(d),
        }
    }
    assets::copy_assets(src, &mut files, diagnostics);

    let mut used: Vec<usize> = uses.iter().map(|u| u.term).collect();
    used.sort_unstable();
    let page = BuiltPage {
        slug: src.slug.clone(),
        sort_key: (src.front.date.as_ref().map(|d| d.value), src.slug.clone()),
        entry: views::index_entry(src, notes.len()),
        notes: notes.len(),
        terms_used: used.iter().map(|&t| site.terms[t].id.to_string()).collect(),
        see_also: used
            .iter()
            .flat_map(|&t| site.terms[t].see_also.iter().map(|id| id.to_string()))
            .collect(),
        text: article.text(),
        files,
        facts,
        digest,
    };
    let near_misses =
        validate::near_miss::near_misses(src, article, site.terms, site.matcher, &uses);
    (page, near_misses)
}
