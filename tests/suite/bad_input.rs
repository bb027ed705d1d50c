//! Hostile and broken input: every case ends in a clear, located message and a
//! non-zero exit, never a panic, and leaves `public/` exactly as it was. Inputs
//! that are awkward but valid (CRLF, a byte-order mark, emoji, right-to-left
//! text, combining accents) must simply work.
//!
//! The committed cases are the folders of `tests/fixtures/invalid/` (their exact
//! messages are insta snapshots, see `tests/suite/fixtures.rs`); the cases here are
//! generated because they are huge, binary, or about the filesystem.

use std::path::Path;
use std::process::Output;

use crate::common::*;
use assert_cmd::Command;

fn briefing(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("briefing").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const ARTICLE: &str = "---\ntitle: T\n---\nChina launched the DSR initiative in 2015 to incorporate digital elements.\n";

fn note(quote: &str) -> String {
    format!(
        "- id: n\n  quote: {quote:?}\n  kind: context\n  note: A note.\n  sources: [{{title: T, publisher: P, date: 2025-01, url: \"https://example.org\"}}]\n"
    )
}

/// A scratch project with one briefing `b` and an earlier build in public/.
fn project(article: &str, annotations: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let b = dir.path().join("content/b");
    std::fs::create_dir_all(&b).unwrap();
    std::fs::write(b.join("article.md"), article).unwrap();
    std::fs::write(b.join("annotations.yaml"), annotations).unwrap();
    briefing(dir.path())
        .args(["build", "--quiet"])
        .assert()
        .success();
    dir
}

fn fails_cleanly(dir: &Path, args: &[&str], code: i32, expected: &str) {
    let before = snapshot_tree(&dir.join("public"));
    let out = briefing(dir).args(args).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(err.contains(expected), "expected `{expected}` in:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(
        before,
        snapshot_tree(&dir.join("public")),
        "public/ changed"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
}

#[test]
fn every_invalid_fixture_fails_located_and_leaves_public_alone() {
    let mut names: Vec<_> = std::fs::read_dir(fixture("invalid"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.len() >= 25, "{} cases", names.len());
    for name in names {
        let project = project_with_public(&format!("invalid/{}", name.to_string_lossy()));
        let before = snapshot_tree(&project.path().join("public"));
        let out = briefing(project.path()).arg("build").output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{name:?}: {err}");
        assert!(
            err.contains("content/") && err.contains(": error: "),
            "{name:?} not located: {err}"
        );
        assert!(err.contains("help: "), "{name:?} gives no help: {err}");
        assert!(!err.contains("panicked"), "{name:?}: {err}");
        assert_eq!(
            before,
            snapshot_tree(&project.path().join("public")),
            "{name:?} changed public/"
        );
    }
}

#[test]
fn crlf_line_endings_and_a_byte_order_mark_work() {
    let article = format!("\u{feff}{}", ARTICLE.replace('\n', "\r\n"));
    let dir = project(
        &article,
        &format!("\u{feff}{}", note("launched the DSR").replace('\n', "\r\n")),
    );
    let page = std::fs::read_to_string(dir.path().join("public/b/index.html")).unwrap();
    assert!(page.contains("data-note=\"n\">launched the DSR</mark>"));
}

#[test]
fn emoji_right_to_left_combining_and_zero_width_text_anchor() {
    let article =
        "---\ntitle: T\n---\nA 🙂 smile, نص عربي here, cafe\u{301} au lait, zero\u{200b}width.\n";
    for quote in ["🙂 smile", "نص عربي", "caf\u{e9} au", "zerowidth"] {
        let dir = project(article, &note(quote));
        assert!(dir.path().join("public/b/index.html").exists(), "{quote}");
    }
}

#[test]
fn a_quote_of_one_character_is_ambiguous_not_guessed() {
    let dir = project(ARTICLE, &note("launched"));
    std::fs::write(dir.path().join("content/b/annotations.yaml"), note("i")).unwrap();
    fails_cleanly(dir.path(), &["build"], 1, "quote of note `n` is ambiguous");
}

#[test]
fn symlinks_in_content_are_refused() {
    let dir = project(ARTICLE, &note("launched"));
    std::os::unix::fs::symlink(dir.path().join("content"), dir.path().join("content/loop"))
        .unwrap();
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("content/b/passwd.txt")).unwrap();
    fails_cleanly(
        dir.path(),
        &["build"],
        1,
        "content/loop: error: symbolic links are not followed",
    );
    fails_cleanly(
        dir.path(),
        &["build"],
        1,
        "content/b/passwd.txt: error: symbolic links are not followed",
    );
}

#[test]
fn dangerous_or_unwritable_outputs_are_refused() {
    let dir = project(ARTICLE, &note("launched"));
    for output in ["/", ".", "..", "content", "content/b/public", "templates/x"] {
        fails_cleanly(
            dir.path(),
            &["build", "--output", output],
            2,
            "refusing to write the site",
        );
    }
    // A place no one may write, not even root.
    fails_cleanly(
        dir.path(),
        &["build", "--output", "/proc/briefing-test/public"],
        2,
        "/proc/briefing-test",
    );
}

#[test]
fn a_full_disk_leaves_public_as_it_was() {
    let dir = project(ARTICLE, &note("launched"));
    std::fs::write(
        dir.path().join("content/b/annotations.yaml"),
        note("launched the DSR"),
    )
    .unwrap();
    // Files larger than 1 KiB cannot be written: every page write fails (EFBIG).
    let before = snapshot_tree(&dir.path().join("public"));
    let bin = assert_cmd::cargo::cargo_bin("briefing");
    let out = std::process::Command::new("bash")
        .current_dir(dir.path())
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 1; exec {} build",
            bin.display()
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("error: "), "{}", stderr(&out));
    assert_eq!(before, snapshot_tree(&dir.path().join("public")));
}

#[test]
fn huge_inputs_finish() {
    // A 50 MB article, 100,000 notes, and Markdown nested 10,000 levels deep.
    let mut big = String::from("---\ntitle: Big\n---\n");
    let paragraph =
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. ";
    while big.len() < 50_000_000 {
        big.push_str(&paragraph.repeat(12));
        big.push_str("\n\n");
    }
    big.push_str("The unique closing phrase.\n");
    let dir = project(&big, &note("unique closing phrase"));
    assert!(
        dir.path()
            .join("public/b/index.html")
            .metadata()
            .unwrap()
            .len()
            > 50_000_000
    );

    let mut article = String::from("---\ntitle: Many\n---\n");
    let mut notes = String::new();
    for i in 0..100_000 {
        article.push_str(&format!("Item w{i}x is here. "));
        if i % 50 == 49 {
            article.push_str("\n\n");
        }
        notes.push_str(&format!("- {{id: n{i}, quote: \"w{i}x\", kind: context, note: N., sources: [{{title: T, publisher: P, date: 2025, url: \"https://e.org\"}}]}}\n"));
    }
    let dir = project(&article, &notes);
    let page = std::fs::read_to_string(dir.path().join("public/b/index.html")).unwrap();
    assert_eq!(
        page.matches("<a role=\"doc-noteref\" id=\"ref-").count(),
        100_000
    );

    let deep = format!(
        "---\ntitle: Deep\n---\n{} deep launched text\n",
        ">".repeat(10_000)
    );
    project(&deep, &note("deep launched text"));
}

#[test]
fn ctrl_c_during_a_build_leaves_public_as_it_was() {
    // Big enough that a debug build takes seconds, so the signal lands mid-build.
    let mut big = String::from("---\ntitle: Big\n---\n");
    while big.len() < 30_000_000 {
        big.push_str(&"Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(12));
        big.push_str("\n\n");
    }
    big.push_str("The unique closing phrase.\n");
    let dir = project(ARTICLE, &note("launched the DSR"));
    std::fs::write(dir.path().join("content/b/article.md"), big).unwrap();
    std::fs::write(
        dir.path().join("content/b/annotations.yaml"),
        note("unique closing phrase"),
    )
    .unwrap();
    let before = snapshot_tree(&dir.path().join("public"));
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("briefing"))
        .current_dir(dir.path())
        .arg("build")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(
        err.contains("interrupted; the output was left as it was"),
        "{err}"
    );
    assert_eq!(before, snapshot_tree(&dir.path().join("public")));
    let staging = std::fs::read_dir(dir.path()).unwrap().filter(|e| {
        e.as_ref()
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("staging")
    });
    assert_eq!(staging.count(), 0);
}

/// A project whose notes file is replaced, after a good first build, by `notes`.
fn project_with_notes(notes: &str) -> tempfile::TempDir {
    let dir = project(ARTICLE, &note("launched the DSR initiative"));
    std::fs::write(dir.path().join("content/b/annotations.yaml"), notes).unwrap();
    dir
}

#[test]
fn a_flat_alias_bomb_is_refused_at_its_place() {
    // One 1 MB text aliased 1,000 times: a 1 MB file that would expand to 1 GB.
    let mut notes = format!(
        "- id: a\n  quote: &big \"{}\"\n  kind: context\n  note: n\n",
        "x".repeat(1_000_000)
    );
    for i in 0..1_000 {
        notes.push_str(&format!(
            "- id: n{i}\n  quote: *big\n  kind: context\n  note: n\n"
        ));
    }
    let dir = project_with_notes(&notes);
    fails_cleanly(dir.path(), &["check"], 1, "content/b/annotations.yaml:");
    let out = briefing(dir.path()).arg("check").output().unwrap();
    let err = stderr(&out);
    assert!(err.contains("expands to too much"), "{err}");
    assert!(
        err.lines().next().unwrap().contains("annotations.yaml:") && err.contains(": error: "),
        "{err}"
    );
}

#[test]
fn an_occurrence_that_is_not_a_count_gets_a_help_about_occurrences() {
    for (value, what) in [
        ("-1", "negative"),
        ("\"2\"", "not a number"),
        ("1.5", "not a whole number"),
        ("0", "counted from 1"),
    ] {
        let notes = format!(
            "- id: n\n  quote: \"launched\"\n  occurrence: {value}\n  kind: context\n  note: A note.\n"
        );
        let dir = project_with_notes(&notes);
        fails_cleanly(
            dir.path(),
            &["check"],
            1,
            "content/b/annotations.yaml:3:15: error: `occurrence` is",
        );
        let err = stderr(&briefing(dir.path()).arg("check").output().unwrap());
        assert!(err.contains(what), "{value}: {err}");
        assert!(
            err.contains("help: write a whole number from 1 up"),
            "{value}: {err}"
        );
    }
}

#[test]
fn yaml_mistakes_are_reported_where_they_are() {
    // A second document: at its `---` line.
    let dir = project_with_notes(&format!("{}---\n{}", note("launched"), note("DSR")));
    fails_cleanly(
        dir.path(),
        &["check"],
        1,
        "content/b/annotations.yaml:6:1: error: more than one YAML document",
    );
    // A NUL byte on line 2: on line 2, named.
    let dir = project_with_notes(
        "- id: n\n  quote: \"launched\u{0}\"\n  kind: context\n  note: A note.\n",
    );
    fails_cleanly(dir.path(), &["check"], 1, "content/b/annotations.yaml:2:");
    let err = stderr(&briefing(dir.path()).arg("check").output().unwrap());
    assert!(err.contains("U+0000"), "{err}");
    // An empty site.yaml is not told to write a list.
    let dir = project(ARTICLE, &note("launched the DSR initiative"));
    std::fs::write(dir.path().join("content/site.yaml"), "# to do\n").unwrap();
    fails_cleanly(
        dir.path(),
        &["check"],
        1,
        "content/site.yaml:1:1: error: the YAML document is empty",
    );
    let err = stderr(&briefing(dir.path()).arg("check").output().unwrap());
    assert!(err.contains("title:") && !err.contains("[]"), "{err}");
}

#[test]
fn control_characters_from_user_files_are_printed_escaped() {
    // ESC and BEL in the article, shown as the phrase nearest to a lost quote.
    let article =
        "---\ntitle: T\n---\nChina \u{1b}]0;pwned\u{7} launched the DSR initiative in 2015.\n";
    let dir = project(article, &note("launched the DSR"));
    std::fs::write(
        dir.path().join("content/b/annotations.yaml"),
        "- id: n\n  quote: \"\\e[2J launched the DSR initiative in 2016\"\n  kind: context\n  note: A note.\n",
    )
    .unwrap();
    // ESC and BEL in a YAML value that a message quotes.
    std::fs::write(
        dir.path().join("content/glossary.yaml"),
        "- id: dsr\n  term: DSR\n  definition: D.\n  see_also: [\"\\e]0;pwned\\a\"]\n",
    )
    .unwrap();
    for format in ["human", "json"] {
        let out = briefing(dir.path())
            .args(["check", "--format", format])
            .output()
            .unwrap();
        let printed = format!("{}{}", stderr(&out), String::from_utf8_lossy(&out.stdout));
        assert_eq!(out.status.code(), Some(1), "{printed}");
        assert!(
            !printed.contains('\u{1b}') && !printed.contains('\u{7}'),
            "raw control characters printed: {printed:?}"
        );
        if format == "human" {
            assert!(
                printed.contains("\\u{1b}") && printed.contains("\\u{7}"),
                "{printed}"
            );
        }
    }
}

#[test]
fn article_html_cannot_forge_a_note_or_a_glossary_link() {
    let article = format!(
        "{ARTICLE}\n<div id=\"note-n1\" class=\"note-correction\" role=\"doc-endnote\">FAKE NOTE</div>\n\n<p>A <a role=\"doc-glossref\" id=\"use-x\" data-note=\"n\" href=\"#term-x\">t</a>.</p>\n"
    );
    let dir = project(&article, &note("launched"));
    let page = std::fs::read_to_string(dir.path().join("public/b/index.html")).unwrap();
    let html = scraper::Html::parse_document(&page);
    let count = |css: &str| html.select(&scraper::Selector::parse(css).unwrap()).count();
    // Exactly the real note and its reference, nothing borrowed by the article.
    assert_eq!(count("#note-n"), 1, "{page}");
    assert_eq!(
        count("#note-n1, #use-x, .note-correction, [role=doc-glossref], [role=doc-endnote]"),
        0
    );
    assert_eq!(count("mark[data-note]"), 1);
    assert_eq!(count("a[role=doc-noteref]#ref-n"), 1);
    assert!(page.contains("FAKE NOTE"), "the text itself stays, as text");
}

/// Writes `count` assets into briefing `b`, each saying which version it is.
fn write_assets(dir: &Path, count: usize, version: &str) {
    let assets = dir.join("content/b/files");
    std::fs::create_dir_all(&assets).unwrap();
    for i in 0..count {
        std::fs::write(
            assets.join(format!("f{i}.txt")),
            format!("{version} {i}\n").repeat(40),
        )
        .unwrap();
    }
}

/// SIGKILL at random points of a build: half the runs anywhere in it, half
/// just after the switch began (the journal appeared), when files are being
/// moved in. After the next build's recovery, public/ is exactly the old site
/// or exactly the new one, and a build after that succeeds.
#[test]
fn a_build_killed_at_random_points_never_leaves_a_mixed_site() {
    const ASSETS: usize = 300;
    const RUNS: u64 = 10;
    let dir = project(ARTICLE, &note("launched"));
    let public = dir.path().join("public");
    let journal = public.join(".briefing/journal.json");
    let build = || {
        briefing(dir.path())
            .args(["build", "--quiet"])
            .output()
            .unwrap()
    };
    // Both versions of the site, and how long a build of one takes.
    write_assets(dir.path(), ASSETS, "one");
    assert!(build().status.success());
    let one = snapshot_tree(&public);
    write_assets(dir.path(), ASSETS, "two");
    let started = std::time::Instant::now();
    assert!(build().status.success());
    let took = started.elapsed();
    let two = snapshot_tree(&public);
    let mut rng = 0x2545_f491_4f6c_dd1d_u64;
    let mut random = move |below: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % below
    };
    let (mut rolled_back, mut old_sites, mut new_sites) = (0, 0, 0);
    for run in 0..RUNS {
        let (old, new, version) = if run % 2 == 0 {
            (&two, &one, "one")
        } else {
            (&one, &two, "two")
        };
        write_assets(dir.path(), ASSETS, version);
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("briefing"))
            .current_dir(dir.path())
            .args(["build", "--quiet"])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        if run % 4 < 2 {
            std::thread::sleep(took.mul_f64(0.2 + random(1000) as f64 / 1000.0));
        } else {
            let deadline = std::time::Instant::now() + took * 20;
            while !journal.exists() && std::time::Instant::now() < deadline {
                std::thread::sleep(std::time::Duration::from_micros(50));
            }
            std::thread::sleep(std::time::Duration::from_micros(random(8000)));
        }
        let _ = child.kill();
        child.wait().unwrap();
        // Recovery happens before anything is read; a broken site.yaml then
        // stops this build, so public/ shows what recovery left.
        std::fs::write(dir.path().join("content/site.yaml"), "title: [").unwrap();
        let out = build();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        rolled_back += stderr(&out).contains("put the previous site back") as usize;
        let after = snapshot_tree(&public);
        if &after == old {
            old_sites += 1;
        } else if &after == new {
            new_sites += 1;
        } else {
            let mixed: Vec<_> = after
                .iter()
                .filter(|(p, b)| old.get(*p) != Some(b) && new.get(*p) != Some(b))
                .map(|(p, _)| p)
                .take(5)
                .collect();
            panic!("run {run}: a mix of both sites, e.g. {mixed:?}");
        }
        std::fs::remove_file(dir.path().join("content/site.yaml")).unwrap();
        assert!(build().status.success(), "the build after recovery");
        assert_eq!(&snapshot_tree(&public), new);
    }
    eprintln!(
        "{RUNS} kills: {old_sites} left the old site, {new_sites} the new one; {rolled_back} rolled back a half-done switch"
    );
}

