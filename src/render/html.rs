//! Small HTML helpers: escaping, and the sanitizer for raw HTML written in Markdown.

use std::sync::OnceLock;

/// Escapes text for an HTML body or a quoted attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, text).expect("writing to a String cannot fail");
    out
}

/// Cleans HTML that contains raw HTML from the user's Markdown: scripts, event
/// handlers, styles and unsafe URLs go; the markup briefing itself generates stays.
pub fn sanitize(html: &str) -> String {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER
        .get_or_init(|| {
            let mut b = ammonia::Builder::default();
            b.add_tags(["mark", "section", "dfn", "abbr", "small", "s"])
                .add_generic_attributes([
                    "id",
                    "class",
                    "role",
                    "aria-label",
                    "aria-describedby",
                    "title",
                    "lang",
                    "dir",
                ])
                .add_generic_attribute_prefixes(["data-"])
                .url_schemes(["http", "https", "mailto"].into_iter().collect())
                .link_rel(None);
            b
        })
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizer_removes_scripts_and_handlers_but_keeps_our_markup() {
        let dirty = r##"<p>a<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">j</a><mark data-note="n">m</mark><sup class="noteref"><a role="doc-noteref" id="ref-n" href="#note-n">1</a></sup></p>"##;
        let clean = sanitize(dirty);
        assert!(
            !clean.contains("script")
                && !clean.contains("onerror")
                && !clean.contains("javascript"),
            "{clean}"
        );
        assert!(clean.contains(r#"<mark data-note="n">m</mark>"#), "{clean}");
        assert!(
            clean.contains(r##"<a role="doc-noteref" id="ref-n" href="#note-n">1</a>"##),
            "{clean}"
        );
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
