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
mod cache;
mod pages;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::anchor::terms::TermMatcher;
use crate::diagnostic::{self, Diagnostic};
use crate::library::pages::{PageFile, PageMaker};
use crate::load::address::BaseUrl;
use crate::load::model::{SourceRef, TermSpec, TopicSpec};
use crate::load::yaml::At;
use crate::load::{self, YamlFile};
use crate::output::{self, CancelToken, SiteFiles, Stager};
use crate::publish::{self, PageKind};
use crate::render::page::{GlossaryView, IndexView, LinkView, NotFoundView, SiteView, Templates};
use crate::render::views::{self, term_view};
use crate::validate;
use crate::Error;
use briefing::{build_briefing, BriefingResult, BuiltPage, SiteWide};
use cache::BuildCache;
use pages::{Maker, PageRecord};

/// The built site, in memory: output paths (relative, `/`-separated) to bytes.
#[derive(Debug, Default)]
pub struct Site {
    /// Every file of the site.
    pub files: SiteFiles,
    /// How many briefings were built, for the summary line.
    pub briefings: usize,
    /// How many briefing folders were loaded and rendered by this build.
    pub rendered: usize,
    /// How many were taken from the build cache instead (their inputs had not changed).
    pub reused: usize,
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

/// A glossary term as the change check sees it: its id, a fingerprint of the
/// whole entry, and the forms under which it appears in text. The build cache
/// keeps these of the glossary its entries were rendered with, so that serve
/// and the cache tell the same way which pages a glossary edit touches.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct TermPrint {
    id: String,
    print: String,
    forms: Vec<String>,
    /// The name a see-also link to the term shows.
    label: String,
}

/// The prints of a glossary, in glossary order.
pub(crate) fn term_prints(terms: &[TermSpec]) -> Vec<TermPrint> {
    terms
        .iter()
        .map(|t| TermPrint {
            id: t.id.value.clone(),
            print: crate::output::sha256_hex(term_values(t).as_bytes()),
            forms: crate::anchor::terms::written_forms(t)
                .into_iter()
                .map(|(form, _)| form)
                .collect(),
            label: t.term.value.clone(),
        })
        .collect()
}

/// Everything a glossary entry says, without where it says it: moving a term
/// down the file changes no page. Every field is named, so that a new one
/// cannot be left out.
fn term_values(t: &TermSpec) -> String {
    let TermSpec {
        id,
        term,
        abbr,
        aliases,
        definition,
        see_also,
        sources,
        inflect,
    } = t;
    let values = |list: &[At<String>]| list.iter().map(|a| a.value.clone()).collect::<Vec<_>>();
    let sources: Vec<_> = sources
        .iter()
        .map(|s| {
            let SourceRef {
                title,
                publisher,
                date,
                url,
                accessed,
                archived,
            } = s;
            format!(
                "{:?}",
                (
                    &title.value,
                    publisher.as_ref().map(|v| &v.value),
                    date.as_ref().map(|v| v.value),
                    url.as_ref().map(|v| &v.value),
                    accessed.as_ref().map(|v| v.value),
                    archived.as_ref().map(|v| &v.value),
                )
            )
        })
        .collect();
    format!(
        "{:?}",
        (
            &id.value,
            &term.value,
            abbr.as_ref().map(|v| &v.value),
            values(aliases),
            &definition.value,
            values(see_also),
            sources,
            inflect,
        )
    )
}

/// What a glossary edit changed: the ids of terms added, removed or edited, of
/// those added, removed or renamed (what a see-also link to them shows), the
/// forms (term, abbreviation, aliases) under which they appear, old or new, and
/// where each term now stands in the glossary.
struct GlossaryChanges {
    ids: BTreeSet<String>,
    renamed: BTreeSet<String>,
    forms: Option<aho_corasick::AhoCorasick>,
    order: std::collections::HashMap<String, usize>,
}