/// Two builds into one output at once: the second waits for the first, and
/// the result is the site, whole.
#[test]
fn concurrent_builds_into_one_output_do_not_mix() {
    let dir = project(ARTICLE, &note("launched"));
    write_assets(dir.path(), 200, "one");
    let spawn = || {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("briefing"))
            .current_dir(dir.path())
            .args(["build", "--quiet"])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut waited = 0;
    for round in 0..3 {
        write_assets(dir.path(), 200, if round % 2 == 0 { "two" } else { "one" });
        let (a, b) = (spawn(), spawn());
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", stderr(&out));
            waited += stderr(&out).contains("waiting for another briefing build") as usize;
        }
        let built = snapshot_tree(&dir.path().join("public"));
        let alone = dir.path().join("alone");
        briefing(dir.path())
            .args(["build", "--quiet", "--output", "alone"])
            .assert()
            .success();
        assert_eq!(built, snapshot_tree(&alone), "round {round}");
        assert!(!dir.path().join("public/.briefing").exists());
    }
    eprintln!("3 rounds of two builds: {waited} waited for the other");
}

/// An output folder that is a mount point of its own (a Docker volume): the
/// staging folder is inside it, so moving files in never crosses filesystems.
/// Needs a private mount namespace (`unshare -rm`); skipped where there is none.
#[test]
fn an_output_that_is_a_mount_point_builds() {
    let dir = project(ARTICLE, &note("launched"));
    let bin = assert_cmd::cargo::cargo_bin("briefing");
    let probe = std::process::Command::new("unshare")
        .args(["-rm", "sh", "-c", "mount -t tmpfs none public"])
        .current_dir(dir.path())
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: no private mount namespace here (unshare -rm)");
        return;
    }
    let script = format!(
        "mount -t tmpfs none public && {} build --quiet && test -f public/b/index.html && test ! -e public/.briefing && echo built",
        bin.display()
    );
    let out = std::process::Command::new("unshare")
        .args(["-rm", "sh", "-c", &script])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("built"),
        "{}",
        stderr(&out)
    );
}

