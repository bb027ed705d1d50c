//! What a new editor meets making a briefing from an unseen article (issue 14):
//! each test names the item of the issue it covers.

mod common;

use assert_cmd::Command;
use common::*;
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
