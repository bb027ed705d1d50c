//! Stage three: HTML. [`markdown`] renders the article with notes marked and terms
//! linked; [`page`] puts it into the templates.

pub mod glossary;
pub mod html;
pub mod markdown;
pub mod page;