/// Special files are looked at before they are read: a link to /dev/zero, a
/// FIFO, a link in templates/ to a secret, a linked article.md.
#[test]
fn special_files_are_refused_before_reading() {
    let dir = project(ARTICLE, &note("launched"));
    let root = dir.path();
    std::os::unix::fs::symlink("/dev/zero", root.join("content/glossary.yaml")).unwrap();
    fails_cleanly(
        root,
        &["build"],
        1,
        "content/glossary.yaml: error: symbolic links are not followed",
    );
    std::fs::remove_file(root.join("content/glossary.yaml")).unwrap();

    let fifo =
        std::ffi::CString::new(root.join("content/glossary.yaml").to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    fails_cleanly(
        root,
        &["build"],
        1,
        "content/glossary.yaml: error: not a regular file",
    );
    std::fs::remove_file(root.join("content/glossary.yaml")).unwrap();

    std::fs::write(root.join("secret.txt"), "TOP SECRET").unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::os::unix::fs::symlink(root.join("secret.txt"), root.join("templates/style.css")).unwrap();
    fails_cleanly(
        root,
        &["build"],
        1,
        "templates/style.css: error: symbolic links are not followed",
    );
    std::fs::remove_dir_all(root.join("templates")).unwrap();

    let article = root.join("content/b/article.md");
    std::fs::rename(&article, root.join("article.md")).unwrap();
    std::os::unix::fs::symlink(root.join("article.md"), &article).unwrap();
    fails_cleanly(
        root,
        &["build"],
        1,
        "content/b/article.md: error: symbolic links are not followed",
    );
}

/// Assets are files a briefing shows, never pages or scripts of its own; editor
/// leftovers and drafts stay out of the site; a control character in a name
/// (which once let an asset named "x\nCNAME" list CNAME as briefing's) is an error.
#[test]
fn active_content_backups_drafts_and_odd_names_among_assets() {
    let dir = project(ARTICLE, &note("launched"));
    let b = dir.path().join("content/b");
    std::fs::write(
        b.join("chart.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"1\" height=\"1\"/></svg>",
    )
    .unwrap();
    std::fs::write(b.join("article.md~"), "old").unwrap();
    std::fs::write(b.join("photo.jpg.bak"), "old").unwrap();
    std::fs::create_dir_all(b.join("drafts")).unwrap();
    std::fs::write(b.join("drafts/next.txt"), "secret plan").unwrap();
    let out = briefing(dir.path()).args(["build"]).output().unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    for skipped in ["article.md~", "photo.jpg.bak", "drafts/next.txt"] {
        assert!(
            err.contains(&format!("{skipped}: warning: not published")),
            "{err}"
        );
        assert!(!dir.path().join("public/b").join(skipped).exists());
    }
    assert!(
        dir.path().join("public/b/chart.svg").exists(),
        "a plain SVG is an image"
    );

    for (name, body) in [
        ("page.html", "<script>alert(1)</script>"),
        ("tool.js", "alert(1)"),
        (
            "evil.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"\n onload=\"alert(1)\"/>",
        ),
        ("evil2.svg", "<svg><script>alert(1)</script></svg>"),
    ] {
        std::fs::write(b.join(name), body).unwrap();
        fails_cleanly(
            dir.path(),
            &["build"],
            1,
            &format!("content/b/{name}: error: "),
        );
        let out = briefing(dir.path()).args(["build"]).output().unwrap();
        assert!(
            stderr(&out).contains("run with the site's address"),
            "{}",
            stderr(&out)
        );
        std::fs::remove_file(b.join(name)).unwrap();
    }

    std::fs::write(dir.path().join("public/CNAME"), "example.org").unwrap();
    std::fs::write(b.join("x\nCNAME"), "x").unwrap();
    fails_cleanly(dir.path(), &["build"], 1, "control character U+000A");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("public/CNAME")).unwrap(),
        "example.org"
    );
}

