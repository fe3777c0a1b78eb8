/**
 * Product categories. When a `products.csv` (stock_code,description,category) sits beside the data file (the
 * demo data ships one), its categories are used as given. Otherwise a category is derived from the product
 * description with the keyword rules below: the first rule with a keyword among the description's words wins
 * (whole words, case-insensitive; a trailing "S" is ignored, so "CANDLES" matches "CANDLE"), and a description
 * matching no rule is "Other". The rules were written for a gift-ware catalogue such as the UCI Online Retail
 * data; they are ordered from the most specific (seasonal, jewellery) to the most generic (home decor).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { splitLine } from "../sources/columns.ts";

export interface CategoryRule {
  category: string;
  keywords: string[];
}

export const CATEGORY_RULES: CategoryRule[] = [
  {
    category: "Christmas & seasonal",
    keywords: [
      "christmas",
      "xmas",
      "advent",
      "easter",
      "halloween",
      "santa",
      "reindeer",
      "snowflake",
      "bauble",
      "wreath",
      "nativity",
    ],
  },
  {
    category: "Jewellery & accessories",
    keywords: [
      "necklace",
      "earring",
      "bracelet",
      "ring",
      "brooch",
      "charm",
      "bead",
      "diamante",
      "hair",
      "purse",
      "umbrella",
      "scarf",
      "pendant",
    ],
  },
  {
    category: "Candles & lighting",
    keywords: ["candle", "t-light", "tealight", "lantern", "light", "lamp", "incense", "nightlight"],
  },
  {
    category: "Kitchen & dining",
    keywords: [
      "mug",
      "cup",
      "saucer",
      "teacup",
      "plate",
      "bowl",
      "jar",
      "tin",
      "cake",
      "cakestand",
      "cakecase",
      "cutlery",
      "spoon",
      "napkin",
      "tray",
      "kitchen",
      "baking",
      "lunch",
      "bottle",
      "pantry",
      "jam",
      "teapot",
      "dish",
      "glass",
      "apron",
      "coaster",
      "tea",
      "coffee",
      "recipe",
      "beaker",
      "straw",
      "picnic",
    ],
  },
  {
    category: "Bags & storage",
    keywords: ["bag", "box", "basket", "storage", "case", "drawer", "crate", "hamper", "holdall", "suitcase"],
  },
  {
    category: "Stationery & cards",
    keywords: [
      "card",
      "paper",
      "wrap",
      "notebook",
      "pencil",
      "pen",
      "sticker",
      "tape",
      "envelope",
      "journal",
      "calendar",
      "book",
      "tissue",
      "gift",
      "ribbon",
      "tag",
      "stamp",
      "chalk",
      "eraser",
    ],
  },
  {
    category: "Toys & party",
    keywords: [
      "toy",
      "party",
      "game",
      "jigsaw",
      "doll",
      "dolly",
      "spaceboy",
      "balloon",
      "bunting",
      "kit",
      "childrens",
      "children",
      "playhouse",
      "skittle",
      "magic",
      "birthday",
      "fairy",
      "feltcraft",
    ],
  },
  {
    category: "Garden & outdoor",
    keywords: ["garden", "plant", "pot", "watering", "bird", "flower", "parasol", "doormat", "herb", "seed"],
  },
  {
    category: "Home decor",
    keywords: [
      "holder",
      "frame",
      "mirror",
      "sign",
      "clock",
      "cushion",
      "decoration",
      "hanging",
      "heart",
      "ornament",
      "vase",
      "hook",
      "wall",
      "garland",
      "hanger",
      "cabinet",
      "knob",
      "door",
      "shelf",
      "blanket",
      "throw",
      "bottle",
      "warmer",
      "doorstop",
      "tile",
      "photo",
      "print",
    ],
  },
];

const OTHER = "Other";

/** The description's words, each also without a trailing "s" ("tins" -> "tin"; "christmas" stays too). */
function words(description: string): string[] {
  return description
    .toLowerCase()
    .split(/[^a-z0-9-]+/)
    .filter(Boolean)
    .flatMap((w) => (w.length > 3 && w.endsWith("s") ? [w, w.slice(0, -1)] : [w]));
}

/**
 * The category a description falls in under `rules` (first rule with a matching keyword), or "Other".
 * @example categoryOf("SET OF 3 CAKE TINS PANTRY DESIGN") // "Kitchen & dining"
 */
export function categoryOf(description: string, rules: CategoryRule[] = CATEGORY_RULES): string {
  const set = new Set(words(description));
  for (const rule of rules) if (rule.keywords.some((k) => set.has(k))) return rule.category;
  return OTHER;
}

/** The text of the products.csv beside the data file, or null when there is none. */
export function categoryTableText(dataFile: string): string | null {
  const path = join(dirname(dataFile), "products.csv");
  return existsSync(path) ? readFileSync(path, "utf8") : null;
}

/**
 * stock_code -> category from a products.csv beside the data file, or null when there is none (or it lacks
 * the stock_code and category columns). Codes are compared upper-cased and trimmed.
 */
export function loadCategoryTable(dataFile: string): Map<string, string> | null {
  const text = categoryTableText(dataFile);
  if (text === null) return null;
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  if (!lines.length) return null;
  const header = splitLine(lines[0], ",").map((h) => h.trim().toLowerCase());
  const code = header.indexOf("stock_code");
  const category = header.indexOf("category");
  if (code < 0 || category < 0) return null;
  const table = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const fields = splitLine(line, ",");
    const c = fields[code]?.trim().toUpperCase();
    const v = fields[category]?.trim();
    if (c && v) table.set(c, v);
  }
  return table.size ? table : null;
}

/** Where the categories come from, for the methodology and products pages. */
export type CategorySource = "products.csv" | "description keywords" | "category column";
