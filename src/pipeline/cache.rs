//! The build cache: each briefing's result (what the site-wide pages need of
//! it, its diagnostics, and the size and hash of each of its
//! files, not their bytes) kept on disk between one-shot builds, so that
//! `briefing build` renders again only the briefings whose inputs changed.
//!
//! A briefing's result depends on exactly what [`super::Incremental`] assumes
//! for `serve`: its own folder, the site settings as pages see them, the topics
//! file, the templates, the glossary and the tool itself. An entry is reused only
//! if a hash of the first five and the tool's identity equals the one it was
//! stored under, if the glossary it was rendered with differs from today's only
//! in ways [`super::GlossaryChanges::affects`] says leave it alone, and if the
//! output still holds its files as written ([`crate::output::Stager::keep`]).
//! Every entry and glossary snapshot carries a hash of its own bytes; anything
//! that does not check out is a miss, and the briefing is rendered. The cache is
//! written with a temporary file and a rename, outside the output folder, and
//! every failure to write it is ignored: it can make a build faster, never
//! different. Near-misses are only shown by `check`, which does not use the
//! cache, but they are kept right all the same.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::briefing::{BriefingResult, BuiltPage};
use super::{glossary_changes, GlossaryChanges, TermPrint};
use crate::diagnostic::Diagnostic;
use crate::library::search::Entries as SearchEntries;
use crate::library::{Digest as LibraryDigest, NoteDigest};
use crate::load::model::{Date, EventSpec, NoteKind};
use crate::load::yaml::At;
use crate::output::{sha256_hex, stat_of, FileSum, Stat};
use crate::publish::BriefingFacts;
use crate::render::page::{DateView, IndexEntry, PhraseInContext};

/// Where `briefing build` keeps its cache unless told otherwise (`--cache-dir`).
pub const DEFAULT_DIR: &str = ".briefing-cache/build";

/// The first bytes of every entry; a new layout gets a new number.
const MAGIC: &[u8] = b"briefing build cache 8\n";

/// The cache for one build: the site-wide part of every key, today's glossary,
/// and what was reused and rendered.
pub(super) struct BuildCache {
    dir: PathBuf,
    /// Tool identity, site settings as pages see them, templates.
    shared_key: String,
    /// Today's glossary, and the hash it is stored under.
    prints: Vec<TermPrint>,
    glossary: String,
    /// What each older glossary's changes are, by its hash (`None`: unreadable).
    changes: Mutex<HashMap<String, Option<GlossaryChanges>>>,
    /// The glossary snapshots that the entries read or written refer to.
    glossaries_used: Mutex<BTreeSet<String>>,
}

impl BuildCache {
    /// Opens the cache in `dir` for a build whose shared inputs digest to
    /// `shared` (see [`shared_digest`]) with this glossary.
    pub fn open(dir: &Path, shared: String, prints: Vec<TermPrint>) -> BuildCache {
        let text = serde_json::to_vec(&prints).unwrap_or_default();
        let glossary = sha256_hex(&text);
        let cache = BuildCache {
            dir: dir.to_path_buf(),
            shared_key: shared,
            prints,
            glossary,
            changes: Mutex::new(HashMap::new()),
            glossaries_used: Mutex::default(),
        };
        let _ = write_atomic(&cache.glossary_path(&cache.glossary), &text);
        cache
    }

    fn glossary_path(&self, hash: &str) -> PathBuf {
        self.dir.join("glossary").join(format!("{hash}.json"))
    }

    fn entry_path(&self, name: &str) -> PathBuf {
        self.dir.join("briefings").join(format!("{name}.entry"))
    }

    fn key(&self, path: &Path, folder: String) -> Key {
        let mut hash = Sha256::new();
        hash.update(self.shared_key.as_bytes());
        hash.update(path.as_os_str().as_encoded_bytes());
        hash.update(folder.as_bytes());
        Key {
            key: format!("{:x}", hash.finalize()),
            folder,
        }
    }