#[test]
fn an_unclosed_front_matter_and_a_stray_file_in_content_are_named() {
    let dir = project(ARTICLE, &note("launched"));
    std::fs::write(dir.path().join("content/robots.txt"), "User-agent: *\n").unwrap();
    let out = briefing(dir.path()).args(["build"]).output().unwrap();
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("content/robots.txt: warning: robots.txt is not used"),
        "{}",
        stderr(&out)
    );
    std::fs::write(
        dir.path().join("content/b/article.md"),
        "---\ntitle: T\nChina launched the DSR initiative.\n",
    )
    .unwrap();
    fails_cleanly(
        dir.path(),
        &["build"],
        1,
        "content/b/article.md:1:1: error: the front matter is never closed",
    );
}

/// The library side of Ctrl-C: a build whose token is cancelled stops before
/// touching the output, whichever signal or caller cancelled it.
#[test]
fn a_cancelled_build_leaves_public_as_it_was() {
    let dir = project_with_public("valid/basic");
    let public = dir.path().join("public");
    let before = snapshot_tree(&public);
    let cancel = briefing::output::CancelToken::new();
    cancel.clone().cancel();
    let result = briefing::pipeline::build_into(dir.path(), &public, None, None, &(), &cancel);
    assert!(
        matches!(result, Err(briefing::Error::Interrupted)),
        "{result:?}"
    );
    assert_eq!(before, snapshot_tree(&public));
}

/// A refusal to write is its own kind of error, told apart from a usage mistake.
#[test]
fn refusals_and_usage_mistakes_are_different_errors() {
    let dir = project_with_public("valid/basic");
    let cancel = briefing::output::CancelToken::new();
    let err = briefing::pipeline::build_into(dir.path(), dir.path(), None, None, &(), &cancel)
        .unwrap_err();
    assert!(matches!(err, briefing::Error::Refused(_)), "{err:?}");
    let err = briefing::scaffold::new_briefing(dir.path(), "forum").unwrap_err();
    assert!(matches!(err, briefing::Error::Refused(_)), "{err:?}");
    let err = briefing::scaffold::new_briefing(dir.path(), "Not A Slug").unwrap_err();
    assert!(matches!(err, briefing::Error::Usage(_)), "{err:?}");
}
