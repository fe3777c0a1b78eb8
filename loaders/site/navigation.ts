/**
 * The site's navigation (Framework's `pages`, read by observablehq.config.ts): the registry's pages the current
 * data can fill (report/registry.ts, from the `capabilities.json` the prepare step wrote beside the report data),
 * with the analysts' own pages put in.
 *
 * An analyst's page is any `src/NAME.md` that is not a registry page: it needs no TypeScript. Its front matter may
 * say its title and place:
 *
 *     ---
 *     title: Repeat buyers
 *     nav: {after: rfm}
 *     ---
 *
 * `title` (else the page's first `# ` heading, else NAME) is its name in the navigation; `nav: {after: ID}` puts it
 * right after the registry page ID ("index" or "" for the executive summary; when that page is left out for this
 * data, after the nearest page before it that is not), several pages after the same one in file-name order;
 * without `after` it comes last. `nav: false` keeps a page out of the navigation (a draft). Files whose names
 * start with "_" are never pages.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ALL_CAPABILITIES, readCapabilitiesFile, satisfies, type Capabilities } from "../capabilities.ts";
import { PAGES } from "../report/registry.ts";

export interface NavPage {
  name: string;
  path: string;
}

/** An analyst's page as its front matter places it. */
export interface AnalystPage {
  /** file name without .md */
  id: string;
  title: string;
  /** registry page id it follows; null: last */
  after: string | null;
  /** false: not in the navigation */
  listed: boolean;
}

/** The report data folder: the build's own (SEGMENT_ARTIFACTS), else the last prepared (.segment-cache/CURRENT). */
export function artifactsDir(root = "."): string | null {
  const named = process.env.SEGMENT_ARTIFACTS;
  if (named) return named;
  const current = join(root, ".segment-cache", "CURRENT");
  return existsSync(current) ? join(root, ".segment-cache", readFileSync(current, "utf8").trim()) : null;
}

/** The default of report.title, for a site built before any report data is prepared. */
export const DEFAULT_TITLE = "Customer segmentation report";

/**
 * The report's title (report.title, as the prepared report data's meta.json holds it): the site title of the
 * sidebar and of every page's browser tab ("Page – Title"), as on the home page, the segment pages and the exports.
 */
export function reportTitle(dir: string | null): string {
  const file = dir === null ? null : join(dir, "meta.json");
  if (!file || !existsSync(file)) return DEFAULT_TITLE;
  const title = (JSON.parse(readFileSync(file, "utf8")) as { title?: unknown }).title;
  return typeof title === "string" && title.trim() ? title : DEFAULT_TITLE;
}

/** What the prepared data holds; every capability when no data is prepared yet (or an older one without the file). */
export function preparedCapabilities(dir: string | null): Capabilities {
  const file = dir === null ? null : join(dir, "capabilities.json");
  return file && existsSync(file) ? readCapabilitiesFile(JSON.parse(readFileSync(file, "utf8"))) : ALL_CAPABILITIES;
}

/** The front matter block of a markdown text ("" without one). */
function frontMatter(text: string): string {
  const m = text.match(/^---\r?\n([\s\S]*?)\r?\n---\r?\n/);
  return m ? m[1] : "";
}

const unquote = (v: string) => v.trim().replace(/^(["'])(.*)\1$/, "$2");

/** Reads `title` and `nav` (`{after: ID}`, a block `nav:\n  after: ID`, or `false`) from a page's markdown. */
export function analystPage(id: string, text: string): AnalystPage {
  const fm = frontMatter(text);
  const title = fm.match(/^title:[ \t]*(.+)$/m)?.[1];
  const heading = text.slice(fm ? text.indexOf("---", 3) + 3 : 0).match(/^#[ \t]+(.+)$/m)?.[1];
  const nav = fm.match(/^nav:[ \t]*(.*)$/m);
  let after: string | null = null;
  let listed = true;
  if (nav) {
    const inline = nav[1].trim();
    if (inline === "false") listed = false;
    const block = inline === "" ? fm.slice((nav.index ?? 0) + nav[0].length).match(/^[ \t]+after:[ \t]*(.+)$/m) : null;
    const value = inline.match(/after:\s*([^,}]+)/)?.[1] ?? block?.[1];
    if (value !== undefined) after = unquote(value);
  }
  return { id, title: unquote(title ?? heading ?? id), after: after === "index" ? "" : after, listed };
}

/** The analysts' pages in `srcDir`: its .md files that are not registry pages (nor "_" files), by file name. */
export function analystPages(srcDir: string): AnalystPage[] {
  const registry = new Set(PAGES.map((page) => (page.id === "" ? "index" : page.id)));
  if (!existsSync(srcDir)) return [];
  return readdirSync(srcDir)
    .filter((f) => f.endsWith(".md") && !f.startsWith("_") && !registry.has(f.slice(0, -3)))
    .sort()
    .map((f) => analystPage(f.slice(0, -3), readFileSync(join(srcDir, f), "utf8")));
}

/** The navigation: the registry's pages `caps` can fill, in order, with `extra` (analysts' pages) put in. */
export function siteNavigation(caps: Capabilities, extra: readonly AnalystPage[]): NavPage[] {
  const out: NavPage[] = [];
  const pending = extra.filter((page) => page.listed);
  const place = (after: string) => {
    for (const page of pending.filter((p) => p.after === after)) out.push({ name: page.title, path: `/${page.id}` });
  };
  for (const page of PAGES) {
    if (satisfies(caps, page.needs)) out.push({ name: page.name, path: `/${page.id}` });
    // pages after a page left out follow the nearest page before it
    place(page.id);
  }
  const known = new Set(PAGES.map((page) => page.id));
  for (const page of pending.filter((p) => p.after === null || !known.has(p.after)))
    out.push({ name: page.title, path: `/${page.id}` });
  return out;
}

/** Framework's `pages` for the project at `root`: the current data's registry pages and the analysts' pages. */
export function navigation(root = "."): NavPage[] {
  return siteNavigation(preparedCapabilities(artifactsDir(root)), analystPages(join(root, "src")));
}
