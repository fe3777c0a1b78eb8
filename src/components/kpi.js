/** A headline figure card: label, big value, optional note (all set as text). */
import * as d3 from "d3";

/**
 * @param {string} label
 * @param {string} value already formatted
 * @param {string} [note]
 * @returns {HTMLDivElement}
 */
export function kpi(label, value, note) {
  const div = d3.create("div").attr("class", "kpi");
  div.append("div").attr("class", "label").text(label);
  div.append("div").attr("class", "value").text(value);
  if (note) div.append("div").attr("class", "kpi-note").text(note);
  return div.node();
}