fn glossary_changes(old: &[TermPrint], new: &[TermPrint]) -> GlossaryChanges {
    let same = |a: &TermPrint, list: &[TermPrint]| list.iter().any(|b| b == a);
    let changed: Vec<&TermPrint> = old
        .iter()
        .filter(|t| !same(t, new))
        .chain(new.iter().filter(|t| !same(t, old)))
        .collect();
    let forms: Vec<String> = changed
        .iter()
        .flat_map(|t| t.forms.iter().cloned())
        .collect();
    let named = |list: &[TermPrint]| -> BTreeSet<(String, String)> {
        list.iter()
            .map(|t| (t.id.clone(), t.label.clone()))
            .collect()
    };
    GlossaryChanges {
        ids: changed.iter().map(|t| t.id.clone()).collect(),
        renamed: named(old)
            .symmetric_difference(&named(new))
            .map(|(id, _)| id.clone())
            .collect(),
        forms: aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&forms)
            .ok()
            .filter(|_| !forms.is_empty()),
        order: new
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.clone(), i))
            .collect(),
    }
}

impl GlossaryChanges {
    /// A page is affected if it links a changed term, links a term whose
    /// see-also names a term added, removed or renamed (the link shows the
    /// name only), has text in which a changed form appears (which may now be
    /// linked, or no longer), or lists its terms in an order the glossary no
    /// longer has. Over-approximate, never under. (Near-misses play no
    /// part: only `check` looks for them, and it builds afresh.)
    fn affects(&self, page: &BuiltPage) -> bool {
        page.terms_used.iter().any(|(id, _)| self.ids.contains(id))
            || self
                .forms
                .as_ref()
                .is_some_and(|f| page.digest.texts().any(|t| f.is_match(&t)))
            || self.see_also_touched(page)
            || !self.keeps_order(page)
    }

    fn see_also_touched(&self, page: &BuiltPage) -> bool {
        page.see_also.iter().any(|id| self.renamed.contains(id))
    }

