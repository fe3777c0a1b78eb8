// Observable Framework configuration. Offline by design: no global (web-font) stylesheet, no CDN imports.
import { existsSync, readFileSync } from "node:fs";
import { navigation } from "./loaders/report/registry.ts";

/** Segment slugs for the parameterised route src/segment/[segment].md, written by the prebuild step. */
function segmentPaths(): string[] {
  // `npm run build` names its own report data (SEGMENT_ARTIFACTS); `npm run dev` the last prepared (CURRENT)
  let dir = process.env.SEGMENT_ARTIFACTS;
  if (!dir) {
    if (!existsSync(".segment-cache/CURRENT")) return [];
    dir = `.segment-cache/${readFileSync(".segment-cache/CURRENT", "utf8").trim()}`;
  }
  const file = `${dir}/segment-paths.json`;
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : [];
}

export default {
  title: "Customer segmentation report",
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
  pages: navigation(),
  dynamicPaths: segmentPaths(),
};
