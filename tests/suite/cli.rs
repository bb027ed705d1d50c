//! The command line as a user meets it: exit codes, located errors, and a
//! `public/` that a failed build leaves exactly as it was.

use crate::common::*;
use predicates::prelude::*;

/// Runs `build` on an invalid fixture: exit 1, the expected located message, public/ untouched.
fn fails_with(case: &str, location: &str, message: &str) {
    let project = project_with_public(&format!("invalid/{case}"));
    let before = snapshot_tree(&project.path().join("public"));
    let out = briefing()
        .current_dir(project.path())
        .arg("build")
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!("{location}: error: {message}")),
        "expected `{location}: error: {message}` in:\n{stderr}"
    );
    assert!(stderr.contains("help: "), "no help line in:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        before,
        snapshot_tree(&project.path().join("public")),
        "public/ changed"
    );
}

#[test]
fn quote_not_found_suggests_the_real_phrase() {
    fails_with(
        "quote-not-found",
        "content/b/annotations.yaml:2:10",
        "quote of note `launch` not found in the article",
    );
    let project = project_with_public("invalid/quote-not-found");
    briefing()
        .current_dir(project.path())
        .arg("build")
        .assert()
        .stderr(predicate::str::contains(
            "did you mean \"China launched the DSR initiative in 2015\"? (content/b/article.md:4",
        ));
}

#[test]
fn quote_found_twice_lists_both_places() {
    fails_with(
        "quote-found-twice",
        "content/b/annotations.yaml:2:10",
        "quote of note `grew` is ambiguous",
    );
    let project = project_with_public("invalid/quote-found-twice");
    briefing()
        .current_dir(project.path())
        .arg("build")
        .assert()
        .stderr(predicate::str::contains(
            "content/b/article.md:6: add `suffix: \".\"`",
        ))
        .stderr(predicate::str::contains(
            "content/b/article.md:6: add `prefix: \"grew. \"`",
        ));
}

#[test]
fn quote_spanning_two_paragraphs() {
    fails_with(
        "quote-spans-paragraphs",
        "content/b/annotations.yaml:2:10",
        "quote of note `across` runs across two paragraphs",
    );
}

#[test]
fn unknown_kind() {
    fails_with(
        "unknown-kind",
        "content/b/annotations.yaml:3:9",
        "`kind` cannot be `contxt`",
    );
}

#[test]
fn unknown_key_is_a_typo_not_ignored() {
    fails_with(
        "unknown-key",
        "content/b/annotations.yaml:2:3",
        "unknown key `qoute`",
    );
}

#[test]
fn duplicate_note_id() {
    fails_with(
        "duplicate-note-id",
        "content/b/annotations.yaml:6:7",
        "duplicate note id `launch`",
    );
}

#[test]
fn unknown_see_also_id() {
    fails_with(
        "unknown-see-also",
        "content/glossary.yaml:5:14",
        "`see_also` names `bri`",
    );
}

#[test]
fn yaml_syntax_error_points_at_the_unclosed_quote() {
    fails_with(
        "yaml-syntax-error",
        "content/b/annotations.yaml:2:10",
        "this quoted text has no closing quote",
    );
}

#[test]
fn a_key_one_space_too_deep_is_an_indentation_error_on_its_own_line() {
    fails_with(
        "indentation-key-too-deep",
        "content/b/annotations.yaml:4:4",
        "wrong indentation: `note:` starts in column 4, expected column 3",
    );
}

#[test]
fn a_key_between_two_columns_is_an_indentation_error_on_its_own_line() {
    fails_with(
        "indentation-key-between-columns",
        "content/b/annotations.yaml:7:6",
        "wrong indentation: `publisher:` starts in column 6, expected column 7",
    );
}

#[test]
fn missing_article() {
    fails_with(
        "missing-article",
        "content/b/article.md",
        "missing article.md",
    );
}

#[test]
fn file_that_is_not_utf8() {
    fails_with(
        "not-utf8",
        "content/b/annotations.yaml:4:13",
        "file is not valid UTF-8",
    );
}

#[test]
fn build_keeps_foreign_files_and_removes_only_its_own() {
    let project = project_with_public("valid/basic");
    let public = project.path().join("public");
    std::fs::create_dir_all(public.join(".git")).unwrap();
    std::fs::write(public.join(".git/HEAD"), "ref: refs/heads/main").unwrap();
    briefing()
        .current_dir(project.path())
        .arg("build")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Built 1 briefing (8 notes, 3 glossary terms)",
        ));
    assert_eq!(
        std::fs::read_to_string(public.join("CNAME")).unwrap(),
        "briefings.example.org"
    );
    assert!(public.join(".git/HEAD").exists());
    assert!(
        !public.join("old").exists(),
        "a page of an earlier build is removed"
    );
    assert!(public.join("forum/index.html").exists());
}

