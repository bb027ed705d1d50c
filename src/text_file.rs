//! Reading the user's text files, and turning byte offsets into the line and
//! column an editor shows.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Position};
use crate::Error;

/// A text file of the user's, kept whole so diagnostics can quote its lines.
#[derive(Debug, Clone)]
pub struct TextFile {
    /// Where the file is, as diagnostics name it.
    pub path: PathBuf,
    /// Its text, without a byte-order mark.
    pub text: String,
    line_starts: Vec<usize>,
}

/// Why a source file could not be read.
pub enum ReadFailure {
    /// The file is missing or unreadable: an I/O problem.
    Io(Error),
    /// The file is there but is not text we accept: a content problem.
    Content(Diagnostic),
}

impl TextFile {
    /// Reads a UTF-8 file. A leading byte-order mark is dropped; invalid UTF-8 is
    /// reported at the line and column of the first bad byte.
    pub fn read(path: &Path) -> Result<TextFile, ReadFailure> {
        let bytes = read_file(path)?;
        match String::from_utf8(bytes) {
            Ok(text) => Ok(TextFile::new(path, text)),
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let bytes = e.into_bytes();
                let before = String::from_utf8_lossy(&bytes[..valid]).into_owned();
                let file = TextFile::new(path, before);
                let pos = file.position(file.text.len());
                Err(ReadFailure::Content(
                    Diagnostic::error(path, format!("file is not valid UTF-8 (byte {valid})"))
                        .at(Some(pos))
                        .with_help("save the file as UTF-8 text (most editors: \"Save with encoding\" → UTF-8)"),
                ))
            }
        }
    }

    /// A file from text already in memory (a byte-order mark is dropped).
    pub fn new(path: &Path, mut text: String) -> TextFile {
        if text.starts_with('\u{feff}') {
            text.drain(..3);
        }
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        TextFile {
            path: path.to_path_buf(),
            text,
            line_starts,
        }
    }

    /// The 1-based line and character column of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let column = self.text[start..floor_char_boundary(&self.text, offset)]
            .chars()
            .count()
            + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// The text of a 1-based line, without its line break.
    pub fn line(&self, line: usize) -> Option<&str> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        Some(self.text[start..end].trim_end_matches(['\n', '\r']))
    }

    /// An error at a position of this file, with the line shown under it.
    pub fn error_at(&self, position: Option<Position>, message: impl Into<String>) -> Diagnostic {
        self.located(Diagnostic::error(&self.path, message), position)
    }

    /// A warning at a position of this file, with the line shown under it.
    pub fn warning_at(&self, position: Option<Position>, message: impl Into<String>) -> Diagnostic {
        self.located(Diagnostic::warning(&self.path, message), position)
    }

    fn located(&self, diagnostic: Diagnostic, position: Option<Position>) -> Diagnostic {
        let snippet = position.and_then(|p| self.line(p.line));
        diagnostic.at(position).with_snippet(snippet)
    }
}

/// The largest file briefing reads (an article, a YAML file, a template, an
/// asset): far above any real one, far below what would exhaust memory.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads one of the user's files, checking what it is before reading it: a
/// symbolic link is not followed (it could point at `/dev/zero` or a secret),
/// a FIFO or device is refused (it could block forever or never end), and no
/// more than [`MAX_FILE_BYTES`] are read.
pub fn read_file(path: &Path) -> Result<Vec<u8>, ReadFailure> {
    use std::io::Read;
    let refuse = |message: String, help: &str| {
        Err(ReadFailure::Content(
            Diagnostic::error(path, message).with_help(help),
        ))
    };
    let meta = std::fs::symlink_metadata(path).map_err(|e| ReadFailure::Io(Error::io(path, e)))?;
    if meta.file_type().is_symlink() {
        return refuse(
            "symbolic links are not followed in content/ or templates/".into(),
            "replace the link with the file itself",
        );
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        // Never follow a link put there since the check; never block on a FIFO.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = if meta.is_file() {
        options
            .open(path)
            .map_err(|e| ReadFailure::Io(Error::io(path, e)))?
    } else {
        return refuse(
            "not a regular file (a folder, FIFO, socket or device)".into(),
            "replace it with an ordinary file",
        );
    };
    // What was opened is checked again: the path may have changed meanwhile.
    let meta = file
        .metadata()
        .map_err(|e| ReadFailure::Io(Error::io(path, e)))?;
    if !meta.is_file() {
        return refuse(
            "not a regular file (a folder, FIFO, socket or device)".into(),
            "replace it with an ordinary file",
        );
    }
    if meta.len() > MAX_FILE_BYTES {
        return refuse(
            format!(
                "file is too large ({} MiB; briefing reads at most {} MiB)",
                meta.len() >> 20,
                MAX_FILE_BYTES >> 20
            ),
            "split it, or keep it out of content/",
        );
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadFailure::Io(Error::io(path, e)))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return refuse(
            format!(
                "file grew past {} MiB while it was read",
                MAX_FILE_BYTES >> 20
            ),
            "split it, or keep it out of content/",
        );
    }
    Ok(bytes)
}

/// The largest char boundary at or below `index`.
pub fn floor_char_boundary(s: &str, index: usize) -> usize {
    let mut i = index.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary at or above `index`.
pub fn ceil_char_boundary(s: &str, index: usize) -> usize {
    let mut i = index.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_lines() {
        let f = TextFile::new(Path::new("a"), "ab\n“c”d\n".to_string());
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(3), Position { line: 2, column: 1 });
        // after “c” (3 + 1 + 3 bytes) is the 4th character of line 2
        assert_eq!(f.position(3 + 3 + 1 + 3), Position { line: 2, column: 4 });
        assert_eq!(f.line(2), Some("“c”d"));
        assert_eq!(f.line(9), None);
    }

    #[test]
    fn byte_order_mark_is_dropped_and_crlf_lines_are_clean() {
        let f = TextFile::new(Path::new("a"), "\u{feff}x: 1\r\ny: 2\r\n".to_string());
        assert_eq!(f.text, "x: 1\r\ny: 2\r\n");
        assert_eq!(f.line(2), Some("y: 2"));
    }

    fn refused(path: &Path) -> String {
        match TextFile::read(path) {
            Err(ReadFailure::Content(d)) => d.message,
            Ok(_) => panic!("{} was read", path.display()),
            Err(ReadFailure::Io(e)) => panic!("{e}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_fifos_and_devices_are_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let zero = dir.path().join("glossary.yaml");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        assert!(refused(&zero).contains("symbolic links"));
        assert!(refused(Path::new("/dev/zero")).contains("not a regular file"));
        let fifo = dir.path().join("site.yaml");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // Would block forever if it were opened for reading like a file.
        assert!(refused(&fifo).contains("not a regular file"));
    }

    #[test]
    fn a_file_over_the_cap_is_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("article.md");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(MAX_FILE_BYTES + 1).unwrap(); // sparse: no disk used
        assert!(refused(&big).contains("too large"));
    }

    #[test]
    fn invalid_utf8_is_located() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yaml");
        std::fs::write(&p, b"ok\nab\xff\n").unwrap();
        match TextFile::read(&p) {
            Err(ReadFailure::Content(d)) => {
                assert_eq!(d.position, Some(Position { line: 2, column: 3 }))
            }
            _ => panic!("expected a content diagnostic"),
        }
    }
}
