/**
 * `dist/report.html`: the whole built site as one self-contained HTML file that works from `file://` or as an
 * email attachment with no network request. Framework does not do this (framework#2056), so it is assembled
 * from the built site itself, keeping Framework's own runtime so every chart and control behaves as on the site:
 * - every JavaScript module of the site becomes a `data:` URL in an import map, its relative imports rewritten
 *   to the map's names (a module loaded from `data:` cannot resolve a relative import; a bare name it can);
 * - each page gets its own instance of Framework's client (the same module under a page-specific URL), hence its
 *   own runtime, so pages defining the same variable names (`meta`, `k` ...) do not collide; cell roots get a
 *   page-specific id (`<!--:hash-N:-->`, the form Framework's client accepts);
 * - the data files FileAttachment reads are embedded as JSON and served by a `fetch` shim under
 *   `report-file:` URLs (Chromium, Firefox and Safari all refuse `fetch` of `file://` URLs);
 * - the stylesheet is inlined; links between pages scroll to the page inside the file.
 * Loading each page in a browser and saving its DOM would lose the controls (k switch, filters, sliders),
 * which only work with the runtime; bundling with esbuild would duplicate the runtime per page.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, posix, relative, sep } from "node:path";
import { init, parse } from "es-module-lexer";
import { builtData, sitePagesInOrder, type SitePage } from "./site-pages.ts";

const PREFIX = "@report";
const FILE_SCHEME = "report-file:";
/** Framework's client module (the one instantiated per page) */
const CLIENT = /\/_observablehq\/client\.[0-9a-f]+\.js$/;

function listFiles(dir: string, root = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? listFiles(path, root) : [path];
    })
    .sort();
}

/** "/_node/d3@7.9.2/index.c8f1bfbe.js" for a file of the site. */
function sitePath(dir: string, file: string): string {
  return "/" + relative(dir, file).split(sep).join("/");
}

/** Rewrites every import of `source` (static and dynamic with a literal name) whose target `resolve` names. */
function rewriteImports(source: string, resolve: (specifier: string) => string | null): string {
  const [imports] = parse(source);
  let out = "";
  let last = 0;
  for (const item of imports) {
    if (item.n === undefined) continue;
    const target = resolve(item.n);
    if (target === null) continue;
    const dynamic = item.d > -1;
    const quoted = dynamic && /^["'`]/.test(source.slice(item.s, item.e));
    out += source.slice(last, item.s) + (dynamic && quoted ? JSON.stringify(target) : target);
    last = item.e;
  }
  return out + source.slice(last);
}

/** The import-map name of a site module, or null when `specifier` (relative to `from`) is not one. */
function moduleName(modules: ReadonlySet<string>, from: string, specifier: string): string | null {
  if (!specifier.startsWith("./") && !specifier.startsWith("../") && !specifier.startsWith("/")) return null;
  const path = posix.resolve(posix.dirname(from), specifier);
  return modules.has(path) ? PREFIX + path : null;
}

const dataUrl = (type: string, text: string): string => `data:${type};base64,${Buffer.from(text).toString("base64")}`;

/** JavaScript that can sit inside a <script> element: `</script` and `<!--` as `\x3c/script`, `\x3c!--` (in strings, template literals and regular expressions alike). */
const scriptSafe = (code: string): string => code.replace(/<(\/script|!--)/gi, "\\x3c$1");

/** JSON that can sit inside a <script> element: every `<` (only ever inside a string) as `\u003c`; the same value. */
const jsonSafe = (json: string): string => json.replace(/</g, "\\u003c");

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

interface PageParts {
  page: SitePage;
  /** the content of the page's <main> */
  body: string;
  /** the page's module script, rewritten */
  script: string;
}

/** Splits a built page into its main content and its module script, rewritten for the single file. */
function pageParts(
  dir: string,
  page: SitePage,
  index: number,
  modules: ReadonlySet<string>,
  files: Map<string, Buffer>,
): PageParts {
  const html = readFileSync(join(dir, page.path), "utf8");
  const script = html.match(/<script type="module">([\s\S]*?)<\/script>/)?.[1];
  const main = html.match(/<main id="observablehq-main" class="observablehq">([\s\S]*?)<\/main>/)?.[1];
  if (script === undefined || main === undefined)
    throw new Error(`${join(dir, page.path)}: not a page built by Framework 1.13`);
  const cellId = (id: string): string => {
    const [hash, n] = id.split("-");
    return `${hash}-${index * 1000 + Number(n ?? 0)}`;
  };
  const body = main.replace(/<!--:([0-9a-f]{8}(?:-\d+)?):-->/g, (_m, id: string) => `<!--:${cellId(id)}:-->`);
  let code = rewriteImports(script, (specifier) => {
    const name = moduleName(modules, page.path, specifier);
    return name !== null && CLIENT.test(name) ? `${PREFIX}/page-${index}/client.js` : name;
  });
  code = code.replace(/define\(\{id: "([0-9a-f]{8}(?:-\d+)?)"/g, (_m, id: string) => `define({id: "${cellId(id)}"`);
  code = code.replace(/("path":)"([^"]+)"/g, (_m, key: string, path: string) => {
    const file = posix.resolve(posix.dirname(page.path), path);
    if (!files.has(file)) files.set(file, readFileSync(join(dir, file)));
    return `${key}${JSON.stringify(FILE_SCHEME + file)}`;
  });
  return { page, body, script: code };
}

