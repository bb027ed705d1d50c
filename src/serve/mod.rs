//! `briefing serve`: build, serve the site from memory, watch `content/` and
//! `templates/`, rebuild what an edit affects, and reload open pages.
//!
//! The pieces: [`crate::pipeline::Incremental`] keeps every briefing's rendered page
//! so an edit to one note re-renders one briefing (plus the index and glossary
//! pages); a notify watcher feeds the rebuild loop, which waits for a short
//! quiet time (the debounce) so that one save is one rebuild; a small HTTP/1.1
//! server ([`conn`], with limits on head size, idle time and connections)
//! answers from the site in memory ([`http`]); [`live`] holds the last good site and streams each rebuild's state
//! to open pages, which reload or show the errors. Nothing is written to disk:
//! `public/` stays exactly as `build` left it.

pub(crate) mod conn;
pub(crate) mod http;
pub(crate) mod live;

/// Connections `serve` answers at once; one more is told 503 and closed.
pub use conn::MAX_CONNECTIONS;

use std::fs;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use notify::event::{EventKind, MetadataKind, ModifyKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};

use crate::diagnostic::{display_path, Diagnostic};
use crate::pipeline::{Incremental, Outcome, Scope};
use crate::report::{counts, plural, summary};
use crate::Error;
use live::Live;

/// How `serve` runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The project folder, holding content/ and templates/.
    pub root: PathBuf,
    /// The address to listen on (loopback unless the user asks otherwise).
    pub interface: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Open the site in a browser once it is served.
    pub open: bool,
    /// How long the files must be quiet before a rebuild starts: an editor's
    /// save is often several writes.
    pub debounce: Duration,
    /// Diagnostics in colour.
    pub color: bool,
    /// Host names besides `localhost` and IP addresses that requests may name
    /// (the `Host` header): any other is refused, so that a web page cannot
    /// reach the server through a DNS name rebound to this machine.
    pub allowed_hosts: Vec<String>,
    /// How long a connection may stay silent (or a client not read) before it
    /// is closed: idle connections must not pile up and each hold a thread.
    pub idle: Duration,
}

/// The default of [`ServeOptions::idle`].
pub const DEFAULT_IDLE: Duration = Duration::from_secs(10);

/// The default debounce: long enough to see a save's writes as one change,
/// short enough to stay within the 50 ms edit-to-reload budget.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(20);

/// While files keep changing, a rebuild still starts this often.
const MAX_DEBOUNCE: Duration = Duration::from_secs(1);

/// How long a failed rebuild waits for more changes before its errors are
/// shown: a save caught half-way (a file truncated, not yet written) fails for
/// a moment, and should not flash an error over the page.
const FAILURE_GRACE: Duration = Duration::from_millis(100);

enum Message {
    Changed(Vec<PathBuf>),
    WatchError(String),
    Stop,
}

/// Stops a running [`Session`] from another thread (a Ctrl-C handler).
#[derive(Clone)]
pub struct StopHandle {
    sender: Sender<Message>,
    asked: Arc<AtomicBool>,
}

impl StopHandle {
    /// Asks the session to stop. Returns false if it had been asked already, so a
    /// second Ctrl-C can end the process at once.
    pub fn stop(&self) -> bool {
        let first = !self.asked.swap(true, Ordering::SeqCst);
        let _ = self.sender.send(Message::Stop);
        first
    }
}

/// A running server: built, listening and watching.
pub struct Session {
    options: ServeOptions,
    /// The root as the watcher reports paths: canonical.
    watched_root: PathBuf,
    url: String,
    live: Arc<Live>,
    http: HttpServer,
    incremental: Incremental,
    messages: Receiver<Message>,
    stop: StopHandle,
    watcher: RecommendedWatcher,
}

