//! `briefing serve` as an editor meets it: the site on 127.0.0.1, an edit served
//! within moments, a broken file shown over the last good page, paths out of the
//! site refused, and `public/` left exactly as it was.
//!
//! Every wait polls with a generous deadline, so a loaded machine makes the
//! tests slower, not flaky.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::common::*;

/// How long any one wait may take before the test fails.
const DEADLINE: Duration = Duration::from_secs(10);

/// A `briefing serve` child process on a free port, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    output: Arc<Mutex<String>>,
}

impl Server {
    fn start(root: &Path) -> Server {
        Server::start_with(root, &[])
    }

    fn start_with(root: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .args(args)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("briefing serve starts");
        let output = Arc::new(Mutex::new(String::new()));
        for pipe in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let output = output.clone();
            thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let mut o = output.lock().unwrap();
                    o.push_str(&line);
                    o.push('\n');
                }
            });
        }
        let mut server = Server {
            child,
            port: 0,
            output,
        };
        let line = server.wait_for_output("Serving ");
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://127.0.0.1:"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"));
        server.port = url
            .trim_start_matches("http://127.0.0.1:")
            .trim_end_matches('/')
            .parse()
            .unwrap();
        server
    }

    /// Waits until the output has a line containing `text`; returns that line.
    fn wait_for_output(&mut self, text: &str) -> String {
        let started = Instant::now();
        loop {
            if let Some(line) = self
                .output
                .lock()
                .unwrap()
                .lines()
                .find(|l| l.contains(text))
            {
                return line.to_string();
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("serve exited ({status}):\n{}", self.output());
            }
            assert!(
                started.elapsed() < DEADLINE,
                "no {text:?} in:\n{}",
                self.output()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    fn get(&self, target: &str) -> Response {
        request(self.port, &format!("GET {target} HTTP/1.1"))
    }

    /// Polls `target` until its body satisfies `ok`; returns the body and how long it took.
    fn poll(&self, target: &str, ok: impl Fn(&str) -> bool) -> (String, Duration) {
        let started = Instant::now();
        loop {
            let body = self.get(target).text();
            if ok(&body) {
                return (body, started.elapsed());
            }
            assert!(
                started.elapsed() < DEADLINE,
                "{target} never became as expected; last body:\n{}\nserver output:\n{}",
                &body[..body.len().min(2000)],
                self.output()
            );
            thread::sleep(Duration::from_millis(10));
        }
    }

    fn status(&self) -> serde_json::Value {
        serde_json::from_str(&self.get("/__briefing/status").text()).expect("status is JSON")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A parsed HTTP response.
struct Response {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Response {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

/// Sends one request line (with Host and Connection: close) over a raw socket,
/// so that no client library normalizes the path first.
fn request(port: u16, request_line: &str) -> Response {
    request_to(port, request_line, "127.0.0.1")
}

/// [`request`] with the `Host` header given.
fn request_to(port: u16, request_line: &str, host: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    write!(
        stream,
        "{request_line}\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("reads the response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no head in {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line in {head:?}"));
    Response {
        status,
        head,
        body: raw[split + 4..].to_vec(),
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn serves_the_site_on_localhost_with_the_reload_client() {
    let project = project_with_public("valid/basic");
    let server = Server::start(project.path());

    let index = server.get("/");
    assert_eq!(index.status, 200);
    assert_eq!(
        index.header("Content-Type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    let html = index.text();
    assert!(html.contains("<script src=\"/__briefing/live.js\" data-build=\""));
    assert!(
        html.contains("connect-src 'self'"),
        "CSP lets the client connect"
    );

    let folder = server.get("/forum");
    assert_eq!(folder.status, 301);
    assert_eq!(folder.header("Location").as_deref(), Some("/forum/"));
    let page = server.get("/forum/");
    assert_eq!(page.status, 200);
    assert_eq!(page.text(), server.get("/forum/index.html").text());

    let head = request(server.port, "HEAD /forum/index.html HTTP/1.1");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "HEAD has no body");
    assert_eq!(
        head.header("Content-Length"),
        Some(page.body.len().to_string())
    );

    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let r = request(server.port, &format!("{method} / HTTP/1.1"));
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("Allow").as_deref(), Some("GET, HEAD"));
    }

    let export = server.get("/forum/annotations.jsonld");
    assert_eq!(export.status, 200);
    assert_eq!(
        export.header("Content-Type").as_deref(),
        Some("application/ld+json")
    );
    let client = server.get("/__briefing/live.js");
    assert_eq!(client.status, 200);
    assert!(client.text().contains("EventSource"));
    assert_eq!(server.get("/no-such-page/").status, 404);
    assert_eq!(
        server.get("/favicon.ico").status,
        204,
        "no 404 noise in the console"
    );
    assert_eq!(server.status()["ok"], true);
}

#[test]
fn an_edited_note_is_served_and_public_is_untouched() {
    let project = project_with_public("valid/basic");
    let public_before = snapshot_tree(&project.path().join("public"));
    let mut server = Server::start(project.path());
    let annotations = project.path().join("content/forum/annotations.yaml");
    let build_before = server.status()["build"].clone();

    edit(
        &annotations,
        "Export controls",
        "Freshly edited export controls",
    );
    let (_, took) = server.poll("/forum/", |b| b.contains("Freshly edited export controls"));
    eprintln!("edit served after {took:?}");
    assert_ne!(server.status()["build"], build_before, "a new build id");
    let line = server.wait_for_output("changed: rebuilt forum");
    assert!(line.contains("content/forum/annotations.yaml"), "{line}");

    // A glossary edit rebuilds every page.
    edit(
        &project.path().join("content/glossary.yaml"),
        "proposed in 2013.",
        "proposed in 2013. Glossary edit marker.",
    );
    server.poll("/glossary/", |b| b.contains("Glossary edit marker."));

    drop(server);
    assert_eq!(
        public_before,
        snapshot_tree(&project.path().join("public")),
        "serve never writes public/"
    );
}

#[test]
fn a_broken_file_shows_its_errors_and_keeps_the_last_good_page() {
    let project = project_with_public("valid/basic");
    let public_before = snapshot_tree(&project.path().join("public"));
    let server = Server::start(project.path());
    let good_page = server.get("/forum/").text();
    let good_build = server.status()["build"].clone();
    let annotations = project.path().join("content/forum/annotations.yaml");
    let original = std::fs::read_to_string(&annotations).unwrap();

    // Listen to the event stream as a page does.
    let mut events = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    events.set_read_timeout(Some(DEADLINE)).unwrap();
    write!(
        events,
        "GET /__briefing/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();

    // An unclosed quote on line 3.
    let broken = original.replacen(
        "\"Belt and Road Initiative (BRI) member states\"",
        "\"Belt and Road Initiative (BRI) member states",
        1,
    );
    assert_ne!(broken, original);
    std::fs::write(&annotations, &broken).unwrap();
    let started = Instant::now();
    let status = loop {
        let status = server.status();
        if status["ok"] == false {
            break status;
        }
        assert!(started.elapsed() < DEADLINE, "the error never showed");
        thread::sleep(Duration::from_millis(10));
    };
    let error = &status["diagnostics"][0];
    assert_eq!(error["severity"], "error");
    assert_eq!(
        error["file"]
            .as_str()
            .map(|f| f.ends_with("content/forum/annotations.yaml")),
        Some(true)
    );
    assert!(error["line"].as_u64().is_some() && error["column"].as_u64().is_some());
    assert!(error["snippet"].as_str().is_some());
    assert!(status["text"]
        .as_str()
        .unwrap()
        .contains("annotations.yaml:"));
    assert_eq!(
        status["build"], good_build,
        "the last good build is still served"
    );
    assert_eq!(server.get("/forum/").text(), good_page);

    // The stream told the page.
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while !seen.contains("\"ok\":false") {
        let n = events.read(&mut buf).expect("the stream sends the failure");
        assert!(n > 0, "stream closed early: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(seen.starts_with("HTTP/1.1 200 OK\r\n"), "{seen}");
    assert!(seen.contains("Content-Type: text/event-stream"));
    assert!(seen.contains("event: state\ndata: {"));

    // Fixing the file brings a new build, so open pages reload.
    std::fs::write(&annotations, &original).unwrap();
    let started = Instant::now();
    while server.status()["ok"] != true {
        assert!(started.elapsed() < DEADLINE, "the fix never showed");
        thread::sleep(Duration::from_millis(10));
    }
    assert_ne!(server.status()["build"], good_build);
    drop(server);
    assert_eq!(public_before, snapshot_tree(&project.path().join("public")));
}

#[test]
fn paths_out_of_the_site_are_refused() {
    let project = project_with_public("valid/basic");
    std::fs::write(project.path().join("secret.txt"), "top secret").unwrap();
    let server = Server::start(project.path());
    for target in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/forum/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/forum/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "http://127.0.0.1/../secret.txt",
        "/C:/Windows/win.ini",
        "/%00",
    ] {
        let r = request(server.port, &format!("GET {target} HTTP/1.1"));
        assert!(
            matches!(r.status, 400 | 403 | 404),
            "{target} answered {}",
            r.status
        );
        let body = r.text();
        assert!(
            !body.contains("top secret") && !body.contains("root:"),
            "{target} leaked: {body}"
        );
    }
    assert_eq!(server.get("/%2e%2e/secret.txt").status, 403);
    assert_eq!(server.get("/").status, 200, "still serving");
}

#[cfg(unix)]
#[test]
fn a_symlink_leading_out_of_the_site_is_not_followed() {
    let project = project_with_public("valid/basic");
    std::fs::write(project.path().join("secret.txt"), "top secret").unwrap();
    std::os::unix::fs::symlink(
        project.path().join("secret.txt"),
        project.path().join("content/forum/leak.txt"),
    )
    .unwrap();
    let server = Server::start(project.path());
    let r = server.get("/forum/leak.txt");
    assert_ne!(r.status, 200);
    assert!(!r.text().contains("top secret"));
    let status = server.status();
    assert!(
        status["text"]
            .as_str()
            .unwrap()
            .contains("symbolic links are not followed"),
        "{status}"
    );
}

#[test]
fn survives_many_concurrent_requests_and_clients_that_hang_up() {
    let project = project_with_public("valid/basic");
    let server = Server::start(project.path());
    let expected = server.get("/forum/").body;
    let port = server.port;
    let clients: Vec<_> = (0..16)
        .map(|n| {
            let expected = expected.clone();
            thread::spawn(move || {
                for i in 0..20 {
                    if (n + i) % 4 == 0 {
                        // Hang up mid-response.
                        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
                        write!(s, "GET /forum/ HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
                        let mut some = [0u8; 64];
                        let _ = s.read(&mut some);
                    } else {
                        let r = request(port, "GET /forum/ HTTP/1.1");
                        assert_eq!(r.status, 200);
                        assert_eq!(r.body, expected);
                    }
                }
            })
        })
        .collect();
    for c in clients {
        c.join().expect("a client thread failed");
    }
    // Clients that connect and say nothing, or half a request, then leave.
    for _ in 0..10 {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let _ = s.write_all(b"GET /forum/ HT");
    }
    assert_eq!(server.get("/forum/").body, expected, "still serving");
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let project = project_with_public("valid/basic");
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(["serve", "--port", &port, "--root"])
        .arg(project.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("port {port} on 127.0.0.1 is already in use")),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly() {
    let project = project_with_public("valid/basic");
    let mut server = Server::start(project.path());
    let pid = server.child.id().to_string();
    let killed = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < DEADLINE, "serve did not stop");
        thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
    server.wait_for_output("Stopped.");
}

#[test]
fn a_new_briefing_appears_on_the_index() {
    let project = project_with_public("valid/basic");
    let server = Server::start(project.path());
    let made = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(["new", "late-addition", "--root"])
        .arg(project.path())
        .output()
        .unwrap();
    assert!(made.status.success());
    server.poll("/", |b| b.contains("late-addition/index.html"));
    assert_eq!(server.get("/late-addition/").status, 200);
    std::fs::remove_dir_all(project.path().join("content/late-addition")).unwrap();
    server.poll("/", |b| !b.contains("late-addition/index.html"));
    assert_eq!(server.get("/late-addition/").status, 404);
}

/// Resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap()
}

/// One round of the load test: 50 clients, 1,000 requests in all, a tenth of
/// them hanging up mid-response and a fifth trying to leave the site.
fn load_round(port: u16) {
    const ESCAPES: &[&str] = &[
        "/../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/forum/%2E%2E%2F%2E%2E%2Fcontent/glossary.yaml",
        "//etc/passwd",
        "/..%5c..%5cetc/passwd",
    ];
    let clients: Vec<_> = (0..50)
        .map(|n| {
            thread::spawn(move || {
                for i in 0..20 {
                    match (n * 20 + i) % 10 {
                        0 => {
                            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
                            let _ = write!(s, "GET /forum/ HTTP/1.1\r\nHost: x\r\n\r\n");
                            let _ = s.read(&mut [0u8; 16]);
                        }
                        1 | 2 => {
                            let r = request(
                                port,
                                &format!("GET {} HTTP/1.1", ESCAPES[(n + i) % ESCAPES.len()]),
                            );
                            assert!(
                                matches!(r.status, 400 | 403 | 404),
                                "escape answered {}",
                                r.status
                            );
                            assert!(
                                !r.text().contains("root:"),
                                "a file outside the site was served"
                            );
                        }
                        _ => {
                            let r = request(port, "GET /forum/ HTTP/1.1");
                            assert_eq!(r.status, 200);
                            // The page changes while it is being edited; it is always a whole page.
                            assert!(r.text().trim_end().ends_with("</html>"), "partial page");
                        }
                    }
                }
            })
        })
        .collect();
    for c in clients {
        c.join().expect("a client failed");
    }
}

/// The load test of the robustness issue: bounded in count and time, on
/// 127.0.0.1 only, while an editor keeps saving a note.
#[test]
fn load_while_editing_no_crash_no_escape_flat_memory() {
    let project = project_with_public("valid/basic");
    let server = Server::start(project.path());
    let port = server.port;
    let notes = project.path().join("content/forum/annotations.yaml");
    let original = std::fs::read_to_string(&notes).unwrap();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let editor = {
        let (stop, notes) = (stop.clone(), notes.clone());
        thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                n += 1;
                let text = original.replace(
                    "Export controls of 7 October 2022.",
                    &format!("Export controls, edit {n}."),
                );
                std::fs::write(&notes, text).unwrap();
                thread::sleep(Duration::from_millis(50));
            }
        })
    };
    load_round(port);
    let after_first = rss_kib(server.child.id());
    load_round(port);
    load_round(port);
    let after_third = rss_kib(server.child.id());
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    editor.join().unwrap();
    assert!(
        after_third <= after_first + after_first / 2 + 4096,
        "memory grew from {after_first} KiB to {after_third} KiB"
    );
    assert_eq!(server.get("/forum/").status, 200, "still serving");
}

fn status_with_host(port: u16, host: &str) -> u16 {
    request_to(port, "GET / HTTP/1.1", host).status
}

/// DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1
/// sends `Host: evil.example`, and gets nothing; names the user allows work.
#[test]
fn requests_for_other_host_names_are_refused() {
    let project = project_with_public("valid/basic");
    let server = Server::start_with(project.path(), &["--allow-host", "briefing.test"]);
    let port = server.port;
    assert_eq!(status_with_host(port, &format!("127.0.0.1:{port}")), 200);
    assert_eq!(status_with_host(port, &format!("localhost:{port}")), 200);
    assert_eq!(
        status_with_host(port, &format!("briefing.test:{port}")),
        200
    );
    assert_eq!(status_with_host(port, &format!("evil.example:{port}")), 421);
    assert_eq!(status_with_host(port, "evil.example"), 421);
}

/// A request head larger than the limit is answered 431 and the connection
/// closed: a 100 MB header once raised the server's memory by as much.
#[test]
fn an_oversized_request_head_is_refused() {
    let project = project_with_public("valid/basic");
    let server = Server::start(project.path());
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    let filler = "x".repeat(64 * 1024);
    // The server may close before it has read all of this; that is the point.
    let _ = write!(
        stream,
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {filler}\r\n\r\n"
    );
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 431 "), "{answer:?}");
    assert_eq!(server.get("/").status, 200, "the server is still up");
}

/// Idle connections are closed after the idle time, so they cannot pile up and
/// hold a thread each; beyond the connection limit a client is told 503; the
/// live-reload stream, which the server writes to, stays open across it all.
#[test]
fn idle_connections_are_closed_and_counted() {
    let project = project_with_public("valid/basic");
    // Long enough for every connection below to be accepted before the first
    // idle one is closed, even on a loaded machine.
    let server = Server::start_with(project.path(), &["--idle-ms", "3000"]);
    let mut events = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    events.set_read_timeout(Some(DEADLINE)).unwrap();
    write!(
        events,
        "GET /__briefing/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    let mut first = [0u8; 64];
    assert!(events.read(&mut first).unwrap() > 0, "the stream answered");

    // More silent connections than the server serves at once: the extra ones
    // are turned away at once, the others closed when the idle time is up.
    let limit = briefing::serve::MAX_CONNECTIONS;
    let mut idle: Vec<TcpStream> = (0..limit + 5)
        .map(|_| TcpStream::connect(("127.0.0.1", server.port)).unwrap())
        .collect();
    let mut turned_away = 0;
    for stream in &mut idle {
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        let mut answer = String::new();
        // Closed by the server (end of stream or a reset), not by our time-out.
        let started = Instant::now();
        let _ = stream.read_to_string(&mut answer);
        assert!(started.elapsed() < DEADLINE, "an idle connection was kept");
        turned_away += answer.starts_with("HTTP/1.1 503 ") as usize;
    }
    assert!(turned_away >= 5, "{turned_away} turned away");

    edit(
        &project.path().join("content/forum/annotations.yaml"),
        "kind: context",
        "kind: clarification",
    );
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while seen.matches("event: state").count() < 1 {
        let n = events.read(&mut buf).expect("the stream stays open");
        assert!(n > 0, "stream closed: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert_eq!(server.get("/").status, 200);
}
