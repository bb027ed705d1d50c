//! The anchoring matcher: the first line is the quote, the second the prefix, the
//! rest the article. A match must be real: inside one block, on character
//! boundaries, and fold to text containing the quote.
#![no_main]

use briefing::anchor::{anchor_all, QuoteSelector};
use briefing::article::fold::fold;
use briefing::article::ParsedArticle;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(3, '\n');
    let (Some(quote), Some(prefix), Some(markdown)) = (parts.next(), parts.next(), parts.next())
    else {
        return;
    };
    let article = ParsedArticle::parse(markdown);
    // Text runs merged across escapes and entities (linear since issue 15): each
    // run's event holds exactly the block text it stands for, and runs follow
    // one another through the block without overlapping.
    for block in &article.blocks {
        let mut end = 0;
        for run in &block.runs {
            assert!(
                run.start >= end,
                "run at {} overlaps the one before",
                run.start
            );
            end = run.range().end;
            match &article.events[run.event] {
                pulldown_cmark::Event::Text(t) => assert_eq!(&**t, &block.text[run.range()]),
                other => panic!("run points at {other:?}"),
            }
        }
    }
    let selectors = [
        QuoteSelector {
            exact: quote,
            prefix: None,
            suffix: None,
            occurrence: None,
        },
        QuoteSelector {
            exact: quote,
            prefix: Some(prefix),
            suffix: None,
            occurrence: None,
        },
        QuoteSelector {
            exact: quote,
            prefix: None,
            suffix: Some(prefix),
            occurrence: Some(2),
        },
    ];
    for result in anchor_all(&article, &selectors) {
        if let Ok(a) = result {
            let block = &article.blocks[a.block].text;
            assert!(block.is_char_boundary(a.range.start) && block.is_char_boundary(a.range.end));
            let found = fold(&block[a.range.clone()]);
            assert!(
                found.contains(fold(quote).trim()),
                "{found:?} does not contain {quote:?}"
            );
        }
    }
});
