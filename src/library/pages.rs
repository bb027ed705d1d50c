//! The site's library pages, put together from the briefings' digests: topics,
//! one page per topic, the timeline, and the search page with its index.

use std::path::Path;

use rayon::prelude::*;

use super::{search, site_timeline, topic_pages, Digest};
use crate::diagnostic::Diagnostic;
use crate::load::model::{TermSpec, TopicSpec};
use crate::render::page::{
    LetterView, LinkView, PageFrame, SearchView, Templates, TermView, TimelineView, TopicPageView,
    TopicView, TopicsView,
};

/// Each output path with its page (or the template error that stopped it).
/// `frame(root, path, title)` is the frame of the page at `path` (its folder, with
/// a trailing `/`), `root` levels below the site root. The pages are rendered
/// side by side: the build waits for them after every briefing is done, so
/// nothing else would use the other cores meanwhile.
pub fn site_pages(
    templates: &Templates,
    frame: &(dyn Fn(&str, &str, &str) -> PageFrame + Sync),
    topics: &[TopicSpec],
    terms: &[TermSpec],
    digests: &[&Digest],
    templates_dir: &Path,
) -> Vec<(String, Result<String, Diagnostic>)> {
    let per_topic = topic_pages(topics, digests);
    let topic_views: Vec<_> = per_topic.iter().map(|(t, _, _)| t.clone()).collect();
    let topics_index = || {
        (
            "topics/index.html".to_string(),
            templates.render(
                "topics.html",
                &TopicsView {
                    frame: frame("../", "topics/", "Topics"),
                    topics: topic_views.clone(),
                },
                templates_dir,
            ),
        )
    };
    let topic_page = |(topic, briefings, notes): (TopicView, _, _)| {
        let dir = format!("topics/{}/", topic.id);
        let path = format!("{dir}index.html");
        let view = TopicPageView {
            frame: frame("../../", &dir, &topic.title),
            topic,
            briefings,
            notes,
        };
        (path, templates.render("topic.html", &view, templates_dir))
    };
    let timeline = || {
        (
            "timeline/index.html".to_string(),
            templates.render(
                "timeline.html",
                &TimelineView {
                    frame: frame("../", "timeline/", "Timeline"),
                    events: site_timeline(digests),
                },
                templates_dir,
            ),
        )
    };
    let search_page = || {
        let search = SearchView {
            frame: frame("../", "search/", "Search"),
            search_js: templates.search_js.clone(),
            search_js_sha256: templates.search_js_sha256.clone(),
            index_file: search::FILE_NAME,
            briefings: digests
                .iter()
                .map(|d| LinkView {
                    href: format!("../{}/index.html", d.slug),
                    label: d.title.clone(),
                })
                .collect(),
            topics: topic_views.clone(),
        };
        (
            "search/index.html".to_string(),
            templates.render("search.html", &search, templates_dir),
        )
    };
    let search_index = || {
        (
            format!("search/{}", search::FILE_NAME),
            Ok(search::index_script(digests, terms)),
        )
    };
    let (mut pages, rest) = rayon::join(
        || {
            let mut pages = vec![topics_index()];
            pages.par_extend(per_topic.into_par_iter().map(topic_page));
            pages
        },
        || {
            let (timeline, (search_page, search_index)) =
                rayon::join(timeline, || rayon::join(search_page, search_index));
            [timeline, search_page, search_index]
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
