//! Surgical edits of a notes file: new `quote:` values written over the bytes
//! of the old ones, every other byte (comments, order, the quoting of other
//! values) kept. Where a value is written comes from its position ([`At`]).

use std::ops::Range;

use super::model::NoteSpec;
use super::yaml::At;
use super::YamlFile;

/// The file's text with the `quote:` values of the notes at the given indexes
/// replaced, and no other change: checked by parsing both texts and comparing
/// every value. The error says why the file cannot be rewritten safely.
pub fn replace_quotes(
    file: &YamlFile<Vec<NoteSpec>>,
    edits: &[(usize, &str)],
) -> Result<String, String> {
    let text = &file.file.text;
    let mut ranges: Vec<(Range<usize>, String)> = Vec::new();
    for &(index, new) in edits {
        let extent = file
            .value
            .get(index)
            .and_then(|note| written_extent(text, &note.quote))
            .ok_or("cannot find where the quote is written in the file (a YAML alias?)")?;
        ranges.push((extent, double_quoted(new)));
    }
    ranges.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    if ranges.windows(2).any(|w| w[1].0.end > w[0].0.start) {
        return Err("two quotes share their text in the file (a YAML alias?)".into());
    }
    let mut out = text.clone();
    for (range, replacement) in &ranges {
        out.replace_range(range.clone(), replacement);
    }
    verify(text, &out, edits)?;
    Ok(out)
}

/// The bytes a scalar is written with, from its opening quote to its closing
/// one, from a block scalar's `|` or `>` to the end of its last line of text,
/// or a plain scalar's words.
fn written_extent(text: &str, value: &At<String>) -> Option<Range<usize>> {
    let bytes = value.bytes()?;
    let written = text.get(bytes.clone())?;
    let end = bytes.start + written.trim_end().len();
    if written.starts_with(['"', '\'']) {
        return Some(bytes);
    }
    let line_start = text[..bytes.start].rfind('\n').map_or(0, |i| i + 1);
    if !text[line_start..bytes.start].trim().is_empty() {
        return Some(bytes.start..end);
    }
    // Text alone on its line: a block scalar when the last line before it
    // that is not blank ends with a block header.
    let before = text[..line_start].trim_end();
    let header_line = before.rfind('\n').map_or(0, |i| i + 1);
    match block_header_offset(&before[header_line..]) {
        Some(offset) => Some(header_line + offset..end),
        None => Some(bytes.start..end),
    }
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

/// Parses the old and the new text and compares them: the new must be the old
/// with only the given quotes changed.
fn verify(old: &str, new: &str, edits: &[(usize, &str)]) -> Result<(), String> {
    let unsafe_edit = || "rewriting the quote would change the file in other ways".to_string();
    let mut expected: serde_json::Value = serde_saphyr::from_str(old).map_err(|_| unsafe_edit())?;
    for &(index, quote) in edits {
        let slot = expected
            .get_mut(index)
            .and_then(|note| note.get_mut("quote"))
            .ok_or_else(unsafe_edit)?;
        *slot = serde_json::Value::String(quote.to_string());
    }
    let actual: serde_json::Value = serde_saphyr::from_str(new).map_err(|_| unsafe_edit())?;
    if actual == expected {
        Ok(())
    } else {
        Err(unsafe_edit())
    }
}

/// A YAML double-quoted scalar for any text: the only style in which every
/// string can be written on one line.
pub fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{0}' => out.push_str("\\0"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if c.is_control() || c == '\u{feff}' => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::{parse, Document};
    use crate::text_file::TextFile;
    use std::path::Path;

    fn notes(text: &str) -> YamlFile<Vec<NoteSpec>> {
        let file = TextFile::new(Path::new("a.yaml"), text.to_string());
        let value = parse(&file, 0..text.len(), Document::Notes).unwrap();
        YamlFile { file, value }
    }

    #[test]
    fn double_quoted_yaml_round_trips() {
        for s in [
            "plain",
            "quote \" and \\ backslash",
            "tab\tnew\nline",
            "“curly” — dash … ellipsis",
            "nbsp\u{a0}here",
            "bell\u{7} and \u{2028}",
            "# not a comment: really",
        ] {
            let yaml = format!("q: {}\n", double_quoted(s));
            let v: std::collections::BTreeMap<String, String> =
                serde_saphyr::from_str(&yaml).unwrap();
            assert_eq!(v["q"], s, "{yaml}");
        }
    }

    #[test]
    fn only_the_quote_bytes_change_whatever_their_style() {
        let text = "# notes\n- id: a   # first\n  quote: 'old ''one'''  # keep\n  kind: context\n  note: x\n- id: b\n  quote: |-  # block\n    old two\n\n    more\n  # between\n  kind: context\n  note: y\n- id: c\n  quote: plain é\n    continued  # c\n  kind: context\n  note: z\n- id: d\n  quote: \"x “y” \\\"z\"\n  kind: context\n  note: w\n";
        let file = notes(text);
        let out = replace_quotes(
            &file,
            &[
                (0, "new “one”"),
                (1, "new two"),
                (2, "new three"),
                (3, "new four"),
            ],
        )
        .unwrap();
        assert_eq!(
            out,
            "# notes\n- id: a   # first\n  quote: \"new “one”\"  # keep\n  kind: context\n  note: x\n- id: b\n  quote: \"new two\"\n  # between\n  kind: context\n  note: y\n- id: c\n  quote: \"new three\"  # c\n  kind: context\n  note: z\n- id: d\n  quote: \"new four\"\n  kind: context\n  note: w\n"
        );
    }

    #[test]
    fn a_quote_written_through_an_alias_is_left_alone() {
        let file = notes("- id: a\n  quote: &q x\n  kind: context\n  note: n\n- id: b\n  quote: *q\n  kind: context\n  note: n\n");
        assert!(replace_quotes(&file, &[(1, "y")]).is_err());
    }
}