    /// The key of briefing `name`'s folder at `path` (`None` if the folder
    /// cannot be read: then the briefing is rendered and not cached), and
    /// its stored result, if it was stored under that key and is still right
    /// for today's glossary: all but the bytes of its files, which are named
    /// with their sizes and hashes instead (the output holds them, unless it
    /// was changed since). The folder's files are read for the key unless the
    /// entry's stamp vouches for them.
    pub fn lookup(&self, name: &str, path: &Path) -> (Option<Key>, Option<Cached>) {
        let header = std::fs::read(self.entry_path(name))
            .ok()
            .and_then(|bytes| read_entry(&bytes))
            .filter(|h| h.name == name);
        let stamped = header
            .as_ref()
            .filter(|h| h.stamp.is_some() && listing(path) == h.stamp);
        let folder = match stamped {
            Some(h) => h.folder.clone(),
            None => match folder_hash(path) {
                Some(folder) => folder,
                None => return (None, None),
            },
        };
        let key = self.key(path, folder);
        let cached = header
            .filter(|h| h.key == key.key)
            .and_then(|h| self.result_of(h));
        (Some(key), cached)
    }

    /// The result an entry holds, if it is whole and still right for
    /// today's glossary.
    fn result_of(&self, header: Header) -> Option<Cached> {
        let (result, files) = header.result.into_result()?;
        if header.glossary != self.glossary && !self.glossary_allows(&header.glossary, &result) {
            return None;
        }
        self.glossaries_used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(header.glossary);
        Some((result, files))
    }

    /// Whether a result rendered with the glossary stored as `hash` is the same
    /// with today's.
    fn glossary_allows(&self, hash: &str, result: &BriefingResult) -> bool {
        let Some(page) = &result.page else {
            return false;
        };
        let mut changes = self.changes.lock().unwrap_or_else(|e| e.into_inner());
        let changes = changes.entry(hash.to_string()).or_insert_with(|| {
            let text = std::fs::read(self.glossary_path(hash)).ok()?;
            if sha256_hex(&text) != hash {
                return None;
            }
            let old: Vec<TermPrint> = serde_json::from_slice(&text).ok()?;
            Some(glossary_changes(&old, &self.prints))
        });
        changes.as_ref().is_some_and(|c| !c.affects(page))
    }

