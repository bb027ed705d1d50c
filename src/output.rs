//! Stage four: put the built site on disk without ever damaging what is there.
//!
//! A build holds an exclusive lock on the output folder, so two builds never mix
//! their pages. Every file is first written to a staging folder inside the
//! output's own hidden `.briefing/` (same filesystem, so moves never cross a
//! mount; an unpredictable name created exclusively, so nothing planted there is
//! followed); only when all of them are written are they moved into place.
//! Before the first move a journal lists every move (a folder the output has
//! nothing in the place of moves in whole, in one); a build killed half way is
//! rolled back by the next one, which says so. Files are removed only if an
//! earlier build wrote them and they still hold exactly what it wrote (size and
//! SHA-256, kept in the manifest), so a `CNAME`, `.git` or anything else of the
//! user's survives. Unchanged files are not touched.

pub(crate) mod checked;
mod seen;

pub(crate) use seen::{stat_of, Stat};

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diagnostic::display_path;
use crate::Error;

/// Asks a build to stop at the next safe point (Ctrl-C): before anything in the
/// output has been touched, or, once moving files in has begun, after the last
/// one. The caller makes one and hands a clone to whatever may cancel (a signal
/// handler); clones share one flag, so nothing process-wide is needed.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token nobody has cancelled yet.
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Asks every holder of a clone to stop at its next safe point.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`CancelToken::cancel`] was called on this token or a clone.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// The list of files briefing wrote, kept in the output folder.
pub const MANIFEST: &str = ".briefing-manifest";

/// The output's folder that briefing keeps for itself while it writes: staging
/// and the journal. It is removed when a build ends.
pub const WORK_DIR: &str = ".briefing";

const JOURNAL: &str = "journal.json";

/// What a write did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Files written or replaced.
    pub written: usize,
    /// Files left alone because their bytes were already there.
    pub unchanged: usize,
    /// Files of an earlier build removed because this build no longer has them.
    pub removed: usize,
    /// Files of an earlier build that this one no longer has but did not remove,
    /// because they changed since (or an old manifest has no checksum for them).
    pub kept: Vec<String>,
}

/// Refuses output folders whose cleaning could destroy the user's work: the
/// filesystem root, the project itself or one of its parents, or a folder inside
/// `content/` or `templates/`.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<(), Error> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        resolve_links(&normalize(&p))
    };
    let (root, out) = (abs(root), abs(output));
    // `--output ./` is shown as `./`, not as nothing.
    let shown = match display_path(output) {
        empty if empty.is_empty() => output.display().to_string(),
        shown => shown,
    };
    let refuse = |why: &str| {
        Err(Error::Refused(format!(
            "refusing to write the site to {shown}: {why}; choose a folder of its own, such as {}",
            display_path(&root.join("public"))
        )))
    };
    if out.parent().is_none() {
        return refuse("it is the filesystem root");
    }
    if root.starts_with(&out) {
        return refuse("it contains the project");
    }
    for inside in ["content", "templates"] {
        if out.starts_with(root.join(inside)) {
            return refuse(&format!("it is inside {inside}/"));
        }
    }
    Ok(())
}

/// Follows symbolic links in the part of `path` that exists, so that a `public`
/// linked to `content` is seen for what it is.
fn resolve_links(path: &Path) -> PathBuf {
    let mut existing = path;
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return path.to_path_buf(),
        }
    }
    let mut resolved = fs::canonicalize(existing).unwrap_or_else(|_| existing.to_path_buf());
    resolved.extend(rest.iter().rev());
    resolved
}

/// Folders of the output (relative, `/`-separated) that this build found to
/// be folders, not links: each is looked at once, not once per file in it.
/// The build holds the output's lock, and briefing itself never puts a link
/// where a folder was.
#[derive(Default)]
struct PlainFolders(Mutex<HashSet<String>>);

impl PlainFolders {
    fn contains(&self, rel: &str) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(rel)
    }

    fn insert(&self, rel: &str) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string());
    }
}

