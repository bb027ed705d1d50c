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
}

impl LinkProblem {
    /// The one link policy of every page: checked at build time, enforced again
    /// when Markdown is rendered.
    pub fn of(url: &str, image: bool) -> Option<LinkProblem> {
        if !is_safe_url(url) {
            Some(LinkProblem::UnsafeScheme)
        } else if image && url_scheme(url).is_some() {
            Some(LinkProblem::NetworkImage)
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
        }
    }

    pub fn help(self) -> &'static str {
        match self {
            LinkProblem::UnsafeScheme => {
                "links may be http(s), mailto or relative; `javascript:` and `data:` URLs are not allowed"
            }
            LinkProblem::NetworkImage => "save the image in the briefing folder and link it by file name",
        }
    }
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
    }
}
