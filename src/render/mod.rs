//! Stage five: HTML. [`markdown`] renders the article with notes marked and terms
//! linked; [`views`] makes the view models of each page from the anchored
//! briefing; [`page`] puts them into the templates; [`citation`] writes a
//! source's citations; [`assets`] adds the files a briefing's page links.

pub(crate) mod assets;
pub(crate) mod citation;
pub(crate) mod html;
pub mod markdown;
pub(crate) mod page;
pub(crate) mod views;
