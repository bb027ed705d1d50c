//! A JSON file of briefing's own that vouches for itself: it carries its
//! format's version and a SHA-256 of its content, so that a file damaged,
//! edited by hand or written by another version reads as no file at all,
//! never as a wrong record. The build cache's page record and the output's
//! record of what it saw on disk are kept this way.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::sha256_hex;

#[derive(Serialize, Deserialize)]
struct Checked<T> {
    version: u32,
    content: T,
    checksum: String,
}

/// The content of the file at `path`, if it is there, of this `version`, and
/// whole.
pub(crate) fn read<T: Serialize + DeserializeOwned>(path: &Path, version: u32) -> Option<T> {
    let bytes = std::fs::read(path).ok()?;
    let file: Checked<T> = serde_json::from_slice(&bytes).ok()?;
    (file.version == version && checksum(&file.content)? == file.checksum).then_some(file.content)
}

/// `content` as the text of such a file.
pub(crate) fn to_json<T: Serialize>(content: &T, version: u32) -> Option<Vec<u8>> {
    let file = Checked {
        version,
        checksum: checksum(content)?,
        content,
    };
    serde_json::to_vec(&file).ok()
}

fn checksum<T: Serialize>(content: &T) -> Option<String> {
    serde_json::to_vec(content)
        .ok()
        .map(|json| sha256_hex(&json))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn a_file_reads_back_only_whole_and_of_its_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("record.json");
        let content = BTreeMap::from([("a.html".to_string(), 1u32)]);
        std::fs::write(&path, to_json(&content, 2).unwrap()).unwrap();
        assert_eq!(read::<BTreeMap<String, u32>>(&path, 2), Some(content));
        assert_eq!(read::<BTreeMap<String, u32>>(&path, 3), None);
        let edited = std::fs::read_to_string(&path)
            .unwrap()
            .replace(":1}", ":2}");
        std::fs::write(&path, edited).unwrap();
        assert_eq!(read::<BTreeMap<String, u32>>(&path, 2), None);
        assert_eq!(
            read::<BTreeMap<String, u32>>(&dir.path().join("none"), 2),
            None
        );
    }
}
