//! Values that parse but say nothing, or say it wrongly: an empty headline, a
//! glossary term or definition left empty, two terms written alike, a language
//! that is not a language tag. YAML accepts them all; a reader would meet an
//! empty `<h1>`, a blank glossary entry, a link that goes to the wrong term or a
//! page announced in no language.

use std::collections::HashMap;

use language_tags::LanguageTag;

use crate::diagnostic::Diagnostic;
use crate::load::model::{SiteConfig, TermSpec};
use crate::load::yaml::At;
use crate::load::{LoadedBriefing, YamlFile};

/// The headline `briefing new` writes, to be replaced; a briefing still holding it
/// (or the other placeholders) is warned about rather than published unnoticed.
pub const PLACEHOLDER_TITLE: &str = "The headline, exactly as published";
/// The summary `briefing new` writes, to be replaced.
pub const PLACEHOLDER_SUMMARY: &str = "One or two sentences for the site index.";
/// The article body `briefing new` writes, to be replaced by the article.
pub const PLACEHOLDER_BODY: &str =
    "Paste the article here, exactly as published: keep its words as they are and put
corrections and context in annotations.yaml.";

/// Text `briefing new` wrote that is still there, one warning per placeholder.
fn placeholders_left(src: &LoadedBriefing) -> Vec<Diagnostic> {
    let help = "replace what `briefing new` wrote with the article's own";
    let mut out = Vec::new();
    if *src.front.title == PLACEHOLDER_TITLE {
        out.push(
            src.article
                .warning_at(
                    src.front.title.position(),
                    "the title is still the placeholder `briefing new` wrote",
                )
                .with_help(format!("{help} headline")),
        );
    }
    if let Some(summary) = src
        .front
        .summary
        .as_ref()
        .filter(|s| ***s == PLACEHOLDER_SUMMARY)
    {
        out.push(
            src.article
                .warning_at(
                    summary.position(),
                    "the summary is still the placeholder `briefing new` wrote",
                )
                .with_help("write one or two sentences of your own for the site index"),
        );
    }
    if let Some(at) = src.body().find(PLACEHOLDER_BODY) {
        out.push(
            src.article
                .warning_at(
                    Some(src.article.position(src.body_start + at)),
                    "the article is still the placeholder `briefing new` wrote",
                )
                .with_help(format!("{help} text")),
        );
    }
    out
}

/// The article's front matter: its headline and language, and placeholders left in.
pub fn front_matter(src: &LoadedBriefing) -> Vec<Diagnostic> {
    let mut out = placeholders_left(src);
    if src.front.title.trim().is_empty() {
        out.push(
            src.article
                .error_at(src.front.title.position(), "the title is empty")
                .with_help("write the article's headline, exactly as published: `title: \"…\"`"),
        );
    }
    if let Some(language) = &src.front.language {
        if let Some(help) = language_problem(language) {
            out.push(
                src.article
                    .error_at(
                        language.position(),
                        format!("`{language}` is not a language tag"),
                    )
                    .with_help(help),
            );
        }
    }
    out
}

/// `site.yaml`'s `language`, which every page is announced in.
pub fn site_language(site: &YamlFile<SiteConfig>) -> Option<Diagnostic> {
    let language = &site.value.language;
    let help = language_problem(language)?;
    // Site settings carry no positions: the `language:` line is found in the text.
    let at = site
        .file
        .text
        .match_indices("language:")
        .find(|(i, _)| *i == 0 || site.file.text.as_bytes()[i - 1] == b'\n')
        .map(|(i, key)| {
            let rest = &site.file.text[i + key.len()..];
            site.file
                .position(i + key.len() + (rest.len() - rest.trim_start_matches([' ', '\t']).len()))
        });
    Some(
        site.file
            .error_at(at, format!("`{language}` is not a language tag"))
            .with_help(help),
    )
}

/// Why a language tag is not one (BCP 47), with the fix; `None` if it is fine.
pub fn language_problem(tag: &str) -> Option<String> {
    if LanguageTag::parse(tag).is_ok_and(|t| t.validate().is_ok()) {
        return None;
    }
    let hyphenated = tag.trim().replace('_', "-");
    Some(
        if hyphenated != tag && LanguageTag::parse(&hyphenated).is_ok() {
            format!("language tags use hyphens: write `{hyphenated}`")
        } else {
            "write a language tag such as `en`, `en-GB`, `zh-Hans` or `pt-BR` (BCP 47)".to_string()
        },
    )
}

/// Glossary entries: a term and a definition each, and no two terms written alike.
pub fn glossary_fields(g: &YamlFile<Vec<TermSpec>>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // A form (term or alias, whatever its case) and the first term that has it.
    let mut forms: HashMap<String, usize> = HashMap::new();
    for (i, t) in g.value.iter().enumerate() {
        let empty = [
            (
                &t.term,
                "an empty `term`",
                "write the term as articles use it, e.g. `term: Belt and Road Initiative`",
            ),
            (
                &t.definition,
                "an empty definition",
                "write what the term means in a sentence or two, or remove the term",
            ),
        ];
        for (field, what, help) in empty {
            if field.trim().is_empty() {
                out.push(
                    g.file
                        .error_at(
                            field.position(),
                            format!("glossary term `{}` has {what}", t.id),
                        )
                        .with_help(help),
                );
            }
        }
        let own: Vec<(String, &At<String>)> = std::iter::once(&t.term)
            .chain(&t.aliases)
            .map(|f| (fold_form(f), f))
            .filter(|(f, _)| !f.is_empty())
            .collect();
        for (k, (form, written)) in own.iter().enumerate() {
            if own[..k].iter().any(|(f, _)| f == form) {
                continue;
            }
            match forms.get(form) {
                Some(&first) => {
                    let other = &g.value[first];
                    let line = other
                        .term
                        .position()
                        .map_or(String::new(), |p| format!(" (line {})", p.line));
                    out.push(
                        g.file
                            .error_at(
                                written.position(),
                                format!("“{form}” is written alike in the terms `{}` and `{}`", other.id, t.id),
                            )
                            .with_help(format!(
                                "a use of it could link either; merge the two entries, or keep the form in `{}`{line} only",
                                other.id
                            )),
                    );
                }
                None => {
                    forms.insert(form.clone(), i);
                }
            }
        }
    }
    out
}

/// Terms and aliases match whatever their case and spacing.
fn fold_form(form: &str) -> String {
    form.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        for ok in ["en", "en-GB", "zh-Hans", "pt-BR", "de-CH-1996", "es-419"] {
            assert_eq!(language_problem(ok), None, "{ok}");
        }
        assert_eq!(
            language_problem("en_US").as_deref(),
            Some("language tags use hyphens: write `en-US`")
        );
        for bad in ["english", "e", "en-", "", "12"] {
            assert!(language_problem(bad).is_some(), "{bad}");
        }
    }
}
