//! Writes a deterministic benchmark corpus: a complete site root of N briefings.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --briefings N --out DIR [--notes-per-briefing K]
//! cargo run --release --example gen_corpus -- --plain --briefings N --out DIR [--zola ZOLA_DIR]
//! ```
//!
//! writes `DIR/content/site.yaml`, `DIR/content/glossary.yaml` (50 terms),
//! `DIR/content/topics.yaml` (TOPICS topics, each briefing and every third note
//! on one, every fourth note stating one dated event) and, for
//! each briefing, `DIR/content/<slug>/article.md` (about 5.7 KB of Markdown after
//! the front matter) and `annotations.yaml` (K notes, default 12, each with one or
//! two dated sources). Every quote contains a marker phrase such as
//! "the Halvorsen-7 protocol" whose number is unique within its article, so each
//! quote occurs exactly once; the generator checks this before writing. Every
//! glossary term is used by at least one briefing, so the corpus builds with no
//! errors and no warnings.
//!
//! The same arguments give the same bytes: each briefing is drawn from its own
//! seeded PRNG (splitmix64), so briefing `b` is the same for every N >= 5 (for
//! N < 5 the last briefing also mentions the terms no other briefing uses).
//! With `--notes-per-briefing K` above 12 the article grows with the notes, at
//! the same density (about four plain sentences per note):
//! `--briefings 1 --notes-per-briefing 10000` is the 10,000-note stress case.
//!
//! With `--plain` it writes instead the workload other static site generators
//! are built for: N plain articles of about the same length, each with K
//! Markdown footnotes (default 12), as briefing folders with no notes
//! (`annotations.yaml` and `glossary.yaml` hold empty lists); with
//! `--zola ZOLA_DIR` also the same articles, byte for byte, as a Zola site
//! (`config.toml`, `templates/`, `content/<slug>.md`), so both tools build the
//! same Markdown side by side (`benches/run.sh`).
//!
//! `DIR/content` is replaced if it was written by this generator (it holds a
//! `.gen_corpus` marker file, which the loader skips as a dot-file); any other
//! existing `DIR/content` is left alone and the generator stops with an error;
//! the same holds for `ZOLA_DIR`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const DEFAULT_NOTES: usize = 12;
/// Plain sentences in a briefing with the default number of notes.
const BASE_FILLER: usize = 35;
const TERM_COUNT: usize = 50;
/// Terms each briefing mentions: slots 10b .. 10b+9 (mod 50), each slot s
/// naming term 17s mod 50, so one briefing mixes kinds of term.
const TERMS_PER_BRIEFING: usize = 10;
const MARKER_FILE: &str = ".gen_corpus";

// ---------------------------------------------------------------- PRNG

