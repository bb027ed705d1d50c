//! What a new editor meets making a briefing from an unseen article (issue 14):
//! each test names the item of the issue it covers.

use crate::common::*;
use assert_cmd::Command;
use predicates::prelude::*;

fn briefing() -> Command {
    let mut cmd = Command::cargo_bin("briefing").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Item 7: a dry run with a quote still to re-anchor is not "every note anchors".
#[test]
fn fix_dry_run_with_proposals_exits_one_and_apply_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("fix/one-reworded"), dir.path());
    briefing()
        .current_dir(dir.path())
        .arg("fix")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("1 quote can be re-anchored"));
    briefing()
        .current_dir(dir.path())
        .args(["fix", "--apply"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("1 quote re-anchored"));
    briefing()
        .current_dir(dir.path())
        .arg("fix")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("nothing to fix"));
    briefing()
        .args(["fix", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "0 every note anchors (after --apply, if given), 1 some quotes do not match:\nproposals not yet applied",
        ));
}

/// Item 10: the three shapes a Hypothesis export comes in import alike.
#[test]
fn hypothesis_api_client_and_list_exports_import_alike() {
    let mut written = Vec::new();
    for shape in ["export.json", "client-export.json", "list.json"] {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&fixture("valid/basic"), dir.path());
        briefing()
            .current_dir(dir.path())
            .args(["import", "hypothesis"])
            .arg(fixture(&format!("hypothesis/{shape}")))
            .args(["--briefing", "forum"])
            .assert()
            .code(1)
            .stdout(predicate::str::contains(
                "Wrote 2 notes to content/forum/hypothesis.annotations.yaml",
            ));
        written.push(
            std::fs::read_to_string(dir.path().join("content/forum/hypothesis.annotations.yaml"))
                .unwrap(),
        );
    }
    assert_eq!(written[0], written[1]);
    assert_eq!(written[0], written[2]);
}

/// Item 5: `new --from` fills the front matter from the header lines and escapes
/// the text so that nothing in it turns into markup.
#[test]
fn new_from_a_saved_text_renders_exactly_as_it_reads() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("valid/basic"), dir.path());
    briefing()
        .current_dir(dir.path())
        .args(["new", "ferry", "--from"])
        .arg(fixture("source/pasted-notice.txt"))
        .assert()
        .success()
        .stdout(predicate::str::contains("created content/ferry/article.md"));
    let article = std::fs::read_to_string(dir.path().join("content/ferry/article.md")).unwrap();
    for line in [
        "title: \"Ferry timetable changes from Monday\"",
        "date: 2025-03-03",
        "  publisher: \"Example Harbour Notices\"",
        "  url: \"https://example.org/notices/ferry-timetable\"",
        "  published: 2025-03-03",
    ] {
        assert!(
            article.lines().any(|l| l.starts_with(line)),
            "{line:?} not in:\n{article}"
        );
    }
    let site = briefing::pipeline::build_site(dir.path()).unwrap();
    let site = site.site.expect("the new briefing builds");
    let page = String::from_utf8(site.files["ferry/index.html"].clone()).unwrap();
    let start = page.find("<div class=\"article-body\">").unwrap();
    let body = &page[start..start + page[start..].find("</div>").unwrap()];
    for markup in [
        "<h2",
        "<h3",
        "<ol",
        "<ul",
        "<em",
        "<hr",
        "<blockquote",
        "<monthly",
    ] {
        assert!(!body.contains(markup), "{markup} in the page");
    }
    for text in [
        "the *early* ferry",
        "1. The first change",
        "- Passengers with &lt;monthly&gt; passes",
        "# Tickets cost 4 &amp; 5 euros; see [the board] or call C:\\ferries\\",
        "---",
        "###",
    ] {
        assert!(body.contains(text), "{text:?} not in the page");
    }
    // The folder is never overwritten, and a missing file leaves no folder behind.
    briefing()
        .current_dir(dir.path())
        .args(["new", "ferry", "--from", "missing.txt"])
        .assert()
        .code(2);
    briefing()
        .current_dir(dir.path())
        .args(["new", "other", "--from", "missing.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.txt"));
    assert!(!dir.path().join("content/other").exists());
}
