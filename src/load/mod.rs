//! Stage one: find and read everything under `content/`: the site settings, the
//! shared glossary, and each briefing folder (article, notes, assets). Every
//! problem found is collected as a diagnostic; only I/O failures stop the load.

pub mod address;
mod indentation;
pub mod model;
pub mod rewrite;
pub mod yaml;

use std::collections::HashMap;

use rayon::prelude::*;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Position};
use crate::text_file::{ReadFailure, TextFile};
use crate::Error;
use model::{FrontMatter, NoteSpec, SiteConfig, TermSpec, TopicSpec};
use yaml::Document;

/// Everything read from a project's `content/`.
#[derive(Debug)]
pub struct Content {
    /// `site.yaml`, or the defaults when there is none.
    pub site: SiteConfig,
    /// `glossary.yaml`, when there is one and it could be read.
    pub glossary: Option<YamlFile<Vec<TermSpec>>>,
    /// The briefing folders that could be read, in folder-name order.
    pub briefings: Vec<LoadedBriefing>,
}

/// A YAML file with its text, for diagnostics; the value carries its positions.
#[derive(Debug)]
pub struct YamlFile<T> {
    /// The file as read, for snippets and rewriting.
    pub file: TextFile,
    /// What the file holds, each part with its position.
    pub value: T,
}

/// One briefing folder, read but not yet anchored.
#[derive(Debug)]
pub struct LoadedBriefing {
    /// The folder name: the page's URL path.
    pub slug: String,
    /// The folder, for assets and notes files.
    pub dir: PathBuf,
    /// `article.md`, whole: diagnostics quote its lines.
    pub article: TextFile,
    /// The article's front matter.
    pub front: FrontMatter,
    /// Byte offset in `article.text` where the Markdown body starts.
    pub body_start: usize,
    /// `annotations.yaml` first, then the other `*.annotations.yaml` by name.
    pub notes: Vec<YamlFile<Vec<NoteSpec>>>,
    /// Other files in the folder (images …), copied beside the page.
    pub assets: Vec<PathBuf>,
}

impl LoadedBriefing {
    /// The Markdown after the front matter.
    pub fn body(&self) -> &str {
        &self.article.text[self.body_start..]
    }
}

/// Reads the project's content. Returns what could be read and every problem.
pub fn load(content_dir: &Path) -> Result<(Content, Vec<Diagnostic>), Error> {
    let (shared, mut diagnostics) = load_shared(content_dir)?;
    let (folders, listing) = briefing_folders(content_dir)?;
    diagnostics.extend(listing);
    // Briefings are read and parsed in parallel; results keep the folders' order.
    let loaded: Vec<_> = folders
        .par_iter()
        .map(|(name, path)| load_briefing(path, name))
        .collect();
    let mut briefings = Vec::new();
    for result in loaded {
        let (briefing, found) = result?;
        diagnostics.extend(found);
        briefings.extend(briefing);
    }
    Ok((
        Content {
            site: shared.site,
            glossary: shared.glossary,
            briefings,
        },
        diagnostics,
    ))
}

/// The files every briefing depends on: `site.yaml`, `glossary.yaml` and `topics.yaml`.
#[derive(Debug)]
pub struct Shared {
    /// `site.yaml`, or the defaults.
    pub site: SiteConfig,
    /// `site.yaml` as read, for checks that point into it; `None` without one.
    pub site_file: Option<YamlFile<SiteConfig>>,
    /// `glossary.yaml`, when there is one and it could be read.
    pub glossary: Option<YamlFile<Vec<TermSpec>>>,
    /// `topics.yaml`, if the project has one.
    pub topics: Option<YamlFile<Vec<TopicSpec>>>,
}

/// The error for a project folder without `content/`: most often briefing was run
/// in the wrong folder, or before `briefing init`, so it says how to do either.
pub fn no_content_dir(content_dir: &Path) -> Error {
    let root = content_dir
        .parent()
        .map(crate::diagnostic::display_path)
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| ".".into());
    Error::Usage(format!(
        "no content directory at {}: pass --root with the project folder (the one holding content/), or start a project there with `briefing init {root}`",
        crate::diagnostic::display_path(content_dir)
    ))
}

