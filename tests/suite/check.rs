//! `briefing check`: every problem at once, located in the style of rustc, as
//! text for people (colour only on a terminal, never with NO_COLOR) or as one
//! JSON document for editors and CI; exit 1 on errors; nothing written.

use crate::common::*;
use predicates::prelude::*;

fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(out)))
}

#[test]
fn a_quote_with_one_word_changed_is_located_and_the_real_phrase_suggested() {
    let project = project_with_public("check/one-word-changed");
    let before = snapshot_tree(&project.path().join("public"));
    for command in ["check", "build"] {
        briefing()
            .current_dir(project.path())
            .arg(command)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(
                "content/forum/annotations.yaml:10:10: error: quote of note `launch` not found in the article\n   |\n10 |   quote: \"China started the DSR initiative in 2015\"\n   |          ^\n   |\n  ::: content/forum/article.md:9:1\n   |\n 9 | China launched the DSR initiative in 2015 to incorporate digital elements into the\n   | ----------------------------------------- the nearest phrase, 85% similar\n   |\n   = help: did you mean \"China launched the DSR initiative in 2015\"? (content/forum/article.md:9, 85% similar)\n",
            ));
    }
    assert_eq!(
        before,
        snapshot_tree(&project.path().join("public")),
        "public/ untouched"
    );
}

#[test]
fn broken_yaml_is_located_by_check_too() {
    let project = project_with_public("invalid/yaml-syntax-error");
    let before = snapshot_tree(&project.path().join("public"));
    let out = briefing()
        .current_dir(project.path())
        .args(["check", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report = json(&out);
    let d = &report["diagnostics"][0];
    assert_eq!(d["file"], "content/b/annotations.yaml");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(10))
    );
    assert_eq!(before, snapshot_tree(&project.path().join("public")));
}

#[test]
fn json_report_has_every_field_and_the_counts() {
    let out = briefing()
        .args(["check", "--format", "json", "--root"])
        .arg(fixture("check/one-word-changed"))
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(out.stderr.is_empty(), "JSON mode prints nothing else");
    let report = json(&out.stdout);
    assert_eq!(report["version"], 1);
    assert_eq!(report["ok"], false);
    assert_eq!(report["errors"], 1);
    assert_eq!(report["warnings"], 0);
    let d = &report["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert!(d["file"]
        .as_str()
        .unwrap()
        .ends_with("content/forum/annotations.yaml"));
    assert_eq!(d["line"], 10);
    assert_eq!(d["column"], 10);
    assert_eq!(
        d["message"],
        "quote of note `launch` not found in the article"
    );
    assert!(d["help"]
        .as_str()
        .unwrap()
        .starts_with("did you mean \"China launched the DSR initiative in 2015\"?"));
    assert_eq!(
        d["snippet"],
        "  quote: \"China started the DSR initiative in 2015\""
    );
}

#[test]
fn warnings_alone_pass_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("valid/basic"), dir.path());
    let out = briefing()
        .current_dir(dir.path())
        .args(["check", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report = json(&out);
    assert_eq!(report["ok"], true);
    assert_eq!(report["errors"], 0);
    let warnings = report["warnings"].as_u64().unwrap();
    assert!(warnings > 0);
    assert!(report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["severity"] == "warning"));
    briefing()
        .current_dir(dir.path())
        .arg("check")
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "check passed: {warnings} warning"
        )));
    assert!(!dir.path().join("public").exists(), "check writes nothing");
}

/// Runs `briefing check` under a pseudo-terminal (util-linux `script`), where
/// colour is on unless NO_COLOR is set.
#[cfg(target_os = "linux")]
fn check_on_a_terminal(no_color: bool) -> Option<String> {
    let bin = assert_cmd::cargo::cargo_bin("briefing");
    let root = fixture("check/one-word-changed");
    let command = format!("{} check --root {}", bin.display(), root.display());
    let mut script = std::process::Command::new("script");
    script.args(["-qec", &command, "/dev/null"]);
    script.env_remove("NO_COLOR");
    if no_color {
        script.env("NO_COLOR", "1");
    }
    let out = script.output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(target_os = "linux")]
#[test]
fn colour_on_a_terminal_unless_no_color() {
    let Some(coloured) = check_on_a_terminal(false) else {
        eprintln!("skipped: no `script` command to make a terminal");
        return;
    };
    if !coloured.contains("quote of note") {
        eprintln!("skipped: `script` did not run the command: {coloured}");
        return;
    }
    assert!(coloured.contains("\x1b[1;31merror"), "{coloured:?}");
    let plain = check_on_a_terminal(true).unwrap();
    assert!(plain.contains("error: quote of note"), "{plain:?}");
    assert!(!plain.contains('\x1b'), "{plain:?}");
    // Not a terminal: plain.
    briefing()
        .env_remove("NO_COLOR")
        .args(["check", "--root"])
        .arg(fixture("check/one-word-changed"))
        .assert()
        .stderr(predicate::str::contains('\x1b').not());
}
