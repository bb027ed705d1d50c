//! The site's public address (`base_url` in `site.yaml`, or `--base-url`).
//!
//! Pages keep linking each other relatively, so the site still works from disk
//! and under any path; the absolute address is only for what must be absolute:
//! canonical links, link previews, the feed, the sitemap and JSON-LD ids.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An absolute http(s) address of the site's root, always ending in `/`, so that
/// joining a relative path keeps any subpath (`https://example.org/briefings/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(url::Url);

impl BaseUrl {
    /// Checks `text` and normalises it; the error says what is wrong and how to
    /// write it, for a located diagnostic or a command-line error.
    pub fn parse(text: &str) -> Result<BaseUrl, String> {
        let text = text.trim();
        let invalid = |why: &str| format!("invalid base_url `{text}`: {why}");
        let mut url = url::Url::parse(text)
            .map_err(|e| invalid(&format!("not an absolute address ({e})")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("not an http(s) address"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid("it names no host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "a user name or password would be published on every page",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("a site's address has no `?query` or `#fragment`"));
        }
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        Ok(BaseUrl(url))
    }

    /// The absolute address of `path`, given relative to the site root
    /// (`digital-silk-road-forum/`, `feed.xml`; `""` is the root itself).
    pub fn join(&self, path: &str) -> String {
        format!("{}{}", self.0.as_str(), path)
    }

    /// The path part, `/` or `/briefings/`: where the site sits on its host.
    pub fn path(&self) -> &str {
        self.0.path()
    }

    /// The whole address, ending in `/`, as written into feeds and tags.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for BaseUrl {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BaseUrl::parse(s)
    }
}

/// Reads a string and checks it in the visitor, so that the YAML parser
/// reports a rejected value at the value's own line and column.
/// The third field is the help shown under the error.
struct Checked<T>(fn(&str) -> Result<T, String>, &'static str, &'static str);

impl<T> serde::de::Visitor<'_> for Checked<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.1)
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        (self.0)(v)
            .map_err(|message| E::custom(format!("{message}{}{}", super::yaml::HELP, self.2)))
    }
}

impl<'de> Deserialize<'de> for BaseUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(Checked(
            BaseUrl::parse,
            "the site's address, e.g. https://example.org/briefings/",
            "write the site's full address, e.g. https://example.org/briefings/",
        ))
    }
}

impl Serialize for BaseUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The site's share image, `image:` in `site.yaml`: a file beside `site.yaml`,
/// copied to the site root. Only its shape is checked here (so the error points
/// at the value); whether it exists is checked by the build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageFile(String);

const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "webp"];

impl ImageFile {
    /// Accepts a plain file name of a format link previews show; the error
    /// says which rule the name breaks.
    pub fn parse(name: &str) -> Result<ImageFile, String> {
        let plain = !name.is_empty()
            && !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !plain {
            return Err(format!(
                "invalid image `{name}`: not a plain file name (letters, digits, `-`, `_`, `.`; no folders)"
            ));
        }
        let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        if !extension.is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.as_str())) {
            return Err(format!(
                "invalid image `{name}`: not a PNG, JPEG, GIF or WebP file, which is all link previews show"
            ));
        }
        Ok(ImageFile(name.to_string()))
    }

    /// The file name, as found beside `site.yaml` and copied to the site root.
    pub fn name(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for ImageFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(Checked(
            ImageFile::parse,
            "an image file name, e.g. share.png",
            "name a PNG, JPEG, GIF or WebP file in content/, beside site.yaml, e.g. share.png",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_keep_their_subpath_and_end_in_a_slash() {
        let b = BaseUrl::parse("https://example.org/briefings").unwrap();
        assert_eq!(b.as_str(), "https://example.org/briefings/");
        assert_eq!(b.join("feed.xml"), "https://example.org/briefings/feed.xml");
        assert_eq!(b.path(), "/briefings/");
        assert_eq!(
            BaseUrl::parse("http://127.0.0.1:8080").unwrap().as_str(),
            "http://127.0.0.1:8080/"
        );
        for bad in [
            "example.org",
            "/briefings/",
            "ftp://example.org/",
            "https://user:pw@example.org/",
            "https://example.org/?x=1",
            "https://example.org/#top",
            "file:///tmp/site/",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn images_are_plain_files_of_an_image_type() {
        assert!(ImageFile::parse("share.png").is_ok());
        assert!(ImageFile::parse("Share-1.JPG").is_ok());
        for bad in ["../x.png", "a/b.png", "x.svg", "x", ".png", ""] {
            assert!(ImageFile::parse(bad).is_err(), "{bad}");
        }
    }
}