impl Session {
    /// Binds the port, builds the site, starts the HTTP workers and the watcher.
    /// A port in use, or a folder that cannot be watched, is an error here.
    pub fn start(options: ServeOptions) -> Result<Session, Error> {
        let content = options.root.join("content");
        if !content.is_dir() {
            return Err(crate::load::no_content_dir(&content));
        }
        let listener = bind(options.interface, options.port)?;
        let address = listener
            .local_addr()
            .map_err(|e| Error::Server(format!("cannot read the server's address: {e}")))?;
        let url = format!("http://{}/", shown_address(address));
        let live = Live::new();

        // Watching starts first, so that a save during the first build is not missed.
        let (sender, messages) = mpsc::channel();
        let watched_root = options
            .root
            .canonicalize()
            .map_err(|e| Error::io(&options.root, e))?;
        let watcher = watch(&watched_root, sender.clone())?;

        let started = Instant::now();
        let mut incremental = Incremental::new(&options.root);
        let outcome = incremental.build().unwrap_or_else(failed_build);
        report_build(&outcome, options.color, None, started);
        live.publish(outcome);

        let limits = conn::Limits { idle: options.idle };
        let http = HttpServer::start(
            listener,
            live.clone(),
            options.allowed_hosts.clone(),
            limits,
        )?;
        Ok(Session {
            options,
            watched_root,
            url,
            live,
            http,
            incremental,
            messages,
            stop: StopHandle {
                sender,
                asked: Arc::new(AtomicBool::new(false)),
            },
            watcher,
        })
    }

    /// The address pages are served at, such as `http://127.0.0.1:1111/`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A handle to stop the session from another thread, such as a Ctrl-C handler.
    pub fn stop_handle(&self) -> StopHandle {
        self.stop.clone()
    }

    /// Serves until stopped: each batch of changes is rebuilt and published.
    pub fn run(mut self) -> Result<(), Error> {
        println!(
            "Serving {}/ at {} (live reload; Ctrl-C to stop)",
            display_path(&self.options.root.join("content")),
            self.url
        );
        if !self.options.interface.is_loopback() {
            eprintln!(
                "note: listening on {}: other machines on the network can read the site",
                self.options.interface
            );
        }
        if self.options.open {
            open_browser(&self.url);
        }
        while let Ok(message) = self.messages.recv() {
            match message {
                Message::Stop => break,
                Message::WatchError(e) => eprintln!("warning: watching for changes: {e}"),
                Message::Changed(paths) => match self.settle(paths) {
                    Some(paths) => {
                        if !self.rebuild(&paths) {
                            break;
                        }
                    }
                    None => break,
                },
            }
        }
        self.live.stop();
        self.http.stop();
        drop(self.watcher);
        println!("Stopped.");
        Ok(())
    }

    /// The debounce: gathers changes until the files have been quiet for
    /// `options.debounce` (an editor's save is often a truncate, a write and a
    /// rename), or for at most [`MAX_DEBOUNCE`]. `None` when asked to stop.
    fn settle(&self, mut paths: Vec<PathBuf>) -> Option<Vec<PathBuf>> {
        let started = Instant::now();
        while started.elapsed() < MAX_DEBOUNCE {
            match self.messages.recv_timeout(self.options.debounce) {
                Ok(Message::Changed(more)) => paths.extend(more),
                Ok(Message::WatchError(e)) => eprintln!("warning: watching for changes: {e}"),
                Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => return None,
                Err(RecvTimeoutError::Timeout) => break,
            }
        }
        Some(paths)
    }

