//! `briefing check --links`: every web address the site links (the article's
//! links, the original's URL, notes, sources and archived copies, the editor's
//! summary, the glossary) is requested once, to find the links that rotted.
//!
//! Each address gets a HEAD request, and a GET when HEAD fails (many servers
//! refuse HEAD); redirects are followed and reported with the address they end
//! at. A few requests run at once, each with a time-out. Addresses found working
//! are kept in `.briefing-cache/links.json` beside `content/` and are not
//! requested again for a week, so a rerun only asks for what is new or was
//! broken. This is the only part of the tool that uses the network, and only
//! when asked to.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::article::{self, ParsedArticle};
use crate::diagnostic::{display_path, Diagnostic, Position};
use crate::load::model::SourceRef;
use crate::load::{self, Content};
use crate::text_file::TextFile;
use crate::validate::links::url_scheme;
use crate::Error;

/// Requests in flight at once: enough to be quick, few enough not to look
/// like an attack on any one site.
const JOBS: usize = 8;

/// How long a working link is trusted without asking again.
const CACHE_MAX_AGE: Duration = Duration::from_secs(7 * 24 * 3600);

/// Where the cache lives, relative to the project root.
pub const CACHE_FILE: &str = ".briefing-cache/links.json";

/// How `check --links` runs.
#[derive(Debug, Clone)]
pub struct LinkOptions {
    /// The longest one request may take, connecting included.
    pub timeout: Duration,
}

/// What asking for an address gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "lowercase")]
enum Status {
    Ok,
    /// Answered, after redirects, from another address.
    Redirected {
        to: String,
    },
    /// Answered with an HTTP error status.
    Broken {
        code: u16,
    },
    /// No answer: refused, reset, timed out, no such host.
    Unreachable {
        why: String,
    },
}

impl Status {
    fn works(&self) -> bool {
        matches!(self, Status::Ok | Status::Redirected { .. })
    }
}

/// One place an address is written, to report it at.
struct Use {
    url: String,
    file: PathBuf,
    position: Option<Position>,
    snippet: Option<String>,
}

/// The outcome of a link check: a diagnostic per broken or redirected use, and
/// counts for the summary.
#[derive(Debug, Default)]
pub struct LinkReport {
    /// One per place a broken, unreachable or redirected address is written.
    pub diagnostics: Vec<Diagnostic>,
    /// Distinct addresses, fragments left out.
    pub checked: usize,
    /// Of those, answered from the cache without a request.
    pub from_cache: usize,
    /// Addresses answered with an HTTP error.
    pub broken: usize,
    /// Addresses that answered from another address.
    pub redirected: usize,
    /// Addresses that gave no answer.
    pub unreachable: usize,
    /// Why the cache could not be written, if it could not.
    pub cache_problem: Option<String>,
}

