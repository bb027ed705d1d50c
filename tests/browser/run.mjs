#!/usr/bin/env node
// Builds the sites the browser tests look at, then runs them with node's test runner.
//
//   npm ci --ignore-scripts        # once: playwright-core, axe-core, vnu-jar (no browser download)
//   node tests/browser/run.mjs     # or: npm run test:browser
//
// Sites: a fresh `cargo run --release -- build` of the repository's content/, of
// tests/fixtures/valid/basic and of tests/browser/fixture, into target/browser/sites/. To test sites built
// elsewhere instead, set BRIEFING_SITES=name=dir,name=dir.
// Browser: Debian's chromium (CHROMIUM=/path to use another); Java runs the Nu checker.
// Screenshots and print PDFs are written to target/browser/ for a person to look at.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const out = join(repo, "target/browser");
mkdirSync(out, { recursive: true });
for (const f of readdirSync(out)) if (/\.(png|pdf)$/.test(f)) rmSync(join(out, f)); // no stale pictures

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: repo, ...opts });
  if (r.status !== 0) {
    console.error(`failed: ${cmd} ${args.join(" ")}`);
    process.exit(r.status || 1);
  }
}

let sites = process.env.BRIEFING_SITES;
if (!sites) {
  const list = [
    ["content", "."],
    ["basic", "tests/fixtures/valid/basic"],
    ["edge", "tests/browser/fixture"],
  ];
  console.log("# building the test sites (tests/browser/fixture warns on purpose: a note without sources, a source without URL)");
  for (const [name, root] of list) {
    const dir = join(out, "sites", name);
    rmSync(dir, { recursive: true, force: true });
    run("cargo", ["run", "--release", "--quiet", "--", "build", "--quiet", "--root", root, "--output", dir]);
  }
  sites = list.map(([name]) => `${name}=${join(out, "sites", name)}`).join(",");
}

// Hostile content (scripts, handlers, javascript: URLs, template syntax) that the
// build accepts after escaping and sanitizing: the page must run none of it.
let injection = process.env.BRIEFING_INJECTION;
if (!injection) {
  injection = join(out, "sites", "injection");
  rmSync(injection, { recursive: true, force: true });
  run("cargo", ["run", "--release", "--quiet", "--", "build", "--quiet", "--root", "tests/fixtures/valid/injection", "--output", injection]);
}

run(process.execPath, ["--test", "--test-reporter=spec", join(repo, "tests/browser/site.test.mjs")], {
  env: { ...process.env, BRIEFING_SITES: sites, BRIEFING_INJECTION: injection },
});
