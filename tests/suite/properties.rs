//! Property tests for anchoring: any phrase cut from the rendered text that
//! occurs once is found exactly there, and marking it never changes the text a
//! reader sees (apart from the note's number).

use briefing::anchor::{anchor, QuoteSelector};
use briefing::article::ParsedArticle;
use briefing::render::markdown::{render_article, NoteMark};
use proptest::prelude::*;
use scraper::{Html, Selector};

/// A word and how it is marked up in Markdown.
fn word() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "China",
        "digital",
        "Silk",
        "Road",
        "forum",
        "“quoted”",
        "it’s",
        "BRI",
        "–",
        "e-commerce",
        "50",
        "Xi’an",
        "and",
        "the",
        "of",
        "…",
        "naïve",
        "日本",
        "🙂",
        "R&D",
        "<b>",
        "a*b",
    ]);
    (words, 0..8u8).prop_map(|(w, style)| {
        let escaped = w.replace('*', "\\*").replace('<', "\\<");
        match style {
            0 => format!("*{escaped}*"),
            1 => format!("**{escaped}**"),
            2 => format!("[{escaped}](https://example.org/x)"),
            3 if !w.contains('`') => format!("`{w}`"),
            _ => escaped,
        }
    })
}

fn article() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::collection::vec(word(), 1..25).prop_map(|ws| ws.join(" ")),
        1..5,
    )
    .prop_map(|ps| ps.join("\n\n"))
}

/// A piece of one block's rendered text, chosen by the three numbers: the block,
/// where it starts and how many characters long it is.
fn cut(
    parsed: &ParsedArticle,
    block_pick: usize,
    a: usize,
    len: usize,
) -> Option<(usize, usize, usize)> {
    if parsed.blocks.is_empty() {
        return None;
    }
    let b = block_pick % parsed.blocks.len();
    let text = &parsed.blocks[b].text;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    if chars.is_empty() {
        return None;
    }
    let start = chars[a % chars.len()].0;
    let end = chars
        .get((a % chars.len()) + len)
        .map_or(text.len(), |c| c.0);
    Some((b, start, end))
}

