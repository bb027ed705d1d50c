//! The one way briefing writes a file of the user's project (`import`, `fix`,
//! `new`, and the build's own bookkeeping): never through a symbolic link, and
//! never half: the bytes go to a new temporary file beside the target, which is
//! then renamed over it, so a reader (or a crash) sees the old file or the new
//! one, nothing in between.

use std::io::Write;
use std::path::Path;

use crate::diagnostic::display_path;
use crate::Error;

/// What to do when the target already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Fail: the file is new (`briefing new`, `import` without `--force`).
    Refuse,
    /// Replace it, keeping its permissions.
    Replace,
}

/// Writes `bytes` to `path` atomically. A symbolic link at `path`, even a
/// dangling one, is refused rather than followed: writing through it would
/// create or change a file somewhere else.
pub fn write_file(path: &Path, bytes: &[u8], existing: Existing) -> Result<(), Error> {
    let old = refuse_link(path)?;
    if old.is_some() && existing == Existing::Refuse {
        return Err(already_there(path));
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".briefing-tmp");
    #[cfg(unix)]
    {
        // A replaced file keeps its mode; a new one gets the usual 0666 less the umask.
        use std::os::unix::fs::PermissionsExt;
        let mode = old
            .as_ref()
            .map_or(0o666, |m| m.permissions().mode() & 0o7777);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let mut temp = builder
        .tempfile_in(parent)
        .map_err(|e| Error::io(parent, e))?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| Error::io(path, e))?;
    match existing {
        Existing::Replace => temp.persist(path).map(drop),
        // A link, not a rename: fails if another process created the file meanwhile.
        Existing::Refuse => temp.persist_noclobber(path).map(drop),
    }
    .map_err(|e| match e.error.kind() {
        std::io::ErrorKind::AlreadyExists => already_there(path),
        _ => Error::io(path, e.error),
    })
}

/// The metadata of what is at `path` (`None` if nothing), refusing a link.
pub fn refuse_link(path: &Path) -> Result<Option<std::fs::Metadata>, Error> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(Error::Refused(format!(
            "refusing to write {}: it is a symbolic link, and briefing never writes through one; remove the link first",
            display_path(path)
        ))),
        Ok(m) if !m.is_file() => Err(Error::Refused(format!(
            "cannot write {}: something that is not a file is in the way",
            display_path(path)
        ))),
        Ok(m) => Ok(Some(m)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

fn already_there(path: &Path) -> Error {
    Error::Refused(format!(
        "{} already exists; briefing does not overwrite it",
        display_path(path)
    ))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{symlink, PermissionsExt};

    #[test]
    fn links_are_never_written_through_even_dangling_ones() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere.txt");
        let link = dir.path().join("notes.yaml");
        symlink(&target, &link).unwrap();
        for existing in [Existing::Refuse, Existing::Replace] {
            let e = write_file(&link, b"x", existing).unwrap_err();
            assert!(e.to_string().contains("symbolic link"), "{e}");
            assert!(!target.exists(), "the dangling link's target was created");
        }
        std::fs::write(&target, "keep").unwrap();
        assert!(write_file(&link, b"x", Existing::Replace).is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
    }

    #[test]
    fn replaces_atomically_keeping_permissions_and_refuses_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        write_file(&path, b"one", Existing::Refuse).unwrap();
        assert!(write_file(&path, b"two", Existing::Refuse).is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_file(&path, b"three", Existing::Replace).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"three");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }
}
