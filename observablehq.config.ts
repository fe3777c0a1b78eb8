// Observable Framework configuration. Offline by design: no global (web-font) stylesheet, no CDN imports.
import { existsSync, readFileSync } from "node:fs";
import { artifactsDir, navigation, reportTitle } from "./loaders/site/navigation.ts";

/** Segment slugs for the parameterised route src/segment/[segment].md, written by the prebuild step. */
function segmentPaths(): string[] {
  // `npm run build` names its own report data (SEGMENT_ARTIFACTS); `npm run dev` the last prepared (CURRENT)
  const dir = artifactsDir();
  const file = dir === null ? null : `${dir}/segment-paths.json`;
  return file && existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : [];
}

export default {
  // report.title: the sidebar and every page's browser tab, as the home page and the exports say it
  title: reportTitle(artifactsDir()),
  root: "src",
  output: process.env.SEGMENT_OUTPUT ?? "dist",
  globalStylesheets: [],
  style: "style.css",
  search: false,
  // Links end in .html and the home page is index.html, so every link works on a plain static server, a file
  // share or a host with clean URLs, at the root or under a sub-path (Framework's links are relative).
  preserveExtension: true,
  preserveIndex: true,
  footer: "Built by segment-report from the data at build time.",
  // the registry's pages the data can fill (capabilities.json of the report data) and the analysts' own pages
  // (src/NAME.md with `title` and `nav: {after: ID}` in its front matter): loaders/site/navigation.ts
  pages: navigation(),
  dynamicPaths: segmentPaths(),
};
