// Reader-experience tests in a real browser: headless Debian chromium driven by
// playwright-core, every page opened over file:// with the network blocked.
// Run through tests/browser/run.mjs, which builds the sites and sets BRIEFING_SITES.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const shots = join(repo, "target/browser");
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const vnuJar = join(dirname(require.resolve("vnu-jar/package.json")), "build/dist/vnu.jar");

// Issue 17's budget is on what a page adds around the words, never on the words: the page's
// bytes minus the UTF-8 bytes of the text a reader sees (JavaScript off), and the whole page.
const MARKUP_BUDGET = 32 * 1024;
const PAGE_BUDGET = 64 * 1024;
const ASSET_BUDGET = 12 * 1024; // the inlined CSS + JS
// Popovers are for screens narrower than 1200 px; wider ones show notes as sidenotes.
const NARROW = { viewport: { width: 1100, height: 900 } };
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
// Every test is bounded: a hang fails within a minute instead of stalling CI.
const T = { timeout: 60_000 };
const MARKER = 'a[role="doc-noteref"]';
const TERM = 'a[role="doc-glossref"]';

const sites = (process.env.BRIEFING_SITES || "")
  .split(",")
  .filter(Boolean)
  .map((s) => {
    const [name, dir] = s.split("=");
    return { name, dir: resolve(dir) };
  });
if (!sites.length) throw new Error("set BRIEFING_SITES=name=dir,… (tests/browser/run.mjs does)");

function htmlFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith(".html"))
    .sort()
    .map((f) => join(dir, f));
}
const pages = sites.flatMap((site) =>
  htmlFiles(site.dir).map((file) => {
    const rel = relative(site.dir, file);
    const html = readFileSync(file, "utf8");
    return {
      site: site.name,
      file,
      rel,
      url: pathToFileURL(file).href,
      html,
      briefing: html.includes('class="briefing"'),
      shot: `${site.name}-${rel.replace(/\/?index\.html$/, "").replace(/\//g, "-") || "home"}`,
    };
  }),
);
const briefings = pages.filter((p) => p.briefing);

let browser;
// The Nu checker runs on every page while the browser tests go on.
let vnu;

before(async () => {
  mkdirSync(shots, { recursive: true });
  vnu = new Promise((done) => {
    const p = spawn("java", ["-jar", vnuJar, "--errors-only", "--format", "json", ...pages.map((p) => p.file)]);
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    p.stdout.on("data", (d) => (err += d));
    p.on("error", (e) => done({ error: String(e) }));
    p.on("close", (code) => done({ code, out: err }));
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    // Playwright starts it with a new, empty --user-data-dir of its own each time.
    chromiumSandbox: false, // --no-sandbox: CI runs as root
    timeout: 60_000,
    args: [
      "--headless",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
      // Nothing may leave the machine even if a request slipped past the checks below.
      "--proxy-server=127.0.0.1:9",
      "--proxy-bypass-list=<-loopback>",
    ],
  });
});

after(async () => {
  await browser?.close();
});

/** A fresh context that records every request that is not file: or data:, every
 * console error and every uncaught exception. */
async function open(page, opts = {}) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    offline: true,
    ...opts,
  });
  const problems = [];
  await context.route(/^(?!file:|data:)/, (route) => {
    problems.push(`network request: ${route.request().url()}`);
    return route.abort();
  });
  const tab = await context.newPage();
  tab.setDefaultTimeout(10_000);
  tab.on("request", (r) => {
    if (!/^(file|data):/.test(r.url())) problems.push(`request: ${r.url()}`);
  });
  tab.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  tab.on("pageerror", (e) => problems.push(`uncaught exception: ${e.message}`));
  await tab.goto(page.url, { waitUntil: "load" });
  return {
    tab,
    problems,
    close: () => context.close(),
    clean() {
      assert.deepEqual(problems, [], `${page.rel}: ${problems.join("\n")}`);
    },
  };
}

/** Waits until nothing is fading in, so that colours are judged (and pictures
 * taken) at rest. */
const settle = (tab) => tab.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));

async function axe(tab, label) {
  await settle(tab);
  await tab.evaluate(axeSource);
  const result = await tab.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
    AXE_TAGS,
  );
  const found = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ") + " — " + n.failureSummary.replace(/\s+/g, " ")).join("\n    ")}`,
  );
  assert.deepEqual(found, [], `axe, ${label}:\n${found.join("\n")}`);
}

const noSideScroll = (tab) =>
  tab.evaluate(() => ({
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));

/** The distance between two rectangles, 0 if they touch or overlap. */
function gap(a, b) {
  const dx = Math.max(0, a.left - b.right, b.left - a.right);
  const dy = Math.max(0, a.top - b.bottom, b.top - a.bottom);
  return { dx, dy };
}

const rectOf = (tab, selectorOrHandle) =>
  (typeof selectorOrHandle === "string" ? tab.locator(selectorOrHandle).first() : selectorOrHandle).evaluate((e) => {
    const r = e.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height };
  });

