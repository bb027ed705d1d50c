//! The link policy of every page, checked here so that a bad link is a located
//! error, and enforced again by the renderer so that none reaches a page.

/// Whether a link or image destination may appear in the page. Relative links,
/// fragments, http(s) and mailto are allowed; `javascript:`, `data:` and every
/// other scheme are not.
pub fn is_safe_url(url: &str) -> bool {
    match url_scheme(url) {
        None => true,
        Some(scheme) => matches!(scheme.as_str(), "http" | "https" | "mailto"),
    }
}

/// Why a link or image may not appear in a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    /// `javascript:`, `data:` or any scheme but http(s) and mailto.
    UnsafeScheme,
    /// An image the reader's browser would fetch from the network.
    NetworkImage,
    /// `https://` with nothing after it, or no host before the path.
    NoHost,
}

impl LinkProblem {
    /// The one link policy of every page: checked at build time, enforced again
    /// when Markdown is rendered.
    pub fn of(url: &str, image: bool) -> Option<LinkProblem> {
        if !is_safe_url(url) {
            Some(LinkProblem::UnsafeScheme)
        } else if image && url_scheme(url).is_some() {
            Some(LinkProblem::NetworkImage)
        } else if lacks_host(url) {
            Some(LinkProblem::NoHost)
        } else {
            None
        }
    }

    /// "unsafe link `javascript:x` in a note".
    pub fn message(self, url: &str, place: &str) -> String {
        match self {
            LinkProblem::UnsafeScheme => format!("unsafe link `{url}` in {place}"),
            LinkProblem::NetworkImage => {
                format!("image `{url}` in {place} would be loaded from the network")
            }
            LinkProblem::NoHost => format!("link `{url}` in {place} names no site"),
        }
    }

    pub fn help(self) -> &'static str {
        match self {
            LinkProblem::UnsafeScheme => {
                "links may be http(s), mailto or relative; `javascript:` and `data:` URLs are not allowed"
            }
            LinkProblem::NetworkImage => "save the image in the briefing folder and link it by file name",
            LinkProblem::NoHost => NO_HOST_HELP,
        }
    }
}

/// The help for an http(s) address without a host.
pub const NO_HOST_HELP: &str =
    "give the full address, with the site's name: https://example.org/page";

/// True for an http(s) address that names no host: `https://`, `https:///x`,
/// `http:page`. Browsers would go nowhere, or somewhere unintended.
pub fn lacks_host(url: &str) -> bool {
    if !matches!(url_scheme(url).as_deref(), Some("http" | "https")) {
        return false;
    }
    let rest = url.trim().split_once(':').map_or("", |(_, r)| r);
    let Some(authority) = rest.strip_prefix("//") else {
        return true;
    };
    let authority = authority.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    host.is_empty()
}

/// Why `url` is not the full address of a web page, if it is not: sources and
/// the original article are pages elsewhere on the web, so a relative path, a
/// `mailto:` or a malformed host would publish a link that goes nowhere.
pub fn web_address_problem(url: &str) -> Option<&'static str> {
    if !matches!(url_scheme(url).as_deref(), Some("http" | "https")) {
        return Some("is not an http(s) address");
    }
    if lacks_host(url) {
        return Some("names no site");
    }
    let trimmed = url.trim();
    if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("contains a space or a control character");
    }
    match url::Url::parse(trimmed) {
        Ok(parsed) if parsed.host_str().is_some_and(|h| !h.is_empty()) => None,
        _ => Some("is not a well-formed web address"),
    }
}

/// `htps://x` → `https://x`: a scheme one or two letters from http(s), as typed
/// in a hurry, with the address it was meant to be.
pub fn scheme_typo(url: &str) -> Option<String> {
    let scheme = url_scheme(url)?;
    if matches!(scheme.as_str(), "http" | "https") {
        return None;
    }
    let meant = ["https", "http"]
        .into_iter()
        .find(|m| strsim::levenshtein(&scheme, m) <= 2 && scheme.len() >= 3)?;
    let rest = url.trim().split_once(':')?.1;
    Some(format!("{meant}:{rest}"))
}

/// The lower-cased scheme of a URL, if it has one. Control characters and spaces
/// that browsers ignore are skipped first, so `java\tscript:` is still seen.
pub fn url_scheme(url: &str) -> Option<String> {
    let mut scheme = String::new();
    for b in url.bytes() {
        match b {
            b':' if !scheme.is_empty() => return Some(scheme),
            b'/' | b'?' | b'#' | b':' => return None,
            b if b.is_ascii_control() || b == b' ' => {}
            b => scheme.push(b.to_ascii_lowercase() as char),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_addresses_must_be_whole() {
        for ok in [
            "https://fortune.com/x",
            "http://127.0.0.1:8080/a?b=c#d",
            "https://例え.jp/",
        ] {
            assert_eq!(web_address_problem(ok), None, "{ok}");
        }
        for bad in [
            "htps//fortune.com/x",
            "fortune.com/x",
            "https://fortune .com/x",
            "https://for<b>tune.com/x",
            "https://",
            "mailto:a@b.org",
            "/relative/page",
            "https://a..b:99999/",
        ] {
            assert!(web_address_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn url_policy() {
        for ok in [
            "https://x.org/a",
            "http://x",
            "mailto:a@b",
            "../a/index.html",
            "#note-1",
            "dir/a:b",
        ] {
            assert!(is_safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:x",
            "java\tscript:x",
            " data:text/html,x",
            "vbscript:x",
            "file:///etc/passwd",
        ] {
            assert!(!is_safe_url(bad), "{bad}");
        }
        assert_eq!(
            scheme_typo("htps://a.org/x").as_deref(),
            Some("https://a.org/x")
        );
        assert_eq!(scheme_typo("javascript:x"), None);
        for no_host in [
            "https://",
            "https:///page",
            "http:page",
            "https://:80/x",
            "https://user@/x",
        ] {
            assert!(lacks_host(no_host), "{no_host}");
        }
        for host in [
            "https://example.org",
            "http://127.0.0.1:8080/x",
            "mailto:a@b",
            "../x",
            "https://a@b.org",
        ] {
            assert!(!lacks_host(host), "{host}");
        }
    }
}
