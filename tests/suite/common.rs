//! Helpers shared by the integration tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// Copies a directory tree (test fixtures into a scratch folder).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, to compare trees.
pub fn snapshot_tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// A scratch project made from a fixture, with an earlier site already in `public/`.
pub fn project_with_public(fixture_path: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture(fixture_path), dir.path());
    let public = dir.path().join("public");
    std::fs::create_dir_all(public.join("old")).unwrap();
    std::fs::write(
        public.join(".briefing-manifest"),
        briefing::output::manifest_for(&[
            ("index.html", b"earlier build"),
            ("old/index.html", b"earlier page"),
        ]),
    )
    .unwrap();
    std::fs::write(public.join("index.html"), "earlier build").unwrap();
    std::fs::write(public.join("old/index.html"), "earlier page").unwrap();
    std::fs::write(public.join("CNAME"), "briefings.example.org").unwrap();
    dir
}

/// The `briefing` binary, without colours, as a user's terminal would run it.
pub fn briefing() -> Command {
    let mut cmd = Command::cargo_bin("briefing").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}