impl LinkReport {
    /// "links: 6 checked (2 from the cache): 1 broken, 1 redirected, 1 unreachable".
    pub fn summary(&self) -> String {
        let mut out = format!(
            "links: {} address{} checked ({} from the cache)",
            self.checked,
            if self.checked == 1 { "" } else { "es" },
            self.from_cache
        );
        let parts: Vec<String> = [
            (self.broken, "broken"),
            (self.redirected, "redirected"),
            (self.unreachable, "unreachable"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        if parts.is_empty() {
            out.push_str(": all working");
        } else {
            out.push_str(": ");
            out.push_str(&parts.join(", "));
        }
        out
    }
}

/// Checks every web address of the project at `root`.
pub fn check_links(root: &Path, options: &LinkOptions) -> Result<LinkReport, Error> {
    let (content, _) = load::load(&root.join("content"))?;
    let uses = web_addresses(&content);
    let cache_path = root.join(CACHE_FILE);
    let mut cache = Cache::read(&cache_path);
    let now = unix_now();
    let mut unique: Vec<&str> = uses.iter().map(|u| u.url.as_str()).collect();
    unique.sort_unstable();
    unique.dedup();
    let mut results: BTreeMap<String, Status> = BTreeMap::new();
    let mut todo = Vec::new();
    for url in unique {
        match cache.fresh(url, now) {
            Some(status) => {
                results.insert(url.to_string(), status);
            }
            None => todo.push(url),
        }
    }
    let mut report = LinkReport {
        checked: results.len() + todo.len(),
        from_cache: results.len(),
        ..LinkReport::default()
    };
    for (url, status) in request_all(&todo, options) {
        if status.works() {
            cache.store(&url, &status, now);
        }
        results.insert(url, status);
    }
    for status in results.values() {
        match status {
            Status::Ok => {}
            Status::Redirected { .. } => report.redirected += 1,
            Status::Broken { .. } => report.broken += 1,
            Status::Unreachable { .. } => report.unreachable += 1,
        }
    }
    for u in &uses {
        if let Some(d) = results.get(&u.url).and_then(|s| diagnostic(u, s)) {
            report.diagnostics.push(d);
        }
    }
    report.cache_problem = cache.write(&cache_path).err();
    Ok(report)
}

fn diagnostic(u: &Use, status: &Status) -> Option<Diagnostic> {
    let url = &u.url;
    let d = match status {
        Status::Ok => return None,
        Status::Redirected { to } => Diagnostic::warning(&u.file, format!("link `{url}` redirects to `{to}`"))
            .with_help("replace the address with the one it redirects to, after checking it is the same page"),
        Status::Broken { code } => Diagnostic::error(&u.file, format!("link `{url}` is broken: the server answers {code}"))
            .with_help("find where the page moved, or link an archived copy (a source's `archived:`), or remove the link"),
        Status::Unreachable { why } => Diagnostic::error(&u.file, format!("link `{url}` could not be reached: {why}"))
            .with_help("check the address; if the site is only down for now, run `briefing check --links` again later"),
    };
    Some(d.at(u.position).with_snippet(u.snippet.as_deref()))
}

/// Requests each address, a few at a time.
fn request_all(urls: &[&str], options: &LinkOptions) -> Vec<(String, Status)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .http_status_as_error(false)
        .max_redirects(10)
        .user_agent(concat!("briefing-link-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(urls.len()));
    std::thread::scope(|scope| {
        for _ in 0..JOBS.min(urls.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(url) = urls.get(i) else { break };
                let status = request(&agent, url, options.timeout);
                if let Ok(mut r) = results.lock() {
                    r.push((url.to_string(), status));
                }
            });
        }
    });
    results.into_inner().unwrap_or_default()
}

/// HEAD, then GET if HEAD was refused or failed for any reason but a time-out.
fn request(agent: &ureq::Agent, url: &str, timeout: Duration) -> Status {
    let head = agent.head(url).call();
    let response = match head {
        Ok(r) if r.status().as_u16() < 400 => Ok(r),
        Err(e @ ureq::Error::Timeout(_)) => Err(e),
        _ => agent.get(url).call(),
    };
    match response {
        Ok(r) => {
            let code = r.status().as_u16();
            let to = ureq::ResponseExt::get_uri(&r).to_string();
            if code >= 400 {
                Status::Broken { code }
            } else if to.trim_end_matches('/') != url.trim_end_matches('/') {
                Status::Redirected { to }
            } else {
                Status::Ok
            }
        }
        Err(ureq::Error::Timeout(_)) => Status::Unreachable {
            why: format!("no answer within {} s", timeout.as_secs_f64()),
        },
        Err(ureq::Error::Io(e)) => Status::Unreachable { why: e.to_string() },
        Err(e) => Status::Unreachable { why: e.to_string() },
    }
}

/// The cache file: addresses found working, and when.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    /// Marks the file as this tool's, so that a file of the same name that is
    /// not is never overwritten.
    tool: String,
    version: u32,
    links: BTreeMap<String, Entry>,
    #[serde(skip)]
    foreign: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    /// Seconds since 1970 when the address was last found working.
    checked: u64,
    #[serde(flatten)]
    status: Status,
}

