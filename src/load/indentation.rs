//! Indentation mistakes. YAML reads nesting from indentation, so one space too
//! many or too few either breaks the parse or, worse, silently moves a key into
//! the value above it; the parser then reports something true but puzzling
//! (`unknown variant "clarification note"`) somewhere near. When a parse fails,
//! the lines near the failure are read for a key whose indentation matches none
//! of the blocks open above it, and that line is reported instead.
//!
//! This is a reading of indentation only, not of YAML: it runs on a document the
//! parser has already rejected, to say where and how its indentation went wrong.

use crate::diagnostic::{Diagnostic, Position};
use crate::text_file::TextFile;

/// A block open at some column: a list (`- `) or a mapping's keys.
#[derive(Debug, Clone)]
struct Level {
    column: usize,
    dash: bool,
    line: usize,
    key: String,
}

/// What one line of YAML starts with.
struct Line<'a> {
    indent: usize,
    /// A tab among the leading blanks, by its 0-based column.
    tab: Option<usize>,
    /// Columns of the `- ` entries the line starts, then of its key, if any.
    dashes: Vec<usize>,
    key: Option<(usize, &'a str)>,
    /// The line ends a key without a value (a nested block follows).
    opens: bool,
    /// The value is a block scalar (`|` or `>`): indented lines that follow are text.
    block_scalar: bool,
}

fn read_line(text: &str) -> Option<Line<'_>> {
    let body = text.split(" #").next().unwrap_or(text).trim_end();
    let mut rest = body.trim_start_matches([' ', '\t']);
    if rest.is_empty() || rest.starts_with('#') || rest == "---" || rest == "..." {
        return None;
    }
    let blanks = body.len() - body.trim_start_matches([' ', '\t']).len();
    let tab = body[..blanks].find('\t');
    let mut column = blanks;
    let mut dashes = Vec::new();
    while rest == "-" || rest.starts_with("- ") {
        dashes.push(column);
        let after = rest[1..].trim_start_matches(' ');
        column += rest.len() - after.len();
        rest = after;
    }
    let key = rest
        .find(':')
        .filter(|&i| {
            i > 0
                && rest[i + 1..].chars().next().is_none_or(|c| c == ' ')
                && rest[..i]
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        })
        .map(|i| (column, &rest[..i]));
    let value = key.map_or(rest, |(_, k)| rest[k.len() + 1..].trim());
    let block_scalar = key.is_some() && (value.starts_with('|') || value.starts_with('>'));
    let opens = (key.is_some() || !dashes.is_empty())
        && (value.is_empty() || value.starts_with('&') || value.starts_with('!'));
    Some(Line {
        indent: blanks,
        tab,
        dashes,
        key,
        opens,
        block_scalar,
    })
}

/// The first indentation mistake on lines `from..=to` (1-based), if any.
pub fn mistake(file: &TextFile, text: &str, from: usize, to: usize) -> Option<Diagnostic> {
    let mut stack: Vec<Level> = Vec::new();
    let mut opens = true;
    // While in a block scalar: its parent's column, then its text's indentation.
    let mut block: Option<(usize, Option<usize>)> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        if n > to {
            break;
        }
        let leading = raw.len() - raw.trim_start_matches(' ').len();
        if let Some((parent, text_indent)) = block {
            if raw.trim().is_empty() {
                continue;
            }
            match text_indent {
                None if leading > parent => {
                    block = Some((parent, Some(leading)));
                    continue;
                }
                Some(t) if leading >= t => continue,
                _ => block = None,
            }
        }
        let Some(line) = read_line(raw) else {
            continue;
        };
        let in_range = n >= from;
        if let Some(tab) = line.tab.filter(|_| in_range) {
            return Some(tab_mistake(file, n, tab, stack.last()));
        }
        let before = stack.clone();
        while stack.last().is_some_and(|l| l.column > line.indent) {
            stack.pop();
        }
        let fits = match stack.last() {
            None => true,
            Some(top) => top.column == line.indent || (top.column < line.indent && opens),
        };
        let dash_line = !line.dashes.is_empty();
        if !fits {
            if in_range && (line.key.is_some() || dash_line) {
                return Some(misplaced(file, n, &line, &before));
            }
            // Text continuing the value above: the blocks stay as they were.
            stack = before;
            continue;
        }
        if stack.last().is_some_and(|l| l.column == line.indent) {
            stack.pop();
        }
        for &column in &line.dashes {
            stack.push(Level {
                column,
                dash: true,
                line: n,
                key: "-".into(),
            });
        }
        if let Some((column, key)) = line.key {
            stack.push(Level {
                column,
                dash: false,
                line: n,
                key: key.to_string(),
            });
        }
        opens = line.opens;
        if line.block_scalar {
            block = Some((line.key.map_or(line.indent, |(c, _)| c), None));
        }
    }
    None
}

