//! Publishing: the DSR site built for an address under a subpath, served from
//! 127.0.0.1 under that subpath and crawled (every link, canonical URL, feed
//! entry and sitemap URL must resolve); the feed and the sitemap checked against
//! their schemas; the site without a `base_url` unchanged; `init`,
//! `completions`, `man` and `--version`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::*;
use predicates::prelude::*;
use scraper::{Html, Selector};
use url::Url;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A scratch project with the repository's DSR content.
fn dsr_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("content"), &dir.path().join("content"));
    dir
}

/// Serves `public` under `prefix` (`/briefings/`) on 127.0.0.1 the way static
/// hosts do: a folder's address serves its index.html, and an address with no
/// file gets 404.html with status 404. Stops when dropped.
struct Host {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Host {
    fn bind() -> (tiny_http::Server, u16) {
        let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
        let port = server.server_addr().to_ip().unwrap().port();
        (server, port)
    }

    fn serve(server: tiny_http::Server, public: PathBuf, prefix: &'static str) -> Host {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                let Ok(Some(request)) = server.recv_timeout(Duration::from_millis(50)) else {
                    continue;
                };
                let path = request
                    .url()
                    .split(['?', '#'])
                    .next()
                    .unwrap_or("")
                    .to_string();
                let file = path
                    .strip_prefix(prefix)
                    .filter(|rel| !rel.split('/').any(|p| p == ".."))
                    .map(|rel| {
                        let rel = percent_decode(rel);
                        if rel.is_empty() || rel.ends_with('/') {
                            public.join(rel).join("index.html")
                        } else {
                            public.join(rel)
                        }
                    })
                    .filter(|p| p.is_file());
                let response = match file {
                    Some(p) => tiny_http::Response::from_data(std::fs::read(p).unwrap()),
                    None => tiny_http::Response::from_data(
                        std::fs::read(public.join("404.html")).unwrap(),
                    )
                    .with_status_code(404),
                };
                let _ = request.respond(response);
            }
        });
        Host {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// A plain HTTP/1.0 GET to 127.0.0.1: status and body.
fn get(url: &Url) -> (u16, Vec<u8>) {
    assert_eq!(
        url.host_str(),
        Some("127.0.0.1"),
        "only the local host is fetched: {url}"
    );
    let mut stream = TcpStream::connect(("127.0.0.1", url.port().unwrap())).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n",
        url.path()
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, raw[split + 4..].to_vec())
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

fn attr(doc: &Html, css: &str, name: &str) -> Option<String> {
    select(doc, css)
        .first()
        .and_then(|e| e.value().attr(name))
        .map(str::to_string)
}

/// Texts of the XML elements called `name`, or the `href`s of `<link>`s.
fn xml_texts(xml: &[u8], name: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).unwrap() {
            Event::Start(e) if e.local_name().as_ref() == name.as_bytes() => {
                current = Some(String::new())
            }
            Event::Empty(e) if name == "link" && e.local_name().as_ref() == b"link" => {
                let href = e.try_get_attribute("href").unwrap().unwrap();
                out.push(
                    href.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .unwrap()
                        .into_owned(),
                );
            }
            Event::Text(t) => {
                if let Some(c) = current.as_mut() {
                    c.push_str(&t.decode().unwrap());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(c) = current.as_mut() {
                    let entity = r.decode().unwrap();
                    c.push_str(quick_xml::escape::resolve_predefined_entity(&entity).unwrap());
                }
            }
            Event::End(_) => out.extend(current.take()),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

/// Every `@type` in a JSON-LD document, nested ones included.
fn json_ld_types(value: &serde_json::Value, types: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(t) = map.get("@type").and_then(|t| t.as_str()) {
                types.push(t.to_string());
            }
            map.values().for_each(|v| json_ld_types(v, types));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| json_ld_types(v, types)),
        _ => {}
    }
}

/// What a crawl found.
#[derive(Default)]
struct Crawl {
    /// Each HTML page fetched (without fragment), with its parsed document.
    pages: BTreeMap<String, String>,
    /// Every same-site address fetched, with its status.
    fetched: BTreeMap<String, u16>,
}

impl Crawl {
    fn fetch(&mut self, url: &Url) -> (u16, Vec<u8>) {
        let (status, body) = get(url);
        self.fetched.insert(url.to_string(), status);
        (status, body)
    }
}

/// Follows every link, image, canonical and alternate link from `start`, on
/// this host only; fragments must name an element of the page they point at.
fn crawl(start: &Url) -> Crawl {
    let mut crawl = Crawl::default();
    let mut queue = VecDeque::from([start.clone()]);
    let mut seen = BTreeSet::new();
    let mut fragments: Vec<(String, Url)> = Vec::new();
    while let Some(url) = queue.pop_front() {
        let mut bare = url.clone();
        bare.set_fragment(None);
        if !seen.insert(bare.to_string()) {
            continue;
        }
        assert!(seen.len() < 500, "the crawl is bounded");
        let (status, body) = crawl.fetch(&bare);
        assert_eq!(status, 200, "{bare} answers 200");
        let path = bare.path().to_string();
        if !(path.ends_with('/') || path.ends_with(".html")) {
            continue;
        }
        let html = String::from_utf8(body).unwrap();
        let doc = Html::parse_document(&html);
        for (css, name) in [
            ("a[href]", "href"),
            ("link[href]", "href"),
            ("img[src]", "src"),
        ] {
            for e in select(&doc, css) {
                let target = bare.join(e.value().attr(name).unwrap()).unwrap();
                if target.host_str() != Some("127.0.0.1") {
                    continue;
                }
                if let Some(f) = target.fragment().filter(|f| !f.is_empty()) {
                    fragments.push((f.to_string(), target.clone()));
                }
                queue.push_back(target);
            }
        }
        crawl.pages.insert(bare.to_string(), html);
    }
    for (fragment, target) in fragments {
        let mut page = target.clone();
        page.set_fragment(None);
        let html = &crawl.pages[page.as_str()];
        let doc = Html::parse_document(html);
        assert!(
            !select(&doc, &format!("[id=\"{fragment}\"]")).is_empty(),
            "{target}: no element with id {fragment}"
        );
    }
    crawl
}

#[test]
fn the_dsr_site_under_a_subpath_passes_the_crawl() {
    let project = dsr_project();
    let (server, port) = Host::bind();
    let base = format!("http://127.0.0.1:{port}/briefings/");
    briefing()
        .args(["build", "--quiet", "--base-url", &base, "--root"])
        .arg(project.path())
        .assert()
        .success();
    let public = project.path().join("public");
    let _host = Host::serve(server, public.clone(), "/briefings/");
    let base = Url::parse(&base).unwrap();
    let mut crawl = crawl(&base);

    // Every page has a canonical link to itself, the feed and link previews.
    assert!(crawl.pages.len() >= 3, "{:?}", crawl.pages.keys());
    let mut canonicals = BTreeSet::new();
    for (url, html) in crawl.pages.clone() {
        let doc = Html::parse_document(&html);
        let canonical = attr(&doc, "link[rel=canonical]", "href")
            .unwrap_or_else(|| panic!("{url} has a canonical link"));
        let (status, _) = crawl.fetch(&Url::parse(&canonical).unwrap());
        assert_eq!(status, 200, "canonical {canonical} resolves");
        canonicals.insert(canonical.clone());
        assert_eq!(
            attr(&doc, "meta[property='og:url']", "content").as_ref(),
            Some(&canonical)
        );
        for property in ["og:title", "og:type", "og:site_name"] {
            assert!(
                attr(&doc, &format!("meta[property='{property}']"), "content").is_some(),
                "{url}: {property}"
            );
        }
        assert!(
            attr(&doc, "meta[name='twitter:card']", "content").is_some(),
            "{url}"
        );
        assert_eq!(
            attr(
                &doc,
                "link[rel=alternate][type='application/atom+xml']",
                "href"
            ),
            Some(base.join("feed.xml").unwrap().to_string()),
            "{url} links the feed"
        );
    }

    // The briefing: an article based on the original, its corrections as ClaimReviews.
    let page = base.join("digital-silk-road-forum/").unwrap();
    let doc = Html::parse_document(&crawl.pages[page.as_str()]);
    assert_eq!(
        attr(&doc, "meta[property='og:type']", "content").as_deref(),
        Some("article")
    );
    assert!(attr(&doc, "meta[property='article:modified_time']", "content").is_some());
    let scripts = select(&doc, "script[type='application/ld+json']");
    assert_eq!(scripts.len(), 1);
    let json_ld: serde_json::Value =
        serde_json::from_str(&scripts[0].text().collect::<String>()).unwrap();
    assert_eq!(json_ld["@context"], "https://schema.org");
    let mut types = Vec::new();
    json_ld_types(&json_ld, &mut types);
    let corrections = std::fs::read_to_string(
        project
            .path()
            .join("content/digital-silk-road-forum/annotations.yaml"),
    )
    .unwrap()
    .matches("kind: correction")
    .count();
    assert!(corrections > 0);
    assert_eq!(
        types.iter().filter(|t| *t == "ClaimReview").count(),
        corrections
    );
    assert_eq!(json_ld["@graph"][0]["@type"], "Article");
    assert_eq!(json_ld["@graph"][0]["isBasedOn"]["@type"], "NewsArticle");
    for review in json_ld["@graph"].as_array().unwrap().iter().skip(1) {
        assert_eq!(review["itemReviewed"]["@type"], "Claim");
        assert_eq!(
            review["itemReviewed"]["appearance"]["@id"], json_ld["@graph"][0]["isBasedOn"]["@id"],
            "the claim appears in the original"
        );
        let claim = review["claimReviewed"].as_str().unwrap();
        assert!(
            crawl.pages[page.as_str()].contains(claim),
            "the claim is the article's own words: {claim}"
        );
        let note = Url::parse(review["url"].as_str().unwrap()).unwrap();
        let id = note.fragment().unwrap();
        assert!(
            !select(&doc, &format!("[id=\"{id}\"]")).is_empty(),
            "{note}"
        );
    }

    // The feed: every entry and the self link resolve.
    let (status, feed) = crawl.fetch(&base.join("feed.xml").unwrap());
    assert_eq!(status, 200);
    let links = xml_texts(&feed, "link");
    assert!(links.len() >= 3, "{links:?}");
    for link in &links {
        assert_eq!(crawl.fetch(&Url::parse(link).unwrap()).0, 200, "{link}");
    }
    assert!(links.contains(&page.to_string()));
    let summaries = xml_texts(&feed, "summary");
    let notes = crawl.pages[page.as_str()].matches("<li id=\"note-").count();
    assert!(
        summaries[0].ends_with(&format!("({notes} notes.)")),
        "{summaries:?}"
    );

    // The sitemap lists every page the crawl found, and each resolves.
    let (status, sitemap) = crawl.fetch(&base.join("sitemap.xml").unwrap());
    assert_eq!(status, 200);
    let locs: BTreeSet<String> = xml_texts(&sitemap, "loc").into_iter().collect();
    assert_eq!(
        locs, canonicals,
        "the sitemap lists the canonical address of every page"
    );
    for loc in &locs {
        assert_eq!(crawl.fetch(&Url::parse(loc).unwrap()).0, 200, "{loc}");
    }
    let article = std::fs::read_to_string(
        project
            .path()
            .join("content/digital-silk-road-forum/article.md"),
    )
    .unwrap();
    let checked = article
        .lines()
        .find_map(|l| l.strip_prefix("checked: "))
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    assert_eq!(xml_texts(&sitemap, "lastmod")[0], checked);

    // robots.txt points at the sitemap.
    let (status, robots) = crawl.fetch(&base.join("robots.txt").unwrap());
    assert_eq!(status, 200);
    let robots = String::from_utf8(robots).unwrap();
    let sitemap_url = robots
        .lines()
        .find_map(|l| l.strip_prefix("Sitemap: "))
        .unwrap();
    assert_eq!(sitemap_url, base.join("sitemap.xml").unwrap().as_str());

    // Annotation ids are absolute addresses on the site.
    let (_, export) = crawl.fetch(&page.join("annotations.jsonld").unwrap());
    let export: serde_json::Value = serde_json::from_slice(&export).unwrap();
    assert_eq!(
        export["id"],
        page.join("annotations.jsonld").unwrap().as_str()
    );
    for item in export["first"]["items"].as_array().unwrap() {
        let id = Url::parse(item["id"].as_str().unwrap()).unwrap();
        assert!(id.as_str().starts_with(page.as_str()), "{id}");
    }

    // A missing page, at any depth: the 404 page, whose links work from there.
    let missing = base.join("no/such/page/").unwrap();
    let (status, body) = get(&missing);
    assert_eq!(status, 404);
    let doc = Html::parse_document(&String::from_utf8(body).unwrap());
    assert!(attr(&doc, "link[rel=canonical]", "href").is_none());
    for a in select(&doc, "a[href]:not([href^='#'])") {
        let target = missing.join(a.value().attr("href").unwrap()).unwrap();
        assert_eq!(get(&target).0, 200, "{target} from the 404 page");
    }
    assert!(
        crawl.fetched.values().all(|s| *s == 200),
        "{:?}",
        crawl.fetched
    );
}

/// Runs xmllint (Debian's libxml2-utils) with a schema of tests/schemas/.
fn xmllint(schema_flag: &str, schema: &str, file: &Path) -> std::process::Output {
    Process::new("xmllint")
        .args(["--noout", "--nonet", schema_flag])
        .arg(repo().join("tests/schemas").join(schema))
        .arg(file)
        .output()
        .expect("xmllint runs: apt-get install libxml2-utils")
}

#[test]
fn the_feed_and_sitemap_validate_against_their_schemas() {
    let project = dsr_project();
    briefing()
        .args([
            "build",
            "--quiet",
            "--base-url",
            "https://example.org/news/briefings",
            "--root",
        ])
        .arg(project.path())
        .assert()
        .success();
    let public = project.path().join("public");
    for (flag, schema, file) in [
        ("--relaxng", "atom.rng", "feed.xml"),
        ("--schema", "sitemap.xsd", "sitemap.xml"),
    ] {
        let out = xmllint(flag, schema, &public.join(file));
        assert!(
            out.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The schemas do reject: the same file with its id or a date broken fails.
        let text = std::fs::read_to_string(public.join(file)).unwrap();
        let broken = text
            .replacen("<id>https://example.org/news/briefings/</id>", "", 1)
            .replacen("<lastmod>20", "<lastmod>in 20", 1);
        assert_ne!(broken, text);
        let bad = project.path().join(format!("broken-{file}"));
        std::fs::write(&bad, broken).unwrap();
        assert!(!xmllint(flag, schema, &bad).status.success(), "{file}");
    }
    // RFC 4287: a feed without an author needs one in every entry; ours has one.
    let feed = std::fs::read(public.join("feed.xml")).unwrap();
    assert_eq!(xml_texts(&feed, "name"), ["Briefings"]);
}

#[test]
fn without_a_base_url_nothing_needing_an_address_is_made() {
    let project = dsr_project();
    briefing()
        .args(["build", "--quiet", "--root"])
        .arg(project.path())
        .assert()
        .success();
    let public = project.path().join("public");
    for file in ["feed.xml", "sitemap.xml", "robots.txt"] {
        assert!(!public.join(file).exists(), "{file}");
    }
    let built = snapshot_tree(&public);
    let committed = snapshot_tree(&repo().join("public"));
    assert_eq!(
        built.keys().collect::<Vec<_>>(),
        committed.keys().collect::<Vec<_>>()
    );
    let page =
        String::from_utf8(built[Path::new("digital-silk-road-forum/index.html")].clone()).unwrap();
    for absent in [
        "rel=\"canonical\"",
        "property=\"og:",
        "<script type=\"application/ld+json\"",
    ] {
        assert!(!page.contains(absent), "{absent}");
    }
    // The 404 page links relatively, as every other page does.
    let not_found = String::from_utf8(built[Path::new("404.html")].clone()).unwrap();
    assert!(not_found.contains("<a href=\"index.html\">"), "{not_found}");
    briefing()
        .args(["check", "--root"])
        .arg(project.path())
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "note: content/site.yaml has no `base_url`, so feed.xml, sitemap.xml",
        ));
}

