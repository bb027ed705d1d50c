//! One briefing through the pipeline: its article parsed, every note anchored
//! and numbered ([`PlacedNote`]), the text marked and linked, and the page, its
//! annotations export and its assets rendered.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use crate::anchor::{self, AnchorError, ParsedArticle, QuoteSelector};
use crate::diagnostic::{self, Diagnostic, Position};
use crate::interop::export::{self, ExportContext, ExportNote, Place};
use crate::library::{self, Digest, NoteDigest, PhraseInContext};
use crate::load::model::{Date, NoteKind, NoteSpec, SourceRef, TermSpec, TopicSpec};
use crate::load::yaml::{Spans, Step};
use crate::load::{self, BriefingSource};
use crate::render::glossary::{TermMatcher, TermUse};
use crate::render::html::{is_safe_url, url_scheme, LinkProblem};
use crate::render::markdown::{self, FootnoteMark, NoteMark, TermMark};
use crate::render::page::*;
use crate::source::SourceFile;

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
}

/// The site-wide inputs every briefing is rendered with.
pub(super) struct Shared<'a> {
    pub terms: &'a [TermSpec],
    pub matcher: &'a TermMatcher,
    pub templates: Option<&'a Templates>,
    pub templates_dir: &'a Path,
    pub site: &'a SiteView,
    pub topics: &'a [TopicSpec],
}

/// A note resolved to its place in the article: a quoted phrase from YAML, or a
/// footnote reference written in the article. Unlike a [`NoteSpec`], it cannot
/// point nowhere.
struct PlacedNote<'a> {
    id: String,
    kind: NoteKind,
    html: String,
    /// The note as plain text, for search.
    text: String,
    sources: &'a [SourceRef],
    place: NotePlace,
    /// The YAML note, for what only the export keeps (tags, author, date).
    spec: Option<&'a NoteSpec>,
}

enum NotePlace {
    Quote(anchor::Anchor),
    /// Events of the `[^label]` references, in article order.
    Footnote {
        block: usize,
        offset: usize,
        events: Vec<usize>,
    },
}

impl PlacedNote<'_> {
    /// Where its number stands, for numbering in article order.
    fn order(&self) -> (usize, usize, usize) {
        match &self.place {
            NotePlace::Quote(a) => (a.block, a.range.end, a.range.start),
            NotePlace::Footnote { block, offset, .. } => (*block, *offset, *offset),
        }
    }

    fn reference_count(&self) -> usize {
        match &self.place {
            NotePlace::Quote(_) => 1,
            NotePlace::Footnote { events, .. } => events.len(),
        }
    }
}

