/**
 * Segment colours, the same on every page. Cluster names come from the segmentation's fixed name grid
 * (loaders/cluster/naming.ts), so each base name has its own colour with a meaning that carries across k:
 * blues for recent high-value customers, green for new ones, orange/red for those at risk, grey for the
 * inactive. Colours are from the Okabe-Ito colour-blind-safe palette (plus Paul Tol's olive and sand).
 * Clusters sharing a base name ("Lapsed (more recent)" / "(less recent)") get lighter or darker shades of it,
 * in the order the suffix states. Names outside the grid get a colour from a fixed palette picked by a hash of
 * the name, so they are stable too. RFM segments have their own map (they are a different classification).
 * Every colour that marks data is darkened (same hue, lower lightness) until it has a contrast of at least 3:1 on
 * white (WCAG 2 non-text contrast): Okabe-Ito's yellow, sky blue and orange, and Tol's sand, are too pale as they
 * are. Shades of a base colour are darker ones, in the order the suffix states (more/most: the base; less: darker;
 * least: darker still), so they stay readable too.
 */
import * as d3 from "d3";

/** WCAG 2 relative luminance of a colour. */
export function luminance(color) {
  const c = d3.rgb(color);
  const lin = (v) => {
    const x = v / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

/** WCAG 2 contrast ratio of two colours (1 to 21). */
export function contrast(a, b = "#ffffff") {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The colour, darkened in steps of HCL lightness until its contrast on white is at least `ratio`. */
export function readable(color, ratio = 3) {
  const c = d3.hcl(color);
  while (contrast(c.formatHex()) < ratio && c.l > 0) c.l -= 1;
  return c.formatHex().toUpperCase();
}

const readableAll = (map) => Object.fromEntries(Object.entries(map).map(([k, v]) => [k, readable(v)]));

/** The colour of each base cluster name. */
export const CLUSTER_BASE_COLORS = readableAll({
  "Top-Value Active": "#0072B2",
  "High-Value Active": "#56B4E9",
  "Active Regulars": "#332288",
  "Recent Starters": "#009E73",
  "High-Value Cooling": "#CC79A7",
  Middle: "#999933",
  "Low-Value Occasional": "#DDCC77",
  "Low-Value Active": "#117733",
  "High-Value Lapsed": "#D55E00",
  Lapsed: "#E69F00",
  "Low-Value Lapsed": "#8C8C8C",
});

/** The colour of each default RFM segment (config.rfm.segments). */
export const RFM_COLORS = readableAll({
  Champions: "#0072B2",
  "Loyal Customers": "#56B4E9",
  "Potential Loyalists": "#009E73",
  "New Customers": "#44AA99",
  Promising: "#F0E442",
  "Need Attention": "#CC79A7",
  "About to Sleep": "#DDCC77",
  "Can't Lose Them": "#882255",
  "At Risk": "#D55E00",
  Hibernating: "#E69F00",
  Lost: "#6E6E6E",
  Other: "#C8C8C8",
});

/** For names in neither map (Paul Tol's muted palette). */
export const FALLBACK_PALETTE = [
  "#332288",
  "#117733",
  "#44AA99",
  "#88CCEE",
  "#DDCC77",
  "#CC6677",
  "#AA4499",
  "#882255",
  "#999933",
].map((c) => readable(c));

function hash(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Which shade a naming suffix asks for: 0 = the base colour, 1 = darker, 2 = darker still, ... */
function shadeIndex(suffix) {
  const s = suffix.toLowerCase();
  const tier = /tier (\d+) of (\d+)/.exec(s);
  if (tier) return Number(tier[1]) - 1;
  if (/^(more|most|higher|highest)\b/.test(s)) return 0;
  if (/^(less|lower)\b/.test(s)) return 1;
  if (/^mid\b/.test(s)) return 1;
  if (/^(least|lowest)\b/.test(s)) return 2;
  return 0;
}

function shade(base, index) {
  if (index <= 0) return base;
  const steps = [0, 0.3, 0.5, 0.15, 0.62, 0.4, 0.22];
  return readable(d3.interpolateRgb(base, "#000000")(steps[index % steps.length]));
}

/**
 * The colour of a cluster (segment) name.
 * @example segmentColor("Lapsed (less recent)") // a lighter shade of the Lapsed orange
 */
export function segmentColor(name) {
  const text = String(name);
  if (CLUSTER_BASE_COLORS[text]) return CLUSTER_BASE_COLORS[text];
  const match = /^(.*) \(([^()]*)\)$/.exec(text);
  if (match && CLUSTER_BASE_COLORS[match[1]]) return shade(CLUSTER_BASE_COLORS[match[1]], shadeIndex(match[2]));
  return FALLBACK_PALETTE[hash(text) % FALLBACK_PALETTE.length];
}

/** The colour of an RFM segment name. */
export function rfmColor(name) {
  const text = String(name);
  return RFM_COLORS[text] ?? FALLBACK_PALETTE[hash(text) % FALLBACK_PALETTE.length];
}

/** Black or white, whichever reads better on `background`. */
export function textOn(background) {
  const c = d3.rgb(background);
  const lum = (0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b) / 255;
  return lum > 0.55 ? "#111111" : "#ffffff";
}

/** Okabe-Ito, then Paul Tol's muted colours: for categories (up to 14 distinct, then repeating). */
export const CATEGORY_PALETTE = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#CC79A7",
  "#56B4E9",
  "#D55E00",
  "#F0E442",
  "#332288",
  "#999933",
  "#882255",
  "#44AA99",
  "#DDCC77",
  "#117733",
  "#AA4499",
].map((c) => readable(c));

const OTHER_GREY = readable("#A0A0A0");

/** A colour function for categories in the given order ("Other" always grey). */
export function categoryColors(categories) {
  const map = new Map();
  let i = 0;
  for (const c of categories)
    if (c !== "Other" && !map.has(c)) map.set(c, CATEGORY_PALETTE[i++ % CATEGORY_PALETTE.length]);
  return (c) => (c === "Other" ? OTHER_GREY : (map.get(c) ?? OTHER_GREY));
}