    /// Rebuilds what the changed paths affect and publishes the result; a
    /// failure only once no more changes follow within [`FAILURE_GRACE`].
    /// Returns false when asked to stop meanwhile.
    fn rebuild(&mut self, paths: &[PathBuf]) -> bool {
        let mut paths = paths.to_vec();
        loop {
            let relative: Vec<PathBuf> = paths
                .iter()
                .filter_map(|p| p.strip_prefix(&self.watched_root).ok())
                .map(Path::to_path_buf)
                .collect();
            let scope = Scope::of(relative.iter().map(PathBuf::as_path));
            if scope == Scope::Nothing {
                return true;
            }
            if relative
                .iter()
                .any(|p| p == Path::new("content") || p == Path::new("templates"))
            {
                rewatch(&mut self.watcher, &self.watched_root);
            }
            let started = Instant::now();
            let outcome = self
                .incremental
                .rebuild(&scope)
                .unwrap_or_else(failed_build);
            if outcome.site.is_none() {
                match self.messages.recv_timeout(FAILURE_GRACE) {
                    Ok(Message::Changed(more)) => match self.settle(more) {
                        Some(more) => {
                            paths = more;
                            continue;
                        }
                        None => return false,
                    },
                    Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => return false,
                    Ok(Message::WatchError(e)) => {
                        eprintln!("warning: watching for changes: {e}")
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                }
            }
            let changed = describe_changes(&self.watched_root, &relative);
            report_build(
                &outcome,
                self.options.color,
                Some((&changed, self.incremental.rendered())),
                started,
            );
            self.live.publish(outcome);
            return true;
        }
    }
}

/// An I/O failure during a rebuild (a file deleted while it was read) is shown
/// like a content error; the next save rebuilds from scratch.
fn failed_build(e: Error) -> Outcome {
    let path = match &e {
        Error::Io { path, .. } => path.clone(),
        _ => PathBuf::from("content"),
    };
    Outcome {
        site: None,
        diagnostics: vec![Diagnostic::error(path, e.to_string())
            .with_help("save the file again; the next rebuild starts from scratch")],
        near_misses: Vec::new(),
    }
}

/// Prints a build's diagnostics and a one-line result.
fn report_build(
    outcome: &Outcome,
    color: bool,
    change: Option<(&str, &[String])>,
    started: Instant,
) {
    for d in &outcome.diagnostics {
        eprint!("{}", d.render(color));
    }
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let what = match change {
        None if outcome.site.is_none() => "The first build".to_string(),
        None => "Built the site".to_string(),
        Some((changed, _)) if outcome.site.is_none() => format!("{changed} changed: the rebuild"),
        Some((changed, [])) => {
            format!("{changed} changed: rebuilt the index and glossary")
        }
        Some((changed, rendered)) if rendered.len() <= 3 => {
            format!("{changed} changed: rebuilt {}", rendered.join(", "))
        }
        Some((changed, rendered)) => format!(
            "{changed} changed: rebuilt {} briefing{}",
            rendered.len(),
            plural(rendered.len())
        ),
    };
    match &outcome.site {
        Some(site) => println!(
            "{what} in {ms:.1} ms ({} briefing{}, {} notes)",
            site.briefings,
            plural(site.briefings),
            site.notes
        ),
        None => {
            let (errors, warnings) = counts(&outcome.diagnostics);
            eprintln!(
                "{what} failed with {}; still serving the last good site, and open pages show the errors",
                summary(errors, warnings)
            );
        }
    }
}

/// "content/a/annotations.yaml", or "content/a/annotations.yaml and 2 more".
/// One save is often several events: the editor's temporary or backup file,
/// the folder the file is in, the file itself. Each is counted once, and only
/// what the user would call a changed file is counted, when there is one.
/// `paths` are relative to `root`, where they are looked up.
fn describe_changes(root: &Path, paths: &[PathBuf]) -> String {
    let mut unique: Vec<&PathBuf> = paths.iter().collect();
    unique.sort();
    unique.dedup();
    let files: Vec<&PathBuf> = unique
        .iter()
        .copied()
        .filter(|p| !is_editor_leftover(p) && !is_vanished_temporary(root, p))
        .filter(|p| !unique.iter().any(|q| q != p && q.starts_with(p)))
        .collect();
    if !files.is_empty() {
        unique = files;
    }
    match unique.as_slice() {
        [] => "a file".to_string(),
        [one] => display_path(one),
        [first, rest @ ..] => format!("{} and {} more", display_path(first), rest.len()),
    }
}

/// A file a tool wrote and removed within the save, as `sed -i` does with its
/// `sedXXXXXX`: gone by the time the change is handled, and without the
/// extension every file of a project has.
fn is_vanished_temporary(root: &Path, path: &Path) -> bool {
    path.extension().is_none() && fs::symlink_metadata(root.join(path)).is_err()
}

/// A file an editor writes beside the one being saved: hidden and swap files,
/// `name~` backups, vim's numbered probe (`4913`), emacs's `#name#`, `.tmp`.
fn is_editor_leftover(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name.bytes().all(|b| b.is_ascii_digit())
        || [".swp", ".swx", ".tmp", ".bak"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// Binds the listening socket, naming the port when it is taken.
fn bind(interface: IpAddr, port: u16) -> Result<TcpListener, Error> {
    let address = SocketAddr::new(interface, port);
    TcpListener::bind(address).map_err(|e| {
        Error::Usage(match e.kind() {
            std::io::ErrorKind::AddrInUse => format!(
                "port {port} on {interface} is already in use (another `briefing serve`?); stop that server or choose another port with --port"
            ),
            std::io::ErrorKind::AddrNotAvailable => format!(
                "cannot listen on {interface}: this machine has no such address; try --interface 127.0.0.1"
            ),
            std::io::ErrorKind::PermissionDenied => format!(
                "not allowed to listen on port {port} of {interface}; choose a port above 1023 with --port"
            ),
            _ => format!("cannot listen on port {port} of {interface}: {e}"),
        })
    })
}

/// The address to print: a wildcard interface is reached through localhost.
fn shown_address(address: SocketAddr) -> SocketAddr {
    if address.ip().is_unspecified() {
        let local: IpAddr = if address.is_ipv4() {
            [127, 0, 0, 1].into()
        } else {
            std::net::Ipv6Addr::LOCALHOST.into()
        };
        SocketAddr::new(local, address.port())
    } else {
        address
    }
}

/// Opens the site in a browser, without waiting for it; without a display this
/// only says so.
fn open_browser(url: &str) {
    let url = url.to_string();
    let _ = thread::Builder::new()
        .name("briefing-open".into())
        .spawn(move || {
            if let Err(e) = opener::open_browser(&url) {
                eprintln!("note: could not open a browser ({e}); open {url} yourself");
            }
        });
}

/// Watches content/ and templates/ (recursively) and the project folder itself
/// (to notice templates/ appear), sending the paths of each change.
fn watch(root: &Path, sender: Sender<Message>) -> Result<RecommendedWatcher, Error> {
    let mut watcher = notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
        let message = match result {
            Ok(event) if is_change(&event.kind) => Message::Changed(event.paths),
            Ok(_) => return,
            Err(e) => Message::WatchError(e.to_string()),
        };
        let _ = sender.send(message);
    })
    .map_err(|e| Error::Server(format!("cannot watch for changes: {e}")))?;
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| watch_error(root, &e))?;
    for dir in ["content", "templates"] {
        let path = root.join(dir);
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| watch_error(&path, &e))?;
        }
    }
    Ok(watcher)
}

