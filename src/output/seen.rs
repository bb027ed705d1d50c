//! What the output's files were on disk when a build last saw them whole: the
//! file's identity and times (device, inode, size, modification and change
//! time) beside its size and hash. Kept outside the output (the build cache
//! names a file for it), so that the output holds only the site.
//!
//! With it, [`super::Stager::keep`] tells that a file is still exactly what
//! briefing wrote without reading it: any write to a file, or a rename over it,
//! gives it a new change time, which no user can set. A file is remembered only
//! if its change time is older than the start of the build that saw its
//! content (the time its staging folder was made, on the same filesystem): a
//! change made during that build, even within one tick of the filesystem's
//! clock, leaves a change time no older than the start, so such a file is read
//! again next time instead. Anything unreadable here is simply not used.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{checked, FileSum};

/// Version 2: kept as a [`checked`] file.
const VERSION: u32 = 2;

/// The files seen by an earlier build, and where this build leaves its own list.
#[derive(Default)]
pub(super) struct Seen {
    path: Option<PathBuf>,
    files: BTreeMap<String, SeenFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct SeenFile {
    sum: FileSum,
    stat: Stat,
}

/// A file's identity and times as `stat` gives them; seconds and nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stat {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Seen {
    /// Reads the list kept at `path` (none if it is missing or damaged); the
    /// build writes its own there.
    pub fn load(path: &Path) -> Seen {
        let files = checked::read(path, VERSION).unwrap_or_default();
        Seen {
            path: Some(path.to_path_buf()),
            files,
        }
    }

    /// Whether the file at `path` (output path `rel`) is, by its identity and
    /// times, the one an earlier build saw with this size and hash.
    pub fn vouches_for(&self, path: &Path, rel: &str, sum: &FileSum) -> bool {
        self.files
            .get(rel)
            .is_some_and(|seen| seen.sum == *sum && stat(path) == Some(seen.stat))
    }

    /// Writes the list for the output's files as this build leaves them (each
    /// holds what its sum says), keeping those changed before `started`. A
    /// file already listed with the same sum keeps its line unlooked-at: what
    /// it says stays true (a file changed since no longer has that identity
    /// and those times, so the line then vouches for nothing).
    pub fn save<'a>(
        &self,
        output: &Path,
        files: impl Iterator<Item = (&'a str, FileSum)>,
        started: (i64, i64),
    ) {
        let Some(path) = &self.path else {
            return;
        };
        let files: BTreeMap<String, SeenFile> = files
            .filter_map(|(rel, sum)| {
                if let Some(seen) = self.files.get(rel).filter(|s| s.sum == sum) {
                    return Some((rel.to_string(), seen.clone()));
                }
                let stat = stat(&output.join(rel))?;
                (stat.ctime < started).then(|| (rel.to_string(), SeenFile { sum, stat }))
            })
            .collect();
        if files == self.files {
            return;
        }
        if let Some(json) = checked::to_json(&files, VERSION) {
            let _ = write_replacing(path, &json);
        }
    }
}

/// The time a file or folder was made or last changed, by the filesystem's clock.
pub(super) fn change_time(path: &Path) -> Option<(i64, i64)> {
    stat_any(path).map(|s| s.ctime)
}

/// A plain file's identity and times; `None` for anything else, or off Unix.
fn stat(path: &Path) -> Option<Stat> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    stat_of(&meta)
}

fn stat_any(path: &Path) -> Option<Stat> {
    stat_of(&std::fs::symlink_metadata(path).ok()?)
}

impl Stat {
    /// When the file was made or last changed (seconds, nanoseconds since
    /// the epoch), by its filesystem's clock; nobody can set it.
    pub(crate) fn changed(&self) -> (i64, i64) {
        self.ctime
    }
}

/// The identity and times in `meta` (`None` off Unix).
#[cfg(unix)]
pub(crate) fn stat_of(meta: &std::fs::Metadata) -> Option<Stat> {
    use std::os::unix::fs::MetadataExt;
    Some(Stat {
        dev: meta.dev(),
        ino: meta.ino(),
        size: meta.size(),
        mtime: (meta.mtime(), meta.mtime_nsec()),
        ctime: (meta.ctime(), meta.ctime_nsec()),
    })
}

#[cfg(not(unix))]
pub(crate) fn stat_of(_: &std::fs::Metadata) -> Option<Stat> {
    None
}

/// Writes through a temporary file and a rename: a reader sees the old list or
/// the new one.
fn write_replacing(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut temp, bytes)?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