#[test]
fn a_users_robots_txt_is_published_instead_of_ours() {
    let project = dsr_project();
    std::fs::write(
        project.path().join("content/robots.txt"),
        "User-agent: *\nDisallow: /drafts/\n",
    )
    .unwrap();
    for base in [None, Some("https://example.org/")] {
        let mut cmd = briefing();
        cmd.args(["build", "--quiet", "--root"]).arg(project.path());
        if let Some(b) = base {
            cmd.args(["--base-url", b]);
        }
        cmd.assert().success();
        assert_eq!(
            std::fs::read_to_string(project.path().join("public/robots.txt")).unwrap(),
            "User-agent: *\nDisallow: /drafts/\n"
        );
    }
}

#[test]
fn site_settings_for_publishing_are_checked_where_they_are_written() {
    let project = dsr_project();
    let site = project.path().join("content/site.yaml");
    for (yaml, expected) in [
        (
            "title: T\nbase_url: example.org/briefings\n",
            [
                "content/site.yaml:2:11: error: invalid base_url `example.org/briefings`",
                "help: write the site's full address",
            ],
        ),
        (
            "title: T\nbase_ur: https://example.org/\n",
            [
                "content/site.yaml:2:1: error: unknown key `base_ur`",
                "did you mean `base_url`?",
            ],
        ),
        (
            "title: T\nimage: ../secret.png\n",
            [
                "content/site.yaml:2:8: error: invalid image `../secret.png`",
                "help: name a PNG, JPEG, GIF or WebP file in content/",
            ],
        ),
    ] {
        std::fs::write(&site, yaml).unwrap();
        let mut assert = briefing()
            .args(["check", "--root"])
            .arg(project.path())
            .assert()
            .code(1);
        for text in expected {
            assert = assert.stderr(predicate::str::contains(text));
        }
    }
    std::fs::write(
        &site,
        "title: T\nbase_url: https://example.org/\nimage: share.png\n",
    )
    .unwrap();
    briefing()
        .args(["build", "--root"])
        .arg(project.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("image `share.png`"));
    std::fs::write(project.path().join("content/share.png"), b"\x89PNG\r\n").unwrap();
    briefing()
        .args(["build", "--quiet", "--root"])
        .arg(project.path())
        .assert()
        .success();
    let page = std::fs::read_to_string(project.path().join("public/index.html")).unwrap();
    assert!(page.contains("<meta property=\"og:image\" content=\"https://example.org/share.png\">"));
    assert!(page.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"));
    assert!(project.path().join("public/share.png").is_file());
    briefing()
        .args(["build", "--base-url", "ftp://example.org/", "--root"])
        .arg(project.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not an http(s) address"));
}

#[test]
fn preview_tags_and_json_ld_escape_hostile_text() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("valid/injection"), dir.path());
    std::fs::write(
        dir.path().join("content/site.yaml"),
        "title: \"Desk \\\"<script>alert(1)</script>\"\nauthor: \"</script><b>x</b> & co\"\n",
    )
    .unwrap();
    briefing()
        .args([
            "build",
            "--quiet",
            "--base-url",
            "https://example.org/",
            "--root",
        ])
        .arg(dir.path())
        .assert()
        .success();
    for page in [
        "index.html",
        "hostile/index.html",
        "glossary/index.html",
        "404.html",
    ] {
        let html = std::fs::read_to_string(dir.path().join("public").join(page)).unwrap();
        let doc = Html::parse_document(&html);
        assert_eq!(
            attr(&doc, "meta[property='og:site_name']", "content").as_deref(),
            Some("Desk \"<script>alert(1)</script>"),
            "{page}"
        );
        assert_eq!(
            select(&doc, "script").len(),
            1 + select(&doc, "script[type='application/ld+json']").len()
        );
        for script in select(&doc, "script[type='application/ld+json']") {
            let value: serde_json::Value =
                serde_json::from_str(&script.text().collect::<String>()).unwrap();
            assert_eq!(
                value["@graph"][0]["author"]["name"],
                "</script><b>x</b> & co"
            );
        }
    }
    let feed = std::fs::read(dir.path().join("public/feed.xml")).unwrap();
    assert_eq!(
        xml_texts(&feed, "title")[0],
        "Desk \"<script>alert(1)</script>"
    );
}

