//! The Atom feed (RFC 4287) and the sitemap (sitemaps.org 0.9), written with
//! quick-xml, which escapes every text and attribute value.

use std::io;

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use super::{BriefingFacts, FEED};
use crate::load::address::BaseUrl;
use crate::load::model::Date;
use crate::render::page::SiteView;

/// A date as a full `YYYY-MM-DD`: a date known only to the month or year is
/// given as its first day, since feeds and sitemaps want whole dates.
pub(crate) fn day(d: &Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        d.year,
        d.month.unwrap_or(1),
        d.day.unwrap_or(1)
    )
}

/// An RFC 3339 timestamp at the start of the day, UTC: the content has dates
/// only, and a fixed time keeps builds reproducible.
fn timestamp(d: &Date) -> String {
    format!("{}T00:00:00Z", day(d))
}

type Xml = Writer<Vec<u8>>;

fn new_document() -> Xml {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing to a Vec cannot fail.
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)));
    w
}

fn finish(w: Xml) -> Vec<u8> {
    let mut bytes = w.into_inner();
    bytes.push(b'\n');
    bytes
}

fn text(w: &mut Xml, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(value))
        .map(|_| ())
}

fn link(w: &mut Xml, rel: &str, kind: &str, href: &str) -> io::Result<()> {
    w.create_element("link")
        .with_attributes([("rel", rel), ("type", kind), ("href", href)])
        .write_empty()
        .map(|_| ())
}

/// One entry per dated briefing, newest first (`briefings` is in that order),
/// each with its summary and note count.
pub(crate) fn feed(site: &SiteView, base: &BaseUrl, briefings: &[&BriefingFacts]) -> Vec<u8> {
    let entries: Vec<(&BriefingFacts, Date)> = briefings
        .iter()
        .filter_map(|b| Some((*b, b.modified()?)))
        .collect();
    // The feed changed when its newest entry did; with none, at the epoch, so
    // that the same content always gives the same bytes.
    let updated = entries
        .iter()
        .map(|(_, d)| *d)
        .max()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |d| timestamp(&d));
    let author = site
        .author
        .as_deref()
        .or(site.publisher.as_deref())
        .unwrap_or(&site.title);
    let mut w = new_document();
    let _ = w
        .create_element("feed")
        .with_attributes([
            ("xmlns", "http://www.w3.org/2005/Atom"),
            ("xml:lang", site.language.as_str()),
        ])
        .write_inner_content(|w| {
            text(w, "title", &site.title)?;
            if let Some(d) = &site.description {
                text(w, "subtitle", d)?;
            }
            link(w, "self", "application/atom+xml", &base.join(FEED))?;
            link(w, "alternate", "text/html", base.as_str())?;
            text(w, "id", base.as_str())?;
            text(w, "updated", &updated)?;
            w.create_element("author")
                .write_inner_content(|w| text(w, "name", author))?;
            text(w, "generator", "briefing")?;
            for (b, modified) in &entries {
                let url = base.join(&b.path());
                w.create_element("entry").write_inner_content(|w| {
                    text(w, "title", &b.title)?;
                    link(w, "alternate", "text/html", &url)?;
                    text(w, "id", &url)?;
                    if let Some(date) = &b.date {
                        text(w, "published", &timestamp(date))?;
                    }
                    text(w, "updated", &timestamp(modified))?;
                    text(w, "summary", &entry_summary(b))
                })?;
            }
            Ok(())
        });
    finish(w)
}

/// "One or two sentences. (12 notes.)"
fn entry_summary(b: &BriefingFacts) -> String {
    let count = format!("{} note{}", b.notes, if b.notes == 1 { "" } else { "s" });
    match &b.summary {
        Some(s) => format!("{} ({count}.)", s.trim()),
        None => format!("{count} on the article."),
    }
}

/// The home page, the glossary and every briefing; `lastmod` from `checked`
/// (or `date`), the home page's from the newest briefing.
pub(crate) fn sitemap(base: &BaseUrl, briefings: &[&BriefingFacts], pages: &[String]) -> Vec<u8> {
    let newest = briefings.iter().filter_map(|b| b.modified()).max();
    let mut w = new_document();
    let url = |w: &mut Xml, loc: &str, lastmod: Option<Date>| -> io::Result<()> {
        w.create_element("url")
            .write_inner_content(|w| {
                text(w, "loc", loc)?;
                match lastmod {
                    Some(d) => text(w, "lastmod", &day(&d)),
                    None => Ok(()),
                }
            })
            .map(|_| ())
    };
    let _ = w
        .create_element("urlset")
        .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"))
        .write_inner_content(|w| {
            url(w, base.as_str(), newest)?;
            url(w, &base.join("glossary/"), None)?;
            for p in pages {
                url(w, &base.join(p), None)?;
            }
            for b in briefings {
                url(w, &base.join(&b.path()), b.modified())?;
            }
            Ok(())
        });
    finish(w)
}