/// A key or list entry whose column is that of no block open above it.
fn misplaced(file: &TextFile, n: usize, line: &Line, open: &[Level]) -> Diagnostic {
    let dash = !line.dashes.is_empty();
    let column = line.indent;
    let same_kind: Vec<&Level> = open.iter().filter(|l| l.dash == dash).collect();
    let candidates = if same_kind.is_empty() {
        open.iter().collect()
    } else {
        same_kind
    };
    // The nearest open column; between two, the deeper one.
    let Some(like) = candidates
        .into_iter()
        .min_by_key(|l| (l.column.abs_diff(column), std::cmp::Reverse(l.column)))
    else {
        return file.error_at(
            Some(Position {
                line: n,
                column: column + 1,
            }),
            "wrong indentation",
        );
    };
    let what = match line.key {
        Some((_, key)) if !dash => format!("`{key}:`"),
        _ => "this list entry".to_string(),
    };
    let sibling = if like.dash {
        format!("the `-` on line {}", like.line)
    } else {
        format!("`{}:` on line {}", like.key, like.line)
    };
    let deeper = if column > like.column {
        "; indented further than its siblings, a key is read as part of the value above it"
    } else {
        ""
    };
    file.error_at(
        Some(Position {
            line: n,
            column: column + 1,
        }),
        format!(
            "wrong indentation: {what} starts in column {}, expected column {}",
            column + 1,
            like.column + 1
        ),
    )
    .with_help(format!(
        "indent it by {} spaces, like {sibling}{deeper}",
        like.column
    ))
    .with_label(
        &file.path,
        Position {
            line: like.line,
            column: like.column + 1,
        },
        file.line(like.line),
        format!("column {} here", like.column + 1),
    )
}

fn tab_mistake(file: &TextFile, n: usize, tab: usize, open: Option<&Level>) -> Diagnostic {
    let diagnostic = file.error_at(
        Some(Position {
            line: n,
            column: tab + 1,
        }),
        "wrong indentation: a tab, where YAML indents with spaces only",
    );
    match open {
        Some(level) => diagnostic.with_help(format!(
            "replace the tab with spaces; a key of the same entry as `{}:` on line {} starts in column {}",
            level.key,
            level.line,
            level.column + 1
        )),
        None => diagnostic.with_help("replace the tab with spaces"),
    }
}

/// For a key that is not allowed where it stands: the key of the line above,
/// when that one is indented further (`key`, its line and 1-based column). The
/// key may belong with it, and have slipped out of its block.
pub fn deeper_key_above(text: &str, line: usize) -> Option<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let here = read_line(lines.get(line.checked_sub(1)?)?)?;
    let (column, _) = here.key?;
    let (n, above) = lines[..line - 1]
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, l)| read_line(l).map(|l| (i + 1, l)))?;
    let (above_column, key) = above.key?;
    (above_column > column).then(|| (key.to_string(), n, above_column + 1))
}

/// The last line of the block that holds line `line`: up to the first line
/// indented less than it, which is where a mapping missing a key ends.
pub fn block_end(text: &str, line: usize) -> usize {
    let mut lines = text.lines().enumerate().skip(line.saturating_sub(1));
    let Some(indent) = lines
        .next()
        .and_then(|(_, l)| read_line(l))
        .map(|l| l.key.map_or(l.indent, |(column, _)| column))
    else {
        return line;
    };
    lines
        .find(|(_, l)| read_line(l).is_some_and(|l| l.indent < indent))
        .map_or(line, |(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn first_mistake(text: &str) -> Option<Diagnostic> {
        let file = TextFile::new(Path::new("a.yaml"), text.to_string());
        mistake(&file, text, 1, usize::MAX)
    }

    #[test]
    fn well_indented_yaml_has_no_mistake() {
        let text = "- id: a\n  quote: x\n  note: |\n    text\n\n      deeper text\n  sources:\n    - title: T\n      publisher: P\n  tags:\n  - a\n- id: b\n  quote: long text\n    continued\n";
        assert!(first_mistake(text).is_none(), "{:?}", first_mistake(text));
    }

    #[test]
    fn a_key_one_space_too_deep_is_found_with_the_expected_column() {
        let d = first_mistake("- id: a\n  kind: clarification\n   note: text\n").unwrap();
        assert_eq!(d.position, Some(Position { line: 3, column: 4 }));
        assert!(d.message.contains("expected column 3"), "{}", d.message);
    }

    #[test]
    fn a_key_between_two_columns_belongs_to_the_deeper_one() {
        let d = first_mistake("- id: a\n  sources:\n    - title: T\n     publisher: P\n").unwrap();
        assert_eq!(d.position, Some(Position { line: 4, column: 6 }));
        assert!(d.message.contains("expected column 7"), "{}", d.message);
        assert_eq!(d.labels[0].position.line, 3);
    }

    #[test]
    fn dedented_keys_list_entries_and_tabs_are_found() {
        let d = first_mistake("- id: a\n  quote: x\n note: n\n").unwrap();
        assert!(d.message.contains("expected column 3"), "{}", d.message);
        let d = first_mistake("- id: a\n  quote: x\n - id: b\n").unwrap();
        assert!(d.message.contains("list entry") && d.message.contains("expected column 1"));
        let d = first_mistake("- id: a\n  quote: x\n\tkind: context\n").unwrap();
        assert_eq!(d.position, Some(Position { line: 3, column: 1 }));
        assert!(d.message.contains("tab"), "{}", d.message);
    }

    #[test]
    fn a_key_that_slipped_out_of_the_block_above_is_noticed() {
        let text = "- id: a\n  sources:\n    - title: T\n  publisher: P\n";
        assert_eq!(deeper_key_above(text, 4), Some(("title".to_string(), 3, 7)));
        assert_eq!(deeper_key_above(text, 2), None);
    }

    #[test]
    fn a_block_ends_at_the_first_line_indented_less() {
        let text = "- id: a\n  quote: x\n  kind: context\n note: n\n";
        assert_eq!(block_end(text, 3), 4);
    }
}