    /// Stores briefing `name`'s result under `key`, with the sizes and hashes
    /// of its files (staged, so no longer in `result`), if its folder still has
    /// that key (it was not edited while it was being built), and a stamp of
    /// the folder's files if none changed within [`SETTLED`] before `started`,
    /// when the build began to read them.
    pub fn store(
        &self,
        name: &str,
        path: &Path,
        key: &Key,
        started: SystemTime,
        result: &BriefingResult,
        files: Vec<(String, FileSum)>,
    ) {
        if folder_hash(path).as_ref() != Some(&key.folder) {
            return;
        }
        let settled = started
            .checked_sub(SETTLED)
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| (d.as_secs() as i64, i64::from(d.subsec_nanos())));
        let stamp = listing(path).filter(|files| {
            files
                .iter()
                .all(|(_, stat)| stat.is_none_or(|s| settled.is_some_and(|t| s.changed() <= t)))
        });
        let header = Header {
            name: name.to_string(),
            key: key.key.clone(),
            folder: key.folder.clone(),
            stamp,
            glossary: self.glossary.clone(),
            result: CachedResult::of(result, files),
        };
        let Ok(mut bytes) = postcard::to_extend(&header, Vec::from(MAGIC)) else {
            return;
        };
        let check = Sha256::digest(&bytes);
        bytes.extend_from_slice(&check);
        let _ = write_atomic(&self.entry_path(name), &bytes);
    }

    /// Deletes the entries of briefings that no longer exist and the glossary
    /// snapshots that no entry this build read or wrote refers to (an entry
    /// left referring to a deleted one is a miss next time, never wrong).
    pub fn prune(&self, present: &BTreeSet<&str>) {
        for (path, stem) in files_with_suffix(&self.dir.join("briefings"), ".entry") {
            if !present.contains(stem.as_str()) {
                let _ = std::fs::remove_file(&path);
            }
        }
        let used = self
            .glossaries_used
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        for (path, stem) in files_with_suffix(&self.dir.join("glossary"), ".json") {
            if stem != self.glossary && !used.contains(&stem) {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

/// A hash of everything the library pages are made of in `digests`, in
/// their order: all of each digest but its search entries (the search
/// index, made anew by every build, is the only page made of those).
pub(super) fn digests_print(digests: &[&LibraryDigest]) -> Option<String> {
    let mut hash = Sha256::new();
    for d in digests {
        hash.update(postcard::to_stdvec(&CachedLibrary::of(d)).ok()?);
    }
    Some(format!("{:x}", hash.finalize()))
}

/// Where the cache keeps the site pages' record (see [`super::pages`]).
pub(super) fn page_record(dir: &Path) -> PathBuf {
    dir.join("pages.json")
}

/// Where the cache keeps what the files of the output folder `output` were on
/// disk when the last build left them (see [`crate::output::Stager::keep`]):
/// one file per output folder, named by a hash of its absolute path.
pub(super) fn output_record(dir: &Path, output: &Path) -> PathBuf {
    let output = std::path::absolute(output).unwrap_or_else(|_| output.to_path_buf());
    let name = sha256_hex(output.as_os_str().as_encoded_bytes());
    dir.join("outputs").join(format!("{}.json", &name[..32]))
}

/// The site-wide part of every key: the tool (its version and the binary
/// itself, so that a rebuilt tool never reuses an older one's pages), the site
/// settings as written and as pages see them, the topics file (a briefing's
/// topics are checked against it) and every file under templates/.
pub(super) fn shared_digest(
    content: &Path,
    site_view: &impl std::fmt::Debug,
    templates: &Path,
) -> String {
    let mut hash = Sha256::new();
    hash.update(env!("BRIEFING_VERSION").as_bytes());
    if let Some(meta) = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
    {
        hash.update(format!("{} {:?}", meta.len(), meta.modified().ok()).as_bytes());
    }
    hash.update(format!("{site_view:?}").as_bytes());
    for file in ["site.yaml", "topics.yaml"] {
        let bytes = std::fs::read(content.join(file)).ok();
        hash.update(format!("\0{file} {:?}\0", bytes.as_ref().map(Vec::len)).as_bytes());
        hash.update(bytes.unwrap_or_default());
    }
    if hash_tree(&mut hash, templates).is_err() {
        // Unreadable templates fail the build anyway; make the key unique.
        hash.update(format!("{:?}", std::time::SystemTime::now()).as_bytes());
    }
    format!("{:x}", hash.finalize())
}

/// A briefing's key: a hash of the site-wide part, the folder's path and
/// the hash of its files ([`folder_hash`]).
pub(super) struct Key {
    key: String,
    folder: String,
}

/// A stored result, and its files by size and hash.
pub(super) type Cached = (BriefingResult, Vec<(String, FileSum)>);

/// How long before a build began to read a briefing folder its files must
/// have last changed for the entry to carry a stamp of them: longer than the
/// coarsest step of a filesystem's times (two seconds) and of the system
/// clock's tick, so that a change made after the files were read always
/// gives a change time other than the one stamped.
const SETTLED: Duration = Duration::from_secs(3);

/// The hash of a briefing folder's files, links and folders (names, kinds,
/// bytes): `None` if it cannot be read.
fn folder_hash(path: &Path) -> Option<String> {
    let mut hash = Sha256::new();
    hash_tree(&mut hash, path).ok()?;
    Some(format!("{:x}", hash.finalize()))
}

/// Every file, link and folder under `root`, in name order, with each file's
/// and link's identity and times (a folder's change with the files in it,
/// which are listed): what a stamp keeps. `None` where that cannot be told
/// (a name that is not UTF-8; no identities off Unix).
fn listing(root: &Path) -> Option<Vec<(String, Option<Stat>)>> {
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .map(|entry| {
            let entry = entry.ok()?;
            let rel = entry.path().strip_prefix(root).ok()?.to_str()?.to_string();
            if entry.file_type().is_dir() {
                return Some((rel, None));
            }
            Some((rel, Some(stat_of(&entry.metadata().ok()?)?)))
        })
        .collect()
}

/// Feeds every file and link under `root` (names, kinds, bytes) into `hash`,
/// in name order. A missing folder hashes as empty.
fn hash_tree(hash: &mut Sha256, root: &Path) -> std::io::Result<()> {
    if !root.exists() {
        hash.update(b"missing");
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.map_err(std::io::Error::other)?;
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let kind = entry.file_type();
        hash.update(rel.as_os_str().as_encoded_bytes());
        if kind.is_symlink() {
            hash.update(b"\0link\0");
            hash.update(
                std::fs::read_link(entry.path())?
                    .as_os_str()
                    .as_encoded_bytes(),
            );
        } else if kind.is_file() {
            let data = std::fs::read(entry.path())?;
            hash.update(format!("\0file {}\0", data.len()).as_bytes());
            hash.update(&data);
        } else {
            hash.update(b"\0dir\0");
        }
    }
    Ok(())
}

fn files_with_suffix(dir: &Path, suffix: &str) -> Vec<(PathBuf, String)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(suffix)?.to_string();
            Some((e.path(), stem))
        })
        .collect()
}

