/** A small note paragraph (caveats, "not available" lines), its text set as text. */
import * as d3 from "d3";

/**
 * @param {string} text
 * @returns {HTMLParagraphElement}
 */
export function note(text) {
  return d3.create("p").attr("class", "note-small").text(text).node();
}
