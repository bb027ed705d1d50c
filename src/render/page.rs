//! Stage three, around the text: the tera templates and the view structs they
//! see. Built-in templates are compiled into the binary; a file of the same name
//! in the project's `templates/` replaces one.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;
use tera::{Context, Tera};

use crate::diagnostic::{Diagnostic, Position};
use crate::load::model::{Date, SourceRef};
use crate::load::yaml::Plain;
use crate::text_file::ReadFailure;

/// A template or asset: its name and built-in text.
pub const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    (
        "briefing.html",
        include_str!("../../templates/briefing.html"),
    ),
    ("index.html", include_str!("../../templates/index.html")),
    (
        "glossary.html",
        include_str!("../../templates/glossary.html"),
    ),
    ("style.css", include_str!("../../templates/style.css")),
    ("library.css", include_str!("../../templates/library.css")),
    ("script.js", include_str!("../../templates/script.js")),
    ("topics.html", include_str!("../../templates/topics.html")),
    ("topic.html", include_str!("../../templates/topic.html")),
    (
        "timeline.html",
        include_str!("../../templates/timeline.html"),
    ),
    ("search.html", include_str!("../../templates/search.html")),
    ("search.js", include_str!("../../templates/search.js")),
    ("meta.html", include_str!("../../templates/meta.html")),
    ("404.html", include_str!("../../templates/404.html")),
];

/// The compiled templates and the assets inlined into every page.
pub struct Templates {
    tera: Tera,
    /// `style.css` then `library.css`: what the site's own pages (index,
    /// glossary, topics, timeline, search, 404) inline.
    pub css: String,
    /// `style.css` alone: briefing pages carry only the rules they use.
    pub briefing_css: String,
    pub briefing_css_sha256: String,
    pub js: String,
    /// SHA-256 of `css` and `js`, base64: the page's Content-Security-Policy
    /// allows exactly these inline assets and no other script or style.
    pub css_sha256: String,
    pub js_sha256: String,
    /// The search page's own script (inlined there only) and its hash.
    pub search_js: String,
    pub search_js_sha256: String,
    /// The size of the page each template (by its place in [`BUILTIN`]) made last:
    /// the next page's buffer starts a little larger.
    page_sizes: [AtomicUsize; BUILTIN.len()],
}

/// The base64 SHA-256 digest of `text`, as a CSP hash source wants it.
fn csp_hash(text: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(text.as_bytes()))
}

