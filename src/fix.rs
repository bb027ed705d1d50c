//! `briefing fix`: when `article.md` is replaced by a newer version of the
//! article, find each note whose quote no longer matches exactly once and
//! propose the article's new wording of the phrase; with `--apply`, rewrite those
//! `quote:` values and not one other byte of the YAML.
//!
//! The search ([`crate::anchor::similar::phrases_like`]) is fuzzy, but `fix`
//! never guesses. Every phrase of a block (runs of whole words, of about the
//! quote's length) is scored by the same similarity as "did you mean"; a note is re-anchored only when the best phrase
//! reaches the threshold, no other place comes close to it (when one does, the
//! note's `prefix`/`suffix` may tell them apart, as in Hypothesis), and the note,
//! with the new quote and everything else unchanged, anchors to exactly that
//! place. Anything else is listed as lost and left alone.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::anchor::similar::{phrases_like, similarity, PhraseMatch};
use crate::anchor::{self, AnchorError, QuoteSelector};
use crate::article::{fold::fold, ParsedArticle};
use crate::diagnostic::{display_path, Diagnostic, Position};
use crate::load::model::NoteSpec;
use crate::load::{self, LoadedBriefing, YamlFile};
use crate::Error;

/// How `fix` runs.
#[derive(Debug, Clone)]
pub struct FixOptions {
    /// The lowest similarity (0 to 1) at which a phrase may replace a quote.
    pub min_similarity: f64,
    /// Rewrite the YAML files; without it, only report.
    pub apply: bool,
}

impl Default for FixOptions {
    fn default() -> Self {
        FixOptions {
            min_similarity: 0.8,
            apply: false,
        }
    }
}

/// How much better than the runner-up the best phrase must be; closer than this,
/// the two are equally likely and the note is lost rather than guessed.
const AMBIGUITY_MARGIN: f64 = 0.05;

/// How much better one place's context (prefix/suffix) must match to decide
/// between two equally similar phrases.
const CONTEXT_MARGIN: f64 = 0.2;

/// A note that can be re-anchored: its old quote and the article's new phrase.
#[derive(Debug, Clone)]
pub struct Proposal {
    /// The YAML file and the position of the `quote:` value.
    pub file: PathBuf,
    /// Where the `quote:` value is, for the report.
    pub position: Option<Position>,
    /// The note's id.
    pub note: String,
    /// The quote as the YAML has it.
    pub old: String,
    /// The article's phrase that would replace it, in the article's own characters.
    pub new: String,
    /// 0 to 1, on folded text.
    pub similarity: f64,
    /// The article the phrase was found in.
    pub article: PathBuf,
    /// The line of `article` the phrase is on.
    pub article_line: usize,
    index: usize,
}

/// A note that cannot be re-anchored with confidence.
#[derive(Debug, Clone)]
pub struct Lost {
    /// The YAML file of the note.
    pub file: PathBuf,
    /// Where the `quote:` value is.
    pub position: Option<Position>,
    /// The note's id.
    pub note: String,
    /// The quote as the YAML has it.
    pub quote: String,
    /// Why it cannot be re-anchored, and what to do.
    pub reason: String,
}

/// What `fix` found, and did.
#[derive(Debug, Default)]
pub struct FixReport {
    /// Notes that can be (or, with `apply`, were) re-anchored.
    pub proposals: Vec<Proposal>,
    /// Notes left as they are.
    pub lost: Vec<Lost>,
    /// Problems that kept files from being read; their notes were not checked.
    pub errors: Vec<Diagnostic>,
    /// Notes that still anchor exactly once.
    pub anchored: usize,
    /// Files rewritten (with `apply`).
    pub written: Vec<PathBuf>,
    /// Whether the proposals were written to the YAML files.
    pub applied: bool,
}

impl FixReport {
    /// True when every note anchors now: nothing lost, nothing unreadable, and
    /// no proposal left to apply (a dry run with proposals is not fine yet).
    pub fn all_fine(&self) -> bool {
        self.lost.is_empty()
            && self.errors.is_empty()
            && (self.applied || self.proposals.is_empty())
    }
}

