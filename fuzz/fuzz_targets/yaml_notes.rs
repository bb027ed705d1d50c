//! The YAML loader on arbitrary bytes: a diagnostic or notes, never a panic;
//! the expansion budget holds and every quote's bytes lie within the file.
#![no_main]

use briefing::load::model::NoteSpec;
use briefing::load::yaml::{parse, Document};
use briefing::text_file::TextFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let file = TextFile::new(std::path::Path::new("annotations.yaml"), text.to_string());
    match parse::<Vec<NoteSpec>>(&file, 0..file.text.len(), Document::Notes) {
        Ok(notes) => {
            let expanded: usize = notes.iter().map(|n| n.quote.len() + n.note.len()).sum();
            assert!(expanded <= 8 * file.text.len().max(64 * 1024), "budget exceeded");
            for n in &notes {
                if let Some(bytes) = n.quote.bytes() {
                    assert!(file.text.get(bytes).is_some(), "quote bytes outside the file");
                }
            }
        }
        Err(d) => {
            let _ = d.render(false);
        }
    }
});
