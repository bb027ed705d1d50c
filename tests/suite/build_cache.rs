//! The build cache of `briefing build`: after any sequence of edits (notes,
//! their topics and events, briefings' titles, summaries and dates, glossary,
//! topics, templates, site settings, briefings added and removed, the cache
//! itself damaged), a build that uses the cache writes exactly what a build
//! without it writes, and reports the same diagnostics; a glossary edit
//! re-renders only the briefings that use the changed term, and a note edit
//! none of the site's own pages but the search index. The cache keeps no
//! pages, only their sizes and hashes (and, for the site's own pages, a hash
//! of the view each was rendered from), and takes a page already in the
//! output without reading it when the output file is still the one it saw:
//! the edits also change and delete output files by hand, briefings' pages and
//! the site's own alike, which must be noticed as a build without the cache
//! notices them.

use std::path::{Path, PathBuf};

use crate::common::*;
use briefing::output::CancelToken;
use briefing::pipeline::{build_into, Outcome};
use briefing::Error;
use predicates::prelude::PredicateBooleanExt;
use proptest::prelude::*;

/// A small generated project, and the edits the property test makes to it.
struct Project {
    dir: tempfile::TempDir,
    /// Briefing numbers in content/, in creation order.
    briefings: Vec<usize>,
    next: usize,
    terms: Vec<Term>,
    /// Topic ids and titles of topics.yaml; briefing `n` is about topic `n % 2`.
    topics: Vec<(&'static str, String)>,
    /// Briefings' front matter changed from the first: title, summary, day.
    fronts: std::collections::BTreeMap<usize, Front>,
}

/// What the index, topic, timeline and search pages show of a briefing's
/// front matter.
#[derive(Clone, Default)]
struct Front {
    title: Option<String>,
    summary: Option<String>,
    day: Option<u8>,
}

/// The site's own pages, which edits change or delete by hand too.
const SITE_PAGES: &[&str] = &[
    "index.html",
    "glossary/index.html",
    "topics/index.html",
    "topics/chips/index.html",
    "timeline/index.html",
    "search/index.html",
    "search/search-index.js",
    "404.html",
];

#[derive(Clone)]
struct Term {
    id: &'static str,
    term: &'static str,
    definition: String,
    alias: Option<&'static str>,
}

impl Project {
    fn new(briefings: usize) -> Project {
        let project = Project {
            dir: tempfile::tempdir().unwrap(),
            briefings: (0..briefings).collect(),
            next: briefings,
            terms: vec![
                Term {
                    id: "alpha",
                    term: "Alpha Programme",
                    definition: "A programme.".into(),
                    alias: None,
                },
                Term {
                    id: "beta",
                    term: "Beta",
                    definition: "A second thing.".into(),
                    alias: None,
                },
                Term {
                    id: "gamma",
                    term: "Gamma Network",
                    definition: "A network.".into(),
                    alias: None,
                },
            ],
            topics: vec![("chips", "Chips".into()), ("trade", "Trade".into())],
            fronts: Default::default(),
        };
        project.write("content/site.yaml", "title: Cache test\nlanguage: en\n");
        project.write_glossary();
        project.write_topics();
        for n in 0..briefings {
            project.write_briefing(n, "First note.");
        }
        project
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn cache(&self) -> PathBuf {
        self.root().join(".briefing-cache/build")
    }

    fn output(&self) -> PathBuf {
        self.root().join("public")
    }

    /// A page in the output, if there is one: a briefing's for `i` < 6, else
    /// one of the site's own pages.
    fn output_page(&self, i: usize) -> Option<PathBuf> {
        let rel = match i.checked_sub(6) {
            Some(site) => SITE_PAGES[site % SITE_PAGES.len()].to_string(),
            None => format!("b{}/index.html", self.pick(i)?),
        };
        Some(self.output().join(rel)).filter(|p| p.is_file())
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn write_glossary(&self) {
        let mut yaml = String::new();
        for t in &self.terms {
            // Only Gamma is named by no see-also, so that its edits touch its users only.
            let see_also = if t.id == "alpha" { "beta" } else { "alpha" };
            yaml += &format!(
                "- id: {}\n  term: {}\n  definition: {:?}\n  see_also: [{see_also}]\n",
                t.id, t.term, t.definition
            );
            if let Some(alias) = t.alias {
                yaml += &format!("  aliases: [{alias}]\n");
            }
        }
        self.write("content/glossary.yaml", &yaml);
    }

    fn write_topics(&self) {
        let yaml: String = self
            .topics
            .iter()
            .map(|(id, title)| format!("- id: {id}\n  title: {title:?}\n"))
            .collect();
        self.write("content/topics.yaml", &yaml);
    }

    /// Briefing `n` uses Alpha always, Beta in every other briefing, Gamma in every third.
    fn write_briefing(&self, n: usize, note: &str) {
        self.write_article(n);
        self.write_notes(n, &format!("widgets {n}"), note, "");
    }

    fn write_article(&self, n: usize) {
        let front = self.fronts.get(&n).cloned().unwrap_or_default();
        let title = front.title.unwrap_or_else(|| format!("Briefing {n}"));
        let summary = front
            .summary
            .map(|s| format!("summary: {s:?}\n"))
            .unwrap_or_default();
        let day = front.day.unwrap_or((n % 28 + 1) as u8);
        let beta = if n.is_multiple_of(2) {
            " Beta was there."
        } else {
            ""
        };
        let gamma = if n.is_multiple_of(3) {
            " The Gamma Network grew."
        } else {
            ""
        };
        self.write(
            &format!("content/b{n}/article.md"),
            &format!(
                "---\ntitle: {title:?}\ndate: 2024-01-{day:02}\n{summary}topics: [{}]\n---\nThe Alpha Programme met widgets {n} today.{beta}{gamma}\n\nA second paragraph, as the Board said.\n",
                ["chips", "trade"][n % 2]
            ),
        );
    }

    /// `extra` is more of the note's fields, each on a line of its own.
    fn write_notes(&self, n: usize, quote: &str, note: &str, extra: &str) {
        self.write(
            &format!("content/b{n}/annotations.yaml"),
            &format!(
                "- id: n1\n  quote: {quote:?}\n  kind: context\n  note: {note:?}\n{extra}  sources:\n    - {{title: Report, publisher: Agency, date: 2024, url: \"https://example.org/r\"}}\n"
            ),
        );
    }

    fn pick(&self, i: usize) -> Option<usize> {
        (!self.briefings.is_empty()).then(|| self.briefings[i % self.briefings.len()])
    }

    /// The briefings' entries and the site pages' record.
    fn cache_entries(&self) -> Vec<PathBuf> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(self.cache().join("briefings"))
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        entries.extend(Some(self.cache().join("pages.json")).filter(|p| p.is_file()));
        entries.sort();
        entries
    }

    fn apply(&mut self, edit: &Edit) {
        match edit {
            Edit::Note(i, text) => {
                if let Some(n) = self.pick(*i) {
                    self.write_notes(n, &format!("widgets {n}"), text, "");
                }
            }
            Edit::Event(i, day, label, topic) => {
                if let Some(n) = self.pick(*i) {
                    let extra = format!(
                        "  topics: [{topic}]\n  events:\n    - {{date: 2023-05-{day:02}, label: {label:?}}}\n"
                    );
                    self.write_notes(n, &format!("widgets {n}"), "With an event.", &extra);
                }
            }
            Edit::Title(i, text) | Edit::Summary(i, text) => {
                if let Some(n) = self.pick(*i) {
                    let front = self.fronts.entry(n).or_default();
                    match edit {
                        Edit::Title(..) => front.title = Some(text.clone()),
                        _ => front.summary = Some(text.clone()),
                    }
                    self.write_article(n);
                }
            }
            Edit::Day(i, day) => {
                if let Some(n) = self.pick(*i) {
                    self.fronts.entry(n).or_default().day = Some(*day);
                    self.write_article(n);
                }
            }
            Edit::BreakQuote(i) => {
                if let Some(n) = self.pick(*i) {
                    self.write_notes(n, "no such words", "Broken.", "");
                }
            }
            Edit::TopicTitle(i, title) => {
                let i = i % self.topics.len();
                self.topics[i].1 = title.clone();
                self.write_topics();
            }
            Edit::ToggleTopic => {
                // Without it, the briefings and notes about it are errors.
                if self.topics.len() == 2 {
                    self.topics.pop();
                } else {
                    self.topics.push(("trade", "Trade".into()));
                }
                self.write_topics();
            }
            Edit::StrayFile(i) => {
                // A Markdown file is warned about; a text file is an asset, copied.
                for name in ["stray.md", "asset.txt"] {
                    if let Some(n) = self.pick(*i) {
                        let path = self.root().join(format!("content/b{n}/{name}"));
                        if path.exists() {
                            std::fs::remove_file(path).unwrap();
                        } else {
                            std::fs::write(path, "not read").unwrap();
                        }
                    }
                }
            }
            Edit::Definition(t, text) => {
                let t = t % self.terms.len();
                self.terms[t].definition = text.clone();
                self.write_glossary();
            }
            Edit::Alias(t, alias) => {
                let t = t % self.terms.len();
                self.terms[t].alias = *alias;
                self.write_glossary();
            }
            Edit::Rename(t, name) => {
                let t = t % self.terms.len();
                self.terms[t].term = name;
                self.write_glossary();
            }
            Edit::ReorderGlossary => {
                self.terms.rotate_left(1);
                self.write_glossary();
            }
            Edit::Style(text) => {
                let css = std::fs::read_to_string(
                    Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/style.css"),
                )
                .unwrap();
                self.write("templates/style.css", &format!("{css}\n/* {text} */\n"));
            }
            Edit::SiteTitle(text) => {
                self.write(
                    "content/site.yaml",
                    &format!("title: {text:?}\nlanguage: en\n"),
                );
            }
            Edit::Add => {
                self.write_briefing(self.next, "A new note.");
                self.briefings.push(self.next);
                self.next += 1;
            }
            Edit::Remove(i) => {
                if let Some(n) = self.pick(*i) {
                    std::fs::remove_dir_all(self.root().join(format!("content/b{n}"))).unwrap();
                    self.briefings.retain(|&b| b != n);
                }
            }
            Edit::CorruptCache(i, at, byte) => {
                let entries = self.cache_entries();
                if let Some(path) = entries.get(i % entries.len().max(1)) {
                    let mut bytes = std::fs::read(path).unwrap();
                    if !bytes.is_empty() {
                        let at = at % bytes.len();
                        bytes[at] ^= byte | 1;
                        std::fs::write(path, bytes).unwrap();
                    }
                }
            }
            Edit::TruncateCache(i, len) => {
                let entries = self.cache_entries();
                if let Some(path) = entries.get(i % entries.len().max(1)) {
                    let bytes = std::fs::read(path).unwrap();
                    std::fs::write(path, &bytes[..len % bytes.len().max(1)]).unwrap();
                }
            }
            Edit::SwapCacheEntries => {
                let entries = self.cache_entries();
                if entries.len() >= 2 {
                    let first = std::fs::read(&entries[0]).unwrap();
                    std::fs::copy(&entries[1], &entries[0]).unwrap();
                    std::fs::write(&entries[1], first).unwrap();
                }
            }
            Edit::DeleteCache => {
                let _ = std::fs::remove_dir_all(self.cache());
            }
            Edit::HandEditPage(i, same_size) => {
                if let Some(path) = self.output_page(*i) {
                    let file = std::fs::File::options().write(true).open(&path).unwrap();
                    let modified = file.metadata().unwrap().modified().unwrap();
                    let text = std::fs::read_to_string(&path).unwrap();
                    let edited = if *same_size {
                        text.replacen(['<', 'w'], ">", 1)
                    } else {
                        text + "<!-- mine -->"
                    };
                    std::fs::write(&path, edited).unwrap();
                    // Only the change time still tells.
                    file.set_modified(modified).unwrap();
                }
            }
            Edit::DeletePage(i) => {
                if let Some(path) = self.output_page(*i) {
                    std::fs::remove_file(path).unwrap();
                }
            }
        }
    }

    /// After a page was edited by hand (and the build refused to overwrite
    /// it), the user moves it away, as the error says.
    fn move_hand_edits_away(&self, edit: &Edit) {
        if let Edit::HandEditPage(i, _) = edit {
            if let Some(path) = self.output_page(*i) {
                std::fs::remove_file(path).unwrap();
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Note(usize, String),
    /// A note about a topic, with an event on a day of May 2023.
    Event(usize, u8, String, &'static str),
    BreakQuote(usize),
    /// A briefing's title or summary: the index, topic, search pages change.
    Title(usize, String),
    Summary(usize, String),
    /// A briefing's date, a day of January 2024: its place in the index and
    /// in the search index changes.
    Day(usize, u8),
    TopicTitle(usize, String),
    ToggleTopic,
    StrayFile(usize),
    Definition(usize, String),
    Alias(usize, Option<&'static str>),
    Rename(usize, &'static str),
    ReorderGlossary,
    Style(String),
    SiteTitle(String),
    Add,
    Remove(usize),
    CorruptCache(usize, usize, u8),
    TruncateCache(usize, usize),
    SwapCacheEntries,
    DeleteCache,
    /// A page of the output changed by hand: longer, or of the same size with
    /// its modification time put back.
    HandEditPage(usize, bool),
    DeletePage(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let text = "[A-Za-z ]{1,12}";
    prop_oneof![
        1 => (0..8usize, text).prop_map(|(i, t)| Edit::Note(i, t)),
        1 => (0..8usize, 1..29u8, text, prop::sample::select(vec!["chips", "trade"]))
            .prop_map(|(i, day, label, topic)| Edit::Event(i, day, label, topic)),
        1 => (0..8usize).prop_map(Edit::BreakQuote),
        1 => (0..8usize, text).prop_map(|(i, t)| Edit::Title(i, t)),
        1 => (0..8usize, text).prop_map(|(i, t)| Edit::Summary(i, t)),
        1 => (0..8usize, 1..29u8).prop_map(|(i, day)| Edit::Day(i, day)),
        1 => (0..2usize, text).prop_map(|(i, t)| Edit::TopicTitle(i, t)),
        1 => Just(Edit::ToggleTopic),
        1 => (0..8usize).prop_map(Edit::StrayFile),
        1 => (0..3usize, text).prop_map(|(i, t)| Edit::Definition(i, t)),
        1 => (
            0..3usize,
            prop::sample::select(vec![None, Some("widgets"), Some("second paragraph")])
        )
            .prop_map(|(i, a)| Edit::Alias(i, a)),
        // Renames change what see-also links show: drawn more often.
        3 => (
            0..3usize,
            prop::sample::select(vec!["Beta", "Beta Board", "Gamma Network", "Delta"])
        )
            .prop_map(|(i, name)| Edit::Rename(i, name)),
        1 => Just(Edit::ReorderGlossary),
        1 => text.prop_map(Edit::Style),
        1 => text.prop_map(Edit::SiteTitle),
        1 => Just(Edit::Add),
        1 => (0..8usize).prop_map(Edit::Remove),
        1 => (0..8usize, any::<usize>(), any::<u8>()).prop_map(|(i, a, b)| Edit::CorruptCache(i, a, b)),
        1 => (0..8usize, any::<usize>()).prop_map(|(i, n)| Edit::TruncateCache(i, n)),
        1 => Just(Edit::SwapCacheEntries),
        1 => Just(Edit::DeleteCache),
        1 => (0..14usize, any::<bool>()).prop_map(|(i, same)| Edit::HandEditPage(i, same)),
        1 => (0..14usize).prop_map(Edit::DeletePage),
    ]
}

fn build(root: &Path, output: &Path, cache: Option<&Path>) -> Result<Outcome, Error> {
    build_into(root, output, None, cache, &(), &CancelToken::new())
}

/// Builds with the cache into `warm`, and without it into a copy of `warm` as
/// it was, and checks both wrote the same and said the same (or failed alike).
fn assert_warm_equals_cold(project: &Project, warm: &Path, step: &str) -> Option<Outcome> {
    let cold_dir = tempfile::tempdir().unwrap();
    let cold = cold_dir.path().join("out");
    if warm.exists() {
        copy_tree(warm, &cold);
    }
    let with_cache = build(project.root(), warm, Some(&project.cache()));
    let without = build(project.root(), &cold, None);
    let (with_cache, without) = match (with_cache, without) {
        (Ok(w), Ok(c)) => (w, c),
        (Err(w), Err(c)) => {
            let shown =
                |e: Error, dir: &Path| e.to_string().replace(&dir.display().to_string(), "OUT");
            assert_eq!(shown(w, warm), shown(c, &cold), "{step}: errors");
            return None;
        }
        (w, c) => {
            let said =
                |r: Result<Outcome, Error>| r.map_or_else(|e| e.to_string(), |_| "Ok".into());
            panic!("{step}: with the cache {}, without {}", said(w), said(c))
        }
    };
    assert_eq!(
        with_cache.diagnostics, without.diagnostics,
        "{step}: diagnostics"
    );
    assert_eq!(
        with_cache.site.is_some(),
        without.site.is_some(),
        "{step}: success"
    );
    assert!(
        snapshot_tree(warm) == snapshot_tree(&cold),
        "{step}: output differs"
    );
    Some(with_cache)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn a_build_with_the_cache_equals_one_without(edits in prop::collection::vec(edit(), 1..8)) {
        let mut project = Project::new(4);
        let warm = project.output();
        assert_warm_equals_cold(&project, &warm, "first build");
        for (i, edit) in edits.iter().enumerate() {
            project.apply(edit);
            assert_warm_equals_cold(&project, &warm, &format!("edit {i}: {edit:?}"));
            project.move_hand_edits_away(edit);
        }
    }
}

#[test]
fn only_changed_briefings_are_rendered_again() {
    let mut project = Project::new(6);
    let out = project.root().join("public");
    let counts = |o: &Option<Outcome>| {
        let site = o
            .as_ref()
            .and_then(|o| o.site.as_ref())
            .expect("the build succeeds");
        (site.rendered, site.reused)
    };
    assert_eq!(
        counts(&assert_warm_equals_cold(&project, &out, "cold")),
        (6, 0)
    );
    assert_eq!(
        counts(&assert_warm_equals_cold(&project, &out, "warm")),
        (0, 6)
    );

    project.apply(&Edit::Note(1, "Edited.".into()));
    assert_eq!(
        counts(&assert_warm_equals_cold(&project, &out, "note")),
        (1, 5)
    );

    // Briefings 0 and 3 use Gamma Network, and none of the others' text holds it.
    project.apply(&Edit::Definition(2, "A changed network.".into()));
    assert_eq!(
        counts(&assert_warm_equals_cold(&project, &out, "glossary")),
        (2, 4)
    );

    // Alpha (on every page) names Beta in its see-also, which shows Beta's name
    // only: a new definition of Beta re-renders the pages that use Beta (0, 2, 4),
    // a new name every page.
    project.apply(&Edit::Definition(1, "A changed thing.".into()));
    assert_eq!(
        counts(&assert_warm_equals_cold(&project, &out, "definition")),
        (3, 3)
    );
    project.apply(&Edit::Rename(1, "Beta Board"));
    assert_eq!(
        counts(&assert_warm_equals_cold(&project, &out, "rename")),
        (6, 0)
    );

    project.apply(&Edit::Style("new rule".into()));
    assert_eq!(
        counts(&assert_warm_equals_cold(&project, &out, "template")),
        (6, 0)
    );
}

/// The site's own pages a build rendered (and did not take from the output),
/// but the search index, which a build with a cache stages as it makes it.
fn site_pages_rendered(outcome: &Option<Outcome>) -> Vec<&str> {
    let site = outcome
        .as_ref()
        .and_then(|o| o.site.as_ref())
        .expect("the build succeeds");
    site.files.keys().map(String::as_str).collect()
}

#[test]
fn only_the_site_pages_whose_views_changed_are_rendered_again() {
    let mut project = Project::new(4);
    let out = project.output();
    let cold = assert_warm_equals_cold(&project, &out, "cold");
    assert_eq!(
        site_pages_rendered(&cold),
        [
            "404.html",
            "glossary/index.html",
            "index.html",
            "search/index.html",
            "timeline/index.html",
            "topics/chips/index.html",
            "topics/index.html",
            "topics/trade/index.html",
        ]
    );
    for (edit, rendered) in [
        (None, &[][..]),
        // A note's text shows only on its briefing's page and in the search index.
        (Some(Edit::Note(1, "Edited.".into())), &[][..]),
        // The search page lists the topics with how many notes each has.
        (
            Some(Edit::Event(1, 3, "A day".into(), "chips")),
            &[
                "search/index.html",
                "timeline/index.html",
                "topics/chips/index.html",
                "topics/index.html",
            ][..],
        ),
        (
            Some(Edit::Summary(2, "A new summary".into())),
            &["index.html"][..],
        ),
        (
            Some(Edit::Definition(2, "A changed network.".into())),
            &["glossary/index.html"][..],
        ),
        (
            Some(Edit::Title(3, "A new title".into())),
            &[
                "glossary/index.html",
                "index.html",
                "search/index.html",
                "topics/trade/index.html",
            ][..],
        ),
    ] {
        let step = format!("{edit:?}");
        if let Some(edit) = &edit {
            project.apply(edit);
        }
        let warm = assert_warm_equals_cold(&project, &out, &step);
        assert_eq!(site_pages_rendered(&warm), rendered, "{step}");
    }
}

#[test]
fn warnings_are_reported_on_a_warm_build_and_no_cache_writes_none() {
    let mut project = Project::new(2);
    project.apply(&Edit::StrayFile(0));
    let root = project.root();
    for summary in [
        "2 rendered, 0 from the cache",
        "0 rendered, 2 from the cache",
    ] {
        briefing()
            .args(["build", "--root"])
            .arg(root)
            .assert()
            .success()
            .stdout(predicates::str::contains(summary))
            .stderr(predicates::str::contains("stray.md is not read"));
    }
    std::fs::remove_dir_all(root.join(".briefing-cache")).unwrap();
    briefing()
        .args(["build", "--no-cache", "--root"])
        .arg(root)
        .assert()
        .success()
        .stdout(predicates::str::contains("from the cache").not());
    assert!(!root.join(".briefing-cache").exists());

    let elsewhere = root.join("elsewhere");
    briefing()
        .args(["build", "--root"])
        .arg(root)
        .arg("--cache-dir")
        .arg(&elsewhere)
        .assert()
        .success();
    assert!(elsewhere.join("briefings/b0.entry").is_file());

    briefing()
        .args(["build", "--root"])
        .arg(root)
        .arg("--cache-dir")
        .arg(root.join("public/cache"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("inside the output"));
}

#[test]
fn a_page_changed_by_hand_is_noticed_though_its_size_and_time_are_kept() {
    let mut project = Project::new(2);
    let out = project.output();
    // The third build takes the pages by what the second saw of them on disk.
    for step in ["cold", "warm", "warm again"] {
        assert!(assert_warm_equals_cold(&project, &out, step).is_some());
    }
    // A briefing's page and each of the site's own, taken from the output
    // (the search index is made again, and replaces the old one if it may).
    for page in [0].into_iter().chain(6..6 + SITE_PAGES.len()) {
        project.apply(&Edit::HandEditPage(page, true));
        assert!(
            assert_warm_equals_cold(&project, &out, "edited by hand").is_none(),
            "the page is the user's now: both builds refuse to overwrite it"
        );
        project.move_hand_edits_away(&Edit::HandEditPage(page, true));
        assert!(assert_warm_equals_cold(&project, &out, "moved away").is_some());
    }
}
