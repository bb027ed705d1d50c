//! YAML, parsed once by serde-saphyr into values that carry their own positions
//! ([`At`]), so that a check made long after loading (a quote that is not in the
//! article, an unknown `see_also` id) points at the very value that is wrong.
//! Parse failures become located diagnostics from the parser's structured error,
//! never from its wording.

use std::fmt;
use std::ops::{Deref, Range};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_saphyr::granit_parser::ErrorKind;
use serde_saphyr::{Error as YamlError, Location, MessageFormatter};

use super::indentation;
use crate::diagnostic::{Diagnostic, Position};
use crate::text_file::TextFile;

/// A value as written in a YAML file, with where it is written. Compares,
/// hashes and serializes as the value alone.
#[derive(Debug, Clone, Default)]
pub struct At<T> {
    /// The value itself; `At` dereferences to it.
    pub value: T,
    span: Span,
}

/// Where a value is written: its first character, and its bytes (quotes or
/// block header excluded) when it is written in place rather than through an alias.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Span {
    position: Option<Position>,
    bytes: Option<Range<usize>>,
}

impl<T> At<T> {
    /// A value that was not read from a file (tests, defaults): it has no position.
    pub fn unplaced(value: T) -> At<T> {
        At {
            value,
            span: Span::default(),
        }
    }

    /// Line and column of the value's first character.
    pub fn position(&self) -> Option<Position> {
        self.span.position
    }

    /// The bytes of the file the value is written with: a quoted value with its
    /// quotes, a block scalar's lines without its `|` or `>` header. `None` for a
    /// value written elsewhere (an alias) or not read from a file.
    pub fn bytes(&self) -> Option<Range<usize>> {
        self.span.bytes.clone()
    }
}

impl At<String> {
    /// The text, for APIs that take `&str`.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// Optional values read from YAML, taken without their positions.
pub trait Plain<T> {
    /// The value, if there is one.
    fn plain(&self) -> Option<&T>;
    /// A copy of the value, if there is one.
    fn plain_cloned(&self) -> Option<T>
    where
        T: Clone,
    {
        self.plain().cloned()
    }
}

impl<T> Plain<T> for Option<At<T>> {
    fn plain(&self) -> Option<&T> {
        self.as_ref().map(|v| &v.value)
    }
}

/// Optional text read from YAML, as `&str`.
pub fn text(value: &Option<At<String>>) -> Option<&str> {
    value.as_ref().map(At::as_str)
}

/// The values of a list read from YAML, without their positions.
pub fn plain_list<T: Clone>(values: &[At<T>]) -> Vec<T> {
    values.iter().map(|v| v.value.clone()).collect()
}

impl<T> Deref for At<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: PartialEq> PartialEq for At<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for At<T> {}

impl<T: std::hash::Hash> std::hash::Hash for At<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state)
    }
}

impl<T: fmt::Display> fmt::Display for At<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: Serialize> Serialize for At<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for At<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        let position = position_of(&spanned.referenced);
        // Through an alias the value is written at its anchor, not here.
        let bytes = (spanned.referenced == spanned.defined)
            .then(|| {
                let span = spanned.referenced.span();
                let start = usize::try_from(span.byte_offset()?).ok()?;
                let len = usize::try_from(span.byte_len()?).ok()?;
                Some(start..start + len)
            })
            .flatten();
        Ok(At {
            value: spanned.value,
            span: Span { position, bytes },
        })
    }
}

fn position_of(location: &Location) -> Option<Position> {
    (location.line() > 0).then(|| Position {
        line: location.line() as usize,
        column: location.column().max(1) as usize,
    })
}

/// The kinds of YAML document the project has, for messages that say what
/// belongs in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    /// `site.yaml`.
    Site,
    /// `glossary.yaml`.
    Glossary,
    /// `annotations.yaml` and `*.annotations.yaml`.
    Notes,
    /// The YAML between an article's `---` lines.
    FrontMatter,
    /// `topics.yaml`.
    Topics,
}

