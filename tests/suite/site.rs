//! The committed site's first briefing, checked as a reader and a fact-checker
//! would: every note reference has its endnote and way back, every glossary use
//! its definition, every link lands, the article is there word for word, and the
//! web-page debris of the source text is not.

use std::collections::BTreeSet;
use std::path::Path;

use briefing::pipeline::build_site;
use scraper::{ElementRef, Html, Selector};

const SLUG: &str = "digital-silk-road-forum";

/// Not article text: the related headline, photo caption, video titles, the
/// ownership line (kept as a disclosure note instead) and the cookie notice
/// (FACTS.md §1).
const DEBRIS: &[&str] = &[
    "Xi Jinping champions digital trade as China kicks off e-commerce expo",
    "speaks at the Digital Silk Road forum in Xian, Shaanxi province, on April 16, 2024. Photo: SCMP / Ben Jiang",
    "Chinese President Xi Jinping unveils 8-point vision for nation’s Belt and Road Initiative at forum",
    "Alibaba owns the South China Morning Post.",
    "This website uses cookies.",
];

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn page() -> (Html, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = build_site(root)
        .unwrap()
        .site
        .expect("the committed content builds");
    let html = String::from_utf8(site.files[&format!("{SLUG}/index.html")].clone()).unwrap();
    (Html::parse_document(&html), html)
}

/// Visible text of an element without the note numbers.
fn text_without_refs(e: ElementRef) -> String {
    let noteref = sel("a[role=doc-noteref]");
    e.descendants()
        .filter_map(|n| n.value().as_text().map(|t| (n, t)))
        .filter(|(n, _)| {
            !n.ancestors()
                .filter_map(ElementRef::wrap)
                .any(|a| noteref.matches(&a))
        })
        .map(|(_, t)| t.to_string())
        .collect()
}

#[test]
fn every_note_reference_has_an_endnote_and_a_way_back() {
    let (doc, _) = page();
    let refs: Vec<ElementRef> = doc.select(&sel("a[role=doc-noteref]")).collect();
    assert!(refs.len() >= 15, "{} notes", refs.len());
    let notes = doc
        .select(&sel("section[role=doc-endnotes] > ol > li"))
        .count();
    assert_eq!(refs.len(), notes);
    for (i, r) in refs.iter().enumerate() {
        assert_eq!(
            r.text().collect::<String>(),
            (i + 1).to_string(),
            "numbered in article order"
        );
        let target = r.value().attr("href").unwrap().trim_start_matches('#');
        let li = doc
            .select(&Selector::parse(&format!("li[id='{target}']")).unwrap())
            .next()
            .expect("endnote exists");
        let back = li
            .select(&sel("a[role=doc-backlink]"))
            .next()
            .expect("back-link");
        assert_eq!(
            back.value().attr("href").unwrap(),
            format!("#{}", r.value().attr("id").unwrap())
        );
        // The note cites its source in short, linking to the full entry.
        let cite = li
            .select(&sel(".src a[href^='#src-']"))
            .next()
            .unwrap_or_else(|| panic!("{target} cites a source"));
        let entry = cite.value().attr("href").unwrap().trim_start_matches('#');
        let entry = doc
            .select(&sel(&format!(".sources dd[id='{entry}']")))
            .next()
            .expect("the cited source is listed in Sources");
        assert!(
            entry.select(&sel("a[href^='http']")).next().is_some(),
            "{target}'s source has a link"
        );
        assert!(
            entry
                .select(&sel(&format!("a[href='#{target}']")))
                .next()
                .is_some(),
            "{target}'s source links back to it"
        );
    }
    let labels: BTreeSet<String> = doc
        .select(&sel("a[role=doc-backlink]"))
        .map(|a| a.text().collect::<String>())
        .collect();
    assert_eq!(
        labels.len(),
        notes,
        "back-links have unique accessible names"
    );
}

#[test]
fn glossary_terms_are_defined_and_linked() {
    let (doc, _) = page();
    let dfns: Vec<String> = doc
        .select(&sel("section[role=doc-glossary] dfn[id]"))
        .map(|d| d.value().attr("id").unwrap().to_string())
        .collect();
    assert!(dfns.len() >= 12, "{} terms", dfns.len());
    let linked: BTreeSet<String> = doc
        .select(&sel("a[role=doc-glossref]"))
        .map(|a| {
            a.value()
                .attr("href")
                .unwrap()
                .trim_start_matches('#')
                .to_string()
        })
        .collect();
    assert_eq!(
        dfns.iter().cloned().collect::<BTreeSet<_>>(),
        linked,
        "every term on the page is linked from the text"
    );
}

#[test]
fn every_fragment_resolves() {
    let (doc, _) = page();
    let ids: BTreeSet<&str> = doc
        .select(&sel("[id]"))
        .map(|e| e.value().attr("id").unwrap())
        .collect();
    for a in doc.select(&sel("a[href^='#']")) {
        let href = a.value().attr("href").unwrap();
        assert!(ids.contains(&href[1..]), "dangling link {href}");
    }
}

#[test]
fn the_article_is_there_word_for_word_without_debris() {
    let (doc, html) = page();
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/source")
            .join(format!("{SLUG}.txt")),
    )
    .unwrap();
    let body = doc
        .select(&sel(".article-body"))
        .next()
        .expect("article body");
    let paragraphs: Vec<String> = body.select(&sel("p")).map(text_without_refs).collect();
    // Each paragraph of the page is a line of the source, verbatim.
    for p in &paragraphs {
        assert!(
            source.lines().any(|l| l.trim() == p.trim()),
            "not verbatim from the source: {p}"
        );
    }
    // And every line of the source is on the page, unless it is debris.
    let headline = doc
        .select(&sel("h1"))
        .next()
        .unwrap()
        .text()
        .collect::<String>();
    for line in source.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let is_debris = DEBRIS.iter().any(|d| line.contains(d));
        let present = paragraphs.iter().any(|p| p.trim() == line) || headline == line;
        assert!(
            is_debris != present,
            "line {} on the page: {line}",
            if present { "should not be" } else { "missing" }
        );
    }
    let article_text: String = body.text().collect();
    for d in DEBRIS {
        assert!(!article_text.contains(d), "debris in the article: {d}");
    }
    assert!(
        html.contains("kind\">Disclosure") || html.contains("note-disclosure"),
        "ownership kept as a disclosure note"
    );
}

/// A correction becomes a fact-check (ClaimReview) when published, so only a false statement
/// (the participant count) is one; a spelling variant (Pingan for Ping An) is a clarification.
#[test]
fn corrections_are_notes_of_kind_correction() {
    let (doc, _) = page();
    let notes_of = |kind: &str| -> Vec<String> {
        doc.select(&sel(&format!("li.note-{kind}")))
            .map(|li| li.text().collect::<String>())
            .collect()
    };
    let corrections = notes_of("correction");
    assert!(
        corrections.iter().any(|c| c.contains("nearly 50")),
        "{corrections:?}"
    );
    assert!(
        !corrections.iter().any(|c| c.contains("Ping An")),
        "{corrections:?}"
    );
    let clarifications = notes_of("clarification");
    assert!(
        clarifications.iter().any(|c| c.contains("Ping An")),
        "{clarifications:?}"
    );
}