#[test]
fn init_starts_a_project_that_builds_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("demo-site");
    briefing()
        .arg("init")
        .arg(&site)
        .args(["--github-pages", "--netlify"])
        .assert()
        .success()
        .stdout(predicate::str::contains("demo-site/content/site.yaml"));
    for file in [
        "content/site.yaml",
        "content/glossary.yaml",
        "content/riverside-bus-lanes/article.md",
        "content/riverside-bus-lanes/annotations.yaml",
        ".gitignore",
        ".github/workflows/pages.yml",
        "netlify.toml",
    ] {
        assert!(site.join(file).is_file(), "{file}");
    }
    // The deploy recipes publish public/, which .gitignore keeps.
    let workflow: serde_json::Value = serde_saphyr::from_str(
        &std::fs::read_to_string(site.join(".github/workflows/pages.yml")).unwrap(),
    )
    .unwrap();
    let steps = workflow["jobs"]["deploy"]["steps"].as_array().unwrap();
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact"))
        })
        .unwrap();
    assert_eq!(upload["with"]["path"].as_str(), Some("public"));
    assert_eq!(workflow["permissions"]["pages"].as_str(), Some("write"));
    let netlify = std::fs::read_to_string(site.join("netlify.toml")).unwrap();
    assert!(netlify.contains("publish = \"public\""));
    assert!(!std::fs::read_to_string(site.join(".gitignore"))
        .unwrap()
        .lines()
        .any(|l| l.trim() == "/public/" || l.trim() == "public/"));

    briefing()
        .args(["check", "--root"])
        .arg(&site)
        .assert()
        .success()
        .stderr(predicate::str::contains("check passed: 0 warnings"));
    briefing()
        .args([
            "build",
            "--quiet",
            "--base-url",
            "https://example.org/demo/",
            "--root",
        ])
        .arg(&site)
        .assert()
        .success();
    let page = std::fs::read_to_string(site.join("public/riverside-bus-lanes/index.html")).unwrap();
    assert!(page.contains("\"@type\":\"ClaimReview\""));

    std::fs::write(site.join("content/site.yaml"), "title: Mine\n").unwrap();
    briefing()
        .arg("init")
        .arg(&site)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("never overwrites"));
    std::fs::remove_file(site.join("netlify.toml")).unwrap();
    briefing()
        .arg("init")
        .arg(&site)
        .arg("--netlify")
        .assert()
        .success()
        .stdout(predicate::str::contains("created").and(predicate::str::contains("netlify.toml")));
    briefing()
        .arg("init")
        .arg(&site)
        .arg("--github-pages")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pages.yml already exists"));
    assert_eq!(
        std::fs::read_to_string(site.join("content/site.yaml")).unwrap(),
        "title: Mine\n"
    );
}

