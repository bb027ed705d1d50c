//! Markdown that pasted prose turns on by accident. An article is pasted as it
//! was published, and plain text is full of Markdown's signals: a statement that
//! ends in `###`, a line of hard-wrapped text that starts with `- ` or `1.`, a
//! separator of `---` under a line, a `<name>`, a path ending in `\`. Each
//! becomes markup without a word; these warnings say where, and the escape that
//! keeps the text as it reads.
//!
//! Only what is almost never meant is reported: Markdown written on purpose
//! (a heading, list or quote after a blank line, a list of two items) is not.

use std::ops::Range;
use std::sync::OnceLock;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::article::markdown_options;
use crate::diagnostic::Diagnostic;
use crate::text_file::TextFile;

/// A warning for each accidental construct of the article's body, which
/// starts at byte `body_start` of `article` and parses into `parsed` (events
/// with their bytes in the body).
pub fn accidental_markup(
    article: &TextFile,
    body_start: usize,
    parsed: &[(Event, Range<usize>)],
) -> Vec<Diagnostic> {
    let body = &article.text[body_start..];
    let warn = |offset: usize, message: String, help: String| {
        let at = Some(article.position(body_start + offset));
        article.warning_at(at, message).with_help(help)
    };
    let mut out = Vec::new();
    let mut depth = 0usize;
    // The last top-level block that ended: a paragraph, and where it ended.
    let mut previous: Option<(bool, usize)> = None;
    let mut heading: Option<(usize, bool)> = None;
    let mut lists: Vec<(usize, usize, Option<u64>)> = Vec::new();
    for (event, range) in parsed {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    if let Some(d) = interrupts(body, tag, range, previous) {
                        out.push(warn(range.start, d.0, d.1));
                    }
                }
                match tag {
                    Tag::Heading { level, .. } => {
                        heading = Some((range.start, false));
                        if is_setext(body, range) {
                            out.push(warn(
                                range.start,
                                "a line of `===` or `---` under this line makes it a heading"
                                    .into(),
                                format!(
                                    "if the line is a separator in the text, write it as `\\{}`; for a heading, write `{} …`",
                                    underline(body, range),
                                    "#".repeat(heading_number(*level))
                                ),
                            ));
                        }
                    }
                    Tag::List(start) => lists.push((range.start, 0, *start)),
                    Tag::Item if lists.len() == 1 => {
                        if let Some(l) = lists.last_mut() {
                            l.1 += 1;
                        }
                    }
                    Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Indented) => out.push(warn(
                        range.start,
                        "this text is indented by four spaces or a tab, so it shows as code".into(),
                        "remove the spaces at the start of its lines".into(),
                    )),
                    _ => {}
                }
                depth += 1;
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                match end {
                    TagEnd::Heading(_) => {
                        if let Some((start, false)) = heading.take() {
                            let marks = body[start..range.end].trim();
                            out.push(warn(
                                start,
                                format!("`{marks}` makes an empty heading"),
                                format!("if the `{marks}` is part of the text, write it as `\\{marks}`; otherwise remove the line"),
                            ));
                        }
                    }
                    TagEnd::List(_) => {
                        if let Some((start, items, number)) = lists.pop() {
                            if lists.is_empty() && items == 1 {
                                out.push(one_item_list(body, start, number, &warn));
                            }
                        }
                    }
                    _ => {}
                }
                if depth == 0 {
                    previous = Some((matches!(end, TagEnd::Paragraph), range.end));
                }
            }
            Event::Text(_) | Event::Code(_) => {
                if let Some(h) = heading.as_mut() {
                    h.1 = true;
                }
            }
            Event::HardBreak if body[range.clone()].starts_with('\\') => out.push(warn(
                range.start,
                "a backslash at the end of a line is a line break, and does not show".into(),
                "if the backslash is part of the text, write it twice: `\\\\`".into(),
            )),
            Event::Html(html) | Event::InlineHtml(html) => {
                if let Some(name) = unknown_tag(html) {
                    out.push(warn(
                        range.start,
                        format!("`<{name}>` looks like an HTML tag, and is removed from the page"),
                        format!("to show it as text, write `\\<{name}>`"),
                    ));
                }
            }
            _ => {}
        }
        if depth == 0 && matches!(event, Event::Html(_)) {
            previous = Some((false, range.end));
        }
    }
    out
}

/// A heading, quote or list on the line right after a paragraph's last line:
/// what hard-wrapped text does when a line happens to start with `#`, `>`, `-`.
fn interrupts(
    body: &str,
    tag: &Tag,
    range: &Range<usize>,
    previous: Option<(bool, usize)>,
) -> Option<(String, String)> {
    let (true, end) = previous? else {
        return None;
    };
    // Only a line break, no blank line, between the paragraph's last character
    // and the block.
    let last = body.get(..end)?.trim_end().len();
    if body.get(last..range.start)?.matches('\n').count() != 1 {
        return None;
    }
    let line = body[range.start..]
        .lines()
        .next()
        .unwrap_or("")
        .trim_start();
    let what = match tag {
        Tag::Heading { .. } if !is_setext(body, range) => "a heading",
        Tag::BlockQuote(_) => "a block quote",
        Tag::List(_) => "a list",
        _ => return None,
    };
    let marker: String = line.chars().take_while(|c| !c.is_whitespace()).collect();
    Some((
        format!("the line starting with `{marker}` breaks the paragraph above it and becomes {what}"),
        format!("if it is part of the text, write `{}` at the start of the line; if it is meant, put a blank line before it", escaped(&marker)),
    ))
}

