/**
 * The report in a real browser: playwright-core driving the system's Chromium against a built site served
 * from a loopback port by the test itself. Every request the page makes is recorded; any that leaves the
 * loopback server is aborted and recorded, so a test can assert the report is fully offline.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, dirname, extname, join, relative, resolve, sep } from "node:path";
import { test } from "node:test";
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from "playwright-core";
import { CHROMIUM_FLAGS } from "../../loaders/publish/chromium.ts";
import { sitePagesInOrder } from "../../loaders/publish/site-pages.ts";

/** The Chromium the tests drive: Debian's package (CI's .ci/run installs it), or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** The same flags the PDF export drives Chromium with. */
export const CHROMIUM_ARGS = CHROMIUM_FLAGS;

/** Desktop and phone viewports for screenshots and layout checks. */
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

const MISSING = `Chromium not found at ${CHROMIUM}: install it with \`apt-get install chromium\` (or set CHROMIUM_PATH)`;

/**
 * For a browser test file: true when Chromium is there; otherwise registers one failing test whose message
 * says how to install it (the browser tests fail then, they do not skip) and returns false.
 */
export function requireChromium(): boolean {
  if (existsSync(CHROMIUM)) return true;
  test("Chromium is installed", () => {
    throw new Error(MISSING);
  });
  return false;
}

/** Launches Chromium headless (Playwright gives it a fresh temporary profile, removed on close). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(MISSING);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".tsv": "text/tab-separated-values; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".pdf": "application/pdf",
  ".parquet": "application/vnd.apache.parquet",
  ".arrow": "application/vnd.apache.arrow.file",
  ".zip": "application/zip",
};

export function contentType(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}

const isFile = (path: string): boolean => existsSync(path) && statSync(path).isFile();

/**
 * The file a URL path names under `root`, with Framework's clean URLs: `/` -> index.html,
 * `/segments` -> segments.html, `/a/` -> a/index.html. A folder without the slash redirects to it;
 * null when nothing matches or the path escapes the root.
 */
export function resolveUrlPath(root: string, pathname: string): { file: string } | { redirect: string } | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  const path = resolve(root, "." + decoded);
  if (path !== root && !path.startsWith(root + sep)) return null;
  if (decoded.endsWith("/")) return isFile(join(path, "index.html")) ? { file: join(path, "index.html") } : null;
  if (isFile(path)) return { file: path };
  if (isFile(path + ".html")) return { file: path + ".html" };
  if (isFile(join(path, "index.html"))) return { redirect: pathname + "/" };
  return null;
}

export interface StaticServer {
  /** e.g. http://127.0.0.1:40123 */
  origin: string;
  close(): Promise<void>;
}

/** Serves `dir` on 127.0.0.1 at a free port, GET and HEAD only, no caching, 404.html for misses. */
export async function serveStatic(dir: string): Promise<StaticServer> {
  const root = resolve(dir);
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const found = request.method === "GET" || request.method === "HEAD" ? resolveUrlPath(root, url.pathname) : null;
    if (found && "redirect" in found) {
      response.writeHead(302, { location: found.redirect + url.search }).end();
      return;
    }
    const file = found?.file ?? join(root, "404.html");
    const exists = isFile(file);
    const body = exists ? readFileSync(file) : Buffer.from("not found\n");
    response.writeHead(found ? 200 : 404, {
      "content-type": exists ? contentType(file) : "text/plain; charset=utf-8",
      "content-length": body.length,
      "cache-control": "no-store",
    });
    response.end(request.method === "HEAD" ? undefined : body);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** The clean URL of every page in a built site (every .html but 404.html), `/` first, then sorted. */
export function sitePages(dir: string): string[] {
  const walk = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return entry.name.startsWith("_") ? [] : walk(path);
      return entry.name.endsWith(".html") ? [path] : [];
    });
  return walk(dir)
    .map((file) => "/" + relative(dir, file).split(sep).join("/"))
    .filter((path) => path !== "/404.html")
    .map(cleanUrl)
    .sort((a, b) => (a === "/" ? -1 : b === "/" ? 1 : a.localeCompare(b)));
}

/** A page's file path in the site (`/segments.html`, `/index.html`) as a clean URL (`/segments`, `/`). */
function cleanUrl(path: string): string {
  return path.replace(/(^|\/)index\.html$/, "$1").replace(/\.html$/, "");
}

/** The files of the pages in a built site's navigation (its sidebar's first level), in order, `/index.html` first. */
export function navigationFiles(dir: string): string[] {
  return sitePagesInOrder(dir)
    .filter((p) => p.level === 1)
    .map((p) => p.path);
}

/** The pages in a built site's navigation as clean URLs, as `sitePages` gives them. */
export function navigationPages(dir: string): string[] {
  return navigationFiles(dir).map(cleanUrl);
}

