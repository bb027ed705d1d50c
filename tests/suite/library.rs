//! The library around the briefings (tests/fixtures/valid/library): topic pages,
//! timelines, sources by publisher, the A–Z glossary, plural forms of terms,
//! near-misses in `check`, and the search index with the anchors it links to.

use std::collections::BTreeMap;

use assert_cmd::Command;
use predicates::prelude::*;
use scraper::{Html, Selector};

use briefing::pipeline::build_site;

fn site() -> BTreeMap<String, Vec<u8>> {
    let outcome = build_site(&crate::common::fixture("valid/library")).unwrap();
    outcome
        .site
        .unwrap_or_else(|| panic!("{:#?}", outcome.diagnostics))
        .files
}

fn page(files: &BTreeMap<String, Vec<u8>>, path: &str) -> Html {
    Html::parse_document(std::str::from_utf8(&files[path]).unwrap())
}

fn texts(html: &Html, selector: &str) -> Vec<String> {
    html.select(&Selector::parse(selector).unwrap())
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

fn attrs(html: &Html, selector: &str, attr: &str) -> Vec<String> {
    html.select(&Selector::parse(selector).unwrap())
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

#[test]
fn a_topic_page_lists_every_note_on_it_across_briefings_and_no_other() {
    let files = site();
    let topic = page(&files, "topics/export-controls/index.html");
    assert_eq!(
        attrs(&topic, ".topic-notes a[href*='#note-']", "href"),
        [
            "../../talks/index.html#note-chips",
            "../../chips/index.html#note-entity-list"
        ],
        "newest briefing first"
    );
    assert_eq!(
        texts(&topic, ".topic-notes mark"),
        [
            "export controls on chips",
            "added two chipmakers to the Entity List"
        ]
    );
    assert_eq!(
        attrs(&topic, "#briefings-heading + ul a", "href"),
        ["../../chips/index.html"]
    );
    let index = page(&files, "topics/index.html");
    assert_eq!(
        texts(&index, ".list h2"),
        ["Export controls", "Trade talks"]
    );
    assert!(texts(&index, ".list .aside")[0].starts_with("2 notes · 1 briefing"));
}

#[test]
fn each_briefing_has_a_collapsed_timeline_and_the_site_one_merges_them() {
    let files = site();
    let chips = page(&files, "chips/index.html");
    assert_eq!(
        attrs(&chips, ".timeline details", "open"),
        Vec::<String>::new(),
        "collapsed"
    );
    assert_eq!(
        attrs(&chips, ".timeline time", "datetime"),
        ["2019-05", "2023-03-02"],
        "oldest first"
    );
    assert_eq!(
        attrs(&chips, ".timeline li a", "href"),
        ["#note-entity-list", "#note-entity-list"]
    );
    let all = page(&files, "timeline/index.html");
    assert_eq!(
        texts(&all, ".events time"),
        ["May 2019", "2 March 2023", "2 May 2023"]
    );
    assert_eq!(
        attrs(&all, ".events a[href*='#note']", "href")[2],
        "../talks/index.html#note-met"
    );
    assert!(
        texts(&page(&files, "talks/index.html"), ".timeline summary")[0]
            .starts_with("1 dated event")
    );
}

#[test]
fn sources_are_listed_once_by_publisher_with_the_notes_and_terms_citing_them() {
    let files = site();
    let chips = page(&files, "chips/index.html");
    assert_eq!(texts(&chips, ".sources dt"), ["Bureau of Industry", "Wire"]);
    let cited: Vec<Vec<String>> = chips
        .select(&Selector::parse(".sources dd").unwrap())
        .map(|li| {
            li.select(&Selector::parse("a[href^='#']").unwrap())
                .map(|a| a.value().attr("href").unwrap().to_string())
                .collect()
        })
        .collect();
    assert_eq!(
        cited,
        [
            vec!["#note-entity-list", "#term-entity-list"],
            vec!["#note-entity-list", "#note-first"]
        ]
    );
    assert_eq!(
        texts(&chips, ".sources dd"),
        [
            "Entity List, 2 March 2023 (checked 1 April 2023); archived copy · note 1, Entity List",
            "Two firms added, 2 March 2023 · note 1, note 2"
        ]
    );
    // Entries are numbered in the order listed; a note cites each in short, linking
    // to its entry, with the date checked and the archived copy still at hand.
    assert_eq!(attrs(&chips, ".sources dd", "id"), ["src-1", "src-2"]);
    assert_eq!(
        attrs(&chips, "#note-entity-list .src a[href^='#']", "href"),
        ["#src-1", "#src-2"]
    );
    let short = texts(&chips, "#note-entity-list .src");
    assert!(
        short[0].contains("Bureau of Industry, 2 March 2023 (checked 1 April 2023), archived copy"),
        "{short:?}"
    );
    let talks = page(&files, "talks/index.html");
    assert_eq!(
        texts(&talks, ".sources dt"),
        ["Bureau of Industry", "Publisher not named"]
    );
}

#[test]
fn glossaries_are_alphabetical_with_letter_headings_and_plurals_link() {
    let files = site();
    let glossary = page(&files, "glossary/index.html");
    assert_eq!(texts(&glossary, "h2.letter"), ["A", "C", "E", "R"]);
    assert_eq!(
        texts(&glossary, "dfn"),
        [
            "agency",
            "Commerce Department of the United States",
            "Entity List",
            "export control",
            "Reuters"
        ]
    );
    assert!(texts(&glossary, "dd")[2].contains("Used in: Two chipmakers join a trade blacklist"));
    let chips = page(&files, "chips/index.html");
    assert_eq!(
        texts(&chips, ".article-body a[role=doc-glossref]"),
        ["Entity List", "export controls", "agencies", "Reuters"],
        "plurals link; `Reuter` does not, the term opts out"
    );
    assert_eq!(
        texts(&chips, ".glossary dfn"),
        ["agency", "Entity List", "export control", "Reuters"]
    );
}

#[test]
fn the_search_index_covers_every_kind_and_links_to_anchors_that_exist() {
    let files = site();
    let script = std::str::from_utf8(&files["search/search-index.js"]).unwrap();
    let json: serde_json::Value = serde_json::from_str(
        script
            .strip_prefix("window.briefingSearch=")
            .and_then(|s| s.strip_suffix(";\n"))
            .unwrap(),
    )
    .unwrap();
    let briefings: Vec<&str> = json["b"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b[0].as_str().unwrap())
        .collect();
    assert_eq!(briefings, ["talks", "chips"]);
    let mut kinds = [0; 4];
    for entry in json["d"].as_array().unwrap() {
        let kind = entry[1].as_u64().unwrap() as usize;
        kinds[kind] += 1;
        let anchor = entry[2].as_str().unwrap();
        let path = match entry[0].as_i64().unwrap() {
            -1 => "glossary/index.html".to_string(),
            b => format!("{}/index.html", briefings[b as usize]),
        };
        if !anchor.is_empty() {
            let ids = attrs(&page(&files, &path), "[id]", "id");
            assert!(ids.iter().any(|i| i == anchor), "{path}#{anchor} missing");
        }
    }
    assert_eq!(kinds, [2, 3, 4, 5], "briefings, paragraphs, notes, terms");
    assert!(script.contains("Firms on the Entity List need a licence."));
    // Only the search page loads the index; a briefing page never does.
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        assert_eq!(
            text.contains("search-index.js"),
            path == "search/index.html",
            "{path}"
        );
    }
    let search = page(&files, "search/index.html");
    assert_eq!(texts(&search, "#nojs").len(), 1);
    assert_eq!(
        attrs(&search, "#browse-heading + ul a", "href"),
        ["../talks/index.html", "../chips/index.html"]
    );
    assert_eq!(
        texts(&search, "#topics-heading + ul a"),
        ["Export controls", "Trade talks"]
    );
    let csp = attrs(&search, "meta[http-equiv]", "content").join("");
    assert!(csp.contains("'strict-dynamic'"), "{csp}");
    let briefing_csp = attrs(
        &page(&files, "chips/index.html"),
        "meta[http-equiv]",
        "content",
    );
    assert!(!briefing_csp.join("").contains("strict-dynamic"));
}

#[test]
fn article_blocks_carry_paragraph_anchors() {
    let files = site();
    let chips = page(&files, "chips/index.html");
    assert_eq!(attrs(&chips, ".article-body p", "id"), ["p-1", "p-2"]);
}

#[test]
fn check_reports_near_misses_and_build_does_not() {
    let dir = tempfile::tempdir().unwrap();
    crate::common::copy_tree(&crate::common::fixture("valid/library"), dir.path());
    let message = "chips/article.md:7:5: warning: “Commerce” is a word of glossary term `commerce-department`";
    Command::cargo_bin("briefing")
        .unwrap()
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .arg("check")
        .assert()
        .success()
        .stderr(predicate::str::contains(message));
    Command::cargo_bin("briefing")
        .unwrap()
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .args(["build", "--quiet"])
        .assert()
        .success()
        .stderr(predicate::str::contains("“Commerce”").not());
}