impl Document {
    fn what(self) -> &'static str {
        match self {
            Document::Site => "the site settings (title, language, description)",
            Document::Glossary => "a list of glossary terms",
            Document::Notes => "a list of notes",
            Document::FrontMatter => "the front matter (title, date, source …)",
            Document::Topics => "a list of topics (id, title, description)",
        }
    }

    fn when_empty(self) -> &'static str {
        match self {
            Document::Site => {
                "write the site settings here, e.g. `title: My briefings`, or delete the file to use the defaults"
            }
            Document::Glossary => {
                "write the glossary terms here (`- id: …`), or `[]` for none, or delete the file"
            }
            Document::Notes => "write the notes here (`- id: …`), or `[]` for none",
            Document::FrontMatter => "write at least `title: \"…\"` between the two `---` lines",
            Document::Topics => "write the topics here (`- id: …`), or `[]` for none, or delete the file",
        }
    }

    fn shape(self) -> &'static str {
        match self {
            Document::Site | Document::FrontMatter => {
                "keys with values, one per line (`title: …`), not a list"
            }
            Document::Glossary | Document::Notes | Document::Topics => {
                "a list: start each entry with `- ` at the beginning of the line"
            }
        }
    }
}

/// How much larger than its file a document may grow by expanding aliases:
/// ample for a source reused in a few notes, far too little for an alias bomb.
const EXPANSION_FACTOR: usize = 8;
/// The allowance for small files, in bytes of text and in events.
const EXPANSION_FLOOR: usize = 64 * 1024;

/// The parser's settings: duplicate keys are errors; an empty value of a text
/// key is empty text; what the document may expand to is bounded by its size.
fn options(len: usize) -> serde_saphyr::Options {
    let allowance = len.saturating_mul(EXPANSION_FACTOR).max(EXPANSION_FLOOR);
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_total_scalar_bytes: allowance,
            max_events: allowance,
            max_nodes: allowance,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: allowance,
        },
        null_as_string: true,
        with_snippet: false,
    }
}

/// Parses the YAML at `yaml` in `file` (the whole file, or an article's front
/// matter, whose opening `---` line comes just before it) into `T`, turning any
/// failure into a located diagnostic. Positions are the file's own.
pub fn parse<T: DeserializeOwned>(
    file: &TextFile,
    yaml: Range<usize>,
    document: Document,
) -> Result<T, Diagnostic> {
    let body = &file.text[yaml.clone()];
    if let Some(cr) = lone_carriage_return(body) {
        return Err(file
            .error_at(
                Some(file.position(yaml.start + cr)),
                "a line ends with a lone carriage return (CR, as on classic Mac OS)",
            )
            .with_help(
                "save the file with LF or CRLF line endings (most editors have a \"Line endings\" setting); \
                 YAML parsers disagree on whether a lone CR ends a line",
            ));
    }
    if body
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Err(file
            .error_at(
                Some(file.position(yaml.start)),
                format!("the YAML document is empty: expected {}", document.what()),
            )
            .with_help(document.when_empty()));
    }
    // The text before `yaml` is at most the front matter's `---` line, which
    // YAML reads as the start of a document: positions stay the file's.
    let text = &file.text[..yaml.end];
    serde_saphyr::from_str_with_options::<T>(text, options(body.len()))
        .map_err(|err| diagnose(file, text, &err, document))
}