/// Whether an event can change the site. Reading a file is an event too (the
/// build's own reads among them), and must not start a rebuild.
fn is_change(kind: &EventKind) -> bool {
    !matches!(
        kind,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime))
    )
}

/// After content/ or templates/ was created, removed or replaced, watches it anew.
fn rewatch(watcher: &mut RecommendedWatcher, root: &Path) {
    for dir in ["content", "templates"] {
        let path = root.join(dir);
        let _ = watcher.unwatch(&path);
        if path.is_dir() {
            if let Err(e) = watcher.watch(&path, RecursiveMode::Recursive) {
                eprintln!("warning: {}", watch_error(&path, &e));
            }
        }
    }
}

fn watch_error(path: &Path, e: &notify::Error) -> Error {
    Error::Server(format!(
        "cannot watch {} for changes: {e} (on Linux, a low fs.inotify.max_user_watches can cause this)",
        display_path(path)
    ))
}

/// The HTTP server: its accept loop, which serves each connection on a thread.
struct HttpServer {
    accept: JoinHandle<()>,
    address: SocketAddr,
    stopping: Arc<AtomicBool>,
}

impl HttpServer {
    fn start(
        listener: TcpListener,
        live: Arc<Live>,
        allowed_hosts: Vec<String>,
        limits: conn::Limits,
    ) -> Result<HttpServer, Error> {
        let address = listener
            .local_addr()
            .map_err(|e| Error::Server(format!("cannot read the server's address: {e}")))?;
        let stopping = Arc::new(AtomicBool::new(false));
        let handle: Arc<dyn Fn(conn::Request) -> bool + Send + Sync> =
            Arc::new(move |request| http::handle(request, &live, &allowed_hosts));
        let accept = {
            let stopping = stopping.clone();
            thread::Builder::new()
                .name("briefing-accept".into())
                .spawn(move || conn::accept_loop(listener, limits, stopping, handle))
                .map_err(|e| Error::Server(format!("cannot start a server thread: {e}")))?
        };
        Ok(HttpServer {
            accept,
            address,
            stopping,
        })
    }

