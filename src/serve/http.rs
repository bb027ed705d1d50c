//! The HTTP side of `serve`: which request target names which file of the
//! built site, what each answer looks like, and the live-reload client put into
//! served pages (and only there: the site in memory is what `build` writes).
//!
//! Files are served from the site in memory, never from the filesystem, so a
//! request can only ever reach a file the build produced; paths that try to
//! leave the site (`..`, `%2e%2e`, encoded slashes, backslashes, absolute and
//! scheme-qualified targets) are refused before any lookup all the same.

use std::sync::Arc;

use super::conn::{Request, Response};
use super::live::{Live, MAX_STREAMS};

/// Where the reload client lives; no briefing can have this name (slugs start
/// with a letter or digit).
pub const PREFIX: &str = "/__briefing/";

/// What a request target asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// A file of the site, by its path in the built site.
    File(String),
    /// The stream of rebuild events (Server-Sent Events).
    Events,
    /// The state of the last build, as JSON.
    Status,
    /// The reload client script.
    Client,
    /// A target that is refused, with the status and the reason.
    Refused(u16, &'static str),
}

/// Maps a request target (`/path?query`) to what it asks for.
pub fn route(target: &str) -> Route {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    if !path.starts_with('/') || path.starts_with("//") {
        return Route::Refused(400, "only paths on this site are served");
    }
    match path {
        "/__briefing/events" => return Route::Events,
        "/__briefing/status" => return Route::Status,
        "/__briefing/live.js" => return Route::Client,
        _ => {}
    }
    let raw: Vec<&str> = path[1..].split('/').collect();
    let mut parts = Vec::with_capacity(raw.len());
    for (i, segment) in raw.iter().enumerate() {
        let Some(decoded) = percent_decode(segment) else {
            return Route::Refused(400, "the path is not valid percent-encoded UTF-8");
        };
        if decoded == ".." || decoded == "." || decoded.contains('\\') {
            return Route::Refused(403, "paths may not leave the site");
        }
        if decoded.contains('/') || decoded.chars().any(char::is_control) {
            return Route::Refused(400, "the path has an encoded slash or a control character");
        }
        if i == 0 && decoded.len() == 2 && decoded.ends_with(':') {
            return Route::Refused(400, "only paths on this site are served");
        }
        if decoded.is_empty() && i + 1 != raw.len() {
            return Route::Refused(400, "the path has an empty segment");
        }
        parts.push(decoded);
    }
    let mut key = parts.join("/");
    if key.is_empty() || key.ends_with('/') {
        key.push_str("index.html");
    }
    Route::File(key)
}

/// Decodes `%XX` escapes; `None` for a broken escape or bytes that are not UTF-8.
fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = segment.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The media type of a file, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "jsonld" => "application/ld+json",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        _ => "application/octet-stream",
    }
}

/// The page as served: the reload client added before `</body>`, and the page's
/// Content-Security-Policy widened just enough to load it and open its event
/// stream (`script-src` and `connect-src` gain `'self'`).
pub fn served_html(html: &[u8], build: &str) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(html) else {
        return html.to_vec();
    };
    let mut text = allow_live_reload(text);
    let tag = format!(
        "<script src=\"{PREFIX}live.js\" data-build=\"{}\"></script>\n",
        crate::render::html::escape(build)
    );
    match rfind_ignore_case(&text, "</body>") {
        Some(at) => text.insert_str(at, &tag),
        None => text.push_str(&tag),
    }
    text.into_bytes()
}

fn rfind_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack.to_ascii_lowercase().rfind(needle)
}

/// Rewrites the `<meta http-equiv="Content-Security-Policy">` of a page, if it
/// has one, so that the reload client may run.
fn allow_live_reload(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let Some(at) = lower.find("http-equiv=\"content-security-policy\"") else {
        return html.to_string();
    };
    let Some(tag_start) = lower[..at].rfind("<meta") else {
        return html.to_string();
    };
    let Some(tag_len) = lower[tag_start..].find('>') else {
        return html.to_string();
    };
    let tag = &lower[tag_start..tag_start + tag_len];
    let Some(value_at) = tag.find("content=\"").map(|i| tag_start + i + 9) else {
        return html.to_string();
    };
    let Some(value_len) = html[value_at..].find('"') else {
        return html.to_string();
    };
    let policy = widen_policy(&html[value_at..value_at + value_len]);
    format!(
        "{}{}{}",
        &html[..value_at],
        policy,
        &html[value_at + value_len..]
    )
}