/// Parses a file that is a list of entries (a notes file). After a mistake,
/// each entry is read on its own, so that one run reports every faulty entry
/// and the others still reach the checks of later stages: a wrong `kind:` in one
/// note no longer hides a lost quote in the next. The entries come back only if
/// at least one of them is at fault on its own; otherwise (a mistake between
/// entries, a syntax error, aliases across entries) the first error stands alone.
pub fn parse_entries<E: DeserializeOwned>(
    file: &TextFile,
    document: Document,
) -> (Option<Vec<E>>, Vec<Diagnostic>) {
    let whole = match parse::<Vec<E>>(file, 0..file.text.len(), document) {
        Ok(entries) => return (Some(entries), Vec::new()),
        Err(d) => d,
    };
    let text = &file.text;
    let Some(spans) = entry_spans(text).filter(|_| lone_carriage_return(text).is_none()) else {
        return (None, vec![whole]);
    };
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for span in spans {
        let alone = blank_outside(text, span);
        match serde_saphyr::from_str_with_options::<E>(&alone, options(text.len())) {
            Ok(entry) => entries.push(entry),
            Err(err) => errors.push(diagnose(file, &alone, &err, document)),
        }
    }
    if errors.is_empty() {
        (None, vec![whole])
    } else {
        (Some(entries), errors)
    }
}

/// The bytes of each entry of a top-level block list, from its first character
/// after `- ` to the start of the next entry's line; `None` if the text is not
/// such a list that each entry can be read alone (not valid YAML, not a list,
/// an entry whose dash stands on a line of its own, or any alias).
fn entry_spans(text: &str) -> Option<Vec<Range<usize>>> {
    use serde_saphyr::granit_parser::{Event, Parser};
    let mut depth = 0usize;
    let mut starts = Vec::new();
    let mut list = false;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.ok()?;
        let opens = matches!(event, Event::SequenceStart(..) | Event::MappingStart(..));
        match event {
            Event::Alias(_) => return None,
            Event::DocumentStart(..) if list => return None,
            Event::SequenceStart(..) if depth == 0 => list = true,
            Event::MappingStart(..) | Event::Scalar(..) if depth == 0 => return None,
            Event::SequenceStart(..) | Event::MappingStart(..) | Event::Scalar(..)
                if depth == 1 =>
            {
                starts.push(span.start.byte_offset()?)
            }
            Event::SequenceEnd | Event::MappingEnd => depth = depth.checked_sub(1)?,
            _ => {}
        }
        if opens {
            depth += 1;
        }
    }
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |i| i + 1);
    if starts
        .iter()
        .any(|&at| text.get(line_start(at)..at).map(str::trim) != Some("-"))
    {
        return None;
    }
    let ends = starts
        .iter()
        .skip(1)
        .map(|&next| line_start(next))
        .chain([text.len()]);
    Some(starts.iter().zip(ends).map(|(&s, e)| s..e).collect())
}

/// `text` with everything outside `keep` turned to spaces, line breaks kept, so
/// that the entry alone parses with the lines, columns and byte offsets it has
/// in the file.
fn blank_outside(text: &str, keep: Range<usize>) -> String {
    let mut out = String::with_capacity(keep.end);
    for (i, c) in text[..keep.end].char_indices() {
        match c {
            _ if keep.contains(&i) => out.push(c),
            '\n' => out.push('\n'),
            _ => out.extend(std::iter::repeat_n(' ', c.len_utf8())),
        }
    }
    out
}

/// The byte offset of the first carriage return not followed by a line feed.
fn lone_carriage_return(text: &str) -> Option<usize> {
    text.match_indices('\r')
        .map(|(i, _)| i)
        .find(|&i| text.as_bytes().get(i + 1) != Some(&b'\n'))
}