/// Writes a file through a temporary file beside it and a rename, so that a
/// reader sees the old bytes or the new ones, never half of them.
pub(super) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let temp = dir.join(format!(
        ".tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = std::fs::File::create(&temp).and_then(|mut f| f.write_all(bytes));
    let renamed = written.and_then(|()| std::fs::rename(&temp, path));
    if renamed.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    renamed
}

/// An entry, once its checksum checks out.
fn read_entry(bytes: &[u8]) -> Option<Header> {
    let body_len = bytes.len().checked_sub(32)?;
    let (body, check) = bytes.split_at(body_len);
    if Sha256::digest(body).as_slice() != check {
        return None;
    }
    postcard::from_bytes(body.strip_prefix(MAGIC)?).ok()
}

#[derive(Serialize, Deserialize)]
struct Header {
    name: String,
    key: String,
    /// The hash of the folder's files, from which `key` was made.
    folder: String,
    /// The folder's files as they were on disk when `folder` was hashed, if
    /// none had changed shortly before: while they are all still exactly
    /// those, with the same identities and times, `folder` is taken without
    /// reading them.
    stamp: Option<Vec<(String, Option<Stat>)>>,
    glossary: String,
    result: CachedResult,
}

/// A [`BriefingResult`] as stored: its files by size and hash only.
#[derive(Serialize, Deserialize)]
struct CachedResult {
    diagnostics: Vec<Diagnostic>,
    page: Option<CachedPage>,
}

/// A [`Date`]: year, month, day.
type CachedDay = (u16, Option<u8>, Option<u8>);
type CachedDate = Option<CachedDay>;

#[derive(Serialize, Deserialize)]
struct CachedPage {
    slug: String,
    sort_key: (CachedDate, String),
    entry: CachedEntry,
    notes: usize,
    terms_used: Vec<(String, String)>,
    see_also: Vec<String>,
    files: Vec<(String, FileSum)>,
    digest: CachedDigest,
    facts: CachedFacts,
}

/// A [`LibraryDigest`]: its events' dates and labels are kept without where
/// they are written, which the library pages do not show.
#[derive(Serialize, Deserialize)]
struct CachedDigest {
    library: CachedLibrary,
    /// The search entries' JSON and where each ends.
    search: (String, Vec<usize>),
}

/// All of a digest that the library pages are made of: all but its search
/// entries. [`digests_print`] hashes it.
#[derive(Serialize, Deserialize)]
struct CachedLibrary {
    slug: String,
    title: String,
    date: CachedDate,
    topics: Vec<String>,
    notes: Vec<CachedNote>,
}

#[derive(Serialize, Deserialize)]
struct CachedNote {
    id: String,
    number: usize,
    kind: NoteKind,
    /// Before, phrase, after.
    phrase: Option<(String, String, String)>,
    topics: Vec<String>,
    events: Vec<(CachedDay, String)>,
}

#[derive(Serialize, Deserialize)]
struct CachedEntry {
    href: String,
    title: String,
    publisher: Option<String>,
    date: Option<(String, String)>,
    notes: usize,
    summary: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct CachedFacts {
    slug: String,
    title: String,
    summary: Option<String>,
    notes: usize,
    date: CachedDate,
    checked: CachedDate,
}

fn day_out(d: Date) -> CachedDay {
    (d.year, d.month, d.day)
}

fn day_in((year, month, day): CachedDay) -> Date {
    Date { year, month, day }
}

fn date_out(d: &Option<Date>) -> CachedDate {
    d.map(day_out)
}

fn date_in(d: CachedDate) -> Option<Date> {
    d.map(day_in)
}

impl CachedResult {
    fn of(r: &BriefingResult, files: Vec<(String, FileSum)>) -> CachedResult {
        let BriefingResult {
            page,
            diagnostics,
            near_misses: _,
        } = r;
        CachedResult {
            diagnostics: diagnostics.clone(),
            page: page.as_ref().map(|p| CachedPage::of(p, files)),
        }
    }

    /// The result back, without its files' bytes, and the files (`None` if
    /// the entry is not whole).
    fn into_result(self) -> Option<(BriefingResult, Vec<(String, FileSum)>)> {
        let (page, files) = match self.page.map(CachedPage::into_page) {
            Some(page) => {
                let (page, files) = page?;
                (Some(page), files)
            }
            None => (None, Vec::new()),
        };
        let result = BriefingResult {
            page,
            diagnostics: self.diagnostics,
            // Builds that use the cache look for none: only `check` does, afresh.
            near_misses: Vec::new(),
        };
        Some((result, files))
    }
}

impl CachedPage {
    fn of(p: &BuiltPage, files: Vec<(String, FileSum)>) -> CachedPage {
        let BuiltPage {
            slug,
            sort_key,
            entry,
            notes,
            terms_used,
            see_also,
            files: _,
            digest,
            facts,
        } = p;
        CachedPage {
            slug: slug.clone(),
            sort_key: (date_out(&sort_key.0), sort_key.1.clone()),
            entry: CachedEntry {
                href: entry.href.clone(),
                title: entry.title.clone(),
                publisher: entry.publisher.clone(),
                date: entry
                    .date
                    .as_ref()
                    .map(|d| (d.written.clone(), d.iso.clone())),
                notes: entry.notes,
                summary: entry.summary.clone(),
            },
            notes: *notes,
            terms_used: terms_used.clone(),
            see_also: see_also.clone(),
            files,
            digest: CachedDigest::of(digest),
            facts: CachedFacts {
                slug: facts.slug.clone(),
                title: facts.title.clone(),
                summary: facts.summary.clone(),
                notes: facts.notes,
                date: date_out(&facts.date),
                checked: date_out(&facts.checked),
            },
        }
    }

    fn into_page(self) -> Option<(BuiltPage, Vec<(String, FileSum)>)> {
        let e = self.entry;
        let f = self.facts;
        let page = BuiltPage {
            slug: self.slug,
            sort_key: (date_in(self.sort_key.0), self.sort_key.1),
            entry: IndexEntry {
                href: e.href,
                title: e.title,
                publisher: e.publisher,
                date: e.date.map(|(written, iso)| DateView { written, iso }),
                notes: e.notes,
                summary: e.summary,
            },
            notes: self.notes,
            terms_used: self.terms_used,
            see_also: self.see_also,
            files: BTreeMap::new(),
            digest: self.digest.into_digest()?,
            facts: BriefingFacts {
                slug: f.slug,
                title: f.title,
                summary: f.summary,
                notes: f.notes,
                date: date_in(f.date),
                checked: date_in(f.checked),
            },
        };
        Some((page, self.files))
    }
}

impl CachedLibrary {
    fn of(d: &LibraryDigest) -> CachedLibrary {
        // Every field named: a new one must be kept here, or said to be left out.
        let LibraryDigest {
            slug,
            title,
            date,
            topics,
            notes,
            search: _,
        } = d;
        CachedLibrary {
            slug: slug.clone(),
            title: title.clone(),
            date: date_out(date),
            topics: topics.clone(),
            notes: notes.iter().map(CachedNote::of).collect(),
        }
    }
}

impl CachedDigest {
    fn of(d: &LibraryDigest) -> CachedDigest {
        let (json, ends) = d.search.parts();
        CachedDigest {
            library: CachedLibrary::of(d),
            search: (json.to_string(), ends.to_vec()),
        }
    }

    /// The digest back, if its search entries are whole.
    fn into_digest(self) -> Option<LibraryDigest> {
        let (json, ends) = self.search;
        let CachedLibrary {
            slug,
            title,
            date,
            topics,
            notes,
        } = self.library;
        Some(LibraryDigest {
            slug,
            title,
            date: date_in(date),
            topics,
            notes: notes.into_iter().map(CachedNote::into_note).collect(),
            search: SearchEntries::from_parts(json, ends)?,
        })
    }
}

impl CachedNote {
    fn of(n: &NoteDigest) -> CachedNote {
        let NoteDigest {
            id,
            number,
            kind,
            phrase,
            topics,
            events,
        } = n;
        CachedNote {
            id: id.clone(),
            number: *number,
            kind: *kind,
            phrase: phrase.as_ref().map(|p| {
                let PhraseInContext {
                    before,
                    phrase,
                    after,
                } = p;
                (before.clone(), phrase.clone(), after.clone())
            }),
            topics: topics.clone(),
            events: events
                .iter()
                .map(|e| {
                    let EventSpec { date, label } = e;
                    (day_out(date.value), label.value.clone())
                })
                .collect(),
        }
    }

    fn into_note(self) -> NoteDigest {
        NoteDigest {
            id: self.id,
            number: self.number,
            kind: self.kind,
            phrase: self.phrase.map(|(before, phrase, after)| PhraseInContext {
                before,
                phrase,
                after,
            }),
            topics: self.topics,
            events: self
                .events
                .into_iter()
                .map(|(day, label)| EventSpec {
                    date: At::unplaced(day_in(day)),
                    label: At::unplaced(label),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_page() -> BriefingResult {
        BriefingResult {
            page: None,
            diagnostics: Vec::new(),
            near_misses: Vec::new(),
        }
    }

    fn stamp_of(cache: &BuildCache, name: &str) -> Option<Vec<(String, Option<Stat>)>> {
        let bytes = std::fs::read(cache.entry_path(name)).unwrap();
        read_entry(&bytes).unwrap().stamp
    }

    /// A stamped folder's key is taken without reading its files while they
    /// are unchanged; a file rewritten with the same size and its
    /// modification time put back is read again, and the entry is a miss.
    #[test]
    fn a_stamp_vouches_for_unchanged_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("b");
        std::fs::create_dir_all(folder.join("images")).unwrap();
        std::fs::write(folder.join("article.md"), "one").unwrap();
        std::fs::write(folder.join("images/a.txt"), "asset").unwrap();
        let cache = BuildCache::open(&dir.path().join("cache"), "site".into(), Vec::new());
        let (key, cached) = cache.lookup("b", &folder);
        assert!(cached.is_none());
        let key = key.unwrap();

        // Files changed just before the build began are not stamped.
        cache.store(
            "b",
            &folder,
            &key,
            SystemTime::now(),
            &no_page(),
            Vec::new(),
        );
        assert!(stamp_of(&cache, "b").is_none());
        assert!(cache.lookup("b", &folder).1.is_some(), "read, and a hit");

        // A build that began long after they changed stamps them.
        let later = SystemTime::now() + Duration::from_secs(60);
        cache.store("b", &folder, &key, later, &no_page(), Vec::new());
        let stamp = stamp_of(&cache, "b").expect("stamped");
        assert_eq!(
            stamp
                .iter()
                .map(|(rel, _)| rel.as_str())
                .collect::<Vec<_>>(),
            ["", "article.md", "images", "images/a.txt"]
        );
        assert!(cache.lookup("b", &folder).1.is_some());

        let file = std::fs::File::options()
            .write(true)
            .open(folder.join("images/a.txt"))
            .unwrap();
        let modified = file.metadata().unwrap().modified().unwrap();
        std::fs::write(folder.join("images/a.txt"), "ASSET").unwrap();
        file.set_modified(modified).unwrap();
        let (new_key, cached) = cache.lookup("b", &folder);
        assert!(cached.is_none(), "the changed file is read: a miss");
        assert_ne!(new_key.unwrap().key, key.key);
    }
}