/// Checks every note of the project at `root`, and with `options.apply` rewrites
/// the quotes it can re-anchor.
pub fn fix(root: &Path, options: &FixOptions) -> Result<FixReport, Error> {
    if !(0.0..=1.0).contains(&options.min_similarity) {
        return Err(Error::Usage(format!(
            "--min-similarity must be between 0 and 1, not {}",
            options.min_similarity
        )));
    }
    let (content, diagnostics) = load::load(&root.join("content"))?;
    let mut report = FixReport {
        errors: diagnostics
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect(),
        ..FixReport::default()
    };
    for briefing in &content.briefings {
        check_briefing(briefing, options, &mut report);
    }
    if options.apply && !report.proposals.is_empty() {
        let faulty: BTreeSet<PathBuf> = report.errors.iter().map(|d| d.path.clone()).collect();
        apply(&content.briefings, &faulty, &mut report)?;
        report.applied = true;
    }
    Ok(report)
}

/// Anchors every note of one briefing, and searches for the ones that fail.
fn check_briefing(src: &LoadedBriefing, options: &FixOptions, report: &mut FixReport) {
    let article = ParsedArticle::parse(src.body());
    let notes: Vec<(&YamlFile<Vec<NoteSpec>>, usize, &NoteSpec)> = src
        .notes
        .iter()
        .flat_map(|f| f.value.iter().enumerate().map(move |(i, n)| (f, i, n)))
        .collect();
    let selectors: Vec<QuoteSelector> =
        notes.iter().map(|(_, _, n)| QuoteSelector::of(n)).collect();
    let results = anchor::anchor_all(&article, &selectors);
    for ((file, index, note), result) in notes.into_iter().zip(results) {
        let position = note.quote.position();
        let lost = |reason: String| Lost {
            file: file.file.path.clone(),
            position,
            note: note.id.to_string(),
            quote: note.quote.to_string(),
            reason,
        };
        let error = match result {
            Ok(_) => {
                report.anchored += 1;
                continue;
            }
            Err(e) => e,
        };
        let line_of = |found: &PhraseMatch| {
            article
                .source_offset(found.block, found.original.start)
                .map_or(0, |o| src.article.position(src.body_start + o).line)
        };
        match reanchor(&article, note, &error, options.min_similarity, &line_of) {
            Ok(found) => {
                let article_line = line_of(&found);
                report.proposals.push(Proposal {
                    file: file.file.path.clone(),
                    position,
                    note: note.id.to_string(),
                    old: note.quote.to_string(),
                    new: found.text,
                    similarity: found.similarity,
                    article: src.article.path.clone(),
                    article_line,
                    index,
                });
            }
            Err(reason) => report.lost.push(lost(reason)),
        }
    }
}

/// Finds the new wording of a quote that failed to anchor, or says why not.
fn reanchor(
    article: &ParsedArticle,
    note: &NoteSpec,
    error: &AnchorError,
    min_similarity: f64,
    line_of: &dyn Fn(&PhraseMatch) -> usize,
) -> Result<PhraseMatch, String> {
    match error {
        AnchorError::NotFound { .. } | AnchorError::CrossesBlocks => {}
        AnchorError::EmptyQuote => return Err("the quote is empty".into()),
        AnchorError::Ambiguous { count, .. } => {
            return Err(format!(
                "the quote now occurs {count} times; add a `prefix`, `suffix` or `occurrence` (`briefing check` lists them)"
            ))
        }
        AnchorError::ContextNotFound { .. } => {
            return Err(
                "the quote is still in the article, but its `prefix`/`suffix` no longer are; update them"
                    .into(),
            )
        }
        AnchorError::NoSuchOccurrence { asked, count } => {
            return Err(format!(
                "`occurrence: {asked}` asks for more places than the {count} where the quote occurs"
            ))
        }
    }
    let needle = fold(&note.quote).trim().to_string();
    let ranked = phrases_like(article, &needle, min_similarity)?;
    let Some(best) = ranked.first() else {
        return Err(closest_hint(article, &needle, min_similarity));
    };
    // The places about as close as the best one, each counted once.
    let mut close: Vec<&PhraseMatch> = vec![best];
    for c in &ranked[1..] {
        if c.similarity <= best.similarity - AMBIGUITY_MARGIN {
            break;
        }
        if close.iter().all(|k| !overlaps(k, c)) {
            close.push(c);
        }
    }
    if close.len() == 1 {
        validate(article, note, best)?;
        return Ok(best.clone());
    }
    // The note's own prefix, suffix or occurrence may pick one of them exactly …
    let fitting: Vec<&PhraseMatch> = close
        .iter()
        .copied()
        .filter(|c| validate(article, note, c).is_ok())
        .collect();
    if let [only] = fitting.as_slice() {
        return Ok((*only).clone());
    }
    // … or its context match one clearly better (Hypothesis-style).
    match pick_by_context(article, note, close[0], close[1]) {
        Some(c) if close.len() == 2 && validate(article, note, c).is_ok() => Ok(c.clone()),
        _ => Err(format!(
            "{} places are about as close: {:?} (line {}, {:.0}%) and {:?} (line {}, {:.0}%); edit the quote by hand",
            close.len(),
            close[0].text,
            line_of(close[0]),
            close[0].similarity * 100.0,
            close[1].text,
            line_of(close[1]),
            close[1].similarity * 100.0
        )),
    }
}