/// A diagnostic for a parse failure, chosen by the kind of error.
fn diagnose(file: &TextFile, text: &str, err: &YamlError, document: Document) -> Diagnostic {
    let err = innermost(err);
    let position = err.location().as_ref().and_then(position_of);
    let line = position.map_or(1, |p| p.line);
    let plain = |message: String, help: String| file.error_at(position, message).with_help(help);
    match err {
        YamlError::SerdeUnknownField {
            field, expected, ..
        } => indentation::mistake(file, text, line, line + 1).unwrap_or_else(|| {
            let mut help = unknown_key_help(field, expected);
            if let Some((key, n, column)) = indentation::deeper_key_above(text, line) {
                help.push_str(&format!(
                    "; if `{field}` belongs with `{key}:` on line {n}, check the indentation: indent it to column {column}, like `{key}:`"
                ));
            }
            plain(format!("unknown key `{field}`"), help)
        }),
        YamlError::SerdeUnknownVariant {
            variant, expected, ..
        } => indentation::mistake(file, text, line, line + 1).unwrap_or_else(|| {
            let message = match position.and_then(|p| key_before(file, p)) {
                Some(key) => format!("`{key}` cannot be `{variant}`"),
                None => format!("unknown value `{variant}`"),
            };
            plain(message, format!("use one of: {}", expected.join(", ")))
        }),
        YamlError::SerdeMissingField { field, .. } => {
            indentation::mistake(file, text, line, indentation::block_end(text, line))
                .unwrap_or_else(|| {
                    plain(
                        format!("missing key `{field}`"),
                        format!("add `{field}:` to this entry"),
                    )
                })
        }
        YamlError::DuplicateMappingKey { key, .. } => plain(
            match key {
                Some(k) => format!("duplicate key `{k}`"),
                None => "duplicate key".to_string(),
            },
            "remove one of the two; each key may appear once in an entry".into(),
        ),
        YamlError::MultipleDocuments { location, .. } => {
            let separator = document_separator(file, text, location);
            file.error_at(
                separator.or(position),
                format!(
                    "more than one YAML document in this file: expected {}",
                    document.what()
                ),
            )
            .with_help(
                "a `---` or `...` line ends a YAML document; remove it (a file holds one document)",
            )
        }
        YamlError::Budget { .. }
        | YamlError::AliasReplayLimitExceeded { .. }
        | YamlError::AliasExpansionLimitExceeded { .. }
        | YamlError::AliasReplayStackDepthExceeded { .. }
        | YamlError::AliasReplayCounterOverflow { .. } => plain(
            format!(
                "this YAML expands to too much: its aliases (`*name`) would make it more than {EXPANSION_FACTOR} times the size of the file"
            ),
            "write the values out instead of repeating them through aliases".into(),
        ),
        YamlError::Unexpected { .. }
        | YamlError::SerdeInvalidType { .. }
        | YamlError::InvalidScalar { .. }
        | YamlError::SerdeInvalidValue { .. } => {
            indentation::mistake(file, text, line, line + 1).unwrap_or_else(|| {
                let key = position.and_then(|p| key_before(file, p));
                match (key, err) {
                    (None, _) if line == first_content_line(text) => plain(
                        format!("expected {} here", document.what()),
                        format!("this file holds {}", document.shape()),
                    ),
                    (Some(key), YamlError::SerdeInvalidType { unexpected, expected, .. }) => plain(
                        format!("`{key}` should be {expected}, not {unexpected}"),
                        WRONG_TYPE_HELP.into(),
                    ),
                    (Some(key), _) => plain(
                        format!("`{key}` has the wrong type of value"),
                        WRONG_TYPE_HELP.into(),
                    ),
                    (None, _) => plain(message_of(err).into(), WRONG_TYPE_HELP.into()),
                }
            })
        }
        YamlError::Message { msg, .. } => match msg.split_once(HELP) {
            Some((message, help)) => plain(message.into(), help.into()),
            None => plain(msg.clone(), "check this value".into()),
        },
        YamlError::ExternalMessage { source, .. } => match source.as_ref() {
            serde_saphyr::ExternalMessageSource::Parser(scan) => {
                syntax_error(file, text, position, scan.kind(), err)
            }
            _ => plain(message_of(err).into(), SYNTAX_HELP.into()),
        },
        _ => indentation::mistake(file, text, line, line + 1)
            .unwrap_or_else(|| plain(message_of(err).into(), SYNTAX_HELP.into())),
    }
}

