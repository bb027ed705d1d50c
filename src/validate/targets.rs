//! Internal links and images: a relative link must reach a page or file the
//! built site has, and an image must be a file that is copied with it. Checked
//! on every build, from the content folder alone (no network), since a broken
//! link inside the site is always the editor's mistake.
//!
//! Every page a note or definition can appear on sits one folder deep
//! (`SLUG/index.html`, `glossary/index.html`), so a relative link is resolved
//! from such a folder: `../other-briefing/index.html`, `photo.jpg`.

use std::path::Path;

use percent_encoding::percent_decode_str;

use super::links::url_scheme;

/// The annotations export written beside each page (`interop::export::FILE_NAME`,
/// a later stage, which checks that the two agree).
pub const EXPORT_FILE: &str = "annotations.jsonld";

/// Where a link is written, and so which folder it is resolved from.
#[derive(Debug, Clone, Copy)]
pub enum Base<'a> {
    /// A briefing's page, `SLUG/index.html`.
    Briefing(&'a str),
    /// The glossary page; definitions also appear on briefing pages, one folder
    /// deep as well, so `../` means the same there.
    Glossary,
}

/// Why a relative link or image points at nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// `/path`: breaks when the site is opened from disk or served under a sub-path.
    RootAbsolute,
    /// `../../x`: leaves the site.
    OutsideSite,
    /// No page or file of the site is there.
    NoSuchTarget(String),
}

impl Missing {
    pub fn message(&self, url: &str, image: bool, place: &str) -> String {
        let what = if image { "image" } else { "link" };
        match self {
            Missing::RootAbsolute => {
                format!("{what} `{url}` in {place} starts with `/`, which breaks when the site is opened from disk or a sub-path")
            }
            Missing::OutsideSite => format!("{what} `{url}` in {place} points outside the site"),
            Missing::NoSuchTarget(path) if image => {
                format!("image `{url}` in {place} is not a file of the site (looked for content/{path})")
            }
            Missing::NoSuchTarget(path) => {
                format!(
                    "link `{url}` in {place} points at nothing the site has (looked for {path})"
                )
            }
        }
    }

    pub fn help(&self, image: bool) -> &'static str {
        if *self == Missing::RootAbsolute {
            "write it relative to the page: `../SLUG/index.html` for a briefing, `photo.jpg` for a file of this briefing"
        } else if image {
            "put the image in the briefing's folder and give its file name (case matters), e.g. `![A photo](photo.jpg)`"
        } else {
            "link a briefing as `../SLUG/index.html`, the glossary as `../glossary/index.html#term-ID`, a file of this briefing by its name; web addresses start with https://"
        }
    }
}

/// Checks one relative link or image; links with a scheme (`https:`, `mailto:`)
/// and links within the page (`#note-x`) are not this check's business.
pub fn check(content_dir: &Path, base: Base, url: &str, image: bool) -> Option<Missing> {
    if url_scheme(url).is_some() || url.starts_with("//") {
        return None;
    }
    let path = url.split(['#', '?']).next().unwrap_or("");
    if path.is_empty() {
        return None;
    }
    if path.starts_with('/') {
        return Some(Missing::RootAbsolute);
    }
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let mut parts: Vec<String> = match base {
        Base::Briefing(slug) => vec![slug.to_string()],
        Base::Glossary => vec!["glossary".to_string()],
    };
    if leaves_site(&decoded) {
        return Some(Missing::OutsideSite);
    }
    for part in decoded.split('/') {
        match part {
            "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p.to_string()),
        }
    }
    resolve(content_dir, &parts, image)
}

/// Whether the site has a page or file (for an image, a file) at `parts`,
/// relative to the site root.
fn resolve(content_dir: &Path, parts: &[String], image: bool) -> Option<Missing> {
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    let exists = match parts.as_slice() {
        // An image is a file, never a page.
        [slug, rest @ ..] if image => is_copied_file(content_dir, slug, rest),
        [] | [""] | ["index.html"] => true,
        ["glossary"] | ["glossary", "" | "index.html"] => true,
        [slug] | [slug, "" | "index.html" | EXPORT_FILE] => {
            content_dir.join(slug).join("article.md").is_file()
        }
        [slug, rest @ ..] => is_copied_file(content_dir, slug, rest),
    };
    (!exists).then(|| Missing::NoSuchTarget(parts.join("/")))
}

/// True when the `..` steps of a link climb above the site root.
fn leaves_site(decoded: &str) -> bool {
    let mut depth: i32 = 1;
    for part in decoded.split('/') {
        match part {
            ".." => depth -= 1,
            "." | "" => {}
            _ => depth += 1,
        }
        if depth < 0 {
            return true;
        }
    }
    false
}

/// A file of a briefing folder that the build copies beside its page: not
/// hidden, not the article or a notes file.
fn is_copied_file(content_dir: &Path, slug: &str, rest: &[&str]) -> bool {
    if rest
        .iter()
        .any(|p| p.is_empty() || p.starts_with('.') || *p == "..")
    {
        return false;
    }
    if let [name] = rest {
        if *name == "article.md"
            || name.ends_with(".yaml")
            || name.ends_with(".yml")
            || name.ends_with(".md")
        {
            return false;
        }
    }
    let mut path = content_dir.join(slug);
    for p in rest {
        path.push(p);
    }
    path.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_resolve_against_the_content_folder() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path();
        std::fs::create_dir_all(content.join("a/img")).unwrap();
        std::fs::create_dir_all(content.join("b")).unwrap();
        for f in [
            "a/article.md",
            "a/img/photo one.jpg",
            "b/article.md",
            "b/map.png",
        ] {
            std::fs::write(content.join(f), "x").unwrap();
        }
        let a = Base::Briefing("a");
        for ok in [
            "img/photo%20one.jpg",
            "./img/photo one.jpg",
            "../b/index.html",
            "../b/",
            "../b/map.png#x",
            "../glossary/index.html#term-x",
            "../index.html",
            "../",
            "#note-1",
            "https://example.org/x",
            "mailto:a@example.org",
            "annotations.jsonld",
        ] {
            assert_eq!(check(content, a, ok, false), None, "{ok}");
        }
        assert_eq!(check(content, Base::Glossary, "../b/map.png", true), None);
        for (bad, why) in [
            (
                "../c/index.html",
                Missing::NoSuchTarget("c/index.html".into()),
            ),
            ("photo.jpg", Missing::NoSuchTarget("a/photo.jpg".into())),
            ("article.md", Missing::NoSuchTarget("a/article.md".into())),
            ("/a/index.html", Missing::RootAbsolute),
            ("../../x", Missing::OutsideSite),
        ] {
            assert_eq!(check(content, a, bad, false), Some(why), "{bad}");
        }
        assert!(check(content, Base::Glossary, "photo.jpg", true).is_some());
        assert!(check(content, a, "../b/index.html", true).is_some());
    }
}
