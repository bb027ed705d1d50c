//! `briefing new SLUG --from FILE`: an article saved as text becomes `article.md`.
//!
//! Articles are usually saved with a few header lines (`Title:`, `Source URL:`,
//! `Date:`, `Publisher:`, `Author:`) above the text; those fill the front matter.
//! A plain-text body is escaped so that it renders exactly as it reads: a line
//! that happens to start with `#`, `>`, `-` or `1.`, a `*` or `_` in the text,
//! a `<` or a trailing backslash would otherwise turn into markup. A Markdown
//! file (`.md`, `.markdown`) is kept as Markdown.

use std::path::Path;

use crate::load::model::Date;

/// An article ready to be written: front matter values and the Markdown body,
/// with what the user should be told about how they were found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Intake {
    /// The headline: from `Title:`, else a first line standing alone.
    pub title: Option<String>,
    /// From `Date:`, for both the events' date and the original's.
    pub date: Option<Date>,
    /// From `Publisher:` (or `Source:`).
    pub publisher: Option<String>,
    /// From `Source URL:` (or `URL:`), as written; `check` judges it.
    pub url: Option<String>,
    /// From `Author:` (or `By:`).
    pub author: Option<String>,
    /// The article as Markdown that renders as the text reads.
    pub body: String,
    /// Things the user has to finish by hand.
    pub notes: Vec<String>,
}

/// Whether a file is read as Markdown (kept) or as plain text (escaped).
pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "md" | "markdown"))
}

/// Reads an article saved as text, with optional header lines.
pub fn read_article(text: &str, markdown: bool) -> Intake {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut intake = Intake::default();
    let mut rest = skip_blank(read_header(&lines, &mut intake));
    if intake.title.is_none() {
        rest = skip_blank(take_headline(rest, markdown, &mut intake));
    }
    if intake.title.is_none() {
        intake
            .notes
            .push("no headline found: fill in `title:` with the headline as published".into());
    }
    intake.body = if markdown {
        let mut body = rest.join("\n").trim_end().to_string();
        body.push('\n');
        body
    } else {
        escape_plain_text(&rest.join("\n"))
    };
    intake
}

fn skip_blank<'a, 'l>(mut lines: &'l [&'a str]) -> &'l [&'a str] {
    while lines.first().is_some_and(|l| l.trim().is_empty()) {
        lines = &lines[1..];
    }
    lines
}

/// The leading `Key: value` lines the tool knows; stops at the first other line.
fn read_header<'a, 'l>(lines: &'l [&'a str], intake: &mut Intake) -> &'l [&'a str] {
    let mut used = 0;
    for line in lines {
        if used == 0 && line.trim().is_empty() {
            used += 1;
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            break;
        };
        let value = value.trim().to_string();
        match key.trim().to_ascii_lowercase().as_str() {
            "title" | "headline" => intake.title = Some(value),
            "source url" | "url" | "link" => intake.url = Some(value),
            "publisher" | "source" | "newspaper" => intake.publisher = Some(value),
            "author" | "by" | "byline" => intake.author = Some(value),
            "date" | "published" => match parse_loose_date(&value) {
                Some(d) => intake.date = Some(d),
                None => intake.notes.push(format!(
                    "`Date: {value}` is not a date this tool reads (YYYY-MM-DD, `4 March 2025`, `March 4, 2025`): set `date:` by hand"
                )),
            },
            _ => break,
        }
        used += 1;
    }
    // A lone blank first line with no header after it is not a header.
    if intake.title.is_none()
        && intake.url.is_none()
        && intake.publisher.is_none()
        && intake.author.is_none()
        && intake.date.is_none()
        && intake.notes.is_empty()
    {
        return lines;
    }
    &lines[used..]
}

/// The headline when there is no `Title:` line: a Markdown `# Heading` first
/// line, or a plain-text first line that stands alone above the text.
fn take_headline<'a, 'l>(
    rest: &'l [&'a str],
    markdown: bool,
    intake: &mut Intake,
) -> &'l [&'a str] {
    let Some(first) = rest.first() else {
        return rest;
    };
    let alone = rest.get(1).is_some_and(|l| l.trim().is_empty()) && rest.len() > 2;
    let headline = if markdown {
        first.strip_prefix("# ").map(str::trim)
    } else if alone && first.chars().count() <= 200 {
        Some(first.trim())
    } else {
        None
    };
    match headline {
        Some(h) if !h.is_empty() => {
            intake.title = Some(h.to_string());
            intake.notes.push(format!(
                "took the first line as the headline: \"{h}\"; change `title:` if that is wrong"
            ));
            &rest[1..]
        }
        _ => rest,
    }
}

