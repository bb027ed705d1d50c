//! What a site needs once it lives at a public address: canonical links and
//! link-preview tags in every page, schema.org JSON-LD for each briefing (with
//! its corrections as `ClaimReview`s), an Atom feed, a sitemap, `robots.txt`.
//!
//! All of it needs absolute URLs, so all of it is made only when the site has a
//! `base_url`; without one the site is built exactly as before, for reading
//! from disk. Pages still link each other relatively either way.

mod xml;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{json, Map, Value};

use crate::anchor::{NoteBody, NotePlace, PlacedNote};
use crate::article::ParsedArticle;
use crate::diagnostic::Diagnostic;
use crate::load::address::BaseUrl;
use crate::load::model::{Date, NoteKind, OriginalArticle};
use crate::load::yaml::{text, Plain};
use crate::load::LoadedBriefing;
use crate::render::page::{PageMeta, SiteView};

/// What the feed, the sitemap and a page's tags need to know of one briefing.
#[derive(Debug, Clone)]
pub(crate) struct BriefingFacts {
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub notes: usize,
    /// The date of the events reported (`date:`).
    pub date: Option<Date>,
    /// When the notes were last checked (`checked:`).
    pub checked: Option<Date>,
}

impl BriefingFacts {
    pub fn of(src: &LoadedBriefing, notes: usize) -> BriefingFacts {
        BriefingFacts {
            slug: src.slug.clone(),
            title: src.front.title.value.clone(),
            summary: src.front.summary.plain_cloned(),
            notes,
            date: src.front.date.plain_cloned(),
            checked: src.front.checked.plain_cloned(),
        }
    }

    /// The page's path below the site root, as its canonical URL ends.
    pub fn path(&self) -> String {
        format!("{}/", self.slug)
    }

    /// When the briefing last changed, as far as the content says.
    pub fn modified(&self) -> Option<Date> {
        self.checked.or(self.date)
    }
}

/// A correction note, as a fact-check: the article's claim and the editors' review.
#[derive(Debug, Clone)]
pub(crate) struct Correction {
    pub id: String,
    /// The quoted phrase, as the article states it.
    pub claim: String,
    /// The note, as plain text.
    pub review: String,
}

/// Correction notes with the phrase they correct, for `ClaimReview`s.
pub(crate) fn corrections(article: &ParsedArticle, notes: &[PlacedNote]) -> Vec<Correction> {
    notes
        .iter()
        .filter(|p| p.kind == NoteKind::Correction)
        .filter_map(|p| match (&p.place, &p.body) {
            (NotePlace::Quote(a), NoteBody::Markdown(note)) => Some(Correction {
                id: p.id.clone(),
                claim: crate::anchor::collapse_whitespace(
                    &article.blocks[a.block].text[a.range.clone()],
                ),
                review: plain_text(note),
            }),
            _ => None,
        })
        .collect()
}

/// Which page the head tags are for.
pub(crate) enum PageKind<'a> {
    Home,
    Glossary,
    Briefing {
        facts: &'a BriefingFacts,
        json_ld: String,
    },
    NotFound,
    /// A page of the site's library (topics, a topic, timeline, search): its
    /// folder below the root, with a trailing `/`, and its title.
    Library {
        path: &'a str,
        title: &'a str,
    },
}

/// What `check` says when the site has no `base_url`: not an error, since the
/// site works without one (from disk, or at any address), but worth knowing.
pub const NO_BASE_URL_NOTE: &str = "note: content/site.yaml has no `base_url`, so feed.xml, sitemap.xml, robots.txt, canonical links and link previews are not made; add `base_url: https://…/` when the site has an address";

/// File names a build writes at the site root when the site has a `base_url`.
pub(crate) const FEED: &str = "feed.xml";
pub(crate) const SITEMAP: &str = "sitemap.xml";
pub(crate) const ROBOTS: &str = "robots.txt";

/// The head tags of a page; `None` without a `base_url`.
pub(crate) fn page_meta(site: &SiteView, page: PageKind) -> Option<PageMeta> {
    let base = site.base_url.as_ref()?;
    let image = site.image.as_ref().map(|i| base.join(i.name()));
    let mut meta = PageMeta {
        canonical: Some(base.join("")),
        og_type: "website",
        title: site.title.clone(),
        description: site.description.clone(),
        site_name: site.title.clone(),
        twitter_card: if image.is_some() {
            "summary_large_image"
        } else {
            "summary"
        },
        image,
        published: None,
        modified: None,
        feed: base.join(FEED),
        json_ld: None,
    };
    match page {
        PageKind::Home => {}
        PageKind::Glossary => {
            meta.canonical = Some(base.join("glossary/"));
            meta.title = format!("Glossary · {}", site.title);
        }
        PageKind::Briefing { facts, json_ld } => {
            meta.canonical = Some(base.join(&facts.path()));
            meta.og_type = "article";
            meta.title = facts.title.clone();
            meta.description = facts.summary.clone();
            meta.published = facts.date.map(|d| xml::day(&d));
            meta.modified = facts.modified().map(|d| xml::day(&d));
            meta.json_ld = Some(json_ld);
        }
        PageKind::Library { path, title } => {
            meta.canonical = Some(base.join(path));
            meta.title = format!("{title} · {}", site.title);
        }
        PageKind::NotFound => {
            meta.canonical = None;
            meta.title = format!("Page not found · {}", site.title);
        }
    }
    Some(meta)
}