/// splitmix64: tiny, fast, good enough to vary text, and stable across platforms.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut r = Rng(seed ^ 0x9E37_79B9_7F4A_7C15);
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform-enough in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((self.next() >> 11) % n as u64) as usize
    }
    fn range(&mut self, lo: usize, hi_inclusive: usize) -> usize {
        lo + self.below(hi_inclusive - lo + 1)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

// ---------------------------------------------------------------- vocabulary

const SUBJECTS: &[&str] = &[
    "The ministry",
    "Regional officials",
    "Analysts at the institute",
    "The delegation",
    "Local operators",
    "Several lawmakers",
    "The committee",
    "Industry groups",
    "The central bank",
    "Port authorities",
    "A spokesperson for the agency",
    "Provincial leaders",
    "Independent auditors",
    "The trade office",
    "Researchers at the university",
    "The state broadcaster",
    "Union representatives",
    "The cabinet",
    "Foreign diplomats",
    "The regulator",
    "Village councils",
    "Senior engineers",
    "The prosecutor’s office",
    "Shipping companies",
    "Opposition parties",
    "The planning commission",
    "Farmers’ cooperatives",
    "Observers from neighbouring states",
    "The customs service",
    "A parliamentary panel",
];

const VERBS: &[&str] = &[
    "announced",
    "questioned",
    "reviewed",
    "endorsed",
    "criticised",
    "delayed",
    "expanded",
    "outlined",
    "defended",
    "rejected",
    "approved",
    "proposed",
    "postponed",
    "welcomed",
    "disputed",
    "revised",
    "published",
    "suspended",
    "financed",
    "examined",
    "promoted",
    "challenged",
    "renewed",
    "scaled back",
    "described",
    "debated",
    "signed off on",
    "warned against",
    "pressed for",
    "cast doubt on",
];

const OBJECTS: &[&str] = &[
    "a new plan for coastal infrastructure",
    "the proposed budget",
    "plans to upgrade rail links",
    "a draft law on data storage",
    "the long-delayed bridge project",
    "new rules for fishing quotas",
    "an agreement on grain exports",
    "the reform of local taxes",
    "a programme of rural broadband",
    "the closure of two coal plants",
    "a loan for the northern highway",
    "tighter controls on exports",
    "the merger of three state firms",
    "a pilot scheme for electric buses",
    "the audit of public accounts",
    "a pact on river management",
    "the expansion of the container terminal",
    "an inquiry into procurement",
    "subsidies for solar panels",
    "the census results",
    "a framework for cross-border payments",
    "the sale of spectrum licences",
    "a treaty on maritime boundaries",
    "the new curriculum",
    "a fund for flood defences",
    "rules on foreign investment",
    "the privatisation of the water utility",
    "a study of air quality",
    "the housing strategy",
    "the renewal of the fishing fleet",
];

const ADVERBIALS: &[&str] = &[
    "on Tuesday",
    "in a statement",
    "after months of talks",
    "according to people familiar with the matter",
    "at a press conference in the capital",
    "during a closed session",
    "in a report released late on Friday",
    "for the second time this year",
    "despite objections from the finance ministry",
    "without a public vote",
    "in an interview with local media",
    "ahead of next month’s summit",
    "amid falling revenues",
    "after a brief debate",
    "in a letter to shareholders",
    "following a week of protests",
    "at the annual conference",
    "in a televised address",
    "under pressure from creditors",
    "as part of a wider review",
    "with little explanation",
    "in a joint communiqué",
];

const CONNECTORS: &[&str] = &[
    "However,",
    "Meanwhile,",
    "Separately,",
    "Earlier,",
    "In response,",
    "At the same time,",
    "Later,",
    "By contrast,",
    "As a result,",
    "Still,",
];

const CLAIMS: &[&str] = &[
    "the figures were incomplete",
    "costs had risen sharply",
    "the timetable was unrealistic",
    "the project would create thousands of jobs",
    "the decision was final",
    "talks would resume soon",
    "the rules applied to all companies equally",
    "no money had yet changed hands",
    "the region needed more investment",
    "the process had been transparent",
    "the reforms were overdue",
    "the data could not be verified independently",
];

const SPEAKERS: &[&str] = &[
    "a senior official said",
    "the minister told reporters",
    "one analyst wrote",
    "a local mayor said",
    "the company said in a filing",
    "a diplomat said",
    "the report concluded",
    "an economist noted",
];

const MARKER_NAMES: &[&str] = &[
    "Halvorsen",
    "Fenwick",
    "Marovic",
    "Tessaly",
    "Okonjo",
    "Brandvik",
    "Castellane",
    "Duvall",
    "Ekwueme",
    "Grimaldo",
    "Ishikara",
    "Jovanka",
    "Kettering",
    "Lindqvist",
    "Montrose",
    "Nakagawa",
    "Ostrander",
    "Pellucci",
    "Quarrington",
    "Rasmussen",
    "Sandoval",
    "Thornbury",
    "Uvarova",
    "Vandermeer",
    "Whitcombe",
];

const MARKER_NOUNS: &[&str] = &[
    "protocol",
    "accord",
    "memorandum",
    "report",
    "agreement",
    "review",
    "directive",
    "audit",
    "plan",
    "communiqué",
    "charter",
    "settlement",
    "tender",
    "inquiry",
    "roadmap",
];

const MARKER_LEADS: &[&str] = &[
    "Officials repeatedly cited",
    "The opposition questioned",
    "Critics pointed to",
    "Much depends on",
    "The government defended",
    "Few details were given about",
    "Investors reacted cautiously to",
    "Negotiators returned to",
    "The dispute centres on",
    "Diplomats privately described",
    "The newspaper obtained a copy of",
    "Lawmakers demanded the release of",
];

const MARKER_TAILS: &[&str] = &[
    "as evidence that the plan was working",
    "before the deadline expired",
    "in their closing remarks",
    "despite repeated requests for comment",
    "as a model for the rest of the region",
    "when the talks stalled last spring",
    "in a footnote to the annual budget",
    "as the basis for further negotiations",
    "without naming its authors",
    "in documents seen by reporters",
];

const HEADINGS: &[&str] = &[
    "Background",
    "What was agreed",
    "The money",
    "Reactions",
    "What comes next",
    "A disputed record",
    "The regional picture",
    "Who benefits",
    "Open questions",
    "The legal basis",
];

const PUBLISHERS: &[&str] = &[
    "The Harbour Gazette",
    "Northern Ledger",
    "Daily Meridian",
    "The Continental Post",
    "Riverside Herald",
    "The Evening Dispatch",
    "Coastline Times",
    "The Capital Review",
];

const AUTHORS: &[&str] = &[
    "Mara Lindqvist",
    "Tomasz Okafor",
    "Elena Brandvik",
    "Samuel Achterberg",
    "Priya Castellane",
    "Jonah Whitcombe",
    "Amira Tessaly",
    "Kenji Montrose",
];

const SOURCE_PUBLISHERS: &[&str] = &[
    "Ministry of Finance",
    "National Statistics Office",
    "Reuters",
    "Associated Press",
    "The World Bank",
    "IMF",
    "Port Authority",
    "Parliamentary Record",
    "Court of Auditors",
    "OECD",
    "Central Bank",
];

const SOURCE_TITLES: &[&str] = &[
    "Annual report",
    "Press release",
    "Budget statement",
    "Transcript of the session",
    "Country profile",
    "Working paper",
    "Audit findings",
    "Official gazette",
    "Statistical yearbook",
    "Briefing note",
];

const NOTE_SENTENCES: &[&str] = &[
    "The figure comes from the official budget statement, not from the company.",
    "The **original agreement** was signed two years earlier and amended since.",
    "Officials later said the *final* cost would be reviewed by auditors.",
    "The article does not say that the plan was approved by parliament.",
    "The newspaper’s owner has a stake in one of the firms involved.",
    "Earlier reports gave a *lower* estimate, later revised upwards.",
    "The term is used here in its legal sense, as defined in the 2019 statute.",
    "The statement was issued in the local language; this is the paper’s translation.",
    "Independent estimates put the number at roughly half of the official one.",
    "The document was published only after a freedom-of-information request.",
    "The same body had rejected a similar proposal in an earlier session.",
    "Two of the cited officials have since left their posts.",
];

/// Glossary terms: `ADJECTIVES[i % 10] + " " + BODIES[i / 10]`, 50 in all.
const TERM_ADJECTIVES: &[&str] = &[
    "Northern",
    "Coastal",
    "Digital",
    "Maritime",
    "Federal",
    "Regional",
    "Strategic",
    "Orbital",
    "Arctic",
    "Civic",
];
const TERM_BODIES: &[&str] = &["Compact", "Network", "Initiative", "Framework", "Registry"];
const TERM_PLURALS: &[&str] = &[
    "Compacts",
    "Networks",
    "Initiatives",
    "Frameworks",
    "Registries",
];

const TERM_DEFINITIONS: &[&str] = &[
    "An intergovernmental arrangement for *shared* infrastructure, set up by treaty.",
    "A body that coordinates **national** regulators and publishes common rules.",
    "A funding programme that pools public and private money for long-term projects.",
    "A set of standards adopted by member states, reviewed every five years.",
    "A public register of contracts and licences, searchable by anyone.",
];

// ---------------------------------------------------------------- model

struct Term {
    id: String,
    term: String,
    abbr: String,
    aliases: Vec<String>,
}

/// How many topics the corpus defines.
const TOPICS: usize = 6;
fn terms() -> Vec<Term> {
    (0..TERM_COUNT)
        .map(|i| {
            let adj = TERM_ADJECTIVES[i % 10];
            let body = TERM_BODIES[i / 10];
            let term = format!("{adj} {body}");
            let abbr = format!("{}{}", adj[..2].to_ascii_uppercase(), &body[..1]);
            let aliases = if i % 3 == 0 {
                vec![format!("{adj} {}", TERM_PLURALS[i / 10])]
            } else {
                Vec::new()
            };
            Term {
                id: format!("{}-{}", adj.to_ascii_lowercase(), body.to_ascii_lowercase()),
                term,
                abbr,
                aliases,
            }
        })
        .collect()
}

#[derive(Clone, Copy)]
struct Date {
    year: u32,
    month: u32,
    day: Option<u32>,
}

impl Date {
    fn random(rng: &mut Rng, from_year: u32, to_year: u32) -> Date {
        Date {
            year: rng.range(from_year as usize, to_year as usize) as u32,
            month: rng.range(1, 12) as u32,
            day: Some(rng.range(1, 28) as u32),
        }
    }
    /// Some days later (stays a valid date: months have at least 28 days).
    fn later(self, rng: &mut Rng) -> Date {
        let mut d = Date {
            day: Some(self.day.unwrap_or(1)),
            ..self
        };
        let add = rng.range(1, 120) as u32;
        let mut day = d.day.unwrap() + add;
        while day > 28 {
            day -= 28;
            d.month += 1;
            if d.month > 12 {
                d.month = 1;
                d.year += 1;
            }
        }
        d.day = Some(day);
        d
    }
    fn iso(self) -> String {
        match self.day {
            Some(day) => format!("{:04}-{:02}-{:02}", self.year, self.month, day),
            None => format!("{:04}-{:02}", self.year, self.month),
        }
    }
}

/// A YAML double-quoted scalar.
fn yq(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------- one briefing

enum Item {
    Filler,
    /// Note `j`'s marker sentence.
    Marker(usize),
    /// A mention of term `t`; `first` spells it out in full.
    Term(usize, bool),
}

struct NoteOut {
    id: String,
    quote: String,
}

fn filler_sentence(rng: &mut Rng, out: &mut String) {
    match rng.below(6) {
        0 => {
            let _ = write!(
                out,
                "{} {} that {}.",
                rng.pick(CONNECTORS),
                rng.pick(SPEAKERS),
                rng.pick(CLAIMS)
            );
        }
        1 => {
            let _ = write!(
                out,
                "“{},” {}.",
                capitalise(rng.pick(CLAIMS)),
                rng.pick(SPEAKERS)
            );
        }
        2 => {
            let _ = write!(
                out,
                "{} {} [{}](https://example.org/docs/{}) {}.",
                rng.pick(SUBJECTS),
                rng.pick(VERBS),
                rng.pick(OBJECTS),
                rng.range(1000, 99999),
                rng.pick(ADVERBIALS)
            );
        }
        3 => {
            let _ = write!(
                out,
                "{} {} *{}* {}, and spending rose by {} percent in {}.",
                rng.pick(SUBJECTS),
                rng.pick(VERBS),
                rng.pick(OBJECTS),
                rng.pick(ADVERBIALS),
                rng.range(2, 48),
                rng.range(2005, 2025)
            );
        }
        _ => {
            let _ = write!(
                out,
                "{} {} {} {}.",
                rng.pick(SUBJECTS),
                rng.pick(VERBS),
                rng.pick(OBJECTS),
                rng.pick(ADVERBIALS)
            );
        }
    }
}

fn term_sentence(rng: &mut Rng, term: &Term, first: bool, out: &mut String) {
    let form = if first {
        format!("the {} ({})", term.term, term.abbr)
    } else {
        match (rng.below(3), term.aliases.first()) {
            (0, Some(alias)) => format!("the {alias}"),
            (1, _) => format!("the {}", term.term),
            _ => term.abbr.clone(),
        }
    };
    match rng.below(3) {
        0 => {
            let _ = write!(
                out,
                "{} {} {} {}.",
                rng.pick(SUBJECTS),
                rng.pick(VERBS),
                form,
                rng.pick(ADVERBIALS)
            );
        }
        1 => {
            let _ = write!(
                out,
                "Under {form}, {} {} {}.",
                rng.pick(SUBJECTS).to_lowercase(),
                rng.pick(VERBS),
                rng.pick(OBJECTS)
            );
        }
        _ => {
            let _ = write!(
                out,
                "{} {} that {} had {} {}.",
                rng.pick(CONNECTORS),
                rng.pick(SPEAKERS),
                form,
                rng.pick(VERBS),
                rng.pick(OBJECTS)
            );
        }
    }
}

/// Writes the marker sentence for note `j`; returns the note's id and quote.
fn marker_sentence(rng: &mut Rng, j: usize, out: &mut String) -> (String, String) {
    let name = rng.pick(MARKER_NAMES);
    let id = format!("{}-{}", name.to_ascii_lowercase(), j + 1);
    let marker = format!("the {name}-{} {}", j + 1, rng.pick(MARKER_NOUNS));
    let lead = rng.pick(MARKER_LEADS);
    let tail = rng.pick(MARKER_TAILS);
    let _ = write!(out, "{lead} {marker} {tail}.");
    let quote = match rng.below(3) {
        // The marker alone.
        0 => marker,
        // The marker and the next two words.
        1 => {
            let next: Vec<&str> = tail.split(' ').take(2).collect();
            format!("{marker} {}", next.join(" "))
        }
        // The last word before it, and the marker.
        _ => format!("{} {marker}", lead.rsplit(' ').next().unwrap()),
    };
    (id, quote)
}

/// Checks, in one pass, that the body has exactly one "-<number>" for each note
/// 1..=notes and no other: every quote holds its note's "Name-<j> " marker, so
/// each quote then occurs exactly once (the build also requires it).
fn check_markers_unique(body: &str, notes: usize, b: usize) {
    let bytes = body.as_bytes();
    let mut seen = vec![0u32; notes + 1];
    for (i, _) in body.match_indices('-') {
        let digits = bytes[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if digits == 0 {
            continue;
        }
        let n: usize = body[i + 1..i + 1 + digits].parse().expect("digits");
        assert!((1..=notes).contains(&n), "stray -{n} in briefing {b}");
        seen[n] += 1;
    }
    assert!(
        seen[1..].iter().all(|&c| c == 1),
        "a marker is missing or repeated in briefing {b}"
    );
}

/// A URL slug from the first four long words of a title, made unique by the number.
fn slug_of(title: &str, b: usize) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() > 3)
        .take(4)
        .map(|w| w.to_ascii_lowercase())
        .collect();
    format!("{}-{b:05}", words.join("-"))
}

/// Appends `count` sentences to `md` as paragraphs of three to six sentences, every
/// ninth one (from the fifth) a bulleted list and a heading before every sixth, so
/// articles have the shapes real ones do. `sentence(rng, i, out)` writes sentence `i`.
fn lay_out(
    rng: &mut Rng,
    count: usize,
    md: &mut String,
    mut sentence: impl FnMut(&mut Rng, usize, &mut String),
) {
    let mut text = String::new();
    let mut i = 0;
    let mut paragraph_no = 0;
    while i < count {
        if paragraph_no > 0 && paragraph_no % 6 == 0 {
            let _ = write!(md, "## {}\n\n", rng.pick(HEADINGS));
        }
        // A list needs two items: one alone reads as a stray dash (and `check` says so).
        let list = paragraph_no % 9 == 4 && count - i >= 2;
        let len = if list {
            rng.range(3, 4)
        } else {
            rng.range(3, 6)
        };
        let end = (i + len).min(count);
        for k in i..end {
            text.clear();
            sentence(rng, k, &mut text);
            if list {
                md.push_str("- ");
                md.push_str(&text);
                md.push('\n');
            } else {
                if k > i {
                    md.push(' ');
                }
                md.push_str(&text);
            }
        }
        md.push_str(if list { "\n" } else { "\n\n" });
        i = end;
        paragraph_no += 1;
    }
    md.truncate(md.trim_end().len());
    md.push('\n');
}

struct Briefing {
    slug: String,
    article: String,
    annotations: String,
}

fn briefing(b: usize, notes: usize, term_list: &[usize], all_terms: &[Term]) -> Briefing {
    let mut rng = Rng::new(0xB1EF_0000_0000_0000 ^ (b as u64).wrapping_mul(0x0100_0000_01B3));
    let filler = if notes <= DEFAULT_NOTES {
        BASE_FILLER + (DEFAULT_NOTES - notes)
    } else {
        notes * BASE_FILLER.div_ceil(DEFAULT_NOTES)
    };

    // What the article says, in order.
    let mut items: Vec<Item> = Vec::with_capacity(filler + notes + 2 * term_list.len());
    items.extend((0..filler).map(|_| Item::Filler));
    items.extend((0..notes).map(Item::Marker));
    for &t in term_list {
        items.push(Item::Term(t, false));
        if rng.chance(2) {
            items.push(Item::Term(t, false));
        }
    }
    rng.shuffle(&mut items);
    // Each term's first mention in the article spells it out.
    let mut spelled = vec![false; all_terms.len()];
    for item in &mut items {
        if let Item::Term(t, first) = item {
            if !spelled[*t] {
                spelled[*t] = true;
                *first = true;
            }
        }
    }

    let title_subject = rng.pick(SUBJECTS);
    let title = format!(
        "{} {} {}",
        title_subject,
        rng.pick(VERBS),
        rng.pick(OBJECTS)
    );
    let slug = slug_of(&title, b);
    let mut date = Date::random(&mut rng, 2010, 2025);
    if rng.chance(10) {
        date.day = None;
    }
    let checked = date.later(&mut rng);
    let publisher = rng.pick(PUBLISHERS);

    let mut md = String::with_capacity(6400 + notes * 500);
    md.push_str("---\n");
    let _ = writeln!(md, "title: {}", yq(&title));
    let _ = writeln!(md, "date: {}", date.iso());
    let _ = writeln!(
        md,
        "summary: {}",
        yq(&format!(
            "{} {} {}.",
            rng.pick(SUBJECTS),
            rng.pick(VERBS),
            rng.pick(OBJECTS)
        ))
    );
    let _ = writeln!(md, "checked: {}", checked.iso());
    let _ = writeln!(md, "topics: [topic-{}]", b % TOPICS);
    md.push_str("source:\n");
    let _ = writeln!(md, "  publisher: {}", yq(publisher));
    let _ = writeln!(md, "  title: {}", yq(&title));
    let _ = writeln!(
        md,
        "  url: \"https://news.example.com/{}/{slug}\"",
        date.year
    );
    let _ = writeln!(md, "  published: {}", date.iso());
    let _ = writeln!(md, "  author: {}", yq(rng.pick(AUTHORS)));
    md.push_str("editor_summary:\n");
    for _ in 0..rng.range(2, 3) {
        let _ = writeln!(
            md,
            "  - {}",
            yq(&format!(
                "*{}* {}.",
                rng.pick(SUBJECTS),
                rng.pick(VERBS).to_owned() + " " + rng.pick(OBJECTS)
            ))
        );
    }
    md.push_str("---\n");
    let body_start = md.len();

    let mut quotes: Vec<Option<(String, String)>> = vec![None; notes];
    lay_out(
        &mut rng,
        items.len(),
        &mut md,
        |rng, i, sentence| match items[i] {
            Item::Filler => filler_sentence(rng, sentence),
            Item::Marker(j) => quotes[j] = Some(marker_sentence(rng, j, sentence)),
            Item::Term(t, first) => term_sentence(rng, &all_terms[t], first, sentence),
        },
    );

    // Notes, in a shuffled order (the build numbers them in article order).
    check_markers_unique(&md[body_start..], notes, b);
    let mut order: Vec<usize> = (0..notes).collect();
    rng.shuffle(&mut order);
    let kinds = ["context", "correction", "clarification", "disclosure"];
    let mut ann = String::with_capacity(notes * 420);
    let _ = writeln!(ann, "# Notes on “{title}”.");
    let mut outs = Vec::with_capacity(notes);
    for &j in &order {
        let (id, quote) = quotes[j].take().expect("every marker was written");
        outs.push(NoteOut { id, quote });
    }
    for (n, out) in outs.iter().enumerate() {
        let _ = writeln!(ann, "- id: {}", out.id);
        let _ = writeln!(ann, "  quote: {}", yq(&out.quote));
        let _ = writeln!(ann, "  kind: {}", kinds[rng.below(kinds.len())]);
        // Topics and events come from the indices, not the PRNG, so that the rest
        // of the corpus is the same bytes as before they were added.
        if (b + n).is_multiple_of(3) {
            let _ = writeln!(ann, "  topics: [topic-{}]", (b + n) % TOPICS);
        }
        if n % 4 == 1 {
            let _ = writeln!(
                ann,
                "  events: [{{date: {}, label: {}}}]",
                date.iso(),
                yq(&format!("Event {n} of briefing {b}"))
            );
        }
        if rng.chance(3) {
            ann.push_str("  note: |\n");
            for _ in 0..rng.range(2, 3) {
                let _ = writeln!(ann, "    {}", rng.pick(NOTE_SENTENCES));
            }
        } else {
            let _ = writeln!(ann, "  note: {}", yq(rng.pick(NOTE_SENTENCES)));
        }
        ann.push_str("  sources:\n");
        let count = rng.range(1, 2);
        let first_title = rng.below(SOURCE_TITLES.len());
        for s in 0..count {
            let mut d = Date::random(&mut rng, 2005, 2025);
            if rng.chance(6) {
                d.day = None;
            }
            let title = SOURCE_TITLES[(first_title + s) % SOURCE_TITLES.len()];
            let url = format!(
                "https://sources.example.org/{b}/{n}/{s}/{}",
                rng.range(100, 999_999)
            );
            if rng.chance(2) {
                let _ = writeln!(
                    ann,
                    "    - {{title: {}, publisher: {}, date: {}, url: {}}}",
                    yq(title),
                    yq(rng.pick(SOURCE_PUBLISHERS)),
                    d.iso(),
                    yq(&url)
                );
            } else {
                let _ = writeln!(ann, "    - title: {}", yq(title));
                let _ = writeln!(ann, "      publisher: {}", yq(rng.pick(SOURCE_PUBLISHERS)));
                let _ = writeln!(ann, "      date: {}", d.iso());
                let _ = writeln!(ann, "      url: {}", yq(&url));
            }
        }
    }

    Briefing {
        slug,
        article: md,
        annotations: ann,
    }
}

fn glossary(all_terms: &[Term]) -> String {
    let mut rng = Rng::new(0x6105_5A27);
    let mut y = String::from("# Generated by examples/gen_corpus.rs\n");
    for (i, t) in all_terms.iter().enumerate() {
        let _ = writeln!(y, "- id: {}", t.id);
        let _ = writeln!(y, "  term: {}", yq(&t.term));
        let _ = writeln!(y, "  abbr: {}", t.abbr);
        if !t.aliases.is_empty() {
            let quoted: Vec<String> = t.aliases.iter().map(|a| yq(a)).collect();
            let _ = writeln!(y, "  aliases: [{}]", quoted.join(", "));
        }
        let _ = writeln!(y, "  definition: {}", yq(TERM_DEFINITIONS[i / 10]));
        let a = (i + 1 + rng.below(TERM_COUNT - 1)) % TERM_COUNT;
        if rng.chance(2) {
            let _ = writeln!(y, "  see_also: [{}]", all_terms[a].id);
        }
        let d = Date::random(&mut rng, 2012, 2025);
        let _ = writeln!(y, "  sources:");
        let _ = writeln!(
            y,
            "    - {{title: {}, publisher: {}, date: {}, url: \"https://glossary.example.org/{}\"}}",
            yq(&format!("About the {}", t.term)),
            yq(rng.pick(SOURCE_PUBLISHERS)),
            d.iso(),
            t.id
        );
    }
    y
}

/// Which terms briefing `b` of `n` mentions. Every term is used once N >= 5;
/// below that the last briefing also takes the terms nobody else mentions.
fn terms_of(b: usize, n: usize) -> Vec<usize> {
    let mut list: Vec<usize> = (0..TERMS_PER_BRIEFING)
        .map(|k| (b * TERMS_PER_BRIEFING + k) % TERM_COUNT)
        .collect();
    let covered = n * TERMS_PER_BRIEFING;
    if b + 1 == n && covered < TERM_COUNT {
        list.extend(covered..TERM_COUNT);
    }
    list
}

// ---------------------------------------------------------------- plain articles

/// Sentences in a plain article: about the length of an annotated one.
const PLAIN_SENTENCES: usize = 50;

/// A plain article, the workload other static site generators are built for:
/// Markdown with numbered footnotes, no notes, no glossary terms.
struct PlainArticle {
    slug: String,
    title: String,
    date: Date,
    summary: String,
    /// The Markdown body, footnote definitions at its end.
    body: String,
}

impl PlainArticle {
    /// The article file: front matter between `fence` lines, as `key{assign}value`
    /// (YAML for briefing, TOML for Zola: `yq` strings are valid in both), then
    /// the body.
    fn page(&self, fence: &str, assign: &str, summary_key: &str) -> String {
        format!(
            "{fence}\ntitle{assign}{}\ndate{assign}{}\n{summary_key}{assign}{}\n{fence}\n{}",
            yq(&self.title),
            self.date.iso(),
            yq(&self.summary),
            self.body
        )
    }
}

fn plain_article(b: usize, footnotes: usize) -> PlainArticle {
    let mut rng = Rng::new(0x91A1_0000_0000_0000 ^ (b as u64).wrapping_mul(0x0100_0000_01B3));
    let sentences = PLAIN_SENTENCES.max(footnotes * 5);
    let title = format!(
        "{} {} {}",
        rng.pick(SUBJECTS),
        rng.pick(VERBS),
        rng.pick(OBJECTS)
    );
    let slug = slug_of(&title, b);
    let date = Date::random(&mut rng, 2010, 2025);
    let summary = format!(
        "{} {} {}.",
        rng.pick(SUBJECTS),
        rng.pick(VERBS),
        rng.pick(OBJECTS)
    );
    // Which sentences carry a footnote reference: `footnotes` distinct ones,
    // numbered in reading order.
    let mut marked = vec![false; sentences];
    let mut order: Vec<usize> = (0..sentences).collect();
    rng.shuffle(&mut order);
    for &i in order.iter().take(footnotes) {
        marked[i] = true;
    }
    let mut body = String::with_capacity(sentences * 110 + footnotes * 150);
    let mut number = 0;
    lay_out(&mut rng, sentences, &mut body, |rng, i, sentence| {
        filler_sentence(rng, sentence);
        if marked[i] {
            number += 1;
            let _ = write!(sentence, "[^{number}]");
        }
    });
    for n in 1..=footnotes {
        let _ = write!(
            body,
            "\n[^{n}]: {} See *{}*, {}, {}.\n",
            rng.pick(NOTE_SENTENCES),
            rng.pick(SOURCE_TITLES),
            rng.pick(SOURCE_PUBLISHERS),
            rng.range(2005, 2025)
        );
    }
    PlainArticle {
        slug,
        title,
        date,
        summary,
        body,
    }
}

/// Writes the plain articles as a briefing site: one folder per article with
/// no notes, and an empty glossary.
fn write_plain_briefings(content: &Path, articles: &[PlainArticle]) -> Result<(), String> {
    write(
        &content.join("glossary.yaml"),
        "# Generated by examples/gen_corpus.rs --plain: no terms.\n[]\n",
    )?;
    for a in articles {
        let dir = content.join(&a.slug);
        fs::create_dir(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        write(&dir.join("article.md"), &a.page("---", ": ", "summary"))?;
        write(
            &dir.join("annotations.yaml"),
            "# Generated by examples/gen_corpus.rs --plain: no notes.\n[]\n",
        )?;
    }
    Ok(())
}

/// Zola's site settings for the comparison: what Zola builds by default, with
/// footnotes gathered at the end of the page as briefing does.
const ZOLA_CONFIG: &str = r#"# Written by examples/gen_corpus.rs --plain --zola: the same articles as a Zola site.
base_url = "https://example.org"
title = "Generated articles"
compile_sass = false
build_search_index = false

[markdown]
bottom_footnotes = true
"#;

/// The site index: every article, newest first, with its date and summary.
const ZOLA_INDEX: &str = r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ config.title }}</title></head>
<body>
<h1>{{ config.title }}</h1>
<ul>
{% for page in section.pages %}
<li><a href="{{ page.permalink | safe }}">{{ page.title }}</a> <time datetime="{{ page.date }}">{{ page.date | date(format="%-d %B %Y") }}</time><p>{{ page.description }}</p></li>
{% endfor %}
</ul>
</body>
</html>
"#;

