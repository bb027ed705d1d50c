//! The YAML loader on arbitrary bytes, through `yaml::parse` with the whole file
//! as a notes document: the very call the build makes for each notes file
//! (`load::read_yaml`), so the expansion budget applies as it does there. A
//! diagnostic or notes, never a panic; what the notes hold stays within the
//! budget; a budget failure points at its place; every quote's bytes lie within
//! the file.
#![no_main]

use briefing::load::model::NoteSpec;
use briefing::load::yaml::{parse, Document};
use briefing::text_file::TextFile;
use libfuzzer_sys::fuzz_target;

/// The loader's allowance (`load::yaml`): eight times the file, at least 64 KiB.
fn allowance(len: usize) -> usize {
    len.saturating_mul(8).max(64 * 1024)
}

/// The help of the loader's budget error: fixed text, unlike its message's
/// neighbours, which may quote the input.
const BUDGET_HELP: &str = "write the values out instead of repeating them through aliases";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = TextFile::new(std::path::Path::new("annotations.yaml"), text.to_string());
    match parse::<Vec<NoteSpec>>(&file, 0..file.text.len(), Document::Notes) {
        Ok(notes) => {
            let expanded: usize = notes.iter().map(|n| n.quote.len() + n.note.len()).sum();
            assert!(
                expanded <= allowance(file.text.len()),
                "budget exceeded: {expanded} bytes from a file of {}",
                file.text.len()
            );
            for n in &notes {
                if let Some(bytes) = n.quote.bytes() {
                    assert!(
                        file.text.get(bytes).is_some(),
                        "quote bytes outside the file"
                    );
                }
            }
        }
        Err(d) => {
            let shown = d.render(false);
            if d.message.starts_with("this YAML expands to too much")
                && d.help.as_deref() == Some(BUDGET_HELP)
            {
                let p = d.position.expect("a budget error has a position");
                assert!(
                    file.line(p.line).is_some(),
                    "budget error past the file: {shown}"
                );
            }
        }
    }
});