pub(super) fn build_briefing(src: &BriefingSource, shared: &Shared) -> BriefingResult {
    let mut diagnostics = Vec::new();
    let article = ParsedArticle::parse(src.body());
    check_article_links(src, &article, &mut diagnostics);
    check_front_matter_urls(src, &mut diagnostics);
    for (i, point) in src.front.editor_summary.iter().enumerate() {
        let at = || {
            src.front_spans
                .value(&[Step::Key("editor_summary"), Step::Index(i)])
        };
        check_markdown_links(
            point,
            "the editor's summary",
            &src.article,
            at,
            &mut diagnostics,
        );
    }
    library::check_briefing_topics(src, shared.topics, &mut diagnostics);
    let mut notes = anchor_notes(src, &article, &mut diagnostics);
    let footnotes = footnotes(src, &article, &mut diagnostics);
    for f in &footnotes {
        if notes.iter().any(|n| n.id == f.id) {
            diagnostics.push(
                src.article
                    .error_at(
                        None,
                        format!(
                            "the footnote `{}` and a note in annotations.yaml share the id `{}`",
                            f.id.trim_start_matches("fn-"),
                            f.id
                        ),
                    )
                    .with_help("rename the note in annotations.yaml, or the footnote label"),
            );
        }
    }
    notes.extend(footnotes);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return BriefingResult {
            page: None,
            diagnostics,
            near_misses: Vec::new(),
        };
    }
    // Numbered in the order their markers appear: note n is notes[n - 1].
    notes.sort_by_key(PlacedNote::order);

    let (note_marks, footnote_marks) = marks(&notes);
    let uses =
        shared
            .matcher
            .first_uses(&article, &quote_boundaries(&note_marks), shared.terms.len());
    let term_marks: Vec<TermMark> = uses
        .iter()
        .map(|u| TermMark {
            id: &shared.terms[u.term].id,
            block: u.block,
            range: u.range.clone(),
        })
        .collect();
    let article_html =
        markdown::render_article(&article, &note_marks, &footnote_marks, &term_marks);

    let language = src
        .front
        .language
        .as_deref()
        .unwrap_or(&shared.site.language);
    let mut files = BTreeMap::new();
    files.insert(
        format!("{}/{}", src.slug, export::FILE_NAME),
        export_annotations(src, language, &article, &notes).into_bytes(),
    );
    let digest = digest(src, &article, &notes);
    if let Some(templates) = shared.templates {
        let terms = page_terms(shared.terms, &uses);
        let mut view = briefing_view(
            src,
            templates.frame(shared.site, "../", language),
            article_html,
            note_views(&notes),
            terms,
        );
        view.timeline = library::timeline(&digest, "", None)
            .into_iter()
            .map(|(_, e)| e)
            .collect();
        view.sources_by_publisher = page_sources(&notes, shared.terms, &uses);
        match templates.render("briefing.html", &view, shared.templates_dir) {
            Ok(html) => {
                files.insert(format!("{}/index.html", src.slug), html.into_bytes());
            }
            Err(d) => diagnostics.push(d),
        }
    }
    copy_assets(src, &mut files, &mut diagnostics);

    let mut used: Vec<usize> = uses.iter().map(|u| u.term).collect();
    used.sort_unstable();
    let terms_used = used.iter().map(|&t| shared.terms[t].id.clone()).collect();
    let see_also = used
        .iter()
        .flat_map(|&t| shared.terms[t].see_also.iter().cloned())
        .collect();
    let front = &src.front;
    let page = BuiltPage {
        slug: src.slug.clone(),
        sort_key: (front.date, src.slug.clone()),
        entry: IndexEntry {
            href: format!("{}/index.html", src.slug),
            title: front.title.clone(),
            publisher: front.source.as_ref().and_then(|s| s.publisher.clone()),
            date: front.date.as_ref().map(DateView::from),
            notes: notes.len(),
            summary: front.summary.clone(),
        },
        notes: notes.len(),
        terms_used,
        see_also,
        text: article.text(),
        files,
        digest,
    };
    BriefingResult {
        page: Some(page),
        diagnostics,
        near_misses: library::near_miss::near_misses(src, &article, shared.terms, &uses),
    }
}

/// Links and images of the article itself: safe schemes, nothing from the network.
fn check_article_links(
    src: &BriefingSource,
    article: &ParsedArticle,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for d in &article.destinations {
        if let Some(problem) = LinkProblem::of(&d.url, d.image) {
            let at = Some(src.article.position(src.body_start + d.source));
            diagnostics.push(
                src.article
                    .error_at(at, problem.message(&d.url, "the article"))
                    .with_help(problem.help()),
            );
        }
    }
}

