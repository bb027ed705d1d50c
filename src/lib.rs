//! briefing: a static site generator for annotated briefings.
//!
//! The module tree is the pipeline (ARCHITECTURE.md has the map):
//! [`load`] reads `content/` → [`article`] parses each article into the text a
//! reader sees → [`anchor`] resolves each note's quote to one place in it →
//! [`validate`] checks everything → [`render`] turns article, notes and glossary
//! into HTML → [`output`] writes the site without damaging what is there.
//! [`pipeline`] runs the stages; every user mistake along the way is a located
//! [`diagnostic`].
//!
//! Around it, the editing loop: [`serve`] keeps a [`pipeline::Incremental`] build
//! in memory and serves it with live reload, [`report`] prints diagnostics for
//! people or as JSON, [`fix`] re-anchors notes after the article changed, and
//! [`scaffold`] starts a new briefing, from an article saved as text with
//! [`intake`]. [`publish`] adds what a site at a public address needs (feed,
//! sitemap, canonical links, link previews, JSON-LD), and [`init`] starts a new
//! project.

// A diagnostic is a few strings; returning one is the cold path of every stage,
// so boxing it would only add noise.
#![allow(clippy::result_large_err)]
// Public items are what tests, benches, the fuzz targets and `main.rs` build on;
// each says why it exists, so the next reader need not reverse-engineer it.
#![warn(missing_docs)]

pub mod anchor;
pub mod article;
pub mod diagnostic;
pub mod fix;
pub mod init;
pub mod intake;
pub mod interop;
pub(crate) mod library;
pub mod link_check;
pub mod load;
pub mod output;
pub mod pipeline;
pub mod publish;
pub mod render;
pub mod report;
pub mod safe_write;
pub mod scaffold;
pub mod serve;
pub mod text_file;
pub(crate) mod validate;

use std::path::{Path, PathBuf};

/// Why a command stopped. Mistakes in the project's content are not among
/// them: those are [`diagnostic::Diagnostic`]s, all reported together. Each
/// variant says what happened, so a caller can tell a refusal from a bug; the
/// command line exits with 130 for [`Error::Interrupted`] and 2 for the rest.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", diagnostic::display_path(path))]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The command was called in a way that cannot work: no `content/`, an
    /// argument out of range, a briefing that does not exist.
    #[error("{0}")]
    Usage(String),
    /// The command declined to write where it could destroy the user's work: a
    /// file briefing did not write, a symbolic link, an output folder holding
    /// the project, a file changed behind its back.
    #[error("{0}")]
    Refused(String),
    /// A file given on the command line (not the project's content, which
    /// gets diagnostics) cannot be used; located like a content mistake.
    #[error("{}", .0.render(false))]
    Input(Box<diagnostic::Diagnostic>),
    /// The preview server could not start: a socket, a thread, the file watcher.
    #[error("{0}")]
    Server(String),
    /// A bug in briefing, not in what it was given.
    #[error("internal error: {0}")]
    Internal(String),
    /// Ctrl-C: the build stopped before changing the output.
    #[error("interrupted; the output was left as it was")]
    Interrupted,
}

impl Error {
    /// An I/O failure on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
