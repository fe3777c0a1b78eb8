/**
 * Fits a table to the width it is given, never clipping it: the table as it is when it fits; otherwise its
 * transposed twin (rows become columns: a few segments with many measures) when that fits; otherwise one block
 * per row with each value under its column's label ("stacked"). Decided on the width of a zero-height ruler
 * inside the wrapper, so a change of layout (which changes only the height) does not trigger it again; decided
 * again on every change of width and before printing.
 */

/**
 * @param {HTMLElement} wrap a `div.table-fit` holding `table.report-table` and, optionally, `table.transposed`
 * @returns {HTMLElement} the same wrapper
 */
export function fitTable(wrap) {
  const ruler = document.createElement("div");
  ruler.className = "table-fit-ruler";
  wrap.prepend(ruler);
  const table = wrap.querySelector("table.report-table:not(.transposed)");
  const twin = wrap.querySelector("table.transposed");
  const show = (mode) => {
    wrap.dataset.layout = mode;
    wrap.classList.toggle("stacked", mode === "stacked");
    table.hidden = mode === "transposed";
    if (twin) twin.hidden = mode !== "transposed";
  };
  const fits = (node) => node.getBoundingClientRect().width <= ruler.getBoundingClientRect().width + 1;
  let last = -1;
  const fit = (force = false) => {
    const width = ruler.getBoundingClientRect().width;
    if (!width || (!force && width === last)) return;
    last = width;
    show("table");
    if (fits(table)) return;
    if (twin) {
      show("transposed");
      if (fits(twin)) return;
    }
    show("stacked");
  };
  show("table");
  if (typeof ResizeObserver !== "undefined") new ResizeObserver(() => fit()).observe(ruler);
  if (typeof window !== "undefined") {
    window.addEventListener("beforeprint", () => fit(true));
    window.addEventListener("afterprint", () => fit(true));
  }
  return wrap;
}