/** Runs before any module: serves the embedded data files to fetch, keeps the title, links pages in the file. */
const SHIM = `
(() => {
  const files = new Map();
  for (const node of document.querySelectorAll("script[data-report-file]")) files.set(node.dataset.reportFile, node);
  const fetch0 = window.fetch;
  // for the PDF printer: which embedded files the pages have read, out of how many
  window.__reportFetched = new Set();
  window.__reportFiles = files.size;
  window.fetch = function (input, init) {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const node = files.get(url);
    if (!node) return fetch0.call(this, input, init);
    window.__reportFetched.add(url);
    const body = node.dataset.encoding === "base64" ? Uint8Array.from(atob(node.textContent), (c) => c.charCodeAt(0)) : node.textContent;
    return Promise.resolve(new Response(body, {status: 200, headers: {"content-type": node.dataset.type}}));
  };
  const title = document.title;
  Object.defineProperty(document, "title", {get: () => title, set: () => {}, configurable: true});
  document.addEventListener("click", (event) => {
    const a = event.target instanceof Element && event.target.closest("a[href]");
    if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const href = a.getAttribute("href");
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith("#")) return;
    const section = a.closest("[data-report-path]");
    const base = "http://report" + (section ? section.dataset.reportPath : "/index.html");
    const url = new URL(href, base);
    const path = url.pathname.endsWith("/") ? url.pathname + "index.html" : /\\.[a-z]+$/.test(url.pathname) ? url.pathname : url.pathname + ".html";
    const target = document.querySelector('[data-report-path="' + CSS.escape(path) + '"]');
    if (!target) return;
    event.preventDefault();
    const hash = decodeURIComponent(url.hash.slice(1));
    const anchor = (hash && target.querySelector('[id="' + CSS.escape(hash) + '"]')) || target;
    anchor.scrollIntoView();
    history.replaceState(null, "", "#" + target.id);
  }, true);
})();
`;

/** Only in the single file: the contents list, the page breaks, no page's own navigation. */
const STYLE = `
.report-contents ol { list-style: none; padding-left: 0; }
.report-contents ol ol { padding-left: 1.5em; }
.report-contents li { margin: 0.2em 0; }
.report-contents .report-contents-page { float: right; }
section.report-page { border-top: 1px solid var(--theme-foreground-faintest); margin-top: 3rem; padding-top: 1rem; }
.report-cover { display: none; }
.report-cover h1 { font-size: 2.4rem; margin: 30vh 0 1rem; max-width: none; }
.report-cover .report-cover-period { font-size: 1.3rem; }
.report-cover dl { display: grid; grid-template-columns: max-content auto; gap: 0.3rem 1.5rem; margin-top: 3rem; }
.report-cover dt { color: var(--theme-foreground-muted); }
.report-cover dd { margin: 0; }
@media print {
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  section.report-page { border-top: none; margin-top: 0; padding-top: 0; break-before: page; page-break-before: always; }
  .report-contents { break-before: page; page-break-before: always; }
  .report-cover { display: block; break-after: page; }
  .report-contents a { color: inherit; text-decoration: none; }
}
`;

export interface SingleFile {
  html: string;
  pages: SitePage[];
}