impl Templates {
    /// Loads the templates, preferring the project's own copies.
    pub fn load(templates_dir: &Path) -> Result<Templates, Diagnostic> {
        let mut sources = Vec::new();
        for (name, builtin) in BUILTIN {
            let path = templates_dir.join(name);
            // Read like content/: no links followed, no special files, a size cap.
            let text = match crate::text_file::TextFile::read(&path) {
                Ok(file) => file.text,
                Err(ReadFailure::Io(crate::Error::Io { source, .. }))
                    if source.kind() == std::io::ErrorKind::NotFound =>
                {
                    builtin.to_string()
                }
                Err(ReadFailure::Content(d)) => return Err(d),
                Err(ReadFailure::Io(e)) => {
                    return Err(Diagnostic::error(
                        &path,
                        format!("cannot read template: {e}"),
                    ))
                }
            };
            sources.push((*name, path, text));
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        // Tera's default also escapes `/`, which bloats every URL; attribute values
        // are always double-quoted, so the five HTML specials are enough.
        tera.set_escape_fn(escape_html);
        tera.register_function("get_env", environment_refused);
        let mut css = String::new();
        let mut library_css = String::new();
        let mut js = String::new();
        let mut search_js = String::new();
        let mut html = Vec::new();
        for (name, path, text) in &sources {
            match *name {
                "style.css" => css = text.clone(),
                "library.css" => library_css = text.clone(),
                "script.js" => js = text.clone(),
                "search.js" => search_js = text.clone(),
                _ => html.push((*name, path, text)),
            }
        }
        add_templates(&mut tera, &html, templates_dir)?;
        let briefing_css = css;
        let css = format!("{briefing_css}{library_css}");
        Ok(Templates {
            tera,
            briefing_css_sha256: csp_hash(&briefing_css),
            briefing_css,
            css_sha256: csp_hash(&css),
            js_sha256: csp_hash(&js),
            search_js_sha256: csp_hash(&search_js),
            css,
            js,
            search_js,
            page_sizes: Default::default(),
        })
    }

    /// The frame of a briefing page: as [`Templates::frame`], with the briefing's
    /// stylesheet.
    pub fn briefing_frame(&self, site: &SiteView, root: &str, language: &str) -> PageFrame {
        self.frame_with(
            &self.briefing_css,
            &self.briefing_css_sha256,
            site,
            root,
            language,
        )
    }

    /// The frame of a page `root` levels below the site root, in `language`.
    pub fn frame(&self, site: &SiteView, root: &str, language: &str) -> PageFrame {
        self.frame_with(&self.css, &self.css_sha256, site, root, language)
    }

    fn frame_with(
        &self,
        css: &str,
        css_sha256: &str,
        site: &SiteView,
        root: &str,
        language: &str,
    ) -> PageFrame {
        PageFrame {
            site: site.clone(),
            css: css.to_string(),
            js: self.js.clone(),
            css_sha256: css_sha256.to_string(),
            js_sha256: self.js_sha256.clone(),
            root: root.to_string(),
            language: language.to_string(),
            meta: None,
            aligned_cells: true,
        }
    }

    pub fn render<T: Serialize>(
        &self,
        name: &str,
        view: &T,
        templates_dir: &Path,
    ) -> Result<String, Diagnostic> {
        let context = Context::from_serialize(view)
            .map_err(|e| Diagnostic::error(templates_dir.join(name), e.to_string()))?;
        // Tera's own buffer starts at 2 KB and doubles: a 40 KB page was copied
        // five times over as it grew. A template's pages are alike in size.
        let last = BUILTIN
            .iter()
            .position(|(builtin, _)| *builtin == name)
            .map(|i| &self.page_sizes[i]);
        let hint = last.map_or(0, |size| size.load(Ordering::Relaxed));
        let mut page = Vec::with_capacity(hint + hint / 8);
        self.tera
            .render_to(name, &context, &mut page)
            .map_err(|e| template_error(&templates_dir.join(name).to_string_lossy(), &e, ""))?;
        if let Some(size) = last {
            size.store(page.len(), Ordering::Relaxed);
        }
        // Pages may be kept (`serve`): no more than half again their size.
        if page.capacity() > page.len() + page.len() / 2 {
            page.shrink_to_fit();
        }
        String::from_utf8(page).map_err(|e| {
            Diagnostic::error(
                templates_dir.join(name),
                format!("internal error: the template gave text that is not UTF-8: {e}"),
            )
        })
    }
}

/// Tera's errors nest; the position of a syntax error is in the innermost one as ` --> L:C`.
/// Compiles the HTML templates into `tera`. Parsing them is most of the time a
/// one-briefing build takes, so they are parsed side by side; how they extend
/// and import one another is checked once all are in. Only if that check fails
/// are they added again one at a time, to name the template at fault.
fn add_templates(
    tera: &mut Tera,
    html: &[(&str, &std::path::PathBuf, &String)],
    templates_dir: &Path,
) -> Result<(), Diagnostic> {
    use rayon::prelude::*;
    let parsed: Vec<_> = html
        .par_iter()
        // One template per task: they differ in size, and halves would not balance.
        .with_max_len(1)
        .map(|(name, _, text)| tera::Template::new(name, None, text))
        .collect();
    for ((name, path, text), template) in html.iter().zip(parsed) {
        let template = template.map_err(|e| {
            let e = tera::Error::chain(format!("Failed to parse '{name}'"), e);
            template_error(&path.to_string_lossy(), &e, text)
        })?;
        // `templates` is public (if hidden from tera's docs): what
        // `Tera::add_raw_template` fills, minus its checks after every template.
        tera.templates.insert(name.to_string(), template);
    }
    if tera
        .build_inheritance_chains()
        .and_then(|()| tera.check_macro_files())
        .is_ok()
    {
        return Ok(());
    }
    tera.templates.clear();
    for (name, path, text) in html {
        tera.add_raw_template(name, text)
            .map_err(|e| template_error(&path.to_string_lossy(), &e, text))?;
    }
    tera.build_inheritance_chains()
        .map_err(|e| template_error(&templates_dir.to_string_lossy(), &e, ""))
}

/// Replaces tera's `get_env`: a page may depend only on the project's files, so
/// that every machine builds the same site and the build cache, keyed by those
/// files, can never hand back a page the environment would have changed.
fn environment_refused(
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    Err(tera::Error::msg(
        "`get_env` is not available: pages may depend only on the project's files; put the setting in content/site.yaml",
    ))
}

fn template_error(path: &str, err: &tera::Error, text: &str) -> Diagnostic {
    let mut messages = vec![err.to_string()];
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        messages.push(s.to_string());
        source = s.source();
    }
    let all = messages.join("\n");
    let position = all.find("--> ").and_then(|i| {
        let rest = &all[i + 4..];
        let end = rest
            .find(|c: char| !c.is_ascii_digit() && c != ':')
            .unwrap_or(rest.len());
        let (line, column) = rest[..end].split_once(':')?;
        Some(Position {
            line: line.parse().ok()?,
            column: column.parse().ok()?,
        })
    });
    let detail = messages.last().cloned().unwrap_or_default();
    let snippet = position.and_then(|p| text.lines().nth(p.line - 1));
    let reason = detail.lines().last().unwrap_or("").trim();
    Diagnostic::error(
        path,
        format!("template error: {}", reason.trim_start_matches("= ")),
    )
    .at(position)
    .with_snippet(snippet)
    .with_help(format!(
        "{}\nfix the template, or delete it to use the built-in one",
        messages.first().map(String::as_str).unwrap_or("")
    ))
}