/// `1995.` → `1995\.`; `-` → `\-`; `#` → `\#`.
fn escaped(marker: &str) -> String {
    let digits = marker.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        format!("{}\\{}", &marker[..digits], &marker[digits..])
    } else {
        format!("\\{marker}")
    }
}

fn one_item_list(
    body: &str,
    start: usize,
    number: Option<u64>,
    warn: &impl Fn(usize, String, String) -> Diagnostic,
) -> Diagnostic {
    let line = body[start..].lines().next().unwrap_or("").trim_start();
    let marker: String = line.chars().take_while(|c| !c.is_whitespace()).collect();
    let kind = if number.is_some() {
        "a numbered list"
    } else {
        "a bulleted list"
    };
    warn(
        start,
        format!("the line starting with `{marker}` becomes {kind} of one item"),
        format!(
            "if `{marker}` is part of the text, write `{}`",
            escaped(&marker)
        ),
    )
}

/// Whether a heading is underlined (`===`/`---` on the next line) rather than `#`.
fn is_setext(body: &str, range: &Range<usize>) -> bool {
    !body[range.clone()].trim_start().starts_with('#')
}

fn underline(body: &str, range: &Range<usize>) -> String {
    body[range.clone()]
        .trim_end()
        .lines()
        .last()
        .unwrap_or("")
        .trim()
        .to_string()
}

fn heading_number(level: HeadingLevel) -> usize {
    level as usize
}

/// The tags of a note, definition or summary that no HTML has, which the
/// sanitizer would remove with the words in them (`<Millbrook First>`).
pub(super) fn unknown_tags(markdown: &str) -> Vec<String> {
    if !markdown.contains('<') {
        return Vec::new();
    }
    Parser::new_ext(markdown, markdown_options())
        .filter_map(|e| match e {
            Event::Html(html) | Event::InlineHtml(html) => unknown_tag(&html),
            _ => None,
        })
        .collect()
}

/// The name of a tag that no HTML has (`<monthly>`, `<Name>`): text in angle
/// brackets that the sanitizer would drop. Real tags are taken as meant.
fn unknown_tag(html: &str) -> Option<String> {
    let inner = html.trim().strip_prefix('<')?.trim_start_matches('/');
    let name: String = inner
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if name.is_empty() || inner.starts_with("!--") {
        return None;
    }
    (!known_elements().contains(name.to_ascii_lowercase().as_str())).then_some(name)
}

/// What the sanitizer allows, and what it removes on purpose.
fn known_elements() -> &'static std::collections::HashSet<&'static str> {
    static KNOWN: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let mut known = ammonia::Builder::default().clone_tags();
        known.extend([
            "script", "style", "iframe", "svg", "math", "object", "embed", "form", "input",
            "button", "textarea", "select", "option", "title", "link", "meta", "base", "frame",
            "frameset", "noscript", "template", "video", "audio", "source", "track", "canvas",
            "html", "head", "body", "mark", "section", "dfn", "abbr", "small", "s", "picture",
        ]);
        known
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warnings(body: &str) -> Vec<String> {
        let head = "---\ntitle: T\n---\n";
        let file = TextFile::new(std::path::Path::new("article.md"), format!("{head}{body}"));
        let parsed = crate::article::ParsedArticle::parse(&file.text[head.len()..]).parsed;
        accidental_markup(&file, head.len(), &parsed)
            .into_iter()
            .map(|d| {
                let p = d.position.unwrap();
                format!("{}:{} {}", p.line, p.column, d.message)
            })
            .collect()
    }

    #[test]
    fn accidents_are_found() {
        assert_eq!(
            warnings("The statement ends here.\n\n###\n"),
            ["6:1 `###` makes an empty heading"]
        );
        assert_eq!(
            warnings("Hard-wrapped text that\n- said the mayor, goes on.\n"),
            [
                "5:1 the line starting with `-` breaks the paragraph above it and becomes a list",
                "5:1 the line starting with `-` becomes a bulleted list of one item"
            ]
        );
        assert_eq!(
            warnings("The figures\n> 50 people came.\n"),
            ["5:1 the line starting with `>` breaks the paragraph above it and becomes a block quote"]
        );
        assert_eq!(
            warnings("Results\n---\n"),
            ["4:1 a line of `===` or `---` under this line makes it a heading"]
        );
        assert_eq!(
            warnings("1995. The year it began.\n"),
            ["4:1 the line starting with `1995.` becomes a numbered list of one item"]
        );
        assert_eq!(
            warnings("Saved in C:\\files\\\nand more.\n"),
            ["4:18 a backslash at the end of a line is a line break, and does not show"]
        );
        assert_eq!(
            warnings("Holders of <monthly> passes.\n"),
            ["4:12 `<monthly>` looks like an HTML tag, and is removed from the page"]
        );
        assert_eq!(
            warnings("Intro.\n\n    indented text\n"),
            ["6:5 this text is indented by four spaces or a tab, so it shows as code"]
        );
    }

    #[test]
    fn unknown_tags_in_notes() {
        assert_eq!(
            unknown_tags("<Millbrook First> is a party; <b>bold</b>"),
            ["Millbrook"]
        );
        assert!(unknown_tags("a < b and c > d").is_empty());
    }

    #[test]
    fn markdown_written_on_purpose_is_not_reported() {
        let body = "## Trade talks\n\nText.\n\n> A quote.\n\n1. One.\n2. Two.\n\n- A.\n- B.\n\nA <b>bold</b> word and a <span>span</span>.\n\n---\n\nEnd.\n";
        assert_eq!(warnings(body), Vec::<String>::new());
    }
}
