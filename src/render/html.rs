//! Small HTML helpers: escaping, and the sanitizer for raw HTML written in Markdown.

use std::sync::OnceLock;

/// Escapes text for an HTML body or a quoted attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// [`escape`], appended to `out`: for HTML written in pieces.
pub fn escape_into(out: &mut String, text: &str) {
    pulldown_cmark_escape::escape_html(out, text).expect("writing to a String cannot fail");
}

/// Marks an attribute value as briefing's own (a note's `data-note`, a
/// reference's `id`, `class` and `role`), so that the sanitizer keeps it while
/// dropping the same names from the article's raw HTML. A secret drawn per run:
/// an article cannot guess it. [`finish_own`] takes it out of every page.
pub fn own_marker() -> &'static str {
    static MARKER: OnceLock<String> = OnceLock::new();
    MARKER.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(0x6272_6965_6669_6e67);
        format!("own{:016x}-", h.finish())
    })
}

/// Removes [`own_marker`] from HTML that is not sanitized.
pub fn finish_own(html: String) -> String {
    // One SIMD search over the page, not `contains` and then `replace`.
    let marker = own_marker();
    let mut found = memchr::memmem::find_iter(html.as_bytes(), marker).peekable();
    if found.peek().is_none() {
        return html;
    }
    let mut out = String::with_capacity(html.len());
    let mut from = 0;
    for at in found {
        out.push_str(&html[from..at]);
        from = at + marker.len();
    }
    out.push_str(&html[from..]);
    out
}

/// The built-in stylesheet's class names: raw HTML in an article may not borrow
/// them to pass itself off as a note, a glossary link or a page element.
fn page_classes() -> &'static std::collections::HashSet<String> {
    static CLASSES: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    CLASSES.get_or_init(|| {
        let css = concat!(
            include_str!("../../templates/style.css"),
            include_str!("../../templates/library.css")
        );
        css.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.'))
            .flat_map(|word| word.split('.').skip(1))
            .filter(|name| name.starts_with(|c: char| c.is_ascii_alphabetic()))
            .map(str::to_string)
            .collect()
    })
}

/// Whether an id, class or role of the article's raw HTML is one the page
/// itself uses for notes, terms and landmarks.
fn is_reserved(attribute: &str, token: &str) -> bool {
    const PREFIXES: [&str; 6] = ["note-", "ref-", "term-", "use-", "fn-", "src-"];
    match attribute {
        "id" => {
            PREFIXES.iter().any(|p| token.starts_with(p))
                || token == "main"
                || token.ends_with("-heading")
        }
        "class" => PREFIXES.iter().any(|p| token.starts_with(p)) || page_classes().contains(token),
        "role" => token.starts_with("doc-"),
        _ => false,
    }
}

/// The sanitizer's verdict on one attribute: briefing's own markup keeps its
/// values (without the marker); the article's raw HTML loses the page's own
/// ids, classes, `doc-*` roles and `data-note…`/`data-term…` attributes.
fn filter_attribute<'v>(attribute: &str, value: &'v str) -> Option<std::borrow::Cow<'v, str>> {
    if let Some(own) = value.strip_prefix(own_marker()) {
        return Some(own.into());
    }
    if attribute.starts_with("data-note") || attribute.starts_with("data-term") {
        return None;
    }
    if !matches!(attribute, "id" | "class" | "role") {
        return Some(value.into());
    }
    let kept: Vec<&str> = value
        .split_ascii_whitespace()
        .filter(|token| !is_reserved(attribute, token))
        .collect();
    (!kept.is_empty()).then(|| kept.join(" ").into())
}

/// Cleans HTML that contains raw HTML from the user's Markdown: scripts, event
/// handlers, styles and unsafe URLs go; the markup briefing itself generates stays.
pub fn sanitize(html: &str) -> String {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER
        .get_or_init(|| {
            let mut b = ammonia::Builder::default();
            b.attribute_filter(|_, attribute, value| filter_attribute(attribute, value));
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
        let dirty = format!(
            r##"<p>a<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">j</a><mark data-note="{o}n">m</mark><sup class="{o}noteref"><a role="{o}doc-noteref" id="{o}ref-n" href="#note-n">1</a></sup></p>"##,
            o = own_marker()
        );
        let clean = sanitize(&dirty);
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
    fn raw_html_cannot_forge_notes_terms_or_page_parts() {
        let clean = sanitize(
            r##"<div id="note-n1" class="note-correction wide" role="doc-endnote">FAKE NOTE</div><mark data-note="n1" data-noteid="x" data-x="y">m</mark><a class="back" id="use-bri" href="#term-bri">t</a><i id="src-3">s</i><p id="main" class="notes">p</p><span id="mine" class="mine" role="note">ok</span>"##,
        );
        for forged in [
            "note-n1",
            "note-correction",
            "doc-endnote",
            "data-note",
            "class=\"back\"",
            "use-bri",
            "src-3",
            "id=\"main\"",
            "class=\"notes\"",
        ] {
            assert!(!clean.contains(forged), "{forged} kept in {clean}");
        }
        for kept in [
            "class=\"wide\"",
            "data-x=\"y\"",
            "href=\"#term-bri\"",
            r#"<span id="mine" class="mine" role="note">ok</span>"#,
        ] {
            assert!(clean.contains(kept), "{kept} dropped from {clean}");
        }
        assert!(!finish_own(format!("<b id=\"{}x\">", own_marker())).contains("own"));
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
