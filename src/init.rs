//! `briefing init [DIR]`: a new project that builds as it is, with one example
//! briefing to learn from and, on request, the files a host needs to publish it.
//! Nothing is overwritten: if any file it would write exists, none is written.
//! In an existing project (`content/site.yaml` is there), `--github-pages` and
//! `--netlify` add just their deploy files.

use std::path::{Path, PathBuf};

use crate::diagnostic::display_path;
use crate::scaffold::write_new;
use crate::Error;

/// The example briefing's folder, under `content/`.
pub const EXAMPLE: &str = "riverside-bus-lanes";

/// Files of a new project: path below DIR, text.
fn files(github_pages: bool, netlify: bool) -> Vec<(String, &'static str)> {
    let mut files = project_files();
    files.extend(deploy_files(github_pages, netlify));
    files
}

/// The files every new project gets: path below DIR, text.
fn project_files() -> Vec<(String, &'static str)> {
    vec![
        ("content/site.yaml".into(), include_str!("init/site.yaml")),
        (
            "content/glossary.yaml".into(),
            include_str!("init/glossary.yaml"),
        ),
        (
            format!("content/{EXAMPLE}/article.md"),
            include_str!("init/article.md"),
        ),
        (
            format!("content/{EXAMPLE}/annotations.yaml"),
            include_str!("init/annotations.yaml"),
        ),
        (".gitignore".into(), include_str!("init/gitignore")),
    ]
}

/// The files a host needs to publish the committed public/: path below DIR, text.
fn deploy_files(github_pages: bool, netlify: bool) -> Vec<(String, &'static str)> {
    let mut files = Vec::new();
    if github_pages {
        files.push((
            ".github/workflows/pages.yml".into(),
            include_str!("init/pages.yml"),
        ));
    }
    if netlify {
        files.push(("netlify.toml".into(), include_str!("init/netlify.toml")));
    }
    files
}

/// Writes a new project into `dir` (made if missing) and returns the files written.
pub fn init_project(dir: &Path, github_pages: bool, netlify: bool) -> Result<Vec<PathBuf>, Error> {
    let existing_project = dir.join("content/site.yaml").is_file();
    if existing_project && (github_pages || netlify) {
        return write_all_new(dir, deploy_files(github_pages, netlify), &[]);
    }
    write_all_new(
        dir,
        files(github_pages, netlify),
        &[dir.join("content").join(EXAMPLE)],
    )
}

/// Writes `files` below `dir`, or none of them if any of them (or of `also_absent`) exists.
fn write_all_new(
    dir: &Path,
    files: Vec<(String, &'static str)>,
    also_absent: &[PathBuf],
) -> Result<Vec<PathBuf>, Error> {
    let existing: Vec<String> = files
        .iter()
        .map(|(rel, _)| dir.join(rel))
        .chain(also_absent.iter().cloned())
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .map(|p| display_path(&p))
        .collect();
    if !existing.is_empty() {
        return Err(Error::Usage(format!(
            "{} already exist{}; briefing init never overwrites: choose an empty folder, or move {} away first",
            existing.join(", "),
            if existing.len() == 1 { "s" } else { "" },
            if existing.len() == 1 { "it" } else { "them" }
        )));
    }
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        // Created new, never through an existing file or link: a file that
        // appeared since the check above stops the init instead.
        write_new(&path, text)?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_project_builds_clean_and_is_never_written_over() {
        let dir = tempfile::tempdir().unwrap();
        let made = init_project(dir.path(), true, true).unwrap();
        assert_eq!(made.len(), 7);
        let outcome = crate::pipeline::build_site(dir.path()).unwrap();
        assert!(outcome.site.is_some(), "{:#?}", outcome.diagnostics);
        assert!(
            outcome.diagnostics.is_empty(),
            "the example has no warnings: {:#?}",
            outcome.diagnostics
        );
        let site_yaml = dir.path().join("content/site.yaml");
        std::fs::write(&site_yaml, "title: Mine\n").unwrap();
        let err = init_project(dir.path(), false, false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("never overwrites"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&site_yaml).unwrap(),
            "title: Mine\n"
        );
    }

    #[test]
    fn deploy_files_are_added_to_an_existing_project_without_overwriting() {
        let dir = tempfile::tempdir().unwrap();
        init_project(dir.path(), false, false).unwrap();
        let site_yaml = dir.path().join("content/site.yaml");
        std::fs::write(&site_yaml, "title: Mine\n").unwrap();
        let made = init_project(dir.path(), true, false).unwrap();
        assert_eq!(made, [dir.path().join(".github/workflows/pages.yml")]);
        assert_eq!(
            std::fs::read_to_string(&site_yaml).unwrap(),
            "title: Mine\n"
        );
        let netlify = dir.path().join("netlify.toml");
        std::fs::write(&netlify, "# mine\n").unwrap();
        let err = init_project(dir.path(), true, true)
            .unwrap_err()
            .to_string();
        assert!(err.contains("pages.yml, "), "{err}");
        assert!(err.contains("netlify.toml already exist;"), "{err}");
        assert_eq!(std::fs::read_to_string(&netlify).unwrap(), "# mine\n");
    }

    #[test]
    fn the_gitignore_keeps_the_link_cache_out() {
        assert!(include_str!("init/gitignore")
            .lines()
            .any(|l| l == ".briefing-cache/"));
    }
}