/// One article: headline, date, summary and the rendered body.
const ZOLA_PAGE: &str = r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ page.title }}</title><meta name="description" content="{{ page.description }}"></head>
<body>
<main>
<article>
<h1>{{ page.title }}</h1>
<p><time datetime="{{ page.date }}">{{ page.date | date(format="%-d %B %Y") }}</time></p>
<p>{{ page.description }}</p>
{{ page.content | safe }}
</article>
</main>
<p><a href="{{ config.base_url | safe }}/">All articles</a></p>
</body>
</html>
"#;

/// Writes the same plain articles as a Zola site: `config.toml`, two templates
/// and `content/<slug>.md` with TOML front matter.
fn write_zola_site(dir: &Path, articles: &[PlainArticle]) -> Result<(), String> {
    let content = dir.join("content");
    let templates = dir.join("templates");
    for d in [&content, &templates] {
        fs::create_dir_all(d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
    }
    write(&dir.join("config.toml"), ZOLA_CONFIG)?;
    write(&templates.join("index.html"), ZOLA_INDEX)?;
    write(&templates.join("page.html"), ZOLA_PAGE)?;
    write(
        &content.join("_index.md"),
        "+++\ntitle = \"Generated articles\"\nsort_by = \"date\"\n+++\n",
    )?;
    for a in articles {
        write(
            &content.join(format!("{}.md", a.slug)),
            &a.page("+++", " = ", "description"),
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------- main

struct Args {
    briefings: usize,
    notes: usize,
    out: PathBuf,
    plain: bool,
    zola: Option<PathBuf>,
}

const USAGE: &str = "usage: gen_corpus --briefings N --out DIR [--notes-per-briefing K] [--plain [--zola ZOLA_DIR]]";

fn parse_args() -> Result<Args, String> {
    let mut briefings = None;
    let mut notes = DEFAULT_NOTES;
    let mut out = None;
    let mut plain = false;
    let mut zola = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (a.clone(), None),
        };
        if flag == "-h" || flag == "--help" {
            println!("{USAGE}");
            std::process::exit(0);
        }
        if flag == "--plain" && inline.is_none() {
            plain = true;
            continue;
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        let number = |v: String| {
            v.parse::<usize>()
                .map_err(|_| format!("{flag}: `{v}` is not a number\n{USAGE}"))
        };
        match flag.as_str() {
            "--briefings" => briefings = Some(number(value()?)?),
            "--notes-per-briefing" => notes = number(value()?)?,
            "--out" => out = Some(PathBuf::from(value()?)),
            "--zola" => zola = Some(PathBuf::from(value()?)),
            _ => return Err(format!("unknown argument `{a}`\n{USAGE}")),
        }
    }
    if zola.is_some() && !plain {
        return Err(format!(
            "--zola writes the plain articles; add --plain\n{USAGE}"
        ));
    }
    Ok(Args {
        briefings: briefings.ok_or_else(|| format!("--briefings is required\n{USAGE}"))?,
        notes,
        out: out.ok_or_else(|| format!("--out is required\n{USAGE}"))?,
        plain,
        zola,
    })
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Empties `dir` if this generator wrote it (it holds the marker file), creates
/// it, and marks it; stops on any other existing `dir`, which may be someone's work.
fn fresh_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        if !dir.join(MARKER_FILE).exists() {
            return Err(format!(
                "{} exists and was not written by gen_corpus; choose another folder",
                dir.display()
            ));
        }
        fs::remove_dir_all(dir).map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    }
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    write(
        &dir.join(MARKER_FILE),
        "written by examples/gen_corpus.rs; safe to delete\n",
    )
}

fn run(args: &Args) -> Result<(), String> {
    let content = args.out.join("content");
    fresh_dir(&content)?;
    let what = if args.plain {
        "plain articles"
    } else {
        "briefings"
    };
    write(
        &content.join("site.yaml"),
        &format!(
            "title: \"Generated briefings\"\nlanguage: en\ndescription: {}\n",
            yq(&format!(
                "{} generated {what} for benchmarks.",
                args.briefings
            ))
        ),
    )?;
    if args.plain {
        return run_plain(args, &content);
    }
    let all_terms = terms();
    write(&content.join("glossary.yaml"), &glossary(&all_terms))?;
    let topics: String = (0..TOPICS)
        .map(|t| {
            format!(
                "- id: topic-{t}\n  title: Topic {t}\n  description: Generated topic number {t}.\n"
            )
        })
        .collect();
    write(&content.join("topics.yaml"), &topics)?;
    let mut bytes = 0usize;
    for b in 0..args.briefings {
        let br = briefing(b, args.notes, &terms_of(b, args.briefings), &all_terms);
        let dir = content.join(&br.slug);
        fs::create_dir(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        write(&dir.join("article.md"), &br.article)?;
        write(&dir.join("annotations.yaml"), &br.annotations)?;
        bytes += br.article.len() + br.annotations.len();
    }
    eprintln!(
        "gen_corpus: {} briefing(s), {} note(s) each, {} KB of articles and notes, in {}",
        args.briefings,
        args.notes,
        bytes / 1024,
        content.display()
    );
    Ok(())
}

fn run_plain(args: &Args, content: &Path) -> Result<(), String> {
    let articles: Vec<PlainArticle> = (0..args.briefings)
        .map(|b| plain_article(b, args.notes))
        .collect();
    write_plain_briefings(content, &articles)?;
    if let Some(zola) = &args.zola {
        fresh_dir(zola)?;
        write_zola_site(zola, &articles)?;
    }
    let bytes: usize = articles.iter().map(|a| a.body.len()).sum();
    eprintln!(
        "gen_corpus: {} plain article(s), {} footnote(s) each, {} KB of Markdown, in {}{}",
        args.briefings,
        args.notes,
        bytes / 1024,
        content.display(),
        args.zola
            .as_ref()
            .map(|z| format!(" and as a Zola site in {}", z.display()))
            .unwrap_or_default()
    );
    Ok(())
}

fn main() -> ExitCode {
    match parse_args().and_then(|a| run(&a)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            ExitCode::from(2)
        }
    }
}
