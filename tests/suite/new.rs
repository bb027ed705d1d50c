//! `briefing new SLUG`: a briefing folder to fill in, which builds as it is, and
//! which is never written over.

use crate::common::*;
use predicates::prelude::*;

#[test]
fn scaffolds_a_briefing_that_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("valid/basic"), dir.path());
    briefing()
        .current_dir(dir.path())
        .args(["new", "city-council-vote"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "created content/city-council-vote/article.md",
        ))
        .stdout(predicate::str::contains(
            "created content/city-council-vote/annotations.yaml",
        ));
    let article =
        std::fs::read_to_string(dir.path().join("content/city-council-vote/article.md")).unwrap();
    assert!(article.starts_with("---\ntitle: "));
    let notes = std::fs::read_to_string(
        dir.path()
            .join("content/city-council-vote/annotations.yaml"),
    )
    .unwrap();
    assert!(
        notes.contains("# - id: first-note"),
        "a commented example note"
    );
    briefing()
        .current_dir(dir.path())
        .args(["check", "--format", "json"])
        .assert()
        .success();

    // Uncommenting the example gives a note that anchors.
    let uncommented: String = notes
        .lines()
        .filter(|l| *l != "[]")
        .map(|l| {
            l.strip_prefix("# ")
                .filter(|_| l.starts_with("# -") || l.starts_with("#  "))
                .unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(
        dir.path()
            .join("content/city-council-vote/annotations.yaml"),
        uncommented,
    )
    .unwrap();
    briefing()
        .current_dir(dir.path())
        .arg("build")
        .assert()
        .success();
    let page =
        std::fs::read_to_string(dir.path().join("public/city-council-vote/index.html")).unwrap();
    assert!(page.contains("id=\"note-first-note\""));
}

#[test]
fn refuses_to_overwrite_and_refuses_bad_names() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("valid/basic"), dir.path());
    let article = dir.path().join("content/forum/article.md");
    let before = std::fs::read(&article).unwrap();
    briefing()
        .current_dir(dir.path())
        .args(["new", "forum"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("content/forum already exists"));
    assert_eq!(std::fs::read(&article).unwrap(), before);
    briefing()
        .current_dir(dir.path())
        .args(["new", "City Council"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("e.g. `city-council`"));
    for bad in ["../escape", "a/b", "-x"] {
        briefing()
            .current_dir(dir.path())
            .args(["new", bad])
            .assert()
            .code(2);
    }
    assert!(!dir.path().join("escape").exists());
}

#[test]
fn works_in_an_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    briefing()
        .current_dir(dir.path())
        .args(["new", "first"])
        .assert()
        .success();
    assert!(dir.path().join("content/first/article.md").is_file());
}
