/** A segment's page title: its colour swatch and its name (set as text). */
import * as d3 from "d3";
import { segmentColor } from "./colors.js";

/**
 * @param {string} name
 * @returns {HTMLHeadingElement}
 */
export function segmentTitle(name) {
  const h1 = d3.create("h1");
  h1.append("span").attr("class", "swatch").style("background", segmentColor(name));
  h1.append("span").text(name);
  return h1.node();
}