/// Anchors every YAML note in one pass over the article, checking each note's
/// sources and links on the way.
fn anchor_notes<'a>(
    src: &'a BriefingSource,
    article: &ParsedArticle,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<PlacedNote<'a>> {
    let all: Vec<(&SourceFile, &Spans, usize, &NoteSpec)> = src
        .notes
        .iter()
        .flat_map(|f| {
            f.value
                .iter()
                .enumerate()
                .map(move |(i, n)| (&f.file, &f.spans, i, n))
        })
        .collect();
    let selectors: Vec<QuoteSelector> = all
        .iter()
        .map(|(_, _, _, n)| QuoteSelector {
            exact: &n.quote,
            prefix: n.prefix.as_deref(),
            suffix: n.suffix.as_deref(),
            occurrence: n.occurrence,
        })
        .collect();
    let mut placed = Vec::new();
    for ((file, spans, i, note), result) in
        all.into_iter().zip(anchor::anchor_all(article, &selectors))
    {
        let at = |key: &str| spans.value(&[Step::Index(i), Step::Key(key)]);
        check_sources(file, spans, &[Step::Index(i)], &note.sources, diagnostics);
        if note.sources.is_empty() {
            diagnostics.push(
                file.warning_at(at("id"), format!("note `{}` lists no source", note.id))
                    .with_help(
                        "add `sources:` with the title, publisher, date and URL behind the note",
                    ),
            );
        }
        check_markdown_links(&note.note, "a note", file, || at("note"), diagnostics);
        match result {
            Ok(a) => {
                if a.folded_only {
                    diagnostics.push(
                        file.warning_at(
                            at("quote"),
                            format!(
                                "quote of note `{}` matches only after typographic folding",
                                note.id
                            ),
                        )
                        .with_help(format!(
                            "the article reads \"{}\"; copy it exactly",
                            anchor::collapse_whitespace(
                                &article.blocks[a.block].text[a.range.clone()]
                            )
                        )),
                    );
                }
                placed.push(PlacedNote {
                    id: note.id.clone(),
                    kind: note.kind,
                    html: markdown::render_markdown(&note.note),
                    text: markdown::markdown_text(&note.note),
                    sources: &note.sources,
                    place: NotePlace::Quote(a),
                    spec: Some(note),
                });
            }
            Err(e) => diagnostics.push(anchor_diagnostic(src, article, file, at("quote"), note, e)),
        }
    }
    placed
}

/// Footnotes written in the article, which join the notes' numbering.
fn footnotes<'a>(
    src: &BriefingSource,
    article: &ParsedArticle,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<PlacedNote<'a>> {
    let mut placed: Vec<PlacedNote> = Vec::new();
    let mut by_label: HashMap<&str, usize> = HashMap::new();
    for r in &article.footnote_refs {
        if let Some(&p) = by_label.get(r.label.as_str()) {
            if let NotePlace::Footnote { events, .. } = &mut placed[p].place {
                events.push(r.event);
            }
            continue;
        }
        let Some((events, _)) = article.footnote_defs.get(&r.label) else {
            continue;
        };
        by_label.insert(&r.label, placed.len());
        placed.push(PlacedNote {
            id: format!("fn-{}", load::slugify(&r.label)),
            kind: NoteKind::Footnote,
            html: markdown::render_events(events, article.has_raw_html),
            text: markdown::plain_text(events.iter().cloned()),
            sources: &[],
            place: NotePlace::Footnote {
                block: r.block,
                offset: r.offset,
                events: vec![r.event],
            },
            spec: None,
        });
    }
    for (label, (_, at)) in &article.footnote_defs {
        if !by_label.contains_key(label.as_str()) {
            diagnostics.push(
                src.article
                    .warning_at(
                        Some(src.article.position(src.body_start + at)),
                        format!("footnote `[^{label}]` is defined but never referenced"),
                    )
                    .with_help(format!(
                        "reference it in the text as `[^{label}]`, or remove the definition"
                    )),
            );
        }
    }
    let mut ids = BTreeSet::new();
    for p in &placed {
        if !ids.insert(&p.id) {
            diagnostics.push(
                src.article
                    .error_at(
                        None,
                        format!("two footnote labels both become the id `{}`", p.id),
                    )
                    .with_help("rename one of the footnotes"),
            );
        }
    }
    placed
}

