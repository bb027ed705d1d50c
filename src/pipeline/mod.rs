//! The orchestrator: load → article → anchor → validate → render, all in
//! memory, then [`crate::output`] for `build`; `check` and `serve` share every
//! step but the last. Each stage's logic lives in its own module; this one only
//! hands their results on, caches them and runs briefings in parallel.
//!
//! [`Incremental`] keeps each briefing's result between builds: `serve` rebuilds
//! only the briefings an edit touched ([`Scope`]), then puts the index and
//! glossary pages together again from all of them. [`build_site`] is one full
//! [`Incremental`] build.

mod briefing;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::anchor::terms::TermMatcher;
use crate::diagnostic::{self, Diagnostic};
use crate::load::address::BaseUrl;
use crate::load::model::{TermSpec, TopicSpec};
use crate::load::{self, YamlFile};
use crate::output::{self, CancelToken, SiteFiles, Stager};
use crate::publish::{self, PageKind};
use crate::render::page::{GlossaryView, IndexView, LinkView, NotFoundView, SiteView, Templates};
use crate::render::views::{self, term_view};
use crate::validate;
use crate::Error;
use briefing::{build_briefing, BriefingResult, BuiltPage, SiteWide};

/// The built site, in memory: output paths (relative, `/`-separated) to bytes.
#[derive(Debug, Default)]
pub struct Site {
    /// Every file of the site.
    pub files: SiteFiles,
    /// How many briefings were built, for the summary line.
    pub briefings: usize,
    /// How many notes they hold in all.
    pub notes: usize,
    /// How many glossary terms the site has.
    pub terms: usize,
    /// Where the site is published, if it says: feed, sitemap and canonical
    /// links were made only then.
    pub base_url: Option<BaseUrl>,
}

/// A build's result: the site if there were no errors, and every diagnostic.
#[derive(Debug)]
pub struct Outcome {
    /// The site, or `None` when there were errors (or the templates could not be read).
    pub site: Option<Site>,
    /// Every error and warning, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Glossary terms a briefing may have meant but never links: warnings that
    /// only `check` reports, since they are hints, not problems.
    pub near_misses: Vec<Diagnostic>,
}

impl Outcome {
    /// How many of the diagnostics are errors.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// Builds the project at `root` in memory.
pub fn build_site(root: &Path) -> Result<Outcome, Error> {
    let mut build = Incremental::new(root);
    build.near_misses = true;
    build.build()
}

/// What a glossary edit changed: the ids of terms added, removed or edited, and
/// the forms (term, abbreviation, aliases) under which they appear, old or new.
struct GlossaryChanges {
    ids: BTreeSet<String>,
    forms: Option<aho_corasick::AhoCorasick>,
}

fn glossary_changes(old: &[TermSpec], new: &[TermSpec]) -> GlossaryChanges {
    let same = |a: &TermSpec, list: &[TermSpec]| list.iter().any(|b| b == a);
    let changed: Vec<&TermSpec> = old
        .iter()
        .filter(|t| !same(t, new))
        .chain(new.iter().filter(|t| !same(t, old)))
        .collect();
    let forms: Vec<String> = changed
        .iter()
        .flat_map(|t| crate::anchor::terms::written_forms(t))
        .map(|(form, _)| form)
        .collect();
    GlossaryChanges {
        ids: changed.iter().map(|t| t.id.to_string()).collect(),
        forms: aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&forms)
            .ok()
            .filter(|_| !forms.is_empty()),
    }
}

impl GlossaryChanges {
    /// A page is affected if it links a changed term, links a term whose
    /// see-also names a changed one, or has text in which a changed form appears
    /// (which may now be linked, or no longer). Over-approximate, never under.
    fn affects(&self, page: &BuiltPage) -> bool {
        page.terms_used.iter().any(|(id, _)| self.ids.contains(id))
            || self.forms.as_ref().is_some_and(|f| f.is_match(&page.text))
            || !self.ids.is_empty() && self.see_also_touched(page)
    }

    fn see_also_touched(&self, page: &BuiltPage) -> bool {
        page.see_also.iter().any(|id| self.ids.contains(id))
    }
}

/// Whether [`Incremental::assemble`] keeps the briefings' pages for a later rebuild.
#[derive(Clone, Copy)]
enum Pages {
    Copy,
    Move,
}

/// Told how a build is going, one briefing at a time; the command line shows a
/// progress bar with it on a terminal. Called from the build's worker threads.
pub trait Progress: Sync {
    /// The build is about to render this many briefings.
    fn start(&self, _briefings: usize) {}
    /// One more briefing is rendered.
    fn advance(&self) {}
}

