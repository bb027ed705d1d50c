//! What the user writes: the shapes of `site.yaml`, an article's front matter,
//! `annotations.yaml` and `glossary.yaml`. Unknown keys are errors, so a typo such
//! as `qoute:` is reported instead of silently dropping the quote.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use super::yaml::{At, HELP};

/// `content/site.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Shown on every page and in the index.
    pub title: String,
    #[serde(default = "default_language")]
    /// The pages' `lang`: a BCP 47 tag such as `en`.
    pub language: String,
    #[serde(default)]
    /// The index page's description.
    pub description: Option<String>,
    /// Where the site is published; turns on what needs absolute URLs.
    #[serde(default)]
    pub base_url: Option<super::address::BaseUrl>,
    /// Who writes the briefings, for the feed and JSON-LD.
    #[serde(default)]
    pub author: Option<String>,
    /// The organisation publishing the site [default: the site title].
    #[serde(default)]
    pub publisher: Option<String>,
    /// The share image of link previews, a file beside site.yaml.
    #[serde(default)]
    pub image: Option<super::address::ImageFile>,
}

fn default_language() -> String {
    "en".to_string()
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "Briefings".to_string(),
            language: default_language(),
            description: None,
            base_url: None,
            author: None,
            publisher: None,
            image: None,
        }
    }
}

/// The YAML front matter of `article.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// The headline, verbatim.
    pub title: At<String>,
    /// The date of the events reported; orders the site index.
    #[serde(default)]
    pub date: Option<At<Date>>,
    /// One or two sentences for the site index.
    #[serde(default)]
    pub summary: Option<At<String>>,
    /// When the notes were last checked against their sources.
    #[serde(default)]
    pub checked: Option<At<Date>>,
    #[serde(default)]
    /// The original article; what is not known is shown as such.
    pub source: Option<OriginalArticle>,
    /// The editor's summary points (Markdown), shown above the article.
    #[serde(default)]
    pub editor_summary: Vec<At<String>>,
    /// The article's language, when it differs from the site's.
    #[serde(default)]
    pub language: Option<At<String>>,
    /// Ids of `content/topics.yaml` topics the whole briefing is about.
    #[serde(default)]
    pub topics: Vec<At<String>>,
}

/// Where the article was first published.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OriginalArticle {
    #[serde(default)]
    /// Who published the original.
    pub publisher: Option<At<String>>,
    #[serde(default)]
    /// The original's headline, when it differs from `title`.
    pub title: Option<At<String>>,
    #[serde(default)]
    /// Where the original is; checked to be a web address.
    pub url: Option<At<String>>,
    #[serde(default)]
    /// When the original was published.
    pub published: Option<At<Date>>,
    #[serde(default)]
    /// Who wrote the original.
    pub author: Option<At<String>>,
}

/// One note in `annotations.yaml`, as written: its quote is not yet anchored.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteSpec {
    /// Unique in the briefing; becomes the note's URL fragment.
    pub id: At<String>,
    /// The phrase of the article the note explains, as the reader sees it.
    pub quote: At<String>,
    #[serde(default)]
    /// Text just before the quote, to pick one of several matches.
    pub prefix: Option<At<String>>,
    #[serde(default)]
    /// Text just after the quote, to pick one of several matches.
    pub suffix: Option<At<String>>,
    /// 1-based: pick the n-th of several matches.
    #[serde(default)]
    pub occurrence: Option<At<Occurrence>>,
    /// What the note does for the reader.
    pub kind: At<NoteKind>,
    /// Markdown.
    pub note: At<String>,
    #[serde(default)]
    /// The sources behind the note.
    pub sources: Vec<SourceRef>,
    #[serde(default)]
    /// Free labels, kept in the Web Annotation export.
    pub tags: Vec<At<String>>,
    #[serde(default)]
    /// Who wrote the note (kept from imports).
    pub author: Option<At<String>>,
    /// When the note was written (kept from imports).
    #[serde(default)]
    pub date: Option<At<Date>>,
    /// Ids of `content/topics.yaml` topics the note is about.
    #[serde(default)]
    pub topics: Vec<At<String>>,
    /// Dated events the note states, for the briefing's and the site's timelines.
    #[serde(default)]
    pub events: Vec<EventSpec>,
}

/// Something that happened on a date, as a note's sources state it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    /// When it happened, as precisely as the source says.
    pub date: At<Date>,
    /// What happened, in a few words.
    pub label: At<String>,
}

/// One entry of `content/topics.yaml`: named once, used by id in notes and briefings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicSpec {
    /// What notes and front matter name in `topics: [...]`.
    pub id: At<String>,
    /// The topic's name on its page.
    pub title: At<String>,
    /// A sentence on what the topic covers.
    #[serde(default)]
    pub description: Option<At<String>>,
}