/// The text a reader sees in rendered HTML, note numbers removed.
fn visible_text(html: &str) -> String {
    let doc = Html::parse_fragment(html);
    let noteref = Selector::parse("a[role=doc-noteref]").unwrap();
    let mut text = String::new();
    for node in doc.root_element().descendants() {
        if let Some(t) = node.value().as_text() {
            let inside_ref = node
                .ancestors()
                .filter_map(scraper::ElementRef::wrap)
                .any(|e| noteref.matches(&e));
            if !inside_ref {
                text.push_str(t);
            }
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever the fold does, a folded range maps back to original text that
    /// folds to (at least) the same text.
    #[test]
    fn folded_ranges_map_back_faithfully(s in "[a-c ’“”–…\u{a0}\u{200b}\u{e9}\u{301}\n]{0,30}", a in 0usize..40, b in 0usize..40) {
        use briefing::article::fold::{fold, Folded};
        let folded = Folded::new(&s);
        let t = &folded.text;
        let (a, b) = (a.min(t.len()), b.min(t.len()));
        let (a, b) = (a.min(b), a.max(b));
        prop_assume!(t.is_char_boundary(a) && t.is_char_boundary(b));
        let r = folded.to_original(&s, a..b);
        prop_assert!(fold(&s[r.clone()]).contains(t[a..b].trim_matches(' ')), "{:?} {:?} -> {:?}", s, a..b, r);
    }

    #[test]
    fn a_unique_phrase_is_found_where_it_was_cut(md in article(), block_pick in 0usize..100, a in 0usize..400, len in 1usize..60) {
        let parsed = ParsedArticle::parse(&md);
        let cut = cut(&parsed, block_pick, a, len);
        prop_assume!(cut.is_some());
        let (b, start, end) = cut.unwrap();
        let text = &parsed.blocks[b].text;
        let quote = &text[start..end];
        prop_assume!(!quote.trim().is_empty());
        // Only phrases that occur once in the whole article (and start and end on non-space).
        prop_assume!(quote.trim() == quote);
        let occurrences: usize = parsed.blocks.iter().map(|bl| bl.text.matches(quote).count()).sum();
        prop_assume!(occurrences == 1);
        let q = QuoteSelector { exact: quote, prefix: None, suffix: None, occurrence: None };
        let found = anchor(&parsed, &q);
        // The fold can make a phrase match elsewhere too ("it's" vs "it’s"); then the
        // anchorer must say so rather than pick one. Otherwise it finds the cut.
        match found {
            Ok(anchor) => {
                prop_assert_eq!(anchor.block, b);
                prop_assert_eq!(anchor.range, start..end);
            }
            Err(briefing::anchor::AnchorError::Ambiguous { count, candidates }) => {
                prop_assert!(count > 1);
                // The cut is one of the places listed (unless the list was cut short).
                prop_assert!(
                    candidates.len() < count || candidates.iter().any(|c| c.block == b && c.range == (start..end)),
                    "{:?} not among {:?}", (b, start..end), candidates
                );
            }
            Err(e) => prop_assert!(false, "{:?} for {:?}", e, quote),
        }
    }

    #[test]
    fn marking_a_phrase_never_changes_the_text(md in article(), block_pick in 0usize..100, a in 0usize..400, len in 1usize..60) {
        let parsed = ParsedArticle::parse(&md);
        let cut = cut(&parsed, block_pick, a, len);
        prop_assume!(cut.is_some());
        let (b, start, end) = cut.unwrap();
        let plain = render_article(&parsed, &[], &[], &[]);
        let note = NoteMark { id: "n", number: 1, block: b, range: start..end };
        let marked = render_article(&parsed, &[note], &[], &[]);
        prop_assert_eq!(visible_text(&plain), visible_text(&marked));
        prop_assert_eq!(marked.matches("role=\"doc-noteref\"").count(), 1);
        // No link inside a link: an HTML parser would silently repair one, so look at
        // the tags in the order they were written.
        let mut depth = 0i32;
        for (i, _) in marked.match_indices('<') {
            if marked[i..].starts_with("<a ") { depth += 1; }
            if marked[i..].starts_with("</a>") { depth -= 1; }
            prop_assert!(depth <= 1, "nested <a> in {}", marked);
        }
    }
}

/// A small project: one briefing with `article`, notes from `notes` (YAML text,
/// possibly broken), in a scratch folder.
fn project(article: &str, notes: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let b = dir.path().join("content/b");
    std::fs::create_dir_all(&b).unwrap();
    std::fs::write(
        b.join("article.md"),
        format!("---\ntitle: T\n---\n{article}\n"),
    )
    .unwrap();
    std::fs::write(b.join("annotations.yaml"), notes).unwrap();
    dir
}

fn tree(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    if !dir.exists() {
        return Vec::new();
    }
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

/// Notes YAML made of pieces that are sometimes right and sometimes wrong:
/// quotes from the article or not, known and unknown kinds, broken syntax.
fn notes_yaml() -> impl Strategy<Value = String> {
    let quote = prop::sample::select(vec![
        "forum",
        "China",
        "digital",
        "“quoted”",
        "nowhere",
        "",
        "Silk Road",
        "the",
    ]);
    let kind = prop::sample::select(vec!["context", "correction", "contxt"]);
    let extra = prop::sample::select(vec![
        "",
        "  qoute: x\n",
        "  prefix: \"China \"\n",
        "  occurrence: 2\n",
        "  note: [\n",
    ]);
    prop::collection::vec((quote, kind, extra), 0..5).prop_map(|notes| {
        if notes.is_empty() {
            return "[]\n".to_string();
        }
        notes
            .iter()
            .enumerate()
            .map(|(i, (q, k, x))| {
                format!("- id: n{i}\n  quote: {q:?}\n  kind: {k}\n  note: N.\n{x}")
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// Same input, same bytes; and a failed build leaves the previous site
    /// exactly as it was.
    #[test]
    fn builds_are_deterministic_and_failures_change_nothing(md in article(), notes in notes_yaml(), later in notes_yaml()) {
        let dir = project(&md, &notes);
        let first = briefing::pipeline::build_site(dir.path()).unwrap();
        let second = briefing::pipeline::build_site(dir.path()).unwrap();
        prop_assert_eq!(first.site.as_ref().map(|s| &s.files), second.site.as_ref().map(|s| &s.files));
        let public = dir.path().join("public");
        if let Some(site) = &first.site {
            briefing::output::write_site(&site.files, &public).unwrap();
        }
        let before = tree(&public);
        std::fs::write(dir.path().join("content/b/annotations.yaml"), &later).unwrap();
        let outcome = briefing::pipeline::build_site(dir.path()).unwrap();
        match &outcome.site {
            Some(site) => { briefing::output::write_site(&site.files, &public).unwrap(); }
            None => prop_assert_eq!(before, tree(&public), "a failed build changed public/"),
        }
    }
}

/// Counts the bytes this thread asks the allocator for, so that a test can
/// measure work without a clock.
struct CountingAllocator;

thread_local! {
    static ALLOCATED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

unsafe impl std::alloc::GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        let _ = ALLOCATED.try_with(|a| a.set(a.get() + layout.size()));
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new: usize) -> *mut u8 {
        let _ = ALLOCATED.try_with(|a| a.set(a.get() + new));
        unsafe { std::alloc::System.realloc(ptr, layout, new) }
    }
}

#[global_allocator]
static COUNTING: CountingAllocator = CountingAllocator;

/// Bytes allocated while parsing and rendering an article of `unit` repeated `n` times.
fn bytes_allocated(unit: &str, n: usize) -> usize {
    let markdown = unit.repeat(n);
    let before = ALLOCATED.with(|a| a.get());
    let article = ParsedArticle::parse(&markdown);
    let html = render_article(&article, &[], &[], &[]);
    assert!(html.len() >= n);
    ALLOCATED.with(|a| a.get()) - before
}

/// Escapes and entities split a paragraph into thousands of text events that
/// are merged into one run; merging once copied the run so far every time
/// (480 KB of `a\*` took 15 s). Four times the input must cost about four
/// times the memory traffic, not sixteen: counted, so it cannot flake.
#[test]
fn long_runs_of_escapes_and_entities_parse_in_linear_work() {
    for unit in ["a\\*", "&amp;", "x&#42;\\_"] {
        let small = bytes_allocated(unit, 64 * 1024 / unit.len());
        let large = bytes_allocated(unit, 256 * 1024 / unit.len());
        let ratio = large as f64 / small as f64;
        assert!(
            ratio < 6.0,
            "{unit:?}: 4x the input allocated {ratio:.1}x the bytes ({small} → {large})"
        );
    }
}