/// No progress report.
impl Progress for () {}

/// `briefing build`: builds the project at `root` into the folder `output`.
/// Each briefing's files go to a staging folder as soon as they are rendered;
/// the output is changed only if the whole build has no errors and `cancel`
/// was not cancelled, and then only in files briefing wrote. The outcome's site
/// (`None` after errors) holds the counts and the index and glossary pages.
/// `base_url`, when given, replaces the one in `site.yaml` (`build --base-url`).
pub fn build_into(
    root: &Path,
    output: &Path,
    base_url: Option<BaseUrl>,
    progress: &dyn Progress,
    cancel: &CancelToken,
) -> Result<Outcome, Error> {
    output::check_output_dir(root, output)?;
    let stager = Stager::new(output, cancel)?;
    // What recovering from an interrupted build did is said with the build's warnings.
    let recovered = stager.recovered.clone();
    let mut outcome = build_site_into(root, base_url, progress, &stager)?;
    if cancel.is_cancelled() {
        return Err(Error::Interrupted);
    }
    outcome
        .diagnostics
        .extend(recovered.map(|note| Diagnostic::warning(output, note)));
    if let Some(site) = &outcome.site {
        for (rel, bytes) in &site.files {
            stager.stage(rel, bytes)?;
        }
        let stats = stager.commit()?;
        for kept in &stats.kept {
            outcome.diagnostics.push(
                Diagnostic::warning(output.join(kept), "left in place: an earlier build wrote it, but it changed since (or is listed without a checksum), so it is now yours")
                    .with_help("delete it if the site no longer needs it"),
            );
        }
    }
    Ok(outcome)
}

/// [`build_site`], reporting progress, with each briefing's files handed to
/// `stager` as soon as they are rendered instead of kept: the returned site holds
/// only the index and glossary pages.
fn build_site_into(
    root: &Path,
    base_url: Option<BaseUrl>,
    progress: &dyn Progress,
    stager: &Stager,
) -> Result<Outcome, Error> {
    let mut build = Incremental::new(root);
    build.base_url = base_url;
    build.update(&Scope::Everything, progress, Some(stager))?;
    // Nothing is rebuilt later: the pages move into the site instead of being copied.
    Ok(build.assemble(Pages::Move))
}

/// What a set of changed files affects, so that a rebuild redoes no more than that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Nothing the site is built from (an editor's swap file, a file outside content/).
    Nothing,
    /// These briefing folders, by name; the index and glossary pages are redone too,
    /// since they list every briefing.
    Briefings(BTreeSet<String>),
    /// `glossary.yaml` (and these briefing folders): the briefings that used a
    /// changed term, or in whose text a changed term may now appear, are redone.
    Glossary(BTreeSet<String>),
    /// `site.yaml` or a template: every page depends on them.
    Everything,
}

impl Scope {
    /// Classifies changed paths, given relative to the project root.
    pub fn of<'a>(changed: impl IntoIterator<Item = &'a Path>) -> Scope {
        let mut briefings = BTreeSet::new();
        let mut glossary = false;
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
                ["content", "site.yaml" | "topics.yaml"] => return Scope::Everything,
                ["content", "glossary.yaml"] => glossary = true,
                ["content", name, ..] => {
                    briefings.insert(name.to_string());
                }
                _ => {}
            }
        }
        if glossary {
            Scope::Glossary(briefings)
        } else if briefings.is_empty() {
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
    /// Replaces `base_url` of `site.yaml`.
    base_url: Option<BaseUrl>,
    /// Whether to look for near-misses: only `check` ([`build_site`]) reports
    /// them, and the search is a pass over every article.
    near_misses: bool,
}

/// site.yaml, glossary.yaml and the templates, as every briefing page uses them.
struct SharedInputs {
    site: load::model::SiteConfig,
    glossary: Option<YamlFile<Vec<TermSpec>>>,
    topics: Option<YamlFile<Vec<TopicSpec>>>,
    templates: Option<Templates>,
    matcher: TermMatcher,
    diagnostics: Vec<Diagnostic>,
}

impl SharedInputs {
    fn load(root: &Path, base_url: Option<&BaseUrl>) -> Result<SharedInputs, Error> {
        let (mut shared, mut diagnostics) = load::load_shared(&root.join("content"))?;
        if let Some(url) = base_url {
            shared.site.base_url = Some(url.clone());
        }
        let templates = match Templates::load(&root.join("templates")) {
            Ok(t) => Some(t),
            Err(d) => {
                diagnostics.push(d);
                None
            }
        };
        if let Some(site) = &shared.site_file {
            diagnostics.extend(validate::fields::site_language(site));
        }
        if let Some(g) = &shared.glossary {
            diagnostics.extend(validate::glossary(g));
        }
        if let Some(t) = &shared.topics {
            diagnostics.extend(validate::topics::topic_file(t));
        }
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
            topics: shared.topics,
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

    fn topics(&self) -> &[TopicSpec] {
        self.topics
            .as_ref()
            .map(|t| t.value.as_slice())
            .unwrap_or_default()
    }

    fn site_view(&self) -> SiteView {
        views::site_view(&self.site)
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
            base_url: None,
            near_misses: false,
        }
    }

