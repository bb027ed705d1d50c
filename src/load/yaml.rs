//! YAML with positions. serde_yaml_ng gives typed values and located syntax and
//! type errors; a second, event-level pass with saphyr-parser records where each
//! key and value sits, so that later stages (a quote that is not in the article,
//! an unknown `see_also` id) can point at the exact line and column too.

use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle};
use serde::de::DeserializeOwned;

use std::sync::OnceLock;

use crate::diagnostic::{Diagnostic, Position};
use crate::text_file::TextFile;

/// Where the parts of a YAML document are. Only a diagnostic or `fix` needs
/// positions, so the document is read for them on first use, not on every build.
#[derive(Debug, Default, Clone)]
pub struct Spans {
    source: Option<(String, usize)>,
    root: OnceLock<Option<Node>>,
}

#[derive(Debug, Clone)]
struct Node {
    pos: Position,
    kind: NodeKind,
    /// For a scalar: the bytes of `text` it is written with, quotes or block
    /// header included, so that a tool can rewrite one value and nothing else.
    extent: Option<Range<usize>>,
}

#[derive(Debug, Clone)]
enum NodeKind {
    Leaf,
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

/// One step into a YAML document: a list index or a map key.
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    Index(usize),
    Key(&'a str),
}

impl Spans {
    /// Positions of `text`, whose first line is line `line_offset + 1` of its file.
    pub fn of(text: &str, line_offset: usize) -> Spans {
        Spans {
            source: Some((text.to_string(), line_offset)),
            root: OnceLock::new(),
        }
    }

    fn root(&self) -> Option<&Node> {
        self.root
            .get_or_init(|| {
                self.source
                    .as_ref()
                    .and_then(|(text, offset)| Self::read(text, *offset))
            })
            .as_ref()
    }

    /// Reads the positions of a document; a document the event parser rejects
    /// yields no positions, and diagnostics fall back to the file alone.
    fn read(text: &str, line_offset: usize) -> Option<Node> {
        let mut parser = Parser::new_from_str(text);
        let mut stack: Vec<Node> = Vec::new();
        let mut keys: Vec<Option<String>> = Vec::new();
        let mut root = None;
        let lines = LineStarts::new(text);
        while let Some(Ok((event, span))) = parser.next_event() {
            let pos = Position {
                line: span.start.line() + line_offset,
                column: span.start.col() + 1,
            };
            let finished = match event {
                Event::SequenceStart(..) => {
                    stack.push(Node {
                        pos,
                        kind: NodeKind::Seq(Vec::new()),
                        extent: None,
                    });
                    keys.push(None);
                    None
                }
                Event::MappingStart(..) => {
                    stack.push(Node {
                        pos,
                        kind: NodeKind::Map(Vec::new()),
                        extent: None,
                    });
                    keys.push(None);
                    None
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    keys.pop();
                    stack.pop()
                }
                Event::Scalar(value, style, ..) => {
                    // A scalar in key position of a map is a key, not a value.
                    if let (
                        Some(Node {
                            kind: NodeKind::Map(_),
                            ..
                        }),
                        Some(slot @ None),
                    ) = (stack.last(), keys.last_mut())
                    {
                        *slot = Some(value.into_owned());
                        None
                    } else {
                        let start = lines.byte(text, span.start.line(), span.start.col());
                        let end = lines.byte(text, span.end.line(), span.end.col());
                        Some(Node {
                            pos,
                            kind: NodeKind::Leaf,
                            extent: scalar_extent(text, start, end, style),
                        })
                    }
                }
                Event::Alias(_) => Some(Node {
                    pos,
                    kind: NodeKind::Leaf,
                    extent: None,
                }),
                Event::StreamEnd => break,
                _ => None,
            };
            if let Some(node) = finished {
                match stack.last_mut() {
                    Some(Node {
                        kind: NodeKind::Seq(items),
                        ..
                    }) => items.push(node),
                    Some(Node {
                        kind: NodeKind::Map(entries),
                        ..
                    }) => {
                        let key = keys.last_mut().and_then(Option::take).unwrap_or_default();
                        entries.push((key, node));
                    }
                    _ => root = Some(node),
                }
            }
        }
        root
    }

    /// The position of the value at `path`, or of the deepest part of the path that exists.
    pub fn value(&self, path: &[Step]) -> Option<Position> {
        let mut node = self.root()?;
        for step in path {
            match node.child(step) {
                Some(n) => node = n,
                None => break,
            }
        }
        Some(node.pos)
    }

