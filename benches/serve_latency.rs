//! Edit-to-served latency of `briefing serve` for the Digital Silk Road briefing:
//! the time from writing `annotations.yaml` to the HTTP server answering with the
//! rebuilt page. The debounce window is part of it, as are the watcher, the
//! incremental rebuild and the swap of the served site.
//!
//! Run from the repository root:
//!
//!     cargo bench --bench serve_latency
//!
//! It copies `content/` to a scratch folder, starts the release `briefing serve`
//! on a free port of 127.0.0.1, then for each sample writes a new marker into one
//! note and polls the page (a fresh connection every 0.5 ms) until the marker is
//! served. Two ways of saving are measured: writing the file in place, and
//! writing a temporary file and renaming it over the old one, as many editors
//! do. Environment: SAMPLES (default 40 per way), BRIEFING_DEBOUNCE_MS (the
//! server's debounce, default: the built-in 20 ms).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

const SLUG: &str = "digital-silk-road-forum";

fn main() {
    let samples: usize = std::env::var("SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scratch = tempfile::tempdir().expect("a scratch folder");
    copy_tree(&repo.join("content"), &scratch.path().join("content"));
    let notes = scratch
        .path()
        .join("content")
        .join(SLUG)
        .join("annotations.yaml");
    let original = std::fs::read_to_string(&notes).expect("the briefing's annotations.yaml");
    // The first line of the first note's text gets the marker.
    let anchor = original
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("note:"))
        .nth(1)
        .expect("a note with a block text")
        .trim()
        .to_string();

    let server = Server::start(scratch.path());
    let page = format!("/{SLUG}/index.html");
    let size = server.get(&page).len();
    println!(
        "briefing serve, release build; page {page} ({} KB); {samples} samples per way of saving",
        size / 1024
    );

    let mut results = Vec::new();
    for (way, atomic) in [("write in place", false), ("write + rename", true)] {
        let mut times = Vec::with_capacity(samples);
        for i in 0..samples {
            let marker = format!("LATENCY{}{i}", if atomic { "R" } else { "W" });
            let text = original.replacen(&anchor, &format!("{marker} {anchor}"), 1);
            let started = Instant::now();
            save(&notes, &text, atomic);
            while !server.get(&page).contains(&marker) {
                assert!(
                    started.elapsed() < Duration::from_secs(10),
                    "the edit was not served within 10 s:\n{}",
                    server.output()
                );
                thread::sleep(Duration::from_micros(500));
            }
            times.push(started.elapsed());
            // Let the next edit be a change of its own, not part of this debounce.
            thread::sleep(Duration::from_millis(150));
        }
        results.push((way, times));
    }
    let rebuilds = server.rebuild_times();
    server.stop();

    println!();
    println!("| way of saving | samples | min | median | p90 | max |");
    println!("|---|---|---|---|---|---|");
    for (way, times) in &mut results {
        let median = {
            let mut sorted = times.clone();
            sorted.sort();
            sorted[sorted.len() / 2]
        };
        for (i, t) in times.iter().enumerate() {
            if *t > median * 3 {
                eprintln!(
                    "note: {way}, sample {i}: {} (an outlier; the machine may be busy)",
                    ms(*t)
                );
            }
        }
        times.sort();
        let at = |q: f64| ms(times[((times.len() - 1) as f64 * q).round() as usize]);
        println!(
            "| {way} | {} | {} | {} | {} | {} |",
            times.len(),
            at(0.0),
            at(0.5),
            at(0.9),
            at(1.0)
        );
    }
    if !rebuilds.is_empty() {
        let mut r = rebuilds;
        r.sort_by(f64::total_cmp);
        println!();
        println!(
            "incremental rebuild alone (server's own timing, {} rebuilds): median {:.1} ms, max {:.1} ms",
            r.len(),
            r[r.len() / 2],
            r[r.len() - 1]
        );
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Saves like an editor: in place (truncate and write), or atomically.
fn save(path: &Path, text: &str, atomic: bool) {
    if atomic {
        let temp = path.with_file_name(".annotations.yaml.tmp");
        std::fs::write(&temp, text).unwrap();
        std::fs::rename(&temp, path).unwrap();
    } else {
        std::fs::write(path, text).unwrap();
    }
}

struct Server {
    child: Child,
    port: u16,
    output: Arc<Mutex<String>>,
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_briefing"));
        command
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Ok(debounce) = std::env::var("BRIEFING_DEBOUNCE_MS") {
            command.args(["--debounce-ms", &debounce]);
        }
        let mut child = command.spawn().expect("briefing serve starts");
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
        let started = Instant::now();
        let port = loop {
            let text = output.lock().unwrap().clone();
            if let Some(url) = text
                .split_whitespace()
                .find(|w| w.starts_with("http://127.0.0.1:"))
            {
                break url
                    .trim_start_matches("http://127.0.0.1:")
                    .trim_end_matches('/')
                    .parse()
                    .unwrap();
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "serve did not start:\n{text}"
            );
            thread::sleep(Duration::from_millis(10));
        };
        Server {
            child,
            port,
            output,
        }
    }

    fn get(&self, target: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            s,
            "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut body = Vec::new();
        s.read_to_end(&mut body).unwrap();
        String::from_utf8_lossy(&body).into_owned()
    }

    fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// The server's own "rebuilt … in X ms" timings.
    fn rebuild_times(&self) -> Vec<f64> {
        self.output()
            .lines()
            .filter(|l| l.contains("changed: rebuilt"))
            .filter_map(|l| l.split(" in ").last()?.split(" ms").next()?.parse().ok())
            .collect()
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target: PathBuf = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
