//! The site's own pages (index, glossary, 404, topics, timeline, search) made
//! from their views: rendered, or, in a build with a cache, kept as the output
//! holds them when their view is the one an earlier build rendered them from.
//!
//! A page is a function of what its template sees, the templates and the
//! tool. Tera sees the view as serialized (`Context::from_serialize`), so a
//! hash of the view's JSON, with the cache's site-wide key (tool, site
//! settings, topics, templates: see [`super::cache::shared_digest`]), the
//! page's path and its template's name, names the page's bytes. The record
//! keeps, per path, that hash and the size and SHA-256 of the file it gave; a
//! page is kept only if today's hash is the recorded one and
//! [`Stager::keep`] finds the output still holding that file as written.
//! Anything unreadable in the record is a miss: the page is rendered.
//!
//! The library pages (topics, timeline, search) are made from the briefings'
//! digests alone (their search entries aside): when the digests, in order,
//! hash as those a page was last rendered from, it is kept before its view is
//! even made, which for the timeline and topic pages costs more than the
//! check.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::cache::write_atomic;
use crate::diagnostic::Diagnostic;
use crate::library::pages::{is_library_page, PageFile, PageMaker};
use crate::output::{checked, FileSum, Stager};
use crate::render::page::Templates;

/// Version 4: kept as a checked file (`output::checked`).
const VERSION: u32 = 4;

/// Renders every page, or keeps those `reuse` allows.
pub(super) struct Maker<'a> {
    pub templates: &'a Templates,
    pub templates_dir: &'a Path,
    pub reuse: Option<(&'a PageRecord, &'a Stager)>,
    /// A hash of the digests the library pages are made from (see
    /// [`super::cache::digests_print`]).
    pub digests: Option<String>,
}

impl Maker<'_> {
    /// For a library page (the others are made of more than the digests).
    fn inputs_hash(&self, path: &str, template: &str) -> Option<String> {
        let (record, _) = self.reuse?;
        let digests = self.digests.as_deref()?;
        is_library_page(path).then(|| record.inputs_hash(path, template, digests))
    }
}

impl PageMaker for Maker<'_> {
    fn keep(&self, path: &str, template: &str) -> bool {
        match (self.reuse, self.inputs_hash(path, template)) {
            (Some((record, stager)), Some(inputs)) => record.keep_by_inputs(path, &inputs, stager),
            _ => false,
        }
    }

    fn make<T: Serialize>(
        &self,
        path: &str,
        template: &str,
        view: &T,
    ) -> Result<PageFile, Diagnostic> {
        let hash = self.reuse.and_then(|(record, stager)| {
            let hash = record.view_hash(path, template, view)?;
            Some((record, stager, hash))
        });
        let inputs = self.inputs_hash(path, template);
        if let Some((record, stager, hash)) = &hash {
            if record.keep(path, hash, inputs.clone(), stager) {
                return Ok(PageFile::Kept);
            }
        }
        let html = self.templates.render(template, view, self.templates_dir)?;
        if let Some((record, _, view)) = hash {
            record.rendered(path, view, inputs);
        }
        Ok(PageFile::Rendered(html.into_bytes()))
    }
}

/// What earlier builds rendered, and what this one renders or keeps.
pub(super) struct PageRecord {
    file: PathBuf,
    shared_key: String,
    old: BTreeMap<String, RecordedPage>,
    /// The pages this build rendered, with their view and inputs hashes,
    /// until they are staged and their files known.
    rendered: Mutex<BTreeMap<String, (String, Option<String>)>>,
    /// The pages this build kept or staged: the record it leaves.
    new: Mutex<BTreeMap<String, RecordedPage>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct RecordedPage {
    view: String,
    /// The hash of the digests it was made from, for a library page.
    inputs: Option<String>,
    file: FileSum,
}

impl PageRecord {
    /// Reads the record kept in `file` (none if it is missing or damaged), for
    /// a build whose site-wide key is `shared_key`.
    pub fn open(file: PathBuf, shared_key: &str) -> PageRecord {
        let old = checked::read(&file, VERSION).unwrap_or_default();
        PageRecord {
            file,
            shared_key: shared_key.to_string(),
            old,
            rendered: Mutex::default(),
            new: Mutex::default(),
        }
    }

    /// The hash that names the page at `path` rendered from `view` with
    /// `template` (`None` if the view does not serialize: then it is rendered).
    fn view_hash<T: Serialize>(&self, path: &str, template: &str, view: &T) -> Option<String> {
        // Serialized whole first: hashing serde_json's many small writes one
        // by one is several times slower.
        let view = serde_json::to_vec(view).ok()?;
        Some(self.page_hash(path, template, &view))
    }

    /// The hash that names the library page at `path` made with `template`
    /// from the digests that hash to `digests`.
    fn inputs_hash(&self, path: &str, template: &str, digests: &str) -> String {
        self.page_hash(path, template, digests.as_bytes())
    }

    /// A hash of the site-wide key, the page's path and template, and `made_of`.
    fn page_hash(&self, path: &str, template: &str, made_of: &[u8]) -> String {
        let mut hash = Sha256::new();
        for part in [
            self.shared_key.as_bytes(),
            path.as_bytes(),
            template.as_bytes(),
            made_of,
        ] {
            hash.update(part);
            hash.update(b"\0");
        }
        format!("{:x}", hash.finalize())
    }

    /// Stages the page at `path` as the output holds it, if an earlier build
    /// rendered it from a view with this hash and the output still holds
    /// that file as written; it is recorded as made from `inputs`.
    fn keep(&self, path: &str, hash: &str, inputs: Option<String>, stager: &Stager) -> bool {
        let Some(page) = self.old.get(path).filter(|p| p.view == hash) else {
            return false;
        };
        self.keep_recorded(
            path,
            RecordedPage {
                inputs,
                ..page.clone()
            },
            stager,
        )
    }

    /// As [`PageRecord::keep`], for a library page made from digests that
    /// hash (with the page's path and template) as `inputs`.
    fn keep_by_inputs(&self, path: &str, inputs: &str, stager: &Stager) -> bool {
        let Some(page) = self
            .old
            .get(path)
            .filter(|p| p.inputs.as_deref() == Some(inputs))
        else {
            return false;
        };
        self.keep_recorded(path, page.clone(), stager)
    }

    fn keep_recorded(&self, path: &str, page: RecordedPage, stager: &Stager) -> bool {
        if !matches!(
            stager.keep(&[(path.to_string(), page.file.clone())]),
            Ok(true)
        ) {
            return false;
        }
        lock(&self.new).insert(path.to_string(), page);
        true
    }

    fn rendered(&self, path: &str, view: String, inputs: Option<String>) {
        lock(&self.rendered).insert(path.to_string(), (view, inputs));
    }

    /// Notes that the page at `path` was staged with this size and hash.
    pub fn staged(&self, path: &str, file: FileSum) {
        if let Some((view, inputs)) = lock(&self.rendered).remove(path) {
            let page = RecordedPage { view, inputs, file };
            lock(&self.new).insert(path.to_string(), page);
        }
    }

    /// Keeps what this build kept and staged, for the next one (once the
    /// output holds it). A failure to write is ignored: the next build then
    /// renders the pages.
    pub fn save(&self) {
        let pages = std::mem::take(&mut *lock(&self.new));
        if pages == self.old {
            return;
        }
        if let Some(json) = checked::to_json(&pages, VERSION) {
            let _ = write_atomic(&self.file, &json);
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