    /// The bytes of the parsed text that the scalar at `path` is written with:
    /// from its opening quote to its closing one, from a block scalar's `|` or `>`
    /// to the end of its last line, or a plain scalar's words. `None` when `path`
    /// does not lead to a scalar. Offsets count from the start of the text given
    /// to [`Spans::of`].
    pub fn value_extent(&self, path: &[Step]) -> Option<Range<usize>> {
        let mut node = self.root()?;
        for step in path {
            node = node.child(step)?;
        }
        node.extent.clone()
    }
}

impl Node {
    fn child(&self, step: &Step) -> Option<&Node> {
        match (&self.kind, step) {
            (NodeKind::Seq(items), Step::Index(n)) => items.get(*n),
            (NodeKind::Map(entries), Step::Key(k)) => {
                entries.iter().find(|(key, _)| key == k).map(|(_, n)| n)
            }
            _ => None,
        }
    }
}

/// Byte offsets of line starts, to turn the parser's line and character column
/// into a byte offset (whatever unit the parser's own index counts in).
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> LineStarts {
        LineStarts(
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        )
    }

    /// The byte offset of a 1-based line and 0-based character column.
    fn byte(&self, text: &str, line: usize, col: usize) -> usize {
        let Some(&start) = line.checked_sub(1).and_then(|l| self.0.get(l)) else {
            return text.len();
        };
        text[start..]
            .char_indices()
            .nth(col)
            .map_or(text.len(), |(i, _)| start + i)
    }
}

/// Where a scalar that starts at byte `start` ends. The parser's own end is
/// right for plain scalars only: for quoted ones it runs on over trailing blanks
/// and comments, and a block scalar's starts at its first line of text, not at
/// its `|` or `>` header.
fn scalar_extent(
    text: &str,
    start: usize,
    parser_end: usize,
    style: ScalarStyle,
) -> Option<Range<usize>> {
    let rest = text.get(start..)?;
    match style {
        ScalarStyle::Plain => {
            let end = parser_end.clamp(start, text.len());
            Some(start..start + text.get(start..end)?.trim_end().len())
        }
        ScalarStyle::SingleQuoted => {
            let mut chars = rest.char_indices().skip(1).peekable();
            while let Some((i, c)) = chars.next() {
                if c == '\'' {
                    if chars.peek().is_some_and(|&(_, n)| n == '\'') {
                        chars.next();
                    } else {
                        return Some(start..start + i + 1);
                    }
                }
            }
            None
        }
        ScalarStyle::DoubleQuoted => {
            let mut chars = rest.char_indices().skip(1);
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '"' => return Some(start..start + i + 1),
                    _ => {}
                }
            }
            None
        }
        ScalarStyle::Literal | ScalarStyle::Folded => block_scalar_extent(text, start),
    }
}

/// A block scalar, from its `|` or `>` header to the end of its last non-blank
/// line. `content` is where its first line of text starts, whose indentation all
/// of its lines share; the first less indented line that is not blank ends it.
fn block_scalar_extent(text: &str, content: usize) -> Option<Range<usize>> {
    let line_start = text[..content].rfind('\n').map_or(0, |i| i + 1);
    let indent = content - line_start;
    // The header is on the last non-blank line before the text.
    let before = text[..line_start].trim_end();
    let header_line = before.rfind('\n').map_or(0, |i| i + 1);
    let header = header_line + block_header_offset(&before[header_line..])?;
    let mut end = content;
    let mut pos = line_start;
    for line in text[line_start..].split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let blank = body.trim().is_empty();
        let leading = body.len() - body.trim_start_matches(' ').len();
        if !blank && leading < indent {
            break;
        }
        if !blank {
            end = pos + body.trim_end().len();
        }
        pos += line.len();
    }
    Some(header..end)
}

/// Where the `|` or `>` of a block scalar header is in its line, as in
/// `quote: |-  # comment`.
fn block_header_offset(line: &str) -> Option<usize> {
    let is_header = |i: usize| {
        let after = line[i + 1..]
            .trim_start_matches(|c: char| c == '-' || c == '+' || c.is_ascii_digit())
            .trim_start();
        let after_value = after.is_empty() || after.starts_with('#');
        let starts_value = i == 0 || line[..i].ends_with([' ', '\t', ':', '-']);
        after_value && starts_value
    };
    line.char_indices()
        .rfind(|&(i, c)| (c == '|' || c == '>') && is_header(i))
        .map(|(i, _)| i)
}

