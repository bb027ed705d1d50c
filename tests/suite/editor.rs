//! What a new editor meets making a briefing from an unseen article (issue 14):
//! each test names the item of the issue it covers.

use crate::common::*;
use predicates::prelude::*;

/// A scratch copy of `valid/basic` whose glossary.yaml is `edit`ed.
fn basic_with_glossary(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("valid/basic"), dir.path());
    let glossary = dir.path().join("content/glossary.yaml");
    let text = std::fs::read_to_string(&glossary).unwrap();
    std::fs::write(&glossary, edit(text)).unwrap();
    dir
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

/// A local web server for `check --links`: 200, 301, 404, a server that refuses
/// HEAD, a slow answer and a connection closed without an answer. It counts the
/// requests it gets and stops when dropped.
struct LinkServer {
    port: u16,
    requests: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LinkServer {
    fn start() -> LinkServer {
        use std::io::{Read, Write};
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (count, halt) = (requests.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !halt.load(Ordering::Relaxed) {
                let Ok((mut stream, _)) = listener.accept() else {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    continue;
                };
                count.fetch_add(1, Ordering::Relaxed);
                std::thread::spawn(move || {
                    stream.set_nonblocking(false).unwrap();
                    let mut buf = [0u8; 2048];
                    let n = stream.read(&mut buf).unwrap_or(0);
                    let head = String::from_utf8_lossy(&buf[..n]).to_string();
                    let mut words = head.split_whitespace();
                    let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
                    let status = match (method, path) {
                        (_, "/ok") => "200 OK",
                        (_, "/moved") => "301 Moved Permanently\r\nLocation: /ok",
                        (_, "/gone") => "404 Not Found",
                        ("HEAD", "/no-head") => "405 Method Not Allowed",
                        (_, "/no-head") => "200 OK",
                        (_, "/slow") => {
                            std::thread::sleep(std::time::Duration::from_secs(3));
                            "200 OK"
                        }
                        _ => return, // "/reset": closed without an answer
                    };
                    let _ = write!(
                        stream,
                        "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    );
                });
            }
        });
        LinkServer {
            port,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn requests(&self) -> usize {
        self.requests.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl Drop for LinkServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Item 6: `check --links` requests every web address once, follows redirects,
/// falls back to GET, times out, keeps a cache; plain `check` makes no request.
#[test]
fn check_links_reports_broken_redirected_and_unreachable_addresses() {
    let server = LinkServer::start();
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(content.join("harbour")).unwrap();
    std::fs::write(content.join("site.yaml"), "title: Links\n").unwrap();
    std::fs::write(
        content.join("harbour/article.md"),
        format!(
            "---\ntitle: \"Harbour wall repaired\"\ndate: 2025-03-04\nsource:\n  url: {}\n---\nThe harbour wall was [repaired]({}).\n",
            server.url("/moved"),
            server.url("/ok#section")
        ),
    )
    .unwrap();
    std::fs::write(
        content.join("harbour/annotations.yaml"),
        format!(
            "- id: wall\n  quote: \"harbour wall\"\n  kind: context\n  note: \"See [the plan]({}).\"\n  sources:\n    - title: Minutes\n      date: 2025\n      url: {}\n    - title: Budget\n      date: 2025\n      url: {}\n",
            server.url("/reset"),
            server.url("/gone"),
            server.url("/no-head")
        ),
    )
    .unwrap();
    std::fs::write(
        content.join("glossary.yaml"),
        format!(
            "- id: wall\n  term: harbour wall\n  definition: The breakwater.\n  sources:\n    - title: Survey\n      date: 2020\n      url: \"{}\"\n",
            server.url("/slow")
        ),
    )
    .unwrap();

    briefing()
        .current_dir(dir.path())
        .arg("check")
        .assert()
        .success();
    assert_eq!(
        server.requests(),
        0,
        "plain check never touches the network"
    );

    let out = briefing()
        .current_dir(dir.path())
        .args(["check", "--links", "--link-timeout", "1"])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let out = String::from_utf8(out).unwrap();
    for expected in [
        format!("content/harbour/annotations.yaml:8:12: error: link `{}` is broken: the server answers 404", server.url("/gone")),
        format!("content/harbour/article.md:5:8: warning: link `{}` redirects to `{}`", server.url("/moved"), server.url("/ok")),
        format!("content/glossary.yaml:7:12: error: link `{}` could not be reached: no answer within 1 s", server.url("/slow")),
        format!("content/harbour/annotations.yaml:4:9: error: link `{}` could not be reached", server.url("/reset")),
        "links: 6 addresses checked (0 from the cache): 1 broken, 1 redirected, 2 unreachable".to_string(),
    ] {
        assert!(out.contains(&expected), "{expected:?} not in:\n{out}");
    }
    for working in ["/no-head", "/ok"] {
        let link = format!("link `{}`", server.url(working));
        assert!(
            !out.contains(&link),
            "{working} works (GET after a refused HEAD): {out}"
        );
    }

    // A rerun asks again only for what did not work.
    let cache = dir.path().join(".briefing-cache/links.json");
    assert!(std::fs::read_to_string(&cache)
        .unwrap()
        .contains("\"tool\""));
    briefing()
        .current_dir(dir.path())
        .args(["check", "--links", "--link-timeout", "1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "links: 6 addresses checked (3 from the cache)",
        ));

    // A file of that name that is not the cache is never overwritten.
    std::fs::write(&cache, "my notes").unwrap();
    briefing()
        .current_dir(dir.path())
        .args(["check", "--links", "--link-timeout", "1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "is not a cache written by briefing",
        ));
    assert_eq!(std::fs::read_to_string(&cache).unwrap(), "my notes");
}

/// Item 2: a statement pasted with a trailing `###` passes `check`, but with a
/// warning at the line that says how to keep the text.
#[test]
fn pasted_markup_is_a_warning_with_its_escape() {
    let dir = basic_with_glossary(|g| {
        g.replace(
            "definition: A Beijing-based body.",
            "definition: A <Beijing> body.",
        )
    });
    let article = dir.path().join("content/forum/article.md");
    let text = std::fs::read_to_string(&article).unwrap() + "\n###\n";
    let line = text.lines().count();
    std::fs::write(&article, text).unwrap();
    briefing()
        .current_dir(dir.path())
        .arg("check")
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "content/forum/article.md:{line}:1: warning: `###` makes an empty heading"
        )))
        .stderr(predicate::str::contains(
            "warning: `<Beijing…>` in a glossary definition looks like an HTML tag, and is removed from the page",
        ))
        .stderr(predicate::str::contains(
            "help: if the `###` is part of the text, write it as `\\###`; otherwise remove the line",
        ));
}

/// Item 1: the "not used in any briefing" warning stays when it is true (every
/// briefing built, the glossary sound); the fixture
/// `invalid/lost-quote-no-unused-term-warnings` shows it gone when a briefing failed.
#[test]
fn an_unused_term_is_still_reported_when_everything_built() {
    let dir = basic_with_glossary(|g| {
        g + "- id: tram\n  term: tramway\n  definition: A street railway.\n  sources: [{title: T, date: 2020, url: \"https://example.org/t\"}]\n"
    });
    briefing()
        .current_dir(dir.path())
        .arg("check")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: glossary term `tram` is not used in any briefing",
        ));
}