/// What a note does for the reader. A closed set: an unknown kind is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteKind {
    /// Background the article assumes.
    Context,
    /// The article is wrong or imprecise here.
    Correction,
    /// A name, term or wording explained.
    Clarification,
    /// A relationship the reader should know about (ownership, funding).
    Disclosure,
    /// A footnote written in the article itself.
    #[serde(skip_deserializing)]
    Footnote,
}

impl NoteKind {
    /// The kind as a reader sees it, in the note's heading.
    pub fn label(self) -> &'static str {
        match self {
            NoteKind::Context => "Context",
            NoteKind::Correction => "Correction",
            NoteKind::Clarification => "Clarification",
            NoteKind::Disclosure => "Disclosure",
            NoteKind::Footnote => "Footnote",
        }
    }

    /// The kind as written in YAML, and in CSS classes.
    pub fn name(self) -> &'static str {
        match self {
            NoteKind::Context => "context",
            NoteKind::Correction => "correction",
            NoteKind::Clarification => "clarification",
            NoteKind::Disclosure => "disclosure",
            NoteKind::Footnote => "footnote",
        }
    }
}

/// A source behind a note or a glossary term.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    /// The title as the source gives it; required, so that a link always has text.
    pub title: At<String>,
    #[serde(default)]
    /// Who published it.
    pub publisher: Option<At<String>>,
    #[serde(default)]
    /// When it was published, as precisely as known.
    pub date: Option<At<Date>>,
    #[serde(default)]
    /// Where to read it; checked to be a web address.
    pub url: Option<At<String>>,
    /// When an editor last checked that `url` still says what the note relies on:
    /// a web page can change after its `date`, so readers need both.
    #[serde(default)]
    pub accessed: Option<At<Date>>,
    /// A copy kept by an archive, for when `url` rots or changes.
    #[serde(default)]
    pub archived: Option<At<String>>,
}

/// One entry of `glossary.yaml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermSpec {
    /// Unique in the glossary; names the term's URL fragment.
    pub id: At<String>,
    /// The term as linked in articles, whatever its case.
    pub term: At<String>,
    #[serde(default)]
    /// A short form, linked only in this exact case.
    pub abbr: Option<At<String>>,
    #[serde(default)]
    /// Other forms of the term, linked whatever their case.
    pub aliases: Vec<At<String>>,
    /// Markdown.
    pub definition: At<String>,
    #[serde(default)]
    /// Ids of related terms in this glossary.
    pub see_also: Vec<At<String>>,
    #[serde(default)]
    /// Where the definition comes from.
    pub sources: Vec<SourceRef>,
    /// `false` matches the term and aliases only as written, not their plurals
    /// (`export controls`, `agencies`): for names such as `Reuters` or `Xinhua`.
    #[serde(default = "yes")]
    pub inflect: bool,
}

fn yes() -> bool {
    true
}

/// Which of several matches of a quote a note means: 1 for the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Occurrence(pub usize);

impl<'de> Deserialize<'de> for Occurrence {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OccurrenceVisitor;
        fn mistake<E: de::Error>(what: &str) -> E {
            E::custom(format!(
                "`occurrence` is {what}{HELP}write a whole number from 1 up, without quotes: `occurrence: 2` picks the second match"
            ))
        }
        impl Visitor<'_> for OccurrenceVisitor {
            type Value = Occurrence;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a whole number from 1 up")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Occurrence, E> {
                match usize::try_from(v) {
                    Ok(0) => Err(mistake("0, but matches are counted from 1")),
                    Ok(n) => Ok(Occurrence(n)),
                    Err(_) => Err(mistake("too large")),
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Occurrence, E> {
                match u64::try_from(v) {
                    Ok(v) => self.visit_u64(v),
                    Err(_) => Err(mistake(&format!("{v}, a negative number"))),
                }
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Occurrence, E> {
                Err(mistake(&format!("{v}, not a whole number")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Occurrence, E> {
                Err(mistake(&format!("the text {v:?}, not a number")))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Occurrence, E> {
                Err(mistake(&format!("`{v}`, not a number")))
            }
        }
        deserializer.deserialize_any(OccurrenceVisitor)
    }
}

/// A calendar date as precise as the source gives it: a year, a month or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Four digits.
    pub year: u16,
    /// 1 to 12, when known.
    pub month: Option<u8>,
    /// A day that exists in the month, when known.
    pub day: Option<u8>,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checking the day exists.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.trim().split('-');
        let year = parse_fixed(parts.next()?, 4)? as u16;
        // There is no year 0 in the calendar dates are written in.
        if year == 0 {
            return None;
        }
        let month = parts
            .next()
            .map(|m| parse_fixed(m, 2))
            .map_or(Ok(None), |m| m.map(Some).ok_or(()));
        let month = month.ok()?;
        let day = parts
            .next()
            .map(|d| parse_fixed(d, 2))
            .map_or(Ok(None), |d| d.map(Some).ok_or(()));
        let day = day.ok()?;
        if parts.next().is_some() || (month.is_none() && day.is_some()) {
            return None;
        }
        let month = month.map(|m| m as u8);
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return None;
            }
        }
        let day = day.map(|d| d as u8);
        if let (Some(m), Some(d)) = (month, day) {
            if d == 0 || d > days_in_month(year, m) {
                return None;
            }
        }
        Some(Date { year, month, day })
    }

