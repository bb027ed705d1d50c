//! `briefing fix` after the article was replaced by a reworded version: notes
//! that can be re-anchored with confidence get their new quote, and nothing else
//! in the YAML changes, byte for byte; the others are listed as lost.

use crate::common::*;
use predicates::prelude::*;

const ANNOTATIONS: &str = "content/vote/annotations.yaml";

#[test]
fn without_apply_it_only_reports() {
    let project = project_with_public("fix/reworded");
    let before = snapshot_tree(project.path());
    briefing()
        .current_dir(project.path())
        .arg("fix")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "content/vote/annotations.yaml:5:10: note `launch`: quote can be re-anchored (89% similar, content/vote/article.md:5)\n  - \"China launched the Digital Silk Road initiative in 2015\"\n  + \"China started the Digital Silk Road initiative in 2015\"\n",
        ))
        .stdout(predicate::str::contains(
            "3 quotes can be re-anchored: run `briefing fix --apply` to rewrite them; 3 notes lost",
        ));
    assert_eq!(before, snapshot_tree(project.path()), "nothing written");
}

#[test]
fn apply_rewrites_only_the_quotes_and_lists_the_lost_notes() {
    let project = project_with_public("fix/reworded");
    let public_before = snapshot_tree(&project.path().join("public"));
    let out = briefing()
        .current_dir(project.path())
        .args(["fix", "--apply"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("3 quotes re-anchored and rewritten in 1 file; 3 notes lost"),
        "{out}"
    );
    for lost in [
        "note `incorporate`: lost: quote \"to incorporate digital elements\"\n  why: no phrase of the article is at least 80% similar to the quote (the closest, \"to bring digital elements\", is 68%)",
        "note `data-flows`: lost: quote \"cross-border data flows\"",
        "note `vote`: lost: quote \"the delegate voted\"\n  why: 2 places are about as close",
    ] {
        assert!(out.contains(lost), "{lost:?} not in:\n{out}");
    }
    let expected = std::fs::read(fixture("fix/reworded/expected/annotations.yaml")).unwrap();
    let actual = std::fs::read(project.path().join(ANNOTATIONS)).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&actual),
        String::from_utf8_lossy(&expected),
        "only the three quote values change"
    );
    assert_eq!(actual, expected, "byte for byte");
    assert_eq!(public_before, snapshot_tree(&project.path().join("public")));

    // What is left for `check` is exactly the lost notes.
    let check = briefing()
        .current_dir(project.path())
        .args(["check", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&check).unwrap();
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "quote of note `incorporate` not found in the article",
            "quote of note `data-flows` not found in the article",
            "quote of note `vote` not found in the article",
        ]
    );

    // Running it again changes nothing more.
    briefing()
        .current_dir(project.path())
        .args(["fix", "--apply"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("3 notes lost"))
        .stdout(predicate::str::contains("re-anchored").not());
    assert_eq!(
        std::fs::read(project.path().join(ANNOTATIONS)).unwrap(),
        expected
    );
}

#[test]
fn a_higher_threshold_loses_more_and_moves_nothing() {
    let project = project_with_public("fix/reworded");
    let before = std::fs::read(project.path().join(ANNOTATIONS)).unwrap();
    briefing()
        .current_dir(project.path())
        .args(["fix", "--apply", "--min-similarity", "0.99"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("6 notes lost"));
    assert_eq!(
        std::fs::read(project.path().join(ANNOTATIONS)).unwrap(),
        before
    );
    briefing()
        .current_dir(project.path())
        .args(["fix", "--min-similarity", "1.5"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--min-similarity must be between 0 and 1",
        ));
}

#[test]
fn nothing_to_fix_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("valid/basic"), dir.path());
    briefing()
        .current_dir(dir.path())
        .args(["fix", "--apply"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "anchor exactly once; nothing to fix.",
        ));
}

#[test]
fn a_too_low_min_similarity_is_named_not_the_article() {
    let project = project_with_public("fix/reworded");
    briefing()
        .current_dir(project.path())
        .args(["fix", "--min-similarity", "0"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "--min-similarity 0 is too low to search for this quote",
        ))
        .stdout(predicate::str::contains("article is too long").not());
}

/// A file with a broken note of its own is read note by note; fix still shows
/// what it would re-anchor, but never rewrites that file.
#[test]
fn a_file_with_a_broken_note_is_not_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("fix/one-reworded"), dir.path());
    let notes = dir.path().join("content/vote/annotations.yaml");
    let mut text = std::fs::read_to_string(&notes).unwrap();
    text.push_str("\n- id: tally\n  quote: \"seven votes to two\"\n  kind: tally\n  note: x\n");
    std::fs::write(&notes, &text).unwrap();
    briefing()
        .current_dir(dir.path())
        .arg("fix")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "note `vote`: quote can be re-anchored",
        ));
    briefing()
        .current_dir(dir.path())
        .args(["fix", "--apply"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "the file has a mistake of its own (reported above); correct it and run fix again",
        ))
        .stdout(predicate::str::contains(
            "content/vote/annotations.yaml:11:9: error: `kind` cannot be `tally`",
        ));
    assert_eq!(
        std::fs::read_to_string(&notes).unwrap(),
        text,
        "file untouched"
    );
}