/// Item 9: a source without a date says "undated" on the page (a warning too),
/// in a note and in the glossary alike.
#[test]
fn a_source_without_a_date_reads_undated() {
    let dir = basic_with_glossary(|g| {
        g.replace(
            "date: 2023, url: \"https://example.org/bri\"",
            "url: \"https://example.org/bri\"",
        )
    });
    let outcome = briefing::pipeline::build_site(dir.path()).unwrap();
    assert!(outcome
        .diagnostics
        .iter()
        .any(|d| d.message == "source “Backgrounder” has no date"));
    let site = outcome.site.expect("builds");
    let html = |page: &str| String::from_utf8(site.files[page].clone()).unwrap();
    assert!(
        html("glossary/index.html").contains("<cite>Backgrounder</cite></a>, CFR, undated</li>")
    );
    // On the briefing the term cites it in short, by publisher, with no date.
    assert!(html("forum/index.html").contains("\">CFR</a></p>"));
}

/// Item 8: every `briefing …` command the README shows runs as written (with
/// `briefing` installed): each is run in a scratch project, and none may be a
/// usage error. Synopsis lines are run with every option they show; `serve` on
/// a free port and without `--open` (no browser here), stopped once it serves.
#[test]
fn every_briefing_command_in_the_readme_runs_as_written() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut commands: Vec<String> = Vec::new();
    for line in readme.lines() {
        let code = line.split(" #").next().unwrap_or("").trim();
        if code.starts_with("briefing ") {
            commands.extend(code.split(" | ").map(|c| {
                if c.starts_with("briefing") {
                    c.to_string()
                } else {
                    format!("briefing {c}")
                }
            }));
        }
        // Inline code spans: `briefing …`.
        for span in line.split('`').skip(1).step_by(2) {
            if span.starts_with("briefing ") {
                commands.push(span.to_string());
            }
        }
    }
    assert!(commands.len() >= 15, "{commands:?}");
    for command in commands {
        // The project is one folder down, so `../demo-site` stays in the scratch folder.
        let scratch = tempfile::tempdir().unwrap();
        let dir = scratch.path().join("project");
        std::fs::create_dir(&dir).unwrap();
        let init = command.starts_with("briefing init");
        if !init {
            copy_tree(&fixture("valid/basic"), &dir);
        }
        if command.contains("../demo-site") && !init {
            briefing()
                .current_dir(&dir)
                .args(["init", "../demo-site"])
                .assert()
                .success();
        }
        std::fs::copy(fixture("hypothesis/export.json"), dir.join("export.json")).unwrap();
        std::fs::copy(fixture("hypothesis/export.json"), dir.join("EXPORT.json")).unwrap();
        std::fs::copy(fixture("source/pasted-notice.txt"), dir.join("FILE")).unwrap();
        let fresh = command.contains(" new ");
        // A shell redirection is the shell's business, not briefing's.
        let words: Vec<String> = command
            .split(" > ")
            .next()
            .unwrap_or("")
            .replace(['[', ']'], "")
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let args: Vec<String> = words
            .windows(2)
            .map(|pair| match (pair[0].as_str(), pair[1].as_str()) {
                ("--output", "DIR") => "out".to_string(),
                (_, "DIR") => ".".to_string(),
                (_, "SLUG") if fresh => "harbour-plan".to_string(),
                (_, "SLUG") => "forum".to_string(),
                // Alternatives: the first one.
                (_, w) if w.contains('|') => w.split('|').next().unwrap_or(w).to_string(),
                (_, "1111") => "0".to_string(),
                (_, "URL") => "https://briefings.example.org/".to_string(),
                (_, w) => w.to_string(),
            })
            .filter(|w| w != "--open" && w != "--links" && w != "--link-timeout" && w != "10")
            .collect();
        if args.first().map(String::as_str) == Some("serve") {
            let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("briefing"))
                .args(&args)
                .current_dir(&dir)
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
            let mut lines = String::new();
            for _ in 0..5 {
                if std::io::BufRead::read_line(&mut out, &mut lines).unwrap_or(0) == 0
                    || lines.contains("Serving")
                {
                    break;
                }
            }
            assert!(lines.contains("Serving"), "{command}: {lines}");
            child.kill().unwrap();
            child.wait().unwrap();
            continue;
        }
        let out = briefing().current_dir(&dir).args(&args).output().unwrap();
        assert_ne!(
            out.status.code(),
            Some(2),
            "{command} (run as {args:?}): {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