/// A parsed YAML document with the positions of its parts.
#[derive(Debug)]
pub struct Located<T> {
    pub value: T,
    pub spans: Spans,
}

/// Parses `text` (a whole file, or the front matter starting at `line_offset`
/// lines into `file`) into `T`, turning every failure into a located diagnostic.
pub fn parse<T: DeserializeOwned>(
    file: &TextFile,
    text: &str,
    line_offset: usize,
    expected: &str,
) -> Result<Located<T>, Diagnostic> {
    if text
        .trim()
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Err(file
            .error_at(
                Some(Position {
                    line: line_offset + 1,
                    column: 1,
                }),
                "the YAML document is empty",
            )
            .with_help(format!("write {expected} here; an empty list is `[]`")));
    }
    match serde_yaml_ng::from_str::<T>(text) {
        Ok(value) => Ok(Located {
            value,
            spans: Spans::of(text, line_offset),
        }),
        Err(err) => Err(yaml_error(file, &err, line_offset, expected)),
    }
}

fn yaml_error(
    file: &TextFile,
    err: &serde_yaml_ng::Error,
    line_offset: usize,
    expected: &str,
) -> Diagnostic {
    let mut position = err.location().map(|l| Position {
        line: l.line() + line_offset,
        column: l.column(),
    });
    let full = err.to_string();
    // serde_yaml_ng appends " at line L column C" (we show positions ourselves), and for
    // a syntax error a ", while scanning X at line L column C" context, whose start is
    // where the mistake usually is: an unclosed quote, a bracket never closed.
    let (head, context) = match full.split_once(", while ") {
        Some((h, c)) => (h, Some(c)),
        None => (full.as_str(), None),
    };
    let mut message = strip_location(head).to_string();
    // serde also prefixes the path inside the document (`[3].sources`); the position says it better.
    if let Some((path, tail)) = message.split_once(": ") {
        if !path.contains(' ') {
            message = tail.to_string();
        }
    }
    let mut help = help_for(&message, expected);
    if let Some(context) = context {
        let what = strip_location(context);
        if let Some(start) = parse_location(context) {
            help = Some(format!(
                "the parser was {what} that starts here and found no end for it (it gave up at line {}, column {}); close it",
                position.map_or(0, |p| p.line),
                position.map_or(0, |p| p.column)
            ));
            position = Some(Position {
                line: start.line + line_offset,
                column: start.column,
            });
        }
        message = format!("{message} while {what}");
    }
    let diagnostic = file.error_at(position, message);
    match help {
        Some(h) => diagnostic.with_help(h),
        None => diagnostic,
    }
}

fn strip_location(s: &str) -> &str {
    s.find(" at line ").map_or(s, |i| &s[..i])
}

fn parse_location(s: &str) -> Option<Position> {
    let rest = &s[s.find(" at line ")? + 9..];
    let (line, rest) = rest.split_once(" column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some(Position {
        line: line.trim().parse().ok()?,
        column: column.parse().ok()?,
    })
}

