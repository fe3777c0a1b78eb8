/**
 * Word frequencies of product descriptions for the word clouds, computed at build time. A word is a run of
 * letters (and inner apostrophes or hyphens), upper-cased; words of fewer than 3 letters, numbers and the
 * stop words below (function words, pack sizes and generic catalogue words) are skipped. A word counts once
 * per order line of a product whose description contains it (aggregates.ts), so a product bought often weighs
 * more than a long name.
 */

export const STOP_WORDS = new Set([
  "AND",
  "THE",
  "FOR",
  "WITH",
  "OF",
  "IN",
  "ON",
  "TO",
  "A",
  "AN",
  "BY",
  "FROM",
  "OR",
  "AS",
  "AT",
  "IS",
  "NOT",
  "SET",
  "SETS",
  "PACK",
  "PACKS",
  "ASSORTED",
  "DESIGN",
  "DESIGNS",
  "STYLE",
  "TYPE",
  "COLOUR",
  "COLOURS",
  "COLOR",
  "SMALL",
  "LARGE",
  "MEDIUM",
  "MINI",
  "JUMBO",
  "BIG",
  "SIZE",
  "PCS",
  "PIECE",
  "PIECES",
  "NEW",
]);

/**
 * The counted words of one description.
 * @example descriptionWords("SET OF 3 CAKE TINS PANTRY DESIGN") // ["CAKE", "TINS", "PANTRY"]
 */
export function descriptionWords(description: string): string[] {
  const words = description.toUpperCase().match(/[A-Z][A-Z'-]*[A-Z]|[A-Z]/g) ?? [];
  return [...new Set(words.filter((w) => w.length >= 3 && !STOP_WORDS.has(w)))];
}