fn escape_html(text: &str) -> String {
    crate::render::html::escape(text)
}

/// A date as templates see it: written out for readers, ISO for `<time datetime>`.
#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    pub written: String,
    pub iso: String,
}

impl From<&Date> for DateView {
    fn from(d: &Date) -> Self {
        DateView {
            written: d.written(),
            iso: d.iso(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    pub title: String,
    pub publisher: Option<String>,
    pub date: Option<DateView>,
    pub url: Option<String>,
    pub accessed: Option<DateView>,
    pub archived: Option<String>,
    /// Where the page lists this source in full (`#src-3`), when it has a
    /// Sources section: a note then cites it in short and links there.
    pub cite: Option<String>,
    /// The short citation as HTML (`render::citation::short`), set with `cite`
    /// for a note's or term's source on a briefing page; `None` elsewhere.
    pub citation_html: Option<String>,
}

impl From<&SourceRef> for SourceView {
    fn from(s: &SourceRef) -> Self {
        SourceView {
            title: s.title.to_string(),
            publisher: s.publisher.plain_cloned(),
            date: s.date.plain().map(DateView::from),
            url: s
                .url
                .plain_cloned()
                .filter(|u| crate::validate::links::is_safe_url(u)),
            accessed: s.accessed.plain().map(DateView::from),
            archived: s
                .archived
                .plain_cloned()
                .filter(|u| crate::validate::links::is_safe_url(u)),
            cite: None,
            citation_html: None,
        }
    }
}

/// What the base template of every page needs: the site, the inlined assets
/// with their CSP hashes, the way to the site root, and the page's language.
#[derive(Debug, Clone, Serialize)]
pub struct PageFrame {
    pub site: SiteView,
    pub css: String,
    pub js: String,
    pub css_sha256: String,
    pub js_sha256: String,
    /// Relative path from the page to the site root: links work from any folder.
    pub root: String,
    pub language: String,
    /// Canonical link, link-preview tags and JSON-LD, when the site has a `base_url`.
    pub meta: Option<PageMeta>,
    /// Whether the page may hold Markdown table cells aligned by a `style`
    /// attribute, which its Content-Security-Policy must then allow by hash.
    pub aligned_cells: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub language: String,
    pub description: Option<String>,
    pub base_url: Option<crate::load::address::BaseUrl>,
    pub author: Option<String>,
    pub publisher: Option<String>,
    pub image: Option<crate::load::address::ImageFile>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub href: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteView {
    pub id: String,
    pub number: usize,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub html: String,
    pub sources: Vec<SourceView>,
    /// Its sources as a paragraph of short citations (`render::citation::paragraph`),
    /// set on a briefing page.
    pub sources_html: String,
    /// Back-links, one per place the note is referenced.
    pub backlinks: Vec<LinkView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermView {
    pub id: String,
    pub term: String,
    pub abbr: Option<String>,
    pub definition_html: String,
    pub sources: Vec<SourceView>,
    /// Its sources as a paragraph of short citations (`render::citation::paragraph`),
    /// set on a briefing page.
    pub sources_html: String,
    pub see_also: Vec<LinkView>,
    /// Where the term is used: its first use on this page, or the briefings using it.
    pub uses: Vec<LinkView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OriginalView {
    pub publisher: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub published: Option<DateView>,
    pub author: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BriefingView {
    #[serde(flatten)]
    pub frame: PageFrame,
    pub slug: String,
    pub title: String,
    pub date: Option<DateView>,
    pub checked: Option<DateView>,
    pub summary: Option<String>,
    pub original: OriginalView,
    pub editor_summary_html: Vec<String>,
    pub article_html: String,
    pub notes: Vec<NoteView>,
    pub terms: Vec<TermView>,
    /// Other files the page links to, such as the annotations export.
    pub alternates: Vec<LinkView>,
    /// The events its notes state, oldest first.
    pub timeline: Vec<EventView>,
    pub sources_by_publisher: Vec<PublisherSources>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexEntry {
    pub href: String,
    pub title: String,
    pub publisher: Option<String>,
    pub date: Option<DateView>,
    pub notes: usize,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexView {
    #[serde(flatten)]
    pub frame: PageFrame,
    pub briefings: Vec<IndexEntry>,
    pub terms: usize,
}

/// The head tags of one page, for `templates/meta.html`: set only when the site
/// has a `base_url`.
#[derive(Debug, Clone, Serialize)]
pub struct PageMeta {
    /// The page's own absolute address; `None` for the 404 page, which has none.
    pub canonical: Option<String>,
    /// `website` or `article` (Open Graph).
    pub og_type: &'static str,
    pub title: String,
    pub description: Option<String>,
    pub site_name: String,
    /// Absolute address of the share image.
    pub image: Option<String>,
    /// `summary_large_image` with an image, else `summary`.
    pub twitter_card: &'static str,
    pub published: Option<String>,
    pub modified: Option<String>,
    /// The Atom feed, linked from every page.
    pub feed: String,
    /// JSON-LD, made safe to stand inside a `<script>` element.
    pub json_ld: Option<String>,
}

/// The page static hosts show for an address that has no page.
#[derive(Debug, Clone, Serialize)]
pub struct NotFoundView {
    #[serde(flatten)]
    pub frame: PageFrame,
}

#[derive(Debug, Clone, Serialize)]
pub struct GlossaryView {
    #[serde(flatten)]
    pub frame: PageFrame,
    /// The terms under their initial letters, alphabetically.
    pub letters: Vec<LetterView>,
}

/// The glossary terms under one letter.
#[derive(Debug, Clone, Serialize)]
pub struct LetterView {
    pub letter: String,
    /// For the letter's heading id: `a` … `z`, or `other`.
    pub id: String,
    pub terms: Vec<TermView>,
}

/// The search page: its script, and for readers without JavaScript the
/// briefings and topics to browse instead.
#[derive(Debug, Clone, Serialize)]
pub struct SearchView {
    #[serde(flatten)]
    pub frame: PageFrame,
    pub search_js: String,
    pub search_js_sha256: String,
    pub index_file: &'static str,
    pub briefings: Vec<LinkView>,
    pub topics: Vec<TopicView>,
}

/// A note's phrase with a little of the text around it.
#[derive(Debug, Clone, Serialize)]
pub struct PhraseInContext {
    pub before: String,
    pub phrase: String,
    pub after: String,
}

/// A dated event on a timeline, linking to the note that states it.
#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    pub date: DateView,
    pub label: String,
    pub href: String,
    /// "note 3", for the link's accessible name.
    pub note: String,
    /// The briefing, on the site's timeline; `None` on the briefing's own page.
    pub briefing: Option<LinkView>,
}

/// One source as the briefing's Sources section lists it: once, however many
/// notes and terms cite it.
#[derive(Debug, Clone, Serialize)]
pub struct CitedSource {
    /// The entry's id on the page, `src-N`, that notes citing it link to.
    pub id: String,
    #[serde(flatten)]
    pub source: SourceView,
    pub cited_by: Vec<LinkView>,
    /// The whole entry but its id as HTML (`render::citation::entry`).
    pub entry_html: String,
}

/// The sources of one publisher.
#[derive(Debug, Clone, Serialize)]
pub struct PublisherSources {
    /// `None` for sources that name no publisher; they come last.
    pub publisher: Option<String>,
    pub sources: Vec<CitedSource>,
}

/// A topic with how much of the site is about it.
#[derive(Debug, Clone, Serialize)]
pub struct TopicView {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub notes: usize,
    pub briefings: usize,
}

/// A note on a topic page.
#[derive(Debug, Clone, Serialize)]
pub struct TopicNoteView {
    pub briefing: LinkView,
    pub href: String,
    pub number: usize,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub date: Option<DateView>,
    pub phrase: Option<PhraseInContext>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicsView {
    #[serde(flatten)]
    pub frame: PageFrame,
    pub topics: Vec<TopicView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicPageView {
    #[serde(flatten)]
    pub frame: PageFrame,
    pub topic: TopicView,
    pub briefings: Vec<LinkView>,
    pub notes: Vec<TopicNoteView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimelineView {
    #[serde(flatten)]
    pub frame: PageFrame,
    pub events: Vec<EventView>,
}
