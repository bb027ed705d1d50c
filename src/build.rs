//! The pipeline, end to end: load → anchor → render, all in memory. Writing is
//! [`crate::output`]'s job, so `check` and `serve` share every step but the last.
//!
//! [`Incremental`] keeps each briefing's result between builds: `serve` rebuilds
//! only the briefings an edit touched ([`Scope`]), then puts the index and
//! glossary pages together again from all of them. [`build_site`] is one full
//! [`Incremental`] build.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::anchor::article::markdown_options;
use crate::anchor::{self, AnchorError, ParsedArticle, QuoteSelector};
use crate::diagnostic::{self, Diagnostic, Position};
use crate::interop::export::{self, ExportContext, ExportNote, Place};
use crate::load::model::{NoteKind, NoteSpec, SourceRef, TermSpec};
use crate::load::yaml::{Spans, Step};
use crate::load::{self, BriefingSource, YamlFile};
use crate::render::glossary::TermMatcher;
use crate::render::html::{is_safe_url, url_scheme};
use crate::render::markdown::{self, FootnoteMark, NoteMark, TermMark};
use crate::render::page::*;
use crate::source::SourceFile;
use crate::Error;

/// The built site, in memory: output paths (relative, `/`-separated) to bytes.
#[derive(Debug, Default)]
pub struct Site {
    pub files: BTreeMap<String, Vec<u8>>,
    pub briefings: usize,
    pub notes: usize,
    pub terms: usize,
}

/// A build's result: the site if there were no errors, and every diagnostic.
#[derive(Debug)]
pub struct Outcome {
    pub site: Option<Site>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Outcome {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// Builds the project at `root` in memory.
pub fn build_site(root: &Path) -> Result<Outcome, Error> {
    Incremental::new(root).build()
}

/// What a set of changed files affects, so that a rebuild redoes no more than that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Nothing the site is built from (an editor's swap file, a file outside content/).
    Nothing,
    /// These briefing folders, by name; the index and glossary pages are redone too,
    /// since they list every briefing.
    Briefings(BTreeSet<String>),
    /// `site.yaml`, `glossary.yaml` or a template: every page depends on them.
    Everything,
}

impl Scope {
    /// Classifies changed paths, given relative to the project root.
    pub fn of<'a>(changed: impl IntoIterator<Item = &'a Path>) -> Scope {
        let mut briefings = BTreeSet::new();
        for path in changed {
            let parts: Vec<String> = path
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            // The loader skips hidden files and folders; editors keep swap files there.
            if parts.iter().any(|name| name.starts_with('.')) {
                continue;
            }
            match parts
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .as_slice()
            {
                ["templates", ..] | ["content"] => return Scope::Everything,
                ["content", "site.yaml" | "glossary.yaml"] => return Scope::Everything,
                ["content", name, ..] => {
                    briefings.insert(name.to_string());
                }
                _ => {}
            }
        }
        if briefings.is_empty() {
            Scope::Nothing
        } else {
            Scope::Briefings(briefings)
        }
    }
}

/// A build kept in memory, so that after an edit only the briefings the edit
/// touched are loaded and rendered again; the others' pages are reused.
pub struct Incremental {
    root: PathBuf,
    /// What every briefing depends on; `None` until a build succeeded in reading it.
    shared: Option<SharedInputs>,
    /// Problems found listing `content/` (symbolic links).
    listing: Vec<Diagnostic>,
    /// Each briefing folder's last result, by folder name.
    briefings: BTreeMap<String, BriefingResult>,
    /// The folders the last (re)build loaded and rendered.
    rendered: Vec<String>,
}

/// site.yaml, glossary.yaml and the templates, as every briefing page uses them.
struct SharedInputs {
    site: load::model::SiteConfig,
    glossary: Option<YamlFile<Vec<TermSpec>>>,
    templates: Option<Templates>,
    matcher: TermMatcher,
    diagnostics: Vec<Diagnostic>,
}

impl SharedInputs {
    fn load(root: &Path) -> Result<SharedInputs, Error> {
        let (shared, mut diagnostics) = load::load_shared(&root.join("content"))?;
        let templates = match Templates::load(&root.join("templates")) {
            Ok(t) => Some(t),
            Err(d) => {
                diagnostics.push(d);
                None
            }
        };
        let matcher = TermMatcher::new(
            shared
                .glossary
                .as_ref()
                .map(|g| g.value.as_slice())
                .unwrap_or_default(),
        );
        Ok(SharedInputs {
            site: shared.site,
            glossary: shared.glossary,
            templates,
            matcher,
            diagnostics,
        })
    }

