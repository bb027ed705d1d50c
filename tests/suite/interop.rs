//! W3C Web Annotation export and Hypothesis import, through the real build and CLI.

use std::collections::BTreeMap;

use crate::common::*;
use briefing::article::ParsedArticle;
use briefing::pipeline::build_site;
use predicates::prelude::*;
use serde_json::{json, Value};

fn export_of(root: &std::path::Path, slug: &str) -> Value {
    let site = build_site(root).unwrap().site.expect("builds");
    serde_json::from_slice(&site.files[&format!("{slug}/annotations.jsonld")]).expect("valid JSON")
}

fn article_text(root: &std::path::Path, slug: &str) -> String {
    let md = std::fs::read_to_string(root.join("content").join(slug).join("article.md")).unwrap();
    let body = briefing::load::split_front_matter(&md).unwrap().2;
    ParsedArticle::parse(&md[body..]).text()
}

/// Each briefing of the fixture and of the real content: every note exported,
/// the W3C model's required fields present, every quote at its stated position.
#[test]
fn export_follows_the_model_and_positions_hold() {
    for (root, slug) in [
        (fixture("valid/basic"), "forum"),
        (
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")),
            "digital-silk-road-forum",
        ),
    ] {
        let v = export_of(&root, slug);
        assert_eq!(v["@context"], "http://www.w3.org/ns/anno.jsonld");
        assert_eq!(v["type"], "AnnotationCollection");
        let items = v["first"]["items"].as_array().unwrap();
        assert_eq!(v["first"]["type"], "AnnotationPage");
        assert_eq!(v["total"].as_u64().unwrap() as usize, items.len());
        let site = build_site(&root).unwrap().site.unwrap();
        let page = String::from_utf8(site.files[&format!("{slug}/index.html")].clone()).unwrap();
        assert_eq!(
            items.len(),
            page.matches("<li id=\"note-").count(),
            "every note is exported"
        );
        assert!(page.contains(
            "<link rel=\"alternate\" type=\"application/ld+json\" href=\"annotations.jsonld\">"
        ));
        let text: Vec<char> = article_text(&root, slug).chars().collect();
        for item in items {
            assert_eq!(item["type"], "Annotation");
            assert!(item["id"].as_str().unwrap().starts_with("index.html#note-"));
            assert!(item["motivation"].is_string());
            assert_eq!(item["body"][0]["type"], "TextualBody");
            assert_eq!(item["body"][0]["format"], "text/html");
            let selectors = item["target"]["selector"].as_array().unwrap();
            let position = selectors
                .iter()
                .find(|s| s["type"] == "TextPositionSelector")
                .unwrap();
            let (start, end) = (
                position["start"].as_u64().unwrap() as usize,
                position["end"].as_u64().unwrap() as usize,
            );
            if let Some(quote) = selectors.iter().find(|s| s["type"] == "TextQuoteSelector") {
                let at: String = text[start..end].iter().collect();
                assert_eq!(at, quote["exact"].as_str().unwrap(), "{}", item["id"]);
                let before: String = text[..start].iter().collect();
                assert!(before.ends_with(quote["prefix"].as_str().unwrap()));
                let after: String = text[end..].iter().collect();
                assert!(after.starts_with(quote["suffix"].as_str().unwrap()));
            }
        }
    }
}

#[test]
fn import_writes_what_anchors_and_reports_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("valid/basic"), dir.path());
    let export = fixture("hypothesis/export.json");
    briefing()
        .current_dir(dir.path())
        .args(["import", "hypothesis"])
        .arg(&export)
        .args(["--briefing", "forum"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "Wrote 2 notes to content/forum/hypothesis.annotations.yaml",
        ))
        .stdout(predicate::str::contains("Skipped 1 page note and 1 reply"))
        .stderr(predicate::str::contains(
            "left out Zz0none: quote not found in the article",
        ));
    let yaml =
        std::fs::read_to_string(dir.path().join("content/forum/hypothesis.annotations.yaml"))
            .unwrap();
    assert!(
        yaml.contains("author: alice")
            && yaml.contains("date: \"2024-04-20\"")
            && yaml.contains("- dates"),
        "{yaml}"
    );
    // refuses to overwrite without --force
    briefing()
        .current_dir(dir.path())
        .args(["import", "hypothesis"])
        .arg(&export)
        .args(["--briefing", "forum"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pass --force"));
    // the next build shows the two notes (ids derived from the Hypothesis ids)
    let site = build_site(dir.path()).unwrap().site.expect("builds");
    let page = String::from_utf8(site.files["forum/index.html"].clone()).unwrap();
    assert!(page.contains("id=\"note-h-kx3fa1\""));
    assert!(page.contains("id=\"note-h-qr9zb2\""));
}

#[test]
fn import_never_writes_through_a_symbolic_link() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("valid/basic"), dir.path());
    let out = dir.path().join("content/forum/hypothesis.annotations.yaml");
    let elsewhere = dir.path().join("elsewhere.txt");
    std::os::unix::fs::symlink(&elsewhere, &out).unwrap();
    let import = |force: bool| {
        let mut cmd = briefing();
        cmd.current_dir(dir.path())
            .args(["import", "hypothesis"])
            .arg(fixture("hypothesis/export.json"))
            .args(["--briefing", "forum"]);
        if force {
            cmd.arg("--force");
        }
        cmd.assert().code(2)
    };
    // A dangling link is a link to refuse, not a place to create a file.
    import(false).stderr(predicate::str::contains("symbolic link"));
    assert!(!elsewhere.exists());
    import(true).stderr(predicate::str::contains("symbolic link"));
    assert!(!elsewhere.exists());
    std::fs::write(&elsewhere, "keep").unwrap();
    import(true).stderr(predicate::str::contains("symbolic link"));
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "keep");
}

