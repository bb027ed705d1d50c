//! The files of a briefing folder other than its text, copied beside its page.

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::load::LoadedBriefing;

/// Adds the briefing's assets to its rendered `files` (output paths to bytes).
/// An asset that would replace a generated file is an error, and is left out.
pub fn copy_assets(
    src: &LoadedBriefing,
    files: &mut BTreeMap<String, Vec<u8>>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for asset in &src.assets {
        match std::fs::read(asset) {
            Ok(bytes) => {
                // Output paths are `/`-separated, whatever the platform.
                let rel: Vec<String> = asset
                    .strip_prefix(&src.dir)
                    .unwrap_or(asset)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                let key = format!("{}/{}", src.slug, rel.join("/"));
                if files.contains_key(&key) {
                    diagnostics.push(
                        Diagnostic::error(asset, format!("this file would replace the generated {key}"))
                            .with_help("rename the file; index.html and annotations.jsonld are written by briefing"),
                    );
                    continue;
                }
                files.insert(key, bytes);
            }
            Err(e) => diagnostics.push(Diagnostic::error(asset, format!("cannot read file: {e}"))),
        }
    }
}
