/** A note naming glossary entries as links ("Definitions in the glossary: a, b and c."), built as DOM. */

/**
 * @param {[string, string][]} entries [glossary id, link text] pairs
 * @param {{base?: string, lead?: string, tail?: string, className?: string}} options base: the methodology page's
 *   path; lead and tail: text before and after the list; className: the paragraph's class
 * @returns {HTMLParagraphElement}
 */
export function glossaryLinks(
  entries,
  { base = "./methodology.html", lead = "Definitions in the glossary: ", tail = ".", className = "note-small" } = {},
) {
  const p = document.createElement("p");
  if (className) p.className = className;
  p.append(lead);
  entries.forEach(([id, text], i) => {
    if (i > 0) p.append(i === entries.length - 1 ? " and " : ", ");
    const a = document.createElement("a");
    a.href = `${base}#g-${id}`;
    a.textContent = text;
    p.append(a);
  });
  p.append(tail);
  return p;
}
