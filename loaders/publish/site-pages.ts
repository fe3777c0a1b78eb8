/**
 * The pages of a built site in reading order: the navigation's pages as Framework wrote them into the sidebar,
 * with the per-segment pages after "Segment profiles" in the order of the segments (cluster order).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface SitePage {
  /** path of the page's file in the site, e.g. "/index.html", "/segment/champions.html" */
  path: string;
  /** the name in the contents list */
  title: string;
  /** 1 for a page of the navigation, 2 for a page under one (a segment) */
  level: 1 | 2;
}

/** The parsed JSON data file `name` (e.g. "meta") of a built site: `_file/data/<name>.<hash>.json`. */
export function builtData<T = unknown>(dir: string, name: string): T {
  const folder = join(dir, "_file", "data");
  const file = existsSync(folder)
    ? readdirSync(folder).find((f) => f.startsWith(name + ".") && f.endsWith(".json"))
    : undefined;
  if (!file) throw new Error(`${dir}: no ${name} data in the built site (run \`npm run build\` first)`);
  return JSON.parse(readFileSync(join(folder, file), "utf8")) as T;
}

/** The sidebar's links of a built page: [href, text] in order. */
function sidebarLinks(html: string): [string, string][] {
  const nav = html.match(/<nav id="observablehq-sidebar">([\s\S]*?)<\/nav>/)?.[1] ?? "";
  const lists = nav.split(/<\/ol>/);
  // the first list holds the site title, the second the pages
  const pages = lists.length > 2 ? lists[1] : nav;
  return [...pages.matchAll(/<a href="([^"]+)">([\s\S]*?)<\/a>/g)].map((m) => [m[1], unescapeHtml(m[2])]);
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** Every page of the built site `dir` in reading order (throws when `dir` holds no built report). */
export function sitePagesInOrder(dir: string): SitePage[] {
  const index = join(dir, "index.html");
  if (!existsSync(index)) throw new Error(`${dir}: no built report (index.html missing); run \`npm run build\` first`);
  const meta = builtData<{ segments: { name: string; slug: string }[] }>(dir, "meta");
  const out: SitePage[] = [];
  for (const [href, title] of sidebarLinks(readFileSync(index, "utf8"))) {
    const path = "/" + href.replace(/^\.\//, "").replace(/#.*$/, "");
    if (!existsSync(join(dir, path))) throw new Error(`${dir}: the navigation links ${href}, which is not in the site`);
    out.push({ path, title, level: 1 });
    if (path === "/segments.html") {
      for (const segment of meta.segments) {
        const page = `/segment/${segment.slug}.html`;
        if (existsSync(join(dir, page))) out.push({ path: page, title: segment.name, level: 2 });
      }
    }
  }
  return out;
}
