//! The files of a briefing folder other than its text, copied beside its page.

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::load::LoadedBriefing;

/// Adds the briefing's assets to its rendered `files` (output paths to bytes).
/// An asset that would replace a generated file is an error, and is left out.
/// Editor leftovers and `drafts/` are skipped with a warning; active content
/// (pages and scripts) and names with control characters are errors.
pub fn copy_assets(
    src: &LoadedBriefing,
    files: &mut BTreeMap<String, Vec<u8>>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for asset in &src.assets {
        // Output paths are `/`-separated, whatever the platform.
        let rel: Vec<String> = asset
            .strip_prefix(&src.dir)
            .unwrap_or(asset)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if let Some(why) = not_published(&rel) {
            diagnostics.push(
                Diagnostic::warning(asset, format!("not published: {why}"))
                    .with_help("only the article, its notes and the files it shows are published; move this file out of content/ to silence this"),
            );
            continue;
        }
        if let Some(c) = rel
            .iter()
            .flat_map(|part| part.chars())
            .find(|c| c.is_control())
        {
            diagnostics.push(
                Diagnostic::error(
                    asset,
                    format!(
                        "the file name contains the control character U+{:04X}",
                        c as u32
                    ),
                )
                .with_help("rename the file: names in a site are printable text"),
            );
            continue;
        }
        let bytes = match crate::text_file::read_file(asset) {
            Ok(bytes) => bytes,
            Err(crate::text_file::ReadFailure::Content(d)) => {
                diagnostics.push(d);
                continue;
            }
            Err(crate::text_file::ReadFailure::Io(e)) => {
                diagnostics.push(Diagnostic::error(asset, format!("cannot read file: {e}")));
                continue;
            }
        };
        let key = format!("{}/{}", src.slug, rel.join("/"));
        if files.contains_key(&key) {
            diagnostics.push(
                Diagnostic::error(
                    asset,
                    format!("this file would replace the generated {key}"),
                )
                .with_help(
                    "rename the file; index.html and annotations.jsonld are written by briefing",
                ),
            );
            continue;
        }
        if let Some(why) = active_content(rel.last().map_or("", String::as_str), &bytes) {
            diagnostics.push(
                Diagnostic::error(asset, format!("{why}: a file that runs script would run with the site's address"))
                    .with_help("briefings publish no pages or scripts of their own; use an image without scripts (PNG, JPEG, a plain SVG) or link to the page where it is published"),
            );
            continue;
        }
        files.insert(key, bytes);
    }
}

/// Why a file of a briefing folder is left out of the site, if it is: an
/// editor's backup or swap file, or anything under a `drafts/` folder.
fn not_published(rel: &[String]) -> Option<&'static str> {
    let name = rel.last().map_or("", String::as_str);
    if rel[..rel.len().saturating_sub(1)]
        .iter()
        .any(|d| d == "drafts")
    {
        Some("it is in a drafts/ folder")
    } else if name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || [".bak", ".swp", ".swo", ".tmp", ".orig"]
            .iter()
            .any(|ext| name.to_ascii_lowercase().ends_with(ext))
    {
        Some("it looks like an editor's backup or swap file")
    } else {
        None
    }
}

/// Why an asset is active content that a browser would run, if it is: an HTML
/// page or a script (by name), or an SVG that carries script.
fn active_content(name: &str, bytes: &[u8]) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
    if matches!(
        ext,
        "html" | "htm" | "xhtml" | "xht" | "shtml" | "js" | "mjs" | "xml" | "xsl" | "xslt"
    ) {
        return Some(format!("`.{ext}` files are active content"));
    }
    if ext == "svg" || ext == "svgz" {
        let text = String::from_utf8_lossy(bytes).to_ascii_lowercase();
        let handler = text.match_indices("on").any(|(i, _)| {
            let after_space =
                i > 0 && matches!(text.as_bytes()[i - 1], b' ' | b'\t' | b'\n' | b'\r' | b'/');
            let rest = &text[i + 2..];
            let name_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
            after_space && name_len > 0 && rest[name_len..].trim_start().starts_with('=')
        });
        if text.contains("<script")
            || text.contains("javascript:")
            || text.contains("<foreignobject")
            || handler
            || ext == "svgz"
        {
            return Some("this SVG carries script (or could: a script element, an event handler, a javascript: link, foreign HTML, or it is compressed)".into());
        }
    }
    None
}
