//! Notes leave and enter the project in the formats annotation tools speak:
//! [`export`] writes each briefing's notes as a W3C Web Annotation collection;
//! [`import`] reads a Hypothesis export and anchors it in a briefing's article.

pub(crate) mod export;
pub mod import;