/** A data file of a built site, by name: `_file/data/<name>.<hash>.json` parsed. */
export function siteData<T = any>(dir: string, name: string): T {
  const folder = join(dir, "_file", "data", dirname(name));
  const base = basename(name);
  const file = readdirSync(folder).find((f) => f.startsWith(base + ".") && f.endsWith(".json"));
  if (!file) throw new Error(`no ${name}.*.json in ${folder}`);
  return JSON.parse(readFileSync(join(folder, file), "utf8")) as T;
}

export interface PageLog {
  /** every URL requested, in order */
  requests: string[];
  /** requests to anything but the loopback server: aborted */
  external: string[];
  /** requests that failed or answered >= 400 (external ones not repeated here) */
  failed: string[];
  /** console errors and uncaught page errors (Framework's inline cell errors: see cellErrors) */
  errors: string[];
  /** alert/confirm/prompt/print calls and dialogs: none may happen */
  dialogs: string[];
  /** bytes received over the network (CDP encodedDataLength: headers and bodies) */
  bytes: number;
  /** bodies of the loopback responses, when `keepBodies` */
  bodies: { url: string; body: Buffer }[];
}

export interface OpenPage {
  page: Page;
  log: PageLog;
  /** waits until pending body reads are done (call before reading log.bodies) */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions extends PageLook {
  /** keep every response body (for content checks) */
  keepBodies?: boolean;
}

/**
 * Runs in the page before any of its scripts: records dialog calls, and tracks when the charts last changed
 * (the number of SVGs, of sized SVGs and of their elements, and their widths: a chart redrawn at a new width) on
 * every animation frame. A string, not a function: tsx would wrap a function's inner closures in a helper the page
 * does not have.
 */
const PAGE_HOOKS = `
  window.__dialogs = [];
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = function (...args) {
      window.__dialogs.push(name + "(" + args.map(String).join(", ") + ")");
      return null;
    };
  }
  window.__charts = { signature: "", last: 0 };
  // not in a blank page (the shared context's keeper): a frame callback makes Chromium draw frames while the page
  // is open, about a tenth of a core for the browser's life
  if (location.protocol !== "about:") requestAnimationFrame(function tick() {
    const svgs = document.querySelectorAll("svg");
    let sized = 0;
    let width = 0;
    for (const svg of svgs) {
      const box = svg.getBoundingClientRect();
      if (box.width > 0 && box.height > 0) sized++;
      width += Math.round(box.width);
    }
    const signature =
      svgs.length + "/" + sized + "/" + width + "/" + document.querySelectorAll("svg *").length;
    if (signature !== window.__charts.signature) {
      window.__charts.signature = signature;
      window.__charts.last = performance.now();
    }
    requestAnimationFrame(tick);
  });
`;

/**
 * One browser context per browser, holding the page hooks and blocking service workers. A page opened in it is as
 * fresh as one in a context of its own (its viewport, colour scheme and request routing are its own, its HTTP cache
 * is disabled, the origin's cookies and storage are cleared before it opens, sessionStorage is per page), for about
 * 30% less CPU: machine-wide (/proc/stat) around 6 page loads of the demo, 4.0 s a page in contexts of their own
 * against 2.8 s in this one (test-output scratch runs, medians of 2).
 */
const contexts = new WeakMap<Browser, Promise<BrowserContext>>();

function sharedContext(browser: Browser): Promise<BrowserContext> {
  let context = contexts.get(browser);
  if (!context) {
    context = browser.newContext({ serviceWorkers: "block" }).then(async (made) => {
      await made.addInitScript({ content: PAGE_HOOKS });
      // a blank page held open for the context's life: with no page open, Chromium tears down and rebuilds what
      // the context's next page needs (about 1.2 s of CPU a page)
      await made.newPage();
      return made;
    });
    contexts.set(browser, context);
  }
  return context;
}

/** A page's viewport and colour scheme (DESKTOP and light by default). */
export interface PageLook {
  viewport?: { width: number; height: number };
  colorScheme?: "light" | "dark";
}

/**
 * A fresh page in the browser's one context (sharedContext): its viewport and colour scheme set, its HTTP cache
 * off, and, for a page of `origin`, the origin's cookies and storage cleared. Close it with `page.close()`.
 */
export async function freshPage(
  browser: Browser,
  origin: string | null,
  look: PageLook = {},
): Promise<{ page: Page; cdp: CDPSession }> {
  const context = await sharedContext(browser);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  // "all" takes the origin's cookies too (test/browser/fresh-page.test.ts)
  if (origin) await cdp.send("Storage.clearDataForOrigin", { origin, storageTypes: "all" });
  // the cache setting holds only while this session's Network domain is on
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await page.setViewportSize(look.viewport ?? DESKTOP);
  await page.emulateMedia({ colorScheme: look.colorScheme ?? "light" });
  return { page, cdp };
}

/**
 * Opens a fresh page (freshPage) with every request recorded and non-loopback ones aborted: every load is a cold
 * one.
 */
export async function openPage(browser: Browser, origin: string, options: OpenOptions = {}): Promise<OpenPage> {
  const { page, cdp } = await freshPage(browser, origin, options);
  const log: PageLog = { requests: [], external: [], failed: [], errors: [], dialogs: [], bytes: 0, bodies: [] };
  const local = (url: string): boolean => url.startsWith(origin + "/") || url === origin;
  const network = (url: string): boolean => !url.startsWith("data:") && !url.startsWith("blob:");
  const external = (url: string): void => {
    if (!log.external.includes(url)) log.external.push(url);
  };
  await page.route("**", (route) => {
    const url = route.request().url();
    if (local(url)) return route.continue();
    external(url);
    return route.abort("blockedbyclient");
  });
  const pending: Promise<unknown>[] = [];
  page.on("request", (request) => {
    const url = request.url();
    log.requests.push(url);
    if (network(url) && !local(url)) external(url);
  });
  page.on("requestfailed", (request) => {
    if (local(request.url()) || !network(request.url()))
      log.failed.push(`${request.url()} (${request.failure()?.errorText})`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) log.failed.push(`${response.url()} (HTTP ${response.status()})`);
    if (options.keepBodies && local(response.url()) && response.status() < 300) {
      pending.push(
        response.body().then(
          (body) => log.bodies.push({ url: response.url(), body }),
          () => {},
        ),
      );
    }
  });
  page.on("console", (message) => {
    if (message.type() === "error") log.errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => log.errors.push(`uncaught: ${error.message}`));
  page.on("dialog", (dialog) => {
    log.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => {});
  });
  cdp.on("Network.loadingFinished", (event) => (log.bytes += event.encodedDataLength));
  return {
    page,
    log,
    settled: async () => {
      while (pending.length) await Promise.all(pending.splice(0));
    },
    close: () => page.close(),
  };
}

/**
 * Waits for the page's charts to settle: network idle, then no SVG added, sized, resized or changed in its element
 * count for `quietMs`. Returns the time (ms since navigation start) of the last change: "time to the last chart".
 */
export async function waitForCharts(page: Page, quietMs = 400, timeout = 20_000): Promise<number> {
  await page.waitForLoadState("networkidle", { timeout });
  await page.waitForFunction(
    (quiet) => {
      const charts = (window as unknown as { __charts?: { signature: string; last: number } }).__charts;
      return !!charts && charts.signature !== "" && performance.now() - charts.last >= quiet;
    },
    quietMs,
    { timeout, polling: 50 },
  );
  return page.evaluate(() => Math.round((window as unknown as { __charts: { last: number } }).__charts.last));
}

/**
 * Resizes the page's viewport and waits two animation frames: the page's resize observers (Framework's `width`)
 * have fired and the charts' redraw has begun, so a following waitForCharts sees it.
 */
export async function resizeTo(page: Page, size: { width: number; height: number }): Promise<void> {
  await page.setViewportSize(size);
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

/** Dialog calls the page made (through the hooked alert/confirm/prompt/print) plus Playwright's dialogs. */
export async function dialogs(open: OpenPage): Promise<string[]> {
  const hooked = await open.page.evaluate(() => (window as unknown as { __dialogs: string[] }).__dialogs);
  return [...hooked, ...open.log.dialogs];
}

/** Framework's inline cell errors (a cell that threw shows an error box instead of its output). */
export async function cellErrors(page: Page): Promise<string[]> {
  return page.$$eval(".observablehq--error", (nodes) => nodes.map((node) => (node.textContent ?? "").trim()));
}

/** The page's visible text: every text node outside script/style/template (SVG text and titles included). */
export async function pageText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const parts: string[] = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement?.closest("script, style, template, noscript")) parts.push(node.nodeValue ?? "");
    }
    return parts.join("\n");
  });
}