/// Reads `site.yaml` and `glossary.yaml`. Kept apart from the briefings so that a
/// rebuild after editing one note need not read them again.
pub fn load_shared(content_dir: &Path) -> Result<(Shared, Vec<Diagnostic>), Error> {
    let mut diagnostics = Vec::new();
    if !content_dir.is_dir() {
        return Err(no_content_dir(content_dir));
    }
    let site_file = read_yaml::<SiteConfig>(
        &content_dir.join("site.yaml"),
        Document::Site,
        &mut diagnostics,
    )?;
    let site = site_file
        .as_ref()
        .map_or_else(SiteConfig::default, |f| f.value.clone());
    let glossary = read_yaml::<Vec<TermSpec>>(
        &content_dir.join("glossary.yaml"),
        Document::Glossary,
        &mut diagnostics,
    )?;
    if let Some(g) = &glossary {
        check_glossary(g, &mut diagnostics);
    }
    let topics = read_yaml::<Vec<TopicSpec>>(
        &content_dir.join("topics.yaml"),
        Document::Topics,
        &mut diagnostics,
    )?;
    Ok((
        Shared {
            site,
            site_file,
            glossary,
            topics,
        },
        diagnostics,
    ))
}

/// A briefing folder: its name (the slug, if valid) and path.
pub type Folder = (String, PathBuf);

/// Lists the briefing folders of `content/` by name (the slug candidates, sorted),
/// with a diagnostic for each symbolic link, which is never followed.
pub fn briefing_folders(content_dir: &Path) -> Result<(Vec<Folder>, Vec<Diagnostic>), Error> {
    let mut diagnostics = Vec::new();
    let mut folders = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(content_dir)
        .map_err(|e| Error::io(content_dir, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| Error::io(content_dir, e))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let file_type = entry.file_type().map_err(|e| Error::io(&path, e))?;
        if file_type.is_symlink() {
            diagnostics.push(
                Diagnostic::error(&path, "symbolic links are not followed in content/")
                    .with_help("replace the link with the folder or file itself"),
            );
            continue;
        }
        if file_type.is_dir() {
            folders.push((name, path));
        } else if !["site.yaml", "glossary.yaml", "topics.yaml"].contains(&name.as_str()) {
            diagnostics.push(
                Diagnostic::warning(&path, format!("{name} is not used: content/ holds site.yaml, glossary.yaml, topics.yaml and one folder per briefing"))
                    .with_help("files of a briefing go in its folder; files for the site root (robots.txt, CNAME) can be added to the output folder by hand, where builds leave them alone"),
            );
        }
    }
    Ok((folders, diagnostics))
}

/// Reads one briefing folder. Returns the briefing if it could be read, and every
/// problem found in it; only I/O failures are errors.
pub fn load_briefing(
    dir: &Path,
    slug: &str,
) -> Result<(Option<LoadedBriefing>, Vec<Diagnostic>), Error> {
    let mut diagnostics = Vec::new();
    let briefing = read_briefing(dir, slug, &mut diagnostics)?;
    Ok((briefing, diagnostics))
}