const TOOL: &str = "briefing check --links";

impl Cache {
    fn read(path: &Path) -> Cache {
        let Ok(text) = std::fs::read_to_string(path) else {
            return Cache::default();
        };
        match serde_json::from_str::<Cache>(&text) {
            Ok(c) if c.tool == TOOL && c.version == 1 => c,
            _ => Cache {
                foreign: true,
                ..Cache::default()
            },
        }
    }

    fn fresh(&self, url: &str, now: u64) -> Option<Status> {
        self.links
            .get(url)
            .filter(|e| now.saturating_sub(e.checked) < CACHE_MAX_AGE.as_secs())
            .map(|e| e.status.clone())
    }

    fn store(&mut self, url: &str, status: &Status, now: u64) {
        self.links.insert(
            url.to_string(),
            Entry {
                checked: now,
                status: status.clone(),
            },
        );
    }

    /// Writes the cache through a temporary file, so a crash never leaves half
    /// a file; a file of that name that is not the tool's is left alone.
    fn write(mut self, path: &Path) -> Result<(), String> {
        if self.foreign {
            return Err(format!(
                "{} is not a cache written by briefing; it was left as it is and no cache was kept",
                display_path(path)
            ));
        }
        self.tool = TOOL.to_string();
        self.version = 1;
        let text = serde_json::to_string_pretty(&self).map_err(|e| e.to_string())?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let temp = path.with_extension("json.tmp");
        std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&temp, text + "\n"))
            .and_then(|()| std::fs::rename(&temp, path))
            .map_err(|e| format!("cannot write {}: {e}", display_path(path)))
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Every http(s) address of the content, once per place it is written.
fn web_addresses(content: &Content) -> Vec<Use> {
    let mut uses = Vec::new();
    for src in &content.briefings {
        let parsed = ParsedArticle::parse(src.body());
        for d in &parsed.destinations {
            let at = Some(src.article.position(src.body_start + d.source));
            push_web(&mut uses, &d.url, &src.article, at);
        }
        if let Some(url) = src.front.source.as_ref().and_then(|s| s.url.as_ref()) {
            push_web(&mut uses, url, &src.article, url.position());
        }
        for point in &src.front.editor_summary {
            push_markdown(&mut uses, point, &src.article, point.position());
        }
        for f in &src.notes {
            for note in &f.value {
                push_markdown(&mut uses, &note.note, &f.file, note.note.position());
                push_sources(&mut uses, &f.file, &note.sources);
            }
        }
    }
    if let Some(g) = &content.glossary {
        for t in &g.value {
            push_markdown(&mut uses, &t.definition, &g.file, t.definition.position());
            push_sources(&mut uses, &g.file, &t.sources);
        }
    }
    uses
}

fn push_sources(uses: &mut Vec<Use>, file: &TextFile, sources: &[SourceRef]) {
    for s in sources {
        for url in [&s.url, &s.archived].into_iter().flatten() {
            push_web(uses, url, file, url.position());
        }
    }
}

fn push_markdown(uses: &mut Vec<Use>, markdown: &str, file: &TextFile, at: Option<Position>) {
    for d in article::destinations(markdown) {
        push_web(uses, &d.url, file, at);
    }
}

/// Keeps an address if it is http(s), without its `#fragment` (never sent).
fn push_web(uses: &mut Vec<Use>, url: &str, file: &TextFile, at: Option<Position>) {
    if !matches!(url_scheme(url).as_deref(), Some("http" | "https")) {
        return;
    }
    let url = url.split('#').next().unwrap_or(url).trim().to_string();
    uses.push(Use {
        url,
        file: file.path.clone(),
        position: at,
        snippet: at.and_then(|p| file.line(p.line)).map(str::to_string),
    });
}