    fn terms(&self) -> &[TermSpec] {
        self.glossary
            .as_ref()
            .map(|g| g.value.as_slice())
            .unwrap_or_default()
    }

    fn site_view(&self) -> SiteView {
        SiteView {
            title: self.site.title.clone(),
            language: self.site.language.clone(),
            description: self.site.description.clone(),
        }
    }
}

impl Incremental {
    /// Prepares a build of the project at `root`; nothing is read yet.
    pub fn new(root: &Path) -> Incremental {
        Incremental {
            root: root.to_path_buf(),
            shared: None,
            listing: Vec::new(),
            briefings: BTreeMap::new(),
            rendered: Vec::new(),
        }
    }

    /// Builds everything, forgetting what an earlier build kept.
    pub fn build(&mut self) -> Result<Outcome, Error> {
        self.rebuild(&Scope::Everything)
    }

    /// Rebuilds what `scope` affects, reusing the rest from the last build. After an
    /// I/O error the next rebuild starts from scratch, since the cache may be stale.
    pub fn rebuild(&mut self, scope: &Scope) -> Result<Outcome, Error> {
        let result = self.update(scope);
        if result.is_err() {
            self.shared = None;
            self.briefings.clear();
        }
        result?;
        Ok(self.assemble())
    }

    /// The briefing folders that the last (re)build loaded and rendered.
    pub fn rendered(&self) -> &[String] {
        &self.rendered
    }

    fn update(&mut self, scope: &Scope) -> Result<(), Error> {
        let everything = matches!(scope, Scope::Everything) || self.shared.is_none();
        if everything {
            self.briefings.clear();
            self.shared = Some(SharedInputs::load(&self.root)?);
        }
        let content_dir = self.root.join("content");
        let (folders, listing) = load::briefing_folders(&content_dir)?;
        self.listing = listing;
        let present: BTreeSet<&str> = folders.iter().map(|(name, _)| name.as_str()).collect();
        self.briefings
            .retain(|name, _| present.contains(name.as_str()));
        let touched = |name: &str| match scope {
            Scope::Briefings(names) => names.contains(name),
            _ => false,
        };
        let todo: Vec<&(String, PathBuf)> = folders
            .iter()
            .filter(|(name, _)| !self.briefings.contains_key(name) || touched(name))
            .collect();
        let shared = self.shared.as_ref().ok_or_else(|| {
            Error::Usage("internal error: shared inputs missing after loading".into())
        })?;
        let templates_dir = self.root.join("templates");
        let site_view = shared.site_view();
        let build_one = |(name, path): &&(String, PathBuf)| -> Result<_, Error> {
            let (source, mut diagnostics) = load::load_briefing(path, name)?;
            let mut result = match source {
                Some(src) => build_briefing(
                    &src,
                    shared.terms(),
                    &shared.matcher,
                    shared.templates.as_ref(),
                    &templates_dir,
                    &site_view,
                ),
                None => BriefingResult {
                    page: None,
                    diagnostics: Vec::new(),
                },
            };
            diagnostics.append(&mut result.diagnostics);
            result.diagnostics = diagnostics;
            Ok((name.clone(), result))
        };
        // One briefing (the usual edit) is built right here: handing it to the
        // thread pool only adds a wake-up to the edit-to-reload time.
        let results: Vec<(String, BriefingResult)> = if todo.len() == 1 {
            todo.iter().map(build_one).collect::<Result<_, Error>>()?
        } else {
            todo.par_iter()
                .map(build_one)
                .collect::<Result<_, Error>>()?
        };
        self.rendered = results.iter().map(|(name, _)| name.clone()).collect();
        self.briefings.extend(results);
        Ok(())
    }

