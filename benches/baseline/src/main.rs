//! `briefing-bench-baseline ROOT OUT`: for each `ROOT/content/<slug>/article.md`,
//! strip the front matter (taking `title:`), render the body with pulldown-cmark,
//! put it through one compiled Tera template, and write `OUT/<slug>/index.html`;
//! then an index page listing every title. Parallel over briefings with rayon.
//! A floor for "read Markdown, write HTML pages", not a site generator.

use std::fs;
use std::path::{Path, PathBuf};

use pulldown_cmark::{html, Options, Parser};
use rayon::prelude::*;
use tera::{Context, Tera};

const PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1>
<article>{{ body | safe }}</article></main></body></html>
"#;

const INDEX: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Index</title></head>
<body><ol>{% for p in pages %}<li><a href="{{ p.0 }}/index.html">{{ p.1 }}</a></li>
{% endfor %}</ol></body></html>
"#;

fn split(text: &str) -> (String, &str) {
    let mut title = String::new();
    if let Some(rest) = text.strip_prefix("---\n") {
        if let Some(end) = rest.find("\n---\n") {
            for line in rest[..end].lines() {
                if let Some(t) = line.strip_prefix("title:") {
                    title = t.trim().trim_matches('"').to_string();
                }
            }
            return (title, &rest[end + 5..]);
        }
    }
    (title, text)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: briefing-bench-baseline ROOT OUT");
        std::process::exit(2);
    }
    let content = Path::new(&args[1]).join("content");
    let out = PathBuf::from(&args[2]);
    let mut tera = Tera::default();
    tera.add_raw_template("page.html", PAGE).unwrap();
    tera.add_raw_template("index.html", INDEX).unwrap();
    let mut dirs: Vec<PathBuf> = fs::read_dir(&content)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("article.md").is_file())
        .collect();
    dirs.sort();
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut pages: Vec<(String, String)> = dirs
        .par_iter()
        .map(|dir| {
            let slug = dir.file_name().unwrap().to_string_lossy().into_owned();
            let text = fs::read_to_string(dir.join("article.md")).unwrap();
            let (title, body) = split(&text);
            let mut html_body = String::with_capacity(body.len() * 3 / 2);
            html::push_html(&mut html_body, Parser::new_ext(body, options));
            let mut ctx = Context::new();
            ctx.insert("title", &title);
            ctx.insert("body", &html_body);
            let page = tera.render("page.html", &ctx).unwrap();
            let dir_out = out.join(&slug);
            fs::create_dir_all(&dir_out).unwrap();
            fs::write(dir_out.join("index.html"), page).unwrap();
            (slug, title)
        })
        .collect();
    pages.sort();
    let mut ctx = Context::new();
    ctx.insert("pages", &pages);
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("index.html"), tera.render("index.html", &ctx).unwrap()).unwrap();
}
