//! The connection side of `serve`: accepting, reading each request's head and
//! writing answers, within limits so that no client can make the server hold
//! unbounded memory or threads: a request head of at most [`MAX_HEAD`] bytes
//! (parsed by `httparse`), a connection closed after [`Limits::idle`] without
//! traffic, and at most [`MAX_CONNECTIONS`] connections at once (event streams,
//! once answered, are counted by [`super::live`] instead).

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// The largest request head (request line and headers) read: far above what a
/// browser sends, far below what would cost memory.
pub const MAX_HEAD: usize = 16 * 1024;

/// Connections served at once; one more is answered 503 and closed.
pub const MAX_CONNECTIONS: usize = 128;

/// How a connection is bounded in time.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Silence (no request, or a client not reading) after which a connection closes.
    pub idle: Duration,
}

/// One request, with the connection it came on.
pub struct Request {
    pub method: String,
    /// The request target, such as `/forum/?x=1`.
    pub target: String,
    pub host: Option<String>,
    keep_alive: bool,
    stream: TcpStream,
}

/// An answer: status, headers and the whole body (pages are in memory).
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body,
        }
    }

    /// Adds a header.
    pub fn with(mut self, name: &'static str, value: &str) -> Response {
        self.headers.push((name, value.to_string()));
        self
    }
}

impl Request {
    /// Writes the answer (for HEAD, without its body). Returns whether the
    /// connection may carry another request.
    pub fn respond(&mut self, response: Response) -> bool {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Length: {}\r\n",
            response.status,
            reason(response.status),
            response.body.len()
        );
        // A value with a line break would start a header of its own: never sent.
        for (name, value) in response
            .headers
            .iter()
            .filter(|(_, v)| !v.contains(['\r', '\n']))
        {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if !self.keep_alive {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        let mut out = head.into_bytes();
        if self.method != "HEAD" {
            out.extend_from_slice(&response.body);
        }
        self.stream
            .write_all(&out)
            .and_then(|()| self.stream.flush())
            .is_ok()
            && self.keep_alive
    }

    /// The connection, for an answer that goes on (an event stream).
    pub fn into_writer(self) -> Box<dyn Write + Send> {
        Box::new(self.stream)
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Accepts connections until `stopping` is set (and a connection wakes the
/// loop), serving each on a thread of its own with `handle`.
pub fn accept_loop(
    listener: TcpListener,
    limits: Limits,
    stopping: Arc<AtomicBool>,
    handle: Arc<dyn Fn(Request) -> bool + Send + Sync>,
) {
    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(mut stream) = stream else { continue };
        let _ = stream.set_read_timeout(Some(limits.idle));
        let _ = stream.set_write_timeout(Some(limits.idle));
        if active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            active.fetch_sub(1, Ordering::SeqCst);
            let _ = stream.write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 21\r\nConnection: close\r\n\r\ntoo many connections\n");
            continue;
        }
        let (count, handle) = (active.clone(), handle.clone());
        let spawned = thread::Builder::new()
            .name("briefing-http".into())
            .spawn(move || {
                serve_connection(stream, &*handle);
                count.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            // The stream was dropped with the closure, which never ran.
            active.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// Wakes a blocked [`accept_loop`] so that it sees `stopping`.
pub fn wake(address: SocketAddr) {
    let mut address = address;
    if address.ip().is_unspecified() {
        address.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let _ = TcpStream::connect_timeout(&address, Duration::from_millis(200));
}

/// Reads requests from one connection and answers them, until the client
/// closes it, stays silent too long, breaks a limit, or the answer takes the
/// connection over.
fn serve_connection(mut stream: TcpStream, handle: &(dyn Fn(Request) -> bool + Send + Sync)) {
    let mut buffer = Vec::new();
    loop {
        let head = match read_head(&mut stream, &mut buffer) {
            Ok(head) => head,
            Err(Some((status, why))) => {
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{why}",
                    reason(status),
                    why.len()
                );
                break;
            }
            Err(None) => break,
        };
        let Ok(clone) = stream.try_clone() else { break };
        let request = Request {
            method: head.method,
            target: head.target,
            host: head.host,
            keep_alive: head.keep_alive,
            stream: clone,
        };
        if !handle(request) {
            break;
        }
    }
    let _ = stream.shutdown(Shutdown::Read);
}

struct Head {
    method: String,
    target: String,
    host: Option<String>,
    keep_alive: bool,
}

/// Reads one request head, keeping what follows it in `buffer`. `Err(None)`:
/// the connection ended or went quiet; `Err(Some(..))`: an answer to send first.
fn read_head(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
) -> Result<Head, Option<(u16, &'static str)>> {
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut parsed = httparse::Request::new(&mut headers);
        match parsed.parse(buffer) {
            Ok(httparse::Status::Complete(length)) => {
                let header = |name: &str| {
                    parsed
                        .headers
                        .iter()
                        .find(|h| h.name.eq_ignore_ascii_case(name))
                        .map(|h| String::from_utf8_lossy(h.value).trim().to_string())
                };
                let has_body = header("Content-Length").is_some_and(|l| l != "0")
                    || header("Transfer-Encoding").is_some();
                let close = header("Connection").is_some_and(|c| c.eq_ignore_ascii_case("close"));
                let head = Head {
                    method: parsed.method.unwrap_or_default().to_string(),
                    target: parsed.path.unwrap_or_default().to_string(),
                    host: header("Host"),
                    // A body is never read: the connection ends after the answer.
                    keep_alive: parsed.version == Some(1) && !close && !has_body,
                };
                buffer.drain(..length);
                return Ok(head);
            }
            Ok(httparse::Status::Partial) => {}
            Err(httparse::Error::TooManyHeaders) => {
                return Err(Some((431, "too many header fields\n")))
            }
            Err(_) => return Err(Some((400, "not an HTTP request\n"))),
        }
        if buffer.len() >= MAX_HEAD {
            return Err(Some((431, "the request head is too large\n")));
        }
        let mut chunk = [0u8; 4096];
        let room = (MAX_HEAD - buffer.len()).min(chunk.len());
        match stream.read(&mut chunk[..room]) {
            Ok(0) | Err(_) => return Err(None),
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}