/// The marked phrase of every note, by id: what a reader sees highlighted.
fn marked_phrases(page: &str) -> BTreeMap<String, String> {
    let doc = scraper::Html::parse_document(page);
    let marks = scraper::Selector::parse("mark[data-note]").unwrap();
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for m in doc.select(&marks) {
        let id = m.value().attr("data-note").unwrap().to_string();
        out.entry(id)
            .or_default()
            .push_str(&m.text().collect::<String>());
    }
    out
}

#[test]
fn round_trip_export_to_hypothesis_and_back_keeps_every_note_in_place() {
    let original = fixture("valid/basic");
    let exported = export_of(&original, "forum");
    let rows: Vec<Value> = exported["first"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|item| {
            let quote = item["target"]["selector"]
                .as_array()?
                .iter()
                .find(|s| s["type"] == "TextQuoteSelector")?
                .clone();
            let id = item["id"].as_str()?.trim_start_matches("index.html#note-");
            Some(json!({
                "id": id,
                "text": item["body"][0]["value"],
                "target": [{ "source": "https://example.org/forum", "selector": [quote] }],
            }))
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&original, dir.path());
    std::fs::write(dir.path().join("content/forum/annotations.yaml"), "[]\n").unwrap();
    let export_file = dir.path().join("h.json");
    std::fs::write(
        &export_file,
        serde_json::to_string(&json!({ "total": rows.len(), "rows": rows })).unwrap(),
    )
    .unwrap();
    briefing()
        .current_dir(dir.path())
        .args(["import", "hypothesis", "h.json", "--briefing", "forum"])
        .assert()
        .success();
    let page_of = |root: &std::path::Path| {
        let site = build_site(root).unwrap().site.expect("builds");
        String::from_utf8(site.files["forum/index.html"].clone()).unwrap()
    };
    let before = page_of(&original);
    let after = page_of(dir.path());
    assert_eq!(marked_phrases(&before), marked_phrases(&after));
    let refs = |page: &str| -> Vec<String> {
        page.match_indices("role=\"doc-noteref\" id=\"")
            .map(|(i, _)| page[i..i + 60].to_string())
            .collect()
    };
    assert_eq!(
        refs(&before),
        refs(&after),
        "same notes, same numbers, same order"
    );
}

/// A byte-order mark is skipped; an annotation with a field of the wrong type
/// is left out alone, named by its id and index; a `created` that is not a date
/// is not written out (it would break the next build).
#[test]
fn import_reads_what_it_can_and_names_what_it_cannot() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("valid/basic"), dir.path());
    let export = dir.path().join("h.json");
    let good = r#"{"id": "Good1", "created": "2024-99-99T00:00:00Z", "text": "Dated to 2015.", "target": [{"selector": [{"type": "TextQuoteSelector", "exact": "launched the DSR initiative in 2015", "prefix": "China ", "suffix": " to incorporate"}]}]}"#;
    let bad = r#"{"id": "Bad2", "text": "x", "tags": 5, "target": []}"#;
    std::fs::write(&export, format!("\u{feff}{{\"rows\": [{good}, {bad}]}}")).unwrap();
    briefing()
        .current_dir(dir.path())
        .args(["import", "hypothesis", "h.json", "--briefing", "forum"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("Wrote 1 note"))
        .stderr(predicate::str::contains(
            "left out Bad2: annotation #2 of the export is not one briefing can read: invalid type",
        ));
    let yaml =
        std::fs::read_to_string(dir.path().join("content/forum/hypothesis.annotations.yaml"))
            .unwrap();
    assert!(!yaml.contains("2024-99-99"), "{yaml}");
    let outcome = build_site(dir.path()).unwrap();
    assert!(outcome.site.is_some(), "{:?}", outcome.diagnostics);
}
