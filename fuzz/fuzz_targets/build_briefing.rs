//! The whole build of one briefing from arbitrary bytes: the input is cut at
//! `\0` into article.md, annotations.yaml and glossary.yaml.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == 0);
    let article = parts.next().unwrap_or_default();
    let notes = parts.next().unwrap_or_default();
    let glossary = parts.next();
    let dir = tempfile::tempdir().unwrap();
    let b = dir.path().join("content/b");
    std::fs::create_dir_all(&b).unwrap();
    std::fs::write(b.join("article.md"), article).unwrap();
    std::fs::write(b.join("annotations.yaml"), notes).unwrap();
    if let Some(g) = glossary {
        std::fs::write(dir.path().join("content/glossary.yaml"), g).unwrap();
    }
    let _ = briefing::pipeline::build_site(dir.path());
});