#[test]
fn completions_and_the_manual_page_describe_every_command() {
    let bash = briefing().args(["completions", "bash"]).assert().success();
    let script = String::from_utf8(bash.get_output().stdout.clone()).unwrap();
    for command in [
        "build",
        "check",
        "serve",
        "fix",
        "new",
        "import",
        "init",
        "completions",
        "man",
    ] {
        assert!(script.contains(command), "{command}");
    }
    assert!(script.contains("--base-url"));
    let path = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(path.path(), &script).unwrap();
    assert!(Process::new("bash")
        .arg("-n")
        .arg(path.path())
        .status()
        .unwrap()
        .success());
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        briefing()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("base-url"));
    }
    briefing().args(["completions", "tcsh"]).assert().code(2);

    let man = briefing().arg("man").assert().success();
    let man = String::from_utf8(man.get_output().stdout.clone()).unwrap();
    assert!(
        man.starts_with(".ie") || man.starts_with(".TH"),
        "{}",
        &man[..80]
    );
    assert!(man.contains(".TH briefing 1"), "{}", &man[..200]);
    assert!(man.contains("Build annotated briefings"));
    assert!(man.contains("init"));
    assert!(man.contains(".SH \"EXIT STATUS\""), "{man}");
    // The examples are set line for line, not run together into one paragraph.
    let examples = man
        .split(".SH EXAMPLES\n")
        .nth(1)
        .expect("an EXAMPLES section");
    assert!(examples.starts_with(".nf\n  briefing build "), "{examples}");

    // Every page the top page refers to is written by `man --dir`.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("man1");
    briefing()
        .args(["man", "--dir"])
        .arg(&dir)
        .assert()
        .success();
    let referred: Vec<&str> = man
        .lines()
        .filter_map(|line| line.strip_suffix("(1)"))
        .collect();
    assert!(referred.len() >= 9, "{referred:?}");
    for page in referred {
        let name = format!("{}.1", page.replace("\\-", "-"));
        let text =
            std::fs::read_to_string(dir.join(&name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(text.contains(".SH \"EXIT STATUS\""), "{name}");
    }
    let check = std::fs::read_to_string(dir.join("briefing-check.1")).unwrap();
    assert!(
        check.contains(".TH briefing-check 1  \"briefing 0."),
        "{}",
        &check[..200]
    );
    assert!(check.contains("\\-\\-links"), "{check}");
    assert!(dir.join("briefing-import-hypothesis.1").is_file());
}

#[test]
fn version_names_the_commit_when_built_from_git() {
    let out = briefing().arg("--version").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.starts_with(&format!("briefing {}", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    let head = Process::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(repo())
        .output()
        .ok()
        .filter(|o| o.status.success());
    match head {
        Some(o) => assert!(
            text.contains(&format!(
                "(commit {})",
                String::from_utf8_lossy(&o.stdout).trim()
            )),
            "{text}"
        ),
        None => assert!(!text.contains("commit"), "{text}"),
    }
}
