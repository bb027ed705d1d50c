//! Stage four: put the built site on disk without ever damaging what is there.
//!
//! Every file is first written to a staging folder beside the output; only when
//! all of them are written are they moved into place. Files are removed only if
//! an earlier build wrote them (they are listed in the manifest), so a `CNAME`,
//! `.git` or anything else of the user's survives. Unchanged files are not touched.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

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

/// What a write did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Files written or replaced.
    pub written: usize,
    /// Files left alone because their bytes were already there.
    pub unchanged: usize,
    /// Files of an earlier build removed because this build no longer has them.
    pub removed: usize,
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
    let refuse = |why: &str| {
        Err(Error::Refused(format!(
            "refusing to write the site to {}: {why}; choose a folder of its own, such as {}",
            display_path(output),
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

/// Refuses a path inside the output that passes through a symbolic link: a link
/// planted in `public/` must not let a build write or delete files elsewhere.
fn check_no_links(output: &Path, rel: &str) -> Result<(), Error> {
    let mut path = output.to_path_buf();
    for part in rel.split('/') {
        path.push(part);
        match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(Error::Refused(format!(
                    "refusing to write through the symbolic link {} in the output folder; remove the link",
                    display_path(&path)
                )))
            }
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
/// folder beside the output (so that a big site need not sit in memory), and
/// only [`Stager::commit`] moves them in. A stager dropped without a commit
/// leaves the output exactly as it was.
pub struct Stager {
    output: PathBuf,
    staging: PathBuf,
    old_manifest: BTreeSet<String>,
    staged: Mutex<Staged>,
    cancel: CancelToken,
}

#[derive(Default)]
struct Staged {
    /// Every file of the new site, staged or unchanged.
    all: BTreeSet<String>,
    /// Files whose bytes differ from the output's: these are in the staging folder.
    changed: Vec<String>,
    unchanged: usize,
}

impl Stager {
    /// Prepares a write into `output` that stops (with [`Error::Interrupted`])
    /// at its next safe point once `cancel` is cancelled.
    pub fn new(output: &Path, cancel: &CancelToken) -> Result<Stager, Error> {
        let old_manifest = read_manifest(output)?;
        for rel in &old_manifest {
            check_no_links(output, rel)?;
        }
        Ok(Stager {
            output: output.to_path_buf(),
            staging: staging_dir(output),
            old_manifest,
            staged: Mutex::new(Staged::default()),
            cancel: cancel.clone(),
        })
    }

    /// Stages one file of the site (`rel` is `/`-separated). A file whose bytes
    /// are already in the output is left alone; a file there that briefing did
    /// not write is never replaced.
    pub fn stage(&self, rel: &str, bytes: &[u8]) -> Result<(), Error> {
        if self.cancel.is_cancelled() {
            return Err(Error::Interrupted);
        }
        check_no_links(&self.output, rel)?;
        let target = self.output.join(rel);
        let changed = match fs::read(&target) {
            Ok(existing) if existing == bytes => false,
            Ok(_) if !self.old_manifest.contains(rel) => {
                return Err(Error::Refused(format!(
                    "refusing to overwrite {}: briefing did not write it; move it away or build into another folder with --output",
                    display_path(&target)
                )))
            }
            Ok(_) => true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(e) if e.kind() == std::io::ErrorKind::IsADirectory => {
                return Err(Error::Refused(format!(
                    "cannot write {}: a folder of that name is in the way",
                    display_path(&target)
                )))
            }
            Err(e) => return Err(Error::io(&target, e)),
        };
        if changed {
            write_file(&self.staging.join(rel), bytes)?;
        }
        let mut staged = self.staged.lock().unwrap_or_else(|e| e.into_inner());
        staged.all.insert(rel.to_string());
        if changed {
            staged.changed.push(rel.to_string());
        } else {
            staged.unchanged += 1;
        }
        Ok(())
    }

    /// Moves the staged files into the output and removes the files of earlier
    /// builds that this one no longer has. A failure half way puts everything back.
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
        let stale: Vec<&String> = self.old_manifest.difference(&staged.all).collect();
        let manifest_text = manifest_text(&staged.all);
        let manifest_changed = fs::read_to_string(output.join(MANIFEST)).ok().as_deref()
            != Some(manifest_text.as_str());
        if staged.changed.is_empty() && stale.is_empty() && !manifest_changed {
            return Ok(stats);
        }
        write_file(&self.staging.join(MANIFEST), manifest_text.as_bytes())?;

        let mut journal = Journal {
            output,
            backup: self.staging.join(".replaced"),
            done: Vec::new(),
        };
        let result = (|| -> Result<(), Error> {
            fs::create_dir_all(output).map_err(|e| Error::io(output, e))?;
            for rel in &staged.changed {
                journal.put(&self.staging, rel)?;
                stats.written += 1;
            }
            for rel in &stale {
                if journal.remove(rel)? {
                    stats.removed += 1;
                }
            }
            journal.put(&self.staging, MANIFEST)
        })();
        if result.is_err() {
            journal.roll_back();
        } else {
            for rel in &stale {
                remove_empty_parents(output, &output.join(rel));
            }
        }
        result.map(|()| stats)
    }
}

impl Drop for Stager {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.staging);
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    fs::write(path, bytes).map_err(|e| Error::io(path, e))
}

/// The moves made into the output so far, each reversible: a replaced or removed
/// file is first moved aside into the staging folder, so that a failure half way
/// (a read-only folder, a full disk) puts every earlier file back.
struct Journal<'a> {
    output: &'a Path,
    backup: PathBuf,
    done: Vec<(String, bool)>,
}

impl Journal<'_> {
    /// Moves the staged file `rel` into the output, keeping any old file aside.
    fn put(&mut self, staging: &Path, rel: &str) -> Result<(), Error> {
        let target = self.output.join(rel);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        #[cfg(test)]
        tests::maybe_fail(&target)?;
        let had_old = self.set_aside(rel)?;
        self.done.push((rel.to_string(), had_old));
        fs::rename(staging.join(rel), &target).map_err(|e| Error::io(&target, e))
    }

    /// Moves an output file aside; `Ok(false)` if it was not there.
    fn remove(&mut self, rel: &str) -> Result<bool, Error> {
        let existed = self.set_aside(rel)?;
        if existed {
            self.done.push((rel.to_string(), true));
        }
        Ok(existed)
    }

    fn set_aside(&self, rel: &str) -> Result<bool, Error> {
        let target = self.output.join(rel);
        if !target.exists() {
            return Ok(false);
        }
        let aside = self.backup.join(rel);
        if let Some(parent) = aside.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        fs::rename(&target, &aside).map_err(|e| Error::io(&target, e))?;
        Ok(true)
    }

    /// Undoes every move, newest first.
    fn roll_back(&mut self) {
        for (rel, had_old) in self.done.drain(..).rev() {
            let target = self.output.join(&rel);
            let _ = fs::remove_file(&target);
            if had_old {
                let _ = fs::rename(self.backup.join(&rel), &target);
            } else {
                remove_empty_parents(self.output, &target);
            }
        }
    }
}

fn staging_dir(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(format!(".{name}.briefing-staging-{}", std::process::id()))
}

fn manifest_text(files: &BTreeSet<String>) -> String {
    let mut text =
        String::from("# Files written by `briefing build`; it removes only these. Do not edit.\n");
    for f in files {
        text.push_str(f);
        text.push('\n');
    }
    text
}

fn read_manifest(output: &Path) -> Result<BTreeSet<String>, Error> {
    let path = output.join(MANIFEST);
    match fs::read_to_string(&path) {
        Ok(text) => Ok(text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            // Never follow a manifest entry out of the output folder.
            .filter(|l| {
                Path::new(l)
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_)))
            })
            .map(str::to_string)
            .collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeSet::new()),
        Err(e) => Err(Error::io(&path, e)),
    }
}

/// Removes folders left empty by a removal, up to (not including) the output.
fn remove_empty_parents(output: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == output || fs::remove_dir(d).is_err() {
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
                removed: 1
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

    #[test]
    fn dangerous_output_folders_are_refused() {
        let root = Path::new("/tmp/project");
        assert!(check_output_dir(root, Path::new("/")).is_err());
        assert!(check_output_dir(root, Path::new("/tmp/project")).is_err());
        assert!(check_output_dir(root, Path::new("/tmp")).is_err());
        assert!(check_output_dir(root, Path::new("/tmp/project/content/out")).is_err());
        assert!(check_output_dir(root, Path::new("/tmp/project/public")).is_ok());
        assert!(check_output_dir(root, Path::new("/tmp/project/public/../site")).is_ok());
    }
}
