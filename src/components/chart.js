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

/**
 * Words of `text` on at most `maxLines` lines of `max` characters; only what still does not fit on the last line
 * is cut with an ellipsis (a label wraps where there is room instead of being cut).
 */
export function wrapLines(text, max = 28, maxLines = 2) {
  const lines = [];
  for (const word of String(text).split(/\s+/).filter(Boolean)) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= max) lines[last] += " " + word;
    else lines.push(word);
  }
  if (lines.length > maxLines) lines.splice(maxLines - 1, lines.length, lines.slice(maxLines - 1).join(" "));
  return lines.map((line) => truncate(line, max));
}

/**
 * Sets a label on an SVG <text> (already placed, centred on its y with dy 0.32em) as wrapped lines: up to as many
 * as `room` px of height hold (12 px a line), centred on the same y.
 */
export function labelLines(text, label, max, room) {
  const lines = wrapLines(label, max, Math.max(1, Math.min(3, Math.floor(room / 12))));
  const x = text.attr("x");
  text.text(null);
  lines.forEach((line, i) =>
    text
      .append("tspan")
      .attr("x", x)
      .attr("dy", i === 0 ? `${0.32 - ((lines.length - 1) * 1.1) / 2}em` : "1.1em")
      .text(line),
  );
  text.attr("dy", null);
  text.append("title").text(String(label));
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