/// Reads an optional YAML file: `Ok(None)` when it does not exist or is broken
/// (the problem is then in `diagnostics`).
fn read_yaml<T: serde::de::DeserializeOwned>(
    path: &Path,
    document: Document,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Option<YamlFile<T>>, Error> {
    read_yaml_with(path, diagnostics, |file| {
        match yaml::parse::<T>(file, 0..file.text.len(), document) {
            Ok(value) => (Some(value), Vec::new()),
            Err(d) => (None, vec![d]),
        }
    })
}

/// Reads an optional YAML file with `parse`, which gives what it could read
/// and the problems it found.
fn read_yaml_with<T>(
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
    parse: impl FnOnce(&TextFile) -> (Option<T>, Vec<Diagnostic>),
) -> Result<Option<YamlFile<T>>, Error> {
    // A link is reported by the listing of content/ and never read.
    if !path.exists() || path.is_symlink() {
        return Ok(None);
    }
    let Some(file) = read_source(path, diagnostics)? else {
        return Ok(None);
    };
    let (value, problems) = parse(&file);
    diagnostics.extend(problems);
    Ok(value.map(|value| YamlFile { file, value }))
}

/// Top-level names of the site that a briefing may not take.
pub const RESERVED_SLUGS: &[&str] = &["glossary", "search", "topics", "timeline"];

/// Reads a text file: an I/O failure stops the load, a file that is not
/// UTF-8 becomes a diagnostic and `None`.
fn read_source(path: &Path, diagnostics: &mut Vec<Diagnostic>) -> Result<Option<TextFile>, Error> {
    match TextFile::read(path) {
        Ok(f) => Ok(Some(f)),
        Err(ReadFailure::Io(e)) => Err(e),
        Err(ReadFailure::Content(d)) => {
            diagnostics.push(d);
            Ok(None)
        }
    }
}

/// Why `slug` cannot name a briefing if the site keeps it for a page of its own,
/// worded from [`RESERVED_SLUGS`] so that a name added there is explained too.
pub fn reserved_slug_reason(slug: &str) -> Option<String> {
    RESERVED_SLUGS.contains(&slug).then(|| {
        format!(
            "`{slug}` is reserved: the site's own /{slug}/ page has that address (reserved names: {})",
            RESERVED_SLUGS
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

/// A slug becomes a URL path: lowercase ASCII letters, digits and hyphens only,
/// and not a name the site uses itself.
pub fn is_valid_slug(slug: &str) -> bool {
    is_valid_id(slug) && !RESERVED_SLUGS.contains(&slug)
}

/// Ids name URL fragments: lowercase ASCII letters, digits and hyphens, not starting with a hyphen.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
}

/// Turns any name into a valid slug, for suggestions.
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn read_briefing(
    dir: &Path,
    slug: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Option<LoadedBriefing>, Error> {
    let article_path = dir.join("article.md");
    if !is_valid_slug(slug) {
        let suggestion = slugify(slug);
        diagnostics.push(
            Diagnostic::error(
                dir,
                format!("the folder name `{slug}` cannot be used as a briefing's URL"),
            )
            .with_help(match reserved_slug_reason(slug) {
                Some(reason) => format!("{reason}; rename the folder, e.g. `{slug}-notes`"),
                None => format!(
                    "rename the folder using lowercase letters, digits and hyphens only{}",
                    if is_valid_slug(&suggestion) {
                        format!(", e.g. `{suggestion}`")
                    } else {
                        String::new()
                    }
                ),
            }),
        );
        return Ok(None);
    }
    // A link or a special file is read, and refused with its reason, not "missing".
    if std::fs::symlink_metadata(&article_path).is_err() {
        diagnostics.push(
            Diagnostic::error(&article_path, "missing article.md: every briefing folder needs its article")
                .with_help("create article.md with front matter (at least `title:`) and the article text, or remove the folder"),
        );
        return Ok(None);
    }
    let Some(article) = read_source(&article_path, diagnostics)? else {
        return Ok(None);
    };
    let Some((front_yaml, _, body_start)) = split_front_matter(&article.text) else {
        let opened = article
            .text
            .lines()
            .next()
            .is_some_and(|l| l.trim_end() == "---");
        diagnostics.push(if opened {
            article
                .error_at(Some(Position { line: 1, column: 1 }), "the front matter is never closed: no `---` line ends it")
                .with_help("add a line with just `---` after the last front matter key (`title:`, `date:` …), before the article text")
        } else {
            article
                .error_at(Some(Position { line: 1, column: 1 }), "article.md has no front matter")
                .with_help("start the file with a `---` line, then `title: \"…\"`, then another `---` line")
        });
        return Ok(None);
    };
    // The YAML starts on the line after the opening `---`.
    let yaml_start = article.text.find('\n').map_or(0, |i| i + 1);
    let front_yaml = yaml_start..yaml_start + front_yaml.len();
    let front = match yaml::parse::<FrontMatter>(&article, front_yaml, Document::FrontMatter) {
        Ok(f) => f,
        Err(d) => {
            diagnostics.push(d);
            return Ok(None);
        }
    };

    let (mut note_paths, assets) = list_briefing_files(dir, diagnostics)?;
    // annotations.yaml first, then the others by name.
    note_paths.sort_by_key(|p| p.file_name().is_none_or(|n| n != "annotations.yaml"));
    let mut notes = Vec::new();
    for path in note_paths {
        // Each note is read on its own after a mistake, so the others are still checked.
        let read = read_yaml_with(&path, diagnostics, |file| {
            yaml::parse_entries::<NoteSpec>(file, Document::Notes)
        })?;
        if let Some(f) = read {
            notes.push(f);
        }
    }
    check_note_ids(&notes, diagnostics);
    Ok(Some(LoadedBriefing {
        slug: slug.to_string(),
        dir: dir.to_path_buf(),
        front,
        article,
        body_start,
        notes,
        assets,
    }))
}

/// The files of a briefing folder besides its article: notes files at the top
/// (`annotations.yaml`, `*.annotations.yaml`) and assets at any depth, which are
/// copied beside the page. Hidden files are skipped; links are refused.
fn list_briefing_files(
    dir: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(Vec<PathBuf>, Vec<PathBuf>), Error> {
    let mut notes = Vec::new();
    let mut assets = Vec::new();
    let walk = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walk {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            Error::io(&path, e.into())
        })?;
        let path = entry.path().to_path_buf();
        let name = entry.file_name().to_string_lossy().into_owned();
        let top = entry.depth() == 1;
        if entry.path_is_symlink() {
            diagnostics.push(
                Diagnostic::error(&path, "symbolic links are not followed in content/")
                    .with_help("replace the link with the file itself"),
            );
        } else if !entry.file_type().is_file() || (top && name == "article.md") {
            continue;
        } else if top && (name == "annotations.yaml" || name.ends_with(".annotations.yaml")) {
            notes.push(path);
        } else if top
            && (name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".md"))
        {
            diagnostics.push(
                Diagnostic::warning(&path, format!("{name} is not read: it is neither the article nor a notes file"))
                    .with_help("notes go in annotations.yaml or NAME.annotations.yaml; the article is article.md"),
            );
        } else {
            assets.push(path);
        }
    }
    Ok((notes, assets))
}

/// Splits `---\n…\n---\n` front matter off. Returns the YAML, the number of lines
/// before it, and where the body starts.
pub fn split_front_matter(text: &str) -> Option<(&str, usize, usize)> {
    let first_end = text.find('\n')?;
    if text[..first_end].trim_end() != "---" {
        return None;
    }
    let yaml_start = first_end + 1;
    let mut pos = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some((&text[yaml_start..pos], 1, pos + line.len()));
        }
        pos += line.len();
    }
    None
}

fn check_note_ids(files: &[YamlFile<Vec<NoteSpec>>], diagnostics: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, (&TextFile, &NoteSpec)> = HashMap::new();
    for f in files {
        for note in &f.value {
            if !is_valid_id(&note.id) {
                diagnostics.push(
                    f.file
                        .error_at(
                            note.id.position(),
                            format!("note id `{}` is not a valid id", note.id),
                        )
                        .with_help(format!(
                            "use lowercase letters, digits and hyphens, e.g. `{}`",
                            slugify(&note.id)
                        )),
                );
            } else if let Some((first_file, first)) = seen.get(note.id.as_str()) {
                diagnostics.push(duplicate(
                    &f.file,
                    &note.id,
                    first_file,
                    &first.id,
                    "note",
                    "give each note its own id",
                ));
            } else {
                seen.insert(&note.id, (&f.file, note));
            }
        }
    }
}

/// A second use of an id, with the first one shown beside it.
fn duplicate(
    file: &TextFile,
    id: &yaml::At<String>,
    first_file: &TextFile,
    first: &yaml::At<String>,
    what: &str,
    help: &str,
) -> Diagnostic {
    let diagnostic = file
        .error_at(id.position(), format!("duplicate {what} id `{id}`"))
        .with_help(help);
    match first.position() {
        Some(p) => diagnostic.with_label(
            &first_file.path,
            p,
            first_file.line(p.line),
            "first used here",
        ),
        None => diagnostic,
    }
}

fn check_glossary(g: &YamlFile<Vec<TermSpec>>, diagnostics: &mut Vec<Diagnostic>) {
    let mut ids: HashMap<&str, &TermSpec> = HashMap::new();
    for t in &g.value {
        if !is_valid_id(&t.id) {
            diagnostics.push(
                g.file
                    .error_at(
                        t.id.position(),
                        format!("term id `{}` is not a valid id", t.id),
                    )
                    .with_help(format!(
                        "use lowercase letters, digits and hyphens, e.g. `{}`",
                        slugify(&t.id)
                    )),
            );
        } else if let Some(first) = ids.get(t.id.as_str()) {
            diagnostics.push(duplicate(
                &g.file,
                &t.id,
                &g.file,
                &first.id,
                "term",
                "give each term its own id",
            ));
        } else {
            ids.insert(&t.id, t);
        }
    }
    for t in &g.value {
        for other in &t.see_also {
            if !ids.contains_key(other.as_str()) {
                let nearest = ids
                    .keys()
                    .map(|k| (strsim::jaro_winkler(other, k), *k))
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .filter(|(s, _)| *s > 0.7)
                    .map(|(_, k)| format!("did you mean `{k}`? "))
                    .unwrap_or_default();
                diagnostics.push(
                    g.file
                        .error_at(
                            other.position(),
                            format!(
                                "`see_also` names `{other}`, which is not a term in the glossary"
                            ),
                        )
                        .with_help(format!(
                            "{nearest}see_also takes the ids of other terms in this file"
                        )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_split_with_its_line_offset() {
        let text = "---\ntitle: A\n---\nBody\n";
        let (yaml, line, body) = split_front_matter(text).unwrap();
        assert_eq!((yaml, line, &text[body..]), ("title: A\n", 1, "Body\n"));
        assert!(split_front_matter("title: A\n").is_none());
        assert!(split_front_matter("---\ntitle: A\n").is_none());
        let crlf = "---\r\ntitle: A\r\n---\r\nBody";
        assert_eq!(&crlf[split_front_matter(crlf).unwrap().2..], "Body");
    }

    #[test]
    fn slugs() {
        assert!(is_valid_slug("digital-silk-road-forum"));
        for bad in ["..", "a b", "Ünï", "a/b", "", "-x", "A", "a_b", "glossary"] {
            assert!(!is_valid_slug(bad), "{bad}");
        }
        assert_eq!(slugify("Digital Silk Road!"), "digital-silk-road");
    }
}