/// What the renderer marks in the text, from the numbered notes.
fn marks<'n>(notes: &'n [PlacedNote]) -> (Vec<NoteMark<'n>>, Vec<FootnoteMark<'n>>) {
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
fn quote_boundaries(marks: &[NoteMark]) -> Vec<(usize, usize)> {
    marks
        .iter()
        .flat_map(|m| [(m.block, m.range.start), (m.block, m.range.end)])
        .collect()
}

fn ref_id(note_id: &str, k: usize) -> String {
    if k == 0 {
        format!("ref-{note_id}")
    } else {
        format!("ref-{note_id}-{}", k + 1)
    }
}

fn note_views(notes: &[PlacedNote]) -> Vec<NoteView> {
    notes
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let number = i + 1;
            let refs = p.reference_count();
            NoteView {
                id: p.id.clone(),
                number,
                kind: p.kind.name(),
                kind_label: p.kind.label(),
                html: p.html.clone(),
                sources: p.sources.iter().map(SourceView::from).collect(),
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

/// What the site's library pages keep of the briefing.
fn digest(src: &BriefingSource, article: &ParsedArticle, notes: &[PlacedNote]) -> Digest {
    Digest {
        slug: src.slug.clone(),
        title: src.front.title.clone(),
        summary: src.front.summary.clone(),
        date: src.front.date,
        topics: src.front.topics.clone(),
        notes: notes
            .iter()
            .enumerate()
            .map(|(i, p)| NoteDigest {
                id: p.id.clone(),
                number: i + 1,
                kind: p.kind,
                text: p.text.clone(),
                phrase: match &p.place {
                    NotePlace::Quote(a) => {
                        Some(PhraseInContext::new(article, a.block, a.range.clone()))
                    }
                    NotePlace::Footnote { .. } => None,
                },
                topics: p.spec.map(|s| s.topics.clone()).unwrap_or_default(),
                events: p.spec.map(|s| s.events.clone()).unwrap_or_default(),
            })
            .collect(),
        blocks: Digest::blocks_of(article),
    }
}

/// The page's Sources section: what its notes and its glossary terms cite.
fn page_sources(
    notes: &[PlacedNote],
    terms: &[TermSpec],
    uses: &[TermUse],
) -> Vec<library::PublisherSources> {
    let mut citing: Vec<library::Citing> = notes
        .iter()
        .enumerate()
        .map(|(i, p)| library::Citing {
            href: format!("#note-{}", p.id),
            label: format!("note {}", i + 1),
            sources: p.sources,
        })
        .collect();
    let mut used: Vec<usize> = uses.iter().map(|u| u.term).collect();
    used.sort_by_key(|&t| library::alphabetical_key(&terms[t]));
    citing.extend(used.iter().map(|&t| library::Citing {
        href: format!("#term-{}", terms[t].id),
        label: terms[t].term.clone(),
        sources: &terms[t].sources,
    }));
    library::sources_by_publisher(&citing)
}

/// The page's glossary: the terms it uses, in alphabetical order, each linking back
/// to its first use; see-also links stay on the page when they can.
fn page_terms(terms: &[TermSpec], uses: &[TermUse]) -> Vec<TermView> {
    let mut used: Vec<usize> = uses.iter().map(|u| u.term).collect();
    used.sort_by_key(|&t| library::alphabetical_key(&terms[t]));
    let on_page: BTreeSet<&str> = used.iter().map(|&t| terms[t].id.as_str()).collect();
    used.iter()
        .map(|&t| {
            let term = &terms[t];
            let back = LinkView {
                href: format!("#use-{}", term.id),
                label: term.abbr.clone().unwrap_or_else(|| term.term.clone()),
            };
            term_view(term, terms, vec![back], |id| {
                if on_page.contains(id) {
                    format!("#term-{id}")
                } else {
                    format!("../glossary/index.html#term-{id}")
                }
            })
        })
        .collect()
}

/// A glossary entry for a template; `see_also_href` says where a linked term lives.
pub(super) fn term_view(
    t: &TermSpec,
    all: &[TermSpec],
    uses: Vec<LinkView>,
    see_also_href: impl Fn(&str) -> String,
) -> TermView {
    TermView {
        id: t.id.clone(),
        term: t.term.clone(),
        abbr: t.abbr.clone(),
        definition_html: markdown::render_markdown(&t.definition),
        sources: t.sources.iter().map(SourceView::from).collect(),
        see_also: t
            .see_also
            .iter()
            .map(|id| LinkView {
                href: see_also_href(id),
                label: all
                    .iter()
                    .find(|o| &o.id == id)
                    .map_or_else(|| id.clone(), |o| o.term.clone()),
            })
            .collect(),
        uses,
    }
}

fn briefing_view(
    src: &BriefingSource,
    frame: PageFrame,
    article_html: String,
    notes: Vec<NoteView>,
    terms: Vec<TermView>,
) -> BriefingView {
    let front = &src.front;
    let original = front.source.clone().unwrap_or_default();
    BriefingView {
        frame,
        slug: src.slug.clone(),
        title: front.title.clone(),
        date: front.date.as_ref().map(DateView::from),
        checked: front.checked.as_ref().map(DateView::from),
        summary: front.summary.clone(),
        original: OriginalView {
            publisher: original.publisher,
            title: original.title,
            url: original.url.filter(|u| is_safe_url(u)),
            published: original.published.as_ref().map(DateView::from),
            author: original.author,
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
            href: export::FILE_NAME.to_string(),
            label: "application/ld+json".to_string(),
        }],
        timeline: Vec::new(),
        sources_by_publisher: Vec::new(),
    }
}

/// The notes as a W3C Web Annotation collection.
fn export_annotations(
    src: &BriefingSource,
    language: &str,
    article: &ParsedArticle,
    notes: &[PlacedNote],
) -> String {
    let export_notes: Vec<ExportNote> = notes
        .iter()
        .map(|p| ExportNote {
            id: &p.id,
            kind: p.kind,
            html: &p.html,
            place: match &p.place {
                NotePlace::Quote(a) => Place::Quote {
                    block: a.block,
                    range: a.range.clone(),
                },
                NotePlace::Footnote { block, offset, .. } => Place::Point {
                    block: *block,
                    offset: *offset,
                },
            },
            sources: p.sources,
            tags: p.spec.map(|s| s.tags.as_slice()).unwrap_or_default(),
            author: p.spec.and_then(|s| s.author.as_deref()),
            date: p.spec.and_then(|s| s.date),
        })
        .collect();
    let context = ExportContext {
        title: &src.front.title,
        language,
        source_url: src
            .front
            .source
            .as_ref()
            .and_then(|s| s.url.as_deref())
            .filter(|u| is_safe_url(u)),
    };
    export::annotation_collection(&context, article, &export_notes)
}

/// Files of the briefing folder other than its text, copied beside the page.
fn copy_assets(
    src: &BriefingSource,
    files: &mut BTreeMap<String, Vec<u8>>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for asset in &src.assets {
        match std::fs::read(asset) {
            Ok(bytes) => {
                // Output paths are `/`-separated, whatever the platform.
                let rel: Vec<String> = asset
                    .strip_prefix(&src.dir)
                    .unwrap_or(asset)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                let key = format!("{}/{}", src.slug, rel.join("/"));
                if files.contains_key(&key) {
                    diagnostics.push(
                        Diagnostic::error(asset, format!("this file would replace the generated {key}"))
                            .with_help("rename the file; index.html and annotations.jsonld are written by briefing"),
                    );
                    continue;
                }
                files.insert(key, bytes);
            }
            Err(e) => diagnostics.push(Diagnostic::error(asset, format!("cannot read file: {e}"))),
        }
    }
}

fn check_front_matter_urls(src: &BriefingSource, diagnostics: &mut Vec<Diagnostic>) {
    if let Some(url) = src.front.source.as_ref().and_then(|s| s.url.as_ref()) {
        if !matches!(url_scheme(url).as_deref(), Some("http" | "https")) {
            let at = src
                .front_spans
                .value(&[Step::Key("source"), Step::Key("url")]);
            diagnostics.push(
                src.article
                    .error_at(at, format!("the original's URL `{url}` is not an http(s) address"))
                    .with_help("give the full address starting with https://, or leave `url` out if it is not known"),
            );
        }
    }
}

/// Source lists: unsafe URLs are errors; a missing date or URL, a non-web URL
/// and a source listed twice are warnings.
pub(super) fn check_sources(
    file: &SourceFile,
    spans: &Spans,
    base: &[Step],
    sources: &[SourceRef],
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (j, s) in sources.iter().enumerate() {
        let mut path = base.to_vec();
        path.extend([Step::Key("sources"), Step::Index(j)]);
        // Positions are looked up only for a problem: reading them costs a parse.
        let at = || spans.value(&path);
        match &s.url {
            Some(url) if !is_safe_url(url) => diagnostics.push(
                file.error_at(at(), format!("source URL `{url}` is not allowed"))
                    .with_help("source links must be http(s) addresses"),
            ),
            Some(url) if !matches!(url_scheme(url).as_deref(), Some("http" | "https")) => {
                diagnostics.push(
                    file.warning_at(
                        at(),
                        format!("source URL `{url}` is not an http(s) address"),
                    )
                    .with_help("give the full address, starting with https://"),
                )
            }
            Some(_) => {}
            None => diagnostics.push(
                file.warning_at(at(), format!("source “{}” has no URL", s.title))
                    .with_help("add `url:` so readers can check the source"),
            ),
        }
        if let Some(url) = &s.archived {
            if !matches!(url_scheme(url).as_deref(), Some("http" | "https")) {
                diagnostics.push(
                    file.error_at(at(), format!("archived copy `{url}` is not an http(s) address"))
                        .with_help("give the archive's full address, starting with https://, or leave `archived` out"),
                );
            }
        }
        if s.date.is_none() {
            diagnostics.push(
                file.warning_at(at(), format!("source “{}” has no date", s.title))
                    .with_help("add `date:` (YYYY-MM-DD, YYYY-MM or YYYY)"),
            );
        }
        if sources[..j].contains(s) {
            diagnostics.push(
                file.warning_at(at(), format!("source “{}” is listed twice", s.title))
                    .with_help("remove the duplicate"),
            );
        }
    }
}

/// Links and images in a note: only safe schemes, and nothing from the network.
pub(super) fn check_markdown_links(
    markdown: &str,
    place: &str,
    file: &SourceFile,
    at: impl Fn() -> Option<Position>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (url, image, _) in markdown::destinations(markdown) {
        if let Some(problem) = LinkProblem::of(&url, image) {
            diagnostics.push(
                file.error_at(at(), problem.message(&url, place))
                    .with_help(problem.help()),
            );
        }
    }
}

/// Turns an anchoring failure into a diagnostic at the note's `quote:`.
fn anchor_diagnostic(
    src: &BriefingSource,
    article: &ParsedArticle,
    file: &SourceFile,
    at: Option<Position>,
    note: &NoteSpec,
    error: AnchorError,
) -> Diagnostic {
    // `article.md:12`, or just `article.md` where the text has no source line.
    let place = |block: usize, offset: usize| {
        let path = diagnostic::display_path(&src.article.path);
        match article.source_offset(block, offset) {
            Some(o) => format!("{path}:{}", src.article.position(src.body_start + o).line),
            None => path,
        }
    };
    let id = &note.id;
    match error {
        AnchorError::EmptyQuote => file
            .error_at(at, format!("note `{id}` has an empty quote"))
            .with_help("copy the phrase the note explains from the article into `quote:`"),
        AnchorError::NotFound { suggestion } => {
            let help = match suggestion {
                Some(s) => format!(
                    "did you mean \"{}\"? ({}, {:.0}% similar)",
                    s.text,
                    place(s.block, s.range.start),
                    s.similarity * 100.0
                ),
                None => "copy the phrase exactly as the article has it; case matters".to_string(),
            };
            file.error_at(at, format!("quote of note `{id}` not found in the article")).with_help(help)
        }
        AnchorError::CrossesBlocks => file
            .error_at(at, format!("quote of note `{id}` runs across two paragraphs"))
            .with_help("a quote must lie within one paragraph, heading or list item; shorten it"),
        AnchorError::ContextNotFound { count } => file
            .error_at(at, format!("the prefix/suffix of note `{id}` match none of the {count} places where the quote occurs"))
            .with_help("copy the text right before (`prefix`) or after (`suffix`) the phrase exactly"),
        AnchorError::NoSuchOccurrence { asked, count } => file
            .error_at(at, format!("note `{id}` asks for occurrence {asked}, but the quote occurs {count} time(s)"))
            .with_help(format!("use an `occurrence` from 1 to {count}")),
        AnchorError::Ambiguous { candidates, count } => {
            let mut help = format!("the quote occurs {count} times; pick one:");
            for (k, c) in candidates.iter().enumerate() {
                let how = c.disambiguation().unwrap_or_else(|| format!("occurrence: {}", k + 1));
                help.push_str(&format!("\n  {}: add `{how}`", place(c.block, c.range.start)));
            }
            file.error_at(at, format!("quote of note `{id}` is ambiguous")).with_help(help)
        }
    }
}
