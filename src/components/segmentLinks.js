/** Links to other segments' pages, each with its colour swatch. */
import * as d3 from "d3";
import { segmentColor } from "./colors.js";

/**
 * @param {{name: string, slug: string}[]} segments
 * @param {{prefix?: string}} [options] path to the segment pages from the current page ("./" from a segment page)
 * @returns {HTMLDivElement}
 */
export function segmentLinks(segments, { prefix = "./" } = {}) {
  const nav = d3.create("div").attr("class", "segment-links");
  for (const s of segments) {
    const a = nav.append("a").attr("href", `${prefix}${s.slug}.html`);
    a.append("span").attr("class", "swatch").style("background", segmentColor(s.name));
    a.append("span").text(s.name);
  }
  return nav.node();
}
