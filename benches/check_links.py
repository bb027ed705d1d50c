#!/usr/bin/env python3
"""Checks a built site's internal links: every relative link names a file that
exists, and every #fragment an id on the page it points to. Prints a summary;
exits 1 on any broken link. Used by benches/run.sh on the 1,000-briefing build."""
import html
import os
import re
import sys

root = sys.argv[1]
pages = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".html")]
ids = {p: set(re.findall(r'\sid="([^"]+)"', open(p, encoding="utf-8").read())) for p in pages}
links = broken = noterefs = glossrefs = 0
for page in pages:
    text = open(page, encoding="utf-8").read()
    noterefs += len(re.findall(r'<a role="doc-noteref"', text))
    glossrefs += len(re.findall(r'<a role="doc-glossref"', text))
    for href in re.findall(r'href="([^"]+)"', text):
        href = html.unescape(href)
        if re.match(r"^[a-z]+:", href):
            continue
        links += 1
        path, _, fragment = href.partition("#")
        target = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
        if not os.path.exists(target) or (fragment and target.endswith(".html") and fragment not in ids[target]):
            broken += 1
            print(f"broken: {page}: {href}", file=sys.stderr)
print(f"{len(pages)} pages, {links} internal links, {broken} broken, {noterefs} note references, {glossrefs} glossary links")
sys.exit(1 if broken else 0)