/// Refuses a path inside the output that passes through a symbolic link: a link
/// planted in `public/` must not let a build write or delete files elsewhere.
fn check_no_links(output: &Path, rel: &str, folders: &PlainFolders) -> Result<(), Error> {
    let parents = rel.match_indices('/').map(|(end, _)| &rel[..end]);
    for part in parents.chain([rel]) {
        if folders.contains(part) {
            continue;
        }
        let path = output.join(part);
        match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(Error::Refused(format!(
                    "refusing to write through the symbolic link {} in the output folder; remove the link",
                    display_path(&path)
                )))
            }
            Ok(m) if m.is_dir() => folders.insert(part),
            Ok(_) => {}
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

/// Resolves `.` and `..` without touching the filesystem.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// A built site as this stage takes it: output paths (relative, `/`-separated)
/// to bytes. Defined here, not by the stages that make it, so that writing
/// depends on nothing before it.
pub type SiteFiles = BTreeMap<String, Vec<u8>>;

/// Writes a built site into `output`.
pub fn write_site(files: &SiteFiles, output: &Path) -> Result<WriteStats, Error> {
    let stager = Stager::new(output, &CancelToken::new())?;
    for (rel, bytes) in files {
        stager.stage(rel, bytes)?;
    }
    stager.commit()
}

/// A write in progress. Files are staged one at a time, from any thread, into a
/// private folder inside the output (so that a big site need not sit in memory),
/// and only [`Stager::commit`] moves them in. A stager dropped without a commit
/// leaves the output exactly as it was. It holds the output's lock throughout.
pub struct Stager {
    output: PathBuf,
    work: PathBuf,
    staging: PathBuf,
    old_manifest: Manifest,
    staged: Mutex<Staged>,
    /// Whether this build made the output folder (it is removed again if empty).
    created_output: bool,
    /// What recovering from an interrupted earlier build did, to tell the user.
    pub recovered: Option<String>,
    cancel: CancelToken,
    /// The output's files as an earlier build saw them, if told where to keep that.
    seen: seen::Seen,
    /// When the staging folder was made, by the output filesystem's clock.
    started: Option<(i64, i64)>,
    folders: PlainFolders,
    _lock: fs::File,
}

#[derive(Default)]
struct Staged {
    /// Every file of the new site, staged or unchanged, with what was written.
    all: BTreeMap<String, Entry>,
    /// Files whose bytes differ from the output's: these are in the staging folder.
    changed: Vec<String>,
    unchanged: usize,
}

impl Stager {
    /// Locks the output (waiting for another build that holds it), recovers
    /// from an interrupted earlier build, and makes a fresh staging folder. The
    /// write stops (with [`Error::Interrupted`]) at its next safe point once
    /// `cancel` is cancelled.
    pub fn new(output: &Path, cancel: &CancelToken) -> Result<Stager, Error> {
        let created_output = fs::symlink_metadata(output).is_err();
        fs::create_dir_all(output).map_err(|e| Error::io(output, e))?;
        let lock = lock_output(output)?;
        let work = work_dir(output)?;
        let recovered = recover(output, &work)?;
        let folders = PlainFolders::default();
        let old_manifest = read_manifest(output, &folders)?;
        for rel in old_manifest.files.keys() {
            check_no_links(output, rel, &folders)?;
        }
        let staging = tempfile::Builder::new()
            .prefix("stage-")
            .tempdir_in(&work)
            .map_err(|e| Error::io(&work, e))?
            .keep();
        let started = seen::change_time(&staging);
        Ok(Stager {
            output: output.to_path_buf(),
            work,
            staging,
            old_manifest,
            staged: Mutex::new(Staged::default()),
            created_output,
            recovered,
            cancel: cancel.clone(),
            seen: seen::Seen::default(),
            started,
            folders,
            _lock: lock,
        })
    }

    /// Keeps, in the file `record` outside the output, what each output file
    /// was on disk when this build saw it whole, so that [`Stager::keep`] in a
    /// later build given the same record need not read it (a file is taken on
    /// that record only if its device, inode, size and times all match).
    pub fn remembering_files_in(mut self, record: &Path) -> Stager {
        self.seen = seen::Seen::load(record);
        self
    }

    /// Stages one file of the site (`rel` is `/`-separated). A file whose bytes
    /// are already in the output is left alone; a file there that briefing did
    /// not write, or that changed since it wrote it, is never replaced. Returns
    /// the file's size and hash, with which [`Stager::keep`] can take the same
    /// bytes in a later build without having them.
    pub fn stage(&self, rel: &str, bytes: &[u8]) -> Result<FileSum, Error> {
        if self.cancel.is_cancelled() {
            return Err(Error::Interrupted);
        }
        check_site_path(rel)?;
        check_no_links(&self.output, rel, &self.folders)?;
        let target = self.output.join(rel);
        let entry = Entry::of(rel, bytes);
        let sum = entry.sum();
        let changed = match fs::symlink_metadata(&target) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(e) => return Err(Error::io(&target, e)),
            Ok(m) if m.is_dir() => {
                return Err(Error::Refused(format!(
                    "cannot write {}: a folder of that name is in the way",
                    display_path(&target)
                )))
            }
            Ok(m) if !m.is_file() => {
                return Err(Error::Refused(format!(
                    "cannot write {}: something that is not a file is in the way; remove it",
                    display_path(&target)
                )))
            }
            // Still as an earlier build wrote it (the record of what it saw
            // vouches, without reading it): replaced if the bytes differ.
            Ok(_) if self.still_as_recorded(rel, &target) => {
                !matches!(self.old_manifest.files.get(rel), Some(Some(e)) if e.sum() == sum)
            }
            Ok(_) => {
                let existing = fs::read(&target).map_err(|e| Error::io(&target, e))?;
                existing != bytes && self.may_replace(rel, &target, &existing)?
            }
        };
        if changed {
            write_new(&self.staging.join("new").join(rel), bytes)?;
        }
        let mut staged = self.staged.lock().unwrap_or_else(|e| e.into_inner());
        staged.all.insert(rel.to_string(), entry);
        if changed {
            staged.changed.push(rel.to_string());
        } else {
            staged.unchanged += 1;
        }
        Ok(sum)
    }

    /// Stages files by their size and hash alone, as [`Stager::stage`] would
    /// stage bytes with that size and hash, if the output already holds every
    /// one of them: an earlier build wrote it with that size and hash (says the
    /// manifest), and it is still exactly that. Returns whether it did; if not,
    /// nothing is staged, and the caller stages the bytes.
    pub fn keep(&self, files: &[(String, FileSum)]) -> Result<bool, Error> {
        if self.cancel.is_cancelled() {
            return Err(Error::Interrupted);
        }
        // The file itself is taken only if it is a plain file (not a link),
        // as it was written: only its folders are checked here.
        let folder_is_plain = |rel: &str| {
            rel.rsplit_once('/').is_none_or(|(folder, _)| {
                check_no_links(&self.output, folder, &self.folders).is_ok()
            })
        };
        let in_place = |(rel, sum): &(String, FileSum)| {
            let path = self.output.join(rel);
            check_site_path(rel).is_ok()
                && folder_is_plain(rel)
                && (self.was_written_as(rel, &path, sum)
                    || self.old_manifest.files.get(rel).is_some_and(|entry| {
                        entry.as_ref().is_some_and(|e| e.sum() == *sum)
                            && still_as_written(&path, entry.as_ref())
                    }))
        };
        if !files.iter().all(in_place) {
            return Ok(false);
        }
        let mut staged = self.staged.lock().unwrap_or_else(|e| e.into_inner());
        for (rel, sum) in files {
            staged
                .all
                .insert(rel.clone(), Entry::with_sum(rel, sum.clone()));
            staged.unchanged += 1;
        }
        Ok(true)
    }

    /// Whether the manifest says an earlier build wrote `rel` with this size
    /// and hash, and the record of what the last build saw on disk vouches
    /// that the file at `target` is still that one, without reading it.
    fn was_written_as(&self, rel: &str, target: &Path, sum: &FileSum) -> bool {
        matches!(self.old_manifest.files.get(rel), Some(Some(e)) if e.sum() == *sum)
            && self.seen.vouches_for(target, rel, sum)
    }

    /// Whether the record of what the last build saw on disk vouches that
    /// the file at `target` still holds what the manifest says an earlier
    /// build wrote to `rel`.
    fn still_as_recorded(&self, rel: &str, target: &Path) -> bool {
        matches!(self.old_manifest.files.get(rel), Some(Some(e)) if self.seen.vouches_for(target, rel, &e.sum()))
    }

    /// An output file may be replaced only if an earlier build wrote it and it
    /// still holds what that build wrote.
    fn may_replace(&self, rel: &str, target: &Path, existing: &[u8]) -> Result<bool, Error> {
        match self.old_manifest.files.get(rel) {
            None => Err(Error::Refused(format!(
                "refusing to overwrite {}: briefing did not write it; move it away or build into another folder with --output",
                display_path(target)
            ))),
            Some(Some(entry)) if !entry.matches(existing) => Err(Error::Refused(format!(
                "refusing to overwrite {}: it changed since briefing wrote it; move your version away (or delete it) and build again",
                display_path(target)
            ))),
            Some(_) => Ok(true),
        }
    }

    /// Moves the staged files into the output and removes the files of earlier
    /// builds that this one no longer has. A failure half way puts everything
    /// back; so does the next build if this process is killed half way.
    pub fn commit(self) -> Result<WriteStats, Error> {
        if self.cancel.is_cancelled() {
            return Err(Error::Interrupted);
        }
        let staged = std::mem::take(&mut *self.staged.lock().unwrap_or_else(|e| e.into_inner()));
        let output = self.output.as_path();
        let mut stats = WriteStats {
            unchanged: staged.unchanged,
            ..WriteStats::default()
        };
        let written = staged.changed.len();
        let mut ops = moves_in(output, staged.changed, &self.folders);
        for (rel, entry) in &self.old_manifest.files {
            if staged.all.contains_key(rel) {
                continue;
            }
            if still_as_written(&output.join(rel), entry.as_ref()) {
                ops.push(Op::Remove { path: rel.clone() });
            } else if fs::symlink_metadata(output.join(rel)).is_ok() {
                stats.kept.push(rel.clone());
            }
        }
        let entries: Vec<Entry> = staged.all.into_values().collect();
        let remember = |stats: WriteStats| {
            if let Some(started) = self.started {
                let files = entries.iter().map(|e| (e.path.as_str(), e.sum()));
                self.seen.save(output, files, started);
            }
            Ok(stats)
        };
        let manifest_text = manifest_json(entries.clone());
        let manifest_changed = fs::read_to_string(output.join(MANIFEST)).ok().as_deref()
            != Some(manifest_text.as_str());
        if ops.is_empty() && !manifest_changed {
            return remember(stats);
        }
        write_new(
            &self.staging.join("new").join(MANIFEST),
            manifest_text.as_bytes(),
        )?;
        ops.push(Op::Put {
            path: MANIFEST.to_string(),
            replaces: fs::symlink_metadata(output.join(MANIFEST)).is_ok(),
        });

        let journal = Journal {
            version: JOURNAL_VERSION,
            stage: self
                .staging
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            ops,
        };
        let journal_path = self.work.join(JOURNAL);
        let json = serde_json::to_vec(&journal).map_err(|e| Error::Internal(e.to_string()))?;
        crate::safe_write::write_file(&journal_path, &json, crate::safe_write::Existing::Replace)?;

        // A simulated crash returns with the journal in place, which keeps the
        // staging folder too (see `Drop`), as a killed process would leave them.
        #[cfg(test)]
        let crash = || Err(Error::Internal("simulated crash".into()));
        let mut applied = Ok(());
        for op in &journal.ops {
            #[cfg(test)]
            if tests::crash_now() {
                return crash();
            }
            applied = apply(output, &self.staging, op);
            if applied.is_err() {
                break;
            }
        }
        #[cfg(test)]
        if tests::crash_now() {
            return crash();
        }
        if let Err(e) = applied {
            // The journal (and so the staging folder, with the files set aside)
            // stays if putting back fails too: the next build tries again.
            roll_back(output, &self.staging, &journal)?;
            let _ = fs::remove_file(&journal_path);
            return Err(e);
        }
        stats.written = written;
        // The switch is done once the journal is gone.
        fs::remove_file(&journal_path).map_err(|e| Error::io(&journal_path, e))?;
        for op in &journal.ops {
            if let Op::Remove { path } = op {
                stats.removed += 1;
                remove_empty_parents(output, &output.join(path));
            }
        }
        remember(stats)
    }
}