/// Suggests a fix for the messages serde and the YAML parser give.
fn help_for(message: &str, expected: &str) -> Option<String> {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (unknown, rest) = rest.split_once('`')?;
        let allowed: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
        let nearest = allowed
            .iter()
            .map(|k| (strsim::jaro_winkler(unknown, k), *k))
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        return Some(match nearest {
            Some((_, k)) => format!("did you mean `{k}`? (allowed keys: {})", allowed.join(", ")),
            None => format!("allowed keys here: {}", allowed.join(", ")),
        });
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let allowed: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        return Some(format!("use one of: {}", allowed.join(", ")));
    }
    if message.starts_with("invalid date") {
        return Some(
            "dates are written 2024-04-16, or 2024-04 or 2024 when the day or month is not known"
                .into(),
        );
    }
    if message.starts_with("missing field") {
        return Some("add the missing key to this entry".into());
    }
    if message.starts_with("duplicate field") || message.contains("duplicate entry") {
        return Some("remove one of the two keys; each key may appear once".into());
    }
    if message.contains("repetition limit") || message.contains("recursion limit") {
        return Some(
            "the document expands too much (aliases or nesting); write the values out plainly"
                .into(),
        );
    }
    if message.starts_with("invalid type") {
        return Some(format!("expected {expected}; check the value's type (a list starts with `- `, text may need quotes)"));
    }
    Some("check the YAML syntax on this line (indentation, quotes, a missing `:`); quote text containing `: ` or `#`".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        id: String,
        quote: String,
    }

    fn file(text: &str) -> TextFile {
        TextFile::new(Path::new("a.yaml"), text.to_string())
    }

    #[test]
    fn spans_point_at_keys_and_values() {
        let text = "- id: a\n  quote: \"x y\"\n- id: b\n  quote: z\n";
        let spans = Spans::of(text, 0);
        let at = |line, column| Some(Position { line, column });
        assert_eq!(
            spans.value(&[Step::Index(1), Step::Key("quote")]),
            at(4, 10)
        );
        assert_eq!(
            spans.value(&[Step::Index(0), Step::Key("quote")]),
            at(2, 10)
        );
        // a missing key falls back to its map
        assert_eq!(spans.value(&[Step::Index(1), Step::Key("nope")]), at(3, 3));
    }

    #[test]
    fn value_extents_cover_each_scalar_style_and_nothing_else() {
        let text = "# “c” é\n- id: a  # c\n  q1: \"x “y” \\\"z\"   # after\n  q2: 'it''s'\n  q3: plain é  # c\n  q4: plain\n    continued\n  q5: |-  # keep\n    block\n\n    two\n# gone\n  q6: \"multi\n    line\"\n  q7: >\n    folded\n\n  q8: last\n";
        let spans = Spans::of(text, 0);
        let extent = |key: &str| {
            spans
                .value_extent(&[Step::Index(0), Step::Key(key)])
                .map(|r| &text[r])
        };
        assert_eq!(extent("id"), Some("a"));
        assert_eq!(extent("q1"), Some("\"x “y” \\\"z\""));
        assert_eq!(extent("q2"), Some("'it''s'"));
        assert_eq!(extent("q3"), Some("plain é"));
        assert_eq!(extent("q4"), Some("plain\n    continued"));
        assert_eq!(extent("q5"), Some("|-  # keep\n    block\n\n    two"));
        assert_eq!(extent("q6"), Some("\"multi\n    line\""));
        assert_eq!(extent("q7"), Some(">\n    folded"));
        assert_eq!(extent("q8"), Some("last"));
        assert_eq!(extent("nope"), None);
        assert_eq!(
            spans.value_extent(&[Step::Index(0)]),
            None,
            "a map is not a scalar"
        );
    }

    #[test]
    fn typo_in_key_is_located_with_a_suggestion() {
        let f = file("- id: a\n  qoute: x\n");
        let err = parse::<Vec<Item>>(&f, &f.text, 0, "a list").unwrap_err();
        assert_eq!(err.position.map(|p| p.line), Some(2));
        assert!(
            err.message.contains("unknown field `qoute`"),
            "{}",
            err.message
        );
        assert!(
            err.help
                .clone()
                .unwrap()
                .starts_with("did you mean `quote`?"),
            "{:?}",
            err.help
        );
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let f = file("- id: a\n  quote: \"open\n- id: b\n");
        let err = parse::<Vec<Item>>(&f, &f.text, 0, "a list").unwrap_err();
        assert_eq!(
            err.position,
            Some(Position {
                line: 2,
                column: 10
            }),
            "{err}"
        );
        assert!(err.message.contains("quoted scalar"), "{}", err.message);
    }

    #[test]
    fn duplicate_keys_and_empty_documents_are_errors() {
        let f = file("- id: a\n  id: b\n  quote: q\n");
        let err = parse::<Vec<Item>>(&f, &f.text, 0, "a list").unwrap_err();
        assert!(err.message.contains("duplicate"), "{}", err.message);
        let f = file("# nothing\n\n");
        let err = parse::<Vec<Item>>(&f, &f.text, 0, "a list of notes").unwrap_err();
        assert!(err.message.contains("empty"));
    }

    #[test]
    fn billion_laughs_is_refused() {
        let mut text = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i", "j"])
        {
            text.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        let f = file(&text);
        let err = parse::<serde_yaml_ng::Value>(&f, &f.text, 0, "a map").unwrap_err();
        assert!(err.message.contains("limit"), "{}", err.message);
    }
}