const WRONG_TYPE_HELP: &str =
    "a list puts each item on its own line, starting with `- `; text containing `: ` or `#` needs quotes";

const SYNTAX_HELP: &str =
    "check the YAML syntax on this line (indentation, quotes, a missing `:`); quote text containing `: ` or `#`";

/// Separates a message from its help in the errors our own types raise while
/// they are read (see `model`), which carry both through serde's one string.
pub(crate) const HELP: &str = "\u{1f}";

/// A syntax error, named after what the parser found.
fn syntax_error(
    file: &TextFile,
    text: &str,
    position: Option<Position>,
    kind: &ErrorKind,
    err: &YamlError,
) -> Diagnostic {
    let line = position.map_or(1, |p| p.line);
    if let Some(control) = position.and_then(|p| control_character_at(file, p)) {
        return file
            .error_at(
                position,
                format!("a control character ({control}) is in the text"),
            )
            .with_help("remove it: YAML text may not contain control characters (tabs and line breaks aside)");
    }
    match kind {
        ErrorKind::UnclosedQuotedScalar => file
            .error_at(position, "this quoted text has no closing quote")
            .with_help(
                "add the closing quote; inside \"…\" write a quote as \\\", inside '…' as ''",
            ),
        ErrorKind::TabInIndentation
        | ErrorKind::TabNotAllowed
        | ErrorKind::TabInBlockIndentation
        | ErrorKind::TabAtBlockScalarStart => {
            indentation::mistake(file, text, line.saturating_sub(1), line + 1).unwrap_or_else(
                || {
                    file.error_at(position, "a tab where YAML expects spaces")
                        .with_help("indent with spaces only")
                },
            )
        }
        _ => indentation::mistake(file, text, line, line + 1).unwrap_or_else(|| {
            file.error_at(position, format!("YAML syntax error: {}", message_of(err)))
                .with_help(SYNTAX_HELP)
        }),
    }
}

/// The character at `position`, named, when it is a control character.
fn control_character_at(file: &TextFile, position: Position) -> Option<String> {
    let c = file.line(position.line)?.chars().nth(position.column - 1)?;
    (c.is_control() && c != '\t').then(|| format!("U+{:04X}", c as u32))
}

/// The key whose value starts at `position`, as in `kind: contxt`.
fn key_before(file: &TextFile, position: Position) -> Option<String> {
    let line = file.line(position.line)?;
    let before: String = line.chars().take(position.column - 1).collect();
    let key = before.trim_end().strip_suffix(':')?;
    let key = key.trim_start().trim_start_matches("- ").trim();
    (!key.is_empty()).then(|| key.to_string())
}

/// The error itself, out of the wrappers that add aliases' places or snippets.
fn innermost(err: &YamlError) -> &YamlError {
    match err.without_snippet() {
        YamlError::AliasError { error, .. } => innermost(error),
        other => other,
    }
}

/// The parser's own description of an error, without its location (shown apart).
fn message_of(err: &YamlError) -> std::borrow::Cow<'_, str> {
    serde_saphyr::DefaultMessageFormatter.format_message(err)
}