    /// Stops accepting, waiting two seconds at most; connections being
    /// answered finish on their own threads (or end with the process).
    fn stop(self) {
        self.stopping.store(true, Ordering::SeqCst);
        conn::wake(self.address);
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline && !self.accept.is_finished() {
            thread::sleep(Duration::from_millis(10));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_addresses_are_shown_as_localhost() {
        let any: SocketAddr = "0.0.0.0:1111".parse().unwrap();
        assert_eq!(shown_address(any).to_string(), "127.0.0.1:1111");
        let local: SocketAddr = "127.0.0.2:80".parse().unwrap();
        assert_eq!(shown_address(local), local);
    }

    #[test]
    fn a_port_in_use_is_named() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let err = bind([127, 0, 0, 1].into(), port).unwrap_err().to_string();
        assert!(err.contains(&format!("port {port}")), "{err}");
        assert!(err.contains("already in use"), "{err}");
    }

    #[test]
    fn changes_are_described_briefly() {
        let paths = [
            PathBuf::from("content/a/annotations.yaml"),
            PathBuf::from("content/a/annotations.yaml"),
            PathBuf::from("content/b/article.md"),
        ];
        let root = Path::new("/nonexistent");
        assert_eq!(
            describe_changes(root, &paths[..1]),
            "content/a/annotations.yaml"
        );
        assert_eq!(
            describe_changes(root, &paths),
            "content/a/annotations.yaml and 1 more"
        );
        // One save, as editors make it: each file once, without their leftovers.
        let save = [
            PathBuf::from("content/a/annotations.yaml~"),
            PathBuf::from("content/a/4913"),
            PathBuf::from("content/a/.annotations.yaml.swp"),
            PathBuf::from("content/a"),
            PathBuf::from("content/a/annotations.yaml"),
            PathBuf::from("content/a/annotations.yaml"),
        ];
        assert_eq!(describe_changes(root, &save), "content/a/annotations.yaml");
    }

    #[test]
    fn a_temporary_file_gone_before_the_rebuild_is_not_a_change() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("content/a")).unwrap();
        fs::write(dir.path().join("content/a/annotations.yaml"), "[]").unwrap();
        // `sed -i`: its temporary file, then the file it was renamed over.
        let save = [
            PathBuf::from("content/a/sedAb12Cd"),
            PathBuf::from("content/a/annotations.yaml"),
        ];
        assert_eq!(
            describe_changes(dir.path(), &save),
            "content/a/annotations.yaml"
        );
        // A file still there counts, extension or not, and so does a deleted note file.
        fs::write(dir.path().join("content/a/sedAb12Cd"), "").unwrap();
        assert_eq!(
            describe_changes(dir.path(), &save),
            "content/a/annotations.yaml and 1 more"
        );
        let deleted = [
            PathBuf::from("content/a/annotations.yaml"),
            PathBuf::from("content/b/article.md"),
        ];
        assert_eq!(
            describe_changes(dir.path(), &deleted),
            "content/a/annotations.yaml and 1 more"
        );
    }
}