impl Drop for Stager {
    fn drop(&mut self) {
        // A journal left means the switch did not finish: what was set aside
        // stays for the next build to put back.
        if fs::symlink_metadata(self.work.join(JOURNAL)).is_ok() {
            return;
        }
        let _ = fs::remove_dir_all(&self.staging);
        let _ = fs::remove_dir(&self.work);
        if self.created_output {
            let _ = fs::remove_dir(&self.output);
        }
    }
}

/// Takes the output's exclusive lock (an advisory lock on the folder itself,
/// released when the process ends however it ends), waiting if another build
/// holds it.
fn lock_output(output: &Path) -> Result<fs::File, Error> {
    let dir = fs::File::open(output).map_err(|e| Error::io(output, e))?;
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let flock = |operation| {
            // SAFETY: flock on a descriptor this function owns; no memory is passed.
            match unsafe { libc::flock(dir.as_raw_fd(), operation) } {
                0 => Ok(()),
                _ => Err(std::io::Error::last_os_error()),
            }
        };
        if let Err(e) = flock(libc::LOCK_EX | libc::LOCK_NB) {
            if e.kind() != std::io::ErrorKind::WouldBlock {
                return Err(Error::io(output, e));
            }
            eprintln!(
                "waiting for another briefing build into {} to finish…",
                display_path(output)
            );
            flock(libc::LOCK_EX).map_err(|e| Error::io(output, e))?;
        }
    }
    Ok(dir)
}

/// The output's `.briefing/` folder, made if needed. One that is a link, not a
/// folder, or (on Unix) owned by someone else is refused: its owner could read
/// or change the pages before they are moved in.
fn work_dir(output: &Path) -> Result<PathBuf, Error> {
    let work = output.join(WORK_DIR);
    let refuse = |why: &str| {
        Err(Error::Refused(format!(
            "refusing to stage the site in {}: {why}; remove it and build again",
            display_path(&work)
        )))
    };
    match fs::symlink_metadata(&work) {
        Ok(m) if m.file_type().is_symlink() || !m.is_dir() => {
            return refuse("it is not a folder briefing made")
        }
        #[cfg(unix)]
        Ok(m) => {
            use std::os::unix::fs::MetadataExt;
            // SAFETY: geteuid has no preconditions and cannot fail.
            if m.uid() != unsafe { libc::geteuid() } {
                return refuse("it belongs to another user");
            }
        }
        #[cfg(not(unix))]
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut builder = fs::DirBuilder::new();
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(&work).map_err(|e| Error::io(&work, e))?;
        }
        Err(e) => return Err(Error::io(&work, e)),
    }
    Ok(work)
}

/// Finishes what an interrupted build left (it holds the lock, so nothing else
/// is writing): a journal means moves were under way, and they are undone; any
/// other leftover in `.briefing/` is stale staging, and is removed.
fn recover(output: &Path, work: &Path) -> Result<Option<String>, Error> {
    let journal_path = work.join(JOURNAL);
    let mut said = Vec::new();
    if fs::symlink_metadata(&journal_path).is_ok() {
        let bytes = fs::read(&journal_path).ok();
        // The version first: a newer journal may hold moves this one cannot read.
        let version = bytes
            .as_deref()
            .and_then(|b| serde_json::from_slice::<JournalVersion>(b).ok());
        if let Some(JournalVersion { version }) = version.filter(|v| v.version > JOURNAL_VERSION) {
            return Err(Error::Refused(format!(
                "{} was left by an interrupted build of a newer briefing (journal version {version}): build with that version, which puts the previous site back",
                display_path(&journal_path),
            )));
        }
        let journal: Journal = bytes
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or_else(|| {
                Error::Refused(format!(
                    "cannot read {}, left by an interrupted build: {} may hold a mix of two builds; delete that file and {} (except your own files), then build again",
                    display_path(&journal_path),
                    display_path(output),
                    display_path(output),
                ))
            })?;
        let stage_is_ours = !journal.stage.contains(['/', '\\'])
            && !journal.stage.starts_with('.')
            && fs::symlink_metadata(work.join(&journal.stage)).is_ok_and(|m| m.is_dir());
        if !stage_is_ours {
            return Err(Error::Refused(format!(
                "{} names no staging folder of briefing's (it may have been deleted): the previous site cannot be put back; delete the journal, check {} and build again",
                display_path(&journal_path),
                display_path(output)
            )));
        }
        let restored = roll_back(output, &work.join(&journal.stage), &journal)?;
        fs::remove_file(&journal_path).map_err(|e| Error::io(&journal_path, e))?;
        said.push(format!(
            "an earlier build into {} was interrupted while moving files in; put the previous site back ({restored} file{} restored)",
            display_path(output),
            if restored == 1 { "" } else { "s" }
        ));
    }
    let mut stale = 0;
    for entry in fs::read_dir(work).map_err(|e| Error::io(work, e))? {
        let path = entry.map_err(|e| Error::io(work, e))?.path();
        let removed = match fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => fs::remove_dir_all(&path),
            _ => fs::remove_file(&path),
        };
        removed.map_err(|e| Error::io(&path, e))?;
        stale += 1;
    }
    if stale > 0 && said.is_empty() {
        said.push(format!(
            "removed the staging folder of an interrupted build from {}",
            display_path(&output.join(WORK_DIR))
        ));
    }
    Ok((!said.is_empty()).then(|| said.join("; ")))
}

