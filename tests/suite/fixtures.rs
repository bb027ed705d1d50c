//! Fixture projects with expected output, kept as insta snapshots: for each
//! `tests/fixtures/valid/*` the HTML inside `<main>` of every page, for each
//! `tests/fixtures/invalid/*` the diagnostics exactly as the user reads them.
//! Review changes with `cargo insta review`.

use std::path::Path;

use briefing::pipeline::build_site;

fn cases(kind: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(crate::common::fixture(kind))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("page has <main>");
    let end = html.rfind("</main>").expect("page has </main>") + "</main>".len();
    &html[start..end]
}

#[test]
fn valid_fixtures_render_as_expected() {
    for case in cases("valid") {
        let outcome = build_site(&crate::common::fixture(&format!("valid/{case}"))).unwrap();
        let site = outcome
            .site
            .unwrap_or_else(|| panic!("{case} failed: {:#?}", outcome.diagnostics));
        for (path, bytes) in &site.files {
            if !path.ends_with(".html") {
                continue;
            }
            let html = String::from_utf8(bytes.clone()).unwrap();
            let name = format!("{case}__{}", path.replace('/', "__"));
            insta::assert_snapshot!(name, main_of(&html));
        }
    }
}

#[test]
fn invalid_fixtures_report_located_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for case in cases("invalid") {
        let dir = root.join("tests/fixtures/invalid").join(&case);
        let outcome = build_site(&dir).unwrap();
        assert!(outcome.site.is_none(), "{case} should fail");
        let prefix = format!("{}/", dir.display());
        let text: String = outcome
            .diagnostics
            .iter()
            .map(|d| d.render(false).replace(&prefix, ""))
            .collect();
        insta::assert_snapshot!(format!("invalid__{case}"), text);
    }
}
