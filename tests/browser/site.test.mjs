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

const PAGE_BUDGET = 40 * 1024; // a briefing page with its CSS and JS
const ASSET_BUDGET = 9 * 1024; // the inlined CSS + JS
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
      test("is light: page and inlined CSS + JS within budget, everything inlined", T, () => {
        const css = page.html.match(/<style>([\s\S]*?)<\/style>/)[1];
        const js = page.html.match(/<script>([\s\S]*?)<\/script>/)[1];
        const size = Buffer.byteLength(page.html);
        const assets = Buffer.byteLength(css) + Buffer.byteLength(js);
        console.log(`# ${page.site}/${page.rel}: page ${size} B, CSS ${Buffer.byteLength(css)} B, JS ${Buffer.byteLength(js)} B`);
        assert.ok(assets <= ASSET_BUDGET, `CSS + JS is ${assets} B, budget ${ASSET_BUDGET} B`);
        assert.ok(size < PAGE_BUDGET, `the page is ${size} B, budget ${PAGE_BUDGET} B (under 40 KB with its CSS and JS)`);
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
        const s = await open(page);
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
            const noteText = await tab.locator(`li${href.replace(/([^\w#-])/g, "\\$1")} > :not(.kind):not(.back)`).first().innerText();
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
        const s = await open(page);
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

      test("wide screens: the note sits in the margin beside its line; the text keeps a 60–75 character measure", T, async () => {
        const s = await open(page, { viewport: { width: 1440, height: 900 } });
        try {
          const { tab } = s;
          const measure = await tab.evaluate(() => {
            const body = document.querySelector(".article-body");
            const width = body.getBoundingClientRect().width;
            const paragraphs = [...body.querySelectorAll("p")];
            const text = paragraphs.map((p) => {
              const c = p.cloneNode(true);
              c.querySelectorAll(".noteref").forEach((n) => n.remove());
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
          const marker = tab.locator(MARKER).first();
          await marker.evaluate((e) => e.scrollIntoView({ block: "center" }));
          await marker.click();
          await tab.locator("#pop").waitFor({ state: "visible" });
          const body = await rectOf(tab, ".article-body");
          const p = await rectOf(tab, "#pop");
          const m = await rectOf(tab, marker);
          assert.ok(p.left >= body.right, `not in the margin: ${JSON.stringify({ p, body })}`);
          assert.ok(p.top <= m.top && p.bottom >= m.bottom, `margin note is not beside its line: ${JSON.stringify({ p, m })}`);
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
          const s = await open({ ...page, url: pathToFileURL(file).href });
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
          const s = await open(page, { reducedMotion });
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
            const mark = t.closest(".noteref").previousElementSibling;
            return {
              id: t.id,
              top: r.top,
              bottom: r.bottom,
              h: innerHeight,
              bg: getComputedStyle(t).backgroundColor,
              markBg: mark?.matches("mark") ? getComputedStyle(mark).backgroundColor : null,
              plainMarkBg: getComputedStyle(document.querySelector("mark:not(:has(+ .noteref :target))") || document.body).backgroundColor,
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
            const link = document.querySelector('.src a[href^="http"]');
            return {
              nav: shown(".site"),
              back: shown(".back"),
              numbered: getComputedStyle(document.querySelector(".notes ol")).listStyleType,
              after: link ? getComputedStyle(link, "::after").content : null,
              href: link?.getAttribute("href"),
            };
          });
          assert.equal(printed.nav, false, "site navigation is printed");
          assert.equal(printed.back, false, "back-links are printed");
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
        assert.equal(await tab.locator("script").count(), 1);
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