    /// Written out for readers: "16 April 2024", "April 2024" or "2024".
    // Digits are pushed by hand, here and in `iso`: pages show every source's
    // date twice, and `format!` took ten times as long.
    pub fn written(&self) -> String {
        let mut out = String::with_capacity(17);
        if let Some(m) = self.month {
            if let Some(d) = self.day {
                push_number(&mut out, d.into(), 1);
                out.push(' ');
            }
            out.push_str(MONTHS[m as usize - 1]);
            out.push(' ');
        }
        push_number(&mut out, self.year, 1);
        out
    }

    /// ISO 8601, as precise as the date is: "2024-04-16", "2024-04" or "2024".
    pub fn iso(&self) -> String {
        let mut out = String::with_capacity(10);
        push_number(&mut out, self.year, 4);
        for part in [self.month, self.day].into_iter().flatten() {
            out.push('-');
            push_number(&mut out, part.into(), 2);
        }
        out
    }
}

/// Appends `n` in decimal, with leading zeros up to `width` digits (at most 5).
fn push_number(out: &mut String, mut n: u16, width: usize) {
    let mut digits = [b'0'; 5];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let start = start.min(digits.len() - width);
    out.extend(digits[start..].iter().map(|&b| char::from(b)));
}

impl fmt::Display for Date {
    /// ISO 8601, as precise as the date is.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

fn parse_fixed(s: &str, width: usize) -> Option<u32> {
    (s.len() == width && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl Visitor<'_> for DateVisitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date written YYYY-MM-DD, YYYY-MM or YYYY")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v).ok_or_else(|| {
                    E::custom(format!(
                        "invalid date `{v}`{HELP}dates are written 2024-04-16, or 2024-04 or 2024 when the day or month is not known"
                    ))
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Date, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Date, E> {
                self.visit_str(&v.to_string())
            }
        }
        deserializer.deserialize_any(DateVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_at_three_precisions_and_are_written_out() {
        assert_eq!(
            Date::parse("2024-04-16").unwrap().written(),
            "16 April 2024"
        );
        assert_eq!(Date::parse("2015-12").unwrap().written(), "December 2015");
        assert_eq!(Date::parse("2013").unwrap().written(), "2013");
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "24-01-01",
            "2024-1-1",
            "2024-01-01-01",
            "",
            "x",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_are_written_as_format_would() {
        for year in [1, 7, 99, 999, 2024, 9999, 10000, u16::MAX] {
            for month in [None, Some(1), Some(9), Some(12)] {
                for day in [None, Some(1), Some(9), Some(10), Some(31)] {
                    let date = Date { year, month, day };
                    let mut iso = format!("{year:04}");
                    if let Some(m) = month {
                        iso.push_str(&format!("-{m:02}"));
                    }
                    if let Some(d) = day {
                        iso.push_str(&format!("-{d:02}"));
                    }
                    assert_eq!(date.to_string(), iso);
                    let written = match (month, day) {
                        (Some(m), Some(d)) => format!("{d} {} {year}", MONTHS[m as usize - 1]),
                        (Some(m), None) => format!("{} {year}", MONTHS[m as usize - 1]),
                        _ => year.to_string(),
                    };
                    assert_eq!(date.written(), written);
                }
            }
        }
    }

    #[test]
    fn unknown_kind_is_rejected() {
        assert!(serde_saphyr::from_str::<NoteKind>("contxt").is_err());
        assert!(serde_saphyr::from_str::<NoteKind>("footnote").is_err());
        assert_eq!(
            serde_saphyr::from_str::<NoteKind>("context").unwrap(),
            NoteKind::Context
        );
    }

    #[test]
    fn occurrences_are_whole_numbers_from_one() {
        assert_eq!(
            serde_saphyr::from_str::<Occurrence>("2").unwrap(),
            Occurrence(2)
        );
        for bad in ["0", "-1", "1.5", "\"2\"", "true"] {
            let err = serde_saphyr::from_str::<Occurrence>(bad).unwrap_err();
            assert!(err.to_string().contains("from 1 up"), "{bad}: {err}");
        }
    }
}