/** Waits for the address to end in `hash`, polling from outside: with JavaScript
 * off, playwright's waitForFunction cannot run in the page. */
async function waitHash(tab, hash) {
  for (let i = 0; i < 50; i++) {
    if ((await tab.evaluate(() => location.hash)) === hash) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`the address never reached ${hash}: ${await tab.evaluate(() => location.href)}`);
}

const focusInfo = (tab) =>
  tab.evaluate(() => {
    const a = document.activeElement;
    return { id: a?.id || "", inPop: !!a?.closest?.("#pop"), tag: a?.tagName };
  });

describe("the site's pages", () => {
  for (const page of pages) {
    test(`${page.site}/${page.rel}: loads from file:// with no network, no errors, no sideways scroll, no axe violations`, T, async () => {
      const s = await open(page);
      try {
        const { tab } = s;
        await axe(tab, "light, 1280 px");
        await tab.screenshot({ path: join(shots, `${page.shot}-1280.png`), fullPage: true });
        await tab.emulateMedia({ colorScheme: "dark" });
        await axe(tab, "dark, 1280 px");
        await tab.screenshot({ path: join(shots, `${page.shot}-1280-dark.png`) });
        await tab.emulateMedia({ colorScheme: "light" });
        for (const width of [375, 320]) {
          await tab.setViewportSize({ width, height: 800 });
          const w = await noSideScroll(tab);
          assert.ok(w.scrollWidth <= w.innerWidth, `${page.rel} scrolls sideways at ${width} px: ${JSON.stringify(w)}`);
        }
        await tab.setViewportSize({ width: 375, height: 800 });
        await axe(tab, "light, 375 px");
        await tab.screenshot({ path: join(shots, `${page.shot}-375.png`), fullPage: true });
        s.clean();
      } finally {
        await s.close();
      }
    });
  }

  test("every page is valid HTML (Nu HTML Checker)", T, async () => {
    const r = await vnu;
    assert.ok(!r.error, `could not run java -jar vnu.jar: ${r.error}`);
    let messages;
    try {
      messages = JSON.parse(r.out).messages;
    } catch {
      assert.fail(`vnu.jar did not answer JSON (exit ${r.code}):\n${r.out}`);
    }
    const errors = messages
      .filter((m) => m.type !== "info")
      .map((m) => `${relative(repo, fileURLToPath(m.url || "file:///?"))}:${m.lastLine}:${m.firstColumn}: ${m.type}: ${m.message}`);
    assert.deepEqual(errors, [], errors.join("\n"));
  });
});