/// One move of the switch, as the journal records it.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
enum Op {
    /// Move the staged file in, first setting aside the file it `replaces`.
    Put { path: String, replaces: bool },
    /// Move a staged folder in whole, with one rename: nothing was at its path
    /// and its parent was a folder, so every file in it (`files`, site paths)
    /// is this build's.
    PutDir { path: String, files: Vec<String> },
    /// Set an earlier build's file aside.
    Remove { path: String },
}

impl Op {
    /// The site path the move is about.
    fn path(&self) -> &str {
        let (Op::Put { path, .. } | Op::PutDir { path, .. } | Op::Remove { path }) = self;
        path
    }
}

/// The journal's format. Version 2 added [`Op::PutDir`], and moves a file in
/// one by one only into a folder that is already there; version 1 journals
/// (whose moves may have made folders) are still rolled back.
const JOURNAL_VERSION: u32 = 2;

/// Written before the first move: enough to undo every move after a crash.
#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    version: u32,
    /// The staging folder's name in `.briefing/`: `new/` holds the files to move
    /// in, `old/` the files set aside.
    stage: String,
    ops: Vec<Op>,
}

/// Just the version of a journal, read before the rest: a newer briefing's
/// journal may hold moves this one does not know.
#[derive(Deserialize)]
struct JournalVersion {
    version: u32,
}

/// The moves that bring the staged files `changed` in: a file whose folder
/// (or a folder above it) is not in the output at all comes in with its whole
/// topmost missing folder, one move per folder; any other file on its own.
fn moves_in(output: &Path, changed: Vec<String>, folders: &PlainFolders) -> Vec<Op> {
    let mut missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut ops = Vec::new();
    for rel in changed {
        match missing_folder(output, &rel, folders, &missing) {
            Some(folder) => missing.entry(folder).or_default().push(rel),
            None => ops.push(Op::Put {
                replaces: fs::symlink_metadata(output.join(&rel)).is_ok(),
                path: rel,
            }),
        }
    }
    ops.extend(missing.into_iter().map(|(path, mut files)| {
        files.sort();
        Op::PutDir { path, files }
    }));
    ops
}

/// The topmost folder on the way to `rel` that nothing in the output is in
/// the place of (no file, folder or link), if every folder above it is a
/// plain folder; `known` are such folders found already. Anything else (a
/// file or link in the way, an unreadable folder) gives `None`: the file is
/// then moved on its own, which fails and rolls back if it must.
fn missing_folder(
    output: &Path,
    rel: &str,
    folders: &PlainFolders,
    known: &BTreeMap<String, Vec<String>>,
) -> Option<String> {
    for (end, _) in rel.match_indices('/') {
        let folder = &rel[..end];
        if known.contains_key(folder) {
            return Some(folder.to_string());
        }
        if folders.contains(folder) {
            continue;
        }
        match fs::symlink_metadata(output.join(folder)) {
            Ok(m) if m.is_dir() => folders.insert(folder),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Some(folder.to_string()),
            _ => return None,
        }
    }
    None
}

/// Whether the site path `rel` is inside the folder `folder`.
fn is_inside(rel: &str, folder: &str) -> bool {
    rel.strip_prefix(folder)
        .is_some_and(|rest| rest.starts_with('/'))
}

fn apply(output: &Path, staging: &Path, op: &Op) -> Result<(), Error> {
    let path = op.path();
    let target = output.join(path);
    #[cfg(test)]
    tests::maybe_fail(&target)?;
    let aside = staging.join("old").join(path);
    let set_aside = || -> Result<(), Error> {
        create_parent(&aside)?;
        fs::rename(&target, &aside).map_err(|e| Error::io(&target, e))
    };
    let move_in =
        || fs::rename(staging.join("new").join(path), &target).map_err(|e| Error::io(&target, e));
    match op {
        Op::Put { replaces, .. } => {
            if *replaces {
                set_aside()?;
            }
            create_parent(&target)?;
            move_in()
        }
        // A rename would silently replace an empty folder made since the
        // plan: whatever is there now is not this build's.
        Op::PutDir { .. } if fs::symlink_metadata(&target).is_ok() => Err(Error::Refused(format!(
            "cannot write {}: something was put there during the build; build again",
            display_path(&target)
        ))),
        Op::PutDir { .. } => move_in(),
        Op::Remove { .. } => set_aside(),
    }
}

/// Undoes the moves of `journal`, newest first, whichever of them were done:
/// what was set aside goes back, what was new goes (files only, by the names
/// the journal gives; then the folders they leave empty, if a move made them).
/// Safe to run again after a crash in the middle of it. Returns how many files
/// it put back or took away.
fn roll_back(output: &Path, staging: &Path, journal: &Journal) -> Result<usize, Error> {
    let mut undone = 0;
    let folders = PlainFolders::default();
    for op in journal.ops.iter().rev() {
        let path = op.path();
        if check_site_path(path).is_err() && path != MANIFEST {
            continue;
        }
        let target = output.join(path);
        let aside = staging.join("old").join(path);
        let moved_in = || fs::symlink_metadata(staging.join("new").join(path)).is_err();
        match op {
            Op::PutDir { files, .. } if moved_in() => {
                // The folder's parent was there before; the folder was not.
                let stop = target.parent().unwrap_or(output);
                let ours = files
                    .iter()
                    .filter(|f| is_inside(f, path) && check_site_path(f).is_ok());
                for rel in ours {
                    undone += usize::from(take_away(output, rel, &folders)?);
                    remove_empty_parents(stop, &output.join(rel));
                }
            }
            Op::PutDir { .. } => {}
            _ if fs::symlink_metadata(&aside).is_ok() => {
                create_parent(&target)?;
                fs::rename(&aside, &target).map_err(|e| Error::io(&target, e))?;
                undone += 1;
            }
            Op::Put {
                replaces: false, ..
            } if moved_in() => {
                if take_away(output, path, &folders)? {
                    // Since version 2 a file is moved in on its own only into
                    // a folder that was there; version 1 made its folders.
                    if journal.version < 2 {
                        remove_empty_parents(output, &target);
                    }
                    undone += 1;
                }
            }
            Op::Put { .. } | Op::Remove { .. } => {}
        }
    }
    Ok(undone)
}