fn overlaps(a: &PhraseMatch, b: &PhraseMatch) -> bool {
    a.block == b.block && a.folded.start < b.folded.end && b.folded.start < a.folded.end
}

/// Between two equally similar phrases, the one whose surroundings match the
/// note's `prefix` and `suffix` clearly better; `None` if the context cannot tell.
fn pick_by_context<'a>(
    article: &ParsedArticle,
    note: &NoteSpec,
    a: &'a PhraseMatch,
    b: &'a PhraseMatch,
) -> Option<&'a PhraseMatch> {
    if note.prefix.is_none() && note.suffix.is_none() {
        return None;
    }
    let (sa, sb) = (
        context_similarity(article, note, a),
        context_similarity(article, note, b),
    );
    if sa >= sb + CONTEXT_MARGIN {
        Some(a)
    } else if sb >= sa + CONTEXT_MARGIN {
        Some(b)
    } else {
        None
    }
}

/// How well the text around a phrase matches the note's prefix and suffix (0 to 1).
fn context_similarity(article: &ParsedArticle, note: &NoteSpec, found: &PhraseMatch) -> f64 {
    let text = &article.blocks[found.block].folded().text;
    let mut scores = Vec::new();
    if let Some(prefix) = &note.prefix {
        let prefix = fold(prefix);
        let before: String = text[..found.folded.start]
            .chars()
            .rev()
            .take(prefix.chars().count())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        scores.push(similarity(&prefix, &before));
    }
    if let Some(suffix) = &note.suffix {
        let suffix = fold(suffix);
        let after: String = text[found.folded.end..]
            .chars()
            .take(suffix.chars().count())
            .collect();
        scores.push(similarity(&suffix, &after));
    }
    scores.iter().sum::<f64>() / scores.len().max(1) as f64
}

/// The note, with the new quote and its own prefix, suffix and occurrence, must
/// anchor to exactly the phrase found: what `fix` writes, `build` accepts.
fn validate(article: &ParsedArticle, note: &NoteSpec, found: &PhraseMatch) -> Result<(), String> {
    let candidate = QuoteSelector {
        exact: &found.text,
        ..QuoteSelector::of(note)
    };
    match anchor::anchor(article, &candidate) {
        Ok(a) if a.block == found.block && a.range == found.original => Ok(()),
        Ok(_) => Err(format!(
            "the closest phrase, {:?}, also occurs elsewhere and the note's context picks another place",
            found.text
        )),
        Err(AnchorError::Ambiguous { count, .. }) => Err(format!(
            "the closest phrase, {:?} ({:.0}%), occurs {count} times in the article; edit the quote by hand",
            found.text,
            found.similarity * 100.0
        )),
        Err(_) => Err(format!(
            "the closest phrase, {:?} ({:.0}%), does not fit the note's `prefix`/`suffix`/`occurrence`; update them by hand",
            found.text,
            found.similarity * 100.0
        )),
    }
}

/// Why nothing was found, naming the closest phrase when there is one.
fn closest_hint(article: &ParsedArticle, needle: &str, min_similarity: f64) -> String {
    let floor = format!(
        "no phrase of the article is at least {:.0}% similar to the quote",
        min_similarity * 100.0
    );
    match anchor::nearest_phrase(article, needle) {
        Some(s) => format!(
            "{floor} (the closest, {:?}, is {:.0}%); the passage may have been cut",
            s.text,
            s.similarity * 100.0
        ),
        None => format!("{floor}; the passage may have been cut"),
    }
}

