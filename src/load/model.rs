//! What the user writes: the shapes of `site.yaml`, an article's front matter,
//! `annotations.yaml` and `glossary.yaml`. Unknown keys are errors, so a typo such
//! as `qoute:` is reported instead of silently dropping the quote.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// `content/site.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub description: Option<String>,
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
        }
    }
}

/// The YAML front matter of `article.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// The headline, verbatim.
    pub title: String,
    /// The date of the events reported; orders the site index.
    #[serde(default)]
    pub date: Option<Date>,
    /// One or two sentences for the site index.
    #[serde(default)]
    pub summary: Option<String>,
    /// When the notes were last checked against their sources.
    #[serde(default)]
    pub checked: Option<Date>,
    #[serde(default)]
    pub source: Option<OriginalArticle>,
    /// The editor's summary points (Markdown), shown above the article.
    #[serde(default)]
    pub editor_summary: Vec<String>,
    /// The article's language, when it differs from the site's.
    #[serde(default)]
    pub language: Option<String>,
    /// Ids of `content/topics.yaml` topics the whole briefing is about.
    #[serde(default)]
    pub topics: Vec<String>,
}

/// Where the article was first published.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OriginalArticle {
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub published: Option<Date>,
    #[serde(default)]
    pub author: Option<String>,
}

/// One note in `annotations.yaml`, as written: its quote is not yet anchored.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteSpec {
    pub id: String,
    pub quote: String,
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub suffix: Option<String>,
    /// 1-based: pick the n-th of several matches.
    #[serde(default)]
    pub occurrence: Option<usize>,
    pub kind: NoteKind,
    pub note: String,
    #[serde(default)]
    pub sources: Vec<SourceRef>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub author: Option<String>,
    /// When the note was written (kept from imports).
    #[serde(default)]
    pub date: Option<Date>,
    /// Ids of `content/topics.yaml` topics the note is about.
    #[serde(default)]
    pub topics: Vec<String>,
    /// Dated events the note states, for the briefing's and the site's timelines.
    #[serde(default)]
    pub events: Vec<EventSpec>,
}

/// Something that happened on a date, as a note's sources state it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    pub date: Date,
    pub label: String,
}

/// One entry of `content/topics.yaml`: named once, used by id in notes and briefings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicSpec {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
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
    pub fn label(self) -> &'static str {
        match self {
            NoteKind::Context => "Context",
            NoteKind::Correction => "Correction",
            NoteKind::Clarification => "Clarification",
            NoteKind::Disclosure => "Disclosure",
            NoteKind::Footnote => "Footnote",
        }
    }

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
    pub title: String,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub date: Option<Date>,
    #[serde(default)]
    pub url: Option<String>,
    /// When an editor last checked that `url` still says what the note relies on:
    /// a web page can change after its `date`, so readers need both.
    #[serde(default)]
    pub accessed: Option<Date>,
    /// A copy kept by an archive, for when `url` rots or changes.
    #[serde(default)]
    pub archived: Option<String>,
}

/// One entry of `glossary.yaml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermSpec {
    pub id: String,
    pub term: String,
    #[serde(default)]
    pub abbr: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub definition: String,
    #[serde(default)]
    pub see_also: Vec<String>,
    #[serde(default)]
    pub sources: Vec<SourceRef>,
    /// `false` matches the term and aliases only as written, not their plurals
    /// (`export controls`, `agencies`): for names such as `Reuters` or `Xinhua`.
    #[serde(default = "yes")]
    pub inflect: bool,
}

fn yes() -> bool {
    true
}

/// A calendar date as precise as the source gives it: a year, a month or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: Option<u8>,
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
    pub fn written(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{d} {} {}", MONTHS[m as usize - 1], self.year),
            (Some(m), None) => format!("{} {}", MONTHS[m as usize - 1], self.year),
            _ => self.year.to_string(),
        }
    }
}

impl fmt::Display for Date {
    /// ISO 8601, as precise as the date is.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

fn parse_fixed(s: &str, width: usize) -> Option<u32> {
    (s.len() == width && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
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
                        "invalid date `{v}`: write it as YYYY-MM-DD, YYYY-MM or YYYY"
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
    fn unknown_kind_is_rejected() {
        let err = serde_yaml_ng::from_str::<NoteKind>("contxt")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown variant `contxt`"), "{err}");
        assert!(serde_yaml_ng::from_str::<NoteKind>("footnote").is_err());
    }
}