/// Removes the file a build moved in to `rel`, if a plain file is there;
/// refuses (for the next build to try again) if one of its folders has been
/// replaced by a link since. Returns whether it removed one.
fn take_away(output: &Path, rel: &str, folders: &PlainFolders) -> Result<bool, Error> {
    if let Some((folder, _)) = rel.rsplit_once('/') {
        check_no_links(output, folder, folders)?;
    }
    let file = output.join(rel);
    if !fs::symlink_metadata(&file).is_ok_and(|m| m.is_file()) {
        return Ok(false);
    }
    fs::remove_file(&file).map_err(|e| Error::io(&file, e))?;
    Ok(true)
}

fn create_parent(path: &Path) -> Result<(), Error> {
    match path.parent() {
        Some(parent) => fs::create_dir_all(parent).map_err(|e| Error::io(parent, e)),
        None => Ok(()),
    }
}

/// Writes a file into the private staging folder; it must not exist yet, so
/// nothing there is followed or overwritten.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    create_parent(path)?;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    std::io::Write::write_all(&mut file, bytes).map_err(|e| Error::io(path, e))
}

/// A path of the built site: plain names only, none hidden, no control
/// characters: a newline in a file name must not be able to smuggle a second
/// path into anything that lists files.
fn check_site_path(rel: &str) -> Result<(), Error> {
    let plain = !rel.is_empty()
        && rel
            .split('/')
            .all(|part| !part.is_empty() && !part.starts_with('.') && part != "..")
        && !rel.contains('\\');
    if let Some(c) = rel.chars().find(|c| c.is_control()) {
        return Err(Error::Refused(format!(
            "refusing to write {rel:?}: its name contains the control character U+{:04X}; rename the file",
            c as u32
        )));
    }
    if !plain {
        return Err(Error::Refused(format!(
            "refusing to write {rel:?}: not a plain path inside the output"
        )));
    }
    Ok(())
}

/// What briefing wrote to one path: enough to tell later whether the file is
/// still exactly that.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    path: String,
    size: u64,
    sha256: String,
}

/// A file's size and SHA-256 (hex): what the manifest keeps of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSum {
    /// In bytes.
    pub size: u64,
    /// Lowercase hex.
    pub sha256: String,
}

impl Entry {
    fn of(path: &str, bytes: &[u8]) -> Entry {
        Entry::with_sum(
            path,
            FileSum {
                size: bytes.len() as u64,
                sha256: sha256_hex(bytes),
            },
        )
    }

    fn with_sum(path: &str, sum: FileSum) -> Entry {
        Entry {
            path: path.to_string(),
            size: sum.size,
            sha256: sum.sha256,
        }
    }

    fn sum(&self) -> FileSum {
        FileSum {
            size: self.size,
            sha256: self.sha256.clone(),
        }
    }

    fn matches(&self, bytes: &[u8]) -> bool {
        self.size == bytes.len() as u64 && self.sha256 == sha256_hex(bytes)
    }
}

/// Lower-case hex SHA-256 of some bytes: how the manifest, the build cache and
/// its records name contents.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// Whether an earlier build's file is still there as it wrote it: a plain file
/// of the recorded size and hash. Only such a file is ever removed.
fn still_as_written(path: &Path, entry: Option<&Entry>) -> bool {
    let Some(entry) = entry else {
        return false;
    };
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_file() && m.len() == entry.size => {
            fs::read(path).is_ok_and(|bytes| entry.matches(&bytes))
        }
        _ => false,
    }
}

/// The manifest on disk: JSON, versioned, with a checksum of its own list so
/// that a damaged or hand-edited file is noticed instead of obeyed.
#[derive(Serialize, Deserialize)]
struct ManifestFile {
    version: u32,
    files: Vec<Entry>,
    checksum: String,
}

const MANIFEST_VERSION: u32 = 1;

fn files_checksum(files: &[Entry]) -> String {
    sha256_hex(&serde_json::to_vec(files).unwrap_or_default())
}

/// The manifest's text for these files.
fn manifest_json(files: Vec<Entry>) -> String {
    let checksum = files_checksum(&files);
    let manifest = ManifestFile {
        version: MANIFEST_VERSION,
        files,
        checksum,
    };
    serde_json::to_string_pretty(&manifest).unwrap_or_default() + "\n"
}

/// The manifest of an output that holds `files`, as a build that wrote them
/// would leave it: for tools and tests that prepare an earlier build by hand.
pub fn manifest_for(files: &[(&str, &[u8])]) -> String {
    manifest_json(
        files
            .iter()
            .map(|(path, bytes)| Entry::of(path, bytes))
            .collect(),
    )
}

/// The files an earlier build wrote: `None` for an entry of the old
/// line-per-file manifest, which has no checksum (such a file may be replaced by
/// this build, never removed).
struct Manifest {
    files: BTreeMap<String, Option<Entry>>,
}

fn read_manifest(output: &Path, folders: &PlainFolders) -> Result<Manifest, Error> {
    let path = output.join(MANIFEST);
    check_no_links(output, MANIFEST, folders)?;
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(&path, e)),
    };
    let damaged = |why: String| {
        Error::Refused(format!(
            "{} is damaged ({why}): briefing will not replace or remove files on its word; restore it, or delete it and move the old site out of {}",
            display_path(&path),
            display_path(output)
        ))
    };
    if !text.trim_start().starts_with('{') {
        // The manifest of earlier versions: one path per line.
        let files = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter(|l| check_site_path(l).is_ok())
            .map(|l| (l.to_string(), None))
            .collect();
        return Ok(Manifest { files });
    }
    let manifest: ManifestFile = serde_json::from_str(&text).map_err(|e| damaged(e.to_string()))?;
    if manifest.version != MANIFEST_VERSION {
        return Err(damaged(format!(
            "version {}; this briefing reads version {MANIFEST_VERSION}",
            manifest.version
        )));
    }
    if files_checksum(&manifest.files) != manifest.checksum {
        return Err(damaged("its checksum does not match: it was edited".into()));
    }
    Ok(Manifest {
        files: manifest
            .files
            .into_iter()
            .filter(|e| check_site_path(&e.path).is_ok())
            .map(|e| (e.path.clone(), Some(e)))
            .collect(),
    })
}

