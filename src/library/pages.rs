//! The site's library pages, put together from the briefings' digests: topics,
//! one page per topic, the timeline, and the search page (its index is made
//! by [`search::index_script`]).

use rayon::prelude::*;
use serde::Serialize;

use super::{search, site_timeline, topic_pages, Digest};
use crate::diagnostic::Diagnostic;
use crate::load::model::{TermSpec, TopicSpec};
use crate::render::page::{
    LetterView, LinkView, PageFrame, SearchView, TermView, TimelineView, TopicPageView, TopicView,
    TopicsView,
};

/// A site page's file, as [`PageMaker::make`] leaves it.
pub enum PageFile {
    /// Rendered by this build.
    Rendered(Vec<u8>),
    /// Already in the output, as an earlier build rendered it from the same
    /// view, and staged as it is.
    Kept,
}

/// Turns the view of a site page into its file: renders it with its template,
/// or keeps the file an earlier build rendered from the same view (a page is
/// a function of its view, its template and the tool).
pub trait PageMaker: Sync {
    /// Whether the library page at `path` (rendered with `template`) was
    /// kept as an earlier build rendered it from the same digests, in the
    /// same order: then its view need not even be made.
    fn keep(&self, _path: &str, _template: &str) -> bool {
        false
    }

    /// The file at output path `path` for `view` rendered with `template`, or
    /// the template's error.
    fn make<T: Serialize>(
        &self,
        path: &str,
        template: &str,
        view: &T,
    ) -> Result<PageFile, Diagnostic>;
}

/// Each output path with its page (or the template error that stopped it).
/// `frame(root, path, title)` is the frame of the page at `path` (its folder, with
/// a trailing `/`), `root` levels below the site root. The pages are made
/// side by side: the build waits for them after every briefing is done, so
/// nothing else would use the other cores meanwhile.
pub fn site_pages(
    maker: &impl PageMaker,
    frame: &(dyn Fn(&str, &str, &str) -> PageFrame + Sync),
    topics: &[TopicSpec],
    digests: &[&Digest],
    search_js: (&str, &str),
) -> Vec<(String, Result<PageFile, Diagnostic>)> {
    // Made only if a page needs them.
    let per_topic = std::sync::OnceLock::new();
    let per_topic = || per_topic.get_or_init(|| topic_pages(topics, digests));
    let topic_views =
        || -> Vec<TopicView> { per_topic().iter().map(|(t, _, _)| t.clone()).collect() };
    let kept = |path: &str, template: &str| {
        maker
            .keep(path, template)
            .then(|| (path.to_string(), Ok(PageFile::Kept)))
    };
    let topics_index = || {
        let path = "topics/index.html";
        kept(path, "topics.html").unwrap_or_else(|| {
            let view = TopicsView {
                frame: frame("../", "topics/", "Topics"),
                topics: topic_views(),
            };
            (path.to_string(), maker.make(path, "topics.html", &view))
        })
    };
    let topic_page = |(i, topic): (usize, &TopicSpec)| {
        let dir = format!("topics/{}/", topic.id);
        let path = format!("{dir}index.html");
        kept(&path, "topic.html").unwrap_or_else(|| {
            let (topic, briefings, notes) = per_topic()[i].clone();
            let view = TopicPageView {
                frame: frame("../../", &dir, &topic.title),
                topic,
                briefings,
                notes,
            };
            let made = maker.make(&path, "topic.html", &view);
            (path, made)
        })
    };
    let timeline = || {
        let path = "timeline/index.html";
        if let Some(kept) = kept(path, "timeline.html") {
            return kept;
        }
        let view = TimelineView {
            frame: frame("../", "timeline/", "Timeline"),
            events: site_timeline(digests),
        };
        (path.to_string(), maker.make(path, "timeline.html", &view))
    };
    let search_page = || {
        let path = "search/index.html";
        if let Some(kept) = kept(path, "search.html") {
            return kept;
        }
        let (search_js, search_js_sha256) = search_js;
        let view = SearchView {
            frame: frame("../", "search/", "Search"),
            search_js: search_js.to_string(),
            search_js_sha256: search_js_sha256.to_string(),
            index_file: search::FILE_NAME,
            briefings: digests
                .iter()
                .map(|d| LinkView {
                    href: format!("../{}/index.html", d.slug),
                    label: d.title.clone(),
                })
                .collect(),
            topics: topic_views(),
        };
        (path.to_string(), maker.make(path, "search.html", &view))
    };
    let (mut pages, rest) = rayon::join(
        || {
            let mut pages = vec![topics_index()];
            pages.par_extend(topics.par_iter().enumerate().map(topic_page));
            pages
        },
        || {
            let (timeline, search_page) = rayon::join(timeline, search_page);
            [timeline, search_page]
        },
    );
    pages.extend(rest);
    pages
}

/// Whether an output path is one of the pages [`site_pages`] makes.
pub fn is_library_page(path: &str) -> bool {
    ["topics/", "timeline/", "search/"]
        .iter()
        .any(|dir| path.starts_with(dir))
        && path.ends_with("index.html")
}

/// The glossary in alphabetical order under letter headings; `view` renders
/// term `i` of `terms`.
pub fn by_letter(
    terms: &[TermSpec],
    mut view: impl FnMut(usize, &TermSpec) -> TermView,
) -> Vec<LetterView> {
    let mut order: Vec<usize> = (0..terms.len()).collect();
    order.sort_by_key(|&i| crate::render::views::alphabetical_key(&terms[i]));
    let mut letters: Vec<LetterView> = Vec::new();
    for i in order {
        let letter = crate::render::views::letter_of(&terms[i].term);
        if letters.last().is_none_or(|l| l.letter != letter) {
            let id = match letter.chars().next() {
                Some(c) if c.is_ascii_alphabetic() => letter.to_lowercase(),
                Some(c) if c.is_alphabetic() => format!("u{:x}", c as u32),
                _ => "other".to_string(),
            };
            letters.push(LetterView {
                letter,
                id,
                terms: Vec::new(),
            });
        }
        let t = view(i, &terms[i]);
        if let Some(l) = letters.last_mut() {
            l.terms.push(t);
        }
    }
    letters
}
