//! briefing: a static site generator for annotated briefings.
//!
//! The module tree is the pipeline:
//! [`load`] reads `content/` → [`anchor`] resolves each note's quote to one place
//! in the article → [`render`] turns article, notes and glossary into HTML →
//! [`output`] writes the site without damaging what is there. [`build`] runs the
//! stages; every user mistake along the way is a located [`diagnostic`].
//!
//! Around it, the editing loop: [`serve`] keeps a [`build::Incremental`] build
//! in memory and serves it with live reload, [`report`] prints diagnostics for
//! people or as JSON, [`fix`] re-anchors notes after the article changed, and
//! [`scaffold`] starts a new briefing.

// A diagnostic is a few strings; returning one is the cold path of every stage,
// so boxing it would only add noise.
#![allow(clippy::result_large_err)]

pub mod anchor;
pub mod build;
pub mod diagnostic;
pub mod fix;
pub mod interop;
pub mod library;
pub mod load;
pub mod output;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod serve;
pub mod source;

use std::path::{Path, PathBuf};

/// Failures that are not about the content: the filesystem, or how the tool was called.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", diagnostic::display_path(path))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Usage(String),
    /// Ctrl-C: the build stopped before changing the output.
    #[error("interrupted; the output was left as it was")]
    Interrupted,
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