    /// Whether the page's terms, listed in the old glossary's order, are still
    /// in the new one's: the page shows them in that order.
    fn keeps_order(&self, page: &BuiltPage) -> bool {
        let places: Option<Vec<usize>> = page
            .terms_used
            .iter()
            .map(|(id, _)| self.order.get(id).copied())
            .collect();
        places.is_some_and(|p| p.windows(2).all(|w| w[0] < w[1]))
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
/// (`None` after errors) holds the counts and the site pages this build
/// rendered (with a cache, those whose views did not change are kept instead).
/// `base_url`, when given, replaces the one in `site.yaml` (`build --base-url`).
/// With `cache` (a folder, see [`default_cache_dir`]), briefings whose inputs
/// did not change since a build that used the same folder are taken from it
/// instead of being rendered; the site is the same either way.
pub fn build_into(
    root: &Path,
    output: &Path,
    base_url: Option<BaseUrl>,
    cache: Option<&Path>,
    progress: &dyn Progress,
    cancel: &CancelToken,
) -> Result<Outcome, Error> {
    output::check_output_dir(root, output)?;
    if let Some(dir) = cache {
        check_cache_dir(root, output, dir)?;
    }
    // The output's lock and records, and the site-wide inputs, side by side.
    let (stager, shared) = rayon::join(
        || {
            let stager = Stager::new(output, cancel)?;
            Ok::<_, Error>(match cache {
                Some(dir) => stager.remembering_files_in(&cache::output_record(dir, output)),
                None => stager,
            })
        },
        || SharedInputs::load(root, base_url.as_ref()),
    );
    let stager = stager?;
    // What recovering from an interrupted build did is said with the build's warnings.
    let recovered = stager.recovered.clone();
    let mut build = Incremental::new(root);
    build.base_url = base_url;
    build.cache_dir = cache.map(Path::to_path_buf);
    build.shared = Some(shared?);
    build.build_briefings(&Scope::Everything, progress, Some(&stager))?;
    // Nothing is rebuilt later: the pages move into the site instead of being copied.
    let mut outcome = build.assemble(Pages::Move, Some(&stager))?;
    if cancel.is_cancelled() {
        return Err(Error::Interrupted);
    }
    outcome
        .diagnostics
        .extend(recovered.map(|note| Diagnostic::warning(output, note)));
    if let Some(site) = &outcome.site {
        // Side by side: the search index alone is megabytes to hash and write.
        site.files.par_iter().try_for_each(|(rel, bytes)| {
            let sum = stager.stage(rel, bytes)?;
            if let Some(record) = &build.page_record {
                record.staged(rel, sum);
            }
            Ok::<_, Error>(())
        })?;
        let stats = stager.commit()?;
        if let Some(record) = &build.page_record {
            record.save();
        }
        for kept in &stats.kept {
            outcome.diagnostics.push(
                Diagnostic::warning(output.join(kept), "left in place: an earlier build wrote it, but it changed since (or is listed without a checksum), so it is now yours")
                    .with_help("delete it if the site no longer needs it"),
            );
        }
    }
    // Freeing every briefing's result takes milliseconds the caller need not
    // wait for: the output is complete, and a process that exits now skips it.
    // If no thread can be made, `spawn` drops the closure, and so the results, here.
    let _ = std::thread::Builder::new().spawn(move || drop(build));
    Ok(outcome)
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
    /// The build cache's folder, for one-shot builds (`serve` keeps its results in memory).
    cache_dir: Option<PathBuf>,
    /// How many briefings the last (re)build took from the build cache.
    reused: usize,
    /// The site pages earlier one-shot builds rendered, by the hashes of
    /// their views (with a cache and an output only).
    page_record: Option<PageRecord>,
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
    /// Each term's definition as HTML ([`views::definitions`]).
    definitions: Vec<String>,
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
        let terms = shared
            .glossary
            .as_ref()
            .map(|g| g.value.as_slice())
            .unwrap_or_default();
        let matcher = TermMatcher::new(terms);
        let definitions = views::definitions(terms);
        Ok(SharedInputs {
            site: shared.site,
            glossary: shared.glossary,
            topics: shared.topics,
            templates,
            matcher,
            definitions,
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
            cache_dir: None,
            reused: 0,
            page_record: None,
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
        self.assemble(Pages::Copy, None)
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
        self.refresh_shared(scope)?;
        self.build_briefings(scope, progress, stager)
    }

    /// Reads the site-wide inputs again if `scope` may have changed them, and
    /// forgets the briefings built from what changed.
    fn refresh_shared(&mut self, scope: &Scope) -> Result<(), Error> {
        if matches!(scope, Scope::Everything) || self.shared.is_none() {
            self.briefings.clear();
            self.shared = Some(SharedInputs::load(&self.root, self.base_url.as_ref())?);
        } else if let Scope::Glossary(_) = scope {
            let shared = SharedInputs::load(&self.root, self.base_url.as_ref())?;
            let old = self
                .shared
                .as_ref()
                .map(SharedInputs::terms)
                .unwrap_or_default();
            let stale = glossary_changes(&term_prints(old), &term_prints(shared.terms()));
            self.briefings
                .retain(|_, r| r.page.as_ref().is_some_and(|p| !stale.affects(p)));
            self.shared = Some(shared);
        }
        Ok(())
    }

    /// Builds the briefing folders that `scope` names and those without a
    /// result yet, from the site-wide inputs as they are.
    fn build_briefings(
        &mut self,
        scope: &Scope,
        progress: &dyn Progress,
        stager: Option<&Stager>,
    ) -> Result<(), Error> {
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
        let cache = self.cache_dir.as_ref().map(|dir| {
            let key = cache::shared_digest(&content_dir, &site_view, &templates_dir);
            if stager.is_some() {
                self.page_record = Some(PageRecord::open(cache::page_record(dir), &key));
            }
            BuildCache::open(dir, key, term_prints(shared.terms()))
        });
        let render_one = |name: &str, path: &Path| -> Result<BriefingResult, Error> {
            let (source, mut diagnostics) = load::load_briefing(path, name)?;
            let mut result = match source {
                Some(src) => build_briefing(
                    &src,
                    &SiteWide {
                        terms: shared.terms(),
                        definitions: &shared.definitions,
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
            Ok(result)
        };
        // A cached result is taken only if the output still holds its files:
        // they are named by size and hash, not kept.
        let build_one = |(name, path): &&(String, PathBuf)| -> Result<_, Error> {
            let started = std::time::SystemTime::now();
            let (key, cached) = match (&cache, stager) {
                (Some(c), Some(_)) => c.lookup(name, path),
                _ => (None, None),
            };
            let kept = match (cached, stager) {
                (Some((result, files)), Some(stager)) if stager.keep(&files)? => Some(result),
                _ => None,
            };
            let (result, fresh) = match kept {
                Some(result) => (result, false),
                None => {
                    let mut result = render_one(name, path)?;
                    if let (Some(stager), Some(page)) = (stager, result.page.as_mut()) {
                        let mut sums = Vec::new();
                        for (rel, bytes) in std::mem::take(&mut page.files) {
                            sums.push((rel.clone(), stager.stage(&rel, &bytes)?));
                        }
                        if let (Some(c), Some(key)) = (&cache, &key) {
                            c.store(name, path, key, started, &result, sums);
                        }
                    }
                    (result, true)
                }
            };
            progress.advance();
            Ok((name.clone(), result, fresh))
        };
        progress.start(todo.len());
        // One briefing (the usual edit) is built right here: handing it to the
        // thread pool only adds a wake-up to the edit-to-reload time.
        let results: Vec<(String, BriefingResult, bool)> = if todo.len() == 1 {
            todo.iter().map(build_one).collect::<Result<_, Error>>()?
        } else {
            // One briefing per task: rayon otherwise runs long stretches of
            // the list as one unstealable task, and the last one leaves the
            // other core idle for tens of milliseconds at the end.
            todo.par_iter()
                .with_max_len(1)
                .map(build_one)
                .collect::<Result<_, Error>>()?
        };
        if let Some(cache) = &cache {
            cache.prune(&present);
        }
        self.reused = results.iter().filter(|(_, _, fresh)| !fresh).count();
        self.rendered = results
            .iter()
            .filter(|(_, _, fresh)| *fresh)
            .map(|(name, _, _)| name.clone())
            .collect();
        self.briefings
            .extend(results.into_iter().map(|(name, result, _)| (name, result)));
        Ok(())
    }

    /// Puts the cached pages together with the site's own pages. With
    /// `stager` (and a page record), a site page whose view did not change is
    /// kept as the output holds it instead of rendered, and the search index
    /// is staged, not kept in the site.
    fn assemble(&mut self, pages: Pages, stager: Option<&Stager>) -> Result<Outcome, Error> {
        let Some(shared) = &self.shared else {
            return Ok(Outcome {
                site: None,
                diagnostics: Vec::new(),
                near_misses: Vec::new(),
            });
        };
        let terms = shared.terms();
        let templates_dir = self.root.join("templates");
        let mut diagnostics = shared.diagnostics.clone();
        diagnostics.extend(self.listing.iter().cloned());
        let mut site = Site {
            rendered: self.rendered.len(),
            reused: self.reused,
            ..Site::default()
        };
        let mut used_in: BTreeMap<usize, Vec<LinkView>> = BTreeMap::new();
        let mut entries = Vec::new();
        let mut near_misses = Vec::new();
        let mut facts = Vec::new();
        for page in self.briefings.values_mut().filter_map(|r| r.page.as_mut()) {
            match pages {
                Pages::Copy => site.files.extend(page.files.clone()),
                Pages::Move => site.files.append(&mut page.files),
            }
        }
        for r in self.briefings.values() {
            diagnostics.extend(r.diagnostics.iter().cloned());
            near_misses.extend(r.near_misses.iter().cloned());
            if let Some(page) = &r.page {
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
        // The sitemap lists them, kept or rendered.
        let mut library_pages = Vec::new();

        if let Some(templates) = &shared.templates {
            // Newest first; undated last; then by slug for a stable order.
            entries.sort_by(|(a, _), (b, _)| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            digests.sort_by(|(a, _), (b, _)| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let digests: Vec<&crate::library::Digest> = digests.iter().map(|(_, d)| *d).collect();
            let reuse = self.page_record.as_ref().zip(stager);
            let frame = |root: &str, page: PageKind| {
                let mut frame = templates.frame(&site_view, root, &shared.site.language);
                frame.meta = publish::page_meta(&site_view, page);
                frame
            };
            let library_frame = |root: &str, path: &str, title: &str| {
                frame(root, PageKind::Library { path, title })
            };
            let maker = Maker {
                templates,
                templates_dir: &templates_dir,
                reuse,
                digests: reuse.and_then(|_| cache::digests_print(&digests)),
            };
            // The index, glossary and 404 pages, then the search index, made
            // beside the library pages. With a stager, the search index (the
            // site's largest file, made anew by every build) is staged right
            // away, as briefings' pages are.
            let own_pages = || {
                let index = IndexView {
                    frame: frame("", PageKind::Home),
                    briefings: entries.into_iter().map(|(_, e)| e).collect(),
                    terms: terms.len(),
                };
                let glossary = GlossaryView {
                    frame: frame("../", PageKind::Glossary),
                    letters: crate::library::pages::by_letter(terms, |i, t| {
                        let uses = used_in.remove(&i).unwrap_or_default();
                        term_view(t, terms, &shared.definitions[i], uses, |id| {
                            format!("#term-{id}")
                        })
                    }),
                };
                // Hosts serve it for any missing address, at any depth: only an
                // absolute path to the root (known from base_url) works everywhere.
                let root = site_view.base_url.as_ref().map_or("", BaseUrl::path);
                let not_found = NotFoundView {
                    frame: frame(root, PageKind::NotFound),
                };
                [
                    ("index.html", maker.make("index.html", "index.html", &index)),
                    (
                        "glossary/index.html",
                        maker.make("glossary/index.html", "glossary.html", &glossary),
                    ),
                    ("404.html", maker.make("404.html", "404.html", &not_found)),
                ]
            };
            let search_index = || -> Result<_, Error> {
                let path = format!("search/{}", crate::library::search::FILE_NAME);
                let bytes = crate::library::search::index_script(&digests, terms);
                match stager {
                    Some(stager) => stager.stage(&path, &bytes).map(|_| None),
                    None => Ok(Some((path, bytes))),
                }
            };
            let (library, (own, search_index)) = rayon::join(
                || {
                    crate::library::pages::site_pages(
                        &maker,
                        &library_frame,
                        shared.topics(),
                        &digests,
                        (&templates.search_js, &templates.search_js_sha256),
                    )
                },
                || rayon::join(own_pages, search_index),
            );
            for (path, page) in library {
                if crate::library::pages::is_library_page(&path) {
                    library_pages.extend(path.strip_suffix("index.html").map(str::to_string));
                }
                push_page(&mut site, &path, page, &mut diagnostics);
            }
            for (path, page) in own {
                push_page(&mut site, path, page, &mut diagnostics);
            }
            site.files.extend(search_index?);
        }
        let content_dir = self.root.join("content");
        library_pages.sort();
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
        Ok(Outcome {
            site: (!failed).then_some(site),
            diagnostics,
            near_misses,
        })
    }
}

fn push_page(
    site: &mut Site,
    path: &str,
    made: Result<PageFile, Diagnostic>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    match made {
        Ok(PageFile::Rendered(bytes)) => {
            site.files.insert(path.to_string(), bytes);
        }
        Ok(PageFile::Kept) => {}
        Err(d) => diagnostics.push(d),
    }
}

/// Where `briefing build` keeps its cache for a project root, unless told otherwise.
pub fn default_cache_dir(root: &Path) -> PathBuf {
    root.join(cache::DEFAULT_DIR)
}

/// Refuses a cache folder inside the output (it would be published, among
/// files briefing does not list as its own) or inside content/ or templates/
/// (its folders would be read as briefings, or change the keys it is made of).
fn check_cache_dir(root: &Path, output: &Path, cache: &Path) -> Result<(), Error> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (cache_abs, out, root) = (abs(cache), abs(output), abs(root));
    let inside = |dir: &Path| cache_abs.starts_with(dir);
    if inside(&out) || inside(&root.join("content")) || inside(&root.join("templates")) {
        return Err(Error::Usage(format!(
            "cannot keep the build cache in {}: it is inside the output, content/ or templates/; choose another --cache-dir, or --no-cache",
            crate::diagnostic::display_path(cache)
        )));
    }
    Ok(())
}

/// Default output folder for a project root.
pub fn default_output(root: &Path) -> PathBuf {
    root.join("public")
}