/** Assembles the built site in `dir` into one HTML document (deterministic: same site, same bytes). */
export async function assembleSingleFile(dir: string): Promise<SingleFile> {
  await init;
  const pages = sitePagesInOrder(dir);
  const meta = builtData<CoverMeta>(dir, "meta");
  const moduleFiles = ["_observablehq", "_import", "_node", "_npm"]
    .flatMap((sub) => listFiles(join(dir, sub)))
    .filter((f) => extname(f) === ".js");
  const modules = new Set(moduleFiles.map((f) => sitePath(dir, f)));
  const imports: Record<string, string> = {};
  let client: string | null = null;
  for (const file of moduleFiles) {
    const path = sitePath(dir, file);
    const code = rewriteImports(readFileSync(file, "utf8"), (specifier) => moduleName(modules, path, specifier));
    if (CLIENT.test(path)) client = code;
    else imports[PREFIX + path] = dataUrl("text/javascript", code);
  }
  if (client === null) throw new Error(`${dir}: no Framework client module in _observablehq/`);
  const files = new Map<string, Buffer>();
  const parts = pages.map((page, i) => pageParts(dir, page, i + 1, modules, files));
  // one client per page: the same code under a page-specific URL is a separate module instance
  for (let i = 1; i <= pages.length; i++)
    imports[`${PREFIX}/page-${i}/client.js`] = dataUrl("text/javascript", `${client}\n// page ${i}\n`);
  const css = [...new Set(listFiles(join(dir, "_import")).filter((f) => extname(f) === ".css"))]
    .map((f) => readFileSync(f, "utf8"))
    .join("\n");

  const contents = renderContents(pages);
  const sections = parts
    .map(
      ({ page, body }, i) =>
        `<section class="report-page" id="report-page-${i + 1}" data-report-path="${escapeHtml(page.path)}">\n${body}\n</section>`,
    )
    .join("\n");
  const dataScripts = [...files]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([path, text]) => {
      const name = escapeHtml(FILE_SCHEME + path);
      // JSON as it is (readable, a third smaller than base64); anything else byte for byte in base64
      if (path.endsWith(".json"))
        return `<script type="application/json" data-type="application/json" data-report-file="${name}">${jsonSafe(text.toString("utf8"))}</script>`;
      return `<script type="text/plain" data-type="application/octet-stream" data-encoding="base64" data-report-file="${name}">${text.toString("base64")}</script>`;
    })
    .join("\n");
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="segment-report (Observable Framework 1.13), one self-contained file">
<title>${escapeHtml(meta.title)}</title>
<style>
${css}
${STYLE}
</style>
<script type="importmap">${jsonSafe(JSON.stringify({ imports }))}</script>
${dataScripts}
<script>${SHIM}</script>
</head>
<body>
<div id="observablehq-center">
<main id="observablehq-main" class="observablehq">
${renderCover(meta)}
${contents}
${sections}
</main>
<footer id="observablehq-footer"><div>Built by segment-report from the data at build time; one self-contained file, no network needed.</div></footer>
</div>
${parts.map((p) => `<script type="module">${scriptSafe(p.script)}</script>`).join("\n")}
</body>
</html>
`;
  return { html, pages };
}

interface CoverMeta {
  title: string;
  data_file: string;
  period_start: string;
  period_end: string;
  customers: number;
  k: number;
}

const longDate = (iso: string): string =>
  new Date(iso + "T00:00:00Z").toLocaleDateString("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });

/** The printed cover: title, period, data file; the build date is filled in when the PDF is printed. */
function renderCover(meta: CoverMeta): string {
  return `<div class="report-cover" id="report-cover">
<h1>${escapeHtml(meta.title)}</h1>
<p class="report-cover-period">${escapeHtml(longDate(meta.period_start))} – ${escapeHtml(longDate(meta.period_end))}</p>
<dl>
<dt>Data file</dt><dd>${escapeHtml(meta.data_file)}</dd>
<dt>Customers</dt><dd>${meta.customers.toLocaleString("en-GB")}, in ${meta.k} segments</dd>
<dt>Built</dt><dd class="report-cover-date"></dd>
</dl>
</div>`;
}

function renderContents(pages: readonly SitePage[]): string {
  const items: string[] = [];
  let open = false;
  pages.forEach((page, i) => {
    const link = `<a href="#report-page-${i + 1}">${escapeHtml(page.title)}<span class="report-contents-page" data-page="${i + 1}"></span></a>`;
    if (page.level === 2) {
      if (!open) items.push("<ol>");
      open = true;
      items.push(`<li>${link}</li>`);
      return;
    }
    if (open) items.push("</ol></li>");
    else if (items.length) items.push("</li>");
    open = false;
    items.push(`<li>${link}`);
  });
  items.push(open ? "</ol></li>" : "</li>");
  return `<nav class="report-contents" id="report-contents" aria-label="Contents">\n<h2>Contents</h2>\n<ol>\n${items.join("\n")}\n</ol>\n</nav>`;
}

/** Bytes of a file, for messages. */
export function fileSize(path: string): number {
  return statSync(path).size;
}