    /// Puts the cached pages together with a fresh index and glossary page.
    fn assemble(&self) -> Outcome {
        let Some(shared) = &self.shared else {
            return Outcome {
                site: None,
                diagnostics: Vec::new(),
            };
        };
        let terms = shared.terms();
        let templates_dir = self.root.join("templates");
        let mut diagnostics = shared.diagnostics.clone();
        diagnostics.extend(self.listing.iter().cloned());
        let mut site = Site::default();
        let mut used_in: BTreeMap<usize, Vec<LinkView>> = BTreeMap::new();
        let mut entries = Vec::new();
        for r in self.briefings.values() {
            diagnostics.extend(r.diagnostics.iter().cloned());
            if let Some(page) = &r.page {
                site.notes += page.notes;
                for t in &page.terms_used {
                    used_in.entry(*t).or_default().push(LinkView {
                        href: format!("../{}/index.html#use-{}", page.slug, terms[*t].id),
                        label: page.entry.title.clone(),
                    });
                }
                entries.push((page.sort_key.clone(), page.entry.clone()));
                site.files
                    .extend(page.files.iter().map(|(k, v)| (k.clone(), v.clone())));
                site.briefings += 1;
            }
        }
        if let Some(g) = &shared.glossary {
            warn_unused_terms(g, &used_in, &mut diagnostics);
        }
        site.terms = terms.len();

        if let Some(templates) = &shared.templates {
            // Newest first; undated last; then by slug for a stable order.
            entries.sort_by(|(a, _), (b, _)| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let index = IndexView {
                site: shared.site_view(),
                css: templates.css.clone(),
                js: templates.js.clone(),
                root: "",
                language: shared.site.language.clone(),
                briefings: entries.into_iter().map(|(_, e)| e).collect(),
                terms: terms.len(),
            };
            push_page(
                &mut site,
                "index.html",
                templates.render("index.html", &index, &templates_dir),
                &mut diagnostics,
            );
            let glossary = GlossaryView {
                site: shared.site_view(),
                css: templates.css.clone(),
                js: templates.js.clone(),
                root: "../",
                language: shared.site.language.clone(),
                terms: terms
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        term_view(t, used_in.remove(&i).unwrap_or_default(), |id| {
                            format!("#term-{id}")
                        })
                    })
                    .collect(),
            };
            push_page(
                &mut site,
                "glossary/index.html",
                templates.render("glossary.html", &glossary, &templates_dir),
                &mut diagnostics,
            );
        }

        diagnostic::sort(&mut diagnostics);
        let failed = diagnostics.iter().any(Diagnostic::is_error) || shared.templates.is_none();
        Outcome {
            site: (!failed).then_some(site),
            diagnostics,
        }
    }
}

fn push_page(
    site: &mut Site,
    path: &str,
    rendered: Result<String, Diagnostic>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    match rendered {
        Ok(html) => {
            site.files.insert(path.to_string(), html.into_bytes());
        }
        Err(d) => diagnostics.push(d),
    }
}

fn warn_unused_terms(
    g: &YamlFile<Vec<TermSpec>>,
    used: &BTreeMap<usize, Vec<LinkView>>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (i, t) in g.value.iter().enumerate() {
        if !used.contains_key(&i) {
            let at = g.spans.value(&[Step::Index(i), Step::Key("term")]);
            diagnostics.push(
                g.file
                    .warning_at(at, format!("glossary term `{}` is not used in any briefing", t.id))
                    .with_help("add the word as it appears in the article to `aliases`, or remove the term"),
            );
        }
    }
}

struct BriefingResult {
    page: Option<BuiltPage>,
    diagnostics: Vec<Diagnostic>,
}

struct BuiltPage {
    slug: String,
    sort_key: (Option<crate::load::model::Date>, String),
    entry: IndexEntry,
    notes: usize,
    terms_used: Vec<usize>,
    files: BTreeMap<String, Vec<u8>>,
}

/// A note from YAML or a footnote from the article, before numbering.
struct PendingNote<'a> {
    id: String,
    kind: NoteKind,
    html: String,
    sources: &'a [SourceRef],
    /// Where its markers stand: (block, offset), for numbering in article order.
    position: (usize, usize, usize),
    anchor: Option<anchor::Anchor>,
    footnote_events: Vec<usize>,
    /// The YAML note, for what only the export keeps (tags, author, date).
    spec: Option<&'a NoteSpec>,
}