/// Adds `'self'` to `script-src` and `connect-src`. A directive that is absent
/// falls back to `default-src`, so it is created from that one's sources.
fn widen_policy(policy: &str) -> String {
    let mut directives: Vec<(String, Vec<String>)> = policy
        .split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            let mut words = d.split_whitespace().map(str::to_string);
            let name = words.next().unwrap_or_default().to_ascii_lowercase();
            (name, words.collect())
        })
        .collect();
    let default = directives
        .iter()
        .find(|(n, _)| n == "default-src")
        .map(|(_, s)| s.clone());
    for needed in ["script-src", "connect-src"] {
        match directives.iter_mut().find(|(n, _)| n == needed) {
            Some((_, sources)) => add_self(sources),
            None => {
                if let Some(default) = &default {
                    let mut sources = default.clone();
                    add_self(&mut sources);
                    directives.push((needed.to_string(), sources));
                }
            }
        }
    }
    directives
        .into_iter()
        .map(|(n, s)| {
            if s.is_empty() {
                n
            } else {
                format!("{n} {}", s.join(" "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn add_self(sources: &mut Vec<String>) {
    sources.retain(|s| s != "'none'");
    if !sources.iter().any(|s| s == "'self'") {
        sources.push("'self'".to_string());
    }
}

/// The reload client, shipped inside the binary.
const CLIENT: &str = include_str!("live.js");

/// Answers one request. Never panics on what a client sends; a client that goes
/// away mid-answer only makes the write fail. Returns whether the connection
/// may carry another request.
pub fn handle(mut request: Request, live: &Arc<Live>, allowed_hosts: &[String]) -> bool {
    if !host_allowed(request.host.as_deref(), allowed_hosts) {
        return request.respond(text(
            421,
            "this server answers to localhost and IP addresses only (a guard against DNS rebinding); to reach it by this name, start it with --allow-host NAME\n",
        ));
    }
    let head_only = match request.method.as_str() {
        "GET" => false,
        "HEAD" => true,
        _ => {
            let response = text(405, "only GET and HEAD are served\n").with("Allow", "GET, HEAD");
            request.respond(response);
            return false;
        }
    };
    let response = match route(&request.target) {
        Route::Events if !head_only => {
            if let Err(mut request) = live.clone().stream(request) {
                request.respond(text(
                    503,
                    &format!("too many live-reload connections (at most {MAX_STREAMS})\n"),
                ));
            }
            return false;
        }
        Route::Events => bytes(200, "text/event-stream", Vec::new()),
        Route::Status => bytes(200, "application/json", live.status_json().into_bytes()),
        Route::Client => bytes(200, content_type("live.js"), CLIENT.as_bytes().to_vec()),
        Route::Refused(status, why) => text(status, &format!("{why}\n")),
        Route::File(key) => file(&key, &request.target, live),
    };
    request.respond(response)
}

/// A file of the last good site, a redirect from a folder without its trailing
/// slash (relative links need it), or a page saying why there is none.
fn file(key: &str, target: &str, live: &Arc<Live>) -> Response {
    let snapshot = live.snapshot();
    let Some(site) = &snapshot.site else {
        return html(503, &placeholder_page(), &snapshot.build);
    };
    if let Some(body) = site.files.get(key) {
        let kind = content_type(key);
        return if is_generated_page(key) {
            html(200, body, &snapshot.build)
        } else {
            // An SVG or other file opened on its own runs no script.
            bytes(200, kind, body.clone()).with(
                "Content-Security-Policy",
                "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'",
            )
        };
    }
    let folder_index = format!("{}/index.html", key.trim_end_matches('/'));
    if !key.ends_with("index.html") && site.files.contains_key(&folder_index) {
        let path = target.split(['?', '#']).next().unwrap_or_default();
        let query = &target[path.len()..];
        let location = ascii_path(&format!("{path}/{query}"));
        return text(301, "moved\n").with("Location", &location);
    }
    if key == "favicon.ico" {
        // Browsers ask for it whether or not a page links it.
        return bytes(204, "image/x-icon", Vec::new());
    }
    html(404, &not_found_page(key), &snapshot.build)
}

/// Whether a request's `Host` may be answered: an IP address (a rebound DNS
/// name never arrives as one), `localhost` and its subdomains, or a name the
/// user allowed. A request without one (HTTP/1.0) is not from a browser.
pub fn host_allowed(host: Option<&str>, allowed: &[String]) -> bool {
    let Some(host) = host.map(str::trim) else {
        return true;
    };
    if host.starts_with('[') {
        return host
            .split_once(']')
            .is_some_and(|(ip, _)| ip[1..].parse::<std::net::Ipv6Addr>().is_ok());
    }
    let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    name.parse::<std::net::Ipv4Addr>().is_ok()
        || name == "localhost"
        || name.ends_with(".localhost")
        || allowed.iter().any(|a| a.eq_ignore_ascii_case(&name))
}

/// The pages briefing renders (the index, each briefing, the glossary): the
/// only files the reload client goes into. Anything else, whatever its type,
/// is served as the file it is, under a policy that runs no script.
fn is_generated_page(key: &str) -> bool {
    key == "index.html"
        || key
            .strip_suffix("/index.html")
            .is_some_and(|dir| !dir.contains('/'))
}

/// A request path fit for a header: bytes outside printable ASCII percent-encoded.
fn ascii_path(path: &str) -> String {
    path.bytes()
        .map(|b| {
            if b.is_ascii_graphic() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn bytes(status: u16, kind: &str, body: Vec<u8>) -> Response {
    Response::new(status, body)
        .with("Content-Type", kind)
        .with("Cache-Control", "no-store")
        .with("X-Content-Type-Options", "nosniff")
}

fn text(status: u16, message: &str) -> Response {
    bytes(
        status,
        "text/plain; charset=utf-8",
        message.as_bytes().to_vec(),
    )
}

fn html(status: u16, body: &[u8], build: &str) -> Response {
    bytes(status, content_type(".html"), served_html(body, build))
}

fn not_found_page(key: &str) -> Vec<u8> {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>\n<body><h1>Not found</h1><p>The site has no file <code>{}</code>. <a href=\"/\">Go to the index</a>.</p></body></html>\n",
        crate::render::html::escape(key)
    )
    .into_bytes()
}

fn placeholder_page() -> Vec<u8> {
    b"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head>\n<body><h1>The site could not be built yet</h1><p>The errors are listed here and in the terminal. Fix them and save: this page reloads by itself.</p></body></html>\n".to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_files_folders_and_the_live_endpoints() {
        assert_eq!(route("/"), Route::File("index.html".into()));
        assert_eq!(route("/a/"), Route::File("a/index.html".into()));
        assert_eq!(
            route("/a/index.html?x=1#y"),
            Route::File("a/index.html".into())
        );
        assert_eq!(
            route("/a/photo%20one.jpg"),
            Route::File("a/photo one.jpg".into())
        );
        assert_eq!(route("/__briefing/events"), Route::Events);
        assert_eq!(route("/__briefing/status?x"), Route::Status);
    }

    #[test]
    fn refuses_every_way_out_of_the_site() {
        for target in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/etc/passwd",
            "/a/%2e%2e/%2e%2e/etc/passwd",
            "/..%5c..%5cetc/passwd",
            "/./index.html",
        ] {
            assert_eq!(
                route(target),
                Route::Refused(403, "paths may not leave the site"),
                "{target}"
            );
        }
        for target in [
            "//etc/passwd",
            "http://example.org/index.html",
            "etc/passwd",
            "*",
            "/%2e%2e%2fetc%2fpasswd",
            "/C:/Windows/win.ini",
            "/a%00.html",
            "/%zz",
            "/%ff",
            "/a//b",
        ] {
            assert!(
                matches!(route(target), Route::Refused(400, _)),
                "{target}: {:?}",
                route(target)
            );
        }
    }

    #[test]
    fn only_local_names_and_addresses_are_answered() {
        let allowed = ["briefing.test".to_string()];
        for ok in [
            None,
            Some("127.0.0.1:1111"),
            Some("localhost:1111"),
            Some("LOCALHOST"),
            Some("app.localhost:80"),
            Some("[::1]:1111"),
            Some("192.168.1.20:1111"),
            Some("briefing.test:1111"),
        ] {
            assert!(host_allowed(ok, &allowed), "{ok:?}");
        }
        for bad in [
            Some("evil.example:1111"),
            Some("localhost.evil.example"),
            Some("127.0.0.1.evil.example"),
            Some("[evil]:1"),
            Some(""),
        ] {
            assert!(!host_allowed(bad, &allowed), "{bad:?}");
        }
    }

    #[test]
    fn only_generated_pages_get_the_reload_client() {
        for page in ["index.html", "forum/index.html", "glossary/index.html"] {
            assert!(is_generated_page(page), "{page}");
        }
        for asset in [
            "forum/map.svg",
            "forum/sub/index.html",
            "forum/page.html",
            "x.html",
        ] {
            assert!(!is_generated_page(asset), "{asset}");
        }
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("a/annotations.jsonld"), "application/ld+json");
        assert_eq!(content_type("a/PHOTO.JPG"), "image/jpeg");
        assert_eq!(content_type("a/data.bin"), "application/octet-stream");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }

    #[test]
    fn the_client_goes_into_served_pages_and_the_policy_lets_it_run() {
        let page = "<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'\"></head><body><p>x</p></body></html>";
        let served = String::from_utf8(served_html(page.as_bytes(), "b-1")).unwrap();
        assert!(served.contains(
            "content=\"default-src 'none'; script-src 'unsafe-inline' 'self'; style-src 'unsafe-inline'; connect-src 'self'\""
        ), "{served}");
        assert!(served.ends_with(
            "<p>x</p><script src=\"/__briefing/live.js\" data-build=\"b-1\"></script>\n</body></html>"
        ));
        let bare = String::from_utf8(served_html(b"<p>no body tag</p>", "b")).unwrap();
        assert!(bare.contains("live.js"));
    }

    #[test]
    fn policies_without_script_src_inherit_default_src() {
        assert_eq!(
            widen_policy("default-src 'none'; img-src 'self'"),
            "default-src 'none'; img-src 'self'; script-src 'self'; connect-src 'self'"
        );
        assert_eq!(widen_policy("img-src 'self'"), "img-src 'self'");
    }
}
