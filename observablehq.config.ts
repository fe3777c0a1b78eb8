// Observable Framework configuration. Offline by design: no global (web-font) stylesheet, no CDN imports.
import { existsSync, readFileSync } from "node:fs";
import { navigation } from "./loaders/report/registry.ts";

/** Segment slugs for the parameterised route src/segments/[segment].md, written by the prebuild step. */
function segmentPaths(): string[] {
  if (!existsSync(".segment-cache/CURRENT")) return [];
  const file = `.segment-cache/${readFileSync(".segment-cache/CURRENT", "utf8").trim()}/segment-paths.json`;
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : [];
}

export default {
  title: "Customer segmentation report",
  root: "src",
  output: process.env.SEGMENT_OUTPUT ?? "dist",
  globalStylesheets: [],
  style: "style.css",
  search: false,
  footer: "Built by segment-report from the data at build time.",
  pages: navigation(),
  dynamicPaths: segmentPaths(),
};
