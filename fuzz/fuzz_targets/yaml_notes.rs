//! The YAML loader on arbitrary bytes: a diagnostic or notes, never a panic.
#![no_main]

use briefing::load::model::NoteSpec;
use briefing::load::yaml::{parse, Spans, Step};
use briefing::text_file::TextFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let file = TextFile::new(std::path::Path::new("annotations.yaml"), text.to_string());
    if let Ok(notes) = parse::<Vec<NoteSpec>>(&file, &file.text, 0, "a list of notes") {
        for i in 0..notes.value.len() {
            let _ = notes.spans.value(&[Step::Index(i), Step::Key("quote")]);
        }
    }
    let _ = Spans::of(text, 0);
});