/// `2025-03-04`, `2025-03-04T10:00:00Z`, `4 March 2025`, `March 4, 2025`.
fn parse_loose_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if let Some(d) = Date::parse(s).or_else(|| s.get(..10).and_then(Date::parse)) {
        return Some(d);
    }
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let month = |w: &str| {
        let w = w.to_ascii_lowercase();
        (1..=12u8).find(|&m| {
            let name = Date {
                year: 2000,
                month: Some(m),
                day: None,
            }
            .written()
            .to_ascii_lowercase();
            w.len() >= 3 && name.starts_with(w.trim_end_matches('.'))
        })
    };
    let (day, m, year) = match words.as_slice() {
        [d, m, y] if d.parse::<u8>().is_ok() => (*d, month(m)?, *y),
        [m, d, y] => (*d, month(m)?, *y),
        _ => return None,
    };
    let day: u8 = day.parse().ok()?;
    Date::parse(&format!("{year}-{m:02}-{day:02}"))
}

/// Longer than this, a line was not wrapped by hand.
const LONG_LINE: usize = 100;

/// Escapes plain text so that CommonMark renders it as the same paragraphs of
/// text, with no markup: every character that could start an element is
/// backslash-escaped where it stands. Indentation and trailing spaces, which
/// would make code blocks and line breaks, are dropped; runs of blank lines
/// become one paragraph break.
pub fn escape_plain_text(text: &str) -> String {
    // Text with long lines was not wrapped by hand: a line break in it is meant
    // (a list typed as lines, an address), and would vanish in a paragraph, so
    // each line becomes a paragraph of its own.
    let line_per_paragraph = text.lines().any(|l| l.chars().count() > LONG_LINE);
    let mut out = String::new();
    let mut blank = true;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
            continue;
        }
        if !blank && line_per_paragraph {
            out.push('\n');
        }
        blank = false;
        escape_line(line, &mut out);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn escape_line(line: &str, out: &mut String) {
    let mut chars = line.char_indices().peekable();
    // Block markers at the start of a line: headings, quotes, list items,
    // setext underlines and thematic breaks.
    if let Some(&(_, c)) = chars.peek() {
        if matches!(c, '#' | '>' | '-' | '+' | '=') {
            out.push('\\');
        }
    }
    // `1.` or `1)` starts an ordered list.
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let mut list_marker =
        (digits > 0 && matches!(line.as_bytes().get(digits), Some(b'.' | b')'))).then_some(digits);
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let escape = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '~' | '|' => true,
            '&' => next.is_some_and(|n| n.is_ascii_alphanumeric() || n == '#'),
            '.' | ')' => list_marker == Some(i),
            _ => false,
        };
        if matches!(c, '.' | ')') && list_marker == Some(i) {
            list_marker = None;
        }
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::markdown_options;
    use proptest::prelude::*;
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};

    /// The paragraphs' text as CommonMark renders it, or the first event that is
    /// not plain text in a paragraph.
    fn rendered_paragraphs(markdown: &str) -> Result<Vec<String>, String> {
        let mut paragraphs = Vec::new();
        for event in Parser::new_ext(markdown, markdown_options()) {
            match event {
                Event::Start(Tag::Paragraph) => paragraphs.push(String::new()),
                Event::End(TagEnd::Paragraph) => {}
                Event::Text(t) => paragraphs
                    .last_mut()
                    .ok_or("text outside a paragraph")?
                    .push_str(&t),
                Event::SoftBreak => paragraphs.last_mut().ok_or("break outside")?.push('\n'),
                other => return Err(format!("{other:?}")),
            }
        }
        Ok(paragraphs)
    }

    /// The text's paragraphs: runs of lines between blank ones, each line trimmed.
    fn paragraphs_of(text: &str) -> Vec<String> {
        let mut paragraphs = vec![Vec::new()];
        for line in text.lines().map(str::trim) {
            match paragraphs.last_mut() {
                Some(p) if line.is_empty() && !p.is_empty() => paragraphs.push(Vec::new()),
                Some(p) if !line.is_empty() => p.push(line),
                _ => {}
            }
        }
        paragraphs
            .into_iter()
            .filter(|p| !p.is_empty())
            .map(|p| p.join("\n"))
            .collect()
    }

    #[test]
    fn pasted_prose_renders_as_it_reads() {
        let text = "# not a heading\n> not a quote\n- not a list\n+ nor this\n* nor this\n1. nor this\n2025) nor this\n\nA line\n===\n\nAnother\n---\n***\n___\n\nA <b>tag</b>, a *star*, _under_ `code` [link](x) ![img](y) ~~gone~~ a|b &amp; back\\\nslash [^1] &#42;\n\n    indented\n\n```\nfence\n```\n###";
        let escaped = escape_plain_text(text);
        assert_eq!(
            rendered_paragraphs(&escaped),
            Ok(paragraphs_of(text)),
            "{escaped}"
        );
    }

    proptest! {
        #[test]
        fn any_text_renders_as_it_reads(text in "([#>*+=_`<>~|&\\\\\\[\\]!().:;a1 -]{0,12}\n{0,2}){0,8}") {
            let escaped = escape_plain_text(&text);
            prop_assert_eq!(rendered_paragraphs(&escaped), Ok(paragraphs_of(&text)), "{}", escaped);
        }
    }

    #[test]
    fn in_unwrapped_text_each_line_is_a_paragraph() {
        let long = "a".repeat(120);
        let text = format!("{long}\n\nConcerns:\n1. the market\n2. traffic\n");
        assert_eq!(
            escape_plain_text(&text),
            format!("{long}\n\nConcerns:\n\n1\\. the market\n\n2\\. traffic\n")
        );
        // Wrapped by hand: the lines are one paragraph.
        assert_eq!(
            escape_plain_text("short line\nanother\n"),
            "short line\nanother\n"
        );
    }

    #[test]
    fn header_lines_fill_the_front_matter() {
        let text = "\u{feff}Title: Council backs the harbour plan\nSource URL: https://example.org/harbour\nDate: 4 March 2025\nPublisher: The Weekly Example\nAuthor: A. Reporter\n\nThe council voted on Tuesday.\n";
        let intake = read_article(text, false);
        assert_eq!(
            intake.title.as_deref(),
            Some("Council backs the harbour plan")
        );
        assert_eq!(intake.url.as_deref(), Some("https://example.org/harbour"));
        assert_eq!(intake.publisher.as_deref(), Some("The Weekly Example"));
        assert_eq!(intake.author.as_deref(), Some("A. Reporter"));
        assert_eq!(intake.date, Date::parse("2025-03-04"));
        assert_eq!(intake.body, "The council voted on Tuesday.\n");
        assert!(intake.notes.is_empty(), "{:?}", intake.notes);
    }

    #[test]
    fn without_a_header_the_first_line_is_the_headline_only_if_alone() {
        let intake = read_article(
            "Harbour plan passes\n\nThe council voted.\n\nIt was close.\n",
            false,
        );
        assert_eq!(intake.title.as_deref(), Some("Harbour plan passes"));
        assert_eq!(intake.body, "The council voted.\n\nIt was close.\n");
        let intake = read_article("The council voted.\nIt was close.\n", false);
        assert_eq!(intake.title, None);
        assert!(intake.notes[0].contains("no headline found"));
        let intake = read_article("# Harbour plan passes\n\nThe *council* voted.\n", true);
        assert_eq!(intake.title.as_deref(), Some("Harbour plan passes"));
        assert_eq!(intake.body, "The *council* voted.\n");
    }

    #[test]
    fn loose_dates() {
        let d = Date::parse("2025-03-04");
        for s in [
            "2025-03-04",
            "2025-03-04T10:00:00Z",
            "4 March 2025",
            "March 4, 2025",
            "Mar. 4, 2025",
        ] {
            assert_eq!(parse_loose_date(s), d, "{s}");
        }
        assert_eq!(parse_loose_date("Tuesday"), None);
        assert_eq!(parse_loose_date("31 February 2025"), None);
    }
}