export interface ChartInfo {
  /** a CSS-ish path for messages: the closest id'd or classed ancestor and the svg's index */
  where: string;
  width: number;
  height: number;
  /** marks: shapes (not axis ticks and domains) and texts with a tooltip of their own (word-cloud words) */
  marks: number;
  /** marks carrying their own <title> tooltip: the data marks (bars, cells, points), not legends or axes */
  dataMarks: number;
  /** non-empty text elements (axis ticks, labels, titles drawn in the chart) */
  labels: number;
  /** non-empty axis tick labels (d3-axis `.tick text`) */
  ticks: number;
  /** the full names of the labelled rows or columns (texts whose <title> holds the untruncated label) */
  rowLabels: string[];
  /** ARIA label of the svg or its figure caption, when any */
  label: string;
}

/** Every chart on the page: each outermost SVG in the main column that is not an icon inside a control. */
export async function charts(page: Page, within = "#observablehq-main, main, body"): Promise<ChartInfo[]> {
  return page.evaluate((scope) => {
    const main = document.querySelector(scope) ?? document.body;
    const svgs = [...main.querySelectorAll("svg")].filter(
      (svg) =>
        !svg.parentElement?.closest("svg") && !svg.closest("form, button, label, th, nav, .observablehq-sidebar"),
    );
    return svgs.map((svg, index) => {
      const box = svg.getBoundingClientRect();
      const holder = svg.closest("[id], figure, .card") as HTMLElement | null;
      const where = holder
        ? holder.id
          ? `#${holder.id}`
          : `${holder.tagName.toLowerCase()}.${[...holder.classList].join(".")}`
        : "main";
      const shapes = [...svg.querySelectorAll("rect, circle, path, line, polygon, polyline, ellipse, image")].filter(
        (mark) =>
          !mark.closest(".tick, .domain, [aria-label$='axis'], [aria-label$='-axis']") &&
          !mark.classList.contains("domain"),
      );
      // a text with its own tooltip is a mark too (a word-cloud word)
      const marks = shapes.length + svg.querySelectorAll("text:has(> title)").length;
      const dataMarks = shapes.filter((mark) => mark.matches(":has(> title)")).length;
      const labels = [...svg.querySelectorAll("text")].filter((text) => (text.textContent ?? "").trim() !== "").length;
      const ticks = [...svg.querySelectorAll(".tick text")].filter(
        (text) => (text.textContent ?? "").trim() !== "",
      ).length;
      const rowLabels = [...svg.querySelectorAll("text > title")].map((title) => title.textContent ?? "");
      const caption = svg.closest("figure")?.querySelector("figcaption, h2, h3")?.textContent ?? "";
      const label = (svg.getAttribute("aria-label") ?? caption).trim();
      return {
        where: `${where} svg[${index}] "${label.length > 50 ? label.slice(0, 49) + "…" : label}"`,
        width: Math.round(box.width),
        height: Math.round(box.height),
        marks,
        dataMarks,
        labels,
        ticks,
        rowLabels,
        label,
      };
    });
  }, within);
}

