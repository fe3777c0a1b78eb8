/**
 * Layout checks run inside a laid-out page (a string, not a function: tsx would wrap a function's inner
 * closures in a helper the page does not have). `LAYOUT_PROBLEMS` evaluates to a list of problems:
 * - an element (text, table, chart mark) whose right edge passes the right edge of the page (the viewport's
 *   width: the paper less its margins in print) and that is not inside a scroll box showing an affordance;
 * - a box that clips or scrolls its content sideways (overflow-x other than visible, scrollWidth beyond its
 *   width) without the affordance: the class `scrolls` and a visible `.scroll-hint` inside its parent. With
 *   `allowScroll` false (print, laptop) no such box may overflow at all: the layout must fit.
 * Each problem names the element (tag, class, the page section and a little of its text) so a failure says where.
 */
export const LAYOUT_PROBLEMS = (allowScroll: boolean): string => `(() => {
  const allowScroll = ${allowScroll ? "true" : "false"};
  const edge = document.documentElement.clientWidth;
  const problems = [];
  const where = (el) => {
    const section = el.closest("[data-report-path]");
    const path = section ? section.getAttribute("data-report-path") : "";
    const text = (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    const cls = typeof el.className === "string" ? el.className : (el.className && el.className.baseVal) || "";
    return path + " <" + el.tagName.toLowerCase() + (cls ? "." + cls.split(" ").join(".") : "") + "> " + JSON.stringify(text);
  };
  const visible = (el) => {
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      const s = getComputedStyle(n);
      if (s.display === "none" || s.visibility === "hidden") return false;
    }
    const r = el.getBoundingClientRect();
    return r.width > 0 || r.height > 0;
  };
  const scrollers = [];
  const root = document.querySelector("#observablehq-main") || document.body;
  for (const el of root.querySelectorAll("*")) {
    if (el.closest(".report-probe, .chart-tooltip, svg")) continue;
    const s = getComputedStyle(el);
    if (s.overflowX === "visible" || el.scrollWidth <= el.clientWidth + 1) continue;
    if (!visible(el)) continue;
    const afforded =
      el.classList.contains("scrolls") &&
      [...(el.parentElement || el).querySelectorAll(".scroll-hint")].some((h) => visible(h));
    scrollers.push({ el, afforded });
    if (!allowScroll) problems.push("scrolls sideways (" + el.scrollWidth + " px in " + el.clientWidth + "): " + where(el));
    else if (!afforded) problems.push("hides content in a scroll box with no affordance (" + el.scrollWidth + " px in " + el.clientWidth + "): " + where(el));
  }
  const inScroller = (el) => scrollers.some((s) => s.afforded && s.el.contains(el));
  for (const el of root.querySelectorAll("*")) {
    if (el.closest(".report-probe, .chart-tooltip")) continue;
    const r = el.getBoundingClientRect();
    if (r.right <= edge + 1 || r.width === 0) continue;
    if (!visible(el) || (allowScroll && inScroller(el))) continue;
    // report the outermost element past the edge only
    const parent = el.parentElement;
    if (parent && parent !== root && parent.getBoundingClientRect().right > edge + 1 && !(allowScroll && inScroller(parent))) continue;
    problems.push("passes the right edge (" + Math.round(r.right) + " px > " + edge + "): " + where(el));
  }
  return problems;
})()`;

/** The visible text of the report sections, for wording checks in a given layout. */
export const VISIBLE_TEXT = `(() => document.querySelector("#observablehq-main").innerText)()`;