fn build_briefing(
    src: &BriefingSource,
    terms: &[TermSpec],
    matcher: &TermMatcher,
    templates: Option<&Templates>,
    templates_dir: &Path,
    site: &SiteView,
) -> BriefingResult {
    let mut diagnostics = Vec::new();
    let article = ParsedArticle::parse(src.body());
    let article_pos = |body_offset: usize| Some(src.article.position(src.body_start + body_offset));

    for d in &article.destinations {
        if !is_safe_url(&d.url) {
            diagnostics.push(
                src.article
                    .error_at(article_pos(d.source), format!("unsafe link `{}` in the article", d.url))
                    .with_help("links may be http(s), mailto or relative; `javascript:` and `data:` URLs are not allowed"),
            );
        } else if d.image && url_scheme(&d.url).is_some() {
            diagnostics.push(
                src.article
                    .error_at(
                        article_pos(d.source),
                        format!("image `{}` would be loaded from the network", d.url),
                    )
                    .with_help("save the image in the briefing folder and link it by file name"),
            );
        }
    }

    // Notes from YAML, anchored in one pass.
    let all_notes: Vec<(&YamlFile<Vec<NoteSpec>>, usize, &NoteSpec)> = src
        .notes
        .iter()
        .flat_map(|f| f.value.iter().enumerate().map(move |(i, n)| (f, i, n)))
        .collect();
    let selectors: Vec<QuoteSelector> = all_notes
        .iter()
        .map(|(_, _, n)| QuoteSelector {
            exact: &n.quote,
            prefix: n.prefix.as_deref(),
            suffix: n.suffix.as_deref(),
            occurrence: n.occurrence,
        })
        .collect();
    let anchors = anchor::anchor_all(&article, &selectors);
    let mut pending = Vec::new();
    for ((file, i, note), result) in all_notes.iter().zip(anchors) {
        let at = |key: &str| file.spans.value(&[Step::Index(*i), Step::Key(key)]);
        check_sources(
            &file.file,
            &file.spans,
            &[Step::Index(*i)],
            &note.sources,
            &mut diagnostics,
        );
        if note.sources.is_empty() {
            diagnostics.push(
                file.file
                    .warning_at(at("id"), format!("note `{}` lists no source", note.id))
                    .with_help(
                        "add `sources:` with the title, publisher, date and URL behind the note",
                    ),
            );
        }
        check_markdown_links(&note.note, &file.file, || at("note"), &mut diagnostics);
        match result {
            Ok(a) => {
                if a.folded_only {
                    diagnostics.push(
                        file.file
                            .warning_at(
                                at("quote"),
                                format!(
                                    "quote of note `{}` matches only after typographic folding",
                                    note.id
                                ),
                            )
                            .with_help(format!(
                                "the article reads \"{}\"; copy it exactly",
                                &article.blocks[a.block].text[a.range.clone()]
                            )),
                    );
                }
                pending.push(PendingNote {
                    id: note.id.clone(),
                    kind: note.kind,
                    html: markdown::render_markdown(&note.note),
                    sources: &note.sources,
                    position: (a.block, a.range.end, a.range.start),
                    anchor: Some(a),
                    footnote_events: Vec::new(),
                    spec: Some(note),
                });
            }
            Err(e) => diagnostics.push(anchor_diagnostic(
                src,
                &article,
                &file.file,
                at("quote"),
                note,
                e,
            )),
        }
    }

    // Footnotes written in the article join the same numbering.
    let mut footnote_ids: HashMap<&str, usize> = HashMap::new();
    for r in &article.footnote_refs {
        if let Some(&p) = footnote_ids.get(r.label.as_str()) {
            pending[p].footnote_events.push(r.event);
            continue;
        }
        let Some((events, _)) = article.footnote_defs.get(&r.label) else {
            continue;
        };
        footnote_ids.insert(&r.label, pending.len());
        pending.push(PendingNote {
            id: format!("fn-{}", load::slugify(&r.label)),
            kind: NoteKind::Footnote,
            html: markdown::render_events(events, article.has_raw_html),
            sources: &[],
            position: (r.block, r.offset, r.offset),
            anchor: None,
            footnote_events: vec![r.event],
            spec: None,
        });
    }
    for (label, (_, at)) in &article.footnote_defs {
        if !footnote_ids.contains_key(label.as_str()) {
            diagnostics.push(
                src.article
                    .warning_at(
                        article_pos(*at),
                        format!("footnote `[^{label}]` is defined but never referenced"),
                    )
                    .with_help(format!(
                        "reference it in the text as `[^{label}]`, or remove the definition"
                    )),
            );
        }
    }
    let mut seen_ids = BTreeSet::new();
    for p in &pending {
        if p.kind == NoteKind::Footnote && !seen_ids.insert(p.id.clone()) {
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

    if diagnostics.iter().any(Diagnostic::is_error) {
        return BriefingResult {
            page: None,
            diagnostics,
        };
    }
    pending.sort_by_key(|p| p.position);

    let note_marks: Vec<NoteMark> = pending
        .iter()
        .enumerate()
        .filter_map(|(n, p)| {
            p.anchor.as_ref().map(|a| NoteMark {
                id: &p.id,
                number: n + 1,
                block: a.block,
                range: a.range.clone(),
            })
        })
        .collect();
    let footnote_marks: Vec<FootnoteMark> = pending
        .iter()
        .enumerate()
        .flat_map(|(n, p)| {
            p.footnote_events
                .iter()
                .enumerate()
                .map(move |(k, &event)| FootnoteMark {
                    id: &p.id,
                    number: n + 1,
                    event,
                    ref_id: ref_id(&p.id, k),
                })
        })
        .collect();

    let boundaries: Vec<(usize, usize)> = note_marks
        .iter()
        .flat_map(|m| [(m.block, m.range.start), (m.block, m.range.end)])
        .collect();
    let uses = matcher.first_uses(&article, &boundaries, terms.len());
    let term_marks: Vec<TermMark> = uses
        .iter()
        .map(|u| TermMark {
            id: &terms[u.term].id,
            block: u.block,
            range: u.range.clone(),
        })
        .collect();
    let article_html =
        markdown::render_article(&article, &note_marks, &footnote_marks, &term_marks);

    let notes: Vec<NoteView> = pending
        .iter()
        .enumerate()
        .map(|(n, p)| {
            let refs = p.footnote_events.len().max(1);
            NoteView {
                id: p.id.clone(),
                number: n + 1,
                kind: p.kind.name(),
                kind_label: p.kind.label(),
                html: p.html.clone(),
                sources: p.sources.iter().map(SourceView::from).collect(),
                backlinks: (0..refs)
                    .map(|k| LinkView {
                        href: format!("#{}", ref_id(&p.id, k)),
                        label: if refs == 1 {
                            format!("note {}", n + 1)
                        } else {
                            format!("reference {} of note {}", k + 1, n + 1)
                        },
                    })
                    .collect(),
            }
        })
        .collect();

    // The page's glossary: the terms it uses, in glossary order.
    let mut used: Vec<usize> = uses.iter().map(|u| u.term).collect();
    used.sort_unstable();
    let on_page: BTreeSet<&str> = used.iter().map(|&t| terms[t].id.as_str()).collect();
    let term_views: Vec<TermView> = used
        .iter()
        .map(|&t| {
            let uses = vec![LinkView {
                href: format!("#use-{}", terms[t].id),
                label: terms[t]
                    .abbr
                    .clone()
                    .unwrap_or_else(|| terms[t].term.clone()),
            }];
            term_view(&terms[t], uses, |id| {
                if on_page.contains(id) {
                    format!("#term-{id}")
                } else {
                    format!("../glossary/index.html#term-{id}")
                }
            })
        })
        .collect();

    let front = &src.front;
    let original = front.source.clone().unwrap_or_default();
    let view = BriefingView {
        site: site.clone(),
        css: templates.map(|t| t.css.clone()).unwrap_or_default(),
        js: templates.map(|t| t.js.clone()).unwrap_or_default(),
        root: "../",
        language: front
            .language
            .clone()
            .unwrap_or_else(|| site.language.clone()),
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
        terms: term_views,
        alternates: vec![LinkView {
            href: export::FILE_NAME.to_string(),
            label: "application/ld+json".to_string(),
        }],
    };
    let export_notes: Vec<ExportNote> = pending
        .iter()
        .map(|p| ExportNote {
            id: &p.id,
            kind: p.kind,
            html: &p.html,
            place: match &p.anchor {
                Some(a) => Place::Quote {
                    block: a.block,
                    range: a.range.clone(),
                },
                None => Place::Point {
                    block: p.position.0,
                    offset: p.position.1,
                },
            },
            sources: p.sources,
            tags: p.spec.map(|s| s.tags.as_slice()).unwrap_or_default(),
            author: p.spec.and_then(|s| s.author.as_deref()),
            date: p.spec.and_then(|s| s.date),
        })
        .collect();
    let export_context = ExportContext {
        title: &front.title,
        language: &view.language,
        source_url: view.original.url.as_deref(),
    };
    let annotations = export::annotation_collection(&export_context, &article, &export_notes);
    check_front_matter_urls(src, &mut diagnostics);

    let mut files = BTreeMap::new();
    files.insert(
        format!("{}/{}", src.slug, export::FILE_NAME),
        annotations.into_bytes(),
    );
    if let Some(templates) = templates {
        match templates.render("briefing.html", &view, templates_dir) {
            Ok(html) => {
                files.insert(format!("{}/index.html", src.slug), html.into_bytes());
            }
            Err(d) => diagnostics.push(d),
        }
    }
    for asset in &src.assets {
        match std::fs::read(asset) {
            Ok(bytes) => {
                let name = asset
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                files.insert(format!("{}/{name}", src.slug), bytes);
            }
            Err(e) => diagnostics.push(Diagnostic::error(asset, format!("cannot read file: {e}"))),
        }
    }
    let page = BuiltPage {
        slug: src.slug.clone(),
        sort_key: (front.date, src.slug.clone()),
        entry: IndexEntry {
            href: format!("{}/index.html", src.slug),
            title: front.title.clone(),
            publisher: front.source.as_ref().and_then(|s| s.publisher.clone()),
            date: front.date.as_ref().map(DateView::from),
            notes: pending.len(),
            summary: front.summary.clone(),
        },
        notes: pending.len(),
        terms_used: used,
        files,
    };
    BriefingResult {
        page: Some(page),
        diagnostics,
    }
}

fn ref_id(note_id: &str, k: usize) -> String {
    if k == 0 {
        format!("ref-{note_id}")
    } else {
        format!("ref-{note_id}-{}", k + 1)
    }
}

fn term_view(
    t: &TermSpec,
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
                label: id.clone(),
            })
            .collect(),
        uses,
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
pub fn check_sources(
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
fn check_markdown_links(
    markdown: &str,
    file: &SourceFile,
    at: impl Fn() -> Option<Position>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // Every link or image needs a `[` (or `<` for an autolink); most notes have neither.
    if !markdown.contains(['[', '<']) {
        return;
    }
    let destinations =
        pulldown_cmark::Parser::new_ext(markdown, markdown_options()).filter_map(|e| match e {
            pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { dest_url, .. }) => {
                Some((dest_url, false))
            }
            pulldown_cmark::Event::Start(pulldown_cmark::Tag::Image { dest_url, .. }) => {
                Some((dest_url, true))
            }
            _ => None,
        });
    for (url, image) in destinations {
        if !is_safe_url(&url) {
            diagnostics.push(
                file.error_at(at(), format!("unsafe link `{url}` in a note"))
                    .with_help("links may be http(s), mailto or relative; `javascript:` and `data:` URLs are not allowed"),
            );
        } else if image && url_scheme(&url).is_some() {
            diagnostics.push(
                file.error_at(
                    at(),
                    format!("image `{url}` would be loaded from the network"),
                )
                .with_help("notes cannot load images from the network; link to the image instead"),
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
    let line_of = |block: usize, offset: usize| {
        article
            .source_offset(block, offset)
            .map(|o| src.article.position(src.body_start + o).line)
            .unwrap_or(0)
    };
    let article_path = diagnostic::display_path(&src.article.path);
    let id = &note.id;
    match error {
        AnchorError::EmptyQuote => file
            .error_at(at, format!("note `{id}` has an empty quote"))
            .with_help("copy the phrase the note explains from the article into `quote:`"),
        AnchorError::NotFound { suggestion } => {
            let help = match suggestion {
                Some(s) => format!(
                    "did you mean \"{}\"? ({article_path}:{}, {:.0}% similar)",
                    s.text,
                    line_of(s.block, s.range.start),
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
                let how = c.disambiguation.clone().unwrap_or_else(|| format!("occurrence: {}", k + 1));
                help.push_str(&format!("\n  {article_path}:{}: add `{how}`", line_of(c.block, c.range.start)));
            }
            file.error_at(at, format!("quote of note `{id}` is ambiguous")).with_help(help)
        }
    }
}

/// Default output folder for a project root.
pub fn default_output(root: &Path) -> PathBuf {
    root.join("public")
}