/// The help for an unknown key: the nearest allowed one, or all of them.
fn unknown_key_help(unknown: &str, allowed: &[&str]) -> String {
    let nearest = allowed
        .iter()
        .map(|k| (strsim::jaro_winkler(unknown, k), *k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match nearest {
        Some((_, k)) => format!("did you mean `{k}`? (allowed keys: {})", allowed.join(", ")),
        None => format!("allowed keys here: {}", allowed.join(", ")),
    }
}

/// The `---` or `...` line that ends the first document, before `location`.
fn document_separator(file: &TextFile, text: &str, location: &Location) -> Option<Position> {
    let before = position_of(location).map_or(usize::MAX, |p| p.line);
    let first = first_content_line(text);
    (first + 1..before.min(file.text.lines().count() + 1))
        .find(|&n| {
            file.line(n)
                .is_some_and(|l| l.trim_end() == "---" || l.trim_end() == "...")
        })
        .map(|line| Position { line, column: 1 })
}

/// The first line that is neither blank, a comment nor the front matter's `---`.
fn first_content_line(text: &str) -> usize {
    text.lines()
        .position(|l| {
            let t = l.trim();
            !(t.is_empty() || t.starts_with('#') || t == "---")
        })
        .map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        id: At<String>,
        quote: At<String>,
    }

    fn file(text: &str) -> TextFile {
        TextFile::new(Path::new("a.yaml"), text.to_string())
    }

    fn parse_items(text: &str) -> Result<Vec<Item>, Diagnostic> {
        let f = file(text);
        parse::<Vec<Item>>(&f, 0..f.text.len(), Document::Notes)
    }

    fn entries(text: &str) -> (Option<Vec<Item>>, Vec<Diagnostic>) {
        parse_entries::<Item>(&file(text), Document::Notes)
    }

    #[test]
    fn after_a_mistake_each_entry_is_read_alone_with_its_own_positions() {
        // Two faulty entries around a good one, after text with multi-byte characters.
        let text = "# “notes” ✓\n- id: a\n  qoute: x\n- id: b\n  quote: \"x “y”\"\n- id: [c]\n  quote: z\n";
        let (items, problems) = entries(text);
        let items = items.unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].id.as_str(), "b");
        assert_eq!(
            items[0].quote.position(),
            Some(Position {
                line: 5,
                column: 10
            })
        );
        assert_eq!(&text[items[0].quote.bytes().unwrap()], "\"x “y”\"");
        let lines: Vec<_> = problems.iter().map(|d| d.position.unwrap().line).collect();
        assert_eq!(lines, [3, 6], "{problems:#?}");
    }

    #[test]
    fn entries_are_not_read_alone_when_the_list_does_not_allow_it() {
        for text in [
            // a syntax error
            "- id: a\n  quote: \"x\n- id: b\n  quote: y\n",
            // an alias from one entry to another
            "- id: &a a\n  quote: x\n- id: *a\n  qoute: y\n",
            // a dash on a line of its own
            "-\n  id: a\n  qoute: x\n- id: b\n  quote: y\n",
            // a mistake outside every entry: not a list
            "id: a\nquote: x\n",
        ] {
            let (items, problems) = entries(text);
            assert!(items.is_none(), "{text}");
            assert_eq!(problems.len(), 1, "{text}: {problems:#?}");
        }
        let (items, problems) = entries("- id: a\n  quote: x\n");
        assert_eq!((items.map(|i| i.len()), problems.len()), (Some(1), 0));
    }

    #[test]
    fn values_carry_their_positions_and_bytes() {
        let text = "- id: a\n  quote: \"x “y”\"  # c\n- id: b\n  quote: z\n";
        let items = parse_items(text).unwrap();
        let at = |line, column| Some(Position { line, column });
        assert_eq!(items[1].quote.position(), at(4, 10));
        assert_eq!(items[0].quote.position(), at(2, 10));
        assert_eq!(items[1].id.position(), at(3, 7));
        assert_eq!(&text[items[0].quote.bytes().unwrap()], "\"x “y”\"");
        assert_eq!(items[0].quote.as_str(), "x “y”");
    }

    #[test]
    fn front_matter_positions_are_the_files() {
        let f = file("---\nid: a\nquote: b\n---\nbody\n");
        let item: Item = parse(&f, 4..18, Document::FrontMatter).unwrap();
        assert_eq!(item.quote.position(), Some(Position { line: 3, column: 8 }));
    }

    #[test]
    fn an_aliased_value_has_a_position_but_no_bytes_of_its_own() {
        let text = "- id: a\n  quote: &q x\n- id: b\n  quote: *q\n";
        let items = parse_items(text).unwrap();
        assert_eq!(items[1].quote.as_str(), "x");
        assert_eq!(items[1].quote.position().map(|p| p.line), Some(4));
        assert_eq!(items[1].quote.bytes(), None);
    }

    #[test]
    fn typo_in_key_is_located_with_a_suggestion() {
        let err = parse_items("- id: a\n  qoute: x\n").unwrap_err();
        assert_eq!(err.position.map(|p| p.line), Some(2));
        assert!(
            err.message.contains("unknown key `qoute`"),
            "{}",
            err.message
        );
        assert!(
            err.help
                .as_deref()
                .unwrap()
                .starts_with("did you mean `quote`?"),
            "{:?}",
            err.help
        );
    }

    #[test]
    fn unclosed_quote_is_reported_where_it_opens() {
        let err = parse_items("- id: a\n  quote: \"open\n- id: b\n").unwrap_err();
        assert_eq!(
            err.position,
            Some(Position {
                line: 2,
                column: 10
            }),
            "{err}"
        );
        assert!(err.message.contains("no closing quote"), "{}", err.message);
    }

    #[test]
    fn duplicate_keys_and_empty_documents_are_errors() {
        let err = parse_items("- id: a\n  id: b\n  quote: q\n").unwrap_err();
        assert!(
            err.message.contains("duplicate key `id`"),
            "{}",
            err.message
        );
        let err = parse_items("# nothing\n\n").unwrap_err();
        assert!(err.message.contains("empty"));
    }

    #[test]
    fn an_empty_site_file_is_not_told_to_write_a_list() {
        let f = file("\n");
        let err = parse::<serde_json::Value>(&f, 0..1, Document::Site).unwrap_err();
        let help = err.help.unwrap();
        assert!(help.contains("title:") && !help.contains("[]"), "{help}");
    }

    #[test]
    fn a_second_document_is_reported_at_its_separator() {
        let err = parse_items("- id: a\n  quote: b\n---\n- id: c\n  quote: d\n").unwrap_err();
        assert_eq!(err.position, Some(Position { line: 3, column: 1 }), "{err}");
        assert!(err.message.contains("more than one YAML document"), "{err}");
    }

    #[test]
    fn a_lone_carriage_return_is_reported_where_it_is() {
        // A file saved with classic Mac line endings, and one stray CR in a
        // CRLF file: both are reported at the CR, by the file's own lines.
        let err = parse_items("# notes\r- id: a\r  quote: b\r").unwrap_err();
        assert_eq!(err.position, Some(Position { line: 1, column: 8 }), "{err}");
        let err = parse_items("- id: a\r\n  note: |\r\n    one\rtwo\r\n").unwrap_err();
        assert_eq!(err.position, Some(Position { line: 3, column: 8 }), "{err}");
        assert!(err.message.contains("carriage return"), "{err}");
        assert!(parse_items("- id: a\r\n  quote: b\r\n").is_ok());
    }

    #[test]
    fn a_nul_byte_is_reported_where_it_is() {
        let err = parse_items("- id: a\n  quote: x\0y\n").unwrap_err();
        assert_eq!(err.position.map(|p| p.line), Some(2), "{err}");
        assert!(err.message.contains("U+0000"), "{err}");
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
        let err = parse::<serde_json::Value>(&f, 0..f.text.len(), Document::Site).unwrap_err();
        assert!(
            err.message.contains("expands to too much"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_flat_alias_bomb_stops_within_a_budget_of_the_files_size() {
        // One long scalar aliased many times: few events, but a huge expansion.
        let mut text = format!("- id: a\n  quote: &big \"{}\"\n", "x".repeat(100_000));
        for i in 0..200 {
            text.push_str(&format!("- id: n{i}\n  quote: *big\n"));
        }
        let err = parse_items(&text).unwrap_err();
        assert!(err.message.contains("expands to too much"), "{err}");
        assert!(err.position.is_some(), "{err}");
    }
}
