/**
 * The built site: offline (nothing points off the machine), private by default (no customer identifiers in any
 * file), fresh (a changed data file or config never publishes a stale report) and atomic (bad input leaves the
 * previous report untouched).
 */
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { stripVTControlCharacters } from "node:util";
import { loadConfig, PROJECT_ROOT } from "../../loaders/config.ts";
import { artifactDir, fingerprint } from "../../loaders/site/artifacts.ts";
import { MARKER } from "../../loaders/site/folder.ts";
import { buildReport, runBuild } from "../support/build.ts";
import { generateSmall, readHeadline } from "../support/report.ts";

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

const TEXT = /\.(html|js|css|json|csv|txt|svg)$/;

test("the demo report builds every page and points nowhere off the machine", async () => {
  const { dir } = await buildReport({ name: "demo" });
  assert.ok(existsSync(join(dir, "index.html")), "dist/index.html");
  const files = filesUnder(dir).filter((file) => TEXT.test(file));
  const offending: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    // attributes in HTML, url() in CSS, static and dynamic imports in JS
    const patterns = [
      /\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\/[^"'\s>]+/gi,
      /url\(\s*["']?(?:https?:)?\/\/[^)]+\)/gi,
      /\bimport\s*(?:\(|[^;]*?from)\s*["'](?:https?:)?\/\/[^"']+["']/gi,
      /@import\s+(?:url\()?["']?(?:https?:)?\/\/[^;]+/gi,
    ];
    for (const pattern of patterns)
      for (const match of text.matchAll(pattern)) offending.push(`${file}: ${match[0].slice(0, 120)}`);
  }
  assert.deepEqual(offending, [], "references off the machine");
  // no web fonts, no CDN host names anywhere in the pages
  for (const file of files.filter((f) => f.endsWith(".html"))) {
    const html = readFileSync(file, "utf8");
    assert.doesNotMatch(html, /fonts\.googleapis|cdn\.jsdelivr|unpkg\.com|esm\.sh/, file);
  }
});

test("by default no file of the published site holds a customer identifier", async () => {
  const { dir } = await buildReport({ name: "demo" });
  const personas = readFileSync(join(PROJECT_ROOT, "data", "demo", "personas.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1);
  const ids = new Set(personas.map((line) => line.split(",")[0]));
  assert.ok(ids.size > 1000, `demo customers: ${ids.size}`);
  const found = new Set<string>();
  for (const file of filesUnder(dir).filter((f) => TEXT.test(f))) {
    assert.ok(!/customer_segments/.test(file), `${file} is published with publish_customer_list off`);
    for (const match of readFileSync(file, "utf8").matchAll(/(?<![\d.])\d{5}(?![\d.])/g))
      if (ids.has(match[0])) found.add(match[0]);
  }
  // a handful of 5-digit numbers (a count, a rounded amount, a stock code) may coincide with ids; a list would not
  assert.ok(
    found.size <= 20,
    `${found.size} customer ids appear in the site, e.g. ${[...found].slice(0, 5).join(", ")}`,
  );
});

/** The build with publish_customer_list and a report.title of its own (one build, two tests). */
const TITLE = "Acme & Co: customers 2024";
async function publishBuild(): Promise<{ dir: string; small: ReturnType<typeof generateSmall> }> {
  const small = generateSmall();
  const config = join(PROJECT_ROOT, "test-output", "configs", "publish.json");
  mkdirSync(join(config, ".."), { recursive: true });
  writeFileSync(
    config,
    JSON.stringify({
      report: { publish_customer_list: true, title: TITLE },
      clustering: { k_max: 5, bootstrap_runs: 3 },
    }),
  );
  const { dir } = await buildReport({ name: "publish", data: small.data, config });
  return { dir, small };
}

test("report.title is the site's title: the sidebar and every page's browser tab (issue 23, case 15)", async () => {
  const { dir } = await publishBuild();
  const pages = filesUnder(dir).filter((file) => file.endsWith(".html"));
  assert.ok(pages.length >= 5, `${pages.length} pages`);
  const escaped = TITLE.replace(/&/g, "&amp;");
  for (const page of pages) {
    const html = readFileSync(page, "utf8");
    const title = /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? "";
    assert.ok(title.includes(escaped), `${page}: <title>${title}</title>`);
    assert.ok(!html.includes("Customer segmentation report"), `${page} still names the default title`);
    const sidebar = /<nav id="observablehq-sidebar">[\s\S]*?<\/nav>/.exec(html)?.[0] ?? "";
    assert.ok(sidebar.includes(escaped), `${page}: the sidebar does not name the title`);
  }
});

test("publish_customer_list publishes the per-customer segment list", async () => {
  const { dir, small } = await publishBuild();
  const list = filesUnder(dir).find((file) => /customer_segments.*\.csv$/.test(file));
  assert.ok(list, "customer_segments.csv in the site");
  const lines = readFileSync(list, "utf8").trim().split("\n");
  assert.match(lines[0], /^customer_id,/);
  assert.equal(lines.length - 1, small.customersKept, "one row per customer");
});

test("a changed data file or config is never published stale; unchanged input reuses the report data", async () => {
  const work = join(PROJECT_ROOT, "test-output", "freshness");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const a = generateSmall(1);
  const b = generateSmall(2);
  const data = join(work, "transactions.csv.gz");
  const config = join(work, "segment.config.json");
  writeFileSync(config, JSON.stringify({ clustering: { k_max: 5, bootstrap_runs: 3 } }));
  const out = join(work, "dist");

  cpSync(a.data, data);
  let result = runBuild({ name: "fresh", data, config }, ["--out", out]);
  assert.equal(result.status, 0, result.stderr);
  const first = readHeadline(out);
  // the last line says where the time went (the report data may be cached from an earlier run: no parts then)
  assert.match(
    result.stderr,
    /segment-report: times: report data [\d.]+ s.*; Framework's build [\d.]+ s; publish [\d.]+ s; in all /,
  );
  const marker = readFileSync(join(out, MARKER), "utf8");

  // the recognised-input block, when the data is computed and when it is reused
  assert.match(
    result.stderr,
    /segment-report: input .*transactions\.csv\.gz\n {2}layout: {3}Online Retail \(recognised\); comma-separated, gzip\n/,
  );
  result = runBuild({ name: "fresh", data, config }, ["--out", out]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /report data unchanged/);
  assert.match(result.stderr, /segment-report: input .*transactions\.csv\.gz\n {2}layout: /);
  assert.deepEqual(readHeadline(out), first);
  // same report data and pages: the site in --out is the one Framework would build again, left as it is
  assert.match(
    result.stderr,
    /dist is current \(same report data, pages, components and Framework\): site build skipped\n/,
  );
  assert.match(result.stderr, /Framework's build skipped; publish skipped/);
  assert.equal(readFileSync(join(out, MARKER), "utf8"), marker, "the site was not published again");

  // same path, other bytes (their report data may be cached from an earlier test run with the same code: dropped,
  // so that the build has to notice the new bytes)
  cpSync(b.data, data);
  rmSync(artifactDir(await fingerprint(loadConfig({ file: config, data, env: {} }))), { recursive: true, force: true });
  result = runBuild({ name: "fresh", data, config }, ["--out", out]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /computed the report data/);
  assert.doesNotMatch(result.stderr, /site build skipped/);
  assert.match(
    result.stderr,
    /segment-report: times: report data [\d.]+ s \(pipeline [\d.]+ s, CPU [\d.]+ s; page data [\d.]+ s, CPU [\d.]+ s\); Framework's build [\d.]+ s; publish [\d.]+ s; in all /,
  );
  // the new report data went into Framework's loader cache as the loaders print it: Framework ran none of them
  // (Framework colours its lines where it sees a CI)
  const framework = stripVTControlCharacters(result.stdout);
  assert.match(framework, /load \/data\/meta\.json → \[fresh\]/);
  assert.doesNotMatch(framework, /load \/data\/\S+ → \[(missing|stale)\]/);
  const second = readHeadline(out);
  assert.notDeepEqual(second, first);
  assert.equal(second.customers, b.customersKept);

  // config change: a fixed k
  writeFileSync(config, JSON.stringify({ clustering: { k_max: 5, k: 3, bootstrap_runs: 3 } }));
  result = runBuild({ name: "fresh", data, config }, ["--out", out]);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(readHeadline(out).k, 3);
});

test("bad input stops the build with one line and leaves the previous report untouched", async () => {
  const work = join(PROJECT_ROOT, "test-output", "atomic");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, "dist"), { recursive: true });
  writeFileSync(join(work, "dist", "index.html"), "previous report");
  // a previous report: its marker lists the files it wrote (loaders/site/folder.ts)
  writeFileSync(
    join(work, "dist", ".segment-report"),
    JSON.stringify({ written_by: "segment-report", files: ["index.html"] }),
  );
  const bad = join(work, "bad.csv");
  writeFileSync(
    bad,
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n536365,85123A,HEART,six,2010-12-01 08:26:00,2.55,17850,United Kingdom\n",
  );
  const cases: [string, RegExp][] = [
    [bad, /bad\.csv.*line 2.*Quantity.*"six"/i],
    [join(work, "missing.csv"), /missing\.csv.*not found/i],
  ];
  for (const [data, message] of cases) {
    const result = runBuild({ name: "atomic", data }, ["--out", join(work, "dist")]);
    assert.equal(result.status, 1, `exit status for ${data}`);
    // the one line of the error; a build started while another of the run holds the checkout's lock first says it
    // waits (loaders/site/lock.ts), which is a notice, not part of the error
    const lines = result.stderr
      .trim()
      .split("\n")
      .filter(
        (line) => !/^segment-report: another build is running in this checkout \(process \d+\); waiting/.test(line),
      );
    assert.equal(lines.length, 1, `one line: ${result.stderr}`);
    assert.match(lines[0], message);
    assert.doesNotMatch(result.stderr, /\bat .*\.ts:\d+/, "no stack trace");
    assert.equal(readFileSync(join(work, "dist", "index.html"), "utf8"), "previous report");
    assert.ok(statSync(join(work, "dist")).isDirectory());
  }
});