#[test]
fn builds_are_byte_identical() {
    let project = project_with_public("valid/basic");
    let out = |name: &str| {
        let path = project.path().join(name);
        briefing()
            .current_dir(project.path())
            .args(["build", "--quiet", "--output"])
            .arg(&path)
            .assert()
            .success()
            .stdout("");
        snapshot_tree(&path)
    };
    assert_eq!(out("one"), out("two"));
}

#[test]
fn refuses_to_overwrite_a_file_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("valid/basic"), dir.path());
    std::fs::create_dir_all(dir.path().join("public")).unwrap();
    std::fs::write(dir.path().join("public/index.html"), "hand-made").unwrap();
    briefing()
        .current_dir(dir.path())
        .arg("build")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "refusing to overwrite public/index.html",
        ));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("public/index.html")).unwrap(),
        "hand-made"
    );
}

#[test]
fn refuses_dangerous_output_folders() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("valid/basic"), dir.path());
    for output in ["/", ".", "content/out", ".."] {
        briefing()
            .current_dir(dir.path())
            .args(["build", "--output", output])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("refusing to write the site"));
    }
}

#[test]
fn no_content_folder_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["build", "check"] {
        briefing()
            .current_dir(dir.path())
            .arg(command)
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains("no content directory")
                    .and(predicate::str::contains("--root"))
                    .and(predicate::str::contains("`briefing init .`")),
            );
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn check_reports_warnings_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("valid/basic"), dir.path());
    briefing()
        .current_dir(dir.path())
        .arg("check")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: quote of note `blockades` matches only after typographic folding",
        ))
        .stderr(predicate::str::contains("check passed: 2 warnings"));
    assert!(!dir.path().join("public").exists());
}

#[test]
fn help_and_version() {
    briefing()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("briefing "));
    briefing()
        .args(["build", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--output"))
        .stdout(predicate::str::contains("Examples:"));
}

/// `briefing build` of `valid/basic` with one template of its own, `name`:
/// it must fail, saying `expected` on standard error.
fn build_fails_with_template(name: &str, text: &str, expected: &str) {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("valid/basic"), dir.path());
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(dir.path().join("templates").join(name), text).unwrap();
    briefing()
        .current_dir(dir.path())
        .arg("build")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(expected));
}

#[test]
fn template_errors_name_the_file_and_line() {
    build_fails_with_template(
        "briefing.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<p>{{ title }</p>\n{% endblock content %}\n",
        "templates/briefing.html:3:13: error: template error: expected",
    );
}

/// Templates are parsed side by side and their inheritance checked once all are
/// in; a missing parent is still blamed on the template that names it.
#[test]
fn a_template_extending_a_missing_one_is_named() {
    build_fails_with_template(
        "topic.html",
        "{% extends \"page.html\" %}\n{% block content %}x{% endblock content %}\n",
        "templates/topic.html: error: template error: Template 'topic.html' is inheriting from 'page.html'",
    );
}

/// Pages depend on the project's files alone: a template cannot read the
/// environment, which no build cache key could follow.
#[test]
fn templates_cannot_read_the_environment() {
    build_fails_with_template(
        "404.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ get_env(name=\"HOME\") }}{% endblock content %}\n",
        "templates/404.html: error: template error: `get_env` is not available",
    );
}

#[test]
fn assets_in_subfolders_are_copied_and_stray_yaml_is_named() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("valid/basic"), dir.path());
    let forum = dir.path().join("content/forum");
    std::fs::create_dir_all(forum.join("images")).unwrap();
    std::fs::write(forum.join("images/map.svg"), "<svg/>").unwrap();
    std::fs::write(forum.join("notes.yaml"), "- id: x\n").unwrap();
    briefing()
        .current_dir(dir.path())
        .arg("build")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "content/forum/notes.yaml: warning: notes.yaml is not read",
        ));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("public/forum/images/map.svg")).unwrap(),
        "<svg/>"
    );
}

#[test]
fn a_long_build_shows_progress_on_a_terminal_only() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..60 {
        let b = dir.path().join(format!("content/b{i}"));
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(
            b.join("article.md"),
            format!("---\ntitle: Briefing {i}\n---\nText {i}.\n"),
        )
        .unwrap();
    }
    let bin = assert_cmd::cargo::cargo_bin("briefing");
    // `script` gives the command a terminal.
    let on_terminal = std::process::Command::new("script")
        .current_dir(dir.path())
        .args([
            "-qec",
            &format!("{} build --output out1", bin.display()),
            "/dev/null",
        ])
        .output()
        .unwrap();
    let seen = String::from_utf8_lossy(&on_terminal.stdout);
    assert!(
        seen.contains("/60 briefings"),
        "no progress bar in {seen:?}"
    );
    let piped = briefing()
        .current_dir(dir.path())
        .args(["build", "--output", "out2"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&piped.stderr).contains("/60 briefings"));
}
