//! The incremental build behind `serve`: after any sequence of edits, what it
//! rebuilds (only the touched briefings, from cached results of the others) is
//! exactly what a build from scratch produces.

use std::path::Path;

use crate::common::*;
use briefing::pipeline::{build_site, Incremental, Outcome, Scope};

fn assert_same(incremental: &Outcome, root: &Path, step: &str) {
    let full = build_site(root).unwrap();
    assert_eq!(
        incremental.diagnostics, full.diagnostics,
        "{step}: diagnostics"
    );
    match (&incremental.site, &full.site) {
        (Some(a), Some(b)) => {
            assert_eq!(a.files, b.files, "{step}: files");
            assert_eq!(
                (a.briefings, a.notes, a.terms),
                (b.briefings, b.notes, b.terms),
                "{step}: counts"
            );
        }
        (None, None) => {}
        _ => panic!("{step}: one build failed and the other did not"),
    }
}

fn rebuild(build: &mut Incremental, changed: &[&str]) -> Outcome {
    build
        .rebuild(&Scope::of(changed.iter().map(Path::new)))
        .unwrap()
}

#[test]
fn every_rebuild_equals_a_full_build() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("valid/basic"), dir.path());
    copy_tree(
        &fixture("check/one-word-changed/content/forum"),
        &dir.path().join("content/second"),
    );
    let root = dir.path();
    let mut build = Incremental::new(root);
    let first = build.build().unwrap();
    assert_same(&first, root, "first build");
    assert_eq!(build.rendered(), ["forum", "second"]);

    // A note edit re-renders its briefing only.
    let notes = root.join("content/forum/annotations.yaml");
    let text = std::fs::read_to_string(&notes).unwrap();
    std::fs::write(
        &notes,
        text.replace("Export controls", "Edited export controls"),
    )
    .unwrap();
    let out = rebuild(&mut build, &["content/forum/annotations.yaml"]);
    assert_eq!(build.rendered(), ["forum"]);
    assert_same(&out, root, "note edit");

    // Fixing the other briefing's quote.
    let second = root.join("content/second/annotations.yaml");
    let text = std::fs::read_to_string(&second).unwrap();
    std::fs::write(&second, text.replace("China started", "China launched")).unwrap();
    let out = rebuild(&mut build, &["content/second/annotations.yaml"]);
    assert_eq!(build.rendered(), ["second"]);
    assert!(out.site.is_some());
    assert_same(&out, root, "fixed quote");

    // A broken file, then the fix.
    std::fs::write(&second, "- id: [unclosed\n").unwrap();
    let out = rebuild(&mut build, &["content/second/annotations.yaml"]);
    assert!(out.site.is_none());
    assert_same(&out, root, "broken YAML");
    std::fs::write(&second, text.replace("China started", "China launched")).unwrap();
    assert_same(
        &rebuild(&mut build, &["content/second/annotations.yaml"]),
        root,
        "YAML fixed",
    );

    // The glossary affects every page.
    let glossary = root.join("content/glossary.yaml");
    let text = std::fs::read_to_string(&glossary).unwrap();
    std::fs::write(
        &glossary,
        text.replace("proposed in 2013", "first proposed in 2013"),
    )
    .unwrap();
    let out = rebuild(&mut build, &["content/glossary.yaml"]);
    assert_eq!(build.rendered(), ["forum", "second"]);
    assert_same(&out, root, "glossary edit");

    // ... but only the pages a glossary edit can reach: a term no page uses or
    // mentions re-renders nothing; a term one article mentions, that one.
    let text = std::fs::read_to_string(&glossary).unwrap();
    std::fs::write(
        &glossary,
        format!("{text}- id: accord\n  term: Zanzibar accord\n  definition: Not in any article.\n  sources: [{{title: T, publisher: P, date: 2024, url: \"https://example.org\"}}]\n"),
    )
    .unwrap();
    let out = rebuild(&mut build, &["content/glossary.yaml"]);
    assert_eq!(build.rendered(), Vec::<String>::new());
    assert_same(&out, root, "unused term added");
    // A term that pages name in a see-also link reaches those pages.
    let text = std::fs::read_to_string(&glossary).unwrap();
    std::fs::write(
        &glossary,
        text.replace(
            "term: World Internet Conference",
            "term: World Internet Conference (WIC)",
        ),
    )
    .unwrap();
    let out = rebuild(&mut build, &["content/glossary.yaml"]);
    assert_eq!(build.rendered(), ["forum", "second"]);
    assert_same(&out, root, "see-also term renamed");
    let text = std::fs::read_to_string(&glossary).unwrap();
    std::fs::write(
        &glossary,
        format!("{text}- id: cyber\n  term: cyber governance\n  definition: Rules for the internet.\n  sources: [{{title: T, publisher: P, date: 2024, url: \"https://example.org\"}}]\n"),
    )
    .unwrap();
    let out = rebuild(&mut build, &["content/glossary.yaml"]);
    assert_eq!(build.rendered(), ["second"]);
    assert_same(&out, root, "term added");
    // A term only a note mentions reaches that note's page.
    let text = std::fs::read_to_string(&glossary).unwrap();
    std::fs::write(
        &glossary,
        format!("{text}- id: mou\n  term: cooperation documents\n  definition: Signed agreements.\n  sources: [{{title: T, publisher: P, date: 2024, url: \"https://example.org\"}}]\n"),
    )
    .unwrap();
    let out = rebuild(&mut build, &["content/glossary.yaml"]);
    assert_eq!(build.rendered(), ["forum"]);
    assert_same(&out, root, "term only a note uses added");

    // A briefing removed, and one added.
    std::fs::remove_dir_all(root.join("content/second")).unwrap();
    assert_same(&rebuild(&mut build, &["content/second"]), root, "removed");
    briefing::scaffold::new_briefing(root, "third").unwrap();
    let out = rebuild(&mut build, &["content/third/article.md"]);
    assert_eq!(build.rendered(), ["third"]);
    assert_same(&out, root, "added");

    // Files the site is not built from change nothing.
    assert_eq!(Scope::of([Path::new("README.md")]), Scope::Nothing);
    assert_eq!(
        Scope::of([Path::new("content/forum/.annotations.yaml.swp")]),
        Scope::Nothing
    );
    assert_eq!(
        Scope::of([Path::new("templates/base.html")]),
        Scope::Everything
    );
    assert_eq!(
        Scope::of([Path::new("content/glossary.yaml")]),
        Scope::Glossary(Default::default())
    );
}