/// Removes folders left empty by a removal, up to (not including) `stop`: the
/// output, or a folder that was there before.
fn remove_empty_parents(stop: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == stop || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    thread_local! {
        /// Makes the n-th move into the output fail, as a full disk would.
        pub static FAIL_AFTER: Cell<Option<usize>> = const { Cell::new(None) };
    }

    thread_local! {
        /// Stops the switch before the n-th move as if the process were killed:
        /// no roll-back, journal and staging left behind.
        pub static CRASH_AFTER: Cell<Option<usize>> = const { Cell::new(None) };
    }

    pub fn crash_now() -> bool {
        CRASH_AFTER.with(|f| match f.get() {
            Some(0) => {
                f.set(None);
                true
            }
            Some(n) => {
                f.set(Some(n - 1));
                false
            }
            None => false,
        })
    }

    pub fn maybe_fail(path: &Path) -> Result<(), Error> {
        FAIL_AFTER.with(|f| match f.get() {
            Some(0) => Err(Error::io(path, std::io::Error::other("simulated failure"))),
            Some(n) => {
                f.set(Some(n - 1));
                Ok(())
            }
            None => Ok(()),
        })
    }

    fn site(files: &[(&str, &str)]) -> SiteFiles {
        files
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn writes_replaces_and_removes_only_its_own_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(out.join(".git")).unwrap();
        fs::write(out.join("CNAME"), "example.org").unwrap();
        let s = write_site(&site(&[("index.html", "a"), ("x/index.html", "b")]), &out).unwrap();
        assert_eq!(s.written, 2);
        let s = write_site(&site(&[("index.html", "a"), ("y/index.html", "c")]), &out).unwrap();
        assert_eq!(
            s,
            WriteStats {
                written: 1,
                unchanged: 1,
                removed: 1,
                kept: vec![],
            }
        );
        assert!(!out.join("x").exists(), "emptied folder is removed");
        assert_eq!(
            fs::read_to_string(out.join("CNAME")).unwrap(),
            "example.org"
        );
        assert!(out.join(".git").is_dir());
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            leftovers,
            vec![std::ffi::OsString::from("public")],
            "no staging folder left"
        );
    }

    #[test]
    fn never_overwrites_a_foreign_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("index.html"), "mine").unwrap();
        assert!(write_site(&site(&[("index.html", "a")]), &out).is_err());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "mine");
    }

    #[test]
    fn a_failure_half_way_puts_everything_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(
            &site(&[("a.html", "1"), ("old.html", "x"), ("z/b.html", "2")]),
            &out,
        )
        .unwrap();
        let before = snapshot(&out);
        FAIL_AFTER.with(|f| f.set(Some(2)));
        let result = write_site(
            &site(&[("a.html", "new"), ("n/c.html", "new"), ("z/b.html", "new")]),
            &out,
        );
        FAIL_AFTER.with(|f| f.set(None));
        assert!(result.is_err());
        assert_eq!(before, snapshot(&out));
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "staging removed"
        );
    }

    fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files: Vec<_> = walkdir::WalkDir::new(dir)
            .into_iter()
            .map(Result::unwrap)
            .map(|e| {
                (
                    e.path().to_path_buf(),
                    fs::read(e.path()).unwrap_or_default(),
                )
            })
            .collect();
        files.sort();
        files
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_the_output_are_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let victim = dir.path().join("victim");
        fs::create_dir_all(&victim).unwrap();
        fs::write(victim.join("secret.txt"), "keep").unwrap();
        fs::create_dir_all(&out).unwrap();
        std::os::unix::fs::symlink(&victim, out.join("evil")).unwrap();
        fs::write(out.join(MANIFEST), "evil/secret.txt\n").unwrap();
        assert!(write_site(&site(&[("index.html", "a")]), &out).is_err());
        assert!(write_site(&site(&[("evil/page.html", "a")]), &out).is_err());
        assert_eq!(
            fs::read_to_string(victim.join("secret.txt")).unwrap(),
            "keep"
        );
        assert!(!victim.join("page.html").exists());
        // and an output folder that is a link into content/ is seen through
        let root = dir.path().join("project");
        fs::create_dir_all(root.join("content")).unwrap();
        std::os::unix::fs::symlink(root.join("content"), root.join("public")).unwrap();
        assert!(check_output_dir(&root, &root.join("public")).is_err());
    }

    /// Every point at which a build can die during the switch: after the
    /// next build's recovery the output is exactly the old site, and that build
    /// then writes the new one.
    #[test]
    fn a_build_killed_at_any_move_is_rolled_back_by_the_next() {
        let old = site(&[("a.html", "1"), ("gone.html", "x"), ("z/b.html", "2")]);
        let new = site(&[("a.html", "new"), ("n/c.html", "new"), ("z/b.html", "2")]);
        // Four moves (two files in, one out, the manifest), and after the last.
        for k in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("public");
            fs::create_dir_all(&out).unwrap();
            fs::write(out.join("CNAME"), "mine").unwrap();
            write_site(&old, &out).unwrap();
            let before = snapshot(&out);
            CRASH_AFTER.with(|f| f.set(Some(k)));
            let crashed = write_site(&new, &out);
            CRASH_AFTER.with(|f| f.set(None));
            assert!(crashed.is_err(), "crash before move {k}");
            assert!(out.join(WORK_DIR).join(JOURNAL).exists());
            let stager = Stager::new(&out, &CancelToken::new()).unwrap();
            let said = stager.recovered.clone().unwrap_or_default();
            assert!(said.contains("put the previous site back"), "{said}");
            drop(stager);
            assert_eq!(before, snapshot(&out), "after a crash before move {k}");
            write_site(&new, &out).unwrap();
            assert_eq!(fs::read_to_string(out.join("n/c.html")).unwrap(), "new");
            assert!(!out.join("gone.html").exists());
            assert!(!out.join(WORK_DIR).exists(), "nothing left in .briefing/");
        }
    }

    /// An output holding an earlier build's site beside the user's own files
    /// (one in a folder the site also uses, and an empty folder), and a new
    /// site that puts files into folders not there yet, into the user's
    /// folders, replaces one file and drops another.
    fn output_with_users_folders() -> (tempfile::TempDir, PathBuf, SiteFiles) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(out.join("kept/empty")).unwrap();
        fs::write(out.join("CNAME"), "mine").unwrap();
        fs::write(out.join("kept/mine.txt"), "mine").unwrap();
        let old = site(&[
            ("index.html", "1"),
            ("gone.html", "x"),
            ("kept/old.html", "2"),
        ]);
        write_site(&old, &out).unwrap();
        let new = site(&[
            ("index.html", "new"),
            ("fresh/a/index.html", "a"),
            ("fresh/b/index.html", "b"),
            ("kept/old.html", "2"),
            ("kept/deep/x.html", "x"),
            ("kept/empty/y.html", "y"),
            ("kept/page.html", "p"),
        ]);
        (dir, out, new)
    }

    fn read_journal(out: &Path) -> Journal {
        serde_json::from_slice(&fs::read(out.join(WORK_DIR).join(JOURNAL)).unwrap()).unwrap()
    }

    #[test]
    fn a_folder_not_in_the_output_moves_in_whole_and_others_file_by_file() {
        let (_dir, out, new) = output_with_users_folders();
        let before = snapshot(&out);
        CRASH_AFTER.with(|f| f.set(Some(0)));
        assert!(write_site(&new, &out).is_err());
        let journal = read_journal(&out);
        let put = |path: &str, replaces| Op::Put {
            path: path.into(),
            replaces,
        };
        let put_dir = |path: &str, files: &[&str]| Op::PutDir {
            path: path.into(),
            files: files.iter().map(|f| f.to_string()).collect(),
        };
        assert_eq!(journal.version, JOURNAL_VERSION);
        assert_eq!(
            journal.ops,
            vec![
                put("index.html", true),
                put("kept/empty/y.html", false),
                put("kept/page.html", false),
                put_dir("fresh", &["fresh/a/index.html", "fresh/b/index.html"]),
                put_dir("kept/deep", &["kept/deep/x.html"]),
                Op::Remove {
                    path: "gone.html".into()
                },
                put(MANIFEST, true),
            ]
        );
        drop(Stager::new(&out, &CancelToken::new()).unwrap());
        assert_eq!(before, snapshot(&out));
        // Files are counted and listed one by one, as before.
        let stats = write_site(&new, &out).unwrap();
        assert_eq!((stats.written, stats.unchanged, stats.removed), (6, 1, 1));
        let manifest = read_manifest(&out, &PlainFolders::default()).unwrap();
        let listed: Vec<&str> = manifest.files.keys().map(String::as_str).collect();
        let built: Vec<&str> = new.keys().map(String::as_str).collect();
        assert_eq!(listed, built);
        for (rel, bytes) in &new {
            assert_eq!(&fs::read(out.join(rel)).unwrap(), bytes, "{rel}");
        }
        assert_eq!(
            fs::read_to_string(out.join("kept/mine.txt")).unwrap(),
            "mine"
        );
        assert!(!out.join(WORK_DIR).exists());
    }

    /// Every point at which a build can die, or a move fail, among moves of
    /// whole folders and single files: the output is then exactly as before,
    /// the user's empty folder included.
    #[test]
    fn a_build_stopped_at_any_move_of_a_folder_or_file_leaves_the_output_as_it_was() {
        // Seven moves (see the test above), and after the last.
        for k in 0..8 {
            let (dir, out, new) = output_with_users_folders();
            let before = snapshot(&out);
            CRASH_AFTER.with(|f| f.set(Some(k)));
            let crashed = write_site(&new, &out);
            CRASH_AFTER.with(|f| f.set(None));
            assert!(crashed.is_err(), "crash before move {k}");
            let stager = Stager::new(&out, &CancelToken::new()).unwrap();
            let said = stager.recovered.clone().unwrap_or_default();
            assert!(said.contains("put the previous site back"), "{said}");
            drop(stager);
            assert_eq!(before, snapshot(&out), "after a crash before move {k}");
            if k < 7 {
                FAIL_AFTER.with(|f| f.set(Some(k)));
                let failed = write_site(&new, &out);
                FAIL_AFTER.with(|f| f.set(None));
                assert!(failed.is_err(), "failure of move {k}");
                assert_eq!(before, snapshot(&out), "after move {k} failed");
                assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
            }
            write_site(&new, &out).unwrap();
            assert_eq!(
                fs::read_to_string(out.join("fresh/b/index.html")).unwrap(),
                "b"
            );
        }
    }

    /// Rolling back a folder moved in whole takes away the files it brought,
    /// no more: a file put in it after the crash stays, and nothing is
    /// removed through a link put in its place.
    #[test]
    fn rolling_back_a_folder_takes_away_only_its_own_files() {
        let (dir, out, new) = output_with_users_folders();
        // Crash after the first five moves: `fresh` and `kept/deep` are in.
        CRASH_AFTER.with(|f| f.set(Some(5)));
        assert!(write_site(&new, &out).is_err());
        assert!(out.join("fresh/a/index.html").exists());
        fs::write(out.join("fresh/a/notes.txt"), "mine").unwrap();
        let stager = Stager::new(&out, &CancelToken::new()).unwrap();
        assert!(stager.recovered.is_some());
        drop(stager);
        assert_eq!(
            fs::read_to_string(out.join("fresh/a/notes.txt")).unwrap(),
            "mine"
        );
        assert!(!out.join("fresh/a/index.html").exists());
        assert!(!out.join("fresh/b").exists() && !out.join("kept/deep").exists());
        #[cfg(unix)]
        {
            fs::remove_dir_all(out.join("fresh")).unwrap();
            CRASH_AFTER.with(|f| f.set(Some(5)));
            assert!(write_site(&new, &out).is_err());
            let elsewhere = dir.path().join("elsewhere");
            fs::rename(out.join("fresh"), &elsewhere).unwrap();
            std::os::unix::fs::symlink(&elsewhere, out.join("fresh")).unwrap();
            let e = Stager::new(&out, &CancelToken::new()).err().unwrap();
            assert!(e.to_string().contains("symbolic link"), "{e}");
            assert!(elsewhere.join("a/index.html").exists());
            assert!(
                out.join(WORK_DIR).join(JOURNAL).exists(),
                "tried again next time"
            );
        }
    }

    #[test]
    fn a_folder_made_during_the_build_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let (out, staging) = (dir.path().join("public"), dir.path().join("stage"));
        fs::create_dir_all(staging.join("new/fresh")).unwrap();
        fs::write(staging.join("new/fresh/index.html"), "ours").unwrap();
        fs::create_dir_all(out.join("fresh")).unwrap();
        let op = Op::PutDir {
            path: "fresh".into(),
            files: vec!["fresh/index.html".into()],
        };
        let e = apply(&out, &staging, &op).unwrap_err();
        assert!(e.to_string().contains("during the build"), "{e}");
        let journal = Journal {
            version: JOURNAL_VERSION,
            stage: "stage".into(),
            ops: vec![op],
        };
        assert_eq!(roll_back(&out, &staging, &journal).unwrap(), 0);
        assert!(out.join("fresh").is_dir());
        assert!(staging.join("new/fresh/index.html").exists());
    }

    /// A journal of the previous version, left by a build killed after it
    /// moved a file into a folder it made and replaced another: put back.
    #[test]
    fn a_journal_of_version_1_is_still_rolled_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&site(&[("a.html", "1")]), &out).unwrap();
        let before = snapshot(&out);
        let stage = out.join(WORK_DIR).join("stage-v1");
        fs::create_dir_all(stage.join("new")).unwrap();
        fs::create_dir_all(stage.join("old")).unwrap();
        fs::rename(out.join("a.html"), stage.join("old/a.html")).unwrap();
        fs::write(out.join("a.html"), "2").unwrap();
        fs::create_dir_all(out.join("n/m")).unwrap();
        fs::write(out.join("n/m/c.html"), "new").unwrap();
        fs::write(stage.join("new").join(MANIFEST), "{}").unwrap();
        fs::write(
            out.join(WORK_DIR).join(JOURNAL),
            r#"{"version":1,"stage":"stage-v1","ops":[{"op":"put","path":"a.html","replaces":true},{"op":"put","path":"n/m/c.html","replaces":false},{"op":"put","path":".briefing-manifest","replaces":true}]}"#,
        )
        .unwrap();
        let stager = Stager::new(&out, &CancelToken::new()).unwrap();
        assert!(stager
            .recovered
            .as_deref()
            .unwrap()
            .contains("2 files restored"));
        drop(stager);
        assert_eq!(before, snapshot(&out));
    }

    #[test]
    fn a_journal_of_a_newer_version_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&site(&[("a.html", "1")]), &out).unwrap();
        fs::create_dir_all(out.join(WORK_DIR).join("stage-v9/new")).unwrap();
        // A move this version does not know must not hide whose journal it is.
        let journal = r#"{"version":9,"stage":"stage-v9","ops":[{"op":"swap","path":"a.html"}]}"#;
        fs::write(out.join(WORK_DIR).join(JOURNAL), journal).unwrap();
        let e = Stager::new(&out, &CancelToken::new()).err().unwrap();
        assert!(e.to_string().contains("newer briefing"), "{e}");
        assert_eq!(
            fs::read_to_string(out.join(WORK_DIR).join(JOURNAL)).unwrap(),
            journal
        );
    }

    #[test]
    fn stale_staging_is_removed_and_said() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(out.join(WORK_DIR).join("stage-old/new")).unwrap();
        fs::write(out.join(WORK_DIR).join("stage-old/new/x.html"), "x").unwrap();
        let stager = Stager::new(&out, &CancelToken::new()).unwrap();
        assert!(stager
            .recovered
            .as_deref()
            .unwrap_or("")
            .contains("removed the staging"));
        assert!(!out.join(WORK_DIR).join("stage-old").exists());
        assert!(
            stager.staging.starts_with(out.join(WORK_DIR)),
            "staged inside the output"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_staging_folder_is_never_used() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let trap = dir.path().join("trap");
        fs::create_dir_all(&out).unwrap();
        fs::create_dir_all(&trap).unwrap();
        std::os::unix::fs::symlink(&trap, out.join(WORK_DIR)).unwrap();
        let e = write_site(&site(&[("index.html", "a")]), &out).unwrap_err();
        assert!(e.to_string().contains("not a folder briefing made"), "{e}");
        assert_eq!(fs::read_dir(&trap).unwrap().count(), 0);
        fs::remove_file(out.join(WORK_DIR)).unwrap();
        // A folder of someone else's (only root can make one to test with).
        if unsafe { libc::geteuid() } == 0 {
            fs::create_dir(out.join(WORK_DIR)).unwrap();
            let path = std::ffi::CString::new(out.join(WORK_DIR).to_str().unwrap()).unwrap();
            assert_eq!(unsafe { libc::chown(path.as_ptr(), 65534, 65534) }, 0);
            let e = write_site(&site(&[("index.html", "a")]), &out).unwrap_err();
            assert!(e.to_string().contains("another user"), "{e}");
            assert!(!out.join("index.html").exists());
        }
    }

    #[test]
    fn a_second_build_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = Stager::new(&out, &CancelToken::new()).unwrap();
        first.stage("index.html", b"first").unwrap();
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        let second = {
            let out = out.clone();
            std::thread::spawn(move || {
                let r = write_site(&site(&[("index.html", "second")]), &out);
                done_tx.send(()).unwrap();
                r
            })
        };
        // Not a timing assertion: the second build cannot finish while the lock
        // is held, however long we wait.
        assert!(done_rx
            .recv_timeout(std::time::Duration::from_millis(300))
            .is_err());
        first.commit().unwrap();
        second.join().unwrap().unwrap();
        assert_eq!(
            fs::read_to_string(out.join("index.html")).unwrap(),
            "second"
        );
    }

    #[test]
    fn control_characters_in_names_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("CNAME"), "mine").unwrap();
        let e = write_site(&site(&[("b/x\nCNAME", "a")]), &out).unwrap_err();
        assert!(e.to_string().contains("control character U+000A"), "{e}");
        write_site(&site(&[("index.html", "a")]), &out).unwrap();
        assert_eq!(fs::read_to_string(out.join("CNAME")).unwrap(), "mine");
    }

    #[test]
    fn only_files_still_as_written_are_removed_or_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(
            &site(&[("a.html", "1"), ("b.html", "2"), ("c.html", "3")]),
            &out,
        )
        .unwrap();
        fs::write(out.join("b.html"), "edited by hand").unwrap();
        let s = write_site(&site(&[("c.html", "3")]), &out).unwrap();
        assert_eq!((s.removed, s.kept.clone()), (1, vec!["b.html".to_string()]));
        assert_eq!(
            fs::read_to_string(out.join("b.html")).unwrap(),
            "edited by hand"
        );
        // Now b.html is the user's: it is neither removed nor overwritten.
        assert!(write_site(&site(&[("b.html", "x")]), &out).is_err());
        fs::write(out.join("c.html"), "edited").unwrap();
        let e = write_site(&site(&[("c.html", "4")]), &out).unwrap_err();
        assert!(
            e.to_string().contains("changed since briefing wrote it"),
            "{e}"
        );
    }

    #[test]
    fn a_manifest_naming_the_users_files_deletes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(out.join(".git")).unwrap();
        fs::write(out.join(".git/HEAD"), "ref").unwrap();
        fs::write(out.join("CNAME"), "mine").unwrap();
        write_site(&site(&[("index.html", "a")]), &out).unwrap();
        // Edited by hand: the checksum no longer matches, and nothing is obeyed.
        let text = fs::read_to_string(out.join(MANIFEST)).unwrap();
        let edited = text.replace("\"index.html\"", "\".git\"");
        fs::write(out.join(MANIFEST), &edited).unwrap();
        let e = write_site(&site(&[("other.html", "b")]), &out).unwrap_err();
        assert!(e.to_string().contains("checksum does not match"), "{e}");
        // Even a well-formed manifest naming them (size and hash made up, or a
        // folder, or a hidden path) removes nothing of the user's.
        fs::write(
            out.join(MANIFEST),
            manifest_for(&[(".git", b"ref"), ("CNAME", b"other"), ("index.html", b"a")]),
        )
        .unwrap();
        let s = write_site(&site(&[("other.html", "b")]), &out).unwrap();
        assert_eq!(s.removed, 1, "only index.html, as written");
        assert_eq!(s.kept, vec!["CNAME".to_string()]);
        assert!(out.join(".git/HEAD").exists());
        assert_eq!(fs::read_to_string(out.join("CNAME")).unwrap(), "mine");
        // The old line-per-file manifest: its files may be replaced, never removed.
        fs::write(out.join(MANIFEST), "# old\nother.html\nCNAME\n.git\n").unwrap();
        let s = write_site(&site(&[("other.html", "c")]), &out).unwrap();
        assert_eq!((s.written, s.removed), (1, 0));
        assert!(out.join(".git/HEAD").exists() && out.join("CNAME").exists());
    }

    #[test]
    fn dangerous_output_folders_are_refused() {
        let root = Path::new("/tmp/project");
        assert!(check_output_dir(root, Path::new("/")).is_err());
        assert!(check_output_dir(root, Path::new("/tmp/project")).is_err());
        assert!(check_output_dir(root, Path::new("/tmp")).is_err());
        assert!(check_output_dir(root, Path::new("/tmp/project/content/out")).is_err());
        assert!(check_output_dir(root, Path::new("/tmp/project/public")).is_ok());
        assert!(check_output_dir(root, Path::new("/tmp/project/public/../site")).is_ok());
        let e = check_output_dir(Path::new("."), Path::new("./")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("refusing to write the site to ./:"),
            "{e}"
        );
    }
}