    /// Builds everything, forgetting what an earlier build kept.
    pub fn build(&mut self) -> Result<Outcome, Error> {
        self.rebuild(&Scope::Everything)
    }

    /// Rebuilds what `scope` affects, reusing the rest from the last build. After an
    /// I/O error the next rebuild starts from scratch, since the cache may be stale.
    pub fn rebuild(&mut self, scope: &Scope) -> Result<Outcome, Error> {
        let result = self.update(scope, &(), None);
        if result.is_err() {
            self.shared = None;
            self.briefings.clear();
        }
        result?;
        Ok(self.assemble(Pages::Copy))
    }

    /// The briefing folders that the last (re)build loaded and rendered.
    pub fn rendered(&self) -> &[String] {
        &self.rendered
    }

    fn update(
        &mut self,
        scope: &Scope,
        progress: &dyn Progress,
        stager: Option<&Stager>,
    ) -> Result<(), Error> {
        let everything = matches!(scope, Scope::Everything) || self.shared.is_none();
        if everything {
            self.briefings.clear();
            self.shared = Some(SharedInputs::load(&self.root, self.base_url.as_ref())?);
        } else if let Scope::Glossary(_) = scope {
            let shared = SharedInputs::load(&self.root, self.base_url.as_ref())?;
            let old = self
                .shared
                .as_ref()
                .map(SharedInputs::terms)
                .unwrap_or_default();
            let stale = glossary_changes(old, shared.terms());
            self.briefings
                .retain(|_, r| r.page.as_ref().is_some_and(|p| !stale.affects(p)));
            self.shared = Some(shared);
        }
        let content_dir = self.root.join("content");
        let (folders, listing) = load::briefing_folders(&content_dir)?;
        self.listing = listing;
        let present: BTreeSet<&str> = folders.iter().map(|(name, _)| name.as_str()).collect();
        self.briefings
            .retain(|name, _| present.contains(name.as_str()));
        let touched = |name: &str| match scope {
            Scope::Briefings(names) | Scope::Glossary(names) => names.contains(name),
            _ => false,
        };
        let todo: Vec<&(String, PathBuf)> = folders
            .iter()
            .filter(|(name, _)| !self.briefings.contains_key(name) || touched(name))
            .collect();
        let shared = self
            .shared
            .as_ref()
            .ok_or_else(|| Error::Internal("shared inputs missing after loading".into()))?;
        let templates_dir = self.root.join("templates");
        let site_view = shared.site_view();
        let build_one = |(name, path): &&(String, PathBuf)| -> Result<_, Error> {
            let (source, mut diagnostics) = load::load_briefing(path, name)?;
            let mut result = match source {
                Some(src) => build_briefing(
                    &src,
                    &SiteWide {
                        terms: shared.terms(),
                        matcher: &shared.matcher,
                        templates: shared.templates.as_ref(),
                        templates_dir: &templates_dir,
                        site: &site_view,
                        topics: shared.topics(),
                        near_misses: self.near_misses,
                    },
                ),
                None => BriefingResult {
                    page: None,
                    diagnostics: Vec::new(),
                    near_misses: Vec::new(),
                },
            };
            diagnostics.append(&mut result.diagnostics);
            result.diagnostics = diagnostics;
            if let (Some(stager), Some(page)) = (stager, result.page.as_mut()) {
                for (rel, bytes) in std::mem::take(&mut page.files) {
                    stager.stage(&rel, &bytes)?;
                }
            }
            progress.advance();
            Ok((name.clone(), result))
        };
        progress.start(todo.len());
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
    fn assemble(&mut self, pages: Pages) -> Outcome {
        let Some(shared) = &self.shared else {
            return Outcome {
                site: None,
                diagnostics: Vec::new(),
                near_misses: Vec::new(),
            };
        };
        let terms = shared.terms();
        let templates_dir = self.root.join("templates");
        let mut diagnostics = shared.diagnostics.clone();
        diagnostics.extend(self.listing.iter().cloned());
        let mut site = Site::default();
        let mut used_in: BTreeMap<usize, Vec<LinkView>> = BTreeMap::new();
        let mut entries = Vec::new();
        let mut near_misses = Vec::new();
        let mut facts = Vec::new();
        for r in self.briefings.values_mut() {
            diagnostics.extend(r.diagnostics.iter().cloned());
            near_misses.extend(r.near_misses.iter().cloned());
            if let Some(page) = &mut r.page {
                site.notes += page.notes;
                for (id, first_use) in &page.terms_used {
                    if let Some(t) = terms.iter().position(|t| t.id.as_str() == id) {
                        used_in.entry(t).or_default().push(LinkView {
                            href: format!("../{}/index.html{first_use}", page.slug),
                            label: page.entry.title.clone(),
                        });
                    }
                }
                entries.push((page.sort_key.clone(), page.entry.clone()));
                facts.push(page.facts.clone());
                match pages {
                    Pages::Copy => site.files.extend(page.files.clone()),
                    Pages::Move => site.files.append(&mut page.files),
                }
                site.briefings += 1;
            }
        }
        // A briefing that failed has no page, so the terms it uses would look
        // unused: the warning is only true when every briefing was built.
        // Nor after an error in the glossary, whose term may be the one at fault.
        let all_built = self.briefings.values().all(|r| r.page.is_some());
        // Borrowed, not copied: the digests hold every article's text.
        let mut digests: Vec<_> = self
            .briefings
            .values()
            .filter_map(|r| r.page.as_ref())
            .map(|page| (&page.sort_key, &page.digest))
            .collect();
        let glossary_ok = |g: &&YamlFile<Vec<TermSpec>>| {
            !shared
                .diagnostics
                .iter()
                .any(|d| d.is_error() && d.path == g.file.path)
        };
        if let Some(g) = shared
            .glossary
            .as_ref()
            .filter(|g| all_built && glossary_ok(g))
        {
            diagnostics.extend(validate::unused_terms(
                g,
                &used_in.keys().copied().collect(),
            ));
        }
        site.terms = terms.len();
        let site_view = shared.site_view();
        site.base_url = site_view.base_url.clone();

        if let Some(templates) = &shared.templates {
            // Newest first; undated last; then by slug for a stable order.
            entries.sort_by(|(a, _), (b, _)| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            digests.sort_by(|(a, _), (b, _)| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let digests: Vec<&crate::library::Digest> = digests.iter().map(|(_, d)| *d).collect();
            let frame = |root: &str, page: PageKind| {
                let mut frame = templates.frame(&site_view, root, &shared.site.language);
                frame.meta = publish::page_meta(&site_view, page);
                frame
            };
            let library_frame = |root: &str, path: &str, title: &str| {
                frame(root, PageKind::Library { path, title })
            };
            for (path, page) in crate::library::pages::site_pages(
                templates,
                &library_frame,
                shared.topics(),
                terms,
                &digests,
                &templates_dir,
            ) {
                push_page(&mut site, &path, page, &mut diagnostics);
            }
            let index = IndexView {
                frame: frame("", PageKind::Home),
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
                frame: frame("../", PageKind::Glossary),
                letters: crate::library::pages::by_letter(terms, |i, t| {
                    term_view(t, terms, used_in.remove(&i).unwrap_or_default(), |id| {
                        format!("#term-{id}")
                    })
                }),
            };
            push_page(
                &mut site,
                "glossary/index.html",
                templates.render("glossary.html", &glossary, &templates_dir),
                &mut diagnostics,
            );
            // Hosts serve it for any missing address, at any depth: only an
            // absolute path to the root (known from base_url) works everywhere.
            let root = site_view.base_url.as_ref().map_or("", BaseUrl::path);
            let not_found = NotFoundView {
                frame: frame(root, PageKind::NotFound),
            };
            push_page(
                &mut site,
                "404.html",
                templates.render("404.html", &not_found, &templates_dir),
                &mut diagnostics,
            );
        }
        let content_dir = self.root.join("content");
        let library_pages: Vec<String> = site
            .files
            .keys()
            .filter(|p| crate::library::pages::is_library_page(p))
            .filter_map(|p| p.strip_suffix("index.html").map(str::to_string))
            .collect();
        site.files.extend(publish::site_files(
            &site_view,
            &facts,
            &library_pages,
            &content_dir,
            &mut diagnostics,
        ));

        diagnostic::sort(&mut diagnostics);
        let failed = diagnostics.iter().any(Diagnostic::is_error) || shared.templates.is_none();
        diagnostic::sort(&mut near_misses);
        Outcome {
            site: (!failed).then_some(site),
            diagnostics,
            near_misses,
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

/// Default output folder for a project root.
pub fn default_output(root: &Path) -> PathBuf {
    root.join("public")
}