/**
 * Chart texts (labels, ticks, values) that fall partly outside the viewport horizontally: cut off on screen,
 * or in print emulation off the printed page. Texts inside a clip path (treemap tiles) are left out.
 */
export async function labelsOffPage(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const svg of document.querySelectorAll("svg")) {
      if (svg.parentElement?.closest("svg")) continue;
      for (const text of svg.querySelectorAll("text")) {
        const box = text.getBoundingClientRect();
        if (!box.width || text.closest("[clip-path]")) continue;
        if (box.left < -1 || box.right > innerWidth + 1) {
          const chart = (svg.getAttribute("aria-label") ?? "svg").slice(0, 50);
          out.push(
            `"${chart}": "${(text.textContent ?? "").slice(0, 50)}" spans x ${Math.round(box.left)}..${Math.round(box.right)}`,
          );
        }
      }
    }
    return out;
  });
}

/** Whether the document is wider than the viewport (horizontal overflow), with both widths. */
export async function overflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; overflows: boolean }> {
  return page.evaluate(() => {
    const scrollWidth = document.documentElement.scrollWidth;
    return { scrollWidth, innerWidth, overflows: scrollWidth > innerWidth + 1 };
  });
}

/** Counts the pages of a PDF (its /Type /Page objects). */
export function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString("latin1").match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

/** A file-system-safe name for a page's clean URL: `/` -> index, `/segment/champions` -> segment-champions. */
export function pageName(path: string): string {
  return path === "/"
    ? "index"
    : path
        .replace(/^\//, "")
        .replace(/\/$/, "")
        .replace(/[^\w.-]+/g, "-");
}

/** Waits (up to 15 s) until a chart whose ARIA label or caption starts with `prefix` is drawn, then for the page to settle. */
export async function waitForChartLabel(page: Page, prefix: string): Promise<void> {
  await page.waitForFunction(
    (start) =>
      [...document.querySelectorAll("svg")].some((svg) =>
        (
          svg.getAttribute("aria-label") ??
          svg.closest("figure")?.querySelector("figcaption, h2, h3")?.textContent ??
          ""
        )
          .trim()
          .startsWith(start),
      ),
    prefix,
    { timeout: 15_000 },
  );
  await waitForCharts(page, 250);
}