/// schema.org JSON-LD for a briefing page: the briefing as an `Article` that
/// `isBasedOn` the original news article, and each correction as a `ClaimReview`
/// of the claim as the original states it. `None` without a `base_url`.
pub(crate) fn briefing_json_ld(
    site: &SiteView,
    facts: &BriefingFacts,
    language: &str,
    original: Option<&OriginalArticle>,
    corrections: &[Correction],
) -> Option<String> {
    let base = site.base_url.as_ref()?;
    let page = base.join(&facts.path());
    // Nodes described once and referred to by id: the publisher, and the
    // original (by its URL, or by an id of ours when its URL is not known).
    let publisher_id = format!("{}#publisher", base.as_str());
    let publisher = json!({
        "@type": "Organization",
        "@id": publisher_id,
        "name": site.publisher.as_deref().unwrap_or(&site.title),
        "url": base.as_str(),
    });
    let original = original.cloned().unwrap_or_default();
    let url = text(&original.url).filter(|u| crate::validate::links::is_safe_url(u));
    let original_id = url.map_or_else(|| format!("{page}#original"), str::to_string);
    let mut based_on = object(json!({
        "@type": "NewsArticle",
        "@id": original_id,
        "headline": text(&original.title).unwrap_or(&facts.title),
    }));
    put(&mut based_on, "url", url.map(str::to_string));
    put(
        &mut based_on,
        "datePublished",
        original.published.plain().map(xml::day),
    );
    put_named(&mut based_on, "author", "Person", text(&original.author));
    put_named(
        &mut based_on,
        "publisher",
        "Organization",
        text(&original.publisher),
    );
    let based_on = Value::Object(based_on);

    let mut article = object(json!({
        "@type": "Article",
        "@id": format!("{page}#briefing"),
        "url": page,
        "mainEntityOfPage": page,
        "headline": facts.title,
        "inLanguage": language,
        "publisher": publisher,
        "isPartOf": {"@type": "WebSite", "@id": base.as_str(), "url": base.as_str(), "name": site.title},
        "isBasedOn": based_on,
    }));
    put(&mut article, "description", facts.summary.clone());
    put(
        &mut article,
        "datePublished",
        facts.date.map(|d| xml::day(&d)),
    );
    put(
        &mut article,
        "dateModified",
        facts.modified().map(|d| xml::day(&d)),
    );
    put_named(&mut article, "author", "Person", site.author.as_deref());
    put(
        &mut article,
        "image",
        site.image.as_ref().map(|i| base.join(i.name())),
    );

    let mut graph = vec![Value::Object(article)];
    for c in corrections {
        let mut claim = object(json!({
            "@type": "Claim",
            "appearance": {"@id": original_id},
        }));
        put_named(
            &mut claim,
            "author",
            "Organization",
            text(&original.publisher),
        );
        put(
            &mut claim,
            "datePublished",
            original.published.plain().map(xml::day),
        );
        let mut review = object(json!({
            "@type": "ClaimReview",
            "@id": format!("{page}#note-{}", c.id),
            "url": format!("{page}#note-{}", c.id),
            "claimReviewed": c.claim,
            "reviewBody": c.review,
            "itemReviewed": Value::Object(claim),
            "author": {"@id": publisher_id},
            "reviewRating": {"@type": "Rating", "alternateName": "Needs correction"},
            "isPartOf": {"@id": format!("{page}#briefing")},
        }));
        put(
            &mut review,
            "datePublished",
            facts.modified().map(|d| xml::day(&d)),
        );
        graph.push(Value::Object(review));
    }
    let doc = json!({"@context": "https://schema.org", "@graph": graph});
    Some(script_safe_json(&doc))
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn put(map: &mut Map<String, Value>, key: &str, value: Option<String>) {
    if let Some(v) = value {
        map.insert(key.into(), v.into());
    }
}

fn put_named(map: &mut Map<String, Value>, key: &str, kind: &str, name: Option<&str>) {
    if let Some(name) = name {
        map.insert(key.into(), json!({"@type": kind, "name": name}));
    }
}

/// JSON that cannot close or open markup inside `<script>`: `<`, `>` and `&`
/// only occur in strings, where JSON's `\u` escapes mean the same characters.
fn script_safe_json(doc: &Value) -> String {
    serde_json::to_string(doc)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The site-wide files of a published site: the feed, the sitemap, `robots.txt`
/// and the share image. Without a `base_url`, only the user's own
/// `content/robots.txt` is copied, as any file of theirs would be. `pages` are
/// the site's other pages (their folders, with a trailing `/`) for the sitemap.
pub(crate) fn site_files(
    site: &SiteView,
    briefings: &[BriefingFacts],
    pages: &[String],
    content_dir: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let own_robots = content_dir.join(ROBOTS);
    match std::fs::read(&own_robots) {
        Ok(bytes) => {
            files.insert(ROBOTS.to_string(), bytes);
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => diagnostics.push(Diagnostic::error(
            &own_robots,
            format!("cannot read file: {e}"),
        )),
    }
    let Some(base) = &site.base_url else {
        return files;
    };
    let mut newest_first: Vec<&BriefingFacts> = briefings.iter().collect();
    newest_first.sort_by(|a, b| b.date.cmp(&a.date).then(a.slug.cmp(&b.slug)));
    for b in newest_first.iter().filter(|b| b.modified().is_none()) {
        diagnostics.push(
            Diagnostic::warning(
                content_dir.join(&b.slug).join("article.md"),
                format!(
                    "briefing `{}` has neither `date` nor `checked`, so it is left out of feed.xml",
                    b.slug
                ),
            )
            .with_help(
                "add `checked: YYYY-MM-DD` (when the notes were last checked) to the front matter",
            ),
        );
    }
    files.insert(FEED.to_string(), xml::feed(site, base, &newest_first));
    files.insert(
        SITEMAP.to_string(),
        xml::sitemap(base, &newest_first, pages),
    );
    files
        .entry(ROBOTS.to_string())
        .or_insert_with(|| robots(base).into_bytes());
    if let Some(image) = &site.image {
        let path = content_dir.join(image.name());
        match std::fs::read(&path) {
            Ok(bytes) => {
                files.insert(image.name().to_string(), bytes);
            }
            Err(e) => diagnostics.push(
                Diagnostic::error(
                    content_dir.join("site.yaml"),
                    format!(
                        "image `{}`: cannot read {}: {e}",
                        image.name(),
                        crate::diagnostic::display_path(&path)
                    ),
                )
                .with_help("put the image file in content/, beside site.yaml, or remove `image:`"),
            ),
        }
    }
    files
}

/// Lets every crawler in and tells it where the sitemap is.
fn robots(base: &BaseUrl) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        base.join(SITEMAP)
    )
}

/// The note as plain text, for JSON-LD: Markdown's words without its markup,
/// on one line. CommonMark without extensions, as JSON-LD has always had it.
pub(crate) fn plain_text(markdown: &str) -> String {
    let text = crate::render::markdown::plain_text(pulldown_cmark::Parser::new(markdown));
    crate::anchor::collapse_whitespace(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(slug: &str, date: Option<&str>, checked: Option<&str>) -> BriefingFacts {
        BriefingFacts {
            slug: slug.into(),
            title: format!("Title of {slug}"),
            summary: None,
            notes: 1,
            date: date.and_then(Date::parse),
            checked: checked.and_then(Date::parse),
        }
    }

    #[test]
    fn the_feed_lists_dated_briefings_newest_first_and_warns_about_the_rest() {
        let site = SiteView {
            title: "T".into(),
            language: "en".into(),
            description: None,
            base_url: Some(BaseUrl::parse("https://example.org/b/").unwrap()),
            author: None,
            publisher: None,
            image: None,
        };
        let briefings = [
            facts("older", Some("2023-05"), None),
            facts("undated", None, None),
            facts("newer", Some("2024-04-16"), Some("2026-01-02")),
        ];
        let mut diagnostics = Vec::new();
        let dir = tempfile::tempdir().unwrap();
        let files = site_files(&site, &briefings, &[], dir.path(), &mut diagnostics);
        let feed = String::from_utf8(files[FEED].clone()).unwrap();
        let newer = feed.find("<id>https://example.org/b/newer/</id>").unwrap();
        let older = feed.find("<id>https://example.org/b/older/</id>").unwrap();
        assert!(newer < older, "{feed}");
        assert!(!feed.contains("undated"), "{feed}");
        assert!(feed.contains("<updated>2026-01-02T00:00:00Z</updated>\n  <author>"));
        assert!(feed.contains("<updated>2023-05-01T00:00:00Z</updated>"));
        assert!(feed.contains("<summary>1 note on the article.</summary>"));
        assert_eq!(diagnostics.len(), 1);
        assert!(diagnostics[0].message.contains("`undated`"));
        let sitemap = String::from_utf8(files[SITEMAP].clone()).unwrap();
        assert!(sitemap.contains("<loc>https://example.org/b/undated/</loc>\n  </url>"));
        assert!(files[ROBOTS].ends_with(b"Sitemap: https://example.org/b/sitemap.xml\n"));
    }

    #[test]
    fn json_ld_cannot_end_its_script_element() {
        let doc = json!({"claimReviewed": "</script><script>alert(1)</script> & more"});
        let safe = script_safe_json(&doc);
        assert!(!safe.contains('<') && !safe.contains('&'), "{safe}");
        let back: Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, doc);
    }

    #[test]
    fn plain_text_drops_markup_and_keeps_words() {
        assert_eq!(
            plain_text("The forum met in **Xi’an**, not [Beijing](https://x.org).\n\nSee `DSR`."),
            "The forum met in Xi’an, not Beijing. See DSR."
        );
    }
}
