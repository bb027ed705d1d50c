//! Fixture projects with expected output, kept as insta snapshots: for each
//! `tests/fixtures/valid/*` the HTML inside `<main>` of every page, for each
//! `tests/fixtures/invalid/*` the diagnostics exactly as the user reads them.
//! Review changes with `cargo insta review`.

use std::path::Path;

use briefing::pipeline::build_site;

fn cases(kind: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(crate::common::fixture(kind))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("page has <main>");
    let end = html.rfind("</main>").expect("page has </main>") + "</main>".len();
    &html[start..end]
}

#[test]
fn valid_fixtures_render_as_expected() {
    for case in cases("valid") {
        let outcome = build_site(&crate::common::fixture(&format!("valid/{case}"))).unwrap();
        let site = outcome
            .site
            .unwrap_or_else(|| panic!("{case} failed: {:#?}", outcome.diagnostics));
        for (path, bytes) in &site.files {
            if !path.ends_with(".html") {
                continue;
            }
            let html = String::from_utf8(bytes.clone()).unwrap();
            let name = format!("{case}__{}", path.replace('/', "__"));
            insta::assert_snapshot!(name, main_of(&html));
        }
    }
}

#[test]
fn invalid_fixtures_report_located_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for case in cases("invalid") {
        let dir = root.join("tests/fixtures/invalid").join(&case);
        let outcome = build_site(&dir).unwrap();
        assert!(outcome.site.is_none(), "{case} should fail");
        let prefix = format!("{}/", dir.display());
        let text: String = outcome
            .diagnostics
            .iter()
            .map(|d| d.render(false).replace(&prefix, ""))
            .collect();
        insta::assert_snapshot!(format!("invalid__{case}"), text);
    }
}

/// `entity-list` appears only in a note of `valid/note-terms`: it counts as
/// used (no "not used" warning), is linked in that note, and the page's
/// glossary and the glossary page link back to the note.
#[test]
fn a_term_used_only_in_a_note_is_linked_listed_and_linked_back() {
    use scraper::{Html, Selector};
    let outcome = build_site(&crate::common::fixture("valid/note-terms")).unwrap();
    assert!(
        !outcome
            .diagnostics
            .iter()
            .any(|d| !d.is_error() && d.render(false).contains("not used")),
        "{:#?}",
        outcome.diagnostics
    );
    let site = outcome.site.expect("the fixture builds");
    let html = |path: &str| Html::parse_document(std::str::from_utf8(&site.files[path]).unwrap());
    let sel = |s: &str| Selector::parse(s).unwrap();

    let page = html("summit/index.html");
    let uses: Vec<_> = page
        .select(&sel(
            "#note-firms a[role=doc-glossref][href='#term-entity-list']",
        ))
        .map(|a| a.value().attr("id").unwrap().to_string())
        .collect();
    assert_eq!(
        uses,
        ["use-entity-list_firms"],
        "linked once, at its first use"
    );
    assert_eq!(
        page.select(&sel("#note-delegates a[role=doc-glossref]"))
            .count(),
        0,
        "never in a note's heading or code"
    );
    let back: Vec<_> = page
        .select(&sel("section[role=doc-glossary] dfn#term-entity-list"))
        .flat_map(|d| d.parent().unwrap().next_siblings())
        .filter_map(scraper::ElementRef::wrap)
        .find(|e| e.value().name() == "dd")
        .into_iter()
        .flat_map(|dd| dd.select(&sel("p.back a")).collect::<Vec<_>>())
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(back, ["#use-entity-list_firms"]);

    let glossary = html("glossary/index.html");
    assert!(glossary
        .select(&sel("a[href='../summit/index.html#use-entity-list_firms']"))
        .next()
        .is_some());
}
