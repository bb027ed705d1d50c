//! What open pages need to know: the last good site, the state of the last
//! rebuild, and a stream of Server-Sent Events that tells each page when to
//! reload or to show the errors of a failed rebuild.

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Duration;

use serde::Serialize;

use super::conn::Request;
use crate::diagnostic::Diagnostic;
use crate::pipeline::{Outcome, Site};
use crate::report::Report;

/// Event streams open at once at most; each holds a thread.
pub const MAX_STREAMS: usize = 64;

/// How often an idle stream sends a comment, which is how a stream whose page
/// was closed is noticed (the write fails) and its thread freed.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The state shared by the rebuild loop, the HTTP workers and the event streams.
pub struct Live {
    state: Mutex<State>,
    changed: Condvar,
    /// Tells this server's builds from an earlier server's, after a restart.
    instance: String,
}

struct State {
    /// Counts rebuilds, failed ones included: a stream sends each one once.
    generation: u64,
    /// The id of the site being served; empty until a build succeeds.
    build: String,
    site: Option<Arc<Site>>,
    /// The state as JSON, made once per rebuild.
    status: Arc<String>,
    stopping: bool,
    streams: usize,
}

/// What a request needs: the site to serve and its build id.
pub struct Snapshot {
    pub site: Option<Arc<Site>>,
    pub build: String,
}

/// The state as pages and tools see it (`/__briefing/status`, and each event).
#[derive(Serialize)]
struct Status<'a> {
    /// The id of the site being served; a page built from another reloads.
    build: &'a str,
    generation: u64,
    #[serde(flatten)]
    report: Report<'a>,
    /// The errors as the terminal shows them, for the overlay.
    text: String,
}

impl Live {
    pub fn new() -> Arc<Live> {
        let instance = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Arc::new(Live {
            state: Mutex::new(State {
                generation: 0,
                build: String::new(),
                site: None,
                status: Arc::new(String::from("{}")),
                stopping: false,
                streams: 0,
            }),
            changed: Condvar::new(),
            instance: format!("{instance:x}"),
        })
    }

    /// A lock that survives a panicked holder: the state is replaced whole, so
    /// it is never seen half-updated.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Makes a rebuild's result current and wakes every stream. A failed build
    /// keeps the last good site. Returns the build id being served.
    pub fn publish(&self, outcome: Outcome) -> String {
        let mut state = self.lock();
        state.generation += 1;
        if let Some(site) = outcome.site {
            state.site = Some(Arc::new(site));
            state.build = format!("{}-{}", self.instance, state.generation);
        }
        state.status = Arc::new(status_json(
            &state.build,
            state.generation,
            &outcome.diagnostics,
        ));
        let build = state.build.clone();
        drop(state);
        self.changed.notify_all();
        build
    }

    pub fn snapshot(&self) -> Snapshot {
        let state = self.lock();
        Snapshot {
            site: state.site.clone(),
            build: state.build.clone(),
        }
    }

    pub fn status_json(&self) -> String {
        let json = self.lock().status.clone();
        format!("{json}\n")
    }

    /// Ends every stream (at their next wake-up, which this triggers).
    pub fn stop(&self) {
        self.lock().stopping = true;
        self.changed.notify_all();
    }

    /// Answers an event-stream request on a thread of its own; gives the request
    /// back when there are too many streams already.
    pub fn stream(self: Arc<Self>, request: Request) -> Result<(), Request> {
        {
            let mut state = self.lock();
            if state.streams >= MAX_STREAMS || state.stopping {
                return Err(request);
            }
            state.streams += 1;
        }
        let live = self.clone();
        let spawned = thread::Builder::new()
            .name("briefing-events".into())
            .spawn(move || {
                live.feed(request.into_writer());
                live.lock().streams -= 1;
            });
        if spawned.is_err() {
            self.lock().streams -= 1;
        }
        Ok(())
    }

    /// Writes the response head, then the state after each rebuild, until the
    /// client goes away or the server stops. The body ends with the connection.
    fn feed(&self, mut out: Box<dyn Write + Send>) {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\nretry: 1000\n\n";
        if send(&mut out, head).is_err() {
            return;
        }
        let mut seen = None;
        loop {
            let message = {
                let state = self.lock();
                let (state, _) = self
                    .changed
                    .wait_timeout_while(state, KEEP_ALIVE, |s| {
                        !s.stopping && Some(s.generation) == seen
                    })
                    .unwrap_or_else(PoisonError::into_inner);
                if state.stopping {
                    return;
                }
                if Some(state.generation) == seen {
                    None
                } else {
                    seen = Some(state.generation);
                    Some(state.status.clone())
                }
            };
            let chunk = match message {
                Some(json) => format!("event: state\ndata: {json}\n\n"),
                None => ": keep-alive\n\n".to_string(),
            };
            if send(&mut out, &chunk).is_err() {
                return;
            }
        }
    }
}

fn send(out: &mut Box<dyn Write + Send>, text: &str) -> std::io::Result<()> {
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// The state as one line of JSON (an event's `data:` may not break lines).
fn status_json(build: &str, generation: u64, diagnostics: &[Diagnostic]) -> String {
    let text = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.render(false))
        .collect::<Vec<_>>()
        .join("\n");
    let status = Status {
        build,
        generation,
        report: Report::new(diagnostics),
        text,
    };
    serde_json::to_string(&status).unwrap_or_else(|_| "{}".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_build_keeps_the_last_good_site() {
        let live = Live::new();
        let good = live.publish(Outcome {
            site: Some(Site::default()),
            diagnostics: Vec::new(),
            near_misses: Vec::new(),
        });
        assert!(!good.is_empty());
        let kept = live.publish(Outcome {
            site: None,
            diagnostics: vec![Diagnostic::error("a.yaml", "broken")],
            near_misses: Vec::new(),
        });
        assert_eq!(kept, good);
        assert!(live.snapshot().site.is_some());
        let status: serde_json::Value = serde_json::from_str(&live.status_json()).unwrap();
        assert_eq!(status["ok"], false);
        assert_eq!(status["build"], good.as_str());
        assert_eq!(status["generation"], 2);
        assert!(status["text"]
            .as_str()
            .unwrap()
            .contains("a.yaml: error: broken"));
    }
}