/// Rewrites each YAML file that has proposals; a file that cannot be rewritten
/// safely keeps its bytes and its proposals become lost notes.
/// Rewrites the quotes of each file, except the files with a mistake of their own
/// (`faulty`): their notes were read one by one, and a file that does not parse
/// as a whole cannot be checked after the rewrite.
fn apply(
    briefings: &[LoadedBriefing],
    faulty: &BTreeSet<PathBuf>,
    report: &mut FixReport,
) -> Result<(), Error> {
    let mut by_file: BTreeMap<PathBuf, Vec<Proposal>> = BTreeMap::new();
    for p in report.proposals.drain(..) {
        by_file.entry(p.file.clone()).or_default().push(p);
    }
    for (path, proposals) in by_file {
        let Some(file) = briefings
            .iter()
            .flat_map(|b| &b.notes)
            .find(|f| f.file.path == path)
        else {
            continue;
        };
        let edits: Vec<(usize, &str)> = proposals
            .iter()
            .map(|p| (p.index, p.new.as_str()))
            .collect();
        let rewritten = if faulty.contains(&path) {
            Err(
                "the file has a mistake of its own (reported above); correct it and run fix again"
                    .to_string(),
            )
        } else {
            crate::load::rewrite::replace_quotes(file, &edits)
        };
        match rewritten {
            Ok(text) => {
                write_back(&path, &file.file.text, &text)?;
                report.written.push(path);
                report.proposals.extend(proposals);
            }
            Err(why) => report.lost.extend(proposals.into_iter().map(|p| Lost {
                file: p.file,
                position: p.position,
                note: p.note,
                quote: p.old,
                reason: format!(
                    "{why}; the file was left as it is (the article now reads {:?})",
                    p.new
                ),
            })),
        }
    }
    Ok(())
}

/// Writes the new text in place of the old, atomically, keeping a byte-order
/// mark and the file's permissions; refuses if the file changed since it was read.
fn write_back(path: &Path, old_text: &str, new_text: &str) -> Result<(), Error> {
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    let bom = bytes.starts_with("\u{feff}".as_bytes());
    let current = &bytes[if bom { 3 } else { 0 }..];
    if current != old_text.as_bytes() {
        return Err(Error::Refused(format!(
            "{} changed while briefing fix was running; run it again",
            display_path(path)
        )));
    }
    let mut out = Vec::with_capacity(new_text.len() + 3);
    if bom {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    out.extend_from_slice(new_text.as_bytes());
    crate::safe_write::write_file(path, &out, crate::safe_write::Existing::Replace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(quote: &str) -> NoteSpec {
        serde_saphyr::from_str(&format!(
            "id: n\nquote: {}\nkind: context\nnote: x\n",
            crate::load::rewrite::double_quoted(quote)
        ))
        .unwrap()
    }

    fn found(md: &str, quote: &str) -> Result<String, String> {
        let article = ParsedArticle::parse(md);
        let n = note(quote);
        let error = anchor::anchor(&article, &QuoteSelector::of(&n)).unwrap_err();
        reanchor(&article, &n, &error, 0.8, &|_| 1).map(|f| f.text)
    }

    #[test]
    fn one_word_changed_is_reanchored_with_the_articles_characters() {
        assert_eq!(
            found(
                "China “launched” the DSR initiative in 2015, to grow.",
                "China started the DSR initiative in 2015"
            ),
            Ok("China “launched” the DSR initiative in 2015".to_string())
        );
    }

    #[test]
    fn a_cut_passage_is_lost_and_names_the_closest_phrase() {
        let err = found(
            "Officials met in Xian on Tuesday.",
            "the forum discussed cross-border data flows",
        )
        .unwrap_err();
        assert!(
            err.contains("no phrase of the article is at least 80%"),
            "{err}"
        );
    }

    #[test]
    fn two_equally_close_places_are_ambiguous() {
        let clear = found(
            "First the ministry expanded the plan. Later the ministry extended the plan.",
            "the ministry expandet the plan",
        );
        assert_eq!(clear, Ok("the ministry expanded the plan".to_string()));
        let err = found(
            "Now the old plan grew. Then the old plan grew again.",
            "the old plan grows",
        )
        .unwrap_err();
        assert!(err.contains("2 places are about as close"), "{err}");
    }

    #[test]
    fn context_decides_between_equal_candidates() {
        let article =
            ParsedArticle::parse("In 2015 the plan grew fast. In 2016 the plan grew slowly.");
        let mut n = note("the plan grows");
        n.prefix = Some(crate::load::yaml::At::unplaced("In 2016 ".into()));
        let error = anchor::anchor(&article, &QuoteSelector::of(&n)).unwrap_err();
        let f = reanchor(&article, &n, &error, 0.8, &|_| 1).unwrap();
        assert_eq!(f.text, "the plan grew");
        assert!(f.folded.start > 20, "the second place: {f:?}");
    }
}
