//! Topics: `topics.yaml` defines each once; briefings and notes name them by id,
//! and an unknown id is an error that suggests the nearest defined one.

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::load::model::TopicSpec;
use crate::load::yaml::At;
use crate::load::{is_valid_id, LoadedBriefing, YamlFile};
use crate::text_file::TextFile;

/// `topics.yaml`: ids valid and unique.
pub fn topic_file(file: &YamlFile<Vec<TopicSpec>>) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut seen: BTreeMap<&str, &At<String>> = BTreeMap::new();
    for t in &file.value {
        let at = t.id.position();
        if !is_valid_id(&t.id) {
            diagnostics.push(
                file.file
                    .error_at(at, format!("topic id `{}` is not a valid id", t.id))
                    .with_help(format!(
                        "use lowercase letters, digits and hyphens, e.g. `{}`",
                        crate::load::slugify(&t.id)
                    )),
            );
        } else if let Some(first) = seen.get(t.id.as_str()) {
            let line = first
                .position()
                .map_or_else(String::new, |p| format!(" on line {}", p.line));
            diagnostics.push(
                file.file
                    .error_at(at, format!("duplicate topic id `{}`", t.id))
                    .with_help(format!(
                        "the id is already used{line}; give each topic its own id"
                    )),
            );
        } else {
            seen.insert(t.id.as_str(), &t.id);
        }
    }
    diagnostics
}

/// The topics a briefing's front matter and notes name must be defined.
pub fn briefing_topics(
    src: &LoadedBriefing,
    known: &[TopicSpec],
    diagnostics: &mut Vec<Diagnostic>,
) {
    topic_refs(&src.article, &src.front.topics, known, diagnostics);
    for f in &src.notes {
        for n in &f.value {
            topic_refs(&f.file, &n.topics, known, diagnostics);
        }
    }
}

/// Each topic named in `topics` (written in `file`) must be one of `known`; an
/// unknown one is an error that suggests the nearest known id.
fn topic_refs(
    file: &TextFile,
    topics: &[At<String>],
    known: &[TopicSpec],
    diagnostics: &mut Vec<Diagnostic>,
) {
    for id in topics {
        if known.iter().any(|t| t.id.as_str() == id.as_str()) {
            continue;
        }
        let nearest = known
            .iter()
            .map(|t| (strsim::jaro_winkler(id, &t.id), t.id.as_str()))
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .filter(|(s, _)| *s > 0.7)
            .map(|(_, k)| format!("did you mean `{k}`? "))
            .unwrap_or_default();
        let help = if known.is_empty() {
            "define the topic in content/topics.yaml (id, title, description)".to_string()
        } else {
            format!("{nearest}topics are the ids defined in content/topics.yaml")
        };
        diagnostics.push(
            file.error_at(id.position(), format!("unknown topic `{id}`"))
                .with_help(help),
        );
    }
}