describe("briefing pages", () => {
  for (const page of briefings) {
    describe(`${page.site}/${page.rel}`, () => {
      test("is light: page, markup around the words and inlined CSS + JS within budget, everything inlined", T, async () => {
        const css = page.html.match(/<style>([\s\S]*?)<\/style>/)[1];
        const js = page.html.match(/<script>([\s\S]*?)<\/script>/)[1];
        const size = Buffer.byteLength(page.html);
        const assets = Buffer.byteLength(css) + Buffer.byteLength(js);
        const s = await open(page, { javaScriptEnabled: false });
        let text;
        try {
          text = Buffer.byteLength(await s.tab.evaluate(() => document.body.innerText.replace(/\s+/g, " ")));
        } finally {
          await s.close();
        }
        console.log(`# ${page.site}/${page.rel}: page ${size} B, visible text ${text} B, page minus text ${size - text} B, CSS ${Buffer.byteLength(css)} B, JS ${Buffer.byteLength(js)} B`);
        assert.ok(assets <= ASSET_BUDGET, `CSS + JS is ${assets} B, budget ${ASSET_BUDGET} B`);
        assert.ok(size - text <= MARKUP_BUDGET, `the page minus its visible text is ${size - text} B, budget ${MARKUP_BUDGET} B`);
        assert.ok(size <= PAGE_BUDGET, `the page is ${size} B, budget ${PAGE_BUDGET} B`);
        assert.doesNotMatch(page.html, /<link[^>]+rel="?stylesheet|<script[^>]+src=|@import|url\(\s*["']?(https?:)?\/\//);
        assert.doesNotMatch(page.html, /<(img|iframe|video|audio|source|object|embed)[^>]+src="?(https?:)?\/\//);
      });

      test("Content-Security-Policy allows only the page's own inline CSS and JS", T, (t) => {
        const csp = page.html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/)?.[1];
        assert.ok(csp, "no CSP meta");
        assert.match(csp, /default-src 'none'/);
        const css = page.html.match(/<style>([\s\S]*?)<\/style>/)[1];
        const js = page.html.match(/<script>([\s\S]*?)<\/script>/)[1];
        const hash = (s) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`;
        const directive = (name) => csp.match(new RegExp(`${name} ([^;]*)`))[1];
        assert.doesNotMatch(csp, /'unsafe-inline'/);
        assert.ok(directive("script-src").includes(hash(js)), "script-src lacks the script's hash");
        assert.ok(directive("style-src").includes(hash(css)), "style-src lacks the stylesheet's hash");
      });

      test("notes: a marker opens its note next to the phrase, highlighted; Esc closes and focus returns", T, async () => {
        const s = await open(page, NARROW);
        try {
          const { tab } = s;
          const markers = await tab.locator(MARKER).all();
          assert.ok(markers.length > 0, "no note markers");
          for (const marker of markers) {
            const href = await marker.getAttribute("href");
            const id = decodeURIComponent(href.slice("#note-".length));
            await marker.scrollIntoViewIfNeeded();
            await marker.click();
            const pop = tab.locator("#pop");
            await pop.waitFor({ state: "visible" });
            assert.equal(await marker.getAttribute("aria-expanded"), "true");
            // The note's own words are in the popover.
            const noteText = await tab.locator(`li${href.replace(/([^\w#-])/g, "\\$1")} > :not(.kind):not([role=doc-backlink])`).first().innerText();
            assert.ok((await pop.innerText()).includes(noteText.trim().slice(0, 40)), `#${id}: popover does not show the note`);
            const m = await rectOf(tab, marker);
            const p = await rectOf(tab, pop);
            const { dy } = gap(m, p);
            const vw = await tab.evaluate(() => innerWidth);
            assert.ok(dy <= 32, `#${id}: popover is ${dy}px away from its marker`);
            assert.ok(p.left >= 0 && p.right <= vw, `#${id}: popover outside the viewport ${JSON.stringify(p)}`);
            // The marked phrase is highlighted while the note is open, and only then.
            const on = await tab.evaluate(
              (id) => [...document.querySelectorAll("mark")].filter((e) => e.dataset.note === id).map((e) => e.classList.contains("on")),
              id,
            );
            if (on.length) assert.ok(on.every(Boolean), `#${id}: phrase not highlighted`);
            await tab.keyboard.press("Escape");
            await pop.waitFor({ state: "detached" });
            assert.equal(await marker.evaluate((e) => e === document.activeElement), true, `#${id}: focus did not return to the marker`);
            assert.equal(await marker.getAttribute("aria-expanded"), "false");
            assert.equal(await tab.locator("mark.on").count(), 0);
          }
          s.clean();
        } finally {
          await s.close();
        }
      });

      test("notes and terms work from the keyboard alone: Tab, Enter, Tab inside, Esc", T, async () => {
        const s = await open(page, NARROW);
        try {
          const { tab } = s;
          for (const selector of [MARKER, TERM]) {
            if (!(await tab.locator(selector).count())) continue;
            await tab.evaluate(() => {
              document.activeElement?.blur();
              window.scrollTo(0, 0);
            });
            // Tab from the top of the page reaches the first marker.
            let reached = false;
            for (let i = 0; i < 300 && !reached; i++) {
              await tab.keyboard.press("Tab");
              reached = await tab.evaluate((sel) => document.activeElement?.matches(sel), selector);
            }
            assert.ok(reached, `Tab never reaches ${selector}`);
            const target = await tab.evaluateHandle(() => document.activeElement);
            await tab.keyboard.press("Enter");
            await tab.locator("#pop").waitFor({ state: "visible" });
            assert.ok((await focusInfo(tab)).inPop, "focus did not move into the opened note");
            assert.equal(await tab.locator("#pop").getAttribute("role"), "dialog");
            assert.ok(await tab.locator("#pop").getAttribute("aria-labelledby"));
            await tab.keyboard.press("Tab");
            assert.ok((await focusInfo(tab)).inPop, "Tab left the note at once");
            await axe(tab, `${selector} open`);
            await tab.keyboard.press("Escape");
            await tab.locator("#pop").waitFor({ state: "detached" });
            assert.ok(await target.evaluate((e) => e === document.activeElement), "Esc did not return focus");
            // Enter again, then Tab through to the text after it: the note closes behind.
            await tab.keyboard.press("Enter");
            await tab.locator("#pop").waitFor({ state: "visible" });
            for (let i = 0; i < 40 && (await tab.locator("#pop").count()); i++) await tab.keyboard.press("Tab");
            assert.equal(await tab.locator("#pop").count(), 0, "the note stays open after focus has left it");
            // Enter, then the close button.
            await target.evaluate((e) => e.focus());
            await tab.keyboard.press("Enter");
            await tab.locator("#pop .pop-x").click();
            await tab.locator("#pop").waitFor({ state: "detached" });
            assert.ok(await target.evaluate((e) => e === document.activeElement), "the close button did not return focus");
          }
          s.clean();
        } finally {
          await s.close();
        }
      });

      test("glossary terms: a term opens its definition in place; Esc closes and focus returns", T, async () => {
        const s = await open(page);
        try {
          const { tab } = s;
          const terms = await tab.locator(TERM).all();
          for (const term of terms) {
            const href = await term.getAttribute("href");
            await term.scrollIntoViewIfNeeded();
            await term.click();
            const pop = tab.locator("#pop");
            await pop.waitFor({ state: "visible" });
            const definition = await tab.evaluate(
              (h) => document.getElementById(h.slice(1)).closest("dt").nextElementSibling.querySelector("p").innerText,
              href,
            );
            assert.ok((await pop.innerText()).includes(definition.trim().slice(0, 40)), `${href}: popover lacks the definition`);
            const { dy } = gap(await rectOf(tab, term), await rectOf(tab, pop));
            assert.ok(dy <= 32, `${href}: definition is ${dy}px away from the term`);
            assert.ok(await term.evaluate((e) => e.classList.contains("on")), `${href}: term not highlighted`);
            await tab.keyboard.press("Escape");
            await pop.waitFor({ state: "detached" });
            assert.ok(await term.evaluate((e) => e === document.activeElement), `${href}: focus did not return`);
          }
          // A click elsewhere closes an open note, without moving focus back.
          if (terms.length) {
            await terms[0].click();
            await tab.locator("#pop").waitFor({ state: "visible" });
            await tab.locator("h1").click();
            await tab.locator("#pop").waitFor({ state: "detached" });
          }
          s.clean();
        } finally {
          await s.close();
        }
      });

      test("on a phone (375 px): notes open inside the screen, tap targets ≥ 24 px, no sideways scroll", T, async () => {
        const s = await open(page, { viewport: { width: 375, height: 740 }, hasTouch: true, isMobile: true });
        try {
          const { tab } = s;
          const sizes = await tab.evaluate(
            ([m, t]) =>
              [...document.querySelectorAll(`${m},${t}`)].map((e) => {
                const r = e.getBoundingClientRect();
                return { what: e.outerHTML.slice(0, 80), w: r.width, h: r.height };
              }),
            [MARKER, TERM],
          );
          for (const x of sizes) {
            assert.ok(x.h >= 24, `tap target under 24 px high: ${JSON.stringify(x)}`);
            assert.ok(x.w >= 24, `tap target under 24 px wide: ${JSON.stringify(x)}`);
          }
          const markers = await tab.locator(MARKER).all();
          for (const marker of [markers[0], markers[Math.floor(markers.length / 2)], markers.at(-1)]) {
            await marker.scrollIntoViewIfNeeded();
            await marker.tap();
            const pop = tab.locator("#pop");
            await pop.waitFor({ state: "visible" });
            const p = await rectOf(tab, pop);
            assert.ok(p.left >= 0 && p.right <= 375, `popover outside the screen: ${JSON.stringify(p)}`);
            const x = await rectOf(tab, "#pop .pop-x");
            assert.ok(x.width >= 24 && x.height >= 24, "close button under 24 px");
            const w = await noSideScroll(tab);
            assert.ok(w.scrollWidth <= w.innerWidth, `sideways scroll with a note open: ${JSON.stringify(w)}`);
            if (marker === markers[0]) await settle(tab), await tab.screenshot({ path: join(shots, `${page.shot}-375-note.png`) });
            await tab.locator("#pop .pop-x").tap();
            await pop.waitFor({ state: "detached" });
          }
          s.clean();
        } finally {
          await s.close();
        }
      });

      test("wide screens (1440 px): notes are sidenotes beside their lines, never overlapping each other or the text; the text keeps a 60–75 character measure", T, async () => {
        const s = await open(page, { viewport: { width: 1440, height: 900 } });
        try {
          const { tab } = s;
          const measure = await tab.evaluate(() => {
            const body = document.querySelector(".article-body");
            const width = body.getBoundingClientRect().width;
            const paragraphs = [...body.querySelectorAll("p")];
            const text = paragraphs.map((p) => {
              const c = p.cloneNode(true);
              c.querySelectorAll("[role=doc-noteref]").forEach((n) => n.remove());
              return c.textContent;
            }).join(" ").replace(/\s+/g, " ");
            const probe = document.createElement("span");
            probe.style.whiteSpace = "pre";
            probe.textContent = text;
            body.querySelector("p").append(probe);
            const perChar = probe.getBoundingClientRect().width / text.length;
            probe.remove();
            return width / perChar;
          });
          console.log(`# ${page.rel}: ${measure.toFixed(1)} characters a line`);
          assert.ok(measure >= 60 && measure <= 75, `measure is ${measure.toFixed(1)} characters`);
          // Every note stands in the margin beside its line, none over another or over the text.
          const layout = await tab.evaluate(() => {
            const box = (e) => {
              const r = e.getBoundingClientRect();
              return { left: r.left, right: r.right, top: r.top + scrollY, bottom: r.bottom + scrollY };
            };
            const sides = [...document.querySelectorAll(".side")].map((e) => ({ ...box(e), label: e.getAttribute("aria-label") }));
            const markers = [...document.querySelectorAll('.article-body a[role="doc-noteref"]')].map((e) => ({ ...box(e), label: "Note " + e.textContent }));
            const text = [...document.querySelectorAll("main h1, main p, main li, main dt, main dd, main td, main pre, main img")]
              .filter((e) => !e.closest(".side"))
              .map(box);
            return { sides, markers, text, notes: document.querySelectorAll(".notes > ol > li").length, vw: document.documentElement.clientWidth };
          });
          assert.equal(layout.sides.length, layout.notes, "not every note has a sidenote");
          const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
          for (const [i, a] of layout.sides.entries()) {
            assert.ok(a.right <= layout.vw, `${a.label} leaves the screen: ${JSON.stringify(a)}`);
            for (const b of layout.sides.slice(i + 1)) assert.ok(!overlap(a, b), `${a.label} overlaps ${b.label}`);
            for (const t of layout.text) assert.ok(!overlap(a, t), `${a.label} overlaps the text at ${JSON.stringify(t)}`);
            const m = layout.markers.find((m) => m.label === a.label);
            assert.ok(a.top >= m.top - 8, `${a.label} starts above its marker`);
          }
          const first = [...layout.sides].sort((a, b) => a.top - b.top)[0];
          const firstMarker = layout.markers.find((m) => m.label === first.label);
          assert.ok(Math.abs(first.top - firstMarker.top) <= 8, `the first sidenote is not beside its line: ${JSON.stringify({ first, firstMarker })}`);
          const w = await noSideScroll(tab);
          assert.ok(w.scrollWidth <= w.innerWidth, `sidenotes make the page scroll sideways: ${JSON.stringify(w)}`);
          // A marker brings its sidenote forward (focus and highlight); Esc goes back.
          const marker = tab.locator(MARKER).first();
          await marker.click();
          const focused = await tab.evaluate(() => ({ side: document.activeElement?.matches(".side.on"), label: document.activeElement?.getAttribute("aria-label") }));
          assert.ok(focused.side, "clicking a marker does not bring its sidenote forward");
          assert.equal(focused.label, `Note ${await marker.innerText()}`);
          await tab.keyboard.press("Escape");
          assert.ok(await marker.evaluate((e) => e === document.activeElement), "Esc does not return to the marker");
          assert.equal(await tab.locator(".side.on").count(), 0);
          // Glossary definitions still open as popovers, below the term.
          const term = tab.locator(TERM).first();
          if (await term.count()) {
            await term.evaluate((e) => e.scrollIntoView({ block: "start" }));
            await term.click();
            await tab.locator("#pop").waitFor({ state: "visible" });
            const t = await rectOf(tab, term);
            const p = await rectOf(tab, "#pop");
            assert.ok(p.top >= t.bottom - 1, `the definition is not below its term: ${JSON.stringify({ t, p })}`);
            await tab.keyboard.press("Escape");
          }
          await settle(tab);
          await tab.screenshot({ path: join(shots, `${page.shot}-1440-note.png`) });
          s.clean();
        } finally {
          await s.close();
        }
      });

      test("works as a single saved file, alone in a folder", T, async () => {
        const dir = mkdtempSync(join(tmpdir(), "briefing-saved-"));
        try {
          const file = join(dir, "saved.html");
          copyFileSync(page.file, file);
          const s = await open({ ...page, url: pathToFileURL(file).href }, NARROW);
          try {
            const { tab } = s;
            assert.equal(await tab.evaluate(() => document.styleSheets.length), 1);
            const bg = await tab.evaluate(() => getComputedStyle(document.querySelector("mark") || document.body).backgroundColor);
            assert.notEqual(bg, "rgba(0, 0, 0, 0)", "the inlined stylesheet is not applied");
            await tab.locator(MARKER).first().click();
            await tab.locator("#pop").waitFor({ state: "visible" });
            // Images stay files beside the page: saved alone, only they may be missing.
            if (page.html.includes("<img ")) {
              s.problems.splice(0, s.problems.length, ...s.problems.filter((p) => !/Failed to load resource: net::ERR_FILE_NOT_FOUND/.test(p)));
            }
            s.clean();
          } finally {
            await s.close();
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

      test("highlighted :target states (endnote, marker, glossary entry) pass axe too", T, async () => {
        const s = await open(page);
        try {
          const { tab } = s;
          const marker = tab.locator(MARKER).first();
          const ids = [await marker.getAttribute("href"), `#${await marker.getAttribute("id")}`];
          const term = tab.locator(TERM).first();
          if (await term.count()) ids.push(await term.getAttribute("href"), `#${await term.getAttribute("id")}`);
          for (const id of ids) {
            for (const colorScheme of ["light", "dark"]) {
              await tab.emulateMedia({ colorScheme });
              await tab.goto(page.url + id);
              assert.equal(await tab.evaluate(() => location.hash), id);
              await axe(tab, `${id}, ${colorScheme}`);
            }
          }
          s.clean();
        } finally {
          await s.close();
        }
      });

      test("prefers-reduced-motion: notes appear without animation", T, async () => {
        for (const reducedMotion of ["reduce", "no-preference"]) {
          const s = await open(page, { ...NARROW, reducedMotion });
          try {
            await s.tab.locator(MARKER).first().click();
            const name = await s.tab.locator("#pop").evaluate((e) => getComputedStyle(e).animationName);
            if (reducedMotion === "reduce") assert.equal(name, "none");
            else assert.notEqual(name, "none");
            s.clean();
          } finally {
            await s.close();
          }
        }
      });

      test("JavaScript off: nothing is hidden; a marker leads to its endnote and the back-link to the exact place", T, async () => {
        const s = await open(page, { javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
        try {
          const { tab } = s;
          const hidden = await tab.evaluate(() =>
            [...document.body.querySelectorAll("*")]
              .filter((e) => !["SCRIPT", "STYLE", "TEMPLATE"].includes(e.tagName))
              .filter((e) => {
                const cs = getComputedStyle(e);
                return cs.display === "none" || cs.visibility !== "visible" || (cs.opacity === "0");
              })
              .map((e) => e.outerHTML.slice(0, 80)),
          );
          assert.deepEqual(hidden, [], "hidden without JavaScript");
          await tab.screenshot({ path: join(shots, `${page.shot}-nojs-1280.png`), fullPage: true });
          const markers = await tab.locator(MARKER).all();
          const marker = markers[Math.floor(markers.length / 2)];
          const refId = await marker.getAttribute("id");
          const href = await marker.getAttribute("href");
          await marker.scrollIntoViewIfNeeded();
          await marker.click();
          await waitHash(tab, href);
          const note = await tab.evaluate(() => {
            const t = document.querySelector(":target");
            const r = t.getBoundingClientRect();
            return { tag: t.tagName, top: r.top, bg: getComputedStyle(t).backgroundColor, h: innerHeight };
          });
          assert.equal(note.tag, "LI");
          assert.ok(note.top >= -1 && note.top < note.h - 48, `endnote not brought into view: ${JSON.stringify(note)}`);
          assert.notEqual(note.bg, "rgba(0, 0, 0, 0)", "the endnote is not highlighted as :target");
          await tab.screenshot({ path: join(shots, `${page.shot}-nojs-endnote.png`) });
          await tab.locator(`${href.replace(/([^\w#-])/g, "\\$1")} a[role="doc-backlink"]`).first().click();
          await waitHash(tab, `#${refId}`);
          const back = await tab.evaluate(() => {
            const t = document.querySelector(":target");
            const r = t.getBoundingClientRect();
            const mark = t.previousElementSibling;
            return {
              id: t.id,
              top: r.top,
              bottom: r.bottom,
              h: innerHeight,
              bg: getComputedStyle(t).backgroundColor,
              markBg: mark?.matches("mark") ? getComputedStyle(mark).backgroundColor : null,
              plainMarkBg: getComputedStyle(document.querySelector("mark:not(:has(+ :target))") || document.body).backgroundColor,
            };
          });
          assert.equal(back.id, refId, "the back-link does not return to the marker");
          assert.ok(back.top >= 0 && back.bottom <= back.h, `the marker is not in view after going back: ${JSON.stringify(back)}`);
          if (back.markBg) assert.notEqual(back.markBg, back.plainMarkBg, "the phrase is not highlighted on return");
          await tab.screenshot({ path: join(shots, `${page.shot}-nojs-back.png`) });

          // A glossary term, the same way.
          const term = tab.locator(TERM).first();
          if (await term.count()) {
            const useId = await term.getAttribute("id");
            const termHref = await term.getAttribute("href");
            await term.scrollIntoViewIfNeeded();
            await term.click();
            await waitHash(tab, termHref);
            const dt = await tab.evaluate(() => {
              const r = document.querySelector(":target").getBoundingClientRect();
              return { top: r.top, h: innerHeight, tag: document.querySelector(":target").tagName };
            });
            assert.equal(dt.tag, "DFN");
            assert.ok(dt.top >= -1 && dt.top < dt.h - 48, `glossary entry not in view: ${JSON.stringify(dt)}`);
            await tab.locator(`dd:has(a[href="#${useId}"]) a[href="#${useId}"]`).click();
            await waitHash(tab, `#${useId}`);
            const r = await rectOf(tab, `#${useId}`);
            assert.ok(r.top >= 0 && r.bottom <= 800, "the term is not in view after going back");
          }
          s.clean();
        } finally {
          await s.close();
        }
      });

      test("print: endnotes numbered, source URLs written out, no controls; a PDF is saved", T, async () => {
        const s = await open(page);
        try {
          const { tab } = s;
          await tab.emulateMedia({ media: "print" });
          const printed = await tab.evaluate(() => {
            const shown = (sel) => [...document.querySelectorAll(sel)].some((e) => getComputedStyle(e).display !== "none");
            // Notes cite in short; the Sources section (or the site glossary) holds the links.
            const link = document.querySelector('.sources a[href^="http"], .src a[href^="http"]');
            return {
              nav: shown(".site"),
              back: shown('.back, [role="doc-backlink"]'),
              cited: shown(".src"),
              numbered: getComputedStyle(document.querySelector(".notes ol")).listStyleType,
              after: link ? getComputedStyle(link, "::after").content : null,
              href: link?.getAttribute("href"),
            };
          });
          assert.equal(printed.nav, false, "site navigation is printed");
          assert.equal(printed.back, false, "back-links are printed");
          if (page.html.includes('class="src"')) assert.ok(printed.cited, "the sources of notes are not printed");
          assert.equal(printed.numbered, "decimal", "endnotes are not numbered");
          if (printed.href) assert.ok(printed.after.includes(printed.href), `source URL not written out: ${printed.after}`);
          await tab.pdf({ path: join(shots, `${page.shot}.pdf`), format: "A4" });
          s.clean();
        } finally {
          await s.close();
        }
      });
    });
  }
});

describe("hostile content never runs", () => {
  const dir = process.env.BRIEFING_INJECTION;
  const hostile = dir ? htmlFiles(resolve(dir)) : [];
  test("the injection fixture was built", () => assert.ok(hostile.length >= 3, `pages in ${dir}`));
  for (const file of hostile) {
    test(`injection/${relative(resolve(dir), file)}: no dialog, no script, no handler runs`, T, async () => {
      const page = { url: pathToFileURL(file).href, rel: relative(resolve(dir), file) };
      const s = await open(page);
      const dialogs = [];
      s.tab.on("dialog", (d) => {
        dialogs.push(d.message());
        d.dismiss();
      });
      try {
        const { tab } = s;
        // Give every payload its trigger: hover and click everything, open every note.
        for (const el of await tab.locator("main *").all()) {
          await el.hover({ timeout: 1000, force: true }).catch(() => {});
        }
        for (const a of await tab.locator(`${MARKER}, ${TERM}`).all()) {
          await a.click();
          await tab.keyboard.press("Escape");
        }
        await tab.waitForTimeout(200);
        assert.equal(await tab.evaluate(() => window.__pwned), undefined, "a payload ran");
        assert.deepEqual(dialogs, [], "a dialog opened");
        // The only script on the page is our own inlined one.
        // (The search page also has its search script and the index it loads.)
        assert.equal(await tab.locator("script").count(), page.rel.startsWith("search/") ? 3 : 1);
        assert.equal(await tab.locator("[onerror], [onclick], [onload], [onmouseover], iframe, style:not(head style)").count(), 0);
        assert.equal(await tab.locator('a[href^="javascript:"], a[href^="data:"]').count(), 0);
        // The payloads' `<img src="x">` stays an image of a missing local file:
        // that may fail to load; nothing else may go wrong.
        const problems = s.problems.filter((p) => !p.endsWith("net::ERR_FILE_NOT_FOUND"));
        assert.deepEqual(problems, [], `${page.rel}: ${problems.join("\n")}`);
      } finally {
        await s.close();
      }
    });
  }
});

describe("the library: search, topics, timeline, sources (tests/browser/fixture)", () => {
  const edge = sites.find((s) => s.name === "edge");
  const at = (rel) => ({ url: pathToFileURL(join(edge.dir, rel)).href, rel });
  const hits = (tab) =>
    tab.evaluate(() => [...document.querySelectorAll("#results li")].map((li) => ({ href: li.querySelector(".hit a").getAttribute("href"), marked: [...li.querySelectorAll("mark")].map((m) => m.textContent) })));

  test("searching “Entity List” from a briefing's search box finds the note and the term, words marked; a result lands on its note", T, async () => {
    assert.ok(edge, "the edge site was built");
    const s = await open(at("edge-cases/index.html"));
    try {
      const { tab } = s;
      // The briefing page itself never loads the index.
      assert.equal(await tab.evaluate(() => "briefingSearch" in window), false);
      await tab.locator('nav [role="search"] input').fill("Entity List");
      await tab.keyboard.press("Enter");
      await tab.waitForURL(/search\/index\.html\?q=Entity%20List$/);
      await tab.locator("#results li").first().waitFor();
      const found = await hits(tab);
      const note = found.find((h) => h.href === "../export-rules/index.html#note-entity-list");
      const term = found.find((h) => h.href === "../glossary/index.html#term-entity-list");
      assert.ok(note, `the note is not found: ${JSON.stringify(found)}`);
      assert.ok(term, `the term is not found: ${JSON.stringify(found)}`);
      for (const h of [note, term]) assert.ok(h.marked.includes("Entity") && h.marked.includes("List"), `words not marked: ${JSON.stringify(h)}`);
      assert.match(await tab.locator("#status").innerText(), /results? for “Entity List”/);
      await axe(tab, "search results");
      await tab.screenshot({ path: join(shots, "edge-search-results.png"), fullPage: true });
      await tab.locator(`#results a[href="${note.href}"]`).click();
      await waitHash(tab, "#note-entity-list");
      const landed = await tab.evaluate(() => {
        const t = document.querySelector(":target");
        const r = t.getBoundingClientRect();
        return { id: t.id, top: r.top, h: innerHeight, path: location.pathname };
      });
      assert.equal(landed.id, "note-entity-list");
      assert.match(landed.path, /export-rules\/index\.html$/);
      assert.ok(landed.top >= -1 && landed.top < landed.h - 48, `the note is not in view: ${JSON.stringify(landed)}`);
      s.clean();
    } finally {
      await s.close();
    }
  });

  test("a paragraph result and a term result land on their anchors", T, async () => {
    const s = await open({ ...at("search/index.html"), url: pathToFileURL(join(edge.dir, "search/index.html")).href + "?q=chipmakers%20Thursday" });
    try {
      const { tab } = s;
      await tab.locator("#results li").first().waitFor();
      const found = await hits(tab);
      const paragraph = found.find((h) => /#p-\d+$/.test(h.href));
      assert.ok(paragraph, `no paragraph result: ${JSON.stringify(found)}`);
      await tab.locator(`#results a[href="${paragraph.href}"]`).click();
      await waitHash(tab, paragraph.href.slice(paragraph.href.indexOf("#")));
      assert.match(await tab.evaluate(() => document.querySelector(":target").textContent), /chipmakers/);
      await tab.goto(pathToFileURL(join(edge.dir, "search/index.html")).href + "?q=entity");
      await tab.locator("#results li").first().waitFor();
      await tab.locator('#results a[href="../glossary/index.html#term-entity-list"]').click();
      await waitHash(tab, "#term-entity-list");
      s.clean();
    } finally {
      await s.close();
    }
  });

  test("without JavaScript the search page says so and lists the briefings and topics", T, async () => {
    const s = await open(at("search/index.html"), { javaScriptEnabled: false });
    try {
      const { tab } = s;
      assert.match(await tab.locator("#nojs").innerText(), /Search needs JavaScript/);
      assert.equal(await tab.locator("#find").isVisible(), false);
      const links = await tab.locator("main section a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
      assert.deepEqual(links.sort(), ["../edge-cases/index.html", "../export-rules/index.html", "../topics/export-controls/index.html", "../topics/trade-talks/index.html"]);
      s.clean();
    } finally {
      await s.close();
    }
  });

  test("a topic page lists the notes on that topic across briefings, and only those", T, async () => {
    for (const [topic, expected] of [
      ["export-controls", ["../../export-rules/index.html#note-entity-list"]],
      ["trade-talks", ["../../edge-cases/index.html#note-outer", "../../export-rules/index.html#note-talks"]],
    ]) {
      const s = await open(at(`topics/${topic}/index.html`));
      try {
        const { tab } = s;
        const notes = await tab.locator(".topic-notes a[href*='#note-']").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
        assert.deepEqual(notes, expected, topic);
        await tab.locator(".topic-notes a[href*='#note-']").first().click();
        await waitHash(tab, expected[0].slice(expected[0].indexOf("#")));
        s.clean();
      } finally {
        await s.close();
      }
    }
  });

  for (const javaScriptEnabled of [true, false]) {
    test(`timeline and sources render with JavaScript ${javaScriptEnabled ? "on" : "off"}`, T, async () => {
      const s = await open(at("export-rules/index.html"), { javaScriptEnabled });
      try {
        const { tab } = s;
        const details = tab.locator(".timeline details");
        assert.equal(await details.getAttribute("open"), null, "the timeline is not collapsed");
        assert.equal(await tab.locator(".timeline li").first().isVisible(), false);
        await tab.locator(".timeline summary").click();
        await tab.locator(".timeline li").first().waitFor({ state: "visible" });
        assert.match(await tab.locator(".timeline li").first().innerText(), /2 March 2023\s+Two chipmakers are added to the Entity List/);
        await tab.locator('.timeline a[href="#note-entity-list"]').click();
        await waitHash(tab, "#note-entity-list");
        const sources = await tab.locator(".sources").innerText();
        assert.match(sources, /Example Bureau of Industry\s+Entity List, 2 March 2023 \(checked 1 April 2023\); archived copy · note 1, note 2, Entity List/);
        assert.ok(await tab.locator(".sources").isVisible());
        // A note cites its sources in short, with the date checked and the archived copy,
        // and links to the full entry, which is highlighted.
        const cite = tab.locator("#note-entity-list .src");
        assert.match(await cite.innerText(), /^Sources: Example Bureau of Industry, 2 March 2023 \(checked 1 April 2023\), archived copy; Example Wire, 2 March 2023$/);
        await cite.locator('a[href="#src-1"]').click();
        await waitHash(tab, "#src-1");
        const entry = await tab.evaluate(() => {
          const t = document.querySelector(":target");
          return { in: !!t.closest(".sources"), bg: getComputedStyle(t).backgroundColor, top: t.getBoundingClientRect().top };
        });
        assert.ok(entry.in && entry.top >= -1, `the source's entry is not in view: ${JSON.stringify(entry)}`);
        assert.notEqual(entry.bg, "rgba(0, 0, 0, 0)", "the source's entry is not highlighted as :target");
        await tab.goto(pathToFileURL(join(edge.dir, "timeline/index.html")).href);
        const events = await tab.locator(".events li").allInnerTexts();
        assert.equal(events.length, 2);
        assert.match(events[0], /^2 March 2023\s+Two chipmakers/);
        assert.match(events[1], /^2 May 2023\s+Negotiators meet/);
        s.clean();
      } finally {
        await s.close();
      }
    });
  }
});
