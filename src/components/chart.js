/**
 * Shared building blocks of the chart components (not a chart itself): an accessible SVG frame and a figure
 * wrapper (axes and legends: axes.js). All text from the data is set with .text(), never parsed as HTML.
 */
import * as d3 from "d3";

/**
 * An <svg role="img"> with a <title> and a <desc>, sized `width` x `height` and scaling down with its
 * container.
 */
export function svgFrame({ width, height, title, description = "" }) {
  const svg = d3
    .create("svg")
    .attr("class", "chart")
    .attr("width", width)
    .attr("height", height)
    .attr("viewBox", [0, 0, width, height])
    .attr("style", "max-width: 100%; height: auto;")
    .attr("role", "img")
    .attr("aria-label", title);
  svg.append("title").text(title);
  if (description) svg.append("desc").text(description);
  return svg;
}

/** Wraps nodes in a <figure class="chart"> with an optional caption. */
export function figure(nodes, caption) {
  const fig = d3.create("figure").attr("class", "chart");
  for (const node of [].concat(nodes)) if (node) fig.node().append(node);
  if (caption) fig.append("figcaption").text(caption);
  return fig.node();
}

/** Truncates a label to `max` characters with an ellipsis. */
export function truncate(text, max = 28) {
  const s = String(text);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** A seeded pseudo-random generator (mulberry32) for deterministic layouts. */
export function seededRandom(seed = 42) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
